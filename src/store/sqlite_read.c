/*
 * Reading an MLflow store: experiments, keyset pages of trace rows with
 * their feedback summaries, whole traces with tags, metadata, assessments
 * and spans.  Every value is bound; every string is copied out of SQLite
 * before the statement moves on.
 */
#include "store/sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"

#define TAG_NAME "mlflow.traceName"
#define TAG_SPANS_LOCATION "mlflow.trace.spansLocation"
#define SPANS_IN_STORE "TRACKING_STORE"

/* trace_id IN (...) lists are cut into chunks of at most this many ids and
 * padded to a power of two, so that few distinct statements are cached. */
#define IN_CHUNK_MAX 512

static const char assessment_cols[] =
	"SELECT assessment_id, trace_id, name, assessment_type, value, error, created_timestamp,"
	" last_updated_timestamp, source_type, source_id, run_id, span_id, rationale, overrides,"
	" valid, assessment_metadata FROM assessments";

/* ---- rows -------------------------------------------------------------- */

/* SELECT ... FROM trace_info AS ti with the joins a trace row needs; the
 * columns are in the order read_row reads them. */
static void row_select(const struct sq *s, struct strbuf *sb)
{
	sb_adds(sb, "SELECT ti.request_id, ti.experiment_id, ti.timestamp_ms,"
		" ti.execution_time_ms, ti.status, nm.value, ");
	sb_adds(sb, s->ti_request_preview ? "ti.request_preview, " : "NULL, ");
	sb_adds(sb, s->ti_response_preview ? "ti.response_preview, " : "NULL, ");
	sb_adds(sb, "mu.value, ms.value, ");
	sb_adds(sb, s->ti_client_request_id ? "ti.client_request_id" : "NULL");
	sb_adds(sb, " FROM trace_info AS ti"
		" LEFT JOIN trace_tags AS nm"
		" ON nm.request_id = ti.request_id AND nm.key = '" TAG_NAME "'"
		" LEFT JOIN trace_request_metadata AS mu"
		" ON mu.request_id = ti.request_id AND mu.key = 'mlflow.trace.user'"
		" LEFT JOIN trace_request_metadata AS ms"
		" ON ms.request_id = ti.request_id AND ms.key = 'mlflow.trace.session'");
}

static void read_row(sqlite3_stmt *stmt, struct trace_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = sq_col_str(stmt, 0);
	r->experiment_id = sqlite3_column_int64(stmt, 1);
	r->timestamp_ms = sqlite3_column_int64(stmt, 2);
	r->duration_ms = sqlite3_column_type(stmt, 3) == SQLITE_NULL
		? -1 : sqlite3_column_int64(stmt, 3);
	r->status = sq_col_str(stmt, 4);
	r->name = sq_col_str(stmt, 5);
	r->request_preview = sq_col_str(stmt, 6);
	r->response_preview = sq_col_str(stmt, 7);
	r->user = sq_col_str(stmt, 8);
	r->session = sq_col_str(stmt, 9);
	r->client_request_id = sq_col_str(stmt, 10);
}

static void read_assessment(sqlite3_stmt *stmt, struct assessment *a)
{
	memset(a, 0, sizeof *a);
	a->id = sq_col_str(stmt, 0);
	a->trace_id = sq_col_str(stmt, 1);
	a->name = sq_col_str(stmt, 2);
	a->type = sq_col_str(stmt, 3);
	a->value = sq_col_str(stmt, 4);
	a->error = sq_col_str(stmt, 5);
	a->created_ms = sqlite3_column_int64(stmt, 6);
	a->updated_ms = sqlite3_column_int64(stmt, 7);
	a->source_type = sq_col_str(stmt, 8);
	a->source_id = sq_col_str(stmt, 9);
	a->run_id = sq_col_str(stmt, 10);
	a->span_id = sq_col_str(stmt, 11);
	a->rationale = sq_col_str(stmt, 12);
	a->overrides = sq_col_str(stmt, 13);
	a->valid = sqlite3_column_int(stmt, 14) != 0;
	a->metadata = sq_col_str(stmt, 15);
}

/* ---- feedback cells ---------------------------------------------------- */

static void replace(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup_or_null(v);
}

