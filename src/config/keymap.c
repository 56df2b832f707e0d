#include "config/keymap.h"

#include <stdlib.h>
#include <string.h>

#include "config/paths.h"
#include "config/yaml_doc.h"
#include "core/embedded.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"

#define DEFAULT_KEYMAP "keymaps/default.yaml"

static const struct {
	const char *name;
	bool fallback;
	const char *help;
} contexts[KEYCTX_COUNT_] = {
#define X_(id, name, fallback, help) [KEYCTX_##id] = { name, fallback, help },
	KEYCTX_LIST(X_)
#undef X_
};

const char *keyctx_name(enum keyctx c)
{
	return (int)c >= 0 && c < KEYCTX_COUNT_ ? contexts[c].name : "";
}

const char *keyctx_help(enum keyctx c)
{
	return (int)c >= 0 && c < KEYCTX_COUNT_ ? contexts[c].help : "";
}

int keyctx_by_name(const char *name)
{
	int i;

	for (i = 0; name && i < KEYCTX_COUNT_; i++)
		if (strcmp(contexts[i].name, name) == 0)
			return i;
	return -1;
}

/* The context looked at after c, or -1. */
static int fallback_of(enum keyctx c)
{
	return contexts[c].fallback ? KEYCTX_GLOBAL : -1;
}

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof *km);
}

void keymap_free(struct keymap *km)
{
	int c;

	for (c = 0; c < KEYCTX_COUNT_; c++)
		free(km->b[c]);
	memset(km, 0, sizeof *km);
}

/* Index of the binding of exactly seq in ctx, or -1. */
static long find_seq(const struct keymap *km, enum keyctx ctx, const struct keyseq *seq)
{
	size_t i;

	for (i = 0; i < km->n[ctx]; i++)
		if (keyseq_eq(&km->b[ctx][i].seq, seq))
			return (long)i;
	return -1;
}

static void remove_at(struct keymap *km, enum keyctx ctx, size_t i)
{
	memmove(&km->b[ctx][i], &km->b[ctx][i + 1], (km->n[ctx] - i - 1) * sizeof km->b[ctx][0]);
	km->n[ctx]--;
}

/* Binds seq to a in ctx, at the end of the list.  When the key was bound
 * before, that binding is copied to *old (if given) and true returned. */
static bool bind_at(struct keymap *km, enum keyctx ctx, const struct keyseq *seq, enum action a,
		    unsigned layer, int line, struct keybinding *old)
{
	long i = find_seq(km, ctx, seq);
	struct keybinding *b;

	if (i >= 0) {
		if (old)
			*old = km->b[ctx][i];
		remove_at(km, ctx, (size_t)i);
	}
	GROW(km->b[ctx], km->cap[ctx], km->n[ctx] + 1);
	b = &km->b[ctx][km->n[ctx]++];
	b->seq = *seq;
	b->action = a;
	b->layer = layer;
	b->line = line;
	return i >= 0;
}

void keymap_bind(struct keymap *km, enum keyctx ctx, const struct keyseq *seq, enum action a)
{
	bind_at(km, ctx, seq, a, 0, 0, NULL);
}

void keymap_unbind_action(struct keymap *km, enum keyctx ctx, enum action a)
{
	size_t i = 0;

	while (i < km->n[ctx]) {
		if (km->b[ctx][i].action == a)
			remove_at(km, ctx, i);
		else
			i++;
	}
}

/* ---- loading ----------------------------------------------------------- */

/* A binding an earlier layer gave to an action this file names again. */
struct displaced {
	enum keyctx ctx;
	struct keybinding b;
};

struct loader {
	struct keymap *km;
	struct ydoc *doc;
	struct diag_list *diags;
	unsigned layer;
	struct displaced *displaced;   /* the keys each renamed action had */
	size_t ndisplaced, capdisplaced;
};

/* Before this file replaces the keys of action a in ctx: remember them. */
static void displace(struct loader *ld, enum keyctx ctx, enum action a)
{
	size_t i;

	for (i = 0; i < ld->km->n[ctx]; i++) {
		const struct keybinding *b = &ld->km->b[ctx][i];

		if (b->action != a || b->layer == ld->layer)
			continue;
		GROW(ld->displaced, ld->capdisplaced, ld->ndisplaced + 1);
		ld->displaced[ld->ndisplaced].ctx = ctx;
		ld->displaced[ld->ndisplaced].b = *b;
		ld->ndisplaced++;
	}
}

static bool has_key(const struct keymap *km, enum keyctx ctx, enum action a)
{
	size_t i;

	for (i = 0; i < km->n[ctx]; i++)
		if (km->b[ctx][i].action == a)
			return true;
	return false;
}

