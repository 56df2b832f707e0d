# Exit codes (0 success, 1 runtime error, 2 usage error) and the one-line
# messages of every command: each names the problem (option, trace id, path).
. "$(dirname "$0")/../lib.sh"

DSPY_TRACE=tr-c3f8ccfcfd1ce910d7277a703eedd5e9
DSPY_SPAN=4bdc7814b1ece4a4

dspy_store() {
	cp "$FIX/mlflow-3-dspy-react-agent.db" "$T/$1"
	chmod u+w "$T/$1"
	echo "$T/$1"
}

# expect_fail NAME RC NEEDLE ARGS...: exit status RC and exactly one stderr
# line "tracelab: ..." containing NEEDLE.
expect_fail() {
	name=$1 want_rc=$2 needle=$3
	shift 3
	run_tl "$@"
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" -ne "$want_rc" ]; then
		not_ok "$name" "exit $rc, want $want_rc (stderr: $err)"
	elif [ "$lines" -ne 1 ]; then
		not_ok "$name" "stderr has $lines lines: $err"
	else
		case $err in
		"tracelab: "*"$needle"*) ok "$name" ;;
		*) not_ok "$name" "[$err] lacks [$needle]" ;;
		esac
	fi
}

S=$(dspy_store dspy.db)
cd "$T" || exit 1

# ---- version, help ----------------------------------------------------------

run_tl --version
expect_eq "--version" "$rc:$out" "0:tracelab $(sed -n 's/^VERSION := //p' "$TOP/Makefile")"
run_tl --help
expect_eq "--help exits 0" "$rc" 0
expect_has "--help lists commands" "$out" "log-feedback"
for c in import log-feedback update-feedback delete-feedback feedback export list demo help; do
	run_tl "$c" --help
	if [ "$rc" -eq 0 ] && [ -z "$err" ]; then
		case $out in
		"usage: tracelab $c"*) ok "$c --help" ;;
		*) not_ok "$c --help" "output: $out" ;;
		esac
	else
		not_ok "$c --help" "exit $rc, stderr $err"
	fi
	run_tl "$c" -h
	expect_eq "$c -h" "$rc" 0
done
run_tl help log-feedback
expect_has "help COMMAND" "$out" "usage: tracelab log-feedback"
run_tl log-feedback --no-such-option --help
expect_eq "--help wins over a bad option" "$rc" 0
run_tl --list-actions
expect_eq "--list-actions exits 0" "$rc" 0
expect_has "--list-actions names actions" "$out" "move-down"

# ---- usage errors (2) ----------------------------------------------------------

expect_fail "unknown command" 2 "unknown command 'frobnicate'" frobnicate
expect_fail "unknown option" 2 "log-feedback: unknown option --frob" log-feedback "$S" --frob
expect_fail "unknown short option" 2 "unknown option -Z" list "$S" -Z
expect_fail "option needs a value" 2 "--trace needs a value" log-feedback "$S" --trace
expect_fail "missing --value" 2 "missing --value" log-feedback "$S" --trace "$DSPY_TRACE" --name x
expect_fail "missing --name" 2 "missing --name" log-feedback "$S" --trace "$DSPY_TRACE" --value 1
expect_fail "missing --trace" 2 "missing --trace" log-feedback "$S" --name x --value 1
expect_fail "flag with a value" 2 "--all takes no value" feedback "$S" "$DSPY_TRACE" --all=yes
expect_fail "value not a number" 2 "--value" \
	log-feedback "$S" --trace "$DSPY_TRACE" --name x --value abc --type number
expect_fail "value not a bool" 2 "--value" \
	log-feedback "$S" --trace "$DSPY_TRACE" --name x --value maybe --type bool
expect_fail "unknown --type" 2 "--type must be bool, number or text, not 'date'" \
	log-feedback "$S" --trace "$DSPY_TRACE" --name x --value 1 --type date
expect_fail "unknown --source-type" 2 "--source-type must be HUMAN, LLM_JUDGE or CODE, not 'ROBOT'" \
	log-feedback "$S" --trace "$DSPY_TRACE" --name x --value 1 --source-type ROBOT
expect_fail "bad --metadata" 2 "--metadata" \
	log-feedback "$S" --trace "$DSPY_TRACE" --name x --value 1 --metadata novalue
