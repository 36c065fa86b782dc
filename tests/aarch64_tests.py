#!/usr/bin/env python3
"""aarch64 tests: builds programs of tests/apps for aarch64-unknown-hermit (and natively),
boots them with `eremit run` (qemu-system-aarch64 -M virt, chosen from the image's ELF
header) and checks output and exit codes against the native run, and the crash reports;
and C, C++, Fortran and OpenMP programs built with aarch64-hermit-* (tests/aarch64_c.py).
`make test` runs a short set of the cases (tests/run.py, AARCH64_SHORT), `make
test-aarch64` all of them. Ends with 'N passed, N failed'."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aarch64_c  # noqa: E402
import testlib  # noqa: E402
from testlib import APPS, EREMIT, HostServers, Suite, check, once, run, serve_commands  # noqa: E402

TARGET = "aarch64-unknown-hermit"
APPS_USED = ["std-basics", "threads", "fp-preempt", "files", "fault", "panic", "stack-overflow", "net-client", "stdin-read",
             "wait-signal"]
HERMIT_BIN = os.path.join(APPS, "target", TARGET, "release")
NATIVE_BIN = os.path.join(APPS, "target", "release")
QEMU = "qemu-system-aarch64"

suite = Suite("aarch64", requires=[EREMIT], hint="run `make toolchain` (and scripts/ensure-deps.sh) first")


@once
def build():
    print(f"aarch64-tests: building {', '.join(APPS_USED)} for {TARGET} and natively", flush=True)
    packages = [x for app in APPS_USED for x in ("-p", app)]
    hermit = ["cargo", "build", "--release", "-q", "-Zbuild-std=std,panic_abort",
              "-Zbuild-std-features=compiler-builtins-mem", "--target", TARGET]
    native = ["cargo", "build", "--release", "-q", "-p", "std-basics", "-p", "threads", "-p", "stdin-read", "-p", "files",
              "-p", "fp-preempt"]
    for cmd in (hermit + packages, native):
        p = run(cmd, cwd=APPS, timeout=3600)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-4000:]}")


def eremit(app, *args, opts=(), env=None, cpus=None):
    build()
    return testlib.eremit(os.path.join(HERMIT_BIN, app), args, opts, cpus=cpus, env=env, guest_timeout=90)


@suite.case("image")
def image():
    build()
    with open(os.path.join(HERMIT_BIN, "std-basics"), "rb") as f:
        head = f.read(20)
    check("the image is an ELF for aarch64 (e_machine 183)",
          head[:4] == b"\x7fELF" and int.from_bytes(head[18:20], "little") == 183, repr(head))


def same_as_native(name, app, args, env=None, cpus=None, native_args=None, opts=()):
    """`native_args` replace `args` for the native run; `opts` are more `eremit run` options."""
    code, out, err, secs = eremit(app, *args, env=env, cpus=cpus, opts=opts)
    if cpus:
        name = f"{name} with {cpus} vCPUs"
    ncode, nout, nerr = testlib.native(os.path.join(NATIVE_BIN, app), args if native_args is None else native_args,
                                       env=env)
    check(f"{name} on virt: stdout equals native", out == nout, f"eremit:\n{out}\nnative:\n{nout}\nstderr:\n{err}")
    check(f"{name} on virt: stderr equals native", err == nerr, f"eremit:\n{err}\nnative:\n{nerr}")
    check(f"{name} on virt: exit code {ncode} as native", code == ncode, f"eremit exit code {code}")


ARGS = ["one", "two words", "", "--flag", 'quote"and\\backslash']
ENV = {"EREMIT_T_A": "1", "EREMIT_T_B": "x y", "EREMIT_T_EMPTY": ""}


suite.add("std-basics", same_as_native, "std-basics", "std-basics", ARGS, ENV)
# Threads, locks, channels, sleeps and a sleeper woken beside a spinner: the GIC's timer
# interrupt preempts; with 4 vCPUs (PSCI CPU_ON) the other CPUs run tasks too.
suite.add("threads", same_as_native, "threads", "threads", ["300"])
suite.add("threads-4cpus", same_as_native, "threads", "threads", ["1000"], cpus=4)
# Floating-point sums in 5 threads on one vCPU, preempted mid-computation: the results
# equal native only if interrupts leave the vector registers as they found them.
suite.add("fp-preempt", same_as_native, "fp-preempt", "fp-preempt", [])


@suite.case("files")
def files():
    # std::fs on the in-memory filesystem, and on a host directory as a volume (virtio-fs
    # over vhost-user on virt's virtio-mmio); natively in a fresh directory.
    with tempfile.TemporaryDirectory(prefix="eremit-a64-files-") as tmp:
        same_as_native("files (in-memory fs)", "files", ["/tmp/files-test"],
                       native_args=[os.path.join(os.path.realpath(tmp), "base")])
    if not os.path.exists("/usr/lib/qemu/virtiofsd"):
        check("files on a volume: virtiofsd (/usr/lib/qemu/virtiofsd) is installed", False)
        return
    with tempfile.TemporaryDirectory(prefix="eremit-a64-vol-") as vol, \
            tempfile.TemporaryDirectory(prefix="eremit-a64-files-") as tmp:
        same_as_native("files (volume)", "files", ["/data/base"], opts=["--volume", f"{vol}:/data"],
                       native_args=[os.path.join(os.path.realpath(tmp), "base")])


@suite.case("net")
def net():
    # virtio-net on virt's virtio-mmio transports, its interrupt an SPI at the GIC.
    with HostServers(serve_commands) as server:
        code, out, err, _ = eremit("net-client", "fetch", "10.0.2.2", str(server.port), str(1 << 20),
                                   opts=["--net", "user"])
        check("net-client on virt: fetches 1 MiB from a host server, intact",
              code == 0 and "fetch ok 1048576 bytes" in out, f"exit {code}\n{out}\n{err[-2000:]}")
        code, out, err, _ = eremit("net-client", "checks", "10.0.2.2", str(server.port), str(server.udp_port),
                                   str(server.closed_port), opts=["--net", "user"], cpus=2)
        lines = [line for line in out.splitlines() if line.startswith(("ok ", "FAIL "))]
        bad = [line for line in lines if not line.startswith("ok ")]
        check("net-client checks on virt with 2 vCPUs (TCP, UDP, refused, timeouts): all pass, exit 0",
              code == 0 and len(lines) >= 11 and not bad, f"exit {code}, {len(lines)} checks\n{out}\n{err[-2000:]}")


def eremit_env(app, args=(), opts=(), env=None, cpus=None):
    """`eremit run --verbose` with `env` added to the runner's own environment (not the
    guest's): (exit code, stdout, stderr with the kernel log)."""
    build()
    cmd = [EREMIT, "run", "--verbose", "--timeout", "120", *opts]
    cmd += ["--cpus", str(cpus)] if cpus else []
    p = subprocess.run([*cmd, os.path.join(HERMIT_BIN, app), *args], env=dict(os.environ, **(env or {})),
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=180, errors="replace")
    return p.returncode, p.stdout, p.stderr


