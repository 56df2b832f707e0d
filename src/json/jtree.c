#include "json/jtree.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jstr.h"
#include "core/pyjson.h"
#include "core/textbuf.h"
#include "core/util.h"

/* ---- tokenizer ---------------------------------------------------------- */

enum {
	S_VALUE = 0,       /* a value must come */
	S_VALUE_OR_CLOSE,  /* after '[' */
	S_KEY_OR_CLOSE,    /* after '{' */
	S_KEY,             /* after ',' in an object */
	S_COLON,           /* after a key */
	S_AFTER,           /* after a value inside a container */
	S_DONE,            /* the top-level value is complete */
};

void jlex_init(struct jlex *lx, const char *s, size_t n, size_t max_depth)
{
	memset(lx, 0, sizeof *lx);
	lx->s = s;
	lx->n = n;
	lx->max_depth = max_depth;
	lx->state = S_VALUE;
}

void jlex_free(struct jlex *lx)
{
	free(lx->stack);
	lx->stack = NULL;
	lx->cap = 0;
}

static enum jtok fail(struct jlex *lx, size_t pos, const char *msg)
{
	lx->err_pos = pos;
	snprintf(lx->msg, sizeof lx->msg, "%s", msg);
	return JT_ERR;
}

static void skip_ws(struct jlex *lx)
{
	while (lx->pos < lx->n) {
		char c = lx->s[lx->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		lx->pos++;
	}
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static enum jtok scan_string(struct jlex *lx)
{
	const char *s = lx->s;
	size_t i = lx->pos + 1, n = lx->n;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"') {
			lx->tok = lx->pos;
			lx->toklen = i + 1 - lx->pos;
			lx->pos = i + 1;
			return JT_STR;
		}
		if (c < 0x20)
			return fail(lx, i, "control character in a string");
		if (c == '\\') {
			char e;

			if (i + 1 >= n)
				break;
			e = s[i + 1];
			if (e == 'u') {
				int k;

				for (k = 2; k < 6; k++)
					if (i + (size_t)k >= n || !is_hex(s[i + (size_t)k]))
						return fail(lx, i, "bad \\u escape in a string");
				i += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e) || e == '\0')
				return fail(lx, i, "bad escape in a string");
			i += 2;
			continue;
		}
		i++;
	}
	return fail(lx, lx->pos, "unterminated string");
}

static enum jtok scan_number(struct jlex *lx)
{
	const char *s = lx->s;
	size_t i = lx->pos, n = lx->n;

	if (i < n && s[i] == '-')
		i++;
	if (n - i >= 8 && memcmp(s + i, "Infinity", 8) == 0) {
		i += 8;
		goto done;
	}
	if (i >= n || !is_digit(s[i]))
		return fail(lx, lx->pos, "bad number");
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit(s[i]))
			return fail(lx, i, "bad number: no digit after '.'");
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return fail(lx, i, "bad number: no digit in the exponent");
		while (i < n && is_digit(s[i]))
			i++;
	}
