#include "svc/agree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/util.h"

struct cls {
	char *key;                    /* what the answer says (see answer_key) */
	char *smallest;               /* the smallest stored text seen */
	enum agree_class_kind kind;
	double value;
};

struct name_state {
	char *name;
	const struct agree_hint *hint;
	const char *left_out;
	struct agree_set set;
	struct cls cls[AGREE_CLASSES_MAX];
	size_t ncls;
	int64_t *answers;             /* by source index */
	size_t cap_answers;
};

struct src {
	char *type, *id;
	bool human;
};

struct agree_scan {
	const struct agree_req *req;
	struct name_state **names;
	size_t nnames, cap_names;
	struct src *srcs;
	size_t nsrcs, cap_srcs;
	uint32_t *src_index;          /* open addressing, index + 1 */
	size_t cap_src_index;
	int64_t traces;
	/* The item being read: its trace, name and target, and its answers. */
	char *item_trace, *item_target;
	struct name_state *item_ns;
	bool in_item;
	uint32_t last_src;            /* source of the last answer taken */
	struct agree_answer *ans;
	size_t nans, cap_ans;
};

/* ---- sources ------------------------------------------------------------------ */

static uint64_t src_hash(const char *type, const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *p;

	for (p = type; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	h = (h ^ 0xff) * 0x100000001b3ull;
	for (p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return h;
}

static void src_reindex(struct agree_scan *s)
{
	size_t cap = 64, i, j;

	while (cap < 2 * (s->nsrcs + 1))
		cap *= 2;
	free(s->src_index);
	s->src_index = xcalloc(cap, sizeof *s->src_index);
	s->cap_src_index = cap;
	for (i = 0; i < s->nsrcs; i++) {
		for (j = src_hash(s->srcs[i].type, s->srcs[i].id) & (cap - 1); s->src_index[j];
		     j = (j + 1) & (cap - 1))
			;
		s->src_index[j] = (uint32_t)i + 1;
	}
}

static uint32_t source_of(struct agree_scan *s, const char *type, const char *id)
{
	size_t j;

	if (s->cap_src_index) {
		for (j = src_hash(type, id) & (s->cap_src_index - 1); s->src_index[j];
		     j = (j + 1) & (s->cap_src_index - 1)) {
			const struct src *x = &s->srcs[s->src_index[j] - 1];

			if (strcmp(x->type, type) == 0 && strcmp(x->id, id) == 0)
				return s->src_index[j] - 1;
		}
	}
	GROW(s->srcs, s->cap_srcs, s->nsrcs + 1);
	s->srcs[s->nsrcs].type = xstrdup(type);
	s->srcs[s->nsrcs].id = xstrdup(id);
	s->srcs[s->nsrcs].human = strcmp(type, "HUMAN") == 0;
	s->nsrcs++;
	if (2 * (s->nsrcs + 1) > s->cap_src_index) {
		src_reindex(s);
	} else {
		for (j = src_hash(type, id) & (s->cap_src_index - 1); s->src_index[j];
		     j = (j + 1) & (s->cap_src_index - 1))
			;
		s->src_index[j] = (uint32_t)s->nsrcs;
	}
	return (uint32_t)s->nsrcs - 1;
}

/* ---- names --------------------------------------------------------------------- */

static const struct agree_hint *hint_for(const struct agree_req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nhints; i++)
		if (str_eq(req->hints[i].name, name))
			return &req->hints[i];
	return NULL;
}

static struct name_state *add_name(struct agree_scan *s, const char *name)
{
	struct name_state *ns = xcalloc(1, sizeof *ns);

	ns->name = xstrdup(name);
	ns->hint = hint_for(s->req, name);
	if (ns->hint && ns->hint->kind == AGREE_HINT_TEXT)
		ns->left_out = "text answers";
	GROW(s->names, s->cap_names, s->nnames + 1);
	s->names[s->nnames++] = ns;
	return ns;
}

static bool wanted(const struct agree_req *req, const char *name)
{
	size_t i;

	if (!req->names)
		return true;
	for (i = 0; req->names[i]; i++)
		if (strcmp(req->names[i], name) == 0)
			return true;
	return false;
}

static struct name_state *name_state(struct agree_scan *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i]->name, name) == 0)
			return s->names[i];
	return wanted(s->req, name) ? add_name(s, name) : NULL;
}

