#ifndef TB_CMD_CSV_H
#define TB_CMD_CSV_H
/*
 * CSV cells (RFC 4180) for every command that writes CSV, made safe for
 * the two places CSV ends up:
 *   - a spreadsheet: a text cell whose first character is = + - @ TAB or
 *     CR would be taken for a formula (=HYPERLINK(...), =cmd|...), so it
 *     gets a leading apostrophe, as OWASP recommends ("CSV Injection");
 *     numbers are written as they are;
 *   - a terminal: with tty set, text is shown as the browser shows it
 *     (core/textbuf.h sanitize_dup: escape sequences, controls, bidi
 *     controls and invalid UTF-8 become visible escapes).
 * Cells holding , " CR or LF are quoted, quotes doubled; bytes that are
 * not UTF-8 become U+FFFD, so the file is UTF-8 throughout, and a NUL read
 * from the store (TB_NUL) is written as ^@, the rest of the text after it.
 */
#include <stdbool.h>

#include "core/strbuf.h"

/* Appends one cell to sb, after a ',' unless first.  s NULL or "" is an
 * empty cell; text false: s is a number (no formula guard). */
void csv_cell(struct strbuf *sb, const char *s, bool first, bool text, bool tty);

#endif
