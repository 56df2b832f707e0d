#!/bin/sh
# Two browsers on one journal (the same XDG_STATE_HOME), each labelling
# under a held lock: one is killed (-9).  `tracelab pending` lists both
# labels, the living one's as still running; `pending --retry` takes over
# only the dead one's label, the living browser writes its own once the
# lock is gone, and each label is in the store exactly once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$(fresh_store two.db)
if ! "$TL" import "$db" "$TOP/examples/demo.jsonl" >"$T/import.log" 2>&1; then
	not_ok "journal two: import the demo traces" "$(cat "$T/import.log")"
	exit 1
fi
ntr=$(q "$db" "SELECT count(*) FROM trace_info WHERE experiment_id = 0")
tr=$(q "$db" "SELECT request_id FROM trace_info WHERE experiment_id = 0
	ORDER BY timestamp_ms DESC, request_id DESC LIMIT 1")
export XDG_STATE_HOME=$T/state
for who in ann bo; do
	mkdir -p "$T/$who/tracelab"
	printf 'source_id: %s\nrefresh_seconds: 0\nadvance: false\nlabels:\n  - name: verdict\n    type: boolean\n    keys: {"+": true, "-": false}\n' \
		"$who" >"$T/$who/tracelab/config.yaml"
	tm new-session -d -s "$who" -x 140 -y 40 \
		"sh -c 'echo \$\$ >\"$T/$who.pid\"; exec env XDG_CONFIG_HOME=\"$T/$who\" TRACELAB_BUSY_MS=300 TERM=tmux-256color \"$TL\" \"$db\"'; echo SHELL-IS-BACK; exec sh"
done
wait_in() {
	_n=$(( ${3:-10} * 20 ))
	while [ "$_n" -gt 0 ]; do
		tm capture-pane -p -t "$1" 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}
step() {
	if wait_in "$2" "$3" "${4:-10}"; then ok "$1"
	else not_ok "$1" "$(tm capture-pane -p -t "$2" | tail -n 1)"; fi
}
for who in ann bo; do
	step "journal two: $who's browser starts" "$who" " 1 / $ntr" 15
done
(printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; while [ ! -f "$T/release" ]; do sleep 0.05; done
	printf 'ROLLBACK;\n') | sqlite3 "$db" >/dev/null &
locker=$!
n=0
while [ $n -lt 100 ] && sqlite3 "$db" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; do
	sleep 0.02
	n=$((n + 1))
done
tm send-keys -t ann +
tm send-keys -t bo -
for who in ann bo; do
	step "journal two: $who's label is pending" "$who" "1 pending"
done
kill -9 "$(cat "$T/ann.pid")"
run_tl pending "$db"
expect_has "journal two: ann's label listed" "$out" "$tr  verdict = true"
expect_has "journal two: bo's label listed" "$out" "$tr  verdict = false"
case $out in
*"verdict = false"*"by bo  (its tracelab is still running)"*) ok "journal two: bo's marked as still running" ;;
*) not_ok "journal two: bo's marked as still running" "$out" ;;
esac
touch "$T/release"
wait "$locker"
run_tl pending "$db" --retry
expect_eq "journal two: --retry exits 0" "$rc" 0
# bo's own browser retries as soon as the lock goes, so by now it may have
# written its label itself: then there is nothing of bo's left to leave.
case $err in
*"1 label of a tracelab still running: left to it"*) ok "journal two: --retry leaves bo's to bo" ;;
*) if [ "$(q "$db" "SELECT count(*) FROM assessments WHERE source_id = 'bo'")" = 1 ]; then
	ok "journal two: --retry leaves bo's to bo (bo had written it)"
   else
	not_ok "journal two: --retry leaves bo's to bo" "$err"
   fi ;;
esac
n=0
while [ $n -lt 300 ] && [ "$(q "$db" "SELECT count(*) FROM assessments WHERE source_id = 'bo'")" != 1 ]; do
	sleep 0.05
	n=$((n + 1))
done
expect_eq "journal two: each label once" \
	"$(q "$db" "SELECT source_id || ' ' || value FROM assessments WHERE source_id IN ('ann', 'bo') ORDER BY source_id")" \
	"ann true
bo false"
tm send-keys -t bo q
step "journal two: bo quits" bo SHELL-IS-BACK 5
run_tl pending "$db"
expect_eq "journal two: nothing pending at the end" "$out" "no labels pending for this store"
tm kill-server >/dev/null 2>&1 || true
