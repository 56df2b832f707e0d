#!/bin/sh
# Undo and redo go through the label journal like labels: `u` and Ctrl-r
# given while another process holds the store's write lock stay pending;
# kill -9; the next start (or `tracelab pending --retry`) writes them
# exactly once.  Redo brings the row back with its id, once, however often
# the journal is replayed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$(fresh_store undo.db)
if ! "$TL" import "$db" "$TOP/examples/demo.jsonl" >"$T/import.log" 2>&1; then
	not_ok "journal undo: import the demo traces" "$(cat "$T/import.log")"
	exit 1
fi
ntr=$(q "$db" "SELECT count(*) FROM trace_info WHERE experiment_id = 0")
# the list's first row (newest first) and a row below with no verdict yet
first=$(q "$db" "SELECT request_id FROM trace_info WHERE experiment_id = 0
	ORDER BY timestamp_ms DESC, request_id DESC LIMIT 1")
mkdir -p "$T/cfg/tracelab"
cat >"$T/cfg/tracelab/config.yaml" <<'YAML'
source_id: undoer
refresh_seconds: 0
advance: never
labels:
  - name: verdict
    type: boolean
    keys: {"+": true, "-": false}
YAML
mine() { q "$db" "SELECT count(*) FROM assessments WHERE source_id = 'undoer' AND name = 'verdict' $1"; }
# wait_rows WHERE N: the store holds N such rows within 10 s
wait_rows() {
	_n=200
	while [ "$_n" -gt 0 ]; do
		[ "$(mine "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}
start() {
	tm kill-server >/dev/null 2>&1
	rm -f "$T/pid"
	tm new-session -d -s e2e -x 120 -y 40 \
		"echo \$\$ >'$T/pid'; exec env XDG_CONFIG_HOME='$T/cfg' TRACELAB_BUSY_MS=200 TERM=tmux-256color '$TL' '$db'"
	tmux_wait " 1 / $ntr" 15
}

# 1. A label lands; `u` under a held lock stays pending; kill -9.
start || not_ok "journal undo: starts" "$(pane)"
tmux_keys +
if wait_rows "AND trace_id = '$first' AND valid = 1" 1; then
	ok "journal undo: the label is written"
else
	not_ok "journal undo: the label is written" "$(pane | tail -n 2)"
fi
id=$(q "$db" "SELECT assessment_id FROM assessments WHERE source_id = 'undoer'")
hold "$db" 30
tmux_keys u
if tmux_wait "1 pending" 10; then ok "journal undo: u under a held lock is pending"
else not_ok "journal undo: u under a held lock is pending" "$(pane | tail -n 2)"; fi
kill -9 "$(cat "$T/pid")" 2>/dev/null
release
run_tl pending "$db"
expect_has "journal undo: the undo is in the journal" "$out" "undo"
expect_eq "journal undo: the row is still there before the replay" "$(mine "")" 1

# 2. The next start writes the undo: the row is gone.
start || not_ok "journal undo: starts again" "$(pane)"
if wait_rows "" 0; then ok "journal undo: the next start writes the undo"
else not_ok "journal undo: the next start writes the undo" "$(mine "") rows; $(pane | tail -n 2)"; fi
tm kill-server >/dev/null 2>&1
run_tl pending "$db"
expect_eq "journal undo: nothing pending after it" "$out" "no labels pending for this store"

# 3. Label, undo, then Ctrl-r (redo) under a held lock; kill -9; replayed
# twice: the row is back once, with its id.
start || not_ok "journal undo: starts a third time" "$(pane)"
tmux_keys +
wait_rows "" 1 || not_ok "journal undo: the second label is written" "$(pane | tail -n 2)"
id=$(q "$db" "SELECT assessment_id FROM assessments WHERE source_id = 'undoer'")
tmux_keys u
wait_rows "" 0 || not_ok "journal undo: u is written" "$(pane | tail -n 2)"
hold "$db" 30
tmux_keys C-r
if tmux_wait "1 pending" 10; then ok "journal undo: Ctrl-r under a held lock is pending"
else not_ok "journal undo: Ctrl-r under a held lock is pending" "$(pane | tail -n 2)"; fi
kill -9 "$(cat "$T/pid")" 2>/dev/null
release
cp "$HOME/.local/state/tracelab/journal.jsonl" "$T/journal.copy"
run_tl pending "$db" --retry
expect_eq "journal undo: pending --retry writes the redo" "$rc" 0
expect_eq "journal undo: the row is back with its id" \
	"$(q "$db" "SELECT assessment_id || ' ' || value || ' ' || valid FROM assessments WHERE source_id = 'undoer'")" \
	"$id true 1"
# The same journal lines once more (a crash before "done"): nothing twice.
grep -v '"done"' "$T/journal.copy" >"$HOME/.local/state/tracelab/journal.jsonl"
run_tl pending "$db" --retry
expect_eq "journal undo: a replay of the redo writes nothing twice" "$(mine "")" 1
expect_eq "journal undo: integrity_check" "$(q "$db" "PRAGMA integrity_check")" ok
tm kill-server >/dev/null 2>&1 || true
