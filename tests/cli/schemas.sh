# tracelab schemas on stores made from MLflow 3.14's schema: every column of
# the rows create, edit and delete write, compared with what MLflow's store
# methods write (docs/mlflow-review.md "Label schemas": SqlLabelSchema and
# _input_to_dict in mlflow/store/tracking/dbmodels/models.py, the rules of
# mlflow/genai/label_schemas/validation.py); the default question left
# alone; log-feedback against a schema; older stores and servers untouched.
. "$(dirname "$0")/../lib.sh"

NOW=1767225600123
S=$(store_314 s.db)
printf 'source_id: lead@example.com\n' >"$T/lead.yaml"
export TRACELAB_CONFIG="$T/lead.yaml"

run_tl schemas "$S"
expect_eq "no schemas yet: exit 0" "$rc" 0
expect_has "no schemas yet: says so" "$err" "no label schemas"

# ---- create: one schema of each input type ---------------------------------
mk() {
	TRACELAB_NOW_MS=$NOW run_tl schemas create "$S" "$@"
	[ "$rc" = 0 ] || not_ok "create $1" "exit $rc: $err"
	id=$out
}
mk "Is the answer correct?" --input pass_fail --positive Correct --negative Incorrect \
	--comment --instruction "Mark Correct if accurate."
PF=$id
mk "Severity" --input categorical -o low -o medium -o high
CAT=$id
mk "Which tags apply?" --input categorical -o bug -o feature -o ux --multi
MULTI=$id
mk "Rating" --input numeric --min 1 --max 5
NUM=$id
mk "Score" --input numeric
NUM2=$id
mk "Expected answer" --input text --type expectation --max-length 500
TXT=$id
mk "Notes" --input text --comment
TXT2=$id

# The id: "ls-" + uuid4().hex (LABEL_SCHEMA_ID_PREFIX; VARCHAR(36)).
bad=
for i in $PF $CAT $MULTI $NUM $NUM2 $TXT $TXT2; do
	printf '%s\n' "$i" | grep -Eq '^ls-[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$' || bad="$bad $i"
done
expect_eq "schema ids are ls- + a uuid4's 32 hex digits" "$bad" ""
expect_eq "seven rows" "$(q "$S" "SELECT count(*) FROM label_schemas")" 7

# Column by column, each row as SqlLabelSchema.from_mlflow_entity writes the
# entity create_label_schema builds: experiment_id the int, type the enum's
# value, instruction NULL when none, enable_comment 0/1, input_type the
# discriminator, input_config json.dumps of _input_to_dict's dict (keys in
# its order, ", " and ": ", floats as repr), created_by the caller, both
# times the same milliseconds, is_default 0.
row() {
	q "$S" "SELECT experiment_id, name, type, quote(instruction), enable_comment, input_type,
		input_config, quote(created_by), created_time, last_update_time, is_default,
		typeof(experiment_id), typeof(enable_comment), typeof(created_time), typeof(is_default)
		FROM label_schemas WHERE schema_id = '$1'"
}
I='integer|integer|integer|integer'
expect_eq "pass_fail row" "$(row "$PF")" \
	"0|Is the answer correct?|feedback|'Mark Correct if accurate.'|1|pass_fail|{\"positive_label\": \"Correct\", \"negative_label\": \"Incorrect\"}|'lead@example.com'|$NOW|$NOW|0|$I"
expect_eq "categorical row" "$(row "$CAT")" \
	"0|Severity|feedback|NULL|0|categorical|{\"options\": [\"low\", \"medium\", \"high\"], \"multi_select\": false}|'lead@example.com'|$NOW|$NOW|0|$I"
expect_eq "multi-select row" "$(row "$MULTI")" \
	"0|Which tags apply?|feedback|NULL|0|categorical|{\"options\": [\"bug\", \"feature\", \"ux\"], \"multi_select\": true}|'lead@example.com'|$NOW|$NOW|0|$I"
expect_eq "numeric row: bounds as floats" "$(row "$NUM")" \
	"0|Rating|feedback|NULL|0|numeric|{\"min_value\": 1.0, \"max_value\": 5.0}|'lead@example.com'|$NOW|$NOW|0|$I"
expect_eq "numeric row without bounds: nulls" "$(row "$NUM2")" \
	"0|Score|feedback|NULL|0|numeric|{\"min_value\": null, \"max_value\": null}|'lead@example.com'|$NOW|$NOW|0|$I"
