#!/bin/sh
# No label is ever lost or half-written: writers log feedback in a burst
# and are killed with SIGKILL at a random moment, round after round.  In
# odd rounds the writers are tests/hostile/crash_writer (the store API in a
# tight loop, so kills land inside commits); in even rounds they are
# `tracelab log-feedback` in a shell loop (the whole command).  Every fourth
# write is an override.  After each kill:
#   - every id a writer printed (the write was acknowledged) is in the store;
#   - every row is whole: valid JSON value, both timestamps, its source, the
#     right trace, valid set;
#   - an override and the row it overrides changed together (the old row is
#     invalid exactly when a row overriding it exists);
#   - at most one unacknowledged row per writer per kill;
#   - PRAGMA integrity_check is ok.
# CRASH_ROUNDS (default 30) rounds; CRASH_SEED fixes the random kill times.
. "$(dirname "$0")/../lib.sh"

ROUNDS=${CRASH_ROUNDS:-30}
WRITERS=${CRASH_WRITERS:-2}
SEED=${CRASH_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "# crash: $ROUNDS rounds, $WRITERS writers, seed $SEED (CRASH_SEED=$SEED to repeat)"

cp "$FIX/mlflow-3-dspy-react-agent.db" "$T/crash.db"
chmod u+w "$T/crash.db"
DB=$T/crash.db
TR=tr-c3f8ccfcfd1ce910d7277a703eedd5e9
SPAN=4bdc7814b1ece4a4
if [ "$(q "$DB" "SELECT count(*) FROM trace_info WHERE request_id = '$TR'")" != 1 ]; then
	echo "not ok - crash: the fixture store lacks trace $TR"
	exit 1
fi

# The API writer, built against this build's library.
CW=$TOP/$BUILD/hostile/crash_writer
LIBTL=$TOP/$BUILD/libtracelab.a
if [ ! -x "$CW" ] || [ "$TOP/tests/hostile/crash_writer.c" -nt "$CW" ] || [ "$LIBTL" -nt "$CW" ]; then
	mkdir -p "$TOP/$BUILD/hostile"
	san=""
	case $BUILD in *asan*) san="-fsanitize=address,undefined" ;; esac
	# shellcheck disable=SC2046
	if ! ${CC:-cc} -std=c11 -O1 -g -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -I"$TOP/src" \
		-I"$TOP/$BUILD/gen" $san -o "$CW" "$TOP/tests/hostile/crash_writer.c" "$LIBTL" \
		$(pkg-config --cflags --libs ncursesw sqlite3 libcjson yaml-0.1 libcurl) -lm >"$T/cw.log" 2>&1; then
		echo "not ok - crash: tests/hostile/crash_writer.c does not build"
		sed 's/^/# /' "$T/cw.log"
		exit 1
	fi
fi

# Kill delays in ms, from the seed (awk's generator, so the run repeats).
awk -v seed="$SEED" -v n="$ROUNDS" 'BEGIN { srand(seed); for (i = 0; i < n; i++) print int(50 + rand() * 450) }' \
	>"$T/delays"

# One writer (a script of its own, started with setsid so that it and its
# tracelab child form one process group that a single kill stops): logs
# feedback until killed; after each acknowledged write appends the id to
# its ack file.  Every fourth write overrides the writer's previous
# acknowledged row.
cat >"$T/writer.sh" <<'EOF'
w=$1 TL=$2 DB=$3 TR=$4 SPAN=$5 T=$6 CW=$7
if [ -n "$CW" ]; then
	exec "$CW" "$DB" "$TR" "$SPAN" "$w" "$T/w$w.ack" 2>>"$T/w$w.err"
fi
k=0
prev=""
while :; do
	k=$((k + 1))
	case $((k % 4)) in
	0) set -- --value true ;;
	1) set -- --value "$k" --span "$SPAN" ;;
	2) set -- --value "0.$k" --metadata "writer=$w" --metadata "k=$k" ;;
	*) set -- --value "text $k caf$(printf '\303\251') \"q\" \\ back" --type text \
		--rationale "because $k" ;;
	esac
	if [ $((k % 4)) -eq 0 ] && [ -n "$prev" ]; then
		set -- --value false --override "$prev"
	fi
	if id=$("$TL" log-feedback "$DB" --trace "$TR" --name "crash-w$w" --source-id "writer-$w" \
		"$@" 2>>"$T/w$w.err"); then
		printf '%s\n' "$id" >>"$T/w$w.ack"
		prev=$id
	fi
done
EOF
pids=""
stop_writers() {
	for p in $pids; do
		kill -9 "-$p" 2>/dev/null
		kill -9 "$p" 2>/dev/null
	done
}
trap 'stop_writers; rm -rf "$T"' EXIT

# Queries wait for a lock rather than fail (a kill leaves none, but a check
# must never mistake "locked" for "missing").
qq() { sqlite3 -batch -noheader -cmd ".timeout 5000" "$1" "$2"; }

# ids in an ack file: whole lines of a- + 32 hex (a line cut by the kill is
# not an acknowledgement).
acked_ids() {
	cat "$T"/w*.ack 2>/dev/null | grep -E '^a-[0-9a-f]{32}$'
}