static struct fb_cell *cell_for(struct trace_row *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfb; i++)
		if (strcmp(r->fb[i].name, name) == 0)
			return &r->fb[i];
	r->fb = xrealloc(r->fb, (r->nfb + 1) * sizeof *r->fb);
	memset(&r->fb[r->nfb], 0, sizeof r->fb[r->nfb]);
	r->fb[r->nfb].name = xstrdup(name);
	return &r->fb[r->nfb++];
}

static int cell_cmp(const void *a, const void *b)
{
	const struct fb_cell *x = a, *y = b;

	return strcmp(x->name, y->name);
}

struct row_ix {
	const char *id;
	struct trace_row *row;
};

static int row_ix_cmp(const void *a, const void *b)
{
	const struct row_ix *x = a, *y = b;

	return strcmp(x->id, y->id);
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

/* The feedback of n traces (n placeholders). */
static void fold_sql(struct strbuf *sql, size_t n)
{
	sb_adds(sql, "SELECT trace_id, name, source_type, source_id, value FROM assessments"
		" WHERE trace_id IN (");
	in_list(sql, n);
	sb_adds(sql, ") AND +assessment_type = 'feedback' AND valid = 1"
		" AND source_type IN ('HUMAN', 'LLM_JUDGE', 'CODE')"
		" ORDER BY last_updated_timestamp, assessment_id");
}

/* One query over a chunk of rows: valid feedback oldest first, so the latest
 * of each kind is the one left in the cell.  (+assessment_type: see
 * feedback_from.) */
static int fold_chunk(struct sq *s, const struct row_ix *ix, size_t nix, size_t from, size_t n,
		      const char *me, struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt = NULL;
	size_t bucket = in_bucket(n), i;
	int rc, ret = -1;

	fold_sql(&sql, bucket);
	stmt = sq_stmt(s, sb_str(&sql), err);
	if (!stmt)
		goto out;
	for (i = 0; i < bucket; i++)
		sq_bind_str(stmt, (int)i + 1, i < n ? ix[from + i].id : NULL);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *tid = (const char *)sqlite3_column_text(stmt, 0);
		const char *name = (const char *)sqlite3_column_text(stmt, 1);
		const char *src = (const char *)sqlite3_column_text(stmt, 2);
		const char *sid = (const char *)sqlite3_column_text(stmt, 3);
		const char *value = (const char *)sqlite3_column_text(stmt, 4);
		struct row_ix key = { tid, NULL };
		const struct row_ix *hit;
		struct fb_cell *c;

		if (!tid || !name || !src)
			continue;
		hit = bsearch(&key, ix, nix, sizeof *ix, row_ix_cmp);
		if (!hit)
			continue;
		c = cell_for(hit->row, name);
		if (strcmp(src, "HUMAN") == 0) {
			replace(&c->human, value);
			if (me && sid && strcmp(sid, me) == 0)
				replace(&c->mine, value);
		} else if (strcmp(src, "LLM_JUDGE") == 0) {
			replace(&c->judge, value);
		} else {
			replace(&c->code, value);
		}
	}
	if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	ret = 0;
out:
	sq_done(s, stmt);
	sb_free(&sql);
	return ret;
}

/* Fills fb/nfb of each row: per feedback name, the latest valid value from
 * HUMAN, LLM_JUDGE, CODE and from `me`. */
static int fold_feedback(struct sq *s, struct trace_row *rows, size_t n, const char *me,
			 struct err *err)
{
	struct row_ix *ix;
	size_t i, from;
	int ret = -1;

