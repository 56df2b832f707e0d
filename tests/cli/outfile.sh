# -o FILE of every command that takes it: devices, FIFOs, descriptors and
# symlinks are written to, never replaced; a replaced regular file keeps its
# mode and owner; an empty name is a usage error.  The character device is
# made with mknod in the test's own directory, never the machine's.
. "$(dirname "$0")/../lib.sh"

D="$T/demo.db"
run_tl demo "$D"
[ "$rc" -eq 0 ] || { not_ok "demo store for -o" "$err"; exit 1; }
ntr=$(q "$D" "SELECT count(*) FROM trace_info")

# ---- an empty name --------------------------------------------------------------

run_tl export "$D" -o ""
expect_eq "-o '': usage error, exit 2" "$rc" 2
expect_has "-o '': says what is wrong" "$err" "-o needs a file name"
run_tl export "$T/no-such.db" -o ""
expect_eq "-o '': a usage error before the store is opened" "$rc" 2

# ---- a character device ----------------------------------------------------------

if mknod "$T/null" c 1 3 2>/dev/null; then
	run_tl export "$D" -o "$T/null"
	expect_eq "-o char device: exit 0" "$rc:$err" "0:"
	if [ -c "$T/null" ]; then ok "-o char device: still a character device"
	else not_ok "-o char device: still a character device" "$(ls -l "$T/null")"; fi
	n=$(ls "$T" | grep -c '^null\.tmp-')
	expect_eq "-o char device: no temporary file beside it" "$n" 0
else
	skip "-o char device" "mknod needs root (CAP_MKNOD)"
fi

# ---- a FIFO ------------------------------------------------------------------------

mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" &
reader=$!
run_tl export "$D" -o "$T/fifo"
wait "$reader"
expect_eq "-o FIFO: exit 0" "$rc:$err" "0:"
expect_eq "-o FIFO: the reader gets every trace" "$(grep -c . "$T/fifo.out")" "$ntr"
if [ -p "$T/fifo" ]; then ok "-o FIFO: still a FIFO"; else not_ok "-o FIFO: still a FIFO" "$(ls -l "$T/fifo")"; fi

# ---- descriptors -------------------------------------------------------------------

"$TL" export "$D" -o /dev/stdout >"$T/stdout.jsonl" 2>"$T/stdout.err"
expect_eq "-o /dev/stdout: exit 0" "$?:$(cat "$T/stdout.err")" "0:"
expect_eq "-o /dev/stdout: every trace on stdout, nothing else" \
	"$(grep -c . "$T/stdout.jsonl"):$(grep -vc '^{' "$T/stdout.jsonl")" "$ntr:0"
if [ -L /dev/stdout ]; then ok "-o /dev/stdout: /dev/stdout is still a symlink"
else not_ok "-o /dev/stdout: /dev/stdout is still a symlink" "$(ls -l /dev/stdout)"; fi
echo "before" >"$T/append.jsonl"
"$TL" export "$D" -o /dev/stdout >>"$T/append.jsonl" 2>/dev/null
expect_eq "-o /dev/stdout: the shell's >> is kept" "$(head -n 1 "$T/append.jsonl"):$(grep -c . "$T/append.jsonl")" \
	"before:$((ntr + 1))"

"$TL" export "$D" --format csv -o /dev/fd/3 3>"$T/fd3.csv" >"$T/fd3.out" 2>&1
expect_eq "-o /dev/fd/3: exit 0" "$?" 0
expect_eq "-o /dev/fd/3: the CSV goes to descriptor 3" "$(grep -c . "$T/fd3.csv")" "$((ntr + 1))"
expect_eq "-o /dev/fd/3: the summary names it" "$(cat "$T/fd3.out")" "exported $ntr traces to /dev/fd/3"
"$TL" export "$D" -o /dev/fd/9 >/dev/null 2>"$T/fd9.err"
expect_eq "-o /dev/fd/9 (not open): exit 1" "$?" 1
expect_has "-o /dev/fd/9 (not open): names it" "$(cat "$T/fd9.err")" "/dev/fd/9"

# Process substitution is bash's (and zsh's), not POSIX sh's.
if command -v bash >/dev/null 2>&1; then
	# $! is the substituted process: waiting for it lets gzip finish.
	TL="$TL" D="$D" OUT="$T/sub.jsonl.gz" bash -c \
		'"$TL" export "$D" -o >(gzip >"$OUT"); rc=$?; wait $!; exit $rc' >"$T/sub.out" 2>&1
	expect_eq "-o >(gzip): exit 0" "$?" 0
	expect_eq "-o >(gzip): the compressed file holds every trace" \
		"$(gzip -dc "$T/sub.jsonl.gz" 2>/dev/null | grep -c .)" "$ntr"
else
	skip "-o >(gzip)" "needs bash for process substitution"
fi

# ---- regular files -------------------------------------------------------------------

echo old >"$T/private.jsonl"
chmod 0600 "$T/private.jsonl"
run_tl export "$D" -o "$T/private.jsonl"
expect_eq "-o existing file: exit 0" "$rc" 0
expect_eq "-o existing file: keeps mode 0600" "$(stat -c %a "$T/private.jsonl")" 600
expect_eq "-o existing file: replaced with every trace" "$(grep -c . "$T/private.jsonl")" "$ntr"

echo old >"$T/shared.csv"
chmod 0640 "$T/shared.csv"
if [ "$(id -u)" -eq 0 ] && chown 65534:65534 "$T/shared.csv" 2>/dev/null; then
	run_tl export "$D" --format csv -o "$T/shared.csv"
	expect_eq "-o file of another owner: exit 0" "$rc:$err" "0:"
	expect_eq "-o file of another owner: keeps owner, group and mode" \
		"$(stat -c %u:%g:%a "$T/shared.csv")" "65534:65534:640"
else
	skip "-o file of another owner" "chown needs root"
fi

echo old >"$T/real.jsonl"
ln -s real.jsonl "$T/link.jsonl"
run_tl export "$D" -o "$T/link.jsonl"
expect_eq "-o symlink: exit 0" "$rc" 0
if [ -L "$T/link.jsonl" ]; then ok "-o symlink: the link stays a link"
else not_ok "-o symlink: the link stays a link" "$(ls -l "$T/link.jsonl")"; fi
expect_eq "-o symlink: the file it points to is replaced" "$(grep -c . "$T/real.jsonl")" "$ntr"

(umask 027 && "$TL" export "$D" -o "$T/new.jsonl" >/dev/null 2>&1)
expect_eq "-o new file: 0666 less the umask" "$(stat -c %a "$T/new.jsonl")" 640

mkdir "$T/dir"
run_tl export "$D" -o "$T/dir"
expect_eq "-o directory: exit 1" "$rc" 1
expect_has "-o directory: names it" "$err" "$T/dir"
n=$(ls "$T" | grep -c '\.tmp-')
expect_eq "no temporary files left behind" "$n" 0
