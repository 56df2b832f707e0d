#ifndef TB_CONFIG_DIAG_H
#define TB_CONFIG_DIAG_H
/*
 * Diagnostics from the configuration loaders (config, keymap, theme).
 * Loaders never stop at the first problem: they skip the bad entry, append
 * one line "path:line:col: message" (1-based) to a caller-owned diag_list
 * and carry on.  The caller decides how to show them (stderr at start-up,
 * the status bar at run time).
 *
 * Ownership: the list owns its messages; diag_list_free releases them.
 * Every function accepts a NULL list (the messages are then dropped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level {
	DIAG_WARNING,  /* ignored input: unknown key, unknown slot */
	DIAG_ERROR,    /* wrong input that was skipped: bad type, bad key name */
};

struct diag {
	enum diag_level level;
	char *msg;     /* "path:line:col: message", no trailing newline */
};

struct diag_list {
	struct diag *v;
	size_t n, cap;
};

void diag_add(struct diag_list *dl, enum diag_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_addv(struct diag_list *dl, enum diag_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Number of diagnostics of that level. */
size_t diag_count(const struct diag_list *dl, enum diag_level level);
/* All messages joined with '\n' (no trailing newline); caller frees. */
char *diag_join(const struct diag_list *dl);
/* Writes each message on its own line as "prefix: warning: msg" or
 * "prefix: error: msg" (prefix may be NULL). */
void diag_print(const struct diag_list *dl, FILE *f, const char *prefix);
void diag_list_free(struct diag_list *dl);

#endif