@suite.case("gic")
def gic():
    # The GIC the device tree names: v3 (the runner's default: distributor, one
    # redistributor per CPU, the system-register CPU interface, wake-up SGIs through
    # ICC_SGI1R_EL1) and v2 (EREMIT_GIC_VERSION=2), each with 4 vCPUs: threads on every
    # CPU, woken by SGIs, preempted by the timer's PPI; the output must be native's.
    build()
    ncode, nout, _ = testlib.native(os.path.join(NATIVE_BIN, "threads"), ["1000"])
    for version in (3, 2):
        code, out, err = eremit_env("threads", ["1000"], env={"EREMIT_GIC_VERSION": str(version)}, cpus=4)
        check(f"GICv{version} with 4 vCPUs: threads' stdout and exit code {ncode} as native",
              (code, out) == (ncode, nout), f"exit {code}\n{out}\nnative:\n{nout}\n{err[-3000:]}")
        check(f"GICv{version} with 4 vCPUs: the device tree's GIC is used, 3 other CPUs started",
              f"device tree: V{version} GIC" in err and "started 3 other CPUs" in err, err[-3000:])
    code, _, err = eremit_env("std-basics", env={"EREMIT_GIC_VERSION": "4"})
    check("EREMIT_GIC_VERSION=4 is refused (exit 125, says 2 or 3)", code == 125 and "2 or 3" in err,
          f"exit {code}\n{err[-1000:]}")


