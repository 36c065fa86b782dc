#!/usr/bin/env python3
"""Eremit C++, Fortran and OpenMP benchmarks: the programs of benches/cxx-fortran, each
built natively (host g++ / gfortran / gcc -O2) and for Eremit (x86_64-hermit-g++ /
-gfortran / -gcc -O2), run natively and in Eremit in one go.

Writes a Markdown report to stdout and to build/bench/results-cxx-fortran.md, and every
sample to build/bench/results-cxx-fortran.json. Progress goes to stderr. Python 3 standard
library only. Needs the C toolchain with GCC's target libraries (`make toolchain-c`), the
host's g++, gfortran and gcc, and QEMU.

  * sort_hash.cpp   std::sort of 2 million ints, then std::unordered_map counts of them;
  * matmul.f90      a 500 x 500 matrix product with loops, then 200 Jacobi sweeps;
  * omp_mandel.c    an OpenMP parallel loop (Mandelbrot escape counts, 1200 x 1200).

Each program times its own kernel (monotonic clock), checks its result and prints one JSON
line; a run that fails its check, crashes or times out marks its configuration failed
(not run again) and makes this script exit with 1 after writing the report. The figures
are medians over --runs process runs (default 3) per configuration, run round-robin so
that every configuration sees the same host conditions:
  cxx_native / fortran_native     the host build;
  cxx_eremit / fortran_eremit     `eremit run --cpus 1` (microvm, --accel, default TCG);
  cxx_tcg / fortran_tcg           the host build under `qemu-x86_64` (user-mode TCG, when
                                  installed): the same translation without a guest kernel,
                                  to tell TCG's share of a gap from Eremit's;
  omp_native_1t / omp_native_2t   the host build with OMP_NUM_THREADS=1 and =2;
  omp_eremit_1cpu / _2cpu         `eremit run --cpus 1` and `--cpus 2`, OMP_NUM_THREADS
                                  unset (libgomp starts one thread per CPU it finds).
"""

import argparse
import os
import shutil
import statistics
import sys
import time

from benchlib import (BenchError, EREMIT, OUT, ROOT, add_run_options, describe_exit,
                      failure_note, fmt_ratio, json_lines, load_note, loadavg, make_progress,
                      md_table, publish, qemus, rel, report_text, require_qemu, round_robin,
                      run_checked, run_meta, run_process, tail)

SRC = os.path.join(ROOT, "benches", "cxx-fortran")
BUILD = os.path.join(OUT, "cxx-fortran")
TOOLBIN = os.path.join(ROOT, "build", "toolchain", "bin")

# program -> (source, host compiler, Eremit compiler, flags, JSON "bench" name)
PROGRAMS = {
    "cxx": ("sort_hash.cpp", "g++", "x86_64-hermit-g++", ["-O2", "-Wall", "-Wextra"],
            "cxx_sort_hash"),
    "fortran": ("matmul.f90", "gfortran", "x86_64-hermit-gfortran", ["-O2", "-Wall"],
                "fortran_matmul_jacobi"),
    "omp": ("omp_mandel.c", "gcc", "x86_64-hermit-gcc", ["-O2", "-Wall", "-Wextra", "-fopenmp"],
            "omp_mandel"),
}
# Program arguments: the defaults (about 0.25 s, 0.1 s and 1 s natively on an idle core;
# under TCG about 10x, 30x and 17x that) and --quick's (a check of the driver itself).
ARGS = {"cxx": [], "fortran": [], "omp": []}
QUICK_ARGS = {"cxx": ["200000"], "fortran": ["120", "20"], "omp": ["300", "300", "200"]}
# Sub-timings each program prints next to its total "ms".
PARTS = {"cxx": [("sort_ms", "std::sort part"), ("hash_ms", "std::unordered_map part")],
         "fortran": [("matmul_ms", "matrix product part"), ("jacobi_ms", "Jacobi part")],
         "omp": []}
# The value that must be the same in every configuration of a program.
CHECK_KEY = {"cxx": "checksum", "fortran": "checksum", "omp": "total"}

