#ifndef TB_CMD_CMD_H
#define TB_CMD_CMD_H
/*
 * The command line: `tracelab [--config FILE] [STORE]` opens the browser,
 * `tracelab COMMAND ...` runs one headless command.  Every command is a row
 * of one table (cmd.c): name, function, one-line help, usage.  A command
 * parses its own options with cmd_parse (tables of struct opt_def), does its
 * work through the store and the services, prints its result to stdout and
 * returns 0, or -1 with struct err; cmd_main prints the error as one line
 * "tracelab: COMMAND: message" on stderr and exits 2 for usage errors, 1 for
 * everything else.
 *
 * struct cmd_ctx is owned by cmd_main and lives for the whole run; commands
 * borrow it.  Strings in it are argv's, or owned by the configuration.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cmd/opt.h"
#include "config/config.h"
#include "core/err.h"
#include "store/store.h"

struct cmd_ctx;

struct command {
	const char *name;
	int (*run)(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
	const char *help;    /* one line, for `tracelab --help` */
	const char *usage;   /* synopsis without "tracelab " */
	const char *about;   /* a paragraph for `tracelab COMMAND --help`, or NULL */
};

struct cmd_ctx {
	const struct command *cmd;     /* the running command (NULL: the browser) */
	struct opt_list args;          /* positional arguments */
	const char *config_path;       /* --config FILE, or NULL */
	bool config_loaded;
	struct config cfg;             /* valid once config_loaded */
	bool progress;                 /* stderr is a terminal: draw progress */
	FILE *man;                     /* set: --help writes the command's section of
	                                  the manual page (roff) here instead */
};

/* The entry point; returns the process exit status. */
int cmd_main(int argc, char **argv);

/* Parses a command's options (defs, into opts) plus the common --config;
 * positionals land in ctx->args.  Returns OPT_OK, OPT_HELP after printing
 * the command's help to stdout, or -1 (ERR_USAGE). */
int cmd_parse(struct cmd_ctx *ctx, int argc, char **argv, const struct opt_def *defs,
	      void *opts, struct err *err);

/* cmd_parse for a command whose only argument is an optional STORE
 * (*store: it, or NULL); OPT_OK, OPT_HELP or -1. */
int cmd_parse_store(struct cmd_ctx *ctx, int argc, char **argv, const struct opt_def *defs,
		    void *opts, const char **store, struct err *err);

/* Loads the configuration once (--config, TRACELAB_CONFIG, the XDG path;
 * see config/config.h) and returns it.  Its warnings go to stderr. */
int cmd_config(struct cmd_ctx *ctx, const struct config **out, struct err *err);

/* Splits ctx->args into an optional leading STORE and `min`..`max` (max < 0:
 * any number) further arguments: when more than `min` are given the first is
 * the store, else *store is NULL (the default store).  `what` names the
 * first missing argument ("TRACE_ID").  *rest points into ctx->args. */
int cmd_args(struct cmd_ctx *ctx, int min, int max, const char *what, const char **store,
	     const char *const **rest, size_t *nrest, struct err *err);

/* The store to use: arg, else the configured default, else ./mlflow.db
 * when it exists (ERR_USAGE otherwise).  *url is borrowed. */
int cmd_store_url(struct cmd_ctx *ctx, const char *arg, const char **url, struct err *err);
/* Opens the store cmd_store_url names. */
int cmd_open_store(struct cmd_ctx *ctx, const char *arg, unsigned flags, struct store **out,
		   struct err *err);

/* Opens the store for a feedback write, after writing what the label
 * journal holds for it from earlier runs (cmd_replay_journal). */
int cmd_open_for_labels(struct cmd_ctx *ctx, const char *arg, struct store **out,
			struct err *err);
/* Writes the journalled labels earlier runs left pending for the store at
 * url, saying so on stderr; failures are warnings.  0, or -1 when the
 * journal cannot be opened. */
int cmd_replay_journal(struct cmd_ctx *ctx, const char *url);

