/* Reading traces from MLflow trace JSON (V3 and V2 info, arrays, JSON
 * Lines), traces.json and OTLP/JSON files. */
#include <sqlite3.h>

#include "core/model.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/emit.h"
#include "json/import.h"
#include "json/jtree.h"
#include "json/span.h"
#include "test.h"

static char *write_tmp(const char *name, const char *text)
{
	char *p = test_path(name);
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(text, 1, strlen(text), f) != strlen(text) || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", p);
		exit(1);
	}
	return p;
}

/* Every trace of a file (n = their count); errors are collected joined by
 * '\n' in *errors (caller frees). */
static struct trace *read_all(const char *path, size_t *n, char **errors)
{
	struct import_reader *r = NULL;
	struct err err = { 0 };
	struct strbuf eb = STRBUF_INIT;
	struct trace *v = NULL;
	size_t cap = 0;
	int rc;

	*n = 0;
	if (import_open(path, &r, &err) < 0) {
		sb_addf(&eb, "%s\n", err.msg);
		*errors = sb_take(&eb);
		return NULL;
	}
	for (;;) {
		GROW(v, cap, *n + 1);
		rc = import_next(r, &v[*n], &err);
		if (rc == 0)
			break;
		if (rc < 0)
			sb_addf(&eb, "%s\n", err.msg);
		else
			(*n)++;
	}
	import_close(r);
	*errors = sb_take(&eb);
	return v;
}

static void free_all(struct trace *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		trace_free(&v[i]);
	free(v);
}

static const struct assessment *find_assessment(const struct trace *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->assessments.n; i++)
		if (str_eq(t->assessments.v[i].name, name))
			return &t->assessments.v[i];
	return NULL;
}

/* The top-level keys of a JSON object text, in order, joined by ','. */
static char *keys_of(const char *json)
{
	struct err err = { 0 };
	struct strbuf sb = STRBUF_INIT;
	cJSON *o = jt_parse(json, strlen(json), &err);
	const cJSON *c;

	for (c = o ? o->child : NULL; c; c = c->next)
		sb_addf(&sb, "%s%s", c == o->child ? "" : ",", c->string);
	cJSON_Delete(o);
	return sb_take(&sb);
}

/* The keys of a span dict that MLflow 3 itself wrote into a real store
 * (the first child span and the root span; NULL when the store cannot be
 * read). */
static void real_span_keys(char **child, char **root)
{
	char *db = test_copy_fixture("mlflow-3-dspy-react-agent.db", "dspy-keys.db");
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;

	*child = *root = NULL;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT parent_span_id IS NULL, content FROM spans "
			       "ORDER BY start_time_unix_nano", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW && (!*child || !*root)) {
			char **to = sqlite3_column_int(st, 0) ? root : child;

			if (!*to)
				*to = keys_of((const char *)sqlite3_column_text(st, 1));
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	free(db);
}

TEST(otlp_fixture)
{
	char *path = test_copy_fixture("otlp-proto-example-trace.json", "otlp.json");
	char *errors;
	size_t n;
	struct trace *v = read_all(path, &n, &errors);
	struct span_detail d;
	struct err err = { 0 };

	CHECK_STR(errors, "");
	CHECK_INT(n, 1);
	if (n == 1) {
		struct trace *t = &v[0];
		struct span *s = &t->spans[0];

		CHECK_STR(t->info.id, "tr-5b8efff798038103d269b633813fc60c");
		CHECK_INT(t->nspans, 1);
		CHECK_STR(s->id, "eee19b7ec3c1b174");
		CHECK_STR(s->parent_id, "eee19b7ec3c1b173");
		CHECK(s->flags & SPAN_F_ORPHAN);        /* the parent is not in the trace */
		CHECK_INT(t->first_root, 0);
		CHECK_STR(s->name, "I'm a server span");
		CHECK_INT(s->status, SPAN_UNSET);
		CHECK(s->start_ns == 1544712660000000000LL);
		CHECK(s->end_ns == 1544712661000000000LL);
		CHECK_STR(kv_list_get(&t->tags, "service.name"), "my.service");
		CHECK_STR(kv_list_get(&t->tags, "mlflow.traceName"), "I'm a server span");
		CHECK_STR(kv_list_get(&t->metadata, "mlflow.trace_schema.version"), "3");
		CHECK_STR(t->info.name, "I'm a server span");
		CHECK(t->info.timestamp_ms == 1544712660000LL);
		CHECK_INT(t->info.duration_ms, 1000);
		CHECK_STR(t->info.status, "OK");
		CHECK_INT(t->info.experiment_id, 0);
		/* The content is an MLflow span dict in the v3 form MLflow 3 writes
		 * and reads: the ids in base64 of their bytes. */
		CHECK_HAS(s->content, "{\"trace_id\": \"W47/95gDgQPSabYzgT/GDA==\", "
			  "\"span_id\": \"7uGbfsPBsXQ=\", \"parent_span_id\": \"7uGbfsPBsXM=\", "
			  "\"name\": \"I'm a server span\", \"start_time_unix_nano\": 1544712660000000000, "
			  "\"end_time_unix_nano\": 1544712661000000000, \"events\": [], "
			  "\"status\": {\"code\": \"STATUS_CODE_UNSET\", \"message\": \"\"}, "
			  "\"attributes\": {\"mlflow.traceRequestId\": "
			  "\"\\\"tr-5b8efff798038103d269b633813fc60c\\\"\", "
			  "\"mlflow.spanType\": \"\\\"UNKNOWN\\\"\", ");
		CHECK(!strstr(s->content, "otel_trace_id"));
		CHECK_INT(span_detail_parse(s->content, &d, &err), 0);
		CHECK_INT(d.format, SPAN_FMT_V3);
		CHECK_STR(span_detail_attr(&d, "my.span.attr"), "\"some value\"");
		CHECK_STR(span_detail_attr(&d, "mlflow.traceRequestId"),
			  "\"tr-5b8efff798038103d269b633813fc60c\"");
		span_detail_free(&d);
	}
	free_all(v, n);
	free(errors);
	free(path);
}

