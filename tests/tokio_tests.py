#!/usr/bin/env python3
"""Async Rust on Eremit: builds examples-rust/tokio-json (axum + serde_json on tokio with
`features = ["full"]`) against crates.io's tokio and socket2 with hermit support added
(scripts/compat-crates.sh), boots it with `eremit run --net user --forward` and drives it
with curl and Python: every route's JSON, invalid input, tokio::fs, tokio::process
(Unsupported in a unikernel), a counter shared by tasks on two worker threads,
overlapping timers, 200 requests 8 at a time, and a clean exit (graceful shutdown that
also listens for tokio::signal::ctrl_c). The same
source is built natively and put under the same load, for comparison (and to show that
the adapted crates still work on Linux). Prints measurements and ends with 'N passed, N
failed'. All traffic stays on this machine (127.0.0.1 and QEMU's user network)."""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import (EREMIT, ROOT, Guest, HostServers, Suite, check, ensure_curl, free_port,  # noqa: E402
                     measure, once, run, serve_commands, start_server)

EXAMPLE = os.path.join(ROOT, "examples-rust", "tokio-json")
TARGET = os.path.join(ROOT, "examples-rust", "target")
IMAGE = os.path.join(TARGET, "x86_64-unknown-hermit", "release", "tokio-json")
NATIVE_TARGET = os.path.join(TARGET, "native")
NATIVE = os.path.join(NATIVE_TARGET, "release", "tokio-json")
SOCKET2_CHECK_DIR = os.path.join(ROOT, "tests", "socket2-check")
SOCKET2_CHECK = os.path.join(TARGET, "x86_64-unknown-hermit", "release", "socket2-check")

suite = Suite("tokio", requires=[EREMIT], hint="run `make toolchain` first")


@once
def build():
    ensure_curl()
    print("tokio-tests: build/compat (socket2, tokio from crates.io + hermit support), "
          "examples-rust/tokio-json for Eremit and natively", flush=True)
    p = run([os.path.join(ROOT, "scripts", "compat-crates.sh")], cwd=ROOT)
    check("compat-crates.sh adapts socket2 and tokio from crates.io", p.returncode == 0,
          p.stdout + p.stderr, keep_end=True)
    if p.returncode:
        return False
    start = time.monotonic()
    p = run(["cargo", "build", "--release"], cwd=EXAMPLE, timeout=1800)
    secs = time.monotonic() - start
    check("tokio-json builds for x86_64-unknown-hermit (tokio net, axum, serde_json)",
          p.returncode == 0 and os.path.exists(IMAGE), p.stderr, keep_end=True)
    if p.returncode:
        return False
    measure(f"build of tokio-json for Eremit: {secs:.0f} s ({os.path.getsize(IMAGE):,} B image)")
    p = run(["cargo", "build", "--release"], cwd=SOCKET2_CHECK_DIR, timeout=1800)
    check("tests/socket2-check builds for x86_64-unknown-hermit", p.returncode == 0,
          p.stderr, keep_end=True)
    # Natively: from the repository root, so examples-rust/.cargo/config.toml (the hermit
    # target, build-std) does not apply; the same [patch] does.
    start = time.monotonic()
    p = run(["cargo", "build", "--release", "--manifest-path", os.path.join(EXAMPLE, "Cargo.toml"),
             "--target-dir", NATIVE_TARGET], cwd=ROOT, timeout=1800)
    check("tokio-json builds natively with the same patched crates", p.returncode == 0,
          p.stderr, keep_end=True)
    measure(f"native build: {time.monotonic() - start:.0f} s")
    return True


def curl(port, path, data=None, timeout=30):
    """(HTTP status, body) of one request by curl, on a new connection."""
    cmd = ["curl", "-s", "-S", "-m", str(timeout), "-w", "\n%{http_code}"]
    if data is not None:
        cmd += ["-X", "POST", "-H", "content-type: application/json", "--data-binary", data]
    p = subprocess.run(cmd + [f"http://127.0.0.1:{port}{path}"], capture_output=True,
                       timeout=timeout + 10)
    body, _, code = p.stdout.decode(errors="replace").rpartition("\n")
    return (int(code) if code.isdigit() else 0), body


def as_json(body):
    try:
        return json.loads(body)
    except ValueError:
        return None


def put(port, path, data, timeout=30):
    p = subprocess.run(["curl", "-s", "-S", "-m", str(timeout), "-X", "PUT", "--data-binary", data,
                        "-w", "\n%{http_code}", f"http://127.0.0.1:{port}{path}"],
                       capture_output=True, timeout=timeout + 10)
    body, _, code = p.stdout.decode(errors="replace").rpartition("\n")
    return (int(code) if code.isdigit() else 0), body


