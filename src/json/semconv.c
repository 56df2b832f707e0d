#include "json/semconv.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"

#define ATTR_REQUEST_ID "mlflow.traceRequestId"
#define ATTR_SPAN_TYPE "mlflow.spanType"
#define ATTR_INPUTS "mlflow.spanInputs"
#define ATTR_OUTPUTS "mlflow.spanOutputs"
#define ATTR_USAGE "mlflow.chat.tokenUsage"

/* ---- span types ---------------------------------------------------------- */

struct kind_map {
	const char *from, *to;
};

/* MLflow's translators (mlflow/tracing/otel/translation), in their order. */
static const struct kind_map oi_kinds[] = {
	{ "TOOL", "TOOL" },           { "CHAIN", "CHAIN" },         { "LLM", "LLM" },
	{ "RETRIEVER", "RETRIEVER" }, { "EMBEDDING", "EMBEDDING" }, { "AGENT", "AGENT" },
	{ "RERANKER", "RERANKER" },   { "UNKNOWN", "UNKNOWN" },     { "GUARDRAIL", "GUARDRAIL" },
	{ "EVALUATOR", "EVALUATOR" }, { NULL, NULL },
};
static const struct kind_map genai_kinds[] = {
	{ "chat", "CHAT_MODEL" },     { "create_agent", "AGENT" },  { "embeddings", "EMBEDDING" },
	{ "execute_tool", "TOOL" },   { "generate_content", "LLM" }, { "invoke_agent", "AGENT" },
	{ "text_completion", "LLM" }, { "response", "LLM" },        { NULL, NULL },
};
static const struct kind_map traceloop_kinds[] = {
	{ "workflow", "WORKFLOW" }, { "task", "TASK" },       { "agent", "AGENT" },
	{ "tool", "TOOL" },         { "unknown", "UNKNOWN" }, { NULL, NULL },
};
static const struct kind_map vercel_kinds[] = {
	{ "ai.generateText", "LLM" },     { "ai.generateText.doGenerate", "LLM" },
	{ "ai.toolCall", "TOOL" },        { "ai.streamText", "LLM" },
	{ "ai.streamText.doStream", "LLM" }, { "ai.generateObject", "LLM" },
	{ "ai.generateObject.doGenerate", "LLM" }, { "ai.streamObject", "LLM" },
	{ "ai.streamObject.doStream", "LLM" }, { "ai.embed", "EMBEDDING" },
	{ "ai.embed.doEmbed", "EMBEDDING" }, { "ai.embedMany", "EMBEDDING" },
	{ NULL, NULL },
};

static const struct {
	const char *key;
	const struct kind_map *map;
} kind_keys[] = {
	{ "openinference.span.kind", oi_kinds },
	{ "gen_ai.operation.name", genai_kinds },
	{ "traceloop.span.kind", traceloop_kinds },
	{ "ai.operationId", vercel_kinds },
};

/* A string attribute value: plain ("LLM") or JSON-encoded ("\"LLM\"").
 * Writes at most size - 1 bytes into buf; false when v is not a string. */
static bool attr_string(const cJSON *v, char *buf, size_t size)
{
	const char *s;
	size_t n;

	if (!cJSON_IsString(v))
		return false;
	s = v->valuestring;
	n = strlen(s);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"' && !memchr(s + 1, '\\', n - 2)) {
		s++;
		n -= 2;
	}
	if (n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

const char *semconv_span_type(const cJSON *attrs)
{
	char kind[64];
	size_t i, j;

	for (i = 0; i < sizeof kind_keys / sizeof kind_keys[0]; i++) {
		if (!attr_string(jt_get(attrs, kind_keys[i].key), kind, sizeof kind))
			continue;
		for (j = 0; kind_keys[i].map[j].from; j++)
			if (strcmp(kind, kind_keys[i].map[j].from) == 0)
				return kind_keys[i].map[j].to;
		/* MLflow stops at the first convention that names a kind. */
		return NULL;
	}
	return NULL;
}

/* ---- values -------------------------------------------------------------- */

/* Is s JSON text holding a string or an object (MLflow keeps such a
 * string attribute as it is)? */
static bool json_str_or_obj(const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n && strchr(" \t\r\n", s[i]))
		i++;
	if (i == n || (s[i] != '"' && s[i] != '{'))
		return false;
	return jt_valid(s, n);
}

