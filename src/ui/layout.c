#include "ui/layout.h"

struct rect layout_body(int rows, int cols)
{
	struct rect r;

	r.y = 1;
	r.x = 0;
	r.h = rows - 2 > 0 ? rows - 2 : 0;
	r.w = cols > 0 ? cols : 0;
	return r;
}

static int clamp(int v, int lo, int hi)
{
	if (v > hi)
		v = hi;
	if (v < lo)
		v = lo;
	return v;
}

void layout_trace(int rows, int cols, enum pane_id focus, int tree_rows, struct trace_layout *out)
{
	struct rect body = layout_body(rows, cols);
	struct rect *t = &out->pane[PANE_TREE], *d = &out->pane[PANE_DETAIL],
		    *f = &out->pane[PANE_FEEDBACK];
	int th, fh, rest;

	if (cols >= LAYOUT_WIDE_COLS) {
		/* Tree on the left, full height; detail over feedback on the
		 * right, where the long lines are. */
		int lw = clamp(cols * 2 / 5, 40, cols - 60);

		out->vsplit = lw;
		fh = focus == PANE_FEEDBACK ? body.h * 3 / 5 : body.h * 2 / 5;
		fh = clamp(fh, body.h > 6 ? 3 : 0, body.h);
		*t = (struct rect){ body.y, 0, body.h, lw };
		*d = (struct rect){ body.y, lw + 1, body.h - fh, cols - lw - 1 };
		*f = (struct rect){ body.y + body.h - fh, lw + 1, fh, cols - lw - 1 };
		return;
	}
	out->vsplit = -1;
	th = clamp(body.h * 2 / 5, body.h > 4 ? 3 : body.h, body.h);
	if (focus == PANE_TREE)
		th = clamp(body.h / 2, th, body.h);
	/* A small tree gives its spare rows away. */
	if (tree_rows >= 0 && tree_rows + 1 < th)
		th = clamp(tree_rows + 1, body.h > 4 ? 3 : body.h, body.h);
	rest = body.h - th;
	if (focus == PANE_FEEDBACK)
		fh = rest * 3 / 5;
	else
		fh = rest / 3;
	fh = clamp(fh, rest >= 6 ? 2 : 0, rest);
	*t = (struct rect){ body.y, 0, th, cols };
	*d = (struct rect){ body.y + th, 0, rest - fh, cols };
	*f = (struct rect){ body.y + th + rest - fh, 0, fh, cols };
}
