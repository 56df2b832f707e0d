# tracelab import into a copy of a real MLflow 3 store: every input format,
# what lands in each table, re-import, malformed records, experiments.
. "$(dirname "$0")/../lib.sh"

DEMO="$TOP/examples/demo.jsonl"
count() { q "$1" "SELECT count(*) FROM $2"; }

# ---- JSON Lines of MLflow traces (V3 info, v3 span dicts) ---------------------

S=$(fresh_store lines.db)
run_tl import "$S" "$DEMO"
ntr=$(grep -c . "$DEMO")
nsp=$(python3 -c 'import json,sys; print(sum(len(json.loads(l)["data"]["spans"]) for l in open(sys.argv[1])))' "$DEMO")
nas=$(python3 -c 'import json,sys; print(sum(len(json.loads(l)["info"]["assessments"]) for l in open(sys.argv[1])))' "$DEMO")
expect_eq "jsonl: exit 0, quiet stderr" "$rc:$err" "0:"
expect_eq "jsonl: summary" "$out" "imported $ntr traces, $nsp spans, $nas assessments"
expect_eq "jsonl: trace rows" "$(count "$S" trace_info)" "$ntr"
expect_eq "jsonl: span rows" "$(count "$S" spans)" "$nsp"
expect_eq "jsonl: assessment rows" "$(count "$S" assessments)" "$nas"
expect_eq "jsonl: spans location tag on every trace" \
	"$(q "$S" "SELECT count(*) FROM trace_tags WHERE key = 'mlflow.trace.spansLocation' AND value = 'TRACKING_STORE'")" "$ntr"
expect_eq "jsonl: span ids are 16 lowercase hex" \
	"$(q "$S" "SELECT count(*) FROM spans WHERE length(span_id) != 16 OR span_id GLOB '*[^0-9a-f]*'")" 0
expect_eq "jsonl: one root per trace" \
	"$(q "$S" "SELECT count(*) FROM spans WHERE parent_span_id IS NULL")" "$ntr"
expect_eq "jsonl: span rows agree with their times" \
	"$(q "$S" "SELECT count(*) FROM spans WHERE duration_ns != end_time_unix_nano - start_time_unix_nano")" 0
python3 - "$DEMO" >"$T/agent.want" <<'EOF'
import calendar, json, sys, time
for line in open(sys.argv[1]):
    i = json.loads(line)["info"]
    if i["trace_id"] == "tr-29576a88d16ffa45c32ccf33eed978c7":
        t = i["request_time"]
        ms = calendar.timegm(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) * 1000 + int(t[20:23])
        print("%d|%d|%s|0" % (ms, i["execution_duration_ms"], i["state"]))
EOF
expect_eq "jsonl: trace fields as in the record" \
	"$(q "$S" "SELECT timestamp_ms, execution_time_ms, status, experiment_id FROM trace_info WHERE request_id = 'tr-29576a88d16ffa45c32ccf33eed978c7'")" \
	"$(cat "$T/agent.want")"
expect_eq "jsonl: metadata rows" \
	"$(q "$S" "SELECT value FROM trace_request_metadata WHERE request_id = 'tr-29576a88d16ffa45c32ccf33eed978c7' AND key = 'mlflow.trace.session'")" \
	"sess-f27a90"
expect_eq "jsonl: overridden feedback kept invalid" \
	"$(q "$S" "SELECT count(*) FROM assessments a JOIN assessments b ON b.overrides = a.assessment_id WHERE a.valid = 0 AND b.valid = 1")" 1
expect_eq "jsonl: feedback values in json.dumps form" \
	"$(q "$S" "SELECT value FROM assessments WHERE name = 'tool_error_count'")" 1

# ---- re-import: traces replaced, feedback never lost ------------------------------