/* The v3 content of an OTLP span: its base64 ids are the OTLP hex ids, its
 * keys are those of the span dicts MLflow 3 wrote into a real store, and
 * reading it back gives the hex ids again. */
TEST(otlp_content_is_v3)
{
	char *path = test_copy_fixture("otlp-proto-example-trace.json", "otlp-v3.json");
	char *errors, *want_child, *want_root, *keys, *rid = NULL;
	size_t n;
	struct trace *v = read_all(path, &n, &errors);
	struct err err = { 0 };
	struct span back;
	char hex[33];
	cJSON *o;

	real_span_keys(&want_child, &want_root);
	CHECK(want_child != NULL);
	CHECK_STR(want_child, want_root);   /* a root has the same keys */
	CHECK_STR(errors, "");
	CHECK_INT(n, 1);
	if (n == 1 && v[0].nspans == 1) {
		const char *content = v[0].spans[0].content;

		keys = keys_of(content);
		CHECK_STR(keys, want_child);
		free(keys);

		o = jt_parse(content, strlen(content), &err);
		CHECK(o != NULL);
		/* each id decodes to the OTLP one (upper-case hex in the file) */
		CHECK_INT(trace_id_normalize(jt_str(o, "trace_id"), hex), 0);
		CHECK_STR(hex, "5b8efff798038103d269b633813fc60c");
		CHECK_INT(strlen(jt_str(o, "trace_id")), 24);
		CHECK_INT(span_id_normalize(jt_str(o, "span_id"), hex), 0);
		CHECK_STR(hex, "eee19b7ec3c1b174");
		CHECK_INT(strlen(jt_str(o, "span_id")), 12);
		CHECK_INT(span_id_normalize(jt_str(o, "parent_span_id"), hex), 0);
		CHECK_STR(hex, "eee19b7ec3c1b173");
		CHECK_STR(jt_str(jt_get(o, "status"), "code"), "STATUS_CODE_UNSET");
		CHECK_STR(jt_str(jt_get(o, "status"), "message"), "");
		CHECK(jt_get(o, "otel_trace_id") == NULL);
		/* ns times are exact integers */
		CHECK_STR(jt_get(o, "start_time_unix_nano")->valuestring, "1544712660000000000");
		CHECK_STR(jt_get(o, "end_time_unix_nano")->valuestring, "1544712661000000000");
		cJSON_Delete(o);

		/* read back: hex ids, as the spans table columns hold them */
		CHECK_INT(span_parse(content, strlen(content), &back, &rid, &err), 0);
		CHECK_STR(back.id, "eee19b7ec3c1b174");
		CHECK_STR(back.parent_id, "eee19b7ec3c1b173");
		CHECK_STR(back.type, "UNKNOWN");
		CHECK_INT(back.status, SPAN_UNSET);
		CHECK_STR(rid, "tr-5b8efff798038103d269b633813fc60c");
		CHECK(back.start_ns == 1544712660000000000LL);
		span_free(&back);
		free(rid);
	}
	free(want_child);
	free(want_root);
	free_all(v, n);
	free(errors);
	free(path);
}

