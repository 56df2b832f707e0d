/*
 * Building traces for the import readers (see json/import_int.h): builders
 * and groups, the span dicts MLflow stores, and what a record does not say,
 * derived from its spans as MLflow's log_spans does.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/import_int.h"
#include "json/semconv.h"
#include "json/span.h"

#define PREVIEW_MAX 1000

/* ---- small readers ------------------------------------------------------ */

char *imp_value_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	return jt_print(v);
}

void imp_read_kv(const cJSON *o, struct kv_list *l)
{
	const cJSON *c;

	if (cJSON_IsObject(o)) {
		for (c = o->child; c; c = c->next) {
			char *v = cJSON_IsNull(c) ? NULL : imp_value_text(c);

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
			v = vv && !cJSON_IsNull(vv) ? imp_value_text(vv) : NULL;
			kv_list_set(l, k, v);
			free(v);
		}
	}
}

int imp_time_ms(const cJSON *v, int64_t *ms)
{
	if (cJSON_IsString(v) && parse_rfc3339_ms(v->valuestring, ms) == 0)
		return 0;
	return jt_int64(v, ms);
}

int imp_time_ns(const cJSON *v, int64_t *ns)
{
	if (cJSON_IsString(v) && parse_rfc3339_ns(v->valuestring, ns) == 0)
		return 0;
	return -1;
}

cJSON *imp_json_of(const cJSON *v)
{
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		size_t n = strlen(s), i = strspn(s, " \t\r\n");

		if (i < n && (s[i] == '{' || s[i] == '[') && jt_valid(s, n))
			return jt_parse(s, n, NULL);
		return NULL;
	}
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		return cJSON_Duplicate(v, true);
	return NULL;
}

static void fnv(uint64_t *h, const char *s)
{
	for (; s && *s; s++)
		*h = (*h ^ (unsigned char)*s) * 0x100000001b3ull;
	*h = (*h ^ 0xff) * 0x100000001b3ull;   /* a separator: "ab","c" != "a","bc" */
}

void imp_hash_hex(char *out, int digits, const char *a, const char *b, const char *c)
{
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	int k;

	for (k = 0; k < 2; k++) {
		uint64_t *h = k ? &h2 : &h1;

		fnv(h, a);
		fnv(h, b);
		fnv(h, c);
		fnv(h, k ? "b" : "a");
	}
	if (digits == 16)
		snprintf(out, 17, "%016" PRIx64, h1 ^ (h2 << 1));
	else
		snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, h1, h2);
}

