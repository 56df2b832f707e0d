/*
 * The labelling engine (svc/label.h): plans, writes, undo and redo,
 * repeat and the pending list.
 *
 * Over 1,000 lines: every operation goes through one path (run_op, then
 * exec_op) that writes it, records it for undo or keeps it as pending
 * behind the ones before it, all over the labeler's one state; split, each
 * part would need all of it.
 */
#include "svc/label.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/question.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/emit.h"
#include "svc/worker.h"

/* Automatic retries with a worker: the first after this, doubling. */
#define RETRY_FIRST_MS 250
#define RETRY_MAX_MS 5000

/* One written operation, enough to undo and redo it. */
struct hist {
	enum label_op op;
	enum label_kind kind;
	struct assessment before;  /* UPDATE/RATIONALE: the row before; DELETE: the row deleted */
	struct assessment after;   /* CREATE/OVERRIDE: the row written; UPDATE/RATIONALE: after */
	int64_t ms;                /* when it entered the history */
	/* The review-queue item the operation moved (QUEUE: its only effect):
	 * undo reopens it, redo sets queue_status again. */
	char *queue_id, *queue_status;
	bool queue_changed;
};

/* An operation asked for: what a pending item keeps, with borrowed text. */
struct op {
	enum label_op op;
	const char *trace_id;
	const char *span_id;       /* NULL: the whole trace */
	const char *name;
	const char *value;         /* JSON text (LABEL_OP_SET) */
	const char *rationale;
	const char *metadata;      /* JSON object added to the row's metadata, or NULL */
	bool allow_override;
	bool override_judge;       /* only a judge's row may be overridden */
	const char *key;           /* idempotency key, or NULL */
	const char *const *later;  /* keys of later pending operations on the question */
	size_t nlater;
	enum journal_action why;   /* row operations (is_row_op) */
	const struct assessment *row;
	bool set_rationale;        /* LABEL_OP_PATCH */
	bool expectation;          /* the question's answers are expectations */
	const char *queue_id;      /* the trace's item of this review queue takes */
	const char *queue_status;  /* this status in the same transaction */
};

struct labeler {
	struct store *st;          /* borrowed */
	char *me;
	struct hist *hist;         /* [0, cur) done, [cur, nhist) undone (redo) */
	size_t nhist, cap_hist, cur;
	struct label_pending *pend;
	size_t npend, cap_pend;
	struct label_last last;
	bool has_last;
	uint64_t gen;
	struct journal *jr;        /* borrowed, or NULL */
	char *store_id, *experiment;
	char jerr[ERR_MSG_MAX];    /* the last journal failure, until read */
	struct worker *w;          /* borrowed, or NULL */
	bool running;              /* a write of ours is with the worker */
	uint64_t job;
	bool flushing;             /* labeler_flush: no back-off */
	void (*on_change)(void *ctx, const struct label_result *r);
	void *change_ctx;
	char **expect;             /* names whose answers are expectations */
	size_t nexpect;
};

/* ---- small helpers ---------------------------------------------------- */

static bool is_expectation(const struct labeler *lb, const char *name)
{
	size_t i;

	for (i = 0; i < lb->nexpect; i++)
		if (str_eq(lb->expect[i], name))
			return true;
	return false;
}

static const char *span_norm(const char *span_id)
{
	return span_id && *span_id ? span_id : NULL;
}

static const char *empty_null(const char *s)
{
	return s && *s ? s : NULL;
}

static bool is_row_op(enum label_op op)
{
	return op >= LABEL_OP_ROW_DELETE;
}

static bool same_key(const char *t1, const char *s1, const char *n1, const char *t2,
		     const char *s2, const char *n2)
{
	return str_eq(t1, t2) && str_eq(span_norm(s1), span_norm(s2)) && str_eq(n1, n2);
}

static bool is_mine(const struct assessment *a, const char *me)
{
	return str_eq(a->source_type, "HUMAN") && str_eq(a->source_id, me);
}

/* Is b later than a: last updated, then created, then by id (as the
 * list's cells and the store's quick filters order rows)? */
static bool later(const struct assessment *a, const struct assessment *b)
{
	int c;

	if (!a)
		return true;
	if (b->updated_ms != a->updated_ms)
		return b->updated_ms > a->updated_ms;
	if (b->created_ms != a->created_ms)
		return b->created_ms > a->created_ms;
	c = strcmp(b->id ? b->id : "", a->id ? a->id : "");
	return c >= 0;
}

static const char *kind_type(bool expectation)
{
	return expectation ? "expectation" : "feedback";
}

static bool answers_t(const struct assessment *a, const char *root, const char *span_id,
		      const char *name, const char *type)
{
	return a->valid && str_eq(a->type, type) &&
	       question_same(a->name, a->span_id, name, span_id, root);
}

static bool answers(const struct assessment *a, const char *root, const char *span_id,
		    const char *name)
{
	return answers_t(a, root, span_id, name, "feedback");
}

void label_find_rows(const struct assessment_list *l, const char *root_span_id,
		     const char *span_id, const char *name, const char *me,
		     const struct assessment **mine, const struct assessment **other,
		     size_t *nothers)
{
	label_find_answers(l, root_span_id, span_id, name, false, me, mine, other, nothers);
}

void label_find_answers(const struct assessment_list *l, const char *root_span_id,
			const char *span_id, const char *name, bool expectation, const char *me,
			const struct assessment **mine, const struct assessment **other,
			size_t *nothers)
{
	const char *type = kind_type(expectation);
	size_t i;

	*mine = *other = NULL;
	if (nothers)
		*nothers = 0;
	for (i = 0; i < l->n; i++) {
		const struct assessment *a = &l->v[i];

		if (!answers_t(a, root_span_id, span_id, name, type))
			continue;
		if (is_mine(a, me)) {
			if (later(*mine, a))
				*mine = a;
		} else {
			if (later(*other, a))
				*other = a;
			if (nothers)
				(*nothers)++;
		}
	}
}

/* The latest valid row of an LLM judge answering the question, else of
 * another source that is not HUMAN, or NULL. */
static const struct assessment *latest_judge(const struct assessment_list *l, const char *root,
					     const char *span_id, const char *name)
{
	const struct assessment *llm = NULL, *other = NULL;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct assessment *a = &l->v[i];

		if (!answers(a, root, span_id, name) || str_eq(a->source_type, "HUMAN"))
			continue;
		if (str_eq(a->source_type, "LLM_JUDGE")) {
			if (later(llm, a))
				llm = a;
		} else if (later(other, a)) {
			other = a;
		}
	}
	return llm ? llm : other;
}

static int newest_first(const void *x, const void *y)
{
	const struct assessment *a = *(const struct assessment *const *)x;
	const struct assessment *b = *(const struct assessment *const *)y;

	if (a == b)
		return 0;
	return later(a, b) ? 1 : -1;
}

static size_t mine_rows_t(const struct assessment_list *l, const char *root_span_id,
			  const char *span_id, const char *name, const char *type, const char *me,
			  const struct assessment ***out)
{
	const struct assessment **v = xcalloc(l->n ? l->n : 1, sizeof *v);
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		if (answers_t(&l->v[i], root_span_id, span_id, name, type) && is_mine(&l->v[i], me))
			v[n++] = &l->v[i];
	qsort(v, n, sizeof *v, newest_first);
	*out = v;
	return n;
}

size_t label_mine_rows(const struct assessment_list *l, const char *root_span_id,
		       const char *span_id, const char *name, const char *me,
		       const struct assessment ***out)
{
	return mine_rows_t(l, root_span_id, span_id, name, "feedback", me, out);
}

static size_t count_mine_t(const struct assessment_list *l, const char *root_span_id,
			   const char *span_id, const char *name, const char *type, const char *me)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += answers_t(&l->v[i], root_span_id, span_id, name, type) &&
		     is_mine(&l->v[i], me);
	return n;
}

size_t label_count_mine(const struct assessment_list *l, const char *root_span_id,
			const char *span_id, const char *name, const char *me)
{
	return count_mine_t(l, root_span_id, span_id, name, "feedback", me);
}

/* The trace's feedback and its root span's id (NULL when the store does
 * not hold its spans). */
static int load_rows(struct labeler *lb, const char *trace_id, struct assessment_list *l,
		     char **root, struct err *err)
{
	*root = NULL;
	if (store_load_assessments(lb->st, trace_id, l, err) < 0)
		return -1;
	return store_root_span(lb->st, trace_id, root, err);
}

static char *target_text(const char *trace_id, const char *span_id)
{
	span_id = span_norm(span_id);
	if (span_id)
		return xasprintf("span %s of %s", span_id, trace_id);
	return xstrdup(trace_id);
}

static int no_mine(struct err *err, const char *trace_id, const char *span_id, const char *name)
{
	char *t = target_text(trace_id, span_id);

	err_set(err, ERR_NOTFOUND, "no feedback of yours named %s on %s", name, t);
	free(t);
	return -1;
}

/* Errors that belong to one operation, not to the store: retrying cannot
 * help, so a fresh operation is refused instead of queued. */
static bool item_error(enum err_code c)
{
	return c == ERR_NOTFOUND || c == ERR_USAGE;
}

static void result_fill(struct label_result *res, enum label_op op, enum label_kind kind,
			bool queued, const char *id, const char *trace_id, const char *span_id,
			const char *name, const char *value, const char *error)
{
	if (!res)
		return;
	res->op = op;
	res->kind = kind;
	res->queued = queued;
	res->id = xstrdup_or_null(id);
	res->trace_id = xstrdup_or_null(trace_id);
	res->span_id = xstrdup_or_null(span_norm(span_id));
	res->name = xstrdup_or_null(name);
	res->value = xstrdup_or_null(value);
	res->error = xstrdup_or_null(error);
}

void label_result_free(struct label_result *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->trace_id);
	free(r->span_id);
	free(r->name);
	free(r->value);
	free(r->error);
	memset(r, 0, sizeof *r);
}

void label_plan_free(struct label_plan *p)
{
	if (!p)
		return;
	assessment_free(&p->existing);
	memset(p, 0, sizeof *p);
}

