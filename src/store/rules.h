#ifndef TB_STORE_RULES_H
#define TB_STORE_RULES_H
/*
 * MLflow's rules for what a tracking store holds, the same for every
 * backend: the limits of its columns, the complete assessment row a write
 * stands for (defaults, ids, the source of run_id), the tags and metadata a
 * trace row stands for, where a trace's spans are kept, how a list row's
 * feedback cells are folded from assessments, and the messages for rows
 * that are not there.  The registry (store.c) checks requests with these
 * before any backend sees them; backends call the rest while they read and
 * write.  Nothing here knows a backend or the registry.
 *
 * Ownership: rows (struct assessment_row) borrow the caller's strings;
 * functions that fill a trace or a row copy what they keep.  Functions
 * returning int give 0 or -1 with struct err filled.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "store/backend.h"

/* Column limits of MLflow's schema, in characters.  PostgreSQL and MySQL
 * refuse longer values (SQLite keeps them), so feedback writes are refused
 * before any backend sees them, naming the field.  Imported traces are
 * written as they come: SQLite keeps any length, and a backend whose
 * columns refuse a value reports that trace with its own error. */
#define RULES_ID_MAX 50        /* request_id, assessment_id, span_id, overrides,
                                  trace status, client_request_id */
#define RULES_NAME_MAX 250     /* assessment name and source_id; tag and metadata keys */
#define RULES_VALUE_MAX 8000   /* tag and metadata values */
#define RULES_PREVIEW_MAX 1000 /* request_preview, response_preview */
#define RULES_RUN_ID_MAX 32    /* assessments.run_id */
#define RULES_TYPE_MAX 20      /* assessments.assessment_type */
#define RULES_SOURCE_TYPE_MAX 50

/* Keys MLflow gives a meaning to. */
#define RULES_TAG_NAME "mlflow.traceName"
#define RULES_TAG_SPANS_LOCATION "mlflow.trace.spansLocation"
#define RULES_SPANS_IN_STORE "TRACKING_STORE"
#define RULES_META_USER "mlflow.trace.user"
#define RULES_META_SESSION "mlflow.trace.session"

/* Characters of a UTF-8 text (bytes that do not continue a sequence). */
size_t rules_chars(const char *s);

/* ---- assessment rows --------------------------------------------------- */

/* log_feedback / log_assessment / override_feedback: trace id, name and
 * value are required; type "feedback", source type "HUMAN", created now,
 * updated = created unless given; an id "a-" + 32 hex unless given (a row
 * written back by undo keeps its id and times); valid.  ERR_USAGE naming
 * the field when one is missing or longer than its column. */
int rules_log_row(const struct assessment_new *a, struct assessment_row *r, struct err *err);

/* An assessment that comes with an imported trace: name "feedback", type
 * "feedback", value null, source type SOURCE_TYPE_UNSPECIFIED and times
 * `now` when missing, its own valid flag; its trace is trace_id.  Only a
 * missing random source makes it fail. */
int rules_import_row(const struct assessment *a, const char *trace_id, int64_t now,
		     struct assessment_row *r, struct err *err);

/* update_assessment: an id and changes; a new name within its column. */
int rules_check_update(const char *assessment_id, const struct assessment_update *u,
		       struct err *err);

/* "a-" + 32 lowercase hex, as MLflow's "a-" + uuid4().hex; buf >= 35 bytes. */
int rules_new_assessment_id(char *buf, struct err *err);
/* "ls-" + 32 lowercase hex (SqlLabelSchema.LABEL_SCHEMA_ID_PREFIX and a
 * uuid4().hex); buf >= 36 bytes. */
int rules_new_schema_id(char *buf, struct err *err);
/* A review queue id as MLflow's create_review_queue makes one: "rq-" +
 * uuid4().hex (36 bytes with the NUL). */
int rules_new_queue_id(char *buf, struct err *err);

/* Whether an assessment's metadata scopes it to a session (it then applies
 * to every trace of the session: filters and counts must see it). */
bool rules_session_scoped(const char *metadata_json);

/* A value that counts as numeric for the aggregate columns of newer
 * stores: a JSON boolean or a JSON number (RFC 8259 grammar). */
enum rules_numeric {
	RULES_NUM_NONE = 0,
	RULES_NUM_BOOL,
	RULES_NUM_NUMBER,
};

enum rules_numeric rules_numeric_kind(const char *value_json);

/* ---- traces ------------------------------------------------------------ */

/* A trace to import: it has an id, and so does each of its spans. */
int rules_check_trace(const struct trace *t, struct err *err);

/* The tags (metadata: false) or the metadata (true) to store with a trace:
 * its own list, then the entries its row stands for where the list lacks
 * the key: the name (tag mlflow.traceName), where the spans are (tag
 * mlflow.trace.spansLocation = TRACKING_STORE for a trace with spans; this
 * one replaces the list's own), the user and the session (metadata
 * mlflow.trace.user, mlflow.trace.session).  put is called once a pair, in
 * that order (a key of the list given twice: its last value counts); its
 * failure ends the walk. */
typedef int (*rules_put_kv)(void *ctx, const char *key, const char *value, struct err *err);
int rules_trace_kvs(const struct trace *t, bool metadata, rules_put_kv put, void *ctx,
		    struct err *err);

/* Whether the trace's tags say its spans are in the tracking store. */
bool rules_spans_in_store(const struct kv_list *tags);
/* Sets spans_state and spans_note once the backend has loaded the spans
 * it holds; looked: it looked for them (the tags say they are there and
 * the store can hold spans). */
void rules_spans_state(struct trace *t, bool looked);

/* ---- list rows --------------------------------------------------------- */

/* Adds one valid feedback value to a row's cells.  Called with the
 * feedback of the row oldest first (last_updated_timestamp, then id), the
 * latest of each source stays: HUMAN, LLM_JUDGE, CODE, and HUMAN from `me`
 * (may be NULL).  Other source types are ignored. */
void rules_fold(struct trace_row *r, const char *name, const char *source_type,
		const char *source_id, const char *value, const char *me);
/* Puts every row's cells in name order, once all feedback is folded. */
void rules_fold_end(struct trace_row *rows, size_t n);

/* ---- messages ---------------------------------------------------------- */

/* ERR_NOTFOUND naming ids that come from users or from the store: each is
 * made safe to show (no control characters, one line) and cut to
 * RULES_ID_SHOWN bytes.  fmt has one or two %s; b is NULL when it has one. */
#define RULES_ID_SHOWN 200
int rules_not_found(struct err *err, const char *fmt, const char *a, const char *b);
/* The messages of the rows an operation needs. */
int rules_no_trace(struct err *err, const char *trace_id);
int rules_no_span(struct err *err, const char *span_id, const char *trace_id);
int rules_no_assessment(struct err *err, const char *assessment_id);
int rules_no_override(struct err *err, const char *assessment_id, const char *trace_id);

void rules_free_names(char **names, size_t n);

#endif
