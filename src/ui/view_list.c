/*
 * The trace list: one row per trace in the current experiment, newest
 * first (or as sorted), with a compact column per feedback name.  Rows
 * come from the keyset window (ui/tlist.h): only what is on screen and a
 * margin is ever read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/preview.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "ui/app.h"

struct list_view {
	int poff;          /* horizontal offset of the previews */
};

/* Column widths for a terminal width. */
struct columns {
	int time, id, name, status, dur, user, prev;
	bool long_time;
	size_t nfb;        /* feedback columns shown */
	int fbw[64];       /* widths of the first columns (more are never shown) */
};

#define FB_COLS_MAX 64
/* Previews get at least this share of the width (they say most). */
#define MIN_PREVIEW(cols) ((cols) / 4 > 20 ? (cols) / 4 : 20)

/* A column is as wide as its name (3 to 6 columns); a configured
 * categorical label's column fits its options in both halves (up to 13). */
static int fb_width(const struct ui *ui, const char *name)
{
	const struct label_schema *ls = ui->cfg ? config_label(ui->cfg, name) : NULL;
	int w = text_width(name, strlen(name)), opt = 0;
	size_t i;

	w = w < 3 ? 3 : w > 6 ? 6 : w;
	for (i = 0; ls && ls->type == LABEL_CATEGORICAL && i < ls->noptions; i++) {
		int ow = text_width(ls->options[i], strlen(ls->options[i]));

		opt = ow > opt ? ow : opt;
	}
	if (opt * 2 + 1 > w)
		w = opt * 2 + 1 > 13 ? 13 : opt * 2 + 1;
	return w;
}

static void layout(const struct ui *ui, int cols, struct columns *c)
{
	const struct list_state *ls = &ui->list;
	int used, i;

	memset(c, 0, sizeof *c);
	c->long_time = cols >= 100;
	c->time = c->long_time ? 16 : 11;
	c->id = 10;
	c->name = cols >= 200 ? 40 : cols >= 140 ? 24 : cols >= 100 ? 18 : 14;
	c->status = 5;
	c->dur = 6;
	c->user = cols >= 110 ? 14 : 0;
	c->nfb = ls->nfb < FB_COLS_MAX ? ls->nfb : FB_COLS_MAX;
	for (i = 0; i < (int)c->nfb; i++)
		c->fbw[i] = fb_width(ui, ls->fb_names[i]);
	for (;;) {
		used = c->time + 1 + (c->id ? c->id + 1 : 0) + c->name + 1 + c->status + 1 +
		       c->dur + 1 + (c->user ? c->user + 1 : 0);
		for (i = 0; i < (int)c->nfb; i++)
			used += c->fbw[i] + 1;
		c->prev = cols - used;
		if (c->prev >= MIN_PREVIEW(cols))
			break;
		/* Give up, in order: user/session, feedback columns beyond
		 * four, width of the name, the id, the other feedback columns. */
		if (c->user)
			c->user = 0;
		else if (c->nfb > 4)
			c->nfb--;
		else if (c->name > 12)
			c->name = 12;
		else if (c->id)
			c->id = 0;
		else if (c->nfb)
			c->nfb--;
		else
			break;
	}
	/* Columns left out are counted at the end of the header row. */
	if (c->nfb < ls->nfb && c->prev > MIN_PREVIEW(cols) / 2 + 4)
		c->prev -= 4;
	if (c->prev < 0)
		c->prev = 0;
}

static void put_col(struct tb_line *l, enum slot slot, const char *trusted, int w, bool right)
{
	struct tb_line tmp;

	memset(&tmp, 0, sizeof tmp);
	tb_line_put_fit(&tmp, slot, trusted, w);
	if (right)
		tb_line_pad(l, slot, l->width + w - tmp.width);
	tb_line_slice(l, &tmp, 0, w);
	tb_line_pad(l, SLOT_DEFAULT, l->width + (right ? 0 : w - tmp.width));
	free(tmp.text);
	free(tmp.segs);
}

static void put_untrusted_col(struct tb_line *l, enum slot slot, const char *s, int w)
{
	int start = l->width;

	if (s)
		tb_line_put_untrusted_fit(l, slot, s, strlen(s), w, true);
	tb_line_pad(l, SLOT_DEFAULT, start + w);
}

