/*
 * The labelling form of one trace: the request and response, then every
 * question of the schema with its instruction, whether it is required, the
 * keys that answer it, my current answer and the other sources' answers
 * (hidden in blind mode until I have answered).  One question has the
 * focus; a label key answers its question on the trace, and the focus then
 * moves to the next open question.  When the trace is complete (every
 * required question has my answer) the labelling flow moves on to the next
 * incomplete trace as the advance mode says (ui/label.c decides; the form
 * only shows).
 *
 * The form reads the trace's row and feedback from the store when it opens
 * and when the feedback changes (refresh); rendering reads nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/preview.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "svc/label.h"
#include "ui/app.h"
#include "ui/pane.h"

struct form_view {
	char *id;
	struct trace_row row;
	struct assessment_list al;
	char *root;                /* root span id, or NULL (core/question.h) */
	size_t focus;              /* the focused question (index in the config) */
	size_t *qline;             /* first pane line of each question */
	struct pane pane;
	bool stale;
	int width;
};

static size_t nquestions(const struct ui *ui)
{
	return ui->cfg ? ui->cfg->nlabels : 0;
}

static bool answered(const struct form_view *fv, const struct ui *ui, size_t q)
{
	const struct label_schema *ls = &ui->cfg->labels[q];

	return label_answered_kind(&fv->al, fv->root, ui->me, ls->name, ls->target,
				   ls->expectation);
}

/* The first open question at or after `from` (wrapping), required ones
 * first; nquestions when none is open. */
static size_t next_open(const struct form_view *fv, const struct ui *ui, size_t from)
{
	size_t n = nquestions(ui), k, pass;

	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < n; k++) {
			size_t q = (from + k) % n;

			if ((pass || ui->cfg->labels[q].required) && !answered(fv, ui, q))
				return q;
		}
	return n;
}

static size_t count_open(const struct form_view *fv, const struct ui *ui, bool required_only)
{
	size_t n = nquestions(ui), q, open = 0;

	for (q = 0; q < n; q++)
		if ((!required_only || ui->cfg->labels[q].required) && !answered(fv, ui, q))
			open++;
	return open;
}

static int load(struct form_view *fv, struct ui *ui, const char *id, struct err *err)
{
	struct trace_row row;
	struct assessment_list al;
	char *root = NULL;

	memset(&row, 0, sizeof row);
	memset(&al, 0, sizeof al);
	if (store_get_row(ui->st, id, ui->me, &row, err) < 0 ||
	    store_load_assessments(ui->st, id, &al, err) < 0 ||
	    store_root_span(ui->st, id, &root, err) < 0) {
		trace_row_free(&row);
		assessment_list_free(&al);
		return -1;
	}
	trace_row_free(&fv->row);
	assessment_list_free(&fv->al);
	free(fv->root);
	fv->row = row;
	fv->al = al;
	fv->root = root;
	if (!str_eq(fv->id, id)) {
		free(fv->id);
		fv->id = xstrdup(id);
		fv->focus = next_open(fv, ui, 0);
		if (fv->focus >= nquestions(ui))
			fv->focus = 0;
		fv->pane.top = 0;
		ui_label_item_opened(ui, id);
	}
	fv->stale = true;
	return 0;
}

/* ---- rendering ---------------------------------------------------------- */

static void put_preview(struct textbuf *tb, const char *title, const char *text, int width)
{
	struct strbuf sb = STRBUF_INIT;
	struct tb_line *l = tb_newline(tb);
	const char *s = text;
	size_t n = text ? strlen(text) : 0;
	int room = width - 11 > 10 ? width - 11 : 10, lines;

	if (s && preview_text(s, n, &sb)) {
		s = sb_str(&sb);
		n = sb.len;
	}
	tb_line_put(l, SLOT_DIM, title, strlen(title));
	tb_line_pad(l, SLOT_DEFAULT, 11);
	if (!s || !n) {
		tb_line_put(l, SLOT_DIM, "(none recorded)", 15);
		sb_free(&sb);
		return;
	}
	/* Up to three lines of it. */
	for (lines = 0; lines < 3 && n; lines++) {
		int used = 0;
		size_t cut = text_fit(s, n, room - 1, &used);

		if (lines) {
			l = tb_newline(tb);
			tb_line_pad(l, SLOT_DEFAULT, 11);
		}
		if (cut == 0)
			cut = n;
		tb_line_put_untrusted_fit(l, SLOT_PREVIEW, s, lines == 2 ? n : cut, room, true);
		s += cut;
		n -= cut;
	}
	sb_free(&sb);
}

