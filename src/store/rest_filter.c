/*
 * tracelab's filter language over a tracking server (see rest_int.h): the
 * part MLflow's grammar takes goes to the server as text, the rest is
 * evaluated here on each TraceInfo the server returns (its tags, metadata,
 * previews and inline assessments), with the semantics of the SQLite
 * backend's filters (store/filter_sql.c) where the data allows.
 */
#include "store/rest_int.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pyjson.h"
#include "core/util.h"

/* ---- text the server takes --------------------------------------------- */

/* MLflow's quoting of a string value: its parser takes '...' or "...",
 * with no escape for the quote itself. */
static int add_quoted(struct strbuf *sb, const char *v, int col, struct err *err)
{
	char q = strchr(v, '\'') ? '"' : '\'';

	if (strchr(v, q))
		return err_set(err, ERR_USAGE, "col %d: a value with both ' and \" cannot be sent to "
			       "an MLflow server", col);
	sb_addc(sb, q);
	sb_adds(sb, v);
	sb_addc(sb, q);
	return 0;
}

static void add_key(struct strbuf *sb, const char *key)
{
	const char *p;
	bool plain = *key != '\0';

	for (p = key; *p; p++)
		if (!(*p == '_' || *p == '.' || *p == '-' || isalnum((unsigned char)*p)))
			plain = false;
	if (plain) {
		sb_adds(sb, key);
	} else {
		sb_addc(sb, '`');
		sb_adds(sb, key);
		sb_addc(sb, '`');
	}
}

static const char *server_field(enum filter_field f)
{
	switch (f) {
	case FF_STATUS: return "attributes.status";
	case FF_REQUEST_ID: return "attributes.request_id";
	case FF_CLIENT_REQUEST_ID: return "attributes.client_request_id";
	case FF_TIMESTAMP: return "attributes.timestamp_ms";
	case FF_EXEC_TIME: return "attributes.execution_time_ms";
	case FF_END_TIME: return "attributes.end_time_ms";
	case FF_NAME: return "attributes.name";
	case FF_RUN_ID: return "attributes.run_id";
	case FF_TEXT: return "attributes.text";
	case FF_TAG: return "tags.";
	case FF_META: return "metadata.";
	case FF_SPAN_NAME: return "span.name";
	case FF_SPAN_TYPE: return "span.type";
	case FF_SPAN_STATUS: return "span.status";
	case FF_SPAN_CONTENT: return "span.content";
	case FF_SPAN_ATTR: return "span.attributes.";
	case FF_FEEDBACK: return "feedback.";
	case FF_EXPECTATION: return "expectation.";
	default: return NULL;
	}
}

static bool in_allowed(enum filter_field f)
{
	return f == FF_STATUS || f == FF_REQUEST_ID || f == FF_NAME || f == FF_RUN_ID ||
	       f == FF_CLIENT_REQUEST_ID || f == FF_SPAN_NAME || f == FF_SPAN_TYPE ||
	       f == FF_SPAN_STATUS;
}

static bool like_safe(const char *s)
{
	return !strpbrk(s, "%_\\'\"");
}

/* A comparison the server can take exactly: 1; as a wider condition (the
 * client then checks it): 2, with that text; neither: 0. */
