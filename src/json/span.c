#include "json/span.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/jtree.h"
#include "json/semconv.h"

#define ATTR_REQUEST_ID "mlflow.traceRequestId"
#define ATTR_SPAN_TYPE "mlflow.spanType"
#define ATTR_INPUTS "mlflow.spanInputs"
#define ATTR_OUTPUTS "mlflow.spanOutputs"

/* ---- ids ---------------------------------------------------------------- */

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decodes base64 (standard or URL alphabet, padding optional) into at most
 * max bytes; returns the byte count or -1. */
static int b64_decode(const char *s, unsigned char *out, size_t max)
{
	size_t n = strlen(s), o = 0, i;
	uint32_t acc = 0;
	int bits = 0;

	while (n && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		int v = b64_value(s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= max)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (int)o;
}

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return false;
	return true;
}

/* nbytes = 8 (span) or 16 (trace). */
static int id_normalize(const char *id, size_t nbytes, char *out)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char raw[16];
	size_t n, i, want = nbytes * 2;
	const char *h = id;
	int got;

	if (!id)
		return -1;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	n = strlen(h);
	if (n == want && all_hex(h, n)) {
		for (i = 0; i < n; i++)
			out[i] = (char)(h[i] >= 'A' && h[i] <= 'F' ? h[i] - 'A' + 'a' : h[i]);
		out[n] = '\0';
		return 0;
	}
	/* Base64 of the id as given: "0x/SIG/2yYs=" is base64, not hex. */
	got = b64_decode(id, raw, sizeof raw);
	if (got == (int)nbytes) {
		for (i = 0; i < nbytes; i++) {
			out[2 * i] = hexd[raw[i] >> 4];
			out[2 * i + 1] = hexd[raw[i] & 15];
		}
		out[want] = '\0';
		return 0;
	}
	/* Shorter hex: a number, as int(x, 16) reads it. */
	if (n && n < want && all_hex(h, n)) {
		memset(out, '0', want - n);
		for (i = 0; i < n; i++)
			out[want - n + i] = (char)(h[i] >= 'A' && h[i] <= 'F' ? h[i] - 'A' + 'a' : h[i]);
		out[want] = '\0';
		return 0;
	}
	return -1;
}

int span_id_normalize(const char *id, char out[17])
{
	return id_normalize(id, 8, out);
}

int trace_id_normalize(const char *id, char out[33])
{
	return id_normalize(id, 16, out);
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10;
}

/* nbytes = 8 or 16; out gets 4 * ceil(nbytes / 3) characters and a NUL. */
static int id_base64(const char *id, size_t nbytes, char *out)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char hex[33];
	unsigned char raw[18] = { 0 };
	size_t i, o = 0;

	if (id_normalize(id, nbytes, hex) < 0)
		return -1;
	for (i = 0; i < nbytes; i++)
		raw[i] = (unsigned char)(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
	for (i = 0; i < nbytes; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];

		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < nbytes ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < nbytes ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}

int span_id_base64(const char *id, char out[13])
{
	return id_base64(id, 8, out);
}

int trace_id_base64(const char *id, char out[25])
{
	return id_base64(id, 16, out);
}

/* ---- light parse -------------------------------------------------------- */

static enum span_format detect_format(const cJSON *o)
{
	const char *sid;

	if (jt_get(o, "context"))
		return SPAN_FMT_V2;
	sid = jt_str(o, "span_id");
	if (jt_get(o, "otel_trace_id") || (sid && strlen(sid) == 16 && all_hex(sid, 16)))
		return SPAN_FMT_V4;
	return SPAN_FMT_V3;
}

static enum span_status status_of(const cJSON *o, enum span_format fmt)
{
	const cJSON *code;
	int64_t n;

	if (fmt == SPAN_FMT_V2)
		code = jt_get(o, "status_code");
	else
		code = jt_get(jt_get(o, "status"), "code");
	if (cJSON_IsString(code))
		return span_status_parse(code->valuestring);
	if (jt_int64(code, &n) == 0)
		return n == 1 ? SPAN_OK : n == 2 ? SPAN_ERROR : SPAN_UNSET;
	return SPAN_UNSET;
}

