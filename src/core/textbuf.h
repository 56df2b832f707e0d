#ifndef TB_CORE_TEXTBUF_H
#define TB_CORE_TEXTBUF_H
/*
 * Styled text: lines made of segments, each segment a colour slot and text.
 * Views and renderers produce textbufs; only the UI turns them into screen
 * cells.  Text inside a textbuf is always safe to draw: valid UTF-8 of
 * printable characters only.  Untrusted text goes in through tb_put_untrusted,
 * which turns control bytes, escape sequences, C1 controls, bidi overrides
 * and invalid UTF-8 into visible escapes (^[, \x9b, <U+202E>, \xff) in
 * SLOT_ESCAPE.  tb_put takes our own trusted literals (and asserts nothing:
 * never pass it data from a trace).
 *
 * Text read from a store may hold NUL bytes, which C strings cannot: the
 * store layer keeps each as TB_NUL, the two bytes C0 80 (modified UTF-8's
 * NUL, never valid UTF-8 otherwise), so nothing after it is lost; the
 * sanitiser draws it as the escape ^@, JSON output writes \u0000.
 *
 * Ownership: the textbuf owns its lines; tb_free releases them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/slot.h"

#define TB_NUL "\xc0\x80"

struct tb_seg {
	uint32_t off;    /* into line.text */
	uint32_t len;    /* bytes */
	uint16_t slot;   /* enum slot */
};

struct tb_line {
	char *text;      /* all segments' text, NUL-terminated */
	size_t len, cap;
	struct tb_seg *segs;
	size_t nsegs, capsegs;
	int width;       /* display columns */
	/* Free for the producer: e.g. the JSON node or span behind the line. */
	uint32_t ref;
	uint16_t depth;
	uint16_t flags;
};

struct textbuf {
	struct tb_line *lines;
	size_t n, cap;
};

/* Starts a new, empty line and returns it (borrowed, valid until the next
 * tb_newline or tb_free). */
struct tb_line *tb_newline(struct textbuf *tb);
/* The last line, starting one if there is none. */
struct tb_line *tb_cur(struct textbuf *tb);

void tb_put(struct textbuf *tb, enum slot slot, const char *trusted);
void tb_putf(struct textbuf *tb, enum slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tb_put_untrusted(struct textbuf *tb, enum slot slot, const char *s, size_t n);
/* Untrusted text that may hold newlines: each line break starts a new
 * textbuf line (with the given indent in spaces). */
void tb_put_untrusted_lines(struct textbuf *tb, enum slot slot, const char *s, size_t n,
			    int indent);
void tb_spaces(struct textbuf *tb, enum slot slot, int n);

void tb_free(struct textbuf *tb);
void tb_clear(struct textbuf *tb);  /* drops lines, keeps nothing */

/* ---- sanitising and widths --------------------------------------------- */

/* Appends the safe rendering of untrusted bytes to a line: normal runs in
 * `slot`, escapes in SLOT_ESCAPE. */
void tb_line_put_untrusted(struct tb_line *l, enum slot slot, const char *s, size_t n);
void tb_line_put(struct tb_line *l, enum slot slot, const char *trusted, size_t n);

/* Sanitises into a plain string (no styling): for messages and one-line
 * fields.  Caller frees. */
char *sanitize_dup(const char *s, size_t n);

/* Decodes one UTF-8 code point at s (n bytes available).  Returns the number
 * of bytes used (1..4) and *cp, or 0 when the bytes are not valid UTF-8
 * (overlong, surrogate, out of range, truncated). */
int utf8_decode(const char *s, size_t n, uint32_t *cp);
int utf8_encode(uint32_t cp, char out[4]);

/* Display width of a code point (wcwidth, with the locale in effect); -1
 * for non-printables. */
int cp_width(uint32_t cp);
/* Display width of safe text. */
int text_width(const char *s, size_t n);
/* Byte length of the longest prefix of safe text that fits in `cols`
 * columns; *used gets its width. */
size_t text_fit(const char *s, size_t n, int cols, int *used);

/* Is this code point one that must be shown as an escape? */
bool cp_needs_escape(uint32_t cp);

#endif
