/*
 * Pages of trace rows for the list, by keyset (never OFFSET), with their
 * feedback cells; counts, feedback names and the "did anyone write?"
 * stamp.  The SQL of the quick filters, the search and the sort is built
 * here; filter expressions come compiled from filter_sql.c.  Every value is
 * bound; every string is copied out of SQLite before the statement moves on.
 *
 * Over 1,000 lines: the page query, the counts and the feedback scan share
 * the conditions built here (filters, quick filters, search, the question
 * rule in SQL), so that every one of them selects the same traces.
 */
#include "store/sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"

/* trace_id IN (...) lists are cut into chunks of at most this many ids and
 * padded to a power of two, so that few distinct statements are cached. */
#define IN_CHUNK_MAX 512

/* ---- feedback cells ---------------------------------------------------- */

/* A trace id and where its row is, sorted by id to find rows by id. */
struct id_pos {
	const char *id;
	size_t pos;
};

static int id_pos_cmp(const void *a, const void *b)
{
	const struct id_pos *x = a, *y = b;

	return strcmp(x->id, y->id);
}

/* The ids of rows (NULL ids as ""), sorted. */
static struct id_pos *id_index(const char *const *ids, size_t n)
{
	struct id_pos *ix = xcalloc(n ? n : 1, sizeof *ix);
	size_t i;

	for (i = 0; i < n; i++) {
		ix[i].id = ids[i] ? ids[i] : "";
		ix[i].pos = i;
	}
	qsort(ix, n, sizeof *ix, id_pos_cmp);
	return ix;
}

/* The row position of an id the store returned, or NULL. */
static const struct id_pos *id_find(const struct id_pos *ix, size_t n, sqlite3_stmt *stmt,
				    int col)
{
	struct id_pos key = { (const char *)sqlite3_column_text(stmt, col), 0 };

	return key.id ? bsearch(&key, ix, n, sizeof *ix, id_pos_cmp) : NULL;
}

/* Placeholders of an IN list: "?, ?, ..." */
static void in_list(struct strbuf *sql, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sb_adds(sql, i ? ", ?" : "?");
}

/* IN lists are padded (with NULLs) to a power of two. */
static size_t in_bucket(size_t n)
{
	size_t b = 1;

	while (b < n)
		b *= 2;
	return b;
}

/* ---- the question rule (core/question.h) in SQL ------------------------- */

/* Row `a` sits on the root span of its trace (a span of the trace without
 * a parent).  Where the store holds no spans nothing is known of roots. */
static void root_cond(const struct sq *s, struct strbuf *sql, const char *a)
{
	if (!s->has_spans) {
		sb_adds(sql, "0");
		return;
	}
	sb_addf(sql, "EXISTS (SELECT 1 FROM spans AS rs WHERE rs.trace_id = %s.trace_id"
		" AND rs.span_id = %s.span_id AND coalesce(rs.parent_span_id, '') = '')", a, a);
}

/* Row `a` answers the trace's question: no span, or the root span. */
static void trace_cond(const struct sq *s, struct strbuf *sql, const char *a)
{
	sb_addf(sql, "(coalesce(%s.span_id, '') = '' OR ", a);
	root_cond(s, sql, a);
	sb_adds(sql, ")");
}

/* What row `a` answers: '' for the trace, else its span id. */
static void target_key(const struct sq *s, struct strbuf *sql, const char *a)
{
	sb_adds(sql, "(CASE WHEN ");
	trace_cond(s, sql, a);
	sb_addf(sql, " THEN '' ELSE %s.span_id END)", a);
}

/* Row `a` sits where an answer to a question of target t may. */
static void target_cond(const struct sq *s, struct strbuf *sql, const char *a,
			enum question_target t)
{
	switch (t) {
	case QT_TRACE:
		trace_cond(s, sql, a);
		break;
	case QT_SPAN:
		sb_adds(sql, "NOT ");
		trace_cond(s, sql, a);
		break;
	default:
		sb_adds(sql, "1");
		break;
	}
}

/* The feedback of n traces (n placeholders) that answers their trace's
 * question: the list's cells compare those only. */
static void fold_sql(const struct sq *s, struct strbuf *sql, size_t n)
{
	sb_adds(sql, "SELECT trace_id, name, source_type, source_id, value FROM assessments"
		" WHERE trace_id IN (");
	in_list(sql, n);
	sb_adds(sql, ") AND +assessment_type = 'feedback' AND valid = 1"
		" AND source_type IN ('HUMAN', 'LLM_JUDGE', 'CODE') AND ");
	trace_cond(s, sql, "assessments");
	sb_adds(sql, " ORDER BY last_updated_timestamp, assessment_id");
}

/* A statement over a chunk of ids: sql_of writes its SQL for n
 * placeholders (n a power of two), the ids ix[from..from+len) are bound in
 * order and the rest with NULL. */
static sqlite3_stmt *chunk_stmt(struct sq *s, void (*sql_of)(const struct sq *, struct strbuf *,
							    size_t),
				const struct id_pos *ix, size_t from, size_t len, struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt;
	size_t bucket = in_bucket(len), i;

	sql_of(s, &sql, bucket);
	stmt = sq_stmt(s, sb_str(&sql), err);
	sb_free(&sql);
	for (i = 0; stmt && i < bucket; i++)
		sq_bind_str(stmt, (int)i + 1, i < len ? ix[from + i].id : NULL);
	return stmt;
}

/* A row of a query by ids; -1 stops the query (the callback has filled the
 * error it was given). */
typedef int (*id_row_fn)(void *ctx, sqlite3_stmt *stmt, size_t pos);

/* Runs the query of sql_of over ids[0..n), a chunk at a time; row is
 * called for each row whose column 0 is one of the ids, with its index. */
