#include "ui/tlist.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void tlist_init(struct tlist *t, struct store *st)
{
	memset(t, 0, sizeof *t);
	t->st = st;
	t->before = t->after = t->total = -1;
	t->height = 20;
}

static void drop_rows(struct tlist *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		trace_row_free(&t->rows[i]);
	t->n = 0;
	t->sel = t->top = 0;
}

void tlist_free(struct tlist *t)
{
	drop_rows(t);
	free(t->rows);
	t->rows = NULL;
	t->cap = 0;
}

/* Rows fetched per page: a screen plus a margin. */
static size_t page_size(const struct tlist *t)
{
	size_t h = t->height > 0 ? (size_t)t->height : 1;

	return h + (h / 2 > 8 ? h / 2 : 8);
}

/* Fills in what the known quantities imply. */
static void settle(struct tlist *t)
{
	if (!t->more_before)
		t->before = 0;
	if (!t->more_after)
		t->after = 0;
	if (t->total >= 0) {
		if (t->before < 0 && t->after >= 0)
			t->before = t->total - t->after - (int64_t)t->n;
		if (t->after < 0 && t->before >= 0)
			t->after = t->total - t->before - (int64_t)t->n;
	} else if (t->before >= 0 && t->after >= 0 && !t->more_before && !t->more_after) {
		t->total = (int64_t)t->n;
	}
}

static int fetch(struct tlist *t, enum page_dir dir, const struct trace_row *from, size_t limit,
		 const char *search, struct trace_page *out, struct err *err)
{
	struct page_req req = t->req;
	struct page_cursor cur;
	int rc;

	memset(&cur, 0, sizeof cur);
	memset(out, 0, sizeof *out);
	if (from)
		page_cursor_from_row(&cur, req.sort, from);
	req.dir = dir;
	req.cursor = from ? &cur : NULL;
	req.limit = limit;
	req.search = search;
	rc = store_page_traces(t->st, &req, out, err);
	page_cursor_free(&cur);
	t->fetches++;
	return rc;
}

/* Moves the rows of a page into the window, at the end or the front. */
static void take_page(struct tlist *t, struct trace_page *p, bool front)
{
	size_t i;

	GROW(t->rows, t->cap, t->n + p->n);
	if (front) {
		memmove(t->rows + p->n, t->rows, t->n * sizeof *t->rows);
		for (i = 0; i < p->n; i++)
			t->rows[i] = p->v[i];
		t->sel += p->n;
		t->top += p->n;
		if (t->before >= 0)
			t->before -= (int64_t)p->n;
		t->more_before = p->more;
	} else {
		for (i = 0; i < p->n; i++)
			t->rows[t->n + i] = p->v[i];
		if (t->after >= 0)
			t->after -= (int64_t)p->n;
		t->more_after = p->more;
	}
	t->n += p->n;
	/* The rows now belong to the window. */
	free(p->v);
	memset(p, 0, sizeof *p);
	settle(t);
}

static int fetch_after(struct tlist *t, size_t limit, struct err *err)
{
	struct trace_page p;

	if (!t->n || !t->more_after)
		return 0;
	if (fetch(t, PAGE_AFTER, &t->rows[t->n - 1], limit, NULL, &p, err) < 0)
		return -1;
	take_page(t, &p, false);
	return 0;
}

static int fetch_before(struct tlist *t, size_t limit, struct err *err)
{
	struct trace_page p;

	if (!t->n || !t->more_before)
		return 0;
	if (fetch(t, PAGE_BEFORE, &t->rows[0], limit, NULL, &p, err) < 0)
		return -1;
	take_page(t, &p, true);
	return 0;
}

/* Keeps the window to a few pages around the visible part. */
static void trim(struct tlist *t)
{
	size_t keep = page_size(t) * 2, lo, hi, i, k;

	lo = t->top > keep ? t->top - keep : 0;
	hi = t->top + (size_t)t->height + keep;
	if (hi < t->n) {
		k = t->n - hi;
		for (i = hi; i < t->n; i++)
			trace_row_free(&t->rows[i]);
		t->n = hi;
		if (t->after >= 0)
			t->after += (int64_t)k;
		t->more_after = true;
	}
	if (lo > 0) {
		for (i = 0; i < lo; i++)
			trace_row_free(&t->rows[i]);
		memmove(t->rows, t->rows + lo, (t->n - lo) * sizeof *t->rows);
		t->n -= lo;
		t->sel -= lo;
		t->top -= lo;
		if (t->before >= 0)
			t->before += (int64_t)lo;
		t->more_before = true;
	}
}

/* Scrolls so that the selection is visible and makes sure the visible
 * rows are held; the margins beyond them are left to tlist_prefetch. */
