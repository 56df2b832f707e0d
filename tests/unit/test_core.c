/* Pure core: span tree building, sanitising of untrusted text, widths,
 * formatting helpers. */
#include <locale.h>

#include "core/model.h"
#include "core/preview.h"
#include "core/question.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "test.h"

static void add(struct trace *t, const char *id, const char *parent, int64_t start)
{
	struct span s = { 0 };

	s.id = xstrdup(id);
	s.parent_id = xstrdup_or_null(parent);
	s.name = xstrdup(id);
	s.start_ns = start;
	s.end_ns = start + 10;
	trace_add_span(t, &s);
}

/* Preorder as "id@depth" joined by spaces. */
static char *preorder(const struct trace *t)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = t->first_root; i != SPAN_NONE; i = span_tree_next(t, i, false))
		sb_addf(&sb, "%s%s@%d", sb.len ? " " : "", t->spans[i].id, t->spans[i].depth);
	return sb_take(&sb);
}

TEST(tree_orders_children_by_start)
{
	struct trace t = { 0 };
	char *s;

	add(&t, "c2", "root", 30);
	add(&t, "root", NULL, 0);
	add(&t, "c1", "root", 20);
	add(&t, "g1", "c1", 25);
	span_tree_build(&t);
	s = preorder(&t);
	CHECK_STR(s, "root@0 c1@1 g1@2 c2@1");
	free(s);
	trace_free(&t);
}

TEST(tree_orphans_become_roots)
{
	struct trace t = { 0 };
	char *s;

	add(&t, "root", NULL, 0);
	add(&t, "lost", "nothere", 5);
	add(&t, "kid", "lost", 6);
	span_tree_build(&t);
	s = preorder(&t);
	CHECK_STR(s, "root@0 lost@0 kid@1");
	CHECK(t.spans[1].flags & SPAN_F_ORPHAN);
	CHECK(!(t.spans[2].flags & SPAN_F_ORPHAN));
	free(s);
	trace_free(&t);
}

TEST(tree_cycles_are_cut)
{
	struct trace t = { 0 };
	char *s;
	size_t i, n = 0, cut = 0;

	add(&t, "a", "c", 0);
	add(&t, "b", "a", 1);
	add(&t, "c", "b", 2);
	add(&t, "self", "self", 3);
	span_tree_build(&t);
	s = preorder(&t);
	for (i = t.first_root; i != SPAN_NONE; i = span_tree_next(&t, i, false))
		n++;
	for (i = 0; i < t.nspans; i++)
		cut += (t.spans[i].flags & SPAN_F_CYCLE) != 0;
	CHECK_INT(n, 4);   /* every span reachable exactly once */
	CHECK_INT(cut, 2); /* one cut in the 3-cycle, one self-loop */
	CHECK_HAS(s, "self@0");
	free(s);
	trace_free(&t);
}

TEST(tree_duplicates_flagged)
{
	struct trace t = { 0 };

	add(&t, "a", NULL, 0);
	add(&t, "a", NULL, 1);
	span_tree_build(&t);
	CHECK(t.spans[1].flags & SPAN_F_DUPLICATE);
	CHECK(t.first_root != SPAN_NONE);
	trace_free(&t);
}

TEST(tree_skip_children_when_folded)
{
	struct trace t = { 0 };

	add(&t, "r", NULL, 0);
	add(&t, "a", "r", 1);
	add(&t, "a1", "a", 2);
	add(&t, "b", "r", 3);
	span_tree_build(&t);
	CHECK_INT(span_tree_next(&t, 1, true), 3);
	CHECK_INT(span_tree_next(&t, 1, false), 2);
	trace_free(&t);
}

static char *san(const char *s, size_t n)
{
	return sanitize_dup(s, n);
}

TEST(sanitize_escapes_controls)
{
	char *s;

	s = san("a\x1b]0;pwned\x07z", 12);
	CHECK_STR(s, "a^[]0;pwned^Gz");
	free(s);
	s = san("\x1b[2J\x1b[H", 7);
	CHECK_STR(s, "^[[2J^[[H");
	free(s);
	s = san("nul\0x", 5);
	CHECK_STR(s, "nul^@x");
	free(s);
	s = san("del\x7f", 4);
	CHECK_STR(s, "del^?");
	free(s);
}

TEST(sanitize_escapes_c1_bidi_invalid)
{
	char *s;

	s = san("\xc2\x9b" "31m", 5);        /* U+009B CSI */
	CHECK_STR(s, "\\x9b31m");
	free(s);
	s = san("\x9b", 1);                   /* raw C1 byte: invalid UTF-8 */
	CHECK_STR(s, "\\x9b");
	free(s);
	s = san("abc\xe2\x80\xae" "def", 9);  /* U+202E RLO */
	CHECK_STR(s, "abc<U+202E>def");
	free(s);
	s = san("\xe2\x81\xa6x", 4);          /* U+2066 LRI */
	CHECK_STR(s, "<U+2066>x");
	free(s);
	s = san("\xff\xfe", 2);
	CHECK_STR(s, "\\xff\\xfe");
	free(s);
	s = san("\xed\xa0\x80", 3);           /* encoded surrogate */
	CHECK_STR(s, "\\xed\\xa0\\x80");
	free(s);
	s = san("\xc0\xaf", 2);               /* overlong */
	CHECK_STR(s, "\\xc0\\xaf");
	free(s);
}

