/*
 * The SQLite backend: opening an MLflow tracking store, the statement cache,
 * transactions, the mapping of SQLite's result codes to struct err, and the
 * backend's table of operations.  Pages and counts live in sqlite_page.c,
 * other queries in sqlite_read.c, writes in sqlite_write.c.
 */
#include "store/sqlite_int.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/question.h"
#include "core/textbuf.h"
#include "core/util.h"

#define BUSY_MS_DEFAULT 5000
/* SQLite's virtual machine steps between two calls of sq_progress (well
 * under a millisecond of work). */
#define SQ_PROGRESS_STEPS 20000

/* Optional columns and tables, and the flag each one sets. */
static const struct {
	const char *table;
	const char *column;   /* NULL: the table itself */
	size_t flag;          /* offsetof a bool in struct sq */
} probes[] = {
	{ "trace_info", "client_request_id", offsetof(struct sq, ti_client_request_id) },
	{ "trace_info", "request_preview", offsetof(struct sq, ti_request_preview) },
	{ "trace_info", "response_preview", offsetof(struct sq, ti_response_preview) },
	{ "trace_info", "trace_name", offsetof(struct sq, ti_trace_name) },
	{ "trace_info", "session_id", offsetof(struct sq, ti_session_id) },
	{ "assessments", "experiment_id", offsetof(struct sq, a_experiment_id) },
	{ "assessments", "trace_timestamp_ms", offsetof(struct sq, a_trace_timestamp_ms) },
	{ "assessments", "aggregate_value", offsetof(struct sq, a_aggregate_value) },
	{ "assessments", "is_numeric_value", offsetof(struct sq, a_is_numeric_value) },
	{ "spans", NULL, offsetof(struct sq, has_spans) },
	{ "spans", "dimension_attributes", offsetof(struct sq, sp_dimension_attributes) },
	{ "spans", "links", offsetof(struct sq, sp_links) },
	{ "trace_metrics", NULL, offsetof(struct sq, has_trace_metrics) },
	{ "span_metrics", NULL, offsetof(struct sq, has_span_metrics) },
	{ "label_schemas", NULL, offsetof(struct sq, has_label_schemas) },
	{ "label_schemas", "is_default", offsetof(struct sq, ls_is_default) },
	{ "review_queue_items", NULL, offsetof(struct sq, has_queue_items) },
	{ "review_queues", NULL, offsetof(struct sq, has_queues) },
	{ "review_queues", "name_key", offsetof(struct sq, rq_name_key) },
	{ "review_queue_users", NULL, offsetof(struct sq, has_queue_users) },
	{ "review_queue_label_schemas", NULL, offsetof(struct sq, has_queue_schemas) },
};

#define NPROBES (sizeof probes / sizeof probes[0])

/* The columns tracelab reads and writes: a store without one of them gets
 * "unsupported MLflow schema" on open, not SQLite errors later.  spans is
 * optional (older stores keep spans as artifacts); when it is there, its
 * columns are needed too. */
static const struct {
	const char *table, *column;
} required[] = {
	{ "experiments", "experiment_id" }, { "experiments", "name" },
	{ "experiments", "artifact_location" }, { "experiments", "lifecycle_stage" },
	{ "trace_info", "request_id" }, { "trace_info", "experiment_id" },
	{ "trace_info", "timestamp_ms" }, { "trace_info", "execution_time_ms" },
	{ "trace_info", "status" },
	{ "trace_tags", "key" }, { "trace_tags", "value" }, { "trace_tags", "request_id" },
	{ "trace_request_metadata", "key" }, { "trace_request_metadata", "value" },
	{ "trace_request_metadata", "request_id" },
	{ "assessments", "assessment_id" }, { "assessments", "trace_id" },
	{ "assessments", "name" }, { "assessments", "assessment_type" },
	{ "assessments", "value" }, { "assessments", "error" },
	{ "assessments", "created_timestamp" }, { "assessments", "last_updated_timestamp" },
	{ "assessments", "source_type" }, { "assessments", "source_id" },
	{ "assessments", "run_id" }, { "assessments", "span_id" },
	{ "assessments", "rationale" }, { "assessments", "overrides" },
	{ "assessments", "valid" }, { "assessments", "assessment_metadata" },
	{ "spans", "trace_id" }, { "spans", "experiment_id" }, { "spans", "span_id" },
	{ "spans", "parent_span_id" }, { "spans", "name" }, { "spans", "type" },
	{ "spans", "status" }, { "spans", "start_time_unix_nano" },
	{ "spans", "end_time_unix_nano" }, { "spans", "content" },
};

