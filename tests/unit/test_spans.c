/* Spans across traces (store_page_spans) on a copy of a real MLflow store
 * (a DSPy ReAct agent's trace, 30 spans): the order and the pages against
 * sqlite3's own ORDER BY on the same file, span conditions on the span
 * listed (all of them on one span), conditions on its trace, spans that
 * never ended, and a store without the spans table. */
#include <sqlite3.h>

#include "core/model.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "store/store.h"
#include "test.h"

#define DSPY "mlflow-3-dspy-react-agent.db"
#define DSPY_TRACE "tr-c3f8ccfcfd1ce910d7277a703eedd5e9"

static char *path;

/* "span_id duration_ms" lines, as sqlite3 lists them for a WHERE and
 * ORDER BY over the spans table; caller frees. */
static char *sqlite_lines(const char *where_order)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *sql = xasprintf("SELECT span_id, (end_time_unix_nano - start_time_unix_nano)"
			      " / 1000000 FROM spans %s", where_order);

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		printf("    sqlite3: %s: %s\n", sql, sqlite3_errmsg(db));
		test_failed_checks++;
	}
	while (st && sqlite3_step(st) == SQLITE_ROW)
		sb_addf(&sb, "%s %s\n", (const char *)sqlite3_column_text(st, 0),
			sqlite3_column_type(st, 1) == SQLITE_NULL ? "-" :
			(const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
	return sb_take(&sb);
}

static void sqlite_exec(const char *sql)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		printf("    sqlite3: %s: %s\n", sql, sqlite3_errmsg(db));
		test_failed_checks++;
	}
	sqlite3_close(db);
}

/* Every span the store lists for the filter, a page of `page` at a time,
 * as "span_id duration_ms" lines; NULL with the message in err on failure. */
static char *store_lines(const char *filter, enum span_sort sort, bool asc, size_t page,
			 struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct store *st = NULL;
	struct span_cursor at = { 0 };
	struct span_page pg;
	struct span_req req = { 1, filter, sort, asc, &at, page };  /* the fixture's experiment */
	size_t i;
	bool more;
	int rc = -1;

	memset(&pg, 0, sizeof pg);
	if (store_open(path, STORE_READONLY, &st, err) < 0)
		goto out;
	do {
		if (store_page_spans(st, &req, &pg, err) < 0)
			goto out;
		for (i = 0; i < pg.n; i++) {
			int64_t ms = span_row_duration_ms(&pg.v[i]);

			CHECK(pg.v[i].trace_id && strncmp(pg.v[i].trace_id, "tr-", 3) == 0);
			if (ms < 0)
				sb_addf(&sb, "%s -\n", pg.v[i].span_id);
			else
				sb_addf(&sb, "%s %lld\n", pg.v[i].span_id, (long long)ms);
		}
		if (pg.n)
			at = pg.v[pg.n - 1].at;
		CHECK(pg.n == page || !pg.more);
		more = pg.more;
		span_page_free(&pg);
	} while (more);
	rc = 0;
out:
	span_page_free(&pg);
	store_close(st);
	if (rc < 0) {
		sb_free(&sb);
		return NULL;
	}
	return sb_take(&sb);
}

#define CHECK_SAME(filter, sort, asc, page, where_order) do { \
	struct err e_ = { 0 }; \
	char *got_ = store_lines(filter, sort, asc, page, &e_), *want_ = sqlite_lines(where_order); \
	if (!got_) \
		printf("    %s: %s\n", filter ? filter : "(none)", e_.msg); \
	CHECK_STR(got_, want_); \
	free(got_); \
	free(want_); \
} while (0)

TEST(order_and_pages_as_sqlite_orders)
{
	/* the longest first, ties by rowid; in pages of 1, 7 and all */
	CHECK_SAME(NULL, SPAN_SORT_DURATION, false, 1,
		   "ORDER BY duration_ns DESC, rowid DESC");
	CHECK_SAME(NULL, SPAN_SORT_DURATION, false, 7,
		   "ORDER BY duration_ns DESC, rowid DESC");
	CHECK_SAME(NULL, SPAN_SORT_DURATION, true, 100,
		   "ORDER BY duration_ns ASC, rowid ASC");
	CHECK_SAME(NULL, SPAN_SORT_START, false, 4,
		   "ORDER BY start_time_unix_nano DESC, rowid DESC");
	CHECK_SAME(NULL, SPAN_SORT_START, true, 3,
		   "ORDER BY start_time_unix_nano ASC, rowid ASC");
}

TEST(span_conditions_hold_on_the_span_listed)
{
	CHECK_SAME("span.type = 'LLM'", SPAN_SORT_DURATION, false, 2,
		   "WHERE type = 'LLM' ORDER BY duration_ns DESC, rowid DESC");
	CHECK_SAME("span.duration_ms > 3000", SPAN_SORT_DURATION, false, 2,
		   "WHERE duration_ns > 3000000000 ORDER BY duration_ns DESC, rowid DESC");
	/* one span is a TOOL and another is slow: no TOOL span is slow */
	CHECK_SAME("span.type = 'TOOL' AND span.duration_ms > 1000", SPAN_SORT_DURATION, false,
		   5, "WHERE 0");
	CHECK_SAME("span.type = 'TOOL' AND span.duration_ms > 2", SPAN_SORT_DURATION, false, 5,
		   "WHERE type = 'TOOL' AND duration_ns > 2000000"
		   " ORDER BY duration_ns DESC, rowid DESC");
	/* OR and NOT are on the span listed too */
	CHECK_SAME("span.type = 'AGENT' OR span.name = 'Tool.pick_flight'", SPAN_SORT_START, true,
		   5, "WHERE type = 'AGENT' OR name = 'Tool.pick_flight'"
		   " ORDER BY start_time_unix_nano, rowid");
	CHECK_SAME("NOT span.type IN ('PARSER', 'CHAT_MODEL')", SPAN_SORT_DURATION, false, 4,
		   "WHERE type NOT IN ('PARSER', 'CHAT_MODEL') ORDER BY duration_ns DESC, rowid DESC");
	CHECK_SAME("span.attributes.mlflow.spanType = 'TOOL'", SPAN_SORT_DURATION, false, 10,
		   "WHERE type = 'TOOL' ORDER BY duration_ns DESC, rowid DESC");
	/* conditions on the trace pick the traces whose spans are listed */
	CHECK_SAME("status = 'OK' AND span.type = 'TOOL'", SPAN_SORT_DURATION, false, 3,
		   "WHERE type = 'TOOL' ORDER BY duration_ns DESC, rowid DESC");
	CHECK_SAME("status = 'ERROR' AND span.type = 'TOOL'", SPAN_SORT_DURATION, false, 3,
		   "WHERE 0");
	CHECK_SAME("span.start_time_ms >= 0 AND span.end_time_ms IS NOT NULL", SPAN_SORT_START,
		   false, 30, "ORDER BY start_time_unix_nano DESC, rowid DESC");
}

