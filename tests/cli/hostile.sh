# The headless commands on hostile traces (tests/hostile/gen_hostile.c):
# import of hostile, malformed, huge and odd files; list, feedback and
# export of every hostile trace; feedback written onto them.  Each command
# ends in time (no hang), exits 0 or 1 with a message (never a signal),
# writes valid JSON where it writes JSON, and never prints a raw control
# character, escape sequence or bidi control where a terminal would show it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../hostile/lib.sh"

hostile_store hostile.db
F=$T/hostile-files
cd "$T" || exit 1

# ---- import ------------------------------------------------------------------

imp_rc() { cat "$T/import/$1.rc"; }
imp_err() { cat "$T/import/$1.err"; }

for f in hostile.jsonl bad.jsonl big.jsonl traces.json otlp.json bom.jsonl crlf.jsonl \
	empty.jsonl blank.jsonl; do
	r=$(imp_rc "$f")
	case $r in
	0 | 1) ok "hostile import $f: exit $r" ;;
	*) not_ok "hostile import $f: exit 0 or 1" "exit $r: $(imp_err "$f" | cat -v | head -c 300)" ;;
	esac
	safe_file "hostile import $f: messages are safe to show" "$T/import/$f.err"
	safe_file "hostile import $f: summary is safe to show" "$T/import/$f.out"
done

