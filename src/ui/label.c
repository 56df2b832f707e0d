/*
 * Labelling from the keyboard: label keys (from the configured label
 * schemas), the override question, rationales in the input line, delete,
 * undo / redo, repeat, jumps to unlabelled traces, pending labels and the
 * labelled / total progress in the status bar.  The writes themselves and
 * their MLflow semantics are the labeling engine's (svc/label.h); this
 * file decides what to ask and shows what happened.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "svc/label.h"
#include "ui/app.h"

/* ---- set-up ------------------------------------------------------------- */

int ui_label_init(struct ui *ui, struct err *err)
{
	if (labeler_new(ui->st, ui->me, &ui->lb, err) < 0)
		return -1;
	ui->advance = ui->cfg ? ui->cfg->advance : true;
	ui->progress_dirty = true;
	ui->progress_done = ui->progress_total = -1;
	ui->fb_stamp = ui->fb_count = -1;
	ui->next_check_ms = 0;
	return 0;
}

static void flow_reset(struct label_flow *f)
{
	free(f->trace_id);
	free(f->span_id);
	free(f->span_name);
	free(f->name);
	free(f->value);
	memset(f, 0, sizeof *f);
}

void ui_label_free(struct ui *ui)
{
	flow_reset(&ui->lab);
	labeler_free(&ui->lb);
}

bool ui_label_context(const char *ctx)
{
	return ctx && (strcmp(ctx, "list") == 0 || strcmp(ctx, "tree") == 0 ||
		       strcmp(ctx, "detail") == 0 || strcmp(ctx, "feedback") == 0);
}

/* ---- what happened ------------------------------------------------------- */

/* "tr-7d2f4e9a…" (sanitised by ui_msg). */
static void short_id(char *buf, size_t size, const char *id)
{
	size_t n = id ? strlen(id) : 0;

	snprintf(buf, size, "%.*s%s", n > 12 ? 11 : (int)n, id ? id : "", n > 12 ? "…" : "");
}

/* The value of a result as shown: a string without its quotes. */
static char *shown_value(const char *json)
{
	char *s = json ? ui_json_string(json) : NULL;

	return s ? s : xstrdup(json ? json : "");
}

static const char *kind_verb(enum label_kind k)
{
	switch (k) {
	case LABEL_UPDATE: return "updated";
	case LABEL_OVERRIDE: return "overrides";
	case LABEL_DELETE: return "deleted";
	case LABEL_RATIONALE: return "rationale";
	default: return "";
	}
}

void ui_feedback_changed(struct ui *ui, const char *trace_id)
{
	struct err err;
	size_t i;

	if (!trace_id)
		return;
	err_clear(&err);
	if (tlist_refresh_row(&ui->list.tl, trace_id, &err) < 0)
		ui_error(ui, &err);
	for (i = 0; i < ui->nviews; i++)
		if (ui->views[i]->ops->refresh)
			ui->views[i]->ops->refresh(ui->views[i], ui, trace_id);
	ui->progress_dirty = true;
}

/* Says what a write did, or that it is pending. */
static void report(struct ui *ui, const struct label_result *r, const char *span_name)
{
	struct strbuf sb = STRBUF_INIT;
	char id[32];
	char *v = shown_value(r->value);

	short_id(id, sizeof id, r->trace_id);
	if (r->op == LABEL_OP_DELETE)
		sb_addf(&sb, "deleted %s on %s", r->name, id);
	else if (r->op == LABEL_OP_RATIONALE)
		sb_addf(&sb, "rationale of %s on %s", r->name, id);
	else
		sb_addf(&sb, "%s = %s on %s", r->name, v, id);
	if (span_name)
		sb_addf(&sb, " span %s", span_name);
	if (r->queued)
		sb_addf(&sb, ": not written, pending (%s)", r->error ? r->error : "error");
	else if (r->op == LABEL_OP_SET && r->kind != LABEL_CREATE)
		sb_addf(&sb, " (%s)", kind_verb(r->kind));
	ui_msg(ui, r->queued ? SLOT_PENDING : SLOT_MSG_OK, "%s", sb_str(&sb));
	sb_free(&sb);
	free(v);
}

