/*
 * What the list's header and status line count, on the browser's worker:
 * the total of the list (the "N / total" on the right), the labelling
 * progress (complete N / M and the traces with my answer to each
 * question) and the feedback names (the list's columns).  Each is one job
 * with copies of what it needs; its result is taken when it comes (inside
 * worker_collect, on the browser's thread) if the list it was asked for is
 * still the one shown (ui->list.gen), else dropped.  Until then the header
 * shows "N+" and the progress the last figures; no key waits for them.
 * Without a worker (its thread could not start) they run in place.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/util.h"
#include "svc/worker.h"
#include "ui/app.h"

/* What a count is asked for: the list's request, copied. */
struct facts_req {
	int64_t experiment_id;
	char *filter, *me;
	unsigned quick;
	struct question_ref *qs;   /* a copy of the array; names borrowed from the config */
};

static void req_copy(struct facts_req *r, const struct page_req *p)
{
	size_t n = 0;

	memset(r, 0, sizeof *r);
	r->experiment_id = p->experiment_id;
	r->filter = xstrdup_or_null(p->filter);
	r->me = xstrdup_or_null(p->me);
	r->quick = p->quick;
	while (p->questions && p->questions[n].name)
		n++;
	if (p->questions) {
		r->qs = xcalloc(n + 1, sizeof *r->qs);
		memcpy(r->qs, p->questions, n * sizeof *r->qs);
	}
}

static void req_free(struct facts_req *r)
{
	free(r->filter);
	free(r->me);
	free(r->qs);
}

/* ---- the total ------------------------------------------------------------ */

struct count_job {
	struct ui *ui;             /* NULL once nobody waits for it */
	unsigned gen;
	struct facts_req r;
	int64_t n;
	uint64_t id;
};

static void count_job_free(struct count_job *cj)
{
	req_free(&cj->r);
	free(cj);
}

static int count_job_run(struct store *st, void *ctx, const struct worker_job *job,
			 struct err *err)
{
	struct count_job *cj = ctx;

	(void)job;
	return store_count_traces(st, cj->r.experiment_id, cj->r.filter, cj->r.quick, cj->r.me,
				  cj->r.qs, &cj->n, err);
}

static void count_job_done(void *ctx, int rc, const struct err *err)
{
	struct count_job *cj = ctx;
	struct ui *ui = cj->ui;

	if (ui) {
		ui->list.count_job = NULL;
		if (cj->gen == ui->list.gen && ui->list.tl.total == -3) {
			if (rc == 0) {
				tlist_set_total(&ui->list.tl, cj->n);
			} else {
				ui->list.tl.total = -2;  /* do not try again */
				if (err->code != ERR_CANCELLED)
					ui_error(ui, err);
			}
		}
	}
	count_job_free(cj);
}

void ui_count_abandon(struct ui *ui)
{
	struct count_job *cj = ui->list.count_job;

	if (!cj)
		return;
	ui->list.count_job = NULL;
	cj->ui = NULL;
	worker_cancel(ui->worker, cj->id);
}

void ui_count_start(struct ui *ui)
{
	struct tlist *t = &ui->list.tl;
	struct err e = { 0 };
	struct worker *w = ui_worker(ui, &e);
	struct count_job *cj;

	ui_count_abandon(ui);
	if (!w) {
		if (tlist_count(t, &e) < 0) {
			t->total = -2;  /* do not try again */
			ui_error(ui, &e);
		}
		return;
	}
	cj = xcalloc(1, sizeof *cj);
	cj->ui = ui;
	cj->gen = ui->list.gen;
	req_copy(&cj->r, &t->req);
	ui->list.count_job = cj;
	t->total = -3;  /* counting */
	cj->id = worker_submit(w, count_job_run, count_job_done, cj);
}

/* ---- labelling progress ------------------------------------------------- */

struct progress_job {
	struct ui *ui;
	unsigned gen;
	struct facts_req r;
	int64_t total;             /* the list's, or -1: count it without QF_UNLABELLED */
	struct question_ref *one;  /* each configured question, required, alone */
	size_t nq;
	int64_t done_n, *per_q;    /* results */
	bool per_q_ok;
	uint64_t id;
};

