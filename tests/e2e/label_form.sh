#!/bin/sh
# The labelling form and the rules a team's labels rely on, in the real
# terminal on a copy of a real store whose LLM-judge rows sit on each
# trace's root span (as mlflow.genai.evaluate writes them), with a
# four-question schema: one key per question, advance once the trace is
# complete, exactly one row per question, target and source (SQL), the
# disagreement filter, the ≠ mark, the override offer and the list column
# agreeing, blind mode, the seconds on the item in the metadata, and
# MLflow's own search_traces finding the answers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$T/judged.db
cp "$FIX/mlflow-3-dspy-react-agent.db" "$db"
chmod u+w "$db"
"$TL" import "$db" "$TOP/examples/demo.jsonl" --experiment support-bot >/dev/null 2>&1 ||
	not_ok "e2e form: import" "failed"
sqlite3 -batch "$db" <"$FIX/judges-on-root-spans.sql" || not_ok "e2e form: judge rows" "failed"
ME=me@example.com
cat >"$T/config.yaml" <<'CFG'
source_id: me@example.com
experiment: support-bot
refresh_seconds: 0
labels:
  - name: correctness
    type: boolean
    instructions: Does the answer settle the question?
    keys: {"+": true, "-": false}
  - name: helpfulness
    type: numeric
    min: 1
    max: 5
    keys: ["1", "2", "3", "4", "5"]
  - name: topic
    type: categorical
    options: [billing, bug, other]
    keys: {b: billing, i: bug, o: other}
  - name: notes
    type: text
    required: false
    rationale: none
    key: t
CFG
# The list, newest first: 1 rag_answer (the judge: correctness "no",
# helpfulness 5), 2 billing_agent (correctness "no"; lena says "yes").
T1=tr-7ac3116a18735f3311ced5336c05dbd0
T2=tr-29576a88d16ffa45c32ccf33eed978c7
ROOT1=$(q "$db" "SELECT span_id FROM spans WHERE trace_id = '$T1' AND coalesce(parent_span_id, '') = ''")
expect_eq "e2e form: the judge's rows are on the root span" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$T1' AND source_type = 'LLM_JUDGE' AND span_id = '$ROOT1'")" 2

