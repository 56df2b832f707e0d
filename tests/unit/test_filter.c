/* The filter language: parser (operators, precedence, quoting, numbers,
 * error columns), SQL injection attempts, query plans on MLflow's indexes,
 * and equivalence of the compiled SQL with a brute-force evaluation over a
 * small store built in a copy of a real MLflow 3 store. */
#include <sqlite3.h>

#include "core/filter.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "store/filter_sql.h"
#include "test.h"

/* ---- parser ------------------------------------------------------------ */

/* The tree printed back, or "ERR <message>". */
static char *parse_str(const char *f)
{
	struct filter_node *n = NULL;
	struct err err = { 0 };
	int col = 0;
	char *s;

	if (filter_parse(f, &n, &col, &err) < 0)
		return xasprintf("ERR %s", err.msg);
	s = n ? filter_to_string(n) : xstrdup("(none)");
	filter_free(n);
	return s;
}

#define CHECK_PARSE(f, want) do { \
	char *got_ = parse_str(f); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

TEST(parse_every_operator)
{
	CHECK_PARSE("status = 'OK'", "status = 'OK'");
	CHECK_PARSE("status != 'OK'", "status != 'OK'");
	CHECK_PARSE("status <> 'OK'", "status != 'OK'");
	CHECK_PARSE("timestamp_ms < 5", "timestamp_ms < 5");
	CHECK_PARSE("timestamp_ms <= 5", "timestamp_ms <= 5");
	CHECK_PARSE("timestamp_ms > 5", "timestamp_ms > 5");
	CHECK_PARSE("timestamp_ms >= 5", "timestamp_ms >= 5");
	CHECK_PARSE("status LIKE 'O%'", "status LIKE 'O%'");
	CHECK_PARSE("status ilike 'o%'", "status ILIKE 'o%'");
	CHECK_PARSE("status RLIKE '^O'", "status RLIKE '^O'");
	CHECK_PARSE("status IN ('OK', 'ERROR')", "status IN ('OK', 'ERROR')");
	CHECK_PARSE("status not in ('OK')", "status NOT IN ('OK')");
	CHECK_PARSE("tags.x IS NULL", "tags.`x` IS NULL");
	CHECK_PARSE("tags.x is not null", "tags.`x` IS NOT NULL");
	CHECK_PARSE("status='OK'", "status = 'OK'");
	CHECK_PARSE("execution_time_ms>=-5", "execution_time_ms >= -5");
}

TEST(parse_fields_and_aliases)
{
	CHECK_PARSE("attributes.status = 'OK'", "status = 'OK'");
	CHECK_PARSE("attribute.timestamp > 1", "timestamp_ms > 1");
	CHECK_PARSE("trace.execution_time < 1", "execution_time_ms < 1");
	CHECK_PARSE("end_time >= 2", "end_time_ms >= 2");
	CHECK_PARSE("trace.name = 'a'", "name = 'a'");
	CHECK_PARSE("run_id = 'r'", "run_id = 'r'");
	CHECK_PARSE("request_id = 'tr-1'", "request_id = 'tr-1'");
	CHECK_PARSE("trace_id = 'tr-1'", "request_id = 'tr-1'");
	CHECK_PARSE("client_request_id IS NULL", "client_request_id IS NULL");
	CHECK_PARSE("trace.text LIKE '%a%'", "text LIKE '%a%'");
	CHECK_PARSE("tag.env = 'prod'", "tags.`env` = 'prod'");
	CHECK_PARSE("tags.mlflow.traceName = 'a'", "tags.`mlflow.traceName` = 'a'");
	CHECK_PARSE("metadata.`mlflow.trace.user` = 'a'", "metadata.`mlflow.trace.user` = 'a'");
	CHECK_PARSE("request_metadata.\"mlflow.sourceRun\" = 'r'",
		    "metadata.`mlflow.sourceRun` = 'r'");
	CHECK_PARSE("span.name = 'a'", "span.name = 'a'");
	CHECK_PARSE("span.type = 'LLM'", "span.type = 'LLM'");
	CHECK_PARSE("span.status = 'ERROR'", "span.status = 'ERROR'");
	CHECK_PARSE("span.content LIKE '%x%'", "span.content LIKE '%x%'");
	CHECK_PARSE("span.attributes.mlflow.spanType = 'LLM'",
		    "span.attributes.`mlflow.spanType` = 'LLM'");
	CHECK_PARSE("span.attributes.`gen_ai.model` = 'x'", "span.attributes.`gen_ai.model` = 'x'");
	CHECK_PARSE("span.duration_ms > 5000", "span.duration_ms > 5000");
	CHECK_PARSE("span.duration <= 1.5", "span.duration_ms <= 1.5");
	CHECK_PARSE("span.start_time >= 1", "span.start_time_ms >= 1");
	CHECK_PARSE("span.end_time_ms IS NULL", "span.end_time_ms IS NULL");
	CHECK_PARSE("feedback.ok = 'true'", "feedback.`ok` = 'true'");
	CHECK_PARSE("feedback.\"Relevance to Query\" = 'yes'",
		    "feedback.`Relevance to Query` = 'yes'");
	CHECK_PARSE("expectation.`expected answer` IS NOT NULL",
		    "expectation.`expected answer` IS NOT NULL");
	CHECK_PARSE("issue.id = 'iss-1'", "issue.id = 'iss-1'");
	CHECK_PARSE("tags.my-key = 'x'", "tags.`my-key` = 'x'");
	CHECK_PARSE("TAGS.env = 'x'", "tags.`env` = 'x'");
	CHECK_PARSE("STATUS = 'x'", "status = 'x'");
}

TEST(parse_precedence)
{
	CHECK_PARSE("status = 'A' OR status = 'B' AND status = 'C'",
		    "(status = 'A' OR (status = 'B' AND status = 'C'))");
	CHECK_PARSE("(status = 'A' OR status = 'B') AND status = 'C'",
		    "((status = 'A' OR status = 'B') AND status = 'C')");
	CHECK_PARSE("NOT status = 'A' AND status = 'B'",
		    "(NOT status = 'A' AND status = 'B')");
	CHECK_PARSE("NOT (status = 'A' AND status = 'B')",
		    "NOT (status = 'A' AND status = 'B')");
	CHECK_PARSE("not not status = 'A'", "NOT NOT status = 'A'");
	CHECK_PARSE("status = 'A' and status = 'B' AND status = 'C'",
		    "(status = 'A' AND status = 'B' AND status = 'C')");
	/* nested AND groups flatten: one list of conditions */
	CHECK_PARSE("(status = 'A' AND (status = 'B' AND status = 'C'))",
		    "(status = 'A' AND status = 'B' AND status = 'C')");
	CHECK_PARSE("status = 'A' OR (status = 'B' OR status = 'C')",
		    "(status = 'A' OR status = 'B' OR status = 'C')");
	CHECK_PARSE("((status = 'A'))", "status = 'A'");
	CHECK_PARSE("", "(none)");
	CHECK_PARSE("  \t ", "(none)");
}

TEST(parse_quoting)
{
	CHECK_PARSE("status = \"OK\"", "status = 'OK'");
	CHECK_PARSE("status = 'it''s'", "status = 'it''s'");
	CHECK_PARSE("status = 'it\\'s'", "status = 'it''s'");
	CHECK_PARSE("status = \"say \"\"hi\"\"\"", "status = 'say \"hi\"'");
	CHECK_PARSE("status = \"say \\\"hi\\\"\"", "status = 'say \"hi\"'");
	CHECK_PARSE("status = 'a\\\\b'", "status = 'a\\\\b'");
	CHECK_PARSE("status LIKE 'a\\%b'", "status LIKE 'a\\\\%b'");
	CHECK_PARSE("tags.`a``b` = 'x'", "tags.`a``b` = 'x'");
	CHECK_PARSE("tags.\"a'b\" = 'x'", "tags.`a'b` = 'x'");
	CHECK_PARSE("tags.`a.b`.c = 'x'", "tags.`a.b.c` = 'x'");
	CHECK_PARSE("status = 'caf\xc3\xa9'", "status = 'caf\xc3\xa9'");
	CHECK_PARSE("status = ''", "status = ''");
}

