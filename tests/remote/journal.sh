#!/bin/sh
# The label journal against a real MLflow server: labels given while the
# server is down stay pending (nothing freezes), tracelab is killed with
# kill -9, the server comes back, and the next start writes each label
# exactly once, as MLflow's own client reads them back.  An undo given
# while the server is down is written the same way; and a feedback
# command that cannot reach the server keeps its write for
# `tracelab pending --retry`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../e2e/tmux.lib"
. "$(dirname "$0")/servers.lib"
remote_need
URL=$(remote_private sqlite rjournal) || exit 1
mlpy rjournal 3 <"$TOP/tests/remote/seed.py" >"$T/seed" 2>"$T/seed.err"
T3=$(sed -n 3p "$T/seed")  # newest: the list's first row
T2=$(sed -n 2p "$T/seed")
T1=$(sed -n 1p "$T/seed")
mkdir -p "$XDG_CONFIG_HOME/tracelab"
cat >"$XDG_CONFIG_HOME/tracelab/config.yaml" <<'YAML'
source_id: rj@example.com
experiment: rjournal
advance: never
refresh_seconds: 0
labels:
  - name: verdict
    type: boolean
    keys: {"+": true, "-": false}
YAML

# rows NAME: "trace=value" of my valid rows, as MLflow's client reads them
rows() {
	mlpy "$T3" "$T2" "$T1" <<'PY' 2>>"$T/py.err"
import sys, mlflow
out = []
for i, t in enumerate(sys.argv[1:]):
    for a in mlflow.get_trace(t).info.assessments:
        if a.source.source_id == "rj@example.com" and a.valid is not False:
            out.append("T%d=%s" % (3 - i, a.feedback.value))
print(" ".join(out))
PY
}
start() {
	tm kill-server >/dev/null 2>&1
	rm -f "$T/pid"
	tm new-session -d -s e2e -x 120 -y 32 \
		"echo \$\$ >'$T/pid'; exec env TRACELAB_CONNECT_TIMEOUT=1 TRACELAB_HTTP_RETRIES=0 TERM=tmux-256color '$TL' '$URL'"
	tmux_wait " 1 / 3" 30
}

start || not_ok "remote journal: starts" "$(pane)"
remote_stop rjournal
tmux_keys +
if tmux_wait "1 pending" 20; then ok "remote journal: a label with the server down is pending"
else not_ok "remote journal: a label with the server down is pending" "$(pane | tail -n 2)"; fi
tmux_keys j
if tmux_wait " 2 / 3" 5; then ok "remote journal: keys still move the cursor"
else not_ok "remote journal: keys still move the cursor" "$(pane | tail -n 2)"; fi
tmux_keys -
if tmux_wait "2 pending" 20; then ok "remote journal: a second label is pending"
else not_ok "remote journal: a second label is pending" "$(pane | tail -n 2)"; fi
kill -9 "$(cat "$T/pid")" 2>/dev/null
tm kill-server >/dev/null 2>&1
run_tl pending "$URL"
expect_has "remote journal: both labels are in the journal" "$(echo "$out" | grep -c verdict)" 2
remote_restart rjournal
expect_eq "remote journal: nothing reached the server yet" "$(rows)" ""

# The next start writes them; a second start has nothing to write.
start || not_ok "remote journal: starts again" "$(pane)"
_n=30
while [ "$_n" -gt 0 ] && [ "$(rows)" != "T3=True T2=False" ]; do
	sleep 0.2
	_n=$((_n - 1))
done
before="T3=True T2=False"
expect_eq "remote journal: the restart writes each label once" "$(rows)" "$before"
tm kill-server >/dev/null 2>&1
run_tl pending "$URL"
expect_eq "remote journal: nothing pending after it" "$out" "no labels pending for this store"
start || not_ok "remote journal: starts a third time" "$(pane)"
sleep 1
tm kill-server >/dev/null 2>&1
expect_eq "remote journal: a third start writes nothing twice" "$(mlpy "$T3" "$T2" <<'PY' 2>>"$T/py.err"
import sys, mlflow
print(sum(1 for t in sys.argv[1:] for a in mlflow.get_trace(t).info.assessments
          if a.source.source_id == "rj@example.com"))
PY
)" 2

# An undo with the server down: pending, killed, written at the next run.
start || not_ok "remote journal: starts a fourth time" "$(pane)"
tmux_keys j j +
_n=30
while [ "$_n" -gt 0 ] && [ "$(rows)" = "$before" ]; do sleep 0.2; _n=$((_n - 1)); done
expect_eq "remote journal: a label on the third trace is written" "$(rows | wc -w | tr -d ' ')" 3
remote_stop rjournal
tmux_keys u
if tmux_wait "1 pending" 20; then ok "remote journal: an undo with the server down is pending"
else not_ok "remote journal: an undo with the server down is pending" "$(pane | tail -n 2)"; fi
kill -9 "$(cat "$T/pid")" 2>/dev/null
tm kill-server >/dev/null 2>&1
remote_restart rjournal
run_tl pending "$URL" --retry
expect_eq "remote journal: pending --retry writes the undo" "$rc" 0
expect_eq "remote journal: the undo is written: the label is gone" "$(rows)" "$before"

# A feedback command with the server down: exit 1, kept, then written once.
remote_stop rjournal
TRACELAB_CONNECT_TIMEOUT=1 TRACELAB_HTTP_RETRIES=0 run_tl log-feedback "$URL" --trace "$T3" \
	--name verdict --value true --source-id rj@example.com
expect_eq "remote journal: log-feedback with the server down exits 1" "$rc" 1
expect_has "remote journal: ... and says the label is kept" "$err" "kept in the label journal"
remote_restart rjournal
run_tl pending "$URL" --retry
run_tl pending "$URL" --retry
expect_eq "remote journal: the command's label is written once" \
	"$(mlpy "$T3" <<'PY' 2>>"$T/py.err"
import sys, mlflow
print(sum(1 for a in mlflow.get_trace(sys.argv[1]).info.assessments
          if a.source.source_id == "rj@example.com" and a.name == "verdict"))
PY
)" 2
