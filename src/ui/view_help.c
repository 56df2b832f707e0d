/*
 * The help screen, generated from the action table (core/action.h) and the
 * effective key bindings: every action by group, its keys in each context,
 * its help text; then the : commands.  Nothing here lists actions by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "ui/app.h"
#include "ui/pane.h"

#define KEYS_COL 26
#define NAME_COL 20

struct keys_list {
	struct strbuf *sb;
};

static void add_key(const struct keyseq *ks, void *arg)
{
	struct keys_list *kl = arg;
	char name[64];

	keyseq_name(ks, name, sizeof name);
	if (kl->sb->len)
		sb_adds(kl->sb, ", ");
	sb_adds(kl->sb, name);
}

/* Keys of an action in every context: "j, Down", or "tree, detail: z"
 * when contexts share the same keys. */
static void keys_of(struct ui *ui, enum action a, struct strbuf *out)
{
	struct strbuf per[16];
	bool done[16];
	size_t c, d, n;

	for (n = 0; ui_contexts[n] && n < 16; n++) {
		struct keys_list kl = { &per[n] };

		memset(&per[n], 0, sizeof per[n]);
		done[n] = false;
		ui_keys_each(ui->keys, ui_contexts[n], a, add_key, &kl);
	}
	for (c = 0; c < n; c++) {
		bool global = strcmp(ui_contexts[c], "global") == 0, first = true;

		if (done[c] || !per[c].len)
			continue;
		if (out->len)
			sb_adds(out, "; ");
		if (!global) {
			for (d = c; d < n; d++) {
				if (done[d] || strcmp(ui_contexts[d], "global") == 0 ||
				    strcmp(sb_str(&per[d]), sb_str(&per[c])) != 0)
					continue;
				sb_addf(out, "%s%s", first ? "" : ", ", ui_contexts[d]);
				first = false;
				if (d != c)
					done[d] = true;
			}
			sb_adds(out, ": ");
		}
		sb_add(out, per[c].buf, per[c].len);
		done[c] = true;
	}
	for (c = 0; c < n; c++)
		sb_free(&per[c]);
}

/* One label schema: its keys with the values they give, name, type and
 * instructions. */
static void label_lines(const struct label_schema *ls, struct textbuf *tb)
{
	struct strbuf keys = STRBUF_INIT;
	struct tb_line *l;
	size_t k;
	char name[64];

	for (k = 0; k < ls->nkeys; k++) {
		keyseq_name(&ls->keys[k].seq, name, sizeof name);
		if (keys.len)
			sb_adds(&keys, ", ");
		if (ls->keys[k].value)
			sb_addf(&keys, "%s=%s", name, ls->keys[k].value);
		else
			sb_addf(&keys, "%s", name);
	}
	l = tb_newline(tb);
	tb_line_put(l, SLOT_DEFAULT, "  ", 2);
	tb_line_put_untrusted(l, SLOT_HELP_KEY, sb_str(&keys), keys.len);
	if (l->width < KEYS_COL)
		tb_line_pad(l, SLOT_DEFAULT, KEYS_COL);
	else
		tb_line_put(l, SLOT_DEFAULT, "  ", 2);
	tb_line_put_untrusted(l, SLOT_NAME, ls->name, strlen(ls->name));
	tb_line_put(l, SLOT_DIM, " (", 2);
	tb_line_put(l, SLOT_DIM, label_type_name(ls->type), strlen(label_type_name(ls->type)));
	if (ls->type == LABEL_NUMERIC && ls->has_min && ls->has_max) {
		char range[64];

		snprintf(range, sizeof range, " %g-%g", ls->min, ls->max);
		tb_line_put(l, SLOT_DIM, range, strlen(range));
	}
	tb_line_put(l, SLOT_DIM, ")", 1);
	if (ls->instructions) {
		tb_line_put(l, SLOT_DEFAULT, "  ", 2);
		tb_line_put_untrusted(l, SLOT_DEFAULT, ls->instructions, strlen(ls->instructions));
	}
	sb_free(&keys);
}

