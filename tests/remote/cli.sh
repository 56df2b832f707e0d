#!/bin/sh
# The command line against a real MLflow tracking server (SQLite store):
# traces logged by MLflow's own Python client are listed, exported and
# labelled by tracelab over REST, and MLflow's client reads back exactly
# what tracelab wrote (mlflow.get_trace, search_traces with a feedback
# filter).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/servers.lib"
remote_need
remote_start sqlite || exit 1
URL=$(remote_url sqlite)

mlpy cli 6 --judge --errors <"$TOP/tests/remote/seed.py" >"$T/seed" 2>"$T/seed.err"
ids=$(grep '^tr-' "$T/seed")
newest=$(echo "$ids" | tail -1)
judged=$(echo "$ids" | sed -n 5p)   # i = 4: judged "yes"
expect_eq "cli: MLflow's client logged 6 traces" "$(echo "$ids" | wc -l)" 6

# list: newest first, every trace, the judge's cell.
run_tl list "$URL" --experiment cli --format json
expect_eq "cli list: exit 0" "$rc" 0
got=$(printf '%s' "$out" | python3 -c 'import json,sys; print(" ".join(r["trace_id"] for r in json.load(sys.stdin)))')
want=$(echo "$ids" | tac | tr '\n' ' ' | sed 's/ $//')
expect_eq "cli list: the six traces, newest first" "$got" "$want"
got=$(printf '%s' "$out" | python3 -c '
import json,sys
rows = {r["trace_id"]: r for r in json.load(sys.stdin)}
print(rows[sys.argv[1]]["feedback"]["correctness"]["llm_judge"])' "$judged")
expect_eq "cli list: the judge's feedback is in the row" "$got" yes

# MLFLOW_TRACKING_URI stands in for the STORE argument.
out=$(cd "$T" && MLFLOW_TRACKING_URI=$URL "$TL" list --experiment cli --limit 1 2>&1)
expect_has "cli list: MLFLOW_TRACKING_URI names the server" "$out" "$newest"

# Filters: the server's grammar, and tracelab's extensions on the client.
run_tl list "$URL" --experiment cli --filter "status = 'ERROR'"
expect_eq "cli list: status = 'ERROR' (the fifth trace)" "$(echo "$out" | grep -c 'tr-')" 1
run_tl list "$URL" --experiment cli --filter "feedback.correctness = 'yes'"
expect_eq "cli list: feedback.correctness = 'yes' (trace 0 and 4)" "$(echo "$out" | grep -c 'tr-')" 2
run_tl list "$URL" --experiment cli --filter "feedback.correctness IS NULL OR status = 'ERROR'"
expect_eq "cli list: IS NULL and OR run on the client (1, 3, 5 and 4)" "$(echo "$out" | grep -c 'tr-')" 4
run_tl list "$URL" --experiment cli --filter "tags.team = 'blue' AND NOT metadata.\`mlflow.trace.user\` = 'user-1'"
expect_eq "cli list: NOT on metadata (odd traces, not user-1)" "$(echo "$out" | grep -c 'tr-')" 2
run_tl list "$URL" --experiment cli --filter "span.name = 'retrieve' OR status = 'OK'"
expect_eq "cli list: a span condition inside OR: exit 2" "$rc" 2
expect_has "cli list: ... names the column" "$err" "col 1: on an MLflow server, span.name"
run_tl list "$URL" --experiment cli --filter "span.type = 'LLM' AND span.duration_ms > 5000"
expect_eq "cli list: span times on a server: exit 2" "$rc" 2
expect_has "cli list: ... says the server's search has none" "$err" \
	"col 23: span.duration_ms cannot be used on an MLflow server"
run_tl spans "$URL" --experiment cli --filter "span.type = 'LLM'"
expect_eq "cli spans: a server cannot list spans: exit 2" "$rc" 2
expect_has "cli spans: ... and says so" "$err" \
	"listing spans across traces needs a SQLite store (a tracking server's search has no span listing)"

# log-feedback, then MLflow's client reads it.
run_tl log-feedback "$URL" --trace "$newest" --name quality --value 4 --source-id alice \
	--rationale "clear answer" --metadata channel=cli
expect_eq "cli log-feedback: exit 0" "$rc" 0
aid=$out
case $aid in a-*) ok "cli log-feedback: prints the server's id" ;; *) not_ok "cli log-feedback: id" "[$aid] [$err]" ;; esac
cat >"$T/get.py" <<'EOF'
import sys, mlflow
t = mlflow.get_trace(sys.argv[1])
for a in sorted(t.info.assessments, key=lambda a: a.create_time_ms):
    v = a.feedback.value if a.feedback else a.expectation.value
    print(a.assessment_id, a.name, a.source.source_type, a.source.source_id, repr(v),
          a.rationale, dict(a.metadata or {}), a.valid, a.overrides)
EOF
got=$(mlpy "$newest" <"$T/get.py" 2>>"$T/py.err")
expect_eq "cli log-feedback: mlflow.get_trace sees it" "$got" \
	"$aid quality HUMAN alice 4.0 clear answer {'channel': 'cli'} True None"

