/* The SQLite store against real MLflow stores (copies of the fixtures):
 * opening and refusing, keyset paging in every sort, feedback summaries,
 * whole traces with spans, MLflow's assessment write semantics checked row
 * by row with SQL, locking, read-only files, import and new stores. */
#include <errno.h>
#include <strings.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

#include "core/model.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "store/filter_sql.h"
#include "store/backend.h"
#include "store/sqlite_int.h"
#include "store/store.h"
#include "test.h"
#include "test_sql.h"

#define REAL "mlflow-3-real-store.db"
#define DSPY "mlflow-3-dspy-react-agent.db"
#define DSPY_TRACE "tr-c3f8ccfcfd1ce910d7277a703eedd5e9"

/* ---- helpers ----------------------------------------------------------- */

static struct store *open_ok(const char *url)
{
	struct store *st = NULL;
	struct err err = { 0 };

	if (store_open(url, 0, &st, &err) < 0) {
		printf("    store_open(%s): %s\n", url, err.msg);
		exit(1);
	}
	return st;
}

static sqlite3 *raw(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		printf("    cannot open %s\n", path);
		exit(1);
	}
	return db;
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -12345;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		printf("    query failed: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return v;
}

/* First column of the first row as text ("(null)" for NULL, "(none)" for no
 * row); caller frees. */
