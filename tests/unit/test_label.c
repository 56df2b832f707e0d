/* The labelling engine against a copy of a real MLflow 3 store: every step
 * is checked in the assessments table with SQL (values, types, source,
 * span_id, overrides/valid, timestamps). */
#include <sqlite3.h>
#include <stdarg.h>

#include "core/model.h"
#include "core/util.h"
#include "store/store.h"
#include "svc/label.h"
#include "test.h"

#define T1 "tr-0000000000000000000000000000a001"
#define T2 "tr-0000000000000000000000000000a002"
#define T3 "tr-0000000000000000000000000000a003"
#define ROOT "1111111111111111"
#define CHILD "2222222222222222"
#define JUDGE1 "a-00000000000000000000000000000f01"
#define JUDGE2 "a-00000000000000000000000000000f02"
#define JUDGE3 "a-00000000000000000000000000000f03"
#define CODE3 "a-00000000000000000000000000000c03"
#define ME "alice@example.com"

/* Borrowed text in a struct whose fields are not const (never freed). */
#define S(x) ((char *)(uintptr_t)(x))

/* One store copy per test, with a read connection of our own. */
struct fx {
	char *path;
	struct store *st;
	struct labeler *lb;
	sqlite3 *db;
};

static int copies;

static void set_now(int64_t ms)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)ms);
	setenv("TRACELAB_NOW_MS", buf, 1);
}

static void add_span(struct trace *t, const char *id, const char *parent, const char *name,
		     int64_t start)
{
	struct span s = { 0 };

	s.id = xstrdup(id);
	s.parent_id = xstrdup_or_null(parent);
	s.name = xstrdup(name);
	s.type = xstrdup(parent ? "LLM" : "CHAIN");
	s.status = SPAN_OK;
	s.start_ns = start;
	s.end_ns = start + 5000000;
	s.content = xasprintf("{\"name\": \"%s\", \"span_id\": \"%s\", \"parent_id\": %s%s%s, "
			      "\"start_time_unix_nano\": %lld, \"end_time_unix_nano\": %lld, "
			      "\"status\": {\"code\": \"OK\", \"message\": \"\"}, \"attributes\": {}}",
			      name, id, parent ? "\"" : "", parent ? parent : "null",
			      parent ? "\"" : "", (long long)s.start_ns, (long long)s.end_ns);
	trace_add_span(t, &s);
}

static void add_fb(struct trace *t, const char *id, const char *name, const char *value,
		   const char *source_type, const char *source_id, const char *span_id)
{
	struct assessment a = { 0 };

	a.id = S(id);
	a.trace_id = t->info.id;
	a.name = S(name);
	a.type = S("feedback");
	a.value = S(value);
	a.created_ms = a.updated_ms = 1700000000500;
	a.source_type = S(source_type);
	a.source_id = S(source_id);
	a.span_id = S(span_id);
	a.rationale = S("judged by the rubric");
	a.valid = true;
	assessment_list_add(&t->assessments, &a);
}

static void put_trace(struct store *st, int64_t exp, const char *id, int which)
{
	struct trace t = { 0 };
	struct err err = { 0 };

	t.info.id = xstrdup(id);
	t.info.experiment_id = exp;
	t.info.timestamp_ms = 1700000000000 + which;
	t.info.duration_ms = 1200;
	t.info.status = xstrdup("OK");
	t.info.request_preview = xstrdup("{\"question\": \"What is MLflow?\"}");
	t.info.response_preview = xstrdup("\"An ML platform.\"");
	kv_list_add(&t.tags, "mlflow.traceName", "answer");
	kv_list_add(&t.metadata, "mlflow.trace_schema.version", "3");
	add_span(&t, ROOT, NULL, "answer", 1700000000000000000);
	add_span(&t, CHILD, ROOT, "llm", 1700000000001000000);
	if (which == 1) {
		add_fb(&t, JUDGE1, "correct", "false", "LLM_JUDGE", "openai:/gpt-4o-mini", NULL);
		add_fb(&t, JUDGE2, "relevance", "\"yes\"", "LLM_JUDGE", "openai:/gpt-4o-mini",
		       CHILD);
	} else if (which == 3) {
		add_fb(&t, JUDGE3, "correct", "true", "LLM_JUDGE", "openai:/gpt-4o-mini", NULL);
		add_fb(&t, CODE3, "has_citation", "false", "CODE", "check_citations", NULL);
	}
	if (store_put_trace(st, &t, &err) < 0) {
		fprintf(stderr, "put_trace %s: %s\n", id, err.msg);
		exit(1);
	}
	trace_free(&t);
}

static void fx_open(struct fx *f, unsigned flags)
{
	struct err err = { 0 };
	char as[64];
	int64_t exp;

	memset(f, 0, sizeof *f);
	snprintf(as, sizeof as, "store-%d.db", ++copies);
	f->path = test_copy_fixture("mlflow-3-real-store.db", as);
	if (store_open(f->path, 0, &f->st, &err) < 0 ||
	    store_ensure_experiment(f->st, "labelling", &exp, &err) < 0 ||
	    store_begin(f->st, &err) < 0) {
		fprintf(stderr, "%s: %s\n", f->path, err.msg);
		exit(1);
	}
	put_trace(f->st, exp, T1, 1);
	put_trace(f->st, exp, T2, 2);
	put_trace(f->st, exp, T3, 3);
	if (store_commit(f->st, &err) < 0) {
		fprintf(stderr, "commit: %s\n", err.msg);
		exit(1);
	}
	if (flags) {
		store_close(f->st);
		f->st = NULL;
		if (store_open(f->path, flags, &f->st, &err) < 0) {
			fprintf(stderr, "%s: %s\n", f->path, err.msg);
			exit(1);
		}
	}
	if (labeler_new(f->st, ME, &f->lb, &err) < 0) {
		fprintf(stderr, "labeler_new: %s\n", err.msg);
		exit(1);
	}
	if (sqlite3_open(f->path, &f->db) != SQLITE_OK)
		exit(1);
	set_now(1700000100000);
}

static void fx_close(struct fx *f)
{
	labeler_free(&f->lb);
	store_close(f->st);
	sqlite3_close(f->db);
	free(f->path);
	unsetenv("TRACELAB_NOW_MS");
}

/* First column of the first row as text (malloc'd), or NULL. */
static char *q_str(struct fx *f, const char *fmt, ...)
{
	sqlite3_stmt *stmt = NULL;
	char *sql, *res = NULL;
	va_list ap;

	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(f->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		printf("    sql error: %s: %s\n", sql, sqlite3_errmsg(f->db));
		test_failed_checks++;
	} else if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
		res = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	sqlite3_free(sql);
	return res;
}

