#!/bin/sh
# Adjudication by keyboard, the real binary in tmux at 80x24: from the
# agreement screen, `d` on a name walks the questions whose valid answers
# differ, shows every answer with its rationale, and a digit gives the final
# answer.  Five of them leave five rows of mine that MLflow's own get_trace
# shows as overrides of the judge's rows (the judge's now valid = false; the
# humans' untouched), marked tracelab.adjudication = "true"; u undoes the
# last one (the judge's row valid again) and Ctrl-r redoes it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux.lib"

REF="$TOP/tests/cli/agreement_ref.py"
# A store MLflow made itself (so that its client reads it back), else a
# copy of the real store.
if find_mlflow; then
	db=$T/adj.db
	"$MLFLOW_PY" - "$db" >/dev/null 2>"$T/mlflow.err" <<'EOF'
import sys
import mlflow
mlflow.set_tracking_uri("sqlite:///" + sys.argv[1])
mlflow.MlflowClient().search_experiments()
EOF
	[ -f "$db" ] || not_ok "adjudicate: MLflow creates a store" "$(tail -3 "$T/mlflow.err")"
else
	db=$(fresh_store adj.db)
fi
python3 "$REF" gen "$T/r.jsonl" 3 150 3
"$TL" import "$db" "$T/r.jsonl" >/dev/null 2>&1 || not_ok "adjudicate: import" "exit $?"
cp "$db" "$T/before.db"
TLQ="TERM=tmux-256color '$TL' '$db' --source-id me-tester"

mine() {
	q "$db" "SELECT count(*) FROM assessments WHERE source_type = 'HUMAN'
		AND source_id = 'me-tester' AND name = 'score'"
}

tmux_start "$TLQ" 80 24
tmux_wait " 1 / 150" || not_ok "adjudicate: starts" "$(pane)"
tmux_keys a
tmux_wait "alpha" >/dev/null || not_ok "adjudicate: agreement screen" "$(pane)"
tmux_keys / "score  " Enter
sleep 0.2
tmux_keys d
if tmux_wait "adjudicate  score  1 / [0-9]* disagreements"; then
	ok "adjudicate: d on a name opens its disagreement queue"
else
	not_ok "adjudicate: d on a name opens its disagreement queue" "$(pane)"
fi
total=$(pane | sed -n 's/.* 1 \/ \([0-9]*\) disagreements.*/\1/p')
# The number of questions of score whose latest valid answers differ, as
# the independent computation counts them.
want=$(python3 - "$db" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
roots = dict(con.execute("SELECT trace_id, span_id FROM spans WHERE parent_span_id IS NULL"))
latest = {}
for aid, tid, value, upd, st, sid, span in con.execute(
        "SELECT assessment_id, trace_id, value, last_updated_timestamp, source_type, source_id,"
        " span_id FROM assessments WHERE valid = 1 AND name = 'score' AND"
        " assessment_type = 'feedback' AND value IS NOT NULL AND value != 'null'"):
    target = None if span in (None, "") or span == roots.get(tid) else span
    k = (tid, target, st, sid or "")
    if k not in latest or (upd, aid) > latest[k][0]:
        latest[k] = ((upd, aid), float(value.strip('"')))
q = {}
for (tid, target, _, _), (_, v) in latest.items():
    q.setdefault((tid, target), set()).add(v)
print(sum(1 for s in q.values() if len(s) > 1))
EOF
)
expect_eq "adjudicate: the queue holds every question whose answers differ" "$total" "$want"
expect_has "adjudicate: every answer shown with its source" "$(pane)" "HUMAN        ann"
expect_has "adjudicate: the final answers offered by key" "$(pane)" "Final answer:  1 "