NATIVE_TIMEOUT = 60
EREMIT_TIMEOUT = 180    # seconds for one `eremit run` (the 1-vCPU OpenMP run: ~15 s on TCG)
SPREAD_NOTE = 1.25      # the notes list configurations whose runs differ by more than this

progress = make_progress("bench-cxx-fortran")


def binary(prog, where):
    return os.path.join(BUILD, f"{os.path.splitext(PROGRAMS[prog][0])[0]}-{where}")


# ---------------------------------------------------------------------------- builds

def build():
    missing = [rel(os.path.join(TOOLBIN, PROGRAMS[p][2])) for p in PROGRAMS
               if not os.path.exists(os.path.join(TOOLBIN, PROGRAMS[p][2]))]
    if not os.path.exists(EREMIT):
        missing.append(rel(EREMIT))
    if missing:
        raise BenchError(f"missing {', '.join(missing)}: run `make toolchain-c` first")
    host = [PROGRAMS[p][1] for p in PROGRAMS if shutil.which(PROGRAMS[p][1]) is None]
    if host:
        raise BenchError(f"missing the host's {', '.join(host)} (scripts/ensure-deps.sh "
                         "installs them)")
    os.makedirs(BUILD, exist_ok=True)
    cmds = {}
    for prog, (src, cc, hermit_cc, flags, _) in PROGRAMS.items():
        path = os.path.join(SRC, src)
        native = [cc] + flags + ["-o", binary(prog, "native"), path]
        eremit = [os.path.join(TOOLBIN, hermit_cc)] + flags + ["-o", binary(prog, "eremit"), path]
        run_checked(f"building {src} natively", native, cwd=BUILD)
        run_checked(f"building {src} for Eremit", eremit, cwd=BUILD)
        cmds[prog] = {"native": [rel(a) for a in native], "eremit": [rel(a) for a in eremit]}
    return cmds


# ---------------------------------------------------------------------------- runs

