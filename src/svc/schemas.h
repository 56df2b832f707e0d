#ifndef TB_SVC_SCHEMAS_H
#define TB_SVC_SCHEMAS_H
/*
 * MLflow's label schemas as the questions of a run, and the lead's edits
 * of them (core/schema.h says what a schema is, docs/mlflow-review.md
 * where MLflow's rules were read).
 *
 * Questions.  When the experiment has label schemas, they are the
 * questions, in MLflow's order (newest first), each as schema_to_question
 * maps it.  The configuration's `labels:` still count: a label that has a
 * schema's name lends it its keys (those that fit the schema's kind) and
 * the schema's definition wins, with one warning naming the configuration
 * file; the other labels are added after the schemas.  The shipped example
 * labels (a configuration without `labels:`) are left out once the store
 * has schemas.  A schema question without keys of its own gets free ones:
 * + and - for pass/fail, digits for a numeric range of at most ten whole
 * numbers within 0..9, a key per option of a single-choice categorical,
 * else one key that opens the editor (text, multi-select as "a, b",
 * numbers).  A store without schemas (older stores, servers) leaves the
 * configuration as it is.  The configuration's own labels are kept aside
 * on the first call (cfg->base_labels), so each call, for another
 * experiment or queue, starts again from them.
 *
 * Edits.  schemas_create / schemas_edit / schemas_delete write rows as
 * MLflow's create_label_schema / update_label_schema / delete_label_schema
 * write them: validated by MLflow's rules, id "ls-" + 32 hex, times in ms,
 * created_by the caller's (the configured source_id), input_config in
 * MLflow's JSON shape.  The experiment's default question (is_default) is
 * neither edited nor deleted.
 *
 * Ownership: the store is borrowed; questions returned are the caller's
 * (schemas_questions_free); struct config's labels stay owned by it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "config/diag.h"
#include "core/err.h"
#include "core/schema.h"
#include "store/store.h"
#include "svc/label.h"

/* The questions of the experiment's schemas (ids NULL: all of them, newest
 * first; else those ids, in that order), without keys.  A schema whose
 * input_config cannot be read is left out with a warning in diags.  The
 * store's schema rows come too when rows is not NULL (caller frees with
 * schema_list_free).  A store without schemas gives none; a server that
 * offers none fails (ERR_USAGE, store_list_schemas). */
int schemas_questions(struct store *st, int64_t experiment_id, const char *const *ids,
		      size_t nids, struct label_schema **out, size_t *n,
		      struct schema_list *rows, struct diag_list *diags, struct err *err);
void schemas_questions_free(struct label_schema *v, size_t n);

/* Makes the schemas (ids as above) the questions of cfg, as the top of
 * this file says, with keys (none that km binds in the list or the tree:
 * config_key_free; km may be NULL).  *applied (may be NULL) gets how many
 * questions came from the store; 0 leaves cfg as it was.  A remote store
 * that offers no schemas is no error (0 applied). */
int schemas_apply(struct config *cfg, struct store *st, int64_t experiment_id,
		  const char *const *ids, size_t nids, const struct keymap *km,
		  size_t *applied, struct diag_list *diags, struct err *err);

/* The names of cfg's questions whose answers are expectations, borrowed
 * from cfg, in *out (the caller frees the array); returns how many (for
 * labeler_expectations). */
size_t schemas_expectations(const struct config *cfg, const char ***out);
/* Tells the labeler which names are expectation schemas in any experiment
 * of the store (labeler_expectations), for writes that come without a
 * configuration: the journal's replay, the feedback commands.  A store
 * without schemas teaches nothing. */
void schemas_teach(struct labeler *lb, struct store *st);
/* The question of cfg that is the store's schema of this name, or NULL. */
const struct label_schema *schemas_question(const struct config *cfg, const char *name);

/* A schema to create, or the changes of an edit (NULL / false: unchanged). */
struct schema_spec {
	const char *name;
	const char *type;             /* create: "feedback" (default) | "expectation" */
	const char *instruction;      /* "" clears it */
	int enable_comment;           /* -1 unchanged, 0, 1 */
	const char *input_type;       /* create: pass_fail | categorical | numeric | text */
	const char *positive_label, *negative_label;
	const char *const *options;   /* categorical */
	size_t noptions;
	int multi_select;             /* -1 unchanged, 0, 1 */
	const char *min, *max;        /* numeric bounds as text ("" removes) */
	const char *max_length;       /* text ("" removes) */
};

/* The label schema named `name` in the experiment of the trace, for the
 * feedback commands: *found false (0) when there is none, the store keeps
 * none or cannot say (a server). */
int schemas_of_trace(struct store *st, const char *trace_id, const char *name,
		     struct schema_row *out, bool *found, struct err *err);
/* Whether a feedback command may write this answer to it: ERR_USAGE when a
 * rationale is given and the schema offers no comment (enable_comment off)
 * or is an expectation. */
int schemas_check_rationale(const struct schema_row *r, const char *rationale,
			    struct err *err);

/* Creates a schema in the experiment; out_id (>= 40 bytes) gets its id. */
int schemas_create(struct store *st, int64_t experiment_id, const struct schema_spec *spec,
		   const char *created_by, char *out_id, struct err *err);
/* Finds a schema of the experiment by id or name (ERR_NOTFOUND). */
int schemas_find(struct store *st, int64_t experiment_id, const char *id_or_name,
		 struct schema_row *out, struct err *err);
/* Changes a schema (found by id or name) as spec says. */
int schemas_edit(struct store *st, int64_t experiment_id, const char *id_or_name,
		 const struct schema_spec *spec, struct err *err);
/* Deletes a schema found by id or name; *deleted_id (>= 40 bytes, may be
 * NULL) gets its id.  An id that names no schema is not an error (as in
 * MLflow); a name that names none is. */
int schemas_delete(struct store *st, int64_t experiment_id, const char *id_or_name,
		   char *deleted_id, struct err *err);

#endif