static char *q_str(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		printf("    query failed: %s: %s\n", sql, sqlite3_errmsg(db));
		return xstrdup("(error)");
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		v = xstrdup(t ? (const char *)t : "(null)");
	} else {
		v = xstrdup("(none)");
	}
	sqlite3_finalize(st);
	return v;
}

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	if (!s || strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool is_assessment_id(const char *s)
{
	return s && strncmp(s, "a-", 2) == 0 && is_hex(s + 2, 32);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_span(struct trace *t, const char *id, const char *parent, const char *name,
		     int64_t start)
{
	struct span s = { 0 };

	s.id = xstrdup(id);
	s.parent_id = xstrdup_or_null(parent);
	s.name = xstrdup(name);
	s.type = xstrdup("CHAIN");
	s.status = SPAN_OK;
	s.start_ns = start;
	s.end_ns = start + 1000;
	s.content = xasprintf("{\"name\": \"%s\"}", name);
	trace_add_span(t, &s);
}

/* A trace row with the given fields (strings copied). */
static void make_trace(struct trace *t, const char *id, int64_t exp, int64_t ts, int64_t dur,
		       const char *status, const char *name, const char *request)
{
	memset(t, 0, sizeof *t);
	t->first_root = SPAN_NONE;
	t->info.id = xstrdup(id);
	t->info.experiment_id = exp;
	t->info.timestamp_ms = ts;
	t->info.duration_ms = dur;
	t->info.status = xstrdup(status);
	t->info.name = xstrdup_or_null(name);
	t->info.request_preview = xstrdup_or_null(request);
	t->info.response_preview = xstrdup("{\"answer\": 42}");
}

/* A copy of the real store with one trace "tr-one" (spans s1 < s0) in a new
 * experiment; *exp gets its id. */
static struct store *store_with_trace(const char *as, char **path, int64_t *exp)
{
	struct store *st;
	struct trace t;
	struct err err = { 0 };

	*path = test_copy_fixture(REAL, as);
	st = open_ok(*path);
	CHECK(store_begin(st, &err) == 0);
	CHECK(store_ensure_experiment(st, "feedback-tests", exp, &err) == 0);
	make_trace(&t, "tr-one", *exp, 1767225600000, 842, "OK", "answer", "{\"q\": 1}");
	add_span(&t, "00000000000000a0", NULL, "root", 100);
	add_span(&t, "00000000000000a1", "00000000000000a0", "child", 200);
	CHECK(store_put_trace(st, &t, &err) == 0);
	CHECK(store_commit(st, &err) == 0);
	trace_free(&t);
	return st;
}

/* ---- opening ----------------------------------------------------------- */

TEST(open_real_store_and_list_experiments)
{
	char *path = test_copy_fixture(REAL, "real.db");
	char *url = xasprintf("sqlite:///%s", path);  /* sqlite:////abs/path */
	struct store *st = open_ok(url);
	struct experiment_list l = { 0 };
	struct err err = { 0 };
	int64_t id = -1;

	CHECK(!store_is_readonly(st));
	CHECK_STR(store_url(st), url);
	CHECK(store_dir(st)[0] == '/');
	CHECK_INT(store_list_experiments(st, &l, &err), 0);
	CHECK_INT(l.n, 8);
	if (l.n == 8) {
		CHECK_INT(l.v[0].id, 0);
		CHECK_STR(l.v[0].name, "Default");
		CHECK_STR(l.v[7].name, "llm-as-a-judge");
		CHECK_STR(l.v[7].artifact_location, "/workspaces/MLFlow-LLM-Evaluation/mlruns/7");
		CHECK_STR(l.v[3].lifecycle_stage, "active");
		CHECK_INT(l.v[3].trace_count, -1);
	}
	CHECK_INT(store_find_experiment(st, "3", &id, &err), 0);
	CHECK_INT(id, 3);
	CHECK_INT(store_find_experiment(st, "llm-as-a-judge", &id, &err), 0);
	CHECK_INT(id, 7);
	CHECK_INT(store_find_experiment(st, "nope", &id, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "no experiment 'nope' in this store");
	experiment_list_free(&l);
	store_close(st);
	free(url);
	free(path);
}

TEST(open_urls)
{
	char *path = test_copy_fixture(REAL, "rel.db");
	char cwd[1024];
	struct store *st = NULL;
	struct err err = { 0 };

	/* sqlite:///relative/path is relative to the working directory. */
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	CHECK(chdir(test_tmpdir()) == 0);
	CHECK_INT(store_open("sqlite:///rel.db", 0, &st, &err), 0);
	store_close(st);
	st = NULL;
	CHECK(chdir(cwd) == 0);

	CHECK_INT(store_open("postgresql://u@host/mlflow", 0, &st, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	CHECK_STR(err.msg, "unsupported store URL scheme 'postgresql' (supported: sqlite, http(s))");
	CHECK_INT(store_open("sqlite://host/x.db", 0, &st, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	CHECK_HAS(err.msg, "malformed sqlite URL");
	CHECK_NULL(st);
	free(path);
}

TEST(refuse_non_mlflow_files)
{
	char *v2 = test_copy_fixture(REAL, "mlflow2.db");
	char *text = test_path("notes.txt");
	char *empty = test_path("empty.db");
	char *missing = test_path("missing.db");
	char *want;
	struct store *st = NULL;
	struct err err = { 0 };
	sqlite3 *db;
	FILE *f;

	/* An MLflow 2 store: no assessments table. */
	db = raw(v2);
	exec_ok(db, "DROP TABLE assessments");
	sqlite3_close(db);
	CHECK_INT(store_open(v2, 0, &st, &err), -1);
	CHECK_INT(err.code, ERR_SCHEMA);
	want = xasprintf("%s: MLflow store without an assessments table (written by MLflow "
			 "older than 3); run `mlflow db upgrade` first", v2);
	CHECK_STR(err.msg, want);
	free(want);

	f = fopen(text, "w");
	CHECK(f != NULL);
	if (f) {
		for (int i = 0; i < 200; i++)
			fputs("this is not a database at all\n", f);
		fclose(f);
	}
	CHECK_INT(store_open(text, 0, &st, &err), -1);
	CHECK_INT(err.code, ERR_SCHEMA);
	want = xasprintf("%s: not an SQLite database", text);
	CHECK_STR(err.msg, want);
	free(want);

	db = NULL;
	CHECK(sqlite3_open(empty, &db) == SQLITE_OK);
	exec_ok(db, "CREATE TABLE t (x)");
	sqlite3_close(db);
	CHECK_INT(store_open(empty, 0, &st, &err), -1);
	CHECK_INT(err.code, ERR_SCHEMA);
	want = xasprintf("%s: not an MLflow tracking store (no trace_info table)", empty);
	CHECK_STR(err.msg, want);
	free(want);

	CHECK_INT(store_open(missing, 0, &st, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	want = xasprintf("%s: no such file", missing);
	CHECK_STR(err.msg, want);
	free(want);
	CHECK(access(missing, F_OK) < 0);  /* never created */
	CHECK_NULL(st);
	free(v2);
	free(text);
	free(empty);
	free(missing);
}

TEST(read_only_file_opens_and_refuses_writes)
{
	int64_t exp;
	char *path;
	struct store *st = store_with_trace("ro.db", &path, &exp);
	struct assessment_new a = { 0 };
	struct trace t;
	struct err err = { 0 };
	char id[64], *want;
	sqlite3 *db;

	store_close(st);
	CHECK(chmod(path, 0444) == 0);
	st = open_ok(path);
	CHECK(store_is_readonly(st));
	a.trace_id = "tr-one";
	a.name = "correctness";
	a.value_json = "true";
	CHECK_INT(store_log_assessment(st, &a, id, &err), -1);
	CHECK_INT(err.code, ERR_READONLY);
	want = xasprintf("store is read-only: %s", path);
	CHECK_STR(err.msg, want);
	free(want);
	CHECK_INT(store_delete_assessment(st, "a-x", &err), -1);
	CHECK_INT(err.code, ERR_READONLY);
	CHECK_INT(store_begin(st, &err), -1);
	CHECK_INT(err.code, ERR_READONLY);
	/* Reads still work. */
	CHECK_INT(store_check_target(st, "tr-one", NULL, &err), 0);
	store_close(st);
	CHECK(chmod(path, 0644) == 0);

	/* STORE_READONLY on a writable file. */
	CHECK_INT(store_open(path, STORE_READONLY, &st, &err), 0);
	CHECK(store_is_readonly(st));
	make_trace(&t, "tr-two", exp, 1, 1, "OK", NULL, NULL);
	CHECK_INT(store_put_trace(st, &t, &err), -1);
	CHECK_INT(err.code, ERR_READONLY);
	trace_free(&t);
	store_close(st);

	db = raw(path);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments"), 0);
	CHECK_INT(q_int(db, "SELECT count(*) FROM trace_info"), 1);
	sqlite3_close(db);
	free(path);
}

/* ---- paging ------------------------------------------------------------ */

#define NPAGE 250

struct expect {
	char id[40];
	int64_t ts, dur;
	const char *status, *name;
};

static const char *const statuses[] = { "OK", "ERROR", "IN_PROGRESS" };
static const char *const trace_names[] = { "Agent.run", "chat", "retrieve", "Zeta", "answer" };

static struct expect expected[NPAGE];
static enum sort_key cmp_sort;
static bool cmp_asc;

/* Display order: value (NULLs last), then request_id ascending. */
static int expect_cmp(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;
	int c = 0;
	bool xn = false, yn = false;

	switch (cmp_sort) {
	case SORT_TIME:
		c = (x->ts > y->ts) - (x->ts < y->ts);
		break;
	case SORT_DURATION:
		xn = x->dur < 0;
		yn = y->dur < 0;
		c = (x->dur > y->dur) - (x->dur < y->dur);
		break;
	case SORT_STATUS:
		c = strcmp(x->status, y->status);
		break;
	case SORT_NAME:
		xn = !x->name;
		yn = !y->name;
		c = xn || yn ? 0 : strcmp(x->name, y->name);
		break;
	case SORT_QUEUE:   /* tests/cli/queues.sh and tests/e2e/queues.sh */
		break;
	}
	if (xn != yn)
		return xn ? 1 : -1;
	if (!xn && c)
		return cmp_asc ? c : -c;
	return strcmp(x->id, y->id);
}

/* Copies a file within the temporary directory. */
static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *data = read_file(from, &n);
	FILE *f = fopen(to, "wb");

	if (!data || !f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		printf("    cannot copy %s to %s\n", from, to);
		exit(1);
	}
	free(data);
}

/* A store with NPAGE traces in experiment "paging", built once and copied
 * for each test; expected[] describes them in import order. */
/* Import order: the last 24 characters of an id are its index. */
static int expect_by_import(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;

	return strcmp(x->id + 11, y->id + 11);
}

static struct store *paging_store(char **path, int64_t *exp)
{
	static char *built;
	struct store *st;
	struct err err = { 0 };
	int i;

	*path = test_path("paging.db");
	if (built) {
		copy_file(built, *path);
		st = open_ok(*path);
		CHECK(store_find_experiment(st, "paging", exp, &err) == 0);
		qsort(expected, NPAGE, sizeof expected[0], expect_by_import);
		return st;
	}
	built = test_copy_fixture(REAL, "paging-built.db");
	st = open_ok(built);
	CHECK(store_begin(st, &err) == 0);
	CHECK(store_ensure_experiment(st, "paging", exp, &err) == 0);
	for (i = 0; i < NPAGE; i++) {
		struct expect *e = &expected[i];
		struct trace t;
		char req[128];

		/* Ids in an order unrelated to i; timestamps in groups of ~6. */
		snprintf(e->id, sizeof e->id, "tr-%08x%024d", (unsigned)i * 2654435761u, i);
		e->ts = 1767225600000 + (i % 40) * 1000;
		e->dur = i % 9 == 0 ? -1 : (i * 37) % 500;
		e->status = statuses[i % 3];
		e->name = i % 11 == 0 ? NULL : trace_names[i % 5];
		if (i % 50 == 0)
			snprintf(req, sizeof req, "{\"q\": \"Deal 50%%_off now %d\"}", i);
		else if (i % 50 == 1)
			snprintf(req, sizeof req, "{\"q\": \"deal 50xyoff %d\"}", i);
		else
			snprintf(req, sizeof req, "{\"q\": \"question %d\"}", i);
		make_trace(&t, e->id, *exp, e->ts, e->dur, e->status, e->name, req);
		if (i % 7 == 0)
			kv_list_add(&t.metadata, "mlflow.trace.user", "alice");
		CHECK(store_put_trace(st, &t, &err) == 0);
		trace_free(&t);
	}
	CHECK(store_commit(st, &err) == 0);
	store_close(st);
	free(*path);
	return paging_store(path, exp);
}

static bool same_ids(char **got, size_t n, enum sort_key sort, bool asc, const char *how)
{
	size_t i;

	if (n != NPAGE) {
		printf("    sort %d asc %d %s: %zu rows, expected %d\n", (int)sort, asc, how, n,
		       NPAGE);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(got[i], expected[i].id) != 0) {
			printf("    sort %d asc %d %s: row %zu is %s, expected %s\n", (int)sort,
			       asc, how, i, got[i], expected[i].id);
			return false;
		}
	}
	return true;
}

TEST(keyset_pages_walk_every_sort_both_ways)
{
	int64_t exp, count = 0;
	char *path;
	struct store *st = paging_store(&path, &exp);
	struct err err = { 0 };
	int s, asc;

	CHECK_INT(store_count_traces(st, exp, NULL, 0, NULL, NULL, &count, &err), 0);
	CHECK_INT(count, NPAGE);
	for (s = SORT_TIME; s <= SORT_NAME; s++) {
		for (asc = 0; asc <= 1; asc++) {
			char *got[NPAGE + 20];
			size_t n = 0, i, pages = 0;
			struct page_cursor cur = { 0 };
			struct page_req req = { 0 };
			bool more = true, ok = true;

			cmp_sort = (enum sort_key)s;
			cmp_asc = asc;
			qsort(expected, NPAGE, sizeof expected[0], expect_cmp);
			req.experiment_id = exp;
			req.sort = (enum sort_key)s;
			req.ascending = asc;
			req.limit = 17;

			/* Forward from the start. */
			req.dir = PAGE_AFTER;
			while (more && ok && pages < 30) {
				struct trace_page p = { 0 };

				req.cursor = cur.set ? &cur : NULL;
				ok = store_page_traces(st, &req, &p, &err) == 0;
				for (i = 0; ok && i < p.n && n < NPAGE + 20; i++)
					got[n++] = xstrdup(p.v[i].id);
				more = p.more;
				ok = ok && (p.n == 17 || !more);
				if (p.n)
					page_cursor_from_row(&cur, req.sort, &p.v[p.n - 1]);
				trace_page_free(&p);
				pages++;
			}
			CHECK(ok);
			CHECK_INT(pages, (NPAGE + 16) / 17);
			CHECK(same_ids(got, n, req.sort, asc, "forward"));
			for (i = 0; i < n; i++)
				free(got[i]);
			page_cursor_free(&cur);

			/* Backward from the end: each page is prepended. */
			n = 0;
			pages = 0;
			more = true;
			req.dir = PAGE_BEFORE;
			while (more && ok && pages < 30) {
				struct trace_page p = { 0 };

				req.cursor = cur.set ? &cur : NULL;
				ok = store_page_traces(st, &req, &p, &err) == 0;
				if (ok && n + p.n <= NPAGE + 20) {
					memmove(got + p.n, got, n * sizeof *got);
					for (i = 0; i < p.n; i++)
						got[i] = xstrdup(p.v[i].id);
					n += p.n;
				}
				more = p.more;
				ok = ok && (p.n == 17 || !more);
				if (p.n)
					page_cursor_from_row(&cur, req.sort, &p.v[0]);
				trace_page_free(&p);
				pages++;
			}
			CHECK(ok);
			CHECK(same_ids(got, n, req.sort, asc, "backward"));
			for (i = 0; i < n; i++)
				free(got[i]);
			page_cursor_free(&cur);
		}
	}
	if (err.code)
		printf("    last error: %s\n", err.msg);
	store_close(st);
	free(path);
}

/* ids_only pages: the same rows in the same order, with their ids and sort
 * values and nothing else. */
TEST(ids_only_pages_walk_every_sort)
{
	int64_t exp;
	char *path;
	struct store *st = paging_store(&path, &exp);
	struct err err = { 0 };
	int s;

	for (s = SORT_TIME; s <= SORT_NAME; s++) {
		char *got[NPAGE + 20];
		size_t n = 0, i, pages = 0;
		struct page_cursor cur = { 0 };
		struct page_req req = { 0 };
		bool more = true, ok = true, bare = true;

		cmp_sort = (enum sort_key)s;
		cmp_asc = 0;
		qsort(expected, NPAGE, sizeof expected[0], expect_cmp);
		req.experiment_id = exp;
		req.sort = (enum sort_key)s;
		req.limit = 23;
		req.ids_only = true;
		req.me = "alice";
		while (more && ok && pages < 30) {
			struct trace_page p = { 0 };

			req.cursor = cur.set ? &cur : NULL;
			ok = store_page_traces(st, &req, &p, &err) == 0;
			for (i = 0; ok && i < p.n && n < NPAGE + 20; i++) {
				got[n++] = xstrdup(p.v[i].id);
				bare = bare && !p.v[i].request_preview && !p.v[i].user && !p.v[i].nfb;
			}
			more = p.more;
			ok = ok && (p.n == 23 || !more);
			if (p.n)
				page_cursor_from_row(&cur, req.sort, &p.v[p.n - 1]);
			trace_page_free(&p);
			pages++;
		}
		CHECK(ok);
		CHECK(bare);
		CHECK_INT(pages, (NPAGE + 22) / 23);
		CHECK(same_ids(got, n, req.sort, false, "ids only"));
		for (i = 0; i < n; i++)
			free(got[i]);
		page_cursor_free(&cur);
	}
	store_close(st);
	free(path);
}

static size_t page_count(struct store *st, struct page_req *req)
{
	struct trace_page p = { 0 };
	struct err err = { 0 };
	size_t n;

	req->limit = 1000;
	if (store_page_traces(st, req, &p, &err) < 0) {
		printf("    page failed: %s\n", err.msg);
		return (size_t)-1;
	}
	n = p.n;
	trace_page_free(&p);
	return n;
}

TEST(search_quick_filters_and_filter_errors)
{
	int64_t exp, count = 0;
	char *path;
	struct store *st = paging_store(&path, &exp);
	struct page_req req = { 0 };
	struct trace_page p = { 0 };
	struct sql_where w = { 0 };
	struct err err = { 0 }, ferr = { 0 };
	int rc, frc, i, names = 0, errors = 0;

	for (i = 0; i < NPAGE; i++) {
		names += expected[i].name && strcmp(expected[i].name, "Agent.run") == 0;
		errors += strcmp(expected[i].status, "ERROR") == 0;
	}
	req.experiment_id = exp;
	req.search = "DEAL 50%_OFF";   /* % and _ are literal, case does not matter */
	CHECK_INT(page_count(st, &req), 5);
	req.search = "agent.R";
	CHECK_INT(page_count(st, &req), names);
	req.search = NULL;
	req.quick = QF_ERRORS;
	CHECK_INT(page_count(st, &req), errors);
	CHECK_INT(store_count_traces(st, exp, NULL, QF_ERRORS, NULL, NULL, &count, &err), 0);
	CHECK_INT(count, errors);

	/* The filter compiler's error comes back as it is. */
	req.quick = 0;
	req.filter = "status = 'OK' AND ((";
	req.limit = 10;
	frc = filter_to_sql(req.filter, &w, &ferr);
	sql_where_free(&w);
	rc = store_page_traces(st, &req, &p, &err);
	CHECK_INT(rc, frc);
	if (rc < 0) {
		CHECK_INT(err.code, ferr.code);
		CHECK_STR(err.msg, ferr.msg);
	}
	trace_page_free(&p);

	/* Keyset, quick filter, search and filter in one query: their bound
	 * values must line up.  Pages of 5 against a brute-force count. */
	if (frc == 0 || filter_to_sql("name = 'chat'", &w, &ferr) == 0) {
		struct page_cursor cur = { 0 };
		int64_t from = 1767225600000 + 10 * 1000;
		char *filter = xasprintf("name = 'chat' AND timestamp_ms >= %lld", (long long)from);
		size_t got = 0, pages = 0;
		int want = 0, want_count = 0;
		bool more = true;

		sql_where_free(&w);
		for (i = 0; i < NPAGE; i++) {
			bool match = str_eq(expected[i].name, "chat") && expected[i].ts >= from &&
				     strcmp(expected[i].status, "ERROR") == 0;

			want_count += match;
			want += match && i % 50 > 1;  /* "question" previews */
		}
		req.filter = filter;
		req.quick = QF_ERRORS;
		req.search = "QUESTION";
		req.limit = 5;
		while (more && pages++ < 40) {
			struct trace_page pg = { 0 };

			req.cursor = cur.set ? &cur : NULL;
			if (store_page_traces(st, &req, &pg, &err) < 0) {
				printf("    %s\n", err.msg);
				break;
			}
			got += pg.n;
			more = pg.more;
			if (pg.n)
				page_cursor_from_row(&cur, req.sort, &pg.v[pg.n - 1]);
			trace_page_free(&pg);
		}
		CHECK(want > 5);
		CHECK_INT(got, want);
		CHECK_INT(store_count_traces(st, exp, filter, QF_ERRORS, NULL, NULL, &count, &err), 0);
		CHECK_INT(count, want_count);
		page_cursor_free(&cur);
		free(filter);
	}
	sql_where_free(&w);
	store_close(st);
	free(path);
}

/* Does a row hold the search text "50%_off" (any case)? */
static bool row_deal(const struct trace_row *r)
{
	const char *p = r->request_preview;

	for (; p && *p; p++)
		if (strncasecmp(p, "50%_off", 7) == 0)
			return true;
	return false;
}

/* A `first` page is the next match in display order after the cursor, and
 * `until` stops the scan before a row: checked against the whole list read
 * in pages, in every sort, both orders and both directions (timestamps
 * come in groups, so the time sort's ties are crossed too). */
TEST(first_match_and_until_follow_the_list)
{
	int64_t exp;
	char *path;
	struct store *st = paging_store(&path, &exp);
	struct err err = { 0 };
	int s, asc, dir, bad = 0, checked = 0;

	for (s = SORT_TIME; s <= SORT_NAME; s++) {
		for (asc = 0; asc < 2; asc++) {
			struct page_req all = { 0 };
			struct trace_page list = { 0 };
			size_t k;

			all.experiment_id = exp;
			all.sort = (enum sort_key)s;
			all.ascending = asc;
			all.limit = 1000;
			CHECK_INT(store_page_traces(st, &all, &list, &err), 0);
			CHECK_INT(list.n, NPAGE);
			for (k = 0; k < list.n; k += 7) {
				struct page_cursor cur = { 0 };

				page_cursor_from_row(&cur, all.sort, &list.v[k]);
				for (dir = PAGE_AFTER; dir <= PAGE_BEFORE; dir++) {
					struct page_req r = all;
					struct trace_page p = { 0 };
					const char *want = NULL, *want_wrap = NULL;
					long i, step = dir == PAGE_AFTER ? 1 : -1;

					for (i = (long)k + step; i >= 0 && i < (long)list.n; i += step)
						if (row_deal(&list.v[i])) {
							want = list.v[i].id;
							break;
						}
					for (i = dir == PAGE_AFTER ? 0 : (long)list.n - 1; i != (long)k;
					     i += step)
						if (row_deal(&list.v[i])) {
							want_wrap = list.v[i].id;
							break;
						}
					r.dir = (enum page_dir)dir;
					r.first = true;
					r.search = "50%_OFF";
					r.cursor = &cur;
					CHECK_INT(store_page_traces(st, &r, &p, &err), 0);
					bad += want ? !(p.n == 1 && strcmp(p.v[0].id, want) == 0) : p.n != 0;
					bad += p.more;
					trace_page_free(&p);
					r.cursor = NULL;
					r.until = &cur;
					CHECK_INT(store_page_traces(st, &r, &p, &err), 0);
					bad += want_wrap ? !(p.n == 1 && strcmp(p.v[0].id, want_wrap) == 0)
							 : p.n != 0;
					trace_page_free(&p);
					checked++;
				}
				page_cursor_free(&cur);
			}
			trace_page_free(&list);
		}
	}
	CHECK(checked > 200);
	CHECK_INT(bad, 0);
	store_close(st);
	free(path);
}

TEST(time_page_query_searches_the_index)
{
	int64_t exp;
	char *path = test_copy_fixture(REAL, "plan.db");
	struct store *st = open_ok(path);
	struct page_req req = { 0 };
	struct page_cursor cur = { 0 };
	struct trace_row row = { 0 };
	struct err err = { 0 };
	char *sql = NULL, *plan = NULL;

	CHECK(store_ensure_experiment(st, "plan", &exp, &err) == 0);
	req.experiment_id = exp;
	req.sort = SORT_TIME;
	req.limit = 50;
	row.id = xstrdup("tr-x");
	row.timestamp_ms = 1767225600000;
	page_cursor_from_row(&cur, SORT_TIME, &row);
	req.cursor = &cur;
	for (int dir = PAGE_AFTER; dir <= PAGE_BEFORE; dir++) {
		req.dir = (enum page_dir)dir;
		CHECK_INT(sq_page_plan(st, &req, &sql, &plan, &err), 0);
		CHECK_HAS(plan, "SEARCH ti USING INDEX index_trace_info_experiment_id_timestamp_ms "
			  "(experiment_id=? AND timestamp_ms");
		CHECK(!strstr(plan, "SCAN"));
		CHECK(!strstr(sql, "OFFSET"));
		CHECK_HAS(sql, "LIMIT ?");
		free(sql);
		free(plan);
	}
	req.cursor = NULL;
	CHECK_INT(sq_page_plan(st, &req, &sql, &plan, &err), 0);
	CHECK_HAS(plan, "SEARCH ti USING INDEX index_trace_info_experiment_id_timestamp_ms "
		  "(experiment_id=?)");
	CHECK(!strstr(plan, "SCAN"));
	/* The page's feedback comes by trace id, never through the index on
	 * assessment_type (every feedback row of the store). */
	CHECK_HAS(plan, "-- feedback of the page\n"
		  "SEARCH assessments USING INDEX index_assessments_trace_id_created_timestamp "
		  "(trace_id=?)");
	CHECK(!strstr(plan, "index_assessments_assessment_type"));
	free(sql);
	free(plan);

	/* Quick filters look at each trace's own assessments. */
	req.quick = QF_UNLABELLED | QF_HAS_JUDGE | QF_DISAGREE;
	req.me = "me";
	CHECK_INT(sq_page_plan(st, &req, &sql, &plan, &err), 0);
	CHECK_HAS(plan, "SEARCH ti USING INDEX index_trace_info_experiment_id_timestamp_ms");
	CHECK(!strstr(plan, "SCAN"));
	CHECK(!strstr(plan, "index_assessments_assessment_type"));
	free(sql);
	free(plan);
	trace_row_free(&row);
	page_cursor_free(&cur);
	store_close(st);
	free(path);
}

/* ---- feedback summaries ------------------------------------------------ */

static void log_fb(struct store *st, const char *trace, const char *name, const char *value,
		   const char *source_type, const char *source_id, int64_t ms,
		   const char *overrides, char *id)
{
	struct assessment_new a = { 0 };
	struct err err = { 0 };

	a.trace_id = trace;
	a.name = name;
	a.value_json = value;
	a.source_type = source_type;
	a.source_id = source_id;
	a.created_ms = ms;
	a.overrides = overrides;
	if (store_log_assessment(st, &a, id, &err) < 0)
		printf("    log %s failed: %s\n", name, err.msg);
}

/* ---- the question rule in SQL ------------------------------------------ */

#define DSPY_ROOT "51d7f0b47703f6ad"
#define DSPY_CHILD "0603e7d69afa65ce"   /* a ChatAdapter.parse span */

/* The DSPy store with MLflow's judge rows on its trace's root span
 * (judges-on-root-spans.sql: correctness "yes", helpfulness 2). */
static char *judged_store(const char *as)
{
	char *path = test_copy_fixture(DSPY, as), *sql, *file;
	sqlite3 *db = raw(path);
	size_t len;

	file = xasprintf("%s/judges-on-root-spans.sql", test_fixtures());
	sql = read_file(file, &len);
	if (!sql) {
		printf("    cannot read %s\n", file);
		exit(1);
	}
	exec_ok(db, sql);
	/* only the rows of this store's trace */
	exec_ok(db, "DELETE FROM assessments WHERE trace_id <> '" DSPY_TRACE "'");
	sqlite3_close(db);
	free(sql);
	free(file);
	return path;
}

static int64_t count_q(struct store *st, unsigned quick, const char *me,
		       const struct question_ref *qs)
{
	struct err err = { 0 };
	int64_t n = -1;

	if (store_count_traces(st, 1, NULL, quick, me, qs, &n, &err) < 0)
		printf("    count failed: %s\n", err.msg);
	return n;
}

TEST(root_span_rows_answer_the_trace)
{
	char *path = judged_store("judged.db"), *root = NULL, id[64];
	struct store *st = open_ok(path);
	sqlite3 *db = raw(path);
	struct trace_row row = { 0 };
	struct err err = { 0 };
	const struct fb_cell *c;
	const struct question_ref trace_q[] = { { "correctness", QT_TRACE, true, false },
						{ NULL, QT_TRACE, false, false } };
	const struct question_ref span_q[] = { { "correctness", QT_SPAN, true, false },
					       { NULL, QT_TRACE, false, false } };
	const struct question_ref two[] = { { "correctness", QT_TRACE, true, false },
					    { "helpfulness", QT_TRACE, true, false },
					    { NULL, QT_TRACE, false, false } };
	const struct question_ref optional[] = { { "correctness", QT_TRACE, false, false },
						 { "helpfulness", QT_TRACE, false, false },
						 { NULL, QT_TRACE, false, false } };

	CHECK_INT(store_root_span(st, DSPY_TRACE, &root, &err), 0);
	CHECK_STR(root, DSPY_ROOT);
	free(root);
	CHECK_INT(store_root_span(st, "tr-nope", &root, &err), 0);
	CHECK_NULL(root);

	/* The judge's root-span rows are the trace's: they fill the cells. */
	CHECK_INT(store_get_row(st, DSPY_TRACE, "me", &row, &err), 0);
	c = trace_row_fb(&row, "correctness");
	CHECK(c && str_eq(c->judge, "\"yes\""));
	trace_row_free(&row);
	CHECK_INT(count_q(st, QF_UNLABELLED, "me", trace_q), 1);

	/* My trace-level false and the judge's root-span "yes" are one
	 * question, in one cell, and disagree. */
	log_fb(st, DSPY_TRACE, "correctness", "false", "HUMAN", "me", 2000, NULL, id);
	CHECK_INT(store_get_row(st, DSPY_TRACE, "me", &row, &err), 0);
	c = trace_row_fb(&row, "correctness");
	CHECK(c && str_eq(c->mine, "false") && str_eq(c->judge, "\"yes\""));
	trace_row_free(&row);
	CHECK_INT(count_q(st, QF_DISAGREE, "me", NULL), 1);
	CHECK_INT(count_q(st, QF_UNLABELLED, "me", trace_q), 0);
	/* one of two required questions answered: not complete */
	CHECK_INT(count_q(st, QF_UNLABELLED, "me", two), 1);
	/* none required: any answer will do */
	CHECK_INT(count_q(st, QF_UNLABELLED, "me", optional), 0);
	/* a span question is not answered by a trace-level row */
	CHECK_INT(count_q(st, QF_UNLABELLED, "me", span_q), 1);

	/* "yes" as true agrees: no longer a disagreement. */
	exec_ok(db, "UPDATE assessments SET value = 'true' WHERE source_id = 'me'");
	CHECK_INT(count_q(st, QF_DISAGREE, "me", NULL), 0);

	/* A judge on another span is another question: not in the cell, and
	 * no disagreement with my trace-level answer. */
	exec_ok(db, "UPDATE assessments SET span_id = '" DSPY_CHILD "', value = '\"no\"'"
		" WHERE source_type = 'LLM_JUDGE' AND name = 'correctness'");
	CHECK_INT(store_get_row(st, DSPY_TRACE, "me", &row, &err), 0);
	c = trace_row_fb(&row, "correctness");
	CHECK(c && str_eq(c->mine, "true") && !c->judge);
	trace_row_free(&row);
	CHECK_INT(count_q(st, QF_DISAGREE, "me", NULL), 0);
	/* ... but with my answer on that span, there is one. */
	exec_ok(db, "UPDATE assessments SET span_id = '" DSPY_CHILD "' WHERE source_id = 'me'");
	CHECK_INT(count_q(st, QF_DISAGREE, "me", NULL), 1);
	CHECK_INT(count_q(st, QF_UNLABELLED, "me", trace_q), 1);
	CHECK_INT(count_q(st, QF_UNLABELLED, "me", span_q), 0);
	/* My answer on the root span is the trace's again. */
	exec_ok(db, "UPDATE assessments SET span_id = '" DSPY_ROOT "' WHERE source_id = 'me'");
	CHECK_INT(count_q(st, QF_UNLABELLED, "me", trace_q), 0);
	{
		/* the same counts with a filter (the other query) */
		int64_t n = -1;

		CHECK_INT(store_count_traces(st, 1, "status = 'OK'", QF_UNLABELLED, "me", trace_q,
					     &n, &err), 0);
		CHECK_INT(n, 0);
		CHECK_INT(store_count_traces(st, 1, "status = 'OK'", QF_UNLABELLED, "me", span_q,
					     &n, &err), 0);
		CHECK_INT(n, 1);
	}
	sqlite3_close(db);
	store_close(st);
	free(path);
}

/* What store_scan_feedback visits, one line per row. */
static int collect_answer(void *ctx, const struct answer_row *r, struct err *err)
{
	struct strbuf *sb = ctx;

	(void)err;
	sb_addf(sb, "%s|%s|%s|%s|%s|%s\n", r->trace_id, r->name, r->target ? r->target : "-",
		r->source_type ? r->source_type : "-", r->source_id ? r->source_id : "-",
		r->value ? r->value : "-");
	return 0;
}

static int stop_at_second(void *ctx, const struct answer_row *r, struct err *err)
{
	int *n = ctx;

	(void)r;
	return ++*n == 2 ? err_set(err, ERR_CANCELLED, "enough") : 0;
}

/* The feedback of a batch: valid feedback rows only, in the promised order,
 * a row on the root span answering the trace's question (the question rule
 * in SQL); the registry's own scan (for backends without one) the same. */
TEST(scan_feedback_of_a_batch)
{
	const char *ids[] = { "tr-one", "tr-none" };
	struct assessment_new e = { 0 };
	struct store_ops no_scan;
	const struct store_ops *ops;
	struct strbuf got = STRBUF_INIT, again = STRBUF_INIT;
	char *path, id[64], judge[64];
	int64_t exp;
	int stops = 0;
	struct err err = { 0 };
	struct store *st = store_with_trace("batch.db", &path, &exp);

	log_fb(st, "tr-one", "correct", "\"yes\"", "LLM_JUDGE", "gpt", 1000, NULL, judge);
	log_fb(st, "tr-one", "correct", "false", "HUMAN", "ann", 1001, judge, id);
	log_fb(st, "tr-one", "correct", "true", "HUMAN", "ann", 1005, NULL, id);
	log_fb(st, "tr-one", "tone", "\"calm\"", "HUMAN", "bob", 1002, NULL, id);
	e.trace_id = "tr-one";
	e.name = "expected";
	e.type = "expectation";
	e.value_json = "1";
	CHECK_INT(store_log_assessment(st, &e, id, &err), 0);
	e.type = "feedback";
	e.name = "tone";
	e.value_json = "\"sharp\"";
	e.source_type = "LLM_JUDGE";
	e.source_id = "gpt";
	e.span_id = "00000000000000a0";   /* the root: the trace's question */
	CHECK_INT(store_log_assessment(st, &e, id, &err), 0);
	e.span_id = "00000000000000a1";   /* the child: its own question */
	e.value_json = "\"calm\"";
	CHECK_INT(store_log_assessment(st, &e, id, &err), 0);
	CHECK_INT(store_scan_feedback(st, ids, 2, collect_answer, &got, &err), 0);
	CHECK_STR(sb_str(&got),
		  "tr-one|correct|-|HUMAN|ann|true\n"
		  "tr-one|correct|-|HUMAN|ann|false\n"
		  "tr-one|tone|-|HUMAN|bob|\"calm\"\n"
		  "tr-one|tone|-|LLM_JUDGE|gpt|\"sharp\"\n"
		  "tr-one|tone|00000000000000a1|LLM_JUDGE|gpt|\"calm\"\n");
	CHECK_INT(store_scan_feedback(st, ids, 2, stop_at_second, &stops, &err), -1);
	CHECK_INT(err.code, ERR_CANCELLED);
	CHECK_INT(stops, 2);
	err_clear(&err);
	/* The same through the registry's scan of whole traces. */
	ops = ((struct store *)st)->ops;
	no_scan = *ops;
	no_scan.scan_feedback = NULL;
	((struct store *)st)->ops = &no_scan;
	CHECK_INT(store_scan_feedback(st, ids, 2, collect_answer, &again, &err), 0);
	CHECK_STR(sb_str(&again), sb_str(&got));
	((struct store *)st)->ops = ops;
	if (err.code)
		printf("    %s\n", err.msg);
	sb_free(&got);
	sb_free(&again);
	store_close(st);
	free(path);
}

TEST(feedback_cells_and_quick_filters)
{
	int64_t exp;
	char *path;
	struct store *st = paging_store(&path, &exp);
	const char *t0 = expected[0].id, *t1 = expected[1].id;
	const struct question_ref only_correctness[] = { { "correctness", QT_TRACE, true, false },
							 { NULL, QT_TRACE, false, false } };
	struct trace_row row = { 0 };
	struct page_req req = { 0 };
	struct err err = { 0 };
	const struct fb_cell *c;
	char id[64], first[64], **names = NULL;
	size_t n = 0;
	int64_t count;

	/* Each test may have re-sorted expected[]; any two traces will do. */
	log_fb(st, t0, "correctness", "true", "HUMAN", "me", 1000, NULL, id);
	log_fb(st, t0, "correctness", "false", "HUMAN", "bob", 2000, NULL, id);
	log_fb(st, t0, "correctness", "\"yes\"", "LLM_JUDGE", "gpt", 1500, NULL, id);
	log_fb(st, t0, "latency", "0.5", "CODE", NULL, 1000, NULL, id);
	log_fb(st, t0, "helpful", "1", "HUMAN", "me", 1000, NULL, first);
	log_fb(st, t0, "helpful", "2", "HUMAN", "me", 900, first, id);  /* override */
	log_fb(st, t1, "correctness", "true", "HUMAN", "me", 1000, NULL, id);
	log_fb(st, t1, "correctness", "false", "LLM_JUDGE", "gpt", 1000, NULL, id);

	CHECK_INT(store_get_row(st, t0, "me", &row, &err), 0);
	CHECK_INT(row.nfb, 3);
	if (row.nfb == 3) {
		CHECK_STR(row.fb[0].name, "correctness");
		CHECK_STR(row.fb[0].human, "false");   /* latest HUMAN: bob at 2000 */
		CHECK_STR(row.fb[0].mine, "true");
		CHECK_STR(row.fb[0].judge, "\"yes\"");
		CHECK_NULL(row.fb[0].code);
		CHECK_STR(row.fb[1].name, "helpful");
		CHECK_STR(row.fb[1].mine, "2");        /* the overridden 1 is not valid */
		CHECK_STR(row.fb[2].name, "latency");
		CHECK_STR(row.fb[2].code, "0.5");
		CHECK_NULL(row.fb[2].human);
	}
	c = trace_row_fb(&row, "correctness");
	CHECK(c != NULL);
	trace_row_free(&row);

	/* The same cells in a page. */
	req.experiment_id = exp;
	req.me = "me";
	req.search = "question 0";  /* no such preview */
	CHECK_INT(page_count(st, &req), 0);
	req.search = NULL;
	req.quick = QF_HAS_JUDGE;
	CHECK_INT(page_count(st, &req), 2);
	/* My true and the judge's "yes" on t0 agree, as on the screen; my
	 * true and the judge's false on t1 do not. */
	req.quick = QF_DISAGREE;
	CHECK_INT(page_count(st, &req), 1);
	CHECK_INT(store_count_traces(st, exp, NULL, QF_DISAGREE, "me", NULL, &count, &err), 0);
	CHECK_INT(count, 1);
	CHECK_INT(store_count_traces(st, exp, NULL, QF_UNLABELLED, "me", only_correctness,
				     &count, &err), 0);
	CHECK_INT(count, NPAGE - 2);
	CHECK_INT(store_count_traces(st, exp, NULL, QF_UNLABELLED, "bob", only_correctness,
				     &count, &err), 0);
	CHECK_INT(count, NPAGE - 1);
	CHECK_INT(store_count_traces(st, exp, NULL, QF_UNLABELLED | QF_ERRORS, "nobody", NULL,
				     &count, &err), 0);
	CHECK_INT(count, NPAGE / 3);
	/* the unlabelled count agrees with the pages, for any reviewer */
	req.quick = QF_UNLABELLED;
	req.me = NULL;
	CHECK_INT(store_count_traces(st, exp, NULL, QF_UNLABELLED, NULL, NULL, &count, &err), 0);
	CHECK_INT((int64_t)page_count(st, &req), count);
	req.me = "me";
	req.questions = only_correctness;
	CHECK_INT(store_count_traces(st, exp, NULL, QF_UNLABELLED, "me", only_correctness,
				     &count, &err), 0);
	CHECK_INT((int64_t)page_count(st, &req), count);
	req.questions = NULL;
	{
		struct trace_page p = { 0 };
		size_t i;
		bool seen = false;

		req.quick = QF_HAS_JUDGE;
		req.limit = 10;
		CHECK_INT(store_page_traces(st, &req, &p, &err), 0);
		for (i = 0; i < p.n; i++) {
			if (strcmp(p.v[i].id, t0) == 0) {
				seen = true;
				CHECK_INT(p.v[i].nfb, 3);
				c = trace_row_fb(&p.v[i], "correctness");
				CHECK(c && str_eq(c->mine, "true") && str_eq(c->human, "false"));
			}
		}
		CHECK(seen);
		trace_page_free(&p);
	}

	CHECK_INT(store_feedback_names(st, exp, &names, &n, &err), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(names[0], "correctness");
		CHECK_STR(names[1], "helpful");
		CHECK_STR(names[2], "latency");
	}
	store_free_names(names, n);
	store_close(st);
	free(path);
}

/* ---- whole traces ------------------------------------------------------ */

TEST(load_trace_with_spans_from_dspy_store)
{
	char *path = test_copy_fixture(DSPY, "dspy.db");
	struct store *st = open_ok(path);
	struct trace t;
	struct err err = { 0 };
	size_t i;
	bool hex = true, ordered = true;

	CHECK_INT(store_load_trace(st, DSPY_TRACE, &t, &err), 0);
	CHECK_STR(t.info.id, DSPY_TRACE);
	CHECK_INT(t.info.experiment_id, 1);
	CHECK_INT(t.info.timestamp_ms, 1765380539408);
	CHECK_INT(t.info.duration_ms, 19417);
	CHECK_STR(t.info.status, "OK");
	CHECK_STR(t.info.name, "ReAct.forward");
	CHECK_HAS(t.info.request_preview, "book a flight");
	CHECK_STR(kv_list_get(&t.tags, "mlflow.trace.spansLocation"), "TRACKING_STORE");
	CHECK_STR(kv_list_get(&t.metadata, "mlflow.trace_schema.version"), "3");
	CHECK_INT(t.spans_state, SPANS_LOADED);
	CHECK_INT(t.nspans, 30);
	CHECK_INT(t.assessments.n, 0);
	if (t.nspans == 30) {
		CHECK_STR(t.spans[0].id, "51d7f0b47703f6ad");
		CHECK_NULL(t.spans[0].parent_id);
		CHECK_STR(t.spans[0].type, "AGENT");
		CHECK_INT(t.spans[0].status, SPAN_OK);
		CHECK_INT(t.spans[0].end_ns - t.spans[0].start_ns, 19417042000);
		CHECK_HAS(t.spans[0].content, "mlflow.traceRequestId");
		for (i = 0; i < 30; i++) {
			hex &= is_hex(t.spans[i].id, 16);
			if (i > 0)
				hex &= is_hex(t.spans[i].parent_id, 16);
			if (i > 1)
				ordered &= t.spans[i].start_ns >= t.spans[i - 1].start_ns;
		}
		CHECK(hex);
		CHECK(ordered);
		span_tree_build(&t);
		CHECK_INT(t.first_root, 0);
		CHECK_INT(t.spans[1].depth, 1);
	}
	trace_free(&t);

	CHECK_INT(store_check_target(st, DSPY_TRACE, "4bdc7814b1ece4a4", &err), 0);
	CHECK_INT(store_check_target(st, DSPY_TRACE, "ffffffffffffffff", &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "no span ffffffffffffffff in trace " DSPY_TRACE);
	CHECK_INT(store_load_trace(st, "tr-nope", &t, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "no trace tr-nope in this store");
	trace_free(&t);
	store_close(st);
	free(path);
}

TEST(spans_elsewhere_are_reported_missing)
{
	int64_t exp;
	char *path;
	struct store *st = store_with_trace("missing-spans.db", &path, &exp);
	struct trace t, got;
	struct err err = { 0 };

	make_trace(&t, "tr-bare", exp, 5, -1, "IN_PROGRESS", NULL, NULL);
	CHECK_INT(store_put_trace(st, &t, &err), 0);
	CHECK_INT(store_load_trace(st, "tr-bare", &got, &err), 0);
	CHECK_INT(got.spans_state, SPANS_MISSING);
	CHECK_INT(got.nspans, 0);
	CHECK_INT(got.info.duration_ms, -1);
	CHECK_NULL(got.info.name);
	CHECK_STR(got.spans_note,
		  "spans are not in the tracking store (mlflow.trace.spansLocation: missing)");
	trace_free(&got);
	kv_list_add(&t.tags, "mlflow.trace.spansLocation", "ARTIFACT_REPO");
	CHECK_INT(store_put_trace(st, &t, &err), 0);
	CHECK_INT(store_load_trace(st, "tr-bare", &got, &err), 0);
	CHECK_STR(got.spans_note,
		  "spans are not in the tracking store (mlflow.trace.spansLocation: ARTIFACT_REPO)");
	trace_free(&got);
	/* A span id cannot be checked there, so it is accepted. */
	CHECK_INT(store_check_target(st, "tr-bare", "0123456789abcdef", &err), 0);
	CHECK_INT(store_check_target(st, "tr-none", NULL, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	/* Ids in messages are shown safely, on one line. */
	CHECK_INT(store_check_target(st, "tr-\033]0;owned\007\n\302\233x", NULL, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_HAS(err.msg, "no trace tr-");
	CHECK_HAS(err.msg, " in this store");
	CHECK(!strchr(err.msg, '\033') && !strchr(err.msg, '\007') && !strchr(err.msg, '\n'));
	CHECK(!strstr(err.msg, "\302\233"));
	trace_free(&t);
	store_close(st);
	free(path);
}

/* ---- writes ------------------------------------------------------------ */

TEST(log_update_override_delete_like_mlflow)
{
	int64_t exp, before, after;
	char *path;
	struct store *st = store_with_trace("writes.db", &path, &exp);
	struct assessment_new a = { 0 };
	struct assessment_update u = { 0 };
	struct assessment got = { 0 };
	struct assessment_list l = { 0 };
	struct err err = { 0 };
	char first[64], second[64], sql[1024], *s;
	sqlite3 *db = raw(path);

	a.trace_id = "tr-one";
	a.name = "correctness";
	a.value_json = "true";
	a.source_id = "alice@example.com";
	a.span_id = "00000000000000a1";
	a.rationale = "right answer";
	a.metadata_json = "{\"mlflow.assessment.sourceRunId\": \"0123abcd\", \"channel\": \"web\"}";
	before = now_ms();
	CHECK_INT(store_log_assessment(st, &a, first, &err), 0);
	after = now_ms();
	CHECK(is_assessment_id(first));
	snprintf(sql, sizeof sql, "SELECT assessment_id, trace_id, name, assessment_type, value,"
		 " error, source_type, source_id, run_id, span_id, rationale, overrides, valid,"
		 " assessment_metadata, typeof(created_timestamp), typeof(valid)"
		 " FROM assessments WHERE assessment_id = '%s'", first);
	s = q_all(db, sql);
	{
		char *want = xasprintf("%s|tr-one|correctness|feedback|true|(null)|HUMAN|"
				       "alice@example.com|0123abcd|00000000000000a1|right answer|"
				       "(null)|1|%s|integer|integer\n", first, a.metadata_json);
		CHECK_STR(s, want);
		free(want);
	}
	free(s);
	snprintf(sql, sizeof sql, "SELECT created_timestamp FROM assessments"
		 " WHERE assessment_id = '%s' AND created_timestamp = last_updated_timestamp",
		 first);
	CHECK(q_int(db, sql) >= before && q_int(db, sql) <= after);

	/* Wrong span or trace: nothing written. */
	a.span_id = "ffffffffffffffff";
	CHECK_INT(store_log_assessment(st, &a, second, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "no span ffffffffffffffff in trace tr-one");
	a.span_id = NULL;
	a.trace_id = "tr-nope";
	CHECK_INT(store_log_assessment(st, &a, second, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_HAS(err.msg, "tr-nope");
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments"), 1);

	/* Override: the old row becomes invalid in the same transaction. */
	memset(&a, 0, sizeof a);
	a.trace_id = "tr-one";
	a.name = "correctness";
	a.value_json = "false";
	a.source_id = "alice@example.com";
	a.overrides = first;
	a.created_ms = 1600000000123;
	CHECK_INT(store_log_assessment(st, &a, second, &err), 0);
	snprintf(sql, sizeof sql, "SELECT valid FROM assessments WHERE assessment_id = '%s'", first);
	CHECK_INT(q_int(db, sql), 0);
	snprintf(sql, sizeof sql, "SELECT overrides || '|' || valid || '|' || created_timestamp"
		 " || '|' || last_updated_timestamp || '|' || coalesce(run_id, 'none')"
		 " FROM assessments WHERE assessment_id = '%s'", second);
	s = q_str(db, sql);
	{
		char *want = xasprintf("%s|1|1600000000123|1600000000123|none", first);
		CHECK_STR(s, want);
		free(want);
	}
	free(s);

	/* Overriding a missing id writes nothing. */
	a.overrides = "a-00000000000000000000000000000000";
	CHECK_INT(store_log_assessment(st, &a, sql, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_HAS(err.msg, "a-00000000000000000000000000000000");
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments"), 2);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments WHERE valid = 1"), 1);

	/* Update: only name, value, rationale, metadata and the update time. */
	u.value_json = "\"partly\"";
	u.set_rationale = true;
	u.rationale = "second look";
	u.updated_ms = 1767225700000;
	CHECK_INT(store_update_assessment(st, second, &u, &err), 0);
	snprintf(sql, sizeof sql, "SELECT name, value, rationale, created_timestamp,"
		 " last_updated_timestamp, source_type, source_id, overrides, valid,"
		 " assessment_metadata FROM assessments WHERE assessment_id = '%s'", second);
	s = q_all(db, sql);
	{
		char *want = xasprintf("correctness|\"partly\"|second look|1600000000123|"
				       "1767225700000|HUMAN|alice@example.com|%s|1|(null)\n", first);
		CHECK_STR(s, want);
		free(want);
	}
	free(s);
	CHECK_INT(store_update_assessment(st, "a-missing", &u, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "no assessment a-missing in this store");

	CHECK_INT(store_get_assessment(st, second, &got, &err), 0);
	CHECK_STR(got.value, "\"partly\"");
	CHECK_STR(got.overrides, first);
	CHECK(got.valid);
	CHECK_INT(got.created_ms, 1600000000123);
	assessment_free(&got);
	CHECK_INT(store_load_assessments(st, "tr-one", &l, &err), 0);
	CHECK_INT(l.n, 2);
	if (l.n == 2) {
		CHECK_STR(l.v[0].id, second);  /* by created time: 2020 first */
		CHECK_STR(l.v[1].id, first);
		CHECK(!l.v[1].valid);
	}
	assessment_list_free(&l);

	/* Delete restores the overridden row; a missing row is fine. */
	CHECK_INT(store_delete_assessment(st, second, &err), 0);
	snprintf(sql, sizeof sql, "SELECT valid FROM assessments WHERE assessment_id = '%s'", first);
	CHECK_INT(q_int(db, sql), 1);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments"), 1);
	CHECK_INT(store_delete_assessment(st, second, &err), 0);
	CHECK_INT(store_get_assessment(st, second, &got, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);

	/* A given id and type are kept. */
	memset(&a, 0, sizeof a);
	a.id = "a-0123456789abcdef0123456789abcdef";
	a.trace_id = "tr-one";
	a.name = "expected";
	a.type = "expectation";
	a.value_json = "[\"a\", \"b\"]";
	a.source_type = "CODE";
	CHECK_INT(store_log_assessment(st, &a, second, &err), 0);
	CHECK_STR(second, a.id);
	s = q_all(db, "SELECT assessment_type, value, source_type FROM assessments"
		  " WHERE assessment_id = 'a-0123456789abcdef0123456789abcdef'");
	CHECK_STR(s, "expectation|[\"a\", \"b\"]|CODE\n");
	free(s);
	sqlite3_close(db);
	store_close(st);
	free(path);
}

TEST(busy_store_fails_fast_and_writes_nothing)
{
	int64_t exp;
	char *path;
	struct store *st = store_with_trace("busy.db", &path, &exp);
	struct assessment_new a = { 0 };
	struct err err = { 0 };
	char id[64];
	double t0, took;
	sqlite3 *db;

	store_close(st);
	setenv("TRACELAB_BUSY_MS", "100", 1);
	st = open_ok(path);
	unsetenv("TRACELAB_BUSY_MS");
	db = raw(path);
	exec_ok(db, "BEGIN IMMEDIATE");
	a.trace_id = "tr-one";
	a.name = "correctness";
	a.value_json = "true";
	t0 = now_s();
	CHECK_INT(store_log_assessment(st, &a, id, &err), -1);
	took = now_s() - t0;
	CHECK_INT(err.code, ERR_BUSY);
	CHECK_STR(err.msg, "store is locked by another writer (database is locked)");
	CHECK(took >= 0.05 && took < 1.0);
	exec_ok(db, "ROLLBACK");
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments"), 0);
	/* Free again: the write goes through. */
	CHECK_INT(store_log_assessment(st, &a, id, &err), 0);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments"), 1);
	sqlite3_close(db);
	store_close(st);
	free(path);
}

TEST(store_deleted_or_replaced_while_open_refuses_writes)
{
	int64_t exp;
	char *path, *other, *msg;
	struct store *st = store_with_trace("gone.db", &path, &exp);
	struct assessment_new a = { 0 };
	struct err err = { 0 };
	char id[64];
	sqlite3 *db;

	a.trace_id = "tr-one";
	a.name = "correctness";
	a.value_json = "true";
	msg = xasprintf("store file %s was deleted or replaced while open; the label is kept "
			"as pending", path);
	/* Deleted: the write fails instead of going into the unlinked inode. */
	CHECK_INT(unlink(path), 0);
	CHECK_INT(store_log_assessment(st, &a, id, &err), -1);
	CHECK_INT(err.code, ERR_RUNTIME);
	CHECK_STR(err.msg, msg);
	err_clear(&err);
	CHECK_INT(store_begin(st, &err), -1);
	CHECK_INT(err.code, ERR_RUNTIME);
	err_clear(&err);
	/* Replaced: another file renamed over the path. */
	other = test_copy_fixture(REAL, "gone-other.db");
	CHECK_INT(rename(other, path), 0);
	CHECK_INT(store_log_assessment(st, &a, id, &err), -1);
	CHECK_INT(err.code, ERR_RUNTIME);
	CHECK_STR(err.msg, msg);
	err_clear(&err);
	CHECK_INT(store_delete_assessment(st, "a-nothing", &err), -1);
	CHECK_INT(err.code, ERR_RUNTIME);
	err_clear(&err);
	store_close(st);
	db = raw(path);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments WHERE name = 'correctness'"
			" AND trace_id = 'tr-one'"), 0);
	sqlite3_close(db);
	free(msg);
	free(other);
	free(path);
}

TEST(wal_store_reads_and_writes)
{
	int64_t exp;
	char *path;
	struct store *st = store_with_trace("wal.db", &path, &exp);
	struct assessment_new a = { 0 };
	struct trace t;
	struct err err = { 0 };
	char id[64], *mode;
	sqlite3 *db;

	store_close(st);
	db = raw(path);
	mode = q_str(db, "PRAGMA journal_mode=WAL");
	CHECK_STR(mode, "wal");
	free(mode);
	st = open_ok(path);
	a.trace_id = "tr-one";
	a.name = "correctness";
	a.value_json = "true";
	CHECK_INT(store_log_assessment(st, &a, id, &err), 0);
	CHECK_INT(store_load_trace(st, "tr-one", &t, &err), 0);
	CHECK_INT(t.assessments.n, 1);
	CHECK_INT(t.nspans, 2);
	trace_free(&t);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments"), 1);
	store_close(st);
	mode = q_str(db, "PRAGMA journal_mode");
	CHECK_STR(mode, "wal");
	free(mode);
	sqlite3_close(db);
	free(path);
}

TEST(assessments_stamp_moves_on_any_write)
{
	int64_t exp, stamp = 0, count = 0, stamp2 = 0, count2 = 0;
	char *path;
	struct store *st = store_with_trace("stamp.db", &path, &exp);
	struct err err = { 0 };
	char id[64];
	sqlite3 *db;

	CHECK_INT(store_assessments_stamp(st, exp, &stamp, &count, &err), 0);
	CHECK_INT(stamp, 0);
	CHECK_INT(count, 0);
	log_fb(st, "tr-one", "x", "1", "HUMAN", "me", 5000, NULL, id);
	CHECK_INT(store_assessments_stamp(st, exp, &stamp, &count, &err), 0);
	CHECK_INT(stamp, 5000);
	CHECK_INT(count, 1);
	CHECK_INT(store_assessments_stamp(st, exp, &stamp2, &count2, &err), 0);
	CHECK_INT(stamp2, 5000);
	/* Another writer. */
	db = raw(path);
	exec_ok(db, "UPDATE assessments SET last_updated_timestamp = 6000");
	sqlite3_close(db);
	CHECK_INT(store_assessments_stamp(st, exp, &stamp2, &count2, &err), 0);
	CHECK_INT(stamp2, 6000);
	CHECK_INT(count2, 1);
	CHECK_INT(store_assessments_stamp(st, 0, &stamp2, &count2, &err), 0);
	CHECK_INT(count2, 0);
	/* Two experiments with feedback: each counts its own. */
	{
		struct trace t;

		make_trace(&t, "tr-default", 0, 1, 1, "OK", NULL, NULL);
		CHECK_INT(store_put_trace(st, &t, &err), 0);
		trace_free(&t);
	}
	log_fb(st, "tr-default", "x", "1", "HUMAN", "me", 7000, NULL, id);
	log_fb(st, "tr-default", "y", "1", "HUMAN", "me", 7001, NULL, id);
	CHECK_INT(store_assessments_stamp(st, 0, &stamp2, &count2, &err), 0);
	CHECK_INT(stamp2, 7001);
	CHECK_INT(count2, 2);
	CHECK_INT(store_assessments_stamp(st, exp, &stamp2, &count2, &err), 0);
	CHECK_INT(stamp2, 6000);
	CHECK_INT(count2, 1);
	store_close(st);
	free(path);
}

/* Session-scoped feedback applies to every trace of its session; the store
 * remembers that it holds none only until someone writes one. */
static int64_t count_filter(struct store *st, int64_t exp, const char *filter)
{
	struct err err = { 0 };
	int64_t n = -1;

	if (store_count_traces(st, exp, filter, 0, NULL, NULL, &n, &err) < 0)
		printf("    count %s failed: %s\n", filter, err.msg);
	return n;
}

static void log_session_fb(struct store *st, const char *trace, const char *name,
			   const char *session)
{
	struct assessment_new a = { 0 };
	struct err err = { 0 };
	char meta[128], id[64];

	snprintf(meta, sizeof meta, "{\"mlflow.trace.session\": \"%s\"}", session);
	a.trace_id = trace;
	a.name = name;
	a.value_json = "true";
	a.source_type = "HUMAN";
	a.source_id = "me";
	a.created_ms = 9000;
	a.metadata_json = meta;
	if (store_log_assessment(st, &a, id, &err) < 0)
		printf("    log %s failed: %s\n", name, err.msg);
}

TEST(session_scoped_feedback_found_after_it_appears)
{
	int64_t exp;
	char *path, id[64];
	struct store *st = store_with_trace("session.db", &path, &exp), *other;
	struct err err = { 0 };
	struct trace t;

	make_trace(&t, "tr-two", exp, 1767225600001, 5, "OK", NULL, NULL);
	t.info.session = xstrdup("s-1");
	CHECK_INT(store_put_trace(st, &t, &err), 0);
	trace_free(&t);
	make_trace(&t, "tr-three", exp, 1767225600002, 5, "OK", NULL, NULL);
	t.info.session = xstrdup("s-1");
	CHECK_INT(store_put_trace(st, &t, &err), 0);
	trace_free(&t);
	log_fb(st, "tr-one", "q", "true", "HUMAN", "me", 5000, NULL, id);
	/* the first feedback filters, on two connections: no session-scoped
	 * rows yet */
	other = open_ok(path);
	CHECK_INT(count_filter(other, exp, "feedback.q = 'true'"), 1);
	CHECK_INT(count_filter(other, exp, "feedback.s = 'true'"), 0);
	CHECK_INT(count_filter(other, exp, "feedback.s IS NULL"), 3);
	CHECK_INT(count_filter(st, exp, "feedback.s IS NULL"), 3);
	/* one connection adds feedback for session s-1: both find it */
	log_session_fb(st, "tr-two", "s", "s-1");
	CHECK_INT(count_filter(st, exp, "feedback.s = 'true'"), 2);
	CHECK_INT(count_filter(other, exp, "feedback.s = 'true'"), 2);
	CHECK_INT(count_filter(other, exp, "feedback.s IS NULL"), 1);
	CHECK_INT(count_filter(other, exp, "feedback.q = 'true'"), 1);
	store_close(other);
	store_close(st);
	free(path);
}

TEST(newer_store_columns_are_filled)
{
	char *path = test_copy_fixture(REAL, "newer.db");
	struct store *st;
	struct assessment_new a = { 0 };
	struct assessment_update u = { 0 };
	struct trace t;
	struct page_req req = { 0 };
	struct err err = { 0 };
	char id[64], *s, sql[512];
	sqlite3 *db = raw(path);
	int64_t exp;

	/* A later MLflow's columns (data-model ref. 1.9), plus one we know nothing of. */
	exec_ok(db, "BEGIN; ALTER TABLE assessments ADD COLUMN experiment_id INTEGER;"
		"ALTER TABLE assessments ADD COLUMN trace_timestamp_ms BIGINT;"
		"ALTER TABLE assessments ADD COLUMN aggregate_value FLOAT;"
		"ALTER TABLE assessments ADD COLUMN is_numeric_value BOOLEAN DEFAULT 0 NOT NULL;"
		"ALTER TABLE trace_info ADD COLUMN trace_name VARCHAR(500);"
		"ALTER TABLE trace_info ADD COLUMN session_id VARCHAR(500);"
		"ALTER TABLE trace_info ADD COLUMN db_payload_generation INTEGER DEFAULT 0 NOT NULL;"
		"ALTER TABLE spans ADD COLUMN dimension_attributes JSON;"
		"ALTER TABLE spans ADD COLUMN links JSON; COMMIT");
	st = open_ok(path);
	CHECK_INT(store_ensure_experiment(st, "newer", &exp, &err), 0);
	make_trace(&t, "tr-new", exp, 1767225600000, 3, "OK", "agent", NULL);
	t.info.session = xstrdup("s-9");
	add_span(&t, "00000000000000c0", NULL, "root", 1);
	CHECK_INT(store_put_trace(st, &t, &err), 0);
	trace_free(&t);
	s = q_all(db, "SELECT trace_name, session_id, db_payload_generation FROM trace_info"
		  " WHERE request_id = 'tr-new'");
	CHECK_STR(s, "agent|s-9|0\n");
	free(s);

	a.trace_id = "tr-new";
	a.name = "score";
	a.value_json = "4";
	CHECK_INT(store_log_assessment(st, &a, id, &err), 0);
	snprintf(sql, sizeof sql, "SELECT experiment_id, trace_timestamp_ms, aggregate_value,"
		 " is_numeric_value FROM assessments WHERE assessment_id = '%s'", id);
	s = q_all(db, sql);
	{
		char *want = xasprintf("%lld|1767225600000|4.0|1\n", (long long)exp);

		CHECK_STR(s, want);
		free(want);
	}
	free(s);
	u.value_json = "\"good\"";
	CHECK_INT(store_update_assessment(st, id, &u, &err), 0);
	snprintf(sql, sizeof sql, "SELECT value, coalesce(aggregate_value, 'none'),"
		 " is_numeric_value FROM assessments WHERE assessment_id = '%s'", id);
	s = q_all(db, sql);
	CHECK_STR(s, "\"good\"|none|0\n");
	free(s);
	u.value_json = "false";
	CHECK_INT(store_update_assessment(st, id, &u, &err), 0);
	s = q_all(db, sql);
	CHECK_STR(s, "false|0.0|1\n");
	free(s);
	u.value_json = "-0.85e1";
	CHECK_INT(store_update_assessment(st, id, &u, &err), 0);
	s = q_all(db, sql);
	CHECK_STR(s, "-0.85e1|-8.5|1\n");
	free(s);
	/* Imported again at another time: the feedback stays and follows. */
	make_trace(&t, "tr-new", exp, 1767225700000, 3, "OK", "agent", NULL);
	add_span(&t, "00000000000000c0", NULL, "root", 1);
	CHECK_INT(store_put_trace(st, &t, &err), 0);
	trace_free(&t);
	snprintf(sql, sizeof sql, "SELECT value, experiment_id, trace_timestamp_ms"
		 " FROM assessments WHERE assessment_id = '%s'", id);
	s = q_all(db, sql);
	{
		char *want = xasprintf("-0.85e1|%lld|1767225700000\n", (long long)exp);

		CHECK_STR(s, want);
		free(want);
	}
	free(s);
	req.experiment_id = exp;
	req.sort = SORT_NAME;
	CHECK_INT(page_count(st, &req), 1);
	store_close(st);
	sqlite3_close(db);
	free(path);
}

/* ---- import and new stores --------------------------------------------- */

TEST(put_trace_replaces_a_trace_and_keeps_its_feedback)
{
	int64_t exp;
	char *path;
	struct store *st = store_with_trace("replace.db", &path, &exp);
	struct trace t, got;
	struct assessment a = { 0 };
	struct put_result res;
	struct err err = { 0 };
	char *s;
	sqlite3 *db;

	make_trace(&t, "tr-r", exp, 100, 10, "OK", "first", "{\"v\": 1}");
	kv_list_add(&t.tags, "team", "a");
	kv_list_add(&t.metadata, "mlflow.trace.session", "s-1");
	add_span(&t, "00000000000000b0", NULL, "root", 100);
	a.id = xstrdup("a-11111111111111111111111111111111");
	a.name = xstrdup("quality");
	a.type = xstrdup("feedback");
	a.value = xstrdup("4");
	a.source_type = xstrdup("LLM_JUDGE");
	a.created_ms = a.updated_ms = 50;
	a.valid = true;
	assessment_list_add(&t.assessments, &a);
	CHECK_INT(store_import_trace(st, &t, &res, &err), 0);
	CHECK(!res.existed);
	CHECK_INT(res.added, 1);
	CHECK_INT(res.kept + res.skipped, 0);
	trace_free(&t);

	/* Again, with the same row and a new one overriding it: the store's
	 * row stays (and is overridden now), the new one is added. */
	make_trace(&t, "tr-r", exp, 200, -1, "ERROR", "second", "{\"v\": 2}");
	kv_list_add(&t.tags, "owner", "b");
	free(a.value);
	a.value = xstrdup("1");
	assessment_list_add(&t.assessments, &a);
	free(a.id);
	a.id = xstrdup("a-22222222222222222222222222222222");
	a.overrides = xstrdup("a-11111111111111111111111111111111");
	free(a.source_type);
	a.source_type = xstrdup("HUMAN");
	assessment_list_add(&t.assessments, &a);
	assessment_free(&a);
	CHECK_INT(store_import_trace(st, &t, &res, &err), 0);
	CHECK(res.existed);
	CHECK_INT(res.kept, 1);
	CHECK_INT(res.added, 1);
	CHECK_INT(res.skipped, 1);
	trace_free(&t);

	db = raw(path);
	CHECK_INT(q_int(db, "SELECT count(*) FROM trace_info WHERE request_id = 'tr-r'"), 1);
	s = q_all(db, "SELECT key, value FROM trace_tags WHERE request_id = 'tr-r' ORDER BY key");
	CHECK_STR(s, "mlflow.traceName|second\nowner|b\n");
	free(s);
	CHECK_INT(q_int(db, "SELECT count(*) FROM spans WHERE trace_id = 'tr-r'"), 0);
	s = q_all(db, "SELECT assessment_id, value, source_type, valid, coalesce(overrides, '-')"
		  " FROM assessments WHERE trace_id = 'tr-r' ORDER BY 1");
	CHECK_STR(s, "a-11111111111111111111111111111111|4|LLM_JUDGE|0|-\n"
		  "a-22222222222222222222222222222222|1|HUMAN|1|"
		  "a-11111111111111111111111111111111\n");
	free(s);
	CHECK_INT(q_int(db, "SELECT count(*) FROM trace_request_metadata"
			" WHERE request_id = 'tr-r'"), 0);
	s = q_all(db, "SELECT timestamp_ms, execution_time_ms, status, request_preview"
		  " FROM trace_info WHERE request_id = 'tr-r'");
	CHECK_STR(s, "200|(null)|ERROR|{\"v\": 2}\n");
	free(s);
	/* The first trace (with spans and a judge row) before it was replaced. */
	s = q_all(db, "SELECT span_id, parent_span_id, status, duration_ns, experiment_id"
		  " FROM spans WHERE trace_id = 'tr-one' ORDER BY span_id");
	{
		char *want = xasprintf("00000000000000a0|(null)|OK|1000|%lld\n"
				       "00000000000000a1|00000000000000a0|OK|1000|%lld\n",
				       (long long)exp, (long long)exp);
		CHECK_STR(s, want);
		free(want);
	}
	free(s);
	s = q_str(db, "SELECT value FROM trace_tags WHERE request_id = 'tr-one'"
		  " AND key = 'mlflow.trace.spansLocation'");
	CHECK_STR(s, "TRACKING_STORE");
	free(s);
	sqlite3_close(db);

	CHECK_INT(store_load_trace(st, "tr-r", &got, &err), 0);
	CHECK_STR(got.info.name, "second");
	CHECK_STR(got.info.status, "ERROR");
	trace_free(&got);

	/* An experiment that does not exist. */
	make_trace(&t, "tr-lost", 999, 1, 1, "OK", NULL, NULL);
	CHECK_INT(store_put_trace(st, &t, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "no experiment 999 in this store");
	trace_free(&t);
	store_close(st);
	free(path);
}

TEST(feedback_beyond_mlflow_column_limits_is_refused)
{
	int64_t exp;
	char *path;
	struct store *st = store_with_trace("limits.db", &path, &exp);
	struct assessment_new a = { 0 };
	struct assessment_update u = { 0 };
	struct trace t;
	struct err err = { 0 };
	struct strbuf name = STRBUF_INIT, value = STRBUF_INIT;
	char id[64];
	sqlite3 *db;
	int i;

	/* 250 characters fit, two bytes each; 251 do not. */
	for (i = 0; i < 250; i++)
		sb_adds(&name, "\xc3\xa9");
	a.trace_id = "tr-one";
	a.name = sb_str(&name);
	a.value_json = "true";
	a.source_id = "lena";
	CHECK_INT(store_log_assessment(st, &a, id, &err), 0);
	sb_adds(&name, "x");
	a.name = sb_str(&name);
	CHECK_INT(store_log_assessment(st, &a, id, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	CHECK_STR(err.msg, "the assessment name is longer than MLflow's 250 characters (251)");
	a.name = "ok";
	sb_reset(&value);
	for (i = 0; i < 251; i++)
		sb_addc(&value, 's');
	a.source_id = sb_str(&value);
	CHECK_INT(store_log_assessment(st, &a, id, &err), -1);
	CHECK_STR(err.msg, "the source id is longer than MLflow's 250 characters (251)");
	u.name = sb_str(&name);
	CHECK_INT(store_update_assessment(st, id, &u, &err), -1);
	CHECK_STR(err.msg, "the assessment name is longer than MLflow's 250 characters (251)");

	/* An explicit spans location gives way to the store's own; the
	 * trace's name tag to an explicit one. */
	make_trace(&t, "tr-loc", exp, 100, 10, "OK", "implied", "{}");
	kv_list_add(&t.tags, "mlflow.trace.spansLocation", "ARTIFACT_REPO");
	kv_list_add(&t.tags, "mlflow.traceName", "explicit");
	kv_list_add(&t.metadata, "mlflow.trace.user", NULL);
	t.info.user = xstrdup("implied-user");
	add_span(&t, "00000000000000c0", NULL, "root", 100);
	CHECK_INT(store_put_trace(st, &t, &err), 0);
	trace_free(&t);

	db = raw(path);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments WHERE trace_id = 'tr-one'"
			" AND length(name) = 250"), 1);
	{
		char *s = q_all(db, "SELECT key, value FROM trace_tags WHERE request_id = 'tr-loc'"
				" ORDER BY key");

		CHECK_STR(s, "mlflow.trace.spansLocation|TRACKING_STORE\n"
			  "mlflow.traceName|explicit\n");
		free(s);
		s = q_all(db, "SELECT key, value FROM trace_request_metadata"
			  " WHERE request_id = 'tr-loc'");
		CHECK_STR(s, "mlflow.trace.user|(null)\n");
		free(s);
	}
	sqlite3_close(db);
	sb_free(&name);
	sb_free(&value);
	store_close(st);
	free(path);
}

TEST(ensure_experiment_like_mlflow)
{
	char *path = test_copy_fixture(REAL, "exp.db");
	struct store *st = open_ok(path);
	struct err err = { 0 };
	int64_t id = -1, again = -1;
	char *want, *s;
	sqlite3 *db;

	CHECK_INT(store_ensure_experiment(st, "mean_cal", &id, &err), 0);
	CHECK_INT(id, 1);
	CHECK_INT(store_ensure_experiment(st, "new one", &id, &err), 0);
	CHECK_INT(id, 8);
	CHECK_INT(store_ensure_experiment(st, "new one", &again, &err), 0);
	CHECK_INT(again, 8);
	db = raw(path);
	s = q_all(db, "SELECT artifact_location, lifecycle_stage,"
		  " creation_time = last_update_time AND creation_time > 0"
		  " FROM experiments WHERE experiment_id = 8");
	want = xasprintf("%s/mlruns/8|active|1\n", store_dir(st));
	CHECK_STR(s, want);
	free(want);
	free(s);
	sqlite3_close(db);
	store_close(st);
	free(path);
}

TEST(create_store_has_mlflow_schema)
{
	char *created = test_path("created.db");
	char *fixture = test_copy_fixture(REAL, "schema-ref.db");
	static const char master[] =
		"SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name";
	struct store *st;
	struct err err = { 0 };
	char *a, *b, *s, *want, *dir;
	sqlite3 *db;
	int64_t id;

	CHECK_INT(store_create(created, &err), 0);
	db = raw(created);
	a = q_all(db, master);
	s = q_str(db, "SELECT group_concat(version_num) FROM alembic_version");
	CHECK_STR(s, "1bd49d398cd23");
	free(s);
	s = q_all(db, "SELECT experiment_id, name, artifact_location, lifecycle_stage FROM"
		  " experiments");
	dir = sq_abs_dir(created);
	want = xasprintf("0|Default|%s/mlruns/0|active\n", dir);
	CHECK_STR(s, want);
	free(want);
	free(dir);
	free(s);
	s = q_str(db, "PRAGMA journal_mode");
	CHECK_STR(s, "delete");
	free(s);
	sqlite3_close(db);
	db = raw(fixture);
	b = q_all(db, master);
	sqlite3_close(db);
	CHECK(strlen(a) > 10000);
	CHECK(strcmp(a, b) == 0);
	free(a);
	free(b);

	CHECK_INT(store_create(created, &err), -1);
	want = xasprintf("%s: file exists", created);
	CHECK_STR(err.msg, want);
	free(want);

	st = open_ok(created);
	CHECK_INT(store_find_experiment(st, "Default", &id, &err), 0);
	CHECK_INT(id, 0);
	store_close(st);
	free(created);
	free(fixture);
}

int main(void)
{
	RUN(open_real_store_and_list_experiments);
	RUN(open_urls);
	RUN(refuse_non_mlflow_files);
	RUN(read_only_file_opens_and_refuses_writes);
	RUN(keyset_pages_walk_every_sort_both_ways);
	RUN(ids_only_pages_walk_every_sort);
	RUN(search_quick_filters_and_filter_errors);
	RUN(first_match_and_until_follow_the_list);
	RUN(time_page_query_searches_the_index);
	RUN(scan_feedback_of_a_batch);
	RUN(feedback_cells_and_quick_filters);
	RUN(root_span_rows_answer_the_trace);
	RUN(load_trace_with_spans_from_dspy_store);
	RUN(spans_elsewhere_are_reported_missing);
	RUN(log_update_override_delete_like_mlflow);
	RUN(busy_store_fails_fast_and_writes_nothing);
	RUN(store_deleted_or_replaced_while_open_refuses_writes);
	RUN(wal_store_reads_and_writes);
	RUN(assessments_stamp_moves_on_any_write);
	RUN(session_scoped_feedback_found_after_it_appears);
	RUN(newer_store_columns_are_filled);
	RUN(put_trace_replaces_a_trace_and_keeps_its_feedback);
	RUN(feedback_beyond_mlflow_column_limits_is_refused);
	RUN(ensure_experiment_like_mlflow);
	RUN(create_store_has_mlflow_schema);
	TEST_MAIN_END();
}