static int by_ids(struct sq *s, void (*sql_of)(const struct sq *, struct strbuf *, size_t),
		  const char *const *ids, size_t n, id_row_fn row, void *ctx, struct err *err)
{
	struct id_pos *ix = id_index(ids, n);
	size_t from;
	int rc, ret = 0;

	for (from = 0; from < n && ret == 0; from += IN_CHUNK_MAX) {
		size_t len = n - from < IN_CHUNK_MAX ? n - from : IN_CHUNK_MAX;
		sqlite3_stmt *stmt = chunk_stmt(s, sql_of, ix, from, len, err);

		if (!stmt) {
			ret = -1;
			break;
		}
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			const struct id_pos *hit = id_find(ix, n, stmt, 0);

			if (hit && row(ctx, stmt, hit->pos) < 0)
				break;
		}
		if (rc == SQLITE_ROW) {
			sq_done(s, stmt);
			ret = -1;
		} else {
			ret = sq_end(s, stmt, rc, err);
		}
	}
	free(ix);
	return ret;
}

static void fold_sql_of(const struct sq *s, struct strbuf *sql, size_t n)
{
	fold_sql(s, sql, n);
}

struct fold_ctx {
	struct trace_row *rows;
	const char *me;
};

static int fold_row(void *ctx, sqlite3_stmt *stmt, size_t pos)
{
	struct fold_ctx *f = ctx;

	rules_fold(&f->rows[pos], (const char *)sqlite3_column_text(stmt, 1),
		   (const char *)sqlite3_column_text(stmt, 2),
		   (const char *)sqlite3_column_text(stmt, 3),
		   (const char *)sqlite3_column_text(stmt, 4), f->me);
	return 0;
}

/* Fills fb/nfb of each row: per feedback name, the latest valid value from
 * HUMAN, LLM_JUDGE, CODE and from `me` that answers the trace's question.  The query gives valid feedback
 * oldest first, so the latest of each kind is the one left in the cell.
 * (+assessment_type: see feedback_from.) */
static int fold_feedback(struct sq *s, struct trace_row *rows, size_t n, const char *me,
			 struct err *err)
{
	struct fold_ctx f = { rows, me };
	char **ids;
	size_t i;
	int ret;

	if (!n)
		return 0;
	ids = xcalloc(n, sizeof *ids);
	for (i = 0; i < n; i++)
		ids[i] = rows[i].id;
	ret = by_ids(s, fold_sql_of, (const char *const *)ids, n, fold_row, &f, err);
	if (ret == 0)
		rules_fold_end(rows, n);
	free(ids);
	return ret;
}

/* ---- the feedback of a batch of traces --------------------------------- */

/* Valid feedback of n traces with the question each row answers: a row on
 * its trace's root span (the span without a parent, found by primary key)
 * answers the trace's, as a row without a span does (core/question.h). */
static void answers_sql_of(const struct sq *s, struct strbuf *sql, size_t n)
{
	sb_adds(sql, "SELECT a.trace_id, a.name, CASE WHEN a.span_id IS NULL OR a.span_id = ''");
	if (s->has_spans)
		sb_adds(sql, " OR EXISTS (SELECT 1 FROM spans AS r WHERE r.trace_id = a.trace_id"
			" AND r.span_id = a.span_id"
			" AND (r.parent_span_id IS NULL OR r.parent_span_id = ''))");
	sb_adds(sql, " THEN NULL ELSE a.span_id END AS target, a.source_type, a.source_id,"
		" a.value, a.assessment_id, a.last_updated_timestamp FROM assessments AS a"
		" WHERE a.trace_id IN (");
	in_list(sql, n);
	sb_adds(sql, ") AND +a.assessment_type = 'feedback' AND a.valid = 1"
		" ORDER BY a.trace_id, a.name, target, a.source_type, a.source_id,"
		" a.last_updated_timestamp DESC, a.assessment_id DESC");
}

struct answer_ctx {
	answer_fn fn;
	void *ctx;
	struct err *err;
};

static int answer_row(void *ctx, sqlite3_stmt *stmt, size_t pos)
{
	struct answer_ctx *a = ctx;
	struct answer_row r;

	(void)pos;
	r.trace_id = (const char *)sqlite3_column_text(stmt, 0);
	r.name = (const char *)sqlite3_column_text(stmt, 1);
	r.target = (const char *)sqlite3_column_text(stmt, 2);
	r.source_type = (const char *)sqlite3_column_text(stmt, 3);
	r.source_id = (const char *)sqlite3_column_text(stmt, 4);
	r.value = (const char *)sqlite3_column_text(stmt, 5);
	r.assessment_id = (const char *)sqlite3_column_text(stmt, 6);
	r.updated_ms = sqlite3_column_int64(stmt, 7);
	return a->fn(a->ctx, &r, a->err);
}

int sq_scan_feedback(struct store *st, const char *const *trace_ids, size_t n, answer_fn fn,
		     void *ctx, struct err *err)
{
	struct answer_ctx a = { fn, ctx, err };
	struct sq *s = sq_of(st);
	bool began = false;
	int ret = -1;

	if (sq_read_begin(s, &began, err) == 0) {
		ret = by_ids(s, answers_sql_of, trace_ids, n, answer_row, &a, err);
		sq_read_end(s, began);
	}
	return ret;
}

/* ---- conditions -------------------------------------------------------- */

/* Valid feedback of one source type on the trace `ti`.  The unary + keeps
 * SQLite (which has no statistics on MLflow stores) from choosing the index
 * on assessment_type, which would visit every feedback row of the store,
 * over the one on (trace_id, created_timestamp). */
static void feedback_from(struct sql_where *q, const char *alias, const char *source_type);
static void answer_from(struct sql_where *q, const char *alias, const char *source_type);

/* Only rows of alias from `me`, when set. */
static void mine(struct sql_where *q, const char *alias, const char *me)
{
	if (me) {
		sb_addf(&q->sql, " AND %s.source_id = ?", alias);
		sq_param_text(q, me);
	}
}

/* The questions a trace's completeness asks for: the required ones, or,
 * with none required, every one (of which any will do).  *all says which. */
static size_t asked(const struct question_ref *qs, bool *all)
{
	size_t i, n = 0, req = 0;

	for (i = 0; qs && qs[i].name; i++) {
		n++;
		req += qs[i].required;
	}
	*all = req > 0;
	return req ? req : n;
}

