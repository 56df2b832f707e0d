#include "json/emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "json/jtree.h"
#include "json/span.h"

#define STACK_TRACE_MAX 1000
#define STACK_TRACE_PREFIX "[Stack trace is truncated]\n...\n"

void emit_proto_time(char *buf, size_t size, int64_t ms)
{
	char *dot;

	fmt_rfc3339_ms(buf, size, ms);
	dot = strstr(buf, ".000Z");
	if (dot)
		memcpy(dot, "Z", 2);
}

static void add_str(cJSON *obj, const char *key, const char *s)
{
	cJSON_AddItemToObject(obj, key, cJSON_CreateString(s ? s : ""));
}

static cJSON *parse_or_null(const char *json)
{
	return json ? jt_parse(json, strlen(json), NULL) : NULL;
}

/* protobuf's JSON form of a number that JSON has no number for. */
static const char *nonfinite_name(double d)
{
	return isnan(d) ? "NaN" : d < 0 ? "-Infinity" : "Infinity";
}

/* Python writes NaN, Infinity and -Infinity, which strict JSON lacks. */
static bool nonfinite_text(const char *p, size_t n)
{
	return (n == 3 && memcmp(p, "NaN", 3) == 0) || (n == 8 && memcmp(p, "Infinity", 8) == 0) ||
	       (n == 9 && memcmp(p, "-Infinity", 9) == 0);
}

bool emit_json_value(struct strbuf *out, const char *text, size_t n)
{
	struct strbuf tmp = STRBUF_INIT;
	struct jlex lx;
	size_t start = out->len;
	bool comma = false, ok = false;
	enum jtok t;

	jlex_init(&lx, text, n, 0);
	while ((t = jlex_next(&lx)) != JT_END) {
		const char *p = text + lx.tok;

		if (t == JT_ERR)
			goto out;
		if (t == JT_OBJ_END || t == JT_ARR_END) {
			sb_addc(out, t == JT_OBJ_END ? '}' : ']');
			comma = true;
			continue;
		}
		if (comma)
			sb_adds(out, ", ");
		comma = true;
		switch (t) {
		case JT_OBJ:
		case JT_ARR:
			sb_addc(out, t == JT_OBJ ? '{' : '[');
			comma = false;
			break;
		case JT_TRUE:
			sb_adds(out, "true");
			break;
		case JT_FALSE:
			sb_adds(out, "false");
			break;
		case JT_NULL:
			sb_adds(out, "null");
			break;
		case JT_NUM:
			if (nonfinite_text(p, lx.toklen)) {
				sb_addc(out, '"');
				sb_add(out, p, lx.toklen);
				sb_addc(out, '"');
			} else {
				sb_add(out, p, lx.toklen);
			}
			break;
		default:   /* JT_STR */
			sb_reset(&tmp);
			jt_unescape(p + 1, lx.toklen - 2, &tmp);
			pyjson_string(out, tmp.buf ? tmp.buf : "", tmp.len);
			if (lx.is_key) {
				sb_adds(out, ": ");
				comma = false;
			}
			break;
		}
	}
	ok = true;
out:
	if (!ok) {
		out->len = start;
		if (out->buf)
			out->buf[start] = '\0';
	}
	sb_free(&tmp);
	jlex_free(&lx);
	return ok;
}

/* A stored value that jt_parse cannot build (nested deeper than
 * JT_MAX_DEPTH, or not JSON at all) is passed through, never made null:
 * the deep value as its text, anything else as a string of its text. */
static cJSON *stored_value(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *v;

	if (!emit_json_value(&sb, text, strlen(text))) {
		sb_free(&sb);
		return cJSON_CreateString(text);
	}
	v = jt_new_verbatim(sb_str(&sb));
	sb_free(&sb);
	return v;
}

/* A JSON value as a protobuf google.protobuf.Value reads it back: every
 * number is a double (5 becomes 5.0); NaN and the infinities become the
 * strings protobuf's JSON mapping writes for them. */
static void to_proto_value(cJSON *v)
{
	cJSON *c;

	if (jt_is_num(v) && cJSON_IsRaw(v)) {
		double d = jt_double(v);
		struct strbuf sb = STRBUF_INIT;

		free(v->valuestring);
		if (isfinite(d)) {
			pyjson_float(&sb, d);
			v->valuestring = sb_take(&sb);
		} else {
			v->type = cJSON_String;
			v->valuestring = xstrdup(nonfinite_name(d));
		}
		return;
	}
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		for (c = v->child; c; c = c->next)
			to_proto_value(c);
}

