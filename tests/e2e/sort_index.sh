#!/bin/sh
# Sorting through the side index in a real terminal: the browser builds
# it in $XDG_CACHE_HOME/tracelab on its worker (the store's schema stays
# as it was); sorting by duration then shows the longest trace first, a
# trace another writer logs a moment later shows up at once, an old
# trace whose duration another writer changes in place moves where it
# belongs, and a deleted side index is made again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db="$T/sort.db"
export XDG_CACHE_HOME="$T/cache"
"$TL" demo --traces 3000 "$db" >/dev/null 2>&1 || not_ok "e2e sort index: demo store" "demo failed"
schema0=$(sqlite3 -batch "$db" "SELECT group_concat(name) FROM sqlite_master")
printf 'refresh_seconds: 0\n' >"$T/config.yaml"
longest() {
	sqlite3 -batch "$db" "SELECT request_id FROM trace_info ORDER BY
	 (execution_time_ms IS NULL), execution_time_ms DESC, request_id LIMIT 1"
}
# built: the side index holds every rowid of trace_info
built() {
	f=$(ls "$XDG_CACHE_HOME"/tracelab/index-*.db 2>/dev/null | head -n 1)
	# read it only once the browser has it open (its -wal file is there)
	[ -n "$f" ] && [ -f "$f-wal" ] || return 1
	have=$(sqlite3 -batch "$f" "SELECT v FROM meta WHERE k = 'hwm'" 2>/dev/null)
	want=$(sqlite3 -batch "$db" "SELECT max(rowid) FROM trace_info")
	[ "$have" = "$want" ]
}
wait_built() {
	n=0
	while ! built && [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done
	built
}

tmux_start "TERM=tmux-256color '$TL' --config '$T/config.yaml' '$db' --source-id me-tester" 120 30
if tmux_wait " 1 / 3,000"; then ok "e2e sort index: the list"; else not_ok "e2e sort index: start" "$(pane)"; fi
if wait_built; then ok "e2e sort index: built on the worker"; else not_ok "e2e sort index: built" "$(ls -la "$XDG_CACHE_HOME/tracelab" 2>&1; pane | tail -n 2)"; fi
expect_eq "e2e sort index: the store's schema is unchanged" \
	"$(sqlite3 -batch "$db" "SELECT group_concat(name) FROM sqlite_master")" "$schema0"

want=$(longest)
tmux_keys s
tmux_wait "sort duration" >/dev/null
tmux_keys Enter
if tmux_wait "^ trace $want "; then
	ok "e2e sort index: sort by duration puts the longest trace first"
else
	not_ok "e2e sort index: longest first" "want $want: $(pane)"
fi
tmux_keys q
tmux_wait "LIST" >/dev/null

# Another writer logs a trace longer than any: it is first at once.
now=$(($(date +%s) * 1000))
sqlite3 -batch "$db" "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms,
 execution_time_ms, status) VALUES ('tr-logged0000000000000000000000001', 1, $now, 99999000, 'OK');
 INSERT INTO trace_tags (key, value, request_id) VALUES ('mlflow.traceName', 'just_logged',
 'tr-logged0000000000000000000000001')"
tmux_keys R
if tmux_wait "just_logged"; then
	ok "e2e sort index: a trace logged a moment ago shows up first"
else
	not_ok "e2e sort index: new trace" "$(pane)"
fi

# An old trace's duration changed in place: once the index has looked
# again (a slice of the store every few seconds) it is first.
old=$(sqlite3 -batch "$db" "SELECT request_id FROM trace_info ORDER BY rowid LIMIT 1")
sqlite3 -batch "$db" "UPDATE trace_info SET execution_time_ms = 99999999 WHERE request_id = '$old';
 UPDATE trace_tags SET value = 'grew_in_place' WHERE key = 'mlflow.traceName' AND request_id = '$old'"
n=0
found=no
while [ $n -lt 20 ]; do
	tmux_keys R
	if tmux_wait "grew_in_place" 1; then found=yes; break; fi
	n=$((n + 1))
done
if [ "$found" = yes ] && pane | sed -n '3p' | grep -q "grew_in_place"; then
	ok "e2e sort index: an old trace changed in place moves to where it belongs"
else
	not_ok "e2e sort index: changed in place" "$(pane)"
fi

# The side index deleted: sorting still works, and it is made again.
rm -f "$XDG_CACHE_HOME"/tracelab/index-*
tmux_keys R
if tmux_wait "grew_in_place"; then ok "e2e sort index: sorts without the side index"; else not_ok "e2e sort index: deleted" "$(pane)"; fi
if wait_built; then ok "e2e sort index: made again after it was deleted"; else not_ok "e2e sort index: rebuilt" "$(ls -la "$XDG_CACHE_HOME/tracelab" 2>&1)"; fi
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e sort index: quits"; else not_ok "e2e sort index: quit" "$(pane)"; fi
expect_eq "e2e sort index: exit code 0" "$(cat "$T/rc" 2>/dev/null)" 0
