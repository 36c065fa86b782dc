#!/usr/bin/env python3
"""Eremit C microbenchmarks (the POSIX layer of the newlib port): benches/c-micro, one C
program built natively (host gcc -O2 -pthread, glibc) and for Eremit (x86_64-hermit-gcc
-O2 -pthread), run natively and in Eremit in one go.

Writes a Markdown table to stdout and to build/bench/results-c.md, and every sample to
build/bench/results-c.json. Progress goes to stderr. Python 3 standard library only.
Needs the C toolchain (`make toolchain-c`, or pass --build-toolchain) and QEMU.

The program prints, per benchmark, the median over its in-process batches (after a
warm-up batch; see benches/c-micro/c-micro.c); the table shows the median of those over
--runs process runs (default 5) per configuration, run round-robin so that every
configuration sees the same host conditions:
  * native         all benchmarks on the host, on all its CPUs; file I/O in a fresh
                   directory under /tmp (whatever file system holds it: the notes say);
  * native_tmpfs   file I/O alone in a fresh directory under /dev/shm (tmpfs), when that
                   is a tmpfs: an in-memory file system like Eremit's;
  * native_1cpu    the two-thread benchmarks pinned to one host CPU (sched_setaffinity),
                   to compare with Eremit's --cpus 1;
  * eremit_1cpu    all benchmarks, `eremit run --cpus 1` (microvm, --accel, default TCG);
  * eremit_2cpu    the two-thread benchmarks, `eremit run --cpus 2`;
  * glibc_tcg      getpid and malloc/free of the native (glibc) build translated by QEMU's
                   TCG in user mode (`qemu-x86_64`, Debian's qemu-user), when installed: a
                   reference for how much of a gap is TCG's rather than the allocator's.
  * baseline_1cpu  with --baseline DIR: all benchmarks built and run with another
                   toolchain (DIR/bin/x86_64-hermit-gcc and DIR/bin/eremit, e.g. a copy
                   of build/toolchain made before a change), so "before" and "after" come
                   from the same run; the table gains a column for it.
  * baseline_2cpu  with --baseline DIR: the parallel benchmarks (file_parallel,
                   socket_parallel) of that build with --cpus 2, for the same column.
A benchmark that fails (an error line, a crash, a timeout) is recorded, shown as failed
in the table with the reason in the notes, and not run again in that configuration; the
others go on.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

from benchlib import (BenchError, EREMIT, HERMIT_CC, OUT, ROOT, add_run_options,
                      describe_exit, failure_note, fmt_ratio, json_lines, load_note, loadavg,
                      make_progress, md_table, publish, qemus, rel, report_text, require_qemu,
                      round_robin, run_checked, run_meta, run_process, verdict)

BUILD = os.path.join(OUT, "c-micro")
SRC = os.path.join(ROOT, "benches", "c-micro", "c-micro.c")
NATIVE = os.path.join(BUILD, "c-micro-native")
IMAGE = os.path.join(BUILD, "c-micro-eremit")
CFLAGS = ["-O2", "-pthread", "-Wall", "-Wextra"]

GROUP_TIMEOUT = 60      # seconds for one process running several benchmarks
SINGLE_TIMEOUT = 40     # seconds for one benchmark alone (after a group run failed)

# Program arguments -> the result lines each prints.
BENCH_LINES = {
    "getpid": ["getpid"],
    "call": ["call"],
    "malloc_4k": ["malloc_4k", "free_4k"],
    "malloc_64k": ["malloc_64k", "free_64k"],
    "pthread_create_join": ["pthread_create_join"],
    "condvar_pingpong": ["condvar_pingpong"],
    "file_io": ["file_write", "file_read"],
    "file_parallel": ["file_parallel"],
    "socket_parallel": ["socket_parallel"],
}
ALL = list(BENCH_LINES)
TWO_THREAD = ["pthread_create_join", "condvar_pingpong"]
# Run on 2 CPUs besides the two-thread benchmarks above (and on 1 CPU with ALL).
PARALLEL = ["file_parallel", "socket_parallel"]
PARALLEL_GOAL = 0.6     # two threads on two files (connections): at most 0.6x one thread's time
TCG_REF = ["getpid", "call", "malloc_4k", "malloc_64k"]

TITLES = {
    "getpid": "trivial syscall: getpid(), per call",
    "call": "an empty function (mov $1, %eax; ret) on its own code page, per call: the floor of a call into other code",
    "malloc_4k": "malloc, random 16 B-4 KiB, per call",
    "free_4k": "free, same blocks (16 B-4 KiB), per call",
    "malloc_64k": "malloc, random 16 B-64 KiB, per call",
    "free_64k": "free, same blocks (16 B-64 KiB), per call",
    "pthread_create_join": "pthread_create + pthread_join, per pair",
    "condvar_pingpong": "mutex + condition variable ping-pong, per round trip",
    "file_write": "64 MiB write() in 64 KiB chunks",
    "file_read": "64 MiB read() back in 64 KiB chunks",
    "file_parallel": "two 64 MiB files written by two threads at once (one thread writing both: "
                     "the ratio)",
    "socket_parallel": "two loopback TCP connections, 64 MiB each (64 KiB writes, each read back "
                       "by the same thread), carried by two threads at once (one thread doing "
                       "both: the ratio)",
}
SYSCALL_GOAL = 20.0     # Eremit at least 20x cheaper than native
MALLOC_GOAL = 1.5       # Eremit within 1.5x of glibc
SPREAD_NOTE = 1.5       # the notes list figures whose runs differ by more than this


progress = make_progress("bench-c")


# ---------------------------------------------------------------------------- builds

BASE_IMAGE = os.path.join(BUILD, "c-micro-baseline")


def build(build_toolchain, baseline=None):
    if build_toolchain:
        progress("make toolchain-c")
        run_checked("make toolchain-c", ["make", "toolchain-c"], timeout=1800)
    missing = [rel(p) for p in (HERMIT_CC, EREMIT) if not os.path.exists(p)]
    if missing:
        raise BenchError(f"missing {', '.join(missing)}: run `make toolchain-c` first "
                         "(or pass --build-toolchain)")
    if shutil.which("gcc") is None:
        raise BenchError("missing the host's gcc (scripts/ensure-deps.sh installs it)")
    os.makedirs(BUILD, exist_ok=True)
    native_cmd = ["gcc"] + CFLAGS + ["-o", NATIVE, SRC]
    eremit_cmd = [HERMIT_CC] + CFLAGS + ["-o", IMAGE, SRC]
    run_checked("building benches/c-micro natively", native_cmd)
    run_checked("building benches/c-micro for Eremit", eremit_cmd)
    cmds = {"native": [rel(a) for a in native_cmd], "eremit": [rel(a) for a in eremit_cmd]}
    if baseline:
        base_cmd = [os.path.join(baseline, "bin", "x86_64-hermit-gcc")] + CFLAGS + ["-o", BASE_IMAGE, SRC]
        run_checked("building benches/c-micro with the baseline toolchain", base_cmd)
        cmds["baseline"] = base_cmd
    return cmds


# ---------------------------------------------------------------------------- file systems

def mount_of(path):
    """(file system type, device, mount point) of the mount holding `path`."""
    path = os.path.realpath(path)
    best = ("unknown", "unknown", "/")
    best_len = -1
    try:
        with open("/proc/mounts") as f:
            for line in f:
                dev, mnt, fstype = line.split()[:3]
                mnt = mnt.replace("\\040", " ")
                if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) > best_len:
                    best, best_len = (fstype, dev, mnt), len(mnt)
    except OSError:
        pass
    return best


def describe_fs(path):
    fstype, dev, mnt = mount_of(path)
    kind = "tmpfs, in memory" if fstype == "tmpfs" else f"{fstype} on {dev}, through the page cache"
    return {"dir": path, "fstype": fstype, "device": dev, "mount": mnt, "about": kind}


# ---------------------------------------------------------------------------- runs

def make_configs(accel, tmp_dir, shm_dir, qemu_user, baseline=None):
    """name -> {cmd (without benchmarks), benches, cpus (pin) or None, what}."""
    eremit = [EREMIT, "run", "--accel", accel, "--machine", "microvm"]
    one_cpu = {min(os.sched_getaffinity(0))}
    cfgs = {
        "native": {"cmd": [NATIVE, "--dir", tmp_dir], "benches": ALL, "cpus": None,
                   "what": f"native Linux, all {os.cpu_count()} host CPUs"},
    }
    if shm_dir:
        cfgs["native_tmpfs"] = {"cmd": [NATIVE, "--dir", shm_dir], "benches": ["file_io"],
                                "cpus": None, "what": "native Linux, file I/O on /dev/shm (tmpfs)"}
    cfgs["native_1cpu"] = {"cmd": [NATIVE], "benches": TWO_THREAD, "cpus": one_cpu,
                           "what": f"native Linux pinned to CPU {min(one_cpu)}"}
    cfgs["eremit_1cpu"] = {"cmd": eremit + ["--cpus", "1", IMAGE], "benches": ALL,
                           "cpus": None, "what": "Eremit, --cpus 1"}
    cfgs["eremit_2cpu"] = {"cmd": eremit + ["--cpus", "2", IMAGE], "benches": TWO_THREAD + PARALLEL,
                           "cpus": None, "what": "Eremit, --cpus 2"}
    if baseline:
        base = [os.path.join(baseline, "bin", "eremit"), "run", "--accel", accel, "--machine", "microvm"]
        cfgs["baseline_1cpu"] = {"cmd": base + ["--cpus", "1", BASE_IMAGE], "benches": ALL,
                                 "cpus": None, "what": f"Eremit built with {baseline}, --cpus 1"}
        cfgs["baseline_2cpu"] = {"cmd": base + ["--cpus", "2", BASE_IMAGE], "benches": PARALLEL,
                                 "cpus": None, "what": f"Eremit built with {baseline}, --cpus 2"}
    if qemu_user:
        cfgs["glibc_tcg"] = {"cmd": [qemu_user, NATIVE], "benches": TCG_REF, "cpus": None,
                             "what": "the native (glibc) build under qemu-x86_64 (user-mode TCG)"}
    return cfgs


def with_timeout(cmd, secs):
    """Adds the runner's own --timeout to an `eremit run` command line."""
    if cmd and os.path.basename(cmd[0]) == "eremit":
        i = cmd.index("run") + 1
        return cmd[:i] + ["--timeout", str(secs - 5)] + cmd[i:]
    return cmd


