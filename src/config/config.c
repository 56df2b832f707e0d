/*
 * The configuration file (config/config.h): options, label schemas and
 * the keys they bind, checked against the keymap.
 *
 * Over 1,000 lines: most of it is the label schemas, whose keys, values
 * and bounds are checked against each other and against the keymap as
 * they are read, with one error path (label_error) for all of them.
 */
#include "config/config.h"

#include <limits.h>
#include <stdarg.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/paths.h"
#include "config/yaml_doc.h"
#include "core/embedded.h"
#include "core/strbuf.h"
#include "core/textbuf.h"
#include "core/util.h"

/* The shipped example; its `labels:` are the default label schemas. */
#define BUILTIN_CONFIG "examples/config.yaml"

#define DEFAULT_THEME "dark"
#define DEFAULT_REFRESH_SECONDS 5

static const char *const advance_names[ADVANCE_COUNT_] = {
#define X_(id, name) [ADVANCE_##id] = name,
	ADVANCE_LIST(X_)
#undef X_
};

const char *advance_mode_name(enum advance_mode a)
{
	return (int)a >= 0 && a < ADVANCE_COUNT_ ? advance_names[a] : "";
}

/* ---- defaults and freeing ---------------------------------------------- */

static char *default_source_id(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *user = getenv("USER");

	if (pw && pw->pw_name && *pw->pw_name)
		return xstrdup(pw->pw_name);
	if (user && *user)
		return xstrdup(user);
	return xstrdup("unknown");
}

static void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->source_id = default_source_id();
	c->theme = xstrdup(DEFAULT_THEME);
	c->advance = ADVANCE_COMPLETE;
	c->time_on_item = true;
	c->refresh_seconds = DEFAULT_REFRESH_SECONDS;
}

static void free_labels(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nlabels; i++)
		label_schema_free(&c->labels[i]);
	FREE(c->labels);
	c->nlabels = 0;
	FREE(c->labels_path);
	c->labels_builtin = false;
}

static void free_keymaps(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nkeymaps; i++)
		free(c->keymaps[i]);
	FREE(c->keymaps);
	c->nkeymaps = 0;
}

void config_free(struct config *c)
{
	size_t i;

	free(c->path);
	free(c->source_id);
	free(c->store);
	free(c->experiment);
	free(c->theme);
	free_keymaps(c);
	free_labels(c);
	for (i = 0; i < c->nbase_labels; i++)
		label_schema_free(&c->base_labels[i]);
	free(c->base_labels);
	memset(c, 0, sizeof *c);
}

/* ---- label schemas ----------------------------------------------------- */

struct loader {
	struct ydoc *doc;
	struct config *c;
	struct diag_list *diags;
	bool labels_given;
	bool keymap_given;
};

/* One label being read; `bad` skips it at the end. */
struct label_read {
	struct loader *ld;
	struct label_schema l;
	bool bad;
	bool int_range;     /* min and max were written as integers */
};

