#!/bin/sh
# MLflow review queues in the real terminal, on a store made from MLflow
# 3.14's schema: the picker and :queue restrict the list to the queue's
# pending items in MLflow's order; the answer that completes a trace
# completes its item in the same transaction (completed_by, the time);
# O declines; undo reopens and redo clears again; another reviewer's
# finishing shows at the next refresh; two reviewers finishing one item at
# once clear it once; a store without the tables is left as it was.  Every
# column is checked against what MLflow's store methods write
# (docs/mlflow-review.md "Review queues").
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$(store_314 queue.db)
q "$db" "INSERT INTO label_schemas (schema_id, experiment_id, name, type, instruction,
	enable_comment, input_type, input_config, created_by, created_time, last_update_time,
	is_default) VALUES
	('ls-0a000000000040008000000000000001', 0, 'correct', 'feedback', 'Is it right?', 0,
	 'pass_fail', '{\"positive_label\": \"Pass\", \"negative_label\": \"Fail\"}', 'lead', 1, 1, 0),
	('ls-0a000000000040008000000000000002', 0, 'helpful', 'feedback', NULL, 0,
	 'numeric', '{\"min_value\": 1, \"max_value\": 5}', 'lead', 1, 1, 0)"
for who in alice bob; do
	# no labels: the store's schemas are the questions (+ / - for
	# pass/fail, digits for the 1..5 range)
	cat >"$T/$who.yaml" <<CFG
source_id: $who@example.com
refresh_seconds: 1
CFG
done
"$TL" --config "$T/alice.yaml" queues create "$db" "Billing Review" --user alice@example.com \
	--user bob@example.com --schema correct --schema helpful \
	--filter "tags.\`mlflow.traceName\` IN ('billing_agent', 'rag_answer')" >/dev/null 2>&1 ||
	not_ok "e2e queues: create" "failed"
