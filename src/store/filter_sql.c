#include "store/filter_sql.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/pyjson.h"
#include "core/util.h"

/*
 * How each field becomes SQL (the trace row is `ti`; every value is a `?`):
 *
 *   status, request_id, client_request_id, timestamp_ms, execution_time_ms
 *       the trace_info column; timestamp_ms ranges use the index
 *       (experiment_id, timestamp_ms), request_id the primary key.
 *   end_time_ms
 *       ti.timestamp_ms + COALESCE(ti.execution_time_ms, 0), as MLflow.
 *   tags.<k>, metadata.<k>, name (tag mlflow.traceName), run_id (metadata
 *   mlflow.sourceRun)
 *       EXISTS over trace_tags / trace_request_metadata with key = ? and
 *       request_id = ti.request_id: a lookup in the primary key (key,
 *       request_id).  IS NULL means the key is absent (NOT EXISTS); != and
 *       NOT IN need the key present with another value, as in MLflow.
 *   feedback.<name>, expectation.<name>
 *       EXISTS over the trace's valid assessments of that type and name
 *       (index on (trace_id, created_timestamp)).  = and IN compare the
 *       stored JSON with the text itself and with json.dumps of it, so 'true'
 *       matches true, '4' matches 4 and 'yes' matches "yes"; != and NOT IN
 *       are the negation of that on an existing assessment; LIKE and ILIKE
 *       look at the raw JSON text.  IS NULL: no such valid assessment.
 *       Session-scoped assessments (assessment_metadata naming
 *       mlflow.trace.session) count for every trace of that session: a
 *       list of their sessions is read once per query (a pass over the
 *       assessments of that type), unless FSQL_NO_SESSION_SCOPE says the
 *       store holds none.
 *   span.name, span.type, span.status, span.content, span.attributes.<k>
 *       every span condition of one AND group goes into a single EXISTS over
 *       the trace's spans (primary key (trace_id, span_id)), so they hold on
 *       the same span.  span.attributes.<k> reads the attribute with
 *       json_each over the span JSON's "attributes" (after a cheap LIKE on
 *       the key), and compares its value decoded once, as MLflow's
 *       Span.get_attribute does: a string attribute compares as the string,
 *       a number or boolean as its JSON text ('0.7', 'true').
 *   span.duration_ms, span.start_time_ms, span.end_time_ms
 *       the span's nanosecond columns (duration_ns, MLflow's generated
 *       column, with FSQL_DURATION_COLUMN) against the value times 10^6;
 *       a span without an end has neither duration nor end (IS NULL).
 *       With FSQL_SPAN_ROW (a query listing spans, whose row is `fs`)
 *       every span condition is on that row, so all of them hold on the
 *       span listed.
 *   text
 *       LIKE on the request and response previews, or on the content of any
 *       span of the trace.
 *
 * LIKE is SQLite's: case-insensitive for ASCII letters, as MLflow's own
 * search is on SQLite.  ILIKE compares lower() of both sides, which on SQLite
 * is also ASCII-only, so the two match the same rows.  RLIKE is refused:
 * SQLite has no REGEXP function unless one is loaded.
 *
 * NOT is two-valued: NOT x matches every trace x does not match, including
 * those where x compares with a NULL column (a comparison with a NULL column
 * is false, never NULL).
 */

#define TAG_TRACE_NAME "mlflow.traceName"
#define META_SOURCE_RUN "mlflow.sourceRun"
#define META_SESSION "mlflow.trace.session"

struct comp {
	struct sql_where *w;
	struct strbuf *sb;
	unsigned opts;    /* FSQL_* */
	struct err *err;
};

static void add_param(struct sql_where *w, struct sql_param p)
{
	GROW(w->params, w->cap, w->n + 1);
	w->params[w->n++] = p;
}

static void param_text(struct comp *c, const char *s)
{
	struct sql_param p = { SQLP_TEXT, xstrdup(s), 0, 0 };

	add_param(c->w, p);
	sb_addc(c->sb, '?');
}

