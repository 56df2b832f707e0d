/* Reading other tools' trace files: OpenTelemetry SDK dumps (start/end
 * copies merged), Langfuse exports with scores, Cloud Trace v1 exports,
 * OpenInference and GenAI attributes; damaged and unknown files; the chat
 * view of what they hold.  Fixtures: tests/fixtures/import (README.md). */
#include <locale.h>
#include <stdint.h>

#include "core/model.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "json/import.h"
#include "json/jtree.h"
#include "json/chat.h"
#include "json/render.h"
#include "json/semconv.h"
#include "json/span.h"
#include "test.h"

static char *fixture(const char *name)
{
	return xasprintf("%s/../import/%s", test_fixtures(), name);
}

static char *write_tmp(const char *name, const char *text, size_t n)
{
	char *p = xasprintf("%s/%s", test_tmpdir(), name);
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", p);
		exit(1);
	}
	return p;
}

struct all {
	struct trace *v;
	size_t n, cap;
	char *errors;
	struct import_stats st;
};

static void read_all(const char *path, struct all *a)
{
	struct import_reader *r = NULL;
	struct err err = { 0 };
	struct strbuf eb = STRBUF_INIT;
	int rc;

	memset(a, 0, sizeof *a);
	if (import_open(path, &r, &err) < 0) {
		sb_addf(&eb, "%s\n", err.msg);
		a->errors = sb_take(&eb);
		return;
	}
	for (;;) {
		GROW(a->v, a->cap, a->n + 1);
		rc = import_next(r, &a->v[a->n], &err);
		if (rc == 0)
			break;
		if (rc < 0)
			sb_addf(&eb, "%s\n", err.msg);
		else
			a->n++;
	}
	a->st = *import_stats(r);
	import_close(r);
	a->errors = sb_take(&eb);
}

/* Reads a fixture of tests/fixtures/import that must read cleanly. */
static void read_fixture(const char *name, struct all *a, size_t traces, enum import_format f)
{
	char *path = fixture(name);

	read_all(path, a);
	CHECK_STR(a->errors, "");
	CHECK_INT(a->n, traces);
	CHECK_INT(a->st.format, f);
	free(path);
}

static void free_all(struct all *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		trace_free(&a->v[i]);
	free(a->v);
	free(a->errors);
}

static const struct trace *trace_by_id(const struct all *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (str_eq(a->v[i].info.id, id))
			return &a->v[i];
	return NULL;
}

static const struct span *span_by_name(const struct trace *t, const char *name, int nth)
{
	size_t i;

	for (i = 0; t && i < t->nspans; i++)
		if (str_eq(t->spans[i].name, name) && nth-- == 0)
			return &t->spans[i];
	return NULL;
}

static const struct assessment *fb(const struct trace *t, const char *name)
{
	size_t i;

	for (i = 0; t && i < t->assessments.n; i++)
		if (str_eq(t->assessments.v[i].name, name))
			return &t->assessments.v[i];
	return NULL;
}

/* The chat view of a span, as plain lines. */
static char *chat_of(const struct span *s, size_t *messages)
{
	struct span_detail d;
	struct textbuf tb = { 0 };
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	*messages = 0;
	if (!s || span_detail_parse(s->content, &d, NULL) < 0)
		return xstrdup("");
	*messages = chat_render(&d, &tb);
	for (i = 0; i < tb.n; i++)
		sb_addf(&sb, "%s\n", tb.lines[i].text ? tb.lines[i].text : "");
	tb_free(&tb);
	span_detail_free(&d);
	return sb_take(&sb);
}

static char *attr_of(const struct span *s, const char *key)
{
	struct span_detail d;
	char *v;

	if (!s || span_detail_parse(s->content, &d, NULL) < 0)
		return NULL;
	v = xstrdup_or_null(span_detail_attr(&d, key));
	span_detail_free(&d);
	return v;
}

/* ---- OpenTelemetry SDK dumps --------------------------------------------- */

