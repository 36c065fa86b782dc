#!/usr/bin/env python3
"""POSIX threads and semaphore tests (tests/posix/*.c) for libc-port/posix.

Each test is a portable C program whose output does not depend on scheduling; its expected
output is tests/posix/NAME.expected (produced by the native glibc build, checked in) and
it must exit with status 0.

Modes (--mode, several allowed, default: eremit):
  eremit  build with build/toolchain/bin/x86_64-hermit-gcc, boot with `eremit run`
  native  build with the host gcc against glibc: checks the tests and expected outputs
  shim    build libc-port/posix itself against glibc's headers, with the kernel calls
          mapped to Linux (tests/posix/shim/linux_sys.c): runs the library natively

A test whose first comment contains `posix-test: native=skip` relies on behaviour glibc
leaves undefined; it is skipped in native mode and its expected output is hand-written.
`shim=skip` likewise for behaviour only the kernel shows (e.g. stack allocation failure).

--update-expected rewrites the .expected files from the native run.
POSIX_TESTS_TOOLCHAIN=DIR/bin uses another toolchain than build/toolchain/bin.
Ends with 'N passed, N failed'; exits non-zero on any failure.
"""

import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROOT, Suite, check, once, run_bytes, scratch  # noqa: E402

TESTS = os.path.join(ROOT, "tests", "posix")
LIBRARY = os.path.join(ROOT, "libc-port", "posix")
# POSIX_TESTS_TOOLCHAIN: another toolchain's bin/ (e.g. a copy with a work-in-progress libc).
TOOLCHAIN = os.environ.get("POSIX_TESTS_TOOLCHAIN") or os.path.join(ROOT, "build", "toolchain", "bin")
HERMIT_CC = os.path.join(TOOLCHAIN, "x86_64-hermit-gcc")
EREMIT = os.path.join(TOOLCHAIN, "eremit")
CFLAGS = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror"]

suite = Suite("posix")
suite.option("--mode", action="append", choices=["eremit", "native", "shim"],
             help="several allowed; default: eremit")
suite.option("--cpus", default="2", help="vCPU counts for eremit mode, e.g. 1,2,4")
suite.option("--update-expected", action="store_true")
workdir = once(lambda: scratch("posix-tests-"))


def tests():
    return sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(TESTS, "*.c")))


def skipped(name, mode):
    with open(os.path.join(TESTS, name + ".c")) as f:
        head = f.read(400)
    marker = head.split("posix-test:", 1)[1].split("\n", 1)[0] if "posix-test:" in head else ""
    return f"{mode}=skip" in marker.split()


def expected(name):
    path = os.path.join(TESTS, name + ".expected")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read()


def run_test(cmd, timeout):
    """Runs a test program: (exit code as a shell shows it, stdout, stderr); a timeout is
    exit code 124. Output compared byte for byte (no newline translation)."""
    return run_bytes(cmd, timeout)


def compile_ok(label, cmd):
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode != 0:
        check(label, False, (p.stdout + p.stderr).decode(errors="replace"))
        return False
    return True


def compare(label, name, code, out, err):
    want = expected(name)
    if want is None:
        check(f"{label}: has {name}.expected", False, f"output was:\n{out}")
        return
    check(f"{label}: output as expected", out == want, f"got:\n{out}\nwanted:\n{want}\nstderr:\n{err}")
    check(f"{label}: exit code 0", code == 0, f"exit code {code}\nstderr:\n{err}")


def modes():
    chosen = suite.options.mode or ["eremit"]
    if suite.options.update_expected and "native" not in chosen:
        chosen = ["native", *chosen]
    return chosen


def native_one(name):
    if skipped(name, "native"):
        print(f"skip  native {name} (see the comment at its top)", flush=True)
        return
    exe = os.path.join(workdir(), "native-" + name)
    src = os.path.join(TESTS, name + ".c")
    if not compile_ok(f"native {name}: builds", ["gcc", *CFLAGS, "-pthread", src, "-o", exe]):
        return
    code, out, err = run_test([exe], 120)
    if suite.options.update_expected and code == 0:
        with open(os.path.join(TESTS, name + ".expected"), "w") as f:
            f.write(out)
    compare(f"native {name}", name, code, out, err)


@once
def shim_library():
    """libc-port/posix and the Linux shim built against glibc: the objects, or None."""
    objs = []
    for src in sorted(glob.glob(os.path.join(LIBRARY, "*.c"))):
        obj = os.path.join(workdir(), "shim-lib-" + os.path.basename(src) + ".o")
        # __NO_INLINE__: glibc's header would otherwise define pthread_equal inline.
        if not compile_ok(f"shim: {os.path.basename(src)} builds against glibc",
                          ["gcc", *CFLAGS, "-D_GNU_SOURCE", "-D__NO_INLINE__", "-c", src, "-o", obj]):
            return None
        objs.append(obj)
    sys_obj = os.path.join(workdir(), "shim-linux_sys.o")
    if not compile_ok("shim: linux_sys.c builds",
                      ["gcc", *CFLAGS, "-c", os.path.join(TESTS, "shim", "linux_sys.c"), "-o", sys_obj]):
        return None
    return objs + [sys_obj]


def shim_one(name):
    objs = shim_library()
    if objs is None:
        return
    compat = os.path.join(TESTS, "shim", "compat.h")
    if skipped(name, "shim"):
        print(f"skip  shim {name} (see the comment at its top)", flush=True)
        return
    exe = os.path.join(workdir(), "shim-" + name)
    src = os.path.join(TESTS, name + ".c")
    if not compile_ok(f"shim {name}: builds",
                      ["gcc", *CFLAGS, "-include", compat, src, *objs, "-o", exe, "-ldl", "-pthread"]):
        return
    code, out, err = run_test([exe], 120)
    compare(f"shim {name}", name, code, out, err)


@once
def eremit_tools():
    for tool in (HERMIT_CC, EREMIT):
        if not os.access(tool, os.X_OK):
            check(f"eremit: {os.path.relpath(tool, ROOT)} exists", False,
                  "build the C toolchain first (libc-port)")
            return False
    return True


def eremit_one(name):
    if not eremit_tools():
        return
    exe = os.path.join(workdir(), "eremit-" + name)
    src = os.path.join(TESTS, name + ".c")
    if not compile_ok(f"eremit {name}: builds", [HERMIT_CC, *CFLAGS, src, "-o", exe]):
        return
    for cpus in [int(c) for c in suite.options.cpus.split(",")]:
        code, out, err = run_test([EREMIT, "run", "--cpus", str(cpus), "--timeout", "150", exe], 180)
        compare(f"eremit {name} ({cpus} vCPU{'s' if cpus > 1 else ''})", name, code, out, err)


def one(name):
    """The test program `name` in each mode asked for."""
    for mode in modes():
        {"native": native_one, "shim": shim_one, "eremit": eremit_one}[mode](name)


for _name in tests():
    suite.add(_name, one, _name)


if __name__ == "__main__":
    sys.exit(suite.main())
