#!/bin/sh
# The browser in a real terminal against a real MLflow server
# (MLFLOW_TRACKING_URI, as a new user starts it): browse, filter, open a
# trace, label, override a judge, undo, delete; then MLflow's own client
# reads exactly those assessments.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../e2e/tmux.lib"
. "$(dirname "$0")/servers.lib"
remote_need
remote_start sqlite || exit 1
URL=$(remote_url sqlite)
mlpy tui 6 --judge <"$TOP/tests/remote/seed.py" >"$T/seed" 2>"$T/seed.err"
# Newest first on screen: i = 5, 4 (judged yes), 3, 2 (judged no), 1, 0 (judged yes).
T5=$(sed -n 6p "$T/seed")
T4=$(sed -n 5p "$T/seed")
T3=$(sed -n 4p "$T/seed")
T2=$(sed -n 3p "$T/seed")
mkdir -p "$XDG_CONFIG_HOME/tracelab"
cat >"$XDG_CONFIG_HOME/tracelab/config.yaml" <<'EOF'
source_id: tester@example.com
experiment: tui
advance: false
refresh_seconds: 0
labels:
  - name: correctness
    type: boolean
    keys: {"+": true, "-": false}
  - name: quality
    type: numeric
    min: 1
    max: 5
    keys: ["1", "2", "3", "4", "5"]
EOF

step() { remote_step "remote tui" "$@"; }

tmux_start "MLFLOW_TRACKING_URI='$URL' TERM=tmux-256color '$TL'" 120 32
step "MLFLOW_TRACKING_URI opens the server" " 1 / 6"
step "the server in the title" "127.0.0.1:"
step "a label" "quality = 4 on ${T5%????????????????????????}" 4
step "the override question on the judged trace" "override it with false?" j -
step "the rationale of the override" "correctness = false, rationale" y
step "the override written" "correctness = false on ${T4%????????????????????????}.*(overrides)" \
	-l "wrong document" \; send-keys -t e2e Enter
step "a label to undo" "quality = 2 on ${T3%????????????????????????}" j 2
step "undo" "undone: quality on ${T3%????????????????????????}" u
step "a label to delete" "quality = 3 on ${T2%????????????????????????}" j 3
step "delete it" "deleted" x
step "open the trace: spans from the server" "retrieve" Enter
step "the judge's feedback in the pane" "correctness = no" 
step "back in the list" " 4 / 6" Escape
step "a filter the server takes" " 1 / 3" f \; send-keys -t e2e -l "tags.team = 'blue'" \; send-keys -t e2e Enter
step "a filter on the client (OR)" " 1 / 4" F f \; send-keys -t e2e -l "tags.team = 'blue' OR feedback.correctness = 'no'" \; send-keys -t e2e Enter
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "remote tui: quits"; else not_ok "remote tui: quits" "$(pane)"; fi
expect_eq "remote tui: exit status 0" "$(cat "$T/rc" 2>/dev/null)" 0
tmux_stop

cat >"$T/rows.py" <<'EOF'
import sys, mlflow
for tid in sys.argv[1:]:
    t = mlflow.get_trace(tid)
    rows = sorted(t.info.assessments, key=lambda a: a.create_time_ms)
    print(tid, "|", "; ".join("%s %s %s %r %s%s" % (
        a.name, a.source.source_type, a.source.source_id,
        a.feedback.value, "valid" if a.valid else "invalid",
        " overrides" if a.overrides else "") for a in rows))
EOF
got=$(mlpy "$T5" "$T4" "$T3" "$T2" <"$T/rows.py" 2>>"$T/py.err")
expect_eq "remote tui: the label on the first trace" "$(echo "$got" | sed -n 1p)" \
	"$T5 | quality HUMAN tester@example.com 4.0 valid"
expect_eq "remote tui: the override, the judge's row kept invalid" "$(echo "$got" | sed -n 2p)" \
	"$T4 | correctness LLM_JUDGE openai:/gpt-4o-mini 'yes' invalid; correctness HUMAN tester@example.com False valid overrides"
expect_eq "remote tui: the undone label is gone" "$(echo "$got" | sed -n 3p)" "$T3 | "
expect_eq "remote tui: the deleted label is gone" "$(echo "$got" | sed -n 4p)" \
	"$T2 | correctness LLM_JUDGE openai:/gpt-4o-mini 'no' valid"
cat >"$T/search.py" <<'EOF'
import mlflow
exp = mlflow.get_experiment_by_name("tui").experiment_id
print(len(mlflow.search_traces(locations=[exp], filter_string="feedback.quality = '4.0'", return_type="list")))
EOF
expect_eq "remote tui: search_traces(feedback.quality) finds the one label" "$(mlpy <"$T/search.py" 2>>"$T/py.err")" 1