TEST(parse_numbers)
{
	struct filter_node *n = NULL;
	struct err err = { 0 };

	CHECK_PARSE("timestamp_ms > 1767225600000", "timestamp_ms > 1767225600000");
	CHECK_PARSE("execution_time_ms < 1.5", "execution_time_ms < 1.5");
	CHECK_PARSE("execution_time_ms < 2e3", "execution_time_ms < 2e3");
	CHECK_PARSE("execution_time_ms < .5", "execution_time_ms < .5");
	CHECK_INT(filter_parse("timestamp_ms = -42", &n, NULL, &err), 0);
	CHECK(n && n->nvals == 1 && n->vals[0].is_num && n->vals[0].is_int);
	CHECK_INT(n ? n->vals[0].i : 0, -42);
	filter_free(n);
	CHECK_INT(filter_parse("execution_time_ms > 2.5e1", &n, NULL, &err), 0);
	CHECK(n && n->vals[0].is_num && !n->vals[0].is_int && n->vals[0].d == 25.0);
	filter_free(n);
	/* a number too big for int64 is still a number */
	CHECK_INT(filter_parse("timestamp_ms > 99999999999999999999", &n, NULL, &err), 0);
	CHECK(n && n->vals[0].is_num && !n->vals[0].is_int);
	filter_free(n);
}

/* Checks the exact error message and err_col of a bad filter. */
static void check_err(const char *f, const char *msg, int line)
{
	struct filter_node *n = NULL;
	struct err err = { 0 };
	int col = -1, want_col = 0;

	if (filter_parse(f, &n, &col, &err) == 0) {
		printf("    line %d: [%s] parsed\n", line, f);
		test_failed_checks++;
		filter_free(n);
		return;
	}
	sscanf(msg, "col %d", &want_col);
	if (strcmp(err.msg, msg) != 0 || col != want_col || err.code != ERR_PARSE || n) {
		printf("    line %d: [%s]\n      got  (col %d) %s\n      want (col %d) %s\n", line, f,
		       col, err.msg, want_col, msg);
		test_failed_checks++;
	}
}

#define CHECK_ERR(f, msg) check_err(f, msg, __LINE__)

TEST(parse_errors_with_columns)
{
	CHECK_ERR("status =", "col 9: expected a value after '='");
	CHECK_ERR("status = ERROR", "col 10: expected a value after '=': put text in quotes ('ERROR')");
	CHECK_ERR("status = 'OK' AND execution_time_ms > 'x'",
		  "col 39: execution_time_ms compares with a number, not a string");
	CHECK_ERR("status = 5", "col 10: status compares with text: put the value in quotes ('5')");
	CHECK_ERR("feedback.score = 4",
		  "col 18: feedback compares with text: put the value in quotes ('4')");
	CHECK_ERR("status = 'OK' AND",
		  "col 18: expected a field such as status, tags.<key> or feedback.<name>, "
		  "found the end of the filter");
	CHECK_ERR("(status = 'OK'",
		  "col 15: expected ')' to close the '(' at col 1, found the end of the filter");
	CHECK_ERR("status = 'OK')", "col 14: unexpected ')': no '(' to close");
	CHECK_ERR("status = 'OK", "col 10: unterminated string: no closing '");
	CHECK_ERR("tags.`abc = 'x'", "col 6: unterminated key: no closing `");
	CHECK_ERR("status == 'OK'", "col 8: unknown operator '==': use '='");
	CHECK_ERR("status ! 'OK'", "col 8: expected '=' after '!'");
	CHECK_ERR("status IN 'OK'", "col 11: expected '(' after IN");
	CHECK_ERR("status IN ('OK'", "col 16: expected ')' to close the list at col 11");
	CHECK_ERR("status IN ('OK' 'B')", "col 17: expected ',' or ')' in the IN list");
	CHECK_ERR("status IN ()", "col 12: expected a value after '('");
	CHECK_ERR("status NOT LIKE 'x'",
		  "col 12: expected IN after NOT (NOT before a comparison negates it: NOT status ...)");
	CHECK_ERR("tags.x IS 'a'", "col 11: expected NULL after IS");
	CHECK_ERR("tags.x IS NOT 'a'", "col 15: expected NULL after IS NOT");
	CHECK_ERR("tags.x < 'a'",
		  "col 8: tags does not take < (it takes =, !=, LIKE, ILIKE, RLIKE, IN, NOT IN, "
		  "IS NULL, IS NOT NULL)");
	CHECK_ERR("text = 'x'", "col 6: text does not take = (it takes LIKE, ILIKE, RLIKE)");
	CHECK_ERR("span.type IS NULL",
		  "col 11: span.type does not take IS NULL (it takes =, !=, LIKE, ILIKE, RLIKE, "
		  "IN, NOT IN)");
	CHECK_ERR("issue.id != 'x'", "col 10: issue.id does not take != (it takes =)");
	CHECK_ERR("span.foo = 'x'",
		  "col 6: unknown span field 'foo' (span fields are name, type, status, content, "
		  "attributes.<key>, duration_ms, start_time_ms, end_time_ms)");
	CHECK_ERR("span.duration_ms > '5'",
		  "col 20: span.duration_ms compares with a number, not a string");
	CHECK_ERR("span.type = 5", "col 13: span.type compares with text: put the value in quotes "
		  "('5')");
	CHECK_ERR("span.duration_ms LIKE '5%'",
		  "col 18: span.duration_ms does not take LIKE (it takes =, !=, <, <=, >, >=, "
		  "IS NULL, IS NOT NULL)");
	CHECK_ERR("span.attributes = 'x'", "col 6: expected span.attributes.<key>");
	CHECK_ERR("bogus.x = 'y'",
		  "col 1: unknown entity 'bogus' (use attributes, tags, metadata, span, feedback, "
		  "expectation or queue)");
	CHECK_ERR("queue.triage = 'done'",
		  "col 14: a queue status is 'pending', 'complete' or 'declined', not 'done'");
	CHECK_ERR("queue.triage LIKE 'p%'",
		  "col 14: queue does not take LIKE (it takes =, !=, IN, NOT IN, IS NULL, "
		  "IS NOT NULL)");
	CHECK_ERR("foo = 'y'",
		  "col 1: unknown attribute 'foo' (attributes are status, timestamp_ms, "
		  "execution_time_ms, end_time_ms, name, request_id, run_id, client_request_id, text)");
	CHECK_ERR("status = 'OK' status = 'x'",
		  "col 15: expected AND, OR or the end of the filter, found 'status'");
	CHECK_ERR("status = 'OK' # x", "col 15: unexpected character '#'");
	CHECK_ERR("()", "col 2: empty parentheses");
	CHECK_ERR("feedback. = 'x'", "col 11: expected a key after '.', found '='");
	CHECK_ERR("tags.`` = 'x'", "col 6: empty key");
	CHECK_ERR("execution_time_ms > 5abc", "col 21: malformed number");
	CHECK_ERR("status", "col 7: expected an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, "
		  "NOT IN, IS NULL, IS NOT NULL), found the end of the filter");
	CHECK_ERR("= 'x'", "col 1: expected a field such as status, tags.<key> or "
		  "feedback.<name>, found '='");
	/* columns count characters, not bytes: 'é' is one column */
	CHECK_ERR("status = '\xc3\xa9' AND x = 'a'",
		  "col 18: unknown attribute 'x' (attributes are status, timestamp_ms, "
		  "execution_time_ms, end_time_ms, name, request_id, run_id, client_request_id, text)");
	CHECK_ERR("status = '\xe2\x82\xac' \xc2\xa7", "col 14: unexpected character '\xc2\xa7'");
}

