/*
 * The worker thread (see worker.h): a mutex-protected queue of jobs, one
 * running job, a list of finished ones, and a pipe that is readable while
 * that list is not empty.
 */
#include "svc/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store.h"

struct worker_job {
	uint64_t id;
	worker_run_fn run;
	worker_done_fn done;
	void *ctx;
	int rc;
	struct err err;
	atomic_bool cancelled;
	struct worker_job *next;
};

struct jobq {
	struct worker_job *head, *tail;
};

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;       /* to the thread: a job or stop */
	pthread_cond_t finished_cv; /* to the caller: a completion */
	struct jobq queue, finished;
	struct worker_job *running;
	bool stop;
	struct store *st;          /* the thread's; NULL until open (or when it failed) */
	bool opened;               /* open was tried */
	struct err open_err;
	char *url;
	unsigned flags;
	int pipe[2];               /* [0] readable while `finished` is not empty */
	uint64_t next_id;
	unsigned outstanding;      /* submitted, done not yet run */
};

static void q_push(struct jobq *q, struct worker_job *j)
{
	j->next = NULL;
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static struct worker_job *q_pop(struct jobq *q)
{
	struct worker_job *j = q->head;

	if (j) {
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		j->next = NULL;
	}
	return j;
}

/* Removes the job with this id; NULL when it is not queued. */
static struct worker_job *q_take(struct jobq *q, uint64_t id)
{
	struct worker_job **pp, *prev = NULL;

	for (pp = &q->head; *pp; prev = *pp, pp = &(*pp)->next) {
		struct worker_job *j = *pp;

		if (j->id != id)
			continue;
		*pp = j->next;
		if (q->tail == j)
			q->tail = prev;
		j->next = NULL;
		return j;
	}
	return NULL;
}

/* With the mutex held: j goes to the finished list; the pipe is made
 * readable when the list was empty. */
static void finish_locked(struct worker *w, struct worker_job *j)
{
	bool was_empty = !w->finished.head;
	char c = 1;

	q_push(&w->finished, j);
	if (was_empty) {
		while (write(w->pipe[1], &c, 1) < 0 && errno == EINTR)
			;
	}
	pthread_cond_broadcast(&w->finished_cv);
}

static void cancelled(struct worker_job *j)
{
	j->rc = -1;
	err_set(&j->err, ERR_CANCELLED, "cancelled");
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;
	struct store *st = NULL;
	struct err e;

	err_clear(&e);
	if (store_open(w->url, w->flags, &st, &e) < 0)
		st = NULL;
	pthread_mutex_lock(&w->mu);
	w->st = st;
	w->opened = true;
	w->open_err = e;
	for (;;) {
		struct worker_job *j;

		while (!w->stop && !w->queue.head)
			pthread_cond_wait(&w->wake, &w->mu);
		if (w->stop)
			break;
		j = q_pop(&w->queue);
		w->running = j;
		store_interrupt(st, false);
		pthread_mutex_unlock(&w->mu);

		err_clear(&j->err);
		if (!st) {
			j->rc = -1;
			j->err = w->open_err;
		} else if (atomic_load(&j->cancelled)) {
			cancelled(j);
		} else {
			j->rc = j->run(st, j->ctx, j, &j->err);
			if (j->rc < 0 && !j->err.code)
				err_set(&j->err, ERR_RUNTIME, "failed");
		}

		pthread_mutex_lock(&w->mu);
		w->running = NULL;
		finish_locked(w, j);
	}
	w->st = NULL;
	pthread_mutex_unlock(&w->mu);
	store_close(st);
	return NULL;
}

/* What worker_start made, once the thread is gone (or never ran). */
static void free_worker(struct worker *w)
{
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->finished_cv);
	free(w->url);
	free(w);
}

