# Shared helpers for the shell test suites (sourced).
#   ok NAME / not_ok NAME WHY        report one test
#   check NAME CMD...                 ok when CMD succeeds
#   expect_eq NAME GOT WANT           compare two strings
#   expect_has NAME TEXT NEEDLE       TEXT contains NEEDLE
#   run_tl ARGS...                    runs tracelab; sets $out, $err, $rc
#   fresh_store NAME                  copies the real MLflow store into $T/NAME
#   store_314 NAME                    a new store in $T/NAME with MLflow 3.14's schema
#                                     (review queues, label schemas), its
#                                     alembic_version and Default experiment,
#                                     holding examples/demo.jsonl's 27 traces
#   q DB SQL                          sqlite3 query, one value per line
#   span_id_mismatches DB             spans whose content ids (base64, v3) are
#                                     not the row's hex ids; prints the count
#   hold DB [SECONDS] / release       another process holds DB's write lock
#                                     (BEGIN IMMEDIATE) until release, at most
#                                     SECONDS (default 60)
#   skip NAME WHY                     a test that cannot run here
#   find_mlflow                       a real MLflow: $MLFLOW_PYTHON +
#                                     $PYTHONPATH, else ../shared/vendor/mlflow
#                                     beside the checkout set up in build/mlflow;
#                                     sets MLFLOW_PY, or returns 1 with the
#                                     reason in $no_mlflow
# $T is a private temporary directory removed at exit.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
TL=${TRACELAB_BIN:-$TOP/$BUILD/tracelab}
FIX=${TRACELAB_FIXTURES:-$TOP/tests/fixtures/third_party}
export LC_ALL=C.UTF-8 TZ=UTC
T=$(mktemp -d "${TMPDIR:-/tmp}/tracelab-sh-XXXXXX")
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
mkdir -p "$HOME"
trap 'rm -rf "$T"' EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; }

check() {
	name=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}

expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got [$2], want [$3]"; fi
}

expect_has() {
	case $2 in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "[$2] lacks [$3]" ;;
	esac
}

run_tl() {
	${TRACELAB_VALGRIND_CMD:-} "$TL" "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

fresh_store() {
	cp "$FIX/mlflow-3-real-store.db" "$T/$1"
	chmod u+w "$T/$1"
	echo "$T/$1"
}

q() { sqlite3 -batch -noheader -cmd ".timeout 5000" "$1" "$2"; }

store_314() {
	sqlite3 "$T/$1" <"$FIX/mlflow-3.14-schema.sql"
	sqlite3 "$T/$1" "INSERT INTO alembic_version VALUES ('6f8d9c3b2a1e');
		INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,
			creation_time, last_update_time)
		VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 1767225600000, 1767225600000);"
	"$TL" import "$T/$1" "$TOP/examples/demo.jsonl" >/dev/null 2>&1
	echo "$T/$1"
}

span_id_mismatches() {
	python3 - "$1" <<'EOF'
import base64, json, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
def h(v):
    return base64.b64decode(v, validate=True).hex() if v else None
bad = 0
for tid, sid, pid, content in db.execute(
        "SELECT trace_id, span_id, parent_span_id, content FROM spans"):
    d = json.loads(content)
    try:
        ok = (h(d["span_id"]) == sid and h(d["parent_span_id"]) == pid
              and "tr-" + h(d["trace_id"]) == tid)
    except Exception:
        ok = False
    bad += not ok
print(bad)
EOF
}

# A test that cannot run here; tests/run.sh counts it (and fails it when
# TRACELAB_NO_SKIP is set).
skip() { echo "skip - $1: $2"; }

# MLflow's Python as tests/remote/servers.lib finds it (the same cache in
# $BUILD/../build/mlflow, set up once, never with apt-get).
find_mlflow() {
	no_mlflow=""
	if [ -n "${MLFLOW_PYTHON:-}" ]; then
		if "$MLFLOW_PYTHON" -c 'import mlflow' >/dev/null 2>&1; then
			MLFLOW_PY=$MLFLOW_PYTHON
			export PYTHONPATH MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
			return 0
		fi
		no_mlflow="MLFLOW_PYTHON=$MLFLOW_PYTHON cannot import mlflow (is PYTHONPATH right?)"
		return 1
	fi
	vendor=$TOP/../shared/vendor/mlflow
	if [ ! -f "$vendor/setup.sh" ]; then
		no_mlflow="needs a real MLflow: set MLFLOW_PYTHON and PYTHONPATH (README, Tests)"
		return 1
	fi
	cache=$TOP/build/mlflow
	mkdir -p "$TOP/build"
	if [ ! -f "$cache/env.sh" ] && ! (flock 9; [ -f "$cache/env.sh" ] ||
		SKIP_APT=1 bash "$vendor/setup.sh" "$cache" >"$cache.log" 2>&1 ||
		{ rm -f "$cache/env.sh"; exit 1; }) 9>"$cache.lock"; then
		no_mlflow="MLflow beside the checkout could not be set up (see build/mlflow.log)"
		return 1
	fi
	# shellcheck disable=SC1091
	. "$cache/env.sh"
	MLFLOW_PY=$MLFLOW_PYTHON
	return 0
}

hold() {
	rm -f "$T/release" "$T/held"
	python3 - "$1" "$T" "${2:-60}" <<'PY' &
import os, sqlite3, sys, time
db, t, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
c = sqlite3.connect(db, isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
open(os.path.join(t, "held"), "w").close()
end = time.monotonic() + secs
while time.monotonic() < end and not os.path.exists(os.path.join(t, "release")):
    time.sleep(0.025)
c.execute("ROLLBACK")
PY
	holder=$!
	_n=0
	while [ ! -f "$T/held" ] && [ $_n -lt 400 ]; do sleep 0.025; _n=$((_n + 1)); done
}
release() { touch "$T/release"; wait "$holder"; }