/* Action a lost its last key in ctx to another action of the same file:
 * it gets back the keys it had before this file (those still free).  A
 * file that binds one key to two actions so leaves neither without a key. */
static void restore(struct loader *ld, enum keyctx ctx, enum action a)
{
	size_t i;

	for (i = 0; i < ld->ndisplaced; i++) {
		const struct displaced *d = &ld->displaced[i];

		if (d->ctx == ctx && d->b.action == a && find_seq(ld->km, ctx, &d->b.seq) < 0)
			bind_at(ld->km, ctx, &d->b.seq, a, d->b.layer, d->b.line, NULL);
	}
}

/* Parses a key node into *seq, or reports it and returns -1. */
static int parse_key_node(struct loader *ld, yaml_node_t *n, struct keyseq *seq)
{
	struct err err = { 0 };
	const char *s = yscalar(n);

	if (!s) {
		ydiag(ld->doc, ld->diags, DIAG_ERROR, n, "a key must be a string, not %s",
		      ynode_kind(n));
		return -1;
	}
	if (keyseq_parse(s, seq, &err) < 0) {
		ydiag(ld->doc, ld->diags, DIAG_ERROR, n, "%s", err.msg);
		return -1;
	}
	return 0;
}

static void bind_one(struct loader *ld, enum keyctx ctx, const struct keyseq *seq, enum action a,
		     yaml_node_t *at)
{
	struct keybinding old;
	char name[KEYSEQ_NAME_MAX];

	if (bind_at(ld->km, ctx, seq, a, ld->layer, ynode_line(at), &old) &&
	    old.layer == ld->layer && old.action != a) {
		const char *was = action_info(old.action)->name;
		char *kept = NULL;

		if (old.action != ACT_NONE) {
			if (!has_key(ld->km, ctx, old.action))
				restore(ld, ctx, old.action);
			kept = keymap_keys_str(ld->km, ctx, old.action, true);
		}
		keyseq_name(seq, name, sizeof name);
		if (kept)
			ydiag(ld->doc, ld->diags, DIAG_WARNING, at,
			      "key '%s' is also bound to '%s' in %s at line %d; this binding wins, "
			      "and '%s' %s%s", name, was, keyctx_name(ctx), old.line, was,
			      *kept ? "keeps " : "has no key left", kept);
		else
			ydiag(ld->doc, ld->diags, DIAG_WARNING, at,
			      "key '%s' is also bound to '%s' in %s at line %d; this binding wins",
			      name, was, keyctx_name(ctx), old.line);
		free(kept);
	}
}

/* One `action: keys` entry of a context. */
static void load_entry(struct loader *ld, enum keyctx ctx, yaml_node_t *akey, yaml_node_t *val)
{
	const char *aname = yscalar(akey);
	struct keyseq *seqs = NULL;
	yaml_node_t **nodes = NULL;
	size_t i, nkeys, ngood = 0;
	int a;
	char *q;

	a = aname ? action_by_name(aname) : -1;
	if (a < 0) {
		q = yquote(akey);
		ydiag(ld->doc, ld->diags, DIAG_ERROR, akey, "unknown action '%s'", q);
		free(q);
		return;
	}
	if (ynode_is_null(val) || str_eq(yscalar(val), "none") ||
	    (ynode_is_seq(val) && ynode_size(val) == 0)) {
		if (a != ACT_NONE)
			keymap_unbind_action(ld->km, ctx, (enum action)a);
		return;
	}
	if (ynode_is_map(val)) {
		ydiag(ld->doc, ld->diags, DIAG_ERROR, val, "'%s' expects a key or a list of keys",
		      aname);
		return;
	}
	nkeys = ynode_is_seq(val) ? ynode_size(val) : 1;
	seqs = xcalloc(nkeys, sizeof *seqs);
	nodes = xcalloc(nkeys, sizeof *nodes);
	for (i = 0; i < nkeys; i++) {
		yaml_node_t *kn = ynode_is_seq(val) ? yseq_get(ld->doc, val, i) : val;

		if (parse_key_node(ld, kn, &seqs[ngood]) == 0)
			nodes[ngood++] = kn;
	}
	/* When every key is bad the entry is skipped: the old keys stay. */
	if (ngood == 0)
		goto out;
	if (a != ACT_NONE) {
		displace(ld, ctx, (enum action)a);
		keymap_unbind_action(ld->km, ctx, (enum action)a);
	}
	for (i = 0; i < ngood; i++)
		bind_one(ld, ctx, &seqs[i], (enum action)a, nodes[i]);
out:
	free(seqs);
	free(nodes);
}

