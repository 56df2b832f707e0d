#!/bin/sh
# The spans view in a real terminal, on a copy of a real MLflow store (a
# DSPy ReAct agent's trace of 30 spans): P lists the spans, the longest
# first; f filters them with MLflow's same-span rule; Enter opens the trace
# with that span selected; @ makes it the label target, and the label's row
# carries the span's id.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

D=$T/dspy.db
cp "$FIX/mlflow-3-dspy-react-agent.db" "$D"
chmod u+w "$D"
TR=tr-c3f8ccfcfd1ce910d7277a703eedd5e9
cat >"$T/config.yaml" <<'EOF'
source_id: span-tester
advance: never
refresh_seconds: 0
labels:
  - name: call_ok
    type: boolean
    target: span
    rationale: none
    keys: {"+": true, "-": false}
EOF

tmux_start "TERM=tmux-256color '$TL' '$D' --config '$T/config.yaml'" 120 40
if tmux_wait " 1 / 1 *$"; then ok "e2e spans: the list starts"; else not_ok "e2e spans: starts" "$(pane)"; fi

tmux_keys P
if tmux_wait "sort duration ↓ .* 1 / 30 *$"; then
	ok "e2e spans: P lists the 30 spans"
else
	not_ok "e2e spans: P lists the 30 spans" "$(pane)"
fi
row=$(pane | sed -n 3p)
expect_has "e2e spans: the longest first (the agent's root, 19.42 s)" "$row" \
	"19.42s OK    AGENT      ReAct.forward"

# One filter: the chat-model calls over 3 s (not "a chat-model call and a
# slow span": the agent's root is slow but no chat model).
tmux_keys f
if tmux_wait "^:spans *$"; then ok "e2e spans: f opens the filter on the command line"; else
	not_ok "e2e spans: f opens the filter" "$(pane)"; fi
tmux_keys -l "span.type = 'CHAT_MODEL' AND span.duration_ms > 3000"
tmux_keys Enter
if tmux_wait "filter span.type = 'CHAT_MODEL' AND span.duration_ms > 3000 .* 1 / 3 *$"; then
	ok "e2e spans: three chat-model calls over 3 s"
else
	not_ok "e2e spans: three chat-model calls over 3 s" "$(pane)"
fi
want=$(q "$D" "SELECT count(*) FROM spans WHERE type = 'CHAT_MODEL' AND duration_ns > 3000000000")
expect_eq "e2e spans: ... as sqlite3 counts them" "$want" 3
expect_has "e2e spans: the second longest is 3.64 s" "$(pane | sed -n 4p)" \
	"3.64s OK    CHAT_MODEL LM.__call__"

# Enter on the second: the trace opens with that span selected.
tmux_keys j Enter
if tmux_wait "^ trace $TR"; then ok "e2e spans: Enter opens the trace"; else
	not_ok "e2e spans: Enter opens the trace" "$(pane)"; fi
if tmux_wait "TRACE → trace"; then ok "e2e spans: the label target is still the trace"; else
	not_ok "e2e spans: target" "$(pane)"; fi
tmux_keys @
if tmux_wait "TRACE → span LM.__call__"; then
	ok "e2e spans: @ targets the span selected"
else
	not_ok "e2e spans: @ targets the span selected" "$(pane)"
fi
# The tree marks the target: the chat-model call of 3.64 s.
expect_has "e2e spans: the tree marks that span" "$(pane | grep '→ LM.__call__')" "3.64s"
tmux_keys +
if tmux_wait "call_ok = true"; then ok "e2e spans: + labels it"; else
	not_ok "e2e spans: + labels it" "$(pane)"; fi
n=0
while [ "$n" -lt 50 ]; do
	got=$(q "$D" "SELECT span_id FROM assessments WHERE name = 'call_ok' AND source_id = 'span-tester' AND value = 'true' AND valid = 1")
	[ -n "$got" ] && break
	sleep 0.1
	n=$((n + 1))
done
want=$(q "$D" "SELECT span_id FROM spans WHERE type = 'CHAT_MODEL' AND duration_ns > 3000000000
	ORDER BY duration_ns DESC LIMIT 1 OFFSET 1")
expect_eq "e2e spans: the row is on the span chosen in the spans view" "$got" "$want"
expect_eq "e2e spans: ... the 3.64 s call" "$want" 86295c5db54c841b

# Esc goes back to the spans view as it was; Esc again to the list.
tmux_keys Escape
if tmux_wait "filter span.type = 'CHAT_MODEL' AND span.duration_ms > 3000 .* 2 / 3 *$"; then
	ok "e2e spans: Esc comes back to the spans, the cursor where it was"
else
	not_ok "e2e spans: Esc comes back to the spans" "$(pane)"
fi
tmux_keys s
if tmux_wait "sort start ↓"; then ok "e2e spans: s sorts by start time"; else
	not_ok "e2e spans: s sorts by start" "$(pane)"; fi
expect_has "e2e spans: the newest first" "$(pane | sed -n 3p)" "2025-12-10 15:29:15   3.04s OK    CHAT_MODEL"
tmux_keys Escape
if tmux_wait " 1 / 1 *$"; then ok "e2e spans: Esc back to the list"; else
	not_ok "e2e spans: Esc back to the list" "$(pane)"; fi
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e spans: quits"; else not_ok "e2e spans: quits" "$(pane)"; fi
expect_eq "e2e spans: exit status 0" "$(cat "$T/rc" 2>/dev/null)" 0
tmux_stop
