#!/bin/sh
# The trace list: rows, columns, position, paging at both ends, experiments.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store list.db)

run_keys "$db" ":snapshot $T/first.txt" j j ":snapshot $T/third.txt" \
	G ":snapshot $T/last.txt" k g ":snapshot $T/back.txt" \
	PgDn PgDn ":snapshot $T/pgdn.txt"
expect_eq "list: script exits 0" "$rc" 0
expect_screen list-80x24 "$T/first.txt"
expect_row "list: header shows store, experiment, sort and position" "$T/first.txt" 1 \
	" tracelab  list.db  exp Default  sort time ↓                             1 / 44"
expect_grep "list: newest first" "$T/first.txt" "^03-02 12:00 evil"
expect_grep "list: error status shown" "$T/first.txt" "agent_run    ERROR  5.10s"
expect_grep "list: position follows the cursor" "$T/third.txt" "3 / 44 *$"
expect_grep "list: G jumps to the oldest" "$T/last.txt" "44 / 44 *$"
expect_grep "list: oldest row on screen" "$T/last.txt" "^03-02 08:20 batch_job_40"
expect_grep "list: g jumps back to the newest" "$T/back.txt" " 1 / 44 *$"
expect_grep "list: two pages down" "$T/pgdn.txt" "43 / 44 *$"

# The selection is drawn in the cursor slot: row 3 (the first trace) at the
# start, row 5 (the third) after j j.
sl=$(slots "$T/first.txt" | sed -n 3p | cut -c1-5)
c=$(sed -n '/^-- legend/,$p' "$T/first.txt" | grep ' cursor:' | cut -c1)
expect_eq "list: cursor slot on the first trace" "$sl" "$c$c$c$c$c"
sl=$(slots "$T/third.txt" | sed -n 5p | cut -c1-5)
expect_eq "list: cursor slot follows j" "$sl" "$c$c$c$c$c"

# Feedback columns: the judge's false and a human's true for correctness,
# a number for quality; status colours.
# The configured labels' columns first, in the schema's order
# (user_satisfaction, quality, notes), then the others by name.
expect_grep "list: feedback columns in schema order" "$T/first.txt" "user_… quali… conta… +2"
# Previews show their words, not the JSON around them.
expect_grep "list: a one-field object previews its text" "$T/first.txt" "agent_run    ERROR  5.10s Oslo "
expect_grep "list: a string response previews without quotes" "$T/first.txt" "How do I… → Open…"
st=$(legend "$T/first.txt" | grep -c 'status-error:')
expect_eq "list: ERROR drawn in status-error" "$st" 1

# Wider: ids and user/session come back.
COLUMNS=140 run_keys "$db" ":snapshot $T/wide.txt"
expect_screen list-140x24 "$T/wide.txt"
expect_grep "list: short ids at 140 columns" "$T/wide.txt" "tr-a00000… rag_answer"
# rag_answer: bob's quality 4 on the trace; its correctness rows (the
# judge's, overridden by alice) are on the chat_completion span, another
# question than the trace's: not in the trace's cell.  The code check
# contains_citation ✗ is.
expect_grep "list: the trace's answers only" "$T/wide.txt" "rag_answer .* 4         ✗ *$"
expect_grep "list: columns at 140" "$T/wide.txt" "user_… quali… conta… corre… safety$"
COLUMNS=170 run_keys "$db" ":snapshot $T/wider.txt"
expect_grep "list: user/session at 170 columns" "$T/wider.txt" "alice@example…"

# Experiments: switch by command and with the picker.
run_keys "$db" ":experiment mean_cal" ":snapshot $T/exp.txt" e ":snapshot $T/picker.txt" \
	k Enter ":snapshot $T/back0.txt"
expect_grep "list: :experiment switches" "$T/exp.txt" "exp mean_cal .* 1 / 1 *$"
expect_grep "list: calibration trace" "$T/exp.txt" "calibration"
expect_grep "list: picker lists experiments" "$T/picker.txt" "1  mean_cal .*1 traces  ◂ current"
expect_grep "list: picker counts traces" "$T/picker.txt" "0  Default .*44 traces"
expect_grep "list: picker switches back" "$T/back0.txt" "exp Default .* 1 / 44 *$"

# Sort by duration, longest first, and back by time ascending.
run_keys "$db" ":sort duration desc" ":snapshot $T/dur.txt" ":sort time asc" ":snapshot $T/asc.txt"
expect_grep "list: sort by duration" "$T/dur.txt" "sort duration ↓"
expect_row "list: longest first" "$T/dur.txt" 3 \
	"$(screen "$T/dur.txt" | sed -n 3p | grep 'agent_run    ERROR  5.10s')"
expect_grep "list: ascending time" "$T/asc.txt" "^03-02 08:20 batch_job_40"

# Quick filter and the filter line (the store's language).
run_keys "$db" E ":snapshot $T/errors.txt" E ":filter trace.name = 'rag_answer'" \
	":snapshot $T/filter.txt" ":filter status = " ":snapshot $T/bad.txt"
expect_grep "list: errors only" "$T/errors.txt" "\[errors\] .* 1 / 6 *$"
expect_nogrep "list: no OK rows with errors only" "$T/errors.txt" " OK  "
expect_grep "list: filter applied" "$T/filter.txt" "filter trace.name = 'rag_"
expect_grep "list: filter result" "$T/filter.txt" "1 / 1 *$"
expect_grep "list: filter error shown" "$T/bad.txt" "filter: .*col"
