#!/usr/bin/env python3
"""Files on the host (issue 16): benches/volume/fsbench.c writes 256 MiB sequentially
(1 MiB writes, then fsync), reads it back, and creates, stats and unlinks 10,000 files,
timing each phase itself, in three places run round-robin: Eremit on a volume
(`--volume DIR:/data`, virtio-fs to virtiofsd), the host itself on the same directory
(the same program built with gcc), and Eremit's in-memory filesystem (/tmp, 1 GiB VM).
Every run must read back the same bytes (checksum).

Writes a Markdown table to stdout and build/bench/results-volume.md, every sample to
build/bench/results-volume.json. Progress goes to stderr. Needs `make toolchain-c`, QEMU
and /usr/lib/qemu/virtiofsd."""

import argparse
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (EREMIT, HERMIT_CC, OUT, ROOT, BenchError, main_exit,  # noqa: E402
                      make_progress, publish_table, round_robin, run_checked, run_matching,
                      short_meta, summaries)

SRC = os.path.join(ROOT, "benches", "volume", "fsbench.c")
WORK = os.path.join(OUT, "volume")
LINE = re.compile(r"write_mbs ([\d.]+) read_mbs ([\d.]+) create_per_s (\d+) stat_per_s (\d+) "
                  r"unlink_per_s (\d+) sum ([0-9a-f]+)")
KEYS = ("write_mbs", "read_mbs", "create_per_s", "stat_per_s", "unlink_per_s")

progress = make_progress("bench-volume")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration (default 3)")
    ap.add_argument("--mib", type=int, default=256, help="sequential size in MiB (default 256)")
    ap.add_argument("--files", type=int, default=10000, help="files created (default 10000)")
    args = ap.parse_args()
    started = time.monotonic()
    os.makedirs(WORK, exist_ok=True)
    native, image = os.path.join(WORK, "fsbench.native"), os.path.join(WORK, "fsbench")
    progress("building benches/volume/fsbench.c natively and for Eremit")
    run_checked("gcc", ["gcc", "-O2", SRC, "-o", native])
    run_checked("x86_64-hermit-gcc", [HERMIT_CC, "-O2", SRC, "-o", image])
    share = os.path.join(WORK, "share")
    size = [str(args.mib), str(args.files)]
    configs = {
        "volume": [EREMIT, "run", "--timeout", "1200", "--volume", f"{share}:/data", image, "/data", *size],
        "host": [native, share, *size],
        "memory": [EREMIT, "run", "--timeout", "1200", "--memory", f"{args.mib + 768}M", image, "/tmp", *size],
    }

    def run_one(name, cmd, number, tag):
        shutil.rmtree(share, ignore_errors=True)
        os.makedirs(share)
        r, (m,) = run_matching(cmd, 1500, LINE)
        out = {k: float(m.group(i + 1)) for i, k in enumerate(KEYS)}
        out["sum"] = m.group(6)
        out["wall"] = r.wall
        return out

    samples, _ = round_robin(configs, args.runs, run_one, progress)
    sums = {s["sum"] for runs in samples.values() for s in runs}
    if len(sums) != 1:
        raise BenchError(f"the runs did not all read the same bytes: {sums}")
    stats = summaries(samples, KEYS + ("wall",))
    host = stats["host"]
    labels = {"volume": "Eremit, volume (virtio-fs)", "host": "host (same program, same directory)",
              "memory": "Eremit, in-memory fs (/tmp)"}
    rows = []
    for name in ("volume", "host", "memory"):
        st = stats[name]
        cells = [labels[name]]
        for k in KEYS:
            v, h = st[k]["median"], host[k]["median"]
            cells.append(f"{v:,.0f} ({v / h:.2f}x)")
        rows.append(cells)
    meta = short_meta(args.runs, mib=args.mib, files=args.files)
    publish_table(
        "volume", f"Files on the host: {args.mib} MiB sequential, {args.files:,} files", meta,
        "TCG; each cell: the median rate, and in parentheses that rate over the host's.",
        ["where", "write+fsync MB/s", "read MB/s", "creates/s", "stats/s", "unlinks/s"], rows,
        "Timed by the program (benches/volume/fsbench.c): 1 MiB writes then fsync, 1 MiB reads, "
        "then per file open(O_CREAT|O_EXCL)+100-byte write+close, stat, unlink. Every run read "
        "back the same bytes.", stats, samples, progress, started)
    return 0


if __name__ == "__main__":
    main_exit(main, "bench-volume")
