/*
 * `tracelab pending`: the label actions the journal (svc/journal.h) holds
 * that no store has committed yet, listed, written again (--retry) or
 * dropped (--discard); and the replay the feedback commands do first, so
 * that what an earlier run left pending reaches its store before anything
 * newer is written there.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "svc/journal.h"
#include "svc/label.h"
#include "svc/schemas.h"

#define END_OPTS { NULL, 0, OPT_FLAG, 0, NULL, NULL, false }

struct pending_opts {
	bool retry, discard;
};

static const struct opt_def pending_defs[] = {
	{ "retry", 0, OPT_FLAG, offsetof(struct pending_opts, retry), NULL,
	  "write them to their store now", false },
	{ "discard", 0, OPT_FLAG, offsetof(struct pending_opts, discard), NULL,
	  "drop them (they are never written)", false },
	END_OPTS,
};

static void put_safe(struct strbuf *sb, const char *s)
{
	char *safe = sanitize_dup(s ? s : "", s ? strlen(s) : 0);

	sb_adds(sb, safe);
	free(safe);
}

static void print_entry(const struct journal_entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	char when[40];

	fmt_rfc3339_ms(when, sizeof when, e->created_ms);
	sb_addf(&sb, "%s  %-9s  ", e->key, journal_action_name(e->action));
	put_safe(&sb, e->trace_id);
	if (e->span_id) {
		sb_adds(&sb, " span ");
		put_safe(&sb, e->span_id);
	}
	sb_adds(&sb, "  ");
	put_safe(&sb, e->name);
	if (e->value) {
		sb_adds(&sb, " = ");
		put_safe(&sb, e->value);
	}
	sb_addf(&sb, "  %s by ", when);
	put_safe(&sb, e->source_id);
	if (e->alive)
		sb_adds(&sb, "  (its tracelab is still running)");
	printf("%s\n", sb_str(&sb));
	sb_free(&sb);
}

/* Writes the entries of one store (they are this process's now); each
 * source id labels with its own labeller.  *left counts what stays. */
static int replay_store(const char *url, struct journal *j, const char *sid,
			const struct journal_entry *v, size_t n, size_t *written, size_t *left,
			struct err *err)
{
	struct store *st = NULL;
	bool *used = xcalloc(n ? n : 1, sizeof *used);
	size_t i, k;
	int rc = 0;

	*written = *left = 0;
	if (store_open(url, 0, &st, err) < 0) {
		free(used);
		*left = n;
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct journal_entry *one;
		struct labeler *lb = NULL;
		size_t m = 0, w = 0;
		struct err e;

		if (used[i])
			continue;
		one = xcalloc(n, sizeof *one);
		for (k = i; k < n; k++)
			if (!used[k] && str_eq(v[k].source_id, v[i].source_id)) {
				one[m++] = v[k];
				used[k] = true;
			}
		err_clear(&e);
		if (labeler_new(st, v[i].source_id, &lb, &e) == 0) {
			schemas_teach(lb, st);
			labeler_use_journal(lb, j, sid, NULL);
			labeler_restore(lb, one, m);
			if (labeler_retry(lb, &w, &e) < 0 && !rc) {
				*err = e;
				rc = -1;
			}
			*left += labeler_pending_count(lb);
			*written += w;
		} else {
			*left += m;
			if (!rc) {
				*err = e;
				rc = -1;
			}
		}
		labeler_free(&lb);
		free(one);  /* the strings are v's */
	}
	store_close(st);
	free(used);
	return rc;
}

int cmd_replay_journal(struct cmd_ctx *ctx, const char *url)
{
	struct journal *j = NULL;
	struct journal_entry *v = NULL;
	struct journal_report rep;
	struct err err;
	size_t n = 0, written = 0, left = 0;
	char *sid;

	err_clear(&err);
	if (journal_open(NULL, &j, &err) < 0) {
		cmd_warn(ctx, "label journal: %s", err.msg);
		return -1;
	}
	if (journal_notice(j)[0])
		cmd_warn(ctx, "label journal: %s", journal_notice(j));
	sid = journal_store_id(url);
	if (journal_pending(j, sid, JP_ADOPT, &v, &n, &rep, &err) == 0 && n) {
		cmd_warn(ctx, "%zu journalled label%s from an earlier run pending for this store: "
			 "writing them", n, n == 1 ? "" : "s");
		if (replay_store(url, j, sid, v, n, &written, &left, &err) < 0 || left)
			cmd_warn(ctx, "%zu still pending (%s); `tracelab pending` lists them", left,
				 err.msg);
	}
	journal_entries_free(v, n);
	free(sid);
	journal_close(j);
	return 0;
}

