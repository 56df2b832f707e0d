/* Services on a copy of a real MLflow store: spans from traces.json when
 * they are not in the store (relative and file:// locations, missing and
 * unreadable files, remote locations), and feedback log / override /
 * update / delete with MLflow's semantics. */
#include <errno.h>
#include <sys/stat.h>

#include "core/util.h"
#include "store/store.h"
#include "svc/feedback.h"
#include "svc/trace.h"
#include "test.h"

#define TRACE_A "tr-0123456789abcdef0123456789abcdef"
#define TRACE_B "tr-fedcba9876543210fedcba9876543210"
#define ROOT_ID "00000000000000a1"
#define CHILD_ID "00000000000000b2"

/* Two spans in v3 form (base64 ids), as traces.json holds them. */
static const char traces_json[] =
	"{\"spans\": ["
	"{\"trace_id\": \"ASNFZ4mrze8BI0VniavN7w==\", \"span_id\": \"AAAAAAAAAKE=\", "
	"\"trace_state\": \"\", \"parent_span_id\": \"\", \"name\": \"answer\", "
	"\"start_time_unix_nano\": 1767268800000000000, \"end_time_unix_nano\": 1767268801000000000, "
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"" TRACE_A "\\\"\", "
	"\"mlflow.spanType\": \"\\\"CHAIN\\\"\"}, "
	"\"status\": {\"message\": \"\", \"code\": \"STATUS_CODE_OK\"}}, "
	"{\"trace_id\": \"ASNFZ4mrze8BI0VniavN7w==\", \"span_id\": \"AAAAAAAAALI=\", "
	"\"trace_state\": \"\", \"parent_span_id\": \"AAAAAAAAAKE=\", \"name\": \"llm\", "
	"\"start_time_unix_nano\": 1767268800100000000, \"end_time_unix_nano\": 1767268800900000000, "
	"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"" TRACE_A "\\\"\", "
	"\"mlflow.spanType\": \"\\\"LLM\\\"\"}, "
	"\"status\": {\"message\": \"\", \"code\": \"STATUS_CODE_OK\"}}"
	"]}";

static char *store_path;

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

static void mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;

	for (s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
	free(p);
}

/* A trace without spans in the store whose artifact location is `loc`. */
static void put_trace(struct store *st, const char *id, const char *loc)
{
	struct trace t = { 0 };
	struct err err = { 0 };

	t.info.id = xstrdup(id);
	t.info.experiment_id = 0;
	t.info.timestamp_ms = 1767268800000;
	t.info.duration_ms = 1000;
	t.info.status = xstrdup("OK");
	kv_list_add(&t.tags, "mlflow.traceName", "answer");
	if (loc)
		kv_list_add(&t.tags, "mlflow.artifactLocation", loc);
	t.first_root = SPAN_NONE;
	t.spans_state = SPANS_MISSING;
	if (store_begin(st, &err) < 0 || store_put_trace(st, &t, &err) < 0 ||
	    store_commit(st, &err) < 0) {
		fprintf(stderr, "put_trace: %s\n", err.msg);
		exit(1);
	}
	trace_free(&t);
}

static struct store *open_store(void)
{
	struct store *st = NULL;
	struct err err = { 0 };

	if (store_open(store_path, 0, &st, &err) < 0) {
		fprintf(stderr, "store_open: %s\n", err.msg);
		exit(1);
	}
	return st;
}

TEST(artifact_dir_resolves_local_locations)
{
	char *s;

	s = svc_artifact_dir("file:///srv/mlruns/1/traces/tr-1/artifacts", "/data");
	CHECK_STR(s, "/srv/mlruns/1/traces/tr-1/artifacts");
	free(s);
	s = svc_artifact_dir("file://localhost/srv/a%20b", "/data");
	CHECK_STR(s, "/srv/a b");
	free(s);
	s = svc_artifact_dir("/abs/dir", "/data");
	CHECK_STR(s, "/abs/dir");
	free(s);
	s = svc_artifact_dir("mlruns/0/traces/tr-1/artifacts", "/data");
	CHECK_STR(s, "/data/mlruns/0/traces/tr-1/artifacts");
	free(s);
	s = svc_artifact_dir("file:mlruns/0", "/data");
	CHECK_STR(s, "/data/mlruns/0");
	free(s);
	CHECK_NULL(svc_artifact_dir("mlflow-artifacts:/0/traces/tr-1/artifacts", "/data"));
	CHECK_NULL(svc_artifact_dir("s3://bucket/0/traces", "/data"));
	CHECK_NULL(svc_artifact_dir("dbfs:/databricks/mlflow", "/data"));
	CHECK_NULL(svc_artifact_dir("e:\\Users\\me\\mlruns\\1", "/data"));
	CHECK_NULL(svc_artifact_dir("file:///C:/Users/me/mlruns", "/data"));
	CHECK_NULL(svc_artifact_dir("file://otherhost/srv/x", "/data"));
	CHECK_NULL(svc_artifact_dir("", "/data"));
}

