/*
 * Screen snapshots for tests: the text of every row read back from the
 * ncurses screen, then which colour slot each cell uses (every slot has its
 * own colour pair, so the pair of a cell names its slot), then the style of
 * each slot seen under the current theme.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "config/theme.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "ui/term_impl.h"

_Static_assert(SLOT_COUNT_ <= 53, "snapshot letters: one per slot");

char term_slot_letter(enum slot s)
{
	int i = (int)s;

	if (i <= 0 || i >= SLOT_COUNT_)
		return '.';
	i--;
	return (char)(i < 26 ? 'a' + i : 'A' + (i - 26));
}

static void sty_names(struct strbuf *sb, unsigned a)
{
	if (!a)
		sb_adds(sb, " normal");
	if (a & STY_BOLD)
		sb_adds(sb, " bold");
	if (a & STY_DIM)
		sb_adds(sb, " dim");
	if (a & STY_REVERSE)
		sb_adds(sb, " reverse");
	if (a & STY_UNDERLINE)
		sb_adds(sb, " underline");
	if (a & STY_ITALIC)
		sb_adds(sb, " italic");
	if (a & STY_STANDOUT)
		sb_adds(sb, " standout");
}

int term_snapshot(struct term *t, const char *path, struct err *err)
{
	struct strbuf text = STRBUF_INIT, slots = STRBUF_INIT, row = STRBUF_INIT,
		      srow = STRBUF_INIT;
	bool used[SLOT_COUNT_];
	int rows = LINES, cols = COLS, y, x, s, rc = -1;
	FILE *f = NULL;

	memset(used, 0, sizeof used);
	for (y = 0; y < rows; y++) {
		size_t keep_text = 0, keep_slot = 0;

		sb_reset(&row);
		sb_reset(&srow);
		for (x = 0; x < cols;) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t attrs;
			short pair;
			int w = 1, k;
			enum slot sl;
			char letter;

			memset(wch, 0, sizeof wch);
			if (mvwin_wch(stdscr, y, x, &cc) == ERR ||
			    getcchar(&cc, wch, &attrs, &pair, NULL) == ERR) {
				wch[0] = L' ';
				pair = 0;
			}
			sl = pair > 0 && pair <= SLOT_COUNT_ ? (enum slot)(pair - 1) : SLOT_DEFAULT;
			used[sl] = true;
			if (wch[0] == 0)
				wch[0] = L' ';
			for (k = 0; k < CCHARW_MAX && wch[k]; k++) {
				char enc[4];

				sb_add(&row, enc, (size_t)utf8_encode((uint32_t)wch[k], enc));
			}
			w = wcwidth(wch[0]);
			if (w < 1)
				w = 1;
			if (x + w > cols)
				w = cols - x;
			letter = term_slot_letter(sl);
			for (k = 0; k < w; k++)
				sb_addc(&srow, letter);
			if (wch[0] != L' ' || wch[1])
				keep_text = row.len;
			if (letter != '.')
				keep_slot = srow.len;
			x += w;
		}
		sb_add(&text, sb_str(&row), keep_text);
		sb_addc(&text, '\n');
		sb_add(&slots, sb_str(&srow), keep_slot);
		sb_addc(&slots, '\n');
	}
	f = fopen(path, "w");
	if (!f) {
		err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		goto out;
	}
	fputs(sb_str(&text), f);
	fprintf(f, "-- slots --\n%s", sb_str(&slots));
	if (t->colors)
		fprintf(f, "-- legend: theme %s, %d colours --\n", t->theme, t->colors);
	else
		fprintf(f, "-- legend: theme %s, attributes only --\n", t->theme);
	for (s = 0; s < SLOT_COUNT_; s++) {
		struct strbuf line = STRBUF_INIT;
		char b1[16], b2[16];

		if (!used[s])
			continue;
		sb_addf(&line, "%c %s:", term_slot_letter((enum slot)s), slot_name((enum slot)s));
		if (t->colors) {
			sb_addf(&line, " fg=%s bg=%s",
				theme_color_name(t->styles[s].fg, b1, sizeof b1),
				theme_color_name(t->styles[s].bg, b2, sizeof b2));
			sty_names(&line, t->styles[s].attrs);
		} else {
			sty_names(&line, t->styles[s].mono);
		}
		fprintf(f, "%s\n", sb_str(&line));
		sb_free(&line);
	}
	if (fclose(f) != 0) {
		f = NULL;
		err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		goto out;
	}
	f = NULL;
	rc = 0;
out:
	if (f)
		fclose(f);
	sb_free(&text);
	sb_free(&slots);
	sb_free(&row);
	sb_free(&srow);
	return rc;
}