static bool counts(const struct question_ref *q, bool all)
{
	return q->required || !all;
}

/* Row `alias` answers question qr: its name, where its target allows. */
static void answers(const struct sq *s, struct sql_where *q, const char *alias,
		    const struct question_ref *qr)
{
	sb_addf(&q->sql, "(%s.name = ? AND +%s.assessment_type = '%s' AND ", alias, alias,
		qr->expectation ? "expectation" : "feedback");
	sq_param_text(q, qr->name);
	target_cond(s, &q->sql, alias, qr->target);
	sb_adds(&q->sql, ")");
}

/* Like feedback_from, for a row whose type answers() decides (a question
 * may be answered by expectations). */
static void answer_from(struct sql_where *q, const char *alias, const char *source_type)
{
	sb_addf(&q->sql, "%s.trace_id = ti.request_id AND %s.valid = 1 AND %s.source_type = '%s'",
		alias, alias, alias, source_type);
}

static void feedback_from(struct sql_where *q, const char *alias, const char *source_type)
{
	sb_addf(&q->sql, "%s.trace_id = ti.request_id AND +%s.assessment_type = 'feedback'"
		" AND %s.valid = 1 AND %s.source_type = '%s'", alias, alias, alias, alias,
		source_type);
}

/* The trace `ti` is complete for me: my valid answers cover every
 * question asked (asked()); with no questions, any feedback of mine. */
static void complete_cond(const struct sq *s, struct sql_where *q, const char *me,
			  const struct question_ref *qs)
{
	bool all, first = true;
	size_t i;

	if (!asked(qs, &all)) {
		sb_adds(&q->sql, "EXISTS (SELECT 1 FROM assessments AS qu WHERE ");
		feedback_from(q, "qu", "HUMAN");
		mine(q, "qu", me);
		sb_adds(&q->sql, ")");
		return;
	}
	sb_adds(&q->sql, "(");
	for (i = 0; qs[i].name; i++) {
		if (!counts(&qs[i], all))
			continue;
		sb_adds(&q->sql, first ? "" : all ? " AND " : " OR ");
		first = false;
		sb_adds(&q->sql, "EXISTS (SELECT 1 FROM assessments AS qu WHERE ");
		answer_from(q, "qu", "HUMAN");
		mine(q, "qu", me);
		sb_adds(&q->sql, " AND ");
		answers(s, q, "qu", &qs[i]);
		sb_adds(&q->sql, ")");
	}
	sb_adds(&q->sql, ")");
}

static void add_quick(const struct sq *s, struct sql_where *q, unsigned quick, const char *me,
		      const struct question_ref *qs)
{
	if (quick & QF_ERRORS)
		sb_adds(&q->sql, " AND ti.status = 'ERROR'");
	if (quick & QF_UNLABELLED) {
		sb_adds(&q->sql, " AND NOT ");
		complete_cond(s, q, me, qs);
	}
	if (quick & QF_HAS_JUDGE) {
		sb_adds(&q->sql, " AND EXISTS (SELECT 1 FROM assessments AS qj WHERE ");
		feedback_from(q, "qj", "LLM_JUDGE");
		sb_adds(&q->sql, ")");
	}
	if (quick & QF_DISAGREE) {
		/* A valid answer of mine and a judge's to the same question
		 * (name and target) that do not agree, compared as the screens
		 * compare them (tracelab_differ: core/question.h). */
		sb_adds(&q->sql, " AND EXISTS (SELECT 1 FROM assessments AS qm WHERE ");
		feedback_from(q, "qm", "HUMAN");
		mine(q, "qm", me);
		sb_adds(&q->sql, " AND EXISTS (SELECT 1 FROM assessments AS qd WHERE ");
		feedback_from(q, "qd", "LLM_JUDGE");
		sb_adds(&q->sql, " AND qd.name = qm.name AND tracelab_differ(qm.value, qd.value) AND ");
		target_key(s, &q->sql, "qd");
		sb_adds(&q->sql, " = ");
		target_key(s, &q->sql, "qm");
		sb_adds(&q->sql, "))");
	}
}

/* Case-insensitive substring over the previews and the name tag. */
static void add_search(const struct sq *s, struct sql_where *q, const char *search)
{
	struct strbuf pat = STRBUF_INIT;
	const char *p;
	bool first = true;

	if (!search || !*search)
		return;
	sb_addc(&pat, '%');
	for (p = search; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			sb_addc(&pat, '\\');
		sb_addc(&pat, *p);
	}
	sb_addc(&pat, '%');
	sb_adds(&q->sql, " AND (");
	if (s->ti_request_preview) {
		sb_adds(&q->sql, "ti.request_preview LIKE ? ESCAPE '\\'");
		sq_param_text(q, sb_str(&pat));
		first = false;
	}
	if (s->ti_response_preview) {
		sb_adds(&q->sql, first ? "" : " OR ");
		sb_adds(&q->sql, "ti.response_preview LIKE ? ESCAPE '\\'");
		sq_param_text(q, sb_str(&pat));
		first = false;
	}
	sb_adds(&q->sql, first ? "" : " OR ");
	sb_adds(&q->sql, "nm.value LIKE ? ESCAPE '\\')");
	sq_param_text(q, sb_str(&pat));
	sb_free(&pat);
}

/* Whether the store holds session-scoped assessments.  The probe reads the
 * whole assessments table, so its answer is kept until another connection
 * commits (PRAGMA data_version) or this one writes an assessment naming a
 * session. */
static int session_scoped(struct sq *s, bool *any, struct err *err)
{
	int64_t dv = 0, v = 1;
	bool found;

	if (sq_ints(s, "PRAGMA data_version", NULL, 0, &dv, 1, &found, err) < 0)
		return -1;
	if (s->session.set && s->session.data_version == dv &&
	    s->session.writes == s->session_writes) {
		*any = s->session.any;
		return 0;
	}
	if (sq_ints(s, FILTER_SQL_SESSION_PROBE, NULL, 0, &v, 1, &found, err) < 0)
		return -1;
	s->session.set = true;
	s->session.any = !found || v != 0;
	s->session.data_version = dv;
	s->session.writes = s->session_writes;
	*any = s->session.any;
	return 0;
}

