/*
 * The feedback commands, mirroring MLflow's API: log-feedback
 * (log_feedback / override_feedback), update-feedback (update_assessment),
 * delete-feedback (delete_assessment) and feedback (the assessments of a
 * trace as Assessment.to_dictionary() JSON).
 *
 * Writes go through the label journal (cmd_writer, svc/label.h): what a
 * command needs to read first (the row to update or delete, the row to
 * override) is read, then the write is journalled with its idempotency
 * key and written.  A store that cannot take it (locked, unreachable)
 * leaves it in the journal and the command exits 1 saying so.
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
#include "svc/journal.h"
#include "svc/label.h"
#include "svc/schemas.h"

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

/* The experiment's label schema of this name, if any, decides: an
 * expectation schema's answer is an expectation, and a rationale only goes
 * where the schema offers a comment. */
static int check_schema(struct store *st, struct feedback_req *req, struct err *err)
{
	struct schema_row r;
	bool found;
	int rc;

	if (schemas_of_trace(st, req->trace_id, req->name, &r, &found, err) < 0) {
		/* a store that cannot answer now: the journal keeps the label */
		if (err->code == ERR_NOTFOUND || cmd_err_transient(err)) {
			err_clear(err);
			return 0;
		}
		return -1;
	}
	if (!found)
		return 0;
	rc = schemas_check_rationale(&r, req->rationale, err);
	req->expectation = str_eq(r.type, "expectation");
	schema_row_free(&r);
	return rc;
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
	struct feedback_row f = { 0 };
	struct assessment old = { 0 };
	struct label_result res = { 0 };
	struct cmd_writer w = { 0 };
	const struct config *cfg;
	const char *store_arg;
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
	if (cmd_writer_open(ctx, store_arg, req.source_id, &w, err) < 0)
		goto out;
	if (o.override) {
		/* the new row takes the old one's trace, name and span */
		if (svc_get_feedback(w.st, o.override, &old, err) < 0)
			goto out;
		if (req.trace_id && !str_eq(req.trace_id, old.trace_id)) {
			err_set(err, ERR_NOTFOUND, "%s belongs to trace %s, not %s", o.override,
				old.trace_id, req.trace_id);
			goto out;
		}
		rc = svc_feedback_row(&req, old.trace_id, old.span_id, old.name, o.override, &f,
				      err);
	} else {
		struct err e;

		err_clear(&e);
		/* a store that cannot answer now: the journal keeps the label */
		if (svc_check_target(w.st, req.trace_id, req.span_id, &e) < 0 &&
		    !cmd_err_transient(&e)) {
			*err = e;
			goto out;
		}
		if (!e.code && check_schema(w.st, &req, err) < 0)
			goto out;
		rc = svc_feedback_row(&req, req.trace_id, req.span_id, req.name, NULL, &f, err);
	}
	if (rc < 0)
		goto out;
	rc = -1;
	{
		/* the same command run again after it failed: the same label,
		 * which the journal kept (the replay wrote it, or will) */
		struct journal_entry like = { 0 };
		const struct journal_entry *was;

#define BORROW(x) ((char *)(uintptr_t)(x))
		like.action = JA_LOG;
		like.trace_id = BORROW(f.a.trace_id);
		like.span_id = BORROW(f.a.span_id);
		like.name = BORROW(f.a.name);
		like.value = BORROW(f.a.value_json);
		like.rationale = BORROW(f.a.rationale);
		like.metadata = BORROW(f.a.metadata_json);
		like.source_type = BORROW(f.a.source_type);
		like.source_id = BORROW(f.a.source_id);
		like.overrides = BORROW(f.a.overrides);
#undef BORROW
		was = cmd_writer_prior(&w, &like);
		if (was)
			f.a.created_ms = f.a.updated_ms = was->row_created_ms;
	}
	if (labeler_log(w.lb, &f.a, &res, err) < 0 || cmd_writer_result(&w, &res, err) < 0)
		goto out;
	printf("%s\n", res.id ? res.id : "");
	rc = 0;
out:
	label_result_free(&res);
	svc_feedback_row_free(&f);
	assessment_free(&old);
	cmd_writer_close(&w);
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
	struct assessment cur = { 0 };
	struct label_result res = { 0 };
	struct cmd_writer w = { 0 };
	struct strbuf value = STRBUF_INIT;
	const struct config *cfg;
	const char *store_arg;
	const char *const *rest;
	enum value_type type = VT_AUTO;
	char *md = NULL;
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
	if (o.value && pyjson_encode_value(o.value, type, &value, err) < 0)
		goto out;
	if (o.metadata.n && !(md = metadata_from_pairs(o.metadata.v, err)))
		goto out;
	if (cmd_config(ctx, &cfg, err) < 0 ||
	    cmd_writer_open(ctx, store_arg, cfg->source_id, &w, err) < 0)
		goto out;
	/* the row as it is now: nothing is written when it cannot be read */
	if (svc_get_feedback(w.st, rest[0], &cur, err) < 0) {
		if (cmd_err_transient(err))
			err_prefix(err, "nothing written: cannot read %s", rest[0]);
		goto out;
	}
	if (o.rationale && *o.rationale) {
		struct schema_row sr;
		bool found = false;
		int bad;

		if (schemas_of_trace(w.st, cur.trace_id, cur.name, &sr, &found, err) < 0)
			goto out;
		bad = found ? schemas_check_rationale(&sr, o.rationale, err) : 0;
		schema_row_free(&sr);
		if (bad < 0)
			goto out;
	}
	if (labeler_patch(w.lb, &cur, o.value ? sb_str(&value) : NULL, o.rationale != NULL,
			  o.rationale && *o.rationale ? o.rationale : NULL, md, &res, err) < 0 ||
	    cmd_writer_result(&w, &res, err) < 0)
		goto out;
	printf("%s\n", rest[0]);
	rc = 0;
out:
	label_result_free(&res);
	assessment_free(&cur);
	cmd_writer_close(&w);
	sb_free(&value);
	free(md);
	opt_list_free(&o.metadata);
	return rc < 0 ? -1 : 0;
}

