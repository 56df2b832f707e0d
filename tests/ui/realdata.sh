#!/bin/sh
# Display defects found on real MLflow stores, each against the real-data
# shape that showed it: an OTLP-ingested trace (no mlflow.traceName, no
# mlflow.spanInputs, event times in microseconds), a categorical label's
# values in the list, and :open with the start of an id.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store real.db)
sqlite3 -batch "$db" <"$UI_DIR/data/otlp.sql" || echo "not ok - otlp.sql failed"

# The OTLP trace: named after its root span, its inputs from the OTel
# GenAI attributes, the exception 280.6 ms into its span.
COLUMNS=100 LINES=30 run_keys "$db" ":open tr-f0000000000000000000000000000001" \
	":snapshot $T/otlp.txt" j Tab "}" "}" "}" ":snapshot $T/events.txt"
expect_eq "real data: script exits 0" "$rc" 0
expect_grep "real data: an OTLP trace is named after its root span" "$T/otlp.txt" \
	"^ trace tr-f0000000000000000000000000000001  invoke_agent support  OK"
expect_grep "real data: OTel GenAI input messages shown" "$T/otlp.txt" '"content": "Where is my order 1234?"'
expect_nogrep "real data: no (none recorded) on the OTLP root" "$T/otlp.txt" "(none recorded)"
expect_grep "real data: an event time in microseconds" "$T/events.txt" "^exception  +280.6ms"
expect_nogrep "real data: no negative event time" "$T/events.txt" "exception  -"
# The list previews the messages' text.
COLUMNS=180 run_keys "$db" G ":snapshot $T/list.txt"
expect_grep "real data: chat messages preview as text" "$T/list.txt" "Where is my order 1234? → It ships today."

# :open takes the start of an id, as the list shows it.
run_keys "$db" ":open tr-a000" ":snapshot $T/open.txt" Esc ":open tr-e0000" ":snapshot $T/many.txt" \
	":open tr-9" ":snapshot $T/none.txt"
expect_grep "real data: :open with an id's start" "$T/open.txt" "^ trace tr-a000000000…  rag_answer"
expect_grep "real data: :open with an ambiguous start" "$T/many.txt" "several traces start with tr-e0000"
expect_grep "real data: :open with no match" "$T/none.txt" "no trace in this experiment starts with tr-9"
UI_ARGS="-t tr-b0000" run_keys "$db" ":snapshot $T/dash_t.txt"
expect_grep "real data: -t with an id's start" "$T/dash_t.txt" "^ trace tr-b000000000…  agent_run"

# A categorical label's values in the list, not "txt".
mkdir -p "$XDG_CONFIG_HOME/tracelab"
cat >"$XDG_CONFIG_HOME/tracelab/config.yaml" <<'YAML'
labels:
  - name: topic
    type: categorical
    options: [keys, billing, bug]
    keys: {b: billing, i: bug, o: keys}
YAML
run_keys "$db" o ":snapshot $T/cat.txt"
expect_grep "real data: the categorical column" "$T/cat.txt" "topic  "
expect_grep "real data: a categorical value in its cell" "$T/cat.txt" "^03-02 12:00 .* keys *$"
expect_nogrep "real data: no txt" "$T/cat.txt" "txt"