before=$(q "$S" "SELECT request_id, timestamp_ms FROM trace_info ORDER BY 1" | md5sum)
run_tl import "$S" "$DEMO"
expect_eq "re-import: exit 0" "$rc" 0
expect_eq "re-import: summary says kept and skipped" "$out" \
	"imported $ntr traces, $nsp spans, 0 assessments; $ntr traces were already in the store: $nas of their assessments kept, 0 new ones added, $nas assessments already there, skipped"
expect_eq "re-import: same trace count" "$(count "$S" trace_info)" "$ntr"
expect_eq "re-import: same span count" "$(count "$S" spans)" "$nsp"
expect_eq "re-import: assessments not doubled" "$(count "$S" assessments)" "$nas"
expect_eq "re-import: same rows" "$(q "$S" "SELECT request_id, timestamp_ms FROM trace_info ORDER BY 1" | md5sum)" "$before"

# export, label, import the export again: the label is still there
TR=tr-29576a88d16ffa45c32ccf33eed978c7
run_tl export "$S" -o "$T/before.jsonl"
expect_eq "export before labelling" "$rc" 0
run_tl log-feedback "$S" --trace "$TR" --name reviewed --value true --rationale "checked by hand" \
	--source-id reviewer@fernhill.dev
human=$out
expect_eq "log-feedback after export" "$rc" 0
run_tl log-feedback "$S" --trace "$TR" --value 0 \
	--override "$(q "$S" "SELECT assessment_id FROM assessments WHERE trace_id = '$TR' AND name = 'tool_error_count'")"
expect_eq "override after export" "$rc" 0
run_tl import "$S" "$T/before.jsonl"
expect_eq "re-import of the export: exit 0, quiet" "$rc:$err" "0:"
expect_eq "re-import of the export: kept, added, skipped" "$out" \
	"imported $ntr traces, $nsp spans, 0 assessments; $ntr traces were already in the store: $((nas + 2)) of their assessments kept, 0 new ones added, $nas assessments already there, skipped"
expect_eq "re-import of the export: the HUMAN row is still there" \
	"$(q "$S" "SELECT name, value, source_type, source_id, rationale, valid FROM assessments WHERE assessment_id = '$human'")" \
	"reviewed|true|HUMAN|reviewer@fernhill.dev|checked by hand|1"
expect_eq "re-import of the export: the override still wins" \
	"$(q "$S" "SELECT group_concat(value || ':' || valid, ' ') FROM (SELECT * FROM assessments WHERE trace_id = '$TR' AND name = 'tool_error_count' ORDER BY valid)")" \
	"1:0 0:1"
expect_eq "re-import of the export: no row lost or doubled" "$(count "$S" assessments)" "$((nas + 2))"

# a file with feedback the store lacks: added beside the store's own
python3 - "$T/before.jsonl" "$TR" >"$T/more.jsonl" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t["info"]["trace_id"] == sys.argv[2]:
        a = dict(t["info"]["assessments"][0])
        a["assessment_id"] = "a-" + "5" * 32
        a["assessment_name"] = "from_the_file"
        t["info"]["assessments"].append(a)
        print(json.dumps(t))
EOF
nfile=$(python3 -c 'import json,sys; print(len(json.loads(open(sys.argv[1]).read())["info"]["assessments"]))' "$T/more.jsonl")
nhere=$(q "$S" "SELECT count(*) FROM assessments WHERE trace_id = '$TR'")
run_tl import "$S" "$T/more.jsonl"
expect_eq "re-import with new feedback: summary" "$out" \
	"imported 1 trace, $(q "$S" "SELECT count(*) FROM spans WHERE trace_id = '$TR'") spans, 1 assessment; 1 trace was already in the store: $nhere of its assessments kept, 1 new one added, $((nfile - 1)) assessments already there, skipped"
expect_eq "re-import with new feedback: the new row" \
	"$(q "$S" "SELECT name, trace_id FROM assessments WHERE assessment_id = 'a-55555555555555555555555555555555'")" "from_the_file|$TR"
expect_eq "re-import with new feedback: the HUMAN row stays" \
	"$(q "$S" "SELECT count(*) FROM assessments WHERE assessment_id = '$human'")" 1