expect_eq "hostile import hostile.jsonl succeeds" "$(imp_rc hostile.jsonl)" 0
n=$(q "$DB" "SELECT count(*) FROM trace_info WHERE request_id LIKE 'tr-bad00001%'")
expect_eq "hostile import: every hostile-string trace is in the store" "$n" 34
n=$(q "$DB" "SELECT count(*) FROM spans WHERE trace_id LIKE 'tr-bad00001%'")
expect_eq "hostile import: with all their spans" "$n" 136
n=$(q "$DB" "SELECT count(*) FROM assessments WHERE trace_id LIKE 'tr-bad00001%'")
expect_eq "hostile import: with the assessments of the V3 infos" "$n" 120
n=$(q "$DB" "SELECT count(*) FROM trace_tags WHERE key = 'mlflow.traceName'
	AND instr(value, char(27)) > 0")
if [ "$n" -gt 0 ]; then ok "hostile import: ESC kept in names ($n)"; else not_ok "hostile import: ESC kept in names" "none"; fi
n=$(q "$DB" "SELECT count(*) FROM spans WHERE trace_id = 'tr-bad00002000000010000000000000000'")
expect_eq "hostile import: cycles and orphans trace keeps its 6 spans" "$n" 6
n=$(q "$DB" "SELECT count(*) FROM spans WHERE trace_id = 'tr-bad00002000000020000000000000000'
	AND (end_time_unix_nano IS NULL OR end_time_unix_nano < start_time_unix_nano)")
if [ "$n" -ge 2 ]; then ok "hostile import: missing and negative end times kept"; else not_ok "hostile import: missing and negative end times kept" "$n rows"; fi
n=$(q "$DB" "SELECT count(*) FROM trace_info WHERE request_id = 'tr-bad00002000000060000000000000000'")
expect_eq "hostile import: attributes nested 1,000 deep import" "$n" 1
expect_has "hostile import: non-integer times reported with file:line" "$(imp_err hostile.jsonl)" \
	"hostile.jsonl:37:"

# Malformed records: each reported by line, the good ones around them kept.
# The last line is cut off (no line break, no end): a damage where the file
# ends, so the import says so and exits 1, with what came before it in.
expect_eq "hostile import bad.jsonl: exit 1 (the last line is cut off)" "$(imp_rc bad.jsonl)" 1
expect_has "hostile import bad.jsonl: the cut last line is a damage where the file ends" \
	"$(imp_err bad.jsonl)" "the file ends inside the record that starts at "
expect_has "hostile import bad.jsonl: what came before is imported" \
	"$(imp_err bad.jsonl)" "could not be read to its end (see above): what comes before that point was imported"
n=$(q "$DB" "SELECT count(*) FROM trace_info WHERE request_id IN
	('tr-bad00002000000640000000000000000', 'tr-bad00002000000650000000000000000')")
expect_eq "hostile import bad.jsonl: good records before and after the bad ones" "$n" 2
bad_lines=$(grep -c "^$F/bad.jsonl:[0-9][0-9]*[:]" "$T/import/bad.jsonl.err")
all_lines=$(grep -v '^tracelab: import: ' "$T/import/bad.jsonl.err" | grep -c .)
if [ "$bad_lines" -ge 15 ] && [ "$bad_lines" -eq "$all_lines" ]; then
	ok "hostile import bad.jsonl: every malformed record reported as file:line ($bad_lines)"
else
	not_ok "hostile import bad.jsonl: every malformed record reported as file:line" \
		"$bad_lines of $all_lines lines: $(imp_err bad.jsonl | cat -v | head -c 400)"
fi
for l in 4 7 17 20 21 23 24 26; do
	expect_has "hostile import bad.jsonl: line $l reported" "$(imp_err bad.jsonl)" "bad.jsonl:$l:"
done
expect_has "hostile import bad.jsonl: summary counts the skipped records" \
	"$(cat "$T/import/bad.jsonl.out")" "records skipped"

expect_eq "hostile import big.jsonl succeeds" "$(imp_rc big.jsonl)" 0
n=$(q "$DB" "SELECT max(length(CAST(content AS BLOB))) FROM spans
	WHERE trace_id = 'tr-bad00002000000c80000000000000000'")
if [ "${n:-0}" -ge 10485760 ]; then ok "hostile import: the 10 MB attribute is stored whole"; else not_ok "hostile import: the 10 MB attribute is stored whole" "$n bytes"; fi

expect_eq "hostile import traces.json succeeds" "$(imp_rc traces.json)" 0
n=$(q "$DB" "SELECT count(*) FROM spans WHERE trace_id = 'tr-bad00004000000010000000000000000'")
expect_eq "hostile import traces.json: trace from mlflow.traceRequestId, 3 spans" "$n" 3
expect_eq "hostile import otlp.json succeeds" "$(imp_rc otlp.json)" 0
n=$(q "$DB" "SELECT count(DISTINCT trace_id) FROM spans WHERE trace_id LIKE 'tr-0bad0%'")
expect_eq "hostile import otlp.json: one trace per traceId" "$n" 9
expect_eq "hostile import crlf.jsonl: CRLF lines import" "$(imp_rc crlf.jsonl)" 0
n=$(q "$DB" "SELECT count(*) FROM trace_info WHERE request_id IN
	('tr-bad000020000012d0000000000000000', 'tr-bad000020000012e0000000000000000')")
expect_eq "hostile import crlf.jsonl: both traces" "$n" 2
if [ "$(imp_rc bom.jsonl)" -eq 0 ]; then
	ok "hostile import bom.jsonl: a leading byte order mark is accepted"
else
	expect_has "hostile import bom.jsonl: refusal names file:line" "$(imp_err bom.jsonl)" "bom.jsonl:1"
fi
expect_eq "hostile store: integrity_check" "$(q "$DB" "PRAGMA integrity_check")" ok

# ---- list ----------------------------------------------------------------------

guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" list "$DB" --experiment hostile --limit 1000 \
	>"$T/list.txt" 2>"$T/list.err"
expect_eq "hostile list: exit 0" "$rc" 0
safe_file "hostile list: text output shows no raw control or bidi characters" "$T/list.txt"
safe_file "hostile list: messages are safe" "$T/list.err"
n=$(grep -c . "$T/list.txt")
want=$(hostile_ids "$DB" | grep -c .)
expect_eq "hostile list: one line per trace" "$n" "$want"
guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" list "$DB" --experiment hostile --limit 1000 \
	--format json >"$T/list.json" 2>"$T/list.err"
expect_eq "hostile list --format json: exit 0" "$rc" 0
json_file "hostile list --format json: valid JSON" "$T/list.json"

# ---- feedback and export of every trace --------------------------------------------

# Under valgrind every tenth trace plus the special ones, to keep the run short.
hostile_ids "$DB" >"$T/ids"
i=0
fb_bad=""
ex_bad=""
while read -r hx; do
	i=$((i + 1))
	id=$(unhex "$hx")
	case $id in
	tr-bad000060000000e* | tr-bad000060000000f*)
		# traces.json a FIFO / endless: checked on their own below
		continue ;;
	esac
	if [ -n "${TRACELAB_VALGRIND_CMD:-}" ] && [ $((i % 10)) -ne 0 ]; then
		continue
	fi
	guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" feedback "$DB" "$id" >"$T/fb.json" 2>"$T/fb.err"
	if [ "$rc" -ne 0 ] || ! "$GEN" check-json "$T/fb.json" 2>/dev/null ||
		! "$GEN" check-safe "$T/fb.err" 2>/dev/null; then
		fb_bad="$fb_bad
#   $(printf '%s' "$id" | cat -v) exit $rc: $(head -c 200 "$T/fb.err" | cat -v)"
	fi
	guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" export "$DB" --experiment hostile \
		--filter "request_id = '$id'" -o "$T/ex.jsonl" >/dev/null 2>"$T/ex.err"
	if [ "$rc" -ne 0 ] || [ "$(grep -c . "$T/ex.jsonl" 2>/dev/null)" != 1 ] ||
		! "$GEN" check-json --lines "$T/ex.jsonl" 2>/dev/null ||
		! "$GEN" check-safe "$T/ex.err" 2>/dev/null; then
		ex_bad="$ex_bad
#   $(printf '%s' "$id" | cat -v) exit $rc: $(head -c 200 "$T/ex.err" | cat -v)"
	fi
	rm -f "$T/ex.jsonl"
done <"$T/ids"
if [ -z "$fb_bad" ]; then
	ok "hostile feedback: every trace gives valid JSON, exit 0, safe messages"
else
	not_ok "hostile feedback: every trace gives valid JSON, exit 0, safe messages" "$fb_bad"
fi
if [ -z "$ex_bad" ]; then
	ok "hostile export: every trace exports as one valid JSON line, exit 0"
else
	not_ok "hostile export: every trace exports as one valid JSON line, exit 0" "$ex_bad"
fi

# Spans in traces.json that is a FIFO nobody writes to, or endless: the
# command must neither hang nor run out of memory.
for what in "traces.json is a FIFO nobody writes" "traces.json is endless (/dev/zero)"; do
	id=$(hostile_id "$DB" "$what")
	guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" export "$DB" --experiment hostile \
		--filter "request_id = '$id'" -o "$T/ex.jsonl" >/dev/null 2>"$T/ex.err"
	case $rc in
	0)
		expect_eq "hostile export, $what: one line" "$(grep -c . "$T/ex.jsonl")" 1
		jsonl_file "hostile export, $what: valid JSON" "$T/ex.jsonl"
		;;
	1)
		if grep -q "out of memory" "$T/ex.err"; then
			not_ok "hostile export, $what: refused with a message" "ran out of memory"
		else
			ok "hostile export, $what: refused with a message"
		fi
		;;
	124 | 137) not_ok "hostile export, $what: ends in time" "still running after ${HOSTILE_TIMEOUT}s" ;;
	*) not_ok "hostile export, $what: exit 0 or 1" "exit $rc: $(head -c 200 "$T/ex.err" | cat -v)" ;;
	esac
	rm -f "$T/ex.jsonl"