static const char *status_message_of(const cJSON *o, enum span_format fmt)
{
	if (fmt == SPAN_FMT_V2)
		return jt_str(o, "status_message");
	return jt_str(jt_get(o, "status"), "message");
}

char *span_type_derived(const cJSON *attrs)
{
	return xstrdup_or_null(semconv_span_type(attrs));
}

/* A time in ns from a number or a string of digits; -1 when absent. */
static int get_ns(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = jt_get(o, key);

	*out = -1;
	if (!v || cJSON_IsNull(v))
		return 1;
	return jt_int64(v, out);
}

static int parse_tree(const cJSON *o, const char *json, size_t len, struct span *out,
		      char **trace_request_id, struct err *err)
{
	enum span_format fmt;
	const cJSON *attrs, *idv, *pv;
	char id[17], pid[17];
	const char *name, *start_key, *end_key;
	struct span s = { 0 };

	if (!cJSON_IsObject(o))
		return err_set(err, ERR_PARSE, "span JSON is not an object");
	fmt = detect_format(o);
	idv = fmt == SPAN_FMT_V2 ? jt_get(jt_get(o, "context"), "span_id") : jt_get(o, "span_id");
	if (!cJSON_IsString(idv))
		return err_set(err, ERR_PARSE, "not an MLflow span: no %s",
			       fmt == SPAN_FMT_V2 ? "context.span_id" : "span_id");
	if (span_id_normalize(idv->valuestring, id) < 0)
		return err_set(err, ERR_PARSE, "span_id \"%.40s\" is neither 16 hex digits nor base64 of 8 bytes",
			       idv->valuestring);
	pv = jt_get(o, fmt == SPAN_FMT_V2 ? "parent_id" : "parent_span_id");
	if (cJSON_IsString(pv) && pv->valuestring[0]) {
		if (span_id_normalize(pv->valuestring, pid) < 0)
			return err_set(err, ERR_PARSE, "span %s: parent id \"%.40s\" is not a span id",
				       id, pv->valuestring);
	} else if (pv && !cJSON_IsNull(pv) && !cJSON_IsString(pv)) {
		return err_set(err, ERR_PARSE, "span %s: parent id is not a string", id);
	} else {
		pid[0] = '\0';
	}
	name = jt_str(o, "name");
	if (!name)
		return err_set(err, ERR_PARSE, "span %s has no name", id);
	start_key = fmt == SPAN_FMT_V2 ? "start_time" : "start_time_unix_nano";
	end_key = fmt == SPAN_FMT_V2 ? "end_time" : "end_time_unix_nano";
	if (get_ns(o, start_key, &s.start_ns) != 0)
		return err_set(err, ERR_PARSE, "span %s has no %s", id, start_key);
	if (get_ns(o, end_key, &s.end_ns) < 0)
		return err_set(err, ERR_PARSE, "span %s: %s is not a number", id, end_key);

	attrs = jt_get(o, "attributes");
	s.id = xstrdup(id);
	s.parent_id = pid[0] ? xstrdup(pid) : NULL;
	s.name = xstrdup(name);
	s.type = jt_attr_text(jt_get(attrs, ATTR_SPAN_TYPE));
	if (!s.type)
		s.type = span_type_derived(attrs);
	s.status = status_of(o, fmt);
	s.content = xstrndup(json, len);
	s.parent = s.first_child = s.next_sibling = SPAN_NONE;
	if (trace_request_id)
		*trace_request_id = jt_attr_text(jt_get(attrs, ATTR_REQUEST_ID));
	*out = s;
	return 0;
}

int span_parse(const char *json, size_t len, struct span *out, char **trace_request_id,
	       struct err *err)
{
	cJSON *o;
	int rc;

	memset(out, 0, sizeof *out);
	if (trace_request_id)
		*trace_request_id = NULL;
	o = jt_parse(json, len, err);
	if (!o)
		return err_prefix(err, "span JSON");
	rc = parse_tree(o, json, len, out, trace_request_id, err);
	cJSON_Delete(o);
	return rc;
}