TEST(spans_from_relative_location)
{
	struct store *st = open_store();
	struct trace t = { 0 };
	struct err err = { 0 };
	char *dir = test_path("mlruns/0/traces/" TRACE_A "/artifacts");
	char *file = xasprintf("%s/traces.json", dir);

	mkdirs(dir);
	write_text(file, traces_json);
	put_trace(st, TRACE_A, "mlruns/0/traces/" TRACE_A "/artifacts");
	CHECK_INT(svc_load_trace(st, TRACE_A, &t, &err), 0);
	CHECK_INT(t.spans_state, SPANS_LOADED);
	CHECK_INT(t.nspans, 2);
	CHECK(t.first_root != SPAN_NONE);
	if (t.first_root != SPAN_NONE) {
		CHECK_STR(t.spans[t.first_root].id, ROOT_ID);
		CHECK_STR(t.spans[t.first_root].type, "CHAIN");
		CHECK(t.spans[t.first_root].first_child != SPAN_NONE);
		if (t.spans[t.first_root].first_child != SPAN_NONE)
			CHECK_STR(t.spans[t.spans[t.first_root].first_child].id, CHILD_ID);
	}
	trace_free(&t);
	store_close(st);
	free(file);
	free(dir);
}

TEST(spans_from_file_uri)
{
	struct store *st = open_store();
	struct trace t = { 0 };
	struct err err = { 0 };
	char *dir = test_path("elsewhere/artifacts");
	char *file = xasprintf("%s/traces.json", dir);
	char *uri = xasprintf("file://%s", dir);

	mkdirs(dir);
	write_text(file, traces_json);
	put_trace(st, TRACE_B, uri);
	CHECK_INT(svc_load_trace(st, TRACE_B, &t, &err), 0);
	CHECK_INT(t.spans_state, SPANS_LOADED);
	CHECK_INT(t.nspans, 2);
	trace_free(&t);
	store_close(st);
	free(uri);
	free(file);
	free(dir);
}

TEST(missing_traces_json_is_a_note)
{
	struct store *st = open_store();
	struct trace t = { 0 };
	struct err err = { 0 };

	put_trace(st, "tr-00000000000000000000000000000001", "mlruns/0/traces/nothing/artifacts");
	CHECK_INT(svc_load_trace(st, "tr-00000000000000000000000000000001", &t, &err), 0);
	CHECK_INT(t.spans_state, SPANS_MISSING);
	CHECK_INT(t.nspans, 0);
	CHECK_INT((long long)t.first_root, (long long)SPAN_NONE);
	CHECK_HAS(t.spans_note, "does not exist");
	CHECK_HAS(t.spans_note, "mlruns/0/traces/nothing/artifacts/traces.json");
	trace_free(&t);
	store_close(st);
}

TEST(remote_location_is_named)
{
	struct store *st = open_store();
	struct trace t = { 0 };
	struct err err = { 0 };

	put_trace(st, "tr-00000000000000000000000000000002",
		  "mlflow-artifacts:/0/traces/tr-2/artifacts");
	CHECK_INT(svc_load_trace(st, "tr-00000000000000000000000000000002", &t, &err), 0);
	CHECK_INT(t.spans_state, SPANS_MISSING);
	CHECK_HAS(t.spans_note, "spans are stored elsewhere (mlflow-artifacts:/0/traces/tr-2");
	trace_free(&t);
	store_close(st);
}