static void pending_free(struct label_pending *p)
{
	free(p->trace_id);
	free(p->span_id);
	free(p->name);
	free(p->value);
	free(p->rationale);
	free(p->metadata);
	free(p->error);
	free(p->queue_id);
	free(p->queue_status);
	assessment_free(&p->row);
	memset(p, 0, sizeof *p);
}

static void hist_free(struct hist *h)
{
	assessment_free(&h->before);
	assessment_free(&h->after);
	free(h->queue_id);
	free(h->queue_status);
	h->queue_id = h->queue_status = NULL;
	h->queue_changed = false;
}

/* ---- life ------------------------------------------------------------- */

int labeler_new(struct store *st, const char *source_id, struct labeler **out, struct err *err)
{
	struct labeler *lb;

	*out = NULL;
	if (!st)
		return err_set(err, ERR_USAGE, "labelling needs an open store");
	if (!source_id || !*source_id)
		return err_set(err, ERR_USAGE, "labelling needs a source_id (who is labelling)");
	lb = xcalloc(1, sizeof *lb);
	lb->st = st;
	lb->me = xstrdup(source_id);
	*out = lb;
	return 0;
}

void labeler_free(struct labeler **pp)
{
	struct labeler *lb;
	size_t i;

	if (!pp || !*pp)
		return;
	lb = *pp;
	for (i = 0; i < lb->nhist; i++)
		hist_free(&lb->hist[i]);
	free(lb->hist);
	for (i = 0; i < lb->npend; i++)
		pending_free(&lb->pend[i]);
	free(lb->pend);
	free(lb->last.name);
	free(lb->last.value_text);
	free(lb->me);
	free(lb->store_id);
	free(lb->experiment);
	for (i = 0; i < lb->nexpect; i++)
		free(lb->expect[i]);
	free(lb->expect);
	free(lb);
	*pp = NULL;
}

void labeler_expectations(struct labeler *lb, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < lb->nexpect; i++)
		free(lb->expect[i]);
	free(lb->expect);
	lb->expect = n ? xcalloc(n, sizeof *lb->expect) : NULL;
	for (i = 0; i < n; i++)
		lb->expect[i] = xstrdup(names[i]);
	lb->nexpect = n;
}

const char *labeler_source_id(const struct labeler *lb)
{
	return lb->me;
}

uint64_t labeler_generation(const struct labeler *lb)
{
	return lb->gen;
}

/* ---- history and pending lists ---------------------------------------- */

/* Takes ownership of *h (zeroes it); drops whatever could be redone. */
static void hist_push(struct labeler *lb, struct hist *h)
{
	while (lb->nhist > lb->cur)
		hist_free(&lb->hist[--lb->nhist]);
	GROW(lb->hist, lb->cap_hist, lb->nhist + 1);
	h->ms = now_ms();
	lb->hist[lb->nhist++] = *h;
	lb->cur = lb->nhist;
	memset(h, 0, sizeof *h);
	lb->gen++;
}

static size_t pending_on(const struct labeler *lb, size_t upto, const char *trace_id,
			 const char *span_id, const char *name, const struct label_pending **first)
{
	size_t i, n = 0;

	if (first)
		*first = NULL;
	for (i = 0; i < upto && i < lb->npend; i++) {
		const struct label_pending *p = &lb->pend[i];

		if (!same_key(p->trace_id, p->span_id, p->name, trace_id, span_id, name))
			continue;
		if (first && !*first)
			*first = p;
		n++;
	}
	return n;
}

static struct op op_of(const struct label_pending *p)
{
	struct op o;

	o.op = p->op;
	o.trace_id = p->trace_id;
	o.span_id = p->span_id;
	o.name = p->name;
	o.value = p->value;
	o.rationale = p->rationale;
	o.metadata = p->metadata;
	o.allow_override = p->allow_override;
	o.override_judge = p->override_judge;
	o.expectation = p->expectation;
	o.key = p->key[0] ? p->key : NULL;
	o.later = NULL;
	o.nlater = 0;
	o.why = p->why;
	o.row = is_row_op(p->op) ? &p->row : NULL;
	o.set_rationale = p->set_rationale;
	o.queue_id = p->queue_id;
	o.queue_status = p->queue_status;
	return o;
}

/* The keys of the pending operations after i on its question (borrowed
 * from the list; the array is the caller's). */
static const char **later_keys(const struct labeler *lb, size_t i, size_t *n)
{
	const struct label_pending *p = &lb->pend[i];
	const char **v = xcalloc(lb->npend + 1, sizeof *v);
	size_t j;

	*n = 0;
	for (j = i + 1; j < lb->npend; j++) {
		const struct label_pending *q = &lb->pend[j];

		if (q->key[0] && same_key(q->trace_id, q->span_id, q->name, p->trace_id,
					  p->span_id, p->name))
			v[(*n)++] = q->key;
	}
	return v;
}

static struct label_pending *pending_add(struct labeler *lb, const struct op *it,
					 unsigned attempts, enum err_code code,
					 const char *error)
{
	struct label_pending *p;

	GROW(lb->pend, lb->cap_pend, lb->npend + 1);
	p = &lb->pend[lb->npend++];
	memset(p, 0, sizeof *p);
	p->op = it->op;
	p->trace_id = xstrdup(it->trace_id);
	p->span_id = xstrdup_or_null(span_norm(it->span_id));
	p->name = xstrdup(it->name);
	p->value = xstrdup_or_null(it->value);
	p->rationale = xstrdup_or_null(it->rationale);
	p->metadata = xstrdup_or_null(it->metadata);
	p->allow_override = it->allow_override;
	p->override_judge = it->override_judge;
	p->expectation = it->expectation;
	p->why = it->why;
	if (it->row)
		assessment_copy(&p->row, it->row);
	p->set_rationale = it->set_rationale;
	p->queue_id = xstrdup_or_null(it->queue_id);
	p->queue_status = xstrdup_or_null(it->queue_id ? it->queue_status : NULL);
	p->code = code;
	p->error = xstrdup(error && *error ? error : "not written");
	p->queued_ms = now_ms();
	p->attempts = attempts;
	if (it->key)
		snprintf(p->key, sizeof p->key, "%s", it->key);
	lb->gen++;
	return p;
}

static void pending_remove(struct labeler *lb, size_t i)
{
	pending_free(&lb->pend[i]);
	memmove(&lb->pend[i], &lb->pend[i + 1], (lb->npend - i - 1) * sizeof *lb->pend);
	lb->npend--;
	lb->gen++;
}

size_t labeler_pending_count(const struct labeler *lb)
{
	return lb->npend;
}

const struct label_pending *labeler_pending_at(const struct labeler *lb, size_t i)
{
	return i < lb->npend ? &lb->pend[i] : NULL;
}

/* The journal says the store has it (or that the user dropped it). */
static void journal_close_key(struct labeler *lb, const char *key, bool done, const char *id)
{
	struct err e;

	if (!lb->jr || !key || !*key)
		return;
	err_clear(&e);
	if ((done ? journal_done(lb->jr, key, id, &e) : journal_discard(lb->jr, key, &e)) < 0)
		snprintf(lb->jerr, sizeof lb->jerr, "%s", e.msg);
}

void labeler_discard(struct labeler *lb, size_t i)
{
	if (i >= lb->npend)
		return;
	if (lb->pend[i].running && lb->w)
		worker_cancel(lb->w, lb->job);
	if (lb->pend[i].journalled)
		journal_close_key(lb, lb->pend[i].key, false, NULL);
	pending_remove(lb, i);
}

void labeler_discard_all(struct labeler *lb)
{
	while (lb->npend)
		labeler_discard(lb, lb->npend - 1);
}

/* ---- writing ---------------------------------------------------------- */

/* A row as it is written by store_log_assessment (valid = 1). */
static void row_from_new(struct assessment *a, const struct assessment_new *n, const char *id)
{
	memset(a, 0, sizeof *a);
	a->id = xstrdup(id);
	a->trace_id = xstrdup(n->trace_id);
	a->name = xstrdup(n->name);
	a->type = xstrdup(n->type ? n->type : "feedback");
	a->value = xstrdup(n->value_json);
	a->error = xstrdup_or_null(n->error_json);
	a->created_ms = n->created_ms;
	a->updated_ms = n->updated_ms ? n->updated_ms : n->created_ms;
	a->source_type = xstrdup(n->source_type ? n->source_type : "HUMAN");
	a->source_id = xstrdup_or_null(n->source_id);
	a->run_id = xstrdup_or_null(n->run_id);
	a->span_id = xstrdup_or_null(n->span_id);
	a->rationale = xstrdup_or_null(n->rationale);
	a->overrides = xstrdup_or_null(n->overrides);
	a->valid = true;
	a->metadata = xstrdup_or_null(n->metadata_json);
}

/* {"tracelab.idempotency_key": key} merged into a row's metadata. */
static char *with_key(const char *metadata, const char *key)
{
	struct strbuf p = STRBUF_INIT;
	char *m;

	sb_adds(&p, "{\"" JOURNAL_KEY_META "\": ");
	pyjson_string(&p, key, strlen(key));
	sb_adds(&p, "}");
	m = json_merge_objects(metadata, sb_str(&p));
	sb_free(&p);
	return m;
}

/* The row of the trace that carries this operation's key, or the key of
 * a later operation on its question (which was written after it), or
 * NULL. */
static const struct assessment *keyed_row(const struct assessment_list *l, const struct op *it)
{
	size_t i, k;

	for (i = 0; it->key && i < l->n; i++) {
		const char *m = l->v[i].metadata;

		if (!m)
			continue;
		if (*it->key && strstr(m, it->key))
			return &l->v[i];
		for (k = 0; k < it->nlater; k++)
			if (*it->later[k] && strstr(m, it->later[k]))
				return &l->v[i];
	}
	return NULL;
}

static bool already_written(const struct assessment_list *l, const struct op *it)
{
	return keyed_row(l, it) != NULL;
}

