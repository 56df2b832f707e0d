/* JSON written as MLflow's Python writes it: Assessment.to_dictionary(),
 * Trace.to_dict(), metadata merges; compared with python3 where it can. */
#include "core/model.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/emit.h"
#include "test.h"

/* Runs a python3 script on `input` (a file); returns stdout or NULL. */
static char *python(const char *script, const char *input, size_t inlen)
{
	char *in = test_path("py-in"), *sc = test_path("py.py");
	char cmd[1200];
	struct strbuf sb = STRBUF_INIT;
	FILE *f, *p;
	char buf[4096];
	size_t n;
	int ok = 0;

	f = fopen(in, "wb");
	if (f && fwrite(input, 1, inlen, f) == inlen && fclose(f) == 0) {
		f = fopen(sc, "w");
		if (f && fputs(script, f) >= 0 && fclose(f) == 0) {
			snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", sc, in);
			p = popen(cmd, "r");
			if (p) {
				while ((n = fread(buf, 1, sizeof buf, p)) > 0)
					sb_add(&sb, buf, n);
				ok = pclose(p) == 0;
			}
		}
	}
	free(in);
	free(sc);
	if (!ok) {
		sb_free(&sb);
		return NULL;
	}
	return sb_take(&sb);
}

static void fill(struct assessment *a)
{
	memset(a, 0, sizeof *a);
	a->id = xstrdup("a-3f0c6a1e9b2d4c7f8e1a2b3c4d5e6f70");
	a->trace_id = xstrdup("tr-7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60");
	a->name = xstrdup("user_satisfaction");
	a->type = xstrdup("feedback");
	a->value = xstrdup("true");
	a->created_ms = 1767269100123LL;
	a->updated_ms = 1767269100123LL;
	a->source_type = xstrdup("HUMAN");
	a->source_id = xstrdup("alice@example.com");
	a->valid = true;
}

TEST(feedback_to_dictionary)
{
	struct assessment a;
	char *s;

	fill(&a);
	a.span_id = xstrdup("9a1b2c3d4e5f6071");
	a.rationale = xstrdup("Answer was correct and concise");
	a.metadata = xstrdup("{\"channel\": \"web\", \"n\": 3, \"ok\": true}");
	a.run_id = xstrdup("0123456789abcdef0123456789abcdef");
	s = assessment_to_json(&a);
	CHECK_STR(s, "{\"assessment_id\": \"a-3f0c6a1e9b2d4c7f8e1a2b3c4d5e6f70\", "
		     "\"assessment_name\": \"user_satisfaction\", "
		     "\"trace_id\": \"tr-7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60\", "
		     "\"span_id\": \"9a1b2c3d4e5f6071\", "
		     "\"source\": {\"source_type\": \"HUMAN\", \"source_id\": \"alice@example.com\"}, "
		     "\"create_time\": \"2026-01-01T12:05:00.123Z\", "
		     "\"last_update_time\": \"2026-01-01T12:05:00.123Z\", "
		     "\"feedback\": {\"value\": true}, "
		     "\"rationale\": \"Answer was correct and concise\", "
		     "\"metadata\": {\"channel\": \"web\", \"n\": \"3\", \"ok\": \"True\"}, "
		     "\"valid\": true}");
	free(s);
	assessment_free(&a);
}

TEST(error_feedback_to_dictionary)
{
	struct assessment a;
	char *s;

	fill(&a);
	free(a.value);
	a.value = xstrdup("null");
	a.error = xstrdup("{\"error_code\": \"TIMEOUT\", \"error_message\": \"judge timed out\", "
			  "\"stack_trace\": null}");
	a.created_ms = a.updated_ms = 1767269100000LL;
	a.valid = false;
	a.overrides = NULL;
	s = assessment_to_json(&a);
	CHECK_STR(s, "{\"assessment_id\": \"a-3f0c6a1e9b2d4c7f8e1a2b3c4d5e6f70\", "
		     "\"assessment_name\": \"user_satisfaction\", "
		     "\"trace_id\": \"tr-7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60\", "
		     "\"source\": {\"source_type\": \"HUMAN\", \"source_id\": \"alice@example.com\"}, "
		     "\"create_time\": \"2026-01-01T12:05:00Z\", "
		     "\"last_update_time\": \"2026-01-01T12:05:00Z\", "
		     "\"feedback\": {\"value\": null, \"error\": {\"error_code\": \"TIMEOUT\", "
		     "\"error_message\": \"judge timed out\"}}, "
		     "\"valid\": false}");
	free(s);
	assessment_free(&a);
}

