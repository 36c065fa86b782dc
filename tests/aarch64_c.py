#!/usr/bin/env python3
"""The aarch64 suite's C toolchain cases (tests/aarch64_tests.py adds them): the programs of
tests/aarch64 built with aarch64-hermit-gcc, -g++, -gfortran (Debian's aarch64-linux-gnu
compilers with newlib, libc-port, libstdc++, libgfortran and libgomp built for the target)
and run with `eremit run` on qemu-system-aarch64 -M virt, and built natively for x86_64
with the host's compilers: stdout, stderr where it is deterministic, and the exit code
must be the native run's (the answer is Linux's).

- c-hello: C through newlib: arguments, the environment (--env), stdio, exit code 42;
- c-threads-4cpus: pthreads on 4 vCPUs (mutex, barrier, condition variable, join);
- cxx-exception: a C++ exception through frames with destructors, RTTI, the STL; then one
  escaping main (std::terminate -> abort -> 134, natively death by SIGABRT);
- fortran: gfortran's formatted and list-directed output, STOP 3;
- openmp-4cpus: a parallel loop with a reduction on 4 vCPUs, OMP_NUM_THREADS=4;
- c-jumps: setjmp/longjmp, _setjmp/_longjmp, sigsetjmp/siglongjmp out of a handler (the
  saved mask restored);
- mixed-rust-c: examples-rust/mixed (a Rust std program whose build script compiles C
  with `cc` and `bindgen`) for aarch64-unknown-hermit through build/toolchain/cargo.toml,
  its output as tests/mixed_tests.py expects on x86-64 (with the same known errno gap);
- c-segv: memory faults as SIGSEGV to the program's handler (tests/aarch64/segv.c: si_addr,
  SEGV_ACCERR and SEGV_MAPERR, the handler's return retrying the instruction, siglongjmp
  out, a call into a non-executable page), then the crash report and 139 without one;
- c-ldouble: the C library's exact long double functions (binary128 on AArch64, the x87
  format natively) on arguments whose answers both formats represent;
- c-streams, c-streams-4cpus: stdout and stderr byte for byte as natively although both
  travel with the kernel log through the one PL011 (the escape byte, selection-like
  pairs, exit records, all 256 byte values), and from 4 threads on 4 vCPUs every line
  whole on its own stream;
- c-profile: the kernel's sampling profile (`profile=HZ`) finds a spinning C function, as
  tests/c_tests.py's `profile` on x86_64 (the samples are the IRQ frame's ELR there);
- no-semihosting: a program asking QEMU to create a host file through semihosting
  (HLT #0xF000) gets SIGILL (132) and no file appears."""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import BIN, ROOT, check, once, run  # noqa: E402

SRC = os.path.join(ROOT, "tests", "aarch64")
OUT = os.path.join(ROOT, "build", "tests-aarch64-c")
CC = os.path.join(BIN, "aarch64-hermit-gcc")
CXX = os.path.join(BIN, "aarch64-hermit-g++")
FC = os.path.join(BIN, "aarch64-hermit-gfortran")

HINT = "run `make toolchain-c` first (it builds aarch64-hermit-*)"

# name -> (source, compiler flags, (hermit compiler, native compiler))
PROGRAMS = {
    "hello": ("hello.c", ["-O2"], (CC, "gcc")),
    "threads": ("threads.c", ["-O2", "-pthread"], (CC, "gcc")),
    "exception": ("exception.cpp", ["-O2"], (CXX, "g++")),
    "fortran": ("print.f90", ["-O2"], (FC, "gfortran")),
    "openmp": ("omp.c", ["-O2", "-fopenmp"], (CC, "gcc")),
    "ldouble": ("ldouble.c", ["-O2"], (CC, "gcc")),
    "jumps": ("jumps.c", ["-O2"], (CC, "gcc")),
    "segv": ("segv.c", ["-O2"], (CC, "gcc")),
    "streams": ("streams.c", ["-O2", "-pthread"], (CC, "gcc")),
}


