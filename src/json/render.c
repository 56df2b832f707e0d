#include "json/render.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/jtree.h"

#define INDENT_CAP 32                 /* deeper levels keep this indentation */
#define MAX_BYTES (8u * 1024 * 1024)  /* text of one render */
#define CHAT_TEXT_CAP 16384           /* bytes of one message text */
#define ARGS_CAP 2048                 /* bytes of tool call arguments */
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
static size_t utf8_cut(const char *s, size_t n, size_t cap)
{
	size_t k;

	if (n <= cap)
		return n;
	k = cap;
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

/* Untrusted text on one line, tabs as four spaces. */
static void put_text(struct textbuf *tb, enum slot slot, const char *s, size_t n)
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

static void put_more(struct textbuf *tb, size_t more)
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

static void spaces(struct textbuf *tb, int n)
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
		spaces(r->tb, r->indent);
		tb_putf(r->tb, SLOT_MARKER, "… output cut at %zu lines", r->tb->n - 1 - r->first_line);
		return NULL;
	}
	l = tb_newline(r->tb);
	l->ref = r->fixed_ref ? r->ref : id;
	depth += r->depth_offset;
	l->depth = (uint16_t)(depth > UINT16_MAX ? UINT16_MAX : depth);
	l->flags = (uint16_t)flags;
	spaces(r->tb, r->indent + 2 * (lvl > INDENT_CAP ? INDENT_CAP : lvl));
	return l;
}

static void put_key(struct rctx *r, const char *key)
{
	size_t n = strlen(key), shown = utf8_cut(key, n, r->cap);

	tb_put(r->tb, SLOT_JSON_KEY, "\"");
	put_text(r->tb, SLOT_JSON_KEY, key, shown);
	if (shown < n)
		put_more(r->tb, n - shown);
	tb_put(r->tb, SLOT_JSON_KEY, "\"");
	tb_put(r->tb, SLOT_JSON_PUNCT, ": ");
}