TEST(unfinished_spans_last_when_longest_first)
{
	struct err err = { 0 };
	char *s;

	sqlite_exec("UPDATE spans SET end_time_unix_nano = NULL WHERE name = 'Tool.pick_flight'"
		    " OR span_id = '51d7f0b47703f6ad'");
	CHECK_SAME(NULL, SPAN_SORT_DURATION, false, 4,
		   "ORDER BY duration_ns IS NULL, duration_ns DESC, rowid DESC");
	CHECK_SAME(NULL, SPAN_SORT_DURATION, true, 3,
		   "ORDER BY duration_ns IS NOT NULL, duration_ns ASC, rowid ASC");
	CHECK_SAME("span.duration_ms IS NULL", SPAN_SORT_DURATION, false, 1,
		   "WHERE duration_ns IS NULL ORDER BY rowid DESC");
	s = store_lines("span.duration_ms IS NULL", SPAN_SORT_START, false, 10, &err);
	CHECK_STR(s, "855c632447408088 -\n51d7f0b47703f6ad -\n");
	free(s);
	sqlite_exec("UPDATE spans SET end_time_unix_nano = start_time_unix_nano + 1000000"
		    " WHERE end_time_unix_nano IS NULL");
}

TEST(bad_filter_and_store_without_spans)
{
	struct err err = { 0 };
	char *s;

	s = store_lines("span.duration_ms > 'x'", SPAN_SORT_DURATION, false, 10, &err);
	CHECK_NULL(s);
	CHECK_INT(err.code, ERR_PARSE);
	CHECK_STR(err.msg, "col 20: span.duration_ms compares with a number, not a string");
	free(s);
	sqlite_exec("DROP TABLE spans");
	err_clear(&err);
	s = store_lines("span.type = 'LLM'", SPAN_SORT_DURATION, false, 10, &err);
	CHECK_STR(s, "");
	free(s);
}

/* 12,000 more spans on a second trace: more than the window of the
 * duration index that a page is first looked for in, so that pages also
 * come from after it (a rare type, all of it short), and across it. */
TEST(pages_beyond_the_index_window)
{
	sqlite_exec("INSERT INTO trace_info (request_id, experiment_id, timestamp_ms,"
		    " execution_time_ms, status) VALUES ('tr-many', 1, 1765380600000, 1000, 'OK');"
		    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)"
		    " INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type,"
		    " status, start_time_unix_nano, end_time_unix_nano, content)"
		    " SELECT 'tr-many', 1, printf('%016x', i), NULL, 'step', CASE WHEN i % 997 = 0"
		    " THEN 'RARE' WHEN i % 3 = 0 THEN 'LLM' ELSE 'TOOL' END,"
		    " CASE WHEN i % 5 = 0 THEN 'ERROR' ELSE 'OK' END,"
		    " 1765380600000000000 + i * 1000,"
		    " 1765380600000000000 + i * 1000 + CASE WHEN i % 997 = 0 THEN i ELSE"
		    " (i * 7919 % 10007) * 1000000 END, '{}' FROM n");
	CHECK_SAME("span.type = 'RARE'", SPAN_SORT_DURATION, false, 5,
		   "WHERE type = 'RARE' ORDER BY duration_ns DESC, rowid DESC");
	CHECK_SAME("span.type = 'LLM' AND span.status = 'ERROR'", SPAN_SORT_DURATION, false, 200,
		   "WHERE type = 'LLM' AND status = 'ERROR' ORDER BY duration_ns DESC, rowid DESC");
	CHECK_SAME("span.type = 'TOOL'", SPAN_SORT_DURATION, true, 1000,
		   "WHERE type = 'TOOL' ORDER BY duration_ns, rowid");
	CHECK_SAME(NULL, SPAN_SORT_DURATION, false, 3000,
		   "ORDER BY duration_ns DESC, rowid DESC");
	CHECK_SAME("span.duration_ms < 2 OR span.name = 'LM.__call__'", SPAN_SORT_START, false, 7,
		   "WHERE duration_ns < 2000000 OR name = 'LM.__call__'"
		   " ORDER BY start_time_unix_nano DESC, rowid DESC");
}

int main(void)
{
	path = test_copy_fixture(DSPY, "spans.db");
	RUN(order_and_pages_as_sqlite_orders);
	RUN(span_conditions_hold_on_the_span_listed);
	RUN(unfinished_spans_last_when_longest_first);
	RUN(pages_beyond_the_index_window);
	RUN(bad_filter_and_store_without_spans);
	free(path);
	TEST_MAIN_END();
}
