#ifndef TB_STORE_BACKEND_H
#define TB_STORE_BACKEND_H
/*
 * What a store backend implements: a const table of operations (struct
 * store_ops) and a struct that begins with struct store.  The registry
 * (store.c) picks a backend by URL, checks and completes what callers pass
 * (store/rules.h) and calls the backend's op; a backend never calls the
 * store_* functions of store.h, so nothing loops back into the registry.
 *
 * Adding a backend (a new file or files in this folder, nothing outside):
 *   1. define `const struct store_ops NAME_store_ops` with every op below
 *      (an op a backend cannot do returns ERR_USAGE with a message saying
 *      so; `create` may be NULL);
 *   2. declare it at the end of this header and add it to the registry's
 *      list in store.c (the only line outside the backend's own files);
 *   3. use store/rules.h for everything that is MLflow's rule rather than
 *      the backend's own way of storing it: the tags and metadata a trace
 *      row stands for, where spans are kept, feedback cells of list rows,
 *      assessment ids, value kinds and the "not found" messages.
 * The contract of each op is that of the store_* call of the same name in
 * store.h, except where noted here; the unit tests of test_store.c state it
 * for the SQLite backend.
 *
 * Ownership: the backend allocates its struct in open and frees it in
 * close, together with anything it owns; the registry owns and frees
 * base.url and base.dir after close.  The backend fills base.dir (the
 * directory relative artifact locations resolve against), base.readonly
 * and base.remote.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "core/schema.h"
#include "core/queue.h"

struct store_ops;
struct put_result;   /* store/store.h */

/* Every store begins with this header; backends embed it first. */
struct store {
	const struct store_ops *ops;
	char *url;
	char *dir;
	bool readonly;
	bool remote;    /* reached over a network: calls may take long */
	char *note;   /* how the store was opened when not as asked, or NULL;
	                 the backend sets it, store_close frees it */
};

/* An assessment row exactly as it is to be stored, every column set:
 * defaults applied, the value and metadata already JSON text, the id
 * chosen.  Filled by rules_log_row or rules_import_row; every string is
 * borrowed from the caller's request, except an id generated into idbuf
 * (so a row is not copied by value). */
struct assessment_row {
	const char *id, *trace_id, *name, *type, *value, *error;
	int64_t created_ms, updated_ms;
	const char *source_type, *source_id, *run_id, *span_id, *rationale, *overrides;
	bool valid;
	const char *metadata;
	/* run_id is NULL and metadata is set: the run id is the metadata's
	 * mlflow.assessment.sourceRunId, when it has one (as MLflow does). */
	bool run_from_metadata;
	char idbuf[40];
};

struct store_ops {
	const char *name;            /* the URL scheme: "sqlite" */
	/* Does this backend take the URL?  Sets *path to the part it opens. */
	bool (*accepts)(const char *url, const char **path);
	int (*open)(const char *path, unsigned flags, struct store **out, struct err *err);
	void (*close)(struct store *st);
	/* A new, empty store at path (NULL: this backend cannot make one). */
	int (*create)(const char *path, struct err *err);

	int (*list_experiments)(struct store *st, struct experiment_list *out, struct err *err);
	int (*find_experiment)(struct store *st, const char *id_or_name, int64_t *id,
			       struct err *err);
	int (*count_traces)(struct store *st, int64_t experiment_id, const char *filter,
			    unsigned quick, const char *me, const struct question_ref *questions,
			    int64_t *count, struct err *err);
	int (*feedback_names)(struct store *st, int64_t experiment_id, char ***names, size_t *n,
			      struct err *err);
	int (*page_traces)(struct store *st, const struct page_req *req, struct trace_page *out,
			   struct err *err);
	/* NULL: this backend cannot list spans across traces. */
	int (*page_spans)(struct store *st, const struct span_req *req, struct span_page *out,
			  struct err *err);
	int (*get_row)(struct store *st, const char *trace_id, const char *me,
		       struct trace_row *out, struct err *err);
	int (*load_trace)(struct store *st, const char *trace_id, struct trace *out,
			  struct err *err);
	int (*load_assessments)(struct store *st, const char *trace_id,
				struct assessment_list *out, struct err *err);
	/* NULL: the registry loads each trace (load_trace) instead. */
	int (*scan_feedback)(struct store *st, const char *const *trace_ids, size_t n,
			     answer_fn fn, void *ctx, struct err *err);
	int (*get_assessment)(struct store *st, const char *assessment_id,
			      struct assessment *out, struct err *err);
	int (*check_target)(struct store *st, const char *trace_id, const char *span_id,
			    struct err *err);
	/* NULL: the backend cannot tell (store_root_span gives NULL). */
	int (*root_span)(struct store *st, const char *trace_id, char **out, struct err *err);
	int (*assessments_stamp)(struct store *st, int64_t experiment_id, int64_t *stamp,
				 int64_t *count, struct err *err);

