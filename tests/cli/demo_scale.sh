# tracelab demo --traces N: a store of N synthetic traces (the benchmark's),
# the same for the same seed, and the same kind of traces as JSON Lines.
. "$(dirname "$0")/../lib.sh"

D="$T/scale.db"
cd "$T" || exit 1
run_tl demo --traces 400 "$D"
expect_eq "demo --traces: exit 0" "$rc:$err" "0:"
n() { q "$D" "$1"; }
info() { printf '%s\n' "$out" | sed -n "s/^$1: //p"; }

expect_eq "demo --traces: traces" "$(n "SELECT count(*) FROM trace_info")" 400
expect_eq "demo --traces: says how many" "$(info traces)" 400
expect_eq "demo --traces: spans it says" "$(info spans)" "$(n "SELECT count(*) FROM spans")"
expect_eq "demo --traces: feedback it says" "$(info assessments)" \
	"$(n "SELECT count(*) FROM assessments")"
expect_eq "demo --traces: the big trace has 10,000 spans" \
	"$(n "SELECT count(*) FROM spans WHERE trace_id = '$(info big_trace)'")" 10000
expect_eq "demo --traces: newest trace" "$(info newest_trace)" \
	"$(n "SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT 1")"
expect_eq "demo --traces: oldest trace" "$(info oldest_trace)" \
	"$(n "SELECT request_id FROM trace_info ORDER BY timestamp_ms LIMIT 1")"
expect_eq "demo --traces: the error trace failed" \
	"$(n "SELECT status FROM trace_info WHERE request_id = '$(info error_trace)'")" ERROR
expect_eq "demo --traces: in experiment bench" \
	"$(n "SELECT name FROM experiments WHERE experiment_id = $(info experiment)")" bench
expect_eq "demo --traces: spans kept in the store" \
	"$(n "SELECT count(*) FROM trace_info WHERE request_id NOT IN (SELECT request_id FROM trace_tags
	      WHERE key = 'mlflow.trace.spansLocation' AND value = 'TRACKING_STORE')")" 0
expect_eq "demo --traces: span dict ids decode to the row's ids" "$(span_id_mismatches "$D")" 0
expect_eq "demo --traces: judge feedback on some traces" \
	"$(n "SELECT count(DISTINCT trace_id) > 40 FROM assessments WHERE source_type = 'LLM_JUDGE'")" 1
expect_eq "demo --traces: store passes integrity_check" "$(n "PRAGMA integrity_check")" ok
expect_eq "demo --traces: MLflow's indexes are there" \
	"$(n "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")" \
	"$(q "$FIX/mlflow-3-real-store.db" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")"
run_tl list "$D" --experiment bench --limit 3 --format json
expect_eq "demo --traces: the store lists" "$rc:$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "0:3"

# the same seed, the same file; another seed, other traces
TRACELAB_NOW_MS=1 "$TL" demo --traces 400 "$T/again.db" >/dev/null 2>&1
"$TL" demo --traces 400 --seed 7 "$T/other.db" >/dev/null 2>&1
for table in experiments trace_info trace_tags spans assessments; do
	a=$(sqlite3 "$D" "SELECT * FROM $table ORDER BY 1, 2" | sed "s|$T||g" | md5sum)
	b=$(sqlite3 "$T/again.db" "SELECT * FROM $table ORDER BY 1, 2" | sed "s|$T||g" | md5sum)
	expect_eq "demo --traces: deterministic $table" "$a" "$b"
done
expect_eq "demo --traces --seed: other traces" \
	"$(q "$T/other.db" "SELECT count(*) FROM trace_info WHERE request_id IN
	      (SELECT request_id FROM trace_info)") $(sqlite3 "$T/other.db" "ATTACH '$D' AS a;
	      SELECT count(*) FROM trace_info WHERE request_id IN (SELECT request_id FROM a.trace_info)")" "400 0"

