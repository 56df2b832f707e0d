#ifndef TB_JSON_JTREE_H
#define TB_JSON_JTREE_H
/*
 * The JSON layer under every other file of src/json (and only there: this
 * header includes cJSON.h).  Three pieces:
 *
 *   - a validating tokenizer (struct jlex) with exact byte positions, line
 *     and column in errors, and an optional depth limit;
 *   - jt_parse, which builds a cJSON tree from it.  Numbers become cJSON_Raw
 *     nodes holding their exact source text, so 19-digit nanosecond times and
 *     big integers survive unchanged (cJSON's own doubles would round them).
 *     Python's NaN, Infinity and -Infinity are accepted as numbers, because
 *     json.dumps writes them.  Nesting deeper than JT_MAX_DEPTH is an error,
 *     never a crash;
 *   - jt_dump, which writes a tree as Python's json.dumps would (", " and
 *     ": " separators or indent, ensure_ascii, duplicate keys resolved as a
 *     dict does: first position, last value; numbers as int or float repr).
 *
 * Ownership: trees from jt_parse and jt_new_* are freed with cJSON_Delete;
 * strings returned by jt_print, jt_attr_text and jt_unescape_dup are the
 * caller's to free.  Borrowed pointers (jt_get, jt_str) live as long as the
 * tree.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "core/err.h"
#include "core/strbuf.h"

/* The same limit cJSON applies to its own parser. */
#define JT_MAX_DEPTH 1000

enum jtok {
	JT_END = 0,   /* end of input after one complete value */
	JT_OBJ,       /* { */
	JT_OBJ_END,   /* } */
	JT_ARR,       /* [ */
	JT_ARR_END,   /* ] */
	JT_STR,       /* a string (a key when jlex.is_key) */
	JT_NUM,
	JT_TRUE,
	JT_FALSE,
	JT_NULL,
	JT_ERR,       /* jlex.msg / jlex.err_pos say what and where */
};

struct jlex {
	const char *s;
	size_t n, pos;
	size_t tok, toklen;        /* the last token: s[tok .. tok+toklen) (strings with quotes) */
	bool is_key;
	size_t depth, max_depth;   /* max_depth 0: unlimited */
	unsigned char *stack;      /* 'o' or 'a' per open container */
	size_t cap;
	int state;
	size_t err_pos;
	char msg[96];
};

/* Reads s[0..n): one complete value, then only white space (JT_END).
 * max_depth 0 means no limit on nesting. */
void jlex_init(struct jlex *lx, const char *s, size_t n, size_t max_depth);
enum jtok jlex_next(struct jlex *lx);
void jlex_free(struct jlex *lx);
/* "line 3, column 7: expected ',' or '}'" into err (ERR_PARSE). */
int jlex_error(const struct jlex *lx, struct err *err);
/* Line (1-based) of a byte offset. */
size_t jt_line_of(const char *s, size_t pos);

/* Skips one complete value starting at s[*pos] (leading white space
 * allowed); *pos ends just after it.  0, or -1 with err. */
int jt_skip_value(const char *s, size_t n, size_t *pos, struct err *err);

/* Is text one valid JSON value (no depth limit, nothing is built)? */
bool jt_valid(const char *s, size_t n);

/* Builds the tree of text, which must hold exactly one value. */
cJSON *jt_parse(const char *s, size_t n, struct err *err);

/* Decodes the inside of a JSON string literal (no quotes; already
 * validated) into UTF-8.  Lone surrogates become U+FFFD. */
void jt_unescape(const char *raw, size_t n, struct strbuf *out);

/* ---- reading trees ----------------------------------------------------- */

/* The member named key (the last one when repeated, as Python keeps). */
const cJSON *jt_get(const cJSON *obj, const char *key);
/* The member's string value, or NULL when absent or not a string. */
const char *jt_str(const cJSON *obj, const char *key);
bool jt_is_num(const cJSON *v);
/* A whole number from a number node, or from a string of digits (protobuf
 * JSON writes int64 as strings).  0 or -1. */
int jt_int64(const cJSON *v, int64_t *out);
double jt_double(const cJSON *v);
/* Number of children of an array or object. */
size_t jt_count(const cJSON *v);

/* ---- building and writing ---------------------------------------------- */

cJSON *jt_new_int(int64_t v);
cJSON *jt_new_raw_number(const char *text);
cJSON *jt_new_strn(const char *s, size_t n);
/* A value kept as its text: json, already strict JSON in json.dumps form
 * (an array, object or string), is written by jt_dump as it is.  For values
 * nested too deep to build a tree of.  jt_is_num is false for it. */
cJSON *jt_new_verbatim(const char *json);
bool jt_is_verbatim(const cJSON *v);

/* Python json.dumps form.  indent < 0: one line with ", " and ": ";
 * indent >= 0: json.dumps(indent=N). */
void jt_dump(struct strbuf *out, const cJSON *v, int indent);
char *jt_print(const cJSON *v);
/* jt_dump for output read by other programs: strict JSON, so NaN,
 * Infinity and -Infinity are written as those strings (protobuf's JSON
 * form), not as Python's bare words. */
void jt_dump_strict(struct strbuf *out, const cJSON *v, int indent);
/* json.dumps(v, ensure_ascii=False), as MLflow encodes span attribute
 * values. */
char *jt_print_unicode(const cJSON *v);

/* An MLflow span attribute value, decoded once: the attribute is a string
 * holding JSON text.  Returns that JSON text when it is valid JSON, else
 * the string itself as a JSON string; a non-string attribute value is
 * returned as its own JSON.  *was_json tells which (may be NULL). */
char *jt_attr_json(const cJSON *v, bool *was_json);
/* The same, but for attributes that hold a string (mlflow.spanType,
 * mlflow.traceRequestId): the decoded string, or the raw string when it was
 * not JSON-encoded.  NULL when v is absent. */
char *jt_attr_text(const cJSON *v);

#endif
