#ifndef TB_CORE_MODEL_H
#define TB_CORE_MODEL_H
/*
 * The data model every layer shares: experiments, trace list rows, whole
 * traces with their spans, and assessments (feedback and expectations).
 *
 * Ownership: every char * below is owned by the struct that holds it (malloc'd,
 * NUL-terminated, may be NULL where documented).  Text is exactly as stored in
 * the MLflow store: untrusted, never sanitised here (drawing code sanitises).
 * Each *_free releases what the struct owns and leaves it zeroed, so a freed
 * struct can be reused or freed again.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/question.h"

/* ---- key/value lists (tags, metadata, span attributes) ---------------- */

struct kv {
	char *key;
	char *value;  /* may be NULL (SQL NULL) */
};

struct kv_list {
	struct kv *v;
	size_t n, cap;
};

void kv_list_add(struct kv_list *l, const char *key, const char *value); /* copies both */
/* Replaces the value of an existing key or adds it. */
void kv_list_set(struct kv_list *l, const char *key, const char *value);
const char *kv_list_get(const struct kv_list *l, const char *key); /* borrowed or NULL */
void kv_list_free(struct kv_list *l);

/* ---- experiments ------------------------------------------------------- */

struct experiment {
	int64_t id;
	char *name;
	char *artifact_location;  /* may be NULL */
	char *lifecycle_stage;    /* "active" | "deleted" */
	int64_t trace_count;      /* -1 until counted (counting is on demand) */
};

struct experiment_list {
	struct experiment *v;
	size_t n, cap;
};

void experiment_list_free(struct experiment_list *l);

/* ---- assessments ------------------------------------------------------- */

/* One row of MLflow's `assessments` table, columns as stored. */
struct assessment {
	char *id;              /* "a-" + 32 hex */
	char *trace_id;
	char *name;
	char *type;            /* "feedback" | "expectation" | "issue" */
	char *value;           /* JSON text as stored (json.dumps) */
	char *error;           /* JSON text or NULL */
	int64_t created_ms;
	int64_t updated_ms;
	char *source_type;     /* "HUMAN" | "LLM_JUDGE" | "CODE" | ... */
	char *source_id;       /* may be NULL */
	char *run_id;          /* may be NULL */
	char *span_id;         /* may be NULL: the whole trace */
	char *rationale;       /* may be NULL */
	char *overrides;       /* id this row supersedes, or NULL */
	bool valid;
	char *metadata;        /* JSON object text or NULL */
};

struct assessment_list {
	struct assessment *v;
	size_t n, cap;
};

void assessment_free(struct assessment *a);
void assessment_copy(struct assessment *dst, const struct assessment *src); /* deep */
void assessment_list_free(struct assessment_list *l);
/* Appends a deep copy. */
void assessment_list_add(struct assessment_list *l, const struct assessment *a);
/* Borrowed pointer to the row with this id, or NULL. */
struct assessment *assessment_list_find(const struct assessment_list *l, const char *id);

/* What a feedback write needs (log / override).  All strings are borrowed.
 * value_json must already be valid JSON in Python json.dumps form (see
 * core/pyjson.h).  Optional fields may be NULL. */
struct assessment_new {
	const char *id;            /* NULL: generate "a-" + 32 lowercase hex */
	const char *trace_id;
	const char *name;
	const char *type;          /* NULL: "feedback" */
	const char *value_json;
	const char *error_json;
	const char *source_type;   /* NULL: "HUMAN" */
	const char *source_id;
	const char *run_id;
	const char *span_id;
	const char *rationale;
	const char *metadata_json; /* JSON object text, or NULL for none */
	const char *overrides;     /* override: the id this row supersedes */
	int64_t created_ms;        /* 0: now */
	int64_t updated_ms;        /* 0: same as created */
};

/* An update (MLflow update_assessment): NULL fields stay as they are.
 * metadata_json is the complete, already merged object text. */
struct assessment_update {
	const char *name;
	const char *value_json;
	bool set_rationale;        /* true: rationale below (NULL clears it) */
	const char *rationale;
	const char *metadata_json;
	int64_t updated_ms;        /* 0: now */
};

/* One answer: a valid feedback row as a scan over traces gives it, with the
 * question it answers (core/question.h: target NULL for the trace, which a
 * row on the trace's root span answers too, else the span id).  Borrowed:
 * valid only during the call that hands it over. */
struct answer_row {
	const char *trace_id;
	const char *name;
	const char *target;        /* NULL: the trace */
	const char *source_type;   /* may be NULL */
	const char *source_id;     /* may be NULL */
	const char *value;         /* JSON text, may be NULL (an error-only row) */
	const char *assessment_id;
	int64_t updated_ms;
};

/* A visitor of answer rows (store_scan_feedback); -1 stops the visit. */
struct err;
typedef int (*answer_fn)(void *ctx, const struct answer_row *r, struct err *err);

/* ---- trace list rows --------------------------------------------------- */