done:
	if (i < n && (is_digit(s[i]) || s[i] == '.' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z')))
		return fail(lx, i, "bad number");
	lx->tok = lx->pos;
	lx->toklen = i - lx->pos;
	lx->pos = i;
	return JT_NUM;
}

static enum jtok scan_word(struct jlex *lx, const char *w, enum jtok t)
{
	size_t len = strlen(w);

	if (lx->n - lx->pos < len || memcmp(lx->s + lx->pos, w, len) != 0)
		return fail(lx, lx->pos, "unexpected character");
	lx->tok = lx->pos;
	lx->toklen = len;
	lx->pos += len;
	return t;
}

/* After a complete value (scalar or closed container). */
static void value_done(struct jlex *lx)
{
	lx->state = lx->depth ? S_AFTER : S_DONE;
}

static enum jtok open_container(struct jlex *lx, unsigned char kind)
{
	if (lx->max_depth && lx->depth >= lx->max_depth) {
		char msg[64];

		snprintf(msg, sizeof msg, "nested deeper than %zu levels", lx->max_depth);
		return fail(lx, lx->pos, msg);
	}
	GROW(lx->stack, lx->cap, lx->depth + 1);
	lx->stack[lx->depth++] = kind;
	lx->tok = lx->pos;
	lx->toklen = 1;
	lx->pos++;
	lx->state = kind == 'o' ? S_KEY_OR_CLOSE : S_VALUE_OR_CLOSE;
	return kind == 'o' ? JT_OBJ : JT_ARR;
}

static enum jtok close_container(struct jlex *lx, unsigned char kind)
{
	lx->depth--;
	lx->tok = lx->pos;
	lx->toklen = 1;
	lx->pos++;
	value_done(lx);
	return kind == 'o' ? JT_OBJ_END : JT_ARR_END;
}

static enum jtok scan_value(struct jlex *lx)
{
	char c = lx->s[lx->pos];
	enum jtok t;

	switch (c) {
	case '{':
		return open_container(lx, 'o');
	case '[':
		return open_container(lx, 'a');
	case '"':
		t = scan_string(lx);
		break;
	case 't':
		t = scan_word(lx, "true", JT_TRUE);
		break;
	case 'f':
		t = scan_word(lx, "false", JT_FALSE);
		break;
	case 'n':
		t = scan_word(lx, "null", JT_NULL);
		break;
	case 'N':
		t = scan_word(lx, "NaN", JT_NUM);
		break;
	default:
		if (c == '-' || c == 'I' || is_digit(c))
			t = scan_number(lx);
		else
			return fail(lx, lx->pos, "unexpected character");
		break;
	}
	if (t != JT_ERR)
		value_done(lx);
	return t;
}

enum jtok jlex_next(struct jlex *lx)
{
	unsigned char top;
	char c;

	lx->is_key = false;
	for (;;) {
		skip_ws(lx);
		if (lx->state == S_DONE) {
			if (lx->pos < lx->n)
				return fail(lx, lx->pos, "unexpected text after the JSON value");
			return JT_END;
		}
		if (lx->pos >= lx->n)
			return fail(lx, lx->pos, lx->depth || lx->state != S_VALUE ?
				    "unexpected end of text" : "empty text");
		c = lx->s[lx->pos];
		top = lx->depth ? lx->stack[lx->depth - 1] : 0;
		switch (lx->state) {
		case S_VALUE:
			return scan_value(lx);
		case S_VALUE_OR_CLOSE:
			if (c == ']')
				return close_container(lx, 'a');
			return scan_value(lx);
		case S_KEY_OR_CLOSE:
			if (c == '}')
				return close_container(lx, 'o');
			/* fall through */
		case S_KEY:
			if (c != '"')
				return fail(lx, lx->pos, "expected a string key");
			if (scan_string(lx) == JT_ERR)
				return JT_ERR;
			lx->is_key = true;
			lx->state = S_COLON;
			return JT_STR;
		case S_COLON:
			if (c != ':')
				return fail(lx, lx->pos, "expected ':'");
			lx->pos++;
			lx->state = S_VALUE;
			continue;
		case S_AFTER:
			if (c == ',') {
				lx->pos++;
				lx->state = top == 'o' ? S_KEY : S_VALUE;
				continue;
			}
			if (top == 'o' && c == '}')
				return close_container(lx, 'o');
			if (top == 'a' && c == ']')
				return close_container(lx, 'a');
			return fail(lx, lx->pos, top == 'o' ? "expected ',' or '}'" : "expected ',' or ']'");
		default:
			return fail(lx, lx->pos, "internal state");
		}
	}
}

size_t jt_line_of(const char *s, size_t pos)
{
	size_t line = 1, i;

	for (i = 0; i < pos; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

int jlex_error(const struct jlex *lx, struct err *err)
{
	size_t line = 1, col = 1, i;

	for (i = 0; i < lx->err_pos && i < lx->n; i++) {
		if (lx->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return err_set(err, ERR_PARSE, "line %zu, column %zu: %s", line, col, lx->msg);
}

int jt_skip_value(const char *s, size_t n, size_t *pos, struct err *err)
{
	struct jlex lx;
	enum jtok t;
	int rc = -1;

	jlex_init(&lx, s, n, 0);
	lx.pos = *pos;
	do {
		t = jlex_next(&lx);
		if (t == JT_ERR) {
			jlex_error(&lx, err);
			goto out;
		}
	} while (lx.state != S_DONE);
	*pos = lx.pos;
	rc = 0;
out:
	jlex_free(&lx);
	return rc;
}

bool jt_valid(const char *s, size_t n)
{
	struct jlex lx;
	enum jtok t;

	jlex_init(&lx, s, n, 0);
	do
		t = jlex_next(&lx);
	while (t != JT_END && t != JT_ERR);
	jlex_free(&lx);
	return t == JT_END;
}

/* ---- strings ------------------------------------------------------------ */

static unsigned hex4(const char *p)
{
	uint32_t v = 0;

	jstr_hex4(p, p + 4, &v);  /* the lexer checked the digits */
	return v;
}

void jt_unescape(const char *raw, size_t n, struct strbuf *out)
{
	size_t i = 0, run;

	while (i < n) {
		char enc[4];
		uint32_t cp;

		run = i;
		while (run < n && raw[run] != '\\')
			run++;
		if (run > i) {
			sb_add(out, raw + i, run - i);
			i = run;
			continue;
		}
		/* raw[i] == '\\' */
		switch (raw[i + 1]) {
		case 'n': sb_addc(out, '\n'); i += 2; continue;
		case 't': sb_addc(out, '\t'); i += 2; continue;
		case 'r': sb_addc(out, '\r'); i += 2; continue;
		case 'b': sb_addc(out, '\b'); i += 2; continue;
		case 'f': sb_addc(out, '\f'); i += 2; continue;
		case 'u': break;
		default: sb_addc(out, raw[i + 1]); i += 2; continue;
		}
		cp = hex4(raw + i + 2);
		i += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 6 <= n && raw[i] == '\\' && raw[i + 1] == 'u') {
				uint32_t lo = hex4(raw + i + 2);

				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				} else {
					cp = 0xfffd;
				}
			} else {
				cp = 0xfffd;
			}
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			cp = 0xfffd;
		}
		sb_add(out, enc, (size_t)utf8_encode(cp, enc));
	}
}

/* ---- tree building ------------------------------------------------------ */

cJSON *jt_new_raw_number(const char *text)
{
	cJSON *v = cJSON_CreateRaw(text);

	if (!v)
		fatal("out of memory");
	v->valuedouble = strtod(text, NULL);
	return v;
}

cJSON *jt_new_verbatim(const char *json)
{
	cJSON *v = cJSON_CreateRaw(json);

	if (!v)
		fatal("out of memory");
	return v;
}

cJSON *jt_new_int(int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return jt_new_raw_number(buf);
}

cJSON *jt_new_strn(const char *s, size_t n)
{
	char *t = xstrndup(s, n);
	cJSON *v = cJSON_CreateString(t);

	free(t);
	if (!v)
		fatal("out of memory");
	return v;
}

/* The decoded text of a string token's inside raw[0..n), malloc'd; tmp is
 * scratch. */
static char *unescape_dup(const char *raw, size_t n, struct strbuf *tmp)
{
	char *out;

	if (!memchr(raw, '\\', n)) {
		out = xmalloc(n + 1);
		memcpy(out, raw, n);
		out[n] = '\0';
		return out;
	}
	sb_reset(tmp);
	jt_unescape(raw, n, tmp);
	return xstrndup(sb_str(tmp), tmp->len);
}

static cJSON *token_node(const struct jlex *lx, enum jtok t, struct strbuf *tmp)
{
	const char *p = lx->s + lx->tok;
	cJSON *v = NULL;

	switch (t) {
	case JT_OBJ: v = cJSON_CreateObject(); break;
	case JT_ARR: v = cJSON_CreateArray(); break;
	case JT_TRUE: v = cJSON_CreateTrue(); break;
	case JT_FALSE: v = cJSON_CreateFalse(); break;
	case JT_NULL: v = cJSON_CreateNull(); break;
	case JT_NUM: {
		char small[64];

		if (lx->toklen < sizeof small) {
			memcpy(small, p, lx->toklen);
			small[lx->toklen] = '\0';
			return jt_new_raw_number(small);
		} else {
			char *big = xstrndup(p, lx->toklen);

			v = jt_new_raw_number(big);
			free(big);
			return v;
		}
	}
	case JT_STR:
		/* The node takes the decoded text as it is (cJSON frees it with
		 * free(): no allocation hooks are set). */
		v = cJSON_CreateNull();
		if (v) {
			v->type = cJSON_String;
			v->valuestring = unescape_dup(p + 1, lx->toklen - 2, tmp);
		}
		break;
	default:
		break;
	}
	if (!v)
		fatal("out of memory");
	return v;
}

cJSON *jt_parse(const char *s, size_t n, struct err *err)
{
	struct jlex lx;
	struct strbuf tmp = STRBUF_INIT;
	cJSON *root = NULL, **stack = NULL;
	size_t depth = 0, cap = 0;
	char *key = NULL;
	enum jtok t;

	jlex_init(&lx, s, n, JT_MAX_DEPTH);
	for (;;) {
		cJSON *v;

		t = jlex_next(&lx);
		if (t == JT_END)
			break;
		if (t == JT_ERR) {
			jlex_error(&lx, err);
			cJSON_Delete(root);
			root = NULL;
			goto out;
		}
		if (t == JT_OBJ_END || t == JT_ARR_END) {
			depth--;
			continue;
		}
		if (t == JT_STR && lx.is_key) {
			free(key);
			key = unescape_dup(s + lx.tok + 1, lx.toklen - 2, &tmp);
			continue;
		}
		v = token_node(&lx, t, &tmp);
		if (!depth) {
			root = v;
		} else if (cJSON_IsObject(stack[depth - 1])) {
			/* The member takes the key as it is. */
			v->string = key;
			key = NULL;
			cJSON_AddItemToArray(stack[depth - 1], v);
		} else {
			cJSON_AddItemToArray(stack[depth - 1], v);
		}
		if (t == JT_OBJ || t == JT_ARR) {
			GROW(stack, cap, depth + 1);
			stack[depth++] = v;
		}
	}
out:
	free(key);
	free(stack);
	sb_free(&tmp);
	jlex_free(&lx);
	return root;
}

/* ---- reading ------------------------------------------------------------ */

const cJSON *jt_get(const cJSON *obj, const char *key)
{
	const cJSON *c, *found = NULL;

	if (!cJSON_IsObject(obj))
		return NULL;
	for (c = obj->child; c; c = c->next)
		if (c->string && c->string[0] == key[0] && strcmp(c->string, key) == 0)
			found = c;
	return found;
}

const char *jt_str(const cJSON *obj, const char *key)
{
	const cJSON *v = jt_get(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Raw nodes hold numbers as written, or verbatim values, which begin
 * with a character no number begins with. */
bool jt_is_verbatim(const cJSON *v)
{
	return cJSON_IsRaw(v) && v->valuestring && strchr("[{\"", v->valuestring[0]) &&
	       v->valuestring[0];
}

bool jt_is_num(const cJSON *v)
{
	return (cJSON_IsRaw(v) && !jt_is_verbatim(v)) || cJSON_IsNumber(v);
}

static bool int_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!is_digit(*s))
		return false;
	while (is_digit(*s))
		s++;
	return *s == '\0';
}

int jt_int64(const cJSON *v, int64_t *out)
{
	const char *text = NULL;

	if (cJSON_IsRaw(v) || cJSON_IsString(v))
		text = v->valuestring;
	if (text && int_text(text)) {
		char *end;
		long long x;

		errno = 0;
		x = strtoll(text, &end, 10);
		if (errno)
			return -1;
		*out = x;
		return 0;
	}
	if (jt_is_num(v)) {
		double d = jt_double(v);

		if (isfinite(d) && d == floor(d) && fabs(d) < 9.2e18) {
			*out = (int64_t)d;
			return 0;
		}
	}
	return -1;
}

double jt_double(const cJSON *v)
{
	if (cJSON_IsRaw(v) && v->valuestring)
		return strtod(v->valuestring, NULL);
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	return NAN;
}

size_t jt_count(const cJSON *v)
{
	const cJSON *c;
	size_t n = 0;

	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return 0;
	for (c = v->child; c; c = c->next)
		n++;
	return n;
}

/* ---- Python-style writing ----------------------------------------------- */

static void dump_number(struct strbuf *out, const cJSON *v)
{
	const char *t = cJSON_IsRaw(v) ? v->valuestring : NULL;

	if (t && int_text(t)) {
		/* A Python int: exact digits; "-0" is 0. */
		const char *d = t[0] == '-' ? t + 1 : t;

		if (t[0] == '-' && strspn(d, "0") != strlen(d))
			sb_addc(out, '-');
		sb_adds(out, d);
		return;
	}
	pyjson_float(out, jt_double(v));
}

struct member {
	size_t pos;
	const cJSON *key;   /* first occurrence (its name) */
	const cJSON *val;   /* last occurrence (its value) */
};

struct key_ix {
	const char *k;
	size_t i;
	const cJSON *node;
};

static int key_ix_cmp(const void *a, const void *b)
{
	const struct key_ix *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The members of an object as a Python dict holds them: each key once, at
 * its first position, with its last value.  Caller frees. */
static struct member *dict_members(const cJSON *obj, size_t *count)
{
	size_t n = jt_count(obj), i = 0, m = 0, j;
	struct member *out = xcalloc(n ? n : 1, sizeof *out);
	const cJSON *c;

	if (n <= 32) {
		for (c = obj->child; c; c = c->next, i++) {
			const char *k = c->string ? c->string : "";

			for (j = 0; j < m; j++) {
				const char *o = out[j].key->string ? out[j].key->string : "";

				if (o[0] == k[0] && strcmp(o, k) == 0)
					break;
			}
			if (j < m) {
				out[j].val = c;
			} else {
				out[m].pos = i;
				out[m].key = out[m].val = c;
				m++;
			}
		}
	} else {
		struct key_ix *ix = xcalloc(n, sizeof *ix);

		for (c = obj->child; c; c = c->next, i++) {
			ix[i].k = c->string ? c->string : "";
			ix[i].i = i;
			ix[i].node = c;
		}
		qsort(ix, n, sizeof *ix, key_ix_cmp);
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && strcmp(ix[j].k, ix[i].k) == 0; j++)
				;
			out[m].pos = ix[i].i;
			out[m].key = ix[i].node;
			out[m].val = ix[j - 1].node;
			m++;
		}
		free(ix);
		qsort(out, m, sizeof *out, member_cmp);
	}
	*count = m;
	return out;
}

static void newline_indent(struct strbuf *out, int indent, int level)
{
	int i;

	sb_addc(out, '\n');
	for (i = 0; i < indent * level; i++)
		sb_addc(out, ' ');
}

/* json.dumps(s, ensure_ascii=False): only '"', '\\' and control
 * characters are escaped; bytes that are not UTF-8 become U+FFFD. */
static void string_unicode(struct strbuf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	sb_addc(out, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			uint32_t cp;
			int k = utf8_decode(s + i, n - i, &cp);

			if (k <= 0) {
				sb_adds(out, "\xef\xbf\xbd");
				i++;
			} else {
				sb_add(out, s + i, (size_t)k);
				i += (size_t)k;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"': sb_adds(out, "\\\""); break;
		case '\\': sb_adds(out, "\\\\"); break;
		case '\n': sb_adds(out, "\\n"); break;
		case '\r': sb_adds(out, "\\r"); break;
		case '\t': sb_adds(out, "\\t"); break;
		case '\b': sb_adds(out, "\\b"); break;
		case '\f': sb_adds(out, "\\f"); break;
		default:
			if (c < 0x20) {
				sb_adds(out, "\\u00");
				sb_addc(out, hex[c >> 4]);
				sb_addc(out, hex[c & 15]);
			} else {
				sb_addc(out, (char)c);
			}
		}
	}
	sb_addc(out, '"');
}

