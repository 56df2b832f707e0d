#include "core/filter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/util.h"

/* Deeper nesting than this is refused: the compiled SQL must stay within
 * what SQLite's parser takes (its stack holds about 100 pending terms). */
#define FILTER_MAX_DEPTH 16
/* Longer filters are refused in the parser, not by SQLite: each condition
 * adds to the depth of the compiled expression (SQLite allows 1000), each
 * value is a bound parameter (SQLite allows 32766). */
#define FILTER_MAX_CONDS 256
#define FILTER_MAX_VALUES 4096

/* ---- tokens ------------------------------------------------------------ */

enum tok_kind {
	T_END,
	T_WORD,      /* letters, digits, '_' (and '-' in keys): a name or keyword */
	T_BACKTICK,  /* `quoted key` */
	T_SQUOTE,    /* 'text' */
	T_DQUOTE,    /* "text": a key or a value, by position */
	T_NUMBER,
	T_DOT,
	T_LPAREN,
	T_RPAREN,
	T_COMMA,
	T_OP,        /* = != < <= > >= */
};

struct tok {
	enum tok_kind kind;
	size_t pos;          /* byte offset of the first character */
	size_t end;          /* byte offset after the last character */
	char *text;          /* T_WORD, quoted kinds, T_NUMBER: owned */
	enum filter_op op;   /* T_OP */
};

struct parser {
	const char *src;
	size_t pos;          /* where the lexer continues */
	struct tok tok;      /* the current token */
	int depth;
	size_t nconds, nvals;
	int *err_col;
	struct err *err;
	bool failed;
};