/* A string value: one line per line of text, cut at the cap. */
static void put_string(struct rctx *r, const char *s, uint32_t id, int depth, bool comma)
{
	size_t n = strlen(s), shown = utf8_cut(s, n, r->cap), start = 0, i;

	tb_put(r->tb, SLOT_JSON_STRING, "\"");
	for (i = 0; i <= shown; i++) {
		size_t end;

		if (i < shown && s[i] != '\n')
			continue;
		end = i;
		if (end > start && s[end - 1] == '\r' && i < shown)
			end--;
		if (start > 0 && !start_line(r, id, depth, depth + 1, 0))
			return;
		put_text(r->tb, SLOT_JSON_STRING, s + start, end - start);
		start = i + 1;
	}
	if (shown < n)
		put_more(r->tb, n - shown);
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
	spaces(r->tb, r->indent);
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
			spaces(r->tb, r->indent);
			tb_putf(r->tb, SLOT_MARKER, "… %s more not shown", size);
			return;
		}
		end = i;
		if (end > start && s[end - 1] == '\r')
			end--;
		shown = utf8_cut(s + start, end - start, r->cap);
		l = tb_newline(r->tb);
		l->flags = JSON_LINE_TEXT;
		l->ref = (uint32_t)lines;
		spaces(r->tb, r->indent);
		put_text(r->tb, SLOT_DEFAULT, s + start, shown);
		if (shown < end - start)
			put_more(r->tb, end - start - shown);
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
		put_text(tb, SLOT_JSON_STRING, v->valuestring, strlen(v->valuestring));
		tb_put(tb, SLOT_JSON_STRING, "\"");
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		bool obj = cJSON_IsObject(v);

		tb_put(tb, SLOT_JSON_PUNCT, obj ? "{" : "[");
		for (c = v->child; c; c = c->next) {
			if (obj) {
				tb_put(tb, SLOT_JSON_KEY, "\"");
				put_text(tb, SLOT_JSON_KEY, c->string, strlen(c->string));
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
 * `indent` spaces.  Cut at cap bytes. */
static void put_lines(struct textbuf *tb, enum slot slot, const char *s, size_t n, int indent,
		      size_t cap, uint32_t ref, uint16_t depth)
{
	size_t shown = utf8_cut(s, n, cap), start = 0, i, lines = 0;

	for (i = 0; i <= shown; i++) {
		size_t end;

		if (i < shown && s[i] != '\n')
			continue;
		end = i;
		if (end > start && s[end - 1] == '\r' && i < shown)
			end--;
		if (start > 0) {
			struct tb_line *l;

			if (++lines >= JSON_MAX_LINES)
				break;
			l = tb_newline(tb);
			l->ref = ref;
			l->depth = depth;
			spaces(tb, indent);
		}
		put_text(tb, slot, s + start, end - start);
		start = i + 1;
	}
	if (shown < n)
		put_more(tb, n - shown);
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
		put_lines(tb, SLOT_DEFAULT, json, strlen(json), indent + 2, JSON_STRING_CAP, ref, depth);
		return;
	}
	if (cJSON_IsString(v)) {
		put_lines(tb, SLOT_JSON_STRING, v->valuestring, strlen(v->valuestring), indent + 2,
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
		put_text(tb, SLOT_JSON_KEY, a->key, utf8_cut(a->key, strlen(a->key), 256));
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
		put_text(tb, SLOT_JSON_KEY, c->string, utf8_cut(c->string, strlen(c->string), 256));
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
		put_text(tb, slot, e->name, utf8_cut(e->name, strlen(e->name), 256));
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
				put_text(tb, SLOT_STATUS_ERROR, e->exc_type,
					 utf8_cut(e->exc_type, strlen(e->exc_type), 256));
			if (e->exc_type && e->exc_message)
				tb_put(tb, SLOT_STATUS_ERROR, ": ");
			if (e->exc_message)
				put_lines(tb, SLOT_STATUS_ERROR, e->exc_message, strlen(e->exc_message), 4,
					  JSON_STRING_CAP, (uint32_t)i, 1);
		}
		if (e->exception && e->exc_stacktrace) {
			l = tb_newline(tb);
			l->ref = (uint32_t)i;
			l->depth = 1;
			tb_put(tb, SLOT_DEFAULT, "    ");
			put_lines(tb, SLOT_DIM, e->exc_stacktrace, strlen(e->exc_stacktrace), 4,
				  CHAT_TEXT_CAP, (uint32_t)i, 1);
		}
		event_attrs(tb, e, (uint32_t)i);
	}
}

/* ---- conversations ------------------------------------------------------ */

enum item_kind {
	IT_MSG,      /* node: a message object */
	IT_TEXT,     /* text: a plain message text with role */
	IT_CALL,     /* node: a Responses API function_call item */
};

struct item {
	enum item_kind kind;
	const cJSON *node;
	const char *role;   /* default role (IT_MSG) or the role (IT_TEXT, IT_CALL) */
	const char *text;
};

struct chat {
	struct item *v;
	size_t n, cap;
	struct textbuf *tb;
	size_t nlines;
};

static void add_item(struct chat *c, enum item_kind k, const cJSON *node, const char *role,
		     const char *text)
{
	GROW(c->v, c->cap, c->n + 1);
	c->v[c->n].kind = k;
	c->v[c->n].node = node;
	c->v[c->n].role = role;
	c->v[c->n].text = text;
	c->n++;
}

static const char *lc_role(const char *type)
{
	static const struct {
		const char *from, *to;
	} map[] = {
		{ "human", "user" },          { "HumanMessage", "user" },    { "HumanMessageChunk", "user" },
		{ "ai", "assistant" },        { "AIMessage", "assistant" },  { "AIMessageChunk", "assistant" },
		{ "system", "system" },       { "SystemMessage", "system" }, { "tool", "tool" },
		{ "ToolMessage", "tool" },    { "function", "tool" },        { "chat", "user" },
	};
	size_t i;

	if (!type)
		return NULL;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(type, map[i].from) == 0)
			return map[i].to;
	return NULL;
}

/* A serialised LangChain message, {"lc": 1, "type": "constructor", "id":
 * [..., "AIMessage"], "kwargs": {content, tool_calls, tool_call_id, ...}}:
 * its role, and *fields = kwargs.  NULL when m is not one. */