/* ---- the target ---------------------------------------------------------- */

static bool target_of(struct ui *ui, struct label_target *t)
{
	struct view *v = ui_top(ui);

	memset(t, 0, sizeof *t);
	if (!v->ops->target || !v->ops->target(v, ui, t) || !t->trace_id) {
		ui_msg(ui, SLOT_MSG_INFO, "nothing to label here");
		return false;
	}
	return true;
}

/* ---- advancing --------------------------------------------------------- */

/* After a label on the list: the next trace below without my feedback of
 * this name (in the rows the list holds; it reads more as it goes). */
static void advance(struct ui *ui, const char *name)
{
	struct tlist *tl = &ui->list.tl;
	struct err err;
	size_t steps;

	if (!ui->advance || ui_top(ui)->ops != &list_view_ops)
		return;
	err_clear(&err);
	for (steps = 0; steps < 500; steps++) {
		const struct trace_row *r;
		const struct fb_cell *c;
		size_t before = tl->sel;

		if (tlist_move(tl, 1, &err) < 0 || tl->sel == before)
			break;
		r = tlist_selected(tl);
		c = r ? trace_row_fb(r, name) : NULL;
		if (!c || !c->mine)
			return;
	}
}

/* ---- giving a label ------------------------------------------------------ */

/* Writes the label the flow holds, with a rationale (or NULL). */
static unsigned finish(struct ui *ui, const char *rationale)
{
	struct label_flow *f = &ui->lab;
	struct label_req req;
	struct label_result res;
	struct err err;
	char *trace = NULL, *name = NULL;
	bool queued = false;

	memset(&req, 0, sizeof req);
	memset(&res, 0, sizeof res);
	err_clear(&err);
	req.trace_id = f->trace_id;
	req.span_id = f->span_id;
	req.name = f->name;
	req.value_text = f->value;
	req.type = (enum value_type)f->type;
	req.rationale = rationale && *rationale ? rationale : NULL;
	req.allow_override = f->allow_override;
	if (labeler_set(ui->lb, &req, &res, &err) < 0) {
		ui_error(ui, &err);
	} else {
		report(ui, &res, f->span_name);
		trace = xstrdup(f->trace_id);
		name = xstrdup(f->name);
		queued = res.queued;
	}
	label_result_free(&res);
	flow_reset(f);
	if (trace) {
		ui_feedback_changed(ui, trace);
		if (!queued)
			advance(ui, name);
	}
	free(trace);
	free(name);
	return EFF_HANDLED | EFF_REDRAW;
}

static void ask_rationale(struct ui *ui, bool required)
{
	struct label_flow *f = &ui->lab;
	char *lead = xasprintf("%s = %s, rationale%s: ", f->name, f->value,
			       required ? "" : " (Enter: none)");
	char *safe = sanitize_dup(lead, strlen(lead));

	f->stage = LS_RATIONALE;
	ui_prompt_open(ui, PROMPT_RATIONALE, safe, "");
	free(lead);
	free(safe);
}

/* The value is known: override question, rationale, then the write. */
static unsigned after_value(struct ui *ui)
{
	struct label_flow *f = &ui->lab;
	struct label_plan plan;
	struct err err;

	memset(&plan, 0, sizeof plan);
	err_clear(&err);
	if (labeler_plan(ui->lb, f->trace_id, f->span_id, f->name, &plan, &err) == 0 &&
	    plan.kind == LABEL_OVERRIDE) {
		char *old = shown_value(plan.existing.value), *q, *safe;

		q = xasprintf("%s has %s's %s = %s: override it with %s? (y: override, n: add "
			      "beside, Esc: cancel) ", f->span_name ? "this span" : "this trace",
			      label_owner_text(plan.owner) ? label_owner_text(plan.owner) : "another",
			      f->name, old, f->value);
		safe = sanitize_dup(q, strlen(q));
		f->stage = LS_CONFIRM;
		ui_prompt_open(ui, PROMPT_CONFIRM, safe, "");
		free(old);
		free(q);
		free(safe);
		label_plan_free(&plan);
		return EFF_HANDLED | EFF_REDRAW;
	}
	label_plan_free(&plan);
	if (f->rationale == RATIONALE_REQUIRED) {
		ask_rationale(ui, true);
		return EFF_HANDLED | EFF_REDRAW;
	}
	return finish(ui, NULL);
}

