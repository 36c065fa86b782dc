#!/usr/bin/env python3
"""Connection bursts and networking short of memory (issue 13, items 6 and 8), with
clients on the host through `eremit run --net user --forward`:

- tests/net-burst/burst_server.c (x86_64-hermit-gcc) listens with a given backlog and
  answers each connection with "ok\\n": 200 clients connecting at once to listen(s, 128)
  are all served, also when the server sleeps 2 s before its first accept (the backlog
  holds 128, the other SYNs are dropped and sent again, as on Linux); 1,000 clients to
  listen(s, 1024) with the first accept 5 s late are all served; 100 clients to a server
  that left only ~256 KiB of heap free are all served (small buffers, SYNs dropped until
  memory comes back);
- tests/net-burst/keepalive_httpd.c (poll, a malloc'd response per request) and, when it
  is built, examples-rust/httpd (std, a thread per connection) under 8 keep-alive
  clients at the smallest --memory the runner accepts (and at a few sizes above): the
  server keeps answering, or fails single requests (503, a closed connection); the
  kernel never panics (exit 134) and /quit ends the program with exit code 0.

QEMU's user network (slirp) sits between the clients and the guest: it accepts the
host's connections itself (its listening socket has a backlog of 1, so the host kernel
drops SYNs of a burst and the clients resend them) and opens one connection to the guest
for each. All traffic stays on this machine. Ends with 'N passed, N failed'.

`-k burst` or `-k memory` runs only that part; NET_VERBOSE=1 boots the burst guests
with --verbose (the kernel log in the failure details)."""

import os
import re
import resource
import select
import selectors
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import (CC, EREMIT, EXAMPLES_RUST, HERMIT_TARGET, ROOT, Guest, Suite, check,  # noqa: E402
                     free_port, measure, once, run, start_server)

SRC = os.path.join(ROOT, "tests", "net-burst")
OUT = os.path.join(ROOT, "build", "net-burst")
RUST_HTTPD = os.path.join(EXAMPLES_RUST, "target", HERMIT_TARGET, "release", "httpd")

suite = Suite("net-burst", requires=[CC, EREMIT])


