/*
 * `tracelab schemas`: MLflow's label schemas (MLflow 3.14+) of a store,
 * listed as a table or JSON, and created, edited or deleted by a lead who
 * works from the terminal; rows are written as MLflow's store methods
 * write them (svc/schemas.h), with created_by the configured source_id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "json/schema_input.h"
#include "svc/schemas.h"

#define END_OPTS { NULL, 0, OPT_FLAG, 0, NULL, NULL, false }

struct schemas_opts {
	const char *experiment, *format;
	const char *name, *type, *instruction, *input;
	const char *positive, *negative, *min, *max, *max_length;
	struct opt_list options;
	bool comment, no_comment, multi, json;
};

static const struct opt_def schemas_defs[] = {
	{ "experiment", 'e', OPT_STR, offsetof(struct schemas_opts, experiment), "ID|NAME",
	  "experiment (default: config, else each one; to change: the only one besides "
	  "Default)", false },
	{ "format", 0, OPT_STR, offsetof(struct schemas_opts, format), "text|json",
	  "how to list (default text)", false },
	{ "json", 0, OPT_FLAG, offsetof(struct schemas_opts, json), NULL,
	  "list as JSON (--format json)", false },
	{ "input", 'i', OPT_STR, offsetof(struct schemas_opts, input),
	  "pass_fail|categorical|numeric|text", "create: the answer's input type", false },
	{ "type", 0, OPT_STR, offsetof(struct schemas_opts, type), "feedback|expectation",
	  "create: what an answer is (default feedback)", false },
	{ "instruction", 0, OPT_STR, offsetof(struct schemas_opts, instruction), "TEXT",
	  "the instruction shown with the question (\"\" removes it)", false },
	{ "comment", 0, OPT_FLAG, offsetof(struct schemas_opts, comment), NULL,
	  "offer a comment (rationale) with each answer", false },
	{ "no-comment", 0, OPT_FLAG, offsetof(struct schemas_opts, no_comment), NULL,
	  "edit: offer no comment", false },
	{ "positive", 0, OPT_STR, offsetof(struct schemas_opts, positive), "LABEL",
	  "pass_fail: what true is called (default Pass)", false },
	{ "negative", 0, OPT_STR, offsetof(struct schemas_opts, negative), "LABEL",
	  "pass_fail: what false is called (default Fail)", false },
	{ "option", 'o', OPT_LIST, offsetof(struct schemas_opts, options), "OPTION",
	  "categorical: an option (repeat; on edit the list replaces the old one)", false },
	{ "multi", 0, OPT_FLAG, offsetof(struct schemas_opts, multi), NULL,
	  "create: categorical answers may hold several options", false },
	{ "min", 0, OPT_STR, offsetof(struct schemas_opts, min), "N",
	  "numeric: the lowest value (\"\" removes it)", false },
	{ "max", 0, OPT_STR, offsetof(struct schemas_opts, max), "N",
	  "numeric: the highest value (\"\" removes it)", false },
	{ "max-length", 0, OPT_STR, offsetof(struct schemas_opts, max_length), "N",
	  "text: the longest answer (\"\" removes it)", false },
	{ "name", 'n', OPT_STR, offsetof(struct schemas_opts, name), "NAME",
	  "edit: the new name", false },
	END_OPTS,
};

/* ---- listing ----------------------------------------------------------- */

static void put_safe(struct strbuf *sb, const char *s)
{
	char *safe = sanitize_dup(s ? s : "", s ? strlen(s) : 0);

	sb_adds(sb, safe);
	free(safe);
}

static void put_num(struct strbuf *sb, double v)
{
	pyjson_float(sb, v);
	if (sb->len > 2 && !strcmp(sb_str(sb) + sb->len - 2, ".0"))
		sb->len -= 2, sb->buf[sb->len] = '\0';
}

/* "Correct / Incorrect", "low, high (one)", "1..5", "max 500". */
static void details(const struct schema_input *in, struct strbuf *sb)
{
	size_t i;

	switch (in->type) {
	case SI_PASS_FAIL:
		put_safe(sb, in->positive_label);
		sb_adds(sb, " / ");
		put_safe(sb, in->negative_label);
		break;
	case SI_CATEGORICAL:
		for (i = 0; i < in->noptions; i++) {
			if (i)
				sb_adds(sb, ", ");
			put_safe(sb, in->options[i]);
		}
		sb_adds(sb, in->multi_select ? " (several)" : " (one)");
		break;
	case SI_NUMERIC:
		if (in->has_min)
			put_num(sb, in->min);
		sb_adds(sb, "..");
		if (in->has_max)
			put_num(sb, in->max);
		break;
	case SI_TEXT:
	default:
		if (in->has_max_length)
			sb_addf(sb, "max %lld", (long long)in->max_length);
		else
			sb_adds(sb, "any length");
		break;
	}
}