static const struct assessment *row_by_id(const struct assessment_list *l, const char *id)
{
	size_t i;

	for (i = 0; id && i < l->n; i++)
		if (str_eq(l->v[i].id, id))
			return &l->v[i];
	return NULL;
}

/* The metadata a row operation writes: `m` with its key (NULL when the
 * operation has none: m itself).  -1 when m is no JSON object. */
static int keyed_meta(const char *m, const char *key, char **out, struct err *err)
{
	*out = NULL;
	if (!key)
		return 0;
	*out = with_key(m, key);
	if (!*out)
		return err_set(err, ERR_USAGE, "the metadata is not a JSON object");
	return 0;
}

/* The feedback commands write rows exactly as MLflow's client would, so
 * their key stays out of the metadata: a new row was written when the
 * trace holds one with its name, source, target, creation time (which
 * travels in the journal) and override; an update or a delete is the same
 * when done twice. */
static bool keyless(const struct op *it)
{
	return it->why == JA_LOG || it->why == JA_PATCH || it->why == JA_REMOVE;
}

static const struct assessment *logged_row(const struct assessment_list *l,
					   const struct assessment *r)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct assessment *a = &l->v[i];

		if (a->created_ms == r->created_ms && str_eq(a->name, r->name) &&
		    str_eq(a->source_type, r->source_type) && str_eq(a->source_id, r->source_id) &&
		    str_eq(span_norm(a->span_id), span_norm(r->span_id)) &&
		    str_eq(a->overrides, r->overrides))
			return a;
	}
	return NULL;
}

/* A row operation (undo, redo, dedupe, the feedback commands) against the
 * store as it is now.  Idempotent: a row that carries the key (or a later
 * operation's) was written, a row gone already is not deleted again, a
 * row there already is not recreated.  On success *h is what was written
 * (kind meaningful only when *wrote). */
static int exec_row(struct store *st, const struct op *it, struct hist *h, bool *wrote,
		    struct err *err)
{
	struct assessment_list l = { 0 };
	struct assessment_update u = { 0 };
	struct assessment_new n = { 0 };
	const struct assessment *r = it->row, *cur, *done;
	char *keyed = NULL, *merged = NULL;
	char id[128];
	int rc = -1;

	if (store_load_assessments(st, r->trace_id, &l, err) < 0)
		goto out;
	cur = row_by_id(&l, r->id);
	done = !keyless(it) ? keyed_row(&l, it) : it->op == LABEL_OP_LOG ? logged_row(&l, r) : NULL;
	if (done) {
		if (it->op == LABEL_OP_LOG)
			assessment_copy(&h->after, done);
		rc = 0;
		goto out;
	}
	switch (it->op) {
	case LABEL_OP_ROW_DELETE:
		if (!cur)
			break;  /* gone already */
		if (store_delete_assessment(st, cur->id, err) < 0)
			goto out;
		h->kind = LABEL_DELETE;
		assessment_copy(&h->before, cur);
		*wrote = true;
		break;
	case LABEL_OP_ROW_RESTORE:
	case LABEL_OP_PATCH:
		if (!cur) {
			err_set(err, ERR_NOTFOUND, "assessment %s is no longer on trace %s", r->id,
				r->trace_id);
			goto out;
		}
		if (it->op == LABEL_OP_PATCH && r->metadata) {
			/* update_assessment merges: old keys, then new ones */
			merged = json_merge_objects(cur->metadata, r->metadata);
			if (!merged) {
				err_set(err, ERR_USAGE, "the metadata of %s is not a JSON object", r->id);
				goto out;
			}
		}
		if (it->op == LABEL_OP_ROW_RESTORE) {
			u.name = r->name;
			u.set_rationale = true;
			merged = xstrdup_or_null(r->metadata);
		} else {
			u.set_rationale = it->set_rationale;
			if (!merged)
				merged = xstrdup_or_null(cur->metadata);
		}
		u.value_json = r->value;
		u.rationale = empty_null(r->rationale);
		if (keyed_meta(merged, keyless(it) ? NULL : it->key, &keyed, err) < 0)
			goto out;
		u.metadata_json = keyed ? keyed : merged;
		u.updated_ms = now_ms();
		if (store_update_assessment(st, cur->id, &u, err) < 0)
			goto out;
		h->kind = LABEL_UPDATE;
		assessment_copy(&h->before, cur);
		assessment_copy(&h->after, cur);
		if (u.name) {
			free(h->after.name);
			h->after.name = xstrdup(u.name);
		}
		if (u.value_json) {
			free(h->after.value);
			h->after.value = xstrdup(u.value_json);
		}
		if (u.set_rationale) {
			free(h->after.rationale);
			h->after.rationale = xstrdup_or_null(u.rationale);
		}
		free(h->after.metadata);
		h->after.metadata = xstrdup_or_null(u.metadata_json);
		h->after.updated_ms = u.updated_ms;
		*wrote = true;
		break;
	case LABEL_OP_ROW_RECREATE:
	case LABEL_OP_LOG:
		if (it->op == LABEL_OP_ROW_RECREATE && cur)
			break;  /* there already */
		if (keyed_meta(r->metadata, keyless(it) ? NULL : it->key, &keyed, err) < 0)
			goto out;
		n.id = it->op == LABEL_OP_ROW_RECREATE ? r->id : NULL;
		n.trace_id = r->trace_id;
		n.name = r->name;
		n.type = r->type;
		n.value_json = r->value;
		n.error_json = r->error;
		n.source_type = r->source_type;
		n.source_id = r->source_id;
		n.run_id = r->run_id;
		n.span_id = r->span_id;
		n.rationale = r->rationale;
		n.metadata_json = keyed ? keyed : r->metadata;
		n.overrides = r->overrides;
		n.created_ms = r->created_ms;
		n.updated_ms = r->updated_ms;
		if (store_log_assessment(st, &n, id, err) < 0)
			goto out;
		h->kind = r->overrides && it->op == LABEL_OP_LOG ? LABEL_OVERRIDE : LABEL_CREATE;
		row_from_new(&h->after, &n, id);
		*wrote = true;
		break;
	default:
		err_set(err, ERR_RUNTIME, "unknown row operation");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		hist_free(h);
	assessment_list_free(&l);
	free(keyed);
	free(merged);
	return rc;
}

/* Performs one operation against the store as it is now (st and me: the
 * labeler's, or the worker's store).  On success *h is the history entry
 * (h->op set; kind meaningful only when *wrote).  An operation whose key
 * is already in the store succeeds without a write. */
static int exec_plain(struct store *st, const char *me, const struct op *it, bool strict,
		      struct hist *h, bool *wrote, struct err *err)
{
	struct assessment_list l = { 0 };
	const struct assessment *mine, *other;
	const char *span_id = span_norm(it->span_id);
	char *root = NULL, *merged = NULL, *keyed = NULL;
	int64_t now = now_ms();
	int rc = -1;

	memset(h, 0, sizeof *h);
	h->op = it->op;
	*wrote = false;
	if (is_row_op(it->op))
		return exec_row(st, it, h, wrote, err);
	if (store_load_assessments(st, it->trace_id, &l, err) < 0 ||
	    store_root_span(st, it->trace_id, &root, err) < 0)
		goto out;
	if (already_written(&l, it)) {
		rc = 0;
		goto out;
	}
	/* The root span is the trace: an answer there is the trace's. */
	span_id = question_target(span_id, root);
	label_find_answers(&l, root, span_id, it->name, it->expectation, me, &mine, &other, NULL);
	if (it->override_judge && !it->expectation)
		other = latest_judge(&l, root, span_id, it->name);
	/* MLflow overrides feedback only; an expectation has no rationale
	 * (update_assessment writes NULL). */
	if (it->expectation)
		other = NULL;

	switch (it->op) {
	case LABEL_OP_SET:
		if (mine) {
			struct assessment_update u = { 0 };

			u.value_json = it->value;
			u.set_rationale = it->rationale != NULL || it->expectation;
			u.rationale = it->expectation ? NULL : empty_null(it->rationale);
			u.updated_ms = now;
			if (it->metadata) {
				/* update_assessment merges: old keys, then new ones */
				merged = json_merge_objects(mine->metadata, it->metadata);
				if (!merged) {
					err_set(err, ERR_USAGE, "the metadata of %s is not a JSON object",
						mine->id);
					goto out;
				}
				u.metadata_json = merged;
			}
			if (it->key) {
				keyed = with_key(merged ? merged : mine->metadata, it->key);
				if (!keyed) {
					err_set(err, ERR_USAGE, "the metadata of %s is not a JSON object",
						mine->id);
					goto out;
				}
				u.metadata_json = keyed;
			}
			if (store_update_assessment(st, mine->id, &u, err) < 0)
				goto out;
			h->kind = LABEL_UPDATE;
			assessment_copy(&h->before, mine);
			assessment_copy(&h->after, mine);
			free(h->after.value);
			h->after.value = xstrdup(it->value);
			if (u.metadata_json) {
				free(h->after.metadata);
				h->after.metadata = xstrdup(u.metadata_json);
			}
			if (u.set_rationale) {
				free(h->after.rationale);
				h->after.rationale = xstrdup_or_null(u.rationale);
			}
			h->after.updated_ms = now;
		} else {
			struct assessment_new n = { 0 };
			char id[128];

			n.trace_id = it->trace_id;
			n.name = it->name;
			n.type = kind_type(it->expectation);
			n.value_json = it->value;
			n.source_type = "HUMAN";
			n.source_id = me;
			n.span_id = span_id;
			n.rationale = it->expectation ? NULL : empty_null(it->rationale);
			n.metadata_json = it->metadata;
			if (it->key) {
				keyed = with_key(it->metadata, it->key);
				if (!keyed) {
					err_set(err, ERR_USAGE, "label metadata is not a JSON object");
					goto out;
				}
				n.metadata_json = keyed;
			}
			n.created_ms = n.updated_ms = now;
			h->kind = LABEL_CREATE;
			if (other && it->allow_override) {
				/* override_feedback: the old row's name and span */
				n.name = other->name;
				n.span_id = other->span_id;
				n.overrides = other->id;
				h->kind = LABEL_OVERRIDE;
			}
			if (store_log_assessment(st, &n, id, err) < 0)
				goto out;
			row_from_new(&h->after, &n, id);
		}
		*wrote = true;
		break;
	case LABEL_OP_RATIONALE: {
		struct assessment_update u = { 0 };

		if (!mine) {
			no_mine(err, it->trace_id, span_id, it->name);
			goto out;
		}
		u.set_rationale = true;
		u.rationale = empty_null(it->rationale);
		u.updated_ms = now;
		if (it->key) {
			keyed = with_key(mine->metadata, it->key);
			if (!keyed) {
				err_set(err, ERR_USAGE, "the metadata of %s is not a JSON object",
					mine->id);
				goto out;
			}
			u.metadata_json = keyed;
		}
		if (store_update_assessment(st, mine->id, &u, err) < 0)
			goto out;
		h->kind = LABEL_RATIONALE;
		assessment_copy(&h->before, mine);
		assessment_copy(&h->after, mine);
		free(h->after.rationale);
		h->after.rationale = xstrdup_or_null(u.rationale);
		if (keyed) {
			free(h->after.metadata);
			h->after.metadata = xstrdup(keyed);
		}
		h->after.updated_ms = now;
		*wrote = true;
		break;
	}
	case LABEL_OP_DELETE:
		if (!mine) {
			if (strict) {
				no_mine(err, it->trace_id, span_id, it->name);
				goto out;
			}
			break;  /* already gone: nothing to do */
		}
		if (store_delete_assessment(st, mine->id, err) < 0)
			goto out;
		h->kind = LABEL_DELETE;
		assessment_copy(&h->before, mine);
		*wrote = true;
		break;
	default:
		break;  /* row operations: exec_row */
	}
	rc = 0;
out:
	if (rc < 0)
		hist_free(h);
	assessment_list_free(&l);
	free(root);
	free(merged);
	free(keyed);
	return rc;
}

/* The status change of an operation's queue item, inside its transaction:
 * complete / declined only from pending (the first reviewer to finish
 * clears the item), a reopen only of what I cleared.  An item no longer
 * in the queue is one that left pending. */
static int queue_write(struct store *st, const char *me, const struct op *it, struct hist *h,
		       struct err *err)
{
	bool reopen = strcmp(it->queue_status, "pending") == 0, changed = false;
	struct err e;

