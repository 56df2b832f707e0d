#!/bin/sh
# A team works one review queue from start to finish, as the README's
# "Review queues" workflow describes: a lead creates two label schemas and
# a queue of 10 traces for alice and bob from the terminal; two tracelab
# processes (each reviewer with their own configuration and XDG
# directories) answer both questions on some items, completing them, and
# decline one each, until no item is pending; once both have the same
# item open and the second sees it cleared by the other rather than
# completing it again.  The store is then checked row by row against what
# MLflow's store methods write (docs/mlflow-review.md "Review queues").
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

db=$(store_314 team.db)
Q="Team Review"
printf 'source_id: lead@example.com\n' >"$T/lead.yaml"
lead() { TRACELAB_CONFIG="$T/lead.yaml" "$TL" "$@" >/dev/null 2>&1 || not_ok "e2e team: lead: $*" "failed"; }
lead schemas create "$db" correct --input pass_fail --positive Pass --negative Fail
lead schemas create "$db" severity --input categorical -o low -o medium -o high
# the 10 newest traces of the demo store
lead queues create "$db" "$Q" --filter "timestamp_ms >= 1772647407640" \
	--user alice@example.com --user bob@example.com --schema correct --schema severity
expect_eq "e2e team: the queue holds 10 pending traces" \
	"$(q "$db" "SELECT count(*), count(DISTINCT item_id), sum(status = 'pending') FROM review_queue_items")" "10|10|10"

for who in alice bob; do
	mkdir -p "$T/$who/.config/tracelab" "$T/$who/.local/state"
	cat >"$T/$who/.config/tracelab/config.yaml" <<CFG
source_id: $who@example.com
refresh_seconds: 1
CFG
done
# MLflow's order: attached newest first, then by item id
ORDER=$(q "$db" "SELECT item_id FROM review_queue_items ORDER BY creation_time_ms DESC, item_id")
I() { echo "$ORDER" | sed -n "$1p"; }
S() { I "$1" | cut -c1-9; }

