#ifndef TB_STORE_SQLITE_INT_H
#define TB_STORE_SQLITE_INT_H
/*
 * Internals of the SQLite backend, shared by its files: sqlite.c (open,
 * close, statement cache, transactions, error mapping, the ops table),
 * sqlite_page.c (pages of trace rows, counts, feedback names),
 * sqlite_spans.c (pages of spans across traces),
 * sqlite_read.c (experiments, whole traces, assessments), sqlite_write.c
 * (feedback writes, import, new stores), sqlite_schema.c (MLflow 3.14's
 * label schemas) and schema.c (MLflow's DDL text).
 * What is MLflow's rule rather than SQLite's is in store/rules.h.  Nothing
 * outside src/store/ includes this header, except the store's unit test,
 * which reads the page query and its plan through sq_page_plan.
 *
 * Ownership: struct sq owns the connection, its path and every cached
 * statement.  A statement from sq_stmt is borrowed until sq_done, which
 * resets it, so no read transaction outlives the call that opened it.
 */
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/model.h"
#include "core/schema.h"
#include "core/strbuf.h"
#include "store/backend.h"
#include "store/filter_sql.h"
#include "store/rules.h"
#include "store/store.h"  /* STORE_READONLY */

#define SQ_CACHE_MAX 32

/* The connection's page cache outside import batches, in KiB (SQLite's
 * default is 2 MiB; browsing a large store profits from more). */
#define SQ_CACHE_KIB "-16384"

struct sq_cached {
	char *sql;
	uint32_t hash;                 /* of sql, checked before comparing it */
	sqlite3_stmt *stmt;
	uint64_t last_use;
	bool busy;
};

/* The last assessments_stamp answer, reused while nobody wrote. */
struct sq_stamp {
	bool set;
	int64_t experiment_id;
	int64_t data_version;
	uint64_t writes;
	int64_t stamp, count;
};

/* The last FILTER_SQL_SESSION_PROBE answer, reused while no other
 * connection committed and this one wrote no session-scoped assessment. */
struct sq_session {
	bool set;
	bool any;
	int64_t data_version;
	uint64_t writes;
};

struct sq {
	struct store base;             /* first: a struct store * points here */
	sqlite3 *db;
	char *path;                    /* the file, as opened */
	dev_t dev;                     /* its device and inode at open, to notice */
	ino_t ino;                     /* the path deleted or replaced later */

	/* Optional columns and tables, found with PRAGMA table_info. */
	bool ti_client_request_id, ti_request_preview, ti_response_preview;
	bool ti_trace_name, ti_session_id;
	bool a_experiment_id, a_trace_timestamp_ms, a_aggregate_value, a_is_numeric_value;
	bool has_spans, sp_dimension_attributes, sp_links;
	bool has_trace_metrics, has_span_metrics;
	bool has_label_schemas, ls_is_default;   /* MLflow 3.14's label_schemas */
	int sp_duration_ns;            /* spans.duration_ns (generated, so not in
	                                  table_info): 0 not looked yet, 1, -1 */
	int sp_order_ix[2];            /* an index on (experiment_id, duration_ns)
	                                  / (experiment_id, start_time_unix_nano):
	                                  0 not looked yet, 1, -1 */

	/* MLflow 3.14's review queues (sqlite_queue.c): every table of them, and
	 * name_key (added by revision e2c4a6b80d15). */
	bool has_queues, has_queue_items, has_queue_users, has_queue_schemas;
	bool rq_name_key;

	bool batch;                    /* inside store_begin .. commit/rollback */
	int checked;                   /* integrity before the first write: 0 not yet
	                                  checked, 1 sound, -1 damaged */
	uint64_t writes;               /* own committed writes */
	struct sq_stamp stamp;
	uint64_t session_writes;       /* own writes of session-scoped assessments */
	struct sq_session session;
	struct sq_cached cache[SQ_CACHE_MAX];
	uint64_t tick;
	int busy_ms;                   /* how long a write waits for a lock */
	int64_t busy_since;            /* mono_ms of the wait's start */
	atomic_bool stop;              /* store_interrupt: calls end now; SQLite's
	                                  progress handler (sq_progress) and busy
	                                  handler (sq_busy) look at it too */
	int64_t scanned;               /* traces a `first` page query looked at */
	/* The side index (sqlite_side.c), attached as "tlc" when side. */
	bool side;
	char *side_path;               /* NULL: the store was not opened with one */
	ino_t side_ino;                /* the file attached, to notice it replaced */
	int64_t side_dv;               /* data_version when the counts were compared */
	bool side_counted;
	bool side_wal;                 /* its journal is WAL (asked again until it is) */
	store_progress_fn progress;    /* store_set_progress, or NULL */
	void *progress_ctx;
};

static inline struct sq *sq_of(struct store *st)
{
	return (struct sq *)st;
}