@suite.case("devices")
def devices():
    # The devices come from the device tree, not from constants: virt's GIC, PL011 (stdout),
    # PL031 (the wall clock) and its 32 virtio-mmio transports, the network device found
    # among them with the SPI the tree gives it.
    with HostServers(serve_commands) as server:
        code, out, err = eremit_env("net-client", ["fetch", "10.0.2.2", str(server.port), str(1 << 16)],
                                    opts=["--net", "user"])
    check("device tree: GICv3 at 0x8000000, PL011 at 0x9000000, PL031 at 0x9010000, 32 virtio-mmio transports",
          "eremit: device tree: V3 GIC (distributor 0x8000000), PL011 at 0x9000000, PL031 at 0x9010000, "
          "32 virtio-mmio transports" in err, err[-3000:])
    m = re.search(r"virtio-net at 0xa00([0-9a-f]{4}) \(virtio-mmio slot (\d+), GSIs \[(\d+)\]\)", err)
    check("device tree: virtio-net on a virtio-mmio transport with the SPI the tree gives it (16 + slot)",
          m is not None and int(m.group(1), 16) == 0x200 * int(m.group(2))
          and int(m.group(3)) == 16 + int(m.group(2)), err[-3000:])
    check("virtio-net from the device tree: fetches 64 KiB, exit 0",
          code == 0 and "fetch ok 65536 bytes" in out, f"exit {code}\n{out}\n{err[-2000:]}")
    m = re.search(r"wall clock (\d+) s", err)
    check("the PL031 from the device tree gives the wall clock (within 10 minutes of the host's)",
          m is not None and abs(int(m.group(1)) - time.time()) < 600, err[-3000:])


# QEMU as `eremit run` starts it, but with a core without FEAT_RNG (no RNDR) and, when
# EREMIT_T_RNG=1, a virtio-rng device: the runner offers neither.
NO_RNDR_QEMU = """#!/bin/sh
for a in "$@"; do
  case "$a" in max) a=cortex-a72;; esac
  set -- "$@" "$a"; shift
done
[ "$EREMIT_T_RNG" = 1 ] && set -- "$@" -device virtio-rng-device
exec qemu-system-aarch64 "$@"
"""


@suite.case("rng")
def rng():
    # Random bytes (std's HashMap keys, getrandom) come from RNDR with -cpu max; on a core
    # without it, from a virtio-rng device found among the device tree's transports; with
    # neither the kernel gives none (EIO), and std aborts (134).
    build()
    ncode, nout, _ = testlib.native(os.path.join(NATIVE_BIN, "std-basics"), ARGS, env=ENV)
    with tempfile.TemporaryDirectory(prefix="eremit-a64-rng-") as tmp:
        qemu = os.path.join(tmp, "qemu")
        with open(qemu, "w") as f:
            f.write(NO_RNDR_QEMU)
        os.chmod(qemu, 0o755)
        guest_env = testlib.env_options(ENV)
        code, out, err = eremit_env("std-basics", ARGS, opts=guest_env, env={"EREMIT_QEMU": qemu, "EREMIT_T_RNG": "1"})
        check("cortex-a72 (no RNDR) with virtio-rng: std-basics' stdout and exit code as native",
              (code, out) == (ncode, nout) and "eremit: virtio-rng at 0xa00" in err,
              f"exit {code}\n{out}\nnative:\n{nout}\n{err[-3000:]}")
        code, out, err = eremit_env("std-basics", ARGS, opts=guest_env, env={"EREMIT_QEMU": qemu})
        check("cortex-a72 without virtio-rng: no random bytes, std aborts (134)",
              code == 134 and "virtio-rng" not in err, f"exit {code}\n{err[-3000:]}")


# QEMU as `eremit run` starts it, but with `virtualization=on`: every CPU starts at EL2
# (the boot CPU at the entry, the others at PSCI CPU_ON's address), and QEMU's PSCI is
# reached with SMC (the device tree's `method`), since EL2 is the guest's.
EL2_QEMU = """#!/bin/sh
for a in "$@"; do
  case "$a" in virt,*) a="$a,virtualization=on";; esac
  set -- "$@" "$a"; shift
done
exec qemu-system-aarch64 "$@"
"""


@suite.case("el2")
def el2():
    # Started at EL2, the kernel leaves for EL1 on every CPU and runs as it does at EL1:
    # threads on 4 vCPUs with GICv3 and GICv2 give native's output and exit code, a fault
    # gives the crash report and 139.
    build()
    ncode, nout, _ = testlib.native(os.path.join(NATIVE_BIN, "threads"), ["1000"])
    with tempfile.TemporaryDirectory(prefix="eremit-a64-el2-") as tmp:
        qemu = os.path.join(tmp, "qemu")
        with open(qemu, "w") as f:
            f.write(EL2_QEMU)
        os.chmod(qemu, 0o755)
        for version in (3, 2):
            env = {"EREMIT_QEMU": qemu, "EREMIT_GIC_VERSION": str(version)}
            code, out, err = eremit_env("threads", ["1000"], env=env, cpus=4)
            check(f"started at EL2, GICv{version}, 4 vCPUs: threads' stdout and exit code {ncode} as native",
                  (code, out) == (ncode, nout), f"exit {code}\n{out}\nnative:\n{nout}\n{err[-3000:]}")
            check(f"started at EL2, GICv{version}: the kernel left EL2, 3 other CPUs started",
                  "eremit: started at EL2, running at EL1" in err and f"device tree: V{version} GIC" in err
                  and "started 3 other CPUs" in err, err[-3000:])
        code, out, err = eremit_env("fault", env={"EREMIT_QEMU": qemu}, cpus=2)
        check("started at EL2: a fault gives exit 139 and the crash report (cause, address, backtrace)",
              code == 139 and out == "about to fault\n" and "started at EL2" in err
              and "fatal exception: data abort" in err and "fault address (far) 0x0000700000000000" in err
              and "fault::main" in err, f"exit {code}\n{out}\n{err[-3000:]}")


