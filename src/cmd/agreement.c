/*
 * `tracelab agreement`: how far judges and annotators agree, per feedback
 * name over the traces in scope (svc/agree.h says which answers count):
 * items with two or more answers, percent agreement, Krippendorff's alpha
 * with a bootstrap interval, Cohen's kappa for each judge against the human
 * consensus and for each pair of humans, and each judge's confusion matrix.
 * Traces are read page by page; as text (made safe for a terminal), JSON or
 * CSV (cells safe to open in a spreadsheet).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/csv.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "svc/agree.h"

#define AGREE_SEED 1
#define LABEL_COLS 12

struct agreement_opts {
	const char *experiment, *filter, *format, *seed;
	struct opt_list names;
};

static const struct opt_def agreement_defs[] = {
	{ "experiment", 'e', OPT_STR, offsetof(struct agreement_opts, experiment), "ID|NAME",
	  "experiment (default: config, else all)", false },
	{ "filter", 'f', OPT_STR, offsetof(struct agreement_opts, filter), "FILTER",
	  "MLflow search_traces filter", false },
	{ "name", 'n', OPT_LIST, offsetof(struct agreement_opts, names), "NAME",
	  "only this feedback name", false },
	{ "format", 0, OPT_STR, offsetof(struct agreement_opts, format), "text|json|csv",
	  "output format (default text)", false },
	{ "seed", 0, OPT_STR, offsetof(struct agreement_opts, seed), "N",
	  "seed of the bootstrap (default 1)", false },
	{ NULL, 0, OPT_FLAG, 0, NULL, NULL, false },
};

enum agreement_format { FMT_TEXT, FMT_JSON, FMT_CSV };

static const char *const format_names[] = { "text", "json", "csv", NULL };

/* ---- reading ---------------------------------------------------------------- */

struct batch {
	struct agree_scan *scan;
	struct store *st;
	char *ids[AGREE_BATCH];
	size_t n;
};

static int flush(struct batch *b, struct err *err)
{
	int rc = agree_scan_load(b->scan, b->st, (const char *const *)b->ids, b->n, err);
	size_t i;

	for (i = 0; i < b->n; i++)
		FREE(b->ids[i]);
	b->n = 0;
	return rc;
}

static int on_row(void *data, const struct trace_row *r, struct err *err)
{
	struct batch *b = data;

	b->ids[b->n++] = xstrdup(r->id);
	return b->n == AGREE_BATCH ? flush(b, err) : 0;
}

/* ---- shared by the formats -------------------------------------------------------- */

static char *safe(const char *s)
{
	return sanitize_dup(s ? s : "", strlen(s ? s : ""));
}

/* "LLM_JUDGE openai:/gpt-4o-mini" */
static char *source_text(const struct agree_source *s)
{
	return *s->id ? xasprintf("%s %s", s->type, s->id) : xstrdup(s->type);
}

static double percent(int64_t part, int64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : NAN;
}

/* ---- text ------------------------------------------------------------------------- */

static void put_safe(const char *s)
{
	char *t = safe(s);

	fputs(t, stdout);
	free(t);
}

/* Untrusted text cut to `cols` columns ("…" when cut), padded on the left
 * (right-aligned) or on the right to `cols` unless `pad` is false. */
static void put_cell(const char *s, int cols, bool right, bool pad)
{
	char *t = safe(s);
	size_t len = strlen(t), fit = len;
	int used = text_width(t, len), n;

	if (used > cols)
		fit = text_fit(t, len, cols - 1, &used);
	n = used + (fit < len);
	for (; right && n < cols; n++)
		putchar(' ');
	fwrite(t, 1, fit, stdout);
	if (fit < len)
		fputs("\xe2\x80\xa6", stdout);
	for (; pad && !right && n < cols; n++)
		putchar(' ');
	free(t);
}

static int label_width(const struct agree_name *n, int min)
{
	int w = min, x;
	size_t i;

	for (i = 0; i < n->nclasses; i++) {
		char *t = safe(n->classes[i].label);

		x = text_width(t, strlen(t));
		if (x > w)
			w = x;
		free(t);
	}
	return w > LABEL_COLS ? LABEL_COLS : w;
}

