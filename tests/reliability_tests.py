#!/usr/bin/env python3
"""Reliability tests (tests/reliability/*.c, see its README): each program natively (gcc,
glibc) and in Eremit, standard output and exit status compared.

  -k NAME   run only the programs whose names contain NAME (or match a glob)
Ends with 'N passed, N failed'; exits non-zero on any failure."""

import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROOT, Suite, check, once, run_bytes, scratch  # noqa: E402

TESTS = os.path.join(ROOT, "tests", "reliability")
TOOLCHAIN = os.environ.get("RELIABILITY_TESTS_TOOLCHAIN") or os.path.join(ROOT, "build", "toolchain", "bin")
HERMIT_CC = os.path.join(TOOLCHAIN, "x86_64-hermit-gcc")
EREMIT = os.path.join(TOOLCHAIN, "eremit")
CFLAGS = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Wno-unused-result"]

suite = Suite("reliability", requires=[HERMIT_CC, EREMIT])
workdir = once(lambda: scratch("reliability-tests-"))


def settings(name):
    """The `reliability:` line of the file's first comment as a dict."""
    with open(os.path.join(TESTS, name + ".c")) as f:
        head = f.read(600)
    out = {"memory": "256M", "cpus": "2", "timeout": "120", "exit": "0"}
    if "reliability:" in head:
        for word in head.split("reliability:", 1)[1].split("\n", 1)[0].split():
            key, _, value = word.partition("=")
            out[key] = value or "yes"
    return out


def run(cmd, timeout):
    """(exit status as a shell shows it, stdout, stderr); a hang is status 124."""
    return run_bytes(cmd, timeout)


def build(label, cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    check(f"{label}: builds", p.returncode == 0, p.stdout + p.stderr, keep_end=True)
    return p.returncode == 0


def one(name):
    s = settings(name)
    src = os.path.join(TESTS, name + ".c")
    timeout = int(s["timeout"])
    if s.get("native") == "skip":
        with open(os.path.join(TESTS, name + ".expected")) as f:
            want_out, want_code, want_err = f.read(), int(s["exit"]), ""
    else:
        native = os.path.join(workdir(), "native-" + name)
        if not build(f"native {name}", ["gcc", *CFLAGS, "-pthread", src, "-o", native]):
            return
        want_code, want_out, want_err = run([native], timeout)
    exe = os.path.join(workdir(), "eremit-" + name)
    if not build(f"eremit {name}", [HERMIT_CC, *CFLAGS, src, "-o", exe]):
        return
    net = ["--net", s["net"]] if "net" in s else []
    cmd = [EREMIT, "run", "--cpus", s["cpus"], "--memory", s["memory"], *net, "--timeout", str(timeout), exe]
    code, out, err = run(cmd, timeout + 30)
    check(f"{name}: output as natively" if s.get("native") != "skip" else f"{name}: output as expected",
          out == want_out, f"eremit:\n{out}\nwanted:\n{want_out}\nstderr:\n{err[-3000:]}")
    check(f"{name}: exit status {want_code}", code == want_code,
          f"eremit exited {code}\nstderr:\n{err[-3000:]}\nwanted stderr:\n{want_err[-1000:]}")


for _name in sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(TESTS, "*.c"))):
    suite.add(_name, one, _name)


if __name__ == "__main__":
    sys.exit(suite.main())
