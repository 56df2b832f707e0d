/*
 * The label journal (see journal.h): a JSON-lines file appended under
 * flock, with one owner file per running process.  Every open, lock or
 * unlink of an owner file happens while the journal itself is locked, so
 * two processes never both take over the actions of one that ended.
 */
#include "svc/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/paths.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/jline.h"

/* An owner file this process holds (its own, or one taken over). */
struct held {
	char *name;
	int fd;
};

struct journal {
	char *path, *dir, *owners, *torn;
	int fd;
	char owner[64];
	struct held *held;          /* [0] is this process's own */
	size_t nheld, capheld;
	char notice[512];
};

static const char *const action_names[] = {
	[JA_CREATE] = "create",
	[JA_UPDATE] = "update",
	[JA_OVERRIDE] = "override",
	[JA_RATIONALE] = "rationale",
	[JA_DELETE] = "delete",
	[JA_UNDO] = "undo",
	[JA_SET] = "set",
	[JA_REDO] = "redo",
	[JA_DEDUPE] = "dedupe",
	[JA_QUEUE] = "queue",
	[JA_LOG] = "log",
	[JA_PATCH] = "patch",
	[JA_REMOVE] = "remove",
};

static const char *const step_names[] = {
	[JS_NONE] = "",
	[JS_DELETE] = "delete",
	[JS_RESTORE] = "restore",
	[JS_RECREATE] = "recreate",
};

const char *journal_action_name(enum journal_action a)
{
	return (unsigned)a < sizeof action_names / sizeof action_names[0] ? action_names[a] : "?";
}

static int action_of(const char *s, enum journal_action *out)
{
	size_t i;

	for (i = 0; s && i < sizeof action_names / sizeof action_names[0]; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum journal_action)i;
			return 0;
		}
	return -1;
}

/* ---- places ------------------------------------------------------------- */

char *journal_default_path(void)
{
	return paths_state_file("journal.jsonl");
}