/* First column of the first row as an integer; -1 when no row or NULL. */
static long long q_int(struct fx *f, const char *fmt, ...)
{
	sqlite3_stmt *stmt = NULL;
	long long v = -1;
	char *sql;
	va_list ap;

	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(f->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		printf("    sql error: %s: %s\n", sql, sqlite3_errmsg(f->db));
		test_failed_checks++;
	} else if (sqlite3_step(stmt) == SQLITE_ROW &&
		   sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		v = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	sqlite3_free(sql);
	return v;
}

static void sql_exec(struct fx *f, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(f->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		printf("    sql error: %s: %s\n", sql, msg ? msg : "?");
		test_failed_checks++;
	}
	sqlite3_free(msg);
}

/* Checks one column of an assessment row as text ("NULL" for SQL NULL). */
#define CHECK_COL(f, id, col, want) do { \
	char *v_ = q_str((f), "SELECT coalesce(" col ", 'NULL') FROM assessments " \
			 "WHERE assessment_id=%Q", (id)); \
	CHECK_STR(v_, (want)); \
	free(v_); \
} while (0)

/* Rows of mine with this name on a trace (any span, valid or not). */
static long long count_mine(struct fx *f, const char *trace_id, const char *name)
{
	return q_int(f, "SELECT count(*) FROM assessments WHERE trace_id=%Q AND name=%Q "
		     "AND source_type='HUMAN' AND source_id=%Q", trace_id, name, ME);
}

static int set_label(struct fx *f, const char *trace_id, const char *span_id, const char *name,
		     const char *value, enum value_type type, const char *rationale,
		     bool allow_override, struct label_result *res)
{
	struct label_req req = { 0 };
	struct err err = { 0 };
	int rc;

	req.trace_id = trace_id;
	req.span_id = span_id;
	req.name = name;
	req.value_text = value;
	req.type = type;
	req.rationale = rationale;
	req.allow_override = allow_override;
	rc = labeler_set(f->lb, &req, res, &err);
	if (rc < 0)
		printf("    labeler_set: %s\n", err.msg);
	return rc;
}

/* ---- create ------------------------------------------------------------ */