/* 1-based column in characters (UTF-8 continuation bytes do not count). */
static int col_of(const struct parser *p, size_t pos)
{
	size_t i;
	int col = 1;

	for (i = 0; i < pos && p->src[i]; i++)
		if (((unsigned char)p->src[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;
	int col;

	if (p->failed)
		return -1;
	p->failed = true;
	col = col_of(p, pos);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (p->err_col)
		*p->err_col = col;
	return err_set(p->err, ERR_PARSE, "col %d: %s", col, msg);
}

static bool is_word_char(char c, bool in_key)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (in_key && c == '-');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads quoted text starting at the opening quote q.  The quote is escaped by
 * doubling it or with a backslash; \\ \n \t \r are decoded; any other
 * backslash is kept as written. */
static int lex_quoted(struct parser *p, struct tok *t)
{
	const char *s = p->src;
	char q = s[p->pos];
	size_t i = p->pos + 1;
	struct strbuf sb = STRBUF_INIT;

	for (;;) {
		char c = s[i];

		if (c == '\0') {
			sb_free(&sb);
			return fail(p, p->pos, "unterminated %s: no closing %c",
				    q == '`' ? "key" : "string", q);
		}
		if (c == q) {
			if (s[i + 1] == q) {
				sb_addc(&sb, q);
				i += 2;
				continue;
			}
			i++;
			break;
		}
		if (c == '\\' && s[i + 1] != '\0') {
			char n = s[i + 1];

			if (n == q || n == '\\')
				sb_addc(&sb, n);
			else if (n == 'n')
				sb_addc(&sb, '\n');
			else if (n == 't')
				sb_addc(&sb, '\t');
			else if (n == 'r')
				sb_addc(&sb, '\r');
			else {
				sb_addc(&sb, '\\');
				sb_addc(&sb, n);
			}
			i += 2;
			continue;
		}
		sb_addc(&sb, c);
		i++;
	}
	t->kind = q == '`' ? T_BACKTICK : q == '\'' ? T_SQUOTE : T_DQUOTE;
	t->text = sb_take(&sb);
	t->end = i;
	return 0;
}

static int lex_number(struct parser *p, struct tok *t)
{
	const char *s = p->src;
	size_t i = p->pos;

	if (s[i] == '-' || s[i] == '+')
		i++;
	while (is_digit(s[i]))
		i++;
	if (s[i] == '.') {
		i++;
		while (is_digit(s[i]))
			i++;
	}
	if ((s[i] == 'e' || s[i] == 'E') &&
	    (is_digit(s[i + 1]) || ((s[i + 1] == '-' || s[i + 1] == '+') && is_digit(s[i + 2])))) {
		i += 2;
		while (is_digit(s[i]))
			i++;
	}
	if (is_word_char(s[i], false) || s[i] == '.')
		return fail(p, p->pos, "malformed number");
	t->kind = T_NUMBER;
	t->text = xstrndup(s + p->pos, i - p->pos);
	t->end = i;
	return 0;
}

/* Reads the next token into p->tok.  in_key: a key follows a dot, so a word
 * may start with a digit and contain '-'. */
static int lex(struct parser *p, bool in_key)
{
	const char *s = p->src;
	struct tok *t = &p->tok;
	char c;

	free(t->text);
	memset(t, 0, sizeof *t);
	while (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' || s[p->pos] == '\r')
		p->pos++;
	t->pos = p->pos;
	t->end = p->pos + 1;
	c = s[p->pos];
	if (c == '\0') {
		t->kind = T_END;
		t->end = p->pos;
		return 0;
	}
	if (c == '\'' || c == '"' || c == '`') {
		if (lex_quoted(p, t) < 0)
			return -1;
	} else if (in_key && is_word_char(c, true)) {
		size_t i = p->pos;

		while (is_word_char(s[i], true))
			i++;
		t->kind = T_WORD;
		t->text = xstrndup(s + p->pos, i - p->pos);
		t->end = i;
	} else if (is_digit(c) || ((c == '-' || c == '+') && (is_digit(s[p->pos + 1]) ||
			(s[p->pos + 1] == '.' && is_digit(s[p->pos + 2])))) ||
		   (c == '.' && is_digit(s[p->pos + 1]))) {
		if (lex_number(p, t) < 0)
			return -1;
	} else if (is_word_char(c, false)) {
		size_t i = p->pos;

		while (is_word_char(s[i], false))
			i++;
		t->kind = T_WORD;
		t->text = xstrndup(s + p->pos, i - p->pos);
		t->end = i;
	} else if (c == '.') {
		t->kind = T_DOT;
	} else if (c == '(') {
		t->kind = T_LPAREN;
	} else if (c == ')') {
		t->kind = T_RPAREN;
	} else if (c == ',') {
		t->kind = T_COMMA;
	} else if (c == '=') {
		t->kind = T_OP;
		t->op = FOP_EQ;
		if (s[p->pos + 1] == '=')
			return fail(p, p->pos, "unknown operator '==': use '='");
	} else if (c == '!') {
		if (s[p->pos + 1] != '=')
			return fail(p, p->pos, "expected '=' after '!'");
		t->kind = T_OP;
		t->op = FOP_NE;
		t->end = p->pos + 2;
	} else if (c == '<') {
		t->kind = T_OP;
		t->op = FOP_LT;
		if (s[p->pos + 1] == '=') {
			t->op = FOP_LE;
			t->end = p->pos + 2;
		} else if (s[p->pos + 1] == '>') {
			t->op = FOP_NE;
			t->end = p->pos + 2;
		}
	} else if (c == '>') {
		t->kind = T_OP;
		t->op = FOP_GT;
		if (s[p->pos + 1] == '=') {
			t->op = FOP_GE;
			t->end = p->pos + 2;
		}
	} else {
		int n = 1;

		if ((unsigned char)c >= 0x80)
			while (n < 4 && ((unsigned char)s[p->pos + (size_t)n] & 0xC0) == 0x80)
				n++;
		return fail(p, p->pos, "unexpected character '%.*s'", n, s + p->pos);
	}
	p->pos = t->end;
	return 0;
}

static bool is_kw(const struct tok *t, const char *kw)
{
	return t->kind == T_WORD && strcasecmp(t->text, kw) == 0;
}

/* What the current token is, for "found ..." in messages. */
static void describe(const struct parser *p, char *buf, size_t size)
{
	const struct tok *t = &p->tok;
	size_t n = t->end - t->pos;

	if (t->kind == T_END) {
		snprintf(buf, size, "the end of the filter");
		return;
	}
	if (n > 24)
		n = 24;
	snprintf(buf, size, "'%.*s%s'", (int)n, p->src + t->pos,
		 t->end - t->pos > n ? "..." : "");
}

/* ---- fields ------------------------------------------------------------ */

struct attr_name {
	const char *name;
	enum filter_field field;
};

static const struct attr_name attr_names[] = {
	{ "status",            FF_STATUS },
	{ "request_id",        FF_REQUEST_ID },
	{ "trace_id",          FF_REQUEST_ID },
	{ "client_request_id", FF_CLIENT_REQUEST_ID },
	{ "timestamp",         FF_TIMESTAMP },
	{ "timestamp_ms",      FF_TIMESTAMP },
	{ "execution_time",    FF_EXEC_TIME },
	{ "execution_time_ms", FF_EXEC_TIME },
	{ "end_time",          FF_END_TIME },
	{ "end_time_ms",       FF_END_TIME },
	{ "name",              FF_NAME },
	{ "run_id",            FF_RUN_ID },
	{ "text",              FF_TEXT },
};

#define SPAN_FIELDS "name, type, status, content, attributes.<key>, duration_ms, " \
	"start_time_ms, end_time_ms"

#define ATTR_LIST "status, timestamp_ms, execution_time_ms, end_time_ms, name, " \
	"request_id, run_id, client_request_id, text"

/* Operators each field takes (bit i = enum filter_op i). */
#define OPB(o) (1u << (o))
#define OPS_EQ_NE     (OPB(FOP_EQ) | OPB(FOP_NE))
#define OPS_LIKES     (OPB(FOP_LIKE) | OPB(FOP_ILIKE) | OPB(FOP_RLIKE))
#define OPS_INS       (OPB(FOP_IN) | OPB(FOP_NOT_IN))
#define OPS_NULLS     (OPB(FOP_IS_NULL) | OPB(FOP_IS_NOT_NULL))
#define OPS_ORDER     (OPB(FOP_LT) | OPB(FOP_LE) | OPB(FOP_GT) | OPB(FOP_GE))
#define OPS_STRING    (OPS_EQ_NE | OPS_LIKES | OPS_INS | OPS_NULLS)
#define OPS_NUMBER    (OPS_EQ_NE | OPS_ORDER | OPS_NULLS)

static unsigned field_ops(enum filter_field f)
{
	switch (f) {
	case FF_TIMESTAMP:
	case FF_EXEC_TIME:
	case FF_END_TIME:
	case FF_SPAN_DURATION:
	case FF_SPAN_START:
	case FF_SPAN_END:
		return OPS_NUMBER;
	case FF_TEXT:
	case FF_SPAN_CONTENT:
		return OPS_LIKES;
	case FF_SPAN_NAME:
	case FF_SPAN_TYPE:
	case FF_SPAN_STATUS:
	case FF_SPAN_ATTR:
		return OPS_EQ_NE | OPS_LIKES | OPS_INS;
	case FF_ISSUE:
		return OPB(FOP_EQ);
	case FF_QUEUE:
		return OPS_EQ_NE | OPS_INS | OPS_NULLS;
	default:
		return OPS_STRING;
	}
}

static void ops_list(unsigned ops, char *buf, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	int o;
	char *s;

	for (o = FOP_EQ; o <= FOP_IS_NOT_NULL; o++) {
		if (!(ops & OPB(o)))
			continue;
		if (sb.len)
			sb_adds(&sb, ", ");
		sb_adds(&sb, filter_op_name((enum filter_op)o));
	}
	s = sb_take(&sb);
	snprintf(buf, size, "%s", s);
	free(s);
}

const char *filter_op_name(enum filter_op op)
{
	static const char *const names[] = {
		[FOP_EQ] = "=", [FOP_NE] = "!=", [FOP_LT] = "<", [FOP_LE] = "<=",
		[FOP_GT] = ">", [FOP_GE] = ">=", [FOP_LIKE] = "LIKE", [FOP_ILIKE] = "ILIKE",
		[FOP_RLIKE] = "RLIKE", [FOP_IN] = "IN", [FOP_NOT_IN] = "NOT IN",
		[FOP_IS_NULL] = "IS NULL", [FOP_IS_NOT_NULL] = "IS NOT NULL",
	};

	return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "?";
}

const char *filter_field_name(enum filter_field f)
{
	static const char *const names[] = {
		[FF_STATUS] = "status", [FF_REQUEST_ID] = "request_id",
		[FF_CLIENT_REQUEST_ID] = "client_request_id", [FF_TIMESTAMP] = "timestamp_ms",
		[FF_EXEC_TIME] = "execution_time_ms", [FF_END_TIME] = "end_time_ms",
		[FF_NAME] = "name", [FF_RUN_ID] = "run_id", [FF_TEXT] = "text",
		[FF_TAG] = "tags", [FF_META] = "metadata", [FF_SPAN_NAME] = "span.name",
		[FF_SPAN_TYPE] = "span.type", [FF_SPAN_STATUS] = "span.status",
		[FF_SPAN_CONTENT] = "span.content", [FF_SPAN_ATTR] = "span.attributes",
		[FF_SPAN_DURATION] = "span.duration_ms", [FF_SPAN_START] = "span.start_time_ms",
		[FF_SPAN_END] = "span.end_time_ms",
		[FF_FEEDBACK] = "feedback", [FF_EXPECTATION] = "expectation",
		[FF_ISSUE] = "issue.id", [FF_QUEUE] = "queue",
	};

	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

bool filter_field_numeric(enum filter_field f)
{
	return f == FF_TIMESTAMP || f == FF_EXEC_TIME || f == FF_END_TIME ||
	       f == FF_SPAN_DURATION || f == FF_SPAN_START || f == FF_SPAN_END;
}

bool filter_field_is_span(enum filter_field f)
{
	return f == FF_SPAN_NAME || f == FF_SPAN_TYPE || f == FF_SPAN_STATUS ||
	       f == FF_SPAN_CONTENT || f == FF_SPAN_ATTR || f == FF_SPAN_DURATION ||
	       f == FF_SPAN_START || f == FF_SPAN_END;
}

static bool field_has_key(enum filter_field f)
{
	return f == FF_TAG || f == FF_META || f == FF_SPAN_ATTR || f == FF_FEEDBACK ||
	       f == FF_EXPECTATION || f == FF_QUEUE;
}

/* One part of a dotted field name. */
struct seg {
	char *text;
	bool quoted;
	size_t pos;
};

struct segs {
	struct seg *v;
	size_t n, cap;
};

static void segs_free(struct segs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].text);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* Joins segs[from..n) with dots: the key of tags.mlflow.traceName. */
static char *segs_join(const struct segs *s, size_t from)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = from; i < s->n; i++) {
		if (i > from)
			sb_addc(&sb, '.');
		sb_adds(&sb, s->v[i].text);
	}
	return sb_take(&sb);
}

static bool seg_is(const struct seg *s, const char *name)
{
	return !s->quoted && strcasecmp(s->text, name) == 0;
}

/* Reads entity '.' key ... into segments. */
static int read_segs(struct parser *p, struct segs *s)
{
	for (;;) {
		struct tok *t = &p->tok;

		if (t->kind != T_WORD && t->kind != T_BACKTICK && t->kind != T_DQUOTE) {
			char found[48];

			describe(p, found, sizeof found);
			return fail(p, t->pos, "expected a key after '.', found %s", found);
		}
		GROW(s->v, s->cap, s->n + 1);
		s->v[s->n].text = t->text;
		s->v[s->n].quoted = t->kind != T_WORD;
		s->v[s->n].pos = t->pos;
		t->text = NULL;
		s->n++;
		if (lex(p, false) < 0)
			return -1;
		if (p->tok.kind != T_DOT)
			return 0;
		if (lex(p, true) < 0)
			return -1;
	}
}

static int resolve_attr(struct parser *p, const struct seg *s, struct filter_node *n)
{
	size_t i;

	for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++) {
		if (strcasecmp(s->text, attr_names[i].name) == 0) {
			n->field = attr_names[i].field;
			return 0;
		}
	}
	return fail(p, s->pos, "unknown attribute '%s' (attributes are " ATTR_LIST ")", s->text);
}

/* Turns the segments into n->field and n->key. */
static int resolve_field(struct parser *p, const struct segs *s, struct filter_node *n)
{
	const struct seg *e = &s->v[0];

	if (s->n == 1)
		return resolve_attr(p, e, n);
	if (e->quoted)
		return fail(p, e->pos, "unknown field '%s': a quoted name cannot be an entity", e->text);
	if (seg_is(e, "attributes") || seg_is(e, "attribute") || seg_is(e, "trace")) {
		if (s->n > 2) {
			char *k = segs_join(s, 1);
			int rc = fail(p, s->v[1].pos, "unknown attribute '%s' (attributes are "
				      ATTR_LIST ")", k);

			free(k);
			return rc;
		}
		return resolve_attr(p, &s->v[1], n);
	}
	if (seg_is(e, "tags") || seg_is(e, "tag")) {
		n->field = FF_TAG;
	} else if (seg_is(e, "metadata") || seg_is(e, "request_metadata")) {
		n->field = FF_META;
	} else if (seg_is(e, "feedback")) {
		n->field = FF_FEEDBACK;
	} else if (seg_is(e, "expectation")) {
		n->field = FF_EXPECTATION;
	} else if (seg_is(e, "queue")) {
		n->field = FF_QUEUE;
	} else if (seg_is(e, "issue")) {
		if (s->n != 2 || !seg_is(&s->v[1], "id"))
			return fail(p, s->v[1].pos, "issues are matched by issue.id");
		n->field = FF_ISSUE;
		return 0;
	} else if (seg_is(e, "span")) {
		const struct seg *k = &s->v[1];

		if (seg_is(k, "attributes") || seg_is(k, "attribute")) {
			if (s->n < 3)
				return fail(p, k->pos, "expected span.attributes.<key>");
			n->field = FF_SPAN_ATTR;
			n->key = segs_join(s, 2);
			goto key;
		}
		if (s->n > 2)
			return fail(p, k->pos, "unknown span field (span fields are " SPAN_FIELDS ")");
		if (seg_is(k, "duration_ms") || seg_is(k, "duration"))
			n->field = FF_SPAN_DURATION;
		else if (seg_is(k, "start_time_ms") || seg_is(k, "start_time"))
			n->field = FF_SPAN_START;
		else if (seg_is(k, "end_time_ms") || seg_is(k, "end_time"))
			n->field = FF_SPAN_END;
		else if (seg_is(k, "name"))
			n->field = FF_SPAN_NAME;
		else if (seg_is(k, "type"))
			n->field = FF_SPAN_TYPE;
		else if (seg_is(k, "status"))
			n->field = FF_SPAN_STATUS;
		else if (seg_is(k, "content"))
			n->field = FF_SPAN_CONTENT;
		else
			return fail(p, k->pos, "unknown span field '%s' (span fields are "
				    SPAN_FIELDS ")", k->text);
		return 0;
	} else {
		return fail(p, e->pos, "unknown entity '%s' (use attributes, tags, metadata, "
			    "span, feedback, expectation or queue)", e->text);
	}
	n->key = segs_join(s, 1);
key:
	if (!n->key[0])
		return fail(p, s->v[s->n - 1].pos, "empty key");
	return 0;
}

/* ---- tree -------------------------------------------------------------- */

static struct filter_node *node_new(enum filter_kind kind, int col)
{
	struct filter_node *n = xcalloc(1, sizeof *n);

	n->kind = kind;
	n->col = col;
	return n;
}

void filter_free(struct filter_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		filter_free(n->kids[i]);
	free(n->kids);
	for (i = 0; i < n->nvals; i++)
		free(n->vals[i].text);
	free(n->vals);
	free(n->key);
	free(n);
}

static void node_add_kid(struct filter_node *n, struct filter_node *kid)
{
	size_t cap = n->nkids;

	/* Flatten (a AND b) AND c into one list: same meaning, and the span
	 * conditions of one AND group are then siblings. */
	if (kid->kind == n->kind && (kid->kind == FILTER_AND || kid->kind == FILTER_OR)) {
		size_t i;

		for (i = 0; i < kid->nkids; i++)
			node_add_kid(n, kid->kids[i]);
		kid->nkids = 0;
		filter_free(kid);
		return;
	}
	n->kids = xrealloc(n->kids, (cap + 1) * sizeof *n->kids);
	n->kids[n->nkids++] = kid;
}

/* ---- grammar ----------------------------------------------------------- */

static struct filter_node *parse_or(struct parser *p);

static int parse_value(struct parser *p, struct filter_node *n, const char *after)
{
	struct tok *t = &p->tok;
	struct filter_value v;
	bool numeric = filter_field_numeric(n->field);
	const char *fname = filter_field_name(n->field);

	memset(&v, 0, sizeof v);
	if (++p->nvals > FILTER_MAX_VALUES)
		return fail(p, t->pos, "filter too long: at most %d values", FILTER_MAX_VALUES);
	v.col = col_of(p, t->pos);
	if (t->kind == T_SQUOTE || t->kind == T_DQUOTE) {
		if (numeric)
			return fail(p, t->pos, "%s compares with a number, not a string", fname);
	} else if (t->kind == T_NUMBER) {
		char *end;

		if (!numeric)
			return fail(p, t->pos, "%s compares with text: put the value in quotes "
				    "('%s')", fname, t->text);
		v.is_num = true;
		errno = 0;
		if (!strpbrk(t->text, ".eE")) {
			long long ll = strtoll(t->text, &end, 10);

			if (errno == 0 && *end == '\0') {
				v.is_int = true;
				v.i = ll;
				v.d = (double)ll;
			}
		}
		if (!v.is_int) {
			errno = 0;
			v.d = strtod(t->text, &end);
			if (errno || *end)
				return fail(p, t->pos, "number out of range");
		}
	} else if (t->kind == T_WORD && !numeric) {
		return fail(p, t->pos, "expected a value after %s: put text in quotes ('%s')",
			    after, t->text);
	} else {
		return fail(p, t->pos, "expected a value after %s", after);
	}
	v.text = t->text;
	t->text = NULL;
	n->vals = xrealloc(n->vals, (n->nvals + 1) * sizeof *n->vals);
	n->vals[n->nvals++] = v;
	return lex(p, false);
}

static int parse_in_list(struct parser *p, struct filter_node *n)
{
	size_t open;

	if (p->tok.kind != T_LPAREN)
		return fail(p, p->tok.pos, "expected '(' after %s", filter_op_name(n->op));
	open = p->tok.pos;
	if (lex(p, false) < 0)
		return -1;
	for (;;) {
		if (parse_value(p, n, n->nvals ? "','" : "'('") < 0)
			return -1;
		if (p->tok.kind == T_COMMA) {
			if (lex(p, false) < 0)
				return -1;
			continue;
		}
		if (p->tok.kind == T_RPAREN)
			return lex(p, false);
		if (p->tok.kind == T_END)
			return fail(p, p->tok.pos, "expected ')' to close the list at col %d",
				    col_of(p, open));
		return fail(p, p->tok.pos, "expected ',' or ')' in the %s list",
			    filter_op_name(n->op));
	}
}

static struct filter_node *parse_comparison(struct parser *p)
{
	struct filter_node *n = node_new(FILTER_CMP, col_of(p, p->tok.pos));
	struct segs segs = { NULL, 0, 0 };
	struct tok *t = &p->tok;
	size_t op_pos;
	char found[48];

	if (t->kind != T_WORD && t->kind != T_BACKTICK && t->kind != T_DQUOTE) {
		describe(p, found, sizeof found);
		fail(p, t->pos, "expected a field such as status, tags.<key> or feedback.<name>, "
		     "found %s", found);
		goto fail;
	}
	if (++p->nconds > FILTER_MAX_CONDS) {
		fail(p, t->pos, "filter too long: at most %d conditions", FILTER_MAX_CONDS);
		goto fail;
	}
	if (read_segs(p, &segs) < 0 || resolve_field(p, &segs, n) < 0)
		goto fail;

	op_pos = t->pos;
	n->op_col = col_of(p, op_pos);
	if (t->kind == T_OP) {
		n->op = t->op;
	} else if (is_kw(t, "LIKE")) {
		n->op = FOP_LIKE;
	} else if (is_kw(t, "ILIKE")) {
		n->op = FOP_ILIKE;
	} else if (is_kw(t, "RLIKE")) {
		n->op = FOP_RLIKE;
	} else if (is_kw(t, "IN")) {
		n->op = FOP_IN;
	} else if (is_kw(t, "NOT")) {
		if (lex(p, false) < 0)
			goto fail;
		if (!is_kw(t, "IN")) {
			fail(p, t->pos, "expected IN after NOT (NOT before a comparison negates it: "
			     "NOT %s ...)", segs.v[0].text);
			goto fail;
		}
		n->op = FOP_NOT_IN;
	} else if (is_kw(t, "IS")) {
		if (lex(p, false) < 0)
			goto fail;
		n->op = FOP_IS_NULL;
		if (is_kw(t, "NOT")) {
			n->op = FOP_IS_NOT_NULL;
			if (lex(p, false) < 0)
				goto fail;
		}
		if (!is_kw(t, "NULL")) {
			fail(p, t->pos, "expected NULL after %s", n->op == FOP_IS_NULL ? "IS" : "IS NOT");
			goto fail;
		}
	} else {
		describe(p, found, sizeof found);
		fail(p, t->pos, "expected an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, "
		     "NOT IN, IS NULL, IS NOT NULL), found %s", found);
		goto fail;
	}
	if (!(field_ops(n->field) & OPB(n->op))) {
		char ops[160];

		ops_list(field_ops(n->field), ops, sizeof ops);
		fail(p, op_pos, "%s does not take %s (it takes %s)", filter_field_name(n->field),
		     filter_op_name(n->op), ops);
		goto fail;
	}
	if (lex(p, false) < 0)
		goto fail;
	if (n->op == FOP_IS_NULL || n->op == FOP_IS_NOT_NULL) {
		/* no value */
	} else if (n->op == FOP_IN || n->op == FOP_NOT_IN) {
		if (parse_in_list(p, n) < 0)
			goto fail;
	} else {
		char after[16];

		snprintf(after, sizeof after, "'%s'", filter_op_name(n->op));
		if (parse_value(p, n, after) < 0)
			goto fail;
	}
	if (n->field == FF_QUEUE) {
		size_t i;

		for (i = 0; i < n->nvals; i++) {
			const char *v = n->vals[i].text;

			if (n->vals[i].is_num || (strcmp(v, "pending") != 0 &&
						  strcmp(v, "complete") != 0 &&
						  strcmp(v, "declined") != 0)) {
				fail(p, op_pos, "a queue status is 'pending', 'complete' or "
				     "'declined', not '%s'", v);
				goto fail;
			}
		}
	}
	segs_free(&segs);
	if (!field_has_key(n->field)) {
		free(n->key);
		n->key = NULL;
	}
	return n;
fail:
	segs_free(&segs);
	filter_free(n);
	return NULL;
}

static struct filter_node *parse_unary(struct parser *p)
{
	struct tok *t = &p->tok;
	struct filter_node *n = NULL;

	if (++p->depth > FILTER_MAX_DEPTH) {
		fail(p, t->pos, "too deeply nested (at most %d levels)", FILTER_MAX_DEPTH);
		goto out;
	}
	if (is_kw(t, "NOT")) {
		int col = col_of(p, t->pos);
		struct filter_node *kid;

		if (lex(p, false) < 0)
			goto out;
		kid = parse_unary(p);
		if (!kid)
			goto out;
		n = node_new(FILTER_NOT, col);
		node_add_kid(n, kid);
	} else if (t->kind == T_LPAREN) {
		size_t open = t->pos;

		if (lex(p, false) < 0)
			goto out;
		if (t->kind == T_RPAREN) {
			fail(p, t->pos, "empty parentheses");
			goto out;
		}
		n = parse_or(p);
		if (!n)
			goto out;
		if (t->kind != T_RPAREN) {
			char found[48];

			describe(p, found, sizeof found);
			fail(p, t->pos, "expected ')' to close the '(' at col %d, found %s",
			     col_of(p, open), found);
			filter_free(n);
			n = NULL;
			goto out;
		}
		if (lex(p, false) < 0) {
			filter_free(n);
			n = NULL;
			goto out;
		}
	} else {
		n = parse_comparison(p);
	}
out:
	p->depth--;
	return n;
}

/* and := unary { AND unary } ; or := and { OR and } */
static struct filter_node *parse_list(struct parser *p, enum filter_kind kind)
{
	const char *kw = kind == FILTER_AND ? "AND" : "OR";
	struct filter_node *first, *n;

	first = kind == FILTER_AND ? parse_unary(p) : parse_list(p, FILTER_AND);
	if (!first)
		return NULL;
	if (!is_kw(&p->tok, kw))
		return first;
	n = node_new(kind, first->col);
	node_add_kid(n, first);
	while (is_kw(&p->tok, kw)) {
		struct filter_node *kid;

		if (lex(p, false) < 0)
			goto fail;
		kid = kind == FILTER_AND ? parse_unary(p) : parse_list(p, FILTER_AND);
		if (!kid)
			goto fail;
		node_add_kid(n, kid);
	}
	return n;
fail:
	filter_free(n);
	return NULL;
}

static struct filter_node *parse_or(struct parser *p)
{
	return parse_list(p, FILTER_OR);
}

int filter_parse(const char *text, struct filter_node **out, int *err_col, struct err *err)
{
	struct parser p;
	struct filter_node *n = NULL;
	int rc = -1;

	*out = NULL;
	if (err_col)
		*err_col = 0;
	memset(&p, 0, sizeof p);
	p.src = text ? text : "";
	p.err = err;
	p.err_col = err_col;
	if (lex(&p, false) < 0)
		goto out;
	if (p.tok.kind == T_END) {
		rc = 0;
		goto out;
	}
	n = parse_or(&p);
	if (!n)
		goto out;
	if (p.tok.kind != T_END) {
		char found[48];

		describe(&p, found, sizeof found);
		if (p.tok.kind == T_RPAREN)
			fail(&p, p.tok.pos, "unexpected ')': no '(' to close");
		else
			fail(&p, p.tok.pos, "expected AND, OR or the end of the filter, found %s",
			     found);
		goto out;
	}
	*out = n;
	n = NULL;
	rc = 0;
out:
	filter_free(n);
	free(p.tok.text);
	return rc;
}

/* ---- printing ---------------------------------------------------------- */

static void print_quoted(struct strbuf *sb, const char *s, char q)
{
	sb_addc(sb, q);
	for (; *s; s++) {
		if (*s == q || *s == '\\')
			sb_addc(sb, *s);
		sb_addc(sb, *s);
	}
	sb_addc(sb, q);
}

static void print_node(struct strbuf *sb, const struct filter_node *n)
{
	size_t i;

	switch (n->kind) {
	case FILTER_AND:
	case FILTER_OR:
		sb_addc(sb, '(');
		for (i = 0; i < n->nkids; i++) {
			if (i)
				sb_adds(sb, n->kind == FILTER_AND ? " AND " : " OR ");
			print_node(sb, n->kids[i]);
		}
		sb_addc(sb, ')');
		return;
	case FILTER_NOT:
		sb_adds(sb, "NOT ");
		print_node(sb, n->kids[0]);
		return;
	case FILTER_CMP:
		break;
	}
	sb_adds(sb, filter_field_name(n->field));
	if (n->key) {
		sb_addc(sb, '.');
		print_quoted(sb, n->key, '`');
	}
	sb_addc(sb, ' ');
	sb_adds(sb, filter_op_name(n->op));
	if (n->op == FOP_IN || n->op == FOP_NOT_IN)
		sb_adds(sb, " (");
	for (i = 0; i < n->nvals; i++) {
		if (i)
			sb_adds(sb, ", ");
		else if (n->op != FOP_IN && n->op != FOP_NOT_IN)
			sb_addc(sb, ' ');
		if (n->vals[i].is_num)
			sb_adds(sb, n->vals[i].text);
		else
			print_quoted(sb, n->vals[i].text, '\'');
	}
	if (n->op == FOP_IN || n->op == FOP_NOT_IN)
		sb_addc(sb, ')');
}

char *filter_to_string(const struct filter_node *n)
{
	struct strbuf sb = STRBUF_INIT;

	if (n)
		print_node(&sb, n);
	return sb_take(&sb);
}