TEST(otlp_rich)
{
	const char *j =
		"{\"resourceSpans\": [{\"resource\": {\"attributes\": [{\"key\": \"service.name\", "
		"\"value\": {\"stringValue\": \"search-app\"}}, {\"key\": \"k8s.pod\", \"value\": {\"intValue\": \"7\"}}]}, "
		"\"scopeSpans\": [{\"spans\": ["
		"{\"traceId\": \"0af7651916cd43dd8448eb211c80319c\", \"spanId\": \"b7ad6b7169203331\", "
		"\"name\": \"root\", \"startTimeUnixNano\": \"1700000000000000000\", \"endTimeUnixNano\": \"1700000002000000000\", "
		"\"status\": {\"code\": 2, \"message\": \"failed\"}, "
		"\"attributes\": [{\"key\": \"user.id\", \"value\": {\"stringValue\": \"u-1\"}}, "
		"{\"key\": \"session.id\", \"value\": {\"stringValue\": \"s-9\"}}, "
		"{\"key\": \"mlflow.spanInputs\", \"value\": {\"stringValue\": \"{\\\"q\\\": 1}\"}}, "
		"{\"key\": \"n\", \"value\": {\"intValue\": \"42\"}}, "
		"{\"key\": \"ok\", \"value\": {\"boolValue\": true}}, "
		"{\"key\": \"list\", \"value\": {\"arrayValue\": {\"values\": [{\"stringValue\": \"a\"}, {\"doubleValue\": 1.5}]}}}, "
		"{\"key\": \"map\", \"value\": {\"kvlistValue\": {\"values\": [{\"key\": \"x\", \"value\": {\"stringValue\": \"y\"}}]}}}], "
		"\"events\": [{\"timeUnixNano\": \"1700000001000000000\", \"name\": \"exception\", "
		"\"attributes\": [{\"key\": \"exception.type\", \"value\": {\"stringValue\": \"ValueError\"}}]}]}, "
		"{\"traceId\": \"0af7651916cd43dd8448eb211c80319c\", \"spanId\": \"00f067aa0ba902b7\", "
		"\"parentSpanId\": \"b7ad6b7169203331\", \"name\": \"child\", \"startTimeUnixNano\": 1700000000500000000, "
		"\"endTimeUnixNano\": 1700000001500000000, \"status\": {\"code\": \"STATUS_CODE_OK\"}}, "
		"{\"traceId\": \"11111111111111111111111111111111\", \"spanId\": \"2222222222222222\", "
		"\"name\": \"other\", \"startTimeUnixNano\": 5, \"endTimeUnixNano\": 6}]}]}]}";
	struct import_reader *r;
	struct err err = { 0 };
	struct trace t;
	struct span_detail d;

	CHECK_INT(import_open_text(j, strlen(j), "rich.json", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), 1);
	CHECK_STR(t.info.id, "tr-0af7651916cd43dd8448eb211c80319c");
	CHECK_INT(t.nspans, 2);
	CHECK_STR(t.info.status, "ERROR");
	CHECK_INT(t.info.duration_ms, 2000);
	CHECK_STR(kv_list_get(&t.tags, "service.name"), "search-app");
	CHECK_STR(kv_list_get(&t.tags, "k8s.pod"), "7");
	CHECK_STR(kv_list_get(&t.metadata, "mlflow.trace.user"), "u-1");
	CHECK_STR(kv_list_get(&t.metadata, "mlflow.trace.session"), "s-9");
	CHECK_STR(t.info.user, "u-1");
	CHECK_STR(t.info.request_preview, "{\"q\": 1}");
	if (t.nspans == 2) {
		CHECK_STR(t.spans[0].name, "root");
		CHECK_STR(t.spans[1].parent_id, "b7ad6b7169203331");
		CHECK_INT(t.spans[1].status, SPAN_OK);
		/* v3: a root's parent is null; status codes as proto enum names;
		 * events as MLflow writes them; a child without events has [] */
		CHECK_HAS(t.spans[0].content, "\"span_id\": \"t61rcWkgMzE=\", \"parent_span_id\": null, ");
		CHECK_HAS(t.spans[0].content, "\"events\": [{\"name\": \"exception\", "
			  "\"time_unix_nano\": 1700000001000000000, "
			  "\"attributes\": {\"exception.type\": \"ValueError\"}}], "
			  "\"status\": {\"code\": \"STATUS_CODE_ERROR\", \"message\": \"failed\"}, ");
		CHECK_HAS(t.spans[1].content, "\"parent_span_id\": \"t61rcWkgMzE=\", ");
		CHECK_HAS(t.spans[1].content, "\"events\": [], \"status\": {\"code\": \"STATUS_CODE_OK\", ");
		CHECK_STR(t.spans[0].type, "UNKNOWN");
		CHECK_INT(span_detail_parse(t.spans[0].content, &d, &err), 0);
		CHECK_STR(span_detail_attr(&d, "mlflow.spanInputs"), "{\"q\": 1}");
		CHECK_STR(span_detail_attr(&d, "n"), "42");
		CHECK_STR(span_detail_attr(&d, "ok"), "true");
		CHECK_STR(span_detail_attr(&d, "list"), "[\"a\", 1.5]");
		CHECK_STR(span_detail_attr(&d, "map"), "{\"x\": \"y\"}");
		CHECK_STR(d.status_message, "failed");
		CHECK_INT(d.nexceptions, 1);
		if (d.nevents == 1)
			CHECK_STR(d.events[0].exc_type, "ValueError");
		span_detail_free(&d);
	}
	trace_free(&t);
	CHECK_INT(import_next(r, &t, &err), 1);
	CHECK_STR(t.info.id, "tr-11111111111111111111111111111111");
	CHECK_STR(kv_list_get(&t.tags, "service.name"), "search-app");
	trace_free(&t);
	CHECK_INT(import_next(r, &t, &err), 0);
	CHECK_INT(import_stats(r)->records, 1);
	CHECK_INT(import_stats(r)->traces, 2);
	CHECK_INT(import_stats(r)->spans, 3);
	import_close(r);
}