	err_clear(&e);
	/* the time of the answer it completes (one transaction, one time) */
	if (store_set_item_status(st, it->queue_id, it->trace_id, it->queue_status, me,
				  reopen ? QS_IF_BY : QS_IF_PENDING,
				  it->op == LABEL_OP_SET ? h->after.updated_ms : 0, &changed, &e) < 0) {
		if (e.code != ERR_NOTFOUND) {
			*err = e;
			return -1;
		}
		changed = false;
	}
	if (e.code == ERR_NOTFOUND)
		return 0;   /* not an item of the queue: nothing to say of it */
	free(h->queue_id);
	free(h->queue_status);
	h->queue_id = xstrdup(it->queue_id);
	h->queue_status = xstrdup(it->queue_status);
	h->queue_changed = changed;
	return 0;
}

/* After an answer: has the trace now my answer to every question of the
 * queue (its label schemas; a queue without any: one answer is enough)? */
static int queue_answered(struct store *st, const char *me, const struct op *it, bool *all,
			  struct err *err)
{
	struct review_queue q;
	struct assessment_list l = { 0 };
	char *root = NULL;
	size_t i;
	int rc = -1;

	*all = true;
	if (store_get_queue(st, it->queue_id, &q, err) < 0)
		return err->code == ERR_NOTFOUND ? (*all = false, 0) : -1;
	if (store_load_assessments(st, it->trace_id, &l, err) < 0 ||
	    store_root_span(st, it->trace_id, &root, err) < 0)
		goto out;
	for (i = 0; i < q.nschema_names && *all; i++)
		*all = label_answered(&l, root, me, q.schema_names[i], QT_TRACE);
	rc = 0;
out:
	assessment_list_free(&l);
	free(root);
	review_queue_free(&q);
	return rc;
}

/* Performs one operation against the store as it is now (st and me: the
 * labeler's, or the worker's store).  An operation with a queue item
 * writes its row and the item's status in one transaction; one already
 * in the store (its key found) is not written again, its status change
 * included. */
static int exec_on(struct store *st, const char *me, const struct op *it, bool strict,
		   struct hist *h, bool *wrote, struct err *err)
{
	int rc;

	if (!it->queue_id)
		return exec_plain(st, me, it, strict, h, wrote, err);
	if (store_begin(st, err) < 0)
		return -1;
	if (it->op == LABEL_OP_QUEUE) {
		memset(h, 0, sizeof *h);
		h->op = it->op;
		h->kind = LABEL_QUEUE;
		h->after.trace_id = xstrdup(it->trace_id);
		h->after.name = xstrdup(it->name);
		*wrote = true;
		rc = 0;
	} else {
		rc = exec_plain(st, me, it, strict, h, wrote, err);
	}
	if (rc == 0 && *wrote) {
		bool due = true;

		/* an answer completes the item once every question has mine */
		if (it->op == LABEL_OP_SET)
			rc = queue_answered(st, me, it, &due, err);
		if (rc == 0 && due)
			rc = queue_write(st, me, it, h, err);
	}
	if (rc == 0)
		rc = store_commit(st, err);
	if (rc < 0) {
		store_rollback(st);
		hist_free(h);
	}
	return rc;
}

/* The row a history entry is about (for results and key checks). */
static const struct assessment *hist_row(const struct hist *h)
{
	return h->kind == LABEL_DELETE ? &h->before : &h->after;
}

static void result_from_hist(struct label_result *res, const struct hist *h)
{
	const struct assessment *a = hist_row(h);

	result_fill(res, h->op, h->kind, false, a->id, a->trace_id, a->span_id, a->name,
		    h->kind == LABEL_DELETE ? NULL : a->value, NULL);
	if (res && h->queue_id) {
		res->queue = h->queue_changed ? QUEUE_MARK_MINE : QUEUE_MARK_TAKEN;
		snprintf(res->queue_status, sizeof res->queue_status, "%s", h->queue_status);
	}
}

/* ---- the journal ---------------------------------------------------- */

static enum journal_action action_of(struct labeler *lb, const struct op *it, size_t ahead)
{
	struct assessment_list l = { 0 };
	const struct assessment *mine = NULL, *other = NULL;
	char *root = NULL;
	struct err e;