static void dump_string(struct strbuf *out, const char *s, bool ascii)
{
	if (ascii)
		pyjson_string(out, s, strlen(s));
	else
		string_unicode(out, s, strlen(s));
}

enum { DUMP_ASCII = 1, DUMP_STRICT = 2 };

static void dump(struct strbuf *out, const cJSON *v, int indent, int level, unsigned how)
{
	const cJSON *c;

	if (!v || cJSON_IsNull(v)) {
		sb_adds(out, "null");
	} else if (cJSON_IsTrue(v)) {
		sb_adds(out, "true");
	} else if (cJSON_IsFalse(v)) {
		sb_adds(out, "false");
	} else if (jt_is_verbatim(v)) {
		sb_adds(out, v->valuestring);
	} else if (jt_is_num(v) && (how & DUMP_STRICT) && !isfinite(jt_double(v))) {
		/* Strict JSON has no NaN or Infinity: protobuf's JSON strings. */
		double d = jt_double(v);

		sb_adds(out, isnan(d) ? "\"NaN\"" : d < 0 ? "\"-Infinity\"" : "\"Infinity\"");
	} else if (jt_is_num(v)) {
		dump_number(out, v);
	} else if (cJSON_IsString(v)) {
		dump_string(out, v->valuestring, how & DUMP_ASCII);
	} else if (cJSON_IsArray(v)) {
		if (!v->child) {
			sb_adds(out, "[]");
			return;
		}
		sb_addc(out, '[');
		for (c = v->child; c; c = c->next) {
			if (indent >= 0)
				newline_indent(out, indent, level + 1);
			dump(out, c, indent, level + 1, how);
			if (c->next)
				sb_adds(out, indent >= 0 ? "," : ", ");
		}
		if (indent >= 0)
			newline_indent(out, indent, level);
		sb_addc(out, ']');
	} else if (cJSON_IsObject(v)) {
		struct member *m;
		size_t n, i;

		if (!v->child) {
			sb_adds(out, "{}");
			return;
		}
		m = dict_members(v, &n);
		sb_addc(out, '{');
		for (i = 0; i < n; i++) {
			const char *k = m[i].key->string ? m[i].key->string : "";

			if (indent >= 0)
				newline_indent(out, indent, level + 1);
			dump_string(out, k, how & DUMP_ASCII);
			sb_adds(out, ": ");
			dump(out, m[i].val, indent, level + 1, how);
			if (i + 1 < n)
				sb_adds(out, indent >= 0 ? "," : ", ");
		}
		free(m);
		if (indent >= 0)
			newline_indent(out, indent, level);
		sb_addc(out, '}');
	} else {
		sb_adds(out, "null");
	}
}

