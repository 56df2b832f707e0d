#!/bin/sh
# A PostgreSQL-backed MLflow server behind MLflow's basic-auth app: label,
# override, update and delete over REST, checked in PostgreSQL's own rows
# and with MLflow's client; PostgreSQL's column limits are checked before
# anything is sent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/servers.lib"
remote_need
if ! remote_have_pg; then
	echo "skip - remote pg: $REMOTE_WHY"
	exit 0
fi
remote_start pg || exit 1
URL=$(remote_url pg)
export MLFLOW_TRACKING_USERNAME=admin MLFLOW_TRACKING_PASSWORD=password1234
mlpy pg-labels 4 --judge <"$TOP/tests/remote/seed.py" >"$T/seed" 2>"$T/seed.err"
ids=$(grep '^tr-' "$T/seed")
t0=$(echo "$ids" | sed -n 1p)
t1=$(echo "$ids" | sed -n 2p)
pgdir=$(cat "$REMOTE_STATE/pg/pgdir")
pgport=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' "$REMOTE_STATE/pg/backend")
psq() { psql -h "$pgdir" -p "$pgport" -U postgres -d mlflow -Atc "$1" 2>&1; }

run_tl list "$URL" --experiment pg-labels
expect_eq "pg: the four traces" "$(echo "$out" | grep -c 'tr-')" 4

run_tl log-feedback "$URL" --trace "$t1" --name helpful --value true --source-id bob
expect_eq "pg: log-feedback exit 0" "$rc" 0
aid=$out
expect_eq "pg: the row is in PostgreSQL" \
	"$(psq "SELECT name, value, source_id, valid FROM assessments WHERE assessment_id = '$aid'")" \
	"helpful|true|bob|t"

jid=$(psq "SELECT assessment_id FROM assessments WHERE trace_id = '$t0' AND source_type = 'LLM_JUDGE'")
run_tl log-feedback "$URL" --override "$jid" --value no --source-id bob
expect_eq "pg: override exit 0" "$rc" 0
oid=$out
expect_eq "pg: the judge's row is invalid in the same write" \
	"$(psq "SELECT valid FROM assessments WHERE assessment_id = '$jid'")|$(psq "SELECT overrides FROM assessments WHERE assessment_id = '$oid'")" \
	"f|$jid"

run_tl update-feedback "$URL" "$aid" --value false --rationale "not really"
expect_eq "pg: update exit 0" "$rc" 0
expect_eq "pg: the update is in PostgreSQL" \
	"$(psq "SELECT value, rationale FROM assessments WHERE assessment_id = '$aid'")" "false|not really"

cat >"$T/search.py" <<'EOF'
import sys, mlflow
exp = mlflow.get_experiment_by_name("pg-labels").experiment_id
ts = mlflow.search_traces(locations=[exp], filter_string=sys.argv[1], return_type="list")
print(" ".join(sorted(t.info.trace_id for t in ts)))
EOF
expect_eq "pg: search_traces(feedback.helpful = 'false') finds it" \
	"$(mlpy "feedback.helpful = 'false'" <"$T/search.py" 2>>"$T/py.err")" "$t1"

run_tl delete-feedback "$URL" "$oid"
expect_eq "pg: delete exit 0" "$rc" 0
expect_eq "pg: deleting the override makes the judge valid again" \
	"$(psq "SELECT valid FROM assessments WHERE assessment_id = '$jid'"):$(psq "SELECT count(*) FROM assessments WHERE assessment_id = '$oid'")" "t:0"

name=$(python3 -c 'print("n" * 251)')
run_tl log-feedback "$URL" --trace "$t1" --name "$name" --value 1
expect_eq "pg: a 251-character name is refused before sending" "$rc" 2
expect_has "pg: ... naming the field" "$err" "name"
expect_eq "pg: ... and nothing reached PostgreSQL" \
	"$(psq "SELECT count(*) FROM assessments WHERE length(name) > 250")" 0
