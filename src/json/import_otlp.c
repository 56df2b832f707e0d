/*
 * OTLP/JSON ({"resourceSpans": [...]}): spans grouped by traceId, each made
 * into the v3 span dict MLflow 3 writes (json/semconv.h for the
 * attributes), resource attributes (service.name, ...) as trace tags.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "json/import_int.h"
#include "json/span.h"

/* An OTLP AnyValue as a plain JSON value. */
static cJSON *any_value(const cJSON *av)
{
	const cJSON *v, *c;
	cJSON *out;

	if (cJSON_IsString(v = jt_get(av, "stringValue")))
		return cJSON_CreateString(v->valuestring);
	if ((v = jt_get(av, "boolValue")))
		return cJSON_CreateBool(cJSON_IsTrue(v));
	if ((v = jt_get(av, "intValue"))) {
		int64_t n;

		return jt_int64(v, &n) == 0 ? jt_new_int(n) : cJSON_CreateNull();
	}
	if ((v = jt_get(av, "doubleValue"))) {
		if (cJSON_IsString(v))   /* "NaN", "Infinity" in protobuf JSON */
			return jt_new_raw_number(strcmp(v->valuestring, "NaN") == 0 ? "NaN" :
						 v->valuestring[0] == '-' ? "-Infinity" : "Infinity");
		return cJSON_Duplicate(v, true);
	}
	if ((v = jt_get(av, "arrayValue"))) {
		out = cJSON_CreateArray();
		for (c = cJSON_IsArray(jt_get(v, "values")) ? jt_get(v, "values")->child : NULL; c; c = c->next)
			cJSON_AddItemToArray(out, any_value(c));
		return out;
	}
	if ((v = jt_get(av, "kvlistValue"))) {
		out = cJSON_CreateObject();
		for (c = cJSON_IsArray(jt_get(v, "values")) ? jt_get(v, "values")->child : NULL; c; c = c->next)
			if (jt_str(c, "key"))
				cJSON_AddItemToObject(out, jt_str(c, "key"), any_value(jt_get(c, "value")));
		return out;
	}
	if (cJSON_IsString(v = jt_get(av, "bytesValue")))
		return cJSON_CreateString(v->valuestring);
	return cJSON_CreateNull();
}

/* [{"key": k, "value": AnyValue}] as {k: plain value}. */
static cJSON *raw_attributes(const cJSON *list)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *c;

	for (c = cJSON_IsArray(list) ? list->child : NULL; c; c = c->next)
		if (jt_str(c, "key"))
			cJSON_AddItemToObject(out, jt_str(c, "key"), any_value(jt_get(c, "value")));
	return out;
}

/* An OTLP status code. */
static enum span_status otlp_status(const cJSON *code)
{
	int64_t n;

	if (cJSON_IsString(code)) {
		if (strstr(code->valuestring, "ERROR"))
			return SPAN_ERROR;
		if (strstr(code->valuestring, "OK"))
			return SPAN_OK;
		return SPAN_UNSET;
	}
	if (jt_int64(code, &n) == 0)
		return n == 1 ? SPAN_OK : n == 2 ? SPAN_ERROR : SPAN_UNSET;
	return SPAN_UNSET;
}

static int64_t ns_of(const cJSON *v)
{
	int64_t n;

	return v && jt_int64(v, &n) == 0 ? n : -1;
}

