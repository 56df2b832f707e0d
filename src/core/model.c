#include "core/model.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* ---- kv lists ---------------------------------------------------------- */

void kv_list_add(struct kv_list *l, const char *key, const char *value)
{
	GROW(l->v, l->cap, l->n + 1);
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].value = xstrdup_or_null(value);
	l->n++;
}

void kv_list_set(struct kv_list *l, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0) {
			free(l->v[i].value);
			l->v[i].value = xstrdup_or_null(value);
			return;
		}
	}
	kv_list_add(l, key, value);
}

const char *kv_list_get(const struct kv_list *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

void kv_list_free(struct kv_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- experiments ------------------------------------------------------- */

void experiment_list_free(struct experiment_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].artifact_location);
		free(l->v[i].lifecycle_stage);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- assessments ------------------------------------------------------- */

void assessment_free(struct assessment *a)
{
	free(a->id);
	free(a->trace_id);
	free(a->name);
	free(a->type);
	free(a->value);
	free(a->error);
	free(a->source_type);
	free(a->source_id);
	free(a->run_id);
	free(a->span_id);
	free(a->rationale);
	free(a->overrides);
	free(a->metadata);
	memset(a, 0, sizeof *a);
}

void assessment_copy(struct assessment *dst, const struct assessment *src)
{
	dst->id = xstrdup_or_null(src->id);
	dst->trace_id = xstrdup_or_null(src->trace_id);
	dst->name = xstrdup_or_null(src->name);
	dst->type = xstrdup_or_null(src->type);
	dst->value = xstrdup_or_null(src->value);
	dst->error = xstrdup_or_null(src->error);
	dst->created_ms = src->created_ms;
	dst->updated_ms = src->updated_ms;
	dst->source_type = xstrdup_or_null(src->source_type);
	dst->source_id = xstrdup_or_null(src->source_id);
	dst->run_id = xstrdup_or_null(src->run_id);
	dst->span_id = xstrdup_or_null(src->span_id);
	dst->rationale = xstrdup_or_null(src->rationale);
	dst->overrides = xstrdup_or_null(src->overrides);
	dst->valid = src->valid;
	dst->metadata = xstrdup_or_null(src->metadata);
}

void assessment_list_free(struct assessment_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		assessment_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void assessment_list_add(struct assessment_list *l, const struct assessment *a)
{
	GROW(l->v, l->cap, l->n + 1);
	assessment_copy(&l->v[l->n++], a);
}

struct assessment *assessment_list_find(const struct assessment_list *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (str_eq(l->v[i].id, id))
			return &l->v[i];
	return NULL;
}

/* ---- trace rows -------------------------------------------------------- */

static void fb_cell_free(struct fb_cell *c)
{
	free(c->name);
	free(c->human);
	free(c->judge);
	free(c->code);
	free(c->mine);
}

void trace_row_free(struct trace_row *r)
{
	size_t i;

	free(r->id);
	free(r->status);
	free(r->name);
	free(r->request_preview);
	free(r->response_preview);
	free(r->user);
	free(r->session);
	free(r->client_request_id);
	for (i = 0; i < r->nfb; i++)
		fb_cell_free(&r->fb[i]);
	free(r->fb);
	memset(r, 0, sizeof *r);
}

void trace_row_copy(struct trace_row *dst, const struct trace_row *src)
{
	size_t i;

	dst->id = xstrdup_or_null(src->id);
	dst->experiment_id = src->experiment_id;
	dst->timestamp_ms = src->timestamp_ms;
	dst->duration_ms = src->duration_ms;
	dst->status = xstrdup_or_null(src->status);
	dst->name = xstrdup_or_null(src->name);
	dst->request_preview = xstrdup_or_null(src->request_preview);
	dst->response_preview = xstrdup_or_null(src->response_preview);
	dst->user = xstrdup_or_null(src->user);
	dst->session = xstrdup_or_null(src->session);
	dst->client_request_id = xstrdup_or_null(src->client_request_id);
	dst->queue_ms = src->queue_ms;
	dst->nfb = src->nfb;
	dst->fb = src->nfb ? xcalloc(src->nfb, sizeof *dst->fb) : NULL;
	for (i = 0; i < src->nfb; i++) {
		dst->fb[i].name = xstrdup_or_null(src->fb[i].name);
		dst->fb[i].human = xstrdup_or_null(src->fb[i].human);
		dst->fb[i].judge = xstrdup_or_null(src->fb[i].judge);
		dst->fb[i].code = xstrdup_or_null(src->fb[i].code);
		dst->fb[i].mine = xstrdup_or_null(src->fb[i].mine);
	}
}

const struct fb_cell *trace_row_fb(const struct trace_row *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfb; i++)
		if (str_eq(r->fb[i].name, name))
			return &r->fb[i];
	return NULL;
}

void span_row_free(struct span_row *r)
{
	free(r->trace_id);
	free(r->span_id);
	free(r->parent_id);
	free(r->name);
	free(r->type);
	free(r->status);
	free(r->trace_name);
	memset(r, 0, sizeof *r);
}

void span_page_free(struct span_page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		span_row_free(&p->v[i]);
	free(p->v);
	memset(p, 0, sizeof *p);
}

int64_t span_row_duration_ms(const struct span_row *r)
{
	if (r->end_ns < 0 || r->end_ns < r->start_ns)
		return -1;
	return (r->end_ns - r->start_ns) / 1000000;
}

void trace_page_free(struct trace_page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		trace_row_free(&p->v[i]);
	free(p->v);
	memset(p, 0, sizeof *p);
}

/* ---- paging cursors ---------------------------------------------------- */

void page_cursor_from_row(struct page_cursor *c, enum sort_key sort, const struct trace_row *r)
{
	page_cursor_free(c);
	c->set = true;
	c->id = xstrdup(r->id);
	switch (sort) {
	case SORT_TIME:
		c->num = r->timestamp_ms;
		break;
	case SORT_DURATION:
		c->num = r->duration_ms < 0 ? INT64_MIN : r->duration_ms;
		break;
	case SORT_STATUS:
		c->str = xstrdup_or_null(r->status);
		break;
	case SORT_NAME:
		c->str = xstrdup_or_null(r->name);
		break;
	case SORT_QUEUE:
		c->num = r->queue_ms;
		break;
	}
}

void page_cursor_free(struct page_cursor *c)
{
	free(c->str);
	free(c->id);
	memset(c, 0, sizeof *c);
}

/* ---- spans ------------------------------------------------------------- */

enum span_status span_status_parse(const char *s)
{
	if (!s)
		return SPAN_UNSET;
	if (str_starts(s, "STATUS_CODE_"))
		s += strlen("STATUS_CODE_");
	if (strcmp(s, "OK") == 0)
		return SPAN_OK;
	if (strcmp(s, "ERROR") == 0)
		return SPAN_ERROR;
	return SPAN_UNSET;
}

const char *span_status_name(enum span_status s)
{
	switch (s) {
	case SPAN_OK:
		return "OK";
	case SPAN_ERROR:
		return "ERROR";
	case SPAN_UNSET:
		break;
	}
	return "UNSET";
}

void span_free(struct span *s)
{
	free(s->id);
	free(s->parent_id);
	free(s->name);
	free(s->type);
	free(s->content);
	memset(s, 0, sizeof *s);
}

void trace_free(struct trace *t)
{
	size_t i;

	trace_row_free(&t->info);
	kv_list_free(&t->tags);
	kv_list_free(&t->metadata);
	assessment_list_free(&t->assessments);
	for (i = 0; i < t->nspans; i++)
		span_free(&t->spans[i]);
	free(t->spans);
	free(t->spans_note);
	memset(t, 0, sizeof *t);
	t->first_root = SPAN_NONE;
}

void trace_add_span(struct trace *t, struct span *s)
{
	GROW(t->spans, t->cap_spans, t->nspans + 1);
	t->spans[t->nspans++] = *s;
	memset(s, 0, sizeof *s);
}

/* ---- span tree --------------------------------------------------------- */

struct id_ix {
	const char *id;
	size_t ix;
};

static int id_ix_cmp(const void *a, const void *b)
{
	const struct id_ix *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

static size_t find_id(const struct id_ix *ids, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ids[mid].id, id);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(ids[lo].id, id) == 0 ? ids[lo].ix : SPAN_NONE;
}

/* Order for siblings: start time, then original position. */
struct start_ix {
	int64_t start;
	size_t ix;
};

static int by_start(const void *a, const void *b)
{
	const struct start_ix *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

void span_tree_build(struct trace *t)
{
	size_t n = t->nspans, i, prev_root = SPAN_NONE;
	struct id_ix *ids;
	struct start_ix *order;
	size_t *last_child, *path;
	unsigned char *state;

	t->first_root = SPAN_NONE;
	if (!n)
		return;
	ids = xcalloc(n, sizeof *ids);
	order = xcalloc(n, sizeof *order);
	last_child = xcalloc(n, sizeof *last_child);
	state = xcalloc(n, 1);
	path = xcalloc(n, sizeof *path);
	for (i = 0; i < n; i++) {
		struct span *s = &t->spans[i];

		s->flags &= ~(unsigned)(SPAN_F_ORPHAN | SPAN_F_CYCLE | SPAN_F_DUPLICATE);
		s->parent = s->first_child = s->next_sibling = SPAN_NONE;
		s->depth = 0;
		ids[i].id = s->id ? s->id : "";
		ids[i].ix = i;
		order[i].start = s->start_ns;
		order[i].ix = i;
		last_child[i] = SPAN_NONE;
	}
	qsort(ids, n, sizeof *ids, id_ix_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(ids[i].id, ids[i - 1].id) == 0)
			t->spans[ids[i].ix].flags |= SPAN_F_DUPLICATE;

	/* Resolve parents. */
	for (i = 0; i < n; i++) {
		struct span *s = &t->spans[i];
		size_t p;

		if (!s->parent_id || !*s->parent_id)
			continue;
		p = find_id(ids, n, s->parent_id);
		if (p == SPAN_NONE || p == i)
			s->flags |= p == i ? SPAN_F_CYCLE : SPAN_F_ORPHAN;
		else
			s->parent = p;
	}
	/* Break cycles: walk each chain; state 1 = on the current path, 2 = done. */
	for (i = 0; i < n; i++) {
		size_t j = i, k, len = 0;

		while (j != SPAN_NONE && state[j] == 0) {
			state[j] = 1;
			path[len++] = j;
			j = t->spans[j].parent;
		}
		if (j != SPAN_NONE && state[j] == 1) {
			/* j is on the current path: a loop.  Cut it at j. */
			t->spans[j].parent = SPAN_NONE;
			t->spans[j].flags |= SPAN_F_CYCLE;
		}
		for (k = 0; k < len; k++)
			state[path[k]] = 2;
	}
	/* Link children in start order. */
	qsort(order, n, sizeof *order, by_start);
	for (i = 0; i < n; i++) {
		size_t c = order[i].ix;
		size_t p = t->spans[c].parent;

		if (p == SPAN_NONE) {
			if (prev_root == SPAN_NONE)
				t->first_root = c;
			else
				t->spans[prev_root].next_sibling = c;
			prev_root = c;
		} else {
			if (last_child[p] == SPAN_NONE)
				t->spans[p].first_child = c;
			else
				t->spans[last_child[p]].next_sibling = c;
			last_child[p] = c;
		}
	}
	/* Depths in preorder (parents come before children in preorder). */
	for (i = t->first_root; i != SPAN_NONE; i = span_tree_next(t, i, false)) {
		size_t p = t->spans[i].parent;

		t->spans[i].depth = p == SPAN_NONE ? 0 : t->spans[p].depth + 1;
	}
	free(ids);
	free(order);
	free(last_child);
	free(state);
	free(path);
}

size_t span_tree_next(const struct trace *t, size_t i, bool skip_children)
{
	if (i == SPAN_NONE)
		return SPAN_NONE;
	if (!skip_children && t->spans[i].first_child != SPAN_NONE)
		return t->spans[i].first_child;
	while (i != SPAN_NONE) {
		if (t->spans[i].next_sibling != SPAN_NONE)
			return t->spans[i].next_sibling;
		i = t->spans[i].parent;
	}
	return SPAN_NONE;
}
