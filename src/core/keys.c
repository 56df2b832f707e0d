#include "core/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/textbuf.h"

/* Named keys.  The first row of each key is its canonical name; later rows
 * are aliases accepted by the parser. */
static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", TBK_ENTER },
	{ "Return", TBK_ENTER },
	{ "CR", TBK_ENTER },
	{ "Ret", TBK_ENTER },
	{ "Tab", TBK_TAB },
	{ "BackTab", TBK_BACKTAB },
	{ "Esc", TBK_ESC },
	{ "Escape", TBK_ESC },
	{ "Space", TBK_SPACE },
	{ "Spc", TBK_SPACE },
	{ "Backspace", TBK_BACKSPACE },
	{ "BS", TBK_BACKSPACE },
	{ "BkSp", TBK_BACKSPACE },
	{ "Delete", TBK_DELETE },
	{ "Del", TBK_DELETE },
	{ "Insert", TBK_INSERT },
	{ "Ins", TBK_INSERT },
	{ "Home", TBK_HOME },
	{ "End", TBK_END },
	{ "PgUp", TBK_PGUP },
	{ "PageUp", TBK_PGUP },
	{ "PPage", TBK_PGUP },
	{ "PgDn", TBK_PGDN },
	{ "PageDown", TBK_PGDN },
	{ "PgDown", TBK_PGDN },
	{ "NPage", TBK_PGDN },
	{ "Up", TBK_UP },
	{ "Down", TBK_DOWN },
	{ "Left", TBK_LEFT },
	{ "Right", TBK_RIGHT },
	{ "Resize", TBK_RESIZE },
};

/* Names for printable characters, as vim spells them inside <...>.  Only
 * accepted, never produced. */
static const struct {
	const char *name;
	int key;
} char_aliases[] = {
	{ "lt", '<' },
	{ "gt", '>' },
	{ "Bar", '|' },
	{ "Bslash", '\\' },
	{ "Minus", '-' },
	{ "Plus", '+' },
};

/* Modifier prefixes, longest spellings first within a modifier. */
enum mod { MOD_CTRL, MOD_ALT, MOD_SHIFT };

static const struct {
	const char *prefix;
	enum mod mod;
} mod_prefixes[] = {
	{ "Control-", MOD_CTRL },
	{ "Ctrl-", MOD_CTRL },
	{ "C-", MOD_CTRL },
	{ "Meta-", MOD_ALT },
	{ "Alt-", MOD_ALT },
	{ "M-", MOD_ALT },
	{ "A-", MOD_ALT },
	{ "Shift-", MOD_SHIFT },
	{ "S-", MOD_SHIFT },
};

/* Quotes a piece of user text for a message (sanitised, caller frees). */
static char *quote(const char *s, size_t n)
{
	if (n > 40)
		n = 40;
	return sanitize_dup(s, n);
}

static int bad_key(struct err *err, const char *what, const char *s, size_t n)
{
	char *q = quote(s, n);

	err_set(err, ERR_USAGE, "%s '%s'", what, q);
	free(q);
	return -1;
}

