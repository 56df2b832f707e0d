#ifndef TB_STORE_STORE_H
#define TB_STORE_STORE_H
/*
 * The trace store: MLflow's tracking database behind one interface, so that a
 * PostgreSQL backend can join the SQLite one without touching callers.
 *
 * A store is opened from a URL (a path, "sqlite:///path", later an MLflow
 * tracking server) and dispatches every call through a const table of
 * operations chosen by the URL's scheme (store/backend.h), after checking
 * and completing the request with MLflow's rules (store/rules.h).  Callers
 * never see the database library: this folder alone includes sqlite3.h.
 *
 * The folder's layers, top down, none calling up:
 *   store.c            the registry: URL -> backend, rules, dispatch;
 *   rules.c            MLflow's rules, the same for every backend;
 *   sqlite*.c schema.c the SQLite backend (sqlite_int.h: its internals);
 *   filter_sql.c       search_traces filters as SQL, for SQL backends;
 *   bulk.c             loading a new store in bulk (generators only).
 *
 * Contract with MLflow (see MLflow's data model):
 *   - the schema, indexes and alembic_version of a user's store are never
 *     altered; optional columns are discovered with PRAGMA table_info;
 *   - every write is one transaction; a failure is returned with the
 *     database's own message (never swallowed), and nothing partial remains;
 *   - feedback rows are written exactly as MLflow writes them.
 *
 * Ownership: results are written into caller-owned structs (core/model.h);
 * the caller frees them with the matching *_free.  Strings passed in are
 * borrowed for the duration of the call.  All functions return 0 or -1 with
 * struct err filled.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "core/schema.h"

#include "core/queue.h"

struct store;

enum {
	STORE_READONLY = 1u << 0,  /* open for reading only */
	STORE_SIDE_INDEX = 1u << 1, /* keep the sort keys in a side index of
	                              tracelab's own in $XDG_CACHE_HOME/tracelab
	                              (SQLite stores; the store is not written):
	                              sorts by duration, status and name read
	                              pages from it once store_side_sync built it */
};

/* Opens an existing MLflow 3 store.  Refuses (ERR_SCHEMA) a database without
 * the assessments table ("MLflow older than 3") and files that are not
 * SQLite.  A read-only file opens for browsing; writes then fail with
 * ERR_READONLY and a message saying so. */
int store_open(const char *url, unsigned flags, struct store **out, struct err *err);
void store_close(struct store *st);  /* NULL is fine */

/* Creates a new, empty MLflow store (every table and index MLflow 3 creates,
 * alembic_version set, the Default experiment 0).  Fails if the file exists. */
int store_create(const char *path, struct err *err);

/* Borrowed, valid while the store is open. */
const char *store_url(const struct store *st);
/* Directory that relative artifact locations resolve against. */
const char *store_dir(const struct store *st);
bool store_is_readonly(const struct store *st);
/* A store reached over a network (a tracking server): any call may take
 * a round trip or more, so a caller that must stay responsive runs them
 * on a worker (svc/worker.h). */
bool store_is_remote(const struct store *st);
/* How the store was opened when it could not be opened as asked (a WAL
 * store whose directory refuses the -shm file is opened read-only as an
 * unchanging file), for the user to see; NULL when it was. */
const char *store_note(const struct store *st);

/* ---- reading ----------------------------------------------------------- */

int store_list_experiments(struct store *st, struct experiment_list *out, struct err *err);
/* Finds an experiment by id (decimal text) or name; *id = its id. */
int store_find_experiment(struct store *st, const char *id_or_name, int64_t *id, struct err *err);
/* How many traces of the experiment match the filter and quick filters
 * (QF_*: see core/model.h; questions and me are what QF_UNLABELLED and
 * QF_DISAGREE look at). */
int store_count_traces(struct store *st, int64_t experiment_id, const char *filter,
		       unsigned quick, const char *me, const struct question_ref *questions,
		       int64_t *count, struct err *err);
/* Distinct feedback names present in an experiment, sorted (for list columns). */
int store_feedback_names(struct store *st, int64_t experiment_id, char ***names, size_t *n,
			 struct err *err);
void store_free_names(char **names, size_t n);

/* One page of trace rows by keyset (never OFFSET).  See struct page_req. */
int store_page_traces(struct store *st, const struct page_req *req, struct trace_page *out,
		      struct err *err);
/* One page of spans across the traces of an experiment, in the order of
 * req->sort (ties in an order of the backend's), continuing after
 * req->after.  Only backends that can search spans take it: others fail
 * with ERR_USAGE saying so (a tracking server's search has no span
 * listing). */
int store_page_spans(struct store *st, const struct span_req *req, struct span_page *out,
		     struct err *err);
/* The row of one trace (with its feedback summary for `me`). */
int store_get_row(struct store *st, const char *trace_id, const char *me, struct trace_row *out,
		  struct err *err);

/* Loads trace_info, tags, metadata, all assessments, and the spans when they
 * are in the tracking store (tag mlflow.trace.spansLocation = TRACKING_STORE).
 * Otherwise spans_state is SPANS_MISSING and the caller looks for traces.json
 * (svc/trace.h does).  Span tree links are not built here. */
