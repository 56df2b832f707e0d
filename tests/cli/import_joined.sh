# Traces whose spans come in several records, joined into one trace on
# import, then read back by MLflow's own client: a Langfuse trace exported in
# two pages (observations and scores split between them, as JSON Lines), and
# an OTLP trace in three batches.  Rows checked with SQL; get_trace and
# search_traces (a feedback. filter on the imported scores) through MLflow.
. "$(dirname "$0")/../lib.sh"

LF="$TOP/tests/fixtures/import/langfuse-export.json"
LT=tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5
OT=tr-5b8efff798038103d269b633813fc60c

# The first trace of the Langfuse fixture as two records of the same trace:
# the root and one child with two scores first, the other observations and
# the span score in the second record.
python3 - "$LF" >"$T/langfuse-pages.jsonl" <<'EOF'
import json, sys
rec = json.load(open(sys.argv[1]))[0]
obs, scores = rec["observations"], rec["trace"]["scores"]
first = dict(rec["trace"], observations=[o["id"] for o in obs[:2]], scores=scores[:2])
second = dict(rec["trace"], observations=[o["id"] for o in obs[2:]], scores=scores[2:])
print(json.dumps({"trace": first, "observations": obs[:2]}))
print(json.dumps({"trace": second, "observations": obs[2:]}))
EOF
python3 - >"$T/otlp-batches.jsonl" <<'EOF'
import json
def line(span, parent, name, start, end):
    sp = {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": span, "name": name,
          "startTimeUnixNano": "%d000000000" % start, "endTimeUnixNano": "%d000000000" % end,
          "kind": 1, "attributes": [{"key": "gen_ai.operation.name",
                                     "value": {"stringValue": "chat" if parent else "invoke_agent"}}]}
    if parent:
        sp["parentSpanId"] = parent
    print(json.dumps({"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "shop"}}]},
        "scopeSpans": [{"scope": {}, "spans": [sp]}]}]}))
line("eee19b7ec3c1b174", "eee19b7ec3c1b173", "first", 1767225601, 1767225602)
line("eee19b7ec3c1b173", None, "turn", 1767225600, 1767225605)
line("eee19b7ec3c1b175", "eee19b7ec3c1b173", "second", 1767225602, 1767225603)
EOF

# The DSPy store: real, written by MLflow 3, and one this MLflow opens.
S="$T/joined.db"
cp "$FIX/mlflow-3-dspy-react-agent.db" "$S"
chmod u+w "$S"
run_tl import "$S" "$T/langfuse-pages.jsonl" "$T/otlp-batches.jsonl" --experiment 1
expect_eq "joined: exit 0, quiet" "$rc:$err" "0:"
expect_eq "joined: summary" "$out" \
	"imported 2 traces, 8 spans, 3 assessments; 3 later parts of traces joined"
expect_eq "joined: one row per trace" \
	"$(q "$S" "SELECT request_id, count(*) FROM trace_info WHERE request_id IN ('$OT', '$LT') GROUP BY request_id ORDER BY request_id" | tr '\n' ' ')" "$OT|1 $LT|1 "
expect_eq "joined Langfuse: every observation is a span of the one trace" \
	"$(q "$S" "SELECT count(*), count(DISTINCT span_id) FROM spans WHERE trace_id = '$LT'")" "5|5"
expect_eq "joined Langfuse: the scores of both records" \
	"$(q "$S" "SELECT name || ':' || source_type || ':' || coalesce(span_id, 'trace') FROM assessments WHERE trace_id = '$LT' ORDER BY name" | tr '\n' ' ')" \
	"correctness:LLM_JUDGE:trace helpful:HUMAN:trace tool_outcome:CODE:5b3c4d5e6f708192 "
expect_eq "joined Langfuse: the root's name and time" \
	"$(q "$S" "SELECT timestamp_ms, (SELECT value FROM trace_tags WHERE request_id = '$LT' AND key = 'mlflow.traceName') FROM trace_info WHERE request_id = '$LT'")" \
	"1772460310250|weather_agent"
expect_eq "joined OTLP: the tree" \
	"$(q "$S" "SELECT group_concat(coalesce(parent_span_id, '-') || ':' || name || ':' || type, ' ') FROM (SELECT * FROM spans WHERE trace_id = '$OT' ORDER BY start_time_unix_nano)")" \
	"-:turn:AGENT eee19b7ec3c1b173:first:CHAT_MODEL eee19b7ec3c1b173:second:CHAT_MODEL"
expect_eq "joined OTLP: start and duration from the root" \
	"$(q "$S" "SELECT timestamp_ms, execution_time_ms, status FROM trace_info WHERE request_id = '$OT'")" \
	"1767225600000|5000|OK"
expect_eq "joined: span dict ids decode to the row ids" "$(span_id_mismatches "$S")" 0
expect_eq "joined: integrity" "$(q "$S" "PRAGMA integrity_check")" ok

rows=$(q "$S" "SELECT (SELECT count(*) FROM trace_info), (SELECT count(*) FROM spans), (SELECT count(*) FROM assessments)")
# Importing the same files again changes nothing: the traces are replaced,
# their feedback kept, no score written twice.
run_tl import "$S" "$T/langfuse-pages.jsonl" "$T/otlp-batches.jsonl" --experiment 1
expect_eq "joined, again: same rows" \
	"$(q "$S" "SELECT (SELECT count(*) FROM trace_info), (SELECT count(*) FROM spans), (SELECT count(*) FROM assessments)")" \
	"$rows"

