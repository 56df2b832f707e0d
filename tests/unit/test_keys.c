/* Key names: parsing every accepted spelling, canonical names, sequences
 * and the round trip name -> parse -> same keys. */
#include <locale.h>

#include "core/keys.h"
#include "test.h"

/* Parses text and returns the canonical name of the result (or "ERR: msg"),
 * in a static buffer. */
static const char *canon(const char *text)
{
	static char buf[KEYSEQ_NAME_MAX + ERR_MSG_MAX];
	struct keyseq k;
	struct err err = { 0 };

	if (keyseq_parse(text, &k, &err) < 0) {
		snprintf(buf, sizeof buf, "ERR: %s", err.msg);
		return buf;
	}
	keyseq_name(&k, buf, sizeof buf);
	return buf;
}

static int one(const char *text)
{
	struct keyseq k;
	struct err err = { 0 };

	if (keyseq_parse(text, &k, &err) < 0 || k.n != 1)
		return -1;
	return k.keys[0];
}

TEST(single_characters)
{
	CHECK_INT(one("j"), 'j');
	CHECK_INT(one("G"), 'G');
	CHECK_INT(one("?"), '?');
	CHECK_INT(one("/"), '/');
	CHECK_INT(one("<"), '<');
	CHECK_INT(one(">"), '>');
	CHECK_INT(one("^"), '^');
	CHECK_INT(one("-"), '-');
	CHECK_INT(one("+"), '+');
	CHECK_INT(one("1"), '1');
	CHECK_INT(one(" "), ' ');
	CHECK_INT(one("\xc3\xa9"), 0xe9);          /* é */
	CHECK_INT(one("\xe4\xb8\xad"), 0x4e2d);    /* 中 */
	CHECK_STR(canon("G"), "G");
	CHECK_STR(canon("\xc3\xa9"), "\xc3\xa9");
}

TEST(control_keys)
{
	CHECK_INT(one("Ctrl-d"), 4);
	CHECK_INT(one("Ctrl-D"), 4);
	CHECK_INT(one("C-d"), 4);
	CHECK_INT(one("c-d"), 4);
	CHECK_INT(one("^D"), 4);
	CHECK_INT(one("^d"), 4);
	CHECK_INT(one("<C-d>"), 4);
	CHECK_INT(one("Control-r"), 18);
	CHECK_INT(one("Ctrl-["), TBK_ESC);
	CHECK_INT(one("^["), TBK_ESC);
	CHECK_INT(one("Ctrl-i"), TBK_TAB);
	CHECK_INT(one("Ctrl-m"), TBK_ENTER);
	CHECK_INT(one("Ctrl-Space"), 0);
	CHECK_STR(canon("^D"), "Ctrl-d");
	CHECK_STR(canon("<C-r>"), "Ctrl-r");
	CHECK_STR(canon("C-_"), "Ctrl-_");
	CHECK_STR(canon("Ctrl-i"), "Tab");
}