static void drop(struct name_state *ns, const char *why)
{
	size_t c;

	ns->left_out = why;
	agree_set_free(&ns->set);
	for (c = 0; c < ns->ncls; c++) {
		FREE(ns->cls[c].key);
		FREE(ns->cls[c].smallest);
	}
	ns->ncls = 0;
}

/* ---- classes ------------------------------------------------------------------- */

/* A decimal number as question_values_agree reads one (strtod from a digit
 * or '-' and a digit, no hexadecimal), finite. */
static bool decimal(const char *p, size_t n, double *v)
{
	char buf[64], *end;

	if (!n || n >= sizeof buf || memchr(p, 'x', n) || memchr(p, 'X', n))
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (!(buf[0] >= '0' && buf[0] <= '9') &&
	    !(buf[0] == '-' && buf[1] >= '0' && buf[1] <= '9'))
		return false;
	*v = strtod(buf, &end);
	return !*end && isfinite(*v);
}

/* What a stored value says, as a key that is equal for equal answers:
 *   true / false, and the strings yes / true / no / false  -> "b:1", "b:0"
 *   a JSON number, or a string holding a decimal number    -> "n:%.17g"
 *   any other string without escapes                       -> "s:" + text
 *   anything else (escapes, lists, objects, not JSON)      -> "o:" + as stored
 * Strings are trimmed of spaces and compared without ASCII case, as the
 * disagreement marks compare them (core/question.h). */
static char *answer_key(const char *raw, enum agree_class_kind *kind, double *value)
{
	size_t n = strlen(raw), i;
	const char *p = raw;
	char *t;

	*value = 0;
	if (strcmp(raw, "true") == 0 || strcmp(raw, "false") == 0) {
		*kind = AGREE_CLASS_BOOL;
		*value = raw[0] == 't';
		return xstrdup(*value ? "b:1" : "b:0");
	}
	if (decimal(raw, n, value)) {
		*kind = AGREE_CLASS_NUMBER;
		return xasprintf("n:%.17g", *value);
	}
	if (n < 2 || raw[0] != '"' || raw[n - 1] != '"' || memchr(raw + 1, '\\', n - 2)) {
		*kind = AGREE_CLASS_OTHER;
		return xasprintf("o:%s", raw);
	}
	for (p = raw + 1, n -= 2; n && strchr(" \t\r\n\v\f", *p); p++, n--)
		;
	while (n && strchr(" \t\r\n\v\f", p[n - 1]))
		n--;
	if (decimal(p, n, value)) {
		*kind = AGREE_CLASS_NUMBER;
		return xasprintf("n:%.17g", *value);
	}
	t = xasprintf("s:%.*s", (int)n, p);
	for (i = 2; t[i]; i++)
		if (t[i] >= 'A' && t[i] <= 'Z')
			t[i] = (char)(t[i] - 'A' + 'a');
	*kind = AGREE_CLASS_BOOL;
	if (strcmp(t, "s:yes") == 0 || strcmp(t, "s:true") == 0 ||
	    strcmp(t, "s:no") == 0 || strcmp(t, "s:false") == 0) {
		*value = t[2] == 'y' || t[2] == 't';
		free(t);
		return xstrdup(*value ? "b:1" : "b:0");
	}
	*kind = AGREE_CLASS_TEXT;
	return t;
}

static bool is_text(const char *raw)
{
	return raw[0] == '"' && (strlen(raw) > AGREE_TEXT_MAX + 2 || strstr(raw, "\\n"));
}

