/* Span JSON in the three MLflow dict formats, real v3 rows from a store
 * written by MLflow, and the full detail of a span. */
#include "core/model.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/span.h"
#include "test.h"

/* A real v3 span (spans.content of the DSPy fixture, span b20f811b4aed2d4d). */
static const char v3_tool[] =
	"{\"trace_id\": \"w/jM/P0c6RDXJ3pwPu3V6Q==\", \"span_id\": \"sg+BG0rtLU0=\", "
	"\"parent_span_id\": \"UdfwtHcD9q0=\", \"name\": \"Tool.get_user_info\", "
	"\"start_time_unix_nano\": 1765380550198963000, \"end_time_unix_nano\": 1765380550199797000, "
	"\"events\": [], \"status\": {\"code\": \"STATUS_CODE_OK\", \"message\": \"\"}, "
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\\\"\", "
	"\"mlflow.spanType\": \"\\\"TOOL\\\"\", \"mlflow.spanInputs\": \"{\\\"name\\\": \\\"Adam\\\"}\", "
	"\"name\": \"\\\"get_user_info\\\"\", "
	"\"description\": \"\\\"Fetch the user profile from database with given name.\\\"\", "
	"\"args\": \"{\\\"name\\\": {\\\"type\\\": \\\"string\\\"}}\", "
	"\"mlflow.spanOutputs\": \"{\\\"user_id\\\": \\\"1\\\", \\\"name\\\": \\\"Adam\\\", "
	"\\\"email\\\": \\\"adam@gmail.com\\\"}\"}}";

/* The real root span of the same trace (outputs shortened). */
static const char v3_root[] =
	"{\"trace_id\": \"w/jM/P0c6RDXJ3pwPu3V6Q==\", \"span_id\": \"UdfwtHcD9q0=\", "
	"\"parent_span_id\": null, \"name\": \"ReAct.forward\", "
	"\"start_time_unix_nano\": 1765380539408424000, \"end_time_unix_nano\": 1765380558825466000, "
	"\"events\": [], \"status\": {\"code\": \"STATUS_CODE_OK\", \"message\": \"\"}, "
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\\\"\", "
	"\"mlflow.spanType\": \"\\\"AGENT\\\"\", "
	"\"mlflow.spanInputs\": \"{\\\"user_request\\\": \\\"please help me book a flight\\\"}\", "
	"\"mlflow.chat.tokenUsage\": \"{\\\"input_tokens\\\": 12199, \\\"output_tokens\\\": 694, "
	"\\\"total_tokens\\\": 12893}\"}}";

/* Version 4 as in MLflow's data model (span dict version 4). */
static const char v4_span[] =
	"{\"trace_id\": \"tr-7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60\", \"span_id\": \"9a1b2c3d4e5f6071\", "
	"\"parent_span_id\": \"00000000000000aa\", \"name\": \"answer_question\", "
	"\"start_time_unix_nano\": 1767268800123000000, \"end_time_unix_nano\": 1767268800965000000, "
	"\"events\": [{\"name\": \"exception\", \"time_unix_nano\": 1767268800900000000, "
	"\"attributes\": {\"exception.type\": \"ValueError\", \"exception.message\": \"boom\", "
	"\"exception.stacktrace\": \"Traceback (most recent call last):\\n  File \\\"a.py\\\", line 1\\nValueError: boom\"}},"
	" {\"name\": \"retry\", \"time_unix_nano\": 1767268800950000000, \"attributes\": {\"attempt\": 2}}], "
	"\"status\": {\"code\": \"ERROR\", \"message\": \"ValueError: boom\"}, "
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60\\\"\", "
	"\"mlflow.spanType\": \"\\\"CHAIN\\\"\", \"mlflow.spanFunctionName\": \"\\\"answer_question\\\"\", "
	"\"mlflow.spanInputs\": \"{\\\"question\\\": \\\"What is MLflow?\\\"}\", "
	"\"mlflow.spanOutputs\": \"\\\"MLflow is an open source platform...\\\"\", "
	"\"plain\": \"not json at all\"}, "
	"\"otel_trace_id\": \"7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60\"}";