/* Number of code points in UTF-8 text (invalid bytes count as one). */
static size_t cp_count(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

/* Byte offset where the last `keep` code points of s begin. */
static size_t cp_tail(const char *s, size_t n, size_t keep)
{
	size_t i = n, k = 0;

	while (i > 0 && k < keep) {
		i--;
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	}
	return i;
}

/* AssessmentError.to_proto: error_code, error_message if set, stack_trace
 * if set, cut to 1000 characters with a note in front. */
static cJSON *error_dict(const char *error_json)
{
	cJSON *e = parse_or_null(error_json), *out;
	const char *code, *msg, *st;

	if (!cJSON_IsObject(e)) {
		cJSON_Delete(e);
		return NULL;
	}
	out = cJSON_CreateObject();
	code = jt_str(e, "error_code");
	msg = jt_str(e, "error_message");
	st = jt_str(e, "stack_trace");
	add_str(out, "error_code", code);
	if (msg && *msg)
		add_str(out, "error_message", msg);
	if (st && *st) {
		size_t n = strlen(st);

		if (cp_count(st, n) > STACK_TRACE_MAX) {
			size_t keep = STACK_TRACE_MAX - strlen(STACK_TRACE_PREFIX);
			char *t = xasprintf("%s%s", STACK_TRACE_PREFIX, st + cp_tail(st, n, keep));

			add_str(out, "stack_trace", t);
			free(t);
		} else {
			add_str(out, "stack_trace", st);
		}
	}
	cJSON_Delete(e);
	return out;
}

/* Python str() of a metadata value (the proto map holds strings). */
static char *py_str(const cJSON *v)
{
	struct strbuf sb = STRBUF_INIT;

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsTrue(v))
		return xstrdup("True");
	if (cJSON_IsFalse(v))
		return xstrdup("False");
	if (!v || cJSON_IsNull(v))
		return xstrdup("None");
	if (cJSON_IsRaw(v)) {
		const char *t = v->valuestring;
		double d;

		if (!strpbrk(t, ".eEIN"))
			return jt_print(v);
		d = jt_double(v);
		if (isnan(d))
			return xstrdup("nan");
		if (isinf(d))
			return xstrdup(d < 0 ? "-inf" : "inf");
		pyjson_float(&sb, d);
		return sb_take(&sb);
	}
	return jt_print(v);
}

static cJSON *assessment_dict(const struct assessment *a)
{
	cJSON *o = cJSON_CreateObject(), *src, *v, *meta;
	char t[40];
	bool expectation = str_eq(a->type, "expectation");

	if (a->id)
		add_str(o, "assessment_id", a->id);
	add_str(o, "assessment_name", a->name);
	add_str(o, "trace_id", a->trace_id);
	if (a->span_id)
		add_str(o, "span_id", a->span_id);
	src = cJSON_CreateObject();
	add_str(src, "source_type", a->source_type ? a->source_type : "SOURCE_TYPE_UNSPECIFIED");
	if (a->source_id)
		add_str(src, "source_id", a->source_id);
	cJSON_AddItemToObject(o, "source", src);
	emit_proto_time(t, sizeof t, a->created_ms);
	add_str(o, "create_time", t);
	emit_proto_time(t, sizeof t, a->updated_ms);
	add_str(o, "last_update_time", t);

	v = parse_or_null(a->value);
	if (!v)
		v = a->value ? stored_value(a->value) : cJSON_CreateNull();
	if (expectation) {
		cJSON *ex = cJSON_CreateObject();

		if (cJSON_IsString(v) || cJSON_IsBool(v) || jt_is_num(v)) {
			to_proto_value(v);
			cJSON_AddItemToObject(ex, "value", v);
		} else {
			cJSON *sv = cJSON_CreateObject();
			char *text = jt_print(v);

			add_str(sv, "serialization_format", "JSON_FORMAT");
			add_str(sv, "value", text);
			free(text);
			cJSON_Delete(v);
			cJSON_AddItemToObject(ex, "serialized_value", sv);
		}
		cJSON_AddItemToObject(o, "expectation", ex);
	} else if (!str_eq(a->type, "issue")) {
		cJSON *fb = cJSON_CreateObject(), *err = error_dict(a->error);

		to_proto_value(v);
		cJSON_AddItemToObject(fb, "value", v);
		if (err)
			cJSON_AddItemToObject(fb, "error", err);
		cJSON_AddItemToObject(o, "feedback", fb);
	} else {
		cJSON_Delete(v);
	}
	if (a->rationale)
		add_str(o, "rationale", a->rationale);
	meta = parse_or_null(a->metadata);
	if (cJSON_IsObject(meta) && meta->child) {
		cJSON *m = cJSON_CreateObject(), *c;

		for (c = meta->child; c; c = c->next) {
			char *s = py_str(c);

			add_str(m, c->string, s);
			free(s);
		}
		cJSON_AddItemToObject(o, "metadata", m);
	}
	cJSON_Delete(meta);
	if (a->overrides)
		add_str(o, "overrides", a->overrides);
	cJSON_AddItemToObject(o, "valid", cJSON_CreateBool(a->valid));
	return o;
}

