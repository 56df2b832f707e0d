/*
 * Langfuse trace exports: {"trace": {...}, "observations": [...]}, or the
 * trace itself with its observations and scores (the public API's GET
 * /traces/{id}, TraceWithFullDetails).
 *
 *   trace        -> trace_info, tags (langfuse.tags, .release, ...), user
 *                   and session metadata; its metadata as tags (OTel
 *                   resourceAttributes among them), the OTel attributes
 *                   kept in it on the root span
 *   observations -> spans: SPAN / EVENT / GENERATION / AGENT / TOOL / ...
 *                   (the type, else the OTel attributes kept in metadata,
 *                   say the MLflow span type), input / output as the span's
 *                   inputs / outputs, level ERROR as an error status, model,
 *                   usage and cost as attributes and token usage
 *   scores       -> feedback: value (NUMERIC), true/false (BOOLEAN) or the
 *                   category (CATEGORICAL); comment -> rationale; source
 *                   ANNOTATION -> HUMAN, EVAL -> LLM_JUDGE, API -> CODE;
 *                   authorUserId -> source id; observationId -> span
 *
 * Ids that are not the hex MLflow uses (UUIDs are, without their dashes)
 * are hashed into it; the originals stay in attributes and metadata.  When
 * the trace has more than one top-level observation, or input and output of
 * its own, a root span for the trace itself holds them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/import_int.h"
#include "json/span.h"

struct obs_id {
	const char *orig;
	char hex[17];
};

static int obs_id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct obs_id *)a)->orig, ((const struct obs_id *)b)->orig);
}

static const char *obs_hex(const struct obs_id *ids, size_t n, const char *orig)
{
	struct obs_id key = { orig, "" }, *hit;

	if (!orig)
		return NULL;
	hit = bsearch(&key, ids, n, sizeof *ids, obs_id_cmp);
	return hit ? hit->hex : NULL;
}

/* 32 (or 16) hex for a Langfuse id: the id itself when it is that hex (a
 * UUID without dashes), else a hash of it. */
static void id_hex(char *out, int digits, const char *id, const char *salt)
{
	char clean[40];
	size_t i, k = 0;

	for (i = 0; id[i] && k < sizeof clean - 1; i++)
		if (id[i] != '-')
			clean[k++] = (char)tolower((unsigned char)id[i]);
	clean[k] = '\0';
	if ((int)k == digits && strspn(clean, "0123456789abcdef") == k && !id[i]) {
		memcpy(out, clean, k + 1);
		return;
	}
	imp_hash_hex(out, digits, salt, id, "langfuse");
}

static void add_string(cJSON *o, const char *key, const char *v)
{
	if (v && *v && !jt_get(o, key))
		cJSON_AddItemToObject(o, key, cJSON_CreateString(v));
}

static void add_copy(cJSON *o, const char *key, const cJSON *v)
{
	if (v && !cJSON_IsNull(v) && !jt_get(o, key) &&
	    !((cJSON_IsObject(v) || cJSON_IsArray(v)) && !v->child))
		cJSON_AddItemToObject(o, key, cJSON_Duplicate(v, true));
}

/* Metadata (an object, or a JSON string of one): the OTel attributes it
 * keeps go into raw as they are; resourceAttributes into res (may be
 * NULL); the rest into rest as text (when not NULL), else into raw under
 * prefix. */
static void read_metadata(const cJSON *meta, cJSON *raw, const char *prefix, struct kv_list *res,
			  struct kv_list *rest)
{
	cJSON *m = imp_json_of(meta);
	const cJSON *c;

	if (!cJSON_IsObject(m)) {
		if (cJSON_IsString(meta) && meta->valuestring[0] && strcmp(meta->valuestring, "{}"))
			add_string(raw, prefix, meta->valuestring);
		cJSON_Delete(m);
		return;
	}
	for (c = m->child; c; c = c->next) {
		if (!c->string)
			continue;
		if (strcmp(c->string, "attributes") == 0 && cJSON_IsObject(c)) {
			const cJSON *a;

			for (a = c->child; a; a = a->next)
				add_copy(raw, a->string, a);
		} else if (strcmp(c->string, "resourceAttributes") == 0 && cJSON_IsObject(c)) {
			if (res)
				imp_read_kv(c, res);
		} else if (strcmp(c->string, "scope") == 0 && cJSON_IsObject(c)) {
			add_string(raw, "otel.scope.name", jt_str(c, "name"));
		} else if (rest) {
			char *v = cJSON_IsNull(c) ? NULL : imp_value_text(c);
			char *k = str_starts(c->string, "mlflow.") ? xasprintf("%s.%s", prefix, c->string)
								    : xstrdup(c->string);

			if (v)
				kv_list_set(rest, k, v);
			free(k);
			free(v);
		} else {
			char *k = xasprintf("%s.%s", prefix, c->string);

			add_copy(raw, k, c);
			free(k);
		}
	}
	cJSON_Delete(m);
}