static int server_cmp(const struct filter_node *n, struct strbuf *sb, struct err *err)
{
	const char *f = server_field(n->field);
	size_t i;

	if (!f || n->op == FOP_IS_NULL || n->op == FOP_IS_NOT_NULL || n->field == FF_ISSUE ||
	    n->field == FF_QUEUE)
		return 0;
	if (n->field == FF_FEEDBACK || n->field == FF_EXPECTATION) {
		/* The server compares the stored JSON text with the value as
		 * written ('yes' misses "yes", 4 misses 4.0) and counts
		 * overridden rows: a containing ILIKE narrows, the client
		 * decides. */
		if ((n->op != FOP_EQ && !(n->op == FOP_IN && n->nvals == 1)) ||
		    !like_safe(n->vals[0].text) || !*n->vals[0].text)
			return 0;
		sb_adds(sb, f);
		add_key(sb, n->key);
		sb_addf(sb, " ILIKE '%%%s%%'", n->vals[0].text);
		return 2;
	}
	if ((n->op == FOP_IN || n->op == FOP_NOT_IN) && !in_allowed(n->field))
		return 0;
	if ((n->field == FF_TAG || n->field == FF_META) &&
	    !(n->op == FOP_EQ || n->op == FOP_NE || n->op == FOP_LIKE || n->op == FOP_ILIKE ||
	      n->op == FOP_RLIKE))
		return 0;
	sb_adds(sb, f);
	if (n->key)
		add_key(sb, n->key);
	sb_addf(sb, " %s ", filter_op_name(n->op));
	if (n->op == FOP_IN || n->op == FOP_NOT_IN)
		sb_addc(sb, '(');
	for (i = 0; i < n->nvals; i++) {
		if (i)
			sb_adds(sb, ", ");
		if (n->vals[i].is_num)
			sb_adds(sb, n->vals[i].text);
		else if (add_quoted(sb, n->vals[i].text, n->vals[i].col, err) < 0)
			return -1;
	}
	if (n->op == FOP_IN || n->op == FOP_NOT_IN)
		sb_addc(sb, ')');
	return 1;
}

static void mark(struct rest_filter *rf, const struct filter_node *n)
{
	GROW(rf->exact, rf->cap, rf->nexact + 1);
	rf->exact[rf->nexact++] = n;
}

static bool is_exact(const struct rest_filter *rf, const struct filter_node *n)
{
	size_t i;

	for (i = 0; i < rf->nexact; i++)
		if (rf->exact[i] == n)
			return true;
	return false;
}

/* Span conditions cannot be checked here (a TraceInfo has no spans), nor
 * by the server when they are on span times, which its search lacks. */
static int check_client(const struct filter_node *n, const struct rest_filter *rf,
			struct err *err)
{
	size_t i;

	if (is_exact(rf, n))
		return 0;
	if (n->kind != FILTER_CMP) {
		for (i = 0; i < n->nkids; i++)
			if (check_client(n->kids[i], rf, err) < 0)
				return -1;
		return 0;
	}
	if (n->field == FF_SPAN_DURATION || n->field == FF_SPAN_START || n->field == FF_SPAN_END)
		return err_set(err, ERR_USAGE, "col %d: %s cannot be used on an MLflow server: its "
			       "search has no span times (a trace's spans come only with the "
			       "whole trace); span.name, span.type, span.status and "
			       "span.attributes work, or open the SQLite store", n->col,
			       filter_field_name(n->field));
	if (n->field == FF_QUEUE)
		return err_set(err, ERR_USAGE, "col %d: review queues are not available on this "
			       "server: its REST API has no review-queue endpoints", n->col);
	if (filter_field_is_span(n->field) || n->field == FF_ISSUE)
		return err_set(err, ERR_USAGE, "col %d: on an MLflow server, %s works only as a "
			       "condition of its own joined with AND", n->col,
			       filter_field_name(n->field));
	return 0;
}

