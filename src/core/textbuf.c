#include "core/textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/strbuf.h"
#include "core/util.h"

/* ---- UTF-8 ------------------------------------------------------------- */

int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	int len, i;

	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		len = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		len = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		len = 4;
		c = u[0] & 0x07;
	} else {
		return 0;
	}
	if (n < (size_t)len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	if (c >= 0xd800 && c <= 0xdfff)
		return 0;
	*cp = c;
	return len;
}

int utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

bool cp_needs_escape(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f)
		return true;                       /* C0 controls, DEL */
	if (cp >= 0x80 && cp <= 0x9f)
		return true;                       /* C1 controls */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return true;                       /* bidi embeddings, overrides, isolates */
	if (cp == 0x200e || cp == 0x200f || cp == 0x061c)
		return true;                       /* bidi marks */
	if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff)
		return true;                       /* line/paragraph separators, BOM */
	if ((cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f))
		return true;                       /* interlinear annotations, tags */
	return cp_width(cp) < 0;
}

int cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return -1;
	if (cp < 0x7f)
		return 1;
	return wcwidth((wchar_t)cp);
}

int text_width(const char *s, size_t n)
{
	int w = 0;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp), cw;

		if (!len) {
			i++;
			w++;
			continue;
		}
		cw = cp_width(cp);
		w += cw > 0 ? cw : 0;
		i += (size_t)len;
	}
	return w;
}

size_t text_fit(const char *s, size_t n, int cols, int *used)
{
	int w = 0;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp), cw;

		if (!len)
			len = 1, cw = 1;
		else
			cw = cp_width(cp) > 0 ? cp_width(cp) : 0;
		if (w + cw > cols)
			break;
		w += cw;
		i += (size_t)len;
	}
	if (used)
		*used = w;
	return i;
}

/* ---- lines ------------------------------------------------------------- */

static void line_append(struct tb_line *l, enum slot slot, const char *s, size_t n, int width)
{
	struct tb_seg *last;

	if (!n)
		return;
	GROW(l->text, l->cap, l->len + n + 1);
	memcpy(l->text + l->len, s, n);
	last = l->nsegs ? &l->segs[l->nsegs - 1] : NULL;
	if (last && last->slot == slot && last->off + last->len == l->len) {
		last->len += (uint32_t)n;
	} else {
		GROW(l->segs, l->capsegs, l->nsegs + 1);
		l->segs[l->nsegs].off = (uint32_t)l->len;
		l->segs[l->nsegs].len = (uint32_t)n;
		l->segs[l->nsegs].slot = (uint16_t)slot;
		l->nsegs++;
	}
	l->len += n;
	l->text[l->len] = '\0';
	l->width += width;
}

void tb_line_put(struct tb_line *l, enum slot slot, const char *trusted, size_t n)
{
	line_append(l, slot, trusted, n, text_width(trusted, n));
}

static void put_escape(struct tb_line *l, const char *esc)
{
	line_append(l, SLOT_ESCAPE, esc, strlen(esc), (int)strlen(esc));
}

void tb_line_put_untrusted(struct tb_line *l, enum slot slot, const char *s, size_t n)
{
	size_t i = 0, run = 0;
	int runw = 0;
	char esc[16];

	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);

		if (len && !cp_needs_escape(cp)) {
			runw += cp_width(cp) > 0 ? cp_width(cp) : 0;
			i += (size_t)len;
			continue;
		}
		/* Flush the safe run before the escape. */
		line_append(l, slot, s + run, i - run, runw);
		runw = 0;
		if (!len && n - i >= 2 && memcmp(s + i, TB_NUL, 2) == 0) {
			snprintf(esc, sizeof esc, "^@");
			len = 2;
		} else if (!len) {
			snprintf(esc, sizeof esc, "\\x%02x", (unsigned char)s[i]);
			len = 1;
		} else if (cp < 0x20) {
			snprintf(esc, sizeof esc, "^%c", (char)(cp + 0x40));
		} else if (cp == 0x7f) {
			snprintf(esc, sizeof esc, "^?");
		} else if (cp >= 0x80 && cp <= 0x9f) {
			snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
		} else {
			snprintf(esc, sizeof esc, "<U+%04X>", (unsigned)cp);
		}
		put_escape(l, esc);
		i += (size_t)len;
		run = i;
	}
	line_append(l, slot, s + run, n - run, runw);
}

struct tb_line *tb_newline(struct textbuf *tb)
{
	GROW(tb->lines, tb->cap, tb->n + 1);
	memset(&tb->lines[tb->n], 0, sizeof tb->lines[0]);
	return &tb->lines[tb->n++];
}

struct tb_line *tb_cur(struct textbuf *tb)
{
	return tb->n ? &tb->lines[tb->n - 1] : tb_newline(tb);
}

void tb_put(struct textbuf *tb, enum slot slot, const char *trusted)
{
	tb_line_put(tb_cur(tb), slot, trusted, strlen(trusted));
}

void tb_putf(struct textbuf *tb, enum slot slot, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf) {
		char *big = xmalloc((size_t)n + 1);

		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		/* Formatted text may carry arguments from data: sanitise it. */
		tb_line_put_untrusted(tb_cur(tb), slot, big, (size_t)n);
		free(big);
		return;
	}
	tb_line_put_untrusted(tb_cur(tb), slot, buf, (size_t)n);
}

void tb_put_untrusted(struct textbuf *tb, enum slot slot, const char *s, size_t n)
{
	tb_line_put_untrusted(tb_cur(tb), slot, s, n);
}

void tb_put_untrusted_lines(struct textbuf *tb, enum slot slot, const char *s, size_t n,
			    int indent)
{
	size_t start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n')
			continue;
		if (start > 0) {
			tb_newline(tb);
			tb_spaces(tb, slot, indent);
		}
		/* A CR before the LF is part of the line break. */
		tb_put_untrusted(tb, slot, s + start,
				 (i > start && s[i - 1] == '\r' && i < n) ? i - start - 1 : i - start);
		start = i + 1;
	}
}

void tb_spaces(struct textbuf *tb, enum slot slot, int n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		int k = n > 32 ? 32 : n;

		tb_line_put(tb_cur(tb), slot, sp, (size_t)k);
		n -= k;
	}
}

void tb_clear(struct textbuf *tb)
{
	size_t i;

	for (i = 0; i < tb->n; i++) {
		free(tb->lines[i].text);
		free(tb->lines[i].segs);
	}
	tb->n = 0;
}

void tb_free(struct textbuf *tb)
{
	tb_clear(tb);
	free(tb->lines);
	memset(tb, 0, sizeof *tb);
}

char *sanitize_dup(const char *s, size_t n)
{
	struct tb_line l;
	char *out;

	memset(&l, 0, sizeof l);
	tb_line_put_untrusted(&l, SLOT_DEFAULT, s, n);
	out = l.text ? l.text : xstrdup("");
	free(l.segs);
	return out;
}
