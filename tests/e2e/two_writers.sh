#!/bin/sh
# Two browsers labelling the same store while a third connection holds the
# write lock (for two seconds at least): each label shows as pending and is
# written by itself once the lock is gone, R shows each browser the other's
# label, and the store ends with exactly one valid row per labeller.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$(fresh_store two.db)
if ! "$TL" import "$db" "$TOP/examples/demo.jsonl" >"$T/import.log" 2>&1; then
	not_ok "two writers: import the demo traces" "$(cat "$T/import.log")"
	exit 1
fi
TR=$(q "$db" "SELECT request_id FROM trace_info WHERE experiment_id = 0
	ORDER BY timestamp_ms DESC, request_id DESC LIMIT 1")
for who in alice bob; do
	mkdir -p "$T/$who/tracelab"
	printf 'source_id: %s\nrefresh_seconds: 0\nadvance: false\n' "$who" \
		>"$T/$who/tracelab/config.yaml"
	tm new-session -d -s "$who" -x 140 -y 60 \
		"XDG_CONFIG_HOME='$T/$who' TRACELAB_BUSY_MS=300 TERM=tmux-256color '$TL' '$db'; echo \$? >'$T/$who.rc'; echo SHELL-IS-BACK; exec sh"
done

# wait_in SESSION RE [SECONDS]: until the session's pane shows RE.
wait_in() {
	_n=$(( ${3:-10} * 20 ))
	while [ "$_n" -gt 0 ]; do
		tm capture-pane -p -t "$1" 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}
# step NAME SESSION RE [SECONDS]: ok when the pane shows RE in time.
step() {
	if wait_in "$2" "$3" "${4:-10}"; then ok "$1"
	else not_ok "$1" "$(tm capture-pane -p -t "$2")"; fi
}

for who in alice bob; do
	step "two writers: $who's browser starts" "$who" " 1 / 27"
done

# The third connection takes the write lock and holds it for two seconds,
# and longer until both labels have been seen pending (slower builds, such
# as the sanitiser one, take longer to answer a key); 30 s at the most.
(
	printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'
	sleep 2
	i=0
	while [ ! -f "$T/release" ] && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	printf 'COMMIT;\n'
) | sqlite3 "$db" >/dev/null &
locker=$!
n=0
while [ $n -lt 100 ] && sqlite3 "$db" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; do
	sleep 0.02
	n=$((n + 1))
done
for who in alice bob; do
	tm send-keys -t "$who" +
done
for who in alice bob; do
	step "two writers: $who's label shows as pending during the lock" "$who" "1 pending"
done
expect_eq "two writers: nothing written during the lock" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE source_id IN ('alice', 'bob')")" 0
touch "$T/release"
wait "$locker"

# Each label lands by itself once the lock is gone (the next automatic
# try), without a key.
n=0
while [ $n -lt 400 ] && [ "$(q "$db" 2>/dev/null "SELECT count(*) FROM assessments
	WHERE source_id IN ('alice', 'bob')")" != 2 ]; do
	sleep 0.05
	n=$((n + 1))
done
for who in alice bob; do
	if wait_in "$who" "complete [0-9]* / 27.*user_satisfaction = true on tr-" 10 &&
		! tm capture-pane -p -t "$who" | grep -q "[0-9] pending"; then
		ok "two writers: $who's pending label lands by itself"
	else
		not_ok "two writers: $who's pending label lands by itself" "$(tm capture-pane -p -t "$who" | tail -n 1)"
	fi
done
rows=$(q "$db" "SELECT source_id || ' ' || value || ' ' || valid FROM assessments
	WHERE trace_id = '$TR' AND name = 'user_satisfaction' ORDER BY source_id")
expect_eq "two writers: one valid row per labeller" "$rows" "alice true 1
bob true 1"
expect_eq "two writers: no duplicate (source, trace, name)" \
	"$(q "$db" "SELECT count(*) FROM (SELECT 1 FROM assessments WHERE source_id IN ('alice', 'bob')
		GROUP BY source_id, trace_id, name HAVING count(*) > 1)")" 0

# Refresh, open the trace: its feedback shows the other's label.
for who in alice bob; do
	tm send-keys -t "$who" R
done
sleep 0.3
for who in alice bob; do
	tm send-keys -t "$who" Enter
done
step "two writers: alice sees bob's label after refresh" alice "user_satisfaction = true  HUMAN bob"
step "two writers: bob sees alice's label after refresh" bob "user_satisfaction = true  HUMAN alice"

for who in alice bob; do
	tm send-keys -t "$who" Escape
	wait_in "$who" " LIST " 5
	tm send-keys -t "$who" q
done
for who in alice bob; do
	step "two writers: $who's browser quits" "$who" "SHELL-IS-BACK" 5
	expect_eq "two writers: $who exits 0" "$(cat "$T/$who.rc" 2>/dev/null)" 0
done
expect_eq "two writers: store passes integrity_check" "$(q "$db" "PRAGMA integrity_check")" ok
tmux_stop
