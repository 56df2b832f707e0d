#ifndef TB_CMD_MAN_H
#define TB_CMD_MAN_H
/*
 * The manual page, tracelab.1, in roff (man(7) macros), as `tracelab
 * --man` writes it (the build installs its output).  cmd.c puts it
 * together from the tables --help prints (the program's options, each
 * command's usage, help and options); the keys section comes from the
 * action table with the default keys, and the : commands from the
 * browser, so the page says what the program does, not what it did once.
 *
 * Strings are borrowed for the call.
 */
#include <stdio.h>

#include "cmd/opt.h"
#include "core/err.h"

/* Title, NAME, SYNOPSIS (synopsis: one usage line a line, each starting
 * "tracelab "), DESCRIPTION (about), OPTIONS (the browser's, defs) and the
 * heading of COMMANDS. */
void man_begin(FILE *f, const char *synopsis, const char *about, const struct opt_def *defs);
/* The part of COMMANDS of one command: usage, help, about (NULL: none) and
 * options (defs, then common). */
void man_command(FILE *f, const char *name, const char *usage, const char *help,
		 const char *about, const struct opt_def *defs, const struct opt_def *common);
/* KEYS, COMMAND LINE, ENVIRONMENT, FILES, EXIT STATUS (exit_status) and
 * SEE ALSO.  Returns 0, or -1 with err. */
int man_end(FILE *f, const char *exit_status, struct err *err);

#endif
