# tracelab export (JSON Lines and CSV) and tracelab list, on a demo store:
# round trip through import, CSV shape and quoting, filters, output files
# that appear only when complete.
. "$(dirname "$0")/../lib.sh"

D="$T/demo.db"
run_tl demo "$D"
[ "$rc" -eq 0 ] || { not_ok "demo store for export" "$err"; exit 1; }
ntr=$(q "$D" "SELECT count(*) FROM trace_info")

# Everything a trace is made of, in a stable order, for comparing stores.
dump() {
	q "$1" "SELECT request_id, experiment_id, timestamp_ms, execution_time_ms, status,
		quote(client_request_id), quote(request_preview), quote(response_preview)
		FROM trace_info ORDER BY request_id"
	q "$1" "SELECT request_id, key, value FROM trace_tags ORDER BY 1, 2"
	q "$1" "SELECT request_id, key, value FROM trace_request_metadata ORDER BY 1, 2"
	q "$1" "SELECT trace_id, span_id, quote(parent_span_id), name, type, status,
		start_time_unix_nano, end_time_unix_nano, experiment_id FROM spans ORDER BY 1, 2"
	# Assessment.to_dictionary() writes numbers as protobuf doubles, so an
	# integer value comes back as a float (5 -> 5.0), as it does in MLflow.
	q "$1" "SELECT assessment_id, trace_id, name, assessment_type,
		CASE WHEN json_type(value) = 'real' AND json_extract(value, '$') =
			CAST(json_extract(value, '$') AS INTEGER)
		THEN CAST(json_extract(value, '$') AS INTEGER) ELSE value END, quote(error),
		created_timestamp, last_updated_timestamp, source_type, quote(source_id),
		quote(run_id), quote(span_id), quote(rationale), quote(overrides), valid,
		quote(assessment_metadata) FROM assessments ORDER BY 1"
}

# ---- JSON Lines ------------------------------------------------------------------

run_tl export "$D"
expect_eq "jsonl: exit 0" "$rc:$err" "0:"
printf '%s\n' "$out" >"$T/all.jsonl"
expect_eq "jsonl: one line per trace" "$(grep -c . "$T/all.jsonl")" "$ntr"
python3 - "$T/all.jsonl" >"$T/shape" 2>&1 <<'EOF'
import json, sys
ids = []
for line in open(sys.argv[1]):
    t = json.loads(line)
    assert list(t) == ["info", "data"], list(t)
    i = t["info"]
    for k in ("trace_id", "trace_location", "request_time", "state", "trace_metadata",
              "tags"):
        assert k in i, k
    assert i["trace_location"]["mlflow_experiment"]["experiment_id"] == "0"
    assert isinstance(t["data"]["spans"], list) and t["data"]["spans"]
    ids.append((i["request_time"], i["trace_id"]))
assert ids == sorted(ids, key=lambda x: x[0], reverse=True), "newest first"
print("shape ok")
EOF
expect_eq "jsonl: Trace.to_dict() shape, newest first" "$(cat "$T/shape")" "shape ok"

S=$(fresh_store roundtrip.db)
run_tl import "$S" "$T/all.jsonl"
expect_eq "jsonl round trip: import exit 0" "$rc:$err" "0:"
dump "$D" >"$T/a.dump"
dump "$S" >"$T/b.dump"
if cmp -s "$T/a.dump" "$T/b.dump"; then
	ok "jsonl round trip: the same rows"
else
	not_ok "jsonl round trip: the same rows" "$(diff "$T/a.dump" "$T/b.dump" | head -n 6)"
fi
expect_eq "jsonl round trip: span contents" \
	"$(q "$S" "SELECT count(*) FROM spans s WHERE content IS NULL OR content = ''")" 0

run_tl export "$D" --filter "status = 'ERROR'"
expect_eq "jsonl --filter" "$(printf '%s\n' "$out" | grep -c .)" \
	"$(q "$D" "SELECT count(*) FROM trace_info WHERE status = 'ERROR'")"
run_tl export "$D" --experiment Default -o "$T/exp.jsonl"
expect_eq "jsonl --experiment and -o" "$rc:$out" "0:exported $ntr traces to $T/exp.jsonl"
expect_eq "-o file holds the traces" "$(grep -c . "$T/exp.jsonl")" "$ntr"
run_tl export "$D" --filter "status = 'NOPE'"
expect_eq "export of nothing" "$rc:$out" "0:"

# ---- CSV ----------------------------------------------------------------------------

run_tl export "$D" --format csv -o "$T/all.csv"
expect_eq "csv: exit 0" "$rc" 0
python3 - "$T/all.csv" "$D" >"$T/csv" 2>&1 <<'EOF'
import csv, sqlite3, sys
raw = open(sys.argv[1], newline="").read()
assert raw.endswith("\r\n") and "\r\n" in raw, "CRLF line ends"
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
fixed = ["trace_id", "time", "duration_ms", "status", "name", "user", "session",
         "request_preview", "response_preview"]
assert head[:9] == fixed, head
db = sqlite3.connect(sys.argv[2])
names = [r[0] for r in db.execute(
    "SELECT DISTINCT name FROM assessments WHERE assessment_type = 'feedback' ORDER BY name")]
