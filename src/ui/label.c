/*
 * Labelling from the keyboard: label keys (from the configured label
 * schemas), the override question, rationales in the input line, delete,
 * undo / redo, repeat, jumps to unlabelled traces, pending labels (in the
 * status bar, the list's feedback cells and the feedback pane, with the
 * questions before discarding them or quitting) and the labelled / total
 * progress in the status bar.  The writes themselves and
 * their MLflow semantics are the labeling engine's (svc/label.h); this
 * file decides what to ask and shows what happened.
 *
 * Over 1,000 lines: every labelling action goes through the one flow of
 * questions kept here (value, override, rationale, pending, quit), so
 * they stay together.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "svc/journal.h"
#include "svc/label.h"
#include "svc/worker.h"
#include "ui/app.h"

/* The last try for pending labels at exit (a signal, or quitting). */
#define LAST_TRY_MS 800

static unsigned answer_pending(struct ui *ui, int answer);

/* ---- set-up ------------------------------------------------------------- */

int ui_label_init(struct ui *ui, struct err *err)
{
	if (labeler_new(ui->st, ui->me, &ui->lb, err) < 0)
		return -1;
	ui->advance = ui->cfg ? ui->cfg->advance != ADVANCE_NEVER : true;
	ui->blind = ui->cfg && ui->cfg->blind;
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
	worker_close(ui->w);  /* its completions reach the labeler */
	ui->w = NULL;
	labeler_free(&ui->lb);
	FREE(ui->item_id);
	FREE(ui->progress_q);
	journal_close(ui->jr);
	ui->jr = NULL;
}

void ui_label_item_opened(struct ui *ui, const char *trace_id)
{
	if (str_eq(ui->item_id, trace_id))
		return;
	free(ui->item_id);
	ui->item_id = xstrdup_or_null(trace_id);
	ui->item_ms = now_ms();
}

/* The time on item as the metadata of an answer on this trace (caller
 * frees), or NULL: switched off, or the trace is not open in a trace view
 * or form, nor selected in the list (where the time counts from the
 * first frame that showed it selected). */
static char *item_metadata(struct ui *ui, const char *trace_id)
{
	const struct view_ops *top = ui_top(ui)->ops;
	int64_t secs;

	if ((ui->cfg && !ui->cfg->time_on_item) || !str_eq(ui->item_id, trace_id) ||
	    (top != &trace_view_ops && top != &form_view_ops && top != &list_view_ops))
		return NULL;
	secs = (now_ms() - ui->item_ms) / 1000;
	return xasprintf("{\"%s\": \"%" PRId64 "\"}", TIME_ON_ITEM_KEY, secs > 0 ? secs : 0);
}