TEST(named_keys)
{
	CHECK_INT(one("Enter"), TBK_ENTER);
	CHECK_INT(one("Return"), TBK_ENTER);
	CHECK_INT(one("<CR>"), TBK_ENTER);
	CHECK_INT(one("enter"), TBK_ENTER);
	CHECK_INT(one("Tab"), TBK_TAB);
	CHECK_INT(one("BackTab"), TBK_BACKTAB);
	CHECK_INT(one("S-Tab"), TBK_BACKTAB);
	CHECK_INT(one("Shift-Tab"), TBK_BACKTAB);
	CHECK_INT(one("<S-Tab>"), TBK_BACKTAB);
	CHECK_INT(one("Esc"), TBK_ESC);
	CHECK_INT(one("Escape"), TBK_ESC);
	CHECK_INT(one("Space"), TBK_SPACE);
	CHECK_INT(one("Backspace"), TBK_BACKSPACE);
	CHECK_INT(one("<BS>"), TBK_BACKSPACE);
	CHECK_INT(one("Delete"), TBK_DELETE);
	CHECK_INT(one("Del"), TBK_DELETE);
	CHECK_INT(one("Insert"), TBK_INSERT);
	CHECK_INT(one("Home"), TBK_HOME);
	CHECK_INT(one("End"), TBK_END);
	CHECK_INT(one("PgUp"), TBK_PGUP);
	CHECK_INT(one("PageUp"), TBK_PGUP);
	CHECK_INT(one("PgDn"), TBK_PGDN);
	CHECK_INT(one("PageDown"), TBK_PGDN);
	CHECK_INT(one("Up"), TBK_UP);
	CHECK_INT(one("Down"), TBK_DOWN);
	CHECK_INT(one("Left"), TBK_LEFT);
	CHECK_INT(one("Right"), TBK_RIGHT);
	CHECK_INT(one("F1"), TBK_F1);
	CHECK_INT(one("F12"), TBK_F12);
	CHECK_INT(one("f5"), TBK_F1 + 4);
	CHECK_INT(one("<lt>"), '<');
	CHECK_INT(one("U+00E9"), 0xe9);
	CHECK_INT(one("Shift-g"), 'G');
	CHECK_STR(canon("PageDown"), "PgDn");
	CHECK_STR(canon("return"), "Enter");
	CHECK_STR(canon("S-Tab"), "BackTab");
	CHECK_STR(canon("escape"), "Esc");
	CHECK_STR(canon("F10"), "F10");
}

TEST(sequences)
{
	struct keyseq k;
	struct err err = { 0 };

	CHECK_INT(keyseq_parse("g g", &k, &err), 0);
	CHECK_INT(k.n, 2);
	CHECK_INT(k.keys[0], 'g');
	CHECK_INT(k.keys[1], 'g');
	CHECK_INT(keyseq_parse("] u", &k, &err), 0);
	CHECK_INT(k.n, 2);
	CHECK_INT(k.keys[0], ']');
	CHECK_INT(k.keys[1], 'u');
	CHECK_STR(canon("  Ctrl-x   Ctrl-e "), "Ctrl-x Ctrl-e");
	CHECK_STR(canon("z a b"), "z a b");
	/* Alt-x is what a terminal sends: Esc then x. */
	CHECK_INT(keyseq_parse("Alt-v", &k, &err), 0);
	CHECK_INT(k.n, 2);
	CHECK_INT(k.keys[0], TBK_ESC);
	CHECK_INT(k.keys[1], 'v');
	CHECK_STR(canon("M-<"), "Alt-<");
	CHECK_STR(canon("<M-b>"), "Alt-b");
	CHECK_STR(canon("Esc x"), "Alt-x");
	CHECK_STR(canon("x Esc"), "x Esc");
	CHECK_STR(canon("Alt-x y"), "Alt-x y");
}

TEST(bad_keys)
{
	CHECK_STR(canon(""), "ERR: empty key");
	CHECK_STR(canon("   "), "ERR: empty key");
	CHECK_STR(canon("Foo"), "ERR: unknown key 'Foo'");
	CHECK_STR(canon("gg"), "ERR: unknown key 'gg'");
	CHECK_STR(canon("Ctrl-"), "ERR: unknown key 'Ctrl-'");
	CHECK_STR(canon("Ctrl-Enter"), "ERR: unknown key 'Ctrl-Enter'");
	CHECK_STR(canon("Shift-1"), "ERR: unknown key 'Shift-1'");
	CHECK_STR(canon("F13"), "ERR: unknown key 'F13'");
	CHECK_STR(canon("F0"), "ERR: unknown key 'F0'");
	CHECK_STR(canon("<>"), "ERR: unknown key '<>'");
	CHECK_STR(canon("a b c d"), "ERR: too many keys (at most 3) in 'a b c d'");
	CHECK_STR(canon("Alt-x Alt-y"), "ERR: too many keys (at most 3) in 'Alt-x Alt-y'");
	CHECK_STR(canon("Alt-Alt-x"), "ERR: unknown key 'Alt-Alt-x'");
	CHECK_STR(canon("\t"), "ERR: unknown key '^I'");
	CHECK_STR(canon("\xff"), "ERR: unknown key '\\xff'");
	CHECK_STR(canon("U+D800"), "ERR: unknown key 'U+D800'");
}

