#!/usr/bin/env python3
"""An independent computation of `tracelab agreement`, for the tests.

    agreement_ref.py gen OUT.jsonl SEED TRACES RATERS
        MLflow trace JSON Lines with feedback from RATERS humans (2..10), an
        LLM judge on the root span, a code scorer on the trace, span-level
        feedback, repeated and overridden answers, error-only rows, numeric,
        categorical, configured and free-text names.

    agreement_ref.py check STORE TRACELAB.json [STATUS]
        Computes every figure from the SQLite store itself (with STATUS:
        only the traces of that status) and compares them with tracelab's
        JSON output: counts exactly, the rest to 3 decimals.  Prints "ok" or
        the differences.

Definitions (the README's): an item is a name on a trace (rows without a
span or on the root span) or on one span; the latest valid answer of each
source_type + source_id counts; values are compared as tracelab's
disagreement marks do; alpha is computed from the pairwise definition
(never from a coincidence matrix); the bootstrap is the documented
procedure (splitmix64, items resampled).
"""
import bisect
import json
import os
import random
import re
import sqlite3
import sys

M64 = (1 << 64) - 1


# ---- generating ------------------------------------------------------------------

def hexs(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def b64(h):
    import base64
    return base64.b64encode(bytes.fromhex(h)).decode()


def rfc(ms):
    import datetime
    d = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


def gen(out, seed, traces, raters):
    rng = random.Random(seed)
    humans = ["ann%d@example.org" % i for i in range(raters)]
    base = 1767225600000 + seed * 1000
    with open(out, "w") as f:
        for i in range(traces):
            tid = hexs(rng, 32)
            root, child = hexs(rng, 16), hexs(rng, 16)
            t0 = base + i * 60000
            rows = []

            def row(name, value, stype, sid, at, span=None, valid=True, overrides=None,
                    error=None):
                d = {"assessment_id": "a-" + hexs(rng, 32), "assessment_name": name,
                     "trace_id": "tr-" + tid,
                     "source": {"source_type": stype, "source_id": sid},
                     "create_time": rfc(at), "last_update_time": rfc(at),
                     "valid": valid}
                d["feedback"] = {"error": error} if error else {"value": value}
                if span:
                    d["span_id"] = span
                if overrides:
                    d["overrides"] = overrides
                rows.append(d)
                return d["assessment_id"]

            truth = rng.random() < 0.6
            at = t0 + 1000
            # verdict: judge "yes"/"no" on the root span, code true/false on the
            # trace, humans in several spellings
            if rng.random() < 0.9:
                j = truth if rng.random() < 0.8 else not truth
                jid = row("verdict", "yes" if j else "no", "LLM_JUDGE", "judge-a", at,
                          span=root)
                if rng.random() < 0.1:   # a human overrode the judge
                    row("verdict", not j, "HUMAN", humans[0], at + 5, overrides=jid)
                    rows[-2]["valid"] = False
            if rng.random() < 0.5:
                row("verdict", truth if rng.random() < 0.7 else not truth, "CODE",
                    "checker", at + 1)
            for k, h in enumerate(humans):
                if rng.random() < 0.35:
                    continue
                v = truth if rng.random() < 0.85 else not truth
                spell = rng.choice([v, "Yes" if v else "No", " yes " if v else "no",
                                    "true" if v else "false"])
                if rng.random() < 0.1:   # an older answer, replaced
                    row("verdict", not v, "HUMAN", h, at + 2 + k)
                row("verdict", spell, "HUMAN", h, at + 100 + k)
            # score: numbers 1..5, sometimes as strings
            q = rng.randint(1, 5)
            for k, h in enumerate(humans + ["judge-b"]):
                if rng.random() < 0.4:
                    continue
                v = min(5, max(1, q + rng.choice([0, 0, 0, 1, -1, 2])))
                v = rng.choice([v, float(v), str(v)])
                row("score", v, "LLM_JUDGE" if h == "judge-b" else "HUMAN", h, at + 200 + k)
            # quality (configured numeric) and user_satisfaction (configured boolean)
            for k, h in enumerate(humans[:3]):
                if rng.random() < 0.5:
                    row("quality", rng.choice([3, 4, 4, 5]), "HUMAN", h, at + 300 + k)
                if rng.random() < 0.5:
                    row("user_satisfaction", rng.random() < 0.7, "HUMAN", h, at + 400 + k)
            # tone: categories, on a child span
            tone = rng.choice(["formal", "casual", "rude"])
            for k, h in enumerate(humans + ["judge-a"]):
                if rng.random() < 0.5:
                    continue
                v = tone if rng.random() < 0.75 else rng.choice(["formal", "casual", "rude"])
                row("tone", v, "LLM_JUDGE" if h == "judge-a" else "HUMAN", h, at + 500 + k,
                    span=child)
            # error-only judge rows, configured text, free text
            if rng.random() < 0.2:
                row("score", None, "LLM_JUDGE", "judge-b", at + 600,
                    error={"error_code": "TIMEOUT", "error_message": "judge timed out"})
            if rng.random() < 0.3:
                row("notes", "ok", "HUMAN", humans[0], at + 700)
            if rng.random() < 0.3:
                row("comment", "This answer is long enough to be a sentence of free text, "
                    "not a category: %d" % rng.randint(0, 9), "HUMAN", humans[-1], at + 800)
            # what MLflow's Span.from_dict needs to read the spans back
            attrs = {"mlflow.traceRequestId": json.dumps("tr-" + tid),
                     "mlflow.spanType": json.dumps("CHAIN")}
            spans = [
                {"trace_id": b64(tid), "span_id": b64(root), "parent_span_id": "",
                 "name": "root", "start_time_unix_nano": t0 * 1000000,
                 "end_time_unix_nano": (t0 + 900) * 1000000, "events": [],
                 "status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": attrs},
                {"trace_id": b64(tid), "span_id": b64(child), "parent_span_id": b64(root),
                 "name": "child", "start_time_unix_nano": (t0 + 10) * 1000000,
                 "end_time_unix_nano": (t0 + 800) * 1000000, "events": [],
                 "status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": attrs},
            ]
            info = {"trace_id": "tr-" + tid,
                    "trace_location": {"type": "MLFLOW_EXPERIMENT",
                                       "mlflow_experiment": {"experiment_id": "0"}},
                    "request_time": rfc(t0), "execution_duration_ms": 900,
                    "state": "ERROR" if i % 7 == 3 else "OK",
                    "trace_metadata": {"mlflow.trace_schema.version": "3"},
                    "tags": {"mlflow.traceName": "gen"}, "assessments": rows}
            f.write(json.dumps({"info": info, "data": {"spans": spans}}) + "\n")


# ---- the reference ------------------------------------------------------------------

# The configured labels: the defaults of examples/config.yaml, or (from the
# environment) those of the configuration a test uses:
#   AGREE_HINTS='{"tone": {"kind": "category", "scale": "ordinal",
#                          "options": ["rude", "casual", "formal"]}}'
HINTS = {"user_satisfaction": {"kind": "bool"}, "quality": {"kind": "number"},
         "notes": {"kind": "text"}}
if os.environ.get("AGREE_HINTS"):
    HINTS = json.loads(os.environ["AGREE_HINTS"])
DECIMAL = re.compile(r"-?[0-9][0-9]*(\.[0-9]*)?([eE][+-]?[0-9]+)?$")
SPACE = " \t\r\n\v\f"
LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def key_of(raw):
    """What a stored value says (the README's rule)."""
    if raw in ("true", "false"):
        return ("b", raw == "true")
    if DECIMAL.match(raw):
        return ("n", float(raw))
    if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"' or "\\" in raw[1:-1]:
        return ("o", raw)
    t = raw[1:-1].strip(SPACE)
    if DECIMAL.match(t):
        return ("n", float(t))
    t = t.translate(LOWER)
    if t in ("yes", "true", "no", "false"):
        return ("b", t in ("yes", "true"))
    return ("s", t)


def rank_of(key):
    return {"b": 1, "n": 2, "s": 3, "o": 4}[key[0]]


def splitmix(state):
    state = (state + 0x9e3779b97f4a7c15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return state, z ^ (z >> 31)


def delta2(metric, c, k, value, marg):
    if c == k:
        return 0.0
    if metric == "nominal":
        return 1.0
    if metric == "interval":
        return (value[c] - value[k]) ** 2
    lo, hi = min(c, k), max(c, k)
    s = sum(marg[g] for g in range(lo, hi + 1))
    return (s - (marg[c] + marg[k]) / 2.0) ** 2


def alpha_pairwise(items, nclass, metric, value):
    """items: lists of class indices.  The pairwise definition."""
    items = [u for u in items if len(u) >= 2]
    vals = [(v, ui, len(u)) for ui, u in enumerate(items) for v in u]
    n = len(vals)
    if n < 2:
        return None
    marg = [0] * nclass
    for v, _, _ in vals:
        marg[v] += 1
    within = allp = 0.0
    for i, (vi, ui, mi) in enumerate(vals):
        for j, (vj, uj, _) in enumerate(vals):
            if i == j:
                continue
            d = delta2(metric, vi, vj, value, marg)
            allp += d
            if ui == uj:
                within += d / (mi - 1)
    if allp == 0:
        return None
    return 1 - (n - 1) * within / allp


def alpha_coinc(w_items, nclass, metric, value):
    """alpha of weighted distinct items (for the bootstrap's resamples)."""
    o = [[0.0] * nclass for _ in range(nclass)]
    for u, w in w_items:
        if not w:
            continue
        for i in range(len(u)):
            for j in range(len(u)):
                if i != j:
                    o[u[i]][u[j]] += w / (len(u) - 1)
    marg = [sum(r) for r in o]
    n = sum(marg)
    if n < 2:
        return None
    do = de = 0.0
    for c in range(nclass):
        for k in range(nclass):
            if c != k:
                d = delta2(metric, c, k, value, marg)
                do += o[c][k] * d
                de += marg[c] * marg[k] * d
    do /= n
    de /= n * (n - 1)
    if de <= 0:
        return None
    return 1 - do / de


def quantile7(v, q):
    h = (len(v) - 1) * q
    i = int(h)
    if i + 1 >= len(v):
        return v[-1]
    return v[i] + (h - i) * (v[i + 1] - v[i])


def bootstrap(items, nclass, metric, value, seed, resamples):
    types = {}
    for u in items:
        if len(u) >= 2:
            t = tuple(sorted(u))
            types[t] = types.get(t, 0) + 1
    order = sorted(types, key=lambda t: (len(t), t))
    cum, total = [], 0
    for t in order:
        total += types[t]
        cum.append(total)
    state, alphas = seed, []
    for _ in range(resamples):
        w = [0] * len(order)
        for _ in range(total):
            state, x = splitmix(state)
            r = (x * total) >> 64
            w[bisect.bisect_right(cum, r)] += 1
        a = alpha_coinc(list(zip(order, w)), nclass, metric, value)
        if a is not None:
            alphas.append(a)
    alphas.sort()
    if not alphas:
        return None
    return quantile7(alphas, 0.025), quantile7(alphas, 0.975), len(alphas)


def reference(db, status=None, seed=1, resamples=1000):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    where = (" WHERE experiment_id IN (SELECT experiment_id FROM experiments "
             "WHERE lifecycle_stage != 'deleted')")
    if status:
        where += " AND status = ?"
    traces = {r[0] for r in con.execute("SELECT request_id FROM trace_info" + where,
                                        (status,) if status else ())}
    roots = {}
    for tid, sid in con.execute("SELECT trace_id, span_id FROM spans "
                                "WHERE parent_span_id IS NULL"):
        roots.setdefault(tid, sid)
    latest = {}
    for (aid, tid, name, value, upd, stype, sid, span) in con.execute(
            "SELECT assessment_id, trace_id, name, value, last_updated_timestamp, "
            "source_type, source_id, span_id FROM assessments WHERE valid = 1 AND "
            "assessment_type = 'feedback' AND value IS NOT NULL AND value != 'null'"):
        if tid not in traces:
            continue
        target = None if span in (None, "") or span == roots.get(tid) else span
        k = (name, tid, target, stype or "", sid or "")
        if k not in latest or (upd, aid) > latest[k][0]:
            latest[k] = ((upd, aid), value)
    names = {}
    for (name, tid, target, stype, sid), (_, raw) in latest.items():
        names.setdefault(name, {}).setdefault((tid, target), []).append((stype, sid, raw))
    out = {"traces": len(traces), "names": {}, "left_out": {}}
    for name, items in names.items():
        hint = HINTS.get(name, {})
        if hint.get("kind") == "text":
            out["left_out"][name] = "text answers"
            continue
        raws = {}
        for ans in items.values():
            for _, _, raw in ans:
                raws.setdefault(key_of(raw), set()).add(raw)
        if any(raw.startswith('"') and (len(raw) > 66 or "\\n" in raw)
               for s in raws.values() for raw in s):
            out["left_out"][name] = "text answers"
            continue
        options = [key_of(json.dumps(o)) for o in hint.get("options", [])] \
            if hint.get("kind") == "category" else []

        def order(k):
            if k in options:
                return (0, options.index(k), "")
            return (rank_of(k), k[1] if k[0] in "bn" else 0, min(raws[k]))
        keys = sorted(raws, key=order)
        index = {k: i for i, k in enumerate(keys)}
        labels = []
        for k in keys:
            m = min(raws[k])
            labels.append(m[1:-1].strip(" ") if len(m) >= 2 and m[0] == m[-1] == '"' and
                          "\\" not in m else m)
        numbers = all(k[0] == "n" for k in keys)
        if hint.get("scale"):
            metric = hint["scale"]
        elif hint:
            metric = "interval" if hint["kind"] == "number" else "nominal"
        else:
            metric = "interval" if numbers else "nominal"
        if metric == "interval" and not numbers:
            metric = "nominal"
        value = {i: float(k[1]) for i, k in enumerate(keys)} if metric == "interval" else {}
        cls_items = []
        srcs = {}
        pairs = {}
        judge_m = {}
        tie = 0
        cell_traces = {}
        for (tid, _), ans in items.items():
            u = [index[key_of(raw)] for _, _, raw in ans]
            cls_items.append(u)
            for stype, sid, _ in ans:
                srcs[(stype, sid)] = srcs.get((stype, sid), 0) + 1
            if len(ans) < 2:
                continue
            hum = [(sid, index[key_of(raw)]) for stype, sid, raw in ans if stype == "HUMAN"]
            votes = {}
            for _, c in hum:
                votes[c] = votes.get(c, 0) + 1
            best = max(votes.values()) if votes else 0
            tops = [c for c, v in votes.items() if v == best]
            cons = tops[0] if len(tops) == 1 else None
            for stype, sid, raw in ans:
                if stype == "HUMAN":
                    continue
                if cons is not None:
                    m = judge_m.setdefault((stype, sid), {})
                    cell = (labels[index[key_of(raw)]], labels[cons])
                    m[cell] = m.get(cell, 0) + 1
                    cell_traces.setdefault(("%s %s" % (stype, sid),) + cell, set()).add(tid)
            if cons is None and hum and any(s != "HUMAN" for s, _, _ in ans):
                tie += 1
            for a in range(len(hum)):
                for b in range(len(hum)):
                    if hum[a][0] < hum[b][0]:
                        p = pairs.setdefault((hum[a][0], hum[b][0]), [])
                        p.append((hum[a][1], hum[b][1]))
        pairable = [u for u in cls_items if len(u) >= 2]
        alpha = alpha_pairwise(cls_items, len(keys), metric, value)
        res = {"metric": metric, "items": len(cls_items), "pairable": len(pairable),
               "unanimous": sum(1 for u in pairable if len(set(u)) == 1),
               "humans_tie": tie, "classes": labels, "alpha": alpha,
               "sources": {"%s %s" % k: v for k, v in srcs.items()}, "kappa": {},
               "confusion": {}, "cell_traces": cell_traces}
        res["interval"] = (bootstrap(cls_items, len(keys), metric, value, seed, resamples)
                           if alpha is not None else None)

        def kappa(cells):
            n = len(cells)
            if not n:
                return None, None, 0
            po = sum(1 for a, b in cells if a == b) / n
            pe = sum((sum(1 for a, _ in cells if a == c) / n) *
                     (sum(1 for _, b in cells if b == c) / n) for c in set(sum(cells, ())))
            return ((po - pe) / (1 - pe) if pe < 1 else None), po, n

        for (a, b), cells in pairs.items():
            res["kappa"]["HUMAN %s|HUMAN %s" % (a, b)] = kappa(cells)
        for (stype, sid), m in judge_m.items():
            cells = []
            for (r, c), cnt in m.items():
                cells += [(labels.index(r), labels.index(c))] * cnt
            res["kappa"]["%s %s|human consensus" % (stype, sid)] = kappa(cells)
            res["confusion"]["%s %s" % (stype, sid)] = m
        out["names"][name] = res
    return out


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return round(a, 3) == round(b, 3) or abs(a - b) < 1e-9


def check(db, tl_json, status=None):
    ref = reference(db, status)
    got = json.load(open(tl_json))
    bad = []

    def want(what, a, b, approx=False):
        if not (close(a, b) if approx else a == b):
            bad.append("%s: tracelab %r, reference %r" % (what, a, b))

    want("traces", got["traces"], ref["traces"])
    want("left out", {x["name"]: x["reason"] for x in got["left_out"]}, ref["left_out"])
    want("names", sorted(x["name"] for x in got["names"]), sorted(ref["names"]))
    for g in got["names"]:
        r = ref["names"].get(g["name"])
        if not r:
            continue
        n = g["name"]
        want(n + " metric", g["metric"], r["metric"])
        want(n + " items", g["items"], r["items"])
        want(n + " items with two or more", g["items_with_two_or_more"], r["pairable"])
        want(n + " unanimous", g["unanimous"], r["unanimous"])
        want(n + " humans tie", g["humans_tie"], r["humans_tie"])
        want(n + " classes", g["classes"], r["classes"])
        want(n + " alpha", g["alpha"], r["alpha"], True)
        if r["pairable"]:
            want(n + " percent agreement", g["percent_agreement"],
                 100.0 * r["unanimous"] / r["pairable"], True)
        want(n + " sources", {"%s %s" % (s["source_type"], s["source_id"]): s["answers"]
                              for s in g["sources"]}, r["sources"])
        gi, ri = g["interval"], r["interval"]
        if gi is None or ri is None:
            want(n + " interval", gi, ri)
        else:
            want(n + " interval low", gi["low"], ri[0], True)
            want(n + " interval high", gi["high"], ri[1], True)
            want(n + " interval resamples", gi["resamples_used"], ri[2])
        gk = {}
        for k in g["kappa"]:
            a = "%s %s" % (k["rater"]["source_type"], k["rater"]["source_id"])
            b = (k["against"] if isinstance(k["against"], str) else
                 "%s %s" % (k["against"]["source_type"], k["against"]["source_id"]))
            gk[a + "|" + b] = k
            if "confusion" in k:
                m = {}
                for i, row in enumerate(k["confusion"]):
                    for j, cnt in enumerate(row):
                        if cnt:
                            m[(g["classes"][i], g["classes"][j])] = cnt
                want(n + " confusion " + a, m, r["confusion"].get(a))
        want(n + " kappa pairs", sorted(gk), sorted(r["kappa"]))
        for pair, (kap, po, cnt) in r["kappa"].items():
            k = gk.get(pair)
            if not k:
                continue
            want(n + " kappa " + pair, k["kappa"], kap, True)
            want(n + " kappa n " + pair, k["items"], cnt)
            want(n + " kappa agreement " + pair, k["percent_agreement"],
                 100 * po if po is not None else None, True)
    print("\n".join(bad) if bad else "ok")


if __name__ == "__main__":
    if sys.argv[1] == "cell":
        # cell DB NAME "SOURCE_TYPE SOURCE_ID" ROW COLUMN: the traces where
        # that judge said ROW and the human consensus COLUMN, sorted
        ref = reference(sys.argv[2])["names"][sys.argv[3]]["cell_traces"]
        print(" ".join(sorted(ref.get(tuple(sys.argv[4:7]), ()))))
    elif sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
