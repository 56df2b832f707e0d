# log-feedback / update-feedback / delete-feedback / feedback on a copy of a
# real MLflow 3 store: every column of the rows they write, checked against
# MLflow's encoding (values byte for byte against Python's json.dumps).
. "$(dirname "$0")/../lib.sh"

TR=tr-c3f8ccfcfd1ce910d7277a703eedd5e9   # the trace of the DSPy store
SPAN=4bdc7814b1ece4a4                     # one of its CHAT_MODEL spans
NOW=1767225600123
export TRACELAB_NOW_MS=$NOW

S="$T/store.db"
cp "$FIX/mlflow-3-dspy-react-agent.db" "$S"
chmod u+w "$S"

# The columns of one assessment, NULLs visible, separated by '|'.
row() {
	q "$S" "SELECT trace_id, name, assessment_type, value, quote(error), created_timestamp,
		last_updated_timestamp, source_type, quote(source_id), quote(run_id),
		quote(span_id), quote(rationale), quote(overrides), valid,
		quote(assessment_metadata)
		FROM assessments WHERE assessment_id = '$1'"
}

log() {
	run_tl log-feedback "$S" --trace "$TR" "$@"
	id=$out
}

# ---- one row, field by field --------------------------------------------------

log --name user_satisfaction --value true --rationale "Answer was correct and concise" \
	--metadata channel=web --source-id alice@example.com
expect_eq "log-feedback exits 0" "$rc" 0
case $id in
a-[0-9a-f]*) [ ${#id} -eq 34 ] && ok "assessment id is a- + 32 hex" ||
	not_ok "assessment id is a- + 32 hex" "$id" ;;
*) not_ok "assessment id is a- + 32 hex" "$id" ;;
esac
expect_eq "id is lowercase hex" "$(printf '%s' "${id#a-}" | tr -d '0-9a-f')" ""
expect_eq "row as MLflow writes it" "$(row "$id")" \
	"$TR|user_satisfaction|feedback|true|NULL|$NOW|$NOW|HUMAN|'alice@example.com'|NULL|NULL|'Answer was correct and concise'|NULL|1|'{\"channel\": \"web\"}'"

# defaults: source HUMAN, source id = login name, no metadata column text
log --name plain --value 4
expect_eq "default source id is the login name" \
	"$(q "$S" "SELECT source_type, source_id FROM assessments WHERE assessment_id = '$id'")" \
	"HUMAN|$(id -un)"
expect_eq "no metadata is NULL" \
	"$(q "$S" "SELECT quote(assessment_metadata) FROM assessments WHERE assessment_id = '$id'")" \
	"NULL"

# span, judge, run id from metadata, several metadata pairs in order
log --name relevance --value yes --span "$SPAN" --source-type LLM_JUDGE \
	--source-id openai:/gpt-4o-mini --metadata b=2 --metadata a=1 \
	--metadata mlflow.assessment.sourceRunId=0123456789abcdef0123456789abcdef
expect_eq "judge row on a span" "$(row "$id")" \
	"$TR|relevance|feedback|\"yes\"|NULL|$NOW|$NOW|LLM_JUDGE|'openai:/gpt-4o-mini'|'0123456789abcdef0123456789abcdef'|'$SPAN'|NULL|NULL|1|'{\"b\": \"2\", \"a\": \"1\", \"mlflow.assessment.sourceRunId\": \"0123456789abcdef0123456789abcdef\"}'"

log --name legacy --value 1 --source-type AI_JUDGE
expect_eq "AI_JUDGE is stored as LLM_JUDGE" \
	"$(q "$S" "SELECT source_type FROM assessments WHERE assessment_id = '$id'")" LLM_JUDGE
log --name scorer --value 1 --source-type code
expect_eq "source type is upper-cased" \
	"$(q "$S" "SELECT source_type FROM assessments WHERE assessment_id = '$id'")" CODE

# ---- values byte for byte against json.dumps -------------------------------------

# check_value NAME TEXT TYPE PYTHON-EXPRESSION
check_value() {
	log --name "v_$1" --value "$2" ${3:+--type "$3"}
	if [ "$rc" -ne 0 ]; then
		not_ok "value $1" "exit $rc: $err"
		return
	fi
	got=$(q "$S" "SELECT value FROM assessments WHERE assessment_id = '$id'")
	want=$(python3 -c "import json, sys; v = sys.argv[1]; print(json.dumps($4))" "$2")
	expect_eq "value $1" "$got" "$want"
}

check_value bool_true true "" True
check_value bool_false false bool False
check_value bool_yes yes bool True
check_value int 5 "" 5
check_value int_typed 42 number 42
check_value negative -3 "" -3
check_value negative_float -0.25 number -0.25
check_value float 0.85 "" 0.85
check_value float_whole 5.0 number 5.0
check_value float_exp 1e20 number 1e20
check_value float_small 0.0001 number 0.0001
check_value text_word yes "" v
check_value text_number_as_text 5 text v
check_value text_bool_as_text true text v
check_value unicode "café ☃ 𝄞 日本" "" v
check_value quotes 'she said "hi"' "" v
check_value backslashes 'C:\path\to\file \\ end' "" v
check_value newlines "$(printf 'line one\nline two\n\ttabbed')" "" v
check_value controls "$(printf 'bell\007 esc\033[0m')" text v
check_value empty "" text v
check_value spaces "  padded  " text v

# rationale and metadata keep their text exactly (metadata via json.dumps)
log --name r --value 1 --rationale "$(printf 'Two lines,\nwith "quotes" and é')" \
	--metadata "note=ü \"x\""
expect_eq "rationale stored as given" \
	"$(q "$S" "SELECT rationale FROM assessments WHERE assessment_id = '$id'")" \
	"$(printf 'Two lines,\nwith "quotes" and é')"
expect_eq "metadata as json.dumps" \
	"$(q "$S" "SELECT assessment_metadata FROM assessments WHERE assessment_id = '$id'")" \
	"$(python3 -c 'import json; print(json.dumps({"note": "ü \"x\""}))')"