expect_eq "re-import: integrity" "$(q "$S" "PRAGMA integrity_check")" ok

# ---- one MLflow trace object with V2 info; an array of V3 traces ----------------

S=$(fresh_store objects.db)
cat >"$T/v2.json" <<'EOF'
{"info": {"request_id": "0123456789abcdef0123456789abcdef", "experiment_id": "1",
  "timestamp_ms": 1767225600000, "execution_time_ms": 1500, "status": "OK",
  "request_metadata": {"mlflow.trace.user": "bob"}, "tags": {"mlflow.traceName": "legacy"}},
 "data": {"spans": [{"name": "legacy", "context": {"span_id": "0x00000000000000a1",
   "trace_id": "0x0123456789abcdef0123456789abcdef"}, "parent_id": null,
   "start_time": 1767225600000000000, "end_time": 1767225601500000000,
   "status_code": "OK", "status_message": "", "attributes": {
   "mlflow.traceRequestId": "\"0123456789abcdef0123456789abcdef\"",
   "mlflow.spanType": "\"CHAIN\"", "mlflow.spanInputs": "{\"q\": \"hi\"}"}, "events": []}]}}
EOF
run_tl import "$S" "$T/v2.json"
expect_eq "V2 info: imported" "$rc:$out" "0:imported 1 trace, 1 span, 0 assessments"
expect_eq "V2 info: row" \
	"$(q "$S" "SELECT request_id, experiment_id, timestamp_ms, execution_time_ms, status FROM trace_info")" \
	"0123456789abcdef0123456789abcdef|1|1767225600000|1500|OK"
expect_eq "V2 info: user metadata" \
	"$(q "$S" "SELECT value FROM trace_request_metadata WHERE key = 'mlflow.trace.user'")" bob

head -n 3 "$DEMO" | python3 -c 'import json,sys; print(json.dumps([json.loads(l) for l in sys.stdin], indent=2))' >"$T/array.json"
run_tl import "$S" "$T/array.json"
expect_eq "array of traces: imported" "$rc" 0
expect_eq "array of traces: rows" "$(count "$S" trace_info)" 4

# ---- a bare traces.json ---------------------------------------------------------

S=$(fresh_store bare.db)
python3 - "$DEMO" >"$T/traces.json" <<'EOF'
import json, sys
line = open(sys.argv[1]).readlines()[-1]
print(json.dumps(json.loads(line)["data"]))
EOF
bare_id=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["info"]["trace_id"])' "$DEMO")
bare_spans=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["spans"]))' "$T/traces.json")
run_tl import "$S" "$T/traces.json"
expect_eq "traces.json: imported" "$rc:$out" "0:imported 1 trace, $bare_spans spans, 0 assessments"
expect_eq "traces.json: trace id from mlflow.traceRequestId" "$(q "$S" "SELECT request_id FROM trace_info")" "$bare_id"
expect_eq "traces.json: name from the root span" \
	"$(q "$S" "SELECT value FROM trace_tags WHERE key = 'mlflow.traceName'")" rag_answer
expect_eq "traces.json: request preview from the root inputs" \
	"$(q "$S" "SELECT request_preview FROM trace_info")" \
	'{"question": "How do I rotate an API key without downtime?"}'

# ---- OTLP/JSON --------------------------------------------------------------------

S=$(fresh_store otlp.db)
run_tl import "$S" "$FIX/otlp-proto-example-trace.json"
expect_eq "OTLP example: imported" "$rc:$out" "0:imported 1 trace, 1 span, 0 assessments"
expect_eq "OTLP example: trace id" "$(q "$S" "SELECT request_id FROM trace_info")" \
	"tr-$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["traceId"].lower())' "$FIX/otlp-proto-example-trace.json")"
expect_eq "OTLP example: resource attribute as a tag" \
	"$(q "$S" "SELECT value FROM trace_tags WHERE key = 'service.name'")" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["resourceSpans"][0]["resource"]["attributes"][0]["value"]["stringValue"])' "$FIX/otlp-proto-example-trace.json")"