TEST(otel_sdk_dump)
{
	char *chat, *v;
	const struct trace *t;
	const struct span *s;
	struct all a;
	size_t n;

	read_fixture("otel-sdk-dump.json", &a, 3, IMPORT_OTEL_SDK);
	CHECK_INT(a.st.spans, 10);
	CHECK_INT(a.st.merged, 5);      /* five spans were written on start and on end */
	CHECK_INT(a.st.records, 15);
	t = trace_by_id(&a, "tr-4bf92f3577b34da6a3ce929d0e0e4711");
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->nspans, 5);
		CHECK_STR(t->info.status, "OK");
		CHECK_INT(t->info.timestamp_ms, 1772357400000);
		CHECK_INT(t->info.duration_ms, 9030);
		CHECK_STR(t->info.name, "invoke_agent billing_agent");
		CHECK_STR(t->info.user, "dev-ops@fernhill.dev");
		CHECK_STR(t->info.session, "sess-0301-a");
		CHECK_STR(kv_list_get(&t->tags, "service.name"), "billing-support");
		CHECK_STR(kv_list_get(&t->tags, "tracelab.import.format"), "otel-sdk-json");
		CHECK_STR(kv_list_get(&t->tags, "tracelab.import.trace_id"),
			  "0x4bf92f3577b34da6a3ce929d0e0e4711");
		CHECK_STR(kv_list_get(&t->metadata, "mlflow.trace.tokenUsage"),
			  "{\"input_tokens\": 1023, \"output_tokens\": 90, \"total_tokens\": 1113}");
		s = &t->spans[0];
		CHECK_STR(s->name, "invoke_agent billing_agent");
		CHECK_NULL(s->parent_id);
		CHECK_STR(s->type, "AGENT");
		CHECK_INT(s->start_ns, 1772357400000123000);   /* to the microsecond */
		CHECK_INT(s->end_ns, 1772357409030123000);
		s = span_by_name(t, "chat gpt-4o-2024-08-06", 0);
		CHECK(s && str_eq(s->type, "CHAT_MODEL") && str_eq(s->parent_id, "5a00000000001111"));
		v = attr_of(s, "mlflow.chat.tokenUsage");
		CHECK_STR(v, "{\"input_tokens\": 412, \"output_tokens\": 38, \"total_tokens\": 450}");
		free(v);
		v = attr_of(s, "gen_ai.response.finish_reasons");
		CHECK_STR(v, "[\"tool_calls\"]");
		free(v);
		chat = chat_of(s, &n);
		CHECK_INT(n, 3);
		CHECK_HAS(chat, "system\n  You are a billing assistant.\n");
		CHECK_HAS(chat, "assistant\n  → get_invoice({\"month\": \"2026-02\"})");
		free(chat);
		s = span_by_name(t, "execute_tool get_invoice", 0);
		CHECK(s && s->status == SPAN_ERROR && str_eq(s->type, "TOOL"));
		if (s) {
			struct span_detail d;

			CHECK_INT(span_detail_parse(s->content, &d, NULL), 0);
			CHECK_INT(d.nexceptions, 1);
			CHECK_STR(d.status_message, "TimeoutError: invoice service did not answer in 5 s");
			CHECK_STR(span_detail_attr(&d, "mlflow.spanInputs"), "{\"month\": \"2026-02\"}");
			span_detail_free(&d);
		}
		s = span_by_name(t, "execute_tool get_invoice", 1);
		CHECK(s && s->status == SPAN_OK);
		v = attr_of(s, "mlflow.spanOutputs");
		CHECK_HAS(v, "\"total\": 1287.4");
		free(v);
	}
	/* Only the start copy was written: still running. */
	t = trace_by_id(&a, "tr-4bf92f3577b34da6a3ce929d0e0e4722");
	CHECK(t && t->nspans == 1 && str_eq(t->info.status, "IN_PROGRESS") && t->spans[0].end_ns < 0);
	/* OpenInference: messages from llm.input_messages.*, types from the kinds. */
	t = trace_by_id(&a, "tr-4bf92f3577b34da6a3ce929d0e0e4733");
	CHECK(t != NULL);
	if (t) {
		CHECK_STR(t->spans[0].type, "CHAIN");
		CHECK_STR(t->info.request_preview,
			  "{\"question\": \"How do I rotate an API key without downtime?\"}");
		CHECK(span_by_name(t, "retrieve_docs", 0) &&
		      str_eq(span_by_name(t, "retrieve_docs", 0)->type, "RETRIEVER"));
		s = span_by_name(t, "ChatOpenAI", 0);
		CHECK(s && str_eq(s->type, "LLM"));
		chat = chat_of(s, &n);
		CHECK_INT(n, 3);
		CHECK_STR(chat, "system\n  Answer from the documents only.\n\n"
			  "user\n  How do I rotate an API key without downtime?\n\n"
			  "assistant\n  Create a second key, deploy it, then revoke the first.\n");
		free(chat);
		CHECK_STR(kv_list_get(&t->metadata, "mlflow.trace.tokenUsage"),
			  "{\"input_tokens\": 220, \"output_tokens\": 14, \"total_tokens\": 234}");
	}
	free_all(&a);
}