TEST(canonical_names)
{
	char buf[KEY_NAME_MAX];

	key_name(TBK_ENTER, buf, sizeof buf);
	CHECK_STR(buf, "Enter");
	key_name(4, buf, sizeof buf);
	CHECK_STR(buf, "Ctrl-d");
	key_name(TBK_PGDN, buf, sizeof buf);
	CHECK_STR(buf, "PgDn");
	key_name(TBK_SPACE, buf, sizeof buf);
	CHECK_STR(buf, "Space");
	key_name(TBK_F1 + 2, buf, sizeof buf);
	CHECK_STR(buf, "F3");
	key_name(0x202e, buf, sizeof buf);
	CHECK_STR(buf, "U+202E");
	key_name(0x85, buf, sizeof buf);
	CHECK_STR(buf, "U+0085");
	key_name(127, buf, sizeof buf);
	CHECK_STR(buf, "Ctrl-?");
	key_name(0x1f600, buf, sizeof buf);
	CHECK_STR(buf, "\xf0\x9f\x98\x80");
	key_name(TBK_LAST_ + 5, buf, sizeof buf);
	CHECK_HAS(buf, "Key");
	/* Truncates rather than overflows. */
	key_name(TBK_BACKSPACE, buf, 4);
	CHECK_STR(buf, "Bac");
}

/* Every key the terminal layer can produce has a name that parses back. */
TEST(round_trip)
{
	static const int extra[] = { 0x7f, 0x85, 0xe9, 0x202e, 0x4e2d, 0x1f600, 0x10ffff };
	char name[KEYSEQ_NAME_MAX];
	struct keyseq k, back;
	struct err err = { 0 };
	int key, bad = 0;
	size_t i;

	for (key = 0; key < TBK_LAST_ && bad < 5; key++) {
		if (key > 0x3000 && key < TBK_BASE_)
			key = TBK_BASE_;
		if ((key >= 0xD800 && key <= 0xDFFF) || key == TBK_BASE_)
			continue;
		k.keys[0] = key;
		k.n = 1;
		keyseq_name(&k, name, sizeof name);
		if (keyseq_parse(name, &back, &err) < 0 || !keyseq_eq(&k, &back)) {
			printf("    key %d -> '%s' does not parse back\n", key, name);
			bad++;
		}
	}
	for (i = 0; i < sizeof extra / sizeof extra[0]; i++) {
		k.keys[0] = extra[i];
		k.keys[1] = TBK_ESC;
		k.keys[2] = 'x';
		k.n = 3;
		keyseq_name(&k, name, sizeof name);
		if (keyseq_parse(name, &back, &err) < 0 || !keyseq_eq(&k, &back)) {
			printf("    '%s' does not parse back\n", name);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
}

TEST(compare_helpers)
{
	struct keyseq a, b;
	struct err err = { 0 };
	int keys[2] = { ']', 'u' };

	CHECK_INT(keyseq_parse("] u", &a, &err), 0);
	CHECK_INT(keyseq_parse("<C-d>", &b, &err), 0);
	CHECK(!keyseq_eq(&a, &b));
	CHECK_INT(keyseq_parse("Ctrl-d", &a, &err), 0);
	CHECK(keyseq_eq(&a, &b));
	CHECK_INT(keyseq_parse("] u", &a, &err), 0);
	CHECK(keyseq_starts(&a, keys, 1));
	CHECK(keyseq_starts(&a, keys, 2));
	CHECK(!keyseq_starts(&b, keys, 1));
	CHECK(!keyseq_starts(&b, keys, 2));
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	RUN(single_characters);
	RUN(control_keys);
	RUN(named_keys);
	RUN(sequences);
	RUN(bad_keys);
	RUN(canonical_names);
	RUN(round_trip);
	RUN(compare_helpers);
	TEST_MAIN_END();
}
