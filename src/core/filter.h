#ifndef TB_CORE_FILTER_H
#define TB_CORE_FILTER_H
/*
 * The trace filter language: MLflow's search_traces grammar plus OR, NOT and
 * parentheses, parsed into a syntax tree.  Pure: no SQL here (the store
 * compiles the tree, see store/filter_sql.h), so the browser can check a
 * filter line as it is typed.
 *
 *   filter     := or
 *   or         := and { OR and }
 *   and        := unary { AND unary }
 *   unary      := NOT unary | '(' or ')' | comparison
 *   comparison := field op value
 *               | field [NOT] IN '(' value { ',' value } ')'
 *               | field IS [NOT] NULL
 *   field      := [entity '.'] key          (keys quoted with `...` or "...")
 *   op         := = | != | < | <= | > | >= | LIKE | ILIKE | RLIKE
 *   value      := 'text' | "text" | number
 *
 * Keywords are case-insensitive.  Fields:
 *   attributes./attribute./trace. or a bare key:
 *     status, request_id, client_request_id        (strings)
 *     timestamp(_ms), execution_time(_ms), end_time(_ms)  (numbers)
 *     name  (tag mlflow.traceName), run_id (metadata mlflow.sourceRun),
 *     text  (request/response previews and span content; LIKE, ILIKE)
 *   tags./tag.<key>, metadata./request_metadata.<key>
 *   span.name, span.type, span.status, span.content, span.attributes.<key>
 *   span.duration_ms, span.start_time_ms, span.end_time_ms  (numbers)
 *   feedback.<name>, expectation.<name>, issue.id
 *   queue.<name>  (tracelab's: the trace's status in the experiment's MLflow
 *                  review queue of that name, any case: 'pending',
 *                  'complete' or 'declined'; IS NULL: not in the queue)
 * An unquoted key may contain dots (tags.mlflow.traceName); a key with other
 * characters goes in backticks or double quotes (feedback."Relevance to
 * Query").  In quoted text a doubled quote or a backslash escapes the quote;
 * \\ \n \t \r are a backslash, newline, tab and carriage return; any other
 * backslash is kept as written (LIKE patterns keep their backslashes).
 *
 * Nesting deeper than 16 levels (parentheses and NOT), more than 256
 * conditions or more than 4096 values in all are refused ("filter too
 * long"), so that the compiled SQL stays within what SQLite parses.
 *
 * Each field accepts only the operators MLflow accepts for it (plus IN and
 * NOT IN on tags, metadata and assessments, and IS [NOT] NULL on attributes),
 * and numbers only where the field is numeric.  A malformed filter fails with ERR_PARSE and the
 * message "col N: what is wrong", N being the 1-based column (in characters)
 * in the filter text, also stored in *err_col.
 *
 * Ownership: filter_parse hands the caller a tree that filter_free releases;
 * every string in it is owned by its node.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum filter_kind {
	FILTER_AND,     /* kids[0..nkids), nkids >= 2 */
	FILTER_OR,      /* kids[0..nkids), nkids >= 2 */
	FILTER_NOT,     /* kids[0] */
	FILTER_CMP,     /* a comparison: field, op, values */
};

/* What a comparison looks at.  FF_TAG, FF_META, FF_SPAN_ATTR, FF_FEEDBACK
 * and FF_EXPECTATION carry a key; the others do not. */
enum filter_field {
	FF_STATUS,
	FF_REQUEST_ID,
	FF_CLIENT_REQUEST_ID,
	FF_TIMESTAMP,       /* timestamp_ms */
	FF_EXEC_TIME,       /* execution_time_ms */
	FF_END_TIME,        /* timestamp_ms + execution_time_ms */
	FF_NAME,            /* tag mlflow.traceName */
	FF_RUN_ID,          /* metadata mlflow.sourceRun */
	FF_TEXT,            /* previews and span content */
	FF_TAG,
	FF_META,
	FF_SPAN_NAME,
	FF_SPAN_TYPE,
	FF_SPAN_STATUS,
	FF_SPAN_CONTENT,
	FF_SPAN_ATTR,
	FF_SPAN_DURATION,   /* span end - start, in ms (tracelab's; not MLflow's) */
	FF_SPAN_START,      /* span start, ms since the epoch (tracelab's) */
	FF_SPAN_END,        /* span end, ms since the epoch (tracelab's) */
	FF_FEEDBACK,
	FF_EXPECTATION,
	FF_ISSUE,           /* issue.id */
	FF_QUEUE,           /* queue.<name>: the status of the trace's item in
	                       the experiment's review queue of that name */
};

enum filter_op {
	FOP_EQ,
	FOP_NE,
	FOP_LT,
	FOP_LE,
	FOP_GT,
	FOP_GE,
	FOP_LIKE,
	FOP_ILIKE,
	FOP_RLIKE,
	FOP_IN,
	FOP_NOT_IN,
	FOP_IS_NULL,
	FOP_IS_NOT_NULL,
};

struct filter_value {
	bool is_num;      /* a bare number (numeric fields only) */
	bool is_int;      /* ... that is a whole number: i holds it */
	int64_t i;
	double d;         /* the number as a double (both kinds) */
	char *text;       /* the string, or the number as written; owned */
	int col;          /* 1-based column where the value starts */
};

struct filter_node {
	enum filter_kind kind;
	int col;                      /* 1-based column where the node starts */

	/* FILTER_AND, FILTER_OR, FILTER_NOT */
	struct filter_node **kids;
	size_t nkids;

	/* FILTER_CMP */
	enum filter_field field;
	char *key;                    /* owned; NULL for fields without a key */
	enum filter_op op;
	int op_col;                   /* 1-based column of the operator */
	struct filter_value *vals;    /* none for IS [NOT] NULL, one or more for IN */
	size_t nvals;
};

/* Parses `text`.  An empty or blank filter gives *out = NULL (no filter).
 * On error returns -1 with ERR_PARSE "col N: ..." and *err_col = N (err_col
 * may be NULL); *out is then NULL. */
int filter_parse(const char *text, struct filter_node **out, int *err_col, struct err *err);
void filter_free(struct filter_node *n);   /* NULL is fine */

/* Names for messages and debugging: "=", "NOT IN", "IS NULL", ...;
 * "status", "tags", "span.attributes", "feedback", ... */
const char *filter_op_name(enum filter_op op);
const char *filter_field_name(enum filter_field f);

/* Does the field hold numbers (timestamp, execution time, end time, the
 * span times)? */
bool filter_field_numeric(enum filter_field f);
/* Is the field a span column or span attribute (matched on one span)? */
bool filter_field_is_span(enum filter_field f);

/* Writes the tree back as filter text, fully parenthesised, into a
 * malloc'd string the caller frees (tests and debugging). */
char *filter_to_string(const struct filter_node *n);

#endif
