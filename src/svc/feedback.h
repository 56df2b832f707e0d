#ifndef TB_SVC_FEEDBACK_H
#define TB_SVC_FEEDBACK_H
/*
 * Feedback operations with MLflow's API semantics, on top of the store:
 * log_feedback (value typed from text), update (metadata merged, as
 * update_assessment does), override_feedback (new row overriding an old one,
 * same name and span), delete (restores what it overrode).  Used by the
 * headless commands and by the labelling screen alike.
 *
 * Strings are borrowed; out_id receives the new assessment id (>= 64 bytes).
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/model.h"
#include "core/pyjson.h"
#include "store/store.h"

struct feedback_req {
	const char *trace_id;
	const char *span_id;        /* NULL: the whole trace */
	const char *name;
	const char *value_text;     /* as typed; encoded per `type` */
	enum value_type type;
	const char *rationale;      /* NULL: none */
	const char *source_type;    /* NULL: HUMAN */
	const char *source_id;
	const char *const *metadata; /* "K=V" strings, NULL-terminated, or NULL */
	bool expectation;           /* log_expectation instead (no rationale) */
};

/* log_feedback; checks the trace (and span) exist and the value fits the
 * type, before anything is written. */
int svc_log_feedback(struct store *st, const struct feedback_req *req, char *out_id,
		     struct err *err);

/* override_feedback: the new row gets the old row's name and span_id;
 * req->name and req->span_id are ignored. */
int svc_override_feedback(struct store *st, const char *old_id, const struct feedback_req *req,
			  char *out_id, struct err *err);

/* update_assessment: value (when value_text is set), rationale (when
 * set_rationale), metadata merged into the existing object. */
int svc_update_feedback(struct store *st, const char *assessment_id, const char *value_text,
			enum value_type type, bool set_rationale, const char *rationale,
			const char *const *metadata, struct err *err);

int svc_delete_feedback(struct store *st, const char *assessment_id, struct err *err);

/* The pieces the feedback commands hand to the journal (svc/label.h:
 * labeler_log and friends) instead of writing themselves. */

/* The row log_feedback (overrides NULL) or override_feedback writes for
 * req on this trace, span and name: the value typed and encoded, the
 * source normalised, metadata as an object, run_id from the metadata.
 * out->a borrows req's strings and out's buffers (svc_feedback_row_free). */
struct feedback_row {
	struct assessment_new a;
	char *value;                /* JSON text */
	char *metadata;             /* JSON object text, or NULL */
};
int svc_feedback_row(const struct feedback_req *req, const char *trace_id, const char *span_id,
		     const char *name, const char *overrides, struct feedback_row *out,
		     struct err *err);
void svc_feedback_row_free(struct feedback_row *f);
/* The trace exists, and the span when one is named (also spans kept in
 * traces.json). */
int svc_check_target(struct store *st, const char *trace_id, const char *span_id,
		     struct err *err);
/* Reads an assessment that must exist and be feedback (ERR_USAGE for an
 * expectation). */
int svc_get_feedback(struct store *st, const char *id, struct assessment *out,
		     struct err *err);

/* MLflow's source type for what a user typed (case-insensitive): HUMAN,
 * LLM_JUDGE, CODE, SOURCE_TYPE_UNSPECIFIED, and AI_JUDGE normalised to
 * LLM_JUDGE; NULL gives HUMAN.  Returns a static string, or NULL when the
 * text names no source type. */
const char *svc_source_type(const char *s);

#endif
