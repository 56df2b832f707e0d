#include "svc/feedback.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/emit.h"
#include "svc/trace.h"

/* MLflow's AssessmentSourceType names, and the deprecated alias it accepts. */
static const struct {
	const char *name;
	const char *canonical;
} source_types[] = {
	{ "HUMAN", "HUMAN" },
	{ "LLM_JUDGE", "LLM_JUDGE" },
	{ "CODE", "CODE" },
	{ "SOURCE_TYPE_UNSPECIFIED", "SOURCE_TYPE_UNSPECIFIED" },
	{ "AI_JUDGE", "LLM_JUDGE" },
};

const char *svc_source_type(const char *s)
{
	size_t i;

	if (!s)
		return "HUMAN";
	for (i = 0; i < sizeof source_types / sizeof source_types[0]; i++)
		if (strcasecmp(source_types[i].name, s) == 0)
			return source_types[i].canonical;
	return NULL;
}

/* MLflow takes run_id from this metadata key when none is given. */
#define RUN_ID_KEY "mlflow.assessment.sourceRunId="

static const char *run_id_from(const char *const *metadata)
{
	const char *run = NULL;

	for (; metadata && *metadata; metadata++)
		if (str_starts(*metadata, RUN_ID_KEY))
			run = *metadata + strlen(RUN_ID_KEY);
	return run && *run ? run : NULL;
}

/* The row MLflow's create_assessment writes: the value typed and
 * encoded, the source type normalised, metadata as an object (NULL when
 * there is none), run_id from the metadata. */
int svc_feedback_row(const struct feedback_req *req, const char *trace_id, const char *span_id,
		     const char *name, const char *overrides, struct feedback_row *out,
		     struct err *err)
{
	struct assessment_new *a = &out->a;
	struct strbuf value = STRBUF_INIT;

	memset(out, 0, sizeof *out);
	if (!req->value_text)
		return err_set(err, ERR_USAGE, "a feedback needs a value");
	if (pyjson_encode_value(req->value_text, req->type, &value, err) < 0) {
		sb_free(&value);
		return -1;
	}
	out->value = sb_take(&value);
	a->source_type = svc_source_type(req->source_type);
	if (!a->source_type) {
		err_set(err, ERR_USAGE, "unknown source type '%s' (HUMAN, LLM_JUDGE or CODE)",
			req->source_type);
		goto fail;
	}
	if (req->metadata && *req->metadata) {
		out->metadata = metadata_from_pairs(req->metadata, err);
		if (!out->metadata)
			goto fail;
	}
	a->trace_id = trace_id;
	a->span_id = span_id;
	a->name = name;
	a->type = req->expectation ? "expectation" : "feedback";
	a->value_json = out->value;
	a->source_id = req->source_id;
	a->rationale = req->rationale;
	a->metadata_json = out->metadata;
	a->run_id = run_id_from(req->metadata);
	a->overrides = overrides;
	return 0;
fail:
	svc_feedback_row_free(out);
	return -1;
}

void svc_feedback_row_free(struct feedback_row *f)
{
	free(f->value);
	free(f->metadata);
	memset(f, 0, sizeof *f);
}

/* Writes a feedback row as MLflow's create_assessment does.  With
 * `overrides` set, the old row becomes invalid in the same transaction. */
static int write_feedback(struct store *st, const struct feedback_req *req,
			  const char *trace_id, const char *span_id, const char *name,
			  const char *overrides, char *out_id, struct err *err)
{
	struct feedback_row f;
	int rc;

	if (svc_feedback_row(req, trace_id, span_id, name, overrides, &f, err) < 0)
		return -1;
	rc = store_log_assessment(st, &f.a, out_id, err);
	svc_feedback_row_free(&f);
	return rc;
}

/* The trace must exist, and the span when one is named.  The store checks
 * spans it holds; spans kept in traces.json are checked here. */