TEST(values_as_protobuf_values)
{
	struct assessment a;
	char *s;

	fill(&a);
	free(a.value);
	a.value = xstrdup("4");
	a.overrides = xstrdup("a-old");
	s = assessment_to_json(&a);
	CHECK_HAS(s, "\"feedback\": {\"value\": 4.0}");
	CHECK_HAS(s, "\"overrides\": \"a-old\", \"valid\": true}");
	free(s);

	free(a.value);
	a.value = xstrdup("{\"score\": 4, \"tags\": [\"a\", 1]}");
	s = assessment_to_json(&a);
	CHECK_HAS(s, "\"feedback\": {\"value\": {\"score\": 4.0, \"tags\": [\"a\", 1.0]}}");
	free(s);

	free(a.type);
	a.type = xstrdup("expectation");
	free(a.value);
	a.value = xstrdup("[\"a\", \"b\"]");
	s = assessment_to_json(&a);
	CHECK_HAS(s, "\"expectation\": {\"serialized_value\": {\"serialization_format\": "
		     "\"JSON_FORMAT\", \"value\": \"[\\\"a\\\", \\\"b\\\"]\"}}");
	free(s);
	free(a.value);
	a.value = xstrdup("42");
	s = assessment_to_json(&a);
	CHECK_HAS(s, "\"expectation\": {\"value\": 42.0}");
	free(s);
	free(a.value);
	a.value = xstrdup("\"caf\\u00e9\"");
	s = assessment_to_json(&a);
	CHECK_HAS(s, "\"expectation\": {\"value\": \"caf\\u00e9\"}");
	free(s);
	assessment_free(&a);
}

TEST(stack_trace_cut)
{
	struct assessment a;
	struct strbuf st = STRBUF_INIT, ej = STRBUF_INIT;
	char *s;
	int i;

	fill(&a);
	for (i = 0; i < 150; i++)
		sb_addf(&st, "line %04d\\n", i);   /* 10 characters each */
	sb_addf(&ej, "{\"error_code\": \"E\", \"stack_trace\": \"%s\"}", st.buf);
	a.error = sb_take(&ej);
	s = assessment_to_json(&a);
	CHECK_HAS(s, "\"error\": {\"error_code\": \"E\", \"stack_trace\": \"[Stack trace is truncated]\\n...\\n");
	{
		/* 1000 characters: the note, then the end of the trace.  Count the characters of the decoded stack trace with python. */
		char *py = python("import json, sys\n"
				  "d = json.loads(open(sys.argv[1]).read())\n"
				  "st = d['feedback']['error']['stack_trace']\n"
				  "print(len(st), st.endswith('line 0149\\n'))\n",
				  s, strlen(s));

		CHECK(py != NULL);
		if (py)
			CHECK_STR(py, "1000 True\n");
		free(py);
	}
	free(s);
	sb_free(&st);
	assessment_free(&a);
}

TEST(assessment_list_pretty)
{
	struct assessment_list l = { 0 };
	struct assessment a;
	char *s, *py;

	fill(&a);
	assessment_list_add(&l, &a);
	assessment_list_add(&l, &a);
	s = assessments_to_json(&l, true);
	py = python("import json, sys\n"
		    "sys.stdout.write(json.dumps(json.loads(open(sys.argv[1]).read()), indent=2))\n",
		    s, strlen(s));
	CHECK(py != NULL);
	if (py)
		CHECK_STR(s, py);
	CHECK(strncmp(s, "[\n  {\n    \"assessment_id\": ", 27) == 0);
	free(py);
	free(s);
	s = assessments_to_json(&l, false);
	CHECK(s[0] == '[' && strstr(s, "}, {\"assessment_id\""));
	free(s);
	assessment_list_free(&l);
	memset(&l, 0, sizeof l);
	s = assessments_to_json(&l, true);
	CHECK_STR(s, "[]");
	free(s);
	assessment_free(&a);
}

