#include "cmd/cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/textbuf.h"
#include "cmd/man.h"
#include "core/util.h"
#include "ui/ui.h"

static int cmd_help(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);

/* Every command: name, function, one-line help, usage, about. */
static const struct command commands[] = {
	{ "import", cmd_import,
	  "Import traces: MLflow JSON, OTLP/JSON, OpenTelemetry SDK dumps, Langfuse, Cloud Trace",
	  "import [STORE] FILE... [--experiment ID|NAME]",
	  "Writes each trace with its spans, tags, metadata and assessments, as MLflow\n"
	  "stores them.  The format of each file is recognised: MLflow trace JSON (one\n"
	  "object, a list, or JSON Lines), traces.json, OTLP/JSON, OpenTelemetry SDK\n"
	  "span dumps (ReadableSpan.to_json(); start and end copies are merged),\n"
	  "Langfuse trace exports (scores become feedback) and Cloud Trace v1 exports.\n"
	  "A trace that is already in the store is replaced, except its feedback: the\n"
	  "store's assessments stay as they are, and the file's are added unless the\n"
	  "store has an assessment of the same id; the summary counts what was kept,\n"
	  "added and skipped.  A trace whose spans come in several records (OTLP\n"
	  "batches) is joined into one.  Malformed records are reported as\n"
	  "FILE:LINE:COL: message and skipped; a damaged file (a JSON Lines file cut\n"
	  "mid-line too) is imported up to the damage, names where it stopped as\n"
	  "FILE:LINE:COL and exits 1; a file of no known format gets one line naming\n"
	  "the closest one.\n"
	  "The experiment is --experiment (an id, or a name, created when missing),\n"
	  "else the one in each record, else 0." },
	{ "log-feedback", cmd_log_feedback,
	  "Log feedback on a trace or span, as mlflow.log_feedback does",
	  "log-feedback [STORE] --trace ID --name NAME --value V [options]",
	  "Prints the new assessment id.  Without --type, true/false are booleans,\n"
	  "numbers are numbers and anything else is text.  With --override the new\n"
	  "feedback supersedes an existing one (mlflow.override_feedback)." },
	{ "update-feedback", cmd_update_feedback,
	  "Change the value, rationale or metadata of a feedback",
	  "update-feedback [STORE] ASSESSMENT_ID [--value V [--type T]] [--rationale TEXT] "
	  "[--metadata K=V]...",
	  "Like MLflow's update_assessment: metadata is merged into the existing object." },
	{ "delete-feedback", cmd_delete_feedback,
	  "Delete a feedback (restoring the one it overrode)",
	  "delete-feedback [STORE] ASSESSMENT_ID", NULL },
	{ "pending", cmd_pending,
	  "List the labels not written to their store yet; write or drop them",
	  "pending [STORE] [--retry | --discard]",
	  "Every label given in the browser, and every write of log-feedback,\n"
	  "update-feedback and delete-feedback, is first written to the label journal\n"
	  "($XDG_STATE_HOME/tracelab/journal.jsonl, else ~/.local/state/tracelab/),\n"
	  "then to the store.  Labels the store has not committed yet (it was locked\n"
	  "or unreachable, or tracelab was killed) stay there, and the next start of\n"
	  "tracelab or of a feedback command on that store writes them, exactly once\n"
	  "(each row carries its tracelab.idempotency_key metadata).  Without STORE,\n"
	  "every store's.  --retry writes them now; --discard drops them.  Labels of\n"
	  "a tracelab that is still running are listed and left to it." },
	{ "feedback", cmd_feedback,
	  "Print a trace's feedback as JSON (Assessment.to_dictionary() shape)",
	  "feedback [STORE] TRACE_ID [--all]", NULL },
	{ "export", cmd_export,
	  "Export traces with their feedback as JSON Lines or CSV",
	  "export [STORE] [--experiment ID] [--format jsonl|csv] [-o FILE] [--filter F]",
	  "JSON Lines holds one MLflow Trace.to_dict() per line (assessments in\n"
	  "info); CSV one row per trace with a column per feedback name.  Traces are\n"
	  "read page by page, so memory stays constant.  With -o the file appears\n"
	  "only once it is complete (a replaced file keeps its mode and owner);\n"
	  "devices, FIFOs and /dev/fd/N are written straight to." },
	{ "list", cmd_list,
	  "List traces, newest first",
	  "list [STORE] [--experiment ID] [--filter F] [--limit N] [--format text|json]",
	  "The filter uses MLflow's search_traces syntax, e.g.\n"
	  "  \"status = 'ERROR' AND tags.`mlflow.traceName` LIKE 'rag%'\"" },
	{ "spans", cmd_spans,
	  "List spans across traces, the longest first",
	  "spans [STORE] [--experiment ID] [--filter F] [--sort duration|start] [--limit N] "
	  "[--json|--csv] [-o FILE]",
	  "Every span of the experiment's traces that the filter picks, the longest\n"
	  "first (--sort start: the newest first; --reverse turns either round).  The\n"
	  "filter's span conditions are on the span listed, and all of them on that\n"
	  "one span, as in MLflow's search; its other conditions pick the traces:\n"
	  "  \"span.type = 'LLM' AND span.duration_ms > 5000\"\n"
	  "  \"span.name = 'get_invoice' AND span.status = 'ERROR'\"\n"
	  "  \"span.attributes.`gen_ai.request.model` = 'gpt-4o' AND tags.env = 'prod'\"\n"
	  "Span times are span.duration_ms, span.start_time_ms and span.end_time_ms,\n"
	  "in milliseconds.  Needs a SQLite store (a tracking server's search has no\n"
	  "span listing).  With -o the file appears only once it is complete." },
	{ "agreement", cmd_agreement,
	  "How far judges and annotators agree, per feedback name",
	  "agreement [STORE] [--experiment E] [--filter F] [--name N]... [--format text|json|csv]",
	  "Over the traces in scope, per feedback name: the items (a trace, or a span\n"
	  "for span feedback) with two or more valid answers, percent agreement,\n"
	  "Krippendorff's alpha (nominal, interval or ordinal by the answers and the\n"
	  "configured labels) with a 95% bootstrap interval, Cohen's kappa for each\n"
	  "judge against the human consensus and for each pair of humans, and each\n"
	  "judge's confusion matrix.  Sources are source_type + source_id; only valid\n"
	  "answers count, the latest of each source; text answers are left out.\n"
	  "Traces are read page by page, so memory stays constant." },
	{ "queues", cmd_queues,
	  "List the review queues assigned to me; create one from a filter",
	  "queues [STORE] [--all] [--format text|json] | "
	  "queues create [STORE] NAME --filter F --user U... [--schema NAME]...",
	  "MLflow's review queues (MLflow 3.14 and later): a queue is a set of traces\n"
	  "of one experiment, the reviewers it is assigned to and the label schemas\n"
	  "that are its questions.  Each trace is pending, complete or declined, and\n"
	  "the first reviewer to finish one clears it for the team.  The listing\n"
	  "shows the queues assigned to my source_id (config `source_id`) with their\n"
	  "pending, complete and declined counts.  `queues create` makes a custom\n"
	  "queue of the traces the filter selects, with rows exactly as MLflow's\n"
	  "store writes them (reviewers lowered, as MLflow normalises them; created_by\n"
	  "is my source_id).  In the browser, Q picks a queue (or `:queue NAME`).\n"
	  "Stores older than MLflow 3.14 have no queues, and MLflow servers reached\n"
	  "over http(s) offer none to tracelab yet: both say so." },
	{ "schemas", cmd_schemas,
	  "List MLflow's label schemas (the questions), or create, edit, delete them",
	  "schemas [create|edit|delete] [STORE] [NAME|ID] [options]",
	  "Label schemas are the questions a lead keeps in the MLflow store (MLflow\n"
	  "3.14 and later); tracelab asks them instead of the configured labels,\n"
	  "which still give keys and add questions of their own.  Without a command\n"
	  "they are listed (--format json: one object per schema).\n"
	  "  create NAME --input pass_fail|categorical|numeric|text [--type expectation]\n"
	  "      [--instruction T] [--comment] [--positive L --negative L]\n"
	  "      [--option O]... [--multi] [--min N] [--max N] [--max-length N]\n"
	  "  edit NAME|ID [--name NEW] [--instruction T] [--comment | --no-comment]\n"
	  "      [the input's options]\n"
	  "  delete NAME|ID\n"
	  "Rows are written as MLflow's store writes them (created_by is the\n"
	  "configured source_id); the type, input type and multi-select stay as\n"
	  "created, and the experiment's default question is neither edited nor\n"
	  "deleted.  A store without the label_schemas table is never changed, and a\n"
	  "tracking server (REST) offers no label schemas." },
	{ "demo", cmd_demo,
	  "Write a demo store with example traces and feedback",
	  "demo PATH [--traces N [--seed S] [--jsonl [--spans K]]]",
	  "Creates a new MLflow store at PATH holding example traces (a RAG chain, a\n"
	  "tool-calling agent, a multi-turn chat, an OTLP trace and more) with judge,\n"
	  "code and human feedback.  Open it with `tracelab PATH`.\n\n"
	  "With --traces N the store holds N synthetic traces instead (2 to 4 spans\n"
	  "each, one trace of 10,000 spans, judge feedback on a fifth of them; a\n"
	  "million take about a minute and 5 GB), to try tracelab at scale; with\n"
	  "--jsonl the same kind of traces go to a JSON Lines file to import." },
	{ "help", cmd_help, "Show the help of a command", "help [COMMAND]", NULL },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* ---- options common to every command ----------------------------------- */

struct common_opts {
	const char *config;
};

static const struct opt_def common_defs[] = {
	{ "config", 0, OPT_STR, offsetof(struct common_opts, config), "FILE",
	  "configuration file", false },
	{ NULL, 0, OPT_FLAG, 0, NULL, NULL, false },
};

/* The browser's options (the program without a command). */
struct main_opts {
	const char *config, *experiment, *theme, *keymap, *keys, *snapshot, *source_id, *trace;
	bool readonly, version, list_actions, man;
};

static const struct opt_def main_defs[] = {
	{ "config", 0, OPT_STR, offsetof(struct main_opts, config), "FILE",
	  "configuration file (default: $XDG_CONFIG_HOME/tracelab/config.yaml)", false },
	{ "experiment", 'e', OPT_STR, offsetof(struct main_opts, experiment), "ID|NAME",
	  "experiment to open first", false },
	{ "trace", 't', OPT_STR, offsetof(struct main_opts, trace), "ID",
	  "open this trace (or the one whose id begins so)", false },
	{ "source-id", 0, OPT_STR, offsetof(struct main_opts, source_id), "ID",
	  "my source id for feedback (default: config, else the login name)", false },
	{ "read-only", 'r', OPT_FLAG, offsetof(struct main_opts, readonly), NULL,
	  "browse without writing", false },
	{ "theme", 0, OPT_STR, offsetof(struct main_opts, theme), "NAME|FILE",
	  "colour theme", false },
	{ "keymap", 0, OPT_STR, offsetof(struct main_opts, keymap), "NAME|FILE",
	  "key bindings layered on the defaults", false },
	{ "keys", 0, OPT_STR, offsetof(struct main_opts, keys), "FILE",
	  "read keys from FILE instead of the keyboard (scripts, tests)", false },
	{ "snapshot", 0, OPT_STR, offsetof(struct main_opts, snapshot), "FILE",
	  "file the snapshot action writes the screen to", false },
	{ "list-actions", 0, OPT_FLAG, offsetof(struct main_opts, list_actions), NULL,
	  "print every action with its default keys", false },
	{ "version", 0, OPT_FLAG, offsetof(struct main_opts, version), NULL,
	  "print the version", false },
	{ "man", 0, OPT_FLAG, offsetof(struct main_opts, man), NULL,
	  "print the manual page (roff; make install installs it)", false },
	{ NULL, 0, OPT_FLAG, 0, NULL, NULL, false },
};

static void print_command_help(const struct command *c, const struct opt_def *defs)
{
	int w = opt_help_width(common_defs);

	if (defs && opt_help_width(defs) > w)
		w = opt_help_width(defs);
	printf("usage: tracelab %s\n\n%s.\n", c->usage, c->help);
	if (c->about)
		printf("\n%s\n", c->about);
	printf("\noptions:\n");
	if (defs)
		opt_print_help(defs, w, stdout);
	opt_print_help(common_defs, w, stdout);
	opt_print_line(stdout, w, "-h, --help", "show this help");
	if (strstr(c->usage, "STORE"))
		printf("\nSTORE is an MLflow SQLite store (a path or sqlite:///path); without it\n"
		       "the configured store, else ./mlflow.db.\n");
}

/* The program's synopsis, description and exit status: --help and the
 * manual page. */
static const char main_synopsis[] =
	"tracelab [--config FILE] [STORE]\n"
	"tracelab COMMAND [ARGS...]";
static const char main_about[] =
	"Browse MLflow GenAI traces in a terminal and label them with feedback that\n"
	"MLflow reads back.  STORE is MLflow's SQLite tracking store (a path or\n"
	"sqlite:///path); without it the configured store, else ./mlflow.db.";
static const char main_exit_status[] = "0 success, 1 runtime error, 2 usage error.";

static void print_main_help(void)
{
	size_t i;

	printf("usage: %.*s\n", (int)strcspn(main_synopsis, "\n"), main_synopsis);
	printf("       %s\n\n", main_synopsis + strcspn(main_synopsis, "\n") + 1);
	printf("%s\n\ncommands:\n", main_about);
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-16s %s\n", commands[i].name, commands[i].help);
	printf("\noptions:\n");
	opt_print_help(main_defs, opt_help_width(main_defs), stdout);
	opt_print_line(stdout, opt_help_width(main_defs), "-h, --help", "show this help");
	printf("\nRun `tracelab COMMAND --help` for the options of a command.\n"
	       "Exit status: %s\n", main_exit_status);
}

static int run_help(const struct command *c, FILE *man, struct err *err);

/* tracelab.1: the program, then each command as its --help describes it,
 * then the keys. */
static int print_man_page(struct err *err)
{
	size_t i;

	man_begin(stdout, main_synopsis, main_about, main_defs);
	for (i = 0; i < NCOMMANDS; i++)
		if (run_help(&commands[i], stdout, err) < 0)
			return -1;
	return man_end(stdout, main_exit_status, err);
}

int cmd_parse(struct cmd_ctx *ctx, int argc, char **argv, const struct opt_def *defs,
	      void *opts, struct err *err)
{
	struct common_opts common = { ctx->config_path };
	struct opt_set sets[2] = { { defs, opts }, { common_defs, &common } };
	int rc;

	rc = opt_parse(argc, argv, sets, 2, &ctx->args, err);
	if (rc == OPT_HELP && ctx->man)
		man_command(ctx->man, ctx->cmd->name, ctx->cmd->usage, ctx->cmd->help,
			    ctx->cmd->about, defs, common_defs);
	else if (rc == OPT_HELP)
		print_command_help(ctx->cmd, defs);
	ctx->config_path = common.config;
	return rc;
}

int cmd_parse_store(struct cmd_ctx *ctx, int argc, char **argv, const struct opt_def *defs,
		    void *opts, const char **store, struct err *err)
{
	int rc = cmd_parse(ctx, argc, argv, defs, opts, err);

	*store = NULL;
	if (rc == OPT_OK && cmd_args(ctx, 0, 0, NULL, store, NULL, NULL, err) < 0)
		return -1;
	return rc;
}

static int cmd_help(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	static const struct opt_def none[] = { { NULL, 0, OPT_FLAG, 0, NULL, NULL, false } };
	const struct command *c;
	int rc;

	rc = cmd_parse(ctx, argc, argv, none, NULL, err);
	if (rc != OPT_OK)
		return rc < 0 ? -1 : 0;
	if (ctx->args.n == 0) {
		print_main_help();
		return 0;
	}
	if (ctx->args.n > 1)
		return err_set(err, ERR_USAGE, "unexpected argument '%s'", ctx->args.v[1]);
	c = find_command(ctx->args.v[0]);
	if (!c)
		return err_set(err, ERR_USAGE, "unknown command '%s'", ctx->args.v[0]);
	return run_help(c, NULL, err);
}

/* Runs command c with only --help: its help on stdout, or with man set its
 * part of the manual page on man. */
static int run_help(const struct command *c, FILE *man, struct err *err)
{
	/* The command prints its own help, options included. */
	char *hv[] = { (char *)"--help", NULL };
	struct cmd_ctx sub = { 0 };
	int rc;

	sub.cmd = c;
	sub.man = man;
	rc = c->run(&sub, 1, hv, err);
	opt_list_free(&sub.args);
	return rc;
}

/* ---- configuration ---------------------------------------------------------- */

int cmd_config(struct cmd_ctx *ctx, const struct config **out, struct err *err)
{
	struct diag_list diags = { 0 };
	int rc = 0;

	if (!ctx->config_loaded) {
		rc = config_load(ctx->config_path, &ctx->cfg, &diags, err);
		ctx->config_loaded = true;
		if (rc == 0)
			config_export_timeouts(&ctx->cfg);
		diag_print(&diags, stderr, "tracelab");
		diag_list_free(&diags);
	}
	*out = &ctx->cfg;
	return rc;
}

/* ---- helpers for commands ------------------------------------------------- */

int cmd_args(struct cmd_ctx *ctx, int min, int max, const char *what, const char **store,
	     const char *const **rest, size_t *nrest, struct err *err)
{
	size_t n = ctx->args.n, skip = 0;

	*store = NULL;
	if (n > (size_t)min) {
		*store = ctx->args.v[0];
		skip = 1;
	}
	if (n - skip < (size_t)min)
		return err_set(err, ERR_USAGE, "missing %s (usage: tracelab %s)", what,
			       ctx->cmd->usage);
	if (max >= 0 && n - skip > (size_t)max)
		return err_set(err, ERR_USAGE, "unexpected argument '%s'",
			       ctx->args.v[skip + (size_t)max]);
	if (rest)
		*rest = (const char *const *)ctx->args.v + skip;
	if (nrest)
		*nrest = n - skip;
	return 0;
}

int cmd_store_url(struct cmd_ctx *ctx, const char *arg, const char **url, struct err *err)
{
	const struct config *cfg;
	const char *env;
	struct stat sb;

	*url = arg;
	if (arg)
		return 0;
	/* As MLflow's client: the environment beats a saved file. */
	env = getenv("MLFLOW_TRACKING_URI");
	if (env && *env) {
		*url = env;
		return 0;
	}
	if (cmd_config(ctx, &cfg, err) < 0)
		return -1;
	if (cfg->store) {
		*url = cfg->store;
		return 0;
	}
	if (stat("mlflow.db", &sb) != 0)
		return err_set(err, ERR_USAGE,
			       "no store given and no ./mlflow.db here; name one, or create a "
			       "demo store with `tracelab demo demo.db`");
	*url = "mlflow.db";
	return 0;
}

int cmd_open_store(struct cmd_ctx *ctx, const char *arg, unsigned flags, struct store **out,
		   struct err *err)
{
	const char *url;

	*out = NULL;
	if (cmd_store_url(ctx, arg, &url, err) < 0 || store_open(url, flags, out, err) < 0)
		return -1;
	if (store_note(*out))
		cmd_warn(ctx, "%s", store_note(*out));
	return 0;
}

int cmd_experiments(struct cmd_ctx *ctx, struct store *st, const char *arg, int64_t **ids,
		    size_t *n, struct err *err)
{
	struct experiment_list l = { 0 };
	const struct config *cfg;
	size_t i;

	*ids = NULL;
	*n = 0;
	if (!arg) {
		if (cmd_config(ctx, &cfg, err) < 0)
			return -1;
		arg = cfg->experiment;
	}
	if (arg) {
		*ids = xmalloc(sizeof **ids);
		if (store_find_experiment(st, arg, *ids, err) < 0) {
			FREE(*ids);
			if (err->code == ERR_NOTFOUND)
				return err_set(err, ERR_NOTFOUND, "no experiment '%s' in %s", arg,
					       store_url(st));
			return -1;
		}
		*n = 1;
		return 0;
	}
	if (store_list_experiments(st, &l, err) < 0)
		return -1;
	*ids = xcalloc(l.n, sizeof **ids);
	for (i = 0; i < l.n; i++)
		if (!str_eq(l.v[i].lifecycle_stage, "deleted"))
			(*ids)[(*n)++] = l.v[i].id;
	experiment_list_free(&l);
	return 0;
}

#define WALK_PAGE 200

static int walk_experiment(struct store *st, const struct trace_walk *w, int64_t exp,
			   size_t *seen, struct err *err)
{
	struct page_cursor cur = { 0 };
	struct trace_page page = { 0 };
	struct page_req req = { 0 };
	bool more = true;
	size_t i;
	int rc = -1;

	req.experiment_id = exp;
	req.sort = SORT_TIME;
	req.dir = PAGE_AFTER;
	req.cursor = &cur;
	req.me = w->me;
	req.filter = w->filter;
	req.ids_only = w->ids_only;
	while (more && (!w->limit || *seen < w->limit)) {
		req.limit = WALK_PAGE;
		if (w->limit && w->limit - *seen < req.limit)
			req.limit = w->limit - *seen;
		if (store_page_traces(st, &req, &page, err) < 0) {
			if (err->code == ERR_PARSE) {
				err->code = ERR_USAGE;
				err_prefix(err, "--filter");
			}
			goto out;
		}
		for (i = 0; i < page.n; i++) {
			if (w->row(w->data, &page.v[i], err) < 0)
				goto out;
		}
		*seen += page.n;
		more = page.more && page.n > 0;
		if (page.n)
			page_cursor_from_row(&cur, SORT_TIME, &page.v[page.n - 1]);
		trace_page_free(&page);
	}
	rc = 0;
out:
	trace_page_free(&page);
	page_cursor_free(&cur);
	return rc;
}

int cmd_walk_open(struct cmd_ctx *ctx, const char *store_arg, const char *experiment,
		  struct store **st, struct trace_walk *w, struct err *err)
{
	const struct config *cfg;

	if (cmd_config(ctx, &cfg, err) < 0 ||
	    cmd_open_store(ctx, store_arg, STORE_READONLY, st, err) < 0)
		return -1;
	w->me = cfg->source_id;
	return cmd_experiments(ctx, *st, experiment, &w->experiments, &w->nexperiments, err);
}

int cmd_walk(struct store *st, const struct trace_walk *w, struct err *err)
{
	size_t i, seen = 0;

	for (i = 0; i < w->nexperiments && (!w->limit || seen < w->limit); i++)
		if (walk_experiment(st, w, w->experiments[i], &seen, err) < 0)
			return -1;
	return 0;
}

int cmd_choice(const char *option, const char *const *names, const char *value, int *out,
	       struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; names[i]; i++) {
		if (strcmp(names[i], value) == 0) {
			*out = i;
			return 0;
		}
	}
	for (i = 0; names[i]; i++)
		sb_addf(&sb, "%s%s", i == 0 ? "" : names[i + 1] ? ", " : " or ", names[i]);
	err_set(err, ERR_USAGE, "%s must be %s, not '%s'", option, sb_str(&sb), value);
	sb_free(&sb);
	return -1;
}

