/* The label journal: appends with fsync and mode 0600, done and discarded
 * lines, pending actions per store, a torn last line set aside, an
 * unreadable line skipped, two journals on one file (as two processes),
 * taking over the actions of an owner that ended, emptying when nothing is
 * pending, and the store identity of a file path.  With the labeller on a
 * copy of a real MLflow store: each label reaches the store exactly once,
 * also when a crash came between the store's commit and the journal's
 * "done", when the store was locked, and through a worker. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "core/util.h"
#include "store/store.h"
#include "svc/journal.h"
#include "svc/label.h"
#include "svc/worker.h"
#include "test.h"

#define TR "tr-c3f8ccfcfd1ce910d7277a703eedd5e9"
#define ME "ann@example.com"

static char *jpath(const char *name)
{
	return test_path(name);
}

static void entry(struct journal_entry *e, const char *store, const char *trace,
		  const char *value)
{
	memset(e, 0, sizeof *e);
	e->action = JA_CREATE;
	e->store = (char *)(uintptr_t)store;
	e->trace_id = (char *)(uintptr_t)trace;
	e->name = (char *)(uintptr_t)"quality";
	e->value = (char *)(uintptr_t)value;
	e->source_id = (char *)(uintptr_t)"ann";
	e->rationale = (char *)(uintptr_t)"line one\nline \"two\" caf\xc3\xa9";
	e->metadata = (char *)(uintptr_t)"{\"tracelab.seconds_on_item\": \"3\"}";
}

/* The append set owner and key: those are ours to free. */
static void entry_done(struct journal_entry *e)
{
	free(e->owner);
	e->owner = NULL;
}

static size_t count_lines(const char *path)
{
	size_t len = 0, i, n = 0;
	char *s = read_file(path, &len);

	for (i = 0; s && i < len; i++)
		n += s[i] == '\n';
	free(s);
	return n;
}

