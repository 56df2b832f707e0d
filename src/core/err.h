#ifndef TB_CORE_ERR_H
#define TB_CORE_ERR_H
/*
 * Errors are values: a function that can fail returns 0 on success and -1 on
 * failure, after filling a caller-owned struct err with a code and one line of
 * text that names the problem (a path:line:col, a trace id, an option, or the
 * database's own message).  Nothing is printed by the callee.
 */
#include <stddef.h>

enum err_code {
	ERR_NONE = 0,
	ERR_RUNTIME,   /* generic runtime failure (exit 1) */
	ERR_USAGE,     /* bad arguments or values (exit 2) */
	ERR_NOTFOUND,  /* a trace, span, assessment or file that does not exist */
	ERR_READONLY,  /* the store cannot be written */
	ERR_BUSY,      /* the store stayed locked past the busy timeout */
	ERR_SCHEMA,    /* not an MLflow 3 store (e.g. no assessments table) */
	ERR_PARSE,     /* malformed input (JSON, YAML, filter) */
	ERR_NOMEM,
	ERR_NETWORK,   /* a server could not be reached or did not answer in time */
	ERR_AUTH,      /* a server refused our credentials or permission (401/403) */
	ERR_CANCELLED, /* the user (or shutdown) cancelled the operation */
};

#define ERR_MSG_MAX 1024

struct err {
	enum err_code code;
	char msg[ERR_MSG_MAX];
};

/* Sets code and message; always returns -1 so call sites read
 * `return err_set(err, ERR_USAGE, "unknown option %s", opt);`.
 * err may be NULL (the error is then dropped by the caller's choice). */
int err_set(struct err *err, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with "prefix: ". Returns -1. */
int err_prefix(struct err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void err_clear(struct err *err);

/* Exit status for a command-line failure with this error: 2 for usage, else 1. */
int err_exit_code(const struct err *err);

#endif
