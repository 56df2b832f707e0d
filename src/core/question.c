#include "core/question.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jstr.h"
#include "core/strbuf.h"
#include "core/util.h"

/* ---- questions --------------------------------------------------------- */

static const char *const type_names[LABEL_TYPE_COUNT_] = {
#define X_(id, name) [LABEL_##id] = name,
	LABEL_TYPE_LIST(X_)
#undef X_
};

static const char *const rationale_names[RATIONALE_COUNT_] = {
#define X_(id, name) [RATIONALE_##id] = name,
	RATIONALE_LIST(X_)
#undef X_
};

static const char *const target_names[QT_COUNT_] = {
#define X_(id, name) [QT_##id] = name,
	TARGET_LIST(X_)
#undef X_
};

static int by_name(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *label_type_name(enum label_type t)
{
	return (int)t >= 0 && t < LABEL_TYPE_COUNT_ ? type_names[t] : "";
}

const char *rationale_mode_name(enum rationale_mode r)
{
	return (int)r >= 0 && r < RATIONALE_COUNT_ ? rationale_names[r] : "";
}

const char *question_target_name(enum question_target t)
{
	return (int)t >= 0 && t < QT_COUNT_ ? target_names[t] : "";
}

int label_type_by_name(const char *s)
{
	return by_name(type_names, LABEL_TYPE_COUNT_, s);
}

int rationale_mode_by_name(const char *s)
{
	return by_name(rationale_names, RATIONALE_COUNT_, s);
}

int question_target_by_name(const char *s)
{
	return by_name(target_names, QT_COUNT_, s);
}

enum value_type label_value_type(const struct label_schema *l)
{
	switch (l->type) {
	case LABEL_BOOLEAN:
		return VT_BOOL;
	case LABEL_NUMERIC:
		return VT_NUMBER;
	case LABEL_CATEGORICAL:
		return l->multi ? VT_LIST : VT_TEXT;
	default:
		return VT_TEXT;
	}
}

void label_schema_copy(struct label_schema *to, const struct label_schema *from)
{
	size_t i;

	*to = *from;
	to->name = xstrdup_or_null(from->name);
	to->instructions = xstrdup_or_null(from->instructions);
	to->schema_id = xstrdup_or_null(from->schema_id);
	to->positive_label = xstrdup_or_null(from->positive_label);
	to->negative_label = xstrdup_or_null(from->negative_label);
	to->options = from->noptions ? xcalloc(from->noptions, sizeof *to->options) : NULL;
	for (i = 0; i < from->noptions; i++)
		to->options[i] = xstrdup(from->options[i]);
	to->keys = from->nkeys ? xcalloc(from->nkeys, sizeof *to->keys) : NULL;
	for (i = 0; i < from->nkeys; i++) {
		to->keys[i] = from->keys[i];
		to->keys[i].value = xstrdup_or_null(from->keys[i].value);
	}
}

void label_schema_free(struct label_schema *l)
{
	size_t i;

	free(l->name);
	for (i = 0; i < l->noptions; i++)
		free(l->options[i]);
	free(l->options);
	free(l->instructions);
	for (i = 0; i < l->nkeys; i++)
		free(l->keys[i].value);
	free(l->keys);
	free(l->schema_id);
	free(l->positive_label);
	free(l->negative_label);
	memset(l, 0, sizeof *l);
}

/* ---- the rule ---------------------------------------------------------- */

const char *question_target(const char *span_id, const char *root_span_id)
{
	if (!span_id || !*span_id)
		return NULL;
	if (root_span_id && *root_span_id && strcmp(span_id, root_span_id) == 0)
		return NULL;
	return span_id;
}

bool question_same(const char *name_a, const char *span_a, const char *name_b,
		   const char *span_b, const char *root_span_id)
{
	const char *ta, *tb;

	if (!name_a || !name_b || strcmp(name_a, name_b) != 0)
		return false;
	ta = question_target(span_a, root_span_id);
	tb = question_target(span_b, root_span_id);
	if (!ta || !tb)
		return ta == tb;
	return strcmp(ta, tb) == 0;
}

bool question_target_allows(enum question_target t, const char *target_span)
{
	switch (t) {
	case QT_TRACE:
		return !target_span;
	case QT_SPAN:
		return target_span != NULL;
	default:
		return true;
	}
}

/* ---- values ------------------------------------------------------------ */

/* A stored JSON value, decoded when it is a scalar. */
enum jkind { J_OTHER = 0, J_NULL, J_BOOL, J_NUM, J_STR };

struct jval {
	enum jkind k;
	bool b;
	double d;
	struct strbuf s;  /* J_STR: decoded UTF-8 */
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static bool word_at(const char *p, const char *w, const char **end)
{
	size_t n = strlen(w);

	if (strncmp(p, w, n) != 0)
		return false;
	*end = p + n;
	return true;
}

static bool parse_number(const char *p, double *d, const char **end)
{
	char *e;

	if (!(*p == '-' || (*p >= '0' && *p <= '9') || *p == 'N' || *p == 'I'))
		return false;
	*d = strtod(p, &e);
	if (e == p)
		return false;
	*end = e;
	return true;
}

static void jval_parse(const char *text, struct jval *v)
{
	const char *p = skip_ws(text ? text : ""), *end = NULL;

	memset(v, 0, sizeof *v);
	if (word_at(p, "null", &end))
		v->k = J_NULL;
	else if (word_at(p, "true", &end))
		v->k = J_BOOL, v->b = true;
	else if (word_at(p, "false", &end))
		v->k = J_BOOL, v->b = false;
	else if (*p == '"' && (end = jstr_decode(p, p + strlen(p), &v->s, NULL)))
		v->k = J_STR;
	else if (parse_number(p, &v->d, &end))
		v->k = J_NUM;
	if (v->k != J_OTHER && *skip_ws(end)) {
		sb_free(&v->s);
		v->k = J_OTHER;
	}
}

/* The text trimmed of ASCII space: [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static bool text_eq(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i;

	trim(&a, &an);
	trim(&b, &bn);
	if (an != bn)
		return false;
	for (i = 0; i < an; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

/* "yes"/"true" -> 1, "no"/"false" -> 0, else -1. */
static int text_bool(const struct strbuf *s)
{
	static const char *const yes[] = { "yes", "true" }, *const no[] = { "no", "false" };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (text_eq(sb_str(s), s->len, yes[i], strlen(yes[i])))
			return 1;
		if (text_eq(sb_str(s), s->len, no[i], strlen(no[i])))
			return 0;
	}
	return -1;
}

/* A string that holds a whole number ("4", " 4.0 "). */
static bool text_number(const struct strbuf *s, double *d)
{
	const char *p = skip_ws(sb_str(s)), *end;

	return parse_number(p, d, &end) && !*skip_ws(end);
}

static bool num_eq(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static bool jval_agree(const struct jval *a, const struct jval *b)
{
	double d;

	if (a->k == J_STR && b->k != J_STR)
		return jval_agree(b, a);
	switch (a->k) {
	case J_NULL:
		return b->k == J_NULL;
	case J_BOOL:
		if (b->k == J_BOOL)
			return a->b == b->b;
		return b->k == J_STR && text_bool(&b->s) == (int)a->b;
	case J_NUM:
		if (b->k == J_NUM)
			return num_eq(a->d, b->d);
		return b->k == J_STR && text_number(&b->s, &d) && num_eq(a->d, d);
	case J_STR:
		return b->k == J_STR && text_eq(sb_str(&a->s), a->s.len, sb_str(&b->s), b->s.len);
	case J_OTHER:
		break;
	}
	return false;
}

bool question_values_agree(const char *a_json, const char *b_json)
{
	struct jval a, b;
	bool same;

	jval_parse(a_json, &a);
	jval_parse(b_json, &b);
	if (a.k == J_OTHER || b.k == J_OTHER)
		same = a.k == b.k && str_eq(a_json, b_json);
	else
		same = jval_agree(&a, &b);
	sb_free(&a.s);
	sb_free(&b.s);
	return same;
}

bool question_has_value(const char *json)
{
	struct jval v;

	if (!json)
		return false;
	jval_parse(json, &v);
	sb_free(&v.s);
	return v.k != J_NULL;
}

bool question_values_differ(const char *a_json, const char *b_json)
{
	return question_has_value(a_json) && question_has_value(b_json) &&
	       !question_values_agree(a_json, b_json);
}
