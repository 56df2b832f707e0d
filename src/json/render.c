#include "json/render.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/jtree.h"
#include "json/render_int.h"

#define INDENT_CAP 32                 /* deeper levels keep this indentation */
#define MAX_BYTES (8u * 1024 * 1024)  /* text of one render */
#define INLINE_CAP 120                /* attribute values shown on the key line */

/* ---- fold sets ---------------------------------------------------------- */

static size_t folds_find(const struct json_folds *f, uint32_t node, bool *found)
{
	size_t lo = 0, hi = f ? f->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->v[mid] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = f && lo < f->n && f->v[lo] == node;
	return lo;
}

bool json_folds_has(const struct json_folds *f, uint32_t node)
{
	bool found;

	folds_find(f, node, &found);
	return found;
}

void json_folds_set(struct json_folds *f, uint32_t node, bool folded)
{
	bool found;
	size_t i = folds_find(f, node, &found);

	if (folded && !found) {
		GROW(f->v, f->cap, f->n + 1);
		memmove(f->v + i + 1, f->v + i, (f->n - i) * sizeof *f->v);
		f->v[i] = node;
		f->n++;
	} else if (!folded && found) {
		memmove(f->v + i, f->v + i + 1, (f->n - i - 1) * sizeof *f->v);
		f->n--;
	}
}

void json_folds_toggle(struct json_folds *f, uint32_t node)
{
	json_folds_set(f, node, !json_folds_has(f, node));
}

void json_folds_free(struct json_folds *f)
{
	free(f->v);
	memset(f, 0, sizeof *f);
}

/* ---- sizes, cuts and text ----------------------------------------------- */

