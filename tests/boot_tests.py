#!/usr/bin/env python3
"""Boot tests: builds the programs in tests/apps natively and for Eremit, boots them with
`eremit run` and checks output and exit codes, comparing with the native run where the
program's behaviour is defined by std alone. Ends with 'N passed, N failed'."""

import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import (APPS, CC, EREMIT, EXAMPLES_RUST, HERMIT_BUILD, HERMIT_TARGET, Suite, check,  # noqa: E402
                     once, run, run_bytes)

HERMIT_BIN = os.path.join(APPS, "target", HERMIT_TARGET, "release")
NATIVE_BIN = os.path.join(APPS, "target", "release")
HELLO = os.path.join(EXAMPLES_RUST, "target", HERMIT_TARGET, "release", "hello")

suite = Suite("boot", requires=[EREMIT], hint="run `make toolchain hello` first")


@once
def build():
    print("boot-tests: building tests/apps for x86_64-unknown-hermit and natively", flush=True)
    for cmd in (HERMIT_BUILD + ["-q"], ["cargo", "build", "--release", "-q"]):
        p = run(cmd, cwd=APPS, timeout=3600)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-4000:]}")


def eremit(app, *args, opts=(), cpus=None, env=None, timeout=120):
    build()
    return testlib.eremit(os.path.join(HERMIT_BIN, app), args, opts, cpus=cpus, env=env,
                          guest_timeout=90, timeout=timeout)


def native(app, *args, env=None):
    build()
    return testlib.native(os.path.join(NATIVE_BIN, app), args, env=env, timeout=60)


def same_as_native(name, app, args, env, machine, cpus=1, native_args=None, opts=()):
    """`native_args` replaces `args` for the native run (e.g. a directory of its own);
    `opts` are more options for `eremit run`."""
    opts = ["--machine", machine, *opts]
    code, out, err, secs = eremit(app, *args, opts=opts, cpus=cpus, env=env)
    if cpus > 1:
        machine = f"{machine} with {cpus} vCPUs"
    ncode, nout, nerr = native(app, *(args if native_args is None else native_args), env=env)
    check(f"{name} on {machine}: stdout equals native", out == nout, f"eremit:\n{out}\nnative:\n{nout}\nstderr:\n{err}")
    check(f"{name} on {machine}: stderr equals native", err == nerr, f"eremit:\n{err}\nnative:\n{nerr}")
    check(f"{name} on {machine}: exit code {ncode} as native", code == ncode, f"eremit exit code {code}")


ARGS = ["one", "two words", "", "--flag", 'quote"and\\backslash']
ENV = {"EREMIT_T_A": "1", "EREMIT_T_B": "x y", "EREMIT_T_EMPTY": ""}
for _machine in ("microvm", "q35"):
    suite.add(f"std-basics-{_machine}", same_as_native, "std-basics", "std-basics", ARGS, ENV, _machine)
suite.add("bad-input", same_as_native, "bad-input", "bad-input", [], {}, "microvm")
# Loopback without a network device and beside one (issue 14, item 4).
suite.add("loopback", same_as_native, "loopback", "loopback", [], {}, "microvm", cpus=2)
suite.add("loopback-net-user", same_as_native, "loopback (--net user)", "loopback", [], {}, "q35", cpus=2,
          opts=["--net", "user"])
suite.add("threads-microvm", same_as_native, "threads", "threads", ["1000"], {}, "microvm")
suite.add("threads-microvm-4cpus", same_as_native, "threads", "threads", ["1000"], {}, "microvm", cpus=4)
suite.add("threads-q35-2cpus", same_as_native, "threads", "threads", ["300"], {}, "q35", cpus=2)


@suite.case("files")
def files():
    # The in-memory filesystem under /tmp; natively a fresh directory (the program
    # prints only paths relative to it and removes it at the end).
    for machine, cpus in (("microvm", 1), ("q35", 2)):
        with tempfile.TemporaryDirectory(prefix="eremit-files-") as tmp:
            same_as_native("files", "files", ["/tmp/files-test"], {}, machine, cpus=cpus,
                           native_args=[os.path.join(os.path.realpath(tmp), "base")])


@suite.case("files-fill")
def files_fill():
    # A file grown until memory runs out: ENOSPC (the in-memory file system is full, as
    # tmpfs says), not a crash, and the memory comes back.
    code, out, err, _ = eremit("files", "--fill", "/tmp", opts=["--memory", "128M"])
    m = re.fullmatch(r"filled (\d+) MiB \(file length matches: true\), then errno 28; "
                     r"after removing it a 1 MiB write works: true\n", out)
    check("files: a file filling 128 MiB of memory gets ENOSPC, then writes work again",
          code == 0 and m is not None and int(m.group(1)) >= 64, f"{code} {out!r}\n{err[-2000:]}")


@suite.case("heap-return")
def heap_return():
    # Memory freed at one size serves another: at 64 MiB, 53 MiB of 1 MiB vectors
    # dropped, then one 32 MiB vector.
    code, out, err, _ = eremit("heap-return", opts=["--memory", "64M"])
    ncode, nout, _ = native("heap-return")
    check("heap-return at --memory 64M: output and exit code as native", code == ncode and out == nout,
          f"eremit {code}:\n{out}\nnative {ncode}:\n{nout}\nstderr:\n{err[-2000:]}")


