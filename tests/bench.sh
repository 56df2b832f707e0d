#!/bin/sh
# make bench: tracelab on MLflow stores of 10,000, 100,000 and 1,000,000
# traces, each figure beside its floor (the same work done the plainest fast
# way on the same file in the same run: the sqlite3 shell) and its budget,
# with its growth from the smallest store to the largest.
#
#   BENCH_SIZES="N ..."  store sizes in traces (default 10000 100000 1000000)
#   BENCH_RUNS=N         timed runs per figure, the median is shown (default 7)
#   BENCH_DIR=DIR        where the generated stores are kept (default build/bench)
#   BENCH_OUT=FILE       also write the table there (default build/bench/latest.txt)
#
# The stores are made once (deterministic, see store() below) and reused.
# Times are wall-clock medians with a warm page cache.  Three kinds of
# figure:
#   - the browser on a real pseudo-terminal of 120x40 (tests/bench/ptykeys.c):
#     the time from a key to the last byte of the screen it causes, and the
#     bytes written (what an SSH connection carries);
#   - one store operation in-process, the store open (tests/bench/probe.c);
#   - whole commands from their start.
# A time's floor is the sqlite3 shell running the same query on the same
# file: the shell running it K times minus once, over K - 1 (so that starting
# the shell and opening the file cancel out), or, for figures from the
# start, the whole shell run.  A byte count's floor is the text of the screen
# rows that change (from snapshots of the same screens), without colours.
# This is a benchmark, not a test: nothing here fails on a slow machine.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
TL=$TOP/$BUILD/tracelab
FIX=${TRACELAB_FIXTURES:-$TOP/tests/fixtures/third_party}
SIZES=${BENCH_SIZES:-10000 100000 1000000}
RUNS=${BENCH_RUNS:-7}
DIR=${BENCH_DIR:-$TOP/build/bench}
OUT=${BENCH_OUT:-$DIR/latest.txt}
COLS=120
ROWS=40
export LC_ALL=C.UTF-8 TZ=UTC TERM=xterm-256color
unset NO_COLOR TRACELAB_KEYS TRACELAB_CONFIG ESCDELAY

W=$(mktemp -d "${TMPDIR:-/tmp}/tracelab-bench-XXXXXX")
# The side index (sorts) is kept beside the stores, built once like them.
export HOME="$W/home" XDG_CONFIG_HOME="$W/home/.config" XDG_CACHE_HOME="$DIR/cache"
mkdir -p "$HOME"
trap 'rm -rf "$W"' EXIT

[ -x "$TL" ] || { echo "bench: $TL is missing (run make first)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: the sqlite3 shell is needed for the floor" >&2; exit 1; }
mkdir -p "$DIR"

# shellcheck disable=SC2046
LIBS=$(pkg-config --libs ncursesw sqlite3 libcjson yaml-0.1 libcurl)
CCB="${CC:-cc} -std=c11 -O2 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -I$TOP/src"
# shellcheck disable=SC2086
$CCB -o "$W/probe" "$TOP/tests/bench/probe.c" "$TOP/$BUILD/libtracelab.a" $LIBS -lm &&
	$CCB -o "$W/ptykeys" "$TOP/tests/bench/ptykeys.c" -lutil ||
	{ echo "bench: cannot build the tools in tests/bench/" >&2; exit 1; }

# ---- stores --------------------------------------------------------------

# store N: generates bench2-N.db once (and bench2-N.txt, what `tracelab demo
# --traces` printed).  "2": the generator's second kind of store (tool spans
# that fail, LLM spans, a trace with 100,000 assessments, search needles).
store() {
	if [ ! -f "$DIR/bench2-$1.db" ]; then
		echo "generating a store of $1 traces in $DIR (once)..." >&2
		rm -f "$DIR/bench2-$1.db.tmp"
		t0=$(date +%s)
		"$TL" demo --traces "$1" "$DIR/bench2-$1.db.tmp" >"$DIR/bench2-$1.txt" || exit 1
		mv "$DIR/bench2-$1.db.tmp" "$DIR/bench2-$1.db"
		echo "  generated in $(($(date +%s) - t0)) s" >&2
	fi
}

# ---- timing --------------------------------------------------------------

now_us() { echo $(($(date +%s%N) / 1000)); }

# median FILE: the median of the numbers in FILE (µs), printed in ms.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}

