#include "cmd/ingest.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/util.h"
#include "json/import.h"

int ingest_begin(struct ingest *in, const struct cmd_ctx *ctx, struct store *st, bool forced,
		 int64_t exp, struct err *err)
{
	memset(in, 0, sizeof *in);
	in->ctx = ctx;
	in->st = st;
	in->forced = forced;
	in->experiment = exp;
	in->show_progress = ctx->progress;
	return store_list_experiments(st, &in->known, err);
}

static bool known_experiment(const struct ingest *in, int64_t id)
{
	size_t i;

	for (i = 0; i < in->known.n; i++)
		if (in->known.v[i].id == id)
			return true;
	return false;
}

/* The experiment a trace goes to; unknown ones become 0, reported once. */
static int64_t target_experiment(struct ingest *in, const char *path, int64_t record_exp)
{
	size_t i;

	if (in->forced)
		return in->experiment;
	if (known_experiment(in, record_exp))
		return record_exp;
	for (i = 0; i < in->nwarned; i++)
		if (in->warned[i] == record_exp)
			return 0;
	GROW(in->warned, in->cap_warned, in->nwarned + 1);
	in->warned[in->nwarned++] = record_exp;
	cmd_warn(in->ctx, "%s: experiment %" PRId64 " is not in the store; its traces go to "
		 "experiment 0 (Default)", path, record_exp);
	return 0;
}

/* FNV-1a of a trace id, never 0 (0 marks an empty slot). */
static uint64_t id_hash(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *id; id++) {
		h ^= (unsigned char)*id;
		h *= 0x100000001b3ull;
	}
	return h ? h : 1;
}

/* Notes a trace id written by this import; true when it was noted before
 * (a 64-bit hash per trace: a set that stays small beside the spans). */
static bool seen_before(struct ingest *in, const char *id)
{
	uint64_t h = id_hash(id);
	size_t i, mask;

	if (2 * (in->nseen + 1) > in->cap_seen) {
		size_t cap = in->cap_seen ? 2 * in->cap_seen : 1024;
		uint64_t *v = xcalloc(cap, sizeof *v);

		for (i = 0; i < in->cap_seen; i++) {
			size_t j = (size_t)in->seen[i] & (cap - 1);

			if (!in->seen[i])
				continue;
			while (v[j])
				j = (j + 1) & (cap - 1);
			v[j] = in->seen[i];
		}
		free(in->seen);
		in->seen = v;
		in->cap_seen = cap;
	}
	mask = in->cap_seen - 1;
	for (i = (size_t)h & mask; in->seen[i]; i = (i + 1) & mask)
		if (in->seen[i] == h)
			return true;
	in->seen[i] = h;
	in->nseen++;
	return false;
}

/* A further part of a trace this import wrote already (an OTLP batch,
 * spans a dump gave after the reader let the trace go): joined with what
 * the store has of it. */
static int put_part(struct ingest *in, struct trace *t, struct err *err)
{
	struct put_result res;
	struct trace whole;
	size_t before, dups;
	int rc;

	if (store_load_trace(in->st, t->info.id, &whole, err) < 0)
		return -1;
	before = whole.nspans;
	/* The store's rows stay as they are; only the part's are offered. */
	assessment_list_free(&whole.assessments);
	dups = import_merge(&whole, t);
	whole.info.experiment_id = t->info.experiment_id;
	rc = store_import_trace(in->st, &whole, &res, err);
	if (rc == 0) {
		in->parts++;
		in->spans += (int64_t)(whole.nspans - before);
		in->merged += (int64_t)dups;
		in->assessments += res.added;
		in->dup_assessments += res.skipped;
	}
	trace_free(&whole);
	return rc;
}

static int put(struct ingest *in, const char *path, struct trace *t, struct err *err)
{
	struct put_result res;

	if (!in->in_tx) {
		if (store_begin(in->st, err) < 0)
			return -1;
		in->in_tx = true;
	}
	t->info.experiment_id = target_experiment(in, path, t->info.experiment_id);
	if (seen_before(in, t->info.id)) {
		if (put_part(in, t, err) < 0)
			return err_prefix(err, "%s: trace %s", path, t->info.id);
		return 0;
	}
	if (store_import_trace(in->st, t, &res, err) < 0)
		return err_prefix(err, "%s: trace %s", path, t->info.id ? t->info.id : "?");
	in->traces++;
	in->spans += (int64_t)t->nspans;
	in->assessments += res.added;
	if (res.existed) {
		in->existed++;
		in->kept += res.kept;
		in->readded += res.added;
	}
	in->dup_assessments += res.skipped;
	if (++in->batch >= INGEST_BATCH) {
		in->in_tx = false;
		in->batch = 0;
		if (store_commit(in->st, err) < 0)
			return -1;
	}
	return 0;
}

