/*
 * The browser's loop: start-up (store, terminal, keys, theme, first
 * experiment), key dispatch through the keymap to the top view and then to
 * the global actions, the input line, the status bar, deferred work, the
 * scripted mode and shutdown.  The only place that draws.
 *
 * Over 1,000 lines: the loop and what it dispatches to (global actions,
 * the : commands, the input line, drawing, idle work) work on struct ui's
 * state together; views, labelling, keys and themes have their own files.
 */
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "core/filter.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "svc/label.h"
#include "svc/schemas.h"
#include "svc/worker.h"
#include "ui/app.h"
#include "ui/script.h"

/* How long a key that is both bound and the start of a longer binding
 * waits for the rest (Esc waits only term_esc_delay: it is also how Alt
 * arrives, and the rest of an Alt key is then already there). */
#define SEQ_TIMEOUT_MS 1000
/* Wake-ups while idle, to notice signals. */
#define IDLE_TICK_MS 500
/* Redraws of a search's progress line while it runs. */
#define SEARCH_TICK_MS 100
/* Keys handled before a draw when keys keep arriving. */
#define MAX_UNDRAWN 32

/* ---- messages ----------------------------------------------------------- */

void ui_msg(struct ui *ui, enum slot slot, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(ui->msg);
	ui->msg = sanitize_dup(raw, strlen(raw));
	ui->msg_slot = slot;
	free(raw);
}

/* The status line as a message sink, for the modules that report without
 * knowing the browser (keys, themes). */
static void say_to_ui(void *arg, enum slot slot, const char *text)
{
	ui_msg(arg, slot, "%s", text);
}

void ui_error(struct ui *ui, const struct err *err)
{
	ui_msg(ui, SLOT_MSG_ERROR, "%s", err->msg[0] ? err->msg : "error");
}

char *ui_step_trace(struct ui *ui, const char *shown, long delta)
{
	struct tlist *tl = &ui->list.tl;
	const struct trace_row *sel = tlist_selected(tl);
	size_t before = tl->sel;
	struct err err;

	err_clear(&err);
	if (!sel || strcmp(sel->id, shown) != 0) {
		ui_msg(ui, SLOT_MSG_INFO, "this trace is not in the list");
		return NULL;
	}
	if (tlist_move(tl, delta, &err) < 0) {
		ui_error(ui, &err);
		return NULL;
	}
	sel = tlist_selected(tl);
	if (!sel || (tl->sel == before && strcmp(sel->id, shown) == 0)) {
		ui_msg(ui, SLOT_MSG_INFO, delta > 0 ? "last trace" : "first trace");
		return NULL;
	}
	return xstrdup(sel->id);
}

/* ---- views -------------------------------------------------------------- */

struct view *ui_top(const struct ui *ui)
{
	return ui->nviews ? ui->views[ui->nviews - 1] : NULL;
}

int ui_push(struct ui *ui, const struct view_ops *ops, void *arg, struct err *err)
{
	struct view *v = xcalloc(1, sizeof *v);

	v->ops = ops;
	v->priv = arg;
	if (ops->open && ops->open(v, ui, err) < 0) {
		free(v);
		return -1;
	}
	GROW(ui->views, ui->capviews, ui->nviews + 1);
	ui->views[ui->nviews++] = v;
	return 0;
}

static void pop_view(struct ui *ui)
{
	struct view *v;

	if (!ui->nviews)
		return;
	v = ui->views[--ui->nviews];
	if (v->ops->close)
		v->ops->close(v, ui);
	free(v);
}

void ui_close_top(struct ui *ui)
{
	if (ui->nviews > 1)
		pop_view(ui);
}

/* Replaces the views above the list (a trace view, a form) rather than
 * stacking them. */
static int open_on_list(struct ui *ui, const struct view_ops *ops, const char *trace_id,
			struct err *err)
{
	struct view *top = ui_top(ui);

	while (top && top->ops != &list_view_ops) {
		pop_view(ui);
		top = ui_top(ui);
	}
	return ui_push(ui, ops, xstrdup(trace_id), err);
}

int ui_open_trace(struct ui *ui, const char *trace_id, struct err *err)
{
	return open_on_list(ui, &trace_view_ops, trace_id, err);
}

int ui_open_trace_at(struct ui *ui, const char *trace_id, const char *span_id,
		     struct err *err)
{
	if (ui_push(ui, &trace_view_ops, xstrdup(trace_id), err) < 0)
		return -1;
	ui_trace_select_span(ui_top(ui), span_id);
	return 0;
}

int ui_open_form(struct ui *ui, const char *trace_id, struct err *err)
{
	return open_on_list(ui, &form_view_ops, trace_id, err);
}

/* ---- keys for help and hints -------------------------------------------- */

void ui_keys_text(const struct ui *ui, const char *ctx, enum action a, struct strbuf *out,
		  size_t max)
{
	ui_keys_names(ui->keys, ctx, a, out, max);
}

void ui_hint(const struct ui *ui, const char *ctx, enum action a, const char *label,
	     struct strbuf *out)
{
	ui_keys_hint(ui->keys, ctx, a, label, out);
}

/* ---- the trace list's settings -------------------------------------------- */

static void free_names(struct list_state *ls)
{
	size_t i;

	for (i = 0; i < ls->nfb; i++)
		free(ls->fb_names[i]);
	free(ls->fb_names);
	ls->fb_names = NULL;
	ls->nfb = ls->capfb = 0;
}

/* Where a name goes among the columns: the configured labels first, in
 * their order, then the others by name. */
static size_t name_rank(const struct list_state *ls, const char *name)
{
	size_t i;

	for (i = 0; ls->schema && ls->schema[i]; i++)
		if (strcmp(ls->schema[i], name) == 0)
			return i;
	return (size_t)-1;
}