bool ui_label_context(const char *ctx)
{
	return ctx && (strcmp(ctx, "list") == 0 || strcmp(ctx, "tree") == 0 ||
		       strcmp(ctx, "detail") == 0 || strcmp(ctx, "feedback") == 0 ||
		       strcmp(ctx, "form") == 0);
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

/* The list row and the views showing this trace read it again. */
static void views_changed(struct ui *ui, const char *trace_id)
{
	struct err err;
	size_t i;

	if (!trace_id)
		return;
	tcache_drop(&ui->tcache, trace_id);
	err_clear(&err);
	if (tlist_refresh_row(&ui->list.tl, trace_id, &err) < 0)
		ui_error(ui, &err);
	for (i = 0; i < ui->nviews; i++)
		if (ui->views[i]->ops->refresh)
			ui->views[i]->ops->refresh(ui->views[i], ui, trace_id);
}

void ui_feedback_changed(struct ui *ui, const char *trace_id)
{
	views_changed(ui, trace_id);
	ui->progress_dirty = true;
}

/* ---- progress ------------------------------------------------------------ */

static bool configured(const struct ui *ui, const char *name)
{
	const struct question_ref *q;

	for (q = ui->list.questions; name && q && q->name; q++)
		if (strcmp(q->name, name) == 0)
			return true;
	return false;
}

/* After a write that added (change > 0) or removed (< 0) a row of mine
 * named `name`: whether the trace is complete may have changed, which only
 * the store can say: counted again as idle work. */
static void progress_step(struct ui *ui, const char *trace_id, const char *name, int change)
{
	if (change && trace_id && configured(ui, name))
		ui->progress_dirty = true;
}

/* Did an operation (as its result describes it) add or remove a row of
 * mine?  undo: the reverse. */
static int row_change(const struct label_result *r, bool undo)
{
	int c = 0;

	if (r->op == LABEL_OP_SET && (r->kind == LABEL_CREATE || r->kind == LABEL_OVERRIDE))
		c = 1;
	else if (r->op == LABEL_OP_DELETE)
		c = -1;
	return undo ? -c : c;
}

/* "quality = 4 on tr-7d2f4e9a…" (not yet sanitised). */
static void describe(struct strbuf *sb, const struct label_result *r)
{
	char id[32];
	char *v = shown_value(r->value);

	short_id(id, sizeof id, r->trace_id);
	if (r->op == LABEL_OP_QUEUE)
		sb_addf(sb, "review-queue item %s: %s", id,
			r->queue_status[0] ? r->queue_status : "status");
	else if (r->op == LABEL_OP_DELETE)
		sb_addf(sb, "deleted %s on %s", r->name, id);
	else if (r->op == LABEL_OP_RATIONALE)
		sb_addf(sb, "rationale of %s on %s", r->name, id);
	else
		sb_addf(sb, "%s = %s on %s", r->name, v, id);
	free(v);
}

/* Says what a write did, or that it is pending. */
static void report(struct ui *ui, const struct label_result *r, const char *span_name)
{
	struct strbuf sb = STRBUF_INIT;
	struct err err;

	if (r->saving)
		sb_adds(&sb, "saving ");
	describe(&sb, r);
	if (span_name)
		sb_addf(&sb, " span %s", span_name);
	if (r->saving && r->error && strcmp(r->error, "saving") != 0)
		sb_addf(&sb, " (%s)", r->error);
	else if (r->saving)
		;
	else if (r->queued)
		sb_addf(&sb, ": not written, pending (%s)", r->error ? r->error : "error");
	else if (r->op == LABEL_OP_SET && r->kind != LABEL_CREATE)
		sb_addf(&sb, " (%s)", kind_verb(r->kind));
	err_clear(&err);
	if (labeler_journal_error(ui->lb, &err))
		ui_msg(ui, SLOT_MSG_ERROR, "label journal: %s; %s", err.msg, sb_str(&sb));
	else
		ui_msg(ui, r->queued ? SLOT_PENDING : SLOT_MSG_OK, "%s", sb_str(&sb));
	sb_free(&sb);
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

/* May this question be answered on the target?  Else says why, and which
 * key changes the target. */
static bool target_allowed(struct ui *ui, const struct label_schema *ls,
			   const struct label_target *t)
{
	struct strbuf k = STRBUF_INIT;

	if (question_target_allows(ls->target, t->span_id))
		return true;
	ui_keys_text(ui, "global", ACT_TOGGLE_TARGET, &k, 1);
	if (ls->target == QT_TRACE)
		ui_msg(ui, SLOT_MSG_ERROR, "%s answers the trace only%s%s%s", ls->name,
		       k.len ? " (" : "", sb_str(&k), k.len ? " targets it)" : "");
	else
		ui_msg(ui, SLOT_MSG_ERROR, "%s answers a span: select one in the tree%s%s", ls->name,
		       k.len ? ", then " : "", sb_str(&k));
	sb_free(&k);
	return false;
}

/* ---- advancing --------------------------------------------------------- */

/* Selects the next (dir > 0) or previous trace of the list, in its order
 * and filter, without my feedback named `name` (NULL: any configured
 * label): a store query from the selected row's keyset position, wrapping
 * around once when asked. */
static int find_unlabelled(struct ui *ui, const char *name, int dir, bool wrap, bool *found,
			   bool *wrapped, struct err *err)
{
	struct question_ref one[2];

	memset(one, 0, sizeof one);
	one[0].name = name;
	one[0].target = QT_ANY;
	one[0].required = true;
	one[0].expectation = name && ui->cfg && config_label(ui->cfg, name) &&
			     config_label(ui->cfg, name)->expectation;
	return tlist_find_quick(&ui->list.tl, QF_UNLABELLED, name ? one : NULL, dir, wrap, found,
				wrapped, err);
}

/* Is an answer of mine to the trace's question on its way to the store
 * (journalled, waiting for the writer)? */
static bool pending_answer(struct ui *ui, const char *trace_id, const char *root,
			   const char *name)
{
	size_t i, n = labeler_pending_count(ui->lb);

	for (i = n; i-- > 0;) {
		const struct label_pending *p = labeler_pending_at(ui->lb, i);

		if (strcmp(p->trace_id, trace_id) != 0 || strcmp(p->name, name) != 0 ||
		    question_target(p->span_id, root) != NULL)
			continue;
		return p->op == LABEL_OP_SET;
	}
	return false;
}

/* The feedback of the trace as the top view shows it (a trace view or a
 * form), into *t; false when the view holds none for it. */
static bool rows_here(struct ui *ui, const char *trace_id, struct label_target *t)
{
	struct view *v = ui_top(ui);

	memset(t, 0, sizeof *t);
	return v->ops->target && v->ops->target(v, ui, t) && t->rows &&
	       str_eq(t->trace_id, trace_id);
}

/* The list's row of the trace when it is the selected one, or NULL. */
static const struct trace_row *row_here(struct ui *ui, const char *trace_id)
{
	const struct trace_row *r = tlist_selected(&ui->list.tl);

	return r && str_eq(r->id, trace_id) ? r : NULL;
}

/* Does every required question of the trace have my answer, in the store
 * or on its way there (none required: any question)?  From what the
 * screen holds, with no read of the store: the view's rows, else the
 * list row's cells (the trace's questions; a span question is not
 * answered there); false when neither is at hand. */
static bool trace_complete(struct ui *ui, const char *trace_id)
{
	const struct trace_row *r = NULL;
	struct label_target t;
	size_t i, req = 0, got = 0, any = 0;
	bool rows;

	if (!ui->cfg)
		return false;
	rows = rows_here(ui, trace_id, &t);
	if (!rows && !(r = row_here(ui, trace_id)))
		return false;
	for (i = 0; i < ui->cfg->nlabels; i++) {
		const struct label_schema *ls = &ui->cfg->labels[i];
		const struct fb_cell *c = r ? trace_row_fb(r, ls->name) : NULL;
		bool a = rows ? label_answered_kind(t.rows, t.root, ui->me, ls->name, ls->target,
						    ls->expectation) :
			 ls->target != QT_SPAN && c && c->mine;

		a = a || pending_answer(ui, trace_id, rows ? t.root : NULL, ls->name);
		req += ls->required;
		got += ls->required && a;
		any += a;
	}
	return req ? got == req : any > 0;
}

/* What a label would do, from what the screen holds (see trace_complete);
 * without a writer thread (scripted runs) the store is read.  false: not
 * known (no override is offered). */
static bool plan_here(struct ui *ui, const struct label_flow *f, struct label_plan *plan,
		      struct err *err)
{
	static const struct assessment_list none;
	const struct trace_row *r;
	const struct fb_cell *c;
	struct label_target t;

	memset(plan, 0, sizeof *plan);
	if (rows_here(ui, f->trace_id, &t)) {
		labeler_plan_rows(ui->lb, t.rows, t.root, f->trace_id, f->span_id, f->name, plan);
		return true;
	}
	if (!ui->w)
		return labeler_plan(ui->lb, f->trace_id, f->span_id, f->name, plan, err) == 0;
	if (f->span_id || !(r = row_here(ui, f->trace_id)))
		return false;
	/* the list's cell: the trace's question, the latest answer of each source */
	labeler_plan_rows(ui->lb, &none, NULL, f->trace_id, NULL, f->name, plan);
	c = trace_row_fb(r, f->name);
	if (plan->kind != LABEL_CREATE || !c)
		return true;
	if (ui->cfg && config_label(ui->cfg, f->name) && config_label(ui->cfg, f->name)->expectation)
		return true;  /* (MLflow overrides feedback only) */
	if (c->mine) {
		plan->kind = LABEL_UPDATE;
		plan->owner = OWNER_ME;
	} else if (c->judge || c->code || c->human) {
		plan->kind = LABEL_OVERRIDE;
		plan->owner = c->judge ? OWNER_JUDGE : c->code ? OWNER_CODE : OWNER_HUMAN;
		plan->existing.value = xstrdup(c->judge ? c->judge : c->code ? c->code : c->human);
	}
	return true;
}

/* After a label written in the list or a form, the advance mode says
 * whether to move on: `complete` once the trace is complete, to the next
 * trace below that is not; `each` after every answer, to the next trace
 * below without my answer to this question.  None below: the selection
 * stays.  A form moves with the list's selection. */
static void advance(struct ui *ui, const char *trace_id, const char *name)
{
	const struct view_ops *top = ui_top(ui)->ops;
	const struct trace_row *sel = tlist_selected(&ui->list.tl);
	bool each = ui->cfg && ui->cfg->advance == ADVANCE_EACH;
	struct err err;
	bool found = false, wrapped;

	if (!ui->advance || (top != &list_view_ops && top != &form_view_ops) || !sel ||
	    strcmp(sel->id, trace_id) != 0)
		return;
	if (!each && !trace_complete(ui, trace_id))
		return;
	err_clear(&err);
	if (find_unlabelled(ui, each ? name : NULL, 1, false, &found, &wrapped, &err) < 0) {
		ui_error(ui, &err);
		return;
	}
	if (!found) {
		if (!each)
			ui_msg(ui, SLOT_MSG_OK, "trace complete; no trace below is still open");
		return;
	}
	if (top == &form_view_ops && (sel = tlist_selected(&ui->list.tl))) {
		char *id = xstrdup(sel->id);

		if (ui_open_form(ui, id, &err) < 0)
			ui_error(ui, &err);
		free(id);
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
	char *trace = NULL, *name = NULL, *meta;
	bool queued = false;
	int change = 0;

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
	meta = item_metadata(ui, f->trace_id);
	req.metadata = meta;
	/* in a review queue, the answer that completes the trace completes its item */
	req.queue_id = ui_queue_for(ui, f->trace_id);
	if (labeler_set(ui->lb, &req, &res, &err) < 0) {
		ui_error(ui, &err);
	} else {
		report(ui, &res, f->span_name);
		ui_queue_written(ui, &res);
		trace = xstrdup(f->trace_id);
		name = xstrdup(f->name);
		queued = res.queued && !res.saving;
		change = res.queued ? 0 : row_change(&res, false);
		/* The list gets a column for it, where its pending mark shows. */
		ui_names_add(&ui->list, f->name);
	}
	label_result_free(&res);
	free(meta);
	flow_reset(f);
	if (trace) {
		progress_step(ui, trace, name, change);
		views_changed(ui, trace);
		if (!queued)
			advance(ui, trace, name);
	}
	free(trace);
	free(name);
	return EFF_HANDLED | EFF_REDRAW;
}

bool ui_label_final(struct ui *ui, const char *trace_id, const char *span_id, const char *name,
		    const char *value_json)
{
	struct label_req req;
	struct label_result res;
	struct err err;
	char *text = NULL, *end = NULL;
	bool done = false;

	if (!ui->lb) {
		ui_msg(ui, SLOT_MSG_ERROR, "final answers need a source_id (config or --source-id)");
		return false;
	}
	memset(&req, 0, sizeof req);
	memset(&res, 0, sizeof res);
	err_clear(&err);
	if (strcmp(value_json, "true") == 0 || strcmp(value_json, "false") == 0) {
		req.type = VT_BOOL;
		req.value_text = value_json;
	} else if ((text = ui_json_string(value_json))) {
		req.type = VT_TEXT;
		req.value_text = text;
	} else if (*value_json && (strtod(value_json, &end), !*end)) {
		req.type = VT_NUMBER;
		req.value_text = value_json;
	} else {
		ui_msg(ui, SLOT_MSG_ERROR, "%s: only a boolean, number or text can be a final answer",
		       name);
		return false;
	}
	req.trace_id = trace_id;
	req.span_id = span_id;
	req.name = name;
	req.allow_override = true;
	req.override_judge = true;
	req.metadata = "{\"" ADJUDICATION_KEY "\": \"true\"}";
	if (labeler_set(ui->lb, &req, &res, &err) < 0) {
		ui_error(ui, &err);
	} else {
		report(ui, &res, NULL);
		ui_names_add(&ui->list, name);
		progress_step(ui, trace_id, name, res.queued ? 0 : row_change(&res, false));
		views_changed(ui, trace_id);
		done = true;
	}
	label_result_free(&res);
	free(text);
	return done;
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
	/* The form asks for my own answer to each question: it goes beside the
	 * other sources' (the trace view offers to override them).  Blind, the
	 * question would tell the other answer before I give mine. */
	if (ui_top(ui)->ops != &form_view_ops && !ui->blind && plan_here(ui, f, &plan, &err) &&
	    plan.kind == LABEL_OVERRIDE) {
		char *old = shown_value(plan.existing.value), *q, *safe;

		q = xasprintf("%s has %s %s = %s: override it with %s? (y: override, n: add "
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
	if (f->rationale == RATIONALE_REQUIRED || f->offer_comment) {
		ask_rationale(ui, f->rationale == RATIONALE_REQUIRED);
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
	if (!target_of(ui, &t) || !target_allowed(ui, ls, &t))
		return EFF_HANDLED | EFF_REDRAW;
	flow_reset(f);
	f->trace_id = xstrdup(t.trace_id);
	f->span_id = xstrdup_or_null(t.span_id);
	f->span_name = xstrdup_or_null(t.span_name);
	f->name = xstrdup(ls->name);
	f->instructions = ls->instructions;
	f->type = (int)label_value_type(ls);
	f->rationale = (int)ls->rationale;
	f->offer_comment = ls->schema_id && ls->rationale == RATIONALE_OPTIONAL;
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

	if (f->stage == LS_ASK_QUIT || f->stage == LS_ASK_DISCARD)
		return answer_pending(ui, answer);
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

/* What a label schema's editor answer may not be: longer than its
 * max_length (characters, as MLflow counts them), outside its numeric
 * range, or a multi-select item that is no option; why says which. */
static bool bad_answer(struct ui *ui, const char *name, const char *text, char *why, size_t nwhy)
{
	const struct label_schema *ls = ui->cfg ? config_label(ui->cfg, name) : NULL;
	int64_t n = 0;
	const char *p;
	char *end;
	double d;
	size_t i;

	if (!ls || !ls->schema_id)
		return false;
	if (ls->type == LABEL_TEXT && ls->max_length > 0) {
		for (p = text; *p; p++)
			n += ((unsigned char)*p & 0xC0) != 0x80;
		if (n > ls->max_length) {
			snprintf(why, nwhy, "at most %lld characters, not %lld",
				 (long long)ls->max_length, (long long)n);
			return true;
		}
	}
	if (ls->type == LABEL_NUMERIC && (ls->has_min || ls->has_max)) {
		d = strtod(text, &end);
		if (end != text && !*end && ((ls->has_min && d < ls->min) || (ls->has_max && d > ls->max))) {
			snprintf(why, nwhy, "%.40s is outside the range", text);
			return true;
		}
	}
	if (ls->type == LABEL_CATEGORICAL && ls->multi) {
		const char *e;

		for (p = text; *p; p = *e ? e + 1 : e) {
			size_t len;

			e = p + strcspn(p, ",");
			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
			len = (size_t)(e - p);
			while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
				len--;
			if (!len)
				continue;
			for (i = 0; i < ls->noptions; i++)
				if (strlen(ls->options[i]) == len && !strncmp(ls->options[i], p, len))
					break;
			if (i == ls->noptions) {
				snprintf(why, nwhy, "'%.*s' is not one of the options",
					 len > 64 ? 64 : (int)len, p);
				return true;
			}
		}
	}
	return false;
}

unsigned ui_label_accept(struct ui *ui, enum prompt_kind kind, const char *text)
{
	struct label_flow *f = &ui->lab;
	struct label_result res;
	struct err err;
	char why[160];

	if (kind == PROMPT_VALUE && f->stage == LS_VALUE) {
		if (!*text) {
			flow_reset(f);
			ui_msg(ui, SLOT_MSG_INFO, "empty text: nothing written");
			return EFF_HANDLED | EFF_REDRAW;
		}
		if (bad_answer(ui, f->name, text, why, sizeof why)) {
			char *lead = xasprintf("%s (%s): ", f->name, why);
			char *safe = sanitize_dup(lead, strlen(lead));

			ui_prompt_open(ui, PROMPT_VALUE, safe, text);
			free(lead);
			free(safe);
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
		views_changed(ui, trace);
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
 * cursor in the feedback pane; else my only feedback there (of the
 * configured names); else, of several, the last label I gave when it is
 * among them, else the first in schema order.  NULL when I have none. */
static const char *which_name(struct ui *ui, const struct label_target *t)
{
	const struct label_last *last = labeler_last(ui->lb);
	const char *first = NULL;
	size_t i, found = 0;
	bool last_here = false;

	if (t->fb_name)
		return t->fb_name;
	for (i = 0; ui->cfg && i < ui->cfg->nlabels; i++) {
		const char *name = ui->cfg->labels[i].name;
		struct assessment a;
		struct err err;

		memset(&a, 0, sizeof a);
		err_clear(&err);
		if (labeler_mine(ui->lb, t->trace_id, t->span_id, name, &a, &err) == 0) {
			if (!found++)
				first = name;
			if (last && strcmp(last->name, name) == 0)
				last_here = true;
		}
		assessment_free(&a);
	}
	if (found > 1 && last_here)
		return last->name;
	return first;
}

/* The item under the cursor and the name of my feedback there that r and x
 * act on; NULL (with a message when there is an item) when there is none. */
static const char *mine_target(struct ui *ui, struct label_target *t)
{
	const char *name;

	if (!target_of(ui, t))
		return NULL;
	if (t->fb_name) {
		/* My feedback under the cursor: its own target. */
		t->span_id = t->fb_span_id;
		t->span_name = t->fb_span_name;
	}
	name = which_name(ui, t);
	if (!name)
		ui_msg(ui, SLOT_MSG_INFO, "no feedback of mine %s", t->span_id ? "on this span" :
		       "on this trace");
	return name;
}

/* A store's label schema that offers no comment (enable_comment off), or
 * an expectation (MLflow keeps no rationale on one): says so. */
static bool refuse_comment(struct ui *ui, const char *name)
{
	const struct label_schema *ls = ui->cfg ? config_label(ui->cfg, name) : NULL;

	if (!ls || !ls->schema_id || ls->rationale != RATIONALE_NONE)
		return false;
	if (ls->expectation)
		ui_msg(ui, SLOT_MSG_ERROR, "%s is an expectation: MLflow keeps no rationale on one",
		       name);
	else
		ui_msg(ui, SLOT_MSG_ERROR, "%s: its label schema offers no comment (enable_comment "
		       "is off)", name);
	return true;
}

static unsigned edit_rationale(struct ui *ui)
{
	struct label_flow *f = &ui->lab;
	struct label_target t;
	struct assessment mine;
	struct err err;
	const char *name;
	char *lead, *safe;

	name = mine_target(ui, &t);
	if (!name)
		return EFF_HANDLED | EFF_REDRAW;
	if (refuse_comment(ui, name))
		return EFF_HANDLED | EFF_REDRAW;
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
	f->instructions = ui->cfg && config_label(ui->cfg, name) ?
			  config_label(ui->cfg, name)->instructions : NULL;
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

	name = mine_target(ui, &t);
	if (!name)
		return EFF_HANDLED | EFF_REDRAW;
	memset(&res, 0, sizeof res);
	err_clear(&err);
	trace = xstrdup(t.trace_id);
	if (labeler_delete(ui->lb, t.trace_id, t.span_id, name, &res, &err) < 0) {
		ui_error(ui, &err);
	} else {
		report(ui, &res, t.span_name);
		if (!res.queued)
			progress_step(ui, trace, res.name, -1);
	}
	label_result_free(&res);
	views_changed(ui, trace);
	free(trace);
	return EFF_HANDLED | EFF_REDRAW;
}

/* The questions of the trace (name and target) that several valid rows of
 * mine answer: calls fn for the first row of each. */
static size_t each_duplicate(const struct ui *ui, const struct assessment_list *rows,
			     const char *root,
			     void (*fn)(const struct ui *ui, const struct assessment *a,
					const char *target, size_t n, void *ctx),
			     void *ctx)
{
	size_t i, k, found = 0;

	for (i = 0; ui->me && i < rows->n; i++) {
		const struct assessment *a = &rows->v[i];
		const char *target = question_target(a->span_id, root);
		size_t n;
		bool seen = false;

		if (!a->valid || !str_eq(a->source_type, "HUMAN") || !str_eq(a->source_id, ui->me) ||
		    !str_eq(a->type, "feedback"))
			continue;
		for (k = 0; k < i && !seen; k++) {
			const struct assessment *b = &rows->v[k];

			seen = b->valid && str_eq(b->source_type, "HUMAN") &&
			       str_eq(b->source_id, ui->me) && str_eq(b->type, "feedback") &&
			       str_eq(b->name, a->name) &&
			       str_eq(question_target(b->span_id, root), target);
		}
		if (seen)
			continue;
		n = label_count_mine(rows, root, target, a->name, ui->me);
		if (n > 1) {
			found++;
			if (fn)
				fn(ui, a, target, n, ctx);
		}
	}
	return found;
}

struct dup_lines {
	struct textbuf *tb;
	int width;
};

static void dup_line(const struct ui *ui, const struct assessment *a, const char *target,
		     size_t n, void *ctx)
{
	struct dup_lines *d = ctx;
	struct strbuf k = STRBUF_INIT;
	struct tb_line *l = tb_newline(d->tb);
	char buf[64];

	ui_keys_text((struct ui *)(uintptr_t)ui, "global", ACT_DEDUPE, &k, 1);
	snprintf(buf, sizeof buf, " %zu rows of yours answer ", n);
	tb_line_put(l, SLOT_MSG_ERROR, buf, strlen(buf));
	tb_line_put_untrusted_fit(l, SLOT_NAME, a->name, strlen(a->name), 30, true);
	tb_line_put(l, SLOT_DIM, target ? " on span " : " on the trace", target ? 9 : 13);
	if (target)
		tb_line_put_untrusted_fit(l, SLOT_ID, target, strlen(target), 20, true);
	if (k.len) {
		char *tail = xasprintf(": %s keeps the newest, deletes %zu", sb_str(&k), n - 1);

		tb_line_put_fit(l, SLOT_DIM, tail, d->width - l->width > 4 ? d->width - l->width : 4);
		free(tail);
	}
	sb_free(&k);
}

void ui_label_duplicate_lines(const struct ui *ui, const struct assessment_list *rows,
			      const char *root, struct textbuf *tb, int width)
{
	struct dup_lines d = { tb, width };

	if (ui->lb)
		each_duplicate(ui, rows, root, dup_line, &d);
}

struct dedupe_run {
	struct ui *ui;
	const struct assessment_list *rows;
	const char *root, *trace_id;
	size_t deleted;
	struct err err;
};

static void dedupe_one(const struct ui *ui, const struct assessment *a, const char *target,
		       size_t n, void *ctx)
{
	struct dedupe_run *r = ctx;
	size_t d = 0;

	(void)ui;
	(void)n;
	if (r->err.code)
		return;
	if (labeler_dedupe_rows(r->ui->lb, r->rows, r->root, r->trace_id, target, a->name, &d,
				&r->err) == 0)
		r->deleted += d;
}

/* Keeps the newest of my rows for each question of the trace that has
 * several, from the rows the view shows; journalled, undoable. */
static unsigned dedupe(struct ui *ui)
{
	struct dedupe_run r;
	struct label_target t;
	char *trace;
	size_t questions;

	if (!target_of(ui, &t))
		return EFF_HANDLED | EFF_REDRAW;
	if (!t.rows) {
		ui_msg(ui, SLOT_MSG_INFO, "open the trace to see and remove duplicate rows of yours");
		return EFF_HANDLED | EFF_REDRAW;
	}
	memset(&r, 0, sizeof r);
	r.ui = ui;
	r.rows = t.rows;
	r.root = t.root;
	r.trace_id = t.trace_id;
	trace = xstrdup(t.trace_id);
	questions = each_duplicate(ui, t.rows, t.root, dedupe_one, &r);
	if (r.err.code)
		ui_error(ui, &r.err);
	else if (!questions)
		ui_msg(ui, SLOT_MSG_INFO, "no question has several rows of yours on this trace");
	else
		ui_msg(ui, SLOT_MSG_OK, "kept the newest: %zu duplicate row%s of yours deleted "
		       "(u brings them back)", r.deleted, r.deleted == 1 ? "" : "s");
	if (r.deleted) {
		ui->progress_dirty = true;
		views_changed(ui, trace);
	}
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
	if (res.queued && !res.saving)
		ui_msg(ui, SLOT_PENDING, "%s: %s on %s: not written, pending (%s)",
		       redo ? "redo" : "undo", res.name ? res.name : "?", id,
		       res.error ? res.error : "error");
	else
		ui_msg(ui, SLOT_MSG_OK, "%s: %s on %s", redo ? "redone" : "undone",
		       res.name ? res.name : "?", id);
	progress_step(ui, res.trace_id, res.name, row_change(&res, !redo));
	views_changed(ui, res.trace_id);
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
	if (ls && !target_allowed(ui, ls, &t))
		return EFF_HANDLED | EFF_REDRAW;
	flow_reset(f);
	f->trace_id = xstrdup(t.trace_id);
	f->span_id = xstrdup_or_null(t.span_id);
	f->span_name = xstrdup_or_null(t.span_name);
	f->name = xstrdup(last->name);
	f->value = xstrdup(last->value_text);
	f->type = (int)last->type;
	f->instructions = ls ? ls->instructions : NULL;
	f->rationale = ls ? (int)ls->rationale : RATIONALE_OPTIONAL;
	return after_value(ui);
}

static unsigned next_unlabelled(struct ui *ui, int dir)
{
	const struct view_ops *top = ui_top(ui)->ops;
	const struct trace_row *sel;
	bool found, wrapped;
	struct label_target t;
	struct err err;

	if (top != &list_view_ops && top != &trace_view_ops) {
		ui_msg(ui, SLOT_MSG_INFO, "jumps to unlabelled traces work in the list and a trace");
		return EFF_HANDLED | EFF_REDRAW;
	}
	/* From a trace: from the list's row of that trace. */
	if (top == &trace_view_ops && target_of(ui, &t) &&
	    (!(sel = tlist_selected(&ui->list.tl)) || strcmp(sel->id, t.trace_id) != 0)) {
		ui_msg(ui, SLOT_MSG_INFO, "this trace is not in the list");
		return EFF_HANDLED | EFF_REDRAW;
	}
	err_clear(&err);
	if (find_unlabelled(ui, NULL, dir, true, &found, &wrapped, &err) < 0) {
		ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	}
	if (!found) {
		ui_msg(ui, SLOT_MSG_OK, "no other trace here lacks my labels");
		return EFF_HANDLED | EFF_REDRAW;
	}
	if (wrapped)
		ui_msg(ui, SLOT_MSG_INFO, "wrapped around");
	if (top == &trace_view_ops && (sel = tlist_selected(&ui->list.tl))) {
		char *id = xstrdup(sel->id);

		if (ui_open_trace(ui, id, &err) < 0)
			ui_error(ui, &err);
		free(id);
	}
	return EFF_HANDLED | EFF_REDRAW;
}

/* ---- pending labels ------------------------------------------------------- */

/* Copies of the trace ids with pending operations (one each, in order). */
static size_t pending_traces(struct ui *ui, char ***out)
{
	size_t i, j, n = labeler_pending_count(ui->lb), k = 0;
	char **v = xcalloc(n ? n : 1, sizeof *v);

	for (i = 0; i < n; i++) {
		const char *id = labeler_pending_at(ui->lb, i)->trace_id;

		for (j = 0; j < k && strcmp(v[j], id) != 0; j++)
			;
		if (j == k)
			v[k++] = xstrdup(id);
	}
	*out = v;
	return k;
}

/* The rows and views of these traces read again (and frees ids); written:
 * the store changed, so the progress is counted again. */
static void traces_changed(struct ui *ui, char **ids, size_t n, bool written)
{
	size_t i;

	for (i = 0; i < n; i++) {
		views_changed(ui, ids[i]);
		free(ids[i]);
	}
	free(ids);
	if (written)
		ui->progress_dirty = true;
}

/* Writes the pending labels; true when none remain. */
static bool retry_pending(struct ui *ui)
{
	size_t written = 0, left, n;
	char **ids;
	struct err err;
	int rc;

	if (!labeler_pending_count(ui->lb)) {
		ui_msg(ui, SLOT_MSG_INFO, "nothing pending");
		return true;
	}
	n = pending_traces(ui, &ids);
	err_clear(&err);
	rc = labeler_retry(ui->lb, &written, &err);
	traces_changed(ui, ids, n, written > 0);
	left = labeler_pending_count(ui->lb);
	if (ui->w && left) {
		ui_msg(ui, SLOT_PENDING, "writing %zu pending label%s", left, left == 1 ? "" : "s");
		return false;
	}
	if (rc == 0)
		ui_msg(ui, SLOT_MSG_OK, "%zu pending label%s written", written,
		       written == 1 ? "" : "s");
	else
		ui_msg(ui, SLOT_PENDING, "%zu written, %zu still pending: %s", written, left,
		       err.msg);
	return left == 0;
}

static void discard_pending(struct ui *ui)
{
	size_t n = labeler_pending_count(ui->lb), nt;
	char **ids;

	nt = pending_traces(ui, &ids);
	labeler_discard_all(ui->lb);
	traces_changed(ui, ids, nt, false);
	ui_msg(ui, SLOT_MSG_OK, "%zu pending label%s discarded", n, n == 1 ? "" : "s");
}

/* "W" for the retry key in the questions ("" when unbound). */
static void pending_keys(const struct ui *ui, struct strbuf *retry, struct strbuf *discard)
{
	ui_keys_text(ui, "global", ACT_RETRY_PENDING, retry, 1);
	if (discard)
		ui_keys_text(ui, "global", ACT_DISCARD_PENDING, discard, 1);
}

static bool all_journalled(const struct ui *ui)
{
	size_t i, n = labeler_pending_count(ui->lb);

	for (i = 0; i < n; i++)
		if (!labeler_pending_at(ui->lb, i)->journalled)
			return false;
	return n > 0;
}

static void ask_pending(struct ui *ui, enum label_stage stage)
{
	size_t n = labeler_pending_count(ui->lb);
	struct strbuf q = STRBUF_INIT, r = STRBUF_INIT;

	flow_reset(&ui->lab);
	ui->lab.stage = stage;
	pending_keys(ui, &r, NULL);
	if (all_journalled(ui))
		sb_addf(&q, "%zu label%s not written yet (kept in the journal for the next start): ",
			n, n == 1 ? "" : "s");
	else
		sb_addf(&q, "%zu label%s not written yet will be lost: ", n, n == 1 ? "" : "s");
	if (stage == LS_ASK_QUIT) {
		if (r.len)
			sb_addf(&q, "%s retry first, ", sb_str(&r));
		sb_adds(&q, "y quit anyway, n stay ");
	} else {
		sb_adds(&q, "discard them? (y/n) ");
	}
	ui_prompt_open(ui, PROMPT_CONFIRM, sb_str(&q), "");
	sb_free(&q);
	sb_free(&r);
}

bool ui_label_may_quit(struct ui *ui)
{
	size_t i;
	bool fresh = false;

	if (!ui->lb || !labeler_pending_count(ui->lb))
		return true;
	/* A label or undo given just before q is being written: let it land
	 * (bounded) rather than ask about it. */
	for (i = 0; ui->w && i < labeler_pending_count(ui->lb); i++)
		fresh |= labeler_pending_at(ui->lb, i)->code == ERR_NONE;
	if (fresh && labeler_flush(ui->lb, LAST_TRY_MS) == 0)
		return true;
	ask_pending(ui, LS_ASK_QUIT);
	return false;
}

static unsigned answer_pending(struct ui *ui, int answer)
{
	enum label_stage stage = ui->lab.stage;

	flow_reset(&ui->lab);
	if (stage == LS_ASK_QUIT) {
		if (answer == 1)
			return EFF_HANDLED | EFF_QUIT;
		if (answer == 2 && retry_pending(ui))
			return EFF_HANDLED | EFF_QUIT;
		if (answer != 2)
			ui_msg(ui, SLOT_MSG_INFO, "not quitting: labels still pending");
		return EFF_HANDLED | EFF_REDRAW;
	}
	if (answer == 1)
		discard_pending(ui);
	else
		ui_msg(ui, SLOT_MSG_INFO, "pending labels kept");
	return EFF_HANDLED | EFF_REDRAW;
}

bool ui_label_pending_on(const struct ui *ui, const char *trace_id, const char *name)
{
	size_t i, n = ui->lb ? labeler_pending_count(ui->lb) : 0;

	for (i = 0; i < n; i++) {
		const struct label_pending *p = labeler_pending_at(ui->lb, i);

		if (str_eq(p->trace_id, trace_id) && (!name || str_eq(p->name, name)))
			return true;
	}
	return false;
}

void ui_label_pending_lines(const struct ui *ui, const char *trace_id, struct textbuf *tb,
			    int width)
{
	size_t i, n = ui->lb ? labeler_pending_count(ui->lb) : 0, shown = 0;
	struct tb_line *l;

	for (i = 0; i < n; i++) {
		const struct label_pending *p = labeler_pending_at(ui->lb, i);
		char *v;

		if (!str_eq(p->trace_id, trace_id))
			continue;
		if (!shown++) {
			struct strbuf r = STRBUF_INIT, d = STRBUF_INIT, h = STRBUF_INIT;

			pending_keys(ui, &r, &d);
			sb_adds(&h, " Not written yet (pending)");
			if (r.len)
				sb_addf(&h, " — %s retry", sb_str(&r));
			if (d.len)
				sb_addf(&h, ", %s discard", sb_str(&d));
			l = tb_newline(tb);
			tb_line_put_fit(l, SLOT_PENDING, sb_str(&h), width);
			sb_free(&r);
			sb_free(&d);
			sb_free(&h);
		}
		l = tb_newline(tb);
		tb_line_put(l, SLOT_PENDING, " ◌ ", strlen(" ◌ "));
		if (p->op >= LABEL_OP_ROW_DELETE) {
			tb_line_put(l, SLOT_PENDING, journal_action_name(p->why),
				    strlen(journal_action_name(p->why)));
			tb_line_put(l, SLOT_PENDING, " ", 1);
		} else if (p->op == LABEL_OP_RATIONALE)
			tb_line_put(l, SLOT_PENDING, "rationale of ", 13);
		else if (p->op == LABEL_OP_DELETE)
			tb_line_put(l, SLOT_PENDING, "delete ", 7);
		tb_line_put_untrusted_fit(l, SLOT_NAME, p->name, strlen(p->name), 30, true);
		if (p->op == LABEL_OP_SET && p->value) {
			v = shown_value(p->value);
			tb_line_put(l, SLOT_DIM, " = ", 3);
			tb_line_put_untrusted_fit(l, SLOT_PENDING, v, strlen(v), 30, true);
			free(v);
		}
		if (p->span_id) {
			tb_line_put(l, SLOT_DIM, "  span ", 7);
			tb_line_put_untrusted_fit(l, SLOT_ID, p->span_id, strlen(p->span_id), 20,
						  true);
		}
		if (p->error) {
			l = tb_newline(tb);
			tb_line_pad(l, SLOT_DEFAULT, 4);
			tb_line_put_untrusted_fit(l, SLOT_MSG_ERROR, p->error, strlen(p->error),
						  width > 8 ? width - 5 : 3, true);
		}
	}
}

void ui_label_report_unwritten(const struct ui *ui)
{
	size_t i, n = ui->lb ? labeler_pending_count(ui->lb) : 0;

	/* After a hang-up the terminal is gone: the journal keeps them. */
	if (!n || (term_signalled() == SIGHUP && all_journalled(ui)))
		return;
	for (i = 0; i < n; i++) {
		const struct label_pending *p = labeler_pending_at(ui->lb, i);
		struct strbuf sb = STRBUF_INIT;
		char *safe;

		if (p->op == LABEL_OP_SET)
			sb_addf(&sb, "%s = %s", p->name, p->value ? p->value : "?");
		else if (p->op >= LABEL_OP_ROW_DELETE)
			sb_addf(&sb, "%s %s", journal_action_name(p->why), p->name);
		else
			sb_addf(&sb, "%s %s", p->op == LABEL_OP_DELETE ? "delete" : "rationale of",
				p->name);
		sb_addf(&sb, " on %s", p->trace_id);
		if (p->span_id)
			sb_addf(&sb, " span %s", p->span_id);
		if (p->error)
			sb_addf(&sb, " (%s)", p->error);
		safe = sanitize_dup(sb_str(&sb), sb.len);
		fprintf(stderr, "tracelab: label not written: %s\n", safe);
		free(safe);
		sb_free(&sb);
	}
	if (all_journalled(ui)) {
		char *safe = sanitize_dup(journal_path(ui->jr), strlen(journal_path(ui->jr)));

		fprintf(stderr, "tracelab: %zu label%s kept in the journal %s: written at the next "
			"start, or with `tracelab pending --retry`\n", n, n == 1 ? "" : "s", safe);
		free(safe);
	}
}

const char *ui_label_instructions(const struct ui *ui)
{
	const struct label_flow *f = &ui->lab;

	if (f->stage != LS_CONFIRM && f->stage != LS_RATIONALE && f->stage != LS_EDIT_RATIONALE)
		return NULL;
	return f->instructions && *f->instructions ? f->instructions : NULL;
}

static unsigned open_form(struct ui *ui)
{
	struct label_target t;
	struct err err;
	char *id;

	if (!target_of(ui, &t))
		return EFF_HANDLED | EFF_REDRAW;
	err_clear(&err);
	id = xstrdup(t.trace_id);
	if (ui_open_form(ui, id, &err) < 0)
		ui_error(ui, &err);
	free(id);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned toggle_blind(struct ui *ui)
{
	struct label_target t;
	struct view *v = ui_top(ui);

	ui->blind = !ui->blind;
	memset(&t, 0, sizeof t);
	if (v->ops->target && v->ops->target(v, ui, &t) && t.trace_id) {
		char *id = xstrdup(t.trace_id);

		views_changed(ui, id);
		free(id);
	}
	ui_msg(ui, SLOT_MSG_OK, "blind: %s", ui->blind ? "on: others' answers hidden until you "
	       "answer" : "off");
	return EFF_HANDLED | EFF_REDRAW;
}

unsigned ui_label_action(struct ui *ui, enum action a)
{
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
	case ACT_DEDUPE:
		return dedupe(ui);
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
	case ACT_FORM:
		return open_form(ui);
	case ACT_TOGGLE_BLIND:
		return toggle_blind(ui);
	case ACT_TOGGLE_TARGET:
		/* The trace view handles it; elsewhere labels go to traces. */
		ui_msg(ui, SLOT_MSG_INFO, "labels here go to the trace: open it to label a span");
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_RETRY_PENDING:
		retry_pending(ui);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_DISCARD_PENDING:
		if (!labeler_pending_count(ui->lb))
			ui_msg(ui, SLOT_MSG_INFO, "nothing pending");
		else
			ask_pending(ui, LS_ASK_DISCARD);
		return EFF_HANDLED | EFF_REDRAW;
	default:
		return EFF_UNHANDLED;
	}
}

/* ---- the journal and the worker ------------------------------------------- */

/* A background write ended: what it did, as a label key would say it. */
static void written(void *ctx, const struct label_result *r)
{
	struct ui *ui = ctx;
	struct err err;

	struct strbuf sb = STRBUF_INIT;
	char *what;

	err_clear(&err);
	if (r->failed || r->op >= LABEL_OP_ROW_DELETE) {
		/* undo, redo, dedupe: said when asked for; only trouble is news */
		char id[32];

		short_id(id, sizeof id, r->trace_id);
		if (r->failed)
			ui_msg(ui, SLOT_MSG_ERROR, "not written, dropped: %s on %s: %s",
			       r->name ? r->name : "?", id, r->error ? r->error : "error");
		else if (r->queued)
			ui_msg(ui, SLOT_PENDING, "%s on %s: not written, pending (%s)",
			       r->name ? r->name : "?", id, r->error ? r->error : "error");
		ui->progress_dirty = true;
		views_changed(ui, r->trace_id);
		return;
	}
	sb_adds(&sb, "saving ");
	describe(&sb, r);
	what = sanitize_dup(sb.buf, sb.len);
	if (labeler_journal_error(ui->lb, &err)) {
		ui_msg(ui, SLOT_MSG_ERROR, "label journal: %s", err.msg);
	} else if (r->undone) {
		/* u was pressed while it was being written: say the undo, which
		 * is what the store now holds */
		char id[32];

		short_id(id, sizeof id, r->trace_id);
		ui_msg(ui, SLOT_MSG_OK, "undone: %s on %s", r->name ? r->name : "?", id);
	} else if (r->queued) {
		report(ui, r, NULL);
	} else if (ui->msg && str_starts(ui->msg, what)) {
		/* "saving quality = 4 on tr-… span X" is now written */
		char *done = xstrdup(ui->msg + strlen("saving "));

		if (r->op == LABEL_OP_SET && r->kind != LABEL_CREATE)
			ui_msg(ui, SLOT_MSG_OK, "%s (%s)", done, kind_verb(r->kind));
		else
			ui_msg(ui, SLOT_MSG_OK, "%s", done);
		free(done);
	} else if (!ui->lab.stage && ui->prompt == PROMPT_NONE) {
		report(ui, r, NULL);
	}
	free(what);
	sb_free(&sb);
	if (!r->queued) {
		progress_step(ui, r->trace_id, r->name, row_change(r, false));
		ui->progress_dirty = true;
		ui_queue_written(ui, r);
	}
	views_changed(ui, r->trace_id);
}

void ui_label_start(struct ui *ui, int64_t exp_id)
{
	struct journal_entry *v = NULL;
	struct journal_report rep;
	struct err err;
	char *sid, exp[32];
	size_t n = 0;

	if (!ui->lb)
		return;
	err_clear(&err);
	snprintf(exp, sizeof exp, "%" PRId64, exp_id);
	sid = journal_store_id(ui->store_url);
	if (store_is_readonly(ui->st)) {
		/* nothing is written: labels given here stay in memory */
	} else if (journal_open(NULL, &ui->jr, &err) < 0) {
		ui_msg(ui, SLOT_MSG_ERROR, "label journal: %s (labels are kept in memory only)",
		       err.msg);
	} else {
		labeler_use_journal(ui->lb, ui->jr, sid, exp);
		if (journal_notice(ui->jr)[0])
			ui_msg(ui, SLOT_MSG_ERROR, "label journal: %s", journal_notice(ui->jr));
	}
	if (!ui->scripted && !store_is_readonly(ui->st) &&
	    worker_start(ui->store_url, 0, &ui->w, &err) == 0) {
		labeler_use_worker(ui->lb, ui->w);
		labeler_on_change(ui->lb, written, ui);
	}
	if (ui->jr && journal_pending(ui->jr, sid, JP_ADOPT, &v, &n, &rep, &err) == 0 && n) {
		size_t left;

		labeler_restore(ui->lb, v, n);
		if (!ui->w)
			labeler_retry(ui->lb, NULL, &err);
		left = labeler_pending_count(ui->lb);
		if (ui->w)
			ui_msg(ui, SLOT_PENDING, "%zu journalled label%s from an earlier run: writing "
			       "them", n, n == 1 ? "" : "s");
		else if (!left)
			ui_msg(ui, SLOT_MSG_OK, "%zu journalled label%s from an earlier run written",
			       n, n == 1 ? "" : "s");
		else
			ui_msg(ui, SLOT_PENDING, "%zu journalled label%s from an earlier run: %zu "
			       "still pending (%s)", n, n == 1 ? "" : "s", left, err.msg);
		ui->progress_dirty = true;
	}
	journal_entries_free(v, n);
	free(sid);
}

void ui_label_stop(struct ui *ui)
{
	if (!ui->lb || !ui->w)
		return;
	labeler_on_change(ui->lb, NULL, NULL);
	labeler_flush(ui->lb, LAST_TRY_MS);
	worker_close(ui->w);
	ui->w = NULL;
	labeler_use_worker(ui->lb, NULL);
}

int ui_label_fd(const struct ui *ui)
{
	return ui->w ? worker_fd(ui->w) : -1;
}

bool ui_label_collect(struct ui *ui)
{
	return ui->w && worker_collect(ui->w) > 0;
}

int ui_label_due(struct ui *ui)
{
	return ui->lb ? labeler_pump(ui->lb) : -1;
}

/* ---- status and idle work ------------------------------------------------ */

void ui_label_status(struct ui *ui, struct tb_line *l, int width, int msg_width)
{
	size_t pending = ui->lb ? labeler_pending_count(ui->lb) : 0;
	char buf[96], a[32], b[32];

	/* Time on item in the list: from the first frame with the row selected. */
	if (ui_top(ui)->ops == &list_view_ops && tlist_selected(&ui->list.tl))
		ui_label_item_opened(ui, tlist_selected(&ui->list.tl)->id);

	if (pending && width > 12) {
		const struct label_pending *p = labeler_pending_at(ui->lb, 0);
		struct strbuf r = STRBUF_INIT, d = STRBUF_INIT, tail = STRBUF_INIT;
		int used;

		/* "2 pending (database is locked) — W retry, Ctrl-x discard" */
		size_t i, loose = 0;

		for (i = 0; ui->jr && i < pending; i++)
			loose += !labeler_pending_at(ui->lb, i)->journalled;
		if (loose)
			snprintf(buf, sizeof buf, "%zu pending, %zu not journalled", pending, loose);
		else
			snprintf(buf, sizeof buf, "%zu pending", pending);
		used = tb_line_put_fit(l, SLOT_PENDING, buf, width);
		pending_keys(ui, &r, &d);
		if (r.len)
			sb_addf(&tail, " — %s retry", sb_str(&r));
		if (d.len)
			sb_addf(&tail, "%s %s discard", r.len ? "," : " —", sb_str(&d));
		sb_adds(&tail, " ");
		if (p && p->error && width - used > (int)tail.len + 8) {
			int room = width - used - text_width(sb_str(&tail), tail.len) - 3;

			used += tb_line_put_fit(l, SLOT_PENDING, " (", width - used);
			used += tb_line_put_untrusted_fit(l, SLOT_PENDING, p->error, strlen(p->error),
							  room > 32 ? 32 : room, true);
			used += tb_line_put_fit(l, SLOT_PENDING, ")", width - used);
		}
		used += tb_line_put_fit(l, SLOT_PENDING, sb_str(&tail), width - used);
		width -= used;
		sb_free(&r);
		sb_free(&d);
		sb_free(&tail);
	}
	if (width > 16) {
		struct view *v = ui_top(ui);
		struct label_target t;
		int used;

		memset(&t, 0, sizeof t);
		if (v->ops->target && v->ops->target(v, ui, &t) && t.trace_id) {
			/* Where the next label goes: "→ trace", "→ span get_invoice". */
			used = tb_line_put_fit(l, SLOT_STATUSBAR, t.span_id ? "→ span " : "→ trace",
					       width);
			if (t.span_id) {
				const char *n = t.span_name ? t.span_name : t.span_id;

				used += tb_line_put_untrusted_fit(l, SLOT_STATUSBAR, n, strlen(n),
								  width / 3 > 24 ? 24 : width / 3, true);
			}
			used += tb_line_put_fit(l, SLOT_STATUSBAR, "  ", width - used);
			width -= used;
		}
	}
	if (ui->progress_total > 0 && ui->progress_done >= 0 && width - msg_width > 30) {
		/* "complete 12 / 40 · correctness 15 · helpfulness 12" */
		struct strbuf sb = STRBUF_INIT;
		size_t i;

		fmt_count(a, sizeof a, ui->progress_done);
		fmt_count(b, sizeof b, ui->progress_total);
		sb_addf(&sb, "complete %s / %s", a, b);
		for (i = 0; ui->cfg && i < ui->nprogress_q && i < ui->cfg->nlabels; i++) {
			fmt_count(a, sizeof a, ui->progress_q[i]);
			sb_addf(&sb, " · %s %s", ui->cfg->labels[i].name, a);
		}
		sb_adds(&sb, "  ");
		tb_line_put_untrusted_fit(l, SLOT_STATUSBAR, sb_str(&sb), sb.len, width - msg_width,
					  false);
		sb_free(&sb);
	}
}

bool ui_label_busy(struct ui *ui)
{
	return ui->lb && ui->cfg && ui->cfg->nlabels && ui->progress_dirty &&
	       ui->list.loaded && ui->list.tl.total >= 0;
}

bool ui_label_idle(struct ui *ui)
{
	if (!ui_label_busy(ui))
		return false;
	ui->progress_dirty = false;
	/* Counted on the worker (facts.c); the figures shown stay until then. */
	return ui_progress_start(ui);
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
	bool queue;

	if (secs <= 0 || now < ui->next_check_ms)
		return false;
	ui->next_check_ms = now + (int64_t)secs * 1000;
	/* items of the queue other reviewers cleared leave the list */
	queue = ui_queue_tick(ui);
	err_clear(&err);
	if (store_assessments_stamp(ui->st, ui->list.exp_id, &stamp, &count, &err) < 0)
		return queue;
	if (ui->fb_stamp < 0) {
		ui->fb_stamp = stamp;
		ui->fb_count = count;
		return queue;
	}
	if (stamp == ui->fb_stamp && count == ui->fb_count)
		return queue;
	ui->fb_stamp = stamp;
	ui->fb_count = count;
	tcache_drop(&ui->tcache, NULL);  /* someone wrote: kept traces may be old */
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
