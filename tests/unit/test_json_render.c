/* JSON, conversations, attributes and events rendered into styled lines. */
#include <locale.h>

#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "json/chat.h"
#include "json/render.h"
#include "json/span.h"
#include "test.h"

/* All lines joined with '\n' (caller frees). */
static char *lines_of(const struct textbuf *tb)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < tb->n; i++) {
		if (i)
			sb_addc(&sb, '\n');
		sb_add(&sb, tb->lines[i].text ? tb->lines[i].text : "", tb->lines[i].len);
	}
	return sb_take(&sb);
}

static const char *line(const struct textbuf *tb, size_t i)
{
	return i < tb->n ? (tb->lines[i].text ? tb->lines[i].text : "") : "(no line)";
}

/* The slot of the segment holding byte `off` of line i, or -1. */
static int slot_at(const struct textbuf *tb, size_t i, size_t off)
{
	size_t k;

	if (i >= tb->n)
		return -1;
	for (k = 0; k < tb->lines[i].nsegs; k++) {
		const struct tb_seg *s = &tb->lines[i].segs[k];

		if (off >= s->off && off < s->off + s->len)
			return s->slot;
	}
	return -1;
}

/* No raw control byte (other than none at all) in any line. */
static bool all_safe(const struct textbuf *tb)
{
	size_t i, k;

	for (i = 0; i < tb->n; i++)
		for (k = 0; k < tb->lines[i].len; k++) {
			unsigned char c = (unsigned char)tb->lines[i].text[k];

			if (c < 0x20 || c == 0x7f)
				return false;
		}
	return true;
}

static const char doc[] = "{\"a\": 1, \"b\": [true, null, \"x\"], \"c\": {}}";

TEST(pretty_lines_refs_and_slots)
{
	struct textbuf tb = { 0 };
	char *all;
	size_t n;

	n = json_render(doc, strlen(doc), NULL, &tb);
	CHECK_INT(n, 7);
	all = lines_of(&tb);
	CHECK_STR(all, "{\n"
		       "  \"a\": 1,\n"
		       "  \"b\": [\n"
		       "    true,\n"
		       "    null,\n"
		       "    \"x\"\n"
		       "  ],\n"
		       "  \"c\": {}\n"
		       "}");
	free(all);
	CHECK_INT(tb.n, 9);
	if (tb.n == 9) {
		static const uint32_t refs[] = { 0, 1, 2, 3, 4, 5, 2, 6, 0 };
		static const uint16_t depths[] = { 0, 1, 1, 2, 2, 2, 1, 1, 0 };
		size_t i;

		for (i = 0; i < 9; i++) {
			CHECK_INT(tb.lines[i].ref, refs[i]);
			CHECK_INT(tb.lines[i].depth, depths[i]);
		}
		CHECK(tb.lines[0].flags & JSON_LINE_OPENS);
		CHECK(tb.lines[2].flags & JSON_LINE_OPENS);
		CHECK(tb.lines[6].flags & JSON_LINE_CLOSES);
		CHECK_INT(slot_at(&tb, 1, 2), SLOT_JSON_KEY);     /* "a" */
		CHECK_INT(slot_at(&tb, 1, 5), SLOT_JSON_PUNCT);   /* : */
		CHECK_INT(slot_at(&tb, 1, 7), SLOT_JSON_NUMBER);  /* 1 */
		CHECK_INT(slot_at(&tb, 1, 8), SLOT_JSON_PUNCT);   /* , */
		CHECK_INT(slot_at(&tb, 3, 4), SLOT_JSON_LITERAL); /* true */
		CHECK_INT(slot_at(&tb, 5, 4), SLOT_JSON_STRING);  /* "x" */
	}
	tb_free(&tb);
}

static bool fold_even(const void *ctx, uint32_t node)
{
	(void)ctx;
	return node == 2;
}

