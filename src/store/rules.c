/*
 * MLflow's rules for stored rows, shared by every backend (see rules.h).
 */
#include "store/rules.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/queue.h"
#include "core/textbuf.h"
#include "core/util.h"

size_t rules_chars(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* ---- messages ---------------------------------------------------------- */

/* A copy of untrusted text fit for a one-line message. */
static char *shown(const char *s)
{
	return sanitize_dup(s ? s : "", s ? strnlen(s, RULES_ID_SHOWN) : 0);
}

int rules_not_found(struct err *err, const char *fmt, const char *a, const char *b)
{
	char *sa = shown(a), *sb = shown(b);

	err_set(err, ERR_NOTFOUND, fmt, sa, sb);
	free(sa);
	free(sb);
	return -1;
}

int rules_no_trace(struct err *err, const char *trace_id)
{
	return rules_not_found(err, "no trace %s in this store", trace_id, NULL);
}

int rules_no_span(struct err *err, const char *span_id, const char *trace_id)
{
	return rules_not_found(err, "no span %s in trace %s", span_id, trace_id);
}

int rules_no_assessment(struct err *err, const char *assessment_id)
{
	return rules_not_found(err, "no assessment %s in this store", assessment_id, NULL);
}

int rules_no_override(struct err *err, const char *assessment_id, const char *trace_id)
{
	return rules_not_found(err, "no assessment %s on trace %s", assessment_id, trace_id);
}

/* The error for v, longer than its column: "<what> is longer than MLflow's
 * N characters (n)". */
static int too_long(struct err *err, const char *v, size_t max, const char *what)
{
	return err_set(err, ERR_USAGE, "%s is longer than MLflow's %zu characters (%zu)", what,
		       max, rules_chars(v));
}

static bool fits(const char *v, size_t max)
{
	return rules_chars(v) <= max;
}

/* ---- assessment rows --------------------------------------------------- */

static int random_bytes(unsigned char *buf, size_t n, struct err *err)
{
	size_t got = 0;
	ssize_t r;
	int fd;

	while (got < n) {
		r = getrandom(buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, ERR_RUNTIME, "no random source: %s", strerror(errno));
	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got < n)
		return err_set(err, ERR_RUNTIME, "no random source: short read of /dev/urandom");
	return 0;
}

/* prefix + uuid4().hex. */
static int new_id(const char *prefix, char *buf, struct err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	size_t i, n = strlen(prefix);

	if (random_bytes(r, sizeof r, err) < 0)
		return -1;
	/* Version 4, variant 1, as uuid4() gives. */
	r[6] = (unsigned char)((r[6] & 0x0F) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
	memcpy(buf, prefix, n);
	for (i = 0; i < sizeof r; i++) {
		buf[n + 2 * i] = hex[r[i] >> 4];
		buf[n + 1 + 2 * i] = hex[r[i] & 15];
	}
	buf[n + 32] = '\0';
	return 0;
}

int rules_new_assessment_id(char *buf, struct err *err)
{
	return new_id("a-", buf, err);
}

int rules_new_schema_id(char *buf, struct err *err)
{
	return new_id("ls-", buf, err);
}

int rules_new_queue_id(char *buf, struct err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	size_t i;

	if (random_bytes(r, sizeof r, err) < 0)
		return -1;
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);   /* uuid4: version 4 */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	memcpy(buf, QUEUE_ID_PREFIX, 3);
	for (i = 0; i < sizeof r; i++) {
		buf[3 + 2 * i] = hex[r[i] >> 4];
		buf[4 + 2 * i] = hex[r[i] & 15];
	}
	buf[35] = '\0';
	return 0;
}

/* The id given, or a new one in r->idbuf. */
static int row_id(struct assessment_row *r, const char *id, struct err *err)
{
	if (id) {
		r->id = id;
		return 0;
	}
	if (rules_new_assessment_id(r->idbuf, err) < 0)
		return -1;
	r->id = r->idbuf;
	return 0;
}

/* Every column within its limit. */
static int row_fits(const struct assessment_row *r, struct err *err)
{
	static const struct {
		size_t offset;  /* of a const char * in struct assessment_row */
		size_t max;
		const char *what;
	} cols[] = {
		{ offsetof(struct assessment_row, id), RULES_ID_MAX, "the assessment id" },
		{ offsetof(struct assessment_row, name), RULES_NAME_MAX, "the assessment name" },
		{ offsetof(struct assessment_row, type), RULES_TYPE_MAX, "the assessment type" },
		{ offsetof(struct assessment_row, source_type), RULES_SOURCE_TYPE_MAX,
		  "the source type" },
		{ offsetof(struct assessment_row, source_id), RULES_NAME_MAX, "the source id" },
		{ offsetof(struct assessment_row, run_id), RULES_RUN_ID_MAX, "the run id" },
		{ offsetof(struct assessment_row, span_id), RULES_ID_MAX, "the span id" },
		{ offsetof(struct assessment_row, overrides), RULES_ID_MAX,
		  "the id of the overridden assessment" },
	};
	size_t i;

	for (i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		const char *v = *(const char *const *)(const void *)((const char *)r + cols[i].offset);

		if (!fits(v, cols[i].max))
			return too_long(err, v, cols[i].max, cols[i].what);
	}
	return 0;
}

int rules_log_row(const struct assessment_new *a, struct assessment_row *r, struct err *err)
{
	memset(r, 0, sizeof *r);
	if (!a->trace_id || !a->name || !a->value_json)
		return err_set(err, ERR_USAGE, "an assessment needs a trace id, a name and a value");
	if (row_id(r, a->id, err) < 0)
		return -1;
	r->trace_id = a->trace_id;
	r->name = a->name;
	r->type = a->type ? a->type : "feedback";
	r->value = a->value_json;
	r->error = a->error_json;
	r->created_ms = a->created_ms > 0 ? a->created_ms : now_ms();
	r->updated_ms = a->updated_ms > 0 ? a->updated_ms : r->created_ms;
	r->source_type = a->source_type ? a->source_type : "HUMAN";
	r->source_id = a->source_id;
	r->run_id = a->run_id;
	r->run_from_metadata = !a->run_id && a->metadata_json;
	r->span_id = a->span_id;
	r->rationale = a->rationale;
	r->overrides = a->overrides;
	r->valid = true;
	r->metadata = a->metadata_json;
	return row_fits(r, err);
}

int rules_import_row(const struct assessment *a, const char *trace_id, int64_t now,
		     struct assessment_row *r, struct err *err)
{
	memset(r, 0, sizeof *r);
	if (row_id(r, a->id, err) < 0)
		return -1;
	r->trace_id = trace_id;
	r->name = a->name ? a->name : "feedback";
	r->type = a->type ? a->type : "feedback";
	r->value = a->value ? a->value : "null";
	r->error = a->error;
	r->created_ms = a->created_ms > 0 ? a->created_ms : now;
	r->updated_ms = a->updated_ms > 0 ? a->updated_ms : r->created_ms;
	r->source_type = a->source_type ? a->source_type : "SOURCE_TYPE_UNSPECIFIED";
	r->source_id = a->source_id;
	r->run_id = a->run_id;
	r->span_id = a->span_id;
	r->rationale = a->rationale;
	r->overrides = a->overrides;
	r->valid = a->valid;
	r->metadata = a->metadata;
	return 0;
}

int rules_check_update(const char *assessment_id, const struct assessment_update *u,
		       struct err *err)
{
	if (!u || !assessment_id)
		return err_set(err, ERR_USAGE, "an update needs an assessment id and changes");
	if (!fits(u->name, RULES_NAME_MAX))
		return too_long(err, u->name, RULES_NAME_MAX, "the assessment name");
	return 0;
}

bool rules_session_scoped(const char *metadata_json)
{
	return metadata_json && strstr(metadata_json, RULES_META_SESSION);
}

static const char *digits(const char *p)
{
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

enum rules_numeric rules_numeric_kind(const char *v)
{
	const char *p = v;

	if (!v)
		return RULES_NUM_NONE;
	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
		return RULES_NUM_BOOL;
	if (*p == '-')
		p++;
	if (!(p = digits(p)))
		return RULES_NUM_NONE;
	if (*p == '.' && !(p = digits(p + 1)))
		return RULES_NUM_NONE;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(p = digits(p)))
			return RULES_NUM_NONE;
	}
	return *p ? RULES_NUM_NONE : RULES_NUM_NUMBER;
}