# timed N FN [PREP]: N timed runs of the shell function FN (PREP, untimed,
# before each), their times (µs) into $W/t.
timed() {
	: >"$W/t"
	i=0
	while [ "$i" -lt "$1" ]; do
		[ -n "${3:-}" ] && "$3"
		s=$(now_us)
		"$2" >/dev/null 2>&1 </dev/null
		e=$(now_us)
		echo $((e - s)) >>"$W/t"
		i=$((i + 1))
	done
}

# total FN: median wall time of the shell function FN, after a warm-up run.
total() {
	"$1" >/dev/null 2>&1 </dev/null
	timed "$RUNS" "$1"
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

# floor SQL: the same work in the sqlite3 shell, per run (ms).
floor() {
	k=$2
	printf '.output /dev/null\n%s\n' "$1" >"$W/f1.sql"
	{
		echo ".output /dev/null"
		i=0
		while [ "$i" -lt "$k" ]; do
			printf '%s\n' "$1"
			i=$((i + 1))
		done
	} >"$W/fk.sql"
	f1() { sqlite3 -batch "$DB" <"$W/f1.sql"; }
	fk() { sqlite3 -batch "$DB" <"$W/fk.sql"; }
	awk -v d="$(delta fk f1)" -v k="$k" 'BEGIN { printf "%.2f", d / (k - 1) }'
}
# Quick queries are repeated 21 times, full scans 3 times.
fast() { floor "$1" 21; }
scan() { floor "$1" 3; }

# ---- results -------------------------------------------------------------

# Each result is a line of $W/res: order, figure, size, value, floor, unit,
# budget.  unit: ms (lower is better), B (bytes), rate (higher is better),
# MB.  budget: a number in the unit, "Nx" (at most N times the floor), or -.
: >"$W/res"
ORDER=0
res() {
	ORDER=$((ORDER + 1))
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ORDER" "$1" "$N" "$2" "$3" "$4" "$5" >>"$W/res"
	printf '  %-46s %10s %-4s floor %s\n' "$1" "$2" "$4" "$3" >&2
}

# repeat N LINE...: the lines, N times over (a pty script).
repeat() {
	n=$1
	shift
	i=0
	while [ "$i" -lt "$n" ]; do
		printf '%s\n' "$@"
		i=$((i + 1))
	done
}

# ptystats FILE LABEL: "MS BYTES", the medians of a label's steps.
ptystats() {
	awk -v l="$2" '$1 == l { print $3 }' "$1" >"$W/pm"
	awk -v l="$2" '$1 == l { print $2 * 1000 }' "$1" >"$W/pb"
	if [ ! -s "$W/pm" ]; then
		echo "-1 -1"
		return
	fi
	# median() divides by 1000: keep the ms as they are.
	ms=$(awk '{ print $1 * 1000 }' "$W/pm" >"$W/pm2"; median "$W/pm2")
	echo "$ms $(median "$W/pb" | cut -d. -f1)"
}

# rowbytes BEFORE AFTER: the UTF-8 bytes of the rows of snapshot AFTER that
# differ from BEFORE (trailing blanks trimmed): what a terminal must be sent
# at the least, without colours.
rowbytes() {
	awk -v rows="$ROWS" '
		FNR == 1 { f++ }
		/^-- slots --$/ { done[f] = 1 }
		done[f] || FNR > rows { next }
		{ sub(/ +$/, ""); t[f, FNR] = $0 }
		END {
			n = 0
			for (i = 1; i <= rows; i++)
				if (t[1, i] != t[2, i])
					n += length(t[2, i])
			print n
		}' "$1" "$2"
}

# ---- one store -----------------------------------------------------------

tl_ui() { "$TL" "$DB" -e "$EXP" --source-id bench "$@"; }

# snap NAME KEYS...: a scripted run at 120x40 ending in a snapshot NAME.
snap() {
	name=$1
	shift
	printf '%s\n' "$@" ":snapshot $W/$name.snap" >"$W/keys"
	LINES=$ROWS COLUMNS=$COLS tl_ui --keys "$W/keys" >/dev/null 2>&1
}

# pty SCRIPT OUT: the browser on a 120x40 pseudo-terminal.
pty() {
	"$W/ptykeys" "$COLS" "$ROWS" 600 "$1" -- "$TL" "$DB" -e "$EXP" --source-id bench \
		>>"$2" 2>/dev/null
}

measure() {
	N=$1
	DB=$DIR/bench2-$N.db
	info() { sed -n "s/^$1: //p" "$DIR/bench2-$N.txt"; }
	EXP=$(info experiment)
	BIG=$(info big_trace)
	MANY=$(info many_assessments_trace)
	NEWEST=$(info newest_trace)
	[ -n "$EXP" ] && [ -n "$BIG" ] && [ -n "$MANY" ] ||
		{ echo "bench: $DIR/bench2-$N.txt is incomplete" >&2; exit 1; }
	echo "$N traces ($(du -h "$DB" | cut -f1)):" >&2
	cat "$DB" >/dev/null  # a warm page cache for everyone

	# The first page as the browser shows it: rows newest first with the name
	# tag and the trace's valid feedback.
	PAGE_COLS="ti.request_id, ti.timestamp_ms, ti.execution_time_ms, ti.status,
	 ti.request_preview, ti.response_preview,
	 (SELECT value FROM trace_tags WHERE key = 'mlflow.traceName' AND request_id = ti.request_id),
	 (SELECT group_concat(name || '=' || value) FROM assessments a WHERE a.trace_id = ti.request_id
	  AND +a.assessment_type = 'feedback' AND a.valid = 1)"
	page_sql() {
		echo "SELECT $PAGE_COLS FROM trace_info ti WHERE ti.experiment_id = $EXP ${1:-}
		 ORDER BY ${2:-ti.timestamp_ms DESC}, ti.request_id LIMIT 30;"
	}
	FIRST=$(page_sql)
	COUNT="SELECT count(*) FROM trace_info WHERE experiment_id = $EXP;"
	NAMES="SELECT DISTINCT name FROM assessments WHERE assessment_type = 'feedback'
	 AND valid = 1 ORDER BY name;"
	LABELLED="SELECT count(DISTINCT trace_id) FROM assessments WHERE assessment_type = 'feedback'
	 AND valid = 1 AND source_type = 'HUMAN' AND source_id = 'bench';"
	NAME_SORT="(SELECT value FROM trace_tags WHERE key = 'mlflow.traceName'
	 AND request_id = ti.request_id) DESC"
	search_sql() {
		echo "SELECT ti.request_id FROM trace_info ti LEFT JOIN trace_tags nm
		 ON nm.key = 'mlflow.traceName' AND nm.request_id = ti.request_id
		 WHERE ti.experiment_id = $EXP AND (ti.request_preview LIKE '%$1%'
		 OR ti.response_preview LIKE '%$1%' OR nm.value LIKE '%$1%')
		 ORDER BY ti.timestamp_ms DESC LIMIT 1;"
	}

	open_sql() {
		echo "SELECT * FROM trace_info WHERE request_id = '$1';
		 SELECT key, value FROM trace_tags WHERE request_id = '$1';
		 SELECT key, value FROM trace_request_metadata WHERE request_id = '$1';
		 SELECT * FROM assessments WHERE trace_id = '$1' ORDER BY created_timestamp;
		 SELECT span_id, parent_span_id, name, type, status, start_time_unix_nano,
		  end_time_unix_nano, content FROM spans WHERE trace_id = '$1'
		  ORDER BY start_time_unix_nano;"
	}
	# -- the browser from its start: the first rows drawn, then the screen
	# once the idle work (count, labelling progress, feedback names) is drawn
	: >"$W/start"
	: >"$W/empty"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		pty "$W/empty" "$W/start"
		i=$((i + 1))
	done
	set -- $(ptystats "$W/start" start-first)
	sq_first() { sqlite3 -batch -readonly "$DB" "$FIRST"; }
	res "first rows on screen, from start" "$1" "$(total sq_first)" ms 50
	set -- $(ptystats "$W/start" start-settled)
	sq_settled() { sqlite3 -batch -readonly "$DB" "$FIRST $COUNT $LABELLED $NAMES"; }
	res "first screen settled, from start" "$1" "$(total sq_settled)" ms 50

	# -- keys in the browser
	{
		repeat "$RUNS" "key j j"
		echo "type g"
		repeat "$RUNS" "key pgdn <pgdn>"
		echo "type g"
		repeat "$RUNS" "key enter \\r" "key esc \\e"
		repeat "$RUNS" "key open-big :open $BIG\\r" "key trace-end G" "type \\e"
		repeat "$RUNS" "key sort-duration s" "key sort-status s" "key sort-name s" \
			"key sort-time s"
		repeat "$RUNS" "key search-top /needle-top-100\\r" "type g" \
			"key search-middle /needle-middle\\r" "type g" "key search-none /no-such-words\\r"
		repeat "$RUNS" "type fstatus = 'ERROR'\\r" "key clear-filter F"
	} >"$W/keys.pty"
	: >"$W/keys.out"
	pty "$W/keys.pty" "$W/keys.out"
	# Its own run: a trace that takes minutes to draw stops only this one.
	repeat "$RUNS" "key open-many :open $MANY\\r" "type \\e" >"$W/many.pty"
	pty "$W/many.pty" "$W/keys.out"

	snap list
	snap j j
	snap pgdn PgDn
	snap trace Enter
	snap esc Enter Esc

	set -- $(ptystats "$W/keys.out" j)
	res "j: bytes written" "$2" "$(rowbytes "$W/list.snap" "$W/j.snap")" B 2048
	set -- $(ptystats "$W/keys.out" pgdn)
	res "PgDn: bytes written" "$2" "$(rowbytes "$W/list.snap" "$W/pgdn.snap")" B 2x
	set -- $(ptystats "$W/keys.out" enter)
	res "Enter: bytes written" "$2" "$(rowbytes "$W/list.snap" "$W/trace.snap")" B 2x
	set -- $(ptystats "$W/keys.out" esc)
	res "Esc back to the list: bytes written" "$2" "$(rowbytes "$W/trace.snap" "$W/esc.snap")" B 1.5x
	res "Esc back to the list" "$1" - ms 50
	set -- $(ptystats "$W/keys.out" enter)
	res "Enter: open a trace" "$1" - ms 50

	set -- $(ptystats "$W/keys.out" open-big)
	res "open the 10,000-span trace" "$1" "$(scan "$(open_sql "$BIG")")" ms 100
	set -- $(ptystats "$W/keys.out" trace-end)
	res "G: its last span" "$1" - ms 50
	set -- $(ptystats "$W/keys.out" open-many)
	res "open the trace with 100,000 assessments" "$1" "$(scan "$(open_sql "$MANY")")" ms 500
	set -- $(ptystats "$W/keys.out" sort-duration)
	res "s: sort by duration" "$1" "$(scan "$(page_sql '' 'ti.execution_time_ms DESC')")" ms 50
	set -- $(ptystats "$W/keys.out" sort-status)
	res "s: sort by status" "$1" "$(scan "$(page_sql '' 'ti.status DESC')")" ms 50
	set -- $(ptystats "$W/keys.out" sort-name)
	res "s: sort by name" "$1" "$(scan "$(page_sql '' "$NAME_SORT")")" ms 50
	set -- $(ptystats "$W/keys.out" sort-time)
	res "s: back to sort by time" "$1" "$(fast "$FIRST")" ms 50

	set -- $(ptystats "$W/keys.out" search-top)
	res "/ search, hit 100 rows down" "$1" "$(fast "$(search_sql needle-top-100)")" ms 50
	set -- $(ptystats "$W/keys.out" search-middle)
	res "/ search, hit half-way down" "$1" "$(scan "$(search_sql needle-middle)")" ms 2x
	set -- $(ptystats "$W/keys.out" search-none)
	res "/ search, no match" "$1" "$(scan "$(search_sql no-such-words)")" ms 2x
	set -- $(ptystats "$W/keys.out" clear-filter)
	res "F: clear filter, until the total shows" "$1" "$(scan "$FIRST $COUNT")" ms 50

	# -- store operations in-process
	probe() { "$W/probe" "$DB" "$EXP" "$RUNS" "$@" || echo -1; }
	res "first page" "$(probe first)" "$(fast "$FIRST")" ms 30
	res "jump to the oldest" "$(probe last)" "$(fast "$(page_sql '' 'ti.timestamp_ms ASC')")" ms 10
	CUR=$(sqlite3 -batch -readonly "$DB" "SELECT timestamp_ms || ' ' || request_id FROM trace_info
	 WHERE experiment_id = $EXP ORDER BY timestamp_ms DESC, request_id LIMIT 1 OFFSET 29")
	CUR_TS=${CUR% *}
	CUR_ID=${CUR#* }
	res "page down" "$(probe next)" "$(fast "$(page_sql "AND ti.timestamp_ms <= $CUR_TS
	 AND (ti.timestamp_ms < $CUR_TS OR ti.request_id > '$CUR_ID')")")" ms 10
	res "count the traces" "$(probe count)" "$(scan "$COUNT")" ms 50
	# -- the side index for sorts ($XDG_CACHE_HOME/tracelab): its build
	# (once per store, on the browser's worker; the floor is the sqlite3
	# shell writing the same rows into a table with the same six indexes),
	# one refresh of it (each few seconds on the worker), and the sorts'
	# first page read from it
	if [ ! -f "$DIR/side-build-$N.txt" ]; then
		"$W/probe" "$DB" "$EXP" 1 side-build >"$DIR/side-build-$N.txt" || echo -1 >"$DIR/side-build-$N.txt"
	fi
	rm -f "$W/side.db"
	sq_side() { sqlite3 -batch "$DB" "ATTACH '$W/side.db' AS x; CREATE TABLE x.srt (rid INTEGER
	 PRIMARY KEY, request_id TEXT, experiment_id INT, dur INT, status TEXT, name TEXT);
	 CREATE INDEX x.a ON srt (experiment_id, (dur IS NULL), dur DESC, request_id);
	 CREATE INDEX x.b ON srt (experiment_id, (dur IS NULL), dur, request_id);
	 CREATE INDEX x.c ON srt (experiment_id, (status IS NULL), status DESC, request_id);
	 CREATE INDEX x.d ON srt (experiment_id, (status IS NULL), status, request_id);
	 CREATE INDEX x.e ON srt (experiment_id, (name IS NULL), name DESC, request_id);
	 CREATE INDEX x.f ON srt (experiment_id, (name IS NULL), name, request_id);
	 INSERT INTO x.srt SELECT ti.rowid, ti.request_id, ti.experiment_id, ti.execution_time_ms,
	  ti.status, nm.value FROM trace_info ti LEFT JOIN trace_tags nm ON nm.request_id =
	  ti.request_id AND nm.key = 'mlflow.traceName';"; rm -f "$W/side.db"; }
	# (the floor once: at a million traces it takes minutes)
	timed 1 sq_side
	res "side index: build (once, on the worker)" "$(cat "$DIR/side-build-$N.txt")" \
		"$(median "$W/t")" ms -
	res "side index: one refresh (on the worker)" "$(probe side-sync)" - ms -
	sideprobe() { PROBE_SIDE=1 "$W/probe" "$DB" "$EXP" "$RUNS" "$@" || echo -1; }
	res "sort by duration, first page" "$(sideprobe sort duration)" \
		"$(scan "$(page_sql '' 'ti.execution_time_ms DESC')")" ms 50
	res "sort by status, first page" "$(sideprobe sort status)" \
		"$(scan "$(page_sql '' 'ti.status DESC')")" ms 50
	res "sort by name, first page" "$(sideprobe sort name)" \
		"$(scan "$(page_sql '' "$NAME_SORT")")" ms 50
	res "search, hit 100 rows down (worker)" "$(probe search needle-top-100)" \
		"$(fast "$(search_sql needle-top-100)")" ms 50
	res "search, hit half-way down (worker)" "$(probe search needle-middle)" \
		"$(scan "$(search_sql needle-middle)")" ms 2x
	res "search, no match (worker)" "$(probe search no-such-words)" \
		"$(scan "$(search_sql no-such-words)")" ms 2x
	res "feedback names (list columns)" "$(probe names)" "$(scan "$NAMES")" ms 50
	res "load the 10,000-span trace" "$(probe open "$BIG")" "$(scan "$(open_sql "$BIG")")" ms 100
	res "load the trace with 100,000 assessments" "$(probe open "$MANY")" \
		"$(scan "$(open_sql "$MANY")")" ms 500
	filter_row() {
		res "filter: $1" "$(probe filter "$1")" "$(fast "$(page_sql "$2")")" ms 50
	}
	filter_row "status = 'ERROR'" "AND ti.status = 'ERROR'"
	filter_row "tags.environment = 'staging'" "AND EXISTS (SELECT 1 FROM trace_tags t
	 WHERE t.key = 'environment' AND t.request_id = ti.request_id AND t.value = 'staging')"
	filter_row "feedback.relevance_to_query IS NULL" "AND NOT EXISTS (SELECT 1 FROM assessments a
	 WHERE a.trace_id = ti.request_id AND +a.assessment_type = 'feedback'
	 AND a.name = 'relevance_to_query' AND a.valid = 1)"
	filter_row "span.name = 'get_invoice' AND span.status = 'ERROR'" "AND EXISTS (SELECT 1
	 FROM spans s WHERE s.trace_id = ti.request_id AND s.name = 'get_invoice' AND s.status = 'ERROR')"
	filter_row "span.type = 'LLM' AND span.duration_ms > 5000" "AND EXISTS (SELECT 1
	 FROM spans s WHERE s.trace_id = ti.request_id AND s.type = 'LLM' AND s.duration_ns > 5000000000)"
	# -- the spans view's first page (40 spans across traces): the floor is
	# sqlite3 with the same WHERE and ORDER BY, as SQLite plans it
	spans_sql() {
		echo "SELECT s.trace_id, s.span_id, s.name, s.type, s.status, s.start_time_unix_nano,
		 s.end_time_unix_nano FROM spans s WHERE s.experiment_id = $EXP $1
		 ORDER BY ${2:-s.duration_ns DESC}, s.rowid DESC LIMIT 41;"
	}
	# spans_row LABEL FILTER WHERE [OP ORDER]
	spans_row() {
		res "spans view: $1" "$(probe "${4:-spans}" "$2")" "$(scan "$(spans_sql "$3" "${5:-}")")" \
			ms 50
	}
	spans_row "the longest spans" "" ""
	spans_row "span.type = 'LLM'" "span.type = 'LLM'" "AND s.type = 'LLM'"
	spans_row "span.type = 'LLM' AND span.duration_ms > 5000" \
		"span.type = 'LLM' AND span.duration_ms > 5000" \
		"AND s.type = 'LLM' AND s.duration_ns > 5000000000"
	spans_row "span.name = 'get_invoice' AND span.status = 'ERROR'" \
		"span.name = 'get_invoice' AND span.status = 'ERROR'" \
		"AND s.name = 'get_invoice' AND s.status = 'ERROR'"
	spans_row "span.type = 'LLM', the newest first" "span.type = 'LLM'" "AND s.type = 'LLM'" \
		spans-start "s.start_time_unix_nano DESC"
	res "one durable feedback write" "$(probe write "$NEWEST")" "$(fast "INSERT INTO
	 assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp,
	 last_updated_timestamp, source_type, source_id, valid) VALUES ('a-' || lower(hex(randomblob(16))),
	 '$NEWEST', 'bench_write', 'feedback', 'true', 1772323200000, 1772323200000, 'HUMAN', 'bench', 1);")" \
		ms 5
	sqlite3 -batch "$DB" "DELETE FROM assessments WHERE name = 'bench_write'"

	# -- agreement over every trace, from start: the floor reads the same
	# rows in the same order with the same root-span rule, in one query
	sq_agree() { sqlite3 -batch -readonly "$DB" "SELECT a.trace_id, a.name,
	 CASE WHEN a.span_id IS NULL OR a.span_id = '' OR EXISTS (SELECT 1 FROM spans r
	  WHERE r.trace_id = a.trace_id AND r.span_id = a.span_id
	  AND (r.parent_span_id IS NULL OR r.parent_span_id = '')) THEN NULL ELSE a.span_id END
	  AS target, a.source_type, a.source_id, a.value
	 FROM trace_info ti JOIN assessments a ON a.trace_id = ti.request_id
	 WHERE ti.experiment_id = $EXP AND +a.assessment_type = 'feedback' AND a.valid = 1
	 ORDER BY a.trace_id, a.name, target, a.source_type, a.source_id,
	  a.last_updated_timestamp DESC, a.assessment_id DESC;"; }
	tl_agree() { "$TL" agreement "$DB" -e "$EXP" --format json; }
	res "agreement over every trace, from start" "$(total tl_agree)" "$(total sq_agree)" ms 5000

	# -- peak memory: browsing must not grow with the number of traces
	if [ -x /usr/bin/time ]; then
		printf ':snapshot %s\nG\nPgUp\ng\nPgDn\n:filter status = %s\n:filter\n/\n:type invoice\nEnter\n' \
			"$W/x.snap" "'ERROR'" >"$W/keys.browse"
		printf ':open %s\n:snapshot %s\n' "$BIG" "$W/x.snap" >"$W/keys.big"
		rss() { /usr/bin/time -f %M "$TL" "$DB" -e "$EXP" --source-id bench --keys "$1" 2>&1 \
			>/dev/null | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }'; }
		res "peak RSS, browsing" "$(rss "$W/keys.browse")" - MB 32
		res "peak RSS, the 10,000-span trace open" "$(rss "$W/keys.big")" - MB 32
		res "peak RSS, agreement" "$(/usr/bin/time -f %M "$TL" agreement "$DB" -e "$EXP" \
			2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }')" - MB 64
	fi
}