TEST(folding_keeps_ids)
{
	struct textbuf tb = { 0 };
	struct json_folds f = { 0 };
	struct json_render_opts o = { 0 };
	char *all;

	json_folds_toggle(&f, 2);
	CHECK(json_folds_has(&f, 2));
	o.folds = &f;
	CHECK_INT(json_render(doc, strlen(doc), &o, &tb), 7);
	all = lines_of(&tb);
	CHECK_STR(all, "{\n  \"a\": 1,\n  \"b\": [… 3 items],\n  \"c\": {}\n}");
	free(all);
	CHECK(tb.n == 5 && (tb.lines[2].flags & JSON_LINE_FOLDED));
	CHECK(tb.n == 5 && tb.lines[3].ref == 6);   /* "c" keeps its id */
	tb_free(&tb);

	/* The predicate form, and folding the root object. */
	o.folds = NULL;
	o.is_folded = fold_even;
	json_render(doc, strlen(doc), &o, &tb);
	CHECK_STR(line(&tb, 2), "  \"b\": [… 3 items],");
	tb_free(&tb);
	o.is_folded = NULL;
	o.folds = &f;
	json_folds_toggle(&f, 2);
	json_folds_toggle(&f, 0);
	CHECK(!json_folds_has(&f, 2));
	json_render(doc, strlen(doc), &o, &tb);
	all = lines_of(&tb);
	CHECK_STR(all, "{…}");
	free(all);
	tb_free(&tb);

	json_render("[7]", 3, &o, &tb);   /* node 0 folded again: one item */
	CHECK_STR(line(&tb, 0), "[… 1 item]");
	tb_free(&tb);
	json_folds_free(&f);
}

TEST(multiline_strings_and_exact_numbers)
{
	const char *j = "{\"t\": \"line1\\nline2\\r\\nline3\", \"n\": [1765380550198963000, 1.50, -0, 1E5]}";
	struct textbuf tb = { 0 };
	char *all;

	json_render(j, strlen(j), NULL, &tb);
	all = lines_of(&tb);
	CHECK_STR(all, "{\n"
		       "  \"t\": \"line1\n"
		       "    line2\n"
		       "    line3\",\n"
		       "  \"n\": [\n"
		       "    1765380550198963000,\n"
		       "    1.50,\n"
		       "    -0,\n"
		       "    1E5\n"
		       "  ]\n"
		       "}");
	free(all);
	CHECK(tb.n > 3 && tb.lines[2].ref == 1 && tb.lines[3].ref == 1);
	tb_free(&tb);
}

TEST(huge_string_is_cut)
{
	size_t big = 10 * 1024 * 1024, i;
	char *j = xmalloc(big + 16);
	struct textbuf tb = { 0 };

	j[0] = '[';
	j[1] = '"';
	for (i = 0; i < big; i++)
		j[2 + i] = (char)('a' + i % 26);
	memcpy(j + 2 + big, "\"]", 3);
	CHECK_INT(json_render(j, big + 4, NULL, &tb), 2);
	CHECK_INT(tb.n, 3);
	CHECK(tb.n == 3 && tb.lines[1].len < JSON_STRING_CAP + 64);
	CHECK_HAS(line(&tb, 1), "… 10.0 MB more\"");
	CHECK_INT(slot_at(&tb, 1, JSON_STRING_CAP + 8), SLOT_MARKER);
	tb_free(&tb);

	/* A cut never splits a UTF-8 sequence. */
	{
		struct json_render_opts o = { 0 };
		const char *u = "\"\xc3\xa9\xc3\xa9\xc3\xa9\"";

		o.string_cap = 3;
		json_render(u, strlen(u), &o, &tb);
		CHECK_STR(line(&tb, 0), "\"\xc3\xa9 … 4 bytes more\"");
		tb_free(&tb);
	}
	free(j);
}

TEST(invalid_json_is_text)
{
	const char *j = "not json\n\x1b[2Jsecond line";
	struct textbuf tb = { 0 };

	CHECK_INT(json_render(j, strlen(j), NULL, &tb), 0);
	CHECK_INT(tb.n, 3);
	CHECK_HAS(line(&tb, 0), "not JSON (line 1, column 1");
	CHECK(tb.lines[0].flags & JSON_LINE_MARKER);
	CHECK_STR(line(&tb, 1), "not json");
	CHECK_STR(line(&tb, 2), "^[[2Jsecond line");
	CHECK(tb.n == 3 && (tb.lines[2].flags & JSON_LINE_TEXT));
	CHECK(all_safe(&tb));
	tb_free(&tb);
}

