#!/usr/bin/env python3
"""ABI tests: the checked-in C header include/hermit/syscall.h is what
scripts/gen-header.sh generates from the kernel now (scripts/check-header.sh), and it
matches hermit-abi's functions, types, constants and struct layouts (tests/abi_c_check.py,
which compiles hermit-abi's declarations translated to C after the header), and the C
library's only view of it is the generated include/hermit/syscall-prefixed.h
(tests/c_view_check.py).
Ends with 'N passed, N failed'."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROOT, TESTS, Suite, check, run  # noqa: E402

suite = Suite("abi")


@suite.case("header-current")
def header_current():
    p = run([os.path.join(ROOT, "scripts", "check-header.sh")], cwd=ROOT, timeout=1800)
    check("include/hermit/syscall.h is what scripts/gen-header.sh generates",
          p.returncode == 0 and "are up to date" in p.stdout, p.stdout + p.stderr, keep_end=True)


@suite.case("hermit-abi")
def hermit_abi():
    p = run([sys.executable, os.path.join(TESTS, "abi_c_check.py")], cwd=ROOT, timeout=1800)
    print("      " + p.stdout.strip().replace("\n", "\n      "), flush=True)
    check("include/hermit/syscall.h matches hermit-abi (every prototype, typedef, constant, struct)",
          p.returncode == 0 and "prototypes match" in p.stdout, p.stdout + p.stderr, keep_end=True)


@suite.case("c-view")
def c_view():
    p = run([sys.executable, os.path.join(TESTS, "c_view_check.py")], cwd=ROOT, timeout=600)
    print("      " + p.stdout.strip().replace("\n", "\n      "), flush=True)
    check("libc-port's view of the ABI is include/hermit/syscall-prefixed.h, mirrors nothing, "
          "and its Linux values are Linux's", p.returncode == 0, p.stdout + p.stderr, keep_end=True)


if __name__ == "__main__":
    sys.exit(suite.main())
