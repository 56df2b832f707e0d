#!/bin/sh
# Resizing keeps the state: the selection, the open trace, the focus, what
# is typed in the input line; layouts follow the new size.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store resize.db)

run_keys "$db" j j ":resize 100 30" ":snapshot $T/r1.txt" ":resize 60 12" ":snapshot $T/r2.txt" \
	Enter ":resize 140 40" ":snapshot $T/r3.txt" ":resize 80 24" ":snapshot $T/r4.txt" \
	":resize 15 2" ":snapshot $T/tiny.txt" ":resize 80 24" ":snapshot $T/r5.txt"
expect_eq "resize: script exits 0" "$rc" 0
n=$(screen "$T/r1.txt" | wc -l)
expect_eq "resize: 30 rows after :resize 100 30" "$n" 30
w=$(screen "$T/r1.txt" | head -1 | tr -d '\n' | wc -m | tr -d ' ')
expect_eq "resize: header spans 100 columns (one blank at the end)" "$w" 99
expect_grep "resize: selection kept (3 / 44)" "$T/r1.txt" " 3 / 44$"
expect_grep "resize: more rows shown" "$T/r1.txt" "batch_job_23"
n=$(screen "$T/r2.txt" | wc -l)
expect_eq "resize: 12 rows at 60x12" "$n" 12
expect_grep "resize: selection still kept at 60x12" "$T/r2.txt" " 3 / 44$"
expect_grep "resize: narrow list still has names" "$T/r2.txt" "rag_answer"
expect_grep "resize: wide trace layout" "$T/r3.txt" "^▾ rag_answer .*│▌inputs"
expect_grep "resize: stacked again at 80x24" "$T/r4.txt" "^ \[Inputs/Outputs\]"
expect_grep "resize: too small says so" "$T/tiny.txt" "terminal too s"
expect_grep "resize: back from tiny, trace still open" "$T/r5.txt" "^ trace tr-a000000000…  rag_answer"

# What is typed survives a resize.
run_keys "$db" : ":type sort dura" ":resize 90 20" ":snapshot $T/typed.txt" \
	":type tion" Enter ":snapshot $T/done.txt"
expect_row "resize: input line kept" "$T/typed.txt" 20 ":sort dura"
expect_grep "resize: typing goes on after it" "$T/done.txt" "sort duration ↓"
