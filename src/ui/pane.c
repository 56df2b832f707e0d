#include "ui/pane.h"

#include <stdlib.h>
#include <string.h>

#include "ui/app.h"

void pane_free(struct pane *p)
{
	tb_free(&p->tb);
	memset(p, 0, sizeof *p);
}

void pane_clear(struct pane *p)
{
	tb_clear(&p->tb);
	p->sel = p->top = 0;
	p->hoff = 0;
}

static size_t page(const struct pane *p)
{
	return p->height > 1 ? (size_t)p->height : 1;
}

void pane_clamp(struct pane *p)
{
	size_t h = page(p);

	if (!p->tb.n) {
		p->sel = p->top = 0;
		return;
	}
	if (p->sel >= p->tb.n)
		p->sel = p->tb.n - 1;
	if (!p->selectable) {
		size_t maxtop = p->tb.n > h ? p->tb.n - h : 0;

		if (p->top > maxtop)
			p->top = maxtop;
		return;
	}
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + h)
		p->top = p->sel - h + 1;
}

void pane_select(struct pane *p, size_t i)
{
	size_t h = page(p);

	p->sel = i;
	if (p->selectable) {
		/* Bring it to the middle when it was off screen. */
		if (i < p->top || i >= p->top + h)
			p->top = i > h / 2 ? i - h / 2 : 0;
	} else {
		p->top = i;
	}
	pane_clamp(p);
}

static void shift(struct pane *p, long d)
{
	size_t n = p->tb.n;

	if (!n)
		return;
	if (p->selectable) {
		if (d < 0)
			p->sel = (size_t)-d > p->sel ? 0 : p->sel - (size_t)-d;
		else
			p->sel = p->sel + (size_t)d >= n ? n - 1 : p->sel + (size_t)d;
		/* Page moves scroll the view along with the cursor. */
		if (d >= (long)page(p) / 2 || -d >= (long)page(p) / 2) {
			if (d < 0)
				p->top = (size_t)-d > p->top ? 0 : p->top - (size_t)-d;
			else
				p->top += (size_t)d;
		}
	} else {
		if (d < 0)
			p->top = (size_t)-d > p->top ? 0 : p->top - (size_t)-d;
		else
			p->top += (size_t)d;
		p->sel = p->top;
	}
	pane_clamp(p);
}

bool pane_move(struct pane *p, enum action a)
{
	long h = (long)page(p);

	switch (a) {
	case ACT_MOVE_DOWN: shift(p, 1); return true;
	case ACT_MOVE_UP: shift(p, -1); return true;
	case ACT_PAGE_DOWN: shift(p, h); return true;
	case ACT_PAGE_UP: shift(p, -h); return true;
	case ACT_HALF_DOWN: shift(p, h / 2 > 0 ? h / 2 : 1); return true;
	case ACT_HALF_UP: shift(p, -(h / 2 > 0 ? h / 2 : 1)); return true;
	case ACT_MOVE_FIRST:
		p->sel = p->top = 0;
		pane_clamp(p);
		return true;
	case ACT_MOVE_LAST:
		p->sel = p->tb.n ? p->tb.n - 1 : 0;
		p->top = p->tb.n;
		pane_clamp(p);
		if (p->selectable && p->sel >= page(p))
			p->top = p->sel - page(p) + 1;
		return true;
	case ACT_SCROLL_RIGHT:
		p->hoff += 8;
		return true;
	case ACT_SCROLL_LEFT:
		p->hoff = p->hoff > 8 ? p->hoff - 8 : 0;
		return true;
	default:
		return false;
	}
}

bool pane_find(struct pane *p, const char *text, int dir, bool *wrapped)
{
	size_t n = p->tb.n, i, k;

	*wrapped = false;
	if (!n || !text || !*text)
		return false;
	for (k = 0; k < n; k++) {
		if (dir == 0)
			i = (p->sel + k) % n;
		else if (dir > 0)
			i = (p->sel + 1 + k) % n;
		else
			i = (p->sel + n - 1 - k) % n;
		if (text_has_ci(p->tb.lines[i].text, p->tb.lines[i].len, text)) {
			*wrapped = dir < 0 ? i >= p->sel : dir > 0 ? i <= p->sel : i < p->sel;
			pane_select(p, i);
			return true;
		}
	}
	return false;
}

void pane_render(struct pane *p, struct frame *f, struct rect r, bool focus, const char *mark)
{
	size_t i;
	int y;

	p->height = r.h;
	pane_clamp(p);
	for (y = 0, i = p->top; y < r.h; y++, i++) {
		if (i >= p->tb.n) {
			frame_line(f, r.y + y, r.x, r.w, SLOT_DEFAULT);
			continue;
		}
		frame_copy(f, r.y + y, r.x, r.w, &p->tb.lines[i], p->hoff, SLOT_DEFAULT,
			   p->selectable && i == p->sel ?
			   (focus ? SLOT_CURSOR : SLOT_CURSOR_BLUR) : SLOT_KEEP);
		if (mark && *mark && f->n)
			tb_line_mark(&f->tb.lines[f->items[f->n - 1].line], mark, SLOT_MATCH);
	}
}
