/*
 * The browser's key bindings on their own (ui/keys.h): loaded without a
 * browser, problems reported to the message sink the caller passes.
 */
#include "test.h"

#include "core/msg.h"
#include "core/strbuf.h"
#include "ui/keys.h"

struct said {
	int n;
	enum slot slot;
	struct strbuf text;
};

static void collect(void *arg, enum slot slot, const char *text)
{
	struct said *s = arg;

	s->n++;
	s->slot = slot;
	sb_reset(&s->text);
	sb_adds(&s->text, text);
}

TEST(keys_defaults_without_a_browser)
{
	struct said said = { 0, SLOT_DEFAULT, STRBUF_INIT };
	const struct msg_sink sink = { collect, &said };
	struct ui_keys *k = NULL;
	struct strbuf names = STRBUF_INIT;
	struct err err = { 0 };

	CHECK_INT(ui_keys_load(&k, NULL, NULL, &sink, &err), 0);
	CHECK_INT(said.n, 0);
	ui_keys_names(k, "list", ACT_MOVE_DOWN, &names, 0);
	CHECK_STR(sb_str(&names), "j, Down");
	sb_reset(&names);
	ui_keys_hint(k, "list", ACT_HELP, "help", &names);
	CHECK_STR(sb_str(&names), "? help");
	sb_free(&names);
	ui_keys_free(k);
	sb_free(&said.text);
}

TEST(keys_problems_go_to_the_sink)
{
	struct said said = { 0, SLOT_DEFAULT, STRBUF_INIT };
	const struct msg_sink sink = { collect, &said };
	struct ui_keys *k = NULL;
	struct strbuf path = STRBUF_INIT;
	struct err err = { 0 };
	FILE *f;

	sb_addf(&path, "%s/bad.yaml", test_tmpdir());
	f = fopen(sb_str(&path), "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("global:\n  move-down: [j]\n  fly-away: [x]\n  open: [y, z]\n", f);
	fclose(f);
	CHECK_INT(ui_keys_load(&k, NULL, sb_str(&path), &sink, &err), 0);
	CHECK_INT(said.n, 1);
	CHECK_INT(said.slot, SLOT_MSG_ERROR);
	CHECK(strstr(sb_str(&said.text), "keymap: ") == sb_str(&said.text));
	CHECK(strstr(sb_str(&said.text), "bad.yaml:3:3: unknown action 'fly-away'") != NULL);
	ui_keys_free(k);
	k = NULL;
	/* Without a sink the keys still load; the message is dropped. */
	CHECK_INT(ui_keys_load(&k, NULL, sb_str(&path), NULL, &err), 0);
	CHECK(k != NULL);
	ui_keys_free(k);
	sb_free(&path);
	sb_free(&said.text);
}

TEST(msg_say_formats)
{
	struct said said = { 0, SLOT_DEFAULT, STRBUF_INIT };
	const struct msg_sink sink = { collect, &said };

	msg_say(&sink, SLOT_MSG_OK, "theme: %s (%d)", "dark", 3);
	CHECK_INT(said.n, 1);
	CHECK_INT(said.slot, SLOT_MSG_OK);
	CHECK_STR(sb_str(&said.text), "theme: dark (3)");
	msg_say(NULL, SLOT_MSG_OK, "dropped %d", 1);
	CHECK_INT(said.n, 1);
	sb_free(&said.text);
}

int main(void)
{
	RUN(keys_defaults_without_a_browser);
	RUN(keys_problems_go_to_the_sink);
	RUN(msg_say_formats);
	TEST_MAIN_END();
}