static void progress_job_free(struct progress_job *pj)
{
	req_free(&pj->r);
	free(pj->one);
	free(pj->per_q);
	free(pj);
}

static int progress_job_run(struct store *st, void *ctx, const struct worker_job *job,
			    struct err *err)
{
	struct progress_job *pj = ctx;
	const struct facts_req *r = &pj->r;
	int64_t unl;
	size_t i;

	(void)job;
	/* M: the traces of the filter, the unlabelled quick filter aside (with
	 * it on, the list holds only the unlabelled ones). */
	if (pj->total < 0 &&
	    store_count_traces(st, r->experiment_id, r->filter, r->quick & ~(unsigned)QF_UNLABELLED,
			       r->me, r->qs, &pj->total, err) < 0)
		return -1;
	if (store_count_traces(st, r->experiment_id, r->filter, r->quick | QF_UNLABELLED, r->me,
			       r->qs, &unl, err) < 0)
		return -1;
	pj->done_n = pj->total - unl >= 0 ? pj->total - unl : 0;
	/* Per question: the traces of the filter with my answer to it (the
	 * same count, one required question at a time). */
	pj->per_q_ok = true;
	for (i = 0; i < pj->nq; i++) {
		if ((job && worker_job_cancelled(job)) ||
		    store_count_traces(st, r->experiment_id, r->filter, r->quick | QF_UNLABELLED,
				       r->me, &pj->one[2 * i], &unl, err) < 0) {
			pj->per_q_ok = false;
			break;
		}
		pj->per_q[i] = pj->total - unl >= 0 ? pj->total - unl : 0;
	}
	return 0;
}

static void progress_job_done(void *ctx, int rc, const struct err *err)
{
	struct progress_job *pj = ctx;
	struct ui *ui = pj->ui;

	(void)err;
	if (ui) {
		ui->progress_job = NULL;
		if (pj->gen == ui->list.gen) {
			if (rc < 0) {
				ui->progress_done = ui->progress_total = -1;
			} else {
				ui->progress_total = pj->total;
				ui->progress_done = pj->done_n;
				free(ui->progress_q);
				ui->nprogress_q = pj->per_q_ok ? pj->nq : 0;
				ui->progress_q = pj->per_q;
				pj->per_q = NULL;
			}
		}
	}
	progress_job_free(pj);
}

void ui_progress_abandon(struct ui *ui)
{
	struct progress_job *pj = ui->progress_job;

	if (!pj)
		return;
	ui->progress_job = NULL;
	pj->ui = NULL;
	worker_cancel(ui->worker, pj->id);
}

bool ui_progress_start(struct ui *ui)
{
	const struct list_state *ls = &ui->list;
	struct err e = { 0 };
	struct worker *w = ui_worker(ui, &e);
	struct progress_job *pj;
	size_t i;

	ui_progress_abandon(ui);
	pj = xcalloc(1, sizeof *pj);
	pj->ui = ui;
	pj->gen = ls->gen;
	req_copy(&pj->r, &ls->tl.req);
	pj->total = (ls->quick & QF_UNLABELLED) ? -1 : ls->tl.total;
	pj->nq = ui->cfg ? ui->cfg->nlabels : 0;
	/* Pairs: the question, then the NULL name that ends its list. */
	pj->one = xcalloc(2 * pj->nq + 1, sizeof *pj->one);
	pj->per_q = xcalloc(pj->nq ? pj->nq : 1, sizeof *pj->per_q);
	for (i = 0; i < pj->nq; i++) {
		pj->one[2 * i].name = ui->cfg->labels[i].name;
		pj->one[2 * i].target = ui->cfg->labels[i].target;
		pj->one[2 * i].required = true;
		pj->one[2 * i].expectation = ui->cfg->labels[i].expectation;
	}
	if (!w) {
		/* In place: the same work, the same result. */
		progress_job_done(pj, progress_job_run(ui->st, pj, NULL, &e), &e);
		return true;
	}
	ui->progress_job = pj;
	pj->id = worker_submit(w, progress_job_run, progress_job_done, pj);
	return true;
}

/* ---- feedback names ----------------------------------------------------- */

struct names_job {
	struct ui *ui;
	int64_t experiment_id;
	char **names;
	size_t n;
	uint64_t id;
};

