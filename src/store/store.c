/*
 * The registry: store_* calls pick a backend by the URL's scheme, check and
 * complete what the caller passes with MLflow's rules (store/rules.h), then
 * dispatch through the backend's operations (store/backend.h).  The struct
 * store header (ops, url, dir, readonly) sits first in every backend's
 * struct; the backend fills dir and readonly, this file sets ops and url,
 * and store_close frees url and dir after the backend has released its own
 * part.
 */
#include "store/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/question.h"
#include "core/util.h"
#include "store/backend.h"
#include "store/rules.h"

/* Every backend, tried in this order: a new one adds its line here. */
static const struct store_ops *const backends[] = {
	&sqlite_store_ops,
	&rest_store_ops,
};

#define NBACKENDS (sizeof backends / sizeof backends[0])

/* The scheme of "scheme://..." as a new string, or NULL for a plain path. */
static char *url_scheme(const char *url)
{
	const char *p = url;

	if (!isalpha((unsigned char)*p))
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (strncmp(p, "://", 3) != 0)
		return NULL;
	return xstrndup(url, (size_t)(p - url));
}

static const struct store_ops *pick(const char *url, const char **path, struct err *err)
{
	char *scheme, *supported;
	size_t i;

	for (i = 0; i < NBACKENDS; i++)
		if (backends[i]->accepts(url, path))
			return backends[i];
	scheme = url_scheme(url);
	if (!scheme) {
		err_set(err, ERR_USAGE, "%s: not a store URL", url);
		return NULL;
	}
	for (i = 0; i < NBACKENDS; i++) {
		size_t len = strlen(backends[i]->name);

		/* "sqlite://x" or "sqlite+driver:///x": ours, but not a form we read. */
		if (strncmp(scheme, backends[i]->name, len) == 0 &&
		    (scheme[len] == '\0' || scheme[len] == '+')) {
			err_set(err, ERR_USAGE,
				"malformed %s URL '%s' (expected %s:///relative/path or "
				"%s:////absolute/path)", backends[i]->name, url,
				backends[i]->name, backends[i]->name);
			free(scheme);
			return NULL;
		}
	}
	supported = xstrdup("");
	for (i = 0; i < NBACKENDS; i++) {
		char *more = xasprintf("%s%s%s", supported, i ? ", " : "", backends[i]->name);

		free(supported);
		supported = more;
	}
	err_set(err, ERR_USAGE, "unsupported store URL scheme '%s' (supported: %s)", scheme,
		supported);
	free(supported);
	free(scheme);
	return NULL;
}

int store_open(const char *url, unsigned flags, struct store **out, struct err *err)
{
	const struct store_ops *ops;
	const char *path = NULL;

	*out = NULL;
	ops = pick(url, &path, err);
	if (!ops)
		return -1;
	if (ops->open(path, flags, out, err) < 0)
		return -1;
	(*out)->ops = ops;
	(*out)->url = xstrdup(url);
	return 0;
}

void store_close(struct store *st)
{
	char *url, *dir, *note;

	if (!st)
		return;
	url = st->url;
	dir = st->dir;
	note = st->note;
	st->ops->close(st);
	free(url);
	free(dir);
	free(note);
}

int store_create(const char *path, struct err *err)
{
	const struct store_ops *ops;
	const char *file = NULL;

	ops = pick(path, &file, err);
	if (!ops)
		return -1;
	if (!ops->create)
		return err_set(err, ERR_USAGE, "%s: a %s store cannot be created here", path,
			       ops->name);
	return ops->create(file, err);
}

const char *store_url(const struct store *st)
{
	return st->url;
}

const char *store_dir(const struct store *st)
{
	return st->dir;
}

bool store_is_readonly(const struct store *st)
{
	return st->readonly;
}

bool store_is_remote(const struct store *st)
{
	return st->remote;
}

const char *store_note(const struct store *st)
{
	return st->note;
}

/* ---- dispatch ---------------------------------------------------------- */

int store_list_experiments(struct store *st, struct experiment_list *out, struct err *err)
{
	return st->ops->list_experiments(st, out, err);
}

int store_find_experiment(struct store *st, const char *id_or_name, int64_t *id, struct err *err)
{
	return st->ops->find_experiment(st, id_or_name, id, err);
}

int store_count_traces(struct store *st, int64_t experiment_id, const char *filter,
		       unsigned quick, const char *me, const struct question_ref *questions,
		       int64_t *count, struct err *err)
{
	return st->ops->count_traces(st, experiment_id, filter, quick, me, questions, count, err);
}