run_tl import "$S" "$TOP/examples/demo-otlp.json"
expect_eq "OTLP demo trace: imported" "$rc:$out" "0:imported 1 trace, 3 spans, 0 assessments"
expect_eq "OTLP demo trace: user and session from span attributes" \
	"$(q "$S" "SELECT group_concat(value, ',') FROM (SELECT value FROM trace_request_metadata WHERE key IN ('mlflow.trace.user', 'mlflow.trace.session') ORDER BY key)")" \
	"sess-nl-0305,marketing@fernhill.dev"
# span dicts as MLflow 3 writes them (v3): base64 ids in the JSON, hex in the
# columns, the keys of a real store's spans in the same order
keys_sql="SELECT DISTINCT (SELECT group_concat(key, ',') FROM json_each(content)) FROM spans"
expect_eq "OTLP: span dict keys as in a real store" "$(q "$S" "$keys_sql")" \
	"$(q "$FIX/mlflow-3-dspy-react-agent.db" "$keys_sql")"
expect_eq "OTLP: span dict ids decode to the row's ids" "$(span_id_mismatches "$S")" 0
expect_eq "OTLP: no hex span dicts" \
	"$(q "$S" "SELECT count(*) FROM spans WHERE content LIKE '%\"otel_trace_id\"%'")" 0
expect_eq "OTLP: status as the proto enum name, the column as MLflow's" \
	"$(q "$S" "SELECT group_concat(status || '=' || json_extract(content, '$.status.code'), ',') FROM (SELECT * FROM spans ORDER BY start_time_unix_nano)")" \
	"UNSET=STATUS_CODE_UNSET,UNSET=STATUS_CODE_UNSET,OK=STATUS_CODE_OK,OK=STATUS_CODE_OK"
expect_eq "OTLP: span types (derived, else UNKNOWN)" \
	"$(q "$S" "SELECT group_concat(type || '=' || json_extract(content, '$.attributes.\"mlflow.spanType\"'), ',') FROM (SELECT * FROM spans ORDER BY start_time_unix_nano)")" \
	'UNKNOWN="UNKNOWN",UNKNOWN="UNKNOWN",UNKNOWN="UNKNOWN",CHAT_MODEL="CHAT_MODEL"'

# ---- a trace in several records (OTLP batches): one trace, every span ------------

P=$(fresh_store parts.db)
otlp_line() {
	# $1 span id, $2 parent ("" for the root), $3 name, $4 start s, $5 end s, $6 tokens
	printf '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},"scopeSpans":[{"scope":{},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"%s",%s"name":"%s","startTimeUnixNano":"%s000000000","endTimeUnixNano":"%s000000000","kind":1,"attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"%s"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":"1"}}]}]}]}]}\n' \
		"$1" "${2:+\"parentSpanId\":\"$2\",}" "$3" "$4" "$5" "$6"
}
{
	otlp_line eee19b7ec3c1b174 eee19b7ec3c1b173 first 1767225601 1767225602 10
	otlp_line eee19b7ec3c1b175 eee19b7ec3c1b173 second 1767225602 1767225603 20
	otlp_line eee19b7ec3c1b173 "" turn 1767225600 1767225605 5
	otlp_line eee19b7ec3c1b175 eee19b7ec3c1b173 second 1767225602 1767225603 20
} >"$T/batches.jsonl"
run_tl import "$P" "$T/batches.jsonl"
PT=tr-5b8efff798038103d269b633813fc60c
expect_eq "trace in parts: summary" "$rc:$out" \
	"0:imported 1 trace, 3 spans, 0 assessments; 3 later parts of traces joined; 1 duplicate span copy merged"
