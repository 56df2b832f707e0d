/* The configuration file: where it is found, defaults, exact diagnostics
 * for unknown keys and wrong types, label schemas and their validation
 * (duplicate keys, keys shadowing navigation, empty options, min > max),
 * label key lookup, and the YAML and diagnostics helpers under them. */
#include <locale.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/diag.h"
#include "config/keymap.h"
#include "config/yaml_doc.h"
#include "core/embedded.h"
#include "core/util.h"
#include "test.h"

static struct config cfg;
static struct diag_list diags;

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* mkdir -p for a path inside the test directory; returns it (caller frees). */
static char *make_dir(const char *rel)
{
	char *p = test_path(rel), *s;

	for (s = p + strlen(test_tmpdir()) + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
	}
	mkdir(p, 0700);
	return p;
}

static void reset(void)
{
	config_free(&cfg);
	diag_list_free(&diags);
}

/* Loads text as a config file; returns the diagnostics joined (static). */
static const char *load_text(const char *text)
{
	static char *joined;
	struct err err = { 0 };

	reset();
	free(joined);
	if (config_load_buffer("c.yaml", text, strlen(text), &cfg, &diags, &err) < 0)
		diag_add(&diags, DIAG_ERROR, "ERR %s", err.msg);
	joined = diag_join(&diags);
	return joined;
}

static const char *login_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw ? pw->pw_name : getenv("USER");
}

/* ---- helpers under the loaders ----------------------------------------- */

