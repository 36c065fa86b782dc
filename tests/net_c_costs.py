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
  signalled every frame it delivered before the guest ran its handler, 1.05 a request);
- rx-watch: the same server under wrk -c8 with `--verbose`: while requests keep coming,
  the idle loop finds the next frames in the receive ring instead of waiting for an
  interrupt (drivers/virtio/net_rx_watch.rs): the exit line counts the bursts found that
  way (ten times the interrupts at least) and far fewer interrupts than requests; once the load stops the
  watch ends (counted), the guest's QEMU is back near 0% of a host CPU, and a request
  after the rest is answered at once (the interrupt is on again)."""

import os
import re
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_c_httpserver import build_httpserver, quit_server, start_wrapped, wrk_requests  # noqa: E402
from testlib import check, free_port, gap, measure, start_server  # noqa: E402


def verbose_server(label, *opts):
    """benches/net/httpserver.c started with `--verbose` on the user network (checked as
    `label`'s), its port forwarded: (guest, host port), or (None, None)."""
    image = build_httpserver(label)
    if image is None:
        return None, None
    port = free_port()
    g = start_server(f"{label}: the server starts", image, ["8080"],
                     ["--verbose", *opts, "--net", "user", "--forward", f"tcp:{port}:8080"])
    return g, port


def timer_armings():
    g, port = verbose_server("timer-armings")
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


def rx_watch():
    g, port = verbose_server("rx-watch", "--machine", "q35")
    if g is None:
        return
    count = wrk_requests("rx-watch", "requests", port, 8, 500)
    # The window is half a millisecond: after a second of rest the CPU halts again.
    time.sleep(1)
    share = g.idle_cpu_percent(3)
    measure(f"rx-watch: host CPU of the resting guest after the load: {share:.2f}%")
    check("rx-watch: the guest rests after the load (< 5% of a host CPU)", share < 5,
          f"{share:.1f}%")
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            body = r.read()
        answered = r.status == 200 and len(body) > 0
    except OSError as e:
        answered, body = False, str(e).encode()
    took = time.monotonic() - start
    check(f"rx-watch: a request after the rest is answered at once ({took * 1000:.0f} ms)",
          answered and took < 1, body[:200])
    err = quit_server(g, "rx-watch", port)
    line = next((x for x in err.splitlines() if "network device:" in x), "")
    m = re.search(r"interrupts (\d+),.* rx watch found frames (\d+) times \((\d+) ended idle\)", line)
    check("rx-watch: the exit line counts the watched frames", m is not None, err[-2000:])
    if m is None:
        return
    interrupts, found, ended = (int(x) for x in m.groups())
    measure(f"rx-watch: {count} requests: the idle loop found frames {found} times, "
            f"{interrupts} interrupts, {ended} watches ended idle")
    # Without the watch every burst of requests is an interrupt (about one in five
    # requests with 8 connections) and the idle loop finds nothing.
    check(f"rx-watch: the idle loop found the bursts ({found} times, {interrupts} interrupts)",
          found > 10 * max(interrupts, 1) and found * 10 > count, line)
    check(f"rx-watch: fewer than one interrupt in twenty requests ({interrupts} for {count})",
          interrupts * 20 < count, line)
    check(f"rx-watch: the watch ended when the load stopped ({ended} times)", ended >= 1, line)


def add_to(suite):
    """Adds the cases to the net-c suite."""
    suite.add("timer-armings", timer_armings)
    suite.add("msi-per-burst", msi_per_burst)
    suite.add("rx-watch", rx_watch)
