#ifndef TB_CMD_OPT_H
#define TB_CMD_OPT_H
/*
 * Command-line options from tables.  A command describes its options as a
 * const array of struct opt_def rows, each naming a field of the command's
 * own options struct (by offset); opt_parse fills that struct from argv in
 * GNU style: "--name value", "--name=value", "-x value", "-xvalue",
 * options and positional arguments in any order, "--" ends the options.
 * "-h" and "--help" anywhere before "--" ask for help.
 *
 * The strings stored in the options struct and in the positional list are
 * argv's own (borrowed for the life of the process); opt_list_free releases
 * only the list's array.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

enum opt_kind {
	OPT_FLAG,   /* bool */
	OPT_STR,    /* const char *; the last occurrence wins */
	OPT_LIST,   /* struct opt_list: every occurrence, in order */
};

struct opt_list {
	const char **v;   /* NULL-terminated once anything was added */
	size_t n, cap;
};

struct opt_def {
	const char *name;     /* long name without "--"; NULL ends a table */
	char short_name;      /* 0: none */
	enum opt_kind kind;
	size_t offset;        /* of the field in the options struct */
	const char *arg;      /* placeholder shown in help ("ID"); NULL for flags */
	const char *help;     /* one line */
	bool required;
};

/* A table and the struct its offsets point into. */
struct opt_set {
	const struct opt_def *defs;
	void *base;
};

enum {
	OPT_OK = 0,
	OPT_HELP = 1,   /* -h / --help was given */
};

/* Parses argv[0..argc) (argv[0] is the first argument, not the program).
 * Returns OPT_OK, OPT_HELP, or -1 with err (ERR_USAGE) naming the option:
 * "unknown option --foo", "--trace needs a value", "missing --name". */
int opt_parse(int argc, char **argv, const struct opt_set *sets, size_t nsets,
	      struct opt_list *pos, struct err *err);

void opt_list_free(struct opt_list *l);

/* Help text: the width of the left column a table needs (entries wider
 * than OPT_HELP_MAX_WIDTH put their help on the next line), one line, and
 * every option of a table ("  -o, --output FILE   help"). */
#define OPT_HELP_MAX_WIDTH 30
int opt_help_width(const struct opt_def *defs);
void opt_print_line(FILE *f, int width, const char *left, const char *help);
void opt_print_help(const struct opt_def *defs, int width, FILE *f);

#endif