static int otlp_span(struct builder *b, const cJSON *sp, const char *hex_trace, struct err *err)
{
	const cJSON *status = jt_get(sp, "status"), *c;
	const char *sid = jt_str(sp, "spanId"), *pid = jt_str(sp, "parentSpanId");
	char id[17], parent[17];
	struct span_parts p = { 0 };
	cJSON *raw, *dict;
	int rc;

	if (!sid || span_id_normalize(sid, id) < 0)
		return err_set(err, ERR_PARSE, "spanId \"%.40s\" is not a span id", sid ? sid : "");
	if (pid && *pid && span_id_normalize(pid, parent) < 0)
		return err_set(err, ERR_PARSE, "parentSpanId \"%.40s\" is not a span id", pid);
	p.trace_hex = hex_trace;
	p.span_hex = id;
	p.parent_hex = pid && *pid ? parent : NULL;
	p.name = jt_str(sp, "name");
	p.start_ns = ns_of(jt_get(sp, "startTimeUnixNano"));
	p.end_ns = ns_of(jt_get(sp, "endTimeUnixNano"));
	p.status = otlp_status(jt_get(status, "code"));
	p.message = jt_str(status, "message");
	p.events = cJSON_CreateArray();
	for (c = cJSON_IsArray(jt_get(sp, "events")) ? jt_get(sp, "events")->child : NULL; c; c = c->next) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddItemToObject(e, "name", cJSON_CreateString(jt_str(c, "name") ? jt_str(c, "name") : ""));
		cJSON_AddItemToObject(e, "time_unix_nano", ns_of(jt_get(c, "timeUnixNano")) >= 0 ?
				      jt_new_int(ns_of(jt_get(c, "timeUnixNano"))) : cJSON_CreateNull());
		cJSON_AddItemToObject(e, "attributes", raw_attributes(jt_get(c, "attributes")));
		cJSON_AddItemToArray(p.events, e);
	}
	raw = raw_attributes(jt_get(sp, "attributes"));
	dict = imp_span_dict(b, &p, raw, b->t.info.id);
	cJSON_Delete(raw);
	rc = builder_add_made(b, dict, err);
	cJSON_Delete(dict);
	return rc;
}

int otlp_record(struct import_reader *r, const cJSON *rec, struct err *err)
{
	const cJSON *rss = jt_get(rec, "resourceSpans"), *rs, *ss, *sp;
	struct group g = { 0 };
	size_t i, nspan = 0;
	int rc = -1;

	if (!cJSON_IsArray(rss)) {
		err_set(err, ERR_PARSE, "\"resourceSpans\" is not a list");
		goto out;
	}
	for (rs = rss->child; rs; rs = rs->next) {
		const cJSON *scopes = jt_get(rs, "scopeSpans");
		struct kv_list res = { 0 };
		cJSON *ra;

		if (!scopes)
			scopes = jt_get(rs, "instrumentationLibrarySpans");
		ra = raw_attributes(jt_get(jt_get(rs, "resource"), "attributes"));
		imp_read_kv(ra, &res);
		cJSON_Delete(ra);
		for (ss = cJSON_IsArray(scopes) ? scopes->child : NULL; ss; ss = ss->next) {
			const cJSON *spans = jt_get(ss, "spans");

			for (sp = cJSON_IsArray(spans) ? spans->child : NULL; sp; sp = sp->next, nspan++) {
				const char *tid = jt_str(sp, "traceId");
				char hex[33];
				struct builder *b;

				if (!tid || trace_id_normalize(tid, hex) < 0) {
					err_set(err, ERR_PARSE, "span %zu: traceId \"%.40s\" is not a trace id",
						nspan + 1, tid ? tid : "");
					kv_list_free(&res);
					goto out;
				}
				b = group_get(&g, hex);
				if (!b->t.info.id) {
					b->t.info.id = xasprintf(TRACE_PREFIX "%s", hex);
					imp_origin(b, "otlp-json", tid);
				}
				for (i = 0; i < res.n; i++)
					if (!kv_list_get(&b->t.tags, res.v[i].key))
						kv_list_set(&b->t.tags, res.v[i].key, res.v[i].value);
				if (otlp_span(b, sp, hex, err) < 0) {
					err_prefix(err, "span %zu", nspan + 1);
					kv_list_free(&res);
					goto out;
				}
			}
		}
		kv_list_free(&res);
	}
	imp_emit_group(r, &g);
	rc = 0;
out:
	group_free(&g);
	return rc;
}
