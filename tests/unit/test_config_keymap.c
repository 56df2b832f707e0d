/* Keymaps: the shipped files, layering, `none`, sequences and prefixes,
 * the help-screen queries and the exact diagnostics of bad entries. */
#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config/diag.h"
#include "config/keymap.h"
#include "core/embedded.h"
#include "test.h"

static struct keymap km;
static struct diag_list diags;

/* Defaults plus an optional user file given as text; returns the joined
 * diagnostics (static, freed by the next call). */
static const char *load(const char *user)
{
	static char *joined;
	struct err err = { 0 };

	keymap_free(&km);
	diag_list_free(&diags);
	free(joined);
	if (keymap_load_defaults(&km, &diags, &err) < 0)
		printf("    defaults: %s\n", err.msg);
	if (user && keymap_load_buffer(&km, "user.yaml", user, strlen(user), &diags, &err) < 0)
		diag_add(&diags, DIAG_ERROR, "ERR %s", err.msg);
	joined = diag_join(&diags);
	return joined;
}

/* The action name a key sequence triggers in a context, "PREFIX:<action>"
 * or "-" for nothing. */
static const char *act(enum keyctx ctx, const char *keys)
{
	static char buf[ERR_MSG_MAX + 16];
	struct keyseq k;
	struct err err = { 0 };
	enum action a;
	enum keymatch m;

	if (keyseq_parse(keys, &k, &err) < 0) {
		snprintf(buf, sizeof buf, "%s", err.msg);
		return buf;
	}
	m = keymap_lookup(&km, ctx, k.keys, k.n, &a);
	if (m == KEYMATCH_NONE)
		return "-";
	snprintf(buf, sizeof buf, "%s%s", m == KEYMATCH_PREFIX ? "PREFIX:" : "",
		 action_info(a)->name);
	return buf;
}

static const char *keys_of(enum keyctx ctx, enum action a, bool fallback)
{
	static char *s;

	free(s);
	s = keymap_keys_str(&km, ctx, a, fallback);
	return s;
}

TEST(contexts_by_name)
{
	CHECK_INT(keyctx_by_name("global"), KEYCTX_GLOBAL);
	CHECK_INT(keyctx_by_name("editor"), KEYCTX_EDITOR);
	CHECK_INT(keyctx_by_name("nope"), -1);
	CHECK_STR(keyctx_name(KEYCTX_TREE), "tree");
}

TEST(defaults_load_cleanly)
{
	CHECK_STR(load(NULL), "");
	CHECK_INT(km.layers, 1);
	CHECK_STR(act(KEYCTX_LIST, "j"), "move-down");
	CHECK_STR(act(KEYCTX_LIST, "Down"), "move-down");
	CHECK_STR(act(KEYCTX_TREE, "k"), "move-up");
	CHECK_STR(act(KEYCTX_LIST, "G"), "move-last");
	CHECK_STR(act(KEYCTX_LIST, "Ctrl-d"), "half-page-down");
	CHECK_STR(act(KEYCTX_LIST, "PgDn"), "page-down");
	CHECK_STR(act(KEYCTX_LIST, "Tab"), "next-pane");
	CHECK_STR(act(KEYCTX_LIST, "BackTab"), "prev-pane");
	CHECK_STR(act(KEYCTX_LIST, "Enter"), "open");
	CHECK_STR(act(KEYCTX_LIST, "?"), "help");
	CHECK_STR(act(KEYCTX_LIST, ":"), "command");
	CHECK_STR(act(KEYCTX_LIST, "Ctrl-r"), "redo");
	CHECK_STR(act(KEYCTX_LIST, "."), "repeat-label");
	CHECK_STR(act(KEYCTX_TREE, "Ctrl-n"), "next-trace");
	CHECK_STR(act(KEYCTX_TREE, "z"), "toggle-fold");
	CHECK_STR(act(KEYCTX_EDITOR, "Ctrl-w"), "edit-delete-word");
	CHECK_STR(act(KEYCTX_EDITOR, "Ctrl-x"), "edit-external");
	CHECK_STR(act(KEYCTX_EDITOR, "Esc"), "edit-cancel");
}

TEST(q_quits_the_list_and_goes_back_elsewhere)
{
	load(NULL);
	CHECK_STR(act(KEYCTX_LIST, "q"), "quit");
	CHECK_STR(act(KEYCTX_TREE, "q"), "back");
	CHECK_STR(act(KEYCTX_HELP, "q"), "back");
	CHECK_STR(act(KEYCTX_LIST, "Esc"), "back");
}

