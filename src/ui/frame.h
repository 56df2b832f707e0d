#ifndef TB_UI_FRAME_H
#define TB_UI_FRAME_H
/*
 * One screen's worth of positioned, styled lines.  Views render into a
 * frame (never into the terminal): each item is a textbuf line placed at a
 * row and column with a width, a fill slot for the rest of the width and an
 * optional slot that overrides every segment (the cursor line).  The draw
 * layer (draw.c) turns a frame into ncurses cells; nothing else does.
 *
 * Lines in a frame are already cut to their width (frame_copy slices a
 * source line by display columns, so a huge line costs only what is shown).
 * Wide characters cut by an edge become spaces.
 *
 * Ownership: the frame owns its lines and items; frame_reset empties it for
 * the next redraw, frame_free releases everything.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/slot.h"
#include "core/textbuf.h"

#define SLOT_KEEP ((enum slot)0xffff)  /* no override */

struct frame_item {
	int y, x, w;
	size_t line;        /* index into frame.tb */
	enum slot fill;     /* slot of the columns after the text */
	enum slot over;     /* SLOT_KEEP or a slot that replaces every segment's */
};

struct frame {
	int rows, cols;
	struct textbuf tb;
	struct frame_item *items;
	size_t n, cap;
	int cur_y, cur_x;   /* where the terminal cursor goes; -1: hidden */
};

void frame_reset(struct frame *f, int rows, int cols);
void frame_free(struct frame *f);

/* A new empty line at (y, x) of width w; fill it with tb_line_put*.  Text
 * beyond w is cut when drawn (by display width).  Returns NULL when the
 * position is off the screen (callers may then skip their work). */
struct tb_line *frame_line(struct frame *f, int y, int x, int w, enum slot fill);
/* Sets the override slot of the most recent line. */
void frame_over(struct frame *f, enum slot over);
/* Places the columns [hoff, hoff + w) of src at (y, x). */
void frame_copy(struct frame *f, int y, int x, int w, const struct tb_line *src, int hoff,
		enum slot fill, enum slot over);
/* A blank area in one slot. */
void frame_fill(struct frame *f, int y, int x, int h, int w, enum slot slot);

/* Appends columns [from, from + w) of src to dst; returns the width added
 * (a wide character that does not fit becomes spaces). */
int tb_line_slice(struct tb_line *dst, const struct tb_line *src, int from, int w);
/* Appends trusted text cut to at most w columns, with "…" when cut. */
int tb_line_put_fit(struct tb_line *l, enum slot slot, const char *s, int w);
/* Appends untrusted text, sanitised, cut to at most w columns, with "…"
 * when cut; whitespace runs (spaces, tabs, newlines) collapse to one space
 * when collapse is set.  Returns the width used.  Reads no further than
 * needed, so a 10 MB value costs what is shown. */
int tb_line_put_untrusted_fit(struct tb_line *l, enum slot slot, const char *s, size_t n, int w,
			      bool collapse);
/* Pads with spaces up to width w (no-op when already wider). */
void tb_line_pad(struct tb_line *l, enum slot slot, int w);

#endif
