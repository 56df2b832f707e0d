#include "core/preview.h"

#include <stdlib.h>
#include <string.h>

#include "core/jstr.h"
#include "core/util.h"

/* A lenient parse of (possibly cut) JSON into a small tree: enough to find
 * the strings of a preview.  Values cut off are simply incomplete. */
enum pkind { PK_OTHER = 0, PK_STR, PK_OBJ, PK_ARR };

struct pnode {
	enum pkind k;
	char *key;              /* member name inside an object, or NULL */
	struct strbuf str;      /* PK_STR: the text */
	struct pnode *kids;     /* PK_OBJ, PK_ARR */
	size_t n, cap;
};

/* Bounds: previews are 1000 characters, so these are never reached by
 * MLflow's own text, only by hostile stores. */
#define DEPTH_MAX 12
#define NODES_MAX 4096

struct parser {
	const char *p, *end;
	size_t nodes;
};

static void ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
				   *ps->p == '\r'))
		ps->p++;
}

static void node_free(struct pnode *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		node_free(&n->kids[i]);
	free(n->kids);
	free(n->key);
	sb_free(&n->str);
}

/* Skips a scalar that is not a string (number, true, false, null). */
static void skip_scalar(struct parser *ps)
{
	while (ps->p < ps->end && !strchr(",]}", *ps->p))
		ps->p++;
}

/* Parses one value into *n; false when the text ended or broke. */
static bool parse_value(struct parser *ps, struct pnode *n, int depth);

static struct pnode *add_kid(struct pnode *n)
{
	struct pnode *k;

	GROW(n->kids, n->cap, n->n + 1);
	k = &n->kids[n->n++];
	memset(k, 0, sizeof *k);
	return k;
}

static bool parse_container(struct parser *ps, struct pnode *n, int depth)
{
	char close = n->k == PK_OBJ ? '}' : ']';

	ps->p++;
	for (;;) {
		struct pnode *kid;
		struct strbuf key = STRBUF_INIT;
		bool cut = false;

		ws(ps);
		if (ps->p >= ps->end)
			return false;
		if (*ps->p == close) {
			ps->p++;
			return true;
		}
		if (n->k == PK_OBJ) {
			ps->p = jstr_decode(ps->p, ps->end, &key, &cut);
			if (!ps->p || cut) {
				sb_free(&key);
				return false;
			}
			ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				sb_free(&key);
				return false;
			}
			ps->p++;
			ws(ps);
		}
		if (++ps->nodes > NODES_MAX) {
			sb_free(&key);
			return false;
		}
		kid = add_kid(n);
		kid->key = n->k == PK_OBJ ? sb_take(&key) : NULL;
		if (!parse_value(ps, kid, depth + 1))
			return false;
		ws(ps);
		if (ps->p < ps->end && *ps->p == ',')
			ps->p++;
		else if (ps->p < ps->end && *ps->p != close)
			return false;
	}
}

static bool parse_value(struct parser *ps, struct pnode *n, int depth)
{
	bool cut = false;

	ws(ps);
	if (ps->p >= ps->end)
		return false;
	switch (*ps->p) {
	case '"':
		n->k = PK_STR;
		ps->p = jstr_decode(ps->p, ps->end, &n->str, &cut);
		return ps->p && !cut;
	case '{':
	case '[':
		n->k = *ps->p == '{' ? PK_OBJ : PK_ARR;
		if (depth >= DEPTH_MAX)
			return false;
		return parse_container(ps, n, depth);
	default:
		n->k = PK_OTHER;
		skip_scalar(ps);
		return true;
	}
}

static const struct pnode *member(const struct pnode *o, const char *key)
{
	size_t i;

	if (o->k != PK_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->kids[i].key && strcmp(o->kids[i].key, key) == 0)
			return &o->kids[i];
	return NULL;
}

static const char *str_member(const struct pnode *o, const char *key)
{
	const struct pnode *m = member(o, key);

	return m && m->k == PK_STR ? sb_str(&m->str) : NULL;
}

/* The text of a message's content: a string, or the first text of a list
 * of parts / blocks ({"type": "text", "text": …} or {"content": …}). */
static const char *content_text(const struct pnode *msg)
{
	static const char *const keys[] = { "content", "parts" };
	size_t k, i;

	for (k = 0; k < 2; k++) {
		const struct pnode *c = member(msg, keys[k]);

		if (!c)
			continue;
		if (c->k == PK_STR)
			return sb_str(&c->str);
		for (i = 0; c->k == PK_ARR && i < c->n; i++) {
			const char *t = str_member(&c->kids[i], "text");

			if (!t)
				t = str_member(&c->kids[i], "content");
			if (t)
				return t;
		}
	}
	return NULL;
}

/* Chat messages: the last user message's text, else the last text. */
static const char *chat_text(const struct pnode *arr)
{
	const char *last = NULL, *user = NULL;
	size_t i, msgs = 0;

	if (arr->k != PK_ARR)
		return NULL;
	for (i = 0; i < arr->n; i++) {
		const struct pnode *m = &arr->kids[i];
		const char *role = str_member(m, "role"), *t;

		if (!role)
			role = str_member(m, "type");
		if (!role)
			continue;
		msgs++;
		t = content_text(m);
		if (!t)
			continue;
		last = t;
		if (strcmp(role, "user") == 0 || strcmp(role, "human") == 0)
			user = t;
	}
	return msgs ? (user ? user : last) : NULL;
}

static const char *text_of(const struct pnode *n)
{
	const struct pnode *m;

	switch (n->k) {
	case PK_STR:
		return sb_str(&n->str);
	case PK_ARR:
		if (n->n == 1 && n->kids[0].k == PK_STR)
			return sb_str(&n->kids[0].str);
		return chat_text(n);
	case PK_OBJ:
		if ((m = member(n, "messages")) && m->k == PK_ARR)
			return chat_text(m);
		if ((m = member(n, "choices")) && m->k == PK_ARR && m->n) {
			const struct pnode *msg = member(&m->kids[0], "message");
			const char *t = msg ? content_text(msg) : NULL;

			return t ? t : str_member(&m->kids[0], "text");
		}
		if (n->n == 1 && n->kids[0].k == PK_STR)
			return sb_str(&n->kids[0].str);
		return NULL;
	case PK_OTHER:
		break;
	}
	return NULL;
}

bool preview_text(const char *preview, size_t len, struct strbuf *out)
{
	struct parser ps;
	struct pnode root;
	const char *t;

	if (!preview)
		return false;
	memset(&root, 0, sizeof root);
	ps.p = preview;
	ps.end = preview + len;
	ps.nodes = 0;
	ws(&ps);
	if (ps.p >= ps.end || !strchr("\"{[", *ps.p))
		return false;
	parse_value(&ps, &root, 0);
	t = text_of(&root);
	if (t)
		sb_adds(out, t);
	node_free(&root);
	return t != NULL;
}