static const char *lc_message(const cJSON *m, const cJSON **fields)
{
	const cJSON *id = jt_get(m, "id"), *last;
	const char *role;

	if (!cJSON_IsObject(m) || !jt_get(m, "lc") || !str_eq(jt_str(m, "type"), "constructor") ||
	    !cJSON_IsArray(id) || !cJSON_IsObject(jt_get(m, "kwargs")))
		return NULL;
	for (last = id->child; last && last->next; last = last->next)
		;
	role = cJSON_IsString(last) ? lc_role(last->valuestring) : NULL;
	if (role)
		*fields = jt_get(m, "kwargs");
	return role;
}

static bool is_message(const cJSON *m)
{
	const char *role;
	const cJSON *kw;

	if (!cJSON_IsObject(m))
		return false;
	if (lc_message(m, &kw))
		return true;
	role = jt_str(m, "role");
	if (role)
		return jt_get(m, "content") || jt_get(m, "parts") || jt_get(m, "tool_calls") ||
		       jt_get(m, "function_call");
	return lc_role(jt_str(m, "type")) && jt_get(m, "content");
}

/* Messages of an array (LangChain nests them: [[msg, ...]]).  Returns the
 * number added. */
static size_t add_messages(struct chat *c, const cJSON *arr, const char *role)
{
	const cJSON *m;
	size_t n = 0;

	if (!cJSON_IsArray(arr))
		return 0;
	if (arr->child && cJSON_IsArray(arr->child))
		arr = arr->child;
	for (m = arr->child; m; m = m->next) {
		if (is_message(m)) {
			add_item(c, IT_MSG, m, role, NULL);
			n++;
		}
	}
	return n;
}

/* A system prompt given apart from the messages (Anthropic "system",
 * Responses "instructions"): a string or a list of text blocks. */
static void add_system(struct chat *c, const cJSON *sys)
{
	if (cJSON_IsString(sys) && sys->valuestring[0])
		add_item(c, IT_TEXT, NULL, "system", sys->valuestring);
	else if (cJSON_IsArray(sys) && sys->child)
		add_item(c, IT_MSG, sys, "system", NULL);
}

static size_t find_inputs(struct chat *c, const cJSON *in)
{
	const cJSON *v;
	size_t before = c->n;

	if (cJSON_IsArray(in))
		return add_messages(c, in, "user");
	if (!cJSON_IsObject(in))
		return 0;
	if (cJSON_IsArray(v = jt_get(in, "messages"))) {
		add_system(c, jt_get(in, "system"));
		if (!add_messages(c, v, "user"))
			c->n = before;
	} else if (cJSON_IsArray(v = jt_get(in, "input"))) {
		add_system(c, jt_get(in, "instructions"));
		if (!add_messages(c, v, "user"))
			c->n = before;
	} else if (cJSON_IsArray(v = jt_get(in, "contents"))) {
		const cJSON *m;

		for (m = v->child; m; m = m->next)
			if (cJSON_IsObject(m) && jt_get(m, "parts"))
				add_item(c, IT_MSG, m, "user", NULL);
	} else if (cJSON_IsObject(v = jt_get(in, "request"))) {
		return find_inputs(c, v);
	}
	return c->n - before;
}