unsigned ui_label_key(struct ui *ui, const struct label_schema *ls, const struct label_key *k)
{
	struct label_flow *f = &ui->lab;
	struct label_target t;

	if (!ui->lb)
		return EFF_HANDLED;
	if (!target_of(ui, &t))
		return EFF_HANDLED | EFF_REDRAW;
	flow_reset(f);
	f->trace_id = xstrdup(t.trace_id);
	f->span_id = xstrdup_or_null(t.span_id);
	f->span_name = xstrdup_or_null(t.span_name);
	f->name = xstrdup(ls->name);
	f->type = (int)label_value_type(ls);
	f->rationale = (int)ls->rationale;
	if (!k->value) {
		/* A text label: its text comes from the input line, starting
		 * from what I gave before. */
		struct assessment mine;
		struct err err;
		char *initial = NULL, *lead, *safe;

		memset(&mine, 0, sizeof mine);
		err_clear(&err);
		if (labeler_mine(ui->lb, f->trace_id, f->span_id, f->name, &mine, &err) == 0)
			initial = shown_value(mine.value);
		assessment_free(&mine);
		lead = xasprintf("%s%s%s: ", f->name, ls->instructions ? " — " : "",
				 ls->instructions ? ls->instructions : "");
		safe = sanitize_dup(lead, strlen(lead));
		f->stage = LS_VALUE;
		ui_prompt_open(ui, PROMPT_VALUE, safe, initial ? initial : "");
		free(initial);
		free(lead);
		free(safe);
		return EFF_HANDLED | EFF_REDRAW;
	}
	f->value = xstrdup(k->value);
	return after_value(ui);
}

unsigned ui_label_answer(struct ui *ui, int answer)
{
	struct label_flow *f = &ui->lab;

	if (f->stage != LS_CONFIRM)
		return EFF_HANDLED;
	if (answer < 0) {
		flow_reset(f);
		ui_msg(ui, SLOT_MSG_INFO, "cancelled: nothing written");
		return EFF_HANDLED | EFF_REDRAW;
	}
	f->allow_override = answer > 0;
	if (f->rationale != RATIONALE_NONE) {
		/* An override says why; required labels must. */
		ask_rationale(ui, f->rationale == RATIONALE_REQUIRED);
		return EFF_HANDLED | EFF_REDRAW;
	}
	return finish(ui, NULL);
}

unsigned ui_label_accept(struct ui *ui, enum prompt_kind kind, const char *text)
{
	struct label_flow *f = &ui->lab;
	struct label_result res;
	struct err err;

	if (kind == PROMPT_VALUE && f->stage == LS_VALUE) {
		if (!*text) {
			flow_reset(f);
			ui_msg(ui, SLOT_MSG_INFO, "empty text: nothing written");
			return EFF_HANDLED | EFF_REDRAW;
		}
		f->value = xstrdup(text);
		return after_value(ui);
	}
	if (kind == PROMPT_RATIONALE && f->stage == LS_RATIONALE) {
		if (!*text && f->rationale == RATIONALE_REQUIRED) {
			ask_rationale(ui, true);
			ui_msg(ui, SLOT_MSG_ERROR, "%s needs a rationale (Esc cancels)", f->name);
			return EFF_HANDLED | EFF_REDRAW;
		}
		return finish(ui, text);
	}
	if (kind == PROMPT_RATIONALE && f->stage == LS_EDIT_RATIONALE) {
		char *trace = xstrdup(f->trace_id);

		memset(&res, 0, sizeof res);
		err_clear(&err);
		if (labeler_set_rationale(ui->lb, f->trace_id, f->span_id, f->name, text, &res,
					  &err) < 0)
			ui_error(ui, &err);
		else
			report(ui, &res, f->span_name);
		label_result_free(&res);
		flow_reset(f);
		ui_feedback_changed(ui, trace);
		free(trace);
		return EFF_HANDLED | EFF_REDRAW;
	}
	flow_reset(f);
	return EFF_HANDLED | EFF_REDRAW;
}