/* ---- traces ------------------------------------------------------------ */

int rules_check_trace(const struct trace *t, struct err *err)
{
	size_t i;

	if (!t->info.id || !*t->info.id)
		return err_set(err, ERR_USAGE, "a trace to import has no id");
	for (i = 0; i < t->nspans; i++)
		if (!t->spans[i].id || !*t->spans[i].id)
			return err_set(err, ERR_USAGE, "a span of trace %s has no id", t->info.id);
	return 0;
}

/* Whether the list has the key (its value may be NULL). */
static bool has_key(const struct kv_list *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return true;
	return false;
}

int rules_trace_kvs(const struct trace *t, bool metadata, rules_put_kv put, void *ctx,
		    struct err *err)
{
	const struct kv_list *l = metadata ? &t->metadata : &t->tags;
	const char *implied[4];
	const char *own = NULL;  /* the implied key that replaces the list's */
	size_t i;

	if (metadata) {
		implied[0] = RULES_META_USER;
		implied[1] = t->info.user;
		implied[2] = RULES_META_SESSION;
		implied[3] = t->info.session;
	} else {
		implied[0] = RULES_TAG_NAME;
		implied[1] = t->info.name;
		implied[2] = RULES_TAG_SPANS_LOCATION;
		implied[3] = t->nspans ? RULES_SPANS_IN_STORE : NULL;
		own = t->nspans ? RULES_TAG_SPANS_LOCATION : NULL;
	}
	for (i = 0; i < l->n; i++)
		if (!str_eq(l->v[i].key, own) && put(ctx, l->v[i].key, l->v[i].value, err) < 0)
			return -1;
	for (i = 0; i < 4; i += 2) {
		if (!implied[i + 1])
			continue;
		if ((str_eq(implied[i], own) || !has_key(l, implied[i])) &&
		    put(ctx, implied[i], implied[i + 1], err) < 0)
			return -1;
	}
	return 0;
}

