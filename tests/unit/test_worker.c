/* The worker thread against copies of a real MLflow store: jobs run off
 * the caller's thread with the worker's own store, in order; done runs on
 * the caller's thread; the wake-up descriptor; cancel of queued and running
 * jobs; close; a store that cannot be opened; a write waiting for another
 * process's lock does not hold up the caller. */
#include <poll.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "core/util.h"
#include "store/store.h"
#include "svc/worker.h"
#include "test.h"

#define TR "tr-c3f8ccfcfd1ce910d7277a703eedd5e9"

struct rec {
	int order[16];
	int n;
	pthread_t ran_on[16];
	pthread_t done_on[16];
	int rc[16];
	enum err_code code[16];
	int64_t value[16];
	atomic_int ran;
};

struct jctx {
	struct rec *r;
	int k;
	atomic_int *gate;      /* run waits while *gate == 0 (NULL: no wait) */
	bool until_cancel;     /* run loops until cancelled */
	bool write;            /* run writes a feedback row */
};

static int run_job(struct store *st, void *ctx, const struct worker_job *job, struct err *err)
{
	struct jctx *c = ctx;
	int64_t n = 0;

	c->r->ran_on[c->k] = pthread_self();
	c->r->ran++;
	while (c->gate && !atomic_load(c->gate))
		usleep(1000);
	if (c->until_cancel) {
		while (!worker_job_cancelled(job))
			usleep(1000);
		return err_set(err, ERR_CANCELLED, "stopped");
	}
	if (c->write) {
		struct assessment_new a = { 0 };
		char id[64];

		a.trace_id = TR;
		a.name = "worker_test";
		a.value_json = "true";
		a.source_id = "w";
		return store_log_assessment(st, &a, id, err);
	}
	if (store_count_traces(st, 1, NULL, 0, NULL, NULL, &n, err) < 0)
		return -1;
	c->r->value[c->k] = n;
	return 0;
}

static void done_job(void *ctx, int rc, const struct err *err)
{
	struct jctx *c = ctx;

	c->r->order[c->r->n++] = c->k;
	c->r->done_on[c->k] = pthread_self();
	c->r->rc[c->k] = rc;
	c->r->code[c->k] = err->code;
	free(c);
}

static struct jctx *ctx_new(struct rec *r, int k)
{
	struct jctx *c = xcalloc(1, sizeof *c);

	c->r = r;
	c->k = k;
	return c;
}

static bool readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) == 1;
}

/* Collects until n done callbacks ran in all (5 s at most). */
static void collect_until(struct worker *w, struct rec *r, int n)
{
	int64_t until = mono_ms() + 5000;

	while (r->n < n && mono_ms() < until) {
		worker_wait(w, 100);
		worker_collect(w);
	}
}

static int64_t sql_count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

TEST(worker_runs_jobs_in_order_off_the_caller_thread)
{
	char *path = test_copy_fixture("mlflow-3-dspy-react-agent.db", "w1.db");
	struct rec r = { 0 };
	struct worker *w = NULL;
	struct err err = { 0 };
	int k;

	CHECK_INT(worker_start(path, STORE_READONLY, &w, &err), 0);
	CHECK(!readable(worker_fd(w)));
	for (k = 0; k < 5; k++)
		CHECK(worker_submit(w, run_job, done_job, ctx_new(&r, k)) > 0);
	CHECK_INT(worker_pending(w), 5);
	/* done runs only inside collect */
	CHECK(worker_wait(w, 5000));
	CHECK(readable(worker_fd(w)));
	CHECK_INT(r.n, 0);
	collect_until(w, &r, 5);
	CHECK_INT(r.n, 5);
	for (k = 0; k < 5; k++) {
		CHECK_INT(r.order[k], k);
		CHECK_INT(r.rc[k], 0);
		CHECK_INT(r.value[k], sql_count(path, "SELECT count(*) FROM trace_info"));
		CHECK(!pthread_equal(r.ran_on[k], pthread_self()));
		CHECK(pthread_equal(r.done_on[k], pthread_self()));
	}
	CHECK(r.value[0] > 0);
	CHECK(!readable(worker_fd(w)));
	CHECK_INT(worker_pending(w), 0);
	CHECK(!worker_wait(w, 0));
	worker_close(w);
	free(path);
}

TEST(worker_open_failure_fails_each_job)
{
	char *path = test_path("no-such-store.db");
	struct rec r = { 0 };
	struct worker *w = NULL;
	struct err err = { 0 };

	CHECK_INT(worker_start(path, 0, &w, &err), 0);
	worker_submit(w, run_job, done_job, ctx_new(&r, 0));
	collect_until(w, &r, 1);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.rc[0], -1);
	CHECK_INT(r.code[0], ERR_NOTFOUND);
	CHECK_INT(r.ran, 0);
	worker_close(w);
	free(path);
}