int svc_check_target(struct store *st, const char *trace_id, const char *span_id,
		     struct err *err)
{
	struct trace t = { 0 };
	size_t i;
	int rc = -1;

	if (store_check_target(st, trace_id, span_id, err) < 0)
		return -1;
	if (!span_id)
		return 0;
	if (svc_load_trace(st, trace_id, &t, err) < 0)
		goto out;
	if (t.spans_state == SPANS_LOADED) {
		for (i = 0; i < t.nspans && !str_eq(t.spans[i].id, span_id); i++)
			;
		if (i == t.nspans) {
			err_set(err, ERR_NOTFOUND, "no span %s in trace %s", span_id, trace_id);
			goto out;
		}
	}
	rc = 0;
out:
	trace_free(&t);
	return rc;
}

int svc_log_feedback(struct store *st, const struct feedback_req *req, char *out_id,
		     struct err *err)
{
	if (!req->trace_id || !*req->trace_id)
		return err_set(err, ERR_USAGE, "no trace id given");
	if (!req->name || !*req->name)
		return err_set(err, ERR_USAGE, "the feedback name is empty");
	if (svc_check_target(st, req->trace_id, req->span_id, err) < 0)
		return -1;
	return write_feedback(st, req, req->trace_id, req->span_id, req->name, NULL, out_id,
			      err);
}

int svc_get_feedback(struct store *st, const char *id, struct assessment *out,
		     struct err *err)
{
	if (store_get_assessment(st, id, out, err) < 0)
		return -1;
	if (!str_eq(out->type, "feedback"))
		return err_set(err, ERR_USAGE, "%s is %s %s, not feedback", id,
			       str_eq(out->type, "expectation") ? "an" : "a",
			       out->type ? out->type : "assessment");
	return 0;
}

int svc_override_feedback(struct store *st, const char *old_id, const struct feedback_req *req,
			  char *out_id, struct err *err)
{
	struct assessment old = { 0 };
	int rc = -1;

	if (svc_get_feedback(st, old_id, &old, err) < 0)
		goto out;
	if (req->trace_id && !str_eq(req->trace_id, old.trace_id)) {
		err_set(err, ERR_NOTFOUND, "%s belongs to trace %s, not %s", old_id, old.trace_id,
			req->trace_id);
		goto out;
	}
	if (store_check_target(st, old.trace_id, NULL, err) < 0)
		goto out;
	rc = write_feedback(st, req, old.trace_id, old.span_id, old.name, old_id, out_id, err);
out:
	assessment_free(&old);
	return rc;
}

int svc_update_feedback(struct store *st, const char *assessment_id, const char *value_text,
			enum value_type type, bool set_rationale, const char *rationale,
			const char *const *metadata, struct err *err)
{
	struct assessment old = { 0 };
	struct assessment_update u = { 0 };
	struct strbuf value = STRBUF_INIT;
	char *added = NULL, *merged = NULL;
	int rc = -1;

	if (svc_get_feedback(st, assessment_id, &old, err) < 0)
		goto out;
	if (value_text) {
		if (pyjson_encode_value(value_text, type, &value, err) < 0)
			goto out;
		u.value_json = sb_str(&value);
	}
	if (metadata && *metadata) {
		added = metadata_from_pairs(metadata, err);
		if (!added)
			goto out;
		merged = json_merge_objects(old.metadata, added);
		if (!merged) {
			err_set(err, ERR_RUNTIME, "the metadata of %s is not a JSON object",
				assessment_id);
			goto out;
		}
		u.metadata_json = merged;
	}
	u.set_rationale = set_rationale;
	u.rationale = rationale;
	rc = store_update_assessment(st, assessment_id, &u, err);
out:
	assessment_free(&old);
	sb_free(&value);
	free(added);
	free(merged);
	return rc;
}

int svc_delete_feedback(struct store *st, const char *assessment_id, struct err *err)
{
	return store_delete_assessment(st, assessment_id, err);
}