/* The class of a stored value; -1 when the name was left out by it. */
static int class_of(struct name_state *ns, const char *raw)
{
	enum agree_class_kind kind;
	struct cls *c;
	double value;
	char *key;
	size_t i;

	if (is_text(raw)) {
		drop(ns, "text answers");
		return -1;
	}
	key = answer_key(raw, &kind, &value);
	for (i = 0; i < ns->ncls; i++) {
		c = &ns->cls[i];
		if (strcmp(c->key, key) != 0)
			continue;
		if (strcmp(raw, c->smallest) < 0) {
			free(c->smallest);
			c->smallest = xstrdup(raw);
		}
		free(key);
		return (int)i;
	}
	if (ns->ncls == AGREE_CLASSES_MAX) {
		free(key);
		drop(ns, kind == AGREE_CLASS_NUMBER ? "more distinct values than agreement compares"
						    : "text answers (more distinct answers than categories)");
		return -1;
	}
	c = &ns->cls[ns->ncls];
	c->key = key;
	c->smallest = xstrdup(raw);
	c->kind = kind;
	c->value = value;
	return (int)ns->ncls++;
}

/* ---- feeding ------------------------------------------------------------------- */

struct agree_scan *agree_scan_new(const struct agree_req *req)
{
	struct agree_scan *s = xcalloc(1, sizeof *s);
	size_t i;

	s->req = req;
	for (i = 0; req->names && req->names[i]; i++)
		name_state(s, req->names[i]);
	return s;
}

static void count_answer(struct name_state *ns, uint32_t src)
{
	size_t old = ns->cap_answers;

	if (src >= old) {
		GROW(ns->answers, ns->cap_answers, (size_t)src + 1);
		memset(ns->answers + old, 0, (ns->cap_answers - old) * sizeof *ns->answers);
	}
	ns->answers[src]++;
}

