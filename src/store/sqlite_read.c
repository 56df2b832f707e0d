/*
 * Reading an MLflow store: experiments, trace rows by id, whole traces with
 * tags, metadata, assessments and spans, and the targets feedback is
 * written to.  Every value is bound; every string is copied out of SQLite
 * before the statement moves on.
 */
#include "store/sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"

static const char assessment_cols[] =
	"SELECT assessment_id, trace_id, name, assessment_type, value, error, created_timestamp,"
	" last_updated_timestamp, source_type, source_id, run_id, span_id, rationale, overrides,"
	" valid, assessment_metadata FROM assessments";

/* ---- rows -------------------------------------------------------------- */

void sq_row_select(const struct sq *s, struct strbuf *sb)
{
	sb_adds(sb, "SELECT ti.request_id, ti.experiment_id, ti.timestamp_ms,"
		" ti.execution_time_ms, ti.status, nm.value, ");
	sb_adds(sb, s->ti_request_preview ? "ti.request_preview, " : "NULL, ");
	sb_adds(sb, s->ti_response_preview ? "ti.response_preview, " : "NULL, ");
	sb_adds(sb, "mu.value, ms.value, ");
	sb_adds(sb, s->ti_client_request_id ? "ti.client_request_id" : "NULL");
	sb_adds(sb, " FROM trace_info AS ti"
		" LEFT JOIN trace_tags AS nm"
		" ON nm.request_id = ti.request_id AND nm.key = '" RULES_TAG_NAME "'"
		" LEFT JOIN trace_request_metadata AS mu"
		" ON mu.request_id = ti.request_id AND mu.key = '" RULES_META_USER "'"
		" LEFT JOIN trace_request_metadata AS ms"
		" ON ms.request_id = ti.request_id AND ms.key = '" RULES_META_SESSION "'");
}

void sq_read_row(sqlite3_stmt *stmt, struct trace_row *r)
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

/* The statement of sql, with text parameter 1 bound (NULL when it cannot
 * be prepared, err filled). */
static sqlite3_stmt *by_text(struct sq *s, const char *sql, const char *v, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);

	if (stmt)
		sq_bind_str(stmt, 1, v);
	return stmt;
}

/* The one row sql gives for its parameter id: read(stmt, out) reads it;
 * none(err, id) is the error when there is none. */
static int read_one(struct sq *s, const char *sql, const char *id,
		    void (*read)(sqlite3_stmt *, void *), void *out,
		    int (*none)(struct err *, const char *), struct err *err)
{
	sqlite3_stmt *stmt = by_text(s, sql, id, err);
	int rc = stmt ? sq_row(s, stmt, err) : -1;

	if (rc > 0)
		read(stmt, out);
	else if (rc == 0)
		none(err, id);
	sq_done(s, stmt);
	return rc > 0 ? 0 : -1;
}

static void read_row_to(sqlite3_stmt *stmt, void *out)
{
	sq_read_row(stmt, out);
}

int sq_read_row_by_id(struct sq *s, const char *trace_id, struct trace_row *out,
		      struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	sq_row_select(s, &sql);
	sb_adds(&sql, " WHERE ti.request_id = ?");
	ret = read_one(s, sb_str(&sql), trace_id, read_row_to, out, rules_no_trace, err);
	sb_free(&sql);
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
	int rc;

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
	if (sq_end(s, stmt, rc, err) < 0) {
		experiment_list_free(out);
		return -1;
	}
	return 0;
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
		if (sq_ints(s, "SELECT experiment_id FROM experiments WHERE experiment_id = ?",
			    &p, 1, &v, 1, &found, err) < 0)
			goto out;
	}
	if (!found) {
		p.kind = SQLP_TEXT;
		p.text = xstrdup(id_or_name);
		if (sq_ints(s, "SELECT experiment_id FROM experiments WHERE name = ?",
			    &p, 1, &v, 1, &found, err) < 0)
			goto out;
	}
	if (!found) {
		rules_not_found(err, "no experiment '%s' in this store", id_or_name, NULL);
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
	sqlite3_stmt *stmt = by_text(s, sql, trace_id, err);
	int rc;

	if (!stmt)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char *k = sq_col_str(stmt, 0), *v = sq_col_str(stmt, 1);

		if (k)
			kv_list_add(out, k, v);
		free(k);
		free(v);
	}
	return sq_end(s, stmt, rc, err);
}