	if (is_row_op(it->op))
		return it->why;
	if (it->op == LABEL_OP_QUEUE)
		return JA_QUEUE;
	if (it->op == LABEL_OP_DELETE)
		return JA_DELETE;
	if (it->op == LABEL_OP_RATIONALE)
		return JA_RATIONALE;
	if (ahead)
		return JA_UPDATE;
	if (lb->w)
		return JA_SET;  /* no read on the caller's thread: decided when written */
	err_clear(&e);
	if (load_rows(lb, it->trace_id, &l, &root, &e) == 0)
		label_find_answers(&l, root, question_target(span_norm(it->span_id), root), it->name,
				   it->expectation, lb->me, &mine, &other, NULL);
	assessment_list_free(&l);
	free(root);
	if (mine)
		return JA_UPDATE;
	return other && it->allow_override ? JA_OVERRIDE : JA_CREATE;
}

/* The row fields of a row operation's journal line (borrowed from it). */
static void journal_row(struct journal_entry *e, const struct op *it)
{
	const struct assessment *r = it->row;

#define BORROW(s) ((char *)(uintptr_t)(s))
	e->assessment_id = it->op == LABEL_OP_LOG ? NULL : BORROW(r->id);
	e->step = it->op == LABEL_OP_ROW_DELETE ? JS_DELETE :
		  it->op == LABEL_OP_ROW_RESTORE ? JS_RESTORE :
		  it->op == LABEL_OP_ROW_RECREATE ? JS_RECREATE : JS_NONE;
	if (it->why == JA_PATCH || it->why == JA_LOG || it->why == JA_REMOVE)
		e->step = JS_NONE;
	e->value = BORROW(r->value);
	e->rationale = BORROW(r->rationale);
	e->metadata = BORROW(r->metadata);
	e->set_rationale = it->set_rationale;
	if (it->op == LABEL_OP_ROW_RECREATE || it->op == LABEL_OP_LOG) {
		e->source_type = BORROW(r->source_type);
		if (r->source_id)
			e->source_id = BORROW(r->source_id);
		e->overrides = BORROW(r->overrides);
		e->run_id = BORROW(r->run_id);
		e->error = BORROW(r->error);
		e->type = BORROW(r->type);
		e->row_created_ms = r->created_ms;
		e->row_updated_ms = r->updated_ms;
	}
#undef BORROW
}

/* Appends the operation to the journal; key gets its idempotency key (""
 * without a journal).  false when the journal could not take it. */
static bool journal_put(struct labeler *lb, const struct op *it, size_t ahead,
			char key[JOURNAL_KEY_MAX])
{
	struct journal_entry e;
	struct err err;
	bool ok;

	key[0] = '\0';
	if (!lb->jr)
		return false;
	memset(&e, 0, sizeof e);
	err_clear(&err);
	e.action = action_of(lb, it, ahead);
	e.store = lb->store_id;
	e.experiment = lb->experiment;
	e.trace_id = (char *)(uintptr_t)it->trace_id;
	e.span_id = (char *)(uintptr_t)span_norm(it->span_id);
	e.name = (char *)(uintptr_t)it->name;
	e.value = (char *)(uintptr_t)it->value;
	e.rationale = (char *)(uintptr_t)it->rationale;
	e.metadata = (char *)(uintptr_t)it->metadata;
	e.source_id = lb->me;
	e.allow_override = it->allow_override;
	e.override_judge = it->override_judge;
	if (it->queue_id) {
		e.queue_id = (char *)(uintptr_t)it->queue_id;
		e.queue_status = (char *)(uintptr_t)it->queue_status;
	}
	if (is_row_op(it->op))
		journal_row(&e, it);
	ok = journal_append(lb->jr, &e, &err) == 0;
	if (ok) {
		snprintf(key, JOURNAL_KEY_MAX, "%s", e.key);
	} else {
		/* The key still travels with the row: a later replay of
		 * nothing is harmless, and the store write goes on. */
		snprintf(lb->jerr, sizeof lb->jerr, "%s", err.msg);
		journal_new_key(key, &err);
	}
	free(e.owner);
	return ok;
}

/* ---- an operation landed ---------------------------------------------- */

static void swap_id(char **field, const char *old, const char *new_id)
{
	if (*field && strcmp(*field, old) == 0) {
		free(*field);
		*field = xstrdup(new_id);
	}
}

/* A row recreated by a store that chooses ids (a tracking server) has a
 * new id: the history and the pending row operations follow it. */
static void relabel(struct labeler *lb, const char *old, const char *new_id)
{
	char *o = xstrdup(old);
	size_t i;

	for (i = 0; i < lb->nhist; i++) {
		swap_id(&lb->hist[i].before.id, o, new_id);
		swap_id(&lb->hist[i].after.id, o, new_id);
	}
	for (i = 0; i < lb->npend; i++)
		if (is_row_op(lb->pend[i].op))
			swap_id(&lb->pend[i].row.id, o, new_id);
	free(o);
}

/* The store committed an operation (or had it already): the journal says
 * so; a label enters the history (*h is taken); a row operation's
 * history entry was made when it was asked for. */
static void op_landed(struct labeler *lb, enum label_op op, enum journal_action why,
		      const char *row_id, const char *key, struct hist *h, bool wrote)
{
	journal_close_key(lb, key, true, wrote ? hist_row(h)->id : NULL);
	if (op == LABEL_OP_QUEUE && (why == JA_UNDO || why == JA_REDO)) {
		/* the undo or redo of a decline: its history entry is the original */
		hist_free(h);
		return;
	}
	if (!is_row_op(op)) {
		if (wrote)
			hist_push(lb, h);
		return;
	}
	if (wrote && op == LABEL_OP_ROW_RECREATE && row_id && h->after.id &&
	    strcmp(row_id, h->after.id) != 0)
		relabel(lb, row_id, h->after.id);
	hist_free(h);
}

/* ---- background writes ------------------------------------------------ */

/* What the worker writes: copies, so the pending list may change meanwhile. */
struct wjob {
	struct labeler *lb;
	struct label_pending p;    /* the operation (owned copies) */
	char **later;
	size_t nlater;
	char *me;
	struct hist h;
	bool wrote;
	bool gone;                 /* its trace or span is not in the store */
};

static int wjob_run(struct store *st, void *ctx, const struct worker_job *job, struct err *err)
{
	struct wjob *j = ctx;
	struct op o = op_of(&j->p);

	(void)job;
	o.later = (const char *const *)j->later;
	o.nlater = j->nlater;
	/* what a fresh label would have been refused for: no such target */
	if (!is_row_op(o.op) && store_check_target(st, o.trace_id, span_norm(o.span_id), err) < 0) {
		j->gone = item_error(err->code);
		return -1;
	}
	return exec_on(st, j->me, &o, false, &j->h, &j->wrote, err);
}

static size_t pending_find(const struct labeler *lb, const char *key)
{
	size_t i;

	for (i = 0; i < lb->npend; i++)
		if (lb->pend[i].key[0] && strcmp(lb->pend[i].key, key) == 0)
			return i;
	return (size_t)-1;
}

static void kick(struct labeler *lb);
static int hist_apply(struct labeler *lb, struct hist *h, bool redo, struct label_result *res,
		      struct err *err);

static void wjob_done(void *ctx, int rc, const struct err *err)
{
	struct wjob *j = ctx;
	struct labeler *lb = j->lb;
	size_t i = pending_find(lb, j->p.key), k;
	struct label_result res;

	memset(&res, 0, sizeof res);
	lb->running = false;
	if (rc == 0) {
		bool undo = i != (size_t)-1 && lb->pend[i].undo_wanted;

		if (i != (size_t)-1)
			pending_remove(lb, i);
		if (j->wrote)
			result_from_hist(&res, &j->h);
		else
			result_fill(&res, j->p.op, LABEL_UPDATE, false, NULL, j->p.trace_id,
				    j->p.span_id, j->p.name, j->p.value, NULL);
		res.op = j->p.op;
		op_landed(lb, j->p.op, j->p.why, j->p.row.id, j->p.key, &j->h, j->wrote);
		if (undo && j->wrote && lb->cur) {
			/* u came while it was being written: undo it now */
			struct err e;

			err_clear(&e);
			if (hist_apply(lb, &lb->hist[lb->cur - 1], false, NULL, &e) == 0) {
				lb->cur--;
				res.undone = true;
			}
		}
	} else if (i != (size_t)-1 && (j->gone || (is_row_op(j->p.op) && item_error(err->code)))) {
		/* it can never be written: dropped, and said so */
		pending_remove(lb, i);
		journal_close_key(lb, j->p.key, false, NULL);
		result_fill(&res, j->p.op, LABEL_CREATE, false, NULL, j->p.trace_id, j->p.span_id,
			    j->p.name, j->p.value, err->msg);
		res.failed = true;
	} else if (i != (size_t)-1) {
		struct label_pending *p = &lb->pend[i];
		unsigned step = p->attempts < 6 ? p->attempts : 6;
		int64_t wait = (int64_t)RETRY_FIRST_MS << step;

		p->running = false;
		p->attempts++;
		free(p->error);
		p->error = xstrdup(err->msg[0] ? err->msg : "not written");
		p->code = err->code;
		p->next_ms = mono_ms() + (wait < RETRY_MAX_MS ? wait : RETRY_MAX_MS);
		lb->gen++;
		result_fill(&res, p->op, LABEL_CREATE, true, NULL, p->trace_id, p->span_id, p->name,
			    p->value, p->error);
	}
	hist_free(&j->h);
	pending_free(&j->p);
	for (k = 0; k < j->nlater; k++)
		free(j->later[k]);
	free(j->later);
	free(j->me);
	free(j);
	if (lb->on_change && res.trace_id)
		lb->on_change(lb->change_ctx, &res);
	label_result_free(&res);
	kick(lb);
}

/* Hands the oldest due operation (the first of its question) to the
 * worker, unless one is being written. */
static void kick(struct labeler *lb)
{
	int64_t now = mono_ms();
	size_t i, k;

	if (!lb->w || lb->running)
		return;
	for (i = 0; i < lb->npend; i++) {
		struct label_pending *p = &lb->pend[i];
		struct wjob *j;
		const char **keys;

		if (pending_on(lb, i, p->trace_id, p->span_id, p->name, NULL))
			continue;  /* an earlier one on this question goes first */
		if (!lb->flushing && p->next_ms > now)
			continue;
		j = xcalloc(1, sizeof *j);
		j->lb = lb;
		j->p.op = p->op;
		j->p.trace_id = xstrdup(p->trace_id);
		j->p.span_id = xstrdup_or_null(p->span_id);
		j->p.name = xstrdup(p->name);
		j->p.value = xstrdup_or_null(p->value);
		j->p.rationale = xstrdup_or_null(p->rationale);
		j->p.metadata = xstrdup_or_null(p->metadata);
		j->p.allow_override = p->allow_override;
		j->p.override_judge = p->override_judge;
		j->p.expectation = p->expectation;
		j->p.why = p->why;
		if (is_row_op(p->op))
			assessment_copy(&j->p.row, &p->row);
		j->p.set_rationale = p->set_rationale;
		j->p.queue_id = xstrdup_or_null(p->queue_id);
		j->p.queue_status = xstrdup_or_null(p->queue_status);
		memcpy(j->p.key, p->key, sizeof j->p.key);
		keys = later_keys(lb, i, &j->nlater);
		j->later = xcalloc(j->nlater + 1, sizeof *j->later);
		for (k = 0; k < j->nlater; k++)
			j->later[k] = xstrdup(keys[k]);
		free(keys);
		j->me = xstrdup(lb->me);
		p->running = true;
		lb->running = true;
		lb->gen++;
		lb->job = worker_submit(lb->w, wjob_run, wjob_done, j);
		return;
	}
}

int labeler_pump(struct labeler *lb)
{
	int64_t now, next = -1;
	size_t i;

	if (!lb->w || !lb->npend)
		return -1;
	kick(lb);
	if (lb->running)
		return -1;  /* its completion wakes the caller */
	now = mono_ms();
	for (i = 0; i < lb->npend; i++) {
		const struct label_pending *p = &lb->pend[i];

		if (!pending_on(lb, i, p->trace_id, p->span_id, p->name, NULL) &&
		    (next < 0 || p->next_ms < next))
			next = p->next_ms;
	}
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

size_t labeler_flush(struct labeler *lb, int timeout_ms)
{
	int64_t end = mono_ms() + timeout_ms;

	if (!lb->w)
		return lb->npend;
	lb->flushing = true;
	kick(lb);
	while (lb->npend && lb->running) {
		int64_t left = end - mono_ms();

		if (left <= 0)
			break;
		if (worker_wait(lb->w, (int)left))
			worker_collect(lb->w);
	}
	lb->flushing = false;
	return lb->npend;
}

void labeler_use_journal(struct labeler *lb, struct journal *j, const char *store,
			 const char *experiment)
{
	lb->jr = j;
	free(lb->store_id);
	free(lb->experiment);
	lb->store_id = xstrdup_or_null(store);
	lb->experiment = xstrdup_or_null(experiment);
}

void labeler_use_worker(struct labeler *lb, struct worker *w)
{
	lb->w = w;
}

void labeler_on_change(struct labeler *lb,
		       void (*fn)(void *ctx, const struct label_result *r), void *ctx)
{
	lb->on_change = fn;
	lb->change_ctx = ctx;
}

bool labeler_journal_error(struct labeler *lb, struct err *err)
{
	if (!lb->jerr[0])
		return false;
	err_set(err, ERR_RUNTIME, "%s", lb->jerr);
	lb->jerr[0] = '\0';
	return true;
}

void labeler_restore(struct labeler *lb, const struct journal_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct label_pending *p;
		struct op o;

		struct assessment row;

		memset(&o, 0, sizeof o);
		memset(&row, 0, sizeof row);
		switch (v[i].action) {
		case JA_DELETE: o.op = LABEL_OP_DELETE; break;
		case JA_RATIONALE: o.op = LABEL_OP_RATIONALE; break;
		case JA_UNDO:
		case JA_REDO:
		case JA_DEDUPE:
			o.op = v[i].step == JS_DELETE ? LABEL_OP_ROW_DELETE :
			       v[i].step == JS_RESTORE ? LABEL_OP_ROW_RESTORE : LABEL_OP_ROW_RECREATE;
			break;
		case JA_LOG: o.op = LABEL_OP_LOG; break;
		case JA_PATCH: o.op = LABEL_OP_PATCH; break;
		case JA_REMOVE: o.op = LABEL_OP_ROW_DELETE; break;
		case JA_QUEUE: o.op = LABEL_OP_QUEUE; break;
		default: o.op = LABEL_OP_SET; break;
		}
		if ((o.op == LABEL_OP_SET || o.op == LABEL_OP_LOG) && !v[i].value)
			continue;
		if (is_row_op(o.op)) {
			/* the row, borrowed from the entry (pending_add copies it) */
			row.id = v[i].assessment_id;
			row.trace_id = v[i].trace_id;
			row.name = v[i].name;
			row.type = v[i].type ? v[i].type : (char *)(uintptr_t)"feedback";
			row.value = v[i].value;
			row.error = v[i].error;
			row.created_ms = v[i].row_created_ms;
			row.updated_ms = v[i].row_updated_ms;
			row.source_type = v[i].source_type;
			row.source_id = v[i].source_id;
			row.run_id = v[i].run_id;
			row.span_id = v[i].span_id;
			row.rationale = v[i].rationale;
			row.overrides = v[i].overrides;
			row.valid = true;
			row.metadata = v[i].metadata;
			o.row = &row;
			o.why = v[i].action;
			o.set_rationale = v[i].set_rationale;
		}
		o.trace_id = v[i].trace_id;
		o.span_id = v[i].span_id;
		o.name = v[i].name;
		o.expectation = is_expectation(lb, o.name);
		o.value = v[i].value;
		o.rationale = v[i].rationale;
		o.metadata = v[i].metadata;
		o.allow_override = v[i].allow_override;
		o.override_judge = v[i].override_judge;
		o.queue_id = v[i].queue_id;
		o.queue_status = v[i].queue_status;
		o.key = v[i].key;
		p = pending_add(lb, &o, 0, ERR_BUSY, "from the journal of an earlier run");
		p->journalled = true;
		p->restored = true;
		p->queued_ms = v[i].created_ms;
	}
	kick(lb);
}

/* Runs a fresh operation: journalled first; then queued behind pending
 * ones on its target, or handed to the worker, or written now, else
 * queued with the error.  -1 only for item errors. */
static int run_op(struct labeler *lb, struct op *it, struct label_result *res,
		  struct err *err)
{
	const struct label_pending *first;
	struct label_pending *p;
	struct hist h;
	struct err e = { 0 };
	char key[JOURNAL_KEY_MAX];
	bool wrote, journalled;
	size_t ahead;

