/*
 * Writing an MLflow store the way MLflow does: feedback rows (log, override,
 * update, delete), trace import and experiments, and new stores holding
 * MLflow's own schema.  Each write is one transaction (a savepoint inside an
 * import batch; a trace put in a batch is none: its failure rolls the batch
 * back); on any failure it is rolled back and the database's own message is
 * returned.  Referential integrity is kept here: SQLite's
 * foreign keys are off unless a connection turns them on, and this one never
 * changes that setting.
 */
#include "store/sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/util.h"

/* Page cache of an import batch, in KiB (negative: SQLite's unit). */
#define BATCH_CACHE_KIB "-16384"

/* ---- values ------------------------------------------------------------ */

/* Binds the aggregate of value at i, for "CAST(?i AS REAL)": SQLite reads
 * the number itself (independent of the C locale); booleans are 1 and 0. */
static void bind_aggregate(sqlite3_stmt *stmt, int i, const char *value,
			   enum rules_numeric kind)
{
	if (kind == RULES_NUM_BOOL)
		sqlite3_bind_int(stmt, i, value[0] == 't');
	else if (kind == RULES_NUM_NUMBER)
		sqlite3_bind_text(stmt, i, value, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

/* ---- assessment rows --------------------------------------------------- */

/* A string that stays put until the statement is reset (NULL binds NULL). */
static void bind_static(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, i);
}

/* Runs sql with n text parameters (a NULL one binds NULL). */
static int run_texts(struct sq *s, const char *sql, const char *const *v, size_t n,
		     struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);
	size_t i;

	if (!stmt)
		return -1;
	for (i = 0; i < n; i++)
		sq_bind_str(stmt, (int)i + 1, v[i]);
	return sq_end(s, stmt, sqlite3_step(stmt), err);
}

static int run_text(struct sq *s, const char *sql, const char *v, struct err *err)
{
	return run_texts(s, sql, &v, 1, err);
}

/* One assessments row, with the columns of newer stores when they exist
 * (experiment and trace time from the trace, the aggregate of the value).
 * With if_new, a row whose assessment id the store has already is left
 * alone (sqlite3_changes then says 0). */
