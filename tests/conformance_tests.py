#!/usr/bin/env python3
"""GCC run-test conformance, fast subset: ~90 of GCC 12's own run tests (libstdc++,
gfortran.dg, libgomp), picked by tests/conformance.py's deterministic sampler, compiled
natively and with x86_64-hermit-*, run natively and in Eremit.

Checks, per suite and overall: Eremit passes at least 95% as many tests as the native
build.  Every test's outcome is printed; `make conformance` runs the larger sample and
writes the report.  Ends with 'N passed, N failed'."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conformance  # noqa: E402
from testlib import CXX, EREMIT, Suite, check  # noqa: E402

PER_SUITE = {"libstdc++": 34, "gfortran": 30, "libgomp": 26}
MIN_RATIO = 0.95

suite = Suite("conformance", requires=[EREMIT, CXX])


@suite.case("fast-subset")
def fast_subset():
    conformance.wait_for_toolchain()
    tree = conformance.source_tree()
    tests, stats = conformance.select(tree, PER_SUITE)
    check(f"testsuites unpacked, {len(tests)} tests selected "
          f"({', '.join(f'{s}: {len([t for t in tests if t.suite == s])}' for s in stats)})",
          all(len([t for t in tests if t.suite == s]) == n for s, n in PER_SUITE.items()))
    start = time.monotonic()
    res = conformance.run_all(tree, tests, jobs=(os.cpu_count() or 1) + 1, progress=False)
    for r in res:
        n, e = r["native"]["passed"], r["eremit"]["passed"]
        tag = "pass" if n and e else ("eremit-only fail" if n else ("eremit-only pass" if e else "fails both"))
        print(f"      {tag:16} {r['name']} ({r['eremit']['secs']:.1f} s)", flush=True)
        if n and not e:
            print("        " + r["eremit"].get("reason", "").replace("\n", "\n        "), flush=True)
    by = conformance.summarize(res)
    for s, v in by.items():
        check(f"{s}: Eremit passes {v['eremit']} of {v['selected']}, native {v['native']} "
              f"({100 * conformance.ratio(v):.1f}% >= {100 * MIN_RATIO:.0f}%)",
              v["native"] and conformance.ratio(v) >= MIN_RATIO,
              "Eremit-only failures: " + ", ".join(r["name"] for r in v["eremit_only_fail"]))
    nat = sum(v["native"] for v in by.values())
    ere = sum(v["eremit"] for v in by.values())
    check(f"all suites: Eremit {ere}, native {nat} ({100 * ere / max(nat, 1):.1f}%; "
          f"{time.monotonic() - start:.0f} s)", nat and ere >= MIN_RATIO * nat)


if __name__ == "__main__":
    sys.exit(suite.main())
