#include <string.h>

#include "core/question.h"

const char *question_target(const char *span_id, const char *root_span_id)
{
	if (!span_id || !*span_id)
		return NULL;
	if (root_span_id && *root_span_id && strcmp(span_id, root_span_id) == 0)
		return NULL;
	return span_id;
}

bool question_same(const char *name_a, const char *span_a, const char *name_b,
		   const char *span_b, const char *root_span_id)
{
	const char *ta, *tb;

	if (!name_a || !name_b || strcmp(name_a, name_b) != 0)
		return false;
	ta = question_target(span_a, root_span_id);
	tb = question_target(span_b, root_span_id);
	if (!ta || !tb)
		return ta == tb;
	return strcmp(ta, tb) == 0;
}
