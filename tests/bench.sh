#!/bin/sh
# make bench: tracelab on a million-trace MLflow store, each figure beside
# the same work done by the sqlite3 shell on the same file (the floor).
#
#   BENCH_TRACES=N   traces in the generated store (default 1000000)
#   BENCH_RUNS=N     timed runs per figure, the median is shown (default 9)
#   BENCH_DIR=DIR    where the generated stores are kept (default build/bench)
#
# The stores are made once by `tracelab demo --traces N` (deterministic) and reused.
# Times are wall-clock medians with a warm page cache.  Browser figures come
# from scripted runs (--keys): a step's time is the run with the step minus
# the same run without it, and its floor is the sqlite3 shell running the
# step's query after the first page's minus the first page alone.  This is a
# benchmark, not a test: nothing here fails on a slow machine.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
TL=$TOP/$BUILD/tracelab
FIX=${TRACELAB_FIXTURES:-$TOP/tests/fixtures/third_party}
N=${BENCH_TRACES:-1000000}
RUNS=${BENCH_RUNS:-9}
DIR=${BENCH_DIR:-$TOP/build/bench}
SMALL=100000
export LC_ALL=C.UTF-8 TZ=UTC TERM=xterm-256color LINES=40 COLUMNS=140
unset NO_COLOR TRACELAB_KEYS TRACELAB_CONFIG

W=$(mktemp -d "${TMPDIR:-/tmp}/tracelab-bench-XXXXXX")
export HOME="$W/home" XDG_CONFIG_HOME="$W/home/.config"
mkdir -p "$HOME"
trap 'rm -rf "$W"' EXIT

[ -x "$TL" ] || { echo "bench: $TL is missing (run make first)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: the sqlite3 shell is needed for the floor" >&2; exit 1; }
mkdir -p "$DIR"

# ---- stores --------------------------------------------------------------

# store N: generates bench-N.db once (and bench-N.txt, what `tracelab demo
# --traces` printed).
store() {
	if [ ! -f "$DIR/bench-$1.db" ]; then
		echo "generating a store of $1 traces in $DIR (once)..." >&2
		rm -f "$DIR/bench-$1.db.tmp"
		t0=$(date +%s)
		"$TL" demo --traces "$1" "$DIR/bench-$1.db.tmp" >"$DIR/bench-$1.txt" || exit 1
		mv "$DIR/bench-$1.db.tmp" "$DIR/bench-$1.db"
		echo "  generated in $(($(date +%s) - t0)) s" >&2
	fi
}

store "$N"
[ "$N" -ne "$SMALL" ] && store "$SMALL"
DB=$DIR/bench-$N.db
info() { sed -n "s/^$1: //p" "$DIR/bench-$N.txt"; }
EXP=$(info experiment)
BIG=$(info big_trace)
NEWEST=$(info newest_trace)
[ -n "$EXP" ] && [ -n "$BIG" ] || { echo "bench: $DIR/bench-$N.txt is incomplete" >&2; exit 1; }

if [ ! -f "$DIR/import.jsonl" ]; then
	rm -f "$DIR/import.jsonl.tmp"
	"$TL" demo --traces 2000 --jsonl --spans 50 "$DIR/import.jsonl.tmp" >/dev/null || exit 1
	mv "$DIR/import.jsonl.tmp" "$DIR/import.jsonl"
fi
IMPORT_SPANS=100000
# The same traces as one JSON array, for the sqlite3 shell's readfile().
{ printf '['; sed '$!s/$/,/' "$DIR/import.jsonl"; printf ']'; } >"$W/import.json"

# ---- timing --------------------------------------------------------------

now_us() { echo $(($(date +%s%N) / 1000)); }

# median FILE: the median of the numbers in FILE (µs), printed in ms.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}

# total FN: median wall time of the shell function FN, after a warm-up run.
total() {
	"$1" >/dev/null 2>&1 </dev/null
	: >"$W/t"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		s=$(now_us)
		"$1" >/dev/null 2>&1 </dev/null
		e=$(now_us)
		echo $((e - s)) >>"$W/t"
		i=$((i + 1))
	done
	median "$W/t"
}

# delta FN_WITH FN_WITHOUT: median of the paired differences (runs alternate).
delta() {
	"$1" >/dev/null 2>&1 </dev/null
	"$2" >/dev/null 2>&1 </dev/null
	: >"$W/t"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		s=$(now_us)
		"$1" >/dev/null 2>&1 </dev/null
		m=$(now_us)
		"$2" >/dev/null 2>&1 </dev/null
		e=$(now_us)
		d=$(((m - s) - (e - m)))
		[ "$d" -lt 0 ] && d=0
		echo "$d" >>"$W/t"
		i=$((i + 1))
	done
	median "$W/t"
}