assert head[9:] == ["feedback." + n for n in names], head[9:]
assert len(body) == db.execute("SELECT count(*) FROM trace_info").fetchone()[0]
by_id = {r[0]: dict(zip(head, r)) for r in body}
agent = by_id["tr-29576a88d16ffa45c32ccf33eed978c7"]
assert agent["feedback.correctness"] == "yes", agent["feedback.correctness"]  # the override
assert agent["feedback.tool_error_count"] == "1"
assert agent["time"] == "2026-03-05T15:58:31.087Z", agent["time"]
assert agent["duration_ms"] == "14210" and agent["status"] == "OK"
assert agent["session"] == "sess-f27a90"
assert agent["request_preview"].startswith('{"messages": [{"role": "user"'), agent["request_preview"]
rag = by_id["tr-7ac3116a18735f3311ced5336c05dbd0"]
assert rag["feedback.contains_citation"] == "true" and rag["feedback.response_length"] == "612"
errs = [r for r in body if r[3] == "ERROR"]
assert errs and all(dict(zip(head, r))["response_preview"] == "" for r in errs)
print("csv ok")
EOF
expect_eq "csv: header, rows, latest valid values, RFC 4180" "$(cat "$T/csv")" "csv ok"

# ---- output files appear only when complete ----------------------------------------------

run_tl export "$D" --filter "nonsense ==" -o "$T/bad.jsonl"
expect_eq "bad filter: usage error" "$rc" 2
expect_eq "bad filter: no output file, no temporary left" "$(ls "$T" | grep -c 'bad.jsonl')" 0
run_tl export "$D" -o "$T/no/such/dir/out.jsonl"
expect_eq "unwritable -o: exit 1" "$rc" 1
expect_has "unwritable -o: names the file" "$err" "$T/no/such/dir/out.jsonl"
echo "old content" >"$T/keep.jsonl"
run_tl export "$D" --experiment nope -o "$T/keep.jsonl"
expect_eq "failed export keeps the old file" "$rc:$(cat "$T/keep.jsonl")" "1:old content"

# ---- list ------------------------------------------------------------------------------------

run_tl list "$D" --limit 5
expect_eq "list --limit" "$rc:$(printf '%s\n' "$out" | grep -c .)" "0:5"
expect_has "list: newest first" "$(printf '%s\n' "$out" | head -n 1)" "2026-03-05 17:05:12"
run_tl list "$D"
expect_eq "list: every trace (default limit 100)" "$(printf '%s\n' "$out" | grep -c .)" "$ntr"
run_tl list "$D" --filter "status = 'ERROR'"
expect_eq "list --filter" "$(printf '%s\n' "$out" | grep -c ERROR)" \
	"$(q "$D" "SELECT count(*) FROM trace_info WHERE status = 'ERROR'")"
run_tl list "$D" --filter "feedback.correctness = 'yes'" --format json --limit 0
printf '%s\n' "$out" >"$T/list.json"
python3 - "$T/list.json" >"$T/listjson" 2>&1 <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
ids = [r["trace_id"] for r in rows]
assert "tr-29576a88d16ffa45c32ccf33eed978c7" in ids, ids
r = rows[ids.index("tr-29576a88d16ffa45c32ccf33eed978c7")]
assert r["name"] == "billing_agent" and r["state"] == "OK" and r["execution_duration_ms"] == 14210
assert r["feedback"]["correctness"]["human"] == "yes", r["feedback"]
print("json ok")
EOF
expect_eq "list --format json" "$(cat "$T/listjson")" "json ok"
run_tl list "$D" --filter "status = 'NOPE'" --format json
expect_eq "list --format json, no rows" "$rc:$out" "0:[]"

# Values in a store are not ours: text that is not JSON still gives valid
# JSON output (as a string); JSON values are embedded as they are.
W="$T/weird.db"
cp "$D" "$W"
agent=tr-29576a88d16ffa45c32ccf33eed978c7
for v in '{"a": [1, 2.5e-3, null]}' 'not json' '{"a": 1,}' '01' '"unterminated' '[[[[[[[[[[1]]]]]]]]]]'; do
	n=$((${n:-0} + 1))
	sqlite3 "$W" "INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value,
		created_timestamp, last_updated_timestamp, source_type, source_id, valid)
		VALUES ('a-weird$n', '$agent', 'weird_$n', 'feedback', '$(printf '%s' "$v" | sed "s/'/''/g")',
		1, 1, 'CODE', 'x', 1)"
done
run_tl list "$W" --format json --filter "request_id = '$agent'"
printf '%s\n' "$out" >"$T/weird.json"
python3 - "$T/weird.json" >"$T/weird" 2>&1 <<'PYEOF'
import json, sys
fb = json.load(open(sys.argv[1]))[0]["feedback"]
assert fb["weird_1"]["code"] == {"a": [1, 2.5e-3, None]}, fb["weird_1"]
assert fb["weird_2"]["code"] == "not json"
assert fb["weird_3"]["code"] == '{"a": 1,}'
assert fb["weird_4"]["code"] == "01"
assert fb["weird_5"]["code"] == '"unterminated'
assert fb["weird_6"]["code"] == [[[[[[[[[[1]]]]]]]]]]
print("weird ok")
PYEOF
expect_eq "list --format json with values that are not JSON" "$(cat "$T/weird")" "weird ok"
