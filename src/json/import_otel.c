/*
 * OpenTelemetry SDK dumps: the objects ReadableSpan.to_json() writes
 * ({name, context{trace_id, span_id, trace_state}, kind, parent_id,
 * start_time, end_time (ISO 8601, microseconds, Z), status{status_code,
 * description}, attributes, events, links, resource{attributes,
 * schema_url}}), one record each.
 *
 * Span processors that dump on start and on end write a span twice, the
 * first copy with end_time null; the copies are merged by span id (the
 * ended copy wins).  So the spans of a trace are kept until the trace is
 * complete, that is its root has ended and so has every span it started;
 * then it is emitted.  Traces still open at the end of the input are
 * emitted as they are.  At most OPEN_MAX traces (OPEN_SPANS_MAX spans) are
 * kept open: beyond that the oldest goes out as it is, and spans of it
 * that come later make a second part, which the import joins to the first
 * (import_merge).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "json/import_int.h"
#include "json/span.h"

#define OPEN_MAX 256
#define OPEN_SPANS_MAX 200000

struct open_span {
	uint64_t id;
	cJSON *obj;       /* the copy kept (owned) */
	bool ended;
};

struct open_trace {
	char hex[33];
	char *source_id;  /* the trace id as written ("0x...") */
	struct open_span *v;
	size_t n, cap;
	size_t *slot;     /* hash of span ids: index + 1, 0 = empty */
	size_t nslot;
	size_t unended;
	bool root_ended;
	uint64_t seq;     /* when it was opened */
};

struct otel_state {
	struct open_trace *v;
	size_t n, cap;
	size_t last;
	size_t spans;     /* in all open traces */
	uint64_t seq;
};

/* ---- reading one object ------------------------------------------------- */

bool otel_is_span(const cJSON *o)
{
	const cJSON *ctx = jt_get(o, "context"), *kind = jt_get(o, "kind"), *st;

	if (!cJSON_IsObject(o) || !cJSON_IsObject(ctx) || !jt_get(ctx, "span_id"))
		return false;
	st = jt_get(o, "start_time");
	/* MLflow's v2 span dicts have a context too, but ns numbers for times. */
	return (cJSON_IsString(kind) && str_starts(kind->valuestring, "SpanKind.")) ||
	       cJSON_IsString(st);
}

static uint64_t hex_u64(const char *hex)
{
	return strtoull(hex, NULL, 16);
}

static enum span_status status_of(const cJSON *status)
{
	const char *code = jt_str(status, "status_code");

	if (!code)
		return SPAN_UNSET;
	return span_status_parse(code);
}

/* Converts the kept copy of a span into the builder. */
static int add_span(struct builder *b, const struct open_trace *ot, const cJSON *o,
		    struct err *err)
{
	const cJSON *ctx = jt_get(o, "context"), *c, *evs = jt_get(o, "events");
	const char *sid = jt_str(ctx, "span_id"), *pid = jt_str(o, "parent_id");
	char id[17], parent[17];
	struct span_parts p = { 0 };
	cJSON *dict;
	int rc;

