/*
 * The spans view: spans across the traces of the list's experiment that a
 * filter picks (its span conditions on the span listed, all of them on that
 * one span; the others on its trace), the longest or the newest first.
 * Enter opens the trace with that span selected in the tree, where `@`
 * makes it the label target.
 *
 * Every query runs on the browser's worker (svc/worker.h), never on the
 * key thread: the view asks for a page, shows "searching…" meanwhile, and
 * takes the next page when the cursor nears the end of what it holds.  A
 * new filter or sort cancels the page on its way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "svc/worker.h"
#include "ui/app.h"

#define SPANS_PAGE 200

struct spans_view;

/* A page on the worker.  The view points at it and it at the view; the
 * view dropping it first sets sv to NULL, and done then frees it. */
struct spans_job {
	struct spans_view *sv;
	struct span_req req;       /* filter and after point into the job */
	char *filter;
	struct span_cursor after;
	struct span_page page;
	int rc;
	struct err err;
	bool done;
};

struct spans_view {
	char *filter;              /* NULL: every span */
	enum span_sort sort;
	bool ascending;
	struct span_row *rows;
	size_t n, cap;
	bool more;                 /* the store has rows after these */
	bool loaded;               /* the first page came */
	size_t sel, top;
	int height;
	struct spans_job *job;
	uint64_t job_id;
	char *err;                 /* the last query failed: why (owned) */
};

static void job_free(struct spans_job *j)
{
	span_page_free(&j->page);
	free(j->filter);
	free(j);
}

static int job_run(struct store *st, void *ctx, const struct worker_job *wj, struct err *err)
{
	struct spans_job *j = ctx;

	(void)wj;
	return store_page_spans(st, &j->req, &j->page, err);
}

static void job_done(void *ctx, int rc, const struct err *err)
{
	struct spans_job *j = ctx;

	if (!j->sv) {
		job_free(j);
		return;
	}
	j->rc = rc;
	if (err)
		j->err = *err;
	j->done = true;
}

/* Drops the page on its way, if any. */
static void cancel(struct spans_view *sv, struct ui *ui)
{
	if (!sv->job)
		return;
	if (sv->job->done) {
		job_free(sv->job);
	} else {
		sv->job->sv = NULL;
		worker_cancel(ui->worker, sv->job_id);
	}
	sv->job = NULL;
}

static void clear_rows(struct spans_view *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		span_row_free(&sv->rows[i]);
	sv->n = 0;
	sv->more = false;
	sv->loaded = false;
	sv->sel = sv->top = 0;
}

/* Asks the worker for the page after the rows held (all of them anew
 * when there are none). */
