/* input_config of MLflow's label schemas (json/schema_input.h). */
#include "json/schema_input.h"

#include <string.h>

#include "core/pyjson.h"
#include "core/textbuf.h"
#include "core/util.h"
#include "json/jtree.h"

static int bad(struct err *err, const char *type, const char *what)
{
	return err_set(err, ERR_PARSE, "input_config of a %s label schema: %s", type, what);
}

/* MLflow writes these from Python strings: never invalid UTF-8.  Bytes
 * that are not (a damaged row) are refused rather than carried into a
 * question and written back changed. */
static bool utf8_text(const char *s)
{
	size_t n = strlen(s);
	uint32_t cp;
	int len;

	for (; n; s += len, n -= (size_t)len)
		if ((len = utf8_decode(s, n, &cp)) == 0)
			return false;
	return true;
}

static int get_label(const cJSON *o, const char *key, char **out, struct err *err)
{
	const cJSON *v = jt_get(o, key);

	if (!cJSON_IsString(v) || !utf8_text(v->valuestring))
		return err_set(err, ERR_PARSE, "input_config of a pass_fail label schema: "
			       "\"%s\" is not a string%s", key,
			       cJSON_IsString(v) ? " of valid UTF-8" : "");
	*out = xstrdup(v->valuestring);
	return 0;
}

/* A bound: absent or null is none; else a number. */
static int get_bound(const cJSON *o, const char *key, bool *has, double *v, struct err *err)
{
	const cJSON *n = jt_get(o, key);

	*has = false;
	if (!n || cJSON_IsNull(n))
		return 0;
	if (!jt_is_num(n))
		return err_set(err, ERR_PARSE, "input_config of a numeric label schema: "
			       "\"%s\" is not a number", key);
	*has = true;
	*v = jt_double(n);
	return 0;
}

int schema_input_parse(const char *input_type, const char *config_json,
		       struct schema_input *out, struct err *err)
{
	int t = schema_input_by_name(input_type);
	cJSON *root = NULL;
	const cJSON *v, *it;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (t < 0)
		return err_set(err, ERR_PARSE, "unknown label schema input_type '%.40s' (MLflow "
			       "knows pass_fail, categorical, numeric and text)",
			       input_type ? input_type : "");
	out->type = (enum schema_input_type)t;
	root = jt_parse(config_json ? config_json : "", config_json ? strlen(config_json) : 0, err);
	if (!root)
		return err_prefix(err, "input_config of a %s label schema", input_type);
	if (!cJSON_IsObject(root)) {
		bad(err, input_type, "not a JSON object");
		goto out;
	}
	switch (out->type) {
	case SI_PASS_FAIL:
		if (get_label(root, "positive_label", &out->positive_label, err) < 0 ||
		    get_label(root, "negative_label", &out->negative_label, err) < 0)
			goto out;
		break;
	case SI_CATEGORICAL:
		v = jt_get(root, "options");
		if (!cJSON_IsArray(v)) {
			bad(err, input_type, "\"options\" is not a list");
			goto out;
		}
		out->options = xcalloc(jt_count(v) + 1, sizeof *out->options);
		cJSON_ArrayForEach(it, v) {
			if (!cJSON_IsString(it) || !utf8_text(it->valuestring)) {
				bad(err, input_type, cJSON_IsString(it) ? "an option is not valid UTF-8"
									: "an option is not a string");
				goto out;
			}
			out->options[out->noptions++] = xstrdup(it->valuestring);
		}
		v = jt_get(root, "multi_select");
		if (v && !cJSON_IsBool(v) && !cJSON_IsNull(v)) {
			bad(err, input_type, "\"multi_select\" is not true or false");
			goto out;
		}
		out->multi_select = cJSON_IsTrue(v);
		break;
	case SI_NUMERIC:
		if (get_bound(root, "min_value", &out->has_min, &out->min, err) < 0 ||
		    get_bound(root, "max_value", &out->has_max, &out->max, err) < 0)
			goto out;
		break;
	case SI_TEXT:
		v = jt_get(root, "max_length");
		if (v && !cJSON_IsNull(v)) {
			if (!jt_is_num(v) || jt_int64(v, &out->max_length) < 0) {
				bad(err, input_type, "\"max_length\" is not an integer");
				goto out;
			}
			out->has_max_length = true;
		}
		break;
	default:
		break;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	if (rc < 0)
		schema_input_free(out);
	return rc;
}

static void key(struct strbuf *out, const char *k, bool first)
{
	if (!first)
		sb_adds(out, ", ");
	pyjson_string(out, k, strlen(k));
	sb_adds(out, ": ");
}

static void str_or_null(struct strbuf *out, const char *s)
{
	if (s)
		pyjson_string(out, s, strlen(s));
	else
		sb_adds(out, "null");
}

void schema_input_dump(const struct schema_input *in, struct strbuf *out)
{
	size_t i;

	sb_adds(out, "{");
	switch (in->type) {
	case SI_PASS_FAIL:
		key(out, "positive_label", true);
		str_or_null(out, in->positive_label);
		key(out, "negative_label", false);
		str_or_null(out, in->negative_label);
		break;
	case SI_CATEGORICAL:
		key(out, "options", true);
		sb_adds(out, "[");
		for (i = 0; i < in->noptions; i++) {
			if (i)
				sb_adds(out, ", ");
			pyjson_string(out, in->options[i], strlen(in->options[i]));
		}
		sb_adds(out, "]");
		key(out, "multi_select", false);
		pyjson_bool(out, in->multi_select);
		break;
	case SI_NUMERIC:
		key(out, "min_value", true);
		if (in->has_min)
			pyjson_float(out, in->min);
		else
			sb_adds(out, "null");
		key(out, "max_value", false);
		if (in->has_max)
			pyjson_float(out, in->max);
		else
			sb_adds(out, "null");
		break;
	case SI_TEXT:
	default:
		key(out, "max_length", true);
		if (in->has_max_length)
			pyjson_int(out, in->max_length);
		else
			sb_adds(out, "null");
		break;
	}
	sb_adds(out, "}");
}