static void text_matrix(const struct agree_name *n, const struct agree_kappa_row *k)
{
	char *who = source_text(&n->sources[k->a]);
	int rw = label_width(n, 1), cw = label_width(n, 5);
	size_t r, c;

	fputs("  ", stdout);
	put_safe(who);
	fputs(" (rows) against the human consensus (columns)\n    ", stdout);
	put_cell("", rw, false, true);
	for (c = 0; c < n->nclasses; c++) {
		fputs("  ", stdout);
		put_cell(n->classes[c].label, cw, true, true);
	}
	putchar('\n');
	for (r = 0; r < n->nclasses; r++) {
		fputs("    ", stdout);
		put_cell(n->classes[r].label, rw, false, true);
		for (c = 0; c < n->nclasses; c++)
			printf("  %*lld", cw, (long long)k->matrix[r * n->nclasses + c]);
		putchar('\n');
	}
	free(who);
}

static void text_name(const struct agree_name *n)
{
	size_t i;

	put_safe(n->name);
	printf("  (%s%s%s)\n", agree_metric_name(n->metric), n->metric_note ? ": " : "",
	       n->metric_note ? n->metric_note : "");
	printf("  items answered %lld, with two or more answers %lld", (long long)n->items,
	       (long long)n->pairable);
	if (n->pairable)
		printf(", every answer the same on %lld (%.1f%%)", (long long)n->unanimous,
		       percent(n->unanimous, n->pairable));
	putchar('\n');
	fputs("  sources:", stdout);
	for (i = 0; i < n->nsources; i++) {
		char *who = source_text(&n->sources[i]);

		fputs(i ? ", " : " ", stdout);
		put_safe(who);
		printf(" (%lld)", (long long)n->sources[i].answers);
		free(who);
	}
	putchar('\n');
	if (n->alpha.undef) {
		printf("  Krippendorff's alpha: undefined (%s)\n", agree_undef_text(n->alpha.undef));
	} else {
		printf("  Krippendorff's alpha %.3f", n->alpha.alpha);
		if (n->ci.undef)
			printf(", no interval (%s)\n", agree_undef_text(n->ci.undef));
		else
			printf(", 95%% interval %.3f to %.3f (%zu of %zu resamples)\n", n->ci.lo,
			       n->ci.hi, n->ci.used, n->ci.resamples);
	}
	if (n->nkappas)
		fputs("  Cohen's kappa\n", stdout);
	for (i = 0; i < n->nkappas; i++) {
		const struct agree_kappa_row *k = &n->kappas[i];
		char *a = source_text(&n->sources[k->a]);
		char *b = k->b == AGREE_REPORT_CONSENSUS ? xstrdup("the human consensus")
							 : source_text(&n->sources[k->b]);

		if (k->k.undef)
			printf("    kappa   -    ");
		else
			printf("    kappa %6.3f", k->k.kappa);
		printf("  agreement %5.1f%%  n %-5lld ", 100 * k->k.p_o, (long long)k->k.n);
		put_safe(a);
		fputs(" vs ", stdout);
		put_safe(b);
		if (k->k.undef)
			printf(" (kappa undefined: %s)", agree_undef_text(k->k.undef));
		putchar('\n');
		free(a);
		free(b);
	}
	if (n->no_consensus)
		printf("  %lld items where the humans tie are not compared with the judges\n",
		       (long long)n->no_consensus);
	for (i = 0; i < n->nkappas; i++)
		if (n->kappas[i].matrix)
			text_matrix(n, &n->kappas[i]);
}

