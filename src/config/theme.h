#ifndef TB_CONFIG_THEME_H
#define TB_CONFIG_THEME_H
/*
 * Themes: for every colour slot (core/slot.h) a foreground, a background and
 * attributes, plus the attributes to use when colours are off (NO_COLOR, a
 * monochrome terminal).  Themes are YAML files; the shipped ones (dark,
 * light, mono) are embedded and read by the same loader as user files.
 *
 *   name: dark                 # optional; defaults to the name loaded
 *   base: dark                 # optional; start from another theme
 *   slots:
 *     cursor: {fg: black, bg: cyan, attrs: [bold], mono: [reverse, bold]}
 *     status-ok: green         # shorthand for {fg: green}
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-<name>, a number 0-255, or colorN / colourN.  Attributes: bold,
 * dim, reverse, underline, italic, standout (a list, or one name).
 *
 * Colours off: a slot's `mono:` list when given; otherwise its attrs, plus
 * reverse when the slot has a background colour (so a cursor drawn as a
 * coloured bar stays visible as a reverse bar).
 *
 * A slot entry sets the whole look of that slot (what is not written is
 * the terminal default).  A slot the theme does not name is drawn like
 * `default` (see theme_style).
 *
 * Ownership: struct theme owns its name; theme_free releases it.  No
 * curses here: the UI turns styles into colour pairs and attributes.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config/diag.h"
#include "core/err.h"
#include "core/slot.h"

/* Row: X(ID, "yaml-name") */
#define THEME_ATTR_LIST(X) \
	X(BOLD, "bold") \
	X(DIM, "dim") \
	X(REVERSE, "reverse") \
	X(UNDERLINE, "underline") \
	X(ITALIC, "italic") \
	X(STANDOUT, "standout")

enum theme_attr_bit {
#define X_(id, name) THEME_ATTR_BIT_##id,
	THEME_ATTR_LIST(X_)
#undef X_
	THEME_ATTR_COUNT_
};

#define THEME_BOLD      (1u << THEME_ATTR_BIT_BOLD)
#define THEME_DIM       (1u << THEME_ATTR_BIT_DIM)
#define THEME_REVERSE   (1u << THEME_ATTR_BIT_REVERSE)
#define THEME_UNDERLINE (1u << THEME_ATTR_BIT_UNDERLINE)
#define THEME_ITALIC    (1u << THEME_ATTR_BIT_ITALIC)
#define THEME_STANDOUT  (1u << THEME_ATTR_BIT_STANDOUT)

#define THEME_COLOR_DEFAULT (-1)

/* What a theme file set for a slot. */
enum {
	THEME_SET_SLOT  = 1u << 0,  /* the slot is named in the theme */
	THEME_SET_FG    = 1u << 1,
	THEME_SET_BG    = 1u << 2,
	THEME_SET_ATTRS = 1u << 3,
	THEME_SET_MONO  = 1u << 4,
};

struct theme_style {
	short fg, bg;       /* -1 (terminal default) or 0-255 */
	unsigned attrs;     /* THEME_BOLD | ... */
	unsigned mono;      /* attributes when colours are off (see above) */
	unsigned set;       /* THEME_SET_* */
};

struct theme {
	char *name;
	struct theme_style slots[SLOT_COUNT_];
};

/* Every slot unset: default colours, no attributes, no name. */
void theme_init(struct theme *t);
void theme_free(struct theme *t);

/* Loads a theme by name or path into t (which is reset first):
 *   - a path (holds '/' or ends in .yaml; "~/" expanded);
 *   - <config dir>/themes/<name>.yaml, so a user file may replace a
 *     shipped theme;
 *   - the shipped themes/<name>.yaml.
 * Unknown slots and keys warn, bad colours and attributes are errors; both
 * go to diags and the rest loads.  err (-1) for a theme that cannot be
 * found or read, a syntax error, or a root that is not a mapping. */
int theme_load(struct theme *t, const char *name, struct diag_list *diags, struct err *err);
/* Layers a theme document from memory on t as it is. */
int theme_load_buffer(struct theme *t, const char *path, const char *data, size_t len,
		      struct diag_list *diags, struct err *err);

/* The style to draw a slot with: its own when the theme names it, else
 * the `default` slot's.  Borrowed from t. */
const struct theme_style *theme_style(const struct theme *t, enum slot s);
/* Attributes for a slot when colours are off. */
unsigned theme_mono_attrs(const struct theme *t, enum slot s);

/* "red", "bright-red", "default", "196", "color196" -> -1..255; 0 or -1. */
int theme_parse_color(const char *s, int *out);
/* Canonical text of a colour: "default", "red", "bright-red", "color196". */
const char *theme_color_name(int color, char *buf, size_t size);
/* THEME_BOLD etc. for an attribute name, or 0 when unknown. */
unsigned theme_attr_by_name(const char *s);
/* The nearest colour a terminal with `ncolors` colours can show: colours
 * below ncolors stay; with 16..255 colours others go to the nearest of the
 * 16 in the xterm palette; with 8..15, greys go to black or white by
 * lightness and other colours to the basic colour of their strong
 * channels (orange -> yellow); -1 stays -1; with fewer than 8 colours
 * everything is -1. */
int theme_color_reduce(int color, int ncolors);

/* Names of the themes that can be loaded by name: shipped ones and those
 * in <config dir>/themes, sorted, without duplicates.  Free with
 * theme_names_free. */
char **theme_names(size_t *n);
void theme_names_free(char **names, size_t n);

#endif