	if (!sid || span_id_normalize(sid, id) < 0)
		return err_set(err, ERR_PARSE, "context.span_id \"%.40s\" is not a span id",
			       sid ? sid : "");
	if (pid && span_id_normalize(pid, parent) < 0)
		return err_set(err, ERR_PARSE, "parent_id \"%.40s\" is not a span id", pid);
	p.trace_hex = ot->hex;
	p.span_hex = id;
	p.parent_hex = pid ? parent : NULL;
	p.name = jt_str(o, "name");
	if (imp_time_ns(jt_get(o, "start_time"), &p.start_ns) < 0)
		return err_set(err, ERR_PARSE, "span %s: start_time is not an ISO 8601 time", id);
	if (cJSON_IsNull(jt_get(o, "end_time")) || !jt_get(o, "end_time"))
		p.end_ns = -1;
	else if (imp_time_ns(jt_get(o, "end_time"), &p.end_ns) < 0)
		return err_set(err, ERR_PARSE, "span %s: end_time is not an ISO 8601 time", id);
	p.status = status_of(jt_get(o, "status"));
	p.message = jt_str(jt_get(o, "status"), "description");
	p.events = cJSON_CreateArray();
	for (c = cJSON_IsArray(evs) ? evs->child : NULL; c; c = c->next) {
		cJSON *e = cJSON_CreateObject();
		const cJSON *a = jt_get(c, "attributes");
		int64_t ns;

		cJSON_AddItemToObject(e, "name", cJSON_CreateString(jt_str(c, "name") ? jt_str(c, "name") : ""));
		cJSON_AddItemToObject(e, "time_unix_nano", imp_time_ns(jt_get(c, "timestamp"), &ns) == 0 ?
				      jt_new_int(ns) : cJSON_CreateNull());
		cJSON_AddItemToObject(e, "attributes", cJSON_IsObject(a) ? cJSON_Duplicate(a, true)
									   : cJSON_CreateObject());
		cJSON_AddItemToArray(p.events, e);
	}
	dict = imp_span_dict(b, &p, jt_get(o, "attributes"), b->t.info.id);
	rc = builder_add_made(b, dict, err);
	cJSON_Delete(dict);
	return rc;
}

/* ---- open traces -------------------------------------------------------- */

static void trace_free_open(struct open_trace *ot)
{
	size_t i;

	for (i = 0; i < ot->n; i++)
		cJSON_Delete(ot->v[i].obj);
	free(ot->v);
	free(ot->slot);
	free(ot->source_id);
	memset(ot, 0, sizeof *ot);
}

static size_t *find_slot(struct open_trace *ot, uint64_t id)
{
	size_t mask = ot->nslot - 1, i = (size_t)((id * 0x9e3779b97f4a7c15ull) >> 17) & mask;

	while (ot->slot[i] && ot->v[ot->slot[i] - 1].id != id)
		i = (i + 1) & mask;
	return &ot->slot[i];
}

static void rehash(struct open_trace *ot)
{
	size_t i;

	free(ot->slot);
	ot->nslot = ot->nslot ? ot->nslot * 2 : 64;
	ot->slot = xcalloc(ot->nslot, sizeof *ot->slot);
	for (i = 0; i < ot->n; i++)
		*find_slot(ot, ot->v[i].id) = i + 1;
}

/* Emits open trace k (spans in the order they came) and removes it. */
static void emit_open(struct import_reader *r, size_t k)
{
	struct otel_state *s = r->otel;
	struct open_trace *ot = &s->v[k];
	struct builder b;
	struct err e = { 0 };
	size_t i;
	bool ok = true;

	builder_init(&b);
	b.t.info.id = xasprintf(TRACE_PREFIX "%s", ot->hex);
	imp_origin(&b, "otel-sdk-json", ot->source_id);
	for (i = 0; i < ot->n && ok; i++) {
		const cJSON *o = ot->v[i].obj;

		if (i == 0) {
			/* Resource attributes (service.name, ...) as trace tags. */
			struct kv_list res = { 0 };
			size_t j;

			imp_read_kv(jt_get(jt_get(o, "resource"), "attributes"), &res);
			for (j = 0; j < res.n; j++)
				if (!kv_list_get(&b.t.tags, res.v[j].key))
					kv_list_set(&b.t.tags, res.v[j].key, res.v[j].value);
			kv_list_free(&res);
		}
		ok = add_span(&b, ot, o, &e) == 0;
	}
	s->spans -= ot->n;
	trace_free_open(ot);
	memmove(&s->v[k], &s->v[k + 1], (s->n - k - 1) * sizeof s->v[0]);
	s->n--;
	s->last = 0;
	if (ok)
		imp_emit(r, &b);
	else
		r->st.skipped++;   /* checked when the span came: cannot happen */
	builder_free(&b);
}