TEST(hostile_strings_escaped)
{
	const char *j = "{\"\\u001b[31mkey\": \"val\\u001b]0;title\\u0007 \\u202e rtl \\u009b \\t tab\"}";
	struct textbuf tb = { 0 };

	json_render(j, strlen(j), NULL, &tb);
	CHECK_HAS(line(&tb, 1), "\"^[[31mkey\": ");
	CHECK_HAS(line(&tb, 1), "val^[]0;title^G <U+202E> rtl \\x9b      tab");
	CHECK(all_safe(&tb));
	/* The escapes are drawn in their own slot. */
	CHECK_INT(slot_at(&tb, 1, 3), SLOT_ESCAPE);
	tb_free(&tb);
}

TEST(deep_nesting_bounded)
{
	struct strbuf sb = STRBUF_INIT;
	struct textbuf tb = { 0 };
	size_t i, maxlen = 0;

	for (i = 0; i < 1000; i++)
		sb_addc(&sb, '[');
	for (i = 0; i < 1000; i++)
		sb_addc(&sb, ']');
	CHECK_INT(json_render(sb.buf, sb.len, NULL, &tb), 1000);
	CHECK_INT(tb.n, 1999);
	for (i = 0; i < tb.n; i++)
		if (tb.lines[i].len > maxlen)
			maxlen = tb.lines[i].len;
	CHECK(maxlen <= 70);
	CHECK(tb.n > 998 && tb.lines[998].depth == 998);
	tb_free(&tb);

	sb_reset(&sb);
	for (i = 0; i < 1001; i++)
		sb_addc(&sb, '[');
	for (i = 0; i < 1001; i++)
		sb_addc(&sb, ']');
	CHECK_INT(json_render(sb.buf, sb.len, NULL, &tb), 0);
	CHECK_HAS(line(&tb, 0), "nested deeper than 1000 levels");
	CHECK_INT(tb.n, 2);
	CHECK(tb.n == 2 && tb.lines[1].len < JSON_STRING_CAP + 64);
	tb_free(&tb);
	sb_free(&sb);
}

TEST(line_budget)
{
	struct strbuf sb = STRBUF_INIT;
	struct textbuf tb = { 0 };
	struct json_render_opts o = { 0 };
	size_t i;

	sb_addc(&sb, '[');
	for (i = 0; i < 1000; i++)
		sb_addf(&sb, "%s%zu", i ? "," : "", i);
	sb_addc(&sb, ']');
	o.max_lines = 100;
	CHECK_INT(json_render(sb.buf, sb.len, &o, &tb), 1001);
	CHECK_INT(tb.n, 101);
	CHECK_HAS(line(&tb, 100), "output cut at 100 lines");
	CHECK(tb.n == 101 && (tb.lines[100].flags & JSON_LINE_MARKER));
	tb_free(&tb);
	sb_free(&sb);
}

/* A span detail with only inputs and outputs. */
static void detail_io(struct span_detail *d, const char *in, const char *out)
{
	memset(d, 0, sizeof *d);
	d->inputs = in;
	d->outputs = out;
}

