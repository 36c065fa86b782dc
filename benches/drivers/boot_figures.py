"""The hello example's figures (benches/drivers/bench.py's first table): image size, kernel
entry to application entry, the whole `eremit run` process on microvm and q35, a bare
QEMU and `eremit run` booting the null guest, and a native Linux hello."""

import os
import re

from benchlib import (BenchError, EREMIT, OUT, ROOT, md_table, round_robin, run_checked,
                      run_process, tail, verdict)
from builds import progress

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


def timed(cmd, env=None):
    """Runs cmd to completion; returns (seconds, exit code, stdout, stderr)."""
    r = run_process(cmd, RUN_TIMEOUT, env=env)
    if r.code is None:
        raise BenchError(f"timed out after {RUN_TIMEOUT} s: {' '.join(cmd)}")
    return r.wall, r.code, r.out, r.err


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