/* The filter expression, compiled by filter_sql.c, with its params after
 * ours.  Feedback and expectation conditions leave out session scope when
 * the store holds no session-scoped assessments: the probe runs only for a
 * filter whose SQL depends on it. */
static int add_filter(struct sq *s, struct sql_where *q, const char *filter, struct err *err)
{
	return sq_add_filter(s, q, filter, 0, err);
}

int sq_add_filter(struct sq *s, struct sql_where *q, const char *filter, unsigned opts,
		  struct err *err)
{
	struct sql_where w, narrow;
	size_t i;
	bool any;
	int ret = -1;

	memset(&w, 0, sizeof w);
	memset(&narrow, 0, sizeof narrow);
	if (!filter || !*filter)
		return 0;
	if (filter_to_sql_opts(filter, opts | FSQL_NO_SESSION_SCOPE, &narrow, err) < 0)
		goto out;
	if (filter_to_sql_opts(filter, opts, &w, err) < 0)
		goto out;
	if (w.queues && !(s->has_queues && s->has_queue_items)) {
		err_set(err, ERR_USAGE, "queue.<name>: %s has no review queues (its MLflow schema is "
			"older than 3.14, which added them)", s->path);
		goto out;
	}
	if (strcmp(sb_str(&w.sql), sb_str(&narrow.sql)) != 0) {
		if (session_scoped(s, &any, err) < 0)
			goto out;
		if (!any) {
			struct sql_where t = w;

			w = narrow;
			narrow = t;
		}
	}
	if (w.sql.len) {
		sb_addf(&q->sql, " AND (%s)", sb_str(&w.sql));
		for (i = 0; i < w.n; i++) {
			GROW(q->params, q->cap, q->n + 1);
			q->params[q->n++] = w.params[i];
			w.params[i].text = NULL;
		}
	}
	ret = 0;
out:
	sql_where_free(&w);
	sql_where_free(&narrow);
	return ret;
}

/* ---- the page query ---------------------------------------------------- */

struct sort_spec {
	const char *expr;
	bool nullable;
	bool text;
};

static const struct sort_spec sort_specs[] = {
	[SORT_TIME] = { "ti.timestamp_ms", false, false },
	[SORT_DURATION] = { "ti.execution_time_ms", true, false },
	[SORT_STATUS] = { "ti.status", true, true },
	[SORT_NAME] = { "nm.value", true, true },
	[SORT_QUEUE] = { "rq.creation_time_ms", true, false },
};

static void param_cursor(struct sql_where *q, const struct sort_spec *sp,
			 const struct page_cursor *c)
{
	if (sp->text)
		sq_param_text(q, c->str);
	else
		sq_param_int(q, c->num);
}

/* Rows after the cursor in the order the query scans (display order for
 * PAGE_AFTER, reversed for PAGE_BEFORE).  Display order is: values (NULLs
 * last), then request_id ascending. */
static void add_keyset(struct sql_where *q, const struct sort_spec *sp, const char *v,
		       const char *idcol, const struct page_cursor *c, bool forward, bool qasc)
{
	const char *gt = qasc ? ">" : "<", *ge = qasc ? ">=" : "<=";
	const char *idgt = forward ? ">" : "<";
	bool cnull = sp->text ? c->str == NULL : c->num == INT64_MIN;

	if (!sp->nullable) {
		sb_addf(&q->sql, " AND %s %s ? AND (%s %s ? OR %s %s ?)",
			v, ge, v, gt, idcol, idgt);
		param_cursor(q, sp, c);
		param_cursor(q, sp, c);
	} else if (forward && !cnull) {
		sb_addf(&q->sql, " AND (%s IS NULL OR (%s %s ? AND (%s %s ? OR %s %s ?)))",
			v, v, ge, v, gt, idcol, idgt);
		param_cursor(q, sp, c);
		param_cursor(q, sp, c);
	} else if (forward) {
		sb_addf(&q->sql, " AND %s IS NULL AND %s %s ?", v, idcol, idgt);
	} else if (!cnull) {
		sb_addf(&q->sql, " AND %s IS NOT NULL AND %s %s ? AND (%s %s ? OR %s %s ?)",
			v, v, ge, v, gt, idcol, idgt);
		param_cursor(q, sp, c);
		param_cursor(q, sp, c);
	} else {
		sb_addf(&q->sql, " AND (%s IS NOT NULL OR %s %s ?)", v, idcol, idgt);
	}
	sq_param_text(q, c->id);
}

/* What page_query builds: a page in display order; for a `first` request
 * on the time sort, the sort value of the first match in the index's own
 * order (timestamp only, so that the scan stops at the first match: with
 * the request id as a second key, SQLite's sorter waits for a match of the
 * next timestamp, which for a rare match means the end of the table); or
 * the first row among those of one timestamp (pin). */
enum pq_mode { PQ_PAGE, PQ_FIRST_VALUE, PQ_PINNED };

static int page_query(struct sq *s, const struct page_req *req, struct sql_where *q,
		      enum pq_mode mode, int64_t pin, struct err *err)
{
	const struct sort_spec *sp;
	bool forward = req->dir != PAGE_BEFORE;
	bool qasc = forward ? req->ascending : !req->ascending;
	const char *vdir = qasc ? "ASC" : "DESC", *iddir = forward ? "ASC" : "DESC";
	size_t limit = req->limit < INT32_MAX ? req->limit : INT32_MAX;