char *journal_store_id(const char *url)
{
	const char *p = url;
	char buf[PATH_MAX];

	if (!url)
		return xstrdup("");
	if (strncmp(url, "sqlite:///", 10) == 0)
		p = url + 9;
	else if (strstr(url, "://"))
		return xstrdup(url);
	if (realpath(p, buf))
		return xstrdup(buf);
	return xstrdup(p);
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(const char *dir, struct err *err)
{
	char *d = xstrdup(dir), *s;
	int rc = 0;

	for (s = d + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(d, 0700) < 0 && errno != EEXIST) {
				rc = err_set(err, ERR_RUNTIME, "cannot create %s: %s", d, strerror(errno));
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(d);
	return rc;
}

int journal_new_key(char *buf, struct err *err)
{
	unsigned char r[16];
	size_t got = 0;

	while (got < sizeof r) {
		ssize_t n = getrandom(r + got, sizeof r - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, ERR_RUNTIME, "no random source for a key: %s",
				       strerror(errno));
		}
		got += (size_t)n;
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(buf, JOURNAL_KEY_MAX,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
		 r[12], r[13], r[14], r[15]);
	return 0;
}

/* ---- locking ------------------------------------------------------------ */

static int lock(struct journal *j, struct err *err)
{
	while (flock(j->fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return err_set(err, ERR_RUNTIME, "cannot lock %s: %s", j->path,
				       strerror(errno));
	}
	return 0;
}

static void unlock(struct journal *j)
{
	flock(j->fd, LOCK_UN);
}

static void note(struct journal *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct journal *j, const char *fmt, ...)
{
	va_list ap;

	if (j->notice[0])
		return;
	va_start(ap, fmt);
	vsnprintf(j->notice, sizeof j->notice, fmt, ap);
	va_end(ap);
}

/* Is an owner file locked by a running process?  With take, a free one
 * (or a missing one) is locked and kept by this process.  Locked. */
static bool owner_alive(struct journal *j, const char *owner, bool take)
{
	char *p;
	int fd;
	size_t i;

	for (i = 0; i < j->nheld; i++)
		if (strcmp(j->held[i].name, owner) == 0)
			return false;  /* ours */
	if (!*owner || strchr(owner, '/'))
		return false;
	p = xasprintf("%s/%s", j->owners, owner);
	fd = open(p, O_RDWR | O_CLOEXEC | (take ? O_CREAT : 0), 0600);
	free(p);
	if (fd < 0)
		return false;  /* no file: nobody holds it */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return true;
	}
	if (!take) {
		close(fd);
		return false;
	}
	GROW(j->held, j->capheld, j->nheld + 1);
	j->held[j->nheld].name = xstrdup(owner);
	j->held[j->nheld].fd = fd;
	j->nheld++;
	return false;
}

/* ---- reading ------------------------------------------------------------ */

static int read_all(struct journal *j, struct strbuf *sb, struct err *err)
{
	char buf[65536];
	off_t off = 0;

	sb_reset(sb);
	for (;;) {
		ssize_t n = pread(j->fd, buf, sizeof buf, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, ERR_RUNTIME, "cannot read %s: %s", j->path,
				       strerror(errno));
		}
		if (n == 0)
			break;
		sb_add(sb, buf, (size_t)n);
		off += n;
	}
	return 0;
}

static size_t lines_before(const char *s, size_t end)
{
	size_t i, n = 0;

	for (i = 0; i < end; i++)
		n += s[i] == '\n';
	return n;
}

/* A last line without its newline goes to journal.torn.  Locked. */
static int set_aside_tail(struct journal *j, struct journal_report *rep, struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t start;
	int fd, rc = 0;

	if (read_all(j, &sb, err) < 0)
		return -1;
	if (!sb.len || sb.buf[sb.len - 1] == '\n') {
		sb_free(&sb);
		return 0;
	}
	for (start = sb.len; start > 0 && sb.buf[start - 1] != '\n'; start--)
		;
	fd = open(j->torn, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, sb.buf + start, sb.len - start) != (ssize_t)(sb.len - start) ||
	    write(fd, "\n", 1) != 1 || fsync(fd) < 0) {
		rc = err_set(err, ERR_RUNTIME, "%s: a torn last line (line %zu) cannot be set "
			     "aside in %s: %s", j->path, lines_before(sb.buf, start) + 1, j->torn,
			     strerror(errno));
	} else if (ftruncate(j->fd, (off_t)start) < 0 || fsync(j->fd) < 0) {
		rc = err_set(err, ERR_RUNTIME, "%s: cannot cut off a torn last line: %s", j->path,
			     strerror(errno));
	} else {
		note(j, "%s:%zu: a torn last line (%zu bytes, a write cut short) was set aside "
		     "in %s", j->path, lines_before(sb.buf, start) + 1, sb.len - start, j->torn);
		if (rep)
			rep->torn++;
	}
	if (fd >= 0)
		close(fd);
	sb_free(&sb);
	return rc;
}

static char *field_dup(const struct jfield *f, size_t n, const char *key)
{
	const struct jfield *x = jline_get(f, n, key);

	return x && !x->is_null ? xstrdup(x->text) : NULL;
}

/* A member that holds JSON (the value): a string member is a JSON string. */
static char *json_dup(const struct jfield *f, size_t n, const char *key)
{
	const struct jfield *x = jline_get(f, n, key);
	struct strbuf sb = STRBUF_INIT;

	if (!x || x->is_null)
		return NULL;
	if (!x->is_str)
		return xstrdup(x->text);
	pyjson_string(&sb, x->text, strlen(x->text));
	return sb_take(&sb);
}

