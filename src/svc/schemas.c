/* MLflow's label schemas as questions, and the lead's edits (svc/schemas.h). */
#include "svc/schemas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/keys.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "json/schema_input.h"
#include "store/rules.h"

void schemas_questions_free(struct label_schema *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		label_schema_free(&v[i]);
	free(v);
}

int schemas_questions(struct store *st, int64_t experiment_id, const char *const *ids,
		      size_t nids, struct label_schema **out, size_t *n,
		      struct schema_list *rows, struct diag_list *diags, struct err *err)
{
	struct schema_list l;
	size_t i;

	*out = NULL;
	*n = 0;
	if (rows)
		memset(rows, 0, sizeof *rows);
	if (store_list_schemas(st, experiment_id, ids, nids, &l, err) < 0)
		return -1;
	if (l.n)
		*out = xcalloc(l.n, sizeof **out);
	for (i = 0; i < l.n; i++) {
		struct schema_input in;
		struct err e = { 0 };

		if (schema_input_parse(l.v[i].input_type, l.v[i].input_config, &in, &e) < 0) {
			diag_add(diags, DIAG_WARNING, "label schema '%.100s' (%s) left out: %s",
				 l.v[i].name, l.v[i].schema_id, e.msg);
			continue;
		}
		schema_to_question(&l.v[i], &in, &(*out)[(*n)++]);
		schema_input_free(&in);
	}
	if (rows)
		*rows = l;
	else
		schema_list_free(&l);
	return 0;
}

/* ---- keys ---------------------------------------------------------------- */

/* Keys no default binding uses, in the order they are handed out (+ and -
 * go to pass/fail questions first, t to the editor). */
static const char *const pool[] = {
	"y", "o", "c", "v", "b", "i", "m", "p", "w", ";", "'", ",", "=",
	"!", "#", "$", "%", "&", "*", "<", ">", "|", "~", "+", "-", "t",
};
#define NPOOL (sizeof pool / sizeof pool[0])

struct keyset {
	struct keyseq *v;
	size_t n, cap;
	const struct keymap *km;   /* keys it binds are not handed out (NULL: none) */
};

static bool key_taken(const struct keyset *ks, const struct keyseq *k)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (keyseq_eq(&ks->v[i], k))
			return true;
	return false;
}

static void key_take(struct keyset *ks, const struct keyseq *k)
{
	GROW(ks->v, ks->cap, ks->n + 1);
	ks->v[ks->n++] = *k;
}

static bool free_key(const struct keyset *ks, const char *name, struct keyseq *out)
{
	struct err err = { 0 };

	return keyseq_parse(name, out, &err) == 0 && !key_taken(ks, out) &&
	       config_key_free(ks->km, out);
}

static void add_key(struct label_schema *q, struct keyset *ks, const struct keyseq *k,
		    const char *value)
{
	q->keys = xrealloc(q->keys, (q->nkeys + 1) * sizeof *q->keys);
	memset(&q->keys[q->nkeys], 0, sizeof q->keys[q->nkeys]);
	q->keys[q->nkeys].seq = *k;
	q->keys[q->nkeys].value = xstrdup_or_null(value);
	q->nkeys++;
	key_take(ks, k);
}

/* The next free key of the pool (*at moves past it). */
static bool next_pool(const struct keyset *ks, size_t *at, struct keyseq *out)
{
	for (; *at < NPOOL; (*at)++)
		if (free_key(ks, pool[*at], out)) {
			(*at)++;
			return true;
		}
	return false;
}

static void editor_key(struct label_schema *q, struct keyset *ks, size_t *at)
{
	struct keyseq k;

	if (free_key(ks, "t", &k) || next_pool(ks, at, &k))
		add_key(q, ks, &k, NULL);
}

/* Free keys for a schema's question that has none: value keys on the
 * first pass, the editor's key (text, multi-select, wide numbers) on the
 * second. */
