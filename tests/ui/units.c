/*
 * Unit tests of the browser's pure parts: the line editor, slicing and
 * fitting of styled lines, the pane layout, the text helpers, and the
 * keyset window over a real store (argv[1]: a store with the traces of
 * tests/ui/data/browse.sql).  Built and run by tests/ui/units.sh.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"

#include "core/strbuf.h"
#include "core/util.h"
#include "store/store.h"
#include "ui/app.h"
#include "ui/frame.h"
#include "ui/layout.h"
#include "ui/lineedit.h"
#include "ui/tlist.h"

static const char *store_path;

/* ---- the line editor ------------------------------------------------- */

TEST(lineedit_utf8_moves_and_deletes)
{
	struct lineedit e;

	le_init(&e, "", NULL);
	le_insert_text(&e, "héllo wörld", strlen("héllo wörld"));
	le_action(&e, ACT_EDIT_LEFT);
	le_action(&e, ACT_EDIT_LEFT);
	le_action(&e, ACT_EDIT_LEFT);
	le_action(&e, ACT_EDIT_BACKSPACE);       /* the ö, two bytes */
	CHECK_STR(le_text(&e), "héllo wrld");
	le_action(&e, ACT_EDIT_HOME);
	le_action(&e, ACT_EDIT_RIGHT);
	le_action(&e, ACT_EDIT_DELETE);          /* the é */
	CHECK_STR(le_text(&e), "hllo wrld");
	le_action(&e, ACT_EDIT_END);
	CHECK_INT(e.cur, strlen("hllo wrld"));
	le_free(&e);
}

TEST(lineedit_words_and_kills)
{
	struct lineedit e;

	le_init(&e, "filter trace.name = 'x'", NULL);
	le_action(&e, ACT_EDIT_DELETE_WORD);     /* the quote, then the word */
	CHECK_STR(le_text(&e), "filter trace.name = '");
	le_action(&e, ACT_EDIT_WORD_LEFT);
	CHECK_INT(e.cur, strlen("filter trace."));
	le_action(&e, ACT_EDIT_KILL_LINE);
	CHECK_STR(le_text(&e), "filter trace.");
	le_action(&e, ACT_EDIT_WORD_LEFT);
	le_action(&e, ACT_EDIT_WORD_RIGHT);
	CHECK_INT(e.cur, strlen("filter trace"));
	le_action(&e, ACT_EDIT_KILL_START);
	CHECK_STR(le_text(&e), ".");
	CHECK_INT(e.cur, 0);
	le_free(&e);
}

TEST(lineedit_refuses_controls_keeps_pasted_bytes_visible)
{
	struct lineedit e;
	struct tb_line l;

	le_init(&e, "", NULL);
	CHECK(!le_insert_cp(&e, 27));
	CHECK(!le_insert_cp(&e, 0x9b));
	CHECK(le_insert_cp(&e, 'a'));
	le_insert_text(&e, "\x1b[2J\xff", 5);
	memset(&l, 0, sizeof l);
	le_render(&e, 40, &l, SLOT_PROMPT);
	CHECK_STR(l.text, "a^[[2J\\xff");
	/* An invalid byte is one step for the cursor. */
	le_action(&e, ACT_EDIT_BACKSPACE);
	CHECK_STR(le_text(&e), "a\x1b[2J");
	free(l.text);
	free(l.segs);
	le_free(&e);
}

TEST(lineedit_history_keeps_the_draft)
{
	struct le_history h;
	struct lineedit e;

	memset(&h, 0, sizeof h);
	le_history_add(&h, "sort name");
	le_history_add(&h, "sort name");   /* no repeats */
	le_history_add(&h, "theme mono");
	CHECK_INT(h.n, 2);
	le_init(&e, "half typed", &h);
	le_action(&e, ACT_EDIT_HISTORY_PREV);
	CHECK_STR(le_text(&e), "theme mono");
	le_action(&e, ACT_EDIT_HISTORY_PREV);
	CHECK_STR(le_text(&e), "sort name");
	le_action(&e, ACT_EDIT_HISTORY_PREV);
	CHECK_STR(le_text(&e), "sort name");
	le_action(&e, ACT_EDIT_HISTORY_NEXT);
	le_action(&e, ACT_EDIT_HISTORY_NEXT);
	CHECK_STR(le_text(&e), "half typed");
	le_free(&e);
	le_history_free(&h);
}

