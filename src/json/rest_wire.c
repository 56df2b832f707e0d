/*
 * MLflow REST messages <-> the data model (see rest_wire.h).
 */
#include "json/rest_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/jtree.h"

/* ---- reading ----------------------------------------------------------- */

static cJSON *parse(const char *body, size_t n, struct err *err)
{
	cJSON *root = jt_parse(body, n, err);

	if (!root)
		return NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		err_set(err, ERR_PARSE, "the server's reply is not a JSON object");
		return NULL;
	}
	return root;
}

static char *dup_str(const cJSON *o, const char *key)
{
	return xstrdup_or_null(jt_str(o, key));
}

static char *dump_dup(const cJSON *v)
{
	return v ? jt_print(v) : NULL;
}

/* An int64 sent as a number or as a string of digits. */
static int64_t int_of(const cJSON *o, const char *key, int64_t dflt)
{
	int64_t v;

	return jt_int64(jt_get(o, key), &v) == 0 ? v : dflt;
}

static int64_t time_of(const cJSON *o, const char *key)
{
	const char *s = jt_str(o, key);
	int64_t ms;

	if (s && parse_rfc3339_ms(s, &ms) == 0)
		return ms;
	return int_of(o, key, 0);
}

/* "0.138s" (protobuf Duration) in ms; -1 when absent or malformed. */
static int64_t duration_of(const char *s)
{
	int64_t sec = 0, frac = 0, scale = 1000;
	const char *p = s;
	bool neg = false;

	if (!s || !*s)
		return -1;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (sec > INT64_MAX / 10000)
			return -1;
		sec = sec * 10 + (*p++ - '0');
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
			p++;
		}
	}
	if (strcmp(p, "s") != 0)
		return -1;
	return neg ? -(sec * 1000 + frac) : sec * 1000 + frac;
}

static void kvs_of(const cJSON *map, struct kv_list *l)
{
	const cJSON *c;

	if (!cJSON_IsObject(map))
		return;
	for (c = map->child; c; c = c->next) {
		if (!c->string)
			continue;
		if (cJSON_IsString(c)) {
			kv_list_set(l, c->string, c->valuestring);
		} else {
			char *v = jt_print(c);

			kv_list_set(l, c->string, v);
			free(v);
		}
	}
}

static void assessment_of(const cJSON *o, const char *trace_id, struct assessment *a)
{
	const cJSON *fb = jt_get(o, "feedback"), *ex = jt_get(o, "expectation");
	const cJSON *src = jt_get(o, "source"), *valid = jt_get(o, "valid");
	const cJSON *meta = jt_get(o, "metadata");

	memset(a, 0, sizeof *a);
	a->id = dup_str(o, "assessment_id");
	a->trace_id = xstrdup_or_null(jt_str(o, "trace_id") ? jt_str(o, "trace_id") : trace_id);
	a->name = dup_str(o, "assessment_name");
	if (cJSON_IsObject(ex)) {
		const cJSON *ser = jt_get(ex, "serialized_value");
		const char *text = jt_str(ser, "value");
		cJSON *v = NULL;

		a->type = xstrdup("expectation");
		if (text)
			v = jt_parse(text, strlen(text), NULL);
		if (v) {
			a->value = jt_print(v);
			cJSON_Delete(v);
		} else {
			a->value = dump_dup(jt_get(ex, "value"));
		}
	} else {
		a->type = xstrdup(cJSON_IsObject(jt_get(o, "issue")) ? "issue" : "feedback");
		a->value = dump_dup(jt_get(fb, "value"));
		a->error = dump_dup(jt_get(fb, "error"));
	}
	if (!a->value)
		a->value = xstrdup("null");
	a->created_ms = time_of(o, "create_time");
	a->updated_ms = time_of(o, "last_update_time");
	if (!a->updated_ms)
		a->updated_ms = a->created_ms;
	a->source_type = xstrdup(jt_str(src, "source_type") ? jt_str(src, "source_type")
							 : "SOURCE_TYPE_UNSPECIFIED");
	a->source_id = dup_str(src, "source_id");
	a->run_id = dup_str(o, "run_id");
	a->span_id = dup_str(o, "span_id");
	if (a->span_id && !*a->span_id)
		FREE(a->span_id);
	a->rationale = dup_str(o, "rationale");
	a->overrides = dup_str(o, "overrides");
	if (a->overrides && !*a->overrides)
		FREE(a->overrides);
	/* proto2 optional: an absent flag is the default, true. */
	a->valid = valid ? cJSON_IsTrue(valid) : true;
	if (cJSON_IsObject(meta) && meta->child)
		a->metadata = jt_print(meta);
}

