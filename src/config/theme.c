#include "config/theme.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/paths.h"
#include "config/yaml_doc.h"
#include "core/embedded.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"

/* How deep `base:` may chain. */
#define BASE_DEPTH_MAX 4

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const char *const attr_names[THEME_ATTR_COUNT_] = {
#define X_(id, name) [THEME_ATTR_BIT_##id] = name,
	THEME_ATTR_LIST(X_)
#undef X_
};

/* The xterm palette of the first 16 colours, for reducing. */
static const unsigned char palette16[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

void theme_init(struct theme *t)
{
	int i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < SLOT_COUNT_; i++) {
		t->slots[i].fg = THEME_COLOR_DEFAULT;
		t->slots[i].bg = THEME_COLOR_DEFAULT;
	}
}

void theme_free(struct theme *t)
{
	FREE(t->name);
	theme_init(t);
}

const struct theme_style *theme_style(const struct theme *t, enum slot s)
{
	if ((int)s < 0 || s >= SLOT_COUNT_ || !(t->slots[s].set & THEME_SET_SLOT))
		return &t->slots[SLOT_DEFAULT];
	return &t->slots[s];
}

unsigned theme_mono_attrs(const struct theme *t, enum slot s)
{
	const struct theme_style *st = theme_style(t, s);

	if (st->set & THEME_SET_MONO)
		return st->mono;
	return st->attrs | (st->bg != THEME_COLOR_DEFAULT ? THEME_REVERSE : 0);
}

/* ---- colours and attributes -------------------------------------------- */

static int parse_number(const char *s, int *out)
{
	int v = 0;

	if (!*s || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v > 255)
		return -1;
	*out = v;
	return 0;
}

int theme_parse_color(const char *s, int *out)
{
	int i, base = 0;

	if (!s)
		return -1;
	if (strcasecmp(s, "default") == 0) {
		*out = THEME_COLOR_DEFAULT;
		return 0;
	}
	if (strncasecmp(s, "color", 5) == 0)
		return parse_number(s + 5, out);
	if (strncasecmp(s, "colour", 6) == 0)
		return parse_number(s + 6, out);
	if (*s >= '0' && *s <= '9')
		return parse_number(s, out);
	if (strncasecmp(s, "bright-", 7) == 0) {
		s += 7;
		base = 8;
	}
	for (i = 0; i < 8; i++) {
		if (strcasecmp(s, color_names[i]) == 0) {
			*out = base + i;
			return 0;
		}
	}
	return -1;
}

const char *theme_color_name(int color, char *buf, size_t size)
{
	if (color < 0)
		snprintf(buf, size, "default");
	else if (color < 8)
		snprintf(buf, size, "%s", color_names[color]);
	else if (color < 16)
		snprintf(buf, size, "bright-%s", color_names[color - 8]);
	else
		snprintf(buf, size, "color%d", color);
	return buf;
}

unsigned theme_attr_by_name(const char *s)
{
	int i;

	for (i = 0; s && i < THEME_ATTR_COUNT_; i++)
		if (strcasecmp(s, attr_names[i]) == 0)
			return 1u << i;
	return 0;
}

