#!/bin/sh
# Labelling in the real terminal: a label key writes the row, and feedback
# another writer adds to the store shows up by itself.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"
. "$(dirname "$0")/../ui/snap.lib"

db=$(fixture_store e2e-label.db)
printf 'refresh_seconds: 1\n' >"$T/config.yaml"
TLQ="TERM=tmux-256color '$TL' '$db' --config '$T/config.yaml' --source-id me-tester"

tmux_start "$TLQ" 120 30
if tmux_wait " 1 / 44"; then ok "e2e label: starts"; else not_ok "e2e label: starts" "$(pane)"; fi
tmux_keys +
if tmux_wait "user_satisfaction = true on tr-c0000000"; then
	ok "e2e label: + confirms in the status bar"
else
	not_ok "e2e label: + confirms" "$(pane)"
fi
n=$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = 'tr-c0000000000000000000000000000003' AND name = 'user_satisfaction' AND source_type = 'HUMAN' AND source_id = 'me-tester' AND value = 'true' AND valid = 1")
expect_eq "e2e label: the row is in the store" "$n" 1

# Another writer gives rag_answer a quality of 2, later than bob's 4.
if pane | grep -q "rag_answer .* 4  *✗ *$"; then ok "e2e label: bob's 4 shown"; else not_ok "e2e label: bob's 4" "$(pane)"; fi
q "$db" "INSERT INTO assessments VALUES ('a-e2e00000000000000000000000000001',
	'tr-a0000000000000000000000000000001', 'quality', 'feedback', '2', NULL,
	1772446000000, 1772446000000, 'HUMAN', 'zoe', NULL, NULL, NULL, NULL, 1, NULL)"
if tmux_wait "rag_answer .* 2  *✗ *$" 8; then
	ok "e2e label: feedback from another writer shows up"
else
	not_ok "e2e label: feedback from another writer shows up" "$(pane)"
fi
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e label: quits"; else not_ok "e2e label: quits" "$(pane)"; fi
expect_eq "e2e label: exit status 0" "$(cat "$T/rc" 2>/dev/null)" 0
tmux_stop