TEST(journal_append_and_pending)
{
	char *p = jpath("a/state/tracelab/journal.jsonl");
	struct journal *j = NULL;
	struct journal_entry e, *v = NULL;
	struct journal_report rep;
	struct err err;
	struct stat st;
	size_t n = 0;
	char key1[JOURNAL_KEY_MAX];

	err_clear(&err);
	CHECK_INT(journal_open(p, &j, &err), 0);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
	entry(&e, "/s/one.db", "tr-1", "4");
	CHECK_INT(journal_append(j, &e, &err), 0);
	CHECK_INT(strlen(e.key), 36);
	CHECK(e.key[14] == '4');
	snprintf(key1, sizeof key1, "%s", e.key);
	entry_done(&e);
	entry(&e, "/s/two.db", "tr-2", "\"caf\\u00e9 \\\"ok\\\"\"");
	e.span_id = (char *)(uintptr_t)"sp-9";
	e.allow_override = true;
	e.override_judge = true;
	e.action = JA_OVERRIDE;
	CHECK_INT(journal_append(j, &e, &err), 0);
	CHECK(strcmp(e.key, key1) != 0);
	entry_done(&e);
	CHECK_INT(count_lines(p), 2);

	CHECK_INT(journal_pending(j, NULL, 0, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 2);
	CHECK_INT(rep.pending, 2);
	CHECK_INT(rep.others, 0);
	if (n == 2) {
		CHECK_STR(v[0].key, key1);
		CHECK_STR(v[0].store, "/s/one.db");
		CHECK_STR(v[0].trace_id, "tr-1");
		CHECK_STR(v[0].name, "quality");
		CHECK_STR(v[0].value, "4");
		CHECK_STR(v[0].rationale, "line one\nline \"two\" caf\xc3\xa9");
		CHECK_STR(v[0].metadata, "{\"tracelab.seconds_on_item\": \"3\"}");
		CHECK_STR(v[0].source_type, "HUMAN");
		CHECK_STR(v[0].source_id, "ann");
		CHECK_STR(v[0].owner, journal_owner(j));
		CHECK_NULL(v[0].span_id);
		CHECK(!v[0].allow_override);
		CHECK(!v[0].override_judge);
		CHECK(v[0].created_ms > 0);
		CHECK_INT(v[0].line, 1);
		CHECK(v[0].action == JA_CREATE);
		CHECK_STR(v[1].value, "\"caf\\u00e9 \\\"ok\\\"\"");
		CHECK_STR(v[1].span_id, "sp-9");
		CHECK(v[1].allow_override);
		CHECK(v[1].override_judge);
		CHECK(v[1].action == JA_OVERRIDE);
	}
	journal_entries_free(v, n);

	/* per store */
	CHECK_INT(journal_pending(j, "/s/two.db", 0, &v, &n, NULL, &err), 0);
	CHECK_INT(n, 1);
	journal_entries_free(v, n);

	/* done and discarded close them */
	CHECK_INT(journal_done(j, key1, "a-123", &err), 0);
	CHECK_INT(journal_pending(j, NULL, 0, &v, &n, NULL, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(v[0].store, "/s/two.db");
		CHECK_INT(journal_discard(j, v[0].key, &err), 0);
	}
	journal_entries_free(v, n);
	CHECK_INT(journal_pending(j, NULL, 0, &v, &n, NULL, &err), 0);
	CHECK_INT(n, 0);
	journal_entries_free(v, n);
	CHECK_INT(count_lines(p), 4);
	/* nothing pending: emptied on close */
	journal_close(j);
	CHECK(stat(p, &st) == 0 && st.st_size == 0);
	free(p);
}

TEST(journal_torn_last_line)
{
	char *p = jpath("torn/journal.jsonl"), *torn = jpath("torn/journal.jsonl.torn");
	struct journal *j = NULL;
	struct journal_entry e, *v = NULL;
	struct journal_report rep;
	struct err err;
	size_t n = 0, len = 0;
	char *s;
	int fd;

	err_clear(&err);
	CHECK_INT(journal_open(p, &j, &err), 0);
	entry(&e, "/s/one.db", "tr-1", "1");
	CHECK_INT(journal_append(j, &e, &err), 0);
	entry_done(&e);
	/* a crash in the middle of the next append */
	fd = open(p, O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "{\"v\": 1, \"key\": \"x", 18) == 18);
	close(fd);
	CHECK_INT(journal_pending(j, NULL, 0, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 1);
	CHECK_INT(rep.torn, 1);
	CHECK_HAS(rep.notice, "journal.jsonl:2: a torn last line (18 bytes");
	CHECK_HAS(rep.notice, "set aside in ");
	journal_entries_free(v, n);
	s = read_file(torn, &len);
	CHECK_STR(s, "{\"v\": 1, \"key\": \"x\n");
	free(s);
	CHECK_INT(count_lines(p), 1);
	/* the next append starts a line of its own */
	entry(&e, "/s/one.db", "tr-2", "2");
	CHECK_INT(journal_append(j, &e, &err), 0);
	entry_done(&e);
	CHECK_INT(journal_pending(j, NULL, 0, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 2);
	CHECK_INT(rep.torn, 0);
	journal_entries_free(v, n);

	/* a damaged line in the middle: reported with its line, skipped */
	fd = open(p, O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "not json\n", 9) == 9);
	close(fd);
	entry(&e, "/s/one.db", "tr-3", "3");
	CHECK_INT(journal_append(j, &e, &err), 0);
	entry_done(&e);
	CHECK_INT(journal_pending(j, NULL, 0, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 3);
	CHECK_INT(rep.bad, 1);
	CHECK_HAS(rep.notice, "journal.jsonl:3: unreadable line skipped");
	journal_entries_free(v, n);
	journal_close(j);

	/* a torn line found when the journal is opened */
	fd = open(p, O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "{\"v\"", 4) == 4);
	close(fd);
	CHECK_INT(journal_open(p, &j, &err), 0);
	CHECK_HAS(journal_notice(j), "a torn last line (4 bytes");
	journal_close(j);
	free(p);
	free(torn);
}

TEST(journal_two_owners)
{
	char *p = jpath("two/journal.jsonl");
	struct journal *a = NULL, *b = NULL, *c = NULL;
	struct journal_entry e, *v = NULL;
	struct journal_report rep;
	struct err err;
	size_t n = 0, i;

	err_clear(&err);
	CHECK_INT(journal_open(p, &a, &err), 0);
	CHECK_INT(journal_open(p, &b, &err), 0);
	CHECK(strcmp(journal_owner(a), journal_owner(b)) != 0);
	for (i = 0; i < 20; i++) {
		entry(&e, "/s/x.db", "tr-a", "1");
		CHECK_INT(journal_append(i % 2 ? a : b, &e, &err), 0);
		entry_done(&e);
	}
	CHECK_INT(count_lines(p), 20);
	/* a's actions are a's while it runs: b does not take them */
	CHECK_INT(journal_pending(b, "/s/x.db", JP_ADOPT, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 10);
	CHECK_INT(rep.pending, 20);
	CHECK_INT(rep.others, 10);
	journal_entries_free(v, n);
	/* listing shows every one, those of a as alive */
	CHECK_INT(journal_pending(b, NULL, 0, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 20);
	for (i = 0; i < n; i++)
		CHECK(v[i].alive == (strcmp(v[i].owner, journal_owner(a)) == 0));
	journal_entries_free(v, n);
	/* a ends: b takes its actions over; c, started meanwhile, gets none */
	journal_close(a);
	CHECK_INT(journal_open(p, &c, &err), 0);
	CHECK_INT(journal_pending(b, NULL, JP_ADOPT, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 20);
	CHECK_INT(rep.others, 0);
	journal_entries_free(v, n);
	CHECK_INT(journal_pending(c, NULL, JP_ADOPT, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 0);
	CHECK_INT(rep.others, 20);
	journal_entries_free(v, n);
	journal_close(b);
	/* b ended without writing them: c takes them now */
	CHECK_INT(journal_pending(c, NULL, JP_ADOPT, &v, &n, &rep, &err), 0);
	CHECK_INT(n, 20);
	journal_entries_free(v, n);
	journal_close(c);
	CHECK_INT(count_lines(p), 20);
	free(p);
}

TEST(journal_refusals)
{
	struct journal *j = NULL;
	struct journal_entry e;
	struct err err;

	/* a journal that cannot be made says where */
	err_clear(&err);
	CHECK_INT(journal_open("/proc/tracelab-none/journal.jsonl", &j, &err), -1);
	CHECK_HAS(err.msg, "/proc/tracelab-none");
	CHECK_NULL(j);
	/* bad metadata is refused before anything is written */
	{
		char *p = jpath("bad/journal.jsonl");

		CHECK_INT(journal_open(p, &j, &err), 0);
		entry(&e, "/s/x.db", "tr-a", "1");
		e.metadata = (char *)(uintptr_t)"[1]";
		CHECK_INT(journal_append(j, &e, &err), -1);
		CHECK_HAS(err.msg, "metadata");
		entry_done(&e);
		CHECK_INT(count_lines(p), 0);
		journal_close(j);
		free(p);
	}
}

TEST(journal_store_ids)
{
	char *d = jpath("ids"), *f, *a, *b, *c;

	mkdir(d, 0700);
	f = xasprintf("%s/s.db", d);
	close(open(f, O_CREAT | O_WRONLY, 0600));
	a = journal_store_id(f);
	b = xasprintf("sqlite://%s", f);
	c = journal_store_id(b);
	CHECK_STR(c, a);
	free(b);
	free(c);
	b = xasprintf("%s/../ids/s.db", d);
	c = journal_store_id(b);
	CHECK_STR(c, a);
	free(b);
	free(c);
	c = journal_store_id("http://mlflow.example:5000");
	CHECK_STR(c, "http://mlflow.example:5000");
	free(c);
	free(a);
	free(f);
	free(d);
}

TEST(journal_default_place)
{
	char *p;

	setenv("XDG_STATE_HOME", "/x/state", 1);
	p = journal_default_path();
	CHECK_STR(p, "/x/state/tracelab/journal.jsonl");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/ann", 1);
	p = journal_default_path();
	CHECK_STR(p, "/home/ann/.local/state/tracelab/journal.jsonl");
	free(p);
	unsetenv("XDG_STATE_HOME");
}


/* ---- with a real store ---------------------------------------------------- */

static int store_copies;

static char *store_copy(void)
{
	char name[32];

	snprintf(name, sizeof name, "s%d.db", ++store_copies);
	return test_copy_fixture("mlflow-3-dspy-react-agent.db", name);
}

static long long q_int(const char *db, const char *fmt, ...)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;
	char *sql;
	va_list ap;

	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (sqlite3_open(db, &h) == SQLITE_OK && sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	sqlite3_free(sql);
	return v;
}

static long long rows_named(const char *db, const char *name)
{
	return q_int(db, "SELECT count(*) FROM assessments WHERE name = %Q AND source_id = %Q",
		     name, ME);
}

static size_t pending_of(struct journal *j, const char *store)
{
	struct journal_entry *v = NULL;
	struct err err;
	size_t n = 0;

	err_clear(&err);
	if (journal_pending(j, store, 0, &v, &n, NULL, &err) < 0)
		return (size_t)-1;
	journal_entries_free(v, n);
	return n;
}

static void set_label(struct labeler *lb, const char *name, const char *value,
		      struct label_result *res)
{
	struct label_req req = { 0 };
	struct err err;

	err_clear(&err);
	req.trace_id = TR;
	req.name = name;
	req.value_text = value;
	req.type = VT_AUTO;
	memset(res, 0, sizeof *res);
	CHECK_INT(labeler_set(lb, &req, res, &err), 0);
}

/* An action that reached the store but whose "done" never did. */
static void crash_after_commit(const char *jp, const char *db, const char *sid,
			       const char *name, const char *value, char *key)
{
	struct journal *j = NULL;
	struct journal_entry e;
	struct assessment_new a = { 0 };
	struct store *st = NULL;
	struct err err;
	char id[64], *meta;

	err_clear(&err);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	memset(&e, 0, sizeof e);
	e.action = JA_CREATE;
	e.store = (char *)(uintptr_t)sid;
	e.trace_id = (char *)(uintptr_t)TR;
	e.name = (char *)(uintptr_t)name;
	e.value = (char *)(uintptr_t)value;
	e.source_id = (char *)(uintptr_t)ME;
	CHECK_INT(journal_append(j, &e, &err), 0);
	snprintf(key, JOURNAL_KEY_MAX, "%s", e.key);
	free(e.owner);
	meta = xasprintf("{\"" JOURNAL_KEY_META "\": \"%s\"}", key);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	a.trace_id = TR;
	a.name = name;
	a.value_json = value;
	a.source_id = ME;
	a.metadata_json = meta;
	CHECK_INT(store_log_assessment(st, &a, id, &err), 0);
	store_close(st);
	free(meta);
	/* the process dies: its owner file is no longer locked */
	journal_close(j);
}

/* A new run: takes over the journal's actions for the store and writes them. */
static size_t replay(const char *jp, const char *db, const char *sid, size_t *restored)
{
	struct journal *j = NULL;
	struct journal_entry *v = NULL;
	struct store *st = NULL;
	struct labeler *lb = NULL;
	struct err err;
	size_t n = 0, written = 0;

	err_clear(&err);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	CHECK_INT(labeler_new(st, ME, &lb, &err), 0);
	labeler_use_journal(lb, j, sid, NULL);
	CHECK_INT(journal_pending(j, sid, JP_ADOPT, &v, &n, NULL, &err), 0);
	labeler_restore(lb, v, n);
	*restored = n;
	journal_entries_free(v, n);
	CHECK_INT(labeler_retry(lb, &written, &err), 0);
	CHECK_INT(labeler_pending_count(lb), 0);
	labeler_free(&lb);
	store_close(st);
	journal_close(j);
	return written;
}

TEST(journal_label_exactly_once)
{
	char *db = store_copy(), *jp = jpath("once/journal.jsonl"), *sid = journal_store_id(db);
	struct journal *j = NULL;
	struct store *st = NULL;
	struct labeler *lb = NULL;
	struct label_result res;
	struct err err;
	char key[JOURNAL_KEY_MAX];
	size_t restored = 0;

	err_clear(&err);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	CHECK_INT(labeler_new(st, ME, &lb, &err), 0);
	labeler_use_journal(lb, j, sid, "0");
	set_label(lb, "quality", "4", &res);
	CHECK(!res.queued);
	label_result_free(&res);
	CHECK_INT(rows_named(db, "quality"), 1);
	/* the key went with the row, and the journal says it is done */
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments WHERE name = 'quality' AND "
			"json_extract(assessment_metadata, '$.\"" JOURNAL_KEY_META "\"') "
			"GLOB '[0-9a-f]*-*-4*-*-*' AND length(json_extract(assessment_metadata, "
			"'$.\"" JOURNAL_KEY_META "\"')) = 36"), 1);
	CHECK_INT(pending_of(j, sid), 0);
	/* an update carries its own key */
	set_label(lb, "quality", "5", &res);
	label_result_free(&res);
	CHECK_INT(rows_named(db, "quality"), 1);
	CHECK_INT(q_int(db, "SELECT value FROM assessments WHERE name = 'quality'"), 5);
	CHECK_INT(pending_of(j, sid), 0);
	labeler_free(&lb);
	store_close(st);
	journal_close(j);

	/* committed, then killed before "done": the replay sees the key */
	crash_after_commit(jp, db, sid, "relevance", "true", key);
	CHECK_INT(rows_named(db, "relevance"), 1);
	CHECK_INT(replay(jp, db, sid, &restored), 1);
	CHECK_INT(restored, 1);
	CHECK_INT(rows_named(db, "relevance"), 1);
	/* and now it is done: a second start has nothing to do */
	CHECK_INT(replay(jp, db, sid, &restored), 0);
	CHECK_INT(restored, 0);
	CHECK_INT(rows_named(db, "relevance"), 1);
	free(db);
	free(jp);
	free(sid);
}

TEST(journal_label_locked_store)
{
	char *db = store_copy(), *jp = jpath("locked/journal.jsonl"), *sid = journal_store_id(db);
	struct journal *j = NULL;
	struct store *st = NULL;
	struct labeler *lb = NULL;
	struct label_result res;
	struct err err;
	sqlite3 *h = NULL;
	size_t written = 0, restored = 0;

	setenv("TRACELAB_BUSY_MS", "50", 1);
	err_clear(&err);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	CHECK_INT(labeler_new(st, ME, &lb, &err), 0);
	labeler_use_journal(lb, j, sid, NULL);
	CHECK(sqlite3_open(db, &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
	set_label(lb, "quality", "2", &res);
	CHECK(res.queued);
	label_result_free(&res);
	set_label(lb, "quality", "3", &res);
	CHECK(res.queued);
	label_result_free(&res);
	CHECK_INT(labeler_pending_count(lb), 2);
	CHECK_INT(pending_of(j, sid), 2);
	CHECK_INT(labeler_retry(lb, &written, &err), -1);
	CHECK_INT(err.code, ERR_BUSY);
	CHECK(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	CHECK_INT(labeler_retry(lb, &written, &err), 0);
	CHECK_INT(written, 2);
	CHECK_INT(rows_named(db, "quality"), 1);
	CHECK_INT(q_int(db, "SELECT value FROM assessments WHERE name = 'quality'"), 3);
	CHECK_INT(pending_of(j, sid), 0);

	/* locked again, and the process dies with two labels pending */
	CHECK(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
	set_label(lb, "relevance", "yes", &res);
	label_result_free(&res);
	set_label(lb, "tone", "calm", &res);
	label_result_free(&res);
	CHECK_INT(labeler_pending_count(lb), 2);
	labeler_free(&lb);
	store_close(st);
	journal_close(j);
	CHECK(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	CHECK_INT(rows_named(db, "relevance"), 0);
	CHECK_INT(replay(jp, db, sid, &restored), 2);
	CHECK_INT(restored, 2);
	CHECK_INT(rows_named(db, "relevance"), 1);
	CHECK_INT(rows_named(db, "tone"), 1);
	CHECK_INT(replay(jp, db, sid, &restored), 0);
	CHECK_INT(rows_named(db, "tone"), 1);
	unsetenv("TRACELAB_BUSY_MS");
	free(db);
	free(jp);
	free(sid);
}

/* Two pending updates of one question where the later one reached the
 * store: neither is written again. */
TEST(journal_label_later_key_wins)
{
	char *db = store_copy(), *jp = jpath("later/journal.jsonl"), *sid = journal_store_id(db);
	struct journal *j = NULL;
	struct store *st = NULL;
	struct labeler *lb = NULL;
	struct label_result res;
	struct journal_entry e;
	struct assessment_update u = { 0 };
	struct err err;
	char id[128], k2[JOURNAL_KEY_MAX], *meta;
	long long stamp;
	size_t restored = 0;

	err_clear(&err);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	CHECK_INT(labeler_new(st, ME, &lb, &err), 0);
	labeler_use_journal(lb, j, sid, NULL);
	set_label(lb, "quality", "1", &res);
	snprintf(id, sizeof id, "%s", res.id ? res.id : "");
	label_result_free(&res);
	labeler_free(&lb);
	store_close(st);
	memset(&e, 0, sizeof e);
	e.action = JA_UPDATE;
	e.store = sid;
	e.trace_id = (char *)(uintptr_t)TR;
	e.name = (char *)(uintptr_t)"quality";
	e.value = (char *)(uintptr_t)"2";
	e.source_id = (char *)(uintptr_t)ME;
	CHECK_INT(journal_append(j, &e, &err), 0);
	free(e.owner);
	e.owner = NULL;
	e.key[0] = '\0';
	e.value = (char *)(uintptr_t)"3";
	CHECK_INT(journal_append(j, &e, &err), 0);
	snprintf(k2, sizeof k2, "%s", e.key);
	free(e.owner);
	/* the second update reached the store; the process died */
	meta = xasprintf("{\"" JOURNAL_KEY_META "\": \"%s\"}", k2);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	u.value_json = "3";
	u.metadata_json = meta;
	u.updated_ms = 1700000000123;
	CHECK_INT(store_update_assessment(st, id, &u, &err), 0);
	store_close(st);
	free(meta);
	journal_close(j);
	stamp = q_int(db, "SELECT last_updated_timestamp FROM assessments WHERE name = 'quality'");
	CHECK_INT(stamp, 1700000000123);
	CHECK_INT(replay(jp, db, sid, &restored), 2);
	CHECK_INT(restored, 2);
	CHECK_INT(q_int(db, "SELECT value FROM assessments WHERE name = 'quality'"), 3);
	CHECK_INT(q_int(db, "SELECT last_updated_timestamp FROM assessments WHERE name = 'quality'"),
		  stamp);
	free(db);
	free(jp);
	free(sid);
}

/* The journalled lines of the store, as "action step" per line. */
static char *pending_lines(struct journal *j, const char *sid)
{
	struct journal_entry *v = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct err err;
	size_t n = 0, i;

	err_clear(&err);
	CHECK_INT(journal_pending(j, sid, 0, &v, &n, NULL, &err), 0);
	for (i = 0; i < n; i++)
		sb_addf(&sb, "%s%s%s%s", i ? "," : "", journal_action_name(v[i].action),
			v[i].step ? " " : "", v[i].step == JS_DELETE ? "delete" :
			v[i].step == JS_RESTORE ? "restore" : v[i].step == JS_RECREATE ? "recreate" : "");
	journal_entries_free(v, n);
	return sb_take(&sb);
}

TEST(journal_undo_redo_dedupe)
{
	char *db = store_copy(), *jp = jpath("undo/journal.jsonl"), *sid = journal_store_id(db);
	struct journal *j = NULL;
	struct store *st = NULL;
	struct labeler *lb = NULL;
	struct label_result res;
	struct err err;
	char *lines;
	size_t n = 0, restored = 0;

	err_clear(&err);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	CHECK_INT(labeler_new(st, ME, &lb, &err), 0);
	labeler_use_journal(lb, j, sid, "0");
	set_label(lb, "quality", "4", &res);
	label_result_free(&res);
	CHECK_INT(labeler_undo(lb, &res, &err), 0);
	CHECK(!res.queued);
	label_result_free(&res);
	CHECK_INT(rows_named(db, "quality"), 0);
	CHECK_INT(labeler_redo(lb, &res, &err), 0);
	label_result_free(&res);
	CHECK_INT(rows_named(db, "quality"), 1);
	CHECK_INT(pending_of(j, sid), 0);
	/* a second row of mine for the question: dedupe keeps the newest */
	{
		sqlite3 *h = NULL;

		CHECK_INT(sqlite3_open(db, &h), SQLITE_OK);
		CHECK_INT(sqlite3_exec(h, "INSERT INTO assessments (assessment_id, trace_id, name, "
				       "assessment_type, value, created_timestamp, last_updated_timestamp, "
				       "source_type, source_id, valid) VALUES ('a-old', '" TR "', 'quality', "
				       "'feedback', '1', 1000, 1000, 'HUMAN', '" ME "', 1)", NULL, NULL, NULL),
			  SQLITE_OK);
		sqlite3_close(h);
	}
	CHECK_INT(labeler_dedupe(lb, TR, NULL, "quality", &n, &err), 0);
	CHECK_INT(n, 1);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments WHERE assessment_id = 'a-old'"), 0);
	labeler_free(&lb);
	store_close(st);
	/* the same actions again, as if no "done" had been written: the store
	 * ends as it is, nothing is written twice */
	{
		FILE *fp = fopen(jp, "r");
		struct strbuf kept = STRBUF_INIT;
		char line[8192];

		CHECK(fp != NULL);
		while (fp && fgets(line, sizeof line, fp))
			if (!strstr(line, "\"done\""))
				sb_adds(&kept, line);
		if (fp)
			fclose(fp);
		fp = fopen(jp, "w");
		fputs(sb_str(&kept), fp);
		fclose(fp);
		sb_free(&kept);
	}
	journal_close(j);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	lines = pending_lines(j, sid);
	CHECK_STR(lines, "create,undo delete,redo recreate,dedupe delete");
	free(lines);
	journal_close(j);
	replay(jp, db, sid, &restored);
	CHECK_INT(restored, 4);
	CHECK_INT(rows_named(db, "quality"), 1);
	CHECK_INT(q_int(db, "SELECT value FROM assessments WHERE name = 'quality'"), 4);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments WHERE assessment_id = 'a-old'"), 0);
	free(db);
	free(jp);
	free(sid);
}

static void on_change(void *ctx, const struct label_result *r)
{
	int *n = ctx;

	*n += !r->queued;
}

TEST(journal_label_worker)
{
	char *db = store_copy(), *jp = jpath("worker/journal.jsonl"), *sid = journal_store_id(db);
	struct journal *j = NULL;
	struct store *st = NULL;
	struct labeler *lb = NULL;
	struct worker *w = NULL;
	struct label_result res;
	struct err err;
	sqlite3 *h = NULL;
	int changes = 0, guard;
	int64_t t0;

	setenv("TRACELAB_BUSY_MS", "50", 1);
	err_clear(&err);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	CHECK_INT(labeler_new(st, ME, &lb, &err), 0);
	CHECK_INT(worker_start(db, 0, &w, &err), 0);
	labeler_use_journal(lb, j, sid, NULL);
	labeler_use_worker(lb, w);
	labeler_on_change(lb, on_change, &changes);
	/* locked: the call returns at once, the label waits */
	CHECK(sqlite3_open(db, &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
	t0 = mono_ms();
	set_label(lb, "quality", "4", &res);
	CHECK(res.queued && res.saving);
	label_result_free(&res);
	set_label(lb, "quality", "5", &res);
	label_result_free(&res);
	CHECK_INT(labeler_pending_count(lb), 2);
	CHECK_INT(pending_of(j, sid), 2);
	/* the first try fails on the lock and is tried again later */
	CHECK(worker_wait(w, 5000));
	worker_collect(w);
	CHECK_INT(labeler_pending_count(lb), 2);
	CHECK(labeler_pending_at(lb, 0)->attempts == 1);
	CHECK_INT(labeler_pending_at(lb, 0)->code, ERR_BUSY);
	CHECK(labeler_pump(lb) > 0);
	CHECK(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	for (guard = 0; labeler_pending_count(lb) && guard < 200; guard++) {
		int next = labeler_pump(lb);

		if (worker_wait(w, next > 0 ? next : 50))
			worker_collect(w);
	}
	CHECK_INT(labeler_pending_count(lb), 0);
	CHECK_INT(changes, 2);
	CHECK_INT(rows_named(db, "quality"), 1);
	CHECK_INT(q_int(db, "SELECT value FROM assessments WHERE name = 'quality'"), 5);
	CHECK_INT(pending_of(j, sid), 0);
	CHECK(labeler_can_undo(lb));
	(void)t0;

	/* the bounded last try: locked, it gives up in time and keeps them */
	CHECK(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
	set_label(lb, "tone", "calm", &res);
	label_result_free(&res);
	t0 = mono_ms();
	CHECK_INT(labeler_flush(lb, 300), 1);
	CHECK(mono_ms() - t0 < 1000);
	worker_close(w);
	CHECK_INT(pending_of(j, sid), 1);
	CHECK(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	labeler_free(&lb);
	store_close(st);
	journal_close(j);
	CHECK_INT(rows_named(db, "tone"), 0);
	unsetenv("TRACELAB_BUSY_MS");
	free(db);
	free(jp);
	free(sid);
}

/* A final answer given in adjudication, written by the worker: it
 * overrides the judge's row, never a human's that came later. */
TEST(journal_label_worker_override_judge)
{
	char *db = store_copy(), *jp = jpath("adjudicate/journal.jsonl"), *sid = journal_store_id(db);
	struct journal *j = NULL;
	struct store *st = NULL;
	struct labeler *lb = NULL;
	struct worker *w = NULL;
	struct label_req req = { 0 };
	struct label_result res = { 0 };
	struct err err;
	sqlite3 *h = NULL;
	int guard;

	err_clear(&err);
	CHECK(sqlite3_open(db, &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "INSERT INTO assessments (assessment_id, trace_id, name, "
			   "assessment_type, value, created_timestamp, last_updated_timestamp, "
			   "source_type, source_id, valid) VALUES "
			   "('a-judge', '" TR "', 'verdict', 'feedback', 'false', 1700000000000, "
			   "1700000000000, 'LLM_JUDGE', 'judge', 1), "
			   "('a-human-later', '" TR "', 'verdict', 'feedback', 'false', "
			   "1700000900000, 1700000900000, 'HUMAN', 'bob', 1)",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	CHECK_INT(journal_open(jp, &j, &err), 0);
	CHECK_INT(store_open(db, 0, &st, &err), 0);
	CHECK_INT(labeler_new(st, ME, &lb, &err), 0);
	CHECK_INT(worker_start(db, 0, &w, &err), 0);
	labeler_use_journal(lb, j, sid, NULL);
	labeler_use_worker(lb, w);
	req.trace_id = TR;
	req.name = "verdict";
	req.value_text = "true";
	req.type = VT_BOOL;
	req.allow_override = true;
	req.override_judge = true;
	CHECK_INT(labeler_set(lb, &req, &res, &err), 0);
	label_result_free(&res);
	for (guard = 0; labeler_pending_count(lb) && guard < 200; guard++) {
		int next = labeler_pump(lb);

		if (worker_wait(w, next > 0 ? next : 50))
			worker_collect(w);
	}
	CHECK_INT(labeler_pending_count(lb), 0);
	CHECK_INT(q_int(db, "SELECT count(*) FROM assessments WHERE source_id = %Q AND "
			"overrides = 'a-judge'", ME), 1);
	CHECK_INT(q_int(db, "SELECT valid FROM assessments WHERE assessment_id = 'a-judge'"), 0);
	CHECK_INT(q_int(db, "SELECT valid FROM assessments WHERE assessment_id = 'a-human-later'"),
		  1);
	worker_close(w);
	labeler_free(&lb);
	store_close(st);
	journal_close(j);
	free(db);
	free(jp);
	free(sid);
}

int main(void)
{
	RUN(journal_append_and_pending);
	RUN(journal_torn_last_line);
	RUN(journal_two_owners);
	RUN(journal_refusals);
	RUN(journal_store_ids);
	RUN(journal_default_place);
	RUN(journal_label_exactly_once);
	RUN(journal_label_locked_store);
	RUN(journal_label_later_key_wins);
	RUN(journal_undo_redo_dedupe);
	RUN(journal_label_worker);
	RUN(journal_label_worker_override_judge);
	TEST_MAIN_END();
}