static void build(struct ui *ui, struct textbuf *tb)
{
	int g, a;
	size_t i;

	tb_newline(tb);
	tb_put(tb, SLOT_HELP_GROUP, "tracelab keys");
	tb_put(tb, SLOT_DIM, "   (keys marked with a context work there; the others everywhere)");
	for (g = 0; g < AG_COUNT_; g++) {
		tb_newline(tb);
		tb_newline(tb);
		tb_put(tb, SLOT_HELP_GROUP, action_group_title((enum action_group)g));
		for (a = 1; a < ACT_COUNT_; a++) {
			const struct action_info *ai = action_info((enum action)a);
			struct strbuf keys = STRBUF_INIT;
			struct tb_line *l;

			if ((int)ai->group != g)
				continue;
			keys_of(ui, (enum action)a, &keys);
			l = tb_newline(tb);
			tb_line_put(l, SLOT_DEFAULT, "  ", 2);
			if (keys.len)
				tb_line_put(l, SLOT_HELP_KEY, sb_str(&keys), keys.len);
			else
				tb_line_put(l, SLOT_DIM, "-", 1);
			if (l->width < KEYS_COL)
				tb_line_pad(l, SLOT_DEFAULT, KEYS_COL);
			else
				tb_line_put(l, SLOT_DEFAULT, "  ", 2);
			tb_line_put(l, SLOT_DIM, ai->name, strlen(ai->name));
			tb_line_pad(l, SLOT_DEFAULT, l->width < KEYS_COL + NAME_COL ?
				    KEYS_COL + NAME_COL : l->width + 2);
			tb_line_put(l, SLOT_DEFAULT, ai->help, strlen(ai->help));
			sb_free(&keys);
		}
	}
	tb_newline(tb);
	tb_newline(tb);
	tb_put(tb, SLOT_HELP_GROUP, "Commands (type : then the command)");
	for (i = 0; i < ui_command_count(); i++) {
		const char *help, *name = ui_command_name(i, &help);
		struct tb_line *l = tb_newline(tb);

		tb_line_put(l, SLOT_DEFAULT, "  :", 3);
		tb_line_put(l, SLOT_HELP_KEY, name, strlen(name));
		tb_line_pad(l, SLOT_DEFAULT, KEYS_COL);
		tb_line_put(l, SLOT_DEFAULT, help, strlen(help));
	}
	if (ui->cfg && ui->cfg->nlabels) {
		tb_newline(tb);
		tb_newline(tb);
		tb_put(tb, SLOT_HELP_GROUP, "Labels (from the configuration)");
		for (i = 0; i < ui->cfg->nlabels; i++)
			label_lines(&ui->cfg->labels[i], tb);
	}
	tb_newline(tb);
	tb_newline(tb);
	tb_put(tb, SLOT_HELP_GROUP, "Feedback columns in the trace list");
	tb_newline(tb);
	tb_put(tb, SLOT_DEFAULT, "  left: ");
	tb_put(tb, SLOT_FB_MINE, "mine");
	tb_put(tb, SLOT_DEFAULT, " or another human's (");
	tb_put(tb, SLOT_FB_TRUE, "✓");
	tb_put(tb, SLOT_DEFAULT, " ");
	tb_put(tb, SLOT_FB_FALSE, "✗");
	tb_put(tb, SLOT_DEFAULT, " ");
	tb_put(tb, SLOT_FB_VALUE, "4");
	tb_put(tb, SLOT_DEFAULT, " ");
	tb_put(tb, SLOT_FB_VALUE, "txt");
	tb_put(tb, SLOT_DEFAULT, ")   right: ");
	tb_put(tb, SLOT_FB_JUDGE, "LLM judge");
	tb_put(tb, SLOT_DEFAULT, " or ");
	tb_put(tb, SLOT_FB_CODE, "code");
}

static int help_open(struct view *v, struct ui *ui, struct err *err)
{
	struct pane *p = xcalloc(1, sizeof *p);

	(void)err;
	p->selectable = false;
	build(ui, &p->tb);
	v->priv = p;
	return 0;
}

static void help_close(struct view *v, struct ui *ui)
{
	(void)ui;
	pane_free(v->priv);
	free(v->priv);
}

static void help_render(struct view *v, struct ui *ui, struct frame *f)
{
	struct pane *p = v->priv;
	struct tb_line *l = ui_header(ui, f);
	struct rect body = layout_body(ui->rows, ui->cols);

	if (l)
		tb_line_put(l, SLOT_HEADER, " tracelab  help", strlen(" tracelab  help"));
	pane_render(p, f, body, true, ui->search);
}

static unsigned help_handle(struct view *v, struct ui *ui, enum action a)
{
	(void)ui;
	if (pane_move(v->priv, a))
		return EFF_HANDLED | EFF_REDRAW;
	if (a == ACT_OPEN || a == ACT_QUIT)
		return EFF_HANDLED | EFF_CLOSE;
	return EFF_UNHANDLED;
}

static unsigned help_search(struct view *v, struct ui *ui, const char *text, int dir)
{
	bool wrapped;

	if (!pane_find(v->priv, text, dir, &wrapped))
		ui_msg(ui, SLOT_MSG_ERROR, "not found: %s", text);
	else if (wrapped)
		ui_msg(ui, SLOT_MSG_INFO, "search wrapped");
	return EFF_HANDLED | EFF_REDRAW;
}

static void help_hints(const struct view *v, struct ui *ui, struct strbuf *out)
{
	(void)v;
	ui_hint(ui, "help", ACT_BACK, "back", out);
	ui_hint(ui, "help", ACT_SEARCH, "search", out);
}

static const char *help_context(const struct view *v)
{
	(void)v;
	return "help";
}

const struct view_ops help_view_ops = {
	.name = "help",
	.mode = "HELP",
	.open = help_open,
	.close = help_close,
	.context = help_context,
	.render = help_render,
	.handle = help_handle,
	.search = help_search,
	.hints = help_hints,
};