TEST(parse_depth_limit)
{
	struct strbuf sb = STRBUF_INIT;
	struct filter_node *n = NULL;
	struct err err = { 0 };
	int i, col = 0;

	for (i = 0; i < 5000; i++)
		sb_addc(&sb, '(');
	sb_adds(&sb, "status = 'x'");
	CHECK_INT(filter_parse(sb_str(&sb), &n, &col, &err), -1);
	CHECK_STR(err.msg, "col 17: too deeply nested (at most 16 levels)");
	CHECK(n == NULL);
	sb_reset(&sb);
	for (i = 0; i < 5000; i++)
		sb_adds(&sb, "NOT ");
	sb_adds(&sb, "status = 'x'");
	CHECK_INT(filter_parse(sb_str(&sb), &n, &col, &err), -1);
	sb_free(&sb);
}

/* ---- SQL text ---------------------------------------------------------- */

TEST(sql_rlike_refused_with_column)
{
	struct sql_where w;
	struct err err = { 0 };

	CHECK_INT(filter_to_sql("status = 'OK' AND tags.x RLIKE '^a'", &w, &err), -1);
	CHECK_INT(w.err_col, 26);
	CHECK_STR(err.msg, "col 26: RLIKE is not available: SQLite has no regular expressions; "
		  "use LIKE or ILIKE with % and _");
	CHECK(w.sql.len == 0 && w.n == 0);
	sql_where_free(&w);
	CHECK_INT(filter_to_sql("status = 'OK' AND", &w, &err), -1);
	CHECK_INT(w.err_col, 18);
	CHECK_INT(err.code, ERR_PARSE);
	sql_where_free(&w);
}

TEST(sql_empty_filter_is_true)
{
	struct sql_where w;
	struct err err = { 0 };

	CHECK_INT(filter_to_sql("", &w, &err), 0);
	CHECK_STR(sb_str(&w.sql), "1");
	CHECK_INT(w.n, 0);
	sql_where_free(&w);
	CHECK_INT(filter_to_sql(NULL, &w, &err), 0);
	CHECK_STR(sb_str(&w.sql), "1");
	sql_where_free(&w);
}

TEST(sql_binds_values_and_keys)
{
	static const char *const hostile[] = {
		"tags.x = 'a'' OR 1=1 --'",
		"tags.`k'ey` = 'v'",
		"tags.`a``b; DROP TABLE trace_info; --` = 'v'",
		"feedback.\"x\"\" OR \"\"1\"\"=\"\"1\" = 'y'",
		"status = 'OK''); DROP TABLE trace_info; --'",
		"span.attributes.`x\" OR 1=1 --` = 'v'",
		"span.name IN ('a''', ''' OR ''1''=''1')",
		"metadata.`'` IS NULL",
	};
	size_t i, j;

	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		struct sql_where w;
		struct err err = { 0 };

		CHECK_INT(filter_to_sql(hostile[i], &w, &err), 0);
		/* No user text in the SQL: no quote other than our own literals,
		 * and none of the attack words. */
		CHECK(strstr(sb_str(&w.sql), "DROP") == NULL);
		CHECK(strstr(sb_str(&w.sql), "1=1") == NULL);
		CHECK(strstr(sb_str(&w.sql), "--") == NULL);
		CHECK(strstr(sb_str(&w.sql), "k'ey") == NULL);
		for (j = 0; j < w.n; j++)
			CHECK(w.params[j].kind != SQLP_TEXT || w.params[j].text);
		sql_where_free(&w);
	}
}

/* ---- a small store ----------------------------------------------------- */

#define EXP 1
#define NTRACES 64
#define MAXKV 6
#define MAXSPANS 4
#define MAXATTR 6
#define MAXAS 6

struct t_kv { const char *k; const char *v; };

struct t_span {
	const char *name, *type, *status;
	struct t_kv attr[MAXATTR];   /* decoded values, as the filter compares them */
	int nattr;
	bool bad_json;
	char *content;
	int64_t start_ns, end_ns;    /* end -1: unfinished */
};

struct t_as {
	const char *type, *name;
	char *value;                 /* JSON text */
	int valid;
	const char *session;         /* session-scoped: assessment_metadata names it */
};

struct t_trace {
	char id[48];
	int64_t exp;
	int64_t ts;
	int64_t exec;                /* -1: NULL */
	const char *status;
	char *client_id;             /* NULL or owned */
	char *req, *resp;            /* previews, NULL or owned */
	struct t_kv tags[MAXKV], meta[MAXKV];
	int ntags, nmeta;
	struct t_span spans[MAXSPANS];
	int nspans;
	struct t_as as[MAXAS];
	int nas;
};

static struct t_trace *traces;
static int ntraces;
static sqlite3 *db;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((uint32_t)n)];
}

#define PICK(a) pick(a, sizeof a / sizeof a[0])

static void kv_add(struct t_kv *kv, int *n, const char *k, const char *v)
{
	kv[*n].k = k;
	kv[*n].v = v;
	(*n)++;
}

static void as_add(struct t_trace *t, const char *type, const char *name, const char *value,
		   int valid, const char *session)
{
	struct t_as *a = &t->as[t->nas++];

	a->type = type;
	a->name = name;
	a->value = xstrdup(value);
	a->valid = valid;
	a->session = session;
}

static void span_add(struct t_trace *t, const char *name, const char *type, const char *status,
		     const char *model, const char *temp, const char *streaming, bool retries,
		     const char *question)
{
	struct t_span *s = &t->spans[t->nspans];
	struct strbuf sb = STRBUF_INIT;

	s->name = name;
	s->type = type;
	s->status = status;
	kv_add(s->attr, &s->nattr, "mlflow.spanType", type);
	sb_addf(&sb, "{\"trace_id\": \"x\", \"span_id\": \"%016x\", \"name\": \"%s\", "
		"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"%s\\\"\", "
		"\"mlflow.spanType\": \"\\\"%s\\\"\"", (unsigned)t->nspans + 1, name, t->id, type);
	if (model) {
		sb_addf(&sb, ", \"model\": \"\\\"%s\\\"\"", model);
		kv_add(s->attr, &s->nattr, "model", model);
	}
	if (temp) {
		sb_addf(&sb, ", \"temperature\": \"%s\"", temp);
		kv_add(s->attr, &s->nattr, "temperature", temp);
	}
	if (streaming) {
		sb_addf(&sb, ", \"streaming\": \"%s\"", streaming);
		kv_add(s->attr, &s->nattr, "streaming", streaming);
	}
	if (retries) {
		/* a raw (not JSON-encoded) number, as some writers leave it */
		sb_adds(&sb, ", \"retries\": 3");
		kv_add(s->attr, &s->nattr, "retries", "3");
	}
	if (question) {
		sb_addf(&sb, ", \"mlflow.spanInputs\": \"{\\\"question\\\": \\\"%s\\\"}\"", question);
		kv_add(s->attr, &s->nattr, "mlflow.spanInputs",
		       xasprintf("{\"question\": \"%s\"}", question));
	}
	sb_addf(&sb, "}, \"status\": {\"code\": \"STATUS_CODE_%s\", \"message\": \"\"}}", status);
	s->content = sb_take(&sb);
	t->nspans++;
}