TEST(sanitize_keeps_printable_unicode)
{
	char *s = san("caf\xc3\xa9 \xe4\xb8\xad\xf0\x9f\x98\x80", 13);

	CHECK_STR(s, "caf\xc3\xa9 \xe4\xb8\xad\xf0\x9f\x98\x80");
	CHECK_INT(text_width(s, strlen(s)), 9); /* c a f é space 中(2) 😀(2) */
	free(s);
}

TEST(textbuf_marks_escape_segments)
{
	struct textbuf tb = { 0 };
	struct tb_line *l;

	tb_put_untrusted(&tb, SLOT_NAME, "x\x1b[31my", 7);
	l = &tb.lines[0];
	CHECK_INT(l->nsegs, 3);
	CHECK_INT(l->segs[1].slot, SLOT_ESCAPE);
	CHECK_STR(l->text, "x^[[31my");
	CHECK_INT(l->width, 8);
	tb_free(&tb);
}

TEST(textbuf_splits_lines)
{
	struct textbuf tb = { 0 };

	tb_put_untrusted_lines(&tb, SLOT_DEFAULT, "one\r\ntwo\nthree", 14, 2);
	CHECK_INT(tb.n, 3);
	CHECK_STR(tb.lines[0].text, "one");
	CHECK_STR(tb.lines[1].text, "  two");
	CHECK_STR(tb.lines[2].text, "  three");
	tb_free(&tb);
}

TEST(fit_respects_wide_chars)
{
	const char *s = "\xe4\xb8\xad\xe4\xb8\xad" "ab";
	int used;

	CHECK_INT(text_fit(s, strlen(s), 3, &used), 3);
	CHECK_INT(used, 2);
	CHECK_INT(text_fit(s, strlen(s), 5, &used), 7);
	CHECK_INT(used, 5);
}

TEST(formatting_helpers)
{
	char buf[64];
	int64_t ms, ns;

	fmt_count(buf, sizeof buf, 1234567);
	CHECK_STR(buf, "1,234,567");
	fmt_count(buf, sizeof buf, 12);
	CHECK_STR(buf, "12");
	fmt_duration_ms(buf, sizeof buf, 842);
	CHECK_STR(buf, "842ms");
	fmt_duration_ms(buf, sizeof buf, 19400);
	CHECK_STR(buf, "19.40s");
	fmt_rfc3339_ms(buf, sizeof buf, 1767268800123LL);
	CHECK_STR(buf, "2026-01-01T12:00:00.123Z");
	CHECK_INT(parse_rfc3339_ms("2026-01-01T12:00:00.123Z", &ms), 0);
	CHECK_INT(ms, 1767268800123LL);
	CHECK_INT(parse_rfc3339_ms("2026-01-01T12:00:00Z", &ms), 0);
	CHECK_INT(ms, 1767268800000LL);
	CHECK_INT(parse_rfc3339_ms("2026-01-01T13:00:00.5+01:00", &ms), 0);
	CHECK_INT(ms, 1767268800500LL);
	CHECK_INT(parse_rfc3339_ms("yesterday", &ms), -1);
	/* Beyond what 64-bit nanoseconds hold: refused, not wrapped. */
	CHECK_INT(parse_rfc3339_ns("4052-01-01T00:00:00Z", &ns), -1);
	CHECK_INT(parse_rfc3339_ns("1600-01-01T00:00:00Z", &ns), -1);
	CHECK_INT(parse_rfc3339_ns("2262-01-01T00:00:00Z", &ns), 0);
	CHECK_INT(ns, 9214646400000000000LL);
	CHECK_INT(parse_rfc3339_ns("2026-01-01T-1:00:00Z", &ns), -1);
	/* Doubles from a file: in range converts toward zero, the rest refused. */
	CHECK_INT(double_to_int64(-2.9, &ns), 0);
	CHECK_INT(ns, -2);
	CHECK_INT(double_to_int64(9223372036854775807.0, &ns), -1);
	CHECK_INT(double_to_int64(1e300, &ns), -1);
	CHECK_INT(double_to_int64(-1e300, &ns), -1);
	CHECK_INT(double_to_int64(0.0 / 0.0, &ns), -1);
	CHECK_INT(double_to_int64(-9223372036854775808.0, &ns), -1);
}

