#include "ui/lineedit.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ui/frame.h"

/* ---- history ----------------------------------------------------------- */

void le_history_add(struct le_history *h, const char *s)
{
	size_t max = h->max ? h->max : 100;

	if (!s || !*s)
		return;
	if (h->n && strcmp(h->v[h->n - 1], s) == 0)
		return;
	if (h->n == max) {
		free(h->v[0]);
		memmove(h->v, h->v + 1, (h->n - 1) * sizeof *h->v);
		h->n--;
	}
	GROW(h->v, h->cap, h->n + 1);
	h->v[h->n++] = xstrdup(s);
}

void le_history_free(struct le_history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->v[i]);
	free(h->v);
	memset(h, 0, sizeof *h);
}

/* ---- text -------------------------------------------------------------- */

void le_init(struct lineedit *e, const char *initial, struct le_history *hist)
{
	memset(e, 0, sizeof *e);
	e->hist = hist;
	e->hpos = hist ? hist->n : 0;
	le_set(e, initial ? initial : "");
}

void le_free(struct lineedit *e)
{
	free(e->buf);
	free(e->draft);
	memset(e, 0, sizeof *e);
}

void le_set(struct lineedit *e, const char *text)
{
	size_t n = strlen(text);

	GROW(e->buf, e->cap, n + 1);
	memcpy(e->buf, text, n + 1);
	e->len = n;
	e->cur = n;
}

const char *le_text(const struct lineedit *e)
{
	return e->buf ? e->buf : "";
}

void le_insert_text(struct lineedit *e, const char *s, size_t n)
{
	GROW(e->buf, e->cap, e->len + n + 1);
	memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, s, n);
	e->len += n;
	e->cur += n;
}

bool le_insert_cp(struct lineedit *e, uint32_t cp)
{
	char enc[4];

	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	le_insert_text(e, enc, (size_t)utf8_encode(cp, enc));
	return true;
}

/* Start of the code point before byte offset i (invalid bytes count as one). */
static size_t prev_cp(const struct lineedit *e, size_t i)
{
	size_t j;
	uint32_t cp;

	if (i == 0)
		return 0;
	for (j = i - 1; j > 0 && i - j < 4; j--) {
		if (((unsigned char)e->buf[j] & 0xc0) != 0x80)
			break;
	}
	if (utf8_decode(e->buf + j, i - j, &cp) == (int)(i - j))
		return j;
	return i - 1;
}

static size_t next_cp(const struct lineedit *e, size_t i)
{
	uint32_t cp;
	int len;

	if (i >= e->len)
		return e->len;
	len = utf8_decode(e->buf + i, e->len - i, &cp);
	return i + (size_t)(len > 0 ? len : 1);
}

static bool is_word_at(const struct lineedit *e, size_t i)
{
	unsigned char c = (unsigned char)e->buf[i];

	if (c >= 0x80)
		return true;
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

static size_t word_left(const struct lineedit *e, size_t i)
{
	while (i > 0 && !is_word_at(e, prev_cp(e, i)))
		i = prev_cp(e, i);
	while (i > 0 && is_word_at(e, prev_cp(e, i)))
		i = prev_cp(e, i);
	return i;
}

static size_t word_right(const struct lineedit *e, size_t i)
{
	while (i < e->len && !is_word_at(e, i))
		i = next_cp(e, i);
	while (i < e->len && is_word_at(e, i))
		i = next_cp(e, i);
	return i;
}

static void delete_range(struct lineedit *e, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	if (e->cur > to)
		e->cur -= to - from;
	else if (e->cur > from)
		e->cur = from;
}

static void history_move(struct lineedit *e, int dir)
{
	struct le_history *h = e->hist;

	if (!h || !h->n)
		return;
	if (dir < 0) {
		if (e->hpos == 0)
			return;
		if (e->hpos >= h->n) {
			free(e->draft);
			e->draft = xstrdup(le_text(e));
			e->hpos = h->n;
		}
		e->hpos--;
		le_set(e, h->v[e->hpos]);
	} else {
		if (e->hpos >= h->n)
			return;
		e->hpos++;
		if (e->hpos == h->n) {
			le_set(e, e->draft ? e->draft : "");
			FREE(e->draft);
		} else {
			le_set(e, h->v[e->hpos]);
		}
	}
}

enum le_result le_action(struct lineedit *e, enum action a)
{
	switch (a) {
	case ACT_EDIT_LEFT:
		e->cur = prev_cp(e, e->cur);
		break;
	case ACT_EDIT_RIGHT:
		e->cur = next_cp(e, e->cur);
		break;
	case ACT_EDIT_WORD_LEFT:
		e->cur = word_left(e, e->cur);
		break;
	case ACT_EDIT_WORD_RIGHT:
		e->cur = word_right(e, e->cur);
		break;
	case ACT_EDIT_HOME:
		e->cur = 0;
		break;
	case ACT_EDIT_END:
		e->cur = e->len;
		break;
	case ACT_EDIT_BACKSPACE:
		delete_range(e, prev_cp(e, e->cur), e->cur);
		break;
	case ACT_EDIT_DELETE:
		delete_range(e, e->cur, next_cp(e, e->cur));
		break;
	case ACT_EDIT_DELETE_WORD:
		delete_range(e, word_left(e, e->cur), e->cur);
		break;
	case ACT_EDIT_KILL_LINE:
		delete_range(e, e->cur, e->len);
		break;
	case ACT_EDIT_KILL_START:
		delete_range(e, 0, e->cur);
		break;
	case ACT_EDIT_HISTORY_PREV:
	case ACT_MOVE_UP:
		history_move(e, -1);
		break;
	case ACT_EDIT_HISTORY_NEXT:
	case ACT_MOVE_DOWN:
		history_move(e, 1);
		break;
	case ACT_EDIT_ACCEPT:
		return LE_ACCEPT;
	case ACT_EDIT_CANCEL:
		return LE_CANCEL;
	case ACT_EDIT_EXTERNAL:
		return LE_EXTERNAL;
	default:
		return LE_UNHANDLED;
	}
	return LE_CHANGED;
}

/* Display width of the sanitised rendering of buf[0..n). */
static int shown_width(const char *s, size_t n)
{
	struct tb_line l;
	int w;

	memset(&l, 0, sizeof l);
	tb_line_put_untrusted(&l, SLOT_DEFAULT, s, n);
	w = l.width;
	free(l.text);
	free(l.segs);
	return w;
}

int le_render(struct lineedit *e, int width, struct tb_line *out, enum slot slot)
{
	struct tb_line whole;
	int cx, total;

	if (width < 1)
		width = 1;
	cx = shown_width(le_text(e), e->cur);
	memset(&whole, 0, sizeof whole);
	tb_line_put_untrusted(&whole, slot, le_text(e), e->len);
	total = whole.width;
	/* Keep the cursor visible, with room for it after the last character. */
	if (cx < e->scroll)
		e->scroll = cx;
	if (cx >= e->scroll + width)
		e->scroll = cx - width + 1;
	if (e->scroll > 0 && total - e->scroll < width - 1)
		e->scroll = total - width + 1 > 0 ? total - width + 1 : 0;
	tb_line_slice(out, &whole, e->scroll, width);
	free(whole.text);
	free(whole.segs);
	return cx - e->scroll;
}