/* Two real v3 spans of the DSPy fixture (content as MLflow stored it). */
#define V3_ROOT \
	"{\"trace_id\": \"w/jM/P0c6RDXJ3pwPu3V6Q==\", \"span_id\": \"UdfwtHcD9q0=\", " \
	"\"parent_span_id\": null, \"name\": \"ReAct.forward\", " \
	"\"start_time_unix_nano\": 1765380539408424000, \"end_time_unix_nano\": 1765380558825466000, " \
	"\"events\": [], \"status\": {\"code\": \"STATUS_CODE_OK\", \"message\": \"\"}, " \
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\\\"\", " \
	"\"mlflow.spanType\": \"\\\"AGENT\\\"\", " \
	"\"mlflow.spanInputs\": \"{\\\"user_request\\\": \\\"book a flight\\\"}\", " \
	"\"mlflow.spanOutputs\": \"{\\\"answer\\\": \\\"done\\\"}\"}}"
#define V3_TOOL \
	"{\"trace_id\": \"w/jM/P0c6RDXJ3pwPu3V6Q==\", \"span_id\": \"sg+BG0rtLU0=\", " \
	"\"parent_span_id\": \"UdfwtHcD9q0=\", \"name\": \"Tool.get_user_info\", " \
	"\"start_time_unix_nano\": 1765380550198963000, \"end_time_unix_nano\": 1765380550199797000, " \
	"\"events\": [], \"status\": {\"code\": \"STATUS_CODE_OK\", \"message\": \"\"}, " \
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\\\"\", " \
	"\"mlflow.spanType\": \"\\\"TOOL\\\"\", \"mlflow.spanInputs\": \"{\\\"name\\\": \\\"Adam\\\"}\"}}"

static const char v3_trace[] =
	"{\"info\": {\"trace_id\": \"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\", \"client_request_id\": \"req-1\", "
	"\"trace_location\": {\"type\": \"MLFLOW_EXPERIMENT\", \"mlflow_experiment\": {\"experiment_id\": \"12\"}}, "
	"\"request_preview\": \"given request\", "
	"\"request_time\": \"2026-01-01T12:00:00.123Z\", \"execution_duration_ms\": 842, \"state\": \"OK\", "
	"\"trace_metadata\": {\"mlflow.trace_schema.version\": \"3\", \"mlflow.trace.user\": \"alice\", "
	"\"mlflow.trace.session\": \"session-42\"}, "
	"\"tags\": {\"mlflow.traceName\": \"answer_question\", \"team\": \"search\"}, "
	"\"assessments\": ["
	"{\"assessment_id\": \"a-1\", \"assessment_name\": \"user_satisfaction\", "
	"\"trace_id\": \"tr-c3f8ccfcfd1ce910d7277a703eedd5e9\", \"span_id\": \"51d7f0b47703f6ad\", "
	"\"source\": {\"source_type\": \"HUMAN\", \"source_id\": \"alice@example.com\"}, "
	"\"create_time\": \"2026-01-01T12:05:00.123Z\", \"last_update_time\": \"2026-01-01T12:06:00Z\", "
	"\"feedback\": {\"value\": true}, \"rationale\": \"Correct\", \"metadata\": {\"channel\": \"web\"}, "
	"\"valid\": true}, "
	"{\"assessment_name\": \"score\", \"source\": {\"source_type\": \"AI_JUDGE\", \"source_id\": \"gpt\"}, "
	"\"create_time\": \"2026-01-01T12:05:00Z\", \"last_update_time\": \"2026-01-01T12:05:00Z\", "
	"\"feedback\": {\"value\": 4.0}, \"valid\": false, \"overrides\": \"a-0\"}, "
	"{\"assessment_name\": \"judge\", \"source\": {\"source_type\": \"LLM_JUDGE\"}, "
	"\"create_time\": \"2026-01-01T12:05:00Z\", \"last_update_time\": \"2026-01-01T12:05:00Z\", "
	"\"feedback\": {\"error\": {\"error_code\": \"TIMEOUT\", \"error_message\": \"judge timed out\"}}}, "
	"{\"assessment_name\": \"expected\", \"source\": {\"source_type\": \"HUMAN\", \"source_id\": \"bob\"}, "
	"\"create_time\": \"2026-01-01T12:05:00Z\", \"last_update_time\": \"2026-01-01T12:05:00Z\", "
	"\"expectation\": {\"serialized_value\": {\"serialization_format\": \"JSON_FORMAT\", "
	"\"value\": \"[\\\"a\\\",\\\"caf\\u00e9\\\"]\"}}}]}, "
	"\"data\": {\"spans\": [" V3_ROOT ", " V3_TOOL "]}}";

