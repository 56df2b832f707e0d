/* MLflow's label schemas: input_config read and written in MLflow's shape,
 * each input type mapped to tracelab's question kinds, MLflow's validation,
 * and the SQLite store reading them from a store made from MLflow 3.14's
 * schema (and leaving an older store alone). */
#include "core/keys.h"
#include "core/schema.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/schema_input.h"
#include "config/config.h"
#include "store/store.h"
#include "svc/schemas.h"
#include "test.h"
#include "test_sql.h"

#define SCHEMA_314 "mlflow-3.14-schema.sql"
#define OLD_STORE "mlflow-3-real-store.db"

static sqlite3 *raw(const char *path)
{
	return sql_open(path, 1);
}

/* A store made from MLflow 3.14's schema with experiment 1 and two label
 * schemas written as MLflow's SqlLabelSchema.from_mlflow_entity writes
 * them; caller frees the path. */
static char *store_314(const char *as)
{
	char *path = test_path(as), *file, *sql;
	sqlite3 *db;

	file = xasprintf("%s/%s", test_fixtures(), SCHEMA_314);
	sql = read_file(file, NULL);
	if (!sql) {
		printf("    cannot read %s\n", file);
		exit(1);
	}
	unlink(path);
	db = raw(path);
	exec_ok(db, sql);
	exec_ok(db, "INSERT INTO alembic_version VALUES ('6f8d9c3b2a1e');"
		"INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,"
		" creation_time, last_update_time) VALUES (0, 'Default', 'mlflow-artifacts:/0',"
		" 'active', 1767225600000, 1767225600000), (1, 'review', 'mlflow-artifacts:/1',"
		" 'active', 1767225600000, 1767225600000);"
		"INSERT INTO label_schemas VALUES ('ls-0a1b2c3d4e5f40718293a4b5c6d7e8f9', 1,"
		" 'Is the answer correct?', 'feedback', 'Mark Correct if accurate.', 1,"
		" 'pass_fail', '{\"positive_label\": \"Correct\", \"negative_label\": \"Incorrect\"}',"
		" 'lead', 1767225601000, 1767225601000, 0);"
		"INSERT INTO label_schemas VALUES ('ls-1a1b2c3d4e5f40718293a4b5c6d7e8f9', 1,"
		" 'Expected answer', 'expectation', NULL, 0, 'text', '{\"max_length\": 500}',"
		" 'lead', 1767225602000, 1767225602000, 0);");
	sqlite3_close(db);
	free(sql);
	free(file);
	return path;
}

static struct store *open_ok(const char *path)
{
	struct store *st = NULL;
	struct err err = { 0 };

	if (store_open(path, 0, &st, &err) < 0) {
		printf("    store_open(%s): %s\n", path, err.msg);
		exit(1);
	}
	return st;
}

static void question_of(const char *type, const char *input_type, const char *config,
			bool comment, struct label_schema *q)
{
	struct schema_row row = { 0 };
	struct schema_input in;
	struct err err = { 0 };

	row.schema_id = (char *)"ls-00000000000040008000000000000000";
	row.name = (char *)"q";
	row.type = xstrdup(type);
	row.input_type = xstrdup(input_type);
	row.input_config = xstrdup(config);
	row.enable_comment = comment;
	row.instruction = (char *)"Say it.";
	memset(q, 0, sizeof *q);
	if (schema_input_parse(input_type, config, &in, &err) < 0) {
		printf("    %s: %s\n", config, err.msg);
		test_failed_checks++;
	} else {
		schema_to_question(&row, &in, q);
		schema_input_free(&in);
	}
	free(row.type);
	free(row.input_type);
	free(row.input_config);
}

/* ---- mapping ----------------------------------------------------------- */

