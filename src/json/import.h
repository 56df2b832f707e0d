#ifndef TB_JSON_IMPORT_H
#define TB_JSON_IMPORT_H
/*
 * Reading traces from files, one trace at a time.  The format is detected:
 *
 *   - MLflow trace JSON, {"info": ..., "data": {"spans": [...]}}, with the
 *     info in V3 form (trace_id, trace_location, request_time, state,
 *     trace_metadata, tags, assessments) or V2 form (request_id,
 *     experiment_id, timestamp_ms, execution_time_ms, status,
 *     request_metadata, tags): one object, a JSON array of them, or JSON
 *     Lines (one per line);
 *   - a traces.json artifact, {"spans": [...]}: spans grouped into traces by
 *     their mlflow.traceRequestId attribute;
 *   - OTLP/JSON, {"resourceSpans": [...]}: spans grouped by traceId, each
 *     turned into an MLflow span dict in the v3 form MLflow 3 writes and
 *     every MLflow 3 reads (base64 ids, "STATUS_CODE_*" status, attributes
 *     JSON-encoded, "mlflow.traceRequestId" = "tr-<trace id>",
 *     "mlflow.spanType"), resource attributes (service.name, ...) as trace
 *     tags.
 *
 * What a record does not say is derived from its spans as MLflow's
 * log_spans does: start = earliest span start, duration and status from
 * the root span, tag mlflow.traceName = the root span's name, previews =
 * the root span's inputs and outputs cut to 1000 characters, user and
 * session from the span attributes user.id and session.id.  Traces with no
 * info also get metadata mlflow.trace_schema.version = "3".  Assessments in
 * a V3 info become assessment rows, values re-encoded as json.dumps would.
 * experiment_id comes from the info (0 when absent); callers may override.
 *
 * A malformed record does not stop the reader: import_next returns -1 with
 * "file:line: message" and the next call goes on with the next record.
 *
 * Ownership: the reader owns its buffers and the file; import_close
 * releases them.  Each trace returned is the caller's (trace_free).
 */
#include <stddef.h>

#include "core/err.h"
#include "core/model.h"

struct import_reader;

struct import_stats {
	size_t records;   /* records read (objects, array items, lines) */
	size_t traces;    /* traces returned */
	size_t spans;     /* spans in them */
	size_t skipped;   /* malformed records */
};

int import_open(const char *path, struct import_reader **out, struct err *err);
/* Reads text from memory instead of a file (copied); name stands for the
 * file name in messages. */
int import_open_text(const char *text, size_t len, const char *name, struct import_reader **out,
		     struct err *err);
/* 1: *out holds the next trace; 0: end of input; -1: one malformed record
 * (err says where and why; call again to go on). */
int import_next(struct import_reader *r, struct trace *out, struct err *err);
const struct import_stats *import_stats(const struct import_reader *r);
void import_close(struct import_reader *r);   /* NULL is fine */

/* MLflow's preview of a root span's inputs or outputs: the text itself when
 * at most 1000 characters, else its first 997 characters and "...".
 * Characters are code points (UTF-8 is never cut inside a character).
 * Caller frees. */
char *import_preview(const char *text);

#endif