TEST(editor_has_no_fallback)
{
	load(NULL);
	CHECK_STR(act(KEYCTX_EDITOR, "q"), "-");
	CHECK_STR(act(KEYCTX_EDITOR, "j"), "-");
	CHECK_STR(act(KEYCTX_EDITOR, "]"), "-");
}

TEST(label_keys_stay_free)
{
	static const char *const keys[] = { "1", "2", "3", "4", "5", "+", "-", "t" };
	size_t i;

	load(NULL);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		CHECK_STR(act(KEYCTX_LIST, keys[i]), "-");
		CHECK_STR(act(KEYCTX_TREE, keys[i]), "-");
	}
}

TEST(sequences_and_prefixes)
{
	load(NULL);
	CHECK_STR(act(KEYCTX_LIST, "]"), "PREFIX:none");
	CHECK_STR(act(KEYCTX_LIST, "] u"), "next-unlabelled");
	CHECK_STR(act(KEYCTX_LIST, "[ u"), "prev-unlabelled");
	CHECK_STR(act(KEYCTX_LIST, "] e"), "next-error");
	CHECK_STR(act(KEYCTX_LIST, "] x"), "-");
	/* Detail tabs are "] t" / "[ t" and braces: no clash with "] u". */
	CHECK_STR(act(KEYCTX_DETAIL, "]"), "PREFIX:none");
	CHECK_STR(act(KEYCTX_DETAIL, "] t"), "next-tab");
	CHECK_STR(act(KEYCTX_DETAIL, "] u"), "next-unlabelled");
	CHECK_STR(act(KEYCTX_DETAIL, "}"), "next-tab");
	CHECK_STR(act(KEYCTX_DETAIL, "{"), "prev-tab");
	CHECK_STR(act(KEYCTX_LIST, "] t"), "-");
}

TEST(prefix_and_exact_both)
{
	/* A key bound alone and as the start of a sequence: both reported. */
	CHECK_STR(load("global:\n  fold-all: \"z z\"\nlist:\n  toggle-fold: z\n"), "");
	CHECK_STR(act(KEYCTX_LIST, "z"), "PREFIX:toggle-fold");
	CHECK_STR(act(KEYCTX_LIST, "z z"), "fold-all");
	/* The global sequence is reachable from the tree as well... */
	CHECK_STR(act(KEYCTX_TREE, "z"), "PREFIX:toggle-fold");
	/* ...unless the tree hides it. */
	CHECK_STR(load("global:\n  fold-all: \"z z\"\ntree:\n  none: \"z z\"\n"), "");
	CHECK_STR(act(KEYCTX_TREE, "z"), "toggle-fold");
	CHECK_STR(act(KEYCTX_TREE, "z z"), "-");
}

TEST(user_overrides_one_binding)
{
	CHECK_STR(load("global:\n  search-next: Ctrl-n\n"), "");
	CHECK_STR(act(KEYCTX_LIST, "Ctrl-n"), "search-next");
	CHECK_STR(act(KEYCTX_LIST, "n"), "-");
	/* Everything else is untouched. */
	CHECK_STR(act(KEYCTX_LIST, "N"), "search-prev");
	CHECK_STR(act(KEYCTX_LIST, "j"), "move-down");
	/* The tree's own Ctrl-n still wins there. */
	CHECK_STR(act(KEYCTX_TREE, "Ctrl-n"), "next-trace");
	CHECK_INT(km.layers, 2);
}

TEST(key_moves_to_new_action)
{
	CHECK_STR(load("global:\n  move-down: [n, j]\n"), "");
	CHECK_STR(act(KEYCTX_LIST, "n"), "move-down");
	CHECK_STR(act(KEYCTX_LIST, "Down"), "-");
	CHECK_STR(keys_of(KEYCTX_GLOBAL, ACT_MOVE_DOWN, false), "n, j");
	CHECK_STR(keys_of(KEYCTX_GLOBAL, ACT_SEARCH_NEXT, false), "");
}

