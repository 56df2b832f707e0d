#!/bin/sh
# How src/ hangs together, read from its #include lines:
# - no loop between modules: a module is foo.c with foo.h (and foo_int.h /
#   foo_impl.h, its internals); a loop is A including B's header while B,
#   through any chain, includes A's;
# - the folders are layers, each including only those below it:
#   cmd/ > ui/ > svc/ > store/ > config/, json/ (side by side) > core/
#   (core/ is pure: no I/O, no library of its own);
# - each third-party header is included from one folder of src/ only;
# - the browser's building blocks (key bindings, themes, the terminal, the
#   frame, the line editor, the list window) do not include the browser's
#   state (ui/app.h): they get what they need passed in.
. "$(dirname "$0")/../lib.sh"

out=$(cd "$TOP" && python3 - <<'EOF'
import os, re, sys

root = "src"
files = sorted(os.path.join(d, f)[len(root) + 1:] for d, _, fs in os.walk(root)
               for f in fs if f.endswith((".c", ".h")))

def module(path):
    return re.sub(r"_(int|impl)$", "", os.path.splitext(path)[0])

local, system = {}, {}
for f in files:
    text = open(os.path.join(root, f), errors="replace").read()
    local[f] = re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M)
    system[f] = re.findall(r'^\s*#\s*include\s+<([^>]+)>', text, re.M)

# Loops between modules (strongly connected components of the graph).
edges = {}
for f in files:
    for h in local[f]:
        if h in files and module(h) != module(f):
            edges.setdefault(module(f), {}).setdefault(module(h), (f, h))
index, low, stack, on, loops = {}, {}, [], set(), []
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in edges.get(v, {}):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            loops.append(sorted(comp))
for v in sorted(edges):
    if v not in index:
        visit(v)
for comp in loops:
    steps = ["%s includes %s" % edges[a][b] for a in comp for b in comp
             if b in edges.get(a, {})]
    print("loop: %s (%s)" % (" / ".join(comp), "; ".join(steps)))

rank = {"core": 0, "config": 1, "json": 1, "store": 2, "svc": 3, "ui": 4, "cmd": 5}
for f in files:
    a = f.split("/")[0]
    if "/" not in f:
        continue
    for h in local[f]:
        b = h.split("/")[0]
        if h in files and a != b and (a not in rank or b not in rank or rank[b] >= rank[a]):
            print("layer: %s includes %s" % (f, h))

third = {"sqlite3.h": "sqlite3", "curses.h": "ncurses", "ncurses.h": "ncurses",
         "ncursesw/curses.h": "ncurses", "yaml.h": "libyaml", "cJSON.h": "cJSON",
         "cjson/cJSON.h": "cJSON", "curl/curl.h": "libcurl"}
where = {}
for f in files:
    for h in system[f]:
        if h in third:
            where.setdefault(third[h], set()).add(f.split("/")[0])
for lib, dirs in sorted(where.items()):
    if len(dirs) > 1:
        print("third-party: %s included from %s" % (lib, ", ".join(sorted(dirs))))

for f in ("ui/keys", "ui/look", "ui/frame", "ui/layout", "ui/lineedit", "ui/term",
          "ui/tlist", "ui/script", "ui/snapshot"):
    for g in (f + ".c", f + ".h"):
        if "ui/app.h" in local.get(g, []):
            print("stand-alone: %s includes ui/app.h" % g)
print("read %d files" % len(files))
EOF
)
printf '%s\n' "$out" | grep -v '^read ' | sed 's/^/# /'
count() { printf '%s\n' "$out" | grep -c "^$1:"; }
expect_has "includes: the sources were read" "$out" "read "
expect_eq "includes: no loop between modules" "$(count loop)" 0
expect_eq "includes: each folder includes only the layers below it" "$(count layer)" 0
expect_eq "includes: each third-party header from one folder" "$(count third-party)" 0
expect_eq "includes: the browser's building blocks do not include ui/app.h" \
	"$(count stand-alone)" 0