static void load_context(struct loader *ld, yaml_node_t *ckey, yaml_node_t *val)
{
	const char *cname = yscalar(ckey);
	bool seen[ACT_COUNT_] = { false };
	int ctx = keyctx_by_name(cname);
	size_t i, n;
	char *q;

	if (ctx < 0) {
		q = yquote(ckey);
		ydiag(ld->doc, ld->diags, DIAG_ERROR, ckey, "unknown context '%s'", q);
		free(q);
		return;
	}
	if (ynode_is_null(val))
		return;
	if (!ynode_is_map(val)) {
		ydiag(ld->doc, ld->diags, DIAG_ERROR, val,
		      "context '%s' must be a mapping of action: keys, not %s", cname,
		      ynode_kind(val));
		return;
	}
	n = ynode_size(val);
	for (i = 0; i < n; i++) {
		yaml_node_t *akey = ymap_key(ld->doc, val, i);
		int a = action_by_name(yscalar(akey) ? yscalar(akey) : "");

		if (a > ACT_NONE && seen[a])
			ydiag(ld->doc, ld->diags, DIAG_WARNING, akey,
			      "'%s' appears twice in %s; this one wins", yscalar(akey), cname);
		if (a > ACT_NONE)
			seen[a] = true;
		load_entry(ld, (enum keyctx)ctx, akey, ymap_value(ld->doc, val, i));
	}
}

static int load_doc(struct keymap *km, struct ydoc *doc, struct diag_list *diags,
		    struct err *err)
{
	struct loader ld = { km, doc, diags, 0, NULL, 0, 0 };
	yaml_node_t *root = ydoc_root(doc);
	int first_line[KEYCTX_COUNT_] = { 0 };
	size_t i, n;

	if (!root || ynode_is_null(root))
		return 0;
	if (!ynode_is_map(root))
		return yerr(doc, err, ERR_PARSE, root,
			    "a keymap must be a mapping of context: { action: keys }, not %s",
			    ynode_kind(root));
	ld.layer = ++km->layers;
	n = ynode_size(root);
	for (i = 0; i < n; i++) {
		yaml_node_t *ckey = ymap_key(doc, root, i);
		int c = keyctx_by_name(yscalar(ckey) ? yscalar(ckey) : "");

		if (c >= 0 && first_line[c])
			ydiag(doc, diags, DIAG_WARNING, ckey, "context '%s' appears twice (first at "
			      "line %d); both are read, this one last", yscalar(ckey), first_line[c]);
		else if (c >= 0)
			first_line[c] = ynode_line(ckey);
		load_context(&ld, ckey, ymap_value(doc, root, i));
	}
	free(ld.displaced);
	return 0;
}

int keymap_load_buffer(struct keymap *km, const char *name, const char *data, size_t len,
		       struct diag_list *diags, struct err *err)
{
	struct ydoc doc;
	int rc;

	if (ydoc_load(&doc, name, data, len, err) < 0)
		return -1;
	rc = load_doc(km, &doc, diags, err);
	ydoc_free(&doc);
	return rc;
}

int keymap_load_file(struct keymap *km, const char *path, struct diag_list *diags,
		     struct err *err)
{
	struct ydoc doc;
	int rc;

	if (ydoc_load_file(&doc, path, err) < 0)
		return -1;
	rc = load_doc(km, &doc, diags, err);
	ydoc_free(&doc);
	return rc;
}

static int load_embedded(struct keymap *km, const char *name, struct diag_list *diags,
			 struct err *err)
{
	size_t len;
	const char *data = embedded_get(name, &len);

	if (!data)
		return err_set(err, ERR_NOTFOUND, "%s: not built in", name);
	return keymap_load_buffer(km, name, data, len, diags, err);
}

int keymap_load_defaults(struct keymap *km, struct diag_list *diags, struct err *err)
{
	return load_embedded(km, DEFAULT_KEYMAP, diags, err);
}

/* "no keymap named 'x' (shipped: default, emacs, less)" */
static int not_found(const char *name, struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct embedded_file *f;
	char *q = sanitize_dup(name, strlen(name) > 60 ? 60 : strlen(name));

	for (f = embedded_files; f->name; f++) {
		size_t n = strlen(f->name);

		if (!str_starts(f->name, "keymaps/") || n < 13 || strcmp(f->name + n - 5, ".yaml"))
			continue;
		sb_adds(&sb, sb.len ? ", " : "");
		sb_add(&sb, f->name + 8, n - 13);
	}
	err_set(err, ERR_NOTFOUND, "no keymap named '%s' (shipped: %s)", q, sb_str(&sb));
	free(q);
	sb_free(&sb);
	return -1;
}