static void auto_keys(struct label_schema *q, struct keyset *ks, size_t *at, bool editors)
{
	struct keyseq a, b;
	size_t i;

	if (editors) {
		editor_key(q, ks, at);
		return;
	}
	switch (q->type) {
	case LABEL_BOOLEAN:
		if (free_key(ks, "+", &a) && free_key(ks, "-", &b)) {
			add_key(q, ks, &a, "true");
			add_key(q, ks, &b, "false");
			return;
		}
		if (next_pool(ks, at, &a) && next_pool(ks, at, &b)) {
			add_key(q, ks, &a, "true");
			add_key(q, ks, &b, "false");
			return;
		}
		break;
	case LABEL_NUMERIC:
		if (q->has_min && q->has_max && q->min >= 0 && q->max <= 9 &&
		    floor(q->min) == q->min && floor(q->max) == q->max) {
			struct keyseq d[10];
			int v, lo = (int)q->min, hi = (int)q->max;
			bool ok = true;

			for (v = lo; v <= hi && ok; v++) {
				char name[2] = { (char)('0' + v), '\0' };

				ok = free_key(ks, name, &d[v - lo]);
			}
			if (ok) {
				for (v = lo; v <= hi; v++) {
					char name[2] = { (char)('0' + v), '\0' };

					add_key(q, ks, &d[v - lo], name);
				}
				return;
			}
		}
		break;
	case LABEL_CATEGORICAL:
		if (!q->multi && q->noptions) {
			size_t save = *at, before = q->nkeys;

			for (i = 0; i < q->noptions; i++) {
				if (!next_pool(ks, at, &a))
					break;
				add_key(q, ks, &a, q->options[i]);
			}
			if (i == q->noptions)
				return;
			/* Not enough keys: give them back, use the editor. */
			while (q->nkeys > before) {
				q->nkeys--;
				free(q->keys[q->nkeys].value);
				ks->n--;
			}
			*at = save;
		}
		break;
	default:
		break;
	}
}

/* Does a YAML key's value fit the schema's question? */
static bool key_fits(const struct label_schema *q, const struct label_key *k)
{
	size_t i;
	char *end;
	double d;

	if (!k->value)
		return q->type == LABEL_TEXT || q->multi || q->type == LABEL_NUMERIC;
	switch (q->type) {
	case LABEL_BOOLEAN:
		return str_eq(k->value, "true") || str_eq(k->value, "false");
	case LABEL_NUMERIC:
		d = strtod(k->value, &end);
		return *k->value && !*end && (!q->has_min || d >= q->min) &&
		       (!q->has_max || d <= q->max);
	case LABEL_CATEGORICAL:
		if (q->multi)
			return false;
		for (i = 0; i < q->noptions; i++)
			if (str_eq(q->options[i], k->value))
				return true;
		return false;
	default:
		return false;
	}
}

/* ---- applying them --------------------------------------------------------- */

static struct label_schema *find_label(struct label_schema *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_eq(v[i].name, name))
			return &v[i];
	return NULL;
}

