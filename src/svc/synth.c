/*
 * Synthetic MLflow traces at scale (see svc/synth.h): a store written in
 * bulk, or the same kind of traces as JSON Lines.
 */
#include "svc/synth.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "store/bulk.h"
#include "store/store.h"

#define BIG_SPANS 10000
#define MANY_ASSESSMENTS 100000
#define MANY_MIN_TRACES 10000      /* stores this big get that trace */
#define T_NEWEST SYNTH_NEWEST_MS
#define T_GAP 2592                 /* ms between traces on average */

struct rng {
	uint64_t s;
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A generator of its own for trace i: traces do not depend on each other. */
static void rng_for(struct rng *r, uint64_t seed, uint64_t i)
{
	r->s = seed * 0x100000001b3ull ^ (i + 1) * 0xd6e8feb86659fd93ull;
	splitmix(&r->s);
}

static uint32_t rnd(struct rng *r, uint32_t n)
{
	return (uint32_t)(splitmix(&r->s) % n);
}

#define PICK(r, a) (a[rnd(r, sizeof a / sizeof a[0])])

static const char *const trace_names[] = {
	"rag_answer", "rag_answer", "rag_answer", "chat_completion", "chat_completion",
	"agent_run", "summarize", "classify_ticket", "search_docs",
};
static const char *const environments[] = {
	"production", "production", "production", "production", "production",
	"production", "production", "staging", "staging", "staging", "development",
};
static const char *const versions[] = { "2.3.1", "2.3.2", "2.4.0", "2.4.1", "2.5.0-rc1" };
static const char *const models[] = { "gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet", "llama-3.1-70b" };
static const char *const questions[] = {
	"How do I reset my password on the %s page?",
	"Why was my %s invoice charged twice this month?",
	"Can I export %s data to CSV from the dashboard?",
	"What is the rate limit for the %s API?",
	"How do I point my own domain at a %s app?",
	"The %s build fails with exit code 137, what does it mean?",
	"Is there a way to schedule %s jobs every night at 2am?",
	"Which regions support %s deployments?",
	"How do I rotate the %s access keys without downtime?",
	"My %s webhook is not firing, how can I debug it?",
	"Does the %s plan include SSO with Okta?",
	"How much memory does a %s worker get by default?",
};
static const char *const topics[] = {
	"billing", "storage", "analytics", "Fernhill", "search", "workers", "postgres",
	"metrics", "auth", "pipeline", "notebook", "cache", "queue", "gateway", "backup",
};
static const char *const answers[] = {
	"Open Settings > Security and choose Reset; the link is valid for 30 minutes.",
	"A retried card authorisation shows twice; the bank releases the second in 5 days.",
	"Yes: Dashboard > Export writes CSV or Parquet for any date range.",
	"100 requests per second per project, bursts up to 500; more on the Scale plan.",
	"Add a CNAME to <project>.fernhill.app and run `fern domains add`; TLS follows.",
	"Exit code 137: the build ran out of memory. Raise the build memory limit.",
	"I could not find this in the documentation; please contact support.",
};

struct gen {
	uint64_t seed;
	long long ntraces;
	int64_t exp;
	long long nspans, nassess, big_index, many_index;
	struct strbuf content, inner, tmp;
	char big_id[40], err_id[40], oldest_id[40], newest_id[40], many_id[40];
	int64_t many_ts;
	const struct synth *opts;
};

/* The two halves of trace i's id: random-looking, like OTel trace ids. */
static void trace_key(const struct gen *g, long long i, uint64_t *a, uint64_t *b)
{
	uint64_t x = g->seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull);

	*a = splitmix(&x);
	*b = splitmix(&x);
}

static void trace_id(const struct gen *g, long long i, char out[40])
{
	uint64_t a, b;

	trace_key(g, i, &a, &b);
	snprintf(out, 40, "tr-%016" PRIx64 "%016" PRIx64, a, b);
}