/* Per feedback name, the latest valid value of each kind of source (raw JSON
 * text, NULL when there is none).  `mine` is the latest valid HUMAN value
 * whose source_id equals the configured one. */
struct fb_cell {
	char *name;
	char *human;
	char *judge;   /* LLM_JUDGE */
	char *code;    /* CODE */
	char *mine;
};

struct trace_row {
	char *id;                   /* request_id */
	int64_t experiment_id;
	int64_t timestamp_ms;
	int64_t duration_ms;        /* -1: unknown (NULL) */
	char *status;               /* "OK" | "ERROR" | "IN_PROGRESS" | ... */
	char *name;                 /* tag mlflow.traceName, or NULL */
	char *request_preview;      /* NULL when absent; often cut JSON */
	char *response_preview;
	char *user;                 /* metadata mlflow.trace.user */
	char *session;              /* metadata mlflow.trace.session */
	char *client_request_id;
	struct fb_cell *fb;         /* sorted by name */
	size_t nfb;
	int64_t queue_ms;           /* SORT_QUEUE: when the trace was attached to
	                               the queue (INT64_MIN: it is not) */
};

void trace_row_free(struct trace_row *r);
void trace_row_copy(struct trace_row *dst, const struct trace_row *src);
/* Borrowed cell for a feedback name, or NULL. */
const struct fb_cell *trace_row_fb(const struct trace_row *r, const char *name);

/* ---- paging ------------------------------------------------------------ */

enum sort_key {
	SORT_TIME = 0,   /* timestamp_ms */
	SORT_DURATION,   /* execution_time_ms (NULLs last) */
	SORT_STATUS,
	SORT_NAME,       /* tag mlflow.traceName */
	SORT_QUEUE,      /* the order of page_req.queue_id's items, as MLflow
	                    lists them: attached newest first, then by id
	                    (trace_row.queue_ms; rows not in it last) */
};

/* A keyset position: the sort value and trace id of a row.  Build one with
 * page_cursor_from_row; copies its strings. */
struct page_cursor {
	bool set;
	int64_t num;     /* SORT_TIME / SORT_DURATION value (INT64_MIN: NULL) */
	char *str;       /* SORT_STATUS / SORT_NAME value (NULL: SQL NULL) */
	char *id;
};

void page_cursor_from_row(struct page_cursor *c, enum sort_key sort, const struct trace_row *r);
void page_cursor_free(struct page_cursor *c);

enum page_dir {
	PAGE_AFTER = 0,  /* rows after the cursor (or the first rows) */
	PAGE_BEFORE,     /* rows before the cursor (or the last rows), still
	                    returned in display order */
};

/* Quick filters, combined with AND with the filter expression. */
enum {
	QF_ERRORS      = 1u << 0,  /* status = 'ERROR' */
	QF_UNLABELLED  = 1u << 1,  /* not complete for `me`: a required question of
	                              `questions` lacks my valid answer (none
	                              required: none has one; questions NULL: no
	                              valid feedback of mine at all) */
	QF_HAS_JUDGE   = 1u << 2,  /* some valid LLM_JUDGE feedback */
	QF_DISAGREE    = 1u << 3,  /* a valid answer of mine differs from a valid
	                              LLM_JUDGE answer to the same question
	                              (core/question.h: name and target, root-span
	                              rows being the trace's) */
};

struct page_req {
	int64_t experiment_id;
	enum sort_key sort;
	bool ascending;            /* false: newest / largest first */
	enum page_dir dir;
	const struct page_cursor *cursor; /* NULL or !set: from the start / end */
	size_t limit;
	const char *me;            /* source_id for fb_cell.mine and QF_* (may be NULL) */
	const char *filter;        /* search_traces filter text, or NULL */
	unsigned quick;            /* QF_* bits */
	const struct question_ref *questions; /* what QF_UNLABELLED looks at; ends
	                              with a NULL name; NULL: any feedback */
	const char *search;        /* free text in previews and names, or NULL */
	bool ids_only;             /* rows carry only their id and sort values (time,
	                              duration, status, name): no previews, no
	                              feedback cells (for scans over every trace) */
	bool first;                /* the first matching row only (limit is taken
	                              as 1, more is left false): a scan walks the
	                              list's order and stops at its first match */
	const struct page_cursor *until; /* NULL or !set: no bound; else only rows
	                              before this one (in the direction asked), so
	                              that a search wrapping around stops where it
	                              began.  A backend may look further (it only
	                              bounds the work); rows at or past it are
	                              never returned by the SQL backend */
	const char *queue_id;      /* SORT_QUEUE: the review queue whose order
	                              rows take (the filter queue.<name> chooses
	                              which rows) */
};

struct trace_page {
	struct trace_row *v;
	size_t n, cap;
	bool more;                 /* more rows exist in the direction asked */
};

void trace_page_free(struct trace_page *p);

/* ---- spans ------------------------------------------------------------- */