@suite.setup
def more_descriptors():
    """1,000 clients need as many descriptors here and in QEMU (slirp holds one per
    forwarded connection)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096 and (hard == resource.RLIM_INFINITY or hard >= 4096):
        resource.setrlimit(resource.RLIMIT_NOFILE, (4096, hard))


# Sizes tried for the memory-short servers, smallest first; those the runner refuses are
# skipped, the first it accepts is "the smallest --memory it boots in".
MEMORY_SIZES = ["4M", "5M", "6M", "8M", "10M", "12M", "17M", "24M", "32M", "48M", "64M"]


@once
def build():
    os.makedirs(OUT, exist_ok=True)
    images = {}
    for name in ("burst_server", "keepalive_httpd"):
        image = os.path.join(OUT, name.replace("_", "-"))
        p = run([CC, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
                 os.path.join(SRC, name + ".c"), "-o", image])
        check(f"{name}.c builds with x86_64-hermit-gcc -Wall -Wextra -Werror", p.returncode == 0, p.stderr)
        images[name] = image if p.returncode == 0 else None
    return images


# --- bursts ------------------------------------------------------------------------------

def connect_paced(port, deadline):
    """A connection to 127.0.0.1:port through slirp's listening socket, whose backlog is
    1: the host kernel drops a SYN while that socket's queue is full, and the client
    would wait a second to send it again. A connect not done within 20 ms (the
    handshake with the host kernel takes microseconds) was dropped, and a new one is
    tried at once. Raises OSError (refused, or at the deadline)."""
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        _, writable, _ = select.select([], [s], [], 0.02)
        if writable:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == 0:
                return s
            s.close()
            raise OSError(err, os.strerror(err))
        s.close()
        if time.monotonic() > deadline:
            raise OSError("connect: no room in slirp's backlog until the deadline")


def burst(port, n, limit):
    """n clients open connections, all of them before any is answered, each sends a
    request line and reads until the end of the stream. Returns {outcome: count}
    (outcomes: served, i.e. "ok\\n" and the end; empty, the end without an answer;
    reset; timeout; error) and the seconds until the last client finished.

    The connects are paced to what slirp accepts (connect_paced): its listening socket
    has a backlog of 1, so connects all at once bring only a few dozen clients through
    the host kernel in a minute (the others' SYNs are dropped and sent again after 1, 3,
    7, 15... s), whatever the guest does. Paced, slirp opens a connection to the guest
    for each client as fast as it accepts them, and the guest meets the whole burst in
    its backlog."""
    sel = selectors.DefaultSelector()
    got = {}
    outcome = {}
    start = time.monotonic()
    end = start + limit
    for i in range(n):
        try:
            s = connect_paced(port, end)
            s.send(b"hello\n")
        except OSError as e:
            outcome[f"connect: {e}"] = outcome.get(f"connect: {e}", 0) + 1
            continue
        sel.register(s, selectors.EVENT_READ, i)
        got[i] = b""
    while sel.get_map() and time.monotonic() < end:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                b = s.recv(64)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                result = "reset"
            except OSError as e:
                result = f"error {e.errno}"
            else:
                if b:
                    got[key.data] += b
                    continue
                result = "served" if got[key.data] == b"ok\n" else "empty"
            outcome[result] = outcome.get(result, 0) + 1
            sel.unregister(s)
            s.close()
    left = len(sel.get_map())
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    if left:
        outcome["timeout"] = left
    return outcome, time.monotonic() - start


def burst_suite(clients, backlog, delay_ms=0, limit=240, leave_kib=None, memory=None):
    image = build()["burst_server"]
    if not image:
        return
    label = f"{clients} clients open at once, listen(s, {backlog})" + (
        f", first accept after {delay_ms} ms" if delay_ms else "") + (
        f", --memory {memory} with ~{leave_kib} KiB of heap left" if leave_kib is not None else "")
    port = free_port()
    args = [str(backlog), str(clients), str(delay_ms)] + ([str(leave_kib)] if leave_kib is not None else [])
    opts = (["--memory", memory] if memory else []) + (["--verbose"] if os.environ.get("NET_VERBOSE") else [])
    g = start_server(f"burst-server ({label}): starts and listens", image, args,
                     [*opts, "--net", "user", "--forward", f"tcp:{port}:7777"], wait=120,
                     timeout=limit + 120, stderr=True)
    if g is None:
        return
    outcome, secs = burst(port, clients, limit)
    check(f"burst-server ({label}): every client served", outcome.get("served", 0) == clients, outcome)
    code, out, err = g.finish(timeout=60)
    check(f"burst-server ({label}): accepted all {clients} and exits with 0",
          code == 0 and f"served {clients} " in out, f"exit {code}\n{out[-2000:]}\n{err[-2000:]}")
    measure(f"{label}: {outcome} in {secs:.1f} s")


# --- short of memory ---------------------------------------------------------------------

def keepalive_client(port, until, stats, key):
    """Requests on one keep-alive connection until `until` (monotonic); a new connection
    when the server closes one. Counts answers by status."""
    s = None
    buf = b""
    counts = {"200": 0, "503": 0, "reconnects": 0, "errors": 0}
    while time.monotonic() < until:
        try:
            if s is None:
                s = socket.create_connection(("127.0.0.1", port), timeout=30)
                counts["reconnects"] += 1
            s.sendall(b"GET / HTTP/1.1\r\nHost: eremit\r\n\r\n")
            while b"\r\n\r\n" not in buf:
                b = s.recv(65536)
                if not b:
                    raise ConnectionError("closed")
                buf += b
            head, _, buf = buf.partition(b"\r\n\r\n")
            status = head.split(b" ", 2)[1].decode()
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
            while len(buf) < length:
                b = s.recv(65536)
                if not b:
                    raise ConnectionError("closed")
                buf += b
            buf = buf[length:]
            counts[status] = counts.get(status, 0) + 1
        except (OSError, ValueError, AttributeError):
            counts["errors"] += 1
            if s is not None:
                s.close()
            s, buf = None, b""
            time.sleep(0.2)
    if s is not None:
        s.close()
    stats[key] = counts


def quit_request(port):
    """GET /quit; returns the status line. The whole answer is read before closing: a
    client that closes with part of the body unread leaves the server writing into a
    connection slirp no longer drains (its window stays shut), as a vanished peer
    would on Linux."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"GET /quit HTTP/1.1\r\nHost: eremit\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
                head, sep, body = data.partition(b"\r\n\r\n")
                m = re.search(rb"(?i)content-length: *(\d+)", head)
                if sep and m and len(body) >= int(m.group(1)):
                    break
            return data.split(b"\r\n")[0].decode(errors="replace")
    except OSError as e:
        return f"<{e}>"


