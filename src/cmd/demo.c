/*
 * `tracelab demo PATH`: a new MLflow store holding the example traces that
 * are compiled into the binary (examples/demo.jsonl in MLflow's trace JSON,
 * examples/demo-otlp.json in OTLP/JSON), with their judge, code and human
 * feedback, so that the browser can be tried without any data of one's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/ingest.h"
#include "core/embedded.h"
#include "core/util.h"

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

int cmd_demo(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	static const struct opt_def defs[] = { { NULL, 0, OPT_FLAG, 0, NULL, NULL, false } };
	struct ingest in = { 0 };
	struct store *st = NULL;
	const char *path = NULL;
	bool created = false, started = false;
	char traces[32], spans[32], fb[32];
	size_t i;
	int rc;

	rc = cmd_parse(ctx, argc, argv, defs, NULL, err);
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
	if (str_starts(path, "sqlite:///"))
		path += strlen("sqlite:///");
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