static const char merge_cases[] =
	"{\"a\": \"1\", \"b\": 2}\n{\"b\": \"x\", \"c\": [1, 2.50, {\"\\u00e9\": null}]}\n"
	"\n{\"k\": \"v\"}\n"
	"{\"dup\": 1, \"z\": 0, \"dup\": 2}\n{\"new\": true}\n"
	"{\"dup\": 1, \"z\": 0, \"dup\": 2}\n{\"dup\": 3}\n"
	"{\"big\": 123456789012345678901234567890, \"f\": 1e16, \"g\": 0.0001, \"h\": 1E-5}\n{}\n"
	"{\"emoji\": \"\\ud83d\\ude00 \\u2028\", \"ctl\": \"\\u0001\\u007f\"}\n{\"s\": \"caf\xc3\xa9\"}\n"
	"{\"nan\": NaN, \"inf\": -Infinity, \"neg0\": -0, \"negf\": -0.0}\n{\"mlflow.trace.session\": \"s-1\"}\n"
	"{\"nested\": {\"a\": [[], {}, [{}]]}}\n{\"nested\": {\"b\": 1}}\n";

TEST(merge_matches_python)
{
	struct strbuf mine = STRBUF_INIT;
	const char *p = merge_cases;
	char *py;

	while (*p) {
		const char *e1 = strchr(p, '\n'), *e2 = strchr(e1 + 1, '\n');
		char *old = xstrndup(p, (size_t)(e1 - p)), *patch = xstrndup(e1 + 1, (size_t)(e2 - e1 - 1));
		char *m = json_merge_objects(*old ? old : NULL, patch);

		sb_addf(&mine, "%s\n", m ? m : "(null)");
		free(m);
		free(old);
		free(patch);
		p = e2 + 1;
	}
	py = python("import json, sys\n"
		    "lines = open(sys.argv[1], encoding='utf-8').read().split('\\n')\n"
		    "for i in range(0, len(lines) - 1, 2):\n"
		    "    old = json.loads(lines[i]) if lines[i] else {}\n"
		    "    print(json.dumps({**old, **json.loads(lines[i + 1])}))\n",
		    merge_cases, strlen(merge_cases));
	CHECK(py != NULL);
	if (py)
		CHECK_STR(sb_str(&mine), py);
	free(py);
	sb_free(&mine);
}

TEST(merge_rejects_non_objects)
{
	char *s;

	CHECK_NULL(json_merge_objects("[1]", "{}"));
	CHECK_NULL(json_merge_objects("{}", "\"x\""));
	CHECK_NULL(json_merge_objects("{", "{}"));
	CHECK_NULL(json_merge_objects(NULL, NULL));
	s = json_merge_objects("", "{\"a\":1}");
	CHECK_STR(s, "{\"a\": 1}");
	free(s);
}

TEST(metadata_pairs)
{
	const char *const ok[] = { "channel=web", "eq=a=b", "empty=", "caf\xc3\xa9=\xf0\x9f\x98\x80",
				   "channel=app", NULL };
	const char *const bad[] = { "good=1", "noequals", NULL };
	const char *const nokey[] = { "=v", NULL };
	struct err err = { 0 };
	char *s, *py;

	s = metadata_from_pairs(ok, &err);
	py = python("import json, sys\n"
		    "d = {}\n"
		    "for l in open(sys.argv[1], encoding='utf-8').read().split('\\n'):\n"
		    "    k, v = l.split('=', 1)\n"
		    "    d[k] = v\n"
		    "sys.stdout.write(json.dumps(d))\n",
		    "channel=web\neq=a=b\nempty=\ncaf\xc3\xa9=\xf0\x9f\x98\x80\nchannel=app",
		    strlen("channel=web\neq=a=b\nempty=\ncaf\xc3\xa9=\xf0\x9f\x98\x80\nchannel=app"));
	CHECK(py != NULL);
	if (py)
		CHECK_STR(s, py);
	CHECK_STR(s, "{\"channel\": \"app\", \"eq\": \"a=b\", \"empty\": \"\", "
		     "\"caf\\u00e9\": \"\\ud83d\\ude00\"}");
	free(s);
	free(py);

	CHECK_NULL(metadata_from_pairs(bad, &err));
	CHECK_INT(err.code, ERR_USAGE);
	CHECK_HAS(err.msg, "'noequals'");
	CHECK_NULL(metadata_from_pairs(nokey, &err));
	CHECK_HAS(err.msg, "empty key");
	s = metadata_from_pairs(NULL, &err);
	CHECK_STR(s, "{}");
	free(s);
}