done

# The whole experiment, both formats.
guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" export "$DB" --experiment hostile -o "$T/all.jsonl" \
	>/dev/null 2>"$T/all.err"
expect_eq "hostile export of the experiment (JSON Lines): exit 0" "$rc" 0
[ "$rc" -eq 0 ] || echo "# $(head -c 300 "$T/all.err" | cat -v)"
if [ "$rc" -eq 0 ]; then
	jsonl_file "hostile export of the experiment: valid JSON Lines" "$T/all.jsonl"
	expect_eq "hostile export of the experiment: one line per trace" \
		"$(grep -c . "$T/all.jsonl")" "$(hostile_ids "$DB" | grep -c .)"
fi
safe_file "hostile export of the experiment: messages are safe" "$T/all.err"
guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" export "$DB" --experiment hostile --format csv \
	-o "$T/all.csv" >/dev/null 2>"$T/all.err"
expect_eq "hostile export of the experiment (CSV): exit 0" "$rc" 0
safe_file "hostile export CSV: messages are safe" "$T/all.err"

# ---- writing feedback onto hostile traces --------------------------------------------

HOST_ID=$(unhex "$(hostile_ids "$DB" | grep '^74722D1B')")
before=$(q "$DB" "SELECT count(*) FROM assessments")
guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" log-feedback "$DB" --trace "$HOST_ID" \
	--name "$(printf 'name \033]0;TITLE\007')" --value "$(printf 'v \342\200\256 \033[2J')" \
	--rationale "$(printf 'why \033]52;c;eA==\007')" --source-id me >"$T/lf.out" 2>"$T/lf.err"
expect_eq "hostile log-feedback on a trace whose id holds escapes: exit 0" "$rc" 0
safe_file "hostile log-feedback: messages are safe" "$T/lf.err"
new_id=$(cat "$T/lf.out")
guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" feedback "$DB" "$HOST_ID" >"$T/fb.json" 2>"$T/fb.err"
expect_eq "hostile feedback after the write: exit 0" "$rc" 0
json_file "hostile feedback after the write: valid JSON" "$T/fb.json"
expect_has "hostile feedback after the write: holds the new row" "$(cat "$T/fb.json")" "$new_id"
expect_eq "hostile log-feedback: one row more" "$(q "$DB" "SELECT count(*) FROM assessments")" \
	$((before + 1))

BIG=$(hostile_id "$DB" "100,000 spans in one trace")
last=$(q "$DB" "SELECT span_id FROM spans WHERE trace_id = '$BIG' ORDER BY start_time_unix_nano DESC LIMIT 1")
guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" log-feedback "$DB" --trace "$BIG" --span "$last" \
	--name ok --value true --source-id me >"$T/lf.out" 2>"$T/lf.err"
expect_eq "hostile log-feedback on the last of 100,000 spans: exit 0" "$rc" 0
guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" log-feedback "$DB" --trace "$BIG" \
	--span "$(printf '\033]0;x\007')" --name ok --value true --source-id me >"$T/lf.out" 2>"$T/lf.err"
expect_eq "hostile log-feedback with a hostile span id: refused (exit 1)" "$rc" 1
safe_file "hostile log-feedback with a hostile span id: the message is safe" "$T/lf.err"
guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" feedback "$DB" "$(printf 'tr-\033]0;nope\007\302\233')" \
	>"$T/fb.json" 2>"$T/fb.err"
expect_eq "hostile feedback on an unknown hostile id: exit 1" "$rc" 1
safe_file "hostile feedback on an unknown hostile id: the message is safe" "$T/fb.err"
expect_eq "hostile store: integrity_check at the end" "$(q "$DB" "PRAGMA integrity_check")" ok
