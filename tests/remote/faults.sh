#!/bin/sh
# Faults between tracelab and a real MLflow server, from the fault proxy
# (tests/remote/faultproxy.py): a 500 (reads are retried), a reply that
# stalls (a timeout, one line), a write whose reply is lost after the
# server did it (it lands exactly once), a write dropped before the server
# saw it (it fails, and lands once when done again), the server down, and a
# server stopped and started again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/servers.lib"
remote_need
URL=$(remote_private sqlite faults) || exit 1
mlpy faults 3 <"$TOP/tests/remote/seed.py" >"$T/seed" 2>"$T/seed.err"
tid=$(grep '^tr-' "$T/seed" | tail -1)
remote_proxy faults
P=$PROXY

count_rows() {
	mlpy "$1" "$2" <<'EOF' 2>>"$T/py.err"
import sys, mlflow
print(sum(1 for a in mlflow.get_trace(sys.argv[1]).info.assessments if a.name == sys.argv[2]))
EOF
}

# A 500 on a read: retried, the list comes.
proxy_rule "match=traces/search&action=status&status=500&count=1"
run_tl list "$P" --experiment faults
expect_eq "faults: a read is retried after a 500" "$(echo "$out" | grep -c 'tr-')" 3
expect_has "faults: ... the proxy saw the 500 and the retry" "$(proxy_log | grep traces/search | head -2 | tr '\n' ' ')" "500"
proxy_clear

# A server that keeps failing: one line, exit 1.
proxy_rule "match=traces/search&action=status&status=500"
TRACELAB_HTTP_RETRIES=1 run_tl list "$P" --experiment faults
expect_eq "faults: lasting 500s exit 1" "$rc" 1
expect_has "faults: ... with the server's message" "$err" "the server failed to read the traces (500"
expect_eq "faults: ... in one line" "$(printf '%s\n' "$err" | wc -l)" 1
proxy_clear

# A reply that stalls past the read timeout.
proxy_rule "match=traces/search&action=slow&ms=4000"
TRACELAB_HTTP_RETRIES=0 TRACELAB_READ_TIMEOUT=1 run_tl list "$P" --experiment faults
expect_eq "faults: a stalled reply exits 1" "$rc" 1
expect_has "faults: ... timed out" "$err" "timed out"
proxy_clear

# The server writes the row but the reply is lost: tracelab finds the row
# it wrote and reports it once.
proxy_rule "match=POST /api/3.0/mlflow/traces/$tid/assessments&action=cut&count=1"
run_tl log-feedback "$P" --trace "$tid" --name cutcheck --value yes --source-id alice
expect_eq "faults: a write whose reply was cut succeeds" "$rc" 0
aid=$out
expect_eq "faults: ... lands exactly once" "$(count_rows "$tid" cutcheck)" 1
got=$(mlpy "$tid" <<'EOF' 2>>"$T/py.err"
import sys, mlflow
print(" ".join(a.assessment_id for a in mlflow.get_trace(sys.argv[1]).info.assessments if a.name == "cutcheck"))
EOF
)
expect_eq "faults: ... with the id tracelab printed" "$got" "$aid"
proxy_clear

# Dropped before the server saw it: an error, nothing written; done again
# it lands once.
proxy_rule "match=POST /api/3.0/mlflow/traces/$tid/assessments&action=drop&count=1"
run_tl log-feedback "$P" --trace "$tid" --name dropcheck --value no --source-id alice
expect_eq "faults: a dropped write exits 1" "$rc" 1
expect_has "faults: ... and says the connection dropped" "$err" "connection was dropped"
expect_eq "faults: ... nothing was written" "$(count_rows "$tid" dropcheck)" 0
run_tl log-feedback "$P" --trace "$tid" --name dropcheck --value no --source-id alice
expect_eq "faults: ... written again, it lands once" "$rc.$(count_rows "$tid" dropcheck)" 0.1
proxy_clear

# The server gone (nothing answers): a clear line, no hang.
proxy_rule "match=&action=down"
TRACELAB_HTTP_RETRIES=1 run_tl list "$P" --experiment faults
expect_eq "faults: a server that is down exits 1" "$rc" 1
expect_has "faults: ... naming the server" "$err" "$P: could not read the experiment"
proxy_clear

# Stopped and started again.
remote_stop faults
TRACELAB_HTTP_RETRIES=0 run_tl list "$URL" --experiment faults
expect_eq "faults: a stopped server exits 1" "$rc" 1
expect_has "faults: ... could not connect" "$err" "could not connect"
remote_restart faults
run_tl list "$URL" --experiment faults
expect_eq "faults: after the restart the traces are there" "$(echo "$out" | grep -c 'tr-')" 3