start() {
	tm new-session -d -s "$1" -x 140 -y 40 \
		"env HOME='$T/$1' XDG_CONFIG_HOME='$T/$1/.config' XDG_STATE_HOME='$T/$1/.local/state' TERM=tmux-256color '$TL' '$db'; echo SHELL-IS-BACK; sleep 600"
}
screen() { tm capture-pane -p -t "$1"; }
# at WHO NAME RE [KEYS...]: send the keys to WHO's tracelab, then wait
# (10 s) until its screen shows RE
at() {
	_who=$1 _name=$2 _re=$3
	shift 3
	[ $# -gt 0 ] && tm send-keys -t "$_who" "$@"
	_n=200
	while [ $_n -gt 0 ] && ! screen "$_who" | grep -q -- "$_re"; do sleep 0.05; _n=$((_n - 1)); done
	if screen "$_who" | grep -q -- "$_re"; then ok "e2e team: $_who: $_name"; else
		not_ok "e2e team: $_who: $_name" "$(screen "$_who")"; fi
}
# answer WHO N SEVERITY-KEY CORRECT-KEY: WHO answers both questions of
# item N in its form, which completes it; decline WHO N: O on it
answer() {
	_who=$1 _it=$2 _sev=$3 _ok=$4
	at "$_who" "the form opens on item $_it" "^ form $(I "$_it")" L
	at "$_who" "item $_it: the first answer" "on $(S "$_it")" "$_sev"
	at "$_who" "item $_it: the second answer completes it" "$(S "$_it").* complete in queue $Q" "$_ok"
}
decline() {
	_who=$1 _it=$2
	at "$_who" "the form opens on item $_it" "^ form $(I "$_it")" L
	at "$_who" "O declines item $_it" "$(S "$_it").* declined in queue $Q" O
}
back() { at "$1" "back to the queue: $2 pending" "queue $Q .* 1 / $2 *\$" Escape; }

start alice
start bob
at alice "starts" " 1 / 27"
at alice ":queue: the queue's pending items" "queue $Q .* 1 / 10 *\$" ":queue team review" Enter
at bob "starts" " 1 / 27"
at bob "Q lists the queue assigned to me" "$Q .* 0 *10 *0 *0 *\\(correct, severity\\|severity, correct\\) *$" Q
at bob "Enter: the queue's pending items" "queue $Q .* 1 / 10 *\$" Enter

# alice: two items complete, one declined
answer alice 1 y +
at alice "the form moves on to the next pending item" "^ form $(I 2)"
tm send-keys -t alice Escape
answer alice 2 o -
tm send-keys -t alice Escape
decline alice 3
back alice 7
# bob's list follows at the next refresh; then the same for him
at bob "alice's three items left his list" "queue $Q .* 1 / 7 *\$"
answer bob 4 c +
tm send-keys -t bob Escape
answer bob 5 y -
tm send-keys -t bob Escape
decline bob 6
back bob 4
at alice "bob's items left her list" "queue $Q .* 1 / 4 *\$"

# both open item 7; alice answers one question, bob both: bob clears it
at alice "the form opens on item 7" "^ form $(I 7)" L
at bob "the form opens on item 7 too" "^ form $(I 7)" L
at alice "item 7: her first answer" "severity = .* on $(S 7)" y
answer_rest() { at bob "item 7: $1" "$2" "$3"; }
answer_rest "his first answer" "on $(S 7)" o
answer_rest "his second answer completes it" "$(S 7).* complete in queue $Q" +
at alice "item 7: cleared by another reviewer, her answers kept" \
	"$(S 7).* was cleared by another reviewer; your answers are kept"
done7=$(q "$db" "SELECT status || '|' || completed_by || '|' || completed_time_ms || '|' || last_update_time_ms FROM review_queue_items WHERE item_id = '$(I 7)'")
tm send-keys -t alice +
_n=100
while [ $_n -gt 0 ] && [ "$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$(I 7)' AND source_id = 'alice@example.com'")" != 2 ]; do
	sleep 0.05
	_n=$((_n - 1))
done
expect_eq "e2e team: alice: her last answer on item 7 is kept" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$(I 7)' AND source_id = 'alice@example.com'")" 2
expect_eq "e2e team: ... and does not complete item 7 again (bob's completion stays as it was)" \
	"$(q "$db" "SELECT status || '|' || completed_by || '|' || completed_time_ms || '|' || last_update_time_ms FROM review_queue_items WHERE item_id = '$(I 7)'")" \
	"$done7"
case $done7 in
complete\|bob@example.com\|*) ok "e2e team: bob completed item 7" ;;
*) not_ok "e2e team: bob completed item 7" "[$done7]" ;;
esac
at alice "Esc: back to the queue without item 7" "queue $Q .* 1 / 3 *\$" Escape
tm send-keys -t bob Escape

# the rest: alice 8, bob 9, alice 10
answer alice 8 c -
back alice 2
at bob "his list follows" "queue $Q .* 1 / 2 *\$"
answer bob 9 y +
back bob 1
at alice "her list follows" "queue $Q .* 1 / 1 *\$"
answer alice 10 o +
tm send-keys -t alice Escape
at alice "the queue is empty" "queue $Q .* 0 / 0 *\$"
at bob "the queue is empty for bob too" "queue $Q .* 0 / 0 *\$"
at alice "quits" "SHELL-IS-BACK" q
at bob "quits" "SHELL-IS-BACK" q

# --- the store -----------------------------------------------------------
item() { q "$db" "SELECT status || '|' || quote(completed_by) FROM review_queue_items WHERE item_id = '$(I "$1")'"; }
want=""
got=""
for n in 1 2 3 4 5 6 7 8 9 10; do
	case $n in
	1 | 2 | 8 | 10) w="complete|'alice@example.com'" ;;
	3) w="declined|'alice@example.com'" ;;
	6) w="declined|'bob@example.com'" ;;
	*) w="complete|'bob@example.com'" ;;
	esac
	want="$want $n:$w"
	got="$got $n:$(item "$n")"
done
expect_eq "e2e team: every item complete or declined, by the reviewer who cleared it" "$got" "$want"
expect_eq "e2e team: none pending" \
	"$(q "$db" "SELECT status, count(*) FROM review_queue_items GROUP BY status ORDER BY status")" \
	"complete|8