TEST(create_writes_mlflow_row)
{
	struct label_result res = { 0 };
	struct label_plan plan;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(labeler_plan(f.lb, T2, NULL, "quality", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_CREATE);
	CHECK_INT(plan.owner, OWNER_NONE);
	CHECK_NULL(plan.existing.id);
	label_plan_free(&plan);

	CHECK_INT(set_label(&f, T2, NULL, "quality", "4", VT_NUMBER, NULL, false, &res), 0);
	CHECK(!res.queued);
	CHECK_INT(res.kind, LABEL_CREATE);
	CHECK(res.id && strncmp(res.id, "a-", 2) == 0 && strlen(res.id) == 34);
	CHECK_STR(res.value, "4");
	CHECK_COL(&f, res.id, "trace_id", T2);
	CHECK_COL(&f, res.id, "name", "quality");
	CHECK_COL(&f, res.id, "assessment_type", "feedback");
	CHECK_COL(&f, res.id, "value", "4");
	CHECK_COL(&f, res.id, "typeof(value)", "text");
	CHECK_COL(&f, res.id, "error", "NULL");
	CHECK_COL(&f, res.id, "source_type", "HUMAN");
	CHECK_COL(&f, res.id, "source_id", ME);
	CHECK_COL(&f, res.id, "span_id", "NULL");
	CHECK_COL(&f, res.id, "rationale", "NULL");
	CHECK_COL(&f, res.id, "overrides", "NULL");
	CHECK_COL(&f, res.id, "valid", "1");
	CHECK_COL(&f, res.id, "assessment_metadata", "NULL");
	CHECK_COL(&f, res.id, "created_timestamp", "1700000100000");
	CHECK_COL(&f, res.id, "last_updated_timestamp", "1700000100000");
	CHECK_INT(count_mine(&f, T2, "quality"), 1);
	label_result_free(&res);
	fx_close(&f);
}

TEST(values_typed_per_schema)
{
	struct label_result r1 = { 0 }, r2 = { 0 }, r3 = { 0 }, r4 = { 0 }, r5 = { 0 };
	struct label_req req = { 0 };
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(set_label(&f, T2, NULL, "user_satisfaction", "false", VT_BOOL, NULL, false, &r1), 0);
	CHECK_INT(set_label(&f, T2, NULL, "score", "2.5", VT_NUMBER, NULL, false, &r2), 0);
	CHECK_INT(set_label(&f, T2, NULL, "score5", "5.0", VT_NUMBER, NULL, false, &r3), 0);
	CHECK_INT(set_label(&f, T2, NULL, "tone", "friendly", VT_TEXT, NULL, false, &r4), 0);
	CHECK_INT(set_label(&f, T2, NULL, "notes", "caf\xc3\xa9 \"ok\"", VT_TEXT,
			    "long\nrationale", false, &r5), 0);
	CHECK_COL(&f, r1.id, "value", "false");
	CHECK_COL(&f, r2.id, "value", "2.5");
	CHECK_COL(&f, r3.id, "value", "5.0");
	CHECK_COL(&f, r4.id, "value", "\"friendly\"");
	CHECK_COL(&f, r5.id, "value", "\"caf\\u00e9 \\\"ok\\\"\"");
	CHECK_COL(&f, r5.id, "rationale", "long\nrationale");

	/* a value that does not fit its type is refused, not queued */
	req.trace_id = T2;
	req.name = "quality";
	req.value_text = "lots";
	req.type = VT_NUMBER;
	CHECK_INT(labeler_set(f.lb, &req, NULL, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	CHECK_INT(labeler_pending_count(f.lb), 0);
	CHECK_INT(count_mine(&f, T2, "quality"), 0);
	label_result_free(&r1);
	label_result_free(&r2);
	label_result_free(&r3);
	label_result_free(&r4);
	label_result_free(&r5);
	fx_close(&f);
}

TEST(missing_trace_or_span_is_refused)
{
	struct label_req req = { 0 };
	struct label_plan plan;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	req.trace_id = "tr-ffffffffffffffffffffffffffffffff";
	req.name = "quality";
	req.value_text = "3";
	req.type = VT_NUMBER;
	CHECK_INT(labeler_set(f.lb, &req, NULL, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_INT(labeler_plan(f.lb, T1, "9999999999999999", "quality", &plan, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	label_plan_free(&plan);
	CHECK_INT(labeler_pending_count(f.lb), 0);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE source_id=%Q", ME), 0);
	fx_close(&f);
}

TEST(undo_redo_create)
{
	struct label_result res = { 0 }, u = { 0 };
	struct err err = { 0 };
	char *id;
	struct fx f;

	fx_open(&f, 0);
	CHECK(!labeler_can_undo(f.lb));
	CHECK_INT(set_label(&f, T2, NULL, "quality", "4", VT_NUMBER, NULL, false, &res), 0);
	id = xstrdup(res.id);
	CHECK(labeler_can_undo(f.lb));
	CHECK(!labeler_can_redo(f.lb));

	set_now(1700000200000);
	CHECK_INT(labeler_undo(f.lb, &u, &err), 0);
	CHECK_INT(u.kind, LABEL_CREATE);
	CHECK_STR(u.id, id);
	CHECK_STR(u.trace_id, T2);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE assessment_id=%Q", id), 0);
	CHECK(!labeler_can_undo(f.lb));
	CHECK(labeler_can_redo(f.lb));
	CHECK_INT(labeler_undo(f.lb, NULL, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	label_result_free(&u);

	/* redo: the same row again, same id and timestamps */
	CHECK_INT(labeler_redo(f.lb, &u, &err), 0);
	CHECK_COL(&f, id, "value", "4");
	CHECK_COL(&f, id, "created_timestamp", "1700000100000");
	CHECK_COL(&f, id, "last_updated_timestamp", "1700000100000");
	CHECK_COL(&f, id, "valid", "1");
	CHECK_INT(count_mine(&f, T2, "quality"), 1);
	CHECK_INT(labeler_redo(f.lb, NULL, &err), -1);
	label_result_free(&u);
	label_result_free(&res);
	free(id);
	fx_close(&f);
}

TEST(undo_twice_in_a_row)
{
	struct label_result a = { 0 }, b = { 0 };
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(set_label(&f, T2, NULL, "quality", "4", VT_NUMBER, NULL, false, &a), 0);
	set_now(1700000110000);
	CHECK_INT(set_label(&f, T2, NULL, "quality", "2", VT_NUMBER, NULL, false, &b), 0);
	CHECK_INT(b.kind, LABEL_UPDATE);
	CHECK_STR(b.id, a.id);

	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);   /* update -> 4 */
	CHECK_COL(&f, a.id, "value", "4");
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);   /* create -> gone */
	CHECK_INT(count_mine(&f, T2, "quality"), 0);

	CHECK_INT(labeler_redo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, a.id, "value", "4");
	CHECK_INT(labeler_redo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, a.id, "value", "2");
	CHECK_INT(count_mine(&f, T2, "quality"), 1);

	/* a new label after an undo drops what could be redone */
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);
	CHECK(labeler_can_redo(f.lb));
	CHECK_INT(set_label(&f, T3, NULL, "quality", "1", VT_NUMBER, NULL, false, NULL), 0);
	CHECK(!labeler_can_redo(f.lb));
	label_result_free(&a);
	label_result_free(&b);
	fx_close(&f);
}

/* ---- update ------------------------------------------------------------ */

TEST(update_mine_and_undo)
{
	struct label_result a = { 0 }, b = { 0 };
	struct label_plan plan;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(set_label(&f, T2, NULL, "quality", "4", VT_NUMBER, "clear answer", false, &a), 0);
	set_now(1700000200000);
	CHECK_INT(labeler_plan(f.lb, T2, NULL, "quality", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_UPDATE);
	CHECK_INT(plan.owner, OWNER_ME);
	CHECK_STR(plan.existing.id, a.id);
	CHECK_STR(plan.existing.value, "4");
	label_plan_free(&plan);

	CHECK_INT(set_label(&f, T2, NULL, "quality", "5", VT_NUMBER, NULL, false, &b), 0);
	CHECK_INT(b.kind, LABEL_UPDATE);
	CHECK_STR(b.id, a.id);
	CHECK_COL(&f, a.id, "value", "5");
	CHECK_COL(&f, a.id, "rationale", "clear answer");   /* kept: none given */
	CHECK_COL(&f, a.id, "created_timestamp", "1700000100000");
	CHECK_COL(&f, a.id, "last_updated_timestamp", "1700000200000");
	CHECK_COL(&f, a.id, "source_id", ME);
	CHECK_COL(&f, a.id, "valid", "1");
	CHECK_INT(count_mine(&f, T2, "quality"), 1);

	set_now(1700000300000);
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, a.id, "value", "4");
	CHECK_COL(&f, a.id, "rationale", "clear answer");
	CHECK_COL(&f, a.id, "name", "quality");
	CHECK_COL(&f, a.id, "created_timestamp", "1700000100000");
	CHECK_COL(&f, a.id, "last_updated_timestamp", "1700000300000");

	set_now(1700000400000);
	CHECK_INT(labeler_redo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, a.id, "value", "5");
	CHECK_COL(&f, a.id, "last_updated_timestamp", "1700000400000");
	CHECK_INT(count_mine(&f, T2, "quality"), 1);
	label_result_free(&a);
	label_result_free(&b);
	fx_close(&f);
}

TEST(rationale_edit_and_undo)
{
	struct label_result a = { 0 }, r = { 0 };
	struct assessment mine = { 0 };
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(labeler_set_rationale(f.lb, T2, NULL, "quality", "why", NULL, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_INT(labeler_pending_count(f.lb), 0);

	CHECK_INT(set_label(&f, T2, NULL, "quality", "3", VT_NUMBER, NULL, false, &a), 0);
	set_now(1700000200000);
	CHECK_INT(labeler_set_rationale(f.lb, T2, NULL, "quality", "misses the second part", &r,
					&err), 0);
	CHECK_INT(r.kind, LABEL_RATIONALE);
	CHECK_COL(&f, a.id, "rationale", "misses the second part");
	CHECK_COL(&f, a.id, "value", "3");
	CHECK_COL(&f, a.id, "last_updated_timestamp", "1700000200000");
	CHECK_INT(labeler_mine(f.lb, T2, NULL, "quality", &mine, &err), 0);
	CHECK_STR(mine.rationale, "misses the second part");
	assessment_free(&mine);

	/* edit again, then undo back step by step */
	CHECK_INT(labeler_set_rationale(f.lb, T2, NULL, "quality", "partly right", NULL, &err), 0);
	CHECK_COL(&f, a.id, "rationale", "partly right");
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, a.id, "rationale", "misses the second part");
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, a.id, "rationale", "NULL");
	CHECK_INT(labeler_redo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, a.id, "rationale", "misses the second part");

	/* clearing */
	CHECK_INT(labeler_set_rationale(f.lb, T2, NULL, "quality", "", NULL, &err), 0);
	CHECK_COL(&f, a.id, "rationale", "NULL");
	label_result_free(&a);
	label_result_free(&r);
	fx_close(&f);
}

/* ---- override ---------------------------------------------------------- */

TEST(override_judge_and_undo)
{
	struct label_result res = { 0 }, u = { 0 };
	struct label_plan plan;
	struct err err = { 0 };
	char *id;
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(labeler_plan(f.lb, T1, NULL, "correct", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_OVERRIDE);
	CHECK_INT(plan.owner, OWNER_JUDGE);
	CHECK_STR(label_owner_text(plan.owner), "the judge's");
	CHECK_STR(plan.existing.id, JUDGE1);
	CHECK_STR(plan.existing.value, "false");
	CHECK_STR(plan.existing.source_type, "LLM_JUDGE");
	CHECK_INT(plan.others, 1);
	label_plan_free(&plan);

	CHECK_INT(set_label(&f, T1, NULL, "correct", "true", VT_BOOL, "it cites the docs", true,
			    &res), 0);
	CHECK_INT(res.kind, LABEL_OVERRIDE);
	id = xstrdup(res.id);
	CHECK_COL(&f, id, "value", "true");
	CHECK_COL(&f, id, "overrides", JUDGE1);
	CHECK_COL(&f, id, "valid", "1");
	CHECK_COL(&f, id, "source_type", "HUMAN");
	CHECK_COL(&f, id, "source_id", ME);
	CHECK_COL(&f, id, "rationale", "it cites the docs");
	CHECK_COL(&f, id, "span_id", "NULL");
	CHECK_COL(&f, JUDGE1, "valid", "0");
	CHECK_COL(&f, JUDGE1, "value", "false");

	/* labelling again now updates my override */
	CHECK_INT(labeler_plan(f.lb, T1, NULL, "correct", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_UPDATE);
	CHECK_STR(plan.existing.id, id);
	label_plan_free(&plan);

	set_now(1700000200000);
	CHECK_INT(labeler_undo(f.lb, &u, &err), 0);
	CHECK_INT(u.kind, LABEL_OVERRIDE);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE assessment_id=%Q", id), 0);
	CHECK_COL(&f, JUDGE1, "valid", "1");
	label_result_free(&u);

	CHECK_INT(labeler_redo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, id, "overrides", JUDGE1);
	CHECK_COL(&f, id, "valid", "1");
	CHECK_COL(&f, id, "created_timestamp", "1700000100000");
	CHECK_COL(&f, JUDGE1, "valid", "0");
	CHECK_INT(count_mine(&f, T1, "correct"), 1);
	label_result_free(&res);
	free(id);
	fx_close(&f);
}

TEST(declined_override_adds_beside)
{
	struct label_result res = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(set_label(&f, T1, NULL, "correct", "true", VT_BOOL, NULL, false, &res), 0);
	CHECK_INT(res.kind, LABEL_CREATE);
	CHECK_COL(&f, res.id, "overrides", "NULL");
	CHECK_COL(&f, JUDGE1, "valid", "1");
	label_result_free(&res);
	fx_close(&f);
}

/* A final answer of adjudication overrides the judge's row even when
 * another human answered later; without a judge's row it is a new row
 * beside the humans'; a CODE row is overridden when no LLM judge
 * answered. */
TEST(override_judge_only_overrides_judges)
{
	struct label_result res = { 0 };
	struct label_req req = { 0 };
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	sql_exec(&f, "INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, "
		 "value, created_timestamp, last_updated_timestamp, source_type, source_id, "
		 "valid) VALUES ('a-human-later', '" T1 "', 'correct', 'feedback', 'false', "
		 "1700000900000, 1700000900000, 'HUMAN', 'bob@example.com', 1), "
		 "('a-human-t2', '" T2 "', 'correct', 'feedback', 'true', 1700000900000, "
		 "1700000900000, 'HUMAN', 'bob@example.com', 1)");
	req.trace_id = T1;
	req.name = "correct";
	req.value_text = "true";
	req.type = VT_BOOL;
	req.allow_override = true;
	req.override_judge = true;
	req.metadata = "{\"tracelab.adjudication\": \"true\"}";
	CHECK_INT(labeler_set(f.lb, &req, &res, &err), 0);
	CHECK_INT(res.kind, LABEL_OVERRIDE);
	CHECK_COL(&f, res.id, "overrides", JUDGE1);
	CHECK_COL(&f, res.id, "assessment_metadata", "{\"tracelab.adjudication\": \"true\"}");
	CHECK_COL(&f, JUDGE1, "valid", "0");
	CHECK_COL(&f, "a-human-later", "valid", "1");
	label_result_free(&res);

	req.trace_id = T2;
	CHECK_INT(labeler_set(f.lb, &req, &res, &err), 0);
	CHECK_INT(res.kind, LABEL_CREATE);
	CHECK_COL(&f, res.id, "overrides", "NULL");
	CHECK_COL(&f, "a-human-t2", "valid", "1");
	label_result_free(&res);

	req.trace_id = T3;
	req.name = "has_citation";
	CHECK_INT(labeler_set(f.lb, &req, &res, &err), 0);
	CHECK_INT(res.kind, LABEL_OVERRIDE);
	CHECK_COL(&f, res.id, "overrides", CODE3);
	CHECK_COL(&f, CODE3, "valid", "0");
	label_result_free(&res);
	fx_close(&f);
}

TEST(override_span_level_judge)
{
	struct label_result res = { 0 };
	struct label_plan plan;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	/* the judge's relevance is on the LLM span, not the trace */
	CHECK_INT(labeler_plan(f.lb, T1, NULL, "relevance", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_CREATE);
	label_plan_free(&plan);
	CHECK_INT(labeler_plan(f.lb, T1, CHILD, "relevance", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_OVERRIDE);
	CHECK_STR(plan.existing.id, JUDGE2);
	CHECK_STR(plan.existing.value, "\"yes\"");
	label_plan_free(&plan);

	CHECK_INT(set_label(&f, T1, CHILD, "relevance", "no", VT_TEXT, "off topic", true, &res), 0);
	CHECK_INT(res.kind, LABEL_OVERRIDE);
	CHECK_STR(res.span_id, CHILD);
	CHECK_COL(&f, res.id, "span_id", CHILD);
	CHECK_COL(&f, res.id, "value", "\"no\"");
	CHECK_COL(&f, res.id, "overrides", JUDGE2);
	CHECK_COL(&f, JUDGE2, "valid", "0");
	label_result_free(&res);

	/* A label of mine on the root span answers the trace's question: it
	 * is written trace-level, and labelling the trace updates it (one
	 * row per question, target and source). */
	CHECK_INT(set_label(&f, T2, ROOT, "quality", "2", VT_NUMBER, NULL, false, &res), 0);
	CHECK_INT(res.kind, LABEL_CREATE);
	CHECK_COL(&f, res.id, "span_id", "NULL");
	label_result_free(&res);
	CHECK_INT(set_label(&f, T2, NULL, "quality", "5", VT_NUMBER, NULL, false, &res), 0);
	CHECK_INT(res.kind, LABEL_UPDATE);
	CHECK_COL(&f, res.id, "value", "5");
	CHECK_INT(count_mine(&f, T2, "quality"), 1);
	label_result_free(&res);
	/* A row of mine that sits on the root span (written by another tool)
	 * is the one a trace label updates. */
	sql_exec(&f, "UPDATE assessments SET span_id = '" ROOT "' WHERE trace_id = '" T2 "'"
		 " AND name = 'quality' AND source_id = '" ME "'");
	CHECK_INT(set_label(&f, T2, NULL, "quality", "3", VT_NUMBER, NULL, false, &res), 0);
	CHECK_INT(res.kind, LABEL_UPDATE);
	CHECK_COL(&f, res.id, "span_id", ROOT);
	CHECK_INT(count_mine(&f, T2, "quality"), 1);
	label_result_free(&res);
	fx_close(&f);
}

TEST(override_code_feedback)
{
	struct label_plan plan;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(labeler_plan(f.lb, T3, NULL, "has_citation", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_OVERRIDE);
	CHECK_INT(plan.owner, OWNER_CODE);
	CHECK_STR(plan.existing.id, CODE3);
	label_plan_free(&plan);
	fx_close(&f);
}

/* ---- delete ------------------------------------------------------------ */

TEST(delete_restores_overridden_and_undo)
{
	struct label_result res = { 0 }, d = { 0 };
	struct err err = { 0 };
	char *id;
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(labeler_delete(f.lb, T1, NULL, "correct", NULL, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_INT(labeler_pending_count(f.lb), 0);

	CHECK_INT(set_label(&f, T1, NULL, "correct", "true", VT_BOOL, "cites the docs", true,
			    &res), 0);
	id = xstrdup(res.id);
	set_now(1700000200000);
	CHECK_INT(labeler_delete(f.lb, T1, NULL, "correct", &d, &err), 0);
	CHECK_INT(d.kind, LABEL_DELETE);
	CHECK_STR(d.id, id);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE assessment_id=%Q", id), 0);
	CHECK_COL(&f, JUDGE1, "valid", "1");

	/* undo delete: the same row, same id, timestamps and fields */
	set_now(1700000300000);
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);
	CHECK_COL(&f, id, "value", "true");
	CHECK_COL(&f, id, "rationale", "cites the docs");
	CHECK_COL(&f, id, "overrides", JUDGE1);
	CHECK_COL(&f, id, "valid", "1");
	CHECK_COL(&f, id, "source_id", ME);
	CHECK_COL(&f, id, "created_timestamp", "1700000100000");
	CHECK_COL(&f, id, "last_updated_timestamp", "1700000100000");
	CHECK_COL(&f, JUDGE1, "valid", "0");

	/* redo delete */
	CHECK_INT(labeler_redo(f.lb, NULL, &err), 0);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE assessment_id=%Q", id), 0);
	CHECK_COL(&f, JUDGE1, "valid", "1");

	/* undo twice: delete, then override: back to the judge alone */
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);
	CHECK_INT(count_mine(&f, T1, "correct"), 0);
	CHECK_COL(&f, JUDGE1, "valid", "1");
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE trace_id=%Q", T1), 2);
	label_result_free(&res);
	label_result_free(&d);
	free(id);
	fx_close(&f);
}

/* ---- repeat ------------------------------------------------------------ */

TEST(repeat_last_label)
{
	struct label_result res = { 0 };
	struct label_plan plan;
	const struct label_last *last;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_NULL(labeler_last(f.lb));
	CHECK_INT(labeler_repeat(f.lb, T2, NULL, false, NULL, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);

	CHECK_INT(set_label(&f, T2, NULL, "correct", "false", VT_BOOL, "wrong year", false, NULL), 0);
	last = labeler_last(f.lb);
	CHECK(last != NULL);
	CHECK_STR(last->name, "correct");
	CHECK_STR(last->value_text, "false");

	/* on T3 a judge said true: repeat plans an override there */
	CHECK_INT(labeler_repeat_plan(f.lb, T3, NULL, &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_OVERRIDE);
	CHECK_STR(plan.existing.id, JUDGE3);
	label_plan_free(&plan);
	CHECK_INT(labeler_repeat(f.lb, T3, NULL, true, &res, &err), 0);
	CHECK_INT(res.kind, LABEL_OVERRIDE);
	CHECK_COL(&f, res.id, "value", "false");
	CHECK_COL(&f, res.id, "name", "correct");
	CHECK_COL(&f, res.id, "rationale", "NULL");   /* the value only */
	CHECK_COL(&f, JUDGE3, "valid", "0");
	label_result_free(&res);

	/* and on the span of another trace */
	CHECK_INT(labeler_repeat(f.lb, T1, CHILD, false, &res, &err), 0);
	CHECK_INT(res.kind, LABEL_CREATE);
	CHECK_COL(&f, res.id, "span_id", CHILD);
	CHECK_COL(&f, res.id, "value", "false");
	label_result_free(&res);
	fx_close(&f);
}

/* ---- pending ----------------------------------------------------------- */

TEST(busy_store_keeps_labels_pending)
{
	struct label_result res = { 0 };
	const struct label_pending *p;
	struct label_plan plan;
	struct err err = { 0 };
	uint64_t gen;
	size_t n = 99;
	struct fx f;

	setenv("TRACELAB_BUSY_MS", "100", 1);
	fx_open(&f, 0);
	CHECK_INT(set_label(&f, T2, NULL, "quality", "1", VT_NUMBER, NULL, false, NULL), 0);
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);   /* history: the create, undone */

	sql_exec(&f, "BEGIN IMMEDIATE");
	gen = labeler_generation(f.lb);
	CHECK_INT(set_label(&f, T2, NULL, "quality", "4", VT_NUMBER, "good", false, &res), 0);
	CHECK(res.queued);
	CHECK_NULL(res.id);
	CHECK_STR(res.value, "4");
	CHECK(res.error && *res.error);
	label_result_free(&res);
	CHECK(labeler_generation(f.lb) != gen);
	CHECK_INT(labeler_pending_count(f.lb), 1);
	p = labeler_pending_at(f.lb, 0);
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->op, LABEL_OP_SET);
		CHECK_STR(p->trace_id, T2);
		CHECK_NULL(p->span_id);
		CHECK_STR(p->name, "quality");
		CHECK_STR(p->value, "4");
		CHECK_STR(p->rationale, "good");
		CHECK_INT(p->code, ERR_BUSY);
		CHECK(p->error && *p->error);
		CHECK_INT(p->attempts, 1);
	}

	/* the plan for a pending target needs no read and says "mine" */
	CHECK_INT(labeler_plan(f.lb, T2, NULL, "quality", &plan, &err), 0);
	CHECK_INT(plan.pending_ahead, 1);
	CHECK_INT(plan.kind, LABEL_UPDATE);
	label_plan_free(&plan);

	/* a second label on the same item queues behind the first, unattempted */
	CHECK_INT(set_label(&f, T2, NULL, "quality", "5", VT_NUMBER, NULL, false, &res), 0);
	CHECK(res.queued);
	label_result_free(&res);
	CHECK_INT(labeler_pending_count(f.lb), 2);
	p = labeler_pending_at(f.lb, 1);
	if (p) {
		CHECK_INT(p->attempts, 0);
		CHECK_STR(p->value, "5");
		CHECK_HAS(p->error, "pending");
	}
	/* another item is tried, and queues too */
	CHECK_INT(set_label(&f, T1, NULL, "correct", "true", VT_BOOL, NULL, true, &res), 0);
	CHECK(res.queued);
	label_result_free(&res);
	CHECK_INT(labeler_pending_count(f.lb), 3);

	/* undo is refused while its item has pending operations */
	CHECK_INT(labeler_redo(f.lb, NULL, &err), -1);
	CHECK_HAS(err.msg, "pending");

	/* a retry while still locked keeps everything, in order */
	CHECK_INT(labeler_retry(f.lb, &n, &err), -1);
	CHECK_INT(n, 0);
	CHECK_INT(labeler_pending_count(f.lb), 3);
	CHECK_HAS(err.msg, "3 operations still pending");
	p = labeler_pending_at(f.lb, 0);
	if (p)
		CHECK_INT(p->attempts, 2);
	CHECK_INT(count_mine(&f, T2, "quality"), 0);

	sql_exec(&f, "COMMIT");
	CHECK_INT(labeler_retry(f.lb, &n, &err), 0);
	CHECK_INT(n, 3);
	CHECK_INT(labeler_pending_count(f.lb), 0);
	/* exactly once, the later value, the rationale of the first */
	CHECK_INT(count_mine(&f, T2, "quality"), 1);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE trace_id=%Q AND name='quality' "
			"AND value='5' AND rationale='good' AND valid=1", T2), 1);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE trace_id=%Q AND name='correct' "
			"AND source_id=%Q AND value='true' AND overrides=%Q", T1, ME, JUDGE1), 1);
	CHECK_COL(&f, JUDGE1, "valid", "0");

	/* the retried writes are in the history: undo them in reverse */
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);   /* the override */
	CHECK_COL(&f, JUDGE1, "valid", "1");
	CHECK_INT(count_mine(&f, T1, "correct"), 0);
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);   /* 4 -> 5 */
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE trace_id=%Q AND name='quality' "
			"AND value='4'", T2), 1);
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);   /* the create */
	CHECK_INT(count_mine(&f, T2, "quality"), 0);
	CHECK(!labeler_can_undo(f.lb));
	fx_close(&f);
	unsetenv("TRACELAB_BUSY_MS");
}

TEST(pending_rationale_and_delete_follow_their_label)
{
	struct err err = { 0 };
	size_t n = 0;
	struct fx f;

	setenv("TRACELAB_BUSY_MS", "100", 1);
	fx_open(&f, 0);
	sql_exec(&f, "BEGIN IMMEDIATE");
	CHECK_INT(set_label(&f, T3, NULL, "tone", "dry", VT_TEXT, NULL, false, NULL), 0);
	CHECK_INT(labeler_set_rationale(f.lb, T3, NULL, "tone", "too terse", NULL, &err), 0);
	CHECK_INT(set_label(&f, T2, NULL, "tone", "warm", VT_TEXT, NULL, false, NULL), 0);
	CHECK_INT(labeler_delete(f.lb, T2, NULL, "tone", NULL, &err), 0);
	CHECK_INT(labeler_pending_count(f.lb), 4);
	CHECK_INT(labeler_pending_at(f.lb, 1)->op, LABEL_OP_RATIONALE);
	CHECK_INT(labeler_pending_at(f.lb, 3)->op, LABEL_OP_DELETE);
	sql_exec(&f, "COMMIT");
	CHECK_INT(labeler_retry(f.lb, &n, &err), 0);
	CHECK_INT(n, 4);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE trace_id=%Q AND name='tone' "
			"AND value='\"dry\"' AND rationale='too terse'", T3), 1);
	CHECK_INT(count_mine(&f, T2, "tone"), 0);
	fx_close(&f);
	unsetenv("TRACELAB_BUSY_MS");
}

