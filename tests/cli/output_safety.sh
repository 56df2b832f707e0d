# Every JSON and CSV output on a store whose text columns hold raw control
# bytes, escape sequences, C1 controls, bidi controls and invalid UTF-8:
# the JSON is strict UTF-8 JSON (controls escaped, invalid bytes U+FFFD, no
# NaN), a 5,000-deep value is passed through, CSV parses, formula cells are
# neutralised, and CSV to a terminal shows no raw control.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../hostile/lib.sh"

D="$T/out.db"
run_tl demo "$D"
[ "$rc" -eq 0 ] || { not_ok "demo store for output safety" "$err"; exit 1; }
TID=$(q "$D" "SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT 1")
run_tl log-feedback "$D" --trace "$TID" --name hostile --value x --source-id me
AID=$out
run_tl log-feedback "$D" --trace "$TID" --name deep --value 1 --metadata k=v --source-id me
DEEP=$out
run_tl log-feedback "$D" --trace "$TID" --name nan --value 1 --source-id me
NANID=$out
run_tl log-feedback "$D" --trace "$TID" --name c1 --value 1 --source-id me
C1ID=$out

# OSC 52 clipboard write, title, OSC 8 link, ESC[2J, BEL, BS, DEL, raw 0x9b,
# C1 CSI and OSC (U+009B, U+009D), RLO (U+202E), invalid UTF-8 ff fe c0 80.
H="X'1B5D35323B633B5A57343D07201B5D303B5449544C45071B5D383B3B687474703A2F2F782F1B5C1B5B324A0708207F9B20C29BC29D20E280AE20FFFEC080'"
HT="CAST($H AS TEXT)"
q "$D" "UPDATE trace_info SET request_preview = $HT, response_preview = $HT,
	client_request_id = $HT WHERE request_id = '$TID';
UPDATE trace_tags SET value = $HT WHERE request_id = '$TID' AND key = 'mlflow.traceName';
INSERT INTO trace_tags (key, value, request_id) VALUES ($HT, $HT, '$TID');
INSERT OR REPLACE INTO trace_request_metadata (key, value, request_id)
	VALUES ('mlflow.trace.user', $HT, '$TID'), ('mlflow.trace.session', $HT, '$TID'), ($HT, $HT, '$TID');
UPDATE spans SET name = $HT WHERE trace_id = '$TID';
UPDATE assessments SET name = $HT, value = CAST(X'22' || $H || X'22' AS TEXT),
	rationale = $HT, source_id = $HT,
	assessment_metadata = CAST(X'7B226B223A2022' || $H || X'227D' AS TEXT)
	WHERE assessment_id = '$AID';
UPDATE assessments SET value = 'NaN' WHERE assessment_id = '$NANID';
UPDATE assessments SET value = CAST(X'22C29B20C29D20E280AE20FFFEC1BF22' AS TEXT)
	WHERE assessment_id = '$C1ID';"
deep=$(awk 'BEGIN { for (i = 0; i < 5000; i++) printf "["; printf "\"bottom\""; for (i = 0; i < 5000; i++) printf "]" }')
q "$D" "UPDATE assessments SET value = '$deep' WHERE assessment_id = '$DEEP'"