TEST(unreadable_traces_json_is_an_error_note)
{
	struct store *st = open_store();
	struct trace t = { 0 };
	struct err err = { 0 };
	char *dir = test_path("broken/artifacts");
	char *file = xasprintf("%s/traces.json", dir);

	mkdirs(dir);
	write_text(file, "{\"spans\": [ this is not json");
	put_trace(st, "tr-00000000000000000000000000000003", dir);
	CHECK_INT(svc_load_trace(st, "tr-00000000000000000000000000000003", &t, &err), 0);
	CHECK_INT(t.spans_state, SPANS_ERROR);
	CHECK_HAS(t.spans_note, "traces.json");
	trace_free(&t);
	store_close(st);
	free(file);
	free(dir);
}

TEST(traces_json_must_be_a_regular_file)
{
	struct store *st = open_store();
	struct trace t = { 0 };
	struct err err = { 0 };
	char *dir = test_path("fifo/artifacts");
	char *file = xasprintf("%s/traces.json", dir);

	/* A FIFO nobody writes to must not block the reader. */
	mkdirs(dir);
	CHECK_INT(mkfifo(file, 0600), 0);
	put_trace(st, "tr-00000000000000000000000000000004", dir);
	CHECK_INT(svc_load_trace(st, "tr-00000000000000000000000000000004", &t, &err), 0);
	CHECK_INT(t.spans_state, SPANS_ERROR);
	CHECK_HAS(t.spans_note, "not a regular file");
	trace_free(&t);
	store_close(st);
	free(file);
	free(dir);
}