static void print_text(const struct schema_row *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct schema_input in;
	struct err err = { 0 };

	sb_addf(&sb, "%-35s  ", r->schema_id);
	put_safe(&sb, r->name);
	sb_adds(&sb, "\n    ");
	put_safe(&sb, r->type);
	sb_adds(&sb, ", ");
	put_safe(&sb, r->input_type);
	if (schema_input_parse(r->input_type, r->input_config, &in, &err) == 0) {
		sb_adds(&sb, ": ");
		details(&in, &sb);
		schema_input_free(&in);
	} else {
		sb_adds(&sb, " (unreadable input_config: ");
		put_safe(&sb, err.msg);
		sb_adds(&sb, ")");
	}
	sb_adds(&sb, r->enable_comment ? "; comment offered" : "; no comment");
	if (r->is_default)
		sb_adds(&sb, "; the default question");
	if (r->instruction && *r->instruction) {
		sb_adds(&sb, "\n    ");
		put_safe(&sb, r->instruction);
	}
	printf("%s\n", sb_str(&sb));
	sb_free(&sb);
}

static void json_str(struct strbuf *sb, const char *key, const char *v, bool first)
{
	if (!first)
		sb_adds(sb, ", ");
	pyjson_string(sb, key, strlen(key));
	sb_adds(sb, ": ");
	if (v)
		pyjson_string(sb, v, strlen(v));
	else
		sb_adds(sb, "null");
}

/* One schema as MLflow's LabelSchema entity names its fields. */
static void print_json(const struct schema_row *r, bool first)
{
	struct strbuf sb = STRBUF_INIT;
	struct schema_input in;
	struct err err = { 0 };
	char exp[24];

	snprintf(exp, sizeof exp, "%lld", (long long)r->experiment_id);
	sb_adds(&sb, first ? "  {" : ",\n  {");
	json_str(&sb, "schema_id", r->schema_id, true);
	json_str(&sb, "experiment_id", exp, false);
	json_str(&sb, "name", r->name, false);
	json_str(&sb, "type", r->type, false);
	json_str(&sb, "instruction", r->instruction, false);
	sb_addf(&sb, ", \"enable_comment\": %s", r->enable_comment ? "true" : "false");
	json_str(&sb, "input_type", r->input_type, false);
	sb_adds(&sb, ", \"input\": ");
	if (schema_input_parse(r->input_type, r->input_config, &in, &err) == 0) {
		schema_input_dump(&in, &sb);
		schema_input_free(&in);
	} else {
		sb_adds(&sb, "null");
	}
	json_str(&sb, "created_by", r->created_by, false);
	sb_addf(&sb, ", \"created_at\": %lld, \"updated_at\": %lld, \"is_default\": %s}",
		(long long)r->created_ms, (long long)r->updated_ms,
		r->is_default ? "true" : "false");
	fputs(sb_str(&sb), stdout);
	sb_free(&sb);
}

/* MLflow's REST API up to the 3.6 server the tests run has no label-schema
 * endpoints; the 3.14 ones are not called until they can be tried. */
static int no_server(struct err *err)
{
	return err_set(err, ERR_USAGE, "label schemas are not available on this server "
		       "(tracelab reads and writes them in SQLite stores only)");
}

static int list(struct cmd_ctx *ctx, struct store *st, const struct schemas_opts *o,
		struct err *err)
{
	static const char *const formats[] = { "text", "json", NULL };
	int64_t *exps = NULL;
	size_t nexp = 0, i, j, shown = 0;
	int fmt = 0, rc = -1;
	bool table = true;

	if (o->format && cmd_choice("--format", formats, o->format, &fmt, err) < 0)
		return -1;
	if (o->json)
		fmt = 1;
	if (store_is_remote(st))
		return no_server(err);
	if (cmd_experiments(ctx, st, o->experiment, &exps, &nexp, err) < 0)
		return -1;
	if (fmt == 1)
		fputs("[\n", stdout);
	for (i = 0; i < nexp; i++) {
		struct schema_list l;

		if (store_list_schemas(st, exps[i], NULL, 0, &l, err) < 0)
			goto out;
		table = l.table;
		for (j = 0; j < l.n; j++, shown++) {
			if (fmt == 1) {
				print_json(&l.v[j], shown == 0);
			} else {
				if (j == 0)
					printf("%sexperiment %lld\n", shown ? "\n" : "",
					       (long long)exps[i]);
				print_text(&l.v[j]);
			}
		}
		schema_list_free(&l);
	}
	if (fmt == 1)
		fputs(shown ? "\n]\n" : "]\n", stdout);
	else if (!shown)
		fprintf(stderr, "tracelab: schemas: %s\n", table ? "no label schemas" :
			"this store has no label_schemas table (MLflow before 3.14): no label "
			"schemas");
	rc = 0;
out:
	free(exps);
	return rc;
}