# ---- the table -----------------------------------------------------------

printf '%-40s %11s %11s %7s %14s\n' figure tracelab floor ratio budget >"$W/table"
# row NAME VALUE FLOOR BUDGET KIND: KIND "ms" (lower is better), "rate"
# (higher is better) or "mb".
row() {
	awk -v n="$1" -v v="$2" -v f="$3" -v b="$4" -v k="$5" 'BEGIN {
		if (k == "rate") {
			r = (v > 0) ? f / v : 0
			ok = (v >= b) ? "" : "  over"
			printf "%-40s %9.0f/s %9.0f/s %6.2fx %11s/s%s\n", n, v, f, r, ">= " b, ok
		} else if (k == "mb") {
			ok = (v <= b) ? "" : "  over"
			printf "%-40s %8.1f MB %11s %7s %11s MB%s\n", n, v, "-", "-", "<= " b, ok
		} else {
			r = (f > 0) ? v / f : 0
			ok = (v <= b) ? "" : "  over"
			printf "%-40s %8.1f ms %8.1f ms %6.1fx %11s ms%s\n", n, v, f, r, "<= " b, ok
		}
	}' >>"$W/table"
	tail -n 1 "$W/table" >&2
}

tl_ui() { "$TL" "$DB" -e "$EXP" --source-id bench --keys "$1"; }

keys() {
	f=$W/keys.$1
	shift
	: >"$f"
	for k in "$@"; do
		printf '%s\n' "$k" >>"$f"
	done
}

echo "tracelab benchmark: $N traces ($(du -h "$DB" | cut -f1)), $RUNS runs per figure" >&2
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), sqlite3 $(sqlite3 --version | cut -d' ' -f1)" >&2

PROBE=$W/probe
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O2 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -I"$TOP/src" -o "$PROBE" \
	"$TOP/tests/bench/probe.c" "$TOP/$BUILD/libtracelab.a" \
	$(pkg-config --libs ncursesw sqlite3 libcjson yaml-0.1) -lm ||
	{ echo "bench: cannot build tests/bench/probe.c" >&2; exit 1; }

# probe OP [ARG]: the operation's median time in-process (ms).
probe() { "$PROBE" "$DB" "$EXP" "$RUNS" "$@" || echo -1; }

# floor SQL: the same work in the sqlite3 shell, per run (ms): the shell
# running SQL K times minus running it once, over K - 1 (so that starting
# the shell and opening the file cancel out).
K=21
floor() {
	printf '.output /dev/null\n%s\n' "$1" >"$W/f1.sql"
	{
		echo ".output /dev/null"
		i=0
		while [ "$i" -lt "$K" ]; do
			printf '%s\n' "$1"
			i=$((i + 1))
		done
	} >"$W/fk.sql"
	f1() { sqlite3 -batch "$DB" <"$W/f1.sql"; }
	fk() { sqlite3 -batch "$DB" <"$W/fk.sql"; }
	awk -v d="$(delta fk f1)" -v k="$K" 'BEGIN { printf "%.2f", d / (k - 1) }'
}

# The first page as the browser shows it: rows newest first with the name
# tag and the trace's valid feedback.  (The unary + keeps SQLite on the
# assessments' trace_id index: its own choice, the index on
# assessment_type, reads every feedback row for every trace.)
PAGE_COLS="ti.request_id, ti.timestamp_ms, ti.execution_time_ms, ti.status,
 ti.request_preview, ti.response_preview,
 (SELECT value FROM trace_tags WHERE key = 'mlflow.traceName' AND request_id = ti.request_id),
 (SELECT group_concat(name || '=' || value) FROM assessments a WHERE a.trace_id = ti.request_id
  AND +a.assessment_type = 'feedback' AND a.valid = 1)"
page_sql() {
	echo "SELECT $PAGE_COLS FROM trace_info ti WHERE ti.experiment_id = $EXP ${1:-}
 ORDER BY ti.timestamp_ms ${2:-DESC}, ti.request_id LIMIT 30;"
}
FIRST=$(page_sql)
COUNT="SELECT count(*) FROM trace_info WHERE experiment_id = $EXP;"
NAMES="SELECT DISTINCT name FROM assessments WHERE assessment_type = 'feedback' AND valid = 1
 ORDER BY name;"