def routes(port, label, processes):
    code, body = curl(port, "/health")
    check(f"{label}: GET /health answers {{\"status\":\"ok\"}}",
          code == 200 and as_json(body) == {"status": "ok"}, f"{code} {body}")

    sent = {"name": "eremit", "n": 42, "list": [1, 2.5, None, True], "nested": {"k": "v"}}
    code, body = curl(port, "/echo", json.dumps(sent))
    want = dict(sent, echoed_by="tokio-json on Eremit")
    check(f"{label}: POST /echo returns the object with a field added",
          code == 200 and as_json(body) == want, f"{code} {body}")
    code, body = curl(port, "/echo", "[1,2,3]")
    check(f"{label}: POST /echo wraps a non-object body",
          code == 200 and as_json(body) == {"value": [1, 2, 3], "echoed_by": "tokio-json on Eremit"},
          f"{code} {body}")
    code, body = curl(port, "/echo", "{not json")
    check(f"{label}: POST /echo with invalid JSON is refused with 400", code == 400, f"{code} {body}")
    code, body = curl(port, "/nowhere")
    check(f"{label}: an unknown path gives 404", code == 404, f"{code} {body}")

    first = as_json(curl(port, "/count")[1]) or {}
    second = as_json(curl(port, "/count")[1]) or {}
    check(f"{label}: GET /count counts up", second.get("count") == first.get("count", -1) + 1,
          f"{first} {second}")
    text = "tokio::fs on " + label
    code, body = put(port, "/files/note", text)
    check(f"{label}: PUT /files/note stores the body with tokio::fs",
          code == 200 and as_json(body) == {"stored": len(text)}, f"{code} {body}")
    code, body = curl(port, "/files/note")
    check(f"{label}: GET /files/note reads it back",
          code == 200 and as_json(body) == {"name": "note", "bytes": len(text), "text": text},
          f"{code} {body}")
    code, body = curl(port, "/files/missing")
    check(f"{label}: GET of a missing file gives 404", code == 404, f"{code} {body}")
    code, body = curl(port, "/spawn")
    want = ({"spawned": True, "success": True} if processes
            else {"spawned": False, "error": "Unsupported"})
    check(f"{label}: tokio::process::Command " + ("runs `true`" if processes else "fails with Unsupported"),
          code == 200 and as_json(body) == want, f"{code} {body}")

    code, body = curl(port, "/sleep/100000")
    check(f"{label}: /sleep beyond its limit gives 400 with a JSON error",
          code == 400 and "error" in (as_json(body) or {}), f"{code} {body}")


def overlapping_sleeps(port, label, n=8, ms=2000):
    """n curl processes at once, each waiting ms on a tokio timer: they must overlap."""
    start = time.monotonic()
    procs = [subprocess.Popen(["curl", "-s", "-m", "60", f"http://127.0.0.1:{port}/sleep/{ms}"],
                              stdout=subprocess.PIPE) for _ in range(n)]
    bodies = [as_json(p.communicate(timeout=90)[0].decode(errors="replace")) for p in procs]
    secs = time.monotonic() - start
    check(f"{label}: {n} concurrent /sleep/{ms} all answered", bodies == [{"slept_ms": ms}] * n, bodies)
    # One after the other they take n * ms; QEMU's forwarding may delay a connection by a
    # second (its listen backlog is 1), which this bound leaves room for.
    check(f"{label}: they overlap ({secs:.1f} s, sequential would be {n * ms / 1000:.0f} s)",
          secs < n * ms / 1000 / 2, f"{secs:.1f} s")
    measure(f"{label}: {n} concurrent /sleep/{ms} done in {secs:.2f} s")


def load(port, label, total=200, clients=8, keep_alive=True):
    """total GET /count requests from `clients` threads; returns (requests/s, counts seen,
    failures). With keep_alive each thread uses one connection, else one per request."""
    per = total // clients
    counts, failures = [], []
    lock = threading.Lock()

    def client():
        conn = None
        for _ in range(per):
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/count", headers={} if keep_alive else {"Connection": "close"})
                r = conn.getresponse()
                body = r.read()
                value = (as_json(body.decode()) or {}).get("count") if r.status == 200 else None
                with lock:
                    (counts if value is not None else failures).append(value or r.status)
                if not keep_alive:
                    conn.close()
                    conn = None
            except OSError as e:
                with lock:
                    failures.append(repr(e))
                conn = None
        if conn:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    secs = time.monotonic() - start
    return len(counts) / secs, counts, failures


