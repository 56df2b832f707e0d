#!/bin/sh
# The list's search in a real terminal: / finds the newest match below the
# selection among traces the list does not hold (the store walks the
# list's order on the browser's worker), n wraps around onto it; while a
# search waits on a store another process holds locked, keys are still
# answered, the status line says the search is running, and Esc cancels
# it; once the lock is gone a search with no match says so.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db="$T/search.db"
"$TL" demo --traces 3000 "$db" >/dev/null 2>&1 || not_ok "e2e search: demo store" "demo failed"
mid=$(sqlite3 -batch "$db" "SELECT request_id FROM trace_info
 WHERE request_preview LIKE '%needle-middle%'")
before=$(sqlite3 -batch "$db" "SELECT count(*) FROM trace_info
 WHERE timestamp_ms > (SELECT timestamp_ms FROM trace_info WHERE request_id = '$mid')")
printf 'refresh_seconds: 0\n' >"$T/config.yaml"

tmux_start "TRACELAB_BUSY_MS=60000 TERM=tmux-256color '$TL' --config '$T/config.yaml' '$db' --source-id me-tester" 120 30
if tmux_wait " 1 / 3,000"; then ok "e2e search: the list of 3,000 traces"; else not_ok "e2e search: start" "$(pane)"; fi

tmux_keys / needle-middle Enter
if tmux_wait " $((before + 1)) / 3,000\| ? / 3,000"; then
	ok "e2e search: / moves the selection far down the list"
else
	not_ok "e2e search: / moves the selection" "$(pane)"
fi
tmux_keys Enter
if tmux_wait "^ trace $mid "; then
	ok "e2e search: the trace found is the one holding the text"
else
	not_ok "e2e search: the trace found" "want $mid: $(pane)"
fi
tmux_keys q
tmux_wait "LIST" >/dev/null
tmux_keys n
if tmux_wait "search hit BOTTOM, continuing at TOP"; then
	ok "e2e search: n wraps around onto the only match"
else
	not_ok "e2e search: n wraps" "$(pane)"
fi
tmux_keys g
tmux_wait " 1 / 3,000" >/dev/null

# Another process holds the store locked: the search waits on it.
rm -f "$T/held" "$T/release"
python3 - "$db" "$T" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN EXCLUSIVE")
open(os.path.join(sys.argv[2], "held"), "w").close()
end = time.monotonic() + 60
while time.monotonic() < end and not os.path.exists(os.path.join(sys.argv[2], "release")):
    time.sleep(0.025)
c.execute("ROLLBACK")
PY
locker=$!
n=0
while [ ! -f "$T/held" ] && [ $n -lt 400 ]; do sleep 0.025; n=$((n + 1)); done

tmux_keys / no-such-words-here Enter
if tmux_wait "searching for no-such-words-here: .*(Esc cancels)"; then
	ok "e2e search: the status line says a search is running"
else
	not_ok "e2e search: progress line" "$(pane)"
fi
tmux_keys j
if tmux_wait " 2 / 3,000"; then
	ok "e2e search: j moves while the search waits"
else
	not_ok "e2e search: j while searching" "$(pane)"
fi
tmux_keys Escape
if tmux_wait "search cancelled"; then ok "e2e search: Esc cancels the search"; else not_ok "e2e search: Esc" "$(pane)"; fi
if pane | grep -q "searching for"; then
	not_ok "e2e search: the progress line is gone" "$(pane)"
else
	ok "e2e search: the progress line is gone"
fi
touch "$T/release"
wait "$locker"

tmux_keys / no-such-words-here Enter
if tmux_wait "not found: no-such-words-here"; then
	ok "e2e search: a search with no match says so"
else
	not_ok "e2e search: no match" "$(pane)"
fi
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e search: quits"; else not_ok "e2e search: quit" "$(pane)"; fi
expect_eq "e2e search: exit code 0" "$(cat "$T/rc" 2>/dev/null)" 0
