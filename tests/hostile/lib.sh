# Helpers for the hostile-input tests (sourced after tests/lib.sh).
#   GEN                      the generator (tests/hostile/gen_hostile.c),
#                            compiled into $BUILD/hostile/ when out of date
#   hostile_store NAME       $T/NAME: a copy of the real MLflow store with
#                            every hostile trace: the generator's files
#                            imported with `tracelab import` (each file's
#                            output in $T/import/FILE.{out,err,rc}), then its
#                            direct SQL; sets $DB to its path.  The
#                            experiment is named "hostile"
#   hostile_ids STORE        the trace ids of that experiment, one per line,
#                            hex-encoded (ids may hold any byte)
#   hostile_id STORE NAME    the id of the trace whose mlflow.traceName is
#                            "H:NAME"
#   unhex HEX                the bytes a hex string stands for
#   safe_file NAME FILE      ok when FILE holds only text a terminal shows
#                            as is (valid UTF-8, no control but \n and \t,
#                            no C1, no bidi control)
#   json_file NAME FILE      ok when FILE is one strict JSON document
#   jsonl_file NAME FILE     ok when every line of FILE is strict JSON
#   guarded CMD...           runs CMD with a time limit (HOSTILE_TIMEOUT
#                            seconds, longer under valgrind) and a memory
#                            limit, so a hang or a runaway allocation fails
#                            the test instead of the machine; sets $rc
# Traces are untrusted: every check here looks at bytes, never at what a
# terminal would make of them.
HOSTILE_DIR=$TOP/tests/hostile
GEN=$TOP/$BUILD/hostile/gen_hostile
HOSTILE_TIMEOUT=${HOSTILE_TIMEOUT:-60}
if [ -n "${TRACELAB_VALGRIND_CMD:-}" ]; then
	HOSTILE_TIMEOUT=$((HOSTILE_TIMEOUT * 10))
fi
# Under AddressSanitizer a runaway allocation must fail, not take the
# machine's memory (ulimit -v cannot be used: ASan reserves address space).
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=3072:allocator_may_return_null=0
export ASAN_OPTIONS

if [ ! -x "$GEN" ] || [ "$HOSTILE_DIR/gen_hostile.c" -nt "$GEN" ]; then
	mkdir -p "$TOP/$BUILD/hostile"
	# shellcheck disable=SC2046
	if ! ${HOSTILE_CC:-cc} -std=c11 -O1 -g -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Wall -Wextra \
		-o "$GEN.tmp" "$HOSTILE_DIR/gen_hostile.c" \
		$(pkg-config --cflags --libs sqlite3) >"$T/gen.log" 2>&1; then
		echo "not ok - hostile: the generator does not build"
		sed 's/^/# /' "$T/gen.log"
		exit 1
	fi
	mv "$GEN.tmp" "$GEN"
fi

# Is the tracelab binary built with AddressSanitizer?
hostile_asan() {
	case $BUILD in *asan*) return 0 ;; esac
	return 1
}

guarded() {
	(
		if [ -z "${TRACELAB_VALGRIND_CMD:-}" ] && ! hostile_asan; then
			ulimit -v 3000000 2>/dev/null
		fi
		exec timeout -k 5 "$HOSTILE_TIMEOUT" "$@"
	)
	rc=$?
}

hostile_store() {
	_db=$(fresh_store "$1")
	DB=$_db
	if [ ! -s "$_db" ]; then
		echo "not ok - hostile: no copy of the MLflow store fixture ($FIX)"
		exit 1
	fi
	rm -rf "$T/hostile-files" "$T/hostile-art" "$T/import"
	mkdir -p "$T/import"
	"$GEN" files "$T/hostile-files" || echo "not ok - hostile: gen_hostile files failed"
	for _f in hostile.jsonl bad.jsonl big.jsonl traces.json otlp.json bom.jsonl crlf.jsonl \
		empty.jsonl blank.jsonl; do
		guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" import "$_db" "$T/hostile-files/$_f" \
			--experiment hostile >"$T/import/$_f.out" 2>"$T/import/$_f.err"
		echo "$rc" >"$T/import/$_f.rc"
	done
	if ! "$GEN" sql "$_db" "$T/hostile-art" >"$T/hostile-exp" 2>"$T/gen.err"; then
		echo "not ok - hostile: gen_hostile sql failed: $(cat "$T/gen.err")"
	fi
}

hostile_ids() {
	sqlite3 -batch -noheader "$1" "SELECT hex(t.request_id) FROM trace_info t
		JOIN experiments e ON e.experiment_id = t.experiment_id
		WHERE e.name = 'hostile' ORDER BY t.timestamp_ms, t.request_id"
}

hostile_id() {
	sqlite3 -batch -noheader "$1" "SELECT request_id FROM trace_tags
		WHERE key = 'mlflow.traceName' AND value = 'H:$2'"
}

unhex() { "$GEN" unhex "$1"; }

safe_file() {
	if "$GEN" check-safe "$2" 2>"$T/.safe"; then
		ok "$1"
	else
		not_ok "$1" "$(cat -v "$T/.safe" | head -c 300)"
	fi
}

json_file() {
	if "$GEN" check-json "$2" 2>"$T/.json"; then
		ok "$1"
	else
		not_ok "$1" "$(cat -v "$T/.json" | head -c 300)"
	fi
}

jsonl_file() {
	if "$GEN" check-json --lines "$2" 2>"$T/.json"; then
		ok "$1"
	else
		not_ok "$1" "$(head -n 3 "$T/.json" | cat -v | head -c 300)"
	fi
}
