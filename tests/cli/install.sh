#!/bin/sh
# make install / uninstall honour PREFIX and DESTDIR, and the installed
# binary runs on its own (keymaps, themes and demo traces are built in).
. "$(dirname "$0")/../lib.sh"

D="$T/dest"
make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$D" PREFIX=/opt/tl >"$T/make.out" 2>&1
expect_eq "install: exit 0" "$?" 0
check "install: binary under DESTDIR/PREFIX/bin" test -x "$D/opt/tl/bin/tracelab"
check "install: default keymap under share" test -f "$D/opt/tl/share/tracelab/keymaps/default.yaml"
check "install: dark theme under share" test -f "$D/opt/tl/share/tracelab/themes/dark.yaml"
check "install: manual page under share/man/man1" test -f "$D/opt/tl/share/man/man1/tracelab.1"
if command -v man >/dev/null 2>&1; then
	# `man tracelab` finds the installed page where PREFIX's man pages are.
	page=$(MANPATH="$D/opt/tl/share/man" MANWIDTH=100 man tracelab 2>&1)
	expect_has "install: man tracelab shows the page" "$page" "tracelab - browse MLflow GenAI traces"
else
	skip "install: man tracelab shows the page" "needs man (package man-db)"
fi
expect_has "install: installed binary runs" "$("$D/opt/tl/bin/tracelab" --version)" "tracelab "
(cd "$T" && "$D/opt/tl/bin/tracelab" demo "$T/inst-demo.db" >/dev/null 2>&1)
expect_eq "install: installed binary writes the demo store" "$(q "$T/inst-demo.db" 'select count(*) > 0 from trace_info')" 1

make -s -C "$TOP" BUILD="$BUILD" uninstall DESTDIR="$D" PREFIX=/opt/tl >"$T/make.out" 2>&1
expect_eq "uninstall: exit 0" "$?" 0
expect_eq "uninstall: nothing left" "$(find "$D" -type f | wc -l)" 0