static int names_job_run(struct store *st, void *ctx, const struct worker_job *job,
			 struct err *err)
{
	struct names_job *nj = ctx;

	(void)job;
	return store_feedback_names(st, nj->experiment_id, &nj->names, &nj->n, err);
}

static void names_job_done(void *ctx, int rc, const struct err *err)
{
	struct names_job *nj = ctx;
	struct ui *ui = nj->ui;
	size_t i;

	if (ui) {
		ui->list.names_job = NULL;
		if (rc < 0 && err->code != ERR_CANCELLED)
			ui_error(ui, err);
		for (i = 0; rc == 0 && nj->experiment_id == ui->list.exp_id && i < nj->n; i++)
			ui_names_add(&ui->list, nj->names[i]);
	}
	store_free_names(nj->names, nj->n);
	free(nj);
}

void ui_names_abandon(struct ui *ui)
{
	struct names_job *nj = ui->list.names_job;

	if (!nj)
		return;
	ui->list.names_job = NULL;
	nj->ui = NULL;
	worker_cancel(ui->worker, nj->id);
}

void ui_names_start(struct ui *ui)
{
	struct err e = { 0 };
	struct worker *w = ui_worker(ui, &e);
	struct names_job *nj;

	ui_names_abandon(ui);
	ui->list.names_pending = false;
	nj = xcalloc(1, sizeof *nj);
	nj->ui = ui;
	nj->experiment_id = ui->list.exp_id;
	if (!w) {
		names_job_done(nj, names_job_run(ui->st, nj, NULL, &e), &e);
		return;
	}
	ui->list.names_job = nj;
	nj->id = worker_submit(w, names_job_run, names_job_done, nj);
}

bool ui_facts_waiting(const struct ui *ui)
{
	return ui->list.count_job || ui->list.names_job || ui->progress_job;
}

/* ---- the side index for sorts -------------------------------------------- */

/* How long one job builds before it leaves the worker to other jobs. */
#define SIDE_SLICE_MS 100
/* How often a built side index is brought up to date. */
#define SIDE_EVERY_MS 2000

struct side_job {
	struct ui *ui;
	int64_t left, total;
	uint64_t id;
};

static int side_job_run(struct store *st, void *ctx, const struct worker_job *job,
			struct err *err)
{
	struct side_job *sj = ctx;
	int64_t until = mono_ms() + SIDE_SLICE_MS;

	do {
		if (store_side_sync(st, &sj->left, &sj->total, err) < 0)
			return -1;
	} while (sj->left > 0 && mono_ms() < until && !worker_job_cancelled(job));
	return 0;
}

static void side_job_done(void *ctx, int rc, const struct err *err)
{
	struct side_job *sj = ctx;
	struct ui *ui = sj->ui;

	if (ui) {
		ui->side_job = NULL;
		if (rc == 0) {
			ui->side_left = sj->left;
			ui->side_total = sj->total;
		} else {
			ui->side_left = 0;  /* try again later */
			if (err->code != ERR_CANCELLED)
				ui_msg(ui, SLOT_MSG_ERROR, "side index: %s", err->msg);
		}
		if (ui->side_left == 0)
			ui->side_next_ms = mono_ms() + SIDE_EVERY_MS;
	}
	free(sj);
}

bool ui_side_due(const struct ui *ui)
{
	return !ui->scripted && ui->list.loaded && !ui->side_job &&
	       (ui->side_left != 0 || mono_ms() >= ui->side_next_ms);
}

void ui_side_start(struct ui *ui)
{
	struct err e = { 0 };
	struct worker *w = ui_worker(ui, &e);
	struct side_job *sj;

	if (!w) {
		ui->side_left = 0;
		ui->side_next_ms = mono_ms() + SIDE_EVERY_MS;
		return;
	}
	sj = xcalloc(1, sizeof *sj);
	sj->ui = ui;
	ui->side_job = sj;
	sj->id = worker_submit(w, side_job_run, side_job_done, sj);
}

void ui_side_abandon(struct ui *ui)
{
	struct side_job *sj = ui->side_job;

	if (!sj)
		return;
	ui->side_job = NULL;
	sj->ui = NULL;
	worker_cancel(ui->worker, sj->id);
}
