#!/bin/sh
# Runs every test suite and prints the final line:
#   "N passed, N failed"                          nothing was skipped
#   "N passed, N failed, N skipped (why; why)"    some tests could not run here
#   sh tests/run.sh [unit] [cli] [ui] [e2e] [remote]     (default: all)
# Unit tests are the binaries in $BUILD/tests; the others are shell scripts
# in tests/<suite>/*.sh that print "ok - name" / "not ok - name: why" lines,
# and "skip - name: why" for a test that needs something this machine lacks
# (a real MLflow, tmux).  TRACELAB_NO_SKIP=1 (CI) counts every skip as a
# failure.  TRACELAB_VALGRIND=1 runs the unit binaries and the CLI under
# memcheck.  The remote suite's MLflow servers are started once for the
# suite (tests/remote/servers.lib) and stopped when it ends.
BUILD=${BUILD:-build}
export BUILD
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
export TRACELAB_BIN="$TOP/$BUILD/tracelab"
export TRACELAB_FIXTURES="${TRACELAB_FIXTURES:-$TOP/tests/fixtures/third_party}"
export LC_ALL=C.UTF-8 TZ=UTC
unset NO_COLOR TRACELAB_CONFIG XDG_CONFIG_HOME
suites=${*:-unit cli ui e2e remote}
passed=0
failed=0
skipped=0
log=$(mktemp)
whys=$(mktemp)
REMOTE_STATE=""
cleanup() {
	if [ -n "$REMOTE_STATE" ]; then
		sh "$TOP/tests/remote/servers.lib" stop-all "$REMOTE_STATE"
		rm -rf "$REMOTE_STATE"
	fi
	rm -f "$log" "$whys"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

count() {
	# $1: output file of one test program; $2: its exit code; $3: its name
	p=$(grep -c '^ok - ' "$1")
	f=$(grep -c '^not ok - ' "$1")
	s=$(grep -c '^skip - ' "$1")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $3 exited with status $2"
		f=1
	fi
	if [ "$s" -gt 0 ]; then
		if [ -n "${TRACELAB_NO_SKIP:-}" ]; then
			echo "not ok - $3: $s tests skipped, and TRACELAB_NO_SKIP is set"
			f=$((f + s))
			s=0
		else
			# "skip - name: why" -> "why<TAB>name", one line per skipped test
			sed -n 's/^skip - \([^:]*\): \(.*\)/\2	\1/p' "$1" >>"$whys"
		fi
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
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
	cli|ui|e2e|remote)
		if [ "$suite" = remote ] && [ -z "$REMOTE_STATE" ]; then
			# One set of servers for the whole suite (each script alone
			# would start and stop its own).
			REMOTE_STATE=$(mktemp -d "${TMPDIR:-/tmp}/tracelab-remote-XXXXXX")
			export REMOTE_STATE
		fi
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
if [ "$skipped" -gt 0 ]; then
	# Each distinct reason once, with what it kept from running:
	# "why: name, name, name and 4 more; why2: name".
	why=$(sort "$whys" | awk -F '\t' '
		$1 != w { if (NR > 1) out(); w = $1; n = 0; names = "" }
		{ n++; if (n <= 3) names = names (n > 1 ? ", " : "") $2 }
		function out() { s = s (s != "" ? "; " : "") w ": " names (n > 3 ? " and " (n - 3) " more" : "") }
		END { if (NR) out(); print s }')
	echo "$passed passed, $failed failed, $skipped skipped ($why)"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