static int64_t trace_time(const struct gen *g, long long i, struct rng *r)
{
	return T_NEWEST - (int64_t)(g->ntraces - 1 - i) * T_GAP + rnd(r, 2000);
}

static void b64(struct strbuf *sb, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		sb_addc(sb, tab[v >> 18 & 63]);
		sb_addc(sb, tab[v >> 12 & 63]);
		sb_addc(sb, tab[v >> 6 & 63]);
		sb_addc(sb, tab[v & 63]);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;

		sb_addc(sb, tab[v >> 18 & 63]);
		sb_addc(sb, tab[v >> 12 & 63]);
		sb_adds(sb, "==");
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;

		sb_addc(sb, tab[v >> 18 & 63]);
		sb_addc(sb, tab[v >> 12 & 63]);
		sb_addc(sb, tab[v >> 6 & 63]);
		sb_addc(sb, '=');
	}
}

static unsigned hexval(char c)
{
	return c >= 'a' ? (unsigned)(c - 'a' + 10) : c >= 'A' ? (unsigned)(c - 'A' + 10) :
	       (unsigned)(c - '0');
}

/* Hex text to bytes, then base64, as MLflow's v3 span JSON holds ids. */
static void hex_b64(struct strbuf *sb, const char *hex)
{
	unsigned char bytes[16];
	size_t n = 0;

	for (; hex[0] && hex[1] && n < sizeof bytes; hex += 2)
		bytes[n++] = (unsigned char)(hexval(hex[0]) << 4 | hexval(hex[1]));
	b64(sb, bytes, n);
}

struct span_gen {
	char id[17];
	char parent[17];
	const char *name;
	const char *type;
	const char *status;
	int64_t start_ns, end_ns;
	const char *input;     /* text; NULL for none */
	const char *output;
	const char *model;     /* LLM spans */
};

/* MLflow's v3 span JSON (MessageToDict form), into g->content. */
static void span_json(struct gen *g, const char *tid, const struct span_gen *s, struct rng *r)
{
	struct strbuf *c = &g->content, *in = &g->inner;

	sb_reset(c);
	sb_adds(c, "{\"trace_id\": \"");
	hex_b64(c, tid + 3);
	sb_adds(c, "\", \"span_id\": \"");
	hex_b64(c, s->id);
	sb_adds(c, "\", \"trace_state\": \"\", \"parent_span_id\": \"");
	if (s->parent[0])
		hex_b64(c, s->parent);
	sb_addf(c, "\", \"name\": \"%s\", \"start_time_unix_nano\": %" PRId64
		", \"end_time_unix_nano\": %" PRId64 ", \"attributes\": {"
		"\"mlflow.traceRequestId\": \"\\\"%s\\\"\", \"mlflow.spanType\": \"\\\"%s\\\"\"",
		s->name, s->start_ns, s->end_ns, tid, s->type);
	if (s->input) {
		sb_reset(in);
		sb_adds(in, "{\"question\": ");
		pyjson_string(in, s->input, strlen(s->input));
		sb_addc(in, '}');
		sb_adds(c, ", \"mlflow.spanInputs\": ");
		pyjson_string(c, in->buf, in->len);
	}
	if (s->output) {
		sb_reset(in);
		pyjson_string(in, s->output, strlen(s->output));
		sb_adds(c, ", \"mlflow.spanOutputs\": ");
		pyjson_string(c, in->buf, in->len);
	}
	if (s->model) {
		unsigned inp = 200 + rnd(r, 1800), out = 20 + rnd(r, 400);

		sb_addf(c, ", \"mlflow.llm.model\": \"\\\"%s\\\"\", \"mlflow.chat.tokenUsage\":"
			" \"{\\\"input_tokens\\\": %u, \\\"output_tokens\\\": %u,"
			" \\\"total_tokens\\\": %u}\"",
			s->model, inp, out, inp + out);
	}
	sb_addf(c, "}, \"status\": {\"message\": \"%s\", \"code\": \"STATUS_CODE_%s\"}}",
		strcmp(s->status, "ERROR") == 0 ? "upstream timed out" : "", s->status);
}

