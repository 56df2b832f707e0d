/*
 * Hostile traces for tracelab's robustness tests, generated from code so
 * that no binary store is committed.
 *
 *   gen_hostile files DIR
 *       Writes import files into DIR: hostile.jsonl (MLflow Trace.to_dict()
 *       lines, one trace per hostile string in raw and in Python
 *       ensure_ascii form, in span formats v2/v3/v4, plus structural cases),
 *       bad.jsonl (records an importer must skip, each on its own line,
 *       around good ones), big.jsonl (a trace with a 10 MB attribute),
 *       traces.json (the bare {"spans": [...]} form), otlp.json
 *       (OTLP/JSON), and odd files (bom.jsonl, crlf.jsonl, empty.jsonl,
 *       blank.jsonl).  Import them with `tracelab import STORE FILE...
 *       --experiment hostile`.
 *   gen_hostile sql STORE DIR
 *       Adds, with direct SQL, what an importer cannot produce: invalid UTF-8
 *       and NUL bytes stored as TEXT, previews that are not JSON, span rows
 *       in unknown JSON formats, traces whose spans are elsewhere (missing,
 *       unreadable, endless or corrupt traces.json under DIR/art), extreme
 *       times, parent cycles, orphans and a 10,000-deep chain, 100,000 spans
 *       in one trace, 10 MB attributes, JSON nested 1,000 and 100,000 deep, a
 *       hostile trace id, odd assessments, and an experiment with a hostile
 *       name.  Traces go into the experiment named "hostile" (created when
 *       missing).  Every trace's mlflow.traceName tag starts with
 *       "H:<case>" (except where the name itself is the hostile part).
 *   gen_hostile check-json [--lines] FILE
 *       Strict JSON (RFC 8259) and UTF-8 validation of FILE, or of each
 *       non-empty line with --lines; exit 0 when valid, else 1 with the
 *       offset of the first problem.
 *   gen_hostile unhex HEX
 *       Writes the bytes a hex string stands for (trace ids with any byte,
 *       as sqlite3's hex() gives them, back to shell arguments).
 *   gen_hostile check-safe FILE
 *       Is FILE text a terminal can show without being driven by it: valid
 *       UTF-8 with no C0 control except newline and tab, no DEL, no C1
 *       control, no bidi control?  Exit 0, else 1 naming the first offender.
 *
 * Deterministic: the same files and rows on every run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sqlite3.h>

/* ---- growable buffer --------------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gen_hostile: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void b_add(struct buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void b_s(struct buf *b, const char *s)
{
	b_add(b, s, strlen(s));
}

static void b_f(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void b_f(struct buf *b, const char *fmt, ...)
{
	char tmp[512], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("b_f: bad format");
	if ((size_t)n < sizeof tmp) {
		b_add(b, tmp, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (!big)
		die("out of memory");
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b_add(b, big, (size_t)n);
	free(big);
}

static void b_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* ---- the hostile strings ----------------------------------------------- */

struct hostile {
	const char *id;      /* short name, used in trace names */
	const char *s;
	size_t n;            /* bytes (may hold NUL) */
};

#define H(id, lit) { id, lit, sizeof lit - 1 }

static const struct hostile hostiles[] = {
	H("esc", "lone \x1b escape"),
	H("csi-clear", "\x1b[2J\x1b[H\x1b[3Jscreen cleared"),
	H("csi-move", "\x1b[10;10H\x1b[5A\x1b[?25l\x1b[?1049hcursor moved"),
	H("sgr", "\x1b[31;1;5mred blinking\x1b[0m"),
	H("osc0-title", "\x1b]0;HOSTILE-TITLE-0\x07" "after"),
	H("osc2-title", "\x1b]2;HOSTILE-TITLE-2\x1b\\after"),
	H("osc52-clip", "\x1b]52;c;aG9zdGlsZSBjbGlwYm9hcmQ=\x07" "after"),
	H("osc8-link", "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\"),
	H("dcs", "\x1bP$q\"p\x1b\\\x1bP1000p\x1b\\after"),
	H("c1-raw", "\x9b" "2J \x9d" "0;HOSTILE-TITLE-C1\x9c \x90q\x9c \x85nel"),
	H("c1-utf8", "\xc2\x9b" "2J \xc2\x9d" "0;HOSTILE-TITLE-C1U\xc2\x9c \xc2\x85nel"),
	H("bidi", "abc\xe2\x80\xae" "evil\xe2\x80\xac \xe2\x81\xa6iso\xe2\x81\xa9 \xe2\x80\xab"
	  "emb\xe2\x80\x8f mark\xd8\x9c"),
	H("bad-utf8", "bad \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xf8\x88\x80\x80\x80 "
	  "trunc \xe2\x82"),
	H("c0", "bell\x07 bs\x08 vt\x0b ff\x0c so\x0e si\x0f del\x7f cr\r tab\t end"),
	H("nul", "before\0after NUL"),
	H("newlines", "line one\nline two\r\nline three\rreturn\xe2\x80\xa8ls\xe2\x80\xa9ps"),
	H("mixed", "\x1b]0;HOSTILE-TITLE-M\x07\xc2\x9b" "2J\xe2\x80\xae\xff\x1b[2J"
	  "\x1b]52;c;bWl4ZWQ=\x07\x0e\x1bkHOSTILE-WINDOW\x1b\\"),
};

#define NHOSTILE (sizeof hostiles / sizeof hostiles[0])

/* ---- JSON text --------------------------------------------------------- */

/* How a JSON string is written: raw keeps bytes >= 0x80 as they are (even
 * invalid UTF-8); ascii writes Python's json.dumps(ensure_ascii=True) form,
 * with invalid bytes as the lone surrogates Python's surrogateescape makes. */
enum jmode {
	J_RAW,
	J_ASCII,
};

static int utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	int len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < (size_t)len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void j_strn(struct buf *b, const char *s, size_t n, enum jmode m)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	b_s(b, "\"");
	while (i < n) {
		uint32_t cp;
		int len;

		if (u[i] == '"' || u[i] == '\\') {
			b_f(b, "\\%c", u[i]);
			i++;
		} else if (u[i] == '\n') {
			b_s(b, "\\n"), i++;
		} else if (u[i] == '\r') {
			b_s(b, "\\r"), i++;
		} else if (u[i] == '\t') {
			b_s(b, "\\t"), i++;
		} else if (u[i] < 0x20 || u[i] == 0x7f) {
			b_f(b, "\\u%04x", u[i]), i++;
		} else if (u[i] < 0x80 || m == J_RAW) {
			b_add(b, &u[i], 1), i++;
		} else if ((len = utf8_len(u + i, n - i, &cp)) == 0) {
			b_f(b, "\\udc%02x", u[i]), i++;
		} else {
			if (cp >= 0x10000) {
				cp -= 0x10000;
				b_f(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
			} else {
				b_f(b, "\\u%04x", cp);
			}
			i += (size_t)len;
		}
	}
	b_s(b, "\"");
}

static void j_str(struct buf *b, const char *s, enum jmode m)
{
	j_strn(b, s, strlen(s), m);
}

/* A JSON string holding the text of another JSON document (how MLflow stores
 * span attribute values). */
static void j_wrapped(struct buf *b, const struct buf *inner)
{
	j_strn(b, inner->p, inner->n, J_RAW);
}

/* "prefix" + hostile bytes as one string. */
static void j_hstr(struct buf *b, const char *prefix, const struct hostile *h, enum jmode m)
{
	struct buf t = { 0 };

	b_s(&t, prefix);
	b_add(&t, h->s, h->n);
	j_strn(b, t.p, t.n, m);
	b_free(&t);
}

static void nested(struct buf *b, int depth, const char *open, const char *close,
		   const char *leaf)
{
	int i;

	for (i = 0; i < depth; i++)
		b_s(b, open);
	b_s(b, leaf);
	for (i = 0; i < depth; i++)
		b_s(b, close);
}

/* ---- ids --------------------------------------------------------------- */

/* "tr-" + 32 lowercase hex: tr-bad0<case:4><n:8>0000... */
static void trace_id(char out[40], unsigned kase, unsigned n)
{
	snprintf(out, 40, "tr-bad0%04x%08x0000000000000000", kase & 0xffff, n);
}

static void otel_hex(const char *tid, char out[33])
{
	memcpy(out, tid + 3, 32);
	out[32] = '\0';
}

static void span_hex(unsigned trace_n, unsigned i, char out[17])
{
	snprintf(out, 17, "5a%04x%010x", trace_n & 0xffff, i);
}

static void b64(struct buf *b, const unsigned char *d, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		char o[4] = { tab[d[i] >> 2], tab[((d[i] & 3) << 4) | (d[i + 1] >> 4)],
			      tab[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)], tab[d[i + 2] & 63] };
		b_add(b, o, 4);
	}
	if (n - i == 1) {
		char o[4] = { tab[d[i] >> 2], tab[(d[i] & 3) << 4], '=', '=' };
		b_add(b, o, 4);
	} else if (n - i == 2) {
		char o[4] = { tab[d[i] >> 2], tab[((d[i] & 3) << 4) | (d[i + 1] >> 4)],
			      tab[(d[i + 1] & 15) << 2], '=' };
		b_add(b, o, 4);
	}
}

/* Hex text to base64 of its bytes (v3 ids), as a JSON string. */
static void j_b64id(struct buf *b, const char *hex)
{
	unsigned char d[16];
	size_t n = strlen(hex) / 2, i;
	unsigned v;

	for (i = 0; i < n && i < sizeof d; i++) {
		sscanf(hex + 2 * i, "%2x", &v);
		d[i] = (unsigned char)v;
	}
	b_s(b, "\"");
	b64(b, d, n);
	b_s(b, "\"");
}

/* ---- spans in the three dict formats ---------------------------------- */

struct sp {
	const char *trace_id;      /* tr-... */
	char id[17];
	const char *parent;        /* hex or NULL */
	const char *name;          /* JSON text of the name (already a JSON value) */
	int64_t start, end;
	int has_end;
	int error;
	const char *attrs;         /* JSON object text (values already wrapped) */
	const char *events;        /* JSON array text or NULL */
	const char *status_msg;    /* JSON string text or NULL */
};

static void span_json(struct buf *b, const struct sp *s, int fmt)
{
	char otel[33];

	otel_hex(s->trace_id, otel);
	if (fmt == 2) {
		b_s(b, "{\"name\": ");
		b_s(b, s->name);
		b_f(b, ", \"context\": {\"span_id\": \"%s\", \"trace_id\": \"%s\"}", s->id, otel);
		b_s(b, ", \"parent_id\": ");
		if (s->parent)
			b_f(b, "\"%s\"", s->parent);
		else
			b_s(b, "null");
		b_f(b, ", \"start_time\": %" PRId64, s->start);
		if (s->has_end)
			b_f(b, ", \"end_time\": %" PRId64, s->end);
		else
			b_s(b, ", \"end_time\": null");
		b_f(b, ", \"status_code\": \"%s\", \"status_message\": ", s->error ? "ERROR" : "OK");
		b_s(b, s->status_msg ? s->status_msg : "\"\"");
		b_s(b, ", \"attributes\": ");
		b_s(b, s->attrs);
		b_s(b, ", \"events\": ");
		b_s(b, s->events ? s->events : "[]");
		b_s(b, "}");
		return;
	}
	if (fmt == 3) {
		b_s(b, "{\"trace_id\": ");
		j_b64id(b, otel);
		b_s(b, ", \"span_id\": ");
		j_b64id(b, s->id);
		b_s(b, ", \"trace_state\": \"\", \"parent_span_id\": ");
		if (s->parent)
			j_b64id(b, s->parent);
		else
			b_s(b, "\"\"");
	} else {
		b_f(b, "{\"trace_id\": \"%s\", \"span_id\": \"%s\", \"parent_span_id\": ",
		    s->trace_id, s->id);
		if (s->parent)
			b_f(b, "\"%s\"", s->parent);
		else
			b_s(b, "null");
	}
	b_s(b, ", \"name\": ");
	b_s(b, s->name);
	b_f(b, ", \"start_time_unix_nano\": %" PRId64, s->start);
	if (s->has_end)
		b_f(b, ", \"end_time_unix_nano\": %" PRId64, s->end);
	else
		b_s(b, ", \"end_time_unix_nano\": null");
	if (s->events) {
		b_s(b, ", \"events\": ");
		b_s(b, s->events);
	}
	if (fmt == 3)
		b_f(b, ", \"status\": {\"message\": %s, \"code\": \"%s\"}",
		    s->status_msg ? s->status_msg : "\"\"",
		    s->error ? "STATUS_CODE_ERROR" : "STATUS_CODE_OK");
	else
		b_f(b, ", \"status\": {\"code\": \"%s\", \"message\": %s}",
		    s->error ? "ERROR" : "OK", s->status_msg ? s->status_msg : "\"\"");
	b_s(b, ", \"attributes\": ");
	b_s(b, s->attrs);
	if (fmt == 4)
		b_f(b, ", \"mlflow.span_dict_version\": 4, \"otel_trace_id\": \"%s\"", otel);
	b_s(b, "}");
}

