/*
 * Themes as the browser sees them (ui/look.h).
 */
#include "ui/look.h"

#include <stdlib.h>
#include <string.h>

#include "config/diag.h"
#include "config/theme.h"
#include "core/util.h"
#include "ui/term.h"

struct ui_look {
	char *name;
};

/* A theme's attribute bits as the terminal's style bits. */
static const struct {
	unsigned theme, sty;
} attr_bits[] = {
	{ THEME_BOLD, STY_BOLD },           { THEME_DIM, STY_DIM },
	{ THEME_REVERSE, STY_REVERSE },     { THEME_UNDERLINE, STY_UNDERLINE },
	{ THEME_ITALIC, STY_ITALIC },       { THEME_STANDOUT, STY_STANDOUT },
};

static unsigned sty_bits(unsigned t)
{
	unsigned s = 0;
	size_t i;

	for (i = 0; i < sizeof attr_bits / sizeof attr_bits[0]; i++)
		if (t & attr_bits[i].theme)
			s |= attr_bits[i].sty;
	return s;
}

int ui_look_set(struct ui_look **look, struct term *term, const char *name,
		const struct msg_sink *msgs, struct err *err)
{
	struct slot_style st[SLOT_COUNT_];
	struct theme th;
	struct diag_list diags;
	int s, colors = term_colors(term);

	memset(&diags, 0, sizeof diags);
	theme_init(&th);
	if (theme_load(&th, name, &diags, err) < 0) {
		theme_free(&th);
		diag_list_free(&diags);
		return -1;
	}
	for (s = 0; s < SLOT_COUNT_; s++) {
		const struct theme_style *ts = theme_style(&th, (enum slot)s);

		st[s].fg = (short)theme_color_reduce(ts->fg, colors);
		st[s].bg = (short)theme_color_reduce(ts->bg, colors);
		st[s].attrs = sty_bits(ts->attrs);
		st[s].mono = sty_bits(theme_mono_attrs(&th, (enum slot)s));
	}
	term_set_styles(term, st, th.name && *th.name ? th.name : name);
	if (!*look)
		*look = xcalloc(1, sizeof **look);
	free((*look)->name);
	(*look)->name = xstrdup(th.name && *th.name ? th.name : name);
	if (diags.n)
		msg_say(msgs, SLOT_MSG_ERROR, "theme: %s%s", diags.v[0].msg,
			diags.n > 1 ? " (and more)" : "");
	theme_free(&th);
	diag_list_free(&diags);
	return 0;
}

/* The theme after the current one, in name order (wrapping). */
char *ui_look_next(const struct ui_look *look)
{
	size_t n = 0, i;
	char **names = theme_names(&n), *next = NULL;

	for (i = 0; i < n; i++) {
		if (look && strcmp(names[i], look->name) == 0) {
			next = xstrdup(names[(i + 1) % n]);
			break;
		}
	}
	if (!next)
		next = xstrdup(n ? names[0] : "dark");
	theme_names_free(names, n);
	return next;
}

void ui_look_free(struct ui_look *l)
{
	if (!l)
		return;
	free(l->name);
	free(l);
}