int store_load_trace(struct store *st, const char *trace_id, struct trace *out, struct err *err);
/* Only the assessments of a trace (for refresh after writes). */
int store_load_assessments(struct store *st, const char *trace_id, struct assessment_list *out,
			   struct err *err);
/* Visits the valid feedback rows of n distinct traces in the order
 * trace_id, name, target (the trace first), source_type, source_id, and
 * for one source the latest first (last_updated_timestamp, then
 * assessment_id, descending); byte order for text, as SQLite's BINARY
 * collation.  A visitor returning -1 stops the scan (its err is kept).
 * Memory does not grow with the rows: each is borrowed for its call. */
int store_scan_feedback(struct store *st, const char *const *trace_ids, size_t n,
			answer_fn fn, void *ctx, struct err *err);
int store_get_assessment(struct store *st, const char *assessment_id, struct assessment *out,
			 struct err *err);
/* ERR_NOTFOUND unless the trace exists; with span_id, unless that span exists
 * in the spans table (when the trace's spans are stored elsewhere the span
 * cannot be checked and is accepted). */
int store_check_target(struct store *st, const char *trace_id, const char *span_id,
		       struct err *err);
/* The id of the trace's root span (the span without a parent: the one the
 * question rule of core/question.h means) into *out (caller frees), or
 * NULL when the store does not hold the trace's spans (they are kept
 * elsewhere, or there are none): then no span row is the trace's.  The
 * trace need not exist (NULL then too). */
int store_root_span(struct store *st, const char *trace_id, char **out, struct err *err);
/* Max last_updated_timestamp of assessments in an experiment and their count:
 * a cheap "did anyone write?" probe for periodic refresh. */
int store_assessments_stamp(struct store *st, int64_t experiment_id, int64_t *stamp,
			    int64_t *count, struct err *err);

/* ---- feedback writes (MLflow semantics) -------------------------------- */

/* log_feedback / log_assessment; with a->overrides set this is
 * override_feedback: the old row's valid becomes 0 in the same transaction
 * (ERR_NOTFOUND if it does not exist).  out_id (>= 64 bytes) gets the id. */
int store_log_assessment(struct store *st, const struct assessment_new *a, char *out_id,
			 struct err *err);
int store_update_assessment(struct store *st, const char *assessment_id,
			    const struct assessment_update *u, struct err *err);
/* Deletes a row; if it overrode another, that one becomes valid again.
 * A missing row is not an error (MLflow's delete is idempotent). */
int store_delete_assessment(struct store *st, const char *assessment_id, struct err *err);

/* ---- import ------------------------------------------------------------ */

/* What store_import_trace did with a trace and its assessments. */
struct put_result {
	bool existed;       /* the trace was in the store already */
	int64_t added;      /* assessment rows of the trace written */
	int64_t kept;       /* rows the store had on the trace, left as they were */
	int64_t skipped;    /* rows of the trace whose assessment id the store had */
};

/* Batches: begin, put many traces, commit (or rollback).  import_trace
 * writes trace_info, tags (adding mlflow.trace.spansLocation =
 * TRACKING_STORE when there are spans), metadata, spans (never duration_ns)
 * and the trace's assessments.  A trace already in the store is replaced
 * except for its feedback: the store's assessment rows stay as they are
 * (following the trace's experiment and time), the trace's rows are added
 * unless an assessment of that id is in the store already (then skipped),
 * and a row added that overrides another makes that one invalid, as
 * override_feedback does.  The experiment must exist (ERR_NOTFOUND
 * otherwise).  res (may be NULL) is filled.  A trace that cannot be written
 * inside a batch rolls the whole batch back and ends it (store_rollback
 * then does nothing; what earlier commits wrote stays). */
int store_begin(struct store *st, struct err *err);
int store_commit(struct store *st, struct err *err);
void store_rollback(struct store *st);
int store_import_trace(struct store *st, const struct trace *t, struct put_result *res,
		       struct err *err);
/* store_import_trace without the result. */
int store_put_trace(struct store *st, const struct trace *t, struct err *err);
/* Creates an experiment if no experiment has this name; *id = its id. */
int store_ensure_experiment(struct store *st, const char *name, int64_t *id, struct err *err);

/* ---- label schemas (MLflow 3.14+) -------------------------------------- */

/* The label schemas of an experiment (core/schema.h), newest first as
 * MLflow lists them; with ids (nids of them), only the schemas with those
 * ids, in that same order, leaving out ids that have none (a queue's
 * questions whose schema was deleted).  A store without the table gives
 * an empty list with out->table false, and is never changed.  A backend
 * that cannot reach label schemas (an MLflow server, whose REST API offers
 * none up to 3.6) fails with ERR_USAGE: "label schemas are not available
 * on this server". */
int store_list_schemas(struct store *st, int64_t experiment_id, const char *const *ids,
		       size_t nids, struct schema_list *out, struct err *err);