/* One feedback cell: my / a human's value at its left edge, the judge's
 * (or code's) value in its right half, each in its source's slot; the
 * places never move, so a lone value still tells whose it is.  A label of
 * mine not written yet shows as ◌ in my place.  Blind: others' values
 * only beside mine. */
static void put_fb_cell(struct tb_line *l, const struct fb_cell *fc, bool pending, bool blind,
			int w)
{
	struct strbuf left = STRBUF_INIT, right = STRBUF_INIT;
	enum slot ls = SLOT_DEFAULT, rs = SLOT_FB_JUDGE, vs;
	int start = l->width, lpart = (w - 1) / 2, rpart = w - 1 - lpart;

	if (fc && (fc->mine || (fc->human && !blind))) {
		ui_fb_glyph(fc->mine ? fc->mine : fc->human, lpart, &left, &vs);
		ls = fc->mine ? SLOT_FB_MINE : vs;
	}
	if (pending && lpart > 0) {
		sb_reset(&left);
		sb_adds(&left, "◌");
		ls = SLOT_PENDING;
	}
	if (fc && (fc->judge || fc->code) && (fc->mine || !blind)) {
		ui_fb_glyph(fc->judge ? fc->judge : fc->code, rpart, &right, &vs);
		rs = fc->judge ? SLOT_FB_JUDGE : SLOT_FB_CODE;
	}
	if (left.len)
		tb_line_put(l, ls, sb_str(&left), left.len);
	if (right.len) {
		tb_line_pad(l, SLOT_DEFAULT, start + lpart + 1);
		tb_line_put(l, rs, sb_str(&right), right.len);
	}
	tb_line_pad(l, SLOT_DEFAULT, start + w);
	sb_free(&left);
	sb_free(&right);
}

static void render_row(struct ui *ui, struct list_view *lv, const struct columns *c,
		       const struct trace_row *r, struct tb_line *l)
{
	char buf[64];
	int64_t ms = r->timestamp_ms;
	int start, i;

	fmt_time_ms(buf, sizeof buf, ms, true);
	/* "2026-01-01 12:00:00" -> "2026-01-01 12:00" or "01-01 12:00" */
	buf[16] = '\0';
	put_col(l, SLOT_TIME, c->long_time ? buf : buf + 5, c->time, false);
	tb_line_put(l, SLOT_DEFAULT, " ", 1);
	if (c->id) {
		put_untrusted_col(l, SLOT_ID, r->id, c->id);
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
	}
	put_untrusted_col(l, SLOT_NAME, r->name ? r->name : "", c->name);
	tb_line_put(l, SLOT_DEFAULT, " ", 1);
	put_untrusted_col(l, ui_status_slot(r->status), r->status ? r->status : "?", c->status);
	tb_line_put(l, SLOT_DEFAULT, " ", 1);
	fmt_duration_ms(buf, sizeof buf, r->duration_ms);
	put_col(l, SLOT_DURATION, buf, c->dur, true);
	tb_line_put(l, SLOT_DEFAULT, " ", 1);
	/* Previews: request → response, on one line, whitespace collapsed. */
	start = l->width;
	if (c->prev > 0) {
		struct tb_line full;
		int want = c->prev + lv->poff, rq;
		struct strbuf rqt = STRBUF_INIT, rst = STRBUF_INIT;
		const char *req = r->request_preview, *resp = r->response_preview;

		/* The words of the previews, not their JSON wrappers. */
		if (req && preview_text(req, strlen(req), &rqt))
			req = sb_str(&rqt);
		if (resp && preview_text(resp, strlen(resp), &rst))
			resp = sb_str(&rst);
		memset(&full, 0, sizeof full);
		rq = resp ? want * 55 / 100 : want;
		if (req)
			tb_line_put_untrusted_fit(&full, SLOT_PREVIEW, req, strlen(req), rq, true);
		if (resp) {
			tb_line_put(&full, SLOT_DIM, " → ", strlen(" → "));
			tb_line_put_untrusted_fit(&full, SLOT_PREVIEW, resp, strlen(resp),
						  want - full.width, true);
		}
		tb_line_slice(l, &full, lv->poff, c->prev);
		free(full.text);
		free(full.segs);
		sb_free(&rqt);
		sb_free(&rst);
		if (ui->list.search)
			tb_line_mark(l, ui->list.search, SLOT_MATCH);
	}
	tb_line_pad(l, SLOT_DEFAULT, start + c->prev);
	if (c->user) {
		struct strbuf us = STRBUF_INIT;

		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		if (r->user)
			sb_adds(&us, r->user);
		if (r->user && r->session)
			sb_adds(&us, "/");
		if (r->session)
			sb_adds(&us, r->session);
		put_untrusted_col(l, SLOT_USER, sb_str(&us), c->user);
		sb_free(&us);
	}
	for (i = 0; i < (int)c->nfb; i++) {
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		put_fb_cell(l, trace_row_fb(r, ui->list.fb_names[i]),
			    ui_label_pending_on(ui, r->id, ui->list.fb_names[i]), ui->blind, c->fbw[i]);
	}
}

