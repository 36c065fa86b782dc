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
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_c_httpserver import build_httpserver, quit_server, start_wrapped, wrk_requests  # noqa: E402
from testlib import check, free_port, gap, measure, start_server  # noqa: E402


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
    count = wrk_requests("timer-armings", "requests", port, 1, 500)
    err = quit_server(g, "timer-armings", port)
    m = re.search(r"(\d+) timer armings", err)
    arms = int(m.group(1)) if m else None
    measure(f"timer-armings: {arms} timer armings for {count} requests (and the boot)")
    # The time slice (10 ms) and the heap's quiet check (20 ms) arm it at most ~150
    # times a second while requests come (~300 here for 13,000-15,000 requests); an
    # arming per interrupt made it more than the requests.
    check(f"timer-armings: fewer than a request in two armed the timer ({arms} for {count})",
          arms is not None and count > 0 and arms * 2 < count, err[-2000:])


def msi_per_burst():
    image = build_httpserver("msi-per-burst")
    if image is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "mmio.log")
        port = free_port()
        # q35: virtio-pci's MSI-X, where every signal is a message (microvm's virtio-mmio
        # line stays raised until the guest acknowledges it).
        g = start_wrapped("msi-per-burst", "MMIO writes traced", image,
                          [f"-D {trace}", "-trace memory_region_ops_write"],
                          ["--machine", "q35", "--net", "user", "--forward", f"tcp:{port}:8080"],
                          tmp)
        if g is None:
            return
        count = wrk_requests("msi-per-burst", "requests", port, 8, 500)
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