TEST(every_input_type_maps_to_its_kind)
{
	struct label_schema q;

	question_of("feedback", "pass_fail",
		    "{\"positive_label\": \"Correct\", \"negative_label\": \"Incorrect\"}", true, &q);
	CHECK_INT(q.type, LABEL_BOOLEAN);
	CHECK_STR(q.positive_label, "Correct");
	CHECK_STR(q.negative_label, "Incorrect");
	CHECK_INT(q.rationale, RATIONALE_OPTIONAL);
	CHECK(!q.expectation);
	CHECK(q.required);
	CHECK_STR(q.instructions, "Say it.");
	CHECK_STR(q.schema_id, "ls-00000000000040008000000000000000");
	label_schema_free(&q);

	question_of("feedback", "categorical",
		    "{\"options\": [\"low\", \"medium\", \"high\"], \"multi_select\": false}", false, &q);
	CHECK_INT(q.type, LABEL_CATEGORICAL);
	CHECK_INT(q.noptions, 3);
	CHECK_STR(q.options[0], "low");
	CHECK_STR(q.options[2], "high");
	CHECK(!q.multi);
	CHECK_INT(q.rationale, RATIONALE_NONE);
	label_schema_free(&q);

	question_of("feedback", "categorical",
		    "{\"options\": [\"bug\", \"feature\", \"ux\"], \"multi_select\": true}", false, &q);
	CHECK_INT(q.type, LABEL_CATEGORICAL);
	CHECK(q.multi);
	label_schema_free(&q);

	question_of("feedback", "numeric", "{\"min_value\": 1.0, \"max_value\": 5.0}", false, &q);
	CHECK_INT(q.type, LABEL_NUMERIC);
	CHECK(q.has_min && q.has_max);
	CHECK(q.min == 1.0 && q.max == 5.0);
	label_schema_free(&q);

	/* Bounds written by the Python client as ints, or left out. */
	question_of("feedback", "numeric", "{\"min_value\": 0, \"max_value\": null}", false, &q);
	CHECK(q.has_min && !q.has_max);
	CHECK(q.min == 0.0);
	label_schema_free(&q);

	question_of("expectation", "text", "{\"max_length\": 500}", true, &q);
	CHECK_INT(q.type, LABEL_TEXT);
	CHECK_INT(q.max_length, 500);
	CHECK(q.expectation);
	/* An expectation has no rationale in MLflow, whatever enable_comment says. */
	CHECK_INT(q.rationale, RATIONALE_NONE);
	label_schema_free(&q);

	question_of("feedback", "text", "{\"max_length\": null}", true, &q);
	CHECK_INT(q.max_length, 0);
	CHECK_INT(q.rationale, RATIONALE_OPTIONAL);
	label_schema_free(&q);
}

TEST(input_config_refused_when_not_mlflows_shape)
{
	struct schema_input in;
	struct err err = { 0 };

	CHECK_INT(schema_input_parse("slider", "{}", &in, &err), -1);
	CHECK_HAS(err.msg, "unknown label schema input_type 'slider'");
	CHECK_INT(schema_input_parse("pass_fail", "{\"positive_label\": 1}", &in, &err), -1);
	CHECK_HAS(err.msg, "positive_label");
	CHECK_INT(schema_input_parse("categorical", "{\"options\": \"a\"}", &in, &err), -1);
	CHECK_HAS(err.msg, "options");
	CHECK_INT(schema_input_parse("numeric", "{\"min_value\": \"x\"}", &in, &err), -1);
	CHECK_INT(schema_input_parse("text", "[", &in, &err), -1);
	/* A damaged row's bytes are refused, not written back changed. */
	CHECK_INT(schema_input_parse("categorical", "{\"options\": [\"ok\", \"c\xc0\x80" "d\"]}", &in,
				     &err), -1);
	CHECK_HAS(err.msg, "an option is not valid UTF-8");
	CHECK_INT(schema_input_parse("pass_fail",
				     "{\"positive_label\": \"\xff\", \"negative_label\": \"no\"}", &in,
				     &err), -1);
	CHECK_HAS(err.msg, "\"positive_label\" is not a string of valid UTF-8");
}