/* The same objects one per line, and grouped as {"spans": [...]}. */
TEST(otel_sdk_other_layouts)
{
	char *path = fixture("otel-sdk-dump.json"), *text, *p;
	size_t len, i;
	struct strbuf lines = STRBUF_INIT, grouped = STRBUF_INIT;
	struct all a;
	int k = 0;

	text = read_file(path, &len);
	CHECK(text != NULL);
	sb_adds(&grouped, "{\"spans\": [");
	/* Objects start at a '{' at the start of a line. */
	for (i = 0; text && i < len; i++) {
		if (text[i] == '{' && (i == 0 || text[i - 1] == '\n')) {
			size_t end = i;
			cJSON *o;

			CHECK_INT(jt_skip_value(text, len, &end, NULL), 0);
			o = jt_parse(text + i, end - i, NULL);
			p = jt_print(o);
			sb_addf(&lines, "%s\n", p);
			sb_addf(&grouped, "%s%s", k++ ? ", " : "", p);
			free(p);
			cJSON_Delete(o);
			i = end;
		}
	}
	sb_adds(&grouped, "]}");
	CHECK_INT(k, 15);
	free(path);
	path = write_tmp("one-per-line.jsonl", lines.buf, lines.len);
	read_all(path, &a);
	CHECK_STR(a.errors, "");
	CHECK_INT(a.n, 3);
	CHECK_INT(a.st.spans, 10);
	CHECK_INT(a.st.merged, 5);
	free_all(&a);
	free(path);
	path = write_tmp("grouped.json", grouped.buf, grouped.len);
	read_all(path, &a);
	CHECK_STR(a.errors, "");
	CHECK_INT(a.n, 3);
	CHECK_INT(a.st.spans, 10);
	free_all(&a);
	free(path);
	sb_free(&lines);
	sb_free(&grouped);
	free(text);
}

/* A dump cut in the middle of an object: what came before is read, and
 * the error says where the text stops. */
