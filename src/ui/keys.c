/*
 * Key bindings as the browser sees them (ui/keys.h).
 */
#include "ui/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/keymap.h"
#include "core/util.h"
#include "ui/ui.h"

const char *const ui_contexts[] = {
#define X_(id, name, fallback, help) name,
	KEYCTX_LIST(X_)
#undef X_
	NULL,
};

struct ui_keys {
	struct keymap km;
};

int ui_keys_load(struct ui_keys **out, const struct config *cfg, const char *keymap,
		 const struct msg_sink *msgs, struct err *err)
{
	struct ui_keys *k = xcalloc(1, sizeof *k);
	struct diag_list diags;
	int rc;

	memset(&diags, 0, sizeof diags);
	keymap_init(&k->km);
	if (cfg)
		rc = config_load_keymap(cfg, &k->km, &diags, err);
	else
		rc = keymap_load_defaults(&k->km, &diags, err);
	if (rc == 0 && keymap && *keymap)
		rc = keymap_load_named(&k->km, keymap, &diags, err);
	if (rc < 0) {
		diag_list_free(&diags);
		ui_keys_free(k);
		return -1;
	}
	if (diags.n)
		msg_say(msgs, SLOT_MSG_ERROR, "keymap: %s%s", diags.v[0].msg,
			diags.n > 1 ? " (and more)" : "");
	diag_list_free(&diags);
	*out = k;
	return 0;
}

void ui_keys_free(struct ui_keys *k)
{
	if (!k)
		return;
	keymap_free(&k->km);
	free(k);
}

const struct keymap *ui_keys_keymap(const struct ui_keys *k)
{
	return &k->km;
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

/* ---- keys for help and hints -------------------------------------------- */

struct keys_acc {
	struct strbuf *out;
	size_t max, count;
};

static void acc_key(const struct keyseq *ks, void *arg)
{
	struct keys_acc *acc = arg;
	char name[64];

	if (acc->max && acc->count >= acc->max)
		return;
	keyseq_name(ks, name, sizeof name);
	if (acc->count++)
		sb_adds(acc->out, ", ");
	sb_adds(acc->out, name);
}

void ui_keys_names(const struct ui_keys *k, const char *ctx, enum action a, struct strbuf *out,
		   size_t max)
{
	struct keys_acc acc = { out, max, 0 };

	if (ctx)
		ui_keys_each(k, ctx, a, acc_key, &acc);
	if (!acc.count && (!ctx || strcmp(ctx, "editor") != 0))
		ui_keys_each(k, "global", a, acc_key, &acc);
}

void ui_keys_hint(const struct ui_keys *k, const char *ctx, enum action a, const char *label,
		  struct strbuf *out)
{
	struct strbuf key = STRBUF_INIT;

	ui_keys_names(k, ctx, a, &key, 1);
	if (key.len) {
		if (out->len)
			sb_adds(out, "  ");
		sb_addf(out, "%s %s", sb_str(&key), label);
	}
	sb_free(&key);
}

/* ---- every action with its keys ----------------------------------------- */

/* "j, Down; tree: x": the keys of every context, the global ones first
 * without a name. */
static void all_keys(const struct ui_keys *k, enum action a, struct strbuf *keys)
{
	size_t c;

	for (c = 0; ui_contexts[c]; c++) {
		struct strbuf one = STRBUF_INIT;

		ui_keys_each(k, ui_contexts[c], a, acc_key, &(struct keys_acc){ &one, 0, 0 });
		if (one.len) {
			if (keys->len)
				sb_adds(keys, "; ");
			if (strcmp(ui_contexts[c], "global") != 0)
				sb_addf(keys, "%s: ", ui_contexts[c]);
			sb_add(keys, one.buf, one.len);
		}
		sb_free(&one);
	}
}

int ui_each_action(const struct ui_args *args,
		   void (*fn)(void *arg, const struct action_info *ai, const char *keys),
		   void *arg, struct err *err)
{
	struct ui_keys *k;
	int a, g;

	/* Problems in the keymap are the browser's to show; here the keys
	 * that did load are listed. */
	if (ui_keys_load(&k, args->config, args->keymap, NULL, err) < 0)
		return -1;
	for (g = 0; g < AG_COUNT_; g++) {
		for (a = 1; a < ACT_COUNT_; a++) {
			const struct action_info *ai = action_info((enum action)a);
			struct strbuf keys = STRBUF_INIT;

			if ((int)ai->group != g)
				continue;
			all_keys(k, (enum action)a, &keys);
			fn(arg, ai, sb_str(&keys));
			sb_free(&keys);
		}
	}
	ui_keys_free(k);
	return 0;
}

static void print_action(void *arg, const struct action_info *ai, const char *keys)
{
	int *group = arg;

	if ((int)ai->group != *group) {
		*group = (int)ai->group;
		printf("%s\n", action_group_title(ai->group));
	}
	printf("  %-20s %-44s %s\n", ai->name, ai->help, keys);
}

int ui_list_actions(const struct ui_args *args, struct err *err)
{
	int group = -1;

	return ui_each_action(args, print_action, &group, err);
}