/* The inputs or outputs of an observation: strings that hold JSON are
 * taken as that JSON (the observations API returns them as strings). */
static cJSON *io_of(const cJSON *v)
{
	cJSON *j;

	if (!v || cJSON_IsNull(v))
		return NULL;
	j = imp_json_of(v);
	return j ? j : cJSON_Duplicate(v, true);
}

static const char *forced_type(const char *t)
{
	static const char *const same[] = { "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EMBEDDING",
					    "EVALUATOR", "GUARDRAIL", "RERANKER" };
	size_t i;

	for (i = 0; t && i < sizeof same / sizeof same[0]; i++)
		if (strcmp(t, same[i]) == 0)
			return same[i];
	return NULL;
}

static bool count(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = jt_get(o, key);

	if (!v)
		return false;
	if (jt_int64(v, out) == 0)
		return true;
	return jt_is_num(v) && jt_double(v) >= 0 && double_to_int64(jt_double(v), out) == 0;
}

/* usageDetails {input, output, total}, or the older usage / promptTokens. */
static void usage_of(const cJSON *ob, struct semconv_usage *u)
{
	const cJSON *d = jt_get(ob, "usageDetails");

	memset(u, 0, sizeof *u);
	if (!cJSON_IsObject(d) || !d->child)
		d = jt_get(ob, "usage");
	if (cJSON_IsObject(d) && count(d, "input", &u->in) && count(d, "output", &u->out)) {
		if (!count(d, "total", &u->total))
			u->total = u->in + u->out;
	} else if (count(ob, "promptTokens", &u->in) && count(ob, "completionTokens", &u->out)) {
		if (!count(ob, "totalTokens", &u->total))
			u->total = u->in + u->out;
	} else {
		return;
	}
	u->set = u->in > 0 && u->out > 0;
}

static int time_ns(const cJSON *v, int64_t *ns)
{
	return v && !cJSON_IsNull(v) ? imp_time_ns(v, ns) : 1;
}

/* One observation as a span of b. */
static int add_observation(struct builder *b, const char *trace_hex, const cJSON *ob,
			   const char *hex, const char *parent_hex, const cJSON *extra,
			   struct err *err)
{
	const char *type = jt_str(ob, "type"), *level = jt_str(ob, "level");
	struct span_parts p = { 0 };
	struct semconv_opts o = { 0 };
	struct semconv_usage u;
	cJSON *raw = cJSON_CreateObject(), *in, *out, *dict;
	const cJSON *c;
	int rc;

	p.trace_hex = trace_hex;
	p.span_hex = hex;
	p.parent_hex = parent_hex;
	p.name = jt_str(ob, "name") ? jt_str(ob, "name") : type ? type : "observation";
	if (time_ns(jt_get(ob, "startTime"), &p.start_ns) != 0) {
		cJSON_Delete(raw);
		return err_set(err, ERR_PARSE, "observation %.60s: startTime is not an ISO 8601 time",
			       jt_str(ob, "id"));
	}
	rc = time_ns(jt_get(ob, "endTime"), &p.end_ns);
	if (rc < 0) {
		cJSON_Delete(raw);
		return err_set(err, ERR_PARSE, "observation %.60s: endTime is not an ISO 8601 time",
			       jt_str(ob, "id"));
	}
	if (rc > 0)
		p.end_ns = type && strcmp(type, "EVENT") == 0 ? p.start_ns : -1;
	p.status = level && strcmp(level, "ERROR") == 0 ? SPAN_ERROR : p.end_ns >= 0 ? SPAN_OK
										    : SPAN_UNSET;
	p.message = jt_str(ob, "statusMessage");
	read_metadata(jt_get(ob, "metadata"), raw, "langfuse.observation.metadata", NULL, NULL);
	for (c = extra ? extra->child : NULL; c; c = c->next)
		add_copy(raw, c->string, c);
	add_string(raw, "langfuse.observation.id", jt_str(ob, "id"));
	add_string(raw, "langfuse.observation.type", type);
	if (level && strcmp(level, "DEFAULT"))
		add_string(raw, "langfuse.observation.level", level);
	add_string(raw, "langfuse.observation.model.name", jt_str(ob, "model"));
	add_copy(raw, "langfuse.observation.model.parameters", jt_get(ob, "modelParameters"));
	add_copy(raw, "langfuse.observation.usage_details", jt_get(ob, "usageDetails"));
	add_copy(raw, "langfuse.observation.cost_details", jt_get(ob, "costDetails"));
	add_string(raw, "langfuse.observation.completion_start_time", jt_str(ob, "completionStartTime"));
	add_string(raw, "langfuse.observation.prompt.name", jt_str(ob, "promptName"));
	add_copy(raw, "langfuse.observation.prompt.version", jt_get(ob, "promptVersion"));
	usage_of(ob, &u);
	in = io_of(jt_get(ob, "input"));
	out = io_of(jt_get(ob, "output"));
	o.trace_id = b->t.info.id;
	o.type = forced_type(type);
	o.fallback_type = type && strcmp(type, "GENERATION") == 0 ? "LLM" : NULL;
	o.inputs = in;
	o.outputs = out;
	o.usage = u.set ? &u : NULL;
	dict = imp_span_dict_opts(b, &p, raw, &o);
	rc = builder_add_made(b, dict, err);
	cJSON_Delete(dict);
	cJSON_Delete(raw);
	cJSON_Delete(in);
	cJSON_Delete(out);
	return rc;
}

