/*
 * The browser on an MLflow review queue: the list restricted to the
 * queue's pending items in MLflow's order (the filter queue.<name> =
 * 'pending' and the sort SORT_QUEUE), declining an item, what a write did
 * to an item, and the periodic look for items other reviewers cleared.
 * The writes themselves go through the labeler (svc/label.h), journalled
 * and in the same store transaction as the answer that completes an item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/queue.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "svc/label.h"
#include "ui/app.h"

static void strv_clear(char ***v, size_t *n)
{
	queue_strv_free(*v, *n);
	*v = NULL;
	*n = 0;
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void strv_add(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static void strv_remove(char **v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i], s) == 0) {
			free(v[i]);
			v[i] = v[--*n];
			return;
		}
}

static struct review_queue *queue_copy(const struct review_queue *q)
{
	struct review_queue *c = xcalloc(1, sizeof *c);
	size_t i;

	c->queue_id = xstrdup(q->queue_id);
	c->experiment_id = q->experiment_id;
	c->name = xstrdup(q->name);
	c->queue_type = xstrdup_or_null(q->queue_type);
	c->created_by = xstrdup_or_null(q->created_by);
	c->pending = q->pending;
	c->complete = q->complete;
	c->declined = q->declined;
	for (i = 0; i < q->nschema_names; i++)
		strv_add(&c->schema_names, &c->nschema_names, q->schema_names[i]);
	for (i = 0; i < q->nschemas; i++)
		strv_add(&c->schema_ids, &c->nschemas, q->schema_ids[i]);
	return c;
}

static void drop_queue(struct list_state *ls)
{
	if (ls->queue) {
		review_queue_free(ls->queue);
		free(ls->queue);
		ls->queue = NULL;
	}
	FREE(ls->queue_filter);
	strv_clear(&ls->queue_pending, &ls->nqueue_pending);
	strv_clear(&ls->queue_mine, &ls->nqueue_mine);
}

void ui_queue_free(struct ui *ui)
{
	drop_queue(&ui->list);
}

/* The pending item ids now; -1 when they cannot be read. */
static int read_pending(struct ui *ui, char ***ids, size_t *n)
{
	struct err err;

	err_clear(&err);
	return store_queue_items(ui->st, ui->list.queue->queue_id, QUEUE_PENDING, ids, n, &err);
}

const char *ui_queue_filter(struct ui *ui)
{
	struct list_state *ls = &ui->list;
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (!ls->queue)
		return ls->filter;
	/* queue.`NAME` = 'pending', the name quoted as the filter reads it */
	sb_adds(&sb, "queue.`");
	for (p = ls->queue->name; *p; p++) {
		if (*p == '`' || *p == '\\')
			sb_addc(&sb, '\\');
		sb_addc(&sb, *p);
	}
	sb_adds(&sb, "` = 'pending'");
	if (ls->filter)
		sb_addf(&sb, " AND (%s)", ls->filter);
	free(ls->queue_filter);
	ls->queue_filter = sb_take(&sb);
	return ls->queue_filter;
}

int ui_queue_enter(struct ui *ui, const struct review_queue *q, struct err *err)
{
	struct list_state *ls = &ui->list;
	char id[32];

	drop_queue(ls);
	if (q->experiment_id != ls->exp_id) {
		snprintf(id, sizeof id, "%lld", (long long)q->experiment_id);
		if (ui_set_experiment(ui, id, err) < 0)
			return -1;
	}
	ls->queue = queue_copy(q);
	ui_queue_questions(ui);
	ls->sort = SORT_QUEUE;
	ls->ascending = false;
	if (read_pending(ui, &ls->queue_pending, &ls->nqueue_pending) < 0)
		ls->nqueue_pending = 0;
	if (ui_list_reload(ui, err) < 0) {
		drop_queue(ls);
		ui_queue_questions(ui);
		ls->sort = SORT_TIME;
		ui_list_reload(ui, NULL);
		return -1;
	}
	return 0;
}

void ui_queue_leave(struct ui *ui)
{
	struct list_state *ls = &ui->list;
	struct err err;

	if (!ls->queue)
		return;
	drop_queue(ls);
	ui_queue_questions(ui);
	if (ls->sort == SORT_QUEUE)
		ls->sort = SORT_TIME;
	err_clear(&err);
	if (ui_list_reload(ui, &err) < 0)
		ui_error(ui, &err);
}

const char *ui_queue_for(const struct ui *ui, const char *trace_id)
{
	const struct list_state *ls = &ui->list;

	if (!ls->queue || !strv_has(ls->queue_pending, ls->nqueue_pending, trace_id))
		return NULL;
	return ls->queue->queue_id;
}

static unsigned enter_named(struct ui *ui, const char *name)
{
	struct review_queue q;
	struct err err;

	err_clear(&err);
	if (store_find_queue(ui->st, ui->list.exp_id, name, &q, &err) < 0 &&
	    (err.code != ERR_NOTFOUND ||
	     (err_clear(&err), store_find_queue(ui->st, -1, name, &q, &err) < 0))) {
		ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	}
	if (ui_queue_enter(ui, &q, &err) < 0)
		ui_error(ui, &err);
	else
		ui_msg(ui, SLOT_MSG_OK, "queue %s: %zu pending", q.name, ui->list.nqueue_pending);
	review_queue_free(&q);
	return EFF_HANDLED | EFF_REDRAW;
}

unsigned ui_cmd_queue(struct ui *ui, const char *arg)
{
	struct err err;

	if (!*arg)
		return ui_queue_action(ui, ACT_QUEUES);
	if (strcmp(arg, "-") == 0) {
		ui_queue_leave(ui);
		ui_msg(ui, SLOT_MSG_OK, "queue left: the whole experiment");
		return EFF_HANDLED | EFF_REDRAW;
	}
	err_clear(&err);
	return enter_named(ui, arg);
}

