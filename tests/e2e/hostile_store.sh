#!/bin/sh
# The real binary in tmux walks every trace of the generated hostile store
# (tests/hostile/gen_hostile.c), looking at each pane of each, and the
# terminal is left as it was: pane title and window name unchanged, no
# clipboard buffer (OSC 52), the screen not cleared behind the browser's
# back (the header and status bar it drew are still there), still on the
# alternate screen, and after quitting the shell's screen restored.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"
. "$(dirname "$0")/../hostile/lib.sh"

hostile_store hostile.db
total=$(hostile_ids "$DB" | grep -c .)
# Per trace, how long the pane may take to show it.
STEP=${HOSTILE_STEP_SECONDS:-15}

# The browser under a memory limit (unless AddressSanitizer reserves the
# address space) and with its pid noted, so that a runaway one is stopped.
limit=""
hostile_asan || limit="ulimit -v 3000000 2>/dev/null;"
kill_tl() {
	if [ -s "$T/tl.pid" ] && kill -0 "$(cat "$T/tl.pid")" 2>/dev/null; then
		kill -9 "$(cat "$T/tl.pid")" 2>/dev/null
	fi
}
trap 'kill_tl; tmux_stop; rm -rf "$T"' EXIT
tmux_start "echo BEFORE-TRACELAB; $limit sh -c 'echo \$\$ >$T/tl.pid; exec env TERM=tmux-256color $TL $DB -e hostile --source-id me-tester'" 120 40
# Let applications set the clipboard and rename windows, so that an escape
# sequence that got through would show.
tm set-option -g set-clipboard on >/dev/null 2>&1
tm set-option -g allow-rename on >/dev/null 2>&1
tm set-option -g automatic-rename off >/dev/null 2>&1
tm rename-window -t e2e hostile-e2e >/dev/null 2>&1
title0=$(tm display -p -t e2e '#{pane_title}')
wname0=$(tm display -p -t e2e '#{window_name}')

if tmux_wait " 1 / $total"; then
	ok "hostile e2e: the hostile experiment opens ($total traces)"
else
	not_ok "hostile e2e: the hostile experiment opens" "$(pane)"
fi

# The trace view's first line names the trace; wait until it changes.
header() { pane | sed -n '1p'; }

tmux_keys Enter
if tmux_wait "^ trace " "$STEP"; then ok "hostile e2e: Enter opens the first trace"; else not_ok "hostile e2e: Enter opens the first trace" "$(pane)"; fi
i=1
stalled=""
while [ "$i" -le "$total" ]; do
	h=$(header)
	# Every pane and tab: detail (four tabs), feedback, back to the tree; the
	# last span and back to the first.
	tmux_keys Tab "}" "}" "}" "}" Tab Tab G g
	sleep 0.1
	[ "$i" -eq "$total" ] && break
	tmux_keys C-n
	_n=$((STEP * 10))
	while [ "$_n" -gt 0 ] && [ "$(header)" = "$h" ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	if [ "$(header)" = "$h" ]; then
		stalled=$(printf '%s' "$h" | cut -c1-100)
		break
	fi
	i=$((i + 1))
done
if [ -z "$stalled" ]; then
	ok "hostile e2e: Ctrl-n walks all $total traces, each within ${STEP}s"
else
	not_ok "hostile e2e: Ctrl-n walks all $total traces, each within ${STEP}s" \
		"stalled after trace $i: [$stalled]"
fi

sleep 0.5
expect_eq "hostile e2e: pane title unchanged" "$(tm display -p -t e2e '#{pane_title}')" "$title0"
expect_eq "hostile e2e: window name unchanged" "$(tm display -p -t e2e '#{window_name}')" "$wname0"
expect_eq "hostile e2e: no clipboard buffer (OSC 52)" "$(tm list-buffers 2>/dev/null | wc -l | tr -d ' ')" 0
expect_eq "hostile e2e: still on the alternate screen" "$(tm display -p -t e2e '#{alternate_on}')" 1
# A clear screen that got through would blank rows the browser believes are
# drawn: its header and status bar stay only if nothing cleared them.
if [ -z "$stalled" ]; then
	case $(header) in
	" trace "*) ok "hostile e2e: the header is still on screen" ;;
	*) not_ok "hostile e2e: the header is still on screen" "$(pane | head -3)" ;;
	esac
	if pane | tail -n 1 | grep -q "TRACE"; then
		ok "hostile e2e: the status bar is still on screen"
	else
		not_ok "hostile e2e: the status bar is still on screen" "$(pane | tail -3)"
	fi
fi

# Out: back to the list, quit; the shell's screen comes back.
tmux_keys Escape
tmux_wait " / $total" 5 >/dev/null
tmux_keys q
if tmux_wait "SHELL-IS-BACK" 10; then
	ok "hostile e2e: quits"
	expect_eq "hostile e2e: exit status 0" "$(cat "$T/rc" 2>/dev/null)" 0
	expect_eq "hostile e2e: left the alternate screen" "$(tm display -p -t e2e '#{alternate_on}')" 0
	if pane | grep -q "BEFORE-TRACELAB"; then
		ok "hostile e2e: the shell's screen is restored"
	else
		not_ok "hostile e2e: the shell's screen is restored" "$(pane)"
	fi
	expect_eq "hostile e2e: pane title unchanged after exit" \
		"$(tm display -p -t e2e '#{pane_title}')" "$title0"
else
	not_ok "hostile e2e: quits" "$(pane | head -5)"
fi
kill_tl
tmux_stop