# JSON Lines for import
run_tl demo --traces 30 --jsonl --spans 4 "$T/t.jsonl"
expect_eq "demo --jsonl: exit 0" "$rc:$err" "0:"
expect_eq "demo --jsonl: one trace a line" "$(wc -l <"$T/t.jsonl" | tr -d ' ')" 30
expect_eq "demo --jsonl: says the spans" "$(info spans)" 120
"$TL" demo "$T/imp.db" >/dev/null 2>&1
run_tl import "$T/imp.db" "$T/t.jsonl" --experiment synthetic
expect_eq "demo --jsonl: imports cleanly" "$rc:$err" "0:"
expect_eq "demo --jsonl: every trace with its spans" \
	"$(q "$T/imp.db" "SELECT count(DISTINCT t.request_id), count(*) FROM trace_info t JOIN spans s
	      ON s.trace_id = t.request_id JOIN experiments e ON e.experiment_id = t.experiment_id
	      WHERE e.name = 'synthetic'")" "30|120"
before=$(md5sum <"$T/t.jsonl")
run_tl demo --traces 30 --jsonl "$T/t.jsonl"
expect_eq "demo --jsonl over an existing file: refused" "$rc:$(md5sum <"$T/t.jsonl")" "1:$before"

# usage errors name the option
run_tl demo --traces 0 "$T/zero.db"
expect_eq "demo --traces 0: usage error" "$rc:$err" \
	"2:tracelab: demo: --traces must be a whole number from 1 to 2147483647, not '0'"
expect_eq "demo --traces 0: no file left" "$(ls "$T/zero.db" 2>/dev/null)" ""
run_tl demo --traces many "$T/many.db"
expect_eq "demo --traces many: usage error" "$rc" 2
run_tl demo --traces 5 --spans 3 "$T/s.db"
expect_eq "demo --spans without --jsonl" "$rc:$err" "2:tracelab: demo: --spans goes with --jsonl"
run_tl demo --seed 3 "$T/s.db"
expect_eq "demo --seed without --traces" "$rc:$err" "2:tracelab: demo: --seed goes with --traces"
before=$(md5sum <"$D")
run_tl demo --traces 5 "$D"
expect_eq "demo --traces over an existing store: refused, untouched" "$rc:$(md5sum <"$D")" "2:$before"

# From 10,000 traces: a trace with 100,000 assessments (every tenth a
# person's override of the judge's row before it), failing tool spans, LLM
# spans and the search words, once each
run_tl demo --traces 10000 "$T/ten.db"
expect_eq "demo --traces 10000: exit 0" "$rc:$err" "0:"
M=$(info many_assessments_trace)
t() { q "$T/ten.db" "$1"; }
expect_eq "demo --traces 10000: 100,000 assessments on one trace, 10,000 overridden" \
	"$(t "SELECT count(*) >= 100000, sum(valid = 0) FROM assessments WHERE trace_id = '$M'")" "1|10000"
expect_eq "demo --traces 10000: each overridden row by a person's, same name" \
	"$(t "SELECT count(*) FROM assessments o JOIN assessments n ON n.overrides =
	      o.assessment_id WHERE o.trace_id = '$M' AND o.valid = 0 AND n.valid = 1
	      AND n.source_type = 'HUMAN' AND n.name = o.name")" 10000
expect_eq "demo --traces 10000: get_invoice fails now and then" \
	"$(t "SELECT count(*) > 100 FROM spans WHERE name = 'get_invoice' AND type = 'TOOL'
	      AND status = 'ERROR'")" 1
expect_eq "demo --traces 10000: LLM spans" "$(t "SELECT count(*) > 100 FROM spans WHERE type = 'LLM'")" 1
expect_eq "demo --traces 10000: needle-top-100 in the 101st newest trace" \
	"$(t "SELECT request_id FROM trace_info WHERE request_preview LIKE '%needle-top-100%'")" \
	"$(t "SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT 1 OFFSET 100")"
expect_eq "demo --traces 10000: needle-middle once" \
	"$(t "SELECT count(*) FROM trace_info WHERE request_preview LIKE '%needle-middle%'")" 1
expect_eq "demo --traces 400: no trace with 100,000 assessments" \
	"$(sed -n 's/^many_assessments_trace: //p' "$T/scale.txt" 2>/dev/null)$(q "$D" "SELECT max(n) < 1000 FROM (SELECT count(*) n FROM assessments GROUP BY trace_id)")" 1
