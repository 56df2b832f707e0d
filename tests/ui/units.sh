#!/bin/sh
# Unit tests of the browser's pure parts (tests/ui/units.c), built against
# the library of this build.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

lib=$TOP/$BUILD/libtracelab.a
if [ ! -f "$lib" ]; then
	not_ok "ui units" "no $lib (run make first)"
	exit 0
fi
db=$(fixture_store units.db)
san=${SANFLAGS:-}
case $BUILD in
*asan*) san="-fsanitize=address,undefined -fno-omit-frame-pointer" ;;
esac
# shellcheck disable=SC2046
if ! ${CC:-cc} -std=c11 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -DNCURSES_WIDECHAR=1 -g \
	$san -I"$TOP/src" -I"$TOP/tests/unit" -o "$T/units" "$TOP/tests/ui/units.c" "$lib" \
	$(pkg-config --libs ncursesw sqlite3 libcjson yaml-0.1 libcurl) -lm >"$T/cc.log" 2>&1; then
	not_ok "ui units: build" "$(sed 's/^/# /' "$T/cc.log")"
	exit 0
fi
${TRACELAB_VALGRIND_CMD:-} "$T/units" "$db"
