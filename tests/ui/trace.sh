#!/bin/sh
# The trace view: span tree with waterfall, folding, detail tabs (JSON,
# chat with a tool call, attributes, events), the feedback pane.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store trace.db)

# rag_answer is the third trace.
run_keys "$db" j j Enter ":snapshot $T/open.txt" \
	j j Tab } ":snapshot $T/chat.txt" } ":snapshot $T/attrs.txt" \
	BackTab g z ":snapshot $T/folded.txt" z \
	Tab Tab ":snapshot $T/fb.txt"
expect_eq "trace: script exits 0" "$rc" 0
expect_screen trace-80x24 "$T/open.txt"
expect_grep "trace: header names the trace" "$T/open.txt" \
	"^ trace tr-a000000000…  rag_answer  OK  2.30s  2026-03-02 10:00:00"
expect_grep "trace: span count" "$T/open.txt" "^ Spans (4)"
expect_grep "trace: root with type, duration and a full bar" "$T/open.txt" \
	"^▾ rag_answer  *CHAIN  *2.30s ████████████████████$"
expect_grep "trace: child indented, bar starts later" "$T/open.txt" \
	"^  ▾ chat_completion ●  *CHAT_MODEL  *1.78s    █████████████████$"
expect_grep "trace: grandchild" "$T/open.txt" "^      lookup_docs  *TOOL  *300ms      ███ *$"
expect_grep "trace: inputs of the root" "$T/open.txt" '"question": "How do I rotate my API key?"'
expect_grep "trace: detail tabs" "$T/open.txt" "\[Inputs/Outputs\]  Chat  Attributes  Events"

# The chat of chat_completion: roles, the tool call and its result.
expect_grep "trace: chat tab selected" "$T/chat.txt" "Inputs/Outputs \[Chat\]"
expect_grep "trace: system message" "$T/chat.txt" "system"
expect_grep "trace: user text" "$T/chat.txt" "How do I rotate my API key?"
expect_grep "trace: tool call" "$T/chat.txt" "lookup_docs"
expect_grep "trace: span id in attributes" "$T/attrs.txt" "span  *aaaa000000000003"
LINES=40 run_keys "$db" j j Enter j j Tab } } ":snapshot $T/attrs40.txt"
expect_grep "trace: attributes tab" "$T/attrs40.txt" "mlflow.llm.model: gpt-4o-mini"
expect_nogrep "trace: inputs left out of attributes" "$T/attrs40.txt" "mlflow.spanInputs"

# Folding the root hides its subtree and says how much.
expect_grep "trace: folded root" "$T/folded.txt" "^▸ rag_answer +2 "
expect_nogrep "trace: children hidden" "$T/folded.txt" "retrieve_docs"

# Feedback: the judge's overridden row with its rationale, the human
# override, the expectation, the code check.
expect_grep "trace: feedback title" "$T/fb.txt" "Feedback (5, 1 overridden)"
expect_grep "trace: judge feedback" "$T/fb.txt" "correctness = false  LLM_JUDGE openai:/gpt-4o-mini"
expect_grep "trace: overridden and by whom" "$T/fb.txt" "overridden by alice (a-…0002)"
expect_grep "trace: judge rationale" "$T/fb.txt" "The answer omits a step: it never says the old key is revoked."
expect_grep "trace: rationale second line" "$T/fb.txt" "It also does not cite the documentation"
ov=$(legend "$T/fb.txt" | grep -c ' overridden:')
expect_eq "trace: overridden row drawn in its slot" "$ov" 1
COLUMNS=120 LINES=40 run_keys "$db" j j Enter Tab Tab ":snapshot $T/fbwide.txt"
expect_screen trace-feedback-120x40 "$T/fbwide.txt"
expect_grep "trace: override link" "$T/fbwide.txt" "on span chat_completion  overrides LLM_JUDGE false (a-…0001)"
expect_grep "trace: overridden link" "$T/fbwide.txt" "on span chat_completion  overridden by alice (a-…0002)"
expect_grep "trace: expectation shown as such" "$T/fbwide.txt" "expected_answer (expectation) = "
expect_grep "trace: expectation value" "$T/fbwide.txt" "│    Settings → API keys → Rotate"
expect_grep "trace: code check" "$T/fbwide.txt" "contains_citation = false  CODE contains_citation"
expect_grep "trace: wide layout: tree left, detail right" "$T/fbwide.txt" "^▾ rag_answer .*│▌inputs"

# Enter on a feedback row jumps to its span.
run_keys "$db" j j Enter Tab Tab Enter ":snapshot $T/jump.txt"
expect_grep "trace: feedback → its span (detail shows it)" "$T/jump.txt" '"content": "You are a support assistant."'
expect_grep "trace: the tree has the focus again" "$T/jump.txt" "Tab pane  z fold"

# agent_run: error spans, the exception event, an orphan span.
run_keys "$db" j Enter ":snapshot $T/err.txt" "] e" Tab "] t" "] t" "] t" ":snapshot $T/events.txt"
expect_grep "trace: error span marked" "$T/err.txt" "✗ call_weather"
expect_grep "trace: orphan marked" "$T/err.txt" "⚠orphan late_callback"
expect_grep "trace: error root marked" "$T/err.txt" "▾ ✗ agent_run"
expect_grep "trace: exception in events" "$T/events.txt" "TimeoutError"
expect_grep "trace: stack trace line" "$T/events.txt" 'File "tools.py", line 12'
expect_grep "trace: events tab counts exceptions" "$T/events.txt" "Events(1!)"
es=$(legend "$T/err.txt" | grep -c 'waterfall-error:')
expect_eq "trace: error bar slot" "$es" 1

# Spans stored elsewhere: a clear note.
run_keys "$db" j j j Enter ":snapshot $T/nospans.txt"
expect_grep "trace: no spans note" "$T/nospans.txt" "no spans: "
expect_grep "trace: trace info instead" "$T/nospans.txt" "request preview"

# Next trace from inside the trace view, search in the tree.
run_keys "$db" j j Enter Ctrl-n ":snapshot $T/next.txt" Ctrl-p / ":type lookup" Enter \
	Tab } } ":snapshot $T/find.txt"
expect_grep "trace: Ctrl-n opens the next trace" "$T/next.txt" "^ trace tr-d000000000…  remote_spans"
expect_grep "trace: Ctrl-p comes back" "$T/find.txt" "^ trace tr-a000000000…  rag_answer"
expect_grep "trace: search selects the span" "$T/find.txt" "span  *aaaa000000000004"

# JSON folding in the detail pane: fold the outputs array of retrieve_docs.
LINES=40 run_keys "$db" j j Enter j Tab j j j j j j j ":snapshot $T/json0.txt" z ":snapshot $T/json1.txt"
expect_grep "trace: outputs array" "$T/json0.txt" '"doc": "keys.md"'
expect_nogrep "trace: folded array hides items" "$T/json1.txt" '"doc": "keys.md"'

# A NUL inside a stored rationale: the text after it is shown, the NUL as ^@.
nuldb=$(fixture_store nul.db)
q "$nuldb" "UPDATE assessments SET rationale = CAST(X'54686520616E73776572206F6D697473002061207374657020616674657220746865204E554C' AS TEXT)
	WHERE rationale LIKE 'The answer omits a step%'"
COLUMNS=120 LINES=40 run_keys "$nuldb" j j Enter Tab Tab ":snapshot $T/nul.txt"
expect_grep "trace: a NUL in a rationale: the rest is shown, the NUL as ^@" "$T/nul.txt" \
	"The answer omits^@ a step after the NUL"