static void text_report(const struct agree_report *r)
{
	size_t i, left = 0, shown = 0;

	printf("Agreement over %lld traces; bootstrap: %zu resamples of the items, seed %llu.\n",
	       (long long)r->traces, r->resamples, (unsigned long long)r->seed);
	for (i = 0; i < r->n; i++) {
		if (r->v[i].left_out) {
			left++;
			continue;
		}
		putchar('\n');
		text_name(&r->v[i]);
		shown++;
	}
	if (!shown)
		fputs("\nNo feedback to compare.\n", stdout);
	if (left) {
		fputs("\nLeft out:", stdout);
		for (i = 0; i < r->n; i++) {
			if (!r->v[i].left_out)
				continue;
			putchar(' ');
			put_safe(r->v[i].name);
			printf(" (%s)%s", r->v[i].left_out, --left ? "," : ".\n");
		}
	}
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_str(struct strbuf *sb, const char *s)
{
	if (s)
		pyjson_string(sb, s, strlen(s));
	else
		sb_adds(sb, "null");
}

static void json_num(struct strbuf *sb, double v)
{
	if (isfinite(v))
		pyjson_float(sb, v);
	else
		sb_adds(sb, "null");
}

/* A source object; with its number of answers when `answers`. */
static void json_source(struct strbuf *sb, const struct agree_source *s, bool answers)
{
	sb_adds(sb, "{\"source_type\": ");
	json_str(sb, s->type);
	sb_adds(sb, ", \"source_id\": ");
	json_str(sb, s->id);
	if (answers)
		sb_addf(sb, ", \"answers\": %lld", (long long)s->answers);
	sb_adds(sb, "}");
}

static void json_name(struct strbuf *sb, const struct agree_name *n)
{
	size_t i, r, c;

	sb_adds(sb, "{\"name\": ");
	json_str(sb, n->name);
	sb_addf(sb, ", \"metric\": \"%s\", \"metric_note\": ", agree_metric_name(n->metric));
	json_str(sb, n->metric_note);
	sb_addf(sb, ", \"items\": %lld, \"items_with_two_or_more\": %lld, \"unanimous\": %lld"
		", \"humans_tie\": %lld, \"percent_agreement\": ", (long long)n->items,
		(long long)n->pairable, (long long)n->unanimous, (long long)n->no_consensus);
	json_num(sb, percent(n->unanimous, n->pairable));
	sb_adds(sb, ", \"classes\": [");
	for (i = 0; i < n->nclasses; i++) {
		sb_adds(sb, i ? ", " : "");
		json_str(sb, n->classes[i].label);
	}
	sb_adds(sb, "], \"sources\": [");
	for (i = 0; i < n->nsources; i++) {
		sb_adds(sb, i ? ", " : "");
		json_source(sb, &n->sources[i], true);
	}
	sb_adds(sb, "], \"alpha\": ");
	json_num(sb, n->alpha.undef ? NAN : n->alpha.alpha);
	sb_adds(sb, ", \"alpha_undefined\": ");
	json_str(sb, n->alpha.undef ? agree_undef_text(n->alpha.undef) : NULL);
	sb_adds(sb, ", \"interval\": ");
	if (n->ci.undef) {
		sb_adds(sb, "null");
	} else {
		sb_adds(sb, "{\"low\": ");
		json_num(sb, n->ci.lo);
		sb_adds(sb, ", \"high\": ");
		json_num(sb, n->ci.hi);
		sb_addf(sb, ", \"resamples_used\": %zu}", n->ci.used);
	}
	sb_adds(sb, ", \"kappa\": [");
	for (i = 0; i < n->nkappas; i++) {
		const struct agree_kappa_row *k = &n->kappas[i];

		sb_adds(sb, i ? ", {\"rater\": " : "{\"rater\": ");
		json_source(sb, &n->sources[k->a], false);
		sb_adds(sb, ", \"against\": ");
		if (k->b == AGREE_REPORT_CONSENSUS)
			sb_adds(sb, "\"human consensus\"");
		else
			json_source(sb, &n->sources[k->b], false);
		sb_adds(sb, ", \"kappa\": ");
		json_num(sb, k->k.undef ? NAN : k->k.kappa);
		sb_adds(sb, ", \"percent_agreement\": ");
		json_num(sb, k->k.n ? 100 * k->k.p_o : NAN);
		sb_addf(sb, ", \"items\": %lld", (long long)k->k.n);
		if (k->matrix) {
			sb_adds(sb, ", \"confusion\": [");
			for (r = 0; r < n->nclasses; r++) {
				sb_adds(sb, r ? ", [" : "[");
				for (c = 0; c < n->nclasses; c++)
					sb_addf(sb, "%s%lld", c ? ", " : "",
						(long long)k->matrix[r * n->nclasses + c]);
				sb_adds(sb, "]");
			}
			sb_adds(sb, "]");
		}
		sb_adds(sb, "}");
	}
	sb_adds(sb, "]}");
}

static void json_report(const struct agree_report *r)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	bool first = true;

	sb_addf(&sb, "{\"traces\": %lld, \"bootstrap\": {\"method\": \"items\", "
		"\"resamples\": %zu, \"seed\": %llu}, \"names\": [", (long long)r->traces,
		r->resamples, (unsigned long long)r->seed);
	for (i = 0; i < r->n; i++) {
		if (r->v[i].left_out)
			continue;
		sb_adds(&sb, first ? "\n  " : ",\n  ");
		json_name(&sb, &r->v[i]);
		first = false;
	}
	sb_adds(&sb, first ? "], \"left_out\": [" : "\n], \"left_out\": [");
	for (first = true, i = 0; i < r->n; i++) {
		if (!r->v[i].left_out)
			continue;
		sb_adds(&sb, first ? "{\"name\": " : ", {\"name\": ");
		json_str(&sb, r->v[i].name);
		sb_adds(&sb, ", \"reason\": ");
		json_str(&sb, r->v[i].left_out);
		sb_adds(&sb, "}");
		first = false;
	}
	sb_adds(&sb, "]}\n");
	fputs(sb_str(&sb), stdout);
	sb_free(&sb);
}

