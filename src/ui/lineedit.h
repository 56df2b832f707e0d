#ifndef TB_UI_LINEEDIT_H
#define TB_UI_LINEEDIT_H
/*
 * A one-line text editor, UTF-8 aware, for the : command line, / search and
 * rationale or text labels.  It knows nothing of the terminal: the loop
 * feeds it typed code points and EDIT_* actions, and asks it for a rendered
 * line (sanitised: whatever was typed or pasted is shown with visible
 * escapes) and the cursor column within a given width.  Cursor movement and
 * deletion work on whole code points; words are runs of letters, digits,
 * '_' and any non-ASCII character.
 *
 * History: a struct le_history outlives the editors that browse it (one per
 * purpose: commands, searches, rationales); an editor borrows it.
 *
 * Ownership: the editor owns its text; le_free releases it.  le_text is
 * borrowed until the next change.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/textbuf.h"

struct le_history {
	char **v;         /* oldest first, owned */
	size_t n, cap;
	size_t max;       /* 0: 100 */
};

/* Adds an entry (not empty, not a repeat of the newest); copies it. */
void le_history_add(struct le_history *h, const char *s);
void le_history_free(struct le_history *h);

struct lineedit {
	char *buf;        /* owned, NUL-terminated */
	size_t len, cap;
	size_t cur;       /* byte offset, on a code point boundary */
	int scroll;       /* first display column shown */
	struct le_history *hist; /* borrowed, may be NULL */
	size_t hpos;      /* hist->n: not browsing */
	char *draft;      /* what was typed before browsing history */
};

enum le_result {
	LE_UNHANDLED = 0, /* not an editing action */
	LE_CHANGED,       /* handled; text or cursor may have moved */
	LE_ACCEPT,        /* Enter */
	LE_CANCEL,        /* Esc */
	LE_EXTERNAL,      /* the caller should open $EDITOR on le_text */
};

void le_init(struct lineedit *e, const char *initial, struct le_history *hist);
void le_free(struct lineedit *e);
/* Replaces the whole text; the cursor goes to the end. */
void le_set(struct lineedit *e, const char *text);
const char *le_text(const struct lineedit *e);

/* Inserts one typed code point at the cursor (control characters are
 * refused: they come in only through le_insert_text, e.g. from $EDITOR). */
bool le_insert_cp(struct lineedit *e, uint32_t cp);
/* Inserts bytes as they are (pasted or from $EDITOR). */
void le_insert_text(struct lineedit *e, const char *s, size_t n);

/* Applies an EDIT_* action (and MOVE_UP/MOVE_DOWN as history). */
enum le_result le_action(struct lineedit *e, enum action a);

/* Renders the visible part of the text into `out` (an empty line), at most
 * `width` columns, scrolling so that the cursor stays visible.  Returns the
 * cursor's column within the rendered part. */
int le_render(struct lineedit *e, int width, struct tb_line *out, enum slot slot);

#endif