	if (!n)
		return 0;
	ix = xcalloc(n, sizeof *ix);
	for (i = 0; i < n; i++) {
		ix[i].id = rows[i].id ? rows[i].id : "";
		ix[i].row = &rows[i];
	}
	qsort(ix, n, sizeof *ix, row_ix_cmp);
	for (from = 0; from < n; from += IN_CHUNK_MAX) {
		size_t len = n - from < IN_CHUNK_MAX ? n - from : IN_CHUNK_MAX;

		if (fold_chunk(s, ix, n, from, len, me, err) < 0)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (rows[i].nfb > 1)
			qsort(rows[i].fb, rows[i].nfb, sizeof *rows[i].fb, cell_cmp);
	ret = 0;
out:
	free(ix);
	return ret;
}

/* ---- conditions -------------------------------------------------------- */

/* Valid feedback of one source type on the trace `ti`.  The unary + keeps
 * SQLite (which has no statistics on MLflow stores) from choosing the index
 * on assessment_type, which would visit every feedback row of the store,
 * over the one on (trace_id, created_timestamp). */
static void feedback_from(struct sql_where *q, const char *alias, const char *source_type)
{
	sb_addf(&q->sql, "%s.trace_id = ti.request_id AND +%s.assessment_type = 'feedback'"
		" AND %s.valid = 1 AND %s.source_type = '%s'", alias, alias, alias, alias,
		source_type);
}

static void add_quick(struct sql_where *q, unsigned quick, const char *me,
		      const char *const *names)
{
	size_t i;

	if (quick & QF_ERRORS)
		sb_adds(&q->sql, " AND ti.status = 'ERROR'");
	if (quick & QF_UNLABELLED) {
		sb_adds(&q->sql, " AND NOT EXISTS (SELECT 1 FROM assessments AS qu WHERE ");
		feedback_from(q, "qu", "HUMAN");
		if (me) {
			sb_adds(&q->sql, " AND qu.source_id = ?");
			sq_param_text(q, me);
		}
		if (names && names[0]) {
			sb_adds(&q->sql, " AND qu.name IN (");
			for (i = 0; names[i]; i++) {
				sb_adds(&q->sql, i ? ", ?" : "?");
				sq_param_text(q, names[i]);
			}
			sb_adds(&q->sql, ")");
		}
		sb_adds(&q->sql, ")");
	}
	if (quick & QF_HAS_JUDGE) {
		sb_adds(&q->sql, " AND EXISTS (SELECT 1 FROM assessments AS qj WHERE ");
		feedback_from(q, "qj", "LLM_JUDGE");
		sb_adds(&q->sql, ")");
	}
	if (quick & QF_DISAGREE) {
		/* My latest value for a name differs from the judges' latest. */
		sb_adds(&q->sql, " AND EXISTS (SELECT 1 FROM assessments AS qm WHERE ");
		feedback_from(q, "qm", "HUMAN");
		if (me) {
			sb_adds(&q->sql, " AND qm.source_id = ?");
			sq_param_text(q, me);
		}
		sb_adds(&q->sql, " AND NOT EXISTS (SELECT 1 FROM assessments AS qn WHERE ");
		feedback_from(q, "qn", "HUMAN");
		if (me) {
			sb_adds(&q->sql, " AND qn.source_id = ?");
			sq_param_text(q, me);
		}
		sb_adds(&q->sql, " AND qn.name = qm.name"
			" AND (qn.last_updated_timestamp > qm.last_updated_timestamp"
			" OR (qn.last_updated_timestamp = qm.last_updated_timestamp"
			" AND qn.assessment_id > qm.assessment_id)))"
			" AND qm.value <> (SELECT qd.value FROM assessments AS qd WHERE ");
		feedback_from(q, "qd", "LLM_JUDGE");
		sb_adds(&q->sql, " AND qd.name = qm.name"
			" ORDER BY qd.last_updated_timestamp DESC, qd.assessment_id DESC LIMIT 1))");
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

static int one_row(struct sq *s, const char *sql, const struct sql_param *p, size_t np,
		   int64_t *v, size_t n, bool *found, struct err *err);

/* Whether the store holds session-scoped assessments.  The probe reads the
 * whole assessments table, so its answer is kept until another connection
 * commits (PRAGMA data_version) or this one writes an assessment naming a
 * session. */
static int session_scoped(struct sq *s, bool *any, struct err *err)
{
	int64_t dv = 0, v = 1;
	bool found;

	if (one_row(s, "PRAGMA data_version", NULL, 0, &dv, 1, &found, err) < 0)
		return -1;
	if (s->session.set && s->session.data_version == dv &&
	    s->session.writes == s->session_writes) {
		*any = s->session.any;
		return 0;
	}
	if (one_row(s, FILTER_SQL_SESSION_PROBE, NULL, 0, &v, 1, &found, err) < 0)
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
	struct sql_where w, narrow;
	size_t i;
	bool any;
	int ret = -1;

	memset(&w, 0, sizeof w);
	memset(&narrow, 0, sizeof narrow);
	if (!filter || !*filter)
		return 0;
	if (filter_to_sql_opts(filter, FSQL_NO_SESSION_SCOPE, &narrow, err) < 0)
		goto out;
	if (filter_to_sql(filter, &w, err) < 0)
		goto out;
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
static void add_keyset(struct sql_where *q, const struct sort_spec *sp, const struct page_cursor *c,
		       bool forward, bool qasc)
{
	const char *v = sp->expr;
	const char *gt = qasc ? ">" : "<", *ge = qasc ? ">=" : "<=";
	const char *idgt = forward ? ">" : "<";
	bool cnull = sp->text ? c->str == NULL : c->num == INT64_MIN;

	if (!sp->nullable) {
		sb_addf(&q->sql, " AND %s %s ? AND (%s %s ? OR ti.request_id %s ?)",
			v, ge, v, gt, idgt);
		param_cursor(q, sp, c);
		param_cursor(q, sp, c);
	} else if (forward && !cnull) {
		sb_addf(&q->sql, " AND (%s IS NULL OR (%s %s ? AND (%s %s ? OR ti.request_id %s ?)))",
			v, v, ge, v, gt, idgt);
		param_cursor(q, sp, c);
		param_cursor(q, sp, c);
	} else if (forward) {
		sb_addf(&q->sql, " AND %s IS NULL AND ti.request_id %s ?", v, idgt);
	} else if (!cnull) {
		sb_addf(&q->sql, " AND %s IS NOT NULL AND %s %s ? AND (%s %s ? OR ti.request_id %s ?)",
			v, v, ge, v, gt, idgt);
		param_cursor(q, sp, c);
		param_cursor(q, sp, c);
	} else {
		sb_addf(&q->sql, " AND (%s IS NOT NULL OR ti.request_id %s ?)", v, idgt);
	}
	sq_param_text(q, c->id);
}

static int page_query(struct sq *s, const struct page_req *req, struct sql_where *q,
		      struct err *err)
{
	const struct sort_spec *sp;
	bool forward = req->dir != PAGE_BEFORE;
	bool qasc = forward ? req->ascending : !req->ascending;
	const char *vdir = qasc ? "ASC" : "DESC", *iddir = forward ? "ASC" : "DESC";
	size_t limit = req->limit < INT32_MAX ? req->limit : INT32_MAX;

	if ((unsigned)req->sort >= sizeof sort_specs / sizeof sort_specs[0])
		return err_set(err, ERR_USAGE, "unknown sort key %d", (int)req->sort);
	sp = &sort_specs[req->sort];
	/* Only the ids: the other columns (and their joins) are fetched for the
	 * page's rows alone, not for every row a sort has to look at.  SQLite
	 * drops the join on the name tag when neither the sort nor the search
	 * uses it. */
	sb_adds(&q->sql, "SELECT ti.request_id FROM trace_info AS ti"
		" LEFT JOIN trace_tags AS nm"
		" ON nm.request_id = ti.request_id AND nm.key = '" TAG_NAME "'"
		" WHERE ti.experiment_id = ?");
	sq_param_int(q, req->experiment_id);
	if (req->cursor && req->cursor->set)
		add_keyset(q, sp, req->cursor, forward, qasc);
	add_quick(q, req->quick, req->me, req->names);
	add_search(s, q, req->search);
	if (add_filter(s, q, req->filter, err) < 0)
		return -1;
	sb_adds(&q->sql, " ORDER BY ");
	if (sp->nullable)
		sb_addf(&q->sql, "(%s IS NULL) %s, ", sp->expr, forward ? "ASC" : "DESC");
	sb_addf(&q->sql, "%s %s, ti.request_id %s LIMIT ?", sp->expr, vdir, iddir);
	sq_param_int(q, (int64_t)limit + 1);
	return 0;
}

struct id_pos {
	const char *id;
	size_t pos;
};

static int id_pos_cmp(const void *a, const void *b)
{
	const struct id_pos *x = a, *y = b;

	return strcmp(x->id, y->id);
}

/* rows[i] = the row of trace ids[i], by primary key, a chunk of ids per
 * query.  A row that is gone stays zeroed (id NULL). */
static int fetch_rows(struct sq *s, char *const *ids, size_t n, struct trace_row *rows,
		      struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct id_pos *ix = xcalloc(n ? n : 1, sizeof *ix);
	sqlite3_stmt *stmt = NULL;
	size_t i, from;
	int rc, ret = -1;

	for (i = 0; i < n; i++) {
		ix[i].id = ids[i];
		ix[i].pos = i;
	}
	qsort(ix, n, sizeof *ix, id_pos_cmp);
	for (from = 0; from < n; from += IN_CHUNK_MAX) {
		size_t len = n - from < IN_CHUNK_MAX ? n - from : IN_CHUNK_MAX;
		size_t bucket = in_bucket(len);

		sb_reset(&sql);
		row_select(s, &sql);
		sb_adds(&sql, " WHERE ti.request_id IN (");
		in_list(&sql, bucket);
		sb_adds(&sql, ")");
		stmt = sq_stmt(s, sb_str(&sql), err);
		if (!stmt)
			goto out;
		for (i = 0; i < bucket; i++)
			sq_bind_str(stmt, (int)i + 1, i < len ? ix[from + i].id : NULL);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			struct id_pos key = { (const char *)sqlite3_column_text(stmt, 0), 0 };
			const struct id_pos *hit = key.id
				? bsearch(&key, ix, n, sizeof *ix, id_pos_cmp) : NULL;

			if (hit && !rows[hit->pos].id)
				read_row(stmt, &rows[hit->pos]);
		}
		if (rc != SQLITE_DONE) {
			sq_fail(s, rc, err);
			goto out;
		}
		sq_done(s, stmt);
		stmt = NULL;
	}
	ret = 0;
out:
	sq_done(s, stmt);
	sb_free(&sql);
	free(ix);
	return ret;
}

int sq_page_traces(struct store *st, const struct page_req *req, struct trace_page *out,
		   struct err *err)
{
	struct sq *s = sq_of(st);
	struct sql_where q;
	sqlite3_stmt *stmt = NULL;
	char **ids = NULL;
	size_t nids = 0, cap = 0, i, j;
	bool began = false;
	int rc, ret = -1;

	memset(&q, 0, sizeof q);
	/* The snapshot first: the session probe inside page_query sees the
	 * same data as the page. */
	if (sq_read_begin(s, &began, err) < 0)
		goto out;
	if (page_query(s, req, &q, err) < 0)
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
		ids[nids++] = sq_col_str(stmt, 0);
	}
	if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	sq_done(s, stmt);
	stmt = NULL;
	out->more = nids > req->limit;
	while (nids > req->limit)
		free(ids[--nids]);
	if (req->dir == PAGE_BEFORE) {
		for (i = 0; i < nids / 2; i++) {
			char *tmp = ids[i];

			ids[i] = ids[nids - 1 - i];
			ids[nids - 1 - i] = tmp;
		}
	}
	GROW(out->v, out->cap, nids ? nids : 1);
	memset(out->v, 0, nids * sizeof *out->v);
	if (fetch_rows(s, ids, nids, out->v, err) < 0) {
		out->n = nids;
		goto out;
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
	if (ret < 0)
		trace_page_free(out);
	return ret;
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
	if (page_query(s, req, &q, err) < 0 ||
	    explain(s, sb_str(&q.sql), q.params, q.n, &lines, err) < 0)
		goto out;
	/* The feedback query that follows each page (a page of 64 rows). */
	fold_sql(&fold, 64);
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

/* ---- rows and counts --------------------------------------------------- */

/* Reads the row of one trace (without its feedback cells) inside the
 * caller's read transaction; ERR_NOTFOUND when there is none. */
static int read_row_by_id(struct sq *s, const char *trace_id, struct trace_row *out,
			  struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt = NULL;
	int rc, ret = -1;

	row_select(s, &sql);
	sb_adds(&sql, " WHERE ti.request_id = ?");
	stmt = sq_stmt(s, sb_str(&sql), err);
	if (!stmt)
		goto out;
	sq_bind_str(stmt, 1, trace_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		read_row(stmt, out);
		ret = 0;
	} else if (rc == SQLITE_DONE) {
		sq_not_found(err, "no trace %s in this store", trace_id, NULL);
	} else {
		sq_fail(s, rc, err);
	}
out:
	sq_done(s, stmt);
	sb_free(&sql);
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
	if (read_row_by_id(s, trace_id, out, err) < 0)
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
static int one_row(struct sq *s, const char *sql, const struct sql_param *p, size_t np,
		   int64_t *v, size_t n, bool *found, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);
	size_t i;
	int rc, ret = -1;

	if (!stmt)
		return -1;
	*found = false;
	rc = sq_bind_params(stmt, 1, p, np);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*found = true;
		for (i = 0; i < n; i++)
			v[i] = sqlite3_column_int64(stmt, (int)i);
	} else if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	ret = 0;
out:
	sq_done(s, stmt);
	return ret;
}

/* The unlabelled traces of a whole experiment: all of them less those with
 * the human feedback asked for.  The feedback rows are few and each finds
 * its trace by primary key (CROSS JOIN keeps that order), where the
 * NOT EXISTS of add_quick would look up every trace's assessments. */
static int count_unlabelled(struct sq *s, int64_t experiment_id, const char *me,
			    const char *const *names, int64_t *count, struct err *err)
{
	struct sql_where q;
	size_t i;
	bool found, began = false;
	int ret = -1;

	memset(&q, 0, sizeof q);
	sb_adds(&q.sql, "SELECT (SELECT count(*) FROM trace_info WHERE experiment_id = ?1)"
		" - (SELECT count(DISTINCT qu.trace_id) FROM assessments AS qu"
		" CROSS JOIN trace_info AS ti WHERE +qu.assessment_type = 'feedback'"
		" AND qu.valid = 1 AND qu.source_type = 'HUMAN'");
	sq_param_int(&q, experiment_id);
	if (me) {
		sb_adds(&q.sql, " AND qu.source_id = ?");
		sq_param_text(&q, me);
	}
	if (names && names[0]) {
		sb_adds(&q.sql, " AND qu.name IN (");
		for (i = 0; names[i]; i++) {
			sb_adds(&q.sql, i ? ", ?" : "?");
			sq_param_text(&q, names[i]);
		}
		sb_adds(&q.sql, ")");
	}
	sb_adds(&q.sql, " AND ti.request_id = qu.trace_id AND ti.experiment_id = ?1)");
	if (sq_read_begin(s, &began, err) < 0)
		goto out;
	ret = one_row(s, sb_str(&q.sql), q.params, q.n, count, 1, &found, err);
	sq_read_end(s, began);
out:
	sql_where_free(&q);
	return ret;
}

int sq_count_traces(struct store *st, int64_t experiment_id, const char *filter, unsigned quick,
		    const char *me, const char *const *names, int64_t *count, struct err *err)
{
	struct sq *s = sq_of(st);
	struct sql_where q;
	bool found;
	int ret = -1;

	memset(&q, 0, sizeof q);
	*count = 0;
	if (quick == QF_UNLABELLED && (!filter || !*filter))
		return count_unlabelled(s, experiment_id, me, names, count, err);
	sb_adds(&q.sql, "SELECT count(*) FROM trace_info AS ti WHERE ti.experiment_id = ?");
	sq_param_int(&q, experiment_id);
	add_quick(&q, quick, me, names);
	if (add_filter(s, &q, filter, err) < 0)
		goto out;
	ret = one_row(s, sb_str(&q.sql), q.params, q.n, count, 1, &found, err);
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
	if (one_row(s, sql, &p, 1, &v, 1, &found, err) < 0)
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
	store_free_names(v, nv);
	return ret;
}

/* ---- experiments ------------------------------------------------------- */

int sq_list_experiments(struct store *st, struct experiment_list *out, struct err *err)
{
	static const char sql[] =
		"SELECT experiment_id, name, artifact_location, lifecycle_stage FROM experiments"
		" ORDER BY experiment_id";
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);
	int rc, ret = -1;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct experiment *e;

		GROW(out->v, out->cap, out->n + 1);
		e = &out->v[out->n++];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(stmt, 0);
		e->name = sq_col_str(stmt, 1);
		if (!e->name)
			e->name = xstrdup("");
		e->artifact_location = sq_col_str(stmt, 2);
		e->lifecycle_stage = sq_col_str(stmt, 3);
		if (!e->lifecycle_stage)
			e->lifecycle_stage = xstrdup("active");
		e->trace_count = -1;
	}
	if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	ret = 0;
out:
	sq_done(s, stmt);
	if (ret < 0)
		experiment_list_free(out);
	return ret;
}

int sq_find_experiment(struct store *st, const char *id_or_name, int64_t *id, struct err *err)
{
	struct sq *s = sq_of(st);
	struct sql_param p;
	int64_t v = 0;
	bool found = false;
	int ret = -1;

	memset(&p, 0, sizeof p);
	if (parse_int64(id_or_name, &p.i) == 0) {
		p.kind = SQLP_INT;
		if (one_row(s, "SELECT experiment_id FROM experiments WHERE experiment_id = ?",
			    &p, 1, &v, 1, &found, err) < 0)
			goto out;
	}
	if (!found) {
		p.kind = SQLP_TEXT;
		p.text = xstrdup(id_or_name);
		if (one_row(s, "SELECT experiment_id FROM experiments WHERE name = ?",
			    &p, 1, &v, 1, &found, err) < 0)
			goto out;
	}
	if (!found) {
		sq_not_found(err, "no experiment '%s' in this store", id_or_name, NULL);
		goto out;
	}
	*id = v;
	ret = 0;
out:
	free(p.text);
	return ret;
}

/* ---- whole traces ------------------------------------------------------ */

static int load_kv(struct sq *s, const char *sql, const char *trace_id, struct kv_list *out,
		   struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);
	int rc, ret = -1;

