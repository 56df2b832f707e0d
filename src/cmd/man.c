/*
 * tracelab.1 in roff (man(7) macros), from the program's own tables.
 */
#include "cmd/man.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/action.h"
#include "core/util.h"
#include "ui/ui.h"

/* ---- roff text ------------------------------------------------------------ */

/* Text of n bytes on the current output line: backslashes and minus signs
 * escaped, characters beyond ASCII as \[uXXXX] (whatever the reader's
 * locale), control characters dropped. */
static void roff_span(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p;

		if (c == '\\') {
			fputs("\\e", f);
			p++;
		} else if (c == '-') {
			fputs("\\-", f);
			p++;
		} else if (c < 0x80) {
			if (c >= 0x20 && c != 0x7f)
				fputc((int)c, f);
			p++;
		} else {
			int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2, i;
			unsigned cp = c & (0x3fu >> (len - 1));

			for (i = 1; i < len && p + i < end && (p[i] & 0xc0) == 0x80; i++)
				cp = cp << 6 | (p[i] & 0x3fu);
			if (i == len && c >= 0xc2 && c <= 0xf4)
				fprintf(f, "\\[u%04X]", cp);
			p += i;
		}
	}
}

/* A text line: a leading '.' or '\'' would be read as a request. */
static void roff_line(FILE *f, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", f);
	roff_span(f, s, n);
	fputc('\n', f);
}

static void roff_str(FILE *f, const char *s)
{
	roff_span(f, s, strlen(s));
}

/* A paragraph of --help text: its lines joined (roff fills them); a line
 * that starts with a space is an example, kept as it is; an empty line
 * starts a new paragraph. */
static void roff_text(FILE *f, const char *text)
{
	const char *s = text;
	bool verbatim = false;

	while (*s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		bool ex = n && s[0] == ' ';

		if (ex != verbatim) {
			fputs(ex ? ".PP\n.nf\n.RS 4\n" : ".RE\n.fi\n.PP\n", f);
			verbatim = ex;
		}
		if (n == 0 && !verbatim)
			fputs(".PP\n", f);
		else if (verbatim)
			roff_line(f, s + strspn(s, " "), n - strspn(s, " "));
		else
			roff_line(f, s, n);
		s += n + (e != NULL);
	}
	if (verbatim)
		fputs(".RE\n.fi\n", f);
}

/* A usage synopsis: upper-case words (STORE, ID) in italics, the rest in
 * bold, brackets and bars plain. */
static void roff_usage(FILE *f, const char *u, size_t len)
{
	const char *end = u + len;

	while (u < end) {
		size_t n = strcspn(u, " []|.\n");

		if (n > (size_t)(end - u))
			n = (size_t)(end - u);
		bool meta = n && u[0] >= 'A' && u[0] <= 'Z';

		if (n) {
			fputs(meta ? "\\fI" : "\\fB", f);
			roff_span(f, u, n);
			fputs("\\fR", f);
			u += n;
		} else {
			roff_span(f, u, 1);
			u++;
		}
	}
	fputc('\n', f);
}

/* Text in a font ("B" bold, "I" italics), then back to roman. */
static void roff_font(FILE *f, char font, const char *s)
{
	fprintf(f, "\\f%c", font);
	roff_str(f, s);
	fputs("\\fR", f);
}

