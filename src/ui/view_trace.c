/*
 * The trace view: the span tree with a waterfall bar per span, the span
 * detail pane with tabs (inputs/outputs as foldable JSON, chat, attributes,
 * events) and the feedback pane with every assessment of the trace.
 *
 * The tree keeps the list of visible spans (folds applied) and draws only
 * the rows on screen.  The detail of a span is parsed and rendered once per
 * selection and tab, as deferred work when no key is waiting, so walking a
 * 10,000-span tree or past a 10 MB attribute never waits for rendering.
 *
 * Over 1,000 lines: one view whose three panes share one state (the trace,
 * the selected span, its detail, the feedback rows) and one key handler;
 * what they show is rendered elsewhere (json/render.h, json/chat.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/chat.h"
#include "json/render.h"
#include "json/span.h"
#include "svc/label.h"
#include "svc/trace.h"
#include "svc/worker.h"
#include "ui/app.h"
#include "ui/pane.h"

enum dtab {
	TAB_IO = 0,
	TAB_CHAT,
	TAB_ATTRS,
	TAB_EVENTS,
	TAB_COUNT_
};

static const char *const tab_names[TAB_COUNT_] = {
	"Inputs/Outputs", "Chat", "Attributes", "Events",
};

/* Feedback pane line flags. */
#define FB_ITEM_START 1u
/* The ref of a feedback pane line that shows no assessment. */
#define FB_NO_ITEM UINT32_MAX

/* What feedback a span has (valid rows only). */
enum {
	FBM_HUMAN = 1u << 0,
	FBM_JUDGE = 1u << 1,
	FBM_OTHER = 1u << 2,
};

struct load_job;

struct trace_view {
	char *id;
	struct trace tr;
	/* A trace of a remote store loads on the browser's worker: until it
	 * is there the view says so, and Esc cancels. */
	struct load_job *job;
	uint64_t job_id;
	char *load_err;            /* the load failed: why (owned) */
	enum pane_id focus;
	/* Where label keys write: NULL the trace, else the id of a span (not
	 * the root, whose answers are the trace's).  Only ACT_TOGGLE_TARGET
	 * changes it; a reload of the same trace keeps it.  Owned. */
	char *target;
	/* A span to select once the trace is there (the spans view opened
	 * it at that span), or NULL.  Owned. */
	char *want_span;

	/* The tree: visible spans in preorder, folds applied. */
	size_t *vis;
	size_t nvis, capvis;
	bool *folded;
	unsigned char *fbmark;     /* per span: FBM_* bits of the feedback on it */
	size_t tsel, ttop;
	int theight;
	int64_t t0, t1;

	/* The detail. */
	enum dtab tab;
	bool dstale;               /* needs parsing / rendering */
	size_t dspan;              /* span shown (SPAN_NONE: the trace) */
	enum dtab dtab_shown;
	size_t parsed;             /* span whose detail is parsed, or SPAN_NONE */
	struct span_detail det;
	bool det_ok;
	char *det_err;
	struct json_folds fold_in, fold_out;
	size_t out_start;          /* first line of the outputs in the IO tab */
	struct pane dp;

	/* The feedback pane. */
	struct pane fp;
	bool fstale;
	int fwidth;
};

/* ---- loading ------------------------------------------------------------ */

/* Sorts {id, index} pairs by id (the id is the first member). */
static int id_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const struct span *span_by_id(const struct trace *t, const char *id)
{
	size_t i;

	for (i = 0; id && i < t->nspans; i++)
		if (str_eq(t->spans[i].id, id))
			return &t->spans[i];
	return NULL;
}

static size_t selected_span(const struct trace_view *tv)
{
	return tv->nvis ? tv->vis[tv->tsel] : SPAN_NONE;
}

/* The trace's root span id as the question rule means it, or NULL: only
 * where the store holds the spans (elsewhere the store cannot know the
 * root, and its filters must agree with the screen). */
static const char *root_span(const struct trace_view *tv)
{
	const struct trace *t = &tv->tr;

	if (t->first_root == SPAN_NONE || !t->spans[t->first_root].id ||
	    (t->spans[t->first_root].parent_id && *t->spans[t->first_root].parent_id) ||
	    !str_eq(kv_list_get(&t->tags, "mlflow.trace.spansLocation"), "TRACKING_STORE"))
		return NULL;
	return t->spans[t->first_root].id;
}

static void rebuild_vis(struct trace_view *tv)
{
	const struct trace *t = &tv->tr;
	size_t keep = selected_span(tv), i;

	tv->nvis = 0;
	if (t->spans_state != SPANS_LOADED || t->first_root == SPAN_NONE)
		return;
	GROW(tv->vis, tv->capvis, t->nspans);
	for (i = t->first_root; i != SPAN_NONE && tv->nvis < t->nspans;
	     i = span_tree_next(t, i, tv->folded[i]))
		tv->vis[tv->nvis++] = i;
	tv->tsel = 0;
	for (i = 0; i < tv->nvis; i++)
		if (tv->vis[i] == keep)
			tv->tsel = i;
}

static void time_range(struct trace_view *tv)
{
	const struct trace *t = &tv->tr;
	size_t i;

	tv->t0 = INT64_MAX;
	tv->t1 = INT64_MIN;
	for (i = 0; i < t->nspans; i++) {
		const struct span *s = &t->spans[i];

		if (s->start_ns < tv->t0)
			tv->t0 = s->start_ns;
		if (s->end_ns > tv->t1)
			tv->t1 = s->end_ns;
		if (s->start_ns > tv->t1)
			tv->t1 = s->start_ns;
	}
	if (!t->nspans)
		tv->t0 = 0, tv->t1 = 1;
	/* Times are untrusted: no arithmetic here may overflow. */
	if (tv->t1 <= tv->t0) {
		if (tv->t0 < INT64_MAX)
			tv->t1 = tv->t0 + 1;
		else
			tv->t0 = tv->t1 - 1;
	}
}

/* A span's duration in ms, or -1 when unknown (end missing or before the
 * start); computed without overflow for any stored times. */
static int64_t span_ms(const struct span *s)
{
	double d;

	if (s->end_ns < 0 || s->end_ns < s->start_ns)
		return -1;
	/* Subtract first: ns since 1970 do not fit a double exactly. */
	d = (double)((uint64_t)s->end_ns - (uint64_t)s->start_ns) / 1e6;
	return d > 9e15 ? (int64_t)9e15 : (int64_t)d;
}

static void detail_reset(struct trace_view *tv)
{
	if (tv->parsed != SPAN_NONE)
		span_detail_free(&tv->det);
	tv->parsed = SPAN_NONE;
	tv->det_ok = false;
	FREE(tv->det_err);
	json_folds_free(&tv->fold_in);
	json_folds_free(&tv->fold_out);
	pane_clear(&tv->dp);
	tv->dstale = true;
}

static void unload(struct trace_view *tv)
{
	detail_reset(tv);
	trace_free(&tv->tr);
	free(tv->folded);
	tv->folded = NULL;
	free(tv->fbmark);
	tv->fbmark = NULL;
	tv->nvis = 0;
	tv->tsel = tv->ttop = 0;
	pane_clear(&tv->fp);
	tv->fstale = true;
}

static void mark_feedback(struct trace_view *tv);

/* Shows a loaded trace (takes t). */
static void install(struct trace_view *tv, const char *id, struct trace t)
{
	/* Traces received over OTLP have no mlflow.traceName: the root
	 * span's name stands in. */
	if (!t.info.name && t.first_root != SPAN_NONE && t.spans[t.first_root].name)
		t.info.name = xstrdup(t.spans[t.first_root].name);
	unload(tv);
	tv->tr = t;
	if (!str_eq(tv->id, id) || !span_by_id(&tv->tr, tv->target))
		FREE(tv->target);
	free(tv->id);
	tv->id = xstrdup(id);
	tv->folded = xcalloc(t.nspans ? t.nspans : 1, sizeof *tv->folded);
	mark_feedback(tv);
	time_range(tv);
	rebuild_vis(tv);
	tv->dspan = SPAN_NONE;
	tv->dstale = true;
	tv->fstale = true;
}

static void select_vis(struct trace_view *tv, size_t i);

/* Selects the span of this id in the tree (unfolding what hides it),
 * with the focus on the tree; false when the trace has no such span. */
static bool select_span_id(struct trace_view *tv, const char *span_id)
{
	const struct trace *t = &tv->tr;
	size_t i, p;

	for (i = 0; i < t->nspans; i++)
		if (str_eq(t->spans[i].id, span_id))
			break;
	if (i == t->nspans)
		return false;
	for (p = t->spans[i].parent; p != SPAN_NONE && p < t->nspans; p = t->spans[p].parent) {
		if (!tv->folded[p])
			continue;
		tv->folded[p] = false;
	}
	rebuild_vis(tv);
	for (p = 0; p < tv->nvis; p++)
		if (tv->vis[p] == i)
			break;
	if (p == tv->nvis)
		return false;
	select_vis(tv, p);
	tv->dstale = true;
	tv->fstale = true;
	tv->focus = PANE_TREE;
	return true;
}

static void apply_wanted_span(struct trace_view *tv)
{
	if (!tv->want_span || tv->job)
		return;
	select_span_id(tv, tv->want_span);
	FREE(tv->want_span);
}

void ui_trace_select_span(struct view *v, const char *span_id)
{
	struct trace_view *tv;

	if (!v || v->ops != &trace_view_ops || !span_id)
		return;
	tv = v->priv;
	free(tv->want_span);
	tv->want_span = xstrdup(span_id);
	apply_wanted_span(tv);
}