TEST(damaged_dump)
{
	char *path = fixture("otel-sdk-dump.json"), *text, *cut, *want;
	size_t len, at, start, start_line = 1, line = 1, col = 1, i;
	struct all a;

	text = read_file(path, &len);
	CHECK(text != NULL);
	/* Cut at the end of the 5th line of the 13th object (the RAG chain's
	 * spans follow). */
	for (i = 0, at = 0; text && i < 12; i++)
		at = (size_t)(strstr(text + at + 1, "\n{\n") - text) + 1;
	start = at;
	for (i = 0; i < 5; i++)
		at = (size_t)(strchr(text + at, '\n') - text) + 1;
	at--;
	for (i = 0; i < at; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		if (i + 1 == start)
			start_line = line;
	}
	cut = write_tmp("cut.json", text, at);
	read_all(cut, &a);
	CHECK(a.st.stopped);
	CHECK_INT(a.st.records, 13);
	/* Reported where the text ends, naming where the cut record starts. */
	want = xasprintf("%s:%zu:%zu: the file ends inside the record that starts at %zu:1 (cut "
			 "off?): that record is not imported, what comes before it is\n", cut, line,
			 col, start_line);
	CHECK(a.st.damaged);
	CHECK_INT(a.st.skipped, 0);
	CHECK_STR(a.errors, want);
	/* Trace 1 ended before the cut; the stuck one and the first RAG
	 * spans are emitted as they are. */
	CHECK(trace_by_id(&a, "tr-4bf92f3577b34da6a3ce929d0e0e4711") != NULL);
	CHECK(trace_by_id(&a, "tr-4bf92f3577b34da6a3ce929d0e0e4722") != NULL);
	free(want);
	free_all(&a);

	/* Bad syntax in the middle of a list stops there too. */
	{
		const char *bad = "[\n {\"projectId\": \"p\", \"traceId\": \"0af7651916cd43dd8448eb211c80319c\", "
				  "\"spans\": [{\"spanId\": \"7\", \"name\": \"a\", \"startTime\": "
				  "\"2026-03-04T19:05:00Z\", \"endTime\": \"2026-03-04T19:05:01Z\"}]},\n"
				  " {\"projectId\": \"p\", \"traceId\": ,\n"
				  " {\"projectId\": \"p\"}\n]\n";
		char *p2 = write_tmp("bad-list.json", bad, strlen(bad));

		read_all(p2, &a);
		CHECK_INT(a.n, 1);
		CHECK(a.st.stopped);
		want = xasprintf("%s:3:32: unexpected character (the file is damaged here: nothing "
				 "after this point is read)\n", p2);
		CHECK_STR(a.errors, want);
		free(want);
		free_all(&a);
		free(p2);
	}
	free(cut);
	free(text);
	free(path);
}

TEST(unknown_format_one_line)
{
	const char *text = "{\"name\": \"x\", \"context\": {\"trace_id\": \"0x1\"}}\n"
			   "{\"name\": \"y\", \"context\": {\"trace_id\": \"0x2\"}}\n";
	char *path = write_tmp("near-otel.jsonl", text, strlen(text)), *want;
	struct all a;

	read_all(path, &a);
	CHECK_INT(a.n, 0);
	CHECK(a.st.stopped);
	want = xasprintf("%s:1:1: not a trace file: closest to OpenTelemetry SDK span dump, which "
			 "also needs \"context.span_id\", \"kind\", \"start_time\"\n", path);
	CHECK_STR(a.errors, want);   /* one line, not one per record */
	free(want);
	free_all(&a);
	free(path);
}

/* ---- Langfuse ------------------------------------------------------------ */