/* "+ true  - false" / "1  2  3" / "t text": the keys of a question (a
 * key that is its value once). */
static void keys_text(const struct label_schema *ls, struct strbuf *out)
{
	size_t i;
	char k[32];

	for (i = 0; i < ls->nkeys; i++) {
		const char *v = ls->keys[i].value ? ls->keys[i].value :
				ls->multi ? "options: a, b" : "text";

		/* A pass/fail schema's names for true and false. */
		if (ls->positive_label && str_eq(v, "true"))
			v = ls->positive_label;
		else if (ls->negative_label && str_eq(v, "false"))
			v = ls->negative_label;

		keyseq_name(&ls->keys[i].seq, k, sizeof k);
		sb_addf(out, "%s%s", i ? "  " : "", k);
		if (strcmp(k, v) != 0)
			sb_addf(out, " %s", v);
	}
}

static char *shown(const char *json)
{
	char *s = json ? ui_json_string(json) : NULL;

	return s ? s : xstrdup(json ? json : "");
}

static enum slot source_slot(const struct assessment *a)
{
	if (str_eq(a->source_type, "LLM_JUDGE"))
		return SLOT_FB_JUDGE;
	if (str_eq(a->source_type, "CODE"))
		return SLOT_FB_CODE;
	return SLOT_FB_HUMAN;
}

/* The other sources' valid answers to question q on the trace. */
static void put_others(struct form_view *fv, struct ui *ui, size_t q, const struct assessment *mine,
		       int width)
{
	const struct label_schema *ls = &ui->cfg->labels[q];
	struct textbuf *tb = &fv->pane.tb;
	size_t i, shown_n = 0, hidden = 0;
	struct tb_line *l;

	for (i = 0; i < fv->al.n; i++) {
		const struct assessment *a = &fv->al.v[i];
		char *v;

		if (!a->valid || !str_eq(a->type, ls->expectation ? "expectation" : "feedback") ||
		    !str_eq(a->name, ls->name) ||
		    label_owner_of(a, ui->me) == OWNER_ME || question_target(a->span_id, fv->root))
			continue;
		if (ui->blind && !mine) {
			hidden++;
			continue;
		}
		l = tb_newline(tb);
		tb_line_pad(l, SLOT_DEFAULT, 6);
		tb_line_put_untrusted_fit(l, source_slot(a), a->source_type ? a->source_type : "?",
					  a->source_type ? strlen(a->source_type) : 1, 12, false);
		tb_line_put(l, SLOT_DEFAULT, " ", 1);
		tb_line_put_untrusted_fit(l, source_slot(a), a->source_id ? a->source_id : "",
					  a->source_id ? strlen(a->source_id) : 0, 28, false);
		tb_line_pad(l, SLOT_DEFAULT, 6 + 12 + 1 + 28 + 1);
		if (a->value) {
			v = shown(a->value);
			tb_line_put_untrusted_fit(l, SLOT_FB_VALUE, v, strlen(v),
						  width - l->width - 3 > 8 ? width - l->width - 3 : 8,
						  true);
			free(v);
			if (mine && str_eq(a->source_type, "LLM_JUDGE") &&
			    question_values_differ(mine->value, a->value))
				tb_line_put(l, SLOT_MSG_ERROR, " ≠", strlen(" ≠"));
		} else {
			tb_line_put(l, SLOT_STATUS_ERROR, "error", 5);
		}
		shown_n++;
	}
	if (hidden) {
		l = tb_newline(tb);
		tb_line_pad(l, SLOT_DEFAULT, 6);
		{
			char buf[96];

			snprintf(buf, sizeof buf, "blind: %zu other answer%s hidden until you answer", hidden,
				 hidden == 1 ? "" : "s");
			tb_line_put(l, SLOT_DIM, buf, strlen(buf));
		}
	} else if (!shown_n) {
		l = tb_newline(tb);
		tb_line_pad(l, SLOT_DEFAULT, 6);
		tb_line_put(l, SLOT_DIM, "no other answers", 16);
	}
}

