#ifndef TB_JSON_SCHEMA_INPUT_H
#define TB_JSON_SCHEMA_INPUT_H
/*
 * The input_config column of MLflow's label_schemas (core/schema.h): read
 * into struct schema_input, and written byte for byte as MLflow's
 * _input_to_dict writes it (json.dumps of a dict in its key order, so
 * ", " and ": " separators, ensure_ascii, floats as Python's repr):
 *
 *   pass_fail    {"positive_label": "Correct", "negative_label": "Incorrect"}
 *   categorical  {"options": ["low", "high"], "multi_select": false}
 *   numeric      {"min_value": 1.0, "max_value": 5.0}   (null: no bound)
 *   text         {"max_length": 500}                    (null: no limit)
 *
 * Ownership: out is the caller's (schema_input_free); inputs borrowed.
 */
#include "core/err.h"
#include "core/schema.h"
#include "core/strbuf.h"

/* Decodes input_config for input_type; ERR_PARSE naming the field when
 * the JSON does not have MLflow's shape (a missing optional bound or limit
 * is none, as MLflow's _input_from_dict reads it). */
int schema_input_parse(const char *input_type, const char *config_json,
		       struct schema_input *out, struct err *err);

/* Appends the input_config text of in. */
void schema_input_dump(const struct schema_input *in, struct strbuf *out);

#endif
