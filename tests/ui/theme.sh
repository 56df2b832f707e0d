#!/bin/sh
# Themes: the same slots drawn with each theme's colours; switching at run
# time; NO_COLOR and terminals without colours get attributes only; 8-colour
# terminals get colours they have.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store theme.db)

run_keys "$db" ":snapshot $T/dark.txt" ":theme mono" ":snapshot $T/mono.txt" \
	":theme light" ":snapshot $T/light.txt" T ":snapshot $T/cycled.txt" \
	":theme no-such-theme" ":snapshot $T/bad.txt"
expect_eq "theme: script exits 0" "$rc" 0
l=$(legend "$T/dark.txt" | head -1)
expect_eq "theme: dark by default, 256 colours" "$l" "-- legend: theme dark, 256 colours --"
l=$(legend "$T/mono.txt" | head -1)
expect_eq "theme: :theme mono" "$l" "-- legend: theme mono, 256 colours --"
l=$(legend "$T/light.txt" | head -1)
expect_eq "theme: :theme light" "$l" "-- legend: theme light, 256 colours --"
l=$(legend "$T/cycled.txt" | head -1)
expect_eq "theme: T cycles to the next theme" "$l" "-- legend: theme mono, 256 colours --"
expect_grep "theme: T says so" "$T/cycled.txt" "theme: mono"
expect_grep "theme: unknown theme is an error" "$T/bad.txt" "no-such-theme"

# Same screen, same slots; different looks (the status bars differ: the
# message says which theme).
d=$(screen "$T/dark.txt" | sed '$d')
m=$(screen "$T/mono.txt" | sed '$d')
expect_eq "theme: same text in dark and mono" "$d" "$m"
d=$(slots "$T/dark.txt" | sed '$d')
m=$(slots "$T/mono.txt" | sed '$d')
expect_eq "theme: same slots in dark and mono" "$d" "$m"
if [ "$(legend "$T/dark.txt")" != "$(legend "$T/mono.txt")" ]; then
	ok "theme: slot styles differ between dark and mono"
else
	not_ok "theme: slot styles differ between dark and mono" "same legend"
fi
c=$(legend "$T/dark.txt" | grep ' cursor:' | sed 's/^. cursor: //')
case $c in
*fg=*bg=*) ok "theme: dark cursor has colours ($c)" ;;
*) not_ok "theme: dark cursor has colours" "$c" ;;
esac
c=$(legend "$T/mono.txt" | grep ' cursor:' | sed 's/^. cursor: //')
case $c in
*"fg=default bg=default"*reverse*) ok "theme: mono cursor is reverse video ($c)" ;;
*) not_ok "theme: mono cursor is reverse video" "$c" ;;
esac

# NO_COLOR: attributes only, whatever the theme.
NO_COLOR=1 run_keys "$db" ":snapshot $T/nocolor.txt"
l=$(legend "$T/nocolor.txt" | head -1)
expect_eq "theme: NO_COLOR gives attributes only" "$l" "-- legend: theme dark, attributes only --"
c=$(legend "$T/nocolor.txt" | grep ' cursor:')
case $c in
*fg=*) not_ok "theme: no colours with NO_COLOR" "$c" ;;
*reverse*) ok "theme: NO_COLOR cursor is reverse ($c)" ;;
*) not_ok "theme: NO_COLOR cursor is reverse" "$c" ;;
esac

# A terminal without colours, and an 8-colour one.
TERM=vt100 run_keys "$db" ":snapshot $T/vt100.txt"
l=$(legend "$T/vt100.txt" | head -1)
expect_eq "theme: vt100 gives attributes only" "$l" "-- legend: theme dark, attributes only --"
TERM=xterm run_keys "$db" ":snapshot $T/xterm8.txt"
l=$(legend "$T/xterm8.txt" | head -1)
expect_eq "theme: xterm has 8 colours" "$l" "-- legend: theme dark, 8 colours --"
big=$(legend "$T/xterm8.txt" | grep -c 'color[0-9]\|bright-')
expect_eq "theme: only the 8 colours on xterm" "$big" 0

# --theme on the command line.
UI_ARGS="--theme light" run_keys "$db" ":snapshot $T/arg.txt"
l=$(legend "$T/arg.txt" | head -1)
expect_eq "theme: --theme light" "$l" "-- legend: theme light, 256 colours --"
