#!/bin/sh
# The browser on every trace of the generated hostile store
# (tests/hostile/gen_hostile.c): for each trace, in scripted mode, the span
# tree, every tab of the detail pane for the first and the last span, the
# feedback pane, then back to the list.  Every run ends in time with exit 0;
# every snapshot holds only visible escapes (valid UTF-8, no C0/C1 control,
# no bidi control).  The hand-written cases of tests/ui/hostile.sh check the
# exact escapes; this one checks that nothing in the generated extremes
# (100,000 spans, 10 MB attributes, JSON nested 100,000 deep, cycles, missing
# or unreadable traces.json, invalid UTF-8 and NUL in the store) breaks a
# pane.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/snap.lib"
. "$(dirname "$0")/../hostile/lib.sh"

hostile_store hostile.db
S=$T/snaps
# Seconds one browser run may take (a trace of 100,000 spans included).
UI_TIMEOUT=${HOSTILE_UI_TIMEOUT:-30}
[ -n "${TRACELAB_VALGRIND_CMD:-}" ] && UI_TIMEOUT=$((UI_TIMEOUT * 10))
mkdir -p "$S"

# Runs the browser with a key script (one step per argument) under the
# time and memory guard.
browse() {
	_args=$1
	shift
	: >"$T/keys"
	for _k in "$@"; do
		printf '%s\n' "$_k" >>"$T/keys"
	done
	# shellcheck disable=SC2086
	LINES=${LINES:-40} COLUMNS=${COLUMNS:-140} HOSTILE_TIMEOUT=$UI_TIMEOUT guarded ${TRACELAB_VALGRIND_CMD:-} "$TL" "$DB" \
		-e hostile --source-id me-tester --keys "$T/keys" $_args >"$T/.out" 2>"$T/.err"
}

# Every snapshot file named is safe; returns the first problem in $why.
snaps_safe() {
	why=""
	for _f in "$@"; do
		if [ ! -s "$_f" ]; then
			why="no snapshot $(basename "$_f")"
			return 1
		fi
		if ! "$GEN" check-safe "$_f" 2>"$T/.safe"; then
			why="$(basename "$_f"): $(cat -v "$T/.safe")"
			return 1
		fi
	done
	"$GEN" check-safe "$T/.err" 2>"$T/.safe" || { why="stderr: $(cat -v "$T/.safe")"; return 1; }
	return 0
}

# ---- the list, the experiment picker, help --------------------------------------

browse "" ":snapshot $S/list-top.txt" G ":snapshot $S/list-end.txt" ":resize 60 20" \
	":snapshot $S/list-small.txt" ":resize 200 50" ":snapshot $S/list-wide.txt" \
	e ":snapshot $S/exps.txt" Esc "?" ":snapshot $S/help.txt" q q
expect_eq "hostile browse: list, picker and help exit 0" "$rc" 0
if snaps_safe "$S"/list-top.txt "$S"/list-end.txt "$S"/list-small.txt "$S"/list-wide.txt \
	"$S"/exps.txt "$S"/help.txt; then
	ok "hostile browse: list, picker and help show only visible escapes"
else
	not_ok "hostile browse: list, picker and help show only visible escapes" "$why"
fi
expect_grep "hostile browse: the hostile experiment name is escaped" "$S/exps.txt" \
	'hostile-exp ^\[\]0;HOSTILE-TITLE-EXP^G<U+'
expect_grep "hostile browse: a hostile trace id and status are escaped" "$S/list-top.txt" \
	'tr-^\[\]0;.*H:hostile t.* \^\[\[2'

# ---- every trace, every pane --------------------------------------------------------

hostile_ids "$DB" >"$T/ids"
n=0
bad=""
while read -r hx; do
	n=$((n + 1))
	id=$(unhex "$hx")
	p=$S/t$n
	browse "--trace $id" \
		":snapshot $p-tree.txt" Tab ":snapshot $p-d1.txt" "}" ":snapshot $p-d2.txt" \
		"}" ":snapshot $p-d3.txt" "}" ":snapshot $p-d4.txt" Tab ":snapshot $p-fb.txt" \
		Tab G ":snapshot $p-last.txt" Tab ":snapshot $p-l1.txt" "}" ":snapshot $p-l2.txt" \
		"}" ":snapshot $p-l3.txt" "}" ":snapshot $p-l4.txt" BackTab Z X \
		":snapshot $p-fold.txt" q ":snapshot $p-list.txt" q
	name=$(printf '%s' "$id" | cat -v)
	if [ "$rc" -ne 0 ]; then
		bad="$bad
#   $name: exit $rc $(head -c 200 "$T/.err" | cat -v)"
	elif ! snaps_safe "$p"-tree.txt "$p"-d1.txt "$p"-d2.txt "$p"-d3.txt "$p"-d4.txt "$p"-fb.txt \
		"$p"-last.txt "$p"-l1.txt "$p"-l2.txt "$p"-l3.txt "$p"-l4.txt "$p"-fold.txt \
		"$p"-list.txt; then
		bad="$bad
#   $name: $why"
	fi
	echo "$name" >"$p.id"
done <"$T/ids"
if [ -z "$bad" ]; then
	ok "hostile browse: every pane of all $n hostile traces opens, exit 0, only visible escapes"
else
	not_ok "hostile browse: every pane of all $n hostile traces opens, exit 0, only visible escapes" "$bad"
fi

# ---- what the extreme traces say ----------------------------------------------------

# The snapshot prefix of the trace named "H:NAME".
snap_of() {
	_id=$(hostile_id "$DB" "$1")
	_f=$(grep -lx -- "$_id" "$S"/t*.id 2>/dev/null | head -n 1)
	echo "${_f%.id}"
}

p=$(snap_of "100,000 spans in one trace")
expect_grep "hostile browse: 100,000 spans counted" "$p-tree.txt" 'Spans (100,\{0,1\}000)'
p=$(snap_of "a chain of spans 10,000 deep")
expect_grep "hostile browse: a chain 10,000 deep opens" "$p-tree.txt" 'Spans (10,\{0,1\}000)'
p=$(snap_of "spans missing (no traces.json anywhere)")
expect_grep "hostile browse: missing spans are said to be missing" "$p-tree.txt" 'traces.json'
p=$(snap_of "traces.json is corrupt")
expect_grep "hostile browse: a corrupt traces.json is named" "$p-tree.txt" 'traces.json'
p=$(snap_of "parent cycles, self parents, orphans")
expect_grep "hostile browse: a span of a parent cycle is shown" "$p-tree.txt" 'a (parent b)'
expect_grep "hostile browse: a self-parented span is shown" "$p-tree.txt" 'self parent'
expect_grep "hostile browse: an orphan is shown" "$p-tree.txt" 'orphan'
p=$(snap_of "10 MB attributes and JSON nested deep")
expect_grep "hostile browse: the 10 MB attribute is cut with a note" "$p-d1.txt" 'MB'
