/*
 * MLflow's label schemas in a SQLite store (MLflow 3.14+: the
 * label_schemas table; core/schema.h says what the columns hold).  A store
 * without the table has no schemas: listing gives none with table =
 * false, and nothing here creates the table or writes to such a store.
 * Rows are written as MLflow's SqlLabelSchema.from_mlflow_entity writes
 * them; the caller (svc/schemas.c) has validated and completed the row.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/sqlite_int.h"

static int no_table(struct sq *s, struct err *err)
{
	return err_set(err, ERR_SCHEMA, "%s has no label_schemas table (MLflow before 3.14 "
		       "keeps no label schemas); nothing was changed", s->path);
}

static void read_row(struct sq *s, sqlite3_stmt *stmt, struct schema_row *r)
{
	memset(r, 0, sizeof *r);
	r->schema_id = sq_col_str(stmt, 0);
	r->experiment_id = sqlite3_column_int64(stmt, 1);
	r->name = sq_col_str(stmt, 2);
	r->type = sq_col_str(stmt, 3);
	r->instruction = sq_col_str(stmt, 4);
	r->enable_comment = sqlite3_column_int64(stmt, 5) != 0;
	r->input_type = sq_col_str(stmt, 6);
	r->input_config = sq_col_str(stmt, 7);
	r->created_by = sq_col_str(stmt, 8);
	r->created_ms = sqlite3_column_int64(stmt, 9);
	r->updated_ms = sqlite3_column_int64(stmt, 10);
	r->is_default = s->ls_is_default && sqlite3_column_int64(stmt, 11) != 0;
	if (!r->schema_id)
		r->schema_id = xstrdup("");
	if (!r->name)
		r->name = xstrdup("");
	if (!r->type)
		r->type = xstrdup("");
	if (!r->input_type)
		r->input_type = xstrdup("");
	if (!r->input_config)
		r->input_config = xstrdup("");
}

static bool wanted(const char *id, const char *const *ids, size_t nids)
{
	size_t i;

	if (!ids)
		return true;
	for (i = 0; i < nids; i++)
		if (str_eq(ids[i], id))
			return true;
	return false;
}

int sq_list_schemas(struct store *st, int64_t experiment_id, const char *const *ids,
		    size_t nids, struct schema_list *out, struct err *err)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (!s->has_label_schemas)
		return 0;
	out->table = true;
	/* MLflow's list_label_schemas: newest first. */
	stmt = sq_stmt(s, s->ls_is_default ?
		       "SELECT schema_id, experiment_id, name, type, instruction, enable_comment,"
		       " input_type, input_config, created_by, created_time, last_update_time,"
		       " is_default FROM label_schemas WHERE experiment_id = ?"
		       " ORDER BY created_time DESC, schema_id" :
		       "SELECT schema_id, experiment_id, name, type, instruction, enable_comment,"
		       " input_type, input_config, created_by, created_time, last_update_time,"
		       " 0 FROM label_schemas WHERE experiment_id = ?"
		       " ORDER BY created_time DESC, schema_id", err);
	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, experiment_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *id = sqlite3_column_text(stmt, 0);

		if (!wanted((const char *)id, ids, nids))
			continue;
		GROW(out->v, cap, out->n + 1);
		read_row(s, stmt, &out->v[out->n++]);
	}
	if (sq_end(s, stmt, rc, err) < 0) {
		schema_list_free(out);
		return -1;
	}
	return 0;
}

/* The experiment exists and is active (MLflow refuses writes to a deleted
 * one with "No Experiment with id=N exists"). */
static int check_experiment(struct sq *s, int64_t experiment_id, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, "SELECT lifecycle_stage FROM experiments"
				     " WHERE experiment_id = ?", err);
	char *stage = NULL;
	int found;

	if (!stmt)
		return -1;
	sqlite3_bind_int64(stmt, 1, experiment_id);
	found = sq_row(s, stmt, err);
	if (found > 0)
		stage = sq_col_str(stmt, 0);
	sq_done(s, stmt);
	if (found < 0)
		return -1;
	if (!found || (stage && strcmp(stage, "active") != 0)) {
		free(stage);
		return err_set(err, ERR_NOTFOUND, "No Experiment with id=%lld exists",
			       (long long)experiment_id);
	}
	free(stage);
	return 0;
}