static void exec_sql(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sql: %s: %s\n", msg, sql);
		exit(1);
	}
}

static void bind_str_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void step_reset(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void make_traces(void)
{
	static const char *const statuses[] = { "OK", "OK", "OK", "ERROR", "IN_PROGRESS" };
	static const char *const names[] = { "answer_question", "retrieve", "search_web", "chat" };
	static const char *const users[] = { "alice", "bob", "carol" };
	static const char *const sessions[] = { "s1", "s2", "s3", "s4" };
	static const char *const words[] = { "Paris", "paris weather", "MLflow", "tokens",
					     "caf\xc3\xa9", "100% sure", "under_score" };
	static const char *const models[] = { "gpt-4", "gpt-4-turbo", "claude-3" };
	static const char *const temps[] = { "0.7", "0.5", "1" };
	static const char *const span_status[] = { "OK", "OK", "ERROR", "UNSET" };
	static const char *const yes_no[] = { "\"yes\"", "\"no\"", "\"Yes\"" };
	int i;

	ntraces = NTRACES;
	traces = xcalloc((size_t)ntraces, sizeof *traces);
	for (i = 0; i < ntraces; i++) {
		struct t_trace *t = &traces[i];
		const char *w = PICK(words);

		snprintf(t->id, sizeof t->id, "tr-%032x", (unsigned)(i * 2654435761u));
		t->exp = i % 16 == 15 ? 2 : EXP;
		t->ts = 1767225600000 + (int64_t)i * 60000;
		t->exec = rnd(6) == 0 ? -1 : (int64_t)rnd(3000);
		t->status = PICK(statuses);
		t->client_id = rnd(3) == 0 ? xasprintf("c-%d", i % 5) : NULL;
		t->req = rnd(8) == 0 ? NULL : xasprintf("{\"question\": \"%s?\"}", w);
		t->resp = rnd(8) == 0 ? NULL : xasprintf("\"answer about %s\"", PICK(words));
		if (rnd(5))
			kv_add(t->tags, &t->ntags, "mlflow.traceName", PICK(names));
		if (rnd(3) == 0)
			kv_add(t->tags, &t->ntags, "env", "prod");
		else if (rnd(2))
			kv_add(t->tags, &t->ntags, "env", "dev");
		kv_add(t->tags, &t->ntags, "mlflow.trace.spansLocation", "TRACKING_STORE");
		if (i % 7 == 0)
			kv_add(t->tags, &t->ntags, "x", i % 14 ? "a' OR 1=1 --" : "a");
		if (i % 9 == 0)
			kv_add(t->tags, &t->ntags, "we'ird`key", "v\"1");
		kv_add(t->meta, &t->nmeta, "mlflow.trace.user", PICK(users));
		if (rnd(4))
			kv_add(t->meta, &t->nmeta, "mlflow.trace.session", PICK(sessions));
		if (rnd(3) == 0)
			kv_add(t->meta, &t->nmeta, "mlflow.sourceRun", rnd(2) ? "run1" : "run2");

		/* spans */
		if (rnd(6)) {
			span_add(t, "root", "CHAIN", "OK", NULL, NULL, NULL, false, w);
			if (rnd(2))
				span_add(t, "retrieve", "RETRIEVER", PICK(span_status), NULL, NULL,
					 NULL, rnd(3) == 0, NULL);
			if (rnd(3))
				span_add(t, rnd(4) ? "llm" : "retrieve", "LLM", PICK(span_status),
					 PICK(models), PICK(temps), rnd(2) ? "true" : "false",
					 false, NULL);
			if (rnd(5) == 0) {
				struct t_span *s = &t->spans[t->nspans++];

				s->name = "broken";
				s->type = "TOOL";
				s->status = "OK";
				s->bad_json = true;
				s->content = xstrdup("not json: model gpt-4 paris");
			}
		}

		/* assessments */
		if (rnd(2)) {
			int v = (int)rnd(2);

			as_add(t, "feedback", "correct", v ? "true" : "false", 1, NULL);
			if (rnd(3) == 0)  /* an overridden row with the other value */
				as_add(t, "feedback", "correct", v ? "false" : "true", 0, NULL);
		}
		if (rnd(2)) {
			char num[8];

			snprintf(num, sizeof num, "%u", 1 + rnd(5));
			as_add(t, "feedback", "score", num, 1, NULL);
		}
		if (rnd(3) == 0)
			as_add(t, "feedback", "Relevance to Query", PICK(yes_no), 1, NULL);
		if (rnd(4) == 0)
			as_add(t, "expectation", "expected_answer", rnd(2) ? "\"Paris\"" : "42", 1, NULL);
		if (rnd(10) == 0)
			as_add(t, "issue", "iss-1", "{\"issue_name\": \"x\"}", 1, NULL);
	}
	/* a session-scoped judgement: counts for every trace of session s2 */
	as_add(&traces[3], "feedback", "session_ok", "true", 1, "s2");
	/* and a trace whose only span pair tests the same-span rule */
	for (i = 0; i < traces[5].nspans; i++) {
		struct t_span *s = &traces[5].spans[i];
		int k;

		for (k = 0; k < s->nattr; k++)
			if (strcmp(s->attr[k].k, "mlflow.spanInputs") == 0)
				free((void *)(uintptr_t)s->attr[k].v);
		free(s->content);
		memset(s, 0, sizeof *s);
	}
	traces[5].nspans = 0;
	span_add(&traces[5], "retrieve", "RETRIEVER", "OK", NULL, NULL, NULL, false, NULL);
	span_add(&traces[5], "llm", "LLM", "ERROR", "gpt-4", "0.7", "true", false, NULL);
	/* span times: whole seconds from 0 to 10, some with half a millisecond
	 * more, every 17th span unfinished (no end); no random numbers, so the
	 * rest of the data stays as it was */
	for (i = 0; i < ntraces; i++) {
		int j;

		for (j = 0; j < traces[i].nspans; j++) {
			struct t_span *sp = &traces[i].spans[j];

			sp->start_ns = traces[i].ts * 1000000 + (int64_t)j * 1000000;
			sp->end_ns = (i + j) % 17 == 0 ? -1 : sp->start_ns +
				(int64_t)((i * 7 + j * 13) % 11) * 1000000000 + (j % 2) * 500000;
		}
	}
	/* the same-span pair: the RETRIEVER span is the slow one, the LLM span
	 * the fast one */
	traces[5].spans[0].end_ns = traces[5].spans[0].start_ns + 6000000000;
	traces[5].spans[1].end_ns = traces[5].spans[1].start_ns + 1000000000;
}

static void build_store(void)
{
	char *path = test_copy_fixture("mlflow-3-real-store.db", "filter.db");
	sqlite3_stmt *ti, *tag, *meta, *sp, *as;
	int i, j, aid = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "open %s\n", path);
		exit(1);
	}
	free(path);
	make_traces();
	exec_sql("BEGIN");
	sqlite3_prepare_v2(db, "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms,"
			   " execution_time_ms, status, client_request_id, request_preview,"
			   " response_preview) VALUES (?,?,?,?,?,?,?,?)", -1, &ti, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO trace_tags (key, value, request_id) VALUES (?,?,?)",
			   -1, &tag, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO trace_request_metadata (key, value, request_id)"
			   " VALUES (?,?,?)", -1, &meta, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO spans (trace_id, experiment_id, span_id,"
			   " parent_span_id, name, type, status, start_time_unix_nano,"
			   " end_time_unix_nano, content) VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &sp, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO assessments (assessment_id, trace_id, name,"
			   " assessment_type, value, created_timestamp, last_updated_timestamp,"
			   " source_type, source_id, valid, assessment_metadata)"
			   " VALUES (?,?,?,?,?,?,?,?,?,?,?)", -1, &as, NULL);
	for (i = 0; i < ntraces; i++) {
		struct t_trace *t = &traces[i];

		sqlite3_bind_text(ti, 1, t->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ti, 2, t->exp);
		sqlite3_bind_int64(ti, 3, t->ts);
		if (t->exec >= 0)
			sqlite3_bind_int64(ti, 4, t->exec);
		sqlite3_bind_text(ti, 5, t->status, -1, SQLITE_STATIC);
		bind_str_or_null(ti, 6, t->client_id);
		bind_str_or_null(ti, 7, t->req);
		bind_str_or_null(ti, 8, t->resp);
		step_reset(ti);
		for (j = 0; j < t->ntags; j++) {
			sqlite3_bind_text(tag, 1, t->tags[j].k, -1, SQLITE_STATIC);
			sqlite3_bind_text(tag, 2, t->tags[j].v, -1, SQLITE_STATIC);
			sqlite3_bind_text(tag, 3, t->id, -1, SQLITE_STATIC);
			step_reset(tag);
		}
		for (j = 0; j < t->nmeta; j++) {
			sqlite3_bind_text(meta, 1, t->meta[j].k, -1, SQLITE_STATIC);
			sqlite3_bind_text(meta, 2, t->meta[j].v, -1, SQLITE_STATIC);
			sqlite3_bind_text(meta, 3, t->id, -1, SQLITE_STATIC);
			step_reset(meta);
		}
		for (j = 0; j < t->nspans; j++) {
			char sid[20];

			snprintf(sid, sizeof sid, "%016x", (unsigned)j + 1);
			sqlite3_bind_text(sp, 1, t->id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(sp, 2, t->exp);
			sqlite3_bind_text(sp, 3, sid, -1, SQLITE_TRANSIENT);
			sqlite3_bind_null(sp, 4);
			sqlite3_bind_text(sp, 5, t->spans[j].name, -1, SQLITE_STATIC);
			sqlite3_bind_text(sp, 6, t->spans[j].type, -1, SQLITE_STATIC);
			sqlite3_bind_text(sp, 7, t->spans[j].status, -1, SQLITE_STATIC);
			sqlite3_bind_int64(sp, 8, t->spans[j].start_ns);
			if (t->spans[j].end_ns >= 0)
				sqlite3_bind_int64(sp, 9, t->spans[j].end_ns);
			else
				sqlite3_bind_null(sp, 9);
			sqlite3_bind_text(sp, 10, t->spans[j].content, -1, SQLITE_STATIC);
			step_reset(sp);
		}
		for (j = 0; j < t->nas; j++) {
			const struct t_as *a = &t->as[j];
			char id[40], *md = NULL;

			snprintf(id, sizeof id, "a-%032d", aid++);
			if (a->session)
				md = xasprintf("{\"mlflow.trace.session\": \"%s\"}", a->session);
			sqlite3_bind_text(as, 1, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(as, 2, t->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(as, 3, a->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(as, 4, a->type, -1, SQLITE_STATIC);
			sqlite3_bind_text(as, 5, a->value, -1, SQLITE_STATIC);
			sqlite3_bind_int64(as, 6, t->ts + 1);
			sqlite3_bind_int64(as, 7, t->ts + 1);
			sqlite3_bind_text(as, 8, j % 2 ? "LLM_JUDGE" : "HUMAN", -1, SQLITE_STATIC);
			sqlite3_bind_text(as, 9, "me", -1, SQLITE_STATIC);
			sqlite3_bind_int(as, 10, a->valid);
			bind_str_or_null(as, 11, md);
			step_reset(as);
			free(md);
		}
	}
	sqlite3_finalize(ti);
	sqlite3_finalize(tag);
	sqlite3_finalize(meta);
	sqlite3_finalize(sp);
	sqlite3_finalize(as);
	exec_sql("COMMIT");
}

/* ---- brute force ------------------------------------------------------- */

/* SQLite's LIKE: % and _ (one UTF-8 character), ASCII case-insensitive. */
static bool like(const char *s, const char *p)
{
	while (*p) {
		if (*p == '%') {
			while (*p == '%')
				p++;
			if (!*p)
				return true;
			for (; *s; s++)
				if (like(s, p))
					return true;
			return false;
		}
		if (!*s)
			return false;
		if (*p == '_') {
			s++;
			while (((unsigned char)*s & 0xC0) == 0x80)
				s++;
			p++;
			continue;
		}
		{
			char a = *s, b = *p;

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				return false;
		}
		s++;
		p++;
	}
	return !*s;
}

static bool match_str(const char *v, const struct filter_node *n)
{
	size_t i;

	if (n->op == FOP_IS_NULL)
		return v == NULL;
	if (n->op == FOP_IS_NOT_NULL)
		return v != NULL;
	if (!v)
		return false;
	switch (n->op) {
	case FOP_EQ:
		return strcmp(v, n->vals[0].text) == 0;
	case FOP_NE:
		return strcmp(v, n->vals[0].text) != 0;
	case FOP_LIKE:
	case FOP_ILIKE:
		return like(v, n->vals[0].text);
	case FOP_IN:
	case FOP_NOT_IN:
		for (i = 0; i < n->nvals; i++)
			if (strcmp(v, n->vals[i].text) == 0)
				return n->op == FOP_IN;
		return n->op == FOP_NOT_IN;
	default:
		return false;
	}
}

static bool match_real(bool null, double v, const struct filter_node *n)
{
	double x = n->nvals ? n->vals[0].d : 0;

	if (n->op == FOP_IS_NULL)
		return null;
	if (n->op == FOP_IS_NOT_NULL)
		return !null;
	if (null)
		return false;
	switch (n->op) {
	case FOP_EQ: return v == x;
	case FOP_NE: return v != x;
	case FOP_LT: return v < x;
	case FOP_LE: return v <= x;
	case FOP_GT: return v > x;
	case FOP_GE: return v >= x;
	default: return false;
	}
}

static bool match_num(bool null, int64_t v, const struct filter_node *n)
{
	return match_real(null, (double)v, n);
}

/* A span time in ns against a filter value in ms. */
static bool match_ns(bool null, int64_t ns, const struct filter_node *n)
{
	return match_real(null, (double)ns / 1e6, n);
}

static const char *kv_get(const struct t_kv *kv, int n, const char *k)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].k, k) == 0)
			return kv[i].v;
	return NULL;
}

