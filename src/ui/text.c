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

#include "core/jstr.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "ui/app.h"

char *ui_json_string(const char *json)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = json, *e;

	if (!p)
		return NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	e = jstr_decode(p, p + strlen(p), &sb, NULL);
	while (e && (*e == ' ' || *e == '\t' || *e == '\n' || *e == '\r'))
		e++;
	if (!e || *e) {
		sb_free(&sb);
		return NULL;
	}
	return sb_take(&sb);
}

static bool word_in(const char *s, const char *const *words)
{
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

/* Untrusted text made safe and cut to w columns ("…" when cut). */
static void put_cut(struct strbuf *out, const char *t, int w)
{
	char *safe = sanitize_dup(t, strlen(t));
	size_t n = strlen(safe);
	int used;

	if (w < 1)
		w = 1;
	if (text_width(safe, n) <= w) {
		sb_add(out, safe, n);
	} else {
		sb_add(out, safe, text_fit(safe, n, w > 1 ? w - 1 : 1, &used));
		if (w > 1)
			sb_adds(out, "…");
	}
	free(safe);
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
		} else if (t) {
			put_cut(out, t, w);
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

enum slot ui_status_slot(const char *status)
{
	if (str_eq(status, "OK"))
		return SLOT_STATUS_OK;
	if (str_eq(status, "ERROR"))
		return SLOT_STATUS_ERROR;
	return SLOT_STATUS_OTHER;
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