static int cmp_created(const void *x, const void *y)
{
	const struct assessment *a = x, *b = y;

	if (a->created_ms != b->created_ms)
		return a->created_ms < b->created_ms ? -1 : 1;
	return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

static int trace_of(const cJSON *o, struct trace *t, struct err *err)
{
	const cJSON *loc = jt_get(jt_get(o, "trace_location"), "mlflow_experiment");
	const cJSON *as = jt_get(o, "assessments"), *c;
	struct trace_row *r = &t->info;

	memset(t, 0, sizeof *t);
	t->first_root = SPAN_NONE;
	r->id = dup_str(o, "trace_id");
	if (!r->id)
		r->id = dup_str(o, "request_id");
	if (!r->id || !*r->id) {
		trace_free(t);
		return err_set(err, ERR_PARSE, "a trace in the server's reply has no trace_id");
	}
	r->experiment_id = int_of(loc, "experiment_id", -1);
	r->timestamp_ms = time_of(o, "request_time");
	r->duration_ms = duration_of(jt_str(o, "execution_duration"));
	r->status = xstrdup(jt_str(o, "state") ? jt_str(o, "state") : "STATE_UNSPECIFIED");
	r->request_preview = dup_str(o, "request_preview");
	r->response_preview = dup_str(o, "response_preview");
	r->client_request_id = dup_str(o, "client_request_id");
	kvs_of(jt_get(o, "tags"), &t->tags);
	kvs_of(jt_get(o, "trace_metadata"), &t->metadata);
	r->name = xstrdup_or_null(kv_list_get(&t->tags, "mlflow.traceName"));
	r->user = xstrdup_or_null(kv_list_get(&t->metadata, "mlflow.trace.user"));
	r->session = xstrdup_or_null(kv_list_get(&t->metadata, "mlflow.trace.session"));
	if (cJSON_IsArray(as)) {
		for (c = as->child; c; c = c->next) {
			struct assessment a;

			if (!cJSON_IsObject(c))
				continue;
			assessment_of(c, r->id, &a);
			GROW(t->assessments.v, t->assessments.cap, t->assessments.n + 1);
			t->assessments.v[t->assessments.n++] = a;
		}
		qsort(t->assessments.v, t->assessments.n, sizeof *t->assessments.v, cmp_created);
	}
	t->spans_state = SPANS_MISSING;
	return 0;
}

static void next_of(const cJSON *root, char **next)
{
	const char *tok = jt_str(root, "next_page_token");

	if (next)
		*next = tok && *tok ? xstrdup(tok) : NULL;
}

int rw_experiments(const char *body, size_t n, struct experiment_list *out, char **next,
		   struct err *err)
{
	cJSON *root = parse(body, n, err);
	const cJSON *c;

	if (next)
		*next = NULL;
	if (!root)
		return -1;
	c = jt_get(root, "experiments");
	for (c = cJSON_IsArray(c) ? c->child : NULL; c; c = c->next) {
		struct experiment *e;
		int64_t id = int_of(c, "experiment_id", -1);

		if (id < 0)
			continue;
		GROW(out->v, out->cap, out->n + 1);
		e = &out->v[out->n++];
		memset(e, 0, sizeof *e);
		e->id = id;
		e->name = xstrdup(jt_str(c, "name") ? jt_str(c, "name") : "");
		e->artifact_location = dup_str(c, "artifact_location");
		e->lifecycle_stage = xstrdup(jt_str(c, "lifecycle_stage") ? jt_str(c, "lifecycle_stage")
									: "active");
		e->trace_count = -1;
	}
	next_of(root, next);
	cJSON_Delete(root);
	return 0;
}

int rw_experiment_id(const char *body, size_t n, int64_t *id, struct err *err)
{
	cJSON *root = parse(body, n, err);
	const cJSON *e;
	int rc = 0;

	if (!root)
		return -1;
	e = jt_get(root, "experiment");
	*id = int_of(e ? e : root, "experiment_id", -1);
	if (*id < 0)
		rc = err_set(err, ERR_PARSE, "the server's reply has no experiment_id");
	cJSON_Delete(root);
	return rc;
}

int rw_trace_infos(const char *body, size_t n, struct trace **v, size_t *nv, size_t *cap,
		   char **next, struct err *err)
{
	cJSON *root = parse(body, n, err);
	const cJSON *c;

	if (next)
		*next = NULL;
	if (!root)
		return -1;
	c = jt_get(root, "traces");
	for (c = cJSON_IsArray(c) ? c->child : NULL; c; c = c->next) {
		GROW(*v, *cap, *nv + 1);
		if (trace_of(c, &(*v)[*nv], err) < 0) {
			cJSON_Delete(root);
			return -1;
		}
		(*nv)++;
	}
	next_of(root, next);
	cJSON_Delete(root);
	return 0;
}

int rw_trace_info(const char *body, size_t n, struct trace *out, struct err *err)
{
	cJSON *root = parse(body, n, err);
	const cJSON *info;
	int rc;

	memset(out, 0, sizeof *out);
	out->first_root = SPAN_NONE;
	if (!root)
		return -1;
	info = jt_get(jt_get(root, "trace"), "trace_info");
	if (!cJSON_IsObject(info))
		info = jt_get(root, "trace_info");
	if (!cJSON_IsObject(info))
		rc = err_set(err, ERR_PARSE, "the server's reply has no trace_info");
	else
		rc = trace_of(info, out, err);
	cJSON_Delete(root);
	return rc;
}

int rw_assessment(const char *body, size_t n, struct assessment *out, struct err *err)
{
	cJSON *root = parse(body, n, err);
	const cJSON *a;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (!root)
		return -1;
	a = jt_get(root, "assessment");
	if (!cJSON_IsObject(a) || !jt_str(a, "assessment_id"))
		rc = err_set(err, ERR_PARSE, "the server's reply has no assessment");
	else
		assessment_of(a, NULL, out);
	cJSON_Delete(root);
	return rc;
}

int rw_error(const char *body, size_t n, char **code, char **message)
{
	cJSON *root;

	*code = *message = NULL;
	if (!body || !n || !jt_valid(body, n))
		return -1;
	root = jt_parse(body, n, NULL);
	if (!cJSON_IsObject(root) || (!jt_str(root, "error_code") && !jt_str(root, "message"))) {
		cJSON_Delete(root);
		return -1;
	}
	*code = dup_str(root, "error_code");
	*message = dup_str(root, "message");
	cJSON_Delete(root);
	return 0;
}

/* ---- requests ---------------------------------------------------------- */

static char *print_delete(cJSON *o)
{
	char *s = jt_print(o);

	cJSON_Delete(o);
	return s;
}

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddItemToObject(o, key, jt_new_strn(v, strlen(v)));
}

