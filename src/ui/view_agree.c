/*
 * The agreement screen: the figures of `tracelab agreement` (svc/agree.h)
 * over the traces of the list (its experiment, filter and quick filters),
 * read page by page when idle.  Per feedback name: items, percent
 * agreement, Krippendorff's alpha with its bootstrap interval, Cohen's
 * kappa of each judge against the human consensus and of each pair of
 * humans, and each judge's confusion matrix.
 *
 * On a row of a matrix, Left / Right pick a cell; Enter reads the scope
 * again (when idle) for the traces of that cell (the judge said the row's
 * class, the humans' consensus the column's), and the list is filtered to
 * exactly those.  `d` opens the disagreement queue (view_adjudicate.c) of
 * the name under the cursor, or of every name.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "svc/agree.h"
#include "ui/app.h"
#include "ui/pane.h"

#define LABEL_COLS 12
/* Traces one cell may open in the list (one filter term each). */
#define CELL_TRACES_MAX 1000

/* What a pane line shows: a row of a matrix (name, kappa, row) or not. */
struct line_ref {
	int name, kappa, row;       /* -1: not a matrix row */
	int owner;                  /* the name whose lines these are, or -1 */
};

/* Reading a matrix cell's traces. */
struct cell_job {
	bool on;
	size_t name, kappa, row, col;
	struct agree_req req;
	const char *names[2];
	struct agree_scan *scan;
	struct agree_walk walk;
	const char *judge_type, *judge_id;   /* borrowed from the report */
	const char *row_json, *col_json;
	int judge, cls_row, cls_col;         /* in the job scan's numbering; -1 */
	char **ids;
	size_t n, cap;
	int64_t items;
};

struct agree_view {
	struct agree_req req;
	struct agree_hint *hints;
	struct agree_scan *scan;
	struct agree_walk walk;
	char *filter;                        /* the list's, copied at open */
	struct agree_report rep;
	bool reported, failed;
	struct pane pane;
	struct line_ref *refs;               /* one per pane line */
	size_t nrefs, caprefs;
	size_t col;                          /* the cell picked on a matrix row */
	int owner;                           /* the name being built, or -1 */
	int cell_x, cell_w;                  /* its columns on the line */
	struct cell_job job;
};

/* ---- reading ------------------------------------------------------------------ */

static void scope(struct ui *ui, struct agree_view *av, struct agree_walk *w)
{
	memset(w, 0, sizeof *w);
	w->req.experiment_id = ui->list.exp_id;
	w->req.me = ui->me;
	w->req.filter = av->filter;
	w->req.quick = ui->list.quick;
	w->req.questions = ui->list.questions;
}

static void start(struct ui *ui, struct agree_view *av)
{
	agree_report_free(&av->rep);
	agree_scan_free(av->scan);
	agree_walk_free(&av->walk);
	av->scan = agree_scan_new(&av->req);
	scope(ui, av, &av->walk);
	av->reported = av->failed = false;
}

static void job_free(struct cell_job *j)
{
	size_t i;

	agree_scan_free(j->scan);
	agree_walk_free(&j->walk);
	for (i = 0; i < j->n; i++)
		free(j->ids[i]);
	free(j->ids);
	memset(j, 0, sizeof *j);
}

/* ---- the screen's lines ---------------------------------------------------------- */

static struct tb_line *line(struct agree_view *av, int name, int kappa, int row)
{
	GROW(av->refs, av->caprefs, av->nrefs + 1);
	av->refs[av->nrefs++] = (struct line_ref){ name, kappa, row, av->owner };
	return tb_newline(&av->pane.tb);
}