char *semconv_encode(const cJSON *v)
{
	if (cJSON_IsString(v) && json_str_or_obj(v->valuestring))
		return xstrdup(v->valuestring);
	return jt_print_unicode(v);
}

/* The value of an attribute as a tree: strings holding JSON parsed once
 * (MLflow loads them the same way). */
static cJSON *decoded(const cJSON *v)
{
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		cJSON *p = jt_valid(s, strlen(s)) ? jt_parse(s, strlen(s), NULL) : NULL;

		return p ? p : cJSON_CreateString(s);
	}
	return cJSON_Duplicate(v, true);
}

/* MLflow takes a value only when it is "truthy": not null, "", 0, false,
 * {} or []. */
static bool truthy(const cJSON *v)
{
	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return false;
	if (cJSON_IsString(v))
		return v->valuestring[0] != '\0';
	if (jt_is_num(v))
		return jt_double(v) != 0;
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		return v->child != NULL;
	return true;
}

static bool attr_truthy(const cJSON *raw, const char *key)
{
	const cJSON *v = jt_get(raw, key);
	cJSON *d;
	bool t;

	if (!v)
		return false;
	d = decoded(v);
	t = truthy(d);
	cJSON_Delete(d);
	return t;
}

/* ---- messages kept as flat attributes ------------------------------------ */

/* Sets path (dot-separated; numeric parts index arrays) under root. */
static void set_path(cJSON *root, const char *path, const cJSON *value)
{
	cJSON *cur = root;
	char part[128];

	while (*path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		bool last = !dot;
		cJSON *next;

		if (n == 0 || n >= sizeof part)
			return;
		memcpy(part, path, n);
		part[n] = '\0';
		path += n + (dot ? 1 : 0);
		if (cJSON_IsArray(cur)) {
			char *end;
			long ix = strtol(part, &end, 10);

			if (*end || ix < 0 || ix > 10000)
				return;
			while (cJSON_GetArraySize(cur) <= ix)
				cJSON_AddItemToArray(cur, cJSON_CreateNull());
			next = cJSON_GetArrayItem(cur, (int)ix);
			if (last) {
				cJSON_ReplaceItemInArray(cur, (int)ix, cJSON_Duplicate(value, true));
				return;
			}
			if (cJSON_IsNull(next)) {
				bool arr = *path >= '0' && *path <= '9';

				cJSON_ReplaceItemInArray(cur, (int)ix, arr ? cJSON_CreateArray()
									 : cJSON_CreateObject());
				next = cJSON_GetArrayItem(cur, (int)ix);
			}
		} else if (cJSON_IsObject(cur)) {
			next = cJSON_GetObjectItemCaseSensitive(cur, part);
			if (last) {
				if (next)
					cJSON_ReplaceItemInObjectCaseSensitive(cur, part,
									       cJSON_Duplicate(value, true));
				else
					cJSON_AddItemToObject(cur, part, cJSON_Duplicate(value, true));
				return;
			}
			if (!next) {
				bool arr = *path >= '0' && *path <= '9';

				next = arr ? cJSON_CreateArray() : cJSON_CreateObject();
				cJSON_AddItemToObject(cur, part, next);
			}
		} else {
			return;
		}
		cur = next;
	}
}

/* Flat attributes "PREFIX.<i>.<rest>" as an array of objects; NULL when
 * there are none. */
static cJSON *unflatten(const cJSON *raw, const char *prefix)
{
	size_t pn = strlen(prefix);
	cJSON *arr = NULL;
	const cJSON *c;

	for (c = raw ? raw->child : NULL; c; c = c->next) {
		const char *k = c->string;

		if (!k || strncmp(k, prefix, pn) != 0 || k[pn] != '.' || k[pn + 1] < '0' ||
		    k[pn + 1] > '9')
			continue;
		if (!arr)
			arr = cJSON_CreateArray();
		set_path(arr, k + pn + 1, c);
	}
	return arr;
}

/* An OpenAI tool call {id, type: "function", function: {name, arguments}}
 * from fn's name and arguments. */
