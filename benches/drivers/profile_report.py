#!/usr/bin/env python3
"""Where an Eremit guest's time goes, from the kernel's sampling profile.

Run the program with the kernel option `profile=HZ` (kernel/src/profile.rs: every CPU's
timer also fires HZ times a second and counts the address it interrupted; the counts go
to the kernel log at exit) and keep the log:

    EREMIT_KERNEL_OPTIONS=profile=10000 build/toolchain/bin/eremit run --verbose \\
        IMAGE ARGS... 2> log.txt
    python3 benches/drivers/profile_report.py IMAGE log.txt [--inline] [--top N]

Prints the share of samples per function (addr2line on the image); --inline follows
inlined frames to the innermost one and its line, which needs line tables in the kernel
(`CARGO_PROFILE_KERNEL_DEBUG=line-tables-only make toolchain-c`; newlib and the
application get them from -g).

Samples land where interrupts are taken: time spent with interrupts off (the scheduler,
interrupt handlers) shows at the instruction that turns them back on, such as the end
of a futex wait, and the idle loop's halt is time with nothing to do."""

import argparse
import collections
import re
import subprocess
import sys

LINE = re.compile(r"eremit: profile (0x[0-9a-f]+) (\d+)")


def read_counts(log):
    counts = {}
    header = None
    with open(log, errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if m:
                counts[int(m.group(1), 16)] = counts.get(int(m.group(1), 16), 0) + int(m.group(2))
            elif "eremit: profile:" in line:
                header = line.strip()
    return counts, header


def symbolise(image, addrs, inline):
    """addr -> list of (function, file:line) frames, innermost first."""
    # One address, then a sentinel 0 that resolves to "??": frames of an address are
    # what comes before its sentinel.
    cmd = ["addr2line", "-f", "-C", "-e", image] + (["-i"] if inline else [])
    text = "".join(f"{a:#x}\n0\n" for a in addrs)
    out = subprocess.run(cmd, input=text, capture_output=True, text=True, check=True).stdout
    lines = out.split("\n")
    frames, i = {}, 0
    for a in addrs:
        chain = []
        while i + 1 < len(lines) and not (lines[i] == "??" and lines[i + 1].startswith("??:")):
            chain.append((lines[i], lines[i + 1].rsplit("/", 1)[-1]))
            i += 2
        i += 2
        frames[a] = chain or [("??", "??:0")]
    return frames


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image")
    ap.add_argument("log")
    ap.add_argument("--inline", action="store_true", help="innermost inlined frame and line")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    counts, header = read_counts(args.log)
    if not counts:
        sys.exit(f"profile_report: no 'eremit: profile' lines in {args.log} "
                 "(was the kernel option profile=HZ given, and the log kept with --verbose?)")
    total = sum(counts.values())
    frames = symbolise(args.image, sorted(counts), args.inline)
    by = collections.Counter()
    for a, n in counts.items():
        func, where = frames[a][0]
        by[f"{func[:100]}  {where}" if args.inline else func[:120]] += n
    if header:
        print(header)
    print(f"{total} samples")
    for key, n in by.most_common(args.top):
        print(f"{100 * n / total:5.1f}% {n:7d}  {key}")


if __name__ == "__main__":
    main()
