#ifndef TB_CORE_QUESTION_H
#define TB_CORE_QUESTION_H
/*
 * Questions and the rule of which question a feedback row answers.
 *
 * A question (struct label_schema, "a label") is what an annotator is
 * asked about a trace: an MLflow feedback name, a kind of answer (boolean,
 * numeric with a range, categorical with options, text), the instruction,
 * whether an answer is required for the trace to be complete, whether a
 * rationale is asked for, what the answer may target (the trace, a span,
 * either) and the keys that give each value.  The configuration file
 * declares them (config/config.h); other sources (MLflow's label schemas)
 * fill the same structure.
 *
 * The rule.  A question is a feedback name on a target: the whole trace,
 * or one span of it.  MLflow's LLM judges (mlflow.genai scorers) attach
 * their feedback to the trace's root span, while a human's trace-level
 * label has no span at all; both answer the same question.  So,
 * everywhere two rows are compared (the disagreement mark and filter, the
 * override offer, the list's feedback columns, progress, agreement
 * figures):
 *
 *     a row with span_id NULL, "" or the id of the trace's root span (the
 *     span without a parent) answers the trace's question; any other
 *     span_id answers that span's question.
 *
 * The store applies the same rule in SQL.  Values are compared by
 * question_values_agree: booleans, numbers (4 == 4.0), strings (trimmed,
 * ASCII case ignored), a boolean against "yes"/"no"/"true"/"false".
 *
 * Ownership: struct label_schema owns its strings and arrays (freed by
 * whoever filled it: config_free for the configuration's).  The functions
 * are pure; strings passed in are borrowed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/keys.h"
#include "core/pyjson.h"

/* ---- questions --------------------------------------------------------- */

/* Row: X(ID, "yaml-name") */
#define LABEL_TYPE_LIST(X) \
	X(BOOLEAN, "boolean") \
	X(NUMERIC, "numeric") \
	X(CATEGORICAL, "categorical") \
	X(TEXT, "text")

enum label_type {
#define X_(id, name) LABEL_##id,
	LABEL_TYPE_LIST(X_)
#undef X_
	LABEL_TYPE_COUNT_
};

#define RATIONALE_LIST(X) \
	X(NONE, "none") \
	X(OPTIONAL, "optional") \
	X(REQUIRED, "required")

enum rationale_mode {
#define X_(id, name) RATIONALE_##id,
	RATIONALE_LIST(X_)
#undef X_
	RATIONALE_COUNT_
};

/* What an answer to a question may target. */
#define TARGET_LIST(X) \
	X(TRACE, "trace") \
	X(SPAN, "span") \
	X(ANY, "any")

enum question_target {
#define X_(id, name) QT_##id,
	TARGET_LIST(X_)
#undef X_
	QT_COUNT_
};

/* How answers are compared when agreement is measured (`scale:`): the
 * default is nominal for booleans and categories, interval for numbers;
 * ordinal puts numbers in their order and categories in their options'. */
#define LABEL_SCALE_LIST(X) \
	X(DEFAULT, "default") \
	X(NOMINAL, "nominal") \
	X(ORDINAL, "ordinal") \
	X(INTERVAL, "interval")

enum label_scale {
#define X_(id, name) SCALE_##id,
	LABEL_SCALE_LIST(X_)
#undef X_
	SCALE_COUNT_
};

/* One key of a question and the value it gives. */
struct label_key {
	struct keyseq seq;
	/* The value as text, to be encoded with label_value_type(): "true",
	 * "false", "4", "0.5", "billing".  NULL for a text question: the key
	 * opens the editor. */
	char *value;
	int line, col;          /* where the key is written (0: nowhere) */
};

struct label_schema {
	char *name;             /* the MLflow feedback name */
	enum label_type type;
	bool has_min, has_max;  /* numeric range, when given */
	double min, max;
	char **options;         /* categorical: the allowed values, in order */
	size_t noptions;
	char *instructions;     /* may be NULL */
	bool required;          /* a trace is complete when every required
	                           question has my answer (default true) */
	enum rationale_mode rationale;
	enum question_target target;  /* default QT_TRACE */
	enum label_scale scale;       /* how `tracelab agreement` compares answers */
	struct label_key *keys;
	size_t nkeys;
	int line, col;          /* where the schema starts (0: nowhere) */
	/* From MLflow's label schemas (core/schema.h); zero for the YAML's. */
	char *schema_id;        /* the store's schema, or NULL */
	bool expectation;       /* answers are expectations, not feedback */
	bool multi;             /* categorical: several options (a JSON list) */
	char *positive_label;   /* boolean: what true and false are called, */
	char *negative_label;   /* or NULL */
	int64_t max_length;     /* text: the longest answer (0: no limit) */
};

const char *label_type_name(enum label_type t);
const char *rationale_mode_name(enum rationale_mode r);
const char *question_target_name(enum question_target t);
/* The enum value of a name ("span"), or -1. */
int label_type_by_name(const char *s);
int rationale_mode_by_name(const char *s);
int question_target_by_name(const char *s);
/* How a question's values are encoded: VT_BOOL, VT_NUMBER or VT_TEXT. */
enum value_type label_value_type(const struct label_schema *l);
/* Frees what a schema owns and zeroes it. */
void label_schema_free(struct label_schema *l);
/* A deep copy of from into *to (which is overwritten). */
void label_schema_copy(struct label_schema *to, const struct label_schema *from);

/* A question as the store's quick filters and counts see it: its name,
 * what its answers target, whether it is required.  Arrays of them end
 * with a NULL name.  Strings borrowed. */
struct question_ref {
	const char *name;
	enum question_target target;
	bool required;
	bool expectation;       /* answered by expectations, not feedback */
};

/* ---- the rule ---------------------------------------------------------- */

/* The target a row with this span_id answers: NULL for the trace, else
 * span_id itself.  root_span_id may be NULL (unknown or no spans). */
const char *question_target(const char *span_id, const char *root_span_id);

/* Do two rows (name, span_id) answer the same question of one trace? */
bool question_same(const char *name_a, const char *span_a, const char *name_b,
		   const char *span_b, const char *root_span_id);

/* May an answer to a question of this target sit on this row's target
 * (span_id after question_target: NULL for the trace)? */
bool question_target_allows(enum question_target t, const char *target_span);

/* Do two stored JSON values say the same (see the top of this file)?
 * Anything but scalars compares as text. */
bool question_values_agree(const char *a_json, const char *b_json);
/* Does the stored value say something (not absent, not JSON null: the row
 * of an error)? */
bool question_has_value(const char *json);
/* Two answers that disagree: both have a value and they do not agree. */
bool question_values_differ(const char *a_json, const char *b_json);

#endif