char *imp_assessment_id(const char *a, const char *b, const char *c)
{
	char hex[33];

	imp_hash_hex(hex, 32, a, b, c);
	return xasprintf("a-%s", hex);
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

/* MLflow's _get_truncated_preview: the text of the last message of the
 * given role (else the last message) when the value holds OpenAI-style
 * messages, else the text itself; then cut as import_preview does. */
static bool is_message(const cJSON *m)
{
	return cJSON_IsObject(m) && jt_get(m, "role") && jt_get(m, "content");
}

static const cJSON *pick_message(const cJSON *list, const char *role)
{
	const cJSON *c, *last = NULL, *hit = NULL;

	for (c = cJSON_IsArray(list) ? list->child : NULL; c; c = c->next) {
		if (!is_message(c))
			continue;
		last = c;
		if (str_eq(jt_str(c, "role"), role))
			hit = c;
	}
	return hit ? hit : last;
}

static const cJSON *find_message(const cJSON *o, const char *role, int depth)
{
	const cJSON *v, *ch;

	if (!cJSON_IsObject(o) || depth > 8)
		return NULL;
	if (cJSON_IsArray(v = jt_get(o, "messages")) && v->child)
		return pick_message(v, role);
	ch = jt_get(o, "choices");
	if (cJSON_IsArray(ch) && ch->child && is_message(jt_get(ch->child, "message")))
		return jt_get(ch->child, "message");
	if (cJSON_IsArray(v = jt_get(o, "input")) && v->child)
		return pick_message(v, role);
	if (cJSON_IsArray(v = jt_get(o, "output")) && v->child)
		return pick_message(v, role);
	if ((v = jt_get(o, "request")))
		return find_message(v, role, depth + 1);
	return NULL;
}

static char *message_preview(const char *json, const char *role)
{
	cJSON *o;
	const cJSON *m, *content, *part;
	char *out = NULL;

	if (!json || !*json || (json[0] != '{'))
		return import_preview(json);
	o = jt_parse(json, strlen(json), NULL);
	m = find_message(o, role, 0);
	if (m) {
		const char *text = "";

		content = jt_get(m, "content");
		if (cJSON_IsString(content)) {
			text = content->valuestring;
		} else if (cJSON_IsArray(content)) {
			for (part = content->child; part; part = part->next) {
				const char *t = jt_str(part, "type");

				if (cJSON_IsString(part)) {
					text = part->valuestring;
					break;
				}
				if (t && (strcmp(t, "text") == 0 || strcmp(t, "output_text") == 0)) {
					text = jt_str(part, "text") ? jt_str(part, "text") : "";
					break;
				}
			}
		}
		out = import_preview(*text ? text : json);
	}
	cJSON_Delete(o);
	return out ? out : import_preview(json);
}

/* ---- builders and groups ------------------------------------------------ */

void builder_init(struct builder *b)
{
	memset(b, 0, sizeof *b);
	b->t.first_root = SPAN_NONE;
	b->t.info.duration_ms = -1;
}

void builder_free(struct builder *b)
{
	trace_free(&b->t);
	free(b->key);
	free(b->user);
	free(b->session);
	builder_init(b);
}

struct builder *group_get(struct group *g, const char *key)
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
	builder_init(&g->v[g->n]);
	g->v[g->n].key = xstrdup(key);
	return &g->v[g->n++];
}

void group_free(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		builder_free(&g->v[i]);
	free(g->v);
	memset(g, 0, sizeof *g);
}

