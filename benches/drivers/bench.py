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

aarch64 (third table, arch_figures.py; --arch-runs N, default 3, 0 skips it): the hello
example and benches/micro built for aarch64-unknown-hermit and benches/c-micro built with
aarch64-hermit-gcc, booted on QEMU's virt (TCG), beside their x86-64 figures and native
x86-64 Linux, in ns: both guests are emulated, so the table compares shapes, not speed.

The parts: builds.py (the runner, tools, stripping), boot_figures.py (first table),
micro_figures.py (second), arch_figures.py (third); bench.py runs them and writes the
results.

Network (fourth table, benches/drivers/netbench.py; --no-net-bench skips it, and it is skipped
with a message when it cannot be set up): the same C server (benches/net/netserver.c) in
Eremit and in a Linux guest (Debian's kernel with a busybox initramfs) under the same QEMU
options, over tap devices in a network namespace made for the run (or QEMU's user
network): TCP throughput both ways (64 MiB), 1-byte request/response latency, boot to
listening, as Eremit / Linux ratios. `python3 benches/drivers/netbench.py` runs it alone.
"""

import argparse
import os
import subprocess
import sys
import time

import netbench
from benchlib import BenchError, OUT, git_commit, host_cpu, now_iso, publish, summary
from boot_figures import (ENTRY_GOAL_MS, ENTRY_GOAL_PEER_MS, HELLO, SIZE_GOAL_BYTES,
                          SIZE_GOAL_PEER_BYTES, WALL_GOAL_MS, build_hello, build_native_hello,
                          build_null_guest, make_configs, measure, report)
import arch_figures
from builds import build_runner, progress, require_tools, stripped_size
from micro_figures import (SPEEDUP_GOAL, SPEEDUP_IDEAL, build_micro, measure_micro,
                           micro_configs, micro_report, micro_summary, speedups)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=10, help="timed runs per configuration (default 10)")
    ap.add_argument("--accel", choices=("tcg", "kvm"), default="tcg",
                    help="accelerator for every guest (default tcg, as the peer figures)")
    ap.add_argument("--micro-runs", type=int, default=5,
                    help="process runs of the microbenchmarks per configuration (default 5; "
                         "0 skips them)")
    ap.add_argument("--arch-runs", type=int, default=3,
                    help="runs of the aarch64 figures per configuration (default 3; 0 skips "
                         "them)")
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
    if args.arch_runs < 0:
        ap.error("--arch-runs must not be negative")
    if args.micro_runs < 0:
        ap.error("--micro-runs must not be negative")
    micro = args.micro_runs > 0
    qemu = os.environ.get("EREMIT_QEMU", "qemu-system-x86_64")
    started = time.monotonic()
    try:
        require_tools(qemu)
        os.makedirs(OUT, exist_ok=True)
        progress("step 1/10: building the runner (cargo build -p eremit)")
        build_runner()
        progress("step 2/10: building the hello example (release, x86_64-unknown-hermit)")
        build_hello()
        progress("step 3/10: building the native hello (rustc -O) and the null guest (as, ld)")
        hello_native = build_native_hello()
        null_guest = build_null_guest()
        if micro:
            progress("step 4/10: building benches/micro natively and for Eremit")
            build_micro()
        progress("step 5/10: measuring image sizes")
        sizes = {
            "hello": os.path.getsize(HELLO),
            "hello_stripped": stripped_size(HELLO, "hello.stripped"),
            "native": os.path.getsize(hello_native),
            "native_stripped": stripped_size(hello_native, "hello-native.stripped"),
        }
        progress(f"hello: {sizes['hello']:,} B as built, {sizes['hello_stripped']:,} B stripped")
        progress(f"step 6/10: timing {args.runs} runs of each configuration ({args.accel})")
        configs = make_configs(qemu, args.accel, hello_native, null_guest)
        samples = measure(configs, args.runs)
        micro_cfgs, micro_samples, micro_errors, micro_load = {}, {}, {}, []
        if micro:
            progress(f"step 7/10: {args.micro_runs} runs of benches/micro natively and in "
                     f"Eremit ({args.accel}, --cpus 1 and 2)")
            micro_cfgs = micro_configs(args.accel)
            micro_samples, micro_errors, micro_load = measure_micro(micro_cfgs, args.micro_runs)
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1
    a64 = None
    if args.arch_runs > 0:
        progress(f"step 8/10: aarch64: hello, benches/micro and benches/c-micro built for "
                 f"aarch64 on virt ({args.arch_runs} runs)")
        try:
            a64 = arch_figures.measure(args.arch_runs, args.accel)
        except BenchError as e:
            a64 = {"ok": False, "reason": str(e).splitlines()[0] if str(e) else "error"}
            progress(f"aarch64 figures skipped: {e}")
    else:
        progress("step 8/10: aarch64 figures not requested (--arch-runs 0)")
    net = None
    if args.net_bench and args.net_runs > 0:
        progress(f"step 9/10: network: Eremit against a Linux guest ({args.net_runs} runs, "
                 f"{args.accel})")
        net = netbench.run_benchmarks(args.net_runs, args.accel, args.net_mode)
        if not net.get("ok"):
            progress(f"network benchmarks skipped: {net.get('reason')}")
    else:
        progress("step 9/10: network benchmarks not requested (--no-net-bench)")

    progress("step 10/10: writing build/bench/results.md and build/bench/results.json")
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
    micro_stats = None
    if micro:
        micro_stats = micro_summary(micro_samples)
        text += micro_report(micro_stats, micro_errors, args.micro_runs, args.accel, micro_load)
    if a64 is not None:
        text += arch_figures.report(a64, sizes, stats, micro_stats)
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
    if a64 is not None:
        results["aarch64"] = a64
    if net is not None:
        results["network"] = net
    publish("results.md", "results.json", text, results, progress, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
