/*
 * `tracelab list`: trace rows newest first, as aligned text (previews
 * sanitised and cut to fit) or as a JSON array whose objects use MLflow's
 * TraceInfo names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/preview.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "json/emit.h"

#define END_OPTS { NULL, 0, OPT_FLAG, 0, NULL, NULL, false }
#define LIST_DEFAULT_LIMIT 100
#define ID_COLS 35       /* "tr-" + 32 hex */
#define STATUS_COLS 5
#define NAME_COLS 18
#define USER_COLS 24
#define PREVIEW_COLS 60

struct list_opts {
	const char *experiment, *filter, *limit, *format;
};

static const struct opt_def list_defs[] = {
	{ "experiment", 'e', OPT_STR, offsetof(struct list_opts, experiment), "ID|NAME",
	  "experiment (default: config, else all)", false },
	{ "filter", 'f', OPT_STR, offsetof(struct list_opts, filter), "FILTER",
	  "MLflow search_traces filter", false },
	{ "limit", 'n', OPT_STR, offsetof(struct list_opts, limit), "N",
	  "at most N traces (default 100; 0: all)", false },
	{ "format", 0, OPT_STR, offsetof(struct list_opts, format), "text|json",
	  "output format (default text)", false },
	END_OPTS,
};

enum list_format { FMT_TEXT, FMT_JSON };

static const char *const format_names[] = { "text", "json", NULL };

struct list_state {
	enum list_format format;
	size_t rows;
	struct strbuf line;
	struct strbuf text;      /* a preview's text (preview_text) */
};

static void add_cell(struct strbuf *sb, const char *s, int width, int max)
{
	cmd_text_cell(sb, s, width, max);
}

static int text_row(struct list_state *ls, const struct trace_row *r)
{
	struct strbuf *sb = &ls->line;
	char when[32], dur[32];

	sb_reset(sb);
	fmt_time_ms(when, sizeof when, r->timestamp_ms, false);
	fmt_duration_ms(dur, sizeof dur, r->duration_ms);
	sb_addf(sb, "%s  ", when);
	add_cell(sb, r->id, ID_COLS, 0);
	sb_adds(sb, "  ");
	add_cell(sb, r->status, STATUS_COLS, 0);
	sb_addf(sb, "  %7s  ", dur);
	add_cell(sb, r->name, NAME_COLS, NAME_COLS);
	sb_adds(sb, "  ");
	add_cell(sb, r->user, USER_COLS, USER_COLS);
	sb_adds(sb, "  ");
	if (r->request_preview && preview_text(r->request_preview, strlen(r->request_preview),
					       &ls->text)) {
		add_cell(sb, sb_str(&ls->text), 0, PREVIEW_COLS);
		sb_reset(&ls->text);
	} else {
		add_cell(sb, r->request_preview, 0, PREVIEW_COLS);
	}
	puts(sb_str(sb));
	return 0;
}

static void json_str_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		pyjson_string(sb, s, strlen(s));
	else
		sb_adds(sb, "null");
}

/* The text fields of a row in JSON, after the times. */
static const struct {
	const char *key;
	size_t off;
} text_fields[] = {
	{ "state", offsetof(struct trace_row, status) },
	{ "name", offsetof(struct trace_row, name) },
	{ "user", offsetof(struct trace_row, user) },
	{ "session", offsetof(struct trace_row, session) },
	{ "request_preview", offsetof(struct trace_row, request_preview) },
	{ "response_preview", offsetof(struct trace_row, response_preview) },
};

/* A char * field of a struct, by offset. */
static const char *field_at(const void *base, size_t off)
{
	return *(char *const *)(const void *)((const char *)base + off);
}

/* Stored feedback values are JSON written by json.dumps, but the store is
 * not ours: each is rewritten as strict JSON (json/emit.h), and a value
 * that is not JSON becomes a JSON string of its text. */
static void json_value(struct strbuf *sb, const char *v)
{
	if (!emit_json_value(sb, v, strlen(v)))
		pyjson_string(sb, v, strlen(v));
}

