# tracelab import of other tools' files into a copy of a real MLflow store:
# an OpenTelemetry SDK dump (start/end copies), a Langfuse export with
# scores, a Cloud Trace v1 export; rows checked with SQL, then read back by
# MLflow's own client (get_trace, search_traces on feedback).
. "$(dirname "$0")/../lib.sh"

IMP="$TOP/tests/fixtures/import"
OTEL="$IMP/otel-sdk-dump.json"
LF="$IMP/langfuse-export.json"
GCP="$IMP/cloud-trace-export.json"
# The DSPy store: real, written by MLflow 3, and one MLflow 3.6 opens.
S="$T/formats.db"
cp "$FIX/mlflow-3-dspy-react-agent.db" "$S"
chmod u+w "$S"
before=$(q "$S" "SELECT count(*) FROM trace_info")

run_tl import "$S" "$OTEL" "$LF" "$GCP" --experiment 1
expect_eq "three formats: exit 0, quiet" "$rc:$err" "0:"
expect_eq "three formats: summary" "$out" \
	"imported 7 traces, 25 spans, 5 assessments; 5 duplicate span copies merged"
expect_eq "three formats: trace rows" "$(q "$S" "SELECT count(*) FROM trace_info")" "$((before + 7))"
expect_eq "origin tags" \
	"$(q "$S" "SELECT value, count(*) FROM trace_tags WHERE key = 'tracelab.import.format' GROUP BY value ORDER BY value" | tr '\n' ' ')" \
	"cloud-trace-v1|2 langfuse|2 otel-sdk-json|3 "
expect_eq "span ids in the dicts decode to the row ids" "$(span_id_mismatches "$S")" 0
keys_sql="SELECT DISTINCT (SELECT group_concat(key, ',') FROM json_each(content)) FROM spans"
expect_eq "span dicts have the keys of MLflow's own" "$(q "$S" "$keys_sql")" \
	"$(q "$FIX/mlflow-3-dspy-react-agent.db" "$keys_sql")"
expect_eq "OTel: start and end copies are one span" \
	"$(q "$S" "SELECT count(*) FROM spans WHERE trace_id = 'tr-4bf92f3577b34da6a3ce929d0e0e4711'")" 5
expect_eq "OTel: times to the microsecond" \
	"$(q "$S" "SELECT start_time_unix_nano, end_time_unix_nano, duration_ns FROM spans WHERE span_id = '5a00000000003333'")" \
	"1772357401490123000|1772357406500123000|5010000000"
expect_eq "OTel: tree and types" \
	"$(q "$S" "SELECT group_concat(coalesce(parent_span_id, '-') || ':' || type || ':' || status, ' ') FROM (SELECT * FROM spans WHERE trace_id = 'tr-4bf92f3577b34da6a3ce929d0e0e4711' ORDER BY start_time_unix_nano)")" \
	"-:AGENT:OK 5a00000000001111:CHAT_MODEL:UNSET 5a00000000001111:TOOL:ERROR 5a00000000001111:TOOL:OK 5a00000000001111:CHAT_MODEL:UNSET"
expect_eq "OTel: a trace not ended is in progress" \
	"$(q "$S" "SELECT status, execution_time_ms IS NULL FROM trace_info WHERE request_id = 'tr-4bf92f3577b34da6a3ce929d0e0e4722'")" "IN_PROGRESS|1"
expect_eq "span type column (what span.type = 'TOOL' filters on)" \
	"$(q "$S" "SELECT count(*) FROM spans WHERE type = 'TOOL' AND trace_id IN (SELECT request_id FROM trace_tags WHERE key = 'tracelab.import.format')")" 6
expect_eq "Langfuse: scores as assessment rows" \
	"$(q "$S" "SELECT name || '=' || value || ':' || source_type || ':' || source_id || ':' || coalesce(span_id, 'trace') FROM assessments WHERE trace_id = 'tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5' ORDER BY name" | tr '\n' ' ')" \
	'correctness=0.8:LLM_JUDGE:langfuse:eval:trace helpful=true:HUMAN:lena.s@fernhill.dev:trace tool_outcome="success":CODE:langfuse:api:5b3c4d5e6f708192 '
expect_eq "Langfuse: comment is the rationale" \
	"$(q "$S" "SELECT rationale FROM assessments WHERE name = 'user_feedback'")" "Dublin is not a residency region yet."
