# Review queues against a real MLflow tracking server (3.6): its REST API
# has no review-queue endpoints, so every queue command and the queue.NAME
# filter say so cleanly, and nothing is written.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/servers.lib"
remote_need
remote_start sqlite || exit 1
URL=$(remote_url sqlite)
printf 'source_id: alice@example.com\n' >"$T/alice.yaml"

run_tl --config "$T/alice.yaml" queues "$URL"
expect_eq "queues over REST: exit 1" "$rc" 1
expect_has "queues over REST: not available on this server" "$err" \
	"review queues are not available on this server ($URL): its REST API has no review-queue endpoints"
run_tl --config "$T/alice.yaml" queues create "$URL" Triage --filter "status = 'OK'" --user bob \
	--experiment 0
expect_has "queues create over REST: not available" "$err" "review queues are not available on this server"
run_tl list "$URL" --filter "queue.triage = 'pending'"
expect_eq "queue.NAME over REST: usage error" "$rc" 2
expect_has "queue.NAME over REST: not available" "$err" "review queues are not available on this server"