TEST(none_unbinds)
{
	/* An action bound to none loses its keys in that context. */
	CHECK_STR(load("global:\n  help: none\n  redo: []\n  undo:\n"), "");
	CHECK_STR(act(KEYCTX_LIST, "?"), "-");
	CHECK_STR(act(KEYCTX_LIST, "F1"), "-");
	CHECK_STR(act(KEYCTX_LIST, "Ctrl-r"), "-");
	CHECK_STR(act(KEYCTX_LIST, "u"), "-");
	/* A key mapped to none hides the global binding in that context. */
	CHECK_STR(load("list:\n  none: [j, \"] u\"]\n"), "");
	CHECK_STR(act(KEYCTX_LIST, "j"), "-");
	CHECK_STR(act(KEYCTX_TREE, "j"), "move-down");
	CHECK_STR(act(KEYCTX_LIST, "] u"), "-");
	CHECK_STR(act(KEYCTX_LIST, "] e"), "next-error");
	CHECK_STR(act(KEYCTX_LIST, "]"), "PREFIX:none");
	CHECK_STR(keys_of(KEYCTX_LIST, ACT_MOVE_DOWN, true), "Down");
}

TEST(help_queries)
{
	load(NULL);
	CHECK_STR(keys_of(KEYCTX_LIST, ACT_MOVE_DOWN, true), "j, Down");
	CHECK_STR(keys_of(KEYCTX_LIST, ACT_MOVE_DOWN, false), "");
	CHECK_STR(keys_of(KEYCTX_LIST, ACT_QUIT, true), "q");
	/* q is the list's quit, so back there is Esc only. */
	CHECK_STR(keys_of(KEYCTX_LIST, ACT_BACK, true), "Esc");
	CHECK_STR(keys_of(KEYCTX_TREE, ACT_BACK, true), "Esc, q");
	CHECK_STR(keys_of(KEYCTX_DETAIL, ACT_NEXT_TAB, true), "] t, }");
	CHECK_STR(keys_of(KEYCTX_EDITOR, ACT_EDIT_HOME, true), "Home, Ctrl-a");
	CHECK_STR(keys_of(KEYCTX_EDITOR, ACT_MOVE_DOWN, true), "");
	CHECK_STR(keys_of(KEYCTX_LIST, ACT_NONE, true), "");
}

TEST(bindings_listing)
{
	const struct keybinding *b;
	size_t n;

	load(NULL);
	b = keymap_bindings(&km, KEYCTX_LIST, &n);
	CHECK_INT(n, 1);
	CHECK_INT(b[0].action, ACT_QUIT);
	CHECK_INT(b[0].layer, 1);
	b = keymap_bindings(&km, KEYCTX_GLOBAL, &n);
	CHECK(n > 40);
}

TEST(diagnostics_are_exact)
{
	const char *d = load("global:\n"
			     "  move-down: j\n"
			     "  jump-around: x\n"
			     "  help: [Foo, F2]\n"
			     "  search: {a: b}\n"
			     "  undo: [Ctrl-]\n"
			     "nowhere:\n"
			     "  help: h\n"
			     "list: [q]\n"
			     "tree:\n"
			     "  quit: [a b c d]\n");

	CHECK_STR(d, "user.yaml:3:3: unknown action 'jump-around'\n"
		     "user.yaml:4:10: unknown key 'Foo'\n"
		     "user.yaml:5:11: 'search' expects a key or a list of keys\n"
		     "user.yaml:6:10: unknown key 'Ctrl-'\n"
		     "user.yaml:7:1: unknown context 'nowhere'\n"
		     "user.yaml:9:7: context 'list' must be a mapping of action: keys, not a list\n"
		     "user.yaml:11:10: too many keys (at most 3) in 'a b c d'");
	CHECK_INT(diag_count(&diags, DIAG_ERROR), 7);
	/* The good parts loaded, the bad entries left the defaults alone. */
	CHECK_STR(act(KEYCTX_LIST, "F2"), "help");
	CHECK_STR(act(KEYCTX_LIST, "?"), "-");
	CHECK_STR(act(KEYCTX_LIST, "u"), "undo");
	CHECK_STR(act(KEYCTX_LIST, "/"), "search");
	CHECK_STR(act(KEYCTX_LIST, "x"), "delete-feedback");
}

