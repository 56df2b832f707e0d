#!/bin/sh
# The remote suite's own machinery: the three real MLflow servers answer, the
# PostgreSQL one keeps its rows in PostgreSQL, the basic-auth ones refuse a
# wrong password, and the fault proxy passes requests through or fails them
# as asked.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/servers.lib"
remote_need
remote_start sqlite auth pg || exit 1

for k in sqlite auth pg; do
	u=$(remote_url $k)
	expect_eq "infra $k: /health" "$(curl -s "$u/health")" OK
	v=$(curl -s -u admin:password1234 "$u/version")
	case $v in
	3.*) ok "infra $k: MLflow 3 ($v)" ;;
	*) not_ok "infra $k: MLflow 3" "version [$v]" ;;
	esac
done

code=$(curl -s -o /dev/null -w '%{http_code}' -u admin:wrong -X POST \
	-H 'Content-Type: application/json' -d '{"max_results": 1}' \
	"$(remote_url auth)/api/2.0/mlflow/experiments/search")
expect_eq "infra auth: a wrong password gets 401" "$code" 401

# MLflow's own client logs into the PostgreSQL-backed server; the rows are
# in PostgreSQL.
URL=$(remote_url pg)
out=$(MLFLOW_TRACKING_USERNAME=admin MLFLOW_TRACKING_PASSWORD=password1234 \
	mlpy infra-pg 3 <"$TOP/tests/remote/seed.py" 2>"$T/seed.err")
expect_eq "infra pg: the Python client logged 3 traces" "$(echo "$out" | grep -c '^tr-')" 3
pgdir=$(cat "$REMOTE_STATE/pg/pgdir")
pgport=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' "$REMOTE_STATE/pg/backend")
n=$(psql -h "$pgdir" -p "$pgport" -U postgres -d mlflow -Atc \
	"SELECT count(*) FROM trace_info t JOIN experiments e ON e.experiment_id = t.experiment_id WHERE e.name = 'infra-pg'" 2>&1)
expect_eq "infra pg: trace_info rows are in PostgreSQL" "$n" 3

# The proxy.
remote_proxy sqlite
body='{"max_results": 1}'
s=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$body" \
	"$PROXY/api/2.0/mlflow/experiments/search")
expect_eq "infra proxy: passes a request through" "$s" 200
proxy_rule "match=experiments/search&action=status&status=500&count=1"
s=$(curl -s -o "$T/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$body" \
	"$PROXY/api/2.0/mlflow/experiments/search")
expect_eq "infra proxy: injects a 500" "$s" 500
expect_has "infra proxy: the 500 is MLflow's JSON error" "$(cat "$T/b")" INTERNAL_ERROR
s=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$body" \
	"$PROXY/api/2.0/mlflow/experiments/search")
expect_eq "infra proxy: count=1 hits once" "$s" 200
proxy_rule "match=experiments/search&action=slow&ms=1500&count=1"
t0=$(date +%s%N)
curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d "$body" \
	"$PROXY/api/2.0/mlflow/experiments/search"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
if [ "$ms" -ge 1400 ]; then ok "infra proxy: slow delays the reply (${ms} ms)"; else not_ok "infra proxy: slow" "${ms} ms"; fi
proxy_rule "match=POST /api/2.0/mlflow/experiments/create&action=cut&count=1"
s=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	-d '{"name": "cut-but-made"}' "$PROXY/api/2.0/mlflow/experiments/create")
expect_eq "infra proxy: cut sends no reply" "$s" 000
s=$(curl -s -o /dev/null -w '%{http_code}' "$(remote_url sqlite)/api/2.0/mlflow/experiments/get-by-name?experiment_name=cut-but-made")
expect_eq "infra proxy: ... but the server did the work" "$s" 200
proxy_rule "match=&action=down"
s=$(curl -s -o /dev/null -w '%{http_code}' "$PROXY/health")
expect_eq "infra proxy: down answers nothing" "$s" 000
proxy_clear
expect_eq "infra proxy: clear lifts the rules" "$(curl -s "$PROXY/health")" OK
expect_has "infra proxy: logs what it saw" "$(proxy_log)" "POST /api/2.0/mlflow/experiments/create 200 cut"
