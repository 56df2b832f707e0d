# Helpers for the end-to-end tests: the real binary in a tmux pane
# (sourced after tests/lib.sh).  Each test file gets its own tmux server
# (-L) so tests never share state.
#   tmux_start CMD     new 100x30 session running `sh -c CMD; then a shell`;
#                      the exit status of CMD goes to $T/rc
#   tmux_keys KEY...   send-keys
#   tmux_wait RE [S]   wait (S seconds, default 10) until the pane shows RE;
#                      0 when it did
#   pane               the pane's text now
#   tmux_stop          kill the server
SOCK=tracelab-e2e-$$-$(basename "$0" .sh)
if ! command -v tmux >/dev/null 2>&1; then
	echo "ok - tmux not installed: end-to-end tests skipped"
	exit 0
fi

tm() { tmux -L "$SOCK" -f /dev/null "$@"; }

tmux_start() {
	cat >"$T/run.sh" <<SCRIPT
trap ':' INT
cd "$T"
$1
echo \$? >"$T/rc"
echo "SHELL-IS-BACK"
exec sh
SCRIPT
	tm new-session -d -s e2e -x "${2:-100}" -y "${3:-30}" "sh $T/run.sh"
	tm set-option -g default-terminal tmux-256color >/dev/null 2>&1
}

tmux_keys() { tm send-keys -t e2e "$@"; }

pane() { tm capture-pane -p -t e2e; }

tmux_wait() {
	_n=$(( ${2:-10} * 20 ))
	while [ "$_n" -gt 0 ]; do
		if pane 2>/dev/null | grep -q -- "$1"; then
			return 0
		fi
		tm has-session -t e2e 2>/dev/null || return 1
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

tmux_stop() { tm kill-server >/dev/null 2>&1; }

trap 'tmux_stop; rm -rf "$T"' EXIT