static int entry_from(const struct jfield *f, size_t n, struct journal_entry *e)
{
	const struct jfield *k = jline_get(f, n, "key"), *a = jline_get(f, n, "action"), *x;
	size_t i;

	memset(e, 0, sizeof *e);
	if (!k || !k->is_str || strlen(k->text) >= JOURNAL_KEY_MAX || !a ||
	    action_of(a->text, &e->action) < 0)
		return -1;
	snprintf(e->key, sizeof e->key, "%s", k->text);
	e->store = field_dup(f, n, "store");
	e->experiment = field_dup(f, n, "experiment");
	e->trace_id = field_dup(f, n, "trace");
	e->span_id = field_dup(f, n, "span");
	e->name = field_dup(f, n, "name");
	e->value = json_dup(f, n, "value");
	e->rationale = field_dup(f, n, "rationale");
	e->metadata = field_dup(f, n, "metadata");
	e->source_type = field_dup(f, n, "source_type");
	e->source_id = field_dup(f, n, "source_id");
	e->owner = field_dup(f, n, "owner");
	x = jline_get(f, n, "allow_override");
	e->allow_override = x && strcmp(x->text, "true") == 0;
	x = jline_get(f, n, "override_judge");
	e->override_judge = x && strcmp(x->text, "true") == 0;
	x = jline_get(f, n, "created_ms");
	if (x && !x->is_str)
		parse_int64(x->text, &e->created_ms);
	e->assessment_id = field_dup(f, n, "assessment_id");
	e->overrides = field_dup(f, n, "overrides");
	e->run_id = field_dup(f, n, "run_id");
	e->error = field_dup(f, n, "error");
	e->type = field_dup(f, n, "type");
	x = jline_get(f, n, "step");
	for (i = 1; x && x->is_str && i < sizeof step_names / sizeof step_names[0]; i++)
		if (strcmp(x->text, step_names[i]) == 0)
			e->step = (enum journal_step)i;
	x = jline_get(f, n, "row_created_ms");
	if (x && !x->is_str)
		parse_int64(x->text, &e->row_created_ms);
	x = jline_get(f, n, "row_updated_ms");
	if (x && !x->is_str)
		parse_int64(x->text, &e->row_updated_ms);
	x = jline_get(f, n, "set_rationale");
	e->set_rationale = x && strcmp(x->text, "true") == 0;
	e->queue_id = field_dup(f, n, "queue");
	e->queue_status = field_dup(f, n, "queue_status");
	if (!e->store || !e->trace_id || !e->name ||
	    ((e->action == JA_UNDO || e->action == JA_REDO || e->action == JA_DEDUPE) &&
	     (!e->step || !e->assessment_id)) ||
	    ((e->action == JA_PATCH || e->action == JA_REMOVE) && !e->assessment_id) ||
	    (e->action == JA_QUEUE && (!e->queue_id || !e->queue_status)) ||
	    (!e->queue_id != !e->queue_status)) {
		journal_entry_free(e);
		return -1;
	}
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry of the file with its state.  Locked. */
struct scan {
	struct journal_entry *v;
	size_t n, cap;
	char **closed;              /* keys done or discarded (sorted after the scan) */
	size_t nclosed, capclosed;
};

static void scan_free(struct scan *s)
{
	size_t i;

	journal_entries_free(s->v, s->n);
	for (i = 0; i < s->nclosed; i++)
		free(s->closed[i]);
	free(s->closed);
	memset(s, 0, sizeof *s);
}

static bool is_closed(const struct scan *s, const char *key)
{
	const char *k = key;

	return s->nclosed && bsearch(&k, s->closed, s->nclosed, sizeof *s->closed, key_cmp);
}

static int scan_file(struct journal *j, struct scan *s, struct journal_report *rep,
		     struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0, line = 0;

	memset(s, 0, sizeof *s);
	if (set_aside_tail(j, rep, err) < 0 || read_all(j, &sb, err) < 0) {
		sb_free(&sb);
		return -1;
	}
	while (pos < sb.len) {
		const char *nl = memchr(sb.buf + pos, '\n', sb.len - pos);
		size_t len = (size_t)(nl - (sb.buf + pos)), nf = 0;
		struct jfield *f = NULL;
		const struct jfield *d;
		struct err e;

		line++;
		err_clear(&e);
		if (len == 0) {
			pos += 1;
			continue;
		}
		if (jline_parse(sb.buf + pos, len, &f, &nf, &e) < 0) {
			note(j, "%s:%zu: unreadable line skipped (%s)", j->path, line, e.msg);
			if (rep)
				rep->bad++;
		} else if ((d = jline_get(f, nf, "done")) || (d = jline_get(f, nf, "discarded"))) {
			GROW(s->closed, s->capclosed, s->nclosed + 1);
			s->closed[s->nclosed++] = xstrdup(d->text);
		} else {
			GROW(s->v, s->cap, s->n + 1);
			if (entry_from(f, nf, &s->v[s->n]) == 0) {
				s->v[s->n].line = line;
				s->n++;
			} else {
				note(j, "%s:%zu: a line that is no label action was skipped", j->path,
				     line);
				if (rep)
					rep->bad++;
			}
		}
		jline_free(f, nf);
		pos += len + 1;
	}
	sb_free(&sb);
	if (s->nclosed)
		qsort(s->closed, s->nclosed, sizeof *s->closed, key_cmp);
	return 0;
}

/* Empties the file when no action is pending.  Locked. */
static void compact(struct journal *j)
{
	struct scan s;
	struct err e;
	size_t i, open_n = 0;
	struct stat st;

	err_clear(&e);
	if (fstat(j->fd, &st) < 0 || st.st_size == 0 || scan_file(j, &s, NULL, &e) < 0)
		return;
	for (i = 0; i < s.n; i++)
		open_n += !is_closed(&s, s.v[i].key);
	if (!open_n && ftruncate(j->fd, 0) == 0)
		fsync(j->fd);
	scan_free(&s);
}

/* ---- life --------------------------------------------------------------- */

int journal_open(const char *path, struct journal **out, struct err *err)
{
	struct journal *j;
	char *slash, *def = NULL;
	struct err e;
	int i;

	*out = NULL;
	if (!path) {
		path = def = journal_default_path();
		if (!path)
			return err_set(err, ERR_RUNTIME, "no home directory for the label journal "
				       "(set XDG_STATE_HOME)");
	}
	j = xcalloc(1, sizeof *j);
	j->fd = -1;
	j->path = xstrdup(path);
	free(def);
	slash = strrchr(j->path, '/');
	j->dir = slash ? xstrndup(j->path, (size_t)(slash - j->path)) : xstrdup(".");
	j->owners = xasprintf("%s/owners", j->dir);
	j->torn = xasprintf("%s.torn", j->path);
	if ((j->dir[0] && make_dirs(j->dir, err) < 0) || make_dirs(j->owners, err) < 0)
		goto fail;
	j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		err_set(err, ERR_RUNTIME, "cannot open the label journal %s: %s", j->path,
			strerror(errno));
		goto fail;
	}
	fchmod(j->fd, 0600);
	if (lock(j, err) < 0)
		goto fail;
	/* This process's owner file: a name nobody holds. */
	for (i = 0; i < 8; i++) {
		unsigned char r[4];
		size_t before = j->nheld;

		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			memset(r, i, sizeof r);
		snprintf(j->owner, sizeof j->owner, "%ld-%02x%02x%02x%02x", (long)getpid(), r[0],
			 r[1], r[2], r[3]);
		if (!owner_alive(j, j->owner, true) && j->nheld > before)
			break;
	}
	if (!j->nheld) {
		unlock(j);
		err_set(err, ERR_RUNTIME, "cannot register in %s", j->owners);
		goto fail;
	}
	err_clear(&e);
	if (set_aside_tail(j, NULL, &e) < 0)
		note(j, "%s", e.msg);
	compact(j);
	unlock(j);
	*out = j;
	return 0;
fail:
	journal_close(j);
	return -1;
}