static int name_cmp(const struct list_state *ls, const char *a, const char *b)
{
	size_t ra = name_rank(ls, a), rb = name_rank(ls, b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(a, b);
}

void ui_names_add(struct list_state *ls, const char *name)
{
	size_t lo = 0, hi = ls->nfb;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = name_cmp(ls, ls->fb_names[mid], name);

		if (c == 0)
			return;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	GROW(ls->fb_names, ls->capfb, ls->nfb + 1);
	memmove(ls->fb_names + lo + 1, ls->fb_names + lo, (ls->nfb - lo) * sizeof *ls->fb_names);
	ls->fb_names[lo] = xstrdup(name);
	ls->nfb++;
}

/* What "unlabelled" means: not complete, the configured labels being the
 * questions (with none configured: no feedback of mine at all); and the
 * order of the columns. */
static void set_questions(struct ui *ui)
{
	struct list_state *ls = &ui->list;
	size_t i, n = ui->cfg ? ui->cfg->nlabels : 0;

	FREE(ls->questions);
	FREE(ls->schema);
	if (!n)
		return;
	ls->questions = xcalloc(n + 1, sizeof *ls->questions);
	ls->schema = xcalloc(n + 1, sizeof *ls->schema);
	for (i = 0; i < n; i++) {
		const struct label_schema *l = &ui->cfg->labels[i];

		ls->questions[i].name = l->name;
		ls->questions[i].target = l->target;
		ls->questions[i].required = l->required;
		ls->questions[i].expectation = l->expectation;
		ls->schema[i] = l->name;
	}
}

static void sync_req(struct ui *ui)
{
	struct list_state *ls = &ui->list;
	struct page_req *r = &ls->tl.req;

	memset(r, 0, sizeof *r);
	r->experiment_id = ls->exp_id;
	r->sort = ls->sort;
	r->ascending = ls->ascending;
	r->me = ui->me;
	r->filter = ui_queue_filter(ui);
	r->queue_id = ls->queue ? ls->queue->queue_id : NULL;
	r->quick = ls->quick;
	r->questions = ls->questions;
}

int ui_list_reload(struct ui *ui, struct err *err)
{
	int rc;

	/* A search of the list as it was is of no use now. */
	ui->list.gen++;
	ui_search_cancel(ui, false);
	sync_req(ui);
	rc = tlist_reload(&ui->list.tl, err);
	ui->list.loaded = rc == 0;
	ui->progress_dirty = true;  /* labelled / total of the new list */
	return rc;
}

static int load_experiment(struct ui *ui, int64_t id, struct err *err)
{
	struct list_state *ls = &ui->list;
	struct experiment_list el;
	size_t i;

	memset(&el, 0, sizeof el);
	if (store_list_experiments(ui->st, &el, err) < 0)
		return -1;
	free(ls->exp_name);
	ls->exp_name = NULL;
	for (i = 0; i < el.n; i++)
		if (el.v[i].id == id)
			ls->exp_name = xstrdup_or_null(el.v[i].name);
	experiment_list_free(&el);
	if (!ls->exp_name)
		ls->exp_name = xasprintf("%" PRId64, id);
	ls->exp_id = id;
	free_names(ls);
	set_questions(ui);
	/* The feedback names (columns) cost a scan of the experiment's
	 * feedback: the rows read bring theirs at once, the whole list comes
	 * when idle (on stores small enough for the scan to be quick). */
	ls->names_pending = true;
	ui_label_baseline(ui);
	ui->progress_dirty = true;
	return ui_list_reload(ui, err);
}

static void check_label_keys(struct ui *ui, struct config *cfg);

void ui_apply_schemas(struct ui *ui, int64_t exp, const char *const *ids, size_t nids,
		      bool early)
{
	const struct review_queue *q = ui->list.queue;
	struct config *cfg = ui->args->config ? ui->args->config : ui->own_cfg;
	struct diag_list diags;
	struct err err;
	const char **names = NULL;
	size_t n, applied = 0;

	if (!cfg)
		return;
	memset(&diags, 0, sizeof diags);
	err_clear(&err);
	/* a custom review queue asks its own schemas (svc/schemas.h) */
	if (!ids && q && q->experiment_id == exp && q->nschemas) {
		ids = (const char *const *)q->schema_ids;
		nids = q->nschemas;
	}
	if (schemas_apply(cfg, ui->st, exp, ids, nids, ui->keys ? ui_keys_keymap(ui->keys) : NULL,
			  &applied, &diags, &err) < 0)
		ui_msg(ui, SLOT_MSG_ERROR, "label schemas: %s", err.msg);
	if (diags.n) {
		if (early)
			diag_print(&diags, stderr, "tracelab");
		ui_msg(ui, SLOT_MSG_ERROR, "%s%s", diags.v[0].msg, diags.n > 1 ? " (and more)" : "");
	}
	diag_list_free(&diags);
	n = schemas_expectations(cfg, &names);
	if (ui->lb)
		labeler_expectations(ui->lb, names, n);
	free(names);
	if (!early) {
		check_label_keys(ui, cfg);
		set_questions(ui);
		ui->progress_dirty = true;
	}
}

void ui_queue_questions(struct ui *ui)
{
	ui_apply_schemas(ui, ui->list.exp_id, NULL, 0, false);
}

int ui_set_experiment(struct ui *ui, const char *id_or_name, struct err *err)
{
	int64_t id;

	if (store_find_experiment(ui->st, id_or_name, &id, err) < 0)
		return -1;
	ui_apply_schemas(ui, id, NULL, 0, false);
	return load_experiment(ui, id, err);
}

/* With no experiment named: the first active one that has traces. */
static int pick_experiment(struct ui *ui, int64_t *out, struct err *err)
{
	struct experiment_list el;
	size_t i;
	int rc = -1;

	memset(&el, 0, sizeof el);
	if (store_list_experiments(ui->st, &el, err) < 0)
		return -1;
	*out = el.n ? el.v[0].id : 0;
	for (i = 0; i < el.n; i++) {
		struct page_req req;
		struct trace_page p;

		if (el.v[i].lifecycle_stage && strcmp(el.v[i].lifecycle_stage, "active") != 0)
			continue;
		memset(&req, 0, sizeof req);
		memset(&p, 0, sizeof p);
		req.experiment_id = el.v[i].id;
		req.limit = 1;
		if (store_page_traces(ui->st, &req, &p, err) < 0)
			goto out;
		if (p.n) {
			trace_page_free(&p);
			*out = el.v[i].id;
			break;
		}
		trace_page_free(&p);
	}
	rc = 0;
out:
	experiment_list_free(&el);
	return rc;
}

/* ---- the input line ----------------------------------------------------- */

void ui_prompt_open(struct ui *ui, enum prompt_kind kind, const char *lead,
		    const char *initial)
{
	struct le_history *h;

	switch (kind) {
	case PROMPT_SEARCH: h = &ui->hist_search; break;
	case PROMPT_FILTER: h = &ui->hist_filter; break;
	case PROMPT_RATIONALE: h = &ui->hist_rationale; break;
	case PROMPT_VALUE: h = &ui->hist_value; break;
	case PROMPT_CONFIRM: h = NULL; break;
	default: h = &ui->hist_cmd; break;
	}
	if (!lead)
		lead = kind == PROMPT_SEARCH ? "/" : kind == PROMPT_FILTER ? "filter: " : ":";
	le_free(&ui->le);
	le_init(&ui->le, initial, h);
	free(ui->prompt_lead);
	ui->prompt_lead = xstrdup(lead);
	ui->prompt = kind;
}

static void prompt_close(struct ui *ui)
{
	enum prompt_kind kind = ui->prompt;

	ui->prompt = PROMPT_NONE;
	le_free(&ui->le);
	FREE(ui->prompt_lead);
	if (kind == PROMPT_VALUE || kind == PROMPT_RATIONALE || kind == PROMPT_CONFIRM)
		ui_label_cancel(ui);
}

static unsigned apply_effects(struct ui *ui, unsigned eff);

static unsigned run_search(struct ui *ui, const char *text, int dir)
{
	struct view *v = ui_top(ui);

	if (!v->ops->search) {
		ui_msg(ui, SLOT_MSG_INFO, "no search here");
		return EFF_HANDLED;
	}
	if (!text || !*text) {
		ui_msg(ui, SLOT_MSG_INFO, "no previous search (/ to search)");
		return EFF_HANDLED;
	}
	return v->ops->search(v, ui, text, dir);
}

static int set_filter(struct ui *ui, const char *text, struct err *err)
{
	char *old = ui->list.filter;

	ui->list.filter = text && *text ? xstrdup(text) : NULL;
	if (ui_list_reload(ui, err) < 0) {
		struct err e2;

		ui_queue_free(ui);
	free(ui->list.filter);
		ui->list.filter = old;
		ui_list_reload(ui, &e2);
		return -1;
	}
	free(old);
	return 0;
}

static unsigned prompt_accept(struct ui *ui)
{
	enum prompt_kind kind = ui->prompt;
	char *text = xstrdup(le_text(&ui->le));
	unsigned eff = EFF_HANDLED | EFF_REDRAW;
	struct err err;

	if (ui->le.hist)
		le_history_add(ui->le.hist, text);
	/* Close the line without cancelling what it was for. */
	ui->prompt = PROMPT_NONE;
	le_free(&ui->le);
	FREE(ui->prompt_lead);
	switch (kind) {
	case PROMPT_VALUE:
	case PROMPT_RATIONALE:
		eff |= ui_label_accept(ui, kind, text);
		break;
	case PROMPT_CONFIRM:
		break;
	case PROMPT_COMMAND:
		eff |= ui_command(ui, text);
		break;
	case PROMPT_SEARCH:
		if (*text) {
			free(ui->search);
			ui->search = xstrdup(text);
		}
		eff |= run_search(ui, ui->search, 0);
		break;
	case PROMPT_FILTER:
		err_clear(&err);
		if (set_filter(ui, text, &err) < 0)
			ui_msg(ui, SLOT_MSG_ERROR, "filter: %s", err.msg);
		else if (*text)
			ui_msg(ui, SLOT_MSG_OK, "filter: %s", text);
		else
			ui_msg(ui, SLOT_MSG_OK, "filter cleared");
		break;
	case PROMPT_NONE:
		break;
	}
	free(text);
	return eff;
}

static unsigned prompt_key(struct ui *ui, int key)
{
	enum action a = ACT_NONE;
	int r;
	struct err err;
	char *edited = NULL;

	if (ui->prompt == PROMPT_CONFIRM) {
		int answer = key == 'y' || key == 'Y' ? 1 : key == 'n' || key == 'N' ? 0 :
			     key == TBK_ESC || key == 'q' || key == 3 ? -1 : -2;

		/* Before quitting with labels pending, the retry key answers too. */
		if (answer == -2 && ui->lab.stage == LS_ASK_QUIT &&
		    (ui_keys_lookup(ui->keys, "global", &key, 1, &a) & KB_MATCH) &&
		    a == ACT_RETRY_PENDING)
			answer = 2;

		if (answer == -2)
			return EFF_HANDLED;
		ui->prompt = PROMPT_NONE;
		le_free(&ui->le);
		FREE(ui->prompt_lead);
		return ui_label_answer(ui, answer) | EFF_REDRAW;
	}
	if (key >= 0x20 && key < TBK_BASE_ && key != 0x7f && ui->nseq == 0) {
		le_insert_cp(&ui->le, (uint32_t)key);
		return EFF_HANDLED | EFF_REDRAW;
	}
	ui->seq[ui->nseq++] = key;
	r = ui_keys_lookup(ui->keys, "editor", ui->seq, ui->nseq, &a);
	if ((r & KB_PREFIX) && ui->nseq < KEYSEQ_MAX)
		return EFF_HANDLED;
	ui->nseq = 0;
	if (!(r & KB_MATCH))
		return EFF_HANDLED;
	switch (le_action(&ui->le, a)) {
	case LE_ACCEPT:
		return prompt_accept(ui);
	case LE_CANCEL:
		prompt_close(ui);
		return EFF_HANDLED | EFF_REDRAW;
	case LE_EXTERNAL:
		err_clear(&err);
		if (term_edit_external(ui->term, le_text(&ui->le), &edited, &err) < 0) {
			ui_error(ui, &err);
		} else {
			le_set(&ui->le, "");
			le_insert_text(&ui->le, edited, strlen(edited));
			free(edited);
		}
		return EFF_HANDLED | EFF_REDRAW;
	default:
		return EFF_HANDLED | EFF_REDRAW;
	}
}

/* ---- global actions ----------------------------------------------------- */

static const char *const sort_names[] = { "time", "duration", "status", "name", "queue" };

static unsigned reload_list(struct ui *ui)
{
	struct err err;

	err_clear(&err);
	if (ui_list_reload(ui, &err) < 0)
		ui_error(ui, &err);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned toggle_quick(struct ui *ui, unsigned bit, const char *what)
{
	struct err err;

	err_clear(&err);
	ui->list.quick ^= bit;
	ui_msg(ui, SLOT_MSG_OK, "%s: %s", what, ui->list.quick & bit ? "on" : "off");
	return reload_list(ui);
}

/* Applies a theme (NULL: --theme, else the configured one, else dark). */
static int set_theme(struct ui *ui, const char *name, struct err *err)
{
	const struct msg_sink msgs = { say_to_ui, ui };

	if (!name)
		name = ui->args->theme ? ui->args->theme :
		       ui->cfg && ui->cfg->theme ? ui->cfg->theme : "dark";
	return ui_look_set(&ui->look, ui->term, name, &msgs, err);
}

/* Switches to theme name (NULL or "": the next one) and says so. */
static unsigned switch_theme(struct ui *ui, const char *name)
{
	struct err err;
	char *next = name && *name ? NULL : ui_look_next(ui->look);

	err_clear(&err);
	if (set_theme(ui, next ? next : name, &err) < 0)
		ui_error(ui, &err);
	else
		ui_msg(ui, SLOT_MSG_OK, "theme: %s", term_theme_name(ui->term));
	free(next);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned snapshot(struct ui *ui, const char *path);

static unsigned global_action(struct ui *ui, enum action a)
{
	struct err err;

	err_clear(&err);
	switch (a) {
	case ACT_QUIT:
		if (!ui_label_may_quit(ui))
			return EFF_HANDLED | EFF_REDRAW;
		return EFF_QUIT;
	case ACT_BACK:
		if (ui->nviews > 1)
			return EFF_HANDLED | EFF_CLOSE;
		return EFF_HANDLED;
	case ACT_HELP:
		if (ui_top(ui)->ops == &help_view_ops)
			return EFF_HANDLED | EFF_CLOSE;
		if (ui_push(ui, &help_view_ops, NULL, &err) < 0)
			ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_QUEUES:
	case ACT_DECLINE_ITEM:
		return ui_queue_action(ui, a);
	case ACT_EXPERIMENTS:
		if (ui_top(ui)->ops == &exps_view_ops)
			return EFF_HANDLED;
		if (ui_push(ui, &exps_view_ops, NULL, &err) < 0)
			ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_AGREEMENT:
		if (ui_push(ui, &agree_view_ops, NULL, &err) < 0)
			ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_SPANS:
		if (ui_open_spans(ui, ui_spans_filter_of(ui), &err) < 0)
			ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_COMMAND:
		ui_prompt_open(ui, PROMPT_COMMAND, NULL, "");
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_SEARCH:
		ui_prompt_open(ui, PROMPT_SEARCH, NULL, "");
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_SEARCH_NEXT:
		return run_search(ui, ui->search, 1) | EFF_REDRAW;
	case ACT_SEARCH_PREV:
		return run_search(ui, ui->search, -1) | EFF_REDRAW;
	case ACT_FILTER:
		ui_prompt_open(ui, PROMPT_FILTER, NULL, ui->list.filter ? ui->list.filter : "");
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_CLEAR_FILTER:
		FREE(ui->list.filter);
		ui->list.quick = 0;
		ui_msg(ui, SLOT_MSG_OK, "filters cleared");
		return reload_list(ui);
	case ACT_TOGGLE_ERRORS:
		return toggle_quick(ui, QF_ERRORS, "errors only");
	case ACT_TOGGLE_UNLABELLED:
		return toggle_quick(ui, QF_UNLABELLED, "unlabelled only");
	case ACT_TOGGLE_JUDGED:
		return toggle_quick(ui, QF_HAS_JUDGE, "judged only");
	case ACT_TOGGLE_DISAGREE:
		return toggle_quick(ui, QF_DISAGREE, "disagreements only");
	case ACT_CYCLE_SORT:
		ui->list.sort = (enum sort_key)((ui->list.sort + 1) % 4);
		ui->list.ascending = false;
		ui_msg(ui, SLOT_MSG_OK, "sort: %s", sort_names[ui->list.sort]);
		return reload_list(ui);
	case ACT_REVERSE_SORT:
		ui->list.ascending = !ui->list.ascending;
		ui_msg(ui, SLOT_MSG_OK, "sort: %s %s", sort_names[ui->list.sort],
		       ui->list.ascending ? "ascending" : "descending");
		return reload_list(ui);
	case ACT_CYCLE_THEME:
		return switch_theme(ui, NULL);
	case ACT_REDRAW:
		term_repaint(ui->term);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_SNAPSHOT:
		return snapshot(ui, NULL);
	case ACT_REFRESH:
		return reload_list(ui);
	default:
		return ui_label_action(ui, a);
	}
}

static unsigned apply_effects(struct ui *ui, unsigned eff)
{
	if (eff & EFF_CLOSE) {
		if (ui->nviews > 1)
			pop_view(ui);
	}
	if (eff & EFF_RELOAD)
		reload_list(ui);
	if (eff & EFF_QUIT)
		ui->quit = true;
	return eff;
}

static unsigned dispatch(struct ui *ui, enum action a)
{
	struct view *v = ui_top(ui);
	unsigned eff = EFF_UNHANDLED;

	if (v->ops->handle)
		eff = v->ops->handle(v, ui, a);
	if (eff == EFF_UNHANDLED)
		eff = global_action(ui, a);
	if (eff == EFF_UNHANDLED) {
		ui_msg(ui, SLOT_MSG_INFO, "%s: nothing to do here", action_info(a)->name);
		eff = EFF_HANDLED;
	}
	return apply_effects(ui, eff);
}

static const char *top_context(const struct ui *ui)
{
	const struct view *v = ui_top(ui);

	return v->ops->context ? v->ops->context(v) : v->ops->name;
}

/* An action waiting for the rest of a longer sequence. */
struct pending {
	bool set;
	enum action a;
};

static void handle_key(struct ui *ui, int key, struct pending *pend)
{
	enum action a = ACT_NONE;
	int r;
	enum keymatch lr = KEYMATCH_NONE;
	const struct label_schema *ls = NULL;
	const struct label_key *lk = NULL;

	if (key == TBK_RESIZE) {
		term_size(ui->term, &ui->rows, &ui->cols);
		return;
	}
	if (ui->prompt != PROMPT_NONE) {
		apply_effects(ui, prompt_key(ui, key));
		return;
	}
	/* Esc stops a search in progress (and does nothing else). */
	if (key == TBK_ESC && ui->nseq == 0 && ui_search_running(ui)) {
		ui_search_cancel(ui, true);
		return;
	}
	FREE(ui->msg);
	ui->seq[ui->nseq++] = key;
	r = ui_keys_lookup(ui->keys, top_context(ui), ui->seq, ui->nseq, &a);
	if (ui->cfg && ui->lb && ui_label_context(top_context(ui)))
		lr = label_lookup(ui->cfg, ui->seq, ui->nseq, &ls, &lk);
	if (((r & KB_PREFIX) || lr == KEYMATCH_PREFIX) && ui->nseq < KEYSEQ_MAX) {
		pend->set = (r & KB_MATCH) != 0;
		pend->a = a;
		return;
	}
	if (r & KB_MATCH) {
		ui->nseq = 0;
		pend->set = false;
		dispatch(ui, a);
		return;
	}
	if (lr == KEYMATCH_ACTION) {
		/* A label key (the keymap has nothing on these keys). */
		ui->nseq = 0;
		pend->set = false;
		apply_effects(ui, ui_label_key(ui, ls, lk));
		return;
	}
	/* No binding: a shorter sequence that was bound runs, and the last
	 * key starts again on its own. */
	if (ui->nseq > 1) {
		ui->nseq = 0;
		if (pend->set) {
			pend->set = false;
			dispatch(ui, pend->a);
		}
		if (!ui->quit)
			handle_key(ui, key, pend);
		return;
	}
	ui->nseq = 0;
	{
		char name[32];

		key_name(key, name, sizeof name);
		ui_msg(ui, SLOT_MSG_INFO, "%s: no action here (? for help)", name);
	}
}

static void flush_pending(struct ui *ui, struct pending *pend)
{
	ui->nseq = 0;
	if (pend->set) {
		pend->set = false;
		dispatch(ui, pend->a);
	}
}

/* ---- drawing ------------------------------------------------------------ */

struct tb_line *ui_header(struct ui *ui, struct frame *f)
{
	return frame_line(f, 0, 0, ui->cols, SLOT_HEADER);
}

static void draw_status(struct ui *ui, struct frame *f)
{
	int y = ui->rows - 1, w = ui->cols, used = 0;
	struct tb_line *l;
	struct view *v = ui_top(ui);
	struct strbuf hints = STRBUF_INIT;
	char *live;
	const char *msg;
	enum slot msg_slot;

	if (y < 0)
		return;
	if (ui->prompt != PROMPT_NONE) {
		const char *lead = ui->prompt_lead ? ui->prompt_lead : ":";
		const char *ins = ui_label_instructions(ui);
		int cx, lw;

		/* The label's instructions, on the line above the question or
		 * the rationale. */
		if (ins && y > 1 && (l = frame_line(f, y - 1, 0, w, SLOT_MSG_INFO))) {
			int iw = tb_line_put_fit(l, SLOT_MSG_INFO, " ", w);

			tb_line_put_untrusted_fit(l, SLOT_MSG_INFO, ins, strlen(ins), w - iw, true);
		}

		l = frame_line(f, y, 0, w, SLOT_PROMPT);
		if (!l)
			return;
		/* A long question keeps at least a third of the line for the text. */
		lw = tb_line_put_fit(l, ui->prompt == PROMPT_CONFIRM ? SLOT_MSG_INFO : SLOT_PROMPT,
				     lead, ui->prompt == PROMPT_CONFIRM ? w - 1 : w * 2 / 3);
		if (ui->prompt == PROMPT_CONFIRM) {
			f->cur_y = y;
			f->cur_x = lw < w ? lw : w - 1;
			return;
		}
		cx = le_render(&ui->le, w - lw - 1, l, SLOT_PROMPT);
		f->cur_y = y;
		f->cur_x = lw + cx;
		return;
	}
	l = frame_line(f, y, 0, w, SLOT_STATUSBAR);
	if (!l)
		return;
	/* A search in progress says how far it got, over any message. */
	live = ui_search_progress(ui);
	msg = live ? live : ui->msg;
	msg_slot = live ? SLOT_MSG_INFO : ui->msg_slot;
	used += tb_line_put_fit(l, SLOT_STATUSBAR, " ", w);
	used += tb_line_put_fit(l, SLOT_STATUSBAR, v->ops->mode, w - used);
	used += tb_line_put_fit(l, SLOT_STATUSBAR, " ", w - used);
	/* The message, else the first key hints, keep their room. */
	ui_label_status(ui, l, w - used, msg ? text_width(msg, strlen(msg)) + 1 : 24);
	used = l->width;
	if (v->ops->hints)
		v->ops->hints(v, ui, &hints);
	if (msg) {
		int room = w - used - 1;

		/* The message wins over the hints. */
		used += tb_line_put_fit(l, SLOT_STATUSBAR, " ", w - used);
		used += tb_line_put_fit(l, msg_slot, msg, room > 0 ? room : 0);
	} else if (hints.len) {
		/* Whole hints only, from the left, as many as fit. */
		int room = w - used - 1;
		size_t keep = hints.len;

		while (keep && text_width(sb_str(&hints), keep) > room) {
			const char *p = sb_str(&hints);
			size_t k = keep;

			while (k > 1 && !(p[k - 1] == ' ' && p[k - 2] == ' '))
				k--;
			keep = k > 1 ? k - 2 : 0;
		}
		if (keep) {
			tb_line_pad(l, SLOT_STATUSBAR, w - text_width(sb_str(&hints), keep) - 1);
			tb_line_put(l, SLOT_STATUSBAR, sb_str(&hints), keep);
		}
	}
	sb_free(&hints);
	free(live);
}

static void draw(struct ui *ui)
{
	struct view *v = ui_top(ui);

	term_size(ui->term, &ui->rows, &ui->cols);
	frame_reset(&ui->frame, ui->rows, ui->cols);
	if (ui->rows < 3 || ui->cols < 20) {
		struct tb_line *l = frame_line(&ui->frame, 0, 0, ui->cols, SLOT_DEFAULT);

		if (l)
			tb_line_put_fit(l, SLOT_MSG_ERROR, "terminal too small", ui->cols);
	} else {
		v->ops->render(v, ui, &ui->frame);
		draw_status(ui, &ui->frame);
	}
	term_draw(ui->term, &ui->frame);
}

static unsigned snapshot(struct ui *ui, const char *path)
{
	struct err err;

	if (!path || !*path)
		path = ui->args->snapshot ? ui->args->snapshot : "tracelab-snapshot.txt";
	err_clear(&err);
	draw(ui);
	if (term_snapshot(ui->term, path, &err) < 0)
		ui_error(ui, &err);
	return EFF_HANDLED;
}

/* ---- commands ----------------------------------------------------------- */

struct command_def {
	const char *name;
	const char *alias;
	unsigned (*run)(struct ui *ui, const char *arg);
	const char *help;
};

static unsigned cmd_quit(struct ui *ui, const char *arg)
{
	(void)arg;
	if (!ui_label_may_quit(ui))
		return EFF_HANDLED | EFF_REDRAW;
	return EFF_QUIT;
}

static unsigned cmd_snapshot(struct ui *ui, const char *arg)
{
	return snapshot(ui, arg);
}

static unsigned cmd_theme(struct ui *ui, const char *arg)
{
	return switch_theme(ui, arg);
}

static unsigned cmd_experiment(struct ui *ui, const char *arg)
{
	struct err err;

	if (!*arg)
		return global_action(ui, ACT_EXPERIMENTS);
	err_clear(&err);
	if (ui_set_experiment(ui, arg, &err) < 0) {
		ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	}
	while (ui->nviews > 1)
		pop_view(ui);
	ui_msg(ui, SLOT_MSG_OK, "experiment: %s", ui->list.exp_name);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned cmd_spans(struct ui *ui, const char *arg)
{
	struct filter_node *tree = NULL;
	struct err err;

	err_clear(&err);
	/* A malformed filter is said at once, with its column. */
	if (filter_parse(arg, &tree, NULL, &err) < 0) {
		ui_msg(ui, SLOT_MSG_ERROR, "spans: %s", err.msg);
		return EFF_HANDLED | EFF_REDRAW;
	}
	filter_free(tree);
	if (ui_open_spans(ui, arg, &err) < 0)
		ui_error(ui, &err);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned cmd_filter(struct ui *ui, const char *arg)
{
	struct err err;

	err_clear(&err);
	if (set_filter(ui, arg, &err) < 0)
		ui_msg(ui, SLOT_MSG_ERROR, "filter: %s", err.msg);
	else if (*arg)
		ui_msg(ui, SLOT_MSG_OK, "filter: %s", arg);
	else
		ui_msg(ui, SLOT_MSG_OK, "filter cleared");
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned cmd_sort(struct ui *ui, const char *arg)
{
	char field[32] = "", dir[32] = "";
	int i;

	if (sscanf(arg, "%31s %31s", field, dir) < 1) {
		ui_msg(ui, SLOT_MSG_ERROR, "usage: sort time|duration|status|name [asc|desc]");
		return EFF_HANDLED | EFF_REDRAW;
	}
	for (i = 0; i < 4; i++)
		if (strcmp(field, sort_names[i]) == 0)
			break;
	if (i == 4 || (dir[0] && strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)) {
		ui_msg(ui, SLOT_MSG_ERROR, "usage: sort time|duration|status|name [asc|desc]");
		return EFF_HANDLED | EFF_REDRAW;
	}
	ui->list.sort = (enum sort_key)i;
	ui->list.ascending = strcmp(dir, "asc") == 0;
	ui_msg(ui, SLOT_MSG_OK, "sort: %s %s", sort_names[i],
	       ui->list.ascending ? "ascending" : "descending");
	return reload_list(ui);
}

static unsigned cmd_help(struct ui *ui, const char *arg)
{
	(void)arg;
	if (ui_top(ui)->ops == &help_view_ops)
		return EFF_HANDLED;
	return global_action(ui, ACT_HELP);
}

static unsigned cmd_search(struct ui *ui, const char *arg)
{
	if (*arg) {
		free(ui->search);
		ui->search = xstrdup(arg);
	}
	return run_search(ui, ui->search, 0) | EFF_REDRAW;
}

/* The one trace of the list's experiment whose id begins with prefix
 * (ids are shown cut in the list): *out gets a copy.  ERR_NOTFOUND when
 * none does, ERR_USAGE when several do. */
static int trace_by_prefix(struct ui *ui, const char *prefix, char **out, struct err *err)
{
	struct page_req req;
	struct trace_page p;
	char *filter;
	const char *c;
	int rc = -1;

	*out = NULL;
	for (c = prefix; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= 'A' && *c <= 'Z') || *c == '-'))
			return err_set(err, ERR_NOTFOUND, "no trace %s", prefix);
	if (!*prefix)
		return err_set(err, ERR_USAGE, "usage: open TRACE-ID (or the start of one)");
	memset(&req, 0, sizeof req);
	memset(&p, 0, sizeof p);
	filter = xasprintf("request_id LIKE '%s%%'", prefix);
	req.experiment_id = ui->list.exp_id;
	req.filter = filter;
	req.limit = 2;
	if (store_page_traces(ui->st, &req, &p, err) < 0)
		goto out;
	if (!p.n)
		err_set(err, ERR_NOTFOUND, "no trace in this experiment starts with %s", prefix);
	else if (p.n > 1)
		err_set(err, ERR_USAGE, "several traces start with %s: type more of the id", prefix);
	else
		*out = xstrdup(p.v[0].id);
	rc = *out ? 0 : -1;
out:
	trace_page_free(&p);
	free(filter);
	return rc;
}

/* Opens a trace by its id, or by the start of it. */
static int open_by_id(struct ui *ui, const char *arg, struct err *err)
{
	struct err e2;
	char *id = NULL;
	int rc;

	if (ui_open_trace(ui, arg, err) == 0)
		return 0;
	if (err->code != ERR_NOTFOUND)
		return -1;
	err_clear(&e2);
	if (trace_by_prefix(ui, arg, &id, &e2) < 0) {
		*err = e2;
		return -1;
	}
	err_clear(err);
	rc = ui_open_trace(ui, id, err);
	free(id);
	return rc;
}

static unsigned cmd_open(struct ui *ui, const char *arg)
{
	struct err err;

	err_clear(&err);
	if (open_by_id(ui, arg, &err) < 0)
		ui_error(ui, &err);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned cmd_resize(struct ui *ui, const char *arg)
{
	int cols, rows;

	if (sscanf(arg, "%d %d", &cols, &rows) != 2 || cols < 1 || rows < 1) {
		ui_msg(ui, SLOT_MSG_ERROR, "usage: resize COLS ROWS");
		return EFF_HANDLED | EFF_REDRAW;
	}
	term_resize(ui->term, rows, cols);
	term_size(ui->term, &ui->rows, &ui->cols);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned cmd_redraw(struct ui *ui, const char *arg)
{
	(void)arg;
	term_repaint(ui->term);
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned cmd_action(struct ui *ui, const char *arg)
{
	int a = action_by_name(arg);

	if (a <= 0) {
		ui_msg(ui, SLOT_MSG_ERROR, "unknown action '%s' (see tracelab --list-actions)",
		       arg);
		return EFF_HANDLED | EFF_REDRAW;
	}
	return dispatch(ui, (enum action)a);
}

static const struct command_def commands[] = {
	{ "quit", "q", cmd_quit, "Quit tracelab" },
	{ "help", "h", cmd_help, "Show the keys and commands" },
	{ "experiment", "e", cmd_experiment, "Switch experiment: experiment ID|NAME" },
	{ "filter", NULL, cmd_filter, "Filter traces (search_traces syntax); no text clears" },
	{ "sort", NULL, cmd_sort, "Sort the list: sort time|duration|status|name [asc|desc]" },
	{ "queue", NULL, ui_cmd_queue,
	  "Work an MLflow review queue: queue NAME (no name: the picker; -: leave it)" },
	{ "search", NULL, cmd_search, "Search in the focused pane (like /)" },
	{ "theme", NULL, cmd_theme, "Switch theme: theme dark|light|mono" },
	{ "open", NULL, cmd_open, "Open a trace by its id or the start of it" },
	{ "spans", NULL, cmd_spans, "Spans across traces: spans span.type = 'LLM' AND "
	  "span.duration_ms > 5000" },
	{ "snapshot", NULL, cmd_snapshot, "Write the screen text and colour slots to FILE" },
	{ "resize", NULL, cmd_resize, "Resize the screen (scripted runs): resize COLS ROWS" },
	{ "redraw", NULL, cmd_redraw, "Repaint the whole screen" },
	{ "action", NULL, cmd_action, "Run an action by name: action move-down" },
};

unsigned ui_command(struct ui *ui, const char *line)
{
	char *copy = xstrdup(line), *name = copy, *arg, *e;
	unsigned eff = EFF_HANDLED | EFF_REDRAW;
	size_t i;

	while (*name == ' ' || *name == ':')
		name++;
	arg = name;
	while (*arg && *arg != ' ')
		arg++;
	if (*arg)
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;
	e = arg + strlen(arg);
	while (e > arg && e[-1] == ' ')
		*--e = '\0';
	if (!*name)
		goto out;
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(name, commands[i].name) == 0 ||
		    (commands[i].alias && strcmp(name, commands[i].alias) == 0)) {
			eff = commands[i].run(ui, arg);
			goto out;
		}
	}
	ui_msg(ui, SLOT_MSG_ERROR, "unknown command: %s (:help lists them)", name);
out:
	free(copy);
	return apply_effects(ui, eff);
}

size_t ui_command_count(void)
{
	return sizeof commands / sizeof commands[0];
}

const char *ui_command_name(size_t i, const char **help)
{
	*help = commands[i].help;
	return commands[i].name;
}

/* ---- idle work ---------------------------------------------------------- */

static bool list_busy(const struct ui *ui)
{
	return ui->list.loaded && (ui->list.names_pending || tlist_wants(&ui->list.tl) ||
				   ui->list.tl.total == -1);
}

static bool busy(struct ui *ui)
{
	struct view *v = ui_top(ui);

	return list_busy(ui) || (v->ops->busy && v->ops->busy(v, ui)) || ui_label_busy(ui) ||
	       ui_side_due(ui);
}

/* One piece of deferred work; true when the screen changed. */
static bool idle(struct ui *ui)
{
	struct view *v = ui_top(ui);
	struct err err;

	if (v->ops->busy && v->ops->busy(v, ui)) {
		bool changed = v->ops->idle(v, ui);
		unsigned eff = v->effects;

		if (eff) {
			v->effects = 0;
			apply_effects(ui, eff);
			return true;
		}
		return changed;
	}
	err_clear(&err);
	/* Cheapest first: rows near the screen, the column names, the count. */
	if (ui->list.loaded && tlist_wants(&ui->list.tl)) {
		if (tlist_prefetch(&ui->list.tl, &err) < 0) {
			ui->list.loaded = false;  /* do not try again until a reload */
			ui_error(ui, &err);
		}
		return false;
	}
	/* The count, the progress and the names go to the worker; their
	 * results come through its descriptor (the loop waits on it). */
	if (ui->list.loaded && ui->list.tl.total == -1) {
		ui_count_start(ui);
		return true;
	}
	if (ui_label_busy(ui))
		return ui_label_idle(ui);
	if (ui->list.names_pending) {
		ui_names_start(ui);
		return true;
	}
	if (ui_side_due(ui))
		ui_side_start(ui);
	return false;
}

/* ---- the loops ---------------------------------------------------------- */

static int run_interactive(struct ui *ui, struct err *err)
{
	struct pending pend = { false, ACT_NONE };
	int undrawn = 0;

	draw(ui);
	while (!ui->quit) {
		int timeout, key, due, fds[2];
		bool wrote = false;

		if (term_signalled())
			break;
		if (busy(ui))
			timeout = 0;
		else if (ui->nseq)
			timeout = ui->seq[0] == TBK_ESC ? term_esc_delay() : SEQ_TIMEOUT_MS;
		else if (ui_search_running(ui))
			timeout = SEARCH_TICK_MS;
		else
			timeout = IDLE_TICK_MS;
		/* a label write waiting for its next try */
		due = ui_label_due(ui);
		if (due >= 0 && due < timeout)
			timeout = due;
		/* Both workers wake the loop: the labels' and the browser's. */
		fds[0] = ui_label_fd(ui);
		fds[1] = ui->worker ? worker_fd(ui->worker) : -1;
		key = term_wait_key(ui->term, fds, 2, timeout, &wrote);
		if (wrote) {
			bool got = ui_label_collect(ui);

			if (ui->worker && worker_collect(ui->worker) > 0)
				got = true;
			if (got && key < 0) {
				draw(ui);
				continue;
			}
		}
		if (key < 0) {
			if (term_signalled())
				break;
			if (ui->nseq && ui->prompt == PROMPT_NONE) {
				flush_pending(ui, &pend);
				draw(ui);
			} else if (ui->nseq) {
				/* Esc alone in the input line: cancel. */
				int only = ui->seq[0];

				ui->nseq = 0;
				if (only == TBK_ESC)
					prompt_close(ui);
				draw(ui);
			} else if (busy(ui)) {
				if (idle(ui))
					draw(ui);
			} else if (undrawn || ui_search_running(ui)) {
				/* (a search's progress line, every tick) */
				draw(ui);
				undrawn = 0;
			} else if (ui->prompt == PROMPT_NONE && ui_label_tick(ui)) {
				draw(ui);
			}
			continue;
		}
		handle_key(ui, key, &pend);
		if (ui->quit)
			break;
		if (undrawn < MAX_UNDRAWN && term_key_pending(ui->term)) {
			undrawn++;
			continue;
		}
		undrawn = 0;
		draw(ui);
	}
	if (term_signalled()) {
		int sig = term_signalled();

		return err_set(err, ERR_RUNTIME, "interrupted by signal %d", sig);
	}
	return 0;
}

static void settle_idle(struct ui *ui)
{
	int guard = 0;

	for (;;) {
		if (busy(ui) && guard++ < 1000)
			idle(ui);
		else if (ui_search_running(ui) || ui_facts_waiting(ui))
			ui_worker_poll(ui, 100);  /* a script waits for its worker */
		else
			break;
	}
}

static int run_script(struct ui *ui, struct script *sc, struct err *err)
{
	struct pending pend = { false, ACT_NONE };
	const char *line;
	size_t lineno = 0;

	settle_idle(ui);
	draw(ui);
	while (!ui->quit && (line = script_next(sc, &lineno))) {
		if (term_signalled())
			return err_set(err, ERR_RUNTIME, "interrupted");
		if (line[0] == ':' && line[1]) {
			/* A command line ends a pending key sequence. */
			if (ui->nseq && ui->prompt == PROMPT_NONE)
				flush_pending(ui, &pend);
			if (strncmp(line, ":type ", 6) == 0) {
				const char *p = line + 6;

				while (*p && !ui->quit) {
					uint32_t cp;
					int n = utf8_decode(p, strlen(p), &cp);

					if (n <= 0)
						return err_set(err, ERR_USAGE,
							       "%s:%zu: invalid UTF-8",
							       sc->name, lineno);
					handle_key(ui, (int)cp, &pend);
					p += n;
				}
			} else {
				ui_command(ui, line + 1);
			}
		} else {
			struct keyseq ks;
			int i;

			if (keyseq_parse(line, &ks, err) < 0)
				return err_prefix(err, "%s:%zu", sc->name, lineno);
			for (i = 0; i < ks.n && !ui->quit; i++)
				handle_key(ui, ks.keys[i], &pend);
		}
		if (!ui->nseq)
			settle_idle(ui);
		draw(ui);
	}
	if (!ui->quit)
		flush_pending(ui, &pend);
	return 0;
}

/* ---- start and end ------------------------------------------------------ */

static char *find_store(const struct ui *ui, struct err *err)
{
	const struct ui_args *args = ui->args;
	struct stat st;

	if (args->store_url && *args->store_url)
		return xstrdup(args->store_url);
	/* As MLflow's client: the environment beats a saved file. */
	if (getenv("MLFLOW_TRACKING_URI") && *getenv("MLFLOW_TRACKING_URI"))
		return xstrdup(getenv("MLFLOW_TRACKING_URI"));
	if (ui->cfg && ui->cfg->store && *ui->cfg->store)
		return xstrdup(ui->cfg->store);
	if (stat("mlflow.db", &st) == 0)
		return xstrdup("mlflow.db");
	err_set(err, ERR_USAGE, "no store given and no ./mlflow.db here; "
		"try `tracelab demo demo.db` and then `tracelab demo.db`");
	return NULL;
}

static char *find_me(const struct ui *ui)
{
	const struct ui_args *args = ui->args;
	const char *u;

	if (args->source_id && *args->source_id)
		return xstrdup(args->source_id);
	if (ui->cfg && ui->cfg->source_id && *ui->cfg->source_id)
		return xstrdup(ui->cfg->source_id);
	u = getenv("USER");
	if (!u || !*u)
		u = getenv("LOGNAME");
	return xstrdup(u && *u ? u : "me");
}

static int env_int(const char *name, int dflt)
{
	const char *v = getenv(name);
	int64_t n;

	if (v && parse_int64(v, &n) == 0 && n > 0 && n < 10000)
		return (int)n;
	return dflt;
}

struct worker *ui_worker(struct ui *ui, struct err *err)
{
	if (!ui->worker &&
	    worker_start(ui->store_url, (store_is_readonly(ui->st) ? STORE_READONLY : 0) |
			 (ui->scripted ? 0 : STORE_SIDE_INDEX),
			 &ui->worker, err) < 0)
		return NULL;
	return ui->worker;
}

void ui_worker_poll(struct ui *ui, int ms)
{
	struct pollfd pfd;

	pfd.fd = worker_fd(ui->worker);
	pfd.events = POLLIN;
	poll(&pfd, 1, ms);
	worker_collect(ui->worker);
}

static void ui_free(struct ui *ui)
{
	while (ui->nviews)
		pop_view(ui);
	ui_count_abandon(ui);
	ui_progress_abandon(ui);
	ui_names_abandon(ui);
	ui_side_abandon(ui);
	ui_search_cancel(ui, false);
	worker_close(ui->worker);
	tcache_free(&ui->tcache);
	free(ui->views);
	tlist_free(&ui->list.tl);
	free_names(&ui->list);
	free(ui->list.questions);
	free(ui->list.schema);
	free(ui->list.exp_name);
	free(ui->list.filter);
	free(ui->list.search);
	le_free(&ui->le);
	le_history_free(&ui->hist_cmd);
	le_history_free(&ui->hist_search);
	le_history_free(&ui->hist_filter);
	le_history_free(&ui->hist_rationale);
	le_history_free(&ui->hist_value);
	free(ui->prompt_lead);
	ui_label_free(ui);
	frame_free(&ui->frame);
	ui_keys_free(ui->keys);
	ui_look_free(ui->look);
	free(ui->msg);
	free(ui->search);
	free(ui->me);
	free(ui->store_url);
	store_close(ui->st);
	if (ui->own_cfg) {
		config_free(ui->own_cfg);
		free(ui->own_cfg);
	}
}

/* Label keys the keymap binds in the list or the tree (or that begin or
 * continue one of its sequences) would never reach the label: those labels
 * are dropped, with the reasons on stderr before the screen starts and the
 * first in the status bar. */
static void check_label_keys(struct ui *ui, struct config *cfg)
{
	struct diag_list diags;

	if (!cfg || !ui->keys)
		return;
	memset(&diags, 0, sizeof diags);
	config_check_labels(cfg, ui_keys_keymap(ui->keys), &diags);
	if (diags.n) {
		diag_print(&diags, stderr, "tracelab");
		ui_msg(ui, SLOT_MSG_ERROR, "labels: %s%s", diags.v[0].msg,
		       diags.n > 1 ? " (and more)" : "");
	}
	diag_list_free(&diags);
}

int ui_run(const struct ui_args *args, struct err *err)
{
	struct ui ui;
	struct script sc;
	struct term_opts to;
	const char *env_keys = getenv("TRACELAB_KEYS");
	int64_t exp_id;
	int rc = -1;
	struct stat stt;

	memset(&ui, 0, sizeof ui);
	memset(&sc, 0, sizeof sc);
	memset(&to, 0, sizeof to);
	setlocale(LC_ALL, "");
	ui.args = args;
	if (args->keys_script) {
		if (script_load_file(&sc, args->keys_script, err) < 0)
			goto out;
		ui.scripted = true;
	} else if (args->keys_text) {
		script_load_text(&sc, args->keys_text, "--keys");
		ui.scripted = true;
	} else if (env_keys && *env_keys) {
		if (stat(env_keys, &stt) == 0 && S_ISREG(stt.st_mode)) {
			if (script_load_file(&sc, env_keys, err) < 0)
				goto out;
		} else {
			script_load_text(&sc, env_keys, "TRACELAB_KEYS");
		}
		ui.scripted = true;
	}
	if (args->config) {
		ui.cfg = args->config;
	} else {
		struct diag_list diags;

		memset(&diags, 0, sizeof diags);
		ui.own_cfg = xcalloc(1, sizeof *ui.own_cfg);
		if (config_load(args->config_path, ui.own_cfg, &diags, err) < 0) {
			diag_list_free(&diags);
			goto out;
		}
		if (diags.n)
			ui_msg(&ui, SLOT_MSG_ERROR, "config: %s%s", diags.v[0].msg,
			       diags.n > 1 ? " (and more)" : "");
		diag_list_free(&diags);
		ui.cfg = ui.own_cfg;
	}
	config_export_timeouts(ui.cfg);
	ui.store_url = find_store(&ui, err);
	if (!ui.store_url)
		goto out;
	/* The side index for sorts: interactive runs (a script's screens do
	 * not depend on how far a build got). */
	if (store_open(ui.store_url, (args->readonly ? STORE_READONLY : 0) |
		       (ui.scripted ? 0 : STORE_SIDE_INDEX), &ui.st, err) < 0)
		goto out;
	ui.me = find_me(&ui);
	if (ui_label_init(&ui, err) < 0)
		goto out;
	tlist_init(&ui.list.tl, ui.st);
	if (args->experiment && *args->experiment) {
		if (store_find_experiment(ui.st, args->experiment, &exp_id, err) < 0)
			goto out;
	} else if (ui.cfg && ui.cfg->experiment && *ui.cfg->experiment) {
		if (store_find_experiment(ui.st, ui.cfg->experiment, &exp_id, err) < 0)
			goto out;
	} else if (pick_experiment(&ui, &exp_id, err) < 0) {
		goto out;
	}
	if (ui_keys_load(&ui.keys, ui.cfg, args->keymap, &(const struct msg_sink){ say_to_ui, &ui },
			 err) < 0)
		goto out;
	ui_apply_schemas(&ui, exp_id, NULL, 0, true);
	check_label_keys(&ui, args->config ? args->config : ui.own_cfg);
	to.scripted = ui.scripted;
	to.rows = env_int("LINES", 24);
	to.cols = env_int("COLUMNS", 80);
	to.no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");
	if (term_open(&to, &ui.term, err) < 0)
		goto out;
	term_size(ui.term, &ui.rows, &ui.cols);
	if (set_theme(&ui, NULL, err) < 0)
		goto out;
	ui.list.tl.height = ui.rows > 4 ? ui.rows - 4 : 1;
	if (load_experiment(&ui, exp_id, err) < 0)
		goto out;
	if (ui_push(&ui, &list_view_ops, NULL, err) < 0)
		goto out;
	if (store_note(ui.st))
		ui_msg(&ui, SLOT_MSG_INFO, "%s", store_note(ui.st));
	if (args->trace_id && open_by_id(&ui, args->trace_id, err) < 0)
		goto out;
	ui_label_start(&ui, exp_id);
	if (ui.scripted)
		rc = run_script(&ui, &sc, err);
	else
		rc = run_interactive(&ui, err);
out:
	ui_label_stop(&ui);
	term_close(ui.term);
	ui.term = NULL;
	ui_label_report_unwritten(&ui);
	ui_free(&ui);
	script_free(&sc);
	return rc;
}
