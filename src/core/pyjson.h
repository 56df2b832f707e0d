#ifndef TB_CORE_PYJSON_H
#define TB_CORE_PYJSON_H
/*
 * Feedback values encoded byte for byte as Python's json.dumps writes them
 * (ensure_ascii=True, separators ", " and ": "), because MLflow's search
 * compares the stored text (feedback.x = 'true' matches `true`, '4' matches
 * `4`, 'yes' matches `"yes"`).
 *
 *   true / false            -> true / false
 *   5, -3                   -> 5, -3          (Python int)
 *   0.85, 5.0, 1e20         -> 0.85, 5.0, 1e+20  (Python float repr)
 *   "café \"q\"\n"          -> "caf\u00e9 \"q\"\n"
 *
 * All functions append to a caller-owned strbuf.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"

enum value_type {
	VT_AUTO = 0,  /* true/false -> bool, a number -> number, else text */
	VT_BOOL,
	VT_NUMBER,
	VT_TEXT,
	VT_LIST,      /* "a, b": a list of strings (a multi-select answer) */
	/* Or'ed into a type: NaN, Infinity and -Infinity are written as
	 * Python's json.dumps writes them (MLflow's Python client does), not
	 * refused. */
	VT_ALLOW_NONFINITE = 0x100,
};

void pyjson_bool(struct strbuf *out, bool v);
void pyjson_int(struct strbuf *out, int64_t v);
/* repr(float): shortest text that reads back the same double; integral
 * values keep ".0"; exponent form outside [1e-4, 1e16); NaN, Infinity. */
void pyjson_float(struct strbuf *out, double v);
/* A JSON string with ensure_ascii escapes (\uXXXX, surrogate pairs above
 * U+FFFF).  Invalid UTF-8 bytes become U+FFFD (Python cannot hold them in a
 * str either). */
void pyjson_string(struct strbuf *out, const char *s, size_t n);

/* Encodes what a user typed as a value of the given type:
 *   bool:   true/false (also yes/no, 1/0, y/n, case-insensitive)
 *   number: an integer stays an int ("5" -> 5); anything with '.', 'e' or
 *           "inf"/"nan" is a float ("5.0" -> 5.0, "1e3" -> 1000.0)
 *   text:   a JSON string
 *   list:   "a, b" -> ["a", "b"] (items trimmed; none is an error)
 *   auto:   "true"/"false" -> bool, a number -> number, else text.
 * Fails (ERR_USAGE, message naming the value and type) when the text does
 * not fit the type, and for a number that is not finite (nan, inf, 1e309:
 * strict JSON readers such as jq, JavaScript and cJSON reject NaN and
 * Infinity) unless type has VT_ALLOW_NONFINITE.  -0 and -0.0 are written as
 * 0 and 0.0. */
int pyjson_encode_value(const char *text, enum value_type type, struct strbuf *out,
			struct err *err);
/* "bool" | "boolean" | "number" | "numeric" | "text" | "string"; -1 otherwise. */
int value_type_parse(const char *s);

#endif
