#!/bin/sh
# A slow server never freezes the browser: a trace whose spans take 30 s to
# come shows "loading", Esc gives the list back at once (the transfer is
# aborted), the cursor moves, and once the server is quick again the trace
# opens.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../e2e/tmux.lib"
. "$(dirname "$0")/servers.lib"
remote_need
remote_start sqlite || exit 1
URL=$(remote_url sqlite)
mlpy slow 3 <"$TOP/tests/remote/seed.py" >"$T/seed" 2>"$T/seed.err"
remote_proxy sqlite
newest=$(sed -n 3p "$T/seed")

step() { remote_step "remote slow" "$@"; }

tmux_start "TERM=tmux-256color '$TL' '$PROXY' --experiment slow" 120 30
step "the list" " 1 / 3"
proxy_rule "match=get-trace-artifact&action=slow&ms=30000"
step "a slow trace says it is loading" "loading the trace from the server… (Esc cancels)" Enter
step "Esc gives the list back while the server is still slow" " 1 / 3" Escape
step "the cursor moves" " 2 / 3" j
proxy_clear
step "the server quick again, the trace opens" "retrieve" k Enter
expect_has "remote slow: ... the trace asked for" "$(pane | head -1)" "${newest}"
# Opened again while the server is slow: at once, from the recent traces.
step "back in the list" " 1 / 3" Escape
proxy_rule "match=get-trace-artifact&action=slow&ms=30000"
proxy_rule "match=GET /api/3.0/mlflow/traces/tr-&action=slow&ms=30000"
tmux_keys Enter
if tmux_wait "retrieve" 2 && ! pane | grep -q "loading the trace"; then
	ok "remote slow: a trace opened lately opens at once, the server slow"
else
	not_ok "remote slow: a trace opened lately opens at once, the server slow" "$(pane | tail -n 3)"
fi
proxy_clear
# A label while the server's search is slow: the progress is counted on
# the worker, the keys go on.
step "the list again" " 1 / 3" Escape
proxy_rule "match=traces/search&action=slow&ms=30000"
step "a label, its progress counted on a slow server" "user_satisfaction = true on" +
step "keys move while it counts" " 2 / 3" j
step "and back" " 1 / 3" k
proxy_clear
tmux_keys q q
if tmux_wait "SHELL-IS-BACK"; then ok "remote slow: quits"; else not_ok "remote slow: quits" "$(pane)"; fi
tmux_stop
# The cancelled request was aborted: the proxy saw the client go away
# before the 30 s were up (its log has the request, and the test got here).
expect_has "remote slow: the proxy saw the slow request" "$(proxy_log)" "get-trace-artifact"
