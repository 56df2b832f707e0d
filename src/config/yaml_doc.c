#include "config/yaml_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/textbuf.h"
#include "core/util.h"

#define QUOTE_MAX 60

/* Line and column (1-based) of a byte offset, for reader errors, which
 * libyaml reports by offset only. */
static void offset_position(const char *data, size_t len, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int syntax_error(const yaml_parser_t *p, const char *path, const char *data, size_t len,
			struct err *err)
{
	const char *problem = p->problem ? p->problem : "cannot parse";
	int line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return err_set(err, ERR_NOMEM, "%s: out of memory", path);
	case YAML_READER_ERROR:
		offset_position(data, len, p->problem_offset, &line, &col);
		return err_set(err, ERR_PARSE, "%s:%d:%d: %s", path, line, col, problem);
	default:
		line = (int)p->problem_mark.line + 1;
		col = (int)p->problem_mark.column + 1;
		if (p->context)
			return err_set(err, ERR_PARSE, "%s:%d:%d: %s (%s at %d:%d)", path, line, col,
				       problem, p->context, (int)p->context_mark.line + 1,
				       (int)p->context_mark.column + 1);
		return err_set(err, ERR_PARSE, "%s:%d:%d: %s", path, line, col, problem);
	}
}

/* Nesting deeper than YDOC_MAX_DEPTH is refused by a first pass over the
 * events, which stops at the first node too deep: libyaml's cost grows with
 * the square of the depth (a 100,000-deep list takes half a minute), and no
 * configuration needs more than a few levels. */
static int check_depth(const char *path, const char *data, size_t len, struct err *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	bool done = false;

	if (!yaml_parser_initialize(&parser))
		return err_set(err, ERR_NOMEM, "%s: out of memory", path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev))
			break;   /* the syntax error is reported by the full load */
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > YDOC_MAX_DEPTH) {
				rc = err_set(err, ERR_PARSE, "%s:%d:%d: nested deeper than %d levels",
					     path, (int)ev.start_mark.line + 1,
					     (int)ev.start_mark.column + 1, YDOC_MAX_DEPTH);
				done = true;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int ydoc_load(struct ydoc *d, const char *path, const char *data, size_t len, struct err *err)
{
	yaml_parser_t parser;
	int rc = -1;

	memset(d, 0, sizeof *d);
	if (check_depth(path, data, len, err) < 0)
		return -1;
	if (!yaml_parser_initialize(&parser))
		return err_set(err, ERR_NOMEM, "%s: out of memory", path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &d->doc)) {
		syntax_error(&parser, path, data, len, err);
		goto out;
	}
	d->loaded = true;
	d->path = xstrdup(path);
	rc = 0;
out:
	yaml_parser_delete(&parser);
	return rc;
}

int ydoc_load_file(struct ydoc *d, const char *path, struct err *err)
{
	size_t len;
	char *data = read_file(path, &len);
	int rc;

	memset(d, 0, sizeof *d);
	if (!data)
		return err_set(err, errno == ENOENT ? ERR_NOTFOUND : ERR_RUNTIME, "%s: %s", path,
			       errno == EINVAL ? "not a regular file" : strerror(errno));
	rc = ydoc_load(d, path, data, len, err);
	free(data);
	return rc;
}

void ydoc_free(struct ydoc *d)
{
	if (d->loaded)
		yaml_document_delete(&d->doc);
	FREE(d->path);
	d->loaded = false;
}

yaml_node_t *ydoc_root(struct ydoc *d)
{
	return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

bool ynode_is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

bool ynode_is_seq(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

bool ynode_is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	const char *s = yscalar(n);
	size_t i;

	if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
		if (strcmp(s, nulls[i]) == 0)
			return true;
	return false;
}

const char *yscalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

const char *ynode_kind(const yaml_node_t *n)
{
	if (ynode_is_map(n))
		return "a mapping";
	if (ynode_is_seq(n))
		return "a list";
	return "a scalar";
}

size_t ynode_size(const yaml_node_t *n)
{
	if (ynode_is_seq(n))
		return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (ynode_is_map(n))
		return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	return 0;
}

yaml_node_t *yseq_get(struct ydoc *d, const yaml_node_t *seq, size_t i)
{
	if (i >= ynode_size(seq) || !ynode_is_seq(seq))
		return NULL;
	return yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);
}

yaml_node_t *ymap_key(struct ydoc *d, const yaml_node_t *map, size_t i)
{
	if (i >= ynode_size(map) || !ynode_is_map(map))
		return NULL;
	return yaml_document_get_node(&d->doc, map->data.mapping.pairs.start[i].key);
}

yaml_node_t *ymap_value(struct ydoc *d, const yaml_node_t *map, size_t i)
{
	if (i >= ynode_size(map) || !ynode_is_map(map))
		return NULL;
	return yaml_document_get_node(&d->doc, map->data.mapping.pairs.start[i].value);
}

yaml_node_t *ymap_find(struct ydoc *d, const yaml_node_t *map, const char *key)
{
	yaml_node_t *found = NULL;
	size_t i, n = ynode_size(map);

	for (i = 0; ynode_is_map(map) && i < n; i++)
		if (str_eq(yscalar(ymap_key(d, map, i)), key))
			found = ymap_value(d, map, i);
	return found;
}

int ynode_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 1;
}

int ynode_col(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.column + 1 : 1;
}

int yscalar_bool(const yaml_node_t *n, bool *out)
{
	static const struct {
		const char *text;
		bool value;
	} words[] = {
		{ "true", true }, { "yes", true }, { "on", true },
		{ "false", false }, { "no", false }, { "off", false },
	};
	const char *s = yscalar(n);
	size_t i;

	for (i = 0; s && i < sizeof words / sizeof words[0]; i++) {
		if (strcasecmp(s, words[i].text) == 0) {
			*out = words[i].value;
			return 0;
		}
	}
	return -1;
}

int yscalar_int(const yaml_node_t *n, int64_t *out)
{
	const char *s = yscalar(n);

	if (!s || !*s || *s == ' ' || *s == '\t' || *s == '\n')
		return -1;
	return parse_int64(s, out);
}

int yscalar_double(const yaml_node_t *n, double *out)
{
	const char *s = yscalar(n);
	char *end;
	double v;

	if (!s || !*s || *s == ' ' || *s == '\t' || *s == '\n')
		return -1;
	/* Plain decimal numbers only: no hex, inf or nan. */
	if (strpbrk(s, "xXiInN"))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

char *yquote(const yaml_node_t *n)
{
	const char *s = yscalar(n);
	size_t len;

	if (!s)
		return xstrdup(ynode_kind(n));
	len = n->data.scalar.length;
	if (len > QUOTE_MAX) {
		/* Cut on a character boundary. */
		len = QUOTE_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	return sanitize_dup(s, len);
}

void ydiag(struct ydoc *d, struct diag_list *dl, enum diag_level level, const yaml_node_t *at,
	   const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!dl)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(dl, level, "%s:%d:%d: %s", d->path, ynode_line(at), ynode_col(at), msg);
	free(msg);
}

int yerr(struct ydoc *d, struct err *err, enum err_code code, const yaml_node_t *at,
	 const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(err, code, "%s:%d:%d: %s", d->path, ynode_line(at), ynode_col(at), msg);
	free(msg);
	return -1;
}
