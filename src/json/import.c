/*
 * The import reader: finds the records of a file (JSON Lines, values one
 * after the other, the items of a list), parses each, sniffs its format and
 * hands it to the reader of that format (json/import_int.h).  The file is
 * read in blocks; only the record being read is held.
 */
#include "json/import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/import_int.h"

#define BLOCK (1u << 20)

enum mode {
	M_START,     /* nothing read yet */
	M_LINES,     /* JSON Lines: a record per line, bad lines skipped */
	M_STREAM,    /* values one after the other (or just one) */
	M_ARRAY,     /* the items of a list */
	M_DONE,
};

const char *import_format_name(enum import_format f)
{
	switch (f) {
	case IMPORT_MLFLOW: return "MLflow trace JSON";
	case IMPORT_TRACES_JSON: return "MLflow traces.json";
	case IMPORT_OTLP: return "OTLP/JSON";
	case IMPORT_OTEL_SDK: return "OpenTelemetry SDK span dump";
	case IMPORT_LANGFUSE: return "Langfuse trace export";
	case IMPORT_CLOUD_TRACE: return "Cloud Trace v1 export";
	case IMPORT_UNKNOWN: break;
	}
	return "unknown";
}

/* ---- the buffer --------------------------------------------------------- */

/* Reads more of the file: bytes before pos are dropped first.  0, or -1
 * when nothing more can be read (end of file, or an error: r->eof). */
static int fill(struct import_reader *r, struct err *err)
{
	size_t got;

	if (r->eof)
		return -1;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->offset += (int64_t)r->pos;
		r->pos = 0;
	}
	if (r->cap - r->len < BLOCK)
		GROW(r->buf, r->cap, r->len + BLOCK + 1);
	got = fread(r->buf + r->len, 1, r->cap - r->len - 1, r->f);
	r->len += got;
	r->buf[r->len] = '\0';
	if (got == 0) {
		r->eof = true;
		if (ferror(r->f)) {
			r->read_errno = errno ? errno : EIO;
			err_set(err, ERR_RUNTIME, "%s: %s", r->name, strerror(r->read_errno));
		}
		return -1;
	}
	return 0;
}

/* Consumes n bytes, keeping line and column. */
static void advance(struct import_reader *r, size_t n)
{
	const char *p = r->buf + r->pos, *end = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		r->line++;
		r->col = 1;
		p = nl + 1;
	}
	r->col += (size_t)(end - p);
	r->pos += n;
	r->st.bytes = r->offset + (int64_t)r->pos;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips white space (and `extra` characters); the next byte, or -1 at
 * the end. */
static int next_char(struct import_reader *r, const char *extra, struct err *err)
{
	for (;;) {
		while (r->pos < r->len && (is_ws(r->buf[r->pos]) || (extra && r->buf[r->pos] &&
								     strchr(extra, r->buf[r->pos]))))
			advance(r, 1);
		if (r->pos < r->len)
			return (unsigned char)r->buf[r->pos];
		if (fill(r, err) < 0)
			return -1;
	}
}

/* The length of the JSON value at pos (white space already skipped), by
 * brackets and strings only (the parse checks the rest).  -1 when the
 * input ends first: *n is then what is left. */
static int value_len(struct import_reader *r, size_t *n, struct err *err)
{
	size_t i = 0;
	int depth = 0;
	bool in_str = false, scalar;

	scalar = r->buf[r->pos] != '{' && r->buf[r->pos] != '[' && r->buf[r->pos] != '"';
	for (;;) {
		const char *b = r->buf + r->pos;
		size_t end = r->len - r->pos;

		while (i < end) {
			char c = b[i];

			if (in_str) {
				/* Up to the next quote or backslash at once. */
				const char *q = memchr(b + i, '"', end - i);
				const char *bs = memchr(b + i, '\\', q ? (size_t)(q - (b + i)) : end - i);

				if (bs && (size_t)(bs - b) + 1 >= end) {
					i = (size_t)(bs - b);   /* read on, then look again */
					break;
				}
				if (bs) {
					i = (size_t)(bs - b) + 2;   /* the escaped character too */
					continue;
				}
				if (!q) {
					i = end;
					break;
				}
				i = (size_t)(q - b) + 1;
				in_str = false;
				if (depth == 0) {
					*n = i;
					return 0;
				}
				continue;
			}
			if (scalar) {
				if (is_ws(c) || c == ',' || c == ']' || c == '}' || c == '{' || c == '[') {
					*n = i ? i : 1;
					return 0;
				}
				i++;
				continue;
			}
			i++;
			if (c == '"') {
				in_str = true;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth <= 0) {
					*n = i;
					return 0;
				}
			}
		}
		if (fill(r, err) < 0) {
			*n = r->len - r->pos;
			return scalar && *n ? 0 : -1;
		}
	}
}