static size_t find_outputs(struct chat *c, const cJSON *out, bool after_chat)
{
	const cJSON *v, *m;
	size_t before = c->n;

	if (cJSON_IsString(out)) {
		if (after_chat)
			add_item(c, IT_TEXT, NULL, "assistant", out->valuestring);
	} else if (cJSON_IsArray(out)) {
		if (!add_messages(c, out, "assistant") && after_chat)
			for (m = out->child; m; m = m->next)
				if (cJSON_IsString(m))
					add_item(c, IT_TEXT, NULL, "assistant", m->valuestring);
	} else if (!cJSON_IsObject(out)) {
		return 0;
	} else if (cJSON_IsArray(v = jt_get(out, "choices"))) {
		for (m = v->child; m; m = m->next) {
			const cJSON *msg = jt_get(m, "message");

			if (!msg)
				msg = jt_get(m, "delta");
			if (cJSON_IsObject(msg))
				add_item(c, IT_MSG, msg, "assistant", NULL);
			else if (jt_str(m, "text"))
				add_item(c, IT_TEXT, NULL, "assistant", jt_str(m, "text"));
		}
	} else if (is_message(out)) {
		add_item(c, IT_MSG, out, "assistant", NULL);
	} else if (cJSON_IsArray(v = jt_get(out, "output"))) {
		for (m = v->child; m; m = m->next) {
			const char *type = jt_str(m, "type");

			if (is_message(m))
				add_item(c, IT_MSG, m, "assistant", NULL);
			else if (type && strcmp(type, "function_call") == 0)
				add_item(c, IT_CALL, m, "assistant", NULL);
		}
	} else if (cJSON_IsArray(v = jt_get(out, "generations"))) {
		const cJSON *gens = v->child && cJSON_IsArray(v->child) ? v->child : v;

		for (m = gens->child; m; m = m->next) {
			const cJSON *msg = jt_get(m, "message");

			if (is_message(msg))
				add_item(c, IT_MSG, msg, "assistant", NULL);
			else if (jt_str(m, "text"))
				add_item(c, IT_TEXT, NULL, "assistant", jt_str(m, "text"));
		}
	} else if (cJSON_IsArray(v = jt_get(out, "candidates"))) {
		for (m = v->child; m; m = m->next) {
			const cJSON *content = jt_get(m, "content");

			if (cJSON_IsObject(content) && jt_get(content, "parts"))
				add_item(c, IT_MSG, content, "assistant", NULL);
		}
	}
	return c->n - before;
}

static enum slot role_slot(const char *role)
{
	if (!role)
		return SLOT_ROLE_USER;
	if (strcmp(role, "assistant") == 0 || strcmp(role, "model") == 0)
		return SLOT_ROLE_ASSISTANT;
	if (strcmp(role, "system") == 0 || strcmp(role, "developer") == 0)
		return SLOT_ROLE_SYSTEM;
	if (strcmp(role, "tool") == 0 || strcmp(role, "function") == 0 || strcmp(role, "ipython") == 0)
		return SLOT_ROLE_TOOL;
	return SLOT_ROLE_USER;
}

static struct tb_line *chat_line(struct chat *c, size_t msg, uint16_t depth)
{
	struct tb_line *l = tb_newline(c->tb);

	l->ref = (uint32_t)msg;
	l->depth = depth;
	c->nlines++;
	return l;
}

/* Message text under the role line: two spaces of indent, an optional
 * prefix ("← ") on the first line. */
static void chat_text(struct chat *c, size_t msg, const char *prefix, enum slot slot, const char *s)
{
	int indent = 2 + (prefix ? 2 : 0);

	chat_line(c, msg, 1);
	tb_put(c->tb, SLOT_DEFAULT, "  ");
	if (prefix)
		tb_put(c->tb, SLOT_ROLE_TOOL, prefix);
	put_lines(c->tb, slot, s, strlen(s), indent, CHAT_TEXT_CAP, (uint32_t)msg, 1);
}

/* "→ name(args)" on one line; args a JSON string (shown as its text) or
 * any JSON value (shown compact). */
static void chat_call(struct chat *c, size_t msg, const char *name, const cJSON *args)
{
	char *text = NULL;
	size_t n, shown, i;

	chat_line(c, msg, 1);
	tb_put(c->tb, SLOT_DEFAULT, "  ");
	tb_put(c->tb, SLOT_ROLE_TOOL, "→ ");
	put_text(c->tb, SLOT_ROLE_TOOL, name ? name : "?", name ? utf8_cut(name, strlen(name), 256) : 1);
	tb_put(c->tb, SLOT_ROLE_TOOL, "(");
	if (cJSON_IsString(args))
		text = xstrdup(args->valuestring);
	else if (args && !cJSON_IsNull(args))
		text = jt_print(args);
	if (text) {
		n = strlen(text);
		for (i = 0; i < n; i++)
			if (text[i] == '\n' || text[i] == '\r')
				text[i] = ' ';
		shown = utf8_cut(text, n, ARGS_CAP);
		put_text(c->tb, SLOT_DEFAULT, text, shown);
		if (shown < n)
			put_more(c->tb, n - shown);
		free(text);
	}
	tb_put(c->tb, SLOT_ROLE_TOOL, ")");
}

static void chat_json(struct chat *c, size_t msg, const char *prefix, const cJSON *v)
{
	char *text = jt_print(v);

	chat_text(c, msg, prefix, SLOT_DIM, text);
	free(text);
}