/* ---- CSV -------------------------------------------------------------------------- */

/* A cell of text from the store (cmd/csv.h). */
static void csv_text(struct strbuf *sb, const char *s, bool tty)
{
	csv_cell(sb, s, false, true, tty);
}

/* A number: a whole one without ".0", none for NAN. */
static void csv_num(struct strbuf *sb, double v)
{
	sb_addc(sb, ',');
	if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
		sb_addf(sb, "%lld", (long long)v);
	else if (isfinite(v))
		pyjson_float(sb, v);
}

/* One line: name, metric, figure, rater, against, row, column, then the
 * numbers value, low, high, n (NAN: empty). */
struct csv_line {
	const char *figure, *rater, *against, *row, *column;
	double value, low, high, n;
	const char *text;   /* instead of value (a reason) */
};

static void csv_put(const struct agree_name *n, const struct csv_line *l, bool tty)
{
	struct strbuf sb = STRBUF_INIT;

	csv_text(&sb, n->name, tty);
	sb_addc(&sb, ',');
	if (!n->left_out)
		sb_adds(&sb, agree_metric_name(n->metric));
	csv_text(&sb, l->figure, tty);
	csv_text(&sb, l->rater, tty);
	csv_text(&sb, l->against, tty);
	csv_text(&sb, l->row, tty);
	csv_text(&sb, l->column, tty);
	if (l->text)
		csv_text(&sb, l->text, tty);
	else
		csv_num(&sb, l->value);
	csv_num(&sb, l->low);
	csv_num(&sb, l->high);
	csv_num(&sb, l->n);
	fputs(sb_str(&sb) + 1, stdout);   /* no comma before the first cell */
	fputs("\r\n", stdout);
	sb_free(&sb);
}

