# tracelab queues / queues create on stores made from MLflow 3.14's schema:
# every column of the rows written, against what MLflow's store methods
# write (docs/mlflow-review.md "Review queues"); older stores untouched.
. "$(dirname "$0")/../lib.sh"

NOW=1767225600123
export TRACELAB_NOW_MS=$NOW
S=$(store_314 s.db)
printf 'source_id: Alice@Example.com\n' >"$T/alice.yaml"
printf 'source_id: bob@example.com\n' >"$T/bob.yaml"
printf 'source_id: carol@example.com\n' >"$T/carol.yaml"
BILLING="tags.\`mlflow.traceName\` = 'billing_agent' OR tags.\`mlflow.traceName\` = 'rag_answer'"
want_items=$(q "$S" "SELECT count(*) FROM trace_info ti JOIN trace_tags t ON t.request_id = ti.request_id
	AND t.key = 'mlflow.traceName' WHERE t.value IN ('billing_agent', 'rag_answer')")

run_tl --config "$T/alice.yaml" queues "$S"
expect_eq "no queues yet: exit 0" "$rc" 0
expect_has "no queues yet: says so" "$err" "no review queue is assigned to Alice@Example.com"

# A label schema as MLflow's create_label_schema writes it (schema_id "ls-" + uuid4 hex).
q "$S" "INSERT INTO label_schemas (schema_id, experiment_id, name, type, instruction,
	enable_comment, input_type, input_config, created_by, created_time, last_update_time,
	is_default) VALUES ('ls-0f3c2a9b8d7e4f60a1b2c3d4e5f60718', 0, 'correct', 'feedback',
	'Is the answer correct?', 1, 'pass_fail',
	'{\"positive_label\": \"Pass\", \"negative_label\": \"Fail\"}', 'lead@example.com',
	1767225600000, 1767225600000, 0)"

run_tl --config "$T/alice.yaml" queues create "$S" "  Billing Review " --filter "$BILLING" \
	--user Alice@Example.com --user " BOB@example.com" --user alice@example.com --schema correct
expect_eq "create: exit 0" "$rc" 0
qid=$out
case $qid in
rq-[0-9a-f]*) [ ${#qid} -eq 35 ] && ok "queue id is rq- + 32 hex" || not_ok "queue id is rq- + 32 hex" "$qid" ;;
*) not_ok "queue id is rq- + 32 hex" "$qid" ;;
esac
expect_eq "queue id is a uuid4 (version and variant digits)" \
	"$(printf '%s' "$qid" | cut -c16,20 | sed 's/[89ab]$/v/')" "4v"
expect_has "create: says what it made" "$err" "created queue 'Billing Review' with $want_items traces for 3 reviewers"
expect_eq "review_queues row as create_review_queue writes it" \
	"$(q "$S" "SELECT queue_id, experiment_id, name, queue_type, quote(created_by), creation_time_ms,
		last_update_time_ms, name_key FROM review_queues")" \
	"$qid|0|Billing Review|custom|'Alice@Example.com'|$NOW|$NOW|billing review"
expect_eq "review_queue_users: normalised, repeats dropped" \
	"$(q "$S" "SELECT queue_id || ' ' || user_id FROM review_queue_users ORDER BY user_id")" \
	"$qid alice@example.com
$qid bob@example.com"
expect_eq "review_queue_label_schemas: the schema's id" \
	"$(q "$S" "SELECT queue_id || ' ' || schema_id FROM review_queue_label_schemas")" \
	"$qid ls-0f3c2a9b8d7e4f60a1b2c3d4e5f60718"
expect_eq "one item per trace the filter selects" \
	"$(q "$S" "SELECT count(*) FROM review_queue_items")" "$want_items"
expect_eq "items as add_items_to_review_queue writes them" \
	"$(q "$S" "SELECT DISTINCT queue_id, item_type, status, quote(completed_by), quote(completed_time_ms),
		creation_time_ms, last_update_time_ms FROM review_queue_items")" \
	"$qid|trace|pending|NULL|NULL|$NOW|$NOW"
expect_eq "the items are exactly the filter's traces" \
	"$(q "$S" "SELECT count(*) FROM review_queue_items i JOIN trace_tags t ON t.request_id = i.item_id
		AND t.key = 'mlflow.traceName' WHERE t.value IN ('billing_agent', 'rag_answer')")" "$want_items"

run_tl --config "$T/alice.yaml" queues create "$S" "BILLING review" --filter "$BILLING" --user bob
expect_eq "a name taken in another case: usage error" "$rc" 2
expect_has "a name taken in another case: says so" "$err" "already exists"
run_tl --config "$T/alice.yaml" queues create "$S" "Default" --filter "$BILLING" --user bob
expect_eq "the reserved name default: usage error" "$rc" 2
expect_has "the reserved name: says so" "$err" "reserved queue name"
run_tl --config "$T/alice.yaml" queues create "$S" "x" --filter "$BILLING" --user bob --schema nope
expect_eq "an unknown schema: exit 1" "$rc" 1
expect_has "an unknown schema: named" "$err" "no label schema named 'nope'"
run_tl --config "$T/alice.yaml" queues create "$S" "x" --filter "status = 'NOPE'" --user bob
expect_has "a filter selecting nothing: refused" "$err" "selects no trace"
run_tl --config "$T/alice.yaml" queues create "$S" "x" --filter "$BILLING" \
	--user u1 --user u2 --user u3 --user u4 --user u5 --user u6 --user u7 --user u8 --user u9 \
	--user u10 --user u11
expect_has "more than 10 users: refused" "$err" "at most 10 assigned users"
expect_eq "failed creates wrote nothing" "$(q "$S" "SELECT count(*) FROM review_queues")" 1

run_tl --config "$T/bob.yaml" queues "$S"
expect_eq "bob's list: exit 0" "$rc" 0
expect_has "bob's list: the queue with its counts" "$out" \
	"$(printf 'Billing Review  0           %7d         0         0  alice@example.com,bob@example.com' "$want_items")"
run_tl --config "$T/carol.yaml" queues "$S"
expect_has "carol has none" "$err" "no review queue is assigned to carol@example.com"
run_tl --config "$T/carol.yaml" queues "$S" --all --format json
expect_has "--all --format json: MLflow's field names and the counts" "$out" \
	"\"queue_id\": \"$qid\", \"experiment_id\": \"0\", \"name\": \"Billing Review\", \"queue_type\": \"custom\", \"created_by\": \"Alice@Example.com\", \"creation_time_ms\": $NOW, \"last_update_time_ms\": $NOW, \"users\": [\"alice@example.com\", \"bob@example.com\"], \"schema_ids\": [\"ls-0f3c2a9b8d7e4f60a1b2c3d4e5f60718\"], \"questions\": [\"correct\"], \"pending\": $want_items, \"complete\": 0, \"declined\": 0}"

# A store older than 3.14: nothing is created in it, and it says so.
O=$(fresh_store old.db)
before=$(sqlite3 "$O" .schema; q "$O" "PRAGMA integrity_check")
run_tl --config "$T/alice.yaml" queues "$O"
expect_eq "older store: exit 1" "$rc" 1
expect_has "older store: no review queues" "$err" "has no review queues (its MLflow schema is older than 3.14"
run_tl --config "$T/alice.yaml" queues create "$O" q --filter "status = 'OK'" --experiment 0 --user bob
expect_has "older store: create says so too" "$err" "has no review queues"
expect_eq "older store: schema and integrity unchanged" \
	"$(sqlite3 "$O" .schema; q "$O" "PRAGMA integrity_check")" "$before"
