#ifndef TB_CMD_MAN_H
#define TB_CMD_MAN_H
/*
 * The manual page, tracelab.1, written by `tracelab --man` (the build
 * installs its output).  It is made from the tables --help prints (the
 * commands and their options), the action table with the default keys and
 * the : commands, so it says what the program does, not what it did once.
 *
 * Everything in struct man_src is borrowed for the call.
 */
#include <stddef.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "core/err.h"

struct man_src {
	const struct command *commands;   /* the command table (cmd.c) */
	size_t ncommands;
	const struct opt_def *main_defs;  /* the browser's options */
	const struct opt_def *common_defs;/* options every command takes */
	const char *synopsis;             /* usage lines, "tracelab ..." one a line */
	const char *about;                /* the program's description */
	const char *exit_status;          /* one line */
};

/* Writes the whole page (roff) to f.  Returns 0, or -1 with err. */
int man_page(FILE *f, const struct man_src *src, struct err *err);

/* The section of one command: usage, help, about and options (the
 * command's defs, then common). */
void man_command(FILE *f, const struct command *c, const struct opt_def *defs,
		 const struct opt_def *common);

#endif
