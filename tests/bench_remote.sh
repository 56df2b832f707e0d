#!/bin/sh
# make bench, remote part: tracelab against a real MLflow tracking server on
# 127.0.0.1 (SQLite store, traces logged by MLflow's own client), each figure
# beside MLflow's Python client doing the same work in the same run:
#
#   first page     `tracelab list --limit 40`      mlflow.search_traces(max_results=40)
#   next page      `tracelab list --limit 40 --filter "timestamp_ms < T"` (the
#                  keyset page the browser asks for)     MlflowClient.search_traces(page_token)
#   open a trace   `tracelab export --filter "request_id = 'ID'"` (info and
#                  spans)                          mlflow.get_trace(ID)
#   one label      `tracelab log-feedback` (the server's reply is the
#                  durable write)                  mlflow.log_feedback
#
# tracelab's figures are whole commands from their start (process, login,
# experiment lookup included); MLflow's are the calls alone, timed inside
# one Python process after `import mlflow` (its start-up, seconds, is not
# counted).  Medians of BENCH_RUNS runs (default 7); BENCH_REMOTE_TRACES
# traces (default 100).  Without an MLflow (see tests/remote/servers.lib)
# it says so and stops.  Not a test: nothing here fails on a slow machine.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/remote/servers.lib"
RUNS=${BENCH_RUNS:-7}
N=${BENCH_REMOTE_TRACES:-100}
if ! _rs_find; then
	echo "bench remote: skipped: $REMOTE_WHY"
	exit 0
fi
URL=$(remote_private sqlite bench) || exit 1
echo "bench remote: logging $N traces with MLflow's client into $URL ..."
mlpy bench "$N" --judge <"$TOP/tests/remote/seed.py" >"$T/seed" 2>"$T/seed.err" ||
	{ echo "bench remote: seeding failed (see $T/seed.err)"; exit 1; }
tid=$(grep '^tr-' "$T/seed" | sed -n "$((N / 2))p")

now_us() { echo $(($(date +%s%N) / 1000)); }
median_ms() { sort -n | awk '{ v[NR] = $1 } END { m = v[int((NR + 1) / 2)]; printf "%.1f", m / 1000 }'; }
runs() {
	# runs CMD...: median wall time of CMD over RUNS runs (after one warm-up)
	"$@" >/dev/null 2>&1
	_i=0
	: >"$T/t"
	while [ $_i -lt "$RUNS" ]; do
		_a=$(now_us)
		"$@" >/dev/null 2>&1
		_b=$(now_us)
		echo $((_b - _a)) >>"$T/t"
		_i=$((_i + 1))
	done
	median_ms <"$T/t"
}

# The keyset cursor of the second page: the 40th row's time.
t40=$("$TL" list "$URL" --experiment bench --limit 40 --format json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["request_time"])')
ts40=$(python3 -c 'import sys, datetime; print(int(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp() * 1000))' "$t40")

tl_first=$(runs "$TL" list "$URL" --experiment bench --limit 40)
tl_next=$(runs "$TL" list "$URL" --experiment bench --limit 40 --filter "timestamp_ms < $ts40")
tl_open=$(runs "$TL" export "$URL" --experiment bench --filter "request_id = '$tid'")
tl_label=$(runs "$TL" log-feedback "$URL" --trace "$tid" --name bench_label --value yes --source-id bench)

py=$(mlpy "$tid" "$RUNS" <<'EOF' 2>"$T/py.err"
import statistics, sys, time
import mlflow
from mlflow import MlflowClient
tid, runs = sys.argv[1], int(sys.argv[2])
exp = mlflow.get_experiment_by_name("bench").experiment_id
client = MlflowClient()
def med(fn):
    fn()
    ts = []
    for _ in range(runs):
        a = time.perf_counter(); fn(); ts.append(time.perf_counter() - a)
    return "%.1f" % (statistics.median(ts) * 1000)
first = client.search_traces(locations=[exp], max_results=40)
print(med(lambda: mlflow.search_traces(locations=[exp], max_results=40, return_type="list")))
print(med(lambda: client.search_traces(locations=[exp], max_results=40, page_token=first.token)))
print(med(lambda: mlflow.get_trace(tid)))
print(med(lambda: mlflow.log_feedback(trace_id=tid, name="bench_py", value=True)))
EOF
)
py_first=$(echo "$py" | sed -n 1p)
py_next=$(echo "$py" | sed -n 2p)
py_open=$(echo "$py" | sed -n 3p)
py_label=$(echo "$py" | sed -n 4p)

echo
echo "remote: MLflow $("$MLFLOW_PYTHON" -c 'import mlflow; print(mlflow.__version__)' 2>/dev/null) server on 127.0.0.1, $N traces, medians of $RUNS runs (ms)"
printf '%-14s %28s %30s\n' figure "tracelab (whole command)" "MLflow client (call only)"
printf '%-14s %28s %30s\n' "first page" "$tl_first" "${py_first:-?}"
printf '%-14s %28s %30s\n' "next page" "$tl_next" "${py_next:-?}"
printf '%-14s %28s %30s\n' "open a trace" "$tl_open" "${py_open:-?}"
printf '%-14s %28s %30s\n' "one label" "$tl_label" "${py_label:-?}"
[ -n "$py" ] || echo "(MLflow's client failed: $(tail -1 "$T/py.err"))"
