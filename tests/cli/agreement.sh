# tracelab agreement: every figure against an independent computation in
# Python (tests/cli/agreement_ref.py, reading the store itself) on the demo
# store and on random stores of 2 to 10 annotators with judges; the text,
# JSON and CSV forms; options and errors; untrusted text.
. "$(dirname "$0")/../lib.sh"

REF="$TOP/tests/cli/agreement_ref.py"

D="$T/demo.db"
run_tl demo "$D"
[ "$rc" -eq 0 ] || { not_ok "demo store for agreement" "$err"; exit 1; }

# ---- the demo store ------------------------------------------------------------------

run_tl agreement "$D" --format json
expect_eq "demo: json exit 0" "$rc:$err" "0:"
printf '%s\n' "$out" >"$T/demo.json"
expect_eq "demo: every figure as the independent computation" \
	"$(python3 "$REF" check "$D" "$T/demo.json" 2>&1)" "ok"

run_tl agreement "$D" --name relevance_to_query
expect_eq "demo text: exit 0" "$rc:$err" "0:"
expect_has "demo text: header with the seed" "$out" \
	"Agreement over 28 traces; bootstrap: 1000 resamples of the items, seed 1."
expect_has "demo text: items" "$out" \
	"items answered 10, with two or more answers 9, every answer the same on 6 (66.7%)"
expect_has "demo text: sources, humans first" "$out" \
	"sources: HUMAN lena.s@fernhill.dev (8), HUMAN marco.b@fernhill.dev (8), LLM_JUDGE openai:/gpt-4o-mini (10)"
# alpha = 1 - (n - 1) D_o / D_e by hand: 20 pairable values (9 items, 3+3+...),
# the same 3 decimals the JSON gives.
alpha=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]));
print('%.3f' % [n for n in d['names'] if n['name']=='relevance_to_query'][0]['alpha'])" "$T/demo.json")
expect_has "demo text: alpha as in the JSON" "$out" "Krippendorff's alpha $alpha, 95% interval"
expect_has "demo text: judge against the consensus" "$out" \
	"agreement  85.7%  n 7     LLM_JUDGE openai:/gpt-4o-mini vs the human consensus"
expect_has "demo text: the two humans" "$out" \
	"HUMAN lena.s@fernhill.dev vs HUMAN marco.b@fernhill.dev"
expect_has "demo text: ties said" "$out" "2 items where the humans tie are not compared"
expect_has "demo text: confusion matrix" "$out" "$(printf '            no    yes\n    no       1      0\n    yes      1      5')"
case $out in
*"Left out"*) not_ok "demo text: --name leaves the other names out of the output" "$out" ;;
*) ok "demo text: --name leaves the other names out of the output" ;;
esac

run_tl agreement "$D" --name relevance_to_query
again=$out
run_tl agreement "$D" --name relevance_to_query
expect_eq "deterministic: the same output twice" "$out" "$again"
run_tl agreement "$D" --name relevance_to_query --seed 2
expect_has "--seed: printed" "$out" "seed 2."
case $out in
*"$(printf '%s\n' "$again" | grep "95% interval")"*) not_ok "--seed: another interval" "$out" ;;
*) ok "--seed: another interval" ;;
esac

# ---- random stores: 2 to 10 annotators, a judge and a code scorer --------------------------

# (450 traces: more than two pages of the walk)
for spec in "2 11 450" "3 3 150" "5 35 80" "10 70 50"; do
	set -- $spec
	S=$(fresh_store "r$1.db")
	python3 "$REF" gen "$T/r$1.jsonl" "$2" "$3" "$1"
	run_tl import "$S" "$T/r$1.jsonl"
	expect_eq "random store, $1 annotators: import" "$rc" 0
	run_tl agreement "$S" --format json
	printf '%s\n' "$out" >"$T/r$1.json"
	expect_eq "random store, $1 annotators: every figure as the independent computation" \
		"$(python3 "$REF" check "$S" "$T/r$1.json" 2>&1)" "ok"
done

S="$T/r3.db"
run_tl agreement "$S" --format json --filter "status = 'OK'"
printf '%s\n' "$out" >"$T/ok.json"
expect_eq "--filter: the figures of the traces it keeps" \
	"$(python3 "$REF" check "$S" "$T/ok.json" OK 2>&1)" "ok"
run_tl agreement "$S"
expect_has "text: configured and detected text left out" "$out" \
	"Left out: comment (text answers), notes (text answers)."
expect_has "text: span questions counted apart" "$out" "tone  (nominal)"
expect_has "text: numbers are interval" "$out" "score  (interval)"

# ---- the configured scale: ordinal categories and numbers -----------------------------------

cat >"$T/ordinal.yaml" <<'EOF'
labels:
  - name: tone
    type: categorical
    options: [rude, casual, formal]
    scale: ordinal
    keys: {r: rude, c: casual, o: formal}
  - name: score
    type: numeric
    min: 1
    max: 5
    scale: ordinal
    keys: ["1", "2", "3", "4", "5"]
  - name: verdict
    type: boolean
    scale: interval
    keys: {y: true}
EOF
run_tl agreement "$S" --config "$T/ordinal.yaml" --format json
printf '%s\n' "$out" >"$T/ord.json"
expect_eq "scale: a boolean cannot be interval (warned, ignored)" "$err" \
	"tracelab: warning: $T/ordinal.yaml:15:12: label 'verdict': scale 'interval' does not fit a boolean label (ignored)"
