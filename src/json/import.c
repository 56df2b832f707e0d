#include "json/import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "json/jtree.h"
#include "json/span.h"

#define PREVIEW_MAX 1000
#define TRACE_PREFIX "tr-"

enum mode {
	M_LINES_FILE,   /* JSON Lines read from the file as we go */
	M_LINES_MEM,    /* JSON Lines in buf */
	M_ARRAY,        /* a JSON array in buf: one record per item */
	M_SINGLE,       /* one JSON value in buf */
	M_DONE,
};

struct import_reader {
	char *name;
	FILE *f;
	char *buf;            /* M_LINES_MEM, M_ARRAY, M_SINGLE */
	size_t len, pos;
	size_t line;          /* line of pos (1-based) */
	char *pending[2];     /* M_LINES_FILE: lines read ahead */
	size_t pending_line[2];
	size_t npending;
	enum mode mode;
	struct trace *queue;  /* traces of the current record not yet returned */
	size_t qhead, qn, qcap;
	struct import_stats st;
};

/* ---- errors ------------------------------------------------------------- */

/* "name:line: msg" for a record that starts on `line`; a JSON syntax error
 * ("line L, column C: ...") becomes "name:line: column C: ...". */
static int rec_error(struct import_reader *r, size_t line, struct err *err, const char *msg)
{
	size_t l, c;
	int n = 0;

	if (sscanf(msg, "line %zu, column %zu: %n", &l, &c, &n) == 2 && n > 0)
		return err_set(err, ERR_PARSE, "%s:%zu: column %zu: %s", r->name, line + l - 1, c,
			       msg + n);
	return err_set(err, ERR_PARSE, "%s:%zu: %s", r->name, line, msg);
}

/* ---- values, times, previews -------------------------------------------- */

static bool is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* A JSON scalar as the string a Python str/dict value would hold (strings
 * as they are, anything else as its JSON). */
static char *value_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	return jt_print(v);
}

/* {k: v} or [{"key": k, "value": v}] (V2 protobuf form) into a kv list. */
static void read_kv(const cJSON *o, struct kv_list *l)
{
	const cJSON *c;

	if (cJSON_IsObject(o)) {
		for (c = o->child; c; c = c->next) {
			char *v = cJSON_IsNull(c) ? NULL : value_text(c);

			kv_list_set(l, c->string, v);
			free(v);
		}
	} else if (cJSON_IsArray(o)) {
		for (c = o->child; c; c = c->next) {
			const char *k = jt_str(c, "key");
			const cJSON *vv = jt_get(c, "value");
			char *v;

			if (!k)
				continue;
			v = vv && !cJSON_IsNull(vv) ? value_text(vv) : NULL;
			kv_list_set(l, k, v);
			free(v);
		}
	}
}

/* A time in ms: an RFC 3339 string or a number of ms. */
static int read_time_ms(const cJSON *v, int64_t *ms)
{
	if (cJSON_IsString(v) && parse_rfc3339_ms(v->valuestring, ms) == 0)
		return 0;
	return jt_int64(v, ms);
}

/* A protobuf Duration ("1.5s") or a number of ms. */
static int read_duration_ms(const cJSON *ms_v, const cJSON *dur_v, int64_t *ms)
{
	if (ms_v && jt_int64(ms_v, ms) == 0)
		return 0;
	if (cJSON_IsString(dur_v)) {
		char *end;
		double s = strtod(dur_v->valuestring, &end);

		if (end != dur_v->valuestring && strcmp(end, "s") == 0) {
			*ms = (int64_t)(s * 1000.0 + (s >= 0 ? 0.5 : -0.5));
			return 0;
		}
	}
	return -1;
}

