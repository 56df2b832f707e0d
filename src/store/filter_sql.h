#ifndef TB_STORE_FILTER_SQL_H
#define TB_STORE_FILTER_SQL_H
/*
 * MLflow's search_traces filter language (plus OR, NOT and parentheses)
 * compiled to a parameterised SQLite WHERE fragment over trace_info.
 * Values are always bound, never spliced into the SQL text.
 *
 * The fragment refers to the trace row as `ti` (trace_info AS ti) and uses
 * only `?` placeholders, whose values are params[0..n) in order.  The caller
 * appends "AND (<sql>)" to its query and binds the params after its own.
 *
 * Errors: ERR_PARSE with a message "col N: what is wrong" (N 1-based, the
 * column in the filter text) and err_col set.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strbuf.h"

enum sql_param_kind {
	SQLP_TEXT,
	SQLP_INT,
	SQLP_REAL,
};

struct sql_param {
	enum sql_param_kind kind;
	char *text;     /* owned, for SQLP_TEXT */
	int64_t i;
	double d;
};

struct sql_where {
	struct strbuf sql;
	struct sql_param *params;
	size_t n, cap;
	int err_col;    /* 1-based column of a parse error, 0 if none */
	bool queues;    /* the SQL reads MLflow 3.14's review-queue tables */
};

int filter_to_sql(const char *filter, struct sql_where *out, struct err *err);
void sql_where_free(struct sql_where *w);

/* Compile options (filter_to_sql uses none). */
enum {
	/* Leave out session-scoped assessments (MLflow: feedback whose
	 * assessment_metadata names mlflow.trace.session applies to every trace
	 * of that session).  Finding them reads every assessment row of the
	 * type, once per query: a store that knows it holds none (see
	 * FILTER_SQL_SESSION_PROBE) passes this and keeps feedback filters on
	 * the per-trace index alone. */
	FSQL_NO_SESSION_SCOPE = 1u << 0,
	/* A query over spans rather than traces: its row is the span `fs`
	 * (spans AS fs) joined to its trace `ti`; span conditions apply to
	 * that span (wherever they stand, inside OR and NOT too) instead of
	 * asking whether some span of the trace matches. */
	FSQL_SPAN_ROW = 1u << 1,
	/* The spans table has MLflow's generated column duration_ns (indexed
	 * with the experiment): span.duration_ms compares it, so that the
	 * index can serve a range. */
	FSQL_DURATION_COLUMN = 1u << 2,
};

int filter_to_sql_opts(const char *filter, unsigned opts, struct sql_where *out,
		       struct err *err);

/* One row, one column: 1 when the store holds session-scoped assessments.
 * A full read of the assessments table: run it once and remember the answer
 * until the data changes. */
#define FILTER_SQL_SESSION_PROBE \
	"SELECT EXISTS (SELECT 1 FROM assessments" \
	" WHERE assessment_metadata LIKE '%\"mlflow.trace.session\"%')"

#endif