TEST(discard_drops_pending)
{
	struct err err = { 0 };
	size_t n = 0;
	struct fx f;

	setenv("TRACELAB_BUSY_MS", "100", 1);
	fx_open(&f, 0);
	sql_exec(&f, "BEGIN IMMEDIATE");
	CHECK_INT(set_label(&f, T2, NULL, "quality", "2", VT_NUMBER, NULL, false, NULL), 0);
	CHECK_INT(set_label(&f, T3, NULL, "quality", "3", VT_NUMBER, NULL, false, NULL), 0);
	CHECK_INT(set_label(&f, T1, NULL, "quality", "1", VT_NUMBER, NULL, false, NULL), 0);
	CHECK_INT(labeler_pending_count(f.lb), 3);
	labeler_discard(f.lb, 1);
	CHECK_INT(labeler_pending_count(f.lb), 2);
	CHECK_STR(labeler_pending_at(f.lb, 1)->trace_id, T1);
	CHECK_NULL(labeler_pending_at(f.lb, 2));
	sql_exec(&f, "COMMIT");
	CHECK_INT(labeler_retry(f.lb, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK_INT(count_mine(&f, T2, "quality"), 1);
	CHECK_INT(count_mine(&f, T3, "quality"), 0);
	CHECK_INT(count_mine(&f, T1, "quality"), 1);

	sql_exec(&f, "BEGIN IMMEDIATE");
	CHECK_INT(set_label(&f, T3, NULL, "quality", "3", VT_NUMBER, NULL, false, NULL), 0);
	labeler_discard_all(f.lb);
	CHECK_INT(labeler_pending_count(f.lb), 0);
	sql_exec(&f, "COMMIT");
	CHECK_INT(labeler_retry(f.lb, &n, &err), 0);
	CHECK_INT(n, 0);
	CHECK_INT(count_mine(&f, T3, "quality"), 0);
	fx_close(&f);
	unsetenv("TRACELAB_BUSY_MS");
}

TEST(readonly_store_keeps_labels_pending)
{
	struct label_result res = { 0 };
	const struct label_pending *p;
	struct label_plan plan;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, STORE_READONLY);
	CHECK(store_is_readonly(f.st));
	CHECK_INT(labeler_plan(f.lb, T1, NULL, "correct", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_OVERRIDE);
	label_plan_free(&plan);
	CHECK_INT(set_label(&f, T1, NULL, "correct", "true", VT_BOOL, NULL, true, &res), 0);
	CHECK(res.queued);
	label_result_free(&res);
	p = labeler_pending_at(f.lb, 0);
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->code, ERR_READONLY);
		CHECK_HAS(p->error, "read");
	}
	CHECK_INT(labeler_retry(f.lb, NULL, &err), -1);
	CHECK_INT(err.code, ERR_READONLY);
	CHECK_INT(labeler_pending_count(f.lb), 1);
	CHECK_INT(count_mine(&f, T1, "correct"), 0);
	CHECK_COL(&f, JUDGE1, "valid", "1");
	fx_close(&f);
}