expect_eq "Cloud Trace: decimal span ids as hex" \
	"$(q "$S" "SELECT span_id FROM spans WHERE trace_id = 'tr-0af7651916cd43dd8448eb211c80319c' AND parent_span_id IS NULL")" b33742fec8168abe
expect_eq "integrity" "$(q "$S" "PRAGMA integrity_check")" ok

# ---- the same objects one per line; damaged and unknown files ----------------

python3 - "$OTEL" >"$T/lines.jsonl" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
for part in re.split(r"\n\n(?=\{)", text.strip()):
    print(json.dumps(json.loads(part)))
EOF
L=$(fresh_store lines.db)
run_tl import "$L" "$T/lines.jsonl"
expect_eq "OTel one object per line" "$rc:$out" \
	"0:imported 3 traces, 10 spans, 0 assessments; 5 duplicate span copies merged"

head -c 15000 "$OTEL" >"$T/cut.json"
D=$(fresh_store cut.db)
run_tl import "$D" "$T/cut.json"
where=$(python3 -c 'import sys; t=open(sys.argv[1]).read(); print("%d:%d" % (t.count("\n") + 1, len(t) - t.rfind("\n")))' "$T/cut.json")
expect_eq "damaged file: exit 1" "$rc" 1
expect_has "damaged file: where it stops" "$err" "$T/cut.json:$where: the file ends inside the record that starts at "
expect_has "damaged file: what came before is imported" "$out" "imported 2 traces"
expect_eq "damaged file: rows of the complete trace" \
	"$(q "$D" "SELECT count(*) FROM spans WHERE trace_id = 'tr-4bf92f3577b34da6a3ce929d0e0e4711'")" 5
expect_eq "damaged file: two lines on stderr" "$(printf '%s\n' "$err" | grep -c .)" 2
expect_eq "damaged file: no record counted as skipped" "$(printf '%s' "$out" | grep -c skipped)" 0

# Every format cut in its second trace: the first is in, the place of the cut
# is named (path:line:col of the end of the text), nothing counts as skipped.
# cut_at FILE TEXT N: FILE's bytes up to the Nth occurrence of TEXT and 40 more.
cut_at() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
i = -1
for _ in range(int(sys.argv[3])):
    i = data.index(sys.argv[2].encode(), i + 1)
sys.stdout.buffer.write(data[:i + 40])
EOF
}
end_of() { python3 -c 'import sys; t=open(sys.argv[1]).read(); print("%d:%d" % (t.count("\n") + 1, len(t) - t.rfind("\n")))' "$1"; }
cut_case() {  # NAME FILE MARK N TRACES SPANS [ASSESSMENTS]: cut 40 bytes after MARK's Nth
	cut_at "$2" "$3" "$4" >"$T/cut-$1"
	C=$(fresh_store "cut-$1.db")
	run_tl import "$C" "$T/cut-$1" --experiment 1
	expect_eq "cut $1: exit 1, the first trace in" "$rc:$out" "1:imported $5 trace, $6 span$([ "$6" = 1 ] || echo s), ${7:-0} assessments"
	expect_has "cut $1: where the text ends" "$err" "$T/cut-$1:$(end_of "$T/cut-$1"): the file ends inside the record"
	expect_has "cut $1: what came before is imported" "$err" \
		"tracelab: import: $T/cut-$1 could not be read to its end (see above): what comes before that point was imported"
	expect_eq "cut $1: rows" "$(q "$C" "SELECT count(*) FROM trace_info")|$(q "$C" "SELECT count(*) FROM spans")" "$5|$6"
	expect_eq "cut $1: integrity" "$(q "$C" "PRAGMA integrity_check")" ok
}
head -n 3 "$TOP/examples/demo.jsonl" >"$T/demo3.jsonl"
cut_case mlflow.jsonl "$T/demo3.jsonl" '{"info": ' 2 1 \
	"$(head -n 1 "$T/demo3.jsonl" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["spans"]))')" \
	"$(head -n 1 "$T/demo3.jsonl" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["info"]["assessments"]))')"
cut_case langfuse.json "$LF" '"name": "qa"' 1 1 5 3
cut_case cloud-trace.json "$GCP" '"projectId"' 2 1 4
# OTLP/JSON as JSON Lines: a second batch of another trace, cut.
python3 - "$FIX/otlp-proto-example-trace.json" >"$T/otlp2.jsonl" <<'EOF'
import json, sys
rec = json.load(open(sys.argv[1]))
print(json.dumps(rec))
for rs in rec["resourceSpans"]:
    for ss in rs["scopeSpans"]:
        for sp in ss["spans"]:
            sp["traceId"] = "5b8efff798038103d269b633813fc60d"
