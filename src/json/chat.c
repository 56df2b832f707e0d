/*
 * Conversations in a span's inputs and outputs, as lines (json/chat.h).
 */
#include "json/chat.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/jtree.h"
#include "json/render.h"
#include "json/render_int.h"

#define ARGS_CAP 2048                 /* bytes of tool call arguments */

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

/* Message text under the role line: two render_spaces of indent, an optional
 * prefix ("← ") on the first line. */
static void chat_text(struct chat *c, size_t msg, const char *prefix, enum slot slot, const char *s)
{
	int indent = 2 + (prefix ? 2 : 0);

	chat_line(c, msg, 1);
	tb_put(c->tb, SLOT_DEFAULT, "  ");
	if (prefix)
		tb_put(c->tb, SLOT_ROLE_TOOL, prefix);
	render_lines(c->tb, slot, s, strlen(s), indent, CHAT_TEXT_CAP, (uint32_t)msg, 1);
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
	render_text(c->tb, SLOT_ROLE_TOOL, name ? name : "?", name ? render_cut(name, strlen(name), 256) : 1);
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
		shown = render_cut(text, n, ARGS_CAP);
		render_text(c->tb, SLOT_DEFAULT, text, shown);
		if (shown < n)
			render_more(c->tb, n - shown);
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
		render_text(c->tb, SLOT_DIM, type, render_cut(type, strlen(type), 64));
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
	render_text(c->tb, role_slot(role), role, render_cut(role, strlen(role), 64));
	if (extra && *extra) {
		tb_put(c->tb, SLOT_DEFAULT, "  ");
		render_text(c->tb, SLOT_DIM, extra, render_cut(extra, strlen(extra), 128));
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
