#!/bin/sh
# Hostile text from a trace (ESC/CSI/OSC sequences, OSC 52, C1 controls,
# bidi overrides and isolates, invalid UTF-8) is shown as visible escapes in
# every place it can appear, and never reaches the screen raw.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store hostile.db)

COLUMNS=260 run_keys "$db" ":snapshot $T/list.txt" Enter ":snapshot $T/tree.txt" \
	Tab "] t" "] t" ":snapshot $T/attrs.txt" Tab ":snapshot $T/fb.txt"
expect_eq "hostile: script exits 0" "$rc" 0

# The trace name: CSI clear screen, an OSC title, BEL, RLO, an invalid byte.
expect_grep "hostile: name in the list" "$T/list.txt" 'evil^\[\[2J^\[\]0;PWNED^G<U+202E>exe\\xff'
# Previews: OSC 52 clipboard write, CR LF collapsed, colours, overlong
# UTF-8, C1 CSI.
expect_grep "hostile: request preview" "$T/list.txt" 'hi ^\[\]52;c;aGVsbG8=^G there line2 <U+202E>olleh'
expect_grep "hostile: response preview" "$T/list.txt" '\^\[\[31mred^\[\[0m \\xc0\\xaf \\x9b2J'
expect_grep "hostile: user" "$T/list.txt" 'mallory^\[\[8m'
expect_grep "hostile: judge value in the list, cut" "$T/list.txt" ' un…$'

expect_grep "hostile: header" "$T/tree.txt" '^ trace tr-c0000000000000000000000000000003  evil^\[\[2J^\[\]0;PWNED^G<U+202E>exe\\xff'
expect_grep "hostile: span name" "$T/tree.txt" 'span^\[\]0;TITLE^\[\\<U+2066>x\\xfe'
expect_grep "hostile: span inputs" "$T/tree.txt" '"q": "x^\[\[H<U+2066>y"'
expect_grep "hostile: span outputs" "$T/tree.txt" '"ok ^\[\]52;c;Zm9v^G"'
expect_grep "hostile: attribute" "$T/attrs.txt" 'note: \\x9b6n bell^G del^?'
expect_grep "hostile: feedback value" "$T/fb.txt" 'safety = unsafe ^\[\[5m'
expect_grep "hostile: feedback source id" "$T/fb.txt" 'LLM_JUDGE judge^\[\]0;owned^G'
expect_grep "hostile: rationale" "$T/fb.txt" \
	'Rationale with ^\[\[2J clear, ^\[\]52;c;cHduZWQ=^G clipboard, <U+202E>bidi and \\xff bytes.'

# Nothing raw anywhere in the snapshots: no ESC, BEL, DEL, C1 controls,
# bidi controls or invalid bytes.
for f in list tree attrs fb; do
	bad=$(LC_ALL=C grep -c "$(printf '[\001-\010\013-\037\177]')" "$T/$f.txt")
	expect_eq "hostile: no C0 controls in the $f screen" "$bad" 0
	bad=$(LC_ALL=C grep -c "$(printf '\302[\200-\237]')" "$T/$f.txt")
	expect_eq "hostile: no C1 controls in the $f screen" "$bad" 0
	bad=$(LC_ALL=C grep -c "$(printf '\342\200[\252-\256]\\|\342\201[\246-\251]')" "$T/$f.txt")
	expect_eq "hostile: no bidi controls in the $f screen" "$bad" 0
	bad=$(LC_ALL=C grep -c "$(printf '[\300\301\365-\377]')" "$T/$f.txt")
	expect_eq "hostile: no invalid bytes in the $f screen" "$bad" 0
done

# Escapes are drawn in their own slot.
e=$(legend "$T/tree.txt" | grep ' escape:' | cut -c1)
row=$(screen "$T/tree.txt" | grep -n 'span^\[' | head -1 | cut -d: -f1)
sl=$(slots "$T/tree.txt" | sed -n "${row}p")
case $sl in
*"$e$e"*) ok "hostile: escapes in the escape slot" ;;
*) not_ok "hostile: escapes in the escape slot" "row $row: [$sl], escape letter $e" ;;
esac