def run_once(cmd, cpus, timeout):
    """Runs a process in its own process group (a timeout kills the group: QEMU too);
    returns (exit code, or None on a timeout, stdout, stderr, wall s)."""
    r = run_process(with_timeout(cmd, timeout), timeout, cpus=cpus)
    return r.code, r.out, r.err, r.wall


def parse(out):
    """bench line name -> record (results and error lines); non-JSON lines are skipped."""
    return {rec["bench"]: rec for rec in json_lines(out) if "bench" in rec}


def excerpt(text, head=5, last=3):
    """The first and the last lines of a failed run's output (a crash report starts with
    the exception and the faulting address, and ends with the exit line)."""
    lines = [l.rstrip() for l in text.strip().splitlines() if l.strip()]
    if len(lines) <= head + last + 1:
        return "\n".join(lines)
    return "\n".join(lines[:head] + ["..."] + lines[-last:])


def with_output(text):
    return f"; output:\n{excerpt(text)}" if text.strip() else "; no output"


def harvest(bench, recs):
    """('ok', records) | ('error', message) | ('missing', None) for one program argument."""
    lines = BENCH_LINES[bench]
    errs = [recs[l]["error"] for l in lines if l in recs and "error" in recs[l]]
    if errs:
        return "error", "; ".join(errs)
    if all(l in recs for l in lines):
        return "ok", [recs[l] for l in lines]
    return "missing", None