/* ---- delete-feedback --------------------------------------------------------- */

int cmd_delete_feedback(struct cmd_ctx *ctx, int argc, char **argv, struct err *err)
{
	static const struct opt_def defs[] = { END_OPTS };
	struct assessment a = { 0 };
	struct label_result res = { 0 };
	struct cmd_writer w = { 0 };
	const struct config *cfg;
	const char *store_arg;
	const char *const *rest;
	int rc;

	rc = cmd_parse(ctx, argc, argv, defs, NULL, err);
	if (rc != OPT_OK)
		goto out;
	rc = -1;
	if (cmd_args(ctx, 1, 1, "ASSESSMENT_ID", &store_arg, &rest, NULL, err) < 0)
		goto out;
	if (cmd_config(ctx, &cfg, err) < 0 ||
	    cmd_writer_open(ctx, store_arg, cfg->source_id, &w, err) < 0)
		goto out;
	/* MLflow's delete is idempotent; a person typing an id wants to know. */
	if (store_get_assessment(w.st, rest[0], &a, err) < 0) {
		struct journal_entry like = { 0 };

		like.action = JA_REMOVE;
		like.assessment_id = (char *)(uintptr_t)rest[0];
		if (err->code == ERR_NOTFOUND && cmd_writer_prior(&w, &like)) {
			/* run again after it failed: the replay has deleted it */
			printf("deleted %s\n", rest[0]);
			rc = 0;
			goto out;
		}
		if (cmd_err_transient(err))
			err_prefix(err, "nothing written: cannot read %s", rest[0]);
		goto out;
	}
	if (labeler_remove(w.lb, &a, &res, err) < 0 || cmd_writer_result(&w, &res, err) < 0)
		goto out;
	printf("deleted %s\n", rest[0]);
	if (a.overrides)
		printf("restored %s\n", a.overrides);
	rc = 0;
out:
	label_result_free(&res);
	assessment_free(&a);
	cmd_writer_close(&w);
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