static void add_id(cJSON *o, const char *key, int64_t id)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)id);
	add_str(o, key, buf);
}

char *rw_search_body(const struct rw_search *s)
{
	cJSON *o = cJSON_CreateObject(), *locs = cJSON_CreateArray(), *ob;
	size_t i;

	for (i = 0; i < s->nexperiments; i++) {
		cJSON *l = cJSON_CreateObject(), *e = cJSON_CreateObject();

		add_str(l, "type", "MLFLOW_EXPERIMENT");
		add_id(e, "experiment_id", s->experiments[i]);
		cJSON_AddItemToObject(l, "mlflow_experiment", e);
		cJSON_AddItemToArray(locs, l);
	}
	cJSON_AddItemToObject(o, "locations", locs);
	if (s->filter && *s->filter)
		add_str(o, "filter", s->filter);
	cJSON_AddItemToObject(o, "max_results", jt_new_int((int64_t)s->max_results));
	ob = cJSON_CreateArray();
	for (i = 0; i < s->norder; i++)
		cJSON_AddItemToArray(ob, jt_new_strn(s->order_by[i], strlen(s->order_by[i])));
	cJSON_AddItemToObject(o, "order_by", ob);
	if (s->page_token)
		add_str(o, "page_token", s->page_token);
	return print_delete(o);
}

char *rw_experiments_body(size_t max_results, const char *page_token)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "max_results", jt_new_int((int64_t)max_results));
	add_str(o, "view_type", "ACTIVE_ONLY");
	if (page_token)
		add_str(o, "page_token", page_token);
	return print_delete(o);
}

char *rw_create_experiment_body(const char *name)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "name", name);
	return print_delete(o);
}

static cJSON *parse_value(const char *json, const char *what, struct err *err)
{
	struct err e = { 0 };
	cJSON *v = jt_parse(json, strlen(json), &e);

	if (!v)
		err_set(err, ERR_USAGE, "%s is not valid JSON: %s", what, e.msg);
	return v;
}

static void add_time(cJSON *o, const char *key, int64_t ms)
{
	char buf[40];

	fmt_rfc3339_ms(buf, sizeof buf, ms);
	add_str(o, key, buf);
}

/* A metadata object as a map of strings (non-strings as their JSON). */
static int add_metadata(cJSON *o, const char *metadata_json, struct err *err)
{
	cJSON *m, *out;
	const cJSON *c;

	if (!metadata_json)
		return 0;
	m = parse_value(metadata_json, "metadata", err);
	if (!m)
		return -1;
	if (!cJSON_IsObject(m)) {
		cJSON_Delete(m);
		return err_set(err, ERR_USAGE, "metadata is not a JSON object");
	}
	out = cJSON_CreateObject();
	for (c = m->child; c; c = c->next) {
		if (cJSON_IsString(c)) {
			add_str(out, c->string, c->valuestring);
		} else {
			char *t = jt_print(c);

			add_str(out, c->string, t);
			free(t);
		}
	}
	cJSON_Delete(m);
	cJSON_AddItemToObject(o, "metadata", out);
	return 0;
}