static void put_question(struct form_view *fv, struct ui *ui, size_t q, int width)
{
	const struct label_schema *ls = &ui->cfg->labels[q];
	struct textbuf *tb = &fv->pane.tb;
	const struct assessment *mine = NULL, *other = NULL;
	struct strbuf k = STRBUF_INIT;
	struct tb_line *l = tb_newline(tb);
	bool open = !answered(fv, ui, q);

	fv->qline[q] = tb->n - 1;
	tb_line_put(l, SLOT_MARKER, q == fv->focus ? "▶ " : "  ", strlen(q == fv->focus ? "▶ " : "  "));
	tb_line_put(l, open ? SLOT_MARKER : SLOT_FB_TRUE, open ? "○ " : "● ", strlen("○ "));
	tb_line_put_untrusted_fit(l, SLOT_NAME, ls->name, strlen(ls->name), 30, false);
	tb_line_put(l, SLOT_DIM, ls->required ? "  required" : "  optional", 10);
	if (ls->expectation)
		tb_line_put(l, SLOT_DIM, "  expectation", 13);
	if (ls->schema_id && !ls->expectation)
		tb_line_put(l, SLOT_DIM, ls->rationale == RATIONALE_NONE ? "  no comment" :
			    "  comment offered", ls->rationale == RATIONALE_NONE ? 12 : 17);
	if (ls->target != QT_TRACE) {
		tb_line_put(l, SLOT_DIM, "  target ", 9);
		tb_line_put(l, SLOT_DIM, question_target_name(ls->target),
			    strlen(question_target_name(ls->target)));
	}
	keys_text(ls, &k);
	if (k.len) {
		tb_line_put(l, SLOT_DEFAULT, "   ", 3);
		tb_line_put_untrusted_fit(l, SLOT_HELP_KEY, sb_str(&k), k.len, width - l->width, true);
	}
	sb_free(&k);
	if (ls->instructions && *ls->instructions) {
		l = tb_newline(tb);
		tb_line_pad(l, SLOT_DEFAULT, 6);
		tb_line_put_untrusted_fit(l, SLOT_DEFAULT, ls->instructions, strlen(ls->instructions),
					  width - 7 > 10 ? width - 7 : 10, true);
	}
	l = tb_newline(tb);
	tb_line_pad(l, SLOT_DEFAULT, 6);
	tb_line_put(l, SLOT_FB_MINE, "mine", 4);
	tb_line_pad(l, SLOT_DEFAULT, 6 + 12 + 1 + 28 + 1);
	if (ls->target == QT_SPAN) {
		tb_line_put(l, open ? SLOT_MARKER : SLOT_FB_MINE,
			    open ? "open: answer it on a span in the trace view" :
			    "answered on a span", strlen(open ? "open: answer it on a span in the "
			    "trace view" : "answered on a span"));
		return;
	}
	label_find_answers(&fv->al, fv->root, NULL, ls->name, ls->expectation, ui->me, &mine,
			   &other, NULL);
	if (mine && mine->value) {
		char *v = shown(mine->value);

		tb_line_put_untrusted_fit(l, SLOT_FB_MINE, v, strlen(v),
					  width - l->width - 1 > 8 ? width - l->width - 1 : 8, true);
		free(v);
	} else if (ui_label_pending_on(ui, fv->id, ls->name)) {
		tb_line_put(l, SLOT_PENDING, "◌ pending", strlen("◌ pending"));
	} else {
		tb_line_put(l, SLOT_MARKER, "open", 4);
	}
	put_others(fv, ui, q, mine, width);
}