/* ---- sqlite.c ---------------------------------------------------------- */

/* Before the first write of a session: SQLite's quick_check of the tables
 * writes touch (assessments, trace_info, experiments, trace tags and
 * metadata; not spans, the biggest, which only imports write).  A damaged
 * store refuses every write of the session (ERR_SCHEMA naming the first
 * problem); reading goes on.  0 or -1. */
int sq_check_sound(struct sq *s, struct err *err);

/* A prepared statement for this SQL text, from the cache when possible. */
sqlite3_stmt *sq_stmt(struct sq *s, const char *sql, struct err *err);
/* Resets and unbinds a statement from sq_stmt (NULL is fine). */
void sq_done(struct sq *s, sqlite3_stmt *stmt);
/* Fills err from a result code and the connection's message; returns -1.
 * Busy and read-only codes get their own error codes and texts. */
int sq_fail(struct sq *s, int rc, struct err *err);
/* Ends a statement from sq_stmt that was stepped until it returned rc:
 * 0 when rc is SQLITE_DONE, else -1 with err filled; the statement is
 * reset for reuse either way. */
int sq_end(struct sq *s, sqlite3_stmt *stmt, int rc, struct err *err);
/* Steps a statement that gives at most one row: 1 at a row, 0 when there
 * is none, -1 (err filled) on failure.  The caller reads the row, then
 * calls sq_done. */
int sq_row(struct sq *s, sqlite3_stmt *stmt, struct err *err);
/* Runs a query that yields one row of integers into v[0..n); *found says
 * whether there was a row. */
int sq_ints(struct sq *s, const char *sql, const struct sql_param *p, size_t np, int64_t *v,
	    size_t n, bool *found, struct err *err);
/* Prepares, binds the params, steps to the end; for statements without rows. */
int sq_run(struct sq *s, const char *sql, const struct sql_param *p, size_t n,
	   struct err *err);
int sq_bind_params(sqlite3_stmt *stmt, int first, const struct sql_param *p, size_t n);
void sq_bind_str(sqlite3_stmt *stmt, int i, const char *v);  /* NULL binds NULL */
/* A copy of a text column, or NULL; a NUL byte inside the text is held as
 * TB_NUL (core/textbuf.h), so that the rest of the text is kept. */
char *sq_col_str(sqlite3_stmt *stmt, int i);

/* The absolute directory holding path (caller frees). */
char *sq_abs_dir(const char *path);

/* ERR_RUNTIME when the path no longer names the file opened: SQLite would
 * go on writing into a deleted inode, and the label would vanish. */
int sq_check_file(struct sq *s, struct err *err);
/* One write transaction: BEGIN IMMEDIATE, or a savepoint inside a batch.
 * Fails with ERR_READONLY on a read-only store, ERR_BUSY when locked,
 * ERR_RUNTIME when the file was deleted or replaced since open. */
int sq_write_begin(struct sq *s, struct err *err);
/* Commits when rc == 0, else rolls back; returns 0 or -1 (err filled). */
int sq_write_end(struct sq *s, int rc, struct err *err);
/* A read snapshot across several statements, unless one is already open.
 * *began tells sq_read_end whether to end it. */
int sq_read_begin(struct sq *s, bool *began, struct err *err);
void sq_read_end(struct sq *s, bool began);

/* ---- parameter lists ---------------------------------------------------- */

void sq_param_text(struct sql_where *w, const char *v);
void sq_param_int(struct sql_where *w, int64_t v);

/* ---- sqlite_page.c ----------------------------------------------------- */

int sq_count_traces(struct store *st, int64_t experiment_id, const char *filter, unsigned quick,
		    const char *me, const struct question_ref *questions, int64_t *count, struct err *err);
int sq_feedback_names(struct store *st, int64_t experiment_id, char ***names, size_t *n,
		      struct err *err);
int sq_page_traces(struct store *st, const struct page_req *req, struct trace_page *out,
		   struct err *err);
int sq_get_row(struct store *st, const char *trace_id, const char *me, struct trace_row *out,
	       struct err *err);
int sq_assessments_stamp(struct store *st, int64_t experiment_id, int64_t *stamp,
			 int64_t *count, struct err *err);
int sq_scan_feedback(struct store *st, const char *const *trace_ids, size_t n,
		     answer_fn fn, void *ctx, struct err *err);

/* Appends " AND (filter)" (FSQL_* opts; session scope left out while the
 * store holds no session-scoped assessments) with its params to q. */
int sq_add_filter(struct sq *s, struct sql_where *q, const char *filter, unsigned opts,
		  struct err *err);

/* ---- sqlite_spans.c ---------------------------------------------------- */

int sq_page_spans(struct store *st, const struct span_req *req, struct span_page *out,
		  struct err *err);