static cJSON *tool_call(const char *id, const cJSON *fn)
{
	cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateObject();
	const char *name = jt_str(fn, "name"), *args = jt_str(fn, "arguments");

	if (id)
		cJSON_AddItemToObject(o, "id", cJSON_CreateString(id));
	cJSON_AddItemToObject(o, "type", cJSON_CreateString("function"));
	cJSON_AddItemToObject(f, "name", cJSON_CreateString(name ? name : ""));
	cJSON_AddItemToObject(f, "arguments", cJSON_CreateString(args ? args : ""));
	cJSON_AddItemToObject(o, "function", f);
	return o;
}

/* An OpenInference message object ({"message.role": ..} unflattened is
 * {"message": {"role", "content", "tool_calls": [{"tool_call": {...}}],
 * "contents": [{"message_content": {...}}]}}) as an OpenAI chat message. */
static cJSON *oi_message(const cJSON *m)
{
	const cJSON *msg = jt_get(m, "message"), *calls, *contents, *c;
	cJSON *out = cJSON_CreateObject();
	const char *role, *content;

	if (!cJSON_IsObject(msg))
		msg = m;
	role = jt_str(msg, "role");
	content = jt_str(msg, "content");
	cJSON_AddItemToObject(out, "role", cJSON_CreateString(role ? role : "user"));
	contents = jt_get(msg, "contents");
	if (content) {
		cJSON_AddItemToObject(out, "content", cJSON_CreateString(content));
	} else if (cJSON_IsArray(contents)) {
		cJSON *blocks = cJSON_CreateArray();

		for (c = contents->child; c; c = c->next) {
			const cJSON *mc = jt_get(c, "message_content");
			cJSON *b = cJSON_CreateObject();

			if (!cJSON_IsObject(mc))
				mc = c;
			cJSON_AddItemToObject(b, "type", cJSON_CreateString(jt_str(mc, "type") ?
									     jt_str(mc, "type") : "text"));
			if (jt_str(mc, "text"))
				cJSON_AddItemToObject(b, "text", cJSON_CreateString(jt_str(mc, "text")));
			cJSON_AddItemToArray(blocks, b);
		}
		cJSON_AddItemToObject(out, "content", blocks);
	}
	if (jt_str(msg, "name"))
		cJSON_AddItemToObject(out, "name", cJSON_CreateString(jt_str(msg, "name")));
	if (jt_str(msg, "tool_call_id"))
		cJSON_AddItemToObject(out, "tool_call_id",
				      cJSON_CreateString(jt_str(msg, "tool_call_id")));
	calls = jt_get(msg, "tool_calls");
	if (cJSON_IsArray(calls) && calls->child) {
		cJSON *tcs = cJSON_CreateArray();

		for (c = calls->child; c; c = c->next) {
			const cJSON *tc = jt_get(c, "tool_call");

			if (!cJSON_IsObject(tc))
				tc = c;
			cJSON_AddItemToArray(tcs, tool_call(jt_str(tc, "id"), jt_get(tc, "function")));
		}
		cJSON_AddItemToObject(out, "tool_calls", tcs);
	}
	return out;
}

/* The older GenAI form (gen_ai.prompt.N.role / .content /
 * .tool_calls.K.name / .arguments) as an OpenAI chat message. */
static cJSON *genai_message(const cJSON *m, const char *dflt_role)
{
	const cJSON *calls = jt_get(m, "tool_calls"), *c;
	cJSON *out = cJSON_CreateObject();
	const char *role = jt_str(m, "role");

	cJSON_AddItemToObject(out, "role", cJSON_CreateString(role ? role : dflt_role));
	if (jt_get(m, "content"))
		cJSON_AddItemToObject(out, "content", cJSON_Duplicate(jt_get(m, "content"), true));
	if (jt_str(m, "tool_call_id"))
		cJSON_AddItemToObject(out, "tool_call_id",
				      cJSON_CreateString(jt_str(m, "tool_call_id")));
	if (cJSON_IsArray(calls) && calls->child) {
		cJSON *tcs = cJSON_CreateArray();

		for (c = calls->child; c; c = c->next)
			cJSON_AddItemToArray(tcs, tool_call(jt_str(c, "id"), c));
		cJSON_AddItemToObject(out, "tool_calls", tcs);
	}
	return out;
}

/* Messages kept as flat attributes under prefix, converted; NULL if none.
 * A prefix holding a JSON list of messages itself is read too. */
