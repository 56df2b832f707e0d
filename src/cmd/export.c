/*
 * `tracelab export`: traces with their feedback, page by page (memory does
 * not grow with the store), as JSON Lines of MLflow's Trace.to_dict() or as
 * CSV (RFC 4180) with one column per feedback name.  -o FILE is
 * cmd/outfile.h's: a regular file appears only when complete, devices,
 * FIFOs and descriptors are written straight to.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/csv.h"
#include "cmd/outfile.h"
#include "cmd/progress.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "json/emit.h"
#include "svc/trace.h"

struct export_opts {
	const char *experiment, *format, *output, *filter;
};

static const struct opt_def export_defs[] = {
	{ "experiment", 'e', OPT_STR, offsetof(struct export_opts, experiment), "ID|NAME",
	  "experiment (default: config, else all)", false },
	{ "format", 0, OPT_STR, offsetof(struct export_opts, format), "jsonl|csv",
	  "output format (default jsonl)", false },
	{ "output", 'o', OPT_STR, offsetof(struct export_opts, output), "FILE",
	  "write to FILE instead of stdout", false },
	{ "filter", 'f', OPT_STR, offsetof(struct export_opts, filter), "FILTER",
	  "MLflow search_traces filter", false },
	{ NULL, 0, OPT_FLAG, 0, NULL, NULL, false },
};

enum export_format { EXPORT_JSONL, EXPORT_CSV };

static const char *const format_names[] = { "jsonl", "csv", NULL };

struct exporter {
	enum export_format format;
	struct store *st;
	FILE *out;
	char **names;             /* CSV feedback columns, sorted */
	size_t nnames;
	const char **cells;       /* a row's value per column (nnames) */
	bool tty;                 /* CSV to a terminal: cells made safe to show */
	struct strbuf line;
	int64_t count;
	struct progress prog;
};

/* ---- CSV ------------------------------------------------------------------ */