N=$(q "$db" "SELECT count(*) FROM review_queue_items")
# MLflow's order: attached newest first, then by item id.
ORDER=$(q "$db" "SELECT item_id FROM review_queue_items ORDER BY creation_time_ms DESC, item_id")
I1=$(echo "$ORDER" | sed -n 1p)
I2=$(echo "$ORDER" | sed -n 2p)
I3=$(echo "$ORDER" | sed -n 3p)
I4=$(echo "$ORDER" | sed -n 4p)
short() { printf '%s' "$1" | cut -c1-9; }
item() { q "$db" "SELECT status || '|' || quote(completed_by) || '|' || quote(completed_time_ms) || '|' || (last_update_time_ms >= creation_time_ms) FROM review_queue_items WHERE item_id = '$1'"; }
answers() { q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$1' AND source_id = '$2@example.com' AND valid = 1"; }

step() {
	_name=$1 _re=$2
	shift 2
	[ $# -gt 0 ] && tmux_keys "$@"
	if tmux_wait "$_re"; then ok "e2e queues: $_name"; else not_ok "e2e queues: $_name" "$(pane)"; fi
}
bob_keys() { tm send-keys -t bob "$@"; }
bob_pane() { tm capture-pane -p -t bob; }
bob_step() {
	_name=$1 _re=$2
	shift 2
	[ $# -gt 0 ] && bob_keys "$@"
	_n=200
	while [ $_n -gt 0 ] && ! bob_pane | grep -q -- "$_re"; do sleep 0.05; _n=$((_n - 1)); done
	if bob_pane | grep -q -- "$_re"; then ok "e2e queues: $_name"; else not_ok "e2e queues: $_name" "$(bob_pane)"; fi
}
bob_beside() {
	# an offer to override alice's answer: n keeps mine beside it (and
	# Enter when a rationale is asked); none: written already
	_n=40
	while [ $_n -gt 0 ]; do
		bob_pane | grep -q "correct = .* on tr-" && return 0
		if bob_pane | grep -q "override it with"; then
			bob_keys n
			sleep 0.3
			bob_pane | grep -q "rationale (Enter: none)" && bob_keys Enter
			return 0
		fi
		sleep 0.05
		_n=$((_n - 1))
	done
	return 0
}
wait_sql() {
	# wait_sql SQL WANT: until the query gives WANT (5 s)
	_n=100
	while [ $_n -gt 0 ] && [ "$(q "$db" "$1")" != "$2" ]; do sleep 0.05; _n=$((_n - 1)); done
}

tmux_start "TERM=tmux-256color '$TL' '$db' --config '$T/alice.yaml'" 140 40
step "starts on the whole experiment" " 1 / 27"
step "Q: the picker lists my queue with its counts" "Billing Review .* 0 *$N *0 *0 *correct, helpful" Q
step "Enter: the list is the queue's pending items" "queue Billing Review .* 1 / $N" Enter
step "in MLflow's order (first item)" "^[^ ]* [^ ]* $(short "$I1")"
tmux_keys j
step "in MLflow's order (second item)" "^[^ ]* [^ ]* $(short "$I2")" k
step "the first answer leaves the item pending" "correct = true on $(short "$I1")" +
expect_eq "e2e queues: one answer of two: still pending" "$(item "$I1")" "pending|NULL|NULL|1"
step "the last required answer completes the item" "$(short "$I1").* complete in queue Billing Review" 4
step "the completed item leaves the list" "queue Billing Review .* 1 / $((N - 1))"
expect_eq "e2e queues: complete, completed_by me, the time of the answer" "$(item "$I1")" \
	"complete|'alice@example.com'|$(q "$db" "SELECT last_updated_timestamp FROM assessments WHERE trace_id = '$I1' AND name = 'helpful'")|1"
expect_eq "e2e queues: completed_time_ms = last_update_time_ms (set_review_queue_item_status)" \
	"$(q "$db" "SELECT completed_time_ms = last_update_time_ms FROM review_queue_items WHERE item_id = '$I1'")" 1
step "O declines the selected item (out of scope)" "$(short "$I2").* declined in queue Billing Review" O
wait_sql "SELECT status FROM review_queue_items WHERE item_id = '$I2'" declined
expect_eq "e2e queues: declined, completed_by me, the time" \
	"$(q "$db" "SELECT status || '|' || completed_by || '|' || (completed_time_ms = last_update_time_ms) || '|' || (completed_time_ms > creation_time_ms - 1) FROM review_queue_items WHERE item_id = '$I2'")" \
	"declined|alice@example.com|1|1"
expect_eq "e2e queues: a decline writes no assessment" "$(answers "$I2" alice)" 0
step "u reopens the declined item" "$(short "$I2").* pending again" u
wait_sql "SELECT status FROM review_queue_items WHERE item_id = '$I2'" pending
expect_eq "e2e queues: reopened: pending, attribution cleared" "$(item "$I2")" "pending|NULL|NULL|1"
step "u again undoes the answer that completed the first item" "undone: helpful on $(short "$I1")" u
wait_sql "SELECT status FROM review_queue_items WHERE item_id = '$I1'" pending
expect_eq "e2e queues: undo across completion: the item is pending again" "$(item "$I1")" "pending|NULL|NULL|1"
expect_eq "e2e queues: ... and the answer is gone, the first one stays" "$(answers "$I1" alice)" 1
step "Ctrl-r redoes it: complete again" "redone: helpful on $(short "$I1")" C-r
wait_sql "SELECT status FROM review_queue_items WHERE item_id = '$I1'" complete
expect_eq "e2e queues: redo: complete by me again" \
	"$(q "$db" "SELECT status || '|' || completed_by FROM review_queue_items WHERE item_id = '$I1'")" \
	"complete|alice@example.com"

# Bob finishes the item alice has open: her next refresh says so.
tm new-session -d -s bob -x 140 -y 40 "TERM=tmux-256color '$TL' '$db' --config '$T/bob.yaml'; sleep 600"
bob_step "bob: the queue" "queue Billing Review .* 1 / $((N - 1))" ":queue billing review" Enter
step "alice opens the next item's form" "^ form $I2" L
step "alice answers one question of it" "correct = false on $(short "$I2")" -
bob_keys +
bob_beside
bob_step "bob answers the item's first question" "correct = true on $(short "$I2")"
bob_step "bob completes it" "$(short "$I2").* complete in queue" 5
step "alice's refresh: cleared by another reviewer, her answers kept" \
	"$(short "$I2").* was cleared by another reviewer; your answers are kept"
expect_eq "e2e queues: bob cleared it" \
	"$(q "$db" "SELECT status || '|' || completed_by FROM review_queue_items WHERE item_id = '$I2'")" \
	"complete|bob@example.com"
expect_eq "e2e queues: alice's answer stays on it" "$(answers "$I2" alice)" 1
step "back: the queue's next item is first" "^[^ ]* [^ ]* $(short "$I3")" Escape

# Both finish the same item at once: the store's lock holds both writes,
# then one clears the item and the other sees it cleared.
step "alice's first answer on the next item" "correct = true on $(short "$I3")" +
bob_keys -
bob_beside
bob_step "bob's first answer on it" "correct = false on $(short "$I3")"
hold "$db" 30
tmux_keys 3
bob_keys 2
sleep 1
expect_eq "e2e queues: under the lock nothing is written" "$(item "$I3")" "pending|NULL|NULL|1"
release
wait_sql "SELECT count(*) FROM assessments WHERE trace_id = '$I3' AND name = 'helpful'" 2
wait_sql "SELECT status FROM review_queue_items WHERE item_id = '$I3'" complete
by=$(q "$db" "SELECT completed_by FROM review_queue_items WHERE item_id = '$I3'")
case $by in
alice@example.com|bob@example.com) ok "e2e queues: one of the two completed it ($by)" ;;
*) not_ok "e2e queues: one of the two completed it" "[$by]" ;;
esac
expect_eq "e2e queues: at the time of the winner's answer" \
	"$(q "$db" "SELECT i.completed_time_ms = a.last_updated_timestamp FROM review_queue_items i JOIN assessments a ON a.trace_id = i.item_id AND a.name = 'helpful' AND a.source_id = i.completed_by WHERE i.item_id = '$I3'")" 1
expect_eq "e2e queues: both answers landed" "$(answers "$I3" alice) $(answers "$I3" bob)" "2 2"
if [ "$by" = alice@example.com ]; then
	bob_step "the second sees it cleared" "$(short "$I3").* was cleared by another reviewer first"
else
	step "the second sees it cleared" "$(short "$I3").* was cleared by another reviewer first"
fi
expect_eq "e2e queues: the items are what MLflow's store would hold" \
	"$(q "$db" "SELECT status, count(*) FROM review_queue_items GROUP BY status ORDER BY status")" \
	"complete|3
pending|$((N - 3))"
step "alice quits" "SHELL-IS-BACK" q
tm kill-session -t bob
tmux_stop

# A custom queue asks its own schemas: one question here, and one answer
# completes an item.
"$TL" --config "$T/alice.yaml" queues create "$db" "Correctness only" --user alice@example.com \
	--schema correct --filter "status = 'ERROR'" >/dev/null 2>&1 ||
	not_ok "e2e queues: create a second queue" "failed"
E1=$(q "$db" "SELECT i.item_id FROM review_queue_items i JOIN review_queues r ON r.queue_id = i.queue_id WHERE r.name = 'Correctness only' ORDER BY i.creation_time_ms DESC, i.item_id LIMIT 1")
tmux_start "TERM=tmux-256color '$TL' '$db' --config '$T/alice.yaml'" 140 40
step "second queue: :queue in any case" "queue Correctness only" ":queue CORRECTNESS ONLY" Enter
step "its form asks its one schema" "Questions (1):" L
step "one answer completes the item" "$(short "$E1").* complete in queue Correctness only" +
expect_eq "e2e queues: second queue: complete by me" \
	"$(q "$db" "SELECT i.status || '|' || i.completed_by FROM review_queue_items i JOIN review_queues r ON r.queue_id = i.queue_id WHERE r.name = 'Correctness only' AND i.item_id = '$E1'")" \
	"complete|alice@example.com"
tmux_keys Escape
step "second queue: quits" "SHELL-IS-BACK" q
tmux_stop

# A crash between journal and store: the last answer waits behind a held
# lock, tracelab is killed (-9), and the next start writes the answer and
# the item's completion together, once.
rm -f "$T/pid"
tmux_start "echo \$\$ >'$T/pid'; exec env TERM=tmux-256color '$TL' '$db' --config '$T/alice.yaml'" 140 40
step "crash: the queue" "queue Billing Review" ":queue Billing Review" Enter
K1=$(q "$db" "SELECT i.item_id FROM review_queue_items i JOIN review_queues r ON r.queue_id = i.queue_id WHERE r.name = 'Billing Review' AND i.status = 'pending' ORDER BY i.creation_time_ms DESC, i.item_id LIMIT 1")
step "crash: the first answer" "correct = true on $(short "$K1")" +
hold "$db" 30
step "crash: the last answer waits for the lock" "saving helpful = 1 on $(short "$K1")" 1
kill -9 "$(cat "$T/pid")" 2>/dev/null
release
tmux_stop
expect_eq "crash: neither the answer nor the completion is in the store" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$K1' AND name = 'helpful' AND source_id = 'alice@example.com'") $(item "$K1")" \
	"0 pending|NULL|NULL|1"
expect_has "crash: the journal holds the answer with its queue item" \
	"$(cat "$HOME/.local/state/tracelab/journal.jsonl")" "\"queue\": \"$(q "$db" "SELECT queue_id FROM review_queues WHERE name = 'Billing Review'")\", \"queue_status\": \"complete\""
run_tl pending "$db" --retry
expect_eq "crash: pending --retry: exit 0" "$rc" 0
expect_eq "crash: the answer and the completion landed together" \
	"$(q "$db" "SELECT a.value || '|' || i.status || '|' || i.completed_by || '|' || (i.completed_time_ms = a.last_updated_timestamp) FROM assessments a JOIN review_queue_items i ON i.item_id = a.trace_id JOIN review_queues r ON r.queue_id = i.queue_id AND r.name = 'Billing Review' WHERE a.trace_id = '$K1' AND a.name = 'helpful' AND a.source_id = 'alice@example.com'")" \
	"1|complete|alice@example.com|1"
run_tl pending "$db" --retry
expect_eq "crash: once: one answer row" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$K1' AND name = 'helpful' AND source_id = 'alice@example.com'")" 1

# A store without the tables: the picker and :queue say so; nothing changes.
old=$(fresh_store old.db)
before=$(sqlite3 "$old" .schema; q "$old" "PRAGMA integrity_check")
db=$old
tmux_start "TERM=tmux-256color '$TL' '$old' --config '$T/alice.yaml'" 140 40
step "older store: starts" "LIST"
step "older store: Q says there are no queues" "has no review queues" Q
step "older store: :queue says so too" "has no review queues" ":queue x" Enter
step "older store: quits" "SHELL-IS-BACK" q
tmux_stop
expect_eq "e2e queues: older store: schema and integrity unchanged" \
	"$(sqlite3 "$old" .schema; q "$old" "PRAGMA integrity_check")" "$before"
