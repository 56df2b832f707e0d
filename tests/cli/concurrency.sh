#!/bin/sh
# Many writers on one store: two tracelab processes log feedback while a
# third connection (the sqlite3 shell) holds the write lock for 2 seconds.
# Within the busy timeout both wait and both labels land; with a timeout
# shorter than the lock, the write fails loudly (non-zero exit, the
# database's message) and leaves nothing partial.
. "$(dirname "$0")/../lib.sh"

TR=tr-00000000000000000000000000c0ffee
db=$(fresh_store concurrency.db)
q "$db" "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status)
	VALUES ('$TR', 0, 1767225600000, 120, 'OK')"

# Holds BEGIN IMMEDIATE for $1 seconds; returns once the lock is taken.
hold_lock() {
	rm -f "$T/locked"
	{
		echo "BEGIN IMMEDIATE;"
		echo ".shell touch '$T/locked'"
		sleep "$1"
		echo "COMMIT;"
	} | sqlite3 -batch "$db" >/dev/null 2>&1 &
	holder=$!
	n=0
	while [ ! -f "$T/locked" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

# Runs tracelab in the background: $1 output prefix, then the arguments.
writer() {
	pfx=$1
	shift
	${TRACELAB_VALGRIND_CMD:-} "$TL" "$@" >"$T/$pfx.out" 2>"$T/$pfx.err"
	echo $? >"$T/$pfx.rc"
}

# ---- both writers wait for the lock, and both labels land ----------------
hold_lock 2
expect_eq "lock holder is up" "$(test -f "$T/locked" && echo yes)" yes
start=$(date +%s)
TRACELAB_BUSY_MS=8000 writer a log-feedback "$db" --trace "$TR" --name correct \
	--value true --type bool --source-id alice@example.com &
wa=$!
TRACELAB_BUSY_MS=8000 writer b log-feedback "$db" --trace "$TR" --name correct \
	--value false --type bool --rationale "misses the date" --source-id bob@example.com &
wb=$!
wait $wa $wb
wait $holder
took=$(( $(date +%s) - start ))
expect_eq "writer a succeeded" "$(cat "$T/a.rc")" 0
expect_eq "writer b succeeded" "$(cat "$T/b.rc")" 0
expect_eq "writers waited for the lock" "$([ "$took" -ge 1 ] && echo yes)" yes
expect_eq "alice's label is there once" \
	"$(q "$db" "SELECT count(*) || ' ' || value || ' ' || valid FROM assessments
		WHERE trace_id='$TR' AND name='correct' AND source_id='alice@example.com'")" \
	"1 true 1"
expect_eq "bob's label is there once" \
	"$(q "$db" "SELECT count(*) || ' ' || value || ' ' || rationale FROM assessments
		WHERE trace_id='$TR' AND name='correct' AND source_id='bob@example.com'")" \
	"1 false misses the date"
expect_eq "both rows are human feedback" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id='$TR'
		AND assessment_type='feedback' AND source_type='HUMAN' AND span_id IS NULL")" 2

# ---- a lock held past the busy timeout: a loud failure, nothing partial --
hold_lock 2
TRACELAB_BUSY_MS=200 writer c log-feedback "$db" --trace "$TR" --name quality \
	--value 4 --type number --source-id carol@example.com
wait $holder
rc_c=$(cat "$T/c.rc")
expect_eq "busy writer fails" "$([ "$rc_c" -ne 0 ] && echo failed)" failed
expect_has "busy writer says why" "$(cat "$T/c.err")" "locked"
expect_eq "nothing partial is written" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE name='quality'")" 0

# ---- and the same label once the lock is gone --------------------------
TRACELAB_BUSY_MS=200 writer c log-feedback "$db" --trace "$TR" --name quality \
	--value 4 --type number --source-id carol@example.com
expect_eq "the retried write succeeds" "$(cat "$T/c.rc")" 0
expect_eq "carol's label is there once" \
	"$(q "$db" "SELECT count(*) || ' ' || value FROM assessments WHERE name='quality'
		AND source_id='carol@example.com'")" "1 4"
expect_eq "no label was lost" "$(q "$db" "SELECT count(*) FROM assessments")" 3
