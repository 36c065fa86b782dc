#!/usr/bin/env python3
"""Eremit benchmarks (`make bench`): size, boot time and process wall time of the Rust std
hello example, measured in one run next to a native Linux build of the same program and a
bare QEMU running a null guest with the same machine options, against the peer (Hermit)
figures of /work/shared/peer-figures.md.

Writes a Markdown table to stdout and to build/bench/results.md, and the raw samples to
build/bench/results.json. Progress goes to stderr. Python 3 standard library only.

Measurements (medians of --runs samples, default 10, after one discarded warm-up run;
the configurations are run round-robin so that they see the same host conditions):
  * hello image size, as built and stripped (`strip`, else `objcopy --strip-all`);
  * in-guest time from the kernel's first instruction to the application entry, parsed
    from the line `eremit: entering the application after N us` of `eremit run --verbose`;
  * wall time of the whole `eremit run hello` process, microvm and q35;
  * wall time of a bare QEMU booting benches/null-guest.S (which exits at once) with the
    options `eremit run` uses, to isolate QEMU's own start-up and quit cost, and of
    `eremit run` booting that null guest (the runner's own overhead);
  * wall time of a native Linux build of examples-rust/hello/src/main.rs (`rustc -O`).
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench")
EREMIT = os.path.join(ROOT, "build", "toolchain", "bin", "eremit")
EREMIT_BUILT = os.path.join(ROOT, "target", "debug", "eremit")
EXAMPLES = os.path.join(ROOT, "examples-rust")
HELLO_SRC = os.path.join(EXAMPLES, "hello", "src", "main.rs")
HELLO = os.path.join(EXAMPLES, "target", "x86_64-unknown-hermit", "release", "hello")
NULL_SRC = os.path.join(ROOT, "benches", "null-guest.S")
NULL_LD = os.path.join(ROOT, "benches", "null-guest.ld")
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


class BenchError(Exception):
    pass


def progress(text):
    print(f"bench: {text}", file=sys.stderr, flush=True)


def tail(text, lines=25):
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run_checked(what, cmd, cwd=ROOT, timeout=900):
    """Runs a build step; raises BenchError with the output's tail when it fails."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
    except FileNotFoundError:
        raise BenchError(f"{what}: command not found: {cmd[0]}")
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what}: timed out after {timeout} s: {' '.join(cmd)}")
    if p.returncode != 0:
        raise BenchError(f"{what} failed (exit code {p.returncode}): {' '.join(cmd)}\n"
                         f"{tail(p.stdout + p.stderr)}")
    return p


def timed(cmd, env=None):
    """Runs cmd to completion; returns (seconds, exit code, stdout, stderr)."""
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                           timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {RUN_TIMEOUT} s: {' '.join(cmd)}")
    secs = time.perf_counter() - start
    return secs, p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


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
    run_checked("assembling benches/null-guest.S", ["as", "--64", "-o", obj, NULL_SRC])
    run_checked("linking the null guest", ["ld", "-T", NULL_LD, "-o", elf, obj])
    return elf


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
            code_check(1, f"bare QEMU ({m}) with the null guest"))
        configs[f"eremit_null_{m}"] = (eremit_base + ["--machine", m, null_guest],
                                       code_check(0, f"eremit run --machine {m} of the null guest"))

    def native_check(code, out, err):
        if code != 0 or out != HELLO_OUTPUT:
            raise BenchError(f"native hello: exit code {code}, stdout {out!r}")
        return None
    configs["native"] = ([hello_native], native_check)
    return configs


def measure(configs, runs):
    samples = {name: {"wall_ms": [], "value_ms": []} for name in configs}
    for i in range(runs + 1):
        label = "warm-up" if i == 0 else f"run {i}/{runs}"
        progress(f"{label}: " + ", ".join(configs))
        for name, (cmd, check) in configs.items():
            try:
                secs, code, out, err = timed(cmd)
                value = check(code, out, err)
            except BenchError as e:
                raise BenchError(f"{label}, {name}: {e}\ncommand: {' '.join(cmd)}")
            if i == 0:
                continue
            samples[name]["wall_ms"].append(secs * 1000.0)
            if value is not None:
                samples[name]["value_ms"].append(value)
    return samples


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "samples": [round(v, 3) for v in values]}


# ---------------------------------------------------------------------------- report

def fmt_bytes(n):
    return f"{n:,} B"


def fmt_ms(v):
    return f"{v:.1f} ms" if v >= 10 else f"{v:.2f} ms"


def verdict(ok):
    return "met" if ok else "NOT met"


def git_commit():
    try:
        p = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                           capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return p.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown"


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


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
        "| metric | Eremit | native Linux or QEMU baseline | peer (Hermit) | goal |",
        "|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines += [
        "",
        "Notes:",
        f"- QEMU options are those of `eremit run` (`-m 512M -smp 1 -cpu {meta['cpu_model']}`, "
        "microvm with `x-option-roms=off,pit=off,pic=off,rtc=on,auto-kernel-cmdline=off,acpi=off`); "
        "the peer figures used the same machine options but `-cpu Skylake-Client`.",
        "- The bare QEMU baseline boots benches/null-guest.S, which exits through "
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
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    qemu = os.environ.get("EREMIT_QEMU", "qemu-system-x86_64")
    started = time.monotonic()
    try:
        require_tools(qemu)
        os.makedirs(OUT, exist_ok=True)
        progress("step 1/6: building the runner (cargo build -p eremit)")
        build_runner()
        progress("step 2/6: building the hello example (release, x86_64-unknown-hermit)")
        build_hello()
        progress("step 3/6: building the native hello (rustc -O) and the null guest (as, ld)")
        hello_native = build_native_hello()
        null_guest = build_null_guest()
        progress("step 4/6: measuring image sizes")
        sizes = {
            "hello": os.path.getsize(HELLO),
            "hello_stripped": stripped_size(HELLO, "hello.stripped"),
            "native": os.path.getsize(hello_native),
            "native_stripped": stripped_size(hello_native, "hello-native.stripped"),
        }
        progress(f"hello: {sizes['hello']:,} B as built, {sizes['hello_stripped']:,} B stripped")
        progress(f"step 5/6: timing {args.runs} runs of each configuration ({args.accel})")
        configs = make_configs(qemu, args.accel, hello_native, null_guest)
        samples = measure(configs, args.runs)
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1

    progress("step 6/6: writing build/bench/results.md and build/bench/results.json")
    stats = {}
    for name, s in samples.items():
        stats[name] = summary(s["value_ms"] if s["value_ms"] else s["wall_ms"])
    qemu_version = (subprocess.run([qemu, "--version"], capture_output=True, text=True)
                    .stdout.splitlines() or [qemu])[0]
    meta = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": git_commit(),
        "host_cpu": host_cpu(),
        "host_cpus": os.cpu_count(),
        "qemu": qemu_version,
        "accel": args.accel,
        "cpu_model": "max" if args.accel == "tcg" else "host",
        "runs": args.runs,
    }
    text = report(meta, sizes, stats, args.runs, args.accel)
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
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    sys.stdout.write(text)
    progress(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