/* {"value": v} for feedback (with "error"), {"value": v} or
 * {"serialized_value": ...} for an expectation (objects and arrays go
 * serialised, as MLflow's client sends them). */
static int add_value(cJSON *o, const char *type, const char *value_json, const char *error_json,
		     struct err *err)
{
	bool expectation = str_eq(type, "expectation");
	cJSON *body = cJSON_CreateObject(), *v;

	v = parse_value(value_json ? value_json : "null", "the value", err);
	if (!v) {
		cJSON_Delete(body);
		return -1;
	}
	if (expectation && (cJSON_IsObject(v) || cJSON_IsArray(v))) {
		cJSON *ser = cJSON_CreateObject();
		char *text = jt_print(v);

		add_str(ser, "serialization_format", "JSON_FORMAT");
		add_str(ser, "value", text);
		free(text);
		cJSON_Delete(v);
		cJSON_AddItemToObject(body, "serialized_value", ser);
	} else {
		cJSON_AddItemToObject(body, "value", v);
	}
	if (!expectation && error_json) {
		cJSON *e = parse_value(error_json, "the error", err);

		if (!e) {
			cJSON_Delete(body);
			return -1;
		}
		cJSON_AddItemToObject(body, "error", e);
	}
	cJSON_AddItemToObject(o, expectation ? "expectation" : "feedback", body);
	return 0;
}

int rw_create_assessment_body(const struct rw_assessment_in *a, char **out, struct err *err)
{
	cJSON *root = cJSON_CreateObject(), *o = cJSON_CreateObject(), *src;

	*out = NULL;
	cJSON_AddItemToObject(root, "assessment", o);
	add_str(o, "assessment_name", a->name);
	add_str(o, "trace_id", a->trace_id);
	if (a->span_id && *a->span_id)
		add_str(o, "span_id", a->span_id);
	src = cJSON_CreateObject();
	add_str(src, "source_type", a->source_type ? a->source_type : "HUMAN");
	add_str(src, "source_id", a->source_id);
	cJSON_AddItemToObject(o, "source", src);
	add_time(o, "create_time", a->created_ms);
	add_time(o, "last_update_time", a->updated_ms);
	if (add_value(o, a->type, a->value_json, a->error_json, err) < 0 ||
	    add_metadata(o, a->metadata_json, err) < 0) {
		cJSON_Delete(root);
		return -1;
	}
	add_str(o, "rationale", a->rationale);
	add_str(o, "run_id", a->run_id);
	if (a->overrides && *a->overrides)
		add_str(o, "overrides", a->overrides);
	cJSON_AddItemToObject(o, "valid", cJSON_CreateBool(a->valid));
	*out = print_delete(root);
	return 0;
}

int rw_update_assessment_body(const struct assessment *cur, const char *name,
			      const char *value_json, bool set_rationale, const char *rationale,
			      const char *metadata_json, char **out, struct err *err)
{
	cJSON *root = cJSON_CreateObject(), *o = cJSON_CreateObject();
	struct strbuf mask = STRBUF_INIT;

	*out = NULL;
	cJSON_AddItemToObject(root, "assessment", o);
	add_str(o, "assessment_id", cur->id);
	add_str(o, "trace_id", cur->trace_id);
	add_str(o, "assessment_name", name ? name : cur->name);
	if (name)
		sb_adds(&mask, "assessmentName");
	if (value_json) {
		if (add_value(o, cur->type, value_json, NULL, err) < 0) {
			cJSON_Delete(root);
			sb_free(&mask);
			return -1;
		}
		sb_adds(&mask, mask.len ? "," : "");
		sb_adds(&mask, str_eq(cur->type, "expectation") ? "expectation" : "feedback");
	}
	if (set_rationale) {
		if (rationale)
			add_str(o, "rationale", rationale);
		sb_adds(&mask, mask.len ? ",rationale" : "rationale");
	}
	if (metadata_json) {
		if (add_metadata(o, metadata_json, err) < 0) {
			cJSON_Delete(root);
			sb_free(&mask);
			return -1;
		}
		sb_adds(&mask, mask.len ? ",metadata" : "metadata");
	}
	add_str(root, "update_mask", sb_str(&mask));
	sb_free(&mask);
	*out = print_delete(root);
	return 0;
}

char *rw_delete_assessment_body(const char *trace_id, const char *assessment_id)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "trace_id", trace_id);
	add_str(o, "assessment_id", assessment_id);
	return print_delete(o);
}
