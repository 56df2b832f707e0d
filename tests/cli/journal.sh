#!/bin/sh
# The label journal from the command line: `tracelab pending` lists what
# an ended run left (a torn last line set aside and reported, an unreadable
# line named by path:line), --retry writes each label exactly once (the
# key travels in the row's metadata), --discard drops them, the feedback
# commands write them first, and the file is 0600.
. "$(dirname "$0")/../lib.sh"

TR=tr-c3f8ccfcfd1ce910d7277a703eedd5e9
S=$T/j.db
cp "$FIX/mlflow-3-dspy-react-agent.db" "$S"
chmod u+w "$S"
J=$HOME/.local/state/tracelab/journal.jsonl
mkdir -p "$(dirname "$J")"
sid=$(cd "$T" && pwd -P)/j.db

# line KEY NAME VALUE: an action of a process that has ended.
line() {
	printf '{"v": 1, "key": "%s", "action": "create", "store": "%s", "experiment": "0", "trace": "%s", "span": null, "name": "%s", "value": %s, "rationale": "from \\"before\\"", "metadata": null, "source_type": "HUMAN", "source_id": "ann", "allow_override": false, "created_ms": 1767225600000, "owner": "1-dead"}\n' \
		"$1" "$sid" "$TR" "$2" "$3"
}
K1=11111111-1111-4111-8111-111111111111
K2=22222222-2222-4222-8222-222222222222
K3=33333333-3333-4333-8333-333333333333
{ line $K1 quality 4; echo 'not json'; line $K2 tone '"calm"'; printf '{"v": 1, "key": "3333'; } >"$J"

run_tl pending "$S"
expect_eq "journal: pending exits 0 with a torn line" "$rc" 0
expect_has "journal: the torn line is reported with its place" "$err" "journal.jsonl:4: a torn last line"
expect_has "journal: and where it went" "$err" "set aside in $J.torn"
expect_eq "journal: the torn bytes are kept aside" "$(cat "$J.torn")" '{"v": 1, "key": "3333'
expect_has "journal: pending lists the first label" "$out" "$K1  create     $TR  quality = 4"
expect_has "journal: pending lists the second label" "$out" "$TR  tone = \"calm\""
expect_has "journal: pending names the store" "$out" "$sid"
run_tl pending "$S"
expect_has "journal: an unreadable line is named by path:line" "$err" "journal.jsonl:2: unreadable line skipped"
expect_eq "journal: the journal is 0600" "$(stat -c %a "$J")" 600

run_tl pending "$S" --retry
expect_eq "journal: --retry exits 0" "$rc" 0
expect_has "journal: --retry says what it wrote" "$out" "2 pending labels written, 0 left"
expect_eq "journal: each label written once" \
	"$(q "$S" "SELECT name || '=' || value || ' ' || rationale || ' ' || json_extract(assessment_metadata, '$.\"tracelab.idempotency_key\"') FROM assessments WHERE source_id = 'ann' ORDER BY name")" \
	"quality=4 from \"before\" $K1
tone=\"calm\" from \"before\" $K2"
run_tl pending "$S"
expect_eq "journal: nothing pending after --retry" "$out" "no labels pending for this store"

# A crash between the store's commit and "done": the key is found, nothing
# is written again.
line $K3 quality 4 >>"$J"
run_tl pending "$S" --retry
expect_eq "journal: a committed label is not written again" \
	"$(q "$S" "SELECT count(*) FROM assessments WHERE source_id = 'ann'")" 2
q "$S" "UPDATE assessments SET assessment_metadata = '{\"tracelab.idempotency_key\": \"$K3\"}' WHERE name = 'quality' AND source_id = 'ann'"
K4=44444444-4444-4444-8444-444444444444
line $K4 tone '"warm"' | sed 's/"create"/"update"/' >>"$J"
printf '{"v": 1, "done": "%s"}\n' $K4 >>"$J"
run_tl pending "$S"
expect_eq "journal: a done action is not pending" "$out" "no labels pending for this store"

# The feedback commands write what is pending first.
K5=55555555-5555-4555-8555-555555555555
line $K5 relevance true >>"$J"
run_tl log-feedback "$S" --trace "$TR" --name other --value 1 --source-id bo
expect_eq "journal: log-feedback exits 0" "$rc" 0
expect_has "journal: log-feedback says it writes the journalled label" "$err" \
	"1 journalled label from an earlier run pending for this store: writing them"
expect_eq "journal: the journalled label is written by log-feedback" \
	"$(q "$S" "SELECT value FROM assessments WHERE source_id = 'ann' AND name = 'relevance'")" true

# --discard drops them.
K6=66666666-6666-4666-8666-666666666666
line $K6 relevance false >>"$J"
run_tl pending "$S" --discard
expect_has "journal: --discard says so" "$out" "1 pending label discarded"
run_tl pending "$S" --retry
expect_eq "journal: a discarded label is never written" \
	"$(q "$S" "SELECT value FROM assessments WHERE source_id = 'ann' AND name = 'relevance'")" true
expect_eq "journal: emptied once nothing is pending" "$(wc -c <"$J" | tr -d ' ')" 0

# Another store's labels are not this store's; without STORE all are listed.
line $K6 relevance false | sed "s|$sid|/elsewhere/x.db|" >>"$J"
run_tl pending "$S"
expect_eq "journal: another store's label is not listed for this one" "$out" \
	"no labels pending for this store"
run_tl pending
expect_has "journal: pending without STORE lists every store" "$out" "/elsewhere/x.db"
run_tl pending "$S" --retry --discard
expect_eq "journal: --retry with --discard is a usage error" "$rc" 2