	if ((unsigned)req->sort >= sizeof sort_specs / sizeof sort_specs[0])
		return err_set(err, ERR_USAGE, "unknown sort key %d", (int)req->sort);
	sp = &sort_specs[req->sort];
	/* Only the ids (and, for ids_only, the sort value): the other columns
	 * (and their joins) are fetched for the page's rows alone, not for
	 * every row a sort has to look at.  SQLite drops the join on the name
	 * tag when neither the sort nor the search uses it. */
	if (req->sort == SORT_QUEUE && !(s->has_queue_items && req->queue_id))
		return err_set(err, ERR_USAGE, "the queue order needs a review queue (and a store "
			       "that has them)");
	sb_adds(&q->sql, mode == PQ_FIRST_VALUE ? "SELECT ti.timestamp_ms" : "SELECT ti.request_id");
	if ((req->ids_only || req->sort == SORT_QUEUE) && mode != PQ_FIRST_VALUE)
		sb_addf(&q->sql, ", %s", sp->expr);
	sb_adds(&q->sql, " FROM trace_info AS ti"
		" LEFT JOIN trace_tags AS nm"
		" ON nm.request_id = ti.request_id AND nm.key = '" RULES_TAG_NAME "'");
	if (req->sort == SORT_QUEUE) {
		sb_adds(&q->sql, " LEFT JOIN review_queue_items AS rq"
			" ON rq.queue_id = ? AND rq.item_id = ti.request_id");
		sq_param_text(q, req->queue_id);
	}
	sb_adds(&q->sql, " WHERE ti.experiment_id = ?");
	sq_param_int(q, req->experiment_id);
	/* A search counts the traces it looks at (store_set_progress). */
	if (req->first)
		sb_adds(&q->sql, " AND tracelab_seen(ti.timestamp_ms)");
	if (mode == PQ_PINNED) {
		sb_adds(&q->sql, " AND ti.timestamp_ms = ?");
		sq_param_int(q, pin);
	}
	if (req->cursor && req->cursor->set)
		add_keyset(q, sp, sp->expr, "ti.request_id", req->cursor, forward, qasc);
	/* Rows before `until` in this scan's order: after it in the other. */
	if (req->until && req->until->set)
		add_keyset(q, sp, sp->expr, "ti.request_id", req->until, !forward, !qasc);
	add_quick(s, q, req->quick, req->me, req->questions);
	add_search(s, q, req->search);
	if (add_filter(s, q, req->filter, err) < 0)
		return -1;
	if (mode == PQ_FIRST_VALUE) {
		sb_addf(&q->sql, " ORDER BY ti.timestamp_ms %s LIMIT 1", vdir);
		return 0;
	}
	sb_adds(&q->sql, " ORDER BY ");
	if (sp->nullable)
		sb_addf(&q->sql, "(%s IS NULL) %s, ", sp->expr, forward ? "ASC" : "DESC");
	sb_addf(&q->sql, "%s %s, ti.request_id %s LIMIT ?", sp->expr, vdir, iddir);
	sq_param_int(q, req->first ? 1 : (int64_t)limit + 1);
	return 0;
}

/* An ids_only row: its id (column 0) and its sort value (column 1). */
static void read_sort_value(sqlite3_stmt *stmt, enum sort_key sort, struct trace_row *r)
{
	bool null = sqlite3_column_type(stmt, 1) == SQLITE_NULL;

	memset(r, 0, sizeof *r);
	r->id = sq_col_str(stmt, 0);
	r->duration_ms = -1;
	switch (sort) {
	case SORT_TIME:
		r->timestamp_ms = sqlite3_column_int64(stmt, 1);
		break;
	case SORT_DURATION:
		r->duration_ms = null ? -1 : sqlite3_column_int64(stmt, 1);
		break;
	case SORT_STATUS:
		r->status = sq_col_str(stmt, 1);
		break;
	case SORT_NAME:
		r->name = sq_col_str(stmt, 1);
		break;
	case SORT_QUEUE:
		r->queue_ms = null ? INT64_MIN : sqlite3_column_int64(stmt, 1);
		break;
	}
}

static void fetch_sql_of(const struct sq *s, struct strbuf *sql, size_t n)
{
	sq_row_select(s, sql);
	sb_adds(sql, " WHERE ti.request_id IN (");
	in_list(sql, n);
	sb_adds(sql, ")");
}

static int fetch_row(void *ctx, sqlite3_stmt *stmt, size_t pos)
{
	struct trace_row *rows = ctx;

	if (!rows[pos].id)
		sq_read_row(stmt, &rows[pos]);
	return 0;
}

/* rows[i] = the row of trace ids[i], by primary key, a chunk of ids per
 * query.  A row that is gone stays zeroed (id NULL). */
static int fetch_rows(struct sq *s, char *const *ids, size_t n, struct trace_row *rows,
		      struct err *err)
{
	return by_ids(s, fetch_sql_of, (const char *const *)ids, n, fetch_row, rows, err);
}

/* ---- pages from the side index (sqlite_side.c) ---------------------------- */

/* New traces (rowids past the side index's) a page merges in itself. */
#define SIDE_LAG_MAX 5000

static const char *const side_cols[] = {
	[SORT_TIME] = NULL,
	[SORT_DURATION] = "c.dur",
	[SORT_STATUS] = "c.status",
	[SORT_NAME] = "c.name",
};

/* A page of the whole experiment in a sort the side index keeps, with the
 * index current but for a few new traces: *hwm is where it ends. */
static bool side_serves(struct sq *s, const struct page_req *req, int64_t *hwm)
{
	int64_t lag;
	struct err e;

	if (!s->side || (unsigned)req->sort >= sizeof side_cols / sizeof side_cols[0] ||
	    !side_cols[req->sort] || (req->filter && *req->filter) || req->quick ||
	    (req->search && *req->search) || req->first || req->until || req->ids_only)
		return false;
	err_clear(&e);
	return sq_side_lag(s, hwm, &lag, &e) == 0 && *hwm > 0 && lag <= SIDE_LAG_MAX;
}

/* The side index's rows up to hwm merged with the store's rows past it,
 * in display order (SQLite merges the two ordered halves: the first comes
 * from an index of the side file, the second is a few rows): columns
 * request_id, the sort value, whether it is NULL, trace_info's rowid. */
