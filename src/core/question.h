#ifndef TB_CORE_QUESTION_H
#define TB_CORE_QUESTION_H
/*
 * Which question a feedback row answers.  A question is a feedback name on
 * a target: the whole trace, or one span of it.  MLflow's LLM judges
 * (mlflow.genai scorers) attach their feedback to the trace's root span,
 * while a human's trace-level label has no span at all; both answer the same
 * question.  So, everywhere two rows are compared (the disagreement mark and
 * filter, the override offer, the list's feedback columns, progress,
 * agreement figures):
 *
 *     a row with span_id NULL, "" or the id of the trace's root span answers
 *     the trace's question; any other span_id answers that span's question.
 *
 * The store applies the same rule in SQL (the root span is the span of the
 * trace without a parent).  Pure functions; strings are borrowed.
 */
#include <stdbool.h>

/* The target a row with this span_id answers: NULL for the trace, else
 * span_id itself.  root_span_id may be NULL (unknown or no spans). */
const char *question_target(const char *span_id, const char *root_span_id);

/* Do two rows (name, span_id) answer the same question of one trace? */
bool question_same(const char *name_a, const char *span_a, const char *name_b,
		   const char *span_b, const char *root_span_id);

#endif
