#!/bin/sh
# Labelling from the keyboard with the default label schemas (+/- for
# user_satisfaction, 1-5 for quality, t for notes): the rows written, the
# override of a judge, span labels, rationales, delete, undo / redo,
# repeat, advancing, pending labels.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"

db=$(fixture_store label.db)
mine() { q "$db" "SELECT name || '=' || value || coalesce(' span=' || span_id, '') || coalesce(' why=' || rationale, '')
	FROM assessments WHERE trace_id = '$1' AND source_type = 'HUMAN' AND source_id = 'me-tester' AND valid = 1
	ORDER BY name"; }

# The first trace: + (true); the list stays (advance: complete, and
# quality is still open there); then 4 completes the first trace and the
# list moves on to agent_run (no quality of mine there).
run_keys "$db" + ":snapshot $T/l1.txt" 4 ":snapshot $T/l2.txt"
expect_eq "label: script exits 0" "$rc" 0
expect_grep "label: confirmed in the status bar" "$T/l1.txt" "user_satisfaction = true on tr-c0000000…"
expect_grep "label: advance waits for the trace to be complete" "$T/l1.txt" " 1 / 44 *$"
expect_grep "label: complete: moved on" "$T/l2.txt" " 2 / 44 *$"
expect_eq "label: rows written" "$(mine tr-c0000000000000000000000000000003)" \
	"quality=4
user_satisfaction=true"
# complete: both required labels (notes is not required) on the first trace
expect_grep "label: progress" "$T/l2.txt" "complete 1 / 44 · user_satisfaction"

# Labelling again updates (one row, new value).
run_keys "$db" - 
n=$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = 'tr-c0000000000000000000000000000003' AND name = 'user_satisfaction'")
expect_eq "label: a second label updates my row" "$n" 1
expect_eq "label: new value" "$(mine tr-c0000000000000000000000000000003 | grep user_)" "user_satisfaction=false"

# agent_run has the judge's quality 1: 5 asks, y overrides, with a reason.
run_keys "$db" j 5 ":snapshot $T/ask.txt" y ":snapshot $T/why.txt" ":type judge was too harsh" Enter \
	":snapshot $T/over.txt"
expect_grep "label: the override question" "$T/ask.txt" "override it with 5?"
expect_grep "label: the rationale prompt" "$T/why.txt" "quality = 5, rationale (Enter: none):"
expect_grep "label: instructions with the question" "$T/ask.txt" "Overall quality, from 1 (unusable) to 5"
expect_grep "label: instructions with the rationale" "$T/why.txt" "Overall quality, from 1 (unusable) to 5"
expect_grep "label: override confirmed" "$T/over.txt" "quality = 5 on tr-b0000000… (overrides)"
expect_eq "label: override row" \
	"$(q "$db" "SELECT value || ' ' || overrides || ' ' || rationale FROM assessments WHERE trace_id = 'tr-b0000000000000000000000000000002' AND name = 'quality' AND source_type = 'HUMAN'")" \
	"5 a-b0000000000000000000000000000002 judge was too harsh"
expect_eq "label: the judge's row is no longer valid" \
	"$(q "$db" "SELECT valid FROM assessments WHERE assessment_id = 'a-b0000000000000000000000000000002'")" 0

# Esc at the question (bob has a quality here) writes nothing.
run_keys "$db" j j 1 ":snapshot $T/ask2.txt" Esc ":snapshot $T/esc.txt"
expect_grep "label: Esc cancels" "$T/esc.txt" "cancelled: nothing written"
n=$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = 'tr-a0000000000000000000000000000001' AND source_id = 'me-tester'")
expect_eq "label: nothing written after Esc" "$n" 0

# A text label, then a span label from the tree (@ makes the selected span
# the target; user_satisfaction may target one here), a rationale, delete,
# undo and redo.
sed 's/^    keys: {"+": true, "-": false}/    target: any\n&/' "$TOP/examples/config.yaml" >"$T/any.yaml"
UI_ARGS="--config $T/any.yaml" COLUMNS=140 LINES=60 run_keys "$db" j j t ":type rotation steps are right" Enter \
	Enter j ":snapshot $T/focus.txt" Tab Tab ":snapshot $T/focus2.txt" Tab "@" ":snapshot $T/at.txt" k \
	":snapshot $T/at2.txt" + ":snapshot $T/span.txt" r ":type the retriever found it" Enter ":snapshot $T/why2.txt"
expect_grep "label: the target shows in the status bar" "$T/focus.txt" "^ TRACE → trace "
expect_grep "label: moving the focus keeps the target" "$T/focus2.txt" "^ TRACE → trace "
expect_grep "label: @ targets the selected span" "$T/at.txt" "^ TRACE → span retrieve_docs "
expect_grep "label: the tree marks the target" "$T/at.txt" "→ retrieve_docs"
expect_grep "label: moving the selection keeps the target" "$T/at2.txt" "^ TRACE → span retrieve_docs "
expect_grep "label: span label confirmed" "$T/span.txt" "user_satisfaction = true on tr-a0000000… span retrieve_docs"
expect_eq "label: text and span labels" "$(mine tr-a0000000000000000000000000000001)" \
	"notes=\"rotation steps are right\"
user_satisfaction=true span=aaaa000000000002 why=the retriever found it"
expect_grep "label: the tree marks the span" "$T/why2.txt" "retrieve_docs ●"
expect_grep "label: the feedback pane shows it" "$T/why2.txt" "user_satisfaction = true  HUMAN me-tester (you)"

before=$(q "$db" "SELECT count(*) FROM assessments")
COLUMNS=120 run_keys "$db" j j Enter j "@" + ":snapshot $T/refuse.txt" x ":snapshot $T/del.txt" u ":snapshot $T/undo.txt" Ctrl-r ":snapshot $T/redo.txt"
expect_grep "label: a trace question refuses a span target" "$T/refuse.txt" \
	"user_satisfaction answers the trace only (@ targets it)"
expect_grep "label: delete confirmed" "$T/del.txt" "deleted user_satisfaction on tr-a0000000…"
expect_grep "label: undo" "$T/undo.txt" "undone: user_satisfaction"
expect_grep "label: redo" "$T/redo.txt" "redone: user_satisfaction"
expect_eq "label: after delete, undo, redo: gone" "$(mine tr-a0000000000000000000000000000001 | grep -c span=)" 0

# Repeat the last label on another trace, and jump to the next unlabelled.
run_keys "$db" G 3 k . ":snapshot $T/rep.txt" g "] u" ":snapshot $T/next.txt"
expect_eq "label: repeat gives the same label" "$(mine tr-e0000000000000000000000000000039)" "quality=3"
expect_grep "label: ] u goes to the first trace not complete" "$T/next.txt" " 3 / 44 *$"

# A read-only store: the label stays pending, then is written.
db2=$(fixture_store pending.db)
UI_ARGS=--read-only COLUMNS=160 run_keys "$db2" 2 ":snapshot $T/pend.txt" Enter Tab Tab ":snapshot $T/pane.txt" \
	Esc q ":snapshot $T/quit.txt" n ":snapshot $T/stay.txt" Ctrl-w ":snapshot $T/ask.txt" n \
	":snapshot $T/kept.txt" Ctrl-w y ":snapshot $T/disc.txt" q ":snapshot $T/gone.txt"
expect_grep "label: read-only said in the header" "$T/pend.txt" "\[read-only\]"
expect_grep "label: pending in the status bar, with the keys" "$T/pend.txt" "1 pending (.*) — W retry, Ctrl-w discard"
expect_grep "label: pending says why" "$T/pend.txt" "not written, pending"
expect_grep "label: pending in the feedback pane" "$T/pane.txt" "Not written yet (pending) — W retry, Ctrl-w discard"
expect_grep "label: the pending label in the pane" "$T/pane.txt" "◌ quality = 2"
expect_grep "label: quitting asks first" "$T/quit.txt" "1 label not written yet will be lost: W retry first, y quit anyway, n stay"
expect_grep "label: n stays" "$T/stay.txt" "not quitting: labels still pending"
expect_grep "label: discard asks first" "$T/ask.txt" "discard them? (y/n)"
expect_grep "label: n keeps them" "$T/kept.txt" "pending labels kept"
expect_grep "label: discarded on request" "$T/disc.txt" "1 pending label discarded"
expect_nogrep "label: nothing pending after discard" "$T/disc.txt" "1 pending ("
if [ -f "$T/gone.txt" ]; then not_ok "label: quits at once with nothing pending" "still running"
else ok "label: quits at once with nothing pending"; fi
n=$(q "$db2" "SELECT count(*) FROM assessments WHERE source_id = 'me-tester' AND name = 'quality'")
expect_eq "label: nothing written to a read-only store" "$n" 0

# A label key the keymap binds (j: move-down) is reported and its label
# dropped; the others still work.
cat >"$T/clash.yaml" <<'EOF'
labels:
  - name: clashing
    type: boolean
    keys: {j: true, "+": false}
  - name: fine
    type: boolean
    keys: {"-": true}
EOF
db3=$(fixture_store clash.db)
TRACELAB_CONFIG=$T/clash.yaml run_keys "$db3" ":snapshot $T/clash.txt" - j
expect_grep "label: a clashing key said in the status bar" "$T/clash.txt" "labels: .*clash.yaml:4"
expect_has "label: a clashing key said on stderr" "$(cat "$T/.err")" "clash.yaml:4"
expect_eq "label: the clashing label is not given, the other is" \
	"$(q "$db3" "SELECT group_concat(name) FROM assessments WHERE source_id = 'me-tester' AND name IN ('clashing', 'fine')")" "fine"

# Progress with the unlabelled quick filter on: M stays the whole filter;
# a label that completes a trace (agent_run has my user_satisfaction; its
# quality makes it complete) and its undo move N by one.
db4=$(fixture_store progress.db)
COLUMNS=140 run_keys "$db4" U ":snapshot $T/p0.txt" j 4 n Enter ":snapshot $T/p1.txt" u ":snapshot $T/p2.txt"
expect_grep "label: progress with the unlabelled filter on" "$T/p0.txt" \
	"complete 0 / 44 · user_satisfaction 1 · quality 0 · notes 0 "
expect_grep "label: progress after a label, per question" "$T/p1.txt" \
	"complete 1 / 44 · user_satisfaction 1 · quality 1 · notes 0 "
expect_grep "label: progress after its undo" "$T/p2.txt" \
	"complete 0 / 44 · user_satisfaction 1 · quality 0 · notes 0 "

# Mine beside the judge's (n at the question): grouped by name, ≠ on both.
COLUMNS=140 LINES=40 run_keys "$db4" j 5 n Enter k Enter Tab Tab ":snapshot $T/ne.txt"
expect_grep "label: my value marked ≠" "$T/ne.txt" "quality = 5 ≠  HUMAN me-tester (you)"
expect_grep "label: the judge's value marked ≠" "$T/ne.txt" "quality = 1 ≠  LLM_JUDGE"

# ] u in a trace opens the next trace without my labels.
run_keys "$db4" Enter "] u" ":snapshot $T/nu.txt"
expect_grep "label: ] u from a trace opens the next unlabelled" "$T/nu.txt" "trace tr-a0000000"

# r with two labels of mine here: the last one given.
run_keys "$db4" G + 4 r ":snapshot $T/r2.txt"
expect_grep "label: r takes the last label given" "$T/r2.txt" "rationale of quality:"

# Quitting anyway (y) with a label pending: it is named on stderr.
UI_ARGS=--read-only run_keys "$db2" 3 q y ":snapshot $T/after.txt"
expect_eq "label: y at the question quits" "$(test -f "$T/after.txt" && echo running || echo quit)" quit
expect_has "label: the unwritten label named on stderr" "$(cat "$T/.err")" \
	"label not written: quality = 3 on tr-c0000000000000000000000000000003 (store is read-only"
