#ifndef TB_CONFIG_KEYMAP_H
#define TB_CONFIG_KEYMAP_H
/*
 * Key bindings: for each context (the focused pane or mode) a list of key
 * sequences and the action each one triggers.  The defaults are the
 * embedded keymaps/default.yaml, read by the same loader as user files; a
 * user file is layered on top and changes only what it names.
 *
 * File format (documented at the top of keymaps/default.yaml):
 *
 *   <context>:
 *     <action>: <key> | [<key>, ...]   # these keys now trigger the action
 *     <action>: none                   # the action has no key here any more
 *     none: [<key>, ...]               # these keys do nothing here
 *
 * Listing an action replaces its keys in that context; a key bound to a
 * new action leaves its old one.  When one file binds a key to two
 * actions, the later wins (a warning says so) and the first keeps the keys
 * it had before that file, so that no action is left without a key; a
 * context named twice in a file is warned about too.  Lookup tries the focused context, then
 * its fallback (global for every context except the editor); a key bound
 * to `none` in a context hides the global binding there.
 *
 * Ownership: struct keymap owns its binding arrays; keymap_free releases
 * them.  Pointers returned by keymap_bindings are valid until the keymap
 * changes.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config/diag.h"
#include "core/action.h"
#include "core/err.h"
#include "core/keys.h"

/* Row: X(ID, "yaml-name", falls back to global?, "description") */
#define KEYCTX_LIST(X) \
	X(GLOBAL, "global", 0, "Everywhere, after the focused context") \
	X(LIST, "list", 1, "The trace list") \
	X(TREE, "tree", 1, "The span tree of a trace") \
	X(DETAIL, "detail", 1, "The span detail pane (inputs, outputs, attributes, events)") \
	X(FEEDBACK, "feedback", 1, "The feedback pane of a trace") \
	X(FORM, "form", 1, "The labelling form of a trace") \
	X(EXPERIMENTS, "experiments", 1, "The experiment picker") \
	X(AGREEMENT, "agreement", 1, "The agreement screen (matrix cells: Enter lists their traces)") \
	X(ADJUDICATE, "adjudicate", 1, "The disagreement queue (final answers)") \
	X(SPANS, "spans", 1, "The spans view (spans across traces)") \
	X(HELP, "help", 1, "The help screen") \
	X(EDITOR, "editor", 0, "The input line: commands, search, filter, rationale")

enum keyctx {
#define X_(id, name, fallback, help) KEYCTX_##id,
	KEYCTX_LIST(X_)
#undef X_
	KEYCTX_COUNT_
};

const char *keyctx_name(enum keyctx c);
const char *keyctx_help(enum keyctx c);
/* By YAML name, or -1. */
int keyctx_by_name(const char *name);

struct keybinding {
	struct keyseq seq;
	enum action action;   /* ACT_NONE: the key is unbound here */
	unsigned layer;       /* which loaded file set it (1 = the first) */
	int line;             /* where in that file */
};

struct keymap {
	struct keybinding *b[KEYCTX_COUNT_];
	size_t n[KEYCTX_COUNT_], cap[KEYCTX_COUNT_];
	unsigned layers;      /* files loaded so far */
};

void keymap_init(struct keymap *km);
void keymap_free(struct keymap *km);

/* The embedded keymaps/default.yaml. */
int keymap_load_defaults(struct keymap *km, struct diag_list *diags, struct err *err);
/* Layers a file on what is loaded.  Bad entries (unknown context, unknown
 * action, bad key) become diagnostics and are skipped; err only for an
 * unreadable file, a syntax error or a root that is not a mapping. */
int keymap_load_file(struct keymap *km, const char *path, struct diag_list *diags,
		     struct err *err);
/* Same, from memory; `name` is used in messages. */
int keymap_load_buffer(struct keymap *km, const char *name, const char *data, size_t len,
		       struct diag_list *diags, struct err *err);
/* A file path (holds '/' or ends in .yaml, "~/" expanded), or a keymap
 * name: <config dir>/keymaps/<name>.yaml, else the shipped
 * keymaps/<name>.yaml ("less", "emacs").  ERR_NOTFOUND when neither. */
int keymap_load_named(struct keymap *km, const char *name, struct diag_list *diags,
		      struct err *err);

/* Binds seq to a (ACT_NONE: unbinds it in ctx, hiding the fallback's). */
void keymap_bind(struct keymap *km, enum keyctx ctx, const struct keyseq *seq, enum action a);
/* Removes every key of action a in ctx. */
void keymap_unbind_action(struct keymap *km, enum keyctx ctx, enum action a);

enum keymatch {
	KEYMATCH_NONE,    /* nothing is bound to these keys: start over */
	KEYMATCH_ACTION,  /* *action is bound to exactly these keys */
	KEYMATCH_PREFIX,  /* the keys begin a longer binding: wait for more */
};

/* Looks up the keys typed so far (keys[0..n-1]) in ctx, then its fallback.
 * The context's binding of a sequence wins over the fallback's.  With
 * KEYMATCH_PREFIX, *action is also set when the keys are themselves bound
 * (Esc when Alt-x is bound too): fire it if no further key arrives soon.
 * Otherwise *action is ACT_NONE for PREFIX and NONE. */
enum keymatch keymap_lookup(const struct keymap *km, enum keyctx ctx, const int *keys, int n,
			    enum action *action);
/* The action bound to exactly seq in ctx (after the fallback), or ACT_NONE. */
enum action keymap_action(const struct keymap *km, enum keyctx ctx, const struct keyseq *seq);

/* Bindings of one context alone, in the order they were made. */
const struct keybinding *keymap_bindings(const struct keymap *km, enum keyctx ctx, size_t *n);
/* The keys that trigger action a in ctx: the context's own, then (with
 * with_fallback) the fallback's that the context does not rebind.  Fills
 * out[0..max-1] and returns how many there are in all. */
size_t keymap_keys(const struct keymap *km, enum keyctx ctx, enum action a, bool with_fallback,
		   struct keyseq *out, size_t max);
/* The same as canonical names joined by ", " ("j, Down"); "" when the
 * action has no key.  Caller frees. */
char *keymap_keys_str(const struct keymap *km, enum keyctx ctx, enum action a,
		      bool with_fallback);

#endif