static void color_rgb(int c, int rgb[3])
{
	static const int levels[6] = { 0, 95, 135, 175, 215, 255 };
	int i;

	if (c < 16) {
		for (i = 0; i < 3; i++)
			rgb[i] = palette16[c][i];
	} else if (c < 232) {
		c -= 16;
		rgb[0] = levels[c / 36];
		rgb[1] = levels[(c / 6) % 6];
		rgb[2] = levels[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

/* Nearest of the first 16 colours by distance in the xterm palette. */
static int nearest16(const int rgb[3])
{
	long best_d = -1;
	int i, best = 0;

	for (i = 0; i < 16; i++) {
		long dr = rgb[0] - palette16[i][0], dg = rgb[1] - palette16[i][1];
		long db = rgb[2] - palette16[i][2];
		long d = dr * dr + dg * dg + db * db;

		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

/* One of the 8 basic colours.  Distance alone sends greys to yellow or
 * cyan, so: greys (channels within 40 of each other) go to black or white
 * by lightness; other colours keep the channels at least half as strong
 * as the strongest (orange -> yellow, dark blue -> blue). */
static int nearest8(const int rgb[3])
{
	int max = rgb[0], min = rgb[0], i, c = 0;

	for (i = 1; i < 3; i++) {
		if (rgb[i] > max)
			max = rgb[i];
		if (rgb[i] < min)
			min = rgb[i];
	}
	if (max - min < 40)
		return rgb[0] + rgb[1] + rgb[2] >= 300 ? 7 : 0;
	for (i = 0; i < 3; i++)
		if (rgb[i] * 2 > max)
			c |= 1 << i;
	return c;
}

int theme_color_reduce(int color, int ncolors)
{
	int rgb[3];

	if (color < 0 || ncolors < 8)
		return THEME_COLOR_DEFAULT;
	if (color > 255)
		color = 255;
	if (color < ncolors)
		return color;
	color_rgb(color, rgb);
	return ncolors >= 16 ? nearest16(rgb) : nearest8(rgb);
}

/* ---- loading ----------------------------------------------------------- */

struct loader {
	struct theme *t;
	struct ydoc *doc;
	struct diag_list *diags;
	int depth;
};

static int load_named(struct theme *t, const char *name, int depth, struct diag_list *diags,
		      struct err *err);

static void set_color(struct loader *ld, yaml_node_t *n, short *dst, unsigned bit,
		      struct theme_style *st)
{
	int c;
	char *q;

	if (theme_parse_color(yscalar(n), &c) < 0) {
		q = yquote(n);
		ydiag(ld->doc, ld->diags, DIAG_ERROR, n, "unknown colour '%s'", q);
		free(q);
		return;
	}
	*dst = (short)c;
	st->set |= bit;
}

/* An attribute list (or one name, or none) into *out; unknown names are
 * reported and left out. */
static void parse_attrs(struct loader *ld, yaml_node_t *n, unsigned *out)
{
	size_t i, count = ynode_is_seq(n) ? ynode_size(n) : 1;
	unsigned bits = 0;

	if (ynode_is_map(n)) {
		ydiag(ld->doc, ld->diags, DIAG_ERROR, n, "attributes must be a list, not %s",
		      ynode_kind(n));
		return;
	}
	for (i = 0; i < count; i++) {
		yaml_node_t *a = ynode_is_seq(n) ? yseq_get(ld->doc, n, i) : n;
		const char *s = yscalar(a);
		unsigned bit = theme_attr_by_name(s);
		char *q;

		if (!ynode_is_seq(n) && (ynode_is_null(a) || str_eq(s, "none")))
			break;
		if (!bit) {
			q = yquote(a);
			ydiag(ld->doc, ld->diags, DIAG_ERROR, a, "unknown attribute '%s'", q);
			free(q);
			continue;
		}
		bits |= bit;
	}
	*out = bits;
}

/* Fields of a slot mapping.  Row: name, which THEME_SET_* it fills. */
enum field { F_FG, F_BG, F_ATTRS, F_MONO };

static const struct {
	const char *name;
	enum field field;
} slot_fields[] = {
	{ "fg", F_FG },
	{ "bg", F_BG },
	{ "attrs", F_ATTRS },
	{ "mono", F_MONO },
};

static void load_slot(struct loader *ld, yaml_node_t *key, yaml_node_t *val)
{
	struct theme_style st = { THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0, 0, THEME_SET_SLOT };
	const char *name = yscalar(key);
	int s = name ? slot_by_name(name) : -1;
	size_t i, j, n;
	char *q;

	if (s < 0) {
		q = yquote(key);
		ydiag(ld->doc, ld->diags, DIAG_WARNING, key, "unknown slot '%s' (ignored)", q);
		free(q);
		return;
	}
	if (ynode_is_null(val)) {
		/* Named with nothing: the terminal's default look. */
	} else if (yscalar(val)) {
		set_color(ld, val, &st.fg, THEME_SET_FG, &st);
	} else if (ynode_is_map(val)) {
		n = ynode_size(val);
		for (i = 0; i < n; i++) {
			yaml_node_t *fk = ymap_key(ld->doc, val, i), *fv = ymap_value(ld->doc, val, i);
			const char *fname = yscalar(fk);

			for (j = 0; j < sizeof slot_fields / sizeof slot_fields[0]; j++)
				if (str_eq(fname, slot_fields[j].name))
					break;
			if (j == sizeof slot_fields / sizeof slot_fields[0]) {
				q = yquote(fk);
				ydiag(ld->doc, ld->diags, DIAG_WARNING, fk,
				      "unknown key '%s' in slot '%s' (ignored)", q, name);
				free(q);
				continue;
			}
			switch (slot_fields[j].field) {
			case F_FG:
				set_color(ld, fv, &st.fg, THEME_SET_FG, &st);
				break;
			case F_BG:
				set_color(ld, fv, &st.bg, THEME_SET_BG, &st);
				break;
			case F_ATTRS:
				parse_attrs(ld, fv, &st.attrs);
				st.set |= THEME_SET_ATTRS;
				break;
			case F_MONO:
				parse_attrs(ld, fv, &st.mono);
				st.set |= THEME_SET_MONO;
				break;
			}
		}
	} else {
		ydiag(ld->doc, ld->diags, DIAG_ERROR, val,
		      "slot '%s' must be a colour or a mapping (fg, bg, attrs, mono), not %s", name,
		      ynode_kind(val));
		return;
	}
	ld->t->slots[s] = st;
}

static void load_slots(struct loader *ld, yaml_node_t *slots)
{
	bool seen[SLOT_COUNT_] = { false };
	size_t i, n = ynode_size(slots);

	if (ynode_is_null(slots))
		return;
	if (!ynode_is_map(slots)) {
		ydiag(ld->doc, ld->diags, DIAG_ERROR, slots,
		      "'slots' must be a mapping of slot: style, not %s", ynode_kind(slots));
		return;
	}
	for (i = 0; i < n; i++) {
		yaml_node_t *key = ymap_key(ld->doc, slots, i);
		int s = slot_by_name(yscalar(key) ? yscalar(key) : "");

		if (s >= 0 && seen[s])
			ydiag(ld->doc, ld->diags, DIAG_WARNING, key,
			      "slot '%s' appears twice; this one wins", yscalar(key));
		if (s >= 0)
			seen[s] = true;
		load_slot(ld, key, ymap_value(ld->doc, slots, i));
	}
}

/* Top-level keys.  `base` is read first, whatever its place. */
static const char *const top_keys[] = { "name", "base", "slots" };

static int load_doc(struct theme *t, struct ydoc *doc, const char *load_name, int depth,
		    struct diag_list *diags, struct err *err)
{
	struct loader ld = { t, doc, diags, depth };
	yaml_node_t *root = ydoc_root(doc), *base, *name;
	struct err berr = { 0 };
	size_t i, j, n;
	char *q;

	if (root && !ynode_is_null(root) && !ynode_is_map(root))
		return yerr(doc, err, ERR_PARSE, root, "a theme must be a mapping, not %s",
			    ynode_kind(root));
	base = ymap_find(doc, root, "base");
	if (base && !ynode_is_null(base)) {
		if (!yscalar(base))
			ydiag(doc, diags, DIAG_ERROR, base, "'base' expects a theme name, not %s",
			      ynode_kind(base));
		else if (depth >= BASE_DEPTH_MAX)
			ydiag(doc, diags, DIAG_ERROR, base, "themes based on themes too deeply");
		else if (load_named(t, yscalar(base), depth + 1, diags, &berr) < 0)
			ydiag(doc, diags, DIAG_ERROR, base, "base theme: %s", berr.msg);
	}
	if (load_name) {
		free(t->name);
		t->name = xstrdup(load_name);
	}
	n = ynode_size(root);
	for (i = 0; i < n; i++) {
		yaml_node_t *key = ymap_key(doc, root, i), *val = ymap_value(doc, root, i);

		for (j = 0; j < sizeof top_keys / sizeof top_keys[0]; j++)
			if (str_eq(yscalar(key), top_keys[j]))
				break;
		if (j == sizeof top_keys / sizeof top_keys[0]) {
			q = yquote(key);
			ydiag(doc, diags, DIAG_WARNING, key, "unknown key '%s' (ignored)", q);
			free(q);
		} else if (str_eq(yscalar(key), "slots")) {
			load_slots(&ld, val);
		}
	}
	name = ymap_find(doc, root, "name");
	if (name && yscalar(name) && *yscalar(name)) {
		free(t->name);
		t->name = yquote(name);
	} else if (name && !ynode_is_null(name)) {
		ydiag(doc, diags, DIAG_ERROR, name, "'name' expects a string, not %s",
		      ynode_kind(name));
	}
	return 0;
}

int theme_load_buffer(struct theme *t, const char *path, const char *data, size_t len,
		      struct diag_list *diags, struct err *err)
{
	struct ydoc doc;
	int rc;

	if (ydoc_load(&doc, path, data, len, err) < 0)
		return -1;
	rc = load_doc(t, &doc, NULL, 0, diags, err);
	ydoc_free(&doc);
	return rc;
}

/* "no theme named 'x' (shipped: dark, light, mono)" */
static int not_found(const char *name, struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct embedded_file *f;
	char *q = sanitize_dup(name, strlen(name) > 60 ? 60 : strlen(name));
	size_t n;

	for (f = embedded_files; f->name; f++) {
		n = strlen(f->name);
		if (!str_starts(f->name, "themes/") || n < 12 || strcmp(f->name + n - 5, ".yaml"))
			continue;
		sb_adds(&sb, sb.len ? ", " : "");
		sb_add(&sb, f->name + 7, n - 12);
	}
	err_set(err, ERR_NOTFOUND, "no theme named '%s' (shipped: %s)", q, sb_str(&sb));
	free(q);
	sb_free(&sb);
	return -1;
}

static int load_named(struct theme *t, const char *name, int depth, struct diag_list *diags,
		      struct err *err)
{
	struct ydoc doc = { 0 };
	char *path = NULL, *rel = NULL, *label = NULL;
	const char *data;
	size_t len;
	int rc = -1;

	if (paths_is_path(name)) {
		path = paths_expand(name);
		if (ydoc_load_file(&doc, path, err) < 0)
			goto out;
		/* The file's base name, without .yaml, until `name:` says otherwise. */
		label = xstrdup(strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
		if (strrchr(label, '.') && strrchr(label, '.') != label)
			*strrchr(label, '.') = '\0';
	} else {
		rel = xasprintf("themes/%s.yaml", name);
		path = paths_config_file(rel);
		label = xstrdup(name);
		if (paths_exists(path)) {
			if (ydoc_load_file(&doc, path, err) < 0)
				goto out;
		} else if ((data = embedded_get(rel, &len))) {
			if (ydoc_load(&doc, rel, data, len, err) < 0)
				goto out;
		} else {
			not_found(name, err);
			goto out;
		}
	}
	rc = load_doc(t, &doc, label, depth, diags, err);
out:
	ydoc_free(&doc);
	free(path);
	free(rel);
	free(label);
	return rc;
}

int theme_load(struct theme *t, const char *name, struct diag_list *diags, struct err *err)
{
	theme_free(t);
	if (!name || !*name)
		return err_set(err, ERR_USAGE, "empty theme name");
	return load_named(t, name, 0, diags, err);
}

/* ---- listing ----------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_name(char ***v, size_t *n, size_t *cap, const char *file)
{
	size_t len = strlen(file);

	if (len <= 5 || strcmp(file + len - 5, ".yaml") != 0 || file[0] == '.')
		return;
	GROW(*v, *cap, *n + 1);
	(*v)[(*n)++] = xstrndup(file, len - 5);
}

char **theme_names(size_t *n)
{
	const struct embedded_file *f;
	char **v = NULL, *dir;
	size_t cap = 0, i, out;
	struct dirent *e;
	DIR *d;

	*n = 0;
	for (f = embedded_files; f->name; f++)
		if (str_starts(f->name, "themes/") && !strchr(f->name + 7, '/'))
			add_name(&v, n, &cap, f->name + 7);
	dir = paths_config_file("themes");
	d = dir ? opendir(dir) : NULL;
	while (d && (e = readdir(d)))
		add_name(&v, n, &cap, e->d_name);
	if (d)
		closedir(d);
	free(dir);
	if (!*n)
		return v;
	qsort(v, *n, sizeof *v, cmp_str);
	for (i = 1, out = 1; i < *n; i++) {
		if (strcmp(v[i], v[out - 1]) == 0)
			free(v[i]);
		else
			v[out++] = v[i];
	}
	*n = out;
	return v;
}

void theme_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