/* Output for other programs: strict JSON (jt_dump_strict). */
static char *print_strict(const cJSON *v, int indent)
{
	struct strbuf sb = STRBUF_INIT;

	jt_dump_strict(&sb, v, indent);
	return sb_take(&sb);
}

char *assessment_to_json(const struct assessment *a)
{
	cJSON *o = assessment_dict(a);
	char *s = print_strict(o, -1);

	cJSON_Delete(o);
	return s;
}

char *assessments_to_json(const struct assessment_list *l, bool pretty)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;
	char *s;

	for (i = 0; i < l->n; i++)
		cJSON_AddItemToArray(arr, assessment_dict(&l->v[i]));
	s = print_strict(arr, pretty ? 2 : -1);
	cJSON_Delete(arr);
	return s;
}

/* ---- traces ------------------------------------------------------------- */

static cJSON *kv_dict(const struct kv_list *l)
{
	cJSON *o = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < l->n; i++)
		add_str(o, l->v[i].key, l->v[i].value);
	return o;
}

/* A span whose content cannot be read, as a version 4 dict from what is
 * known of it. */
static cJSON *light_span_dict(const struct trace *t, const struct span *s)
{
	cJSON *o = cJSON_CreateObject(), *st, *attrs;
	struct strbuf sb = STRBUF_INIT;

	add_str(o, "trace_id", t->info.id);
	add_str(o, "span_id", s->id);
	if (s->parent_id)
		add_str(o, "parent_span_id", s->parent_id);
	else
		cJSON_AddItemToObject(o, "parent_span_id", cJSON_CreateNull());
	add_str(o, "name", s->name);
	cJSON_AddItemToObject(o, "start_time_unix_nano", jt_new_int(s->start_ns));
	cJSON_AddItemToObject(o, "end_time_unix_nano",
			      s->end_ns >= 0 ? jt_new_int(s->end_ns) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "events", cJSON_CreateArray());
	st = cJSON_CreateObject();
	add_str(st, "code", span_status_name(s->status));
	add_str(st, "message", "");
	cJSON_AddItemToObject(o, "status", st);
	attrs = cJSON_CreateObject();
	pyjson_string(&sb, t->info.id ? t->info.id : "", t->info.id ? strlen(t->info.id) : 0);
	add_str(attrs, "mlflow.traceRequestId", sb_str(&sb));
	if (s->type) {
		sb_reset(&sb);
		pyjson_string(&sb, s->type, strlen(s->type));
		add_str(attrs, "mlflow.spanType", sb_str(&sb));
	}
	sb_free(&sb);
	cJSON_AddItemToObject(o, "attributes", attrs);
	return o;
}

