#ifndef TB_JSON_IMPORT_INT_H
#define TB_JSON_IMPORT_INT_H
/*
 * Inside the import reader (json/import*.c only; nothing else includes
 * this).  json/import.c finds the records of a file and hands each parsed
 * record to the reader of its format:
 *
 *   import_mlflow.c    MLflow trace JSON and traces.json
 *   import_otlp.c      OTLP/JSON
 *   import_otel.c      OpenTelemetry SDK ReadableSpan.to_json() dumps
 *   import_langfuse.c  Langfuse trace exports (with scores)
 *   import_gcp.c       Google Cloud Trace API v1 exports
 *
 * Each builds traces in struct builder (import_build.c: grouping, the span
 * dicts MLflow stores, what a record does not say) and queues them with
 * imp_emit.  Attribute conventions (OpenInference, OTel GenAI, ...) are in
 * json/semconv.h.
 *
 * Ownership: a builder owns its trace and strings until imp_emit moves the
 * trace into the reader's queue; a group owns its builders.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/model.h"
#include "json/import.h"
#include "json/jtree.h"
#include "json/semconv.h"

#define TRACE_PREFIX "tr-"

/* The tags saying where an imported trace came from. */
#define TAG_ORIGIN_FORMAT "tracelab.import.format"
#define TAG_ORIGIN_ID "tracelab.import.trace_id"

struct otel_state;

struct import_reader {
	char *name;
	FILE *f;
	char *buf;            /* bytes [pos, len) not consumed yet */
	size_t len, pos, cap;
	bool eof;
	int read_errno;       /* reading the file failed (0: no) */
	bool read_reported;
	size_t line, col;     /* of buf[pos] (1-based; col in bytes) */
	int64_t offset;       /* file offset of buf[0] */
	int64_t size;         /* file size, or -1 */
	int mode;             /* enum mode in import.c */
	int depth;            /* containers around the records (array mode) */
	bool wrapped;         /* the array is a member of an object: {"traces": [...]} */
	bool known;           /* a record of a known format has been read */
	enum import_format format;
	struct trace *queue;  /* traces read and not returned yet */
	size_t qhead, qn, qcap;
	struct otel_state *otel;
	struct import_stats st;
};

/* ---- building a trace -------------------------------------------------- */

struct builder {
	struct trace t;
	char *key;            /* grouping key (trace id or OTel trace id) */
	bool have_info;
	bool have_time, have_duration, have_status;
	char *user, *session; /* from span attributes */
	int64_t tokens_in, tokens_out, tokens_total;
	bool have_tokens;     /* some span said its token usage */
};

void builder_init(struct builder *b);
void builder_free(struct builder *b);

struct group {
	struct builder *v;
	size_t n, cap;
	size_t last;          /* the builder found last: spans of a trace come together */
};

struct builder *group_get(struct group *g, const char *key);
void group_free(struct group *g);

/* Reads one MLflow span dict into b (its content = the dict as MLflow
 * writes it); *request_id (when not NULL) gets mlflow.traceRequestId. */
int builder_add_dict(struct builder *b, const cJSON *sp, size_t index, char **request_id,
		     struct err *err);

/* The parts of a span that are not attributes, for imp_span_dict. */
struct span_parts {
	const char *trace_hex;    /* 32 hex */
	const char *span_hex;     /* 16 hex */
	const char *parent_hex;   /* 16 hex or NULL for a root */
	const char *name;
	int64_t start_ns;
	int64_t end_ns;           /* < 0: not ended (null) */
	enum span_status status;
	const char *message;      /* status message or NULL */
	cJSON *events;            /* MLflow event dicts (taken), or NULL */
};

/* An MLflow v3 span dict (base64 ids, keys in the order MLflow writes
 * them) with attributes made by semconv_attributes from raw (a JSON object
 * of plain attribute values, borrowed).  The token usage it says is added
 * to b.  Returns the dict (caller deletes it). */
cJSON *imp_span_dict(struct builder *b, const struct span_parts *p, const cJSON *raw,
		     const char *trace_id);
/* The same with the format's own type, inputs, outputs and usage. */
cJSON *imp_span_dict_opts(struct builder *b, const struct span_parts *p, const cJSON *raw,
			  const struct semconv_opts *o);

/* Adds a dict made by imp_span_dict to b. */
int builder_add_made(struct builder *b, const cJSON *dict, struct err *err);

/* Fills in what the record did not say and moves the trace to the
 * queue. */
void imp_emit(struct import_reader *r, struct builder *b);
void imp_emit_group(struct import_reader *r, struct group *g);

/* Tags a trace with its origin (format and the trace id its source used). */
void imp_origin(struct builder *b, const char *format, const char *source_id);

/* ---- small readers ----------------------------------------------------- */

/* A JSON scalar as the string a Python str value would hold (strings as
 * they are, anything else as its JSON).  Caller frees. */
char *imp_value_text(const cJSON *v);
/* {k: v} or [{"key": k, "value": v}] into a kv list. */
void imp_read_kv(const cJSON *o, struct kv_list *l);
/* A time in ms: an RFC 3339 string or a number of ms. */
int imp_time_ms(const cJSON *v, int64_t *ms);
/* A time in ns from an RFC 3339 string (fraction to the ns). */
int imp_time_ns(const cJSON *v, int64_t *ns);
/* A JSON text or a string holding JSON text, parsed; NULL if neither. */
cJSON *imp_json_of(const cJSON *v);
/* A stable id made of 2 x 64-bit FNV-1a hashes of the parts, as hex:
 * digits = 16 or 32 characters into out[digits + 1]. */
void imp_hash_hex(char *out, int digits, const char *a, const char *b, const char *c);
/* "a-" + 32 hex derived from the parts (an assessment that came without an
 * id, so a file imported twice gives the same rows).  Caller frees. */
char *imp_assessment_id(const char *a, const char *b, const char *c);

/* ---- the readers of each format ---------------------------------------- */

int mlflow_record(struct import_reader *r, const cJSON *rec, struct err *err);
int traces_json_record(struct import_reader *r, const cJSON *spans, struct err *err);
int otlp_record(struct import_reader *r, const cJSON *rec, struct err *err);
int langfuse_record(struct import_reader *r, const cJSON *rec, struct err *err);
int gcp_record(struct import_reader *r, const cJSON *rec, struct err *err);

/* An OpenTelemetry SDK span object: kept until its trace is complete
 * (its root and every span it started have ended), merged with an earlier
 * copy of the same span (the ended copy wins). */
bool otel_is_span(const cJSON *o);
int otel_record(struct import_reader *r, const cJSON *rec, struct err *err);
/* Emits the traces still open (at the end of the input). */
void otel_flush(struct import_reader *r);
void otel_free(struct otel_state *s);

#endif