	/* Writes the row (already checked and completed by the registry) as
	 * one transaction, after checking that its trace (and span) exist.
	 * With r->overrides: the row of that id on the same trace becomes
	 * valid = false in the same transaction; ERR_NOTFOUND
	 * (rules_no_override) when there is none.  A backend whose store
	 * chooses the id (a tracking server) writes it into r->idbuf and
	 * points r->id at it. */
	int (*log_assessment)(struct store *st, struct assessment_row *r, struct err *err);
	/* u has been checked by the registry. */
	int (*update_assessment)(struct store *st, const char *assessment_id,
				 const struct assessment_update *u, struct err *err);
	/* Deletes the row and, when it overrode another, makes that one valid
	 * again, in one transaction.  A missing row is not an error. */
	int (*delete_assessment)(struct store *st, const char *assessment_id, struct err *err);
	int (*begin)(struct store *st, struct err *err);
	int (*commit)(struct store *st, struct err *err);
	void (*rollback)(struct store *st);
	/* t has been checked by rules_check_trace; the backend completes its
	 * assessments with rules_import_row and writes the tags and metadata
	 * rules_trace_kvs gives.  res is never NULL (zeroed by the registry). */
	int (*put_trace)(struct store *st, const struct trace *t, struct put_result *res,
			 struct err *err);
	int (*ensure_experiment)(struct store *st, const char *name, int64_t *id,
				 struct err *err);
	/* Review queues: the contracts of store.h's calls of the same names,
	 * the arguments already checked and normalised by the registry. */
	int (*list_queues)(struct store *st, const char *user, struct queue_list *out,
			   struct err *err);
	int (*find_queue)(struct store *st, int64_t experiment_id, const char *name_key,
			  struct review_queue *out, struct err *err);
	int (*get_queue)(struct store *st, const char *queue_id, struct review_queue *out,
			 struct err *err);
	/* q->name, users and item_ids normalised; name_key derived. */
	int (*create_queue)(struct store *st, const struct queue_new *q, const char *name_key,
			    char *out_id, struct err *err);
	int (*queue_items)(struct store *st, const char *queue_id, const char *status,
			   char ***ids, size_t *n, struct err *err);
	int (*set_item_status)(struct store *st, const char *queue_id, const char *item_id,
			       const char *status, const char *by, unsigned flags, int64_t at_ms,
			       bool *changed, struct err *err);
	/* store_interrupt; thread-safe.  NULL: this backend cannot be
	 * interrupted (a call runs to its end). */
	void (*interrupt)(struct store *st, bool on);

	/* MLflow 3.14's label schemas (core/schema.h), in MLflow's order
	 * (newest first); with ids, only those (ids without a schema are left
	 * out).  A store that has no such table gives none, out->table false.
	 * put_schema writes a complete, validated row: create inserts it,
	 * else it replaces the name, instruction, enable_comment, input_config
	 * and last_update_time of the row with its schema_id (ERR_NOTFOUND
	 * when there is none); both refuse a name another schema of the
	 * experiment has.  delete_schema: a missing row is not an error. */
	int (*list_schemas)(struct store *st, int64_t experiment_id, const char *const *ids,
			    size_t nids, struct schema_list *out, struct err *err);
	int (*put_schema)(struct store *st, const struct schema_row *r, bool create,
			  struct err *err);
	int (*delete_schema)(struct store *st, const char *schema_id, struct err *err);

	/* store_side_sync.  NULL: no side index (0 left). */
	int (*side_sync)(struct store *st, int64_t *left, int64_t *total, struct err *err);
	/* store_set_progress (fn is a store_progress_fn).  NULL: this
	 * backend reports no progress. */
	void (*set_progress)(struct store *st, void (*fn)(void *ctx, int64_t scanned),
			     void *ctx);
};

/* ---- the backends the registry knows (store.c lists them) -------------- */

extern const struct store_ops sqlite_store_ops;
extern const struct store_ops rest_store_ops;   /* store/rest.c: http(s):// */

#endif