expect_eq "expectation text row" "$(row "$TXT")" \
	"0|Expected answer|expectation|NULL|0|text|{\"max_length\": 500}|'lead@example.com'|$NOW|$NOW|0|$I"
expect_eq "text row without a limit" "$(row "$TXT2")" \
	"0|Notes|feedback|NULL|1|text|{\"max_length\": null}|'lead@example.com'|$NOW|$NOW|0|$I"
expect_eq "non-ASCII as json.dumps escapes it" \
	"$(TRACELAB_NOW_MS=$NOW "$TL" schemas create "$S" "Ton" --input categorical -o "café" -o "naïve" >/dev/null 2>&1;
	   q "$S" "SELECT input_config FROM label_schemas WHERE name = 'Ton'")" \
	'{"options": ["caf\u00e9", "na\u00efve"], "multi_select": false}'
q "$S" "DELETE FROM label_schemas WHERE name = 'Ton'"

# MLflow's validation, with its words.
refused() {
	_name=$1
	shift
	_before=$(q "$S" "SELECT count(*) || max(last_update_time) FROM label_schemas")
	run_tl schemas "$@"
	if [ "$rc" = "${want_rc:-2}" ] && [ "$(q "$S" "SELECT count(*) || max(last_update_time) FROM label_schemas")" = "$_before" ]; then
		expect_has "refused: $_name" "$err" "$want"
	else
		not_ok "refused: $_name" "exit $rc, $err"
	fi
}
want="already exists"; refused "a name the experiment has" create "$S" Severity --input text
want="strictly less than"; refused "min not below max" create "$S" R2 --input numeric --min 5 --max 5
want="must be distinct"; refused "pass/fail labels the same" create "$S" P2 --input pass_fail --positive A --negative A
want="non-empty list"; refused "categorical without options" create "$S" C2 --input categorical
want="deduplicated"; refused "duplicate options" create "$S" C2 --input categorical -o a -o a
want="at most 10"; refused "eleven options" create "$S" C2 --input categorical -o 1 -o 2 -o 3 -o 4 -o 5 -o 6 -o 7 -o 8 -o 9 -o 10 -o 11
want="at least 1"; refused "max_length 0" create "$S" T2 --input text --max-length 0
want="at most 250 characters"; refused "a 251-character name" create "$S" "$(printf '%0251d' 0)" --input text
want="must be one of ['feedback', 'expectation']"; refused "an unknown type" create "$S" T3 --input text --type verdict

# ---- list ---------------------------------------------------------------------
run_tl schemas "$S"
expect_has "list: the pass/fail schema with its labels and comment" "$out" \
	"feedback, pass_fail: Correct / Incorrect; comment offered"
expect_has "list: its instruction" "$out" "Mark Correct if accurate."
expect_has "list: the multi-select" "$out" "categorical: bug, feature, ux (several); no comment"
expect_has "list: the expectation" "$out" "expectation, text: max 500; no comment"
run_tl schemas "$S" --json
expect_eq "--json is --format json" "$out" "$("$TL" schemas "$S" --format json)"
expect_eq "json: a list of seven, valid JSON" \
	"$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 7
expect_has "json: MLflow's entity fields" "$out" \
	"\"schema_id\": \"$NUM\", \"experiment_id\": \"0\", \"name\": \"Rating\", \"type\": \"feedback\", \"instruction\": null, \"enable_comment\": false, \"input_type\": \"numeric\", \"input\": {\"min_value\": 1.0, \"max_value\": 5.0}, \"created_by\": \"lead@example.com\", \"created_at\": $NOW, \"updated_at\": $NOW, \"is_default\": false}"

# ---- edit ---------------------------------------------------------------------
LATER=$((NOW + 5000))
TRACELAB_NOW_MS=$LATER run_tl schemas edit "$S" Severity --name "How severe?" -o low -o high \
	--instruction "Pick one." --comment
expect_eq "edit: exit 0" "$rc" 0
expect_eq "edit: name, instruction, comment, options and last_update_time change; id, type, input type, creator and creation time stay" \
	"$(row "$CAT")" \
	"0|How severe?|feedback|'Pick one.'|1|categorical|{\"options\": [\"low\", \"high\"], \"multi_select\": false}|'lead@example.com'|$NOW|$LATER|0|$I"