/* The item read so far goes into its name's set. */
static void end_item(struct agree_scan *s)
{
	struct name_state *ns = s->item_ns;
	size_t i;

	if (s->in_item && ns && !ns->left_out && s->nans) {
		for (i = 0; i < s->nans; i++)
			count_answer(ns, s->ans[i].source);
		agree_set_add(&ns->set, s->ans, s->nans);
		if (s->req->on_item) {
			struct agree_item it = { ns->name, s->item_trace, s->item_target, s->ans,
						 s->nans };

			s->req->on_item(s->req->item_ctx, &it);
		}
	}
	s->in_item = false;
	s->nans = 0;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* One row, in the order of store_scan_feedback. */
static int on_answer(void *ctx, const struct answer_row *r, struct err *err)
{
	struct agree_scan *s = ctx;
	uint32_t src;
	int c;

	(void)err;
	if (!r->name || !r->trace_id)
		return 0;
	if (!s->in_item || !s->item_ns || strcmp(r->name, s->item_ns->name) != 0 ||
	    strcmp(r->trace_id, s->item_trace) != 0 || !same_text(r->target, s->item_target)) {
		end_item(s);
		free(s->item_trace);
		free(s->item_target);
		s->item_trace = xstrdup(r->trace_id);
		s->item_target = xstrdup_or_null(r->target);
		s->item_ns = name_state(s, r->name);
		s->in_item = true;
	}
	if (!s->item_ns || s->item_ns->left_out || !r->value || strcmp(r->value, "null") == 0)
		return 0;
	src = source_of(s, r->source_type ? r->source_type : "", r->source_id ? r->source_id : "");
	if (s->nans && s->last_src == src)
		return 0;   /* an older answer of the same source */
	c = class_of(s->item_ns, r->value);
	if (c < 0)
		return 0;
	GROW(s->ans, s->cap_ans, s->nans + 1);
	s->ans[s->nans].source = src;
	s->ans[s->nans].cls = (uint32_t)c;
	s->ans[s->nans].human = s->srcs[src].human;
	s->nans++;
	s->last_src = src;
	return 0;
}

int agree_scan_load(struct agree_scan *s, struct store *st, const char *const *trace_ids,
		    size_t n, struct err *err)
{
	int rc = store_scan_feedback(st, trace_ids, n, on_answer, s, err);

	end_item(s);
	s->traces += (int64_t)n;
	return rc;
}

/* ---- the report ------------------------------------------------------------------ */

struct order_key {
	size_t cls;
	int rank;
	double value;
	const char *label;
};

static int cmp_order(const void *x, const void *y)
{
	const struct order_key *a = x, *b = y;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return strcmp(a->label, b->label);
}

/* For display: a string without its quotes and outer spaces. */
static char *label_of(const char *raw)
{
	size_t n = strlen(raw);

	if (n < 2 || raw[0] != '"' || raw[n - 1] != '"' || memchr(raw, '\\', n))
		return xstrdup(raw);
	for (raw++, n -= 2; n && *raw == ' '; raw++, n--)
		;
	while (n && raw[n - 1] == ' ')
		n--;
	return xstrndup(raw, n);
}

/* The option a class is, or -1. */
static int option_of(const struct agree_hint *h, const struct cls *c)
{
	enum agree_class_kind kind;
	double value;
	size_t i;

	for (i = 0; i < h->noptions; i++) {
		char *j = xasprintf("\"%s\"", h->options[i]);
		char *k = answer_key(j, &kind, &value);
		bool same = strcmp(k, c->key) == 0;

		free(j);
		free(k);
		if (same)
			return (int)i;
	}
	return -1;
}

/* Chooses the metric and puts the classes in their order. */
static void order_classes(struct name_state *ns, struct agree_name *out)
{
	struct order_key key[AGREE_CLASSES_MAX];
	uint32_t perm[AGREE_CLASSES_MAX];
	struct cls tmp[AGREE_CLASSES_MAX];
	const struct agree_hint *h = ns->hint;
	bool numbers = ns->ncls > 0, by_options;
	size_t i;

	for (i = 0; i < ns->ncls; i++)
		numbers = numbers && ns->cls[i].kind == AGREE_CLASS_NUMBER;
	if (h && h->scaled)
		out->metric = h->metric;
	else if (h)
		out->metric = h->kind == AGREE_HINT_NUMBER ? AGREE_INTERVAL : AGREE_NOMINAL;
	else
		out->metric = numbers ? AGREE_INTERVAL : AGREE_NOMINAL;
	if (out->metric == AGREE_INTERVAL && !numbers) {
		out->metric = AGREE_NOMINAL;
		out->metric_note = "not every answer is a number";
	}
	by_options = h && h->kind == AGREE_HINT_CATEGORY && h->noptions;
	for (i = 0; i < ns->ncls; i++) {
		const struct cls *c = &ns->cls[i];
		int opt = by_options ? option_of(h, c) : -1;

		key[i].cls = i;
		key[i].label = c->smallest;
		key[i].rank = opt >= 0 ? 0 : 1 + (int)c->kind;
		key[i].value = opt >= 0 ? opt : c->kind <= AGREE_CLASS_NUMBER ? c->value : 0;
	}
	qsort(key, ns->ncls, sizeof *key, cmp_order);
	for (i = 0; i < ns->ncls; i++) {
		perm[key[i].cls] = (uint32_t)i;
		tmp[i] = ns->cls[key[i].cls];
	}
	memcpy(ns->cls, tmp, ns->ncls * sizeof *tmp);
	agree_set_reorder(&ns->set, perm);
}

struct src_key {
	const struct src *src;
	uint32_t index;
};

static int cmp_src(const void *x, const void *y)
{
	const struct src_key *a = x, *b = y;
	int c;

	if (a->src->human != b->src->human)
		return a->src->human ? -1 : 1;
	if (!a->src->human && (c = strcmp(a->src->type, b->src->type)))
		return c;
	return strcmp(a->src->id, b->src->id);
}

static int cmp_kappa(const void *x, const void *y)
{
	const struct agree_kappa_row *a = x, *b = y;
	bool ca = a->b == AGREE_REPORT_CONSENSUS, cb = b->b == AGREE_REPORT_CONSENSUS;

	if (ca != cb)
		return ca ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static void report_sources(const struct agree_scan *s, const struct name_state *ns,
			   struct agree_name *out)
{
	struct src_key *keys = xcalloc(ns->cap_answers + 1, sizeof *keys);
	size_t *local = xcalloc(ns->cap_answers + 1, sizeof *local);
	size_t i, n = 0;

	for (i = 0; i < ns->cap_answers; i++)
		if (ns->answers[i]) {
			keys[n].src = &s->srcs[i];
			keys[n++].index = (uint32_t)i;
		}
	qsort(keys, n, sizeof *keys, cmp_src);
	out->sources = xcalloc(n + 1, sizeof *out->sources);
	out->nsources = n;
	for (i = 0; i < n; i++) {
		out->sources[i].type = xstrdup(keys[i].src->type);
		out->sources[i].id = xstrdup(keys[i].src->id);
		out->sources[i].human = keys[i].src->human;
		out->sources[i].answers = ns->answers[keys[i].index];
		local[keys[i].index] = i;
	}
	out->kappas = xcalloc(ns->set.npairs + 1, sizeof *out->kappas);
	for (i = 0; i < ns->set.npairs; i++) {
		const struct agree_pair *p = &ns->set.pairs[i];
		struct agree_kappa_row *k = &out->kappas[out->nkappas++];
		size_t c, nc = ns->ncls;

		k->a = local[p->a];
		if (p->b == AGREE_CONSENSUS) {
			k->b = AGREE_REPORT_CONSENSUS;
			k->matrix = xcalloc(nc * nc + 1, sizeof *k->matrix);
			for (c = 0; c < nc; c++)
				memcpy(k->matrix + c * nc, p->m + c * ns->set.cap,
				       nc * sizeof *k->matrix);
		} else {
			k->b = local[p->b];
			if (k->b < k->a) {
				k->b = k->a;
				k->a = local[p->b];
			}
		}
		agree_kappa_matrix(p->m, nc, ns->set.cap, &k->k);
	}
	qsort(out->kappas, out->nkappas, sizeof *out->kappas, cmp_kappa);
	free(keys);
	free(local);
}

static void report_name(const struct agree_scan *s, struct name_state *ns,
			struct agree_name *out)
{
	double value[AGREE_CLASSES_MAX];
	size_t i, resamples = s->req->resamples ? s->req->resamples : AGREE_RESAMPLES;

	memset(out, 0, sizeof *out);
	out->name = xstrdup(ns->name);
	out->left_out = ns->left_out;
	if (ns->left_out)
		return;
	order_classes(ns, out);
	out->items = ns->set.items;
	out->pairable = ns->set.pairable;
	out->unanimous = ns->set.unanimous;
	out->no_consensus = ns->set.no_consensus;
	out->classes = xcalloc(ns->ncls + 1, sizeof *out->classes);
	out->nclasses = ns->ncls;
	for (i = 0; i < ns->ncls; i++) {
		const char *raw = ns->cls[i].smallest;

		out->classes[i].json = xstrdup(raw);
		out->classes[i].label = label_of(raw);
		out->classes[i].kind = ns->cls[i].kind;
		out->classes[i].value = ns->cls[i].value;
		value[i] = ns->cls[i].value;
	}
	agree_set_alpha(&ns->set, out->metric, value, &out->alpha);
	if (out->alpha.undef == AGREE_DEFINED) {
		agree_bootstrap(&ns->set, out->metric, value, s->req->seed, resamples, &out->ci);
	} else {
		out->ci.undef = out->alpha.undef;
		out->ci.seed = s->req->seed;
	}
	report_sources(s, ns, out);
}

static int cmp_name(const void *x, const void *y)
{
	const struct agree_name *a = x, *b = y;

	return strcmp(a->name, b->name);
}

void agree_scan_report(struct agree_scan *s, struct agree_report *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	out->traces = s->traces;
	out->seed = s->req->seed;
	out->resamples = s->req->resamples ? s->req->resamples : AGREE_RESAMPLES;
	out->v = xcalloc(s->nnames + 1, sizeof *out->v);
	out->n = s->nnames;
	for (i = 0; i < s->nnames; i++)
		report_name(s, s->names[i], &out->v[i]);
	qsort(out->v, out->n, sizeof *out->v, cmp_name);
}

static const struct name_state *find_name(const struct agree_scan *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i]->name, name) == 0)
			return s->names[i];
	return NULL;
}