TEST(lineedit_scrolls_to_the_cursor)
{
	struct lineedit e;
	struct tb_line l;
	int cx;

	le_init(&e, "0123456789abcdefghij", NULL);
	memset(&l, 0, sizeof l);
	cx = le_render(&e, 10, &l, SLOT_PROMPT);
	CHECK_INT(cx, 9);
	CHECK_STR(l.text, "bcdefghij");
	free(l.text);
	free(l.segs);
	le_action(&e, ACT_EDIT_HOME);
	memset(&l, 0, sizeof l);
	cx = le_render(&e, 10, &l, SLOT_PROMPT);
	CHECK_INT(cx, 0);
	CHECK_STR(l.text, "0123456789");
	free(l.text);
	free(l.segs);
	le_free(&e);
}

/* ---- styled lines ------------------------------------------------------ */

TEST(slice_cuts_wide_characters_into_spaces)
{
	struct tb_line src, dst;

	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	tb_line_put_untrusted(&src, SLOT_NAME, "ab日本cd", strlen("ab日本cd"));
	CHECK_INT(src.width, 8);
	CHECK_INT(tb_line_slice(&dst, &src, 3, 4), 4);   /* half of 日, 本, c */
	CHECK_STR(dst.text, " 本c");
	free(dst.text);
	free(dst.segs);
	memset(&dst, 0, sizeof dst);
	CHECK_INT(tb_line_slice(&dst, &src, 0, 3), 3);   /* a, b, half of 日 */
	CHECK_STR(dst.text, "ab ");
	free(dst.text);
	free(dst.segs);
	free(src.text);
	free(src.segs);
}

TEST(fit_collapses_whitespace_and_marks_the_cut)
{
	struct tb_line l;

	memset(&l, 0, sizeof l);
	CHECK_INT(tb_line_put_untrusted_fit(&l, SLOT_PREVIEW, "  a\r\n\tb   c", 11, 10, true), 5);
	CHECK_STR(l.text, "a b c");
	free(l.text);
	free(l.segs);
	memset(&l, 0, sizeof l);
	CHECK_INT(tb_line_put_untrusted_fit(&l, SLOT_PREVIEW, "abcdefghij", 10, 6, false), 6);
	CHECK_STR(l.text, "abcde…");
	free(l.text);
	free(l.segs);
}

TEST(fit_reads_only_what_it_shows)
{
	size_t n = 10 * 1024 * 1024;
	char *big = xmalloc(n + 1);
	struct tb_line l;
	clock_t t0;

	memset(big, 'x', n);
	big[n] = '\0';
	memset(&l, 0, sizeof l);
	t0 = clock();
	tb_line_put_untrusted_fit(&l, SLOT_PREVIEW, big, n, 80, true);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 0.2);
	CHECK_INT(l.width, 80);
	free(l.text);
	free(l.segs);
	free(big);
}

TEST(mark_splits_segments)
{
	struct tb_line l;

	memset(&l, 0, sizeof l);
	tb_line_put(&l, SLOT_NAME, "Lookup_docs ", 12);
	tb_line_put(&l, SLOT_DIM, "lookup", 6);
	tb_line_mark(&l, "LOOKUP", SLOT_MATCH);
	CHECK_INT(l.nsegs, 3);
	CHECK_INT(l.segs[0].slot, SLOT_MATCH);
	CHECK_INT(l.segs[0].len, 6);
	CHECK_INT(l.segs[1].slot, SLOT_NAME);
	CHECK_INT(l.segs[2].slot, SLOT_MATCH);
	free(l.text);
	free(l.segs);
}

/* ---- layout -------------------------------------------------------------- */

