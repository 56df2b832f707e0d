#!/bin/sh
# No label lost, none written twice: JOURNAL_ROUNDS (default 50) rounds of
# a browser giving a label (+ or -, on the round's trace) while another
# process holds the store's write lock (BEGIN IMMEDIATE), then kill -9.
# Every other round the lock is released just before the kill, so the
# kill lands before, during or after the store's commit.  Each start
# writes what the last one left in the journal.  At the end every trace
# holds exactly one row of mine with the last value typed for it, the
# journal has nothing pending and the store passes integrity_check.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

ROUNDS=${JOURNAL_ROUNDS:-50}
db=$(fresh_store kill.db)
if ! "$TL" import "$db" "$TOP/examples/demo.jsonl" >"$T/import.log" 2>&1; then
	not_ok "journal kill: import the demo traces" "$(cat "$T/import.log")"
	exit 1
fi
ntr=$(q "$db" "SELECT count(*) FROM trace_info WHERE experiment_id = 0")
# The list's rows (newest first) whose trace has no verdict yet
# (elsewhere a label would ask whether to override), by position.
q "$db" "SELECT request_id FROM trace_info WHERE experiment_id = 0
	ORDER BY timestamp_ms DESC, request_id DESC" >"$T/order"
q "$db" "SELECT rn - 1 FROM (SELECT request_id, row_number() OVER
	(ORDER BY timestamp_ms DESC, request_id DESC) AS rn FROM trace_info WHERE experiment_id = 0)
	WHERE request_id NOT IN (SELECT trace_id FROM assessments WHERE name = 'verdict')
	ORDER BY rn" >"$T/rows"
nrows=$(wc -l <"$T/rows" | tr -d ' ')
mkdir -p "$T/cfg/tracelab"
cat >"$T/cfg/tracelab/config.yaml" <<'EOF'
source_id: killer
refresh_seconds: 0
advance: false
labels:
  - name: verdict
    type: boolean
    keys: {"+": true, "-": false}
EOF


# wait_pane RE [SECONDS]
wait_pane() {
	_n=$(( ${2:-10} * 20 ))
	while [ "$_n" -gt 0 ]; do
		tm capture-pane -p -t k 2>/dev/null | grep -q -- "$1" && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

: >"$T/typed"
bad=0
i=1
while [ "$i" -le "$ROUNDS" ]; do
	tm kill-server >/dev/null 2>&1
	rm -f "$T/pid"
	_n=0
	while tm list-sessions >/dev/null 2>&1 && [ $_n -lt 40 ]; do sleep 0.05; _n=$((_n + 1)); done
	tm new-session -d -s k -x 120 -y 40 \
		"echo \$\$ >'$T/pid'; exec env XDG_CONFIG_HOME='$T/cfg' TRACELAB_BUSY_MS=200 TERM=tmux-256color '$TL' '$db'"
	if ! wait_pane " 1 / $ntr" 15; then
		bad=$((bad + 1))
		echo "# round $i: did not start: $(tm capture-pane -p -t k 2>/dev/null | tail -n 2)"
		i=$((i + 1))
		continue
	fi
	# the previous round's label is written by this start (lock free)
	row=$(sed -n "$(( (i - 1) % nrows + 1 ))p" "$T/rows")
	key=+
	[ $((i % 3)) -eq 0 ] && key=-
	hold "$db" 30
	j=0
	while [ "$j" -lt "$row" ]; do tm send-keys -t k j; j=$((j + 1)); done
	if ! wait_pane " $((row + 1)) / $ntr" 10; then
		bad=$((bad + 1))
		echo "# round $i: cursor did not reach row $((row + 1))"
	fi
	tm send-keys -t k "$key"
	if wait_pane "1 pending" 10; then
		echo "$row $key" >>"$T/typed"
	else
		bad=$((bad + 1))
		echo "# round $i: label not shown pending: $(tm capture-pane -p -t k | tail -n 1)"
	fi
	# the last round keeps the lock until the kill: its label stays pending
	early=0
	[ $((i % 2)) -eq 0 ] && [ "$i" -lt "$ROUNDS" ] && early=1
	[ $early -eq 1 ] && release
	kill -9 "$(cat "$T/pid")" 2>/dev/null
	[ $early -eq 0 ] && release
	i=$((i + 1))
done
tm kill-server >/dev/null 2>&1
expect_eq "journal kill: $ROUNDS rounds ran" "$bad" 0

# A last start writes what the last kill left.
run_tl pending "$db"
expect_has "journal kill: pending lists the last round's label" "$out" "verdict"
XDG_CONFIG_HOME=$T/cfg run_tl log-feedback "$db" --trace "$(q "$db" "SELECT request_id FROM trace_info ORDER BY request_id LIMIT 1")" \
	--name unrelated --value 1 --source-id other
expect_eq "journal kill: the next feedback command exits 0" "$rc" 0
expect_has "journal kill: it says what it writes first" "$err" "journalled label"
run_tl pending "$db"
expect_eq "journal kill: nothing pending at the end" "$out" "no labels pending for this store"

# The last value typed per trace (rows are in the list's order: newest first).
awk 'NR == FNR { id[NR - 1] = $1; next }
	{ last[id[$1]] = ($2 == "+" ? "true" : "false") }
	END { for (t in last) print t, last[t] }' "$T/order" "$T/typed" | sort >"$T/want"
q "$db" "SELECT trace_id || ' ' || value FROM assessments
	WHERE source_id = 'killer' AND name = 'verdict' AND valid = 1
	ORDER BY trace_id" >"$T/got"
expect_eq "journal kill: every trace typed has its last value, once" "$(cat "$T/got")" "$(cat "$T/want")"
expect_eq "journal kill: no row written twice" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE source_id = 'killer'")" \
	"$(wc -l <"$T/want" | tr -d ' ')"
expect_eq "journal kill: integrity_check" "$(q "$db" "PRAGMA integrity_check")" ok
