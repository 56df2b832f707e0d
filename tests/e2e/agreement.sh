#!/bin/sh
# The agreement screen, the real binary in tmux at 80x24: `a` shows the
# figures `tracelab agreement` prints for the list's traces (same alpha,
# interval, kappa, percentages and confusion matrices); Enter on a matrix
# cell opens the list filtered to exactly the traces of that cell, as an
# independent computation (tests/cli/agreement_ref.py) finds them; the
# filter and the experiment of the list are the screen's scope.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"
. "$(dirname "$0")/../ui/snap.lib"

REF="$TOP/tests/cli/agreement_ref.py"
db=$(fresh_store agree.db)
python3 "$REF" gen "$T/r.jsonl" 3 150 3
"$TL" import "$db" "$T/r.jsonl" >/dev/null 2>&1 || not_ok "agreement e2e: import" "exit $?"
TLQ="TERM=tmux-256color '$TL' '$db' --source-id me-tester"


run_tl agreement "$db"
cli=$out

tmux_start "$TLQ" 80 24
tmux_wait " 1 / 150" || not_ok "agreement e2e: starts" "$(pane)"
tmux_keys a
if tmux_wait "AGREEMENT"; then ok "agreement e2e: a opens the screen"; else not_ok "agreement e2e: a" "$(pane)"; fi
tmux_wait "alpha" >/dev/null
expect_has "agreement e2e: header with the traces read" "$(pane | head -1)" "tracelab  agreement  "
expect_has "agreement e2e: 150 traces" "$(pane | head -1)" "150 traces"

# Every figure of tone and score, found with / and compared with the CLI.
for name in score tone verdict; do
	block=$(printf '%s\n' "$cli" | sed -n "/^$name  (/,/^\$/p")
	alpha=$(printf '%s\n' "$block" | sed -n "s/.*Krippendorff's alpha \([-0-9.]*\), 95% interval \([-0-9.]*\) to \([-0-9.]*\) (\([0-9]*\) of.*/alpha \1, 95% \2 to \3 (\4 of/p")
	items=$(printf '%s\n' "$block" | sed -n 's/.*items answered \([0-9]*\), with two or more answers \([0-9]*\), every answer the same on \([0-9]*\) (\(.*\)).*/items \1, two or more answers \2, all the same \3 (\4)/p')
	tmux_keys / "$name  " Enter
	sleep 0.2
	tmux_keys / "alpha" Enter
	sleep 0.2
	expect_has "agreement e2e: $name alpha and interval as the CLI" "$(pane)" "$alpha"
	expect_has "agreement e2e: $name items and percent agreement as the CLI" "$(pane)" "$items"
	judge=$(printf '%s\n' "$block" | sed -n 's/.*kappa .*  \(LLM_JUDGE [^ ]*\) vs the human consensus/\1/p' | head -1)
	if [ -n "$judge" ]; then
		k=$(printf '%s\n' "$block" | grep "$judge vs the human consensus" |
			sed 's/^ *kappa \(.\{6\}\)  agreement \(.\{6\}\)  n \([0-9]*\).*/kappa \1 \2 n \3/')
		got=$(pane | grep "$judge vs the humans" | sed 's/^ *kappa \(.\{6\}\) \(.\{6\}\) n \([0-9]*\).*/kappa \1 \2 n \3/' | head -1)
		expect_eq "agreement e2e: $name kappa of the judge as the CLI" "$got" "$k"
		# The confusion matrix rows, character for character.
		tmux_keys / "${judge#* } (rows) vs the humans" Enter
		printf '%s\n' "$block" | sed -n "/$judge (rows) against/,/^\$/p" | sed '1d' |
			sed '/(rows) against\|^$/,$d' >"$T/want.$name"
		n=$(wc -l <"$T/want.$name")
		i=0
		while [ "$i" -lt "$n" ]; do tmux_keys j; i=$((i + 1)); done
		sleep 0.3
		pane | sed -n '/(rows) vs the humans/h; /(rows) vs the humans/!H; ${x;p}' |
			sed 1d | head -"$n" | sed 's/ *$//' >"$T/got.$name"
		expect_eq "agreement e2e: $name confusion matrix as the CLI" "$(cat "$T/got.$name")" \
			"$(sed 's/ *$//' "$T/want.$name")"
	fi
done

# Enter on the cell judge-a said casual, the humans rude: the list shows
# exactly those traces.
want=$(python3 "$REF" cell "$db" tone "LLM_JUDGE judge-a" casual rude)
nwant=$(printf '%s\n' $want | grep -c .)
tmux_keys / "tone  " Enter
sleep 0.2
tmux_keys / "judge-a (rows)" Enter
sleep 0.2
tmux_keys j j l l
sleep 0.2
tmux_keys Enter
if tmux_wait "$nwant traces: judge-a said casual, the humans rude"; then
	ok "agreement e2e: Enter on a cell says what it opened"
else
	not_ok "agreement e2e: Enter on a cell says what it opened" "$(pane)"
fi
if tmux_wait " 1 / $nwant *\$"; then
	ok "agreement e2e: the list has the cell's $nwant traces"
else
	not_ok "agreement e2e: the list has the cell's $nwant traces" "$(pane)"
fi
expect_has "agreement e2e: the list shows its filter" "$(pane | head -1)" "filter request_id IN ("

# The same through the key script at 300 columns, where the filter prompt
# shows every id: exactly the cell's traces.
COLUMNS=300 run_keys "$db" a / ":type tone  " Enter / ":type judge-a (rows)" Enter \
	j j l l Enter f ":snapshot $T/filter.txt"
got=$(screen "$T/filter.txt" | tail -1 | grep -o "tr-[0-9a-f]*" | sort | tr '\n' ' ' | sed 's/ $//')
expect_eq "agreement: the cell's filter names exactly its traces" "$got" "$want"

# The scope: with a filter on the list, the screen counts only its traces.
tmux_keys Escape F
tmux_wait " 1 / 150" >/dev/null
tmux_keys f
tmux_wait "filter:" >/dev/null
tmux_keys "status = 'OK'" Enter
sleep 0.3
tmux_keys a
tmux_wait "alpha" >/dev/null
nok=$(printf '%s\n' "$(q "$db" "SELECT count(*) FROM trace_info WHERE status = 'OK'")")
expect_has "agreement e2e: the list's filter is the screen's scope" "$(pane | head -2)" "$nok traces"
expect_has "agreement e2e: the filter is shown" "$(pane | sed -n 2p)" "filter: status = 'OK'"
run_tl agreement "$db" --filter "status = 'OK'" --name tone
a=$(printf '%s\n' "$out" | sed -n "s/.*Krippendorff's alpha \([-0-9.]*\),.*/alpha \1,/p")
tmux_keys / "tone  " Enter
sleep 0.2
expect_has "agreement e2e: filtered alpha as the CLI's --filter" "$(pane)" "$a"

tmux_keys q q
if tmux_wait "SHELL-IS-BACK"; then ok "agreement e2e: quits"; else not_ok "agreement e2e: quits" "$(pane)"; fi
expect_eq "agreement e2e: exit 0" "$(cat "$T/rc")" 0
