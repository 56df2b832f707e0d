#include "cmd/opt.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static void opt_list_add(struct opt_list *l, const char *s)
{
	GROW(l->v, l->cap, l->n + 2);
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

void opt_list_free(struct opt_list *l)
{
	FREE(l->v);
	l->n = l->cap = 0;
}

struct found {
	const struct opt_def *def;
	void *base;
};

static struct found find_long(const struct opt_set *sets, size_t nsets, const char *name,
			      size_t len)
{
	struct found f = { NULL, NULL };
	size_t i;

	for (i = 0; i < nsets; i++) {
		const struct opt_def *d;

		for (d = sets[i].defs; d->name; d++) {
			if (strlen(d->name) == len && memcmp(d->name, name, len) == 0) {
				f.def = d;
				f.base = sets[i].base;
				return f;
			}
		}
	}
	return f;
}

static struct found find_short(const struct opt_set *sets, size_t nsets, char c)
{
	struct found f = { NULL, NULL };
	size_t i;

	for (i = 0; i < nsets; i++) {
		const struct opt_def *d;

		for (d = sets[i].defs; d->name; d++) {
			if (d->short_name && d->short_name == c) {
				f.def = d;
				f.base = sets[i].base;
				return f;
			}
		}
	}
	return f;
}

static void store_value(const struct found *f, const char *value)
{
	char *field = (char *)f->base + f->def->offset;

	switch (f->def->kind) {
	case OPT_FLAG:
		*(bool *)(void *)field = true;
		break;
	case OPT_STR:
		*(const char **)(void *)field = value;
		break;
	case OPT_LIST:
		opt_list_add((struct opt_list *)(void *)field, value);
		break;
	}
}

static bool was_given(const struct opt_def *d, const void *base)
{
	const char *field = (const char *)base + d->offset;

	switch (d->kind) {
	case OPT_FLAG:
		return *(const bool *)(const void *)field;
	case OPT_STR:
		return *(const char *const *)(const void *)field != NULL;
	case OPT_LIST:
		return ((const struct opt_list *)(const void *)field)->n > 0;
	}
	return false;
}

/* One "--name[=value]" argument; may consume the next one as its value. */
static int parse_long(int argc, char **argv, int *i, const struct opt_set *sets, size_t nsets,
		      struct err *err)
{
	const char *a = argv[*i] + 2;
	const char *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	struct found f = find_long(sets, nsets, a, len);
	const char *value = NULL;

	if (!f.def)
		return err_set(err, ERR_USAGE, "unknown option --%.*s", (int)len, a);
	if (f.def->kind == OPT_FLAG) {
		if (eq)
			return err_set(err, ERR_USAGE, "--%s takes no value", f.def->name);
	} else if (eq) {
		value = eq + 1;
	} else if (*i + 1 < argc) {
		value = argv[++*i];
	} else {
		return err_set(err, ERR_USAGE, "--%s needs a value", f.def->name);
	}
	store_value(&f, value);
	return 0;
}

/* One "-abc" / "-ovalue" / "-o value" argument. */
static int parse_short(int argc, char **argv, int *i, const struct opt_set *sets, size_t nsets,
		       struct err *err)
{
	const char *a = argv[*i] + 1;

	for (; *a; a++) {
		struct found f = find_short(sets, nsets, *a);

		if (!f.def)
			return err_set(err, ERR_USAGE, "unknown option -%c", *a);
		if (f.def->kind == OPT_FLAG) {
			store_value(&f, NULL);
			continue;
		}
		if (a[1]) {
			store_value(&f, a + 1);
		} else if (*i + 1 < argc) {
			store_value(&f, argv[++*i]);
		} else {
			return err_set(err, ERR_USAGE, "-%c needs a value", *a);
		}
		break;
	}
	return 0;
}

static bool is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Is help asked for at or after argv[i]?  ("cmd --bad --help" helps.) */
static bool help_from(int argc, char **argv, int i)
{
	for (; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (is_help(argv[i]))
			return true;
	return false;
}

int opt_parse(int argc, char **argv, const struct opt_set *sets, size_t nsets,
	      struct opt_list *pos, struct err *err)
{
	bool dashdash = false;
	int i, rc = -1;
	size_t s;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			opt_list_add(pos, a);
		} else if (strcmp(a, "--") == 0) {
			dashdash = true;
		} else if (is_help(a)) {
			rc = OPT_HELP;
			goto out;
		} else if (a[1] == '-' ? parse_long(argc, argv, &i, sets, nsets, err) < 0
				       : parse_short(argc, argv, &i, sets, nsets, err) < 0) {
			if (help_from(argc, argv, i + 1))
				rc = OPT_HELP;
			goto out;
		}
	}
	for (s = 0; s < nsets; s++) {
		const struct opt_def *d;

		for (d = sets[s].defs; d->name; d++) {
			if (d->required && !was_given(d, sets[s].base)) {
				err_set(err, ERR_USAGE, "missing --%s", d->name);
				goto out;
			}
		}
	}
	rc = OPT_OK;
out:
	return rc;
}

static void left_column(const struct opt_def *d, char *buf, size_t size)
{
	snprintf(buf, size, "%c%c%c --%s%s%s", d->short_name ? '-' : ' ',
		 d->short_name ? d->short_name : ' ', d->short_name ? ',' : ' ', d->name,
		 d->arg ? " " : "", d->arg ? d->arg : "");
}

int opt_help_width(const struct opt_def *defs)
{
	const struct opt_def *d;
	char left[128];
	int w = 0, n;

	for (d = defs; d->name; d++) {
		left_column(d, left, sizeof left);
		n = (int)strlen(left);
		if (n > w && n <= OPT_HELP_MAX_WIDTH)
			w = n;
	}
	return w;
}

void opt_print_line(FILE *f, int width, const char *left, const char *help)
{
	if ((int)strlen(left) > width)
		fprintf(f, "  %s\n  %-*s  %s\n", left, width, "", help);
	else
		fprintf(f, "  %-*s  %s\n", width, left, help);
}

void opt_print_help(const struct opt_def *defs, int width, FILE *f)
{
	const struct opt_def *d;

	for (d = defs; d->name; d++) {
		char left[128], *help;

		left_column(d, left, sizeof left);
		help = xasprintf("%s%s", d->help, d->kind == OPT_LIST ? " (repeatable)" : "");
		opt_print_line(f, width, left, help);
		free(help);
	}
}