expect_eq "trace in parts: one trace row" "$(q "$P" "SELECT count(*) FROM trace_info WHERE request_id = '$PT'")" 1
expect_eq "trace in parts: the tree" \
	"$(q "$P" "SELECT group_concat(coalesce(parent_span_id, '-') || ':' || name, ' ') FROM (SELECT * FROM spans WHERE trace_id = '$PT' ORDER BY start_time_unix_nano)")" \
	"-:turn eee19b7ec3c1b173:first eee19b7ec3c1b173:second"
expect_eq "trace in parts: start, duration and name from the root" \
	"$(q "$P" "SELECT timestamp_ms, execution_time_ms, status, (SELECT value FROM trace_tags WHERE request_id = '$PT' AND key = 'mlflow.traceName') FROM trace_info WHERE request_id = '$PT'")" \
	"1767225600000|5000|OK|turn"
expect_eq "trace in parts: token usage added up" \
	"$(q "$P" "SELECT value FROM trace_request_metadata WHERE request_id = '$PT' AND key = 'mlflow.trace.tokenUsage'")" \
	'{"input_tokens": 35, "output_tokens": 3, "total_tokens": 38}'
expect_eq "trace in parts: span dict ids decode to the row ids" "$(span_id_mismatches "$P")" 0

# ---- several files at once, counts add up ------------------------------------------

S=$(fresh_store many.db)
run_tl import "$S" "$DEMO" "$TOP/examples/demo-otlp.json" "$FIX/otlp-proto-example-trace.json"
expect_eq "several files: summary" "$out" "imported $((ntr + 2)) traces, $((nsp + 4)) spans, $nas assessments"

# ---- malformed records ----------------------------------------------------------------

S=$(fresh_store bad.db)
{
	sed -n 1p "$DEMO"
	echo '{"info": {"trace_id": "tr-broken", '
	sed -n 2p "$DEMO"
	echo '[1, 2, 3]'
	sed -n 3p "$DEMO"
} >"$T/bad.jsonl"
run_tl import "$S" "$T/bad.jsonl"
expect_eq "malformed: exit 0 when something imported" "$rc" 0
expect_eq "malformed: summary counts skips" "$out" \
	"imported 3 traces, $(head -n 3 "$DEMO" | python3 -c 'import json,sys; print(sum(len(json.loads(l)["data"]["spans"]) for l in sys.stdin))') spans, $(head -n 3 "$DEMO" | python3 -c 'import json,sys; print(sum(len(json.loads(l)["info"]["assessments"]) for l in sys.stdin))') assessments; 2 records skipped"
expect_has "malformed: file:line:col of the first" "$err" "$T/bad.jsonl:2:36: unexpected end of text"
expect_has "malformed: file:line:col of the second" "$err" "$T/bad.jsonl:4:1: "
expect_eq "malformed: one line each" "$(printf '%s\n' "$err" | grep -c .)" 2
expect_eq "malformed: the good ones are in" "$(count "$S" trace_info)" 3

printf 'not json\n{"also": "not a trace"}\n' >"$T/allbad.jsonl"
run_tl import "$S" "$T/allbad.jsonl"
expect_eq "all malformed: exit 1" "$rc" 1
expect_has "all malformed: says nothing was imported" "$err" "tracelab: import: nothing imported"
expect_eq "all malformed: store unchanged" "$(count "$S" trace_info)" 3

: >"$T/empty.jsonl"
run_tl import "$S" "$T/empty.jsonl"
expect_eq "empty file: exit 0" "$rc:$out" "0:imported 0 traces, 0 spans, 0 assessments"

# ---- experiments -------------------------------------------------------------------------

S=$(fresh_store exp.db)
run_tl import "$S" "$T/v2.json" --experiment 7
expect_eq "--experiment ID" "$rc:$(q "$S" "SELECT experiment_id FROM trace_info")" "0:7"
run_tl import "$S" "$T/v2.json" --experiment llm-as-a-judge
expect_eq "--experiment NAME (existing)" "$(q "$S" "SELECT experiment_id FROM trace_info")" 7
run_tl import "$S" "$T/v2.json" --experiment "support bot"
new_id=$(q "$S" "SELECT experiment_id FROM experiments WHERE name = 'support bot'")
expect_eq "--experiment NAME (new) is created" "$rc:$(q "$S" "SELECT experiment_id FROM trace_info")" "0:$new_id"
expect_eq "--experiment NAME (new) is active" \
	"$(q "$S" "SELECT lifecycle_stage FROM experiments WHERE name = 'support bot'")" active
