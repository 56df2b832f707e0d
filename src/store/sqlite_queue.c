/*
 * MLflow 3.14's review queues in a SQLite store, written as MLflow's
 * SqlAlchemyStore writes them (create_review_queue,
 * add_items_to_review_queue, set_review_queue_item_status; see
 * docs/mlflow-review.md "Review queues"):
 *
 *   review_queues        queue_id "rq-" + uuid4 hex, the stripped name,
 *                        name_key = name.lower(), queue_type, created_by,
 *                        creation_time_ms = last_update_time_ms = now;
 *   review_queue_users   one row per normalised user;
 *   review_queue_label_schemas  one row per schema id;
 *   review_queue_items   item_type 'trace', status 'pending', completed_by
 *                        and completed_time_ms NULL, both times = now.
 *
 * A status change sets status, last_update_time_ms and (complete /
 * declined) completed_by and completed_time_ms = now, or (pending) clears
 * them; a change to the status the item has is no change.  The first
 * reviewer to finish clears an item for the team: QS_IF_PENDING makes the
 * UPDATE conditional on status = 'pending', inside the write transaction,
 * so two writers never both complete one item.
 *
 * A store without these tables (MLflow before 3.14) is never changed: every
 * call says the store has no review queues.
 */
#include "store/sqlite_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int no_queues(struct sq *s, struct err *err)
{
	return err_set(err, ERR_SCHEMA, "%s has no review queues (its MLflow schema is older "
		       "than 3.14, which added them)", s->path);
}

static bool queues_here(const struct sq *s)
{
	return s->has_queues && s->has_queue_items && s->has_queue_users &&
	       s->has_queue_schemas;
}

/* ---- reading ----------------------------------------------------------- */

#define QUEUE_COLS "q.queue_id, q.experiment_id, q.name, q.queue_type, q.created_by," \
	" q.creation_time_ms, q.last_update_time_ms," \
	" (SELECT count(*) FROM review_queue_items AS i" \
	"  WHERE i.queue_id = q.queue_id AND i.status = 'pending')," \
	" (SELECT count(*) FROM review_queue_items AS i" \
	"  WHERE i.queue_id = q.queue_id AND i.status = 'complete')," \
	" (SELECT count(*) FROM review_queue_items AS i" \
	"  WHERE i.queue_id = q.queue_id AND i.status = 'declined')"

static void read_queue(sqlite3_stmt *stmt, struct review_queue *q)
{
	memset(q, 0, sizeof *q);
	q->queue_id = sq_col_str(stmt, 0);
	q->experiment_id = sqlite3_column_int64(stmt, 1);
	q->name = sq_col_str(stmt, 2);
	q->queue_type = sq_col_str(stmt, 3);
	q->created_by = sq_col_str(stmt, 4);
	q->creation_ms = sqlite3_column_int64(stmt, 5);
	q->update_ms = sqlite3_column_int64(stmt, 6);
	q->pending = sqlite3_column_int64(stmt, 7);
	q->complete = sqlite3_column_int64(stmt, 8);
	q->declined = sqlite3_column_int64(stmt, 9);
}

/* The strings of one text column of a query with one or two text
 * parameters (p2 NULL binds NULL, and a query without ?2 ignores it). */
