#ifndef TB_JSON_RENDER_INT_H
#define TB_JSON_RENDER_INT_H
/*
 * What the renderers of json/ share (render.c, chat.c): cutting text at a
 * byte cap on a character boundary, putting it sanitised into a textbuf,
 * the "… 9.5 MB more" marker, indentation and text of several lines.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/slot.h"
#include "core/textbuf.h"

#define CHAT_TEXT_CAP 16384   /* bytes of one message text or stack trace */

/* The longest prefix of s[0..n) of at most cap bytes that ends on a
 * character boundary. */
size_t render_cut(const char *s, size_t n, size_t cap);
/* s[0..n) into tb in slot, sanitised, tabs as four spaces. */
void render_text(struct textbuf *tb, enum slot slot, const char *s, size_t n);
/* The marker of `more` bytes not shown. */
void render_more(struct textbuf *tb, size_t more);
void render_spaces(struct textbuf *tb, int n);
/* Text of several lines in slot: the first continues the current line,
 * the others start new lines (ref, depth) indented by `indent`; cut at
 * cap bytes. */
void render_lines(struct textbuf *tb, enum slot slot, const char *s, size_t n, int indent,
		  size_t cap, uint32_t ref, uint16_t depth);

#endif
