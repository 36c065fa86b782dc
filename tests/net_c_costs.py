#!/usr/bin/env python3
"""The net-c suite's cases about what serving costs the host beyond the frames themselves
(tests/net_c_tests.py adds them):

- timer-armings: benches/net/httpserver.c answering one keep-alive connection (wrk -c1):
  a network interrupt must not make the kernel re-arm its timer (under QEMU each arming
  is two APIC writes and a wake-up of QEMU's I/O thread); the timer armings the kernel
  counts (`--verbose`'s exit line) stay far below the requests, where before every
  request's interrupt cost one."""

import os
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_c_close import build_httpserver  # noqa: E402
from testlib import check, free_port, measure, run, start_server  # noqa: E402


def timer_armings():
    image = build_httpserver("timer-armings")
    if image is None:
        return
    port = free_port()
    g = start_server("timer-armings: the server starts", image, ["8080"],
                     ["--verbose", "--net", "user", "--forward", f"tcp:{port}:8080"])
    if g is None:
        return
    # One connection: every request is a round trip of its own, with its own interrupt.
    w = run(["wrk", "-t1", "-c1", "-d2s", f"http://127.0.0.1:{port}/"], timeout=60)
    m = re.search(r"(\d+) requests in", w.stdout)
    count = int(m.group(1)) if m else 0
    check("timer-armings: wrk's requests answered", w.returncode == 0 and count > 500
          and "Non-2xx" not in w.stdout and "Socket errors" not in w.stdout,
          w.stdout + w.stderr)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.sendall(b"GET /quit HTTP/1.1\r\n\r\n")
        c.recv(4096)
    code, out, err = g.finish(timeout=60)
    check("timer-armings: the server quits with 0", code == 0, f"exit {code}\n{err[-2000:]}")
    m = re.search(r"(\d+) timer armings", err)
    arms = int(m.group(1)) if m else None
    measure(f"timer-armings: {arms} timer armings for {count} requests (and the boot)")
    # The time slice (10 ms) and the heap's quiet check (20 ms) arm it at most ~150
    # times a second while requests come; an arming per interrupt made it >= count.
    check(f"timer-armings: fewer than a request in four armed the timer ({arms} for {count})",
          arms is not None and count > 0 and arms * 4 < count, err[-2000:])


def add_to(suite):
    """Adds the cases to the net-c suite."""
    suite.add("timer-armings", timer_armings)