int cmd_open_for_labels(struct cmd_ctx *ctx, const char *arg, struct store **out,
			struct err *err)
{
	const char *url;

	*out = NULL;
	if (cmd_store_url(ctx, arg, &url, err) < 0)
		return -1;
	cmd_replay_journal(ctx, url);
	return store_open(url, 0, out, err);
}

int cmd_writer_open(struct cmd_ctx *ctx, const char *store_arg, const char *source_id,
		    struct cmd_writer *w, struct err *err)
{
	const char *url;
	struct err e;

	memset(w, 0, sizeof *w);
	if (cmd_store_url(ctx, store_arg, &url, err) < 0)
		return -1;
	{
		/* what the replay is about to write, to know a command run again */
		struct journal *j = NULL;
		char *sid = journal_store_id(url);

		err_clear(&e);
		if (journal_open(NULL, &j, &e) == 0 &&
		    journal_pending(j, sid, 0, &w->prior, &w->nprior, NULL, &e) < 0)
			w->nprior = 0;
		journal_close(j);
		free(sid);
	}
	cmd_replay_journal(ctx, url);
	if (store_open(url, 0, &w->st, err) < 0) {
		cmd_writer_close(w);
		return -1;
	}
	if (labeler_new(w->st, source_id && *source_id ? source_id : "tracelab", &w->lb, err) < 0) {
		cmd_writer_close(w);
		return -1;
	}
	schemas_teach(w->lb, w->st);
	err_clear(&e);
	if (journal_open(NULL, &w->j, &e) < 0) {
		cmd_warn(ctx, "label journal: %s; writing without it", e.msg);
		w->j = NULL;
		return 0;
	}
	w->sid = journal_store_id(url);
	labeler_use_journal(w->lb, w->j, w->sid, NULL);
	return 0;
}

void cmd_writer_close(struct cmd_writer *w)
{
	labeler_free(&w->lb);
	journal_close(w->j);
	store_close(w->st);
	free(w->sid);
	journal_entries_free(w->prior, w->nprior);
	memset(w, 0, sizeof *w);
}

int cmd_writer_result(struct cmd_writer *w, const struct label_result *res,
		      struct err *err)
{
	const struct label_pending *p;
	char *safe;

	if (!res->queued)
		return 0;
	p = labeler_pending_count(w->lb) ? labeler_pending_at(w->lb, 0) : NULL;
	if (p && (p->code == ERR_SCHEMA || p->code == ERR_READONLY)) {
		err_set(err, p->code, "%s", p->error);
		labeler_discard(w->lb, 0);
		return -1;
	}
	if (!p || !p->journalled)
		return err_set(err, p && p->code != ERR_USAGE ? p->code : ERR_RUNTIME,
			       "not written: %s (and not journalled: nothing keeps it)",
			       res->error ? res->error : "error");
	safe = sanitize_dup(journal_path(w->j), strlen(journal_path(w->j)));
	err_set(err, p->code != ERR_USAGE && p->code ? p->code : ERR_BUSY,
		"not written: %s; kept in the label journal %s: `tracelab pending --retry` "
		"writes it (so does the next feedback command or browser on this store)",
		res->error ? res->error : "error", safe);
	free(safe);
	return -1;
}

const struct journal_entry *cmd_writer_prior(const struct cmd_writer *w,
					     const struct journal_entry *like)
{
	size_t i;

	for (i = 0; i < w->nprior; i++) {
		const struct journal_entry *e = &w->prior[i];

		if (like->action == JA_REMOVE && e->action == JA_REMOVE && !e->alive &&
		    str_eq(e->assessment_id, like->assessment_id))
			return e;
		if (e->alive || e->action != like->action || !str_eq(e->trace_id, like->trace_id) ||
		    !str_eq(e->span_id, like->span_id) || !str_eq(e->name, like->name) ||
		    !str_eq(e->value, like->value) || !str_eq(e->rationale, like->rationale) ||
		    !str_eq(e->metadata, like->metadata) || !str_eq(e->overrides, like->overrides) ||
		    !str_eq(e->assessment_id, like->assessment_id) ||
		    e->set_rationale != like->set_rationale)
			continue;
		if (like->action == JA_LOG && (!str_eq(e->source_type, like->source_type) ||
					       !str_eq(e->source_id, like->source_id)))
			continue;
		return e;
	}
	return NULL;
}