TEST(input_config_written_as_json_dumps_writes_it)
{
	struct schema_input in;
	struct strbuf sb = STRBUF_INIT;
	char *opts[] = { (char *)"low", (char *)"caf\xc3\xa9" };

	memset(&in, 0, sizeof in);
	in.type = SI_PASS_FAIL;
	in.positive_label = (char *)"Correct";
	in.negative_label = (char *)"Incorrect";
	schema_input_dump(&in, &sb);
	CHECK_STR(sb_str(&sb), "{\"positive_label\": \"Correct\", \"negative_label\": \"Incorrect\"}");

	memset(&in, 0, sizeof in);
	in.type = SI_CATEGORICAL;
	in.options = opts;
	in.noptions = 2;
	sb_reset(&sb);
	schema_input_dump(&in, &sb);
	CHECK_STR(sb_str(&sb), "{\"options\": [\"low\", \"caf\\u00e9\"], \"multi_select\": false}");

	memset(&in, 0, sizeof in);
	in.type = SI_NUMERIC;
	in.has_min = true;
	in.min = 1;
	sb_reset(&sb);
	schema_input_dump(&in, &sb);
	CHECK_STR(sb_str(&sb), "{\"min_value\": 1.0, \"max_value\": null}");
	in.has_max = true;
	in.max = 2.5;
	sb_reset(&sb);
	schema_input_dump(&in, &sb);
	CHECK_STR(sb_str(&sb), "{\"min_value\": 1.0, \"max_value\": 2.5}");

	memset(&in, 0, sizeof in);
	in.type = SI_TEXT;
	sb_reset(&sb);
	schema_input_dump(&in, &sb);
	CHECK_STR(sb_str(&sb), "{\"max_length\": null}");
	in.has_max_length = true;
	in.max_length = 500;
	sb_reset(&sb);
	schema_input_dump(&in, &sb);
	CHECK_STR(sb_str(&sb), "{\"max_length\": 500}");
	sb_free(&sb);
}

TEST(validation_follows_mlflow)
{
	struct schema_input in;
	struct err err = { 0 };
	char *dup[] = { (char *)"dup", (char *)"dup" };
	char name[300];

	memset(&in, 0, sizeof in);
	in.type = SI_NUMERIC;
	in.has_min = in.has_max = true;
	in.min = in.max = 5;
	CHECK_INT(schema_validate("q", "feedback", NULL, &in, &err), -1);
	CHECK_HAS(err.msg, "strictly less than");
	in.max = 6;
	CHECK_INT(schema_validate("q", "feedback", NULL, &in, &err), 0);
	CHECK_INT(schema_validate("q", "judgement", NULL, &in, &err), -1);
	CHECK_HAS(err.msg, "must be one of ['feedback', 'expectation']");
	memset(name, 'a', 251);
	name[251] = '\0';
	CHECK_INT(schema_validate(name, "feedback", NULL, &in, &err), -1);
	CHECK_HAS(err.msg, "at most 250 characters");
	name[250] = '\0';
	CHECK_INT(schema_validate(name, "feedback", NULL, &in, &err), 0);

	memset(&in, 0, sizeof in);
	in.type = SI_CATEGORICAL;
	CHECK_INT(schema_validate("q", "feedback", NULL, &in, &err), -1);
	CHECK_HAS(err.msg, "non-empty list");
	in.options = dup;
	in.noptions = 2;
	CHECK_INT(schema_validate("q", "feedback", NULL, &in, &err), -1);
	CHECK_HAS(err.msg, "deduplicated");

	memset(&in, 0, sizeof in);
	in.type = SI_PASS_FAIL;
	in.positive_label = in.negative_label = (char *)"same";
	CHECK_INT(schema_validate("q", "feedback", NULL, &in, &err), -1);
	CHECK_HAS(err.msg, "must be distinct");

	memset(&in, 0, sizeof in);
	in.type = SI_TEXT;
	in.has_max_length = true;
	in.max_length = 0;
	CHECK_INT(schema_validate("q", "expectation", NULL, &in, &err), -1);
	CHECK_HAS(err.msg, "at least 1");
}

/* ---- the store ----------------------------------------------------------- */

TEST(store_lists_schemas_newest_first_and_by_ids)
{
	char *path = store_314("list.db");
	struct store *st = open_ok(path);
	struct schema_list l;
	struct err err = { 0 };
	const char *ids[] = { "ls-0a1b2c3d4e5f40718293a4b5c6d7e8f9", "ls-gone",
			      "ls-1a1b2c3d4e5f40718293a4b5c6d7e8f9" };

	CHECK_INT(store_list_schemas(st, 1, NULL, 0, &l, &err), 0);
	CHECK(l.table);
	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		CHECK_STR(l.v[0].name, "Expected answer");
		CHECK_STR(l.v[0].type, "expectation");
		CHECK_NULL(l.v[0].instruction);
		CHECK_STR(l.v[1].name, "Is the answer correct?");
		CHECK_STR(l.v[1].input_type, "pass_fail");
		CHECK(l.v[1].enable_comment);
		CHECK_STR(l.v[1].created_by, "lead");
		CHECK_INT(l.v[1].created_ms, 1767225601000LL);
		CHECK(!l.v[1].is_default);
	}
	schema_list_free(&l);
	/* The asked order, without the id that has no schema. */
	CHECK_INT(store_list_schemas(st, 1, ids, 3, &l, &err), 0);
	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		CHECK_STR(l.v[0].name, "Is the answer correct?");
		CHECK_STR(l.v[1].name, "Expected answer");
	}
	schema_list_free(&l);
	CHECK_INT(store_list_schemas(st, 0, NULL, 0, &l, &err), 0);
	CHECK(l.table);
	CHECK_INT(l.n, 0);
	schema_list_free(&l);
	store_close(st);
	free(path);
}