if ! find_mlflow; then
	skip "MLflow reads the joined traces" "$no_mlflow"
else
	"$MLFLOW_PY" - "$S" >"$T/mlflow.out" 2>"$T/mlflow.err" <<'EOF'
import json, sys
import mlflow
mlflow.set_tracking_uri("sqlite:///" + sys.argv[1])
for tid in ("tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5", "tr-5b8efff798038103d269b633813fc60c"):
    t = mlflow.get_trace(tid)
    spans = sorted(t.data.spans, key=lambda s: s.start_time_ns)
    roots = [s.name for s in spans if s.parent_id is None]
    print("trace", tid, len(spans), len({s.span_id for s in spans}), roots,
          t.info.state.value if hasattr(t.info.state, "value") else t.info.state)
t = mlflow.get_trace("tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5")
for a in sorted(t.info.assessments, key=lambda a: a.name):
    print("assessment", a.name, json.dumps(a.value), a.source.source_type, a.rationale, a.span_id)
for f in ["feedback.correctness = '0.8'", "feedback.helpful = 'true'",
          "feedback.tool_outcome = '\"success\"'", "feedback.helpful = 'false'"]:
    got = mlflow.search_traces(locations=["1"], filter_string=f, return_type="list")
    print("search", f, sorted(x.info.trace_id for x in got))
got = mlflow.search_traces(locations=["1"], filter_string="tags.`tracelab.import.format` = 'otlp-json'",
                           return_type="list")
print("otlp", [len(x.data.spans) for x in got])
EOF
	mrc=$?
	mout=$(cat "$T/mlflow.out")
	expect_eq "MLflow: client ran" "$mrc" 0
	expect_has "MLflow: the joined Langfuse trace, every span once, one root" "$mout" \
		"trace $LT 5 5 ['weather_agent'] OK"
	expect_has "MLflow: the joined OTLP trace, every span once, one root" "$mout" \
		"trace $OT 3 3 ['turn'] OK"
	expect_has "MLflow: the first record's judge score with its rationale" "$mout" \
		"assessment correctness 0.8 LLM_JUDGE The temperature matches the tool result; the unit is missing. None"
	expect_has "MLflow: the first record's human score with its rationale" "$mout" \
		"assessment helpful true HUMAN Gave the forecast and the umbrella advice. None"
	expect_has "MLflow: the second record's span score" "$mout" \
		"assessment tool_outcome \"success\" CODE None 5b3c4d5e6f708192"
	expect_has "MLflow: feedback filter on a first-record score" "$mout" \
		"search feedback.correctness = '0.8' ['$LT']"
	expect_has "MLflow: feedback filter, boolean" "$mout" "search feedback.helpful = 'true' ['$LT']"
	expect_has "MLflow: feedback filter on the second record's score" "$mout" \
		"search feedback.tool_outcome = '\"success\"' ['$LT']"
	expect_has "MLflow: feedback filter, no match" "$mout" "search feedback.helpful = 'false' []"
	expect_has "MLflow: the OTLP trace by its origin tag, whole" "$mout" "otlp [3]"
	[ "$mrc" -eq 0 ] || sed -n '1,40p' "$T/mlflow.err"
fi

# A later batch whose first span is a copy of one written before and whose
# second is new: the copy is merged, the new one added (the merge looks
# the second up after replacing the first).
python3 - >"$T/otlp-copy.jsonl" <<'EOF'
import json
def sp(span, parent, name, start, end):
    d = {"traceId": "6c9efff798038103d269b633813fc60d", "spanId": span, "name": name,
         "startTimeUnixNano": "%d000000000" % start, "endTimeUnixNano": "%d000000000" % end}
    if parent:
        d["parentSpanId"] = parent
    return d
def line(*spans):
    print(json.dumps({"resourceSpans": [{"resource": {"attributes": []},
                                         "scopeSpans": [{"scope": {}, "spans": list(spans)}]}]}))
line(sp("aaa19b7ec3c1b173", None, "turn", 1767225600, 1767225605),
     sp("aaa19b7ec3c1b174", "aaa19b7ec3c1b173", "first", 1767225601, 1767225602))
line(sp("aaa19b7ec3c1b174", "aaa19b7ec3c1b173", "first", 1767225601, 1767225602),
     sp("aaa19b7ec3c1b175", "aaa19b7ec3c1b173", "second", 1767225602, 1767225603),
     sp("aaa19b7ec3c1b176", "aaa19b7ec3c1b173", "third", 1767225603, 1767225604))
EOF
C=$(fresh_store copy.db)
run_tl import "$C" "$T/otlp-copy.jsonl"
expect_eq "joined batch with a copy: summary" "$rc:$out" \
	"0:imported 1 trace, 4 spans, 0 assessments; 1 later part of traces joined; 1 duplicate span copy merged"
expect_eq "joined batch with a copy: every span once" \
	"$(q "$C" "SELECT group_concat(name, ' ') FROM (SELECT name FROM spans ORDER BY start_time_unix_nano)")" \
	"turn first second third"