TEST(question_rule_root_span_is_the_trace)
{
	/* A judge's row on the root span and a trace-level row: one question. */
	CHECK(question_target(NULL, "r00t") == NULL);
	CHECK(question_target("", "r00t") == NULL);
	CHECK(question_target("r00t", "r00t") == NULL);
	CHECK_STR(question_target("c41d", "r00t"), "c41d");
	CHECK_STR(question_target("r00t", NULL), "r00t");
	CHECK(question_same("correct", NULL, "correct", "r00t", "r00t"));
	CHECK(question_same("correct", "", "correct", NULL, "r00t"));
	CHECK(question_same("correct", "c41d", "correct", "c41d", "r00t"));
	CHECK(!question_same("correct", "c41d", "correct", NULL, "r00t"));
	CHECK(!question_same("correct", "c41d", "correct", "r00t", "r00t"));
	CHECK(!question_same("correct", NULL, "helpful", NULL, "r00t"));
	/* Without a known root, a span row is not the trace's. */
	CHECK(!question_same("correct", NULL, "correct", "r00t", NULL));
}

/* The text of a preview, or "=" when it is left as it is. */
static char *pv(const char *in)
{
	struct strbuf sb = STRBUF_INIT;

	if (!preview_text(in, strlen(in), &sb)) {
		sb_free(&sb);
		return xstrdup("=");
	}
	return sb_take(&sb);
}

#define CHECK_PV(in, want) do { \
	char *got_ = pv(in); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

TEST(preview_text_finds_the_words)
{
	char big[9000];
	size_t i;

	/* The real DSPy store's request preview; the demo's string response. */
	CHECK_PV("{\"user_request\": \"please help me book a flight from SFO to JFK on 09/01/2025, "
		 "my name is Adam\"}",
		 "please help me book a flight from SFO to JFK on 09/01/2025, my name is Adam");
	CHECK_PV("\"Create a CNAME record from your domain\"", "Create a CNAME record from your domain");
	/* Cut at 1000 characters, inside the string or an escape. */
	CHECK_PV("{\"question\": \"How do I point my own dom", "How do I point my own dom");
	CHECK_PV("{\"text\": \"hallo, ich kann mich seit heute fr\\u00fch nicht", "hallo, ich kann mich seit heute früh nicht");
	CHECK_PV("{\"text\": \"caf\\u00", "caf");
	CHECK_PV("\"escapes \\\"quoted\\\" \\n new", "escapes \"quoted\" \n new");
	/* Chat messages: the last user message. */
	CHECK_PV("{\"messages\": [{\"role\": \"system\", \"content\": \"You are terse.\"}, "
		 "{\"role\": \"user\", \"content\": \"Why is my invoice higher?\"}, "
		 "{\"role\": \"assistant\", \"content\": \"Because", "Why is my invoice higher?");
	CHECK_PV("[{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Hi there\"}]}]", "Hi there");
	CHECK_PV("[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", \"content\": \"OTel hello\"}]}]",
		 "OTel hello");
	CHECK_PV("[{\"content\": \"sys\", \"type\": \"system\"}, {\"content\": \"What?\", \"type\": \"human\"}]",
		 "What?");
	CHECK_PV("[{\"role\": \"assistant\", \"content\": \"Only me\"}]", "Only me");
	CHECK_PV("{\"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", "
		 "\"content\": \"The answer\"}}]}", "The answer");
	CHECK_PV("[\"[[ ## next_thought ## ]]\\nI need\"]", "[[ ## next_thought ## ]]\nI need");
	/* Left alone: several fields, numbers, text that is no JSON. */
	CHECK_PV("{\"trajectory\": {\"thought_0\": \"I need to fetch\"}, \"reasoning\": \"x\"}", "=");
	CHECK_PV("{\"question\": \"a\", \"context\": \"b\"}", "=");
	CHECK_PV("{\"n\": 4}", "=");
	CHECK_PV("42", "=");
	CHECK_PV("plain words", "=");
	CHECK_PV("", "=");
	CHECK_PV("[1, 2]", "=");
	/* Hostile nesting stays bounded. */
	for (i = 0; i < sizeof big - 1; i++)
		big[i] = i % 2 ? '[' : '{';
	big[sizeof big - 1] = '\0';
	CHECK_PV(big, "=");
	for (i = 0; i < sizeof big - 1; i++)
		big[i] = '[';
	CHECK_PV(big, "=");
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	RUN(tree_orders_children_by_start);
	RUN(tree_orphans_become_roots);
	RUN(tree_cycles_are_cut);
	RUN(tree_duplicates_flagged);
	RUN(tree_skip_children_when_folded);
	RUN(sanitize_escapes_controls);
	RUN(sanitize_escapes_c1_bidi_invalid);
	RUN(sanitize_keeps_printable_unicode);
	RUN(textbuf_marks_escape_segments);
	RUN(textbuf_splits_lines);
	RUN(fit_respects_wide_chars);
	RUN(formatting_helpers);
	RUN(question_rule_root_span_is_the_trace);
	RUN(preview_text_finds_the_words);
	TEST_MAIN_END();
}
