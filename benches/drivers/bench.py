#!/usr/bin/env python3
"""Eremit benchmarks (`make bench`): size, boot time and process wall time of the Rust std
hello example, measured in one run next to a native Linux build of the same program and a
bare QEMU running a null guest with the same machine options, against the peer (Hermit)
figures of /work/shared/peer-figures.md.

Writes Markdown tables to stdout and to build/bench/results.md, and the raw samples to
build/bench/results.json. Progress goes to stderr. Python 3 standard library only.

Measurements (medians of --runs samples, default 10, after one discarded warm-up run;
the configurations are run round-robin so that they see the same host conditions):
  * hello image size, as built and stripped (`strip`, else `objcopy --strip-all`);
  * in-guest time from the kernel's first instruction to the application entry, parsed
    from the line `eremit: entering the application after N us` of `eremit run --verbose`;
  * wall time of the whole `eremit run hello` process, microvm and q35;
  * wall time of a bare QEMU booting the null guest (tools/eremit/tests/pvh-guest/guest.S in mode 5: it exits at once) with the
    options `eremit run` uses, to isolate QEMU's own start-up and quit cost, and of
    `eremit run` booting that null guest (the runner's own overhead);
  * wall time of a native Linux build of examples-rust/hello/src/main.rs (`rustc -O`).

Microbenchmarks (second table): benches/micro, one Rust program built both natively
(`cargo build --release`) and for Eremit, run --micro-runs times (default 5) natively and
in Eremit (`eremit run`, same machine and accelerator) with 1 and with 2 CPUs, round-robin.
The program prints, per benchmark, the median over 11 in-process batches; the tables show
the median of those over the process runs: getpid, yield_now, an uncontended Mutex,
allocation and deallocation of random sizes, thread spawn+join, a Condvar (futex)
ping-pong between two threads, and the speedup of CPU-bound work split over
available_parallelism() threads (Eremit: --cpus 2 against --cpus 1).

Network (third table, benches/drivers/netbench.py; --no-net-bench skips it, and it is skipped
with a message when it cannot be set up): the same C server (benches/net/netserver.c) in
Eremit and in a Linux guest (Debian's kernel with a busybox initramfs) under the same QEMU
options, over tap devices in a network namespace made for the run (or QEMU's user
network): TCP throughput both ways (64 MiB), 1-byte request/response latency, boot to
listening, as Eremit / Linux ratios. `python3 benches/drivers/netbench.py` runs it alone.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import netbench
from benchlib import (BenchError, EREMIT, OUT, ROOT, fmt_ratio, git_commit, host_cpu,
                      make_progress, md_table, now_iso, round_robin, run_checked, run_process,
                      publish, summary, tail, verdict)

EREMIT_BUILT = os.path.join(ROOT, "target", "debug", "eremit")
EXAMPLES = os.path.join(ROOT, "examples-rust")
HELLO_SRC = os.path.join(EXAMPLES, "hello", "src", "main.rs")
HELLO = os.path.join(EXAMPLES, "target", "x86_64-unknown-hermit", "release", "hello")
# The runner's test guest, in the mode that only writes the exit record and leaves.
NULL_SRC = os.path.join(ROOT, "tools", "eremit", "tests", "pvh-guest", "guest.S")
NULL_LD = os.path.join(ROOT, "tools", "eremit", "tests", "pvh-guest", "guest.ld")
HELLO_OUTPUT = "Hello from Eremit!\n"
ENTRY_RE = re.compile(r"eremit: entering the application after (\d+) us")

# The QEMU options `eremit run` uses (tools/eremit/src/qemu.rs), for the bare QEMU
# baseline; the runner's file chardevs become null chardevs here.
MACHINE_OPTS = {
    "microvm": ["-M", "microvm,x-option-roms=off,pit=off,pic=off,rtc=on,"
                      "auto-kernel-cmdline=off,acpi=off",
                "-global", "virtio-mmio.force-legacy=off"],
    "q35": ["-M", "q35"],
}
ACCEL_OPTS = {"tcg": ["-accel", "tcg", "-cpu", "max"], "kvm": ["-accel", "kvm", "-cpu", "host"]}
DEVICE_OPTS = [
    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "-chardev", "null,id=eout", "-serial", "chardev:eout",
    "-chardev", "null,id=eerr", "-device", "isa-serial,chardev=eerr,iobase=0x2f8,irq=3",
    "-chardev", "null,id=elog", "-device", "isa-debugcon,chardev=elog,iobase=0xe9",
]

# Peer figures and goals (/work/shared/peer-figures.md; size goal from the issue).
PEER = {
    "size_stripped": "629,848 B + 123,596 B loader",
    "entry_microvm": "100 ms (reset to app entry)",
    "entry_q35": "-",
    "wall_microvm": "142 ms",
    "wall_q35": "291 ms",
}
SIZE_GOAL_BYTES = 400 * 1000            # issue target: <= 400 KB stripped
SIZE_GOAL_PEER_BYTES = 300 * 1000       # peer-figures.md: < 300 KB, no loader
ENTRY_GOAL_MS = 1.0                     # issue target (a KVM figure)
ENTRY_GOAL_PEER_MS = 5.0                # peer-figures.md: < 5 ms from reset, microvm
WALL_GOAL_MS = {"microvm": 40.0, "q35": 120.0}
RUN_TIMEOUT = 60                        # seconds for any single run

MICRO_DIR = os.path.join(ROOT, "benches", "micro")
MICRO_IMAGE = os.path.join(MICRO_DIR, "target", "x86_64-unknown-hermit", "release", "micro")
MICRO_NATIVE = os.path.join(MICRO_DIR, "target", "release", "micro")
MICRO_TIMEOUT = 180                     # seconds for one run of the micro program
# Benchmarks in table order; `alloc` prints the `alloc` and `dealloc` lines.
MICRO_ARGS = ["getpid", "call", "yield", "mutex", "alloc", "spawn_join", "futex_pingpong",
              "parallel_speedup"]
MICRO_LINES = ["getpid", "call", "yield", "mutex", "alloc", "dealloc", "spawn_join", "futex_pingpong"]
# Two-thread benchmarks, also run natively pinned to one CPU.
MICRO_PINNED = ["spawn_join", "futex_pingpong"]
# Peer figures (peer-figures.md: Hermit 0.13 and native Linux on the peer's host, TCG) and
# goals; "native" goals are relative to the native Linux figure measured in the same run.
MICRO_PEER = {
    "getpid": ("41 ticks (native 340)", 20.0),
    "call": ("-", None),
    "yield": ("399 ticks (native 1269)", 200.0),
    "mutex": ("9 ns (native 4 ns)", 5.0),
    "alloc": ("12,960 ticks (native 2747)", 2747.0),
    "dealloc": ("3968 ticks (native 2477)", 2477.0),
    "spawn_join": ("-", "native"),
    "futex_pingpong": ("-", "native"),
}
MICRO_TITLES = {
    "getpid": "getpid, per call",
    "call": "an empty function (mov eax, 1; ret) on its own code page, per call: the floor of a call into other code",
    "yield": "thread::yield_now, 1 thread",
    "mutex": "Mutex lock+unlock, uncontended, 1 thread",
    "alloc": "allocation, random 64 B-32 KiB",
    "dealloc": "deallocation, same sizes",
    "spawn_join": "thread::spawn + join, per pair",
    "futex_pingpong": "Mutex+Condvar (futex) ping-pong, per round trip",
}
SPEEDUP_GOAL = 1.6
SPEEDUP_IDEAL = 1.9


progress = make_progress("bench")


def timed(cmd, env=None):
    """Runs cmd to completion; returns (seconds, exit code, stdout, stderr)."""
    r = run_process(cmd, RUN_TIMEOUT, env=env)
    if r.code is None:
        raise BenchError(f"timed out after {RUN_TIMEOUT} s: {' '.join(cmd)}")
    return r.wall, r.code, r.out, r.err


def require_tools(qemu):
    missing = [t for t in ("cargo", "rustc", "as", "ld", qemu) if shutil.which(t) is None]
    if shutil.which("strip") is None and shutil.which("objcopy") is None:
        missing.append("strip or objcopy")
    if missing:
        raise BenchError("missing tools: " + ", ".join(missing) +
                         " (scripts/ensure-deps.sh installs them)")


# ---------------------------------------------------------------------------- builds

def build_runner():
    run_checked("building the runner (cargo build -p eremit)", ["cargo", "build", "-p", "eremit"])
    if not os.path.exists(EREMIT):
        if not os.path.exists(EREMIT_BUILT):
            raise BenchError(f"the runner was built but {EREMIT_BUILT} does not exist")
        os.makedirs(os.path.dirname(EREMIT), exist_ok=True)
        shutil.copy2(EREMIT_BUILT, EREMIT)
        progress(f"copied {os.path.relpath(EREMIT_BUILT, ROOT)} to {os.path.relpath(EREMIT, ROOT)}")
    elif os.path.exists(EREMIT_BUILT) and os.path.getmtime(EREMIT_BUILT) > os.path.getmtime(EREMIT):
        progress(f"note: {os.path.relpath(EREMIT, ROOT)} is older than "
                 f"{os.path.relpath(EREMIT_BUILT, ROOT)}; using it anyway (run make to refresh)")


def build_hello():
    run_checked("building the hello example (cargo build --release -p hello in examples-rust)",
                ["cargo", "build", "--release", "-p", "hello"], cwd=EXAMPLES)
    if not os.path.exists(HELLO):
        raise BenchError(f"the hello build succeeded but {HELLO} does not exist")


def build_native_hello():
    out = os.path.join(OUT, "hello-native")
    # Run from ROOT so that rustup picks the toolchain of rust-toolchain.toml.
    run_checked("building the native hello (rustc -O)",
                ["rustc", "-O", "--edition", "2021", HELLO_SRC, "-o", out])
    return out


def build_null_guest():
    obj = os.path.join(OUT, "null-guest.o")
    elf = os.path.join(OUT, "null-guest")
    run_checked("assembling the null guest (guest.S, MODE=5)",
                ["as", "--64", "--defsym", "MODE=5", "-o", obj, NULL_SRC])
    run_checked("linking the null guest", ["ld", "-T", NULL_LD, "-o", elf, obj])
    return elf


def build_micro():
    """benches/micro natively and for Eremit (its own workspace and target directory)."""
    run_checked("building benches/micro natively (cargo build --release)",
                ["cargo", "build", "--release"], cwd=MICRO_DIR)
    run_checked("building benches/micro for Eremit (cargo build --release -Zbuild-std "
                "--target x86_64-unknown-hermit)",
                ["cargo", "build", "--release", "-Zbuild-std=std,panic_abort",
                 "-Zbuild-std-features=compiler-builtins-mem",
                 "--target", "x86_64-unknown-hermit"], cwd=MICRO_DIR)
    for path in (MICRO_NATIVE, MICRO_IMAGE):
        if not os.path.exists(path):
            raise BenchError(f"the benches/micro build succeeded but {path} does not exist")


def stripped_size(path, name):
    dest = os.path.join(OUT, name)
    if shutil.which("strip"):
        run_checked(f"stripping {path}", ["strip", "-o", dest, path])
    else:
        run_checked(f"stripping {path}", ["objcopy", "--strip-all", path, dest])
    return os.path.getsize(dest)


# ---------------------------------------------------------------------------- runs

def make_configs(qemu, accel, hello_native, null_guest):
    """name -> (command, check(code, stdout, stderr) -> sample or raises)."""
    eremit_base = [EREMIT, "run", "--accel", accel, "--timeout", str(RUN_TIMEOUT - 10)]

    def hello_check(verbose):
        def check(code, out, err):
            if code != 0 or out != HELLO_OUTPUT:
                raise BenchError(f"hello failed: exit code {code}, stdout {out!r}\n{tail(err)}")
            if verbose:
                m = ENTRY_RE.search(err)
                if not m:
                    raise BenchError("no 'entering the application after N us' line in the "
                                     f"kernel log of eremit run --verbose:\n{tail(err)}")
                return int(m.group(1)) / 1000.0    # ms
            return None
        return check

    def code_check(expected, what):
        def check(code, out, err):
            if code != expected:
                raise BenchError(f"{what}: exit code {code}, expected {expected}\n{tail(out + err)}")
            return None
        return check

    configs = {}
    for m in ("microvm", "q35"):
        configs[f"entry_{m}"] = (eremit_base + ["--machine", m, "--verbose", HELLO],
                                 hello_check(True))
        configs[f"wall_{m}"] = (eremit_base + ["--machine", m, HELLO], hello_check(False))
        configs[f"qemu_null_{m}"] = (
            [qemu, "-kernel", null_guest, "-m", "512M", "-smp", "1", "-nodefaults",
             "-no-user-config", "-display", "none", "-no-reboot"]
            + MACHINE_OPTS[m] + ACCEL_OPTS[accel] + DEVICE_OPTS,
            code_check(3, f"bare QEMU ({m}) with the null guest"))
        configs[f"eremit_null_{m}"] = (eremit_base + ["--machine", m, null_guest],
                                       code_check(0, f"eremit run --machine {m} of the null guest"))

    def native_check(code, out, err):
        if code != 0 or out != HELLO_OUTPUT:
            raise BenchError(f"native hello: exit code {code}, stdout {out!r}")
        return None
    configs["native"] = ([hello_native], native_check)
    return configs


def measure(configs, runs):
    def run_one(name, cfg, number, label):
        cmd, check = cfg
        try:
            secs, code, out, err = timed(cmd)
            return secs * 1000.0, check(code, out, err)
        except BenchError as e:
            raise BenchError(f"{e}\ncommand: {' '.join(cmd)}")

    runs_of, _ = round_robin(configs, runs, run_one, progress, warmup=1)
    return {name: {"wall_ms": [ms for ms, _ in rs],
                   "value_ms": [v for _, v in rs if v is not None]}
            for name, rs in runs_of.items()}


# ---------------------------------------------------------------------------- micro

def micro_configs(accel):
    """name -> (command, benchmarks it must print, CPUs to pin it to or None). Native Linux
    runs parallel_speedup with available_parallelism() threads (the host's CPUs) and with
    1, and the two-thread benchmarks also pinned to one CPU (to compare with Eremit's
    --cpus 1); Eremit runs everything with --cpus 1 and with --cpus 2, parallel_speedup
    with --cpus 2 alone (for the host CPU time of that run)."""
    eremit = [EREMIT, "run", "--accel", accel, "--machine", "microvm",
              "--timeout", str(MICRO_TIMEOUT)]
    one_cpu = {min(os.sched_getaffinity(0))}
    return {
        "native": ([MICRO_NATIVE] + MICRO_ARGS + ["parallel_speedup:1"],
                   MICRO_LINES + ["parallel_speedup"], None),
        "native_1cpu": ([MICRO_NATIVE] + MICRO_PINNED, MICRO_PINNED, one_cpu),
        "eremit_1cpu": (eremit + ["--cpus", "1", MICRO_IMAGE] + MICRO_ARGS,
                        MICRO_LINES + ["parallel_speedup"], None),
        "eremit_2cpu": (eremit + ["--cpus", "2", MICRO_IMAGE] + MICRO_ARGS[:-1], MICRO_LINES,
                        None),
        "eremit_2cpu_parallel": (eremit + ["--cpus", "2", MICRO_IMAGE, "parallel_speedup"],
                                 ["parallel_speedup"], None),
    }


def micro_key(rec):
    if rec["bench"] == "parallel_speedup":
        return f"parallel_speedup:{rec['threads']}"
    return rec["bench"]


def run_micro_once(cmd, expected, cpus):
    """One run of the micro program, on the CPUs `cpus` when not None; returns
    (key -> record, wall s, host CPU s)."""
    r = run_process(cmd, MICRO_TIMEOUT + 30, cpus=cpus)
    if r.code is None:
        raise BenchError(f"timed out after {MICRO_TIMEOUT + 30} s")
    wall, cpu, out, err = r.wall, r.cpu, r.out, r.err
    if r.code != 0:
        raise BenchError(f"exit code {r.code}\n{tail(out + err)}")
    recs = {}
    for line in out.splitlines():
        if line.startswith("{"):
            try:
                rec = json.loads(line)
            except ValueError:
                raise BenchError(f"not JSON: {line!r}")
            recs[micro_key(rec)] = rec
    missing = [b for b in expected if not any(r["bench"] == b for r in recs.values())]
    if missing:
        raise BenchError(f"no result for {', '.join(missing)}; output:\n{tail(out + err)}")
    return recs, wall, cpu


def measure_micro(configs, runs):
    """Round-robin runs; a failing Eremit configuration is recorded and skipped from then
    on (the report says so), a failing native run is an error."""
    def run_one(name, cfg, number, label):
        cmd, expected, cpus = cfg
        return run_micro_once(cmd, expected, cpus)

    def on_error(name, cfg, number, label, e):
        if name.startswith("native"):
            raise BenchError(f"{label}, native: {e}\ncommand: {' '.join(cfg[0])}")
        progress(f"warning: {name} failed, not running it again: {e}")
        return f"run {number}: {e}"

    load = [round(os.getloadavg()[0], 2)]
    runs_of, errors = round_robin(configs, runs, run_one, progress, label="micro run",
                                  on_error=on_error)
    load.append(round(os.getloadavg()[0], 2))
    samples = {name: {"results": {}, "wall_s": [], "cpu_s": []} for name in configs}
    for name, rs in runs_of.items():
        for recs, wall, cpu in rs:
            for key, rec in recs.items():
                samples[name]["results"].setdefault(key, []).append(rec)
            samples[name]["wall_s"].append(round(wall, 4))
            samples[name]["cpu_s"].append(round(cpu, 4))
    return samples, errors, load


def micro_summary(samples):
    """name -> key -> median over the runs of the program's medians (and the other unit)."""
    stats = {}
    for name, s in samples.items():
        stats[name] = {}
        for key, recs in s["results"].items():
            meds = [r["median"] for r in recs]
            other = [r.get("median_ns", r.get("median_ticks")) for r in recs]
            entry = {"unit": recs[0]["unit"], "median": statistics.median(meds),
                     "min": min(meds), "max": max(meds), "runs": meds,
                     "other_unit": "ns" if recs[0]["unit"] == "ticks" else "ticks",
                     "other_median": statistics.median(other),
                     "iterations": recs[0]["iterations"], "batches": recs[0]["batches"]}
            for extra in ("threads", "work"):
                if extra in recs[0]:
                    entry[extra] = recs[0][extra]
            stats[name][key] = entry
        if s["wall_s"]:
            stats[name]["process"] = {"wall_s": statistics.median(s["wall_s"]),
                                      "host_cpu_s": statistics.median(s["cpu_s"])}
    return stats


def parallel_entry(stats, name, threads=None):
    """The parallel_speedup result of a configuration (with `threads` when given)."""
    keys = [k for k in stats.get(name, {}) if k.startswith("parallel_speedup:")]
    if threads is not None:
        keys = [k for k in keys if k == f"parallel_speedup:{threads}"]
    return stats[name][keys[0]] if len(keys) == 1 else None


def speedups(stats):
    n1 = parallel_entry(stats, "native", 1)
    ncpu = os.cpu_count() or 1
    nn = parallel_entry(stats, "native", ncpu)
    e1 = parallel_entry(stats, "eremit_1cpu")
    e2 = parallel_entry(stats, "eremit_2cpu_parallel")
    out = {"native": None, "eremit": None}
    if n1 and nn:
        out["native"] = {"speedup": n1["median"] / nn["median"], "ns_1_thread": n1["median"],
                         "ns_n_threads": nn["median"], "threads": nn["threads"]}
    if e1 and e2:
        proc = stats["eremit_2cpu_parallel"].get("process", {})
        out["eremit"] = {"speedup": e1["median"] / e2["median"],
                         "ns_cpus1": e1["median"], "threads_cpus1": e1["threads"],
                         "ns_cpus2": e2["median"], "threads_cpus2": e2["threads"],
                         "cpus2_host_cpu_per_wall": (proc["host_cpu_s"] / proc["wall_s"]
                                                     if proc.get("wall_s") else None)}
    return out


def fmt_micro(v, unit):
    if unit == "ticks":
        return f"{v:,.0f} ticks" if v >= 100 else f"{v:.1f} ticks"
    if v >= 1e6:
        return f"{v / 1e6:.1f} ms"
    if v >= 1e3:
        return f"{v / 1e3:.1f} us"
    return f"{v:.1f} ns" if v >= 10 else f"{v:.2f} ns"


def micro_report(stats, errors, runs, accel, load):
    sp = speedups(stats)
    rows = []

    def row(title, key, cfg, cpu_note, native_cfg="native"):
        e = stats.get(cfg, {}).get(key)
        n = stats[native_cfg][key]
        peer, goal = MICRO_PEER[key]
        if e is None:
            rows.append((f"{title}{cpu_note}", f"failed ({cfg}, see notes)",
                         fmt_micro(n["median"], n["unit"]), "-", peer, "-"))
            return
        unit = e["unit"]
        cell = fmt_micro(e["median"], unit)
        if cfg == "eremit_1cpu" and key not in MICRO_PINNED:
            e2 = stats.get("eremit_2cpu", {}).get(key)
            cell += f" (2 CPUs: {fmt_micro(e2['median'], unit)})" if e2 else " (2 CPUs: failed)"
        if goal is None:
            g = "-"
        elif goal == "native":
            g = (f"<= native (issue): {verdict(e['median'] <= n['median'])}; "
                 f"2x faster than native: {verdict(e['median'] <= n['median'] / 2)}")
        else:
            g = f"<= {goal:g} {unit}: {verdict(e['median'] <= goal)}"
        rows.append((f"{title}{cpu_note}", cell, fmt_micro(n["median"], n["unit"]),
                     fmt_ratio(e["median"], n["median"]), peer, g))

    for key in MICRO_LINES:
        if key in MICRO_PINNED:
            row(MICRO_TITLES[key], key, "eremit_1cpu",
                ", 1 CPU (Eremit --cpus 1, native pinned to 1 CPU)", "native_1cpu")
            row(MICRO_TITLES[key], key, "eremit_2cpu",
                f", 2 CPUs (Eremit --cpus 2, native on all {os.cpu_count()} host CPUs)")
        else:
            row(MICRO_TITLES[key], key, "eremit_1cpu", "")

    ns, es = sp["native"], sp["eremit"]
    ncell = (f"{ns['speedup']:.2f}x (1 thread {fmt_micro(ns['ns_1_thread'], 'ns')}, "
             f"{ns['threads']} threads {fmt_micro(ns['ns_n_threads'], 'ns')})") if ns else "-"
    if es:
        ecell = (f"{es['speedup']:.2f}x (--cpus 1: {fmt_micro(es['ns_cpus1'], 'ns')}, "
                 f"{es['threads_cpus1']} thread{'s' if es['threads_cpus1'] != 1 else ''}; "
                 f"--cpus 2: {fmt_micro(es['ns_cpus2'], 'ns')}, {es['threads_cpus2']} "
                 f"thread{'s' if es['threads_cpus2'] != 1 else ''})")
        ratio = f"{es['speedup'] / ns['speedup']:.2f} of native's speedup" if ns else "-"
        goal = (f">= {SPEEDUP_GOAL:g}x ({SPEEDUP_IDEAL:g}x ideal): "
                f"{verdict(es['speedup'] >= SPEEDUP_GOAL)}")
    else:
        ecell, ratio, goal = "failed (see notes)", "-", f">= {SPEEDUP_GOAL:g}x: -"
    rows.append(("parallel speedup, CPU-bound work over available_parallelism() threads",
                 ecell, ncell, ratio, "-", goal))

    lines = [
        "",
        "## Microbenchmarks: the same program natively and in Eremit",
        "",
        f"benches/micro, medians of {runs} process runs per configuration (each the median "
        "of 11 in-process batches after a warm-up batch), run round-robin; Eremit on microvm "
        f"with {accel.upper()}, 1 CPU unless a row says otherwise; native Linux on the host "
        f"({os.cpu_count()} CPUs). Ratio = Eremit / native (below 1: Eremit is faster).",
        "",
    ]
    lines += md_table(("benchmark", "Eremit", "native Linux", "ratio", "peer (Hermit)", "goal"),
                      rows)
    lines += [
        "",
        "Notes:",
        "- Ticks are TSC ticks (`rdtsc`; the guest's TSC under TCG runs at the host's rate), "
        "ns come from `Instant`; results.json has both units and every run's value. "
        "The peer's figures were measured on another host: compare the goals with the "
        "native column of this run too.",
        "- getpid: natively std's `process::id()` (glibc `getpid`, a system call); in Eremit "
        "the ABI's `sys_getpid`, because Rust's std for hermit has no `process::id()`. "
        "The empty-function row times the same loop around a function with the two "
        "instructions of `sys_getpid`, alone on a code page as the kernel's functions are "
        "away from their callers: under TCG a call into another page and its return cost "
        "about 22 ticks (TCG chains jumps only within a page; the others and every return "
        "are looked up in its translation cache), so getpid minus that row is what the "
        "system call itself costs.",
        "- alloc/dealloc: batches of 1000 `alloc` calls of random sizes (fixed-seed "
        "xorshift, 64 B-32 KiB, align 8), then 1000 `dealloc` calls in the same order.",
        "- Eremit runs translated code (TCG, as the peer figures); native Linux runs on the "
        "CPU. Pure computation costs about the same in both; privileged instructions and "
        "interrupts (context switches) are much dearer under TCG.",
        "- Native Linux runs on all host CPUs, except the 1-CPU rows of the two-thread "
        "benchmarks (pinned with sched_setaffinity); across two CPUs a futex wake-up is an "
        "inter-processor interrupt, which makes the 2-CPU native figures vary from run to "
        "run (see min and max in results.json).",
    ]
    if es:
        util = es.get("cpus2_host_cpu_per_wall")
        note = ("- Parallel speedup: Eremit's wall time with `--cpus 1` divided by that with "
                "`--cpus 2`, the same fixed work (a dependent integer-hash chain, "
                "2^25 steps) split over `available_parallelism()` threads, spawning and "
                "joining included; native Linux: 1 thread against one per host CPU.")
        if util is not None:
            note += (f" The `--cpus 2` QEMU process used {util:.2f} host CPUs on average "
                     "over its whole run (boot included).")
        if es["threads_cpus2"] < 2:
            note += (" With `--cpus 2`, `available_parallelism()` returned "
                     f"{es['threads_cpus2']}: the work was not split.")
        lines.append(note)
    lines.append(f"- Host load average (1 min) before and after these runs: {load[0]:g} and "
                 f"{load[-1]:g} on {os.cpu_count()} CPUs. Other work on this machine (or on "
                 "the machine hosting its vCPUs) mostly affects native Linux's two-thread "
                 "figures and both parallel speedups: a native speedup well below 1.9x "
                 "means the second CPU was not fully available during the run.")
    for name, err in errors.items():
        lines.append(f"- {name} failed ({' '.join(os.path.relpath(a, ROOT) if a.startswith(ROOT) else a for a in micro_configs(accel)[name][0])}): "
                     + tail(err, 6).replace("\n", " / ").strip())
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- report

def fmt_bytes(n):
    return f"{n:,} B"


def fmt_ms(v):
    return f"{v:.1f} ms" if v >= 10 else f"{v:.2f} ms"


def report(meta, sizes, stats, runs, accel):
    rows = []
    s = sizes
    rows.append(("hello image, as built", fmt_bytes(s["hello"]),
                 f"native Linux: {fmt_bytes(s['native'])}", "-", "-"))
    rows.append(("hello image, stripped", fmt_bytes(s["hello_stripped"]),
                 f"native Linux: {fmt_bytes(s['native_stripped'])}", PEER["size_stripped"],
                 f"<= 400 KB (issue): {verdict(s['hello_stripped'] <= SIZE_GOAL_BYTES)}; "
                 f"< 300 KB, no loader (peer-figures): "
                 f"{verdict(s['hello_stripped'] < SIZE_GOAL_PEER_BYTES)}"))
    for m in ("microvm", "q35"):
        v = stats[f"entry_{m}"]["median"]
        goal = f"<= {ENTRY_GOAL_MS:g} ms (issue, a KVM figure): {verdict(v <= ENTRY_GOAL_MS)}"
        if m == "microvm":
            goal += (f"; < {ENTRY_GOAL_PEER_MS:g} ms from reset (peer-figures): "
                     f"{verdict(v < ENTRY_GOAL_PEER_MS)} from kernel entry")
        rows.append((f"kernel entry to app entry, {m} ({accel.upper()}, in-guest TSC)", fmt_ms(v),
                     "-", PEER[f"entry_{m}"], goal))
    native = stats["native"]["median"]
    for m in ("microvm", "q35"):
        v = stats[f"wall_{m}"]["median"]
        q = stats[f"qemu_null_{m}"]["median"]
        rows.append((f"hello, whole `eremit run` process, {m}", fmt_ms(v),
                     f"bare QEMU, null guest: {fmt_ms(q)}; native Linux hello: {fmt_ms(native)}",
                     PEER[f"wall_{m}"],
                     f"< {WALL_GOAL_MS[m]:g} ms: {verdict(v < WALL_GOAL_MS[m])}"))
    for m in ("microvm", "q35"):
        v = stats[f"wall_{m}"]["median"] - stats[f"eremit_null_{m}"]["median"]
        rows.append((f"hello minus null guest, both `eremit run`, {m} (kernel + app share)",
                     f"{v:+.1f} ms", "-", "-", "-"))
    for m in ("microvm", "q35"):
        v = stats[f"eremit_null_{m}"]["median"]
        q = stats[f"qemu_null_{m}"]["median"]
        rows.append((f"null guest, `eremit run` vs bare QEMU, {m} (runner overhead)",
                     f"{fmt_ms(v)} ({v - q:+.1f} ms)", f"bare QEMU: {fmt_ms(q)}", "-", "-"))
    rows.append(("hello, native Linux process (reference)", "-", fmt_ms(native), "-", "-"))

    lines = [
        "# Eremit benchmarks",
        "",
        f"{meta['date']}, commit {meta['commit']}; host: {meta['host_cpu']}, "
        f"{meta['host_cpus']} CPUs; {meta['qemu']}; accelerator {accel.upper()} for all guests.",
        f"Times are medians of {runs} runs (after one warm-up run), run round-robin; "
        "see results.json for all samples with min and max.",
        "",
    ]
    lines += md_table(("metric", "Eremit", "native Linux or QEMU baseline", "peer (Hermit)",
                       "goal"), rows)
    lines += [
        "",
        "Notes:",
        f"- QEMU options are those of `eremit run` (`-m 512M -smp 1 -cpu {meta['cpu_model']}`, "
        "microvm with `x-option-roms=off,pit=off,pic=off,rtc=on,auto-kernel-cmdline=off,acpi=off`); "
        "the peer figures used the same machine options but `-cpu Skylake-Client`.",
        "- The bare QEMU baseline boots the null guest (the runner's test guest in mode 5), which exits through "
        "isa-debug-exit at its first instructions, with the same devices as `eremit run` "
        "(null chardevs): it is QEMU's own start-up and quit cost.",
        "- Kernel entry to app entry is the kernel's own TSC measurement from its first "
        "instruction; the peer's 100 ms is counted from reset, so it also includes firmware "
        "and its loader. The 1 ms goal is a KVM figure; these runs use "
        f"{accel.upper()}.",
        "- Wall times include Python's fork/exec of the process; native Linux is "
        "`rustc -O` of examples-rust/hello/src/main.rs.",
    ]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=10, help="timed runs per configuration (default 10)")
    ap.add_argument("--accel", choices=("tcg", "kvm"), default="tcg",
                    help="accelerator for every guest (default tcg, as the peer figures)")
    ap.add_argument("--micro-runs", type=int, default=5,
                    help="process runs of the microbenchmarks per configuration (default 5; "
                         "0 skips them)")
    ap.add_argument("--net-bench", action=argparse.BooleanOptionalAction, default=True,
                    help="network benchmarks against a Linux guest (default on; skipped with "
                         "a message when they cannot be set up)")
    ap.add_argument("--net-runs", type=int, default=3,
                    help="runs of the network benchmarks per guest (default 3)")
    ap.add_argument("--net-mode", choices=("auto", "tap", "user"), default="auto",
                    help="network for them: tap (namespace + tap devices, root), user "
                         "(QEMU's user network), auto: tap, else user (default)")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.micro_runs < 0:
        ap.error("--micro-runs must not be negative")
    micro = args.micro_runs > 0
    qemu = os.environ.get("EREMIT_QEMU", "qemu-system-x86_64")
    started = time.monotonic()
    try:
        require_tools(qemu)
        os.makedirs(OUT, exist_ok=True)
        progress("step 1/9: building the runner (cargo build -p eremit)")
        build_runner()
        progress("step 2/9: building the hello example (release, x86_64-unknown-hermit)")
        build_hello()
        progress("step 3/9: building the native hello (rustc -O) and the null guest (as, ld)")
        hello_native = build_native_hello()
        null_guest = build_null_guest()
        if micro:
            progress("step 4/9: building benches/micro natively and for Eremit")
            build_micro()
        progress("step 5/9: measuring image sizes")
        sizes = {
            "hello": os.path.getsize(HELLO),
            "hello_stripped": stripped_size(HELLO, "hello.stripped"),
            "native": os.path.getsize(hello_native),
            "native_stripped": stripped_size(hello_native, "hello-native.stripped"),
        }
        progress(f"hello: {sizes['hello']:,} B as built, {sizes['hello_stripped']:,} B stripped")
        progress(f"step 6/9: timing {args.runs} runs of each configuration ({args.accel})")
        configs = make_configs(qemu, args.accel, hello_native, null_guest)
        samples = measure(configs, args.runs)
        micro_cfgs, micro_samples, micro_errors, micro_load = {}, {}, {}, []
        if micro:
            progress(f"step 7/9: {args.micro_runs} runs of benches/micro natively and in "
                     f"Eremit ({args.accel}, --cpus 1 and 2)")
            micro_cfgs = micro_configs(args.accel)
            micro_samples, micro_errors, micro_load = measure_micro(micro_cfgs, args.micro_runs)
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1
    net = None
    if args.net_bench and args.net_runs > 0:
        progress(f"step 8/9: network: Eremit against a Linux guest ({args.net_runs} runs, "
                 f"{args.accel})")
        net = netbench.run_benchmarks(args.net_runs, args.accel, args.net_mode)
        if not net.get("ok"):
            progress(f"network benchmarks skipped: {net.get('reason')}")
    else:
        progress("step 8/9: network benchmarks not requested (--no-net-bench)")

    progress("step 9/9: writing build/bench/results.md and build/bench/results.json")
    stats = {}
    for name, s in samples.items():
        stats[name] = summary(s["value_ms"] if s["value_ms"] else s["wall_ms"])
    qemu_version = (subprocess.run([qemu, "--version"], capture_output=True, text=True)
                    .stdout.splitlines() or [qemu])[0]
    meta = {
        "date": now_iso(),
        "commit": git_commit(),
        "host_cpu": host_cpu(),
        "host_cpus": os.cpu_count(),
        "qemu": qemu_version,
        "accel": args.accel,
        "cpu_model": "max" if args.accel == "tcg" else "host",
        "runs": args.runs,
    }
    text = report(meta, sizes, stats, args.runs, args.accel)
    if micro:
        micro_stats = micro_summary(micro_samples)
        text += micro_report(micro_stats, micro_errors, args.micro_runs, args.accel, micro_load)
    if net is not None:
        text += netbench.report(net)
    units = {"entry": "ms in guest (kernel entry to app entry, TSC)",
             "wall": "ms wall, whole eremit run hello process",
             "qemu_null": "ms wall, bare QEMU with the null guest",
             "eremit_null": "ms wall, eremit run of the null guest",
             "native": "ms wall, native Linux hello process"}
    results = {
        "meta": meta,
        "sizes_bytes": sizes,
        "goals": {"size_stripped_bytes_max": SIZE_GOAL_BYTES,
                  "size_stripped_bytes_peer_figures": SIZE_GOAL_PEER_BYTES,
                  "entry_ms_max": ENTRY_GOAL_MS,
                  "reset_to_app_entry_ms_peer_figures": ENTRY_GOAL_PEER_MS,
                  "wall_ms_max": WALL_GOAL_MS},
        "peer_hermit": {"size_stripped_bytes": 629848, "loader_bytes": 123596,
                        "wall_ms": {"microvm": 142, "q35": 291},
                        "reset_to_app_entry_ms": {"microvm": 100}},
        "times": {name: dict(stats[name], unit=next(u for k, u in units.items()
                                                    if name.startswith(k)),
                             command=configs[name][0])
                  for name in stats},
    }
    if micro:
        results["micro"] = {
            "runs": args.micro_runs,
            "about": "per configuration and benchmark: median (and min, max, every run's "
                     "value) over the process runs of the program's median over its batches; "
                     "parallel_speedup:N is the wall time in ns with N threads",
            "commands": {name: cmd + ([f"(pinned to CPU {sorted(cpus)})"] if cpus else [])
                         for name, (cmd, _, cpus) in micro_cfgs.items()},
            "stats": micro_stats,
            "speedup": speedups(micro_stats),
            "errors": micro_errors,
            "host_loadavg_1min_before_after": micro_load,
            "peer_hermit": {"getpid_ticks": 41, "yield_ticks": 399, "mutex_ns": 9,
                            "alloc_ticks": 12960, "dealloc_ticks": 3968},
            "peer_native": {"getpid_ticks": 340, "yield_ticks": 1269, "mutex_ns": 4,
                            "alloc_ticks": 2747, "dealloc_ticks": 2477},
            "goals": {"getpid_ticks_max": 20, "yield_ticks_max": 200, "mutex_ns_max": 5,
                      "alloc_ticks_max": 2747, "dealloc_ticks_max": 2477,
                      "spawn_join": "<= native Linux (2x faster the goal)",
                      "futex_pingpong": "<= native Linux (2x faster the goal)",
                      "parallel_speedup_min": SPEEDUP_GOAL,
                      "parallel_speedup_ideal": SPEEDUP_IDEAL},
            "samples": micro_samples,
        }
    if net is not None:
        results["network"] = net
    publish("results.md", "results.json", text, results, progress, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
