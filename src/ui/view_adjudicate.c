/*
 * The disagreement queue: the questions (a feedback name on a trace or on
 * one of its spans) whose valid answers differ, over the traces of the
 * list (its experiment, filter and quick filters), found page by page when
 * idle by the agreement scan (svc/agree.h says which answers count and
 * when two say the same).  One question at a time: every answer with its
 * source and rationale, and the distinct answers numbered; a digit gives
 * the final answer (ui_label_final: my HUMAN row overriding the judge's,
 * marked as an adjudication), and the queue moves on.  j / k move between
 * questions; u undoes as for every label.
 *
 * The rows of the question shown are read when idle, after each move and
 * after each change of the trace's feedback.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/question.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "svc/agree.h"
#include "svc/label.h"
#include "ui/app.h"
#include "ui/pane.h"

/* Questions the queue keeps. */
#define QUEUE_MAX 10000
/* Lines of one rationale shown. */
#define RATIONALE_LINES 6
/* Final answers offered (one key each). */
#define OPTIONS_MAX 9

struct adj_item {
	char *trace_id, *target, *name;
};

struct adj_view {
	struct agree_req req;
	struct agree_hint *hints;
	const char *names[2];
	char *only;                      /* the one name walked, or NULL: all */
	struct agree_scan *scan;
	struct agree_walk walk;
	char *filter;
	bool found, failed, full;
	struct adj_item *items;
	size_t n, cap, pos;
	/* The question shown. */
	bool loaded;
	struct assessment_list rows;
	char *options[OPTIONS_MAX];      /* distinct answers (JSON), in the order seen */
	size_t noptions;
	bool more_options;
	struct pane pane;
};

/* ---- finding the questions --------------------------------------------------- */

static void on_item(void *ctx, const struct agree_item *it)
{
	struct adj_view *av = ctx;
	struct adj_item *q;
	size_t i;
	bool differ = false;

	for (i = 1; i < it->n; i++)
		differ = differ || it->answers[i].cls != it->answers[0].cls;
	if (!differ)
		return;
	if (av->n == QUEUE_MAX) {
		av->full = true;
		return;
	}
	GROW(av->items, av->cap, av->n + 1);
	q = &av->items[av->n++];
	q->trace_id = xstrdup(it->trace_id);
	q->target = xstrdup_or_null(it->target);
	q->name = xstrdup(it->name);
}

static void item_free(struct adj_item *q)
{
	free(q->trace_id);
	free(q->target);
	free(q->name);
}

/* Drops the questions of names the report leaves out (text). */
static void drop_left_out(struct adj_view *av, const struct agree_report *rep)
{
	size_t i, j, k = 0;

	for (i = 0; i < av->n; i++) {
		bool out = false;

		for (j = 0; j < rep->n; j++)
			if (rep->v[j].left_out && strcmp(rep->v[j].name, av->items[i].name) == 0)
				out = true;
		if (out)
			item_free(&av->items[i]);
		else
			av->items[k++] = av->items[i];
	}
	av->n = k;
}

/* ---- the question shown ------------------------------------------------------------ */

static void unload(struct adj_view *av)
{
	size_t i;

	assessment_list_free(&av->rows);
	for (i = 0; i < av->noptions; i++)
		FREE(av->options[i]);
	av->noptions = 0;
	av->more_options = false;
	av->loaded = false;
}

static bool is_answer(const struct assessment *a)
{
	return a->value && strcmp(a->value, "null") != 0 && str_eq(a->type, "feedback");
}

/* Wrapped untrusted text, at most `max` lines of `w` columns. */
static void wrap(struct textbuf *tb, enum slot slot, const char *s, int indent, int w, int max)
{
	char *t = sanitize_dup(s, strlen(s));
	size_t len = strlen(t), at = 0;
	int lines = 0, used;

	while (at < len && lines < max) {
		size_t fit = text_fit(t + at, len - at, w, &used);
		struct tb_line *l = tb_newline(tb);

		if (!fit)
			break;
		if (at + fit < len && t[at + fit] != ' ') {
			size_t sp = fit;

			while (sp > 0 && t[at + sp - 1] != ' ')
				sp--;
			if (sp > 0)
				fit = sp;
		}
		tb_line_pad(l, SLOT_DEFAULT, indent);
		if (lines == max - 1 && at + fit < len) {
			fit = text_fit(t + at, len - at, w - 1, &used);
			tb_line_put(l, slot, t + at, fit);
			tb_line_put(l, SLOT_MARKER, "…", strlen("…"));
		} else {
			tb_line_put(l, slot, t + at, fit);
		}
		at += fit;
		while (at < len && t[at] == ' ')
			at++;
		lines++;
	}
	free(t);
}