int span_parse_node(const struct cJSON *o, const char *json, size_t len, struct span *out,
		    char **trace_request_id, struct err *err)
{
	memset(out, 0, sizeof *out);
	if (trace_request_id)
		*trace_request_id = NULL;
	return parse_tree(o, json, len, out, trace_request_id, err);
}

int spans_parse_traces_json(const char *text, size_t len, struct trace *t, struct err *err)
{
	cJSON *root;
	const cJSON *spans, *c;
	struct strbuf note = STRBUF_INIT;
	size_t i = 0, bad = 0;
	int rc = -1;

	root = jt_parse(text, len, err);
	if (!root)
		return -1;
	spans = cJSON_IsArray(root) ? root : jt_get(root, "spans");
	if (!cJSON_IsArray(spans)) {
		err_set(err, ERR_PARSE, "no \"spans\" list");
		goto out;
	}
	for (c = spans->child; c; c = c->next, i++) {
		struct span s;
		struct err e = { 0 };
		char *content = jt_print(c);

		if (parse_tree(c, content, strlen(content), &s, NULL, &e) == 0) {
			trace_add_span(t, &s);
		} else {
			if (!bad)
				sb_addf(&note, "span %zu: %s", i + 1, e.msg);
			bad++;
		}
		free(content);
	}
	if (bad) {
		char *first = sb_take(&note);

		free(t->spans_note);
		t->spans_note = xasprintf("%zu span%s could not be read (%s)", bad,
					  bad == 1 ? "" : "s", first);
		free(first);
	}
	rc = 0;
out:
	sb_free(&note);
	cJSON_Delete(root);
	return rc;
}

/* ---- detail ------------------------------------------------------------- */

static char *event_field(const cJSON *attrs, const char *key)
{
	const cJSON *v = jt_get(attrs, key);

	if (!v || cJSON_IsNull(v))
		return NULL;
	return jt_attr_text(v);
}

/* An event time in the span's own unit.  Real MLflow stores hold event
 * time_unix_nano in microseconds for some spans (a span starting at
 * 1772195127145361471 ns with its exception at 1772195127425930): a time
 * far below the span's start is read in the unit (us, ms, s) that puts it
 * nearest the start. */
static int64_t event_ns(int64_t t, int64_t start_ns)
{
	static const int64_t mult[] = { 1000, 1000000, 1000000000 };
	double best, d;
	int64_t out = t;
	size_t i;

	if (t <= 0 || start_ns <= 0 || t >= start_ns / 100)
		return t;
	best = fabs((double)t - (double)start_ns);
	for (i = 0; i < sizeof mult / sizeof mult[0]; i++) {
		if (t > INT64_MAX / mult[i])
			break;
		d = fabs((double)(t * mult[i]) - (double)start_ns);
		if (d < best) {
			best = d;
			out = t * mult[i];
		}
	}
	return out;
}

static void parse_events(const cJSON *o, enum span_format fmt, struct span_detail *d)
{
	const cJSON *evs = jt_get(o, "events"), *e;
	size_t n = jt_count(evs), i = 0;

	if (!cJSON_IsArray(evs) || !n)
		return;
	d->events = xcalloc(n, sizeof *d->events);
	for (e = evs->child; e; e = e->next) {
		struct span_event *ev = &d->events[i];
		const cJSON *attrs = jt_get(e, "attributes");
		const char *name = jt_str(e, "name");

		if (!cJSON_IsObject(e))
			continue;
		ev->name = xstrdup(name ? name : "");
		if (get_ns(e, fmt == SPAN_FMT_V2 ? "timestamp" : "time_unix_nano", &ev->time_ns) < 0)
			ev->time_ns = -1;
		else
			ev->time_ns = event_ns(ev->time_ns, d->start_ns);
		ev->attrs_json = cJSON_IsObject(attrs) ? jt_print(attrs) : xstrdup("{}");
		ev->exception = strcmp(ev->name, "exception") == 0;
		if (ev->exception) {
			ev->exc_type = event_field(attrs, "exception.type");
			ev->exc_message = event_field(attrs, "exception.message");
			ev->exc_stacktrace = event_field(attrs, "exception.stacktrace");
			d->nexceptions++;
		}
		i++;
	}
	d->nevents = i;
}