void jt_dump(struct strbuf *out, const cJSON *v, int indent)
{
	dump(out, v, indent, 0, DUMP_ASCII);
}

void jt_dump_strict(struct strbuf *out, const cJSON *v, int indent)
{
	dump(out, v, indent, 0, DUMP_ASCII | DUMP_STRICT);
}

char *jt_print_unicode(const cJSON *v)
{
	struct strbuf sb = STRBUF_INIT;

	dump(&sb, v, -1, 0, 0);
	return sb_take(&sb);
}

char *jt_print(const cJSON *v)
{
	struct strbuf sb = STRBUF_INIT;

	jt_dump(&sb, v, -1);
	return sb_take(&sb);
}

char *jt_attr_json(const cJSON *v, bool *was_json)
{
	struct strbuf sb = STRBUF_INIT;

	if (was_json)
		*was_json = true;
	if (!v)
		return NULL;
	if (!cJSON_IsString(v))
		return jt_print(v);
	if (jt_valid(v->valuestring, strlen(v->valuestring)))
		return xstrdup(v->valuestring);
	if (was_json)
		*was_json = false;
	pyjson_string(&sb, v->valuestring, strlen(v->valuestring));
	return sb_take(&sb);
}

char *jt_attr_text(const cJSON *v)
{
	const char *s;
	size_t n;

	if (!v)
		return NULL;
	if (!cJSON_IsString(v))
		return jt_print(v);
	s = v->valuestring;
	n = strlen(s);
	/* A JSON string literal: decode it once (after checking it is one). */
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"' && jt_valid(s, n)) {
		struct strbuf sb = STRBUF_INIT;

		jt_unescape(s + 1, n - 2, &sb);
		return sb_take(&sb);
	}
	return xstrdup(s);
}