TEST(yaml_syntax_errors)
{
	struct ydoc d;
	struct err err = { 0 };
	const char *bad_utf8 = "a: 1\nb: \xff\n";

	CHECK_INT(ydoc_load(&d, "x.yaml", "a: [1, 2\n", 9, &err), -1);
	CHECK_INT(err.code, ERR_PARSE);
	CHECK_STR(err.msg, "x.yaml:2:1: did not find expected ',' or ']' "
		  "(while parsing a flow sequence at 1:4)");
	CHECK_INT(ydoc_load(&d, "x.yaml", "a: b: c\n", 8, &err), -1);
	CHECK_STR(err.msg, "x.yaml:1:5: mapping values are not allowed in this context");
	CHECK_INT(ydoc_load(&d, "x.yaml", bad_utf8, strlen(bad_utf8), &err), -1);
	CHECK_STR(err.msg, "x.yaml:2:4: invalid leading UTF-8 octet");
	ydoc_free(&d);
	CHECK_INT(ydoc_load_file(&d, "/nonexistent/x.yaml", &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	ydoc_free(&d);
}

TEST(yaml_nodes_and_marks)
{
	const char *text = "top:\n  list: [a, 2, ~]\n  flag: Yes\n  n: -12\n  f: 2.5\n";
	struct ydoc d;
	struct err err = { 0 };
	yaml_node_t *root, *top, *list;
	bool b;
	int64_t i;
	double f;
	char *q;

	CHECK_INT(ydoc_load(&d, "n.yaml", text, strlen(text), &err), 0);
	root = ydoc_root(&d);
	CHECK(ynode_is_map(root));
	top = ymap_find(&d, root, "top");
	CHECK_INT(ynode_size(top), 4);
	list = ymap_find(&d, top, "list");
	CHECK(ynode_is_seq(list));
	CHECK_INT(ynode_line(list), 2);
	CHECK_INT(ynode_col(list), 9);
	CHECK_STR(yscalar(yseq_get(&d, list, 0)), "a");
	CHECK(ynode_is_null(yseq_get(&d, list, 2)));
	CHECK(!ynode_is_null(yseq_get(&d, list, 0)));
	CHECK_NULL(yseq_get(&d, list, 3));
	CHECK_INT(yscalar_bool(ymap_find(&d, top, "flag"), &b), 0);
	CHECK(b);
	CHECK_INT(yscalar_int(ymap_find(&d, top, "n"), &i), 0);
	CHECK_INT(i, -12);
	CHECK_INT(yscalar_int(ymap_find(&d, top, "f"), &i), -1);
	CHECK_INT(yscalar_double(ymap_find(&d, top, "f"), &f), 0);
	CHECK(f == 2.5);
	CHECK_INT(yscalar_double(ymap_find(&d, top, "flag"), &f), -1);
	CHECK_NULL(ymap_find(&d, top, "nope"));
	q = yquote(list);
	CHECK_STR(q, "a list");
	free(q);
	ydiag(&d, &diags, DIAG_WARNING, list, "look at %s", "this");
	ydiag(&d, &diags, DIAG_ERROR, NULL, "whole file");
	ydoc_free(&d);
	ydoc_free(&d);
	q = diag_join(&diags);
	CHECK_STR(q, "n.yaml:2:9: look at this\nn.yaml:1:1: whole file");
	free(q);
	CHECK_INT(diag_count(&diags, DIAG_WARNING), 1);
	CHECK_INT(diag_count(&diags, DIAG_ERROR), 1);
	diag_list_free(&diags);
	diag_add(NULL, DIAG_ERROR, "dropped");
}

TEST(diag_print_format)
{
	char *path = test_path("diag.txt"), *text;
	FILE *f = fopen(path, "w");

	diag_add(&diags, DIAG_WARNING, "a.yaml:1:2: %s", "w");
	diag_add(&diags, DIAG_ERROR, "a.yaml:3:4: e");
	diag_print(&diags, f, "tracelab");
	diag_print(&diags, f, NULL);
	fclose(f);
	text = read_file(path, NULL);
	CHECK_STR(text, "tracelab: warning: a.yaml:1:2: w\ntracelab: error: a.yaml:3:4: e\n"
		  "warning: a.yaml:1:2: w\nerror: a.yaml:3:4: e\n");
	free(text);
	free(path);
	diag_list_free(&diags);
}

/* ---- where the file is --------------------------------------------------- */

TEST(defaults_without_a_file)
{
	char *xdg = make_dir("empty-xdg");
	struct err err = { 0 };

	reset();
	setenv("XDG_CONFIG_HOME", xdg, 1);
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_NULL(cfg.path);
	CHECK_STR(cfg.source_id, login_name());
	CHECK_NULL(cfg.store);
	CHECK_NULL(cfg.experiment);
	CHECK_STR(cfg.theme, "dark");
	CHECK_INT(cfg.advance, ADVANCE_COMPLETE);
	CHECK_INT(cfg.refresh_seconds, 5);
	CHECK_INT(cfg.nkeymaps, 0);
	CHECK_INT(cfg.nlabels, 3);
	CHECK_STR(cfg.labels_path, "examples/config.yaml");
	CHECK_INT(diags.n, 0);
	unsetenv("XDG_CONFIG_HOME");
	free(xdg);
}

TEST(default_labels)
{
	const struct label_schema *l;
	const struct label_key *k;
	struct keyseq seq;
	struct err err = { 0 };

	CHECK_STR(load_text("theme: light\n"), "");
	CHECK_INT(cfg.nlabels, 3);
	l = config_label(&cfg, "user_satisfaction");
	CHECK(l && l->type == LABEL_BOOLEAN && l->nkeys == 2);
	if (l && l->nkeys == 2) {
		CHECK_INT(l->keys[0].seq.keys[0], '+');
		CHECK_STR(l->keys[0].value, "true");
		CHECK_INT(l->keys[1].seq.keys[0], '-');
		CHECK_STR(l->keys[1].value, "false");
		CHECK_INT(l->rationale, RATIONALE_OPTIONAL);
		CHECK_INT(label_value_type(l), VT_BOOL);
		CHECK(l->instructions != NULL);
	}
	l = config_label(&cfg, "quality");
	CHECK(l && l->type == LABEL_NUMERIC && l->nkeys == 5);
	if (l && l->nkeys == 5) {
		CHECK(l->has_min && l->min == 1 && l->has_max && l->max == 5);
		CHECK_STR(l->keys[0].value, "1");
		CHECK_STR(l->keys[4].value, "5");
		CHECK_INT(l->keys[2].seq.keys[0], '3');
		CHECK_INT(l->keys[0].line, 90);
		CHECK_INT(l->keys[0].col, 12);
		CHECK_INT(label_value_type(l), VT_NUMBER);
	}
	l = config_label(&cfg, "notes");
	CHECK(l && l->type == LABEL_TEXT && l->nkeys == 1);
	if (l && l->nkeys == 1) {
		CHECK_INT(l->keys[0].seq.keys[0], 't');
		CHECK_NULL(l->keys[0].value);
		CHECK_INT(l->rationale, RATIONALE_NONE);
		CHECK_INT(label_value_type(l), VT_TEXT);
	}
	CHECK_INT(keyseq_parse("4", &seq, &err), 0);
	l = label_for_key(&cfg, &seq, &k);
	CHECK(l && strcmp(l->name, "quality") == 0);
	CHECK(k && strcmp(k->value, "4") == 0);
	CHECK_INT(keyseq_parse("9", &seq, &err), 0);
	CHECK_NULL(label_for_key(&cfg, &seq, &k));
	CHECK_NULL(k);
	CHECK_NULL(config_label(&cfg, "nope"));
	CHECK_STR(label_type_name(LABEL_CATEGORICAL), "categorical");
	CHECK_STR(rationale_mode_name(RATIONALE_REQUIRED), "required");
}

TEST(xdg_and_home_paths)
{
	char *xdg = make_dir("xdg1/tracelab"), *home = make_dir("home/.config/tracelab");
	char *xdg_file = test_path("xdg1/tracelab/config.yaml");
	char *home_file = test_path("home/.config/tracelab/config.yaml");
	char *xdg_root = test_path("xdg1"), *home_root = test_path("home");
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	struct err err = { 0 };

	write_file(xdg_file, "source_id: from-xdg\n");
	write_file(home_file, "source_id: from-home\nstore: ~/db.sqlite\n");

	reset();
	setenv("XDG_CONFIG_HOME", xdg_root, 1);
	setenv("HOME", home_root, 1);
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_STR(cfg.path, xdg_file);
	CHECK_STR(cfg.source_id, "from-xdg");

	/* Unset, empty or relative XDG_CONFIG_HOME: ~/.config. */
	reset();
	unsetenv("XDG_CONFIG_HOME");
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_STR(cfg.path, home_file);
	CHECK_STR(cfg.source_id, "from-home");
	{
		char *want = test_path("home/db.sqlite");

		CHECK_STR(cfg.store, want);
		free(want);
	}
	reset();
	setenv("XDG_CONFIG_HOME", "", 1);
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_STR(cfg.path, home_file);
	reset();
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_STR(cfg.path, home_file);
	CHECK_INT(diags.n, 0);

	unsetenv("XDG_CONFIG_HOME");
	if (old_home)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	free(old_home);
	free(xdg);
	free(home);
	free(xdg_file);
	free(home_file);
	free(xdg_root);
	free(home_root);
}

TEST(explicit_and_env_paths)
{
	char *file = test_path("explicit.yaml"), *env_file = test_path("env.yaml");
	char *xdg = make_dir("xdg-unused");
	struct err err = { 0 };

	write_file(file, "experiment: exp-1\n");
	write_file(env_file, "experiment: exp-env\n");
	setenv("XDG_CONFIG_HOME", xdg, 1);

	reset();
	CHECK_INT(config_load(file, &cfg, &diags, &err), 0);
	CHECK_STR(cfg.path, file);
	CHECK_STR(cfg.experiment, "exp-1");

	/* $TRACELAB_CONFIG when there is no --config. */
	reset();
	setenv("TRACELAB_CONFIG", env_file, 1);
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_STR(cfg.experiment, "exp-env");
	reset();
	CHECK_INT(config_load(file, &cfg, &diags, &err), 0);
	CHECK_STR(cfg.experiment, "exp-1");
	unsetenv("TRACELAB_CONFIG");

	/* An explicit file must exist; the config is still the defaults. */
	reset();
	CHECK_INT(config_load("/nonexistent/tracelab.yaml", &cfg, &diags, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "/nonexistent/tracelab.yaml: No such file or directory");
	CHECK_STR(cfg.theme, "dark");
	CHECK_INT(cfg.nlabels, 3);
	CHECK_NULL(cfg.path);

	/* A syntax error: path:line:col, and defaults. */
	write_file(file, "theme: dark\nadvance: [yes\n");
	reset();
	CHECK_INT(config_load(file, &cfg, &diags, &err), -1);
	CHECK_INT(err.code, ERR_PARSE);
	CHECK_HAS(err.msg, "explicit.yaml:3:1: did not find expected ',' or ']'");
	CHECK_INT(cfg.advance, ADVANCE_COMPLETE);
	CHECK_INT(cfg.nlabels, 3);

	unsetenv("XDG_CONFIG_HOME");
	free(file);
	free(env_file);
	free(xdg);
}

TEST(user_keymap_file)
{
	char *dir = make_dir("xdg2/tracelab"), *root = test_path("xdg2");
	char *km_file = test_path("xdg2/tracelab/keymap.yaml");
	char *cfg_file = test_path("xdg2/tracelab/config.yaml");
	struct keymap km;
	struct keyseq seq;
	struct err err = { 0 };

	write_file(km_file, "list:\n  move-down: w\n");
	setenv("XDG_CONFIG_HOME", root, 1);

	/* No config file: the keymap next to where it would be is used. */
	reset();
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_INT(cfg.nkeymaps, 1);
	if (cfg.nkeymaps == 1)
		CHECK_STR(cfg.keymaps[0], km_file);
	keymap_init(&km);
	CHECK_INT(config_load_keymap(&cfg, &km, &diags, &err), 0);
	CHECK_INT(keyseq_parse("w", &seq, &err), 0);
	CHECK_INT(keymap_action(&km, KEYCTX_LIST, &seq), ACT_MOVE_DOWN);
	keymap_free(&km);

	/* `keymap:` replaces it. */
	write_file(cfg_file, "keymap: [less, emacs]\n");
	reset();
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_INT(cfg.nkeymaps, 2);
	if (cfg.nkeymaps == 2) {
		CHECK_STR(cfg.keymaps[0], "less");
		CHECK_STR(cfg.keymaps[1], "emacs");
	}
	keymap_init(&km);
	CHECK_INT(config_load_keymap(&cfg, &km, &diags, &err), 0);
	CHECK_INT(km.layers, 3);
	keymap_free(&km);

	/* An empty list means none at all. */
	write_file(cfg_file, "keymap: []\n");
	reset();
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	CHECK_INT(cfg.nkeymaps, 0);

	/* A keymap that cannot be found fails the keymap load. */
	write_file(cfg_file, "keymap: nosuch\n");
	reset();
	CHECK_INT(config_load(NULL, &cfg, &diags, &err), 0);
	keymap_init(&km);
	CHECK_INT(config_load_keymap(&cfg, &km, &diags, &err), -1);
	CHECK_HAS(err.msg, "no keymap named 'nosuch'");
	keymap_free(&km);
	CHECK_INT(diags.n, 0);

	unsetenv("XDG_CONFIG_HOME");
	free(dir);
	free(root);
	free(km_file);
	free(cfg_file);
}

TEST(example_config_is_clean_and_matches_defaults)
{
	size_t len;
	const char *data = embedded_get("examples/config.yaml", &len);
	struct config def;
	struct err err = { 0 };

	CHECK(data != NULL);
	if (!data)
		return;
	reset();
	CHECK_INT(config_load_buffer("examples/config.yaml", data, len, &cfg, &diags, &err), 0);
	CHECK_INT(diags.n, 0);
	CHECK_INT(config_load_buffer("empty.yaml", "", 0, &def, &diags, &err), 0);
	CHECK_STR(cfg.theme, def.theme);
	CHECK_INT(cfg.advance, def.advance);
	CHECK_INT(cfg.refresh_seconds, def.refresh_seconds);
	CHECK_INT(cfg.nlabels, def.nlabels);
	CHECK_STR(cfg.source_id, def.source_id);
	config_free(&def);
}

TEST(server_timeouts_the_environment_wins)
{
	const char *y = "connect_timeout: 3\nread_timeout: 7\nrequest_timeout: 0\n";
	struct err err = { 0 };

	reset();
	CHECK_INT(config_load_buffer("t.yaml", y, strlen(y), &cfg, &diags, &err), 0);
	CHECK_INT(diags.n, 0);
	CHECK_INT(cfg.connect_timeout, 3);
	CHECK_INT(cfg.read_timeout, 7);
	unsetenv("TRACELAB_CONNECT_TIMEOUT");
	setenv("TRACELAB_READ_TIMEOUT", "9", 1);
	unsetenv("MLFLOW_HTTP_REQUEST_TIMEOUT");
	config_export_timeouts(&cfg);
	CHECK_STR(getenv("TRACELAB_CONNECT_TIMEOUT"), "3");
	CHECK_STR(getenv("TRACELAB_READ_TIMEOUT"), "9");      /* set: it wins */
	CHECK(getenv("MLFLOW_HTTP_REQUEST_TIMEOUT") == NULL);  /* 0: the default */
	unsetenv("TRACELAB_CONNECT_TIMEOUT");
	unsetenv("TRACELAB_READ_TIMEOUT");
	reset();
	y = "connect_timeout: -1\n";
	CHECK_INT(config_load_buffer("t.yaml", y, strlen(y), &cfg, &diags, &err), 0);
	CHECK_INT(diags.n, 1);
}

/* ---- diagnostics --------------------------------------------------------- */

TEST(unknown_keys_and_wrong_types)
{
	const char *d = load_text("source_id: bob\n"
				  "colour: red\n"
				  "advance: maybe\n"
				  "refresh_seconds: soon\n"
				  "store: [a, b]\n"
				  "theme:\n"
				  "experiment: {x: 1}\n"
				  "keymap: {a: b}\n"
				  "labels: quality\n"
				  "source_id: \"\"\n"
				  "refresh_seconds: -3\n"
				  "refresh_seconds: 30\n");

	CHECK_STR(d, "c.yaml:2:1: unknown key 'colour' (ignored)\n"
		     "c.yaml:3:10: 'advance' expects complete, each or never, not 'maybe' (ignored)\n"
		     "c.yaml:4:18: 'refresh_seconds' expects a whole number of seconds (0 or more), "
		     "not 'soon' (ignored)\n"
		     "c.yaml:5:8: 'store' expects a path or URI, not a list (ignored)\n"
		     "c.yaml:7:13: 'experiment' expects an experiment name or id, not a mapping "
		     "(ignored)\n"
		     "c.yaml:8:9: 'keymap' expects a keymap name or file, or a list of them, not a "
		     "mapping (ignored)\n"
		     "c.yaml:9:9: 'labels' expects a list of label schemas, not 'quality' (ignored)\n"
		     "c.yaml:10:1: 'source_id' appears twice; this one wins\n"
		     "c.yaml:10:12: 'source_id' expects a non-empty string, not '' (ignored)\n"
		     "c.yaml:11:1: 'refresh_seconds' appears twice; this one wins\n"
		     "c.yaml:11:18: 'refresh_seconds' expects a whole number of seconds (0 or more), "
		     "not '-3' (ignored)\n"
		     "c.yaml:12:1: 'refresh_seconds' appears twice; this one wins");
	CHECK_INT(diag_count(&diags, DIAG_WARNING), 4);
	CHECK_INT(diag_count(&diags, DIAG_ERROR), 8);
	/* Bad values keep the defaults; good ones are taken. */
	CHECK_STR(cfg.source_id, "bob");
	CHECK_INT(cfg.advance, ADVANCE_COMPLETE);
	CHECK_INT(cfg.refresh_seconds, 30);
	CHECK_NULL(cfg.store);
	CHECK_STR(cfg.theme, "dark");
	CHECK_INT(cfg.nlabels, 3);
}

TEST(good_values)
{
	CHECK_STR(load_text("advance: off\nrefresh_seconds: 0\nexperiment: 12\ntheme: ~/t.yaml\n"
			    "keymap: emacs\nlabels: []\n"), "");
	CHECK_INT(cfg.advance, ADVANCE_NEVER);
	CHECK_INT(cfg.refresh_seconds, 0);
	CHECK_STR(cfg.experiment, "12");
	CHECK(cfg.theme[0] != '~');
	CHECK_INT(cfg.nkeymaps, 1);
	CHECK_INT(cfg.nlabels, 0);
	CHECK_STR(cfg.labels_path, "c.yaml");
}

TEST(not_a_mapping)
{
	CHECK_STR(load_text("- a\n"),
		  "ERR c.yaml:1:1: the configuration must be a mapping of option: value, not a list");
	CHECK_INT(cfg.nlabels, 3);
	CHECK_STR(load_text("# only comments\n"), "");
	CHECK_INT(cfg.nlabels, 3);
}

/* ---- label schemas ------------------------------------------------------- */

TEST(label_forms)
{
	const struct label_schema *l;

	CHECK_STR(load_text("labels:\n"
			    "  - name: ok\n"
			    "    type: boolean\n"
			    "    keys: {true: y, false: n}\n"
			    "  - name: pass\n"
			    "    type: boolean\n"
			    "    keys: [p, P]\n"
			    "  - name: score\n"
			    "    type: numeric\n"
			    "    min: 0.0\n"
			    "    max: 1.0\n"
			    "    keys: [F5, F6, F7]\n"
			    "  - name: half\n"
			    "    type: numeric\n"
			    "    min: 1\n"
			    "    max: 2\n"
			    "    keys: [F8, F9, F10]\n"
			    "  - name: stars\n"
			    "    type: numeric\n"
			    "    keys: {\"1\": 1, \"2\": 2.5}\n"
			    "  - name: issue\n"
			    "    type: categorical\n"
			    "    options: [billing, bug, other]\n"
			    "    keys: {b: billing, i: bug}\n"
			    "    rationale: required\n"
			    "  - name: topic\n"
			    "    type: categorical\n"
			    "    options: [a, b, c]\n"
			    "    keys: [\"] a\", \"] b\"]\n"
			    "  - name: why\n"
			    "    type: text\n"
			    "    keys: w\n"), "");
	CHECK_INT(cfg.nlabels, 8);
	l = config_label(&cfg, "ok");
	CHECK(l && l->nkeys == 2 && l->keys[0].seq.keys[0] == 'y' && strcmp(l->keys[0].value, "true") == 0);
	CHECK(l && l->nkeys == 2 && l->keys[1].seq.keys[0] == 'n' && strcmp(l->keys[1].value, "false") == 0);
	l = config_label(&cfg, "pass");
	CHECK(l && l->nkeys == 2 && strcmp(l->keys[1].value, "false") == 0);
	l = config_label(&cfg, "score");
	CHECK(l && l->nkeys == 3);
	if (l && l->nkeys == 3) {
		CHECK_STR(l->keys[0].value, "0.0");
		CHECK_STR(l->keys[1].value, "0.5");
		CHECK_STR(l->keys[2].value, "1.0");
	}
	l = config_label(&cfg, "half");
	CHECK(l && l->nkeys == 3);
	if (l && l->nkeys == 3) {
		CHECK_STR(l->keys[0].value, "1.0");
		CHECK_STR(l->keys[1].value, "1.5");
		CHECK_STR(l->keys[2].value, "2.0");
	}
	l = config_label(&cfg, "stars");
	CHECK(l && l->nkeys == 2 && !l->has_min && strcmp(l->keys[1].value, "2.5") == 0);
	l = config_label(&cfg, "issue");
	CHECK(l && l->noptions == 3 && l->rationale == RATIONALE_REQUIRED && l->nkeys == 2);
	if (l && l->nkeys == 2)
		CHECK_STR(l->keys[1].value, "bug");
	CHECK_INT(label_value_type(l), VT_TEXT);
	l = config_label(&cfg, "topic");
	CHECK(l && l->nkeys == 2 && l->keys[0].seq.n == 2 && strcmp(l->keys[1].value, "b") == 0);
	l = config_label(&cfg, "why");
	CHECK(l && l->nkeys == 1 && !l->keys[0].value);
}

TEST(questions_targets_required_and_labelling_options)
{
	const struct label_schema *l;

	CHECK_STR(load_text("advance: each\n"
			    "blind: true\n"
			    "time_on_item: false\n"
			    "labels:\n"
			    "  - name: correct\n"
			    "    type: boolean\n"
			    "    keys: [+, -]\n"
			    "  - name: tool_ok\n"
			    "    type: boolean\n"
			    "    target: span\n"
			    "    keys: [y, n]\n"
			    "  - name: notes\n"
			    "    type: text\n"
			    "    required: false\n"
			    "    target: any\n"
			    "    key: t\n"), "");
	CHECK_INT(cfg.advance, ADVANCE_EACH);
	CHECK(cfg.blind);
	CHECK(!cfg.time_on_item);
	CHECK_INT(cfg.nlabels, 3);
	l = config_label(&cfg, "correct");
	CHECK(l && l->required && l->target == QT_TRACE);
	l = config_label(&cfg, "tool_ok");
	CHECK(l && l->required && l->target == QT_SPAN);
	l = config_label(&cfg, "notes");
	CHECK(l && !l->required && l->target == QT_ANY);
	/* The defaults; older files' true / false. */
	CHECK_STR(load_text("theme: dark\n"), "");
	CHECK_INT(cfg.advance, ADVANCE_COMPLETE);
	CHECK(!cfg.blind);
	CHECK(cfg.time_on_item);
	CHECK_STR(load_text("advance: true\n"), "");
	CHECK_INT(cfg.advance, ADVANCE_COMPLETE);
	CHECK_STR(load_text("advance: never\n"), "");
	CHECK_INT(cfg.advance, ADVANCE_NEVER);
	/* Bad values name the place. */
	CHECK_STR(load_text("blind: sometimes\n"
			    "labels:\n"
			    "  - name: a\n"
			    "    type: boolean\n"
			    "    target: step\n"
			    "    keys: [+, -]\n"
			    "  - name: b\n"
			    "    type: boolean\n"
			    "    required: maybe\n"
			    "    keys: [y, n]\n"),
		  "c.yaml:1:8: 'blind' expects true or false, not 'sometimes' (ignored)\n"
		  "c.yaml:5:13: label 'a': unknown target 'step' (trace, span or any) (label skipped)\n"
		  "c.yaml:9:15: label 'b': 'required' expects true or false, not 'maybe' (label skipped)");
	CHECK_INT(cfg.nlabels, 0);
}

TEST(label_lookup_prefixes)
{
	const struct label_schema *l;
	const struct label_key *k;
	int keys[2] = { ']', 'b' };

	load_text("labels:\n"
		  "  - name: topic\n"
		  "    type: categorical\n"
		  "    options: [a, b]\n"
		  "    keys: [\"] a\", \"] b\"]\n");
	CHECK_INT(label_lookup(&cfg, keys, 1, &l, &k), KEYMATCH_PREFIX);
	CHECK_NULL(l);
	CHECK_INT(label_lookup(&cfg, keys, 2, &l, &k), KEYMATCH_ACTION);
	CHECK(l && strcmp(l->name, "topic") == 0);
	CHECK(k && strcmp(k->value, "b") == 0);
	keys[1] = 'z';
	CHECK_INT(label_lookup(&cfg, keys, 2, &l, &k), KEYMATCH_NONE);
	CHECK_INT(label_lookup(&cfg, keys, 0, &l, &k), KEYMATCH_NONE);
}

TEST(label_validation_messages)
{
	const char *d = load_text(
		"labels:\n"                                   /* 1 */
		"  - name: quality\n"                         /* 2 */
		"    type: numeric\n"                         /* 3 */
		"    min: 1\n"                                /* 4 */
		"    max: 5\n"                                /* 5 */
		"    keys: [\"1\", \"2\", \"3\", \"4\", \"5\"]\n" /* 6 */
		"  - name: dup\n"                             /* 7 */
		"    type: boolean\n"                         /* 8 */
		"    keys: {\"3\": true, \"0\": false}\n"     /* 9 */
		"  - name: topic\n"                           /* 10 */
		"    type: categorical\n"                     /* 11 */
		"    options: []\n"                           /* 12 */
		"  - name: range\n"                           /* 13 */
		"    type: numeric\n"                         /* 14 */
		"    min: 5\n"                                /* 15 */
		"    max: 1.5\n"                              /* 16 */
		"  - name: out\n"                             /* 17 */
		"    type: numeric\n"                         /* 18 */
		"    min: 1\n"                                /* 19 */
		"    max: 5\n"                                /* 20 */
		"    keys: {F1: 9}\n"                         /* 21 */
		"  - name: kind\n"                            /* 22 */
		"    type: stars\n"                           /* 23 */
		"  - type: boolean\n"                         /* 24 */
		"  - name: quality\n"                         /* 25 */
		"    type: text\n"                            /* 26 */
		"  - name: cat\n"                             /* 27 */
		"    type: categorical\n"                     /* 28 */
		"    options: [a, b, a]\n"                    /* 29 */
		"  - name: cat2\n"                            /* 30 */
		"    type: categorical\n"                     /* 31 */
		"    options: [a, b]\n"                       /* 32 */
		"    keys: {F2: c, F3: a}\n"                  /* 33 */
		"  - name: yn\n"                              /* 34 */
		"    type: boolean\n"                         /* 35 */
		"    keys: [F4, F5, F6]\n"                    /* 36 */
		"  - name: badkey\n"                          /* 37 */
		"    type: text\n"                            /* 38 */
		"    key: Hyper-x\n"                          /* 39 */
		"    colour: red\n"                           /* 40 */
		"  - name: steps\n"                           /* 41 */
		"    type: numeric\n"                         /* 42 */
		"    keys: [F7, F8]\n"                        /* 43 */
		"  - name: pre\n"                             /* 44 */
		"    type: text\n"                            /* 45 */
		"    key: \"1 2\"\n"                          /* 46 */
		"  - name: rat\n"                             /* 47 */
		"    type: text\n"                            /* 48 */
		"    rationale: sometimes\n"                  /* 49 */
		"  - just a string\n"                         /* 50 */
		"  - name: opts\n"                            /* 51 */
		"    type: boolean\n"                         /* 52 */
		"    options: [x]\n"                          /* 53 */
		"    min: 0\n"                                /* 54 */
		"  - name: \"bad\\tname\"\n"                 /* 55 */
		"    type: text\n"                           /* 56 */
		"  - name: self\n"                           /* 57 */
		"    type: numeric\n"                        /* 58 */
		"    keys: {F9: 1, \"F9 x\": 2}\n"          /* 59 */
		"  - name: twice\n"                          /* 60 */
		"    type: boolean\n"                        /* 61 */
		"    keys: [F11, F11]\n");                   /* 62 */

	CHECK_STR(d,
		  "c.yaml:9:12: label 'dup': key '3' is already used by label 'quality' (label skipped)\n"
		  "c.yaml:12:14: label 'topic': 'options' is empty (label skipped)\n"
		  "c.yaml:15:10: label 'range': min 5 is greater than max 1.5 (label skipped)\n"
		  "c.yaml:21:16: label 'out': value 9 is outside min..max (label skipped)\n"
		  "c.yaml:23:11: label 'kind': unknown type 'stars' (boolean, numeric, categorical or text) "
		  "(label skipped)\n"
		  "c.yaml:24:5: a label needs a name (label skipped)\n"
		  "c.yaml:25:11: label 'quality': defined twice (label skipped)\n"
		  "c.yaml:29:21: label 'cat': option 'a' appears twice (label skipped)\n"
		  "c.yaml:33:16: label 'cat2': 'c' is not one of the options (label skipped)\n"
		  "c.yaml:36:11: label 'yn': a boolean label takes two keys: [true-key, false-key] "
		  "(label skipped)\n"
		  "c.yaml:40:5: unknown key 'colour' in a label (ignored)\n"
		  "c.yaml:39:10: label 'badkey': unknown key 'Hyper-x' (label skipped)\n"
		  "c.yaml:43:11: label 'steps': a list of keys needs min and max (label skipped)\n"
		  "c.yaml:46:10: label 'pre': key '1 2' clashes with key '1' of label 'quality' "
		  "(label skipped)\n"
		  "c.yaml:49:16: label 'rat': unknown rationale 'sometimes' (none, optional or required) "
		  "(label skipped)\n"
		  "c.yaml:50:5: a label must be a mapping (name, type, keys, ...), not a scalar "
		  "(label skipped)\n"
		  "c.yaml:54:10: label 'opts': 'min' is only for numeric labels (ignored)\n"
		  "c.yaml:53:14: label 'opts': 'options' is only for categorical labels (ignored)\n"
		  "c.yaml:55:11: the name 'bad^Iname' holds control characters (label skipped)\n"
		  "c.yaml:59:19: label 'self': key 'F9 x' clashes with its key 'F9' (label skipped)\n"
		  "c.yaml:62:17: label 'twice': key 'F11' appears twice (label skipped)");
	CHECK_INT(cfg.nlabels, 2);
	CHECK(config_label(&cfg, "quality") != NULL);
	CHECK(config_label(&cfg, "opts") != NULL);
	CHECK_NULL(config_label(&cfg, "dup"));
}

TEST(labels_shadowing_navigation)
{
	struct keymap km;
	struct err err = { 0 };
	const char *user = "list:\n  move-down: \"1\"\ntree:\n  toggle-fold: \"+ +\"\n";
	char *d;

	/* The default labels are free in the default keymap. */
	load_text("theme: dark\n");
	keymap_init(&km);
	CHECK_INT(keymap_load_defaults(&km, &diags, &err), 0);
	config_check_labels(&cfg, &km, &diags);
	CHECK_INT(cfg.nlabels, 3);
	CHECK_INT(diags.n, 0);

	/* A user keymap taking "1" in the list and starting "+ +" in the tree. */
	CHECK_INT(keymap_load_buffer(&km, "k.yaml", user, strlen(user), &diags, &err), 0);
	config_check_labels(&cfg, &km, &diags);
	d = diag_join(&diags);
	CHECK_STR(d, "examples/config.yaml:83:12: label 'user_satisfaction': key '+' begins a "
		     "longer key binding in tree (label skipped)\n"
		     "examples/config.yaml:90:12: label 'quality': key '1' is bound to 'move-down' in "
		     "list (label skipped)");
	free(d);
	CHECK_INT(cfg.nlabels, 1);
	CHECK(config_label(&cfg, "notes") != NULL);
	keymap_free(&km);

	/* A label key starting with a navigation key, and one bound globally. */
	load_text("labels:\n"
		  "  - name: a\n"
		  "    type: text\n"
		  "    key: \"g 1\"\n"
		  "  - name: b\n"
		  "    type: text\n"
		  "    key: j\n"
		  "  - name: c\n"
		  "    type: text\n"
		  "    key: \"] x\"\n");
	keymap_init(&km);
	CHECK_INT(keymap_load_defaults(&km, &diags, &err), 0);
	config_check_labels(&cfg, &km, &diags);
	d = diag_join(&diags);
	CHECK_STR(d, "c.yaml:4:10: label 'a': key 'g 1' begins with 'g', bound to 'move-first' in "
		     "list (label skipped)\n"
		     "c.yaml:7:10: label 'b': key 'j' is bound to 'move-down' in list (label skipped)");
	free(d);
	/* "] x" does not clash: "]" only begins longer bindings. */
	CHECK_INT(cfg.nlabels, 1);
	CHECK(config_label(&cfg, "c") != NULL);
	keymap_free(&km);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("TRACELAB_CONFIG");
	RUN(yaml_syntax_errors);
	RUN(yaml_nodes_and_marks);
	RUN(diag_print_format);
	RUN(defaults_without_a_file);
	RUN(default_labels);
	RUN(xdg_and_home_paths);
	RUN(explicit_and_env_paths);
	RUN(user_keymap_file);
	RUN(example_config_is_clean_and_matches_defaults);
	RUN(unknown_keys_and_wrong_types);
	RUN(good_values);
	RUN(not_a_mapping);
	RUN(label_forms);
	RUN(questions_targets_required_and_labelling_options);
	RUN(label_lookup_prefixes);
	RUN(label_validation_messages);
	RUN(labels_shadowing_navigation);
	RUN(server_timeouts_the_environment_wins);
	reset();
	TEST_MAIN_END();
}