static void render_colhead(struct ui *ui, const struct columns *c, struct tb_line *l)
{
	int i;

	put_col(l, SLOT_COLHEAD, "time", c->time, false);
	tb_line_put(l, SLOT_COLHEAD, " ", 1);
	if (c->id) {
		put_col(l, SLOT_COLHEAD, "id", c->id, false);
		tb_line_put(l, SLOT_COLHEAD, " ", 1);
	}
	put_col(l, SLOT_COLHEAD, "name", c->name, false);
	tb_line_put(l, SLOT_COLHEAD, " ", 1);
	put_col(l, SLOT_COLHEAD, "state", c->status, false);
	tb_line_put(l, SLOT_COLHEAD, " ", 1);
	put_col(l, SLOT_COLHEAD, "dur", c->dur, true);
	tb_line_put(l, SLOT_COLHEAD, " ", 1);
	put_col(l, SLOT_COLHEAD, "request → response", c->prev, false);
	if (c->user) {
		tb_line_put(l, SLOT_COLHEAD, " ", 1);
		put_col(l, SLOT_COLHEAD, "user/session", c->user, false);
	}
	for (i = 0; i < (int)c->nfb; i++) {
		int start = l->width;

		tb_line_put(l, SLOT_COLHEAD, " ", 1);
		tb_line_put_untrusted_fit(l, SLOT_COLHEAD, ui->list.fb_names[i],
					  strlen(ui->list.fb_names[i]), c->fbw[i], false);
		tb_line_pad(l, SLOT_COLHEAD, start + 1 + c->fbw[i]);
	}
	if (c->nfb < ui->list.nfb) {
		char more[32];

		snprintf(more, sizeof more, " +%zu", ui->list.nfb - c->nfb);
		tb_line_put(l, SLOT_COLHEAD, more, strlen(more));
	}
	/* The whole header row is in the header slot, with the defaults' gaps. */
	for (i = 0; i < (int)l->nsegs; i++)
		l->segs[i].slot = SLOT_COLHEAD;
}