static void side_query(const struct page_req *req, int64_t hwm, struct sql_where *q)
{
	const struct sort_spec *sp = &sort_specs[req->sort];
	const char *col = side_cols[req->sort];
	bool forward = req->dir != PAGE_BEFORE;
	bool qasc = forward ? req->ascending : !req->ascending;
	size_t limit = req->limit < INT32_MAX ? req->limit : INT32_MAX;

	sb_addf(&q->sql, "SELECT c.request_id, %s, (%s IS NULL), c.rid FROM tlc.srt AS c"
		" WHERE c.experiment_id = ? AND c.rid <= ?", col, col);
	sq_param_int(q, req->experiment_id);
	sq_param_int(q, hwm);
	if (req->cursor && req->cursor->set)
		add_keyset(q, sp, col, "c.request_id", req->cursor, forward, qasc);
	sb_addf(&q->sql, " UNION ALL SELECT ti.request_id, %s, (%s IS NULL), ti.rowid"
		" FROM trace_info AS ti LEFT JOIN trace_tags AS nm"
		" ON nm.request_id = ti.request_id AND nm.key = '" RULES_TAG_NAME "'"
		" WHERE +ti.experiment_id = ? AND ti.rowid > ?", sp->expr, sp->expr);
	sq_param_int(q, req->experiment_id);
	sq_param_int(q, hwm);
	if (req->cursor && req->cursor->set)
		add_keyset(q, sp, sp->expr, "ti.request_id", req->cursor, forward, qasc);
	sb_addf(&q->sql, " ORDER BY 3 %s, 2 %s, 1 %s LIMIT ?", forward ? "ASC" : "DESC",
		qasc ? "ASC" : "DESC", forward ? "ASC" : "DESC");
	sq_param_int(q, (int64_t)limit + 1);
}

/* Does a row read from the store have the sort value the side index gave? */
static bool side_agrees(enum sort_key sort, const struct trace_row *fresh,
			const struct trace_row *side)
{
	if (!fresh->id)
		return false;  /* deleted since */
	switch (sort) {
	case SORT_DURATION:
		return fresh->duration_ms == side->duration_ms;
	case SORT_STATUS:
		return str_eq(fresh->status, side->status);
	case SORT_NAME:
		return str_eq(fresh->name, side->name);
	default:
		return true;
	}
}

/* 1: the side index was found stale for this page (the rows are read
 * again into it; the caller asks the store directly). */
static int page_traces(struct sq *s, const struct page_req *req, struct trace_page *out,
		       bool try_side, struct err *err)
{
	struct sql_where q;
	sqlite3_stmt *stmt = NULL;
	char **ids = NULL;
	size_t nids = 0, cap = 0, i, j;
	bool began = false, side = false;
	struct trace_row *only = NULL;
	size_t cap_only = 0, cap_qms = 0, cap_rids = 0, limit = req->first ? 1 : req->limit;
	int64_t *qms = NULL;         /* SORT_QUEUE: each id's attach time */
	int64_t *rids = NULL, hwm = 0;
	enum pq_mode mode = PQ_PAGE;
	int64_t pin = 0;
	int rc, ret = -1;

	memset(&q, 0, sizeof q);
	s->scanned = 0;
	/* The snapshot first: the session probe inside page_query sees the
	 * same data as the page. */
	if (sq_read_begin(s, &began, err) < 0)
		goto out;
	if (req->first && req->sort == SORT_TIME) {
		bool found;

		/* The first match's timestamp by the index alone, then the
		 * first row of that timestamp in display order. */
		if (page_query(s, req, &q, PQ_FIRST_VALUE, 0, err) < 0 ||
		    sq_ints(s, sb_str(&q.sql), q.params, q.n, &pin, 1, &found, err) < 0)
			goto out;
		sql_where_free(&q);
		memset(&q, 0, sizeof q);
		if (!found) {
			trace_page_free(out);
			ret = 0;
			goto out;
		}
		mode = PQ_PINNED;
	}
	side = try_side && side_serves(s, req, &hwm);
	if (side)
		side_query(req, hwm, &q);
	else if (page_query(s, req, &q, mode, pin, err) < 0)
		goto out;
	stmt = sq_stmt(s, sb_str(&q.sql), err);
	if (!stmt)
		goto out;
	rc = sq_bind_params(stmt, 1, q.params, q.n);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_ROW)
			break;
		GROW(ids, cap, nids + 1);
		ids[nids] = sq_col_str(stmt, 0);
		if (req->sort == SORT_QUEUE && !req->ids_only) {
			GROW(qms, cap_qms, nids + 1);
			qms[nids] = sqlite3_column_type(stmt, 1) == SQLITE_NULL ? INT64_MIN :
				    sqlite3_column_int64(stmt, 1);
		}
		if (side) {
			GROW(rids, cap_rids, nids + 1);
			rids[nids] = sqlite3_column_int64(stmt, 3);
		}
		if (req->ids_only || side) {
			GROW(only, cap_only, nids + 1);
			memset(&only[nids], 0, sizeof *only);
			read_sort_value(stmt, req->sort, &only[nids]);
		}
		nids++;
	}
	if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	sq_done(s, stmt);
	stmt = NULL;
	out->more = nids > limit;
	while (nids > limit) {
		free(ids[--nids]);
		if (only)
			trace_row_free(&only[nids]);
	}
	if (req->dir == PAGE_BEFORE) {
		for (i = 0; i < nids / 2; i++) {
			char *tmp = ids[i];

			ids[i] = ids[nids - 1 - i];
			ids[nids - 1 - i] = tmp;
			if (rids) {
				int64_t t = rids[i];

				rids[i] = rids[nids - 1 - i];
				rids[nids - 1 - i] = t;
			}
			if (only) {
				struct trace_row r = only[i];

				only[i] = only[nids - 1 - i];
				only[nids - 1 - i] = r;
			}
			if (qms) {
				int64_t t = qms[i];

				qms[i] = qms[nids - 1 - i];
				qms[nids - 1 - i] = t;
			}
		}
	}
	if (req->ids_only) {
		bool more = out->more;

		trace_page_free(out);
		out->more = more;
		out->v = only;
		out->cap = cap_only;
		out->n = nids;
		only = NULL;
		ret = 0;
		goto out;
	}
	GROW(out->v, out->cap, nids ? nids : 1);
	memset(out->v, 0, nids * sizeof *out->v);
	if (fetch_rows(s, ids, nids, out->v, err) < 0) {
		out->n = nids;
		goto out;
	}
	for (i = 0; qms && i < nids; i++)
		out->v[i].queue_ms = qms[i];
	if (side) {
		/* The order came from the side index: each row's key as the
		 * store has it now must be the one the order used. */
		int64_t *stale = xcalloc(nids ? nids : 1, sizeof *stale);
		size_t nstale = 0;

		for (i = 0; i < nids; i++)
			if (!side_agrees(req->sort, &out->v[i], &only[i]))
				stale[nstale++] = rids[i];
		if (nstale) {
			struct err e2;

			err_clear(&e2);
			sq_side_fix(s, stale, nstale, &e2);
			free(stale);
			out->n = nids;
			trace_page_free(out);
			ret = 1;
			goto out;
		}
		free(stale);
	}
	for (i = j = 0; i < nids; i++)  /* rows are read in one snapshot: none is gone */
		if (out->v[i].id)
			out->v[j++] = out->v[i];
	out->n = j;
	if (fold_feedback(s, out->v, out->n, req->me, err) < 0)
		goto out;
	ret = 0;
