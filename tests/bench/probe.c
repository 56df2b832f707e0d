/*
 * probe: times one store operation in-process, as the browser runs it, and
 * prints the median in milliseconds (for tests/bench.sh).
 *
 *   probe STORE EXPERIMENT RUNS OP [ARG]
 *
 * OP is one of
 *   first            the first page (30 newest rows)
 *   last             the last page (the 30 oldest, "jump to the end")
 *   next             the page after the first (page down)
 *   filter FILTER    the first page of a filter
 *   sort KEY         the first page sorted by duration, status or name
 *   search TEXT      the first row whose previews or name hold TEXT
 *   open TRACE_ID    load a whole trace and build its span tree (the
 *                    10,000-span trace, the one with 100,000 assessments)
 *   write TRACE_ID   one feedback row, committed (removed again afterwards)
 *   count            the number of traces (what the list counts when idle)
 *   names            the feedback names of the experiment (list columns)
 *   spans FILTER     the spans view's first page (40 spans, the longest first)
 *   spans-start FILTER   the same, the newest first
 *   side-sync        one refresh of the side index (nothing new: the cost
 *                    of keeping it current)
 *   side-build       builds the side index from nothing (one run, the
 *                    whole build; prints its time)
 *
 * PROBE_SIDE=1 opens the store with its side index (STORE_SIDE_INDEX), so
 * that sorts read it once it is built.
 *
 * Each op runs once untimed, then RUNS times; the store stays open, so the
 * figure is the operation's own cost, not the program's start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/model.h"
#include "core/util.h"
#include "store/store.h"

#define PAGE 30

struct probe {
	struct store *st;
	int64_t exp;
	const char *op, *arg;
	struct page_cursor after;     /* "next": the last row of the first page */
	char **written;               /* "write": ids to remove afterwards */
	size_t nwritten, cap;
};

static double clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int page(struct probe *p, const struct page_req *req, struct trace_page *out,
		struct err *err)
{
	memset(out, 0, sizeof *out);
	return store_page_traces(p->st, req, out, err);
}

static void base_req(const struct probe *p, struct page_req *req)
{
	memset(req, 0, sizeof *req);
	req->experiment_id = p->exp;
	req->sort = SORT_TIME;
	req->limit = PAGE;
	req->me = "bench";
}

