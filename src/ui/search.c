/*
 * The list's search (/, n, N) on the browser's worker: the rows held are
 * looked at first (no query); otherwise the store walks the list's order
 * from the selection on the worker's own connection and stops at the first
 * match (ui/tlist.h: struct tlist_search), while the keys go on being
 * answered.  The status line shows how many traces the scan has looked at;
 * Esc cancels it (worker_cancel: the store's interrupt).  A search whose
 * list was read again meanwhile (another filter, sort or experiment) is
 * dropped.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/textbuf.h"
#include "core/util.h"
#include "svc/worker.h"
#include "ui/app.h"

struct search_job {
	struct ui *ui;             /* NULL once nobody waits for it */
	unsigned gen;              /* the list's generation it searches */
	struct tlist_search q;
	atomic_llong scanned;      /* traces looked at so far (from the worker) */
	int64_t base, last;        /* the worker's: the queries before this one */
	uint64_t id;
};

static void job_free(struct search_job *j)
{
	tlist_search_free(&j->q);
	free(j);
}

/* On the worker: the store's progress, into the job. */
static void on_progress(void *ctx, int64_t scanned)
{
	struct search_job *j = ctx;

	/* Each query counts from 0 (the second one wraps around). */
	if (scanned < j->last)
		j->base += j->last;
	j->last = scanned;
	atomic_store(&j->scanned, (long long)(j->base + scanned));
}

static int job_run(struct store *st, void *ctx, const struct worker_job *wj, struct err *err)
{
	struct search_job *j = ctx;
	int rc;

	(void)wj;
	store_set_progress(st, on_progress, j);
	rc = tlist_search_run(&j->q, st, err);
	store_set_progress(st, NULL, NULL);
	return rc;
}

/* Says what a search found (or why not). */
static void report(struct ui *ui, const struct tlist_search *q)
{
	if (!q->found)
		ui_msg(ui, SLOT_MSG_ERROR, "not found: %s", q->text);
	else if (q->wrapped)
		ui_msg(ui, SLOT_MSG_INFO, q->dir < 0 ? "search hit TOP, continuing at BOTTOM" :
			      "search hit BOTTOM, continuing at TOP");
	else
		FREE(ui->msg);
}

/* On the browser's thread, inside worker_collect. */
static void job_done(void *ctx, int rc, const struct err *err)
{
	struct search_job *j = ctx;
	struct ui *ui = j->ui;
	struct err e2;

	if (!ui) {
		job_free(j);
		return;
	}
	ui->list.search_job = NULL;
	if (j->gen != ui->list.gen) {
		job_free(j);
		return;
	}
	err_clear(&e2);
	if (rc < 0) {
		if (err->code == ERR_CANCELLED)
			ui_msg(ui, SLOT_MSG_INFO, "search cancelled");
		else
			ui_error(ui, err);
	} else if (tlist_search_apply(&ui->list.tl, &j->q, &e2) < 0) {
		ui_error(ui, &e2);
	} else {
		report(ui, &j->q);
	}
	job_free(j);
}

void ui_search_cancel(struct ui *ui, bool say)
{
	struct search_job *j = ui->list.search_job;

	if (!j)
		return;
	ui->list.search_job = NULL;
	j->ui = NULL;
	worker_cancel(ui->worker, j->id);
	if (say)
		ui_msg(ui, SLOT_MSG_INFO, "search cancelled");
}

bool ui_search_running(const struct ui *ui)
{
	return ui->list.search_job != NULL;
}

unsigned ui_search_list(struct ui *ui, const char *text, int dir)
{
	struct tlist *tl = &ui->list.tl;
	struct search_job *j;
	struct worker *w;
	struct err err;
	int rc;

	err_clear(&err);
	ui_search_cancel(ui, false);
	/* The rows held first: no query at all. */
	rc = tlist_find_near(tl, text, dir, &err);
	if (rc < 0)
		ui_error(ui, &err);
	if (rc != 0)
		return EFF_HANDLED | EFF_REDRAW;
	if (!tlist_selected(tl)) {
		ui_msg(ui, SLOT_MSG_ERROR, "not found: %s", text);
		return EFF_HANDLED | EFF_REDRAW;
	}
	w = ui_worker(ui, &err);
	if (!w) {
		ui_error(ui, &err);
		return EFF_HANDLED | EFF_REDRAW;
	}
	j = xcalloc(1, sizeof *j);
	j->ui = ui;
	j->gen = ui->list.gen;
	atomic_init(&j->scanned, 0);
	tlist_search_init(&j->q, tl, text, dir);
	ui->list.search_job = j;
	j->id = worker_submit(w, job_run, job_done, j);
	return EFF_HANDLED | EFF_REDRAW;
}

char *ui_search_progress(const struct ui *ui)
{
	struct search_job *j = ui->list.search_job;
	int64_t n, total = ui->list.tl.total;
	char a[32], b[32], *raw, *safe;

	if (!j)
		return NULL;
	n = (int64_t)atomic_load(&j->scanned);
	fmt_count(a, sizeof a, n);
	if (total > 0) {
		fmt_count(b, sizeof b, total);
		raw = xasprintf("searching for %s: %s of %s traces looked at (Esc cancels)",
				j->q.text, a, b);
	} else {
		raw = xasprintf("searching for %s: %s traces looked at (Esc cancels)", j->q.text,
				a);
	}
	safe = sanitize_dup(raw, strlen(raw));
	free(raw);
	return safe;
}