static void chat_content(struct chat *c, size_t msg, const cJSON *content, bool result);

static void chat_block(struct chat *c, size_t msg, const cJSON *b, bool result)
{
	const char *type = jt_str(b, "type"), *text;
	const char *prefix = result ? "← " : NULL;

	if (cJSON_IsString(b)) {
		chat_text(c, msg, prefix, SLOT_DEFAULT, b->valuestring);
		return;
	}
	if (!cJSON_IsObject(b)) {
		chat_json(c, msg, prefix, b);
		return;
	}
	if (!type)
		type = "";
	if (strcmp(type, "tool_use") == 0 || strcmp(type, "tool_call") == 0 ||
	    strcmp(type, "function_call") == 0) {
		const cJSON *args = jt_get(b, "input");

		if (!args)
			args = jt_get(b, "arguments");
		chat_call(c, msg, jt_str(b, "name"), args);
	} else if (strcmp(type, "tool_result") == 0) {
		chat_content(c, msg, jt_get(b, "content"), true);
	} else if (strcmp(type, "tool_call_response") == 0 || strcmp(type, "function_call_output") == 0) {
		const cJSON *r = jt_get(b, "response");

		if (!r)
			r = jt_get(b, "result");
		if (!r)
			r = jt_get(b, "output");
		chat_content(c, msg, r, true);
	} else if (strcmp(type, "reasoning") == 0 || strcmp(type, "thinking") == 0) {
		text = jt_str(b, "thinking");
		if (!text)
			text = jt_str(b, "content");
		if (text)
			chat_text(c, msg, NULL, SLOT_DIM, text);
	} else if ((text = jt_str(b, "text")) || (text = jt_str(b, "content"))) {
		chat_text(c, msg, prefix, SLOT_DEFAULT, text);
	} else if (jt_get(b, "functionCall")) {
		const cJSON *fc = jt_get(b, "functionCall");

		chat_call(c, msg, jt_str(fc, "name"), jt_get(fc, "args"));
	} else if (jt_get(b, "functionResponse")) {
		chat_content(c, msg, jt_get(jt_get(b, "functionResponse"), "response"), true);
	} else if (strstr(type, "image") || strcmp(type, "blob") == 0 || strcmp(type, "file") == 0 ||
		   strcmp(type, "uri") == 0 || strstr(type, "audio")) {
		chat_line(c, msg, 1);
		tb_put(c->tb, SLOT_DEFAULT, "  ");
		tb_put(c->tb, SLOT_DIM, "[");
		put_text(c->tb, SLOT_DIM, type, utf8_cut(type, strlen(type), 64));
		tb_put(c->tb, SLOT_DIM, "]");
	} else {
		chat_json(c, msg, prefix, b);
	}
}

static void chat_content(struct chat *c, size_t msg, const cJSON *content, bool result)
{
	const cJSON *b;

	if (!content || cJSON_IsNull(content))
		return;
	if (cJSON_IsString(content) && !content->valuestring[0])
		return;   /* an empty text beside tool calls */
	if (cJSON_IsString(content)) {
		chat_text(c, msg, result ? "← " : NULL, SLOT_DEFAULT, content->valuestring);
	} else if (cJSON_IsArray(content)) {
		for (b = content->child; b; b = b->next)
			chat_block(c, msg, b, result);
	} else {
		chat_block(c, msg, content, result);
	}
}

static void chat_tool_calls(struct chat *c, size_t msg, const cJSON *calls)
{
	const cJSON *tc;

	for (tc = cJSON_IsArray(calls) ? calls->child : NULL; tc; tc = tc->next) {
		const cJSON *fn = jt_get(tc, "function");

		if (cJSON_IsObject(fn)) {
			chat_call(c, msg, jt_str(fn, "name"), jt_get(fn, "arguments"));
		} else {
			const cJSON *args = jt_get(tc, "args");

			if (!args)
				args = jt_get(tc, "arguments");
			if (!args)
				args = jt_get(tc, "input");
			chat_call(c, msg, jt_str(tc, "name"), args);
		}
	}
}