	if (!stmt)
		return -1;
	sq_bind_str(stmt, 1, trace_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(stmt, 0);

		if (k)
			kv_list_add(out, k, (const char *)sqlite3_column_text(stmt, 1));
	}
	if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	ret = 0;
out:
	sq_done(s, stmt);
	return ret;
}

static int load_assessments(struct sq *s, const char *trace_id, struct assessment_list *out,
			    struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int rc, ret = -1;

	sb_addf(&sql, "%s WHERE trace_id = ? ORDER BY created_timestamp, assessment_id",
		assessment_cols);
	stmt = sq_stmt(s, sb_str(&sql), err);
	if (!stmt)
		goto out;
	sq_bind_str(stmt, 1, trace_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		GROW(out->v, out->cap, out->n + 1);
		read_assessment(stmt, &out->v[out->n++]);
	}
	if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	ret = 0;
out:
	sq_done(s, stmt);
	sb_free(&sql);
	return ret;
}

static int load_spans(struct sq *s, const char *trace_id, struct trace *t, struct err *err)
{
	static const char sql[] =
		"SELECT span_id, parent_span_id, name, type, status, start_time_unix_nano,"
		" end_time_unix_nano, content FROM spans WHERE trace_id = ?"
		" ORDER BY (parent_span_id IS NOT NULL AND parent_span_id <> ''),"
		" start_time_unix_nano, span_id";
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);
	int rc, ret = -1;

	if (!stmt)
		return -1;
	sq_bind_str(stmt, 1, trace_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct span sp;
		const char *status = (const char *)sqlite3_column_text(stmt, 4);

		memset(&sp, 0, sizeof sp);
		sp.id = sq_col_str(stmt, 0);
		sp.parent_id = sq_col_str(stmt, 1);
		if (sp.parent_id && !*sp.parent_id)
			FREE(sp.parent_id);
		sp.name = sq_col_str(stmt, 2);
		sp.type = sq_col_str(stmt, 3);
		sp.status = span_status_parse(status);
		sp.start_ns = sqlite3_column_int64(stmt, 5);
		sp.end_ns = sqlite3_column_type(stmt, 6) == SQLITE_NULL
			? -1 : sqlite3_column_int64(stmt, 6);
		sp.content = sq_col_str(stmt, 7);
		sp.parent = sp.first_child = sp.next_sibling = SPAN_NONE;
		trace_add_span(t, &sp);
	}
	if (rc != SQLITE_DONE) {
		sq_fail(s, rc, err);
		goto out;
	}
	ret = 0;
