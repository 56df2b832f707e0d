/*
 * Spans across the traces of an experiment (store_page_spans): the spans
 * view and `tracelab spans`.
 *
 * The query walks the spans table itself, `spans AS fs` joined to its
 * trace `trace_info AS ti`, in the order asked: by duration on MLflow's
 * index (experiment_id, duration_ns), by start time on the experiment's
 * spans.  The filter is compiled with FSQL_SPAN_ROW: its span conditions
 * are on the span listed (all of them on that one span, inside OR and NOT
 * too), the others on its trace.
 *
 * Pages continue by keyset, never OFFSET: (value, rowid) after the last
 * row, compared as a row value so that SQLite seeks in the index.  A span
 * without an end has no duration (NULL): those come after the others when
 * the longest come first, before them when the shortest do, as SQLite
 * orders NULL; each part is its own query, so both keep to the index.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/sqlite_int.h"

/* Does the spans table have MLflow's generated duration_ns?  A generated
 * column is not in table_info, so the probe prepares a query naming it. */
static bool has_duration_ns(struct sq *s)
{
	sqlite3_stmt *stmt = NULL;

	if (!s->sp_duration_ns) {
		s->sp_duration_ns = sqlite3_prepare_v2(s->db, "SELECT duration_ns FROM spans LIMIT 0",
						       -1, &stmt, NULL) == SQLITE_OK ? 1 : -1;
		sqlite3_finalize(stmt);
	}
	return s->sp_duration_ns > 0;
}

/* The sort value of span row `a` (an alias of spans). */
static char *sort_expr(struct sq *s, enum span_sort sort, const char *a)
{
	if (sort == SPAN_SORT_START)
		return xasprintf("%s.start_time_unix_nano", a);
	return has_duration_ns(s) ? xasprintf("%s.duration_ns", a) :
	       xasprintf("(%s.end_time_unix_nano - %s.start_time_unix_nano)", a, a);
}

/* Is there an index on (experiment_id, the sort column, ...)?  MLflow has
 * one for the duration (index_spans_experiment_id_duration) and, since
 * migration c1d2e3f4a5b6, for the start time. */
static bool has_order_index(struct sq *s, enum span_sort sort)
{
	static const char sql[] =
		"SELECT 1 FROM pragma_index_list('spans') AS l"
		" JOIN pragma_index_xinfo(l.name) AS a ON a.seqno = 0 AND a.name = 'experiment_id'"
		" JOIN pragma_index_xinfo(l.name) AS b ON b.seqno = 1 AND b.name = ?";
	int *known = &s->sp_order_ix[sort == SPAN_SORT_START];
	sqlite3_stmt *stmt = NULL;

	if (sort == SPAN_SORT_DURATION && !has_duration_ns(s))
		return false;
	if (!*known) {
		*known = -1;
		if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) == SQLITE_OK) {
			sqlite3_bind_text(stmt, 1, sort == SPAN_SORT_START ? "start_time_unix_nano" :
					  "duration_ns", -1, SQLITE_STATIC);
			if (sqlite3_step(stmt) == SQLITE_ROW)
				*known = 1;
		}
		sqlite3_finalize(stmt);
	}
	return *known > 0;
}

/* The columns span_read reads, in its order. */
#define SPAN_COLS \
	"fs.rowid, fs.trace_id, fs.span_id, fs.parent_span_id, fs.name, fs.type, fs.status," \
	" fs.start_time_unix_nano, fs.end_time_unix_nano," \
	" (SELECT nm.value FROM trace_tags AS nm WHERE nm.request_id = fs.trace_id" \
	" AND nm.key = '" RULES_TAG_NAME "')"

static void span_read(sqlite3_stmt *stmt, enum span_sort sort, struct span_row *r)
{
	memset(r, 0, sizeof *r);
	r->trace_id = sq_col_str(stmt, 1);
	r->span_id = sq_col_str(stmt, 2);
	r->parent_id = sq_col_str(stmt, 3);
	r->name = sq_col_str(stmt, 4);
	r->type = sq_col_str(stmt, 5);
	r->status = sq_col_str(stmt, 6);
	r->start_ns = sqlite3_column_int64(stmt, 7);
	r->end_ns = sqlite3_column_type(stmt, 8) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(stmt, 8);
	r->trace_name = sq_col_str(stmt, 9);
	r->at.set = true;
	r->at.tie = sqlite3_column_int64(stmt, 0);
	r->at.null = sqlite3_column_type(stmt, 10) == SQLITE_NULL;
	r->at.num = r->at.null ? 0 : sqlite3_column_int64(stmt, 10);
	(void)sort;
}

