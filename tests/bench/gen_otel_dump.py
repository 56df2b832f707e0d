"""Writes a large OpenTelemetry SDK span dump for the import benchmark: the
objects ReadableSpan.to_json() writes (pretty-printed with indent 4,
separated by blank lines), each span twice as processors that dump on start
and on end write it (the start copy has "end_time": null), in the order a
running application produces them: a trace's spans start, its children end,
then the root ends.  Agent turns in OTel GenAI conventions (invoke_agent,
chat with token usage and messages, execute_tool).  Deterministic: the same
arguments give the same bytes.

    python3 gen_otel_dump.py MEGABYTES OUT   (prints "traces spans" on stdout)
"""
import json
import sys

T0 = 1772357400_000_000  # 2026-03-01T09:30:00Z, in microseconds
RESOURCE = {
    "attributes": {
        "telemetry.sdk.language": "python",
        "telemetry.sdk.name": "opentelemetry",
        "telemetry.sdk.version": "1.45.0.dev",
        "service.name": "billing-support",
        "deployment.environment": "staging",
    },
    "schema_url": "",
}


def iso(us):
    s, frac = divmod(us, 1_000_000)
    days, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    # 2026-03-01 is day 20513 since the epoch; the dump stays within March.
    return "2026-03-%02dT%02d:%02d:%02d.%06dZ" % (1 + days - 20513, h, m, s, frac)


def span(tid, sid, parent, name, kind, start, end, attrs, status="UNSET"):
    return {
        "name": name,
        "context": {"trace_id": "0x%032x" % tid, "span_id": "0x%016x" % sid,
                    "trace_state": "[]"},
        "kind": kind,
        "parent_id": "0x%016x" % parent if parent else None,
        "start_time": iso(start),
        "end_time": iso(end) if end is not None else None,
        "status": {"status_code": status},
        "attributes": attrs,
        "events": [],
        "links": [],
        "resource": RESOURCE,
    }


def turn(n):
    """The spans of trace n: (start, end, dict-maker) in start order."""
    tid = 0x4bf92f3577b34da6a3ce929d00000000 + n
    base = T0 + n * 7_000_000
    sid = (n << 16) | 0x1000
    question = "Why is invoice %d higher than the one before? (customer %d)" % (n, n % 97)
    root = (sid, 0, "invoke_agent billing_agent", "SpanKind.INTERNAL", base, base + 5_000_000, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "billing_agent",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-2024-08-06",
        "user.id": "user-%d@fernhill.dev" % (n % 211),
        "session.id": "sess-%d" % (n // 4),
        "gen_ai.input.messages": json.dumps(
            [{"role": "user", "parts": [{"type": "text", "content": question}]}]),
    }, "OK")
    spans = [root]
    t = base + 5_000
    for k in range(4):
        chat = (sid + 2 * k + 1, sid, "chat gpt-4o-2024-08-06", "SpanKind.CLIENT", t,
                t + 900_000, {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "openai",
                    "gen_ai.request.model": "gpt-4o-2024-08-06",
                    "gen_ai.usage.input_tokens": 400 + k,
                    "gen_ai.usage.output_tokens": 30 + k,
                    "gen_ai.response.finish_reasons": ["tool_calls"],
                    "gen_ai.input.messages": json.dumps([
                        {"role": "system", "parts": [{"type": "text",
                                                      "content": "You are a billing assistant."}]},
                        {"role": "user", "parts": [{"type": "text", "content": question}]}]),
                    "gen_ai.output.messages": json.dumps([
                        {"role": "assistant", "parts": [{"type": "tool_call", "id": "call_%d_%d" % (n, k),
                                                         "name": "get_invoice",
                                                         "arguments": {"month": "2026-02"}}]}]),
                }, "UNSET")
        tool = (sid + 2 * k + 2, sid, "execute_tool get_invoice", "SpanKind.INTERNAL",
                t + 910_000, t + 1_100_000, {
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "get_invoice",
                    "gen_ai.tool.call.id": "call_%d_%d" % (n, k),
                }, "OK")
        spans += [chat, tool]
        t += 1_200_000
    return tid, spans


def main():
    mb, out = float(sys.argv[1]), sys.argv[2]
    limit = int(mb * 1024 * 1024)
    size = traces = nspans = 0
    with open(out, "w") as f:
        while size < limit:
            tid, spans = turn(traces)
            objs = []
            # every span starts (start copies), the children end, the root ends last
            for s in spans:
                objs.append(span(tid, s[0], s[1], s[2], s[3], s[4], None, s[6]))
            for s in spans[1:] + spans[:1]:
                objs.append(span(tid, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]))
            for o in objs:
                text = json.dumps(o, indent=4) + "\n\n"
                f.write(text)
                size += len(text)
            traces += 1
            nspans += len(spans)
    print(traces, nspans)


main()