int builder_add_dict(struct builder *b, const cJSON *sp, size_t index, char **request_id,
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

int builder_add_made(struct builder *b, const cJSON *dict, struct err *err)
{
	return builder_add_dict(b, dict, b->t.nspans, NULL, err);
}

/* ---- span dicts ---------------------------------------------------------- */

static cJSON *ns_value(int64_t ns)
{
	return ns >= 0 ? jt_new_int(ns) : cJSON_CreateNull();
}

static const char *status_code_name(enum span_status s)
{
	return s == SPAN_OK ? "STATUS_CODE_OK" : s == SPAN_ERROR ? "STATUS_CODE_ERROR"
								 : "STATUS_CODE_UNSET";
}

cJSON *imp_span_dict(struct builder *b, const struct span_parts *p, const cJSON *raw,
		     const char *trace_id)
{
	struct semconv_opts o = { 0 };

	o.trace_id = trace_id;
	return imp_span_dict_opts(b, p, raw, &o);
}

cJSON *imp_span_dict_opts(struct builder *b, const struct span_parts *p, const cJSON *raw,
			  const struct semconv_opts *o)
{
	cJSON *d = cJSON_CreateObject(), *st;
	char tid64[25], id64[13], parent64[13];
	struct semconv_usage u;

	/* The ids were checked by the caller: these cannot fail. */
	if (trace_id_base64(p->trace_hex, tid64) < 0)
		tid64[0] = '\0';
	if (span_id_base64(p->span_hex, id64) < 0)
		id64[0] = '\0';
	if (p->parent_hex && span_id_base64(p->parent_hex, parent64) < 0)
		parent64[0] = '\0';
	cJSON_AddItemToObject(d, "trace_id", cJSON_CreateString(tid64));
	cJSON_AddItemToObject(d, "span_id", cJSON_CreateString(id64));
	cJSON_AddItemToObject(d, "parent_span_id",
			      p->parent_hex ? cJSON_CreateString(parent64) : cJSON_CreateNull());
	cJSON_AddItemToObject(d, "name", cJSON_CreateString(p->name ? p->name : ""));
	cJSON_AddItemToObject(d, "start_time_unix_nano", ns_value(p->start_ns));
	cJSON_AddItemToObject(d, "end_time_unix_nano", ns_value(p->end_ns));
	cJSON_AddItemToObject(d, "events", p->events ? p->events : cJSON_CreateArray());
	st = cJSON_CreateObject();
	cJSON_AddItemToObject(st, "code", cJSON_CreateString(status_code_name(p->status)));
	cJSON_AddItemToObject(st, "message", cJSON_CreateString(p->message ? p->message : ""));
	cJSON_AddItemToObject(d, "status", st);
	cJSON_AddItemToObject(d, "attributes", semconv_attributes(raw, o, &u));
	if (u.set) {
		b->tokens_in += u.in;
		b->tokens_out += u.out;
		b->tokens_total += u.total;
		b->have_tokens = true;
	}
	return d;
}

/* ---- finishing a trace -------------------------------------------------- */

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
	if (b->have_tokens && !kv_list_get(&t->metadata, "mlflow.trace.tokenUsage")) {
		/* MLflow's log_spans adds up the spans' mlflow.chat.tokenUsage. */
		char *u = xasprintf("{\"input_tokens\": %" PRId64 ", \"output_tokens\": %" PRId64
				    ", \"total_tokens\": %" PRId64 "}",
				    b->tokens_in, b->tokens_out, b->tokens_total);

		kv_list_set(&t->metadata, "mlflow.trace.tokenUsage", u);
		free(u);
	}
	if (root && root->content && (!t->info.request_preview || !t->info.response_preview)) {
		struct span_detail d;

		if (span_detail_parse(root->content, &d, NULL) == 0) {
			if (!t->info.request_preview)
				t->info.request_preview = message_preview(d.inputs, "user");
			if (!t->info.response_preview)
				t->info.response_preview = message_preview(d.outputs, "assistant");
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

void imp_emit(struct import_reader *r, struct builder *b)
{
	finish(b);
	if (r->qhead == r->qn)
		r->qhead = r->qn = 0;
	GROW(r->queue, r->qcap, r->qn + 1);
	r->queue[r->qn++] = b->t;
	memset(&b->t, 0, sizeof b->t);
	b->t.first_root = SPAN_NONE;
	b->t.info.duration_ms = -1;
}

void imp_emit_group(struct import_reader *r, struct group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		imp_emit(r, &g->v[i]);
}

void imp_origin(struct builder *b, const char *format, const char *source_id)
{
	kv_list_set(&b->t.tags, TAG_ORIGIN_FORMAT, format);
	if (source_id)
		kv_list_set(&b->t.tags, TAG_ORIGIN_ID, source_id);
}

/* ---- a trace that came in parts ----------------------------------------- */

struct id_ix {
	const char *id;
	size_t ix;
};

static int id_ix_cmp(const void *a, const void *b)
{
	const struct id_ix *x = a, *y = b;

	return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

/* MLflow's trace token usage: the spans' mlflow.chat.tokenUsage added up
 * (NULL when no span says one).  Caller frees. */
static char *spans_usage(const struct trace *t)
{
	static const char *const keys[3] = { "input_tokens", "output_tokens", "total_tokens" };
	int64_t sum[3] = { 0, 0, 0 };
	bool any = false;
	size_t i, k;

	for (i = 0; i < t->nspans; i++) {
		const char *c = t->spans[i].content;
		cJSON *d, *u = NULL;
		const char *text;

		if (!c || !strstr(c, "mlflow.chat.tokenUsage"))
			continue;
		d = jt_parse(c, strlen(c), NULL);
		text = jt_str(jt_get(d, "attributes"), "mlflow.chat.tokenUsage");
		if (text)
			u = jt_parse(text, strlen(text), NULL);
		for (k = 0; k < 3 && cJSON_IsObject(u); k++) {
			int64_t n;

			if (jt_int64(jt_get(u, keys[k]), &n) == 0)
				sum[k] += n;
			any = true;
		}
		cJSON_Delete(u);
		cJSON_Delete(d);
	}
	if (!any)
		return NULL;
	return xasprintf("{\"input_tokens\": %" PRId64 ", \"output_tokens\": %" PRId64
			 ", \"total_tokens\": %" PRId64 "}", sum[0], sum[1], sum[2]);
}

static void add_missing_kvs(struct kv_list *into, const struct kv_list *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		if (!kv_list_get(into, from->v[i].key))
			kv_list_add(into, from->v[i].key, from->v[i].value);
}

/* What whole says because of its root, said again from the real root (a
 * span with no parent) when one is there. */
static void rederive_root(struct trace *t)
{
	const struct span *root = NULL;
	size_t i;

	for (i = 0; i < t->nspans && !root; i++)
		if (!t->spans[i].parent_id || !*t->spans[i].parent_id)
			root = &t->spans[i];
	if (!root)
		return;
	t->info.duration_ms = root->end_ns >= 0 ? (root->end_ns - root->start_ns) / 1000000 : -1;
	free(t->info.status);
	t->info.status = xstrdup(root->status == SPAN_ERROR ? "ERROR" :
				 root->end_ns < 0 ? "IN_PROGRESS" : "OK");
	if (root->name) {
		kv_list_set(&t->tags, "mlflow.traceName", root->name);
		free(t->info.name);
		t->info.name = xstrdup(root->name);
	}
	if (root->content) {
		struct span_detail d;

		if (span_detail_parse(root->content, &d, NULL) == 0) {
			free(t->info.request_preview);
			t->info.request_preview = message_preview(d.inputs, "user");
			free(t->info.response_preview);
			t->info.response_preview = message_preview(d.outputs, "assistant");
			span_detail_free(&d);
		}
	}
}

size_t import_merge(struct trace *whole, struct trace *part)
{
	struct id_ix *ix = NULL, key, *hit;
	size_t i, n = whole->nspans, dups = 0;
	char *usage;
	bool derived = kv_list_get(&part->tags, TAG_ORIGIN_FORMAT) != NULL;

	if (n) {
		ix = xcalloc(n, sizeof *ix);
		for (i = 0; i < n; i++) {
			ix[i].id = whole->spans[i].id;
			ix[i].ix = i;
		}
		qsort(ix, n, sizeof *ix, id_ix_cmp);
	}
	for (i = 0; i < part->nspans; i++) {
		struct span *s = &part->spans[i];

		key.id = s->id;
		hit = n ? bsearch(&key, ix, n, sizeof *ix, id_ix_cmp) : NULL;
		if (!hit) {
			trace_add_span(whole, s);
			continue;
		}
		dups++;
		/* The ended copy wins; of two alike, the later one. */
		if (s->end_ns >= 0 || whole->spans[hit->ix].end_ns < 0) {
			struct span old = whole->spans[hit->ix];

			whole->spans[hit->ix] = *s;
			memset(s, 0, sizeof *s);
			span_free(&old);
			/* The index points at the id kept, not the one freed. */
			hit->id = whole->spans[hit->ix].id;
		}
	}
	free(ix);
	for (i = 0; i < part->assessments.n; i++)
		if (!assessment_list_find(&whole->assessments, part->assessments.v[i].id))
			assessment_list_add(&whole->assessments, &part->assessments.v[i]);
	usage = derived && (kv_list_get(&whole->metadata, "mlflow.trace.tokenUsage") ||
			    kv_list_get(&part->metadata, "mlflow.trace.tokenUsage")) ?
		spans_usage(whole) : NULL;
	if (usage)
		kv_list_set(&whole->metadata, "mlflow.trace.tokenUsage", usage);
	free(usage);
	add_missing_kvs(&whole->tags, &part->tags);
	add_missing_kvs(&whole->metadata, &part->metadata);
	if (part->info.timestamp_ms && (!whole->info.timestamp_ms ||
					part->info.timestamp_ms < whole->info.timestamp_ms))
		whole->info.timestamp_ms = part->info.timestamp_ms;
	sort_spans(whole);
	span_tree_build(whole);
	if (derived)
		rederive_root(whole);
	return dups;
}