char *import_preview(const char *text)
{
	size_t n, i, chars = 0;

	if (!text)
		return NULL;
	n = strlen(text);
	for (i = 0; i < n; i++) {
		if (((unsigned char)text[i] & 0xc0) == 0x80)
			continue;
		if (chars == PREVIEW_MAX - 3) {
			size_t rest = 0, k;

			/* Cut only when more than 1000 characters in all. */
			for (k = i; k < n; k++)
				if (((unsigned char)text[k] & 0xc0) != 0x80)
					rest++;
			if (chars + rest <= PREVIEW_MAX)
				return xstrdup(text);
			return xasprintf("%.*s...", (int)i, text);
		}
		chars++;
	}
	return xstrdup(text);
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
	if (read_time_ms(jt_get(d, "create_time"), &ms) == 0 ||
	    read_time_ms(jt_get(d, "create_time_ms"), &ms) == 0)
		a->created_ms = ms;
	a->updated_ms = a->created_ms;
	if (read_time_ms(jt_get(d, "last_update_time"), &ms) == 0 ||
	    read_time_ms(jt_get(d, "last_update_time_ms"), &ms) == 0)
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

/* ---- building one trace ------------------------------------------------- */

/* A trace being assembled from a record. */
struct builder {
	struct trace t;
	char *key;            /* grouping key (trace id or OTel trace id) */
	bool have_info;
	bool have_time, have_duration, have_status;
	char *user, *session; /* from span attributes */
};

static void builder_free(struct builder *b)
{
	trace_free(&b->t);
	free(b->key);
	free(b->user);
	free(b->session);
	memset(b, 0, sizeof *b);
}

struct group {
	struct builder *v;
	size_t n, cap;
	size_t last;   /* the builder found last: spans of a trace come together */
};

static struct builder *group_get(struct group *g, const char *key)
{
	size_t i;

	if (g->last < g->n && strcmp(g->v[g->last].key, key) == 0)
		return &g->v[g->last];
	for (i = 0; i < g->n; i++) {
		if (strcmp(g->v[i].key, key) == 0) {
			g->last = i;
			return &g->v[i];
		}
	}
	g->last = g->n;
	GROW(g->v, g->cap, g->n + 1);
	memset(&g->v[g->n], 0, sizeof g->v[0]);
	g->v[g->n].key = xstrdup(key);
	g->v[g->n].t.first_root = SPAN_NONE;
	g->v[g->n].t.info.duration_ms = -1;
	return &g->v[g->n++];
}

static void group_free(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		builder_free(&g->v[i]);
	free(g->v);
	memset(g, 0, sizeof *g);
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
static int add_span_dict(struct builder *b, const cJSON *sp, size_t index, char **request_id,
			 struct err *err)
{
	struct span s;
	const cJSON *attrs = jt_get(sp, "attributes");
	char *content = jt_print(sp);
	int rc;

	/* The dict is parsed already: only its text is made, for the content. */
	rc = span_parse_node(sp, content, strlen(content), &s, request_id, err);
	free(content);
	if (rc < 0)
		return err_prefix(err, "span %zu", index + 1);
	if (!b->user)
		b->user = jt_attr_text(jt_get(attrs, "user.id"));
	if (!b->session)
		b->session = jt_attr_text(jt_get(attrs, "session.id"));
	trace_add_span(&b->t, &s);
	return 0;
}

struct start_ix {
	int64_t start;
	size_t ix;
	bool root;
};

static int start_ix_cmp(const void *a, const void *b)
{
	const struct start_ix *x = a, *y = b;

	if (x->root != y->root)
		return x->root ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

/* Root first, then by start time (as the store keeps them). */
static void sort_spans(struct trace *t)
{
	struct start_ix *o;
	struct span *sorted;
	size_t i;

	if (t->nspans < 2)
		return;
	span_tree_build(t);
	o = xcalloc(t->nspans, sizeof *o);
	for (i = 0; i < t->nspans; i++) {
		o[i].start = t->spans[i].start_ns;
		o[i].ix = i;
		o[i].root = i == t->first_root;
	}
	qsort(o, t->nspans, sizeof *o, start_ix_cmp);
	sorted = xcalloc(t->cap_spans, sizeof *sorted);
	for (i = 0; i < t->nspans; i++)
		sorted[i] = t->spans[o[i].ix];
	free(t->spans);
	t->spans = sorted;
	free(o);
}

/* Fills in what the record did not say, from the spans. */
static void finish(struct builder *b)
{
	struct trace *t = &b->t;
	const struct span *root = NULL;
	size_t i;

	sort_spans(t);
	span_tree_build(t);
	if (t->first_root != SPAN_NONE)
		root = &t->spans[t->first_root];
	if (!b->have_time && t->nspans) {
		int64_t min = t->spans[0].start_ns;

		for (i = 1; i < t->nspans; i++)
			if (t->spans[i].start_ns < min)
				min = t->spans[i].start_ns;
		t->info.timestamp_ms = min / 1000000;
	}
	if (!b->have_duration && root && root->end_ns >= 0)
		t->info.duration_ms = (root->end_ns - root->start_ns) / 1000000;
	if (!b->have_status || !t->info.status) {
		free(t->info.status);
		t->info.status = xstrdup(!root ? "OK" : root->status == SPAN_ERROR ? "ERROR" :
					 root->end_ns < 0 ? "IN_PROGRESS" : "OK");
	}
	if (!kv_list_get(&t->tags, "mlflow.traceName") && root && root->name)
		kv_list_set(&t->tags, "mlflow.traceName", root->name);
	if (!b->have_info)
		kv_list_set(&t->metadata, "mlflow.trace_schema.version", "3");
	if (b->user && !kv_list_get(&t->metadata, "mlflow.trace.user"))
		kv_list_set(&t->metadata, "mlflow.trace.user", b->user);
	if (b->session && !kv_list_get(&t->metadata, "mlflow.trace.session"))
		kv_list_set(&t->metadata, "mlflow.trace.session", b->session);
	if (root && root->content && (!t->info.request_preview || !t->info.response_preview)) {
		struct span_detail d;

		if (span_detail_parse(root->content, &d, NULL) == 0) {
			if (!t->info.request_preview)
				t->info.request_preview = import_preview(d.inputs);
			if (!t->info.response_preview)
				t->info.response_preview = import_preview(d.outputs);
			span_detail_free(&d);
		}
	}
	free(t->info.name);
	t->info.name = xstrdup_or_null(kv_list_get(&t->tags, "mlflow.traceName"));
	free(t->info.user);
	t->info.user = xstrdup_or_null(kv_list_get(&t->metadata, "mlflow.trace.user"));
	free(t->info.session);
	t->info.session = xstrdup_or_null(kv_list_get(&t->metadata, "mlflow.trace.session"));
	t->spans_state = SPANS_LOADED;
}

static void enqueue(struct import_reader *r, struct builder *b)
{
	if (r->qhead == r->qn)
		r->qhead = r->qn = 0;
	GROW(r->queue, r->qcap, r->qn + 1);
	r->queue[r->qn++] = b->t;
	memset(&b->t, 0, sizeof b->t);
	b->t.first_root = SPAN_NONE;
}

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
	if (read_time_ms(jt_get(info, "request_time"), &v) == 0) {
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
	read_kv(jt_get(info, "trace_metadata"), &t->metadata);
	read_kv(jt_get(info, "tags"), &t->tags);
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
	read_kv(jt_get(info, "request_metadata"), &t->metadata);
	read_kv(jt_get(info, "tags"), &t->tags);
}

static int mlflow_record(struct import_reader *r, const cJSON *rec, struct err *err)
{
	const cJSON *info = jt_get(rec, "info"), *data = jt_get(rec, "data"), *spans, *c;
	struct builder b = { 0 };
	char *rid = NULL, otel[33] = "";
	size_t i = 0;
	int rc = -1;

	b.t.first_root = SPAN_NONE;
	b.t.info.duration_ms = -1;
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

		if (add_span_dict(&b, c, i, &id, err) < 0)
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
	finish(&b);
	enqueue(r, &b);
	rc = 0;
out:
	free(rid);
	builder_free(&b);
	return rc;
}

/* A traces.json file: spans of possibly several traces. */
static int spans_record(struct import_reader *r, const cJSON *spans, struct err *err)
{
	struct group g = { 0 };
	const cJSON *c;
	size_t i = 0;
	int rc = -1;

	for (c = spans->child; c; c = c->next, i++) {
		struct builder tmp = { 0 }, *b;
		char *rid = NULL, otel[33];

		tmp.t.first_root = SPAN_NONE;
		if (add_span_dict(&tmp, c, i, &rid, err) < 0) {
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
	for (i = 0; i < g.n; i++) {
		finish(&g.v[i]);
		enqueue(r, &g.v[i]);
	}
	rc = 0;
out:
	group_free(&g);
	return rc;
}

/* ---- OTLP/JSON ---------------------------------------------------------- */

/* An OTLP AnyValue as a JSON value. */
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

/* Span attributes as MLflow keeps them: each value a JSON-encoded string.
 * Strings under mlflow.* that already hold JSON were encoded by MLflow
 * itself and stay as they are.  mlflow.traceRequestId and mlflow.spanType
 * come first, as in the spans MLflow writes; a span that does not say its
 * type gets the one MLflow derives from OpenInference or OTel GenAI
 * attributes, else UNKNOWN (MLflow's default span type). */
static cJSON *span_attributes(const cJSON *list, const char *trace_id)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *c;
	struct strbuf sb = STRBUF_INIT;
	bool have_type = false;
	char *type;

	pyjson_string(&sb, trace_id, strlen(trace_id));
	cJSON_AddItemToObject(out, "mlflow.traceRequestId", cJSON_CreateString(sb.buf));
	cJSON_AddItemToObject(out, "mlflow.spanType", cJSON_CreateString(""));
	for (c = cJSON_IsArray(list) ? list->child : NULL; c; c = c->next) {
		const char *key = jt_str(c, "key");
		const cJSON *sv;
		cJSON *v, *old;
		char *text;

		if (!key)
			continue;
		if (strcmp(key, "mlflow.spanType") == 0)
			have_type = true;
		sv = jt_get(jt_get(c, "value"), "stringValue");
		if (cJSON_IsString(sv) && str_starts(key, "mlflow.") &&
		    jt_valid(sv->valuestring, strlen(sv->valuestring))) {
			text = xstrdup(sv->valuestring);
		} else {
			v = any_value(jt_get(c, "value"));
			text = jt_print(v);
			cJSON_Delete(v);
		}
		old = cJSON_GetObjectItemCaseSensitive(out, key);
		if (old)
			cJSON_ReplaceItemInObjectCaseSensitive(out, key, cJSON_CreateString(text));
		else
			cJSON_AddItemToObject(out, key, cJSON_CreateString(text));
		free(text);
	}
	if (!have_type) {
		type = span_type_derived(out);
		sb_reset(&sb);
		pyjson_string(&sb, type ? type : "UNKNOWN", strlen(type ? type : "UNKNOWN"));
		cJSON_ReplaceItemInObjectCaseSensitive(out, "mlflow.spanType", cJSON_CreateString(sb.buf));
		free(type);
	}
	sb_free(&sb);
	return out;
}

static cJSON *raw_attributes(const cJSON *list)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *c;

	for (c = cJSON_IsArray(list) ? list->child : NULL; c; c = c->next)
		if (jt_str(c, "key"))
			cJSON_AddItemToObject(out, jt_str(c, "key"), any_value(jt_get(c, "value")));
	return out;
}

/* An OTLP status code as the proto enum name a v3 span dict holds. */
static const char *otlp_status(const cJSON *code)
{
	int64_t n;

	if (cJSON_IsString(code)) {
		if (strstr(code->valuestring, "ERROR"))
			return "STATUS_CODE_ERROR";
		if (strstr(code->valuestring, "OK"))
			return "STATUS_CODE_OK";
		return "STATUS_CODE_UNSET";
	}
	if (jt_int64(code, &n) == 0)
		return n == 1 ? "STATUS_CODE_OK" : n == 2 ? "STATUS_CODE_ERROR" : "STATUS_CODE_UNSET";
	return "STATUS_CODE_UNSET";
}

static cJSON *ns_value(const cJSON *v)
{
	int64_t n;

	return v && jt_int64(v, &n) == 0 ? jt_new_int(n) : cJSON_CreateNull();
}

/* One OTLP span as an MLflow span dict in the v3 form every MLflow 3 reads,
 * keys in the order MLflow writes them: base64 ids (null parent for a
 * root), times in ns, events, status with the proto enum name, attributes
 * JSON-encoded.  The spans table columns (hex ids, OK/ERROR/UNSET) are
 * filled from it by span_parse. */
static cJSON *otlp_span_dict(const cJSON *sp, const char *hex_trace, const char *trace_id,
			     struct err *err)
{
	cJSON *o, *events, *st;
	const cJSON *c, *status = jt_get(sp, "status");
	const char *sid = jt_str(sp, "spanId"), *pid = jt_str(sp, "parentSpanId");
	const char *name = jt_str(sp, "name"), *msg = jt_str(status, "message");
	char tid64[25], id64[13], parent64[13];

	if (!sid || span_id_base64(sid, id64) < 0) {
		err_set(err, ERR_PARSE, "spanId \"%.40s\" is not a span id", sid ? sid : "");
		return NULL;
	}
	if (pid && *pid && span_id_base64(pid, parent64) < 0) {
		err_set(err, ERR_PARSE, "parentSpanId \"%.40s\" is not a span id", pid);
		return NULL;
	}
	if (trace_id_base64(hex_trace, tid64) < 0) {
		err_set(err, ERR_PARSE, "traceId \"%.40s\" is not a trace id", hex_trace);
		return NULL;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "trace_id", cJSON_CreateString(tid64));
	cJSON_AddItemToObject(o, "span_id", cJSON_CreateString(id64));
	cJSON_AddItemToObject(o, "parent_span_id",
			      pid && *pid ? cJSON_CreateString(parent64) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "name", cJSON_CreateString(name ? name : ""));
	cJSON_AddItemToObject(o, "start_time_unix_nano", ns_value(jt_get(sp, "startTimeUnixNano")));
	cJSON_AddItemToObject(o, "end_time_unix_nano", ns_value(jt_get(sp, "endTimeUnixNano")));
	events = cJSON_CreateArray();
	for (c = cJSON_IsArray(jt_get(sp, "events")) ? jt_get(sp, "events")->child : NULL; c; c = c->next) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddItemToObject(e, "name", cJSON_CreateString(jt_str(c, "name") ? jt_str(c, "name") : ""));
		cJSON_AddItemToObject(e, "time_unix_nano", ns_value(jt_get(c, "timeUnixNano")));
		cJSON_AddItemToObject(e, "attributes", raw_attributes(jt_get(c, "attributes")));
		cJSON_AddItemToArray(events, e);
	}
	cJSON_AddItemToObject(o, "events", events);
	st = cJSON_CreateObject();
	cJSON_AddItemToObject(st, "code", cJSON_CreateString(otlp_status(jt_get(status, "code"))));
	cJSON_AddItemToObject(st, "message", cJSON_CreateString(msg ? msg : ""));
	cJSON_AddItemToObject(o, "status", st);
	cJSON_AddItemToObject(o, "attributes", span_attributes(jt_get(sp, "attributes"), trace_id));
	return o;
}

static int otlp_record(struct import_reader *r, const cJSON *rec, struct err *err)
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

		if (!scopes)
			scopes = jt_get(rs, "instrumentationLibrarySpans");
		{
			cJSON *ra = raw_attributes(jt_get(jt_get(rs, "resource"), "attributes"));

			read_kv(ra, &res);
			cJSON_Delete(ra);
		}
		for (ss = cJSON_IsArray(scopes) ? scopes->child : NULL; ss; ss = ss->next) {
			const cJSON *spans = jt_get(ss, "spans");

			for (sp = cJSON_IsArray(spans) ? spans->child : NULL; sp; sp = sp->next, nspan++) {
				const char *tid = jt_str(sp, "traceId");
				char hex[33], *mlid;
				struct builder *b;
				cJSON *dict;
				int ok;

				if (!tid || trace_id_normalize(tid, hex) < 0) {
					err_set(err, ERR_PARSE, "span %zu: traceId \"%.40s\" is not a trace id",
						nspan + 1, tid ? tid : "");
					kv_list_free(&res);
					goto out;
				}
				mlid = xasprintf(TRACE_PREFIX "%s", hex);
				b = group_get(&g, hex);
				if (!b->t.info.id)
					b->t.info.id = xstrdup(mlid);
				for (i = 0; i < res.n; i++)
					if (!kv_list_get(&b->t.tags, res.v[i].key))
						kv_list_set(&b->t.tags, res.v[i].key, res.v[i].value);
				dict = otlp_span_dict(sp, hex, mlid, err);
				free(mlid);
				if (!dict) {
					err_prefix(err, "span %zu", nspan + 1);
					kv_list_free(&res);
					goto out;
				}
				ok = add_span_dict(b, dict, nspan, NULL, err);
				cJSON_Delete(dict);
				if (ok < 0) {
					kv_list_free(&res);
					goto out;
				}
			}
		}
		kv_list_free(&res);
	}
	for (i = 0; i < g.n; i++) {
		finish(&g.v[i]);
		enqueue(r, &g.v[i]);
	}
	rc = 0;
out:
	group_free(&g);
	return rc;
}