int schemas_apply(struct config *cfg, struct store *st, int64_t experiment_id,
		  const char *const *ids, size_t nids, const struct keymap *km,
		  size_t *applied, struct diag_list *diags, struct err *err)
{
	struct label_schema *qs = NULL, *merged, *base;
	struct keyset ks = { 0 };
	struct strbuf shared = STRBUF_INIT;
	size_t nq = 0, i, j, nshared = 0, at = 0, n = 0, nbase;
	bool keep_yaml;

	if (applied)
		*applied = 0;
	ks.km = km;
	if (schemas_questions(st, experiment_id, ids, nids, &qs, &nq, NULL, diags, err) < 0) {
		if (!(store_is_remote(st) && err->code == ERR_USAGE))
			return -1;
		err_clear(err);
	}
	/* The configuration's own labels are kept aside the first time, so
	 * that each experiment starts from them. */
	if (!cfg->base_saved) {
		cfg->base_labels = cfg->labels;
		cfg->nbase_labels = cfg->nlabels;
		cfg->base_builtin = cfg->labels_builtin;
		cfg->base_saved = true;
		cfg->labels = NULL;
		cfg->nlabels = 0;
	}
	for (i = 0; i < cfg->nlabels; i++)
		label_schema_free(&cfg->labels[i]);
	FREE(cfg->labels);
	cfg->nlabels = 0;
	base = cfg->base_labels;
	nbase = cfg->nbase_labels;
	keep_yaml = !nq || !cfg->base_builtin;
	/* The keys of the configuration's own questions stay theirs. */
	for (i = 0; nq && keep_yaml && i < nbase; i++)
		if (!find_label(qs, nq, base[i].name))
			for (j = 0; j < base[i].nkeys; j++)
				key_take(&ks, &base[i].keys[j].seq);
	/* A label of the same name lends its keys that fit. */
	for (i = 0; keep_yaml && i < nq; i++) {
		struct label_schema *y = find_label(base, nbase, qs[i].name);

		if (!y)
			continue;
		sb_addf(&shared, "%s'%s'", nshared++ ? ", " : "", qs[i].name);
		for (j = 0; j < y->nkeys; j++)
			if (key_fits(&qs[i], &y->keys[j]) && !key_taken(&ks, &y->keys[j].seq))
				add_key(&qs[i], &ks, &y->keys[j].seq, y->keys[j].value);
	}
	for (i = 0; i < nq; i++)
		if (!qs[i].nkeys)
			auto_keys(&qs[i], &ks, &at, false);
	for (i = 0; i < nq; i++)
		if (!qs[i].nkeys)
			auto_keys(&qs[i], &ks, &at, true);
	if (nshared)
		diag_add(diags, DIAG_WARNING, "%s: label%s %s %s the name of a label schema in the "
			 "store (experiment %lld): the store's definition is used, with the keys "
			 "given here that fit it", cfg->labels_path ? cfg->labels_path : "config",
			 nshared > 1 ? "s" : "", sb_str(&shared), nshared > 1 ? "have" : "has",
			 (long long)experiment_id);
	merged = xcalloc(nq + nbase + 1, sizeof *merged);
	for (i = 0; i < nq; i++)
		merged[n++] = qs[i];
	for (i = 0; keep_yaml && i < nbase; i++)
		if (!find_label(qs, nq, base[i].name))
			label_schema_copy(&merged[n++], &base[i]);
	free(qs);
	cfg->labels = merged;
	cfg->nlabels = n;
	cfg->labels_builtin = !nq && cfg->base_builtin;
	if (applied)
		*applied = nq;
	free(ks.v);
	sb_free(&shared);
	return 0;
}

/* The names of cfg's questions whose answers are expectations (borrowed
 * from cfg); caller frees the array. */
size_t schemas_expectations(const struct config *cfg, const char ***out)
{
	size_t i, n = 0;

	*out = xcalloc(cfg->nlabels + 1, sizeof **out);
	for (i = 0; i < cfg->nlabels; i++)
		if (cfg->labels[i].expectation)
			(*out)[n++] = cfg->labels[i].name;
	return n;
}

void schemas_teach(struct labeler *lb, struct store *st)
{
	struct experiment_list el;
	const char **names = NULL;
	struct schema_list *all;
	struct err err = { 0 };
	size_t i, j, n = 0, total = 0;

	memset(&el, 0, sizeof el);
	if (store_is_remote(st) || store_list_experiments(st, &el, &err) < 0)
		return;
	all = xcalloc(el.n + 1, sizeof *all);
	for (i = 0; i < el.n; i++)
		if (store_list_schemas(st, el.v[i].id, NULL, 0, &all[i], &err) == 0)
			total += all[i].n;
	names = xcalloc(total + 1, sizeof *names);
	for (i = 0; i < el.n; i++)
		for (j = 0; j < all[i].n; j++)
			if (str_eq(all[i].v[j].type, "expectation"))
				names[n++] = all[i].v[j].name;
	labeler_expectations(lb, names, n);
	for (i = 0; i < el.n; i++)
		schema_list_free(&all[i]);
	free(all);
	free(names);
	experiment_list_free(&el);
}