static int hex4(const char *s, uint32_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

/* A stored value for a CSV cell: a JSON string is unquoted, anything else
 * (true, 5, 0.85, lists) stays as its JSON text. */
static char *cell_value(const char *json)
{
	static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(json);
	const char *s = json + 1, *end = json + n - 1;

	if (n < 2 || json[0] != '"' || json[n - 1] != '"')
		return xstrdup(json);
	while (s < end) {
		const char *e;
		uint32_t cp, lo;
		char u[4];

		if (*s != '\\') {
			sb_addc(&sb, *s++);
			continue;
		}
		if (s + 1 >= end)
			goto raw;
		e = strchr(esc_in, s[1]);
		if (e && s[1]) {
			sb_addc(&sb, esc_out[e - esc_in]);
			s += 2;
			continue;
		}
		if (s[1] != 'u' || end - s < 6 || hex4(s + 2, &cp) < 0)
			goto raw;
		s += 6;
		if (cp >= 0xd800 && cp < 0xdc00 && end - s >= 6 && s[0] == '\\' && s[1] == 'u' &&
		    hex4(s + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			s += 6;
		}
		sb_add(&sb, u, (size_t)utf8_encode(cp, u));
	}
	return sb_take(&sb);
raw:
	sb_free(&sb);
	return xstrdup(json);
}

/* Is a stored value a JSON number, true, false or null (a cell that is no
 * text, so no formula guard)?  Anything else, JSON or not, is text. */
static bool json_number_or_bool(const char *v)
{
	char *end;

	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0 || strcmp(v, "null") == 0)
		return true;
	if (!(v[0] >= '0' && v[0] <= '9') && !(v[0] == '-' && v[1] >= '0' && v[1] <= '9'))
		return false;
	strtod(v, &end);
	return *end == '\0';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each column's latest valid feedback value (NULL: none) into ex->cells;
 * a name is found by binary search, so a row costs its assessments, not
 * assessments times columns. */
static void row_values(struct exporter *ex, const struct assessment_list *l)
{
	size_t i;

	memset(ex->cells, 0, ex->nnames * sizeof *ex->cells);
	for (i = 0; i < l->n; i++) {
		const struct assessment *a = &l->v[i];
		char **col;

		if (!a->valid || !str_eq(a->type, "feedback") || a->error || !a->name)
			continue;
		col = bsearch(&a->name, ex->names, ex->nnames, sizeof *ex->names, cmp_str);
		if (col)
			ex->cells[col - ex->names] = a->value;
	}
}

static int csv_header(struct exporter *ex)
{
	static const char *const fixed[] = {
		"trace_id", "time", "duration_ms", "status", "name", "user", "session",
		"request_preview", "response_preview", NULL,
	};
	size_t i;

	sb_reset(&ex->line);
	for (i = 0; fixed[i]; i++)
		csv_cell(&ex->line, fixed[i], i == 0, true, false);
	for (i = 0; i < ex->nnames; i++) {
		char *col = xasprintf("feedback.%s", ex->names[i]);

		csv_cell(&ex->line, col, false, true, ex->tty);
		free(col);
	}
	sb_adds(&ex->line, "\r\n");
	fputs(sb_str(&ex->line), ex->out);
	return 0;
}

static int csv_row(struct exporter *ex, const struct trace_row *r, struct err *err)
{
	struct assessment_list l = { 0 };
	struct strbuf *sb = &ex->line;
	char when[40], dur[32];
	size_t i;

	if (store_load_assessments(ex->st, r->id, &l, err) < 0)
		return -1;
	sb_reset(sb);
	fmt_rfc3339_ms(when, sizeof when, r->timestamp_ms);
	if (r->duration_ms >= 0)
		snprintf(dur, sizeof dur, "%lld", (long long)r->duration_ms);
	else
		dur[0] = '\0';
	csv_cell(sb, r->id, true, true, ex->tty);
	csv_cell(sb, when, false, true, false);
	csv_cell(sb, dur, false, false, false);
	csv_cell(sb, r->status, false, true, ex->tty);
	csv_cell(sb, r->name, false, true, ex->tty);
	csv_cell(sb, r->user, false, true, ex->tty);
	csv_cell(sb, r->session, false, true, ex->tty);
	csv_cell(sb, r->request_preview, false, true, ex->tty);
	csv_cell(sb, r->response_preview, false, true, ex->tty);
	row_values(ex, &l);
	for (i = 0; i < ex->nnames; i++) {
		const char *v = ex->cells[i];
		char *cell = v ? cell_value(v) : NULL;

		csv_cell(sb, cell, false, v && !json_number_or_bool(v), ex->tty);
		free(cell);
	}
	sb_adds(sb, "\r\n");
	fputs(sb_str(sb), ex->out);
	assessment_list_free(&l);
	return 0;
}

/* Feedback names over every exported experiment, sorted, without repeats. */
static int collect_names(struct exporter *ex, const int64_t *exps, size_t nexps,
			 struct err *err)
{
	size_t i, j, cap = 0, k;

	for (i = 0; i < nexps; i++) {
		char **names = NULL;
		size_t n = 0;

		if (store_feedback_names(ex->st, exps[i], &names, &n, err) < 0)
			return -1;
		GROW(ex->names, cap, ex->nnames + n);
		for (j = 0; j < n; j++)
			ex->names[ex->nnames++] = xstrdup(names[j]);
		store_free_names(names, n);
	}
	if (!ex->nnames)
		return 0;
	qsort(ex->names, ex->nnames, sizeof *ex->names, cmp_str);
	for (i = 1, k = 1; i < ex->nnames; i++) {
		if (strcmp(ex->names[i], ex->names[k - 1]) == 0)
			free(ex->names[i]);
		else
			ex->names[k++] = ex->names[i];
	}
	ex->nnames = k;
	return 0;
}

/* ---- JSON Lines -------------------------------------------------------------- */

static int jsonl_row(struct exporter *ex, const struct trace_row *r, struct err *err)
{
	struct trace t = { 0 };
	char *json;

	if (svc_load_trace(ex->st, r->id, &t, err) < 0)
		return -1;
	json = trace_to_json(&t);
	fputs(json, ex->out);
	fputc('\n', ex->out);
	free(json);
	trace_free(&t);
	return 0;
}

static int export_row(void *data, const struct trace_row *r, struct err *err)
{
	struct exporter *ex = data;
	int rc;

	rc = ex->format == EXPORT_CSV ? csv_row(ex, r, err) : jsonl_row(ex, r, err);
	if (rc < 0)
		return err_prefix(err, "%s", r->id);
	ex->count++;
	progress_update(&ex->prog, ex->count, ex->count);
	return ferror(ex->out) ? err_set(err, ERR_RUNTIME, "write error: %s", strerror(errno))
			       : 0;
}

/* ---- the command ------------------------------------------------------------- */

static int64_t count_all(struct exporter *ex, const int64_t *exps, size_t nexps,
			 const char *filter)
{
	struct err ignored = { 0 };
	int64_t total = 0, n;
	size_t i;

	for (i = 0; i < nexps; i++) {
		if (store_count_traces(ex->st, exps[i], filter, 0, NULL, NULL, &n, &ignored) < 0)
			return 0;
		total += n;
	}
	return total;
}

int cmd_export(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct export_opts o = { 0 };
	struct exporter ex = { 0 };
	struct outfile of = { 0 };
	struct trace_walk w = { 0 };
	const char *store_arg;
	size_t i;
	int rc, f = EXPORT_JSONL;

	rc = cmd_parse_store(ctx, argc, argv, export_defs, &o, &store_arg, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if ((o.format && cmd_choice("--format", format_names, o.format, &f, err) < 0) ||
	    outfile_check("-o", o.output, err) < 0)
		goto out;
	ex.format = (enum export_format)f;
	if (cmd_walk_open(ctx, store_arg, o.experiment, &ex.st, &w, err) < 0)
		goto out;
	if (ex.format == EXPORT_CSV &&
	    collect_names(&ex, w.experiments, w.nexperiments, err) < 0)
		goto out;
	if (outfile_open(&of, "-o", o.output, err) < 0)
		goto out;
	ex.out = of.f;
	ex.tty = isatty(fileno(ex.out));
	if (ex.format == EXPORT_CSV)
		ex.cells = xcalloc(ex.nnames ? ex.nnames : 1, sizeof *ex.cells);
	progress_begin(&ex.prog, ctx->progress, "exporting", "traces",
		       ctx->progress ? count_all(&ex, w.experiments, w.nexperiments, o.filter) : 0);
	if (ex.format == EXPORT_CSV)
		csv_header(&ex);
	w.filter = o.filter;
	w.row = export_row;
	w.data = &ex;
	if (cmd_walk(ex.st, &w, err) < 0)
		goto out;
	progress_end(&ex.prog);
	if (outfile_commit(&of, err) < 0)
		goto out;
	if (of.path && ex.out != stdout)
		printf("exported %lld traces to %s\n", (long long)ex.count, of.path);
	rc = 0;
out:
	progress_end(&ex.prog);
	if (rc < 0)
		outfile_discard(&of);
	for (i = 0; i < ex.nnames; i++)
		free(ex.names[i]);
	free(ex.names);
	free(ex.cells);
	sb_free(&ex.line);
	free(w.experiments);
	store_close(ex.st);
	return rc < 0 ? -1 : 0;
}
