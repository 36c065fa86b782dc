#!/usr/bin/env python3
"""Standard input tests: the runner's stdin is the application's descriptor 0.

- `echo hi | eremit run cat` prints "hi" (microvm and q35);
- a C `cat` (tests/stdin/cat.c, read/write) and a Rust program reading with std
  (tests/apps/stdin-read: line by line, and read_to_end) give what their native builds
  give on the same input;
- 200 MiB piped through: the SHA-256 the guest computes of what it read
  (tests/stdin/sha256.c) equals the host's;
- `</dev/null` and a closed stdin read end of file at once;
- poll on descriptor 0 (tests/stdin/poll.c): 0 after its timeout while no input comes,
  EAGAIN from a non-blocking read, readable once a host process writes, end of file
  once it closes; the same as natively; two threads blocked in read(0) and a third in
  poll(0) are all woken and each line is read once (tests/stdin/readers.c);
- a terminal (a pseudo-terminal) as stdin: a typed line, then Ctrl-D for end of file;
- termios (tests/stdin/termios.c): tcgetattr, tcsetattr and TIOCGWINSZ with pipes
  (ENOTTY) and on a new pseudo-terminal, the same as natively;
- a program that never reads its stdin leaves it alone: `(eremit run noread; cat) <file`
  still gives the whole file to `cat`;
- a Hermit-template application outside the repository (`hermit = "0.13"`,
  `default-features = false`, Hermit's feature names, as Hermit's stdin example has them)
  copies its stdin to its stdout.

Ends with 'N passed, N failed'."""

import hashlib
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import CC, EREMIT, ROOT, Suite, check, measure  # noqa: E402

SRC = os.path.join(ROOT, "tests", "stdin")
OUT = os.path.join(ROOT, "build", "stdin-tests")
APPS = os.path.join(ROOT, "tests", "apps")
RUST_HERMIT = os.path.join(APPS, "target", "x86_64-unknown-hermit", "release", "stdin-read")
RUST_NATIVE = os.path.join(APPS, "target", "release", "stdin-read")
HERMIT_BUILD = ["cargo", "build", "--release", "-q", "-p", "stdin-read", "-Zbuild-std=std,panic_abort",
                "-Zbuild-std-features=compiler-builtins-mem", "--target", "x86_64-unknown-hermit"]
PROGRAMS = ["cat", "sha256", "poll", "noread", "readers", "tty", "termios"]


suite = Suite("stdin", requires=[CC, EREMIT])


@suite.setup
def build():
    print("stdin-tests: building tests/stdin/*.c and tests/apps/stdin-read, natively and for Eremit",
          flush=True)
    os.makedirs(OUT, exist_ok=True)
    for name in PROGRAMS:
        src = os.path.join(SRC, name + ".c")
        subprocess.run([CC, "-O2", src, "-o", image(name)], check=True)
        subprocess.run(["gcc", "-O2", "-pthread", src, "-o", native(name)], check=True)
    subprocess.run(HERMIT_BUILD, cwd=APPS, check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "stdin-read"], cwd=APPS, check=True)


def image(name):
    return os.path.join(OUT, name)


def native(name):
    return os.path.join(OUT, name + ".native")


def eremit_cmd(img, *args, machine="microvm"):
    return [EREMIT, "run", "--timeout", "240", "--machine", machine, img, *args]


