/*
 * Fuzz target: the YAML loaders (config/config.h, config/keymap.h,
 * config/theme.h), each fed the same document from memory.
 *
 * Checks: a loader returns 0 or -1; -1 comes with a message naming the
 * file; every diagnostic reads "fuzz.yaml:LINE:COL: message"; what loaded
 * is usable (every theme colour in -1..255, key lookups and key lists work,
 * the configuration's required strings are set and its labels complete);
 * nothing leaks.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/diag.h"
#include "config/keymap.h"
#include "config/theme.h"
#include "core/action.h"
#include "fuzz_safe.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.yaml"

/* The default keymap, loaded once (the labels are checked against it). */
static struct keymap defaults;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err err = { 0 };

	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	/* Keep the loaders away from the real user's files. */
	setenv("XDG_CONFIG_HOME", "/nonexistent/tracelab-fuzz", 1);
	setenv("HOME", "/nonexistent/tracelab-fuzz", 1);
	unsetenv("TRACELAB_CONFIG");
	keymap_init(&defaults);
	if (keymap_load_defaults(&defaults, NULL, &err) != 0) {
		fprintf(stderr, "default keymap: %s\n", err.msg);
		abort();
	}
	return 0;
}

/* "fuzz.yaml:<line>:<col>: " */
static void check_where(const char *what, const char *msg)
{
	const char *p = msg;
	int k;

	if (strncmp(p, NAME ":", strlen(NAME ":")) != 0)
		FUZZ_FAIL("%s: message does not name the file: [%s]", what, msg);
	p += strlen(NAME ":");
	for (k = 0; k < 2; k++) {
		if (*p < '0' || *p > '9')
			FUZZ_FAIL("%s: message lacks line:col: [%s]", what, msg);
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p != ':')
			FUZZ_FAIL("%s: message lacks line:col: [%s]", what, msg);
		p++;
	}
}

static void check_diags(const char *what, const struct diag_list *dl)
{
	size_t i;

	for (i = 0; i < dl->n; i++) {
		if (!dl->v[i].msg)
			FUZZ_FAIL("%s: diagnostic without text", what);
		check_where(what, dl->v[i].msg);
	}
}

static void check_err(const char *what, const struct err *err)
{
	if (!err->msg[0])
		FUZZ_FAIL("%s failed without a message", what);
	if (!strstr(err->msg, NAME))
		FUZZ_FAIL("%s: error does not name the file: [%s]", what, err->msg);
}

static void fuzz_keymap(const char *data, size_t size)
{
	struct keymap km;
	struct diag_list dl = { 0 };
	struct err err = { 0 };
	int ctx, a;

	/* On an empty keymap (loading the defaults every time is slow; the
	 * layering itself is the same code path for every layer). */
	keymap_init(&km);
	if (keymap_load_buffer(&km, NAME, data, size, &dl, &err) != 0)
		check_err("keymap_load_buffer", &err);
	check_diags("keymap", &dl);
	for (ctx = 0; ctx < KEYCTX_COUNT_; ctx++) {
		size_t n, i;
		const struct keybinding *b = keymap_bindings(&km, (enum keyctx)ctx, &n);

		for (i = 0; i < n; i++) {
			enum action got;

			if (b[i].action >= ACT_COUNT_)
				FUZZ_FAIL("binding to action %d", (int)b[i].action);
			if (b[i].seq.n <= 0 || b[i].seq.n > KEYSEQ_MAX)
				FUZZ_FAIL("binding of %d keys", b[i].seq.n);
			(void)keymap_lookup(&km, (enum keyctx)ctx, b[i].seq.keys, b[i].seq.n, &got);
		}
		for (a = 1; a < ACT_COUNT_; a += 7)
			free(keymap_keys_str(&km, (enum keyctx)ctx, (enum action)a, true));
	}
	keymap_free(&km);
	diag_list_free(&dl);
}

static void fuzz_theme(const char *data, size_t size)
{
	struct theme t;
	struct diag_list dl = { 0 };
	struct err err = { 0 };
	int s;

	theme_init(&t);
	if (theme_load_buffer(&t, NAME, data, size, &dl, &err) != 0)
		check_err("theme_load_buffer", &err);
	check_diags("theme", &dl);
	for (s = 0; s < SLOT_COUNT_; s++) {
		const struct theme_style *st = theme_style(&t, (enum slot)s);

		if (st->fg < -1 || st->fg > 255 || st->bg < -1 || st->bg > 255)
			FUZZ_FAIL("slot %s: colours %d/%d", slot_name((enum slot)s), st->fg, st->bg);
		(void)theme_mono_attrs(&t, (enum slot)s);
		if (theme_color_reduce(st->fg, 8) > 7 || theme_color_reduce(st->bg, 16) > 15)
			FUZZ_FAIL("slot %s: colour reduction out of range", slot_name((enum slot)s));
	}
	theme_free(&t);
	diag_list_free(&dl);
}

static void fuzz_config(const char *data, size_t size)
{
	struct config c;
	struct diag_list dl = { 0 };
	struct err err = { 0 };
	size_t i;

	if (config_load_buffer(NAME, data, size, &c, &dl, &err) != 0)
		check_err("config_load_buffer", &err);
	check_diags("config", &dl);
	if (!c.source_id || !c.theme)
		FUZZ_FAIL("configuration without source_id or theme");
	for (i = 0; i < c.nlabels; i++) {
		const struct label_schema *l = &c.labels[i];

		if (!l->name)
			FUZZ_FAIL("label %zu without a name", i);
		if (l->type >= LABEL_TYPE_COUNT_)
			FUZZ_FAIL("label %s of type %d", l->name, (int)l->type);
		if (l->type == LABEL_CATEGORICAL && !l->noptions)
			FUZZ_FAIL("categorical label %s without options", l->name);
		if (config_label(&c, l->name) == NULL)
			FUZZ_FAIL("label %s cannot be found by name", l->name);
	}
	/* The labels against the default keymap (the user's keymaps are files
	 * this target does not read). */
	diag_list_free(&dl);
	config_check_labels(&c, &defaults, &dl);
	check_diags("config labels", &dl);
	for (i = 0; i < c.nlabels; i++) {
		size_t k;

		for (k = 0; k < c.labels[i].nkeys; k++) {
			const struct label_key *key = NULL;

			if (!label_for_key(&c, &c.labels[i].keys[k].seq, &key))
				FUZZ_FAIL("label %s: its key %zu finds no label", c.labels[i].name, k);
		}
	}
	config_free(&c);
	diag_list_free(&dl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_keymap((const char *)data, size);
	fuzz_theme((const char *)data, size);
	fuzz_config((const char *)data, size);
	return 0;
}