static void chat_role_line(struct chat *c, size_t msg, const char *role, const char *extra)
{
	struct tb_line *l = chat_line(c, msg, 0);

	l->flags = CHAT_LINE_ROLE;
	put_text(c->tb, role_slot(role), role, utf8_cut(role, strlen(role), 64));
	if (extra && *extra) {
		tb_put(c->tb, SLOT_DEFAULT, "  ");
		put_text(c->tb, SLOT_DIM, extra, utf8_cut(extra, strlen(extra), 128));
	}
}

static void render_item(struct chat *c, size_t msg, const struct item *it)
{
	const cJSON *m = it->node;
	const char *role, *extra;
	bool tool;

	if (msg)
		chat_line(c, msg, 0);   /* a blank line between messages */
	if (it->kind == IT_TEXT) {
		chat_role_line(c, msg, it->role, NULL);
		chat_text(c, msg, NULL, SLOT_DEFAULT, it->text);
		return;
	}
	if (it->kind == IT_CALL) {
		chat_role_line(c, msg, it->role, NULL);
		chat_call(c, msg, jt_str(m, "name"), jt_get(m, "arguments"));
		return;
	}
	if (cJSON_IsArray(m)) {   /* system blocks given apart */
		chat_role_line(c, msg, it->role, NULL);
		chat_content(c, msg, m, false);
		return;
	}
	role = lc_message(m, &m);
	if (!role)
		role = jt_str(m, "role");
	if (!role)
		role = lc_role(jt_str(m, "type"));
	if (!role)
		role = it->role;
	if (strcmp(role, "model") == 0)
		role = "assistant";
	tool = role_slot(role) == SLOT_ROLE_TOOL;
	extra = jt_str(m, "tool_call_id");
	if (!extra)
		extra = jt_str(m, "name");
	chat_role_line(c, msg, role, extra);
	chat_content(c, msg, jt_get(m, "content"), tool);
	chat_content(c, msg, jt_get(m, "parts"), tool);
	chat_tool_calls(c, msg, jt_get(m, "tool_calls"));
	if (cJSON_IsObject(jt_get(m, "function_call"))) {
		const cJSON *fc = jt_get(m, "function_call");

		chat_call(c, msg, jt_str(fc, "name"), jt_get(fc, "arguments"));
	}
}

static cJSON *parse_opt(const char *json)
{
	return json ? jt_parse(json, strlen(json), NULL) : NULL;
}

size_t chat_render(const struct span_detail *d, struct textbuf *tb)
{
	struct chat c = { 0 };
	cJSON *in = parse_opt(d->inputs), *out = parse_opt(d->outputs);
	cJSON *gin = NULL, *gout = NULL;
	size_t nin, nout, i;

	c.tb = tb;
	nin = find_inputs(&c, in);
	if (!nin && !in) {
		/* OTel GenAI spans may carry the messages as attributes only. */
		gin = parse_opt(span_detail_attr(d, "gen_ai.input.messages"));
		nin = find_inputs(&c, gin);
	}
	nout = find_outputs(&c, out, nin > 0);
	if (!nout && !out) {
		gout = parse_opt(span_detail_attr(d, "gen_ai.output.messages"));
		nout = find_outputs(&c, gout, nin > 0);
	}
	if (nout && !nin) {
		/* A completion after a plain prompt: show the prompt too. */
		const char *prompt = cJSON_IsString(in) ? in->valuestring : jt_str(in, "prompt");

		if (prompt) {
			GROW(c.v, c.cap, c.n + 1);
			memmove(c.v + 1, c.v, c.n * sizeof *c.v);
			c.v[0].kind = IT_TEXT;
			c.v[0].node = NULL;
			c.v[0].role = "user";
			c.v[0].text = prompt;
			c.n++;
		}
	}
	for (i = 0; i < c.n; i++) {
		if (c.nlines >= JSON_MAX_LINES) {
			struct tb_line *l = tb_newline(tb);

			l->flags = JSON_LINE_MARKER;
			tb_putf(tb, SLOT_MARKER, "… %zu more messages not shown", c.n - i);
			break;
		}
		render_item(&c, i, &c.v[i]);
	}
	i = c.n;
	free(c.v);
	cJSON_Delete(in);
	cJSON_Delete(out);
	cJSON_Delete(gin);
	cJSON_Delete(gout);
	return i;
}