@suite.case("panic")
def panic():
    code, out, err, _ = eremit("panic")
    check("panic: exit code 134 (SIGABRT)", code == 134, f"exit code {code}")
    check("panic: message on stderr", "deliberate panic: 42" in err and "panicked at" in err, err)
    check("panic: output before the panic kept", out == "before the panic\n", out)
    check("panic: backtrace printed", "backtrace" in err, err)


@suite.case("fault")
def fault():
    code, out, err, _ = eremit("fault")
    check("fault: exit code 139 (SIGSEGV)", code == 139, f"exit code {code}\n{err}")
    check("fault: crash report names vector and address",
          "page fault (#PF), vector 14" in err and "0x0000700000000000" in err, err)
    check("fault: crash report has registers and backtrace", "rip 0x" in err and "r15 0x" in err and "#0" in err, err)

    code, out, err, _ = eremit("fault", "0")
    check("null pointer: reported as such, exit 139", code == 139 and "null pointer" in err, f"{code}\n{err}")


@suite.case("stack-overflow")
def stack_overflow():
    code, out, err, _ = eremit("stack-overflow")
    check("stack overflow: exit 139 and named", code == 139 and "stack overflow" in err and "main thread" in err,
          f"{code}\n{err}")

    code, out, err, _ = eremit("stack-overflow", "thread")
    check("stack overflow in a thread: exit 139, task named",
          code == 139 and "stack overflow" in err and "(task 2)" in err, f"{code}\n{err}")


@suite.case("churn")
def churn():
    # Heap use at exit after 1000 and after 100,000 short threads: one-time costs (std's
    # bookkeeping, queue capacities) are the same in both, a per-thread leak is not.
    at_exit = {}
    for n in (1000, 100000):
        code, out, err, secs = eremit("churn", str(n), opts=["--verbose"], timeout=300)
        m = re.search(r"heap in use at exit: (\d+) bytes; (\d+) tasks alive", err)
        ok = code == 0 and out == f"{n} threads ran\n" and m is not None and m.group(2) == "1"
        check(f"churn: {n} threads ran, only main alive at exit ({secs:.1f} s)", ok, f"{code} {out!r}\n{err[-2000:]}")
        at_exit[n] = int(m.group(1)) if m else None
    if None not in at_exit.values():
        growth = at_exit[100000] - at_exit[1000]
        check(f"churn: 99,000 more threads grow the heap by {growth} bytes (bound 16 KiB)", growth <= 16 * 1024)


@suite.case("out-of-memory")
def out_of_memory():
    # Out of memory before anything was written: std's report still reaches stderr.
    code, out, err, _ = eremit("out-of-memory", opts=["--memory", "16M"])
    check("out of memory: std's \"memory allocation of 1048576 bytes failed\" on stderr, exit 134",
          code == 134 and out == "" and err.startswith("memory allocation of 1048576 bytes failed\n"),
          f"{code} {out!r}\n{err[-2000:]}")


@suite.case("verbose")
def verbose():
    code, out, err, _ = eremit("std-basics", opts=["--verbose"])
    check("--verbose: kernel log on stderr, no exit record",
          "entering the application" in err and "@@EREMIT-EXIT" not in err and code == 3, err)


@suite.case("hello-q35")
def hello_q35():
    if os.path.exists(HELLO):
        code, out, err = run_bytes([EREMIT, "run", "--timeout", "60", "--machine", "q35", HELLO], 120)
        check("examples-rust/hello on q35", code == 0 and out == "Hello from Eremit!\n",
              f"{code} {out!r} {err!r}")


C_HELLO = '#include <stdio.h>\nint main(void) { printf("Hello from C\\n"); return 7; }\n'


@suite.case("hello-small-memory")
def small_memory():
    """A C and a Rust std hello world in a 4 MiB VM on both machines; below the image's
    minimum the runner refuses with one `eremit:` line and exit 125 (a VM smaller than
    the image used to hang)."""
    images = []
    if os.path.exists(HELLO):
        images.append(("Rust std hello", HELLO, 0, "Hello from Eremit!\n"))
    tmp = tempfile.TemporaryDirectory(prefix="eremit-small-memory-")
    if os.access(CC, os.X_OK):
        src, exe = os.path.join(tmp.name, "hello.c"), os.path.join(tmp.name, "hello")
        with open(src, "w") as f:
            f.write(C_HELLO)
        p = run([CC, "-O2", src, "-o", exe])
        check("C hello builds", p.returncode == 0, p.stderr)
        images.append(("C hello", exe, 7, "Hello from C\n"))
    else:
        print("boot-tests: no C toolchain (make toolchain-c): the C hello at 4 MiB is skipped", flush=True)
    boot = lambda *a: run_bytes([EREMIT, "run", "--timeout", "60", *a], 120)  # noqa: E731
    for name, image, want_code, want_out in images:
        for machine in ("microvm", "q35"):
            code, out, err = boot("--memory", "4M", "--machine", machine, image)
            check(f"{name} with --memory 4M on {machine}: output and exit code {want_code}",
                  code == want_code and out == want_out and err == "",
                  f"{code} {out!r} {err[-2000:]!r}")
        for memory in ("3M", "2M", "1M"):
            code, out, err = boot("--memory", memory, image)
            ok = (code == 125 and out == ""
                  and re.fullmatch(rf"eremit: --memory {memory} is too small: this image needs at least \d+[KM]\n", err))
            check(f"{name} with --memory {memory}: exit 125 and one eremit: line", ok, f"{code} {err!r}")
    tmp.cleanup()


if __name__ == "__main__":
    sys.exit(suite.main())