/* Version 2 (MLflow 2.x), ids with a 0x prefix. */
static const char v2_span[] =
	"{\"name\": \"predict\", \"context\": {\"span_id\": \"0x6a1b2c3d4e5f6071\", "
	"\"trace_id\": \"0x7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60\"}, \"parent_id\": \"0xAB\", "
	"\"start_time\": 1700000000000000000, \"end_time\": 1700000000500000000, "
	"\"status_code\": \"ERROR\", \"status_message\": \"bad input\", "
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"0123456789abcdef0123456789abcdef\\\"\", "
	"\"mlflow.spanType\": \"\\\"LLM\\\"\"}, "
	"\"events\": [{\"name\": \"exception\", \"timestamp\": 1700000000400000000, "
	"\"attributes\": {\"exception.type\": \"KeyError\", \"exception.message\": \"'x'\"}}]}";

TEST(v3_real_span)
{
	struct span s;
	struct err err = { 0 };
	char *rid = NULL;

	CHECK_INT(span_parse(v3_tool, strlen(v3_tool), &s, &rid, &err), 0);
	CHECK_STR(s.id, "b20f811b4aed2d4d");
	CHECK_STR(s.parent_id, "51d7f0b47703f6ad");
	CHECK_STR(s.name, "Tool.get_user_info");
	CHECK_STR(s.type, "TOOL");
	CHECK_INT(s.status, SPAN_OK);
	CHECK(s.start_ns == 1765380550198963000LL);
	CHECK(s.end_ns == 1765380550199797000LL);
	CHECK_STR(s.content, v3_tool);
	CHECK_STR(rid, "tr-c3f8ccfcfd1ce910d7277a703eedd5e9");
	free(rid);
	span_free(&s);

	CHECK_INT(span_parse(v3_root, strlen(v3_root), &s, NULL, &err), 0);
	CHECK_STR(s.id, "51d7f0b47703f6ad");
	CHECK_NULL(s.parent_id);
	CHECK_STR(s.type, "AGENT");
	span_free(&s);
}

TEST(v3_root_with_empty_parent)
{
	const char *json = "{\"trace_id\": \"w/jM/P0c6RDXJ3pwPu3V6Q==\", \"span_id\": \"UdfwtHcD9q0=\", "
			   "\"trace_state\": \"\", \"parent_span_id\": \"\", \"name\": \"r\", "
			   "\"start_time_unix_nano\": \"1765380539408424000\", "
			   "\"attributes\": {}, \"status\": {\"message\": \"\", \"code\": \"STATUS_CODE_UNSET\"}}";
	struct span s;
	struct err err = { 0 };

	CHECK_INT(span_parse(json, strlen(json), &s, NULL, &err), 0);
	CHECK_NULL(s.parent_id);
	CHECK(s.start_ns == 1765380539408424000LL);   /* int64 as a string, protobuf style */
	CHECK(s.end_ns < 0);
	CHECK_INT(s.status, SPAN_UNSET);
	CHECK_NULL(s.type);
	span_free(&s);
}

TEST(v4_span_parses)
{
	struct span s;
	struct err err = { 0 };
	char *rid = NULL;

	CHECK_INT(span_parse(v4_span, strlen(v4_span), &s, &rid, &err), 0);
	CHECK_STR(s.id, "9a1b2c3d4e5f6071");
	CHECK_STR(s.parent_id, "00000000000000aa");
	CHECK_STR(s.type, "CHAIN");
	CHECK_INT(s.status, SPAN_ERROR);
	CHECK(s.start_ns == 1767268800123000000LL);
	CHECK(s.end_ns == 1767268800965000000LL);
	CHECK_STR(rid, "tr-7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60");
	free(rid);
	span_free(&s);
}

TEST(v2_span_parses)
{
	struct span s;
	struct err err = { 0 };
	char *rid = NULL;

	CHECK_INT(span_parse(v2_span, strlen(v2_span), &s, &rid, &err), 0);
	CHECK_STR(s.id, "6a1b2c3d4e5f6071");
	CHECK_STR(s.parent_id, "00000000000000ab");
	CHECK_STR(s.name, "predict");
	CHECK_STR(s.type, "LLM");
	CHECK_INT(s.status, SPAN_ERROR);
	CHECK(s.end_ns == 1700000000500000000LL);
	CHECK_STR(rid, "0123456789abcdef0123456789abcdef");
	free(rid);
	span_free(&s);
}

TEST(derived_span_type)
{
	const char *json = "{\"span_id\": \"0000000000000001\", \"parent_span_id\": null, \"name\": \"x\", "
			   "\"start_time_unix_nano\": 1, \"status\": {\"code\": \"UNSET\"}, "
			   "\"attributes\": {\"gen_ai.operation.name\": \"\\\"chat\\\"\"}}";
	struct span s;
	struct err err = { 0 };

	CHECK_INT(span_parse(json, strlen(json), &s, NULL, &err), 0);
	CHECK_STR(s.type, "CHAT_MODEL");
	span_free(&s);
}

