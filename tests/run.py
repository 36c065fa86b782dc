#!/usr/bin/env python3
"""Runs the test suites (tests/*_tests.py) in one process: all, some, or the cases whose
names match; for x86_64, aarch64 or both.

  python3 tests/run.py                    `make test`: every x86_64 suite, then aarch64's short set
  python3 tests/run.py boot c             these suites (x86_64)
  python3 tests/run.py boot -k hello      the cases of boot whose names contain "hello"
  python3 tests/run.py -k 'net*/echo-*'   a glob on SUITE/CASE (with a /) or on CASE
  python3 tests/run.py --arch aarch64     every aarch64 suite, every case
  python3 tests/run.py --arch aarch64 --short     the aarch64 cases `make test` runs
  python3 tests/run.py --arch aarch64 projects    one suite built for aarch64
  python3 tests/run.py --arch all         every suite on both architectures (make test-full)
  python3 tests/run.py --list [--arch ARCH] [SUITE...]  the suites and their cases

On aarch64 a suite runs where it has aarch64 cases: `aarch64` (Rust std programs, crash
reports, network, stdin, signals, volumes; C, pthreads, C++, Fortran, OpenMP and mixed
Rust/C built with aarch64-hermit-*) and `projects` (SQLite, zlib, Lua, LevelDB and the
threads programs built with aarch64-hermit-gcc, as the suite `projects-aarch64`); any
other suite named says that it is x86_64 only. The suite `aarch64` is aarch64's whatever
--arch says.

Prints a line per suite (its counts and wall time), then the closing 'N passed, N failed'
(the line CI reads); exits 1 when a check failed, 2 when nothing matched."""

import argparse
import importlib
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402

# Suite name -> module (tests/<module>.py), in the order `make test` runs them on x86_64:
# the fast ones first.
SUITES = ["boot", "pkg", "oci", "abi", "c", "posix", "net", "net-c", "ipv6", "mixed", "projects", "cxx", "conformance",
          "reliability", "hermit-compat", "stdin", "signal", "net-burst", "tokio", "fuzz", "volume", "servers"]

# The suites with aarch64 cases, in the order they run: name -> (module, its attribute).
AARCH64 = {"aarch64": ("aarch64_tests", "suite"), "projects": ("projects_tests", "aarch64_suite")}

# What `make test` runs on aarch64 (`--short`): every capability once, within about 8
# minutes on the shared 2-core machine (README, Tests): boot and std (arguments,
# environment, exit code), threads on 4 vCPUs, crash reports, the network, C through
# newlib, pthreads on 4 vCPUs, C++ exceptions, Fortran, OpenMP, mixed Rust/C; SQLite,
# zlib and a pthreads program (semaphores, clocks, condition variables) against their
# native x86_64 builds. `--arch aarch64` runs every case.
AARCH64_SHORT = {
    "aarch64": ["image", "std-basics", "threads-4cpus", "fault", "panic", "net", "c-hello", "c-threads-4cpus",
                "cxx-exception", "fortran", "openmp-4cpus", "mixed-rust-c", "c-profile"],
    "projects": ["pcsync", "sqlite", "zlib"],
}

# Where the x86_64-only suites' capabilities are checked on aarch64 (said when one is named
# with --arch aarch64).
AARCH64_COUNTERPARTS = {
    "boot": "image, std-basics, machine, fault, panic, stack-overflow",
    "c": "c-hello, c-jumps, c-ldouble",
    "posix": "c-threads-4cpus",
    "net": "net",
    "mixed": "mixed-rust-c",
    "cxx": "cxx-exception, cxx-exception-escapes-main, fortran, openmp-4cpus",
    "stdin": "stdin",
    "signal": "signal",
    "volume": "files",
}


def load(name, arch):
    """The Suite `name` for `arch` (the suite aarch64 is aarch64's on either)."""
    if arch == "aarch64" or name == "aarch64":
        module, attribute = AARCH64[name]
        return getattr(importlib.import_module(module), attribute)
    return importlib.import_module(name.replace("-", "_") + "_tests").suite


def plan(names, arch, short):
    """[(suite, the case names it may run or None for all)] in the order they run; prints
    a skip line for each suite named that has no aarch64 cases."""
    if arch is None:
        # `make test` without names: x86_64 in full, then aarch64's short set.
        if not names:
            return plan(SUITES, "x86_64", False) + plan(list(AARCH64), "aarch64", True)
        arch = "x86_64"
    if arch == "all":
        x86_64 = [n for n in names if n != "aarch64"]
        return (plan(x86_64, "x86_64", short) if x86_64 or not names else []) + plan(names, "aarch64", short)
    if arch == "x86_64":
        return [(load(n, arch), AARCH64_SHORT["aarch64"] if short and n == "aarch64" else None)
                for n in (names or SUITES)]
    chosen = []
    for name in names or list(AARCH64):
        if name in AARCH64:
            chosen.append((load(name, arch), AARCH64_SHORT[name] if short else None))
        elif name in AARCH64_COUNTERPARTS:
            testlib.skip(f"{name} on aarch64", "x86_64 only; on aarch64 the suite aarch64 has its cases "
                         f"{AARCH64_COUNTERPARTS[name]}")
        else:
            testlib.skip(f"{name} on aarch64", "x86_64 only, no aarch64 cases")
    return chosen


def default_signal_dispositions():
    """Children start with SIGHUP and SIGINT at their defaults, as from a terminal: tests
    compare programs' default actions with native runs, and a launcher (nohup, a
    background job of a script) leaves both ignored, which exec passes on."""
    if signal.getsignal(signal.SIGHUP) == signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main():
    default_signal_dispositions()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    names = SUITES + ["aarch64"]
    ap.add_argument("suites", nargs="*", metavar="SUITE", help=f"of: {' '.join(names)}")
    ap.add_argument("--arch", choices=["x86_64", "aarch64", "all"],
                    help="the architecture (all: both); without it, x86_64, and with no SUITE "
                         "`make test`'s set: every x86_64 suite and aarch64's short set")
    ap.add_argument("--short", action="store_true",
                    help="on aarch64, only the cases `make test` runs (every capability once)")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="only the cases whose names match: a substring, or a glob (* ? [); "
                         "on SUITE/CASE when it has a /, else on CASE; several -k: any of them")
    ap.add_argument("--list", action="store_true", help="list the suites and their cases")
    args = ap.parse_args()
    unknown = [s for s in args.suites if s not in names]
    if unknown:
        ap.error(f"no suite {', '.join(unknown)} (suites: {' '.join(names)})")
    suites = plan(args.suites, args.arch, args.short)
    if args.list:
        for suite, only in suites:
            chosen = suite.select(args.patterns, only)
            if (args.patterns or only) and not chosen:
                continue
            print(f"{suite.name} ({len(chosen)} cases)")
            for name, _ in chosen:
                print(f"  {suite.name}/{name}")
        return 0
    # Each suite's wall time, for keeping `make test` within CI's budget.
    ran = []
    for suite, only in suites:
        start = time.monotonic()
        if suite.run(args.patterns, only):
            ran.append((suite, time.monotonic() - start))
    if not ran:
        print(f"no case matches {args.patterns}" if args.patterns else "no suite to run")
        return 2
    print()
    for suite, seconds in ran:
        passed, failed = testlib.counts(suite.name)
        print(f"{suite.name}: {passed} passed, {failed} failed ({seconds / 60:.1f} min)")
    return testlib.finish()


if __name__ == "__main__":
    sys.exit(main())
