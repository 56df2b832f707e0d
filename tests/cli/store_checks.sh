# Checks on opening a store and before writing to it: a schema without the
# columns tracelab needs, a damaged store (integrity check before the first
# write), a WAL store in a directory nobody may write to.
. "$(dirname "$0")/../lib.sh"

D="$T/demo.db"
run_tl demo "$D"
[ "$rc" -eq 0 ] || { not_ok "demo store for store checks" "$err"; exit 1; }
TID=$(q "$D" "SELECT request_id FROM trace_info ORDER BY request_id LIMIT 1")

# ---- schema ------------------------------------------------------------------------

cp "$D" "$T/nometa.db"
q "$T/nometa.db" "ALTER TABLE assessments DROP COLUMN assessment_metadata"
run_tl list "$T/nometa.db"
expect_eq "store without assessments.assessment_metadata: list exits 1" "$rc" 1
expect_has "store without assessments.assessment_metadata: says so on open" "$err" \
	"$T/nometa.db: unsupported MLflow schema: table assessments has no column assessment_metadata"
run_tl log-feedback "$T/nometa.db" --trace "$TID" --name x --value 1
expect_has "store without a column: log-feedback refused on open" "$rc:$err" "1:tracelab: log-feedback: $T/nometa.db: unsupported MLflow schema"
cp "$D" "$T/notags.db"
q "$T/notags.db" "DROP TABLE trace_tags"
run_tl feedback "$T/notags.db" "$TID"
expect_has "store without trace_tags: says so on open" "$rc:$err" "1:tracelab: feedback: $T/notags.db: unsupported MLflow schema: no trace_tags table"
for f in "$FIX"/*.db; do
	run_tl list "$f" --limit 1
	expect_eq "real MLflow store $(basename "$f"): still opens" "$rc:$err" "0:"
done

# ---- a damaged store ------------------------------------------------------------------

# Garbage over the cell pointers of an index page of assessments.
cp "$D" "$T/bad.db"
page=$(q "$T/bad.db" "PRAGMA page_size")
root=$(q "$T/bad.db" "SELECT rootpage FROM sqlite_master WHERE name = 'index_assessments_trace_id_created_timestamp'")
printf '\377\377\377\377\377\377\377\377' | dd of="$T/bad.db" bs=1 seek=$(((root - 1) * page + 8)) conv=notrunc 2>/dev/null
if [ "$(q "$T/bad.db" "PRAGMA quick_check" | head -n 1)" = ok ]; then
	not_ok "damaged store: the damage is there" "quick_check says ok"
fi
before=$(sqlite3 "$T/bad.db" "SELECT count(*) FROM assessments NOT INDEXED")
run_tl log-feedback "$T/bad.db" --trace "$TID" --name x --value 1
expect_eq "damaged store: log-feedback refused, exit 1" "$rc:$out" "1:"
expect_has "damaged store: the message says so" "$err" "$T/bad.db is damaged (SQLite's integrity check: On tree page $root"
expect_has "damaged store: and that nothing is written" "$err" "nothing is written to it"
expect_eq "damaged store: no row added" "$(sqlite3 "$T/bad.db" "SELECT count(*) FROM assessments NOT INDEXED")" "$before"
AID=$(q "$T/bad.db" "SELECT assessment_id FROM assessments NOT INDEXED LIMIT 1")
run_tl delete-feedback "$T/bad.db" "$AID"
expect_has "damaged store: delete-feedback refused" "$rc:$err" "1:tracelab: delete-feedback: $T/bad.db is damaged"
run_tl list "$T/bad.db" --limit 3
expect_eq "damaged store: reading the traces still works" "$rc:$(printf '%s\n' "$out" | grep -c '^20')" "0:3"
run_tl log-feedback "$D" --trace "$TID" --name x --value 1
expect_eq "sound store: the same write goes through" "$rc:$err" "0:"

# ---- a WAL store in a directory nobody may write ------------------------------------

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir -p "$T/ro"
	cp "$D" "$T/ro/wal.db"
	q "$T/ro/wal.db" "PRAGMA journal_mode = WAL" >/dev/null
	chmod 755 "$T" "$T/ro"
	chmod 644 "$T/ro/wal.db"
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	as_nobody "$TL" list "$T/ro/wal.db" --limit 2 >"$T/wal.out" 2>"$T/wal.err"
	expect_eq "WAL store, read-only directory, no -shm: list works" \
		"$?:$(grep -c '^20' "$T/wal.out")" "0:2"
	expect_has "WAL store, read-only directory: says what it did" "$(cat "$T/wal.err")" \
		"$T/ro/wal.db is in WAL mode and its directory does not let tracelab create $T/ro/wal.db-shm: opened read-only as an unchanging file"
	as_nobody "$TL" log-feedback "$T/ro/wal.db" --trace "$TID" --name x --value 1 \
		>"$T/wal.out" 2>"$T/wal.err"
	expect_eq "WAL store, read-only directory: a write is refused, exit 1" "$?" 1
	expect_has "WAL store, read-only directory: as read-only" "$(cat "$T/wal.err")" \
		"store is read-only: $T/ro/wal.db"
	expect_eq "WAL store, read-only directory: nothing created beside it" "$(ls "$T/ro")" wal.db
else
	skip "WAL store in a read-only directory" "needs root and setpriv to run as another user"
fi