/* After the cursor in the order asked: " AND (v, rowid) > (?, ?)". */
static void keyset(struct sql_where *q, const char *v, const char *a, const struct span_cursor *after,
		   bool asc)
{
	if (!after)
		return;
	sb_addf(&q->sql, " AND (%s, %s.rowid) %s (?, ?)", v, a, asc ? ">" : "<");
	sq_param_int(q, after->num);
	sq_param_int(q, after->tie);
}

static int filter_of(struct sq *s, const struct span_req *req, struct sql_where *q,
		     struct err *err)
{
	return sq_add_filter(s, q, req->filter, FSQL_SPAN_ROW |
			     (has_duration_ns(s) ? FSQL_DURATION_COLUMN : 0), err);
}

/* One part of the order as SQLite plans it: the spans with a sort value
 * (nulls false) or those without, after the cursor when it is in this
 * part. */
static int part_query(struct sq *s, const struct span_req *req, bool nulls,
		      const struct span_cursor *after, size_t limit, struct sql_where *q,
		      struct err *err)
{
	char *v = sort_expr(s, req->sort, "fs");
	const char *dir = req->ascending ? "ASC" : "DESC", *cmp = req->ascending ? ">" : "<";
	int rc = -1;

	sb_addf(&q->sql, "SELECT " SPAN_COLS ", %s FROM spans AS fs"
		" JOIN trace_info AS ti ON ti.request_id = fs.trace_id"
		" WHERE fs.experiment_id = ? AND %s IS %sNULL", v, v, nulls ? "" : "NOT ");
	sq_param_int(q, req->experiment_id);
	if (after && nulls) {
		sb_addf(&q->sql, " AND fs.rowid %s ?", cmp);
		sq_param_int(q, after->tie);
	} else {
		keyset(q, v, "fs", after, req->ascending);
	}
	if (filter_of(s, req, q, err) < 0)
		goto out;
	if (nulls)
		sb_addf(&q->sql, " ORDER BY fs.rowid %s", dir);
	else
		sb_addf(&q->sql, " ORDER BY %s %s, fs.rowid %s", v, dir, dir);
	sb_adds(&q->sql, " LIMIT ?");
	sq_param_int(q, (int64_t)(limit < INT32_MAX ? limit : INT32_MAX));
	rc = 0;
out:
	free(v);
	return rc;
}

/* Windows of the order, by the index alone, from which the matches are
 * taken: a page of a common filter ("span.type = 'LLM'") is in the first
 * few hundred spans, where SQLite would read every LLM span through the
 * type index to sort them.  Each window is four times the last; after
 * WINDOWS_MAX spans the rest is left to SQLite's plan (a rare match is
 * then best found through an index on what it matches). */
#define WINDOW_FIRST 256
#define WINDOWS_MAX 16384

static void window_from(struct sq *s, const struct span_req *req, const struct span_cursor *after,
			struct sql_where *q)
{
	char *v = sort_expr(s, req->sort, "ws");

	sb_addf(&q->sql, " FROM spans AS ws WHERE ws.experiment_id = ? AND %s IS NOT NULL", v);
	sq_param_int(q, req->experiment_id);
	keyset(q, v, "ws", after, req->ascending);
	sb_addf(&q->sql, " ORDER BY %s %s, ws.rowid %s", v, req->ascending ? "ASC" : "DESC",
		req->ascending ? "ASC" : "DESC");
	free(v);
}

static int window_query(struct sq *s, const struct span_req *req,
			const struct span_cursor *after, int window, size_t limit,
			struct sql_where *q, struct err *err)
{
	char *v = sort_expr(s, req->sort, "fs");
	const char *dir = req->ascending ? "ASC" : "DESC";
	int rc = -1;

	sb_adds(&q->sql, "SELECT " SPAN_COLS ", ");
	sb_adds(&q->sql, v);
	sb_adds(&q->sql, " FROM (SELECT ws.rowid AS rid");
	window_from(s, req, after, q);
	sb_addf(&q->sql, " LIMIT %d) AS win CROSS JOIN spans AS fs ON fs.rowid = win.rid"
		" JOIN trace_info AS ti ON ti.request_id = fs.trace_id WHERE 1", window);
	if (filter_of(s, req, q, err) < 0)
		goto out;
	sb_addf(&q->sql, " ORDER BY %s %s, fs.rowid %s LIMIT ?", v, dir, dir);
	sq_param_int(q, (int64_t)(limit < INT32_MAX ? limit : INT32_MAX));
	rc = 0;
out:
	free(v);
	return rc;
}