static int load(struct trace_view *tv, struct ui *ui, const char *id, struct err *err)
{
	struct trace t;

	memset(&t, 0, sizeof t);
	if (svc_load_trace(ui->st, id, &t, err) < 0) {
		trace_free(&t);
		return -1;
	}
	install(tv, id, t);
	ui_label_item_opened(ui, id);
	return 0;
}

/* A load on the worker.  The view points at it and it at the view; the
 * view going away first sets tv to NULL, and done then frees it. */
struct load_job {
	struct trace_view *tv;
	char *id;
	struct trace t;
	int rc;
	struct err err;
	bool done;
};

static void load_job_free(struct load_job *lj)
{
	trace_free(&lj->t);
	free(lj->id);
	free(lj);
}

static int load_job_run(struct store *st, void *ctx, const struct worker_job *job,
			struct err *err)
{
	struct load_job *lj = ctx;

	(void)job;
	return svc_load_trace(st, lj->id, &lj->t, err);
}

static void load_job_done(void *ctx, int rc, const struct err *err)
{
	struct load_job *lj = ctx;

	if (!lj->tv) {
		load_job_free(lj);
		return;
	}
	lj->rc = rc;
	if (err)
		lj->err = *err;
	lj->done = true;
}

/* Starts loading on the worker; false when there is none (load then). */
static bool load_async(struct trace_view *tv, struct ui *ui, const char *id)
{
	struct worker *w;
	struct err e = { 0 };
	struct load_job *lj;

	if (!store_is_remote(ui->st) || !(w = ui_worker(ui, &e)))
		return false;
	lj = xcalloc(1, sizeof *lj);
	lj->tv = tv;
	lj->id = xstrdup(id);
	tv->job = lj;
	free(tv->id);
	tv->id = xstrdup(id);
	tv->job_id = worker_submit(w, load_job_run, load_job_done, lj);
	return true;
}

/* Collects the load when it is done (waiting a little for it, so that the
 * loop does not spin): true when the screen changed. */
static bool load_poll(struct trace_view *tv, struct ui *ui)
{
	struct load_job *lj = tv->job;

	ui_worker_poll(ui, 20);
	if (!lj->done)
		return false;
	tv->job = NULL;
	if (lj->rc < 0) {
		tv->load_err = xstrdup(lj->err.msg);
		load_job_free(lj);
		return true;
	}
	install(tv, lj->id, lj->t);
	apply_wanted_span(tv);
	ui_label_item_opened(ui, tv->id);
	memset(&lj->t, 0, sizeof lj->t);
	load_job_free(lj);
	return true;
}

static void render_loading(struct trace_view *tv, struct ui *ui, struct frame *f)
{
	struct tb_line *l = ui_header(ui, f);
	const char *what = tv->job ? " loading the trace from the server… (Esc cancels)" :
		" the trace could not be loaded: ";

	if (l) {
		tb_line_put(l, SLOT_HEADER, " trace ", 7);
		tb_line_put_untrusted_fit(l, SLOT_HEADER, tv->id, strlen(tv->id), 36, false);
	}
	l = frame_line(f, 2, 0, ui->cols, SLOT_DEFAULT);
	if (!l)
		return;
	tb_line_put(l, tv->job ? SLOT_DIM : SLOT_MSG_ERROR, what, strlen(what));
	if (!tv->job && tv->load_err)
		tb_line_put_untrusted_fit(l, SLOT_MSG_ERROR, tv->load_err, strlen(tv->load_err),
					  ui->cols, false);
}

/* Which spans have feedback, for a mark in the tree. */
static void mark_feedback(struct trace_view *tv)
{
	const struct trace *t = &tv->tr;
	struct id_ix {
		const char *id;
		size_t ix;
	} *ids;
	size_t i, n = t->nspans;

	tv->fbmark = xcalloc(n ? n : 1, 1);
	if (!n || !t->assessments.n)
		return;
	ids = xcalloc(n, sizeof *ids);
	for (i = 0; i < n; i++) {
		ids[i].id = t->spans[i].id ? t->spans[i].id : "";
		ids[i].ix = i;
	}
	qsort(ids, n, sizeof *ids, id_cmp);
	for (i = 0; i < t->assessments.n; i++) {
		const struct assessment *a = &t->assessments.v[i];
		struct id_ix key = { a->span_id, 0 }, *hit;

		if (!a->span_id || !a->valid)
			continue;
		hit = bsearch(&key, ids, n, sizeof *ids, id_cmp);
		if (!hit)
			continue;
		tv->fbmark[hit->ix] |= str_eq(a->source_type, "HUMAN") ? FBM_HUMAN :
				       str_eq(a->source_type, "LLM_JUDGE") ? FBM_JUDGE : FBM_OTHER;
	}
	free(ids);
}

static void select_vis(struct trace_view *tv, size_t i)
{
	size_t before = selected_span(tv);

	if (!tv->nvis)
		return;
	if (i >= tv->nvis)
		i = tv->nvis - 1;
	tv->tsel = i;
	if (selected_span(tv) != before) {
		tv->dstale = true;
		tv->fstale = true;
	}
}

/* Unfolds the ancestors of span s and selects it. */
static void reveal(struct trace_view *tv, size_t s)
{
	size_t p, i, guard = 0;

	for (p = tv->tr.spans[s].parent; p != SPAN_NONE && guard++ < tv->tr.nspans;
	     p = tv->tr.spans[p].parent)
		tv->folded[p] = false;
	rebuild_vis(tv);
	for (i = 0; i < tv->nvis; i++)
		if (tv->vis[i] == s)
			select_vis(tv, i);
}

/* ---- rendering: header and titles --------------------------------------- */

static void render_header(struct trace_view *tv, struct ui *ui, struct frame *f)
{
	struct tb_line *l = ui_header(ui, f);
	const struct trace_row *r = &tv->tr.info;
	char buf[64];
	int64_t pos = tlist_abs(&ui->list.tl, ui->list.tl.sel);
	bool exact;

	if (!l)
		return;
	tb_line_put(l, SLOT_HEADER, " trace ", 7);
	tb_line_put_untrusted_fit(l, SLOT_HEADER, r->id, strlen(r->id), ui->cols < 100 ? 14 : 36,
				  false);
	tb_line_put(l, SLOT_HEADER, "  ", 2);
	if (r->name)
		tb_line_put_untrusted_fit(l, SLOT_HEADER, r->name, strlen(r->name),
					  ui->cols >= 160 ? 60 : 30, true);
	tb_line_put(l, SLOT_HEADER, "  ", 2);
	tb_line_put_untrusted_fit(l, ui_status_slot(r->status), r->status ? r->status : "?",
				  r->status ? strlen(r->status) : 1, 12, false);
	fmt_duration_ms(buf, sizeof buf, r->duration_ms);
	tb_line_put(l, SLOT_HEADER, "  ", 2);
	tb_line_put(l, SLOT_HEADER, buf, strlen(buf));
	fmt_time_ms(buf, sizeof buf, r->timestamp_ms, true);
	tb_line_put(l, SLOT_HEADER, "  ", 2);
	tb_line_put(l, SLOT_HEADER, buf, strlen(buf));
	{
		const struct trace_row *sel = tlist_selected(&ui->list.tl);
		char a[32], b[32], right[80];
		int64_t known = tlist_known(&ui->list.tl, &exact);

		if (sel && strcmp(sel->id, r->id) == 0 && pos >= 0) {
			fmt_count(a, sizeof a, pos + 1);
			fmt_count(b, sizeof b, known);
			snprintf(right, sizeof right, "%s / %s%s ", a, b, exact ? "" : "+");
			if (l->width + 2 + (int)strlen(right) <= ui->cols) {
				tb_line_pad(l, SLOT_HEADER, ui->cols - text_width(right, strlen(right)));
				tb_line_put(l, SLOT_HEADER, right, strlen(right));
			}
		}
	}
}

static void render_title(struct frame *f, struct rect r, bool focus, const char *text,
			 const char *extra)
{
	struct tb_line *l = frame_line(f, r.y, r.x, r.w, focus ? SLOT_TITLE_FOCUS : SLOT_TITLE);
	enum slot s = focus ? SLOT_TITLE_FOCUS : SLOT_TITLE;

	if (!l)
		return;
	tb_line_put(l, s, " ", 1);
	tb_line_put_fit(l, s, text, r.w - 1);
	if (extra)
		tb_line_put_fit(l, s, extra, r.w - l->width);
}

/* ---- the tree ----------------------------------------------------------- */

static void put_bar(struct trace_view *tv, const struct span *s, int bw, struct tb_line *l)
{
	double total = (double)tv->t1 - (double)tv->t0,
	       st = (double)s->start_ns - (double)tv->t0,
	       en = (double)(s->end_ns >= 0 ? s->end_ns : tv->t1) - (double)tv->t0;
	int a, b, c;
	enum slot slot = s->status == SPAN_ERROR ? SLOT_WATERFALL_ERROR : SLOT_WATERFALL;
	const char *fill = s->end_ns >= 0 ? "█" : "░";

	if (st < 0)
		st = 0;
	if (en < st)
		en = st;
	if (total <= 0)
		total = 1;
	{
		double x = st * bw / total, y = en * bw / total;

		x = x < 0 ? 0 : x > bw ? bw : x;
		y = y < 0 ? 0 : y > bw ? bw : y;
		a = (int)x;
		b = (int)y;
		if (b < y)
			b++;  /* a bar covers every cell its span touches */
	}
	if (a >= bw)
		a = bw - 1;
	if (b <= a)
		b = a + 1;
	if (b > bw)
		b = bw;
	tb_line_pad(l, SLOT_DEFAULT, l->width + a);
	for (c = a; c < b; c++)
		tb_line_put(l, slot, fill, strlen(fill));
	tb_line_pad(l, SLOT_DEFAULT, l->width + bw - b);
}

