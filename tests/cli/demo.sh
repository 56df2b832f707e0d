# tracelab demo: the store it writes holds the example traces and feedback
# promised in the README, deterministically, from data built into the binary.
. "$(dirname "$0")/../lib.sh"

D="$T/demo.db"
cd "$T" || exit 1   # the binary must not need the repository's files
run_tl demo "$D"
expect_eq "demo: exit 0" "$rc:$err" "0:"
expect_has "demo: says how to open it" "$out" "tracelab $D"

n() { q "$D" "$1"; }

expect_eq "demo: traces (JSON Lines + OTLP)" "$(n "SELECT count(*) FROM trace_info")" \
	"$(($(grep -c . "$TOP/examples/demo.jsonl") + 1))"
expect_eq "demo: summary matches the store" "$(printf '%s\n' "$out" | head -n 1)" \
	"wrote $D: $(n "SELECT count(*) FROM trace_info") traces, $(n "SELECT count(*) FROM spans") spans, $(n "SELECT count(*) FROM assessments") feedback"
expect_eq "demo: every trace has spans in the store" \
	"$(n "SELECT count(*) FROM trace_info WHERE request_id NOT IN (SELECT trace_id FROM spans)")" 0
expect_eq "demo: all in the Default experiment" \
	"$(n "SELECT DISTINCT experiment_id FROM trace_info")" 0

# the scenarios
expect_eq "demo: a RAG chain (CHAIN > RETRIEVER, CHAT_MODEL)" \
	"$(n "SELECT count(*) > 0 FROM spans r
	      JOIN spans c ON c.trace_id = r.trace_id AND c.parent_span_id = r.span_id AND c.type = 'RETRIEVER'
	      JOIN spans l ON l.trace_id = r.trace_id AND l.parent_span_id = r.span_id AND l.type = 'CHAT_MODEL'
	      WHERE r.type = 'CHAIN' AND r.parent_span_id IS NULL")" 1
expect_has "demo: retriever documents" \
	"$(n "SELECT content FROM spans WHERE type = 'RETRIEVER' LIMIT 1")" 'page_content'
expect_eq "demo: agent with a failed tool call and a retry" \
	"$(n "SELECT group_concat(status, ',') FROM (SELECT s.status FROM spans s JOIN trace_info t ON t.request_id = s.trace_id
	      WHERE s.type = 'TOOL' AND s.name = 'get_invoice' ORDER BY start_time_unix_nano)")" "ERROR,OK"
expect_has "demo: the failure carries an exception event" \
	"$(n "SELECT content FROM spans WHERE type = 'TOOL' AND status = 'ERROR'")" 'exception.stacktrace'
expect_eq "demo: multi-turn chat in one session" \
	"$(n "SELECT count(*) FROM trace_request_metadata WHERE key = 'mlflow.trace.session' AND value = 'sess-3b91c2'")" 4
expect_eq "demo: OTLP trace with its service name" \
	"$(n "SELECT value FROM trace_tags WHERE key = 'service.name'")" "newsletter-writer"
expect_eq "demo: some traces failed" \
	"$(n "SELECT count(*) > 1 FROM trace_info WHERE status = 'ERROR'")" 1
expect_eq "demo: several users" \
	"$(n "SELECT count(DISTINCT value) > 5 FROM trace_request_metadata WHERE key = 'mlflow.trace.user'")" 1
expect_eq "demo: traces over several days" \
	"$(n "SELECT count(DISTINCT timestamp_ms / 86400000) >= 3 FROM trace_info")" 1
# every span dict in the v3 form every MLflow 3 reads, as MLflow 3 writes it:
# base64 ids in the JSON, hex ids and OK/ERROR/UNSET in the columns
expect_eq "demo: no span dict without base64 ids" \
	"$(n "SELECT count(*) FROM spans WHERE content LIKE '%\"otel_trace_id\"%'
	      OR json_extract(content, '$.trace_id') NOT LIKE '%=='
	      OR length(json_extract(content, '$.trace_id')) != 24
	      OR length(json_extract(content, '$.span_id')) != 12
	      OR json_extract(content, '$.status.code') NOT LIKE 'STATUS_CODE_%'")" 0
expect_eq "demo: span dict ids decode to the row's ids" "$(span_id_mismatches "$D")" 0
expect_eq "demo: status columns" "$(n "SELECT group_concat(DISTINCT status) FROM (SELECT status FROM spans ORDER BY 1)")" \
	"ERROR,OK,UNSET"

# the feedback
expect_eq "demo: LLM judge feedback with rationales of several sentences" \
	"$(n "SELECT count(*) > 3 FROM assessments WHERE source_type = 'LLM_JUDGE' AND rationale LIKE '%. %.%'")" 1
expect_eq "demo: judge source ids" \
	"$(n "SELECT count(*) > 0 FROM assessments WHERE source_type = 'LLM_JUDGE' AND source_id = 'openai:/gpt-4o-mini'")" 1
expect_eq "demo: code feedback" "$(n "SELECT count(*) > 3 FROM assessments WHERE source_type = 'CODE'")" 1
expect_eq "demo: one judge feedback overridden by a human" \
	"$(n "SELECT a.source_type, a.valid, b.source_type, b.valid, a.name = b.name
	      FROM assessments a JOIN assessments b ON b.overrides = a.assessment_id")" \
	"LLM_JUDGE|0|HUMAN|1|1"
expect_eq "demo: only that one is invalid" "$(n "SELECT count(*) FROM assessments WHERE valid = 0")" 1
expect_eq "demo: judge feedback on a span" \
	"$(n "SELECT count(*) > 0 FROM assessments a JOIN spans s ON s.trace_id = a.trace_id AND s.span_id = a.span_id
	      WHERE a.source_type = 'LLM_JUDGE'")" 1
expect_eq "demo: values as json.dumps writes them" \
	"$(n "SELECT count(*) FROM assessments WHERE json_valid(value) = 0")" 0
expect_eq "demo: a judge that failed (feedback error)" \
	"$(n "SELECT value, json_extract(error, '$.error_code') FROM assessments WHERE error IS NOT NULL")" \
	"null|RATE_LIMIT_EXCEEDED"

# deterministic: the same store on every run, whatever the clock says
TRACELAB_NOW_MS=1 "$TL" demo "$T/again.db" >/dev/null 2>&1
for table in trace_info trace_tags trace_request_metadata spans assessments; do
	a=$(sqlite3 "$D" "SELECT * FROM $table ORDER BY 1, 2" | md5sum)
	b=$(sqlite3 "$T/again.db" "SELECT * FROM $table ORDER BY 1, 2" | md5sum)
	expect_eq "demo: deterministic $table" "$a" "$b"
done

# the schema is MLflow's, and MLflow's Python reads it back the same way
expect_eq "demo: alembic version of a real store" "$(n "SELECT version_num FROM alembic_version")" \
	"$(q "$FIX/mlflow-3-real-store.db" "SELECT version_num FROM alembic_version")"

# a second demo over the same path is refused and leaves the file alone
before=$(md5sum <"$D")
run_tl demo "$D"
expect_eq "demo over an existing store: usage error" "$rc" 2
expect_eq "demo over an existing store: untouched" "$(md5sum <"$D")" "$before"

# MLflow's URI form names the same file
run_tl demo "sqlite:///$T/uri.db"
expect_eq "demo sqlite:////abs.db" "$rc:$(q "$T/uri.db" "SELECT count(*) FROM trace_info")" \
	"0:$(n "SELECT count(*) FROM trace_info")"