static bool match_kv(const struct t_kv *kv, int n, const char *k, const struct filter_node *f)
{
	const char *v = kv_get(kv, n, k);
	bool present = false;
	int i;

	for (i = 0; i < n; i++)
		present |= strcmp(kv[i].k, k) == 0;
	if (f->op == FOP_IS_NULL)
		return !present;
	if (f->op == FOP_IS_NOT_NULL)
		return present;
	return present && match_str(v, f);
}

static char *json_dumps(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	pyjson_string(&sb, s, strlen(s));
	return sb_take(&sb);
}

static bool as_value_match(const char *value, const struct filter_node *n)
{
	size_t i;
	bool hit = false;

	switch (n->op) {
	case FOP_EQ:
	case FOP_NE:
	case FOP_IN:
	case FOP_NOT_IN:
		for (i = 0; i < n->nvals; i++) {
			char *j = json_dumps(n->vals[i].text);

			hit |= strcmp(value, n->vals[i].text) == 0 || strcmp(value, j) == 0;
			free(j);
		}
		return n->op == FOP_EQ || n->op == FOP_IN ? hit : !hit;
	default:
		return match_str(value, n);
	}
}

/* Valid assessments of this type and name that apply to trace t. */
static bool match_as(const struct t_trace *t, const char *type, const struct filter_node *n)
{
	const char *session = kv_get(t->meta, t->nmeta, "mlflow.trace.session");
	bool any = false;
	int i, j;

	for (i = 0; i < ntraces; i++) {
		const struct t_trace *o = &traces[i];

		for (j = 0; j < o->nas; j++) {
			const struct t_as *a = &o->as[j];
			bool applies = o == t || (a->session && session &&
						  strcmp(a->session, session) == 0);

			if (!applies || !a->valid || strcmp(a->type, type) != 0 ||
			    strcmp(a->name, n->key) != 0)
				continue;
			if (n->op == FOP_IS_NULL || n->op == FOP_IS_NOT_NULL) {
				any = true;
				continue;
			}
			if (as_value_match(a->value, n))
				return true;
		}
	}
	if (n->op == FOP_IS_NULL)
		return !any;
	if (n->op == FOP_IS_NOT_NULL)
		return any;
	return false;
}