# -- import rate from JSON Lines, into a fresh copy of a real MLflow store
measure_import() {
	N=-
	if [ ! -f "$DIR/import.jsonl" ]; then
		rm -f "$DIR/import.jsonl.tmp"
		"$TL" demo --traces 2000 --jsonl --spans 50 "$DIR/import.jsonl.tmp" >/dev/null || exit 1
		mv "$DIR/import.jsonl.tmp" "$DIR/import.jsonl"
	fi
	IMPORT_SPANS=100000
	# The same traces as one JSON array, for the sqlite3 shell's readfile().
	{ printf '['; sed '$!s/$/,/' "$DIR/import.jsonl"; printf ']'; } >"$W/import.json"
	fresh_copy() {
		cp "$FIX/mlflow-3-real-store.db" "$W/imp.db"
		chmod u+w "$W/imp.db"
	}
	import_rate() {
		timed 3 "$1" fresh_copy
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
	res "import from JSON Lines (spans)" "$(import_rate tl_import)" "$(import_rate sq_import)" \
		rate 100000
	res "import from JSON Lines, python3 executemany floor" "$(import_rate tl_import)" \
		"$(py_rate "$W/rows.db" "$IMPORT_SPANS")" rate 100000

	# A 100 MB OpenTelemetry SDK dump (start and end copies of every span),
	# generated once: rate, and peak memory beside a 10 MB one (flat: one
	# trace's spans are held for merging, whatever the file's size).
	for mb in 10 100; do
		if [ ! -f "$DIR/otel-$mb.json" ]; then
			python3 "$TOP/tests/bench/gen_otel_dump.py" "$mb" "$DIR/otel-$mb.json.tmp" \
				>"$DIR/otel-$mb.txt" || exit 1
			mv "$DIR/otel-$mb.json.tmp" "$DIR/otel-$mb.json"
		fi
	done
	otel_spans=$(cut -d' ' -f2 "$DIR/otel-100.txt")
	tl_otel() { "$TL" import "$W/imp.db" "$DIR/otel-100.json" -e 1; }
	fresh_copy
	tl_otel >/dev/null 2>&1 || exit 1
	cp "$W/imp.db" "$W/otel-rows.db"
	fresh_copy
	s=$(now_us)
	tl_otel >/dev/null 2>&1
	e=$(now_us)
	res "import a 100 MB OTel SDK dump (spans)" \
		"$(awk -v n="$otel_spans" -v us=$((e - s)) 'BEGIN { printf "%.0f", n / (us / 1e6) }')" \
		"$(py_rate "$W/otel-rows.db" "$otel_spans")" rate 100000
	for mb in 10 100; do
		fresh_copy
		res "peak RSS, importing a $mb MB OTel SDK dump" "$(/usr/bin/time -f %M "$TL" import \
			"$W/imp.db" "$DIR/otel-$mb.json" -e 1 2>&1 >/dev/null | tail -n 1 |
			awk '{ printf "%.1f", $1 / 1024 }')" - MB 64
	done
}

