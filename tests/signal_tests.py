#!/usr/bin/env python3
"""Signals from outside: SIGHUP, SIGINT, SIGTERM, SIGUSR1 and SIGUSR2 sent to `eremit run`
reach the program (docs/signals.md). Each C case runs tests/signals/outside.c in Eremit
and natively, sends the same signals at the same points (after the line the program
prints when ready for them) and compares output and exit status (128+n for a program a
signal ended):

- a SIGTERM handler writes a line and exits 7 (microvm and q35, with and without a
  stdin to forward, i.e. a second console beside the signals'); SIGINT sent to the
  runner's process group, as a terminal's Ctrl-C is, goes to the handler too;
- no handler: SIGTERM and SIGUSR2 end it with 143 and 140; under --verbose the kernel's
  one line is on stderr, stdout holds only what the program wrote;
- SIGHUP ignored when eremit started (`nohup`) stays ignored: not forwarded;
- SIGUSR1/SIGUSR2 handlers count, an ignored SIGHUP does nothing, then SIGTERM at its
  default ends it with 143; sigwait({SIGINT}) takes SIGINT;
- a Rust std program (tests/apps/wait-signal): SIGTERM ends it with 143;
- a second SIGTERM while the handler of the first still runs ends the VM at once (143;
  natively the second waits for the handler, which is why this is not compared);
- SIGKILL to the runner leaves no QEMU or virtiofsd behind; --timeout still gives 124.

Ends with 'N passed, N failed'."""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import APPS, CC, EREMIT, HERMIT_BUILD, HERMIT_TARGET, ROOT, Suite, check  # noqa: E402

SRC = os.path.join(ROOT, "tests", "signals", "outside.c")
OUT = os.path.join(ROOT, "build", "signal-tests")
IMAGE = os.path.join(OUT, "outside")
NATIVE = os.path.join(OUT, "outside.native")
RUST_HERMIT = os.path.join(APPS, "target", HERMIT_TARGET, "release", "wait-signal")
RUST_NATIVE = os.path.join(APPS, "target", "release", "wait-signal")

suite = Suite("signal", requires=[CC, EREMIT])


@suite.setup
def build():
    print("signal-tests: building tests/signals/outside.c and tests/apps/wait-signal, natively "
          "and for Eremit", flush=True)
    os.makedirs(OUT, exist_ok=True)
    subprocess.run([CC, "-O2", SRC, "-o", IMAGE], check=True)
    subprocess.run(["gcc", "-O2", SRC, "-o", NATIVE], check=True)
    subprocess.run(HERMIT_BUILD + ["-q", "-p", "wait-signal"], cwd=APPS, check=True,
                   stdin=subprocess.DEVNULL)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "wait-signal"], cwd=APPS,
                   check=True, stdin=subprocess.DEVNULL)


def eremit(img, *args, opts=()):
    return [EREMIT, "run", "--timeout", "180", *opts, img, *args]


def status(returncode):
    """A shell's view of an exit status: 128+n for a process signal n ended."""
    return 128 - returncode if returncode < 0 else returncode


FORWARDED = (signal.SIGHUP, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM)


def dispositions(ignored):
    """For the child: the five signals at their default action, whatever this script
    inherited (a script's background job starts with SIGINT ignored, and eremit, as any
    program, leaves an ignored signal ignored), but `ignored` ignored."""
    def set_them():
        for sig in FORWARDED:
            signal.signal(sig, signal.SIG_IGN if sig in ignored else signal.SIG_DFL)
    return set_them


def converse(cmd, script, group=False, limit=240, ignored=(), stdin=subprocess.DEVNULL):
    """Runs cmd; whenever it prints a line that `script` has, sends that entry's signals
    (to the process, or to its process group with `group`). Returns (status, stdout,
    stderr, seconds from the last signal sent to the end, pid)."""
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=group,
                         preexec_fn=dispositions(ignored))
    err = []
    threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True).start()
    timer = threading.Timer(limit, p.kill)
    timer.start()
    out = b""
    sent = time.monotonic()
    for line in p.stdout:
        out += line
        for sig in script.get(line.decode(errors="replace").rstrip("\n"), ()):
            if group:
                os.killpg(p.pid, sig)
            else:
                p.send_signal(sig)
            sent = time.monotonic()
    code = p.wait()
    timer.cancel()
    took = time.monotonic() - sent
    time.sleep(0.1)
    return status(code), out, (err[0] if err else b""), took, p.pid


def same_as_native(name, mode, script, group=False, machine="microvm", ignored=(),
                   stdin=subprocess.DEVNULL):
    want = converse([NATIVE, mode], script, group, ignored=ignored, stdin=stdin)
    got = converse(eremit(IMAGE, mode, opts=["--machine", machine]), script, group,
                   ignored=ignored, stdin=stdin)
    check(f"{name}: output and exit status {want[0]} as native",
          got[:2] == want[:2] and want[1].startswith(b"ready\n"),
          f"eremit {got[0]}: {got[1]!r}\nstderr: {got[2].decode(errors='replace')}\n"
          f"native {want[0]}: {want[1]!r}")
    return got


