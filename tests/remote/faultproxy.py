"""A fault-injecting HTTP proxy for the remote tests (Python standard library only).

    python3 faultproxy.py UPSTREAM_PORT PORT_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE once it listens) and
forwards every request to 127.0.0.1:UPSTREAM_PORT, one upstream connection per
request, so each request can be delayed, failed or cut on its own.  The
client's connection is kept open between requests (libcurl reuses it), as a
real reverse proxy would.

Faults are rules set over the proxy's own control paths (answered by the proxy,
never forwarded):

    GET /__proxy/rule?match=TEXT&action=A[&ms=N][&status=N][&count=N]
        TEXT is a substring of "METHOD /path?query" ('' matches everything);
        count is how many requests the rule hits (default: every one).
        Actions:
          slow     wait ms before forwarding (the reply comes ms later)
          status   answer with that status at once, without forwarding
                   (500: a JSON INTERNAL_ERROR body as MLflow's server sends;
                   502/503/504: an HTML page as a real proxy sends)
          drop     close the client's connection without forwarding
          cut      forward, read the whole reply, then close the client's
                   connection without sending it (the server did the work;
                   the client never hears)
          down     like drop, for every request until cleared (server gone)
    GET /__proxy/clear              remove every rule
    GET /__proxy/log                the requests seen, one per line:
                                    "METHOD /path STATUS-or-action"
    GET /__proxy/upstream?port=N    forward to another port from now on

Rules are checked in the order they were set; the first that matches (and
has hits left) applies.
"""
import json
import socket
import sys
import threading
import time
import urllib.parse

lock = threading.Lock()
rules = []
log = []
upstream = {"port": int(sys.argv[1])}


def read_request(f):
    """One HTTP request from a file object: (request line, headers, body) or None."""
    line = f.readline(65537)
    if not line:
        return None
    while line in (b"\r\n", b"\n"):
        line = f.readline(65537)
        if not line:
            return None
    headers = []
    while True:
        h = f.readline(65537)
        if not h or h in (b"\r\n", b"\n"):
            break
        headers.append(h)
    length = 0
    chunked = False
    for h in headers:
        k, _, v = h.decode("latin-1").partition(":")
        if k.strip().lower() == "content-length":
            length = int(v.strip())
        if k.strip().lower() == "transfer-encoding" and "chunked" in v.lower():
            chunked = True
    body = b""
    if chunked:
        while True:
            size_line = f.readline()
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            chunk = f.read(size + 2)
            body += chunk[:size]
            if size == 0:
                # trailers
                while True:
                    t = f.readline()
                    if not t or t in (b"\r\n", b"\n"):
                        break
                break
        headers = [h for h in headers
                   if not h.lower().startswith(b"transfer-encoding")]
        headers.append(b"Content-Length: %d\r\n" % len(body))
    elif length:
        body = f.read(length)
    return line, headers, body


def read_response(s):
    """Reads an upstream reply (sent with Connection: close) to its end."""
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def canned(status):
    if status == 500:
        body = json.dumps({"error_code": "INTERNAL_ERROR",
                           "message": "injected by the test proxy"}).encode()
        ctype = b"application/json"
    else:
        body = (b"<html><head><title>%d</title></head><body><h1>%d</h1>"
                b"<p>injected by the test proxy</p></body></html>" % (status, status))
        ctype = b"text/html"
    return (b"HTTP/1.1 %d Injected\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
            % (status, ctype, len(body)) + body)


def control(path):
    u = urllib.parse.urlsplit(path)
    q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
    with lock:
        if u.path == "/__proxy/rule":
            rules.append({"match": q.get("match", ""), "action": q["action"],
                          "ms": int(q.get("ms", "0")), "status": int(q.get("status", "500")),
                          "count": int(q.get("count", "-1"))})
            text = "ok\n"
        elif u.path == "/__proxy/clear":
            rules.clear()
            text = "ok\n"
        elif u.path == "/__proxy/log":
            text = "".join(x + "\n" for x in log)
        elif u.path == "/__proxy/upstream":
            upstream["port"] = int(q["port"])
            text = "ok\n"
        else:
            text = "unknown control path\n"
    body = text.encode()
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % len(body)) + body


def pick(what):
    with lock:
        for r in rules:
            if r["count"] != 0 and r["match"] in what:
                if r["count"] > 0:
                    r["count"] -= 1
                return dict(r)
    return None


def note(what, result):
    with lock:
        log.append("%s %s" % (what, result))


def forward(line, headers, body):
    out = [line]
    for h in headers:
        k = h.split(b":", 1)[0].strip().lower()
        if k in (b"connection", b"keep-alive", b"proxy-connection"):
            continue
        out.append(h)
    out.append(b"Connection: close\r\n\r\n")
    s = socket.create_connection(("127.0.0.1", upstream["port"]), timeout=120)
    try:
        s.sendall(b"".join(out) + body)
        return read_response(s)
    finally:
        s.close()


def client_reply(raw):
    """The upstream reply as sent to the client: keep-alive, with a length."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    keep = [lines[0]]
    chunked = False
    for h in lines[1:]:
        k = h.split(b":", 1)[0].strip().lower()
        if k == b"transfer-encoding" and b"chunked" in h.lower():
            chunked = True
            continue
        if k in (b"connection", b"content-length", b"keep-alive"):
            continue
        keep.append(h)
    if chunked:
        plain = b""
        rest = body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                break
            plain += rest[:size]
            rest = rest[size + 2:]
        body = plain
    keep.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(keep) + b"\r\n\r\n" + body


def serve(conn):
    f = conn.makefile("rb")
    try:
        while True:
            req = read_request(f)
            if req is None:
                return
            line, headers, body = req
            parts = line.decode("latin-1").split(" ")
            what = "%s %s" % (parts[0], parts[1] if len(parts) > 1 else "")
            if parts[1].startswith("/__proxy/") if len(parts) > 1 else False:
                conn.sendall(control(parts[1]))
                return
            r = pick(what)
            action = r["action"] if r else None
            if action in ("drop", "down"):
                note(what, action)
                return
            if action == "status":
                note(what, "%d injected" % r["status"])
                conn.sendall(canned(r["status"]))
                continue
            if action == "slow":
                time.sleep(r["ms"] / 1000.0)
            try:
                raw = forward(line, headers, body)
            except OSError:
                note(what, "502 upstream unreachable")
                conn.sendall(canned(502))
                continue
            status = raw.split(b" ", 2)[1].decode("latin-1") if raw else "empty"
            if action == "cut":
                note(what, "%s cut" % status)
                return
            note(what, status)
            conn.sendall(client_reply(raw))
    except (OSError, ValueError):
        return
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    with open(sys.argv[2] + ".tmp", "w") as pf:
        pf.write("%d\n" % ls.getsockname()[1])
    import os
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
