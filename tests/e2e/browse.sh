#!/bin/sh
# The real binary in tmux: start, navigate, open a trace, resize, quit with
# the terminal restored and exit code 0; a hostile trace cannot set the
# pane title or the clipboard; SIGTERM and SIGHUP restore the terminal.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"
. "$(dirname "$0")/../ui/snap.lib"

db=$(fixture_store e2e.db)
TLQ="TERM=tmux-256color '$TL' '$db' --source-id me-tester"

tmux_start "echo BEFORE-TRACELAB; $TLQ"
title0=$(tm display -p -t e2e '#{pane_title}')
if tmux_wait " 1 / 44"; then ok "e2e: starts on the trace list"; else not_ok "e2e: starts" "$(pane)"; fi
a=$(tm display -p -t e2e '#{alternate_on}')
expect_eq "e2e: runs on the alternate screen" "$a" 1

tmux_keys j j
if tmux_wait " 3 / 44"; then ok "e2e: j moves down"; else not_ok "e2e: j moves down" "$(pane)"; fi
tmux_keys Enter
if tmux_wait "^ trace tr-a0000000000000000000000000000001  rag_answer"; then
	ok "e2e: Enter opens the trace"
else
	not_ok "e2e: Enter opens the trace" "$(pane)"
fi
if tmux_wait "chat_completion .*█"; then ok "e2e: tree with waterfall"; else not_ok "e2e: waterfall" "$(pane)"; fi

tm resize-window -t e2e -x 140 -y 40
if tmux_wait "│▌inputs"; then ok "e2e: resize to 140x40 gives the wide layout"; else not_ok "e2e: resize" "$(pane)"; fi
if pane | grep -q "^ trace tr-a0000000000000000000000000000001  rag_answer"; then
	ok "e2e: the trace stays open across the resize"
else
	not_ok "e2e: the trace stays open across the resize" "$(pane)"
fi
tm resize-window -t e2e -x 100 -y 30
if tmux_wait "^ \[Inputs/Outputs\]"; then ok "e2e: back to 100x30, stacked"; else not_ok "e2e: back" "$(pane)"; fi

# The hostile trace: open it, look at its feedback and attributes.
tmux_keys q
tmux_wait " 3 / 44" >/dev/null
tmux_keys g Enter
if tmux_wait "evil^\[\[2J"; then ok "e2e: hostile trace shown escaped"; else not_ok "e2e: hostile" "$(pane)"; fi
tmux_keys Tab } } Tab
sleep 0.3
title1=$(tm display -p -t e2e '#{pane_title}')
expect_eq "e2e: pane title unchanged by the trace" "$title1" "$title0"
case $(pane) in
*PWNED*"^G"*|*"^[]0;PWNED"*) ok "e2e: OSC title shown as text" ;;
*) not_ok "e2e: OSC title shown as text" "$(pane)" ;;
esac
bufs=$(tm list-buffers 2>/dev/null | wc -l | tr -d ' ')
expect_eq "e2e: no clipboard write (OSC 52)" "$bufs" 0
if pane | grep -q "Rationale with ^\[\[2J clear"; then
	ok "e2e: the screen was not cleared by the rationale"
else
	not_ok "e2e: rationale shown" "$(pane)"
fi

# Quit: back to the list, then out; the shell's screen comes back.
tmux_keys q
tmux_wait " 1 / 44" >/dev/null
tmux_keys q
if tmux_wait "SHELL-IS-BACK"; then ok "e2e: q quits"; else not_ok "e2e: q quits" "$(pane)"; fi
expect_eq "e2e: exit status 0" "$(cat "$T/rc" 2>/dev/null)" 0
a=$(tm display -p -t e2e '#{alternate_on}')
expect_eq "e2e: alternate screen left" "$a" 0
if pane | grep -q "BEFORE-TRACELAB" && ! pane | grep -q " tracelab  e2e.db"; then
	ok "e2e: the shell's screen is restored"
else
	not_ok "e2e: the shell's screen is restored" "$(pane)"
fi
# The tty is back in its usual mode: what is typed is echoed, lines end
# at Enter.
tmux_keys "echo TYPED-\$((40 + 2))" Enter
if tmux_wait "^TYPED-42" && pane | grep -q 'echo TYPED-'; then
	ok "e2e: the tty echoes and reads lines again"
else
	not_ok "e2e: the tty echoes and reads lines again" "$(pane)"
fi
tmux_stop

# $EDITOR for the input line: the text goes to the editor and comes back.
cat >"$T/fake-editor.sh" <<'ED'
#!/bin/sh
printf 'sort duration\n' >"$1"
ED
chmod +x "$T/fake-editor.sh"
SOCK=$SOCK-editor
tmux_start "VISUAL='$T/fake-editor.sh' $TLQ"
tmux_wait " 1 / 44" >/dev/null
tmux_keys : C-g
if tmux_wait "^:sort duration"; then ok "e2e: Ctrl-g edits the input line in \$VISUAL"; else not_ok "e2e: editor" "$(pane)"; fi
tmux_keys Enter
if tmux_wait "sort duration ↓"; then ok "e2e: the edited command runs"; else not_ok "e2e: edited command" "$(pane)"; fi
a=$(tm display -p -t e2e '#{alternate_on}')
expect_eq "e2e: back on the browser's screen after the editor" "$a" 1
tmux_keys q
tmux_wait "SHELL-IS-BACK" >/dev/null
expect_eq "e2e: exit status 0 after the editor" "$(cat "$T/rc" 2>/dev/null)" 0
tmux_stop

# Signals: SIGTERM and SIGHUP restore the terminal too.
base_sock=$SOCK
for sig in TERM HUP INT; do
	rm -f "$T/rc"
	SOCK=$base_sock-$sig
	tmux_start "echo BEFORE-$sig; $TLQ & echo \$! >$T/pid; wait \$!"
	tmux_wait " 1 / 44" >/dev/null
	kill -"$sig" "$(cat "$T/pid")"
	if tmux_wait "SHELL-IS-BACK"; then ok "e2e: SIG$sig ends tracelab"; else not_ok "e2e: SIG$sig" "$(pane)"; fi
	a=$(tm display -p -t e2e '#{alternate_on}')
	expect_eq "e2e: SIG$sig leaves the alternate screen" "$a" 0
	if pane | grep -q "BEFORE-$sig"; then ok "e2e: SIG$sig restores the screen"; else not_ok "e2e: SIG$sig screen" "$(pane)"; fi
	st=$(cat "$T/rc" 2>/dev/null)
	if [ -n "$st" ] && [ "$st" -ne 0 ]; then ok "e2e: SIG$sig exit status $st"; else not_ok "e2e: SIG$sig status" "[$st]"; fi
	tmux_stop
done

# Ctrl-C at the keyboard: the terminal's interrupt.
rm -f "$T/rc"
SOCK=$base_sock-ctrlc
tmux_start "echo BEFORE-CTRLC; $TLQ"
tmux_wait " 1 / 44" >/dev/null
tmux_keys C-c
if tmux_wait "SHELL-IS-BACK"; then ok "e2e: Ctrl-C ends tracelab"; else not_ok "e2e: Ctrl-C" "$(pane)"; fi
a=$(tm display -p -t e2e '#{alternate_on}')
expect_eq "e2e: Ctrl-C leaves the alternate screen" "$a" 0
tmux_stop