TEST(chat_openai_with_tools)
{
	const char *in =
		"{\"model\": \"gpt-4o\", \"messages\": ["
		"{\"role\": \"system\", \"content\": \"You are helpful.\"},"
		"{\"role\": \"user\", \"content\": \"Weather in Paris?\\nAnd Rome?\"},"
		"{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"call_1\", "
		"\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
		"\"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}}]},"
		"{\"role\": \"tool\", \"tool_call_id\": \"call_1\", \"content\": \"{\\\"temp\\\": 20}\"}]}";
	const char *out =
		"{\"id\": \"x\", \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", "
		"\"content\": \"It is 20\\u00b0C in Paris.\"}, \"finish_reason\": \"stop\"}]}";
	struct span_detail d;
	struct textbuf tb = { 0 };
	char *all;

	detail_io(&d, in, out);
	CHECK_INT(chat_render(&d, &tb), 5);
	all = lines_of(&tb);
	CHECK_STR(all, "system\n"
		       "  You are helpful.\n"
		       "\n"
		       "user\n"
		       "  Weather in Paris?\n"
		       "  And Rome?\n"
		       "\n"
		       "assistant\n"
		       "  → get_weather({\"city\": \"Paris\"})\n"
		       "\n"
		       "tool  call_1\n"
		       "  ← {\"temp\": 20}\n"
		       "\n"
		       "assistant\n"
		       "  It is 20\xc2\xb0" "C in Paris.");
	free(all);
	CHECK_INT(slot_at(&tb, 0, 0), SLOT_ROLE_SYSTEM);
	CHECK_INT(slot_at(&tb, 3, 0), SLOT_ROLE_USER);
	CHECK_INT(slot_at(&tb, 7, 0), SLOT_ROLE_ASSISTANT);
	CHECK_INT(slot_at(&tb, 8, 2), SLOT_ROLE_TOOL);
	CHECK_INT(slot_at(&tb, 10, 0), SLOT_ROLE_TOOL);
	CHECK(tb.lines[0].flags & CHAT_LINE_ROLE);
	CHECK_INT(tb.lines[4].ref, 1);
	CHECK_INT(tb.lines[13].ref, 4);
	tb_free(&tb);
}

TEST(chat_anthropic_blocks)
{
	const char *in =
		"{\"system\": \"Be brief\", \"messages\": ["
		"{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"hi\"}, "
		"{\"type\": \"image\", \"source\": {}}]},"
		"{\"role\": \"assistant\", \"content\": [{\"type\": \"tool_use\", \"id\": \"tu1\", "
		"\"name\": \"lookup\", \"input\": {\"q\": \"x\"}}]},"
		"{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"tu1\", "
		"\"content\": \"found\\nit\"}]}]}";
	const char *out = "{\"type\": \"message\", \"role\": \"assistant\", "
			  "\"content\": [{\"type\": \"text\", \"text\": \"done\"}]}";
	struct span_detail d;
	struct textbuf tb = { 0 };
	char *all;

	detail_io(&d, in, out);
	CHECK_INT(chat_render(&d, &tb), 5);
	all = lines_of(&tb);
	CHECK_STR(all, "system\n  Be brief\n\n"
		       "user\n  hi\n  [image]\n\n"
		       "assistant\n  → lookup({\"q\": \"x\"})\n\n"
		       "user\n  ← found\n    it\n\n"
		       "assistant\n  done");
	free(all);
	tb_free(&tb);
}

TEST(chat_otel_genai_parts)
{
	const char *in = "[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"Hello\"}]}]";
	const char *out = "[{\"role\": \"assistant\", \"parts\": [{\"type\": \"text\", \"content\": \"Hi!\"}, "
			  "{\"type\": \"tool_call\", \"id\": \"c1\", \"name\": \"f\", \"arguments\": {\"a\": 1}}], "
			  "\"finish_reason\": \"stop\"}]";
	struct span_detail d;
	struct textbuf tb = { 0 };
	char *all;

	detail_io(&d, in, out);
	CHECK_INT(chat_render(&d, &tb), 2);
	all = lines_of(&tb);
	CHECK_STR(all, "user\n  Hello\n\nassistant\n  Hi!\n  → f({\"a\": 1})");
	free(all);
	tb_free(&tb);
}

TEST(chat_langchain_and_dspy)
{
	const char *in = "{\"messages\": [[{\"content\": \"sys\", \"type\": \"system\"}, "
			 "{\"content\": \"What?\", \"type\": \"human\"}]]}";
	const char *out = "{\"generations\": [[{\"text\": \"Answer\", \"message\": "
			  "{\"content\": \"Answer\", \"type\": \"ai\"}}]]}";
	/* DSPy's LM.__call__: chat messages in, a list of completions out. */
	const char *din = "{\"messages\": [{\"role\": \"system\", \"content\": \"Your input fields are:\"}, "
			  "{\"role\": \"user\", \"content\": \"[[ ## user_request ## ]]\\nbook a flight\"}]}";
	const char *dout = "[\"[[ ## next_thought ## ]]\\nI need to fetch flight information\"]";
	struct span_detail d;
	struct textbuf tb = { 0 };
	char *all;

	detail_io(&d, in, out);
	CHECK_INT(chat_render(&d, &tb), 3);
	all = lines_of(&tb);
	CHECK_STR(all, "system\n  sys\n\nuser\n  What?\n\nassistant\n  Answer");
	free(all);
	tb_free(&tb);

	detail_io(&d, din, dout);
	CHECK_INT(chat_render(&d, &tb), 3);
	CHECK_STR(line(&tb, 7), "assistant");
	CHECK_STR(line(&tb, 9), "  I need to fetch flight information");
	tb_free(&tb);
}