static void param_value(struct comp *c, const struct filter_value *v)
{
	if (v->is_num && v->is_int) {
		struct sql_param p = { SQLP_INT, NULL, v->i, 0 };

		add_param(c->w, p);
		sb_addc(c->sb, '?');
	} else if (v->is_num) {
		struct sql_param p = { SQLP_REAL, NULL, 0, v->d };

		add_param(c->w, p);
		sb_addc(c->sb, '?');
	} else {
		param_text(c, v->text);
	}
}

/* Python's json.dumps of a string, the second form a feedback value takes. */
static void param_json_string(struct comp *c, const char *s)
{
	struct strbuf j = STRBUF_INIT;

	pyjson_string(&j, s, strlen(s));
	param_text(c, sb_str(&j));
	sb_free(&j);
}

static int fail_at(struct comp *c, int col, const char *msg)
{
	c->w->err_col = col;
	return err_set(c->err, ERR_PARSE, "col %d: %s", col, msg);
}

static void add_value_list(struct comp *c, const struct filter_node *n, bool json)
{
	size_t i;

	sb_addc(c->sb, '(');
	for (i = 0; i < n->nvals; i++) {
		if (i)
			sb_adds(c->sb, ", ");
		if (json)
			param_json_string(c, n->vals[i].text);
		else
			param_value(c, &n->vals[i]);
	}
	sb_addc(c->sb, ')');
}

/* `lhs <op> <value(s)>` for a plain value expression. */
static void cmp_expr(struct comp *c, const char *lhs, const struct filter_node *n)
{
	static const char *const ops[] = {
		[FOP_EQ] = " = ", [FOP_NE] = " != ", [FOP_LT] = " < ", [FOP_LE] = " <= ",
		[FOP_GT] = " > ", [FOP_GE] = " >= ", [FOP_LIKE] = " LIKE ",
	};
	struct strbuf *sb = c->sb;

	switch (n->op) {
	case FOP_EQ:
	case FOP_NE:
	case FOP_LT:
	case FOP_LE:
	case FOP_GT:
	case FOP_GE:
	case FOP_LIKE:
		sb_adds(sb, lhs);
		sb_adds(sb, ops[n->op]);
		param_value(c, &n->vals[0]);
		break;
	case FOP_ILIKE:
		sb_addf(sb, "lower(%s) LIKE lower(", lhs);
		param_value(c, &n->vals[0]);
		sb_addc(sb, ')');
		break;
	case FOP_IN:
	case FOP_NOT_IN:
		sb_adds(sb, lhs);
		sb_adds(sb, n->op == FOP_IN ? " IN " : " NOT IN ");
		add_value_list(c, n, false);
		break;
	case FOP_IS_NULL:
		sb_addf(sb, "%s IS NULL", lhs);
		break;
	case FOP_IS_NOT_NULL:
		sb_addf(sb, "%s IS NOT NULL", lhs);
		break;
	case FOP_RLIKE:
		break;  /* refused before we get here */
	}
}

/* The same for a column that may be NULL: a comparison with NULL is false
 * (not NULL), so that NOT can stay a plain SQL NOT. */
static void cmp_nullable(struct comp *c, const char *lhs, const struct filter_node *n)
{
	if (n->op == FOP_IS_NULL || n->op == FOP_IS_NOT_NULL) {
		cmp_expr(c, lhs, n);
		return;
	}
	sb_addf(c->sb, "(%s IS NOT NULL AND ", lhs);
	cmp_expr(c, lhs, n);
	sb_addc(c->sb, ')');
}

/* tags.<k> / metadata.<k> (and name, run_id through their fixed keys). */
static void kv_expr(struct comp *c, const char *table, const char *key,
		    const struct filter_node *n)
{
	struct strbuf *sb = c->sb;

	if (n->op == FOP_IS_NULL)
		sb_adds(sb, "NOT ");
	sb_addf(sb, "EXISTS (SELECT 1 FROM %s fk WHERE fk.key = ", table);
	param_text(c, key);
	sb_adds(sb, " AND fk.request_id = ti.request_id");
	if (n->op != FOP_IS_NULL && n->op != FOP_IS_NOT_NULL) {
		sb_adds(sb, " AND ");
		cmp_expr(c, "fk.value", n);
	}
	sb_addc(sb, ')');
}