# -- the first screen, from the start of the program.  A scripted run draws
# the list once its idle work has settled (the count, the labelling progress
# and, up to 100,000 traces, the feedback names), so this row is the start to
# that screen: more than the first draw of an interactive run, which comes
# before any idle work.
tl_first_list() { "$TL" list "$DB" -e "$EXP" -n 30; }
sq_first() { sqlite3 -batch -readonly "$DB" "$FIRST"; }
row "first page, from start (list -n 30)" "$(total tl_first_list)" "$(total sq_first)" 30 ms
keys first ":snapshot $W/first.txt"
tl_first_ui() { tl_ui "$W/keys.first"; }
sq_first_ui() { sqlite3 -batch -readonly "$DB" "$NAMES $FIRST $COUNT"; }
row "first screen, idle work settled, from start (browser)" "$(total tl_first_ui)" "$(total sq_first_ui)" 30 ms

# -- each step on its own, the store open (in-process) and in the shell
row "first page" "$(probe first)" "$(floor "$FIRST")" 30 ms
row "jump to the oldest" "$(probe last)" "$(floor "$(page_sql '' ASC)")" 10 ms
CUR=$(sqlite3 -batch -readonly "$DB" "SELECT timestamp_ms || ' ' || request_id FROM trace_info
 WHERE experiment_id = $EXP ORDER BY timestamp_ms DESC, request_id LIMIT 1 OFFSET 29")
CUR_TS=${CUR% *}
CUR_ID=${CUR#* }
row "page down" "$(probe next)" "$(floor "$(page_sql "AND ti.timestamp_ms <= $CUR_TS
 AND (ti.timestamp_ms < $CUR_TS OR ti.request_id > '$CUR_ID')")")" 10 ms
row "open the 10,000-span trace" "$(probe open "$BIG")" "$(floor "
 SELECT * FROM trace_info WHERE request_id = '$BIG';
 SELECT key, value FROM trace_tags WHERE request_id = '$BIG';
 SELECT key, value FROM trace_request_metadata WHERE request_id = '$BIG';
 SELECT * FROM assessments WHERE trace_id = '$BIG' ORDER BY created_timestamp;
 SELECT span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano,
  content FROM spans WHERE trace_id = '$BIG' ORDER BY start_time_unix_nano;")" 100 ms

filter_row() {
	row "filter: $1" "$(probe filter "$1")" "$(floor "$(page_sql "$2")")" 50 ms
}
filter_row "status = 'ERROR'" "AND ti.status = 'ERROR'"
filter_row "tags.environment = 'staging'" "AND EXISTS (SELECT 1 FROM trace_tags t
 WHERE t.key = 'environment' AND t.request_id = ti.request_id AND t.value = 'staging')"
filter_row "feedback.relevance_to_query IS NULL" "AND NOT EXISTS (SELECT 1 FROM assessments a
 WHERE a.trace_id = ti.request_id AND +a.assessment_type = 'feedback'
 AND a.name = 'relevance_to_query' AND a.valid = 1)"

row "free-text search: invoice" "$(probe search invoice)" "$(floor "SELECT ti.request_id
 FROM trace_info ti LEFT JOIN trace_tags nm ON nm.key = 'mlflow.traceName'
 AND nm.request_id = ti.request_id WHERE ti.experiment_id = $EXP
 AND (ti.request_preview LIKE '%invoice%' OR ti.response_preview LIKE '%invoice%'
 OR nm.value LIKE '%invoice%') ORDER BY ti.timestamp_ms DESC, ti.request_id LIMIT 1;")" 50 ms

row "one durable feedback write" "$(probe write "$NEWEST")" "$(DB=$DB floor "INSERT INTO
 assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp,
 last_updated_timestamp, source_type, source_id, valid) VALUES ('a-' || lower(hex(randomblob(16))),
 '$NEWEST', 'bench_write', 'feedback', 'true', 1772323200000, 1772323200000, 'HUMAN', 'bench', 1);")" \
	5 ms
sqlite3 -batch "$DB" "DELETE FROM assessments WHERE name = 'bench_write'"

# The browser's idle work (not budgeted: it must not block a keystroke).
row "count all traces (idle)" "$(probe count)" "$(floor "$COUNT")" 1000 ms
row "feedback names (list columns)" "$(probe names)" "$(floor "$NAMES")" 30 ms

