/*
 * `tracelab spans`: spans across traces, the longest (or the newest)
 * first, as aligned text, JSON or CSV.  The filter's span conditions are
 * on the span listed, all of them on that one span; its other conditions
 * pick the traces.  Several experiments are merged into one order, each
 * read a page at a time, so memory does not grow with the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/csv.h"
#include "cmd/outfile.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"

#define END_OPTS { NULL, 0, OPT_FLAG, 0, NULL, NULL, false }
#define SPANS_DEFAULT_LIMIT 100
#define SPANS_PAGE 200
#define SPAN_ID_COLS 16
#define TRACE_ID_COLS 35
#define STATUS_COLS 5
#define TYPE_COLS 10
#define NAME_COLS 28
#define TRACE_NAME_COLS 24

struct spans_opts {
	const char *experiment, *filter, *sort, *limit, *output;
	bool json, csv, reverse;
};

static const struct opt_def spans_defs[] = {
	{ "experiment", 'e', OPT_STR, offsetof(struct spans_opts, experiment), "ID|NAME",
	  "experiment (default: config, else all)", false },
	{ "filter", 'f', OPT_STR, offsetof(struct spans_opts, filter), "FILTER",
	  "span and trace conditions (span.type = 'LLM' AND span.duration_ms > 5000)", false },
	{ "sort", 's', OPT_STR, offsetof(struct spans_opts, sort), "duration|start",
	  "the longest first (default), or the newest first", false },
	{ "reverse", 'r', OPT_FLAG, offsetof(struct spans_opts, reverse), NULL,
	  "the shortest / oldest first", false },
	{ "limit", 'n', OPT_STR, offsetof(struct spans_opts, limit), "N",
	  "at most N spans (default 100; 0: all)", false },
	{ "json", 0, OPT_FLAG, offsetof(struct spans_opts, json), NULL,
	  "a JSON array", false },
	{ "csv", 0, OPT_FLAG, offsetof(struct spans_opts, csv), NULL,
	  "CSV with a header row", false },
	{ "output", 'o', OPT_STR, offsetof(struct spans_opts, output), "FILE",
	  "write to FILE (appears only when complete)", false },
	END_OPTS,
};

static const char *const sort_names[] = { "duration", "start", NULL };

enum spans_format { SF_TEXT, SF_JSON, SF_CSV };

/* One experiment's spans, a page at a time. */
struct stream {
	int64_t experiment_id;
	struct span_page page;
	size_t at;                 /* next row of page */
	struct span_cursor after;
	bool done;
};

struct spans_out {
	enum spans_format format;
	FILE *out;
	bool tty;                  /* CSV to a terminal: cells made safe to show */
	size_t rows;
	struct strbuf line;
};

/* ---- output ------------------------------------------------------------- */

static void text_row(struct spans_out *so, const struct span_row *r)
{
	struct strbuf *sb = &so->line;
	char when[32], dur[32];

	fmt_time_ms(when, sizeof when, r->start_ns / 1000000, false);
	fmt_duration_ms(dur, sizeof dur, span_row_duration_ms(r));
	sb_addf(sb, "%s  %7s  ", when, dur);
	cmd_text_cell(sb, r->status, STATUS_COLS, 0);
	sb_adds(sb, "  ");
	cmd_text_cell(sb, r->type, TYPE_COLS, TYPE_COLS);
	sb_adds(sb, "  ");
	cmd_text_cell(sb, r->name, NAME_COLS, NAME_COLS);
	sb_adds(sb, "  ");
	cmd_text_cell(sb, r->span_id, SPAN_ID_COLS, 0);
	sb_adds(sb, "  ");
	cmd_text_cell(sb, r->trace_id, TRACE_ID_COLS, 0);
	sb_adds(sb, "  ");
	cmd_text_cell(sb, r->trace_name, 0, TRACE_NAME_COLS);
	/* no padding at the end of the line */
	while (sb->len && sb_str(sb)[sb->len - 1] == ' ')
		sb->len--, sb->buf[sb->len] = '\0';
	sb_addc(sb, '\n');
}

static void json_str(struct strbuf *sb, const char *key, const char *s)
{
	sb_addf(sb, ", \"%s\": ", key);
	if (s)
		pyjson_string(sb, s, strlen(s));
	else
		sb_adds(sb, "null");
}

