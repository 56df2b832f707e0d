/*
 * The side index: tracelab's own SQLite file in $XDG_CACHE_HOME/tracelab/
 * (config/paths.h), one per store file, holding each trace's sort keys
 * (duration, status, name) with an index per sort and direction in the
 * list's display order, so that sorting a million traces reads a page
 * from an index instead of sorting the store.  The user's store is never
 * written: the file is ATTACHed to the store's connection as "tlc".
 *
 *   tlc.srt    rid (trace_info's rowid), request_id, experiment_id, and
 *              the keys: dur, status, name (the mlflow.traceName tag)
 *   tlc.open   rids of traces still in progress (their keys may change)
 *   tlc.meta   hwm: every trace_info rowid up to it is in srt;
 *              tag_hwm: trace_tags rows up to it are reflected;
 *              store: which store file the rows are of
 *
 * It is built and kept up to date by sq_side_sync (a worker calls it over
 * and over: a chunk of rows each time, so that the worker stays free for
 * searches, and every call can be cancelled).  What it does about rows
 * written by others: new traces are the rowids past hwm (the page query
 * merges in those not read yet, so a trace logged a second ago shows up);
 * traces in progress, the most recent ones and those whose name tag was
 * set since are read again at each call; a difference in the number of
 * traces makes it drop the rows of deleted traces.  A page served from it
 * is checked against the store's own rows before it is returned: a row
 * whose key differs (changed where none of the above looks) is corrected
 * and the page is read with the direct query instead, so a stale key is
 * never shown as the order.  The file can be deleted at any time: it is
 * made again and rebuilt.
 */
#include "store/sqlite_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/paths.h"
#include "core/util.h"

/* Rows read per call of sq_side_sync. */
#define SIDE_CHUNK 20000
/* Traces compared again with the store at each call, in turn (a round of
 * a million traces takes 200 calls). */
#define SIDE_SWEEP 5000
/* Traces in progress read again at each call, in turn. */
#define SIDE_OPEN 500
/* The most recent traces read again at each call (log_spans and
 * start_trace update a trace's row while it is being logged). */
#define SIDE_RECENT 2000

static const char side_ddl[] =
	"CREATE TABLE IF NOT EXISTS tlc.meta (k TEXT PRIMARY KEY, v);"
	"CREATE TABLE IF NOT EXISTS tlc.srt (rid INTEGER PRIMARY KEY, request_id TEXT NOT NULL,"
	" experiment_id INTEGER, dur INTEGER, status TEXT, name TEXT);"
	"CREATE TABLE IF NOT EXISTS tlc.open (rid INTEGER PRIMARY KEY);"
	/* Display order, NULLs last, then request_id: one index per sort
	 * and direction (a page before a cursor scans it backwards). */
	"CREATE INDEX IF NOT EXISTS tlc.srt_dur_d ON srt (experiment_id, (dur IS NULL), dur DESC, request_id);"
	"CREATE INDEX IF NOT EXISTS tlc.srt_dur_a ON srt (experiment_id, (dur IS NULL), dur, request_id);"
	"CREATE INDEX IF NOT EXISTS tlc.srt_status_d ON srt (experiment_id, (status IS NULL), status DESC, request_id);"
	"CREATE INDEX IF NOT EXISTS tlc.srt_status_a ON srt (experiment_id, (status IS NULL), status, request_id);"
	"CREATE INDEX IF NOT EXISTS tlc.srt_name_d ON srt (experiment_id, (name IS NULL), name DESC, request_id);"
	"CREATE INDEX IF NOT EXISTS tlc.srt_name_a ON srt (experiment_id, (name IS NULL), name, request_id);";

/* The store's rows as side index rows (one more condition follows). */
#define SIDE_SELECT \
	"SELECT ti.rowid, ti.request_id, ti.experiment_id, ti.execution_time_ms, ti.status," \
	" nm.value FROM main.trace_info AS ti LEFT JOIN main.trace_tags AS nm" \
	" ON nm.request_id = ti.request_id AND nm.key = '" RULES_TAG_NAME "' WHERE "
