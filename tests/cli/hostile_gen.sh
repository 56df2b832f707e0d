# The hostile-trace generator itself (tests/hostile/gen_hostile.c): the
# store it builds holds every hostile case it promises, in the places it
# promises, and its two checkers tell good bytes from bad.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../hostile/lib.sh"

# ---- the checkers ---------------------------------------------------------------

ck() {
	# ck NAME WANT(0|1) MODE BYTES...: printf BYTES to a file, run the checker
	_name=$1 _want=$2 _mode=$3
	shift 3
	# shellcheck disable=SC2059
	printf "$@" >"$T/ck"
	case $_mode in
	safe) "$GEN" check-safe "$T/ck" 2>/dev/null ;;
	json) "$GEN" check-json "$T/ck" 2>/dev/null ;;
	lines) "$GEN" check-json --lines "$T/ck" 2>/dev/null ;;
	esac
	expect_eq "gen checker: $_name" "$?" "$_want"
}

ck "plain text is safe" 0 safe 'plain text\n\twith tab, caf\303\251, \344\270\255\n'
ck "ESC is not safe" 1 safe 'a \033[2J b'
ck "BEL is not safe" 1 safe 'a \007 b'
ck "CR is not safe" 1 safe 'a\rb'
ck "DEL is not safe" 1 safe 'a\177b'
ck "raw C1 byte is not safe" 1 safe 'a \233 b'
ck "UTF-8 C1 is not safe" 1 safe 'a \302\233 b'
ck "RLO is not safe" 1 safe 'a \342\200\256 b'
ck "LRI is not safe" 1 safe 'a \342\201\246 b'
ck "invalid UTF-8 is not safe" 1 safe 'a \377 b'
ck "overlong UTF-8 is not safe" 1 safe 'a \300\257 b'
ck "UTF-8 surrogate is not safe" 1 safe 'a \355\240\200 b'
ck "visible escapes are safe" 0 safe 'a ^[[2J \\x9b <U+202E> b'
ck "JSON object" 0 json '{"a": [1, -2.5e+3, true, false, null, "x\\u001b\\"\\\\"], "b": {}}'
ck "JSON scalar" 0 json ' "s" '
ck "JSON with raw control char" 1 json '"a\033b"'
ck "JSON with invalid UTF-8" 1 json '"a\377b"'
ck "JSON truncated" 1 json '{"a": [1, 2'
ck "JSON trailing text" 1 json '{} x'
ck "JSON bad number" 1 json '[01]'
ck "JSON unquoted key" 1 json '{a: 1}'
ck "JSON empty" 1 json ''
ck "JSON Lines" 0 lines '{"a": 1}\n[2]\n\n"x"\n'
ck "JSON Lines with a bad line" 1 lines '{"a": 1}\n[2\n'
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "["; for (i = 0; i < 200000; i++) printf "]" }' \
	>"$T/deep.json"
"$GEN" check-json "$T/deep.json"
expect_eq "gen checker: JSON nested 200,000 deep" "$?" 0
expect_eq "gen unhex" "$("$GEN" unhex 74722D1B5D | od -An -c | tr -s ' ')" " t r - 033 ]"

# ---- the files -------------------------------------------------------------------

"$GEN" files "$T/f"
expect_eq "gen files: exit 0" "$?" 0
for f in hostile.jsonl bad.jsonl big.jsonl traces.json otlp.json bom.jsonl crlf.jsonl \
	empty.jsonl blank.jsonl; do
	check "gen files: $f written" test -f "$T/f/$f"
done
expect_eq "gen files: deterministic" "$("$GEN" files "$T/g" && cd "$T" && cksum f/* | awk '{print $1 $2}')" \
	"$(cd "$T" && cksum g/* | awk '{print $1 $2}')"
n=$(grep -c . "$T/f/hostile.jsonl")
expect_eq "gen files: hostile.jsonl has 34 string traces and 7 shapes" "$n" 41
# Lines of the ensure_ascii form are strict JSON; raw ones carry raw bytes.
sed -n '2p;4p;6p' "$T/f/hostile.jsonl" >"$T/ascii.jsonl"
jsonl_file "gen files: ensure_ascii lines are strict JSON" "$T/ascii.jsonl"
if LC_ALL=C grep -q "$(printf '\033')" "$T/ascii.jsonl"; then
	not_ok "gen files: ensure_ascii lines hold no raw ESC" "found one"
else
	ok "gen files: ensure_ascii lines hold no raw ESC"
fi
if LC_ALL=C grep -q "$(printf '\302\233')" "$T/f/hostile.jsonl"; then
	ok "gen files: raw lines hold UTF-8 C1 controls"
else
	not_ok "gen files: raw lines hold UTF-8 C1 controls" "none"
fi
s=$(wc -c <"$T/f/big.jsonl")
if [ "$s" -gt 10485760 ]; then ok "gen files: big.jsonl over 10 MB"; else not_ok "gen files: big.jsonl over 10 MB" "$s bytes"; fi
json_file "gen files: traces.json is JSON" "$T/f/traces.json"
if grep -q '"resourceSpans"' "$T/f/otlp.json"; then ok "gen files: otlp.json is OTLP"; else not_ok "gen files: otlp.json is OTLP" "no resourceSpans"; fi
if grep -q 'ud800' "$T/f/bad.jsonl"; then ok "gen files: a lone surrogate escape"; else not_ok "gen files: a lone surrogate escape" "none"; fi

# ---- the store --------------------------------------------------------------------