/* Shown one by one; beyond, malformed records are only counted. */
#define SHOWN_ERRORS 20

/* ---- reading beside writing ---------------------------------------------
 *
 * The file is read and its traces built on a thread of their own while this
 * one writes the traces before them: parsing and SQLite's work overlap.  A
 * ring of PIPE_DEPTH items between them keeps memory flat.  Each item is
 * what import_next gave, in order: a trace, a malformed record's message,
 * or the end (with the reader's final counts).  Only this thread prints
 * and writes to the store. */

#define PIPE_DEPTH 64

enum item_kind { ITEM_TRACE, ITEM_ERROR, ITEM_END };

struct item {
	enum item_kind kind;
	struct trace t;             /* ITEM_TRACE: owned by the item */
	char msg[sizeof ((struct err *)0)->msg];   /* ITEM_ERROR */
	bool stopped, damaged;      /* the reader's state after this item */
	size_t merged;              /* ITEM_END */
	int64_t bytes;              /* input read so far */
};

struct pipe {
	struct import_reader *r;    /* used by the reading thread only */
	pthread_mutex_t mu;
	pthread_cond_t can_put, can_take;
	struct item ring[PIPE_DEPTH];
	size_t head, n;
	bool cancel;                /* the writer gave up: the reader stops */
};

/* Waits for room; false when the writer gave up. */
static bool pipe_put(struct pipe *p, struct item *it)
{
	bool ok;

	pthread_mutex_lock(&p->mu);
	while (p->n == PIPE_DEPTH && !p->cancel)
		pthread_cond_wait(&p->can_put, &p->mu);
	ok = !p->cancel;
	if (ok) {
		p->ring[(p->head + p->n) % PIPE_DEPTH] = *it;
		p->n++;
		pthread_cond_signal(&p->can_take);
	}
	pthread_mutex_unlock(&p->mu);
	return ok;
}

static void pipe_take(struct pipe *p, struct item *it)
{
	pthread_mutex_lock(&p->mu);
	while (p->n == 0)
		pthread_cond_wait(&p->can_take, &p->mu);
	*it = p->ring[p->head];
	p->head = (p->head + 1) % PIPE_DEPTH;
	p->n--;
	pthread_cond_signal(&p->can_put);
	pthread_mutex_unlock(&p->mu);
}

static void *pipe_reader(void *arg)
{
	struct pipe *p = arg;
	const struct import_stats *st = import_stats(p->r);

	for (;;) {
		struct item it;
		struct err rec = { 0 };
		int got;

		memset(&it, 0, sizeof it);
		got = import_next(p->r, &it.t, &rec);
		it.kind = got > 0 ? ITEM_TRACE : got < 0 ? ITEM_ERROR : ITEM_END;
		if (got < 0)
			snprintf(it.msg, sizeof it.msg, "%s", rec.msg);
		it.stopped = st->stopped;
		it.damaged = st->damaged;
		it.merged = st->merged;
		it.bytes = st->bytes;
		if (!pipe_put(p, &it)) {
			trace_free(&it.t);
			break;
		}
		if (got == 0)
			break;
	}
	return NULL;
}

