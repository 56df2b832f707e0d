/*
 * The review-queue picker: the MLflow review queues assigned to me (all of
 * the store's experiments), with their pending, complete and declined
 * counts; Enter shows the selected queue's pending items in the list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/queue.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "ui/app.h"
#include "ui/pane.h"

struct queue_view {
	struct queue_list ql;
	struct pane pane;
};

static void build(struct ui *ui, struct queue_view *qv)
{
	char num[64];
	size_t i;

	tb_clear(&qv->pane.tb);
	for (i = 0; i < qv->ql.n; i++) {
		const struct review_queue *q = &qv->ql.v[i];
		struct tb_line *l = tb_newline(&qv->pane.tb);

		tb_line_put_untrusted_fit(l, SLOT_NAME, q->name, strlen(q->name), 32, false);
		tb_line_pad(l, SLOT_DEFAULT, 34);
		snprintf(num, sizeof num, "%6lld", (long long)q->experiment_id);
		tb_line_put(l, SLOT_ID, num, strlen(num));
		snprintf(num, sizeof num, "  %8lld", (long long)q->pending);
		tb_line_put(l, SLOT_DURATION, num, strlen(num));
		snprintf(num, sizeof num, "  %8lld  %8lld  ", (long long)q->complete,
			 (long long)q->declined);
		tb_line_put(l, SLOT_DIM, num, strlen(num));
		if (q->nschema_names) {
			struct strbuf sb = STRBUF_INIT;
			size_t j;

			for (j = 0; j < q->nschema_names; j++)
				sb_addf(&sb, "%s%s", j ? ", " : "", q->schema_names[j]);
			tb_line_put_untrusted_fit(l, SLOT_DIM, sb.buf, sb.len, 40, false);
			sb_free(&sb);
		}
		if (ui->list.queue && strcmp(ui->list.queue->queue_id, q->queue_id) == 0)
			tb_line_put(l, SLOT_MARKER, "  ◂ current", strlen("  ◂ current"));
	}
}

static int queue_open(struct view *v, struct ui *ui, struct err *err)
{
	struct queue_view *qv = xcalloc(1, sizeof *qv);
	size_t i;

	if (store_list_queues(ui->st, ui->me, &qv->ql, err) < 0) {
		free(qv);
		return -1;
	}
	if (!qv->ql.n) {
		err_set(err, ERR_NOTFOUND, "no review queue is assigned to %s",
			ui->me ? ui->me : "me");
		queue_list_free(&qv->ql);
		free(qv);
		return -1;
	}
	qv->pane.selectable = true;
	build(ui, qv);
	for (i = 0; i < qv->ql.n; i++)
		if (ui->list.queue && strcmp(ui->list.queue->queue_id, qv->ql.v[i].queue_id) == 0)
			qv->pane.sel = i;
	v->priv = qv;
	return 0;
}

static void queue_close(struct view *v, struct ui *ui)
{
	struct queue_view *qv = v->priv;

	(void)ui;
	queue_list_free(&qv->ql);
	pane_free(&qv->pane);
	free(qv);
}

static void queue_render(struct view *v, struct ui *ui, struct frame *f)
{
	static const char head[] = "name                                 exp   pending  complete  "
				   "declined  questions";
	struct queue_view *qv = v->priv;
	struct tb_line *l = ui_header(ui, f);
	struct rect body = layout_body(ui->rows, ui->cols);

	if (l)
		tb_line_put(l, SLOT_HEADER, " tracelab  review queues",
			    strlen(" tracelab  review queues"));
	l = frame_line(f, body.y, 0, ui->cols, SLOT_COLHEAD);
	if (l)
		tb_line_put(l, SLOT_COLHEAD, head, strlen(head));
	body.y++;
	body.h--;
	pane_render(&qv->pane, f, body, true, NULL);
}

static unsigned queue_handle(struct view *v, struct ui *ui, enum action a)
{
	struct queue_view *qv = v->priv;
	const struct review_queue *q;
	struct err err;

	if (pane_move(&qv->pane, a))
		return EFF_HANDLED | EFF_REDRAW;
	if (a == ACT_OPEN && qv->ql.n) {
		q = &qv->ql.v[qv->pane.sel];
		err_clear(&err);
		if (ui_queue_enter(ui, q, &err) < 0) {
			ui_error(ui, &err);
			return EFF_HANDLED | EFF_REDRAW;
		}
		ui_msg(ui, SLOT_MSG_OK, "queue %s: %zu pending", q->name, ui->list.nqueue_pending);
		return EFF_HANDLED | EFF_REDRAW | EFF_CLOSE;
	}
	if (a == ACT_QUEUES || a == ACT_QUIT)
		return EFF_HANDLED | EFF_CLOSE;
	return EFF_UNHANDLED;
}

static unsigned queue_search(struct view *v, struct ui *ui, const char *text, int dir)
{
	struct queue_view *qv = v->priv;
	bool wrapped;

	if (!pane_find(&qv->pane, text, dir, &wrapped))
		ui_msg(ui, SLOT_MSG_ERROR, "not found: %s", text);
	return EFF_HANDLED | EFF_REDRAW;
}

static void queue_hints(const struct view *v, struct ui *ui, struct strbuf *out)
{
	(void)v;
	ui_hint(ui, "queues", ACT_OPEN, "work this queue", out);
	ui_hint(ui, "queues", ACT_BACK, "back", out);
}

static const char *queue_context(const struct view *v)
{
	(void)v;
	return "queues";
}

const struct view_ops queue_view_ops = {
	.name = "queues",
	.mode = "QUEUES",
	.open = queue_open,
	.close = queue_close,
	.context = queue_context,
	.render = queue_render,
	.handle = queue_handle,
	.search = queue_search,
	.hints = queue_hints,
};