static void render_tree_row(struct trace_view *tv, struct ui *ui, size_t si, int w,
			    struct tb_line *l)
{
	const struct span *s = &tv->tr.spans[si];
	int bw = w >= 60 ? (w / 4 > 40 ? 40 : w / 4) : w >= 40 ? 8 : 0;
	int tw = w >= 50 ? 10 : 0, dw = 7, right = (bw ? bw + 1 : 0) + (tw ? tw + 1 : 0) + dw + 1;
	int left = w - right, ind, start;
	char dur[32];
	bool kids = s->first_child != SPAN_NONE;

	if (left < 8) {
		left = w;
		right = 0;
	}
	ind = s->depth * 2;
	if (ind > left / 2)
		ind = left / 2;
	tb_line_pad(l, SLOT_DEFAULT, ind);
	if (s->depth * 2 > ind)
		tb_line_put(l, SLOT_MARKER, "…", strlen("…"));
	tb_line_put(l, SLOT_DIM, kids ? (tv->folded[si] ? "▸ " : "▾ ") : "  ",
		    strlen(kids ? "▸ " : "  "));
	if (s->status == SPAN_ERROR)
		tb_line_put(l, SLOT_STATUS_ERROR, "✗ ", strlen("✗ "));
	if (tv->target && str_eq(s->id, tv->target))
		tb_line_put(l, SLOT_MARKER, "→ ", strlen("→ "));  /* labels go here */
	start = l->width;
	if (s->flags & SPAN_F_ORPHAN)
		tb_line_put(l, SLOT_MARKER, "⚠orphan ", strlen("⚠orphan "));
	if (s->flags & SPAN_F_CYCLE)
		tb_line_put(l, SLOT_MARKER, "↻cycle ", strlen("↻cycle "));
	if (s->flags & SPAN_F_DUPLICATE)
		tb_line_put(l, SLOT_MARKER, "⧉dup ", strlen("⧉dup "));
	if (s->flags & SPAN_F_BADJSON)
		tb_line_put(l, SLOT_MARKER, "⚠json ", strlen("⚠json "));
	if (left - l->width > 0)
		tb_line_put_untrusted_fit(l, s->status == SPAN_ERROR ? SLOT_STATUS_ERROR : SLOT_NAME,
					  s->name ? s->name : "", s->name ? strlen(s->name) : 0,
					  left - l->width, true);
	if (tv->fbmark[si] && left - l->width > 2) {
		/* Feedback on this span: ● a human's, ◆ a judge's. */
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		if (tv->fbmark[si] & FBM_HUMAN)
			tb_line_put(l, SLOT_FB_HUMAN, "●", strlen("●"));
		if (tv->fbmark[si] & FBM_JUDGE)
			tb_line_put(l, SLOT_FB_JUDGE, "◆", strlen("◆"));
		if (tv->fbmark[si] & FBM_OTHER)
			tb_line_put(l, SLOT_FB_CODE, "▪", strlen("▪"));
	}
	if (kids && tv->folded[si]) {
		/* How much is hidden. */
		size_t n = 0, i = s->first_child;

		for (; i != SPAN_NONE; i = tv->tr.spans[i].next_sibling)
			n++;
		if (left - l->width > 6) {
			char more[32];

			snprintf(more, sizeof more, " +%zu", n);
			tb_line_put_fit(l, SLOT_DIM, more, left - l->width);
		}
	}
	if (ui->search)
		tb_line_mark(l, ui->search, SLOT_MATCH);
	(void)start;
	if (!right)
		return;
	tb_line_pad(l, SLOT_DEFAULT, left);
	if (tw) {
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		tb_line_put_untrusted_fit(l, SLOT_SPAN_TYPE, s->type ? s->type : "",
					  s->type ? strlen(s->type) : 0, tw, false);
		tb_line_pad(l, SLOT_DEFAULT, left + 1 + tw);
	}
	fmt_duration_ms(dur, sizeof dur, span_ms(s));
	tb_line_put(l, SLOT_DEFAULT, " ", 1);
	tb_line_pad(l, SLOT_DEFAULT, l->width + dw - text_width(dur, strlen(dur)));
	tb_line_put(l, SLOT_DURATION, dur, strlen(dur));
	if (bw) {
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		put_bar(tv, s, bw, l);
	}
}

static void render_tree(struct trace_view *tv, struct ui *ui, struct frame *f, struct rect r)
{
	char extra[64];
	size_t i;
	int y, h = r.h - 1;

	snprintf(extra, sizeof extra, " (%zu)", tv->tr.nspans);
	render_title(f, r, tv->focus == PANE_TREE, "Spans", extra);
	tv->theight = h > 0 ? h : 1;
	if (!tv->nvis) {
		struct tb_line *l = frame_line(f, r.y + 1, r.x, r.w, SLOT_DEFAULT);
		const char *note = tv->tr.spans_note;

		if (l) {
			tb_line_put(l, SLOT_MARKER, " no spans", 9);
			if (note) {
				tb_line_put(l, SLOT_DIM, ": ", 2);
				tb_line_put_untrusted_fit(l, SLOT_DIM, note, strlen(note),
							  r.w - l->width, true);
			}
		}
		for (y = 2; y < r.h; y++)
			frame_line(f, r.y + y, r.x, r.w, SLOT_DEFAULT);
		return;
	}
	if (tv->tsel < tv->ttop)
		tv->ttop = tv->tsel;
	if (tv->tsel >= tv->ttop + (size_t)tv->theight)
		tv->ttop = tv->tsel - (size_t)tv->theight + 1;
	if (tv->ttop + (size_t)tv->theight > tv->nvis)
		tv->ttop = tv->nvis > (size_t)tv->theight ? tv->nvis - (size_t)tv->theight : 0;
	for (y = 0, i = tv->ttop; y < h; y++, i++) {
		struct tb_line *l = frame_line(f, r.y + 1 + y, r.x, r.w, SLOT_DEFAULT);

		if (!l || i >= tv->nvis)
			continue;
		render_tree_row(tv, ui, tv->vis[i], r.w, l);
		if (i == tv->tsel)
			frame_over(f, tv->focus == PANE_TREE ? SLOT_CURSOR : SLOT_CURSOR_BLUR);
	}
}

/* ---- the detail --------------------------------------------------------- */

static bool fold_pred_in(const void *ctx, uint32_t node)
{
	return json_folds_has(&((const struct trace_view *)ctx)->fold_in, node);
}

static bool fold_pred_out(const void *ctx, uint32_t node)
{
	return json_folds_has(&((const struct trace_view *)ctx)->fold_out, node);
}

static void section(struct textbuf *tb, const char *title)
{
	struct tb_line *l = tb_newline(tb);

	tb_line_put(l, SLOT_TITLE, "▌", strlen("▌"));
	tb_line_put(l, SLOT_JSON_KEY, title, strlen(title));
}

static void put_kv(struct textbuf *tb, const char *k, enum slot vs, const char *v)
{
	struct tb_line *l = tb_newline(tb);

	tb_line_put(l, SLOT_DIM, "  ", 2);
	tb_line_put(l, SLOT_DIM, k, strlen(k));
	tb_line_pad(l, SLOT_DEFAULT, 14);
	if (v)
		tb_line_put_untrusted(l, vs, v, strlen(v));
}

/* With no spans: what the trace itself says. */
static void render_trace_info(struct trace_view *tv, struct textbuf *tb)
{
	const struct trace *t = &tv->tr;
	size_t i;

	section(tb, "request preview");
	if (t->info.request_preview)
		tb_put_untrusted_lines(tb, SLOT_PREVIEW, t->info.request_preview,
				       strlen(t->info.request_preview), 2);
	tb_newline(tb);
	section(tb, "response preview");
	if (t->info.response_preview)
		tb_put_untrusted_lines(tb, SLOT_PREVIEW, t->info.response_preview,
				       strlen(t->info.response_preview), 2);
	tb_newline(tb);
	section(tb, "tags");
	for (i = 0; i < t->tags.n; i++) {
		struct tb_line *l = tb_newline(tb);

		tb_line_put(l, SLOT_DEFAULT, "  ", 2);
		tb_line_put_untrusted(l, SLOT_JSON_KEY, t->tags.v[i].key, strlen(t->tags.v[i].key));
		tb_line_put(l, SLOT_JSON_PUNCT, ": ", 2);
		if (t->tags.v[i].value)
			tb_line_put_untrusted(l, SLOT_JSON_STRING, t->tags.v[i].value,
					      strlen(t->tags.v[i].value));
	}
	tb_newline(tb);
	section(tb, "metadata");
	for (i = 0; i < t->metadata.n; i++) {
		struct tb_line *l = tb_newline(tb);

		tb_line_put(l, SLOT_DEFAULT, "  ", 2);
		tb_line_put_untrusted(l, SLOT_JSON_KEY, t->metadata.v[i].key,
				      strlen(t->metadata.v[i].key));
		tb_line_put(l, SLOT_JSON_PUNCT, ": ", 2);
		if (t->metadata.v[i].value)
			tb_line_put_untrusted(l, SLOT_JSON_STRING, t->metadata.v[i].value,
					      strlen(t->metadata.v[i].value));
	}
}

