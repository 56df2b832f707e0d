#ifndef TB_CORE_KEYS_H
#define TB_CORE_KEYS_H
/*
 * Key codes independent of the terminal library: Unicode code points for
 * text keys (Ctrl-a..Ctrl-z are 1..26, Tab 9, Enter 13, Esc 27, Backspace
 * 127 is TBK_BACKSPACE) and TBK_* above the Unicode range for the rest.
 * The UI maps its terminal's key codes onto these.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum {
	TBK_TAB = 9,
	TBK_ENTER = 13,
	TBK_ESC = 27,
	TBK_SPACE = 32,
	TBK_BASE_ = 0x110000,
	TBK_UP,
	TBK_DOWN,
	TBK_LEFT,
	TBK_RIGHT,
	TBK_HOME,
	TBK_END,
	TBK_PGUP,
	TBK_PGDN,
	TBK_INSERT,
	TBK_DELETE,
	TBK_BACKSPACE,
	TBK_BACKTAB,
	TBK_RESIZE,
	TBK_F1,
	TBK_F12 = TBK_F1 + 11,
	TBK_LAST_
};

#define KEYSEQ_MAX 3
/* Buffer sizes that always hold key_name / keyseq_name results. */
#define KEY_NAME_MAX 16
#define KEYSEQ_NAME_MAX 64

/* A key sequence ("g g", "] u", "Ctrl-d", "PgDn", "<C-r>", "Space", "F1").
 * Names are case-sensitive for single characters ("G" is shift-g). */
struct keyseq {
	int keys[KEYSEQ_MAX];
	int n;
};

/* Parses a key sequence of up to KEYSEQ_MAX keys separated by spaces.
 * A key is one character ("j", "G", "?", "é"), a name (Enter/Return, Tab,
 * BackTab/S-Tab, Esc, Space, Backspace, Delete, Insert, Home, End,
 * PgUp/PageUp, PgDn/PageDown, Up, Down, Left, Right, F1..F12, U+XXXX;
 * names ignore case), Ctrl-x / C-x / ^X, Alt-x / M-x (two keys: Esc, x),
 * or any of these inside <...> as in vim ("<C-d>", "<CR>", "<lt>").
 * On failure err (ERR_USAGE) names the bad part: "unknown key 'Foo'". */
int keyseq_parse(const char *text, struct keyseq *out, struct err *err);
/* Canonical name of one key ("Ctrl-d", "PgDn", "j", "Enter"). */
void key_name(int key, char *buf, size_t size);
/* Canonical text of a sequence, keys separated by spaces.  Esc followed
 * by another key is written "Alt-<key>" (what a terminal sends for Alt). */
void keyseq_name(const struct keyseq *k, char *buf, size_t size);
/* Same keys in the same order. */
bool keyseq_eq(const struct keyseq *a, const struct keyseq *b);
/* The first n keys of k are keys[0..n-1] (n <= k->n). */
bool keyseq_starts(const struct keyseq *k, const int *keys, int n);

#endif
