#!/usr/bin/env python3
"""aarch64 tests: builds programs of tests/apps for aarch64-unknown-hermit (and natively),
boots them with `eremit run` (qemu-system-aarch64 -M virt, chosen from the image's ELF
header) and checks output and exit codes against the native run, and the crash reports;
and C, C++, Fortran and OpenMP programs built with aarch64-hermit-* (tests/aarch64_c.py).
Not part of `make test` yet (`make test-aarch64`). Ends with 'N passed, N failed'."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aarch64_c  # noqa: E402
import testlib  # noqa: E402
from testlib import APPS, EREMIT, HostServers, Suite, check, once, run, serve_commands  # noqa: E402

TARGET = "aarch64-unknown-hermit"
APPS_USED = ["std-basics", "threads", "fault", "panic", "net-client"]
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
    native = ["cargo", "build", "--release", "-q", "-p", "std-basics", "-p", "threads"]
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


def same_as_native(name, app, args, env=None, cpus=None):
    code, out, err, secs = eremit(app, *args, env=env, cpus=cpus)
    if cpus:
        name = f"{name} with {cpus} vCPUs"
    ncode, nout, nerr = testlib.native(os.path.join(NATIVE_BIN, app), args, env=env)
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
