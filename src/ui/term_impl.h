#ifndef TB_UI_TERM_IMPL_H
#define TB_UI_TERM_IMPL_H
/*
 * The inside of struct term, shared by term.c and snapshot.c only (the two
 * files, with draw code in term.c, that include curses.h).
 */
#include <curses.h>
#include <stdbool.h>
#include <stdio.h>

#include "ui/term.h"

struct term {
	SCREEN *screen;
	FILE *in, *out;
	bool own_in, own_out;
	bool scripted;
	bool no_color;
	int colors;                         /* 0: attributes only */
	struct slot_style styles[SLOT_COUNT_];
	attr_t attr[SLOT_COUNT_];
	char *theme;
};

#endif