static bool span_match(const struct t_span *s, const struct filter_node *n)
{
	switch (n->field) {
	case FF_SPAN_NAME: return match_str(s->name, n);
	case FF_SPAN_TYPE: return match_str(s->type, n);
	case FF_SPAN_STATUS: return match_str(s->status, n);
	case FF_SPAN_CONTENT: return match_str(s->content, n);
	case FF_SPAN_DURATION: return match_ns(s->end_ns < 0, s->end_ns - s->start_ns, n);
	case FF_SPAN_START: return match_ns(false, s->start_ns, n);
	case FF_SPAN_END: return match_ns(s->end_ns < 0, s->end_ns, n);
	case FF_SPAN_ATTR:
		if (s->bad_json || !kv_get(s->attr, s->nattr, n->key))
			return false;
		return match_str(kv_get(s->attr, s->nattr, n->key), n);
	default: return false;
	}
}

/* Some span of t satisfies every condition in conds. */
static bool spans_match(const struct t_trace *t, const struct filter_node *const *conds, size_t n)
{
	int i;
	size_t j;

	for (i = 0; i < t->nspans; i++) {
		for (j = 0; j < n; j++)
			if (!span_match(&t->spans[i], conds[j]))
				break;
		if (j == n)
			return true;
	}
	return false;
}

static bool eval(const struct filter_node *n, const struct t_trace *t)
{
	size_t i;
	int k;

	switch (n->kind) {
	case FILTER_NOT:
		return !eval(n->kids[0], t);
	case FILTER_OR:
		for (i = 0; i < n->nkids; i++)
			if (eval(n->kids[i], t))
				return true;
		return false;
	case FILTER_AND: {
		const struct filter_node *conds[32];
		size_t nc = 0;

		for (i = 0; i < n->nkids; i++) {
			if (n->kids[i]->kind == FILTER_CMP && filter_field_is_span(n->kids[i]->field))
				conds[nc++] = n->kids[i];
			else if (!eval(n->kids[i], t))
				return false;
		}
		return nc == 0 || spans_match(t, conds, nc);
	}
	case FILTER_CMP:
		break;
	}
	switch (n->field) {
	case FF_STATUS: return match_str(t->status, n);
	case FF_REQUEST_ID: return match_str(t->id, n);
	case FF_CLIENT_REQUEST_ID: return match_str(t->client_id, n);
	case FF_TIMESTAMP: return match_num(false, t->ts, n);
	case FF_EXEC_TIME: return match_num(t->exec < 0, t->exec, n);
	case FF_END_TIME: return match_num(false, t->ts + (t->exec < 0 ? 0 : t->exec), n);
	case FF_NAME: return match_kv(t->tags, t->ntags, "mlflow.traceName", n);
	case FF_RUN_ID: return match_kv(t->meta, t->nmeta, "mlflow.sourceRun", n);
	case FF_TAG: return match_kv(t->tags, t->ntags, n->key, n);
	case FF_META: return match_kv(t->meta, t->nmeta, n->key, n);
	case FF_FEEDBACK: return match_as(t, "feedback", n);
	case FF_EXPECTATION: return match_as(t, "expectation", n);
	case FF_ISSUE: {
		for (k = 0; k < t->nas; k++)
			if (t->as[k].valid && strcmp(t->as[k].type, "issue") == 0 &&
			    strcmp(t->as[k].name, n->vals[0].text) == 0)
				return true;
		return false;
	}
	case FF_TEXT:
		if (match_str(t->req, n) || match_str(t->resp, n))
			return true;
		for (k = 0; k < t->nspans; k++)
			if (match_str(t->spans[k].content, n))
				return true;
		return false;
	default:
		return spans_match(t, &n, 1);
	}
}

