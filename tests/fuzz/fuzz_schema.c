/*
 * Fuzz target: the input_config column of MLflow's label_schemas
 * (json/schema_input.h), which comes from the store and may be anything.
 * The first byte picks the input type, the rest is the JSON text.
 *
 * Checks: parsing returns 0 or -1, and -1 carries a message; what parsed
 * is written back as text that parses again to the same text (the writer
 * and the reader agree); the question made from it is safe to free;
 * nothing leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/question.h"
#include "core/schema.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "fuzz_safe.h"
#include "json/schema_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema_input in = { 0 }, again = { 0 };
	struct strbuf once = { 0 }, twice = { 0 };
	struct err err = { 0 };
	const char *type;
	char *json;
	int rc;

	if (size < 1)
		return 0;
	type = schema_input_name((enum schema_input_type)(data[0] % SI_COUNT_));
	json = xstrndup((const char *)data + 1, size - 1);
	rc = schema_input_parse(type, json, &in, &err);
	if (rc != 0 && rc != -1)
		FUZZ_FAIL("schema_input_parse returned %d", rc);
	if (rc < 0 && !err.msg[0])
		FUZZ_FAIL("schema_input_parse failed without a message");
	if (rc == 0) {
		struct schema_row row = { .schema_id = (char *)"ls-fuzz", .name = (char *)"q",
					  .type = (char *)"feedback", .input_type = (char *)type,
					  .input_config = json, .enable_comment = true };
		struct label_schema q = { 0 };

		(void)schema_validate("q", "feedback", NULL, &in, &err);
		schema_input_dump(&in, &once);
		if (schema_input_parse(type, sb_str(&once), &again, &err) != 0)
			FUZZ_FAIL("%s: its own output does not parse: %s (%s)", type,
				  sb_str(&once), err.msg);
		schema_input_dump(&again, &twice);
		if (strcmp(sb_str(&once), sb_str(&twice)) != 0)
			FUZZ_FAIL("%s: written twice differs: %s / %s", type, sb_str(&once),
				  sb_str(&twice));
		schema_to_question(&row, &in, &q);
		label_schema_free(&q);
	}
	schema_input_free(&in);
	schema_input_free(&again);
	sb_free(&once);
	sb_free(&twice);
	free(json);
	return 0;
}
