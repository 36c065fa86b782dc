"""The aarch64 figures beside x86-64's (benches/drivers/bench.py's aarch64 table): the same
programs built for aarch64 (the Rust hello and benches/micro for aarch64-unknown-hermit,
benches/c-micro with aarch64-hermit-gcc) and booted by `eremit run` on QEMU's `virt`,
next to their x86-64 builds on microvm and native x86-64 Linux. Both guests run under
TCG on this x86-64 host, so the table compares shapes (which operations are dear, how
the two kernels scale), not the architectures' speed.

Times are in ns (or ms) from each guest's clock: the cycle counters differ (the TSC at
the host's rate, aarch64's virtual counter at its own), so ticks are not comparable.
The x86-64 Eremit and native figures of the Rust programs are the first two tables'
(same run); the C micro-benchmark runs here in all three forms, round-robin."""

import os
import shutil
import statistics

from benchlib import (BenchError, EREMIT, HERMIT_CC, OUT, ROOT, json_lines, load_note, loadavg,
                      md_table, one_line, rel, round_robin, run_checked, run_process, tail)
from boot_figures import ENTRY_RE, EXAMPLES, HELLO_OUTPUT, fmt_bytes, fmt_ms
from builds import progress
from micro_figures import MICRO_DIR, fmt_micro

TARGET = "aarch64-unknown-hermit"
HELLO = os.path.join(EXAMPLES, "target", TARGET, "release", "hello")
MICRO = os.path.join(MICRO_DIR, "target", TARGET, "release", "micro")
A64_CC = os.path.join(ROOT, "build", "toolchain", "bin", "aarch64-hermit-gcc")
C_SRC = os.path.join(ROOT, "benches", "c-micro", "c-micro.c")
BUILD = os.path.join(OUT, "aarch64")
C_IMAGES = {"x86_64": os.path.join(BUILD, "c-micro-x86_64"),
            "aarch64": os.path.join(BUILD, "c-micro-aarch64")}
C_NATIVE = os.path.join(BUILD, "c-micro-native")
C_FLAGS = ["-O2", "-pthread", "-Wall", "-Wextra"]
C_SCALE = "0.2"             # the C program's iteration counts (per-operation figures stay)
RUN_TIMEOUT = 60            # seconds for a hello run
MICRO_TIMEOUT = 240         # seconds for one run of a micro program

# The Rust micro benchmarks run (`alloc` prints alloc and dealloc) and the lines they print.
MICRO_ARGS = ["getpid", "alloc", "spawn_join", "futex_pingpong"]
MICRO_LINES = ["getpid", "alloc", "dealloc", "spawn_join", "futex_pingpong"]
# bench.py's native configuration to compare each with (two-thread ones pinned to a CPU,
# as the guests have one vCPU).
MICRO_NATIVE = {"spawn_join": "native_1cpu", "futex_pingpong": "native_1cpu"}
C_ARGS = ["getpid", "malloc_4k", "pthread_create_join", "condvar_pingpong"]
C_LINES = ["getpid", "malloc_4k", "free_4k", "pthread_create_join", "condvar_pingpong"]

TITLES = {
    "getpid": "getpid, per call",
    "alloc": "allocation, random 64 B-32 KiB, per call",
    "dealloc": "deallocation, same sizes, per call",
    "spawn_join": "thread::spawn + join, per pair, 1 CPU",
    "futex_pingpong": "Mutex+Condvar (futex) ping-pong, per round trip, 1 CPU",
    "c:getpid": "C: getpid(), per call",
    "c:malloc_4k": "C: malloc, random 16 B-4 KiB, per call",
    "c:free_4k": "C: free, same blocks, per call",
    "c:pthread_create_join": "C: pthread_create + pthread_join, per pair, 1 CPU",
    "c:condvar_pingpong": "C: mutex + condition variable ping-pong, per round trip, 1 CPU",
}


def ns_of(rec):
    """A micro program's result line (or its summary) in ns, whatever its primary unit."""
    if rec.get("unit") == "ns":
        return rec["median"]
    return rec.get("median_ns", rec.get("other_median"))


def strip_tool():
    for tool in ("aarch64-hermit-strip", "aarch64-linux-gnu-strip", "llvm-strip"):
        path = os.path.join(ROOT, "build", "toolchain", "bin", tool)
        if os.path.exists(path):
            return path
        if shutil.which(tool):
            return tool
    return None


