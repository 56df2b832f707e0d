/*
 * The feedback commands, mirroring MLflow's API: log-feedback
 * (log_feedback / override_feedback), update-feedback (update_assessment),
 * delete-feedback (delete_assessment) and feedback (the assessments of a
 * trace as Assessment.to_dictionary() JSON).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/emit.h"
#include "svc/feedback.h"

#define END_OPTS { NULL, 0, OPT_FLAG, 0, NULL, NULL, false }

/* Checks --type, --value against it, and every --metadata pair, so that a
 * mistake is reported against the option that holds it. */
/* An option given as "" is a mistake worth naming, not an id to look up. */
static int check_not_empty(const char *trace, const char *name, const char *span,
			   struct err *err)
{
	const struct {
		const char *opt, *val;
	} given[] = { { "--trace", trace }, { "--name", name }, { "--span", span } };
	size_t i;

	for (i = 0; i < sizeof given / sizeof given[0]; i++)
		if (given[i].val && !*given[i].val)
			return err_set(err, ERR_USAGE, "%s is empty", given[i].opt);
	return 0;
}

static int check_value(const char *value, const char *type_name, bool allow_nan,
		       enum value_type *type, struct err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int t = VT_AUTO, rc = -1;

	if (type_name) {
		t = value_type_parse(type_name);
		if (t < 0) {
			err_set(err, ERR_USAGE, "--type must be bool, number or text, not '%s'",
				type_name);
			goto out;
		}
	}
	*type = (enum value_type)(allow_nan ? t | VT_ALLOW_NONFINITE : t);
	if (value && pyjson_encode_value(value, *type, &sb, err) < 0) {
		err->code = ERR_USAGE;
		err_prefix(err, "--value");
		goto out;
	}
	rc = 0;
out:
	sb_free(&sb);
	return rc;
}

static int check_metadata(const struct opt_list *md, struct err *err)
{
	char *obj;

	if (!md->n)
		return 0;
	obj = metadata_from_pairs(md->v, err);
	if (!obj)
		return err_prefix(err, "--metadata");
	free(obj);
	return 0;
}

/* ---- log-feedback ------------------------------------------------------------ */

struct log_opts {
	const char *trace, *name, *value, *type, *rationale, *span;
	const char *source_type, *source_id, *override;
	struct opt_list metadata;
	bool allow_nan;
};

static const struct opt_def log_defs[] = {
	{ "trace", 't', OPT_STR, offsetof(struct log_opts, trace), "ID", "the trace", false },
	{ "name", 'n', OPT_STR, offsetof(struct log_opts, name), "NAME", "feedback name", false },
	{ "value", 'v', OPT_STR, offsetof(struct log_opts, value), "V", "the value", true },
	{ "type", 0, OPT_STR, offsetof(struct log_opts, type), "bool|number|text",
	  "how to read --value (default: guess)", false },
	{ "rationale", 'r', OPT_STR, offsetof(struct log_opts, rationale), "TEXT",
	  "why this value", false },
	{ "span", 's', OPT_STR, offsetof(struct log_opts, span), "SPAN_ID",
	  "a span of the trace instead of the whole trace", false },
	{ "source-type", 0, OPT_STR, offsetof(struct log_opts, source_type),
	  "HUMAN|LLM_JUDGE|CODE", "who gives it (default HUMAN)", false },
	{ "source-id", 0, OPT_STR, offsetof(struct log_opts, source_id), "ID",
	  "source id (default: config source_id, else the login name)", false },
	{ "metadata", 'm', OPT_LIST, offsetof(struct log_opts, metadata), "K=V",
	  "a metadata entry", false },
	{ "override", 0, OPT_STR, offsetof(struct log_opts, override), "ASSESSMENT_ID",
	  "supersede this feedback (same name and span)", false },
	{ "allow-nan", 0, OPT_FLAG, offsetof(struct log_opts, allow_nan), NULL,
	  "store nan, inf and -inf as NaN, Infinity, -Infinity (MLflow's Python does)", false },
	END_OPTS,
};

int cmd_log_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct log_opts o = { 0 };
	struct feedback_req req = { 0 };
	const struct config *cfg;
	struct store *st = NULL;
	const char *store_arg;
	char id[64];
	int rc;

	rc = cmd_parse(ctx, argc, argv, log_defs, &o, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (cmd_args(ctx, 0, 0, NULL, &store_arg, NULL, NULL, err) < 0)
		goto out;
	if (o.override) {
		if (o.name || o.span) {
			err_set(err, ERR_USAGE, "%s cannot be used with --override (the new "
				"feedback keeps the name and span of the old one)",
				o.name ? "--name" : "--span");
			goto out;
		}
	} else if (!o.trace || !o.name) {
		err_set(err, ERR_USAGE, "missing %s", o.trace ? "--name" : "--trace");
		goto out;
	}
	if (check_not_empty(o.trace, o.name, o.span, err) < 0)
		goto out;
	if (check_value(o.value, o.type, o.allow_nan, &req.type, err) < 0 ||
	    check_metadata(&o.metadata, err) < 0)
		goto out;
	req.source_type = svc_source_type(o.source_type);
	if (!req.source_type) {
		err_set(err, ERR_USAGE, "--source-type must be HUMAN, LLM_JUDGE or CODE, not '%s'",
			o.source_type);
		goto out;
	}
	if (cmd_config(ctx, &cfg, err) < 0)
		goto out;
	req.source_id = o.source_id ? o.source_id : cfg->source_id;
	req.trace_id = o.trace;
	req.span_id = o.span;
	req.name = o.name;
	req.value_text = o.value;
	req.rationale = o.rationale;
	req.metadata = o.metadata.n ? o.metadata.v : NULL;
	if (cmd_open_for_labels(ctx, store_arg, &st, err) < 0)
		goto out;
	if (o.override)
		rc = svc_override_feedback(st, o.override, &req, id, err);
	else
		rc = svc_log_feedback(st, &req, id, err);
	if (rc == 0)
		printf("%s\n", id);
out:
	store_close(st);
	opt_list_free(&o.metadata);
	return rc < 0 ? -1 : 0;
}