bool rules_spans_in_store(const struct kv_list *tags)
{
	return str_eq(kv_list_get(tags, RULES_TAG_SPANS_LOCATION), RULES_SPANS_IN_STORE);
}

void rules_spans_state(struct trace *t, bool looked)
{
	const char *where = kv_list_get(&t->tags, RULES_TAG_SPANS_LOCATION);

	free(t->spans_note);
	t->spans_note = NULL;
	if (looked && t->nspans) {
		t->spans_state = SPANS_LOADED;
	} else if (looked) {
		t->spans_state = SPANS_MISSING;
		t->spans_note = xstrdup("no spans in the tracking store for this trace "
					"(" RULES_TAG_SPANS_LOCATION ": " RULES_SPANS_IN_STORE ")");
	} else {
		t->spans_state = SPANS_MISSING;
		t->spans_note = xasprintf("spans are not in the tracking store "
					  "(" RULES_TAG_SPANS_LOCATION ": %s)",
					  where ? where : "missing");
	}
}

/* ---- list rows --------------------------------------------------------- */

static void replace(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup_or_null(v);
}

static struct fb_cell *cell_for(struct trace_row *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfb; i++)
		if (strcmp(r->fb[i].name, name) == 0)
			return &r->fb[i];
	r->fb = xrealloc(r->fb, (r->nfb + 1) * sizeof *r->fb);
	memset(&r->fb[r->nfb], 0, sizeof r->fb[r->nfb]);
	r->fb[r->nfb].name = xstrdup(name);
	return &r->fb[r->nfb++];
}

void rules_fold(struct trace_row *r, const char *name, const char *source_type,
		const char *source_id, const char *value, const char *me)
{
	struct fb_cell *c;

	if (!name || !source_type)
		return;
	if (strcmp(source_type, "HUMAN") == 0) {
		c = cell_for(r, name);
		replace(&c->human, value);
		if (me && source_id && strcmp(source_id, me) == 0)
			replace(&c->mine, value);
	} else if (strcmp(source_type, "LLM_JUDGE") == 0) {
		replace(&cell_for(r, name)->judge, value);
	} else if (strcmp(source_type, "CODE") == 0) {
		replace(&cell_for(r, name)->code, value);
	}
}

static int cell_cmp(const void *a, const void *b)
{
	const struct fb_cell *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void rules_fold_end(struct trace_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].nfb > 1)
			qsort(rows[i].fb, rows[i].nfb, sizeof *rows[i].fb, cell_cmp);
}

void rules_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