static void build(struct form_view *fv, struct ui *ui, int width)
{
	struct textbuf *tb = &fv->pane.tb;
	size_t n = nquestions(ui), q, open, open_req;
	char buf[128];

	tb_clear(tb);
	free(fv->qline);
	fv->qline = xcalloc(n ? n : 1, sizeof *fv->qline);
	put_preview(tb, " request", fv->row.request_preview, width);
	put_preview(tb, " response", fv->row.response_preview, width);
	tb_newline(tb);
	if (!n) {
		tb_put(tb, SLOT_DIM, " No questions: add labels to the configuration "
		       "(examples/config.yaml).");
		fv->stale = false;
		return;
	}
	open = count_open(fv, ui, false);
	open_req = count_open(fv, ui, true);
	if (!open_req)
		snprintf(buf, sizeof buf, " Questions (%zu): complete%s", n,
			 open ? ", optional ones open" : "");
	else
		snprintf(buf, sizeof buf, " Questions (%zu): %zu open, %zu of them required", n, open,
			 open_req);
	tb_put(tb, SLOT_TITLE, buf);
	if (ui->blind)
		tb_put(tb, SLOT_DIM, "  · blind");
	for (q = 0; q < n; q++)
		put_question(fv, ui, q, width);
	fv->stale = false;
	fv->width = width;
	if (fv->focus < n)
		fv->pane.sel = fv->qline[fv->focus];
}

static void form_render(struct view *v, struct ui *ui, struct frame *f)
{
	struct form_view *fv = v->priv;
	struct tb_line *l = ui_header(ui, f);
	struct rect body = layout_body(ui->rows, ui->cols);

	if (l) {
		tb_line_put(l, SLOT_HEADER, " form ", 6);
		tb_line_put_untrusted_fit(l, SLOT_HEADER, fv->id, strlen(fv->id),
					  ui->cols < 100 ? 14 : 36, false);
		tb_line_put(l, SLOT_HEADER, "  ", 2);
		if (fv->row.name)
			tb_line_put_untrusted_fit(l, SLOT_HEADER, fv->row.name, strlen(fv->row.name),
						  30, true);
	}
	if (fv->stale || fv->width != body.w)
		build(fv, ui, body.w);
	/* The focused question's first line in view. */
	if (fv->focus < nquestions(ui)) {
		size_t first = fv->qline[fv->focus], last = first;

		while (last + 1 < fv->pane.tb.n &&
		       (fv->focus + 1 >= nquestions(ui) || last + 1 < fv->qline[fv->focus + 1]))
			last++;
		if (body.h > 0 && last >= fv->pane.top + (size_t)body.h)
			fv->pane.top = last + 1 - (size_t)body.h;
		if (first < fv->pane.top)
			fv->pane.top = first;
		fv->pane.sel = first;
	}
	pane_render(&fv->pane, f, body, true, ui->search);
}

/* ---- actions ------------------------------------------------------------ */

static unsigned goto_trace(struct form_view *fv, struct ui *ui, long delta)
{
	struct err err;
	char *id = ui_step_trace(ui, fv->id, delta);

	if (id) {
		err_clear(&err);
		if (load(fv, ui, id, &err) < 0)
			ui_error(ui, &err);
		free(id);
	}
	return EFF_HANDLED | EFF_REDRAW;
}