def feed(cmd, data, timeout=300):
    """Runs cmd with `data` written to its stdin through a pipe (by a thread, so that
    large inputs stream); returns (exit code, stdout, stderr, seconds)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = {}

    def write():
        try:
            view = memoryview(data)
            for at in range(0, len(view), 1 << 20):
                p.stdin.write(view[at:at + (1 << 20)])
        except BrokenPipeError:
            pass
        finally:
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass

    def read(name, stream):
        got[name] = stream.read()

    threads = [threading.Thread(target=write),
               threading.Thread(target=read, args=("out", p.stdout)),
               threading.Thread(target=read, args=("err", p.stderr))]
    for t in threads:
        t.start()
    try:
        code = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        code = p.wait()
    for t in threads:
        t.join()
    return code, got["out"], got["err"], time.monotonic() - start


def shell(script, timeout=300):
    p = subprocess.run(["sh", "-c", script], capture_output=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def same_as_native(name, img, nat, data, args=(), machine="microvm"):
    code, out, err, _ = feed(eremit_cmd(img, *args, machine=machine), data)
    ncode, nout, nerr, _ = feed([nat, *args], data)
    check(f"{name}: stdout equals native", out == nout,
          f"eremit ({len(out)} bytes):\n{out[:2000]!r}\nnative ({len(nout)} bytes):\n{nout[:2000]!r}\n"
          f"stderr:\n{err.decode(errors='replace')}")
    check(f"{name}: exit code {ncode} as native", code == ncode, f"eremit {code}: {err!r}")


def text_input():
    lines = [f"line {i}: {'word ' * (i % 13)}éß→ {i * i}" for i in range(2000)]
    return ("\n".join(lines) + "\nlast line without newline").encode()


@suite.case("pipe-and-native")
def test_pipe_and_native():
    for machine in ("microvm", "q35"):
        code, out, err = shell(f"echo hi | {EREMIT} run --timeout 120 --machine {machine} {image('cat')}")
        check(f"echo hi | eremit run cat on {machine}: prints hi", (code, out) == (0, b"hi\n"),
              f"exit {code}, stdout {out!r}, stderr {err!r}")
    text = text_input()
    same_as_native("cat of 2000 lines (80 KB)", image("cat"), native("cat"), text)
    same_as_native("cat of 2000 lines on q35", image("cat"), native("cat"), text, machine="q35")
    same_as_native("Rust stdin().lines() of 2000 lines", RUST_HERMIT, RUST_NATIVE, text, args=["lines"])
    binary = os.urandom(8 << 20)
    same_as_native("Rust read_to_end of 8 MiB", RUST_HERMIT, RUST_NATIVE, binary, args=["all"])
    same_as_native("Rust read_to_end of 8 MiB on q35", RUST_HERMIT, RUST_NATIVE, binary, args=["all"],
                   machine="q35")


@suite.case("large")
def test_large():
    data = os.urandom(200 << 20)
    want = hashlib.sha256(data).hexdigest()
    for machine in ("microvm", "q35"):
        code, out, err, secs = feed(eremit_cmd(image("sha256"), machine=machine), data)
        got = out.decode(errors="replace")
        check(f"200 MiB piped through on {machine}: the guest's SHA-256 equals the host's",
              code == 0 and got == f"{want}  -\n{200 << 20} bytes\n",
              f"exit {code}\nguest: {got}\nhost:  {want}\nstderr: {err.decode(errors='replace')}")
        measure(f"200 MiB through sha256 on {machine}: {secs:.1f} s wall (hashing included)")


@suite.case("no-stdin")
def test_no_stdin():
    empty = hashlib.sha256(b"").hexdigest()
    for how, redirect in (("</dev/null", "</dev/null"), ("a closed stdin", "<&-")):
        start = time.monotonic()
        code, out, err = shell(f"{EREMIT} run --timeout 60 {image('sha256')} {redirect}")
        secs = time.monotonic() - start
        check(f"{how}: end of file at once (0 bytes read, {secs:.2f} s)",
              (code, out) == (0, f"{empty}  -\n0 bytes\n".encode()) and secs < 30,
              f"exit {code}, stdout {out!r}, stderr {err!r}")
        code, out, err = shell(f"{EREMIT} run --timeout 60 {RUST_HERMIT} all {redirect}")
        ncode, nout, _ = shell(f"{RUST_NATIVE} all {redirect}")
        check(f"{how}: Rust read_to_end as native", (code, out) == (ncode, nout),
              f"eremit {code} {out!r} {err!r}; native {ncode} {nout!r}")
    # With nothing attached, poll says readable (end of file) at once.
    code, out, err = shell(f"{EREMIT} run --timeout 60 {image('poll')} </dev/null")
    check("</dev/null: poll says readable at once, reads give end of file",
          code == 0 and out.startswith(b"poll with no input: 1\n"), f"exit {code}, {out!r}, {err!r}")


def interactive(cmd):
    """poll.c's conversation: a line when it says "waiting", another and the end when it
    says "again"."""
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []
    for line in p.stdout:
        lines.append(line)
        if line == b"waiting\n":
            p.stdin.write(b"hello\n")
            p.stdin.flush()
        elif line == b"again\n":
            p.stdin.write(b"more\n")
            p.stdin.close()
    err = p.stderr.read()
    return p.wait(timeout=120), b"".join(lines), err


@suite.case("poll")
def test_poll():
    want = (b"poll with no input: 0\nnon-blocking read with no input: EAGAIN\nwaiting\n"
            b"poll once input came: 1\nnon-blocking read: 6 bytes: hello\nagain\n"
            b"blocking reads to the end: 5 bytes: more\nread at the end: 0\npoll at the end: 1\n")
    ncode, nout, _ = interactive([native("poll")])
    check("poll natively: the expected conversation", (ncode, nout) == (0, want), nout.decode())
    for machine in ("microvm", "q35"):
        code, out, err = interactive(eremit_cmd(image("poll"), machine=machine))
        check(f"poll on fd 0 on {machine}: timeout while no input, EAGAIN, readable once input came, "
              "end of file (as native)", (code, out) == (ncode, nout),
              f"exit {code}\n{out.decode(errors='replace')}\nstderr: {err.decode(errors='replace')}")


def readers_conversation(cmd):
    """readers.c's conversation: a line once it is ready, another once the first was
    read, then the end. Returns (exit code, its output lines sorted)."""
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []
    for line in p.stdout:
        lines.append(line)
        if line == b"ready\n":
            p.stdin.write(b"one\n")
            p.stdin.flush()
        elif line == b"got one\n":
            p.stdin.write(b"two\n")
            p.stdin.flush()
        elif line == b"got two\n":
            p.stdin.close()
    p.stderr.read()
    return p.wait(timeout=120), sorted(lines)


@suite.case("several-waiters")
def test_several_waiters():
    ncode, nlines = readers_conversation([native("readers")])
    for cpus in (1, 2):
        code, lines = readers_conversation(
            [EREMIT, "run", "--timeout", "120", "--cpus", str(cpus), image("readers")])
        check(f"two threads blocked in read(0) and one in poll, {cpus} vCPU(s): each line read "
              "once, every waiter woken, end of file (as native)",
              (code, lines) == (ncode, nlines) and len(lines) == 6,
              f"eremit {code}: {lines}\nnative {ncode}: {nlines}")


@suite.case("terminal")
def test_terminal():
    master, slave = pty.openpty()
    p = subprocess.Popen(eremit_cmd(image("cat")), stdin=slave, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    os.close(slave)
    # Drain what the terminal echoes, so that it never blocks.
    threading.Thread(target=_drain, args=(master,), daemon=True).start()
    time.sleep(0.3)
    os.write(master, b"typed line\n")
    time.sleep(0.3)
    os.write(master, b"\x04")  # Ctrl-D at the start of a line: end of file
    try:
        out, err = p.communicate(timeout=120)
    finally:
        os.close(master)
    check("a terminal as stdin: a typed line, then Ctrl-D ends the input",
          (p.returncode, out) == (0, b"typed line\n"), f"exit {p.returncode}, {out!r}, {err!r}")


def tty_run(cmd, stdin="pipe", out_tty=False):
    """Runs cmd with stdin a pipe, a file, /dev/null, closed or a pseudo-terminal, and
    stdout/stderr pipes or (out_tty) that terminal too; returns (exit code, output)."""
    master = slave = None
    if stdin == "tty" or out_tty:
        master, slave = pty.openpty()
    kw = {}
    if stdin == "pipe":
        kw["stdin"] = subprocess.PIPE
    elif stdin == "file":
        kw["stdin"] = open(os.path.join(SRC, "tty.c"), "rb")
    elif stdin == "null":
        kw["stdin"] = subprocess.DEVNULL
    elif stdin == "closed":
        # The child's descriptor 0 closed before exec.
        kw["preexec_fn"] = lambda: os.close(0)
        kw["stdin"] = subprocess.DEVNULL
    else:
        kw["stdin"] = slave
    if out_tty:
        kw["stdout"] = kw["stderr"] = slave
    else:
        kw["stdout"] = subprocess.PIPE
        kw["stderr"] = subprocess.PIPE
    p = subprocess.Popen(cmd, **kw)
    if slave is not None:
        os.close(slave)
    got = b""
    if out_tty:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        code = p.wait(timeout=120)
        got = got.replace(b"\r\n", b"\n")
    else:
        got, _ = p.communicate(timeout=120)
        code = p.returncode
    if master is not None:
        os.close(master)
    return code, got


@suite.case("isatty")
def test_isatty():
    """isatty(0/1/2) in C is true exactly when eremit's own descriptor is a terminal, as
    natively (the runner tells the kernel with `tty=`)."""
    cases = [("pipe", False), ("file", False), ("null", False), ("closed", False),
             ("tty", False), ("tty", True)]
    for stdin, out_tty in cases:
        label = f"stdin {stdin}, stdout/stderr " + ("the terminal" if out_tty else "pipes")
        ncode, nout = tty_run([native("tty")], stdin, out_tty)
        code, out = tty_run(eremit_cmd(image("tty")), stdin, out_tty)
        if stdin == "closed":
            # Natively descriptor 0 does not exist (EBADF); in Eremit it is a console at
            # end of file, as README says, so not a terminal: ENOTTY.
            nout = nout.replace(b"isatty(0) = 0 errno EBADF", b"isatty(0) = 0 errno ENOTTY")
        check(f"isatty(0), (1), (2) with {label}: as native ({nout.decode().count('= 1')} true)",
              (code, out) == (ncode, nout) and nout.startswith(b"isatty(0)"),
              f"eremit {code}: {out!r}\nnative {ncode}: {nout!r}")
    # Rust: std's hermit backend of is_terminal() answers false without asking the kernel
    # (hermit-abi 0.5.2's `isatty` is a constant), so a terminal stdin still says false;
    # with a pipe, as natively.
    for stdin in ("pipe", "tty"):
        ncode, nout = tty_run([RUST_NATIVE, "tty"], stdin)
        code, out = tty_run(eremit_cmd(RUST_HERMIT, "tty"), stdin)
        want = b"stdin is_terminal: false\n"
        check(f"Rust std::io::stdin().is_terminal() with stdin a {stdin}: false in Eremit "
              f"(natively {nout.strip().decode()})",
              code == 0 and out == want and nout == (want if stdin == "pipe" else b"stdin is_terminal: true\n"),
              f"eremit {code}: {out!r}\nnative {ncode}: {nout!r}")


@suite.case("termios")
def test_termios():
    """tcgetattr/tcsetattr and TIOCGWINSZ in C: ENOTTY off a terminal; on a new
    pseudo-terminal the attributes Linux gives one, and what tcsetattr set read back
    (libc-port/src/termios.c keeps them; the runner's terminal is not changed)."""
    for stdin, out_tty in (("pipe", False), ("tty", True)):
        label = "pipes" if stdin == "pipe" else "a new pseudo-terminal"
        ncode, nout = tty_run([native("termios")], stdin, out_tty)
        code, out = tty_run(eremit_cmd(image("termios")), stdin, out_tty)
        check(f"termios on {label}: as native",
              (code, out) == (ncode, nout) and nout.startswith(b"fd 0: tcgetattr"),
              f"eremit {code}: {out!r}\nnative {ncode}: {nout!r}")


def _drain(fd):
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass


@suite.case("untouched-when-not-read")
def test_untouched_when_not_read():
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"abc\ndef\n")
        f.flush()
        code, out, err = shell(f"({EREMIT} run --timeout 60 {image('noread')}; cat) < {f.name}")
        check("a program that never reads stdin leaves it to the next reader",
              (code, out) == (0, b"not reading stdin\nabc\ndef\n"), f"exit {code}, {out!r}, {err!r}")