	ahead = pending_on(lb, lb->npend, it->trace_id, it->span_id, it->name, &first);
	if (ahead) {
		if (it->op == LABEL_OP_SET) {
			size_t i;

			for (i = 0; i < lb->npend; i++)
				if (same_key(lb->pend[i].trace_id, lb->pend[i].span_id,
					     lb->pend[i].name, it->trace_id, it->span_id, it->name))
					it->allow_override |= lb->pend[i].allow_override;
		}
		journalled = journal_put(lb, it, ahead, key);
		it->key = key[0] ? key : NULL;
		err_set(&e, first->code, "waiting behind %zu pending operation%s on this item",
			ahead, ahead == 1 ? "" : "s");
		p = pending_add(lb, it, 0, e.code, e.msg);
		p->journalled = journalled;
		result_fill(res, it->op, LABEL_CREATE, true, NULL, it->trace_id, it->span_id,
			    it->name, it->value, e.msg);
		if (res)
			res->saving = lb->w != NULL;
		kick(lb);
		return 0;
	}
	/* With a worker nothing is read here: the worker checks the target. */
	if (!lb->w && !is_row_op(it->op) &&
	    store_check_target(lb->st, it->trace_id, span_norm(it->span_id), &e) < 0 &&
	    item_error(e.code)) {
		*err = e;
		return -1;
	}
	err_clear(&e);
	journalled = journal_put(lb, it, 0, key);
	it->key = key[0] ? key : NULL;
	if (lb->w) {
		p = pending_add(lb, it, 0, ERR_NONE, "saving");
		p->journalled = journalled;
		result_fill(res, it->op, LABEL_CREATE, true, NULL, it->trace_id, it->span_id,
			    it->name, it->value, "saving");
		if (res)
			res->saving = true;
		kick(lb);
		return 0;
	}
	if (exec_on(lb->st, lb->me, it, true, &h, &wrote, &e) == 0) {
		if (wrote || (it->op == LABEL_OP_LOG && h.after.id))
			result_from_hist(res, &h);
		op_landed(lb, it->op, it->why, it->row ? it->row->id : NULL, key, &h, wrote);
		return 0;
	}
	if (item_error(e.code)) {
		journal_close_key(lb, key, false, NULL);
		*err = e;
		return -1;
	}
	p = pending_add(lb, it, 1, e.code, e.msg);
	p->journalled = journalled;
	result_fill(res, it->op, LABEL_CREATE, true, NULL, it->trace_id, it->span_id, it->name,
		    it->value, e.msg);
	return 0;
}

/* ---- labelling -------------------------------------------------------- */

static int check_key(const char *trace_id, const char *name, struct err *err)
{
	if (!trace_id || !*trace_id)
		return err_set(err, ERR_USAGE, "no trace selected");
	if (!name || !*name)
		return err_set(err, ERR_USAGE, "a feedback name is required");
	return 0;
}

static void plan_from(const struct labeler *lb, const struct assessment_list *l,
		      const char *root, const char *span_id, const char *name,
		      struct label_plan *out)
{
	const struct assessment *mine, *other;

	label_find_answers(l, root, span_id, name, is_expectation(lb, name), lb->me, &mine,
			   &other, &out->others);
	out->duplicates = count_mine_t(l, root, span_id, name,
				       kind_type(is_expectation(lb, name)), lb->me);
	if (mine) {
		out->kind = LABEL_UPDATE;
		out->owner = OWNER_ME;
		assessment_copy(&out->existing, mine);
	} else if (other && !is_expectation(lb, name)) {
		/* (MLflow overrides feedback only) */
		out->kind = LABEL_OVERRIDE;
		out->owner = label_owner_of(other, lb->me);
		assessment_copy(&out->existing, other);
	} else {
		out->kind = LABEL_CREATE;
		out->owner = OWNER_NONE;
	}
}

void labeler_plan_rows(const struct labeler *lb, const struct assessment_list *l,
		       const char *root, const char *trace_id, const char *span_id,
		       const char *name, struct label_plan *out)
{
	memset(out, 0, sizeof *out);
	span_id = span_norm(span_id);
	out->pending_ahead = pending_on(lb, lb->npend, trace_id, span_id, name, NULL);
	if (out->pending_ahead) {
		out->kind = LABEL_UPDATE;
		out->owner = OWNER_ME;
		return;
	}
	plan_from(lb, l, root, span_id, name, out);
}

int labeler_plan(struct labeler *lb, const char *trace_id, const char *span_id,
		 const char *name, struct label_plan *out, struct err *err)
{
	struct assessment_list l = { 0 };
	char *root = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	span_id = span_norm(span_id);
	if (check_key(trace_id, name, err) < 0)
		return -1;
	out->pending_ahead = pending_on(lb, lb->npend, trace_id, span_id, name, NULL);
	if (out->pending_ahead) {
		/* after the pending ones, this is mine: no need to read */
		out->kind = LABEL_UPDATE;
		out->owner = OWNER_ME;
		return 0;
	}
	if (store_check_target(lb->st, trace_id, span_id, err) < 0)
		goto out;
	if (load_rows(lb, trace_id, &l, &root, err) < 0)
		goto out;
	plan_from(lb, &l, root, span_id, name, out);
	rc = 0;
out:
	assessment_list_free(&l);
	free(root);
	return rc;
}

static void set_last(struct labeler *lb, const char *name, const char *value_text,
		     enum value_type type)
{
	char *n = xstrdup(name), *v = xstrdup(value_text);

	free(lb->last.name);
	free(lb->last.value_text);
	lb->last.name = n;
	lb->last.value_text = v;
	lb->last.type = type;
	lb->has_last = true;
}

int labeler_set(struct labeler *lb, const struct label_req *req, struct label_result *res,
		struct err *err)
{
	struct op it = { 0 };
	struct strbuf val = STRBUF_INIT;
	int rc = -1;

	if (res)
		memset(res, 0, sizeof *res);
	if (check_key(req->trace_id, req->name, err) < 0)
		goto out;
	if (!req->value_text) {
		err_set(err, ERR_USAGE, "%s: a value is required", req->name);
		goto out;
	}
	if (pyjson_encode_value(req->value_text, req->type, &val, err) < 0) {
		err_prefix(err, "%s", req->name);
		goto out;
	}
	it.op = LABEL_OP_SET;
	it.trace_id = req->trace_id;
	it.span_id = span_norm(req->span_id);
	it.name = req->name;
	it.expectation = is_expectation(lb, req->name);
	it.value = val.buf;
	it.rationale = req->rationale;
	it.metadata = req->metadata;
	it.allow_override = req->allow_override;
	it.override_judge = req->override_judge;
	if (req->queue_id) {
		it.queue_id = req->queue_id;
		it.queue_status = "complete";
	}
	if (run_op(lb, &it, res, err) < 0)
		goto out;
	set_last(lb, req->name, req->value_text, req->type);
	rc = 0;
out:
	sb_free(&val);
	return rc;
}

int labeler_set_rationale(struct labeler *lb, const char *trace_id, const char *span_id,
			  const char *name, const char *rationale, struct label_result *res,
			  struct err *err)
{
	struct op it = { 0 };

