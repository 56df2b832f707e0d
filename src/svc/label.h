#ifndef TB_SVC_LABEL_H
#define TB_SVC_LABEL_H
/*
 * The labelling engine: what a label key, `r`, delete, `u`, Ctrl-r and `.`
 * do to the MLflow store, without any screen.  A struct labeler lives for
 * the whole run; it borrows the store and keeps the configured human
 * source_id, the undo/redo history and the list of pending operations.
 *
 * Labelling is "set my feedback named N on this target to V": the target is
 * a trace, or one of its spans (span_id; NULL is the whole trace), and only
 * valid feedback of that name on exactly that target counts.
 *   - my feedback exists (HUMAN, my source_id)  -> update it (MLflow
 *     update_assessment: value, rationale, last_updated_timestamp = now);
 *   - another source's exists (LLM_JUDGE, CODE, another human) -> override
 *     it when the user agreed (MLflow override_feedback: a new row with
 *     overrides = the old id, the old row's valid = 0), else a new row
 *     beside it;
 *   - none -> a new row (MLflow log_feedback).
 * The decision is taken again from the store at the moment of writing, so a
 * label written late (after a retry) still lands on the right row.  Each
 * write is one store transaction.
 *
 * No label is ever lost: a write that fails (store busy past its timeout,
 * read-only, disk full...) becomes a pending operation with the error text;
 * later operations on the same target and name queue behind it, in order.
 * Pending operations are written by labeler_retry and dropped only by
 * labeler_discard*.  The history records what was written, for undo/redo
 * over the whole run.
 *
 * The journal (svc/journal.h), when one is attached: every label, rationale
 * and delete is appended to it, with a fresh idempotency key, before
 * anything else happens, and marked done once the store committed it.  The
 * key goes into the row's metadata (JOURNAL_KEY_META), and before each
 * write the store's rows are searched for it (and for the keys of the
 * later pending operations on the same question): an operation whose key
 * is already there is not written again.  A journal that cannot be
 * written (full disk) does not stop the label: it is kept in memory, its
 * pending item says "not journalled", and the store write goes on.
 *
 * The worker (svc/worker.h), when one is attached: writes never run on the
 * caller's thread.  labeler_set and friends queue the operation (pending,
 * res->saving) and hand the oldest runnable one to the worker; when it
 * fails because of the store (locked, unreachable, read-only...) it is
 * tried again after a back-off (0.25 s doubling up to 5 s), in order per
 * question.  labeler_pump starts what is due; labeler_flush is the one
 * bounded last try at exit.  Without a worker every write runs in the call
 * (the command line, scripted runs).  The worker must be closed before the
 * labeler is freed (its done callbacks reach the labeler).
 *
 * How the screens call it, for a label key:
 *   labeler_plan(...)                  kind CREATE / UPDATE / OVERRIDE
 *   if kind == LABEL_OVERRIDE: ask "override the judge's `false`?" (with the
 *     rationale prompt); yes -> req.allow_override = true
 *   labeler_set(&req, &res)            res.queued: pending, show res.error
 * If labeler_plan itself fails (the store cannot be read), labeler_set may
 * still be called: the label is written or queued.
 *
 * Ownership: strings passed in are borrowed for the call.  Plans and results
 * own their strings (label_plan_free, label_result_free).  Pending items and
 * the last label are borrowed from the labeler and valid until its next
 * call that changes state.  Functions returning int give 0 or -1 with
 * struct err filled.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "core/pyjson.h"
#include "store/store.h"
#include "svc/journal.h"

struct labeler;
struct worker;

/* What a write did (or, in a plan, would do). */
enum label_kind {
	LABEL_CREATE = 0,  /* a new row */
	LABEL_UPDATE,      /* my row's value (and rationale) updated */
	LABEL_OVERRIDE,    /* a new row overriding another source's */
	LABEL_DELETE,      /* my row deleted (what it overrode is valid again) */
	LABEL_RATIONALE,   /* my row's rationale set or cleared */
	LABEL_QUEUE,       /* a review-queue item's status set */
};

/* What the user asked for (pending items keep this). */
enum label_op {
	LABEL_OP_SET = 0,  /* set my feedback to a value */
	LABEL_OP_RATIONALE,
	LABEL_OP_DELETE,
	LABEL_OP_QUEUE,         /* a review-queue item's status (decline, and the
	                           undo / redo of one): no assessment */
	/* operations on one named row (undo, redo, dedupe, the feedback
	 * commands): each is idempotent, so a replay never does it twice */
	LABEL_OP_ROW_DELETE,    /* delete the row (gone already: nothing) */
	LABEL_OP_ROW_RESTORE,   /* put its name, value, rationale, metadata back */
	LABEL_OP_ROW_RECREATE,  /* write it again with its id and times */
	LABEL_OP_LOG,           /* a new row exactly as given (log-feedback) */
	LABEL_OP_PATCH,         /* update_assessment of the row (update-feedback) */
};

