#ifndef TB_SVC_AGREE_H
#define TB_SVC_AGREE_H
/*
 * Agreement over a store: which answers count, and the figures of
 * core/agree.h for each feedback name.  The caller pages through the traces
 * in scope and hands each page's ids to agree_scan_load, which reads their
 * feedback row by row; nothing kept grows with the number of traces or
 * with the rows of one trace.
 *
 * What counts, for each feedback name:
 *   - an item is one question: the name on a trace, or on one span of it;
 *     a row on the trace's root span answers the trace's question, as a
 *     row without a span does (core/question.h);
 *   - a source is a source_type + source_id; HUMAN sources are the humans,
 *     every other source (LLM_JUDGE, CODE, ...) is compared with them as a
 *     judge;
 *   - only valid rows of type feedback with a value count (an overridden
 *     row is not an answer, an error-only row neither); when a source gave
 *     several valid answers to one item the latest counts
 *     (last_updated_timestamp, then assessment id);
 *   - two answers are the same class when they say the same: true, "yes"
 *     and "true" are one answer (false, "no", "false" another); 4, 4.0 and
 *     "4" are one; other strings are trimmed and compared without ASCII
 *     case (as question_values_agree in core/question.h does); a
 *     string with escapes, a list or an object is compared as stored;
 *   - a name is left out, and the report says why, when its answers are
 *     text (configured as text, or strings longer than AGREE_TEXT_MAX bytes
 *     or spanning lines) or take more than AGREE_CLASSES_MAX distinct
 *     values;
 *   - the metric: the configured label's `scale`, else nominal for
 *     booleans and categories and interval for numbers; ordinal puts
 *     numbers in their order and categories in the order of their options;
 *     interval needs every answer to be a number (else nominal, and the
 *     report says why).
 *
 * Ownership: the scan owns everything it keeps, except the request, which
 * it borrows for its whole life; a report owns its strings and arrays
 * (agree_report_free).  Rows passed in are borrowed for the call.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/agree.h"
#include "core/err.h"
#include "core/model.h"
#include "store/store.h"

/* A string answer longer than this (JSON text bytes) is text. */
#define AGREE_TEXT_MAX 64
/* Traces agree_scan_load takes at once. */
#define AGREE_BATCH 200

/* What the configuration says of a feedback name. */
enum agree_hint_kind {
	AGREE_HINT_BOOL = 0,
	AGREE_HINT_NUMBER,
	AGREE_HINT_CATEGORY,
	AGREE_HINT_TEXT,
};

struct agree_hint {
	const char *name;
	enum agree_hint_kind kind;
	bool scaled;                  /* a scale was configured: metric */
	enum agree_metric metric;
	const char *const *options;   /* categories in their order (may be NULL) */
	size_t noptions;
};

/* One item as the scan reads it: a question on a trace (target NULL) or on
 * one of its spans, and its answers in the scan's numbering (one per
 * source; classes as agree_scan_class gives them, until the report). */
struct agree_item {
	const char *name, *trace_id, *target;
	const struct agree_answer *answers;
	size_t n;
};

struct agree_req {
	const char *const *names;     /* NULL-terminated, or NULL: every name */
	const struct agree_hint *hints;
	size_t nhints;
	uint64_t seed;
	size_t resamples;             /* 0: AGREE_RESAMPLES */
	/* Called with each item that has an answer, after it is counted (NULL:
	 * none); the item is borrowed for the call. */
	void (*on_item)(void *ctx, const struct agree_item *it);
	void *item_ctx;
};

struct config;

/* What the configured labels say of their names: cfg->nlabels hints
 * borrowing the config's strings (caller frees the array). */
struct agree_hint *agree_hints(const struct config *cfg);

/* ---- the report -------------------------------------------------------------- */

struct agree_source {
	char *type;                   /* source_type as stored */
	char *id;                     /* source_id, "" when NULL */
	bool human;
	int64_t answers;              /* items it answered */
};

enum agree_class_kind {
	AGREE_CLASS_BOOL = 0,
	AGREE_CLASS_NUMBER,
	AGREE_CLASS_TEXT,
	AGREE_CLASS_OTHER,            /* a list or object, compared as text */
};

struct agree_class {
	char *json;                   /* the smallest stored JSON text of the class */
	char *label;                  /* for display: a string without its quotes */
	enum agree_class_kind kind;
	double value;                 /* BOOL 0/1, NUMBER its value */
};

/* One kappa: sources[a] against sources[b], or against the human consensus
 * (b == AGREE_REPORT_CONSENSUS, with its confusion matrix: rows the
 * source's class, columns the consensus class, nclasses x nclasses). */
#define AGREE_REPORT_CONSENSUS ((size_t)-1)

struct agree_kappa_row {
	size_t a, b;
	struct agree_kappa k;
	int64_t *matrix;              /* consensus rows only, else NULL */
};

struct agree_name {
	char *name;
	const char *left_out;         /* static reason, or NULL */
	enum agree_metric metric;
	const char *metric_note;      /* static, or NULL */
	int64_t items, pairable, unanimous, no_consensus;
	struct agree_source *sources; /* humans by id, then the others by type, id */
	size_t nsources;
	struct agree_class *classes;  /* in their order */
	size_t nclasses;
	struct agree_alpha alpha;
	struct agree_ci ci;           /* undef NO_PAIRS when alpha is undefined */
	struct agree_kappa_row *kappas; /* consensus rows first, then human pairs */
	size_t nkappas;
};

struct agree_report {
	struct agree_name *v;         /* by name */
	size_t n;
	int64_t traces;               /* traces fed */
	uint64_t seed;
	size_t resamples;
};

void agree_report_free(struct agree_report *r);

/* ---- scanning ---------------------------------------------------------------- */

struct agree_scan;

struct agree_scan *agree_scan_new(const struct agree_req *req);
void agree_scan_free(struct agree_scan *s);

/* Reads the feedback of up to AGREE_BATCH distinct traces from the store
 * (store_scan_feedback: one row at a time, nothing kept per trace). */
int agree_scan_load(struct agree_scan *s, struct store *st, const char *const *trace_ids,
		    size_t n, struct err *err);

/* The figures; the scan may be freed afterwards.  The scan's classes are
 * renumbered in the report's order. */
void agree_scan_report(struct agree_scan *s, struct agree_report *out);

/* The class a stored value (JSON text) of a name is in, in the scan's
 * numbering, or -1 (no such name, or no answer of that class yet). */
int agree_scan_class(const struct agree_scan *s, const char *name, const char *json);
/* The scan's index of a source (as in agree_answer.source), or -1. */
int agree_scan_source(const struct agree_scan *s, const char *type, const char *id);

/* ---- walking the traces in scope ------------------------------------------------ */

/* The traces of one experiment matching a filter and quick filters, page
 * by page (AGREE_BATCH ids at a time), newest first.  The strings and the
 * questions of req are borrowed for the walk's life. */
struct agree_walk {
	struct page_req req;          /* set experiment_id, me, filter, quick,
	                                 questions; the rest is the walk's */
	struct page_cursor cur;
	bool done;
	int64_t traces;               /* traces read so far */
};

/* Reads the next page into the scan; sets done after the last one.  The
 * filter's parse errors come back as ERR_PARSE. */
int agree_walk_step(struct agree_walk *w, struct store *st, struct agree_scan *s,
		    struct err *err);
void agree_walk_free(struct agree_walk *w);

#endif