/* ... of a row whose keys differ from the side index's (rows are only
 * written when they changed). */
#define SIDE_CHANGED \
	"NOT EXISTS (SELECT 1 FROM tlc.srt AS c WHERE c.rid = ti.rowid" \
	" AND c.request_id = ti.request_id AND c.experiment_id IS ti.experiment_id" \
	" AND c.dur IS ti.execution_time_ms AND c.status IS ti.status AND c.name IS nm.value)"
#define SIDE_PUT "INSERT OR REPLACE INTO tlc.srt (rid, request_id, experiment_id, dur, status, name) "

static uint64_t fnv64(const char *p)
{
	uint64_t h = 1469598103934665603ull;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h;
}

static int exec(struct sq *s, const char *sql, struct err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_fail(s, rc, err);
}

static int meta_get(struct sq *s, const char *k, int64_t *v, struct err *err)
{
	struct sql_param p = { .kind = SQLP_TEXT, .text = (char *)(uintptr_t)k };
	bool found;

	*v = 0;
	return sq_ints(s, "SELECT coalesce(v, 0) FROM tlc.meta WHERE k = ?", &p, 1, v, 1, &found,
		       err);
}

static int meta_set(struct sq *s, const char *k, int64_t v, struct err *err)
{
	struct sql_param p[2] = {
		{ .kind = SQLP_TEXT, .text = (char *)(uintptr_t)k },
		{ .kind = SQLP_INT, .i = v },
	};

	return sq_run(s, "INSERT OR REPLACE INTO tlc.meta (k, v) VALUES (?, ?)", p, 2, err);
}

/* What identifies the store the rows are of: its file and its first trace. */
static char *store_identity(struct sq *s)
{
	sqlite3_stmt *stmt = sq_stmt(s, "SELECT request_id FROM main.trace_info ORDER BY rowid"
				     " LIMIT 1", NULL);
	char *first = NULL, *id;

	if (stmt && sqlite3_step(stmt) == SQLITE_ROW)
		first = sq_col_str(stmt, 0);
	sq_done(s, stmt);
	id = xasprintf("%llu:%llu:%s", (unsigned long long)s->dev, (unsigned long long)s->ino,
		       first ? first : "");
	free(first);
	return id;
}

/* The rows are of another store (or of none yet): start again. */
static int check_identity(struct sq *s, struct err *err)
{
	char *want = store_identity(s), *have = NULL;
	sqlite3_stmt *stmt = sq_stmt(s, "SELECT v FROM tlc.meta WHERE k = 'store'", err);
	int ret = -1;

	if (!stmt)
		goto out;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		have = sq_col_str(stmt, 0);
	sq_done(s, stmt);
	if (have && strcmp(have, want) == 0) {
		ret = 0;
		goto out;
	}
	if (exec(s, "BEGIN; DELETE FROM tlc.srt; DELETE FROM tlc.open; DELETE FROM tlc.meta;", err) < 0)
		goto out;
	stmt = sq_stmt(s, "INSERT INTO tlc.meta (k, v) VALUES ('store', ?)", err);
	if (stmt) {
		sq_bind_str(stmt, 1, want);
		ret = sq_end(s, stmt, sqlite3_step(stmt), err);
	}
	if (ret == 0 && exec(s, "COMMIT", err) < 0)
		ret = -1;
out:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	free(want);
	free(have);
	return ret;
}

/* The browser's two connections (and other browsers) attach at about the
 * same time: a write that meets another's is tried again. */
static int side_check_identity(struct sq *s, struct err *err)
{
	int i, rc = -1;

	for (i = 0; i < 5 && rc < 0; i++) {
		if (i)
			usleep(20000);
		err_clear(err);
		rc = check_identity(s, err);
	}
	return rc;
}

