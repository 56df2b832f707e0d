/* Themes: colour and attribute parsing, 256 -> 16/8 colour reduction, the
 * shipped themes (every slot, no diagnostics), mono attributes, `base:`,
 * lookup by name in the user directory, and exact diagnostics. */
#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config/diag.h"
#include "config/theme.h"
#include "core/embedded.h"
#include "test.h"

static struct theme th;
static struct diag_list diags;

static const char *load_text(const char *text)
{
	static char *joined;
	struct err err = { 0 };

	theme_free(&th);
	diag_list_free(&diags);
	free(joined);
	if (theme_load_buffer(&th, "t.yaml", text, strlen(text), &diags, &err) < 0)
		diag_add(&diags, DIAG_ERROR, "ERR %s", err.msg);
	joined = diag_join(&diags);
	return joined;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static int color(const char *s)
{
	int c = -99;

	if (theme_parse_color(s, &c) < 0)
		return -99;
	return c;
}

TEST(color_names_and_numbers)
{
	char buf[32];

	CHECK_INT(color("default"), -1);
	CHECK_INT(color("black"), 0);
	CHECK_INT(color("red"), 1);
	CHECK_INT(color("white"), 7);
	CHECK_INT(color("bright-black"), 8);
	CHECK_INT(color("bright-cyan"), 14);
	CHECK_INT(color("Bright-White"), 15);
	CHECK_INT(color("0"), 0);
	CHECK_INT(color("196"), 196);
	CHECK_INT(color("255"), 255);
	CHECK_INT(color("color208"), 208);
	CHECK_INT(color("colour17"), 17);
	CHECK_INT(color("256"), -99);
	CHECK_INT(color("-1"), -99);
	CHECK_INT(color("color"), -99);
	CHECK_INT(color("color1000"), -99);
	CHECK_INT(color("purple"), -99);
	CHECK_INT(color("bright-"), -99);
	CHECK_INT(color(""), -99);
	CHECK_INT(theme_parse_color(NULL, &(int){ 0 }), -1);
	CHECK_STR(theme_color_name(-1, buf, sizeof buf), "default");
	CHECK_STR(theme_color_name(3, buf, sizeof buf), "yellow");
	CHECK_STR(theme_color_name(12, buf, sizeof buf), "bright-blue");
	CHECK_STR(theme_color_name(100, buf, sizeof buf), "color100");
}

TEST(attribute_names)
{
	CHECK_INT(theme_attr_by_name("bold"), THEME_BOLD);
	CHECK_INT(theme_attr_by_name("dim"), THEME_DIM);
	CHECK_INT(theme_attr_by_name("reverse"), THEME_REVERSE);
	CHECK_INT(theme_attr_by_name("underline"), THEME_UNDERLINE);
	CHECK_INT(theme_attr_by_name("italic"), THEME_ITALIC);
	CHECK_INT(theme_attr_by_name("standout"), THEME_STANDOUT);
	CHECK_INT(theme_attr_by_name("blink"), 0);
}

TEST(reduce_256_to_8_and_16)
{
	/* Colours the terminal has stay. */
	CHECK_INT(theme_color_reduce(-1, 8), -1);
	CHECK_INT(theme_color_reduce(3, 8), 3);
	CHECK_INT(theme_color_reduce(200, 256), 200);
	CHECK_INT(theme_color_reduce(12, 16), 12);
	/* Bright colours on 8: the base colour; grey reads as white. */
	CHECK_INT(theme_color_reduce(9, 8), 1);
	CHECK_INT(theme_color_reduce(10, 8), 2);
	CHECK_INT(theme_color_reduce(12, 8), 4);
	CHECK_INT(theme_color_reduce(15, 8), 7);
	CHECK_INT(theme_color_reduce(8, 8), 7);
	/* The colour cube. */
	CHECK_INT(theme_color_reduce(16, 8), 0);     /* 000 */
	CHECK_INT(theme_color_reduce(196, 8), 1);    /* ff0000 */
	CHECK_INT(theme_color_reduce(46, 8), 2);     /* 00ff00 */
	CHECK_INT(theme_color_reduce(226, 8), 3);    /* ffff00 */
	CHECK_INT(theme_color_reduce(21, 8), 4);     /* 0000ff */
	CHECK_INT(theme_color_reduce(201, 8), 5);    /* ff00ff */
	CHECK_INT(theme_color_reduce(51, 8), 6);     /* 00ffff */
	CHECK_INT(theme_color_reduce(231, 8), 7);    /* ffffff */
	CHECK_INT(theme_color_reduce(208, 8), 3);    /* ff8700 orange -> yellow */
	CHECK_INT(theme_color_reduce(17, 8), 4);     /* 00005f dark blue */
	CHECK_INT(theme_color_reduce(130, 8), 3);    /* af5f00 brown -> yellow */
	CHECK_INT(theme_color_reduce(30, 8), 6);     /* 008787 */
	CHECK_INT(theme_color_reduce(28, 8), 2);     /* 008700 */
	/* Greys: dark ones black, the rest white. */
	CHECK_INT(theme_color_reduce(232, 8), 0);
	CHECK_INT(theme_color_reduce(237, 8), 0);
	CHECK_INT(theme_color_reduce(242, 8), 7);
	CHECK_INT(theme_color_reduce(245, 8), 7);
	CHECK_INT(theme_color_reduce(102, 8), 7);    /* 878787 */
	CHECK_INT(theme_color_reduce(250, 8), 7);
	CHECK_INT(theme_color_reduce(255, 8), 7);
	/* 16 colours use the bright half too. */
	CHECK_INT(theme_color_reduce(196, 16), 9);
	CHECK_INT(theme_color_reduce(231, 16), 15);
	CHECK_INT(theme_color_reduce(244, 16), 8);
	CHECK_INT(theme_color_reduce(208, 16), 3);
	/* Fewer than 8 colours: none. */
	CHECK_INT(theme_color_reduce(1, 2), -1);
	/* Every colour maps into range. */
	{
		int c, bad = 0;

		for (c = 0; c < 256; c++) {
			int r8 = theme_color_reduce(c, 8), r16 = theme_color_reduce(c, 16);

			bad += r8 < 0 || r8 > 7 || r16 < 0 || r16 > 15;
		}
		CHECK_INT(bad, 0);
	}
}

TEST(every_shipped_theme_sets_every_slot)
{
	const struct embedded_file *f;
	struct err err = { 0 };
	int n = 0, s;
	char *j;

	for (f = embedded_files; f->name; f++) {
		if (strncmp(f->name, "themes/", 7) != 0)
			continue;
		theme_free(&th);
		diag_list_free(&diags);
		CHECK_INT(theme_load_buffer(&th, f->name, f->data, f->len, &diags, &err), 0);
		j = diag_join(&diags);
		if (*j)
			printf("    %s:\n%s\n", f->name, j);
		CHECK_STR(j, "");
		free(j);
		for (s = 0; s < SLOT_COUNT_; s++) {
			if (!(th.slots[s].set & THEME_SET_SLOT)) {
				printf("    %s does not set slot '%s'\n", f->name, slot_name(s));
				CHECK(0);
			}
		}
		n++;
	}
	CHECK_INT(n, 3);
}

TEST(load_by_name)
{
	struct err err = { 0 };

	CHECK_INT(theme_load(&th, "dark", &diags, &err), 0);
	CHECK_STR(th.name, "dark");
	CHECK_INT(th.slots[SLOT_STATUS_ERROR].fg, 1);
	CHECK_INT(th.slots[SLOT_STATUS_ERROR].attrs, THEME_BOLD);
	CHECK_INT(th.slots[SLOT_STATUS_OK].fg, 2);
	CHECK_INT(th.slots[SLOT_FB_JUDGE].fg, 5);
	CHECK(th.slots[SLOT_FB_MINE].attrs & THEME_BOLD);
	CHECK(th.slots[SLOT_ESCAPE].attrs & THEME_REVERSE);
	CHECK(th.slots[SLOT_OVERRIDDEN].attrs & THEME_DIM);
	CHECK_INT(th.slots[SLOT_CURSOR].bg, 6);
	CHECK_INT(theme_load(&th, "light", &diags, &err), 0);
	CHECK_STR(th.name, "light");
	CHECK_INT(theme_load(&th, "mono", &diags, &err), 0);
	CHECK_INT(th.slots[SLOT_CURSOR].fg, -1);
	CHECK_INT(th.slots[SLOT_CURSOR].bg, -1);
	CHECK_INT(th.slots[SLOT_CURSOR].attrs, THEME_REVERSE | THEME_BOLD);
	CHECK_INT(diags.n, 0);
	CHECK_INT(theme_load(&th, "sepia", &diags, &err), -1);
	CHECK_INT(err.code, ERR_NOTFOUND);
	CHECK_STR(err.msg, "no theme named 'sepia' (shipped: dark, light, mono)");
	/* Still a usable, empty theme. */
	CHECK_NULL(th.name);
	CHECK_INT(theme_style(&th, SLOT_CURSOR)->fg, -1);
}

TEST(mono_attributes)
{
	CHECK_STR(load_text("slots:\n"
			    "  cursor: {fg: black, bg: cyan, attrs: [bold]}\n"
			    "  status-error: {fg: red, attrs: [bold]}\n"
			    "  match: {fg: black, bg: yellow, mono: [underline]}\n"
			    "  dim: {fg: color245}\n"), "");
	/* Derived: attrs, plus reverse for a background. */
	CHECK_INT(theme_mono_attrs(&th, SLOT_CURSOR), THEME_BOLD | THEME_REVERSE);
	CHECK_INT(theme_mono_attrs(&th, SLOT_STATUS_ERROR), THEME_BOLD);
	CHECK_INT(theme_mono_attrs(&th, SLOT_DIM), 0);
	/* Explicit. */
	CHECK_INT(theme_mono_attrs(&th, SLOT_MATCH), THEME_UNDERLINE);
	/* Unnamed slots look like default. */
	CHECK_INT(theme_style(&th, SLOT_TITLE)->fg, -1);
	CHECK_INT(theme_mono_attrs(&th, SLOT_TITLE), 0);
	CHECK(th.slots[SLOT_CURSOR].set & THEME_SET_BG);
	CHECK(!(th.slots[SLOT_DIM].set & THEME_SET_BG));
}

TEST(slot_forms)
{
	CHECK_STR(load_text("name: mine\n"
			    "slots:\n"
			    "  status-ok: bright-green\n"
			    "  header:\n"
			    "  title: {attrs: underline}\n"
			    "  border: {attrs: none, fg: 4}\n"
			    "  marker: {attrs: []}\n"), "");
	CHECK_STR(th.name, "mine");
	CHECK_INT(th.slots[SLOT_STATUS_OK].fg, 10);
	CHECK_INT(th.slots[SLOT_STATUS_OK].set, THEME_SET_SLOT | THEME_SET_FG);
	CHECK_INT(th.slots[SLOT_HEADER].set, THEME_SET_SLOT);
	CHECK_INT(th.slots[SLOT_TITLE].attrs, THEME_UNDERLINE);
	CHECK_INT(th.slots[SLOT_BORDER].attrs, 0);
	CHECK_INT(th.slots[SLOT_BORDER].fg, 4);
	CHECK_INT(th.slots[SLOT_MARKER].set, THEME_SET_SLOT | THEME_SET_ATTRS);
}

TEST(diagnostics_are_exact)
{
	const char *d = load_text("name: x\n"
				  "colours: many\n"
				  "slots:\n"
				  "  cursor: {fg: purple, bg: blue}\n"
				  "  no-such-slot: {fg: red}\n"
				  "  title: {fg: red, attrs: [bold, blink]}\n"
				  "  border: {fg: red, shade: dark}\n"
				  "  dim: [red]\n"
				  "  cursor: {bg: 300}\n");

	CHECK_STR(d, "t.yaml:2:1: unknown key 'colours' (ignored)\n"
		     "t.yaml:4:16: unknown colour 'purple'\n"
		     "t.yaml:5:3: unknown slot 'no-such-slot' (ignored)\n"
		     "t.yaml:6:34: unknown attribute 'blink'\n"
		     "t.yaml:7:21: unknown key 'shade' in slot 'border' (ignored)\n"
		     "t.yaml:8:8: slot 'dim' must be a colour or a mapping (fg, bg, attrs, mono), "
		     "not a list\n"
		     "t.yaml:9:3: slot 'cursor' appears twice; this one wins\n"
		     "t.yaml:9:16: unknown colour '300'");
	CHECK_INT(diag_count(&diags, DIAG_WARNING), 4);
	CHECK_INT(diag_count(&diags, DIAG_ERROR), 4);
	/* The good parts of each entry load. */
	CHECK_INT(th.slots[SLOT_TITLE].fg, 1);
	CHECK_INT(th.slots[SLOT_TITLE].attrs, THEME_BOLD);
	CHECK_INT(th.slots[SLOT_BORDER].fg, 1);
	CHECK_INT(th.slots[SLOT_CURSOR].bg, -1);
	CHECK(!(th.slots[SLOT_DIM].set & THEME_SET_SLOT));
}

TEST(unusable_themes)
{
	CHECK_STR(load_text("[a, b]\n"), "ERR t.yaml:1:1: a theme must be a mapping, not a list");
	CHECK_STR(load_text("slots:\n\tcursor: red\n"),
		  "ERR t.yaml:2:1: found character that cannot start any token "
		  "(while scanning for the next token at 2:1)");
	CHECK_STR(load_text(""), "");
	CHECK_STR(load_text("slots: 3\n"),
		  "t.yaml:1:8: 'slots' must be a mapping of slot: style, not a scalar");
}

TEST(user_dir_and_base)
{
	char *xdg = test_path("xdg"), *dir = test_path("xdg/tracelab"),
	     *themes = test_path("xdg/tracelab/themes"), *mine = test_path("xdg/tracelab/themes/mine.yaml"),
	     *dark = test_path("xdg/tracelab/themes/dark.yaml"), *loop = test_path("xdg/tracelab/themes/loop.yaml"),
	     *other = test_path("other.yaml");
	struct err err = { 0 };
	char **names;
	size_t n, i;
	char *j;

	CHECK_INT(mkdir(xdg, 0700), 0);
	CHECK_INT(mkdir(dir, 0700), 0);
	CHECK_INT(mkdir(themes, 0700), 0);
	diag_list_free(&diags);
	write_file(mine, "base: light\nslots:\n  cursor: {fg: red, bg: black}\n");
	write_file(dark, "slots:\n  cursor: {fg: green}\n");
	write_file(loop, "base: loop\n");
	write_file(other, "name: Other\nslots:\n  border: magenta\n");
	setenv("XDG_CONFIG_HOME", xdg, 1);

	/* `base:` loads first, the file's own slots on top. */
	CHECK_INT(theme_load(&th, "mine", &diags, &err), 0);
	CHECK_STR(th.name, "mine");
	CHECK_INT(th.slots[SLOT_CURSOR].fg, 1);
	CHECK_INT(th.slots[SLOT_CURSOR].bg, 0);
	CHECK_INT(th.slots[SLOT_STATUS_ERROR].fg, 1);
	CHECK(th.slots[SLOT_HELP_KEY].set & THEME_SET_SLOT);
	/* A user file replaces a shipped theme of the same name. */
	CHECK_INT(theme_load(&th, "dark", &diags, &err), 0);
	CHECK_INT(th.slots[SLOT_CURSOR].fg, 2);
	CHECK(!(th.slots[SLOT_STATUS_ERROR].set & THEME_SET_SLOT));
	j = diag_join(&diags);
	CHECK_STR(j, "");
	free(j);
	/* A path. */
	CHECK_INT(theme_load(&th, other, &diags, &err), 0);
	CHECK_STR(th.name, "Other");
	CHECK_INT(th.slots[SLOT_BORDER].fg, 5);
	/* Endless bases stop. */
	CHECK_INT(theme_load(&th, "loop", &diags, &err), 0);
	j = diag_join(&diags);
	CHECK_HAS(j, "themes/loop.yaml:1:7: themes based on themes too deeply");
	free(j);
	/* Names for cycling: shipped and user themes, once each, sorted. */
	names = theme_names(&n);
	CHECK_INT(n, 5);
	if (n == 5) {
		CHECK_STR(names[0], "dark");
		CHECK_STR(names[1], "light");
		CHECK_STR(names[2], "loop");
		CHECK_STR(names[3], "mine");
		CHECK_STR(names[4], "mono");
	}
	for (i = 0; i < n; i++)
		CHECK(names[i][0]);
	theme_names_free(names, n);
	unsetenv("XDG_CONFIG_HOME");
	free(xdg);
	free(dir);
	free(themes);
	free(mine);
	free(dark);
	free(loop);
	free(other);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	unsetenv("XDG_CONFIG_HOME");
	theme_init(&th);
	RUN(color_names_and_numbers);
	RUN(attribute_names);
	RUN(reduce_256_to_8_and_16);
	RUN(every_shipped_theme_sets_every_slot);
	RUN(load_by_name);
	RUN(mono_attributes);
	RUN(slot_forms);
	RUN(diagnostics_are_exact);
	RUN(unusable_themes);
	RUN(user_dir_and_base);
	theme_free(&th);
	diag_list_free(&diags);
	TEST_MAIN_END();
}
