#!/usr/bin/env python3
"""Boot tests: builds the programs in tests/apps natively and for Eremit, boots them with
`eremit run` and checks output and exit codes, comparing with the native run where the
program's behaviour is defined by std alone. Ends with 'N passed, N failed'."""

import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APPS = os.path.join(ROOT, "tests", "apps")
EREMIT = os.path.join(ROOT, "build", "toolchain", "bin", "eremit")
HERMIT_BIN = os.path.join(APPS, "target", "x86_64-unknown-hermit", "release")
NATIVE_BIN = os.path.join(APPS, "target", "release")
HERMIT_BUILD = ["cargo", "build", "--release", "-Zbuild-std=std,panic_abort",
                "-Zbuild-std-features=compiler-builtins-mem", "--target", "x86_64-unknown-hermit"]

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, finish  # noqa: E402


def build():
    print("boot-tests: building tests/apps for x86_64-unknown-hermit and natively", flush=True)
    subprocess.run(HERMIT_BUILD + ["-q"], cwd=APPS, check=True)
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=APPS, check=True)


def eremit(app, *args, opts=(), timeout=120):
    cmd = [EREMIT, "run", "--timeout", "90", *opts, os.path.join(HERMIT_BIN, app), *args]
    start = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), time.monotonic() - start


def native(app, *args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([os.path.join(NATIVE_BIN, app), *args], stdin=subprocess.DEVNULL,
                       capture_output=True, env=e, timeout=60)
    # A native process killed by SIGABRT reports -6; a shell (and eremit) shows 134.
    code = 128 - p.returncode if p.returncode < 0 else p.returncode
    return code, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def same_as_native(name, app, args, env, machine, cpus=1, native_args=None, opts=()):
    """`native_args` replaces `args` for the native run (e.g. a directory of its own);
    `opts` are more options for `eremit run`."""
    opts = ["--machine", machine, "--cpus", str(cpus), *opts] + [x for k, v in env.items() for x in ("--env", f"{k}={v}")]
    if cpus > 1:
        machine = f"{machine} with {cpus} vCPUs"
    code, out, err, secs = eremit(app, *args, opts=opts)
    ncode, nout, nerr = native(app, *(args if native_args is None else native_args), env=env)
    check(f"{name} on {machine}: stdout equals native", out == nout, f"eremit:\n{out}\nnative:\n{nout}\nstderr:\n{err}")
    check(f"{name} on {machine}: stderr equals native", err == nerr, f"eremit:\n{err}\nnative:\n{nerr}")
    check(f"{name} on {machine}: exit code {ncode} as native", code == ncode, f"eremit exit code {code}")


def main():
    build()
    env = {"EREMIT_T_A": "1", "EREMIT_T_B": "x y", "EREMIT_T_EMPTY": ""}
    args = ["one", "two words", "", "--flag", 'quote"and\\backslash']
    for machine in ("microvm", "q35"):
        same_as_native("std-basics", "std-basics", args, env, machine)
    same_as_native("bad-input", "bad-input", [], {}, "microvm")
    # Loopback without a network device and beside one (issue 14, item 4).
    same_as_native("loopback", "loopback", [], {}, "microvm", cpus=2)
    same_as_native("loopback (--net user)", "loopback", [], {}, "q35", cpus=2, opts=["--net", "user"])
    same_as_native("threads", "threads", ["1000"], {}, "microvm")
    same_as_native("threads", "threads", ["1000"], {}, "microvm", cpus=4)
    same_as_native("threads", "threads", ["300"], {}, "q35", cpus=2)
    # The in-memory filesystem under /tmp; natively a fresh directory (the program
    # prints only paths relative to it and removes it at the end).
    for machine, cpus in (("microvm", 1), ("q35", 2)):
        with tempfile.TemporaryDirectory(prefix="eremit-files-") as tmp:
            same_as_native("files", "files", ["/tmp/files-test"], {}, machine, cpus=cpus,
                           native_args=[os.path.join(os.path.realpath(tmp), "base")])
    # A file grown until memory runs out: ENOSPC (the in-memory file system is full, as
    # tmpfs says), not a crash, and the memory comes back.
    code, out, err, _ = eremit("files", "--fill", "/tmp", opts=["--memory", "128M"])
    m = re.fullmatch(r"filled (\d+) MiB \(file length matches: true\), then errno 28; "
                     r"after removing it a 1 MiB write works: true\n", out)
    check("files: a file filling 128 MiB of memory gets ENOSPC, then writes work again",
          code == 0 and m is not None and int(m.group(1)) >= 64, f"{code} {out!r}\n{err[-2000:]}")

    # Memory freed at one size serves another: at 64 MiB, 53 MiB of 1 MiB vectors
    # dropped, then one 32 MiB vector.
    code, out, err, _ = eremit("heap-return", opts=["--memory", "64M"])
    ncode, nout, _ = native("heap-return")
    check("heap-return at --memory 64M: output and exit code as native", code == ncode and out == nout,
          f"eremit {code}:\n{out}\nnative {ncode}:\n{nout}\nstderr:\n{err[-2000:]}")

    code, out, err, _ = eremit("panic")
    check("panic: exit code 134 (SIGABRT)", code == 134, f"exit code {code}")
    check("panic: message on stderr", "deliberate panic: 42" in err and "panicked at" in err, err)
    check("panic: output before the panic kept", out == "before the panic\n", out)
    check("panic: backtrace printed", "backtrace" in err, err)

    code, out, err, _ = eremit("fault")
    check("fault: exit code 139 (SIGSEGV)", code == 139, f"exit code {code}\n{err}")
    check("fault: crash report names vector and address",
          "page fault (#PF), vector 14" in err and "0x0000700000000000" in err, err)
    check("fault: crash report has registers and backtrace", "rip 0x" in err and "r15 0x" in err and "#0" in err, err)

    code, out, err, _ = eremit("fault", "0")
    check("null pointer: reported as such, exit 139", code == 139 and "null pointer" in err, f"{code}\n{err}")

    code, out, err, _ = eremit("stack-overflow")
    check("stack overflow: exit 139 and named", code == 139 and "stack overflow" in err and "main thread" in err,
          f"{code}\n{err}")

    code, out, err, _ = eremit("stack-overflow", "thread")
    check("stack overflow in a thread: exit 139, task named",
          code == 139 and "stack overflow" in err and "(task 2)" in err, f"{code}\n{err}")

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

    # Out of memory before anything was written: std's report still reaches stderr.
    code, out, err, _ = eremit("out-of-memory", opts=["--memory", "16M"])
    check("out of memory: std's \"memory allocation of 1048576 bytes failed\" on stderr, exit 134",
          code == 134 and out == "" and err.startswith("memory allocation of 1048576 bytes failed\n"),
          f"{code} {out!r}\n{err[-2000:]}")

    code, out, err, _ = eremit("std-basics", opts=["--verbose"])
    check("--verbose: kernel log on stderr, no exit record",
          "entering the application" in err and "@@EREMIT-EXIT" not in err and code == 3, err)

    hello = os.path.join(ROOT, "examples-rust", "target", "x86_64-unknown-hermit", "release", "hello")
    if os.path.exists(hello):
        p = subprocess.run([EREMIT, "run", "--timeout", "60", "--machine", "q35", hello],
                           capture_output=True, stdin=subprocess.DEVNULL)
        check("examples-rust/hello on q35", p.returncode == 0 and p.stdout == b"Hello from Eremit!\n",
              f"{p.returncode} {p.stdout!r} {p.stderr!r}")

    small_memory(hello)
    return finish()


C_HELLO = '#include <stdio.h>\nint main(void) { printf("Hello from C\\n"); return 7; }\n'


def small_memory(rust_hello):
    """A C and a Rust std hello world in a 4 MiB VM on both machines; below the image's
    minimum the runner refuses with one `eremit:` line and exit 125 (a VM smaller than
    the image used to hang)."""
    images = []
    if os.path.exists(rust_hello):
        images.append(("Rust std hello", rust_hello, 0, "Hello from Eremit!\n"))
    hermit_gcc = os.path.join(ROOT, "build", "toolchain", "bin", "x86_64-hermit-gcc")
    tmp = tempfile.TemporaryDirectory(prefix="eremit-small-memory-")
    if os.access(hermit_gcc, os.X_OK):
        src, exe = os.path.join(tmp.name, "hello.c"), os.path.join(tmp.name, "hello")
        with open(src, "w") as f:
            f.write(C_HELLO)
        p = subprocess.run([hermit_gcc, "-O2", src, "-o", exe], capture_output=True, text=True)
        check("C hello builds", p.returncode == 0, p.stderr)
        images.append(("C hello", exe, 7, "Hello from C\n"))
    else:
        print("boot-tests: no C toolchain (make toolchain-c): the C hello at 4 MiB is skipped", flush=True)
    run = lambda *a: subprocess.run([EREMIT, "run", "--timeout", "60", *a], capture_output=True,
                                    stdin=subprocess.DEVNULL, timeout=120)
    for name, image, want_code, want_out in images:
        for machine in ("microvm", "q35"):
            p = run("--memory", "4M", "--machine", machine, image)
            check(f"{name} with --memory 4M on {machine}: output and exit code {want_code}",
                  p.returncode == want_code and p.stdout.decode() == want_out and p.stderr == b"",
                  f"{p.returncode} {p.stdout!r} {p.stderr[-2000:]!r}")
        for memory in ("3M", "2M", "1M"):
            p = run("--memory", memory, image)
            err = p.stderr.decode(errors="replace")
            ok = (p.returncode == 125 and p.stdout == b""
                  and re.fullmatch(rf"eremit: --memory {memory} is too small: this image needs at least \d+K\n", err))
            check(f"{name} with --memory {memory}: exit 125 and one eremit: line", ok, f"{p.returncode} {err!r}")
    tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