static int run_once(struct probe *p, struct err *err)
{
	struct page_req req;
	struct trace_page pg;
	int rc = -1;

	base_req(p, &req);
	if (strcmp(p->op, "first") == 0) {
		rc = page(p, &req, &pg, err);
	} else if (strcmp(p->op, "last") == 0) {
		req.dir = PAGE_BEFORE;
		rc = page(p, &req, &pg, err);
	} else if (strcmp(p->op, "next") == 0) {
		req.cursor = &p->after;
		rc = page(p, &req, &pg, err);
	} else if (strcmp(p->op, "filter") == 0) {
		req.filter = p->arg;
		rc = page(p, &req, &pg, err);
	} else if (strcmp(p->op, "sort") == 0) {
		req.sort = strcmp(p->arg, "duration") == 0 ? SORT_DURATION :
			   strcmp(p->arg, "status") == 0 ? SORT_STATUS : SORT_NAME;
		rc = page(p, &req, &pg, err);
	} else if (strcmp(p->op, "search") == 0) {
		req.search = p->arg;
		req.limit = 1;
		req.first = true;
		rc = page(p, &req, &pg, err);
	} else if (strcmp(p->op, "open") == 0) {
		struct trace t;

		memset(&t, 0, sizeof t);
		rc = store_load_trace(p->st, p->arg, &t, err);
		if (rc == 0)
			span_tree_build(&t);
		trace_free(&t);
		return rc;
	} else if (strcmp(p->op, "write") == 0) {
		struct assessment_new a;
		char id[64];

		memset(&a, 0, sizeof a);
		a.trace_id = p->arg;
		a.name = "bench_write";
		a.value_json = "true";
		a.source_type = "HUMAN";
		a.source_id = "bench";
		rc = store_log_assessment(p->st, &a, id, err);
		if (rc == 0) {
			GROW(p->written, p->cap, p->nwritten + 1);
			p->written[p->nwritten++] = xstrdup(id);
		}
		return rc;
	} else if (strcmp(p->op, "count") == 0) {
		int64_t n;

		return store_count_traces(p->st, p->exp, NULL, 0, "bench", NULL, &n, err);
	} else if (strcmp(p->op, "spans") == 0 || strcmp(p->op, "spans-start") == 0) {
		struct span_req sr;
		struct span_page sp;

		memset(&sr, 0, sizeof sr);
		sr.experiment_id = p->exp;
		sr.filter = p->arg && *p->arg ? p->arg : NULL;
		sr.sort = strcmp(p->op, "spans") == 0 ? SPAN_SORT_DURATION : SPAN_SORT_START;
		sr.limit = 40;
		rc = store_page_spans(p->st, &sr, &sp, err);
		if (rc == 0 && sp.n == 0)
			rc = err_set(err, ERR_RUNTIME, "%s: no spans", p->op);
		span_page_free(&sp);
		return rc;
	} else if (strcmp(p->op, "side-sync") == 0) {
		int64_t left, total;

		return store_side_sync(p->st, &left, &total, err);
	} else if (strcmp(p->op, "names") == 0) {
		char **names;
		size_t n;

		rc = store_feedback_names(p->st, p->exp, &names, &n, err);
		if (rc == 0)
			store_free_names(names, n);
		return rc;
	} else {
		return err_set(err, ERR_USAGE, "unknown op %s", p->op);
	}
	if (rc == 0 && pg.n == 0 && strcmp(p->op, "search") != 0)
		rc = err_set(err, ERR_RUNTIME, "%s: no rows", p->op);
	trace_page_free(&pg);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct probe p;
	struct err err = { 0 };
	double *t = NULL;
	int runs, i, ret = 1;
	size_t k;

	if (argc < 5) {
		fprintf(stderr, "usage: probe STORE EXPERIMENT RUNS OP [ARG]\n");
		return 2;
	}
	memset(&p, 0, sizeof p);
	p.exp = atoll(argv[2]);
	runs = atoi(argv[3]);
	p.op = argv[4];
	p.arg = argc > 5 ? argv[5] : NULL;
	if (runs < 1)
		runs = 1;
	t = xcalloc((size_t)runs, sizeof *t);
	if (store_open(argv[1], getenv("PROBE_SIDE") || strncmp(p.op, "side-", 5) == 0 ?
			       STORE_SIDE_INDEX : 0, &p.st, &err) < 0)
		goto out;
	if (strcmp(p.op, "side-build") == 0) {
		int64_t left = 1, total;
		double s = clock_ms();

		while (left > 0)
			if (store_side_sync(p.st, &left, &total, &err) < 0)
				goto out;
		printf("%.2f\n", clock_ms() - s);
		ret = 0;
		goto out;
	}
	if (strcmp(p.op, "next") == 0) {
		struct page_req req;
		struct trace_page pg;

		base_req(&p, &req);
		if (page(&p, &req, &pg, &err) < 0)
			goto out;
		if (pg.n)
			page_cursor_from_row(&p.after, SORT_TIME, &pg.v[pg.n - 1]);
		trace_page_free(&pg);
	}
	if (run_once(&p, &err) < 0)
		goto out;
	for (i = 0; i < runs; i++) {
		double s = clock_ms();

		if (run_once(&p, &err) < 0)
			goto out;
		t[i] = clock_ms() - s;
	}
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	printf("%.2f\n", t[(runs - 1) / 2]);
	ret = 0;
out:
	for (k = 0; k < p.nwritten; k++) {
		struct err e2 = { 0 };

		store_delete_assessment(p.st, p.written[k], &e2);
		free(p.written[k]);
	}
	free(p.written);
	if (ret)
		fprintf(stderr, "probe %s: %s\n", p.op, err.msg);
	page_cursor_free(&p.after);
	store_close(p.st);
	free(t);
	return ret;
}