TEST(garbage_is_named)
{
	struct span s;
	struct err err = { 0 };
	const char *j;

	j = "{\"foo\": 1}";
	CHECK_INT(span_parse(j, strlen(j), &s, NULL, &err), -1);
	CHECK_HAS(err.msg, "span_id");
	CHECK_NULL(s.id);

	j = "{\"context\": {}, \"name\": \"a\"}";
	CHECK_INT(span_parse(j, strlen(j), &s, NULL, &err), -1);
	CHECK_HAS(err.msg, "context.span_id");

	j = "{\"span_id\": \"zz\", \"name\": \"a\", \"start_time_unix_nano\": 1}";
	CHECK_INT(span_parse(j, strlen(j), &s, NULL, &err), -1);
	CHECK_HAS(err.msg, "\"zz\"");

	j = "{\"span_id\": \"0000000000000001\", \"start_time_unix_nano\": 1}";
	CHECK_INT(span_parse(j, strlen(j), &s, NULL, &err), -1);
	CHECK_HAS(err.msg, "no name");

	j = "{\"span_id\": \"0000000000000001\", \"name\": \"a\"}";
	CHECK_INT(span_parse(j, strlen(j), &s, NULL, &err), -1);
	CHECK_HAS(err.msg, "start_time_unix_nano");

	j = "[1, 2]";
	CHECK_INT(span_parse(j, strlen(j), &s, NULL, &err), -1);
	CHECK_HAS(err.msg, "not an object");

	j = "{\"span_id\": \"0000000000000001\",\n \"name\" \"a\"}";
	CHECK_INT(span_parse(j, strlen(j), &s, NULL, &err), -1);
	CHECK_HAS(err.msg, "line 2, column 9");
	CHECK_INT(err.code, ERR_PARSE);

	CHECK_INT(span_parse("", 0, &s, NULL, &err), -1);
}

TEST(id_normalize)
{
	char id[17], tid[33];

	CHECK_INT(span_id_normalize("sg+BG0rtLU0=", id), 0);
	CHECK_STR(id, "b20f811b4aed2d4d");
	CHECK_INT(span_id_normalize("0xB20F811B4AED2D4D", id), 0);
	CHECK_STR(id, "b20f811b4aed2d4d");
	CHECK_INT(span_id_normalize("1", id), 0);
	CHECK_STR(id, "0000000000000001");
	CHECK_INT(span_id_normalize("not an id!", id), -1);
	/* base64 that happens to start with "0x" is still base64 */
	CHECK_INT(span_id_normalize("0x/SIG/2yYs=", id), 0);
	CHECK_STR(id, "d31fd2206ff6c98b");
	CHECK_INT(trace_id_normalize("0x/SIG/2yYsRIjNEVWZ3iA==", tid), 0);
	CHECK_STR(tid, "d31fd2206ff6c98b1122334455667788");
	CHECK_INT(span_id_normalize("0x1f", id), 0);
	CHECK_STR(id, "000000000000001f");
	CHECK_INT(trace_id_normalize("w/jM/P0c6RDXJ3pwPu3V6Q==", tid), 0);
	CHECK_STR(tid, "c3f8ccfcfd1ce910d7277a703eedd5e9");
	CHECK_INT(trace_id_normalize("5B8EFFF798038103D269B633813FC60C", tid), 0);
	CHECK_STR(tid, "5b8efff798038103d269b633813fc60c");
}