int worker_start(const char *url, unsigned flags, struct worker **out, struct err *err)
{
	struct worker *w = xcalloc(1, sizeof *w);
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (pipe(w->pipe) < 0) {
		err_set(err, ERR_RUNTIME, "cannot start a worker: %s", strerror(errno));
		free(w);
		return -1;
	}
	for (rc = 0; rc < 2; rc++) {
		fcntl(w->pipe[rc], F_SETFL, fcntl(w->pipe[rc], F_GETFL) | O_NONBLOCK);
		fcntl(w->pipe[rc], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->finished_cv, &ca);
	pthread_condattr_destroy(&ca);
	w->url = xstrdup(url);
	w->flags = flags;
	w->next_id = 1;
	/* The thread starts with every signal blocked: they go to ours. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, thread_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		err_set(err, ERR_RUNTIME, "cannot start a worker thread: %s", strerror(rc));
		free_worker(w);
		return -1;
	}
	*out = w;
	return 0;
}

uint64_t worker_submit(struct worker *w, worker_run_fn run, worker_done_fn done, void *ctx)
{
	struct worker_job *j = xcalloc(1, sizeof *j);
	uint64_t id;

	j->run = run;
	j->done = done;
	j->ctx = ctx;
	atomic_init(&j->cancelled, false);
	pthread_mutex_lock(&w->mu);
	id = j->id = w->next_id++;
	w->outstanding++;
	if (w->stop) {
		cancelled(j);
		finish_locked(w, j);
	} else {
		q_push(&w->queue, j);
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->mu);
	return id;
}

bool worker_cancel(struct worker *w, uint64_t id)
{
	struct worker_job *j;
	bool found = false;

	pthread_mutex_lock(&w->mu);
	j = q_take(&w->queue, id);
	if (j) {
		cancelled(j);
		finish_locked(w, j);
		found = true;
	} else if (w->running && w->running->id == id) {
		/* Under the mutex, so the interrupt cannot reach the next job. */
		atomic_store(&w->running->cancelled, true);
		store_interrupt(w->st, true);
		found = true;
	}
	pthread_mutex_unlock(&w->mu);
	return found;
}

bool worker_job_cancelled(const struct worker_job *job)
{
	return atomic_load(&((struct worker_job *)(uintptr_t)job)->cancelled);
}

int worker_fd(const struct worker *w)
{
	return w->pipe[0];
}

unsigned worker_collect(struct worker *w)
{
	struct worker_job *list, *j;
	unsigned n = 0;
	char buf[64];

	pthread_mutex_lock(&w->mu);
	list = w->finished.head;
	w->finished.head = w->finished.tail = NULL;
	while (read(w->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_unlock(&w->mu);
	while ((j = list)) {
		list = j->next;
		if (j->done)
			j->done(j->ctx, j->rc, &j->err);
		free(j);
		n++;
		pthread_mutex_lock(&w->mu);
		w->outstanding--;
		pthread_mutex_unlock(&w->mu);
	}
	return n;
}

bool worker_wait(struct worker *w, int timeout_ms)
{
	struct timespec until;
	bool ready;

	clock_gettime(CLOCK_MONOTONIC, &until);
	if (timeout_ms > 0) {
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&w->mu);
	while (!w->finished.head && timeout_ms != 0) {
		if (timeout_ms < 0)
			pthread_cond_wait(&w->finished_cv, &w->mu);
		else if (pthread_cond_timedwait(&w->finished_cv, &w->mu, &until) == ETIMEDOUT)
			break;
	}
	ready = w->finished.head != NULL;
	pthread_mutex_unlock(&w->mu);
	return ready;
}

unsigned worker_pending(const struct worker *w)
{
	struct worker *m = (struct worker *)(uintptr_t)w;
	unsigned n;

	pthread_mutex_lock(&m->mu);
	n = m->outstanding;
	pthread_mutex_unlock(&m->mu);
	return n;
}

void worker_close(struct worker *w)
{
	struct worker_job *j;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	while ((j = q_pop(&w->queue))) {
		cancelled(j);
		finish_locked(w, j);
	}
	if (w->running) {
		atomic_store(&w->running->cancelled, true);
		store_interrupt(w->st, true);
	}
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	worker_collect(w);
	free_worker(w);
}