TRACELAB_NOW_MS=$LATER run_tl schemas edit "$S" "$NUM" --max "" --no-comment
expect_eq "edit by id: a bound removed" "$(q "$S" "SELECT input_config, last_update_time FROM label_schemas WHERE schema_id = '$NUM'")" \
	"{\"min_value\": 1.0, \"max_value\": null}|$LATER"
want="--input is given at create only"; refused "another input type" edit "$S" Rating --input text
want="--multi is given at create only"; refused "multi-select changed" edit "$S" "Which tags apply?" --multi
want="already exists"; refused "a rename onto another name" edit "$S" Rating --name Notes
want="no label schema 'Nothing'" want_rc=1; refused "a name that is no schema" edit "$S" Nothing --instruction x
want_rc=2
want="--min and --max are for numeric"; refused "a numeric option on text" edit "$S" Notes --min 1

# The default question (is_default, seeded by the server) is neither edited nor deleted.
q "$S" "INSERT INTO label_schemas VALUES ('ls-00000000000040008000000000000001', 0, 'Overall',
	'feedback', NULL, 0, 'pass_fail', '{\"positive_label\": \"Pass\", \"negative_label\": \"Fail\"}',
	NULL, 1767225500000, 1767225500000, 1)"
want="default question"; refused "editing the default question" edit "$S" Overall --instruction x
want="default question"; refused "deleting the default question" delete "$S" Overall

# ---- delete -------------------------------------------------------------------
run_tl schemas delete "$S" Score
expect_eq "delete by name: exit 0" "$rc" 0
expect_eq "delete: the row is gone" "$(q "$S" "SELECT count(*) FROM label_schemas WHERE schema_id = '$NUM2'")" 0
run_tl schemas delete "$S" "$NUM2"
expect_eq "delete of an id that is gone: no error (MLflow's delete is idempotent)" "$rc" 0
want="no label schema 'Score' in experiment 0" want_rc=1; refused "delete of a name that is gone" delete "$S" Score
want_rc=2

# ---- feedback commands against the schemas ----------------------------------
TR=$(q "$S" "SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT 1")
run_tl log-feedback "$S" --trace "$TR" --name Rating --value 4 --rationale "why not"
expect_eq "a rationale where the schema offers no comment: exit 2" "$rc" 2
expect_has "... says why" "$err" "'Rating' is a label schema of experiment 0 that offers no comment (enable_comment is off): --rationale is refused"
run_tl log-feedback "$S" --trace "$TR" --name "Is the answer correct?" --value true --rationale "It is."
expect_eq "a rationale where the schema offers a comment: written" \
	"$(q "$S" "SELECT assessment_type, value, rationale FROM assessments WHERE trace_id = '$TR' AND name = 'Is the answer correct?'")" \
	"feedback|true|It is."
RID=$(q "$S" "SELECT assessment_id FROM assessments WHERE trace_id = '$TR' AND name = 'Is the answer correct?'")
run_tl log-feedback "$S" --trace "$TR" --name Rating --value 4
RAT=$out
run_tl update-feedback "$S" "$RAT" --rationale "because"
expect_eq "update-feedback: a rationale where the schema offers no comment: exit 2" "$rc" 2
expect_has "... says why" "$err" "offers no comment (enable_comment is off): --rationale is refused"
expect_eq "... and nothing changed" "$(q "$S" "SELECT quote(rationale) FROM assessments WHERE assessment_id = '$RAT'")" NULL
run_tl update-feedback "$S" "$RID" --rationale "Still is."
expect_eq "update-feedback: a rationale where the schema offers a comment" \
	"$(q "$S" "SELECT rationale FROM assessments WHERE assessment_id = '$RID'")" "Still is."
run_tl log-feedback "$S" --trace "$TR" --name "Expected answer" --value "Rotate both keys."
expect_eq "an expectation schema's answer is an expectation (HUMAN, no rationale)" \
	"$(q "$S" "SELECT assessment_type, value, source_type, source_id, quote(rationale), valid FROM assessments WHERE trace_id = '$TR' AND name = 'Expected answer'")" \
	"expectation|\"Rotate both keys.\"|HUMAN|lead@example.com|NULL|1"
run_tl log-feedback "$S" --trace "$TR" --name "Expected answer" --value "x" --rationale "r"
expect_has "a rationale on an expectation is refused" "$err" "MLflow keeps no rationale on an expectation"