/* Whose feedback a row is, seen from the configured source_id. */
enum label_owner {
	OWNER_NONE = 0,
	OWNER_ME,          /* HUMAN with my source_id */
	OWNER_JUDGE,       /* LLM_JUDGE */
	OWNER_CODE,        /* CODE */
	OWNER_HUMAN,       /* HUMAN with another source_id */
	OWNER_OTHER,       /* SOURCE_TYPE_UNSPECIFIED or unknown */
};

struct label_plan {
	enum label_kind kind;        /* LABEL_CREATE, LABEL_UPDATE or LABEL_OVERRIDE */
	enum label_owner owner;      /* whose `existing` is (OWNER_NONE for CREATE) */
	struct assessment existing;  /* copy of the row to update or override;
	                                zeroed for CREATE and behind pending ones */
	size_t others;               /* other sources' valid rows of this name here */
	size_t duplicates;           /* my valid rows answering this question (more
	                                than one: labeler_dedupe offers to keep
	                                the newest) */
	size_t pending_ahead;        /* pending operations on this target and name:
	                                the label will queue behind them (kind is
	                                then UPDATE: it follows my pending label) */
};

void label_plan_free(struct label_plan *p);

/* A label to set. */
struct label_req {
	const char *trace_id;
	const char *span_id;         /* NULL or "": the whole trace */
	const char *name;
	const char *value_text;      /* "true", "4", "2.5", "good", any text */
	enum value_type type;        /* boolean: VT_BOOL; numeric: VT_NUMBER (an
	                                integer stays an int, "2.5" a float);
	                                categorical and text: VT_TEXT */
	const char *rationale;       /* NULL: none on a new row, unchanged on an
	                                update; "" clears it */
	bool allow_override;         /* the user agreed to override another
	                                source's feedback */
	bool override_judge;         /* with allow_override: the row overridden is
	                                the latest of an LLM judge, else of
	                                another non-HUMAN source (never a human's);
	                                with none, a new row beside the others */
	const char *metadata;        /* JSON object text added to the row's
	                                metadata (merged into it on an update,
	                                as MLflow's update_assessment does), or
	                                NULL */
	const char *queue_id;        /* this answer completes the trace's item of
	                                this review queue: the item becomes
	                                complete (completed_by me) in the same
	                                store transaction as the answer, unless
	                                it is no longer pending; NULL: none */
};

/* What a write did to a review-queue item (label_result.queue). */
enum {
	QUEUE_MARK_NONE = 0,
	QUEUE_MARK_MINE,   /* this write changed the item's status */
	QUEUE_MARK_TAKEN,  /* the item had left pending already (another
	                      reviewer cleared it first): only the answer landed */
};

/* What happened; owns its strings. */
struct label_result {
	enum label_op op;
	enum label_kind kind;        /* what was written (undefined when queued) */
	bool queued;                 /* not written: now pending */
	bool saving;                 /* queued for the worker (not a failure) */
	bool failed;                 /* a background write that can never be done
	                                (its trace, span or row is gone): dropped
	                                from the pending list; error says why */
	bool undone;                 /* u came while it was being written: written,
	                                then undone at once */
	char *id;                    /* assessment written or deleted; NULL when queued */
	char *trace_id;
	char *span_id;               /* NULL: the whole trace */
	char *name;
	char *value;                 /* JSON text of the value, NULL for a delete */
	char *error;                 /* when queued: why */
	int queue;                   /* QUEUE_MARK_*: the item of the queue the
	                                operation named, once written */
	char queue_status[16];       /* the status it was to take */
};

void label_result_free(struct label_result *r);