static void roff_options(FILE *f, const struct opt_def *defs)
{
	const struct opt_def *d;

	for (d = defs; d && d->name; d++) {
		char *long_name;

		fputs(".TP\n", f);
		if (d->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", d->short_name);
		long_name = xasprintf("--%s", d->name);
		roff_font(f, 'B', long_name);
		free(long_name);
		if (d->arg) {
			fputc(' ', f);
			roff_font(f, 'I', d->arg);
		}
		fputc('\n', f);
		roff_str(f, d->help);
		if (d->kind == OPT_LIST)
			fputs(" (repeatable)", f);
		fputs(".\n", f);
	}
}

/* ---- the page ------------------------------------------------------------- */

void man_command(FILE *f, const char *name, const char *usage, const char *help,
		 const char *about, const struct opt_def *defs, const struct opt_def *common)
{
	fputs(".SS \"", f);
	roff_str(f, name);
	fputs("\"\n.B tracelab\n", f);
	roff_usage(f, usage, strlen(usage));
	fputs(".PP\n", f);
	roff_str(f, help);
	fputs(".\n", f);
	if (about) {
		fputs(".PP\n", f);
		roff_text(f, about);
	}
	roff_options(f, defs);
	roff_options(f, common);
}

struct action_acc {
	FILE *f;
	int group;
};

static void man_action(void *arg, const struct action_info *ai, const char *keys)
{
	struct action_acc *acc = arg;

	if ((int)ai->group != acc->group) {
		acc->group = (int)ai->group;
		fputs(".SS \"", acc->f);
		roff_str(acc->f, action_group_title(ai->group));
		fputs("\"\n", acc->f);
	}
	fputs(".TP\n", acc->f);
	roff_font(acc->f, 'B', ai->name);
	if (*keys) {
		fputs(" (", acc->f);
		roff_str(acc->f, keys);
		fputc(')', acc->f);
	}
	fputc('\n', acc->f);
	roff_str(acc->f, ai->help);
	fputs(".\n", acc->f);
}

void man_begin(FILE *f, const char *synopsis, const char *about, const struct opt_def *defs)
{
	const char *s, *e;
	size_t skip;

	fprintf(f, ".TH TRACELAB 1 \"\" \"tracelab %s\" \"User Commands\"\n", TRACELAB_VERSION);
	fputs(".SH NAME\ntracelab \\- browse MLflow GenAI traces in a terminal and label them\n"
	      ".SH SYNOPSIS\n", f);
	for (s = synopsis; *s; s = e + (*e != '\0')) {
		e = s + strcspn(s, "\n");
		fputs(s == synopsis ? "" : ".br\n", f);
		fputs(".B tracelab\n", f);
		skip = strncmp(s, "tracelab ", 9) == 0 ? 9 : 0;
		roff_usage(f, s + skip, (size_t)(e - s) - skip);
	}
	fputs(".SH DESCRIPTION\n", f);
	roff_text(f, about);
	fputs(".SH OPTIONS\n", f);
	roff_options(f, defs);
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow this help.\n", f);

	fputs(".SH COMMANDS\n"
	      "Every command takes \\fB\\-\\-help\\fR.  \\fISTORE\\fR may be left out where "
	      "the usage shows [\\fISTORE\\fR].\n", f);
}

int man_end(FILE *f, const char *exit_status, struct err *err)
{
	struct ui_args defaults = { 0 };
	struct action_acc acc = { f, -1 };
	size_t i;

	fputs(".SH KEYS\n"
	      "The default key bindings of each action (\\fBtracelab \\-\\-list\\-actions\\fR "
	      "prints the ones in use; \\fB?\\fR shows those of the current screen).  "
	      "Keys without a context work everywhere; \"tree:\", \"detail:\" and the "
	      "others name the pane they work in.  A keymap (configuration \\fBkeymap\\fR, "
	      "\\fB\\-\\-keymap\\fR) binds keys to these names; the keys that "
	      "give a label's values are set with the labels in the configuration.\n", f);
	if (ui_each_action(&defaults, man_action, &acc, err) < 0)
		return -1;

	fputs(".SH \"COMMAND LINE\"\n"
	      "Typed after \\fB:\\fR in the browser.\n", f);
	for (i = 0; i < ui_command_count(); i++) {
		const char *help, *name = ui_command_name(i, &help);

		fputs(".TP\n", f);
		roff_font(f, 'B', name);
		fputc('\n', f);
		roff_str(f, help);
		fputs(".\n", f);
	}

	fputs(".SH ENVIRONMENT\n"
	      ".TP\n\\fBTRACELAB_CONFIG\\fR\nthe configuration file, unless \\fB\\-\\-config\\fR "
	      "names one.\n"
	      ".TP\n\\fBXDG_CONFIG_HOME\\fR\nwhere \\fItracelab/config.yaml\\fR is looked for "
	      "(default \\fI~/.config\\fR).\n"
	      ".TP\n\\fBNO_COLOR\\fR\nwhen set and not empty, no colours; attributes only.\n"
	      ".TP\n\\fBESCDELAY\\fR\nmilliseconds to wait for the rest of an escape sequence "
	      "after Esc.\n"
	      ".TP\n\\fBVISUAL\\fR, \\fBEDITOR\\fR\nthe editor of \\fBedit\\-external\\fR.\n"
	      ".TP\n\\fBUSER\\fR, \\fBLOGNAME\\fR\nthe default source id of your feedback.\n"
	      ".SH FILES\n"
	      ".TP\n\\fI$XDG_CONFIG_HOME/tracelab/config.yaml\\fR\nthe configuration: source id, "
	      "store, experiment, keymap, theme and the labels you give.\n"
	      ".TP\n\\fI./mlflow.db\\fR\nthe store opened when none is named or configured.\n"
	      ".SH \"EXIT STATUS\"\n", f);
	roff_text(f, exit_status);
	fputs(".SH \"SEE ALSO\"\n"
	      "\\fBtracelab \\-\\-help\\fR, \\fBtracelab\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR\n", f);
	return 0;
}
