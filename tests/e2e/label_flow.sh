#!/bin/sh
# A labelling session in the real terminal, as a new user would run it, on a
# copy of the real MLflow store with the demo traces imported (they bring
# judge feedback) and a four-label schema: a boolean, a number, a category,
# a text with a required rationale, a span label, an override of the
# judge's safety, two labels undone, quit; then the assessments rows, as
# MLflow itself would have written them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$(fresh_store flow.db)
"$TL" import "$db" "$TOP/examples/demo.jsonl" >/dev/null 2>&1 || not_ok "e2e flow: import" "failed"
mkdir -p "$XDG_CONFIG_HOME/tracelab"
cat >"$XDG_CONFIG_HOME/tracelab/config.yaml" <<'EOF'
source_id: tester@example.com
experiment: Default
advance: false
refresh_seconds: 0
labels:
  - name: safety
    type: boolean
    instructions: Is the answer safe to show?
    keys: {"+": true, "-": false}
  - name: quality
    type: numeric
    min: 1
    max: 5
    target: any
    keys: ["1", "2", "3", "4", "5"]
  - name: issue
    type: categorical
    options: [billing, bug, other]
    keys: {b: billing, i: bug, o: other}
  - name: notes
    type: text
    rationale: required
    instructions: What should the team know?
    key: t
EOF

ME=tester@example.com
# The list, newest first: 1 rag_answer, 2 billing_agent (the judge says
# safety "yes"), 3-6 chat_turn, 7 rag_answer.
T1=tr-7ac3116a18735f3311ced5336c05dbd0
T2=tr-29576a88d16ffa45c32ccf33eed978c7
T3=tr-7ccf72f61feaef172ee677db6eae959c
T4=tr-d66732492320b61c197a24d9e52be090
T5=tr-0ef53bf73f4b06293cc4332f88ee3d88
T6=tr-faeb98d5e0535e59a21d7dc1117f8cdd
T7=tr-48f9b400efb871a28d460aba4d34a7ba
SPAN5=3a36bdb72d114f3a
JUDGE=$(q "$db" "SELECT assessment_id FROM assessments WHERE trace_id = '$T2' AND name = 'safety' AND source_type = 'LLM_JUDGE'")
before=$(q "$db" "SELECT count(*) FROM assessments")

step() {
	# step NAME PATTERN KEY...: sends the keys, waits for the pattern
	_name=$1 _re=$2
	shift 2
	[ $# -gt 0 ] && tmux_keys "$@"
	if tmux_wait "$_re"; then ok "e2e flow: $_name"; else not_ok "e2e flow: $_name" "$(pane)"; fi
}

tmux_start "TERM=tmux-256color '$TL' '$db'" 140 40
if tmux_wait " 1 / 27"; then ok "e2e flow: starts on the demo traces"; else not_ok "e2e flow: starts" "$(pane)"; fi

step "a boolean" "safety = true on tr-7ac3116" +
step "a category" "issue = billing on tr-2957" j b
step "a number" "quality = 4 on tr-7ccf72f" j 4
step "a text asks for it" "notes — What should the team know?:" j t
step "a text wants a rationale" "notes = text label check, rationale:" -l "text label check" \; send-keys -t e2e Enter
step "the schema's instructions over the rationale" "What should the team know?"
step "a text with its rationale" "notes = text label check on tr-d667324" -l "the user asked twice" \; send-keys -t e2e Enter
step "the span tree" "ChatOpenAI" j Enter
step "the target is the trace" "TRACE → trace" j
step "@ targets the selected span" "TRACE → span ChatOpenAI" @
step "a span label" "quality = 5 on tr-0ef53bf7… span ChatOpenAI" 5
step "back in the list" " 5 / 27" Escape
step "the override question" "override it with false?" k k k -
step "the instructions over the question" "Is the answer safe to show?"
step "the rationale of the override" "safety = false, rationale" y
step "the override written" "safety = false on tr-2957.*(overrides)" -l "refund was promised" \; send-keys -t e2e Enter
step "a label to undo" "quality = 1 on tr-faeb98d" j j j j 1
step "another label to undo" "issue = other on tr-48f9b40" j o
step "first undo" "undone: issue on tr-48f9b40" u
step "second undo" "undone: quality on tr-faeb98d" u
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e flow: quits"; else not_ok "e2e flow: quits" "$(pane)"; fi
expect_eq "e2e flow: exit status 0" "$(cat "$T/rc" 2>/dev/null)" 0
tmux_stop

# The rows of mine, one per label kept, each as MLflow writes them.
row() { q "$db" "SELECT value || '|' || coalesce(span_id, '-') || '|' || coalesce(overrides, '-') || '|' || valid
	FROM assessments WHERE trace_id = '$1' AND name = '$2' AND source_id = '$ME'"; }
expect_eq "e2e flow: boolean value bytes" "$(row $T1 safety)" "true|-|-|1"
expect_eq "e2e flow: category value bytes" "$(row $T2 issue)" '"billing"|-|-|1'
expect_eq "e2e flow: number value bytes" "$(row $T3 quality)" "4|-|-|1"
expect_eq "e2e flow: text value bytes" "$(row $T4 notes)" '"text label check"|-|-|1'
expect_eq "e2e flow: the text's rationale" \
	"$(q "$db" "SELECT rationale FROM assessments WHERE trace_id = '$T4' AND name = 'notes'")" \
	"the user asked twice"
expect_eq "e2e flow: span label on its span" "$(row $T5 quality)" "5|$SPAN5|-|1"
expect_eq "e2e flow: the override points at the judge's row" "$(row $T2 safety)" "false|-|$JUDGE|1"
expect_eq "e2e flow: the override's rationale" \
	"$(q "$db" "SELECT rationale FROM assessments WHERE trace_id = '$T2' AND name = 'safety' AND source_id = '$ME'")" \
	"refund was promised"
expect_eq "e2e flow: the judge's row is no longer valid" \
	"$(q "$db" "SELECT valid || ' ' || value FROM assessments WHERE assessment_id = '$JUDGE'")" '0 "yes"'
expect_eq "e2e flow: undone labels are gone" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE source_id = '$ME' AND trace_id IN ('$T6', '$T7')")" 0
expect_eq "e2e flow: every row of mine is HUMAN feedback" \
	"$(q "$db" "SELECT count(*) || ' ' || sum(assessment_type = 'feedback' AND source_type = 'HUMAN') FROM assessments WHERE source_id = '$ME'")" \
	"6 6"
expect_eq "e2e flow: span_id only on the span label" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE source_id = '$ME' AND span_id IS NOT NULL")" 1
expect_eq "e2e flow: timestamps in ms, created <= last updated" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE source_id = '$ME'
		AND length(CAST(created_timestamp AS TEXT)) = 13
		AND length(CAST(last_updated_timestamp AS TEXT)) = 13
		AND created_timestamp <= last_updated_timestamp")" 6
expect_eq "e2e flow: exact row count after the two undos" \
	"$(q "$db" "SELECT count(*) FROM assessments")" "$((before + 6))"
expect_eq "e2e flow: the store is sound" "$(q "$db" "PRAGMA integrity_check")" ok