int ingest_source(struct ingest *in, const char *path, const char *data, size_t len,
		  struct err *err)
{
	struct pipe *p = xcalloc(1, sizeof *p);
	struct item it;
	pthread_t reader;
	bool running = false;
	int rc = -1;
	size_t shown = 0;

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->can_put, NULL);
	pthread_cond_init(&p->can_take, NULL);
	if (data)
		rc = import_open_text(data, len, path, &p->r, err);
	else
		rc = import_open(path, &p->r, err);
	if (rc < 0)
		goto out;
	rc = -1;
	progress_begin(&in->prog, in->show_progress, path, "traces", import_stats(p->r)->size);
	if (pthread_create(&reader, NULL, pipe_reader, p) != 0) {
		err_set(err, ERR_RUNTIME, "%s: cannot start reading it", path);
		goto out;
	}
	running = true;
	for (;;) {
		pipe_take(p, &it);
		if (it.kind == ITEM_END)
			break;
		if (it.kind == ITEM_ERROR) {
			/* "file:line:col: message"; the reader goes on with the next
			 * record, unless the file is damaged there. */
			progress_end(&in->prog);
			if (shown < SHOWN_ERRORS || it.stopped)
				cmd_say(NULL, it.msg);
			else if (shown == SHOWN_ERRORS)
				cmd_say(NULL, "further malformed records are counted, not shown");
			shown++;
			/* A damage stops the file: it is no skipped record. */
			if (!it.damaged)
				in->skipped++;
			continue;
		}
		rc = put(in, path, &it.t, err);
		trace_free(&it.t);
		if (rc < 0)
			goto out;
		rc = -1;
		progress_update(&in->prog, it.bytes, in->traces);
	}
	in->merged += (int64_t)it.merged;
	if (it.stopped) {
		in->stopped = true;
		if (!in->stopped_file)
			in->stopped_file = xstrdup(path);
	}
	rc = 0;
out:
	progress_end(&in->prog);
	if (running) {
		pthread_mutex_lock(&p->mu);
		p->cancel = true;
		pthread_cond_broadcast(&p->can_put);
		pthread_mutex_unlock(&p->mu);
		pthread_join(reader, NULL);
	}
	while (p->n) {
		trace_free(&p->ring[p->head].t);
		p->head = (p->head + 1) % PIPE_DEPTH;
		p->n--;
	}
	import_close(p->r);
	pthread_cond_destroy(&p->can_take);
	pthread_cond_destroy(&p->can_put);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return rc;
}

int ingest_end(struct ingest *in, struct err *err)
{
	if (!in->in_tx)
		return 0;
	in->in_tx = false;
	in->batch = 0;
	return store_commit(in->st, err);
}

void ingest_free(struct ingest *in)
{
	if (in->in_tx)
		store_rollback(in->st);
	in->in_tx = false;
	experiment_list_free(&in->known);
	FREE(in->warned);
	FREE(in->stopped_file);
	FREE(in->seen);
	in->nseen = in->cap_seen = 0;
	in->nwarned = in->cap_warned = 0;
}

static const char *plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void ingest_summary(const struct ingest *in, FILE *f)
{
	char traces[32], spans[32], as[32], n[32];

	fmt_count(traces, sizeof traces, in->traces);
	fmt_count(spans, sizeof spans, in->spans);
	fmt_count(as, sizeof as, in->assessments);
	fprintf(f, "imported %s %s, %s %s, %s %s", traces, plural(in->traces, "trace", "traces"),
		spans, plural(in->spans, "span", "spans"), as,
		plural(in->assessments, "assessment", "assessments"));
	if (in->existed) {
		fmt_count(n, sizeof n, in->existed);
		fprintf(f, "; %s %s already in the store", n,
			plural(in->existed, "trace was", "traces were"));
		fmt_count(n, sizeof n, in->kept);
		fprintf(f, ": %s of %s %s kept", n, plural(in->existed, "its", "their"),
			plural(in->kept, "assessment", "assessments"));
		fmt_count(n, sizeof n, in->readded);
		fprintf(f, ", %s new %s added", n, plural(in->readded, "one", "ones"));
	}
	if (in->dup_assessments) {
		fmt_count(n, sizeof n, in->dup_assessments);
		fprintf(f, "%s%s %s already there, skipped", in->existed ? ", " : "; ", n,
			plural(in->dup_assessments, "assessment", "assessments"));
	}
	if (in->parts) {
		fmt_count(n, sizeof n, in->parts);
		fprintf(f, "; %s later %s of traces joined", n, plural(in->parts, "part", "parts"));
	}
	if (in->merged) {
		fmt_count(n, sizeof n, in->merged);
		fprintf(f, "; %s duplicate span %s merged", n, plural(in->merged, "copy", "copies"));
	}
	if (in->skipped) {
		fmt_count(n, sizeof n, in->skipped);
		fprintf(f, "; %s %s skipped", n, plural(in->skipped, "record", "records"));
	}
	fputc('\n', f);
}