declined|2"
expect_eq "e2e team: a completed item's time is its completer's last answer's (completed_time_ms = last_update_time_ms)" \
	"$(q "$db" "SELECT count(*) FROM review_queue_items i WHERE status = 'complete' AND completed_time_ms IS NOT NULL
		AND completed_time_ms = last_update_time_ms AND completed_time_ms = (SELECT max(last_updated_timestamp)
		FROM assessments a WHERE a.trace_id = i.item_id AND a.source_id = i.completed_by)")" 8
expect_eq "e2e team: a declined item: completed_by, completed_time_ms = last_update_time_ms, set after it was attached" \
	"$(q "$db" "SELECT count(*) FROM review_queue_items WHERE status = 'declined' AND completed_by IS NOT NULL
		AND completed_time_ms = last_update_time_ms AND completed_time_ms >= creation_time_ms")" 2
expect_eq "e2e team: a decline writes no assessment" \
	"$(q "$db" "SELECT count(*) FROM assessments a JOIN review_queue_items i ON i.item_id = a.trace_id
		WHERE i.status = 'declined' AND a.source_id IN ('alice@example.com', 'bob@example.com')")" 0
expect_eq "e2e team: one row per question per reviewer per trace" \
	"$(q "$db" "SELECT count(*) FROM (SELECT trace_id, name, source_id FROM assessments
		WHERE source_id IN ('alice@example.com', 'bob@example.com') GROUP BY 1, 2, 3 HAVING count(*) > 1)")" 0
expect_eq "e2e team: the answers: schema names, feedback, HUMAN + source_id, valid, on the trace" \
	"$(q "$db" "SELECT source_id, name, assessment_type, source_type, count(*), sum(valid), count(span_id), count(overrides)
		FROM assessments WHERE source_id IN ('alice@example.com', 'bob@example.com') GROUP BY 1, 2 ORDER BY 1, 2")" \
	"alice@example.com|correct|feedback|HUMAN|5|5|0|0
alice@example.com|severity|feedback|HUMAN|5|5|0|0
bob@example.com|correct|feedback|HUMAN|4|4|0|0
bob@example.com|severity|feedback|HUMAN|4|4|0|0"
val() { q "$db" "SELECT group_concat(value, ' ') FROM (SELECT value FROM assessments WHERE trace_id = '$(I "$1")' AND source_id = '$2@example.com' ORDER BY name)"; }
expect_eq "e2e team: the values as MLflow's json.dumps (correct, severity)" \
	"$(val 1 alice) / $(val 2 alice) / $(val 4 bob) / $(val 5 bob) / $(val 7 alice) / $(val 7 bob) / $(val 8 alice) / $(val 9 bob) / $(val 10 alice)" \
	'true "low" / false "medium" / true "high" / false "low" / true "low" / true "medium" / false "high" / true "low" / true "medium"'
expect_eq "e2e team: only the lead's two schemas, unchanged" \
	"$(q "$db" "SELECT group_concat(name, ','), sum(created_time = last_update_time) FROM (SELECT * FROM label_schemas ORDER BY name)")" \
	"correct,severity|2"

run_tl queues "$db" --all
expect_eq "e2e team: tracelab queues: exit 0" "$rc" 0
if printf '%s\n' "$out" | grep -q "^$Q .* 0 *8 *2 "; then ok "e2e team: tracelab queues: 0 pending, 8 complete, 2 declined"; else
	not_ok "e2e team: tracelab queues: 0 pending, 8 complete, 2 declined" "$out"; fi
bob_out=$(env HOME="$T/bob" XDG_CONFIG_HOME="$T/bob/.config" "$TL" queues "$db" 2>&1)
if printf '%s\n' "$bob_out" | grep -q "^$Q .* 0 *8 *2 "; then ok "e2e team: bob's tracelab queues: the same counts"; else
	not_ok "e2e team: bob's tracelab queues: the same counts" "$bob_out"; fi
expect_eq "e2e team: PRAGMA integrity_check" "$(q "$db" "PRAGMA integrity_check")" ok