print(json.dumps(rec))
EOF
cut_case otlp.jsonl "$T/otlp2.jsonl" '"resourceSpans"' 2 1 1
# A bad line inside JSON Lines is a skipped record, not a damage.
{ sed -n 1p "$T/demo3.jsonl"; echo '{"info": {"trace_id": '; sed -n 2p "$T/demo3.jsonl"; } >"$T/midbad.jsonl"
M=$(fresh_store midbad.db)
run_tl import "$M" "$T/midbad.jsonl"
expect_eq "JSON Lines, a bad line inside: exit 0, counted as skipped" "$rc:$(printf '%s' "$out" | grep -c '; 1 record skipped$')" "0:1"
expect_has "JSON Lines, a bad line inside: its place" "$err" "$T/midbad.jsonl:2:"

python3 -c 'import json; [print(json.dumps({"span": i, "attributes": {}})) for i in range(5000)]' >"$T/other.jsonl"
U=$(fresh_store unknown.db)
run_tl import "$U" "$T/other.jsonl"
expect_eq "unknown format: exit 1" "$rc" 1
expect_eq "unknown format: one line, not one per record" "$(printf '%s\n' "$err" | grep -c 'not a trace')" 1
expect_has "unknown format: names the keys" "$err" "$T/other.jsonl:1:1: not a trace file: no known format"

gzip -c "$LF" >"$T/langfuse.json.gz"
run_tl import "$U" "$T/langfuse.json.gz"
expect_eq "compressed file: exit 1, one line naming it" "$rc:$(printf '%s\n' "$err" | head -n 1)" \
	"1:$T/langfuse.json.gz:1:1: gzip-compressed: decompress it first (zcat FILE > FILE.json)"
run_tl import "$U" "$S"
expect_has "an SQLite file: says so" "$err" "$S:1:1: an SQLite database, not a trace file"
expect_eq "unknown and compressed files: store unchanged" "$(q "$U" "SELECT count(*) FROM trace_info")" 0

# ---- MLflow's own client reads it all back ------------------------------------

if ! find_mlflow; then
	skip "MLflow reads the imported traces" "$no_mlflow"
else
	cp "$S" "$T/mlflow.db"
	"$MLFLOW_PY" - "$T/mlflow.db" "$T" >"$T/mlflow.out" 2>"$T/mlflow.err" <<'EOF'
import json, sqlite3, sys
db, tmp = sys.argv[1], sys.argv[2]
ids = [r[0] for r in sqlite3.connect(db).execute(
    "SELECT request_id FROM trace_info WHERE request_id IN (SELECT request_id FROM trace_tags"
    " WHERE key = 'tracelab.import.format') ORDER BY request_id")]
want = {}
for tid, n, names in sqlite3.connect(db).execute(
        "SELECT trace_id, count(*), group_concat(name, '|') FROM"
        " (SELECT * FROM spans ORDER BY start_time_unix_nano) GROUP BY trace_id"):
    want[tid] = (n, names)
import mlflow
mlflow.set_tracking_uri("sqlite:///" + db)
ok = 0
for tid in ids:
    t = mlflow.get_trace(tid)
    spans = sorted(t.data.spans, key=lambda s: s.start_time_ns)
    assert len(spans) == want[tid][0], (tid, len(spans), want[tid])
    assert "|".join(s.name for s in spans) == want[tid][1], tid
    for s in spans:
        assert s.trace_id == tid and s.span_type, (tid, s.span_id)
        assert s.start_time_ns > 0
    ok += 1
print("traces", ok)
t = mlflow.get_trace("tr-4bf92f3577b34da6a3ce929d0e0e4711")
by = {s.span_id: s for s in t.data.spans}
tool = by["5a00000000003333"]
print("tool", tool.span_type, tool.status.status_code.value, tool.inputs, len(tool.events))
chat = by["5a00000000002222"]
print("chat", chat.span_type, chat.get_attribute("mlflow.chat.tokenUsage"))
print("times", tool.start_time_ns, tool.end_time_ns)
t = mlflow.get_trace("tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5")
for a in sorted(t.info.assessments, key=lambda a: a.name):
    print("assessment", a.name, json.dumps(a.value), a.source.source_type, a.source.source_id,
          a.rationale, a.span_id)