TEST(v3_info_trace)
{
	struct import_reader *r;
	struct err err = { 0 };
	struct trace t;
	const struct assessment *a;

	CHECK_INT(import_open_text(v3_trace, strlen(v3_trace), "t.json", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), 1);
	CHECK_STR(t.info.id, "tr-c3f8ccfcfd1ce910d7277a703eedd5e9");
	CHECK_STR(t.info.client_request_id, "req-1");
	CHECK_INT(t.info.experiment_id, 12);
	CHECK(t.info.timestamp_ms == 1767268800123LL);
	CHECK_INT(t.info.duration_ms, 842);
	CHECK_STR(t.info.status, "OK");
	CHECK_STR(t.info.request_preview, "given request");
	CHECK_STR(t.info.response_preview, "{\"answer\": \"done\"}");   /* derived */
	CHECK_STR(t.info.name, "answer_question");
	CHECK_STR(t.info.user, "alice");
	CHECK_STR(t.info.session, "session-42");
	CHECK_STR(kv_list_get(&t.tags, "team"), "search");
	CHECK_INT(t.nspans, 2);
	CHECK(t.nspans == 2 && str_eq(t.spans[1].parent_id, "51d7f0b47703f6ad"));
	CHECK_INT(t.assessments.n, 4);

	a = find_assessment(&t, "user_satisfaction");
	CHECK(a != NULL);
	if (a) {
		CHECK_STR(a->id, "a-1");
		CHECK_STR(a->type, "feedback");
		CHECK_STR(a->value, "true");
		CHECK_STR(a->span_id, "51d7f0b47703f6ad");
		CHECK_STR(a->source_type, "HUMAN");
		CHECK_STR(a->source_id, "alice@example.com");
		CHECK(a->created_ms == 1767269100123LL);
		CHECK(a->updated_ms == 1767269160000LL);
		CHECK_STR(a->rationale, "Correct");
		CHECK_STR(a->metadata, "{\"channel\": \"web\"}");
		CHECK(a->valid);
	}
	a = find_assessment(&t, "score");
	CHECK(a != NULL);
	if (a) {
		CHECK(str_starts(a->id, "a-") && strlen(a->id) == 34);
		CHECK_STR(a->value, "4.0");
		CHECK_STR(a->source_type, "LLM_JUDGE");
		CHECK_STR(a->trace_id, "tr-c3f8ccfcfd1ce910d7277a703eedd5e9");
		CHECK(!a->valid);
		CHECK_STR(a->overrides, "a-0");
		CHECK_NULL(a->metadata);
	}
	a = find_assessment(&t, "judge");
	CHECK(a != NULL);
	if (a) {
		CHECK_STR(a->value, "null");
		CHECK_STR(a->error, "{\"error_code\": \"TIMEOUT\", \"error_message\": \"judge timed out\", "
				    "\"stack_trace\": null}");
		CHECK_STR(a->source_id, "default");
	}
	a = find_assessment(&t, "expected");
	CHECK(a != NULL);
	if (a) {
		CHECK_STR(a->type, "expectation");
		CHECK_STR(a->value, "[\"a\", \"caf\\u00e9\"]");
	}
	trace_free(&t);
	CHECK_INT(import_next(r, &t, &err), 0);
	import_close(r);
}

TEST(v2_info_trace)
{
	const char *j =
		"{\"info\": {\"request_id\": \"0123456789abcdef0123456789abcdef\", \"experiment_id\": \"5\", "
		"\"timestamp_ms\": 1700000000000, \"execution_time_ms\": 500, \"status\": \"TRACE_STATUS_UNSPECIFIED\", "
		"\"request_metadata\": {\"mlflow.traceInputs\": \"{}\", \"mlflow.trace.user\": \"carol\"}, "
		"\"tags\": [{\"key\": \"mlflow.traceName\", \"value\": \"predict\"}]}, "
		"\"data\": {\"request\": \"{}\", \"spans\": [{\"name\": \"predict\", \"context\": "
		"{\"span_id\": \"0x6a1b2c3d4e5f6071\", \"trace_id\": \"0x7d2f4e9a1c3b5d6e8f0a1b2c3d4e5f60\"}, "
		"\"parent_id\": null, \"start_time\": 1700000000000000000, \"end_time\": 1700000000500000000, "
		"\"status_code\": \"OK\", \"status_message\": \"\", \"attributes\": {"
		"\"mlflow.traceRequestId\": \"\\\"0123456789abcdef0123456789abcdef\\\"\", "
		"\"mlflow.spanInputs\": \"{\\\"x\\\": 1}\"}, \"events\": []}]}}";
	struct import_reader *r;
	struct err err = { 0 };
	struct trace t;

	CHECK_INT(import_open_text(j, strlen(j), "v2.json", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), 1);
	CHECK_STR(t.info.id, "0123456789abcdef0123456789abcdef");
	CHECK_INT(t.info.experiment_id, 5);
	CHECK(t.info.timestamp_ms == 1700000000000LL);
	CHECK_INT(t.info.duration_ms, 500);
	CHECK_STR(t.info.status, "STATE_UNSPECIFIED");
	CHECK_STR(t.info.name, "predict");
	CHECK_STR(t.info.user, "carol");
	CHECK_STR(t.info.request_preview, "{\"x\": 1}");
	CHECK_NULL(kv_list_get(&t.metadata, "mlflow.trace_schema.version"));
	CHECK_INT(t.nspans, 1);
	CHECK(t.nspans == 1 && str_eq(t.spans[0].id, "6a1b2c3d4e5f6071"));
	trace_free(&t);
	import_close(r);
}

