#ifndef TB_SVC_JOURNAL_H
#define TB_SVC_JOURNAL_H
/*
 * The label journal: every label write of every backend is first appended
 * here, so that no label the user gave is lost when the store is locked,
 * unreachable or the process dies before the store committed it.
 *
 * The file: $XDG_STATE_HOME/tracelab/journal.jsonl (XDG_STATE_HOME unset,
 * empty or relative: ~/.local/state), mode 0600, one JSON object per line,
 * appended with one write(2), then fsync(2), under flock(2) so that several
 * tracelab processes share it.  Lines:
 *
 *   {"v": 1, "key": K, "action": "create" | "update" | "override" | "set" |
 *    "rationale" | "delete" | "undo" | "redo" | "dedupe" | "log" |
 *    "patch" | "remove", "store": URL, "experiment": ID,
 *    "trace": ID, "span": ID|null, "name": N, "value": JSON|null,
 *    "rationale": TEXT|null, "metadata": {...}|null, "source_type": "HUMAN",
 *    "source_id": ME, "allow_override": bool, ["override_judge": true,]
 *    "created_ms": MS,
 *    "owner": OWNER,
 *    [row fields: "assessment_id": ID, "step": "delete" | "restore" |
 *    "recreate", "overrides": ID, "run_id": ID, "error": JSON, "type": T,
 *    "row_created_ms": MS, "row_updated_ms": MS, "set_rationale": bool]}
 *                                            an action the user took
 *
 * The actions: "set" is a label whose kind (create, update or override)
 * is decided when it is written (the browser reads nothing before
 * journalling); "undo", "redo" and "dedupe" name one row (assessment_id)
 * and what is done to it (step: delete it, restore its name, value,
 * rationale and metadata, or recreate it with its id and times); "log",
 * "patch" and "remove" are the feedback commands' writes (log_feedback
 * with any source, overriding `overrides` when set; update_assessment of
 * assessment_id, with its metadata merged; delete_assessment).
 *   {"v": 1, "done": K, "assessment_id": ID, "ms": MS}
 *                                            the store committed it
 *   {"v": 1, "discarded": K, "ms": MS}       the user dropped it
 *
 * K, the idempotency key, is UUID-shaped and travels with the row written
 * in the assessment metadata key "tracelab.idempotency_key"
 * (JOURNAL_KEY_META), so a replay can see that an action already reached
 * the store although its "done" line was never written (a crash between
 * the store's commit and the journal's append).
 *
 * Owners: each process that opens the journal holds an exclusive flock on
 * its own file owners/OWNER beside the journal for as long as it runs.
 * Actions whose owner file is not locked belong to a process that ended:
 * journal_pending with JP_ADOPT takes them over (it locks their owner
 * file in turn), so two processes never replay the same action.
 *
 * Damage is never fatal: a last line without its newline (a crash or a
 * full disk in the middle of an append) is moved to journal.torn beside
 * the journal and reported; another line that cannot be read is reported
 * (path:line) and skipped.  When no action is pending any more the file is
 * emptied (in place, under the lock).
 *
 * Backend-neutral: a store is named by its URL (journal_store_id); the
 * journal never opens a store.
 *
 * Ownership: journal_open returns a journal the caller closes; entries
 * returned by journal_pending are the caller's (journal_entries_free);
 * entries passed in are borrowed.  Functions returning int give 0 or -1
 * with err filled.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define JOURNAL_KEY_META "tracelab.idempotency_key"
#define JOURNAL_KEY_MAX 40

struct journal;

enum journal_action {
	JA_CREATE = 0,
	JA_UPDATE,
	JA_OVERRIDE,
	JA_RATIONALE,
	JA_DELETE,
	JA_UNDO,
	JA_SET,
	JA_REDO,
	JA_DEDUPE,
	JA_LOG,
	JA_PATCH,
	JA_REMOVE,
	JA_QUEUE,           /* a review-queue item's status (no assessment) */
};

/* What an undo, redo or dedupe does to its row. */
enum journal_step {
	JS_NONE = 0,
	JS_DELETE,
	JS_RESTORE,
	JS_RECREATE,
};