int store_feedback_names(struct store *st, int64_t experiment_id, char ***names, size_t *n,
			 struct err *err)
{
	return st->ops->feedback_names(st, experiment_id, names, n, err);
}

void store_free_names(char **names, size_t n)
{
	rules_free_names(names, n);
}

int store_page_traces(struct store *st, const struct page_req *req, struct trace_page *out,
		      struct err *err)
{
	struct page_req one;

	if (req->first && req->limit != 1) {
		/* A backend without a better way reads a page of one row. */
		one = *req;
		one.limit = 1;
		req = &one;
	}
	return st->ops->page_traces(st, req, out, err);
}

int store_page_spans(struct store *st, const struct span_req *req, struct span_page *out,
		     struct err *err)
{
	memset(out, 0, sizeof *out);
	if (!st->ops->page_spans)
		return err_set(err, ERR_USAGE, "%s: listing spans across traces needs a SQLite "
			       "store (a tracking server's search has no span listing)", st->url);
	return st->ops->page_spans(st, req, out, err);
}

int store_get_row(struct store *st, const char *trace_id, const char *me, struct trace_row *out,
		  struct err *err)
{
	return st->ops->get_row(st, trace_id, me, out, err);
}

int store_load_trace(struct store *st, const char *trace_id, struct trace *out, struct err *err)
{
	return st->ops->load_trace(st, trace_id, out, err);
}

int store_load_assessments(struct store *st, const char *trace_id, struct assessment_list *out,
			   struct err *err)
{
	return st->ops->load_assessments(st, trace_id, out, err);
}

/* ---- store_scan_feedback for a backend without scan_feedback ---------- */

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The order store_scan_feedback promises (NULL target first). */
static int cmp_answer(const void *x, const void *y)
{
	const struct answer_row *a = x, *b = y;
	int c;

	if ((c = strcmp(a->trace_id, b->trace_id)) || (c = cmp_str(a->name, b->name)))
		return c;
	if (!a->target != !b->target)
		return a->target ? 1 : -1;
	if ((c = cmp_str(a->target, b->target)) || (c = cmp_str(a->source_type, b->source_type)) ||
	    (c = cmp_str(a->source_id, b->source_id)))
		return c;
	if (a->updated_ms != b->updated_ms)
		return a->updated_ms > b->updated_ms ? -1 : 1;
	return -cmp_str(a->assessment_id, b->assessment_id);
}

/* One trace at a time, whole. */
static int scan_by_trace(struct store *st, const char *const *trace_ids, size_t n,
			 answer_fn fn, void *ctx, struct err *err)
{
	const char **ids = xcalloc(n ? n : 1, sizeof *ids);
	struct answer_row *rows = NULL;
	size_t cap = 0, i, j, k;
	int ret = 0;

	memcpy(ids, trace_ids, n * sizeof *ids);
	qsort(ids, n, sizeof *ids, cmp_id);
	for (i = 0; i < n && ret == 0; i++) {
		struct trace t = { 0 };
		const char *root = NULL;

		if (st->ops->load_trace(st, ids[i], &t, err) < 0) {
			ret = err->code == ERR_NOTFOUND ? 0 : -1;
			if (ret == 0)
				err_clear(err);
			trace_free(&t);
			continue;
		}
		for (j = 0; j < t.nspans && !root; j++)
			if (!t.spans[j].parent_id || !*t.spans[j].parent_id)
				root = t.spans[j].id;
		GROW(rows, cap, t.assessments.n + 1);
		for (j = k = 0; j < t.assessments.n; j++) {
			const struct assessment *a = &t.assessments.v[j];

			if (!a->valid || !str_eq(a->type, "feedback"))
				continue;
			rows[k].trace_id = ids[i];
			rows[k].name = a->name;
			rows[k].target = question_target(a->span_id, root);
			rows[k].source_type = a->source_type;
			rows[k].source_id = a->source_id;
			rows[k].value = a->value;
			rows[k].assessment_id = a->id;
			rows[k].updated_ms = a->updated_ms;
			k++;
		}
		qsort(rows, k, sizeof *rows, cmp_answer);
		for (j = 0; j < k && ret == 0; j++)
			ret = fn(ctx, &rows[j], err);
		trace_free(&t);
	}
	free(rows);
	free(ids);
	return ret;
}