def build():
    """Builds what the table needs; returns (what was built, why the rest was not)."""
    os.makedirs(BUILD, exist_ok=True)
    built, missing = set(), []
    std = ["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=compiler-builtins-mem"]
    try:
        run_checked(f"building the hello example for {TARGET}",
                    ["cargo", "build", "--release", "-p", "hello", "--target", TARGET],
                    cwd=EXAMPLES, timeout=3600)
        built.add("hello")
        run_checked(f"building benches/micro for {TARGET}",
                    ["cargo", "build", "--release"] + std + ["--target", TARGET],
                    cwd=MICRO_DIR, timeout=3600)
        built.add("micro")
    except BenchError as e:
        missing.append(f"Rust for {TARGET}: {one_line(str(e))[:300]}")
    compilers = {"x86_64": HERMIT_CC, "aarch64": A64_CC}
    absent = [rel(cc) for cc in compilers.values() if not os.path.exists(cc)]
    if absent:
        missing.append(f"C: {', '.join(absent)} missing (make toolchain-c)")
    else:
        for arch, cc in compilers.items():
            run_checked(f"building benches/c-micro with {os.path.basename(cc)}",
                        [cc] + C_FLAGS + ["-o", C_IMAGES[arch], C_SRC])
        run_checked("building benches/c-micro natively", ["gcc"] + C_FLAGS + ["-o", C_NATIVE, C_SRC])
        built.add("c")
    return built, missing


def configs(built, accel):
    """name -> (command, CPUs to pin it to or None, parse(stdout, stderr) -> sample)."""
    eremit = [EREMIT, "run", "--accel", "tcg"]
    one_cpu = {min(os.sched_getaffinity(0))}

    def entry(out, err):
        if out != HELLO_OUTPUT:
            raise BenchError(f"hello printed {out!r}\n{tail(err)}")
        m = ENTRY_RE.search(err)
        if not m:
            raise BenchError(f"no 'entering the application after N us' line:\n{tail(err)}")
        return int(m.group(1)) / 1000.0

    def hello(out, err):
        if out != HELLO_OUTPUT:
            raise BenchError(f"hello printed {out!r}\n{tail(err)}")
        return None

    def results(lines):
        def parse(out, err):
            recs = {r["bench"]: r for r in json_lines(out) if "bench" in r and "error" not in r}
            absent = [b for b in lines if b not in recs]
            if absent:
                raise BenchError(f"no result for {', '.join(absent)}:\n{tail(out + err)}")
            return {b: ns_of(recs[b]) for b in lines}
        return parse

    cfgs = {}
    if "hello" in built:
        cfgs["entry"] = (eremit + ["--timeout", str(RUN_TIMEOUT - 10), "--verbose", HELLO],
                         None, entry)
        cfgs["wall"] = (eremit + ["--timeout", str(RUN_TIMEOUT - 10), HELLO], None, hello)
    if "micro" in built:
        cfgs["micro"] = (eremit + ["--timeout", str(MICRO_TIMEOUT - 10), "--cpus", "1", MICRO]
                         + MICRO_ARGS, None, results(MICRO_LINES))
    if "c" in built:
        c_args = ["--scale", C_SCALE] + C_ARGS
        cfgs["c_x86_64"] = ([EREMIT, "run", "--accel", accel, "--machine", "microvm",
                             "--timeout", str(MICRO_TIMEOUT - 10), "--cpus", "1",
                             C_IMAGES["x86_64"]] + c_args, None, results(C_LINES))
        cfgs["c_aarch64"] = (eremit + ["--timeout", str(MICRO_TIMEOUT - 10), "--cpus", "1",
                                       C_IMAGES["aarch64"]] + c_args, None, results(C_LINES))
        cfgs["c_native"] = ([C_NATIVE] + c_args, one_cpu, results(C_LINES))
    return cfgs


def measure(runs, accel):
    """Builds and runs; returns the results.json section (with "ok": False and a reason
    when nothing could be built)."""
    built, missing = build()
    cfgs = configs(built, accel)
    if not cfgs:
        return {"ok": False, "reason": "; ".join(missing)}
    sizes = {}
    if "hello" in built and strip_tool():
        tool = strip_tool()
        dest = os.path.join(BUILD, "hello.stripped")
        run_checked(f"stripping {rel(HELLO)}", [tool, "-o", dest, HELLO])
        sizes = {"hello": os.path.getsize(HELLO), "hello_stripped": os.path.getsize(dest)}

    def run_one(name, cfg, number, tag):
        cmd, cpus, parse = cfg
        timeout = RUN_TIMEOUT if name in ("entry", "wall") else MICRO_TIMEOUT
        r = run_process(cmd, timeout, cpus=cpus)
        if r.code != 0:
            code = "timed out" if r.code is None else f"exit code {r.code}"
            raise BenchError(f"{code}\n{tail(r.out + r.err)}")
        return {"wall_ms": r.wall * 1000.0, "value": parse(r.out, r.err)}

    def on_error(name, cfg, number, tag, e):
        progress(f"warning: aarch64 figures, {name} failed, not running it again: {e}")
        return f"{tag}: {one_line(str(e))[:400]}"

    load = [loadavg()]
    samples, errors = round_robin(cfgs, runs, run_one, progress, label="aarch64 run",
                                  on_error=on_error)
    load.append(loadavg())
    stats = {}
    for name, rs in samples.items():
        if not rs:
            continue
        if name == "wall":
            stats[name] = statistics.median(s["wall_ms"] for s in rs)
        elif name == "entry":
            stats[name] = statistics.median(s["value"] for s in rs)
        else:
            stats[name] = {b: statistics.median(s["value"][b] for s in rs) for b in rs[0]["value"]}
    return {"ok": True, "runs": runs, "loadavg": load, "sizes_bytes": sizes, "stats": stats,
            "errors": errors,
            "not_built": missing, "samples": samples,
            "commands": {n: [rel(a) for a in c[0]] for n, c in cfgs.items()}}


