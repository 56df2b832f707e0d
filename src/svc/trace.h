#ifndef TB_SVC_TRACE_H
#define TB_SVC_TRACE_H
/*
 * Loading a whole trace for display or export: trace_info, tags, metadata,
 * assessments and spans, wherever the spans live.  Spans come from the
 * store's spans table when the trace says TRACKING_STORE, otherwise from
 * traces.json under the mlflow.artifactLocation tag (a path or file:// URI;
 * relative locations resolve against the store's directory).  When neither
 * exists the trace still loads, with spans_state SPANS_MISSING and a note
 * naming where the spans were looked for.  The span tree is built.
 *
 * The caller owns *out and frees it with trace_free.
 */
#include "core/err.h"
#include "core/model.h"
#include "store/store.h"

int svc_load_trace(struct store *st, const char *trace_id, struct trace *out, struct err *err);

/* Resolves an artifact location to a local directory path (caller frees), or
 * NULL when it is not local (mlflow-artifacts:/, s3://, a Windows path...). */
char *svc_artifact_dir(const char *location, const char *store_dir);

#endif
