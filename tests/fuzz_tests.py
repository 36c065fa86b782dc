#!/usr/bin/env python3
"""The system-call fuzzer (tests/fuzz, see its README.md): builds it with
x86_64-hermit-gcc, runs it in Eremit (2 vCPUs, no network) for --seconds with --seed, and
checks that the kernel neither faulted nor hung (exit 0, not 139/134/124), that no bad
pointer was accepted, that the kernel's heap check passed, and that every function of
include/hermit/syscall.h was called (but sys_exit and sys_abort, which end the program).
Prints the fuzzer's table of calls x argument classes.

  --seconds N   how long to fuzz (default 60)
  --seed S      the random seed (default 1)
  --threads N   fuzzing threads (default 4)
  --wake-live   sys_wakeup_taskt also on live tasks (off by default: README.md)
  --no-volume   no host volume (by default the odd threads work in a host directory
                mounted at /vol, so the calls reach the virtio-fs descriptor kinds too)
Ends with 'N passed, N failed'; exits non-zero on any failure."""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import CC as HERMIT_CC, EREMIT, ROOT, Suite, check  # noqa: E402

HEADER = os.path.join(ROOT, "include", "hermit", "syscall.h")
SOURCES = os.path.join(ROOT, "tests", "fuzz")
# Calls that legitimately end the program: never fuzzed.
SKIPPED = {"sys_exit", "sys_abort"}
EXIT_MEANING = {124: "the guest hung (--timeout)", 134: "kernel panic or abort",
                139: "fatal exception (a fault)", 3: "a call never returned (named above)"}

suite = Suite("fuzz", requires=[HERMIT_CC, EREMIT])
suite.option("--seconds", type=int, default=60, help="how long to fuzz (default 60)")
suite.option("--seed", type=int, default=1, help="the random seed (default 1)")
suite.option("--threads", type=int, default=4, help="fuzzing threads (default 4)")
suite.option("--wake-live", action="store_true", help="sys_wakeup_taskt also on live tasks")
suite.option("--no-volume", action="store_true", help="no host volume at /vol")


def header_functions():
    with open(HEADER) as f:
        text = f.read()
    return set(re.findall(r"\b(sys_[a-z0-9_]+)\(", text))


@suite.case("syscalls")
def fuzz():
    args = suite.options
    with tempfile.TemporaryDirectory(prefix="fuzz-") as work:
        exe = os.path.join(work, "fuzz")
        sources = sorted(os.path.join(SOURCES, n) for n in os.listdir(SOURCES) if n.endswith(".c"))
        b = subprocess.run([HERMIT_CC, "-O2", "-g", "-Wall", "-Wextra", "-Werror",
                            "-I", os.path.join(ROOT, "include"), "-I", SOURCES, *sources, "-o", exe],
                           capture_output=True, text=True)
        check("fuzz: builds", b.returncode == 0, b.stdout + b.stderr, keep_end=True)
        if b.returncode != 0:
            return
        timeout = args.seconds + 180
        volume = os.path.join(work, "vol")
        os.mkdir(volume)
        cmd = [EREMIT, "run", "--cpus", "2", "--memory", "512M", "--net", "none",
               "--timeout", str(timeout)]
        if not args.no_volume:
            cmd += ["--volume", f"{volume}:/vol"]
        cmd += [exe, str(args.seconds), str(args.seed), str(args.threads)]
        if args.wake_live:
            cmd.append("wake-live")
        if not args.no_volume:
            cmd.append("volume=/vol")
        print("==> " + " ".join(a if a != exe else "fuzz" for a in cmd), flush=True)
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               errors="replace", timeout=timeout + 60)
            code, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            code, out, err = 124, "", "the runner did not end"
        # Nothing the guest did may land outside the volume: the host directory around
        # it holds only the fuzzer's image and the volume (symbolic links the fuzzer makes,
        # to "..", "/" and the like, resolve inside the volume, so files may appear
        # anywhere in it).
        beside = sorted(os.listdir(work))
        in_volume = sorted(os.listdir(volume))
    print(out, end="", flush=True)
    check(f"fuzz: exit status 0 (seed {args.seed}, {args.seconds} s)", code == 0,
          f"exit {code}: {EXIT_MEANING.get(code, 'the fuzzer found a failure')}\n{err[-4000:]}")
    check("fuzz: the kernel's heap check passed", "heap check: ok" in out, err[-2000:])
    if not args.no_volume:
        wanted_dirs = [f"fz{i}" for i in range(1, args.threads, 2)]
        check("fuzz: the odd threads worked in the host volume",
              all(d in in_volume for d in wanted_dirs), f"in the volume: {in_volume}")
        check("fuzz: nothing left the volume on the host", beside == ["fuzz", "vol"],
              f"beside the volume: {beside}")
    check("fuzz: no bad pointer was accepted", "bad pointers accepted: 0;" in out, err[-2000:])
    called = {}
    for line in out.splitlines():
        m = re.match(r"(sys_[a-z0-9_]+)\s+(\d+)\s", line)
        if m:
            called[m.group(1)] = int(m.group(2))
    wanted = header_functions() - SKIPPED
    missing = sorted(n for n in wanted if called.get(n, 0) == 0)
    check(f"fuzz: every call of include/hermit/syscall.h ran ({len(wanted)}; skipped: "
          f"{', '.join(sorted(SKIPPED))})", not missing, "never called: " + ", ".join(missing))


if __name__ == "__main__":
    sys.exit(suite.main())