#define NREQUIRED (sizeof required / sizeof required[0])

/* ---- errors ------------------------------------------------------------ */

int sq_fail(struct sq *s, int rc, struct err *err)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	if (s && atomic_load(&s->stop))
		return err_set(err, ERR_CANCELLED, "cancelled (%s)", msg);
	switch (rc & 0xff) {
	case SQLITE_INTERRUPT:
		return err_set(err, ERR_CANCELLED, "cancelled (%s)", msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(err, ERR_BUSY, "store is locked by another writer (%s)", msg);
	case SQLITE_READONLY:
		return err_set(err, ERR_READONLY, "store is read-only: %s (%s)", s->path, msg);
	case SQLITE_NOTADB:
		return err_set(err, ERR_SCHEMA, "%s: not an SQLite database", s->path);
	case SQLITE_NOMEM:
		return err_set(err, ERR_NOMEM, "%s", msg);
	case SQLITE_CORRUPT:
		/* A read that met the damage before the check of a first write
		 * did: say what the check says (where, and that nothing is
		 * written), not SQLite's bare words. */
		if (s && s->db && sq_check_sound(s, err) < 0)
			return -1;
		return err_set(err, ERR_SCHEMA, "%s is damaged (%s); nothing is written to it",
			       s ? s->path : "the store", msg);
	default:
		return err_set(err, ERR_RUNTIME, "%s", msg);
	}
}

/* ---- statements -------------------------------------------------------- */

sqlite3_stmt *sq_stmt(struct sq *s, const char *sql, struct err *err)
{
	struct sq_cached *victim = NULL;
	sqlite3_stmt *stmt = NULL;
	const char *p;
	uint32_t hash = 2166136261u;
	size_t i;
	int rc;

	/* Statements differ mostly far into the text: compare hashes first. */
	for (p = sql; *p; p++)
		hash = (hash ^ (unsigned char)*p) * 16777619u;
	for (i = 0; i < SQ_CACHE_MAX; i++) {
		struct sq_cached *c = &s->cache[i];

		if (c->busy)
			continue;
		if (c->sql && c->hash == hash && strcmp(c->sql, sql) == 0) {
			c->busy = true;
			c->last_use = ++s->tick;
			return c->stmt;
		}
		if (!victim || (victim->sql && (!c->sql || c->last_use < victim->last_use)))
			victim = c;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, victim ? SQLITE_PREPARE_PERSISTENT : 0, &stmt,
				NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(stmt);
		sq_fail(s, rc, err);
		return NULL;
	}
	if (victim) {
		/* Every slot busy at once cannot happen in practice; then the
		 * statement simply stays uncached and sq_done finalizes it. */
		sqlite3_finalize(victim->stmt);
		free(victim->sql);
		victim->sql = xstrdup(sql);
		victim->hash = hash;
		victim->stmt = stmt;
		victim->busy = true;
		victim->last_use = ++s->tick;
	}
	return stmt;
}

void sq_done(struct sq *s, sqlite3_stmt *stmt)
{
	size_t i;

	if (!stmt)
		return;
	for (i = 0; i < SQ_CACHE_MAX; i++) {
		if (s->cache[i].stmt == stmt) {
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			s->cache[i].busy = false;
			return;
		}
	}
	sqlite3_finalize(stmt);
}