/* A pending operation (borrowed from the labeler). */
struct label_pending {
	enum label_op op;
	char *trace_id;
	char *span_id;               /* NULL: the whole trace */
	char *name;
	char *value;                 /* JSON text for LABEL_OP_SET, else NULL */
	char *rationale;             /* NULL: none / unchanged */
	char *metadata;              /* JSON object added to the metadata, or NULL */
	bool allow_override;
	bool override_judge;
	enum journal_action why;     /* row operations: undo, redo, dedupe, log,
	                                patch or remove */
	struct assessment row;       /* row operations: the row (its id; restore,
	                                recreate, log: its fields; patch: value,
	                                rationale and metadata to merge) */
	bool set_rationale;          /* patch: the rationale is given */
	char *queue_id;              /* the review queue whose item (the trace) */
	char *queue_status;          /* becomes this status in the same
	                                transaction (NULL: none) */
	enum err_code code;          /* the last failure */
	char *error;                 /* its message */
	int64_t queued_ms;
	unsigned attempts;           /* writes tried (0: queued behind another) */
	char key[JOURNAL_KEY_MAX];   /* idempotency key ("" without a journal) */
	bool journalled;             /* its action line is in the journal */
	bool restored;               /* taken from the journal of an earlier run */
	bool expectation;            /* an answer to an expectation question */
	bool running;                /* the worker is writing it now */
	bool undo_wanted;            /* u while it was being written: undone as
	                                soon as it lands */
	int64_t next_ms;             /* the next automatic try (worker) */
};

/* The last label set (for `.`), borrowed; NULL before the first one. */
struct label_last {
	char *name;
	char *value_text;
	enum value_type type;
};

/* ---- life ------------------------------------------------------------- */

/* The store is borrowed and must outlive the labeler.  source_id is the
 * configured human source (required, non-empty). */
int labeler_new(struct store *st, const char *source_id, struct labeler **out, struct err *err);
void labeler_free(struct labeler **lb);  /* NULL and *lb == NULL are fine */
const char *labeler_source_id(const struct labeler *lb);
/* Changes whenever the history or the pending list changes: a cheap check
 * for "redraw the status bar". */
uint64_t labeler_generation(const struct labeler *lb);

/* Attaches the journal (borrowed; NULL detaches): store is the store's
 * identity (journal_store_id), experiment its MLflow experiment id or
 * NULL. */
void labeler_use_journal(struct labeler *lb, struct journal *j, const char *store,
			 const char *experiment);
/* The questions whose answers are MLflow expectations, not feedback (label
 * schemas of type expectation; svc/schemas.h): labels of these names are
 * written, found, updated and deleted as expectations (no override, no
 * rationale).  The names are copied; each call replaces the last. */
void labeler_expectations(struct labeler *lb, const char *const *names, size_t n);
/* Attaches a worker (borrowed) whose store is the same as the labeler's. */
void labeler_use_worker(struct labeler *lb, struct worker *w);
/* Called on the caller's thread after each background write: r says what
 * was written (r->queued: it failed and waits for another try, r->error
 * says why); borrowed for the call. */
void labeler_on_change(struct labeler *lb,
		       void (*fn)(void *ctx, const struct label_result *r), void *ctx);
/* The last journal failure since the last call, into err (true), or
 * false when there was none. */
bool labeler_journal_error(struct labeler *lb, struct err *err);

/* Takes actions from the journal (svc/journal.h: journal_pending with
 * JP_ADOPT for this store) as pending operations, with their keys.  The
 * entries stay the caller's. */
void labeler_restore(struct labeler *lb, const struct journal_entry *v, size_t n);

/* With a worker: starts the next due write; returns the milliseconds until
 * the next automatic try (-1: nothing waits). */
int labeler_pump(struct labeler *lb);
/* With a worker: writes what is pending, at once (no back-off), for at
 * most timeout_ms; returns how many remain pending.  Call worker_close
 * after it to interrupt a write still running. */
size_t labeler_flush(struct labeler *lb, int timeout_ms);

/* ---- labelling -------------------------------------------------------- */

/* What a label of this name on this target would do.  Reads the store
 * (checks the trace, and the span when given, exist: ERR_NOTFOUND) unless
 * operations are pending on the target, which needs no read. */
int labeler_plan(struct labeler *lb, const char *trace_id, const char *span_id,
		 const char *name, struct label_plan *out, struct err *err);

/* The same from the trace's rows as the caller holds them (l, with root
 * its root span id or NULL), reading nothing: pending operations on the
 * target still count. */
void labeler_plan_rows(const struct labeler *lb, const struct assessment_list *l,
		       const char *root, const char *trace_id, const char *span_id,
		       const char *name, struct label_plan *out);

/* Sets my feedback (see the top of this file).  Returns 0 when the label
 * was written or queued (res->queued); -1 when it was neither: the value
 * does not fit its type (ERR_USAGE) or the trace or span does not exist
 * (ERR_NOTFOUND).  res may be NULL. */
int labeler_set(struct labeler *lb, const struct label_req *req, struct label_result *res,
		struct err *err);

/* Sets (or with NULL / "" clears) the rationale of my feedback of this name
 * on the target.  -1 with ERR_NOTFOUND when I have none there. */