# Hermit-template apps live outside the repository, next to tests/hermit_compat_tests.py's
# (sharing its target directory, so std for the hermit target is built once).
CACHE = os.environ.get("EREMIT_CACHE_DIR") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "eremit")
COMPAT = os.path.join(CACHE, "hermit-compat")
TEMPLATE_MAIN = """\
#[cfg(target_os = "hermit")]
use hermit as _;

use std::io::{self, Write};

fn main() -> io::Result<()> {
    let copied = io::copy(&mut io::stdin().lock(), &mut io::stdout().lock())?;
    io::stdout().flush()?;
    eprintln!("copied {copied} bytes");
    Ok(())
}
"""


@suite.case("hermit-template")
def test_hermit_template():
    d = os.path.join(COMPAT, "stdin-app")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "src"))
    os.makedirs(os.path.join(d, ".cargo"))
    files = {
        "Cargo.toml": f"""[package]
name = "stdin-app"
version = "0.1.0"
edition = "2021"

[target.'cfg(target_os = "hermit")'.dependencies]
hermit = {{ version = "0.13", default-features = false, features = ["acpi", "pci"] }}

[patch.crates-io]
hermit = {{ path = "{os.path.join(ROOT, 'hermit')}" }}
""",
        "rust-toolchain.toml": '[toolchain]\nchannel = "nightly"\ncomponents = ["rust-src"]\n',
        ".cargo/config.toml": '[build]\ntarget = "x86_64-unknown-hermit"\n[unstable]\n'
                              'build-std = ["std", "panic_abort"]\n'
                              'build-std-features = ["compiler-builtins-mem"]\n',
        "src/main.rs": TEMPLATE_MAIN,
    }
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    target = os.path.join(COMPAT, "target")
    p = subprocess.run(["cargo", "build", "--release", "--target-dir", target], cwd=d,
                       capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
    check("Hermit-template stdin app (default-features = false): builds", p.returncode == 0,
          p.stderr, keep_end=True)
    if p.returncode != 0:
        return
    img = os.path.join(target, "x86_64-unknown-hermit", "release", "stdin-app")
    data = text_input()
    code, out, err, _ = feed(eremit_cmd(img), data)
    check("Hermit-template stdin app: copies its stdin to its stdout",
          code == 0 and out == data and err == f"copied {len(data)} bytes\n".encode(),
          f"exit {code}, {len(out)} of {len(data)} bytes, stderr {err[-2000:]!r}")


if __name__ == "__main__":
    sys.exit(suite.main())