# ---- the configured labels beside the schemas ----------------------------------
cat >"$T/overlap.yaml" <<'CFG'
source_id: me@example.com
refresh_seconds: 0
labels:
  - name: Rating
    type: numeric
    min: 1
    max: 5
    keys: ["1", "2", "3", "4", "5"]
  - name: mine
    type: boolean
    keys: {"y": true, "o": false}
CFG
printf 'L\n:snapshot %s/form.txt\n' "$T" >"$T/keys"
COLUMNS=120 LINES=60 run_tl "$S" --config "$T/overlap.yaml" --keys "$T/keys"
expect_has "a shared name: one warning naming the configuration file" "$err" \
	"$T/overlap.yaml: label 'Rating' has the name of a label schema in the store (experiment 0): the store's definition is used, with the keys given here that fit it"
expect_eq "... and only one" "$(printf '%s\n' "$err" | grep -c 'label schema in the store')" 1
form=$(cat "$T/form.txt")
expect_has "the form: the store's questions and the configuration's own" "$form" "Questions (8):"
expect_has "the shared question keeps the configured keys" "$form" "Rating  required  no comment   1 2 3 4 5"
expect_has "the configuration's own question is added" "$form" "mine  required   y true o false"
expect_has "pass/fail keys show the schema's labels" "$form" "+ Correct - Incorrect"

# The keys handed to schema questions are not the keymap's: with the less
# keymap (y, o and b are bound there) no question is dropped.
printf 'source_id: me@example.com\nrefresh_seconds: 0\n' >"$T/plain.yaml"
printf 'L\n:snapshot %s/less.txt\n' "$T" >"$T/keys4"
COLUMNS=120 LINES=60 run_tl "$S" --config "$T/plain.yaml" --keymap less --keys "$T/keys4"
expect_eq "the less keymap: no schema question is dropped" "$(printf '%s' "$err" | grep -c 'label skipped')" 0
expect_has "... the form asks all seven" "$(cat "$T/less.txt")" "Questions (7):"
case $(grep -E '  (y|o|b) ' "$T/less.txt" | grep -c 'required') in
0) ok "... none of them on y, o or b" ;;
*) not_ok "... none of them on y, o or b" "$(grep required "$T/less.txt")" ;;
esac

# Another experiment without schemas: its questions are the configuration's
# again, and back in the first the schemas return.
"$TL" import "$S" "$TOP/examples/demo-otlp.json" --experiment other >/dev/null 2>&1
printf 'L\n:snapshot %s/f0.txt\nEsc\n:experiment other\nL\n:snapshot %s/f1.txt\nEsc\n:experiment 0\nL\n:snapshot %s/f2.txt\n' \
	"$T" "$T" "$T" >"$T/keys3"
COLUMNS=120 LINES=60 run_tl "$S" --config "$T/overlap.yaml" --keys "$T/keys3"
expect_eq "switching experiments: exit 0" "$rc" 0
expect_has "the schemas' experiment: its questions" "$(cat "$T/f0.txt")" "Questions (8):"
expect_has "an experiment without schemas: the configured labels" "$(cat "$T/f1.txt")" "Questions (2):"
expect_has "... as configured" "$(cat "$T/f1.txt")" "Rating  required   1 2 3 4 5"
expect_has "back: the schemas again" "$(cat "$T/f2.txt")" "Questions (8):"

# ---- older stores and servers ---------------------------------------------------
OLD=$(fresh_store old.db)
before=$(sqlite3 "$OLD" .schema | md5sum)
run_tl schemas "$OLD"
expect_eq "an older store: listing exits 0" "$rc" 0
expect_has "... and says it has no label_schemas table" "$err" "no label_schemas table"
run_tl schemas create "$OLD" X --input text -e 0
expect_eq "an older store: create refused" "$rc" 1
expect_has "... saying nothing was changed" "$err" "nothing was changed"
printf 'j\nL\n+\n' >"$T/keys2"
run_tl "$OLD" --keys "$T/keys2"
expect_eq "an older store: the browser labels as before" "$rc" 0
expect_eq "an older store: its schema is unchanged" "$(sqlite3 "$OLD" .schema | md5sum)" "$before"
expect_eq "an older store: no label_schemas table appeared" \
	"$(q "$OLD" "SELECT count(*) FROM sqlite_master WHERE name = 'label_schemas'")" 0
expect_eq "an older store: integrity_check ok" "$(q "$OLD" "PRAGMA integrity_check")" ok
run_tl schemas http://127.0.0.1:9
expect_has "a tracking server: label schemas are not available" "$err" \
	"label schemas are not available on this server"