int labeler_set_rationale(struct labeler *lb, const char *trace_id, const char *span_id,
			  const char *name, const char *rationale, struct label_result *res,
			  struct err *err);

/* Deletes my feedback of this name on the target; what it overrode becomes
 * valid again.  -1 with ERR_NOTFOUND when I have none there. */
int labeler_delete(struct labeler *lb, const char *trace_id, const char *span_id,
		   const char *name, struct label_result *res, struct err *err);

/* A copy of my valid feedback of this name on the target (for the rationale
 * editor's initial text); ERR_NOTFOUND when there is none. */
int labeler_mine(struct labeler *lb, const char *trace_id, const char *span_id,
		 const char *name, struct assessment *out, struct err *err);

/* Where a store holds several valid rows of mine answering one question
 * (name and target, core/question.h): keeps the newest (last updated)
 * and deletes the others, each as MLflow's delete_assessment (what one
 * overrode is valid again), journalled ("dedupe") and, with a worker,
 * written in the background.  Each deletion enters the history (u brings
 * them back one by one).  *deleted counts them.  ERR_USAGE while labels
 * of this question are pending.  labeler_dedupe reads the trace's rows
 * from the store; labeler_dedupe_rows takes the rows the caller shows
 * (l, with root the trace's root span id or NULL) and reads nothing. */
int labeler_dedupe(struct labeler *lb, const char *trace_id, const char *span_id,
		   const char *name, size_t *deleted, struct err *err);
int labeler_dedupe_rows(struct labeler *lb, const struct assessment_list *l, const char *root,
			const char *trace_id, const char *span_id, const char *name,
			size_t *deleted, struct err *err);

/* ---- the feedback commands ---------------------------------------------- */

/* MLflow's log_feedback / override_feedback, update_assessment and
 * delete_assessment through the journal ("log", "patch", "remove"), with
 * the idempotency key in the row's metadata: written now (these are for
 * the command line: no worker), else kept pending in the journal
 * (res->queued, res->error says why) for the next run or `tracelab
 * pending --retry`.  -1 for an error of the operation itself (no such
 * trace or row), which is not kept.  The caller has checked the target
 * and the value.
 *   labeler_log: a is the new row (source type and id as given;
 *     a->overrides: the row it overrides); res->id is the new id.
 *   labeler_patch: cur is the row as read now; value_json (NULL: kept),
 *     rationale (set_rationale: NULL clears), metadata (JSON object
 *     merged into the row's, or NULL).
 *   labeler_remove: cur is the row as read now. */
int labeler_log(struct labeler *lb, const struct assessment_new *a, struct label_result *res,
		struct err *err);
int labeler_patch(struct labeler *lb, const struct assessment *cur, const char *value_json,
		  bool set_rationale, const char *rationale, const char *metadata,
		  struct label_result *res, struct err *err);
int labeler_remove(struct labeler *lb, const struct assessment *cur, struct label_result *res,
		   struct err *err);

/* ---- review queues ------------------------------------------------------ */

/* Sets the status of the trace's item in a review queue: "declined" (or
 * "complete") only while it is pending, "pending" (reopen) only when I
 * completed or declined it; journalled and written like a label, and
 * undone by labeler_undo (a reopen).  res->queue says, once written,
 * whether it changed the item. */
int labeler_queue_status(struct labeler *lb, const char *queue_id, const char *trace_id,
			 const char *status, struct label_result *res, struct err *err);

/* ---- repeat ----------------------------------------------------------- */

const struct label_last *labeler_last(const struct labeler *lb);
/* `.`: plan and set the last label (name and value, no rationale) on
 * another target, exactly like a label key there.  ERR_USAGE before any
 * label was set. */
int labeler_repeat_plan(struct labeler *lb, const char *trace_id, const char *span_id,
			struct label_plan *out, struct err *err);
int labeler_repeat(struct labeler *lb, const char *trace_id, const char *span_id,
		   bool allow_override, struct label_result *res, struct err *err);

/* ---- undo / redo ------------------------------------------------------ */

/* Undo of a label still on its way (the newest action is a pending
 * label): one that waits is dropped (never written; the journal says
 * discarded); one the worker is writing is undone as soon as it lands
 * (res->saving).
 * Undo: create -> delete the row; update / rationale -> the previous name,
 * value, rationale and metadata (last_updated_timestamp = now); override ->
 * delete the new row (the original is valid again); delete -> the row again
 * with the same id, timestamps and fields (re-invalidating what it had
 * overridden; a tracking server gives it a new id, which the history
 * follows).  Redo re-applies.  Both are journalled ("undo", "redo") and
 * written like labels: with a worker in the background (res->saving), and
 * kept pending when the store cannot take them (res->queued).  Without a
 * worker an error of the row itself (it is gone) changes nothing.
 * ERR_USAGE when labels (not undo / redo) are pending on that target and
 * name (retry or discard them first) or there is nothing to undo / redo.
 * res (may be NULL) describes the original operation. */