out:
	sq_done(s, stmt);
	return ret;
}

int sq_load_trace(struct store *st, const char *trace_id, struct trace *out, struct err *err)
{
	struct sq *s = sq_of(st);
	const char *where;
	bool began = false;
	int ret = -1;

	memset(out, 0, sizeof *out);
	out->first_root = SPAN_NONE;
	if (sq_read_begin(s, &began, err) < 0)
		goto out;
	if (read_row_by_id(s, trace_id, &out->info, err) < 0)
		goto out;
	if (load_kv(s, "SELECT key, value FROM trace_tags WHERE request_id = ? ORDER BY key",
		    trace_id, &out->tags, err) < 0 ||
	    load_kv(s, "SELECT key, value FROM trace_request_metadata WHERE request_id = ?"
		    " ORDER BY key", trace_id, &out->metadata, err) < 0 ||
	    load_assessments(s, trace_id, &out->assessments, err) < 0)
		goto out;
	where = kv_list_get(&out->tags, TAG_SPANS_LOCATION);
	if (str_eq(where, SPANS_IN_STORE) && s->has_spans) {
		if (load_spans(s, trace_id, out, err) < 0)
			goto out;
		out->spans_state = out->nspans ? SPANS_LOADED : SPANS_MISSING;
		if (!out->nspans)
			out->spans_note = xstrdup("no spans in the tracking store for this trace "
						  "(mlflow.trace.spansLocation: TRACKING_STORE)");
	} else {
		out->spans_state = SPANS_MISSING;
		out->spans_note = xasprintf("spans are not in the tracking store "
					    "(mlflow.trace.spansLocation: %s)",
					    where ? where : "missing");
	}
	ret = 0;
out:
	sq_read_end(s, began);
	if (ret < 0)
		trace_free(out);
	return ret;
}

