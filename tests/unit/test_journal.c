/* The label journal: appends with fsync and mode 0600, done and discarded
 * lines, pending actions per store, a torn last line set aside, an
 * unreadable line skipped, two journals on one file (as two processes),
 * taking over the actions of an owner that ended, emptying when nothing is
 * pending, and the store identity of a file path. */
#include <fcntl.h>
#include <sys/stat.h>

#include "core/util.h"
#include "svc/journal.h"
#include "test.h"

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
	entry(&e, "/s/two.db", "tr-2", "true");
	e.span_id = (char *)(uintptr_t)"sp-9";
	e.allow_override = true;
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
		CHECK(v[0].created_ms > 0);
		CHECK_INT(v[0].line, 1);
		CHECK(v[0].action == JA_CREATE);
		CHECK_STR(v[1].span_id, "sp-9");
		CHECK(v[1].allow_override);
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

int main(void)
{
	RUN(journal_append_and_pending);
	RUN(journal_torn_last_line);
	RUN(journal_two_owners);
	RUN(journal_refusals);
	RUN(journal_store_ids);
	RUN(journal_default_place);
	TEST_MAIN_END();
}
