#ifndef TB_JSON_SEMCONV_H
#define TB_JSON_SEMCONV_H
/*
 * The attribute conventions of other tracing tools, turned into what MLflow
 * keeps in a span, for spans imported from OTLP, OpenTelemetry SDK dumps,
 * Langfuse and Cloud Trace.
 *
 * Each attribute value is stored as MLflow's SQL store stores it: the value
 * json.dumps'd (ensure_ascii=False), except that a string which itself holds
 * a JSON string or object is kept as it is (MLflow's sanitize_attributes).
 * Then, as MLflow's translators do when a span is logged (and a little more):
 *
 *   mlflow.spanType    from openinference.span.kind, gen_ai.operation.name,
 *                      traceloop.span.kind or ai.operationId (MLflow's
 *                      tables), else the format's own type, else UNKNOWN;
 *   mlflow.spanInputs  from input.value, OpenInference messages
 *                      (llm.input_messages.N.message.*), gen_ai.input.messages,
 *   mlflow.spanOutputs gen_ai.tool.call.arguments / .result, the older GenAI
 *                      messages (gen_ai.prompt.N.* / gen_ai.completion.N.*),
 *                      traceloop.entity.*, Google ADK and Vercel AI keys;
 *                      messages become {"messages": [...]} (inputs) and
 *                      {"choices": [{"index": i, "message": ...}]} (outputs),
 *                      the OpenAI chat shape the chat view reads;
 *   mlflow.chat.tokenUsage  {"input_tokens", "output_tokens", "total_tokens"}
 *                      from llm.token_count.*, gen_ai.usage.*.
 *
 * Nothing is overwritten: an attribute the span already has wins.
 *
 * Ownership: returned trees are the caller's (cJSON_Delete); inputs are
 * borrowed.
 */
#include <stdbool.h>
#include <stdint.h>

#include "json/jtree.h"

struct semconv_usage {
	int64_t in, out, total;
	bool set;
};

struct semconv_opts {
	const char *trace_id;      /* "tr-..." for mlflow.traceRequestId */
	const char *type;          /* the format's own span type (wins over conventions), or NULL */
	const char *fallback_type; /* used when nothing says (NULL: UNKNOWN) */
	const cJSON *inputs;       /* the format's own inputs / outputs (any JSON), or NULL */
	const cJSON *outputs;
	const struct semconv_usage *usage;  /* the format's own token counts, or NULL */
};

/* raw: a JSON object of plain attribute values (borrowed).  Returns the
 * attributes object of an MLflow span dict; *usage (may be NULL) gets the
 * token usage the span says. */
cJSON *semconv_attributes(const cJSON *raw, const struct semconv_opts *o,
			  struct semconv_usage *usage);

/* One attribute value as MLflow stores it (see above).  Caller frees. */
char *semconv_encode(const cJSON *v);

/* The MLflow span type conventions give for plain attribute values (raw
 * form) or MLflow-encoded ones (encoded form: both are read), or NULL. */
const char *semconv_span_type(const cJSON *attrs);

#endif