void sq_bind_str(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

int sq_bind_params(sqlite3_stmt *stmt, int first, const struct sql_param *p, size_t n)
{
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		int ix = first + (int)i;

		switch (p[i].kind) {
		case SQLP_TEXT:
			if (p[i].text)
				rc = sqlite3_bind_text(stmt, ix, p[i].text, -1, SQLITE_TRANSIENT);
			else
				rc = sqlite3_bind_null(stmt, ix);
			break;
		case SQLP_INT:
			rc = sqlite3_bind_int64(stmt, ix, p[i].i);
			break;
		case SQLP_REAL:
			rc = sqlite3_bind_double(stmt, ix, p[i].d);
			break;
		}
	}
	return rc;
}

char *sq_col_str(sqlite3_stmt *stmt, int i)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);
	struct strbuf sb = STRBUF_INIT;
	size_t n, k;

	if (!t)
		return NULL;
	n = (size_t)sqlite3_column_bytes(stmt, i);
	if (strlen((const char *)t) == n)
		return xstrdup((const char *)t);
	/* A NUL inside the text: kept as TB_NUL, so what follows is not lost. */
	for (k = 0; k < n; k++) {
		if (t[k])
			sb_addc(&sb, (char)t[k]);
		else
			sb_adds(&sb, TB_NUL);
	}
	return sb_take(&sb);
}

int sq_end(struct sq *s, sqlite3_stmt *stmt, int rc, struct err *err)
{
	int ret = rc == SQLITE_DONE ? 0 : sq_fail(s, rc, err);

	sq_done(s, stmt);
	return ret;
}

int sq_row(struct sq *s, sqlite3_stmt *stmt, struct err *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sq_fail(s, rc, err);
}

int sq_ints(struct sq *s, const char *sql, const struct sql_param *p, size_t np, int64_t *v,
	    size_t n, bool *found, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);
	size_t i;
	int rc;

	*found = false;
	if (!stmt)
		return -1;
	rc = sq_bind_params(stmt, 1, p, np);
	if (rc != SQLITE_OK) {
		sq_done(s, stmt);
		return sq_fail(s, rc, err);
	}
	rc = sq_row(s, stmt, err);
	*found = rc > 0;
	for (i = 0; rc > 0 && i < n; i++)
		v[i] = sqlite3_column_int64(stmt, (int)i);
	sq_done(s, stmt);
	return rc < 0 ? -1 : 0;
}

int sq_run(struct sq *s, const char *sql, const struct sql_param *p, size_t n, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);
	int rc;

	if (!stmt)
		return -1;
	rc = sq_bind_params(stmt, 1, p, n);
	while (rc == SQLITE_OK || rc == SQLITE_ROW)
		rc = sqlite3_step(stmt);
	return sq_end(s, stmt, rc, err);
}

void sq_param_text(struct sql_where *w, const char *v)
{
	GROW(w->params, w->cap, w->n + 1);
	memset(&w->params[w->n], 0, sizeof w->params[w->n]);
	w->params[w->n].kind = SQLP_TEXT;
	w->params[w->n].text = xstrdup_or_null(v);
	w->n++;
}

void sq_param_int(struct sql_where *w, int64_t v)
{
	GROW(w->params, w->cap, w->n + 1);
	memset(&w->params[w->n], 0, sizeof w->params[w->n]);
	w->params[w->n].kind = SQLP_INT;
	w->params[w->n].i = v;
	w->n++;
}

/* ---- transactions ------------------------------------------------------ */

static int exec(struct sq *s, const char *sql, struct err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_fail(s, rc, err);
}

int sq_check_file(struct sq *s, struct err *err)
{
	struct stat sb;

	if (stat(s->path, &sb) < 0 || sb.st_dev != s->dev || sb.st_ino != s->ino)
		return err_set(err, ERR_RUNTIME, "store file %s was deleted or replaced while "
			       "open; the label is kept as pending", s->path);
	return 0;
}

