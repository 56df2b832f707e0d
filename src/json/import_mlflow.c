/*
 * MLflow's own trace JSON ({"info": ..., "data": {"spans": [...]}}, V3 or
 * V2 info, assessments in the V3 info) and traces.json ({"spans": [...]},
 * spans grouped by their mlflow.traceRequestId attribute).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/import_int.h"
#include "json/span.h"

/* A protobuf Duration ("1.5s") or a number of ms. */
static int read_duration_ms(const cJSON *ms_v, const cJSON *dur_v, int64_t *ms)
{
	if (ms_v && jt_int64(ms_v, ms) == 0)
		return 0;
	if (cJSON_IsString(dur_v)) {
		char *end;
		double s = strtod(dur_v->valuestring, &end);

		if (end != dur_v->valuestring && strcmp(end, "s") == 0)
			return double_to_int64(s * 1000.0 + (s >= 0 ? 0.5 : -0.5), ms);
	}
	return -1;
}

/* A stable "a-" + 32 hex id for an assessment that came without one, so a
 * file imported twice gives the same rows. */
static void fnv(uint64_t *h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		*h = (*h ^ (unsigned char)s[i]) * 0x100000001b3ull;
}

static char *derived_assessment_id(const char *trace_id, size_t index, const char *name)
{
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	char ix[32];
	int k;

	snprintf(ix, sizeof ix, "\n%zu\n", index);
	for (k = 0; k < 2; k++) {
		uint64_t *h = k ? &h2 : &h1;

		fnv(h, trace_id ? trace_id : "", trace_id ? strlen(trace_id) : 0);
		fnv(h, ix, strlen(ix));
		fnv(h, name ? name : "", name ? strlen(name) : 0);
		fnv(h, k ? "b" : "a", 1);
	}
	return xasprintf("a-%016" PRIx64 "%016" PRIx64, h1, h2);
}

/* ---- assessments -------------------------------------------------------- */

static int source_type_norm(const char *in, const char *dflt, char **out)
{
	static const char *const ok[] = { "HUMAN", "LLM_JUDGE", "CODE", "SOURCE_TYPE_UNSPECIFIED" };
	size_t i;

	if (!in) {
		*out = xstrdup(dflt);
		return 0;
	}
	if (strcasecmp(in, "AI_JUDGE") == 0) {
		*out = xstrdup("LLM_JUDGE");
		return 0;
	}
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (strcasecmp(in, ok[i]) == 0) {
			*out = xstrdup(ok[i]);
			return 0;
		}
	}
	return -1;
}

/* The AssessmentError.to_dictionary() text MLflow stores. */
static char *error_json(const cJSON *e)
{
	cJSON *o = cJSON_CreateObject();
	const char *keys[] = { "error_code", "error_message", "stack_trace" };
	char *s;
	size_t i;

	for (i = 0; i < 3; i++) {
		const cJSON *v = jt_get(e, keys[i]);

		cJSON_AddItemToObject(o, keys[i], cJSON_IsString(v) ? cJSON_CreateString(v->valuestring)
								     : cJSON_CreateNull());
	}
	s = jt_print(o);
	cJSON_Delete(o);
	return s;
}

static int read_assessment(const cJSON *d, const char *trace_id, size_t index, struct assessment *a,
			   struct err *err)
{
	const cJSON *fb = jt_get(d, "feedback"), *ex = jt_get(d, "expectation"), *v, *meta;
	const char *name = jt_str(d, "assessment_name"), *id = jt_str(d, "assessment_id");
	const char *run_id = jt_str(d, "run_id");
	int64_t ms;