void journal_close(struct journal *j)
{
	struct err e;
	size_t i;

	if (!j)
		return;
	err_clear(&e);
	if (j->fd >= 0 && lock(j, &e) == 0) {
		compact(j);
		for (i = 0; i < j->nheld; i++) {
			char *p = xasprintf("%s/%s", j->owners, j->held[i].name);

			unlink(p);
			free(p);
		}
		unlock(j);
	}
	for (i = 0; i < j->nheld; i++) {
		close(j->held[i].fd);
		free(j->held[i].name);
	}
	free(j->held);
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	free(j->dir);
	free(j->owners);
	free(j->torn);
	free(j);
}

const char *journal_path(const struct journal *j)
{
	return j->path;
}

const char *journal_owner(const struct journal *j)
{
	return j->owner;
}

const char *journal_notice(const struct journal *j)
{
	return j->notice;
}

/* ---- writing ------------------------------------------------------------ */

static void add_str(struct strbuf *sb, const char *key, const char *v)
{
	sb_addf(sb, ", \"%s\": ", key);
	if (v)
		pyjson_string(sb, v, strlen(v));
	else
		sb_adds(sb, "null");
}

static void add_json(struct strbuf *sb, const char *key, const char *v)
{
	sb_addf(sb, ", \"%s\": %s", key, v && *v ? v : "null");
}