static int settle_view(struct tlist *t, struct err *err)
{
	size_t h = t->height > 0 ? (size_t)t->height : 1;

	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + h)
		t->top = t->sel - h + 1;
	if (t->top + h > t->n && t->more_after) {
		if (fetch_after(t, page_size(t), err) < 0)
			return -1;
	}
	/* At the end: fill the screen from above rather than leave it half empty. */
	if (!t->more_after && t->top + h > t->n) {
		size_t want = t->n > h ? t->n - h : 0;

		if (t->n < h && t->more_before) {
			if (fetch_before(t, page_size(t), err) < 0)
				return -1;
			want = t->n > h ? t->n - h : 0;
		}
		if (t->top > want)
			t->top = want;
	}
	trim(t);
	return 0;
}

static bool want_after(const struct tlist *t)
{
	size_t h = t->height > 0 ? (size_t)t->height : 1, margin = page_size(t) - h;

	return t->more_after && t->top + h + margin / 2 > t->n;
}

static bool want_before(const struct tlist *t)
{
	size_t margin = page_size(t) - (t->height > 0 ? (size_t)t->height : 1);

	return t->more_before && t->top < margin / 2;
}

bool tlist_wants(const struct tlist *t)
{
	return t->n && (want_after(t) || want_before(t));
}

int tlist_prefetch(struct tlist *t, struct err *err)
{
	if (want_after(t)) {
		if (fetch_after(t, page_size(t), err) < 0)
			return -1;
	} else if (want_before(t)) {
		if (fetch_before(t, page_size(t), err) < 0)
			return -1;
	}
	trim(t);
	return 0;
}

/* Replaces the window with the first page of the list. */
static int anchor_first(struct tlist *t, struct err *err)
{
	struct trace_page p;

	if (fetch(t, PAGE_AFTER, NULL, page_size(t), NULL, &p, err) < 0)
		return -1;
	drop_rows(t);
	t->before = 0;
	t->after = -1;
	t->more_before = false;
	take_page(t, &p, false);
	return settle_view(t, err);
}

int tlist_reload(struct tlist *t, struct err *err)
{
	t->total = -1;
	return anchor_first(t, err);
}

int tlist_first(struct tlist *t, struct err *err)
{
	if (!t->more_before) {
		t->sel = t->top = 0;
		return settle_view(t, err);
	}
	return anchor_first(t, err);
}

int tlist_last(struct tlist *t, struct err *err)
{
	struct trace_page p;

	if (!t->more_after) {
		t->sel = t->n ? t->n - 1 : 0;
		return settle_view(t, err);
	}
	if (fetch(t, PAGE_BEFORE, NULL, page_size(t), NULL, &p, err) < 0)
		return -1;
	drop_rows(t);
	t->before = -1;
	t->after = 0;
	t->more_after = false;
	take_page(t, &p, true);
	t->sel = t->n ? t->n - 1 : 0;
	t->top = 0;
	settle(t);
	return settle_view(t, err);
}

/* Makes `row` (a copy is taken) the selected row of a fresh window. */
static int anchor_at(struct tlist *t, const struct trace_row *row, struct err *err)
{
	struct trace_page before, after;
	struct trace_row copy;
	size_t h = t->height > 0 ? (size_t)t->height : 1;

	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);
	if (fetch(t, PAGE_BEFORE, row, h, NULL, &before, err) < 0)
		return -1;
	if (fetch(t, PAGE_AFTER, row, page_size(t), NULL, &after, err) < 0) {
		trace_page_free(&before);
		return -1;
	}
	trace_row_copy(&copy, row);
	drop_rows(t);
	t->before = t->after = -1;
	t->more_before = before.more;
	t->more_after = after.more;
	GROW(t->rows, t->cap, before.n + 1 + after.n);
	memcpy(t->rows, before.v, before.n * sizeof *t->rows);
	t->rows[before.n] = copy;
	memcpy(t->rows + before.n + 1, after.v, after.n * sizeof *t->rows);
	t->n = before.n + 1 + after.n;
	t->sel = before.n;
	t->top = before.n > h / 2 ? before.n - h / 2 : 0;
	free(before.v);
	free(after.v);
	settle(t);
	return settle_view(t, err);
}

int tlist_reload_at(struct tlist *t, const char *trace_id, struct err *err)
{
	struct trace_row row;

	/* A row read alone has no queue position: a queue's list starts again. */
	if (!trace_id || t->req.sort == SORT_QUEUE)
		return tlist_reload(t, err);
	memset(&row, 0, sizeof row);
	if (store_get_row(t->st, trace_id, t->req.me, &row, err) < 0) {
		if (err && err->code != ERR_NOTFOUND)
			return -1;
		return tlist_reload(t, err);
	}
	t->total = -1;
	if (anchor_at(t, &row, err) < 0) {
		trace_row_free(&row);
		return -1;
	}
	trace_row_free(&row);
	return 0;
}