@suite.case("stdin")
def stdin():
    # The runner's stdin through the virtio console on virtio-mmio, read line by line.
    data = "one\ntwo words\n\nlast line without newline"
    build()
    p = subprocess.run([EREMIT, "run", "--timeout", "60", os.path.join(HERMIT_BIN, "stdin-read"), "lines"],
                       input=data, capture_output=True, text=True, timeout=90)
    n = subprocess.run([os.path.join(NATIVE_BIN, "stdin-read"), "lines"], input=data, capture_output=True,
                       text=True, timeout=60)
    check("stdin-read lines on virt: output and exit code as native",
          (p.returncode, p.stdout) == (n.returncode, n.stdout), f"eremit {p.returncode}:\n{p.stdout}\n{p.stderr}\n"
          f"native {n.returncode}:\n{n.stdout}")


@suite.case("signal")
def sigterm():
    # SIGTERM to the runner reaches the guest over the signal console; std has no
    # handler, so the kernel takes the default action: 143, as natively.
    build()
    p = subprocess.Popen([EREMIT, "run", "--verbose", "--timeout", "60", os.path.join(HERMIT_BIN, "wait-signal")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    ready = p.stdout.readline()
    p.send_signal(signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    check("wait-signal on virt: SIGTERM ends it with 143 through the guest's default action",
          ready == "ready\n" and p.returncode == 143 and "SIGTERM from the runner and no handler" in err,
          f"{ready!r} exit {p.returncode}\n{err[-2000:]}")


@suite.case("fault")
def fault():
    code, out, err, _ = eremit("fault")
    check("fault: exit code 139 (SIGSEGV)", code == 139, f"exit code {code}\n{err}")
    check("fault: output before the fault kept", out == "about to fault\n", out)
    check("fault: crash report names the cause and the address",
          "fatal exception: data abort" in err and "fault address (far) 0x0000700000000000" in err
          and "reading an unmapped address" in err, err)
    check("fault: crash report has registers and a symbolised backtrace",
          "x0  0x" in err and "x30 0x" in err and "#0" in err and "fault::main" in err, err)
    code, out, err, _ = eremit("fault", "0")
    check("fault at address 0: page 0 is unmapped (exit 139, a null pointer dereference)",
          code == 139 and "(a null pointer dereference)" in err, f"exit code {code}\n{err}")


@suite.case("stack-overflow")
def stack_overflow():
    # The guard pages below stacks: mm::paging's tables, loaded as aarch64 descriptors.
    code, out, err, _ = eremit("stack-overflow")
    check("stack overflow on virt: exit 139, the main thread's guard page named",
          code == 139 and "stack overflow" in err and "main thread" in err, f"{code}\n{err}")
    code, out, err, _ = eremit("stack-overflow", "thread")
    check("stack overflow in a thread on virt: exit 139, task named",
          code == 139 and "stack overflow" in err and "(task 2)" in err, f"{code}\n{err}")


@suite.case("panic")
def panic():
    code, out, err, _ = eremit("panic")
    check("panic: exit code 134 (SIGABRT)", code == 134, f"exit code {code}")
    check("panic: message on stderr", "deliberate panic: 42" in err and "panicked at" in err, err)
    check("panic: output before the panic kept", out == "before the panic\n", out)


@suite.case("machine")
def machine():
    build()
    p = run([EREMIT, "run", "--machine", "microvm", os.path.join(HERMIT_BIN, "std-basics")], timeout=60)
    check("an aarch64 image on --machine microvm is refused (exit 125)",
          p.returncode == 125 and "virt" in p.stderr, f"{p.returncode}\n{p.stderr}")


# The C toolchain's programs (C, pthreads, C++, Fortran, OpenMP): tests/aarch64_c.py.
aarch64_c.add_to(suite)


if __name__ == "__main__":
    sys.exit(suite.main())
