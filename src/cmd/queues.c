/*
 * `tracelab queues`: MLflow's review queues (MLflow 3.14).  Without a
 * subcommand it lists the queues assigned to my source id with their
 * pending / complete / declined counts; `queues create NAME` makes a custom
 * queue of the traces a filter selects, for the users given, with label
 * schemas as its questions, written as MLflow's store writes one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/pyjson.h"
#include "core/queue.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"

#define END_OPTS { NULL, 0, OPT_FLAG, 0, NULL, NULL, false }

/* One table for both forms, so that --help and the manual page show every
 * option; each form refuses the other's. */
struct queues_opts {
	const char *experiment, *format, *filter;
	bool all;
	struct opt_list users, schemas;
};

static const struct opt_def queues_defs[] = {
	{ "experiment", 'e', OPT_STR, offsetof(struct queues_opts, experiment), "ID|NAME",
	  "the experiment (listing: only its queues; create: default config, else the only one)",
	  false },
	{ "all", 'a', OPT_FLAG, offsetof(struct queues_opts, all), NULL,
	  "list every queue, not only those assigned to me", false },
	{ "format", 0, OPT_STR, offsetof(struct queues_opts, format), "text|json",
	  "listing format (default text)", false },
	{ "filter", 'f', OPT_STR, offsetof(struct queues_opts, filter), "FILTER",
	  "create: the traces to review (search_traces syntax)", false },
	{ "user", 'u', OPT_LIST, offsetof(struct queues_opts, users), "USER",
	  "create: a reviewer (at most 10)", false },
	{ "schema", 's', OPT_LIST, offsetof(struct queues_opts, schemas), "NAME",
	  "create: a label schema to ask", false },
	END_OPTS,
};

static void json_str(struct strbuf *sb, const char *s)
{
	if (s)
		pyjson_string(sb, s, strlen(s));
	else
		sb_adds(sb, "null");
}

static void json_strv(struct strbuf *sb, char *const *v, size_t n)
{
	size_t i;

	sb_addc(sb, '[');
	for (i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		json_str(sb, v[i]);
	}
	sb_addc(sb, ']');
}

/* A queue as MLflow's ReviewQueue names its fields, with the counts. */
static void json_queue(struct strbuf *sb, const struct review_queue *q)
{
	sb_adds(sb, "{\"queue_id\": ");
	json_str(sb, q->queue_id);
	sb_addf(sb, ", \"experiment_id\": \"%lld\", \"name\": ", (long long)q->experiment_id);
	json_str(sb, q->name);
	sb_adds(sb, ", \"queue_type\": ");
	json_str(sb, q->queue_type);
	sb_adds(sb, ", \"created_by\": ");
	json_str(sb, q->created_by);
	sb_addf(sb, ", \"creation_time_ms\": %lld, \"last_update_time_ms\": %lld, \"users\": ",
		(long long)q->creation_ms, (long long)q->update_ms);
	json_strv(sb, q->users, q->nusers);
	sb_adds(sb, ", \"schema_ids\": ");
	json_strv(sb, q->schema_ids, q->nschemas);
	sb_adds(sb, ", \"questions\": ");
	json_strv(sb, q->schema_names, q->nschema_names);
	sb_addf(sb, ", \"pending\": %lld, \"complete\": %lld, \"declined\": %lld}",
		(long long)q->pending, (long long)q->complete, (long long)q->declined);
}

/* Untrusted text made safe and padded to width columns. */
static void cell(struct strbuf *sb, const char *s, int width)
{
	char *safe = sanitize_dup(s ? s : "-", strlen(s ? s : "-"));
	int used = text_width(safe, strlen(safe));

	sb_adds(sb, safe);
	for (; used < width; used++)
		sb_addc(sb, ' ');
	free(safe);
}

static void text_queues(const struct queue_list *l)
{
	struct strbuf sb = STRBUF_INIT;
	int w = 4;
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		char *safe = sanitize_dup(l->v[i].name, strlen(l->v[i].name));
		int n = text_width(safe, strlen(safe));

		if (n > w)
			w = n < 40 ? n : 40;
		free(safe);
	}
	sb_reset(&sb);
	cell(&sb, "NAME", w);
	sb_adds(&sb, "  EXPERIMENT  PENDING  COMPLETE  DECLINED  USERS");
	puts(sb_str(&sb));
	for (i = 0; i < l->n; i++) {
		const struct review_queue *q = &l->v[i];

		sb_reset(&sb);
		cell(&sb, q->name, w);
		sb_addf(&sb, "  %-10lld  %7lld  %8lld  %8lld  ", (long long)q->experiment_id,
			(long long)q->pending, (long long)q->complete, (long long)q->declined);
		for (j = 0; j < q->nusers; j++) {
			if (j)
				sb_adds(&sb, ",");
			cell(&sb, q->users[j], 0);
		}
		puts(sb_str(&sb));
	}
	sb_free(&sb);
}