static void render_header(struct ui *ui, struct frame *f)
{
	struct list_state *ls = &ui->list;
	struct tb_line *l = ui_header(ui, f);
	struct strbuf right = STRBUF_INIT;
	char a[32], b[32];
	static const char *const sorts[] = { "time", "duration", "status", "name", "queue" };
	bool exact;
	int64_t pos = tlist_abs(&ls->tl, ls->tl.sel), known = tlist_known(&ls->tl, &exact);
	int room;

	if (!l)
		return;
	tb_line_put(l, SLOT_HEADER, " tracelab  ", strlen(" tracelab  "));
	{
		/* The store's file name: the directory is rarely news. */
		const char *base = strrchr(ui->store_url, '/');

		base = base && base[1] ? base + 1 : ui->store_url;
		tb_line_put_untrusted_fit(l, SLOT_HEADER, base, strlen(base), 24, false);
	}
	tb_line_put(l, SLOT_HEADER, "  exp ", 6);
	tb_line_put_untrusted_fit(l, SLOT_HEADER, ls->exp_name, strlen(ls->exp_name), 20, false);
	{
		char sort[48];

		snprintf(sort, sizeof sort, "  sort %s %s", sorts[ls->sort],
			 ls->ascending ? "↑" : "↓");
		tb_line_put(l, SLOT_HEADER, sort, strlen(sort));
		/* Until the side index holds every trace, this sort is the
		 * store's own (slower) query. */
		if (ls->sort != SORT_TIME && ui->side_total > 0 && ui->side_left > 0) {
			snprintf(sort, sizeof sort, " (indexing %d%%)",
				 (int)((ui->side_total - ui->side_left) * 100 / ui->side_total));
			tb_line_put(l, SLOT_HEADER, sort, strlen(sort));
		}
	}
	if (ls->queue) {
		tb_line_put(l, SLOT_HEADER, "  queue ", 8);
		tb_line_put_untrusted_fit(l, SLOT_HEADER, ls->queue->name, strlen(ls->queue->name),
					  24, false);
	}
	if (store_is_readonly(ui->st))
		tb_line_put(l, SLOT_HEADER, "  [read-only]", 13);
	if (ls->quick & QF_ERRORS)
		tb_line_put(l, SLOT_HEADER, "  [errors]", 10);
	if (ls->quick & QF_UNLABELLED)
		tb_line_put(l, SLOT_HEADER, "  [unlabelled]", 14);
	if (ls->quick & QF_HAS_JUDGE)
		tb_line_put(l, SLOT_HEADER, "  [judged]", 10);
	if (ls->quick & QF_DISAGREE)
		tb_line_put(l, SLOT_HEADER, "  [disagree]", 12);
	/* Position on the right: "1,234 / 1,000,000". */
	if (!ls->tl.n) {
		sb_adds(&right, "0 / 0");
	} else {
		if (pos >= 0)
			fmt_count(a, sizeof a, pos + 1);
		else
			snprintf(a, sizeof a, "?");
		fmt_count(b, sizeof b, known);
		sb_addf(&right, "%s / %s%s", a, b, exact ? "" : "+");
	}
	sb_adds(&right, " ");
	room = ui->cols - text_width(sb_str(&right), right.len) - 1;
	if (ls->filter) {
		int fw = room - l->width - 10;

		if (fw > 4) {
			tb_line_put(l, SLOT_HEADER, "  filter ", 9);
			tb_line_put_untrusted_fit(l, SLOT_HEADER, ls->filter, strlen(ls->filter), fw,
						  true);
		}
	}
	if (l->width < room + 1) {
		tb_line_pad(l, SLOT_HEADER, ui->cols - text_width(sb_str(&right), right.len));
		tb_line_put(l, SLOT_HEADER, sb_str(&right), right.len);
	}
	sb_free(&right);
}

static void list_render(struct view *v, struct ui *ui, struct frame *f)
{
	struct list_view *lv = v->priv;
	struct list_state *ls = &ui->list;
	struct columns c;
	struct tb_line *l;
	int height = ui->rows - 3, y;
	size_t i;
	struct err err;

	if (height < 1)
		height = 1;
	if (height != ls->tl.height) {
		err_clear(&err);
		if (tlist_set_height(&ls->tl, height, &err) < 0)
			ui_error(ui, &err);
	}
	/* Columns for every feedback name on screen. */
	for (i = ls->tl.top; i < ls->tl.n && i < ls->tl.top + (size_t)height; i++) {
		size_t k;

		for (k = 0; k < ls->tl.rows[i].nfb; k++)
			ui_names_add(ls, ls->tl.rows[i].fb[k].name);
	}
	layout(ui, ui->cols, &c);
	render_header(ui, f);
	l = frame_line(f, 1, 0, ui->cols, SLOT_COLHEAD);
	if (l)
		render_colhead(ui, &c, l);
	if (!ls->tl.n) {
		l = frame_line(f, 3, 2, ui->cols - 2, SLOT_DEFAULT);
		if (l) {
			const char *why = ls->filter || ls->quick ?
				"No traces match the filter (F clears it)." :
				"No traces in this experiment (e switches experiment).";

			tb_line_put_fit(l, SLOT_DIM, why, ui->cols - 2);
		}
		return;
	}
	for (y = 0, i = ls->tl.top; y < height && i < ls->tl.n; y++, i++) {
		l = frame_line(f, 2 + y, 0, ui->cols, SLOT_DEFAULT);
		if (!l)
			break;
		render_row(ui, lv, &c, &ls->tl.rows[i], l);
		if (i == ls->tl.sel)
			frame_over(f, SLOT_CURSOR);
	}
}