# ---- override, update, delete --------------------------------------------------

log --name correctness --value no --span "$SPAN" --source-type LLM_JUDGE --source-id judge
judge=$id
export TRACELAB_NOW_MS=$((NOW + 1000))
run_tl log-feedback "$S" --override "$judge" --value yes --rationale "The retry succeeded." \
	--source-id lena
human=$out
expect_eq "override exits 0" "$rc" 0
expect_eq "override row" "$(row "$human")" \
	"$TR|correctness|feedback|\"yes\"|NULL|$((NOW + 1000))|$((NOW + 1000))|HUMAN|'lena'|NULL|'$SPAN'|'The retry succeeded.'|'$judge'|1|NULL"
expect_eq "overridden row is invalid, otherwise unchanged" "$(row "$judge")" \
	"$TR|correctness|feedback|\"no\"|NULL|$NOW|$NOW|LLM_JUDGE|'judge'|NULL|'$SPAN'|NULL|NULL|0|NULL"

run_tl feedback "$S" "$TR"
expect_eq "feedback exits 0" "$rc" 0
printf '%s\n' "$out" >"$T/valid.json"
run_tl feedback "$S" "$TR" --all
printf '%s\n' "$out" >"$T/all.json"
python3 - "$T/valid.json" "$T/all.json" "$judge" "$human" "$SPAN" >"$T/shape" 2>&1 <<'EOF'
import json, sys
valid = json.load(open(sys.argv[1]))
every = json.load(open(sys.argv[2]))
judge, human, span = sys.argv[3], sys.argv[4], sys.argv[5]
ids = [a["assessment_id"] for a in valid]
assert judge not in ids and human in ids, "valid list"
assert judge in [a["assessment_id"] for a in every], "--all list"
h = next(a for a in valid if a["assessment_id"] == human)
keys = ["assessment_id", "assessment_name", "trace_id", "span_id", "source",
        "create_time", "last_update_time", "feedback", "rationale", "overrides", "valid"]
assert list(h) == keys, list(h)
assert h["source"] == {"source_type": "HUMAN", "source_id": "lena"}, h["source"]
assert h["feedback"] == {"value": "yes"}, h["feedback"]
assert h["create_time"] == "2026-01-01T00:00:01.123Z", h["create_time"]
assert h["span_id"] == span and h["overrides"] == judge and h["valid"] is True
j = next(a for a in every if a["assessment_id"] == judge)
assert j["valid"] is False and "rationale" not in j and "overrides" not in j
m = next(a for a in valid if a["assessment_name"] == "user_satisfaction")
assert m["feedback"] == {"value": True} and m["metadata"] == {"channel": "web"}
print("shape ok")
EOF
expect_eq "feedback JSON in Assessment.to_dictionary() shape" "$(cat "$T/shape")" "shape ok"