static void build(struct ui *ui, struct adj_view *av)
{
	const struct adj_item *q = av->pos < av->n ? &av->items[av->pos] : NULL;
	int width = ui->cols > 30 ? ui->cols : 30;
	struct tb_line *l;
	size_t i, k;

	pane_clear(&av->pane);
	if (!q || !av->loaded)
		return;
	for (i = 0; i < av->rows.n; i++) {
		const struct assessment *a = &av->rows.v[i];
		bool human = str_eq(a->source_type, "HUMAN");
		bool mine = human && str_eq(a->source_id, ui->me);
		enum slot slot = !a->valid ? SLOT_OVERRIDDEN : mine ? SLOT_FB_MINE
				 : human ? SLOT_FB_HUMAN : SLOT_FB_JUDGE;
		struct strbuf v = STRBUF_INIT;
		enum slot vs;

		l = tb_newline(&av->pane.tb);
		tb_line_put_fit(l, slot, a->source_type ? a->source_type : "?", 12);
		tb_line_pad(l, SLOT_DEFAULT, 13);
		tb_line_put_untrusted_fit(l, slot, a->source_id ? a->source_id : "",
					  a->source_id ? strlen(a->source_id) : 0, 30, true);
		tb_line_pad(l, SLOT_DEFAULT, 45);
		if (is_answer(a)) {
			ui_fb_glyph(a->value, width - 60 > 12 ? width - 60 : 12, &v, &vs);
			tb_line_put(l, a->valid ? vs : SLOT_OVERRIDDEN, v.buf, v.len);
			sb_free(&v);
		} else {
			tb_line_put(l, SLOT_DIM, "(error, no value)", strlen("(error, no value)"));
		}
		if (!a->valid)
			tb_line_put(l, SLOT_OVERRIDDEN, "  overridden", strlen("  overridden"));
		else if (a->metadata && strstr(a->metadata, "\"" ADJUDICATION_KEY "\""))
			tb_line_put(l, SLOT_FB_MINE, "  final", strlen("  final"));
		if (a->rationale && *a->rationale)
			wrap(&av->pane.tb, SLOT_RATIONALE, a->rationale, 4, width - 6,
			     RATIONALE_LINES);
	}
	tb_newline(&av->pane.tb);
	l = tb_newline(&av->pane.tb);
	tb_line_put(l, SLOT_TITLE, "Final answer:", strlen("Final answer:"));
	for (k = 0; k < av->noptions; k++) {
		struct strbuf v = STRBUF_INIT, key = STRBUF_INIT;
		enum slot vs;

		ui_keys_text(ui, "adjudicate", (enum action)(ACT_FINAL_1 + (int)k), &key, 1);
		ui_fb_glyph(av->options[k], 16, &v, &vs);
		tb_line_put(l, SLOT_DEFAULT, "  ", 2);
		tb_line_put(l, SLOT_HELP_KEY, key.len ? key.buf : "?", key.len ? key.len : 1);
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		tb_line_put(l, vs, v.buf, v.len);
		sb_free(&v);
		sb_free(&key);
	}
	if (av->more_options)
		tb_line_put(l, SLOT_DIM, "  (more answers than keys)", strlen("  (more answers than keys)"));
}

/* Reads the rows answering the question shown. */
static int load(struct ui *ui, struct adj_view *av, struct err *err)
{
	const struct adj_item *q = &av->items[av->pos];
	struct assessment_list all = { 0 };
	char *root = NULL;
	size_t i, k;
	int rc = -1;

	unload(av);
	if (store_load_assessments(ui->st, q->trace_id, &all, err) < 0 ||
	    store_root_span(ui->st, q->trace_id, &root, err) < 0)
		goto out;
	for (i = 0; i < all.n; i++) {
		const struct assessment *a = &all.v[i];

		if (!str_eq(a->type, "feedback") ||
		    !question_same(a->name, a->span_id, q->name, q->target, root))
			continue;
		assessment_list_add(&av->rows, a);
		if (!a->valid || !is_answer(a))
			continue;
		for (k = 0; k < av->noptions; k++)
			if (label_values_agree(av->options[k], a->value))
				break;
		if (k < av->noptions)
			continue;
		if (av->noptions == OPTIONS_MAX)
			av->more_options = true;
		else
			av->options[av->noptions++] = xstrdup(a->value);
	}
	av->loaded = true;
	rc = 0;
out:
	assessment_list_free(&all);
	free(root);
	return rc;
}

