#ifndef TB_STORE_BULK_H
#define TB_STORE_BULK_H
/*
 * Bulk loading of a freshly created MLflow store, for generators (the
 * synthetic stores of svc/synth.h): rows go straight into MLflow's tables
 * through prepared statements in one transaction, with the rollback journal
 * and fsync off, and the secondary indexes built once at the end.  Nothing
 * is checked or replaced: the caller writes each row once, consistent with
 * the others.  The finished file has exactly the schema store_create made.
 *
 * Only for a file the caller has just made with store_create and that nothing
 * else has open: a crash during the load leaves the file unusable (the caller
 * deletes it).  Never use it on a user's store; imports go through
 * store_begin / store_put_trace / store_commit.
 *
 * Ownership: struct bulk owns the connection; bulk_finish and bulk_abort
 * close it and free it.  Strings passed in are borrowed for the call.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"

struct bulk;

/* One trace_info row.  NULL strings and execution_time_ms < 0 are SQL NULL. */
struct bulk_trace {
	const char *id;
	int64_t experiment_id;
	int64_t timestamp_ms;
	int64_t execution_time_ms;
	const char *status;
	const char *client_request_id;
	const char *request_preview;
	const char *response_preview;
};

/* One spans row (duration_ns is computed by the database).  end_ns < 0 is
 * NULL; content_len is strlen(content) when 0. */
struct bulk_span {
	const char *trace_id;
	int64_t experiment_id;
	const char *span_id;
	const char *parent_span_id;
	const char *name;
	const char *type;
	const char *status;
	int64_t start_ns;
	int64_t end_ns;
	const char *content;
	size_t content_len;
};

/* Opens the store at path (made by store_create) and begins the load. */
int bulk_open(const char *path, struct bulk **out, struct err *err);

int bulk_trace(struct bulk *b, const struct bulk_trace *t, struct err *err);
int bulk_tag(struct bulk *b, const char *trace_id, const char *key, const char *value,
	     struct err *err);
int bulk_metadata(struct bulk *b, const char *trace_id, const char *key, const char *value,
		  struct err *err);
int bulk_span(struct bulk *b, const struct bulk_span *s, struct err *err);
/* A valid assessment row: a->id, created_ms must be set; type NULL is
 * "feedback", source_type NULL is "HUMAN", updated_ms 0 is created_ms. */
int bulk_assessment(struct bulk *b, const struct assessment_new *a, struct err *err);

/* Sets the creation and update time of every experiment, so that a
 * generated file depends on its inputs alone. */
int bulk_experiment_times(struct bulk *b, int64_t ms, struct err *err);

/* Builds the secondary indexes of the trace tables (dropped while loading,
 * rebuilt from their own CREATE INDEX text), commits, closes and frees b.
 * Returns 0 or -1. */
int bulk_finish(struct bulk *b, struct err *err);
/* Rolls back, closes and frees b (NULL is fine). */
void bulk_abort(struct bulk *b);

#endif