	if (res)
		memset(res, 0, sizeof *res);
	if (check_key(trace_id, name, err) < 0)
		return -1;
	it.op = LABEL_OP_RATIONALE;
	it.trace_id = trace_id;
	it.span_id = span_norm(span_id);
	it.name = name;
	it.expectation = is_expectation(lb, name);
	if (it.expectation && rationale && *rationale)
		return err_set(err, ERR_USAGE, "%s: an expectation has no rationale in MLflow",
			       name);
	it.rationale = (rationale ? rationale : "");
	return run_op(lb, &it, res, err);
}

int labeler_delete(struct labeler *lb, const char *trace_id, const char *span_id,
		   const char *name, struct label_result *res, struct err *err)
{
	struct op it = { 0 };

	if (res)
		memset(res, 0, sizeof *res);
	if (check_key(trace_id, name, err) < 0)
		return -1;
	it.op = LABEL_OP_DELETE;
	it.trace_id = trace_id;
	it.span_id = span_norm(span_id);
	it.name = name;
	it.expectation = is_expectation(lb, name);
	return run_op(lb, &it, res, err);
}

int labeler_mine(struct labeler *lb, const char *trace_id, const char *span_id,
		 const char *name, struct assessment *out, struct err *err)
{
	struct assessment_list l = { 0 };
	const struct assessment *mine, *other;
	char *root = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (check_key(trace_id, name, err) < 0)
		return -1;
	if (load_rows(lb, trace_id, &l, &root, err) < 0)
		goto out;
	label_find_answers(&l, root, span_id, name, is_expectation(lb, name), lb->me, &mine,
			   &other, NULL);
	if (!mine) {
		no_mine(err, trace_id, span_id, name);
		goto out;
	}
	assessment_copy(out, mine);
	rc = 0;
out:
	assessment_list_free(&l);
	free(root);
	return rc;
}

/* A row operation: journalled, then written like a label (in the
 * background with a worker).  res (may be NULL) says whether it is
 * queued. */
static int run_row(struct labeler *lb, struct op *it, struct label_result *res,
		   struct err *err)
{
	struct label_result r;
	int rc;

	memset(&r, 0, sizeof r);
	it->trace_id = it->row->trace_id;
	it->span_id = span_norm(it->row->span_id);
	it->name = it->row->name;
	it->value = it->row->value;
	rc = run_op(lb, it, &r, err);
	if (res)
		*res = r;
	else
		label_result_free(&r);
	return rc;
}

int labeler_dedupe_rows(struct labeler *lb, const struct assessment_list *l, const char *root,
			const char *trace_id, const char *span_id, const char *name,
			size_t *deleted, struct err *err)
{
	const struct assessment **v = NULL;
	size_t i, n;
	int rc = 0;

	*deleted = 0;
	if (check_key(trace_id, name, err) < 0)
		return -1;
	if (pending_on(lb, lb->npend, trace_id, span_norm(span_id), name, NULL))
		return err_set(err, ERR_USAGE, "labels of %s are pending here: retry or discard "
			       "them first", name);
	n = mine_rows_t(l, root, span_id, name, kind_type(is_expectation(lb, name)), lb->me, &v);
	/* v[0] is the newest: it stays */
	for (i = 1; i < n && rc == 0; i++) {
		struct op it = { 0 };
		struct hist h;

		it.op = LABEL_OP_ROW_DELETE;
		it.why = JA_DEDUPE;
		it.row = v[i];
		rc = run_row(lb, &it, NULL, err);
		if (rc < 0)
			break;
		memset(&h, 0, sizeof h);
		h.op = LABEL_OP_DELETE;
		h.kind = LABEL_DELETE;
		assessment_copy(&h.before, v[i]);
		hist_push(lb, &h);
		(*deleted)++;
	}
	free(v);
	return rc;
}

int labeler_dedupe(struct labeler *lb, const char *trace_id, const char *span_id,
		   const char *name, size_t *deleted, struct err *err)
{
	struct assessment_list l = { 0 };
	char *root = NULL;
	int rc = -1;

	*deleted = 0;
	if (check_key(trace_id, name, err) < 0)
		return -1;
	if (load_rows(lb, trace_id, &l, &root, err) == 0)
		rc = labeler_dedupe_rows(lb, &l, root, trace_id, span_id, name, deleted, err);
	assessment_list_free(&l);
	free(root);
	return rc;
}

/* ---- the feedback commands ------------------------------------------------ */

int labeler_log(struct labeler *lb, const struct assessment_new *a, struct label_result *res,
		struct err *err)
{
	struct assessment row = { 0 };
	struct op it = { 0 };
	int rc;

	if (res)
		memset(res, 0, sizeof *res);
	row.trace_id = (char *)(uintptr_t)a->trace_id;
	row.name = (char *)(uintptr_t)a->name;
	row.type = (char *)(uintptr_t)(a->type ? a->type : "feedback");
	row.value = (char *)(uintptr_t)a->value_json;
	row.error = (char *)(uintptr_t)a->error_json;
	row.source_type = (char *)(uintptr_t)(a->source_type ? a->source_type : "HUMAN");
	row.source_id = (char *)(uintptr_t)a->source_id;
	row.run_id = (char *)(uintptr_t)a->run_id;
	row.span_id = (char *)(uintptr_t)a->span_id;
	row.rationale = (char *)(uintptr_t)a->rationale;
	row.metadata = (char *)(uintptr_t)a->metadata_json;
	row.overrides = (char *)(uintptr_t)a->overrides;
	/* the time travels with the journal: a replay writes the same one */
	row.created_ms = a->created_ms ? a->created_ms : now_ms();
	row.updated_ms = a->updated_ms ? a->updated_ms : row.created_ms;
	row.valid = true;
	it.op = LABEL_OP_LOG;
	it.why = JA_LOG;
	it.row = &row;
	rc = run_row(lb, &it, res, err);
	if (res && rc == 0)
		res->op = LABEL_OP_LOG;
	return rc;
}

int labeler_patch(struct labeler *lb, const struct assessment *cur, const char *value_json,
		  bool set_rationale, const char *rationale, const char *metadata,
		  struct label_result *res, struct err *err)
{
	struct assessment row = { 0 };
	struct op it = { 0 };

	if (res)
		memset(res, 0, sizeof *res);
	row.id = cur->id;
	row.trace_id = cur->trace_id;
	row.span_id = cur->span_id;
	row.name = cur->name;
	row.value = (char *)(uintptr_t)value_json;
	row.rationale = set_rationale ? (char *)(uintptr_t)rationale : NULL;
	row.metadata = (char *)(uintptr_t)metadata;
	it.op = LABEL_OP_PATCH;
	it.why = JA_PATCH;
	it.row = &row;
	it.set_rationale = set_rationale;
	return run_row(lb, &it, res, err);
}

int labeler_remove(struct labeler *lb, const struct assessment *cur, struct label_result *res,
		   struct err *err)
{
	struct op it = { 0 };

	if (res)
		memset(res, 0, sizeof *res);
	it.op = LABEL_OP_ROW_DELETE;
	it.why = JA_REMOVE;
	it.row = cur;
	return run_row(lb, &it, res, err);
}

/* ---- repeat ----------------------------------------------------------- */

const struct label_last *labeler_last(const struct labeler *lb)
{
	return lb->has_last ? &lb->last : NULL;
}

int labeler_repeat_plan(struct labeler *lb, const char *trace_id, const char *span_id,
			struct label_plan *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	if (!lb->has_last)
		return err_set(err, ERR_USAGE, "nothing to repeat yet: no label was set");
	return labeler_plan(lb, trace_id, span_id, lb->last.name, out, err);
}

int labeler_repeat(struct labeler *lb, const char *trace_id, const char *span_id,
		   bool allow_override, struct label_result *res, struct err *err)
{
	struct label_req req = { 0 };
	char *name, *value;
	int rc;

	if (res)
		memset(res, 0, sizeof *res);
	if (!lb->has_last)
		return err_set(err, ERR_USAGE, "nothing to repeat yet: no label was set");
	/* labeler_set replaces lb->last: keep our own copies meanwhile */
	name = xstrdup(lb->last.name);
	value = xstrdup(lb->last.value_text);
	req.trace_id = trace_id;
	req.span_id = span_id;
	req.name = name;
	req.value_text = value;
	req.type = lb->last.type;
	req.allow_override = allow_override;
	rc = labeler_set(lb, &req, res, err);
	free(name);
	free(value);
	return rc;
}

/* ---- undo / redo ------------------------------------------------------ */

bool labeler_can_undo(const struct labeler *lb)
{
	return lb->cur > 0;
}

bool labeler_can_redo(const struct labeler *lb)
{
	return lb->cur < lb->nhist;
}

/* Labels (not row operations) pending on the question of a history
 * entry: it cannot be undone or redone before they are written. */
static int hist_check_pending(const struct labeler *lb, const struct hist *h, struct err *err)
{
	const struct assessment *a = hist_row(h);
	size_t i, n = 0;

	for (i = 0; i < lb->npend; i++)
		n += !is_row_op(lb->pend[i].op) &&
		     same_key(lb->pend[i].trace_id, lb->pend[i].span_id, lb->pend[i].name,
			      a->trace_id, a->span_id, a->name);
	if (n)
		return err_set(err, ERR_USAGE,
			       "%zu operation%s on %s of %s %s pending: retry or discard first",
			       n, n == 1 ? "" : "s", a->name, a->trace_id, n == 1 ? "is" : "are");
	return 0;
}

/* Undoes (redo false) or redoes a history entry as a row operation. */
static int hist_apply(struct labeler *lb, struct hist *h, bool redo, struct label_result *res,
		      struct err *err)
{
	struct label_result r;
	struct op it = { 0 };