TEST(langfuse_export)
{
	char *chat, *v;
	const struct trace *t;
	const struct span *s;
	const struct assessment *as;
	struct all a;
	size_t n;

	read_fixture("langfuse-export.json", &a, 2, IMPORT_LANGFUSE);
	CHECK_INT(a.st.assessments, 5);
	t = trace_by_id(&a, "tr-8f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5");
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->nspans, 5);
		CHECK_STR(t->info.name, "weather_agent");
		CHECK_INT(t->info.timestamp_ms, 1772460310250);
		CHECK_STR(t->info.user, "u-4821");
		CHECK_STR(t->info.session, "lf.session.9c1");
		CHECK_STR(t->info.request_preview, "Do I need an umbrella in Paris today?");
		CHECK_STR(kv_list_get(&t->tags, "service.name"), "weather-bot");
		CHECK_STR(kv_list_get(&t->tags, "langfuse.tags"), "[\"agent\", \"weather\"]");
		CHECK_STR(kv_list_get(&t->tags, "tracelab.import.format"), "langfuse");
		/* The one top-level observation is the root. */
		CHECK_STR(t->spans[0].id, "3f1a9b2c4d5e6f70");
		CHECK_STR(t->spans[0].type, "AGENT");
		v = attr_of(&t->spans[0], "langgraph.thread_id");
		CHECK_STR(v, "\"th-77\"");   /* the trace's OTel attributes, from its JSON-string metadata */
		free(v);
		s = span_by_name(t, "ChatOpenAI", 1);
		CHECK(s && str_eq(s->type, "LLM") && str_eq(s->parent_id, "3f1a9b2c4d5e6f70"));
		chat = chat_of(s, &n);
		CHECK_INT(n, 4);   /* LangChain messages: human, ai (tool call), tool, ai */
		CHECK_STR(chat, "user\n  Do I need an umbrella in Paris today?\n\n"
			  "assistant\n  → get_weather({\"city\": \"Paris\"})\n\n"
			  "tool  call_w1\n  ← {\"city\": \"Paris\", \"temp_c\": 14, \"rain_probability\": 0.8}\n\n"
			  "assistant\n  Yes: 80% chance of rain this afternoon in Paris, 14°C.\n");
		free(chat);
		v = attr_of(s, "mlflow.chat.tokenUsage");
		CHECK_STR(v, "{\"input_tokens\": 241, \"output_tokens\": 17, \"total_tokens\": 258}");
		free(v);
		s = span_by_name(t, "get_weather", 0);
		CHECK(s && str_eq(s->type, "TOOL"));
		v = attr_of(s, "mlflow.spanInputs");
		CHECK_STR(v, "{\"city\": \"Paris\"}");   /* a JSON string input is its JSON */
		free(v);
		s = span_by_name(t, "guardrail_passed", 0);
		CHECK(s && s->end_ns == s->start_ns);   /* an EVENT has no duration */
		as = fb(t, "helpful");
		CHECK(as && str_eq(as->value, "true") && str_eq(as->source_type, "HUMAN") &&
		      str_eq(as->source_id, "lena.s@fernhill.dev") && !as->span_id &&
		      str_eq(as->rationale, "Gave the forecast and the umbrella advice.") &&
		      as->created_ms == 1772463601000 && str_eq(as->type, "feedback"));
		as = fb(t, "correctness");
		CHECK(as && str_eq(as->value, "0.8") && str_eq(as->source_type, "LLM_JUDGE"));
		as = fb(t, "tool_outcome");
		CHECK(as && str_eq(as->value, "\"success\"") && str_eq(as->source_type, "CODE") &&
		      str_eq(as->span_id, "5b3c4d5e6f708192"));
		CHECK_HAS(as ? as->metadata : NULL, "\"langfuse.score.id\": \"sc-api-0003\"");
		CHECK_HAS(as ? as->metadata : NULL, "\"attempt\": \"1\"");
	}
	/* A trace with input and output of its own: a root span holds them. */
	t = trace_by_id(&a, "tr-2c7f759120d04c0493cfb9ede033cdfa");
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->nspans, 4);
		CHECK_STR(t->spans[0].name, "qa");
		CHECK_NULL(t->spans[0].parent_id);
		CHECK_STR(kv_list_get(&t->tags, "channel"), "docs-widget");
		CHECK_STR(kv_list_get(&t->tags, "tracelab.import.trace_id"),
			  "2c7f7591-20d0-4c04-93cf-b9ede033cdfa");
		s = span_by_name(t, "gemini-2.0-flash", 0);
		CHECK(s && str_eq(s->parent_id, t->spans[0].id));
		chat = chat_of(s, &n);
		CHECK_INT(n, 2);
		CHECK_HAS(chat, "user\n  Which regions is the EU data residency plan available in?\n");
		CHECK_HAS(chat, "assistant\n  Frankfurt and Dublin.\n");
		free(chat);
		s = span_by_name(t, "safety_filter", 0);
		CHECK(s && s->status == SPAN_ERROR);
		as = fb(t, "hallucination");
		CHECK(as && str_eq(as->span_id, span_by_name(t, "gemini-2.0-flash", 0)->id));
		as = fb(t, "user_feedback");
		CHECK(as && str_eq(as->value, "false") && str_eq(as->rationale,
								     "Dublin is not a residency region yet."));
	}
	free_all(&a);
}

/* ---- Cloud Trace --------------------------------------------------------- */