/* Untrusted text made safe, cut to `max` columns ("…" when cut; 0: never
 * cut) and padded to `width` columns. */
void cmd_text_cell(struct strbuf *sb, const char *s, int width, int max)
{
	char *safe = sanitize_dup(s ? s : "-", strlen(s ? s : "-"));
	size_t len = strlen(safe), fit = len;
	int used = text_width(safe, len);

	if (max > 0 && used > max) {
		fit = text_fit(safe, len, max - 1, &used);
		sb_add(sb, safe, fit);
		sb_adds(sb, "\xe2\x80\xa6");
		used++;
	} else {
		sb_add(sb, safe, fit);
	}
	for (; used < width; used++)
		sb_addc(sb, ' ');
	free(safe);
}

void cmd_say(const char *prefix, const char *msg)
{
	char *safe = sanitize_dup(msg, strlen(msg));

	fprintf(stderr, "%s%s\n", prefix ? prefix : "", safe);
	free(safe);
}

static void say_for(const struct command *c, const char *msg)
{
	char *prefix = c ? xasprintf("tracelab: %s: ", c->name) : xstrdup("tracelab: ");

	cmd_say(prefix, msg);
	free(prefix);
}

void cmd_warn(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	say_for(ctx->cmd, msg);
}

/* ---- the browser ------------------------------------------------------------ */