static bool name_eq(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* One code point making up the whole of s[0..n), or -1. */
static int single_char(const char *s, size_t n)
{
	uint32_t cp;
	int used = utf8_decode(s, n, &cp);

	if (used <= 0 || (size_t)used != n)
		return -1;
	return (int)cp;
}

/* "U+XXXX" */
static int unicode_name(const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n < 3 || n > 8 || (s[0] != 'U' && s[0] != 'u') || s[1] != '+')
		return -1;
	for (i = 2; i < n; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + (unsigned long)d;
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	return (int)v;
}

/* "F1".."F12" */
static int function_key(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	if (n < 2 || n > 3 || (s[0] != 'F' && s[0] != 'f'))
		return -1;
	for (i = 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (s[1] == '0' || v < 1 || v > 12)
		return -1;
	return TBK_F1 + v - 1;
}

/* A key without modifiers: a name or one character. */
static int plain_key(const char *s, size_t n)
{
	size_t i;
	int k;

	if (n == 0)
		return -1;
	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (name_eq(s, n, key_names[i].name))
			return key_names[i].key;
	for (i = 0; i < sizeof char_aliases / sizeof char_aliases[0]; i++)
		if (name_eq(s, n, char_aliases[i].name))
			return char_aliases[i].key;
	if ((k = function_key(s, n)) >= 0)
		return k;
	if ((k = unicode_name(s, n)) >= 0)
		return k;
	k = single_char(s, n);
	if (k < 0x20 && k >= 0)
		return -1;  /* control characters are written by name */
	return k;
}

/* Ctrl plus a key: letters (either case) and @ [ \ ] ^ _ ? and Space. */
static int ctrl_key(int k)
{
	if (k >= 'a' && k <= 'z')
		return k - 'a' + 1;
	if (k >= '@' && k <= '_')
		return k - '@';
	if (k == TBK_SPACE)
		return 0;
	if (k == '?')
		return 127;
	return -1;
}

/* Parses one key token (no spaces) into keys[]; returns how many keys it
 * made (1, or 2 for Alt), or -1. */
static int parse_token(const char *s, size_t n, int *keys, struct err *err)
{
	size_t i;
	int k;

	if (n >= 3 && s[0] == '<' && s[n - 1] == '>')
		return parse_token(s + 1, n - 2, keys, err);
	if (n == 2 && s[0] == '^') {
		k = ctrl_key(s[1] >= 'A' && s[1] <= 'Z' ? s[1] - 'A' + 'a' : s[1]);
		if (k < 0)
			return bad_key(err, "unknown key", s, n);
		keys[0] = k;
		return 1;
	}
	for (i = 0; i < sizeof mod_prefixes / sizeof mod_prefixes[0]; i++) {
		size_t pl = strlen(mod_prefixes[i].prefix);
		int sub[2];

		if (n <= pl || strncasecmp(s, mod_prefixes[i].prefix, pl) != 0)
			continue;
		switch (mod_prefixes[i].mod) {
		case MOD_ALT:
			/* A terminal sends Alt-x as Esc then x. */
			if (parse_token(s + pl, n - pl, sub, err) != 1)
				return bad_key(err, "unknown key", s, n);
			keys[0] = TBK_ESC;
			keys[1] = sub[0];
			return 2;
		case MOD_CTRL:
			k = plain_key(s + pl, n - pl);
			if (k >= 'A' && k <= 'Z')
				k = k - 'A' + 'a';
			k = k < 0 ? -1 : ctrl_key(k);
			if (k < 0)
				return bad_key(err, "unknown key", s, n);
			keys[0] = k;
			return 1;
		case MOD_SHIFT:
			k = plain_key(s + pl, n - pl);
			if (k == TBK_TAB)
				k = TBK_BACKTAB;
			else if (k >= 'a' && k <= 'z')
				k = k - 'a' + 'A';
			else
				return bad_key(err, "unknown key", s, n);
			keys[0] = k;
			return 1;
		}
	}
	k = plain_key(s, n);
	if (k < 0)
		return bad_key(err, "unknown key", s, n);
	keys[0] = k;
	return 1;
}

int keyseq_parse(const char *text, struct keyseq *out, struct err *err)
{
	const char *p = text;
	struct keyseq ks = { { 0 }, 0 };

	if (!text)
		return err_set(err, ERR_USAGE, "empty key");
	/* A lone space is the space key. */
	if (strcmp(text, " ") == 0) {
		out->keys[0] = TBK_SPACE;
		out->n = 1;
		return 0;
	}
	for (;;) {
		const char *start;
		int got[2], m, i;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ')
			p++;
		m = parse_token(start, (size_t)(p - start), got, err);
		if (m < 0)
			return -1;
		if (ks.n + m > KEYSEQ_MAX)
			return bad_key(err, "too many keys (at most 3) in", text, strlen(text));
		for (i = 0; i < m; i++)
			ks.keys[ks.n++] = got[i];
	}
	if (ks.n == 0)
		return err_set(err, ERR_USAGE, "empty key");
	*out = ks;
	return 0;
}

void key_name(int key, char *buf, size_t size)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].key == key) {
			snprintf(buf, size, "%s", key_names[i].name);
			return;
		}
	}
	if (key >= TBK_F1 && key <= TBK_F12) {
		snprintf(buf, size, "F%d", key - TBK_F1 + 1);
	} else if (key == 0) {
		snprintf(buf, size, "Ctrl-Space");
	} else if (key >= 1 && key <= 26) {
		snprintf(buf, size, "Ctrl-%c", 'a' + key - 1);
	} else if (key > 26 && key < 0x20) {
		snprintf(buf, size, "Ctrl-%c", '@' + key);
	} else if (key == 127) {
		snprintf(buf, size, "Ctrl-?");
	} else if (key > 0x20 && key <= 0x10FFFF && !(key >= 0xD800 && key <= 0xDFFF) &&
		   !cp_needs_escape((uint32_t)key)) {
		char u[5];
		int n = utf8_encode((uint32_t)key, u);

		snprintf(buf, size, "%.*s", n, u);
	} else if (key > 0 && key <= 0x10FFFF) {
		snprintf(buf, size, "U+%04X", (unsigned)key);
	} else {
		snprintf(buf, size, "Key%d", key);
	}
}

void keyseq_name(const struct keyseq *k, char *buf, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	char one[KEY_NAME_MAX];
	int i;

	if (!size)
		return;
	for (i = 0; i < k->n; i++) {
		if (sb.len)
			sb_addc(&sb, ' ');
		if (k->keys[i] == TBK_ESC && i + 1 < k->n) {
			sb_adds(&sb, "Alt-");
			i++;
		}
		key_name(k->keys[i], one, sizeof one);
		sb_adds(&sb, one);
	}
	snprintf(buf, size, "%s", sb_str(&sb));
	sb_free(&sb);
}

bool keyseq_eq(const struct keyseq *a, const struct keyseq *b)
{
	return a->n == b->n && memcmp(a->keys, b->keys, (size_t)a->n * sizeof a->keys[0]) == 0;
}

bool keyseq_starts(const struct keyseq *k, const int *keys, int n)
{
	return n >= 0 && n <= k->n && memcmp(k->keys, keys, (size_t)n * sizeof keys[0]) == 0;
}
