# Inputs past a limit are refused with one clear message and exit 2 before
# anything reaches the store: filters of thousands of terms.
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