const struct label_schema *schemas_question(const struct config *cfg, const char *name)
{
	const struct label_schema *l = cfg ? config_label(cfg, name) : NULL;

	return l && l->schema_id ? l : NULL;
}

/* ---- edits --------------------------------------------------------------- */

static int parse_number(const char *opt, const char *s, double *v, struct err *err)
{
	char *end;

	*v = strtod(s, &end);
	if (!*s || *end || !isfinite(*v))
		return err_set(err, ERR_USAGE, "%s: '%s' is not a number", opt, s);
	return 0;
}

/* The input of spec on top of base (NULL: a new one of spec->input_type). */
static int build_input(const struct schema_spec *spec, const struct schema_input *base,
		       struct schema_input *in, struct err *err)
{
	size_t i;
	int t;

	memset(in, 0, sizeof *in);
	if (base) {
		t = (int)base->type;
		if (spec->input_type && schema_input_by_name(spec->input_type) != t)
			return err_set(err, ERR_USAGE, "Label schema input type cannot be changed "
				       "(it is %s)", schema_input_name(base->type));
	} else {
		t = schema_input_by_name(spec->input_type ? spec->input_type : "");
		if (t < 0)
			return err_set(err, ERR_USAGE, "--input must be pass_fail, categorical, "
				       "numeric or text%s%s", spec->input_type ? ", not " : "",
				       spec->input_type ? spec->input_type : "");
	}
	in->type = (enum schema_input_type)t;
	if (base) {
		in->positive_label = xstrdup_or_null(base->positive_label);
		in->negative_label = xstrdup_or_null(base->negative_label);
		in->noptions = base->noptions;
		in->options = xcalloc(base->noptions + 1, sizeof *in->options);
		for (i = 0; i < base->noptions; i++)
			in->options[i] = xstrdup(base->options[i]);
		in->multi_select = base->multi_select;
		in->has_min = base->has_min;
		in->has_max = base->has_max;
		in->min = base->min;
		in->max = base->max;
		in->has_max_length = base->has_max_length;
		in->max_length = base->max_length;
	}
	if ((spec->positive_label || spec->negative_label) && in->type != SI_PASS_FAIL)
		return err_set(err, ERR_USAGE, "--positive and --negative are for pass_fail schemas");
	if ((spec->noptions || spec->multi_select >= 0) && in->type != SI_CATEGORICAL)
		return err_set(err, ERR_USAGE, "--option and --multi are for categorical schemas");
	if ((spec->min || spec->max) && in->type != SI_NUMERIC)
		return err_set(err, ERR_USAGE, "--min and --max are for numeric schemas");
	if (spec->max_length && in->type != SI_TEXT)
		return err_set(err, ERR_USAGE, "--max-length is for text schemas");
	if (spec->positive_label) {
		free(in->positive_label);
		in->positive_label = xstrdup(spec->positive_label);
	}
	if (spec->negative_label) {
		free(in->negative_label);
		in->negative_label = xstrdup(spec->negative_label);
	}
	if (!base && in->type == SI_PASS_FAIL && !in->positive_label && !in->negative_label) {
		/* tracelab's default names (MLflow requires two). */
		in->positive_label = xstrdup("Pass");
		in->negative_label = xstrdup("Fail");
	}
	if (spec->noptions) {
		for (i = 0; i < in->noptions; i++)
			free(in->options[i]);
		free(in->options);
		in->options = xcalloc(spec->noptions + 1, sizeof *in->options);
		for (i = 0; i < spec->noptions; i++)
			in->options[i] = xstrdup(spec->options[i]);
		in->noptions = spec->noptions;
	}
	if (spec->multi_select >= 0) {
		if (base && (spec->multi_select != 0) != base->multi_select)
			return err_set(err, ERR_USAGE, "`InputCategorical.multi_select` cannot be "
				       "changed after create");
		in->multi_select = spec->multi_select != 0;
	}
	if (spec->min) {
		in->has_min = *spec->min != '\0';
		if (in->has_min && parse_number("--min", spec->min, &in->min, err) < 0)
			return -1;
	}
	if (spec->max) {
		in->has_max = *spec->max != '\0';
		if (in->has_max && parse_number("--max", spec->max, &in->max, err) < 0)
			return -1;
	}
	if (spec->max_length) {
		in->has_max_length = *spec->max_length != '\0';
		if (in->has_max_length && parse_int64(spec->max_length, &in->max_length) < 0)
			return err_set(err, ERR_USAGE, "--max-length: '%s' is not a whole number",
				       spec->max_length);
	}
	return 0;
}

