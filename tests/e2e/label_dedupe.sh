#!/bin/sh
# Several rows of mine answering one question (as older versions left
# them): the trace view says so and K keeps the newest, deleting the rest
# through the journal; u brings them back.  A label from the list records
# the seconds the row was selected (tracelab.seconds_on_item).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$(fresh_store dedupe.db)
if ! "$TL" import "$db" "$TOP/examples/demo.jsonl" >"$T/import.log" 2>&1; then
	not_ok "dedupe: import the demo traces" "$(cat "$T/import.log")"
	exit 1
fi
ntr=$(q "$db" "SELECT count(*) FROM trace_info WHERE experiment_id = 0")
first=$(q "$db" "SELECT request_id FROM trace_info WHERE experiment_id = 0
	ORDER BY timestamp_ms DESC, request_id DESC LIMIT 1")
second=$(q "$db" "SELECT request_id FROM trace_info WHERE experiment_id = 0
	ORDER BY timestamp_ms DESC, request_id DESC LIMIT 1 OFFSET 1")
q "$db" "INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value,
	created_timestamp, last_updated_timestamp, source_type, source_id, span_id, valid)
	VALUES ('a-dup-old', '$first', 'verdict', 'feedback', 'false', 1000, 1000, 'HUMAN', 'dd', NULL, 1),
	('a-dup-new', '$first', 'verdict', 'feedback', 'true', 2000, 3000, 'HUMAN', 'dd', NULL, 1),
	('a-dup-mid', '$first', 'verdict', 'feedback', 'false', 1500, 2000, 'HUMAN', 'dd', NULL, 1)"
mkdir -p "$T/cfg/tracelab"
cat >"$T/cfg/tracelab/config.yaml" <<'YAML'
source_id: dd
refresh_seconds: 0
advance: never
labels:
  - name: verdict
    type: boolean
    keys: {"+": true, "-": false}
YAML
mine() { q "$db" "SELECT count(*) FROM assessments WHERE source_id = 'dd' AND trace_id = '$first' AND name = 'verdict' AND valid = 1"; }
wait_mine() {
	_n=200
	while [ "$_n" -gt 0 ]; do
		[ "$(mine)" = "$1" ] && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}
tmux_start "env XDG_CONFIG_HOME='$T/cfg' TERM=tmux-256color '$TL' '$db'" 140 45
if tmux_wait " 1 / $ntr" 15; then ok "dedupe: starts"; else not_ok "dedupe: starts" "$(pane)"; fi
tmux_keys Enter
if tmux_wait "3 rows of yours answer verdict on the trace: K keeps the newest, deletes 2"; then
	ok "dedupe: the trace view shows the duplicates and the key"
else
	not_ok "dedupe: the trace view shows the duplicates and the key" "$(pane)"
fi
tmux_keys K
if tmux_wait "kept the newest: 2 duplicate rows of yours deleted"; then ok "dedupe: K says what it did"
else not_ok "dedupe: K says what it did" "$(pane | tail -n 2)"; fi
if wait_mine 1; then ok "dedupe: one row of mine remains"; else not_ok "dedupe: one row of mine remains" "$(mine)"; fi
expect_eq "dedupe: it is the newest" \
	"$(q "$db" "SELECT assessment_id FROM assessments WHERE source_id = 'dd' AND trace_id = '$first'")" a-dup-new
if tmux_wait "3 rows of yours" 1; then not_ok "dedupe: the notice is gone" "$(pane)"; else ok "dedupe: the notice is gone"; fi
tmux_keys u
tmux_keys u
if wait_mine 3; then ok "dedupe: u twice brings both rows back"; else not_ok "dedupe: u twice brings both rows back" "$(mine)"; fi
expect_eq "dedupe: with their ids" \
	"$(q "$db" "SELECT group_concat(assessment_id, ' ') FROM (SELECT assessment_id FROM assessments WHERE source_id = 'dd' AND trace_id = '$first' ORDER BY assessment_id)")" \
	"a-dup-mid a-dup-new a-dup-old"

# Back in the list: the second row, two seconds, then a label.
tmux_keys Escape j
sleep 2.2
tmux_keys +
_n=200
while [ "$_n" -gt 0 ] && [ "$(q "$db" "SELECT count(*) FROM assessments WHERE source_id = 'dd' AND trace_id = '$second'")" != 1 ]; do
	sleep 0.05
	_n=$((_n - 1))
done
secs=$(q "$db" "SELECT json_extract(assessment_metadata, '\$.\"tracelab.seconds_on_item\"') FROM assessments WHERE source_id = 'dd' AND trace_id = '$second'")
expect_eq "dedupe: a label from the list records the seconds on the item" \
	"$(case $secs in [2-9]|[1-9][0-9]) echo yes ;; *) echo "no: [$secs]" ;; esac)" yes
tmux_keys q
tmux_wait "SHELL-IS-BACK" 10
run_tl pending "$db"
expect_eq "dedupe: nothing pending at the end" "$out" "no labels pending for this store"
tmux_stop