/* ---- update-feedback --------------------------------------------------------- */

struct update_opts {
	const char *value, *type, *rationale;
	struct opt_list metadata;
	bool allow_nan;
};

static const struct opt_def update_defs[] = {
	{ "value", 'v', OPT_STR, offsetof(struct update_opts, value), "V", "the new value", false },
	{ "type", 0, OPT_STR, offsetof(struct update_opts, type), "bool|number|text",
	  "how to read --value (default: guess)", false },
	{ "rationale", 'r', OPT_STR, offsetof(struct update_opts, rationale), "TEXT",
	  "the new rationale (\"\" removes it)", false },
	{ "metadata", 'm', OPT_LIST, offsetof(struct update_opts, metadata), "K=V",
	  "a metadata entry, merged into the existing ones", false },
	{ "allow-nan", 0, OPT_FLAG, offsetof(struct update_opts, allow_nan), NULL,
	  "store nan, inf and -inf as NaN, Infinity, -Infinity (MLflow's Python does)", false },
	END_OPTS,
};

int cmd_update_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct update_opts o = { 0 };
	struct store *st = NULL;
	const char *store_arg;
	const char *const *rest;
	enum value_type type = VT_AUTO;
	int rc;

	rc = cmd_parse(ctx, argc, argv, update_defs, &o, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (cmd_args(ctx, 1, 1, "ASSESSMENT_ID", &store_arg, &rest, NULL, err) < 0)
		goto out;
	if (o.type && !o.value) {
		err_set(err, ERR_USAGE, "--type needs --value");
		goto out;
	}
	if (!o.value && !o.rationale && !o.metadata.n) {
		err_set(err, ERR_USAGE, "nothing to update: give --value, --rationale or --metadata");
		goto out;
	}
	if (check_value(o.value, o.type, o.allow_nan, &type, err) < 0 || check_metadata(&o.metadata, err) < 0)
		goto out;
	if (cmd_open_for_labels(ctx, store_arg, &st, err) < 0)
		goto out;
	rc = svc_update_feedback(st, rest[0], o.value, type, o.rationale != NULL,
				 o.rationale && *o.rationale ? o.rationale : NULL,
				 o.metadata.n ? o.metadata.v : NULL, err);
	if (rc == 0)
		printf("%s\n", rest[0]);
out:
	store_close(st);
	opt_list_free(&o.metadata);
	return rc < 0 ? -1 : 0;
}

/* ---- delete-feedback --------------------------------------------------------- */

int cmd_delete_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	static const struct opt_def defs[] = { END_OPTS };
	struct assessment a = { 0 };
	struct store *st = NULL;
	const char *store_arg;
	const char *const *rest;
	int rc;

	rc = cmd_parse(ctx, argc, argv, defs, NULL, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (cmd_args(ctx, 1, 1, "ASSESSMENT_ID", &store_arg, &rest, NULL, err) < 0)
		goto out;
	if (cmd_open_for_labels(ctx, store_arg, &st, err) < 0)
		goto out;
	/* MLflow's delete is idempotent; a person typing an id wants to know. */
	if (store_get_assessment(st, rest[0], &a, err) < 0)
		goto out;
	if (svc_delete_feedback(st, rest[0], err) < 0)
		goto out;
	printf("deleted %s\n", rest[0]);
	if (a.overrides)
		printf("restored %s\n", a.overrides);
	rc = 0;
out:
	assessment_free(&a);
	store_close(st);
	return rc < 0 ? -1 : 0;
}

/* ---- feedback ---------------------------------------------------------------- */

struct show_opts {
	bool all;
};

static const struct opt_def show_defs[] = {
	{ "all", 'a', OPT_FLAG, offsetof(struct show_opts, all), NULL,
	  "include overridden feedback (valid: false)", false },
	END_OPTS,
};

/* Drops overridden rows (valid = 0), as MLflow shows a trace's feedback. */
static void keep_valid(struct assessment_list *l)
{
	size_t i, k = 0;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].valid)
			l->v[k++] = l->v[i];
		else
			assessment_free(&l->v[i]);
	}
	l->n = k;
}

int cmd_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	struct show_opts o = { 0 };
	struct assessment_list l = { 0 };
	struct store *st = NULL;
	const char *store_arg;
	const char *const *rest;
	char *json = NULL;
	int rc;

	rc = cmd_parse(ctx, argc, argv, show_defs, &o, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (cmd_args(ctx, 1, 1, "TRACE_ID", &store_arg, &rest, NULL, err) < 0)
		goto out;
	if (cmd_open_store(ctx, store_arg, STORE_READONLY, &st, err) < 0)
		goto out;
	if (store_check_target(st, rest[0], NULL, err) < 0 ||
	    store_load_assessments(st, rest[0], &l, err) < 0)
		goto out;
	if (!o.all)
		keep_valid(&l);
	json = assessments_to_json(&l, true);
	printf("%s\n", json);
	rc = 0;
out:
	free(json);
	assessment_list_free(&l);
	store_close(st);
	return rc < 0 ? -1 : 0;
}