def clean_env(**extra):
    """The host environment without OpenMP settings (a user's OMP_NUM_THREADS would
    decide the native thread counts), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    env.update(extra)
    return env


def make_configs(accel, qemu_user, args):
    def eremit(prog, cpus):
        return [EREMIT, "run", "--accel", accel, "--machine", "microvm", "--cpus", str(cpus),
                "--timeout", str(EREMIT_TIMEOUT - 10), binary(prog, "eremit")] + args[prog]

    def cfg(prog, cmd, what, env=None, timeout=NATIVE_TIMEOUT):
        return {"prog": prog, "cmd": cmd, "env": env or clean_env(), "what": what,
                "timeout": timeout}

    cfgs = {}
    for prog in ("cxx", "fortran"):
        cfgs[f"{prog}_native"] = cfg(prog, [binary(prog, "native")] + args[prog],
                                     "native Linux")
        cfgs[f"{prog}_eremit"] = cfg(prog, eremit(prog, 1), "Eremit, --cpus 1",
                                     timeout=EREMIT_TIMEOUT)
        if qemu_user:
            cfgs[f"{prog}_tcg"] = cfg(prog, [qemu_user, binary(prog, "native")] + args[prog],
                                      "the native build under qemu-x86_64 (user-mode TCG)",
                                      timeout=EREMIT_TIMEOUT)
    for n in (1, 2):
        cfgs[f"omp_native_{n}t"] = cfg("omp", [binary("omp", "native")] + args["omp"],
                                       f"native Linux, OMP_NUM_THREADS={n}",
                                       env=clean_env(OMP_NUM_THREADS=str(n)))
    for n in (1, 2):
        cfgs[f"omp_eremit_{n}cpu"] = cfg("omp", eremit("omp", n),
                                         f"Eremit, --cpus {n}, OMP_NUM_THREADS unset",
                                         timeout=EREMIT_TIMEOUT)
    return cfgs


def run_one(name, cfg, number, label):
    r = run_process(cfg["cmd"], cfg["timeout"], env=cfg["env"])
    want = PROGRAMS[cfg["prog"]][4]
    recs = [rec for rec in json_lines(r.out) if rec.get("bench") == want]
    if r.code != 0 or len(recs) != 1 or recs[0].get("ok") is not True:
        why = describe_exit(r.code, cfg["timeout"])
        if r.code == 0:
            why = "no result line" if not recs else "its check failed"
        raise BenchError(f"{why}; output:\n{tail(r.out + r.err, 8)}")
    return {"rec": recs[0], "wall_s": round(r.wall, 3), "cpu_s": round(r.cpu, 3)}


def on_error(name, cfg, number, label, e):
    progress(f"warning: {name} failed, not running it again: {e}")
    return f"run {number}: {e}"


def summarise(samples):
    """config -> median (and min, max, every run) of the program's own "ms" and its parts,
    median wall and host CPU seconds of the process, and what every run reported."""
    stats = {}
    for name, runs in samples.items():
        if not runs:
            continue
        recs = [s["rec"] for s in runs]
        ms = [r["ms"] for r in recs]
        e = {"median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms),
             "runs_ms": ms,
             "wall_s": statistics.median(s["wall_s"] for s in runs),
             "host_cpu_s": statistics.median(s["cpu_s"] for s in runs)}
        for key in recs[0]:
            if key.endswith("_ms"):
                e[f"median_{key}"] = statistics.median(r[key] for r in recs)
        for key in ("threads", "cpus", "checksum", "total", "n", "distinct", "max_rel_err",
                    "sweeps", "width", "height", "maxiter"):
            if key in recs[0]:
                vals = sorted({str(r[key]) for r in recs})
                e[key] = recs[0][key] if len(vals) == 1 else vals
        stats[name] = e
    return stats


# ---------------------------------------------------------------------------- report

def fmt_ms(v):
    return f"{v / 1000:.2f} s" if v >= 1000 else f"{v:.0f} ms" if v >= 10 else f"{v:.1f} ms"


def speedup(stats, one, two):
    a, b = stats.get(one), stats.get(two)
    return a["median_ms"] / b["median_ms"] if a and b else None


def round_speedups(stats, one, two):
    """The speedup within each round: the two runs of a round are back to back, so they
    share the host's load of the moment better than the medians over all rounds do."""
    a, b = stats.get(one), stats.get(two)
    if not (a and b) or len(a["runs_ms"]) != len(b["runs_ms"]):
        return []
    return [round(x / y, 2) for x, y in zip(a["runs_ms"], b["runs_ms"])]