static unsigned moved(struct ui *ui, int rc, const struct err *err)
{
	if (rc < 0)
		ui_error(ui, err);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned list_handle(struct view *v, struct ui *ui, enum action a)
{
	struct list_view *lv = v->priv;
	struct tlist *tl = &ui->list.tl;
	long h = tl->height > 0 ? tl->height : 1;
	const struct trace_row *sel;
	struct err err;

	err_clear(&err);
	switch (a) {
	case ACT_MOVE_DOWN:
	case ACT_NEXT_TRACE:
		return moved(ui, tlist_move(tl, 1, &err), &err);
	case ACT_MOVE_UP:
	case ACT_PREV_TRACE:
		return moved(ui, tlist_move(tl, -1, &err), &err);
	case ACT_PAGE_DOWN:
		return moved(ui, tlist_move(tl, h, &err), &err);
	case ACT_PAGE_UP:
		return moved(ui, tlist_move(tl, -h, &err), &err);
	case ACT_HALF_DOWN:
		return moved(ui, tlist_move(tl, h / 2 > 0 ? h / 2 : 1, &err), &err);
	case ACT_HALF_UP:
		return moved(ui, tlist_move(tl, -(h / 2 > 0 ? h / 2 : 1), &err), &err);
	case ACT_MOVE_FIRST:
		return moved(ui, tlist_first(tl, &err), &err);
	case ACT_MOVE_LAST:
		return moved(ui, tlist_last(tl, &err), &err);
	case ACT_SCROLL_RIGHT:
		lv->poff += 8;
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_SCROLL_LEFT:
		lv->poff = lv->poff > 8 ? lv->poff - 8 : 0;
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_OPEN:
		sel = tlist_selected(tl);
		if (!sel)
			return EFF_HANDLED;
		if (ui_open_trace(ui, sel->id, &err) < 0)
			ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_BACK:
		return EFF_HANDLED;
	default:
		return EFF_UNHANDLED;
	}
}

static unsigned list_search(struct view *v, struct ui *ui, const char *text, int dir)
{
	struct list_state *ls = &ui->list;

	(void)v;
	if (dir == 0) {
		free(ls->search);
		ls->search = xstrdup(text);
	}
	return ui_search_list(ui, text, dir < 0 ? -1 : 1);
}

static void list_hints(const struct view *v, struct ui *ui, struct strbuf *out)
{
	(void)v;
	ui_hint(ui, "list", ACT_OPEN, "open", out);
	ui_hint(ui, "list", ACT_SEARCH, "search", out);
	ui_hint(ui, "list", ACT_FILTER, "filter", out);
	ui_hint(ui, "list", ACT_EXPERIMENTS, "experiment", out);
	ui_hint(ui, "list", ACT_HELP, "help", out);
	ui_hint(ui, "list", ACT_QUIT, "quit", out);
}

static int list_open(struct view *v, struct ui *ui, struct err *err)
{
	(void)ui;
	(void)err;
	v->priv = xcalloc(1, sizeof(struct list_view));
	return 0;
}

static void list_close(struct view *v, struct ui *ui)
{
	(void)ui;
	free(v->priv);
	v->priv = NULL;
}

static bool list_target(const struct view *v, struct ui *ui, struct label_target *out)
{
	const struct trace_row *r = tlist_selected(&ui->list.tl);

	(void)v;
	if (!r)
		return false;
	out->trace_id = r->id;
	return true;
}

static const char *list_context(const struct view *v)
{
	(void)v;
	return "list";
}

const struct view_ops list_view_ops = {
	.name = "list",
	.mode = "LIST",
	.open = list_open,
	.close = list_close,
	.context = list_context,
	.render = list_render,
	.handle = list_handle,
	.search = list_search,
	.hints = list_hints,
	.target = list_target,
};