# Strict: UTF-8, no NaN/Infinity, no raw control, C1 or bidi character.
strict_json() { # NAME FILE [--lines]
	if python3 - "$2" "${3:-}" >"$T/.strict" 2>&1 <<'EOF'
import json, sys
sys.setrecursionlimit(100000)
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")           # strict: invalid UTF-8 fails
def no_const(c):
    raise ValueError("non-JSON constant " + c)
docs = [l for l in text.split("\n") if l] if sys.argv[2] == "--lines" else [text]
for d in docs:
    json.loads(d, parse_constant=no_const)
bad = [c for c in text if ord(c) < 0x20 and c not in "\n" or 0x7f <= ord(c) < 0xa0
       or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
if bad:
    raise SystemExit("raw control U+%04X" % ord(bad[0]))
EOF
	then ok "$1"; else not_ok "$1" "$(tail -n 1 "$T/.strict")"; fi
}

# ---- JSON ------------------------------------------------------------------------------

"$TL" list "$D" --format json >"$T/list.json" 2>"$T/err"
expect_eq "list --format json: exit 0" "$?" 0
strict_json "list --format json: strict UTF-8 JSON" "$T/list.json"
json_file "list --format json: valid JSON (checker)" "$T/list.json"
python3 - "$T/list.json" "$TID" >"$T/v" <<'EOF'
import json, sys
sys.setrecursionlimit(100000)
for r in json.load(open(sys.argv[1])):
    if r["trace_id"] == sys.argv[2]:
        for name, cell in sorted(r["feedback"].items()):
            if "\u202e" in name:
                print(ascii(cell["human"])[:16])
        print(ascii(r["feedback"]["c1"]["human"]))
        print(r["feedback"]["nan"]["human"])
EOF
# The hostile value is not JSON (raw controls): a string of its text.
expect_eq "list --format json: controls escaped, invalid bytes U+FFFD, NaN a string" \
	"$(cat "$T/v")" "'\"\\x1b]52;c;ZW4=
'\\x9b \\x9d \\u202e \\ufffd\\ufffd\\ufffd\\ufffd'
NaN"

for all in "" --all; do
	"$TL" feedback "$D" "$TID" $all >"$T/fb.json" 2>"$T/err"
	expect_eq "feedback $all: exit 0" "$?" 0
	strict_json "feedback $all: strict UTF-8 JSON" "$T/fb.json"
done
python3 - "$T/fb.json" "$DEEP" "$NANID" >"$T/v" <<'EOF'
import json, sys
sys.setrecursionlimit(100000)
for a in json.load(open(sys.argv[1])):
    if a["assessment_id"] == sys.argv[2]:
        v, n = a["feedback"]["value"], 0
        while isinstance(v, list):
            v, n = v[0], n + 1
        print(n, v, a["metadata"])
    if a["assessment_id"] == sys.argv[3]:
        print(repr(a["feedback"]["value"]))
EOF
expect_eq "feedback: the 5,000-deep value passes through with its metadata; NaN as protobuf writes it" \
	"$(cat "$T/v")" "5000 bottom {'k': 'v'}
'NaN'"

"$TL" export "$D" -o "$T/all.jsonl" >/dev/null 2>"$T/err"
expect_eq "export: exit 0" "$?" 0
strict_json "export: strict UTF-8 JSON Lines" "$T/all.jsonl" --lines
jsonl_file "export: valid JSON Lines (checker)" "$T/all.jsonl"
n=$(python3 - "$T/all.jsonl" "$DEEP" <<'EOF'
import json, sys
sys.setrecursionlimit(100000)
for line in open(sys.argv[1]):
    for a in json.loads(line)["info"].get("assessments", []):
        if a["assessment_id"] == sys.argv[2]:
            print(json.dumps(a["feedback"]["value"]).count("["))
EOF
)
expect_eq "export: the 5,000-deep value passes through" "$n" 5000

"$TL" agreement "$D" --format json >"$T/agree.json" 2>"$T/err"
expect_eq "agreement --format json: exit 0" "$?" 0
strict_json "agreement --format json: strict UTF-8 JSON" "$T/agree.json"

# ---- CSV -------------------------------------------------------------------------------

q "$D" "UPDATE trace_tags SET value = '=HYPERLINK(\"http://evil/\",\"x\")'
	WHERE key = 'mlflow.traceName' AND request_id = (SELECT request_id FROM trace_info
	ORDER BY timestamp_ms DESC LIMIT 1 OFFSET 1);
UPDATE trace_request_metadata SET value = '+cmd|'' /C calc''!A0'
	WHERE key = 'mlflow.trace.user';
UPDATE trace_request_metadata SET value = char(9) || '@SUM(A1)' WHERE key = 'mlflow.trace.session'"
FID=$(q "$D" "SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT 1 OFFSET 1")
run_tl log-feedback "$D" --trace "$FID" --name formula --value "-2+3" --type text --source-id me
run_tl log-feedback "$D" --trace "$FID" --name score --value -3 --source-id me
run_tl log-feedback "$D" --trace "$FID" --name raw --value 1 --source-id me
q "$D" "UPDATE assessments SET value = '=1+2' WHERE assessment_id = '$out'"
"$TL" export "$D" --format csv -o "$T/all.csv" >/dev/null 2>"$T/err"
expect_eq "export csv: exit 0" "$?" 0
python3 - "$T/all.csv" "$FID" >"$T/v" 2>&1 <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8", errors="strict")))
head = rows[0]
assert all(len(r) == len(head) for r in rows), "ragged rows"
r = dict(zip(head, [r for r in rows if r[0] == sys.argv[2]][0]))
print(r["name"]); print(r["user"]); print(repr(r["session"]))
print(r["feedback.formula"]); print(r["feedback.score"]); print(r["feedback.raw"])
EOF
expect_eq "export csv: parses; formula cells get a leading apostrophe, numbers do not" \
	"$(cat "$T/v")" "'=HYPERLINK(\"http://evil/\",\"x\")
'+cmd|' /C calc'!A0
\"'\\t@SUM(A1)\"
'-2+3
-3
'=1+2"
n=$(grep -c "^[^,]*,[^,]*,[^,]*,[^,]*,=" "$T/all.csv")
expect_eq "export csv: no cell starts with = unquoted" "$n" 0

# To a terminal: the same cells, made safe to show.  A pty in raw mode, so
# the bytes read are the bytes written.
tty_run() { # OUT CMD...
	_o=$1; shift
	python3 - "$_o" "$@" <<'EOF'
import os, pty, subprocess, sys, tty
master, slave = pty.openpty()
tty.setraw(slave)
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=slave,
                     stderr=subprocess.DEVNULL)
os.close(slave)
data = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
rc = p.wait()
open(sys.argv[1], "wb").write(data.replace(b"\r\n", b"\n"))
sys.exit(rc)
EOF
}
tty_run "$T/tty.csv" "$TL" export "$D" --format csv
expect_eq "export csv to a terminal: exit 0" "$?" 0
safe_file "export csv to a terminal: no raw control, escape or bidi character" "$T/tty.csv"
expect_has "export csv to a terminal: escapes shown visibly" "$(cat "$T/tty.csv")" "^[]52;c;ZW4=^G"
expect_eq "export csv to a terminal: every trace" "$(grep -c '^tr-' "$T/tty.csv")" \
	"$(q "$D" "SELECT count(*) FROM trace_info")"