int keymap_load_named(struct keymap *km, const char *name, struct diag_list *diags,
		      struct err *err)
{
	char *path = NULL, *rel, *emb;
	int rc;

	if (paths_is_path(name)) {
		path = paths_expand(name);
		rc = keymap_load_file(km, path, diags, err);
		goto out;
	}
	rel = xasprintf("keymaps/%s.yaml", name);
	path = paths_config_file(rel);
	if (paths_exists(path)) {
		free(rel);
		rc = keymap_load_file(km, path, diags, err);
		goto out;
	}
	emb = rel;
	if (embedded_get(emb, NULL))
		rc = load_embedded(km, emb, diags, err);
	else
		rc = not_found(name, err);
	free(emb);
out:
	free(path);
	return rc;
}

/* ---- lookup ------------------------------------------------------------ */

enum keymatch keymap_lookup(const struct keymap *km, enum keyctx ctx, const int *keys, int n,
			    enum action *action)
{
	int layers[2] = { (int)ctx, fallback_of(ctx) };
	bool found = false, prefix = false;
	enum action exact = ACT_NONE;
	int l;
	size_t i;

	*action = ACT_NONE;
	if ((int)ctx < 0 || ctx >= KEYCTX_COUNT_ || n <= 0 || n > KEYSEQ_MAX)
		return KEYMATCH_NONE;
	for (l = 0; l < 2 && layers[l] >= 0; l++) {
		enum keyctx c = (enum keyctx)layers[l];

		for (i = 0; i < km->n[c]; i++) {
			const struct keybinding *b = &km->b[c][i];

			if (!keyseq_starts(&b->seq, keys, n))
				continue;
			if (b->seq.n == n) {
				if (!found) {
					found = true;
					exact = b->action;
				}
			} else if (b->action != ACT_NONE) {
				/* A fallback sequence the context rebinds is not reachable. */
				if (l == 1 && find_seq(km, ctx, &b->seq) >= 0)
					continue;
				prefix = true;
			}
		}
	}
	if (prefix) {
		*action = exact;
		return KEYMATCH_PREFIX;
	}
	if (found && exact != ACT_NONE) {
		*action = exact;
		return KEYMATCH_ACTION;
	}
	return KEYMATCH_NONE;
}

enum action keymap_action(const struct keymap *km, enum keyctx ctx, const struct keyseq *seq)
{
	enum action a;

	keymap_lookup(km, ctx, seq->keys, seq->n, &a);
	return a;
}

const struct keybinding *keymap_bindings(const struct keymap *km, enum keyctx ctx, size_t *n)
{
	if ((int)ctx < 0 || ctx >= KEYCTX_COUNT_) {
		*n = 0;
		return NULL;
	}
	*n = km->n[ctx];
	return km->b[ctx];
}

size_t keymap_keys(const struct keymap *km, enum keyctx ctx, enum action a, bool with_fallback,
		   struct keyseq *out, size_t max)
{
	size_t i, total = 0;
	int fb;

	if (a == ACT_NONE || (int)ctx < 0 || ctx >= KEYCTX_COUNT_)
		return 0;
	fb = fallback_of(ctx);
	for (i = 0; i < km->n[ctx]; i++) {
		if (km->b[ctx][i].action != a)
			continue;
		if (total < max)
			out[total] = km->b[ctx][i].seq;
		total++;
	}
	if (!with_fallback || fb < 0)
		return total;
	for (i = 0; i < km->n[fb]; i++) {
		if (km->b[fb][i].action != a || find_seq(km, ctx, &km->b[fb][i].seq) >= 0)
			continue;
		if (total < max)
			out[total] = km->b[fb][i].seq;
		total++;
	}
	return total;
}

char *keymap_keys_str(const struct keymap *km, enum keyctx ctx, enum action a,
		      bool with_fallback)
{
	struct strbuf sb = STRBUF_INIT;
	struct keyseq *keys;
	char name[KEYSEQ_NAME_MAX];
	size_t i, n;

	n = keymap_keys(km, ctx, a, with_fallback, NULL, 0);
	keys = xcalloc(n ? n : 1, sizeof *keys);
	keymap_keys(km, ctx, a, with_fallback, keys, n);
	for (i = 0; i < n; i++) {
		keyseq_name(&keys[i], name, sizeof name);
		if (i)
			sb_adds(&sb, ", ");
		sb_adds(&sb, name);
	}
	free(keys);
	return sb_take(&sb);
}
