"""The microbenchmarks' figures (benches/drivers/bench.py's second table): benches/micro
natively and in Eremit with 1 and 2 CPUs, and the parser of its JSON lines, which the
aarch64 figures (arch_figures.py) use too."""

import json
import os
import statistics

from benchlib import (BenchError, EREMIT, ROOT, fmt_ratio, md_table, round_robin, run_checked,
                      run_process, tail, verdict)
from builds import progress

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
