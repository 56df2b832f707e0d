#!/bin/sh
# The store file deleted while the browser has it open: a label is not
# written into the deleted file but kept as pending (and journalled), with
# a message saying why, and quitting asks first.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"
. "$(dirname "$0")/../ui/snap.lib"

db=$(fixture_store e2e-gone.db)
printf 'refresh_seconds: 0\n' >"$T/config.yaml"
tmux_start "TERM=tmux-256color '$TL' '$db' --config '$T/config.yaml' --source-id me-tester" 160 30
if tmux_wait " 1 / 44"; then ok "e2e gone: starts"; else not_ok "e2e gone: starts" "$(pane)"; fi
rm -f "$db"
tmux_keys +
# The status bar: "1 pending (store file /path… was deleted or replaced …)".
if tmux_wait "1 pending (store file /"; then
	ok "e2e gone: the label shows as pending, with the reason"
else
	not_ok "e2e gone: the label shows as pending, with the reason" "$(pane)"
fi
tmux_keys W
if tmux_wait "writing 1 pending label\|not written, pen" && tmux_wait "1 pending (store file /"; then
	ok "e2e gone: W tries again and keeps it pending"
else
	not_ok "e2e gone: W tries again and keeps it pending" "$(pane)"
fi
tmux_keys q
if tmux_wait "1 label not written yet (kept in the journal" 5 && ! pane | grep -q SHELL-IS-BACK; then
	ok "e2e gone: quitting asks first"
else
	not_ok "e2e gone: quitting asks first" "$(pane)"
fi
tmux_keys y
if tmux_wait "SHELL-IS-BACK" 5; then ok "e2e gone: quits"; else not_ok "e2e gone: quits" "$(pane)"; fi
expect_eq "e2e gone: exit status 0" "$(cat "$T/rc" 2>/dev/null)" 0
tmux_stop
