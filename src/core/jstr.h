#ifndef TB_CORE_JSTR_H
#define TB_CORE_JSTR_H
/*
 * JSON string literals decoded to UTF-8: the one decoder behind the
 * browser's value display, the feedback value comparison and the preview
 * reader.  \u escapes become UTF-8 (surrogate pairs joined, a lone
 * surrogate U+FFFD); \u0000, which would end a C string, stays the text
 * "\u0000".  The decoded text is as stored: untrusted.  Pure; input
 * borrowed.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"

/* Decodes the literal that starts at p (p[0] == '"'), reading no further
 * than end.  Appends the text to out and returns the position after the
 * closing quote; NULL when the literal is malformed.  When the text ends
 * before the closing quote (a preview cut short) and cut is not NULL, what
 * was read is kept, *cut is set and end is returned. */
const char *jstr_decode(const char *p, const char *end, struct strbuf *out, bool *cut);

/* The four hex digits at p (before end) as a number; -1 when they are not. */
int jstr_hex4(const char *p, const char *end, uint32_t *out);

#endif
