#include "store/bulk.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum {
	B_TRACE,
	B_TAG,
	B_META,
	B_SPAN,
	B_ASSESSMENT,
	B_COUNT,
};

static const char *const bulk_sql[B_COUNT] = {
	[B_TRACE] = "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms,"
		" execution_time_ms, status, client_request_id, request_preview, response_preview)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[B_TAG] = "INSERT INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)",
	[B_META] = "INSERT INTO trace_request_metadata (key, value, request_id) VALUES (?, ?, ?)",
	[B_SPAN] = "INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name,"
		" type, status, start_time_unix_nano, end_time_unix_nano, content)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[B_ASSESSMENT] = "INSERT INTO assessments (assessment_id, trace_id, name,"
		" assessment_type, value, error, created_timestamp, last_updated_timestamp,"
		" source_type, source_id, run_id, span_id, rationale, overrides, valid,"
		" assessment_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
};

struct bulk {
	sqlite3 *db;
	sqlite3_stmt *stmt[B_COUNT];
	char **index_sql;   /* secondary indexes of the trace tables, rebuilt at the end */
	size_t nindex, cap_index;
};

static int bulk_fail(struct bulk *b, struct err *err)
{
	return err_set(err, ERR_RUNTIME, "bulk load: %s", sqlite3_errmsg(b->db));
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Steps a bound statement once and resets it for the next row. */
static int run(struct bulk *b, sqlite3_stmt *st, struct err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : bulk_fail(b, err);
}

/* Secondary indexes are dropped for the load and built again at the end
 * from their own CREATE INDEX text: one sort instead of millions of random
 * inserts.  The primary keys stay (they are part of the tables). */
static int drop_indexes(struct bulk *b)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	rc = sqlite3_prepare_v2(b->db, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
				" AND sql IS NOT NULL AND tbl_name IN ('trace_info', 'trace_tags',"
				" 'trace_request_metadata', 'spans', 'assessments')", -1, &st, NULL);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		GROW(b->index_sql, b->cap_index, b->nindex + 2);
		b->index_sql[b->nindex++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		b->index_sql[b->nindex++] = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	for (i = 0; i < b->nindex; i += 2) {
		char *sql = sqlite3_mprintf("DROP INDEX \"%w\"", b->index_sql[i]);

		rc = sqlite3_exec(b->db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK)
			return -1;
	}
	return 0;
}

int bulk_open(const char *path, struct bulk **out, struct err *err)
{
	struct bulk *b = xcalloc(1, sizeof *b);
	int i;

	*out = NULL;
	if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto fail;
	/* A new file nobody else reads: no journal, no fsync, a large cache
	 * for the random-order index inserts. */
	if (sqlite3_exec(b->db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
			 " PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -4194304;"
			 " PRAGMA temp_store = MEMORY; BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    drop_indexes(b) < 0)
		goto fail;
	for (i = 0; i < B_COUNT; i++)
		if (sqlite3_prepare_v3(b->db, bulk_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &b->stmt[i], NULL) != SQLITE_OK)
			goto fail;
	*out = b;
	return 0;
fail:
	err_set(err, ERR_RUNTIME, "%s: %s", path, b->db ? sqlite3_errmsg(b->db) : "cannot open");
	bulk_abort(b);
	return -1;
}

int bulk_trace(struct bulk *b, const struct bulk_trace *t, struct err *err)
{
	sqlite3_stmt *st = b->stmt[B_TRACE];

	bind_text(st, 1, t->id);
	sqlite3_bind_int64(st, 2, t->experiment_id);
	sqlite3_bind_int64(st, 3, t->timestamp_ms);
	if (t->execution_time_ms >= 0)
		sqlite3_bind_int64(st, 4, t->execution_time_ms);
	bind_text(st, 5, t->status);
	bind_text(st, 6, t->client_request_id);
	bind_text(st, 7, t->request_preview);
	bind_text(st, 8, t->response_preview);
	return run(b, st, err);
}

static int kv(struct bulk *b, sqlite3_stmt *st, const char *id, const char *key,
	      const char *value, struct err *err)
{
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	bind_text(st, 3, id);
	return run(b, st, err);
}

int bulk_tag(struct bulk *b, const char *trace_id, const char *key, const char *value,
	     struct err *err)
{
	return kv(b, b->stmt[B_TAG], trace_id, key, value, err);
}

int bulk_metadata(struct bulk *b, const char *trace_id, const char *key, const char *value,
		  struct err *err)
{
	return kv(b, b->stmt[B_META], trace_id, key, value, err);
}

int bulk_span(struct bulk *b, const struct bulk_span *s, struct err *err)
{
	sqlite3_stmt *st = b->stmt[B_SPAN];
	size_t len = s->content_len ? s->content_len : strlen(s->content);

	bind_text(st, 1, s->trace_id);
	sqlite3_bind_int64(st, 2, s->experiment_id);
	bind_text(st, 3, s->span_id);
	bind_text(st, 4, s->parent_span_id);
	bind_text(st, 5, s->name);
	bind_text(st, 6, s->type);
	bind_text(st, 7, s->status);
	sqlite3_bind_int64(st, 8, s->start_ns);
	if (s->end_ns >= 0)
		sqlite3_bind_int64(st, 9, s->end_ns);
	sqlite3_bind_text64(st, 10, s->content, len, SQLITE_STATIC, SQLITE_UTF8);
	return run(b, st, err);
}

int bulk_assessment(struct bulk *b, const struct assessment_new *a, struct err *err)
{
	sqlite3_stmt *st = b->stmt[B_ASSESSMENT];

	bind_text(st, 1, a->id);
	bind_text(st, 2, a->trace_id);
	bind_text(st, 3, a->name);
	bind_text(st, 4, a->type ? a->type : "feedback");
	bind_text(st, 5, a->value_json);
	bind_text(st, 6, a->error_json);
	sqlite3_bind_int64(st, 7, a->created_ms);
	sqlite3_bind_int64(st, 8, a->updated_ms ? a->updated_ms : a->created_ms);
	bind_text(st, 9, a->source_type ? a->source_type : "HUMAN");
	bind_text(st, 10, a->source_id);
	bind_text(st, 11, a->run_id);
	bind_text(st, 12, a->span_id);
	bind_text(st, 13, a->rationale);
	bind_text(st, 14, a->overrides);
	bind_text(st, 15, a->metadata_json);
	return run(b, st, err);
}

int bulk_experiment_times(struct bulk *b, int64_t ms, struct err *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(b->db, "UPDATE experiments SET creation_time = ?1,"
			       " last_update_time = ?1", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return bulk_fail(b, err);
	}
	sqlite3_bind_int64(st, 1, ms);
	if (run(b, st, err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static void bulk_close(struct bulk *b)
{
	size_t i;

	for (i = 0; i < B_COUNT; i++)
		sqlite3_finalize(b->stmt[i]);
	for (i = 0; i < b->nindex; i++)
		free(b->index_sql[i]);
	free(b->index_sql);
	sqlite3_close(b->db);
	free(b);
}

int bulk_finish(struct bulk *b, struct err *err)
{
	size_t i;
	int ret = -1;

	for (i = 1; i < b->nindex; i += 2)
		if (sqlite3_exec(b->db, b->index_sql[i], NULL, NULL, NULL) != SQLITE_OK)
			goto out;
	if (sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		bulk_fail(b, err);
	bulk_close(b);
	return ret;
}

void bulk_abort(struct bulk *b)
{
	if (!b)
		return;
	if (b->db)
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
	bulk_close(b);
}