/* ---- the view -------------------------------------------------------------------- */

static int adj_open(struct view *v, struct ui *ui, struct err *err)
{
	struct adj_view *av = xcalloc(1, sizeof *av);
	const char *only = v->priv;

	(void)err;
	if (ui->cfg) {
		av->hints = agree_hints(ui->cfg);
		av->req.hints = av->hints;
		av->req.nhints = ui->cfg->nlabels;
	}
	if (only) {
		av->only = xstrdup(only);
		av->names[0] = av->only;
		av->req.names = av->names;
	}
	av->req.seed = 1;
	av->req.resamples = 1;
	av->req.on_item = on_item;
	av->req.item_ctx = av;
	av->filter = xstrdup_or_null(ui->list.filter);
	av->scan = agree_scan_new(&av->req);
	av->walk.req.experiment_id = ui->list.exp_id;
	av->walk.req.me = ui->me;
	av->walk.req.filter = av->filter;
	av->walk.req.quick = ui->list.quick;
	av->walk.req.questions = ui->list.questions;
	v->priv = av;
	return 0;
}

static void adj_close(struct view *v, struct ui *ui)
{
	struct adj_view *av = v->priv;
	size_t i;

	(void)ui;
	unload(av);
	for (i = 0; i < av->n; i++)
		item_free(&av->items[i]);
	free(av->items);
	agree_scan_free(av->scan);
	agree_walk_free(&av->walk);
	pane_free(&av->pane);
	free(av->hints);
	free(av->only);
	free(av->filter);
	free(av);
}

static void adj_render(struct view *v, struct ui *ui, struct frame *f)
{
	struct adj_view *av = v->priv;
	struct tb_line *l = ui_header(ui, f);
	struct rect body = layout_body(ui->rows, ui->cols);
	const struct adj_item *q = av->pos < av->n ? &av->items[av->pos] : NULL;
	char num[64];

	if (l) {
		tb_line_put(l, SLOT_HEADER, " tracelab  adjudicate  ", strlen(" tracelab  adjudicate  "));
		if (av->only)
			tb_line_put_untrusted_fit(l, SLOT_HEADER, av->only, strlen(av->only), 24, true);
		if (!av->found)
			snprintf(num, sizeof num, "  finding… %" PRId64 " traces read", av->walk.traces);
		else if (av->n)
			snprintf(num, sizeof num, "  %zu / %zu disagreements%s", av->pos + 1, av->n,
				 av->full ? " (the first)" : "");
		else
			snprintf(num, sizeof num, "  no disagreements");
		tb_line_put(l, SLOT_HEADER, num, strlen(num));
	}
	if (!q) {
		l = frame_line(f, body.y, 0, ui->cols, SLOT_DIM);
		if (l && av->found)
			tb_line_put(l, SLOT_DIM, " Every question answered more than once has one answer.",
				    strlen(" Every question answered more than once has one answer."));
		return;
	}
	l = frame_line(f, body.y, 0, ui->cols, SLOT_DEFAULT);
	if (l) {
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		tb_line_put_untrusted_fit(l, SLOT_NAME, q->name, strlen(q->name), 30, true);
		tb_line_put(l, SLOT_DIM, "  trace ", 8);
		tb_line_put_untrusted_fit(l, SLOT_ID, q->trace_id, strlen(q->trace_id), 40, true);
	}
	l = frame_line(f, body.y + 1, 0, ui->cols, SLOT_DEFAULT);
	if (l && q->target) {
		tb_line_put(l, SLOT_DIM, " span ", 6);
		tb_line_put_untrusted_fit(l, SLOT_ID, q->target, strlen(q->target), 40, true);
	}
	body.y += 3;
	body.h -= 3;
	if (!av->loaded) {
		l = frame_line(f, body.y, 0, ui->cols, SLOT_DIM);
		if (l)
			tb_line_put(l, SLOT_DIM, " reading…", strlen(" reading…"));
		return;
	}
	pane_render(&av->pane, f, body, true, NULL);
}

