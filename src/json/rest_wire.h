#ifndef TB_JSON_REST_WIRE_H
#define TB_JSON_REST_WIRE_H
/*
 * The JSON messages of MLflow's tracking server REST API (protobuf's JSON
 * mapping, snake_case fields), read into and written from the shared data
 * model, for the REST store backend (store/rest*.c), which does the HTTP
 * and knows nothing of JSON trees.
 *
 * Read: experiments (v2 messages, times in integer ms), TraceInfoV3
 * (RFC 3339 request_time, "0.138s" durations, tags and trace_metadata as
 * maps, assessments inline), assessments (feedback / expectation, the value
 * as any JSON or as serialized_value JSON text) and error bodies
 * ({"error_code", "message"}).  Values, errors and metadata come out as the
 * JSON text the SQLite store holds for them (Python json.dumps form), so
 * every layer above sees one representation whatever the backend.
 *
 * Ownership: everything filled in is owned by the caller's struct and freed
 * with its *_free; strings returned are malloc'd, the caller frees them.
 * Input text is borrowed for the call.  int functions return 0, or -1 with
 * err (ERR_PARSE naming what is missing).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"

/* ---- replies ----------------------------------------------------------- */

/* experiments/search: appends to out; *next gets next_page_token (or NULL). */
int rw_experiments(const char *body, size_t n, struct experiment_list *out, char **next,
		   struct err *err);
/* The experiment_id of {"experiment": {...}} (get, get-by-name) or of
 * {"experiment_id": "2"} (create). */
int rw_experiment_id(const char *body, size_t n, int64_t *id, struct err *err);

/* traces/search: appends one struct trace per TraceInfo (info, tags,
 * metadata, assessments; no spans) to *v / *nv; *next as above. */
int rw_trace_infos(const char *body, size_t n, struct trace **v, size_t *nv, size_t *cap,
		   char **next, struct err *err);
/* GetTraceInfoV3 ({"trace": {"trace_info": {...}}}) into *out. */
int rw_trace_info(const char *body, size_t n, struct trace *out, struct err *err);
/* {"assessment": {...}} into *out. */
int rw_assessment(const char *body, size_t n, struct assessment *out, struct err *err);

/* An error body: *code and *message (malloc'd, or NULL when absent); -1
 * when the body is not MLflow's JSON error (an HTML or text page). */
int rw_error(const char *body, size_t n, char **code, char **message);

/* ---- requests ---------------------------------------------------------- */

struct rw_search {
	const int64_t *experiments;
	size_t nexperiments;
	const char *filter;          /* server filter text, or NULL */
	const char *const *order_by; /* "timestamp_ms DESC", ... */
	size_t norder;
	size_t max_results;
	const char *page_token;      /* or NULL */
};

char *rw_search_body(const struct rw_search *s);
char *rw_experiments_body(size_t max_results, const char *page_token);
char *rw_create_experiment_body(const char *name);

/* An assessment to create: JSON texts must be valid JSON (value_json,
 * error_json, metadata_json: an object of strings or of any values, which
 * are sent as their JSON text). */
struct rw_assessment_in {
	const char *trace_id, *name, *type;  /* "feedback" | "expectation" */
	const char *value_json, *error_json;
	const char *source_type, *source_id, *run_id, *span_id, *rationale, *overrides;
	const char *metadata_json;
	int64_t created_ms, updated_ms;
	bool valid;
};

int rw_create_assessment_body(const struct rw_assessment_in *a, char **out, struct err *err);

/* PATCH body for the row `cur` (its type decides feedback or expectation)
 * with the changes given (NULL: unchanged; set_rationale with NULL clears
 * it): only the changed fields are in the update mask. */
int rw_update_assessment_body(const struct assessment *cur, const char *name,
			      const char *value_json, bool set_rationale, const char *rationale,
			      const char *metadata_json, char **out, struct err *err);
char *rw_delete_assessment_body(const char *trace_id, const char *assessment_id);

#endif