TEST(layout_stacked_and_wide)
{
	struct trace_layout lay;
	int i, h = 0;

	layout_trace(24, 80, PANE_TREE, -1, &lay);
	CHECK_INT(lay.vsplit, -1);
	for (i = 0; i < PANE_COUNT_; i++)
		h += lay.pane[i].h;
	CHECK_INT(h, 22);
	CHECK_INT(lay.pane[PANE_TREE].y, 1);
	CHECK_INT(lay.pane[PANE_FEEDBACK].y + lay.pane[PANE_FEEDBACK].h, 23);
	layout_trace(24, 80, PANE_TREE, 3, &lay);
	CHECK_INT(lay.pane[PANE_TREE].h, 4);
	layout_trace(40, 140, PANE_DETAIL, -1, &lay);
	CHECK(lay.vsplit > 0);
	CHECK_INT(lay.pane[PANE_TREE].h, 38);
	CHECK_INT(lay.pane[PANE_DETAIL].x, lay.vsplit + 1);
	CHECK_INT(lay.pane[PANE_DETAIL].h + lay.pane[PANE_FEEDBACK].h, 38);
	CHECK_INT(lay.pane[PANE_DETAIL].w + lay.pane[PANE_TREE].w + 1, 140);
}

/* ---- text helpers -------------------------------------------------------- */

TEST(json_strings_decode)
{
	char *s;

	s = ui_json_string(" \"a\\n\\u00e9\\ud83d\\ude00\\\"\" ");
	CHECK_STR(s, "a\né😀\"");
	free(s);
	s = ui_json_string("\"\\ud800 lone\"");
	CHECK_STR(s, "\xef\xbf\xbd lone");
	free(s);
	s = ui_json_string("\"nul \\u0000\"");
	CHECK_STR(s, "nul \\u0000");
	free(s);
	CHECK_NULL(ui_json_string("42"));
	CHECK_NULL(ui_json_string("\"open"));
	CHECK_NULL(ui_json_string("\"a\" tail"));
}

TEST(feedback_glyphs)
{
	static const struct {
		const char *json, *want;
		enum slot slot;
	} cases[] = {
		{ "true", "✓", SLOT_FB_TRUE },
		{ "false", "✗", SLOT_FB_FALSE },
		{ "\"yes\"", "✓", SLOT_FB_TRUE },
		{ "\" No \"", "✗", SLOT_FB_FALSE },
		{ "4", "4", SLOT_FB_VALUE },
		{ "0.85", "0.8", SLOT_FB_VALUE },
		{ "\"a long sentence\"", "a …", SLOT_FB_VALUE },
		{ "\"bug\"", "bug", SLOT_FB_VALUE },
		{ "\"b\\u001b[2J\"", "b^…", SLOT_FB_VALUE },
		{ "[1, 2]", "obj", SLOT_FB_VALUE },
		{ "null", "err", SLOT_FB_VALUE },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf sb = STRBUF_INIT;
		enum slot slot;

		ui_fb_glyph(cases[i].json, 3, &sb, &slot);
		CHECK_STR(sb_str(&sb), cases[i].want);
		CHECK_INT(slot, cases[i].slot);
		sb_free(&sb);
	}
}

/* ---- the keyset window --------------------------------------------------- */

static struct store *open_store(void)
{
	struct store *st = NULL;
	struct err err;

	if (!store_path || store_open(store_path, STORE_READONLY, &st, &err) < 0)
		return NULL;
	return st;
}

/* Every id of experiment 0, newest first, in one page. */
static size_t all_ids(struct store *st, char ***out)
{
	struct page_req r;
	struct trace_page p;
	struct err err;
	size_t i;

	memset(&r, 0, sizeof r);
	memset(&p, 0, sizeof p);
	r.limit = 1000;
	if (store_page_traces(st, &r, &p, &err) < 0)
		return 0;
	*out = xcalloc(p.n, sizeof **out);
	for (i = 0; i < p.n; i++)
		(*out)[i] = xstrdup(p.v[i].id);
	i = p.n;
	trace_page_free(&p);
	return i;
}