static int insert_assessment(struct sq *s, const struct assessment_row *a,
			     int64_t experiment_id, int64_t trace_ts, bool if_new,
			     struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt = NULL;
	enum rules_numeric kind = rules_numeric_kind(a->value);
	int ret = -1;

	if (rules_session_scoped(a->metadata))
		s->session_writes++;
	sb_adds(&sql, "INSERT INTO assessments (assessment_id, trace_id, name, assessment_type,"
		" value, error, created_timestamp, last_updated_timestamp, source_type, source_id,"
		" run_id, span_id, rationale, overrides, valid, assessment_metadata");
	if (s->a_experiment_id)
		sb_adds(&sql, ", experiment_id");
	if (s->a_trace_timestamp_ms)
		sb_adds(&sql, ", trace_timestamp_ms");
	if (s->a_aggregate_value)
		sb_adds(&sql, ", aggregate_value");
	if (s->a_is_numeric_value)
		sb_adds(&sql, ", is_numeric_value");
	sb_adds(&sql, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ");
	if (a->run_from_metadata)
		sb_adds(&sql, "coalesce(?11, CASE WHEN json_valid(?16) THEN"
			" json_extract(?16, '$.\"mlflow.assessment.sourceRunId\"') END)");
	else
		sb_adds(&sql, "?11");
	sb_adds(&sql, ", ?12, ?13, ?14, ?15, ?16");
	if (s->a_experiment_id)
		sb_adds(&sql, ", ?17");
	if (s->a_trace_timestamp_ms)
		sb_adds(&sql, ", ?18");
	if (s->a_aggregate_value)
		sb_adds(&sql, ", CAST(?19 AS REAL)");
	if (s->a_is_numeric_value)
		sb_adds(&sql, ", ?20");
	sb_adds(&sql, ")");
	if (if_new)
		sb_adds(&sql, " ON CONFLICT (assessment_id) DO NOTHING");
	stmt = sq_stmt(s, sb_str(&sql), err);
	if (!stmt)
		goto out;
	sq_bind_str(stmt, 1, a->id);
	sq_bind_str(stmt, 2, a->trace_id);
	sq_bind_str(stmt, 3, a->name);
	sq_bind_str(stmt, 4, a->type);
	sq_bind_str(stmt, 5, a->value);
	sq_bind_str(stmt, 6, a->error);
	sqlite3_bind_int64(stmt, 7, a->created_ms);
	sqlite3_bind_int64(stmt, 8, a->updated_ms);
	sq_bind_str(stmt, 9, a->source_type);
	sq_bind_str(stmt, 10, a->source_id);
	sq_bind_str(stmt, 11, a->run_id);
	sq_bind_str(stmt, 12, a->span_id);
	sq_bind_str(stmt, 13, a->rationale);
	sq_bind_str(stmt, 14, a->overrides);
	sqlite3_bind_int(stmt, 15, a->valid);
	sq_bind_str(stmt, 16, a->metadata);
	if (s->a_experiment_id)
		sqlite3_bind_int64(stmt, 17, experiment_id);
	if (s->a_trace_timestamp_ms)
		sqlite3_bind_int64(stmt, 18, trace_ts);
	if (s->a_aggregate_value)
		bind_aggregate(stmt, 19, a->value, kind);
	if (s->a_is_numeric_value)
		sqlite3_bind_int(stmt, 20, kind != RULES_NUM_NONE);
	ret = sq_end(s, stmt, sqlite3_step(stmt), err);
out:
	sb_free(&sql);
	return ret;
}

int sq_log_assessment(struct store *st, struct assessment_row *r, struct err *err)
{
	struct sq *s = sq_of(st);
	const char *old[2] = { r->trace_id, r->overrides };
	int64_t experiment_id = 0, trace_ts = 0;
	int ret = -1;

	if (sq_write_begin(s, err) < 0)
		return -1;
	if (sq_target(s, r->trace_id, r->span_id, &experiment_id, &trace_ts, err) < 0)
		goto out;
	if (r->overrides) {
		if (run_texts(s, "UPDATE assessments SET valid = 0"
			      " WHERE trace_id = ? AND assessment_id = ?", old, 2, err) < 0)
			goto out;
		if (sqlite3_changes(s->db) == 0) {
			rules_no_override(err, r->overrides, r->trace_id);
			goto out;
		}
	}
	ret = insert_assessment(s, r, experiment_id, trace_ts, false, err);
out:
	return sq_write_end(s, ret, err);
}

int sq_update_assessment(struct store *st, const char *assessment_id,
			 const struct assessment_update *u, struct err *err)
{
	struct sq *s = sq_of(st);
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt = NULL;
	enum rules_numeric kind = rules_numeric_kind(u->value_json);
	int ret = -1;

	if (rules_session_scoped(u->metadata_json))
		s->session_writes++;

	sb_adds(&sql, "UPDATE assessments SET name = coalesce(?1, name),"
		" value = coalesce(?2, value),"
		" rationale = CASE WHEN ?3 THEN ?4 ELSE rationale END,"
		" assessment_metadata = coalesce(?5, assessment_metadata),"
		" last_updated_timestamp = ?6");
	/* Columns derived from the value follow it. */
	if (s->a_aggregate_value)
		sb_adds(&sql, ", aggregate_value = CASE WHEN ?2 IS NULL THEN aggregate_value"
			" ELSE CAST(?8 AS REAL) END");
	if (s->a_is_numeric_value)
		sb_adds(&sql, ", is_numeric_value = CASE WHEN ?2 IS NULL THEN is_numeric_value"
			" ELSE ?9 END");
	sb_adds(&sql, " WHERE assessment_id = ?7");
	if (sq_write_begin(s, err) < 0)
		goto done;
	stmt = sq_stmt(s, sb_str(&sql), err);
	if (!stmt)
		goto out;
	sq_bind_str(stmt, 1, u->name);
	sq_bind_str(stmt, 2, u->value_json);
	sqlite3_bind_int(stmt, 3, u->set_rationale);
	sq_bind_str(stmt, 4, u->rationale);
	sq_bind_str(stmt, 5, u->metadata_json);
	sqlite3_bind_int64(stmt, 6, u->updated_ms > 0 ? u->updated_ms : now_ms());
	sq_bind_str(stmt, 7, assessment_id);
	if (s->a_aggregate_value)
		bind_aggregate(stmt, 8, u->value_json, kind);
	if (s->a_is_numeric_value)
		sqlite3_bind_int(stmt, 9, kind != RULES_NUM_NONE);
	if (sq_end(s, stmt, sqlite3_step(stmt), err) < 0)
		goto out;
	ret = sqlite3_changes(s->db) ? 0 : rules_no_assessment(err, assessment_id);
out:
	ret = sq_write_end(s, ret, err);
done:
	sb_free(&sql);
	return ret;
}

int sq_delete_assessment(struct store *st, const char *assessment_id, struct err *err)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	char *overrides = NULL;
	int found = -1, ret = -1;

	if (sq_write_begin(s, err) < 0)
		return -1;
	stmt = sq_stmt(s, "SELECT overrides FROM assessments WHERE assessment_id = ?", err);
	if (stmt) {
		sq_bind_str(stmt, 1, assessment_id);
		found = sq_row(s, stmt, err);
		if (found > 0)
			overrides = sq_col_str(stmt, 0);
		sq_done(s, stmt);
	}
	if (found < 0)
		goto out;
	/* The row it replaced is current again (MLflow's delete_assessment). */
	if (overrides && run_text(s, "UPDATE assessments SET valid = 1 WHERE assessment_id = ?",
				  overrides, err) < 0)
		goto out;
	if (found && run_text(s, "DELETE FROM assessments WHERE assessment_id = ?",
			      assessment_id, err) < 0)
		goto out;
	ret = 0;
out:
	free(overrides);
	return sq_write_end(s, ret, err);
}