def build(name):
    """Builds PROGRAMS[name] for aarch64 and natively: (image, native executable)."""
    src, flags, (hermit_cc, native_cc) = PROGRAMS[name]
    os.makedirs(OUT, exist_ok=True)
    image = os.path.join(OUT, name)
    exe = os.path.join(OUT, name + ".native")
    libs = ["-lm"] if src.endswith(".c") else []
    for compiler, out in ((hermit_cc, image), (native_cc, exe)):
        p = run([compiler, *flags, os.path.join(SRC, src), "-o", out, *libs])
        check(f"{src}: builds with {os.path.basename(compiler)}", p.returncode == 0,
              p.stdout + p.stderr, keep_end=True)
        if p.returncode != 0:
            return None, None
    p = run(["file", "-L", image])
    check(f"{src}: the image is an AArch64 ELF", "ARM aarch64" in p.stdout, p.stdout)
    return image, exe


@once
def native_env():
    # OMP_* of the test's own environment would change the native team.
    return {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}


def compare(name, args=(), cpus=1, env=None, compare_stderr=True, expect_code=None):
    """Runs the image and the native build with the same arguments and environment;
    their stdout, exit code (and stderr) must be equal."""
    missing = [c for c in (CC, CXX, FC) if not os.access(c, os.X_OK)]
    if missing:
        check(f"{PROGRAMS[name][0]}: {', '.join(os.path.basename(c) for c in missing)} exist", False, HINT)
        return
    image, exe = build(name)
    if image is None:
        return
    code, out, err, secs = testlib.eremit(image, args, cpus=cpus, env=env, guest_timeout=240)
    e = native_env()
    e.update(env or {})
    p = subprocess.run([exe, *args], env=e, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       timeout=120, errors="replace")
    ncode, nout, nerr = testlib.shell_status(p.returncode), p.stdout, p.stderr
    label = f"{PROGRAMS[name][0]}{' ' + ' '.join(args) if args else ''}"
    check(f"{label}: stdout as natively", out == nout, f"eremit:\n{out}\n{err[-2000:]}\nnative:\n{nout}")
    check(f"{label}: exit code {ncode} as natively (eremit: {code})", code == ncode, err[-3000:])
    if expect_code is not None:
        check(f"{label}: exit code is {expect_code}", ncode == expect_code, nerr)
    if compare_stderr:
        check(f"{label}: stderr as natively", err.strip().endswith(nerr.strip()), f"eremit:\n{err}\nnative:\n{nerr}")
    testlib.measure(f"aarch64 {label}: {secs:.1f} s in QEMU (TCG, {cpus} vCPU)")
    return code, out, err


def hello():
    compare("hello", ["one", "two words"], env={"GREETING": "hi there"}, expect_code=42)


def threads():
    compare("threads", cpus=4, expect_code=0)


def exception():
    compare("exception", expect_code=0)


def exception_escapes():
    # stderr: libstdc++'s "terminate called after ..." natively; in Eremit followed by the
    # kernel's abort report, so only stdout and the code are compared.
    compare("exception", ["throw"], compare_stderr=False, expect_code=134)


def fortran():
    compare("fortran", expect_code=3)


def openmp():
    compare("openmp", cpus=4, env={"OMP_NUM_THREADS": "4"}, expect_code=0)


def ldouble():
    compare("ldouble", expect_code=0)


def jumps():
    compare("jumps", expect_code=3)


def segv():
    # Memory faults as SIGSEGV to the program's handler (si_addr, SEGV_ACCERR/MAPERR,
    # returning retries the instruction, siglongjmp out), then one without a handler:
    # 139, and in Eremit the crash report (natively the shell's "Segmentation fault").
    got = compare("segv", compare_stderr=False, expect_code=139)
    if got:
        code, out, err = got
        check("segv.c: the unhandled fault's crash report (data abort, a read-only page, backtrace)",
              "fatal exception: data abort" in err and "writing a read-only page" in err and "#0" in err,
              err[-3000:])


