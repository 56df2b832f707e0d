#!/bin/sh
# Runs every test suite and prints the final "N passed, N failed" line.
#   sh tests/run.sh [unit] [cli] [ui] [e2e]     (default: all)
# Unit tests are the binaries in $BUILD/tests; the others are shell scripts
# in tests/<suite>/*.sh that print "ok - name" / "not ok - name" lines.
# TRACELAB_VALGRIND=1 runs the unit binaries and the CLI under memcheck.
BUILD=${BUILD:-build}
export BUILD
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
export TRACELAB_BIN="$TOP/$BUILD/tracelab"
export TRACELAB_FIXTURES="${TRACELAB_FIXTURES:-$TOP/tests/fixtures/third_party}"
export LC_ALL=C.UTF-8 TZ=UTC
unset NO_COLOR TRACELAB_CONFIG XDG_CONFIG_HOME
suites=${*:-unit cli ui e2e}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {
	# $1: output file of one test program; $2: its exit code; $3: its name
	p=$(grep -c '^ok - ' "$1")
	f=$(grep -c '^not ok - ' "$1")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $3 exited with status $2"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

vg=""
if [ -n "$TRACELAB_VALGRIND" ]; then
	vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
	export TRACELAB_VALGRIND_CMD="$vg"
fi

for suite in $suites; do
	case $suite in
	unit)
		for t in "$TOP/$BUILD"/tests/test_*; do
			[ -x "$t" ] || continue
			echo "== unit: $(basename "$t")"
			(cd "$TOP" && $vg "$t") >"$log" 2>&1
			rc=$?
			cat "$log"
			count "$log" $rc "$(basename "$t")"
		done
		;;
	cli|ui|e2e)
		for t in "$TOP"/tests/$suite/*.sh; do
			[ -f "$t" ] || continue
			echo "== $suite: $(basename "$t")"
			(cd "$TOP" && sh "$t") >"$log" 2>&1
			rc=$?
			cat "$log"
			count "$log" $rc "$(basename "$t")"
		done
		;;
	*)
		echo "unknown suite: $suite" >&2
		exit 2
		;;
	esac
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