def measure(cfgs, runs):
    """Round-robin runs. A process that fails leaves the benchmarks it did not report to be
    run again one by one, so that a crash is pinned on one benchmark and the others still
    give results; a benchmark that failed is not run again in that configuration."""
    samples = {name: {} for name in cfgs}
    errors = {name: {} for name in cfgs}
    wall = {name: [] for name in cfgs}
    # Failures are per benchmark, not per configuration: run_one records them and never
    # raises, so that round_robin keeps every configuration in the rounds.
    def run_one(name, cfg, number, label):
        i = number - 1
        todo = [b for b in cfg["benches"] if b not in errors[name]]
        if todo:
            code, out, err, secs = run_once(cfg["cmd"] + todo, cfg["cpus"], GROUP_TIMEOUT)
            wall[name].append(round(secs, 3))
            recs = parse(out)
            retry = []
            for b in todo:
                status, val = harvest(b, recs)
                if status == "ok":
                    for rec in val:
                        samples[name].setdefault(rec["bench"], []).append(rec)
                elif status == "error":
                    errors[name][b] = f"run {i + 1}: {val}"
                    progress(f"warning: {name}: {b} failed: {val}")
                else:
                    retry.append(b)
            if retry and code == 0:
                # Finished cleanly but silently: nothing to retry, call it a failure.
                for b in retry:
                    errors[name][b] = f"run {i + 1}: no result line" + with_output(err + out)
                    progress(f"warning: {name}: {b} printed no result")
                retry = []
            if retry:
                progress(f"{name}: {describe_exit(code, GROUP_TIMEOUT)} before "
                         f"{', '.join(retry)}; running them one by one")
            for b in retry:
                code1, out1, err1, _ = run_once(cfg["cmd"] + [b], cfg["cpus"], SINGLE_TIMEOUT)
                status, val = harvest(b, parse(out1))
                if status == "ok" and code1 == 0:
                    for rec in val:
                        samples[name].setdefault(rec["bench"], []).append(rec)
                    continue
                msg = val if status == "error" else describe_exit(code1, SINGLE_TIMEOUT)
                errors[name][b] = f"run {i + 1}: {msg}" + with_output(err1 + out1)
                progress(f"warning: {name}: {b} failed ({msg}); not running it again")

    round_robin(cfgs, runs, run_one, progress)
    return samples, errors, wall


