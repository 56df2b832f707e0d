# Inputs past a limit are refused at once with one clear message (exit 2 for
# options, 1 for files) before anything is written: filters of thousands of
# terms, numbers that are not finite (unless --allow-nan), names longer than
# MLflow's columns, YAML nested past 64 levels.
. "$(dirname "$0")/../lib.sh"

D="$T/demo.db"
run_tl demo "$D"
[ "$rc" -eq 0 ] || { not_ok "demo store for limits" "$err"; exit 1; }

# ---- filters -----------------------------------------------------------------------

terms() { # N SEP TERM: N copies of TERM joined by SEP
	awk -v n="$1" -v sep="$2" -v t="$3" 'BEGIN { for (i = 0; i < n; i++) printf "%s%s", (i ? sep : ""), t }'
}
f=$(terms 3000 " AND " "feedback.correctness = 'no'")
run_tl list "$D" --filter "$f"
expect_eq "3,000-term filter: usage error, exit 2" "$rc" 2
expect_has "3,000-term filter: says so, naming --filter" "$err" "--filter: col "
expect_has "3,000-term filter: filter too long" "$err" "filter too long: at most 256 conditions"
f=$(terms 3000 " OR " "tags.x = 'a'")
run_tl export "$D" --filter "$f"
expect_eq "3,000-term OR filter in export: exit 2" "$rc:$(echo "$err" | grep -c 'filter too long')" "2:1"
f=$(terms 256 " AND " "span.name = 'a'")
run_tl list "$D" --filter "$f"
expect_eq "256 span conditions still run" "$rc:$err" "0:"
f="feedback.correctness IN ($(terms 5000 , "'no'"))"
run_tl list "$D" --filter "$f"
expect_eq "5,000 values: exit 2" "$rc" 2
expect_has "5,000 values: filter too long" "$err" "filter too long: at most 4096 values"
f="feedback.correctness IN ($(terms 4096 , "'no'"))"
run_tl list "$D" --filter "$f" --limit 1000
expect_eq "4,096 values still run" "$rc:$err" "0:"
expect_eq "4,096 values: the matching traces" "$(printf '%s\n' "$out" | grep -c .)" \
	"$(q "$D" "SELECT count(DISTINCT trace_id) FROM assessments WHERE name = 'correctness'
		AND value = '\"no\"' AND valid = 1")"

# ---- numbers JSON has no word for ----------------------------------------------------

TID=$(q "$D" "SELECT request_id FROM trace_info ORDER BY request_id LIMIT 1")
before=$(q "$D" "SELECT count(*) FROM assessments")
for v in nan NaN inf -Infinity 1e309; do
	run_tl log-feedback "$D" --trace "$TID" --name num --value "$v" --type number --source-id me
	expect_eq "log-feedback --value $v: refused, exit 2" "$rc" 2
	expect_has "log-feedback --value $v: says why, naming --value" "$err" \
		"--value: value '$v' is not a finite number"
done
run_tl log-feedback "$D" --trace "$TID" --name num --value 1e309 --source-id me
expect_eq "log-feedback --value 1e309 without --type: refused" "$rc" 2
expect_eq "nothing written for the refused values" "$(q "$D" "SELECT count(*) FROM assessments")" "$before"
run_tl log-feedback "$D" --trace "$TID" --name num --value nan --type number --allow-nan --source-id me
expect_eq "--allow-nan: written" "$rc" 0
expect_eq "--allow-nan: stored as MLflow's Python client stores it" \
	"$(q "$D" "SELECT value FROM assessments WHERE assessment_id = '$out'")" NaN
AID=$out
run_tl update-feedback "$D" "$AID" --value inf --type number
expect_eq "update-feedback --value inf: refused, exit 2" "$rc" 2
run_tl update-feedback "$D" "$AID" --value -inf --type number --allow-nan
expect_eq "update-feedback --allow-nan: written" \
	"$rc:$(q "$D" "SELECT value FROM assessments WHERE assessment_id = '$AID'")" "0:-Infinity"
for v in -0 -0.0; do
	run_tl log-feedback "$D" --trace "$TID" --name zero --value "$v" --type number --source-id me
	expect_eq "log-feedback --value $v: stored without the sign" \
		"$(q "$D" "SELECT value FROM assessments WHERE assessment_id = '$out'")" \
		"$([ "$v" = -0 ] && echo 0 || echo 0.0)"
done
# Read everywhere: what MLflow's client stores for float('inf').
run_tl feedback "$D" "$TID"
expect_eq "feedback reads a stored -Infinity: exit 0" "$rc" 0
expect_has "feedback reads a stored -Infinity: as protobuf's string" "$out" '"value": "-Infinity"'
run_tl export "$D" --format csv
expect_eq "export csv reads a stored -Infinity" "$(printf '%s\n' "$out" | grep -c -- '-Infinity')" 1

# ---- MLflow's column limits --------------------------------------------------------------

long=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "n" }')
run_tl log-feedback "$D" --trace "$TID" --name "$long" --value 1
expect_eq "a 300-character name: refused, exit 2" "$rc" 2
expect_has "a 300-character name: names the limit" "$err" \
	"the assessment name is longer than MLflow's 250 characters (300)"
run_tl log-feedback "$D" --trace "$TID" --name ok --value 1 --source-id "$long"
expect_has "a 300-character source id: refused" "$rc:$err" "2:"
expect_has "a 300-character source id: names it" "$err" "the source id is longer than MLflow's 250"
run_tl log-feedback "$D" --trace "$TID" --name "$(awk 'BEGIN { for (i = 0; i < 250; i++) printf "\303\251" }')" --value 1
expect_eq "250 characters (500 bytes) fit" "$rc" 0

# ---- YAML nesting ------------------------------------------------------------------------

awk 'BEGIN { printf "labels: "; for (i = 0; i < 400000; i++) printf "["; for (i = 0; i < 400000; i++) printf "]"; print "" }' >"$T/deep.yaml"
run_tl list "$D" --config "$T/deep.yaml"
expect_eq "config nested 400,000 deep: refused, exit 1" "$rc" 1
expect_has "config nested 400,000 deep: file:line:col of the first level too deep" "$err" \
	"$T/deep.yaml:1:72: nested deeper than 64 levels"
awk 'BEGIN { print "labels:"; for (i = 0; i < 100000; i++) printf "- "; print "x" }' >"$T/deep-block.yaml"
run_tl --config "$T/deep-block.yaml" --list-actions
expect_has "block lists nested 100,000 deep: refused with file:line:col" "$rc:$err" \
	"1:tracelab: $T/deep-block.yaml:2:127: nested deeper than 64 levels"
awk 'BEGIN { printf "keys:\n  list: "; for (i = 0; i < 1000; i++) printf "{a: "; printf "1"; for (i = 0; i < 1000; i++) printf "}"; print "" }' >"$T/deep-keys.yaml"
run_tl --keymap "$T/deep-keys.yaml" --list-actions
expect_has "a keymap nested 1,000 deep: refused with file:line:col" "$err" \
	"$T/deep-keys.yaml:2:"
awk 'BEGIN { printf "labels: "; for (i = 0; i < 63; i++) printf "["; for (i = 0; i < 63; i++) printf "]"; print "" }' >"$T/ok.yaml"
run_tl --config "$T/ok.yaml" --list-actions
case $err in *"nested deeper"*) not_ok "63 levels are within the limit" "$err" ;; *) ok "63 levels are within the limit" ;; esac