/* ---- records ------------------------------------------------------------ */

static int object_record(struct import_reader *r, const cJSON *rec, struct err *err)
{
	const cJSON *spans;

	if (!cJSON_IsObject(rec))
		return err_set(err, ERR_PARSE, "a record is not a JSON object");
	if (jt_get(rec, "resourceSpans"))
		return otlp_record(r, rec, err);
	if (jt_get(rec, "info") || jt_get(rec, "data"))
		return mlflow_record(r, rec, err);
	spans = jt_get(rec, "spans");
	if (cJSON_IsArray(spans))
		return spans_record(r, spans, err);
	return err_set(err, ERR_PARSE, "not a trace: expected \"info\" and \"data\" (MLflow trace JSON), "
		       "\"spans\" (traces.json) or \"resourceSpans\" (OTLP/JSON)");
}

/* Parses and reads the record text[0..n) that starts on `line`. */
static int do_record(struct import_reader *r, const char *text, size_t n, size_t line,
		     struct err *err)
{
	struct err e = { 0 };
	cJSON *root;
	int rc = 0;

	r->st.records++;
	root = jt_parse(text, n, &e);
	if (!root) {
		rc = -1;
	} else if (cJSON_IsArray(root)) {
		const cJSON *c;
		size_t i = 0;

		for (c = root->child; c && rc == 0; c = c->next, i++)
			if (object_record(r, c, &e) < 0) {
				err_prefix(&e, "item %zu", i + 1);
				rc = -1;
			}
	} else {
		rc = object_record(r, root, &e);
	}
	cJSON_Delete(root);
	if (rc < 0) {
		r->st.skipped++;
		/* Nothing of a bad record is returned. */
		while (r->qhead < r->qn)
			trace_free(&r->queue[r->qhead++]);
		rec_error(r, line, err, e.msg);
	}
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

static void count_lines(struct import_reader *r, size_t upto)
{
	size_t i;

	for (i = r->pos; i < upto && i < r->len; i++)
		if (r->buf[i] == '\n')
			r->line++;
	r->pos = upto;
}

/* The next record of the input; 1 record read (and maybe queued), 0 end,
 * -1 a bad record. */
static int next_record(struct import_reader *r, struct err *err)
{
	for (;;) {
		switch (r->mode) {
		case M_LINES_FILE: {
			char *line = NULL;
			size_t cap = 0, lineno;
			ssize_t got;
			int rc;

			if (r->npending) {
				line = r->pending[0];
				got = (ssize_t)strlen(line);
				lineno = r->pending_line[0];
				r->pending[0] = r->pending[1];
				r->pending_line[0] = r->pending_line[1];
				r->pending[1] = NULL;
				r->npending--;
			} else {
				got = getline(&line, &cap, r->f);
				if (got < 0) {
					free(line);
					if (ferror(r->f))
						return err_set(err, ERR_RUNTIME, "%s: %s", r->name, strerror(errno));
					r->mode = M_DONE;
					return 0;
				}
				lineno = ++r->line;
			}
			if (is_blank(line, (size_t)got)) {
				free(line);
				continue;
			}
			/* The line break is not part of the record. */
			while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
				got--;
			rc = do_record(r, line, (size_t)got, lineno, err);
			free(line);
			return rc < 0 ? -1 : 1;
		}
		case M_LINES_MEM: {
			const char *nl;
			size_t start = r->pos, end, lineno;

			if (r->pos >= r->len) {
				r->mode = M_DONE;
				return 0;
			}
			nl = memchr(r->buf + start, '\n', r->len - start);
			end = nl ? (size_t)(nl - r->buf) : r->len;
			r->pos = nl ? end + 1 : r->len;
			lineno = ++r->line;
			if (is_blank(r->buf + start, end - start))
				continue;
			return do_record(r, r->buf + start, end - start, lineno, err) < 0 ? -1 : 1;
		}
		case M_ARRAY: {
			size_t start, p;
			struct err e = { 0 };
			int rc;

			count_lines(r, r->pos);
			p = r->pos;
			while (p < r->len && strchr(" \t\r\n,", r->buf[p]))
				p++;
			if (p >= r->len || r->buf[p] == ']') {
				r->mode = M_DONE;
				return 0;
			}
			count_lines(r, p);
			start = p;
			if (jt_skip_value(r->buf, r->len, &p, &e) < 0) {
				/* Cannot happen: the whole text was checked. */
				r->mode = M_DONE;
				return rec_error(r, r->line, err, e.msg);
			}
			rc = do_record(r, r->buf + start, p - start, r->line, err);
			count_lines(r, p);
			return rc < 0 ? -1 : 1;
		}
		case M_SINGLE: {
			int rc;

			r->mode = M_DONE;
			rc = do_record(r, r->buf, r->len, 1, err);
			return rc < 0 ? -1 : 1;
		}
		case M_DONE:
		default:
			return 0;
		}
	}
}

int import_next(struct import_reader *r, struct trace *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	out->first_root = SPAN_NONE;
	for (;;) {
		int rc;

		if (r->qhead < r->qn) {
			*out = r->queue[r->qhead++];
			r->st.traces++;
			r->st.spans += out->nspans;
			return 1;
		}
		rc = next_record(r, err);
		if (rc <= 0)
			return rc;
	}
}

const struct import_stats *import_stats(const struct import_reader *r)
{
	return &r->st;
}

void import_close(struct import_reader *r)
{
	if (!r)
		return;
	while (r->qhead < r->qn)
		trace_free(&r->queue[r->qhead++]);
	free(r->queue);
	if (r->f)
		fclose(r->f);
	free(r->pending[0]);
	free(r->pending[1]);
	free(r->buf);
	free(r->name);
	free(r);
}

/* ---- opening ------------------------------------------------------------ */

static const char *first_char(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return s + i;
	return NULL;
}

/* A UTF-8 byte order mark, as some Windows tools write before JSON: not
 * part of the text. */
static bool has_bom(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0;
}

/* Decides how to read buf (the whole text). */
static void choose_mode(struct import_reader *r)
{
	const char *c = first_char(r->buf, r->len);

	r->pos = 0;
	r->line = 1;
	if (!c) {
		r->mode = M_DONE;
	} else if (jt_valid(r->buf, r->len)) {
		r->mode = *c == '[' ? M_ARRAY : M_SINGLE;
		if (*c == '[') {
			count_lines(r, (size_t)(c - r->buf) + 1);
		}
	} else if (*c == '{') {
		r->mode = M_LINES_MEM;   /* JSON Lines, some of them bad */
		r->line = 0;
	} else {
		r->mode = M_SINGLE;      /* reports where the text goes wrong */
	}
}

static struct import_reader *reader_new(const char *name)
{
	struct import_reader *r = xcalloc(1, sizeof *r);