/* ---- changing them ------------------------------------------------------ */

/* The one experiment a change is for. */
static int one_experiment(struct cmd_ctx *ctx, struct store *st, const char *arg, int64_t *id,
			  struct err *err)
{
	int64_t *exps = NULL;
	size_t n = 0, i, other = 0, nother = 0;

	if (cmd_experiments(ctx, st, arg, &exps, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (exps[i] != 0) {
			other = i;
			nother++;
		}
	if (n == 1 || nother == 1) {
		*id = n == 1 ? exps[0] : exps[other];
		free(exps);
		return 0;
	}
	free(exps);
	return err_set(err, ERR_USAGE, "which experiment? give --experiment ID|NAME");
}

static void spec_of(const struct schemas_opts *o, struct schema_spec *s)
{
	memset(s, 0, sizeof *s);
	s->type = o->type;
	s->instruction = o->instruction;
	s->enable_comment = o->comment ? 1 : o->no_comment ? 0 : -1;
	s->input_type = o->input;
	s->positive_label = o->positive;
	s->negative_label = o->negative;
	s->options = o->options.v;
	s->noptions = o->options.n;
	s->multi_select = o->multi ? 1 : -1;
	s->min = o->min;
	s->max = o->max;
	s->max_length = o->max_length;
}

enum sub { SUB_LIST, SUB_CREATE, SUB_EDIT, SUB_DELETE };

static int change(struct cmd_ctx *ctx, enum sub sub, const char *store_arg, const char *what,
		  const struct schemas_opts *o, struct err *err)
{
	const struct config *cfg;
	struct store *st = NULL;
	struct schema_spec spec;
	int64_t exp = 0;
	char id[40];
	int rc = -1;

	if (cmd_config(ctx, &cfg, err) < 0)
		return -1;
	if (sub != SUB_EDIT && o->name)
		return err_set(err, ERR_USAGE, "--name is for edit (create takes the name as "
			       "its argument)");
	if (sub != SUB_CREATE && (o->input || o->type || o->multi))
		return err_set(err, ERR_USAGE, "%s is given at create only (MLflow keeps a "
			       "schema's type, input type and multi-select as created)",
			       o->input ? "--input" : o->type ? "--type" : "--multi");
	if (o->comment && o->no_comment)
		return err_set(err, ERR_USAGE, "--comment and --no-comment contradict each other");
	if (cmd_open_store(ctx, store_arg, 0, &st, err) < 0)
		return -1;
	if (store_is_remote(st)) {
		no_server(err);
		goto out;
	}
	if (one_experiment(ctx, st, o->experiment, &exp, err) < 0)
		goto out;
	spec_of(o, &spec);
	switch (sub) {
	case SUB_CREATE:
		spec.name = what;
		if (schemas_create(st, exp, &spec, cfg->source_id, id, err) < 0)
			goto out;
		printf("%s\n", id);
		break;
	case SUB_EDIT:
		spec.name = o->name;
		if (schemas_edit(st, exp, what, &spec, err) < 0)
			goto out;
		break;
	case SUB_DELETE:
		if (schemas_delete(st, exp, what, id, err) < 0)
			goto out;
		break;
	default:
		break;
	}
	rc = 0;
out:
	store_close(st);
	return rc;
}

int cmd_schemas(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	static const char *const subs[] = { "list", "create", "edit", "delete", NULL };
	struct schemas_opts o;
	struct store *st = NULL;
	const char *const *args;
	size_t nargs, need;
	int sub = SUB_LIST, rc;

	memset(&o, 0, sizeof o);
	rc = cmd_parse(ctx, argc, argv, schemas_defs, &o, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	args = (const char *const *)ctx->args.v;
	nargs = ctx->args.n;
	if (nargs && cmd_choice("the command", subs, args[0], &sub, err) == 0) {
		args++;
		nargs--;
	} else {
		err_clear(err);
		sub = SUB_LIST;
	}
	need = sub == SUB_LIST ? 0 : 1;
	if (nargs < need) {
		err_set(err, ERR_USAGE, "missing %s (usage: tracelab %s)",
			sub == SUB_CREATE ? "NAME" : "NAME|ID", ctx->cmd->usage);
		goto out;
	}
	if (nargs > need + 1) {
		err_set(err, ERR_USAGE, "unexpected argument '%s'", args[need + 1]);
		goto out;
	}
	if (sub == SUB_LIST) {
		if (cmd_open_store(ctx, nargs ? args[0] : NULL, STORE_READONLY, &st, err) < 0)
			goto out;
		rc = list(ctx, st, &o, err);
	} else {
		rc = change(ctx, (enum sub)sub, nargs > need ? args[0] : NULL, args[nargs - 1], &o,
			    err);
	}
out:
	store_close(st);
	opt_list_free(&o.options);
	return rc < 0 ? -1 : 0;
}
