#!/bin/sh
# The input line (a UTF-8 line editor), commands, search with n/N.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store prompt.db)

run_keys "$db" : ":type sort name asc extra" Ctrl-w ":snapshot $T/e1.txt" \
	Ctrl-a ":snapshot $T/e2.txt" Ctrl-e Left Left Left Ctrl-k ":snapshot $T/e3.txt" \
	Ctrl-u ":type héllo wörld" Left Left Backspace ":snapshot $T/e4.txt" \
	Home Delete ":snapshot $T/e5.txt" Esc ":snapshot $T/e6.txt"
expect_eq "prompt: script exits 0" "$rc" 0
expect_row "prompt: Ctrl-w deletes a word" "$T/e1.txt" 24 ":sort name asc"
expect_row "prompt: Ctrl-a keeps the text" "$T/e2.txt" 24 ":sort name asc"
expect_row "prompt: Ctrl-k kills to the end" "$T/e3.txt" 24 ":sort name a"
expect_row "prompt: UTF-8 cursor moves and deletes" "$T/e4.txt" 24 ":héllo wöld"
expect_row "prompt: Delete under the cursor" "$T/e5.txt" 24 ":éllo wöld"
expect_grep "prompt: Esc cancels" "$T/e6.txt" "^ LIST "

# History.
run_keys "$db" : ":type sort duration" Enter : Up ":snapshot $T/h1.txt" Esc \
	: ":type bogus" Enter ":snapshot $T/h2.txt"
expect_row "prompt: Up recalls the last command" "$T/h1.txt" 24 ":sort duration"
expect_grep "prompt: unknown command" "$T/h2.txt" "unknown command: bogus"

# Search in the list runs in the store; n / N move between matches.
run_keys "$db" / ":type batch_job_3" Enter ":snapshot $T/s1.txt" n ":snapshot $T/s2.txt" \
	N N ":snapshot $T/s3.txt" / ":type nothing-like-this" Enter ":snapshot $T/s4.txt"
expect_grep "prompt: search finds the first match" "$T/s1.txt" "34 / 44 *$"
expect_grep "prompt: n finds the next" "$T/s2.txt" "35 / 44 *$"
expect_grep "prompt: N wraps back" "$T/s3.txt" "search hit TOP"
expect_grep "prompt: not found" "$T/s4.txt" "not found: nothing-like-this"
m=$(legend "$T/s1.txt" | grep -c ' match:')
expect_eq "prompt: matches highlighted" "$m" 1

# Search far beyond the window: the store finds it.
run_keys "$db" / ":type batch_job_40" Enter ":snapshot $T/far.txt"
expect_grep "prompt: far match" "$T/far.txt" "44 / 44 *$"

# An action by name.
run_keys "$db" ":action move-last" ":snapshot $T/act.txt"
expect_grep "prompt: :action runs an action" "$T/act.txt" "44 / 44 *$"
