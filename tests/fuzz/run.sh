#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer into build-fuzz/, then runs each one for
# FUZZ_SECONDS seconds (default 60) starting from its seed corpus in
# tests/fuzz/corpus/<target>/.  Any crash, leak, timeout or sanitizer report
# fails the run; the input that caused it is kept in build-fuzz/artifacts/.
#
#   sh tests/fuzz/run.sh [TARGET...]       (default: every target)
#   FUZZ_SECONDS=0  only replays the seed corpus (a quick regression check)
#   FUZZ_JOBS=2     runs two targets at a time
#   FUZZ_CC=clang-15 picks another clang
#
# New inputs found while fuzzing go to build-fuzz/corpus/<target>/, never into
# the repository; copy the interesting ones into tests/fuzz/corpus by hand.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
B=build-fuzz
CC=${FUZZ_CC:-clang}
SECS=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all'
PKGS='ncursesw sqlite3 libcjson yaml-0.1 libcurl'
# The library parts the targets need (not the UI or the commands).
DIRS=${FUZZ_LIB_DIRS:-core json store config svc}
DIRS_PRESENT=""
for d in $DIRS; do
	[ -d "src/$d" ] && DIRS_PRESENT="$DIRS_PRESENT $d"
done

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: $CC not found (install clang)" >&2
	exit 1
fi

echo "== fuzz: building the library with $CC"
make -s BUILD=$B CC="$CC" CFLAGS='-O1 -g' LIB_DIRS="$DIRS_PRESENT" \
	SANFLAGS="-fsanitize=fuzzer-no-link $SAN" $B/libtracelab.a || exit 1

PKG_CFLAGS=$(pkg-config --cflags $PKGS | sed 's/-D_XOPEN_SOURCE=[^ ]*//; s/-D_DEFAULT_SOURCE//')
PKG_LIBS=$(pkg-config --libs $PKGS)
mkdir -p $B/fuzz $B/artifacts

if [ $# -gt 0 ]; then
	targets=$*
else
	targets=$(ls tests/fuzz/fuzz_*.c | sed 's|.*/||; s|\.c$||')
fi

for t in $targets; do
	src=tests/fuzz/$t.c
	[ -f "$src" ] || { echo "fuzz: no target $t" >&2; exit 2; }
	if [ ! -x $B/fuzz/$t ] || [ -n "$(find $src tests/fuzz/fuzz_safe.h $B/libtracelab.a -newer $B/fuzz/$t)" ]; then
		echo "== fuzz: building $t"
		# shellcheck disable=SC2086
		$CC -std=c11 -O1 -g -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -DNCURSES_WIDECHAR=1 \
			-Wall -Wextra -Werror -Isrc -I$B/gen -Itests/fuzz $PKG_CFLAGS \
			-fsanitize=fuzzer $SAN -o $B/fuzz/$t $src $B/libtracelab.a $PKG_LIBS -lm -pthread ||
			exit 1
	fi
done

# Runs one target; prints a one-line verdict, the log tail on failure.
run_one() {
	t=$1
	log=$B/fuzz/$t.log
	mkdir -p $B/corpus/$t
	seeds=tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=""
	dict=""
	[ -f tests/fuzz/$t.dict ] && dict=-dict=tests/fuzz/$t.dict
	if [ "$SECS" -eq 0 ]; then
		mode="-runs=0"
	else
		mode="-max_total_time=$SECS"
	fi
	# shellcheck disable=SC2086
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	$B/fuzz/$t $mode -timeout=25 -rss_limit_mb=3072 -max_len=${FUZZ_MAX_LEN:-65536} \
		-print_final_stats=1 -artifact_prefix=$B/artifacts/$t- $dict \
		$B/corpus/$t $seeds >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "ok - fuzz $t (${execs:-?} runs in ${SECS}s)"
	else
		echo "not ok - fuzz $t: exit $rc, see $log"
		if grep -qE 'ERROR:|SUMMARY:|fuzz check failed|runtime error|Test unit written' "$log"; then
			grep -E 'ERROR:|SUMMARY:|fuzz check failed|runtime error|Test unit written' "$log" |
				head -n 20 | sed 's/^/    /'
		else
			tail -n 5 "$log" | sed 's/^/    /'
		fi
	fi
	return $rc
}

fail=0
if [ "$JOBS" -gt 1 ]; then
	# Groups of $JOBS targets at a time.
	set -- $targets
	while [ $# -gt 0 ]; do
		group=""
		i=0
		while [ $# -gt 0 ] && [ $i -lt "$JOBS" ]; do
			run_one "$1" >$B/fuzz/$1.verdict &
			group="$group $1"
			i=$((i + 1))
			shift
		done
		wait
		for t in $group; do
			cat $B/fuzz/$t.verdict
			grep -q '^ok - ' $B/fuzz/$t.verdict || fail=1
		done
	done
else
	for t in $targets; do
		run_one "$t" || fail=1
	done
fi
[ $fail -eq 0 ] && echo "fuzz: all targets clean" || echo "fuzz: FAILED"
exit $fail