struct journal_entry {
	char key[JOURNAL_KEY_MAX];  /* "" on append: a new key is made */
	enum journal_action action;
	char *store;                /* journal_store_id of the store's URL */
	char *experiment;           /* NULL: unknown */
	char *trace_id;
	char *span_id;              /* NULL: the whole trace */
	char *name;
	char *value;                /* JSON text, NULL for delete / rationale */
	char *rationale;            /* NULL: none (create) or unchanged */
	char *metadata;             /* JSON object text, or NULL */
	char *source_type;          /* NULL: "HUMAN" */
	char *source_id;
	bool allow_override;
	bool override_judge;        /* with allow_override: only a judge's row */
	int64_t created_ms;         /* 0 on append: now */
	char *owner;                /* set by journal_append */
	/* the row an action names (undo, redo, dedupe, log, patch, remove) */
	char *assessment_id;        /* the row acted on, or NULL */
	enum journal_step step;     /* undo / redo / dedupe */
	char *overrides;            /* log, recreate: the row it overrides */
	char *run_id;               /* recreate */
	char *error;                /* recreate: JSON, or NULL */
	char *type;                 /* recreate: "feedback" / "expectation" */
	int64_t row_created_ms;     /* recreate */
	int64_t row_updated_ms;     /* recreate */
	bool set_rationale;         /* patch: rationale given ("" or NULL clears) */
	char *queue_id;             /* the review queue whose item (the trace) */
	char *queue_status;         /* takes this status with the action, in one
	                               transaction ("queue", "queue_status") */
	size_t line;                /* where journal_pending read it */
	bool alive;                 /* its owner still runs (journal_pending) */
};

/* What a read of the journal found besides the entries. */
struct journal_report {
	size_t pending;             /* of the store asked for, every owner */
	size_t others;              /* of them, owned by processes still running */
	size_t torn;                /* torn last lines set aside */
	size_t bad;                 /* other unreadable lines skipped */
	char notice[512];           /* the first of those, as a message, or "" */
};

/* Opens (creating it and its folder, 0700 / 0600) the journal at path, or
 * at the default place when path is NULL.  Registers this process as an
 * owner.  A torn last line is set aside now (notice says so, and where). */
int journal_open(const char *path, struct journal **out, struct err *err);
/* Releases this process's owner file and any adopted ones; empties the
 * file when nothing is pending.  NULL is fine. */
void journal_close(struct journal *j);

const char *journal_path(const struct journal *j);
const char *journal_owner(const struct journal *j);
/* What journal_open found (torn or bad lines): "" when nothing. */
const char *journal_notice(const struct journal *j);

/* The default location ("<state home>/tracelab/journal.jsonl"); NULL when
 * no home directory is known.  Caller frees. */
char *journal_default_path(void);

/* A stable name for the store at url: an absolute, symlink-free path for a
 * file store ("x.db", "sqlite:///x.db"), else the URL unchanged.  Caller
 * frees. */
char *journal_store_id(const char *url);

/* Appends an action and fsyncs it.  Fills e->key (when empty), e->owner
 * and e->created_ms (when 0).  A failure (full disk, I/O error) leaves no
 * part of the line in the file and says so with the path. */
int journal_append(struct journal *j, struct journal_entry *e, struct err *err);
/* The action with this key reached the store (assessment_id may be NULL). */
int journal_done(struct journal *j, const char *key, const char *assessment_id,
		 struct err *err);
/* The user dropped the action. */
int journal_discard(struct journal *j, const char *key, struct err *err);

enum {
	JP_ADOPT = 1u << 0,  /* return only actions of ended processes, and
	                        take them over (this process now owns them) */
};

/* The actions not yet done nor discarded, oldest first, for the store
 * (NULL: every store).  rep (may be NULL) counts them and what was
 * damaged. */
int journal_pending(struct journal *j, const char *store, unsigned flags,
		    struct journal_entry **out, size_t *n, struct journal_report *rep,
		    struct err *err);
void journal_entry_free(struct journal_entry *e);
void journal_entries_free(struct journal_entry *v, size_t n);

const char *journal_action_name(enum journal_action a);

/* A new UUID-shaped key into buf (JOURNAL_KEY_MAX bytes). */
int journal_new_key(char *buf, struct err *err);

#endif
