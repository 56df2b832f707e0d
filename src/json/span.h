#ifndef TB_JSON_SPAN_H
#define TB_JSON_SPAN_H
/*
 * MLflow span JSON.  One span dict exists in three formats, and every reader
 * must take all of them (MLflow's data model, span dict formats):
 *
 *   v2  MLflow 2.x: "context": {"span_id", "trace_id"}, "parent_id",
 *       "start_time"/"end_time" (ns), "status_code", "status_message";
 *       ids in hex (a "0x" prefix is tolerated);
 *   v3  MLflow 3.0 .. ~3.14: base64 ids, "" or null parent for a root,
 *       "status": {"code": "STATUS_CODE_OK", ...};
 *   v4  newest: 16/32 lowercase hex ids, "otel_trace_id", null parent,
 *       "status": {"code": "OK", ...}.
 *
 * In all three, each attribute value is a JSON-encoded string
 * ("mlflow.spanType": "\"LLM\""); it is decoded exactly once here.
 *
 * span_parse fills the light struct span used for the tree and the
 * waterfall; span_detail_parse reads everything else when a span is shown.
 *
 * Ownership: every string filled in is malloc'd and owned by the struct it
 * is in (struct span: see core/model.h; struct span_detail: released by
 * span_detail_free).  Input text is borrowed for the call only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"

enum span_format {
	SPAN_FMT_V2 = 2,
	SPAN_FMT_V3 = 3,
	SPAN_FMT_V4 = 4,
};

/* Reads one span dict.  out gets id and parent_id (16 lowercase hex; NULL
 * parent for a root), name, type (attribute mlflow.spanType, or a type
 * derived from OpenInference / OTel GenAI attributes, or NULL), status,
 * start and end (end_ns < 0 when missing) and content (a copy of the text).
 * With trace_request_id non-NULL, *trace_request_id gets the decoded
 * mlflow.traceRequestId attribute (or NULL).  On error (ERR_PARSE, naming
 * what is missing or malformed) *out is left empty. */
int span_parse(const char *json, size_t len, struct span *out, char **trace_request_id,
	       struct err *err);

/* Appends the spans of a traces.json file ({"spans": [...]}, or a bare
 * array of span dicts) to t; each span's content is its dict written back
 * as MLflow writes JSON.  Spans that cannot be read are skipped and
 * counted in t->spans_note.  -1 only when the text is not such a file. */
int spans_parse_traces_json(const char *text, size_t len, struct trace *t, struct err *err);

/* Normalises a span id (hex, 0x-hex, short hex, or base64 of 8 bytes) to
 * 16 lowercase hex digits in out[17].  0 or -1. */
int span_id_normalize(const char *id, char out[17]);
/* The same for a trace id (16 bytes): 32 lowercase hex in out[33]. */
int trace_id_normalize(const char *id, char out[33]);

/* The ids as a v3 span dict holds them: standard base64 (with padding) of
 * the big-endian bytes, from any form span_id_normalize / trace_id_normalize
 * take.  Span ids give 12 characters in out[13], trace ids 24 in out[25].
 * 0 or -1. */
int span_id_base64(const char *id, char out[13]);
int trace_id_base64(const char *id, char out[25]);

struct cJSON;
/* span_parse for a dict already parsed: o is the dict, json its text (the
 * content kept), as jt_print writes it. */
int span_parse_node(const struct cJSON *o, const char *json, size_t len, struct span *out,
		    char **trace_request_id, struct err *err);

/* The span type of a span dict's "attributes" object (values JSON-encoded)
 * that has no mlflow.spanType, from OpenInference (openinference.span.kind)
 * or OTel GenAI (gen_ai.operation.name) attributes, as MLflow derives it
 * when it reads such a span; NULL when neither says.  Caller frees. */
char *span_type_derived(const struct cJSON *attrs);

/* ---- the full detail of one span --------------------------------------- */

struct span_attr {
	char *key;
	char *json;        /* the value as JSON text, decoded once */
	bool was_json;     /* false: the stored string was not JSON, and json
	                      holds it as a JSON string */
};

struct span_event {
	char *name;
	int64_t time_ns;   /* -1: unknown */
	char *attrs_json;  /* the event attributes as a JSON object text */
	bool exception;    /* an OTel "exception" event */
	char *exc_type;    /* exception.type, .message, .stacktrace (or NULL) */
	char *exc_message;
	char *exc_stacktrace;
};

struct span_detail {
	enum span_format format;
	char *name;
	int64_t start_ns;
	int64_t end_ns;            /* < 0: unknown */
	enum span_status status;
	char *status_message;      /* NULL when empty */
	struct span_attr *attrs;   /* in stored order */
	size_t nattrs;
	const char *inputs;        /* mlflow.spanInputs JSON text, else (spans from
	                              OTLP) OpenInference input.value or the OTel
	                              GenAI gen_ai.input.messages, ...; or NULL;
	                              borrowed from attrs */
	const char *outputs;       /* mlflow.spanOutputs, likewise */
	struct span_event *events;
	size_t nevents;
	size_t nexceptions;        /* events with exception set */
};

/* Parses span content.  Copes with attributes of any size and with JSON
 * nested up to 1000 levels; deeper nesting is an ERR_PARSE error. */
int span_detail_parse(const char *content, struct span_detail *out, struct err *err);
void span_detail_free(struct span_detail *d);
/* The JSON text of an attribute, or NULL. Borrowed. */
const char *span_detail_attr(const struct span_detail *d, const char *key);

#endif
