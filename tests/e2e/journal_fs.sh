#!/bin/sh
# A full disk under the journal (a 256 KB tmpfs as XDG_STATE_HOME, filled
# up): a label given then is reported on screen as not journalled, stays
# pending while the store is locked and is never said to be written before
# the store has it; the journal holds no part of it.  Needs root (mount);
# skipped otherwise.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

ST=$T/state
mkdir -p "$ST"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=256k tmpfs "$ST" 2>"$T/mount.err"; then
	skip "journal full disk" "needs root to mount a small tmpfs ($(cat "$T/mount.err" 2>/dev/null))"
	exit 0
fi
cleanup() { tmux_stop; umount "$ST" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

db=$(fresh_store fs.db)
if ! "$TL" import "$db" "$TOP/examples/demo.jsonl" >"$T/import.log" 2>&1; then
	not_ok "journal full disk: import the demo traces" "$(cat "$T/import.log")"
	exit 1
fi
ntr=$(q "$db" "SELECT count(*) FROM trace_info WHERE experiment_id = 0")
tr=$(q "$db" "SELECT request_id FROM trace_info WHERE experiment_id = 0
	ORDER BY timestamp_ms DESC, request_id DESC LIMIT 1")
mkdir -p "$T/cfg/tracelab"
cat >"$T/cfg/tracelab/config.yaml" <<'YAML'
source_id: full
refresh_seconds: 0
advance: false
labels:
  - name: verdict
    type: boolean
    keys: {"+": true, "-": false}
YAML
tmux_start "XDG_CONFIG_HOME='$T/cfg' XDG_STATE_HOME='$ST' TRACELAB_BUSY_MS=300 TERM=tmux-256color '$TL' '$db'" 160 40
if tmux_wait " 1 / $ntr" 15; then ok "journal full disk: starts"; else not_ok "journal full disk: starts" "$(pane)"; fi
J=$ST/tracelab/journal.jsonl
expect_eq "journal full disk: the journal is there, empty" "$(wc -c <"$J" 2>/dev/null | tr -d ' ')" 0
dd if=/dev/zero of="$ST/fill" bs=4096 >/dev/null 2>&1
hold "$db" 120
[ -f "$T/held" ] || not_ok "journal full disk: the store is locked" "the holder did not start"
tmux_keys +
if tmux_wait "label journal: cannot write the label journal: No space left on device" 10; then
	ok "journal full disk: the error is on screen"
else
	not_ok "journal full disk: the error is on screen" "$(pane | tail -n 1)"
fi
if tmux_wait "1 pending, 1 not journalled" 5; then
	ok "journal full disk: the status bar says pending, not journalled"
else
	not_ok "journal full disk: the status bar says pending, not journalled" "$(pane | tail -n 1)"
fi
sleep 1
if pane | tail -n 1 | grep -q "verdict = true on tr-[^ ]*…$"; then
	not_ok "journal full disk: never said written while it is not" "$(pane | tail -n 1)"
else
	ok "journal full disk: never said written while it is not"
fi
expect_eq "journal full disk: no part of it in the journal" "$(wc -c <"$J" | tr -d ' ')" 0
expect_eq "journal full disk: not in the store yet" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE source_id = 'full'")" 0
# Room again, the lock gone: the label kept in memory is written.
rm -f "$ST/fill"
release
n=0
while [ $n -lt 300 ] && [ "$(q "$db" 2>/dev/null "SELECT count(*) FROM assessments WHERE source_id = 'full'")" != 1 ]; do
	sleep 0.05
	n=$((n + 1))
done
expect_eq "journal full disk: written once the store is free" \
	"$(q "$db" "SELECT trace_id || ' ' || value FROM assessments WHERE source_id = 'full'")" "$tr true"
tmux_keys q
tmux_wait SHELL-IS-BACK 5
expect_eq "journal full disk: exit status 0" "$(cat "$T/rc" 2>/dev/null)" 0
