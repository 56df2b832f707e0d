#!/bin/sh
# Signals with labels pending, the store locked and unlocked, and keys
# under a held lock.
#   - under a lock, keys still move the cursor while labels are pending
#     (the busy timeout is a minute: a key waiting on it would not move);
#   - SIGTERM and SIGHUP while locked: tracelab ends, the terminal comes
#     back, the label stays in the journal (`tracelab pending` lists it),
#     and `pending --retry` writes it once the lock is gone;
#   - SIGTERM and SIGHUP just after the lock went: the last try writes it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$(fresh_store sig.db)
if ! "$TL" import "$db" "$TOP/examples/demo.jsonl" >"$T/import.log" 2>&1; then
	not_ok "journal signals: import the demo traces" "$(cat "$T/import.log")"
	exit 1
fi
ntr=$(q "$db" "SELECT count(*) FROM trace_info WHERE experiment_id = 0")
mkdir -p "$T/cfg/tracelab"
cat >"$T/cfg/tracelab/config.yaml" <<'EOF'
source_id: sig
refresh_seconds: 0
advance: false
labels:
  - name: verdict
    type: boolean
    keys: {"+": true, "-": false}
EOF
# The first row of the list with no verdict yet, and its trace.
q "$db" "SELECT request_id FROM trace_info WHERE experiment_id = 0
	ORDER BY timestamp_ms DESC, request_id DESC" >"$T/order"
q "$db" "SELECT (rn - 1) || ' ' || request_id FROM (SELECT request_id, row_number() OVER
	(ORDER BY timestamp_ms DESC, request_id DESC) AS rn FROM trace_info WHERE experiment_id = 0)
	WHERE request_id NOT IN (SELECT trace_id FROM assessments WHERE name = 'verdict')
	ORDER BY rn" >"$T/rows"


# start BUSY_MS: the browser in tmux; its pid in $T/pid.
start() {
	tmux_stop
	rm -f "$T/pid" "$T/rc"
	_n=0
	while tm list-sessions >/dev/null 2>&1 && [ $_n -lt 40 ]; do sleep 0.05; _n=$((_n + 1)); done
	tmux_start "sh -c 'echo \$\$ >\"$T/pid\"; exec env XDG_CONFIG_HOME=\"$T/cfg\" TRACELAB_BUSY_MS=$1 TERM=tmux-256color \"$TL\" \"$db\" 2>\"$T/stderr\"'" 120 40
	tmux_wait " 1 / $ntr" 15
}
# to ROW: moves the cursor to the list's row ROW (0-based).
to() {
	j=0
	while [ "$j" -lt "$1" ]; do tmux_keys j; j=$((j + 1)); done
}
mine() {
	q "$db" "SELECT count(*) || ' ' || coalesce(group_concat(value), '') FROM assessments
		WHERE source_id = 'sig' AND trace_id = '$1' AND name = 'verdict'"
}

# ---- responsiveness under a held lock -------------------------------------
set -- $(sed -n 1p "$T/rows")
row=$1 tr=$2
start 60000 || not_ok "journal signals: starts" "$(pane)"
hold "$db" 60
to "$row"
tmux_wait " $((row + 1)) / $ntr" 10
tmux_keys +
if tmux_wait "1 pending" 10; then ok "journal signals: the label is pending under the lock"
else not_ok "journal signals: the label is pending under the lock" "$(pane)"; fi
tmux_keys -
tmux_keys j j
if tmux_wait " $((row + 3)) / $ntr" 10; then
	ok "journal signals: keys move the cursor while the write waits for the lock"
else
	not_ok "journal signals: keys move the cursor while the write waits for the lock" "$(pane | tail -n 2)"
fi
if tmux_wait "2 pending" 5; then ok "journal signals: the status bar counts both"
else not_ok "journal signals: the status bar counts both" "$(pane | tail -n 1)"; fi
expect_eq "journal signals: nothing written under the lock" "$(mine "$tr")" "0 "
release
if tmux_wait "verdict = false on" 70 && ! pane | grep -q "[0-9] pending"; then
	ok "journal signals: once the lock goes, both land without a key"
else
	not_ok "journal signals: once the lock goes, both land without a key" "$(pane | tail -n 1)"
fi
expect_eq "journal signals: one row with the last value" "$(mine "$tr")" "1 false"
tmux_keys q
tmux_wait SHELL-IS-BACK 5

# ---- signals --------------------------------------------------------------
k=2
for sig in TERM HUP; do
	for lock in locked unlocked; do
		set -- $(sed -n "${k}p" "$T/rows")
		row=$1 tr=$2
		k=$((k + 1))
		start 300 || not_ok "journal signals: starts ($sig $lock)" "$(pane)"
		hold "$db" 60
		to "$row"
		tmux_wait " $((row + 1)) / $ntr" 10
		tmux_keys +
		tmux_wait "1 pending" 10
		[ "$lock" = unlocked ] && release
		kill -"$sig" "$(cat "$T/pid")"
		if tmux_wait SHELL-IS-BACK 10; then
			ok "journal signals: SIG$sig ($lock) ends tracelab, the shell is back"
		else
			not_ok "journal signals: SIG$sig ($lock) ends tracelab" "$(pane)"
		fi
		if pane | grep -q "LIST"; then
			not_ok "journal signals: SIG$sig ($lock) leaves the alternate screen" "$(pane)"
		else
			ok "journal signals: SIG$sig ($lock) leaves the alternate screen"
		fi
		run_tl pending "$db"
		if [ "$lock" = locked ]; then
			expect_eq "journal signals: SIG$sig (locked): nothing written" "$(mine "$tr")" "0 "
			expect_has "journal signals: SIG$sig (locked): pending lists the label" "$out" \
				"$tr  verdict = true"
			release
			run_tl pending "$db" --retry
			expect_eq "journal signals: SIG$sig (locked): pending --retry exits 0" "$rc" 0
			expect_eq "journal signals: SIG$sig (locked): --retry writes it once" \
				"$(mine "$tr")" "1 true"
		else
			expect_eq "journal signals: SIG$sig (unlocked): the last try wrote it" \
				"$(mine "$tr")" "1 true"
			expect_eq "journal signals: SIG$sig (unlocked): nothing pending" "$out" \
				"no labels pending for this store"
		fi
	done
done
run_tl pending "$db"
expect_eq "journal signals: nothing pending at the end" "$out" "no labels pending for this store"
expect_eq "journal signals: integrity_check" "$(q "$db" "PRAGMA integrity_check")" ok