TEST(store_writes_rows_and_refuses_duplicates)
{
	char *path = store_314("write.db");
	struct store *st = open_ok(path);
	struct schema_row r = { 0 };
	struct err err = { 0 };
	sqlite3 *db;
	char *got;

	r.schema_id = (char *)"ls-2a1b2c3d4e5f40718293a4b5c6d7e8f9";
	r.experiment_id = 1;
	r.name = (char *)"Severity";
	r.type = (char *)"feedback";
	r.input_type = (char *)"categorical";
	r.input_config = (char *)"{\"options\": [\"low\", \"high\"], \"multi_select\": false}";
	r.created_by = (char *)"lead";
	r.created_ms = r.updated_ms = 1767225603000LL;
	CHECK_INT(store_create_schema(st, &r, &err), 0);
	CHECK_INT(store_create_schema(st, &r, &err), -1);
	r.schema_id = (char *)"ls-3a1b2c3d4e5f40718293a4b5c6d7e8f9";
	CHECK_INT(store_create_schema(st, &r, &err), -1);
	CHECK_HAS(err.msg, "Label schema with name 'Severity' already exists in experiment 1");
	r.experiment_id = 7;
	r.name = (char *)"Other";
	CHECK_INT(store_create_schema(st, &r, &err), -1);
	CHECK_HAS(err.msg, "No Experiment with id=7 exists");

	r.schema_id = (char *)"ls-2a1b2c3d4e5f40718293a4b5c6d7e8f9";
	r.experiment_id = 1;
	r.name = (char *)"How severe?";
	r.instruction = (char *)"Pick one.";
	r.enable_comment = true;
	r.updated_ms = 1767225604000LL;
	CHECK_INT(store_update_schema(st, &r, &err), 0);
	r.schema_id = (char *)"ls-missing";
	CHECK_INT(store_update_schema(st, &r, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	store_close(st);

	db = raw(path);
	got = q_all(db, "SELECT schema_id, experiment_id, name, type, instruction, enable_comment,"
		    " input_type, input_config, created_by, created_time, last_update_time,"
		    " is_default FROM label_schemas WHERE name = 'How severe?'");
	CHECK_STR(got, "ls-2a1b2c3d4e5f40718293a4b5c6d7e8f9|1|How severe?|feedback|Pick one.|1|"
		  "categorical|{\"options\": [\"low\", \"high\"], \"multi_select\": false}|lead|"
		  "1767225603000|1767225604000|0\n");
	free(got);
	sqlite3_close(db);

	st = open_ok(path);
	CHECK_INT(store_delete_schema(st, "ls-2a1b2c3d4e5f40718293a4b5c6d7e8f9", &err), 0);
	CHECK_INT(store_delete_schema(st, "ls-2a1b2c3d4e5f40718293a4b5c6d7e8f9", &err), 0);
	store_close(st);
	db = raw(path);
	got = q_all(db, "SELECT count(*) FROM label_schemas");
	CHECK_STR(got, "2\n");
	free(got);
	sqlite3_close(db);
	free(path);
}

TEST(older_store_has_no_schemas_and_is_not_changed)
{
	char *path = test_copy_fixture(OLD_STORE, "old.db");
	struct store *st = open_ok(path);
	struct schema_list l;
	struct schema_row r = { 0 };
	struct err err = { 0 };
	sqlite3 *db;
	char *before, *after;

	db = raw(path);
	before = q_all(db, "SELECT sql FROM sqlite_master ORDER BY name");
	sqlite3_close(db);
	CHECK_INT(store_list_schemas(st, 0, NULL, 0, &l, &err), 0);
	CHECK(!l.table);
	CHECK_INT(l.n, 0);
	schema_list_free(&l);
	r.schema_id = (char *)"ls-2a1b2c3d4e5f40718293a4b5c6d7e8f9";
	r.name = (char *)"q";
	r.type = (char *)"feedback";
	r.input_type = (char *)"text";
	r.input_config = (char *)"{\"max_length\": null}";
	CHECK_INT(store_create_schema(st, &r, &err), -1);
	CHECK_INT(err.code, ERR_SCHEMA);
	CHECK_HAS(err.msg, "no label_schemas table");
	CHECK_INT(store_delete_schema(st, "ls-x", &err), -1);
	store_close(st);
	db = raw(path);
	after = q_all(db, "SELECT sql FROM sqlite_master ORDER BY name");
	CHECK_STR(after, before);
	free(after);
	after = q_all(db, "PRAGMA integrity_check");
	CHECK_STR(after, "ok\n");
	sqlite3_close(db);
	free(before);
	free(after);
	free(path);
}


/* ---- the questions of a run (svc/schemas.h) --------------------------------- */

static const struct label_key *key_of(const struct label_schema *q, const char *value)
{
	size_t i;

	for (i = 0; i < q->nkeys; i++)
		if (str_eq(q->keys[i].value, value))
			return &q->keys[i];
	return NULL;
}

static const char *kname(const struct label_key *k, char *buf, size_t n)
{
	if (!k)
		return "(none)";
	keyseq_name(&k->seq, buf, n);
	return buf;
}

static const char yaml[] =
	"source_id: me@example.com\n"
	"labels:\n"
	"  - name: Expected answer\n"
	"    type: text\n"
	"    key: e\n"
	"  - name: Is the answer correct?\n"
	"    type: boolean\n"
	"    keys: {\"y\": true, \"o\": false}\n"
	"  - name: mine\n"
	"    type: numeric\n"
	"    min: 1\n"
	"    max: 2\n"
	"    keys: [\"1\", \"2\"]\n";

TEST(schemas_become_the_questions_with_keys)
{
	char *path = store_314("apply.db");
	struct store *st = open_ok(path);
	struct config cfg;
	struct diag_list diags = { 0 };
	struct err err = { 0 };
	size_t applied = 0;
	char b[32];
	const struct label_schema *pf, *ex, *mine;

	CHECK_INT(config_load_buffer("c.yaml", yaml, strlen(yaml), &cfg, &diags, &err), 0);
	CHECK_INT(diags.n, 0);
	if (diags.n)
		printf("    %s\n", diags.v[0].msg);
	diag_list_free(&diags);
	CHECK_INT(schemas_apply(&cfg, st, 1, NULL, 0, NULL, &applied, &diags, &err), 0);
	CHECK_INT(applied, 2);
	CHECK_INT(cfg.nlabels, 3);
	/* The store's, newest first, then the configuration's own. */
	CHECK_STR(cfg.labels[0].name, "Expected answer");
	CHECK_STR(cfg.labels[1].name, "Is the answer correct?");
	CHECK_STR(cfg.labels[2].name, "mine");
	CHECK_INT(diags.n, 1);
	if (diags.n)
		CHECK_STR(diags.v[0].msg, "c.yaml: labels 'Expected answer', 'Is the answer "
			  "correct?' have the name of a label schema in the store (experiment 1): "
			  "the store's definition is used, with the keys given here that fit it");
	pf = schemas_question(&cfg, "Is the answer correct?");
	ex = schemas_question(&cfg, "Expected answer");
	mine = config_label(&cfg, "mine");
	CHECK(pf && ex && mine);
	CHECK_NULL(schemas_question(&cfg, "mine"));
	if (pf && ex && mine) {
		CHECK_INT(pf->type, LABEL_BOOLEAN);
		CHECK_STR(kname(key_of(pf, "true"), b, sizeof b), "y");
		CHECK_STR(kname(key_of(pf, "false"), b, sizeof b), "o");
		CHECK_INT(pf->rationale, RATIONALE_OPTIONAL);
		CHECK(ex->expectation);
		CHECK_INT(ex->type, LABEL_TEXT);
		CHECK_INT(ex->max_length, 500);
		CHECK_INT(ex->nkeys, 1);
		CHECK_STR(kname(&ex->keys[0], b, sizeof b), "e");
		CHECK_NULL(ex->keys[0].value);
		CHECK_INT(mine->nkeys, 2);
	}
	diag_list_free(&diags);

	/* Another experiment without schemas: the configuration's labels again. */
	CHECK_INT(schemas_apply(&cfg, st, 0, NULL, 0, NULL, &applied, &diags, &err), 0);
	CHECK_INT(applied, 0);
	CHECK_INT(cfg.nlabels, 3);
	CHECK_NULL(cfg.labels[0].schema_id);
	CHECK_INT(cfg.labels[1].type, LABEL_BOOLEAN);
	CHECK_INT(diags.n, 0);
	config_free(&cfg);
	diag_list_free(&diags);
	store_close(st);
	free(path);
}

TEST(schema_questions_get_free_keys)
{
	char *path = store_314("keys.db");
	struct store *st = open_ok(path);
	struct config cfg;
	struct diag_list diags = { 0 };
	struct err err = { 0 };
	struct schema_spec sp;
	const char *opts[] = { "low", "high" };
	char id[40], b[32];
	const struct label_schema *q;

	memset(&sp, 0, sizeof sp);
	sp.enable_comment = sp.multi_select = -1;
	sp.name = "Rating";
	sp.input_type = "numeric";
	sp.min = "1";
	sp.max = "5";
	CHECK_INT(schemas_create(st, 0, &sp, "lead", id, &err), 0);
	sp.name = "Severity";
	sp.input_type = "categorical";
	sp.min = sp.max = NULL;
	sp.options = opts;
	sp.noptions = 2;
	CHECK_INT(schemas_create(st, 0, &sp, "lead", id, &err), 0);
	sp.name = "Wide";
	sp.input_type = "numeric";
	sp.options = NULL;
	sp.noptions = 0;
	sp.min = "0";
	sp.max = "100";
	CHECK_INT(schemas_create(st, 0, &sp, "lead", id, &err), 0);
	sp.name = "Verdict";
	sp.input_type = "pass_fail";
	sp.min = sp.max = NULL;
	CHECK_INT(schemas_create(st, 0, &sp, "lead", id, &err), 0);

	/* The shipped example labels (no `labels:`) give way to the schemas. */
	CHECK_INT(config_load_buffer("c.yaml", "source_id: me\n", 14, &cfg, &diags, &err), 0);
	CHECK(cfg.labels_builtin);
	CHECK_INT(schemas_apply(&cfg, st, 0, NULL, 0, NULL, NULL, &diags, &err), 0);
	CHECK_INT(cfg.nlabels, 4);
	CHECK_INT(diags.n, 0);
	q = config_label(&cfg, "Verdict");
	CHECK(q && q->nkeys == 2);
	if (q) {
		CHECK_STR(kname(key_of(q, "true"), b, sizeof b), "+");
		CHECK_STR(kname(key_of(q, "false"), b, sizeof b), "-");
		CHECK_STR(q->positive_label, "Pass");
		CHECK_STR(q->negative_label, "Fail");
	}
	q = config_label(&cfg, "Rating");
	CHECK(q && q->nkeys == 5);
	if (q)
		CHECK_STR(kname(key_of(q, "3"), b, sizeof b), "3");
	q = config_label(&cfg, "Severity");
	CHECK(q && q->nkeys == 2 && key_of(q, "low") && key_of(q, "high"));
	q = config_label(&cfg, "Wide");
	CHECK(q && q->nkeys == 1);
	if (q && q->nkeys)
		CHECK_NULL(q->keys[0].value);
	config_free(&cfg);
	diag_list_free(&diags);
	store_close(st);
	free(path);
}

int main(void)
{
	RUN(every_input_type_maps_to_its_kind);
	RUN(input_config_refused_when_not_mlflows_shape);
	RUN(input_config_written_as_json_dumps_writes_it);
	RUN(validation_follows_mlflow);
	RUN(store_lists_schemas_newest_first_and_by_ids);
	RUN(store_writes_rows_and_refuses_duplicates);
	RUN(older_store_has_no_schemas_and_is_not_changed);
	RUN(schemas_become_the_questions_with_keys);
	RUN(schema_questions_get_free_keys);
	TEST_MAIN_END();
}