int store_scan_feedback(struct store *st, const char *const *trace_ids, size_t n,
			answer_fn fn, void *ctx, struct err *err)
{
	if (st->ops->scan_feedback)
		return st->ops->scan_feedback(st, trace_ids, n, fn, ctx, err);
	return scan_by_trace(st, trace_ids, n, fn, ctx, err);
}

int store_get_assessment(struct store *st, const char *assessment_id, struct assessment *out,
			 struct err *err)
{
	return st->ops->get_assessment(st, assessment_id, out, err);
}

int store_root_span(struct store *st, const char *trace_id, char **out, struct err *err)
{
	*out = NULL;
	if (!st->ops->root_span)
		return 0;
	return st->ops->root_span(st, trace_id, out, err);
}

int store_check_target(struct store *st, const char *trace_id, const char *span_id,
		       struct err *err)
{
	return st->ops->check_target(st, trace_id, span_id, err);
}

int store_assessments_stamp(struct store *st, int64_t experiment_id, int64_t *stamp,
			    int64_t *count, struct err *err)
{
	return st->ops->assessments_stamp(st, experiment_id, stamp, count, err);
}

int store_log_assessment(struct store *st, const struct assessment_new *a, char *out_id,
			 struct err *err)
{
	struct assessment_row r;

	if (rules_log_row(a, &r, err) < 0 || st->ops->log_assessment(st, &r, err) < 0)
		return -1;
	if (out_id)
		snprintf(out_id, 64, "%s", r.id);
	return 0;
}

int store_update_assessment(struct store *st, const char *assessment_id,
			    const struct assessment_update *u, struct err *err)
{
	if (rules_check_update(assessment_id, u, err) < 0)
		return -1;
	return st->ops->update_assessment(st, assessment_id, u, err);
}

int store_delete_assessment(struct store *st, const char *assessment_id, struct err *err)
{
	return st->ops->delete_assessment(st, assessment_id, err);
}

int store_begin(struct store *st, struct err *err)
{
	return st->ops->begin(st, err);
}

int store_commit(struct store *st, struct err *err)
{
	return st->ops->commit(st, err);
}

void store_rollback(struct store *st)
{
	st->ops->rollback(st);
}

int store_import_trace(struct store *st, const struct trace *t, struct put_result *res,
		       struct err *err)
{
	struct put_result dummy;

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof *res);
	if (rules_check_trace(t, err) < 0)
		return -1;
	return st->ops->put_trace(st, t, res, err);
}

int store_put_trace(struct store *st, const struct trace *t, struct err *err)
{
	return store_import_trace(st, t, NULL, err);
}

int store_ensure_experiment(struct store *st, const char *name, int64_t *id, struct err *err)
{
	return st->ops->ensure_experiment(st, name, id, err);
}

/* ---- label schemas ------------------------------------------------------ */

static int no_schemas(struct err *err)
{
	return err_set(err, ERR_USAGE, "label schemas are not available on this server");
}

int store_list_schemas(struct store *st, int64_t experiment_id, const char *const *ids,
		       size_t nids, struct schema_list *out, struct err *err)
{
	struct schema_list all;
	size_t i, j;

	memset(out, 0, sizeof *out);
	if (!st->ops->list_schemas)
		return no_schemas(err);
	if (st->ops->list_schemas(st, experiment_id, ids, nids, &all, err) < 0)
		return -1;
	if (!ids) {
		*out = all;
		return 0;
	}
	/* In the order asked for. */
	out->table = all.table;
	out->v = all.n ? xcalloc(all.n, sizeof *out->v) : NULL;
	for (i = 0; i < nids; i++)
		for (j = 0; j < all.n; j++)
			if (all.v[j].schema_id && str_eq(all.v[j].schema_id, ids[i])) {
				out->v[out->n++] = all.v[j];
				memset(&all.v[j], 0, sizeof all.v[j]);
				break;
			}
	schema_list_free(&all);
	return 0;
}

static int put_schema(struct store *st, const struct schema_row *r, bool create,
		      struct err *err)
{
	if (!st->ops->put_schema)
		return no_schemas(err);
	if (st->readonly)
		return err_set(err, ERR_READONLY, "store is read-only: %s", st->url);
	if (!r->schema_id || !*r->schema_id || !r->name || !r->type || !r->input_type ||
	    !r->input_config)
		return err_set(err, ERR_USAGE, "a label schema needs its id, name, type and input");
	return st->ops->put_schema(st, r, create, err);
}

int store_create_schema(struct store *st, const struct schema_row *r, struct err *err)
{
	return put_schema(st, r, true, err);
}