	memset(&r, 0, sizeof r);
	it.why = redo ? JA_REDO : JA_UNDO;
	if (h->queue_id && (h->queue_changed || h->kind == LABEL_QUEUE)) {
		/* undo reopens the item, redo clears it again */
		it.queue_id = h->queue_id;
		it.queue_status = redo ? h->queue_status : "pending";
	}
	if (h->kind == LABEL_QUEUE) {
		if (!h->queue_changed)
			return err_set(err, ERR_USAGE, "%s: the item was not %s by me: nothing to %s",
				       h->after.trace_id, h->queue_status, redo ? "redo" : "undo");
		it.op = LABEL_OP_QUEUE;
		it.trace_id = h->after.trace_id;
		it.name = h->after.name;
		if (run_op(lb, &it, &r, err) < 0)
			return err_prefix(err, redo ? "redo" : "undo");
		goto done;
	}
	switch (h->kind) {
	case LABEL_CREATE:
	case LABEL_OVERRIDE:
		it.op = redo ? LABEL_OP_ROW_RECREATE : LABEL_OP_ROW_DELETE;
		it.row = &h->after;
		break;
	case LABEL_UPDATE:
	case LABEL_RATIONALE:
		it.op = LABEL_OP_ROW_RESTORE;
		it.row = redo ? &h->after : &h->before;
		break;
	case LABEL_DELETE:
		it.op = redo ? LABEL_OP_ROW_DELETE : LABEL_OP_ROW_RECREATE;
		it.row = &h->before;
		break;
	default:
		return err_set(err, ERR_RUNTIME, "unknown history entry");
	}
	if (run_row(lb, &it, &r, err) < 0)
		return err_prefix(err, redo ? "redo" : "undo");
done:
	/* a recreated row may have a new id now: h follows it */
	result_from_hist(res, h);
	if (res) {
		res->queued = r.queued;
		res->saving = r.saving;
		free(res->error);
		res->error = r.error;
		r.error = NULL;
	}
	label_result_free(&r);
	lb->gen++;
	return 0;
}

int labeler_undo(struct labeler *lb, struct label_result *res, struct err *err)
{
	struct hist *h;

	if (res)
		memset(res, 0, sizeof *res);
	if (lb->npend) {
		/* the newest action may be a label still on its way */
		struct label_pending *p = &lb->pend[lb->npend - 1];

		if (!is_row_op(p->op) && !p->restored && !p->undo_wanted &&
		    (!lb->cur || p->queued_ms >= lb->hist[lb->cur - 1].ms)) {
			result_fill(res, p->op, LABEL_CREATE, false, NULL, p->trace_id, p->span_id,
				    p->name, p->value, NULL);
			if (p->running) {
				p->undo_wanted = true;
				if (res)
					res->saving = true;
				lb->gen++;
			} else {
				labeler_discard(lb, lb->npend - 1);
			}
			return 0;
		}
	}
	if (!lb->cur)
		return err_set(err, ERR_USAGE, "nothing to undo");
	h = &lb->hist[lb->cur - 1];
	if (hist_check_pending(lb, h, err) < 0 || hist_apply(lb, h, false, res, err) < 0)
		return -1;
	lb->cur--;
	return 0;
}

int labeler_redo(struct labeler *lb, struct label_result *res, struct err *err)
{
	struct hist *h;

	if (res)
		memset(res, 0, sizeof *res);
	if (lb->cur >= lb->nhist)
		return err_set(err, ERR_USAGE, "nothing to redo");
	h = &lb->hist[lb->cur];
	if (hist_check_pending(lb, h, err) < 0 || hist_apply(lb, h, true, res, err) < 0)
		return -1;
	lb->cur++;
	return 0;
}

/* ---- review queues ---------------------------------------------------- */

int labeler_queue_status(struct labeler *lb, const char *queue_id, const char *trace_id,
			 const char *status, struct label_result *res, struct err *err)
{
	struct op it = { 0 };

	if (res)
		memset(res, 0, sizeof *res);
	if (!queue_id || !*queue_id || check_key(trace_id, queue_id, err) < 0)
		return err_set(err, ERR_USAGE, "a review queue and a trace are needed");
	if (strcmp(status, "declined") != 0 && strcmp(status, "complete") != 0 &&
	    strcmp(status, "pending") != 0)
		return err_set(err, ERR_USAGE, "status must be pending, complete or declined");
	it.op = LABEL_OP_QUEUE;
	it.trace_id = trace_id;
	it.name = queue_id;     /* one question per queue item */
	it.queue_id = queue_id;
	it.queue_status = status;
	return run_op(lb, &it, res, err);
}

/* ---- pending ---------------------------------------------------------- */

int labeler_retry(struct labeler *lb, size_t *written, struct err *err)
{
	struct err first = { 0 };
	size_t i = 0, n = 0;

	if (lb->w) {
		/* every one is due now; the worker writes them */
		for (i = 0; i < lb->npend; i++)
			lb->pend[i].next_ms = 0;
		kick(lb);
		if (written)
			*written = 0;
		return 0;
	}
	while (i < lb->npend) {
		struct label_pending *p = &lb->pend[i];
		struct err e = { 0 };
		struct hist h;
		struct op o = op_of(p);
		const char **later;
		bool wrote;
		int rc;

		/* an earlier one on this target still waits: keep the order */
		if (pending_on(lb, i, p->trace_id, p->span_id, p->name, NULL)) {
			i++;
			continue;
		}
		p->attempts++;
		later = later_keys(lb, i, &o.nlater);
		o.later = later;
		rc = exec_on(lb->st, lb->me, &o, false, &h, &wrote, &e);
		free(later);
		if (rc == 0) {
			char *row_id = xstrdup_or_null(is_row_op(p->op) ? p->row.id : NULL);
			char key[JOURNAL_KEY_MAX];
			enum label_op op = p->op;
			enum journal_action why = p->why;

			memcpy(key, p->key, sizeof key);
			pending_remove(lb, i);
			op_landed(lb, op, why, row_id, key, &h, wrote);
			free(row_id);
			n++;
			continue;
		}
		free(p->error);
		p->error = xstrdup(e.msg);
		p->code = e.code;
		lb->gen++;
		if (!first.code)
			first = e;
		if (!item_error(e.code))
			break;  /* the store itself fails: the rest would too */
		i++;
	}
	if (written)
		*written = n;
	if (!lb->npend)
		return 0;
	if (!first.code)
		return err_set(err, ERR_BUSY, "%zu operation%s still pending", lb->npend,
			       lb->npend == 1 ? "" : "s");
	*err = first;
	return err_prefix(err, "%zu operation%s still pending", lb->npend,
			  lb->npend == 1 ? "" : "s");
}

/* ---- reading feedback ------------------------------------------------- */

bool label_answered(const struct assessment_list *l, const char *root_span_id, const char *me,
		    const char *name, enum question_target t)
{
	return label_answered_kind(l, root_span_id, me, name, t, false);
}

bool label_answered_kind(const struct assessment_list *l, const char *root_span_id,
			 const char *me, const char *name, enum question_target t,
			 bool expectation)
{
	const char *type = kind_type(expectation);
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct assessment *a = &l->v[i];

		if (a->valid && str_eq(a->type, type) && is_mine(a, me) &&
		    str_eq(a->name, name) &&
		    question_target_allows(t, question_target(a->span_id, root_span_id)))
			return true;
	}
	return false;
}

enum label_owner label_owner_of(const struct assessment *a, const char *me)
{
	if (!a || !a->source_type)
		return OWNER_OTHER;
	if (!strcmp(a->source_type, "HUMAN"))
		return str_eq(a->source_id, me) ? OWNER_ME : OWNER_HUMAN;
	if (!strcmp(a->source_type, "LLM_JUDGE") || !strcmp(a->source_type, "AI_JUDGE"))
		return OWNER_JUDGE;
	if (!strcmp(a->source_type, "CODE"))
		return OWNER_CODE;
	return OWNER_OTHER;
}

const char *label_owner_text(enum label_owner o)
{
	switch (o) {
	case OWNER_NONE: return "nobody's";
	case OWNER_ME: return "yours";
	case OWNER_JUDGE: return "the judge's";
	case OWNER_CODE: return "code's";
	case OWNER_HUMAN: return "another human's";
	case OWNER_OTHER: break;
	}
	return "another source's";
}

bool label_values_agree(const char *a_json, const char *b_json)
{
	return question_values_agree(a_json, b_json);
}

static bool has_value(const struct assessment *a)
{
	return question_has_value(a->value);
}

/* An answer the disagreement test looks at: valid feedback with a value. */
static bool compared(const struct assessment *a)
{
	return a->valid && str_eq(a->type, "feedback") && has_value(a);
}

/* Pairs of rows compared for one list, at most (a trace with thousands of
 * rows of one name stops there). */
#define DISAGREE_PAIRS_MAX 100000

size_t label_disagree_marks(const struct assessment_list *l, const char *root_span_id,
			    const char *me, const char *name, bool *marks)
{
	size_t i, j, pairs = 0, found = 0;

	if (marks)
		memset(marks, 0, l->n * sizeof *marks);
	for (i = 0; i < l->n && pairs < DISAGREE_PAIRS_MAX; i++) {
		const struct assessment *m = &l->v[i];

		if (!compared(m) || !is_mine(m, me) || (name && !str_eq(m->name, name)))
			continue;
		for (j = 0; j < l->n && pairs < DISAGREE_PAIRS_MAX; j++, pairs++) {
			const struct assessment *o = &l->v[j];

			if (!compared(o) || !str_eq(o->source_type, "LLM_JUDGE") ||
			    !question_same(m->name, m->span_id, o->name, o->span_id, root_span_id) ||
			    !question_values_differ(m->value, o->value))
				continue;
			found++;
			if (!marks)
				return found;
			marks[i] = marks[j] = true;
		}
	}
	return found;
}

bool label_disagrees(const struct assessment_list *l, const char *root_span_id, const char *me,
		     const char *name)
{
	return label_disagree_marks(l, root_span_id, me, name, NULL) > 0;
}