tty_run "$T/tty-agree.csv" "$TL" agreement "$D" --format csv
safe_file "agreement csv to a terminal: safe to show" "$T/tty-agree.csv"
cp "$T/all.csv" "$T/file.csv"
if grep -q "$(printf '\033')" "$T/file.csv"; then
	ok "export csv to a file: the data is kept as it is"
else
	not_ok "export csv to a file: the data is kept as it is" "no ESC in the file"
fi

# ---- a NUL inside stored text ---------------------------------------------------------

NID=$(q "$D" "SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT 1 OFFSET 2")
q "$D" "UPDATE trace_tags SET value = CAST(X'6265666F7265006166746572' AS TEXT)
	WHERE key = 'mlflow.traceName' AND request_id = '$NID'"
run_tl log-feedback "$D" --trace "$NID" --name nul --value 1 --rationale x --source-id me
q "$D" "UPDATE assessments SET rationale = CAST(X'77687900746865207265737421' AS TEXT)
	WHERE assessment_id = '$out'"
run_tl list "$D" --filter "request_id = '$NID'"
expect_has "NUL in a name: list shows what follows, the NUL as ^@" "$out" "before^@after"
run_tl list "$D" --format json --filter "request_id = '$NID'"
expect_has "NUL in a name: list --format json writes \\u0000" "$out" '"name": "before\u0000after"'
run_tl feedback "$D" "$NID"
expect_has "NUL in a rationale: feedback keeps the rest" "$out" '"rationale": "why\u0000the rest!"'
run_tl export "$D" --format csv --filter "request_id = '$NID'"
expect_has "NUL in a name: CSV shows what follows" "$out" ",before^@after,"
run_tl export "$D" --filter "request_id = '$NID'"
expect_has "NUL in a name: export keeps it as \\u0000" "$out" '"mlflow.traceName": "before\u0000after"'