TEST(chat_not_a_chat)
{
	struct span_detail d;
	struct textbuf tb = { 0 };

	detail_io(&d, "{\"question\": \"x\"}", "\"y\"");
	CHECK_INT(chat_render(&d, &tb), 0);
	CHECK_INT(tb.n, 0);
	detail_io(&d, NULL, NULL);
	CHECK_INT(chat_render(&d, &tb), 0);
	detail_io(&d, "not json {", "[1, 2]");
	CHECK_INT(chat_render(&d, &tb), 0);
	CHECK_INT(tb.n, 0);
	/* A completion after a plain prompt. */
	detail_io(&d, "{\"prompt\": \"2+2?\"}", "{\"choices\": [{\"text\": \"4\"}]}");
	CHECK_INT(chat_render(&d, &tb), 2);
	CHECK_STR(line(&tb, 1), "  2+2?");
	tb_free(&tb);
}

TEST(chat_hostile_text)
{
	struct span_detail d;
	struct textbuf tb = { 0 };

	detail_io(&d, "[{\"role\": \"user\\u001b[1m\", \"content\": \"\\u001b]8;;http://x\\u0007click\"}]",
		  NULL);
	CHECK_INT(chat_render(&d, &tb), 1);
	CHECK_STR(line(&tb, 0), "user^[[1m");
	CHECK_STR(line(&tb, 1), "  ^[]8;;http://x^Gclick");
	CHECK(all_safe(&tb));
	tb_free(&tb);
}

static const char attrs_span[] =
	"{\"span_id\": \"0000000000000001\", \"name\": \"s\", \"start_time_unix_nano\": 1000, "
	"\"attributes\": {\"mlflow.spanType\": \"\\\"TOOL\\\"\", "
	"\"mlflow.spanInputs\": \"{\\\"name\\\": \\\"Adam\\\"}\", "
	"\"count\": \"3\", \"note\": \"\\\"two\\\\nlines\\\"\", \"raw\": \"not json\", "
	"\"long\": \"{\\\"a\\\": \\\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\", "
	"\\\"b\\\": [1, 2, \\\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\\\"]}\"}}";

TEST(attributes_rendered)
{
	struct span_detail d;
	struct err err = { 0 };
	struct textbuf tb = { 0 };
	char *all;

	CHECK_INT(span_detail_parse(attrs_span, &d, &err), 0);
	attrs_render(&d, 0, &tb);
	all = lines_of(&tb);
	CHECK_STR(all, "mlflow.spanType: TOOL\n"
		       "mlflow.spanInputs: {\"name\": \"Adam\"}\n"
		       "count: 3\n"
		       "note: two\n"
		       "  lines\n"
		       "raw: not json\n"
		       "long: {\n"
		       "  \"a\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\n"
		       "  \"b\": [\n"
		       "    1,\n"
		       "    2,\n"
		       "    \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n"
		       "  ]\n"
		       "}");
	free(all);
	CHECK_INT(tb.lines[0].ref, 0);
	CHECK_INT(tb.lines[7].ref, 5);   /* lines of one attribute share its index */
	CHECK_INT(slot_at(&tb, 0, 0), SLOT_JSON_KEY);
	CHECK_INT(slot_at(&tb, 0, 17), SLOT_JSON_STRING);
	CHECK_INT(slot_at(&tb, 2, 7), SLOT_JSON_NUMBER);
	tb_free(&tb);

	attrs_render(&d, ATTRS_SKIP_IO, &tb);
	CHECK_STR(line(&tb, 1), "count: 3");
	tb_free(&tb);
	span_detail_free(&d);
}

