/*
 * Google Cloud Trace API v1 exports (projects.traces): {projectId,
 * traceId (32 hex), spans: [{spanId (a decimal uint64, as a string),
 * parentSpanId, kind, name, startTime, endTime (RFC 3339 with ns), labels
 * (a flat string map)}]}.  The labels are the span's attributes (OTel GenAI
 * and agent-framework request / response JSON among them: json/semconv.h);
 * there is no status field, so an error is what the labels say
 * (otel.status_code, error.message, /error/message).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "json/import_int.h"
#include "json/span.h"

/* A decimal span id (string or number) as 16 hex; "0" or absent is none. */
static int decimal_id(const cJSON *v, char out[17], bool *none)
{
	unsigned long long n;
	char *end;
	const char *s;
	char buf[32];

	*none = false;
	if (!v || cJSON_IsNull(v)) {
		*none = true;
		return 0;
	}
	if (cJSON_IsString(v)) {
		s = v->valuestring;
	} else if (cJSON_IsRaw(v) && v->valuestring) {
		s = v->valuestring;
	} else {
		return -1;
	}
	if (!*s) {
		*none = true;
		return 0;
	}
	if (strspn(s, "0123456789") != strlen(s) || strlen(s) > 20)
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	if (n == 0) {
		*none = true;
		return 0;
	}
	snprintf(buf, sizeof buf, "%016llx", n);
	memcpy(out, buf, 17);
	return 0;
}

static enum span_status status_of(const cJSON *labels, const char **message)
{
	const char *code = jt_str(labels, "otel.status_code"), *m;

	*message = NULL;
	if ((m = jt_str(labels, "/error/message")) || (m = jt_str(labels, "error.message"))) {
		*message = m;
		return SPAN_ERROR;
	}
	if (code && strcmp(code, "ERROR") == 0) {
		*message = jt_str(labels, "otel.status_description");
		return SPAN_ERROR;
	}
	if (str_eq(jt_str(labels, "error"), "true"))
		return SPAN_ERROR;
	return SPAN_OK;
}

int gcp_record(struct import_reader *r, const cJSON *rec, struct err *err)
{
	const char *tid = jt_str(rec, "traceId");
	const cJSON *spans = jt_get(rec, "spans"), *sp;
	struct builder b;
	char hex[33];
	size_t i = 0;
	int rc = -1;

	builder_init(&b);
	if (!tid || trace_id_normalize(tid, hex) < 0 || strlen(tid) != 32) {
		err_set(err, ERR_PARSE, "traceId \"%.40s\" is not 32 hex digits", tid ? tid : "");
		goto out;
	}
	b.t.info.id = xasprintf(TRACE_PREFIX "%s", hex);
	imp_origin(&b, "cloud-trace-v1", tid);
	if (jt_str(rec, "projectId"))
		kv_list_set(&b.t.tags, "gcp.project_id", jt_str(rec, "projectId"));
	for (sp = cJSON_IsArray(spans) ? spans->child : NULL; sp; sp = sp->next, i++) {
		const cJSON *labels = jt_get(sp, "labels");
		struct span_parts p = { 0 };
		char id[17], parent[17];
		bool none;
		cJSON *raw, *dict;
		const char *kind = jt_str(sp, "kind");

		if (decimal_id(jt_get(sp, "spanId"), id, &none) < 0 || none) {
			err_set(err, ERR_PARSE, "span %zu: spanId is not a decimal span id", i + 1);
			goto out;
		}
		if (decimal_id(jt_get(sp, "parentSpanId"), parent, &none) < 0) {
			err_set(err, ERR_PARSE, "span %zu: parentSpanId is not a decimal span id", i + 1);
			goto out;
		}
		p.trace_hex = hex;
		p.span_hex = id;
		p.parent_hex = none ? NULL : parent;
		p.name = jt_str(sp, "name");
		if (imp_time_ns(jt_get(sp, "startTime"), &p.start_ns) < 0) {
			err_set(err, ERR_PARSE, "span %zu: startTime is not an RFC 3339 time", i + 1);
			goto out;
		}
		if (!jt_get(sp, "endTime"))
			p.end_ns = -1;
		else if (imp_time_ns(jt_get(sp, "endTime"), &p.end_ns) < 0) {
			err_set(err, ERR_PARSE, "span %zu: endTime is not an RFC 3339 time", i + 1);
			goto out;
		}
		p.status = status_of(labels, &p.message);
		if (p.end_ns < 0 && p.status == SPAN_OK)
			p.status = SPAN_UNSET;
		raw = cJSON_IsObject(labels) ? cJSON_Duplicate(labels, true) : cJSON_CreateObject();
		if (kind && strcmp(kind, "SPAN_KIND_UNSPECIFIED") && !jt_get(raw, "gcp.span.kind"))
			cJSON_AddItemToObject(raw, "gcp.span.kind", cJSON_CreateString(kind));
		if (jt_str(raw, "service.name") && !kv_list_get(&b.t.tags, "service.name"))
			kv_list_set(&b.t.tags, "service.name", jt_str(raw, "service.name"));
		dict = imp_span_dict(&b, &p, raw, b.t.info.id);
		cJSON_Delete(raw);
		rc = builder_add_made(&b, dict, err);
		cJSON_Delete(dict);
		if (rc < 0) {
			err_prefix(err, "span %zu", i + 1);
			goto out;
		}
		rc = -1;
	}
	if (!b.t.nspans) {
		err_set(err, ERR_PARSE, "trace %s has no spans", tid);
		goto out;
	}
	imp_emit(r, &b);
	rc = 0;
out:
	builder_free(&b);
	return rc;
}
