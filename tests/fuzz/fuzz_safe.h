/*
 * Shared checks for the fuzz targets: text that reaches the screen must be
 * safe to draw.  Safe means valid UTF-8 holding no C0 control (< 0x20), no
 * DEL, no C1 control (U+0080..U+009F), no bidi embedding, override, isolate
 * or mark, and nothing else the sanitiser promises to escape.  A textbuf is
 * also checked for internal consistency: segments tile the line's text,
 * never split a character, and the cached width matches the text.
 *
 * Every check aborts with a message naming what was wrong, which libFuzzer
 * reports as a crash with the input that caused it.
 */
#ifndef TB_FUZZ_SAFE_H
#define TB_FUZZ_SAFE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/textbuf.h"

#define FUZZ_FAIL(...) do { \
	fprintf(stderr, "fuzz check failed: " __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

/* The code points a screen must never receive raw, listed independently of
 * the sanitiser's own table so that a change there is caught here. */
static inline int fuzz_cp_forbidden(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	       cp == 0x2028 || cp == 0x2029 || (cp >= 0xd800 && cp <= 0xdfff) ||
	       cp > 0x10ffff;
}

/* Valid UTF-8, no forbidden code point, no NUL inside. */
static inline void fuzz_check_safe(const char *what, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);

		if (!len)
			FUZZ_FAIL("%s: invalid UTF-8 byte 0x%02x at offset %zu", what,
				  (unsigned char)s[i], i);
		if (fuzz_cp_forbidden(cp))
			FUZZ_FAIL("%s: raw U+%04X at offset %zu", what, (unsigned)cp, i);
		if (cp_needs_escape(cp))
			FUZZ_FAIL("%s: U+%04X needs an escape but is raw at offset %zu", what,
				  (unsigned)cp, i);
		i += (size_t)len;
	}
}

static inline void fuzz_check_line(const char *what, const struct tb_line *l)
{
	size_t i, at = 0;

	if (!l->text) {
		if (l->len || l->nsegs)
			FUZZ_FAIL("%s: line without text has len %zu, %zu segments", what,
				  l->len, l->nsegs);
		return;
	}
	if (l->text[l->len] != '\0')
		FUZZ_FAIL("%s: line text is not NUL-terminated", what);
	if (strlen(l->text) != l->len)
		FUZZ_FAIL("%s: NUL inside line text (len %zu, strlen %zu)", what, l->len,
			  strlen(l->text));
	fuzz_check_safe(what, l->text, l->len);
	for (i = 0; i < l->nsegs; i++) {
		const struct tb_seg *sg = &l->segs[i];
		uint32_t cp;

		if (sg->off != at)
			FUZZ_FAIL("%s: segment %zu starts at %u, expected %zu", what, i,
				  (unsigned)sg->off, at);
		if (sg->len == 0)
			FUZZ_FAIL("%s: empty segment %zu", what, i);
		if (sg->slot >= SLOT_COUNT_)
			FUZZ_FAIL("%s: segment %zu has slot %u", what, i, (unsigned)sg->slot);
		if (utf8_decode(l->text + sg->off, l->len - sg->off, &cp) == 0)
			FUZZ_FAIL("%s: segment %zu starts inside a character", what, i);
		at += sg->len;
	}
	if (at != l->len)
		FUZZ_FAIL("%s: segments cover %zu of %zu bytes", what, at, l->len);
	if (l->width != text_width(l->text, l->len))
		FUZZ_FAIL("%s: cached width %d, text is %d columns", what, l->width,
			  text_width(l->text, l->len));
}

static inline void fuzz_check_textbuf(const char *what, const struct textbuf *tb)
{
	size_t i;

	for (i = 0; i < tb->n; i++)
		fuzz_check_line(what, &tb->lines[i]);
}

#endif