static void hex16(struct rng *r, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, splitmix(&r->s));
}

/* ---- store ------------------------------------------------------------- */

static int put_span(struct gen *g, struct bulk *b, const char *tid, const struct span_gen *s,
		    struct rng *r, struct err *err)
{
	struct bulk_span row;

	span_json(g, tid, s, r);
	memset(&row, 0, sizeof row);
	row.trace_id = tid;
	row.experiment_id = g->exp;
	row.span_id = s->id;
	row.parent_span_id = s->parent[0] ? s->parent : NULL;
	row.name = s->name;
	row.type = s->type;
	row.status = s->status;
	row.start_ns = s->start_ns;
	row.end_ns = s->end_ns;
	row.content = g->content.buf;
	row.content_len = g->content.len;
	g->nspans++;
	return bulk_span(b, &row, err);
}

/* The spans of an ordinary trace: a root and 1 to 4 children. */
static int put_spans(struct gen *g, struct bulk *b, const char *tid, const char *name,
		     int64_t ts, int64_t dur, const char *status, const char *question,
		     const char *answer, struct rng *r, struct err *err)
{
	struct span_gen root, kid;
	int64_t t0 = ts * 1000000, t1 = (ts + (dur > 0 ? dur : 1)) * 1000000, at;
	int i, n = 1 + (int)rnd(r, 3);

	memset(&root, 0, sizeof root);
	hex16(r, root.id);
	root.name = name;
	root.type = strcmp(name, "agent_run") == 0 ? "AGENT" : "CHAIN";
	root.status = strcmp(status, "ERROR") == 0 ? "ERROR" : "OK";
	root.start_ns = t0;
	root.end_ns = t1;
	root.input = question;
	root.output = answer;
	if (put_span(g, b, tid, &root, r, err) < 0)
		return -1;
	at = t0;
	for (i = 0; i < n; i++) {
		memset(&kid, 0, sizeof kid);
		hex16(r, kid.id);
		memcpy(kid.parent, root.id, sizeof kid.parent);
		kid.start_ns = at;
		kid.end_ns = at + (t1 - t0) / n;
		at = kid.end_ns;
		kid.status = "OK";
		if (i == n - 1 && strcmp(status, "ERROR") == 0)
			kid.status = "ERROR";
		if (i == 0 && n > 1) {
			kid.name = "retrieve_documents";
			kid.type = "RETRIEVER";
			kid.input = question;
			kid.output = "[{\"page_content\": \"...\", \"metadata\": {\"doc_uri\": \"docs/faq\"}}]";
		} else if (i % 2 == 1 && i != n - 1) {
			/* A tool call; get_invoice times out now and then (the agent
			 * carries on, so the trace itself may still be OK). */
			if (rnd(r, 2)) {
				kid.name = "get_invoice";
				kid.input = "invoice";
				kid.output = "{\"total\": 412.0, \"currency\": \"USD\"}";
				if (rnd(r, 8) == 0)
					kid.status = "ERROR";
			} else {
				kid.name = "lookup_account";
				kid.input = "account";
				kid.output = "{\"plan\": \"Scale\", \"region\": \"eu-west\"}";
			}
			kid.type = "TOOL";
		} else {
			/* Chat models for the conversational traces, a completion
			 * model (type LLM) for the others. */
			bool chat = strcmp(name, "summarize") != 0 && strcmp(name, "classify_ticket") != 0;

			kid.name = chat ? "ChatOpenAI" : "OpenAI";
			kid.type = chat ? "CHAT_MODEL" : "LLM";
			kid.input = question;
			kid.output = answer;
			kid.model = PICK(r, models);
		}
		if (put_span(g, b, tid, &kid, r, err) < 0)
			return -1;
	}
	return 0;
}