/* A bare word that is no file is a mistyped command, not a store. */
static bool looks_like_command(const char *w)
{
	struct stat sb;

	return !strpbrk(w, "/.:") && stat(w, &sb) != 0;
}

static int run_browser(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct main_opts o = { 0 };
	struct opt_set set = { main_defs, &o };
	struct ui_args ua = { 0 };
	const struct config *cfg;
	int rc;

	rc = opt_parse(argc, argv, &set, 1, &ctx->args, err);
	if (rc == OPT_HELP) {
		print_main_help();
		return 0;
	}
	if (rc < 0)
		return -1;
	ctx->config_path = o.config;
	if (o.version) {
		printf("tracelab %s\n", TRACELAB_VERSION);
		return 0;
	}
	if (o.man)
		return print_man_page(err);
	if (ctx->args.n > 0 && looks_like_command(ctx->args.v[0]))
		return err_set(err, ERR_USAGE, "unknown command '%s' (see tracelab --help)",
			       ctx->args.v[0]);
	if (ctx->args.n > 1)
		return err_set(err, ERR_USAGE, "unexpected argument '%s'", ctx->args.v[1]);
	if (cmd_config(ctx, &cfg, err) < 0)
		return -1;
	ua.config = &ctx->cfg;  /* the loaded one (cfg); its labels are checked */
	ua.experiment = o.experiment;
	ua.theme = o.theme;
	ua.keymap = o.keymap;
	ua.keys_script = o.keys;
	ua.snapshot = o.snapshot;
	ua.source_id = o.source_id;
	ua.trace_id = o.trace;
	ua.readonly = o.readonly;
	if (o.list_actions)
		return ui_list_actions(&ua, err);
	if (cmd_store_url(ctx, ctx->args.n ? ctx->args.v[0] : NULL, &ua.store_url, err) < 0)
		return -1;
	return ui_run(&ua, err);
}