def load_suite(port, label):
    rate, counts, failures = load(port, label, keep_alive=True)
    # Every request incremented the one counter once: 200 distinct, consecutive values.
    ok = not failures and len(counts) == 200 and sorted(counts) == list(range(min(counts), min(counts) + 200))
    check(f"{label}: 200 requests, 8 concurrent keep-alive connections, one shared counter",
          ok, f"{len(counts)} answers, failures {failures[:5]}, counts {sorted(counts)[:10]}...")
    measure(f"{label}: {rate:.0f} requests/s (200 GET /count, 8 concurrent keep-alive connections)")
    rate, counts, failures = load(port, label, keep_alive=False)
    check(f"{label}: 200 requests, 8 concurrent, a new connection each", not failures and len(counts) == 200,
          f"{len(counts)} answers, failures {failures[:5]}")
    measure(f"{label}: {rate:.0f} requests/s (200 GET /count, 8 concurrent, a connection per request)")


def idle_cpu(g, label):
    """An idle tokio server must sleep: its workers park in the kernel (tokio's
    `parking_lot` feature, in `full`, parks through compat/parking_lot_core's futex
    parker; parking_lot_core's own fallback would spin)."""
    share = g.idle_cpu_percent(4)
    if share is None:
        return
    check(f"{label}: idle server uses < 10% of a host CPU", share < 10, f"{share:.1f}%")
    measure(f"{label}: idle host CPU of the waiting server: {share:.1f}%")


def eremit_suite(cpus, full):
    if not build():
        return
    port = free_port()
    label = f"Eremit, {cpus} vCPU" + ("s" if cpus > 1 else "")
    g = start_server(f"{label}: tokio-json starts and listens", IMAGE, ready="listening on", wait=120,
                     opts=["--net", "user", "--forward", f"tcp:{port}:8080", "--cpus", str(cpus)],
                     timeout=600)
    if g is None:
        return
    code, body = curl(port, "/info")
    check(f"{label}: /info shows {cpus} tokio worker thread(s)",
          as_json(body) == {"workers": cpus, "cpus": cpus}, f"{code} {body}")
    routes(port, label, processes=False)
    overlapping_sleeps(port, label)
    if full:
        load_suite(port, label)
        idle_cpu(g, label)
    code, body = curl(port, "/quit", "")
    stopped = g.wait_for("tokio-json: stopped", timeout=30)
    check(f"{label}: POST /quit: graceful shutdown completes", code == 200 and stopped is not None,
          f"{code} {body}")
    rc, out, err = g.finish(timeout=30)
    # With 2 vCPUs this hung in about one run in seven before compat/mio's fix (a
    # Waker::wake lost in mio's poll(2) selector while another worker deregistered).
    check(f"{label}: then the program exits with code 0", rc == 0, f"exit {rc}\n{out}\n{err[-2000:]}")


suite.add("eremit-2cpus", eremit_suite, cpus=2, full=True)
suite.add("eremit-1cpu", eremit_suite, cpus=1, full=False)


@suite.case("socket2-check")
def socket2_suite():
    """tests/socket2-check in Eremit: socket2's own API on the hermit backend (options,
    errors for what the kernel lacks, client, UDP, listener) against host servers."""
    if not build() or not os.path.exists(SOCKET2_CHECK):
        return
    port = free_port()
    with HostServers(serve_commands) as server:
        g = Guest(SOCKET2_CHECK, args=["10.0.2.2", str(server.port), str(server.udp_port),
                                       str(server.closed_port), "9000"],
                  opts=["--net", "user", "--forward", f"tcp:{port}:9000"], timeout=180)
        line = ""
        if g.wait_for("listening on 9000", timeout=120):
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                line = s.makefile("rb").readline().decode(errors="replace")
        check("socket2-check: the host reads the line the guest's listener sends",
              line == "hi from socket2\n", repr(line))
        code, out, err = g.finish(timeout=60)
    lines = [l for l in out.splitlines() if l.startswith(("ok ", "FAIL "))]
    for l in lines:
        name = l[3:] if l.startswith("ok ") else l[5:].split(":", 1)[0]
        check(f"socket2-check: {name}", l.startswith("ok "), l)
    check("socket2-check: all ran, exit code 0", code == 0 and len(lines) >= 30,
          f"exit {code}, {len(lines)} checks\n{out}\n{err[-2000:]}")


@suite.case("native")
def native_suite():
    if not build() or not os.path.exists(NATIVE):
        return
    port = free_port()
    p = subprocess.Popen([NATIVE, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and curl(port, "/health", timeout=2)[0] != 200:
            time.sleep(0.2)
        routes(port, "native", processes=True)
        load_suite(port, "native")
        curl(port, "/quit", "")
        p.wait(timeout=30)
        check("native: POST /quit ends it with exit code 0", p.returncode == 0, p.returncode)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


if __name__ == "__main__":
    sys.exit(suite.main())