static size_t open_get(struct otel_state *s, const char *hex, const char *source_id)
{
	size_t i;

	if (s->last < s->n && strcmp(s->v[s->last].hex, hex) == 0)
		return s->last;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].hex, hex) == 0)
			return s->last = i;
	GROW(s->v, s->cap, s->n + 1);
	memset(&s->v[s->n], 0, sizeof s->v[0]);
	memcpy(s->v[s->n].hex, hex, 33);
	s->v[s->n].source_id = xstrdup(source_id);
	s->v[s->n].seq = s->seq++;
	return s->last = s->n++;
}

int otel_record(struct import_reader *r, const cJSON *rec, struct err *err)
{
	const cJSON *ctx = jt_get(rec, "context"), *end;
	const char *tid = jt_str(ctx, "trace_id"), *sid = jt_str(ctx, "span_id");
	char hex[33], id[17], pid[17];
	struct otel_state *s;
	struct open_trace *ot;
	size_t k, *slot;
	bool ended, root;
	int64_t ns;

	/* Check what later conversion needs now, so a bad object is this
	 * record's error. */
	if (!tid || trace_id_normalize(tid, hex) < 0)
		return err_set(err, ERR_PARSE, "context.trace_id \"%.40s\" is not a trace id",
			       tid ? tid : "");
	if (!sid || span_id_normalize(sid, id) < 0)
		return err_set(err, ERR_PARSE, "context.span_id \"%.40s\" is not a span id",
			       sid ? sid : "");
	if (jt_str(rec, "parent_id") && span_id_normalize(jt_str(rec, "parent_id"), pid) < 0)
		return err_set(err, ERR_PARSE, "span %s: parent_id \"%.40s\" is not a span id", id,
			       jt_str(rec, "parent_id"));
	if (!jt_str(rec, "name"))
		return err_set(err, ERR_PARSE, "span %s has no name", id);
	if (imp_time_ns(jt_get(rec, "start_time"), &ns) < 0)
		return err_set(err, ERR_PARSE, "span %s: start_time is not an ISO 8601 time", id);
	end = jt_get(rec, "end_time");
	ended = end && !cJSON_IsNull(end);
	if (ended && imp_time_ns(end, &ns) < 0)
		return err_set(err, ERR_PARSE, "span %s: end_time is not an ISO 8601 time", id);
	root = !jt_str(rec, "parent_id");

	if (!r->otel)
		r->otel = xcalloc(1, sizeof *r->otel);
	s = r->otel;
	k = open_get(s, hex, tid);
	ot = &s->v[k];
	if (ot->n * 2 >= ot->nslot)
		rehash(ot);
	slot = find_slot(ot, hex_u64(id));
	if (*slot) {
		struct open_span *os = &ot->v[*slot - 1];

		r->st.merged++;
		if (ended || !os->ended) {
			/* The ended copy (or the later of two) wins. */
			cJSON_Delete(os->obj);
			os->obj = cJSON_Duplicate(rec, true);
			if (ended && !os->ended)
				ot->unended--;
			os->ended = ended;
		}
	} else {
		GROW(ot->v, ot->cap, ot->n + 1);
		ot->v[ot->n].id = hex_u64(id);
		ot->v[ot->n].obj = cJSON_Duplicate(rec, true);
		ot->v[ot->n].ended = ended;
		*slot = ++ot->n;
		s->spans++;
		if (!ended)
			ot->unended++;
	}
	if (root && ended)
		ot->root_ended = true;
	if (ot->root_ended && ot->unended == 0) {
		emit_open(r, k);
	} else if (s->n > OPEN_MAX || s->spans > OPEN_SPANS_MAX) {
		size_t i, oldest = 0;

		for (i = 1; i < s->n; i++)
			if (s->v[i].seq < s->v[oldest].seq)
				oldest = i;
		emit_open(r, oldest);
	}
	return 0;
}

void otel_flush(struct import_reader *r)
{
	while (r->otel && r->otel->n)
		emit_open(r, 0);
}

void otel_free(struct otel_state *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		trace_free_open(&s->v[i]);
	free(s->v);
	free(s);
}
