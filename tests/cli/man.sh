#!/bin/sh
# The manual page: `tracelab --man` is what the build installs, man(1)
# reads it without a warning, and it names every command with each of its
# options, every action and every : command the program knows.
. "$(dirname "$0")/../lib.sh"

if ! command -v man >/dev/null 2>&1; then
	skip "man: page reads with man -l" "needs man (package man-db)"
	exit 0
fi

run_tl --man
expect_eq "man: --man exits 0" "$rc" 0
printf '%s\n' "$out" >"$T/tracelab.1"
if cmp -s "$T/tracelab.1" "$TOP/$BUILD/tracelab.1"; then
	ok "man: the built tracelab.1 is --man's output"
else
	not_ok "man: the built tracelab.1 is --man's output" "$BUILD/tracelab.1 differs or is missing"
fi
expect_has "man: roff title line" "$(head -1 "$T/tracelab.1")" '.TH TRACELAB 1 "" "tracelab '

# All of groff's warnings (an unknown macro, a bad escape) go to stderr.
MANWIDTH=200 man --warnings=w --nh --nj -l "$T/tracelab.1" >"$T/page.txt" 2>"$T/page.err"
expect_eq "man: man -l exits 0" "$?" 0
expect_eq "man: no warnings from groff" "$(cat "$T/page.err")" ""
expect_has "man: NAME section" "$(cat "$T/page.txt")" "tracelab - browse MLflow GenAI traces"
expect_has "man: synopsis" "$(cat "$T/page.txt")" "tracelab COMMAND [ARGS...]"

# The lines of the page's section HEAD (up to the next section).
section() {
	awk -v h="$1" '/^[A-Z]/ { on = ($0 == h) } on' "$T/page.txt"
}
# The lines of subsection SUB of section HEAD.
subsection() {
	section "$1" | awk -v h="   $2" '/^   [^ ]/ { on = ($0 == h) } on'
}

# Every command of --help, and in its part of the page every option its
# own --help lists.
run_tl --help
cmds=$(printf '%s\n' "$out" | awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }')
n=0 missing=""
for c in $cmds; do
	n=$((n + 1))
	part=$(subsection COMMANDS "$c")
	if [ -z "$part" ]; then
		missing="$missing $c"
		continue
	fi
	for o in $("$TL" "$c" --help | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z-]*\).*/\2/p'); do
		[ "$o" = --help ] && continue
		case $part in
		*"$o"*) ;;
		*) missing="$missing $c$o" ;;
		esac
	done
done
expect_eq "man: every command and its options (of $n)" "${missing# }" ""
[ "$n" -ge 9 ] && ok "man: the commands were read from --help" ||
	not_ok "man: the commands were read from --help" "only $n"

# The browser's options.
missing=""
for o in $(printf '%s\n' "$out" | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z-]*\).*/\2/p'); do
	case $(section OPTIONS) in
	*"$o"*) ;;
	*) missing="$missing $o" ;;
	esac
done
expect_eq "man: every option of the browser" "${missing# }" ""

# Every action of --list-actions, with its default keys.
keys=$(section KEYS)
n=0 missing=""
"$TL" --list-actions | sed -n 's/^  \([a-z-]*\) .*/\1/p' >"$T/actions"
while read -r a; do
	n=$((n + 1))
	printf '%s\n' "$keys" | grep -q "^       $a\( (\|$\)" || missing="$missing $a"
done <"$T/actions"
expect_eq "man: every action" "${missing# }" ""
[ "$n" -ge 60 ] && ok "man: the actions were read from --list-actions" ||
	not_ok "man: the actions were read from --list-actions" "only $n"
expect_has "man: an action's default keys" "$keys" "move-down (j, Down)"
expect_has "man: keys of a context" "$keys" "next-trace (tree: Ctrl-n;"

# The : commands of the browser's help screen.
line=$(section "COMMAND LINE")
missing=""
for c in quit help experiment filter sort search theme open snapshot action; do
	printf '%s\n' "$line" | grep -q "^       $c\b" || missing="$missing $c"
done
expect_eq "man: the : commands" "${missing# }" ""
expect_has "man: exit status" "$(section "EXIT STATUS")" "2 usage error"
