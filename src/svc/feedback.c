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

/* The parts of a write shared by log and override: encoded value, source
 * type and metadata object.  Everything is checked before any write. */
struct encoded {
	struct strbuf value;
	const char *source_type;
	char *metadata;
};

static int encode(const struct feedback_req *req, struct encoded *e, struct err *err)
{
	if (!req->value_text)
		return err_set(err, ERR_USAGE, "a feedback needs a value");
	if (pyjson_encode_value(req->value_text, req->type, &e->value, err) < 0)
		return -1;
	e->source_type = svc_source_type(req->source_type);
	if (!e->source_type)
		return err_set(err, ERR_USAGE,
			       "unknown source type '%s' (HUMAN, LLM_JUDGE or CODE)",
			       req->source_type);
	/* MLflow stores NULL, not {}, when there is no metadata. */
	if (req->metadata && *req->metadata) {
		e->metadata = metadata_from_pairs(req->metadata, err);
		if (!e->metadata)
			return -1;
	}
	return 0;
}

static void encoded_free(struct encoded *e)
{
	sb_free(&e->value);
	FREE(e->metadata);
}

/* The trace must exist, and the span when one is named.  The store checks
 * spans it holds; spans kept in traces.json are checked here. */
static int check_target(struct store *st, const char *trace_id, const char *span_id,
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
	struct encoded e = { STRBUF_INIT, NULL, NULL };
	struct assessment_new a = { 0 };
	int rc = -1;

	if (!req->trace_id || !*req->trace_id) {
		err_set(err, ERR_USAGE, "no trace id given");
		goto out;
	}
	if (!req->name || !*req->name) {
		err_set(err, ERR_USAGE, "the feedback name is empty");
		goto out;
	}
	if (encode(req, &e, err) < 0)
		goto out;
	if (check_target(st, req->trace_id, req->span_id, err) < 0)
		goto out;
	a.trace_id = req->trace_id;
	a.span_id = req->span_id;
	a.name = req->name;
	a.type = "feedback";
	a.value_json = sb_str(&e.value);
	a.source_type = e.source_type;
	a.source_id = req->source_id;
	a.rationale = req->rationale;
	a.metadata_json = e.metadata;
	a.run_id = run_id_from(req->metadata);
	rc = store_log_assessment(st, &a, out_id, err);
out:
	encoded_free(&e);
	return rc;
}

/* Reads an assessment that must exist and be feedback. */
static int get_feedback(struct store *st, const char *id, struct assessment *out,
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
	struct encoded e = { STRBUF_INIT, NULL, NULL };
	struct assessment old = { 0 };
	struct assessment_new a = { 0 };
	int rc = -1;

	if (get_feedback(st, old_id, &old, err) < 0)
		goto out;
	if (req->trace_id && !str_eq(req->trace_id, old.trace_id)) {
		err_set(err, ERR_NOTFOUND, "%s belongs to trace %s, not %s", old_id, old.trace_id,
			req->trace_id);
		goto out;
	}
	if (encode(req, &e, err) < 0)
		goto out;
	if (store_check_target(st, old.trace_id, NULL, err) < 0)
		goto out;
	a.trace_id = old.trace_id;
	a.span_id = old.span_id;
	a.name = old.name;
	a.type = "feedback";
	a.value_json = sb_str(&e.value);
	a.source_type = e.source_type;
	a.source_id = req->source_id;
	a.rationale = req->rationale;
	a.metadata_json = e.metadata;
	a.run_id = run_id_from(req->metadata);
	a.overrides = old_id;
	rc = store_log_assessment(st, &a, out_id, err);
out:
	assessment_free(&old);
	encoded_free(&e);
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

	if (get_feedback(st, assessment_id, &old, err) < 0)
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