bool cmd_err_transient(const struct err *err)
{
	return err->code == ERR_BUSY || err->code == ERR_NETWORK;
}

int cmd_pending(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct pending_opts o = { false, false };
	struct journal *j = NULL;
	struct journal_entry *v = NULL;
	struct journal_report rep;
	const char *store_arg = NULL, *url = NULL;
	char *sid = NULL;
	size_t n = 0, i, k, stores = 0;
	int rc;

	rc = cmd_parse(ctx, argc, argv, pending_defs, &o, err);
	if (rc != OPT_OK)
		return rc < 0 ? -1 : 0;
	if (o.retry && o.discard)
		return err_set(err, ERR_USAGE, "--retry and --discard exclude each other");
	if (ctx->args.n > 1)
		return err_set(err, ERR_USAGE, "one STORE at most");
	if (ctx->args.n == 1) {
		store_arg = ctx->args.v[0];
		if (cmd_store_url(ctx, store_arg, &url, err) < 0)
			return -1;
		sid = journal_store_id(url);
	}
	rc = -1;
	if (journal_open(NULL, &j, err) < 0)
		goto out;
	if (journal_notice(j)[0])
		cmd_warn(ctx, "label journal: %s", journal_notice(j));
	if (journal_pending(j, sid, o.retry || o.discard ? JP_ADOPT : 0, &v, &n, &rep, err) < 0)
		goto out;
	if (!o.retry && !o.discard) {
		/* grouped by store, oldest first within each */
		for (i = 0; i < n; i++) {
			bool seen = false;

			for (k = 0; k < i && !seen; k++)
				seen = str_eq(v[k].store, v[i].store);
			if (seen)
				continue;
			stores++;
			printf("%s", stores > 1 ? "\n" : "");
			{
				char *safe = sanitize_dup(v[i].store, strlen(v[i].store));

				printf("%s\n", safe);
				free(safe);
			}
			for (k = i; k < n; k++)
				if (str_eq(v[k].store, v[i].store))
					print_entry(&v[k]);
		}
		if (!n)
			printf("no labels pending%s\n", sid ? " for this store" : "");
		rc = 0;
		goto out;
	}
	if (rep.others)
		cmd_warn(ctx, "%zu label%s of a tracelab still running: left to it",
			 rep.others, rep.others == 1 ? "" : "s");
	if (o.discard) {
		for (i = 0; i < n; i++)
			if (journal_discard(j, v[i].key, err) < 0)
				goto out;
		printf("%zu pending label%s discarded\n", n, n == 1 ? "" : "s");
		rc = 0;
		goto out;
	}
	{
		size_t total_w = 0, total_left = 0;
		struct err first;

		err_clear(&first);
		for (i = 0; i < n; i++) {
			struct journal_entry *one;
			size_t m = 0, w = 0, left = 0;
			bool seen = false;
			struct err e;

			for (k = 0; k < i && !seen; k++)
				seen = str_eq(v[k].store, v[i].store);
			if (seen)
				continue;
			one = xcalloc(n, sizeof *one);
			for (k = i; k < n; k++)
				if (str_eq(v[k].store, v[i].store))
					one[m++] = v[k];
			err_clear(&e);
			if (replay_store(v[i].store, j, v[i].store, one, m, &w, &left, &e) < 0 &&
			    !first.code)
				first = e;
			total_w += w;
			total_left += left;
			free(one);
		}
		printf("%zu pending label%s written, %zu left\n", total_w, total_w == 1 ? "" : "s",
		       total_left);
		if (total_left) {
			if (first.code)
				*err = first;
			else
				err_set(err, ERR_BUSY, "labels still pending");
			err_prefix(err, "%zu label%s still pending", total_left,
				   total_left == 1 ? "" : "s");
			goto out;
		}
	}
	rc = 0;
out:
	journal_entries_free(v, n);
	journal_close(j);
	free(sid);
	return rc;
}