/* ---- one answer per question ------------------------------------------- */

TEST(judge_on_the_root_span_is_the_trace_question)
{
	struct label_result res = { 0 };
	struct label_plan plan;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	/* as mlflow.genai's harness writes a judge: on the root span */
	sql_exec(&f, "UPDATE assessments SET span_id = '" ROOT "' WHERE assessment_id = '" JUDGE1 "'");
	CHECK_INT(labeler_plan(f.lb, T1, NULL, "correct", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_OVERRIDE);
	CHECK_STR(plan.existing.id, JUDGE1);
	label_plan_free(&plan);
	CHECK_INT(set_label(&f, T1, NULL, "correct", "true", VT_BOOL, NULL, true, &res), 0);
	CHECK_INT(res.kind, LABEL_OVERRIDE);
	/* override_feedback keeps the old row's span: still the trace's */
	CHECK_COL(&f, res.id, "span_id", ROOT);
	CHECK_COL(&f, res.id, "overrides", JUDGE1);
	CHECK_COL(&f, JUDGE1, "valid", "0");
	label_result_free(&res);
	/* the next label of the trace updates that row */
	CHECK_INT(set_label(&f, T1, NULL, "correct", "false", VT_BOOL, NULL, false, &res), 0);
	CHECK_INT(res.kind, LABEL_UPDATE);
	CHECK_INT(count_mine(&f, T1, "correct"), 1);
	label_result_free(&res);
	fx_close(&f);
}

TEST(duplicates_keep_the_newest)
{
	struct label_result res = { 0 };
	struct label_plan plan;
	struct err err = { 0 };
	size_t n = 9;
	struct fx f;

	fx_open(&f, 0);
	/* Three valid rows of mine for one question, as older versions left
	 * them: trace-level, on the root span, and trace-level again. */
	sql_exec(&f, "INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value,"
		 " created_timestamp, last_updated_timestamp, source_type, source_id, span_id, valid)"
		 " VALUES ('a-dup1', '" T2 "', 'quality', 'feedback', '1', 1000, 1000, 'HUMAN', '" ME "',"
		 " NULL, 1), ('a-dup2', '" T2 "', 'quality', 'feedback', '2', 2000, 2000, 'HUMAN', '" ME
		 "', '" ROOT "', 1), ('a-dup3', '" T2 "', 'quality', 'feedback', '3', 1500, 3000, 'HUMAN',"
		 " '" ME "', NULL, 1), ('a-other', '" T2 "', 'quality', 'feedback', '4', 1000, 1000,"
		 " 'HUMAN', '" ME "', '" CHILD "', 1)");
	CHECK_INT(labeler_plan(f.lb, T2, NULL, "quality", &plan, &err), 0);
	CHECK_INT(plan.kind, LABEL_UPDATE);
	CHECK_INT(plan.duplicates, 3);           /* the span row is another question */
	CHECK_STR(plan.existing.id, "a-dup3");   /* the newest: last updated 3000 */
	label_plan_free(&plan);
	CHECK_INT(labeler_dedupe(f.lb, T2, NULL, "quality", &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK_INT(q_int(&f, "SELECT count(*) FROM assessments WHERE assessment_id IN ('a-dup1', 'a-dup2')"), 0);
	CHECK_COL(&f, "a-dup3", "value", "3");
	CHECK_COL(&f, "a-other", "value", "4");
	CHECK_INT(labeler_plan(f.lb, T2, NULL, "quality", &plan, &err), 0);
	CHECK_INT(plan.duplicates, 1);
	label_plan_free(&plan);
	/* undo brings the deleted rows back, one at a time */
	CHECK_INT(labeler_undo(f.lb, &res, &err), 0);
	label_result_free(&res);
	CHECK_INT(labeler_undo(f.lb, &res, &err), 0);
	label_result_free(&res);
	CHECK_INT(count_mine(&f, T2, "quality"), 4);
	fx_close(&f);
}

TEST(metadata_with_the_answer)
{
	struct label_req req = { 0 };
	struct label_result res = { 0 };
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	req.trace_id = T2;
	req.name = "quality";
	req.value_text = "4";
	req.type = VT_NUMBER;
	req.metadata = "{\"tracelab.seconds_on_item\": \"12\"}";
	CHECK_INT(labeler_set(f.lb, &req, &res, &err), 0);
	CHECK_COL(&f, res.id, "assessment_metadata", "{\"tracelab.seconds_on_item\": \"12\"}");
	label_result_free(&res);
	/* an update merges, as MLflow's update_assessment does */
	sql_exec(&f, "UPDATE assessments SET assessment_metadata = '{\"channel\": \"web\", "
		 "\"tracelab.seconds_on_item\": \"12\"}' WHERE name = 'quality' AND trace_id = '" T2 "'");
	req.value_text = "5";
	req.metadata = "{\"tracelab.seconds_on_item\": \"40\"}";
	CHECK_INT(labeler_set(f.lb, &req, &res, &err), 0);
	CHECK_INT(res.kind, LABEL_UPDATE);
	CHECK_COL(&f, res.id, "assessment_metadata",
		  "{\"channel\": \"web\", \"tracelab.seconds_on_item\": \"40\"}");
	label_result_free(&res);
	fx_close(&f);
}

/* ---- disagreement (pure) ----------------------------------------------- */

static void add_row(struct assessment_list *l, const char *name, const char *value,
		    const char *source_type, const char *source_id, const char *span_id,
		    bool valid)
{
	struct assessment a = { 0 };

	a.id = S("a-x");
	a.trace_id = S(T1);
	a.name = S(name);
	a.type = S("feedback");
	a.value = S(value);
	a.source_type = S(source_type);
	a.source_id = S(source_id);
	a.span_id = S(span_id);
	a.valid = valid;
	assessment_list_add(l, &a);
}

/* Completeness per question: a trace question on the trace or the root
 * span, a span question elsewhere, `any` either; only my valid feedback. */
TEST(answered_per_target)
{
	struct assessment_list l = { 0 };

	add_row(&l, "correct", "false", "LLM_JUDGE", "gpt", NULL, true);
	add_row(&l, "correct", "true", "HUMAN", "bob", NULL, true);
	add_row(&l, "correct", "true", "HUMAN", ME, NULL, false);   /* overridden */
	CHECK(!label_answered(&l, ROOT, ME, "correct", QT_TRACE));
	CHECK(!label_answered(&l, ROOT, ME, "correct", QT_ANY));
	add_row(&l, "correct", "true", "HUMAN", ME, ROOT, true);
	CHECK(label_answered(&l, ROOT, ME, "correct", QT_TRACE));
	CHECK(!label_answered(&l, ROOT, ME, "correct", QT_SPAN));
	CHECK(label_answered(&l, ROOT, ME, "correct", QT_ANY));
	CHECK(!label_answered(&l, ROOT, ME, "quality", QT_ANY));
	/* with the root unknown, a root-span row is a span's */
	CHECK(!label_answered(&l, NULL, ME, "correct", QT_TRACE));
	CHECK(label_answered(&l, NULL, ME, "correct", QT_SPAN));
	add_row(&l, "tool_ok", "true", "HUMAN", ME, CHILD, true);
	CHECK(label_answered(&l, ROOT, ME, "tool_ok", QT_SPAN));
	CHECK(!label_answered(&l, ROOT, ME, "tool_ok", QT_TRACE));
	CHECK(!label_answered(&l, ROOT, "bob", "tool_ok", QT_ANY));
	assessment_list_free(&l);
}

TEST(values_agree)
{
	CHECK(label_values_agree("true", "true"));
	CHECK(!label_values_agree("true", "false"));
	CHECK(label_values_agree("4", "4.0"));
	CHECK(!label_values_agree("4", "5"));
	CHECK(label_values_agree("0.5", "5e-1"));
	CHECK(label_values_agree("\"good\"", "\"Good \""));
	CHECK(!label_values_agree("\"good\"", "\"bad\""));
	CHECK(label_values_agree("\"caf\\u00e9\"", "\"caf\xc3\xa9\""));
	CHECK(label_values_agree("true", "\"yes\""));
	CHECK(label_values_agree("\"No\"", "false"));
	CHECK(!label_values_agree("true", "\"no\""));
	CHECK(!label_values_agree("true", "\"maybe\""));
	CHECK(label_values_agree("4", "\"4\""));
	CHECK(!label_values_agree("1", "true"));
	CHECK(label_values_agree("[1, 2]", "[1, 2]"));
	CHECK(!label_values_agree("[1, 2]", "[2, 1]"));
	CHECK(label_values_agree("null", "null"));
	CHECK(!label_values_agree("null", "false"));
	CHECK(!label_values_agree("\"unterminated", "\"unterminated\""));
}

TEST(disagreement_filter)
{
	struct assessment_list l = { 0 };

	add_row(&l, "correct", "false", "LLM_JUDGE", "gpt", NULL, true);
	CHECK(!label_disagrees(&l, NULL, ME, NULL));           /* nothing of mine */
	add_row(&l, "correct", "true", "HUMAN", ME, NULL, true);
	CHECK(label_disagrees(&l, NULL, ME, NULL));
	CHECK(label_disagrees(&l, NULL, ME, "correct"));
	CHECK(!label_disagrees(&l, NULL, ME, "quality"));
	CHECK(!label_disagrees(&l, NULL, "bob", NULL));        /* bob has nothing */
	assessment_list_free(&l);

	/* the judge overridden (valid = 0) no longer counts */
	add_row(&l, "correct", "false", "LLM_JUDGE", "gpt", NULL, false);
	add_row(&l, "correct", "true", "HUMAN", ME, NULL, true);
	CHECK(!label_disagrees(&l, NULL, ME, NULL));
	assessment_list_free(&l);

	/* different spans, different names, other humans, code: no */
	add_row(&l, "correct", "false", "LLM_JUDGE", "gpt", CHILD, true);
	add_row(&l, "relevance", "\"no\"", "LLM_JUDGE", "gpt", NULL, true);
	add_row(&l, "correct", "false", "HUMAN", "bob", NULL, true);
	add_row(&l, "correct", "false", "CODE", "check", NULL, true);
	add_row(&l, "correct", "true", "HUMAN", ME, NULL, true);
	add_row(&l, "relevance", "\"no\"", "HUMAN", ME, ROOT, true);
	CHECK(!label_disagrees(&l, NULL, ME, NULL));
	/* same span: yes */
	add_row(&l, "correct", "false", "HUMAN", ME, CHILD, true);
	CHECK(!label_disagrees(&l, NULL, ME, NULL));
	add_row(&l, "relevance", "\"yes\"", "LLM_JUDGE", "gpt", ROOT, true);
	CHECK(label_disagrees(&l, NULL, ME, NULL));
	CHECK(label_disagrees(&l, NULL, ME, "relevance"));
	CHECK(!label_disagrees(&l, NULL, ME, "correct"));
	assessment_list_free(&l);

	/* agreeing values across encodings; an error-only judge row */
	add_row(&l, "quality", "4.0", "LLM_JUDGE", "gpt", NULL, true);
	add_row(&l, "quality", "4", "HUMAN", ME, NULL, true);
	add_row(&l, "ok", "\"Yes\"", "LLM_JUDGE", "gpt", NULL, true);
	add_row(&l, "ok", "true", "HUMAN", ME, NULL, true);
	add_row(&l, "ok", "null", "LLM_JUDGE", "gpt", NULL, true);
	CHECK(!label_disagrees(&l, NULL, ME, NULL));
	add_row(&l, "quality", "2", "LLM_JUDGE", "other-judge", NULL, true);
	CHECK(label_disagrees(&l, NULL, ME, NULL));
	assessment_list_free(&l);

	/* The judge on the root span (as mlflow.genai scorers write it) and
	 * my trace-level answer are one question; on another span, not. */
	add_row(&l, "correct", "\"no\"", "LLM_JUDGE", "gpt", ROOT, true);
	add_row(&l, "correct", "true", "HUMAN", ME, NULL, true);
	CHECK(label_disagrees(&l, ROOT, ME, NULL));
	CHECK(!label_disagrees(&l, NULL, ME, NULL));   /* root unknown: other spans */
	CHECK(!label_disagrees(&l, CHILD, ME, NULL));
	{
		bool marks[2];

		CHECK_INT(label_disagree_marks(&l, ROOT, ME, NULL, marks), 1);
		CHECK(marks[0] && marks[1]);
	}
	assessment_list_free(&l);
}

TEST(disagreement_on_store_rows)
{
	struct assessment_list l = { 0 };
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(set_label(&f, T3, NULL, "correct", "false", VT_BOOL, NULL, false, NULL), 0);
	CHECK_INT(store_load_assessments(f.st, T3, &l, &err), 0);
	CHECK(label_disagrees(&l, NULL, ME, "correct"));
	assessment_list_free(&l);
	/* once overridden, the judge's row is no longer valid: no disagreement */
	CHECK_INT(labeler_undo(f.lb, NULL, &err), 0);
	CHECK_INT(set_label(&f, T3, NULL, "correct", "false", VT_BOOL, NULL, true, NULL), 0);
	CHECK_INT(store_load_assessments(f.st, T3, &l, &err), 0);
	CHECK(!label_disagrees(&l, NULL, ME, "correct"));
	assessment_list_free(&l);
	fx_close(&f);
}

TEST(owner_of)
{
	struct assessment a = { 0 };

	a.source_type = S("HUMAN");
	a.source_id = S(ME);
	CHECK_INT(label_owner_of(&a, ME), OWNER_ME);
	CHECK_INT(label_owner_of(&a, "bob"), OWNER_HUMAN);
	a.source_type = S("LLM_JUDGE");
	CHECK_INT(label_owner_of(&a, ME), OWNER_JUDGE);
	a.source_type = S("CODE");
	CHECK_INT(label_owner_of(&a, ME), OWNER_CODE);
	a.source_type = S("SOURCE_TYPE_UNSPECIFIED");
	CHECK_INT(label_owner_of(&a, ME), OWNER_OTHER);
	CHECK_STR(label_owner_text(OWNER_CODE), "code's");
}


TEST(labeler_needs_source_id)
{
	struct labeler *lb = NULL;
	struct err err = { 0 };
	struct fx f;

	fx_open(&f, 0);
	CHECK_INT(labeler_new(f.st, "", &lb, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	CHECK_NULL(lb);
	labeler_free(&lb);
	fx_close(&f);
}

int main(void)
{
	RUN(create_writes_mlflow_row);
	RUN(values_typed_per_schema);
	RUN(missing_trace_or_span_is_refused);
	RUN(undo_redo_create);
	RUN(undo_twice_in_a_row);
	RUN(update_mine_and_undo);
	RUN(rationale_edit_and_undo);
	RUN(override_judge_and_undo);
	RUN(declined_override_adds_beside);
	RUN(override_judge_only_overrides_judges);
	RUN(override_span_level_judge);
	RUN(override_code_feedback);
	RUN(delete_restores_overridden_and_undo);
	RUN(repeat_last_label);
	RUN(busy_store_keeps_labels_pending);
	RUN(pending_rationale_and_delete_follow_their_label);
	RUN(discard_drops_pending);
	RUN(readonly_store_keeps_labels_pending);
	RUN(values_agree);
	RUN(answered_per_target);
	RUN(judge_on_the_root_span_is_the_trace_question);
	RUN(duplicates_keep_the_newest);
	RUN(metadata_with_the_answer);
	RUN(disagreement_filter);
	RUN(disagreement_on_store_rows);
	RUN(owner_of);
	RUN(labeler_needs_source_id);
	TEST_MAIN_END();
}