: >"$T/done"
i=1
pos=1
while [ "$i" -le 5 ]; do
	# a question the judge answered (j skips the humans-only ones)
	while ! pane | grep -q "^LLM_JUDGE"; do
		pos=$((pos + 1))
		tmux_keys j
		tmux_wait "score  $pos / $total disagreements" >/dev/null
		tmux_wait "Final answer:" >/dev/null
	done
	tid=$(pane | sed -n 's/.*trace \(tr-[0-9a-f]*\).*/\1/p' | head -1)
	span=$(pane | sed -n 's/^ span \([0-9a-f]*\).*/\1/p' | head -1)
	printf '%s %s\n' "$tid" "${span:--}" >>"$T/done"
	tmux_keys 1
	pos=$((pos + 1))
	if ! tmux_wait "adjudicate  score  $pos / $total disagreements"; then
		not_ok "adjudicate: final answer $i moves on" "$(pane)"
		break
	fi
	tmux_wait "Final answer:" >/dev/null
	i=$((i + 1))
done
expect_eq "adjudicate: five final answers written" "$(mine)" 5
expect_has "adjudicate: the status says what was written" "$(pane | tail -1)" "score = "

tmux_keys u
sleep 0.5
expect_eq "adjudicate: u undoes the last final answer" "$(mine)" 4
last=$(tail -1 "$T/done" | cut -d' ' -f1)
expect_eq "adjudicate: after undo the judge's row is valid again" \
	"$(q "$db" "SELECT count(*) FROM assessments WHERE trace_id = '$last' AND name = 'score'
		AND source_type != 'HUMAN' AND valid = 0")" 0
tmux_keys C-r
sleep 0.5
expect_eq "adjudicate: Ctrl-r writes it again" "$(mine)" 5
tmux_keys Escape Escape q
if tmux_wait "SHELL-IS-BACK"; then ok "adjudicate: quits"; else not_ok "adjudicate: quits" "$(pane)"; fi

# What MLflow itself reads: each of my rows is an override of the judge's
# row answering that question (when one answered), which MLflow marks
# invalid; the humans' rows are as they were.
if [ -n "${no_mlflow:-}" ]; then
	skip "adjudicate: MLflow get_trace shows overrides of the judge rows" "$no_mlflow"
	exit 0
fi
out=$("$MLFLOW_PY" - "$db" "$T/before.db" "$T/done" 2>"$T/mlflow.err" <<'EOF'
import sqlite3, sys
import mlflow
db, before, done = sys.argv[1:4]
mlflow.set_tracking_uri("sqlite:///" + db)
old = sqlite3.connect(before)
bad, overrides = [], 0
for line in open(done):
    tid, span = line.split()
    t = mlflow.get_trace(tid)
    rows = [a for a in t.info.assessments if a.name == "score"]
    mine = [a for a in rows if a.source.source_type == "HUMAN" and
            a.source.source_id == "me-tester"]
    if len(mine) != 1:
        bad.append("%s: %d rows of mine" % (tid, len(mine)))
        continue
    m = mine[0]
    if (m.metadata or {}).get("tracelab.adjudication") != "true" or not m.valid:
        bad.append("%s: not marked as an adjudication: %r" % (tid, m.metadata))
    judges = [r for r in old.execute(
        "SELECT assessment_id FROM assessments WHERE trace_id = ? AND name = 'score' AND"
        " source_type = 'LLM_JUDGE' AND valid = 1", (tid,))]
    if judges:
        j = [a for a in rows if a.assessment_id == m.overrides]
        if not j or j[0].source.source_type != "LLM_JUDGE" or j[0].valid:
            bad.append("%s: overrides %r, not the judge's row now invalid" % (tid, m.overrides))
        else:
            overrides += 1
    elif m.overrides:
        bad.append("%s: overrides %s with no judge row" % (tid, m.overrides))
    for a in rows:
        if a.source.source_type == "HUMAN" and a.source.source_id != "me-tester" and not a.valid:
            was = old.execute("SELECT valid FROM assessments WHERE assessment_id = ?",
                              (a.assessment_id,)).fetchone()
            if was and was[0]:
                bad.append("%s: a human's row was invalidated" % tid)
print("\n".join(bad) if bad else "ok %d" % overrides)
EOF
)
case $out in
"ok 5") ok "adjudicate: MLflow get_trace shows the final answers as overrides of the judge rows ($out)" ;;
*) not_ok "adjudicate: MLflow get_trace shows overrides of the judge rows" "$out $(tail -3 "$T/mlflow.err")" ;;
esac