def runner_accepts(memory):
    """Whether `eremit run` takes this --memory (it refuses sizes below its minimum)."""
    p = run([EREMIT, "run", "--memory", memory, "--timeout", "1", "/nonexistent-image"], timeout=60)
    return "too small" not in p.stderr


def memory_suite(name, image, args, guest_port, memory, seconds=20, clients=8):
    label = f"{name} at --memory {memory}"
    port = free_port()
    g = Guest(image, args, ["--memory", memory, "--net", "user", "--forward", f"tcp:{port}:{guest_port}"],
              timeout=seconds + 200)
    up = g.wait_for("listening", timeout=120, stderr=True)
    if not up:
        code, out, err = g.finish(timeout=30)
        return {"boots": False, "code": code, "detail": f"exit {code}\n{out[-1500:]}\n{err[-1500:]}"}
    stats = {}
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=keepalive_client, args=(port, until, stats, k)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    quit_status = quit_request(port)
    code, out, err = g.finish(timeout=60)
    ok200 = sum(s.get("200", 0) for s in stats.values())
    failed = sum(s.get("503", 0) + s.get("errors", 0) for s in stats.values())
    return {"boots": True, "code": code, "ok": ok200, "failed": failed, "quit": quit_status,
            # A kernel panic is reported as such; an application's own abort (exit 134
            # too) is the application's answer, and counts as a failure below.
            "panic": "kernel panic" in err,
            "detail": f"exit {code}, {ok200} answered, {failed} failed, /quit: {quit_status}\n"
                      f"{out[-1500:]}\n{err[-2500:]}", "label": label}


def memory_server(name, image, args, guest_port):
    """The server at every size the runner accepts, smallest first, until it has served
    at two sizes: never a kernel panic nor an abort (exit 134); where it serves, /quit
    ends it with exit code 0. The smallest size at which it serves is measured."""
    if image is None or not os.path.exists(image):
        return
    serving = []
    for memory in [m for m in MEMORY_SIZES if runner_accepts(m)]:
        r = memory_suite(name, image, args, guest_port, memory)
        if not r["boots"]:
            # Too small for the program itself (httpd's 4 MiB body: std aborts, exit 134):
            # the program's answer; the kernel must still not panic.
            check(f"{name} at --memory {memory}: does not start (exit {r['code']}), without a kernel panic",
                  "kernel panic" not in r["detail"], r["detail"])
            continue
        label = r["label"]
        check(f"{label}, 8 keep-alive clients: no kernel panic, no abort (exit {r['code']}; "
              f"{r['ok']} answered, {r['failed']} failed)", not r["panic"] and r["code"] != 134, r["detail"])
        measure(f"{label}: {r['ok']} requests answered, {r['failed']} failed, exit {r['code']}")
        if r["ok"] == 0:
            continue
        check(f"{label}: /quit ends it with exit code 0", r["code"] == 0, r["detail"])
        serving.append(memory)
        if len(serving) == 2:
            break
    check(f"{name}: serves at some --memory of {MEMORY_SIZES}", serving, "")
    if serving:
        measure(f"{name}: smallest --memory that serves 8 keep-alive clients: {serving[0]}")


suite.add("burst-200-backlog-128", burst_suite, 200, 128)
suite.add("burst-200-late-accept", burst_suite, 200, 128, delay_ms=2000)
suite.add("burst-1000-backlog-1024", burst_suite, 1000, 1024, delay_ms=5000)
# The heap all but full: small buffers, SYNs dropped until memory comes back.
suite.add("burst-heap-nearly-full", burst_suite, 100, 128, delay_ms=3000, leave_kib=256, memory="32M")


@suite.case("memory-keepalive-httpd")
def memory_keepalive_httpd():
    memory_server("keepalive-httpd (C)", build()["keepalive_httpd"], ["16384"], 8080)


@suite.case("memory-rust-httpd")
def memory_rust_httpd():
    memory_server("examples-rust/httpd", RUST_HTTPD, ["8080"], 8080)


if __name__ == "__main__":
    sys.exit(suite.main())