/* The line starting `from` bytes after pos, without its line break (*skip
 * also counts the break); -1 when the input ends first. */
static int line_at(struct import_reader *r, size_t from, size_t *n, size_t *skip,
		   struct err *err)
{
	size_t seen = from;

	for (;;) {
		const char *nl = r->pos + seen <= r->len ?
			memchr(r->buf + r->pos + seen, '\n', r->len - r->pos - seen) : NULL;

		if (nl) {
			*n = (size_t)(nl - (r->buf + r->pos)) - from;
			*skip = *n + 1;
			break;
		}
		seen = r->len - r->pos;
		if (fill(r, err) < 0) {
			if (r->pos + from >= r->len)
				return -1;
			*n = *skip = r->len - r->pos - from;
			break;
		}
	}
	while (*n && r->buf[r->pos + from + *n - 1] == '\r')
		(*n)--;
	return 0;
}

static bool blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_ws(s[i]))
			return false;
	return true;
}

/* ---- errors ------------------------------------------------------------- */

/* "name:line:col: msg" for a record starting at (line, col); a JSON
 * syntax error ("line L, column C: ...") is placed in the file. */
static int rec_error(struct import_reader *r, size_t line, size_t col, struct err *err,
		     const char *msg)
{
	size_t l, c;
	int n = 0;

	if (sscanf(msg, "line %zu, column %zu: %n", &l, &c, &n) == 2 && n > 0)
		return err_set(err, ERR_PARSE, "%s:%zu:%zu: %s", r->name, line + l - 1,
			       l == 1 ? col + c - 1 : c, msg + n);
	return err_set(err, ERR_PARSE, "%s:%zu:%zu: %s", r->name, line, col, msg);
}

/* ---- what a record is ---------------------------------------------------- */

/* A dotted path ("a.b", "a[0].b") in a tree. */
static const cJSON *path_get(const cJSON *o, const char *path)
{
	char part[64];

	while (o && *path) {
		size_t n = strcspn(path, ".[");

		if (n) {
			if (n >= sizeof part)
				return NULL;
			memcpy(part, path, n);
			part[n] = '\0';
			o = jt_get(o, part);
			path += n;
		}
		if (*path == '[') {
			o = cJSON_IsArray(o) ? o->child : NULL;
			path += strcspn(path, "]");
			if (*path)
				path++;
		}
		if (*path == '.')
			path++;
	}
	return o;
}

static const struct {
	enum import_format format;
	const char *keys[6];
} signatures[] = {
	{ IMPORT_MLFLOW, { "info", "data", "data.spans", NULL } },
	{ IMPORT_OTLP, { "resourceSpans", "resourceSpans[0].scopeSpans", NULL } },
	{ IMPORT_OTEL_SDK, { "name", "context.trace_id", "context.span_id", "kind", "start_time", NULL } },
	{ IMPORT_LANGFUSE, { "trace", "trace.id", "observations", NULL } },
	{ IMPORT_CLOUD_TRACE, { "projectId", "traceId", "spans", "spans[0].spanId", NULL } },
	{ IMPORT_TRACES_JSON, { "spans", "spans[0].span_id", NULL } },
};

/* One line for a record of no known format: the closest one and what it
 * lacks, or the keys the record has. */