/* ---- import ------------------------------------------------------------ */

int sq_begin(struct store *st, struct err *err)
{
	struct sq *s = sq_of(st);
	int rc;

	if (s->base.readonly)
		return err_set(err, ERR_READONLY, "store is read-only: %s", s->path);
	if (s->batch)
		return err_set(err, ERR_USAGE, "an import batch is already open");
	if (sq_check_file(s, err) < 0 || sq_check_sound(s, err) < 0)
		return -1;
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(s, rc, err);
	s->batch = true;
	/* A big import outgrows the default page cache, and SQLite then writes
	 * pages out in the middle of the transaction.  The setting belongs to
	 * this connection only and is put back at the end of the batch. */
	sqlite3_exec(s->db, "PRAGMA cache_size = " BATCH_CACHE_KIB, NULL, NULL, NULL);
	return 0;
}

static void batch_end(struct sq *s)
{
	s->batch = false;
	sqlite3_exec(s->db, "PRAGMA cache_size = " SQ_CACHE_KIB, NULL, NULL, NULL);
}

int sq_commit(struct store *st, struct err *err)
{
	struct sq *s = sq_of(st);
	int rc;

	if (!s->batch)
		return err_set(err, ERR_USAGE, "no import batch is open");
	rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(s, rc, err);  /* still open: the caller rolls back */
	batch_end(s);
	s->writes++;
	return 0;
}

void sq_rollback(struct store *st)
{
	struct sq *s = sq_of(st);

	if (!s->batch)
		return;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	batch_end(s);
}

/* Everything a trace owns but its feedback, children first: with foreign
 * keys off, nothing cascades by itself.  A trace not in the store yet (the
 * common case of an import) costs one primary-key probe instead of a
 * delete per table.  *found says whether it was there. */