TEST(same_file_conflict_warns)
{
	const char *d = load("global:\n  move-down: w\n  move-up: w\n  move-up: k\n");

	CHECK_STR(d, "user.yaml:3:12: key 'w' is also bound to 'move-down' in global at line 2; "
		     "this binding wins, and 'move-down' keeps j, Down\n"
		     "user.yaml:4:3: 'move-up' appears twice in global; this one wins");
	CHECK_INT(diag_count(&diags, DIAG_WARNING), 2);
	CHECK_STR(act(KEYCTX_LIST, "k"), "move-up");
	CHECK_STR(act(KEYCTX_LIST, "w"), "-");
	/* The action that lost its only key keeps the keys it had before. */
	CHECK_STR(act(KEYCTX_LIST, "j"), "move-down");
	CHECK_STR(keys_of(KEYCTX_GLOBAL, ACT_MOVE_DOWN, false), "j, Down");
	d = load("list:\n  open: x\n  quit: x\n");
	CHECK_STR(d, "user.yaml:3:9: key 'x' is also bound to 'open' in list at line 2; "
		     "this binding wins, and 'open' keeps Enter");
	CHECK_STR(act(KEYCTX_LIST, "x"), "quit");
	CHECK_STR(act(KEYCTX_LIST, "Enter"), "open");
	/* A context named twice is read twice, with a warning. */
	d = load("list:\n  open: x\nglobal:\n  quit: Q\nlist:\n  open: y\n");
	CHECK_STR(d, "user.yaml:5:1: context 'list' appears twice (first at line 1); both are "
		     "read, this one last");
	CHECK_STR(act(KEYCTX_LIST, "y"), "open");
	/* Rebinding a default key is no conflict. */
	CHECK_STR(load("global:\n  move-down: k\n"), "");
}