/* Does argument a (an option) take the next argument as its value? */
static bool takes_value(const char *a)
{
	const struct opt_def *d;

	for (d = main_defs; d->name; d++) {
		if (d->kind == OPT_FLAG)
			continue;
		if (a[1] == '-' ? strcmp(a + 2, d->name) == 0 : a[1] == d->short_name && !a[2])
			return true;
	}
	return false;
}

/* Index of the first positional argument, skipping the values of main_defs
 * options; argc when there is none. */
static int first_word(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			return argc;   /* what follows is a store, not a command */
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (takes_value(a))
			i++;
	}
	return argc;
}

int cmd_main(int argc, char **argv)
{
	struct cmd_ctx ctx = { 0 };
	struct err err = { 0 };
	int w, rc;

	ctx.progress = isatty(2);
	w = first_word(argc, argv);
	if (w < argc && (ctx.cmd = find_command(argv[w])) != NULL) {
		/* Options before the command (--config) are common ones. */
		struct common_opts common = { NULL };
		struct opt_set set = { common_defs, &common };

		rc = w > 1 ? opt_parse(w - 1, argv + 1, &set, 1, &ctx.args, &err) : OPT_OK;
		if (rc == OPT_HELP) {
			print_main_help();
			goto done;
		}
		ctx.config_path = common.config;
		if (rc == OPT_OK)
			rc = ctx.cmd->run(&ctx, argc - w - 1, argv + w + 1, &err);
	} else {
		rc = run_browser(&ctx, argc - 1, argv + 1, &err);
	}
done:
	if (rc < 0) {
		say_for(ctx.cmd, err.msg);
		rc = err_exit_code(&err);
	} else {
		rc = 0;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tracelab: cannot write output: %s\n", strerror(errno));
		rc = 1;
	}
	opt_list_free(&ctx.args);
	if (ctx.config_loaded)
		config_free(&ctx.cfg);
	return rc;
}