/* Attribute object for a span carrying hostile text everywhere: chat
 * messages with a tool call and result, outputs, a hostile key and value. */
static void hostile_attrs(struct buf *b, const char *tid, const struct hostile *h, enum jmode m,
			  const char *type, int root)
{
	struct buf in = { 0 }, out = { 0 }, args = { 0 }, v = { 0 };

	b_s(b, "{\"mlflow.traceRequestId\": ");
	b_s(&v, "");
	j_str(&v, tid, J_RAW);
	j_wrapped(b, &v);
	v.n = 0;
	b_s(b, ", \"mlflow.spanType\": ");
	j_str(&v, type, J_RAW);
	j_wrapped(b, &v);
	v.n = 0;

	/* inputs: OpenAI chat messages */
	b_s(&args, "{\"query\": ");
	j_hstr(&args, "", h, m);
	b_s(&args, "}");
	b_s(&in, "{\"messages\": [{\"role\": \"system\", \"content\": ");
	j_hstr(&in, "system ", h, m);
	b_s(&in, "}, {\"role\": \"user\", \"content\": ");
	j_hstr(&in, "user ", h, m);
	b_s(&in, "}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": ");
	j_hstr(&in, "call-", h, m);
	b_s(&in, ", \"type\": \"function\", \"function\": {\"name\": ");
	j_hstr(&in, "tool-", h, m);
	b_s(&in, ", \"arguments\": ");
	j_wrapped(&in, &args);
	b_s(&in, "}}]}, {\"role\": \"tool\", \"tool_call_id\": ");
	j_hstr(&in, "call-", h, m);
	b_s(&in, ", \"content\": ");
	j_hstr(&in, "result ", h, m);
	b_s(&in, "}, {\"role\": ");
	j_hstr(&in, "role-", h, m);
	b_s(&in, ", \"content\": [{\"type\": \"text\", \"text\": ");
	j_hstr(&in, "part ", h, m);
	b_s(&in, "}]}], \"model\": ");
	j_hstr(&in, "", h, m);
	b_s(&in, "}");
	b_s(b, ", \"mlflow.spanInputs\": ");
	j_wrapped(b, &in);

	b_s(&out, "{\"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": ");
	j_hstr(&out, "answer ", h, m);
	b_s(&out, "}, \"finish_reason\": ");
	j_hstr(&out, "", h, m);
	b_s(&out, "}], \"object\": \"chat.completion\"}");
	b_s(b, ", \"mlflow.spanOutputs\": ");
	j_wrapped(b, &out);

	b_s(b, ", ");
	j_hstr(b, "key:", h, m);
	b_s(b, ": ");
	v.n = 0;
	j_hstr(&v, "value:", h, m);
	j_wrapped(b, &v);
	if (root) {
		b_s(b, ", \"mlflow.chat.tokenUsage\": \"{\\\"input_tokens\\\": 12, "
		       "\\\"output_tokens\\\": 30, \\\"total_tokens\\\": 42}\"");
		b_s(b, ", \"mlflow.message.format\": \"\\\"openai\\\"\"");
	}
	b_s(b, ", \"not.wrapped\": ");
	j_hstr(b, "plain ", h, m);
	b_s(b, ", \"a.number\": 42, \"an.object\": {\"x\": ");
	j_hstr(b, "", h, m);
	b_s(b, "}, \"a.null\": null}");
	b_free(&in);
	b_free(&out);
	b_free(&args);
	b_free(&v);
}

static void hostile_events(struct buf *b, const struct hostile *h, enum jmode m, int64_t t,
			   int fmt)
{
	b_s(b, "[{\"name\": \"exception\", ");
	b_f(b, fmt == 2 ? "\"timestamp\": %" PRId64 : "\"time_unix_nano\": %" PRId64, t);
	b_s(b, ", \"attributes\": {\"exception.type\": ");
	j_hstr(b, "Error", h, m);
	b_s(b, ", \"exception.message\": ");
	j_hstr(b, "boom ", h, m);
	b_s(b, ", \"exception.stacktrace\": ");
	j_hstr(b, "Traceback:\n  File \"x.py\", line 1\n", h, m);
	b_s(b, ", ");
	j_hstr(b, "ev-key:", h, m);
	b_s(b, ": 1}}, {\"name\": ");
	j_hstr(b, "event ", h, m);
	b_f(b, fmt == 2 ? ", \"timestamp\": %" PRId64 : ", \"time_unix_nano\": %" PRId64, t + 1);
	b_s(b, ", \"attributes\": {}}]");
}

/* ---- whole traces ------------------------------------------------------ */

static void assessment_json(struct buf *b, const char *tid, const char *span, int k,
			    const struct hostile *h, enum jmode m)
{
	b_f(b, "{\"assessment_id\": \"a-bad0%04x%024d\", \"assessment_name\": ", k, 0);
	j_hstr(b, "name ", h, m);
	b_f(b, ", \"trace_id\": \"%s\"", tid);
	if (span)
		b_f(b, ", \"span_id\": \"%s\"", span);
	b_s(b, ", \"source\": {\"source_type\": \"LLM_JUDGE\", \"source_id\": ");
	j_hstr(b, "judge:/", h, m);
	b_s(b, "}, \"create_time\": \"2026-01-01T12:05:00.123Z\", "
	       "\"last_update_time\": \"2026-01-01T12:05:00.123Z\"");
	switch (k % 4) {
	case 0:
		b_s(b, ", \"feedback\": {\"value\": ");
		j_hstr(b, "", h, m);
		b_s(b, "}");
		break;
	case 1:
		b_s(b, ", \"feedback\": {\"value\": {\"nested\": [");
		j_hstr(b, "", h, m);
		b_s(b, ", 4, true, null]}}");
		break;
	case 2:
		b_s(b, ", \"feedback\": {\"error\": {\"error_code\": ");
		j_hstr(b, "E_", h, m);
		b_s(b, ", \"error_message\": ");
		j_hstr(b, "judge failed ", h, m);
		b_s(b, "}}");
		break;
	default:
		b_s(b, ", \"expectation\": {\"value\": ");
		j_hstr(b, "expected ", h, m);
		b_s(b, "}");
		break;
	}
	b_s(b, ", \"rationale\": ");
	j_hstr(b, "because\n", h, m);
	b_s(b, ", \"metadata\": {");
	j_hstr(b, "mk:", h, m);
	b_s(b, ": ");
	j_hstr(b, "mv:", h, m);
	b_s(b, "}, \"valid\": true}");
}

/* One MLflow Trace.to_dict() line with a hostile string everywhere. */
static void hostile_trace(FILE *f, unsigned n, const struct hostile *h, enum jmode m, int fmt,
			  int v2info)
{
	struct buf b = { 0 }, a = { 0 }, ev = { 0 }, name = { 0 }, smsg = { 0 }, pv = { 0 };
	char tid[40], ids[4][17];
	const char *types[4] = { "CHAIN", "LLM", "TOOL", "RETRIEVER" };
	int64_t t0 = 1767268800000000000LL + (int64_t)n * 1000000000LL;
	int i;

	trace_id(tid, 1, n);
	for (i = 0; i < 4; i++)
		span_hex(n, (unsigned)i + 1, ids[i]);

	b_s(&b, "{\"info\": {");
	if (v2info) {
		char otel[33];

		otel_hex(tid, otel);
		b_f(&b, "\"request_id\": \"%s\", \"experiment_id\": \"0\", "
			"\"timestamp_ms\": %" PRId64 ", \"execution_time_ms\": 842, "
			"\"status\": \"ERROR\", \"request_metadata\": {", tid, t0 / 1000000);
	} else {
		b_f(&b, "\"trace_id\": \"%s\", \"trace_location\": {\"type\": \"MLFLOW_EXPERIMENT\", "
			"\"mlflow_experiment\": {\"experiment_id\": \"0\"}}, \"request_preview\": ",
		    tid);
		b_s(&pv, "{\"messages\": [{\"role\": \"user\", \"content\": ");
		j_hstr(&pv, "", h, m);
		b_s(&pv, "}]}");
		j_wrapped(&b, &pv);
		b_s(&b, ", \"response_preview\": ");
		j_hstr(&b, "", h, m);
		b_f(&b, ", \"request_time\": \"2026-01-01T12:%02u:%02u.123Z\", "
			"\"execution_duration_ms\": 842, \"state\": \"%s\", \"client_request_id\": ",
		    (n / 60) % 60, n % 60, n % 2 ? "ERROR" : "OK");
		j_hstr(&b, "client-", h, m);
		b_s(&b, ", \"trace_metadata\": {");
	}
	b_s(&b, "\"mlflow.trace_schema.version\": \"3\", \"mlflow.trace.user\": ");
	j_hstr(&b, "user ", h, m);
	b_s(&b, ", \"mlflow.trace.session\": ");
	j_hstr(&b, "session ", h, m);
	b_s(&b, ", ");
	j_hstr(&b, "meta-key:", h, m);
	b_s(&b, ": ");
	j_hstr(&b, "meta-value:", h, m);
	b_s(&b, "}, \"tags\": {\"mlflow.traceName\": ");
	{
		struct buf t = { 0 };

		b_f(&t, "H:%s/%s/v%d%s ", h->id, m == J_RAW ? "raw" : "ascii", fmt,
		    v2info ? "/info2" : "");
		b_add(&t, h->s, h->n);
		j_strn(&b, t.p, t.n, m);
		b_free(&t);
	}
	b_s(&b, ", ");
	j_hstr(&b, "tag-key:", h, m);
	b_s(&b, ": ");
	j_hstr(&b, "tag-value:", h, m);
	b_s(&b, ", \"mlflow.user\": ");
	j_hstr(&b, "", h, m);
	b_s(&b, "}");
	if (!v2info) {
		b_s(&b, ", \"assessments\": [");
		for (i = 0; i < 4; i++) {
			if (i)
				b_s(&b, ", ");
			assessment_json(&b, tid, i % 2 ? ids[i] : NULL, (int)(n * 4 + (unsigned)i),
					h, m);
		}
		b_s(&b, "]");
	}
	b_s(&b, "}, \"data\": {\"spans\": [");
	for (i = 0; i < 4; i++) {
		struct sp s;

		a.n = ev.n = name.n = smsg.n = 0;
		if (a.p)
			a.p[0] = '\0';
		hostile_attrs(&a, tid, h, m, types[i], i == 0);
		hostile_events(&ev, h, m, t0 + 5, fmt);
		j_hstr(&name, i ? "child " : "root ", h, m);
		j_hstr(&smsg, "status ", h, m);
		memset(&s, 0, sizeof s);
		s.trace_id = tid;
		memcpy(s.id, ids[i], 17);
		s.parent = i ? ids[i == 3 ? 1 : 0] : NULL;
		s.name = name.p;
		s.start = t0 + i * 1000;
		s.end = t0 + 842000000 - i * 1000;
		s.has_end = 1;
		s.error = i == 2;
		s.attrs = a.p;
		s.events = i == 2 ? ev.p : NULL;
		s.status_msg = i == 2 ? smsg.p : NULL;
		if (i)
			b_s(&b, ", ");
		span_json(&b, &s, fmt);
	}
	b_s(&b, "]}}\n");
	fwrite(b.p, 1, b.n, f);
	b_free(&b);
	b_free(&a);
	b_free(&ev);
	b_free(&name);
	b_free(&smsg);
	b_free(&pv);
}

/* A trace from a list of (id, parent, start, end) spans, in format v4. */
struct shape {
	const char *id;      /* 16 hex */
	const char *parent;  /* NULL: root */
	const char *start;   /* JSON number text (or anything) */
	const char *end;
};

static void shaped_trace(FILE *f, unsigned n, const char *what, const struct shape *sh,
			 size_t ns, const char *extra_attr)
{
	struct buf b = { 0 };
	char tid[40], otel[33];
	size_t i;

	trace_id(tid, 2, n);
	otel_hex(tid, otel);
	b_f(&b, "{\"info\": {\"trace_id\": \"%s\", \"trace_location\": {\"type\": "
		"\"MLFLOW_EXPERIMENT\", \"mlflow_experiment\": {\"experiment_id\": \"0\"}}, "
		"\"request_time\": \"2026-01-02T00:00:%02u.000Z\", \"state\": \"OK\", "
		"\"trace_metadata\": {}, \"tags\": {\"mlflow.traceName\": \"H:%s\"}}, "
		"\"data\": {\"spans\": [", tid, n % 60, what);
	for (i = 0; i < ns; i++) {
		b_f(&b, "%s{\"trace_id\": \"%s\", \"span_id\": \"%s\", \"parent_span_id\": ",
		    i ? ", " : "", tid, sh[i].id);
		if (sh[i].parent)
			b_f(&b, "\"%s\"", sh[i].parent);
		else
			b_s(&b, "null");
		b_f(&b, ", \"name\": \"span %zu of %s\", \"start_time_unix_nano\": %s, "
			"\"end_time_unix_nano\": %s, \"status\": {\"code\": \"OK\", \"message\": \"\"}, "
			"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"%s\\\"\", "
			"\"mlflow.spanType\": \"\\\"CHAIN\\\"\"%s%s}, \"otel_trace_id\": \"%s\"}",
		    i, what, sh[i].start, sh[i].end, tid, extra_attr ? ", " : "",
		    extra_attr ? extra_attr : "", otel);
	}
	b_s(&b, "]}}\n");
	fwrite(b.p, 1, b.n, f);
	b_free(&b);
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

static void close_out(FILE *f)
{
	if (ferror(f) || fclose(f) != 0)
		die("write failed");
}

static void write_hostile_jsonl(const char *dir)
{
	FILE *f = open_out(dir, "hostile.jsonl");
	unsigned n = 0;
	size_t i;
	struct buf x = { 0 }, attr = { 0 };

	for (i = 0; i < NHOSTILE; i++) {
		hostile_trace(f, n, &hostiles[i], J_RAW, 4 - (int)(i % 3), 0);
		n++;
		hostile_trace(f, n, &hostiles[i], J_ASCII, 2 + (int)(i % 3), i % 4 == 1);
		n++;
	}

	/* Structure: cycles, orphans, self parents, odd times. */
	{
		static const struct shape cyc[] = {
			{ "c000000000000001", NULL, "1767312000000000000", "1767312001000000000" },
			{ "c000000000000002", "c000000000000003", "1767312000100000000",
			  "1767312000200000000" },
			{ "c000000000000003", "c000000000000002", "1767312000300000000",
			  "1767312000400000000" },
			{ "c000000000000004", "c000000000000004", "1767312000500000000",
			  "1767312000600000000" },
			{ "c000000000000005", "ffffffffffffffff", "1767312000700000000",
			  "1767312000800000000" },
			{ "c000000000000006", "c000000000000005", "1767312000900000000",
			  "1767312000950000000" },
		};
		static const struct shape times[] = {
			{ "d000000000000001", NULL, "1767312000000000000", "1767311000000000000" },
			{ "d000000000000002", "d000000000000001", "1767312000000000000", "null" },
			{ "d000000000000003", "d000000000000001", "-5", "-1" },
			{ "d000000000000004", "d000000000000001", "0", "9223372036854775807" },
			{ "d000000000000005", "d000000000000001", "9223372036854775807",
			  "-9223372036854775808" },
		};
		static const struct shape odd_times[] = {
			{ "d100000000000001", NULL, "1767312000000000000", "1767312001000000000" },
			{ "d100000000000006", "d100000000000001", "1e30", "1.5" },
			{ "d100000000000007", "d100000000000001", "\"123\"", "{}" },
		};
		static const struct shape dup[] = {
			{ "e000000000000001", NULL, "1767312000000000000", "1767312001000000000" },
			{ "e000000000000002", "e000000000000001", "1767312000100000000",
			  "1767312000200000000" },
			{ "e000000000000002", "e000000000000001", "1767312000300000000",
			  "1767312000400000000" },
		};
		static const struct shape noroot[] = {
			{ "f000000000000001", "f000000000000002", "1767312000000000000",
			  "1767312001000000000" },
			{ "f000000000000002", "f000000000000001", "1767312000100000000",
			  "1767312000200000000" },
		};

		shaped_trace(f, 1, "cycles and orphans", cyc, 6, NULL);
		shaped_trace(f, 2, "negative, missing and extreme times", times, 5, NULL);
		shaped_trace(f, 7, "times that are not integers", odd_times, 3, NULL);
		shaped_trace(f, 3, "duplicate span ids", dup, 3, NULL);
		shaped_trace(f, 4, "only a cycle, no root", noroot, 2, NULL);
		shaped_trace(f, 5, "no spans", NULL, 0, NULL);

		/* JSON nested 999, 1,000 and 1,001 deep inside an attribute. */
		b_s(&x, "");
		nested(&x, 999, "[", "]", "\"deep 999\"");
		b_s(&attr, "\"mlflow.spanInputs\": ");
		j_wrapped(&attr, &x);
		x.n = 0;
		nested(&x, 1000, "{\"k\": ", "}", "\"deep 1000\"");
		b_s(&attr, ", \"mlflow.spanOutputs\": ");
		j_wrapped(&attr, &x);
		x.n = 0;
		nested(&x, 1001, "[", "]", "1");
		b_s(&attr, ", \"deep.1001\": ");
		j_wrapped(&attr, &x);
		shaped_trace(f, 6, "attributes nested 999, 1000 and 1001 deep", cyc, 1, attr.p);
	}
	close_out(f);
	b_free(&x);
	b_free(&attr);
}

/* Records an importer must reject one by one (file:line) while keeping the
 * good records around them. */
static void write_bad_jsonl(const char *dir)
{
	FILE *f = open_out(dir, "bad.jsonl");
	struct buf x = { 0 };
	static const struct shape one[] = {
		{ "b000000000000001", NULL, "1767312000000000000", "1767312001000000000" },
	};

	shaped_trace(f, 100, "good record before the bad ones", one, 1, NULL);
	fputs("{\"info\": {\"trace_id\": \"tr-bad0000300000001000000000000000000\", "
	      "\"tags\": {\"mlflow.traceName\": \"H:lone surrogate \\ud800 high\"}}, "
	      "\"data\": {\"spans\": []}}\n", f);
	fputs("{\"info\": {\"trace_id\": \"tr-bad0000300000002000000000000000000\", "
	      "\"tags\": {\"mlflow.traceName\": \"H:lone surrogate \\udc00 low\"}}, "
	      "\"data\": {\"spans\": []}}\n", f);
	fputs("{\"info\": {\"trace_id\": \"tr-bad00003000000030000000000000000\", \"state\": "
	      "\"OK\", \"trace_location\": {\"type\": \"MLFLOW_EXPERIMENT\", \"mlflow_experiment\": "
	      "{\"experiment_id\": \"0\"}}, \"tags\": {\"mlflow.traceName\": \"H:truncat", f);
	fputs("\n", f);
	fputs("\n", f);                                   /* empty line */
	fputs("   \t  \n", f);                            /* blank line */
	fputs("null\n[]\n42\n\"a string\"\ntrue\n{}\n", f);
	fputs("{\"info\": null, \"data\": null}\n", f);
	fputs("{\"info\": {}, \"data\": {\"spans\": \"not a list\"}}\n", f);
	fputs("{\"info\": {\"trace_id\": 5, \"request_time\": [], \"state\": {}}, "
	      "\"data\": {\"spans\": [1, \"x\", null, [], {}]}}\n", f);
	fputs("{\"info\": {\"trace_id\": \"tr-bad00003000000040000000000000000\", \"state\": \"OK\", "
	      "\"request_time\": \"not a time\", \"execution_duration_ms\": \"x\", "
	      "\"trace_metadata\": [], \"tags\": \"nope\", \"assessments\": {}}, "
	      "\"data\": {\"spans\": [{\"name\": {}, \"attributes\": [], \"span_id\": 7, "
	      "\"status\": 3, \"start_time_unix_nano\": \"soon\"}]}}\n", f);
	fputs("{\"info\": {\"trace_id\": \"tr-bad00003000000050000000000000000\"}, "
	      "\"data\": {\"spans\": []}} trailing garbage\n", f);
	fputs("\xef\xbb\xbf{\"bom\": true}\n", f);
	fputs("{\"crlf\": true}\r\n", f);
	fputs("{\"raw control\": \"\x1b]0;HOSTILE-TITLE-BAD\x07\"}\n", f);
	fputs("\x1b]0;HOSTILE-TITLE-LINE\x07\x9b" "2J not json at all \xff\n", f);
	fputs("{\"info\": {\"trace_id\": \"tr-bad0000300000006000000000000000000\", "
	      "\"assessments\": [{\"assessment_name\": null, \"feedback\": 5, \"source\": 1, "
	      "\"create_time\": \"yesterday\"}]}, \"data\": {\"spans\": []}}\n", f);
	/* Nesting beyond any parser's limit, at the top level of a record. */
	b_s(&x, "{\"info\": {\"deep\": ");
	nested(&x, 100000, "[", "]", "0");
	b_s(&x, "}}\n");
	fwrite(x.p, 1, x.n, f);
	x.n = 0;
	nested(&x, 200000, "{\"a\":", "}", "1");
	b_s(&x, "\n");
	fwrite(x.p, 1, x.n, f);
	shaped_trace(f, 101, "good record after the bad ones", one, 1, NULL);
	/* The last line has no newline and no end: the file is cut off there. */
	fputs("{\"info\": {\"trace_id\": \"tr-bad0000300000007000000000000000000\"", f);
	close_out(f);
	b_free(&x);
}

static void write_big_jsonl(const char *dir)
{
	FILE *f = open_out(dir, "big.jsonl");
	struct buf x = { 0 }, attr = { 0 };
	static const struct shape one[] = {
		{ "9000000000000001", NULL, "1767312000000000000", "1767312001000000000" },
	};

	/* 10 MB of hostile text as one attribute value. */
	while (x.n < 10 * 1024 * 1024) {
		size_t i;

		for (i = 0; i < NHOSTILE; i++) {
			b_add(&x, hostiles[i].s, hostiles[i].n);
			b_s(&x, " ");
		}
	}
	b_s(&attr, "\"mlflow.spanOutputs\": ");
	{
		struct buf w = { 0 };

		j_strn(&w, x.p, x.n, J_RAW);
		j_wrapped(&attr, &w);
		b_free(&w);
	}
	shaped_trace(f, 200, "a 10 MB attribute", one, 1, attr.p);
	close_out(f);
	b_free(&x);
	b_free(&attr);
}

/* The bare traces.json form: {"spans": [...]}; the trace id comes from the
 * spans' mlflow.traceRequestId. */
static void write_traces_json(const char *dir)
{
	FILE *f = open_out(dir, "traces.json");
	struct buf b = { 0 }, a = { 0 }, name = { 0 };
	char tid[40];
	int i;

	trace_id(tid, 4, 1);
	b_s(&b, "{\"spans\": [");
	for (i = 0; i < 3; i++) {
		struct sp s;
		char ids[3][17];
		int k;

		for (k = 0; k < 3; k++)
			span_hex(0x400, (unsigned)k + 1, ids[k]);
		a.n = name.n = 0;
		hostile_attrs(&a, tid, &hostiles[(size_t)i * 5 % NHOSTILE], J_RAW, "AGENT", i == 0);
		j_hstr(&name, "traces.json span ", &hostiles[(size_t)i * 5 % NHOSTILE], J_RAW);
		memset(&s, 0, sizeof s);
		s.trace_id = tid;
		memcpy(s.id, ids[i], 17);
		s.parent = i ? ids[0] : NULL;
		s.name = name.p;
		s.attrs = a.p;
		s.start = 1767312000000000000LL + i;
		s.end = 1767312000500000000LL;
		s.has_end = 1;
		if (i)
			b_s(&b, ", ");
		span_json(&b, &s, 3);
	}
	b_s(&b, "]}\n");
	fwrite(b.p, 1, b.n, f);
	close_out(f);
	b_free(&b);
	b_free(&a);
	b_free(&name);
}

static void otlp_any(struct buf *b, const struct hostile *h, int kind)
{
	switch (kind % 7) {
	case 0:
		b_s(b, "{\"stringValue\": ");
		j_hstr(b, "", h, J_RAW);
		b_s(b, "}");
		break;
	case 1:
		b_s(b, "{\"intValue\": \"-9223372036854775808\"}");
		break;
	case 2:
		b_s(b, "{\"doubleValue\": 1e308}");
		break;
	case 3:
		b_s(b, "{\"boolValue\": true}");
		break;
	case 4:
		b_s(b, "{\"bytesValue\": \"G1swSgA=\"}");
		break;
	case 5:
		b_s(b, "{\"arrayValue\": {\"values\": [{\"stringValue\": ");
		j_hstr(b, "", h, J_RAW);
		b_s(b, "}, {\"arrayValue\": {\"values\": [{\"intValue\": 5}]}}, {}]}}");
		break;
	default:
		b_s(b, "{\"kvlistValue\": {\"values\": [{\"key\": ");
		j_hstr(b, "", h, J_RAW);
		b_s(b, ", \"value\": {\"stringValue\": ");
		j_hstr(b, "", h, J_RAW);
		b_s(b, "}}]}}");
		break;
	}
}

static void write_otlp(const char *dir)
{
	FILE *f = open_out(dir, "otlp.json");
	struct buf b = { 0 };
	size_t i;
	int k;

	b_s(&b, "{\"resourceSpans\": [{\"resource\": {\"attributes\": [{\"key\": \"service.name\", "
		"\"value\": {\"stringValue\": ");
	j_hstr(&b, "svc ", &hostiles[4], J_RAW);
	b_s(&b, "}}]}, \"scopeSpans\": [{\"scope\": {\"name\": ");
	j_hstr(&b, "scope ", &hostiles[6], J_RAW);
	b_s(&b, ", \"version\": \"1\"}, \"spans\": [");
	for (i = 0; i < NHOSTILE; i++) {
		const struct hostile *h = &hostiles[i];

		if (i)
			b_s(&b, ", ");
		/* One OTLP trace per two spans (the second a child of the first);
		 * ids in upper case, as the OTLP example has them. */
		b_f(&b, "{\"traceId\": \"0BAD0%027zX\", \"spanId\": \"%016zX\", "
			"\"parentSpanId\": ", i / 2, i + 1);
		if (i % 2)
			b_f(&b, "\"%016zX\"", i);
		else
			b_s(&b, "\"\"");
		b_s(&b, ", \"name\": ");
		j_hstr(&b, "otlp ", h, J_RAW);
		b_f(&b, ", \"kind\": %zu, \"startTimeUnixNano\": \"%" PRId64 "\", "
			"\"endTimeUnixNano\": %s, \"attributes\": [",
		    i % 6, (int64_t)1767312000000000000LL + (int64_t)i,
		    i == 3 ? "\"1\"" : i == 4 ? "null" : "\"1767312000900000000\"");
		for (k = 0; k < 8; k++) {
			if (k)
				b_s(&b, ", ");
			b_s(&b, "{\"key\": ");
			if (k == 0)
				b_s(&b, "\"gen_ai.prompt\"");
			else
				j_hstr(&b, "k:", h, J_RAW);
			b_s(&b, ", \"value\": ");
			otlp_any(&b, h, k);
			b_s(&b, "}");
		}
		b_s(&b, "], \"events\": [{\"timeUnixNano\": \"1767312000500000000\", \"name\": ");
		j_hstr(&b, "event ", h, J_RAW);
		b_s(&b, ", \"attributes\": [{\"key\": \"exception.message\", \"value\": ");
		otlp_any(&b, h, 0);
		b_s(&b, "}]}], \"links\": [{\"traceId\": \"00\", \"spanId\": ");
		j_hstr(&b, "", h, J_RAW);
		b_f(&b, "}], \"status\": {\"code\": %zu, \"message\": ", i % 4);
		j_hstr(&b, "status ", h, J_RAW);
		b_s(&b, "}}");
	}
	b_s(&b, "]}]}]}\n");
	fwrite(b.p, 1, b.n, f);
	close_out(f);
	b_free(&b);
}

/* Files that are odd as a whole: a byte order mark, CRLF line ends, empty,
 * only white space, a JSON array of records. */
static void write_odd_files(const char *dir)
{
	static const struct shape one[] = {
		{ "a000000000000001", NULL, "1767312000000000000", "1767312001000000000" },
	};
	FILE *f;

	f = open_out(dir, "bom.jsonl");
	fputs("\xef\xbb\xbf", f);
	shaped_trace(f, 300, "file with a byte order mark", one, 1, NULL);
	close_out(f);
	f = open_out(dir, "crlf.jsonl");
	shaped_trace(f, 301, "CRLF line one", one, 1, NULL);
	fseek(f, -1, SEEK_CUR);
	fputs("\r\n", f);
	shaped_trace(f, 302, "CRLF line two", one, 1, NULL);
	fseek(f, -1, SEEK_CUR);
	fputs("\r\n", f);
	close_out(f);
	close_out(open_out(dir, "empty.jsonl"));
	f = open_out(dir, "blank.jsonl");
	fputs("\n  \n\t\r\n\n", f);
	close_out(f);
}

static int cmd_files(const char *dir)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	write_hostile_jsonl(dir);
	write_bad_jsonl(dir);
	write_big_jsonl(dir);
	write_traces_json(dir);
	write_otlp(dir);
	write_odd_files(dir);
	return 0;
}

/* ---- direct SQL --------------------------------------------------------- */

static sqlite3 *db;

static void exec(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die("SQL failed: %s\n  %s", msg ? msg : "?", sql);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("prepare failed: %s\n  %s", sqlite3_errmsg(db), sql);
	return st;
}

static void step_done(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("step failed: %s\n  %s", sqlite3_errmsg(db), sqlite3_sql(st));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Binds text of exactly n bytes (NUL and invalid UTF-8 kept), or NULL. */
static void bind_tn(sqlite3_stmt *st, int i, const char *s, size_t n)
{
	if (!s)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text64(st, i, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void bind_t(sqlite3_stmt *st, int i, const char *s)
{
	bind_tn(st, i, s, s ? strlen(s) : 0);
}

static int64_t exp_id;
static const char *art_dir;
static sqlite3_stmt *ins_trace, *ins_tag, *ins_meta, *ins_span, *ins_assess;

static void prepare_all(void)
{
	ins_trace = prep("INSERT OR REPLACE INTO trace_info (request_id, experiment_id, "
			 "timestamp_ms, execution_time_ms, status, client_request_id, "
			 "request_preview, response_preview) VALUES (?,?,?,?,?,?,?,?)");
	ins_tag = prep("INSERT OR REPLACE INTO trace_tags (key, value, request_id) VALUES (?,?,?)");
	ins_meta = prep("INSERT OR REPLACE INTO trace_request_metadata (key, value, request_id) "
			"VALUES (?,?,?)");
	ins_span = prep("INSERT OR REPLACE INTO spans (trace_id, experiment_id, span_id, "
			"parent_span_id, name, type, status, start_time_unix_nano, "
			"end_time_unix_nano, content) VALUES (?,?,?,?,?,?,?,?,?,?)");
	ins_assess = prep("INSERT OR REPLACE INTO assessments (assessment_id, trace_id, name, "
			  "assessment_type, value, error, created_timestamp, "
			  "last_updated_timestamp, source_type, source_id, run_id, span_id, "
			  "rationale, overrides, valid, assessment_metadata) "
			  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
}

static void finalize_all(void)
{
	sqlite3_finalize(ins_trace);
	sqlite3_finalize(ins_tag);
	sqlite3_finalize(ins_meta);
	sqlite3_finalize(ins_span);
	sqlite3_finalize(ins_assess);
}

/* A trace row; id and previews may hold any bytes (lengths given). */
static void put_trace(const char *id, size_t idn, int64_t exp, int64_t ts, const int64_t *dur,
		      const char *status, const char *req, size_t reqn, const char *resp,
		      size_t respn)
{
	bind_tn(ins_trace, 1, id, idn);
	sqlite3_bind_int64(ins_trace, 2, exp);
	sqlite3_bind_int64(ins_trace, 3, ts);
	if (dur)
		sqlite3_bind_int64(ins_trace, 4, *dur);
	else
		sqlite3_bind_null(ins_trace, 4);
	bind_t(ins_trace, 5, status);
	bind_t(ins_trace, 6, NULL);
	bind_tn(ins_trace, 7, req, reqn);
	bind_tn(ins_trace, 8, resp, respn);
	step_done(ins_trace);
}

static void put_kv(sqlite3_stmt *st, const char *id, size_t idn, const char *k, size_t kn,
		   const char *v, size_t vn)
{
	bind_tn(st, 1, k, kn);
	bind_tn(st, 2, v, vn);
	bind_tn(st, 3, id, idn);
	step_done(st);
}

static void put_tag(const char *id, const char *k, const char *v)
{
	put_kv(ins_tag, id, strlen(id), k, strlen(k), v, v ? strlen(v) : 0);
}

static void put_span(const char *tid, size_t tidn, const char *sid, const char *parent,
		     const char *name, size_t namen, const char *type, const char *status,
		     int64_t start, const int64_t *end, const char *content, size_t contentn)
{
	if (content && !contentn)
		contentn = strlen(content);
	bind_tn(ins_span, 1, tid, tidn);
	sqlite3_bind_int64(ins_span, 2, exp_id);
	bind_t(ins_span, 3, sid);
	bind_t(ins_span, 4, parent);
	bind_tn(ins_span, 5, name, namen);
	bind_t(ins_span, 6, type);
	bind_t(ins_span, 7, status);
	sqlite3_bind_int64(ins_span, 8, start);
	if (end)
		sqlite3_bind_int64(ins_span, 9, *end);
	else
		sqlite3_bind_null(ins_span, 9);
	bind_tn(ins_span, 10, content, contentn);
	step_done(ins_span);
}

struct arow {
	const char *id, *trace, *name;
	size_t namen;
	const char *type, *value;
	size_t valuen;
	const char *error;
	int64_t created, updated;
	const char *source_type, *source_id;
	size_t source_idn;
	const char *span, *rationale;
	size_t rationalen;
	const char *overrides;
	int64_t valid;
	const char *metadata;
};

static void put_assessment(const struct arow *a)
{
	bind_t(ins_assess, 1, a->id);
	bind_t(ins_assess, 2, a->trace);
	bind_tn(ins_assess, 3, a->name, a->namen ? a->namen : strlen(a->name));
	bind_t(ins_assess, 4, a->type);
	bind_tn(ins_assess, 5, a->value, a->valuen ? a->valuen : strlen(a->value));
	bind_t(ins_assess, 6, a->error);
	sqlite3_bind_int64(ins_assess, 7, a->created);
	sqlite3_bind_int64(ins_assess, 8, a->updated);
	bind_t(ins_assess, 9, a->source_type);
	bind_tn(ins_assess, 10, a->source_id,
		a->source_id ? (a->source_idn ? a->source_idn : strlen(a->source_id)) : 0);
	bind_t(ins_assess, 11, NULL);
	bind_t(ins_assess, 12, a->span);
	bind_tn(ins_assess, 13, a->rationale,
		a->rationale ? (a->rationalen ? a->rationalen : strlen(a->rationale)) : 0);
	bind_t(ins_assess, 14, a->overrides);
	sqlite3_bind_int64(ins_assess, 15, a->valid);
	bind_t(ins_assess, 16, a->metadata);
	step_done(ins_assess);
}

/* A v4 span content document for the spans table. */
static void v4_content(struct buf *b, const char *tid, const char *sid, const char *parent,
		       const char *name_json, int64_t start, const int64_t *end,
		       const char *attrs_inner)
{
	char otel[33];

	memset(otel, '0', 32);
	otel[32] = '\0';
	if (strncmp(tid, "tr-", 3) == 0 && strlen(tid) == 35)
		otel_hex(tid, otel);
	b_f(b, "{\"trace_id\": \"%s\", \"span_id\": \"%s\", \"parent_span_id\": ",
	    strncmp(tid, "tr-", 3) == 0 && strlen(tid) == 35 ? tid : "tr-x", sid);
	if (parent)
		b_f(b, "\"%s\"", parent);
	else
		b_s(b, "null");
	b_s(b, ", \"name\": ");
	b_s(b, name_json);
	b_f(b, ", \"start_time_unix_nano\": %" PRId64 ", \"end_time_unix_nano\": ", start);
	if (end)
		b_f(b, "%" PRId64, *end);
	else
		b_s(b, "null");
	b_s(b, ", \"status\": {\"code\": \"OK\", \"message\": \"\"}, \"attributes\": {");
	b_s(b, attrs_inner ? attrs_inner : "\"mlflow.spanType\": \"\\\"CHAIN\\\"\"");
	b_f(b, "}, \"otel_trace_id\": \"%s\"}", otel);
}

/* A plain trace in the hostile experiment: id tr-bad0<5><n>..., name tag. */
static void plain_trace(unsigned n, const char *name, char tid[40])
{
	int64_t dur = 1000;

	trace_id(tid, 5, n);
	put_trace(tid, strlen(tid), exp_id, 1767398400000LL + n * 1000, &dur, "OK", "{}", 2, "\"ok\"",
		  4);
	put_tag(tid, "mlflow.traceName", name);
	put_tag(tid, "mlflow.trace.spansLocation", "TRACKING_STORE");
}

static void sql_text_bytes(void)
{
	/* Invalid UTF-8, NUL bytes and control bytes in every TEXT column. */
	static const char req[] = "{\"q\": \"\x1b]0;HOSTILE-TITLE-SQL\x07\0hidden after NUL\xff\"}";
	static const char resp[] = "\xc2\x9b" "2J\0\xe2\x80\xae\xfe\xfe";
	static const char name[] = "H:sql-bytes \x1b[2J\0after NUL \xff\xc0\x80";
	static const char key[] = "tag\0key \x1b]52;c;c3FsLWtleQ==\x07";
	static const char val[] = "tag\0value \x9b" "2J \xed\xa0\x80";
	static const char sname[] = "span \x1b]0;HOSTILE-TITLE-SPAN\x07\0\xff";
	static const char content[] =
		"{\"name\": \"c\0ontent \x1b[2J\xff\", \"attributes\": {\"mlflow.spanInputs\": "
		"\"\\\"\x1b]0;HOSTILE-TITLE-IN\x07\xff\\\"\"}}";
	static const char aval[] = "\"value \x1b]0;HOSTILE-TITLE-AV\x07\0\xff\"";
	static const char aname[] = "name \x1b[2J\0\xff";
	static const char arat[] = "rationale \x1b]52;c;cmF0aW9uYWxl\x07\0\xe2\x80\xae\xff";
	static const char asrc[] = "src \x9d" "0;T\x9c\0\xff";
	char tid[40];
	int64_t dur = 5, end = 1767398400000000500LL;

	trace_id(tid, 5, 1);
	put_trace(tid, strlen(tid), exp_id, 1767398401000LL, &dur, "OK", req, sizeof req - 1, resp,
		  sizeof resp - 1);
	put_kv(ins_tag, tid, strlen(tid), "mlflow.traceName", 16, name, sizeof name - 1);
	put_tag(tid, "mlflow.trace.spansLocation", "TRACKING_STORE");
	put_kv(ins_tag, tid, strlen(tid), key, sizeof key - 1, val, sizeof val - 1);
	put_kv(ins_meta, tid, strlen(tid), "mlflow.trace.user", 17, val, sizeof val - 1);
	put_kv(ins_meta, tid, strlen(tid), "mlflow.trace.session", 20, name, sizeof name - 1);
	put_kv(ins_meta, tid, strlen(tid), key, sizeof key - 1, val, sizeof val - 1);
	put_span(tid, strlen(tid), "5b00000000000001", NULL, sname, sizeof sname - 1,
		 "CHAIN\x1b[2J", "OK", 1767398400000000000LL, &end, content, sizeof content - 1);
	put_span(tid, strlen(tid), "5b00000000000002", "5b00000000000001", sname, sizeof sname - 1,
		 "\xff\xfe", "ERROR\x1b]0;x\x07", 1767398400000000100LL, &end, content,
		 sizeof content - 1);
	{
		struct arow a = { "a-bad0000500000001000000000000000", tid, aname, sizeof aname - 1,
				  "feedback", aval, sizeof aval - 1, NULL, 1767398402000LL,
				  1767398402000LL, "LLM_JUDGE", asrc, sizeof asrc - 1, NULL, arat,
				  sizeof arat - 1, NULL, 1, "{\"k\": \"\x1b]0;HOSTILE-TITLE-MD\x07\"}" };

		put_assessment(&a);
		a.id = "a-bad0000500000002000000000000000";
		a.span = "5b00000000000002";
		a.source_type = "HUMAN\x1b[2J";
		a.error = "{\"error_code\": \"\x1b]0;HOSTILE-TITLE-ERR\x07\", \"error_message\": "
			  "\"\xff\"}";
		put_assessment(&a);
	}
}

static void sql_not_json(void)
{
	/* Previews cut in the middle, previews and values that are not JSON. */
	struct buf cut = { 0 };
	char tid[40];
	int64_t end = 1767398400001000000LL;

	b_s(&cut, "{\"messages\": [{\"role\": \"user\", \"content\": \"");
	while (cut.n < 1000)
		b_s(&cut, "cut here \\\"quoted\\\" \\u00e9 ");
	cut.n = 1000;
	plain_trace(2, "H:previews and values that are not JSON", tid);
	put_trace(tid, strlen(tid), exp_id, 1767398402000LL, NULL, "IN_PROGRESS", cut.p, cut.n,
		  "plain text, not JSON: \x1b[2J {[\"", 28);
	put_span(tid, strlen(tid), "5c00000000000001", NULL, "root", 4, "CHAIN", "OK",
		 1767398400000000000LL, &end,
		 "{\"name\": \"root\", \"attributes\": {\"mlflow.spanInputs\": \"{cut\", "
		 "\"mlflow.spanOutputs\": \"not json at all\", \"mlflow.spanType\": \"LLM\", "
		 "\"mlflow.chat.tokenUsage\": \"{\\\"input_tokens\\\": \\\"many\\\"}\", "
		 "\"mlflow.message.format\": \"[\"}}", 0);
	{
		struct arow a = { "a-bad0000500000003000000000000000", tid, "not json value", 0,
				  "feedback", "yes, unquoted", 0, "{broken", 1767398402000LL,
				  1767398402000LL, "HUMAN", "me", 0, NULL, NULL, 0, NULL, 1,
				  "[1, 2, 3]" };

		put_assessment(&a);
		a.id = "a-bad0000500000004000000000000000";
		a.name = "empty value";
		a.value = "";
		a.valuen = 0;
		a.metadata = "not json";
		a.error = NULL;
		/* bind_tn with n = strlen("") = 0 gives an empty TEXT value */
		put_assessment(&a);
	}
	b_free(&cut);
}

static void sql_unknown_formats(void)
{
	/* Span rows whose content is not one of MLflow's three formats. */
	static const char *contents[] = {
		"{\"foo\": 1}",
		"[]",
		"null",
		"\"just a string\"",
		"",
		"{\"name\": 5, \"attributes\": [], \"status\": 7, \"events\": {}}",
		("{\"attributes\": {\"mlflow.spanInputs\": 5, \"mlflow.spanOutputs\": {\"x\": [1]}, "
		 "\"mlflow.spanType\": null}}"),
		"{\"context\": 5, \"parent_id\": [], \"start_time\": \"x\"}",
		"{\"otel_trace_id\": 5, \"span_id\": {}, \"mlflow.span_dict_version\": 99}",
		"{\"name\": \"lone \\ud800 surrogate\", \"attributes\": {\"k\": \"\\udc00\"}}",
		"{\"name\": \"raw control \x1b]0;HOSTILE-TITLE-RAW\x07 in JSON\"}",
		"{\"name\": \"dup\", \"name\": \"keys\", \"attributes\": {\"a\": \"1\", \"a\": \"2\"}}",
		"{\"attributes\": {\"mlflow.spanInputs\": \"\\\"\\\\u0000 nul escape\\\"\"}}",
		"{\"events\": [{\"name\": null, \"time_unix_nano\": \"x\", \"attributes\": 5}, 3]}",
		"\xef\xbb\xbf{\"name\": \"bom\"}",
		"{\"name\": \"truncated",
		"  {\"name\": \"trailing\"}  garbage",
		"1e999999",
	};
	char tid[40], sid[17];
	size_t i;
	int64_t end = 1767398400001000000LL;

	plain_trace(3, "H:span rows in unknown JSON formats", tid);
	for (i = 0; i < sizeof contents / sizeof contents[0]; i++) {
		char name[64];

		snprintf(sid, sizeof sid, "5d%014zx", i + 1);
		snprintf(name, sizeof name, "unknown format %zu", i);
		put_span(tid, strlen(tid), sid, i ? "5d00000000000001" : NULL, name, strlen(name),
			 i % 2 ? "LLM" : NULL, i % 3 ? "OK" : "BOGUS", 1767398400000000000LL + (int64_t)i,
			 &end, contents[i], strlen(contents[i]));
	}
}

static void mkdirs(const char *p)
{
	char tmp[4096];
	char *s;

	snprintf(tmp, sizeof tmp, "%s", p);
	for (s = tmp + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(tmp, 0755);
			*s = '/';
		}
	}
	mkdir(tmp, 0755);
}

static void write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		die("%s: %s", path, strerror(errno));
	fwrite(s, 1, n, f);
	close_out(f);
}

/* Traces whose spans are not in the spans table. */
static void sql_spans_elsewhere(void)
{
	char tid[40], path[8300], loc[8300];
	unsigned n;

	/* No spansLocation tag, artifact location that does not exist. */
	trace_id(tid, 6, 1);
	put_trace(tid, strlen(tid), exp_id, 1767398410000LL, NULL, "OK", NULL, 0, NULL, 0);
	put_tag(tid, "mlflow.traceName", "H:spans missing (no traces.json anywhere)");
	snprintf(loc, sizeof loc, "file://%s/nowhere/%s/artifacts", art_dir, tid);
	put_tag(tid, "mlflow.artifactLocation", loc);

	/* No tags at all: no name, no location. */
	trace_id(tid, 6, 2);
	put_trace(tid, strlen(tid), exp_id, 1767398411000LL, NULL, "STATE_UNSPECIFIED", NULL, 0,
		  NULL, 0);

	/* Non-local and odd locations. */
	for (n = 3; n <= 8; n++) {
		static const char *locs[] = {
			"mlflow-artifacts:/1/traces/x/artifacts",
			"s3://bucket/\x1b]0;HOSTILE-TITLE-LOC\x07/artifacts",
			"e:\\Users\\someone\\mlruns\\artifacts",
			"../../../../../../etc",
			"file:///dev",
			"",
		};

		trace_id(tid, 6, n);
		put_trace(tid, strlen(tid), exp_id, 1767398410000LL + n * 1000, NULL, "OK", NULL, 0,
			  NULL, 0);
		snprintf(loc, sizeof loc, "H:spans at an odd location %u", n);
		put_tag(tid, "mlflow.traceName", loc);
		put_tag(tid, "mlflow.trace.spansLocation", n % 2 ? "ARTIFACT_REPO" : "\x1b[2JBOGUS");
		put_tag(tid, "mlflow.artifactLocation", locs[n - 3]);
	}

	/* traces.json cases under art_dir/<case>/. */
	for (n = 10; n <= 17; n++) {
		static const char *what[] = {
			"traces.json is a directory",
			"traces.json is corrupt",
			"traces.json is empty",
			"traces.json is valid and hostile (relative location)",
			"traces.json is a FIFO nobody writes",
			"traces.json is endless (/dev/zero)",
			"traces.json is unreadable (mode 000)",
			"traces.json holds 5,000 spans nested as a chain",
		};
		char dir[4096], name[256];

		trace_id(tid, 6, n);
		snprintf(dir, sizeof dir, "%s/c%u/%s/artifacts", art_dir, n, tid);
		mkdirs(dir);
		snprintf(path, sizeof path, "%s/traces.json", dir);
		unlink(path);
		rmdir(path);
		switch (n) {
		case 10:
			mkdir(path, 0755);
			break;
		case 11:
		{
			static const char corrupt[] =
				"{\"spans\": [{\"name\": \"\x1b]0;HOSTILE-TITLE-TJ\x07\xff";

			write_file(path, corrupt, sizeof corrupt - 1);
		}
			break;
		case 12:
			write_file(path, "", 0);
			break;
		case 13: {
			struct buf b = { 0 }, a = { 0 }, nm = { 0 };
			struct sp s;
			int i;

			b_s(&b, "{\"spans\": [");
			for (i = 0; i < 4; i++) {
				char id[17], par[17];

				a.n = nm.n = 0;
				hostile_attrs(&a, tid, &hostiles[(size_t)i * 4 % NHOSTILE], J_RAW, "LLM", !i);
				j_hstr(&nm, "tj ", &hostiles[(size_t)i * 4 % NHOSTILE], J_RAW);
				snprintf(id, sizeof id, "5e0000000000000%d", i < 3 ? i + 1 : 2);
				snprintf(par, sizeof par, "5e0000000000000%d", i == 1 ? 3 : 1);
				memset(&s, 0, sizeof s);
				s.trace_id = tid;
				memcpy(s.id, id, 17);
				s.parent = i ? par : NULL;
				s.name = nm.p;
				s.attrs = a.p;
				s.start = 1767398400000000000LL + i;
				s.end = i == 2 ? 5 : 1767398400100000000LL;
				s.has_end = i != 3;
				if (i)
					b_s(&b, ", ");
				span_json(&b, &s, 3 + i % 2);
			}
			b_s(&b, "]}");
			write_file(path, b.p, b.n);
			b_free(&b);
			b_free(&a);
			b_free(&nm);
			break;
		}
		case 14:
			if (mkfifo(path, 0644) != 0)
				die("mkfifo %s: %s", path, strerror(errno));
			break;
		case 15:
			if (symlink("/dev/zero", path) != 0)
				die("symlink %s: %s", path, strerror(errno));
			break;
		case 16:
			write_file(path, "{\"spans\": []}", 13);
			chmod(path, 0);
			break;
		case 17: {
			struct buf b = { 0 };
			int i;

			b_s(&b, "{\"spans\": [");
			for (i = 0; i < 5000; i++) {
				b_f(&b, "%s{\"trace_id\": \"%s\", \"span_id\": \"5f%014x\", "
					"\"parent_span_id\": ", i ? ", " : "", tid, i + 1);
				if (i)
					b_f(&b, "\"5f%014x\"", i);
				else
					b_s(&b, "null");
				b_f(&b, ", \"name\": \"chain %d\", \"start_time_unix_nano\": %d, "
					"\"end_time_unix_nano\": %d, \"status\": {\"code\": \"OK\"}, "
					"\"attributes\": {\"mlflow.traceRequestId\": \"\\\"%s\\\"\"}, "
					"\"otel_trace_id\": \"%.32s\"}", i, i, 10000 - i, tid, tid + 3);
			}
			b_s(&b, "]}");
			write_file(path, b.p, b.n);
			b_free(&b);
			break;
		}
		}
		put_trace(tid, strlen(tid), exp_id, 1767398420000LL + n * 1000, NULL, "OK", NULL, 0,
			  NULL, 0);
		snprintf(name, sizeof name, "H:%s", what[n - 10]);
		put_tag(tid, "mlflow.traceName", name);
		put_tag(tid, "mlflow.trace.spansLocation", "ARTIFACT_REPO");
		if (n == 13)
			snprintf(loc, sizeof loc, "hostile-art/c%u/%s/artifacts", n, tid);
		else
			snprintf(loc, sizeof loc, "%s%s", n % 2 ? "" : "file://", dir);
		put_tag(tid, "mlflow.artifactLocation", loc);
	}
}

static void sql_times(void)
{
	static const int64_t starts[] = { 0, -1, INT64_MIN, INT64_MAX, 1767398400000000000LL,
					  1767398400000000000LL, INT64_MAX, INT64_MIN + 1 };
	static const int64_t ends[] = { -1, 0, INT64_MAX, INT64_MIN, 1767398300000000000LL, 0,
					INT64_MAX, INT64_MAX };
	char tid[40], sid[17];
	size_t i;
	int64_t dur;

	/* Trace rows with extreme times and durations. */
	static const int64_t ts[] = { INT64_MAX, INT64_MIN, -1, 0, 253402300800000LL };
	static const int64_t durs[] = { INT64_MIN, INT64_MAX, -5, 0, 1 };

	for (i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		char name[80];

		trace_id(tid, 7, (unsigned)i + 1);
		dur = durs[i];
		put_trace(tid, strlen(tid), exp_id, ts[i], &dur, i % 2 ? "ERROR" : "OK", NULL, 0,
			  NULL, 0);
		snprintf(name, sizeof name, "H:extreme trace time %" PRId64 " duration %" PRId64,
			 ts[i], durs[i]);
		put_tag(tid, "mlflow.traceName", name);
		put_tag(tid, "mlflow.trace.spansLocation", "TRACKING_STORE");
		put_span(tid, strlen(tid), "6000000000000001", NULL, "root", 4, "CHAIN", "OK",
			 starts[i], &ends[i], "{}", 2);
	}

	/* Span times: missing, negative duration, overflowing. */
	plain_trace(8, "H:span times missing, negative and extreme", tid);
	for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
		struct buf c = { 0 };

		snprintf(sid, sizeof sid, "61%014zx", i + 1);
		v4_content(&c, tid, sid, i ? "6100000000000001" : NULL, "\"times\"", starts[i],
			   i == 5 ? NULL : &ends[i], NULL);
		put_span(tid, strlen(tid), sid, i ? "6100000000000001" : NULL, sid, 16, "CHAIN", "OK",
			 starts[i], i == 5 ? NULL : &ends[i], c.p, c.n);
		b_free(&c);
	}
}

static void sql_tree_shapes(void)
{
	char tid[40], sid[17], par[17];
	int64_t end = 1767398400001000000LL;
	int i;

	/* Cycles, self parents, orphans, empty-string parents. */
	plain_trace(9, "H:parent cycles, self parents, orphans", tid);
	put_span(tid, strlen(tid), "6200000000000001", "6200000000000002", "a (parent b)", 12,
		 "CHAIN", "OK", 1767398400000000000LL, &end, "{}", 2);
	put_span(tid, strlen(tid), "6200000000000002", "6200000000000003", "b (parent c)", 12,
		 "CHAIN", "OK", 1767398400000000001LL, &end, "{}", 2);
	put_span(tid, strlen(tid), "6200000000000003", "6200000000000001", "c (parent a)", 12,
		 "CHAIN", "ERROR", 1767398400000000002LL, &end, "{}", 2);
	put_span(tid, strlen(tid), "6200000000000004", "6200000000000004", "self parent", 11,
		 "TOOL", "OK", 1767398400000000003LL, &end, "{}", 2);
	put_span(tid, strlen(tid), "6200000000000005", "ffffffffffffffff", "orphan", 6, "LLM",
		 "OK", 1767398400000000004LL, &end, "{}", 2);
	put_span(tid, strlen(tid), "6200000000000006", "", "empty parent", 12, "LLM", "OK",
		 1767398400000000005LL, &end, "{}", 2);
	put_span(tid, strlen(tid), "6200000000000007", "6200000000000005", "child of orphan", 15,
		 "LLM", "UNSET", 1767398400000000006LL, &end, "{}", 2);
	put_span(tid, strlen(tid), "\x1b]0;HOSTILE-TITLE-SID\x07", "\xff\x1b[2J",
		 "hostile span id", 15, "LLM", "OK", 1767398400000000007LL, &end, "{}", 2);

	/* A chain 10,000 deep (recursive walkers overflow their stack). */
	plain_trace(10, "H:a chain of spans 10,000 deep", tid);
	exec("BEGIN");
	for (i = 0; i < 10000; i++) {
		char name[32];

		snprintf(sid, sizeof sid, "63%014x", i + 1);
		snprintf(par, sizeof par, "63%014x", i);
		snprintf(name, sizeof name, "depth %d", i);
		put_span(tid, strlen(tid), sid, i ? par : NULL, name, strlen(name), "CHAIN", "OK",
			 1767398400000000000LL + i, &end, "{}", 2);
	}
	exec("COMMIT");
}

static void sql_many_spans(void)
{
	char tid[40];
	char sql[4096];

	/* 100,000 spans: a binary tree (depth 17) with real v4 content. */
	plain_trace(11, "H:100,000 spans in one trace", tid);
	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
		 "INSERT OR REPLACE INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, "
		 "status, start_time_unix_nano, end_time_unix_nano, content) "
		 "SELECT '%s', %" PRId64 ", printf('64%%014x', i), "
		 "CASE WHEN i = 1 THEN NULL ELSE printf('64%%014x', i / 2) END, "
		 "'span ' || i, CASE i %% 3 WHEN 0 THEN 'LLM' WHEN 1 THEN 'TOOL' ELSE 'CHAIN' END, "
		 "CASE WHEN i %% 97 = 0 THEN 'ERROR' ELSE 'OK' END, "
		 "1767398400000000000 + i * 1000, 1767398400000000000 + i * 1000 + 500000 / i, "
		 "json_object('trace_id', '%s', 'span_id', printf('64%%014x', i), "
		 "'parent_span_id', CASE WHEN i = 1 THEN NULL ELSE printf('64%%014x', i / 2) END, "
		 "'name', 'span ' || i, 'start_time_unix_nano', 1767398400000000000 + i * 1000, "
		 "'end_time_unix_nano', 1767398400000000000 + i * 1000 + 500000 / i, "
		 "'status', json_object('code', 'OK', 'message', ''), "
		 "'attributes', json_object('mlflow.spanType', '\"CHAIN\"', "
		 "'mlflow.spanInputs', json_quote(json_object('i', i))), "
		 "'otel_trace_id', '%.32s') FROM n",
		 tid, exp_id, tid, tid + 3);
	exec(sql);
}

static void sql_big_and_deep(void)
{
	char tid[40];
	struct buf c = { 0 }, inner = { 0 }, attrs = { 0 }, w = { 0 };
	int64_t end = 1767398400001000000LL;
	size_t i;

	plain_trace(12, "H:10 MB attributes and JSON nested deep", tid);

	/* 10 MB of hostile text as one line. */
	while (inner.n < 10 * 1024 * 1024)
		for (i = 0; i < NHOSTILE; i++)
			b_add(&inner, hostiles[i].s, hostiles[i].n);
	j_strn(&w, inner.p, inner.n, J_RAW);
	b_s(&attrs, "\"mlflow.spanType\": \"\\\"LLM\\\"\", \"mlflow.spanOutputs\": ");
	j_wrapped(&attrs, &w);
	v4_content(&c, tid, "6500000000000001", NULL, "\"10 MB on one line\"", 1767398400000000000LL,
		   &end, attrs.p);
	put_span(tid, strlen(tid), "6500000000000001", NULL, "10 MB on one line", 17, "LLM", "OK",
		 1767398400000000000LL, &end, c.p, c.n);

	/* 10 MB as a JSON array of 200,000 small objects (folding, lazy render). */
	c.n = inner.n = attrs.n = w.n = 0;
	b_s(&inner, "[");
	for (i = 0; inner.n < 10 * 1024 * 1024; i++)
		b_f(&inner, "%s{\"i\": %zu, \"text\": \"line %zu \\u001b[2J\\u009b\"}", i ? ", " : "",
		    i, i);
	b_s(&inner, "]");
	b_s(&attrs, "\"mlflow.spanInputs\": ");
	j_wrapped(&attrs, &inner);
	v4_content(&c, tid, "6500000000000002", "6500000000000001", "\"10 MB of small objects\"",
		   1767398400000000001LL, &end, attrs.p);
	put_span(tid, strlen(tid), "6500000000000002", "6500000000000001", "10 MB of objects", 16,
		 "CHAIN", "OK", 1767398400000000001LL, &end, c.p, c.n);

	/* 10 MB of short lines in one string. */
	c.n = inner.n = attrs.n = w.n = 0;
	for (i = 0; inner.n < 10 * 1024 * 1024; i++)
		b_f(&inner, "line %zu \x1b[%zuA\n", i, i % 50);
	j_strn(&w, inner.p, inner.n, J_RAW);
	b_s(&attrs, "\"mlflow.spanOutputs\": ");
	j_wrapped(&attrs, &w);
	v4_content(&c, tid, "6500000000000003", "6500000000000001", "\"10 MB of lines\"",
		   1767398400000000002LL, &end, attrs.p);
	put_span(tid, strlen(tid), "6500000000000003", "6500000000000001", "10 MB of lines", 14,
		 "CHAIN", "OK", 1767398400000000002LL, &end, c.p, c.n);

	/* JSON nested 1,000 deep in the attribute, and 100,000 deep. */
	{
		static const int depths[] = { 999, 1000, 1001, 100000 };
		int k;

		for (k = 0; k < 4; k++) {
			char sid[17], nm[40];

			c.n = inner.n = attrs.n = 0;
			nested(&inner, depths[k], k % 2 ? "{\"k\": " : "[", k % 2 ? "}" : "]",
			       "\"\\u001b]0;HOSTILE-TITLE-DEEP\\u0007\"");
			b_s(&attrs, "\"mlflow.spanInputs\": ");
			j_wrapped(&attrs, &inner);
			snprintf(sid, sizeof sid, "650000000000001%d", k);
			snprintf(nm, sizeof nm, "\"nested %d deep\"", depths[k]);
			v4_content(&c, tid, sid, "6500000000000001", nm, 1767398400000000010LL + k,
				   &end, attrs.p);
			put_span(tid, strlen(tid), sid, "6500000000000001", nm + 1, strlen(nm) - 2,
				 "PARSER", "OK", 1767398400000000010LL + k, &end, c.p, c.n);
		}
		/* The content document itself nested 100,000 deep. */
		c.n = 0;
		b_s(&c, "{\"name\": \"deep content\", \"attributes\": {\"x\": ");
		nested(&c, 100000, "[", "]", "0");
		b_s(&c, "}}");
		put_span(tid, strlen(tid), "6500000000000020", "6500000000000001", "deep content", 12,
			 "PARSER", "OK", 1767398400000000020LL, &end, c.p, c.n);
	}
	b_free(&c);
	b_free(&inner);
	b_free(&attrs);
	b_free(&w);
}

static void sql_hostile_ids_and_assessments(void)
{
	static const char hid[] = "tr-\x1b]0;HOSTILE-TITLE-ID\x07\xe2\x80\xae";
	char tid[40];
	int64_t end = 1767398400001000000LL, dur = 1;
	struct arow a;

	/* A trace whose id itself is hostile. */
	put_trace(hid, sizeof hid - 1, exp_id, 1767398430000LL, &dur,
		  "\x1b[2JOK\xc2\x9b", NULL, 0, NULL, 0);
	put_kv(ins_tag, hid, sizeof hid - 1, "mlflow.traceName", 16, "H:hostile trace id", 18);
	put_kv(ins_tag, hid, sizeof hid - 1, "mlflow.trace.spansLocation", 26, "TRACKING_STORE", 14);
	put_span(hid, sizeof hid - 1, "6600000000000001", NULL, "root", 4, "CHAIN", "OK",
		 1767398400000000000LL, &end, "{}", 2);
	memset(&a, 0, sizeof a);
	a.id = "a-\x1b]0;HOSTILE-TITLE-AID\x07";
	a.trace = hid;
	a.name = "on a hostile trace";
	a.type = "feedback";
	a.value = "true";
	a.created = a.updated = 1767398431000LL;
	a.source_type = "HUMAN";
	a.source_id = "me";
	a.valid = 1;
	/* the trace column has the hostile id: bind it with its length */
	bind_t(ins_assess, 1, a.id);
	bind_tn(ins_assess, 2, hid, sizeof hid - 1);
	bind_t(ins_assess, 3, a.name);
	bind_t(ins_assess, 4, a.type);
	bind_t(ins_assess, 5, a.value);
	bind_t(ins_assess, 6, NULL);
	sqlite3_bind_int64(ins_assess, 7, a.created);
	sqlite3_bind_int64(ins_assess, 8, a.updated);
	bind_t(ins_assess, 9, a.source_type);
	bind_t(ins_assess, 10, a.source_id);
	bind_t(ins_assess, 11, NULL);
	bind_t(ins_assess, 12, NULL);
	bind_t(ins_assess, 13, NULL);
	bind_t(ins_assess, 14, NULL);
	sqlite3_bind_int64(ins_assess, 15, 1);
	bind_t(ins_assess, 16, NULL);
	step_done(ins_assess);

	/* Odd assessments: override cycles, dangling overrides, unknown spans,
	 * unknown types and sources, extreme times, huge and deep values. */
	plain_trace(13, "H:odd assessments", tid);
	put_span(tid, strlen(tid), "6700000000000001", NULL, "root", 4, "CHAIN", "OK",
		 1767398400000000000LL, &end, "{}", 2);
	memset(&a, 0, sizeof a);
	a.trace = tid;
	a.type = "feedback";
	a.source_type = "HUMAN";
	a.source_id = "me";
	a.created = a.updated = 1767398440000LL;

	a.id = "a-bad0000d00000001000000000000000";
	a.name = "override cycle";
	a.value = "1";
	a.overrides = "a-bad0000d00000002000000000000000";
	a.valid = 0;
	put_assessment(&a);
	a.id = "a-bad0000d00000002000000000000000";
	a.value = "2";
	a.overrides = "a-bad0000d00000001000000000000000";
	put_assessment(&a);
	a.id = "a-bad0000d00000003000000000000000";
	a.name = "self override";
	a.overrides = "a-bad0000d00000003000000000000000";
	a.valid = 1;
	put_assessment(&a);
	a.id = "a-bad0000d00000004000000000000000";
	a.name = "dangling override";
	a.overrides = "a-does-not-exist";
	put_assessment(&a);
	a.overrides = NULL;
	a.id = "a-bad0000d00000005000000000000000";
	a.name = "unknown span";
	a.span = "ffffffffffffffff";
	put_assessment(&a);
	a.span = "\x1b]0;HOSTILE-TITLE-ASPAN\x07";
	a.id = "a-bad0000d00000006000000000000000";
	a.name = "hostile span id";
	put_assessment(&a);
	a.span = NULL;
	a.id = "a-bad0000d00000007000000000000000";
	a.name = "odd type";
	a.type = "bogus\x1b[2J";
	a.source_type = "\xff";
	a.valid = 5;
	put_assessment(&a);
	a.id = "a-bad0000d00000008000000000000000";
	a.name = "issue";
	a.type = "issue";
	a.source_type = "SOURCE_TYPE_UNSPECIFIED";
	a.source_id = NULL;
	a.value = "{\"issue_name\": \"\x1b]0;HOSTILE-TITLE-ISSUE\x07\"}";
	a.valid = 1;
	put_assessment(&a);
	a.id = "a-bad0000d00000009000000000000000";
	a.name = "extreme times";
	a.type = "expectation";
	a.value = "[1, 2]";
	a.created = INT64_MIN;
	a.updated = INT64_MAX;
	put_assessment(&a);
	a.created = a.updated = -1;
	a.id = "a-bad0000d00000010000000000000000";
	a.name = "";
	a.type = "feedback";
	a.source_type = "";
	a.value = "null";
	put_assessment(&a);
	{
		struct buf v = { 0 };

		nested(&v, 100000, "[", "]", "true");
		a.id = "a-bad0000d00000011000000000000000";
		a.name = "value nested 100,000 deep";
		a.value = v.p;
		a.created = a.updated = 1767398441000LL;
		put_assessment(&a);
		v.n = 0;
		b_s(&v, "\"");
		while (v.n < 1024 * 1024)
			b_s(&v, "long rationale \\u001b[2J ");
		b_s(&v, "\"");
		a.id = "a-bad0000d00000012000000000000000";
		a.name = "1 MB value and rationale";
		a.value = v.p;
		a.rationale = v.p;
		put_assessment(&a);
		b_free(&v);
	}
	a.rationale = NULL;
	{
		/* Many feedback names (columns in the trace list). */
		int i;

		for (i = 0; i < 60; i++) {
			char id[40], name[64];

			snprintf(id, sizeof id, "a-bad0000d1%022d", i);
			snprintf(name, sizeof name, "column %d \x1b[%dm", i, i);
			a.id = id;
			a.name = name;
			a.value = i % 2 ? "true" : "\"txt\"";
			a.source_type = i % 3 ? "LLM_JUDGE" : "HUMAN";
			put_assessment(&a);
		}
	}
}

static void sql_hostile_experiment(void)
{
	static const char name[] = "hostile-exp \x1b]0;HOSTILE-TITLE-EXP\x07\xe2\x80\xae\xff";
	sqlite3_stmt *st = prep("INSERT INTO experiments (experiment_id, name, artifact_location, "
				"lifecycle_stage, creation_time, last_update_time) VALUES "
				"((SELECT MAX(experiment_id) + 1 FROM experiments), ?, ?, 'active', 0, 0)");
	sqlite3_stmt *q;
	int64_t id;
	char tid[40];
	int64_t dur = 1;

	q = prep("SELECT experiment_id FROM experiments WHERE name = ?");
	bind_tn(q, 1, name, sizeof name - 1);
	if (sqlite3_step(q) == SQLITE_ROW) {
		sqlite3_finalize(q);
		sqlite3_finalize(st);
		return;
	}
	sqlite3_finalize(q);
	bind_tn(st, 1, name, sizeof name - 1);
	bind_t(st, 2, "\x1b[2J/nowhere");
	step_done(st);
	sqlite3_finalize(st);
	id = sqlite3_last_insert_rowid(db);
	trace_id(tid, 8, 1);
	put_trace(tid, strlen(tid), id, 1767398450000LL, &dur, "OK", "{}", 2, "{}", 2);
	put_tag(tid, "mlflow.traceName", "H:in an experiment with a hostile name");
}

static int64_t ensure_experiment(const char *name)
{
	sqlite3_stmt *st = prep("SELECT experiment_id FROM experiments WHERE name = ?");
	int64_t id;

	bind_t(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return id;
	}
	sqlite3_finalize(st);
	st = prep("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
		  "creation_time, last_update_time) VALUES "
		  "((SELECT COALESCE(MAX(experiment_id), 0) + 1 FROM experiments), ?, ?, 'active', 0, 0)");
	bind_t(st, 1, name);
	bind_t(st, 2, art_dir);
	step_done(st);
	sqlite3_finalize(st);
	return sqlite3_last_insert_rowid(db);
}

static int cmd_sql(const char *store, const char *dir)
{
	char abs[4096];

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	if (!realpath(dir, abs))
		die("%s: %s", dir, strerror(errno));
	art_dir = abs;
	if (sqlite3_open_v2(store, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("%s: %s", store, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 5000);
	exec("PRAGMA foreign_keys = OFF");
	exp_id = ensure_experiment("hostile");
	prepare_all();
	exec("BEGIN");
	sql_text_bytes();
	sql_not_json();
	sql_unknown_formats();
	sql_spans_elsewhere();
	sql_times();
	exec("COMMIT");
	sql_tree_shapes();
	exec("BEGIN");
	sql_many_spans();
	sql_big_and_deep();
	sql_hostile_ids_and_assessments();
	sql_hostile_experiment();
	exec("COMMIT");
	finalize_all();
	if (sqlite3_close(db) != SQLITE_OK)
		die("close: %s", sqlite3_errmsg(db));
	/* The relative artifact location of case 13 resolves against the
	 * store's directory: link it there. */
	{
		char storedir[4096], link[4200], *slash;

		snprintf(storedir, sizeof storedir, "%s", store);
		slash = strrchr(storedir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(storedir, sizeof storedir, ".");
		snprintf(link, sizeof link, "%s/hostile-art", storedir);
		unlink(link);
		if (symlink(abs, link) != 0 && errno != EEXIST)
			die("symlink %s: %s", link, strerror(errno));
	}
	printf("%" PRId64 "\n", exp_id);
	return 0;
}

/* ---- checkers ----------------------------------------------------------- */

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	char tmp[65536];
	size_t k;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		b_add(&b, tmp, k);
	fclose(f);
	if (!b.p)
		b_add(&b, "", 0);
	*n = b.n;
	return b.p;
}

/* Strict JSON over s[0..n): returns 0, or -1 with *at the offset and *why. */
struct jp {
	const unsigned char *s;
	size_t n, i;
	const char *why;
};

static void ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int jstring(struct jp *p)
{
	p->i++; /* opening quote */
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		uint32_t cp;
		int len;

		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return p->why = "raw control character in a string", -1;
		if (c == '\\') {
			int k;

			if (p->i + 1 >= p->n)
				return p->why = "truncated escape", -1;
			c = p->s[p->i + 1];
			if (strchr("\"\\/bfnrt", c) && c) {
				p->i += 2;
				continue;
			}
			if (c != 'u')
				return p->why = "bad escape", -1;
			for (k = 0; k < 4; k++)
				if (p->i + 2 + (size_t)k >= p->n ||
				    !strchr("0123456789abcdefABCDEF", p->s[p->i + 2 + k]) ||
				    !p->s[p->i + 2 + k])
					return p->why = "bad \\u escape", -1;
			p->i += 6;
			continue;
		}
		len = utf8_len(p->s + p->i, p->n - p->i, &cp);
		if (!len)
			return p->why = "invalid UTF-8", -1;
		p->i += (size_t)len;
	}
	return p->why = "unterminated string", -1;
}

static int jnumber(struct jp *p)
{
	size_t st = p->i;

	if (p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n)
		return p->why = "bad number", -1;
	if (p->s[p->i] == '0') {
		p->i++;
	} else if (p->s[p->i] >= '1' && p->s[p->i] <= '9') {
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	} else {
		return p->why = "bad number", -1;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return p->why = "bad fraction", -1;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return p->why = "bad exponent", -1;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	return p->i > st ? 0 : -1;
}

/* Iterative, so any depth is fine. */
static int jvalue(struct jp *p)
{
	struct buf stack = { 0 };   /* '{' or '[' per open container */
	int rc = -1;

	for (;;) {
		/* expect a value */
		ws(p);
		if (p->i >= p->n) {
			p->why = "unexpected end";
			goto out;
		}
		switch (p->s[p->i]) {
		case '{':
			p->i++;
			ws(p);
			if (p->i < p->n && p->s[p->i] == '}') {
				p->i++;
				break;
			}
			b_add(&stack, "{", 1);
			if (p->i >= p->n || p->s[p->i] != '"') {
				p->why = "expected a key";
				goto out;
			}
			if (jstring(p))
				goto out;
			ws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				p->why = "expected ':'";
				goto out;
			}
			p->i++;
			continue;
		case '[':
			p->i++;
			ws(p);
			if (p->i < p->n && p->s[p->i] == ']') {
				p->i++;
				break;
			}
			b_add(&stack, "[", 1);
			continue;
		case '"':
			if (jstring(p))
				goto out;
			break;
		case 't':
			if (p->n - p->i < 4 || memcmp(p->s + p->i, "true", 4)) {
				p->why = "bad literal";
				goto out;
			}
			p->i += 4;
			break;
		case 'f':
			if (p->n - p->i < 5 || memcmp(p->s + p->i, "false", 5)) {
				p->why = "bad literal";
				goto out;
			}
			p->i += 5;
			break;
		case 'n':
			if (p->n - p->i < 4 || memcmp(p->s + p->i, "null", 4)) {
				p->why = "bad literal";
				goto out;
			}
			p->i += 4;
			break;
		default:
			if (jnumber(p)) {
				if (!p->why)
					p->why = "unexpected character";
				goto out;
			}
			break;
		}
		/* after a value: close containers or continue with ',' */
		for (;;) {
			char top;

			if (!stack.n) {
				rc = 0;
				goto out;
			}
			top = stack.p[stack.n - 1];
			ws(p);
			if (p->i >= p->n) {
				p->why = "unexpected end";
				goto out;
			}
			if (p->s[p->i] == (top == '{' ? '}' : ']')) {
				p->i++;
				stack.n--;
				continue;
			}
			if (p->s[p->i] != ',') {
				p->why = "expected ',' or a closing bracket";
				goto out;
			}
			p->i++;
			if (top == '{') {
				ws(p);
				if (p->i >= p->n || p->s[p->i] != '"') {
					p->why = "expected a key";
					goto out;
				}
				if (jstring(p))
					goto out;
				ws(p);
				if (p->i >= p->n || p->s[p->i] != ':') {
					p->why = "expected ':'";
					goto out;
				}
				p->i++;
			}
			break;
		}
	}
out:
	b_free(&stack);
	return rc;
}

static int check_json_doc(const char *what, const char *s, size_t n, size_t base)
{
	struct jp p = { (const unsigned char *)s, n, 0, NULL };

	if (jvalue(&p) == 0) {
		ws(&p);
		if (p.i == n)
			return 0;
		p.why = "trailing text";
	}
	fprintf(stderr, "%s: invalid JSON at byte %zu: %s\n", what, base + p.i,
		p.why ? p.why : "?");
	return -1;
}

static int cmd_check_json(const char *path, int lines)
{
	size_t n, i, st = 0, lineno = 1;
	char *s = slurp(path, &n);
	int bad = 0;

	if (!lines) {
		bad = check_json_doc(path, s, n, 0) != 0;
	} else {
		for (i = 0; i <= n; i++) {
			if (i < n && s[i] != '\n')
				continue;
			if (i > st) {
				char what[4200];

				snprintf(what, sizeof what, "%s:%zu", path, lineno);
				if (check_json_doc(what, s + st, i - st, st) != 0)
					bad = 1;
			}
			st = i + 1;
			lineno++;
		}
	}
	free(s);
	return bad;
}

static int cmd_check_safe(const char *path)
{
	size_t n, i = 0, line = 1;
	char *s = slurp(path, &n);
	int bad = 0;

	while (i < n) {
		const unsigned char *u = (const unsigned char *)s + i;
		uint32_t cp;
		int len = utf8_len(u, n - i, &cp);

		if (!len) {
			fprintf(stderr, "%s:%zu: invalid UTF-8 byte 0x%02x at offset %zu\n", path, line,
				*u, i);
			bad = 1;
			break;
		}
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c) {
			fprintf(stderr, "%s:%zu: raw control U+%04X at offset %zu\n", path, line,
				(unsigned)cp, i);
			bad = 1;
			break;
		}
		line += cp == '\n';
		i += (size_t)len;
	}
	free(s);
	return bad;
}

static int cmd_unhex(const char *hex)
{
	size_t i, n = strlen(hex);
	unsigned v;

	for (i = 0; i + 1 < n; i += 2) {
		if (sscanf(hex + i, "%2x", &v) != 1)
			die("not hex: %s", hex);
		putchar((int)v);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "files") == 0)
		return cmd_files(argv[2]);
	if (argc == 4 && strcmp(argv[1], "sql") == 0)
		return cmd_sql(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "check-json") == 0)
		return cmd_check_json(argv[2], 0);
	if (argc == 4 && strcmp(argv[1], "check-json") == 0 && strcmp(argv[2], "--lines") == 0)
		return cmd_check_json(argv[3], 1);
	if (argc == 3 && strcmp(argv[1], "check-safe") == 0)
		return cmd_check_safe(argv[2]);
	if (argc == 3 && strcmp(argv[1], "unhex") == 0)
		return cmd_unhex(argv[2]);
	fprintf(stderr, "usage: gen_hostile files DIR | sql STORE DIR | "
			"check-json [--lines] FILE | check-safe FILE | unhex HEX\n");
	return 2;
}