static void json_feedback(struct strbuf *sb, const struct trace_row *r)
{
	static const struct {
		const char *key;
		size_t off;
	} kinds[] = {
		{ "human", offsetof(struct fb_cell, human) },
		{ "llm_judge", offsetof(struct fb_cell, judge) },
		{ "code", offsetof(struct fb_cell, code) },
		{ "mine", offsetof(struct fb_cell, mine) },
	};
	size_t i, k;

	sb_adds(sb, "{");
	for (i = 0; i < r->nfb; i++) {
		bool first = true;

		if (i)
			sb_adds(sb, ", ");
		json_str_or_null(sb, r->fb[i].name);
		sb_adds(sb, ": {");
		for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			const char *v = field_at(&r->fb[i], kinds[k].off);

			if (!v)
				continue;
			sb_addf(sb, "%s\"%s\": ", first ? "" : ", ", kinds[k].key);
			json_value(sb, v);
			first = false;
		}
		sb_adds(sb, "}");
	}
	sb_adds(sb, "}");
}

static int json_row(struct list_state *ls, const struct trace_row *r)
{
	struct strbuf *sb = &ls->line;
	char when[40];
	size_t i;

	sb_reset(sb);
	fmt_rfc3339_ms(when, sizeof when, r->timestamp_ms);
	sb_adds(sb, ls->rows ? ",\n  {" : "[\n  {");
	sb_adds(sb, "\"trace_id\": ");
	json_str_or_null(sb, r->id);
	sb_addf(sb, ", \"experiment_id\": \"%lld\", \"request_time\": \"%s\"",
		(long long)r->experiment_id, when);
	if (r->duration_ms >= 0)
		sb_addf(sb, ", \"execution_duration_ms\": %lld", (long long)r->duration_ms);
	else
		sb_adds(sb, ", \"execution_duration_ms\": null");
	for (i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		sb_addf(sb, ", \"%s\": ", text_fields[i].key);
		json_str_or_null(sb, field_at(r, text_fields[i].off));
	}
	sb_adds(sb, ", \"feedback\": ");
	json_feedback(sb, r);
	sb_adds(sb, "}");
	fputs(sb_str(sb), stdout);
	return 0;
}

static int list_row(void *data, const struct trace_row *r, struct err *err)
{
	struct list_state *ls = data;
	int rc;

	(void)err;
	rc = ls->format == FMT_JSON ? json_row(ls, r) : text_row(ls, r);
	ls->rows++;
	return rc;
}

int cmd_list(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct list_opts o = { 0 };
	struct list_state ls = { FMT_TEXT, 0, STRBUF_INIT, STRBUF_INIT };
	struct trace_walk w = { 0 };
	struct store *st = NULL;
	const char *store_arg;
	int64_t limit = LIST_DEFAULT_LIMIT;
	int rc, f = FMT_TEXT;

	rc = cmd_parse_store(ctx, argc, argv, list_defs, &o, &store_arg, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (o.format && cmd_choice("--format", format_names, o.format, &f, err) < 0)
		goto out;
	ls.format = (enum list_format)f;
	if (o.limit && (parse_int64(o.limit, &limit) < 0 || limit < 0)) {
		err_set(err, ERR_USAGE, "--limit must be a number of traces, not '%s'", o.limit);
		goto out;
	}
	if (cmd_walk_open(ctx, store_arg, o.experiment, &st, &w, err) < 0)
		goto out;
	w.filter = o.filter;
	w.limit = (size_t)limit;
	w.row = list_row;
	w.data = &ls;
	if (cmd_walk(st, &w, err) < 0)
		goto out;
	if (ls.format == FMT_JSON)
		fputs(ls.rows ? "\n]\n" : "[]\n", stdout);
	rc = 0;
out:
	sb_free(&ls.line);
	sb_free(&ls.text);
	free(w.experiments);
	store_close(st);
	return rc < 0 ? -1 : 0;
}
