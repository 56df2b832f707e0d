/*
 * The experiment switcher: every experiment of the store with its id, name
 * and trace count (counted one experiment at a time when idle); Enter
 * switches the trace list to the selected one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "ui/app.h"
#include "ui/pane.h"

struct exps_view {
	struct experiment_list el;
	struct pane pane;
	size_t counted;        /* experiments counted so far */
};

static void build(struct ui *ui, struct exps_view *ev)
{
	size_t i;
	char num[32];

	tb_clear(&ev->pane.tb);
	for (i = 0; i < ev->el.n; i++) {
		const struct experiment *e = &ev->el.v[i];
		struct tb_line *l = tb_newline(&ev->pane.tb);

		snprintf(num, sizeof num, "%6" PRId64 "  ", e->id);
		tb_line_put(l, SLOT_ID, num, strlen(num));
		tb_line_put_untrusted_fit(l, SLOT_NAME, e->name ? e->name : "",
					  e->name ? strlen(e->name) : 0, 40, false);
		tb_line_pad(l, SLOT_DEFAULT, 50);
		if (e->trace_count >= 0) {
			fmt_count(num, sizeof num, e->trace_count);
			tb_line_put(l, SLOT_DURATION, num, strlen(num));
			tb_line_put(l, SLOT_DIM, " traces", 7);
		} else {
			tb_line_put(l, SLOT_DIM, "…", strlen("…"));
		}
		if (e->lifecycle_stage && strcmp(e->lifecycle_stage, "active") != 0) {
			tb_line_put(l, SLOT_DIM, "  (", 3);
			tb_line_put_untrusted(l, SLOT_DIM, e->lifecycle_stage,
					      strlen(e->lifecycle_stage));
			tb_line_put(l, SLOT_DIM, ")", 1);
		}
		if (e->id == ui->list.exp_id)
			tb_line_put(l, SLOT_MARKER, "  ◂ current", strlen("  ◂ current"));
	}
}

static int exps_open(struct view *v, struct ui *ui, struct err *err)
{
	struct exps_view *ev = xcalloc(1, sizeof *ev);
	size_t i;

	if (store_list_experiments(ui->st, &ev->el, err) < 0) {
		free(ev);
		return -1;
	}
	ev->pane.selectable = true;
	build(ui, ev);
	for (i = 0; i < ev->el.n; i++)
		if (ev->el.v[i].id == ui->list.exp_id)
			ev->pane.sel = i;
	v->priv = ev;
	return 0;
}

static void exps_close(struct view *v, struct ui *ui)
{
	struct exps_view *ev = v->priv;

	(void)ui;
	experiment_list_free(&ev->el);
	pane_free(&ev->pane);
	free(ev);
}

static void exps_render(struct view *v, struct ui *ui, struct frame *f)
{
	struct exps_view *ev = v->priv;
	struct tb_line *l = ui_header(ui, f);
	struct rect body = layout_body(ui->rows, ui->cols);

	if (l)
		tb_line_put(l, SLOT_HEADER, " tracelab  experiments",
			    strlen(" tracelab  experiments"));
	l = frame_line(f, body.y, 0, ui->cols, SLOT_COLHEAD);
	if (l) {
		tb_line_put(l, SLOT_COLHEAD, "    id  name", 12);
		tb_line_pad(l, SLOT_COLHEAD, 50);
		tb_line_put(l, SLOT_COLHEAD, "traces", 6);
	}
	body.y++;
	body.h--;
	pane_render(&ev->pane, f, body, true, NULL);
}

static unsigned exps_handle(struct view *v, struct ui *ui, enum action a)
{
	struct exps_view *ev = v->priv;
	struct err err;
	char id[32];

	if (pane_move(&ev->pane, a))
		return EFF_HANDLED | EFF_REDRAW;
	if (a == ACT_OPEN && ev->el.n) {
		snprintf(id, sizeof id, "%" PRId64, ev->el.v[ev->pane.sel].id);
		err_clear(&err);
		if (ui_set_experiment(ui, id, &err) < 0) {
			ui_error(ui, &err);
			return EFF_HANDLED | EFF_REDRAW;
		}
		ui_msg(ui, SLOT_MSG_OK, "experiment: %s", ui->list.exp_name);
		return EFF_HANDLED | EFF_REDRAW | EFF_CLOSE;
	}
	if (a == ACT_EXPERIMENTS || a == ACT_QUIT)
		return EFF_HANDLED | EFF_CLOSE;
	return EFF_UNHANDLED;
}

static bool exps_busy(const struct view *v, struct ui *ui)
{
	const struct exps_view *ev = v->priv;

	/* A server has no count but a read of every trace: none here. */
	return ev->counted < ev->el.n && !store_is_remote(ui->st);
}

static bool exps_idle(struct view *v, struct ui *ui)
{
	struct exps_view *ev = v->priv;
	struct experiment *e;
	struct err err;
	int64_t n = -1;

	if (ev->counted >= ev->el.n)
		return false;
	e = &ev->el.v[ev->counted++];
	err_clear(&err);
	if (store_count_traces(ui->st, e->id, NULL, 0, NULL, NULL, &n, &err) == 0)
		e->trace_count = n;
	build(ui, ev);
	return true;
}

static unsigned exps_search(struct view *v, struct ui *ui, const char *text, int dir)
{
	struct exps_view *ev = v->priv;
	bool wrapped;

	if (!pane_find(&ev->pane, text, dir, &wrapped))
		ui_msg(ui, SLOT_MSG_ERROR, "not found: %s", text);
	return EFF_HANDLED | EFF_REDRAW;
}

static void exps_hints(const struct view *v, struct ui *ui, struct strbuf *out)
{
	(void)v;
	ui_hint(ui, "experiments", ACT_OPEN, "switch", out);
	ui_hint(ui, "experiments", ACT_BACK, "back", out);
}

static const char *exps_context(const struct view *v)
{
	(void)v;
	return "experiments";
}

const struct view_ops exps_view_ops = {
	.name = "experiments",
	.mode = "EXPERIMENTS",
	.open = exps_open,
	.close = exps_close,
	.context = exps_context,
	.render = exps_render,
	.handle = exps_handle,
	.search = exps_search,
	.idle = exps_idle,
	.busy = exps_busy,
	.hints = exps_hints,
};