static void render_span_head(struct trace_view *tv, size_t si, struct textbuf *tb)
{
	const struct span *s = &tv->tr.spans[si];
	char buf[64];

	put_kv(tb, "span", SLOT_ID, s->id);
	put_kv(tb, "type", SLOT_SPAN_TYPE, s->type ? s->type : "-");
	snprintf(buf, sizeof buf, "+%.3fs", ((double)s->start_ns - (double)tv->t0) / 1e9);
	put_kv(tb, "start", SLOT_TIME, buf);
	fmt_duration_ms(buf, sizeof buf, span_ms(s));
	put_kv(tb, "duration", SLOT_DURATION, buf);
	put_kv(tb, "status", s->status == SPAN_ERROR ? SLOT_STATUS_ERROR :
	       s->status == SPAN_OK ? SLOT_STATUS_OK : SLOT_STATUS_OTHER,
	       span_status_name(s->status));
	if (tv->det_ok && tv->det.status_message)
		put_kv(tb, "message", SLOT_STATUS_ERROR, tv->det.status_message);
}

static void render_detail(struct trace_view *tv)
{
	size_t si = selected_span(tv);
	struct textbuf *tb = &tv->dp.tb;
	struct json_render_opts o;
	struct err err;
	bool same = si == tv->dspan && tv->tab == tv->dtab_shown;
	size_t keep_sel = tv->dp.sel, keep_top = tv->dp.top;

	tb_clear(tb);
	if (si == SPAN_NONE) {
		render_trace_info(tv, tb);
		goto done;
	}
	if (tv->parsed != si) {
		if (tv->parsed != SPAN_NONE)
			span_detail_free(&tv->det);
		memset(&tv->det, 0, sizeof tv->det);
		FREE(tv->det_err);
		json_folds_free(&tv->fold_in);
		json_folds_free(&tv->fold_out);
		err_clear(&err);
		tv->det_ok = tv->tr.spans[si].content &&
			     span_detail_parse(tv->tr.spans[si].content, &tv->det, &err) == 0;
		if (!tv->det_ok)
			tv->det_err = xstrdup(tv->tr.spans[si].content ? err.msg :
					      "this span has no stored content");
		tv->parsed = si;
	}
	if (!tv->det_ok) {
		render_span_head(tv, si, tb);
		tb_newline(tb);
		tb_newline(tb);
		tb_put(tb, SLOT_MARKER, "cannot read the span: ");
		tb_put_untrusted(tb, SLOT_MSG_ERROR, tv->det_err, strlen(tv->det_err));
		goto done;
	}
	memset(&o, 0, sizeof o);
	o.indent = 2;
	o.ctx = tv;
	switch (tv->tab) {
	case TAB_IO:
		if (tv->det.status_message) {
			struct tb_line *l = tb_newline(tb);

			tb_line_put(l, SLOT_STATUS_ERROR, "status ", 7);
			tb_line_put(l, SLOT_STATUS_ERROR, span_status_name(tv->det.status),
				    strlen(span_status_name(tv->det.status)));
			tb_line_put(l, SLOT_STATUS_ERROR, ": ", 2);
			tb_line_put_untrusted(l, SLOT_STATUS_ERROR, tv->det.status_message,
					      strlen(tv->det.status_message));
		}
		section(tb, "inputs");
		o.is_folded = fold_pred_in;
		if (tv->det.inputs)
			json_render(tv->det.inputs, strlen(tv->det.inputs), &o, tb);
		else {
			tb_newline(tb);
			tb_put(tb, SLOT_DIM, "  (none recorded)");
		}
		tb_newline(tb);
		tv->out_start = tb->n;
		section(tb, "outputs");
		o.is_folded = fold_pred_out;
		if (tv->det.outputs)
			json_render(tv->det.outputs, strlen(tv->det.outputs), &o, tb);
		else {
			tb_newline(tb);
			tb_put(tb, SLOT_DIM, "  (none recorded)");
		}
		break;
	case TAB_CHAT:
		if (!chat_render(&tv->det, tb)) {
			tb_put(tb, SLOT_DIM, "No conversation in this span's inputs and outputs.");
			tb_newline(tb);
			tb_put(tb, SLOT_DIM, "(They are shown as JSON in the Inputs/Outputs tab.)");
		}
		break;
	case TAB_ATTRS:
		render_span_head(tv, si, tb);
		tb_newline(tb);
		section(tb, "attributes");
		attrs_render(&tv->det, ATTRS_SKIP_IO, tb);
		break;
	case TAB_EVENTS:
		if (!tv->det.nevents)
			tb_put(tb, SLOT_DIM, "No events.");
		else
			events_render(&tv->det, tb);
		break;
	case TAB_COUNT_:
		break;
	}
done:
	tv->dspan = si;
	tv->dtab_shown = tv->tab;
	tv->dstale = false;
	if (same) {
		tv->dp.sel = keep_sel;
		tv->dp.top = keep_top;
		pane_clamp(&tv->dp);
	} else {
		tv->dp.sel = tv->dp.top = 0;
		tv->dp.hoff = 0;
	}
}

static void render_detail_pane(struct trace_view *tv, struct ui *ui, struct frame *f,
			       struct rect r)
{
	struct strbuf t = STRBUF_INIT;
	struct rect body = { r.y + 1, r.x, r.h - 1, r.w };
	int i;

	if (selected_span(tv) == SPAN_NONE) {
		sb_adds(&t, "Trace");
	} else {
		for (i = 0; i < TAB_COUNT_; i++) {
			if (i)
				sb_adds(&t, " ");
			sb_addf(&t, i == (int)tv->tab ? "[%s" : " %s", tab_names[i]);
			if (i == TAB_EVENTS && tv->det_ok && tv->parsed == selected_span(tv) &&
			    tv->det.nevents)
				sb_addf(&t, "(%zu%s)", tv->det.nevents,
					tv->det.nexceptions ? "!" : "");
			if (i == (int)tv->tab)
				sb_adds(&t, "]");
		}
	}
	render_title(f, r, tv->focus == PANE_DETAIL, sb_str(&t), NULL);
	sb_free(&t);
	if (tv->dstale) {
		struct tb_line *l = frame_line(f, body.y, body.x, body.w, SLOT_DEFAULT);

		if (l)
			tb_line_put(l, SLOT_DIM, " …", strlen(" …"));
		for (i = 1; i < body.h; i++)
			frame_line(f, body.y + i, body.x, body.w, SLOT_DEFAULT);
		return;
	}
	pane_render(&tv->dp, f, body, tv->focus == PANE_DETAIL, ui->search);
}

/* ---- the feedback pane -------------------------------------------------- */

static enum slot source_slot(const struct assessment *a, const char *me)
{
	if (str_eq(a->source_type, "LLM_JUDGE"))
		return SLOT_FB_JUDGE;
	if (str_eq(a->source_type, "CODE"))
		return SLOT_FB_CODE;
	if (str_eq(a->source_type, "HUMAN") && str_eq(a->source_id, me))
		return SLOT_FB_MINE;
	return SLOT_FB_HUMAN;
}

/* Copies the bytes [from, to) of src (on code point boundaries) to dst,
 * keeping the slots; *seg is where to start looking in src's segments and
 * moves forward, so copying a line piece by piece is linear. */
static void copy_bytes(struct tb_line *dst, const struct tb_line *src, size_t from, size_t to,
		       size_t *seg)
{
	while (*seg < src->nsegs && src->segs[*seg].off + src->segs[*seg].len <= from)
		(*seg)++;
	for (size_t k = *seg; k < src->nsegs && src->segs[k].off < to; k++) {
		size_t a = src->segs[k].off > from ? src->segs[k].off : from;
		size_t e = src->segs[k].off + src->segs[k].len < to ?
			   src->segs[k].off + src->segs[k].len : to;

		if (e > a)
			tb_line_put(dst, (enum slot)src->segs[k].slot, src->text + a, e - a);
	}
}

#define WRAP_MAX_BYTES (64 * 1024)   /* of one text shown in the feedback pane */
#define WRAP_MAX_LINES 400

/* Wraps untrusted text to width columns, each line indented, at spaces
 * when it can.  Long texts are cut with a note saying how much is left. */