int tlist_set_height(struct tlist *t, int height, struct err *err)
{
	t->height = height > 0 ? height : 1;
	return settle_view(t, err);
}

int tlist_move(struct tlist *t, long delta, struct err *err)
{
	size_t h = t->height > 0 ? (size_t)t->height : 1;

	if (!t->n)
		return 0;
	if (delta > 0) {
		size_t want = t->sel + (size_t)delta;

		while (want + h / 2 >= t->n && t->more_after) {
			size_t need = want + h - t->n + 1;

			if (fetch_after(t, need > page_size(t) ? need : page_size(t), err) < 0)
				return -1;
		}
		t->sel = want < t->n ? want : t->n - 1;
		/* Page moves keep the selection's place on the screen. */
		if ((size_t)delta >= h / 2 && t->sel == want)
			t->top += (size_t)delta;
	} else if (delta < 0) {
		size_t back = (size_t)-delta;

		while (back > t->sel && t->more_before) {
			size_t old = t->n, need = back - t->sel + h;

			if (fetch_before(t, need > page_size(t) ? need : page_size(t), err) < 0)
				return -1;
			if (t->n == old)
				break;
		}
		if (back >= h / 2 && back <= t->sel && t->top >= back)
			t->top -= back;
		t->sel = back <= t->sel ? t->sel - back : 0;
	}
	return settle_view(t, err);
}

static bool row_has(const struct trace_row *r, const char *text);

int tlist_find_quick(struct tlist *t, unsigned quick, const struct question_ref *qs, int dir,
		     bool wrap, bool *found, bool *wrapped, struct err *err)
{
	const struct question_ref *keep_qs = t->req.questions;
	const struct trace_row *from = tlist_selected(t);
	enum page_dir pd = dir >= 0 ? PAGE_AFTER : PAGE_BEFORE;
	unsigned keep = t->req.quick;
	struct trace_page p;
	struct trace_row hit;
	size_t i;
	int rc;

	*found = *wrapped = false;
	if (!from)
		return 0;
	t->req.quick |= quick;
	if (qs)
		t->req.questions = qs;
	rc = fetch(t, pd, from, 1, NULL, &p, err);
	if (rc == 0 && !p.n && wrap) {
		trace_page_free(&p);
		rc = fetch(t, pd, NULL, 1, NULL, &p, err);
		*wrapped = true;
	}
	t->req.quick = keep;
	t->req.questions = keep_qs;
	if (rc < 0)
		return -1;
	if (!p.n || strcmp(p.v[0].id, from->id) == 0) {
		*wrapped = false;
		trace_page_free(&p);
		return 0;
	}
	trace_row_copy(&hit, &p.v[0]);
	trace_page_free(&p);
	*found = true;
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->rows[i].id, hit.id) == 0) {
			trace_row_free(&hit);
			t->sel = i;
			return settle_view(t, err);
		}
	}
	rc = anchor_at(t, &hit, err);
	trace_row_free(&hit);
	return rc;
}

int tlist_find_near(struct tlist *t, const char *text, int dir, struct err *err)
{
	size_t i;

	if (!text || !*text || !t->n)
		return 0;
	if (dir >= 0) {
		for (i = t->sel + 1; i < t->n; i++)
			if (row_has(&t->rows[i], text))
				break;
		if (i == t->n)
			return 0;
	} else {
		for (i = t->sel; i-- > 0;)
			if (row_has(&t->rows[i], text))
				break;
		if (i == (size_t)-1)
			return 0;
	}
	t->sel = i;
	return settle_view(t, err) < 0 ? -1 : 1;
}

void tlist_search_init(struct tlist_search *q, const struct tlist *t, const char *text, int dir)
{
	const struct trace_row *from = tlist_selected(t);
	size_t n = 0;

	memset(q, 0, sizeof *q);
	q->req = t->req;
	q->filter = xstrdup_or_null(t->req.filter);
	q->me = xstrdup_or_null(t->req.me);
	q->text = xstrdup_or_null(text);
	q->req.filter = q->filter;
	q->req.me = q->me;
	q->req.search = q->text;
	while (t->req.questions && t->req.questions[n].name)
		n++;
	if (t->req.questions) {
		/* The names stay borrowed from the configuration. */
		q->questions = xcalloc(n + 1, sizeof *q->questions);
		memcpy(q->questions, t->req.questions, n * sizeof *q->questions);
	}
	q->req.questions = q->questions;
	q->dir = dir >= 0 ? 1 : -1;
	if (from) {
		trace_row_copy(&q->from, from);
		page_cursor_from_row(&q->at, t->req.sort, from);
	}
}

