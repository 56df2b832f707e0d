#ifndef TB_CORE_SCHEMA_H
#define TB_CORE_SCHEMA_H
/*
 * MLflow's label schemas (MLflow 3.14 and later): the questions a team
 * lead defines in the tracking store, one row of the `label_schemas` table
 * each, and how they become tracelab's questions (core/question.h).
 * docs/mlflow-review.md ("Label schemas") says where each rule below was
 * read in MLflow's source.
 *
 *   schema_id       "ls-" + 32 lowercase hex (VARCHAR(36))
 *   experiment_id   the experiment; (experiment_id, name) is unique
 *   name            free text (1..250): the reviewer's prompt and the
 *                   name of the assessment an answer writes
 *   type            "feedback" | "expectation" (immutable)
 *   instruction     NULL or text (<= 1000)
 *   enable_comment  0/1: whether a comment (the rationale) is offered
 *   input_type      "pass_fail" | "categorical" | "numeric" | "text"
 *   input_config    JSON text, json.dumps of the input's fields:
 *                     pass_fail    {"positive_label": S, "negative_label": S}
 *                     categorical  {"options": [S...], "multi_select": B}
 *                     numeric      {"min_value": F|null, "max_value": F|null}
 *                     text         {"max_length": N|null}
 *   created_by      NULL or the creator
 *   created_time, last_update_time   milliseconds
 *   is_default      0/1: the experiment's protected default question
 *                   (seeded by the server, neither editable nor deletable)
 *
 * The mapping to tracelab's kinds: pass_fail -> boolean (true is the
 * positive label), categorical -> categorical (multi_select: a list of
 * options), numeric -> numeric with its range, text -> text; enable_comment
 * -> rationale optional, else none; an expectation schema's answers are
 * expectations (which have no rationale in MLflow).
 *
 * Ownership: schema rows, lists and inputs own their strings
 * (schema_row_free, schema_list_free, schema_input_free).  The functions
 * are pure; what is passed in is borrowed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/question.h"

/* MLflow's validation limits (mlflow/genai/label_schemas/validation.py). */
#define SCHEMA_NAME_MAX 250
#define SCHEMA_INSTRUCTION_MAX 1000
#define SCHEMA_PASS_FAIL_LABEL_MAX 64
#define SCHEMA_OPTIONS_MAX 10
#define SCHEMA_OPTION_MAX 64
#define SCHEMA_ID_PREFIX "ls-"

/* Row: X(ID, "input_type") */
#define SCHEMA_INPUT_LIST(X) \
	X(PASS_FAIL, "pass_fail") \
	X(CATEGORICAL, "categorical") \
	X(NUMERIC, "numeric") \
	X(TEXT, "text")

enum schema_input_type {
#define X_(id, name) SI_##id,
	SCHEMA_INPUT_LIST(X_)
#undef X_
	SI_COUNT_
};

const char *schema_input_name(enum schema_input_type t);
int schema_input_by_name(const char *s);   /* -1 when unknown */

/* A row of label_schemas, as stored. */
struct schema_row {
	char *schema_id;
	int64_t experiment_id;
	char *name;
	char *type;             /* "feedback" | "expectation" */
	char *instruction;      /* may be NULL */
	bool enable_comment;
	char *input_type;
	char *input_config;     /* JSON text */
	char *created_by;       /* may be NULL */
	int64_t created_ms, updated_ms;
	bool is_default;
};

struct schema_list {
	struct schema_row *v;
	size_t n;
	bool table;             /* the store has a label_schemas table (MLflow 3.14+) */
};

void schema_row_free(struct schema_row *r);
void schema_list_free(struct schema_list *l);

/* The decoded input_config of a row. */
struct schema_input {
	enum schema_input_type type;
	char *positive_label, *negative_label;   /* pass_fail */
	char **options;                          /* categorical */
	size_t noptions;
	bool multi_select;
	bool has_min, has_max;                   /* numeric */
	double min, max;
	bool has_max_length;                     /* text */
	int64_t max_length;
};

void schema_input_free(struct schema_input *in);

/* Checks a schema as MLflow's create and update do (name, type,
 * instruction, the input's fields), with MLflow's wording. */
int schema_validate(const char *name, const char *type, const char *instruction,
		    const struct schema_input *in, struct err *err);

/* The question a row asks (in decoded from its input_config): name,
 * kind, range or options, instruction, rationale mode from
 * enable_comment, expectation or feedback, schema_id.  Required, on the
 * trace.  Keys are not set (svc/schemas.h gives them).  out is
 * overwritten. */
void schema_to_question(const struct schema_row *row, const struct schema_input *in,
			struct label_schema *out);

#endif