/* Appends one whole line and fsyncs; on any failure the file is cut back
 * to where it was.  Locked. */
static int append_line(struct journal *j, const struct strbuf *line, struct err *err)
{
	struct stat st;
	ssize_t n;

	if (set_aside_tail(j, NULL, err) < 0)
		return -1;
	if (fstat(j->fd, &st) < 0)
		return err_set(err, ERR_RUNTIME, "cannot write the label journal %s: %s", j->path,
			       strerror(errno));
	do
		n = write(j->fd, line->buf, line->len);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)line->len && fsync(j->fd) == 0)
		return 0;
	if (n >= 0 && n < (ssize_t)line->len)
		errno = ENOSPC;
	err_set(err, ERR_RUNTIME, "cannot write the label journal: %s (%s)", strerror(errno),
		j->path);
	if (ftruncate(j->fd, st.st_size) == 0)
		fsync(j->fd);
	return -1;
}

int journal_append(struct journal *j, struct journal_entry *e, struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (!e->key[0] && journal_new_key(e->key, err) < 0)
		return -1;
	if (!e->created_ms)
		e->created_ms = now_ms();
	if (!e->owner || strcmp(e->owner, j->owner) != 0) {
		free(e->owner);
		e->owner = xstrdup(j->owner);
	}
	if (e->metadata && *e->metadata && !jline_is_object(e->metadata))
		return err_set(err, ERR_USAGE, "label metadata is not a JSON object");
	if (e->value && *e->value && !jline_is_value(e->value))
		return err_set(err, ERR_USAGE, "label value is not JSON");
	sb_adds(&sb, "{\"v\": 1");
	add_str(&sb, "key", e->key);
	add_str(&sb, "action", journal_action_name(e->action));
	add_str(&sb, "store", e->store);
	add_str(&sb, "experiment", e->experiment);
	add_str(&sb, "trace", e->trace_id);
	add_str(&sb, "span", e->span_id);
	add_str(&sb, "name", e->name);
	add_json(&sb, "value", e->value);
	add_str(&sb, "rationale", e->rationale);
	add_json(&sb, "metadata", e->metadata);
	add_str(&sb, "source_type", e->source_type ? e->source_type : "HUMAN");
	add_str(&sb, "source_id", e->source_id);
	sb_addf(&sb, ", \"allow_override\": %s", e->allow_override ? "true" : "false");
	if (e->override_judge)
		sb_adds(&sb, ", \"override_judge\": true");
	sb_addf(&sb, ", \"created_ms\": %" PRId64, e->created_ms);
	add_str(&sb, "owner", e->owner);
	if (e->assessment_id)
		add_str(&sb, "assessment_id", e->assessment_id);
	if (e->step)
		add_str(&sb, "step", step_names[e->step]);
	if (e->overrides)
		add_str(&sb, "overrides", e->overrides);
	if (e->run_id)
		add_str(&sb, "run_id", e->run_id);
	if (e->error)
		add_json(&sb, "error", e->error);
	if (e->type)
		add_str(&sb, "type", e->type);
	if (e->row_created_ms)
		sb_addf(&sb, ", \"row_created_ms\": %" PRId64, e->row_created_ms);
	if (e->row_updated_ms)
		sb_addf(&sb, ", \"row_updated_ms\": %" PRId64, e->row_updated_ms);
	if (e->set_rationale)
		sb_adds(&sb, ", \"set_rationale\": true");
	if (e->queue_id) {
		add_str(&sb, "queue", e->queue_id);
		add_str(&sb, "queue_status", e->queue_status);
	}
	sb_adds(&sb, "}\n");
	rc = lock(j, err);
	if (rc == 0) {
		rc = append_line(j, &sb, err);
		unlock(j);
	}
	sb_free(&sb);
	return rc;
}