static void put_wrapped(struct textbuf *tb, enum slot slot, const char *s, int width,
			int indent, enum slot over, uint32_t ref)
{
	size_t total = strlen(s), n = total > WRAP_MAX_BYTES ? WRAP_MAX_BYTES : total;
	const char *p = s, *end = s + n;
	int room, lines = 0;

	if (width - indent < 10)
		width = indent + 10;
	room = width - indent;
	/* Do not cut a code point at the byte limit. */
	while (end > s && end < s + total && ((unsigned char)*end & 0xc0) == 0x80)
		end--;
	while (p && p < end && lines < WRAP_MAX_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p), i = 0, start = 0, seg = 0;
		size_t brk = 0;
		int col = 0, brk_col = -1;
		struct tb_line tmp;

		memset(&tmp, 0, sizeof tmp);
		if (len && p[len - 1] == '\r')
			len--;
		tb_line_put_untrusted(&tmp, slot, p, len);
		for (;;) {
			uint32_t cp;
			int cl = 0, cw = 0;
			bool flush = i >= tmp.len;

			if (!flush) {
				cl = utf8_decode(tmp.text + i, tmp.len - i, &cp);
				if (cl <= 0)
					cl = 1, cp = '?';
				cw = cp_width(cp) > 0 ? cp_width(cp) : 0;
				if (cp == ' ' && i > start) {
					brk = i;
					brk_col = col;
				}
				flush = col + cw > room;
			}
			if (flush) {
				size_t cut = i >= tmp.len || brk_col < 0 ? i : brk;
				struct tb_line *l;

				if (lines++ >= WRAP_MAX_LINES)
					break;
				l = tb_newline(tb);
				l->ref = ref;
				tb_line_pad(l, SLOT_DEFAULT, indent);
				copy_bytes(l, &tmp, start, cut, &seg);
				if (over != SLOT_KEEP) {
					size_t k;

					for (k = 0; k < l->nsegs; k++)
						if (l->segs[k].slot != SLOT_ESCAPE)
							l->segs[k].slot = (uint16_t)over;
				}
				if (i >= tmp.len)
					break;
				/* The next line starts after the break (its space
				 * dropped) or at the character that did not fit. */
				start = cut == brk && brk_col >= 0 ? brk + 1 : cut;
				i = start;
				col = 0;
				brk_col = -1;
				continue;
			}
			col += cw;
			i += (size_t)cl;
		}
		free(tmp.text);
		free(tmp.segs);
		p = nl ? nl + 1 : NULL;
	}
	if (total > (size_t)(end - s) || (p && p < end)) {
		struct tb_line *l = tb_newline(tb);
		char note[64];
		double more = (double)(total - (size_t)((p && p < end ? p : end) - s));

		l->ref = ref;
		tb_line_pad(l, SLOT_DEFAULT, indent);
		if (more >= 1024 * 1024)
			snprintf(note, sizeof note, "… %.1f MB more", more / (1024 * 1024));
		else if (more >= 1024)
			snprintf(note, sizeof note, "… %.1f KB more", more / 1024);
		else
			snprintf(note, sizeof note, "… %.0f bytes more", more);
		tb_line_put(l, SLOT_MARKER, note, strlen(note));
	}
}

/* " (a-…9f3e)": enough of an assessment id to tell rows apart. */
static void put_short_id(struct tb_line *l, const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (!n)
		return;
	tb_line_put(l, SLOT_DIM, " (", 2);
	if (n > 10 && str_starts(id, "a-")) {
		tb_line_put(l, SLOT_ID, "a-…", strlen("a-…"));
		tb_line_put_untrusted(l, SLOT_ID, id + n - 4, 4);
	} else {
		tb_line_put_untrusted_fit(l, SLOT_ID, id, n, 12, false);
	}
	tb_line_put(l, SLOT_DIM, ")", 1);
}

/* The value of an assessment as shown: decoded strings, JSON otherwise. */
static char *value_text(const struct assessment *a)
{
	char *s;

	if (!a->value)
		return NULL;
	s = ui_json_string(a->value);
	return s ? s : xstrdup(a->value);
}

/* The override links of a trace's feedback, found once per rebuild of the
 * pane (a trace may hold 100,000 rows): by[i] is the row that overrides
 * row i, over[i] the row that row i overrides; NO_ROW when none.  Of rows
 * sharing an id, the last counts. */
#define NO_ROW ((size_t)-1)

struct by_id {
	const char *id;
	size_t i;
};