void ui_label_cancel(struct ui *ui)
{
	if (ui->lab.stage != LS_NONE)
		ui_msg(ui, SLOT_MSG_INFO, "cancelled: nothing written");
	flow_reset(&ui->lab);
}

/* ---- the other labelling actions ------------------------------------------ */

/* Which of my feedback an action on the target means: the one under the
 * cursor in the feedback pane, else the last label I gave. */
static const char *which_name(struct ui *ui, const struct label_target *t)
{
	const struct label_last *last = labeler_last(ui->lb);
	const char *only = NULL;
	size_t i, found = 0;

	if (t->fb_name)
		return t->fb_name;
	if (last)
		return last->name;
	/* Else the one label of mine on the target, when there is one. */
	for (i = 0; ui->cfg && i < ui->cfg->nlabels; i++) {
		struct assessment a;
		struct err err;

		memset(&a, 0, sizeof a);
		if (labeler_mine(ui->lb, t->trace_id, t->span_id, ui->cfg->labels[i].name, &a,
				 &err) == 0) {
			only = ui->cfg->labels[i].name;
			found++;
		}
		assessment_free(&a);
	}
	return found == 1 ? only : NULL;
}

static unsigned edit_rationale(struct ui *ui)
{
	struct label_flow *f = &ui->lab;
	struct label_target t;
	struct assessment mine;
	struct err err;
	const char *name;
	char *lead, *safe;

	if (!target_of(ui, &t))
		return EFF_HANDLED | EFF_REDRAW;
	name = which_name(ui, &t);
	if (!name) {
		ui_msg(ui, SLOT_MSG_INFO, "which feedback? select mine in the feedback pane");
		return EFF_HANDLED | EFF_REDRAW;
	}
	memset(&mine, 0, sizeof mine);
	err_clear(&err);
	if (labeler_mine(ui->lb, t.trace_id, t.span_id, name, &mine, &err) < 0) {
		ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	}
	flow_reset(f);
	f->stage = LS_EDIT_RATIONALE;
	f->trace_id = xstrdup(t.trace_id);
	f->span_id = xstrdup_or_null(t.span_id);
	f->span_name = xstrdup_or_null(t.span_name);
	f->name = xstrdup(name);
	lead = xasprintf("rationale of %s: ", name);
	safe = sanitize_dup(lead, strlen(lead));
	ui_prompt_open(ui, PROMPT_RATIONALE, safe, mine.rationale ? mine.rationale : "");
	free(lead);
	free(safe);
	assessment_free(&mine);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned delete_mine(struct ui *ui)
{
	struct label_target t;
	struct label_result res;
	struct err err;
	const char *name;
	char *trace;

	if (!target_of(ui, &t))
		return EFF_HANDLED | EFF_REDRAW;
	name = which_name(ui, &t);
	if (!name) {
		ui_msg(ui, SLOT_MSG_INFO, "which feedback? select mine in the feedback pane");
		return EFF_HANDLED | EFF_REDRAW;
	}
	memset(&res, 0, sizeof res);
	err_clear(&err);
	trace = xstrdup(t.trace_id);
	if (labeler_delete(ui->lb, t.trace_id, t.span_id, name, &res, &err) < 0)
		ui_error(ui, &err);
	else
		report(ui, &res, t.span_name);
	label_result_free(&res);
	ui_feedback_changed(ui, trace);
	free(trace);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned undo_redo(struct ui *ui, bool redo)
{
	struct label_result res;
	struct err err;
	char id[32];

	memset(&res, 0, sizeof res);
	err_clear(&err);
	if ((redo ? labeler_redo(ui->lb, &res, &err) : labeler_undo(ui->lb, &res, &err)) < 0) {
		ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	}
	short_id(id, sizeof id, res.trace_id);
	ui_msg(ui, SLOT_MSG_OK, "%s: %s on %s", redo ? "redone" : "undone",
	       res.name ? res.name : "?", id);
	ui_feedback_changed(ui, res.trace_id);
	label_result_free(&res);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned repeat(struct ui *ui)
{
	struct label_flow *f = &ui->lab;
	const struct label_last *last = labeler_last(ui->lb);
	const struct label_schema *ls;
	struct label_target t;

	if (!last) {
		ui_msg(ui, SLOT_MSG_INFO, "no label to repeat yet");
		return EFF_HANDLED | EFF_REDRAW;
	}
	if (!target_of(ui, &t))
		return EFF_HANDLED | EFF_REDRAW;
	ls = ui->cfg ? config_label(ui->cfg, last->name) : NULL;
	flow_reset(f);
	f->trace_id = xstrdup(t.trace_id);
	f->span_id = xstrdup_or_null(t.span_id);
	f->span_name = xstrdup_or_null(t.span_name);
	f->name = xstrdup(last->name);
	f->value = xstrdup(last->value_text);
	f->type = (int)last->type;
	f->rationale = ls ? (int)ls->rationale : RATIONALE_OPTIONAL;
	return after_value(ui);
}

static unsigned next_unlabelled(struct ui *ui, int dir)
{
	struct list_state *ls = &ui->list;
	bool found, wrapped;
	struct err err;

	if (ui_top(ui)->ops != &list_view_ops) {
		ui_msg(ui, SLOT_MSG_INFO, "jumps to unlabelled traces work in the trace list");
		return EFF_HANDLED | EFF_REDRAW;
	}
	err_clear(&err);
	if (tlist_find_quick(&ls->tl, QF_UNLABELLED, dir, &found, &wrapped, &err) < 0)
		ui_error(ui, &err);
	else if (!found)
		ui_msg(ui, SLOT_MSG_OK, "every trace here has my labels");
	else if (wrapped)
		ui_msg(ui, SLOT_MSG_INFO, "wrapped around");
	return EFF_HANDLED | EFF_REDRAW;
}

unsigned ui_label_action(struct ui *ui, enum action a)
{
	struct err err;
	size_t written = 0;

	if (!ui->lb)
		return EFF_UNHANDLED;
	switch (a) {
	case ACT_RATIONALE:
		return edit_rationale(ui);
	case ACT_DELETE_LABEL:
		return delete_mine(ui);
	case ACT_UNDO:
		return undo_redo(ui, false);
	case ACT_REDO:
		return undo_redo(ui, true);
	case ACT_REPEAT:
		return repeat(ui);
	case ACT_NEXT_UNLABELLED:
		return next_unlabelled(ui, 1);
	case ACT_PREV_UNLABELLED:
		return next_unlabelled(ui, -1);
	case ACT_TOGGLE_ADVANCE:
		ui->advance = !ui->advance;
		ui_msg(ui, SLOT_MSG_OK, "move on after a label: %s", ui->advance ? "on" : "off");
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_RETRY_PENDING:
		err_clear(&err);
		if (!labeler_pending_count(ui->lb))
			ui_msg(ui, SLOT_MSG_INFO, "nothing pending");
		else if (labeler_retry(ui->lb, &written, &err) < 0)
			ui_msg(ui, SLOT_PENDING, "%zu written, still pending: %s", written, err.msg);
		else
			ui_msg(ui, SLOT_MSG_OK, "%zu pending written", written);
		if (written) {
			size_t i;

			/* Refresh whatever the list shows. */
			for (i = 0; i < ui->list.tl.n; i++)
				tlist_refresh_row(&ui->list.tl, ui->list.tl.rows[i].id, &err);
			ui->progress_dirty = true;
		}
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_DISCARD_PENDING:
		if (!labeler_pending_count(ui->lb)) {
			ui_msg(ui, SLOT_MSG_INFO, "nothing pending");
		} else {
			size_t n = labeler_pending_count(ui->lb);

			labeler_discard_all(ui->lb);
			ui_msg(ui, SLOT_MSG_OK, "%zu pending label%s discarded", n, n == 1 ? "" : "s");
		}
		return EFF_HANDLED | EFF_REDRAW;
	default:
		return EFF_UNHANDLED;
	}
}

/* ---- status and idle work ------------------------------------------------ */

void ui_label_status(struct ui *ui, struct tb_line *l, int width)
{
	size_t pending = ui->lb ? labeler_pending_count(ui->lb) : 0;
	char buf[96], a[32], b[32];

	if (pending && width > 12) {
		snprintf(buf, sizeof buf, "%zu pending ", pending);
		tb_line_put_fit(l, SLOT_PENDING, buf, width);
		width -= (int)strlen(buf);
	}
	if (ui->progress_total > 0 && ui->progress_done >= 0 && width > 30) {
		fmt_count(a, sizeof a, ui->progress_done);
		fmt_count(b, sizeof b, ui->progress_total);
		snprintf(buf, sizeof buf, "labelled %s / %s (%.1f%%) ", a, b,
			 100.0 * (double)ui->progress_done / (double)ui->progress_total);
		tb_line_put_fit(l, SLOT_STATUSBAR, buf, width);
	}
}

bool ui_label_busy(struct ui *ui)
{
	return ui->lb && ui->cfg && ui->cfg->nlabels && ui->progress_dirty &&
	       ui->list.loaded && ui->list.tl.total >= 0;
}

bool ui_label_idle(struct ui *ui)
{
	struct list_state *ls = &ui->list;
	struct err err;
	int64_t unl;

	if (!ui_label_busy(ui))
		return false;
	ui->progress_dirty = false;
	err_clear(&err);
	if (store_count_traces(ui->st, ls->exp_id, ls->filter, ls->quick | QF_UNLABELLED, ui->me,
			       ls->qf_names, &unl, &err) < 0) {
		ui->progress_done = ui->progress_total = -1;
		return true;
	}
	ui->progress_total = ls->tl.total;
	ui->progress_done = ls->tl.total - unl >= 0 ? ls->tl.total - unl : 0;
	return true;
}

void ui_label_baseline(struct ui *ui)
{
	struct err err;

	err_clear(&err);
	if (store_assessments_stamp(ui->st, ui->list.exp_id, &ui->fb_stamp, &ui->fb_count,
				    &err) < 0)
		ui->fb_stamp = ui->fb_count = -1;
	ui->next_check_ms = 0;
}

/* Every refresh_seconds while idle: has anyone written feedback in this
 * experiment?  One cheap query; the rows on screen and the open trace are
 * read again only when something changed. */
bool ui_label_tick(struct ui *ui)
{
	int secs = ui->cfg ? ui->cfg->refresh_seconds : 5;
	int64_t now = now_ms(), stamp, count;
	struct err err;
	size_t i;

	if (secs <= 0 || now < ui->next_check_ms)
		return false;
	ui->next_check_ms = now + (int64_t)secs * 1000;
	err_clear(&err);
	if (store_assessments_stamp(ui->st, ui->list.exp_id, &stamp, &count, &err) < 0)
		return false;
	if (ui->fb_stamp < 0) {
		ui->fb_stamp = stamp;
		ui->fb_count = count;
		return false;
	}
	if (stamp == ui->fb_stamp && count == ui->fb_count)
		return false;
	ui->fb_stamp = stamp;
	ui->fb_count = count;
	for (i = 0; i < ui->list.tl.n; i++)
		tlist_refresh_row(&ui->list.tl, ui->list.tl.rows[i].id, &err);
	for (i = 0; i < ui->nviews; i++) {
		struct view *v = ui->views[i];
		struct label_target t;

		memset(&t, 0, sizeof t);
		if (v->ops->refresh && v->ops->target && v->ops->target(v, ui, &t) && t.trace_id) {
			char *id = xstrdup(t.trace_id);

			v->ops->refresh(v, ui, id);
			free(id);
		}
	}
	ui->progress_dirty = true;
	return true;
}