MEDIAN_EXTRAS = ("median_ms", "fsync_ms", "median_with_fsync", "one_thread_ns", "ratio")


def summarise(samples):
    """config -> line -> median over the runs of the program's medians, and the rest."""
    stats = {}
    for name, lines in samples.items():
        stats[name] = {}
        for line, recs in lines.items():
            meds = [r["median"] for r in recs]
            e = {"unit": recs[0]["unit"], "median": statistics.median(meds),
                 "min": min(meds), "max": max(meds), "runs": meds,
                 "iterations": recs[0]["iterations"], "batches": recs[0]["batches"]}
            for other in ("median_ns", "median_ticks") + MEDIAN_EXTRAS:
                if other in recs[0]:
                    e[other] = statistics.median(r[other] for r in recs)
            for k in ("sizes", "bytes", "chunk", "dir"):
                if k in recs[0]:
                    e[k] = recs[0][k]
            stats[name][line] = e
    return stats


# ---------------------------------------------------------------------------- report

def fmt(v, unit):
    if unit == "ticks":
        return f"{v:,.0f} ticks" if v >= 100 else f"{v:.1f} ticks"
    if unit == "MB/s":
        return f"{v:,.0f} MB/s"
    if v >= 1e6:
        return f"{v / 1e6:.2f} ms"
    if v >= 1e3:
        return f"{v / 1e3:.2f} us"
    return f"{v:.1f} ns"


def cell(e):
    s = fmt(e["median"], e["unit"])
    if e["unit"] == "ticks" and "median_ns" in e:
        s += f" ({fmt(e['median_ns'], 'ns')})"
    return s


def line_of(bench_line):
    return next(b for b, ls in BENCH_LINES.items() if bench_line in ls)