/* Hex ids to the base64 of a v3 span dict, and back. */
TEST(id_base64)
{
	char b[25], id[17], tid[33];

	CHECK_INT(span_id_base64("b20f811b4aed2d4d", b), 0);
	CHECK_STR(b, "sg+BG0rtLU0=");
	CHECK_INT(span_id_base64("0xB20F811B4AED2D4D", b), 0);
	CHECK_STR(b, "sg+BG0rtLU0=");
	CHECK_INT(span_id_base64("sg+BG0rtLU0=", b), 0);
	CHECK_STR(b, "sg+BG0rtLU0=");
	CHECK_INT(span_id_base64("ffffffffffffffff", b), 0);
	CHECK_STR(b, "//////////8=");
	CHECK_INT(span_id_normalize(b, id), 0);
	CHECK_STR(id, "ffffffffffffffff");
	CHECK_INT(span_id_base64("1", b), 0);
	CHECK_STR(b, "AAAAAAAAAAE=");
	CHECK_INT(span_id_base64("not an id!", b), -1);
	CHECK_INT(span_id_base64("c3f8ccfcfd1ce910d7277a703eedd5e9", b), -1);
	CHECK_INT(trace_id_base64("c3f8ccfcfd1ce910d7277a703eedd5e9", b), 0);
	CHECK_STR(b, "w/jM/P0c6RDXJ3pwPu3V6Q==");
	CHECK_INT(trace_id_normalize(b, tid), 0);
	CHECK_STR(tid, "c3f8ccfcfd1ce910d7277a703eedd5e9");
	CHECK_INT(trace_id_base64("00000000000000000000000000000000", b), 0);
	CHECK_STR(b, "AAAAAAAAAAAAAAAAAAAAAA==");
	CHECK_INT(trace_id_base64("0123456789abcdef0123456789abcdef01", b), -1);
}

/* Every span of the real store: the JSON (base64 ids) must agree with the
 * row columns (hex ids) MLflow wrote next to it. */
TEST(fixture_spans_match_columns)
{
	char *db = test_copy_fixture("mlflow-3-dspy-react-agent.db", "dspy.db");
	char *dir = test_path("spans");
	char cmd[2048], line[4096];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof cmd, "mkdir -p '%s' && sqlite3 -readonly '%s' \"select "
		 "writefile('%s/' || span_id || '.json', content) from spans\" >/dev/null 2>&1",
		 dir, db, dir);
	if (system(cmd) != 0) {
		printf("# sqlite3 command-line tool not available: skipped\n");
		goto out;
	}
	snprintf(cmd, sizeof cmd, "sqlite3 -readonly -separator '|' '%s' \"select span_id, "
		 "coalesce(parent_span_id, '-'), name, type, status, start_time_unix_nano, "
		 "end_time_unix_nano, trace_id from spans\"", db);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	while (p && fgets(line, sizeof line, p)) {
		char *f[8], *save = NULL, path[600], *json;
		size_t len;
		struct span s;
		struct err err = { 0 };
		char *rid = NULL;
		int i;

		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < 8; i++)
			f[i] = strtok_r(i ? NULL : line, "|", &save);
		if (!f[7])
			continue;
		snprintf(path, sizeof path, "%s/%s.json", dir, f[0]);
		json = read_file(path, &len);
		CHECK(json != NULL);
		if (!json)
			continue;
		CHECK_INT(span_parse(json, len, &s, &rid, &err), 0);
		CHECK_STR(s.id, f[0]);
		if (strcmp(f[1], "-") == 0)
			CHECK_NULL(s.parent_id);
		else
			CHECK_STR(s.parent_id, f[1]);
		CHECK_STR(s.name, f[2]);
		CHECK_STR(s.type, f[3]);
		CHECK_STR(span_status_name(s.status), f[4]);
		CHECK(s.start_ns == strtoll(f[5], NULL, 10));
		CHECK(s.end_ns == strtoll(f[6], NULL, 10));
		CHECK_STR(rid, f[7]);
		free(rid);
		span_free(&s);
		free(json);
		n++;
	}
	if (p)
		pclose(p);
	CHECK_INT(n, 30);
out:
	free(db);
	free(dir);
}

TEST(traces_json_file)
{
	struct strbuf sb = STRBUF_INIT;
	struct trace t = { 0 };
	struct err err = { 0 };

	sb_addf(&sb, "{\"spans\": [%s, %s, {\"span_id\": 5}, %s]}", v3_root, v3_tool, v4_span);
	CHECK_INT(spans_parse_traces_json(sb.buf, sb.len, &t, &err), 0);
	CHECK_INT(t.nspans, 3);
	if (t.nspans == 3) {
		CHECK_STR(t.spans[0].id, "51d7f0b47703f6ad");
		CHECK_STR(t.spans[1].parent_id, "51d7f0b47703f6ad");
		CHECK_STR(t.spans[2].id, "9a1b2c3d4e5f6071");
		/* Content is written back as MLflow writes JSON; numbers stay exact. */
		CHECK_HAS(t.spans[1].content, "\"start_time_unix_nano\": 1765380550198963000");
		CHECK_HAS(t.spans[1].content, "\"span_id\": \"sg+BG0rtLU0=\"");
	}
	CHECK_HAS(t.spans_note, "1 span could not be read");
	CHECK_HAS(t.spans_note, "span 3");
	trace_free(&t);

	CHECK_INT(spans_parse_traces_json("{\"x\": 1}", 8, &t, &err), -1);
	CHECK_HAS(err.msg, "spans");
	CHECK_INT(spans_parse_traces_json("{\"spans\": [", 11, &t, &err), -1);
	trace_free(&t);
	sb_free(&sb);
}

