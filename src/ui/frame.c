#include "ui/frame.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void frame_reset(struct frame *f, int rows, int cols)
{
	tb_clear(&f->tb);
	f->n = 0;
	f->rows = rows;
	f->cols = cols;
	f->cur_y = -1;
	f->cur_x = -1;
}

void frame_free(struct frame *f)
{
	tb_free(&f->tb);
	free(f->items);
	memset(f, 0, sizeof *f);
}

static struct frame_item *add_item(struct frame *f, int y, int x, int w, enum slot fill)
{
	struct frame_item *it;

	if (y < 0 || y >= f->rows || x < 0 || x >= f->cols || w <= 0)
		return NULL;
	if (x + w > f->cols)
		w = f->cols - x;
	GROW(f->items, f->cap, f->n + 1);
	it = &f->items[f->n++];
	it->y = y;
	it->x = x;
	it->w = w;
	it->fill = fill;
	it->over = SLOT_KEEP;
	tb_newline(&f->tb);
	it->line = f->tb.n - 1;
	return it;
}

struct tb_line *frame_line(struct frame *f, int y, int x, int w, enum slot fill)
{
	struct frame_item *it = add_item(f, y, x, w, fill);

	return it ? &f->tb.lines[it->line] : NULL;
}

void frame_over(struct frame *f, enum slot over)
{
	if (f->n)
		f->items[f->n - 1].over = over;
}

void frame_copy(struct frame *f, int y, int x, int w, const struct tb_line *src, int hoff,
		enum slot fill, enum slot over)
{
	struct frame_item *it = add_item(f, y, x, w, fill);

	if (!it)
		return;
	it->over = over;
	if (src)
		tb_line_slice(&f->tb.lines[it->line], src, hoff, it->w);
}

void frame_fill(struct frame *f, int y, int x, int h, int w, enum slot slot)
{
	int i;

	for (i = 0; i < h; i++)
		frame_line(f, y + i, x, w, slot);
}

/* ---- slicing by display columns ---------------------------------------- */

static void put_spaces(struct tb_line *l, enum slot slot, int n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		int k = n > 32 ? 32 : n;

		tb_line_put(l, slot, sp, (size_t)k);
		n -= k;
	}
}

int tb_line_slice(struct tb_line *dst, const struct tb_line *src, int from, int w)
{
	int col = 0, added = 0;
	size_t s;

	if (w <= 0)
		return 0;
	for (s = 0; s < src->nsegs && added < w; s++) {
		const struct tb_seg *seg = &src->segs[s];
		const char *p = src->text + seg->off;
		size_t n = seg->len, i = 0, run = 0;
		bool in_run = false;

		while (i < n && added < w) {
			uint32_t cp;
			int len = utf8_decode(p + i, n - i, &cp), cw;

			if (len <= 0)
				len = 1, cw = 1;
			else
				cw = cp_width(cp) > 0 ? cp_width(cp) : 0;
			if (col + cw <= from) {
				/* Before the window (zero-width marks at its left edge are dropped). */
				col += cw;
				i += (size_t)len;
				continue;
			}
			if (col < from) {
				/* A wide character cut by the left edge. */
				if (in_run)
					tb_line_put(dst, (enum slot)seg->slot, p + run, i - run);
				in_run = false;
				put_spaces(dst, (enum slot)seg->slot, col + cw - from);
				added += col + cw - from;
				col += cw;
				i += (size_t)len;
				continue;
			}
			if (added + cw > w) {
				/* A wide character cut by the right edge. */
				if (in_run)
					tb_line_put(dst, (enum slot)seg->slot, p + run, i - run);
				in_run = false;
				put_spaces(dst, (enum slot)seg->slot, w - added);
				added = w;
				break;
			}
			if (!in_run) {
				run = i;
				in_run = true;
			}
			col += cw;
			added += cw;
			i += (size_t)len;
		}
		if (in_run)
			tb_line_put(dst, (enum slot)seg->slot, p + run, i - run);
	}
	return added;
}

int tb_line_put_fit(struct tb_line *l, enum slot slot, const char *s, int w)
{
	struct tb_line tmp;
	int used;

	memset(&tmp, 0, sizeof tmp);
	tb_line_put(&tmp, slot, s, strlen(s));
	if (tmp.width <= w) {
		used = tmp.width;
		tb_line_put(l, slot, s, strlen(s));
	} else if (w > 0) {
		used = tb_line_slice(l, &tmp, 0, w - 1);
		tb_line_put(l, SLOT_MARKER, "…", strlen("…"));
		used++;
	} else {
		used = 0;
	}
	free(tmp.text);
	free(tmp.segs);
	return used;
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f';
}

int tb_line_put_untrusted_fit(struct tb_line *l, enum slot slot, const char *s, size_t n, int w,
			      bool collapse)
{
	struct tb_line tmp;
	size_t i = 0, start;
	size_t budget;
	int used;
	bool cut = false, pending_space = false;

	if (w <= 0 || !s)
		return 0;
	memset(&tmp, 0, sizeof tmp);
	/* Bound the work: enough code points to fill w + 1 columns even if
	 * many are zero-width. */
	budget = (size_t)w * 8 + 64;
	if (collapse)
		while (i < n && is_space((unsigned char)s[i]))
			i++;
	while (i < n) {
		uint32_t cp;
		int len;

		if (tmp.width > w || budget == 0) {
			cut = true;
			break;
		}
		if (collapse && is_space((unsigned char)s[i])) {
			while (i < n && is_space((unsigned char)s[i]))
				i++;
			pending_space = true;
			continue;
		}
		if (pending_space) {
			tb_line_put(&tmp, slot, " ", 1);
			pending_space = false;
		}
		/* Take a run of code points up to the next space (or a few). */
		start = i;
		while (i < n && budget > 0 && !(collapse && is_space((unsigned char)s[i]))) {
			len = utf8_decode(s + i, n - i, &cp);
			i += (size_t)(len > 0 ? len : 1);
			budget--;
			if (i - start >= 64)
				break;
		}
		tb_line_put_untrusted(&tmp, slot, s + start, i - start);
	}
	if (!cut && tmp.width > w)
		cut = true;
	if (!cut) {
		used = tb_line_slice(l, &tmp, 0, w);
	} else {
		used = tb_line_slice(l, &tmp, 0, w - 1);
		tb_line_put(l, SLOT_MARKER, "…", strlen("…"));
		used++;
	}
	free(tmp.text);
	free(tmp.segs);
	return used;
}

void tb_line_pad(struct tb_line *l, enum slot slot, int w)
{
	if (l->width < w)
		put_spaces(l, slot, w - l->width);
}