static const char v3_span[] =
	"{\"trace_id\": \"w/jM/P0c6RDXJ3pwPu3V6Q==\", \"span_id\": \"UdfwtHcD9q0=\", "
	"\"parent_span_id\": null, \"name\": \"ReAct.forward\", "
	"\"start_time_unix_nano\": 1765380539408424000, \"end_time_unix_nano\": 1765380558825466000, "
	"\"events\": [], \"status\": {\"code\": \"STATUS_CODE_OK\", \"message\": \"\"}, "
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\\\"\", "
	"\"mlflow.spanType\": \"\\\"AGENT\\\"\"}}";

TEST(trace_to_dict)
{
	struct trace t = { 0 };
	struct span s = { 0 };
	struct assessment a;
	const char *head;
	char *j, *py;

	t.first_root = SPAN_NONE;
	t.info.id = xstrdup("tr-c3f8ccfcfd1ce910d7277a703eedd5e9");
	t.info.experiment_id = 1;
	t.info.timestamp_ms = 1765380539408LL;
	t.info.duration_ms = 19417;
	t.info.status = xstrdup("OK");
	t.info.request_preview = xstrdup("{\"user_request\": \"book\"}");
	kv_list_add(&t.metadata, "mlflow.trace_schema.version", "3");
	kv_list_add(&t.tags, "mlflow.traceName", "ReAct.forward");
	fill(&a);
	assessment_list_add(&t.assessments, &a);
	assessment_free(&a);
	s.id = xstrdup("51d7f0b47703f6ad");
	s.name = xstrdup("ReAct.forward");
	s.content = xstrdup(v3_span);
	s.start_ns = 1765380539408424000LL;
	s.end_ns = 1765380558825466000LL;
	trace_add_span(&t, &s);
	s.id = xstrdup("00000000000000bb");
	s.parent_id = xstrdup("51d7f0b47703f6ad");
	s.name = xstrdup("broken");
	s.type = xstrdup("LLM");
	s.content = xstrdup("{not json");
	s.start_ns = 1765380539408424001LL;
	s.end_ns = -1;
	s.status = SPAN_ERROR;
	trace_add_span(&t, &s);

	j = trace_to_json(&t);
	CHECK(strchr(j, '\n') == NULL);
	head = "{\"info\": {\"trace_id\": \"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\", "
			 "\"trace_location\": {\"type\": \"MLFLOW_EXPERIMENT\", \"mlflow_experiment\": "
			 "{\"experiment_id\": \"1\"}}, \"request_preview\": \"{\\\"user_request\\\": \\\"book\\\"}\", "
			 "\"request_time\": \"2025-12-10T15:28:59.408Z\", \"state\": \"OK\", "
			 "\"trace_metadata\": {\"mlflow.trace_schema.version\": \"3\"}, "
			 "\"assessments\": [{\"assessment_id\"";
	CHECK(strncmp(j, head, strlen(head)) == 0);
	CHECK_HAS(j, "\"tags\": {\"mlflow.traceName\": \"ReAct.forward\"}, "
		     "\"execution_duration_ms\": 19417}, \"data\": {\"spans\": [{\"trace_id\": "
		     "\"w/jM/P0c6RDXJ3pwPu3V6Q==\"");
	CHECK_HAS(j, "{\"trace_id\": \"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\", \"span_id\": \"00000000000000bb\", "
		     "\"parent_span_id\": \"51d7f0b47703f6ad\", \"name\": \"broken\", "
		     "\"start_time_unix_nano\": 1765380539408424001, \"end_time_unix_nano\": null");
	/* Python reads it, nanosecond times stay ints, and writing it back
	 * gives the same bytes. */
	py = python("import json, sys\n"
		    "s = open(sys.argv[1]).read()\n"
		    "d = json.loads(s)\n"
		    "sp = d['data']['spans'][0]\n"
		    "print(type(sp['start_time_unix_nano']).__name__, sp['start_time_unix_nano'])\n"
		    "print(json.dumps(d) == s)\n",
		    j, strlen(j));
	CHECK(py != NULL);
	if (py)
		CHECK_STR(py, "int 1765380539408424000\nTrue\n");
	free(py);
	free(j);
	trace_free(&t);
}