int tlist_search_run(struct tlist_search *q, struct store *st, struct err *err)
{
	struct page_req r = q->req;
	struct trace_page p;

	q->found = q->wrapped = false;
	if (!q->text || !*q->text || !q->at.set)
		return 0;
	memset(&p, 0, sizeof p);
	r.dir = q->dir > 0 ? PAGE_AFTER : PAGE_BEFORE;
	r.first = true;
	r.limit = 1;
	r.cursor = &q->at;
	r.until = NULL;
	if (store_page_traces(st, &r, &p, err) < 0)
		return -1;
	if (!p.n) {
		/* From the other end, up to where the search began. */
		trace_page_free(&p);
		memset(&p, 0, sizeof p);
		r.cursor = NULL;
		r.until = &q->at;
		if (store_page_traces(st, &r, &p, err) < 0)
			return -1;
		q->wrapped = true;
	}
	if (p.n) {
		trace_row_copy(&q->hit, &p.v[0]);
		q->found = true;
	} else if (row_has(&q->from, q->text)) {
		/* The only match is where the search began. */
		trace_row_copy(&q->hit, &q->from);
		q->found = true;
	} else {
		q->wrapped = false;
	}
	trace_page_free(&p);
	return 0;
}

int tlist_search_apply(struct tlist *t, const struct tlist_search *q, struct err *err)
{
	size_t i;

	if (!q->found)
		return 0;
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->rows[i].id, q->hit.id) == 0) {
			t->sel = i;
			return settle_view(t, err);
		}
	}
	return anchor_at(t, &q->hit, err);
}

void tlist_search_free(struct tlist_search *q)
{
	free(q->filter);
	free(q->me);
	free(q->text);
	free(q->questions);
	trace_row_free(&q->from);
	trace_row_free(&q->hit);
	page_cursor_free(&q->at);
	memset(q, 0, sizeof *q);
}

int tlist_find(struct tlist *t, const char *text, int dir, bool *found, bool *wrapped,
	       struct err *err)
{
	struct tlist_search q;
	int rc;

	*found = *wrapped = false;
	rc = tlist_find_near(t, text, dir, err);
	if (rc != 0) {
		*found = rc > 0;
		return rc < 0 ? -1 : 0;
	}
	tlist_search_init(&q, t, text, dir);
	rc = tlist_search_run(&q, t->st, err);
	t->fetches++;
	if (rc == 0) {
		*found = q.found;
		*wrapped = q.wrapped;
		rc = tlist_search_apply(t, &q, err);
	}
	tlist_search_free(&q);
	return rc;
}

/* Case-insensitive (ASCII) substring test. */
static bool has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	if (!hay)
		return false;
	for (; *hay; hay++) {
		for (i = 0; i < n; i++) {
			unsigned char a = (unsigned char)hay[i], b = (unsigned char)needle[i];

			if (!a)
				return false;
			if (a >= 'A' && a <= 'Z')
				a = (unsigned char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (unsigned char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (i == n)
			return true;
	}
	return false;
}

static bool row_has(const struct trace_row *r, const char *text)
{
	return has_ci(r->name, text) || has_ci(r->request_preview, text) ||
	       has_ci(r->response_preview, text) || has_ci(r->id, text);
}

int tlist_refresh_row(struct tlist *t, const char *trace_id, struct err *err)
{
	struct trace_row row;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->rows[i].id, trace_id) != 0)
			continue;
		memset(&row, 0, sizeof row);
		if (store_get_row(t->st, trace_id, t->req.me, &row, err) < 0)
			return -1;
		row.queue_ms = t->rows[i].queue_ms;
		trace_row_free(&t->rows[i]);
		t->rows[i] = row;
		return 0;
	}
	return 0;
}

int tlist_count(struct tlist *t, struct err *err)
{
	int64_t n;

	if (store_count_traces(t->st, t->req.experiment_id, t->req.filter, t->req.quick,
			       t->req.me, t->req.questions, &n, err) < 0)
		return -1;
	tlist_set_total(t, n);
	return 0;
}

void tlist_set_total(struct tlist *t, int64_t n)
{
	t->total = n;
	if (!t->more_before)
		t->before = 0;
	settle(t);
}

bool tlist_counted(const struct tlist *t)
{
	return t->total >= 0;
}

const struct trace_row *tlist_selected(const struct tlist *t)
{
	return t->n ? &t->rows[t->sel] : NULL;
}

int64_t tlist_abs(const struct tlist *t, size_t i)
{
	if (t->before >= 0)
		return t->before + (int64_t)i;
	if (t->after >= 0 && t->total >= 0)
		return t->total - t->after - (int64_t)t->n + (int64_t)i;
	return -1;
}

int64_t tlist_known(const struct tlist *t, bool *exact)
{
	if (t->total >= 0) {
		*exact = true;
		return t->total;
	}
	*exact = t->before >= 0 && t->after >= 0 && !t->more_after && !t->more_before;
	return (t->before > 0 ? t->before : 0) + (int64_t)t->n + (t->after > 0 ? t->after : 0);
}
