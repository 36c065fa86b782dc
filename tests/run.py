#!/usr/bin/env python3
"""Runs the test suites (tests/*_tests.py) in one process: all, some, or the cases whose
names match.

  python3 tests/run.py                    every suite, in `make test`'s order
  python3 tests/run.py boot c             these suites
  python3 tests/run.py boot -k hello      the cases of boot whose names contain "hello"
  python3 tests/run.py -k 'net*/echo-*'   a glob on SUITE/CASE (with a /) or on CASE
  python3 tests/run.py --list [SUITE...]  the suites and their cases

Prints a line per suite (its counts and wall time), then the closing 'N passed, N failed'
(the line CI reads); exits 1 when a check failed, 2 when nothing matched."""

import argparse
import importlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402

# Suite name -> module (tests/<module>.py), in the order `make test` runs them: the fast
# ones first.
SUITES = ["boot", "pkg", "oci", "abi", "c", "posix", "net", "net-c", "mixed", "projects", "cxx", "conformance",
          "reliability", "hermit-compat", "stdin", "signal", "net-burst", "tokio", "fuzz", "volume", "servers"]
# Suites that run only when named (`python3 tests/run.py aarch64`), not in `make test` yet.
NAMED_ONLY = ["aarch64"]


def load(name):
    module = importlib.import_module(name.replace("-", "_") + "_tests")
    return module.suite


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suites", nargs="*", metavar="SUITE", help=f"of: {' '.join(SUITES + NAMED_ONLY)}")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="only the cases whose names match: a substring, or a glob (* ? [); "
                         "on SUITE/CASE when it has a /, else on CASE; several -k: any of them")
    ap.add_argument("--list", action="store_true", help="list the suites and their cases")
    args = ap.parse_args()
    unknown = [s for s in args.suites if s not in SUITES + NAMED_ONLY]
    if unknown:
        ap.error(f"no suite {', '.join(unknown)} (suites: {' '.join(SUITES + NAMED_ONLY)})")
    suites = [load(s) for s in (args.suites or SUITES)]
    if args.list:
        for suite in suites:
            chosen = suite.select(args.patterns)
            if args.patterns and not chosen:
                continue
            print(f"{suite.name} ({len(chosen)} cases)")
            for name, _ in chosen:
                print(f"  {suite.name}/{name}")
        return 0
    # Each suite's wall time, for keeping `make test` within CI's budget.
    ran = []
    for suite in suites:
        start = time.monotonic()
        if suite.run(args.patterns):
            ran.append((suite, time.monotonic() - start))
    if not ran:
        print(f"no case matches {args.patterns}")
        return 2
    print()
    for suite, seconds in ran:
        passed, failed = testlib.counts(suite.name)
        print(f"{suite.name}: {passed} passed, {failed} failed ({seconds / 60:.1f} min)")
    return testlib.finish()


if __name__ == "__main__":
    sys.exit(main())