int sq_side_attach(struct sq *s, struct err *err)
{
	char *real = realpath(s->path, NULL), *rel, *dir, *slash;
	struct sql_param p;
	struct stat sb;
	int ret = -1;

	rel = xasprintf("index-%016llx.db", (unsigned long long)fnv64(real ? real : s->path));
	free(real);
	free(s->side_path);
	s->side_path = paths_cache_file(rel);
	free(rel);
	if (!s->side_path)
		return err_set(err, ERR_RUNTIME, "no home directory for the side index");
	/* mkdir -p of its directory. */
	dir = xstrdup(s->side_path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			break;
		*slash = '/';
	}
	free(dir);
	/* The store's connection opens files without creating them.  SQLite
	 * makes it: closing a descriptor of our own would drop the locks the
	 * browser's other connection holds on it (POSIX locks are the
	 * process's), and another process could then remove its WAL. */
	if (stat(s->side_path, &sb) < 0) {
		sqlite3 *mk = NULL;
		int rc = sqlite3_open_v2(s->side_path, &mk,
					 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

		sqlite3_close(mk);
		if (rc != SQLITE_OK)
			return err_set(err, ERR_RUNTIME, "side index %s: %s", s->side_path,
				       sqlite3_errstr(rc));
	}
	memset(&p, 0, sizeof p);
	p.kind = SQLP_TEXT;
	p.text = s->side_path;
	if (sq_run(s, "ATTACH DATABASE ? AS tlc", &p, 1, err) < 0)
		return err_prefix(err, "side index %s", s->side_path);
	s->side = true;
	/* WAL, so that the browser reads it while its worker writes.  Another
	 * process reading the new file at this moment makes SQLite refuse;
	 * the next sync asks again. */
	sqlite3_exec(s->db, "PRAGMA tlc.journal_mode = WAL", NULL, NULL, NULL);
	if (exec(s, side_ddl, err) < 0 || side_check_identity(s, err) < 0)
		goto out;
	s->side_ino = stat(s->side_path, &sb) == 0 ? sb.st_ino : 0;
	ret = 0;
out:
	if (ret < 0) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_exec(s->db, "DETACH DATABASE tlc", NULL, NULL, NULL);
		s->side = false;
	}
	return ret;
}