static cJSON *messages(const cJSON *raw, const char *prefix, bool oi, const char *dflt_role)
{
	cJSON *flat = unflatten(raw, prefix), *out, *whole = NULL;
	const cJSON *c, *src = flat;

	if (!flat) {
		const cJSON *v = jt_get(raw, prefix);

		if (!v)
			return NULL;
		whole = decoded(v);
		if (!cJSON_IsArray(whole) || !whole->child) {
			cJSON_Delete(whole);
			return NULL;
		}
		src = whole;
	}
	out = cJSON_CreateArray();
	for (c = src->child; c; c = c->next)
		if (cJSON_IsObject(c))
			cJSON_AddItemToArray(out, oi ? oi_message(c) : genai_message(c, dflt_role));
	cJSON_Delete(flat);
	cJSON_Delete(whole);
	if (!out->child) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

static char *as_inputs(cJSON *msgs)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddItemToObject(o, "messages", msgs);
	s = jt_print_unicode(o);
	cJSON_Delete(o);
	return s;
}

static char *as_outputs(cJSON *msgs)
{
	cJSON *o = cJSON_CreateObject(), *choices = cJSON_CreateArray(), *m;
	int i = 0;
	char *s;

	while ((m = cJSON_DetachItemFromArray(msgs, 0)) != NULL) {
		cJSON *ch = cJSON_CreateObject();

		cJSON_AddItemToObject(ch, "index", jt_new_int(i++));
		cJSON_AddItemToObject(ch, "message", m);
		cJSON_AddItemToArray(choices, ch);
	}
	cJSON_Delete(msgs);
	cJSON_AddItemToObject(o, "choices", choices);
	s = jt_print_unicode(o);
	cJSON_Delete(o);
	return s;
}

/* ---- inputs and outputs -------------------------------------------------- */

/* Keys whose value MLflow takes as the inputs (outputs) of a span, in the
 * order its translators look (OpenInference, GenAI, Traceloop, Google ADK,
 * Vercel AI).  A NULL key is where messages kept as flat attributes are
 * looked for. */
static const char *const input_keys[] = {
	"input.value", NULL, "gen_ai.input.messages", "gen_ai.tool.call.arguments",
	"traceloop.entity.input", "gcp.vertex.agent.llm_request", "gcp.vertex.agent.tool_call_args",
	"ai.prompt", "ai.toolCall.args", "ai.value", "ai.values",
};
static const char *const output_keys[] = {
	"output.value", NULL, "gen_ai.output.messages", "gen_ai.tool.call.result",
	"traceloop.entity.output", "gcp.vertex.agent.llm_response", "gcp.vertex.agent.tool_response",
	"ai.response.text", "ai.toolCall.result", "ai.response.object", "ai.embedding",
	"ai.embeddings",
};

/* An attribute taken as inputs or outputs: a string holding JSON (a list
 * of messages, a request body) is that JSON, so the chat view and MLflow
 * see the structure and not a string. */
static char *io_encode(const cJSON *v)
{
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		size_t i = strspn(s, " \t\r\n");

		if ((s[i] == '[' || s[i] == '{') && jt_valid(s, strlen(s))) {
			cJSON *p = jt_parse(s, strlen(s), NULL);
			char *t = p ? jt_print_unicode(p) : NULL;

			cJSON_Delete(p);
			if (t)
				return t;
		}
	}
	return semconv_encode(v);
}

static char *io_value(const cJSON *raw, bool inputs)
{
	const char *const *keys = inputs ? input_keys : output_keys;
	size_t n = inputs ? sizeof input_keys / sizeof input_keys[0]
			  : sizeof output_keys / sizeof output_keys[0];
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON *m;

		if (keys[i]) {
			if (attr_truthy(raw, keys[i]))
				return io_encode(jt_get(raw, keys[i]));
			continue;
		}
		m = messages(raw, inputs ? "llm.input_messages" : "llm.output_messages", true,
			     inputs ? "user" : "assistant");
		if (!m)
			m = messages(raw, inputs ? "gen_ai.prompt" : "gen_ai.completion", false,
				     inputs ? "user" : "assistant");
		if (m)
			return inputs ? as_inputs(m) : as_outputs(m);
	}
	return NULL;
}

/* ---- token usage --------------------------------------------------------- */