int sq_check_sound(struct sq *s, struct err *err)
{
	static const char *const tables[] = {
		"assessments", "trace_info", "experiments", "trace_tags", "trace_request_metadata",
	};
	char *problem = NULL;
	size_t i;

	for (i = 0; s->checked == 0 && i < sizeof tables / sizeof tables[0]; i++) {
		char *sql = xasprintf("PRAGMA quick_check(%s)", tables[i]);
		sqlite3_stmt *stmt = NULL;
		int rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);

		free(sql);
		while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			const char *row = (const char *)sqlite3_column_text(stmt, 0);

			/* "*** in database main ***\nOn tree page 66 cell 3: ...\n..." */
			if (row && strcmp(row, "ok") != 0 && !problem) {
				const char *nl = strchr(row, '\n');

				if (str_starts(row, "*** ") && nl)
					row = nl + 1;
				problem = xstrndup(row, strcspn(row, "\n"));
			}
			rc = SQLITE_OK;
		}
		if (rc != SQLITE_DONE && !problem)
			problem = xstrdup(sqlite3_errmsg(s->db));
		sqlite3_finalize(stmt);
		if (problem) {
			char *safe = sanitize_dup(problem, strlen(problem));

			s->checked = -1;
			err_set(err, ERR_SCHEMA, "%s is damaged (SQLite's integrity check: %s in %s); "
				"nothing is written to it (what can be read is still shown); repair "
				"it first (sqlite3 %s .recover)", s->path, safe, tables[i], s->path);
			free(safe);
			free(problem);
			return -1;
		}
	}
	if (s->checked < 0)
		return err_set(err, ERR_SCHEMA, "%s is damaged (SQLite's integrity check failed); "
			       "nothing is written to it", s->path);
	s->checked = 1;
	return 0;
}

/* A statement without parameters or rows, prepared once (a savepoint's,
 * run for every trace of an import batch). */
static int run_cached(struct sq *s, const char *sql, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);

	if (!stmt)
		return -1;
	return sq_end(s, stmt, sqlite3_step(stmt), err);
}

int sq_write_begin(struct sq *s, struct err *err)
{
	if (s->base.readonly)
		return err_set(err, ERR_READONLY, "store is read-only: %s", s->path);
	/* Inside a batch the file was checked when it began, and the batch's
	 * write lock keeps it as it was. */
	if (s->batch)
		return run_cached(s, "SAVEPOINT tracelab_write", err);
	if (sq_check_file(s, err) < 0 || sq_check_sound(s, err) < 0)
		return -1;
	return exec(s, "BEGIN IMMEDIATE", err);
}

