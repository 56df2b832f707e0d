#ifndef TB_SVC_WORKER_H
#define TB_SVC_WORKER_H
/*
 * A worker: one thread that owns its own store and runs jobs in the order
 * they were submitted, so that nothing the store does (a query over a
 * million rows, a write waiting for another process's lock, a request to a
 * tracking server) ever runs on the thread that reads keys.
 *
 * The worker opens its store itself, on its thread, from the URL and flags
 * it was started with: the caller's store and the worker's never share a
 * connection or an HTTP handle.  A store that fails to open fails every job
 * with the open's error (the job's run is not called).
 *
 * A job is three things:
 *   run(st, ctx, job, err)   on the worker thread, with the worker's store;
 *                            returns 0 or -1 with err filled.  It may look
 *                            at worker_job_cancelled(job) between steps.
 *   done(ctx, rc, err)       on the caller's thread, inside worker_collect,
 *                            with run's result.  A job cancelled before it
 *                            ran gets rc -1 and ERR_CANCELLED without run
 *                            being called.  done is called exactly once for
 *                            every submitted job (also by worker_close), so
 *                            it is the place to free ctx.
 *   ctx                      the caller's; the worker never looks inside.
 *
 * Waking the caller: worker_fd() is a file descriptor that becomes readable
 * when completions wait to be collected.  Poll it together with the
 * terminal (ui/term.h: term_wait_key) and call worker_collect when it is
 * readable (or at any other time: collect never blocks).
 *
 * Cancelling: worker_cancel(id) drops a job still in the queue, or, when it
 * is running, marks it cancelled and interrupts the store call it is in
 * (store_interrupt: sqlite3_interrupt for SQLite, an aborted transfer for
 * HTTP).  A backend that cannot interrupt lets the call finish; the job
 * then sees worker_job_cancelled() at its next step.  A write that was
 * interrupted may still have been committed by a server: callers that care
 * (the journal) check the store again before writing once more.
 *
 * Threads: worker_submit, worker_cancel, worker_collect, worker_pending and
 * worker_close are called from the one thread that started the worker.
 * Signals are blocked on the worker thread, so SIGINT, SIGTERM and SIGHUP
 * always reach the caller's thread.
 *
 * Ownership: the worker owns its thread and its store; ctx belongs to the
 * caller (see done).  Strings passed in are copied.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct store;
struct worker;
struct worker_job;

typedef int (*worker_run_fn)(struct store *st, void *ctx, const struct worker_job *job,
			     struct err *err);
typedef void (*worker_done_fn)(void *ctx, int rc, const struct err *err);

/* Starts the thread, which opens url with store_open(url, flags).  Fails
 * only when the thread cannot be started. */
int worker_start(const char *url, unsigned flags, struct worker **out, struct err *err);

/* Cancels every queued job, interrupts the running one, waits for the
 * thread to end, runs every outstanding done callback (cancelled ones with
 * ERR_CANCELLED), closes the store and frees.  NULL is fine. */
void worker_close(struct worker *w);

/* Queues a job; returns its id (> 0, never reused). */
uint64_t worker_submit(struct worker *w, worker_run_fn run, worker_done_fn done, void *ctx);

/* Cancels a job (see above).  false when the id is not queued or running
 * (already finished, or unknown). */
bool worker_cancel(struct worker *w, uint64_t id);

/* Inside run: has this job been cancelled? */
bool worker_job_cancelled(const struct worker_job *job);

/* Readable while completions wait for worker_collect. */
int worker_fd(const struct worker *w);

/* Runs the done callbacks of every finished job, in the order the jobs
 * finished; returns how many.  Never blocks.  done may submit new jobs. */
unsigned worker_collect(struct worker *w);

/* Waits until a completion is ready or timeout_ms passed (-1: no limit);
 * true when one is ready.  For callers without a loop of their own (the
 * command line, shutdown). */
bool worker_wait(struct worker *w, int timeout_ms);

/* Jobs submitted whose done has not run yet. */
unsigned worker_pending(const struct worker *w);

#endif