static unsigned form_handle(struct view *v, struct ui *ui, enum action a)
{
	struct form_view *fv = v->priv;
	size_t n = nquestions(ui);
	struct err err;
	char *id;

	err_clear(&err);
	switch (a) {
	case ACT_MOVE_DOWN:
		if (fv->focus + 1 < n)
			fv->focus++;
		fv->stale = true;
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_MOVE_UP:
		if (fv->focus > 0)
			fv->focus--;
		fv->stale = true;
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_MOVE_FIRST:
		fv->focus = 0;
		fv->stale = true;
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_MOVE_LAST:
		fv->focus = n ? n - 1 : 0;
		fv->stale = true;
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_OPEN:
		/* The whole trace (spans, inputs, outputs) in the trace view. */
		id = xstrdup(fv->id);
		if (ui_open_trace(ui, id, &err) < 0)
			ui_error(ui, &err);
		free(id);
		return EFF_HANDLED | EFF_REDRAW;
	case ACT_FORM:
	case ACT_BACK:
	case ACT_QUIT:
		return EFF_HANDLED | EFF_CLOSE;
	case ACT_NEXT_TRACE:
		return goto_trace(fv, ui, 1);
	case ACT_PREV_TRACE:
		return goto_trace(fv, ui, -1);
	case ACT_REFRESH:
		id = xstrdup(fv->id);
		if (load(fv, ui, id, &err) < 0)
			ui_error(ui, &err);
		else
			ui_msg(ui, SLOT_MSG_OK, "reloaded");
		free(id);
		return EFF_HANDLED | EFF_REDRAW;
	default:
		break;
	}
	if (pane_move(&fv->pane, a))
		return EFF_HANDLED | EFF_REDRAW;
	return EFF_UNHANDLED;
}

static void form_hints(const struct view *v, struct ui *ui, struct strbuf *out)
{
	(void)v;
	ui_hint(ui, "form", ACT_MOVE_DOWN, "question", out);
	ui_hint(ui, "form", ACT_OPEN, "trace", out);
	ui_hint(ui, "form", ACT_NEXT_TRACE, "next", out);
	ui_hint(ui, "form", ACT_BACK, "back", out);
	ui_hint(ui, "form", ACT_HELP, "help", out);
}

static bool form_target(const struct view *v, struct ui *ui, struct label_target *out)
{
	const struct form_view *fv = v->priv;

	(void)ui;
	out->trace_id = fv->id;
	out->rows = &fv->al;
	out->root = fv->root;
	return true;
}

/* Feedback of this trace changed: read it again; when the focused
 * question now has my answer, the focus moves to the next open one. */
static void form_refresh(struct view *v, struct ui *ui, const char *trace_id)
{
	struct form_view *fv = v->priv;
	struct err err;
	bool was_open;
	char *id;

	if (!str_eq(trace_id, fv->id))
		return;
	was_open = fv->focus < nquestions(ui) && !answered(fv, ui, fv->focus);
	err_clear(&err);
	id = xstrdup(fv->id);
	if (load(fv, ui, id, &err) < 0)
		ui_error(ui, &err);
	free(id);
	if (was_open && fv->focus < nquestions(ui) && answered(fv, ui, fv->focus)) {
		size_t next = next_open(fv, ui, fv->focus + 1);

		if (next < nquestions(ui))
			fv->focus = next;
	}
	fv->stale = true;
}

static const char *form_context(const struct view *v)
{
	(void)v;
	return "form";
}

static int form_open(struct view *v, struct ui *ui, struct err *err)
{
	char *id = v->priv;
	struct form_view *fv = xcalloc(1, sizeof *fv);

	fv->pane.selectable = true;
	if (load(fv, ui, id, err) < 0) {
		free(fv->id);
		free(fv);
		free(id);
		return -1;
	}
	free(id);
	v->priv = fv;
	return 0;
}

static void form_close(struct view *v, struct ui *ui)
{
	struct form_view *fv = v->priv;

	(void)ui;
	trace_row_free(&fv->row);
	assessment_list_free(&fv->al);
	free(fv->root);
	free(fv->id);
	free(fv->qline);
	pane_free(&fv->pane);
	free(fv);
}

const struct view_ops form_view_ops = {
	.name = "form",
	.mode = "FORM",
	.open = form_open,
	.close = form_close,
	.context = form_context,
	.render = form_render,
	.handle = form_handle,
	.hints = form_hints,
	.target = form_target,
	.refresh = form_refresh,
};
