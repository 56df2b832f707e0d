#ifndef TB_UI_LAYOUT_H
#define TB_UI_LAYOUT_H
/*
 * Pane geometry from the terminal size: plain arithmetic, no terminal.
 * Every screen keeps row 0 for its header and the last row for the status
 * bar (or the input line).  The trace screen splits the rest between the
 * span tree, the span detail and the feedback pane: stacked below 120
 * columns; from 120 on the tree takes the left side and the detail sits
 * over the feedback on the right.  The focused pane gets the larger share.
 */

struct rect {
	int y, x, h, w;
};

enum pane_id {
	PANE_TREE = 0,
	PANE_DETAIL,
	PANE_FEEDBACK,
	PANE_COUNT_
};

struct trace_layout {
	struct rect pane[PANE_COUNT_];   /* each includes its title row */
	int vsplit;                      /* column of the vertical divider, or -1 */
};

#define LAYOUT_WIDE_COLS 120

/* The area between the header and the status bar. */
struct rect layout_body(int rows, int cols);
/* tree_rows: the tree's rows when few (a small tree gives rows away in
 * the stacked layout), or -1. */
void layout_trace(int rows, int cols, enum pane_id focus, int tree_rows,
		  struct trace_layout *out);

#endif
