#!/bin/sh
# Traces imported from a Langfuse export, an OpenTelemetry SDK dump and a
# Cloud Trace export, in the browser: the tree with its span types,
# LangChain, GenAI, OpenInference and Gemini messages as a conversation in
# the chat tab, Langfuse scores as feedback with their rationales.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

IMP=$TOP/tests/fixtures/import
db=$(fresh_store imported.db)
"$TL" import "$db" "$IMP/langfuse-export.json" "$IMP/otel-sdk-dump.json" >/dev/null 2>"$T/import.err" ||
	not_ok "import: fixtures imported" "$(cat "$T/import.err")"

# Newest first: qa, weather_agent, rag_answer, the running agent, the
# billing agent.  At 80 columns the tree shows the span types.
run_keys "$db" j Enter ":snapshot $T/tree.txt"
run_keys "$db" j j j j Enter ":snapshot $T/agent.txt"
export COLUMNS=120 LINES=40
run_keys "$db" ":snapshot $T/list.txt" j Enter j j j Tab } ":snapshot $T/chat.txt" \
	BackTab Tab Tab ":snapshot $T/fb.txt"
expect_eq "import: script exits 0" "$rc" 0
expect_grep "import: list row of the Langfuse trace" "$T/list.txt" "weather_agent  *OK  *6.42s"
expect_grep "import: list preview is the user's question" "$T/list.txt" "6.42s Do I need an u… → Yes: 80% "
expect_grep "import: tree root with its type" "$T/tree.txt" "^▾ weather_agent  *AGENT  *6.42s"
expect_grep "import: generation as LLM" "$T/tree.txt" "ChatOpenAI  *LLM  *4.18s"
expect_grep "import: tool span" "$T/tree.txt" "get_weather ▪  *TOOL  *450ms"
expect_grep "import: chat tab" "$T/chat.txt" "Inputs/Outputs \[Chat\]"
expect_grep "import: LangChain human message" "$T/chat.txt" "Do I need an umbrella in Paris today?"
expect_grep "import: LangChain tool call" "$T/chat.txt" "→ get_weather({\"city\": \"Paris\"})"
expect_grep "import: LangChain tool message" "$T/chat.txt" "tool  call_w1"
expect_grep "import: tool result" "$T/chat.txt" "← {\"city\": \"Paris\", \"temp_c\": 14"
expect_grep "import: final answer" "$T/chat.txt" "Yes: 80% chance of rain this afternoon in Paris, 14°C."
expect_grep "import: feedback title" "$T/fb.txt" "Feedback (3)"
expect_grep "import: human score" "$T/fb.txt" "helpful = true  HUMAN lena.s@fernhill.dev"
expect_grep "import: its rationale" "$T/fb.txt" "Gave the forecast and the umbrella advice."
expect_grep "import: judge score" "$T/fb.txt" "correctness = 0.8  LLM_JUDGE langfuse:eval"
expect_grep "import: span score" "$T/fb.txt" "tool_outcome = success  CODE langfuse:api"
expect_grep "import: the span it is on" "$T/fb.txt" "on span get_weather"

# The OpenTelemetry GenAI agent: the failed tool call and the chat.
run_keys "$db" j j j j Enter Tab } ":snapshot $T/agentchat.txt"
expect_grep "import: OTel agent root" "$T/agent.txt" "^▾ invoke_agent billing_agent  *AGENT  *9.03s"
expect_grep "import: OTel chat span" "$T/agent.txt" "chat gpt-4o-2024-08-06  *CHAT_MODEL  *1.4[78]s"
expect_grep "import: OTel failed tool" "$T/agent.txt" "✗ execute_tool get_invoice  *TOOL  *5.01s"
expect_grep "import: GenAI parts as messages" "$T/agentchat.txt" "Why is my February invoice \$412 higher"
expect_grep "import: the agent's answer" "$T/agentchat.txt" "Your February invoice includes \$307.40"

# OpenInference messages (the RAG chain's ChatOpenAI span, llm.input_messages
# and llm.output_messages) and a Cloud Trace export (Google ADK's Gemini
# request and response in the labels of call_llm) as conversations.
run_keys "$db" j j Enter j j Tab } ":snapshot $T/oichat.txt"
expect_grep "import: OpenInference system message" "$T/oichat.txt" "│  Answer from the documents only."
expect_grep "import: OpenInference user message" "$T/oichat.txt" "│  How do I rotate an API key without downtime?"
expect_grep "import: OpenInference answer" "$T/oichat.txt" "│  Create a second key, deploy it, then revoke the first."
gdb=$(fresh_store cloud.db)
"$TL" import "$gdb" "$IMP/cloud-trace-export.json" >/dev/null 2>"$T/import.err" ||
	not_ok "import: Cloud Trace imported" "$(cat "$T/import.err")"
run_keys "$gdb" j Enter j Tab } ":snapshot $T/gcpchat.txt"
expect_grep "import: Cloud Trace tree" "$T/gcpchat.txt" "execute_tool find_table  *691ms"
expect_grep "import: Cloud Trace user message" "$T/gcpchat.txt" "│user"
expect_grep "import: Cloud Trace Gemini text" "$T/gcpchat.txt" "│  Book me a table for two in Lyon on Friday at 8 pm."
expect_grep "import: Cloud Trace Gemini function call" "$T/gcpchat.txt" \
	'│  → find_table({"city": "Lyon", "party": 2, "time": "2026-03-06T20:00"}'
