/*
 * Fuzz target: the filter language (core/filter.h) and its SQL compiler
 * (store/filter_sql.h).
 *
 * For any text:
 *   - filter_parse either succeeds or fails with ERR_PARSE, "col N: ..." and
 *     a column inside the text; filter_to_sql fails whenever parsing does;
 *   - a parsed filter prints back (filter_to_string) to text that parses to
 *     the same tree (printing twice gives the same text);
 *   - compiled SQL prepares against MLflow's trace tables, has exactly as
 *     many placeholders as bound values, and runs to completion on a small
 *     store holding hostile text.
 */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/filter.h"
#include "store/filter_sql.h"
#include "fuzz_safe.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;

static const char schema[] =
	"CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name TEXT,"
	" artifact_location TEXT, lifecycle_stage TEXT);"
	"CREATE TABLE trace_info (request_id VARCHAR(50) NOT NULL PRIMARY KEY,"
	" experiment_id INTEGER NOT NULL, timestamp_ms BIGINT NOT NULL,"
	" execution_time_ms BIGINT, status VARCHAR(50) NOT NULL,"
	" client_request_id VARCHAR(50), request_preview VARCHAR(1000),"
	" response_preview VARCHAR(1000));"
	"CREATE TABLE trace_tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000),"
	" request_id VARCHAR(50) NOT NULL, PRIMARY KEY (key, request_id));"
	"CREATE TABLE trace_request_metadata (key VARCHAR(250) NOT NULL,"
	" value VARCHAR(8000), request_id VARCHAR(50) NOT NULL,"
	" PRIMARY KEY (key, request_id));"
	"CREATE TABLE assessments (assessment_id VARCHAR(50) NOT NULL PRIMARY KEY,"
	" trace_id VARCHAR(50) NOT NULL, name VARCHAR(250) NOT NULL,"
	" assessment_type VARCHAR(20) NOT NULL, value TEXT NOT NULL, error TEXT,"
	" created_timestamp BIGINT NOT NULL, last_updated_timestamp BIGINT NOT NULL,"
	" source_type VARCHAR(50) NOT NULL, source_id VARCHAR(250), run_id VARCHAR(32),"
	" span_id VARCHAR(50), rationale TEXT, overrides VARCHAR(50),"
	" valid BOOLEAN NOT NULL, assessment_metadata TEXT);"
	"CREATE TABLE spans (trace_id VARCHAR(50) NOT NULL, experiment_id INTEGER NOT NULL,"
	" span_id VARCHAR(50) NOT NULL, parent_span_id VARCHAR(50), name TEXT,"
	" type VARCHAR(500), status VARCHAR(50) NOT NULL,"
	" start_time_unix_nano BIGINT NOT NULL, end_time_unix_nano BIGINT,"
	" duration_ns BIGINT GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED,"
	" content TEXT NOT NULL, PRIMARY KEY (trace_id, span_id));"
	"CREATE TABLE entity_associations (association_id VARCHAR(36) NOT NULL,"
	" source_type VARCHAR(36) NOT NULL, source_id VARCHAR(36) NOT NULL,"
	" destination_type VARCHAR(36) NOT NULL, destination_id VARCHAR(36) NOT NULL,"
	" created_time BIGINT,"
	" PRIMARY KEY (source_type, source_id, destination_type, destination_id));"
	"INSERT INTO experiments VALUES (1, 'e', NULL, 'active');"
	"INSERT INTO trace_info VALUES ('tr-1', 1, 1700000000000, 842, 'OK', NULL,"
	" '{\"q\": \"x\"}', 'ans');"
	"INSERT INTO trace_info VALUES ('tr-2', 1, -5, NULL, 'ERROR', 'c1',"
	" CAST(X'1b5d303b7469746c6507ff00c29b' AS TEXT), NULL);"
	"INSERT INTO trace_tags VALUES ('mlflow.traceName', 'answer', 'tr-1');"
	"INSERT INTO trace_tags VALUES (CAST(X'1b5b324a' AS TEXT), CAST(X'e280ae00ff' AS TEXT), 'tr-2');"
	"INSERT INTO trace_request_metadata VALUES ('mlflow.sourceRun', 'r1', 'tr-1');"
	"INSERT INTO trace_request_metadata VALUES ('mlflow.trace.session', 's', 'tr-2');"
	"INSERT INTO assessments VALUES ('a-1', 'tr-1', 'correct', 'feedback', 'true', NULL,"
	" 1, 1, 'HUMAN', 'me', NULL, NULL, NULL, NULL, 1, NULL);"
	"INSERT INTO assessments VALUES ('a-2', 'tr-2', 'Relevance to Query', 'feedback',"
	" '\"yes\"', NULL, 2, 2, 'LLM_JUDGE', 'j', NULL, 's1', 'r', NULL, 1,"
	" '{\"mlflow.trace.session\": \"s\"}');"
	"INSERT INTO assessments VALUES ('a-3', 'tr-2', 'exp', 'expectation', '4', NULL,"
	" 3, 3, 'HUMAN', 'me', NULL, NULL, NULL, NULL, 0, NULL);"
	"INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type,"
	" status, start_time_unix_nano, end_time_unix_nano, content) VALUES"
	" ('tr-1', 1, 's1', NULL, 'root', 'CHAIN', 'OK', 1, 5,"
	" '{\"attributes\": {\"mlflow.spanInputs\": \"{\\\"q\\\": 1}\"}}'),"
	" ('tr-2', 1, 's2', 's1', CAST(X'00ff' AS TEXT), 'LLM', 'ERROR', 9, NULL, 'not json');"
	"INSERT INTO entity_associations VALUES ('x', 'trace', 'tr-1', 'run', 'r2', 0);";