static int strings2(struct sq *s, const char *sql, const char *param, const char *p2,
		    char ***out, size_t *n, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, sql, err);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!stmt)
		return -1;
	sq_bind_str(stmt, 1, param);
	if (sqlite3_bind_parameter_count(stmt) >= 2)
		sq_bind_str(stmt, 2, p2);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		GROW(*out, cap, *n + 1);
		(*out)[(*n)++] = sq_col_str(stmt, 0);
	}
	if (sq_end(s, stmt, rc, err) < 0) {
		queue_strv_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

static int strings(struct sq *s, const char *sql, const char *param, char ***out, size_t *n,
		   struct err *err)
{
	return strings2(s, sql, param, NULL, out, n, err);
}

/* The users and schema ids of a queue, sorted as MLflow hydrates them. */
static int hydrate(struct sq *s, struct review_queue *q, struct err *err)
{
	if (strings(s, "SELECT user_id FROM review_queue_users WHERE queue_id = ?"
		    " ORDER BY user_id ASC", q->queue_id, &q->users, &q->nusers, err) < 0)
		return -1;
	if (strings(s, "SELECT schema_id FROM review_queue_label_schemas WHERE queue_id = ?"
		    " ORDER BY schema_id ASC", q->queue_id, &q->schema_ids, &q->nschemas, err) < 0)
		return -1;
	if (!s->has_label_schemas)
		return 0;
	/* A user queue's questions are every schema of its experiment, resolved
	 * at read time; a custom queue's the attached ones that still exist. */
	return strings(s, q->queue_type && strcmp(q->queue_type, QUEUE_TYPE_USER) == 0 ?
		       "SELECT ls.name FROM label_schemas AS ls JOIN review_queues AS q"
		       " ON q.experiment_id = ls.experiment_id WHERE q.queue_id = ?"
		       " ORDER BY ls.schema_id ASC" :
		       "SELECT ls.name FROM review_queue_label_schemas AS rs JOIN label_schemas AS ls"
		       " ON ls.schema_id = rs.schema_id WHERE rs.queue_id = ?"
		       " ORDER BY rs.schema_id ASC", q->queue_id, &q->schema_names,
		       &q->nschema_names, err);
}

int sq_list_queues(struct store *st, const char *user, struct queue_list *out,
		   struct err *err)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	bool began = false;
	int rc, ret = -1;
	size_t i;

	if (!queues_here(s))
		return no_queues(s, err);
	if (sq_read_begin(s, &began, err) < 0)
		return -1;
	stmt = sq_stmt(s, user ? "SELECT " QUEUE_COLS " FROM review_queues AS q"
		       " WHERE q.queue_id IN (SELECT queue_id FROM review_queue_users"
		       " WHERE user_id = ?)"
		       " ORDER BY q.creation_time_ms DESC, q.queue_id ASC"
		       : "SELECT " QUEUE_COLS " FROM review_queues AS q"
		       " ORDER BY q.creation_time_ms DESC, q.queue_id ASC", err);
	if (!stmt)
		goto out;
	if (user)
		sq_bind_str(stmt, 1, user);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		GROW(out->v, out->cap, out->n + 1);
		read_queue(stmt, &out->v[out->n++]);
	}
	if (sq_end(s, stmt, rc, err) < 0)
		goto out;
	for (i = 0; i < out->n; i++)
		if (hydrate(s, &out->v[i], err) < 0)
			goto out;
	ret = 0;
out:
	sq_read_end(s, began);
	if (ret < 0)
		queue_list_free(out);
	return ret;
}

/* The queue where `cond` (on q, with ?1 text and ?2 an experiment id)
 * holds: exactly one, else ERR_NOTFOUND / ERR_USAGE naming `what`. */
static int one_queue(struct sq *s, const char *cond, const char *text, int64_t experiment_id,
		     struct review_queue *out, struct err *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt = NULL;
	const char *name_key = text;
	bool began = false;
	int rc, ret = -1;
	size_t found = 0;

	sb_addf(&sql, "SELECT " QUEUE_COLS " FROM review_queues AS q WHERE %s"
		" AND (?2 < 0 OR q.experiment_id = ?2) ORDER BY q.experiment_id LIMIT 2", cond);
	if (sq_read_begin(s, &began, err) < 0)
		goto done;
	stmt = sq_stmt(s, sb_str(&sql), err);
	if (!stmt)
		goto out;
	sq_bind_str(stmt, 1, text);
	sqlite3_bind_int64(stmt, 2, experiment_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (found++ == 0)
			read_queue(stmt, out);
	}
	if (sq_end(s, stmt, rc, err) < 0)
		goto out;
	if (found == 0) {
		err_set(err, ERR_NOTFOUND, "no review queue named '%s'", name_key);
		goto out;
	}
	if (found > 1) {
		err_set(err, ERR_USAGE, "several experiments have a review queue named '%s': "
			"give the experiment (--experiment)", name_key);
		goto out;
	}
	ret = hydrate(s, out, err);
out:
	sq_read_end(s, began);
	if (ret < 0)
		review_queue_free(out);
done:
	sb_free(&sql);
	return ret;
}

int sq_find_queue(struct store *st, int64_t experiment_id, const char *name_key,
		  struct review_queue *out, struct err *err)
{
	struct sq *s = sq_of(st);

	if (!queues_here(s))
		return no_queues(s, err);
	return one_queue(s, s->rq_name_key ? "q.name_key = ?1" : "lower(q.name) = ?1", name_key,
			 experiment_id, out, err);
}