/* The span the trace itself becomes (see the top). */
static int add_trace_root(struct builder *b, const char *trace_hex, const cJSON *tr,
			  const char *hex, int64_t start, int64_t end, cJSON *raw,
			  struct err *err)
{
	struct span_parts p = { 0 };
	struct semconv_opts o = { 0 };
	cJSON *in = io_of(jt_get(tr, "input")), *out = io_of(jt_get(tr, "output")), *dict;
	int rc;

	p.trace_hex = trace_hex;
	p.span_hex = hex;
	p.name = jt_str(tr, "name") ? jt_str(tr, "name") : "trace";
	p.start_ns = start;
	p.end_ns = end;
	p.status = end >= 0 ? SPAN_OK : SPAN_UNSET;
	o.trace_id = b->t.info.id;
	o.inputs = in;
	o.outputs = out;
	dict = imp_span_dict_opts(b, &p, raw, &o);
	rc = builder_add_made(b, dict, err);
	cJSON_Delete(dict);
	cJSON_Delete(in);
	cJSON_Delete(out);
	return rc;
}

/* ---- scores -------------------------------------------------------------- */

static char *score_value(const cJSON *sc)
{
	const char *dt = jt_str(sc, "dataType"), *sv = jt_str(sc, "stringValue");
	const cJSON *v = jt_get(sc, "value");
	struct strbuf sb = STRBUF_INIT;

	if (dt && strcmp(dt, "BOOLEAN") == 0) {
		bool t = jt_is_num(v) ? jt_double(v) != 0 : cJSON_IsTrue(v) ||
			 (sv && (strcasecmp(sv, "true") == 0 || strcmp(sv, "1") == 0));

		return xstrdup(t ? "true" : "false");
	}
	if ((dt && strcmp(dt, "CATEGORICAL") == 0 && sv) || (!jt_is_num(v) && sv)) {
		cJSON *s = cJSON_CreateString(sv);
		char *out = jt_print(s);

		cJSON_Delete(s);
		return out;
	}
	if (jt_is_num(v))
		return jt_print(v);
	sb_adds(&sb, "null");
	return sb_take(&sb);
}

static const char *score_source(const char *s)
{
	if (s && strcmp(s, "ANNOTATION") == 0)
		return "HUMAN";
	if (s && strcmp(s, "EVAL") == 0)
		return "LLM_JUDGE";
	return "CODE";
}

