/*
 * Key bindings as the browser sees them: the keymap (config/keymap.h:
 * the embedded default, then the configured layers) looked up by context
 * name, and the keys of an action for the help screen and the hints.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/keymap.h"
#include "core/util.h"
#include "ui/app.h"

const char *const ui_contexts[] = {
#define X_(id, name, fallback, help) name,
	KEYCTX_LIST(X_)
#undef X_
	NULL,
};

struct ui_keys {
	struct keymap km;
};

int ui_keys_load(struct ui *ui, struct err *err)
{
	struct ui_keys *k = xcalloc(1, sizeof *k);
	struct diag_list diags;
	int rc;

	memset(&diags, 0, sizeof diags);
	keymap_init(&k->km);
	if (ui->cfg)
		rc = config_load_keymap(ui->cfg, &k->km, &diags, err);
	else
		rc = keymap_load_defaults(&k->km, &diags, err);
	if (rc == 0 && ui->args->keymap && *ui->args->keymap)
		rc = keymap_load_named(&k->km, ui->args->keymap, &diags, err);
	if (rc < 0) {
		diag_list_free(&diags);
		ui_keys_free(k);
		return -1;
	}
	if (diags.n) {
		ui_msg(ui, SLOT_MSG_ERROR, "keymap: %s%s", diags.v[0].msg,
		       diags.n > 1 ? " (and more)" : "");
	}
	diag_list_free(&diags);
	ui->keys = k;
	return 0;
}

void ui_keys_free(struct ui_keys *k)
{
	if (!k)
		return;
	keymap_free(&k->km);
	free(k);
}

const struct keymap *ui_keymap(const struct ui *ui)
{
	return &ui->keys->km;
}

int ui_keys_lookup(const struct ui_keys *k, const char *ctx, const int *keys, int n,
		   enum action *out)
{
	int c = ctx ? keyctx_by_name(ctx) : KEYCTX_GLOBAL;
	enum action a = ACT_NONE;

	if (c < 0)
		c = KEYCTX_GLOBAL;
	switch (keymap_lookup(&k->km, (enum keyctx)c, keys, n, &a)) {
	case KEYMATCH_ACTION:
		*out = a;
		return a != ACT_NONE ? KB_MATCH : KB_NONE;
	case KEYMATCH_PREFIX:
		*out = a;
		return KB_PREFIX | (a != ACT_NONE ? KB_MATCH : 0);
	default:
		return KB_NONE;
	}
}

void ui_keys_each(const struct ui_keys *k, const char *ctx, enum action a,
		  void (*fn)(const struct keyseq *ks, void *arg), void *arg)
{
	int c = keyctx_by_name(ctx);
	struct keyseq *seqs;
	size_t n, i, got;

	if (c < 0)
		return;
	n = keymap_keys(&k->km, (enum keyctx)c, a, false, NULL, 0);
	if (!n)
		return;
	seqs = xcalloc(n, sizeof *seqs);
	got = keymap_keys(&k->km, (enum keyctx)c, a, false, seqs, n);
	for (i = 0; i < got && i < n; i++)
		fn(&seqs[i], arg);
	free(seqs);
}