cp "$FIX/mlflow-3-real-store.db" "$T/s.db"
chmod u+w "$T/s.db"
exp=$("$GEN" sql "$T/s.db" "$T/art")
expect_eq "gen sql: exit 0" "$?" 0
expect_eq "gen sql: prints the experiment id" \
	"$exp" "$(q "$T/s.db" "SELECT experiment_id FROM experiments WHERE name = 'hostile'")"
"$GEN" sql "$T/s.db" "$T/art" >/dev/null
expect_eq "gen sql: runs twice (replaces its rows)" "$?" 0
expect_eq "gen sql: integrity_check" "$(q "$T/s.db" "PRAGMA integrity_check")" ok
expect_eq "gen sql: schema untouched" \
	"$(q "$T/s.db" "SELECT sql FROM sqlite_master ORDER BY name" | cksum)" \
	"$(q "$FIX/mlflow-3-real-store.db" "SELECT sql FROM sqlite_master ORDER BY name" | cksum)"

has() {
	# has NAME SQL: the query counts at least one row
	_n=$(q "$T/s.db" "$2")
	if [ "${_n:-0}" -gt 0 ]; then ok "gen sql: $1"; else not_ok "gen sql: $1" "count $_n"; fi
}
X="experiment_id = $exp"
has "ESC in a trace name" "SELECT count(*) FROM trace_tags WHERE key = 'mlflow.traceName'
	AND instr(value, char(27))"
has "invalid UTF-8 stored as TEXT" "SELECT count(*) FROM trace_tags WHERE typeof(value) = 'text'
	AND instr(CAST(value AS BLOB), X'FF')"
has "NUL inside TEXT" "SELECT count(*) FROM trace_info WHERE typeof(request_preview) = 'text'
	AND instr(CAST(request_preview AS BLOB), X'00')"
has "NUL in a span name" "SELECT count(*) FROM spans WHERE instr(CAST(name AS BLOB), X'00')"
has "hostile assessment name, value, rationale and source id" "SELECT count(*) FROM assessments
	WHERE instr(name, char(27)) AND instr(value, char(27)) AND instr(rationale, char(27))
	AND instr(CAST(source_id AS BLOB), X'9D')"
has "a preview that is not JSON" "SELECT count(*) FROM trace_info WHERE $X
	AND response_preview LIKE 'plain text, not JSON%'"
has "a span row in an unknown JSON format" "SELECT count(*) FROM spans WHERE content = '{\"foo\": 1}'"
has "a span row that is not JSON" "SELECT count(*) FROM spans WHERE content = '{\"name\": \"truncated'"
has "a lone surrogate escape in span content" "SELECT count(*) FROM spans WHERE instr(content, '\\ud800')"
has "a trace without spansLocation" "SELECT count(*) FROM trace_info t WHERE $X AND NOT EXISTS
	(SELECT 1 FROM trace_tags g WHERE g.request_id = t.request_id AND g.key = 'mlflow.trace.spansLocation')"
has "a missing end time" "SELECT count(*) FROM spans WHERE $X AND end_time_unix_nano IS NULL"
has "a negative duration" "SELECT count(*) FROM spans WHERE $X AND end_time_unix_nano < start_time_unix_nano"
has "extreme times" "SELECT count(*) FROM spans WHERE $X AND start_time_unix_nano = 9223372036854775807"
has "a parent cycle" "SELECT count(*) FROM spans a JOIN spans b ON a.trace_id = b.trace_id
	AND a.parent_span_id = b.span_id AND b.parent_span_id = a.span_id"
has "a self parent" "SELECT count(*) FROM spans WHERE parent_span_id = span_id"
has "an orphan" "SELECT count(*) FROM spans s WHERE $X AND parent_span_id <> '' AND NOT EXISTS
	(SELECT 1 FROM spans p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_span_id)"
expect_eq "gen sql: 100,000 spans in one trace" "$(q "$T/s.db" "SELECT max(n) FROM
	(SELECT count(*) AS n FROM spans GROUP BY trace_id)")" 100000
has "a chain 10,000 deep" "SELECT count(*) FROM spans WHERE span_id = printf('63%014x', 10000)
	AND parent_span_id = printf('63%014x', 9999)"
has "a 10 MB attribute" "SELECT count(*) FROM spans WHERE length(CAST(content AS BLOB)) > 10485760"
has "JSON nested 1,000 deep" "SELECT count(*) FROM spans WHERE name = 'nested 1000 deep'"
has "JSON nested 100,000 deep" "SELECT count(*) FROM spans WHERE name = 'nested 100000 deep'"
has "a trace id with escapes" "SELECT count(*) FROM trace_info WHERE instr(request_id, char(27))"
has "an experiment with a hostile name" "SELECT count(*) FROM experiments WHERE instr(name, char(27))"
has "an override cycle" "SELECT count(*) FROM assessments a JOIN assessments b
	ON a.overrides = b.assessment_id AND b.overrides = a.assessment_id"
for c in 10 11 12 13 14 15 16 17; do
	check "gen sql: traces.json case $c exists" test -e "$(ls -d "$T"/art/c$c/*/artifacts)/traces.json" -o \
		-h "$(ls -d "$T"/art/c$c/*/artifacts)/traces.json"
done
check "gen sql: a traces.json that is a FIFO" test -p "$(ls -d "$T"/art/c14/*/artifacts)/traces.json"
check "gen sql: a traces.json that is a directory" test -d "$(ls -d "$T"/art/c10/*/artifacts)/traces.json"
check "gen sql: relative artifact locations resolve next to the store" test -d "$T/hostile-art/c13"
