#ifndef TB_UI_KEYS_H
#define TB_UI_KEYS_H
/*
 * Key bindings as the browser sees them: the keymap (config/keymap.h: the
 * embedded default, then the configured layers, then --keymap) looked up
 * by context name, and the keys of an action as text for the help screen,
 * the hints and the manual page.
 *
 * struct ui_keys is owned by whoever loads it and freed with
 * ui_keys_free.  Problems in a keymap file go to the message sink the
 * caller passes (the first one, "and more" when there are others).
 */
#include <stddef.h>

#include "core/action.h"
#include "core/keys.h"
#include "core/msg.h"
#include "core/strbuf.h"
#include "core/err.h"

struct config;
struct keymap;
struct ui_keys;

enum {
	KB_NONE   = 0,       /* no binding starts with these keys */
	KB_MATCH  = 1u << 0, /* *out is the action bound to exactly these keys */
	KB_PREFIX = 1u << 1, /* a longer binding starts with them */
};

/* The keymap of cfg (NULL: the defaults) with the keymap named keymap
 * (NULL or "": none) layered on top. */
int ui_keys_load(struct ui_keys **out, const struct config *cfg, const char *keymap,
		 const struct msg_sink *msgs, struct err *err);
void ui_keys_free(struct ui_keys *k);
/* Looks keys up in ctx, then in global; KB_* bits. */
int ui_keys_lookup(const struct ui_keys *k, const char *ctx, const int *keys, int n,
		   enum action *out);
/* Every key sequence bound to a in ctx exactly (not global); calls fn. */
void ui_keys_each(const struct ui_keys *k, const char *ctx, enum action a,
		  void (*fn)(const struct keyseq *ks, void *arg), void *arg);
/* Keys bound to an action in a context (else global), "j, Down", at most
 * max of them (0: all); nothing if none. */
void ui_keys_names(const struct ui_keys *k, const char *ctx, enum action a, struct strbuf *out,
		   size_t max);
/* Appends "KEY label" (after two spaces, when out is not empty) when the
 * action has a key. */
void ui_keys_hint(const struct ui_keys *k, const char *ctx, enum action a, const char *label,
		  struct strbuf *out);
const struct keymap *ui_keys_keymap(const struct ui_keys *k);
/* The contexts, in help order (NULL-terminated). */
extern const char *const ui_contexts[];

#endif
