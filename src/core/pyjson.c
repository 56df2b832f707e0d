#include "core/pyjson.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/textbuf.h"
#include "core/util.h"

void pyjson_bool(struct strbuf *out, bool v)
{
	sb_adds(out, v ? "true" : "false");
}

void pyjson_int(struct strbuf *out, int64_t v)
{
	sb_addf(out, "%" PRId64, v);
}

/* The shortest decimal digits that read back as v (v finite, > 0):
 * digits without a point into dig, *exp10 = the exponent of the first
 * digit (v = d.ddd * 10^exp10). */
static void shortest_digits(double v, char *dig, size_t size, int *exp10)
{
	char buf[64], *e, *p;
	size_t n = 0;
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* buf is "d.ddde[+-]xx" or "de[+-]xx" */
	e = strchr(buf, 'e');
	*exp10 = (int)strtol(e + 1, NULL, 10);
	for (p = buf; p < e && n + 1 < size; p++)
		if (*p >= '0' && *p <= '9')
			dig[n++] = *p;
	while (n > 1 && dig[n - 1] == '0')
		n--;
	dig[n] = '\0';
}

void pyjson_float(struct strbuf *out, double v)
{
	char dig[32];
	int exp10, ndig, i;

	if (isnan(v)) {
		sb_adds(out, "NaN");
		return;
	}
	if (isinf(v)) {
		sb_adds(out, v < 0 ? "-Infinity" : "Infinity");
		return;
	}
	if (signbit(v))
		sb_addc(out, '-');
	v = fabs(v);
	if (v == 0) {
		sb_adds(out, "0.0");
		return;
	}
	shortest_digits(v, dig, sizeof dig, &exp10);
	ndig = (int)strlen(dig);
	/* Python repr: fixed notation when -4 <= exp10 < 16. */
	if (exp10 < -4 || exp10 >= 16) {
		sb_addc(out, dig[0]);
		if (ndig > 1) {
			sb_addc(out, '.');
			sb_add(out, dig + 1, (size_t)ndig - 1);
		}
		sb_addf(out, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
		return;
	}
	if (exp10 < 0) {
		sb_adds(out, "0.");
		for (i = -1; i > exp10; i--)
			sb_addc(out, '0');
		sb_add(out, dig, (size_t)ndig);
		return;
	}
	/* exp10 + 1 digits before the point. */
	if (ndig <= exp10 + 1) {
		sb_add(out, dig, (size_t)ndig);
		for (i = ndig; i < exp10 + 1; i++)
			sb_addc(out, '0');
		sb_adds(out, ".0");
	} else {
		sb_add(out, dig, (size_t)exp10 + 1);
		sb_addc(out, '.');
		sb_add(out, dig + exp10 + 1, (size_t)(ndig - exp10 - 1));
	}
}

void pyjson_string(struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0;

	sb_addc(out, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		int len;

		if (c >= 0x20 && c < 0x7f) {
			size_t run = i;

			/* Copy a run of plain printable ASCII at once. */
			while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f &&
			       s[run] != '"' && s[run] != '\\')
				run++;
			if (run > i) {
				sb_add(out, s + i, run - i);
				i = run;
				continue;
			}
			sb_addc(out, '\\');
			sb_addc(out, (char)c);
			i++;
			continue;
		}
		switch (c) {
		case '\n': sb_adds(out, "\\n"); i++; continue;
		case '\r': sb_adds(out, "\\r"); i++; continue;
		case '\t': sb_adds(out, "\\t"); i++; continue;
		case '\b': sb_adds(out, "\\b"); i++; continue;
		case '\f': sb_adds(out, "\\f"); i++; continue;
		default: break;
		}
		len = utf8_decode(s + i, n - i, &cp);
		if (!len && n - i >= 2 && memcmp(s + i, TB_NUL, 2) == 0) {
			cp = 0;   /* a NUL read from a store */
			len = 2;
		} else if (!len) {
			cp = 0xfffd;
			len = 1;
		}
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;

			sb_addf(out, "\\u%04x\\u%04x", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
		} else {
			sb_addf(out, "\\u%04x", (unsigned)cp);
		}
		i += (size_t)len;
	}
	sb_addc(out, '"');
}

/* ---- typed values from user text --------------------------------------- */

static bool word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcasecmp(s, *words) == 0)
			return true;
	return false;
}

static const char *const true_words[] = { "true", "yes", "y", "1", NULL };
static const char *const false_words[] = { "false", "no", "n", "0", NULL };

/* Past an optional sign. */
static const char *skip_sign(const char *s)
{
	return s + (*s == '+' || *s == '-');
}

/* Past a run of digits; false when there is none. */
static bool skip_digits(const char **s)
{
	const char *p = *s;

	while (isdigit((unsigned char)*p))
		p++;
	if (p == *s)
		return false;
	*s = p;
	return true;
}