# py_rate ROWS_DB SPANS: spans/s of python3's sqlite3 inserting the rows of
# ROWS_DB (every trace table) into a fresh copy of the real store, with
# executemany in one transaction (the rows read beforehand, untimed); the
# median of 3 runs.
py_rate() {
	: >"$W/t"
	for _ in 1 2 3; do
		fresh_copy
		python3 - "$1" "$W/imp.db" >>"$W/t" <<'EOF' || exit 1
import sqlite3, sys, time
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2], isolation_level=None)
tables = {}
for t in ("trace_info", "trace_tags", "trace_request_metadata", "spans", "assessments"):
    cols = [c[1] for c in src.execute("PRAGMA table_xinfo(%s)" % t) if c[6] == 0]
    tables[t] = (cols, src.execute("SELECT %s FROM %s" % (", ".join(cols), t)).fetchall())
t0 = time.perf_counter()
dst.execute("BEGIN")
for t, (cols, rows) in tables.items():
    dst.executemany("INSERT INTO %s (%s) VALUES (%s)" % (t, ", ".join(cols),
                    ", ".join("?" * len(cols))), rows)
dst.execute("COMMIT")
print(int((time.perf_counter() - t0) * 1e6))
EOF
	done
	awk -v n="$2" -v ms="$(median "$W/t")" 'BEGIN { printf "%.0f", n / (ms / 1000) }'
}