TEST(worker_cancel_queued_and_running)
{
	char *path = test_copy_fixture("mlflow-3-dspy-react-agent.db", "w2.db");
	struct rec r = { 0 };
	struct worker *w = NULL;
	struct err err = { 0 };
	atomic_int gate;
	struct jctx *c0, *c1;
	uint64_t id0, id1, id2;

	atomic_init(&gate, 0);
	CHECK_INT(worker_start(path, STORE_READONLY, &w, &err), 0);
	c0 = ctx_new(&r, 0);
	c0->gate = &gate;
	c1 = ctx_new(&r, 1);
	c1->until_cancel = true;
	id0 = worker_submit(w, run_job, done_job, c0);
	id1 = worker_submit(w, run_job, done_job, c1);
	id2 = worker_submit(w, run_job, done_job, ctx_new(&r, 2));
	CHECK(id0 < id1 && id1 < id2);
	/* job 2 is queued behind the gate: dropped without running */
	CHECK(worker_cancel(w, id2));
	CHECK(!worker_cancel(w, id2));
	CHECK(!worker_cancel(w, 9999));
	worker_collect(w);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.order[0], 2);
	CHECK_INT(r.code[2], ERR_CANCELLED);
	atomic_store(&gate, 1);
	collect_until(w, &r, 2);
	CHECK_INT(r.order[1], 0);
	CHECK_INT(r.rc[0], 0);
	/* job 1 runs until it sees its cancel */
	while (r.ran < 2)
		usleep(1000);
	CHECK(worker_cancel(w, id1));
	collect_until(w, &r, 3);
	CHECK_INT(r.order[2], 1);
	CHECK_INT(r.rc[1], -1);
	CHECK_INT(r.code[1], ERR_CANCELLED);
	CHECK_INT(r.ran, 2);
	worker_close(w);
	free(path);
}

TEST(worker_close_calls_every_done)
{
	char *path = test_copy_fixture("mlflow-3-dspy-react-agent.db", "w3.db");
	struct rec r = { 0 };
	struct worker *w = NULL;
	struct err err = { 0 };
	struct jctx *c0;
	int k;

	CHECK_INT(worker_start(path, STORE_READONLY, &w, &err), 0);
	c0 = ctx_new(&r, 0);
	c0->until_cancel = true;
	worker_submit(w, run_job, done_job, c0);
	for (k = 1; k < 4; k++)
		worker_submit(w, run_job, done_job, ctx_new(&r, k));
	while (r.ran < 1)
		usleep(1000);
	worker_close(w);
	CHECK_INT(r.n, 4);
	for (k = 0; k < 4; k++)
		CHECK_INT(r.code[k], ERR_CANCELLED);
	CHECK_INT(r.ran, 1);
	free(path);
}

/* Another connection holds the write lock: submitting returns at once, the
 * write waits for the busy timeout on the worker thread and fails busy,
 * and once the lock is gone the same job writes one row. */
TEST(worker_write_under_a_held_lock_does_not_block_the_caller)
{
	char *path = test_copy_fixture("mlflow-3-dspy-react-agent.db", "w4.db");
	struct rec r = { 0 };
	struct worker *w = NULL;
	struct err err = { 0 };
	struct jctx *c;
	sqlite3 *locker;
	int64_t t0, t_submit, t_done;

	setenv("TRACELAB_BUSY_MS", "400", 1);
	CHECK_INT(worker_start(path, 0, &w, &err), 0);
	CHECK_INT(sqlite3_open(path, &locker), SQLITE_OK);
	CHECK_INT(sqlite3_exec(locker, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	c = ctx_new(&r, 0);
	c->write = true;
	t0 = mono_ms();
	worker_submit(w, run_job, done_job, c);
	t_submit = mono_ms() - t0;
	CHECK(t_submit < 50);
	collect_until(w, &r, 1);
	t_done = mono_ms() - t0;
	CHECK_INT(r.rc[0], -1);
	CHECK_INT(r.code[0], ERR_BUSY);
	CHECK(t_done >= 390);
	CHECK_INT(sqlite3_exec(locker, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(locker);
	c = ctx_new(&r, 1);
	c->write = true;
	worker_submit(w, run_job, done_job, c);
	collect_until(w, &r, 2);
	CHECK_INT(r.rc[1], 0);
	CHECK_INT(sql_count(path, "SELECT count(*) FROM assessments WHERE name = 'worker_test'"), 1);
	worker_close(w);
	unsetenv("TRACELAB_BUSY_MS");
	free(path);
}

int main(void)
{
	RUN(worker_runs_jobs_in_order_off_the_caller_thread);
	RUN(worker_open_failure_fails_each_job);
	RUN(worker_cancel_queued_and_running);
	RUN(worker_close_calls_every_done);
	RUN(worker_write_under_a_held_lock_does_not_block_the_caller);
	TEST_MAIN_END();
}