/* REGEXP for RLIKE, as the store provides it: a bad pattern matches nothing. */
static void fn_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *pat = (const char *)sqlite3_value_text(argv[0]);
	const char *s = (const char *)sqlite3_value_text(argv[1]);
	regex_t re;
	int m = 0;

	(void)argc;
	if (pat && s && regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) == 0) {
		m = regexec(&re, s, 0, NULL, 0) == 0;
		regfree(&re);
	}
	sqlite3_result_int(ctx, m);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *msg = NULL;

	(void)argc;
	(void)argv;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "fuzz_filter: schema: %s\n", msg ? msg : sqlite3_errmsg(db));
		abort();
	}
	sqlite3_create_function(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				fn_regexp, NULL, NULL);
	return 0;
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static void check_cols(const struct filter_node *n, int maxcol)
{
	size_t i;

	if (n->col < 1 || n->col > maxcol)
		FUZZ_FAIL("node column %d outside 1..%d", n->col, maxcol);
	switch (n->kind) {
	case FILTER_AND:
	case FILTER_OR:
		if (n->nkids < 2)
			FUZZ_FAIL("AND/OR node with %zu children", n->nkids);
		/* fall through */
	case FILTER_NOT:
		if (n->nkids < 1)
			FUZZ_FAIL("NOT node without a child");
		for (i = 0; i < n->nkids; i++)
			check_cols(n->kids[i], maxcol);
		break;
	case FILTER_CMP:
		if (n->op == FOP_IS_NULL || n->op == FOP_IS_NOT_NULL) {
			if (n->nvals)
				FUZZ_FAIL("IS NULL with %zu values", n->nvals);
		} else if (n->nvals < 1) {
			FUZZ_FAIL("comparison %s without a value", filter_op_name(n->op));
		}
		for (i = 0; i < n->nvals; i++)
			if (!n->vals[i].text)
				FUZZ_FAIL("value %zu without text", i);
		break;
	}
}