cat >"$T/search.py" <<'EOF'
import sys, mlflow
exp = mlflow.get_experiment_by_name("cli").experiment_id
ts = mlflow.search_traces(locations=[exp], filter_string=sys.argv[1], return_type="list")
print(" ".join(sorted(t.info.trace_id for t in ts)))
EOF
got=$(mlpy "feedback.quality = '4.0'" <"$T/search.py" 2>>"$T/py.err")
expect_eq "cli log-feedback: search_traces(feedback.quality) finds the trace" "$got" "$newest"

# update-feedback: the value and rationale change in place.
run_tl update-feedback "$URL" "$aid" --value 5 --rationale "even better"
expect_eq "cli update-feedback: exit 0" "$rc" 0
got=$(mlpy "$newest" <"$T/get.py" 2>>"$T/py.err")
expect_eq "cli update-feedback: MLflow sees the new value" "$got" \
	"$aid quality HUMAN alice 5.0 even better {'channel': 'cli'} True None"

# Override the judge: the server marks the judge's row invalid.
jid=$(mlpy "$judged" <"$T/get.py" 2>>"$T/py.err" | awk '{print $1}')
run_tl log-feedback "$URL" --override "$jid" --value no --source-id alice --rationale "wrong doc"
expect_eq "cli override: exit 0" "$rc" 0
oid=$out
got=$(mlpy "$judged" <"$T/get.py" 2>>"$T/py.err")
expect_eq "cli override: the judge's row is overridden" "$(echo "$got" | sed -n 1p | awk '{print $1, $NF, $(NF-1)}')" "$jid None False"
expect_eq "cli override: the new row names it" "$(echo "$got" | sed -n 2p)" \
	"$oid correctness HUMAN alice 'no' wrong doc {} True $jid"
run_tl feedback "$URL" "$judged"
expect_eq "cli feedback: valid rows only" "$(printf '%s' "$out" | grep -c '"assessment_id"')" 1
run_tl feedback "$URL" "$judged" --all
expect_eq "cli feedback --all: both rows" "$(printf '%s' "$out" | grep -c '"assessment_id"')" 2

# Delete the override: the judge's row is valid again.
run_tl delete-feedback "$URL" "$oid"
expect_eq "cli delete-feedback: exit 0" "$rc" 0
expect_has "cli delete-feedback: says what it restored" "$out" "restored $jid"
got=$(mlpy "$judged" <"$T/get.py" 2>>"$T/py.err")
expect_eq "cli delete-feedback: only the judge's row is left, valid" \
	"$(echo "$got" | awk '{print $1, $(NF-1)}')" "$jid True"
run_tl delete-feedback "$URL" "$oid"
expect_eq "cli delete-feedback: deleting again exits 1, as for SQLite" "$rc" 1
expect_has "cli delete-feedback: ... naming the id" "$err" "no assessment $oid"

# Errors name the thing.
run_tl log-feedback "$URL" --trace tr-00000000000000000000000000000000 --name q --value 1
expect_eq "cli log-feedback: unknown trace exits 1" "$rc" 1
expect_has "cli log-feedback: ... and names it" "$err" "tr-00000000000000000000000000000000"
run_tl list "$URL" --experiment no-such-experiment
expect_has "cli list: an unknown experiment is named" "$err" "no-such-experiment"

# export: CSV with a column per feedback name, JSON Lines MLflow can read.
run_tl export "$URL" --experiment cli --format csv
expect_eq "cli export csv: header and six rows" "$(printf '%s\n' "$out" | wc -l)" 7
expect_has "cli export csv: the quality column" "$(printf '%s\n' "$out" | head -1)" "feedback.quality"
run_tl export "$URL" --experiment cli
expect_eq "cli export jsonl: six traces" "$(printf '%s\n' "$out" | wc -l)" 6
printf '%s\n' "$out" >"$T/export.jsonl"
got=$("$MLFLOW_PYTHON" - "$T/export.jsonl" <<'EOF' 2>>"$T/py.err"
import sys, json
from mlflow.entities import Trace
n = 0
for line in open(sys.argv[1]):
    t = Trace.from_dict(json.loads(line))
    n += len(t.data.spans) == 3
print(n)
EOF
)
expect_eq "cli export jsonl: Trace.from_dict reads every trace with its 3 spans" "$got" 6

# Import is SQLite-only, in one line.
printf '%s\n' "$(head -1 "$T/export.jsonl")" >"$T/one.jsonl"
run_tl import "$URL" "$T/one.jsonl"
expect_eq "cli import: refused with exit 2" "$rc" 2
expect_eq "cli import: one line" "$(printf '%s\n' "$err" | wc -l)" 1
expect_has "cli import: says why" "$err" "SQLite store only"

# A URL with credentials in it is refused without echoing them.
run_tl list "http://admin:password1234@127.0.0.1:1/" --experiment cli
expect_eq "cli: credentials in the URL are refused" "$rc" 2
case "$err$out" in *password1234*) not_ok "cli: ... without echoing them" "$err" ;; *) ok "cli: ... without echoing them" ;; esac