static void request(struct spans_view *sv, struct ui *ui)
{
	struct spans_job *j;
	struct worker *w;
	struct err e = { 0 };

	if (sv->job)
		return;
	w = ui_worker(ui, &e);
	if (!w) {
		free(sv->err);
		sv->err = xstrdup(e.msg);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->sv = sv;
	j->filter = sv->filter ? xstrdup(sv->filter) : NULL;
	if (sv->n)
		j->after = sv->rows[sv->n - 1].at;
	j->req.experiment_id = ui->list.exp_id;
	j->req.filter = j->filter;
	j->req.sort = sv->sort;
	j->req.ascending = sv->ascending;
	j->req.after = &j->after;
	j->req.limit = SPANS_PAGE;
	sv->job = j;
	sv->job_id = worker_submit(w, job_run, job_done, j);
}

static void reload(struct spans_view *sv, struct ui *ui)
{
	cancel(sv, ui);
	clear_rows(sv);
	FREE(sv->err);
	request(sv, ui);
}

/* Takes the page when it is there (waiting a little for it, so that the
 * loop does not spin): true when the screen changed. */
static bool poll_job(struct spans_view *sv, struct ui *ui)
{
	struct spans_job *j = sv->job;
	size_t i;

	ui_worker_poll(ui, 20);
	if (!j->done)
		return false;
	sv->job = NULL;
	if (j->rc < 0) {
		free(sv->err);
		sv->err = xstrdup(j->err.msg);
		sv->loaded = true;
		job_free(j);
		return true;
	}
	GROW(sv->rows, sv->cap, sv->n + j->page.n);
	for (i = 0; i < j->page.n; i++)
		sv->rows[sv->n++] = j->page.v[i];
	j->page.n = 0;
	sv->more = j->page.more;
	sv->loaded = true;
	job_free(j);
	return true;
}

/* ---- drawing ------------------------------------------------------------ */

struct cols {
	int time, dur, status, type, name, trace;
};

static void layout(int width, struct cols *c)
{
	c->time = width >= 100 ? 19 : 8;
	c->dur = 7;
	c->status = 5;
	c->type = width >= 80 ? 10 : 0;
	c->trace = width >= 100 ? 36 : 0;
	c->name = width - c->time - c->dur - c->status - c->type - c->trace -
		  (c->type ? 5 : 4) - (c->trace ? 1 : 0);
	if (c->name < 8)
		c->name = 8;
}

static void put(struct tb_line *l, enum slot slot, const char *s, int w, bool untrusted)
{
	int start = l->width;

	if (w <= 0)
		return;
	if (s && untrusted)
		tb_line_put_untrusted_fit(l, slot, s, strlen(s), w, true);
	else if (s)
		tb_line_put_fit(l, slot, s, w);
	tb_line_pad(l, SLOT_DEFAULT, start + w);
	tb_line_put(l, SLOT_DEFAULT, " ", 1);
}

static void render_row(const struct cols *c, const struct span_row *r, struct tb_line *l)
{
	char when[40], dur[32];
	int start;

	fmt_time_ms(when, sizeof when, r->start_ns / 1000000, true);
	put(l, SLOT_TIME, c->time >= 19 ? when : when + 11, c->time, false);
	fmt_duration_ms(dur, sizeof dur, span_row_duration_ms(r));
	start = l->width;
	tb_line_pad(l, SLOT_DEFAULT, start + c->dur - (int)strlen(dur));
	tb_line_put(l, SLOT_DURATION, dur, strlen(dur));
	tb_line_put(l, SLOT_DEFAULT, " ", 1);
	put(l, ui_status_slot(r->status), r->status ? r->status : "?", c->status, true);
	if (c->type)
		put(l, SLOT_SPAN_TYPE, r->type, c->type, true);
	put(l, SLOT_NAME, r->name ? r->name : "", c->name, true);
	if (c->trace) {
		start = l->width;
		if (r->trace_name) {
			tb_line_put_untrusted_fit(l, SLOT_DIM, r->trace_name, strlen(r->trace_name),
						  c->trace - 12, true);
			tb_line_put(l, SLOT_DIM, " ", 1);
		}
		tb_line_put_untrusted_fit(l, SLOT_ID, r->trace_id, strlen(r->trace_id),
					  start + c->trace - l->width, false);
	}
}

static void render_header(struct spans_view *sv, struct ui *ui, struct frame *f)
{
	struct tb_line *l = ui_header(ui, f);
	char right[80], a[32], b[32];
	int room;

	if (!l)
		return;
	tb_line_put(l, SLOT_HEADER, " tracelab  spans  exp ", strlen(" tracelab  spans  exp "));
	tb_line_put_untrusted_fit(l, SLOT_HEADER, ui->list.exp_name, strlen(ui->list.exp_name), 20,
				  false);
	snprintf(a, sizeof a, "  sort %s %s", sv->sort == SPAN_SORT_START ? "start" : "duration",
		 sv->ascending ? "↑" : "↓");
	tb_line_put(l, SLOT_HEADER, a, strlen(a));
	if (!sv->loaded)
		snprintf(right, sizeof right, "searching… ");
	else if (!sv->n)
		snprintf(right, sizeof right, "0 / 0 ");
	else {
		fmt_count(a, sizeof a, (int64_t)sv->sel + 1);
		fmt_count(b, sizeof b, (int64_t)sv->n);
		snprintf(right, sizeof right, "%s / %s%s ", a, b, sv->more ? "+" : "");
	}
	room = ui->cols - text_width(right, strlen(right)) - 1;
	if (sv->filter && room - l->width - 10 > 4) {
		tb_line_put(l, SLOT_HEADER, "  filter ", 9);
		tb_line_put_untrusted_fit(l, SLOT_HEADER, sv->filter, strlen(sv->filter),
					  room - l->width, true);
	}
	tb_line_pad(l, SLOT_HEADER, ui->cols - text_width(right, strlen(right)));
	tb_line_put(l, SLOT_HEADER, right, strlen(right));
}

static void render_colhead(const struct cols *c, struct tb_line *l)
{
	size_t i;

	put(l, SLOT_COLHEAD, "start", c->time, false);
	tb_line_pad(l, SLOT_COLHEAD, l->width + c->dur - 3);
	tb_line_put(l, SLOT_COLHEAD, "dur ", 4);
	put(l, SLOT_COLHEAD, "state", c->status, false);
	if (c->type)
		put(l, SLOT_COLHEAD, "type", c->type, false);
	put(l, SLOT_COLHEAD, "span", c->name, false);
	if (c->trace)
		put(l, SLOT_COLHEAD, "trace", c->trace, false);
	for (i = 0; i < l->nsegs; i++)
		l->segs[i].slot = SLOT_COLHEAD;
}

static void spans_render(struct view *v, struct ui *ui, struct frame *f)
{
	struct spans_view *sv = v->priv;
	struct tb_line *l;
	struct cols c;
	int y;
	size_t i;

	sv->height = ui->rows - 3 > 1 ? ui->rows - 3 : 1;
	if (sv->sel >= sv->n)
		sv->sel = sv->n ? sv->n - 1 : 0;
	if (sv->sel < sv->top)
		sv->top = sv->sel;
	if (sv->sel >= sv->top + (size_t)sv->height)
		sv->top = sv->sel - (size_t)sv->height + 1;
	layout(ui->cols, &c);
	render_header(sv, ui, f);
	l = frame_line(f, 1, 0, ui->cols, SLOT_COLHEAD);
	if (l)
		render_colhead(&c, l);
	if (!sv->n) {
		const char *why = sv->err ? "The spans could not be read: " :
			!sv->loaded ? "Searching the spans…" :
			sv->filter ? "No spans match the filter (f changes it, F clears it)." :
			"No spans in this experiment.";

		l = frame_line(f, 3, 2, ui->cols - 2, SLOT_DEFAULT);
		if (!l)
			return;
		tb_line_put(l, sv->err ? SLOT_MSG_ERROR : SLOT_DIM, why, strlen(why));
		if (sv->err)
			tb_line_put_untrusted_fit(l, SLOT_MSG_ERROR, sv->err, strlen(sv->err),
						  ui->cols - 2 - l->width, false);
		return;
	}
	for (y = 0, i = sv->top; y < sv->height && i < sv->n; y++, i++) {
		l = frame_line(f, 2 + y, 0, ui->cols, SLOT_DEFAULT);
		if (!l)
			break;
		render_row(&c, &sv->rows[i], l);
		if (i == sv->sel)
			frame_over(f, SLOT_CURSOR);
	}
}

/* ---- keys --------------------------------------------------------------- */

static unsigned move_to(struct spans_view *sv, long to)
{
	if (to < 0 || !sv->n)
		to = 0;
	if (sv->n && (size_t)to >= sv->n)
		to = (long)sv->n - 1;
	sv->sel = (size_t)to;
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned set_sort(struct spans_view *sv, struct ui *ui, enum span_sort sort, bool asc)
{
	sv->sort = sort;
	sv->ascending = asc;
	reload(sv, ui);
	ui_msg(ui, SLOT_MSG_OK, "spans: %s", sort == SPAN_SORT_START ?
	       (asc ? "the oldest first" : "the newest first") :
	       (asc ? "the shortest first" : "the longest first"));
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned spans_handle(struct view *v, struct ui *ui, enum action a)
{
	struct spans_view *sv = v->priv;
	long h = sv->height > 0 ? sv->height : 1, at = (long)sv->sel;
	struct strbuf sb = STRBUF_INIT;
	struct err err = { 0 };
	const struct span_row *r;

	switch (a) {
	case ACT_MOVE_DOWN:
		return move_to(sv, at + 1);
	case ACT_MOVE_UP:
		return move_to(sv, at - 1);
	case ACT_PAGE_DOWN:
		return move_to(sv, at + h);
	case ACT_PAGE_UP:
		return move_to(sv, at - h);
	case ACT_HALF_DOWN:
		return move_to(sv, at + (h / 2 > 0 ? h / 2 : 1));
	case ACT_HALF_UP:
		return move_to(sv, at - (h / 2 > 0 ? h / 2 : 1));
	case ACT_MOVE_FIRST:
		return move_to(sv, 0);
	case ACT_MOVE_LAST:
		return move_to(sv, (long)sv->n);
	case ACT_OPEN:
		if (sv->sel >= sv->n)
			return EFF_HANDLED;
		r = &sv->rows[sv->sel];
		if (ui_open_trace_at(ui, r->trace_id, r->span_id, &err) < 0)
			ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_CYCLE_SORT:
		return set_sort(sv, ui, sv->sort == SPAN_SORT_DURATION ? SPAN_SORT_START :
				SPAN_SORT_DURATION, false);
	case ACT_REVERSE_SORT:
		return set_sort(sv, ui, sv->sort, !sv->ascending);
	case ACT_FILTER:
		/* The filter is the :spans command's: the line starts with it. */
		sb_adds(&sb, "spans ");
		if (sv->filter)
			sb_adds(&sb, sv->filter);
		ui_prompt_open(ui, PROMPT_COMMAND, NULL, sb_str(&sb));
		sb_free(&sb);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_CLEAR_FILTER:
		FREE(sv->filter);
		reload(sv, ui);
		ui_msg(ui, SLOT_MSG_OK, "spans: filter cleared");
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_REFRESH:
		reload(sv, ui);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_SPANS:
		return EFF_HANDLED | EFF_CLOSE;
	default:
		return EFF_UNHANDLED;
	}
}

/* ---- deferred work ------------------------------------------------------ */

/* The next page is wanted when the cursor is within a screen of the end. */
static bool wants_more(const struct spans_view *sv)
{
	return sv->loaded && sv->more && !sv->err &&
	       sv->sel + (size_t)(sv->height > 0 ? sv->height : 1) * 2 >= sv->n;
}

static bool spans_busy(const struct view *v, struct ui *ui)
{
	const struct spans_view *sv = v->priv;

	(void)ui;
	return sv->job || wants_more(sv);
}

static bool spans_idle(struct view *v, struct ui *ui)
{
	struct spans_view *sv = v->priv;

	if (!sv->job && wants_more(sv))
		request(sv, ui);
	if (!sv->job)
		return false;
	return poll_job(sv, ui);
}

/* ---- the rest ----------------------------------------------------------- */

static void spans_hints(const struct view *v, struct ui *ui, struct strbuf *out)
{
	(void)v;
	ui_hint(ui, "spans", ACT_OPEN, "open at the span", out);
	ui_hint(ui, "spans", ACT_FILTER, "filter", out);
	ui_hint(ui, "spans", ACT_CYCLE_SORT, "sort", out);
	ui_hint(ui, "spans", ACT_REVERSE_SORT, "reverse", out);
	ui_hint(ui, "spans", ACT_BACK, "back", out);
}

static const char *spans_context(const struct view *v)
{
	(void)v;
	return "spans";
}

static int spans_open(struct view *v, struct ui *ui, struct err *err)
{
	struct spans_view *sv = xcalloc(1, sizeof *sv);
	char *filter = v->priv;

	(void)err;
	sv->filter = filter && *filter ? filter : NULL;
	if (filter && !*filter)
		free(filter);
	v->priv = sv;
	request(sv, ui);
	return 0;
}

static void spans_close(struct view *v, struct ui *ui)
{
	struct spans_view *sv = v->priv;

	cancel(sv, ui);
	clear_rows(sv);
	free(sv->rows);
	free(sv->filter);
	free(sv->err);
	free(sv);
}

const char *ui_spans_filter_of(const struct ui *ui)
{
	return ui->list.filter;
}

int ui_open_spans(struct ui *ui, const char *filter, struct err *err)
{
	size_t i;

	/* One spans view: the filter goes to the one open (the views above
	 * it close). */
	for (i = ui->nviews; i-- > 0;) {
		struct spans_view *sv;

		if (ui->views[i]->ops != &spans_view_ops)
			continue;
		while (ui_top(ui) != ui->views[i])
			ui_close_top(ui);
		sv = ui->views[i]->priv;
		free(sv->filter);
		sv->filter = filter && *filter ? xstrdup(filter) : NULL;
		reload(sv, ui);
		return 0;
	}
	return ui_push(ui, &spans_view_ops, filter ? xstrdup(filter) : NULL, err);
}

const struct view_ops spans_view_ops = {
	.name = "spans",
	.mode = "SPANS",
	.open = spans_open,
	.close = spans_close,
	.context = spans_context,
	.render = spans_render,
	.handle = spans_handle,
	.idle = spans_idle,
	.busy = spans_busy,
	.hints = spans_hints,
};
