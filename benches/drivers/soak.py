#!/usr/bin/env python3
"""`make soak`: a service-like guest (benches/soak/soak.c) on 2 vCPUs for a long run
(default 30 minutes), with TCP clients from the host through --forward, printing the
guest's free memory (in 1 MiB blocks, measured while the service is at rest) every
minute. Passes when memory in use at the end is within 5% of its value after the first
minute.

  benches/drivers/soak.py [--minutes 30] [--memory 256M] [--report-seconds 60]

Writes build/bench/soak.md (the curve) and prints it. Host traffic goes to 127.0.0.1 only
(QEMU's user networking forwards it into the guest); every client loop is bounded by the
run's duration and sleeps between connections."""

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time

from benchlib import EREMIT, HERMIT_CC, OUT, ROOT, git_commit, now_iso, run_checked

sys.path.insert(0, os.path.join(ROOT, "tests"))
from testlib import free_port, pattern  # noqa: E402

SRC = os.path.join(ROOT, "benches", "soak", "soak.c")
LINE = re.compile(r"soak: t=(\d+) free_1m_mib=(\d+) allocs=(\d+) threads=(\d+) files=(\d+) conns=(\d+)")
MIB = 1 << 20


def memory_mib(text):
    n, unit = int(text[:-1]), text[-1].upper()
    return n * 1024 if unit == "G" else n


def client(port, deadline, stop, stats, seed):
    """Connects, sends 1-64 KiB, checks the echo, closes; again until the guest is done
    (`stop`) or the deadline."""
    rng = random.Random(seed)
    while not stop.is_set() and time.time() < deadline:
        n = rng.randint(1024, 65536)
        data = pattern(n, rng.randint(0, 250))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
                s.sendall(data)
                got = b""
                while len(got) < n:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
            if got != data[:len(got)]:
                stats["bad"] += 1
            elif len(got) < n:
                # The connection ended before the whole echo came back: the guest
                # exiting at the end of the run does that to the connections in flight.
                stats["cut"] += 1
            else:
                stats["ok"] += 1
        except OSError:
            stats["err"] += 1
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--memory", default="256M")
    ap.add_argument("--report-seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=4)
    args = ap.parse_args()
    os.makedirs(os.path.join(OUT, "soak"), exist_ok=True)
    image = os.path.join(OUT, "soak", "soak-eremit")
    run_checked("build soak.c", [HERMIT_CC, "-O2", "-pthread", SRC, "-o", image])
    seconds = int(args.minutes * 60)
    port = free_port()
    # SOAK_DETAIL=1: the guest also reports, in build/bench/soak-detail.log, what holds
    # the memory at each count (the kernel's counters, its stacks, the extents between
    # the probe's blocks); SOAK_DETAIL=2 probes those extents with smaller blocks too.
    level = os.environ.get("SOAK_DETAIL", "")
    detail = ["--env", f"SOAK_DETAIL={level}"] if level else []
    cmd = [EREMIT, "run", "--cpus", "2", "--memory", args.memory, "--net", "user",
           "--forward", f"tcp:{port}:7000", "--timeout", str(seconds + 600), *detail,
           image, str(seconds), "7000", str(args.report_seconds)]
    print("soak: " + " ".join(cmd), file=sys.stderr, flush=True)
    # The detail report is long: it goes to a file as it comes (a pipe read only at the
    # end would fill up and stop the guest).
    err_file = open(os.path.join(OUT, "soak-detail.log"), "w+") if detail else subprocess.PIPE
    guest = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err_file, text=True,
                             stdin=subprocess.DEVNULL)
    stats = {"ok": 0, "bad": 0, "cut": 0, "err": 0}
    # The clients go on until the guest has taken its last count (its "soak: done"), so
    # that every count, the last included, finds the same traffic waiting (connections
    # in the backlog); the deadline only bounds them should the guest hang.
    deadline = time.time() + seconds + 600
    stop = threading.Event()
    time.sleep(3)  # boot
    clients = [threading.Thread(target=client, args=(port, deadline, stop, stats, i), daemon=True)
               for i in range(args.clients)]
    for c in clients:
        c.start()
    rows = []
    for line in guest.stdout:
        print(line.rstrip(), flush=True)
        if line.startswith("soak: done"):
            stop.set()
        m = LINE.match(line)
        if m:
            rows.append(tuple(int(x) for x in m.groups()))
    stop.set()
    code = guest.wait()
    if detail:
        err_file.seek(0)
        err = err_file.read()
        err_file.close()
    else:
        err = guest.stderr.read()
    for c in clients:
        c.join(timeout=30)
    total = memory_mib(args.memory)
    text = [f"# Soak ({now_iso()}, commit {git_commit()})", "",
            f"`eremit run --cpus 2 --memory {args.memory}`, {args.minutes:g} minutes; "
            f"host clients: {stats['ok']} echoes intact, {stats['bad']} corrupted, "
            f"{stats['cut']} cut short by the guest's exit, "
            f"{stats['err']} connection errors; guest exit status {code}.", "",
            "| t (s) | free in 1 MiB blocks (MiB) | in use (MiB) | allocations | threads | files | connections |",
            "|---:|---:|---:|---:|---:|---:|---:|"]
    for t, free, allocs, threads, files, conns in rows:
        text.append(f"| {t} | {free} | {total - free} | {allocs} | {threads} | {files} | {conns} |")
    ok = code == 0 and stats["bad"] == 0 and len(rows) >= 3
    verdict = "no samples"
    if len(rows) >= 3:
        first, last = total - rows[1][1], total - rows[-1][1]
        drift = (last - first) / max(first, 1)
        within = abs(last - first) <= max(0.05 * first, 1)
        ok = ok and within
        verdict = (f"in use after the first report {first} MiB, at the end {last} MiB "
                   f"({drift:+.1%}): {'within' if within else 'NOT within'} 5%")
    text += ["", verdict, "", "PASS" if ok else "FAIL"]
    if code != 0:
        text += ["", "guest stderr (end):", "```", err[-3000:], "```"]
    out = "\n".join(text) + "\n"
    with open(os.path.join(OUT, "soak.md"), "w") as f:
        f.write(out)
    print(out)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