/* The value condition on an assessment row `fa` (nothing for IS [NOT] NULL). */
static void assessment_value(struct comp *c, const struct filter_node *n)
{
	struct strbuf *sb = c->sb;

	switch (n->op) {
	case FOP_EQ:
	case FOP_NE:
		sb_adds(sb, n->op == FOP_NE ? " AND NOT (fa.value = " : " AND (fa.value = ");
		param_value(c, &n->vals[0]);
		sb_adds(sb, " OR fa.value = ");
		param_json_string(c, n->vals[0].text);
		sb_addc(sb, ')');
		break;
	case FOP_IN:
	case FOP_NOT_IN:
		sb_adds(sb, n->op == FOP_NOT_IN ? " AND NOT (fa.value IN " : " AND (fa.value IN ");
		add_value_list(c, n, false);
		sb_adds(sb, " OR fa.value IN ");
		add_value_list(c, n, true);
		sb_addc(sb, ')');
		break;
	case FOP_IS_NULL:
	case FOP_IS_NOT_NULL:
		break;
	default:
		sb_adds(sb, " AND ");
		cmp_expr(c, "fa.value", n);
		break;
	}
}

/* feedback.<name> / expectation.<name>: the trace's own valid assessments,
 * or a session-scoped one on any trace of its session. */
static void assessment_expr(struct comp *c, const char *type, const struct filter_node *n)
{
	struct strbuf *sb = c->sb;

	if (n->op == FOP_IS_NULL)
		sb_adds(sb, "NOT ");
	/* The unary + keeps SQLite on the (trace_id, created_timestamp) index
	 * instead of the far less selective one on assessment_type. */
	sb_adds(sb, "(EXISTS (SELECT 1 FROM assessments fa WHERE fa.trace_id = ti.request_id"
		" AND +fa.assessment_type = ");
	param_text(c, type);
	sb_adds(sb, " AND fa.name = ");
	param_text(c, n->key);
	sb_adds(sb, " AND fa.valid = 1");
	assessment_value(c, n);
	if (c->opts & FSQL_NO_SESSION_SCOPE) {
		sb_adds(sb, "))");
		return;
	}
	sb_adds(sb, ") OR EXISTS (SELECT 1 FROM trace_request_metadata fsm WHERE fsm.key = ");
	param_text(c, META_SESSION);
	sb_adds(sb, " AND fsm.request_id = ti.request_id AND fsm.value IN ("
		"SELECT json_extract(fa.assessment_metadata, '$.\"" META_SESSION "\"')"
		" FROM assessments fa WHERE fa.assessment_type = ");
	param_text(c, type);
	sb_adds(sb, " AND fa.name = ");
	param_text(c, n->key);
	sb_adds(sb, " AND fa.valid = 1 AND fa.assessment_metadata LIKE ");
	param_text(c, "%\"" META_SESSION "\"%");
	sb_adds(sb, " AND json_valid(fa.assessment_metadata)");
	assessment_value(c, n);
	sb_adds(sb, ")))");
}

/* A span attribute key that can be looked for verbatim in the span JSON. */
static bool plain_key(const char *k)
{
	for (; *k; k++)
		if ((unsigned char)*k < 0x20 || (unsigned char)*k >= 0x7f || *k == '"' || *k == '\\')
			return false;
	return true;
}

/* A filter value in milliseconds as nanoseconds, the unit of the span
 * columns: a whole number stays whole while it fits. */
static void param_ns(struct comp *c, const struct filter_value *v)
{
	struct sql_param p = { SQLP_REAL, NULL, 0, v->d * 1e6 };

	if (v->is_int && v->i <= INT64_MAX / 1000000 && v->i >= INT64_MIN / 1000000) {
		p.kind = SQLP_INT;
		p.i = v->i * 1000000;
	}
	add_param(c->w, p);
	sb_addc(c->sb, '?');
}