static int by_id_cmp(const void *a, const void *b)
{
	const struct by_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* The last row whose id is id, or NO_ROW. */
static size_t find_row(const struct by_id *ids, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {   /* the first entry with an id past this one */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ids[mid].id, id) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && strcmp(ids[lo - 1].id, id) == 0 ? ids[lo - 1].i : NO_ROW;
}

static void override_links(const struct assessment_list *l, size_t *by, size_t *over)
{
	struct by_id *ids = xcalloc(l->n ? l->n : 1, sizeof *ids);
	size_t i, n = 0;

	for (i = 0; i < l->n; i++) {
		by[i] = over[i] = NO_ROW;
		if (l->v[i].id) {
			ids[n].id = l->v[i].id;
			ids[n++].i = i;
		}
	}
	qsort(ids, n, sizeof *ids, by_id_cmp);
	for (i = 0; i < l->n; i++) {
		const struct assessment *a = &l->v[i];
		size_t j;

		if (!a->overrides)
			continue;
		j = find_row(ids, n, a->overrides);
		if (a->id)
			over[i] = j;
		if (j != NO_ROW)
			by[j] = i;
	}
	free(ids);
}

static void render_item(struct trace_view *tv, struct ui *ui, size_t idx, bool disagree,
			const size_t *by_row, const size_t *over_row, int width)
{
	const struct trace *t = &tv->tr;
	const struct assessment *a = &t->assessments.v[idx];
	const struct assessment *by = by_row[idx] != NO_ROW ? &t->assessments.v[by_row[idx]] : NULL;
	const struct assessment *over =
		over_row[idx] != NO_ROW ? &t->assessments.v[over_row[idx]] : NULL;
	struct textbuf *tb = &tv->fp.tb;
	struct tb_line *l = tb_newline(tb);
	bool expectation = str_eq(a->type, "expectation");
	bool dim = !a->valid;
	enum slot ov = dim ? SLOT_OVERRIDDEN : SLOT_KEEP;
	struct strbuf g = STRBUF_INIT;
	enum slot vs;
	char *val = value_text(a), when[32];
	const struct span *sp = span_by_id(t, a->span_id);
	size_t i, start_line = tb->n - 1;
	bool targets_sel = tv->target && a->span_id && str_eq(a->span_id, tv->target);

	l->ref = (uint32_t)idx;
	l->flags = FB_ITEM_START;
	tb_line_put(l, SLOT_MARKER, targets_sel ? "▶" : " ", strlen(targets_sel ? "▶" : " "));
	if (expectation) {
		tb_line_put(l, SLOT_FB_VALUE, "◆ ", strlen("◆ "));
	} else if (a->value) {
		ui_fb_glyph(a->value, 3, &g, &vs);
		if (vs == SLOT_FB_TRUE || vs == SLOT_FB_FALSE) {
			tb_line_put(l, vs, sb_str(&g), g.len);
			tb_line_put(l, SLOT_DEFAULT, " ", 1);
		} else {
			tb_line_put(l, SLOT_FB_VALUE, "● ", strlen("● "));
		}
	} else {
		tb_line_put(l, SLOT_STATUS_ERROR, "! ", 2);
	}
	tb_line_put_untrusted_fit(l, SLOT_NAME, a->name ? a->name : "", a->name ? strlen(a->name) : 0,
				  30, false);
	if (expectation)
		tb_line_put(l, SLOT_DIM, " (expectation)", 14);
	if (val) {
		tb_line_put(l, SLOT_DIM, " = ", 3);
		tb_line_put_untrusted_fit(l, SLOT_FB_VALUE, val, strlen(val), 24, true);
		if (disagree)
			tb_line_put(l, SLOT_MSG_ERROR, " ≠", strlen(" ≠"));
	} else if (a->error) {
		tb_line_put(l, SLOT_DIM, " = ", 3);
		tb_line_put(l, SLOT_STATUS_ERROR, "error", 5);
	}
	tb_line_put(l, SLOT_DEFAULT, "  ", 2);
	tb_line_put_untrusted_fit(l, source_slot(a, ui->me), a->source_type ? a->source_type : "?",
				  a->source_type ? strlen(a->source_type) : 1, 16, false);
	if (a->source_id) {
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		tb_line_put_untrusted_fit(l, source_slot(a, ui->me), a->source_id,
					  strlen(a->source_id), 32, false);
	}
	if (source_slot(a, ui->me) == SLOT_FB_MINE)
		tb_line_put(l, SLOT_FB_MINE, " (you)", 6);
	fmt_time_ms(when, sizeof when, a->created_ms, true);
	when[16] = '\0';
	tb_line_put(l, SLOT_DEFAULT, "  ", 2);
	tb_line_put(l, SLOT_TIME, when, strlen(when));
	if (a->updated_ms > a->created_ms)
		tb_line_put(l, SLOT_DIM, " (edited)", 9);
	/* Second line: the target and the override links. */
	l = tb_newline(tb);
	l->ref = (uint32_t)idx;
	tb_line_put(l, SLOT_DEFAULT, "    ", 4);
	if (a->span_id) {
		tb_line_put(l, SLOT_DIM, "on span ", 8);
		if (sp && sp->name)
			tb_line_put_untrusted_fit(l, SLOT_NAME, sp->name, strlen(sp->name), 30, true);
		else
			tb_line_put_untrusted_fit(l, SLOT_ID, a->span_id, strlen(a->span_id), 16,
						  false);
	} else {
		tb_line_put(l, SLOT_DIM, "on the trace", 12);
	}
	if (!a->valid) {
		tb_line_put(l, SLOT_DIM, "  overridden", 12);
		if (by) {
			tb_line_put(l, SLOT_DIM, " by ", 4);
			tb_line_put_untrusted_fit(l, source_slot(by, ui->me),
						  by->source_id ? by->source_id : "?",
						  by->source_id ? strlen(by->source_id) : 1, 24, false);
			put_short_id(l, by->id);
		}
	}
	if (a->overrides) {
		tb_line_put(l, SLOT_DIM, "  overrides ", 12);
		if (over) {
			char *ov_val = value_text(over);

			tb_line_put_untrusted_fit(l, source_slot(over, ui->me),
						  over->source_type ? over->source_type : "?",
						  over->source_type ? strlen(over->source_type) : 1, 12,
						  false);
			if (ov_val) {
				tb_line_put(l, SLOT_DIM, " ", 1);
				tb_line_put_untrusted_fit(l, SLOT_FB_VALUE, ov_val, strlen(ov_val), 16,
							  true);
			}
			free(ov_val);
		}
		put_short_id(l, a->overrides);
	}
	/* A long value in full, the error, the rationale. */
	if (val && text_width(val, strlen(val)) > 24) {
		put_wrapped(tb, SLOT_FB_VALUE, val, width, 4, ov, (uint32_t)idx);
	}
	if (a->error) {
		char *e = sanitize_dup(a->error, strlen(a->error));

		l = tb_newline(tb);
		l->ref = (uint32_t)idx;
		tb_line_put(l, SLOT_DEFAULT, "    ", 4);
		tb_line_put(l, SLOT_STATUS_ERROR, "error: ", 7);
		tb_line_put(l, SLOT_STATUS_ERROR, e, strlen(e));
		free(e);
	}
	if (a->rationale && *a->rationale)
		put_wrapped(tb, SLOT_RATIONALE, a->rationale, width, 4, ov, (uint32_t)idx);
	if (dim) {
		for (i = start_line; i < tb->n; i++) {
			size_t k;

			for (k = 0; k < tb->lines[i].nsegs; k++)
				if (tb->lines[i].segs[k].slot != SLOT_ESCAPE)
					tb->lines[i].segs[k].slot = SLOT_OVERRIDDEN;
		}
	}
	free(val);
	sb_free(&g);
}

struct fb_ord {
	const char *name;
	size_t first, i;
};

static int ord_by_name(const void *a, const void *b)
{
	const struct fb_ord *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

static int ord_by_first(const void *a, const void *b)
{
	const struct fb_ord *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The pane's order: feedback grouped by name (the groups in the order of
 * their first row, rows in store order within a group), so mine sits next
 * to the judge's; disagree[i] when row i is one of a pair of mine and a
 * judge's answering the same question that do not agree (the rule of
 * core/question.h, as the store's D filter applies it). */
static void feedback_order(const struct assessment_list *l, const char *root, const char *me,
			   size_t *order, bool *disagree)
{
	struct fb_ord *o;
	size_t i, g, n = l->n;

	if (!n)
		return;
	label_disagree_marks(l, root, me, NULL, disagree);
	o = xcalloc(n, sizeof *o);
	for (i = 0; i < n; i++) {
		o[i].name = l->v[i].name ? l->v[i].name : "";
		o[i].i = i;
	}
	qsort(o, n, sizeof *o, ord_by_name);
	for (g = 0; g < n;) {
		size_t end = g;

		while (end < n && strcmp(o[end].name, o[g].name) == 0)
			o[end++].first = o[g].i;
		g = end;
	}
	qsort(o, n, sizeof *o, ord_by_first);
	for (i = 0; i < n; i++)
		order[i] = o[i].i;
	free(o);
}

/* In blind mode, is row i another source's answer to a question of the
 * schema that I have not answered on this trace? */
static bool blinded(const struct trace_view *tv, const struct ui *ui, size_t i)
{
	const struct assessment *a = &tv->tr.assessments.v[i], *mine, *other;
	const char *root = root_span(tv);

	if (!ui->blind || !str_eq(a->type, "feedback") || label_owner_of(a, ui->me) == OWNER_ME ||
	    !ui->cfg || !a->name || !config_label(ui->cfg, a->name))
		return false;
	label_find_rows(&tv->tr.assessments, root, question_target(a->span_id, root), a->name,
			ui->me, &mine, &other, NULL);
	return !mine;
}

/* How many rows blind mode hides, and their questions in schema order
 * ("correctness, helpfulness"). */
static size_t blind_hidden(const struct trace_view *tv, const struct ui *ui, struct strbuf *names)
{
	size_t i, q, n = 0;

	for (q = 0; ui->blind && ui->cfg && q < ui->cfg->nlabels; q++) {
		const char *name = ui->cfg->labels[q].name;
		size_t here = 0;

		for (i = 0; i < tv->tr.assessments.n; i++)
			here += str_eq(tv->tr.assessments.v[i].name, name) && blinded(tv, ui, i);
		if (here)
			sb_addf(names, "%s%s", names->len ? ", " : "", name);
		n += here;
	}
	return n;
}

static void render_feedback(struct trace_view *tv, struct ui *ui, int width)
{
	size_t i, keep = tv->fp.sel, keep_top = tv->fp.top, n = tv->tr.assessments.n, from;
	uint32_t keep_ref = keep < tv->fp.tb.n ? tv->fp.tb.lines[keep].ref : 0;
	bool had = tv->fp.tb.n > 0;
	size_t *order = xcalloc(n ? n : 1, sizeof *order), hidden;
	size_t *by = xcalloc(n ? n : 1, sizeof *by), *over = xcalloc(n ? n : 1, sizeof *over);
	bool *disagree = xcalloc(n ? n : 1, sizeof *disagree);
	struct strbuf hidden_names = STRBUF_INIT;

	tb_clear(&tv->fp.tb);
	feedback_order(&tv->tr.assessments, root_span(tv), ui->me, order, disagree);
	override_links(&tv->tr.assessments, by, over);
	hidden = blind_hidden(tv, ui, &hidden_names);
	if (hidden) {
		/* Blind mode says what it hides. */
		struct tb_line *l = tb_newline(&tv->fp.tb);
		char buf[128];

		l->ref = FB_NO_ITEM;
		snprintf(buf, sizeof buf, " blind: %zu answer%s of others hidden until you answer ",
			 hidden, hidden == 1 ? "" : "s");
		/* ... "correctness, helpfulness" */
		tb_line_put(l, SLOT_DIM, buf, strlen(buf));
		tb_line_put_untrusted_fit(l, SLOT_NAME, sb_str(&hidden_names), hidden_names.len,
					  width - l->width > 4 ? width - l->width : 4, true);
	}
	sb_free(&hidden_names);
	from = tv->fp.tb.n;
	ui_label_duplicate_lines(ui, &tv->tr.assessments, root_span(tv), &tv->fp.tb, width);
	for (i = from; i < tv->fp.tb.n; i++)
		tv->fp.tb.lines[i].ref = FB_NO_ITEM;
	for (i = 0; i < n; i++)
		if (!blinded(tv, ui, order[i]))
			render_item(tv, ui, order[i], disagree[order[i]], by, over, width);
	if (!n)
		tb_put(&tv->fp.tb, SLOT_DIM, " No feedback on this trace yet.");
	free(order);
	free(by);
	free(over);
	free(disagree);
	/* Labels of mine not written yet; their lines are no item. */
	from = tv->fp.tb.n;
	ui_label_pending_lines(ui, tv->tr.info.id ? tv->tr.info.id : tv->id, &tv->fp.tb, width);
	for (i = from; i < tv->fp.tb.n; i++)
		tv->fp.tb.lines[i].ref = FB_NO_ITEM;
	tv->fstale = false;
	tv->fwidth = width;
	tv->fp.sel = 0;
	tv->fp.top = keep_top;
	if (had) {
		for (i = 0; i < tv->fp.tb.n; i++) {
			if ((tv->fp.tb.lines[i].flags & FB_ITEM_START) &&
			    tv->fp.tb.lines[i].ref == keep_ref) {
				tv->fp.sel = i;
				break;
			}
		}
	}
	pane_clamp(&tv->fp);
}

static void render_feedback_pane(struct trace_view *tv, struct ui *ui, struct frame *f,
				 struct rect r)
{
	char extra[64];
	size_t i, valid = 0;
	struct rect body = { r.y + 1, r.x, r.h - 1, r.w };

	if (r.h <= 0)
		return;
	for (i = 0; i < tv->tr.assessments.n; i++)
		valid += tv->tr.assessments.v[i].valid;
	snprintf(extra, sizeof extra, " (%zu", tv->tr.assessments.n);
	if (valid != tv->tr.assessments.n)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %zu overridden",
			 tv->tr.assessments.n - valid);
	strcat(extra, ")");
	render_title(f, r, tv->focus == PANE_FEEDBACK, "Feedback", extra);
	if (tv->fstale || tv->fwidth != r.w)
		render_feedback(tv, ui, r.w);
	if (body.h > 0)
		pane_render(&tv->fp, f, body, tv->focus == PANE_FEEDBACK, ui->search);
}

/* ---- the view ----------------------------------------------------------- */

static void trace_render(struct view *v, struct ui *ui, struct frame *f)
{
	struct trace_view *tv = v->priv;
	struct trace_layout lay;
	int y;

	if (tv->job || tv->load_err) {
		render_loading(tv, ui, f);
		return;
	}
	render_header(tv, ui, f);
	layout_trace(ui->rows, ui->cols, tv->focus, tv->nvis ? (int)tv->nvis : 1, &lay);
	render_tree(tv, ui, f, lay.pane[PANE_TREE]);
	render_detail_pane(tv, ui, f, lay.pane[PANE_DETAIL]);
	render_feedback_pane(tv, ui, f, lay.pane[PANE_FEEDBACK]);
	if (lay.vsplit >= 0) {
		struct rect b = layout_body(ui->rows, ui->cols);

		for (y = 0; y < b.h; y++) {
			struct tb_line *l = frame_line(f, b.y + y, lay.vsplit, 1, SLOT_BORDER);

			if (l)
				tb_line_put(l, SLOT_BORDER, "│", strlen("│"));
		}
	}
}

static void fold_all(struct trace_view *tv, bool fold)
{
	size_t i;

	for (i = 0; i < tv->tr.nspans; i++)
		tv->folded[i] = fold && tv->tr.spans[i].first_child != SPAN_NONE;
	rebuild_vis(tv);
	tv->dstale = tv->dstale || selected_span(tv) != tv->dspan;
	tv->fstale = true;
}

static unsigned tree_handle(struct trace_view *tv, struct ui *ui, enum action a)
{
	size_t h = tv->theight > 0 ? (size_t)tv->theight : 1, si = selected_span(tv), i;

	(void)ui;
	switch (a) {
	case ACT_MOVE_DOWN:
		select_vis(tv, tv->tsel + 1);
		break;
	case ACT_MOVE_UP:
		select_vis(tv, tv->tsel ? tv->tsel - 1 : 0);
		break;
	case ACT_PAGE_DOWN:
		select_vis(tv, tv->tsel + h);
		tv->ttop += h;
		break;
	case ACT_PAGE_UP:
		select_vis(tv, tv->tsel > h ? tv->tsel - h : 0);
		tv->ttop = tv->ttop > h ? tv->ttop - h : 0;
		break;
	case ACT_HALF_DOWN:
		select_vis(tv, tv->tsel + h / 2 + 1);
		break;
	case ACT_HALF_UP:
		select_vis(tv, tv->tsel > h / 2 + 1 ? tv->tsel - h / 2 - 1 : 0);
		break;
	case ACT_MOVE_FIRST:
		select_vis(tv, 0);
		break;
	case ACT_MOVE_LAST:
		select_vis(tv, tv->nvis ? tv->nvis - 1 : 0);
		break;
	case ACT_OPEN:
		if (si == SPAN_NONE)
			return EFF_HANDLED;
		if (tv->tr.spans[si].first_child == SPAN_NONE) {
			tv->focus = PANE_DETAIL;
			break;
		}
		/* fall through */
	case ACT_FOLD:
		if (si == SPAN_NONE || tv->tr.spans[si].first_child == SPAN_NONE)
			return EFF_HANDLED;
		tv->folded[si] = !tv->folded[si];
		rebuild_vis(tv);
		break;
	case ACT_FOLD_ALL:
		fold_all(tv, true);
		break;
	case ACT_UNFOLD_ALL:
		fold_all(tv, false);
		break;
	case ACT_SCROLL_LEFT:
		/* Left on a child goes to its parent, as in a file tree. */
		if (si != SPAN_NONE && tv->tr.spans[si].parent != SPAN_NONE) {
			for (i = 0; i < tv->nvis; i++)
				if (tv->vis[i] == tv->tr.spans[si].parent)
					select_vis(tv, i);
		}
		break;
	case ACT_SCROLL_RIGHT:
		if (si != SPAN_NONE && tv->folded[si]) {
			tv->folded[si] = false;
			rebuild_vis(tv);
		} else if (si != SPAN_NONE && tv->tr.spans[si].first_child != SPAN_NONE) {
			select_vis(tv, tv->tsel + 1);
		}
		break;
	default:
		return EFF_UNHANDLED;
	}
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned detail_handle(struct trace_view *tv, enum action a)
{
	struct tb_line *l;
	struct json_folds *folds;
	size_t i;

	if (pane_move(&tv->dp, a))
		return EFF_HANDLED | EFF_REDRAW;
	switch (a) {
	case ACT_OPEN:
	case ACT_FOLD:
		if (tv->dstale || tv->dp.sel >= tv->dp.tb.n || tv->tab != TAB_IO)
			return EFF_HANDLED;
		l = &tv->dp.tb.lines[tv->dp.sel];
		if (!(l->flags & JSON_LINE_OPENS))
			return EFF_HANDLED;
		folds = tv->dp.sel >= tv->out_start ? &tv->fold_out : &tv->fold_in;
		json_folds_toggle(folds, l->ref);
		tv->dstale = true;
		break;
	case ACT_FOLD_ALL:
		if (tv->tab != TAB_IO)
			return EFF_HANDLED;
		for (i = 0; i < tv->dp.tb.n; i++) {
			l = &tv->dp.tb.lines[i];
			if ((l->flags & JSON_LINE_OPENS) && l->ref != 0)
				json_folds_set(i >= tv->out_start ? &tv->fold_out : &tv->fold_in,
					       l->ref, true);
		}
		tv->dstale = true;
		break;
	case ACT_UNFOLD_ALL:
		json_folds_free(&tv->fold_in);
		json_folds_free(&tv->fold_out);
		tv->dstale = true;
		break;
	default:
		return EFF_UNHANDLED;
	}
	return EFF_HANDLED | EFF_REDRAW;
}

static void fb_step(struct trace_view *tv, int dir)
{
	size_t i = tv->fp.sel;

	while (dir > 0 ? i + 1 < tv->fp.tb.n : i > 0) {
		i = dir > 0 ? i + 1 : i - 1;
		if (tv->fp.tb.lines[i].flags & FB_ITEM_START) {
			size_t end = i + 1;

			tv->fp.sel = i;
			/* Show the whole item when it fits. */
			while (end < tv->fp.tb.n && !(tv->fp.tb.lines[end].flags & FB_ITEM_START))
				end++;
			if (tv->fp.height > 0 && end > tv->fp.top + (size_t)tv->fp.height &&
			    end - i <= (size_t)tv->fp.height)
				tv->fp.top = end - (size_t)tv->fp.height;
			pane_clamp(&tv->fp);
			return;
		}
	}
}

static unsigned feedback_handle(struct trace_view *tv, enum action a)
{
	const struct assessment *as;
	const struct span *sp;

	switch (a) {
	case ACT_MOVE_DOWN:
		fb_step(tv, 1);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_MOVE_UP:
		fb_step(tv, -1);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_OPEN:
		/* Go to the span the feedback is about. */
		if (tv->fp.sel >= tv->fp.tb.n ||
		    tv->fp.tb.lines[tv->fp.sel].ref >= tv->tr.assessments.n)
			return EFF_HANDLED;
		as = &tv->tr.assessments.v[tv->fp.tb.lines[tv->fp.sel].ref];
		sp = span_by_id(&tv->tr, as->span_id);
		if (sp) {
			reveal(tv, (size_t)(sp - tv->tr.spans));
			tv->focus = PANE_TREE;
		}
		return EFF_HANDLED | EFF_REDRAW;
	default:
		break;
	}
	if (pane_move(&tv->fp, a)) {
		/* Land on an item's first line. */
		while (tv->fp.sel > 0 && tv->fp.sel < tv->fp.tb.n &&
		       !(tv->fp.tb.lines[tv->fp.sel].flags & FB_ITEM_START))
			tv->fp.sel--;
		return EFF_HANDLED | EFF_REDRAW;
	}
	return EFF_UNHANDLED;
}

static unsigned goto_trace(struct trace_view *tv, struct ui *ui, long delta)
{
	struct err err;
	char *id = ui_step_trace(ui, tv->id, delta);

	if (id) {
		err_clear(&err);
		if (load(tv, ui, id, &err) < 0)
			ui_error(ui, &err);
		free(id);
	}
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned next_error(struct trace_view *tv, struct ui *ui)
{
	const struct trace *t = &tv->tr;
	size_t si = selected_span(tv), i, k;
	size_t n = t->nspans;

	if (!n || t->spans_state != SPANS_LOADED)
		return EFF_HANDLED;
	/* Preorder over every span (folds ignored), after the selected one. */
	i = si;
	for (k = 0; k < n; k++) {
		i = i == SPAN_NONE ? t->first_root : span_tree_next(t, i, false);
		if (i == SPAN_NONE)
			i = t->first_root;
		if (i == SPAN_NONE)
			break;
		if (t->spans[i].status == SPAN_ERROR && i != si) {
			reveal(tv, i);
			tv->focus = PANE_TREE;
			return EFF_HANDLED | EFF_REDRAW;
		}
	}
	ui_msg(ui, SLOT_MSG_INFO, "no other error span");
	return EFF_HANDLED | EFF_REDRAW;
}

/* The label target: the trace <-> the span selected in the tree. */
static unsigned toggle_target(struct trace_view *tv, struct ui *ui)
{
	size_t si = selected_span(tv);
	const struct span *s = si != SPAN_NONE ? &tv->tr.spans[si] : NULL;

	if (tv->target) {
		FREE(tv->target);
		ui_msg(ui, SLOT_MSG_OK, "labels go to the trace");
	} else if (!s || !s->id) {
		ui_msg(ui, SLOT_MSG_INFO, "no span selected: labels go to the trace");
	} else if (root_span(tv) ? str_eq(s->id, root_span(tv)) : si == tv->tr.first_root) {
		ui_msg(ui, SLOT_MSG_INFO, "the root span's answers are the trace's: labels go to "
		       "the trace (select another span first)");
	} else {
		tv->target = xstrdup(s->id);
		ui_msg(ui, SLOT_MSG_OK, "labels go to span %s", s->name ? s->name : s->id);
	}
	tv->fstale = true;
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned trace_handle(struct view *v, struct ui *ui, enum action a)
{
	struct trace_view *tv = v->priv;
	unsigned eff;

	if (tv->job || tv->load_err)
		return a == ACT_BACK || a == ACT_QUIT ? EFF_HANDLED | EFF_CLOSE : EFF_HANDLED;
	switch (a) {
	case ACT_TOGGLE_TARGET:
		return toggle_target(tv, ui);
	case ACT_NEXT_PANE:
		tv->focus = (enum pane_id)((tv->focus + 1) % PANE_COUNT_);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_PREV_PANE:
		tv->focus = (enum pane_id)((tv->focus + PANE_COUNT_ - 1) % PANE_COUNT_);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_NEXT_TAB:
	case ACT_PREV_TAB:
		tv->tab = (enum dtab)((tv->tab + (a == ACT_NEXT_TAB ? 1 : TAB_COUNT_ - 1)) %
				      TAB_COUNT_);
		tv->dstale = true;
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_BACK:
	case ACT_QUIT:
		return EFF_HANDLED | EFF_CLOSE;
	case ACT_NEXT_TRACE:
		return goto_trace(tv, ui, 1);
	case ACT_PREV_TRACE:
		return goto_trace(tv, ui, -1);
	case ACT_NEXT_ERROR:
		return next_error(tv, ui);
	case ACT_REFRESH: {
		struct err err;
		char *id = xstrdup(tv->id);

		err_clear(&err);
		if (load(tv, ui, id, &err) < 0)
			ui_error(ui, &err);
		else
			ui_msg(ui, SLOT_MSG_OK, "reloaded");
		free(id);
		return EFF_HANDLED | EFF_REDRAW;
	}
	default:
		break;
	}
	switch (tv->focus) {
	case PANE_TREE:
		eff = tree_handle(tv, ui, a);
		break;
	case PANE_DETAIL:
		eff = detail_handle(tv, a);
		break;
	case PANE_FEEDBACK:
		eff = feedback_handle(tv, a);
		break;
	default:
		eff = EFF_UNHANDLED;
	}
	return eff;
}

static unsigned trace_search(struct view *v, struct ui *ui, const char *text, int dir)
{
	struct trace_view *tv = v->priv;
	const struct trace *t = &tv->tr;
	struct pane *p = tv->focus == PANE_DETAIL ? &tv->dp : &tv->fp;
	bool wrapped = false;

	if (tv->focus == PANE_TREE) {
		/* Every span (folded or not), in tree order from the selection. */
		size_t si = selected_span(tv), i = si, k, n = t->nspans;
		size_t *order, m = 0, at = 0;

		if (!n || t->spans_state != SPANS_LOADED)
			return EFF_HANDLED;
		order = xcalloc(n, sizeof *order);
		for (i = t->first_root; i != SPAN_NONE && m < n; i = span_tree_next(t, i, false)) {
			if (i == si)
				at = m;
			order[m++] = i;
		}
		for (k = 0; k < m; k++) {
			size_t j = dir == 0 ? (at + k) % m : dir > 0 ? (at + 1 + k) % m :
				   (at + m - 1 - k) % m;
			const struct span *s = &t->spans[order[j]];

			if ((s->name && text_has_ci(s->name, strlen(s->name), text)) ||
			    (s->type && text_has_ci(s->type, strlen(s->type), text)) ||
			    (s->id && text_has_ci(s->id, strlen(s->id), text))) {
				wrapped = dir < 0 ? j >= at : dir > 0 ? j <= at : j < at;
				reveal(tv, order[j]);
				free(order);
				if (wrapped)
					ui_msg(ui, SLOT_MSG_INFO, "search wrapped");
				return EFF_HANDLED | EFF_REDRAW;
			}
		}
		free(order);
		ui_msg(ui, SLOT_MSG_ERROR, "no span matches: %s", text);
		return EFF_HANDLED | EFF_REDRAW;
	}
	if (tv->focus == PANE_DETAIL && tv->dstale)
		render_detail(tv);
	if (!pane_find(p, text, dir, &wrapped))
		ui_msg(ui, SLOT_MSG_ERROR, "not found: %s", text);
	else if (wrapped)
		ui_msg(ui, SLOT_MSG_INFO, "search wrapped");
	if (p == &tv->fp)
		while (tv->fp.sel > 0 && !(tv->fp.tb.lines[tv->fp.sel].flags & FB_ITEM_START))
			tv->fp.sel--;
	return EFF_HANDLED | EFF_REDRAW;
}

static bool trace_busy(const struct view *v, struct ui *ui)
{
	const struct trace_view *tv = v->priv;

	(void)ui;
	return tv->job || tv->dstale;
}

static bool trace_idle(struct view *v, struct ui *ui)
{
	struct trace_view *tv = v->priv;

	if (tv->job)
		return load_poll(tv, ui);
	if (!tv->dstale)
		return false;
	render_detail(tv);
	return true;
}

static void trace_hints(const struct view *v, struct ui *ui, struct strbuf *out)
{
	const struct trace_view *tv = v->priv;
	static const char *const ctx[PANE_COUNT_] = { "tree", "detail", "feedback" };
	const char *c = ctx[tv->focus];

	ui_hint(ui, c, ACT_NEXT_PANE, "pane", out);
	if (tv->focus == PANE_TREE)
		ui_hint(ui, c, ACT_FOLD, "fold", out);
	if (tv->focus == PANE_DETAIL) {
		ui_hint(ui, c, ACT_NEXT_TAB, "tab", out);
		ui_hint(ui, c, ACT_FOLD, "fold", out);
	}
	ui_hint(ui, c, ACT_SEARCH, "search", out);
	ui_hint(ui, c, ACT_BACK, "back", out);
	ui_hint(ui, c, ACT_HELP, "help", out);
}

static bool trace_target(const struct view *v, struct ui *ui, struct label_target *out)
{
	const struct trace_view *tv = v->priv;
	const struct span *ts = tv->target ? span_by_id(&tv->tr, tv->target) : NULL;

	if (tv->job || tv->load_err)
		return false;
	out->trace_id = tv->tr.info.id ? tv->tr.info.id : tv->id;
	out->rows = &tv->tr.assessments;
	out->root = root_span(tv);
	if (ts) {
		out->span_id = ts->id;
		out->span_name = ts->name;
	}
	if (tv->focus == PANE_FEEDBACK && tv->fp.sel < tv->fp.tb.n &&
	    tv->fp.tb.lines[tv->fp.sel].ref < tv->tr.assessments.n) {
		const struct assessment *a = &tv->tr.assessments.v[tv->fp.tb.lines[tv->fp.sel].ref];

		/* My feedback under the cursor: r and x act on it, on its target. */
		if (str_eq(a->source_type, "HUMAN") && str_eq(a->source_id, ui->me) && a->valid) {
			out->fb_name = a->name;
			out->fb_span_id = a->span_id;
			out->fb_span_name = NULL;
			if (a->span_id) {
				const struct span *sp = span_by_id(&tv->tr, a->span_id);

				out->fb_span_name = sp ? sp->name : NULL;
			}
		}
	}
	return true;
}

/* Feedback of this trace changed in the store: read it again. */
static void trace_refresh(struct view *v, struct ui *ui, const char *trace_id)
{
	struct trace_view *tv = v->priv;
	struct assessment_list al;
	struct err err;

	if (!trace_id || !str_eq(trace_id, tv->id) || tv->job || tv->load_err)
		return;
	memset(&al, 0, sizeof al);
	err_clear(&err);
	if (store_load_assessments(ui->st, trace_id, &al, &err) < 0) {
		ui_error(ui, &err);
		return;
	}
	assessment_list_free(&tv->tr.assessments);
	tv->tr.assessments = al;
	free(tv->fbmark);
	tv->fbmark = NULL;
	mark_feedback(tv);
	tv->fstale = true;
}

static const char *trace_context(const struct view *v)
{
	const struct trace_view *tv = v->priv;
	static const char *const ctx[PANE_COUNT_] = { "tree", "detail", "feedback" };

	return ctx[tv->focus];
}

static int trace_open(struct view *v, struct ui *ui, struct err *err)
{
	char *id = v->priv;
	struct trace_view *tv = xcalloc(1, sizeof *tv);

	tv->parsed = SPAN_NONE;
	tv->dspan = SPAN_NONE;
	tv->dp.selectable = true;
	tv->fp.selectable = true;
	if (store_is_remote(ui->st)) {
		/* opened lately: at once, from the browser's cache */
		struct trace t;

		memset(&t, 0, sizeof t);
		if (tcache_take(&ui->tcache, id, &t)) {
			install(tv, id, t);
			ui_label_item_opened(ui, id);
			free(id);
			v->priv = tv;
			return 0;
		}
	}
	if (!load_async(tv, ui, id) && load(tv, ui, id, err) < 0) {
		free(tv->id);
		free(tv);
		free(id);
		return -1;
	}
	free(id);
	v->priv = tv;
	return 0;
}

static void trace_close(struct view *v, struct ui *ui)
{
	struct trace_view *tv = v->priv;

	if (tv->job) {
		if (tv->job->done) {
			load_job_free(tv->job);
		} else {
			tv->job->tv = NULL;
			worker_cancel(ui->worker, tv->job_id);
		}
	}
	if (store_is_remote(ui->st) && !tv->job && !tv->load_err && tv->id && tv->tr.info.id)
		tcache_put(&ui->tcache, tv->id, &tv->tr);
	free(tv->load_err);
	unload(tv);
	free(tv->vis);
	free(tv->id);
	free(tv->target);
	free(tv->want_span);
	pane_free(&tv->dp);
	pane_free(&tv->fp);
	free(tv);
}

const struct view_ops trace_view_ops = {
	.name = "trace",
	.mode = "TRACE",
	.open = trace_open,
	.close = trace_close,
	.context = trace_context,
	.render = trace_render,
	.handle = trace_handle,
	.search = trace_search,
	.idle = trace_idle,
	.busy = trace_busy,
	.hints = trace_hints,
	.target = trace_target,
	.refresh = trace_refresh,
};