/* Where the window ends: its last span (set false when it holds every span
 * left). */
static int window_end(struct sq *s, const struct span_req *req, const struct span_cursor *after,
		      int window, struct span_cursor *end, struct err *err)
{
	struct sql_where q;
	sqlite3_stmt *stmt;
	char *v = sort_expr(s, req->sort, "ws");
	int rc, ret = -1;

	memset(&q, 0, sizeof q);
	memset(end, 0, sizeof *end);
	sb_addf(&q.sql, "SELECT %s, ws.rowid", v);
	window_from(s, req, after, &q);
	sb_addf(&q.sql, " LIMIT 1 OFFSET %d", window - 1);
	stmt = sq_stmt(s, sb_str(&q.sql), err);
	if (!stmt)
		goto out;
	if (sq_bind_params(stmt, 1, q.params, q.n) != SQLITE_OK) {
		ret = sq_fail(s, SQLITE_ERROR, err);
		sq_done(s, stmt);
		goto out;
	}
	rc = sq_row(s, stmt, err);
	if (rc > 0) {
		end->set = true;
		end->num = sqlite3_column_int64(stmt, 0);
		end->tie = sqlite3_column_int64(stmt, 1);
	}
	sq_done(s, stmt);
	ret = rc < 0 ? -1 : 0;
out:
	free(v);
	sql_where_free(&q);
	return ret;
}

static int run_query(struct sq *s, const struct span_req *req, struct sql_where *q,
		     struct span_page *out, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sb_str(&q->sql), err);
	int rc;

	if (!stmt)
		return -1;
	rc = sq_bind_params(stmt, 1, q->params, q->n);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_ROW)
			break;
		GROW(out->v, out->cap, out->n + 1);
		span_read(stmt, req->sort, &out->v[out->n++]);
	}
	return sq_end(s, stmt, rc, err);
}

static int run_part(struct sq *s, const struct span_req *req, bool nulls,
		    const struct span_cursor *after, size_t want, struct span_page *out,
		    struct err *err)
{
	struct sql_where q;
	struct span_cursor end, from;
	size_t had = out->n;
	int ret = -1;

	memset(&q, 0, sizeof q);
	/* Windows first where an index gives the order; what they lack comes
	 * from after their end, as SQLite plans it. */
	if (!nulls && has_order_index(s, req->sort)) {
		int window = WINDOW_FIRST, seen = 0;

		for (;;) {
			if (window_end(s, req, after, window, &end, err) < 0 ||
			    window_query(s, req, after, window, want, &q, err) < 0 ||
			    run_query(s, req, &q, out, err) < 0)
				goto out;
			sql_where_free(&q);
			if (out->n - had >= want || !end.set) {
				ret = 0;
				goto out;
			}
			want -= out->n - had;
			had = out->n;
			from = end;
			after = &from;
			seen += window;
			if (seen >= WINDOWS_MAX)
				break;
			window *= 4;
		}
	}
	if (part_query(s, req, nulls, after, want, &q, err) < 0 ||
	    run_query(s, req, &q, out, err) < 0)
		goto out;
	ret = 0;
out:
	sql_where_free(&q);
	return ret;
}

int sq_page_spans(struct store *st, const struct span_req *req, struct span_page *out,
		  struct err *err)
{
	struct sq *s = sq_of(st);
	const struct span_cursor *after = req->after && req->after->set ? req->after : NULL;
	/* The two parts in the order of the listing: NULL is the smallest. */
	bool order[2] = { req->ascending, !req->ascending };
	/* Start times are never NULL (MLflow's column is NOT NULL). */
	size_t nparts = req->sort == SPAN_SORT_START ? 1 : 2, i, want = req->limit + 1;
	bool began = false;
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (!s->has_spans) {
		ret = 0;
		goto out;
	}
	if (nparts == 1)
		order[0] = false;
	if (sq_read_begin(s, &began, err) < 0)
		goto out;
	for (i = 0; i < nparts && out->n < want; i++) {
		const struct span_cursor *from = NULL;

		if (after) {
			if (after->null != order[i] && out->n == 0 && i + 1 < nparts &&
			    after->null == order[i + 1])
				continue;  /* the cursor is in the next part */
			if (after->null == order[i])
				from = after;
		}
		if (run_part(s, req, order[i], from, want - out->n, out, err) < 0)
			goto out;
	}
	out->more = out->n > req->limit;
	while (out->n > req->limit)
		span_row_free(&out->v[--out->n]);
	ret = 0;
out:
	sq_read_end(s, began);
	if (ret < 0)
		span_page_free(out);
	return ret;
}