/* Matching ids, sorted and joined by spaces, from the store or brute force. */
static char *ids_sql_opts(const char *filter, unsigned opts, struct err *err)
{
	struct sql_where w;
	struct strbuf q = STRBUF_INIT, out = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if (filter_to_sql_opts(filter, opts, &w, err) < 0)
		return NULL;
	sb_addf(&q, "SELECT request_id FROM trace_info ti WHERE experiment_id = ? AND (%s)"
		" ORDER BY request_id", sb_str(&w.sql));
	if (sqlite3_prepare_v2(db, q.buf, -1, &st, NULL) != SQLITE_OK) {
		err_set(err, ERR_RUNTIME, "prepare: %s: %s", sqlite3_errmsg(db), q.buf);
		goto out;
	}
	sqlite3_bind_int64(st, 1, EXP);
	for (i = 0; i < w.n; i++) {
		const struct sql_param *p = &w.params[i];

		if (p->kind == SQLP_TEXT)
			sqlite3_bind_text(st, (int)i + 2, p->text, -1, SQLITE_STATIC);
		else if (p->kind == SQLP_INT)
			sqlite3_bind_int64(st, (int)i + 2, p->i);
		else
			sqlite3_bind_double(st, (int)i + 2, p->d);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sb_addf(&out, "%s%s", out.len ? " " : "", (const char *)sqlite3_column_text(st, 0));
	if (rc != SQLITE_DONE)
		err_set(err, ERR_RUNTIME, "step: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sb_free(&q);
	sql_where_free(&w);
	if (err->code) {
		sb_free(&out);
		return NULL;
	}
	return sb_take(&out);
}

static char *ids_sql(const char *filter, struct err *err)
{
	return ids_sql_opts(filter, 0, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *ids_brute(const char *filter, int *count)
{
	struct filter_node *n = NULL;
	struct err err = { 0 };
	const char **ids = xcalloc((size_t)ntraces, sizeof *ids);
	struct strbuf out = STRBUF_INIT;
	int i, k = 0;

	if (filter_parse(filter, &n, NULL, &err) < 0) {
		free(ids);
		return xasprintf("ERR %s", err.msg);
	}
	for (i = 0; i < ntraces; i++)
		if (traces[i].exp == EXP && (!n || eval(n, &traces[i])))
			ids[k++] = traces[i].id;
	qsort(ids, (size_t)k, sizeof *ids, cmp_str);
	for (i = 0; i < k; i++)
		sb_addf(&out, "%s%s", i ? " " : "", ids[i]);
	*count = k;
	free(ids);
	filter_free(n);
	return sb_take(&out);
}

static const char *const equiv_filters[] = {
	"status = 'ERROR'",
	"status != 'OK'",
	"status IN ('ERROR', 'IN_PROGRESS')",
	"status NOT IN ('OK')",
	"attributes.status LIKE 'e%'",
	"trace.status ILIKE 'in_prog%'",
	"timestamp_ms > 1767227400000",
	"timestamp >= 1767226200000 AND timestamp_ms < 1767228000000",
	"execution_time_ms <= 500",
	"execution_time_ms > 1000.5",
	"execution_time_ms IS NULL",
	"end_time_ms > 1767228000500",
	"name = 'answer_question'",
	"name LIKE '%search%'",
	"name IS NULL",
	"name != 'chat'",
	"run_id = 'run1'",
	"run_id IN ('run1', 'run2')",
	"client_request_id IS NOT NULL",
	"client_request_id = 'c-3'",
	"NOT client_request_id = 'c-3'",
	"tags.env = 'prod'",
	"tags.env != 'prod'",
	"tags.env IS NULL",
	"tags.env IN ('prod', 'dev')",
	"tags.env NOT IN ('prod')",
	"tags.`mlflow.traceName` = 'retrieve'",
	"tag.mlflow.traceName ILIKE 'CHAT'",
	"metadata.`mlflow.trace.user` = 'alice'",
	"request_metadata.\"mlflow.trace.session\" IN ('s1', 's2')",
	"feedback.correct = 'true'",
	"feedback.correct = 'false'",
	"feedback.correct != 'true'",
	"feedback.score = '4'",
	"feedback.score != '4'",
	"feedback.score IN ('4', '5')",
	"feedback.score NOT IN ('1', '2')",
	"feedback.\"Relevance to Query\" = 'yes'",
	"feedback.`Relevance to Query` LIKE '%ye%'",
	"feedback.`Relevance to Query` = '\"no\"'",
	"feedback.correct IS NULL",
	"feedback.correct IS NOT NULL",
	"feedback.session_ok = 'true'",
	"feedback.session_ok IS NULL",
	"expectation.expected_answer = 'Paris'",
	"expectation.expected_answer = '42'",
	"issue.id = 'iss-1'",
	"span.type = 'LLM'",
	"span.name = 'retrieve' AND span.type = 'LLM'",
	"span.name = 'retrieve' AND span.status = 'ERROR'",
	"span.name = 'retrieve' OR span.type = 'LLM'",
	"span.status = 'ERROR' OR status = 'ERROR'",
	"span.name != 'root'",
	"span.type IN ('TOOL', 'RETRIEVER')",
	"span.attributes.model = 'gpt-4'",
	"span.attributes.model != 'gpt-4'",
	"span.attributes.temperature = '0.7'",
	"span.attributes.streaming = 'true'",
	"span.attributes.model LIKE 'gpt%'",
	"span.attributes.model IN ('gpt-4', 'claude-3') AND span.type = 'LLM'",
	"span.attributes.model NOT IN ('gpt-4')",
	"span.attributes.`mlflow.spanType` = 'RETRIEVER'",
	"span.attributes.mlflow.spanInputs LIKE '%paris%'",
	"span.attributes.retries = '3'",
	"span.attributes.model = 'gpt-4' AND span.status = 'ERROR' AND status = 'OK'",
	"span.duration_ms > 5000",
	"span.duration_ms >= 3000.5 AND span.type = 'LLM'",
	"span.duration_ms = 0",
	"span.duration_ms IS NULL",
	"NOT span.duration_ms < 4000",
	"span.type = 'RETRIEVER' AND span.duration_ms > 5000 AND span.status = 'OK'",
	"span.duration_ms > 8000 OR span.name = 'root'",
	"span.start_time_ms > 1767225600000 AND span.end_time_ms IS NOT NULL",
	"span.end_time_ms < 1767225660000 AND span.duration_ms != 2000",
	"span.start_time_ms >= 0 AND NOT (span.duration_ms > 1 AND span.type = 'LLM')",
	"span.content LIKE '%weather%'",
	"span.content ILIKE '%GPT-4%'",
	"text LIKE '%paris%'",
	"text ILIKE '%PARIS%'",
	"text LIKE '%100%%'",
	"text LIKE '%caf\xc3\xa9%'",
	"text LIKE '%under_score%'",
	"NOT status = 'OK'",
	"NOT (tags.env = 'prod' OR feedback.correct = 'true')",
	"(status = 'ERROR' OR name = 'retrieve') AND NOT execution_time_ms > 1000",
	"NOT span.type = 'LLM' AND span.name = 'root'",
	"NOT feedback.score IS NULL AND feedback.correct IS NULL",
	"tags.x = 'a'' OR 1=1 --'",
	"tags.x = 'a'",
	"tags.`we'ird``key` = 'v\"1'",
	"tags.\"we'ird`key\" IS NOT NULL",
	"status = 'OK''); DROP TABLE trace_info; --'",
	"feedback.\"x\"\" OR \"\"1\"\"=\"\"1\" = 'y'",
	"span.attributes.`x\" OR 1=1 --` = 'v'",
};

TEST(equivalence_with_brute_force)
{
	size_t i;
	int nonempty = 0;

	for (i = 0; i < sizeof equiv_filters / sizeof equiv_filters[0]; i++) {
		const char *f = equiv_filters[i];
		struct err err = { 0 };
		char *got = ids_sql(f, &err);
		int count = 0;
		char *want = ids_brute(f, &count);

		if (!got || strcmp(got, want) != 0) {
			printf("    [%s]\n      sql:   %s\n      brute: %s\n", f, got ? got : err.msg,
			       want);
			test_failed_checks++;
		}
		if (count > 0 && count < ntraces - ntraces / 16)
			nonempty++;
		if (getenv("TEST_VERBOSE"))
			printf("    %2d  %s\n", count, f);
		free(got);
		free(want);
	}
	/* the data must make most filters discriminate */
	CHECK((size_t)nonempty >= sizeof equiv_filters / sizeof equiv_filters[0] - 6);
	/* and the attacks did nothing */
	{
		sqlite3_stmt *st = NULL;

		CHECK_INT(sqlite3_prepare_v2(db, "SELECT count(*) FROM trace_info", -1, &st, NULL),
			  SQLITE_OK);
		CHECK_INT(sqlite3_step(st), SQLITE_ROW);
		CHECK_INT(sqlite3_column_int(st, 0), ntraces);
		sqlite3_finalize(st);
	}
}

TEST(equivalence_spot_checks)
{
	struct err err = { 0 };
	char *s;

	/* same-span rule: trace 5 has a RETRIEVER "retrieve" and an LLM "llm" */
	s = ids_sql("span.name = 'retrieve' AND span.type = 'LLM'", &err);
	CHECK(s && !strstr(s, traces[5].id));
	free(s);
	s = ids_sql("span.name = 'retrieve' AND span.type = 'RETRIEVER'", &err);
	CHECK(s && strstr(s, traces[5].id));
	free(s);
	/* and with times: the LLM span is fast, the slow one is a RETRIEVER */
	s = ids_sql("span.type = 'LLM' AND span.duration_ms > 5000", &err);
	CHECK(s && !strstr(s, traces[5].id));
	free(s);
	s = ids_sql("span.type = 'RETRIEVER' AND span.duration_ms > 5000", &err);
	CHECK(s && strstr(s, traces[5].id));
	free(s);
	s = ids_sql("span.duration_ms > 5000", &err);
	CHECK(s && strstr(s, traces[5].id));
	free(s);
	/* injection text is a value: exactly the traces with that tag value */
	s = ids_sql("tags.x = 'a'' OR 1=1 --'", &err);
	CHECK(s && strstr(s, traces[7].id) && strstr(s, traces[21].id));
	CHECK(s && !strstr(s, traces[14].id) && !strstr(s, traces[1].id));
	free(s);
	s = ids_sql("tags.`we'ird``key` = 'v\"1'", &err);
	CHECK(s && strstr(s, traces[0].id) && strstr(s, traces[9].id));
	free(s);
	/* feedback.ok = 'true' matches the stored JSON true */
	s = ids_sql("feedback.session_ok = 'true'", &err);
	CHECK(s && strstr(s, traces[3].id));
	free(s);
}

TEST(session_scope_probe_and_opt_out)
{
	struct err err = { 0 };
	sqlite3_stmt *st = NULL;
	char *s;

	CHECK_INT(sqlite3_prepare_v2(db, FILTER_SQL_SESSION_PROBE, -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	/* without session scope only the trace holding the row matches */
	s = ids_sql_opts("feedback.session_ok = 'true'", FSQL_NO_SESSION_SCOPE, &err);
	CHECK_STR(s, traces[3].id);
	free(s);
	s = ids_sql_opts("feedback.session_ok IS NOT NULL", FSQL_NO_SESSION_SCOPE, &err);
	CHECK_STR(s, traces[3].id);
	free(s);
	/* other feedback is the same either way */
	{
		char *a = ids_sql_opts("feedback.correct = 'true'", FSQL_NO_SESSION_SCOPE, &err);
		char *b = ids_sql("feedback.correct = 'true'", &err);

		CHECK_STR(a, b);
		free(a);
		free(b);
	}
}

/* Every nesting the parser takes compiles to SQL that SQLite parses, even
 * inside a subquery of the caller's query. */
TEST(deepest_filters_prepare)
{
	static const char *const open_close[][2] = {
		{ "NOT (", ")" },
		{ "(status = 'OK' OR (", "))" },
		{ "NOT (feedback.f = 'a' OR (", "))" },
		{ "span.name = 'a' AND (text LIKE 'x' OR NOT (", "))" },
		{ "NOT NOT (tags.t = 'x' AND (", "))" },
		{ "(execution_time_ms > 1 AND (client_request_id = 'c' OR (", ")))" },
		{ "feedback.f IS NULL OR NOT (span.type = 'LLM' AND span.name = 'x' AND (", "))" },
		{ "NOT (text ILIKE '%a%' OR span.attributes.k IN ('a', 'b') OR (", "))" },
	};
	static const char leaf[] = "feedback.`Relevance to Query` IS NULL";
	size_t i;
	int k, deepest;

	for (i = 0; i < sizeof open_close / sizeof open_close[0]; i++) {
		deepest = -1;
		for (k = 0; k < 40; k++) {
			struct strbuf f = STRBUF_INIT, q = STRBUF_INIT;
			struct sql_where w;
			struct err err = { 0 };
			sqlite3_stmt *st = NULL;
			int j, rc;

			for (j = 0; j < k; j++)
				sb_adds(&f, open_close[i][0]);
			sb_adds(&f, leaf);
			for (j = 0; j < k; j++)
				sb_adds(&f, open_close[i][1]);
			rc = filter_to_sql(sb_str(&f), &w, &err);
			if (rc == 0) {
				deepest = k;
				sb_addf(&q, "SELECT * FROM (SELECT request_id FROM trace_info ti WHERE"
					" experiment_id = ? AND (timestamp_ms > 0 OR (%s)))",
					sb_str(&w.sql));
				rc = sqlite3_prepare_v2(db, sb_str(&q), -1, &st, NULL);
				if (rc != SQLITE_OK) {
					printf("    depth %d of [%s]: %s\n", k, open_close[i][0],
					       sqlite3_errmsg(db));
					test_failed_checks++;
				}
				sqlite3_finalize(st);
				sql_where_free(&w);
			} else {
				CHECK_HAS(err.msg, "too deeply nested");
			}
			sb_free(&f);
			sb_free(&q);
			if (rc != SQLITE_OK)
				break;
		}
		CHECK(deepest >= 3);
	}
}

/* The compiled SQL reaches rows through the indexes MLflow created. */
static char *plan(const char *filter)
{
	struct sql_where w;
	struct err err = { 0 };
	struct strbuf q = STRBUF_INIT, out = STRBUF_INIT;
	sqlite3_stmt *st = NULL;

	if (filter_to_sql(filter, &w, &err) < 0)
		return xstrdup(err.msg);
	sb_addf(&q, "EXPLAIN QUERY PLAN SELECT request_id FROM trace_info ti WHERE"
		" experiment_id = 1 AND (%s) ORDER BY timestamp_ms DESC LIMIT 30", sb_str(&w.sql));
	if (sqlite3_prepare_v2(db, q.buf, -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			sb_addf(&out, "%s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	sb_free(&q);
	sql_where_free(&w);
	return sb_take(&out);
}

TEST(plans_use_mlflow_indexes)
{
	char *p;

	p = plan("status = 'ERROR'");
	CHECK_HAS(p, "index_trace_info_experiment_id_timestamp_ms");
	free(p);
	p = plan("tags.env = 'prod'");
	CHECK_HAS(p, "sqlite_autoindex_trace_tags_1 (key=? AND request_id=?)");
	free(p);
	p = plan("metadata.`mlflow.trace.user` = 'alice'");
	CHECK_HAS(p, "sqlite_autoindex_trace_request_metadata_1 (key=? AND request_id=?)");
	free(p);
	p = plan("feedback.correct IS NULL");
	CHECK_HAS(p, "index_assessments_trace_id_created_timestamp (trace_id=?)");
	free(p);
	p = plan("span.name = 'x' AND span.type = 'LLM'");
	CHECK_HAS(p, "sqlite_autoindex_spans_1 (trace_id=?)");
	free(p);
	p = plan("request_id = 'tr-1'");
	CHECK_HAS(p, "sqlite_autoindex_trace_info_1 (request_id=?)");
	free(p);
	p = plan("timestamp_ms > 5");
	CHECK_HAS(p, "index_trace_info_experiment_id_timestamp_ms (experiment_id=? AND timestamp_ms>?)");
	free(p);
}

static void free_traces(void)
{
	int i, j, k;

	for (i = 0; i < ntraces; i++) {
		struct t_trace *t = &traces[i];

		free(t->client_id);
		free(t->req);
		free(t->resp);
		for (j = 0; j < t->nspans; j++) {
			free(t->spans[j].content);
			for (k = 0; k < t->spans[j].nattr; k++)
				if (strcmp(t->spans[j].attr[k].k, "mlflow.spanInputs") == 0)
					free((void *)(uintptr_t)t->spans[j].attr[k].v);
		}
		for (j = 0; j < t->nas; j++)
			free(t->as[j].value);
	}
	free(traces);
}

int main(void)
{
	RUN(parse_every_operator);
	RUN(parse_fields_and_aliases);
	RUN(parse_precedence);
	RUN(parse_quoting);
	RUN(parse_numbers);
	RUN(parse_errors_with_columns);
	RUN(parse_depth_limit);
	RUN(sql_rlike_refused_with_column);
	RUN(sql_empty_filter_is_true);
	RUN(sql_binds_values_and_keys);
	build_store();
	RUN(equivalence_with_brute_force);
	RUN(equivalence_spot_checks);
	RUN(session_scope_probe_and_opt_out);
	RUN(deepest_filters_prepare);
	RUN(plans_use_mlflow_indexes);
	sqlite3_close(db);
	free_traces();
	TEST_MAIN_END();
}