static int load_assessments(struct sq *s, const char *trace_id, struct assessment_list *out,
			    struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int rc, ret = -1;

	sb_addf(&sql, "%s WHERE trace_id = ? ORDER BY created_timestamp, assessment_id",
		assessment_cols);
	stmt = by_text(s, sb_str(&sql), trace_id, err);
	if (stmt) {
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			GROW(out->v, out->cap, out->n + 1);
			read_assessment(stmt, &out->v[out->n++]);
		}
		ret = sq_end(s, stmt, rc, err);
	}
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
	sqlite3_stmt *stmt = by_text(s, sql, trace_id, err);
	int rc;

	if (!stmt)
		return -1;
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
	return sq_end(s, stmt, rc, err);
}

int sq_load_trace(struct store *st, const char *trace_id, struct trace *out, struct err *err)
{
	struct sq *s = sq_of(st);
	bool began = false, look;
	int ret = -1;

	memset(out, 0, sizeof *out);
	out->first_root = SPAN_NONE;
	if (sq_read_begin(s, &began, err) < 0)
		goto out;
	if (sq_read_row_by_id(s, trace_id, &out->info, err) < 0)
		goto out;
	if (load_kv(s, "SELECT key, value FROM trace_tags WHERE request_id = ? ORDER BY key",
		    trace_id, &out->tags, err) < 0 ||
	    load_kv(s, "SELECT key, value FROM trace_request_metadata WHERE request_id = ?"
		    " ORDER BY key", trace_id, &out->metadata, err) < 0 ||
	    load_assessments(s, trace_id, &out->assessments, err) < 0)
		goto out;
	look = rules_spans_in_store(&out->tags) && s->has_spans;
	if (look && load_spans(s, trace_id, out, err) < 0)
		goto out;
	rules_spans_state(out, look);
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

static void read_assessment_to(sqlite3_stmt *stmt, void *out)
{
	read_assessment(stmt, out);
}

int sq_get_assessment(struct store *st, const char *assessment_id, struct assessment *out,
		      struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	int ret;

	memset(out, 0, sizeof *out);
	sb_addf(&sql, "%s WHERE assessment_id = ?", assessment_cols);
	ret = read_one(sq_of(st), sb_str(&sql), assessment_id, read_assessment_to, out,
		       rules_no_assessment, err);
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
		" AND key = '" RULES_TAG_SPANS_LOCATION "') = '" RULES_SPANS_IN_STORE "', 0)"
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
	if (sq_ints(s, trace_sql, p, 1, v, 2, &found, err) < 0)
		goto out;
	if (!found) {
		rules_no_trace(err, trace_id);
		goto out;
	}
	if (experiment_id)
		*experiment_id = v[0];
	if (timestamp_ms)
		*timestamp_ms = v[1];
	if (span_id && s->has_spans) {
		if (sq_ints(s, span_sql, p, 2, v, 2, &found, err) < 0)
			goto out;
		if (v[0] && !v[1]) {
			rules_no_span(err, span_id, trace_id);
			goto out;
		}
	}
	ret = 0;
out:
	free(p[0].text);
	free(p[1].text);
	return ret;
}

int sq_root_span(struct store *st, const char *trace_id, char **out, struct err *err)
{
	/* As the trace loads: root first, then by start time. */
	static const char sql[] =
		"SELECT span_id FROM spans WHERE trace_id = ? AND coalesce(parent_span_id, '') = ''"
		" ORDER BY start_time_unix_nano, span_id LIMIT 1";
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	if (!s->has_spans)
		return 0;
	stmt = sq_stmt(s, sql, err);
	if (!stmt)
		return -1;
	sq_bind_str(stmt, 1, trace_id);
	rc = sq_row(s, stmt, err);
	if (rc > 0)
		*out = sq_col_str(stmt, 0);
	sq_done(s, stmt);
	return rc < 0 ? -1 : 0;
}

int sq_check_target(struct store *st, const char *trace_id, const char *span_id,
		    struct err *err)
{
	return sq_target(sq_of(st), trace_id, span_id, NULL, NULL, err);
}