/* A leading UTF-8 byte order mark is not part of the JSON, in a file (JSON
 * Lines) or in memory. */
TEST(byte_order_mark_skipped)
{
	struct strbuf sb = STRBUF_INIT;
	struct import_reader *r = NULL;
	struct trace t = { 0 };
	struct err err = { 0 };
	char *path, *errors;
	size_t n;
	struct trace *v;

	sb_adds(&sb, "\xef\xbb\xbf");
	sb_addf(&sb, "{\"info\": {\"trace_id\": \"tr-aaaa\", \"state\": \"OK\"}, \"data\": {\"spans\": [%s]}}\n",
		V3_TOOL);
	sb_addf(&sb, "{\"info\": {\"trace_id\": \"tr-bbbb\", \"state\": \"OK\"}, \"data\": {\"spans\": [%s]}}\n",
		V3_ROOT);
	path = write_tmp("bom.jsonl", sb.buf);
	v = read_all(path, &n, &errors);
	CHECK_INT(n, 2);
	CHECK_STR(errors, "");
	if (n == 2)
		CHECK_STR(v[0].info.id, "tr-aaaa");
	free_all(v, n);
	free(errors);
	free(path);

	CHECK_INT(import_open_text(sb.buf, strlen(sb.buf), "bom.jsonl", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), 1);
	CHECK_STR(t.info.id, "tr-aaaa");
	trace_free(&t);
	import_close(r);
	sb_free(&sb);
}

TEST(jsonl_with_bad_line)
{
	struct strbuf sb = STRBUF_INIT;
	char *path, *errors;
	size_t n;
	struct trace *v;

	sb_addf(&sb, "{\"info\": {\"trace_id\": \"tr-aaaa\", \"state\": \"OK\"}, \"data\": {\"spans\": [%s]}}\n",
		V3_TOOL);
	sb_adds(&sb, "{\"info\": {\"trace_id\": \"tr-bbbb\", oops}\n");
	sb_adds(&sb, "\n");
	sb_addf(&sb, "{\"info\": {\"request_id\": \"tr-cccc\", \"timestamp_ms\": 5, \"status\": \"OK\"}, "
		     "\"data\": {\"spans\": [%s]}}\n", V3_ROOT);
	sb_adds(&sb, "{\"info\": {\"trace_id\": \"tr-dddd\"}, \"data\": {\"spans\": [{\"span_id\": 1}]}}\n");
	path = write_tmp("traces.jsonl", sb.buf);
	v = read_all(path, &n, &errors);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(v[0].info.id, "tr-aaaa");
		CHECK_STR(v[1].info.id, "tr-cccc");
	}
	{
		char *want = xasprintf("%s:2:34: expected a string key\n%s:5:1: span 1: not an MLflow span: no span_id\n",
				       path, path);

		CHECK_STR(errors, want);
		free(want);
	}
	free_all(v, n);
	free(errors);
	free(path);

	/* The first line bad: the rest still imports, line numbers hold. */
	sb_reset(&sb);
	sb_adds(&sb, "{not json\n");
	sb_addf(&sb, "{\"data\": {\"spans\": [%s]}}\n", V3_TOOL);
	path = write_tmp("bad-first.jsonl", sb.buf);
	v = read_all(path, &n, &errors);
	CHECK_INT(n, 1);
	CHECK(n == 1 && str_eq(v[0].info.id, "tr-c3f8ccfcfd1ce910d7277a703eedd5e9"));
	CHECK(strstr(errors, ":1:2: ") != NULL);
	free_all(v, n);
	free(errors);
	free(path);
	sb_free(&sb);
}

TEST(array_file_and_lines)
{
	struct strbuf sb = STRBUF_INIT;
	char *path, *errors, *want;
	size_t n;
	struct trace *v;

	sb_addf(&sb, "[\n  {\"data\": {\"spans\": [%s]}},\n\n  {\"info\": \"x\"},\n  {\"data\": {\"spans\": [%s]}}\n]\n",
		V3_TOOL, V3_ROOT);
	path = write_tmp("array.json", sb.buf);
	v = read_all(path, &n, &errors);
	CHECK_INT(n, 2);
	want = xasprintf("%s:4:3: \"info\" is not an object\n", path);
	CHECK_STR(errors, want);
	free(want);
	free_all(v, n);
	free(errors);
	free(path);
	sb_free(&sb);
}