/* Writes a new schema: a complete row (svc/schemas.h completes and checks
 * it as MLflow's create_label_schema does); refused when another schema of
 * the experiment has its name, the experiment is missing or deleted, or
 * the store has no label_schemas table (ERR_SCHEMA). */
int store_create_schema(struct store *st, const struct schema_row *r, struct err *err);
/* Replaces name, instruction, enable_comment, input_config and
 * last_update_time of the schema r->schema_id (ERR_NOTFOUND when missing). */
int store_update_schema(struct store *st, const struct schema_row *r, struct err *err);
/* Deletes a schema; a missing one is not an error (as in MLflow). */
int store_delete_schema(struct store *st, const char *schema_id, struct err *err);

/* ---- review queues (MLflow 3.14) ---------------------------------------- */

/* Stores without MLflow's review-queue tables (MLflow before 3.14) and
 * servers without its queue endpoints answer every call below with
 * ERR_SCHEMA and a message saying so; nothing is ever created in them.
 * Rows are read and written as MLflow's store methods do (see
 * docs/mlflow-review.md "Review queues"). */

/* The queues assigned to user (normalised as MLflow does; NULL: every
 * queue), of every experiment, newest first (creation_time_ms descending,
 * then queue_id), each with its users, schema ids and item counts. */
int store_list_queues(struct store *st, const char *user, struct queue_list *out,
		      struct err *err);
/* The queue of this name in the experiment (experiment_id < 0: any
 * experiment, ERR_USAGE when several have one), matched on MLflow's
 * name_key (the name lowered); ERR_NOTFOUND when there is none. */
int store_find_queue(struct store *st, int64_t experiment_id, const char *name,
		     struct review_queue *out, struct err *err);
/* The queue of this id; ERR_NOTFOUND when there is none. */
int store_get_queue(struct store *st, const char *queue_id, struct review_queue *out,
		    struct err *err);
/* A custom queue with its users, schemas and pending items, in one
 * transaction, as create_review_queue and add_items_to_review_queue write
 * them; out_id (>= 40 bytes) gets its queue_id.  The experiment and the
 * schema ids must exist; a name taken (in any case) is ERR_USAGE. */
int store_create_queue(struct store *st, const struct queue_new *q, char *out_id,
		       struct err *err);
/* The item ids of a queue with this status (NULL: all) in MLflow's order
 * (creation_time_ms descending, then item_id).  *ids is the caller's
 * (queue_strv_free). */
int store_queue_items(struct store *st, const char *queue_id, const char *status, char ***ids,
		      size_t *n, struct err *err);

enum {
	QS_IF_PENDING = 1u << 0,  /* complete / decline only a pending item: the
	                             first reviewer to finish clears it */
	QS_IF_BY      = 1u << 1,  /* reopen only an item `by` completed or declined */
};

/* set_review_queue_item_status: "complete" / "declined" record by
 * (required, normalised) and the time; "pending" reopens, clearing both.
 * A change to the status the item has already is no change.  *changed
 * (may be NULL) says whether the row changed; ERR_NOTFOUND when the item
 * is not in the queue.  at_ms: the time written (0: now). */
int store_set_item_status(struct store *st, const char *queue_id, const char *item_id,
			  const char *status, const char *by, unsigned flags, int64_t at_ms,
			  bool *changed, struct err *err);

/* ---- cancelling ------------------------------------------------------- */

/* Thread-safe: may be called from any thread while another is inside a
 * call on this store.  on: the running call returns soon with
 * ERR_CANCELLED (a transaction it had open is rolled back), and so does
 * every later call until store_interrupt(st, false).  A backend that cannot
 * be interrupted lets the call run to its end. */
void store_interrupt(struct store *st, bool on);

/* ---- the side index ----------------------------------------------------- */

/* One step of building or refreshing the side index (STORE_SIDE_INDEX),
 * for a worker to call over and over: reads a chunk of new traces, or,
 * once it holds them all, what may have changed since (traces in progress,
 * the newest ones, names set, traces deleted).  *left: traces it still
 * lacks (0: it holds them all), of *total.  A store without a side index:
 * 0 and 0.  Interruptible (store_interrupt). */
int store_side_sync(struct store *st, int64_t *left, int64_t *total, struct err *err);

/* ---- progress ---------------------------------------------------------- */

/* fn(ctx, scanned) is called now and then (every few milliseconds of work)
 * from inside the calls made on this store, on the thread making them,
 * with the number of traces the running search (a page_req with `first`)
 * has looked at so far; a worker shows it while the call runs.  NULL
 * stops it.  Not thread-safe: set it on the thread that makes the calls. */
typedef void (*store_progress_fn)(void *ctx, int64_t scanned);
void store_set_progress(struct store *st, store_progress_fn fn, void *ctx);

/* ---- backends ---------------------------------------------------------- */

/* A backend is a const table of operations (store/backend.h) listed in the
 * registry (store.c); this header stays the same when one is added.  How
 * to add one: the opening comment of store/backend.h. */

#endif