out:
	sq_done(s, stmt);
	sq_read_end(s, began);
	sql_where_free(&q);
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	free(qms);
	for (i = 0; only && i < nids; i++)
		trace_row_free(&only[i]);
	free(only);
	free(rids);
	if (ret < 0)
		trace_page_free(out);
	return ret;
}

int sq_page_traces(struct store *st, const struct page_req *req, struct trace_page *out,
		   struct err *err)
{
	struct sq *s = sq_of(st);
	bool began = false;
	int rc;

	if (sq_read_begin(s, &began, err) < 0)
		return -1;
	rc = page_traces(s, req, out, true, err);
	if (rc == 1)
		rc = page_traces(s, req, out, false, err);
	sq_read_end(s, began);
	return rc;
}

/* EXPLAIN QUERY PLAN details of sql with params, one per line, onto out. */
static int explain(struct sq *s, const char *sql, const struct sql_param *p, size_t n,
		   struct strbuf *out, struct err *err)
{
	char *text = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, text, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sq_bind_params(stmt, 1, p, n);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			sb_addf(out, "%s\n", (const char *)sqlite3_column_text(stmt, 3));
	}
	sqlite3_finalize(stmt);
	free(text);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, rc, err);
}

int sq_page_plan(struct store *st, const struct page_req *req, char **sql, char **plan,
		 struct err *err)
{
	struct sq *s = sq_of(st);
	struct sql_where q;
	struct strbuf fold = STRBUF_INIT, lines = STRBUF_INIT;
	int ret = -1;

	*sql = *plan = NULL;
	memset(&q, 0, sizeof q);
	if (page_query(s, req, &q, PQ_PAGE, 0, err) < 0 ||
	    explain(s, sb_str(&q.sql), q.params, q.n, &lines, err) < 0)
		goto out;
	/* The feedback query that follows each page (a page of 64 rows). */
	fold_sql(s, &fold, 64);
	sb_adds(&lines, "-- feedback of the page\n");
	if (explain(s, sb_str(&fold), NULL, 0, &lines, err) < 0)
		goto out;
	*sql = xstrdup(sb_str(&q.sql));
	*plan = sb_take(&lines);
	ret = 0;
out:
	sb_free(&fold);
	sb_free(&lines);
	sql_where_free(&q);
	return ret;
}

int sq_get_row(struct store *st, const char *trace_id, const char *me, struct trace_row *out,
	       struct err *err)
{
	struct sq *s = sq_of(st);
	bool began = false;
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (sq_read_begin(s, &began, err) < 0)
		goto out;
	if (sq_read_row_by_id(s, trace_id, out, err) < 0)
		goto out;
	if (fold_feedback(s, out, 1, me, err) < 0)
		goto out;
	ret = 0;
out:
	sq_read_end(s, began);
	if (ret < 0)
		trace_row_free(out);
	return ret;
}

/* Runs a query that yields one row of integers into v[0..n). */

/* The unlabelled traces of a whole experiment: all of them less the
 * complete ones.  Those are found from my feedback rows, which are few,
 * each finding its trace by primary key (CROSS JOIN keeps that order),
 * where the NOT EXISTS of add_quick would look up every trace's
 * assessments. */
static int count_unlabelled(struct sq *s, int64_t experiment_id, const char *me,
			    const struct question_ref *qs, int64_t *count, struct err *err)
{
	struct sql_where q;
	bool found, began = false, all, first = true;
	size_t i, need = asked(qs, &all);
	int ret = -1;

	memset(&q, 0, sizeof q);
	sb_adds(&q.sql, "SELECT (SELECT count(*) FROM trace_info WHERE experiment_id = ?1)"
		" - (SELECT count(*) FROM (SELECT qu.trace_id FROM assessments AS qu"
		" CROSS JOIN trace_info AS ti WHERE qu.valid = 1 AND qu.source_type = 'HUMAN'");
	if (!need)
		sb_adds(&q.sql, " AND +qu.assessment_type = 'feedback'");
	sq_param_int(&q, experiment_id);
	mine(&q, "qu", me);
	sb_adds(&q.sql, " AND ti.request_id = qu.trace_id AND ti.experiment_id = ?1");
	for (i = 0; need && qs[i].name; i++) {
		if (!counts(&qs[i], all))
			continue;
		sb_adds(&q.sql, first ? " AND (" : " OR ");
		first = false;
		answers(s, &q, "qu", &qs[i]);
	}
	if (!first)
		sb_adds(&q.sql, ")");
	sb_addf(&q.sql, " GROUP BY qu.trace_id HAVING count(DISTINCT qu.name) >= %zu))",
		all ? need : 1);
	if (sq_read_begin(s, &began, err) < 0)
		goto out;
	ret = sq_ints(s, sb_str(&q.sql), q.params, q.n, count, 1, &found, err);
	sq_read_end(s, began);
out:
	sql_where_free(&q);
	return ret;
}