expect_fail "--name with --override" 2 "--name cannot be used with --override" \
	log-feedback "$S" --override a-1 --name x --value 1
expect_fail "feedback without trace id" 2 "missing TRACE_ID" feedback
expect_fail "too many arguments" 2 "unexpected argument 'extra'" feedback "$S" "$DSPY_TRACE" extra
expect_fail "update with nothing to do" 2 "nothing to update" update-feedback "$S" a-1
expect_fail "update --type without --value" 2 "--type needs --value" update-feedback "$S" a-1 --type bool
expect_fail "bad --format" 2 "--format must be jsonl or csv, not 'xml'" export "$S" --format xml
expect_fail "bad list --format" 2 "--format must be text or json, not 'yaml'" list "$S" --format yaml
expect_fail "bad --limit" 2 "--limit must be a number of traces, not 'ten'" list "$S" --limit ten
expect_fail "bad --filter" 2 "--filter: col 1" list "$S" --filter "bogus = 1"
expect_fail "demo without path" 2 "missing PATH" demo
expect_fail "import without file" 2 "missing FILE" import
expect_fail "no store anywhere" 2 "tracelab demo" list

# ---- runtime errors (1) ----------------------------------------------------------

expect_fail "missing store" 1 "list: $T/nope.db: no such file" list "$T/nope.db"
printf 'not a database at all, just some text that is long enough\n' >"$T/text.db"
expect_fail "not an SQLite file" 1 "not an SQLite database" list "$T/text.db"
old=$(dspy_store mlflow2.db)
sqlite3 "$old" "DROP TABLE assessments"
expect_fail "MLflow 2 store" 1 "MLflow older than 3" list "$old"
expect_fail "MLflow 2 store, feedback" 1 "MLflow older than 3" \
	log-feedback "$old" --trace "$DSPY_TRACE" --name x --value 1
expect_fail "unknown trace id" 1 "no trace tr-0000 in this store" \
	log-feedback "$S" --trace tr-0000 --name x --value 1
expect_fail "unknown span id" 1 "no span ffffffffffffffff in trace $DSPY_TRACE" \
	log-feedback "$S" --trace "$DSPY_TRACE" --span ffffffffffffffff --name x --value 1
expect_fail "feedback of unknown trace" 1 "no trace tr-0000" feedback "$S" tr-0000
expect_fail "override of unknown assessment" 1 "a-0000" \
	log-feedback "$S" --override a-0000 --value 1
expect_fail "delete of unknown assessment" 1 "no assessment a-0000" delete-feedback "$S" a-0000
expect_fail "update of unknown assessment" 1 "a-0000" update-feedback "$S" a-0000 --value 1
expect_fail "unknown experiment" 1 "no experiment 'nope'" list "$S" --experiment nope
expect_fail "import of a missing file" 1 "cannot open $T/missing.json" import "$S" "$T/missing.json"
expect_fail "demo over an existing file" 2 "$S: file exists" demo "$S"
expect_eq "nothing written by failures" "$(q "$S" 'SELECT count(*) FROM assessments')" 0

# A span that exists is accepted (the real store keeps spans in its table).
run_tl log-feedback "$S" --trace "$DSPY_TRACE" --span "$DSPY_SPAN" --name x --value 1
expect_eq "known span accepted" "$rc" 0

# ---- read-only store ----------------------------------------------------------------

ro=$(dspy_store readonly.db)
chmod 444 "$ro"
# root writes through file modes: run as nobody when we are root.
as_user=""
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1; then
		chmod 755 "$T"
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
	$as_user "$TL" log-feedback "$ro" --trace "$DSPY_TRACE" --name x --value 1 \
		--source-id me >"$T/.out" 2>"$T/.err"
	rc=$?
	err=$(cat "$T/.err")
	expect_eq "read-only store: exit 1" "$rc" 1
	expect_has "read-only store: message" "$err" "read-only"
	$as_user "$TL" list "$ro" >"$T/.out" 2>"$T/.err"
	expect_eq "read-only store still lists" "$?" 0
	expect_has "read-only store rows" "$(cat "$T/.out")" "$DSPY_TRACE"
else
	ok "read-only store: exit 1 # SKIP root without setpriv"
	ok "read-only store: message # SKIP"
	ok "read-only store still lists # SKIP"
	ok "read-only store rows # SKIP"
fi