static void put(struct tb_line *l, enum slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(struct tb_line *l, enum slot slot, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tb_line_put(l, slot, buf, strlen(buf));
}

static void put_source(struct tb_line *l, const struct agree_source *s, int w)
{
	int used;

	if (w < 1)
		return;
	used = tb_line_put_fit(l, s->human ? SLOT_FB_HUMAN : SLOT_FB_JUDGE, s->type, w);

	if (*s->id && used + 2 < w) {
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		tb_line_put_untrusted_fit(l, SLOT_DEFAULT, s->id, strlen(s->id), w - used - 1,
					  true);
	}
}

/* Class labels cut to LABEL_COLS, right-aligned in cells of `cw`. */
static int label_w(const struct agree_name *n, int min)
{
	int w = min, x;
	size_t i;

	for (i = 0; i < n->nclasses; i++) {
		char *t = sanitize_dup(n->classes[i].label, strlen(n->classes[i].label));

		x = text_width(t, strlen(t));
		if (x > w)
			w = x;
		free(t);
	}
	return w > LABEL_COLS ? LABEL_COLS : w;
}

static void put_label(struct tb_line *l, enum slot slot, const char *s, int w, bool right)
{
	char *t = sanitize_dup(s, strlen(s));
	int used = text_width(t, strlen(t)), end = l->width + w;

	if (right && used < w)
		tb_line_pad(l, SLOT_DEFAULT, end - used);
	tb_line_put_untrusted_fit(l, slot, s, strlen(s), w, true);
	tb_line_pad(l, SLOT_DEFAULT, end);
	free(t);
}

static void matrix_lines(struct agree_view *av, const struct agree_name *n, int ni, int ki,
			 bool picked_here, size_t picked_row)
{
	const struct agree_kappa_row *k = &n->kappas[ki];
	int rw = label_w(n, 1), cw = label_w(n, 5);
	struct tb_line *l;
	size_t r, c;
	char num[32];

	l = line(av, -1, -1, -1);
	tb_line_put(l, SLOT_DEFAULT, "  ", 2);
	put_source(l, &n->sources[k->a], 40);
	tb_line_put(l, SLOT_DIM, " (rows) vs the humans (columns)",
		    strlen(" (rows) vs the humans (columns)"));
	l = line(av, -1, -1, -1);
	tb_line_pad(l, SLOT_DEFAULT, 4 + rw);
	for (c = 0; c < n->nclasses; c++) {
		tb_line_put(l, SLOT_DEFAULT, "  ", 2);
		put_label(l, SLOT_COLHEAD, n->classes[c].label, cw, true);
	}
	for (r = 0; r < n->nclasses; r++) {
		l = line(av, ni, ki, (int)r);
		tb_line_put(l, SLOT_DEFAULT, "    ", 4);
		put_label(l, SLOT_COLHEAD, n->classes[r].label, rw, false);
		for (c = 0; c < n->nclasses; c++) {
			int64_t v = k->matrix[r * n->nclasses + c];
			bool picked = picked_here && r == picked_row && c == av->col;

			tb_line_put(l, SLOT_DEFAULT, "  ", 2);
			snprintf(num, sizeof num, "%*" PRId64, cw, v);
			if (picked) {
				av->cell_x = l->width;
				av->cell_w = cw;
			}
			tb_line_put(l, picked ? SLOT_CURSOR : r == c ? SLOT_FB_TRUE : v ? SLOT_FB_FALSE
							       : SLOT_DIM,
				    num, strlen(num));
		}
	}
}

static void name_lines(struct agree_view *av, const struct agree_name *n, int ni,
		       const struct line_ref *at, int width)
{
	struct tb_line *l = line(av, -1, -1, -1);
	size_t i;

	tb_line_put_untrusted_fit(l, SLOT_NAME, n->name, strlen(n->name), 40, true);
	put(l, SLOT_DIM, "  %s", agree_metric_name(n->metric));
	if (n->metric_note)
		put(l, SLOT_DIM, " (%s)", n->metric_note);
	l = line(av, -1, -1, -1);
	put(l, SLOT_DEFAULT, "  items %" PRId64 ", two or more answers %" PRId64, n->items,
	    n->pairable);
	if (n->pairable)
		put(l, SLOT_DEFAULT, ", all the same %" PRId64 " (%.1f%%)", n->unanimous,
		    100.0 * (double)n->unanimous / (double)n->pairable);
	l = line(av, -1, -1, -1);
	tb_line_put(l, SLOT_DIM, "  sources:", strlen("  sources:"));
	for (i = 0; i < n->nsources && l->width < width; i++) {
		tb_line_put(l, SLOT_DEFAULT, i ? ", " : " ", i ? 2 : 1);
		put_source(l, &n->sources[i], 48);
		put(l, SLOT_DIM, " (%" PRId64 ")", n->sources[i].answers);
	}
	l = line(av, -1, -1, -1);
	if (n->alpha.undef) {
		put(l, SLOT_DIM, "  alpha undefined: %s", agree_undef_text(n->alpha.undef));
	} else {
		put(l, SLOT_DEFAULT, "  alpha %.3f", n->alpha.alpha);
		if (n->ci.undef)
			put(l, SLOT_DIM, ", no interval (%s)", agree_undef_text(n->ci.undef));
		else
			put(l, SLOT_DEFAULT, ", 95%% %.3f to %.3f (%zu of %zu resamples, seed %" PRIu64 ")",
			    n->ci.lo, n->ci.hi, n->ci.used, n->ci.resamples, n->ci.seed);
	}
	for (i = 0; i < n->nkappas; i++) {
		const struct agree_kappa_row *k = &n->kappas[i];

		l = line(av, -1, -1, -1);
		if (k->k.undef)
			put(l, SLOT_DIM, "  kappa    -  ");
		else
			put(l, SLOT_DEFAULT, "  kappa %6.3f", k->k.kappa);
		put(l, SLOT_DEFAULT, " %5.1f%% n %-4" PRId64 " ", 100 * k->k.p_o, k->k.n);
		put_source(l, &n->sources[k->a], k->b == AGREE_REPORT_CONSENSUS ?
			   width - l->width - 14 : (width - l->width) / 2 - 2);
		tb_line_put(l, SLOT_DIM, " vs ", 4);
		if (k->b == AGREE_REPORT_CONSENSUS)
			tb_line_put(l, SLOT_DIM, "the humans", strlen("the humans"));
		else
			put_source(l, &n->sources[k->b], width - l->width);
	}
	if (n->no_consensus) {
		l = line(av, -1, -1, -1);
		put(l, SLOT_DIM, "  %" PRId64 " items where the humans tie are not compared",
		    n->no_consensus);
	}
	for (i = 0; i < n->nkappas; i++)
		if (n->kappas[i].matrix)
			matrix_lines(av, n, ni, (int)i, at && at->name == ni && at->kappa == (int)i,
				     at ? (size_t)at->row : 0);
}

/* Rebuilds the lines from the report (the cursor stays on its line). */
static void build(struct ui *ui, struct agree_view *av)
{
	struct line_ref at = { -1, -1, -1, -1 };
	struct tb_line *l;
	size_t i, sel = av->pane.sel, idle = 0, left = 0;
	int width = ui->cols > 20 ? ui->cols : 20;

	if (sel < av->nrefs)
		at = av->refs[sel];
	/* A matrix with fewer classes than the last one: its last column. */
	if (av->reported && at.name >= 0 && av->col >= av->rep.v[at.name].nclasses)
		av->col = av->rep.v[at.name].nclasses - 1;
	tb_clear(&av->pane.tb);
	av->nrefs = 0;
	av->cell_w = 0;
	if (!av->reported)
		return;
	for (i = 0; i < av->rep.n; i++) {
		const struct agree_name *n = &av->rep.v[i];

		if (n->left_out)
			left++;
		else if (!n->pairable)
			idle++;
		else {
			av->owner = (int)i;
			name_lines(av, n, (int)i, at.name >= 0 ? &at : NULL, width);
			av->owner = -1;
		}
	}
	if (idle) {
		l = line(av, -1, -1, -1);
		tb_line_put(l, SLOT_DIM, "No item with two answers:", strlen("No item with two answers:"));
		for (i = 0; i < av->rep.n; i++) {
			const struct agree_name *n = &av->rep.v[i];

			if (n->left_out || n->pairable)
				continue;
			l = line(av, -1, -1, -1);
			tb_line_put(l, SLOT_DEFAULT, "  ", 2);
			tb_line_put_untrusted_fit(l, SLOT_NAME, n->name, strlen(n->name), 40, true);
			put(l, SLOT_DIM, "  %" PRId64 " item%s", n->items, n->items == 1 ? "" : "s");
		}
	}
	if (left) {
		l = line(av, -1, -1, -1);
		tb_line_put(l, SLOT_DIM, "Left out:", strlen("Left out:"));
		for (i = 0; i < av->rep.n; i++) {
			const struct agree_name *n = &av->rep.v[i];

			if (!n->left_out)
				continue;
			l = line(av, -1, -1, -1);
			tb_line_put(l, SLOT_DEFAULT, "  ", 2);
			tb_line_put_untrusted_fit(l, SLOT_NAME, n->name, strlen(n->name), 40, true);
			put(l, SLOT_DIM, "  (%s)", n->left_out);
		}
	}
	if (!av->nrefs) {
		l = line(av, -1, -1, -1);
		tb_line_put(l, SLOT_DIM, "No feedback to compare.", strlen("No feedback to compare."));
	}
	av->pane.sel = sel;
	pane_clamp(&av->pane);
}

/* ---- the view --------------------------------------------------------------------- */

static int agree_open(struct view *v, struct ui *ui, struct err *err)
{
	struct agree_view *av = xcalloc(1, sizeof *av);

	(void)err;
	av->pane.selectable = true;
	av->owner = -1;
	av->req.seed = 1;
	if (ui->cfg) {
		av->hints = agree_hints(ui->cfg);
		av->req.hints = av->hints;
		av->req.nhints = ui->cfg->nlabels;
	}
	av->filter = xstrdup_or_null(ui->list.filter);
	start(ui, av);
	v->priv = av;
	return 0;
}

static void agree_close(struct view *v, struct ui *ui)
{
	struct agree_view *av = v->priv;

	(void)ui;
	job_free(&av->job);
	agree_report_free(&av->rep);
	agree_scan_free(av->scan);
	agree_walk_free(&av->walk);
	pane_free(&av->pane);
	free(av->refs);
	free(av->hints);
	free(av->filter);
	free(av);
}

static void agree_render(struct view *v, struct ui *ui, struct frame *f)
{
	struct agree_view *av = v->priv;
	struct tb_line *l = ui_header(ui, f);
	struct rect body = layout_body(ui->rows, ui->cols);
	char num[32];
	size_t i;
	int y;

	if (l) {
		tb_line_put(l, SLOT_HEADER, " tracelab  agreement  ", strlen(" tracelab  agreement  "));
		if (ui->list.exp_name)
			tb_line_put_untrusted_fit(l, SLOT_HEADER, ui->list.exp_name,
						  strlen(ui->list.exp_name), 24, true);
		fmt_count(num, sizeof num, av->reported ? av->rep.traces : av->walk.traces);
		tb_line_put(l, SLOT_HEADER, "  ", 2);
		tb_line_put(l, SLOT_HEADER, num, strlen(num));
		tb_line_put(l, SLOT_HEADER, av->reported ? " traces" : " traces read…",
			    strlen(av->reported ? " traces" : " traces read…"));
	}
	if (av->filter || ui->list.quick) {
		l = frame_line(f, body.y, 0, ui->cols, SLOT_DIM);
		if (l) {
			tb_line_put(l, SLOT_DIM, " filter: ", 9);
			if (av->filter)
				tb_line_put_untrusted_fit(l, SLOT_DEFAULT, av->filter,
							  strlen(av->filter), ui->cols - 40, true);
			if (ui->list.quick)
				tb_line_put(l, SLOT_DIM, "  + quick filters", 17);
		}
		body.y++;
		body.h--;
	}
	if (!av->reported) {
		l = frame_line(f, body.y, 0, ui->cols, SLOT_DIM);
		if (l)
			tb_line_put(l, SLOT_DIM, av->failed ? " could not read the feedback" : " reading…",
				    strlen(av->failed ? " could not read the feedback" : " reading…"));
		return;
	}
	/* The cursor line is the cursor, except on a matrix row, where the
	 * picked cell is. */
	av->pane.height = body.h;
	pane_clamp(&av->pane);
	if (av->cell_w && av->cell_x + av->cell_w > body.w + av->pane.hoff)
		av->pane.hoff = av->cell_x + av->cell_w - body.w;
	else if (av->cell_w && av->cell_x < av->pane.hoff)
		av->pane.hoff = av->cell_x;
	for (y = 0, i = av->pane.top; y < body.h; y++, i++) {
		bool cursor = i == av->pane.sel && (i >= av->nrefs || av->refs[i].name < 0);

		if (i >= av->pane.tb.n) {
			frame_line(f, body.y + y, 0, body.w, SLOT_DEFAULT);
			continue;
		}
		frame_copy(f, body.y + y, 0, body.w, &av->pane.tb.lines[i], av->pane.hoff,
			   SLOT_DEFAULT, cursor ? SLOT_CURSOR : SLOT_KEEP);
	}
	if (av->job.on) {
		l = frame_line(f, body.y + body.h - 1, 0, ui->cols, SLOT_MSG_INFO);
		if (l)
			put(l, SLOT_MSG_INFO, " finding the traces of the cell… %" PRId64 " read",
			    av->job.walk.traces);
	}
}

static const struct agree_name *picked(const struct agree_view *av, const struct line_ref **r)
{
	if (!av->reported || av->pane.sel >= av->nrefs || av->refs[av->pane.sel].name < 0)
		return NULL;
	*r = &av->refs[av->pane.sel];
	return &av->rep.v[(*r)->name];
}

static void job_item(void *ctx, const struct agree_item *it)
{
	struct cell_job *j = ctx;
	size_t i;
	int judge = -1;

	if (j->judge < 0)
		j->judge = agree_scan_source(j->scan, j->judge_type, j->judge_id);
	if (j->cls_row < 0)
		j->cls_row = agree_scan_class(j->scan, it->name, j->row_json);
	if (j->cls_col < 0)
		j->cls_col = agree_scan_class(j->scan, it->name, j->col_json);
	if (j->judge < 0 || j->cls_row < 0 || j->cls_col < 0)
		return;
	for (i = 0; i < it->n; i++)
		if (it->answers[i].source == (uint32_t)j->judge)
			judge = (int)it->answers[i].cls;
	if (judge != j->cls_row || agree_consensus(it->answers, it->n) != j->cls_col)
		return;
	j->items++;
	if (j->n && strcmp(j->ids[j->n - 1], it->trace_id) == 0)
		return;
	if (j->n == CELL_TRACES_MAX) {
		j->n++;   /* too many: counted, not kept */
		return;
	}
	if (j->n > CELL_TRACES_MAX)
		return;
	GROW(j->ids, j->cap, j->n + 1);
	j->ids[j->n++] = xstrdup(it->trace_id);
}

static unsigned open_cell(struct ui *ui, struct agree_view *av)
{
	const struct line_ref *r;
	const struct agree_name *n = picked(av, &r);
	const struct agree_source *judge;
	struct cell_job *j = &av->job;

	if (!n)
		return EFF_UNHANDLED;
	if (!n->kappas[r->kappa].matrix[(size_t)r->row * n->nclasses + av->col]) {
		ui_msg(ui, SLOT_MSG_INFO, "no item in this cell");
		return EFF_HANDLED | EFF_REDRAW;
	}
	job_free(j);
	judge = &n->sources[n->kappas[r->kappa].a];
	j->on = true;
	j->name = (size_t)r->name;
	j->kappa = (size_t)r->kappa;
	j->row = (size_t)r->row;
	j->col = av->col;
	j->names[0] = n->name;
	j->req = av->req;
	j->req.names = j->names;
	j->req.on_item = job_item;
	j->req.item_ctx = j;
	j->judge_type = judge->type;
	j->judge_id = judge->id;
	j->row_json = n->classes[j->row].json;
	j->col_json = n->classes[j->col].json;
	j->judge = j->cls_row = j->cls_col = -1;
	j->scan = agree_scan_new(&j->req);
	scope(ui, av, &j->walk);
	return EFF_HANDLED | EFF_REDRAW;
}

/* The cell's traces are read: the list shows exactly those.  `d` opens the disagreement queue (view_adjudicate.c) of
 * the name under the cursor, or of every name. */
static void cell_done(struct view *v, struct ui *ui, struct agree_view *av)
{
	struct cell_job *j = &av->job;
	const struct agree_name *n = &av->rep.v[j->name];
	struct strbuf sb = STRBUF_INIT;
	struct err err;
	size_t i;
	const char *p;

	j->on = false;
	if (!j->n) {
		ui_msg(ui, SLOT_MSG_INFO, "the cell's traces changed: none is there now (R reads again)");
		return;
	}
	if (j->n > CELL_TRACES_MAX) {
		ui_msg(ui, SLOT_MSG_ERROR, "more than %d traces in this cell: narrow the filter first",
		       CELL_TRACES_MAX);
		return;
	}
	if (av->filter)
		sb_addf(&sb, "(%s) AND ", av->filter);
	sb_adds(&sb, "request_id IN (");
	for (i = 0; i < j->n; i++) {
		sb_adds(&sb, i ? ", '" : "'");
		for (p = j->ids[i]; *p; p++) {
			if (*p == '\'')
				sb_addc(&sb, '\'');
			sb_addc(&sb, *p);
		}
		sb_addc(&sb, '\'');
	}
	sb_addc(&sb, ')');
	free(ui->list.filter);
	ui->list.filter = xstrdup(sb_str(&sb));
	sb_free(&sb);
	err_clear(&err);
	if (ui_list_reload(ui, &err) < 0) {
		ui_error(ui, &err);
		return;
	}
	ui_msg(ui, SLOT_MSG_OK, "%zu traces: %s said %s, the humans %s (F clears)", j->n,
	       n->sources[n->kappas[j->kappa].a].id, n->classes[j->row].label,
	       n->classes[j->col].label);
	v->effects |= EFF_CLOSE | EFF_REDRAW;
}

static unsigned agree_handle(struct view *v, struct ui *ui, enum action a)
{
	struct agree_view *av = v->priv;
	const struct line_ref *r;
	const struct agree_name *n = picked(av, &r);

	switch (a) {
	case ACT_SCROLL_LEFT:
	case ACT_SCROLL_RIGHT:
		if (n) {
			if (a == ACT_SCROLL_LEFT && av->col > 0)
				av->col--;
			else if (a == ACT_SCROLL_RIGHT && av->col + 1 < n->nclasses)
				av->col++;
			build(ui, av);
			return EFF_HANDLED | EFF_REDRAW;
		}
		break;
	case ACT_OPEN:
		if (av->job.on)
			return EFF_HANDLED;
		if (n)
			return open_cell(ui, av);
		ui_msg(ui, SLOT_MSG_INFO, "Enter on a cell of a confusion matrix lists its traces");
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_ADJUDICATE: {
		struct err err;
		char *only = NULL;

		if (av->reported && av->pane.sel < av->nrefs && av->refs[av->pane.sel].owner >= 0)
			only = xstrdup(av->rep.v[av->refs[av->pane.sel].owner].name);
		err_clear(&err);
		if (ui_push(ui, &adjudicate_view_ops, only, &err) < 0)
			ui_error(ui, &err);
		free(only);
		return EFF_HANDLED | EFF_REDRAW;
	}
	case ACT_REFRESH:
		job_free(&av->job);
		start(ui, av);
		build(ui, av);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_AGREEMENT:
	case ACT_QUIT:
		return EFF_HANDLED | EFF_CLOSE;
	case ACT_BACK:
		if (av->job.on) {
			job_free(&av->job);
			ui_msg(ui, SLOT_MSG_INFO, "cancelled");
			return EFF_HANDLED | EFF_REDRAW;
		}
		return EFF_HANDLED | EFF_CLOSE;
	default:
		break;
	}
	if (pane_move(&av->pane, a)) {
		if (a != ACT_SCROLL_LEFT && a != ACT_SCROLL_RIGHT)
			build(ui, av);
		return EFF_HANDLED | EFF_REDRAW;
	}
	return EFF_UNHANDLED;
}

static bool agree_busy(const struct view *v, struct ui *ui)
{
	const struct agree_view *av = v->priv;

	(void)ui;
	return (!av->reported && !av->failed) || av->job.on;
}

static bool agree_idle(struct view *v, struct ui *ui)
{
	struct agree_view *av = v->priv;
	struct err err;

	err_clear(&err);
	if (!av->reported && !av->failed) {
		if (agree_walk_step(&av->walk, ui->st, av->scan, &err) < 0) {
			av->failed = true;
			ui_error(ui, &err);
			return true;
		}
		if (av->walk.done) {
			agree_scan_report(av->scan, &av->rep);
			agree_scan_free(av->scan);
			av->scan = NULL;
			av->reported = true;
			build(ui, av);
		}
		return true;
	}
	if (av->job.on) {
		if (agree_walk_step(&av->job.walk, ui->st, av->job.scan, &err) < 0) {
			av->job.on = false;
			ui_error(ui, &err);
			return true;
		}
		if (av->job.walk.done)
			cell_done(v, ui, av);
		return true;
	}
	return false;
}

static unsigned agree_search(struct view *v, struct ui *ui, const char *text, int dir)
{
	struct agree_view *av = v->priv;
	bool wrapped;

	if (!pane_find(&av->pane, text, dir, &wrapped))
		ui_msg(ui, SLOT_MSG_ERROR, "not found: %s", text);
	build(ui, av);
	return EFF_HANDLED | EFF_REDRAW;
}

static void agree_hints_line(const struct view *v, struct ui *ui, struct strbuf *out)
{
	const struct agree_view *av = v->priv;

	if (av->reported && av->pane.sel < av->nrefs && av->refs[av->pane.sel].name >= 0) {
		struct strbuf l = STRBUF_INIT, r = STRBUF_INIT;

		ui_keys_text(ui, "agreement", ACT_SCROLL_LEFT, &l, 1);
		ui_keys_text(ui, "agreement", ACT_SCROLL_RIGHT, &r, 1);
		if (l.len && r.len)
			sb_addf(out, "%s%s/%s cell", out->len ? "  " : "", sb_str(&l), sb_str(&r));
		sb_free(&l);
		sb_free(&r);
		ui_hint(ui, "agreement", ACT_OPEN, "its traces", out);
	}
	ui_hint(ui, "agreement", ACT_ADJUDICATE, "adjudicate", out);
	ui_hint(ui, "agreement", ACT_REFRESH, "again", out);
	ui_hint(ui, "agreement", ACT_BACK, "back", out);
}

static const char *agree_context(const struct view *v)
{
	(void)v;
	return "agreement";
}

const struct view_ops agree_view_ops = {
	.name = "agreement",
	.mode = "AGREEMENT",
	.open = agree_open,
	.close = agree_close,
	.context = agree_context,
	.render = agree_render,
	.handle = agree_handle,
	.search = agree_search,
	.idle = agree_idle,
	.busy = agree_busy,
	.hints = agree_hints_line,
};