/* span.duration_ms / start_time_ms / end_time_ms: the nanosecond column
 * against the value in ms.  An unfinished span (no end) has no duration or
 * end: it matches IS NULL only (never a comparison, so NOT stays exact). */
static void span_time(struct comp *c, const char *col, const struct filter_node *n)
{
	static const char *const ops[] = {
		[FOP_EQ] = " = ", [FOP_NE] = " != ", [FOP_LT] = " < ", [FOP_LE] = " <= ",
		[FOP_GT] = " > ", [FOP_GE] = " >= ",
	};
	struct strbuf *sb = c->sb;

	if (n->op == FOP_IS_NULL || n->op == FOP_IS_NOT_NULL) {
		sb_addf(sb, "%s IS %sNULL", col, n->op == FOP_IS_NULL ? "" : "NOT ");
		return;
	}
	if (n->op > FOP_GE)
		return;  /* the parser takes only these for numbers */
	sb_addf(sb, "(%s IS NOT NULL AND %s%s", col, col, ops[n->op]);
	param_ns(c, &n->vals[0]);
	sb_addc(sb, ')');
}

/* One condition on the span row `fs`. */
static void span_cond(struct comp *c, const struct filter_node *n)
{
	struct strbuf *sb = c->sb;

	switch (n->field) {
	case FF_SPAN_NAME:
		cmp_expr(c, "fs.name", n);
		break;
	case FF_SPAN_TYPE:
		cmp_expr(c, "fs.type", n);
		break;
	case FF_SPAN_STATUS:
		cmp_expr(c, "fs.status", n);
		break;
	case FF_SPAN_CONTENT:
		cmp_expr(c, "fs.content", n);
		break;
	case FF_SPAN_DURATION:
		span_time(c, c->opts & FSQL_DURATION_COLUMN ? "fs.duration_ns" :
			  "(fs.end_time_unix_nano - fs.start_time_unix_nano)", n);
		break;
	case FF_SPAN_START:
		span_time(c, "fs.start_time_unix_nano", n);
		break;
	case FF_SPAN_END:
		span_time(c, "fs.end_time_unix_nano", n);
		break;
	case FF_SPAN_ATTR:
		if (plain_key(n->key)) {
			char *pat = xasprintf("%%\"%s\"%%", n->key);

			sb_adds(sb, "fs.content LIKE ");
			param_text(c, pat);
			free(pat);
			sb_adds(sb, " AND ");
		}
		sb_adds(sb, "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(fs.content)"
			" THEN fs.content END, '$.attributes') fj WHERE fj.key = ");
		param_text(c, n->key);
		sb_adds(sb, " AND ");
		cmp_expr(c, "(CASE fj.type WHEN 'text' THEN CASE WHEN json_valid(fj.value)"
			 " AND json_type(fj.value) = 'text' THEN json_extract(fj.value, '$')"
			 " ELSE fj.value END WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'"
			 " WHEN 'null' THEN 'null' ELSE CAST(fj.value AS TEXT) END)", n);
		sb_addc(sb, ')');
		break;
	default:
		break;
	}
}

/* One EXISTS over the spans of the trace, with every condition on one span;
 * for FSQL_SPAN_ROW the conditions on the query's own span row. */
static void span_group(struct comp *c, const struct filter_node *const *kids, size_t n)
{
	size_t i;

	if (c->opts & FSQL_SPAN_ROW)
		sb_addc(c->sb, '(');
	else
		sb_adds(c->sb, "EXISTS (SELECT 1 FROM spans fs WHERE fs.trace_id = ti.request_id");
	for (i = 0; i < n; i++) {
		if (i || !(c->opts & FSQL_SPAN_ROW))
			sb_adds(c->sb, " AND ");
		span_cond(c, kids[i]);
	}
	sb_addc(c->sb, ')');
}