static const char events_span[] =
	"{\"span_id\": \"9a1b2c3d4e5f6071\", \"name\": \"q\", \"start_time_unix_nano\": 1767268800123000000, "
	"\"events\": [{\"name\": \"exception\", \"time_unix_nano\": 1767268800900000000, "
	"\"attributes\": {\"exception.type\": \"ValueError\", \"exception.message\": \"boom\", "
	"\"exception.stacktrace\": \"Traceback (most recent call last):\\n  File \\\"a.py\\\", line 1\\nValueError: boom\", "
	"\"exception.escaped\": \"False\"}}, "
	"{\"name\": \"retry\", \"time_unix_nano\": 1767268800950000000, \"attributes\": {\"attempt\": 2}}], "
	"\"status\": {\"code\": \"ERROR\", \"message\": \"ValueError: boom\"}, \"attributes\": {}}";

TEST(events_rendered)
{
	struct span_detail d;
	struct err err = { 0 };
	struct textbuf tb = { 0 };
	char *all;

	CHECK_INT(span_detail_parse(events_span, &d, &err), 0);
	events_render(&d, &tb);
	all = lines_of(&tb);
	CHECK_STR(all, "exception  +777.0ms\n"
		       "  ValueError: boom\n"
		       "    Traceback (most recent call last):\n"
		       "      File \"a.py\", line 1\n"
		       "    ValueError: boom\n"
		       "  exception.escaped: False\n"
		       "retry  +827.0ms\n"
		       "  attempt: 2");
	free(all);
	CHECK_INT(slot_at(&tb, 0, 0), SLOT_STATUS_ERROR);
	CHECK_INT(slot_at(&tb, 1, 2), SLOT_STATUS_ERROR);
	CHECK_INT(slot_at(&tb, 0, 11), SLOT_TIME);
	CHECK_INT(slot_at(&tb, 6, 0), SLOT_NAME);
	CHECK_INT(tb.lines[7].ref, 1);
	tb_free(&tb);
	span_detail_free(&d);
}

/* From a real MLflow store: the span's start in ns, its exception event's
 * time_unix_nano in microseconds (shown as -1770422932.018s before). */
static const char micro_events_span[] =
	"{\"span_id\": \"9a1b2c3d4e5f6071\", \"name\": \"q\", "
	"\"start_time_unix_nano\": 1772195127145361471, \"end_time_unix_nano\": 1772195127525361471, "
	"\"events\": [{\"name\": \"exception\", \"time_unix_nano\": 1772195127425930, "
	"\"attributes\": {\"exception.type\": \"TimeoutError\"}}], "
	"\"status\": {\"code\": \"STATUS_CODE_ERROR\", \"message\": \"\"}, \"attributes\": {}}";

TEST(event_time_in_microseconds)
{
	struct span_detail d;
	struct err err = { 0 };
	struct textbuf tb = { 0 };
	char *all;

	CHECK_INT(span_detail_parse(micro_events_span, &d, &err), 0);
	CHECK_INT(d.nevents, 1);
	if (d.nevents == 1)
		CHECK(d.events[0].time_ns == 1772195127425930000LL);
	events_render(&d, &tb);
	all = lines_of(&tb);
	CHECK_STR(all, "exception  +280.6ms\n"
		       "  TimeoutError");
	free(all);
	tb_free(&tb);
	span_detail_free(&d);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	RUN(pretty_lines_refs_and_slots);
	RUN(folding_keeps_ids);
	RUN(multiline_strings_and_exact_numbers);
	RUN(huge_string_is_cut);
	RUN(invalid_json_is_text);
	RUN(hostile_strings_escaped);
	RUN(deep_nesting_bounded);
	RUN(line_budget);
	RUN(chat_openai_with_tools);
	RUN(chat_anthropic_blocks);
	RUN(chat_otel_genai_parts);
	RUN(chat_langchain_and_dspy);
	RUN(chat_not_a_chat);
	RUN(chat_hostile_text);
	RUN(attributes_rendered);
	RUN(events_rendered);
	RUN(event_time_in_microseconds);
	TEST_MAIN_END();
}
