#ifndef TB_CORE_QUEUE_H
#define TB_CORE_QUEUE_H
/*
 * MLflow's review queues (MLflow 3.14, docs/mlflow-review.md "Review
 * queues"): a named bundle of traces scoped to an experiment, the users it
 * is assigned to (a pool: the first of them to finish an item clears it for
 * the team) and the label schemas that are its questions.  Each item is
 * pending, complete or declined, with completed_by and completed_time_ms
 * set in the two final states and cleared when it is reopened.
 *
 * This module holds the values and MLflow's normalisation rules
 * (mlflow/genai/review_queues/validation.py); the store reads and writes
 * the rows (store/store.h).  Pure.
 *
 * Ownership: struct review_queue and struct queue_list own their strings
 * (review_queue_free, queue_list_free).  Functions returning char * give a
 * string the caller frees.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define QUEUE_TYPE_USER "user"
#define QUEUE_TYPE_CUSTOM "custom"
#define QUEUE_ITEM_TRACE "trace"           /* the one item_type of 3.14 */
#define QUEUE_PENDING "pending"
#define QUEUE_COMPLETE "complete"
#define QUEUE_DECLINED "declined"
#define QUEUE_ID_PREFIX "rq-"              /* + 32 lowercase hex */
#define QUEUE_RESERVED_NAME "default"      /* refused for custom queues, any case */
#define QUEUE_NAME_MAX 250
#define QUEUE_USER_MAX 250
#define QUEUE_ITEM_ID_MAX 50
#define QUEUE_MAX_USERS 10

struct review_queue {
	char *queue_id;
	int64_t experiment_id;
	char *name;
	char *queue_type;             /* "user" | "custom" */
	char *created_by;             /* NULL when unknown */
	int64_t creation_ms, update_ms;
	int64_t pending, complete, declined;  /* items in each status */
	char **users;                 /* assigned, sorted as MLflow lists them */
	size_t nusers;
	char **schema_ids;            /* attached (none for a user queue) */
	size_t nschemas;
	char **schema_names;          /* the questions: the names of the attached
	                                 schemas that exist (a user queue: every
	                                 schema of the experiment), by schema id */
	size_t nschema_names;
};

struct queue_list {
	struct review_queue *v;
	size_t n, cap;
};

void review_queue_free(struct review_queue *q);
void queue_list_free(struct queue_list *l);

/* A queue to create: the name as given, the users, the questions and the
 * traces; the store checks and normalises them as MLflow's store does. */
struct queue_new {
	int64_t experiment_id;
	const char *name;
	const char *const *users;
	size_t nusers;
	const char *const *schemas;   /* label schema names of the experiment; the
	                                 store attaches their schema ids */
	size_t nschemas;
	const char *const *item_ids;  /* traces, in the order to attach */
	size_t nitems;
	const char *created_by;       /* the creator (my source id), or NULL */
};

/* MLflow's normalize_user: leading and trailing whitespace removed, ASCII
 * letters lowered. */
char *queue_norm_user(const char *user);
/* name_key as MLflow's store computes it, name.lower(): ASCII lowered.
 * NULL (ERR_USAGE) for a name with bytes beyond ASCII, whose Python
 * lowering tracelab does not reproduce. */
char *queue_name_key(const char *name, struct err *err);

/* A custom queue's name checked and stripped (validate_custom_queue_name):
 * non-empty, at most 250 characters, not "default" in any case.  The
 * result is the caller's. */
char *queue_norm_name(const char *name, struct err *err);

/* Users normalised (queue_norm_user), each non-empty and at most 250
 * characters, duplicates dropped keeping the first, at most 10 in all.
 * *out (n of them) is the caller's: free each, then the array. */
int queue_norm_users(const char *const *users, size_t n, char ***out, size_t *nout,
		     struct err *err);
/* Item ids stripped, each non-empty and at most 50 characters, duplicates
 * dropped keeping the first; at least one. */
int queue_norm_items(const char *const *ids, size_t n, char ***out, size_t *nout,
		     struct err *err);
void queue_strv_free(char **v, size_t n);

/* Is s one of "pending", "complete", "declined"? */
bool queue_status_valid(const char *s);

#endif