TEST(detail_of_real_span)
{
	struct span_detail d;
	struct err err = { 0 };

	CHECK_INT(span_detail_parse(v3_tool, &d, &err), 0);
	CHECK_INT(d.format, SPAN_FMT_V3);
	CHECK_STR(d.name, "Tool.get_user_info");
	CHECK_INT(d.nattrs, 7);
	CHECK_STR(d.inputs, "{\"name\": \"Adam\"}");
	CHECK_STR(d.outputs, "{\"user_id\": \"1\", \"name\": \"Adam\", \"email\": \"adam@gmail.com\"}");
	CHECK_STR(span_detail_attr(&d, "mlflow.spanType"), "\"TOOL\"");
	CHECK_STR(span_detail_attr(&d, "name"), "\"get_user_info\"");
	CHECK_NULL(span_detail_attr(&d, "absent"));
	CHECK_INT(d.nevents, 0);
	CHECK_NULL(d.status_message);
	CHECK(d.end_ns == 1765380550199797000LL);
	span_detail_free(&d);
}

TEST(detail_events_and_exceptions)
{
	struct span_detail d;
	struct err err = { 0 };
	const char *plain;
	size_t i;

	CHECK_INT(span_detail_parse(v4_span, &d, &err), 0);
	CHECK_INT(d.format, SPAN_FMT_V4);
	CHECK_INT(d.status, SPAN_ERROR);
	CHECK_STR(d.status_message, "ValueError: boom");
	CHECK_INT(d.nevents, 2);
	CHECK_INT(d.nexceptions, 1);
	if (d.nevents == 2) {
		CHECK(d.events[0].exception);
		CHECK_STR(d.events[0].exc_type, "ValueError");
		CHECK_STR(d.events[0].exc_message, "boom");
		CHECK_HAS(d.events[0].exc_stacktrace, "\nValueError: boom");
		CHECK(d.events[0].time_ns == 1767268800900000000LL);
		CHECK(!d.events[1].exception);
		CHECK_STR(d.events[1].attrs_json, "{\"attempt\": 2}");
	}
	CHECK_STR(d.outputs, "\"MLflow is an open source platform...\"");
	/* A stored string that is not JSON is kept as a JSON string. */
	plain = span_detail_attr(&d, "plain");
	CHECK_STR(plain, "\"not json at all\"");
	for (i = 0; i < d.nattrs; i++)
		if (strcmp(d.attrs[i].key, "plain") == 0)
			CHECK(!d.attrs[i].was_json);
	span_detail_free(&d);

	CHECK_INT(span_detail_parse(v2_span, &d, &err), 0);
	CHECK_INT(d.format, SPAN_FMT_V2);
	CHECK_STR(d.status_message, "bad input");
	CHECK_INT(d.nexceptions, 1);
	if (d.nevents == 1) {
		CHECK_STR(d.events[0].exc_type, "KeyError");
		CHECK(d.events[0].time_ns == 1700000000400000000LL);
	}
	span_detail_free(&d);
}

TEST(detail_huge_attribute)
{
	/* A 10 MB output: a JSON string inside the JSON-encoded attribute. */
	size_t big = 10 * 1024 * 1024, i;
	struct strbuf sb = STRBUF_INIT;
	struct span_detail d;
	struct err err = { 0 };

	sb_adds(&sb, "{\"span_id\": \"0000000000000001\", \"name\": \"big\", \"start_time_unix_nano\": 1, "
		     "\"attributes\": {\"mlflow.spanOutputs\": \"\\\"");
	for (i = 0; i < big / 64; i++)
		sb_adds(&sb, "0123456789abcdef0123456789abcdef0123456789abcdef012345678\\\\n9ab");
	sb_adds(&sb, "\\\"\"}}");
	CHECK_INT(span_detail_parse(sb.buf, &d, &err), 0);
	CHECK(d.outputs != NULL);
	/* Each 63-byte chunk decodes once to 62 bytes; plus the quotes. */
	CHECK(d.outputs && strlen(d.outputs) == (big / 64) * 62 + 2);
	span_detail_free(&d);
	sb_free(&sb);
}