int agree_scan_class(const struct agree_scan *s, const char *name, const char *json)
{
	const struct name_state *ns = find_name(s, name);
	enum agree_class_kind kind;
	double value;
	char *key;
	size_t i;
	int found = -1;

	if (!ns || ns->left_out)
		return -1;
	key = answer_key(json, &kind, &value);
	for (i = 0; i < ns->ncls && found < 0; i++)
		if (strcmp(ns->cls[i].key, key) == 0)
			found = (int)i;
	free(key);
	return found;
}

int agree_scan_source(const struct agree_scan *s, const char *type, const char *id)
{
	size_t j;

	if (!s->cap_src_index)
		return -1;
	for (j = src_hash(type, id) & (s->cap_src_index - 1); s->src_index[j];
	     j = (j + 1) & (s->cap_src_index - 1)) {
		const struct src *x = &s->srcs[s->src_index[j] - 1];

		if (strcmp(x->type, type) == 0 && strcmp(x->id, id) == 0)
			return (int)s->src_index[j] - 1;
	}
	return -1;
}

struct agree_hint *agree_hints(const struct config *cfg)
{
	struct agree_hint *h = xcalloc(cfg->nlabels + 1, sizeof *h);
	size_t i;

	for (i = 0; i < cfg->nlabels; i++) {
		const struct label_schema *l = &cfg->labels[i];

		h[i].name = l->name;
		h[i].kind = l->type == LABEL_BOOLEAN ? AGREE_HINT_BOOL :
			    l->type == LABEL_NUMERIC ? AGREE_HINT_NUMBER :
			    l->type == LABEL_CATEGORICAL ? AGREE_HINT_CATEGORY : AGREE_HINT_TEXT;
		h[i].options = (const char *const *)l->options;
		h[i].noptions = l->noptions;
		h[i].scaled = l->scale != SCALE_DEFAULT;
		h[i].metric = l->scale == SCALE_ORDINAL ? AGREE_ORDINAL :
			      l->scale == SCALE_INTERVAL ? AGREE_INTERVAL : AGREE_NOMINAL;
	}
	return h;
}