static void json_row(struct spans_out *so, const struct span_row *r)
{
	struct strbuf *sb = &so->line;
	char when[40];
	int64_t ms = span_row_duration_ms(r);

	fmt_rfc3339_ms(when, sizeof when, r->start_ns / 1000000);
	sb_adds(sb, so->rows ? ",\n  {" : "[\n  {");
	sb_adds(sb, "\"trace_id\": ");
	pyjson_string(sb, r->trace_id ? r->trace_id : "", strlen(r->trace_id ? r->trace_id : ""));
	json_str(sb, "span_id", r->span_id);
	json_str(sb, "parent_span_id", r->parent_id && *r->parent_id ? r->parent_id : NULL);
	json_str(sb, "name", r->name);
	json_str(sb, "span_type", r->type);
	json_str(sb, "status", r->status);
	sb_addf(sb, ", \"start_time\": \"%s\", \"start_time_unix_nano\": %lld", when,
		(long long)r->start_ns);
	if (r->end_ns >= 0)
		sb_addf(sb, ", \"end_time_unix_nano\": %lld", (long long)r->end_ns);
	else
		sb_adds(sb, ", \"end_time_unix_nano\": null");
	if (ms >= 0)
		sb_addf(sb, ", \"duration_ms\": %lld", (long long)ms);
	else
		sb_adds(sb, ", \"duration_ms\": null");
	json_str(sb, "trace_name", r->trace_name);
	sb_adds(sb, "}");
}

static void csv_header(struct spans_out *so)
{
	static const char *const cols[] = {
		"trace_id", "span_id", "parent_span_id", "name", "span_type", "status",
		"start_time", "duration_ms", "trace_name",
	};
	size_t i;

	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		csv_cell(&so->line, cols[i], i == 0, true, false);
	sb_adds(&so->line, "\r\n");
}

static void csv_row(struct spans_out *so, const struct span_row *r)
{
	struct strbuf *sb = &so->line;
	char when[40], dur[32] = "";
	int64_t ms = span_row_duration_ms(r);

	fmt_rfc3339_ms(when, sizeof when, r->start_ns / 1000000);
	if (ms >= 0)
		snprintf(dur, sizeof dur, "%lld", (long long)ms);
	csv_cell(sb, r->trace_id, true, true, so->tty);
	csv_cell(sb, r->span_id, false, true, so->tty);
	csv_cell(sb, r->parent_id, false, true, so->tty);
	csv_cell(sb, r->name, false, true, so->tty);
	csv_cell(sb, r->type, false, true, so->tty);
	csv_cell(sb, r->status, false, true, so->tty);
	csv_cell(sb, when, false, true, false);
	csv_cell(sb, dur, false, false, false);
	csv_cell(sb, r->trace_name, false, true, so->tty);
	sb_adds(sb, "\r\n");
}

static int put_row(struct spans_out *so, const struct span_row *r, struct err *err)
{
	sb_reset(&so->line);
	switch (so->format) {
	case SF_JSON: json_row(so, r); break;
	case SF_CSV: csv_row(so, r); break;
	default: text_row(so, r); break;
	}
	so->rows++;
	if (fwrite(sb_str(&so->line), 1, so->line.len, so->out) != so->line.len)
		return err_set(err, ERR_RUNTIME, "write: %s", strerror(errno));
	return 0;
}

/* ---- the merge of the experiments' orders -------------------------------- */

/* The stream's next row (reading its next page when needed), or NULL. */
static const struct span_row *head(struct store *st, struct stream *s, const struct span_req *tmpl,
				   struct err *err, int *rc)
{
	struct span_req req = *tmpl;

	*rc = 0;
	if (s->at < s->page.n)
		return &s->page.v[s->at];
	if (s->done)
		return NULL;
	if (s->page.n)
		s->after = s->page.v[s->page.n - 1].at;
	span_page_free(&s->page);
	s->at = 0;
	req.experiment_id = s->experiment_id;
	req.after = &s->after;
	req.limit = SPANS_PAGE;
	if (store_page_spans(st, &req, &s->page, err) < 0) {
		if (err->code == ERR_PARSE) {
			err->code = ERR_USAGE;
			err_prefix(err, "--filter");
		}
		*rc = -1;
		return NULL;
	}
	s->done = !s->page.more;
	return s->page.n ? &s->page.v[0] : NULL;
}

/* Does a come before b in the order asked?  NULL (no end) is the
 * smallest value, as in the store's order. */