int schemas_create(struct store *st, int64_t experiment_id, const struct schema_spec *spec,
		   const char *created_by, char *out_id, struct err *err)
{
	struct schema_input in;
	struct schema_row r;
	struct strbuf cfg = STRBUF_INIT;
	char id[40];
	int rc = -1;

	memset(&r, 0, sizeof r);
	if (build_input(spec, NULL, &in, err) < 0)
		goto out;
	if (schema_validate(spec->name, spec->type ? spec->type : "feedback",
			    spec->instruction && *spec->instruction ? spec->instruction : NULL,
			    &in, err) < 0)
		goto out;
	if (rules_new_schema_id(id, err) < 0)
		goto out;
	schema_input_dump(&in, &cfg);
	r.schema_id = id;
	r.experiment_id = experiment_id;
	r.name = xstrdup(spec->name);
	r.type = xstrdup(spec->type ? spec->type : "feedback");
	r.instruction = spec->instruction && *spec->instruction ? xstrdup(spec->instruction) : NULL;
	r.enable_comment = spec->enable_comment > 0;
	r.input_type = xstrdup(schema_input_name(in.type));
	r.input_config = sb_take(&cfg);
	r.created_by = xstrdup_or_null(created_by);
	r.created_ms = r.updated_ms = now_ms();
	r.is_default = false;
	rc = store_create_schema(st, &r, err);
	if (rc == 0 && out_id)
		snprintf(out_id, 40, "%s", id);
	r.schema_id = NULL;
out:
	schema_row_free(&r);
	schema_input_free(&in);
	sb_free(&cfg);
	return rc;
}

int schemas_find(struct store *st, int64_t experiment_id, const char *id_or_name,
		 struct schema_row *out, struct err *err)
{
	struct schema_list l;
	size_t i, hit = (size_t)-1;

	memset(out, 0, sizeof *out);
	if (store_list_schemas(st, experiment_id, NULL, 0, &l, err) < 0)
		return -1;
	for (i = 0; i < l.n && hit == (size_t)-1; i++)
		if (str_eq(l.v[i].schema_id, id_or_name))
			hit = i;
	for (i = 0; i < l.n && hit == (size_t)-1; i++)
		if (str_eq(l.v[i].name, id_or_name))
			hit = i;
	if (hit == (size_t)-1) {
		bool table = l.table;

		schema_list_free(&l);
		if (!table)
			return err_set(err, ERR_NOTFOUND, "this store has no label_schemas table "
				       "(MLflow before 3.14)");
		return err_set(err, ERR_NOTFOUND, "no label schema '%.250s' in experiment %lld",
			       id_or_name, (long long)experiment_id);
	}
	*out = l.v[hit];
	memset(&l.v[hit], 0, sizeof l.v[hit]);
	schema_list_free(&l);
	return 0;
}

int schemas_of_trace(struct store *st, const char *trace_id, const char *name,
		     struct schema_row *out, bool *found, struct err *err)
{
	struct trace_row row;
	struct schema_list l;
	size_t i;

	*found = false;
	memset(out, 0, sizeof *out);
	if (store_is_remote(st))
		return 0;
	memset(&row, 0, sizeof row);
	if (store_get_row(st, trace_id, NULL, &row, err) < 0)
		return -1;
	if (store_list_schemas(st, row.experiment_id, NULL, 0, &l, err) < 0) {
		trace_row_free(&row);
		return -1;
	}
	for (i = 0; i < l.n && !*found; i++)
		if (str_eq(l.v[i].name, name)) {
			*out = l.v[i];
			memset(&l.v[i], 0, sizeof l.v[i]);
			*found = true;
		}
	schema_list_free(&l);
	trace_row_free(&row);
	return 0;
}