static int clear_trace(struct sq *s, const char *id, bool *found, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, "SELECT 1 FROM trace_info WHERE request_id = ?", err);
	int rc;

	*found = false;
	if (!stmt)
		return -1;
	bind_static(stmt, 1, id);
	rc = sq_row(s, stmt, err);
	sq_done(s, stmt);
	if (rc <= 0)
		return rc;
	*found = true;
	if (s->has_span_metrics &&
	    run_text(s, "DELETE FROM span_metrics WHERE trace_id = ?", id, err) < 0)
		return -1;
	if (s->has_spans && run_text(s, "DELETE FROM spans WHERE trace_id = ?", id, err) < 0)
		return -1;
	if (run_text(s, "DELETE FROM trace_tags WHERE request_id = ?", id, err) < 0 ||
	    run_text(s, "DELETE FROM trace_request_metadata WHERE request_id = ?", id, err) < 0)
		return -1;
	if (s->has_trace_metrics &&
	    run_text(s, "DELETE FROM trace_metrics WHERE request_id = ?", id, err) < 0)
		return -1;
	return run_text(s, "DELETE FROM trace_info WHERE request_id = ?", id, err);
}

static int insert_info(struct sq *s, const struct trace_row *r, struct err *err)
{
	struct strbuf cols = STRBUF_INIT, vals = STRBUF_INIT;
	struct sql_where q;
	int ret;

	memset(&q, 0, sizeof q);
	sb_adds(&cols, "request_id, experiment_id, timestamp_ms, execution_time_ms, status");
	sb_adds(&vals, "?, ?, ?, ?, ?");
	sq_param_text(&q, r->id);
	sq_param_int(&q, r->experiment_id);
	sq_param_int(&q, r->timestamp_ms);
	if (r->duration_ms >= 0)
		sq_param_int(&q, r->duration_ms);
	else
		sq_param_text(&q, NULL);
	sq_param_text(&q, r->status ? r->status : "STATE_UNSPECIFIED");
#define OPTIONAL(flag, col, v) do { \
		if (s->flag) { \
			sb_adds(&cols, ", " col); \
			sb_adds(&vals, ", ?"); \
			sq_param_text(&q, v); \
		} \
	} while (0)
	OPTIONAL(ti_client_request_id, "client_request_id", r->client_request_id);
	OPTIONAL(ti_request_preview, "request_preview", r->request_preview);
	OPTIONAL(ti_response_preview, "response_preview", r->response_preview);
	OPTIONAL(ti_trace_name, "trace_name", r->name);
	OPTIONAL(ti_session_id, "session_id", r->session);
#undef OPTIONAL
	sb_addf(&q.sql, "INSERT INTO trace_info (%s) VALUES (%s)", sb_str(&cols), sb_str(&vals));
	ret = sq_run(s, sb_str(&q.sql), q.params, q.n, err);
	sql_where_free(&q);
	sb_free(&cols);
	sb_free(&vals);
	return ret;
}

struct kv_insert {
	struct sq *s;
	const char *sql;
	const char *id;
};

static int insert_kv(void *ctx, const char *key, const char *value, struct err *err)
{
	struct kv_insert *k = ctx;
	const char *v[3] = { key, value, k->id };

	return run_texts(k->s, k->sql, v, 3, err);
}

/* The trace's tags or metadata, with those its row stands for. */
static int insert_kvs(struct sq *s, const struct trace *t, bool metadata, struct err *err)
{
	struct kv_insert k = { s, NULL, t->info.id };

	k.sql = metadata
		? "INSERT OR REPLACE INTO trace_request_metadata (key, value, request_id)"
		  " VALUES (?, ?, ?)"
		: "INSERT OR REPLACE INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)";
	return rules_trace_kvs(t, metadata, insert_kv, &k, err);
}

