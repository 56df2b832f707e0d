#!/bin/sh
# A full disk, simulated with a file-size limit: the store file may not grow
# past its current size (ulimit -f), and a feedback with a rationale larger
# than the store's free space needs new pages.  The write fails with one
# clear message and exit 1 (not a kill by SIGXFSZ), the store stays whole
# with no partial row, and the same command succeeds without the limit.
. "$(dirname "$0")/../lib.sh"

TR=tr-c3f8ccfcfd1ce910d7277a703eedd5e9   # the trace of the DSPy store
S=$T/full.db
cp "$FIX/mlflow-3-dspy-react-agent.db" "$S"
chmod u+w "$S"

free=$(q "$S" "PRAGMA freelist_count")
psize=$(q "$S" "PRAGMA page_size")
# 100 KB of rationale: far more than the free pages, below the kernel's
# limit on one argument.
R=$(awk 'BEGIN { for (i = 0; i < 10000; i++) printf "rationale "; }')
if [ $((free * psize)) -ge 100000 ]; then
	not_ok "fullfs: store has room" "$free free pages of $psize bytes"
	exit 1
fi
size=$(wc -c <"$S" | tr -d ' ')
blocks=$(( (size + 511) / 512 ))

sh -c 'ulimit -f "$1"; shift; exec "$@"' sh "$blocks" "$TL" log-feedback "$S" --trace "$TR" \
	--name big --value 1 --rationale "$R" >"$T/.out" 2>"$T/.err"
rc=$?
expect_eq "fullfs: a write past the file-size limit exits 1" "$rc" 1
expect_eq "fullfs: nothing printed on stdout" "$(cat "$T/.out")" ""
expect_eq "fullfs: one message line" "$(wc -l <"$T/.err" | tr -d ' ')" 1
case $(cat "$T/.err") in
"tracelab: log-feedback: "*"disk I/O error"* | "tracelab: log-feedback: "*"database or disk is full"*)
	ok "fullfs: the message names the write failure" ;;
*) not_ok "fullfs: the message names the write failure" "$(cat "$T/.err")" ;;
esac
expect_eq "fullfs: store passes integrity_check" "$(q "$S" "PRAGMA integrity_check")" ok
expect_eq "fullfs: no partial row" "$(q "$S" "SELECT count(*) FROM assessments WHERE name = 'big'")" 0
expect_eq "fullfs: no hot journal left" "$(ls "$S-journal" 2>/dev/null)" ""

run_tl log-feedback "$S" --trace "$TR" --name big --value 1 --rationale "$R"
expect_eq "fullfs: without the limit the write succeeds" "$rc" 0
expect_eq "fullfs: one whole row" \
	"$(q "$S" "SELECT count(*), length(rationale) >= 100000 FROM assessments WHERE name = 'big' AND valid = 1")" "1|1"
expect_eq "fullfs: store still passes integrity_check" "$(q "$S" "PRAGMA integrity_check")" ok
