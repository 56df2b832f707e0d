/*
 * `tracelab import STORE FILE...`: trace files of MLflow, OTLP/JSON,
 * OpenTelemetry SDK dumps, Langfuse and Cloud Trace into a store (formats:
 * json/import.h; writing: cmd/ingest.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/ingest.h"
#include "core/util.h"

struct import_opts {
	const char *experiment;
};

static const struct opt_def import_defs[] = {
	{ "experiment", 'e', OPT_STR, offsetof(struct import_opts, experiment), "ID|NAME",
	  "write every trace to this experiment (a new name is created)", false },
	{ NULL, 0, OPT_FLAG, 0, NULL, NULL, false },
};

/* --experiment: an existing id or name, or a new name (created). */
static int resolve_experiment(struct store *st, const char *arg, int64_t *id, struct err *err)
{
	int64_t n;

	if (store_find_experiment(st, arg, id, err) == 0)
		return 0;
	if (err->code != ERR_NOTFOUND)
		return -1;
	if (parse_int64(arg, &n) == 0)
		return err_set(err, ERR_NOTFOUND, "--experiment: no experiment %s in %s", arg,
			       store_url(st));
	return store_ensure_experiment(st, arg, id, err);
}

int cmd_import(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct import_opts o = { 0 };
	struct ingest in = { 0 };
	struct store *st = NULL;
	const char *store_arg;
	const char *const *files;
	size_t nfiles, i;
	int64_t exp = 0;
	bool started = false;
	int rc;

	rc = cmd_parse(ctx, argc, argv, import_defs, &o, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (cmd_args(ctx, 1, -1, "FILE", &store_arg, &files, &nfiles, err) < 0)
		goto out;
	/* Every file must be readable before anything is written. */
	for (i = 0; i < nfiles; i++) {
		if (access(files[i], R_OK) != 0) {
			err_set(err, ERR_RUNTIME, "cannot open %s: %s", files[i], strerror(errno));
			goto out;
		}
	}
	if (cmd_open_store(ctx, store_arg, 0, &st, err) < 0)
		goto out;
	/* A store that cannot take imports says so before any file is read. */
	if (store_begin(st, err) < 0)
		goto out;
	store_rollback(st);
	if (o.experiment && resolve_experiment(st, o.experiment, &exp, err) < 0)
		goto out;
	if (ingest_begin(&in, ctx, st, o.experiment != NULL, exp, err) < 0)
		goto out;
	started = true;
	for (i = 0; i < nfiles; i++)
		if (ingest_source(&in, files[i], NULL, 0, err) < 0)
			goto out;
	if (ingest_end(&in, err) < 0)
		goto out;
	ingest_summary(&in, stdout);
	if (in.stopped && in.traces == 0) {
		err_set(err, ERR_RUNTIME, "nothing imported: %s could not be read (see above)",
			in.stopped_file);
		goto done;
	}
	if (in.traces == 0 && in.skipped > 0) {
		err_set(err, ERR_RUNTIME, "nothing imported: every record was malformed");
		goto done;
	}
	if (in.stopped) {
		err_set(err, ERR_RUNTIME, "%s could not be read to its end (see above): what comes "
			"before that point was imported", in.stopped_file);
		goto done;
	}
	rc = 0;
out:
	if (started && rc < 0 && in.traces - (int64_t)in.batch > 0) {
		struct err first = *err;
		long long n = (long long)(in.traces - (int64_t)in.batch);

		err_set(err, first.code, "%s (%lld %s written before this)", first.msg, n,
			n == 1 ? "trace was" : "traces were");
	}
done:
	ingest_free(&in);
	store_close(st);
	return rc < 0 ? -1 : 0;
}