export TRACELAB_NOW_MS=$((NOW + 2000))
run_tl update-feedback "$S" "$human" --value 0.5 --type number --rationale "" \
	--metadata reviewed=true --metadata round=2
expect_eq "update exits 0" "$rc:$out" "0:$human"
run_tl update-feedback "$S" "$human" --metadata round=3 --metadata extra=x
expect_eq "update row: value, rationale cleared, metadata merged, created kept" "$(row "$human")" \
	"$TR|correctness|feedback|0.5|NULL|$((NOW + 1000))|$((NOW + 2000))|HUMAN|'lena'|NULL|'$SPAN'|NULL|'$judge'|1|'{\"reviewed\": \"true\", \"round\": \"3\", \"extra\": \"x\"}'"

run_tl delete-feedback "$S" "$human"
expect_eq "delete exits 0" "$rc" 0
expect_has "delete names the restored row" "$out" "restored $judge"
expect_eq "deleted row is gone" "$(q "$S" "SELECT count(*) FROM assessments WHERE assessment_id = '$human'")" 0
expect_eq "overridden row valid again" "$(q "$S" "SELECT valid FROM assessments WHERE assessment_id = '$judge'")" 1

run_tl delete-feedback "$S" "$judge"
expect_eq "delete a plain row" "$rc:$(q "$S" "SELECT count(*) FROM assessments WHERE assessment_id = '$judge'")" "0:0"

# The store's schema and alembic version are untouched by all of this.
expect_eq "schema unchanged" "$(sqlite3 "$S" .schema | md5sum)" \
	"$(sqlite3 "$FIX/mlflow-3-dspy-react-agent.db" .schema | md5sum)"
expect_eq "alembic version unchanged" "$(q "$S" 'SELECT version_num FROM alembic_version')" \
	"$(q "$FIX/mlflow-3-dspy-react-agent.db" 'SELECT version_num FROM alembic_version')"

# ---- the configuration: default store, source id, experiment -------------------

mkdir -p "$XDG_CONFIG_HOME/tracelab"
printf 'source_id: reviewer-7\nstore: %s\n' "$S" >"$XDG_CONFIG_HOME/tracelab/config.yaml"
cd "$T" || exit 1
run_tl log-feedback --trace "$TR" --name from_config --value ok
expect_eq "configured store and source id" "$rc:$(q "$S" "SELECT source_id FROM assessments WHERE assessment_id = '$out'")" \
	"0:reviewer-7"
printf 'source_id: other\n' >"$T/other.yaml"
run_tl --config "$T/other.yaml" log-feedback "$S" --trace "$TR" --name c1 --value 1
expect_eq "--config before the command" "$(q "$S" "SELECT source_id FROM assessments WHERE assessment_id = '$out'")" other
run_tl log-feedback "$S" --trace "$TR" --name c2 --value 1 --config "$T/other.yaml"
expect_eq "--config after the command" "$(q "$S" "SELECT source_id FROM assessments WHERE assessment_id = '$out'")" other
run_tl log-feedback "$S" --trace "$TR" --name c3 --value 1 --config "$T/other.yaml" --source-id explicit
expect_eq "--source-id wins" "$(q "$S" "SELECT source_id FROM assessments WHERE assessment_id = '$out'")" explicit
printf 'experiment: 0\n' >"$T/exp0.yaml"
run_tl list "$S" --config "$T/exp0.yaml"
expect_eq "configured experiment" "$rc:$out" "0:"
run_tl list "$S"
expect_has "every experiment without one" "$out" "$TR"
run_tl --config "$T/missing.yaml" list "$S"
expect_eq "missing --config file: exit 1" "$rc" 1
expect_has "missing --config file: names it" "$err" "$T/missing.yaml"
printf 'source_id: [unclosed\n' >"$T/broken.yaml"
run_tl --config "$T/broken.yaml" list "$S"
expect_eq "broken config: exit 1" "$rc" 1
expect_has "broken config: file:line:col" "$err" "$T/broken.yaml:"