expect_eq "scale ordinal: every figure as the independent computation" \
	"$(AGREE_HINTS='{"tone": {"kind": "category", "scale": "ordinal", "options": ["rude", "casual", "formal"]},
	  "score": {"kind": "number", "scale": "ordinal"}, "verdict": {"kind": "bool"}}' \
	  python3 "$REF" check "$S" "$T/ord.json" 2>&1)" "ok"
expect_eq "scale ordinal: the metric and the order of the options" \
	"$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))
print(' '.join('%s:%s:%s' % (n['name'], n['metric'], ','.join(n['classes'])) for n in d['names']
      if n['name'] in ('tone', 'score')))" "$T/ord.json")" \
	"score:ordinal:1,2,3,4,5 tone:ordinal:rude,casual,formal"

# ---- CSV -------------------------------------------------------------------------------------

run_tl agreement "$S" --format csv --name verdict
expect_eq "csv: exit 0" "$rc:$err" "0:"
printf '%s\n' "$out" >"$T/v.csv"
python3 - "$T/v.csv" "$T/r3.json" >"$T/csv.out" 2>&1 <<'EOF'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["name", "metric", "figure", "rater", "against", "row", "column", "value",
                   "low", "high", "n"], rows[0]
j = [n for n in json.load(open(sys.argv[2]))["names"] if n["name"] == "verdict"][0]
fig = {(r[2], r[3], r[4], r[5], r[6]): r for r in rows[1:]}
assert all(r[0] == "verdict" and r[1] == "nominal" for r in rows[1:])
assert int(fig[("items", "", "", "", "")][7]) == j["items"]
a = fig[("alpha", "", "", "", "")]
assert abs(float(a[7]) - j["alpha"]) < 1e-12
assert abs(float(a[8]) - j["interval"]["low"]) < 1e-12
assert abs(float(a[9]) - j["interval"]["high"]) < 1e-12
k = [x for x in j["kappa"] if x["against"] == "human consensus"
     and x["rater"]["source_type"] == "LLM_JUDGE"][0]
assert abs(float(fig[("kappa", "LLM_JUDGE judge-a", "human consensus", "", "")][7]) - k["kappa"]) < 1e-12
cells = sum(int(r[7]) for key, r in fig.items() if key[0] == "confusion" and key[1] == "LLM_JUDGE judge-a")
assert cells == k["items"], (cells, k["items"])
print("csv ok")
EOF
expect_eq "csv: the same figures as the JSON, one per line" "$(cat "$T/csv.out")" "csv ok"

# ---- untrusted text --------------------------------------------------------------------------

H="$T/hostile.db"
cp "$D" "$H"
TR=$(q "$H" "SELECT request_id FROM trace_info ORDER BY request_id LIMIT 1")
ESC=$(printf '\033')
run_tl log-feedback "$H" --trace "$TR" --name "=1+2${ESC}[31mname" --value "+cmd" \
	--source-type LLM_JUDGE --source-id "judge${ESC}]0;t"
run_tl log-feedback "$H" --trace "$TR" --name "=1+2${ESC}[31mname" --value "@cmd" \
	--source-id "ann"
run_tl agreement "$H"
case $out in
*"$ESC"*) not_ok "text: escape sequences from the store are not printed raw" "$out" ;;
*) ok "text: escape sequences from the store are not printed raw" ;;
esac
expect_has "text: shown as visible escapes" "$out" "LLM_JUDGE judge^[]0;t (1)"
run_tl agreement "$H" --format json
printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin)
n=[x for x in d['names'] if x['name'].startswith('=')][0]
assert n['name'] == '=1+2\x1b[31mname', n['name']
assert n['items_with_two_or_more'] == 1 and n['classes'] == ['+cmd', '@cmd'], n" 2>&1
expect_eq "json: valid, names exact" "$?" 0
run_tl agreement "$H" --format csv
expect_has "csv: a name that looks like a formula gets an apostrophe" "$out" \
	"\"'=1+2${ESC}[31mname\",nominal,items,"
expect_has "csv: so do answers" "$out" ",\"'+cmd\",\"'@cmd\",1,"

# ---- options and errors ---------------------------------------------------------------------

run_tl agreement "$D" --format xml
expect_eq "--format xml: usage error" "$rc:$err" \
	"2:tracelab: agreement: --format must be text, json or csv, not 'xml'"
run_tl agreement "$D" --seed -3
expect_eq "--seed -3: usage error" "$rc:$err" \
	"2:tracelab: agreement: --seed must be a whole number from 0, not '-3'"
run_tl agreement "$D" --filter "status ="
expect_eq "--filter broken: usage error naming it" "$rc:$err" \
	"2:tracelab: agreement: --filter: col 9: expected a value after '='"
run_tl agreement "$T/nope.db"
expect_eq "missing store: runtime error" "$rc" 1
run_tl agreement "$D" --experiment nope
expect_eq "unknown experiment: exit 1" "$rc:$err" \
	"1:tracelab: agreement: no experiment 'nope' in $D"
run_tl agreement "$D" --bogus
expect_eq "unknown option" "$rc:$err" "2:tracelab: agreement: unknown option --bogus"
run_tl agreement --help
expect_eq "--help: exit 0" "$rc" 0
expect_has "--help: usage" "$out" "usage: tracelab agreement [STORE] [--experiment E] [--filter F] [--name N]... [--format text|json|csv]"
expect_has "--help: --seed" "$out" "--seed N"
run_tl agreement "$D" --name no_such_name
expect_has "--name of nothing: said" "$out" "items answered 0, with two or more answers 0"