# -- import rate from JSON Lines, into a fresh copy of a real MLflow store
import_rate() {
	: >"$W/t"
	i=0
	while [ "$i" -lt 3 ]; do
		cp "$FIX/mlflow-3-real-store.db" "$W/imp.db"
		chmod u+w "$W/imp.db"
		s=$(now_us)
		"$1" >/dev/null 2>&1 </dev/null
		e=$(now_us)
		echo $((e - s)) >>"$W/t"
		i=$((i + 1))
	done
	awk -v n="$IMPORT_SPANS" -v ms="$(median "$W/t")" 'BEGIN { printf "%.0f", n / (ms / 1000) }'
}
tl_import() { "$TL" import "$W/imp.db" "$DIR/import.jsonl" -e 1; }
# The floor inserts the same rows from SQL text: made once (untimed) by the
# shell itself from the same traces.
cp "$FIX/mlflow-3-real-store.db" "$W/rows.db"
chmod u+w "$W/rows.db"
sqlite3 -batch "$W/rows.db" "BEGIN;
 INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status,
  request_preview, response_preview)
  SELECT json_extract(t.value, '\$.info.trace_id'), 1,
   CAST((julianday(json_extract(t.value, '\$.info.request_time')) - 2440587.5) * 86400000 AS INTEGER),
   json_extract(t.value, '\$.info.execution_duration_ms'), json_extract(t.value, '\$.info.state'),
   json_extract(t.value, '\$.info.request_preview'), json_extract(t.value, '\$.info.response_preview')
  FROM json_each(readfile('$W/import.json')) t;
 INSERT INTO trace_tags (key, value, request_id)
  SELECT k.key, k.value, json_extract(t.value, '\$.info.trace_id')
  FROM json_each(readfile('$W/import.json')) t, json_each(t.value, '\$.info.tags') k;
 INSERT INTO trace_tags (key, value, request_id)
  SELECT 'mlflow.trace.spansLocation', 'TRACKING_STORE', json_extract(t.value, '\$.info.trace_id')
  FROM json_each(readfile('$W/import.json')) t;
 INSERT INTO trace_request_metadata (key, value, request_id)
  SELECT k.key, k.value, json_extract(t.value, '\$.info.trace_id')
  FROM json_each(readfile('$W/import.json')) t, json_each(t.value, '\$.info.trace_metadata') k;
 INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status,
  start_time_unix_nano, end_time_unix_nano, content)
  SELECT json_extract(t.value, '\$.info.trace_id'), 1, json_extract(s.value, '\$.span_id'),
   nullif(json_extract(s.value, '\$.parent_span_id'), ''), json_extract(s.value, '\$.name'),
   json_extract(s.value, '\$.attributes.\"mlflow.spanType\"'),
   substr(json_extract(s.value, '\$.status.code'), 13),
   json_extract(s.value, '\$.start_time_unix_nano'), json_extract(s.value, '\$.end_time_unix_nano'),
   s.value
  FROM json_each(readfile('$W/import.json')) t, json_each(t.value, '\$.data.spans') s;
 COMMIT;" || exit 1
{
	echo "BEGIN;"
	for tbl in trace_info trace_tags trace_request_metadata; do
		sqlite3 -batch "$W/rows.db" ".mode insert $tbl" "SELECT * FROM $tbl"
	done
	sqlite3 -batch "$W/rows.db" ".mode insert spans" "SELECT trace_id, experiment_id, span_id,
	 parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content FROM spans"
	echo "COMMIT;"
} >"$W/rows.sql"
sq_import() { sqlite3 -batch "$W/imp.db" <"$W/rows.sql"; }
row "import from JSON Lines (spans)" "$(import_rate tl_import)" "$(import_rate sq_import)" \
	100000 rate

# -- peak memory: browsing must not grow with the number of traces
keys big ":snapshot $W/x.txt" ":open $BIG" ":snapshot $W/big.txt"
keys browse ":snapshot $W/x.txt" G PgUp g PgDn ":filter status = 'ERROR'" ":filter" \
	/ ":type invoice" Enter ":snapshot $W/y.txt"
rss() { /usr/bin/time -f %M "$TL" "$1" -e "$EXP" --source-id bench --keys "$2" 2>&1 >/dev/null |
	tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }'; }
if [ -x /usr/bin/time ]; then
	[ "$N" -ne "$SMALL" ] &&
		row "peak RSS, browsing $SMALL traces" "$(rss "$DIR/bench-$SMALL.db" "$W/keys.browse")" 0 32 mb
	row "peak RSS, browsing $N traces" "$(rss "$DB" "$W/keys.browse")" 0 32 mb
	row "peak RSS, the 10,000-span trace open" "$(rss "$DB" "$W/keys.big")" 0 32 mb
fi

echo
cat "$W/table"
