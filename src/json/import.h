#ifndef TB_JSON_IMPORT_H
#define TB_JSON_IMPORT_H
/*
 * Reading traces from files, one trace at a time.  The format is sniffed
 * from the first record:
 *
 *   - MLflow trace JSON, {"info": ..., "data": {"spans": [...]}}, with the
 *     info in V3 form (trace_id, trace_location, request_time, state,
 *     trace_metadata, tags, assessments) or V2 form (request_id,
 *     experiment_id, timestamp_ms, execution_time_ms, status,
 *     request_metadata, tags);
 *   - a traces.json artifact, {"spans": [...]}: spans grouped into traces by
 *     their mlflow.traceRequestId attribute;
 *   - OTLP/JSON, {"resourceSpans": [...]}: spans grouped by traceId,
 *     resource attributes (service.name, ...) as trace tags;
 *   - OpenTelemetry SDK dumps: ReadableSpan.to_json() objects (context,
 *     kind, parent_id, ISO times, status, attributes, events, resource),
 *     concatenated, one per line or in a list; a span written on start and
 *     again on end is one span (the ended copy wins);
 *   - Langfuse trace exports, {"trace": {...}, "observations": [...]} or the
 *     trace with its observations and scores (GET /traces/{id}); scores
 *     become feedback (ANNOTATION -> HUMAN, EVAL -> LLM_JUDGE, API -> CODE,
 *     comment -> rationale, observationId -> span);
 *   - Google Cloud Trace API v1 exports, {projectId, traceId, spans: [{spanId
 *     (decimal), parentSpanId, name, startTime, endTime, labels}]}, a list
 *     of them or {"traces": [...]}.
 *
 * A file holds one such value, a list of them, several one after the other
 * (pretty-printed or not), or JSON Lines.  Spans of other tools become the
 * v3 span dicts MLflow 3 writes (base64 ids, "STATUS_CODE_*", attributes
 * JSON-encoded; json/semconv.h for the span types, inputs, outputs and
 * token usage their conventions give), with the origin in the trace tags
 * tracelab.import.format and tracelab.import.trace_id.
 *
 * What a record does not say is derived from its spans as MLflow's
 * log_spans does: start = earliest span start, duration and status from
 * the root span, tag mlflow.traceName = the root span's name, previews =
 * the root span's inputs and outputs cut to 1000 characters, user and
 * session from the span attributes user.id and session.id, token usage
 * added up.  Traces with no info also get metadata
 * mlflow.trace_schema.version = "3".  Assessments become assessment rows,
 * values re-encoded as json.dumps would.  experiment_id comes from the info
 * (0 when absent); callers may override.
 *
 * Errors name the place as "file:line:col: message".  A malformed record
 * (JSON Lines, an item of a list, a record that is not a trace) is
 * skipped: import_next returns -1 and the next call goes on.  Where the
 * text itself is broken (a damaged or cut file) the reader stops: -1,
 * stats.stopped and stats.damaged, and every later call returns 0; a file
 * that ends inside a record (a JSON Lines file cut mid-line too) is
 * reported at the place it ends.  A first record of no
 * known format stops it too, with one line naming the closest format and
 * what it lacks.
 *
 * Memory: the reader holds one record at a time (plus, for OpenTelemetry
 * SDK dumps, the spans of traces not complete yet), whatever the file's
 * size; only a file that is one single value is held whole.
 *
 * Ownership: the reader owns its buffers and the file; import_close
 * releases them.  Each trace returned is the caller's (trace_free).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"

struct import_reader;

enum import_format {
	IMPORT_UNKNOWN = 0,
	IMPORT_MLFLOW,
	IMPORT_TRACES_JSON,
	IMPORT_OTLP,
	IMPORT_OTEL_SDK,
	IMPORT_LANGFUSE,
	IMPORT_CLOUD_TRACE,
};

/* "MLflow trace JSON", "OpenTelemetry SDK span dump", ... */
const char *import_format_name(enum import_format f);

struct import_stats {
	size_t records;      /* records read (objects, array items, lines) */
	size_t traces;       /* traces returned */
	size_t spans;        /* spans in them */
	size_t assessments;  /* assessments in them */
	size_t skipped;      /* malformed records */
	size_t merged;       /* second copies of a span merged into the first */
	bool stopped;        /* the input could not be read past a damage */
	bool damaged;        /* ... because its text is broken or cut off there (not
	                        counted in skipped) */
	enum import_format format;  /* of the first trace record */
	int64_t bytes;       /* input read so far */
	int64_t size;        /* input size (-1: unknown) */
};

int import_open(const char *path, struct import_reader **out, struct err *err);
/* Reads text from memory instead of a file (copied); name stands for the
 * file name in messages. */
int import_open_text(const char *text, size_t len, const char *name, struct import_reader **out,
		     struct err *err);
/* 1: *out holds the next trace; 0: end of input; -1: a malformed record
 * skipped, or the reader stopped (stats.stopped); err says where and why.
 * Call again to go on. */
int import_next(struct import_reader *r, struct trace *out, struct err *err);
const struct import_stats *import_stats(const struct import_reader *r);
void import_close(struct import_reader *r);   /* NULL is fine */

/* Adds part, a further piece of the trace whole (the same trace id, read
 * from a later record: an OTLP batch, a span dump that outgrew the
 * reader's window) to whole, a trace as the store gave it back: part's
 * spans that whole lacks are moved over; of a span in both, the ended copy
 * stays (part's when both or neither ended); tags, metadata and
 * assessments whole lacks are added.  For a trace made from spans (of
 * another tool), what it says because of its spans is said again from
 * them: start, and the root's status, duration, name and previews; token
 * usage is added up.  Returns how many of part's spans whole had.  part is
 * left for the caller to free. */
size_t import_merge(struct trace *whole, struct trace *part);

/* MLflow's preview of a root span's inputs or outputs: the text itself when
 * at most 1000 characters, else its first 997 characters and "...".
 * Characters are code points (UTF-8 is never cut inside a character).
 * Caller frees. */
char *import_preview(const char *text);

#endif