enum span_status {
	SPAN_UNSET = 0,
	SPAN_OK,
	SPAN_ERROR,
};

/* Parses "OK", "ERROR", "UNSET", "STATUS_CODE_OK", ... (unknown: UNSET). */
enum span_status span_status_parse(const char *s);
const char *span_status_name(enum span_status s);

#define SPAN_NONE ((size_t)-1)

enum {
	SPAN_F_ORPHAN    = 1u << 0,  /* its parent id names no span in the trace */
	SPAN_F_CYCLE     = 1u << 1,  /* its parent chain loops; shown as a root */
	SPAN_F_DUPLICATE = 1u << 2,  /* a second span with the same id */
	SPAN_F_BADJSON   = 1u << 3,  /* content could not be parsed */
};

/* The light part of a span: enough for the tree and the waterfall.  The full
 * JSON stays in `content` and is parsed only when the span is shown. */
struct span {
	char *id;            /* 16 lowercase hex (as in spans.span_id) */
	char *parent_id;     /* NULL for a root */
	char *name;
	char *type;          /* "LLM", "CHAIN", ... or NULL */
	enum span_status status;
	int64_t start_ns;
	int64_t end_ns;      /* < 0: unknown / unfinished */
	char *content;       /* span JSON as stored (owned); may be NULL */

	/* Tree links, filled by span_tree_build (indices into trace.spans). */
	size_t parent;
	size_t first_child;
	size_t next_sibling;
	int depth;
	unsigned flags;      /* SPAN_F_* */
};

void span_free(struct span *s);

/* ---- spans across traces (the spans view, `tracelab spans`) ------------ */

enum span_sort {
	SPAN_SORT_DURATION = 0,   /* end - start; unfinished spans have none */
	SPAN_SORT_START,          /* start time */
};

/* Where a page of spans continues: after the row it was taken from, in
 * the order of the request (value, then tie, both as the backend keeps
 * them). */
struct span_cursor {
	bool set;
	bool null;                 /* the row's sort value is NULL (no end) */
	int64_t num;               /* the row's sort value */
	int64_t tie;               /* the backend's tie-break (SQLite: the rowid) */
};

/* One span of the listing, with the trace it belongs to.  Owned strings. */
struct span_row {
	char *trace_id;
	char *span_id;
	char *parent_id;           /* NULL (or "") for a root span */
	char *name;                /* may be NULL */
	char *type;                /* may be NULL */
	char *status;              /* as stored: "OK", "ERROR", "UNSET" */
	int64_t start_ns;
	int64_t end_ns;            /* < 0: unfinished */
	char *trace_name;          /* the trace's mlflow.traceName, or NULL */
	struct span_cursor at;     /* the cursor that continues after this row */
};

struct span_req {
	int64_t experiment_id;
	const char *filter;        /* the filter language; span conditions are on
	                              the span listed (all of them on that one
	                              span), the others on its trace; NULL: none */
	enum span_sort sort;
	bool ascending;            /* false: longest / newest first */
	const struct span_cursor *after;  /* NULL or !set: from the start */
	size_t limit;
};

struct span_page {
	struct span_row *v;
	size_t n, cap;
	bool more;                 /* rows exist after the last one */
};

void span_row_free(struct span_row *r);
void span_page_free(struct span_page *p);
/* ms, or -1 when the span has no end. */
int64_t span_row_duration_ms(const struct span_row *r);

/* ---- traces ------------------------------------------------------------ */

enum spans_state {
	SPANS_LOADED = 0,    /* spans[] holds the spans */
	SPANS_MISSING,       /* nowhere to be found; spans_note says where we looked */
	SPANS_ERROR,         /* found but unreadable; spans_note says why */
};

struct trace {
	struct trace_row info;          /* fb/nfb are not filled for a loaded trace */
	struct kv_list tags;
	struct kv_list metadata;
	struct assessment_list assessments; /* all rows, valid and overridden, by created time */
	struct span *spans;             /* root first, then by start time */
	size_t nspans, cap_spans;
	size_t first_root;              /* SPAN_NONE when there are no spans */
	enum spans_state spans_state;
	char *spans_note;               /* human-readable, or NULL */
};

void trace_free(struct trace *t);
/* Appends a span (takes ownership of the strings inside *s, zeroes *s). */
void trace_add_span(struct trace *t, struct span *s);

/* Builds parent/child/sibling links and depths from id/parent_id.
 * Tolerates orphans (shown as roots, SPAN_F_ORPHAN), cycles (the span where
 * the loop is detected becomes a root, SPAN_F_CYCLE) and duplicate ids.
 * Children are ordered by start time.  O(n log n). */
void span_tree_build(struct trace *t);

/* Preorder traversal helper: the next span after i in tree order, or
 * SPAN_NONE.  With skip_children, i's subtree is skipped (folded). */
size_t span_tree_next(const struct trace *t, size_t i, bool skip_children);

#endif