static void add_score(struct builder *b, const cJSON *sc, size_t index, const struct obs_id *ids,
		      size_t nids)
{
	struct assessment a = { 0 };
	const char *id = jt_str(sc, "id"), *src = jt_str(sc, "source"), *who = jt_str(sc, "authorUserId");
	const cJSON *meta = jt_get(sc, "metadata"), *c;
	cJSON *m = cJSON_CreateObject(), *mj;
	char ix[24];
	int64_t ms;

	snprintf(ix, sizeof ix, "%zu", index);
	a.id = imp_assessment_id(b->t.info.id, id ? id : ix, jt_str(sc, "name"));
	a.trace_id = xstrdup(b->t.info.id);
	a.name = xstrdup(jt_str(sc, "name") ? jt_str(sc, "name") : "score");
	a.type = xstrdup("feedback");
	a.value = score_value(sc);
	a.source_type = xstrdup(score_source(src));
	if (who && *who) {
		a.source_id = xstrdup(who);
	} else {
		char *s = xasprintf("langfuse:%s", src ? src : "API");
		char *p;

		for (p = s; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		a.source_id = s;
	}
	a.created_ms = now_ms();
	if (imp_time_ms(jt_get(sc, "timestamp"), &ms) == 0 || imp_time_ms(jt_get(sc, "createdAt"), &ms) == 0)
		a.created_ms = ms;
	a.updated_ms = a.created_ms;
	if (imp_time_ms(jt_get(sc, "updatedAt"), &ms) == 0 && ms >= a.created_ms)
		a.updated_ms = ms;
	a.span_id = xstrdup_or_null(obs_hex(ids, nids, jt_str(sc, "observationId")));
	a.rationale = xstrdup_or_null(jt_str(sc, "comment"));
	a.valid = true;
	/* Metadata: string values, as MLflow keeps it. */
	mj = imp_json_of(meta);
	for (c = cJSON_IsObject(mj) ? mj->child : NULL; c; c = c->next) {
		char *v = imp_value_text(c);

		if (c->string && !jt_get(m, c->string))
			cJSON_AddItemToObject(m, c->string, cJSON_CreateString(v));
		free(v);
	}
	cJSON_Delete(mj);
	if (id)
		cJSON_AddItemToObject(m, "langfuse.score.id", cJSON_CreateString(id));
	if (jt_str(sc, "dataType"))
		cJSON_AddItemToObject(m, "langfuse.score.data_type", cJSON_CreateString(jt_str(sc, "dataType")));
	if (m->child)
		a.metadata = jt_print(m);
	cJSON_Delete(m);
	assessment_list_add(&b->t.assessments, &a);
	assessment_free(&a);
}

/* ---- the record ---------------------------------------------------------- */

/* Observation objects of the record: the list beside the trace, else the
 * trace's own (the trace lists may hold ids only). */
static const cJSON *observations_of(const cJSON *rec, const cJSON *tr)
{
	const cJSON *o = jt_get(rec, "observations");

	if (rec != tr && cJSON_IsArray(o) && o->child && cJSON_IsObject(o->child))
		return o;
	o = jt_get(tr, "observations");
	return cJSON_IsArray(o) && o->child && cJSON_IsObject(o->child) ? o : NULL;
}

int langfuse_record(struct import_reader *r, const cJSON *rec, struct err *err)
{
	const cJSON *tr = cJSON_IsObject(jt_get(rec, "trace")) ? jt_get(rec, "trace") : rec;
	const cJSON *obs = observations_of(rec, tr), *c, *lists[2];
	const char *tid = jt_str(tr, "id");
	struct builder b;
	struct obs_id *ids = NULL;
	struct kv_list res = { 0 };
	size_t nids = 0, cap_ids = 0, ntop = 0, i, k;
	char trace_hex[33], root_hex[17];
	int64_t start = -1, end = -1, t;
	cJSON *root_raw = cJSON_CreateObject();
	bool synth;
	int rc = -1;

	builder_init(&b);
	if (!tid || !*tid) {
		err_set(err, ERR_PARSE, "a Langfuse trace without an \"id\"");
		goto out;
	}
	id_hex(trace_hex, 32, tid, "trace");
	b.t.info.id = xasprintf(TRACE_PREFIX "%s", trace_hex);
	imp_origin(&b, "langfuse", tid);
	if (imp_time_ms(jt_get(tr, "timestamp"), &t) == 0) {
		b.t.info.timestamp_ms = t;
		b.have_time = true;
		start = t * 1000000;
	}
	/* The ids of the observations, and what they span. */
	for (c = obs ? obs->child : NULL; c; c = c->next) {
		const char *oid = jt_str(c, "id");
		int64_t s, e;

		if (!cJSON_IsObject(c) || !oid)
			continue;
		GROW(ids, cap_ids, nids + 1);
		ids[nids].orig = oid;
		id_hex(ids[nids].hex, 16, oid, tid);
		nids++;
		if (time_ns(jt_get(c, "startTime"), &s) == 0 && (start < 0 || s < start))
			start = s;
		if (time_ns(jt_get(c, "endTime"), &e) == 0 && e > end)
			end = e;
	}
	qsort(ids, nids, sizeof *ids, obs_id_cmp);
	/* An observation whose parent is in another record (a trace exported
	 * in pages) keeps that parent: the records are joined on import. */
	for (c = obs ? obs->child : NULL; c; c = c->next)
		if (cJSON_IsObject(c) && jt_str(c, "id") && (!jt_str(c, "parentObservationId") ||
							       !*jt_str(c, "parentObservationId")))
			ntop++;
	read_metadata(jt_get(tr, "metadata"), root_raw, "langfuse.metadata", &res, &res);
	synth = (ntop > 1 || (ntop == 0 && nids == 0)) ||
		(jt_get(tr, "input") && !cJSON_IsNull(jt_get(tr, "input"))) ||
		(jt_get(tr, "output") && !cJSON_IsNull(jt_get(tr, "output")));
	if (synth) {
		imp_hash_hex(root_hex, 16, tid, "trace-root", "langfuse");
		if (start < 0) {
			err_set(err, ERR_PARSE, "trace %.60s has no timestamp and no observations", tid);
			goto out;
		}
		if (end < start && jt_is_num(jt_get(tr, "latency"))) {
			int64_t lat;

			/* A latency in seconds that 64-bit nanoseconds cannot hold is ignored. */
			if (double_to_int64(jt_double(jt_get(tr, "latency")) * 1e9, &lat) == 0 &&
			    lat >= 0 && lat <= INT64_MAX - start)
				end = start + lat;
		}
		add_string(root_raw, "langfuse.trace.id", tid);
		if (add_trace_root(&b, trace_hex, tr, root_hex, start, end, root_raw, err) < 0)
			goto out;
	}
	for (c = obs ? obs->child : NULL; c; c = c->next) {
		const char *oid = jt_str(c, "id"), *parent, *porig;
		char elsewhere[17];
		bool top;

		if (!cJSON_IsObject(c) || !oid)
			continue;
		porig = jt_str(c, "parentObservationId");
		parent = obs_hex(ids, nids, porig);
		if (!parent && porig && *porig) {
			id_hex(elsewhere, 16, porig, tid);
			parent = elsewhere;
		}
		top = !parent;
		if (top && synth)
			parent = root_hex;
		/* The one top-level observation is the root: it carries the
		 * trace's own attributes. */
		rc = add_observation(&b, trace_hex, c, obs_hex(ids, nids, oid), parent,
				     top && !synth ? root_raw : NULL, err);
		if (rc < 0)
			goto out;
	}
	rc = -1;
	if (!b.t.nspans) {
		err_set(err, ERR_PARSE, "trace %.60s has no observations", tid);
		goto out;
	}
	/* The trace's own fields. */
	if (jt_str(tr, "name"))
		kv_list_set(&b.t.tags, "mlflow.traceName", jt_str(tr, "name"));
	for (i = 0; i < res.n; i++)
		if (!kv_list_get(&b.t.tags, res.v[i].key))
			kv_list_set(&b.t.tags, res.v[i].key, res.v[i].value);
	if (jt_str(tr, "userId"))
		kv_list_set(&b.t.metadata, "mlflow.trace.user", jt_str(tr, "userId"));
	if (jt_str(tr, "sessionId"))
		kv_list_set(&b.t.metadata, "mlflow.trace.session", jt_str(tr, "sessionId"));
	if (cJSON_IsArray(jt_get(tr, "tags")) && jt_get(tr, "tags")->child) {
		char *tags = jt_print(jt_get(tr, "tags"));

		kv_list_set(&b.t.tags, "langfuse.tags", tags);
		free(tags);
	}
	if (jt_str(tr, "release"))
		kv_list_set(&b.t.tags, "langfuse.release", jt_str(tr, "release"));
	if (jt_str(tr, "version"))
		kv_list_set(&b.t.tags, "langfuse.version", jt_str(tr, "version"));
	if (jt_str(tr, "environment"))
		kv_list_set(&b.t.tags, "langfuse.environment", jt_str(tr, "environment"));
	/* Scores: the trace's, and a list beside it (each once). */
	lists[0] = jt_get(tr, "scores");
	lists[1] = tr != rec ? jt_get(rec, "scores") : NULL;
	for (k = 0, i = 0; k < 2; k++) {
		for (c = cJSON_IsArray(lists[k]) ? lists[k]->child : NULL; c; c = c->next, i++) {
			const char *sid = jt_str(c, "id");
			size_t j;
			bool dup = false;

			if (!cJSON_IsObject(c) || !jt_str(c, "name"))
				continue;
			for (j = 0; sid && k == 1 && cJSON_IsArray(lists[0]) && j < (size_t)cJSON_GetArraySize(lists[0]); j++)
				dup |= str_eq(jt_str(cJSON_GetArrayItem(lists[0], (int)j), "id"), sid);
			if (!dup)
				add_score(&b, c, i, ids, nids);
		}
	}
	imp_emit(r, &b);
	rc = 0;
out:
	kv_list_free(&res);
	cJSON_Delete(root_raw);
	free(ids);
	builder_free(&b);
	return rc;
}