/* Where spans that were not written by MLflow's own tracing keep their
 * inputs and outputs (spans received over OTLP by older MLflow servers have
 * no mlflow.spanInputs): OpenInference, then the OTel GenAI semantic
 * conventions (messages, tool calls, and the older prompt / completion),
 * in the order MLflow's own translation tries them. */
static const char *const input_keys[] = {
	"input.value", "gen_ai.input.messages", "gen_ai.tool.call.arguments", "gen_ai.prompt",
	NULL,
};
static const char *const output_keys[] = {
	"output.value", "gen_ai.output.messages", "gen_ai.tool.call.result", "gen_ai.completion",
	NULL,
};

static const char *io_attr(const struct span_detail *d, const char *key,
			   const char *const *fallback)
{
	const char *v = span_detail_attr(d, key);

	for (; !v && *fallback; fallback++)
		v = span_detail_attr(d, *fallback);
	return v;
}

int span_detail_parse(const char *content, struct span_detail *out, struct err *err)
{
	cJSON *o;
	const cJSON *attrs, *c;
	const char *msg, *name;
	size_t n, i = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	out->end_ns = -1;
	if (!content)
		return err_set(err, ERR_PARSE, "the span has no JSON content");
	o = jt_parse(content, strlen(content), err);
	if (!o)
		return err_prefix(err, "span JSON");
	if (!cJSON_IsObject(o)) {
		err_set(err, ERR_PARSE, "span JSON is not an object");
		goto out;
	}
	out->format = detect_format(o);
	name = jt_str(o, "name");
	out->name = xstrdup_or_null(name);
	get_ns(o, out->format == SPAN_FMT_V2 ? "start_time" : "start_time_unix_nano", &out->start_ns);
	get_ns(o, out->format == SPAN_FMT_V2 ? "end_time" : "end_time_unix_nano", &out->end_ns);
	out->status = status_of(o, out->format);
	msg = status_message_of(o, out->format);
	out->status_message = msg && *msg ? xstrdup(msg) : NULL;

	attrs = jt_get(o, "attributes");
	n = jt_count(attrs);
	if (cJSON_IsObject(attrs) && n) {
		out->attrs = xcalloc(n, sizeof *out->attrs);
		for (c = attrs->child; c; c = c->next, i++) {
			out->attrs[i].key = xstrdup(c->string ? c->string : "");
			out->attrs[i].json = jt_attr_json(c, &out->attrs[i].was_json);
		}
		out->nattrs = i;
	}
	out->inputs = io_attr(out, ATTR_INPUTS, input_keys);
	out->outputs = io_attr(out, ATTR_OUTPUTS, output_keys);
	parse_events(o, out->format, out);
	rc = 0;
out:
	cJSON_Delete(o);
	if (rc)
		span_detail_free(out);
	return rc;
}

const char *span_detail_attr(const struct span_detail *d, const char *key)
{
	size_t i;

	/* The last one wins, as in a Python dict. */
	for (i = d->nattrs; i-- > 0;)
		if (strcmp(d->attrs[i].key, key) == 0)
			return d->attrs[i].json;
	return NULL;
}

void span_detail_free(struct span_detail *d)
{
	size_t i;

	free(d->name);
	free(d->status_message);
	for (i = 0; i < d->nattrs; i++) {
		free(d->attrs[i].key);
		free(d->attrs[i].json);
	}
	free(d->attrs);
	for (i = 0; i < d->nevents; i++) {
		free(d->events[i].name);
		free(d->events[i].attrs_json);
		free(d->events[i].exc_type);
		free(d->events[i].exc_message);
		free(d->events[i].exc_stacktrace);
	}
	free(d->events);
	memset(d, 0, sizeof *d);
	d->end_ns = -1;
}