static int list_queues(struct cmd_ctx *ctx, const struct queues_opts *opts, struct err *err)
{
	static const char *const formats[] = { "text", "json", NULL };
	const struct queues_opts o = *opts;
	const struct config *cfg;
	const char *store_arg = NULL;
	struct store *st = NULL;
	struct queue_list l = { 0 };
	int64_t exp = -1;
	int fmt = 0, rc;
	size_t i, k;

	if (o.filter || o.users.n || o.schemas.n)
		return err_set(err, ERR_USAGE, "--filter, --user and --schema go with "
			       "`queues create NAME`");
	if (cmd_args(ctx, 0, 0, NULL, &store_arg, NULL, NULL, err) < 0)
		return -1;
	if (o.format && cmd_choice("--format", formats, o.format, &fmt, err) < 0)
		return -1;
	if (cmd_config(ctx, &cfg, err) < 0 ||
	    cmd_open_store(ctx, store_arg, STORE_READONLY, &st, err) < 0)
		return -1;
	rc = -1;
	if (o.experiment && store_find_experiment(st, o.experiment, &exp, err) < 0)
		goto out;
	if (store_list_queues(st, o.all ? NULL : cfg->source_id, &l, err) < 0)
		goto out;
	for (i = k = 0; i < l.n; i++) {
		if (exp >= 0 && l.v[i].experiment_id != exp)
			review_queue_free(&l.v[i]);
		else
			l.v[k++] = l.v[i];
	}
	l.n = k;
	if (fmt == 1) {
		struct strbuf sb = STRBUF_INIT;

		sb_addc(&sb, '[');
		for (i = 0; i < l.n; i++) {
			sb_adds(&sb, i ? ",\n " : "");
			json_queue(&sb, &l.v[i]);
		}
		sb_adds(&sb, "]");
		puts(sb_str(&sb));
		sb_free(&sb);
	} else if (l.n == 0) {
		fprintf(stderr, "tracelab: queues: no review queue is assigned to %s%s\n",
			o.all ? "anyone" : cfg->source_id, o.all ? "" : " (--all lists every queue)");
	} else {
		text_queues(&l);
	}
	rc = 0;
out:
	queue_list_free(&l);
	store_close(st);
	return rc;
}

/* ---- create ------------------------------------------------------------ */

struct ids {
	char **v;
	size_t n, cap;
};

static int collect(void *data, const struct trace_row *r, struct err *err)
{
	struct ids *ids = data;

	(void)err;
	GROW(ids->v, ids->cap, ids->n + 1);
	ids->v[ids->n++] = xstrdup(r->id);
	return 0;
}

static int create_queue(struct cmd_ctx *ctx, const struct queues_opts *opts, struct err *err)
{
	const struct queues_opts o = *opts;
	const struct config *cfg;
	const char *store_arg = NULL, *const *rest = NULL;
	struct store *st = NULL;
	struct trace_walk w = { 0 };
	struct ids ids = { 0 };
	struct queue_new q = { 0 };
	char id[40];
	size_t nrest = 0;
	int rc;

	rc = -1;
	if (o.all || o.format)
		return err_set(err, ERR_USAGE, "--all and --format go with the listing");
	if (!o.filter)
		return err_set(err, ERR_USAGE, "missing --filter (the traces to review)");
	if (o.users.n == 0)
		return err_set(err, ERR_USAGE, "missing --user (a reviewer; repeat for each)");
	if (cmd_args(ctx, 1, 1, "NAME", &store_arg, &rest, &nrest, err) < 0 ||
	    cmd_config(ctx, &cfg, err) < 0)
		return -1;
	if (cmd_walk_open(ctx, store_arg, o.experiment, &st, &w, err) < 0)
		goto out;
	{
		/* A store without queues says so before the traces are read. */
		struct queue_list none = { 0 };

		if (store_list_queues(st, NULL, &none, err) < 0)
			goto out;
		queue_list_free(&none);
	}
	if (w.nexperiments != 1) {
		err_set(err, ERR_USAGE, "a review queue belongs to one experiment: give it with "
			"--experiment (the store has %zu)", w.nexperiments);
		goto out;
	}
	/* The walk opened the store read-only; the queue is written through a
	 * store opened for writing. */
	w.filter = o.filter;
	w.ids_only = true;
	w.row = collect;
	w.data = &ids;
	if (cmd_walk(st, &w, err) < 0)
		goto out;
	if (ids.n == 0) {
		err_set(err, ERR_USAGE, "the filter selects no trace of experiment %lld",
			(long long)w.experiments[0]);
		goto out;
	}
	store_close(st);
	st = NULL;
	if (cmd_open_store(ctx, store_arg, 0, &st, err) < 0)
		goto out;
	q.experiment_id = w.experiments[0];
	q.name = rest[0];
	q.users = o.users.v;
	q.nusers = o.users.n;
	q.schemas = o.schemas.v;
	q.nschemas = o.schemas.n;
	q.item_ids = (const char *const *)ids.v;
	q.nitems = ids.n;
	q.created_by = cfg->source_id;
	if (store_create_queue(st, &q, id, err) < 0)
		goto out;
	printf("%s\n", id);
	{
		char *name = queue_norm_name(q.name, NULL);
		struct strbuf msg = STRBUF_INIT;

		sb_addf(&msg, "created queue '%s' with %zu trace%s for %zu reviewer%s", name,
			ids.n, ids.n == 1 ? "" : "s", o.users.n, o.users.n == 1 ? "" : "s");
		cmd_say("tracelab: queues: ", sb_str(&msg));
		sb_free(&msg);
		free(name);
	}
	rc = 0;
out:
	free(w.experiments);
	queue_strv_free(ids.v, ids.n);
	store_close(st);
	return rc;
}

int cmd_queues(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct queues_opts o = { 0 };
	bool create = argc > 0 && strcmp(argv[0], "create") == 0;
	int rc;

	rc = cmd_parse(ctx, argc - create, argv + create, queues_defs, &o, err);
	if (rc == OPT_OK)
		rc = create ? create_queue(ctx, &o, err) : list_queues(ctx, &o, err);
	else
		rc = rc == OPT_HELP ? 0 : -1;
	opt_list_free(&o.users);
	opt_list_free(&o.schemas);
	return rc;
}