TEST(tlist_walks_the_whole_list_with_small_pages)
{
	struct store *st = open_store();
	struct tlist tl;
	struct err err;
	char **ids = NULL;
	size_t n, i, maxheld = 0;

	CHECK(st != NULL);
	if (!st)
		return;
	n = all_ids(st, &ids);
	CHECK_INT(n, 44);
	tlist_init(&tl, st);
	tl.height = 2;
	CHECK_INT(tlist_reload(&tl, &err), 0);
	for (i = 0; i < n; i++) {
		const struct trace_row *r = tlist_selected(&tl);

		CHECK(r && strcmp(r->id, ids[i]) == 0);
		CHECK_INT(tlist_abs(&tl, tl.sel), (int64_t)i);
		if (tl.n > maxheld)
			maxheld = tl.n;
		while (tlist_wants(&tl))
			tlist_prefetch(&tl, &err);
		tlist_move(&tl, 1, &err);
	}
	/* Only a few pages around the screen are ever held, never the list. */
	CHECK(maxheld < n);
	CHECK_INT(tlist_abs(&tl, tl.sel), 43);
	/* And back up to the top. */
	for (i = n; i-- > 0;) {
		const struct trace_row *r = tlist_selected(&tl);

		CHECK(r && strcmp(r->id, ids[i]) == 0);
		tlist_move(&tl, -1, &err);
	}
	CHECK_INT(tlist_abs(&tl, tl.sel), 0);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	tlist_free(&tl);
	store_close(st);
}

TEST(tlist_jumps_to_the_ends_and_counts_on_demand)
{
	struct store *st = open_store();
	struct tlist tl;
	struct err err;
	bool exact;

	CHECK(st != NULL);
	if (!st)
		return;
	tlist_init(&tl, st);
	tl.height = 5;
	CHECK_INT(tlist_reload(&tl, &err), 0);
	CHECK(!tlist_counted(&tl));
	CHECK(tlist_known(&tl, &exact) < 44);
	CHECK(!exact);
	CHECK_INT(tlist_last(&tl, &err), 0);
	CHECK_STR(tlist_selected(&tl)->id, "tr-e0000000000000000000000000000040");
	/* Anchored at the end: position known once counted. */
	CHECK_INT(tlist_abs(&tl, tl.sel), -1);
	CHECK_INT(tlist_count(&tl, &err), 0);
	CHECK_INT(tlist_abs(&tl, tl.sel), 43);
	CHECK_INT(tlist_first(&tl, &err), 0);
	CHECK_STR(tlist_selected(&tl)->id, "tr-c0000000000000000000000000000003");
	CHECK_INT(tlist_abs(&tl, tl.sel), 0);
	tlist_free(&tl);
	store_close(st);
}

TEST(tlist_find_runs_in_the_store_and_wraps)
{
	struct store *st = open_store();
	struct tlist tl;
	struct err err;
	bool found, wrapped;

	CHECK(st != NULL);
	if (!st)
		return;
	tlist_init(&tl, st);
	tl.height = 5;
	tlist_reload(&tl, &err);
	CHECK_INT(tlist_find(&tl, "batch_job_39", 1, &found, &wrapped, &err), 0);
	CHECK(found && !wrapped);
	CHECK_STR(tlist_selected(&tl)->name, "batch_job_39");
	CHECK_INT(tlist_find(&tl, "rag_answer", 1, &found, &wrapped, &err), 0);
	CHECK(found && wrapped);
	CHECK_STR(tlist_selected(&tl)->name, "rag_answer");
	CHECK_INT(tlist_find(&tl, "no such thing", 1, &found, &wrapped, &err), 0);
	CHECK(!found);
	tlist_free(&tl);
	store_close(st);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	store_path = argc > 1 ? argv[1] : NULL;
	RUN(lineedit_utf8_moves_and_deletes);
	RUN(lineedit_words_and_kills);
	RUN(lineedit_refuses_controls_keeps_pasted_bytes_visible);
	RUN(lineedit_history_keeps_the_draft);
	RUN(lineedit_scrolls_to_the_cursor);
	RUN(slice_cuts_wide_characters_into_spaces);
	RUN(fit_collapses_whitespace_and_marks_the_cut);
	RUN(fit_reads_only_what_it_shows);
	RUN(mark_splits_segments);
	RUN(layout_stacked_and_wide);
	RUN(json_strings_decode);
	RUN(feedback_glyphs);
	RUN(tlist_walks_the_whole_list_with_small_pages);
	RUN(tlist_jumps_to_the_ends_and_counts_on_demand);
	RUN(tlist_find_runs_in_the_store_and_wraps);
	TEST_MAIN_END();
}