int store_update_schema(struct store *st, const struct schema_row *r, struct err *err)
{
	return put_schema(st, r, false, err);
}

int store_delete_schema(struct store *st, const char *schema_id, struct err *err)
{
	if (!st->ops->delete_schema)
		return no_schemas(err);
	if (st->readonly)
		return err_set(err, ERR_READONLY, "store is read-only: %s", st->url);
	return st->ops->delete_schema(st, schema_id, err);
}

int store_side_sync(struct store *st, int64_t *left, int64_t *total, struct err *err)
{
	*left = *total = 0;
	return st->ops->side_sync ? st->ops->side_sync(st, left, total, err) : 0;
}

void store_set_progress(struct store *st, store_progress_fn fn, void *ctx)
{
	if (st && st->ops->set_progress)
		st->ops->set_progress(st, fn, ctx);
}

void store_interrupt(struct store *st, bool on)
{
	if (st && st->ops->interrupt)
		st->ops->interrupt(st, on);
}

/* ---- review queues ----------------------------------------------------- */

int store_list_queues(struct store *st, const char *user, struct queue_list *out,
		      struct err *err)
{
	char *u = user ? queue_norm_user(user) : NULL;
	int ret;

	memset(out, 0, sizeof *out);
	ret = st->ops->list_queues(st, u, out, err);
	free(u);
	return ret;
}

int store_find_queue(struct store *st, int64_t experiment_id, const char *name,
		     struct review_queue *out, struct err *err)
{
	char *stripped = queue_norm_user(name);   /* strip (and lower) */
	char *key = queue_name_key(stripped, err);
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (key)
		ret = st->ops->find_queue(st, experiment_id, key, out, err);
	free(key);
	free(stripped);
	return ret;
}

int store_get_queue(struct store *st, const char *queue_id, struct review_queue *out,
		    struct err *err)
{
	memset(out, 0, sizeof *out);
	return st->ops->get_queue(st, queue_id, out, err);
}

int store_create_queue(struct store *st, const struct queue_new *q, char *out_id,
		       struct err *err)
{
	struct queue_new n = *q;
	char *name = queue_norm_name(q->name, err), *key = NULL;
	char **users = NULL, **items = NULL;
	size_t nusers = 0, nitems = 0;
	int ret = -1;

	if (!name)
		return -1;
	key = queue_name_key(name, err);
	if (!key || queue_norm_users(q->users, q->nusers, &users, &nusers, err) < 0)
		goto out;
	if (queue_norm_items(q->item_ids, q->nitems, &items, &nitems, err) < 0)
		goto out;
	n.name = name;
	n.users = (const char *const *)users;
	n.nusers = nusers;
	n.item_ids = (const char *const *)items;
	n.nitems = nitems;
	ret = st->ops->create_queue(st, &n, key, out_id, err);
out:
	queue_strv_free(users, nusers);
	queue_strv_free(items, nitems);
	free(key);
	free(name);
	return ret;
}

int store_queue_items(struct store *st, const char *queue_id, const char *status, char ***ids,
		      size_t *n, struct err *err)
{
	*ids = NULL;
	*n = 0;
	if (status && !queue_status_valid(status))
		return err_set(err, ERR_USAGE, "status must be pending, complete or declined, "
			       "not '%s'", status);
	return st->ops->queue_items(st, queue_id, status, ids, n, err);
}

int store_set_item_status(struct store *st, const char *queue_id, const char *item_id,
			  const char *status, const char *by, unsigned flags, int64_t at_ms,
			  bool *changed, struct err *err)
{
	char *u = by ? queue_norm_user(by) : NULL;
	int ret = -1;

	if (changed)
		*changed = false;
	if (!queue_status_valid(status)) {
		err_set(err, ERR_USAGE, "status must be pending, complete or declined, not '%s'",
			status);
	} else if (strcmp(status, QUEUE_PENDING) != 0 && (!u || !*u)) {
		err_set(err, ERR_USAGE, "completed_by is required when setting status to %s",
			status);
	} else if (u && strlen(u) > QUEUE_USER_MAX) {
		err_set(err, ERR_USAGE, "completed_by must be at most %d characters",
			QUEUE_USER_MAX);
	} else {
		ret = st->ops->set_item_status(st, queue_id, item_id, status, u, flags,
					       at_ms > 0 ? at_ms : now_ms(), changed, err);
	}
	free(u);
	return ret;
}