int sq_write_end(struct sq *s, int rc, struct err *err)
{
	if (rc == 0) {
		if ((s->batch ? run_cached(s, "RELEASE tracelab_write", err)
			     : exec(s, "COMMIT", err)) == 0) {
			s->writes++;
			return 0;
		}
	}
	if (s->batch) {
		sqlite3_exec(s->db, "ROLLBACK TO tracelab_write", NULL, NULL, NULL);
		sqlite3_exec(s->db, "RELEASE tracelab_write", NULL, NULL, NULL);
	} else if (!sqlite3_get_autocommit(s->db)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return -1;
}

int sq_read_begin(struct sq *s, bool *began, struct err *err)
{
	*began = false;
	if (!sqlite3_get_autocommit(s->db))
		return 0;
	if (exec(s, "BEGIN", err) < 0)
		return -1;
	*began = true;
	return 0;
}

void sq_read_end(struct sq *s, bool began)
{
	if (began && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- open / close ------------------------------------------------------ */

char *sq_abs_dir(const char *path)
{
	char *real = realpath(path, NULL);
	const char *p = real ? real : path;
	const char *slash = strrchr(p, '/');
	char *dir;

	if (!slash)
		dir = xstrdup(".");
	else if (slash == p)
		dir = xstrdup("/");
	else
		dir = xstrndup(p, (size_t)(slash - p));
	free(real);
	return dir;
}

static int busy_ms(void)
{
	const char *env = getenv("TRACELAB_BUSY_MS");
	int64_t v;

	if (env && parse_int64(env, &v) == 0 && v >= 0 && v <= INT_MAX)
		return (int)v;
	return BUSY_MS_DEFAULT;
}

/* SQLite's busy timeout, in short sleeps, that store_interrupt ends at
 * once (a write waiting for another process's lock, at exit). */
static int sq_busy(void *arg, int count)
{
	struct sq *s = arg;
	int64_t now = mono_ms();

	if (count == 0)
		s->busy_since = now;
	if (atomic_load(&s->stop) || now - s->busy_since >= s->busy_ms)
		return 0;
	usleep(10000);
	return 1;
}

/* SQLite's progress handler: a call ends at store_interrupt even when it
 * began after sqlite3_interrupt was called (SQLite forgets an interrupt
 * once no statement runs), and the search's count goes to its watcher. */
static int sq_progress(void *arg)
{
	struct sq *s = arg;

	if (atomic_load(&s->stop))
		return 1;
	if (s->progress)
		s->progress(s->progress_ctx, s->scanned);
	return 0;
}

static void sq_set_progress(struct store *st, store_progress_fn fn, void *ctx)
{
	struct sq *s = sq_of(st);

	s->progress = fn;
	s->progress_ctx = ctx;
}

/* tracelab_seen(x): counts the rows a search looks at; always true. */
static void fn_seen(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sq *s = sqlite3_user_data(ctx);

	(void)argc;
	(void)argv;
	s->scanned++;
	sqlite3_result_int(ctx, 1);
}

static void sq_interrupt(struct store *st, bool on)
{
	struct sq *s = sq_of(st);

	atomic_store(&s->stop, on);
	if (on)
		sqlite3_interrupt(s->db);
}

/* Nobody may write the file: no write bit at all (root writes anyway, so the
 * mode is checked too), or the file or its directory refuses us. */
static bool must_read_only(const char *path, const struct stat *sb, const char *dir)
{
	return (sb->st_mode & 0222) == 0 || access(path, W_OK) < 0 || access(dir, W_OK) < 0;
}

/* Which MLflow tables and optional columns the store has. */
static int probe(struct sq *s, struct err *err)
{
	static const char sql[] =
		"SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p"
		" WHERE m.type = 'table' AND m.name IN ('trace_info', 'assessments', 'spans',"
		" 'trace_metrics', 'span_metrics', 'experiments', 'trace_tags',"
		" 'trace_request_metadata', 'review_queues', 'review_queue_items',"
		" 'review_queue_users', 'review_queue_label_schemas', 'label_schemas')";
	sqlite3_stmt *stmt = NULL;
	bool trace_info = false, assessments = false;
	bool seen[NREQUIRED] = { false }, has_table[NREQUIRED] = { false };
	int rc, ret = -1;
	size_t i;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
	while (stmt && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(stmt, 0);
		const char *column = (const char *)sqlite3_column_text(stmt, 1);

		if (!table || !column)
			continue;
		trace_info |= strcmp(table, "trace_info") == 0;
		assessments |= strcmp(table, "assessments") == 0;
		for (i = 0; i < NPROBES; i++)
			if (strcmp(probes[i].table, table) == 0 &&
			    (!probes[i].column || strcmp(probes[i].column, column) == 0))
				*(bool *)((char *)s + probes[i].flag) = true;
		for (i = 0; i < NREQUIRED; i++) {
			if (strcmp(required[i].table, table) != 0)
				continue;
			has_table[i] = true;
			seen[i] |= strcmp(required[i].column, column) == 0;
		}
	}
	if (rc != SQLITE_DONE) {
		if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
			err_set(err, ERR_SCHEMA, "%s: not an SQLite database", s->path);
		else {
			sq_fail(s, rc, err);
			err_prefix(err, "%s", s->path);
		}
		goto out;
	}
	if (!trace_info) {
		err_set(err, ERR_SCHEMA, "%s: not an MLflow tracking store (no trace_info table)",
			s->path);
		goto out;
	}
	if (!assessments) {
		err_set(err, ERR_SCHEMA, "%s: MLflow store without an assessments table (written by "
			"MLflow older than 3); run `mlflow db upgrade` first", s->path);
		goto out;
	}
	for (i = 0; i < NREQUIRED; i++) {
		if (seen[i] || (!has_table[i] && strcmp(required[i].table, "spans") == 0))
			continue;
		if (!has_table[i]) {
			err_set(err, ERR_SCHEMA, "%s: unsupported MLflow schema: no %s table",
				s->path, required[i].table);
			goto out;
		}
		err_set(err, ERR_SCHEMA, "%s: unsupported MLflow schema: table %s has no column "
			"%s (tracelab reads and writes MLflow 3's)", s->path, required[i].table,
			required[i].column);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(stmt);
	return ret;
}

/* Closes the connection (its cached statements first). */
static void sq_free_db(struct sq *s)
{
	size_t i;

	for (i = 0; i < SQ_CACHE_MAX; i++) {
		sqlite3_finalize(s->cache[i].stmt);
		free(s->cache[i].sql);
		memset(&s->cache[i], 0, sizeof s->cache[i]);
	}
	if (s->db) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(s->db);
	}
	s->db = NULL;
}

static void sq_free(struct sq *s)
{
	if (!s)
		return;
	sq_free_db(s);
	free(s->side_path);
	free(s->path);
	free(s);
}

/* tracelab_differ(a, b): do two stored feedback values disagree (both say
 * something, and not the same: core/question.h)?  The quick filter of
 * disagreements compares as the screens do. */
static void fn_differ(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *a = (const char *)sqlite3_value_text(argv[0]);
	const char *b = argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL;

	sqlite3_result_int(ctx, question_values_differ(a, b));
}

/* What every connection gets; nothing of it is stored in the file. */
static void setup_connection(struct sq *s)
{
	s->busy_ms = busy_ms();
	atomic_init(&s->stop, false);
	sqlite3_busy_handler(s->db, sq_busy, s);
	sqlite3_progress_handler(s->db, SQ_PROGRESS_STEPS, sq_progress, s);
	sqlite3_create_function_v2(s->db, "tracelab_seen", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, s,
				   fn_seen, NULL, NULL, NULL);
	/* A function of this connection only: nothing is added to the file. */
	sqlite3_create_function_v2(s->db, "tracelab_differ", 2,
				   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
				   fn_differ, NULL, NULL, NULL);
	/* Connection settings only, nothing in the file: a bigger page cache,
	 * and the journals of savepoints (one per imported trace) in memory
	 * rather than in a temporary file. */
	sqlite3_exec(s->db, "PRAGMA cache_size = " SQ_CACHE_KIB "; PRAGMA temp_store = MEMORY",
		     NULL, NULL, NULL);
}

/* A file: URI for a path, with immutable=1: SQLite then reads the file as
 * it is, without the -shm file a WAL store needs (and cannot create in a
 * directory we may not write). */
static char *immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p;

	sb_adds(&sb, "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f) {
			sb_addc(&sb, '%');
			sb_addc(&sb, hex[*p >> 4]);
			sb_addc(&sb, hex[*p & 15]);
		} else {
			sb_addc(&sb, (char)*p);
		}
	}
	sb_adds(&sb, "?immutable=1");
	return sb_take(&sb);
}

/* The read-only open failed because the WAL index (-shm) can be neither
 * used nor made: open the file immutable instead, and say so. */
static int reopen_immutable(struct sq *s, struct err *err)
{
	char *uri = immutable_uri(s->path), *wal = xasprintf("%s-wal", s->path);
	struct stat wb;
	int rc;

	sq_free_db(s);
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		free(wal);
		return err_set(err, ERR_RUNTIME, "%s: %s", s->path,
			       s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	}
	s->base.note = xasprintf(
		"%s is in WAL mode and its directory does not let tracelab create %s-shm: "
		"opened read-only as an unchanging file (changes others make meanwhile are "
		"not seen%s)", s->path, s->path,
		stat(wal, &wb) == 0 && wb.st_size > 0 ?
		"; the changes still in its -wal file are not shown either" : "");
	free(wal);
	return 0;
}

static int sq_open(const char *path, unsigned flags, struct store **out, struct err *err)
{
	struct sq *s = NULL;
	struct stat sb;
	int rc, ret = -1;

	*out = NULL;
	if (stat(path, &sb) < 0) {
		if (errno == ENOENT)
			return err_set(err, ERR_NOTFOUND, "%s: no such file", path);
		return err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
	}
	if (S_ISDIR(sb.st_mode))
		return err_set(err, ERR_USAGE, "%s: is a directory, not an SQLite database", path);
	/* A FIFO or a device would block the open or never end: only regular
	 * files are databases. */
	if (!S_ISREG(sb.st_mode))
		return err_set(err, ERR_USAGE, "%s: not a regular file, not an SQLite database", path);
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->dev = sb.st_dev;
	s->ino = sb.st_ino;
	s->base.dir = sq_abs_dir(path);
	s->base.readonly = (flags & STORE_READONLY) || must_read_only(path, &sb, s->base.dir);
	rc = sqlite3_open_v2(path, &s->db,
			     s->base.readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, ERR_RUNTIME, "%s: %s", path,
			s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto out;
	}
	setup_connection(s);
	if (probe(s, err) < 0) {
		int code = s->db ? sqlite3_errcode(s->db) & 0xff : 0;

		if (!s->base.readonly || (code != SQLITE_READONLY && code != SQLITE_CANTOPEN))
			goto out;
		if (reopen_immutable(s, err) < 0)
			goto out;
		setup_connection(s);
		if (probe(s, err) < 0)
			goto out;
		s->base.readonly = true;
	} else if (flags & STORE_SIDE_INDEX) {
		struct err e2;

		/* Without it the store works as ever (direct queries). */
		err_clear(&e2);
		sq_side_attach(s, &e2);  /* else store_side_sync tries again */
	}
	*out = &s->base;
	ret = 0;
out:
	if (ret < 0) {
		free(s->base.dir);
		sq_free(s);
	}
	return ret;
}

static void sq_close(struct store *st)
{
	struct sq *s = sq_of(st);

	if (s->batch)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sq_free(s);
}

/* A plain path (no "scheme://"), or sqlite:///relative and sqlite:////absolute. */
static bool sq_accepts(const char *url, const char **path)
{
	static const char prefix[] = "sqlite:///";

	if (strncmp(url, prefix, sizeof prefix - 1) == 0) {
		if (!url[sizeof prefix - 1])
			return false;
		*path = url + sizeof prefix - 1;
		return true;
	}
	if (strstr(url, "://") || !*url)
		return false;
	*path = url;
	return true;
}

const struct store_ops sqlite_store_ops = {
	.name = "sqlite",
	.accepts = sq_accepts,
	.open = sq_open,
	.close = sq_close,
	.create = sq_create,
	.list_experiments = sq_list_experiments,
	.find_experiment = sq_find_experiment,
	.count_traces = sq_count_traces,
	.feedback_names = sq_feedback_names,
	.page_traces = sq_page_traces,
	.page_spans = sq_page_spans,
	.scan_feedback = sq_scan_feedback,
	.get_row = sq_get_row,
	.load_trace = sq_load_trace,
	.load_assessments = sq_load_assessments,
	.get_assessment = sq_get_assessment,
	.check_target = sq_check_target,
	.root_span = sq_root_span,
	.assessments_stamp = sq_assessments_stamp,
	.log_assessment = sq_log_assessment,
	.update_assessment = sq_update_assessment,
	.delete_assessment = sq_delete_assessment,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.put_trace = sq_put_trace,
	.ensure_experiment = sq_ensure_experiment,
	.interrupt = sq_interrupt,
	.list_schemas = sq_list_schemas,
	.put_schema = sq_put_schema,
	.delete_schema = sq_delete_schema,
	.list_queues = sq_list_queues,
	.find_queue = sq_find_queue,
	.get_queue = sq_get_queue,
	.create_queue = sq_create_queue,
	.queue_items = sq_queue_items,
	.set_item_status = sq_set_item_status,
	.set_progress = sq_set_progress,
	.side_sync = sq_side_sync,
};