static void human_size(char *buf, size_t size, size_t bytes)
{
	if (bytes < 1024)
		snprintf(buf, size, "%zu bytes", bytes);
	else if (bytes < 1024 * 1024)
		snprintf(buf, size, "%.1f KB", (double)bytes / 1024.0);
	else if (bytes < 1024u * 1024 * 1024)
		snprintf(buf, size, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(buf, size, "%.1f GB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
}

/* The longest prefix of s[0..n) of at most cap bytes that does not end
 * inside a UTF-8 sequence. */
size_t render_cut(const char *s, size_t n, size_t cap)
{
	size_t k;

	if (n <= cap)
		return n;
	k = cap;
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

/* Untrusted text on one line, tabs as four render_spaces. */
void render_text(struct textbuf *tb, enum slot slot, const char *s, size_t n)
{
	size_t i = 0, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '\t')
			continue;
		tb_put_untrusted(tb, slot, s + start, i - start);
		if (i < n)
			tb_put(tb, slot, "    ");
		start = i + 1;
	}
}

/* The next line of s[*pos .. n): its start and length, without the "\n"
 * (or "\r\n") that ends it.  The text after the last "\n" is a line too,
 * empty or not; false once it has been given. */
static bool next_line(const char *s, size_t n, size_t *pos, size_t *start, size_t *len)
{
	size_t i = *pos;

	if (i > n)
		return false;
	while (i < n && s[i] != '\n')
		i++;
	*start = *pos;
	*len = i - *pos;
	if (i < n && *len && s[i - 1] == '\r')
		(*len)--;
	*pos = i + 1;
	return true;
}

void render_more(struct textbuf *tb, size_t more)
{
	char size[32];

	human_size(size, sizeof size, more);
	tb_putf(tb, SLOT_MARKER, " … %s more", size);
}

/* ---- the JSON renderer -------------------------------------------------- */

struct rctx {
	struct textbuf *tb;
	const struct json_render_opts *o;
	size_t cap, max_lines, first_line, bytes;
	uint32_t next_id;
	bool cut;
	int indent;
	bool join;          /* the next line continues the current one */
	bool fixed_ref;     /* every line gets `ref` (not the node id) */
	uint32_t ref;
	int depth_offset;   /* added to tb_line.depth */
};

static bool is_folded(const struct rctx *r, uint32_t id)
{
	if (!r->o)
		return false;
	if (r->o->is_folded)
		return r->o->is_folded(r->o->ctx, id);
	return json_folds_has(r->o->folds, id);
}

static uint32_t subtree_size(const cJSON *v)
{
	const cJSON *c;
	uint32_t n = 1;

	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		for (c = v->child; c; c = c->next)
			n += subtree_size(c);
	return n;
}

void render_spaces(struct textbuf *tb, int n)
{
	if (n > 0)
		tb_spaces(tb, SLOT_DEFAULT, n);
}

/* Starts a line for node `id` at `depth`, indented for `indent_depth`.
 * NULL once the line or byte budget is used up (a marker says so). */
static struct tb_line *start_line(struct rctx *r, uint32_t id, int depth, int indent_depth,
				  unsigned flags)
{
	struct tb_line *l;
	int lvl = indent_depth;

	if (r->cut)
		return NULL;
	if (r->join) {
		r->join = false;
		l = tb_cur(r->tb);
		l->flags |= (uint16_t)flags;
		return l;
	}
	if (r->tb->n > r->first_line)
		r->bytes += r->tb->lines[r->tb->n - 1].len;
	if (r->tb->n - r->first_line >= r->max_lines || r->bytes >= MAX_BYTES) {
		r->cut = true;
		l = tb_newline(r->tb);
		l->flags = JSON_LINE_MARKER;
		l->ref = id;
		render_spaces(r->tb, r->indent);
		tb_putf(r->tb, SLOT_MARKER, "… output cut at %zu lines", r->tb->n - 1 - r->first_line);
		return NULL;
	}
	l = tb_newline(r->tb);
	l->ref = r->fixed_ref ? r->ref : id;
	depth += r->depth_offset;
	l->depth = (uint16_t)(depth > UINT16_MAX ? UINT16_MAX : depth);
	l->flags = (uint16_t)flags;
	render_spaces(r->tb, r->indent + 2 * (lvl > INDENT_CAP ? INDENT_CAP : lvl));
	return l;
}

static void put_key(struct rctx *r, const char *key)
{
	size_t n = strlen(key), shown = render_cut(key, n, r->cap);

	tb_put(r->tb, SLOT_JSON_KEY, "\"");
	render_text(r->tb, SLOT_JSON_KEY, key, shown);
	if (shown < n)
		render_more(r->tb, n - shown);
	tb_put(r->tb, SLOT_JSON_KEY, "\"");
	tb_put(r->tb, SLOT_JSON_PUNCT, ": ");
}

/* A string value: one line per line of text, cut at the cap. */
static void put_string(struct rctx *r, const char *s, uint32_t id, int depth, bool comma)
{
	size_t n = strlen(s), shown = render_cut(s, n, r->cap), pos = 0, start, len;

	tb_put(r->tb, SLOT_JSON_STRING, "\"");
	while (next_line(s, shown, &pos, &start, &len)) {
		if (start > 0 && !start_line(r, id, depth, depth + 1, 0))
			return;
		render_text(r->tb, SLOT_JSON_STRING, s + start, len);
	}
	if (shown < n)
		render_more(r->tb, n - shown);
	tb_put(r->tb, SLOT_JSON_STRING, "\"");
	if (comma)
		tb_put(r->tb, SLOT_JSON_PUNCT, ",");
}

static void put_scalar(struct textbuf *tb, const cJSON *v)
{
	if (cJSON_IsTrue(v))
		tb_put(tb, SLOT_JSON_LITERAL, "true");
	else if (cJSON_IsFalse(v))
		tb_put(tb, SLOT_JSON_LITERAL, "false");
	else if (cJSON_IsNull(v))
		tb_put(tb, SLOT_JSON_LITERAL, "null");
	else if (cJSON_IsRaw(v))
		tb_put_untrusted(tb, SLOT_JSON_NUMBER, v->valuestring, strlen(v->valuestring));
}

static void render_node(struct rctx *r, const cJSON *v, const char *key, int depth, bool comma)
{
	uint32_t id = r->next_id++;
	bool obj = cJSON_IsObject(v);
	struct tb_line *l;
	const cJSON *c;
	size_t n;

	if (!start_line(r, id, depth, depth, 0)) {
		r->next_id += subtree_size(v) - 1;
		return;
	}
	if (key)
		put_key(r, key);
	if (!obj && !cJSON_IsArray(v)) {
		if (cJSON_IsString(v)) {
			put_string(r, v->valuestring, id, depth, comma);
			return;
		}
		put_scalar(r->tb, v);
		if (comma)
			tb_put(r->tb, SLOT_JSON_PUNCT, ",");
		return;
	}
	n = jt_count(v);
	l = tb_cur(r->tb);
	if (!n) {
		tb_put(r->tb, SLOT_JSON_PUNCT, obj ? "{}" : "[]");
	} else if (is_folded(r, id)) {
		l->flags |= JSON_LINE_OPENS | JSON_LINE_FOLDED;
		tb_put(r->tb, SLOT_JSON_PUNCT, obj ? "{" : "[");
		if (obj)
			tb_put(r->tb, SLOT_DIM, "…");
		else
			tb_putf(r->tb, SLOT_DIM, "… %zu item%s", n, n == 1 ? "" : "s");
		tb_put(r->tb, SLOT_JSON_PUNCT, obj ? "}" : "]");
		r->next_id += subtree_size(v) - 1;
	} else {
		l->flags |= JSON_LINE_OPENS;
		tb_put(r->tb, SLOT_JSON_PUNCT, obj ? "{" : "[");
		for (c = v->child; c; c = c->next)
			render_node(r, c, obj ? (c->string ? c->string : "") : NULL, depth + 1,
				    c->next != NULL);
		if (!start_line(r, id, depth, depth, JSON_LINE_CLOSES))
			return;
		tb_put(r->tb, SLOT_JSON_PUNCT, obj ? "}" : "]");
	}
	if (comma)
		tb_put(r->tb, SLOT_JSON_PUNCT, ",");
}

static void rctx_init(struct rctx *r, struct textbuf *tb, const struct json_render_opts *o)
{
	memset(r, 0, sizeof *r);
	r->tb = tb;
	r->o = o;
	r->cap = o && o->string_cap ? o->string_cap : JSON_STRING_CAP;
	r->max_lines = o && o->max_lines ? o->max_lines : JSON_MAX_LINES;
	r->indent = o ? o->indent : 0;
	r->first_line = tb->n;
}

/* Text that is not JSON: a marker, then bounded, sanitised lines. */
static void render_plain(struct rctx *r, const char *s, size_t len, const char *why)
{
	size_t start = 0, i, lines = 0, bytes = 0;
	struct tb_line *l;

	l = tb_newline(r->tb);
	l->flags = JSON_LINE_MARKER;
	render_spaces(r->tb, r->indent);
	tb_putf(r->tb, SLOT_MARKER, "not JSON (%s); shown as text", why);
	for (i = 0; i <= len; i++) {
		size_t end, shown;

		if (i < len && s[i] != '\n')
			continue;
		if (lines >= r->max_lines || bytes >= MAX_BYTES) {
			char size[32];

			human_size(size, sizeof size, len - start);
			l = tb_newline(r->tb);
			l->flags = JSON_LINE_MARKER;
			render_spaces(r->tb, r->indent);
			tb_putf(r->tb, SLOT_MARKER, "… %s more not shown", size);
			return;
		}
		end = i;
		if (end > start && s[end - 1] == '\r')
			end--;
		shown = render_cut(s + start, end - start, r->cap);
		l = tb_newline(r->tb);
		l->flags = JSON_LINE_TEXT;
		l->ref = (uint32_t)lines;
		render_spaces(r->tb, r->indent);
		render_text(r->tb, SLOT_DEFAULT, s + start, shown);
		if (shown < end - start)
			render_more(r->tb, end - start - shown);
		bytes += shown;
		lines++;
		start = i + 1;
	}
}

size_t json_render(const char *json, size_t len, const struct json_render_opts *opts,
		   struct textbuf *tb)
{
	struct rctx r;
	struct err err = { 0 };
	cJSON *root;

	rctx_init(&r, tb, opts);
	root = jt_parse(json, len, &err);
	if (!root) {
		render_plain(&r, json, len, err.msg);
		return 0;
	}
	render_node(&r, root, NULL, 0, false);
	cJSON_Delete(root);
	return r.next_id;
}

/* ---- one-line values ---------------------------------------------------- */

/* Compact JSON in colour on the current line (strings without newlines
 * only; the caller checked the length). */
static void put_inline(struct textbuf *tb, const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsString(v)) {
		tb_put(tb, SLOT_JSON_STRING, "\"");
		render_text(tb, SLOT_JSON_STRING, v->valuestring, strlen(v->valuestring));
		tb_put(tb, SLOT_JSON_STRING, "\"");
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		bool obj = cJSON_IsObject(v);

		tb_put(tb, SLOT_JSON_PUNCT, obj ? "{" : "[");
		for (c = v->child; c; c = c->next) {
			if (obj) {
				tb_put(tb, SLOT_JSON_KEY, "\"");
				render_text(tb, SLOT_JSON_KEY, c->string, strlen(c->string));
				tb_put(tb, SLOT_JSON_KEY, "\"");
				tb_put(tb, SLOT_JSON_PUNCT, ": ");
			}
			put_inline(tb, c);
			if (c->next)
				tb_put(tb, SLOT_JSON_PUNCT, ", ");
		}
		tb_put(tb, SLOT_JSON_PUNCT, obj ? "}" : "]");
	} else {
		put_scalar(tb, v);
	}
}