/* The page query store_page_traces would run for req (*sql) and SQLite's
 * EXPLAIN QUERY PLAN of it, one detail per line, followed by the plan of
 * the feedback query run for each page (*plan); caller frees both. */
int sq_page_plan(struct store *st, const struct page_req *req, char **sql, char **plan,
		 struct err *err);

/* ---- sqlite_side.c ----------------------------------------------------- */

/* Attaches (making it when needed) the side index of this store; -1 with
 * err when it cannot be (the store works without). */
int sq_side_attach(struct sq *s, struct err *err);
/* store_side_sync. */
int sq_side_sync(struct store *st, int64_t *left, int64_t *total, struct err *err);
/* Inside a read transaction: the highest trace_info rowid the side index
 * holds and how many rowids past it the store has (the traces it lacks,
 * or more when rowids have gaps). */
int sq_side_lag(struct sq *s, int64_t *hwm, int64_t *lag, struct err *err);
/* Reads the side index's rows of these trace_info rowids again from the
 * store (a row found stale by a page). */
int sq_side_fix(struct sq *s, const int64_t *rids, size_t n, struct err *err);

/* ---- sqlite_read.c ----------------------------------------------------- */

int sq_list_experiments(struct store *st, struct experiment_list *out, struct err *err);
int sq_find_experiment(struct store *st, const char *id_or_name, int64_t *id, struct err *err);
int sq_load_trace(struct store *st, const char *trace_id, struct trace *out, struct err *err);
int sq_load_assessments(struct store *st, const char *trace_id, struct assessment_list *out,
			struct err *err);
int sq_get_assessment(struct store *st, const char *assessment_id, struct assessment *out,
		      struct err *err);
int sq_root_span(struct store *st, const char *trace_id, char **out, struct err *err);
int sq_check_target(struct store *st, const char *trace_id, const char *span_id,
		    struct err *err);

/* SELECT ... FROM trace_info AS ti with the joins a trace row needs, in
 * the order sq_read_row reads the columns. */
void sq_row_select(const struct sq *s, struct strbuf *sb);
void sq_read_row(sqlite3_stmt *stmt, struct trace_row *r);
/* The row of one trace (without its feedback cells) inside the caller's
 * read transaction; ERR_NOTFOUND when there is none. */
int sq_read_row_by_id(struct sq *s, const char *trace_id, struct trace_row *out,
		      struct err *err);

/* ERR_NOTFOUND unless the trace exists and, with span_id, unless that span
 * is in the spans table (when the trace keeps its spans there).  *experiment_id
 * and *timestamp_ms (either may be NULL) get the trace's. */
int sq_target(struct sq *s, const char *trace_id, const char *span_id, int64_t *experiment_id,
	      int64_t *timestamp_ms, struct err *err);

/* ---- sqlite_write.c ---------------------------------------------------- */

int sq_log_assessment(struct store *st, struct assessment_row *r, struct err *err);
int sq_update_assessment(struct store *st, const char *assessment_id,
			 const struct assessment_update *u, struct err *err);
int sq_delete_assessment(struct store *st, const char *assessment_id, struct err *err);
int sq_begin(struct store *st, struct err *err);
int sq_commit(struct store *st, struct err *err);
void sq_rollback(struct store *st);
int sq_put_trace(struct store *st, const struct trace *t, struct put_result *res,
		 struct err *err);
int sq_ensure_experiment(struct store *st, const char *name, int64_t *id, struct err *err);
/* store_create for a file path. */
int sq_create(const char *path, struct err *err);

/* ---- sqlite_schema.c (label schemas) ----------------------------------- */

int sq_list_schemas(struct store *st, int64_t experiment_id, const char *const *ids,
		    size_t nids, struct schema_list *out, struct err *err);
int sq_put_schema(struct store *st, const struct schema_row *r, bool create, struct err *err);
int sq_delete_schema(struct store *st, const char *schema_id, struct err *err);

/* ---- sqlite_queue.c ---------------------------------------------------- */

int sq_list_queues(struct store *st, const char *user, struct queue_list *out,
		   struct err *err);
int sq_find_queue(struct store *st, int64_t experiment_id, const char *name_key,
		  struct review_queue *out, struct err *err);
int sq_get_queue(struct store *st, const char *queue_id, struct review_queue *out,
		 struct err *err);
int sq_create_queue(struct store *st, const struct queue_new *q, const char *name_key,
		    char *out_id, struct err *err);
int sq_queue_items(struct store *st, const char *queue_id, const char *status, char ***ids,
		   size_t *n, struct err *err);
int sq_set_item_status(struct store *st, const char *queue_id, const char *item_id,
		       const char *status, const char *by, unsigned flags, int64_t at_ms,
		       bool *changed, struct err *err);

/* ---- schema.c ---------------------------------------------------------- */

extern const char sq_schema_sql[];
extern const char sq_alembic_version[];

#endif