TEST(cloud_trace_export)
{
	char *chat, *v;
	const struct trace *t;
	const struct span *s;
	struct all a;
	size_t n;

	read_fixture("cloud-trace-export.json", &a, 2, IMPORT_CLOUD_TRACE);
	t = trace_by_id(&a, "tr-0af7651916cd43dd8448eb211c80319c");
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->nspans, 4);
		/* Decimal span ids as hex: 12913864118554233534 = 0xb33742fec8168abe. */
		CHECK_STR(t->spans[0].id, "b33742fec8168abe");
		CHECK_STR(t->spans[0].type, "AGENT");
		CHECK_INT(t->spans[0].start_ns, 1772650931104518726);   /* to the ns */
		CHECK_INT(t->spans[0].end_ns, 1772650934662004117);
		CHECK_STR(kv_list_get(&t->tags, "gcp.project_id"), "resto-agent-prod");
		CHECK_STR(kv_list_get(&t->tags, "service.name"), "resto-agent");
		s = span_by_name(t, "execute_tool find_table", 0);
		CHECK(s && str_eq(s->id, "0000000000000192") && str_eq(s->type, "TOOL"));
		s = span_by_name(t, "call_llm", 1);
		CHECK(s && str_eq(s->id, "8000000000000001") && str_eq(s->type, "LLM"));
		chat = chat_of(s, &n);
		CHECK_INT(n, 4);
		CHECK_HAS(chat, "assistant\n  → find_table({\"city\": \"Lyon\", \"party\": 2, \"time\": \"2026-03-06T20:00\"})");
		CHECK_HAS(chat, "assistant\n  Le Bouchon des Filles has a table for two at 20:15 on Friday. Shall I book it?\n");
		free(chat);
		v = attr_of(s, "mlflow.chat.tokenUsage");
		CHECK_STR(v, "{\"input_tokens\": 201, \"output_tokens\": 24, \"total_tokens\": 225}");
		free(v);
		CHECK_STR(kv_list_get(&t->metadata, "mlflow.trace.tokenUsage"),
			  "{\"input_tokens\": 344, \"output_tokens\": 45, \"total_tokens\": 389}");
	}
	t = trace_by_id(&a, "tr-00000000000000004db6dd68e7d37f57");
	CHECK(t && str_eq(t->info.status, "ERROR") && t->spans[0].status == SPAN_ERROR);
	free_all(&a);
}

TEST(cloud_trace_list_response)
{
	const char *text = "{\"traces\": [{\"projectId\": \"p\", \"traceId\": \"0af7651916cd43dd8448eb211c80319c\","
			   " \"spans\": [{\"spanId\": \"7\", \"parentSpanId\": \"0\", \"name\": \"a\","
			   " \"startTime\": \"2026-03-04T19:05:00.5Z\", \"endTime\": \"2026-03-04T19:05:01Z\"}]}],"
			   " \"nextPageToken\": \"abc\"}";
	char *path = write_tmp("list.json", text, strlen(text));
	struct all a;

	read_all(path, &a);
	CHECK_STR(a.errors, "");
	CHECK_INT(a.n, 1);
	CHECK(a.n == 1 && !a.v[0].spans[0].parent_id && a.v[0].spans[0].start_ns == 1772651100500000000);
	free_all(&a);
	free(path);
}

/* ---- attribute conventions ------------------------------------------------ */