/* Can v go on one line of at most INLINE_CAP bytes? */
static bool fits_inline(const cJSON *v, size_t *budget)
{
	const cJSON *c;
	size_t n;

	if (cJSON_IsString(v)) {
		n = strlen(v->valuestring) + 2;
		if (n > *budget || strchr(v->valuestring, '\n'))
			return false;
		*budget -= n;
		return true;
	}
	if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		if (*budget < 2)
			return false;
		*budget -= 2;
		for (c = v->child; c; c = c->next) {
			if (c->string) {
				n = strlen(c->string) + 4;
				if (n > *budget)
					return false;
				*budget -= n;
			}
			if (!fits_inline(c, budget) || *budget < 2)
				return false;
			*budget -= 2;
		}
		return true;
	}
	n = cJSON_IsRaw(v) ? strlen(v->valuestring) : 5;
	if (n > *budget)
		return false;
	*budget -= n;
	return true;
}

/* Text lines under a first line that already holds a prefix: the first
 * line of s continues the current line, the others start new lines with
 * `indent` render_spaces.  Cut at cap bytes. */
void render_lines(struct textbuf *tb, enum slot slot, const char *s, size_t n, int indent,
		  size_t cap, uint32_t ref, uint16_t depth)
{
	size_t shown = render_cut(s, n, cap), pos = 0, start, len, lines = 0;

	while (next_line(s, shown, &pos, &start, &len)) {
		if (start > 0) {
			struct tb_line *l;

			if (++lines >= JSON_MAX_LINES)
				break;
			l = tb_newline(tb);
			l->ref = ref;
			l->depth = depth;
			render_spaces(tb, indent);
		}
		render_text(tb, slot, s + start, len);
	}
	if (shown < n)
		render_more(tb, n - shown);
}

