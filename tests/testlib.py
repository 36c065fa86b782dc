"""What the test scripts share: ok/FAIL lines, running a host command, the closing
'N passed, N failed' line (the line CI reads)."""

import os
import subprocess

results = []


def check(name, cond, detail=""):
    """Records one assertion and prints it; on failure also the detail (cut at 4000 chars)."""
    results.append(bool(cond))
    print(("ok    " if cond else "FAIL  ") + name, flush=True)
    if not cond and detail:
        print("      " + str(detail).strip().replace("\n", "\n      ")[:4000], flush=True)


def run(cmd, cwd=None, env=None, timeout=600):
    """Runs a host command with the test's environment plus env, no stdin, output captured."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, errors="replace")


def finish():
    """Prints the closing line; the exit code: 1 when a check failed."""
    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