/* A feedback command's write path: the store opened for labels (after
 * the replay), the label journal and a labeler (svc/label.h) that writes
 * through it with the idempotency key.  A journal that cannot be opened
 * is a warning: the write then goes to the store without it. */
struct labeler;
struct journal;
struct journal_entry;
struct label_result;
struct cmd_writer {
	struct store *st;
	struct journal *j;      /* NULL: no journal */
	struct labeler *lb;
	char *sid;
	struct journal_entry *prior;  /* what earlier runs left pending for the
	                                 store (the replay wrote it, or tried) */
	size_t nprior;
};
int cmd_writer_open(struct cmd_ctx *ctx, const char *store_arg, const char *source_id,
		    struct cmd_writer *w, struct err *err);
void cmd_writer_close(struct cmd_writer *w);
/* After a write: 0 when the store has it; when it is pending (the store
 * locked or unreachable) -1 with a message saying it is kept in the
 * journal for `tracelab pending --retry`.  A store that refuses writes
 * for good (read-only, damaged) refuses the command: -1 with its
 * message, and nothing is kept. */
int cmd_writer_result(struct cmd_writer *w, const struct label_result *res,
		      struct err *err);
/* A command run again after it failed: the earlier run's journalled
 * feedback command (action JA_LOG, JA_PATCH or JA_REMOVE) with the same
 * content, or NULL.  `like` gives what to compare (trace, span, name,
 * value, rationale, metadata, source, overrides; assessment_id for patch;
 * only assessment_id for remove). */
const struct journal_entry *cmd_writer_prior(const struct cmd_writer *w,
					     const struct journal_entry *like);
/* Can what failed (a read before the write) pass with time: the store
 * locked, or a server out of reach? */
bool cmd_err_transient(const struct err *err);

/* The experiments a command covers: --experiment (id or name), else the
 * configured default, else every active experiment, by id.  *ids is the
 * caller's to free. */
int cmd_experiments(struct cmd_ctx *ctx, struct store *st, const char *arg, int64_t **ids,
		    size_t *n, struct err *err);

/* Visits trace rows newest first, experiment by experiment, one page at a
 * time (keyset paging: memory does not grow with the store).  A filter
 * error is a usage error naming --filter. */
struct trace_walk {
	int64_t *experiments;   /* owned: cmd_walk_open fills, the caller frees */
	size_t nexperiments;
	const char *filter;     /* search_traces syntax, or NULL */
	size_t limit;           /* 0: every row */
	const char *me;         /* source_id for the rows' feedback cells */
	bool ids_only;          /* rows with ids and sort values only (page_req) */
	int (*row)(void *data, const struct trace_row *r, struct err *err);
	void *data;
};

int cmd_walk(struct store *st, const struct trace_walk *w, struct err *err);
/* Opens the store read-only and fills w->experiments (cmd_experiments) and
 * w->me (my configured source id). */
int cmd_walk_open(struct cmd_ctx *ctx, const char *store_arg, const char *experiment,
		  struct store **st, struct trace_walk *w, struct err *err);

/* The index of value in a NULL-terminated table of names, or ERR_USAGE
 * naming the option and the choices: "--format must be jsonl or csv, not
 * 'xml'". */
int cmd_choice(const char *option, const char *const *names, const char *value, int *out,
	       struct err *err);

/* A cell of a text table: untrusted text made safe to show (NULL: "-"),
 * cut to `max` columns with "…" (0: never cut) and padded to `width`. */
struct strbuf;
void cmd_text_cell(struct strbuf *sb, const char *s, int width, int max);

/* A warning line on stderr: "tracelab: COMMAND: message". */
void cmd_warn(const struct cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One line on stderr, made safe to show: messages carry names, ids and
 * paths from the store and from files, which may hold escape sequences. */
void cmd_say(const char *prefix, const char *msg);

/* The commands (one file each). */
int cmd_import(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_log_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_update_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_delete_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_export(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_list(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_demo(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_agreement(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_pending(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_queues(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_schemas(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);
int cmd_spans(struct cmd_ctx *ctx, int argc, char **argv, struct err *err);

#endif