for f in ["feedback.helpful = 'true'", "feedback.correctness = '0.8'",
          "feedback.tool_outcome = '\"success\"'", "feedback.user_feedback = 'false'",
          "feedback.hallucination = '0.7'"]:
    got = mlflow.search_traces(locations=["1"], filter_string=f, return_type="list")
    print("search", f, sorted(x.info.trace_id for x in got))
got = mlflow.search_traces(locations=["1"], filter_string="tags.`tracelab.import.format` = 'cloud-trace-v1'",
                           return_type="list")
print("tag search", len(got))
EOF
	mrc=$?
	mout=$(cat "$T/mlflow.out")
	expect_eq "MLflow: client ran" "$mrc:$(tail -n 3 "$T/mlflow.err" | grep -c Error)" "0:0"
	expect_has "MLflow: get_trace of every imported trace, spans and names as stored" "$mout" "traces 7"
	expect_has "MLflow: span type, status, inputs and events" "$mout" \
		"tool TOOL ERROR {'month': '2026-02'} 1"
	expect_has "MLflow: token usage" "$mout" \
		"chat CHAT_MODEL {'input_tokens': 412, 'output_tokens': 38, 'total_tokens': 450}"
	expect_has "MLflow: times" "$mout" "times 1772357401490123000 1772357406500123000"
	expect_has "MLflow: human score with its rationale" "$mout" \
		"assessment helpful true HUMAN lena.s@fernhill.dev Gave the forecast and the umbrella advice. None"
	expect_has "MLflow: judge score" "$mout" \
		"assessment correctness 0.8 LLM_JUDGE langfuse:eval The temperature matches the tool result; the unit is missing. None"
	expect_has "MLflow: score on a span" "$mout" \
		"assessment tool_outcome \"success\" CODE langfuse:api None 5b3c4d5e6f708192"
	expect_has "MLflow: feedback filter, boolean" "$mout" \
		"search feedback.helpful = 'true' ['tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5']"
	expect_has "MLflow: feedback filter, number" "$mout" \
		"search feedback.correctness = '0.8' ['tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5']"
	expect_has "MLflow: feedback filter, category" "$mout" \
		"search feedback.tool_outcome = '\"success\"' ['tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5']"
	expect_has "MLflow: feedback filter, false" "$mout" \
		"search feedback.user_feedback = 'false' ['tr-2c7f759120d04c0493cfb9ede033cdfa']"
	expect_has "MLflow: feedback filter, span score" "$mout" \
		"search feedback.hallucination = '0.7' ['tr-2c7f759120d04c0493cfb9ede033cdfa']"
	expect_has "MLflow: origin tag filter" "$mout" "tag search 2"
	[ "$mrc" -eq 0 ] || sed -n '1,40p' "$T/mlflow.err"
fi

# ---- a big dump on a terminal shows its progress --------------------------------
if command -v script >/dev/null 2>&1; then
	python3 "$TOP/tests/bench/gen_otel_dump.py" 2 "$T/dump.json" >"$T/dump.txt"
	B=$(fresh_store big.db)
	script -qec "'$TL' import '$B' '$T/dump.json' --experiment 1" /dev/null >"$T/tty.out" 2>&1
	tr '\r' '\n' <"$T/tty.out" >"$T/tty.txt"
	expect_has "dump on a terminal: a progress bar by bytes read" "$(cat "$T/tty.txt")" "dump.json  ["
	n=$(grep -c '%  [0-9,]* traces' "$T/tty.txt")
	if [ "$n" -ge 1 ]; then ok "dump on a terminal: traces counted as they go ($n lines)"
	else not_ok "dump on a terminal: traces counted as they go" "$(head -c 300 "$T/tty.txt")"; fi
	expect_has "dump on a terminal: the summary after it" "$(cat "$T/tty.txt")" \
		"imported $(cut -d' ' -f1 "$T/dump.txt") traces, $(cut -d' ' -f2 "$T/dump.txt" | python3 -c 'import sys; print(format(int(sys.stdin.read()), ","))') spans"
	expect_eq "dump on a terminal: every span in the store" "$(q "$B" "SELECT count(*) FROM spans")" "$(cut -d' ' -f2 "$T/dump.txt")"
else
	skip "dump on a terminal shows its progress" "no script(1) for a terminal"
fi