TEST(semconv_encoding)
{
	const char *json = "{\"s\": \"plain\", \"obj\": \"{\\\"a\\\": 1}\", \"list\": \"[1, 2]\","
			      " \"n\": 5, \"u\": \"caf\\u00e9\", \"quoted\": \"\\\"x\\\"\", \"arr\": [\"a\", 1.5],"
			      " \"gen_ai.operation.name\": \"chat\", \"gen_ai.usage.input_tokens\": 10,"
			      " \"gen_ai.usage.output_tokens\": 3}";
	cJSON *raw = jt_parse(json, strlen(json), NULL);
	struct semconv_opts o = { .trace_id = "tr-1" };
	struct semconv_usage u;
	cJSON *out;
	char *all;

	CHECK(raw != NULL);
	out = semconv_attributes(raw, &o, &u);
	all = jt_print(out);
	/* As MLflow's sanitize_attributes leaves them: a string holding a JSON
	 * object or string is kept, anything else json.dumps'd (non-ASCII raw). */
	CHECK_STR(all, "{\"mlflow.traceRequestId\": \"\\\"tr-1\\\"\", \"mlflow.spanType\": \"\\\"CHAT_MODEL\\\"\", "
		  "\"s\": \"\\\"plain\\\"\", \"obj\": \"{\\\"a\\\": 1}\", \"list\": \"\\\"[1, 2]\\\"\", "
		  "\"n\": \"5\", \"u\": \"\\\"caf\\u00e9\\\"\", \"quoted\": \"\\\"x\\\"\", "
		  "\"arr\": \"[\\\"a\\\", 1.5]\", \"gen_ai.operation.name\": \"\\\"chat\\\"\", "
		  "\"gen_ai.usage.input_tokens\": \"10\", \"gen_ai.usage.output_tokens\": \"3\", "
		  "\"mlflow.chat.tokenUsage\": \"{\\\"input_tokens\\\": 10, \\\"output_tokens\\\": 3, "
		  "\\\"total_tokens\\\": 13}\"}");
	CHECK(u.set && u.in == 10 && u.out == 3 && u.total == 13);
	/* The inner text keeps é (ensure_ascii=False), one level down. */
	CHECK_STR(jt_str(out, "u"), "\"caf\xc3\xa9\"");
	free(all);
	cJSON_Delete(out);
	cJSON_Delete(raw);
}

TEST(semconv_types)
{
	static const struct {
		const char *json, *type;
	} cases[] = {
		{ "{\"openinference.span.kind\": \"GUARDRAIL\"}", "GUARDRAIL" },
		{ "{\"openinference.span.kind\": \"\\\"EVALUATOR\\\"\"}", "EVALUATOR" },
		{ "{\"gen_ai.operation.name\": \"embeddings\"}", "EMBEDDING" },
		{ "{\"gen_ai.operation.name\": \"response\"}", "LLM" },
		{ "{\"traceloop.span.kind\": \"workflow\"}", "WORKFLOW" },
		{ "{\"ai.operationId\": \"ai.toolCall\"}", "TOOL" },
		{ "{\"openinference.span.kind\": \"LC_NODE\", \"gen_ai.operation.name\": \"chat\"}", NULL },
		{ "{\"x\": 1}", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *o = jt_parse(cases[i].json, strlen(cases[i].json), NULL);
		const char *t = semconv_span_type(o);

		if (cases[i].type)
			CHECK_STR(t, cases[i].type);
		else
			CHECK_NULL(t);
		cJSON_Delete(o);
	}
}

TEST(older_genai_messages)
{
	const char *json = "{\"gen_ai.prompt.0.role\": \"user\", \"gen_ai.prompt.0.content\": \"hi\","
			      " \"gen_ai.completion.0.role\": \"assistant\","
			      " \"gen_ai.completion.0.tool_calls.0.name\": \"f\","
			      " \"gen_ai.completion.0.tool_calls.0.arguments\": \"{}\"}";
	cJSON *raw = jt_parse(json, strlen(json), NULL);
	struct semconv_opts o = { .trace_id = "tr-1" };
	cJSON *out = semconv_attributes(raw, &o, NULL);

	CHECK_STR(jt_str(out, "mlflow.spanInputs"), "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
	CHECK_STR(jt_str(out, "mlflow.spanOutputs"),
		  "{\"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"tool_calls\": "
		  "[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]}}]}");
	CHECK_STR(jt_str(out, "mlflow.spanType"), "\"UNKNOWN\"");
	cJSON_Delete(out);
	cJSON_Delete(raw);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	setenv("TRACELAB_NOW_MS", "1767225600000", 1);
	RUN(otel_sdk_dump);
	RUN(otel_sdk_other_layouts);
	RUN(damaged_dump);
	RUN(unknown_format_one_line);
	RUN(langfuse_export);
	RUN(cloud_trace_export);
	RUN(cloud_trace_list_response);
	RUN(semconv_encoding);
	RUN(semconv_types);
	RUN(older_genai_messages);
	TEST_MAIN_END();
}