	r->name = xstrdup(name);
	return r;
}

int import_open_text(const char *text, size_t len, const char *name, struct import_reader **out,
		     struct err *err)
{
	struct import_reader *r = reader_new(name ? name : "(text)");

	(void)err;
	if (has_bom(text, len)) {
		text += 3;
		len -= 3;
	}
	r->buf = xstrndup(text, len);
	r->len = len;
	choose_mode(r);
	*out = r;
	return 0;
}

int import_open(const char *path, struct import_reader **out, struct err *err)
{
	struct import_reader *r = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *lines[2] = { NULL, NULL };
	size_t caps[2] = { 0, 0 }, nums[2] = { 0, 0 }, lineno = 0;
	ssize_t got = -1;
	char buf[65536];
	size_t n;
	int k = 0, rc = -1;

	*out = NULL;
	r = reader_new(path);
	r->f = fopen(path, "rb");
	if (!r->f) {
		err_set(err, errno == ENOENT ? ERR_NOTFOUND : ERR_RUNTIME, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* A first non-blank line that is a whole JSON value on its own, and a
	 * second non-blank line after it, mean JSON Lines: read as we go.
	 * Whatever is read here is kept in sb in case it is not. */
	while (k < 2 && (got = getline(&lines[k], &caps[k], r->f)) >= 0) {
		lineno++;
		if (lineno == 1 && has_bom(lines[k], (size_t)got)) {
			memmove(lines[k], lines[k] + 3, (size_t)got - 3 + 1);
			got -= 3;
		}
		sb_add(&sb, lines[k], (size_t)got);
		if (is_blank(lines[k], (size_t)got))
			continue;
		nums[k] = lineno;
		if (k == 0 && !jt_valid(lines[0], (size_t)got))
			break;
		k++;
	}
	if (ferror(r->f)) {
		err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (k == 2) {
		r->mode = M_LINES_FILE;
		r->pending[0] = lines[0];
		r->pending[1] = lines[1];
		r->pending_line[0] = nums[0];
		r->pending_line[1] = nums[1];
		r->npending = 2;
		lines[0] = lines[1] = NULL;
		r->line = lineno;
		*out = r;
		r = NULL;
		rc = 0;
		goto out;
	}
	/* Otherwise read it all. */
	while ((n = fread(buf, 1, sizeof buf, r->f)) > 0)
		sb_add(&sb, buf, n);
	if (ferror(r->f)) {
		err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		goto out;
	}
	fclose(r->f);
	r->f = NULL;
	r->len = sb.len;
	r->buf = sb_take(&sb);
	choose_mode(r);
	*out = r;
	r = NULL;
	rc = 0;
out:
	free(lines[0]);
	free(lines[1]);
	sb_free(&sb);
	import_close(r);
	return rc;
}
