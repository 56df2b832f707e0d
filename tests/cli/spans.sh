#!/bin/sh
# `tracelab spans` on a copy of a real MLflow store (a DSPy ReAct agent's
# trace of 30 spans): the spans and their order against sqlite3's own
# queries on the same file, MLflow's same-span rule, JSON, CSV, -o, and
# hostile names made safe.
. "$(dirname "$0")/../lib.sh"

D=$T/dspy.db
cp "$FIX/mlflow-3-dspy-react-agent.db" "$D"
chmod u+w "$D"

# The longest first, as sqlite3 orders duration_ns.
run_tl spans "$D" --limit 5
expect_eq "spans: exit 0" "$rc" 0
got=$(printf '%s\n' "$out" | awk '{print $7}' | tr '\n' ' ')
want=$(q "$D" "SELECT span_id FROM spans ORDER BY duration_ns DESC, rowid DESC LIMIT 5" | tr '\n' ' ')
expect_eq "spans: the five longest spans, longest first" "$got" "$want"
expect_has "spans: a row says start, duration, status, type, name, ids and trace name" "$out" \
	"2025-12-10 15:28:59   19.42s  OK     AGENT       ReAct.forward                 51d7f0b47703f6ad  tr-c3f8ccfcfd1ce910d7277a703eedd5e9  ReAct.forward"
run_tl spans "$D" --limit 0
expect_eq "spans --limit 0: every span" "$(printf '%s\n' "$out" | wc -l)" 30

# "The slowest LLM spans": one filter, as JSON.
run_tl spans "$D" --filter "span.type = 'LLM'" --json --limit 3
expect_eq "spans --json: exit 0" "$rc" 0
got=$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join("%s:%d" % (s["span_id"], s["duration_ms"]) for s in json.load(sys.stdin)))')
want=$(q "$D" "SELECT span_id || ':' || (duration_ns / 1000000) FROM spans WHERE type = 'LLM'
	ORDER BY duration_ns DESC, rowid DESC LIMIT 3" | tr '\n' ' ' | sed 's/ $//')
expect_eq "spans --json: the three slowest LLM spans with their durations" "$got" "$want"

# MLflow's same-span rule: a TOOL span and a slow span, but no slow TOOL span.
tools=$(q "$D" "SELECT count(*) FROM spans WHERE type = 'TOOL'")
slow=$(q "$D" "SELECT count(*) FROM spans WHERE duration_ns > 1000000000")
expect_eq "spans: the store has TOOL spans and slow spans" "$tools $slow" "4 14"
run_tl spans "$D" --filter "span.type = 'TOOL' AND span.duration_ms > 1000"
expect_eq "spans: no TOOL span is slow: exit 0, no row" "$rc:$out" "0:"
run_tl list "$D" --filter "span.type = 'TOOL' AND span.duration_ms > 1000"
expect_eq "list: nor is the trace listed" "$rc:$out" "0:"
run_tl spans "$D" --filter "span.type = 'TOOL' AND span.duration_ms > 2" --limit 0
got=$(printf '%s\n' "$out" | awk '{print $7}' | sort | tr '\n' ' ')
want=$(q "$D" "SELECT span_id FROM spans WHERE type = 'TOOL' AND duration_ns > 2000000 ORDER BY span_id" | tr '\n' ' ')
expect_eq "spans: the TOOL spans over 2 ms" "$got" "$want"

# "Every trace where get_invoice failed".
q "$D" "UPDATE spans SET name = 'get_invoice', status = 'ERROR' WHERE span_id = '855c632447408088';
	UPDATE spans SET name = 'get_invoice' WHERE span_id = 'eac15623e9d93b71'"
run_tl spans "$D" --filter "span.name = 'get_invoice' AND span.status = 'ERROR'" --csv
expect_eq "spans --csv: exit 0" "$rc" 0
expect_eq "spans --csv: the header and the one failed get_invoice span" "$out" "$(printf '%s\r\n%s\r' \
	"trace_id,span_id,parent_span_id,name,span_type,status,start_time,duration_ms,trace_name" \
	"tr-c3f8ccfcfd1ce910d7277a703eedd5e9,855c632447408088,51d7f0b47703f6ad,get_invoice,TOOL,ERROR,2025-12-10T15:29:08.305Z,2,ReAct.forward")"

# The newest first, and the oldest first.
run_tl spans "$D" --sort start --limit 4
got=$(printf '%s\n' "$out" | awk '{print $7}' | tr '\n' ' ')
want=$(q "$D" "SELECT span_id FROM spans ORDER BY start_time_unix_nano DESC, rowid DESC LIMIT 4" | tr '\n' ' ')
expect_eq "spans --sort start: the newest first" "$got" "$want"
run_tl spans "$D" --sort start --reverse --limit 2
got=$(printf '%s\n' "$out" | awk '{print $7}' | tr '\n' ' ')
want=$(q "$D" "SELECT span_id FROM spans ORDER BY start_time_unix_nano, rowid LIMIT 2" | tr '\n' ' ')
expect_eq "spans --sort start --reverse: the oldest first" "$got" "$want"

# -o: the file appears complete; a bad filter leaves none.
run_tl spans "$D" --filter "span.type = 'LLM'" --csv -o "$T/llm.csv"
expect_eq "spans -o: exit 0, says where" "$rc:$out" "0:wrote 6 spans to $T/llm.csv"
expect_eq "spans -o: a header and six rows" "$(wc -l <"$T/llm.csv")" 7
run_tl spans "$D" --filter "span.duration_ms > '5'" -o "$T/bad.csv"
expect_eq "spans: a bad filter is a usage error naming --filter" "$rc:$err" \
	"2:tracelab: spans: --filter: col 20: span.duration_ms compares with a number, not a string"
check "spans: ... and writes no file" test ! -e "$T/bad.csv"
run_tl spans "$D" --json --csv
expect_eq "spans --json --csv: exit 2" "$rc" 2
run_tl spans "$D" --sort name
expect_eq "spans --sort name: exit 2, names the choices" "$rc:$err" \
	"2:tracelab: spans: --sort must be duration or start, not 'name'"

# Hostile names: safe text on a terminal, no formula in CSV, strict JSON.
q "$D" "UPDATE spans SET name = '=HYPERLINK(\"x\")' || char(27) || ']52;c;ZW4=' || char(7) || char(8238)
	WHERE span_id = '51d7f0b47703f6ad'"
run_tl spans "$D" --limit 1
case $out in
*"$(printf '\033')"*|*"$(printf '\007')"*) not_ok "spans: no raw escape in the text" "$out" ;;
*) ok "spans: no raw escape in the text" ;;
esac
expect_has "spans: escapes shown visibly" "$out" '=HYPERLINK("x")^[]52;c;ZW4='
run_tl spans "$D" --limit 1 --csv -o "$T/h.csv"
expect_has "spans --csv: a formula is text to a spreadsheet" "$(cat "$T/h.csv")" \
	'51d7f0b47703f6ad,,"'"'"'=HYPERLINK(""x"")'
run_tl spans "$D" --limit 1 --json
got=$(printf '%s' "$out" | python3 -c '
import json, sys
raw = sys.stdin.buffer.read()
raw.decode("ascii")
print(repr(json.loads(raw)[0]["name"]))')
expect_eq "spans --json: strict ASCII JSON, the name as stored" "$got" \
	"'=HYPERLINK(\"x\")\\x1b]52;c;ZW4=\\x07\\u202e'"

# A store without spans has none to list.
S=$(fresh_store real.db)
run_tl spans "$S"
expect_eq "spans: a store without spans: exit 0, no row" "$rc:$out" "0:"