int sq_get_queue(struct store *st, const char *queue_id, struct review_queue *out,
		 struct err *err)
{
	struct sq *s = sq_of(st);

	if (!queues_here(s))
		return no_queues(s, err);
	return one_queue(s, "q.queue_id = ?1", queue_id, -1, out, err);
}

int sq_queue_items(struct store *st, const char *queue_id, const char *status, char ***ids,
		   size_t *n, struct err *err)
{
	struct sq *s = sq_of(st);

	if (!queues_here(s))
		return no_queues(s, err);
	/* list_review_queue_items: newest-attached first, then item_id. */
	return strings2(s, "SELECT item_id FROM review_queue_items WHERE queue_id = ?1"
			" AND (?2 IS NULL OR status = ?2)"
			" ORDER BY creation_time_ms DESC, item_id ASC", queue_id, status, ids, n, err);
}

/* ---- writing ----------------------------------------------------------- */

static int run_params(struct sq *s, const char *sql, const struct sql_param *p, size_t n,
		      struct err *err)
{
	return sq_run(s, sql, p, n, err);
}

/* Parameters borrowing the caller's strings: sq_run only reads them. */
#define TEXT(v) { SQLP_TEXT, (char *)(uintptr_t)(v), 0, 0 }
#define INT(v) { SQLP_INT, NULL, (v), 0 }

static int check_create(struct sq *s, const struct queue_new *q, const char *name_key,
			struct err *err)
{
	struct sql_param p[2] = { INT(q->experiment_id), TEXT(name_key) };
	int64_t n = 0;
	bool found = false;
	size_t i;

	if (sq_ints(s, "SELECT count(*) FROM experiments WHERE experiment_id = ?"
		    " AND lifecycle_stage = 'active'", p, 1, &n, 1, &found, err) < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOTFOUND, "no active experiment %lld",
			       (long long)q->experiment_id);
	if (sq_ints(s, s->rq_name_key ?
		    "SELECT count(*) FROM review_queues WHERE experiment_id = ? AND name_key = ?" :
		    "SELECT count(*) FROM review_queues WHERE experiment_id = ?"
		    " AND lower(name) = ?", p, 2, &n, 1, &found, err) < 0)
		return -1;
	if (n > 0)
		return err_set(err, ERR_USAGE, "review queue with name '%s' already exists for "
			       "experiment '%lld'", q->name, (long long)q->experiment_id);
	for (i = 0; i < q->nschemas; i++) {
		struct sql_param sp[2] = { INT(q->experiment_id), TEXT(q->schemas[i]) };

		if (!s->has_label_schemas)
			return err_set(err, ERR_NOTFOUND, "no label schema named '%s' in experiment "
				       "%lld", q->schemas[i], (long long)q->experiment_id);
		if (sq_ints(s, "SELECT count(*) FROM label_schemas WHERE experiment_id = ?"
			    " AND name = ?", sp, 2, &n, 1, &found, err) < 0)
			return -1;
		if (n == 0)
			return err_set(err, ERR_NOTFOUND, "no label schema named '%s' in experiment "
				       "%lld", q->schemas[i], (long long)q->experiment_id);
	}
	return 0;
}