static bool side_is_wal(struct sq *s)
{
	sqlite3_stmt *stmt = NULL;
	bool wal = false;

	if (sqlite3_prepare_v2(s->db, "PRAGMA tlc.journal_mode = WAL", -1, &stmt, NULL) ==
	    SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		wal = str_eq((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	return wal;
}

/* The file was deleted or replaced, or could not be attached: attach it
 * (again, an empty one). */
static int side_recheck_file(struct sq *s, struct err *err)
{
	struct stat sb;

	if (!s->side_path)
		return -1;
	if (s->side && stat(s->side_path, &sb) == 0 && sb.st_ino == s->side_ino)
		return 0;
	if (s->side) {
		sqlite3_exec(s->db, "DETACH DATABASE tlc", NULL, NULL, NULL);
		s->side = false;
	}
	s->side_wal = false;
	return sq_side_attach(s, err);
}

int sq_side_lag(struct sq *s, int64_t *hwm, int64_t *lag, struct err *err)
{
	int64_t max = 0;
	bool found;

	*hwm = *lag = 0;
	if (side_recheck_file(s, err) < 0)
		return -1;
	if (meta_get(s, "hwm", hwm, err) < 0 ||
	    sq_ints(s, "SELECT coalesce(max(rowid), 0) FROM main.trace_info", NULL, 0, &max, 1,
		    &found, err) < 0)
		return -1;
	*lag = max > *hwm ? max - *hwm : 0;
	return 0;
}

int sq_side_fix(struct sq *s, const int64_t *rids, size_t n, struct err *err)
{
	struct sql_param p;
	size_t i;
	int ret = 0;

	if (exec(s, "SAVEPOINT tracelab_side", err) < 0)
		return -1;
	memset(&p, 0, sizeof p);
	p.kind = SQLP_INT;
	for (i = 0; i < n && ret == 0; i++) {
		p.i = rids[i];
		ret = sq_run(s, "DELETE FROM tlc.srt WHERE rid = ?", &p, 1, err);
		if (ret == 0)
			ret = sq_run(s, SIDE_PUT SIDE_SELECT "ti.rowid = ?", &p, 1, err);
	}
	sqlite3_exec(s->db, ret == 0 ? "RELEASE tracelab_side" :
		     "ROLLBACK TO tracelab_side; RELEASE tracelab_side", NULL, NULL, NULL);
	return ret;
}

/* Caught up: read again what may have changed since it was read. */
static int side_recheck(struct sq *s, int64_t max, struct err *err)
{
	struct sql_param p, p2[2];
	int64_t tag_hwm = 0, tag_max = 0, n_store = 0, n_side = 0, dv = 0, sweep = 0;
	bool found;

	memset(&p, 0, sizeof p);
	memset(p2, 0, sizeof p2);
	p.kind = p2[0].kind = p2[1].kind = SQLP_INT;
	p.i = max - SIDE_RECENT;
	if (sq_run(s, "DELETE FROM tlc.srt WHERE rid > ?1 AND rid NOT IN"
		   " (SELECT rowid FROM main.trace_info WHERE rowid > ?1)", &p, 1, err) < 0 ||
	    sq_run(s, SIDE_PUT SIDE_SELECT "ti.rowid > ? AND " SIDE_CHANGED, &p, 1, err) < 0 ||
	    meta_get(s, "open_at", &p2[0].i, err) < 0)
		return -1;
	/* Traces in progress, SIDE_OPEN of them at a time in turn (a client
	 * that died leaves its trace in progress for ever). */
	p2[1].i = SIDE_OPEN;
	if (exec(s, "CREATE TEMP TABLE IF NOT EXISTS side_open_now (rid INTEGER PRIMARY KEY);"
		 "DELETE FROM side_open_now", err) < 0 ||
	    sq_run(s, "INSERT INTO side_open_now SELECT rid FROM tlc.open WHERE rid > ?"
		   " ORDER BY rid LIMIT ?", p2, 2, err) < 0 ||
	    sq_run(s, SIDE_PUT SIDE_SELECT "ti.rowid IN (SELECT rid FROM side_open_now) AND "
		   SIDE_CHANGED, NULL, 0, err) < 0 ||
	    sq_run(s, "DELETE FROM tlc.open WHERE rid IN (SELECT rid FROM tlc.srt WHERE"
		   " rid IN (SELECT rid FROM side_open_now) AND status <> 'IN_PROGRESS'"
		   " AND dur IS NOT NULL)", NULL, 0, err) < 0 ||
	    meta_set(s, "open_at", 0, err) < 0 ||
	    sq_run(s, "UPDATE tlc.meta SET v = coalesce((SELECT max(rid) FROM side_open_now"
		   " WHERE (SELECT count(*) FROM side_open_now) >= ?), 0) WHERE k = 'open_at'",
		   &p2[1], 1, err) < 0)
		return -1;
	/* A slice of every trace, in turn: what changed where nothing above
	 * looks (an old trace's row updated in place) is corrected within a
	 * round of the whole store. */
	if (meta_get(s, "sweep", &sweep, err) < 0)
		return -1;
	if (sweep >= max)
		sweep = 0;
	p2[0].i = sweep;
	p2[1].i = sweep + SIDE_SWEEP;
	if (sq_run(s, "DELETE FROM tlc.srt WHERE rid > ?1 AND rid <= ?2 AND rid NOT IN"
		   " (SELECT rowid FROM main.trace_info WHERE rowid > ?1 AND rowid <= ?2)", p2, 2,
		   err) < 0 ||
	    sq_run(s, SIDE_PUT SIDE_SELECT "ti.rowid > ? AND ti.rowid <= ? AND " SIDE_CHANGED, p2,
		   2, err) < 0 ||
	    meta_set(s, "sweep", sweep + SIDE_SWEEP, err) < 0)
		return -1;
	/* Names set since (a tag row added or replaced gets a new rowid). */
	if (meta_get(s, "tag_hwm", &tag_hwm, err) < 0 ||
	    sq_ints(s, "SELECT coalesce(max(rowid), 0) FROM main.trace_tags", NULL, 0, &tag_max,
		    1, &found, err) < 0)
		return -1;
	if (tag_max != tag_hwm) {
		p.i = tag_max < tag_hwm ? 0 : tag_hwm;
		if (sq_run(s, SIDE_PUT SIDE_SELECT "ti.request_id IN (SELECT request_id FROM"
			   " main.trace_tags WHERE rowid > ? AND key = '" RULES_TAG_NAME "')", &p, 1,
			   err) < 0 ||
		    meta_set(s, "tag_hwm", tag_max, err) < 0)
			return -1;
	}
	/* Deleted traces: when another connection wrote, compare the counts. */
	if (sq_ints(s, "PRAGMA main.data_version", NULL, 0, &dv, 1, &found, err) < 0)
		return -1;
	if (dv == s->side_dv && s->side_counted)
		return 0;
	if (sq_ints(s, "SELECT count(*) FROM main.trace_info", NULL, 0, &n_store, 1, &found,
		    err) < 0 ||
	    sq_ints(s, "SELECT count(*) FROM tlc.srt", NULL, 0, &n_side, 1, &found, err) < 0)
		return -1;
	if (n_store != n_side &&
	    sq_run(s, "DELETE FROM tlc.srt WHERE rid NOT IN (SELECT rowid FROM main.trace_info)",
		   NULL, 0, err) < 0)
		return -1;
	s->side_dv = dv;
	s->side_counted = true;
	return 0;
}

int sq_side_sync(struct store *st, int64_t *left, int64_t *total, struct err *err)
{
	struct sq *s = sq_of(st);
	struct sql_param p[2];
	int64_t hwm = 0, max = 0, to, tags = 0;
	bool found;
	int ret = -1;

	*left = *total = 0;
	if (!s->side_path)
		return 0;
	if (side_recheck_file(s, err) < 0)
		return -1;
	if (!s->side_wal)
		s->side_wal = side_is_wal(s);
	/* Deferred: the user's store is only read (a shared lock for the
	 * chunk's duration); the side index alone is written. */
	if (exec(s, "BEGIN", err) < 0)
		return -1;
	if (meta_get(s, "hwm", &hwm, err) < 0 ||
	    sq_ints(s, "SELECT coalesce(max(rowid), 0) FROM main.trace_info", NULL, 0, &max, 1,
		    &found, err) < 0)
		goto out;
	if (hwm == 0 &&
	    (sq_ints(s, "SELECT coalesce(max(rowid), 0) FROM main.trace_tags", NULL, 0, &tags, 1,
		     &found, err) < 0 ||
	     meta_set(s, "tag_hwm", tags, err) < 0))
		goto out;
	memset(p, 0, sizeof p);
	p[0].kind = p[1].kind = SQLP_INT;
	if (hwm > max) {
		/* The newest traces were deleted. */
		p[0].i = max;
		if (sq_run(s, "DELETE FROM tlc.srt WHERE rid > ?", p, 1, err) < 0)
			goto out;
		hwm = max;
	}
	to = max - hwm > SIDE_CHUNK ? hwm + SIDE_CHUNK : max;
	if (to > hwm) {
		p[0].i = hwm;
		p[1].i = to;
		if (sq_run(s, SIDE_PUT SIDE_SELECT "ti.rowid > ? AND ti.rowid <= ?", p, 2, err) < 0 ||
		    sq_run(s, "INSERT OR IGNORE INTO tlc.open SELECT rid FROM tlc.srt WHERE rid > ?"
			   " AND rid <= ? AND (status = 'IN_PROGRESS' OR dur IS NULL)", p, 2, err) < 0 ||
		    meta_set(s, "hwm", to, err) < 0)
			goto out;
		hwm = to;
	}
	if (hwm == max && side_recheck(s, max, err) < 0)
		goto out;
	*left = max - hwm;
	*total = max;
	ret = 0;
out:
	if (ret == 0 && exec(s, "COMMIT", err) < 0)
		ret = -1;
	if (ret < 0 && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}
