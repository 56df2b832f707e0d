#ifndef TB_CONFIG_CONFIG_H
#define TB_CONFIG_CONFIG_H
/*
 * The user's configuration file (documented option by option in the
 * shipped examples/config.yaml) and the label schemas it declares: which
 * MLflow feedback names an annotator gives, their types, and the keys that
 * give each value.
 *
 * Where the file is: --config FILE (config_load's explicit_path), else
 * $TRACELAB_CONFIG; both must exist.  Otherwise
 * $XDG_CONFIG_HOME/tracelab/config.yaml (with XDG_CONFIG_HOME unset, empty
 * or relative: ~/.config/tracelab/config.yaml), and a missing file there
 * just means the defaults.  When the file has no `keymap:`, the keymap
 * file next to it (<config dir>/keymap.yaml) is used if it exists.  When
 * it has no `labels:`, the labels of the embedded examples/config.yaml are
 * loaded through the same parser.
 *
 * Ownership: struct config owns every string and array in it, labels
 * included; config_free releases them.  Label pointers returned by lookups
 * are borrowed and valid until the config changes.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config/diag.h"
#include "config/keymap.h"
#include "core/err.h"
#include "core/keys.h"
#include "core/pyjson.h"
#include "core/question.h"

/* When labelling moves on to the next trace: once every required
 * question of the trace has my answer, after each answer, or never. */
#define ADVANCE_LIST(X) \
	X(COMPLETE, "complete") \
	X(EACH, "each") \
	X(NEVER, "never")

enum advance_mode {
#define X_(id, name) ADVANCE_##id,
	ADVANCE_LIST(X_)
#undef X_
	ADVANCE_COUNT_
};

const char *advance_mode_name(enum advance_mode a);

/* The metadata key of the time on item: the whole seconds, as text, that
 * the trace was open before the answer was given. */
#define TIME_ON_ITEM_KEY "tracelab.seconds_on_item"
/* The metadata key of a final answer given in adjudication (value "true"). */
#define ADJUDICATION_KEY "tracelab.adjudication"

struct config {
	char *path;             /* the file read, or NULL: defaults only */
	char *source_id;        /* HUMAN source id of my feedback; never NULL */
	char *store;            /* NULL: not set ("~/" expanded) */
	char *experiment;       /* NULL: not set */
	char **keymaps;         /* keymap names or files layered on the defaults */
	size_t nkeymaps;
	char *theme;            /* theme name or file; never NULL */
	enum advance_mode advance;  /* when a trace view moves to the next trace */
	bool blind;             /* hide others' answers until I have answered */
	bool time_on_item;      /* record the seconds a trace was open before
	                           each answer (metadata TIME_ON_ITEM_KEY) */
	int refresh_seconds;    /* periodic check for others' feedback; 0: off */
	/* Tracking servers (0: the default): seconds to connect (10), a reply
	 * that stalls (30), a whole request (120).  The environment wins
	 * (config_export_timeouts). */
	int connect_timeout, read_timeout, request_timeout;
	struct label_schema *labels;
	size_t nlabels;
	char *labels_path;      /* where the labels were read, for messages */
	bool labels_builtin;    /* they are the shipped example's (no `labels:`) */
	/* The configuration's own labels, kept when the store's label schemas
	 * replace them (svc/schemas.h), so that another experiment starts
	 * from them again. */
	struct label_schema *base_labels;
	size_t nbase_labels;
	bool base_saved, base_builtin;
};

/* Loads the configuration (see above) into *out, which need not be
 * initialised.  Unknown keys warn; values of the wrong type are errors and
 * keep their defaults; bad labels are skipped; all go to diags.  -1 with
 * err only for unusable input: an explicit file that cannot be read, a
 * YAML syntax error (path:line:col), a root that is not a mapping.  *out
 * is always usable (defaults) after return. */
/* Hands the tracking-server timeouts to the stores, which read them from
 * TRACELAB_CONNECT_TIMEOUT, TRACELAB_READ_TIMEOUT and
 * MLFLOW_HTTP_REQUEST_TIMEOUT: each one the config sets is exported
 * unless the environment has it already.  Call before any store is opened
 * and before any thread starts. */
void config_export_timeouts(const struct config *c);

int config_load(const char *explicit_path, struct config *out, struct diag_list *diags,
		struct err *err);
/* The same from memory; `path` is used in messages. */
int config_load_buffer(const char *path, const char *data, size_t len, struct config *out,
		       struct diag_list *diags, struct err *err);
void config_free(struct config *c);

/* Loads the default keymap, then each of c->keymaps on top (see
 * keymap_load_named).  Fails on the first layer that cannot be read. */
int config_load_keymap(const struct config *c, struct keymap *km, struct diag_list *diags,
		       struct err *err);
/* Drops the labels whose keys are bound, or begin or continue a binding, in
 * the list or tree contexts of km (global included), with an error each
 * at the key's line:col. */
void config_check_labels(struct config *c, const struct keymap *km, struct diag_list *diags);

/* Would a label key reach its label in the list and the tree under km
 * (config_check_labels would keep it)?  NULL km: yes. */
bool config_key_free(const struct keymap *km, const struct keyseq *seq);
/* The label schema with this name, or NULL. */
const struct label_schema *config_label(const struct config *c, const char *name);
/* The label a whole key sequence gives (and which of its keys), or NULL. */
const struct label_schema *label_for_key(const struct config *c, const struct keyseq *seq,
					 const struct label_key **key);
/* Like keymap_lookup for label keys: KEYMATCH_ACTION with *label and *key
 * set, KEYMATCH_PREFIX when keys[0..n-1] begin a label key, else NONE. */
enum keymatch label_lookup(const struct config *c, const int *keys, int n,
			   const struct label_schema **label, const struct label_key **key);


#endif