def fmt(v, unit):
    if v is None:
        return "-"
    return {"B": fmt_bytes, "ms": fmt_ms}.get(unit, lambda v: fmt_micro(v, "ns"))(v)


def report(a64, sizes, stats, micro_stats):
    """The table; `sizes` and `stats` are bench.py's first table's, `micro_stats` its
    second's (None when skipped)."""
    lines = ["", "## aarch64 beside x86-64", ""]
    if not a64.get("ok"):
        return "\n".join(lines + [f"Skipped: {a64.get('reason')}", ""]) + "\n"
    s = a64["stats"]
    rows = []

    def row(title, x86, arm, native, unit):
        ratio = f"{arm / x86:.2f}" if x86 and arm else "-"
        rows.append((title, fmt(x86, unit), fmt(arm, unit), ratio, fmt(native, unit)))

    a64_sizes = a64["sizes_bytes"]
    row("hello image, stripped", sizes.get("hello_stripped"), a64_sizes.get("hello_stripped"),
        sizes.get("native_stripped"), "B")
    row("hello: kernel entry to application entry (in-guest clock)",
        stats.get("entry_microvm", {}).get("median"), s.get("entry"), None, "ms")
    row("hello: whole `eremit run` process", stats.get("wall_microvm", {}).get("median"),
        s.get("wall"), stats.get("native", {}).get("median"), "ms")
    micro = s.get("micro", {})
    for key in MICRO_LINES:
        x86 = micro_stats.get("eremit_1cpu", {}).get(key) if micro_stats else None
        nat = micro_stats.get(MICRO_NATIVE.get(key, "native"), {}).get(key) if micro_stats else None
        row(TITLES[key], ns_of(x86) if x86 else None, micro.get(key),
            ns_of(nat) if nat else None, "ns")
    for key in C_LINES:
        row(TITLES[f"c:{key}"], s.get("c_x86_64", {}).get(key), s.get("c_aarch64", {}).get(key),
            s.get("c_native", {}).get(key), "ns")
    lines += [
        f"Medians of {a64['runs']} runs, round-robin. x86-64: Eremit on microvm; aarch64: "
        "Eremit on `virt` (GICv2, `-cpu max`); both guests under TCG on this x86-64 host, "
        "1 vCPU; native: x86-64 Linux on the host (the two-thread rows pinned to one CPU). "
        "Both guests are emulated, so compare shapes (the ratio across rows), not absolute "
        "speed.",
        "",
    ]
    lines += md_table(("benchmark", "x86-64 Eremit", "aarch64 Eremit", "aarch64 / x86-64",
                       "native x86-64 Linux"), rows)
    lines += [
        "",
        "Notes:",
        "- The Rust rows' x86-64 and native figures are the microbenchmark table's (benches/"
        f"micro); the C rows (benches/c-micro, `--scale {C_SCALE}`) ran here in all three "
        "forms. Times are ns from each program's monotonic clock (the cycle counters differ "
        "between the architectures).",
        "- getpid: in both Eremit builds `sys_getpid` is a function of two instructions "
        "(x86-64's naked, aarch64's compiled to `mov w0, #1; ret`); natively a system call. "
        "Under TCG both guests' code is translated, so a row far from the others' ratio "
        "points at a kernel path, not at the emulation.",
    ]
    lines.append("- " + load_note(a64, ": under load, wall times and the two-thread rows "
                                     "vary most"))
    for name, err in a64.get("errors", {}).items():
        lines.append(f"- {name} failed ({' '.join(a64['commands'][name])}): {err}")
    for what in a64.get("not_built", []):
        lines.append(f"- Not built: {what}")
    return "\n".join(lines) + "\n"