TEST(detail_deep_nesting)
{
	struct strbuf sb = STRBUF_INIT;
	struct span_detail d;
	struct err err = { 0 };
	int i;

	/* 5000 levels inside an attribute string: the span itself is shallow. */
	sb_adds(&sb, "{\"span_id\": \"0000000000000001\", \"name\": \"deep\", \"start_time_unix_nano\": 1, "
		     "\"attributes\": {\"mlflow.spanInputs\": \"");
	for (i = 0; i < 5000; i++)
		sb_addc(&sb, '[');
	for (i = 0; i < 5000; i++)
		sb_addc(&sb, ']');
	sb_adds(&sb, "\"}}");
	CHECK_INT(span_detail_parse(sb.buf, &d, &err), 0);
	CHECK(d.inputs && strlen(d.inputs) == 10000);
	span_detail_free(&d);

	/* The span JSON itself 1001 levels deep: an error, not a crash. */
	sb_reset(&sb);
	sb_adds(&sb, "{\"span_id\": \"0000000000000001\", \"name\": \"deep\", \"start_time_unix_nano\": 1, "
		     "\"events\": [{\"name\": \"e\", \"attributes\": {\"x\": ");
	for (i = 0; i < 1001; i++)
		sb_addc(&sb, '[');
	for (i = 0; i < 1001; i++)
		sb_addc(&sb, ']');
	sb_adds(&sb, "}}]}");
	CHECK_INT(span_detail_parse(sb.buf, &d, &err), -1);
	CHECK_HAS(err.msg, "nested deeper than 1000 levels");
	{
		struct span s;

		CHECK_INT(span_parse(sb.buf, sb.len, &s, NULL, &err), -1);
		CHECK_HAS(err.msg, "nested deeper than 1000");
	}
	sb_free(&sb);
}

/* A root span as an MLflow server stores it when it receives OTLP from an
 * OTel GenAI instrumentation: no mlflow.spanInputs / mlflow.spanOutputs,
 * the conversation in gen_ai.input.messages / gen_ai.output.messages. */
static const char otlp_root[] =
	"{\"trace_id\": \"AAAAAAAAAAAAAAAAAAAAAQ==\", \"span_id\": \"AAAAAAAAAAE=\", \"parent_span_id\": \"\", "
	"\"name\": \"chat gpt-4o\", \"start_time_unix_nano\": 1772195127145361471, "
	"\"end_time_unix_nano\": 1772195128145361471, \"events\": [], \"links\": [], "
	"\"status\": {\"code\": \"STATUS_CODE_UNSET\", \"message\": \"\"}, "
	"\"attributes\": {\"gen_ai.operation.name\": \"\\\"chat\\\"\", "
	"\"gen_ai.input.messages\": \"[{\\\"role\\\": \\\"user\\\", \\\"parts\\\": [{\\\"type\\\": \\\"text\\\", \\\"content\\\": \\\"Where is my order?\\\"}]}]\", "
	"\"gen_ai.output.messages\": \"[{\\\"role\\\": \\\"assistant\\\", \\\"parts\\\": [{\\\"type\\\": \\\"text\\\", \\\"content\\\": \\\"It ships today.\\\"}]}]\"}}";

TEST(detail_otlp_genai_messages)
{
	struct span_detail d;
	struct err err = { 0 };

	CHECK_INT(span_detail_parse(otlp_root, &d, &err), 0);
	CHECK_HAS(d.inputs, "Where is my order?");
	CHECK_HAS(d.outputs, "It ships today.");
	span_detail_free(&d);
	/* mlflow.spanInputs wins where both are present. */
	CHECK_INT(span_detail_parse(v4_span, &d, &err), 0);
	CHECK_STR(d.inputs, "{\"question\": \"What is MLflow?\"}");
	span_detail_free(&d);
}

int main(void)
{
	RUN(v3_real_span);
	RUN(v3_root_with_empty_parent);
	RUN(v4_span_parses);
	RUN(v2_span_parses);
	RUN(derived_span_type);
	RUN(garbage_is_named);
	RUN(id_normalize);
	RUN(id_base64);
	RUN(fixture_spans_match_columns);
	RUN(traces_json_file);
	RUN(detail_of_real_span);
	RUN(detail_events_and_exceptions);
	RUN(detail_huge_attribute);
	RUN(detail_deep_nesting);
	RUN(detail_otlp_genai_messages);
	TEST_MAIN_END();
}