TEST(proto_time)
{
	char b[40];

	emit_proto_time(b, sizeof b, 1767269100123LL);
	CHECK_STR(b, "2026-01-01T12:05:00.123Z");
	emit_proto_time(b, sizeof b, 1767269100000LL);
	CHECK_STR(b, "2026-01-01T12:05:00Z");
	emit_proto_time(b, sizeof b, 1767269100010LL);
	CHECK_STR(b, "2026-01-01T12:05:00.010Z");
}

/* Stored values rewritten as strict JSON: the same for every command. */
TEST(strict_stored_values)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "{\"a\":[1,2.5e3,true,null],\"b\":{}}", "{\"a\": [1, 2.5e3, true, null], \"b\": {}}" },
		{ "\"\xc2\x9b\xe2\x80\xae\xff\xc1\xbf\"", "\"\\u009b\\u202e\\ufffd\\ufffd\\ufffd\"" },
		/* A NUL read from the store (core/textbuf.h TB_NUL). */
		{ "\"a\xc0\x80" "b\"", "\"a\\u0000b\"" },
		{ "[NaN, Infinity, -Infinity]", "[\"NaN\", \"Infinity\", \"-Infinity\"]" },
		{ "\"a\\u0000b\\n\"", "\"a\\u0000b\\n\"" },
		{ "{\"k\\u00e9\": \"\\ud83d\\ude00\"}", "{\"k\\u00e9\": \"\\ud83d\\ude00\"}" },
	};
	struct strbuf sb = STRBUF_INIT;
	struct assessment a;
	size_t i;
	char *deep, *s;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sb_reset(&sb);
		CHECK(emit_json_value(&sb, cases[i].in, strlen(cases[i].in)));
		CHECK_STR(sb_str(&sb), cases[i].out);
	}
	sb_reset(&sb);
	sb_adds(&sb, "kept");
	CHECK(!emit_json_value(&sb, "{broken", 7));
	CHECK(!emit_json_value(&sb, "\"raw \x1b control\"", 16));
	CHECK_STR(sb_str(&sb), "kept");
	sb_free(&sb);

	/* 5,000 deep: passed through, never null; NaN as protobuf writes it. */
	deep = xmalloc(10010);
	memset(deep, '[', 5000);
	memcpy(deep + 5000, "7", 1);
	memset(deep + 5001, ']', 5000);
	deep[10001] = '\0';
	memset(&a, 0, sizeof a);
	a.id = (char *)"a-1";
	a.name = (char *)"deep";
	a.trace_id = (char *)"tr-1";
	a.type = (char *)"feedback";
	a.value = deep;
	a.metadata = (char *)"{\"k\": \"v\"}";
	a.valid = true;
	s = assessment_to_json(&a);
	CHECK(strstr(s, "\"value\": [[[[") != NULL);
	CHECK(strstr(s, "[7]]]") != NULL);
	CHECK(strstr(s, "\"metadata\": {\"k\": \"v\"}") != NULL);
	free(s);
	a.value = (char *)"NaN";
	s = assessment_to_json(&a);
	CHECK_HAS(s, "\"value\": \"NaN\"");
	free(s);
	a.value = (char *)"-Infinity";
	s = assessment_to_json(&a);
	CHECK_HAS(s, "\"value\": \"-Infinity\"");
	free(s);
	free(deep);
}

int main(void)
{
	RUN(feedback_to_dictionary);
	RUN(error_feedback_to_dictionary);
	RUN(values_as_protobuf_values);
	RUN(stack_trace_cut);
	RUN(assessment_list_pretty);
	RUN(merge_matches_python);
	RUN(merge_rejects_non_objects);
	RUN(metadata_pairs);
	RUN(trace_to_dict);
	RUN(proto_time);
	RUN(strict_stored_values);
	TEST_MAIN_END();
}