	memset(a, 0, sizeof *a);
	if (!name)
		name = jt_str(d, "name");
	if (!cJSON_IsObject(d))
		return err_set(err, ERR_PARSE, "assessment %zu is not an object", index + 1);
	if (!name)
		return err_set(err, ERR_PARSE, "assessment %zu has no assessment_name", index + 1);
	if (!cJSON_IsObject(fb) && !cJSON_IsObject(ex))
		return err_set(err, ERR_PARSE, "assessment %zu (%.100s) has neither feedback nor expectation",
			       index + 1, name);
	a->id = id && *id ? xstrdup(id) : derived_assessment_id(trace_id, index, name);
	a->trace_id = xstrdup(trace_id);
	a->name = xstrdup(name);
	if (cJSON_IsObject(fb)) {
		const cJSON *e = jt_get(fb, "error");

		a->type = xstrdup("feedback");
		v = jt_get(fb, "value");
		a->value = v ? jt_print(v) : xstrdup("null");
		if (!cJSON_IsObject(e))
			e = jt_get(d, "error");   /* the deprecated place */
		if (cJSON_IsObject(e))
			a->error = error_json(e);
	} else {
		const cJSON *sv = jt_get(ex, "serialized_value");

		a->type = xstrdup("expectation");
		v = jt_get(ex, "value");
		if (v) {
			a->value = jt_print(v);
		} else if (cJSON_IsObject(sv) && jt_str(sv, "value")) {
			const char *text = jt_str(sv, "value");
			cJSON *inner = jt_parse(text, strlen(text), NULL);
			struct strbuf sb = STRBUF_INIT;

			if (inner) {
				a->value = jt_print(inner);
			} else {
				pyjson_string(&sb, text, strlen(text));
				a->value = sb_take(&sb);
			}
			cJSON_Delete(inner);
		} else {
			a->value = xstrdup("null");
		}
	}
	if (source_type_norm(jt_str(jt_get(d, "source"), "source_type"),
			     cJSON_IsObject(fb) ? "CODE" : "HUMAN", &a->source_type) < 0) {
		err_set(err, ERR_PARSE, "assessment %zu (%.100s): unknown source_type \"%.40s\"", index + 1,
			name, jt_str(jt_get(d, "source"), "source_type"));
		assessment_free(a);
		return -1;
	}
	a->source_id = xstrdup(jt_str(jt_get(d, "source"), "source_id") ?
			       jt_str(jt_get(d, "source"), "source_id") : "default");
	a->created_ms = now_ms();
	if (imp_time_ms(jt_get(d, "create_time"), &ms) == 0 ||
	    imp_time_ms(jt_get(d, "create_time_ms"), &ms) == 0)
		a->created_ms = ms;
	a->updated_ms = a->created_ms;
	if (imp_time_ms(jt_get(d, "last_update_time"), &ms) == 0 ||
	    imp_time_ms(jt_get(d, "last_update_time_ms"), &ms) == 0)
		a->updated_ms = ms;
	a->span_id = xstrdup_or_null(jt_str(d, "span_id"));
	a->rationale = xstrdup_or_null(jt_str(d, "rationale"));
	a->overrides = xstrdup_or_null(jt_str(d, "overrides"));
	v = jt_get(d, "valid");
	a->valid = !cJSON_IsFalse(v);
	meta = jt_get(d, "metadata");
	if (cJSON_IsObject(meta) && meta->child) {
		a->metadata = jt_print(meta);
		if (!run_id)
			run_id = jt_str(meta, "mlflow.assessment.sourceRunId");
	}
	a->run_id = xstrdup_or_null(run_id);
	return 0;
}

/* The OTel trace id of a span dict as 32 hex, or "" when it has none. */
static void otel_trace_id(const cJSON *sp, char out[33])
{
	const char *id = jt_str(sp, "otel_trace_id");

	if (!id)
		id = jt_str(jt_get(sp, "context"), "trace_id");
	if (!id) {
		id = jt_str(sp, "trace_id");
		if (id && str_starts(id, TRACE_PREFIX))
			id = NULL;
	}
	if (!id || trace_id_normalize(id, out) < 0)
		out[0] = '\0';
}

/* Reads one span dict into b (content = the dict as MLflow writes it). */
/* ---- MLflow trace records ----------------------------------------------- */

static int read_info_v3(struct builder *b, const cJSON *info, struct err *err)
{
	struct trace *t = &b->t;
	const cJSON *exp = jt_get(jt_get(jt_get(info, "trace_location"), "mlflow_experiment"),
				  "experiment_id");
	const cJSON *as = jt_get(info, "assessments"), *c;
	const char *state = jt_str(info, "state");
	int64_t v;
	size_t i = 0;

	if (jt_str(info, "trace_id"))
		t->info.id = xstrdup(jt_str(info, "trace_id"));
	t->info.client_request_id = xstrdup_or_null(jt_str(info, "client_request_id"));
	if (exp && jt_int64(exp, &v) == 0)
		t->info.experiment_id = v;
	t->info.request_preview = xstrdup_or_null(jt_str(info, "request_preview"));
	t->info.response_preview = xstrdup_or_null(jt_str(info, "response_preview"));
	if (imp_time_ms(jt_get(info, "request_time"), &v) == 0) {
		t->info.timestamp_ms = v;
		b->have_time = true;
	}
	if (read_duration_ms(jt_get(info, "execution_duration_ms"), jt_get(info, "execution_duration"),
			     &v) == 0) {
		t->info.duration_ms = v;
		b->have_duration = true;
	}
	if (state) {
		t->info.status = xstrdup(state);
		b->have_status = true;
	}
	imp_read_kv(jt_get(info, "trace_metadata"), &t->metadata);
	imp_read_kv(jt_get(info, "tags"), &t->tags);
	if (!t->info.id)
		return 0;   /* assessments are read once the id is known */
	for (c = cJSON_IsArray(as) ? as->child : NULL; c; c = c->next, i++) {
		struct assessment a;

		if (read_assessment(c, t->info.id, i, &a, err) < 0)
			return -1;
		assessment_list_add(&t->assessments, &a);
		assessment_free(&a);
	}
	return 0;
}

