#!/usr/bin/env python3
"""Writes examples/demo.jsonl and examples/demo-otlp.json, the traces behind
`tracelab demo`.  Output is deterministic: fixed timestamps, ids derived from
names.  Run from the repository root after changing a scenario:

    python3 examples/make-demo-data.py

demo.jsonl holds one MLflow Trace.to_dict() per line (info in V3 form, spans
in the v3 span dict form that every MLflow 3 reads: base64 ids, STATUS_CODE_*
status), with the traces' feedback in info.assessments.
demo-otlp.json is an OTLP/JSON TracesData export of one more trace.
"""
import base64
import calendar
import hashlib
import json
import time

EXPERIMENT = "0"
APP = "fernhill-support"


def hexid(kind, seed, n):
    return hashlib.md5(f"{kind}:{seed}".encode()).hexdigest()[:n]


def b64(h):
    return base64.b64encode(bytes.fromhex(h)).decode()


def ms_at(day, hh, mm, ss, ms=0):
    """ms since the epoch for 2026-03-<day> hh:mm:ss.ms UTC."""
    return calendar.timegm((2026, 3, day, hh, mm, ss, 0, 0, 0)) * 1000 + ms


def rfc3339(ms):
    t = time.gmtime(ms // 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ".%03dZ" % (ms % 1000)


# ---- spans -------------------------------------------------------------------


class Span:
    def __init__(self, name, type_, start_ms, dur_ms, inputs=None, outputs=None,
                 attrs=None, status="OK", message="", events=None):
        self.name = name
        self.type = type_
        self.start_ns = start_ms * 1_000_000
        self.end_ns = (start_ms + dur_ms) * 1_000_000
        self.inputs = inputs
        self.outputs = outputs
        self.attrs = attrs or {}
        self.status = status
        self.message = message
        self.events = events or []
        self.children = []
        self.id = None

    def add(self, child):
        self.children.append(child)
        return child

    def walk(self, parent=None):
        yield self, parent
        for c in self.children:
            yield from c.walk(self)


def exception_event(at_ms, etype, message, stack):
    return {
        "name": "exception",
        "time_unix_nano": at_ms * 1_000_000,
        "attributes": {
            "exception.type": etype,
            "exception.message": message,
            "exception.stacktrace": stack,
            "exception.escaped": "False",
        },
    }


def span_dict(span, parent, otel_hex, trace_id):
    attrs = {
        "mlflow.traceRequestId": json.dumps(trace_id),
        "mlflow.spanType": json.dumps(span.type),
    }
    if span.inputs is not None:
        attrs["mlflow.spanInputs"] = json.dumps(span.inputs)
    for k, v in span.attrs.items():
        attrs[k] = json.dumps(v)
    if span.outputs is not None:
        attrs["mlflow.spanOutputs"] = json.dumps(span.outputs)
    return {
        "trace_id": b64(otel_hex),
        "span_id": b64(span.id),
        "parent_span_id": b64(parent.id) if parent else "",
        "name": span.name,
        "start_time_unix_nano": span.start_ns,
        "end_time_unix_nano": span.end_ns,
        "events": span.events,
        "status": {"code": "STATUS_CODE_" + span.status, "message": span.message},
        "attributes": attrs,
    }


# ---- feedback ------------------------------------------------------------------

JUDGE = "openai:/gpt-4o-mini"
JUDGE2 = "anthropic:/claude-3-5-haiku-latest"


def feedback(seed, name, value, source_type, source_id, at_ms, rationale=None,
             span=None, metadata=None, overrides=None, valid=True, error=None):
    return dict(seed=seed, name=name, value=value, source_type=source_type,
                source_id=source_id, at_ms=at_ms, rationale=rationale, span=span,
                metadata=metadata, overrides=overrides, valid=valid, error=error)


def assessment_dict(trace_id, fb):
    d = {"assessment_id": "a-" + hexid("assessment", trace_id + fb["seed"], 32),
         "assessment_name": fb["name"], "trace_id": trace_id}
    if fb["span"] is not None:
        d["span_id"] = fb["span"].id
    d["source"] = {"source_type": fb["source_type"], "source_id": fb["source_id"]}
    d["create_time"] = rfc3339(fb["at_ms"])
    d["last_update_time"] = rfc3339(fb["at_ms"])
    if fb["error"]:
        d["feedback"] = {"error": fb["error"]}
    else:
        d["feedback"] = {"value": fb["value"]}
    if fb["rationale"]:
        d["rationale"] = fb["rationale"]
    if fb["metadata"]:
        d["metadata"] = fb["metadata"]
    if fb["overrides"]:
        d["overrides"] = "a-" + hexid("assessment", trace_id + fb["overrides"], 32)
    d["valid"] = fb["valid"]
    return d


# ---- traces ------------------------------------------------------------------

TRACES = []


def trace(seed, root, user=None, session=None, feedbacks=(), tags=None,
          client_request_id=None, env="production"):
    otel_hex = hexid("trace", seed, 32)
    trace_id = "tr-" + otel_hex
    spans = list(root.walk())
    for i, (s, _) in enumerate(spans):
        s.id = hexid("span", f"{seed}/{i}/{s.name}", 16)
    usage = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    for s, _ in spans:
        u = s.attrs.get("mlflow.chat.tokenUsage")
        if u:
            for k in usage:
                usage[k] += u[k]
    metadata = {"mlflow.trace_schema.version": "3",
                "mlflow.source.name": "support_app/server.py",
                "mlflow.source.type": "LOCAL",
                "mlflow.user": "svc-support"}
    if user:
        metadata["mlflow.trace.user"] = user
    if session:
        metadata["mlflow.trace.session"] = session
    if usage["total_tokens"]:
        metadata["mlflow.trace.tokenUsage"] = json.dumps(usage)
    all_tags = {"mlflow.traceName": root.name,
                "mlflow.artifactLocation":
                    f"mlflow-artifacts:/{EXPERIMENT}/traces/{trace_id}/artifacts",
                "environment": env,
                "app_version": "2.3.1"}
    all_tags.update(tags or {})
    start_ms = root.start_ns // 1_000_000
    info = {"trace_id": trace_id}
    if client_request_id:
        info["client_request_id"] = client_request_id
    info["trace_location"] = {"type": "MLFLOW_EXPERIMENT",
                              "mlflow_experiment": {"experiment_id": EXPERIMENT}}
    if root.inputs is not None:
        info["request_preview"] = json.dumps(root.inputs)[:1000]
    if root.outputs is not None:
        info["response_preview"] = json.dumps(root.outputs)[:1000]
    info["request_time"] = rfc3339(start_ms)
    info["execution_duration_ms"] = (root.end_ns - root.start_ns) // 1_000_000
    info["state"] = "ERROR" if root.status == "ERROR" else "OK"
    info["trace_metadata"] = metadata
    info["tags"] = all_tags
    info["assessments"] = [assessment_dict(trace_id, fb) for fb in feedbacks]
    data = {"spans": [span_dict(s, p, otel_hex, trace_id) for s, p in spans]}
    TRACES.append((start_ms, {"info": info, "data": data}))
    return trace_id


# ---- building blocks -----------------------------------------------------------

SYSTEM_RAG = ("You are Fernhill's support assistant. Answer using only the "
              "documentation excerpts in the context. Cite the page you used as "
              "[doc: <path>]. If the context does not contain the answer, say so "
              "and suggest opening a support ticket.")


def usage(inp, out):
    return {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out}


def completion(cid, created_s, content, inp, out, model="gpt-4o-mini-2024-07-18",
               tool_calls=None, finish="stop"):
    msg = {"role": "assistant", "content": content}
    if tool_calls:
        msg["tool_calls"] = tool_calls
        finish = "tool_calls"
    return {"id": "chatcmpl-" + hexid("cmpl", cid, 24), "object": "chat.completion",
            "created": created_s, "model": model,
            "choices": [{"index": 0, "message": msg, "logprobs": None,
                         "finish_reason": finish}],
            "usage": {"prompt_tokens": inp, "completion_tokens": out,
                      "total_tokens": inp + out}}


def chat_span(name, start_ms, dur_ms, messages, answer, inp, out, model="gpt-4o-mini",
              tools=None, tool_calls=None, temperature=0.2, status="OK", message="",
              events=None):
    inputs = {"messages": messages, "model": model, "temperature": temperature}
    if tools:
        inputs["tools"] = tools
    attrs = {"mlflow.message.format": "openai", "mlflow.llm.model": model,
             "mlflow.llm.provider": "openai"}
    outputs = None
    if status == "OK":
        attrs["mlflow.chat.tokenUsage"] = usage(inp, out)
        outputs = completion(name + str(start_ms), start_ms // 1000, answer, inp, out,
                             tool_calls=tool_calls)
    if tools:
        attrs["mlflow.chat.tools"] = tools
    return Span(name, "CHAT_MODEL", start_ms, dur_ms, inputs, outputs, attrs, status,
                message, events)


def doc(path, title, text, score):
    return {"page_content": text,
            "metadata": {"doc_uri": f"https://docs.fernhill.dev/{path}", "title": title,
                         "chunk_id": hexid("chunk", path + text[:20], 8),
                         "score": score},
            "id": hexid("doc", path + text[:20], 12)}


def jitter(seed, lo, hi):
    """A fixed pseudo-random number in [lo, hi) for this seed."""
    return lo + int(hexid("jitter", seed, 8), 16) % (hi - lo)


def rag(seed, t, question, docs, answer, user, session, feedbacks_fn=None, inp=None,
        out=None, env="production", retrieve_ms=None, llm_ms=None):
    retrieve_ms = retrieve_ms or jitter(seed + "r", 90, 420)
    llm_ms = llm_ms or jitter(seed + "l", 1_300, 4_200)
    inp = inp or jitter(seed + "i", 700, 1_400)
    out = out or max(40, len(answer) // 4)
    root = Span("rag_answer", "CHAIN", t, retrieve_ms + llm_ms + 60,
                {"question": question}, answer,
                {"mlflow.spanFunctionName": "rag_answer"})
    emb = root.add(Span("embed_query", "EMBEDDING", t + 4, 38,
                        {"input": [question], "model": "text-embedding-3-small"},
                        {"dimensions": 1536, "vectors": 1},
                        {"mlflow.llm.model": "text-embedding-3-small",
                         "mlflow.llm.provider": "openai"}))
    ret = root.add(Span("retrieve_docs", "RETRIEVER", t + 44, retrieve_ms - 40,
                        {"query": question, "k": len(docs), "index": "docs-v7"}, docs))
    context = "\n\n".join(f"[doc: {d['metadata']['doc_uri']}]\n{d['page_content']}"
                          for d in docs)
    messages = [{"role": "system", "content": SYSTEM_RAG},
                {"role": "user", "content": f"Context:\n{context}\n\nQuestion: {question}"}]
    llm = root.add(chat_span("ChatOpenAI", t + retrieve_ms + 10, llm_ms, messages, answer,
                             inp, out))
    spans = {"root": root, "embed": emb, "retriever": ret, "llm": llm}
    fbs = feedbacks_fn(spans) if feedbacks_fn else ()
    return trace(seed, root, user, session, fbs, env=env)


# ---- (a) the RAG chain --------------------------------------------------------------

DOCS_KEYS = [
    doc("security/api-keys#rotation", "Rotating API keys",
        "Each project can hold two active API keys at once. To rotate without "
        "downtime, create a second key, deploy it to every client, confirm in the "
        "Usage tab that the old key has no traffic for 24 hours, then revoke the old "
        "key. Revocation takes effect within 60 seconds in every region.", 0.89),
    doc("security/api-keys#scopes", "Key scopes",
        "Keys can be limited to read-only, deploy or billing scopes. A rotated key "
        "keeps the scopes of the key it replaces only if you choose \"Copy scopes\" "
        "when creating it.", 0.81),
    doc("cli/reference#keys", "fern keys",
        "fern keys create --project <id> --copy-scopes-from <key-id>\n"
        "fern keys revoke <key-id> [--after 24h]", 0.77),
    doc("changelog/2025-11", "November 2025 changelog",
        "Scheduled revocation: `fern keys revoke --after` delays revocation so that "
        "long-running jobs can finish.", 0.64),
]

ANSWER_KEYS = (
    "You can rotate an API key without downtime because each project may hold two "
    "active keys at once:\n\n"
    "1. Create the new key with the same scopes: `fern keys create --project <id> "
    "--copy-scopes-from <old-key-id>`.\n"
    "2. Deploy the new key to every client that uses the old one.\n"
    "3. Watch the Usage tab until the old key has had no traffic for 24 hours.\n"
    "4. Revoke the old key: `fern keys revoke <old-key-id>` (or schedule it with "
    "`--after 24h`). Revocation reaches every region within 60 seconds.\n\n"
    "[doc: security/api-keys#rotation] [doc: cli/reference#keys]")


def fb_rag_main(s):
    t = s["root"].end_ns // 1_000_000
    return [
        feedback("rel", "relevance_to_query", "yes", "LLM_JUDGE", JUDGE, t + 41_000,
                 "The question asks how to rotate an API key without downtime. The "
                 "response gives an ordered procedure that keeps the old key valid "
                 "until the new one is deployed, which is exactly what was asked. It "
                 "also covers scope copying and scheduled revocation, both relevant "
                 "to avoiding an outage.",
                 metadata={"mlflow.assessment.judgeCost": "0.000184"}),
        feedback("ground", "retrieval_groundedness", "yes", "LLM_JUDGE", JUDGE,
                 t + 42_500,
                 "Every step in the answer is supported by the retrieved excerpts: the "
                 "two-active-keys rule and the 24-hour check come from "
                 "security/api-keys#rotation, the commands from cli/reference#keys. "
                 "No claim goes beyond the context.",
                 span=s["llm"]),
        feedback("cite", "contains_citation", True, "CODE", "contains_citation",
                 t + 40_100),
        feedback("len", "response_length", 612, "CODE", "response_length", t + 40_100),
    ]


RAG_MAIN = rag("rag-api-keys", ms_at(5, 16, 42, 7, 310),
               "How do I rotate an API key without downtime?", DOCS_KEYS, ANSWER_KEYS,
               "maria.k@acme-robotics.io", "sess-8c41e2", fb_rag_main, inp=1184, out=214)


# ---- (b) the tool-calling agent with a failed tool call ------------------------

TOOLS = [
    {"type": "function", "function": {
        "name": "get_account", "description": "Look up a customer account by email.",
        "parameters": {"type": "object", "properties": {"email": {"type": "string"}},
                       "required": ["email"]}}},
    {"type": "function", "function": {
        "name": "get_invoice", "description": "Fetch an invoice with its line items.",
        "parameters": {"type": "object",
                       "properties": {"account_id": {"type": "string"},
                                      "month": {"type": "string",
                                                "description": "YYYY-MM"}},
                       "required": ["account_id", "month"]}}},
    {"type": "function", "function": {
        "name": "open_ticket", "description": "Open a billing support ticket.",
        "parameters": {"type": "object",
                       "properties": {"account_id": {"type": "string"},
                                      "summary": {"type": "string"}},
                       "required": ["account_id", "summary"]}}},
]

SYSTEM_AGENT = ("You are Fernhill's billing agent. Use the tools to look up accounts "
                "and invoices. Never guess amounts: quote them from tool results. "
                "Be concise.")

STACK_TIMEOUT = (
    "Traceback (most recent call last):\n"
    "  File \"/app/support_app/tools/billing.py\", line 88, in get_invoice\n"
    "    resp = self._client.get(f\"/v2/accounts/{account_id}/invoices/{month}\", "
    "timeout=5.0)\n"
    "  File \"/app/.venv/lib/python3.12/site-packages/httpx/_client.py\", line 1066, in get\n"
    "    return self.request(\"GET\", url, params=params, headers=headers, timeout=timeout)\n"
    "  File \"/app/.venv/lib/python3.12/site-packages/httpx/_transports/default.py\", "
    "line 236, in handle_request\n"
    "    with map_httpcore_exceptions():\n"
    "httpx.ReadTimeout: The read operation timed out\n\n"
    "The above exception was the direct cause of the following exception:\n\n"
    "Traceback (most recent call last):\n"
    "  File \"/app/support_app/tools/billing.py\", line 92, in get_invoice\n"
    "    raise BillingTimeout(f\"billing API did not answer within 5.0 s \"\n"
    "support_app.tools.billing.BillingTimeout: billing API did not answer within 5.0 s "
    "(GET /v2/accounts/acc_7Q2LM9/invoices/2026-02)\n")


def agent_trace():
    t = ms_at(5, 15, 58, 31, 87)
    question = ("Why is my February invoice $412 higher than January? "
                "My account email is dev-ops@lumen-analytics.com")
    answer = ("Your February invoice (INV-2026-02-7Q2LM9) is $1,287.40, up $412.10 from "
              "January. Almost all of the increase is bandwidth: 6.1 TB of egress from "
              "the `eu-west` region ($366.00), after your `media-cdn` service moved "
              "there on 9 February. The rest is two extra build minutes packs ($46.10). "
              "If the region move was not intended, you can move the service back; "
              "egress within the same region is free.")
    root = Span("billing_agent", "AGENT", t, 14_210, {"messages": [
        {"role": "user", "content": question}]}, answer,
        {"mlflow.spanFunctionName": "run_agent", "agent.max_steps": 8})
    msgs = [{"role": "system", "content": SYSTEM_AGENT},
            {"role": "user", "content": question}]
    call1 = {"id": "call_" + hexid("call", "acct", 24), "type": "function",
             "function": {"name": "get_account",
                          "arguments": json.dumps({"email": "dev-ops@lumen-analytics.com"})}}
    root.add(chat_span("ChatOpenAI", t + 12, 1_480, msgs, None, 612, 24, tools=TOOLS,
                       tool_calls=[call1], temperature=0.0))
    acct = {"account_id": "acc_7Q2LM9", "name": "Lumen Analytics GmbH",
            "plan": "Team", "billing_email": "dev-ops@lumen-analytics.com",
            "region_default": "us-east"}
    root.add(Span("get_account", "TOOL", t + 1_500, 212,
                  {"email": "dev-ops@lumen-analytics.com"}, acct,
                  {"mlflow.spanFunctionName": "get_account"}))
    msgs2 = msgs + [{"role": "assistant", "content": None, "tool_calls": [call1]},
                    {"role": "tool", "tool_call_id": call1["id"],
                     "content": json.dumps(acct)}]
    call2 = {"id": "call_" + hexid("call", "inv", 24), "type": "function",
             "function": {"name": "get_invoice",
                          "arguments": json.dumps({"account_id": "acc_7Q2LM9",
                                                   "month": "2026-02"})}}
    root.add(chat_span("ChatOpenAI", t + 1_730, 1_020, msgs2, None, 701, 31, tools=TOOLS,
                       tool_calls=[call2], temperature=0.0))
    args = {"account_id": "acc_7Q2LM9", "month": "2026-02"}
    root.add(Span("get_invoice", "TOOL", t + 2_770, 5_012, args, None,
                  {"mlflow.spanFunctionName": "get_invoice", "retry.attempt": 1},
                  status="ERROR",
                  message="BillingTimeout: billing API did not answer within 5.0 s",
                  events=[exception_event(t + 7_781, "support_app.tools.billing.BillingTimeout",
                                          "billing API did not answer within 5.0 s "
                                          "(GET /v2/accounts/acc_7Q2LM9/invoices/2026-02)",
                                          STACK_TIMEOUT)]))
    invoice = {"invoice_id": "INV-2026-02-7Q2LM9", "month": "2026-02", "currency": "USD",
               "total": 1287.40, "previous_total": 875.30,
               "lines": [{"item": "Team plan", "amount": 600.00},
                         {"item": "Compute (vCPU-hours)", "amount": 275.30},
                         {"item": "Egress eu-west 6.1 TB", "amount": 366.00},
                         {"item": "Build minutes pack x2", "amount": 46.10}],
               "notes": "Service media-cdn moved us-east -> eu-west on 2026-02-09"}
    root.add(Span("get_invoice", "TOOL", t + 8_290, 640, args, invoice,
                  {"mlflow.spanFunctionName": "get_invoice", "retry.attempt": 2}))
    msgs3 = msgs2 + [{"role": "assistant", "content": None, "tool_calls": [call2]},
                     {"role": "tool", "tool_call_id": call2["id"],
                      "content": json.dumps(invoice)}]
    final = root.add(chat_span("ChatOpenAI", t + 8_960, 5_180, msgs3, answer, 1_042, 131,
                               tools=TOOLS, temperature=0.0))

    end = t + 14_210
    fbs = [
        feedback("judge-correct", "correctness", "no", "LLM_JUDGE", JUDGE, end + 61_000,
                 "The response attributes the increase to egress and build minutes. "
                 "However, the trace shows a failed get_invoice call, so the figures "
                 "may not come from a successful tool result. Without a verified "
                 "invoice the amounts cannot be confirmed as correct.",
                 valid=False),
        feedback("human-correct", "correctness", "yes", "HUMAN", "lena.s@fernhill.dev",
                 ms_at(6, 9, 14, 2, 550),
                 "The retry of get_invoice succeeded and every amount in the answer "
                 "matches its result ($1,287.40 vs $875.30; egress $366.00; build "
                 "minutes $46.10). The judge penalised the first, failed call, which "
                 "is not what correctness measures.",
                 overrides="judge-correct"),
        feedback("judge-safety", "safety", "yes", "LLM_JUDGE", JUDGE, end + 61_400,
                 "The response contains no harmful, hateful or unsafe content. It only "
                 "discusses invoice amounts for the requesting account."),
        feedback("tool-errors", "tool_error_count", 1, "CODE", "tool_error_count",
                 end + 60_050, span=None),
        feedback("judge-tone", "tone", "professional", "LLM_JUDGE", JUDGE2, end + 62_300,
                 "Concise and factual, uses the customer's numbers and offers a "
                 "concrete next step. No filler or apology language.", span=final),
    ]
    return trace("agent-invoice", root, "dev-ops@lumen-analytics.com", "sess-f27a90",
                 fbs, client_request_id="req-5d1c9e0b")


AGENT = agent_trace()


# ---- (c) multi-turn chat ------------------------------------------------------------

SYSTEM_CHAT = ("You are Fernhill's migration assistant. Help the user move "
               "databases between regions. Keep answers short and practical.")


def chat_session():
    session, user = "sess-3b91c2", "priya.n@quartz-health.org"
    turns = [
        ("Can I move my Postgres database from us-east to eu-west?",
         "Yes. Managed Postgres databases can be moved between regions with a "
         "replica-based migration: Fernhill creates a read replica in eu-west, keeps "
         "it in sync, and then promotes it. Downtime is limited to the final "
         "switchover, usually under a minute."),
        ("How big can the database be for that?",
         "There is no hard limit, but the initial copy runs at about 250 GB per hour. "
         "A 400 GB database would need roughly 1 h 40 min to seed before it starts "
         "streaming changes."),
        ("OK. And what happens to connections during the switchover? Our app keeps "
         "long transactions open.",
         "During the switchover the old primary becomes read-only, open transactions "
         "are given 30 seconds to finish, and then connections are closed. The "
         "connection string stays the same, so clients reconnect to the new primary "
         "automatically. Long transactions that do not finish within 30 s are rolled "
         "back, so schedule the switchover outside your batch window."),
        ("Perfect, thanks \u2014 can you summarise the steps?",
         "1. `fern db migrate start --to eu-west` (creates the replica).\n"
         "2. Wait for status `streaming` (`fern db migrate status`).\n"
         "3. Pick a quiet window; run `fern db migrate switchover`.\n"
         "4. Check the app, then `fern db migrate finish` to remove the old primary."),
    ]
    history = [{"role": "system", "content": SYSTEM_CHAT}]
    t = ms_at(5, 14, 20, 3, 412)
    ids = []
    for i, (q, a) in enumerate(turns):
        history.append({"role": "user", "content": q})
        root = Span("chat_turn", "CHAIN", t, 0, {"messages": list(history)}, a,
                    {"mlflow.spanFunctionName": "chat_turn", "turn": i + 1})
        cur = t + 8
        if i == 2:
            # This turn condenses the history before answering: two model calls.
            condensed = ("How are open connections and long transactions handled "
                         "during a Postgres region switchover?")
            root.add(chat_span("condense_question", cur, 820,
                               [{"role": "system", "content":
                                 "Rewrite the last user message as a standalone question."}]
                               + history[1:], condensed, 310, 22, temperature=0.0))
            cur += 830
        dur = 1_400 + 350 * i
        llm = root.add(chat_span("ChatOpenAI", cur, dur, list(history), a,
                                 180 + 140 * i, 60 + 25 * i))
        root.end_ns = (cur + dur + 15) * 1_000_000
        history.append({"role": "assistant", "content": a})
        fbs = [feedback("len", "response_length", len(a), "CODE", "response_length",
                        t + 30_000)]
        if i == 2:
            fbs.append(feedback("help", "helpfulness", 4, "LLM_JUDGE", JUDGE2, t + 33_000,
                                "The answer explains the read-only window, the 30 second "
                                "grace period and reconnection, which is what the user "
                                "needs. It loses a point for not saying how to find long "
                                "transactions before the switchover.", span=llm))
        if i == 3:
            fbs.append(feedback("user-thumbs", "user_satisfaction", True, "HUMAN", user,
                                t + 95_000, None,
                                metadata={"channel": "web-widget"}))
        ids.append(trace(f"chat-{i}", root, user, session, fbs))
        t += 48_000 + 21_000 * i
    return ids


CHAT = chat_session()


# ---- small traces over a few days --------------------------------------------------

def classify(seed, t, text, label, user, session, feedbacks=(), status="OK"):
    inp = 95 + len(text) // 4
    llm_ms = 560 + len(text) * 3
    root = Span("classify_intent", "CHAIN", t, llm_ms + 30, {"text": text}, label,
                {"mlflow.spanFunctionName": "classify_intent"}, status)
    root.add(chat_span("ChatOpenAI", t + 12, llm_ms,
                       [{"role": "system", "content":
                         "Classify the support request as one of: billing, technical, "
                         "account, sales, other. Answer with the label."},
                        {"role": "user", "content": text}],
                       label, inp, 2, temperature=0.0))
    return trace(seed, root, user, session, [f(root) for f in feedbacks])


STACK_RATE = (
    "Traceback (most recent call last):\n"
    "  File \"/app/support_app/llm.py\", line 41, in complete\n"
    "    return client.chat.completions.create(**params)\n"
    "  File \"/app/.venv/lib/python3.12/site-packages/openai/_base_client.py\", "
    "line 1047, in _request\n"
    "    raise self._make_status_error_from_response(err.response) from None\n"
    "openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached "
    "for gpt-4o-mini in organization org-fernhill on tokens per min (TPM): Limit "
    "200000, Used 199611, Requested 1342.', 'type': 'tokens', 'code': "
    "'rate_limit_exceeded'}}\n")


def rag_error(seed, t, question, user, session):
    root = Span("rag_answer", "CHAIN", t, 1_930, {"question": question}, None,
                {"mlflow.spanFunctionName": "rag_answer"}, status="ERROR",
                message="RateLimitError: Error code: 429")
    root.add(Span("retrieve_docs", "RETRIEVER", t + 5, 120,
                  {"query": question, "k": 4, "index": "docs-v7"},
                  [DOCS_KEYS[1], DOCS_KEYS[2]]))
    ev = exception_event(t + 1_920, "openai.RateLimitError",
                         "Error code: 429 - rate_limit_exceeded", STACK_RATE)
    root.add(chat_span("ChatOpenAI", t + 130, 1_790,
                       [{"role": "system", "content": SYSTEM_RAG},
                        {"role": "user", "content": "Question: " + question}],
                       None, 0, 0, status="ERROR",
                       message="RateLimitError: Error code: 429", events=[ev]))
    root.events = [dict(ev, time_unix_nano=(t + 1_925) * 1_000_000)]
    return trace(seed, root, user, session)


def judge(name, value, rationale, span_key=None, source=JUDGE, delay=45_000):
    return lambda s: feedback(name, name, value, "LLM_JUDGE", source,
                              s["root"].end_ns // 1_000_000 + delay, rationale,
                              span=s[span_key] if span_key else None)


def code(name, value, delay=40_000):
    return lambda s: feedback(name, name, value, "CODE", name,
                              s["root"].end_ns // 1_000_000 + delay)


def human(name, value, who, at, rationale=None):
    return lambda s: feedback(name + who, name, value, "HUMAN", who, at, rationale)


# Two reviewers label relevance_to_query beside the judge, so that
# `tracelab agreement` has humans and a judge to compare: Lena with
# tracelab's boolean label (true/false), Marco in MLflow's UI ("yes"/"no").
def lena(value, day, hh, mm, rationale=None):
    return human("relevance_to_query", value, "lena.s@fernhill.dev",
                 ms_at(day, hh, mm, 0, 0), rationale)


def marco(value, day, hh, mm, rationale=None):
    return human("relevance_to_query", value, "marco.b@fernhill.dev",
                 ms_at(day, hh, mm, 0, 0), rationale)


def fbs(*fns):
    return lambda s: [f(s) for f in fns]


DOMAIN_DOCS = [
    doc("networking/custom-domains", "Custom domains",
        "Add a CNAME record pointing your domain to <project>.fernhill.app, then run "
        "`fern domains add <domain>`. Certificates are issued automatically once the "
        "record resolves; this usually takes under ten minutes.", 0.91),
    doc("networking/apex-domains", "Apex domains",
        "Apex (root) domains cannot use CNAME records at most DNS providers. Use an "
        "ALIAS/ANAME record, or the A records 203.0.113.10 and 203.0.113.11.", 0.84),
]
ROLLBACK_DOCS = [
    doc("deploy/rollbacks", "Rolling back a deployment",
        "Every deployment is immutable. `fern deploy rollback <service> --to <deploy-id>` "
        "switches traffic back in under 5 seconds. Environment variables are rolled "
        "back with the deployment unless you pass --keep-env.", 0.93),
]
LIMIT_DOCS = [
    doc("api/rate-limits", "API rate limits",
        "The REST API allows 600 requests per minute per key and 50 concurrent "
        "requests. Responses include X-RateLimit-Remaining. Exceeding the limit "
        "returns 429 with a Retry-After header.", 0.88),
    doc("api/rate-limits#burst", "Burst allowance",
        "Keys on the Business plan have a burst allowance of 2x the limit for 10 "
        "seconds.", 0.72),
]
WEBHOOK_DOCS = [
    doc("webhooks/signatures", "Verifying webhook signatures",
        "Each webhook carries a Fernhill-Signature header: t=<timestamp>,v1=<hmac>. "
        "Compute HMAC-SHA256 of \"<timestamp>.<raw body>\" with your endpoint secret and "
        "compare in constant time. Reject events older than 5 minutes.", 0.9),
]
SSO_DOCS = [
    doc("account/sso", "Single sign-on",
        "SAML SSO is available on the Business and Enterprise plans. Upload your IdP "
        "metadata under Settings \u2192 Security \u2192 SSO and map the email "
        "attribute.", 0.86),
]

SMALL = [
    lambda: rag("rag-domain", ms_at(2, 9, 12, 44, 120),
                "How do I point my own domain at a Fernhill app?", DOMAIN_DOCS,
                "Create a CNAME record from your domain to <project>.fernhill.app and run "
                "`fern domains add <domain>`; the TLS certificate is issued "
                "automatically within about ten minutes. For a root (apex) domain use an "
                "ALIAS/ANAME record or the A records 203.0.113.10 and 203.0.113.11. "
                "[doc: networking/custom-domains]",
                "tom.r@brightloop.app", "sess-11aa0f",
                fbs(judge("relevance_to_query", "yes",
                          "The response explains both the CNAME case and the apex case, "
                          "directly answering how to point a domain at an app."),
                    code("contains_citation", True),
                    lena(True, 6, 9, 2), marco("yes", 6, 10, 5))),
    lambda: classify("cls-1", ms_at(2, 9, 30, 2, 8), "I was charged twice for March",
                     "billing", "anon-4821", "sess-90c1d3"),
    lambda: rag("rag-rollback", ms_at(2, 11, 3, 19, 505),
                "We shipped a bad build, how do I go back to the previous deploy?",
                ROLLBACK_DOCS,
                "Run `fern deploy rollback <service> --to <deploy-id>`; traffic switches "
                "back in under 5 seconds. Environment variables roll back too unless you "
                "add --keep-env. [doc: deploy/rollbacks]",
                "sam@northpeak.co", "sess-2f7d61",
                feedbacks_fn=fbs(judge("relevance_to_query", "yes",
                                       "Directly answers how to return to the previous "
                                       "deployment with the exact command."),
                                 human("user_satisfaction", True, "sam@northpeak.co",
                                       ms_at(2, 11, 4, 2, 0)),
                                 lena(True, 6, 9, 4))),
    lambda: rag_error("rag-err-1", ms_at(2, 13, 47, 55, 610),
                      "Why are my webhooks failing signature checks?",
                      "anon-7730", "sess-51be08"),
    lambda: rag("rag-limits", ms_at(2, 16, 8, 31, 42),
                "What are the API rate limits?", LIMIT_DOCS,
                "600 requests per minute per key and 50 concurrent requests; over the "
                "limit you get 429 with Retry-After. Business plan keys may burst to 2x "
                "for 10 seconds. [doc: api/rate-limits]",
                "tom.r@brightloop.app", "sess-11aa0f",
                lambda s: [feedback("safety", "safety", None, "LLM_JUDGE", JUDGE,
                                    s["root"].end_ns // 1_000_000 + 45_000,
                                    error={"error_code": "RATE_LIMIT_EXCEEDED",
                                           "error_message": "judge call failed: 429 rate "
                                           "limit reached for gpt-4o-mini"})]),
    lambda: classify("cls-2", ms_at(3, 8, 2, 11, 930),
                     "Can I get an invoice with our VAT number on it?", "billing",
                     "j.okafor@tessellate.ng", "sess-c03e4a"),
    lambda: rag("rag-webhooks", ms_at(3, 8, 5, 40, 17),
                "How do I verify a webhook signature in Node?", WEBHOOK_DOCS,
                "Read the Fernhill-Signature header (t=<timestamp>,v1=<hmac>), compute "
                "HMAC-SHA256 over `${t}.${rawBody}` with your endpoint secret using "
                "crypto.createHmac, and compare with crypto.timingSafeEqual. Reject "
                "events older than 5 minutes. [doc: webhooks/signatures]",
                "j.okafor@tessellate.ng", "sess-c03e4a",
                fbs(judge("relevance_to_query", "yes",
                          "Gives the exact verification steps in Node, as asked."),
                    judge("retrieval_groundedness", "no",
                          "The answer names crypto.createHmac and crypto.timingSafeEqual, "
                          "which are not in the retrieved documentation. The general "
                          "procedure is grounded, the Node specifics are not.",
                          "llm"),
                    lena(True, 6, 9, 7), marco("yes", 6, 10, 9))),
    lambda: rag("rag-sso", ms_at(3, 10, 44, 9, 300),
                "Does the Team plan include SSO?", SSO_DOCS,
                "No. SAML SSO is available on the Business and Enterprise plans only. "
                "[doc: account/sso]",
                "it-admin@harbor-logistics.de", "sess-7e2210",
                fbs(judge("relevance_to_query", "yes",
                          "Answers the plan question directly."),
                    human("correctness", True, "marco.b@fernhill.dev",
                          ms_at(4, 8, 30, 0, 0),
                          "Checked against the pricing page: correct."),
                    lena(True, 6, 9, 9), marco("yes", 6, 10, 12))),
    lambda: classify("cls-3", ms_at(3, 12, 15, 27, 600),
                     "hallo, ich kann mich seit heute früh nicht mehr einloggen "
                     "\u2014 Passwort-Reset-Mail kommt nicht an", "account",
                     "k.schaefer@mittelwerk.de", "sess-4d19aa",
                     feedbacks=[lambda r: feedback("ok", "label_is_valid", True, "CODE",
                                                   "label_is_valid",
                                                   r.end_ns // 1_000_000 + 30_000)]),
    lambda: rag("rag-ssl", ms_at(3, 15, 2, 50, 775),
                "My custom domain still shows a certificate error after two hours",
                DOMAIN_DOCS,
                "Certificates are issued once the CNAME resolves, usually within ten "
                "minutes. If it has been two hours, check that the record points to "
                "<project>.fernhill.app and that no CAA record blocks Let's Encrypt. "
                "[doc: networking/custom-domains]",
                "tom.r@brightloop.app", "sess-aa9030",
                fbs(judge("retrieval_groundedness", "no",
                          "The retrieved documents do not mention CAA records or Let's "
                          "Encrypt; that advice comes from outside the context. It is "
                          "plausible but not grounded.", "llm"),
                    judge("relevance_to_query", "yes",
                          "Addresses the delayed certificate directly."),
                    lena(False, 6, 9, 12,
                         "The user already waited two hours; repeating the ten-minute "
                         "rule does not address why it still fails."),
                    marco("no", 6, 10, 15, "Mostly restates the docs.")),
                env="staging"),
    lambda: rag_error("rag-err-2", ms_at(3, 17, 31, 8, 64),
                      "Is there a Terraform provider?", "anon-1190", "sess-0b6f3c"),
    lambda: classify("cls-4", ms_at(4, 7, 55, 3, 250),
                     "Do you offer discounts for non-profits?", "sales",
                     "ops@greenfield.org", "sess-e81c55"),
    lambda: rag("rag-egress", ms_at(4, 9, 20, 41, 908),
                "Is traffic between two services in the same region billed?",
                LIMIT_DOCS,
                "I could not find this in the documentation I have. Traffic pricing is "
                "not covered by the rate-limit pages; please open a billing ticket so "
                "the team can confirm.",
                "sam@northpeak.co", "sess-5a4b2c",
                fbs(judge("relevance_to_query", "no",
                          "The user asked about billing of in-region traffic. The "
                          "response declines to answer because the retrieved pages are "
                          "about rate limits. Declining is honest, but the response does "
                          "not answer the question, so it is not relevant to it."),
                    human("user_satisfaction", False, "sam@northpeak.co",
                          ms_at(4, 9, 21, 30, 0)),
                    lena(True, 6, 9, 15,
                         "Saying it is not documented and pointing to billing is the "
                         "relevant answer here."),
                    marco("no", 6, 10, 18))),
    lambda: rag("rag-keys-2", ms_at(4, 11, 36, 12, 5),
                "can i limit a key to deploys only", DOCS_KEYS[:3],
                "Yes. When creating the key, give it the `deploy` scope only: keys can "
                "be limited to read-only, deploy or billing scopes. "
                "[doc: security/api-keys#scopes]",
                "anon-4821", "sess-77d0e9",
                feedbacks_fn=fbs(code("contains_citation", True),
                                 judge("relevance_to_query", "yes",
                                       "Direct yes with the scope to use."),
                                 marco("yes", 6, 10, 21))),
    lambda: classify("cls-5", ms_at(4, 13, 9, 58, 470),
                     "Your status page says all green but our builds have been queued "
                     "for 40 minutes", "technical", "ci-bot@brightloop.app",
                     "sess-3fe118"),
    lambda: rag("rag-rollback-2", ms_at(4, 14, 52, 0, 880),
                "does rollback also restore env vars?", ROLLBACK_DOCS,
                "Yes, environment variables are rolled back with the deployment. Pass "
                "--keep-env to keep the current ones. [doc: deploy/rollbacks]",
                "it-admin@harbor-logistics.de", "sess-7e2210",
                fbs(human("correctness", True, "lena.s@fernhill.dev",
                          ms_at(5, 8, 2, 11, 0)))),
    lambda: rag_error("rag-err-3", ms_at(4, 16, 40, 33, 219),
                      "How do I export audit logs to S3?", "k.schaefer@mittelwerk.de",
                      "sess-4d19aa"),
    lambda: rag("rag-webhooks-2", ms_at(4, 18, 3, 27, 640),
                "webhook retries: how many and how long?", WEBHOOK_DOCS,
                "Failed deliveries are retried with exponential backoff. [doc: "
                "webhooks/signatures]",
                "j.okafor@tessellate.ng", "sess-1c2d3e",
                fbs(judge("retrieval_groundedness", "no",
                          "Retries are not described in the retrieved excerpt, which is "
                          "only about signatures. The claim about exponential backoff is "
                          "unsupported, and the answer gives no numbers.", "llm"),
                    judge("relevance_to_query", "no",
                          "The question asks for the number of retries and their time "
                          "span; the response provides neither."),
                    lena(False, 6, 9, 18), marco("no", 6, 10, 24))),
    lambda: classify("cls-6", ms_at(5, 8, 41, 17, 33),
                     "cancel my subscription", "account", "anon-2207", "sess-8e0a11"),
    lambda: rag("rag-domain-2", ms_at(5, 10, 15, 5, 150),
                "Can I use an apex domain like example.com?", DOMAIN_DOCS,
                "Yes. Apex domains cannot use CNAME records at most DNS providers, so use "
                "an ALIAS/ANAME record or the A records 203.0.113.10 and 203.0.113.11. "
                "[doc: networking/apex-domains]",
                "ops@greenfield.org", "sess-e81c55",
                fbs(judge("relevance_to_query", "yes",
                          "Answers yes and explains how, for apex domains specifically."),
                    code("contains_citation", True),
                    lena(True, 6, 9, 21), marco("no", 6, 10, 27,
                                                "It does not say that the CNAME route "
                                                "is impossible for apex domains.")),
                llm_ms=3_480),
    lambda: rag("rag-slow", ms_at(5, 12, 30, 44, 990),
                "Summarise every breaking change in the 2025 changelog", DOCS_KEYS[3:],
                "From the excerpts I have, the only relevant 2025 change is scheduled "
                "revocation of API keys (`fern keys revoke --after`), added in November. "
                "It is not breaking. For a complete list please see the changelog pages. "
                "[doc: changelog/2025-11]",
                "maria.k@acme-robotics.io", "sess-8c41e2", inp=2_930, out=402,
                retrieve_ms=1_840, llm_ms=9_720, env="staging"),
]

for make in SMALL:
    make()


# ---- OTLP example ------------------------------------------------------------------

def otlp():
    t = ms_at(5, 17, 5, 12, 400)
    trace_hex = hexid("trace", "otlp-release-notes", 32)
    root_id = hexid("span", "otlp/root", 16)
    work_id = hexid("span", "otlp/work", 16)
    llm_id = hexid("span", "otlp/llm", 16)

    def ns(ms):
        return str(ms * 1_000_000)

    def sattr(k, v):
        return {"key": k, "value": {"stringValue": v}}

    def iattr(k, v):
        return {"key": k, "value": {"intValue": str(v)}}

    question = "Summarise the changes in release 2.3.1 for the customer newsletter."
    notes = ("- Scheduled API key revocation (`--after`)\n- Faster cold starts for "
             "Node 22\n- Fix: custom domains with uppercase letters")
    summary = ("Release 2.3.1 lets you schedule API key revocation, makes Node 22 "
               "services start faster from cold, and fixes custom domains that contain "
               "capital letters.")
    input_messages = [{"role": "system", "parts": [{"type": "text", "content":
                       "You write two-sentence summaries for a customer newsletter."}]},
                      {"role": "user", "parts": [{"type": "text",
                                                  "content": question + "\n\n" + notes}]}]
    output_messages = [{"role": "assistant", "parts": [{"type": "text",
                                                        "content": summary}],
                        "finish_reason": "stop"}]
    spans = [
        {"traceId": trace_hex, "spanId": root_id, "name": "POST /v1/newsletter/summary",
         "kind": 2, "startTimeUnixNano": ns(t), "endTimeUnixNano": ns(t + 2_406),
         "attributes": [sattr("http.request.method", "POST"),
                        sattr("url.path", "/v1/newsletter/summary"),
                        iattr("http.response.status_code", 200),
                        sattr("session.id", "sess-nl-0305"),
                        sattr("user.id", "marketing@fernhill.dev")],
         "status": {}},
        {"traceId": trace_hex, "spanId": work_id, "parentSpanId": root_id,
         "name": "summarize_release", "kind": 1, "startTimeUnixNano": ns(t + 3),
         "endTimeUnixNano": ns(t + 2_398),
         "attributes": [sattr("release.version", "2.3.1"),
                        iattr("release.items", 3)],
         "status": {"code": 1}},
        {"traceId": trace_hex, "spanId": llm_id, "parentSpanId": work_id,
         "name": "chat gpt-4o-mini", "kind": 3, "startTimeUnixNano": ns(t + 15),
         "endTimeUnixNano": ns(t + 2_390),
         "attributes": [sattr("gen_ai.operation.name", "chat"),
                        sattr("gen_ai.system", "openai"),
                        sattr("gen_ai.request.model", "gpt-4o-mini"),
                        sattr("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
                        {"key": "gen_ai.request.temperature",
                         "value": {"doubleValue": 0.3}},
                        iattr("gen_ai.usage.input_tokens", 96),
                        iattr("gen_ai.usage.output_tokens", 41),
                        sattr("gen_ai.input.messages", json.dumps(input_messages)),
                        sattr("gen_ai.output.messages", json.dumps(output_messages))],
         "events": [{"timeUnixNano": ns(t + 640), "name": "gen_ai.content.first_token",
                     "attributes": [iattr("gen_ai.response.ttft_ms", 625)]}],
         "status": {"code": 1}},
    ]
    return {"resourceSpans": [{
        "resource": {"attributes": [sattr("service.name", "newsletter-writer"),
                                    sattr("service.version", "0.9.4"),
                                    sattr("telemetry.sdk.language", "nodejs")]},
        "scopeSpans": [{"scope": {"name": "@opentelemetry/instrumentation-openai",
                                  "version": "0.3.0"},
                        "spans": spans}]}]}


def main():
    TRACES.sort(key=lambda x: x[0])
    with open("examples/demo.jsonl", "w") as f:
        for _, t in TRACES:
            f.write(json.dumps(t) + "\n")
    with open("examples/demo-otlp.json", "w") as f:
        json.dump(otlp(), f, indent=2)
        f.write("\n")
    n_spans = sum(len(t["data"]["spans"]) for _, t in TRACES)
    n_fb = sum(len(t["info"]["assessments"]) for _, t in TRACES)
    print(f"{len(TRACES)} traces, {n_spans} spans, {n_fb} assessments (+1 OTLP trace)")


if __name__ == "__main__":
    main()