TEST(unknown_trace_fails)
{
	struct store *st = open_store();
	struct trace t = { 0 };
	struct err err = { 0 };

	CHECK_INT(svc_load_trace(st, "tr-does-not-exist", &t, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	trace_free(&t);
	store_close(st);
}

/* ---- feedback ------------------------------------------------------------ */

static struct feedback_req req_for(const char *name, const char *value, enum value_type type)
{
	struct feedback_req r = { 0 };

	r.trace_id = TRACE_A;
	r.name = name;
	r.value_text = value;
	r.type = type;
	r.source_id = "alice@example.com";
	return r;
}

TEST(log_feedback_writes_mlflow_row)
{
	static const char *const md[] = { "channel=web", "mlflow.assessment.sourceRunId=r1", NULL };
	struct store *st = open_store();
	struct feedback_req r = req_for("user_satisfaction", "true", VT_AUTO);
	struct assessment a = { 0 };
	struct err err = { 0 };
	char id[64];

	r.rationale = "Answer was correct";
	r.metadata = md;
	CHECK_INT(svc_log_feedback(st, &r, id, &err), 0);
	CHECK_INT(strlen(id), 34);
	CHECK(str_starts(id, "a-"));
	CHECK_INT(store_get_assessment(st, id, &a, &err), 0);
	CHECK_STR(a.trace_id, TRACE_A);
	CHECK_STR(a.name, "user_satisfaction");
	CHECK_STR(a.type, "feedback");
	CHECK_STR(a.value, "true");
	CHECK_STR(a.source_type, "HUMAN");
	CHECK_STR(a.source_id, "alice@example.com");
	CHECK_STR(a.rationale, "Answer was correct");
	CHECK_STR(a.metadata, "{\"channel\": \"web\", \"mlflow.assessment.sourceRunId\": \"r1\"}");
	CHECK_STR(a.run_id, "r1");
	CHECK_NULL(a.span_id);
	CHECK_NULL(a.overrides);
	CHECK(a.valid);
	CHECK_INT(a.created_ms, a.updated_ms);
	assessment_free(&a);
	store_close(st);
}

TEST(log_feedback_checks_before_writing)
{
	struct store *st = open_store();
	struct feedback_req r = req_for("score", "abc", VT_NUMBER);
	struct err err = { 0 };
	char id[64];

	CHECK_INT(svc_log_feedback(st, &r, id, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	r = req_for("score", "4", VT_NUMBER);
	r.trace_id = "tr-nope";
	CHECK_INT(svc_log_feedback(st, &r, id, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_HAS(err.msg, "tr-nope");
	r = req_for("score", "4", VT_NUMBER);
	r.span_id = "ffffffffffffffff";
	CHECK_INT(svc_log_feedback(st, &r, id, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	r = req_for("score", "4", VT_NUMBER);
	r.source_type = "ROBOT";
	CHECK_INT(svc_log_feedback(st, &r, id, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
	store_close(st);
}

TEST(source_types_follow_mlflow)
{
	struct store *st = open_store();
	struct feedback_req r = req_for("relevance", "yes", VT_AUTO);
	struct assessment a = { 0 };
	struct err err = { 0 };
	char id[64];

	CHECK_STR(svc_source_type(NULL), "HUMAN");
	CHECK_STR(svc_source_type("llm_judge"), "LLM_JUDGE");
	CHECK_STR(svc_source_type("AI_JUDGE"), "LLM_JUDGE");
	CHECK_STR(svc_source_type("CODE"), "CODE");
	CHECK_NULL(svc_source_type("MACHINE"));
	r.source_type = "AI_JUDGE";
	CHECK_INT(svc_log_feedback(st, &r, id, &err), 0);
	CHECK_INT(store_get_assessment(st, id, &a, &err), 0);
	CHECK_STR(a.source_type, "LLM_JUDGE");
	CHECK_STR(a.value, "\"yes\"");
	assessment_free(&a);
	store_close(st);
}

TEST(override_update_delete)
{
	static const char *const md1[] = { "a=1", "b=2", NULL };
	static const char *const md2[] = { "b=3", "c=4", NULL };
	struct store *st = open_store();
	struct feedback_req r = req_for("correctness", "no", VT_AUTO);
	struct assessment a = { 0 }, old = { 0 };
	struct err err = { 0 };
	char judge[64], human[64];

	r.source_type = "LLM_JUDGE";
	r.source_id = "openai:/gpt-4o-mini";
	r.span_id = ROOT_ID;
	CHECK_INT(svc_log_feedback(st, &r, judge, &err), 0);

	/* override: same name and span, old row invalid */
	r = req_for("ignored", "yes", VT_AUTO);
	r.span_id = "ignored too";
	r.rationale = "The judge missed the retry.";
	CHECK_INT(svc_override_feedback(st, judge, &r, human, &err), 0);
	CHECK_INT(store_get_assessment(st, human, &a, &err), 0);
	CHECK_STR(a.name, "correctness");
	CHECK_STR(a.span_id, ROOT_ID);
	CHECK_STR(a.overrides, judge);
	CHECK_STR(a.source_type, "HUMAN");
	CHECK(a.valid);
	CHECK_INT(store_get_assessment(st, judge, &old, &err), 0);
	CHECK(!old.valid);
	assessment_free(&a);
	assessment_free(&old);

	/* update: value, rationale, metadata merged */
	CHECK_INT(svc_update_feedback(st, human, NULL, VT_AUTO, false, NULL, md1, &err), 0);
	CHECK_INT(svc_update_feedback(st, human, "0.5", VT_NUMBER, true, NULL, md2, &err), 0);
	CHECK_INT(store_get_assessment(st, human, &a, &err), 0);
	CHECK_STR(a.value, "0.5");
	CHECK_NULL(a.rationale);
	CHECK_STR(a.metadata, "{\"a\": \"1\", \"b\": \"3\", \"c\": \"4\"}");
	CHECK_STR(a.overrides, judge);
	assessment_free(&a);

	/* delete restores the judge's row */
	CHECK_INT(svc_delete_feedback(st, human, &err), 0);
	CHECK_INT(store_get_assessment(st, human, &a, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_INT(store_get_assessment(st, judge, &old, &err), 0);
	CHECK(old.valid);
	assessment_free(&old);

	/* override of something that does not exist */
	CHECK_INT(svc_override_feedback(st, "a-00000000000000000000000000000000", &r, human, &err),
		  -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	store_close(st);
}

int main(void)
{
	store_path = test_copy_fixture("mlflow-3-real-store.db", "store.db");
	RUN(artifact_dir_resolves_local_locations);
	RUN(spans_from_relative_location);
	RUN(spans_from_file_uri);
	RUN(missing_traces_json_is_a_note);
	RUN(remote_location_is_named);
	RUN(unreadable_traces_json_is_an_error_note);
	RUN(traces_json_must_be_a_regular_file);
	RUN(unknown_trace_fails);
	RUN(log_feedback_writes_mlflow_row);
	RUN(log_feedback_checks_before_writing);
	RUN(source_types_follow_mlflow);
	RUN(override_update_delete);
	free(store_path);
	TEST_MAIN_END();
}