TEST(garbage_inputs)
{
	struct import_reader *r;
	struct err err = { 0 };
	struct trace t;

	CHECK_INT(import_open_text("hello", 5, "g.txt", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), -1);
	CHECK_STR(err.msg, "g.txt:1:1: unexpected character (not a JSON file)");
	CHECK(import_stats(r)->stopped);
	CHECK_INT(import_next(r, &t, &err), 0);
	CHECK_INT(import_stats(r)->skipped, 1);
	import_close(r);

	CHECK_INT(import_open_text("{\"foo\": 1}", 10, "f.json", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), -1);
	CHECK_STR(err.msg, "f.json:1:1: not a trace file: no known format (MLflow trace JSON, "
		  "OTLP/JSON, OpenTelemetry SDK span dump, Langfuse trace export, Cloud Trace v1 "
		  "export) has the keys \"foo\"");
	CHECK(import_stats(r)->stopped);
	CHECK_INT(import_next(r, &t, &err), 0);
	import_close(r);

	CHECK_INT(import_open_text("", 0, "empty", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), 0);
	import_close(r);

	CHECK_INT(import_open("/nonexistent/x.json", &r, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_HAS(err.msg, "/nonexistent/x.json");
}

TEST(traces_json_grouping)
{
	const char *j =
		"{\"spans\": ["
		"{\"span_id\": \"0000000000000001\", \"parent_span_id\": null, \"name\": \"a-root\", "
		"\"start_time_unix_nano\": 2000000000, \"end_time_unix_nano\": 5000000000, "
		"\"status\": {\"code\": \"ERROR\"}, \"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-a\\\"\", "
		"\"session.id\": \"\\\"sess\\\"\"}, \"otel_trace_id\": \"0000000000000000000000000000000a\"}, "
		"{\"span_id\": \"0000000000000002\", \"parent_span_id\": null, \"name\": \"b-root\", "
		"\"start_time_unix_nano\": 7000000, \"end_time_unix_nano\": 9000000, "
		"\"status\": {\"code\": \"OK\"}, \"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-b\\\"\"}}, "
		"{\"span_id\": \"0000000000000003\", \"parent_span_id\": \"0000000000000001\", \"name\": \"a-kid\", "
		"\"start_time_unix_nano\": 1000000000, \"end_time_unix_nano\": null, "
		"\"status\": {\"code\": \"OK\"}, \"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-a\\\"\", "
		"\"user.id\": \"\\\"uu\\\"\"}}]}";
	struct import_reader *r;
	struct err err = { 0 };
	struct trace t;

	CHECK_INT(import_open_text(j, strlen(j), "traces.json", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), 1);
	CHECK_STR(t.info.id, "tr-a");
	CHECK_INT(t.nspans, 2);
	CHECK(t.info.timestamp_ms == 1000);       /* the earliest span start */
	CHECK_INT(t.info.duration_ms, 3000);      /* the root's */
	CHECK_STR(t.info.status, "ERROR");
	CHECK_STR(t.info.name, "a-root");
	CHECK_STR(t.info.user, "uu");
	CHECK_STR(t.info.session, "sess");
	CHECK_STR(kv_list_get(&t.metadata, "mlflow.trace_schema.version"), "3");
	CHECK(t.nspans == 2 && str_eq(t.spans[0].name, "a-root"));   /* root first */
	trace_free(&t);
	CHECK_INT(import_next(r, &t, &err), 1);
	CHECK_STR(t.info.id, "tr-b");
	CHECK_STR(t.info.status, "OK");
	CHECK_INT(t.info.duration_ms, 2);
	trace_free(&t);
	CHECK_INT(import_next(r, &t, &err), 0);
	import_close(r);
}

TEST(previews_cut_on_characters)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	int i;

	/* Exactly 1000 characters stay; 1001 are cut to 997 + "...". */
	for (i = 0; i < 1000; i++)
		sb_adds(&sb, "\xc3\xa9");
	p = import_preview(sb.buf);
	CHECK_STR(p, sb.buf);
	free(p);
	sb_adds(&sb, "x");
	p = import_preview(sb.buf);
	CHECK_INT(strlen(p), 997 * 2 + 3);
	CHECK(strncmp(p, sb.buf, 997 * 2) == 0 && strcmp(p + 997 * 2, "...") == 0);
	free(p);
	sb_reset(&sb);
	for (i = 0; i < 999; i++)
		sb_addc(&sb, 'a');
	sb_adds(&sb, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80");   /* 1001 characters */
	p = import_preview(sb.buf);
	CHECK_INT(strlen(p), 1000);
	free(p);
	CHECK_NULL(import_preview(NULL));

	/* The same rule through an import: the root span's inputs. */
	{
		struct strbuf j = STRBUF_INIT;
		struct import_reader *r;
		struct err err = { 0 };
		struct trace t;

		sb_adds(&j, "{\"spans\": [{\"span_id\": \"0000000000000001\", \"name\": \"r\", "
			    "\"start_time_unix_nano\": 1, \"attributes\": {\"mlflow.traceRequestId\": \"\\\"tr-p\\\"\", "
			    "\"mlflow.spanInputs\": \"\\\"");
		for (i = 0; i < 1500; i++)
			sb_adds(&j, "\xe4\xb8\xad");
		sb_adds(&j, "\\\"\"}}]}");
		CHECK_INT(import_open_text(j.buf, j.len, "p.json", &r, &err), 0);
		CHECK_INT(import_next(r, &t, &err), 1);
		/* The JSON text: a quote, then 996 CJK characters, then "...". */
		CHECK(t.info.request_preview && strlen(t.info.request_preview) == 1 + 996 * 3 + 3);
		CHECK(t.info.request_preview && str_starts(t.info.request_preview, "\"\xe4\xb8\xad"));
		CHECK_NULL(t.info.response_preview);
		CHECK_STR(t.info.status, "IN_PROGRESS");   /* the root has not ended */
		trace_free(&t);
		import_close(r);
		sb_free(&j);
	}
	sb_free(&sb);
}

/* All 30 spans of the real store in a traces.json: the derived info must
 * match the trace_info row MLflow wrote (times, previews). */
TEST(real_store_spans_rebuild_info)
{
	char *db = test_copy_fixture("mlflow-3-dspy-react-agent.db", "dspy-import.db");
	char *out = test_path("dspy-traces.json"), *info = test_path("dspy-info.txt");
	char cmd[2048], *errors, *row;
	size_t n, len;
	struct trace *v;

	snprintf(cmd, sizeof cmd,
		 "sqlite3 -readonly '%s' \"select '{\\\"spans\\\": [' || group_concat(content, ', ') || ']}' "
		 "from (select content from spans order by start_time_unix_nano)\" > '%s' 2>/dev/null && "
		 "sqlite3 -readonly -separator '|' '%s' \"select timestamp_ms, execution_time_ms, "
		 "length(request_preview), length(response_preview), request_preview = '' from trace_info\" > '%s'",
		 db, out, db, info);
	if (system(cmd) != 0) {
		printf("# sqlite3 command-line tool not available: skipped\n");
		goto done;
	}
	v = read_all(out, &n, &errors);
	CHECK_STR(errors, "");
	CHECK_INT(n, 1);
	row = read_file(info, &len);
	if (n == 1 && row) {
		char want[256];
		struct trace *t = &v[0];

		snprintf(want, sizeof want, "%" PRId64 "|%" PRId64 "|%zu|%zu|0\n", t->info.timestamp_ms,
			 t->info.duration_ms, strlen(t->info.request_preview),
			 strlen(t->info.response_preview));
		CHECK_STR(want, row);
		CHECK_STR(t->info.id, "tr-c3f8ccfcfd1ce910d7277a703eedd5e9");
		CHECK_INT(t->nspans, 30);
		CHECK_STR(t->info.name, "ReAct.forward");
		CHECK_STR(t->info.status, "OK");
		CHECK(str_starts(t->info.request_preview, "{\"user_request\": \"please help me book"));
		CHECK_HAS(t->info.response_preview, "as it i...");
		CHECK_STR(t->spans[0].name, "ReAct.forward");
		CHECK_INT(t->spans[t->first_root].depth, 0);
	}
	free(row);
	free_all(v, n);
	free(errors);
done:
	free(db);
	free(out);
	free(info);
}

TEST(export_then_import)
{
	struct import_reader *r;
	struct err err = { 0 };
	struct trace t, back;
	char *line, *again;

	CHECK_INT(import_open_text(v3_trace, strlen(v3_trace), "t.json", &r, &err), 0);
	CHECK_INT(import_next(r, &t, &err), 1);
	import_close(r);
	line = trace_to_json(&t);
	CHECK_INT(import_open_text(line, strlen(line), "export.jsonl", &r, &err), 0);
	CHECK_INT(import_next(r, &back, &err), 1);
	import_close(r);
	CHECK_STR(back.info.id, t.info.id);
	CHECK(back.info.timestamp_ms == t.info.timestamp_ms);
	CHECK_INT(back.info.duration_ms, t.info.duration_ms);
	CHECK_INT(back.info.experiment_id, 12);
	CHECK_INT(back.nspans, t.nspans);
	CHECK_INT(back.assessments.n, 4);
	CHECK_INT(back.tags.n, t.tags.n);
	CHECK_INT(back.metadata.n, t.metadata.n);
	/* Exported again, byte for byte the same. */
	again = trace_to_json(&back);
	CHECK_STR(again, line);
	free(again);
	free(line);
	trace_free(&t);
	trace_free(&back);
}

int main(void)
{
	setenv("TRACELAB_NOW_MS", "1767225600000", 1);
	RUN(otlp_fixture);
	RUN(otlp_content_is_v3);
	RUN(otlp_rich);
	RUN(v3_info_trace);
	RUN(v2_info_trace);
	RUN(byte_order_mark_skipped);
	RUN(jsonl_with_bad_line);
	RUN(array_file_and_lines);
	RUN(garbage_inputs);
	RUN(traces_json_grouping);
	RUN(previews_cut_on_characters);
	RUN(real_store_spans_rebuild_info);
	RUN(export_then_import);
	TEST_MAIN_END();
}
