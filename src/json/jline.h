#ifndef TB_JSON_JLINE_H
#define TB_JSON_JLINE_H
/*
 * One flat JSON object, as a line of a JSON-lines file: its members as
 * (key, text) pairs, a string member decoded to UTF-8 and any other member
 * (number, true, null, object, array) as its JSON text.  For readers of
 * small record files (the label journal) that must not see the JSON
 * library.
 *
 * Ownership: jline_parse returns an array of fields the caller frees with
 * jline_free; jline_get's result is borrowed from that array.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct jfield {
	char *key;
	char *text;     /* a string member: its decoded text; else JSON text */
	bool is_str;
	bool is_null;
};

/* Parses s[0..n), which must be one JSON object.  ERR_PARSE with the
 * column when it is not. */
int jline_parse(const char *s, size_t n, struct jfield **out, size_t *nout, struct err *err);
void jline_free(struct jfield *f, size_t n);
/* The last member named key, or NULL. */
const struct jfield *jline_get(const struct jfield *f, size_t n, const char *key);
/* Is s one JSON object?  One JSON value? */
bool jline_is_object(const char *s);
bool jline_is_value(const char *s);

#endif