int sq_load_assessments(struct store *st, const char *trace_id, struct assessment_list *out,
			struct err *err)
{
	int ret = load_assessments(sq_of(st), trace_id, out, err);

	if (ret < 0)
		assessment_list_free(out);
	return ret;
}

int sq_get_assessment(struct store *st, const char *assessment_id, struct assessment *out,
		      struct err *err)
{
	struct sq *s = sq_of(st);
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int rc, ret = -1;

	memset(out, 0, sizeof *out);
	sb_addf(&sql, "%s WHERE assessment_id = ?", assessment_cols);
	stmt = sq_stmt(s, sb_str(&sql), err);
	if (!stmt)
		goto out;
	sq_bind_str(stmt, 1, assessment_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		read_assessment(stmt, out);
		ret = 0;
	} else if (rc == SQLITE_DONE) {
		sq_not_found(err, "no assessment %s in this store", assessment_id, NULL);
	} else {
		sq_fail(s, rc, err);
	}
out:
	sq_done(s, stmt);
	sb_free(&sql);
	return ret;
}

int sq_target(struct sq *s, const char *trace_id, const char *span_id, int64_t *experiment_id,
	      int64_t *timestamp_ms, struct err *err)
{
	static const char trace_sql[] =
		"SELECT experiment_id, timestamp_ms FROM trace_info WHERE request_id = ?";
	/* Spans are checked when the trace keeps them in the table: the tag
	 * says so, or rows are there anyway. */
	static const char span_sql[] =
		"SELECT coalesce((SELECT value FROM trace_tags WHERE request_id = ?1"
		" AND key = '" TAG_SPANS_LOCATION "') = '" SPANS_IN_STORE "', 0)"
		" OR EXISTS (SELECT 1 FROM spans WHERE trace_id = ?1),"
		" EXISTS (SELECT 1 FROM spans WHERE trace_id = ?1 AND span_id = ?2)";
	struct sql_param p[2];
	int64_t v[2];
	bool found;
	int ret = -1;

	memset(p, 0, sizeof p);
	p[0].kind = p[1].kind = SQLP_TEXT;
	p[0].text = xstrdup_or_null(trace_id);
	p[1].text = xstrdup_or_null(span_id);
	if (one_row(s, trace_sql, p, 1, v, 2, &found, err) < 0)
		goto out;
	if (!found) {
		sq_not_found(err, "no trace %s in this store", trace_id, NULL);
		goto out;
	}
	if (experiment_id)
		*experiment_id = v[0];
	if (timestamp_ms)
		*timestamp_ms = v[1];
	if (span_id && s->has_spans) {
		if (one_row(s, span_sql, p, 2, v, 2, &found, err) < 0)
			goto out;
		if (v[0] && !v[1]) {
			sq_not_found(err, "no span %s in trace %s", span_id, trace_id);
			goto out;
		}
	}
	ret = 0;
out:
	free(p[0].text);
	free(p[1].text);
	return ret;
}

int sq_check_target(struct store *st, const char *trace_id, const char *span_id,
		    struct err *err)
{
	return sq_target(sq_of(st), trace_id, span_id, NULL, NULL, err);
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
	if (one_row(s, "PRAGMA data_version", NULL, 0, &dv, 1, &found, err) < 0)
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
	if (one_row(s, alone_sql, &p, 1, &alone, 1, &found, err) < 0)
		return -1;
	if (alone ? one_row(s, all_sql, NULL, 0, v, 2, &found, err) < 0
		  : one_row(s, some_sql, &p, 1, v, 2, &found, err) < 0)
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