static void csv_name(const struct agree_name *n, bool tty)
{
	struct csv_line l = { NULL, NULL, NULL, NULL, NULL, NAN, NAN, NAN, NAN, NULL };
	size_t i, r, c;

	if (n->left_out) {
		l.figure = "left_out";
		l.text = n->left_out;
		csv_put(n, &l, tty);
		return;
	}
	l.figure = "items";
	l.value = (double)n->items;
	csv_put(n, &l, tty);
	l.figure = "items_with_two_or_more";
	l.value = (double)n->pairable;
	csv_put(n, &l, tty);
	l.figure = "humans_tie";
	l.value = (double)n->no_consensus;
	csv_put(n, &l, tty);
	l.figure = "percent_agreement";
	l.value = percent(n->unanimous, n->pairable);
	l.n = (double)n->pairable;
	csv_put(n, &l, tty);
	l.figure = "alpha";
	l.value = n->alpha.undef ? NAN : n->alpha.alpha;
	l.low = n->ci.undef ? NAN : n->ci.lo;
	l.high = n->ci.undef ? NAN : n->ci.hi;
	csv_put(n, &l, tty);
	l.low = l.high = NAN;
	for (i = 0; i < n->nkappas; i++) {
		const struct agree_kappa_row *k = &n->kappas[i];
		char *a = source_text(&n->sources[k->a]);
		char *b = k->b == AGREE_REPORT_CONSENSUS ? xstrdup("human consensus")
							 : source_text(&n->sources[k->b]);

		l.figure = "kappa";
		l.rater = a;
		l.against = b;
		l.value = k->k.undef ? NAN : k->k.kappa;
		l.n = (double)k->k.n;
		csv_put(n, &l, tty);
		l.figure = "kappa_percent_agreement";
		l.value = k->k.n ? 100 * k->k.p_o : NAN;
		csv_put(n, &l, tty);
		for (r = 0; k->matrix && r < n->nclasses; r++) {
			for (c = 0; c < n->nclasses; c++) {
				l.figure = "confusion";
				l.row = n->classes[r].label;
				l.column = n->classes[c].label;
				l.value = (double)k->matrix[r * n->nclasses + c];
				l.n = NAN;
				csv_put(n, &l, tty);
			}
		}
		l.row = l.column = NULL;
		l.rater = l.against = NULL;
		free(a);
		free(b);
	}
}

static void csv_report(const struct agree_report *r)
{
	size_t i;

	bool tty = isatty(1);

	fputs("name,metric,figure,rater,against,row,column,value,low,high,n\r\n", stdout);
	for (i = 0; i < r->n; i++)
		csv_name(&r->v[i], tty);
}

/* ---- the command ------------------------------------------------------------------- */

int cmd_agreement(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct agreement_opts o = { 0 };
	struct trace_walk w = { 0 };
	struct agree_req req = { 0 };
	struct agree_report rep = { 0 };
	struct batch b = { 0 };
	struct agree_hint *hints = NULL;
	const struct config *cfg;
	const char *store_arg;
	int64_t seed = AGREE_SEED;
	int rc, f = FMT_TEXT;

	rc = cmd_parse_store(ctx, argc, argv, agreement_defs, &o, &store_arg, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (o.format && cmd_choice("--format", format_names, o.format, &f, err) < 0)
		goto out;
	if (o.seed && (parse_int64(o.seed, &seed) < 0 || seed < 0)) {
		err_set(err, ERR_USAGE, "--seed must be a whole number from 0, not '%s'", o.seed);
		goto out;
	}
	if (cmd_config(ctx, &cfg, err) < 0 ||
	    cmd_walk_open(ctx, store_arg, o.experiment, &b.st, &w, err) < 0)
		goto out;
	hints = agree_hints(cfg);
	req.names = o.names.n ? o.names.v : NULL;
	req.hints = hints;
	req.nhints = cfg->nlabels;
	req.seed = (uint64_t)seed;
	b.scan = agree_scan_new(&req);
	w.filter = o.filter;
	w.ids_only = true;
	w.row = on_row;
	w.data = &b;
	if (cmd_walk(b.st, &w, err) < 0 || flush(&b, err) < 0)
		goto out;
	agree_scan_report(b.scan, &rep);
	if (f == FMT_JSON)
		json_report(&rep);
	else if (f == FMT_CSV)
		csv_report(&rep);
	else
		text_report(&rep);
	rc = 0;
out:
	while (b.n)
		free(b.ids[--b.n]);
	agree_report_free(&rep);
	agree_scan_free(b.scan);
	free(hints);
	free(w.experiments);
	opt_list_free(&o.names);
	store_close(b.st);
	return rc < 0 ? -1 : 0;
}