def streams(args=(), cpus=1):
    """stdout and stderr compared as bytes with the native run's (sorted by line with
    threads, whose order is the scheduler's)."""
    if not os.access(CC, os.X_OK):
        check("streams.c: aarch64-hermit-gcc exists", False, HINT)
        return
    image, exe = build("streams")
    if image is None:
        return
    cmd = [testlib.EREMIT, "run", "--timeout", "240", "--cpus", str(cpus), image, *args]
    p = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
    n = subprocess.run([exe, *args], capture_output=True, stdin=subprocess.DEVNULL, timeout=120)
    label = f"streams.c{' ' + ' '.join(args) if args else ''} with {cpus} vCPU"
    out, err, nout, nerr = p.stdout, p.stderr, n.stdout, n.stderr
    if args:
        out, err, nout, nerr = (sorted(x.split(b"\n")) for x in (out, err, nout, nerr))
    check(f"{label}: stdout byte for byte as natively", out == nout,
          f"eremit:\n{p.stdout[-3000:]!r}\nnative:\n{n.stdout[-3000:]!r}")
    check(f"{label}: stderr byte for byte as natively", err == nerr,
          f"eremit:\n{p.stderr[-3000:]!r}\nnative:\n{n.stderr[-3000:]!r}")
    check(f"{label}: exit code {n.returncode} as natively (eremit: {p.returncode})",
          p.returncode == n.returncode == 5, repr(p.stderr[-2000:]))


def streams_threads():
    streams(["threads"], cpus=4)


def no_semihosting():
    if not os.access(CC, os.X_OK):
        check("semihosting.c: aarch64-hermit-gcc exists", False, HINT)
        return
    os.makedirs(OUT, exist_ok=True)
    image = os.path.join(OUT, "semihosting")
    p = run([CC, "-O2", os.path.join(SRC, "semihosting.c"), "-o", image])
    check("semihosting.c: builds with aarch64-hermit-gcc", p.returncode == 0, p.stdout + p.stderr,
          keep_end=True)
    if p.returncode != 0:
        return
    with tempfile.TemporaryDirectory(prefix="eremit-a64-semihosting-") as tmp:
        target = os.path.join(tmp, "created-by-the-guest")
        code, out, err, _ = testlib.eremit(image, [target], guest_timeout=120)
        check("semihosting on virt: HLT #0xF000 is an undefined instruction (exit 132, SIGILL)",
              code == 132 and out == f"opening {target} through semihosting\n", f"exit {code}\n{out}\n{err}")
        check("semihosting on virt: the guest cannot create a host file", not os.path.exists(target),
              f"{target} exists")


def mixed_rust_c():
    import mixed_tests  # the expected output, shared with the x86-64 case

    cargo_toml = os.path.join(ROOT, "build", "toolchain", "cargo.toml")
    exr = os.path.join(ROOT, "examples-rust")
    p = run(["cargo", "--config", cargo_toml, "build", "-q", "--release", "-p", "mixed",
             "--target", "aarch64-unknown-hermit"], cwd=exr, timeout=3600)
    check("examples-rust/mixed builds for aarch64-unknown-hermit (cc + bindgen, cargo.toml)",
          p.returncode == 0, p.stderr, keep_end=True)
    if p.returncode != 0:
        return
    image = os.path.join(exr, "target", "aarch64-unknown-hermit", "release", "mixed")
    code, out, err, _ = testlib.eremit(image, guest_timeout=120)
    want_errno = "errno Rust->C: 17\n"
    if want_errno not in out and "errno Rust->C: 2\n" in out:
        testlib.gap("mixed on aarch64: errno Rust->C", "as on x86-64 (tests/mixed_tests.py)")
        out = out.replace("errno Rust->C: 2\n", want_errno)
    check("mixed on aarch64: output as on x86-64", out == mixed_tests.MIXED_EXPECTED,
          f"got:\n{out}\n{err[-2000:]}")
    check(f"mixed on aarch64: exit code 7 (got {code})", code == 7, err[-2000:])


def profile():
    import c_tests
    c_tests.profile_checks(CC, "aarch64 profile")


def add_to(suite):
    """Adds the cases to the aarch64 suite."""
    suite.add("c-hello", hello)
    suite.add("c-threads-4cpus", threads)
    suite.add("cxx-exception", exception)
    suite.add("cxx-exception-escapes-main", exception_escapes)
    suite.add("fortran", fortran)
    suite.add("openmp-4cpus", openmp)
    suite.add("c-ldouble", ldouble)
    suite.add("c-jumps", jumps)
    suite.add("c-segv", segv)
    suite.add("c-streams", streams)
    suite.add("c-streams-4cpus", streams_threads)
    suite.add("no-semihosting", no_semihosting)
    suite.add("c-profile", profile)
    suite.add("mixed-rust-c", mixed_rust_c)