# ---- the run -------------------------------------------------------------

echo "tracelab benchmark: stores of $SIZES traces, $RUNS runs per figure" >&2
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), sqlite3 $(sqlite3 --version | cut -d' ' -f1)" >&2
for n in $SIZES; do
	store "$n"
done
for n in $SIZES; do
	measure "$n"
done
echo "import:" >&2
measure_import

# ---- the table -----------------------------------------------------------

# One line per figure: each size's value and floor, the growth from the
# smallest store to the largest, the budget and, at the largest store,
# whether it is met (or by how much it is missed).
sort -t '	' -k1,1n "$W/res" | awk -F '\t' -v sizes="$SIZES" '
	function num(v, u) {
		if (v == "-" || v < 0)
			return "-"
		if (u == "B")
			return sprintf("%d B", v)
		if (u == "rate")
			return sprintf("%d/s", v)
		if (u == "MB")
			return sprintf("%.1f MB", v)
		if (v >= 60000)
			return "> 60 s"
		return sprintf(v < 10 ? "%.1f ms" : "%d ms", v)
	}
	function short(n) {
		return n >= 1000000 ? n / 1000000 "M" : n >= 1000 ? n / 1000 "k" : n
	}
	BEGIN {
		ns = split(sizes, sz, " ")
		printf "%-46s", "figure"
		for (i = 1; i <= ns; i++)
			printf " %21s", short(sz[i]) " (floor)"
		printf " %7s %9s  %s\n", "growth", "budget", "at " short(sz[ns])
	}
	{
		if (!($2 in seen)) {
			seen[$2] = 1
			names[++nf] = $2
		}
		v[$2, $3] = $4
		f[$2, $3] = $5
		u[$2] = $6
		b[$2] = $7
		last[$2] = $3
	}
	END {
		for (k = 1; k <= nf; k++) {
			n = names[k]
			printf "%-46s", n
			if (last[n] == "-") {
				cell = num(v[n, "-"], u[n]) " (" num(f[n, "-"], u[n]) ")"
				printf " %21s", cell
				for (i = 2; i <= ns; i++)
					printf " %21s", ""
				big = "-"
			} else {
				for (i = 1; i <= ns; i++) {
					cell = num(v[n, sz[i]], u[n])
					if (f[n, sz[i]] != "-" && f[n, sz[i]] != "")
						cell = cell " (" num(f[n, sz[i]], u[n]) ")"
					printf " %21s", cell
				}
				big = sz[ns]
			}
			lo = v[n, big == "-" ? "-" : sz[1]]
			hi = v[n, big]
			g = (big != "-" && lo > 0 && hi >= 0) ? sprintf("%.1fx", hi / lo) : "-"
			bud = b[n]
			verdict = ""
			fl = f[n, big]
			if (bud ~ /x$/) {
				r = bud + 0
				label = "<= " bud " floor"
				if (fl > 0 && hi >= 0)
					verdict = (hi <= r * fl) ? "met" : sprintf("over: %.1fx floor", hi / fl)
			} else if (bud != "-") {
				label = (u[n] == "rate" ? ">= " : "<= ") bud
				if (hi >= 0) {
					ok = (u[n] == "rate") ? hi >= bud : hi <= bud
					verdict = ok ? "met" : sprintf("over by %.1fx", \
						u[n] == "rate" ? bud / (hi > 0 ? hi : 1) : hi / bud)
				}
			} else {
				label = "-"
			}
			printf " %7s %9s  %s\n", g, label, verdict
		}
	}' >"$W/table"
echo >&2
cat "$W/table"
cp "$W/table" "$OUT" 2>/dev/null || true