static int insert_spans(struct sq *s, const struct trace *t, struct err *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO spans (trace_id, experiment_id, span_id, parent_span_id,"
		" name, type, status, start_time_unix_nano, end_time_unix_nano, content)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *stmt;
	size_t i;
	int rc = SQLITE_DONE;

	if (!t->nspans)
		return 0;
	stmt = sq_stmt(s, sql, err);
	if (!stmt)
		return -1;
	/* The strings outlive each step: SQLite need not copy them. */
	bind_static(stmt, 1, t->info.id);
	sqlite3_bind_int64(stmt, 2, t->info.experiment_id);
	for (i = 0; i < t->nspans && rc == SQLITE_DONE; i++) {
		const struct span *sp = &t->spans[i];

		bind_static(stmt, 3, sp->id);
		bind_static(stmt, 4, sp->parent_id && *sp->parent_id ? sp->parent_id : NULL);
		bind_static(stmt, 5, sp->name);
		bind_static(stmt, 6, sp->type);
		bind_static(stmt, 7, span_status_name(sp->status));
		sqlite3_bind_int64(stmt, 8, sp->start_ns);
		if (sp->end_ns >= 0)
			sqlite3_bind_int64(stmt, 9, sp->end_ns);
		else
			sqlite3_bind_null(stmt, 9);
		bind_static(stmt, 10, sp->content ? sp->content : "{}");
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_DONE)
			break;
		sqlite3_reset(stmt);
	}
	if (rc != SQLITE_DONE)
		sq_fail(s, rc, err);
	sq_done(s, stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The feedback a re-imported trace had in the store: counted, and moved
 * with the trace to its experiment and time. */
static int keep_assessments(struct sq *s, const struct trace *t, struct put_result *res,
			    struct err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = sq_stmt(s, "SELECT count(*) FROM assessments WHERE trace_id = ?", err);
	if (!stmt)
		return -1;
	bind_static(stmt, 1, t->info.id);
	rc = sq_row(s, stmt, err);
	if (rc > 0)
		res->kept = sqlite3_column_int64(stmt, 0);
	sq_done(s, stmt);
	if (rc < 0)
		return -1;
	if (!res->kept || (!s->a_experiment_id && !s->a_trace_timestamp_ms))
		return 0;
	stmt = sq_stmt(s, s->a_experiment_id && s->a_trace_timestamp_ms ?
		       "UPDATE assessments SET experiment_id = ?1, trace_timestamp_ms = ?2"
		       " WHERE trace_id = ?3" : s->a_experiment_id ?
		       "UPDATE assessments SET experiment_id = ?1 WHERE trace_id = ?3" :
		       "UPDATE assessments SET trace_timestamp_ms = ?2 WHERE trace_id = ?3", err);
	if (!stmt)
		return -1;
	if (s->a_experiment_id)
		sqlite3_bind_int64(stmt, 1, t->info.experiment_id);
	if (s->a_trace_timestamp_ms)
		sqlite3_bind_int64(stmt, 2, t->info.timestamp_ms);
	bind_static(stmt, 3, t->info.id);
	return sq_end(s, stmt, sqlite3_step(stmt), err);
}

/* The trace's rows whose ids the store does not have yet. */
static int insert_trace_assessments(struct sq *s, const struct trace *t, struct put_result *res,
				    struct err *err)
{
	int64_t now = now_ms();
	size_t i;

	if (res->existed && keep_assessments(s, t, res, err) < 0)
		return -1;
	for (i = 0; i < t->assessments.n; i++) {
		struct assessment_row r;
		const char *old[2];

		if (rules_import_row(&t->assessments.v[i], t->info.id, now, &r, err) < 0 ||
		    insert_assessment(s, &r, t->info.experiment_id, t->info.timestamp_ms, true,
				      err) < 0)
			return -1;
		if (sqlite3_changes(s->db) == 0) {
			res->skipped++;
			continue;
		}
		res->added++;
		/* A new answer replacing one the store kept: that one is
		 * overridden now. */
		if (!res->existed || !r.overrides || !r.valid)
			continue;
		old[0] = t->info.id;
		old[1] = r.overrides;
		if (run_texts(s, "UPDATE assessments SET valid = 0"
			      " WHERE trace_id = ? AND assessment_id = ?", old, 2, err) < 0)
			return -1;
	}
	return 0;
}

int sq_put_trace(struct store *st, const struct trace *t, struct put_result *res,
		 struct err *err)
{
	struct sq *s = sq_of(st);
	struct sql_param p;
	int64_t one;
	bool found;
	/* Inside an import batch a trace is no savepoint of its own (a
	 * savepoint copies every page the trace touches first): a failure
	 * rolls the whole batch back, as its caller would. */
	bool in_batch = s->batch;
	int ret = -1;

	if (t->nspans && !s->has_spans)
		return err_set(err, ERR_SCHEMA, "%s: this store has no spans table "
			       "(written by MLflow before 3.2?)", s->path);
	if (!in_batch && sq_write_begin(s, err) < 0)
		return -1;
	memset(&p, 0, sizeof p);
	p.kind = SQLP_INT;
	p.i = t->info.experiment_id;
	if (sq_ints(s, "SELECT 1 FROM experiments WHERE experiment_id = ?", &p, 1, &one, 1,
		    &found, err) < 0)
		goto out;
	if (!found) {
		err_set(err, ERR_NOTFOUND, "no experiment %" PRId64 " in this store",
			t->info.experiment_id);
		goto out;
	}
	if (clear_trace(s, t->info.id, &res->existed, err) < 0 ||
	    insert_info(s, &t->info, err) < 0 || insert_kvs(s, t, false, err) < 0 ||
	    insert_kvs(s, t, true, err) < 0 || insert_spans(s, t, err) < 0 ||
	    insert_trace_assessments(s, t, res, err) < 0)
		goto out;
	ret = 0;
out:
	if (!in_batch)
		ret = sq_write_end(s, ret, err);
	else if (ret < 0)
		sq_rollback(st);
	else
		s->writes++;
	if (ret < 0)
		memset(res, 0, sizeof *res);
	return ret;
}

int sq_ensure_experiment(struct store *st, const char *name, int64_t *id, struct err *err)
{
	static const char insert_sql[] =
		"INSERT INTO experiments (experiment_id, name, artifact_location,"
		" lifecycle_stage, creation_time, last_update_time)"
		" VALUES (?, ?, ?, 'active', ?, ?)";
	struct sq *s = sq_of(st);
	struct sql_param p[5];
	int64_t now = now_ms(), next = 0;
	bool found = false;
	int ret = -1;

	if (!name || !*name)
		return err_set(err, ERR_USAGE, "an experiment needs a name");
	if (sq_write_begin(s, err) < 0)
		return -1;
	memset(p, 0, sizeof p);
	p[0].kind = SQLP_TEXT;
	p[0].text = xstrdup(name);
	if (sq_ints(s, "SELECT experiment_id FROM experiments WHERE name = ?", p, 1, id, 1,
		    &found, err) < 0)
		goto out;
	if (found) {
		ret = 0;
		goto out;
	}
	/* Like MLflow's autoincrementing experiment ids on SQLite. */
	if (sq_ints(s, "SELECT coalesce(max(experiment_id) + 1, 0) FROM experiments", NULL, 0,
		    &next, 1, &found, err) < 0)
		goto out;
	p[1] = p[0];
	p[0].kind = SQLP_INT;
	p[0].text = NULL;
	p[0].i = next;
	p[2].kind = SQLP_TEXT;
	p[2].text = xasprintf("%s/mlruns/%" PRId64, s->base.dir, next);
	p[3].kind = p[4].kind = SQLP_INT;
	p[3].i = p[4].i = now;
	if (sq_run(s, insert_sql, p, 5, err) < 0)
		goto out;
	*id = next;
	ret = 0;
out:
	free(p[0].text);
	free(p[1].text);
	free(p[2].text);
	return sq_write_end(s, ret, err);
}

/* ---- new stores -------------------------------------------------------- */

int sq_create(const char *path, struct err *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	char *dir = NULL, *artifacts = NULL;
	int64_t now = now_ms();
	int fd, rc, ret = -1;

	/* O_EXCL: never take over a file that appeared meanwhile. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return err_set(err, ERR_USAGE, "%s: file exists", path);
		return err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
	}
	close(fd);
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sq_schema_sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO alembic_version (version_num) VALUES (?)",
					-1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, sq_alembic_version, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO experiments (experiment_id, name,"
					" artifact_location, lifecycle_stage, creation_time,"
					" last_update_time) VALUES (0, 'Default', ?, 'active', ?, ?)",
					-1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		dir = sq_abs_dir(path);
		artifacts = xasprintf("%s/mlruns/0", dir);
		sqlite3_bind_text(stmt, 1, artifacts, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, now);
		sqlite3_bind_int64(stmt, 3, now);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, ERR_RUNTIME, "%s: %s", path,
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto out;
	}
	ret = 0;
out:
	sqlite3_close_v2(db);
	if (ret < 0)
		unlink(path);
	free(dir);
	free(artifacts);
	return ret;
}