/* [+-]?digits */
static bool is_int_text(const char *s)
{
	s = skip_sign(s);
	return skip_digits(&s) && *s == '\0';
}

/* A decimal float as Python's float() reads it (no hex, no underscores):
 * [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?, or
 * [+-]? (inf | infinity | nan) when words is true. */
static bool is_float_text(const char *s, bool words)
{
	bool digits;

	s = skip_sign(s);
	if (words && (strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0 ||
		      strcasecmp(s, "nan") == 0))
		return true;
	digits = skip_digits(&s);
	if (*s == '.') {
		s++;
		digits = skip_digits(&s) || digits;
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s = skip_sign(s + 1);
		if (!skip_digits(&s))
			return false;
	}
	return *s == '\0';
}

/* Python int(text) printed back: no sign for zero, no '+', no leading
 * zeros; arbitrary length. */
static void add_int_text(struct strbuf *out, const char *s)
{
	bool neg = false;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	while (*s == '0' && s[1])
		s++;
	if (neg && strcmp(s, "0") != 0)
		sb_addc(out, '-');
	sb_adds(out, s);
}

/* 0, -1 when s is no number, -2 when it is not finite and that is not
 * allowed. */
static int add_number(struct strbuf *out, const char *s, bool allow_nonfinite)
{
	double d;

	if (is_int_text(s)) {
		add_int_text(out, s);
		return 0;
	}
	if (!is_float_text(s, true))
		return -1;
	errno = 0;
	d = strtod(s, NULL);
	if (!isfinite(d) && !allow_nonfinite)
		return -2;
	pyjson_float(out, d == 0 ? 0.0 : d);
	return 0;
}

static int bad_value(struct err *err, const char *text, const char *what)
{
	char *safe = sanitize_dup(text, strlen(text) > 60 ? 60 : strlen(text));
	int rc = err_set(err, ERR_USAGE, "value '%s%s' is not %s", safe,
			 strlen(text) > 60 ? "…" : "", what);

	free(safe);
	return rc;
}

int pyjson_encode_value(const char *text, enum value_type type, struct strbuf *out,
			struct err *err)
{
	static const char nonfinite[] = "a finite number (strict JSON has no NaN or Infinity)";
	bool allow = (type & VT_ALLOW_NONFINITE) != 0;
	char *t = NULL;
	size_t n;
	const char *p;
	int rc = -1, k;

	/* Surrounding spaces never belong to a bool or a number. */
	for (p = text; isspace((unsigned char)*p); p++)
		;
	n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	t = xstrndup(p, n);

	switch (type & ~VT_ALLOW_NONFINITE) {
	case VT_BOOL:
		if (word_in(t, true_words))
			pyjson_bool(out, true);
		else if (word_in(t, false_words))
			pyjson_bool(out, false);
		else {
			bad_value(err, text, "a boolean (true/false, yes/no, 1/0)");
			goto out;
		}
		break;
	case VT_NUMBER:
		k = add_number(out, t, allow);
		if (k < 0) {
			bad_value(err, text, k == -2 ? nonfinite : "a number");
			goto out;
		}
		break;
	case VT_TEXT:
		pyjson_string(out, text, strlen(text));
		break;
	case VT_LIST: {
		/* "a, b" -> ["a", "b"]: the items trimmed, empty ones left out */
		const char *q = t, *e;
		size_t items = 0;

		sb_addc(out, '[');
		while (*q) {
			size_t len;

			e = strchr(q, ',');
			if (!e)
				e = q + strlen(q);
			while (q < e && isspace((unsigned char)*q))
				q++;
			len = (size_t)(e - q);
			while (len && isspace((unsigned char)q[len - 1]))
				len--;
			if (len) {
				if (items++)
					sb_adds(out, ", ");
				pyjson_string(out, q, len);
			}
			q = *e ? e + 1 : e;
		}
		sb_addc(out, ']');
		if (!items) {
			bad_value(err, text, "a list of options (a, b)");
			goto out;
		}
		break;
	}
	case VT_AUTO:
	default:
		if (strcasecmp(t, "true") == 0)
			pyjson_bool(out, true);
		else if (strcasecmp(t, "false") == 0)
			pyjson_bool(out, false);
		else if (!is_int_text(t) && !is_float_text(t, false))
			pyjson_string(out, text, strlen(text));
		else if (add_number(out, t, allow) < 0) {
			bad_value(err, text, nonfinite);
			goto out;
		}
		break;
	}
	rc = 0;
out:
	free(t);
	return rc;
}

int value_type_parse(const char *s)
{
	static const struct {
		const char *name;
		enum value_type type;
	} names[] = {
		{ "bool", VT_BOOL },     { "boolean", VT_BOOL }, { "number", VT_NUMBER },
		{ "numeric", VT_NUMBER }, { "text", VT_TEXT },    { "string", VT_TEXT },
	};
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(s, names[i].name) == 0)
			return (int)names[i].type;
	return -1;
}