static void label_error(struct label_read *r, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "label 'name': <message> (label skipped)" */
static void label_error(struct label_read *r, const yaml_node_t *at, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (r->l.name)
		sb_addf(&sb, "label '%s': ", r->l.name);
	sb_adds(&sb, msg);
	if (!r->bad)
		sb_adds(&sb, " (label skipped)");
	ydiag(r->ld->doc, r->ld->diags, DIAG_ERROR, at, "%s", sb_str(&sb));
	r->bad = true;
	free(msg);
	sb_free(&sb);
}

/* Text of a number for a value computed from min..max. */
static char *number_text(double v, bool integral)
{
	char buf[64];

	if (integral && v > -1e15 && v < 1e15 && v == (double)(long long)v)
		return xasprintf("%lld", (long long)v);
	snprintf(buf, sizeof buf, "%.15g", v);
	if (!strpbrk(buf, ".eEni"))
		return xasprintf("%s.0", buf);
	return xstrdup(buf);
}

static void add_key(struct label_read *r, const struct keyseq *seq, char *value, yaml_node_t *at)
{
	struct label_key *k;
	char name[KEYSEQ_NAME_MAX];
	size_t i;

	for (i = 0; i < r->l.nkeys; i++) {
		const struct keyseq *o = &r->l.keys[i].seq;
		int n = o->n < seq->n ? o->n : seq->n;
		char oname[KEYSEQ_NAME_MAX];

		if (memcmp(o->keys, seq->keys, (size_t)n * sizeof seq->keys[0]) != 0)
			continue;
		keyseq_name(seq, name, sizeof name);
		keyseq_name(o, oname, sizeof oname);
		if (o->n == seq->n)
			label_error(r, at, "key '%s' appears twice", name);
		else
			label_error(r, at, "key '%s' clashes with its key '%s'", name, oname);
		free(value);
		return;
	}
	r->l.keys = xrealloc(r->l.keys, (r->l.nkeys + 1) * sizeof *r->l.keys);
	k = &r->l.keys[r->l.nkeys++];
	k->seq = *seq;
	k->value = value;
	k->line = ynode_line(at);
	k->col = ynode_col(at);
}

static int parse_label_key(struct label_read *r, yaml_node_t *n, struct keyseq *seq)
{
	struct err err = { 0 };
	const char *s = yscalar(n);

	if (!s) {
		label_error(r, n, "a key must be a string, not %s", ynode_kind(n));
		return -1;
	}
	if (keyseq_parse(s, seq, &err) < 0) {
		label_error(r, n, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* The value a mapping gives to one key, checked against the type;
 * malloc'd text, or NULL after reporting. */
static char *map_value(struct label_read *r, yaml_node_t *v)
{
	const char *s = yscalar(v);
	char *q = yquote(v), *out = NULL;
	double d;
	bool b;
	size_t i;

	switch (r->l.type) {
	case LABEL_BOOLEAN:
		if (yscalar_bool(v, &b) < 0)
			label_error(r, v, "'%s' is not true or false", q);
		else
			out = xstrdup(b ? "true" : "false");
		break;
	case LABEL_NUMERIC:
		if (yscalar_double(v, &d) < 0)
			label_error(r, v, "'%s' is not a number", q);
		else if ((r->l.has_min && d < r->l.min) || (r->l.has_max && d > r->l.max))
			label_error(r, v, "value %s is outside min..max", q);
		else
			out = xstrdup(s);
		break;
	case LABEL_CATEGORICAL:
		for (i = 0; s && i < r->l.noptions; i++)
			if (strcmp(r->l.options[i], s) == 0)
				out = xstrdup(s);
		if (!out)
			label_error(r, v, "'%s' is not one of the options", q);
		break;
	case LABEL_TEXT:
	case LABEL_TYPE_COUNT_:
		label_error(r, v, "a text label takes one key (key: t), not key: value pairs");
		break;
	}
	free(q);
	return out;
}

/* keys: {key: value}  (booleans also {true: key, false: key}) */
static void keys_from_map(struct label_read *r, yaml_node_t *keys)
{
	struct ydoc *doc = r->ld->doc;
	size_t i, n = ynode_size(keys);
	struct keyseq seq;
	bool b;

	for (i = 0; i < n; i++) {
		yaml_node_t *k = ymap_key(doc, keys, i), *v = ymap_value(doc, keys, i);
		char *value;

		if (r->l.type == LABEL_BOOLEAN && yscalar_bool(k, &b) == 0) {
			/* value: key, as in {true: "+", false: "-"} */
			if (parse_label_key(r, v, &seq) == 0)
				add_key(r, &seq, xstrdup(b ? "true" : "false"), v);
			continue;
		}
		if (parse_label_key(r, k, &seq) < 0)
			continue;
		value = map_value(r, v);
		if (value)
			add_key(r, &seq, value, k);
	}
}

/* The i-th of n values spread evenly over min..max. */
static double step_value(const struct label_schema *l, size_t i, size_t n)
{
	if (n <= 1)
		return l->min;
	if (i == n - 1)
		return l->max;
	return l->min + (l->max - l->min) * (double)i / (double)(n - 1);
}

/* keys: [k1, k2, ...] mapped in order onto the values. */
static void keys_from_list(struct label_read *r, yaml_node_t *keys)
{
	struct ydoc *doc = r->ld->doc;
	size_t i, n = ynode_size(keys);
	struct keyseq seq;
	bool integral;

	switch (r->l.type) {
	case LABEL_BOOLEAN:
		if (n != 2) {
			label_error(r, keys, "a boolean label takes two keys: [true-key, false-key]");
			return;
		}
		break;
	case LABEL_NUMERIC:
		if (!r->l.has_min || !r->l.has_max) {
			label_error(r, keys, "a list of keys needs min and max");
			return;
		}
		break;
	case LABEL_CATEGORICAL:
		if (n > r->l.noptions) {
			label_error(r, keys, "%zu keys for %zu options", n, r->l.noptions);
			return;
		}
		break;
	default:
		break;
	}
	/* Whole numbers only when min, max and every step are whole. */
	integral = r->int_range;
	for (i = 0; r->l.type == LABEL_NUMERIC && n > 1 && i < n; i++) {
		double v = step_value(&r->l, i, n);

		if (!(v > -1e15 && v < 1e15) || v != (double)(long long)v)
			integral = false;
	}
	for (i = 0; i < n; i++) {
		yaml_node_t *k = yseq_get(doc, keys, i);
		char *value = NULL;

		if (parse_label_key(r, k, &seq) < 0)
			continue;
		switch (r->l.type) {
		case LABEL_BOOLEAN:
			value = xstrdup(i == 0 ? "true" : "false");
			break;
		case LABEL_NUMERIC:
			value = number_text(step_value(&r->l, i, n), integral);
			break;
		case LABEL_CATEGORICAL:
			value = xstrdup(r->l.options[i]);
			break;
		default:
			break;
		}
		add_key(r, &seq, value, k);
	}
}

static void parse_keys(struct label_read *r, yaml_node_t *keys)
{
	struct keyseq seq;

	if (!keys || ynode_is_null(keys))
		return;
	if (ynode_is_map(keys)) {
		keys_from_map(r, keys);
	} else if (ynode_is_seq(keys)) {
		keys_from_list(r, keys);
	} else if (r->l.type == LABEL_TEXT) {
		if (parse_label_key(r, keys, &seq) == 0)
			add_key(r, &seq, NULL, keys);
	} else {
		label_error(r, keys, "keys of a %s label must be a list or a mapping",
			    label_type_name(r->l.type));
	}
}

static void parse_options(struct label_read *r, yaml_node_t *opts)
{
	struct ydoc *doc = r->ld->doc;
	size_t i, j, n = ynode_size(opts);

	if (!ynode_is_seq(opts)) {
		label_error(r, opts, "'options' expects a list, not %s", ynode_kind(opts));
		return;
	}
	if (n == 0) {
		label_error(r, opts, "'options' is empty");
		return;
	}
	r->l.options = xcalloc(n, sizeof *r->l.options);
	for (i = 0; i < n; i++) {
		yaml_node_t *o = yseq_get(doc, opts, i);
		const char *s = yscalar(o);

		if (!s || !*s) {
			label_error(r, o, "an option must be a non-empty string");
			continue;
		}
		for (j = 0; j < r->l.noptions; j++)
			if (strcmp(r->l.options[j], s) == 0)
				break;
		if (j < r->l.noptions) {
			char *q = yquote(o);

			label_error(r, o, "option '%s' appears twice", q);
			free(q);
			continue;
		}
		r->l.options[r->l.noptions++] = xstrdup(s);
	}
}

static void parse_bound(struct label_read *r, yaml_node_t *n, const char *what, double *out,
			bool *has, bool *is_int)
{
	int64_t iv;
	char *q;

	if (!n)
		return;
	if (yscalar_double(n, out) < 0) {
		q = yquote(n);
		label_error(r, n, "'%s' expects a number, not '%s'", what, q);
		free(q);
		return;
	}
	*has = true;
	*is_int = yscalar_int(n, &iv) == 0;
}

/* The fields of a label schema. */
enum label_field { LF_NAME, LF_TYPE, LF_MIN, LF_MAX, LF_OPTIONS, LF_INSTRUCTIONS, LF_RATIONALE,
		   LF_KEYS, LF_KEY, LF_REQUIRED, LF_TARGET, LF_SCALE, LF_COUNT_ };

static const char *const label_fields[LF_COUNT_] = {
	[LF_NAME] = "name", [LF_TYPE] = "type", [LF_MIN] = "min", [LF_MAX] = "max",
	[LF_OPTIONS] = "options", [LF_INSTRUCTIONS] = "instructions",
	[LF_RATIONALE] = "rationale", [LF_KEYS] = "keys", [LF_KEY] = "key",
	[LF_REQUIRED] = "required", [LF_TARGET] = "target", [LF_SCALE] = "scale",
};

static const char *const scale_names[SCALE_COUNT_] = {
#define X_(id, name) [SCALE_##id] = name,
	LABEL_SCALE_LIST(X_)
#undef X_
};

static int name_index(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; s && i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* `scale:` (agreement): nominal or ordinal for categories, any for numbers. */
static void parse_scale(struct label_read *r, yaml_node_t *n)
{
	int v;
	char *q;

	if (!n || ynode_is_null(n))
		return;
	v = name_index(scale_names, SCALE_COUNT_, yscalar(n));
	q = yquote(n);
	if (v <= SCALE_DEFAULT)
		ydiag(r->ld->doc, r->ld->diags, DIAG_WARNING, n,
		      "label '%s': unknown scale '%s' (nominal, ordinal or interval; ignored)",
		      r->l.name, q);
	else if (r->l.type == LABEL_BOOLEAN || r->l.type == LABEL_TEXT ||
		 (r->l.type == LABEL_CATEGORICAL && v == SCALE_INTERVAL))
		ydiag(r->ld->doc, r->ld->diags, DIAG_WARNING, n,
		      "label '%s': scale '%s' does not fit a %s label (ignored)", r->l.name, q,
		      label_type_name(r->l.type));
	else
		r->l.scale = (enum label_scale)v;
	free(q);
}

/* Another accepted label already uses this key, or a prefix of it, or a
 * longer key it begins: that label, else NULL. */
static const struct label_schema *key_clash(const struct config *c, const struct keyseq *seq,
					    const struct label_key **with)
{
	size_t i, j;

	for (i = 0; i < c->nlabels; i++) {
		for (j = 0; j < c->labels[i].nkeys; j++) {
			const struct label_key *k = &c->labels[i].keys[j];
			int n = k->seq.n < seq->n ? k->seq.n : seq->n;

			if (memcmp(k->seq.keys, seq->keys, (size_t)n * sizeof seq->keys[0]) == 0) {
				*with = k;
				return &c->labels[i];
			}
		}
	}
	return NULL;
}

static void parse_label(struct loader *ld, yaml_node_t *item)
{
	struct label_read r = { ld, { 0 }, false, false };
	yaml_node_t *f[LF_COUNT_] = { NULL };
	struct ydoc *doc = ld->doc;
	bool min_int = false, max_int = false;
	const struct label_schema *other;
	const struct label_key *with;
	size_t i, n = ynode_size(item);
	char name[KEYSEQ_NAME_MAX];
	const char *s;
	char *q;
	int v;

	r.l.line = ynode_line(item);
	r.l.col = ynode_col(item);
	if (!ynode_is_map(item)) {
		ydiag(doc, ld->diags, DIAG_ERROR, item,
		      "a label must be a mapping (name, type, keys, ...), not %s (label skipped)",
		      ynode_kind(item));
		return;
	}
	for (i = 0; i < n; i++) {
		yaml_node_t *k = ymap_key(doc, item, i);
		int idx = name_index(label_fields, LF_COUNT_, yscalar(k));

		if (idx < 0) {
			q = yquote(k);
			ydiag(doc, ld->diags, DIAG_WARNING, k, "unknown key '%s' in a label (ignored)",
			      q);
			free(q);
			continue;
		}
		f[idx] = ymap_value(doc, item, i);
	}

	s = yscalar(f[LF_NAME]);
	if (!s || !*s || ynode_is_null(f[LF_NAME])) {
		label_error(&r, f[LF_NAME] ? f[LF_NAME] : item, "a label needs a name");
		goto out;
	}
	q = sanitize_dup(s, strlen(s));
	if (strcmp(q, s) != 0) {
		label_error(&r, f[LF_NAME], "the name '%s' holds control characters", q);
		free(q);
		goto out;
	}
	r.l.name = q;
	if (config_label(ld->c, s)) {
		label_error(&r, f[LF_NAME], "defined twice");
		goto out;
	}

	v = label_type_by_name(yscalar(f[LF_TYPE]));
	if (v < 0) {
		q = f[LF_TYPE] ? yquote(f[LF_TYPE]) : NULL;
		if (q)
			label_error(&r, f[LF_TYPE],
				    "unknown type '%s' (boolean, numeric, categorical or text)", q);
		else
			label_error(&r, item, "no type (boolean, numeric, categorical or text)");
		free(q);
		goto out;
	}
	r.l.type = (enum label_type)v;

	r.l.rationale = RATIONALE_OPTIONAL;
	if (f[LF_RATIONALE] && !ynode_is_null(f[LF_RATIONALE])) {
		v = rationale_mode_by_name(yscalar(f[LF_RATIONALE]));
		if (v < 0) {
			q = yquote(f[LF_RATIONALE]);
			label_error(&r, f[LF_RATIONALE],
				    "unknown rationale '%s' (none, optional or required)", q);
			free(q);
		} else {
			r.l.rationale = (enum rationale_mode)v;
		}
	}

	r.l.required = true;
	if (f[LF_REQUIRED] && !ynode_is_null(f[LF_REQUIRED]) &&
	    yscalar_bool(f[LF_REQUIRED], &r.l.required) < 0) {
		q = yquote(f[LF_REQUIRED]);
		label_error(&r, f[LF_REQUIRED], "'required' expects true or false, not '%s'", q);
		free(q);
	}

	r.l.target = QT_TRACE;
	if (f[LF_TARGET] && !ynode_is_null(f[LF_TARGET])) {
		v = question_target_by_name(yscalar(f[LF_TARGET]));
		if (v < 0) {
			q = yquote(f[LF_TARGET]);
			label_error(&r, f[LF_TARGET], "unknown target '%s' (trace, span or any)", q);
			free(q);
		} else {
			r.l.target = (enum question_target)v;
		}
	}

	if (f[LF_INSTRUCTIONS] && !ynode_is_null(f[LF_INSTRUCTIONS])) {
		if (!yscalar(f[LF_INSTRUCTIONS]))
			label_error(&r, f[LF_INSTRUCTIONS], "'instructions' expects text, not %s",
				    ynode_kind(f[LF_INSTRUCTIONS]));
		else
			r.l.instructions = xstrdup(yscalar(f[LF_INSTRUCTIONS]));
	}

	if (r.l.type == LABEL_NUMERIC) {
		parse_bound(&r, f[LF_MIN], "min", &r.l.min, &r.l.has_min, &min_int);
		parse_bound(&r, f[LF_MAX], "max", &r.l.max, &r.l.has_max, &max_int);
		r.int_range = min_int && max_int;
		if (r.l.has_min && r.l.has_max && r.l.min > r.l.max) {
			char *qmin = yquote(f[LF_MIN]), *qmax = yquote(f[LF_MAX]);

			label_error(&r, f[LF_MIN], "min %s is greater than max %s", qmin, qmax);
			free(qmin);
			free(qmax);
		}
	} else {
		for (i = LF_MIN; i <= LF_MAX; i++)
			if (f[i])
				ydiag(doc, ld->diags, DIAG_WARNING, f[i],
				      "label '%s': '%s' is only for numeric labels (ignored)",
				      r.l.name, label_fields[i]);
	}

	if (r.l.type == LABEL_CATEGORICAL) {
		if (!f[LF_OPTIONS] || ynode_is_null(f[LF_OPTIONS]))
			label_error(&r, f[LF_OPTIONS] ? f[LF_OPTIONS] : item, "'options' is empty");
		else
			parse_options(&r, f[LF_OPTIONS]);
	} else if (f[LF_OPTIONS]) {
		ydiag(doc, ld->diags, DIAG_WARNING, f[LF_OPTIONS],
		      "label '%s': 'options' is only for categorical labels (ignored)", r.l.name);
	}
	if (r.bad)
		goto out;
	parse_scale(&r, f[LF_SCALE]);

	if (f[LF_KEY] && f[LF_KEYS]) {
		label_error(&r, f[LF_KEY], "give either 'key' or 'keys'");
		goto out;
	}
	if (f[LF_KEY] && r.l.type != LABEL_TEXT) {
		label_error(&r, f[LF_KEY], "'key' is for text labels; use 'keys'");
		goto out;
	}
	parse_keys(&r, f[LF_KEY] ? f[LF_KEY] : f[LF_KEYS]);
	for (i = 0; !r.bad && i < r.l.nkeys; i++) {
		struct label_key *k = &r.l.keys[i];

		other = key_clash(ld->c, &k->seq, &with);
		if (!other)
			continue;
		keyseq_name(&k->seq, name, sizeof name);
		if (keyseq_eq(&k->seq, &with->seq)) {
			diag_add(ld->diags, DIAG_ERROR,
				 "%s:%d:%d: label '%s': key '%s' is already used by label '%s' "
				 "(label skipped)", doc->path, k->line, k->col, r.l.name, name,
				 other->name);
		} else {
			char wname[KEYSEQ_NAME_MAX];

			keyseq_name(&with->seq, wname, sizeof wname);
			diag_add(ld->diags, DIAG_ERROR,
				 "%s:%d:%d: label '%s': key '%s' clashes with key '%s' of label '%s' "
				 "(label skipped)", doc->path, k->line, k->col, r.l.name, name, wname,
				 other->name);
		}
		r.bad = true;
	}
out:
	if (r.bad) {
		label_schema_free(&r.l);
		return;
	}
	ld->c->labels = xrealloc(ld->c->labels, (ld->c->nlabels + 1) * sizeof *ld->c->labels);
	ld->c->labels[ld->c->nlabels++] = r.l;
}

static void parse_labels(struct loader *ld, yaml_node_t *labels)
{
	size_t i, n = ynode_size(labels);

	free_labels(ld->c);
	ld->c->labels_path = xstrdup(ld->doc->path);
	for (i = 0; i < n; i++)
		parse_label(ld, yseq_get(ld->doc, labels, i));
}

static void load_builtin_labels(struct config *c, struct diag_list *diags)
{
	struct loader ld = { NULL, c, diags, false, false };
	struct err err = { 0 };
	struct ydoc doc;
	const char *data;
	size_t len;

	free_labels(c);
	data = embedded_get(BUILTIN_CONFIG, &len);
	if (!data)
		return;
	if (ydoc_load(&doc, BUILTIN_CONFIG, data, len, &err) < 0) {
		diag_add(diags, DIAG_ERROR, "%s", err.msg);
		return;
	}
	ld.doc = &doc;
	parse_labels(&ld, ymap_find(&doc, ydoc_root(&doc), "labels"));
	ydoc_free(&doc);
	c->labels_builtin = true;
}

/* ---- options ------------------------------------------------------------ */

enum opt_type {
	OPT_STRING,    /* non-empty text */
	OPT_PATH,      /* non-empty text, "~/" expanded */
	OPT_BOOL,
	OPT_ADVANCE,   /* complete | each | never (true: complete, false: never) */
	OPT_SECONDS,   /* whole number >= 0 */
	OPT_KEYMAPS,   /* a name or file, or a list of them */
	OPT_LABELS,    /* a list of label schemas */
};

static const struct option_info {
	const char *name;
	enum opt_type type;
	size_t offset;
	const char *expects;
} options[] = {
	{ "source_id", OPT_STRING, offsetof(struct config, source_id), "a non-empty string" },
	{ "store", OPT_PATH, offsetof(struct config, store), "a path or URI" },
	{ "experiment", OPT_STRING, offsetof(struct config, experiment), "an experiment name or id" },
	{ "keymap", OPT_KEYMAPS, 0, "a keymap name or file, or a list of them" },
	{ "theme", OPT_PATH, offsetof(struct config, theme), "a theme name or file" },
	{ "advance", OPT_ADVANCE, offsetof(struct config, advance), "complete, each or never" },
	{ "blind", OPT_BOOL, offsetof(struct config, blind), "true or false" },
	{ "time_on_item", OPT_BOOL, offsetof(struct config, time_on_item), "true or false" },
	{ "refresh_seconds", OPT_SECONDS, offsetof(struct config, refresh_seconds),
	  "a whole number of seconds (0 or more)" },
	{ "connect_timeout", OPT_SECONDS, offsetof(struct config, connect_timeout),
	  "a whole number of seconds (0: the default, 10)" },
	{ "read_timeout", OPT_SECONDS, offsetof(struct config, read_timeout),
	  "a whole number of seconds (0: the default, 30)" },
	{ "request_timeout", OPT_SECONDS, offsetof(struct config, request_timeout),
	  "a whole number of seconds (0: the default, 120)" },
	{ "labels", OPT_LABELS, 0, "a list of label schemas" },
};

#define NOPTIONS (sizeof options / sizeof options[0])

/* "'advance' expects true or false, not 'maybe' (ignored)" */
static void type_error(struct loader *ld, const struct option_info *o, yaml_node_t *v)
{
	char *q = yquote(v);

	if (yscalar(v))
		ydiag(ld->doc, ld->diags, DIAG_ERROR, v, "'%s' expects %s, not '%s' (ignored)",
		      o->name, o->expects, q);
	else
		ydiag(ld->doc, ld->diags, DIAG_ERROR, v, "'%s' expects %s, not %s (ignored)",
		      o->name, o->expects, q);
	free(q);
}

static void set_keymaps(struct loader *ld, const struct option_info *o, yaml_node_t *v)
{
	size_t i, n = ynode_is_seq(v) ? ynode_size(v) : 1;
	struct config *c = ld->c;

	if (ynode_is_null(v) || (ynode_is_seq(v) && n == 0)) {
		free_keymaps(c);
		ld->keymap_given = true;
		return;
	}
	for (i = 0; i < n; i++) {
		yaml_node_t *item = ynode_is_seq(v) ? yseq_get(ld->doc, v, i) : v;
		const char *s = yscalar(item);

		if (!s || !*s) {
			type_error(ld, o, item);
			return;
		}
	}
	free_keymaps(c);
	c->keymaps = xcalloc(n, sizeof *c->keymaps);
	for (i = 0; i < n; i++)
		c->keymaps[c->nkeymaps++] =
			paths_expand(yscalar(ynode_is_seq(v) ? yseq_get(ld->doc, v, i) : v));
	ld->keymap_given = true;
}

static void set_option(struct loader *ld, const struct option_info *o, yaml_node_t *v)
{
	char *base = (char *)ld->c;
	const char *s = yscalar(v);
	int64_t iv;
	bool b;

	if (ynode_is_null(v) && o->type != OPT_KEYMAPS && o->type != OPT_LABELS)
		return;  /* written but empty: the default stays */
	switch (o->type) {
	case OPT_STRING:
	case OPT_PATH:
		if (!s || !*s) {
			type_error(ld, o, v);
			return;
		}
		free(*(char **)(base + o->offset));
		*(char **)(base + o->offset) = o->type == OPT_PATH ? paths_expand(s) : xstrdup(s);
		break;
	case OPT_BOOL:
		if (yscalar_bool(v, &b) < 0) {
			type_error(ld, o, v);
			return;
		}
		*(bool *)(base + o->offset) = b;
		break;
	case OPT_ADVANCE: {
		int a = -1;

		for (a = 0; a < ADVANCE_COUNT_ && !str_eq(s, advance_names[a]); a++)
			;
		if (a == ADVANCE_COUNT_) {
			/* Older files say true (move on) or false. */
			if (yscalar_bool(v, &b) < 0) {
				type_error(ld, o, v);
				return;
			}
			a = b ? ADVANCE_COMPLETE : ADVANCE_NEVER;
		}
		*(enum advance_mode *)(void *)(base + o->offset) = (enum advance_mode)a;
		break;
	}
	case OPT_SECONDS:
		if (yscalar_int(v, &iv) < 0 || iv < 0 || iv > INT_MAX) {
			type_error(ld, o, v);
			return;
		}
		*(int *)(base + o->offset) = (int)iv;
		break;
	case OPT_KEYMAPS:
		set_keymaps(ld, o, v);
		break;
	case OPT_LABELS:
		if (ynode_is_null(v)) {
			free_labels(ld->c);
			ld->c->labels_path = xstrdup(ld->doc->path);
			ld->labels_given = true;
			return;
		}
		if (!ynode_is_seq(v)) {
			type_error(ld, o, v);
			return;
		}
		parse_labels(ld, v);
		ld->labels_given = true;
		break;
	}
}

static int load_doc(struct loader *ld, struct err *err)
{
	yaml_node_t *root = ydoc_root(ld->doc);
	bool seen[NOPTIONS] = { false };
	size_t i, j, n;
	char *q;

	if (!root || ynode_is_null(root))
		return 0;
	if (!ynode_is_map(root))
		return yerr(ld->doc, err, ERR_PARSE, root,
			    "the configuration must be a mapping of option: value, not %s",
			    ynode_kind(root));
	n = ynode_size(root);
	for (i = 0; i < n; i++) {
		yaml_node_t *k = ymap_key(ld->doc, root, i);
		const char *name = yscalar(k);

		for (j = 0; j < NOPTIONS; j++)
			if (str_eq(name, options[j].name))
				break;
		if (j == NOPTIONS) {
			q = yquote(k);
			ydiag(ld->doc, ld->diags, DIAG_WARNING, k, "unknown key '%s' (ignored)", q);
			free(q);
			continue;
		}
		if (seen[j])
			ydiag(ld->doc, ld->diags, DIAG_WARNING, k, "'%s' appears twice; this one wins",
			      name);
		seen[j] = true;
		set_option(ld, &options[j], ymap_value(ld->doc, root, i));
	}
	return 0;
}

/* Parses one document into c (already holding the defaults). */
static int load_into(struct config *c, struct ydoc *doc, bool *keymap_given,
		     struct diag_list *diags, struct err *err)
{
	struct loader ld = { doc, c, diags, false, false };

	if (load_doc(&ld, err) < 0)
		return -1;
	if (!ld.labels_given)
		load_builtin_labels(c, diags);
	*keymap_given = ld.keymap_given;
	return 0;
}

/* After a failure: the defaults, so the caller still has a usable config. */
static void reset(struct config *c)
{
	config_free(c);
	config_defaults(c);
	load_builtin_labels(c, NULL);
}

int config_load_buffer(const char *path, const char *data, size_t len, struct config *out,
		       struct diag_list *diags, struct err *err)
{
	struct ydoc doc = { 0 };
	bool keymap_given;
	int rc = -1;

	config_defaults(out);
	if (ydoc_load(&doc, path, data, len, err) < 0)
		goto out;
	out->path = xstrdup(path);
	if (load_into(out, &doc, &keymap_given, diags, err) < 0)
		goto out;
	rc = 0;
out:
	ydoc_free(&doc);
	if (rc < 0)
		reset(out);
	return rc;
}

void config_export_timeouts(const struct config *c)
{
	const struct {
		const char *env;
		int secs;
	} t[] = {
		{ "TRACELAB_CONNECT_TIMEOUT", c->connect_timeout },
		{ "TRACELAB_READ_TIMEOUT", c->read_timeout },
		{ "MLFLOW_HTTP_REQUEST_TIMEOUT", c->request_timeout },
	};
	size_t i;
	char buf[24];

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *now = getenv(t[i].env);

		if (t[i].secs <= 0 || (now && *now))
			continue;
		snprintf(buf, sizeof buf, "%d", t[i].secs);
		setenv(t[i].env, buf, 1);
	}
}

int config_load(const char *explicit_path, struct config *out, struct diag_list *diags,
		struct err *err)
{
	const char *env = getenv("TRACELAB_CONFIG");
	struct ydoc doc = { 0 };
	bool keymap_given = false;
	char *path = NULL, *user_keymap = NULL;
	int rc = -1;

	config_defaults(out);
	if (explicit_path && *explicit_path) {
		path = paths_expand(explicit_path);
	} else if (env && *env) {
		path = paths_expand(env);
	} else {
		path = paths_config_file("config.yaml");
		if (!paths_exists(path))
			FREE(path);
	}
	if (path) {
		if (ydoc_load_file(&doc, path, err) < 0)
			goto out;
		out->path = xstrdup(path);
		if (load_into(out, &doc, &keymap_given, diags, err) < 0)
			goto out;
	} else {
		load_builtin_labels(out, diags);
	}
	if (!keymap_given) {
		user_keymap = paths_config_file("keymap.yaml");
		if (paths_exists(user_keymap)) {
			out->keymaps = xcalloc(1, sizeof *out->keymaps);
			out->keymaps[out->nkeymaps++] = user_keymap;
			user_keymap = NULL;
		}
	}
	rc = 0;
out:
	ydoc_free(&doc);
	free(path);
	free(user_keymap);
	if (rc < 0)
		reset(out);
	return rc;
}

/* ---- keymap and label keys ------------------------------------------------ */

int config_load_keymap(const struct config *c, struct keymap *km, struct diag_list *diags,
		       struct err *err)
{
	size_t i;

	if (keymap_load_defaults(km, diags, err) < 0)
		return -1;
	for (i = 0; i < c->nkeymaps; i++)
		if (keymap_load_named(km, c->keymaps[i], diags, err) < 0)
			return -1;
	return 0;
}

/* Contexts where label keys are typed. */
static const enum keyctx label_contexts[] = { KEYCTX_LIST, KEYCTX_TREE };

/* Reports and returns true when a label key cannot be typed in ctx. */
static bool key_shadowed(const struct config *c, const struct label_schema *l,
			 const struct label_key *k, const struct keymap *km, enum keyctx ctx,
			 struct diag_list *diags)
{
	char name[KEYSEQ_NAME_MAX], bound[KEYSEQ_NAME_MAX];
	struct keyseq pre;
	enum keymatch m;
	enum action a;
	int n;

	keyseq_name(&k->seq, name, sizeof name);
	for (n = 1; n <= k->seq.n; n++) {
		m = keymap_lookup(km, ctx, k->seq.keys, n, &a);
		if (m == KEYMATCH_NONE || (m == KEYMATCH_PREFIX && n < k->seq.n && a == ACT_NONE))
			continue;
		if (a != ACT_NONE) {
			pre = k->seq;
			pre.n = n;
			keyseq_name(&pre, bound, sizeof bound);
			if (n == k->seq.n)
				diag_add(diags, DIAG_ERROR,
					 "%s:%d:%d: label '%s': key '%s' is bound to '%s' in %s "
					 "(label skipped)", c->labels_path, k->line, k->col, l->name,
					 name, action_info(a)->name, keyctx_name(ctx));
			else
				diag_add(diags, DIAG_ERROR,
					 "%s:%d:%d: label '%s': key '%s' begins with '%s', bound to "
					 "'%s' in %s (label skipped)", c->labels_path, k->line, k->col,
					 l->name, name, bound, action_info(a)->name, keyctx_name(ctx));
		} else {
			diag_add(diags, DIAG_ERROR,
				 "%s:%d:%d: label '%s': key '%s' begins a longer key binding in %s "
				 "(label skipped)", c->labels_path, k->line, k->col, l->name, name,
				 keyctx_name(ctx));
		}
		return true;
	}
	return false;
}

bool config_key_free(const struct keymap *km, const struct keyseq *seq)
{
	struct config c;
	struct label_schema l;
	struct label_key k;
	size_t x;

	memset(&c, 0, sizeof c);
	memset(&l, 0, sizeof l);
	memset(&k, 0, sizeof k);
	c.labels_path = (char *)"";
	l.name = (char *)"";
	k.seq = *seq;
	for (x = 0; km && x < sizeof label_contexts / sizeof label_contexts[0]; x++)
		if (key_shadowed(&c, &l, &k, km, label_contexts[x], NULL))
			return false;
	return true;
}

void config_check_labels(struct config *c, const struct keymap *km, struct diag_list *diags)
{
	size_t i = 0, j, x;
	bool bad;

	while (i < c->nlabels) {
		struct label_schema *l = &c->labels[i];

		bad = false;
		for (j = 0; !bad && j < l->nkeys; j++)
			for (x = 0; !bad && x < sizeof label_contexts / sizeof label_contexts[0]; x++)
				bad = key_shadowed(c, l, &l->keys[j], km, label_contexts[x], diags);
		if (!bad) {
			i++;
			continue;
		}
		label_schema_free(l);
		memmove(l, l + 1, (c->nlabels - i - 1) * sizeof *l);
		c->nlabels--;
	}
}

const struct label_schema *config_label(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; name && i < c->nlabels; i++)
		if (strcmp(c->labels[i].name, name) == 0)
			return &c->labels[i];
	return NULL;
}

enum keymatch label_lookup(const struct config *c, const int *keys, int n,
			   const struct label_schema **label, const struct label_key **key)
{
	enum keymatch m = KEYMATCH_NONE;
	size_t i, j;

	if (label)
		*label = NULL;
	if (key)
		*key = NULL;
	if (n <= 0 || n > KEYSEQ_MAX)
		return KEYMATCH_NONE;
	for (i = 0; i < c->nlabels; i++) {
		for (j = 0; j < c->labels[i].nkeys; j++) {
			const struct label_key *k = &c->labels[i].keys[j];

			if (!keyseq_starts(&k->seq, keys, n))
				continue;
			if (k->seq.n > n) {
				m = KEYMATCH_PREFIX;
				continue;
			}
			if (m == KEYMATCH_NONE) {
				m = KEYMATCH_ACTION;
				if (label)
					*label = &c->labels[i];
				if (key)
					*key = k;
			}
		}
	}
	if (m == KEYMATCH_PREFIX) {
		if (label)
			*label = NULL;
		if (key)
			*key = NULL;
	}
	return m;
}

const struct label_schema *label_for_key(const struct config *c, const struct keyseq *seq,
					 const struct label_key **key)
{
	const struct label_schema *l;
	const struct label_key *k;

	if (label_lookup(c, seq->keys, seq->n, &l, &k) != KEYMATCH_ACTION) {
		if (key)
			*key = NULL;
		return NULL;
	}
	if (key)
		*key = k;
	return l;
}