char *trace_to_json(const struct trace *t)
{
	cJSON *root = cJSON_CreateObject(), *info = cJSON_CreateObject(), *data, *spans, *loc, *exp;
	char buf[64];
	size_t i;
	char *s;

	add_str(info, "trace_id", t->info.id);
	if (t->info.client_request_id)
		add_str(info, "client_request_id", t->info.client_request_id);
	loc = cJSON_CreateObject();
	add_str(loc, "type", "MLFLOW_EXPERIMENT");
	exp = cJSON_CreateObject();
	snprintf(buf, sizeof buf, "%" PRId64, t->info.experiment_id);
	add_str(exp, "experiment_id", buf);
	cJSON_AddItemToObject(loc, "mlflow_experiment", exp);
	cJSON_AddItemToObject(info, "trace_location", loc);
	if (t->info.request_preview)
		add_str(info, "request_preview", t->info.request_preview);
	if (t->info.response_preview)
		add_str(info, "response_preview", t->info.response_preview);
	emit_proto_time(buf, sizeof buf, t->info.timestamp_ms);
	add_str(info, "request_time", buf);
	add_str(info, "state", str_eq(t->info.status, "TRACE_STATUS_UNSPECIFIED") || !t->info.status ?
			       "STATE_UNSPECIFIED" : t->info.status);
	if (t->metadata.n)
		cJSON_AddItemToObject(info, "trace_metadata", kv_dict(&t->metadata));
	if (t->assessments.n) {
		cJSON *arr = cJSON_CreateArray();

		for (i = 0; i < t->assessments.n; i++)
			cJSON_AddItemToArray(arr, assessment_dict(&t->assessments.v[i]));
		cJSON_AddItemToObject(info, "assessments", arr);
	}
	if (t->tags.n)
		cJSON_AddItemToObject(info, "tags", kv_dict(&t->tags));
	if (t->info.duration_ms >= 0)
		cJSON_AddItemToObject(info, "execution_duration_ms", jt_new_int(t->info.duration_ms));
	cJSON_AddItemToObject(root, "info", info);

	data = cJSON_CreateObject();
	spans = cJSON_CreateArray();
	for (i = 0; i < t->nspans; i++) {
		const struct span *sp = &t->spans[i];
		cJSON *o = parse_or_null(sp->content);

		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			o = light_span_dict(t, sp);
		}
		cJSON_AddItemToArray(spans, o);
	}
	cJSON_AddItemToObject(data, "spans", spans);
	cJSON_AddItemToObject(root, "data", data);
	s = print_strict(root, -1);
	cJSON_Delete(root);
	return s;
}

/* ---- metadata ----------------------------------------------------------- */

/* Sets key in obj as a dict does: the first member with the key takes the
 * value (later duplicates are dropped), or the key is appended. */
static void dict_set(cJSON *obj, const char *key, cJSON *value)
{
	cJSON *c, *first = NULL, *next;

	for (c = obj->child; c; c = next) {
		next = c->next;
		if (!c->string || strcmp(c->string, key) != 0)
			continue;
		if (!first)
			first = c;
		else
			cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
	}
	/* Replacing by name takes the first member and names the new one. */
	if (first)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, value);
	else
		cJSON_AddItemToObject(obj, key, value);
}

char *json_merge_objects(const char *old_json, const char *patch_json)
{
	cJSON *old = NULL, *patch = NULL, *c;
	char *out = NULL;

	if (old_json && *old_json) {
		old = jt_parse(old_json, strlen(old_json), NULL);
		if (!cJSON_IsObject(old))
			goto out;
	} else {
		old = cJSON_CreateObject();
	}
	patch = parse_or_null(patch_json);
	if (!cJSON_IsObject(patch))
		goto out;
	for (c = patch->child; c; c = c->next)
		dict_set(old, c->string, cJSON_Duplicate(c, true));
	out = jt_print(old);
out:
	cJSON_Delete(old);
	cJSON_Delete(patch);
	return out;
}

char *metadata_from_pairs(const char *const *kv, struct err *err)
{
	cJSON *o = cJSON_CreateObject();
	char *out = NULL;
	size_t i;

	for (i = 0; kv && kv[i]; i++) {
		const char *eq = strchr(kv[i], '=');
		char *key, *safe;

		if (!eq || eq == kv[i]) {
			safe = sanitize_dup(kv[i], strlen(kv[i]));
			err_set(err, ERR_USAGE, eq ? "metadata '%s' has an empty key" :
				"metadata '%s' is not KEY=VALUE", safe);
			free(safe);
			goto out;
		}
		key = xstrndup(kv[i], (size_t)(eq - kv[i]));
		dict_set(o, key, cJSON_CreateString(eq + 1));
		free(key);
	}
	out = jt_print(o);
out:
	cJSON_Delete(o);
	return out;
}