static int close_key(struct journal *j, const char *what, const char *key, const char *id,
		     struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	sb_addf(&sb, "{\"v\": 1, \"%s\": ", what);
	pyjson_string(&sb, key, strlen(key));
	if (id)
		add_str(&sb, "assessment_id", id);
	sb_addf(&sb, ", \"ms\": %" PRId64 "}\n", now_ms());
	rc = lock(j, err);
	if (rc == 0) {
		rc = append_line(j, &sb, err);
		unlock(j);
	}
	sb_free(&sb);
	return rc;
}

int journal_done(struct journal *j, const char *key, const char *assessment_id,
		 struct err *err)
{
	return close_key(j, "done", key, assessment_id, err);
}

int journal_discard(struct journal *j, const char *key, struct err *err)
{
	return close_key(j, "discarded", key, NULL, err);
}

/* ---- pending ------------------------------------------------------------ */

int journal_pending(struct journal *j, const char *store, unsigned flags,
		    struct journal_entry **out, size_t *n, struct journal_report *rep,
		    struct err *err)
{
	struct journal_report local;
	struct scan s;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof *rep);
	if (lock(j, err) < 0)
		return -1;
	j->notice[0] = '\0';
	if (scan_file(j, &s, rep, err) < 0) {
		unlock(j);
		return -1;
	}
	for (i = 0; i < s.n; i++) {
		struct journal_entry *e = &s.v[i];

		if (is_closed(&s, e->key) || (store && !str_eq(e->store, store))) {
			journal_entry_free(e);
			continue;
		}
		rep->pending++;
		e->alive = owner_alive(j, e->owner ? e->owner : "", (flags & JP_ADOPT) != 0);
		if (e->alive) {
			rep->others++;
			if (flags & JP_ADOPT) {
				journal_entry_free(e);
				continue;
			}
		}
		s.v[k++] = *e;
	}
	unlock(j);
	snprintf(rep->notice, sizeof rep->notice, "%s", j->notice);
	s.n = k;
	*out = s.v;
	*n = k;
	s.v = NULL;
	s.n = 0;
	scan_free(&s);
	return 0;
}

void journal_entry_free(struct journal_entry *e)
{
	if (!e)
		return;
	free(e->store);
	free(e->experiment);
	free(e->trace_id);
	free(e->span_id);
	free(e->name);
	free(e->value);
	free(e->rationale);
	free(e->metadata);
	free(e->source_type);
	free(e->source_id);
	free(e->owner);
	free(e->assessment_id);
	free(e->overrides);
	free(e->run_id);
	free(e->error);
	free(e->type);
	free(e->queue_id);
	free(e->queue_status);
	memset(e, 0, sizeof *e);
}

void journal_entries_free(struct journal_entry *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		journal_entry_free(&v[i]);
	free(v);
}
