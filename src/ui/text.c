/*
 * Small text helpers of the browser: JSON string literals decoded for
 * display, compact glyphs for feedback values, search matches marked in
 * styled lines.
 */
#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "ui/app.h"

static int hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

char *ui_json_string(const char *json)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = json;
	char enc[4];

	if (!p)
		return NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != '"')
		return NULL;
	sb_add(&sb, "", 0);
	for (;;) {
		uint32_t cp, lo;

		if (!*p)
			goto bad;
		if (*p == '"')
			break;
		if (*p != '\\') {
			sb_addc(&sb, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/':
			sb_addc(&sb, *p);
			break;
		case 'b': sb_addc(&sb, '\b'); break;
		case 'f': sb_addc(&sb, '\f'); break;
		case 'n': sb_addc(&sb, '\n'); break;
		case 'r': sb_addc(&sb, '\r'); break;
		case 't': sb_addc(&sb, '\t'); break;
		case 'u':
			if (hex4(p + 1, &cp) < 0)
				goto bad;
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && p[1] == '\\' && p[2] == 'u' &&
			    hex4(p + 3, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				cp = 0xfffd;
			}
			/* NUL would end the C string: show it as the escape it was. */
			if (cp == 0)
				sb_adds(&sb, "\\u0000");
			else
				sb_add(&sb, enc, (size_t)utf8_encode(cp, enc));
			break;
		default:
			goto bad;
		}
		p++;
	}
	p++;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p)
		goto bad;
	return sb_take(&sb);
bad:
	sb_free(&sb);
	return NULL;
}

static bool word_in(const char *s, const char *const *words)
{
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

void ui_fb_glyph(const char *json, int w, struct strbuf *out, enum slot *slot)
{
	static const char *const yes[] = { "yes", "y", "pass", "passed", "true", "correct",
					   "good", NULL };
	static const char *const no[] = { "no", "n", "fail", "failed", "false", "incorrect",
					  "bad", NULL };
	const char *p = json;
	char num[32];
	int prec;

	*slot = SLOT_FB_VALUE;
	if (!p) {
		sb_adds(out, "");
		return;
	}
	while (*p == ' ')
		p++;
	if (strcmp(p, "true") == 0) {
		*slot = SLOT_FB_TRUE;
		sb_adds(out, "✓");
	} else if (strcmp(p, "false") == 0) {
		*slot = SLOT_FB_FALSE;
		sb_adds(out, "✗");
	} else if (strcmp(p, "null") == 0) {
		sb_adds(out, "err");
	} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
		double v = strtod(p, NULL);

		if (w < 1)
			w = 1;
		for (prec = 6; prec >= 1; prec--) {
			snprintf(num, sizeof num, "%.*g", prec, v);
			if ((int)strlen(num) <= w)
				break;
		}
		if ((int)strlen(num) > w)
			num[w] = '\0';
		sb_adds(out, num);
	} else if (*p == '"') {
		char *s = ui_json_string(p), *t = s;
		size_t n;

		if (t) {
			while (isspace((unsigned char)*t))
				t++;
			n = strlen(t);
			while (n && isspace((unsigned char)t[n - 1]))
				t[--n] = '\0';
		}
		if (t && word_in(t, yes)) {
			*slot = SLOT_FB_TRUE;
			sb_adds(out, "✓");
		} else if (t && word_in(t, no)) {
			*slot = SLOT_FB_FALSE;
			sb_adds(out, "✗");
		} else {
			sb_adds(out, "txt");
		}
		free(s);
	} else {
		sb_adds(out, "obj");
	}
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Offset of the next case-insensitive match at or after from, or -1. */
static long find_ci(const char *hay, size_t n, size_t from, const char *needle, size_t m)
{
	size_t i, j;

	if (!m || m > n)
		return -1;
	for (i = from; i + m <= n; i++) {
		for (j = 0; j < m; j++)
			if (lower((unsigned char)hay[i + j]) != lower((unsigned char)needle[j]))
				break;
		if (j == m)
			return (long)i;
	}
	return -1;
}

bool text_has_ci(const char *hay, size_t n, const char *needle)
{
	return hay && needle && find_ci(hay, n, 0, needle, strlen(needle)) >= 0;
}

void tb_line_mark(struct tb_line *l, const char *needle, enum slot slot)
{
	size_t m = needle ? strlen(needle) : 0, s, nsegs = 0, cap = 0;
	struct tb_seg *segs = NULL;
	long at;
	size_t *ranges = NULL, nr = 0, rcap = 0, r;

	if (!m || !l->len)
		return;
	for (at = find_ci(l->text, l->len, 0, needle, m); at >= 0;
	     at = find_ci(l->text, l->len, (size_t)at + m, needle, m)) {
		GROW(ranges, rcap, nr + 2);
		ranges[nr++] = (size_t)at;
		ranges[nr++] = (size_t)at + m;
	}
	if (!nr)
		return;
	for (s = 0; s < l->nsegs; s++) {
		size_t a = l->segs[s].off, b = a + l->segs[s].len;

		while (a < b) {
			/* The next boundary after a, and whether a is inside a match. */
			size_t next = b;
			bool in = false;

			for (r = 0; r < nr; r += 2) {
				if (ranges[r] <= a && a < ranges[r + 1]) {
					in = true;
					if (ranges[r + 1] < next)
						next = ranges[r + 1];
				} else if (ranges[r] > a && ranges[r] < next) {
					next = ranges[r];
				}
			}
			GROW(segs, cap, nsegs + 1);
			segs[nsegs].off = (uint32_t)a;
			segs[nsegs].len = (uint32_t)(next - a);
			segs[nsegs].slot = (uint16_t)(in ? slot : l->segs[s].slot);
			nsegs++;
			a = next;
		}
	}
	free(l->segs);
	l->segs = segs;
	l->nsegs = nsegs;
	l->capsegs = cap;
	free(ranges);
}