int sq_create_queue(struct store *st, const struct queue_new *q, const char *name_key,
		    char *out_id, struct err *err)
{
	struct sq *s = sq_of(st);
	char id[40];
	int64_t now = now_ms();
	size_t i;
	int ret = -1;

	if (!queues_here(s))
		return no_queues(s, err);
	if (rules_new_queue_id(id, err) < 0 || sq_write_begin(s, err) < 0)
		return -1;
	if (check_create(s, q, name_key, err) < 0)
		goto out;
	{
		struct sql_param p[7] = { TEXT(id), INT(q->experiment_id), TEXT(q->name),
					  TEXT(QUEUE_TYPE_CUSTOM), TEXT(q->created_by), INT(now),
					  TEXT(name_key) };

		if (run_params(s, s->rq_name_key ?
			       "INSERT INTO review_queues (queue_id, experiment_id, name, queue_type,"
			       " created_by, creation_time_ms, last_update_time_ms, name_key)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)" :
			       "INSERT INTO review_queues (queue_id, experiment_id, name, queue_type,"
			       " created_by, creation_time_ms, last_update_time_ms)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)", p, s->rq_name_key ? 7 : 6,
			       err) < 0)
			goto out;
	}
	for (i = 0; i < q->nusers; i++) {
		struct sql_param p[2] = { TEXT(id), TEXT(q->users[i]) };

		if (run_params(s, "INSERT INTO review_queue_users (queue_id, user_id)"
			       " VALUES (?, ?)", p, 2, err) < 0)
			goto out;
	}
	for (i = 0; i < q->nschemas; i++) {
		struct sql_param p[3] = { TEXT(id), INT(q->experiment_id), TEXT(q->schemas[i]) };

		if (run_params(s, "INSERT OR IGNORE INTO review_queue_label_schemas"
			       " (queue_id, schema_id) SELECT ?1, schema_id FROM label_schemas"
			       " WHERE experiment_id = ?2 AND name = ?3", p, 3, err) < 0)
			goto out;
	}
	for (i = 0; i < q->nitems; i++) {
		struct sql_param p[4] = { TEXT(id), TEXT(QUEUE_ITEM_TRACE), TEXT(q->item_ids[i]),
					  INT(now) };

		if (run_params(s, "INSERT INTO review_queue_items (queue_id, item_type, item_id,"
			       " status, completed_by, completed_time_ms, creation_time_ms,"
			       " last_update_time_ms) VALUES (?1, ?2, ?3, 'pending', NULL, NULL,"
			       " ?4, ?4)", p, 4, err) < 0)
			goto out;
	}
	if (out_id)
		snprintf(out_id, 40, "%s", id);
	ret = 0;
out:
	return sq_write_end(s, ret, err);
}

/* The status change inside the write transaction: *changed says whether
 * this writer changed the row (with QS_IF_PENDING: cleared the item). */
static int item_status_in_tx(struct sq *s, const char *queue_id, const char *item_id,
			     const char *status, const char *by, unsigned flags, int64_t at_ms,
			     bool *changed, struct err *err)
{
	bool reopen = strcmp(status, QUEUE_PENDING) == 0;
	struct sql_param p[5] = { TEXT(status), INT(at_ms), TEXT(reopen ? NULL : by),
				  TEXT(queue_id), TEXT(item_id) };
	struct strbuf sql = STRBUF_INIT;
	int64_t n = 0;
	bool found = false;
	int ret = -1;

	*changed = false;
	if (!queues_here(s))
		return no_queues(s, err);
	if (sq_ints(s, "SELECT count(*) FROM review_queue_items WHERE queue_id = ?4"
		    " AND item_id = ?5", p, 5, &n, 1, &found, err) < 0)
		return -1;
	if (n == 0)
		return err_set(err, ERR_NOTFOUND, "item '%s' is not attached to review queue '%s'",
			       item_id, queue_id);
	sb_adds(&sql, "UPDATE review_queue_items SET status = ?1, last_update_time_ms = ?2,");
	if (reopen)
		sb_adds(&sql, " completed_by = NULL, completed_time_ms = NULL");
	else
		sb_adds(&sql, " completed_by = ?3, completed_time_ms = ?2");
	sb_adds(&sql, " WHERE queue_id = ?4 AND item_id = ?5 AND status != ?1");
	if (flags & QS_IF_PENDING)
		sb_adds(&sql, " AND status = 'pending'");
	if (reopen && (flags & QS_IF_BY)) {
		sb_adds(&sql, " AND completed_by = ?6");
	}
	{
		struct sql_param q[6] = { p[0], p[1], p[2], p[3], p[4], TEXT(by) };

		/* ?6 is only bound when the text uses it. */
		ret = sq_run(s, sb_str(&sql), q, (reopen && (flags & QS_IF_BY)) ? 6 : 5, err);
	}
	if (ret == 0)
		*changed = sqlite3_changes(s->db) > 0;
	sb_free(&sql);
	return ret;
}

int sq_set_item_status(struct store *st, const char *queue_id, const char *item_id,
		       const char *status, const char *by, unsigned flags, int64_t at_ms,
		       bool *changed, struct err *err)
{
	struct sq *s = sq_of(st);
	bool ch = false;
	int ret;

	if (!queues_here(s))
		return no_queues(s, err);
	if (sq_write_begin(s, err) < 0)
		return -1;
	ret = item_status_in_tx(s, queue_id, item_id, status, by, flags, at_ms, &ch, err);
	ret = sq_write_end(s, ret, err);
	if (changed)
		*changed = ret == 0 && ch;
	return ret;
}