step() {
	# step NAME PATTERN KEY...: sends the keys, waits for the pattern
	_name=$1 _re=$2
	shift 2
	[ $# -gt 0 ] && tmux_keys "$@"
	if tmux_wait "$_re"; then ok "e2e form: $_name"; else not_ok "e2e form: $_name" "$(pane)"; fi
}
mine() { q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$1' AND name = '$2' AND source_type = 'HUMAN' AND source_id = '$ME' AND valid = 1"; }

TLQ="TERM=tmux-256color '$TL' '$db' --config '$T/config.yaml'"
tmux_start "$TLQ" 140 90
step "starts" " 1 / 27"
step "the form lists every question" "Questions (4): 4 open, 3 of them required" L
step "the form shows the judge's answer on the root span" "LLM_JUDGE openai:/gpt-4o-mini  *no"
step "the instruction" "Does the answer settle the question?"
step "one key answers the focused question" "Questions (4): 3 open, 2 of them required" +
step "advance waits: still the first trace" "^ form $T1"
step "the focus moves to the next open question" "▶ ○ helpfulness"
step "the second answer" "Questions (4): 2 open, 1 of them required" 4
step "complete: the form moves on to the next trace" "^ form $T2" b
step "the next trace's open questions" "Questions (4): 4 open, 3 of them required"
step "progress: the complete trace, then each question's answers" \
	"complete 1 / 27 · correctness 1 · helpfulness 1 · topic 1 · notes 0 "
step "q closes the form" "^ LIST" q
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e form: quits"; else not_ok "e2e form: quits" "$(pane)"; fi
tmux_stop
expect_eq "e2e form: one row per question of the trace, on the trace" \
	"$(q "$db" "SELECT group_concat(name || '=' || value || '@' || coalesce(span_id, '-'), ' ') FROM (SELECT * FROM assessments WHERE trace_id = '$T1' AND source_id = '$ME' ORDER BY name)")" \
	'correctness=true@- helpfulness=4@- topic="billing"@-'
expect_eq "e2e form: the answers sit beside the judge's (its rows stay valid)" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$T1' AND source_type = 'LLM_JUDGE' AND name IN ('correctness', 'helpfulness') AND valid = 1")" 2
expect_eq "e2e form: each answer has the seconds on the item in its metadata" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$T1' AND source_id = '$ME' AND json_extract(assessment_metadata, '\$.\"tracelab.seconds_on_item\"') GLOB '[0-9]*'")" 3

# One key in each pane of the third trace (a chat_turn the judge calls
# correct on its root span): the list (the override offer: n adds mine
# beside), the span tree, the detail, the feedback pane, the form.  One
# row of mine remains, on the trace, with the last value.
T3=tr-7ccf72f61feaef172ee677db6eae959c
tmux_start "$TLQ" 140 90
step "starts again" " 1 / 27"
step "the override offer sees the judge's root-span row" "the judge's correctness = yes: override it with true?" j j +
step "n: mine beside it, with a rationale or none" "correctness = true, rationale (Enter: none):" n
step "written" "correctness = true on tr-7ccf72f" Enter
step "the span tree" "^ trace $T3" Enter
step "a key with the tree focused" "correctness = false on tr-7ccf72f.* (updated)" -
step "a key in the detail pane" "correctness = true on tr-7ccf72f.* (updated)" Tab +
step "a key in the feedback pane" "correctness = false on tr-7ccf72f.* (updated)" Tab -
step "a key in the form" "correctness = true on tr-7ccf72f.* (updated)" L +
expect_eq "e2e form: one key in each pane leaves one row of mine, on the trace" \
	"$(q "$db" "SELECT count(*) || ' ' || group_concat(value || '@' || coalesce(span_id, '-')) FROM assessments WHERE trace_id = '$T3' AND name = 'correctness' AND source_id = '$ME'")" \
	"1 true@-"
expect_eq "e2e form: the judge's row stays valid beside it" \
	"$(q "$db" "SELECT valid FROM assessments WHERE trace_id = '$T3' AND name = 'correctness' AND source_type = 'LLM_JUDGE'")" 1

# Disagreement: mine true against the judge's "no" on the first trace
# (root span); on the third we agree.  D, the list's cells, ≠ in the
# trace view agree.
step "back in the list" "^ LIST" Escape
step "D lists the one trace where I disagree" " 1 / 1 *$" D
step "that trace is the first" "rag_answer .*✓ *✗"
step "≠ on the judge's answer in the trace view" "correctness = no ≠" Enter
tmux_keys Escape F
step "filters cleared" "filters cleared"

# Blind mode on a trace I have not labelled (the fourth): the judges'
# answers are hidden, the feedback pane says so; answering correctness
# shows its answers and keeps helpfulness hidden.
T4=tr-d66732492320b61c197a24d9e52be090
step "blind mode" "blind: on" g j j j B
step "the fourth trace" "^ trace $T4" Enter
step "the feedback pane says what it hides" "blind: 3 answers of others hidden until you answer correctness, helpfulness"
if pane | grep -q "LLM_JUDGE"; then not_ok "e2e form: blind hides the judges" "$(pane)"; else ok "e2e form: blind hides the judges"; fi
step "blind asks no override question (it would tell the judge's answer)" "correctness = false on tr-d667324" -
step "the answered question's others are shown, ≠ where they differ" "correctness = yes ≠  LLM_JUDGE"
step "the others stay hidden" "blind: 2 answers of others hidden until you answer helpfulness"
step "the form says it is blind" "· blind" L
tmux_keys q
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e form: quits again"; else not_ok "e2e form: quits again" "$(pane)"; fi
tmux_stop

# MLflow's own client finds the answers by feedback value.
if find_mlflow; then
	"$MLFLOW_PY" - "$db" >"$T/mlflow.out" 2>"$T/mlflow.err" <<'PY'
import sys
import mlflow
mlflow.set_tracking_uri("sqlite:///" + sys.argv[1])
exp = mlflow.get_experiment_by_name("support-bot").experiment_id
for f in ["feedback.correctness = 'true'", "feedback.helpfulness = '4'", "feedback.topic = '\"billing\"'"]:
    got = mlflow.search_traces(locations=[exp], filter_string=f, return_type="list")
    print(f, " ".join(sorted(t.info.trace_id for t in got)))
PY
	mout=$(cat "$T/mlflow.out")
	found() {
		# found NAME FILTER-START ID [not]: the filter's line holds ID (or not)
		_l=$(grep -F "$2" "$T/mlflow.out")
		case "$_l:$4" in
		*"$3"*:) ok "e2e form: MLflow: $1" ;;
		*"$3"*:not) not_ok "e2e form: MLflow: $1" "$_l" ;;
		*:not) ok "e2e form: MLflow: $1" ;;
		*) not_ok "e2e form: MLflow: $1" "$mout $(tail -n 3 "$T/mlflow.err")" ;;
		esac
	}
	found "search_traces finds my true on the first trace" "feedback.correctness = 'true'" "$T1"
	found "and on the third (the last of five keys)" "feedback.correctness = 'true'" "$T3"
	found "not my false on the fourth" "feedback.correctness = 'true'" "$T4" not
	found "my number" "feedback.helpfulness = '4'" "$T1"
	found "my category" "feedback.topic = '\"billing\"'" "$T1"
else
	skip "e2e form: MLflow search_traces finds the answers" "$no_mlflow"
fi