int rest_filter_init(struct rest_filter *rf, const char *text, const char *search,
		     struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct filter_node *top;
	size_t i, nconj = 1;
	const struct filter_node *const *conj;
	int rc = 0;

	memset(rf, 0, sizeof *rf);
	if (filter_parse(text, &rf->tree, NULL, err) < 0)
		return -1;
	top = rf->tree;
	if (top) {
		conj = (const struct filter_node *const *)(top->kind == FILTER_AND ? top->kids : &top);
		nconj = top->kind == FILTER_AND ? top->nkids : 1;
		for (i = 0; i < nconj && rc >= 0; i++) {
			struct strbuf one = STRBUF_INIT;

			if (conj[i]->kind != FILTER_CMP) {
				rf->client = true;
				continue;
			}
			rc = server_cmp(conj[i], &one, err);
			if (rc > 0) {
				if (sb.len)
					sb_adds(&sb, " AND ");
				sb_adds(&sb, sb_str(&one));
			}
			if (rc == 1)
				mark(rf, conj[i]);
			else if (rc >= 0)
				rf->client = true;
			sb_free(&one);
		}
		if (rc >= 0 && rf->client)
			rc = check_client(top, rf, err);
	}
	if (rc >= 0 && search && *search) {
		if (sb.len)
			sb_adds(&sb, " AND ");
		sb_adds(&sb, "attributes.text ILIKE ");
		{
			struct strbuf pat = STRBUF_INIT;

			sb_addc(&pat, '%');
			sb_adds(&pat, search);
			sb_addc(&pat, '%');
			rc = add_quoted(&sb, sb_str(&pat), 1, err);
			sb_free(&pat);
		}
	}
	if (rc < 0) {
		sb_free(&sb);
		rest_filter_free(rf);
		return -1;
	}
	rf->server = sb_take(&sb);
	return 0;
}

void rest_filter_free(struct rest_filter *rf)
{
	filter_free(rf->tree);
	free(rf->exact);
	free(rf->server);
	memset(rf, 0, sizeof *rf);
}

/* ---- evaluation on the client ------------------------------------------ */

/* SQL LIKE: % any run, _ one character (a UTF-8 sequence); fold: ASCII
 * case ignored. */
static bool like(const char *s, const char *p, bool fold)
{
	while (*p) {
		if (*p == '%') {
			while (*p == '%')
				p++;
			if (!*p)
				return true;
			for (; *s; s++)
				if (like(s, p, fold))
					return true;
			return false;
		}
		if (!*s)
			return false;
		if (*p == '_') {
			s++;
			while (((unsigned char)*s & 0xc0) == 0x80)
				s++;
			p++;
			continue;
		}
		if (fold ? tolower((unsigned char)*s) != tolower((unsigned char)*p) : *s != *p)
			return false;
		s++;
		p++;
	}
	return !*s;
}