/* Another schema of the experiment has this name. */
static int check_name(struct sq *s, const struct schema_row *r, struct err *err)
{
	static const char sql[] = "SELECT count(*) FROM label_schemas WHERE experiment_id = ?"
				  " AND name = ? AND schema_id != ?";
	struct sql_param p[3];
	int64_t n = 0;
	bool found;
	int rc;

	memset(p, 0, sizeof p);
	p[0].kind = SQLP_INT;
	p[0].i = r->experiment_id;
	p[1].kind = SQLP_TEXT;
	p[1].text = r->name;
	p[2].kind = SQLP_TEXT;
	p[2].text = r->schema_id;
	rc = sq_ints(s, sql, p, 3, &n, 1, &found, err);
	if (rc < 0)
		return -1;
	if (n > 0)
		return err_set(err, ERR_USAGE, "Label schema with name '%.250s' already exists in "
			       "experiment %lld", r->name, (long long)r->experiment_id);
	return 0;
}

static int check_exists(struct sq *s, const char *schema_id, struct err *err)
{
	sqlite3_stmt *stmt = sq_stmt(s, "SELECT 1 FROM label_schemas WHERE schema_id = ?", err);
	int found;

	if (!stmt)
		return -1;
	sq_bind_str(stmt, 1, schema_id);
	found = sq_row(s, stmt, err);
	sq_done(s, stmt);
	if (found < 0)
		return -1;
	if (!found)
		return err_set(err, ERR_NOTFOUND, "Label schema with id '%.40s' not found", schema_id);
	return 0;
}

static void bind_int(sqlite3_stmt *stmt, int i, int64_t v)
{
	sqlite3_bind_int64(stmt, i, v);
}

int sq_put_schema(struct store *st, const struct schema_row *r, bool create, struct err *err)
{
	struct sq *s = sq_of(st);
	sqlite3_stmt *stmt;
	int ret = -1, rc;

	if (!s->has_label_schemas)
		return no_table(s, err);
	if (sq_write_begin(s, err) < 0)
		return -1;
	if (!create && check_exists(s, r->schema_id, err) < 0)
		goto out;
	if (check_experiment(s, r->experiment_id, err) < 0 || check_name(s, r, err) < 0)
		goto out;
	if (create) {
		stmt = sq_stmt(s, s->ls_is_default ?
			       "INSERT INTO label_schemas (schema_id, experiment_id, name, type,"
			       " instruction, enable_comment, input_type, input_config, created_by,"
			       " created_time, last_update_time, is_default)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" :
			       "INSERT INTO label_schemas (schema_id, experiment_id, name, type,"
			       " instruction, enable_comment, input_type, input_config, created_by,"
			       " created_time, last_update_time)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
		if (!stmt)
			goto out;
		sq_bind_str(stmt, 1, r->schema_id);
		bind_int(stmt, 2, r->experiment_id);
		sq_bind_str(stmt, 3, r->name);
		sq_bind_str(stmt, 4, r->type);
		sq_bind_str(stmt, 5, r->instruction);
		bind_int(stmt, 6, r->enable_comment);
		sq_bind_str(stmt, 7, r->input_type);
		sq_bind_str(stmt, 8, r->input_config);
		sq_bind_str(stmt, 9, r->created_by);
		bind_int(stmt, 10, r->created_ms);
		bind_int(stmt, 11, r->updated_ms);
		if (s->ls_is_default)
			bind_int(stmt, 12, r->is_default);
	} else {
		/* MLflow's update_label_schema: type and input_type never change;
		 * created_by and created_time stay. */
		stmt = sq_stmt(s, "UPDATE label_schemas SET name = ?, instruction = ?,"
			       " enable_comment = ?, input_config = ?, last_update_time = ?"
			       " WHERE schema_id = ?", err);
		if (!stmt)
			goto out;
		sq_bind_str(stmt, 1, r->name);
		sq_bind_str(stmt, 2, r->instruction);
		bind_int(stmt, 3, r->enable_comment);
		sq_bind_str(stmt, 4, r->input_config);
		bind_int(stmt, 5, r->updated_ms);
		sq_bind_str(stmt, 6, r->schema_id);
	}
	rc = sqlite3_step(stmt);
	if (sq_end(s, stmt, rc, err) < 0)
		goto out;
	ret = 0;
out:
	return sq_write_end(s, ret, err);
}

int sq_delete_schema(struct store *st, const char *schema_id, struct err *err)
{
	struct sq *s = sq_of(st);
	struct sql_param p;
	int ret;

	if (!s->has_label_schemas)
		return no_table(s, err);
	if (sq_write_begin(s, err) < 0)
		return -1;
	memset(&p, 0, sizeof p);
	p.kind = SQLP_TEXT;
	p.text = xstrdup(schema_id);
	/* A missing schema is not an error (MLflow's delete_label_schema);
	 * review_queue_label_schemas rows naming it stay, as MLflow leaves
	 * them (its readers skip ids that have no schema). */
	ret = sq_run(s, "DELETE FROM label_schemas WHERE schema_id = ?", &p, 1, err);
	free(p.text);
	return sq_write_end(s, ret, err);
}