TEST(unusable_files)
{
	struct err err = { 0 };

	CHECK_STR(load("- a\n- b\n"),
		  "ERR user.yaml:1:1: a keymap must be a mapping of context: { action: keys }, "
		  "not a list");
	CHECK_STR(load("global:\n  help: [\n"), "ERR user.yaml:3:1: did not find expected node content "
		  "(while parsing a flow node at 3:1)");
	CHECK_STR(load(""), "");
	CHECK_INT(km.layers, 1);
	CHECK_INT(keymap_load_named(&km, "nosuch", NULL, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "no keymap named 'nosuch' (shipped: default, emacs, less)");
	CHECK_INT(keymap_load_file(&km, "/nonexistent/k.yaml", NULL, &err), -1);
	CHECK_STR(err.msg, "/nonexistent/k.yaml: No such file or directory");
	CHECK_INT(err.code, ERR_NOTFOUND);
}

TEST(every_shipped_keymap_loads_cleanly)
{
	const struct embedded_file *f;
	struct err err = { 0 };
	char *j;
	int n = 0;

	for (f = embedded_files; f->name; f++) {
		if (strncmp(f->name, "keymaps/", 8) != 0)
			continue;
		load(NULL);
		CHECK_INT(keymap_load_buffer(&km, f->name, f->data, f->len, &diags, &err), 0);
		j = diag_join(&diags);
		if (*j)
			printf("    %s:\n%s\n", f->name, j);
		CHECK_STR(j, "");
		free(j);
		n++;
	}
	CHECK_INT(n, 3);
}

TEST(less_keymap)
{
	struct err err = { 0 };

	load(NULL);
	CHECK_INT(keymap_load_named(&km, "less", &diags, &err), 0);
	CHECK_INT(diags.n, 0);
	CHECK_STR(act(KEYCTX_LIST, "Space"), "page-down");
	CHECK_STR(act(KEYCTX_LIST, "b"), "page-up");
	CHECK_STR(act(KEYCTX_LIST, "e"), "move-down");
	CHECK_STR(act(KEYCTX_LIST, "y"), "move-up");
	CHECK_STR(act(KEYCTX_LIST, "<"), "move-first");
	CHECK_STR(act(KEYCTX_LIST, ">"), "move-last");
	CHECK_STR(act(KEYCTX_LIST, "f"), "page-down");
	CHECK_STR(act(KEYCTX_LIST, "&"), "filter");
	CHECK_STR(act(KEYCTX_LIST, "o"), "experiments");
	CHECK_STR(act(KEYCTX_LIST, "Q"), "quit");
	/* Untouched defaults. */
	CHECK_STR(act(KEYCTX_LIST, "j"), "move-down");
	CHECK_STR(act(KEYCTX_LIST, "] u"), "next-unlabelled");
}

TEST(emacs_keymap)
{
	struct err err = { 0 };

	load(NULL);
	CHECK_INT(keymap_load_named(&km, "emacs", &diags, &err), 0);
	CHECK_INT(diags.n, 0);
	CHECK_STR(act(KEYCTX_LIST, "Ctrl-n"), "move-down");
	CHECK_STR(act(KEYCTX_TREE, "Ctrl-n"), "move-down");
	CHECK_STR(act(KEYCTX_TREE, "Alt-n"), "next-trace");
	CHECK_STR(act(KEYCTX_LIST, "Ctrl-v"), "page-down");
	CHECK_STR(act(KEYCTX_LIST, "Alt-v"), "page-up");
	CHECK_STR(act(KEYCTX_LIST, "M-<"), "move-first");
	CHECK_STR(act(KEYCTX_LIST, "Ctrl-x Ctrl-c"), "quit");
	CHECK_STR(act(KEYCTX_LIST, "Ctrl-x"), "PREFIX:none");
	/* Esc is also the start of Alt-v: both are reported. */
	CHECK_STR(act(KEYCTX_LIST, "Esc"), "PREFIX:back");
	CHECK_STR(act(KEYCTX_EDITOR, "Alt-b"), "edit-word-left");
	CHECK_STR(act(KEYCTX_EDITOR, "Ctrl-g"), "edit-cancel");
	CHECK_STR(act(KEYCTX_EDITOR, "Ctrl-x Ctrl-e"), "edit-external");
	CHECK_STR(keys_of(KEYCTX_LIST, ACT_PAGE_UP, true), "Alt-v, PgUp");
}

TEST(named_keymap_from_user_dir)
{
	char *dir = test_path("xdg"), *sub = test_path("xdg/tracelab"),
	     *kdir = test_path("xdg/tracelab/keymaps"), *file = test_path("xdg/tracelab/keymaps/mine.yaml");
	struct err err = { 0 };
	FILE *f;

	CHECK_INT(mkdir(dir, 0700), 0);
	CHECK_INT(mkdir(sub, 0700), 0);
	CHECK_INT(mkdir(kdir, 0700), 0);
	f = fopen(file, "w");
	fputs("global:\n  help: F3\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	load(NULL);
	CHECK_INT(keymap_load_named(&km, "mine", &diags, &err), 0);
	CHECK_STR(act(KEYCTX_LIST, "F3"), "help");
	/* A path works too. */
	CHECK_INT(keymap_load_named(&km, file, &diags, &err), 0);
	CHECK_INT(diags.n, 0);
	unsetenv("XDG_CONFIG_HOME");
	free(dir);
	free(sub);
	free(kdir);
	free(file);
}

TEST(programmatic_binding)
{
	struct keyseq k;
	struct err err = { 0 };

	load(NULL);
	CHECK_INT(keyseq_parse("g g", &k, &err), 0);
	keymap_bind(&km, KEYCTX_TREE, &k, ACT_MOVE_FIRST);
	CHECK_STR(act(KEYCTX_TREE, "g"), "PREFIX:move-first");
	CHECK_INT(keymap_action(&km, KEYCTX_TREE, &k), ACT_MOVE_FIRST);
	keymap_unbind_action(&km, KEYCTX_TREE, ACT_MOVE_FIRST);
	CHECK_STR(act(KEYCTX_TREE, "g"), "move-first");
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	unsetenv("XDG_CONFIG_HOME");
	RUN(contexts_by_name);
	RUN(defaults_load_cleanly);
	RUN(q_quits_the_list_and_goes_back_elsewhere);
	RUN(editor_has_no_fallback);
	RUN(label_keys_stay_free);
	RUN(sequences_and_prefixes);
	RUN(prefix_and_exact_both);
	RUN(user_overrides_one_binding);
	RUN(key_moves_to_new_action);
	RUN(none_unbinds);
	RUN(help_queries);
	RUN(bindings_listing);
	RUN(diagnostics_are_exact);
	RUN(same_file_conflict_warns);
	RUN(unusable_files);
	RUN(every_shipped_keymap_loads_cleanly);
	RUN(less_keymap);
	RUN(emacs_keymap);
	RUN(named_keymap_from_user_dir);
	RUN(programmatic_binding);
	keymap_free(&km);
	diag_list_free(&diags);
	TEST_MAIN_END();
}
