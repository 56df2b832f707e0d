#!/bin/sh
# Help: generated from the action table and the effective key bindings.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store help.db)

"$TL" --list-actions >"$T/actions.txt" 2>"$T/.err"
expect_eq "help: --list-actions exits 0" "$?" 0
expect_has "help: --list-actions lists move-down with its keys" "$(cat "$T/actions.txt")" "move-down"

LINES=140 COLUMNS=120 run_keys "$db" "?" ":snapshot $T/help.txt" q ":snapshot $T/after.txt" \
	":help" ":snapshot $T/cmd.txt" "?" ":snapshot $T/toggle.txt"
expect_eq "help: script exits 0" "$rc" 0
missing=""
for a in $(sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' "$T/actions.txt"); do
	screen "$T/help.txt" | grep -q " $a " || missing="$missing $a"
done
expect_eq "help: every action is listed" "$missing" ""
expect_grep "help: keys next to actions" "$T/help.txt" "j, Down  *move-down  *Move down one line"
expect_grep "help: context keys" "$T/help.txt" "list: q  *quit"
expect_grep "help: groups" "$T/help.txt" "^Search, filter and sort"
expect_grep "help: commands" "$T/help.txt" "^  :snapshot "
expect_grep "help: label schemas" "$T/help.txt" "user_satisfaction"
expect_grep "help: q closes it" "$T/after.txt" "^ tracelab  help.db"
expect_grep "help: :help opens it" "$T/cmd.txt" "^ tracelab  help"
expect_grep "help: ? closes it again" "$T/toggle.txt" "^ tracelab  help.db"

# A user keymap changes what help shows.
mkdir -p "$HOME/.config/tracelab"
printf 'global:\n  move-down: [J, Down]\n' >"$HOME/.config/tracelab/keymap.yaml"
LINES=60 COLUMNS=120 run_keys "$db" "?" ":snapshot $T/help2.txt"
expect_grep "help: rebinding shows" "$T/help2.txt" "J, Down  *move-down"
rm -f "$HOME/.config/tracelab/keymap.yaml"
