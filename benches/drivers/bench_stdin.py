#!/usr/bin/env python3
"""Standard input throughput: 200 MiB piped into benches/stdin/throughput.c, the same
program built with the host's gcc (native Linux reading the same pipe) and with
x86_64-hermit-gcc (Eremit: the runner forwards its stdin over a virtio console), run
round-robin. The program times its reads itself (first read to end of file) and prints a
checksum of what it read, which must be the same everywhere.

Writes a Markdown table to stdout and build/bench/results-stdin.md, every sample to
build/bench/results-stdin.json. Progress goes to stderr. Python 3 standard library only;
needs the C toolchain (`make toolchain-c`) and QEMU."""

import argparse
import os
import re
import shlex
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (EREMIT, HERMIT_CC, OUT, ROOT, BenchError, main_exit,  # noqa: E402
                      make_progress, publish_table, round_robin, run_checked, run_matching,
                      short_meta, summaries)

SRC = os.path.join(ROOT, "benches", "stdin", "throughput.c")
WORK = os.path.join(OUT, "stdin")
MIB = 1 << 20
LINE = re.compile(r"bytes (\d+) secs ([\d.]+) MB/s ([\d.]+) sum ([0-9a-f]+)")

progress = make_progress("bench-stdin")


def build():
    os.makedirs(WORK, exist_ok=True)
    native = os.path.join(WORK, "throughput.native")
    image = os.path.join(WORK, "throughput")
    run_checked("gcc", ["gcc", "-O2", SRC, "-o", native])
    run_checked("x86_64-hermit-gcc", [HERMIT_CC, "-O2", SRC, "-o", image])
    return native, image


def make_input(mib):
    """mib MiB of random bytes in a file (made once per size)."""
    path = os.path.join(WORK, f"input-{mib}M.bin")
    if not os.path.exists(path) or os.path.getsize(path) != mib * MIB:
        with open(path + ".tmp", "wb") as f:
            for _ in range(mib):
                f.write(os.urandom(MIB))
        os.replace(path + ".tmp", path)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration (default 3)")
    ap.add_argument("--mib", type=int, default=200, help="input size in MiB (default 200)")
    args = ap.parse_args()
    started = time.monotonic()
    progress("building benches/stdin/throughput.c natively and for Eremit")
    native, image = build()
    data = make_input(args.mib)
    pipe = f"cat {shlex.quote(data)} | "
    configs = {
        "native": pipe + shlex.quote(native),
        "eremit_microvm": pipe + f"{shlex.quote(EREMIT)} run --timeout 600 {shlex.quote(image)}",
        "eremit_q35": pipe + f"{shlex.quote(EREMIT)} run --timeout 600 --machine q35 {shlex.quote(image)}",
    }

    def run_one(name, cmd, number, tag):
        r, (m,) = run_matching(["sh", "-c", cmd], 900, LINE)
        return {"bytes": int(m.group(1)), "secs": float(m.group(2)), "mbps": float(m.group(3)),
                "sum": m.group(4), "wall": r.wall}

    samples, _ = round_robin(configs, args.runs, run_one, progress)
    sums = {s["sum"] for runs in samples.values() for s in runs}
    sizes = {s["bytes"] for runs in samples.values() for s in runs}
    if len(sums) != 1 or sizes != {args.mib * MIB}:
        raise BenchError(f"the runs did not all read the same bytes: sums {sums}, sizes {sizes}")
    stats = summaries(samples, ("mbps", "wall"))
    native_mbps = stats["native"]["mbps"]["median"]
    labels = {"native": "native Linux (same program, same pipe)",
              "eremit_microvm": "Eremit, microvm (virtio-mmio)",
              "eremit_q35": "Eremit, q35 (virtio-pci)"}
    rows = []
    for name, st in stats.items():
        mbps = st["mbps"]["median"]
        rows.append([labels[name], f"{mbps:.0f} MB/s ({st['mbps']['min']:.0f}-{st['mbps']['max']:.0f})",
                     f"{st['wall']['median']:.2f} s",
                     "1.00" if name == "native" else f"{mbps / native_mbps:.2f}"])
    meta = short_meta(args.runs, mib=args.mib)
    publish_table(
        "stdin", f"Standard input throughput ({args.mib} MiB piped in)", meta, "TCG.",
        ["reader", "throughput (first read to end of file)", "whole pipeline, wall", "vs native"],
        rows, "Every run read the same bytes (same size and checksum). The throughput is timed by "
        "the program (benches/stdin/throughput.c); the wall time adds the boot and the exit "
        "of the VM for Eremit.", stats, samples, progress, started)
    return 0


if __name__ == "__main__":
    main_exit(main, "bench-stdin")
