#!/usr/bin/env python3
"""Loopback TCP: benches/loopback/loopback.c (a server thread and a client in one
process over 127.0.0.1) built with the host's gcc and with x86_64-hermit-gcc and run
round-robin: natively on the host's Linux loopback, and in Eremit with 1 and 2 vCPUs,
without a network device and with `--net user` (loopback never touches the device).
Reports the stream throughput (MB/s, --mib MiB, default 256) and the mean round trip of
1-byte messages (us, --rounds, default 20000; TCP_NODELAY).

Writes a Markdown table to stdout and build/bench/results-loopback.md, every sample to
build/bench/results-loopback.json. Progress goes to stderr. Python 3 standard library
only; needs the C toolchain (`make toolchain-c`) and QEMU."""

import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (EREMIT, HERMIT_CC, OUT, ROOT, main_exit, make_progress,  # noqa: E402
                      publish_table, round_robin, run_checked, run_matching, short_meta, summaries)

SRC = os.path.join(ROOT, "benches", "loopback", "loopback.c")
WORK = os.path.join(OUT, "loopback")
STREAM = re.compile(r"stream bytes (\d+) secs ([\d.]+) MB/s ([\d.]+)")
PINGPONG = re.compile(r"pingpong rounds (\d+) us ([\d.]+)")
TIMEOUT = 600

progress = make_progress("bench-loopback")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration (default 3)")
    ap.add_argument("--mib", type=int, default=256, help="stream size in MiB (default 256)")
    ap.add_argument("--rounds", type=int, default=20000, help="ping-pong rounds (default 20000)")
    args = ap.parse_args()
    started = time.monotonic()
    progress("building benches/loopback/loopback.c natively and for Eremit")
    os.makedirs(WORK, exist_ok=True)
    native = os.path.join(WORK, "loopback.native")
    image = os.path.join(WORK, "loopback")
    run_checked("gcc", ["gcc", "-O2", "-pthread", SRC, "-o", native])
    run_checked("x86_64-hermit-gcc", [HERMIT_CC, "-O2", "-pthread", SRC, "-o", image])
    prog = [str(args.mib), str(args.rounds)]
    eremit = [EREMIT, "run", "--timeout", str(TIMEOUT)]
    configs = {
        "native": [native, *prog],
        "eremit_1cpu": [*eremit, "--cpus", "1", image, *prog],
        "eremit_2cpu": [*eremit, "--cpus", "2", image, *prog],
        "eremit_2cpu_single": [*eremit, "--cpus", "2", "--tcg-threads", "single", image, *prog],
        "eremit_1cpu_net": [*eremit, "--cpus", "1", "--net", "user", image, *prog],
    }
    labels = {"native": "native Linux loopback (same program)",
              "eremit_1cpu": "Eremit, 1 vCPU, no network device",
              "eremit_2cpu": "Eremit, 2 vCPUs, no network device",
              "eremit_2cpu_single": "Eremit, 2 vCPUs, `--tcg-threads single`",
              "eremit_1cpu_net": "Eremit, 1 vCPU, --net user"}

    def run_one(name, cmd, number, tag):
        r, (s, p) = run_matching(cmd, TIMEOUT + 60, STREAM, PINGPONG)
        return {"mbps": float(s.group(3)), "us": float(p.group(2)), "wall": r.wall}

    samples, _ = round_robin(configs, args.runs, run_one, progress)
    stats = summaries(samples, ("mbps", "us", "wall"))
    nat = stats["native"]
    rows = []
    for name, st in stats.items():
        mbps, us = st["mbps"], st["us"]
        rows.append([labels[name],
                     f"{mbps['median']:.0f} MB/s ({mbps['min']:.0f}-{mbps['max']:.0f})",
                     f"{mbps['median'] / nat['mbps']['median']:.2f}",
                     f"{us['median']:.1f} us ({us['min']:.1f}-{us['max']:.1f})",
                     f"{us['median'] / nat['us']['median']:.2f}"])
    meta = short_meta(args.runs, mib=args.mib, rounds=args.rounds)
    publish_table(
        "loopback", f"Loopback TCP ({args.mib} MiB stream, {args.rounds} 1-byte round trips)",
        meta, "Eremit under TCG.", ["configuration", "stream", "vs native", "round trip", "vs native"],
        rows, "A server thread and a client in one process over 127.0.0.1 (benches/loopback/"
        "loopback.c). In Eremit a loopback connection is a pair of in-kernel pipes "
        "(kernel/src/net/loopback.rs): no packets, no device, no network task.",
        stats, samples, progress, started)
    return 0


if __name__ == "__main__":
    main_exit(main, "bench-loopback")
