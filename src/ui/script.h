#ifndef TB_UI_SCRIPT_H
#define TB_UI_SCRIPT_H
/*
 * Key scripts for the scripted mode (tests, demos): one step per line.
 *   j / Enter / Ctrl-d / "g g"   a key or key sequence (core/keys.h names)
 *   :command args                a : command, run as if typed and accepted
 *   :type TEXT                   types TEXT (into the input line or as keys)
 *   :snapshot FILE               writes the screen (see term_snapshot)
 *   :resize COLS ROWS            the terminal changes size
 *   # comment, blank line        ignored
 * Leading and trailing white space is dropped, except that a line holding a
 * single space is the space key.
 *
 * Ownership: the script owns its lines; script_free releases them.
 */
#include <stddef.h>

#include "core/err.h"

struct script {
	char **lines;
	size_t n, cap;
	size_t pos;        /* next line */
	char *name;        /* file name or "TRACELAB_KEYS", for messages */
};

int script_load_file(struct script *s, const char *path, struct err *err);
void script_load_text(struct script *s, const char *text, const char *name);
/* The next step (borrowed), or NULL at the end; *lineno is 1-based. */
const char *script_next(struct script *s, size_t *lineno);
void script_free(struct script *s);

#endif
