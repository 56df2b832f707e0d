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

/* Row: X(ID, "yaml-name") */
#define LABEL_TYPE_LIST(X) \
	X(BOOLEAN, "boolean") \
	X(NUMERIC, "numeric") \
	X(CATEGORICAL, "categorical") \
	X(TEXT, "text")

enum label_type {
#define X_(id, name) LABEL_##id,
	LABEL_TYPE_LIST(X_)
#undef X_
	LABEL_TYPE_COUNT_
};

#define RATIONALE_LIST(X) \
	X(NONE, "none") \
	X(OPTIONAL, "optional") \
	X(REQUIRED, "required")

enum rationale_mode {
#define X_(id, name) RATIONALE_##id,
	RATIONALE_LIST(X_)
#undef X_
	RATIONALE_COUNT_
};

/* One key of a label and the value it gives. */
struct label_key {
	struct keyseq seq;
	/* The value as text, to be encoded with label_value_type(): "true",
	 * "false", "4", "0.5", "billing".  NULL for a text label: the key
	 * opens the editor. */
	char *value;
	int line, col;          /* where the key is written */
};

struct label_schema {
	char *name;             /* the MLflow feedback name */
	enum label_type type;
	bool has_min, has_max;  /* numeric range, when given */
	double min, max;
	char **options;         /* categorical: the allowed values, in order */
	size_t noptions;
	char *instructions;     /* may be NULL */
	enum rationale_mode rationale;
	struct label_key *keys;
	size_t nkeys;
	int line, col;          /* where the schema starts */
};

struct config {
	char *path;             /* the file read, or NULL: defaults only */
	char *source_id;        /* HUMAN source id of my feedback; never NULL */
	char *store;            /* NULL: not set ("~/" expanded) */
	char *experiment;       /* NULL: not set */
	char **keymaps;         /* keymap names or files layered on the defaults */
	size_t nkeymaps;
	char *theme;            /* theme name or file; never NULL */
	bool advance;           /* move to the next item after labelling */
	int refresh_seconds;    /* periodic check for others' feedback; 0: off */
	struct label_schema *labels;
	size_t nlabels;
	char *labels_path;      /* where the labels were read, for messages */
};

/* Loads the configuration (see above) into *out, which need not be
 * initialised.  Unknown keys warn; values of the wrong type are errors and
 * keep their defaults; bad labels are skipped; all go to diags.  -1 with
 * err only for unusable input: an explicit file that cannot be read, a
 * YAML syntax error (path:line:col), a root that is not a mapping.  *out
 * is always usable (defaults) after return. */
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

/* The label schema with this name, or NULL. */
const struct label_schema *config_label(const struct config *c, const char *name);
/* The label a whole key sequence gives (and which of its keys), or NULL. */
const struct label_schema *label_for_key(const struct config *c, const struct keyseq *seq,
					 const struct label_key **key);
/* Like keymap_lookup for label keys: KEYMATCH_ACTION with *label and *key
 * set, KEYMATCH_PREFIX when keys[0..n-1] begin a label key, else NONE. */
enum keymatch label_lookup(const struct config *c, const int *keys, int n,
			   const struct label_schema **label, const struct label_key **key);

const char *label_type_name(enum label_type t);
const char *rationale_mode_name(enum rationale_mode r);
/* How a label's values are encoded: VT_BOOL, VT_NUMBER or VT_TEXT. */
enum value_type label_value_type(const struct label_schema *l);

#endif