static bool before(const struct span_row *a, const struct span_row *b, bool asc)
{
	if (a->at.null != b->at.null)
		return asc ? a->at.null : b->at.null;
	if (a->at.num != b->at.num)
		return asc ? a->at.num < b->at.num : a->at.num > b->at.num;
	return false;
}

static int walk(struct store *st, struct stream *ss, size_t n, const struct span_req *tmpl,
		size_t limit, struct spans_out *so, struct err *err)
{
	size_t i, shown = 0;
	int rc;

	while (!limit || shown < limit) {
		const struct span_row *best = NULL, *r;
		size_t bi = 0;

		for (i = 0; i < n; i++) {
			r = head(st, &ss[i], tmpl, err, &rc);
			if (rc < 0)
				return -1;
			if (r && (!best || before(r, best, tmpl->ascending))) {
				best = r;
				bi = i;
			}
		}
		if (!best)
			break;
		if (put_row(so, best, err) < 0)
			return -1;
		ss[bi].at++;
		shown++;
	}
	return 0;
}

int cmd_spans(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct spans_opts o = { 0 };
	struct spans_out so = { SF_TEXT, NULL, false, 0, STRBUF_INIT };
	struct outfile of = { 0 };
	struct span_req tmpl = { 0 };
	struct stream *ss = NULL;
	struct store *st = NULL;
	const char *store_arg;
	int64_t *exps = NULL, limit = SPANS_DEFAULT_LIMIT;
	size_t nexps = 0, i;
	int rc, sort = SPAN_SORT_DURATION;

	rc = cmd_parse_store(ctx, argc, argv, spans_defs, &o, &store_arg, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (o.json && o.csv) {
		err_set(err, ERR_USAGE, "--json and --csv: choose one");
		goto out;
	}
	so.format = o.json ? SF_JSON : o.csv ? SF_CSV : SF_TEXT;
	if (o.sort && cmd_choice("--sort", sort_names, o.sort, &sort, err) < 0)
		goto out;
	if (o.limit && (parse_int64(o.limit, &limit) < 0 || limit < 0)) {
		err_set(err, ERR_USAGE, "--limit must be a number of spans, not '%s'", o.limit);
		goto out;
	}
	if (outfile_check("-o", o.output, err) < 0 ||
	    cmd_open_store(ctx, store_arg, STORE_READONLY, &st, err) < 0 ||
	    cmd_experiments(ctx, st, o.experiment, &exps, &nexps, err) < 0)
		goto out;
	tmpl.filter = o.filter;
	tmpl.sort = (enum span_sort)sort;
	tmpl.ascending = o.reverse;
	ss = xcalloc(nexps ? nexps : 1, sizeof *ss);
	for (i = 0; i < nexps; i++)
		ss[i].experiment_id = exps[i];
	/* The first page of each before any output: a bad filter or a store
	 * that cannot list spans leaves no file behind. */
	for (i = 0; i < nexps; i++) {
		head(st, &ss[i], &tmpl, err, &rc);
		if (rc < 0)
			goto out;
	}
	rc = -1;
	if (outfile_open(&of, "-o", o.output, err) < 0)
		goto out;
	so.out = of.f;
	so.tty = isatty(fileno(so.out));
	if (so.format == SF_CSV) {
		csv_header(&so);
		if (fwrite(sb_str(&so.line), 1, so.line.len, so.out) != so.line.len) {
			err_set(err, ERR_RUNTIME, "write: %s", strerror(errno));
			goto out;
		}
	}
	if (walk(st, ss, nexps, &tmpl, (size_t)limit, &so, err) < 0)
		goto out;
	if (so.format == SF_JSON && fputs(so.rows ? "\n]\n" : "[]\n", so.out) == EOF) {
		err_set(err, ERR_RUNTIME, "write: %s", strerror(errno));
		goto out;
	}
	if (outfile_commit(&of, err) < 0)
		goto out;
	if (of.path && so.out != stdout)
		printf("wrote %zu spans to %s\n", so.rows, of.path);
	rc = 0;
out:
	if (rc < 0)
		outfile_discard(&of);
	for (i = 0; ss && i < nexps; i++)
		span_page_free(&ss[i].page);
	free(ss);
	free(exps);
	sb_free(&so.line);
	store_close(st);
	return rc < 0 ? -1 : 0;
}