static void go(struct adj_view *av, size_t pos)
{
	if (pos < av->n && pos != av->pos) {
		av->pos = pos;
		unload(av);
		av->failed = !av->found && av->failed;
	}
}

static unsigned adj_handle(struct view *v, struct ui *ui, enum action a)
{
	struct adj_view *av = v->priv;
	const struct adj_item *q = av->pos < av->n ? &av->items[av->pos] : NULL;
	size_t k;

	switch (a) {
	case ACT_MOVE_DOWN:
		go(av, av->pos + 1);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_MOVE_UP:
		if (av->pos)
			go(av, av->pos - 1);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_MOVE_FIRST:
		go(av, 0);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_MOVE_LAST:
		if (av->n)
			go(av, av->n - 1);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_REFRESH:
		unload(av);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_QUIT:
	case ACT_ADJUDICATE:
		return EFF_HANDLED | EFF_CLOSE;
	default:
		break;
	}
	if (a >= ACT_FINAL_1 && a <= ACT_FINAL_9) {
		bool done;
		char *trace, *value;

		k = (size_t)(a - ACT_FINAL_1);
		if (!q || !av->loaded)
			return EFF_HANDLED;
		if (k >= av->noptions) {
			ui_msg(ui, SLOT_MSG_INFO, "no answer %zu here", k + 1);
			return EFF_HANDLED | EFF_REDRAW;
		}
		trace = xstrdup(q->trace_id);
		value = xstrdup(av->options[k]);
		done = ui_label_final(ui, trace, q->target, q->name, value);
		free(trace);
		free(value);
		if (done && av->pos + 1 < av->n)
			go(av, av->pos + 1);
		return EFF_HANDLED | EFF_REDRAW;
	}
	if (pane_move(&av->pane, a))
		return EFF_HANDLED | EFF_REDRAW;
	return EFF_UNHANDLED;
}

static bool adj_busy(const struct view *v, struct ui *ui)
{
	const struct adj_view *av = v->priv;

	(void)ui;
	return (!av->found && !av->failed) || (av->found && av->pos < av->n && !av->loaded &&
					       !av->failed);
}

static bool adj_idle(struct view *v, struct ui *ui)
{
	struct adj_view *av = v->priv;
	struct agree_report rep;
	struct err err;

	err_clear(&err);
	if (!av->found) {
		if (agree_walk_step(&av->walk, ui->st, av->scan, &err) < 0) {
			av->failed = true;
			ui_error(ui, &err);
			return true;
		}
		if (av->walk.done) {
			agree_scan_report(av->scan, &rep);
			drop_left_out(av, &rep);
			agree_report_free(&rep);
			agree_scan_free(av->scan);
			av->scan = NULL;
			av->found = true;
		}
		return true;
	}
	if (av->pos < av->n && !av->loaded) {
		if (load(ui, av, &err) < 0) {
			av->failed = true;
			ui_error(ui, &err);
		}
		build(ui, av);
		return true;
	}
	return false;
}

static void adj_refresh(struct view *v, struct ui *ui, const char *trace_id)
{
	struct adj_view *av = v->priv;

	(void)ui;
	if (av->pos < av->n && str_eq(av->items[av->pos].trace_id, trace_id)) {
		unload(av);
		av->failed = false;
	}
}

static void adj_hints(const struct view *v, struct ui *ui, struct strbuf *out)
{
	(void)v;
	ui_hint(ui, "adjudicate", ACT_FINAL_1, "final answer", out);
	ui_hint(ui, "adjudicate", ACT_MOVE_DOWN, "next", out);
	ui_hint(ui, "adjudicate", ACT_MOVE_UP, "previous", out);
	ui_hint(ui, "adjudicate", ACT_UNDO, "undo", out);
	ui_hint(ui, "adjudicate", ACT_BACK, "back", out);
}

static const char *adj_context(const struct view *v)
{
	(void)v;
	return "adjudicate";
}

const struct view_ops adjudicate_view_ops = {
	.name = "adjudicate",
	.mode = "ADJUDICATE",
	.open = adj_open,
	.close = adj_close,
	.context = adj_context,
	.render = adj_render,
	.handle = adj_handle,
	.idle = adj_idle,
	.busy = adj_busy,
	.hints = adj_hints,
	.refresh = adj_refresh,
};