def report(meta, stats, errors, cfgs, fs):
    rows = []

    def failed(cfg, line):
        b = line_of(line)
        if b in errors.get(cfg, {}):
            return f"failed ({cfg}: see notes)"
        if cfg not in cfgs:
            return "-"
        return f"no result ({cfg})"

    def row(line, title, ecfg, ncfg):
        e = stats.get(ecfg, {}).get(line)
        n = stats.get(ncfg, {}).get(line)
        ecell = cell(e) if e else failed(ecfg, line)
        ncell = cell(n) if n else failed(ncfg, line)
        ratio, goal = "-", "-"
        higher = e is not None and e["unit"] == "MB/s"
        if e and n:
            ratio = fmt_ratio(e["median"], n["median"], higher)
        if line == "getpid":
            if e and n:
                k = n["median"] / e["median"]
                goal = (f">= {SYSCALL_GOAL:g}x cheaper than native: {verdict(k >= SYSCALL_GOAL)} "
                        f"({k:.1f}x)")
                ec = stats.get(ecfg, {}).get("call")
                nc = stats.get(ncfg, {}).get("call")
                if ec and nc:
                    goal += (f"; beyond an empty call (next row): Eremit "
                             f"{e['median'] - ec['median']:.1f}, native "
                             f"{n['median'] - nc['median']:.1f} ticks")
            else:
                goal = f">= {SYSCALL_GOAL:g}x cheaper than native: -"
        elif line.startswith(("malloc_", "free_")):
            if e and n:
                r = e["median"] / n["median"]
                goal = f"within {MALLOC_GOAL:g}x of glibc: {verdict(r <= MALLOC_GOAL)}"
            else:
                goal = f"within {MALLOC_GOAL:g}x of glibc: -"
        if line in PARALLEL:
            ecell += f"; 1 thread {fmt(e['one_thread_ns'], 'ns')}, ratio {e['ratio']:.2f}" if e else ""
            ncell += f"; 1 thread {fmt(n['one_thread_ns'], 'ns')}, ratio {n['ratio']:.2f}" if n else ""
            if e and ecfg == "eremit_2cpu":
                goal = (f"2 threads / 1 thread <= {PARALLEL_GOAL:g}: "
                        f"{verdict(e['ratio'] <= PARALLEL_GOAL)} ({e['ratio']:.2f})")
        if line.startswith("file_"):
            ncell = f"{ncell} (/tmp: {fs['native']['fstype']})" if n else ncell
            t = stats.get("native_tmpfs", {}).get(line)
            if t:
                ncell += f"; tmpfs /dev/shm: {fmt(t['median'], 'MB/s')}"
            if line == "file_write" and n and "fsync_ms" in n:
                ncell += f"; fsync after it: {n['fsync_ms']:.1f} ms"
        if "baseline_1cpu" in cfgs:
            bcfg = {"eremit_1cpu": "baseline_1cpu", "eremit_2cpu": "baseline_2cpu"}.get(ecfg)
            b = stats.get(bcfg, {}).get(line) if bcfg else None
            bcell = cell(b) if b else "-"
            if b and e:
                bcell += f" (now/before {e['median'] / b['median']:.2f})"
            if b and line in PARALLEL:
                bcell += f"; 1 thread {fmt(b['one_thread_ns'], 'ns')}, ratio {b['ratio']:.2f}"
            rows.append((title, ecell, bcell, ncell, ratio, goal))
        else:
            rows.append((title, ecell, ncell, ratio, goal))

    for line in ("getpid", "call", "malloc_4k", "free_4k", "malloc_64k", "free_64k"):
        row(line, TITLES[line], "eremit_1cpu", "native")
    for line in TWO_THREAD:
        row(line, f"{TITLES[line]}, 1 CPU (Eremit --cpus 1, native pinned to 1 CPU)",
            "eremit_1cpu", "native_1cpu")
        row(line, f"{TITLES[line]}, 2 CPUs (Eremit --cpus 2, native on all "
                  f"{os.cpu_count()} host CPUs)", "eremit_2cpu", "native")
    for line in ("file_write", "file_read"):
        row(line, TITLES[line], "eremit_1cpu", "native")
    for line in PARALLEL:
        row(line, f"{TITLES[line]}, 2 CPUs", "eremit_2cpu", "native")
        row(line, f"{TITLES[line]}, 1 CPU", "eremit_1cpu", "native")

    lines = [
        "# Eremit C microbenchmarks (POSIX layer)",
        "",
        f"{meta['date']}, commit {meta['commit']}; host: {meta['host_cpu']}, "
        f"{meta['host_cpus']} CPUs; {meta['qemu']}; Eremit on microvm with "
        f"{meta['accel'].upper()}, 1 CPU unless a row says otherwise; {meta['gcc']}.",
        f"benches/c-micro/c-micro.c built with `gcc {' '.join(CFLAGS)}` (glibc) and "
        f"`x86_64-hermit-gcc {' '.join(CFLAGS)}` (newlib + libc-port). Medians of "
        f"{meta['runs']} process runs per configuration, run round-robin; each run's figure "
        "is the median of 11 in-process batches after a warm-up batch. "
        "Ratio = Eremit / native.",
        "",
    ]
    header = ("benchmark", "Eremit", "native Linux", "ratio (Eremit/native)", "goal")
    if "baseline_1cpu" in cfgs:
        header = header[:2] + (f"Eremit before ({cfgs['baseline_1cpu']['what']})",) + header[2:]
    lines += md_table(header, rows)

    notes = [
        "Ticks are TSC ticks (`__rdtsc`; the guest's TSC under TCG runs at the host's rate), "
        "ns come from `clock_gettime(CLOCK_MONOTONIC)`; results-c.json has both units, "
        "min and max, and every run's value.",
        ("Eremit runs code translated by QEMU's TCG, native Linux runs on the CPU: plain "
         "computation (an allocator's bookkeeping, memcpy) costs several times more under "
         "TCG; privileged instructions and interrupts far more."
         if meta["accel"] == "tcg" else
         "Eremit runs under QEMU with KVM: guest code runs on the CPU like native Linux's."),
        "getpid: glibc makes a real system call (it has not cached the pid since 2.25); "
        "Eremit's libc calls the kernel's `sys_getpid`, a function call in the same "
        "address space. The `call` row times the same loop around an empty function "
        "(the two instructions of `sys_getpid`, alone on a code page as a library function "
        "is away from its caller): under TCG a call into another page and its return cost "
        "about 22 ticks whatever the callee does (TCG chains jumps only within a page; the "
        "others and every return are looked up in its translation cache), so getpid "
        "beyond that row is what the system call itself costs.",
        "malloc/free: batches of 1000 `malloc` of random sizes (xorshift64, fixed seed, the "
        "same sizes in both), then 1000 `free` in the same order; memory is not touched. "
        "Eremit's malloc is libc-port/src/malloc.c over the kernel heap (`sys_malloc`) with "
        "a 16 B header, a per-thread cache up to 8 KiB and 64 KiB slabs up to 512 B; the "
        "kernel heap is `talc` with a bounded cache of freed blocks up to 256 KiB in size "
        "classes in front of it. glibc's 16 B-64 KiB figures include the kernel's "
        "page faults as its heap grows and shrinks again (brk) between batches.",
    ]
    tcg = stats.get("glibc_tcg", {})
    if tcg:
        parts = []
        for line in ("getpid", "call", "malloc_4k", "free_4k", "malloc_64k", "free_64k"):
            t, e = tcg.get(line), stats.get("eremit_1cpu", {}).get(line)
            if t:
                s = f"{line} {fmt(t['median'], t['unit'])}"
                if e:
                    s += f" (Eremit/this: {e['median'] / t['median']:.2f})"
                parts.append(s)
        notes.append("Reference, glibc translated by TCG too: the native build under "
                     "`qemu-x86_64` (user-mode TCG, same QEMU; its getpid is an emulated "
                     "system call): " + "; ".join(parts) + ".")
    elif "glibc_tcg" in cfgs:
        notes.append("Reference run of glibc under `qemu-x86_64` failed: see below.")
    else:
        notes.append("`qemu-x86_64` (Debian's qemu-user) is not installed: no reference "
                     "figures of glibc's malloc translated by TCG in this run.")
    notes.append(
        "Two-thread benchmarks: one 1 CPU row (Eremit --cpus 1 against native Linux pinned "
        "to one CPU) and one 2 CPU row (Eremit --cpus 2 against native Linux free to use "
        "both host CPUs); across two CPUs a wake-up is an inter-processor interrupt, so "
        "these vary more from run to run (see min and max in results-c.json).")
    shm = fs.get("native_tmpfs")
    ew = stats.get("eremit_1cpu", {}).get("file_write")
    nw = stats.get("native", {}).get("file_write")
    notes.append(
        "File I/O: Eremit's /tmp is the kernel's in-memory file system"
        + (f" (its fsync does nothing: {ew['fsync_ms']:.3f} ms)" if ew else "")
        + f". Native Linux: a fresh directory {fs['native']['dir']} on "
        f"{fs['native']['about']} (mount {fs['native']['mount']}); `write` figures exclude "
        "the `fsync` that follows them"
        + (f" (its time is shown; write + fsync: {fmt(nw['median_with_fsync'], 'MB/s')})"
           if nw else "")
        + ", and reading back right after comes from the page cache, not the disk"
        + (f"; the tmpfs figure is a fresh directory under {shm['mount']}." if shm else ".")
        + " MB/s = 10^6 bytes per second; 64 MiB = 67,108,864 bytes.")
    spread = [f"{name} {line} {fmt(e['min'], e['unit'])} to {fmt(e['max'], e['unit'])}"
              for name, ls in stats.items() for line, e in ls.items()
              if e["min"] > 0 and e["max"] / e["min"] > SPREAD_NOTE]
    if spread:
        notes.append(f"Figures whose process runs differed by more than {SPREAD_NOTE:g}x "
                     "(lowest to highest run; the table shows the median): "
                     + "; ".join(spread) + ".")
    notes.append(load_note(meta))
    for name, errs in errors.items():
        for b, msg in errs.items():
            notes.append(failure_note(f"{b} in {name}", cfgs[name]["cmd"] + [b], msg))
    return report_text(lines, notes)