/* ---- walking ------------------------------------------------------------------------ */

int agree_walk_step(struct agree_walk *w, struct store *st, struct agree_scan *s,
		    struct err *err)
{
	struct trace_page page = { 0 };
	const char *ids[AGREE_BATCH];
	size_t i;
	int rc = -1;

	if (w->done)
		return 0;
	w->req.sort = SORT_TIME;
	w->req.ascending = false;
	w->req.dir = PAGE_AFTER;
	w->req.cursor = &w->cur;
	w->req.limit = AGREE_BATCH;
	w->req.ids_only = true;
	w->req.search = NULL;
	if (store_page_traces(st, &w->req, &page, err) < 0)
		goto out;
	for (i = 0; i < page.n; i++)
		ids[i] = page.v[i].id;
	if (page.n && agree_scan_load(s, st, ids, page.n, err) < 0)
		goto out;
	w->traces += (int64_t)page.n;
	w->done = !page.more || !page.n;
	if (page.n)
		page_cursor_from_row(&w->cur, SORT_TIME, &page.v[page.n - 1]);
	rc = 0;
out:
	trace_page_free(&page);
	return rc;
}

void agree_walk_free(struct agree_walk *w)
{
	page_cursor_free(&w->cur);
	memset(w, 0, sizeof *w);
}

void agree_scan_free(struct agree_scan *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nnames; i++) {
		drop(s->names[i], NULL);
		free(s->names[i]->answers);
		free(s->names[i]->name);
		free(s->names[i]);
	}
	for (i = 0; i < s->nsrcs; i++) {
		free(s->srcs[i].type);
		free(s->srcs[i].id);
	}
	free(s->names);
	free(s->srcs);
	free(s->src_index);
	free(s->item_trace);
	free(s->item_target);
	free(s->ans);
	free(s);
}

void agree_report_free(struct agree_report *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		struct agree_name *n = &r->v[i];

		free(n->name);
		for (j = 0; j < n->nsources; j++) {
			free(n->sources[j].type);
			free(n->sources[j].id);
		}
		for (j = 0; j < n->nclasses; j++) {
			free(n->classes[j].json);
			free(n->classes[j].label);
		}
		for (j = 0; j < n->nkappas; j++)
			free(n->kappas[j].matrix);
		free(n->sources);
		free(n->classes);
		free(n->kappas);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}