/* A value after "key: " on a line indented by `indent`: strings as text
 * (no quotes; more lines indented by indent + 2), short values on the
 * line, the rest pretty below it. */
static void put_value(struct textbuf *tb, const char *json, int indent, uint32_t ref, uint16_t depth)
{
	struct err err = { 0 };
	cJSON *v = jt_parse(json, strlen(json), &err);
	size_t budget = INLINE_CAP;

	if (!v) {
		render_lines(tb, SLOT_DEFAULT, json, strlen(json), indent + 2, JSON_STRING_CAP, ref, depth);
		return;
	}
	if (cJSON_IsString(v)) {
		render_lines(tb, SLOT_JSON_STRING, v->valuestring, strlen(v->valuestring), indent + 2,
			     JSON_STRING_CAP, ref, depth);
	} else if (fits_inline(v, &budget)) {
		put_inline(tb, v);
	} else {
		struct json_render_opts o = { 0 };
		struct rctx r;

		/* The opening bracket stays on the key line. */
		o.indent = indent;
		rctx_init(&r, tb, &o);
		r.join = true;
		r.fixed_ref = true;
		r.ref = ref;
		r.depth_offset = depth;
		render_node(&r, v, NULL, 0, false);
	}
	cJSON_Delete(v);
}

/* ---- attributes and events ---------------------------------------------- */