static void run_sql(const struct sql_where *w, const char *filter)
{
	struct strbuf q = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc, steps = 0;

	sb_adds(&q, "SELECT ti.request_id FROM trace_info ti WHERE ti.experiment_id = 1 AND (");
	sb_add(&q, w->sql.buf, w->sql.len);
	sb_adds(&q, ")");
	if (sqlite3_prepare_v2(db, q.buf, (int)q.len, &st, NULL) != SQLITE_OK)
		FUZZ_FAIL("filter [%s] compiled to SQL that does not prepare: %s\n  SQL: %s",
			  filter, sqlite3_errmsg(db), q.buf);
	if ((size_t)sqlite3_bind_parameter_count(st) != w->n)
		FUZZ_FAIL("filter [%s]: %d placeholders, %zu values\n  SQL: %s", filter,
			  sqlite3_bind_parameter_count(st), w->n, q.buf);
	for (i = 0; i < w->n; i++) {
		const struct sql_param *p = &w->params[i];

		switch (p->kind) {
		case SQLP_TEXT:
			if (!p->text)
				FUZZ_FAIL("filter [%s]: text parameter %zu is NULL", filter, i);
			sqlite3_bind_text(st, (int)i + 1, p->text, -1, SQLITE_STATIC);
			break;
		case SQLP_INT:
			sqlite3_bind_int64(st, (int)i + 1, p->i);
			break;
		case SQLP_REAL:
			sqlite3_bind_double(st, (int)i + 1, p->d);
			break;
		default:
			FUZZ_FAIL("filter [%s]: parameter %zu of kind %d", filter, i, (int)p->kind);
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++steps < 100)
		;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		FUZZ_FAIL("filter [%s]: SQL fails when run: %s\n  SQL: %s", filter,
			  sqlite3_errmsg(db), q.buf);
	sqlite3_finalize(st);
	sb_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct filter_node *tree = NULL, *again = NULL;
	struct sql_where w;
	struct err err = { 0 };
	char *s1 = NULL, *s2 = NULL;
	int col = 0, rc, rc_sql;

	memcpy(text, data, size);
	text[size] = '\0';

	rc = filter_parse(text, &tree, &col, &err);
	if (rc == 0) {
		if (!tree && !is_blank(text))
			FUZZ_FAIL("non-blank filter [%s] parsed to nothing", text);
		if (tree) {
			check_cols(tree, (int)strlen(text) + 1);
			s1 = filter_to_string(tree);
			err_clear(&err);
			if (filter_parse(s1, &again, NULL, &err) != 0 || !again)
				FUZZ_FAIL("[%s] printed as [%s], which does not parse: %s", text, s1,
					  err.msg);
			s2 = filter_to_string(again);
			if (strcmp(s1, s2) != 0)
				FUZZ_FAIL("[%s] printed as [%s], reparsed and printed as [%s]", text,
					  s1, s2);
		}
	} else {
		if (tree)
			FUZZ_FAIL("failed parse left a tree");
		if (err.code != ERR_PARSE)
			FUZZ_FAIL("parse error code %d for [%s]: %s", (int)err.code, text, err.msg);
		if (strncmp(err.msg, "col ", 4) != 0)
			FUZZ_FAIL("parse error without a column: %s", err.msg);
		if (col < 1 || col > (int)strlen(text) + 1)
			FUZZ_FAIL("parse error column %d outside 1..%zu: %s", col,
				  strlen(text) + 1, err.msg);
	}

	err_clear(&err);
	memset(&w, 0, sizeof w);
	rc_sql = filter_to_sql(text, &w, &err);
	if (rc != 0 && rc_sql == 0)
		FUZZ_FAIL("[%s] does not parse but compiles to SQL", text);
	if (rc_sql == 0 && w.sql.len)
		run_sql(&w, text);
	if (rc_sql != 0 && !err.msg[0])
		FUZZ_FAIL("filter_to_sql failed without a message");
	sql_where_free(&w);

	filter_free(tree);
	filter_free(again);
	free(s1);
	free(s2);
	free(text);
	return 0;
}