static bool rlike(const char *s, const char *pat)
{
	regex_t re;
	bool m;

	if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	m = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static bool num_of(const char *s, double *d)
{
	char *end;

	if (!s || !*s)
		return false;
	*d = strtod(s, &end);
	return *end == '\0';
}

/* One value against one filter value: text comparison for strings,
 * numeric when both are numbers. */
static int compare(const char *v, const struct filter_value *fv)
{
	double a;

	if (fv->is_num && num_of(v, &a))
		return a < fv->d ? -1 : a > fv->d;
	return strcmp(v, fv->text);
}

static bool match_text(const char *v, const struct filter_node *n)
{
	size_t i;

	switch (n->op) {
	case FOP_IS_NULL: return !v;
	case FOP_IS_NOT_NULL: return v != NULL;
	default: break;
	}
	if (!v)
		return false;
	switch (n->op) {
	case FOP_EQ: return compare(v, &n->vals[0]) == 0;
	case FOP_NE: return compare(v, &n->vals[0]) != 0;
	case FOP_LT: return compare(v, &n->vals[0]) < 0;
	case FOP_LE: return compare(v, &n->vals[0]) <= 0;
	case FOP_GT: return compare(v, &n->vals[0]) > 0;
	case FOP_GE: return compare(v, &n->vals[0]) >= 0;
	case FOP_LIKE: return like(v, n->vals[0].text, false);
	case FOP_ILIKE: return like(v, n->vals[0].text, true);
	case FOP_RLIKE: return rlike(v, n->vals[0].text);
	case FOP_IN:
	case FOP_NOT_IN:
		for (i = 0; i < n->nvals; i++)
			if (compare(v, &n->vals[i]) == 0)
				return n->op == FOP_IN;
		return n->op == FOP_NOT_IN;
	default:
		return false;
	}
}

static bool match_num(int64_t v, bool null, const struct filter_node *n)
{
	char buf[32];

	if (null)
		return match_text(NULL, n);
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return match_text(buf, n);
}

/* A stored assessment value (JSON text) equals a filter value: the text
 * itself, its json.dumps form, or the same number (4 and 4.0). */
static bool value_is(const char *json, const struct filter_value *fv)
{
	struct strbuf j = STRBUF_INIT;
	double a, b;
	bool same;

	if (str_eq(json, fv->text))
		return true;
	pyjson_string(&j, fv->text, strlen(fv->text));
	same = str_eq(json, sb_str(&j));
	sb_free(&j);
	if (!same && num_of(json, &a) && num_of(fv->text, &b))
		same = a == b;
	return same;
}

static bool assessment_value(const char *json, const struct filter_node *n)
{
	size_t i;

	switch (n->op) {
	case FOP_EQ: return value_is(json, &n->vals[0]);
	case FOP_NE: return !value_is(json, &n->vals[0]);
	case FOP_IN:
	case FOP_NOT_IN:
		for (i = 0; i < n->nvals; i++)
			if (value_is(json, &n->vals[i]))
				return n->op == FOP_IN;
		return n->op == FOP_NOT_IN;
	default:
		return match_text(json, n);
	}
}

static bool match_assessment(const struct trace *t, const char *type, const struct filter_node *n)
{
	size_t i;
	bool any = false;

	for (i = 0; i < t->assessments.n; i++) {
		const struct assessment *a = &t->assessments.v[i];

		if (!a->valid || !str_eq(a->type, type) || !str_eq(a->name, n->key))
			continue;
		any = true;
		if (n->op != FOP_IS_NULL && n->op != FOP_IS_NOT_NULL &&
		    assessment_value(a->value, n))
			return true;
	}
	if (n->op == FOP_IS_NULL)
		return !any;
	if (n->op == FOP_IS_NOT_NULL)
		return any;
	return false;
}

static bool eval(const struct rest_filter *rf, const struct filter_node *n, const struct trace *t)
{
	const struct trace_row *r = &t->info;
	size_t i;

	if (is_exact(rf, n))
		return true;
	switch (n->kind) {
	case FILTER_AND:
		for (i = 0; i < n->nkids; i++)
			if (!eval(rf, n->kids[i], t))
				return false;
		return true;
	case FILTER_OR:
		for (i = 0; i < n->nkids; i++)
			if (eval(rf, n->kids[i], t))
				return true;
		return false;
	case FILTER_NOT:
		return !eval(rf, n->kids[0], t);
	default:
		break;
	}
	switch (n->field) {
	case FF_STATUS: return match_text(r->status, n);
	case FF_REQUEST_ID: return match_text(r->id, n);
	case FF_CLIENT_REQUEST_ID: return match_text(r->client_request_id, n);
	case FF_TIMESTAMP: return match_num(r->timestamp_ms, false, n);
	case FF_EXEC_TIME: return match_num(r->duration_ms, r->duration_ms < 0, n);
	case FF_END_TIME:
		return match_num(r->timestamp_ms + r->duration_ms, r->duration_ms < 0, n);
	case FF_NAME: return match_text(r->name, n);
	case FF_RUN_ID: return match_text(kv_list_get(&t->metadata, "mlflow.sourceRun"), n);
	case FF_TEXT:
		/* The previews and the name (the spans are not in a TraceInfo). */
		return match_text(r->request_preview, n) || match_text(r->response_preview, n) ||
		       match_text(r->name, n);
	case FF_TAG: return match_text(kv_list_get(&t->tags, n->key), n);
	case FF_META: return match_text(kv_list_get(&t->metadata, n->key), n);
	case FF_FEEDBACK: return match_assessment(t, "feedback", n);
	case FF_EXPECTATION: return match_assessment(t, "expectation", n);
	default: return false;
	}
}

bool rest_filter_match(const struct rest_filter *rf, const struct trace *t)
{
	if (!rf->client || !rf->tree)
		return true;
	return eval(rf, rf->tree, t);
}
