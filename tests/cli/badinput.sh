#!/bin/sh
# Bad input at every entry point, beyond what errors.sh covers: store paths
# that are FIFOs, directories, unreadable, empty, truncated or random; an
# MLflow 2 store and a store with no traces for every command and the
# browser; bad YAML (syntax, wrong types, unknown keys) in the
# configuration, keymaps and themes; files that are not regular; empty and
# odd argument values.  Each failure: ends in time, exit 1 or 2, exactly one
# message line naming the file (with line:col for YAML), the trace id or the
# option, and the store left byte for byte as it was.
. "$(dirname "$0")/../lib.sh"

TRACE=tr-c3f8ccfcfd1ce910d7277a703eedd5e9
SPAN=4bdc7814b1ece4a4
LIMIT=${BADINPUT_TIMEOUT:-20}
[ -n "${TRACELAB_VALGRIND_CMD:-}" ] && LIMIT=$((LIMIT * 3))
export TERM=${TERM:-xterm}
[ "$TERM" = dumb ] && export TERM=xterm

cp "$FIX/mlflow-3-dspy-react-agent.db" "$T/good.db"
chmod u+w "$T/good.db"
GOOD=$T/good.db
cd "$T" || exit 1
printf 'q\n' >"$T/quit.keys"

# run NAME ARGS...: tracelab with a time limit; sets rc, out, err.
run() {
	timeout -k 5 "$LIMIT" ${TRACELAB_VALGRIND_CMD:-} "$TL" "$@" >"$T/.out" 2>"$T/.err" </dev/null
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# fails NAME NEEDLE ARGS...: ends in time, exit 1 or 2, exactly one stderr
# line, containing NEEDLE.
fails() {
	_name=$1 _needle=$2
	shift 2
	run "$@"
	_lines=$(printf '%s\n' "$err" | grep -c .)
	case $rc in
	1 | 2)
		if [ "$_lines" -ne 1 ]; then
			not_ok "$_name" "exit $rc with $_lines message lines: $(printf '%s' "$err" | head -c 300)"
		else
			case $err in
			*"$_needle"*) ok "$_name" ;;
			*) not_ok "$_name" "[$err] lacks [$_needle]" ;;
			esac
		fi
		;;
	124 | 137) not_ok "$_name" "still running after ${LIMIT}s" ;;
	*) not_ok "$_name" "exit $rc: $(printf '%s' "$err" | head -c 300)" ;;
	esac
}

# Every command (and the browser) on one store path; each must fail.
each_command() {
	_what=$1 _path=$2 _needle=$3
	fails "$_what: list" "$_needle" list "$_path"
	fails "$_what: export" "$_needle" export "$_path" -o "$T/x.jsonl"
	fails "$_what: feedback" "$_needle" feedback "$_path" "$TRACE"
	fails "$_what: log-feedback" "$_needle" log-feedback "$_path" --trace "$TRACE" --name x \
		--value 1 --source-id me
	fails "$_what: update-feedback" "$_needle" update-feedback "$_path" a-1 --value 1
	fails "$_what: delete-feedback" "$_needle" delete-feedback "$_path" a-1
	fails "$_what: import" "$_needle" import "$_path" "$FIX/otlp-proto-example-trace.json"
	fails "$_what: browser" "$_needle" "$_path" --keys "$T/quit.keys"
}

sum() { cksum "$1" | cut -d' ' -f1,2; }

# ---- store files ------------------------------------------------------------------

mkfifo "$T/fifo.db"
each_command "store is a FIFO" "$T/fifo.db" "fifo.db"

mkdir "$T/dir.db"
each_command "store is a directory" "$T/dir.db" "dir.db"

: >"$T/empty.db"
each_command "store is an empty file" "$T/empty.db" "empty.db"
expect_eq "store is an empty file: still empty" "$(wc -c <"$T/empty.db" | tr -d ' ')" 0