static bool count_of(const cJSON *raw, const char *key, int64_t *out)
{
	const cJSON *v = key ? jt_get(raw, key) : NULL;
	char buf[32];

	if (!v)
		return false;
	if (jt_int64(v, out) == 0)
		return true;
	if (attr_string(v, buf, sizeof buf) && parse_int64(buf, out) == 0)
		return true;
	if (jt_is_num(v)) {
		double d = jt_double(v);

		if (d >= 0 && d < 9e18) {
			*out = (int64_t)d;
			return true;
		}
	}
	return false;
}

static void usage_of(const cJSON *raw, struct semconv_usage *u)
{
	static const struct {
		const char *in, *out, *total;
	} keys[] = {
		{ "llm.token_count.prompt", "llm.token_count.completion", "llm.token_count.total" },
		{ "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", NULL },
		{ "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens", "llm.usage.total_tokens" },
	};
	size_t i;

	memset(u, 0, sizeof *u);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		int64_t in, out, total;

		if (!count_of(raw, keys[i].in, &in) || !count_of(raw, keys[i].out, &out) || !in ||
		    !out)
			continue;
		if (!count_of(raw, keys[i].total, &total) || !total)
			total = in + out;
		u->in = in;
		u->out = out;
		u->total = total;
		u->set = true;
		return;
	}
}

static char *usage_json(const struct semconv_usage *u)
{
	return xasprintf("{\"input_tokens\": %lld, \"output_tokens\": %lld, \"total_tokens\": %lld}",
			 (long long)u->in, (long long)u->out, (long long)u->total);
}

/* ---- the attributes ------------------------------------------------------ */

static void put(cJSON *o, const char *key, char *text)
{
	cJSON *v = cJSON_CreateString(text);

	free(text);
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

static char *string_json(const char *s)
{
	cJSON *v = cJSON_CreateString(s);
	char *t = jt_print_unicode(v);

	cJSON_Delete(v);
	return t;
}

cJSON *semconv_attributes(const cJSON *raw, const struct semconv_opts *o,
			  struct semconv_usage *usage)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *c;
	struct semconv_usage u = { 0 };
	const char *type;
	char *text;

	/* First, as in the spans MLflow writes. */
	cJSON_AddItemToObject(out, ATTR_REQUEST_ID, cJSON_CreateString(""));
	cJSON_AddItemToObject(out, ATTR_SPAN_TYPE, cJSON_CreateString(""));
	for (c = raw ? raw->child : NULL; c; c = c->next) {
		if (!c->string)
			continue;
		put(out, c->string, semconv_encode(c));
	}
	put(out, ATTR_REQUEST_ID, string_json(o->trace_id));
	if (jt_get(raw, ATTR_SPAN_TYPE)) {
		/* already there (an MLflow span sent through OTel) */
	} else {
		type = o->type ? o->type : semconv_span_type(raw);
		/* Spans that say no kind but carry a model request or tool call
		 * (Google ADK's call_llm, execute_tool). */
		if (!type && (jt_get(raw, "gcp.vertex.agent.llm_request") ||
			      jt_get(raw, "gen_ai.request.model")))
			type = "LLM";
		if (!type && jt_get(raw, "gcp.vertex.agent.tool_call_args"))
			type = "TOOL";
		put(out, ATTR_SPAN_TYPE, string_json(type ? type :
						     o->fallback_type ? o->fallback_type : "UNKNOWN"));
	}
	if (!jt_get(raw, ATTR_INPUTS)) {
		text = o->inputs && !cJSON_IsNull(o->inputs) ? jt_print_unicode(o->inputs)
							     : io_value(raw, true);
		if (text)
			put(out, ATTR_INPUTS, text);
	}
	if (!jt_get(raw, ATTR_OUTPUTS)) {
		text = o->outputs && !cJSON_IsNull(o->outputs) ? jt_print_unicode(o->outputs)
							       : io_value(raw, false);
		if (text)
			put(out, ATTR_OUTPUTS, text);
	}
	if (o->usage && o->usage->set)
		u = *o->usage;
	else
		usage_of(raw, &u);
	if (!jt_get(raw, ATTR_USAGE) && u.set)
		put(out, ATTR_USAGE, usage_json(&u));
	if (usage)
		*usage = u;
	return out;
}
