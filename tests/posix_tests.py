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

import argparse
import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests", "posix")
LIBRARY = os.path.join(ROOT, "libc-port", "posix")
# POSIX_TESTS_TOOLCHAIN: another toolchain's bin/ (e.g. a copy with a work-in-progress libc).
TOOLCHAIN = os.environ.get("POSIX_TESTS_TOOLCHAIN") or os.path.join(ROOT, "build", "toolchain", "bin")
HERMIT_CC = os.path.join(TOOLCHAIN, "x86_64-hermit-gcc")
EREMIT = os.path.join(TOOLCHAIN, "eremit")
CFLAGS = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror"]

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, finish  # noqa: E402


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
    exit code 124. Not testlib's run: output compared byte for byte (no newline
    translation), and a hang is a result, not an exception."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout} s"
    code = 128 - p.returncode if p.returncode < 0 else p.returncode
    return code, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


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


def mode_native(workdir, update):
    for name in tests():
        if skipped(name, "native"):
            print(f"skip  native {name} (see the comment at its top)", flush=True)
            continue
        exe = os.path.join(workdir, "native-" + name)
        src = os.path.join(TESTS, name + ".c")
        if not compile_ok(f"native {name}: builds", ["gcc", *CFLAGS, "-pthread", src, "-o", exe]):
            continue
        code, out, err = run_test([exe], 120)
        if update and code == 0:
            with open(os.path.join(TESTS, name + ".expected"), "w") as f:
                f.write(out)
        compare(f"native {name}", name, code, out, err)


def mode_shim(workdir):
    objs = []
    for src in sorted(glob.glob(os.path.join(LIBRARY, "*.c"))):
        obj = os.path.join(workdir, "shim-lib-" + os.path.basename(src) + ".o")
        # __NO_INLINE__: glibc's header would otherwise define pthread_equal inline.
        if not compile_ok(f"shim: {os.path.basename(src)} builds against glibc",
                          ["gcc", *CFLAGS, "-D_GNU_SOURCE", "-D__NO_INLINE__", "-c", src, "-o", obj]):
            return
        objs.append(obj)
    sys_obj = os.path.join(workdir, "shim-linux_sys.o")
    if not compile_ok("shim: linux_sys.c builds",
                      ["gcc", *CFLAGS, "-c", os.path.join(TESTS, "shim", "linux_sys.c"), "-o", sys_obj]):
        return
    compat = os.path.join(TESTS, "shim", "compat.h")
    for name in tests():
        if skipped(name, "shim"):
            print(f"skip  shim {name} (see the comment at its top)", flush=True)
            continue
        exe = os.path.join(workdir, "shim-" + name)
        src = os.path.join(TESTS, name + ".c")
        if not compile_ok(f"shim {name}: builds",
                          ["gcc", *CFLAGS, "-include", compat, src, *objs, sys_obj, "-o", exe, "-ldl", "-pthread"]):
            continue
        code, out, err = run_test([exe], 120)
        compare(f"shim {name}", name, code, out, err)


def mode_eremit(workdir, cpus_list):
    for tool in (HERMIT_CC, EREMIT):
        if not os.access(tool, os.X_OK):
            check(f"eremit: {os.path.relpath(tool, ROOT)} exists", False,
                  "build the C toolchain first (libc-port)")
            return
    for name in tests():
        exe = os.path.join(workdir, "eremit-" + name)
        src = os.path.join(TESTS, name + ".c")
        if not compile_ok(f"eremit {name}: builds", [HERMIT_CC, *CFLAGS, src, "-o", exe]):
            continue
        for cpus in cpus_list:
            code, out, err = run_test([EREMIT, "run", "--cpus", str(cpus), "--timeout", "150", exe], 180)
            compare(f"eremit {name} ({cpus} vCPU{'s' if cpus > 1 else ''})", name, code, out, err)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", action="append", choices=["eremit", "native", "shim"])
    ap.add_argument("--cpus", default="2", help="vCPU counts for eremit mode, e.g. 1,2,4")
    ap.add_argument("--update-expected", action="store_true")
    args = ap.parse_args()
    modes = args.mode or ["eremit"]
    if args.update_expected and "native" not in modes:
        modes.insert(0, "native")
    with tempfile.TemporaryDirectory(prefix="posix-tests-") as workdir:
        for mode in modes:
            print(f"posix-tests: {mode}", flush=True)
            if mode == "native":
                mode_native(workdir, args.update_expected)
            elif mode == "shim":
                mode_shim(workdir)
            else:
                mode_eremit(workdir, [int(c) for c in args.cpus.split(",")])
    sys.exit(finish())


if __name__ == "__main__":
    main()