void attrs_render(const struct span_detail *d, unsigned flags, struct textbuf *tb)
{
	size_t i;

	for (i = 0; i < d->nattrs; i++) {
		const struct span_attr *a = &d->attrs[i];
		struct tb_line *l;

		if ((flags & ATTRS_SKIP_IO) &&
		    (strcmp(a->key, "mlflow.spanInputs") == 0 || strcmp(a->key, "mlflow.spanOutputs") == 0))
			continue;
		l = tb_newline(tb);
		l->ref = (uint32_t)i;
		render_text(tb, SLOT_JSON_KEY, a->key, render_cut(a->key, strlen(a->key), 256));
		tb_put(tb, SLOT_JSON_PUNCT, ": ");
		put_value(tb, a->json, 0, (uint32_t)i, 0);
	}
}

static void fmt_offset(char *buf, size_t size, int64_t ns)
{
	const char *sign = ns < 0 ? "-" : "+";
	double a = (double)(ns < 0 ? -ns : ns);

	if (a < 1e3)
		snprintf(buf, size, "%s%.0fns", sign, a);
	else if (a < 1e6)
		snprintf(buf, size, "%s%.1fµs", sign, a / 1e3);
	else if (a < 1e9)
		snprintf(buf, size, "%s%.1fms", sign, a / 1e6);
	else
		snprintf(buf, size, "%s%.3fs", sign, a / 1e9);
}

static void event_attrs(struct textbuf *tb, const struct span_event *e, uint32_t ref)
{
	struct err err = { 0 };
	cJSON *o = jt_parse(e->attrs_json, strlen(e->attrs_json), &err);
	const cJSON *c;

	if (!cJSON_IsObject(o))
		goto out;
	for (c = o->child; c; c = c->next) {
		struct tb_line *l;
		char *vj;

		if (e->exception && str_starts(c->string, "exception.") &&
		    (strcmp(c->string, "exception.type") == 0 ||
		     strcmp(c->string, "exception.message") == 0 ||
		     strcmp(c->string, "exception.stacktrace") == 0))
			continue;
		l = tb_newline(tb);
		l->ref = ref;
		l->depth = 1;
		tb_put(tb, SLOT_DEFAULT, "  ");
		render_text(tb, SLOT_JSON_KEY, c->string, render_cut(c->string, strlen(c->string), 256));
		tb_put(tb, SLOT_JSON_PUNCT, ": ");
		vj = jt_print(c);
		put_value(tb, vj, 2, ref, 1);
		free(vj);
	}
out:
	cJSON_Delete(o);
}

void events_render(const struct span_detail *d, struct textbuf *tb)
{
	size_t i;

	for (i = 0; i < d->nevents; i++) {
		const struct span_event *e = &d->events[i];
		struct tb_line *l = tb_newline(tb);
		enum slot slot = e->exception ? SLOT_STATUS_ERROR : SLOT_NAME;

		l->ref = (uint32_t)i;
		render_text(tb, slot, e->name, render_cut(e->name, strlen(e->name), 256));
		if (e->time_ns >= 0 && d->start_ns >= 0) {
			char off[32];

			fmt_offset(off, sizeof off, e->time_ns - d->start_ns);
			tb_put(tb, SLOT_DEFAULT, "  ");
			tb_put(tb, SLOT_TIME, off);
		}
		if (e->exception && (e->exc_type || e->exc_message)) {
			l = tb_newline(tb);
			l->ref = (uint32_t)i;
			l->depth = 1;
			tb_put(tb, SLOT_DEFAULT, "  ");
			if (e->exc_type)
				render_text(tb, SLOT_STATUS_ERROR, e->exc_type,
					    render_cut(e->exc_type, strlen(e->exc_type), 256));
			if (e->exc_type && e->exc_message)
				tb_put(tb, SLOT_STATUS_ERROR, ": ");
			if (e->exc_message)
				render_lines(tb, SLOT_STATUS_ERROR, e->exc_message, strlen(e->exc_message), 4,
					     JSON_STRING_CAP, (uint32_t)i, 1);
		}
		if (e->exception && e->exc_stacktrace) {
			l = tb_newline(tb);
			l->ref = (uint32_t)i;
			l->depth = 1;
			tb_put(tb, SLOT_DEFAULT, "    ");
			render_lines(tb, SLOT_DIM, e->exc_stacktrace, strlen(e->exc_stacktrace), 4,
				     CHAT_TEXT_CAP, (uint32_t)i, 1);
		}
		event_attrs(tb, e, (uint32_t)i);
	}
}