static void text_expr(struct comp *c, const struct filter_node *n)
{
	sb_addc(c->sb, '(');
	cmp_nullable(c, "ti.request_preview", n);
	sb_adds(c->sb, " OR ");
	cmp_nullable(c, "ti.response_preview", n);
	sb_adds(c->sb, " OR EXISTS (SELECT 1 FROM spans fs WHERE fs.trace_id = ti.request_id AND ");
	cmp_expr(c, "fs.content", n);
	sb_adds(c->sb, "))");
}

/* queue.<name>: an item of the experiment's review queue of that name
 * (MLflow's name_key: the name lowered) in the status compared; IS NULL:
 * none.  lower() of SQLite lowers ASCII only, as the name_key tracelab
 * writes (core/queue.h), which works on stores before name_key too. */
static void queue_expr(struct comp *c, const struct filter_node *n)
{
	struct strbuf *sb = c->sb;
	char *key = xstrdup(n->key);
	char *p;

	for (p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	c->w->queues = true;
	if (n->op == FOP_IS_NULL)
		sb_adds(sb, "NOT ");
	sb_adds(sb, "EXISTS (SELECT 1 FROM review_queue_items fq JOIN review_queues fqq"
		" ON fqq.queue_id = fq.queue_id WHERE fq.item_id = ti.request_id"
		" AND fqq.experiment_id = ti.experiment_id AND lower(fqq.name) = ");
	param_text(c, key);
	if (n->op != FOP_IS_NULL && n->op != FOP_IS_NOT_NULL) {
		sb_adds(sb, " AND ");
		cmp_expr(c, "fq.status", n);
	}
	sb_addc(sb, ')');
	free(key);
}

static int compile(struct comp *c, const struct filter_node *n);

static int compile_cmp(struct comp *c, const struct filter_node *n)
{
	struct strbuf *sb = c->sb;

	if (n->op == FOP_RLIKE)
		return fail_at(c, n->op_col, "RLIKE is not available: SQLite has no regular "
			       "expressions; use LIKE or ILIKE with % and _");
	switch (n->field) {
	case FF_STATUS:
		cmp_expr(c, "ti.status", n);
		break;
	case FF_REQUEST_ID:
		cmp_expr(c, "ti.request_id", n);
		break;
	case FF_CLIENT_REQUEST_ID:
		cmp_nullable(c, "ti.client_request_id", n);
		break;
	case FF_TIMESTAMP:
		cmp_expr(c, "ti.timestamp_ms", n);
		break;
	case FF_EXEC_TIME:
		cmp_nullable(c, "ti.execution_time_ms", n);
		break;
	case FF_END_TIME:
		cmp_expr(c, "(ti.timestamp_ms + COALESCE(ti.execution_time_ms, 0))", n);
		break;
	case FF_NAME:
		kv_expr(c, "trace_tags", TAG_TRACE_NAME, n);
		break;
	case FF_RUN_ID:
		kv_expr(c, "trace_request_metadata", META_SOURCE_RUN, n);
		break;
	case FF_TAG:
		kv_expr(c, "trace_tags", n->key, n);
		break;
	case FF_META:
		kv_expr(c, "trace_request_metadata", n->key, n);
		break;
	case FF_FEEDBACK:
		assessment_expr(c, "feedback", n);
		break;
	case FF_EXPECTATION:
		assessment_expr(c, "expectation", n);
		break;
	case FF_ISSUE:
		sb_adds(sb, "EXISTS (SELECT 1 FROM assessments fa WHERE fa.trace_id = ti.request_id"
			" AND +fa.assessment_type = 'issue' AND fa.name = ");
		param_value(c, &n->vals[0]);
		sb_adds(sb, " AND fa.valid = 1)");
		break;
	case FF_QUEUE:
		queue_expr(c, n);
		break;
	case FF_TEXT:
		text_expr(c, n);
		break;
	case FF_SPAN_NAME:
	case FF_SPAN_TYPE:
	case FF_SPAN_STATUS:
	case FF_SPAN_CONTENT:
	case FF_SPAN_ATTR:
	case FF_SPAN_DURATION:
	case FF_SPAN_START:
	case FF_SPAN_END:
		span_group(c, &n, 1);
		break;
	}
	return 0;
}

/* RLIKE anywhere in a subtree (checked before a span group is written). */
static const struct filter_node *find_rlike(const struct filter_node *n)
{
	size_t i;

	if (n->kind == FILTER_CMP)
		return n->op == FOP_RLIKE ? n : NULL;
	for (i = 0; i < n->nkids; i++) {
		const struct filter_node *r = find_rlike(n->kids[i]);

		if (r)
			return r;
	}
	return NULL;
}

static bool is_span_cmp(const struct filter_node *n)
{
	return n->kind == FILTER_CMP && filter_field_is_span(n->field);
}

/* AND: the span comparisons among the children form one group, written
 * where the first of them stood.  The fragment has as few parentheses as
 * the precedence needs (SQLite's parser stack is shallow); the caller puts
 * the whole of it in parentheses. */
static int compile_and(struct comp *c, const struct filter_node *n)
{
	const struct filter_node **spans = xcalloc(n->nkids, sizeof *spans);
	size_t i, nspans = 0;
	bool first = true, group_done = false;
	int rc = -1;

	for (i = 0; i < n->nkids; i++)
		if (is_span_cmp(n->kids[i]))
			spans[nspans++] = n->kids[i];
	for (i = 0; i < n->nkids; i++) {
		const struct filter_node *k = n->kids[i];

		if (is_span_cmp(k) && group_done)
			continue;
		if (!first)
			sb_adds(c->sb, " AND ");
		first = false;
		if (is_span_cmp(k)) {
			span_group(c, spans, nspans);
			group_done = true;
			continue;
		}
		/* Only OR binds looser than AND; every other piece is an atom. */
		if (k->kind == FILTER_OR)
			sb_addc(c->sb, '(');
		if (compile(c, k) < 0)
			goto out;
		if (k->kind == FILTER_OR)
			sb_addc(c->sb, ')');
	}
	rc = 0;
out:
	free(spans);
	return rc;
}

static int compile(struct comp *c, const struct filter_node *n)
{
	size_t i;

	switch (n->kind) {
	case FILTER_CMP:
		return compile_cmp(c, n);
	case FILTER_AND:
		return compile_and(c, n);
	case FILTER_OR:
		for (i = 0; i < n->nkids; i++) {
			if (i)
				sb_adds(c->sb, " OR ");
			if (compile(c, n->kids[i]) < 0)
				return -1;
		}
		return 0;
	case FILTER_NOT: {
		bool negate = true;

		/* Every condition is true or false, never NULL (see
		 * cmp_nullable), so NOT NOT x is x. */
		n = n->kids[0];
		while (n->kind == FILTER_NOT) {
			negate = !negate;
			n = n->kids[0];
		}
		if (negate)
			sb_adds(c->sb, "NOT (");
		if (compile(c, n) < 0)
			return -1;
		if (negate)
			sb_addc(c->sb, ')');
		return 0;
	}
	}
	return 0;
}

int filter_to_sql(const char *filter, struct sql_where *out, struct err *err)
{
	return filter_to_sql_opts(filter, 0, out, err);
}

int filter_to_sql_opts(const char *filter, unsigned opts, struct sql_where *out,
		       struct err *err)
{
	struct filter_node *tree = NULL;
	const struct filter_node *bad;
	struct comp c;
	int col = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (filter_parse(filter, &tree, &col, err) < 0) {
		out->err_col = col;
		goto out;
	}
	if (!tree) {
		sb_adds(&out->sql, "1");
		rc = 0;
		goto out;
	}
	c.w = out;
	c.sb = &out->sql;
	c.opts = opts;
	c.err = err;
	bad = find_rlike(tree);
	if (bad) {
		compile_cmp(&c, bad);
		goto fail;
	}
	if (compile(&c, tree) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	col = out->err_col;
	sql_where_free(out);
	out->err_col = col;
out:
	filter_free(tree);
	return rc;
}

void sql_where_free(struct sql_where *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->params[i].text);
	free(w->params);
	sb_free(&w->sql);
	memset(w, 0, sizeof *w);
}