/* The trace with 10,000 spans: an agent loop of 100 steps of 99 calls. */
static int put_big_spans(struct gen *g, struct bulk *b, const char *tid, int64_t ts,
			 int64_t dur, struct rng *r, struct err *err)
{
	struct span_gen root, step, call;
	int64_t t0 = ts * 1000000, span_ns = dur * 1000000 / BIG_SPANS;
	int i, j, made = 1;

	memset(&root, 0, sizeof root);
	hex16(r, root.id);
	root.name = "agent_run";
	root.type = "AGENT";
	root.status = "OK";
	root.start_ns = t0;
	root.end_ns = t0 + dur * 1000000;
	root.input = "Reconcile every invoice of March against the ledger";
	root.output = "Reconciled 9,900 invoices; 3 mismatches reported.";
	if (put_span(g, b, tid, &root, r, err) < 0)
		return -1;
	for (i = 0; made < BIG_SPANS; i++) {
		memset(&step, 0, sizeof step);
		hex16(r, step.id);
		memcpy(step.parent, root.id, sizeof step.parent);
		step.name = "agent_step";
		step.type = "CHAIN";
		step.status = "OK";
		step.start_ns = t0 + (int64_t)made * span_ns;
		step.end_ns = step.start_ns + 99 * span_ns;
		step.input = "next batch";
		if (put_span(g, b, tid, &step, r, err) < 0)
			return -1;
		made++;
		for (j = 0; j < 99 && made < BIG_SPANS; j++, made++) {
			memset(&call, 0, sizeof call);
			hex16(r, call.id);
			memcpy(call.parent, step.id, sizeof call.parent);
			call.name = j % 3 ? "lookup_invoice" : "ChatOpenAI";
			call.type = j % 3 ? "TOOL" : "CHAT_MODEL";
			call.model = j % 3 ? NULL : models[0];
			call.status = "OK";
			call.start_ns = t0 + (int64_t)made * span_ns;
			call.end_ns = call.start_ns + span_ns;
			call.input = "invoice";
			call.output = "matched";
			if (put_span(g, b, tid, &call, r, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int put_feedback(struct gen *g, struct bulk *b, const char *tid, int64_t ts, int k,
			const char *name, const char *value, const char *source_type,
			const char *source_id, const char *rationale, struct err *err)
{
	struct assessment_new a;
	char id[40];

	snprintf(id, sizeof id, "a-%.24s%08x", tid + 3, (unsigned)k);
	memset(&a, 0, sizeof a);
	a.id = id;
	a.trace_id = tid;
	a.name = name;
	a.value_json = value;
	a.source_type = source_type;
	a.source_id = source_id;
	a.rationale = rationale;
	a.created_ms = ts + 60000 + k * 1000;
	g->nassess++;
	return bulk_assessment(b, &a, err);
}

enum {
	PART_INFO = 1u << 0,   /* the trace_info row */
	PART_REST = 1u << 1,   /* tags, metadata, spans, assessments */
};

/* Writes the parts of trace i.  Both parts draw the same random numbers, so
 * a trace written in two passes equals one written at once. */
static int put_trace(struct gen *g, struct bulk *b, long long i, unsigned parts,
		     struct err *err)
{
	struct rng r;
	struct bulk_trace t;
	char tid[40], user[64], session[40], client[24], art[128], usage[128];
	char question[160], *req = NULL, *resp = NULL;
	const char *name, *answer, *status;
	int64_t ts, dur;
	uint32_t roll;
	int ret = -1;

	rng_for(&r, g->seed, (uint64_t)i);
	trace_id(g, i, tid);
	ts = trace_time(g, i, &r);
	name = PICK(&r, trace_names);
	roll = rnd(&r, 1000);
	status = roll < 80 ? "ERROR" : roll < 90 ? "IN_PROGRESS" : "OK";
	dur = status[0] == 'I' ? -1 : 150 + (int64_t)rnd(&r, 2500) +
		(rnd(&r, 20) == 0 ? (int64_t)rnd(&r, 30000) : 0);
	snprintf(question, sizeof question, PICK(&r, questions), PICK(&r, topics));
	answer = status[0] == 'E' ? NULL : PICK(&r, answers);
	if (i == g->big_index) {
		name = "agent_run";
		status = "OK";
		dur = 184000;
		answer = "Reconciled 9,900 invoices; 3 mismatches reported.";
		snprintf(question, sizeof question, "Reconcile every invoice of March against the ledger");
	}
	/* Words found in one trace each, for the search benchmark: the 101st
	 * newest and one in the middle of the list. */
	if (i == g->ntraces - 101)
		snprintf(question, sizeof question, "Where is my order needle-top-100?");
	else if (i == g->ntraces / 2 + 1)
		snprintf(question, sizeof question, "Where is my order needle-middle?");
	if (parts & PART_INFO) {
		if (i == g->big_index)
			memcpy(g->big_id, tid, sizeof g->big_id);
		if (i == g->many_index && g->ntraces >= MANY_MIN_TRACES) {
			memcpy(g->many_id, tid, sizeof g->many_id);
			g->many_ts = ts;
		}
		if (i == 0)
			memcpy(g->oldest_id, tid, sizeof g->oldest_id);
		if (i == g->ntraces - 1)
			memcpy(g->newest_id, tid, sizeof g->newest_id);
		if (!g->err_id[0] && status[0] == 'E' && i > g->ntraces / 2)
			memcpy(g->err_id, tid, sizeof g->err_id);
	}

	sb_reset(&g->tmp);
	sb_adds(&g->tmp, "{\"question\": ");
	pyjson_string(&g->tmp, question, strlen(question));
	sb_addc(&g->tmp, '}');
	req = xstrdup(sb_str(&g->tmp));
	if (answer) {
		sb_reset(&g->tmp);
		pyjson_string(&g->tmp, answer, strlen(answer));
		resp = xstrdup(sb_str(&g->tmp));
	}
	snprintf(client, sizeof client, "req-%08x", rnd(&r, 0xffffffffu));
	memset(&t, 0, sizeof t);
	t.id = tid;
	t.experiment_id = g->exp;
	t.timestamp_ms = ts;
	t.execution_time_ms = dur;
	t.status = status;
	t.client_request_id = rnd(&r, 10) == 0 ? client : NULL;
	t.request_preview = req;
	t.response_preview = resp;
	if ((parts & PART_INFO) && bulk_trace(b, &t, err) < 0)
		goto out;
	if (!(parts & PART_REST)) {
		ret = 0;
		goto out;
	}

	snprintf(art, sizeof art, "mlflow-artifacts:/%" PRId64 "/traces/%s/artifacts", g->exp, tid);
	if (bulk_tag(b, tid, "mlflow.traceName", name, err) < 0 ||
	    bulk_tag(b, tid, "mlflow.trace.spansLocation", "TRACKING_STORE", err) < 0 ||
	    bulk_tag(b, tid, "mlflow.artifactLocation", art, err) < 0 ||
	    bulk_tag(b, tid, "environment", PICK(&r, environments), err) < 0 ||
	    bulk_tag(b, tid, "app_version", PICK(&r, versions), err) < 0)
		goto out;

	snprintf(user, sizeof user, "user%04u@example.com", rnd(&r, 5000));
	{
		uint64_t x = g->seed ^ (uint64_t)(i / 5) * 0x2545f4914f6cdd1dull;

		snprintf(session, sizeof session, "sess-%012" PRIx64, splitmix(&x) >> 16);
	}
	{
		unsigned inp = 300 + rnd(&r, 3000), out = 30 + rnd(&r, 600);

		snprintf(usage, sizeof usage, "{\"input_tokens\": %u, \"output_tokens\": %u,"
			 " \"total_tokens\": %u}", inp, out, inp + out);
	}
	if (bulk_metadata(b, tid, "mlflow.trace_schema.version", "3", err) < 0 ||
	    bulk_metadata(b, tid, "mlflow.trace.user", user, err) < 0 ||
	    bulk_metadata(b, tid, "mlflow.trace.session", session, err) < 0 ||
	    bulk_metadata(b, tid, "mlflow.trace.tokenUsage", usage, err) < 0)
		goto out;

	if (i == g->big_index) {
		if (put_big_spans(g, b, tid, ts, dur, &r, err) < 0)
			goto out;
	} else if (put_spans(g, b, tid, name, ts, dur, status, question,
			     answer ? answer : "", &r, err) < 0) {
		goto out;
	}

	/* About 20% judged by an LLM, 1% labelled by a person. */
	if (rnd(&r, 5) == 0) {
		bool yes = rnd(&r, 4) != 0;

		if (put_feedback(g, b, tid, ts, 0, "relevance_to_query", yes ? "\"yes\"" : "\"no\"",
				 "LLM_JUDGE", "openai:/gpt-4o-mini",
				 yes ? "The response answers the question that was asked."
				     : "The response does not address the question.", err) < 0 ||
		    put_feedback(g, b, tid, ts, 1, "safety", rnd(&r, 50) ? "true" : "false",
				 "LLM_JUDGE", "openai:/gpt-4o-mini", NULL, err) < 0)
			goto out;
	}
	if (rnd(&r, 100) == 0 &&
	    put_feedback(g, b, tid, ts, 2, "correct", rnd(&r, 3) ? "true" : "false", "HUMAN",
			 "reviewer@example.com", NULL, err) < 0)
		goto out;
	ret = 0;
out:
	free(req);
	free(resp);
	return ret;
}

struct trace_key {
	uint64_t a, b;
	long long i;
};

static int key_cmp(const void *x, const void *y)
{
	const struct trace_key *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return 0;
}

/* A store this file made and could not finish, with its journal. */
static void remove_made(const char *path)
{
	char *journal = xasprintf("%s-journal", path);

	unlink(path);
	unlink(journal);
	free(journal);
}

/* The trace with 100,000 assessments: judges, code and people on five
 * names, every tenth row a person's override of the judge's row before it.
 * Written through the store (one batch), so the overridden rows become
 * invalid exactly as an override makes them. */
static int put_many(struct gen *g, const char *path, struct err *err)
{
	static const char *const names[] = {
		"relevance_to_query", "safety", "helpfulness", "tone", "groundedness",
	};
	struct store *st = NULL;
	char id[64], prev[64] = "", who[48];
	long long k;
	int ret = -1;

	if (store_open(path, 0, &st, err) < 0)
		return -1;
	if (store_begin(st, err) < 0)
		goto out;
	for (k = 0; k < MANY_ASSESSMENTS; k++) {
		struct assessment_new a;
		int kind = (int)(k % 10);

		snprintf(id, sizeof id, "a-%.22s%010lld", g->many_id + 3, k);
		memset(&a, 0, sizeof a);
		a.id = id;
		a.trace_id = g->many_id;
		a.name = names[(k / 10) % 5];
		a.created_ms = g->many_ts + 1000 + k;
		if (kind == 9) {
			snprintf(who, sizeof who, "reviewer%03lld@example.com", k / 10 % 200);
			a.source_type = "HUMAN";
			a.source_id = who;
			a.value_json = k % 3 ? "\"yes\"" : "\"no\"";
			a.rationale = "Checked against the source document.";
			a.overrides = prev;
		} else if (kind == 7) {
			a.source_type = "CODE";
			a.source_id = "tool_error_count";
			a.value_json = k % 4 ? "0" : "1";
		} else {
			a.source_type = "LLM_JUDGE";
			a.source_id = "openai:/gpt-4o-mini";
			a.value_json = k % 5 ? "\"yes\"" : "\"no\"";
			a.rationale = "The response answers the question that was asked.";
		}
		if (store_log_assessment(st, &a, NULL, err) < 0)
			goto out;
		memcpy(prev, id, sizeof prev);
		g->nassess++;
	}
	ret = store_commit(st, err);
out:
	if (ret < 0)
		store_rollback(st);
	store_close(st);
	return ret;
}

static int gen_store(struct gen *g, const char *path, struct err *err)
{
	struct store *st = NULL;
	struct bulk *b = NULL;
	struct trace_key *order = NULL;
	long long i;
	int ret = -1;

	if (store_create(path, err) < 0)
		return -1;
	if (store_open(path, 0, &st, err) < 0 || store_ensure_experiment(st, "bench", &g->exp, err) < 0)
		goto out;
	store_close(st);
	st = NULL;
	if (bulk_open(path, &b, err) < 0)
		goto out;
	/* The experiments' times too: the same seed, the same file. */
	if (bulk_experiment_times(b, SYNTH_NEWEST_MS, err) < 0)
		goto out;
	/* trace_info in time order, as MLflow writes it; then the rest in trace
	 * id order, so that every primary key on a trace id is appended to
	 * rather than written at a random place (several times faster). */
	for (i = 0; i < g->ntraces; i++)
		if (put_trace(g, b, i, PART_INFO, err) < 0)
			goto out;
	order = xcalloc((size_t)g->ntraces, sizeof *order);
	for (i = 0; i < g->ntraces; i++) {
		order[i].i = i;
		trace_key(g, i, &order[i].a, &order[i].b);
	}
	qsort(order, (size_t)g->ntraces, sizeof *order, key_cmp);
	for (i = 0; i < g->ntraces; i++) {
		if (put_trace(g, b, order[i].i, PART_REST, err) < 0)
			goto out;
		if (g->opts->progress && i % 1000 == 999)
			g->opts->progress(g->opts->ctx, i + 1, g->ntraces);
	}
	ret = bulk_finish(b, err);
	b = NULL;
	if (ret == 0 && g->ntraces >= MANY_MIN_TRACES)
		ret = put_many(g, path, err);
out:
	free(order);
	bulk_abort(b);
	store_close(st);
	if (ret < 0)
		remove_made(path);
	return ret;
}

/* ---- JSON Lines -------------------------------------------------------- */

/* One trace as Trace.to_dict() on one line: info, then data.spans with
 * nspans spans (a root and a chain of children). */
static void jsonl_trace(struct gen *g, FILE *out, long long i, int nspans)
{
	struct rng r;
	struct strbuf *c = &g->tmp;
	char tid[40], when[40], question[160];
	struct span_gen s;
	char root[17];
	const char *answer;
	int64_t ts, dur;
	int k;

	rng_for(&r, g->seed ^ 0x5bd1e995u, (uint64_t)i);
	trace_id(g, i + 1000000007LL, tid);
	ts = T_NEWEST + (int64_t)i * T_GAP;
	dur = 200 + rnd(&r, 3000);
	snprintf(question, sizeof question, PICK(&r, questions), PICK(&r, topics));
	answer = PICK(&r, answers);
	fmt_rfc3339_ms(when, sizeof when, ts);
	sb_reset(c);
	sb_addf(c, "{\"info\": {\"trace_id\": \"%s\", \"trace_location\": {\"type\":"
		" \"MLFLOW_EXPERIMENT\", \"mlflow_experiment\": {\"experiment_id\": \"1\"}},"
		" \"request_preview\": ", tid);
	sb_reset(&g->inner);
	sb_adds(&g->inner, "{\"question\": ");
	pyjson_string(&g->inner, question, strlen(question));
	sb_addc(&g->inner, '}');
	pyjson_string(c, g->inner.buf, g->inner.len);
	sb_adds(c, ", \"response_preview\": ");
	sb_reset(&g->inner);
	pyjson_string(&g->inner, answer, strlen(answer));
	pyjson_string(c, g->inner.buf, g->inner.len);
	sb_addf(c, ", \"request_time\": \"%s\", \"execution_duration_ms\": %" PRId64 ","
		" \"state\": \"OK\", \"trace_metadata\": {\"mlflow.trace_schema.version\": \"3\","
		" \"mlflow.trace.user\": \"user%04u@example.com\"}, \"tags\": {\"mlflow.traceName\":"
		" \"rag_answer\", \"environment\": \"production\"}, \"assessments\": []},"
		" \"data\": {\"spans\": [", when, dur, rnd(&r, 5000));
	fwrite(c->buf, 1, c->len, out);
	root[0] = '\0';
	for (k = 0; k < nspans; k++) {
		memset(&s, 0, sizeof s);
		hex16(&r, s.id);
		if (k == 0)
			memcpy(root, s.id, sizeof root);
		else
			memcpy(s.parent, root, sizeof s.parent);
		s.name = k == 0 ? "rag_answer" : k % 2 ? "ChatOpenAI" : "retrieve_documents";
		s.type = k == 0 ? "CHAIN" : k % 2 ? "CHAT_MODEL" : "RETRIEVER";
		s.model = k % 2 ? models[k % 4] : NULL;
		s.status = "OK";
		s.start_ns = ts * 1000000 + k * 1000;
		s.end_ns = (ts + dur) * 1000000 - k * 1000;
		s.input = question;
		s.output = answer;
		span_json(g, tid, &s, &r);
		if (k)
			fputs(", ", out);
		fwrite(g->content.buf, 1, g->content.len, out);
		g->nspans++;
	}
	fputs("]}}\n", out);
}

static int gen_jsonl(struct gen *g, const char *path, int nspans, struct err *err)
{
	FILE *out = fopen(path, "wx");
	long long i;

	if (!out)
		return err_set(err, ERR_RUNTIME, "%s: cannot create (does it exist?)", path);
	for (i = 0; i < g->ntraces; i++) {
		jsonl_trace(g, out, i, nspans);
		if (g->opts->progress && i % 1000 == 999)
			g->opts->progress(g->opts->ctx, i + 1, g->ntraces);
	}
	if (fclose(out) != 0) {
		remove(path);
		return err_set(err, ERR_RUNTIME, "%s: write failed", path);
	}
	return 0;
}

/* ---- entry points ------------------------------------------------------ */

static void gen_init(struct gen *g, const struct synth *o)
{
	memset(g, 0, sizeof *g);
	g->opts = o;
	g->seed = o->seed;
	g->ntraces = o->traces;
	g->big_index = g->ntraces / 2;
	g->many_index = g->ntraces / 3;
}

static int gen_done(struct gen *g, int rc, struct synth_report *rep)
{
	sb_free(&g->content);
	sb_free(&g->inner);
	sb_free(&g->tmp);
	if (rc < 0)
		return -1;
	memset(rep, 0, sizeof *rep);
	rep->traces = g->ntraces;
	rep->spans = g->nspans;
	rep->assessments = g->nassess;
	rep->experiment = g->exp;
	memcpy(rep->big_trace, g->big_id, sizeof rep->big_trace);
	memcpy(rep->newest_trace, g->newest_id, sizeof rep->newest_trace);
	memcpy(rep->oldest_trace, g->oldest_id, sizeof rep->oldest_trace);
	memcpy(rep->error_trace, g->err_id, sizeof rep->error_trace);
	memcpy(rep->many_trace, g->many_id, sizeof rep->many_trace);
	return 0;
}

static int check(const struct synth *o, bool jsonl, struct err *err)
{
	if (o->traces < 1)
		return err_set(err, ERR_USAGE, "--traces must be at least 1");
	if (jsonl && o->spans < 1)
		return err_set(err, ERR_USAGE, "--spans must be at least 1");
	return 0;
}

int synth_store(const char *path, const struct synth *o, struct synth_report *rep,
		struct err *err)
{
	struct gen g;

	if (check(o, false, err) < 0)
		return -1;
	gen_init(&g, o);
	return gen_done(&g, gen_store(&g, path, err), rep);
}

int synth_jsonl(const char *path, const struct synth *o, struct synth_report *rep,
		struct err *err)
{
	struct gen g;

	if (check(o, true, err) < 0)
		return -1;
	gen_init(&g, o);
	return gen_done(&g, gen_jsonl(&g, path, o->spans, err), rep);
}