int schemas_check_rationale(const struct schema_row *r, const char *rationale,
			    struct err *err)
{
	if (!rationale || !*rationale)
		return 0;
	if (str_eq(r->type, "expectation"))
		return err_set(err, ERR_USAGE, "'%.250s' is an expectation label schema of experiment "
			       "%lld: MLflow keeps no rationale on an expectation, so --rationale "
			       "is refused", r->name, (long long)r->experiment_id);
	if (!r->enable_comment)
		return err_set(err, ERR_USAGE, "'%.250s' is a label schema of experiment %lld that "
			       "offers no comment (enable_comment is off): --rationale is refused",
			       r->name, (long long)r->experiment_id);
	return 0;
}

static int refuse_default(const struct schema_row *r, const char *what, struct err *err)
{
	return err_set(err, ERR_USAGE, "'%.250s' is the experiment's default question: MLflow "
		       "keeps it %s", r->name, what);
}

int schemas_edit(struct store *st, int64_t experiment_id, const char *id_or_name,
		 const struct schema_spec *spec, struct err *err)
{
	struct schema_row r;
	struct schema_input base, in;
	struct strbuf cfg = STRBUF_INIT;
	int rc = -1;

	memset(&base, 0, sizeof base);
	memset(&in, 0, sizeof in);
	if (schemas_find(st, experiment_id, id_or_name, &r, err) < 0)
		return -1;
	if (r.is_default) {
		refuse_default(&r, "uneditable", err);
		goto out;
	}
	if (spec->type && !str_eq(spec->type, r.type)) {
		err_set(err, ERR_USAGE, "Label schema `type` cannot be changed (it is %s)", r.type);
		goto out;
	}
	if (schema_input_parse(r.input_type, r.input_config, &base, err) < 0 ||
	    build_input(spec, &base, &in, err) < 0)
		goto out;
	if (spec->name) {
		free(r.name);
		r.name = xstrdup(spec->name);
	}
	if (spec->instruction) {
		free(r.instruction);
		r.instruction = *spec->instruction ? xstrdup(spec->instruction) : NULL;
	}
	if (spec->enable_comment >= 0)
		r.enable_comment = spec->enable_comment > 0;
	if (schema_validate(r.name, r.type, r.instruction, &in, err) < 0)
		goto out;
	schema_input_dump(&in, &cfg);
	free(r.input_config);
	r.input_config = sb_take(&cfg);
	r.updated_ms = now_ms();
	rc = store_update_schema(st, &r, err);
out:
	schema_row_free(&r);
	schema_input_free(&base);
	schema_input_free(&in);
	sb_free(&cfg);
	return rc;
}

int schemas_delete(struct store *st, int64_t experiment_id, const char *id_or_name,
		   char *deleted_id, struct err *err)
{
	struct schema_row r;
	int rc;

	if (schemas_find(st, experiment_id, id_or_name, &r, err) < 0) {
		/* An id that names nothing: MLflow's delete is a no-op. */
		if (err->code == ERR_NOTFOUND && str_starts(id_or_name, SCHEMA_ID_PREFIX) &&
		    !strstr(err->msg, "no label_schemas table")) {
			err_clear(err);
			if (deleted_id)
				snprintf(deleted_id, 40, "%.39s", id_or_name);
			return store_delete_schema(st, id_or_name, err);
		}
		return -1;
	}
	if (r.is_default) {
		refuse_default(&r, "undeletable", err);
		schema_row_free(&r);
		return -1;
	}
	rc = store_delete_schema(st, r.schema_id, err);
	if (rc == 0 && deleted_id)
		snprintf(deleted_id, 40, "%s", r.schema_id);
	schema_row_free(&r);
	return rc;
}