def report(meta, stats, failed, cfgs):
    def cell(name, key="median_ms"):
        e = stats.get(name)
        if e is None:
            return "failed (see notes)" if name in failed else "-"
        return fmt_ms(e[key])

    def ratio(a, b, key="median_ms"):
        ea, eb = stats.get(a), stats.get(b)
        return fmt_ratio(ea[key], eb[key]) if ea and eb else "-"

    def size(name, *keys):
        e = stats.get(name, {})
        return [e.get(k, "?") for k in keys]

    rows = []
    n_ints, = size("cxx_native", "n")
    n_mat, sweeps = size("fortran_native", "n", "sweeps")
    width, height = size("omp_native_1t", "width", "height")
    titles = {"cxx": f"C++: std::sort + std::unordered_map, {n_ints:,} ints"
                     if isinstance(n_ints, int) else "C++: std::sort + std::unordered_map",
              "fortran": f"Fortran: {n_mat}x{n_mat} matmul (loops) + {sweeps} Jacobi sweeps"}
    for prog in ("cxx", "fortran"):
        tcg = f"{prog}_tcg" in cfgs
        parts = [("median_ms", titles[prog])] + [(f"median_{k}", f"... {t}")
                                                 for k, t in PARTS[prog]]
        for key, title in parts:
            t = "-"
            if tcg:
                t = cell(f"{prog}_tcg", key)
                if stats.get(f"{prog}_tcg") and stats.get(f"{prog}_eremit"):
                    t += (f" (Eremit/this: "
                          f"{stats[prog + '_eremit'][key] / stats[prog + '_tcg'][key]:.2f})")
            rows.append((title, cell(f"{prog}_eremit", key), cell(f"{prog}_native", key),
                         ratio(f"{prog}_eremit", f"{prog}_native", key), t))
    rows.append(("OpenMP Mandelbrot, 1 thread (Eremit --cpus 1, native OMP_NUM_THREADS=1)",
                 cell("omp_eremit_1cpu"), cell("omp_native_1t"),
                 ratio("omp_eremit_1cpu", "omp_native_1t"), "-"))

    def threads(name):
        e = stats.get(name)
        return e["threads"] if e else "?"

    es = speedup(stats, "omp_eremit_1cpu", "omp_eremit_2cpu")
    ns = speedup(stats, "omp_native_1t", "omp_native_2t")
    er = round_speedups(stats, "omp_eremit_1cpu", "omp_eremit_2cpu")
    nr = round_speedups(stats, "omp_native_1t", "omp_native_2t")

    def sp(v, per_round):
        if not v:
            return "-"
        return f"{v:.2f}x" + (f" (per round: {', '.join(f'{x:.2f}' for x in per_round)})"
                              if len(per_round) > 1 else "")
    e2 = stats.get("omp_eremit_2cpu")
    omp_rows = [
        (f"Eremit, `--cpus 1` / `--cpus 2` (OMP_NUM_THREADS unset: libgomp ran "
         f"{threads('omp_eremit_1cpu')} / {threads('omp_eremit_2cpu')} threads)",
         cell("omp_eremit_1cpu"), cell("omp_eremit_2cpu"), sp(es, er)),
        ("native Linux, OMP_NUM_THREADS=1 / 2", cell("omp_native_1t"), cell("omp_native_2t"),
         sp(ns, nr)),
    ]

    lines = [
        "# Eremit C++, Fortran and OpenMP benchmarks",
        "",
        f"{meta['date']}, commit {meta['commit']}; host: {meta['host_cpu']}, "
        f"{meta['host_cpus']} CPUs; {meta['qemu']}; Eremit on microvm with "
        f"{meta['accel'].upper()}; {meta['gcc']}.",
        "benches/cxx-fortran built with the host's g++/gfortran/gcc and with "
        "x86_64-hermit-g++/-gfortran/-gcc (GCC 12, newlib + libc-port, libstdc++, "
        "libgfortran, libgomp), -O2 both. Times are each program's own timing of its kernel "
        f"(monotonic clock; start-up excluded), medians of {meta['runs']} process runs per "
        "configuration, run round-robin. Ratio = Eremit / native.",
        "",
    ]
    lines += md_table(("benchmark", "Eremit (1 vCPU)", "native Linux", "ratio (Eremit/native)",
                       "native build under qemu-x86_64 (user-mode TCG)"), rows)
    lines += ["", f"OpenMP parallel loop (Mandelbrot escape counts, {width} x {height}, "
              "`schedule(dynamic)`):", ""]
    lines += md_table(("configuration", "1 CPU / thread", "2 CPUs / threads", "speedup"),
                      omp_rows)

    notes = [
        ("Eremit runs code translated by QEMU's TCG, native Linux runs on the CPU: "
         "floating-point code in particular goes through TCG's software floating point, "
         "so large ratios here are mostly TCG's; the qemu-x86_64 column runs the native "
         "(glibc) build through the same translator without a guest kernel or a guest MMU."
         if meta["accel"] == "tcg" else
         "Eremit runs under QEMU with KVM: guest code runs on the CPU like native Linux's."),
        "Speedup = the 1-CPU (1-thread) time / the 2-CPU (2-thread) time, same work (the "
        "medians; per round: the two runs of each round, which ran back to back). In "
        "Eremit libgomp sizes its team from the CPUs the kernel reports; natively both "
        "threads compete with everything else on the host's "
        f"{meta['host_cpus']} CPUs.",
    ]
    if e2 and e2.get("wall_s"):
        notes.append("The `--cpus 2` OpenMP QEMU process used "
                     f"{e2['host_cpu_s'] / e2['wall_s']:.2f} host CPUs on average over its "
                     "whole run (boot included; 2 is the most it can get).")
    for prog in PROGRAMS:
        key = CHECK_KEY[prog]
        vals = {}
        for name, e in stats.items():
            if cfgs[name]["prog"] == prog and key in e:
                vals.setdefault(str(e[key]), []).append(name)
        if len(vals) > 1:
            notes.append(f"{prog}: the {key} differs between configurations: "
                         + "; ".join(f"{v} ({', '.join(n)})" for v, n in vals.items()) + ".")
        elif vals:
            notes.append(f"{prog}: every configuration's run passed its check and printed "
                         f"the same {key} ({next(iter(vals))}).")
    spread = [f"{name} {fmt_ms(e['min_ms'])} to {fmt_ms(e['max_ms'])}"
              for name, e in stats.items()
              if e["min_ms"] > 0 and e["max_ms"] / e["min_ms"] > SPREAD_NOTE]
    if spread:
        notes.append(f"Configurations whose runs differed by more than {SPREAD_NOTE:g}x "
                     "(lowest to highest; the tables show the median): " + "; ".join(spread)
                     + ".")
    notes.append(load_note(meta, " (above about 0.5 other work shared the CPUs: the figures, "
                                 "and the speedups most, are noisy)"))
    for name, msg in failed.items():
        notes.append(failure_note(name, cfgs[name]["cmd"], msg))
    return report_text(lines, notes)