static int unknown_format(const cJSON *rec, struct err *err)
{
	size_t i, k, best = 0, best_hits = 0;
	struct strbuf sb = STRBUF_INIT;
	const cJSON *c;
	int rc;

	for (i = 0; i < sizeof signatures / sizeof signatures[0]; i++) {
		size_t hits = 0;

		for (k = 0; signatures[i].keys[k]; k++)
			hits += path_get(rec, signatures[i].keys[k]) != NULL;
		if (hits > best_hits) {
			best = i;
			best_hits = hits;
		}
	}
	if (!best_hits) {
		for (c = rec->child, k = 0; c && k < 8; c = c->next, k++)
			sb_addf(&sb, "%s\"%.40s\"", k ? ", " : "", c->string ? c->string : "");
		if (c)
			sb_adds(&sb, ", ...");
		rc = err_set(err, ERR_PARSE, "not a trace file: no known format (MLflow trace JSON, "
			     "OTLP/JSON, OpenTelemetry SDK span dump, Langfuse trace export, Cloud "
			     "Trace v1 export) has the keys %s", sb.len ? sb.buf : "of an empty object");
		sb_free(&sb);
		return rc;
	}
	for (k = 0; signatures[best].keys[k]; k++)
		if (!path_get(rec, signatures[best].keys[k]))
			sb_addf(&sb, "%s\"%s\"", sb.len ? ", " : "", signatures[best].keys[k]);
	rc = err_set(err, ERR_PARSE, "not a trace file: closest to %s, which also needs %s",
		     import_format_name(signatures[best].format), sb.buf);
	sb_free(&sb);
	return rc;
}

static void saw(struct import_reader *r, enum import_format f)
{
	r->known = true;
	if (!r->st.format)
		r->st.format = f;
}

static int object_record(struct import_reader *r, const cJSON *rec, int level, struct err *err);

/* A list of spans: traces.json, OpenTelemetry SDK spans, or Cloud Trace
 * spans of a trace record. */
static int spans_list(struct import_reader *r, const cJSON *rec, const cJSON *spans,
		      struct err *err)
{
	const cJSON *first = spans->child, *c;
	size_t i = 0;

	if (jt_get(first, "spanId") || jt_get(rec, "traceId")) {
		saw(r, IMPORT_CLOUD_TRACE);
		return gcp_record(r, rec, err);
	}
	if (otel_is_span(first)) {
		saw(r, IMPORT_OTEL_SDK);
		for (c = first; c; c = c->next, i++)
			if (otel_record(r, c, err) < 0)
				return err_prefix(err, "span %zu", i + 1);
		return 0;
	}
	saw(r, IMPORT_TRACES_JSON);
	return traces_json_record(r, spans, err);
}

static int object_record(struct import_reader *r, const cJSON *rec, int level, struct err *err)
{
	const cJSON *v;

	if (!cJSON_IsObject(rec))
		return err_set(err, ERR_PARSE, "a record is not a JSON object");
	if (jt_get(rec, "resourceSpans")) {
		saw(r, IMPORT_OTLP);
		return otlp_record(r, rec, err);
	}
	if (jt_get(rec, "info") || cJSON_IsObject(jt_get(rec, "data"))) {
		saw(r, IMPORT_MLFLOW);
		return mlflow_record(r, rec, err);
	}
	if (cJSON_IsObject(jt_get(rec, "trace")) ||
	    (cJSON_IsArray(jt_get(rec, "observations")) && (jt_get(rec, "id") || jt_get(rec, "timestamp")))) {
		saw(r, IMPORT_LANGFUSE);
		return langfuse_record(r, rec, err);
	}
	if (otel_is_span(rec)) {
		saw(r, IMPORT_OTEL_SDK);
		return otel_record(r, rec, err);
	}
	v = jt_get(rec, "spans");
	if (cJSON_IsArray(v) && v->child)
		return spans_list(r, rec, v, err);
	if (cJSON_IsArray(v) && jt_get(rec, "traceId")) {
		saw(r, IMPORT_CLOUD_TRACE);
		return gcp_record(r, rec, err);
	}
	v = jt_get(rec, "traces");
	if (cJSON_IsArray(v) && level == 0) {
		const cJSON *c;
		size_t i = 0;

		for (c = v->child; c; c = c->next, i++)
			if (object_record(r, c, level + 1, err) < 0)
				return err_prefix(err, "trace %zu", i + 1);
		return 0;
	}
	if (cJSON_IsArray(v) && !v->child && r->known)
		return 0;
	if (!r->known) {
		r->st.stopped = true;
		return unknown_format(rec, err);
	}
	return err_set(err, ERR_PARSE, "not a trace: no \"info\"/\"data\", \"spans\", "
		       "\"resourceSpans\", \"context\" or \"trace\"");
}

