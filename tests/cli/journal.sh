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

# ---- the feedback commands' own writes go through the journal -------------
run_tl pending "$S" --discard
: >"$J"
C=$T/cmds.db
cp "$FIX/mlflow-3-dspy-react-agent.db" "$C"
chmod u+w "$C"
fb() { q "$C" "SELECT count(*) FROM assessments WHERE source_id = 'cli' AND name = '$1'"; }

# A log-feedback the store cannot take (its write lock held past the busy
# timeout): exit 1, the message says where it is kept, nothing is written.
hold "$C" 30
TRACELAB_BUSY_MS=200 run_tl log-feedback "$C" --trace "$TR" --name verdict --value true \
	--source-id cli -m channel=cli
expect_eq "journal cmds: a locked log-feedback exits 1" "$rc" 1
expect_has "journal cmds: it says the label is kept" "$err" "kept in the label journal"
expect_has "journal cmds: and how to write it" "$err" "tracelab pending --retry"
expect_eq "journal cmds: nothing is written under the lock" "$(fb verdict)" 0
run_tl pending "$C"
expect_has "journal cmds: pending lists the log action" "$out" "log        $TR  verdict = true"
release
run_tl pending "$C" --retry
expect_has "journal cmds: --retry writes it" "$out" "1 pending label written, 0 left"
expect_eq "journal cmds: written once, with MLflow's own metadata" \
	"$(q "$C" "SELECT count(*) || ' ' || value || ' ' || assessment_metadata FROM assessments WHERE source_id = 'cli' AND name = 'verdict'")" \
	'1 true {"channel": "cli"}'

# The same command run again after it failed: one row, not two.
hold "$C" 30
TRACELAB_BUSY_MS=200 run_tl log-feedback "$C" --trace "$TR" --name again --value 3 --source-id cli
expect_eq "journal cmds: the first try fails" "$rc" 1
release
run_tl log-feedback "$C" --trace "$TR" --name again --value 3 --source-id cli
expect_eq "journal cmds: the second try exits 0" "$rc" 0
expect_has "journal cmds: it writes the journalled one first" "$err" "1 journalled label"
expect_eq "journal cmds: the label is there once" "$(fb again)" 1
expect_eq "journal cmds: the id printed is the row's" "$out" \
	"$(q "$C" "SELECT assessment_id FROM assessments WHERE source_id = 'cli' AND name = 'again'")"

# kill -9 while the command waits for the lock: the journal keeps it, the
# next run writes it once.
hold "$C" 30
TRACELAB_BUSY_MS=20000 "$TL" log-feedback "$C" --trace "$TR" --name killed --value false \
	--source-id cli >/dev/null 2>&1 &
kp=$!
_n=0
while ! grep -q '"killed"' "$J" 2>/dev/null && [ $_n -lt 200 ]; do sleep 0.025; _n=$((_n + 1)); done
kill -9 $kp 2>/dev/null
wait $kp 2>/dev/null
release
expect_eq "journal cmds: killed before the write: nothing in the store" "$(fb killed)" 0
run_tl pending "$C"
expect_has "journal cmds: the killed command's label is pending" "$out" "killed = false"
run_tl pending "$C" --retry
expect_eq "journal cmds: written once after the kill" "$(fb killed)" 1
# its lines again without "done" (a crash after the commit): not twice
lid=$(q "$C" "SELECT assessment_id FROM assessments WHERE source_id = 'cli' AND name = 'killed'")
ct=$(q "$C" "SELECT created_timestamp FROM assessments WHERE assessment_id = '$lid'")
printf '{"v": 1, "key": "%s", "action": "log", "store": "%s", "experiment": null, "trace": "%s", "span": null, "name": "killed", "value": false, "rationale": null, "metadata": null, "source_type": "HUMAN", "source_id": "cli", "allow_override": false, "created_ms": %s, "owner": "1-dead", "row_created_ms": %s, "row_updated_ms": %s}\n' \
	77777777-7777-4777-8777-777777777777 "$(cd "$T" && pwd -P)/cmds.db" "$TR" "$ct" "$ct" "$ct" >>"$J"
run_tl pending "$C" --retry
expect_eq "journal cmds: a replay after the commit writes nothing twice" "$(fb killed)" 1

# update-feedback and delete-feedback under the lock: kept, then written.
hold "$C" 30
TRACELAB_BUSY_MS=200 run_tl update-feedback "$C" "$lid" --value true -r "on second look"
expect_eq "journal cmds: a locked update-feedback exits 1" "$rc" 1
expect_has "journal cmds: the update is kept" "$err" "kept in the label journal"
release
run_tl pending "$C" --retry
expect_eq "journal cmds: the update is written by --retry" \
	"$(q "$C" "SELECT value || ' ' || rationale FROM assessments WHERE assessment_id = '$lid'")" \
	"true on second look"
hold "$C" 30
TRACELAB_BUSY_MS=200 run_tl delete-feedback "$C" "$lid"
expect_eq "journal cmds: a locked delete-feedback exits 1" "$rc" 1
release
run_tl delete-feedback "$C" "$lid"
expect_eq "journal cmds: the delete run again exits 0" "$rc" 0
expect_eq "journal cmds: it says deleted" "$out" "deleted $lid"
expect_eq "journal cmds: the row is gone" "$(fb killed)" 0
run_tl pending "$C"
expect_eq "journal cmds: nothing pending at the end" "$out" "no labels pending for this store"
expect_eq "journal cmds: integrity_check" "$(q "$C" "PRAGMA integrity_check")" ok