head -c 50000 "$GOOD" >"$T/trunc.db"
s0=$(sum "$T/trunc.db")
each_command "store is a truncated SQLite file" "$T/trunc.db" "trunc.db"
expect_eq "truncated store: unchanged" "$(sum "$T/trunc.db")" "$s0"

{ printf 'SQLite format 3\000'; head -c 8176 /dev/urandom; } >"$T/random.db"
s0=$(sum "$T/random.db")
each_command "store is random bytes after an SQLite header" "$T/random.db" "random.db"
expect_eq "random store: unchanged" "$(sum "$T/random.db")" "$s0"

head -c 4096 /dev/urandom >"$T/noise.db"
each_command "store is random bytes" "$T/noise.db" "noise.db"

# Unreadable: as root, file modes do not stop reads, so run as nobody.
cp "$GOOD" "$T/locked.db"
chmod 000 "$T/locked.db"
as_user=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$T"
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
	for c in list "feedback $TRACE" "export -o $T/x.jsonl"; do
		# shellcheck disable=SC2086
		set -- $c
		cmd=$1
		shift
		$as_user timeout -k 5 "$LIMIT" "$TL" "$cmd" "$T/locked.db" "$@" >"$T/.out" 2>"$T/.err"
		rc=$?
		n=$(grep -c . "$T/.err")
		if { [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; } && [ "$n" -eq 1 ] && grep -q "locked.db" "$T/.err"; then
			ok "unreadable store: $cmd"
		else
			not_ok "unreadable store: $cmd" "exit $rc: $(head -c 300 "$T/.err")"
		fi
	done
else
	ok "unreadable store # SKIP root without setpriv"
fi
chmod 600 "$T/locked.db"

# MLflow 2 (no assessments table): refused by every command, untouched.
cp "$GOOD" "$T/mlflow2.db"
sqlite3 "$T/mlflow2.db" "DROP TABLE assessments"
s0=$(sum "$T/mlflow2.db")
each_command "MLflow 2 store" "$T/mlflow2.db" "MLflow older than 3"
expect_eq "MLflow 2 store: unchanged" "$(sum "$T/mlflow2.db")" "$s0"

# A store with no traces: reading works and says so; writing names the trace.
E=$(fresh_store empty-traces.db)
s0=$(sum "$E")
run list "$E"
expect_eq "no traces: list exits 0" "$rc" 0
expect_eq "no traces: list prints nothing" "$out" ""
run export "$E" -o "$T/none.jsonl"
expect_eq "no traces: export exits 0" "$rc" 0
expect_eq "no traces: export writes an empty file" "$(wc -c <"$T/none.jsonl" | tr -d ' ')" 0
run export "$E" --format csv
expect_eq "no traces: CSV export exits 0" "$rc" 0
fails "no traces: feedback names the trace" "$TRACE" feedback "$E" "$TRACE"
fails "no traces: log-feedback names the trace" "$TRACE" log-feedback "$E" --trace "$TRACE" \
	--name x --value 1 --source-id me
printf ':snapshot %s\nq\n' "$T/empty.snap" >"$T/snap.keys"
run "$E" --keys "$T/snap.keys"
expect_eq "no traces: the browser opens and quits" "$rc" 0
if [ -f "$T/empty.snap" ] && grep -qi "no traces" "$T/empty.snap"; then
	ok "no traces: the browser says there are none"
else
	not_ok "no traces: the browser says there are none" "$(head -5 "$T/empty.snap" 2>/dev/null)"
fi
expect_eq "no traces: store unchanged" "$(sum "$E")" "$s0"

fails "sqlite URL of a missing file" "nope/x.db" list "sqlite:///nope/x.db"

# ---- configuration, keymaps, themes -----------------------------------------------------

s0=$(sum "$GOOD")
printf 'source_id: me\nstore: [unclosed\nexperiment: x\n' >"$T/syntax.yaml"
fails "config syntax error: file:line:col" "syntax.yaml:3:" --config "$T/syntax.yaml" \
	log-feedback "$GOOD" --trace "$TRACE" --name x --value 1
fails "config syntax error: the browser too" "syntax.yaml:3:" --config "$T/syntax.yaml" "$GOOD" \
	--keys "$T/quit.keys"
printf '\t- not yaml: [\n' >"$T/tab.yaml"
fails "config with a tab indent" "tab.yaml:1:" --config "$T/tab.yaml" list "$GOOD"
printf 'a: 1\na: 2\n' >"$T/dup.yaml"
run --config "$T/dup.yaml" list "$GOOD"
expect_has "config with a duplicate key: named by file:line" "$err" "dup.yaml:"
expect_eq "config errors: store unchanged" "$(sum "$GOOD")" "$s0"

# Wrong types and unknown keys: each named, the rest of the file used.
printf 'source_id: [a, b]\nrefresh_seconds: soon\nadvance: maybe\nbogus_key: 1\nlabels: 12\n' \
	>"$T/types.yaml"
run --config "$T/types.yaml" log-feedback "$GOOD" --trace "$TRACE" --name typed --value 1
expect_eq "config wrong types: the command still runs" "$rc" 0
for w in "types.yaml:1:12" "types.yaml:2:18" "types.yaml:3:10" "types.yaml:4:1" "types.yaml:5:"; do
	expect_has "config wrong types: $w named" "$err" "$w"
done
n=$(q "$GOOD" "SELECT count(*) FROM assessments WHERE name = 'typed' AND source_id IS NOT NULL
	AND source_id NOT IN ('', '[a, b]')")
expect_eq "config wrong types: a bad source_id is not used" "$n" 1
s0=$(sum "$GOOD")

fails "config file missing" "nope.yaml" --config "$T/nope.yaml" list "$GOOD"
fails "config file is a directory" "$T" --config "$T" list "$GOOD"
mkfifo "$T/config.fifo"
fails "config file is a FIFO" "config.fifo" --config "$T/config.fifo" list "$GOOD"

printf 'global:\n  move-down: [j\n' >"$T/km-syntax.yaml"
fails "keymap syntax error: file:line:col" "km-syntax.yaml:3:" "$GOOD" --keymap "$T/km-syntax.yaml" \
	--keys "$T/quit.keys"
printf 'keymap: %s\n' "$T/km-syntax.yaml" >"$T/cfg-km.yaml"
fails "keymap syntax error through the config" "km-syntax.yaml:3:" --config "$T/cfg-km.yaml" "$GOOD" \
	--keys "$T/quit.keys"
printf 'slots: {cursor: [\n' >"$T/th-syntax.yaml"
fails "theme syntax error: file:line:col" "th-syntax.yaml:2:" "$GOOD" --theme "$T/th-syntax.yaml" \
	--keys "$T/quit.keys"
fails "keymap file missing" "nokeys.yaml" "$GOOD" --keymap "$T/nokeys.yaml" --keys "$T/quit.keys"
fails "theme file missing" "notheme.yaml" "$GOOD" --theme "$T/notheme.yaml" --keys "$T/quit.keys"
fails "keymap file is a FIFO" "config.fifo" "$GOOD" --keymap "$T/config.fifo" --keys "$T/quit.keys"

# Keymaps and themes with bad entries: the browser runs, the first problem
# is named by file:line:col on the status bar.
printf 'global:\n  no-such-action: j\nnowhere:\n  quit: q\nlist:\n  quit: Ctrl-Nope\n' >"$T/km-bad.yaml"
printf ':snapshot %s\nq\n' "$T/km.snap" >"$T/km.keys"
run "$GOOD" --keymap "$T/km-bad.yaml" --keys "$T/km.keys"
expect_eq "keymap bad entries: the browser runs" "$rc" 0
if grep -q "km-bad.yaml:2:3" "$T/km.snap" 2>/dev/null || printf '%s' "$err" | grep -q "km-bad.yaml:2:3"; then
	ok "keymap bad entries: the first is named by file:line:col"
else
	not_ok "keymap bad entries: the first is named by file:line:col" "$(tail -n 3 "$T/km.snap" 2>/dev/null)"
fi
printf 'slots:\n  cursor: {fg: purple-ish, attrs: [blink]}\n  no-such-slot: red\nbogus: 1\n' \
	>"$T/th-bad.yaml"
printf ':snapshot %s\nq\n' "$T/th.snap" >"$T/th.keys"
run "$GOOD" --theme "$T/th-bad.yaml" --keys "$T/th.keys"
expect_eq "theme bad entries: the browser runs" "$rc" 0
if grep -q "th-bad.yaml:2:" "$T/th.snap" 2>/dev/null || printf '%s' "$err" | grep -q "th-bad.yaml:2:"; then
	ok "theme bad entries: the first is named by file:line:col"
else
	not_ok "theme bad entries: the first is named by file:line:col" "$(tail -n 3 "$T/th.snap" 2>/dev/null)"
fi
expect_eq "keymap and theme errors: store unchanged" "$(sum "$GOOD")" "$s0"

# ---- import sources ---------------------------------------------------------------------

fails "import of a directory" "$T" import "$GOOD" "$T"
if [ -n "$as_user" ] || [ "$(id -u)" -ne 0 ]; then
	printf '{}' >"$T/secret.json"
	chmod 000 "$T/secret.json"
	$as_user cp "$GOOD" "$T/nobody.db" 2>/dev/null
	$as_user timeout -k 5 "$LIMIT" "$TL" import "$T/nobody.db" "$T/secret.json" >"$T/.out" 2>"$T/.err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q "secret.json" "$T/.err"; then
		ok "import of an unreadable file"
	else
		not_ok "import of an unreadable file" "exit $rc: $(head -c 300 "$T/.err")"
	fi
fi
expect_eq "import errors: store unchanged" "$(sum "$GOOD")" "$s0"

# ---- arguments ---------------------------------------------------------------------------

fails "empty --trace" "--trace" log-feedback "$GOOD" --trace "" --name x --value 1
fails "empty --name" "--name" log-feedback "$GOOD" --trace "$TRACE" --name "" --value 1
fails "empty number" "--value" log-feedback "$GOOD" --trace "$TRACE" --name x --value "" --type number
fails "empty bool" "--value" log-feedback "$GOOD" --trace "$TRACE" --name x --value "" --type bool
fails "number with junk" "--value" log-feedback "$GOOD" --trace "$TRACE" --name x --value 4x --type number
fails "empty --span" "--span" log-feedback "$GOOD" --trace "$TRACE" --span "" --name x --value 1
fails "metadata without a key" "--metadata" log-feedback "$GOOD" --trace "$TRACE" --name x --value 1 \
	--metadata "=v"
fails "unknown span of a known trace" "${SPAN%?}0" log-feedback "$GOOD" --trace "$TRACE" \
	--span "${SPAN%?}0" --name x --value 1
fails "span id of the wrong form" "nothex" log-feedback "$GOOD" --trace "$TRACE" --span nothex \
	--name x --value 1
for c in import export list feedback update-feedback delete-feedback demo; do
	fails "$c: unknown option named" "--bogus" "$c" --bogus
done
fails "export: -o without a value" "-o" export "$GOOD" -o
fails "list: --filter without a value" "--filter" list "$GOOD" --filter
fails "list: negative --limit" "--limit" list "$GOOD" --limit -5
fails "browser: unknown option" "--bogus" "$GOOD" --bogus
fails "browser: --keys file missing" "nokeys.txt" "$GOOD" --keys "$T/nokeys.txt"
fails "browser: unknown experiment" "nope" "$GOOD" -e nope --keys "$T/quit.keys"
fails "browser: unknown trace" "tr-nope" "$GOOD" --trace tr-nope --keys "$T/quit.keys"
expect_eq "argument errors: store unchanged" "$(sum "$GOOD")" "$s0"