/* The place just after text[0..n), which starts at (line, col). */
static void end_place(const char *text, size_t n, size_t line, size_t col, size_t *el,
		      size_t *ec)
{
	const char *p = text, *end = text + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		col = 1;
		p = nl + 1;
	}
	*el = line;
	*ec = col + (size_t)(end - p);
}

/* How a record that is not JSON is taken. */
enum on_syntax {
	SYNTAX_SKIP,   /* a bad line of JSON Lines: skipped, the reader goes on */
	SYNTAX_STOP,   /* the file is damaged there: the reader stops */
	SYNTAX_CUT,    /* the file ends inside the record: the reader stops there */
};

/* Parses and reads the record text[0..n) that starts at (line, col). */
static int do_record(struct import_reader *r, const char *text, size_t n, size_t line,
		     size_t col, enum on_syntax on_syntax, struct err *err)
{
	struct err e = { 0 };
	cJSON *root;
	int rc = 0;

	r->st.records++;
	root = jt_parse(text, n, &e);
	if (!root) {
		rc = -1;
		if (on_syntax != SYNTAX_SKIP) {
			r->st.stopped = true;
			/* A first record that is not JSON at all: not a trace file,
			 * rather than a damaged one. */
			r->st.damaged = r->st.records > 1 || text[0] == '{' || text[0] == '[';
			r->mode = M_DONE;
		}
	} else if (cJSON_IsArray(root)) {
		const cJSON *c;
		size_t i = 0;

		for (c = root->child; c && rc == 0; c = c->next, i++)
			if (object_record(r, c, 0, &e) < 0) {
				err_prefix(&e, "item %zu", i + 1);
				rc = -1;
			}
	} else {
		rc = object_record(r, root, 0, &e);
	}
	cJSON_Delete(root);
	if (r->st.stopped)
		r->mode = M_DONE;
	if (rc < 0) {
		if (!r->st.damaged)
			r->st.skipped++;
		/* Nothing of a bad record is returned. */
		while (r->qhead < r->qn)
			trace_free(&r->queue[r->qhead++]);
		if (!root && on_syntax == SYNTAX_CUT) {
			size_t el, ec;

			end_place(text, n, line, col, &el, &ec);
			return err_set(err, ERR_PARSE, "%s:%zu:%zu: the file ends inside the record "
				       "that starts at %zu:%zu (cut off?): that record is not "
				       "imported, what comes before it is", r->name, el, ec, line, col);
		}
		rec_error(r, line, col, err, e.msg);
		if (err && !root && on_syntax == SYNTAX_STOP) {
			size_t k = strlen(err->msg);

			snprintf(err->msg + k, sizeof err->msg - k, "%s",
				 !r->st.damaged ? " (not a JSON file)" :
				 " (the file is damaged here: nothing after this point is read)");
		}
	}
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

/* Files people pass by mistake, by their first bytes. */
static const struct {
	const char *magic;
	size_t n;
	const char *what;
} not_json[] = {
	{ "\x1f\x8b", 2, "gzip-compressed: decompress it first (zcat FILE > FILE.json)" },
	{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed: decompress it first (zstd -d FILE)" },
	{ "PK\x03\x04", 4, "a zip archive: extract the trace files from it first" },
	{ "SQLite format 3", 16, "an SQLite database, not a trace file: open an MLflow store "
	  "with `tracelab STORE`" },
};

/* How to read the file, from its first bytes. */
static int start(struct import_reader *r, struct err *err)
{
	size_t n, skip, k;
	int c;

	while (r->len - r->pos < 16 && fill(r, err) == 0)
		;
	for (k = 0; k < sizeof not_json / sizeof not_json[0]; k++) {
		if (r->len - r->pos < not_json[k].n ||
		    memcmp(r->buf + r->pos, not_json[k].magic, not_json[k].n) != 0)
			continue;
		r->mode = M_DONE;
		r->st.stopped = true;
		r->st.records++;
		r->st.skipped++;
		return err_set(err, ERR_PARSE, "%s:1:1: %s", r->name, not_json[k].what);
	}
	if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xef\xbb\xbf", 3) == 0)
		r->pos += 3;   /* a byte order mark, as some Windows tools write */
	c = next_char(r, NULL, err);
	if (c < 0) {
		r->mode = M_DONE;
		return 0;
	}
	if (c == '[') {
		advance(r, 1);
		r->mode = M_ARRAY;
		return 0;
	}
	if (c == '{') {
		/* {"traces": [...]}: the traces one by one. */
		static const char key[] = "\"traces\"";
		size_t i = 1;

		while (r->len - r->pos < 64 && fill(r, err) == 0)
			;
		while (r->pos + i < r->len && is_ws(r->buf[r->pos + i]))
			i++;
		if (strncmp(r->buf + r->pos + i, key, sizeof key - 1) == 0) {
			size_t j = i + sizeof key - 1;

			while (r->pos + j < r->len && is_ws(r->buf[r->pos + j]))
				j++;
			if (r->buf[r->pos + j] == ':') {
				j++;
				while (r->pos + j < r->len && is_ws(r->buf[r->pos + j]))
					j++;
				if (r->buf[r->pos + j] == '[') {
					advance(r, j + 1);
					r->mode = M_ARRAY;
					r->wrapped = true;
					return 0;
				}
			}
		}
	}
	/* JSON Lines when the first line holds a whole value, or when it is
	 * broken and the next non-blank one does. */
	r->mode = M_STREAM;
	if (line_at(r, 0, &n, &skip, err) < 0)
		return 0;
	if (jt_valid(r->buf + r->pos, n)) {
		r->mode = M_LINES;
	} else {
		size_t t = n, from = skip, n2, skip2;

		while (t && is_ws(r->buf[r->pos + t - 1]))
			t--;
		if (t > 1 && !strchr("{[,:", r->buf[r->pos + t - 1])) {
			while (line_at(r, from, &n2, &skip2, err) == 0) {
				if (blank(r->buf + r->pos + from, n2)) {
					from += skip2;
					continue;
				}
				if (jt_valid(r->buf + r->pos + from, n2))
					r->mode = M_LINES;
				break;
			}
		}
	}
	return 0;
}

/* The next record; 1 read (and maybe queued traces), 0 end, -1 a bad
 * record or a stop. */
static int next_record(struct import_reader *r, struct err *err)
{
	for (;;) {
		size_t n, skip, line, col;
		bool cut;
		int c, rc;

		switch (r->mode) {
		case M_START:
			if (start(r, err) < 0)
				return -1;
			continue;
		case M_LINES:
			if (line_at(r, 0, &n, &skip, err) < 0) {
				r->mode = M_DONE;
				continue;
			}
			line = r->line;
			col = r->col;
			if (blank(r->buf + r->pos, n)) {
				advance(r, skip);
				continue;
			}
			/* A last line without its line break that is no JSON: the
			 * file was cut in the middle of a record. */
			cut = r->eof && r->pos + skip >= r->len && r->buf[r->pos + skip - 1] != '\n';
			rc = do_record(r, r->buf + r->pos, n, line, col, cut ? SYNTAX_CUT : SYNTAX_SKIP,
				       err);
			advance(r, skip);
			return rc < 0 ? -1 : 1;
		case M_STREAM:
		case M_ARRAY:
			c = next_char(r, r->mode == M_ARRAY ? "," : NULL, err);
			if (c < 0) {
				if (r->mode == M_ARRAY) {
					/* A list that never closes: cut off. */
					line = r->line;
					col = r->col;
					r->mode = M_DONE;
					r->st.stopped = true;
					r->st.damaged = true;
					return err_set(err, ERR_PARSE, "%s:%zu:%zu: the file ends inside "
						       "the list (no closing ']'): what comes before is "
						       "imported", r->name, line, col);
				}
				r->mode = M_DONE;
				continue;
			}
			if (r->mode == M_ARRAY && c == ']') {
				advance(r, 1);
				r->mode = M_DONE;
				if (r->wrapped)
					r->pos = r->len, r->eof = true;   /* the rest of the object */
				continue;
			}
			line = r->line;
			col = r->col;
			cut = value_len(r, &n, err) < 0;
			if (cut && n == 0)
				n = r->len - r->pos;
			rc = do_record(r, r->buf + r->pos, n, line, col, cut ? SYNTAX_CUT : SYNTAX_STOP,
				       err);
			advance(r, n);
			return rc < 0 ? -1 : 1;
		case M_DONE:
		default:
			return 0;
		}
	}
}

int import_next(struct import_reader *r, struct trace *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	out->first_root = SPAN_NONE;
	for (;;) {
		int rc;

		if (r->qhead < r->qn) {
			*out = r->queue[r->qhead++];
			r->st.traces++;
			r->st.spans += out->nspans;
			r->st.assessments += out->assessments.n;
			return 1;
		}
		rc = next_record(r, err);
		if (r->read_errno && !r->read_reported) {
			/* The file could not be read on: what came before stands. */
			r->read_reported = true;
			r->st.stopped = true;
			r->mode = M_DONE;
			return err_set(err, ERR_RUNTIME, "%s: %s", r->name, strerror(r->read_errno));
		}
		if (rc == 0 && r->otel) {
			otel_flush(r);
			otel_free(r->otel);
			r->otel = NULL;
			continue;
		}
		if (rc < 0 && r->st.stopped && r->otel) {
			/* What was read before the damage still counts. */
			otel_flush(r);
			otel_free(r->otel);
			r->otel = NULL;
		}
		if (rc <= 0)
			return rc;
	}
}

const struct import_stats *import_stats(const struct import_reader *r)
{
	return &r->st;
}

void import_close(struct import_reader *r)
{
	if (!r)
		return;
	while (r->qhead < r->qn)
		trace_free(&r->queue[r->qhead++]);
	free(r->queue);
	otel_free(r->otel);
	if (r->f)
		fclose(r->f);
	free(r->buf);
	free(r->name);
	free(r);
}

/* ---- opening ------------------------------------------------------------ */

static struct import_reader *reader_new(const char *name)
{
	struct import_reader *r = xcalloc(1, sizeof *r);

	r->name = xstrdup(name);
	r->line = r->col = 1;
	r->size = -1;
	r->st.size = -1;
	return r;
}

int import_open_text(const char *text, size_t len, const char *name, struct import_reader **out,
		     struct err *err)
{
	struct import_reader *r = reader_new(name ? name : "(text)");

	(void)err;
	r->buf = xmalloc(len + 1);
	memcpy(r->buf, text, len);
	r->buf[len] = '\0';
	r->len = r->cap = len;
	r->cap = len + 1;
	r->eof = true;
	r->size = r->st.size = (int64_t)len;
	*out = r;
	return 0;
}

int import_open(const char *path, struct import_reader **out, struct err *err)
{
	struct import_reader *r = reader_new(path);
	struct stat sb;

	*out = NULL;
	r->f = fopen(path, "rb");
	if (!r->f) {
		err_set(err, errno == ENOENT ? ERR_NOTFOUND : ERR_RUNTIME, "%s: %s", path, strerror(errno));
		import_close(r);
		return -1;
	}
	if (fstat(fileno(r->f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(EISDIR));
		import_close(r);
		return -1;
	}
	if (fstat(fileno(r->f), &sb) == 0 && S_ISREG(sb.st_mode))
		r->size = r->st.size = (int64_t)sb.st_size;
	*out = r;
	return 0;
}