# ---------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_run_options(ap, 5, "do not run glibc under qemu-x86_64 even when it is installed")
    ap.add_argument("--baseline", metavar="DIR",
                    help="also run Eremit built with the toolchain in DIR (before/after)")
    ap.add_argument("--build-toolchain", action="store_true",
                    help="run `make toolchain-c` first")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    qemu, qemu_user = qemus(args)
    started = time.monotonic()
    tmp_dir = shm_dir = None
    try:
        require_qemu(qemu)
        os.makedirs(OUT, exist_ok=True)
        progress("step 1/3: building benches/c-micro natively (gcc) and for Eremit "
                 "(x86_64-hermit-gcc)")
        baseline = os.path.abspath(args.baseline) if args.baseline else None
        build_cmds = build(args.build_toolchain, baseline)
        tmp_dir = tempfile.mkdtemp(prefix="eremit-c-micro.", dir="/tmp")
        if os.path.isdir("/dev/shm") and mount_of("/dev/shm")[0] == "tmpfs":
            shm_dir = tempfile.mkdtemp(prefix="eremit-c-micro.", dir="/dev/shm")
        fs = {"native": describe_fs(tmp_dir)}
        if shm_dir:
            fs["native_tmpfs"] = describe_fs(shm_dir)
        fs["eremit"] = {"dir": "/tmp", "about": "the kernel's in-memory file system"}
        cfgs = make_configs(args.accel, tmp_dir, shm_dir, qemu_user, baseline)
        progress(f"native file I/O in {tmp_dir} ({fs['native']['about']})"
                 + (f" and {shm_dir} (tmpfs)" if shm_dir else ""))
        if not qemu_user and not args.no_tcg_reference:
            progress("note: qemu-x86_64 (qemu-user) not found: no glibc-under-TCG reference")
        progress(f"step 2/3: {args.runs} round-robin runs of " + ", ".join(cfgs))
        load = [loadavg()]
        samples, errors, wall = measure(cfgs, args.runs)
        load.append(loadavg())
    except BenchError as e:
        print(f"bench-c: error: {e}", file=sys.stderr)
        return 1
    finally:
        for d in (tmp_dir, shm_dir):
            if d:
                shutil.rmtree(d, ignore_errors=True)

    progress("step 3/3: writing build/bench/results-c.md and build/bench/results-c.json")
    stats = summarise(samples)
    meta = run_meta(qemu, qemu_user, args, load)
    text = report(meta, stats, errors, cfgs, fs)
    results = {
        "meta": meta,
        "about": "stats: per configuration and result line, the median (and min, max, every "
                 "run's value) over the process runs of the program's median over its "
                 "batches; median_ns/median_ticks and the file figures are medians over the "
                 "runs too. samples: every record the program printed.",
        "build": build_cmds,
        "configurations": {name: {"command": [rel(a) for a in c["cmd"]],
                                  "benchmarks": c["benches"],
                                  "pinned_cpus": sorted(c["cpus"]) if c["cpus"] else None,
                                  "what": c["what"], "wall_s": wall[name]}
                           for name, c in cfgs.items()},
        "file_systems": fs,
        "goals": {"getpid": f"Eremit >= {SYSCALL_GOAL:g}x cheaper than native",
                  "malloc_free": f"Eremit within {MALLOC_GOAL:g}x of glibc"},
        "stats": stats,
        "errors": errors,
        "samples": samples,
    }
    publish("results-c.md", "results-c.json", text, results, progress, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
