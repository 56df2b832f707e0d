#ifndef TB_UI_PANE_H
#define TB_UI_PANE_H
/*
 * A scrollable pane over a textbuf: a selected line, the first line shown
 * and a horizontal offset, with the moves every pane shares (line, page,
 * half page, first, last), search over the rendered lines (a line matches
 * when its text holds the needle, ASCII case ignored) and rendering of the
 * visible lines into a frame.  Used by the help screen, the span detail and
 * the feedback pane.
 *
 * Ownership: the pane owns its textbuf (pane_free).  Lines are reached by
 * index; a pane never keeps pointers into the textbuf across changes.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/action.h"
#include "core/textbuf.h"
#include "ui/frame.h"
#include "ui/layout.h"

struct pane {
	struct textbuf tb;
	size_t sel, top;
	int hoff;
	int height;            /* lines shown at the last render */
	bool selectable;       /* false: moves scroll, no cursor line */
};

void pane_free(struct pane *p);
/* Drops the lines and resets the position. */
void pane_clear(struct pane *p);
/* Keeps sel and top within the lines (after a re-render). */
void pane_clamp(struct pane *p);

/* Movement actions; returns false for other actions. */
bool pane_move(struct pane *p, enum action a);
/* Line i becomes the selection and is scrolled into view. */
void pane_select(struct pane *p, size_t i);
/* The next (dir >= 0) or previous line after the selection holding text,
 * wrapping; returns false when none does.  *wrapped tells a wrap. */
bool pane_find(struct pane *p, const char *text, int dir, bool *wrapped);

/* Draws the visible lines in r (no title); focus picks the cursor slot;
 * mark (may be NULL) highlights search matches. */
void pane_render(struct pane *p, struct frame *f, struct rect r, bool focus, const char *mark);

#endif
