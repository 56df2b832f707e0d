/* MLflow's label schemas and the questions they ask (core/schema.h). */
#include "core/schema.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const input_names[] = {
#define X_(id, name) name,
	SCHEMA_INPUT_LIST(X_)
#undef X_
};

const char *schema_input_name(enum schema_input_type t)
{
	return (unsigned)t < SI_COUNT_ ? input_names[t] : "?";
}

int schema_input_by_name(const char *s)
{
	int i;

	for (i = 0; s && i < SI_COUNT_; i++)
		if (strcmp(s, input_names[i]) == 0)
			return i;
	return -1;
}

void schema_row_free(struct schema_row *r)
{
	if (!r)
		return;
	free(r->schema_id);
	free(r->name);
	free(r->type);
	free(r->instruction);
	free(r->input_type);
	free(r->input_config);
	free(r->created_by);
	memset(r, 0, sizeof *r);
}

void schema_list_free(struct schema_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		schema_row_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void schema_input_free(struct schema_input *in)
{
	size_t i;

	if (!in)
		return;
	free(in->positive_label);
	free(in->negative_label);
	for (i = 0; i < in->noptions; i++)
		free(in->options[i]);
	free(in->options);
	memset(in, 0, sizeof *in);
}

/* Characters as Python counts them: code points of UTF-8 text. */
static size_t py_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int check_label(const char *field, const char *v, struct err *err)
{
	if (!v || !*v)
		return err_set(err, ERR_USAGE, "`InputPassFail.%s` must be a non-empty string", field);
	if (py_len(v) > SCHEMA_PASS_FAIL_LABEL_MAX)
		return err_set(err, ERR_USAGE, "`InputPassFail.%s` must be at most %d characters; "
			       "got %zu", field, SCHEMA_PASS_FAIL_LABEL_MAX, py_len(v));
	return 0;
}

static int check_input(const struct schema_input *in, struct err *err)
{
	size_t i, j;

	switch (in->type) {
	case SI_PASS_FAIL:
		if (check_label("positive_label", in->positive_label, err) < 0 ||
		    check_label("negative_label", in->negative_label, err) < 0)
			return -1;
		if (strcmp(in->positive_label, in->negative_label) == 0)
			return err_set(err, ERR_USAGE, "`InputPassFail.positive_label` and "
				       "`negative_label` must be distinct; got '%.64s' for both",
				       in->positive_label);
		return 0;
	case SI_CATEGORICAL:
		if (!in->noptions)
			return err_set(err, ERR_USAGE, "`InputCategorical.options` must be a "
				       "non-empty list");
		if (in->noptions > SCHEMA_OPTIONS_MAX)
			return err_set(err, ERR_USAGE, "`InputCategorical.options` must have at most "
				       "%d entries; got %zu", SCHEMA_OPTIONS_MAX, in->noptions);
		for (i = 0; i < in->noptions; i++) {
			const char *o = in->options[i];

			if (!o || !*o)
				return err_set(err, ERR_USAGE, "`InputCategorical.options` entries "
					       "must be non-empty strings");
			if (py_len(o) > SCHEMA_OPTION_MAX)
				return err_set(err, ERR_USAGE, "`InputCategorical.options` entries "
					       "must be at most %d characters; got %zu for '%.64s...'",
					       SCHEMA_OPTION_MAX, py_len(o), o);
			for (j = 0; j < i; j++)
				if (strcmp(in->options[j], o) == 0)
					return err_set(err, ERR_USAGE, "`InputCategorical.options` must "
						       "be deduplicated; '%.64s' appears twice", o);
		}
		return 0;
	case SI_NUMERIC:
		if (in->has_min && in->has_max && !(in->min < in->max))
			return err_set(err, ERR_USAGE, "`InputNumeric.min_value` must be strictly "
				       "less than `max_value`; got min=%g, max=%g", in->min, in->max);
		return 0;
	case SI_TEXT:
		if (in->has_max_length && in->max_length < 1)
			return err_set(err, ERR_USAGE, "`InputText.max_length` must be at least 1; "
				       "got %lld", (long long)in->max_length);
		return 0;
	default:
		return err_set(err, ERR_USAGE, "unknown input type");
	}
}

int schema_validate(const char *name, const char *type, const char *instruction,
		    const struct schema_input *in, struct err *err)
{
	if (!name || !*name)
		return err_set(err, ERR_USAGE, "Label schema `name` must be a non-empty string");
	if (py_len(name) > SCHEMA_NAME_MAX)
		return err_set(err, ERR_USAGE, "Label schema `name` must be at most %d characters; "
			       "got %zu", SCHEMA_NAME_MAX, py_len(name));
	if (!str_eq(type, "feedback") && !str_eq(type, "expectation"))
		return err_set(err, ERR_USAGE, "Label schema `type` must be one of ['feedback', "
			       "'expectation']; got '%.40s'", type ? type : "");
	if (instruction && py_len(instruction) > SCHEMA_INSTRUCTION_MAX)
		return err_set(err, ERR_USAGE, "Label schema `instruction` must be at most %d "
			       "characters; got %zu", SCHEMA_INSTRUCTION_MAX, py_len(instruction));
	return check_input(in, err);
}

void schema_to_question(const struct schema_row *row, const struct schema_input *in,
			struct label_schema *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	out->name = xstrdup(row->name);
	out->schema_id = xstrdup_or_null(row->schema_id);
	out->instructions = row->instruction && *row->instruction ?
		xstrdup(row->instruction) : NULL;
	out->required = true;
	out->target = QT_TRACE;
	out->scale = SCALE_DEFAULT;
	out->expectation = str_eq(row->type, "expectation");
	/* An expectation has no rationale in MLflow (the entity has none, and
	 * update_assessment writes NULL). */
	out->rationale = row->enable_comment && !out->expectation ?
		RATIONALE_OPTIONAL : RATIONALE_NONE;
	switch (in->type) {
	case SI_PASS_FAIL:
		out->type = LABEL_BOOLEAN;
		out->positive_label = xstrdup_or_null(in->positive_label);
		out->negative_label = xstrdup_or_null(in->negative_label);
		break;
	case SI_CATEGORICAL:
		out->type = LABEL_CATEGORICAL;
		out->multi = in->multi_select;
		out->noptions = in->noptions;
		out->options = in->noptions ? xcalloc(in->noptions, sizeof *out->options) : NULL;
		for (i = 0; i < in->noptions; i++)
			out->options[i] = xstrdup(in->options[i]);
		break;
	case SI_NUMERIC:
		out->type = LABEL_NUMERIC;
		out->has_min = in->has_min;
		out->has_max = in->has_max;
		out->min = in->min;
		out->max = in->max;
		break;
	case SI_TEXT:
	default:
		out->type = LABEL_TEXT;
		out->max_length = in->has_max_length ? in->max_length : 0;
		break;
	}
}