/* The trace a decline is about: the one open, else the list's selection. */
static const char *decline_target(struct ui *ui)
{
	struct view *v = ui_top(ui);
	struct label_target t;
	const struct trace_row *sel;

	memset(&t, 0, sizeof t);
	if (v->ops != &list_view_ops && v->ops->target && v->ops->target(v, ui, &t))
		return t.trace_id;
	sel = tlist_selected(&ui->list.tl);
	return sel ? sel->id : NULL;
}

static unsigned decline(struct ui *ui)
{
	struct label_result res;
	struct err err;
	const char *trace = decline_target(ui), *qid;
	char *id;

	if (!ui->list.queue) {
		ui_msg(ui, SLOT_MSG_INFO, "not in a review queue (:queue NAME or the queue picker)");
		return EFF_HANDLED | EFF_REDRAW;
	}
	if (!ui->lb) {
		ui_msg(ui, SLOT_MSG_ERROR, "declining needs a source_id (config or --source-id)");
		return EFF_HANDLED | EFF_REDRAW;
	}
	qid = trace ? ui_queue_for(ui, trace) : NULL;
	if (!qid) {
		ui_msg(ui, SLOT_MSG_INFO, "no pending item of queue %s here", ui->list.queue->name);
		return EFF_HANDLED | EFF_REDRAW;
	}
	id = xstrdup(trace);
	memset(&res, 0, sizeof res);
	err_clear(&err);
	if (labeler_queue_status(ui->lb, qid, id, QUEUE_DECLINED, &res, &err) < 0) {
		ui_error(ui, &err);
	} else if (res.queued && !res.saving) {
		ui_msg(ui, SLOT_PENDING, "decline of %s: not written, pending (%s)", id,
		       res.error ? res.error : "error");
	} else if (res.saving) {
		ui_msg(ui, SLOT_PENDING, "saving: %s declined in queue %s", id,
		       ui->list.queue->name);
	} else {
		ui_queue_written(ui, &res);
	}
	label_result_free(&res);
	free(id);
	return EFF_HANDLED | EFF_REDRAW;
}

unsigned ui_queue_action(struct ui *ui, enum action a)
{
	struct err err;

	if (a == ACT_DECLINE_ITEM)
		return decline(ui);
	if (a != ACT_QUEUES)
		return EFF_UNHANDLED;
	if (ui_top(ui)->ops == &queue_view_ops)
		return EFF_HANDLED | EFF_CLOSE;
	err_clear(&err);
	if (ui_push(ui, &queue_view_ops, NULL, &err) < 0)
		ui_error(ui, &err);
	return EFF_HANDLED | EFF_REDRAW;
}

void ui_queue_written(struct ui *ui, const struct label_result *r)
{
	struct list_state *ls = &ui->list;
	char id[32];
	const char *what;

	if (!r->queue || !r->trace_id)
		return;
	snprintf(id, sizeof id, "%.12s…", r->trace_id);
	what = r->queue_status[0] ? r->queue_status : "complete";
	if (r->queue == QUEUE_MARK_MINE && strcmp(what, QUEUE_PENDING) == 0) {
		strv_remove(ls->queue_mine, &ls->nqueue_mine, r->trace_id);
		ui_msg(ui, SLOT_MSG_OK, "%s pending again in queue %s", id,
		       ls->queue ? ls->queue->name : "");
	} else if (r->queue == QUEUE_MARK_MINE) {
		if (!strv_has(ls->queue_mine, ls->nqueue_mine, r->trace_id))
			strv_add(&ls->queue_mine, &ls->nqueue_mine, r->trace_id);
		ui_msg(ui, SLOT_MSG_OK, "%s %s in queue %s", id, what,
		       ls->queue ? ls->queue->name : "");
	} else if (strcmp(what, QUEUE_PENDING) != 0) {
		ui_msg(ui, SLOT_MSG_INFO, "%s was cleared by another reviewer first; your answer "
		       "is kept", id);
	}
	ui->next_check_ms = 0;   /* the list follows at the next look */
}

bool ui_queue_tick(struct ui *ui)
{
	struct list_state *ls = &ui->list;
	char **now = NULL;
	size_t n = 0, i;
	bool changed = false, open_gone = false;
	struct err err;

	if (!ls->queue || read_pending(ui, &now, &n) < 0)
		return false;
	if (n != ls->nqueue_pending)
		changed = true;
	for (i = 0; i < ls->nqueue_pending; i++) {
		const char *id = ls->queue_pending[i];

		if (strv_has(now, n, id))
			continue;
		changed = true;
		if (ui->item_id && strcmp(ui->item_id, id) == 0 &&
		    !strv_has(ls->queue_mine, ls->nqueue_mine, id))
			open_gone = true;
	}
	queue_strv_free(ls->queue_pending, ls->nqueue_pending);
	ls->queue_pending = now;
	ls->nqueue_pending = n;
	if (!changed)
		return false;
	err_clear(&err);
	if (ui_list_reload(ui, &err) < 0)
		ui_error(ui, &err);
	if (open_gone) {
		struct strbuf k = STRBUF_INIT;

		ui_keys_text(ui, "form", ACT_BACK, &k, 1);
		ui_msg(ui, SLOT_MSG_INFO, "%.12s… was cleared by another reviewer; your answers "
		       "are kept%s%s%s", ui->item_id, k.len ? " — " : "", sb_str(&k),
		       k.len ? ": the queue's next item" : "");
		sb_free(&k);
	}
	return true;
}