bool labeler_can_undo(const struct labeler *lb);
bool labeler_can_redo(const struct labeler *lb);
int labeler_undo(struct labeler *lb, struct label_result *res, struct err *err);
int labeler_redo(struct labeler *lb, struct label_result *res, struct err *err);

/* ---- pending ---------------------------------------------------------- */

size_t labeler_pending_count(const struct labeler *lb);   /* O(1) */
const struct label_pending *labeler_pending_at(const struct labeler *lb, size_t i);
/* Writes pending operations in order (with a worker: every one is due now,
 * in the background; *written is then 0); each one written is removed and
 * enters the history.  After a failure on a target and name, later ones on
 * it wait; a failure of the store itself (busy, read-only, I/O) stops the
 * run.  *written (may be NULL) counts the writes.  0 when none remain
 * pending, else -1 with the first failure in err. */
int labeler_retry(struct labeler *lb, size_t *written, struct err *err);
/* Drops a pending operation (only on the user's explicit request); the
 * journal records it as discarded. */
void labeler_discard(struct labeler *lb, size_t i);
void labeler_discard_all(struct labeler *lb);

/* ---- reading feedback (pure) ------------------------------------------ */

/* The rows answering a question (core/question.h): the latest valid
 * feedback of mine (HUMAN, my source id) and of any other source named
 * `name` on the target span_id (NULL: the trace; a row on root_span_id,
 * the trace's root span or NULL when unknown, is the trace's), and how
 * many valid rows of other sources answer it.  Latest: last updated,
 * then created, then by id. */
void label_find_rows(const struct assessment_list *l, const char *root_span_id,
		     const char *span_id, const char *name, const char *me,
		     const struct assessment **mine, const struct assessment **other,
		     size_t *nothers);
/* My valid rows answering that question, newest first, in *out (an array
 * of borrowed pointers the caller frees); returns how many. */
/* label_find_rows for a question whose answers are expectations (or, with
 * expectation false, feedback: the same as label_find_rows). */
void label_find_answers(const struct assessment_list *l, const char *root_span_id,
			const char *span_id, const char *name, bool expectation, const char *me,
			const struct assessment **mine, const struct assessment **other,
			size_t *nothers);
size_t label_mine_rows(const struct assessment_list *l, const char *root_span_id,
		       const char *span_id, const char *name, const char *me,
		       const struct assessment ***out);
size_t label_count_mine(const struct assessment_list *l, const char *root_span_id,
			const char *span_id, const char *name, const char *me);

/* Have I answered the question `name` of target t (core/question.h: a
 * trace question on the trace or its root span; a span question on any
 * other span; `any` either), with valid feedback?  Completeness
 * (QF_UNLABELLED) asks the same in SQL. */
bool label_answered(const struct assessment_list *l, const char *root_span_id, const char *me,
		    const char *name, enum question_target t);
/* The same for a question whose answers are expectations (expectation
 * true) or feedback. */
bool label_answered_kind(const struct assessment_list *l, const char *root_span_id,
			 const char *me, const char *name, enum question_target t,
			 bool expectation);

enum label_owner label_owner_of(const struct assessment *a, const char *me);
/* "yours", "the judge's", "code's", "another human's", "another source's" */
const char *label_owner_text(enum label_owner o);

/* Do two stored JSON values say the same?  Booleans, numbers (4 == 4.0),
 * strings (trimmed, ASCII case ignored), and a boolean against "yes"/"no"/
 * "true"/"false"; anything else compares as text. */
bool label_values_agree(const char *a_json, const char *b_json);

/* Does a valid answer of mine disagree with a valid LLM_JUDGE answer to
 * the same question (core/question.h: name and target, root-span rows
 * being the trace's)?  name NULL: any name.  Error-only feedback (value
 * null) never disagrees.  The store's QF_DISAGREE is the same test. */
bool label_disagrees(const struct assessment_list *l, const char *root_span_id, const char *me,
		     const char *name);
/* The same, pair by pair: marks[i] (l->n of them; may be NULL) is set for
 * both rows of each disagreeing pair; returns the number of pairs (with
 * marks NULL, stops at the first). */
size_t label_disagree_marks(const struct assessment_list *l, const char *root_span_id,
			    const char *me, const char *name, bool *marks);

#endif
