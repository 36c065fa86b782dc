#!/usr/bin/env python3
"""Reliability tests (tests/reliability/*.c, see its README): each program natively (gcc,
glibc) and in Eremit, standard output and exit status compared.

  --only NAME[,NAME]   run only these programs
Ends with 'N passed, N failed'; exits non-zero on any failure."""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests", "reliability")
TOOLCHAIN = os.environ.get("RELIABILITY_TESTS_TOOLCHAIN") or os.path.join(ROOT, "build", "toolchain", "bin")
HERMIT_CC = os.path.join(TOOLCHAIN, "x86_64-hermit-gcc")
EREMIT = os.path.join(TOOLCHAIN, "eremit")
CFLAGS = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Wno-unused-result"]

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, finish  # noqa: E402


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
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout} s"
    code = 128 - p.returncode if p.returncode < 0 else p.returncode
    return code, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def build(label, cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    check(f"{label}: builds", p.returncode == 0, p.stdout + p.stderr, keep_end=True)
    return p.returncode == 0


def one(name, workdir):
    s = settings(name)
    src = os.path.join(TESTS, name + ".c")
    timeout = int(s["timeout"])
    if s.get("native") == "skip":
        with open(os.path.join(TESTS, name + ".expected")) as f:
            want_out, want_code, want_err = f.read(), int(s["exit"]), ""
    else:
        native = os.path.join(workdir, "native-" + name)
        if not build(f"native {name}", ["gcc", *CFLAGS, "-pthread", src, "-o", native]):
            return
        want_code, want_out, want_err = run([native], timeout)
    exe = os.path.join(workdir, "eremit-" + name)
    if not build(f"eremit {name}", [HERMIT_CC, *CFLAGS, src, "-o", exe]):
        return
    net = ["--net", s["net"]] if "net" in s else []
    cmd = [EREMIT, "run", "--cpus", s["cpus"], "--memory", s["memory"], *net, "--timeout", str(timeout), exe]
    code, out, err = run(cmd, timeout + 30)
    check(f"{name}: output as natively" if s.get("native") != "skip" else f"{name}: output as expected",
          out == want_out, f"eremit:\n{out}\nwanted:\n{want_out}\nstderr:\n{err[-3000:]}")
    check(f"{name}: exit status {want_code}", code == want_code,
          f"eremit exited {code}\nstderr:\n{err[-3000:]}\nwanted stderr:\n{want_err[-1000:]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    names = sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(TESTS, "*.c")))
    if args.only:
        wanted = args.only.split(",")
        names = [n for n in names if n in wanted]
    for tool in (HERMIT_CC, EREMIT):
        if not os.access(tool, os.X_OK):
            check(f"{os.path.relpath(tool, ROOT)} exists", False, "run make toolchain-c first")
            sys.exit(finish())
    with tempfile.TemporaryDirectory(prefix="reliability-tests-") as workdir:
        for name in names:
            one(name, workdir)
    sys.exit(finish())


if __name__ == "__main__":
    main()