@suite.case("handler")
def test_handler():
    for machine in ("microvm", "q35"):
        same_as_native(f"SIGTERM to the runner, handler exits 7 ({machine})", "handler",
                       {"ready": [signal.SIGTERM]}, machine=machine)
        # With stdin a pipe the guest has two consoles, stdin's and the signals'.
        same_as_native(f"SIGTERM, handler exits 7, stdin a pipe ({machine})", "handler",
                       {"ready": [signal.SIGTERM]}, machine=machine, stdin=subprocess.PIPE)
    same_as_native("SIGINT to the runner's process group (Ctrl-C), handler exits 7", "handler",
                   {"ready": [signal.SIGINT]}, group=True)


@suite.case("default")
def test_default():
    same_as_native("SIGTERM, no handler: 143", "default", {"ready": [signal.SIGTERM]})
    same_as_native("SIGUSR2, no handler: 140", "default", {"ready": [signal.SIGUSR2]})
    code, out, err, _, _ = converse(eremit(IMAGE, "default", opts=["--verbose"]),
                                    {"ready": [signal.SIGHUP]})
    line = b"eremit: SIGHUP from the runner and no handler: exit status 129"
    check("SIGHUP, no handler, --verbose: 129, the kernel's line on stderr only",
          code == 129 and out == b"ready\n" and line in err,
          f"exit {code}, stdout {out!r}, stderr {err[-3000:].decode(errors='replace')}")
    code, out, err, _, _ = converse(eremit(IMAGE, "default"), {"ready": [signal.SIGTERM]})
    check("SIGTERM, no handler, without --verbose: nothing but the program's output",
          (code, out, err) == (143, b"ready\n", b""), f"exit {code}, {out!r}, {err!r}")


@suite.case("nohup")
def test_nohup():
    same_as_native("SIGHUP ignored when started (nohup): not forwarded, then SIGTERM ends it",
                   "default", {"ready": [signal.SIGHUP, signal.SIGTERM]}, ignored=(signal.SIGHUP,))


@suite.case("count")
def test_count():
    same_as_native("SIGUSR1 twice, SIGHUP ignored, SIGUSR2 counted, then SIGTERM at its default",
                   "count", {"ready": [signal.SIGUSR1],
                             "SIGUSR1 1": [signal.SIGHUP, signal.SIGUSR1],
                             "SIGUSR1 2": [signal.SIGUSR2],
                             "SIGUSR2 1": [signal.SIGTERM]})


@suite.case("sigwait")
def test_sigwait():
    same_as_native("SIGINT blocked and taken with sigwait", "sigwait", {"ready": [signal.SIGINT]})


@suite.case("rust")
def test_rust():
    want = converse([RUST_NATIVE], {"ready": [signal.SIGTERM]})
    got = converse(eremit(RUST_HERMIT, opts=["--verbose"]), {"ready": [signal.SIGTERM]})
    check(f"Rust std program, SIGTERM: exit {want[0]} as native, the kernel's line on stderr",
          got[:2] == want[:2] == (143, b"ready\n")
          and b"SIGTERM from the runner and no handler: exit status 143" in got[2],
          f"eremit {got[0]} {got[1]!r} {got[2][-2000:]!r}; native {want[0]} {want[1]!r}")


def descendants(pid):
    """Processes whose parent chain leads to pid: (pid, command name)."""
    parent = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        parent[int(entry)] = (int(stat[stat.rindex(")") + 2:].split()[1]), name)
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        for child, (ppid, name) in parent.items():
            if ppid == p:
                found.append((child, name))
                todo.append(child)
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@suite.case("second-signal")
def test_second_signal():
    code, out, err, took, _ = converse(
        eremit(IMAGE, "slow"), {"ready": [signal.SIGTERM], "handler sleeping": [signal.SIGTERM]})
    check(f"a second SIGTERM while the handler runs ends the VM at once (143 in {took:.1f} s)",
          code == 143 and out == b"ready\nhandler sleeping\n" and took < 20,
          f"exit {code}, {out!r}, {err!r}")


@suite.case("sigkill")
def test_sigkill():
    with tempfile.TemporaryDirectory() as vol:
        p = subprocess.Popen(eremit(IMAGE, "default", opts=["--volume", f"{vol}:/data"]),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = p.stdout.readline()
        kids = descendants(p.pid)
        p.kill()
        p.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(k) for k, _ in kids):
            time.sleep(0.1)
        left = [(k, n) for k, n in kids if alive(k)]
        names = sorted({n for _, n in kids})
        check(f"SIGKILL to the runner: none of its processes ({', '.join(names)}) is left",
              line == b"ready\n" and any("qemu" in n for n in names)
              and any("virtiofsd" in n for n in names) and not left,
              f"first line {line!r}, processes {kids}, left {left}")
        for k, _ in left:
            os.kill(k, signal.SIGKILL)


@suite.case("timeout")
def test_timeout():
    start = time.monotonic()
    p = subprocess.run([EREMIT, "run", "--timeout", "15", IMAGE, "default"], capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=120)
    took = time.monotonic() - start
    check(f"--timeout 15 with a program waiting for signals: 124 ({took:.1f} s)",
          p.returncode == 124 and p.stdout == b"ready\n" and took < 40,
          f"exit {p.returncode}, {p.stdout!r}, {p.stderr!r}")


if __name__ == "__main__":
    sys.exit(suite.main())