run_tl import "$S" "$T/v2.json" --experiment 999
expect_eq "--experiment missing id: exit 1" "$rc" 1
expect_has "--experiment missing id: message" "$err" "--experiment: no experiment 999"

sed 's/"experiment_id": "1"/"experiment_id": "4242"/' "$T/v2.json" >"$T/v2-unknown.json"
run_tl import "$S" "$T/v2-unknown.json"
expect_eq "unknown record experiment: exit 0" "$rc" 0
expect_has "unknown record experiment: warning" "$err" "experiment 4242 is not in the store"
expect_eq "unknown record experiment: goes to 0" "$(q "$S" "SELECT experiment_id FROM trace_info")" 0

# ---- sqlite:/// URLs ---------------------------------------------------------------------

S=$(fresh_store url.db)
run_tl import "sqlite:///$S" "$T/v2.json"
expect_eq "sqlite:/// store URL" "$rc:$(count "$S" trace_info)" "0:1"

# ---- a record full of escapes across the reader's block edges ---------------------
# A list holding one trace whose span input is 2.8 MB of escaped quotes and
# backslashes, shifted by 0..3 bytes: the reader reads in blocks, and its
# edges fall on every place inside an escape.  The text comes back whole.
for pad in 0 1 2 3; do
	python3 - "$pad" "$DEMO" >"$T/esc.json" <<'EOF'
import json, sys
pad = int(sys.argv[1])
rec = json.loads(open(sys.argv[2]).readline())
rec["data"]["spans"][0]["attributes"]["mlflow.spanInputs"] = json.dumps({"q": '"\\' * 700000, "pad": "x" * pad})
print("[\n" + json.dumps(rec, indent=1) + "\n]")
EOF
	E=$(fresh_store "esc$pad.db")
	run_tl import "$E" "$T/esc.json"
	expect_eq "escapes across block edges ($pad): exit 0" "$rc:$err" "0:"
	expect_eq "escapes across block edges ($pad): the text whole" \
		"$(q "$E" "SELECT json_extract(json_extract(content, '\$.attributes.\"mlflow.spanInputs\"'), '\$.q') = replace(printf('%.700000c', 'x'), 'x', '\"\\') FROM spans WHERE parent_span_id IS NULL")" 1
done

# ---- a trace the store refuses halfway through a batch ------------------------------
# The batch it is in is rolled back whole (no trace half written), the error
# names the trace, and the store stays sound.
S=$(fresh_store refuse.db)
second=$(sed -n 2p "$DEMO" | python3 -c 'import json,sys; print(json.load(sys.stdin)["info"]["trace_id"])')
sqlite3 "$S" "CREATE TRIGGER refuse BEFORE INSERT ON spans WHEN NEW.trace_id = '$second' AND NEW.parent_span_id IS NOT NULL BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END;"
head -n 3 "$DEMO" >"$T/three.jsonl"
run_tl import "$S" "$T/three.jsonl"
expect_eq "refused trace: exit 1" "$rc" 1
expect_has "refused trace: names the trace and the store's reason" "$err" "$T/three.jsonl: trace $second: "
expect_has "refused trace: the store's reason" "$err" "refused by a trigger"
expect_eq "refused trace: the batch rolled back whole" \
	"$(q "$S" "SELECT (SELECT count(*) FROM trace_info), (SELECT count(*) FROM spans), (SELECT count(*) FROM trace_tags), (SELECT count(*) FROM assessments)")" "0|0|0|0"
expect_eq "refused trace: integrity" "$(q "$S" "PRAGMA integrity_check")" ok
