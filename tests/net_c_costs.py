#!/usr/bin/env python3
"""The net-c suite's cases about what serving costs the host beyond the frames themselves
(tests/net_c_tests.py adds them):

- timer-armings: benches/net/httpserver.c answering one keep-alive connection (wrk -c1):
  a network interrupt must not make the kernel re-arm its timer (under QEMU each arming
  is two APIC writes and a wake-up of QEMU's I/O thread); the timer armings the kernel
  counts (`--verbose`'s exit line) stay far below the requests, where before every
  request's interrupt cost one;
- msi-per-burst: the same server under wrk -c8, QEMU tracing its MMIO writes (through an
  EREMIT_QEMU wrapper): the device's MSIs stay well below one per request (the event
  index asks for one per burst of received frames; with the interrupt flag alone QEMU
  signalled every frame it delivered before the guest ran its handler, 1.05 a request)."""

import os
import re
import shutil
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_c_close import build_httpserver  # noqa: E402
from testlib import check, free_port, gap, measure, run, skip, start_server  # noqa: E402


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
    w = run(["wrk", "-t1", "-c1", "-d3s", f"http://127.0.0.1:{port}/"], timeout=60)
    m = re.search(r"(\d+) requests in", w.stdout)
    count = int(m.group(1)) if m else 0
    check("timer-armings: wrk's requests answered", w.returncode == 0 and count > 500
          and "Non-2xx" not in w.stdout and "Socket errors" not in w.stdout,
          w.stdout + w.stderr)
    err = quit_server(g, "timer-armings", port)
    m = re.search(r"(\d+) timer armings", err)
    arms = int(m.group(1)) if m else None
    measure(f"timer-armings: {arms} timer armings for {count} requests (and the boot)")
    # The time slice (10 ms) and the heap's quiet check (20 ms) arm it at most ~150
    # times a second while requests come (~300 here for 13,000-15,000 requests); an
    # arming per interrupt made it more than the requests.
    check(f"timer-armings: fewer than a request in two armed the timer ({arms} for {count})",
          arms is not None and count > 0 and arms * 2 < count, err[-2000:])


def quit_server(g, label, port):
    """Asks the server for /quit and checks that it ends with 0; its stderr."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.sendall(b"GET /quit HTTP/1.1\r\n\r\n")
        c.recv(4096)
    code, out, err = g.finish(timeout=60)
    check(f"{label}: the server quits with 0", code == 0, f"exit {code}\n{err[-2000:]}")
    return err


def msi_per_burst():
    qemu = shutil.which("qemu-system-x86_64")
    image = build_httpserver("msi-per-burst")
    if image is None:
        return
    if not qemu:
        skip("net-c/msi-per-burst", "no qemu-system-x86_64 on PATH to wrap")
        return
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "mmio.log")
        wrapper = os.path.join(tmp, "qemu")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec {qemu} \"$@\" -D {trace} -trace memory_region_ops_write\n")
        os.chmod(wrapper, 0o755)
        port = free_port()
        os.environ["EREMIT_QEMU"] = wrapper
        try:
            # q35: virtio-pci's MSI-X, where every signal is a message (microvm's
            # virtio-mmio line stays raised until the guest acknowledges it).
            g = start_server("msi-per-burst: the server starts (MMIO writes traced)", image,
                             ["8080"], ["--machine", "q35", "--net", "user", "--forward",
                                        f"tcp:{port}:8080"])
        finally:
            del os.environ["EREMIT_QEMU"]
        if g is None:
            return
        w = run(["wrk", "-t1", "-c8", "-d3s", f"http://127.0.0.1:{port}/"], timeout=60)
        m = re.search(r"(\d+) requests in", w.stdout)
        count = int(m.group(1)) if m else 0
        check("msi-per-burst: wrk's requests answered", w.returncode == 0 and count > 500
              and "Non-2xx" not in w.stdout and "Socket errors" not in w.stdout,
              w.stdout + w.stderr)
        quit_server(g, "msi-per-burst", port)
        # Writes to the local APIC's MSI window from no CPU (cpu -1) are the device's
        # messages; the CPU's own writes there (EOIs) name a CPU.
        lines = msis = 0
        with open(trace, errors="replace") as f:
            for line in f:
                lines += 1
                if "cpu -1 " in line and "'apic-msi'" in line and "addr 0xfee00000" in line:
                    msis += 1
    if lines == 0:
        gap("msi-per-burst", "QEMU wrote no trace (a build without the log trace backend)")
        return
    measure(f"msi-per-burst: {msis} MSIs for {count} requests ({msis / max(count, 1):.2f} each)")
    check(f"msi-per-burst: fewer than one MSI in two requests ({msis} for {count})",
          count > 0 and msis * 2 < count, f"{lines} MMIO writes traced")


def add_to(suite):
    """Adds the cases to the net-c suite."""
    suite.add("timer-armings", timer_armings)
    suite.add("msi-per-burst", msi_per_burst)