int sq_count_traces(struct store *st, int64_t experiment_id, const char *filter, unsigned quick,
		    const char *me, const struct question_ref *qs, int64_t *count,
		    struct err *err)
{
	struct sq *s = sq_of(st);
	struct sql_where q;
	bool found;
	int ret = -1;

	memset(&q, 0, sizeof q);
	*count = 0;
	if (quick == QF_UNLABELLED && (!filter || !*filter))
		return count_unlabelled(s, experiment_id, me, qs, count, err);
	sb_adds(&q.sql, "SELECT count(*) FROM trace_info AS ti WHERE ti.experiment_id = ?");
	sq_param_int(&q, experiment_id);
	add_quick(s, &q, quick, me, qs);
	if (add_filter(s, &q, filter, err) < 0)
		goto out;
	ret = sq_ints(s, sb_str(&q.sql), q.params, q.n, count, 1, &found, err);
out:
	sql_where_free(&q);
	return ret;
}

/* 1 in *alone when no other experiment has traces: a query over every
 * assessment then needs no join with trace_info.  Two probes of the
 * experiment index, whichever side the other experiments are. */
static int experiment_alone(struct sq *s, int64_t experiment_id, bool *alone, struct err *err)
{
	static const char sql[] =
		"SELECT NOT (EXISTS (SELECT 1 FROM trace_info WHERE experiment_id < ?1)"
		" OR EXISTS (SELECT 1 FROM trace_info WHERE experiment_id > ?1))";
	struct sql_param p;
	int64_t v = 0;
	bool found;

	memset(&p, 0, sizeof p);
	p.kind = SQLP_INT;
	p.i = experiment_id;
	if (sq_ints(s, sql, &p, 1, &v, 1, &found, err) < 0)
		return -1;
	*alone = found && v != 0;
	return 0;
}

int sq_feedback_names(struct store *st, int64_t experiment_id, char ***names, size_t *n,
		      struct err *err)
{
	/* Alone, the experiment's feedback is every feedback row (MLflow
	 * deletes a trace's assessments with the trace): a scan of the
	 * assessments table only.  Otherwise each feedback row looks up its
	 * trace by primary key (CROSS JOIN keeps that order), which still reads
	 * no trace without feedback. */
	static const char all_sql[] =
		"SELECT DISTINCT a.name FROM assessments AS a"
		" WHERE a.assessment_type = 'feedback' AND a.valid = 1"
		" ORDER BY a.name";
	static const char some_sql[] =
		"SELECT DISTINCT a.name FROM assessments AS a CROSS JOIN trace_info AS ti"
		" WHERE ti.request_id = a.trace_id AND ti.experiment_id = ?"
		" AND a.assessment_type = 'feedback' AND a.valid = 1"
		" ORDER BY a.name";
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt = NULL;
	char **v = NULL;
	size_t nv = 0, cap = 0;
	bool alone = false, began = false;
	int rc, ret = -1;

	*names = NULL;
	*n = 0;
	if (sq_read_begin(s, &began, err) < 0)
		return -1;
	if (experiment_alone(s, experiment_id, &alone, err) < 0)
		goto out;
	stmt = sq_stmt(s, alone ? all_sql : some_sql, err);
	if (!stmt)
		goto out;
	if (!alone)
		sqlite3_bind_int64(stmt, 1, experiment_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char *name = sq_col_str(stmt, 0);

		if (!name)
			continue;
		GROW(v, cap, nv + 1);
		v[nv++] = name;
	}
	if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	*names = v;
	*n = nv;
	v = NULL;
	nv = 0;
	ret = 0;
out:
	sq_done(s, stmt);
	sq_read_end(s, began);
	rules_free_names(v, nv);
	return ret;
}

int sq_assessments_stamp(struct store *st, int64_t experiment_id, int64_t *stamp,
			 int64_t *count, struct err *err)
{
	/* When no other experiment has traces (the usual store), the whole
	 * table answers, from the index on last_updated_timestamp and SQLite's
	 * quick count; otherwise every assessment of the experiment's traces
	 * is visited. */
	static const char alone_sql[] =
		"SELECT NOT (EXISTS (SELECT 1 FROM trace_info WHERE experiment_id < ?1)"
		" OR EXISTS (SELECT 1 FROM trace_info WHERE experiment_id > ?1))";
	static const char all_sql[] =
		"SELECT coalesce((SELECT max(last_updated_timestamp) FROM assessments), 0),"
		" (SELECT count(*) FROM assessments)";
	static const char some_sql[] =
		"SELECT coalesce(max(a.last_updated_timestamp), 0), count(*) FROM trace_info AS ti"
		" JOIN assessments AS a ON a.trace_id = ti.request_id WHERE ti.experiment_id = ?";
	struct sq *s = sq_of(st);
	struct sql_param p;
	int64_t dv, alone = 0, v[2];
	bool found;

	/* PRAGMA data_version changes only when another connection commits;
	 * our own commits are counted in s->writes. */
	if (sq_ints(s, "PRAGMA data_version", NULL, 0, &dv, 1, &found, err) < 0)
		return -1;
	if (s->stamp.set && s->stamp.experiment_id == experiment_id &&
	    s->stamp.data_version == dv && s->stamp.writes == s->writes && !s->batch) {
		*stamp = s->stamp.stamp;
		*count = s->stamp.count;
		return 0;
	}
	memset(&p, 0, sizeof p);
	p.kind = SQLP_INT;
	p.i = experiment_id;
	if (sq_ints(s, alone_sql, &p, 1, &alone, 1, &found, err) < 0)
		return -1;
	if (alone ? sq_ints(s, all_sql, NULL, 0, v, 2, &found, err) < 0
		  : sq_ints(s, some_sql, &p, 1, v, 2, &found, err) < 0)
		return -1;
	*stamp = v[0];
	*count = v[1];
	s->stamp.set = true;
	s->stamp.experiment_id = experiment_id;
	s->stamp.data_version = dv;
	s->stamp.writes = s->writes;
	s->stamp.stamp = v[0];
	s->stamp.count = v[1];
	return 0;
}