lost=""
partial=""
unacked_max=0
integrity=""
rounds_done=0
killed_while_running=0
hot=0
for d in $(cat "$T/delays"); do
	before=$(qq "$DB" "SELECT count(*) FROM assessments WHERE name LIKE 'crash-w%'")
	acked_before=$(acked_ids | wc -l)
	pids=""
	w=1
	while [ "$w" -le "$WRITERS" ]; do
		if [ $((rounds_done % 2)) -eq 0 ]; then cw=$CW; else cw=""; fi
		setsid sh "$T/writer.sh" "$w" "$TL" "$DB" "$TR" "$SPAN" "$T" "$cw" &
		pids="$pids $!"
		w=$((w + 1))
	done
	sleep "$(awk -v d="$d" 'BEGIN { printf "%.3f", d / 1000 }')"
	for p in $pids; do
		kill -0 "$p" 2>/dev/null && killed_while_running=$((killed_while_running + 1))
	done
	# The group (the writer and its tracelab), and the writer itself in case
	# the kill came before setsid made the group.
	stop_writers
	wait 2>/dev/null
	# Nothing of the writers' sessions may still run (zombies waiting to be
	# reaped are dead already).
	for p in $pids; do
		n=0
		while ps -o stat= -s "$p" 2>/dev/null | grep -qv Z && [ $n -lt 50 ]; do
			sleep 0.05
			n=$((n + 1))
		done
		if ps -o stat= -s "$p" 2>/dev/null | grep -qv Z; then
			echo "not ok - crash: a writer survived SIGKILL"
			exit 1
		fi
	done
	pids=""
	rounds_done=$((rounds_done + 1))
	# A journal left behind means the kill came inside a write transaction.
	[ -s "$DB-journal" ] && hot=$((hot + 1))

	# Every acknowledged id is there.
	acked_ids | sort -u >"$T/acked"
	qq "$DB" "SELECT assessment_id FROM assessments WHERE name LIKE 'crash-w%'" | sort -u >"$T/stored"
	missing=$(comm -23 "$T/acked" "$T/stored")
	[ -n "$missing" ] && lost="$lost round $rounds_done: $missing"

	# Every row is whole.
	bad=$(qq "$DB" "SELECT assessment_id FROM assessments WHERE name LIKE 'crash-w%' AND NOT (
		trace_id = '$TR' AND assessment_type = 'feedback' AND json_valid(value)
		AND created_timestamp > 0 AND last_updated_timestamp >= created_timestamp
		AND source_type = 'HUMAN' AND source_id = 'writer-' || substr(name, 8)
		AND valid IN (0, 1) AND length(assessment_id) = 34
		AND (assessment_metadata IS NULL OR json_valid(assessment_metadata)))")
	[ -n "$bad" ] && partial="$partial round $rounds_done: incomplete rows $bad;"
	# Overrides are all or nothing.
	bad=$(qq "$DB" "SELECT o.assessment_id FROM assessments o WHERE o.name LIKE 'crash-w%' AND
		(o.valid = 0) <> EXISTS (SELECT 1 FROM assessments n WHERE n.overrides = o.assessment_id)")
	[ -n "$bad" ] && partial="$partial round $rounds_done: half-done overrides $bad;"

	# At most one committed but unacknowledged row per writer and round.
	after=$(qq "$DB" "SELECT count(*) FROM assessments WHERE name LIKE 'crash-w%'")
	acked_now=$(wc -l <"$T/acked")
	extra=$(( (after - before) - (acked_now - acked_before) ))
	[ "$extra" -gt "$unacked_max" ] && unacked_max=$extra

	ic=$(qq "$DB" "PRAGMA integrity_check")
	[ "$ic" != ok ] && integrity="$integrity round $rounds_done: $ic;"
done

total=$(wc -l <"$T/acked")
echo "# crash: $total acknowledged labels, $killed_while_running writers killed while running," \
	"$hot kills inside a write transaction"
if [ "$total" -ge "$ROUNDS" ]; then
	ok "crash: writers made progress ($total labels in $rounds_done rounds)"
else
	not_ok "crash: writers made progress" "$total labels in $rounds_done rounds: $(tail -n 3 "$T"/w*.err 2>/dev/null)"
fi
if [ -z "$lost" ]; then ok "crash: every acknowledged label is in the store"; else not_ok "crash: every acknowledged label is in the store" "$lost"; fi
if [ -z "$partial" ]; then ok "crash: nothing partial (rows whole, overrides atomic)"; else not_ok "crash: nothing partial" "$partial"; fi
if [ "$unacked_max" -le "$WRITERS" ]; then
	ok "crash: at most one unacknowledged row per writer per kill"
else
	not_ok "crash: at most one unacknowledged row per writer per kill" "$unacked_max in one round"
fi
if [ -z "$integrity" ]; then ok "crash: integrity_check ok after every kill"; else not_ok "crash: integrity_check ok after every kill" "$integrity"; fi
# The store still takes writes normally.
run_tl log-feedback "$DB" --trace "$TR" --name crash-after --value true --source-id me
expect_eq "crash: the store takes a write after the kills" "$rc" 0
expect_eq "crash: integrity_check at the end" "$(q "$DB" "PRAGMA integrity_check")" ok
