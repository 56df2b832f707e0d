#!/bin/sh
# The labelling form with MLflow's label schemas as the questions, in the
# real terminal on a store made from MLflow 3.14's schema: each schema's
# instruction, a comment offered where enable_comment is on (and written as
# the rationale), refused where it is off and on an expectation, the
# multi-select answer as a list, the expectation written as one, and the
# rows exactly as MLflow's log_feedback / log_expectation write them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

S=$(store_314 s.db)
ME=me@example.com
printf 'source_id: lead@example.com\n' >"$T/lead.yaml"
cat >"$T/config.yaml" <<CFG
source_id: $ME
refresh_seconds: 0
advance: never
CFG
lead() { TRACELAB_CONFIG="$T/lead.yaml" "$TL" schemas create "$S" "$@" >/dev/null ||
	not_ok "e2e schemas: create $1" "failed"; }
lead "Is the answer correct?" --input pass_fail --positive Correct --negative Incorrect \
	--comment --instruction "Mark Correct if the answer is accurate."
lead "Rating" --input numeric --min 1 --max 5 --instruction "1 unusable, 5 excellent."
lead "Expected answer" --input text --type expectation --comment
lead "Tags" --input categorical -o bug -o feature -o ux --multi
T1=$(q "$S" "SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC, request_id DESC LIMIT 1")

step() {
	_name=$1 _re=$2
	shift 2
	[ $# -gt 0 ] && tmux_keys "$@"
	if tmux_wait "$_re"; then ok "e2e schemas: $_name"; else not_ok "e2e schemas: $_name" "$(pane)"; fi
}
row() { q "$S" "SELECT assessment_type, value, quote(rationale), source_type, source_id, quote(span_id), valid, quote(overrides) FROM assessments WHERE trace_id = '$T1' AND name = '$1' AND source_id = '$ME'"; }

tmux_start "TERM=tmux-256color '$TL' '$S' --config '$T/config.yaml'" 140 60
step "starts" " 1 / 27"
step "the form asks the store's four questions" "Questions (4): 4 open, 4 of them required" L
step "the pass/fail schema: its labels on its keys" "+ Correct - Incorrect"
step "its instruction" "Mark Correct if the answer is accurate."
step "the numeric schema's instruction" "1 unusable, 5 excellent."
step "a comment is offered where enable_comment is on" "comment offered"
step "the expectation is marked as one" "Expected answer  required  expectation"
step "a pass/fail answer asks for the comment" "rationale (Enter: none)" +
tmux_keys -l "The answer matches the docs."
step "the comment is written with the answer" "Questions (4): 3 open" Enter
step "a question without comment asks none" "Questions (4): 2 open" 4
step "r on it: the comment is refused" "Rating: its label schema offers no comment" r
step "the multi-select opens the editor" "^Tags:" t
tmux_keys -l "bug, bgu"
step "a word that is no option is refused, the editor stays with the text" \
	"^Tags ('bgu' is not one of the options): bug, bgu" Enter
tmux_keys C-u
tmux_keys -l "bug, ux"
step "the list of options is written" "Questions (4): 1 open" Enter
step "the expectation opens the editor" "^Expected answer:" y
tmux_keys -l "Rotate both keys."
step "the expectation is written: complete" "Questions (4): complete" Enter
step "r on the expectation: MLflow keeps no rationale on one" \
	"Expected answer is an expectation: MLflow keeps no rationale on one" r
step "q closes the form" "^ LIST" q
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e schemas: quits"; else not_ok "e2e schemas: quits" "$(pane)"; fi
tmux_stop

expect_eq "e2e schemas: pass/fail: feedback true, HUMAN, the comment as rationale" \
	"$(row "Is the answer correct?")" "feedback|true|'The answer matches the docs.'|HUMAN|$ME|NULL|1|NULL"
expect_eq "e2e schemas: numeric: feedback 4, no rationale" \
	"$(row Rating)" "feedback|4|NULL|HUMAN|$ME|NULL|1|NULL"
expect_eq "e2e schemas: multi-select: a JSON list of the options" \
	"$(row Tags)" "feedback|[\"bug\", \"ux\"]|NULL|HUMAN|$ME|NULL|1|NULL"
expect_eq "e2e schemas: the expectation schema wrote an expectation (no rationale)" \
	"$(row "Expected answer")" "expectation|\"Rotate both keys.\"|NULL|HUMAN|$ME|NULL|1|NULL"
expect_eq "e2e schemas: one row per question" \
	"$(q "$S" "SELECT count(*) FROM assessments WHERE source_id = '$ME'")" 4
expect_eq "e2e schemas: the schemas are unchanged" \
	"$(q "$S" "SELECT count(*), count(DISTINCT last_update_time) FROM label_schemas WHERE created_time = last_update_time")" "4|4"
