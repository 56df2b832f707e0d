# Helpers for the browser's snapshot tests (sourced after tests/lib.sh).
#   fixture_store NAME        a copy of the real MLflow store with the traces
#                             of tests/ui/data/browse.sql; prints its path
#   demo_store NAME           `tracelab demo` into $T/NAME; prints its path
#   run_keys STORE KEYS...    runs the browser on STORE with the key script
#                             given as arguments (one step per argument) at
#                             $COLUMNS x $LINES (default 80x24); sets $rc,
#                             stderr in $T/.err
#   screen FILE               the text rows of a snapshot
#   slots FILE                its colour-slot rows
#   legend FILE               its legend lines
#   expect_screen NAME FILE   the text rows equal tests/ui/expected/NAME.screen
#                             (UPDATE=1 rewrites the expected file)
#   expect_row NAME FILE N TEXT   row N (1-based) of the screen equals TEXT
#   expect_grep NAME FILE RE  some screen row matches the regex
#   expect_nogrep NAME FILE RE    no screen row matches
UI_DIR=$TOP/tests/ui
export TERM=${UI_TERM:-xterm-256color}
unset NO_COLOR TRACELAB_KEYS

fixture_store() {
	cp "$FIX/mlflow-3-real-store.db" "$T/$1"
	chmod u+w "$T/$1"
	sqlite3 -batch "$T/$1" <"$UI_DIR/data/browse.sql" || echo "not ok - fixture SQL failed"
	echo "$T/$1"
}

demo_store() {
	"$TL" demo "$T/$1" >/dev/null 2>&1 || echo "not ok - tracelab demo failed"
	echo "$T/$1"
}

run_keys() {
	_store=$1
	shift
	: >"$T/keys"
	for _k in "$@"; do
		printf '%s\n' "$_k" >>"$T/keys"
	done
	LINES=${LINES:-24} COLUMNS=${COLUMNS:-80} ${TRACELAB_VALGRIND_CMD:-} "$TL" "$_store" \
		--source-id me-tester --keys "$T/keys" ${UI_ARGS:-} >"$T/.out" 2>"$T/.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "# tracelab exited $rc: $(cat "$T/.err")"
	fi
}

screen() { sed '/^-- slots --$/,$d' "$1"; }
slots() { sed -n '/^-- slots --$/,/^-- legend/p' "$1" | sed '1d;$d'; }
legend() { sed -n '/^-- legend/,$p' "$1"; }

expect_screen() {
	_want=$UI_DIR/expected/$1.screen
	if [ ! -f "$2" ]; then
		not_ok "$1" "no snapshot written"
		return
	fi
	if [ -n "$UPDATE" ]; then
		screen "$2" >"$_want"
		ok "$1 (updated)"
		return
	fi
	if [ ! -f "$_want" ]; then
		not_ok "$1" "missing $_want (run with UPDATE=1)"
		return
	fi
	if screen "$2" | diff -u "$_want" - >"$T/.diff"; then
		ok "$1"
	else
		not_ok "$1" "screen differs from $_want"
		sed 's/^/# /' "$T/.diff" | head -40
	fi
}

expect_row() {
	_got=$(screen "$2" | sed -n "${3}p")
	expect_eq "$1" "$_got" "$4"
}

expect_grep() {
	if [ -f "$2" ] && screen "$2" | grep -q -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "no row matches /$3/"
		[ -f "$2" ] && screen "$2" | sed 's/^/# | /'
	fi
}

expect_nogrep() {
	if [ -f "$2" ] && ! screen "$2" | grep -q -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "a row matches /$3/"
	fi
}