# ---------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_run_options(ap, 3, "do not run the native builds under qemu-x86_64 even when installed")
    ap.add_argument("--quick", action="store_true",
                    help="small problem sizes: checks the programs and this script in "
                         "seconds; the figures mean little")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    qemu, qemu_user = qemus(args)
    started = time.monotonic()
    try:
        require_qemu(qemu)
        progress("step 1/3: building benches/cxx-fortran natively and for Eremit")
        build_cmds = build()
        cfgs = make_configs(args.accel, qemu_user, QUICK_ARGS if args.quick else ARGS)
        if not qemu_user and not args.no_tcg_reference:
            progress("note: qemu-x86_64 (qemu-user) not found: no user-mode TCG reference")
        progress(f"step 2/3: {args.runs} round-robin runs of " + ", ".join(cfgs))
        load = [loadavg()]
        samples, failed = round_robin(cfgs, args.runs, run_one, progress, on_error=on_error)
        load.append(loadavg())
    except BenchError as e:
        print(f"bench-cxx-fortran: error: {e}", file=sys.stderr)
        return 1

    progress("step 3/3: writing build/bench/results-cxx-fortran.md and .json")
    stats = summarise(samples)
    meta = run_meta(qemu, qemu_user, args, load, quick=args.quick)
    text = report(meta, stats, failed, cfgs)
    results = {
        "meta": meta,
        "about": "stats: per configuration, the median (and min, max, every run's value) of "
                 "the program's own kernel time in ms, medians of its parts, and the median "
                 "wall and host CPU seconds of the whole process. samples: every record the "
                 "program printed.",
        "build": build_cmds,
        "configurations": {name: {"command": [rel(a) for a in c["cmd"]], "what": c["what"],
                                  "env": {k: v for k, v in c["env"].items()
                                          if k.startswith("OMP_")}}
                           for name, c in cfgs.items()},
        "speedup": {"eremit_cpus1_to_2": speedup(stats, "omp_eremit_1cpu", "omp_eremit_2cpu"),
                    "native_threads1_to_2": speedup(stats, "omp_native_1t", "omp_native_2t"),
                    "eremit_per_round": round_speedups(stats, "omp_eremit_1cpu",
                                                       "omp_eremit_2cpu"),
                    "native_per_round": round_speedups(stats, "omp_native_1t",
                                                       "omp_native_2t")},
        "stats": stats,
        "failed": failed,
        "samples": samples,
    }
    publish("results-cxx-fortran.md", "results-cxx-fortran.json", text, results, progress, started)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
