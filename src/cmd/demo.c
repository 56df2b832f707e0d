/*
 * `tracelab demo PATH`: a new MLflow store holding the example traces that
 * are compiled into the binary (examples/demo.jsonl in MLflow's trace JSON,
 * examples/demo-otlp.json in OTLP/JSON), with their judge, code and human
 * feedback, so that the browser can be tried without any data of one's own.
 * With --traces N: a store (or, with --jsonl, a JSON Lines file) of N
 * synthetic traces from svc/synth.h, to try tracelab at scale; it prints
 * what it wrote as "key: value" lines.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/ingest.h"
#include "cmd/progress.h"
#include "core/embedded.h"
#include "core/util.h"
#include "svc/synth.h"

struct demo_opts {
	const char *traces, *seed, *spans;
	bool jsonl;
};

static const struct opt_def demo_defs[] = {
	{ "traces", 'n', OPT_STR, offsetof(struct demo_opts, traces), "N",
	  "N synthetic traces instead of the examples", false },
	{ "seed", 0, OPT_STR, offsetof(struct demo_opts, seed), "S",
	  "with --traces: another set of traces (the same seed, the same file)", false },
	{ "jsonl", 0, OPT_FLAG, offsetof(struct demo_opts, jsonl), NULL,
	  "with --traces: write JSON Lines to import, not a store", false },
	{ "spans", 0, OPT_STR, offsetof(struct demo_opts, spans), "K",
	  "with --jsonl: spans per trace (default 10)", false },
	{ NULL, 0, OPT_FLAG, 0, NULL, NULL, false },
};

static const char *const demo_files[] = {
	"examples/demo.jsonl",
	"examples/demo-otlp.json",
	NULL,
};

/* A half-written demo store is removed, so that the command can be rerun. */
static void remove_store(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", NULL };
	size_t i;

	for (i = 0; suffixes[i]; i++) {
		char *p = xasprintf("%s%s", path, suffixes[i]);

		unlink(p);
		free(p);
	}
}

/* A count option: a whole number from min up. */
static int count_opt(const char *name, const char *text, int64_t min, int64_t max, int64_t *v,
		     struct err *err)
{
	if (parse_int64(text, v) < 0 || *v < min || *v > max)
		return err_set(err, ERR_USAGE, "--%s must be a whole number from %" PRId64
			       " to %" PRId64 ", not '%s'", name, min, max, text);
	return 0;
}

static void synth_progress(void *ctx, long long done, long long total)
{
	(void)total;
	progress_update(ctx, done, done);
}

/* --traces N: synthetic traces into a new store or JSON Lines file. */
static int demo_synth(struct cmd_ctx *ctx, const struct demo_opts *o, const char *path,
		      struct err *err)
{
	struct synth s = { 0 };
	struct synth_report rep;
	struct progress prog;
	int64_t v;
	int rc;

	if (count_opt("traces", o->traces, 1, INT32_MAX, &v, err) < 0)
		return -1;
	s.traces = v;
	s.seed = SYNTH_SEED;
	if (o->seed) {
		if (count_opt("seed", o->seed, 0, INT64_MAX, &v, err) < 0)
			return -1;
		s.seed = (uint64_t)v;
	}
	s.spans = 10;
	if (o->spans) {
		if (!o->jsonl)
			return err_set(err, ERR_USAGE, "--spans goes with --jsonl");
		if (count_opt("spans", o->spans, 1, 100000, &v, err) < 0)
			return -1;
		s.spans = (int)v;
	}
	progress_begin(&prog, ctx->progress, path, "traces", s.traces);
	s.progress = synth_progress;
	s.ctx = &prog;
	rc = o->jsonl ? synth_jsonl(path, &s, &rep, err) : synth_store(path, &s, &rep, err);
	progress_end(&prog);
	if (rc < 0)
		return -1;
	printf("file: %s\ntraces: %lld\nspans: %lld\nassessments: %lld\n", path, rep.traces,
	       rep.spans, rep.assessments);
	if (!o->jsonl)
		printf("experiment: %" PRId64 "\nbig_trace: %s\nnewest_trace: %s\n"
		       "oldest_trace: %s\nerror_trace: %s\n", rep.experiment, rep.big_trace,
		       rep.newest_trace, rep.oldest_trace, rep.error_trace);
	if (!o->jsonl && rep.many_trace[0])
		printf("many_assessments_trace: %s\n", rep.many_trace);
	return 0;
}

int cmd_demo(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct demo_opts o = { 0 };
	struct ingest in = { 0 };
	struct store *st = NULL;
	const char *path = NULL;
	bool created = false, started = false;
	char traces[32], spans[32], fb[32];
	size_t i;
	int rc;

	rc = cmd_parse(ctx, argc, argv, demo_defs, &o, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (ctx->args.n == 0) {
		err_set(err, ERR_USAGE, "missing PATH (usage: tracelab %s)", ctx->cmd->usage);
		goto out;
	}
	if (ctx->args.n > 1) {
		err_set(err, ERR_USAGE, "unexpected argument '%s'", ctx->args.v[1]);
		goto out;
	}
	/* sqlite:///rel.db and sqlite:////abs.db name files as MLflow's URIs do. */
	path = ctx->args.v[0];
	if (str_starts(path, "sqlite:///") && !o.jsonl)
		path += strlen("sqlite:///");
	if (o.traces) {
		rc = demo_synth(ctx, &o, path, err);
		goto out;
	}
	if (o.seed || o.jsonl || o.spans) {
		err_set(err, ERR_USAGE, "--%s goes with --traces",
			o.seed ? "seed" : o.jsonl ? "jsonl" : "spans");
		goto out;
	}
	if (store_create(path, err) < 0)
		goto out;
	created = true;
	if (store_open(path, 0, &st, err) < 0 || ingest_begin(&in, ctx, st, false, 0, err) < 0)
		goto out;
	started = true;
	for (i = 0; demo_files[i]; i++) {
		size_t len;
		const char *data = embedded_get(demo_files[i], &len);

		if (!data) {
			err_set(err, ERR_RUNTIME, "%s is not built into this binary", demo_files[i]);
			goto out;
		}
		if (ingest_source(&in, demo_files[i], data, len, err) < 0)
			goto out;
	}
	if (ingest_end(&in, err) < 0)
		goto out;
	if (in.skipped) {
		err_set(err, ERR_RUNTIME, "%lld demo records could not be read",
			(long long)in.skipped);
		goto out;
	}
	fmt_count(traces, sizeof traces, in.traces);
	fmt_count(spans, sizeof spans, in.spans);
	fmt_count(fb, sizeof fb, in.assessments);
	printf("wrote %s: %s traces, %s spans, %s feedback\n", path, traces, spans, fb);
	printf("open it with: tracelab %s\n", path);
	rc = 0;
out:
	if (started)
		ingest_free(&in);
	store_close(st);
	if (rc < 0 && created)
		remove_store(path);
	return rc < 0 ? -1 : 0;
}