static void read_info_v2(struct builder *b, const cJSON *info)
{
	struct trace *t = &b->t;
	const char *status = jt_str(info, "status");
	int64_t v;

	t->info.id = xstrdup(jt_str(info, "request_id"));
	if (jt_int64(jt_get(info, "experiment_id"), &v) == 0)
		t->info.experiment_id = v;
	if (jt_int64(jt_get(info, "timestamp_ms"), &v) == 0) {
		t->info.timestamp_ms = v;
		b->have_time = true;
	}
	if (jt_int64(jt_get(info, "execution_time_ms"), &v) == 0) {
		t->info.duration_ms = v;
		b->have_duration = true;
	}
	if (status) {
		t->info.status = xstrdup(strcmp(status, "TRACE_STATUS_UNSPECIFIED") == 0 ?
					 "STATE_UNSPECIFIED" : status);
		b->have_status = true;
	}
	imp_read_kv(jt_get(info, "request_metadata"), &t->metadata);
	imp_read_kv(jt_get(info, "tags"), &t->tags);
}

int mlflow_record(struct import_reader *r, const cJSON *rec, struct err *err)
{
	const cJSON *info = jt_get(rec, "info"), *data = jt_get(rec, "data"), *spans, *c;
	struct builder b;
	char *rid = NULL, otel[33] = "";
	size_t i = 0;
	int rc = -1;

	builder_init(&b);
	spans = jt_get(data ? data : rec, "spans");
	if (spans && !cJSON_IsArray(spans)) {
		err_set(err, ERR_PARSE, "\"spans\" is not a list");
		goto out;
	}
	if (info && !cJSON_IsObject(info)) {
		err_set(err, ERR_PARSE, "\"info\" is not an object");
		goto out;
	}
	if (info) {
		b.have_info = true;
		if (jt_get(info, "request_id"))
			read_info_v2(&b, info);
		else if (read_info_v3(&b, info, err) < 0)
			goto out;
	}
	for (c = spans ? spans->child : NULL; c; c = c->next, i++) {
		char *id = NULL;

		if (builder_add_dict(&b, c, i, &id, err) < 0)
			goto out;
		if (!rid)
			rid = id;
		else
			free(id);
		if (!otel[0])
			otel_trace_id(c, otel);
	}
	if (!b.t.info.id) {
		if (rid)
			b.t.info.id = xstrdup(rid);
		else if (otel[0])
			b.t.info.id = xasprintf(TRACE_PREFIX "%s", otel);
		else {
			err_set(err, ERR_PARSE, "no trace id: the info has no trace_id and no span has "
				"mlflow.traceRequestId");
			goto out;
		}
		/* Assessments of a V3 info without trace_id: read them now. */
		if (info && !jt_get(info, "request_id")) {
			const cJSON *as = jt_get(info, "assessments");

			i = 0;
			for (c = cJSON_IsArray(as) ? as->child : NULL; c; c = c->next, i++) {
				struct assessment a;

				if (read_assessment(c, b.t.info.id, i, &a, err) < 0)
					goto out;
				assessment_list_add(&b.t.assessments, &a);
				assessment_free(&a);
			}
		}
	}
	if (!info && !b.t.nspans) {
		err_set(err, ERR_PARSE, "no spans and no trace info");
		goto out;
	}
	imp_emit(r, &b);
	rc = 0;
out:
	free(rid);
	builder_free(&b);
	return rc;
}

/* A traces.json file: spans of possibly several traces. */
int traces_json_record(struct import_reader *r, const cJSON *spans, struct err *err)
{
	struct group g = { 0 };
	const cJSON *c;
	size_t i = 0;
	int rc = -1;

	for (c = spans->child; c; c = c->next, i++) {
		struct builder tmp, *b;
		char *rid = NULL, otel[33];

		builder_init(&tmp);
		if (builder_add_dict(&tmp, c, i, &rid, err) < 0) {
			builder_free(&tmp);
			goto out;
		}
		otel_trace_id(c, otel);
		if (!rid && otel[0])
			rid = xasprintf(TRACE_PREFIX "%s", otel);
		if (!rid) {
			err_set(err, ERR_PARSE, "span %zu has no mlflow.traceRequestId attribute", i + 1);
			builder_free(&tmp);
			goto out;
		}
		b = group_get(&g, rid);
		if (!b->t.info.id)
			b->t.info.id = xstrdup(rid);
		trace_add_span(&b->t, &tmp.t.spans[0]);
		if (!b->user)
			b->user = tmp.user, tmp.user = NULL;
		if (!b->session)
			b->session = tmp.session, tmp.session = NULL;
		builder_free(&tmp);
		free(rid);
	}
	imp_emit_group(r, &g);
	rc = 0;
out:
	group_free(&g);
	return rc;
}

