"""The one test harness every suite (tests/*_tests.py) shares.

- where things are (ROOT, the toolchain's BIN, EREMIT, CC, ...);
- suites of named cases (`Suite`): each case a function, run alone or with others by
  tests/run.py (`-k PATTERN`) or by the suite's own script; builds a case needs are
  `once` functions, done by the first case that asks;
- ok/FAIL lines (`check`), measurements, the closing 'N passed, N failed' line (the line
  CI reads);
- running programs: host commands (`run`), an image in Eremit (`eremit`), the native
  build (`native`), a guest in the background (`Guest`), servers on the host for guests
  to reach (`HostServers`), test data (`pattern`), free ports."""

import argparse
import atexit
import fnmatch
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests")
TOOLCHAIN = os.path.join(ROOT, "build", "toolchain")
BIN = os.path.join(TOOLCHAIN, "bin")
SYSROOT = os.path.join(TOOLCHAIN, "x86_64-hermit")
EREMIT = os.path.join(BIN, "eremit")
CC = os.path.join(BIN, "x86_64-hermit-gcc")
CXX = os.path.join(BIN, "x86_64-hermit-g++")
AR = os.path.join(BIN, "x86_64-hermit-ar")
TOOLCHAIN_FILE = os.path.join(ROOT, "cmake", "hermit-toolchain.cmake")
APPS = os.path.join(TESTS, "apps")
EXAMPLES_RUST = os.path.join(ROOT, "examples-rust")
HERMIT_TARGET = "x86_64-unknown-hermit"
# cargo for the hermit target where no .cargo/config.toml says so (tests/apps).
HERMIT_BUILD = ["cargo", "build", "--release", "-Zbuild-std=std,panic_abort",
                "-Zbuild-std-features=compiler-builtins-mem", "--target", HERMIT_TARGET]

# (suite, check name, passed) of every check of this process.
results = []
measurements = []
_current_suite = [""]


# --- reporting ----------------------------------------------------------------------------

def check(name, cond, detail="", keep_end=False):
    """Records one assertion and prints it; on failure also the detail, cut at 6000 chars
    (enough for every caller's detail): its start, or with keep_end its end (where a
    build's error is)."""
    results.append((_current_suite[0], name, bool(cond)))
    print(("ok    " if cond else "FAIL  ") + name, flush=True)
    if not cond and detail:
        text = str(detail).strip().replace("\n", "\n      ")
        print("      " + (text[-6000:] if keep_end else text[:6000]), flush=True)


def gap(name, detail):
    """A known gap: printed, not counted."""
    print("gap   " + name + ": " + detail, flush=True)


def skip(name, why):
    print(f"skip  {name}: {why}", flush=True)


def measure(text):
    """Prints a measurement under the current check and keeps it for the summary printed
    before the closing line (numbers, not assertions: never counted)."""
    measurements.append(text)
    print("      " + text, flush=True)


def counts(suite=None):
    """(passed, failed) of every check, or of one suite's."""
    mine = [ok for s, _, ok in results if suite is None or s == suite]
    return sum(mine), len(mine) - sum(mine)


def finish():
    """Prints the measurements, the failed checks' names and the closing line; the exit
    code: 1 when a check failed."""
    if measurements:
        print("\nmeasurements:")
        for m in measurements:
            print("  " + m)
        print()
    passed, failed = counts()
    # Repeated next to the closing line: a CI log cut to its ends still names them.
    if failed:
        print("failed:")
        for suite, name, ok in results:
            if not ok:
                print(f"  {suite + ': ' if suite else ''}{name}")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


# --- suites of named cases ----------------------------------------------------------------

class Suite:
    """A suite's named cases, in the order they run. `requires` are tools every case needs
    (a missing one is one failed check, and the suite's cases do not run); `options` are
    the suite's own command-line options (argparse arguments), which tests/run.py leaves
    at their defaults."""

    def __init__(self, name, requires=(), hint="run `make toolchain-c` first"):
        self.name = name
        self.requires = list(requires)
        self.hint = hint
        self.cases = []
        self._options = []
        self.options = argparse.Namespace()
        self.before = []

    def case(self, name):
        """Decorator: the function is the case `name`."""
        def add(fn):
            self.add(name, fn)
            return fn
        return add

    def add(self, name, fn, *args, **kwargs):
        """Adds the case `name`: fn(*args, **kwargs)."""
        if any(n == name for n, _ in self.cases):
            raise ValueError(f"{self.name}: two cases named {name!r}")
        self.cases.append((name, functools.partial(fn, *args, **kwargs)))

    def option(self, *args, **kwargs):
        self._options.append((args, kwargs))

    def setup(self, fn):
        """Decorator: fn() runs once before the first case that runs (not for --list)."""
        self.before.append(fn)
        return fn

    def defaults(self):
        ap = argparse.ArgumentParser(add_help=False)
        for a, kw in self._options:
            ap.add_argument(*a, **kw)
        self.options = ap.parse_args([])

    def select(self, patterns, only=None):
        """The cases matching the patterns, among the names in `only` (all without)."""
        return [(n, fn) for n, fn in self.cases
                if matches(self.name, n, patterns) and (only is None or n in only)]

    def run(self, patterns=(), only=None):
        """Runs the cases matching the patterns (all without), among the names in `only`
        (a subset tests/run.py picks); False if none matched."""
        chosen = self.select(patterns, only)
        if not vars(self.options):
            self.defaults()
        if not chosen:
            return False
        _current_suite[0] = self.name
        print(f"==> {self.name}: {len(chosen)} of {len(self.cases)} cases", flush=True)
        missing = [t for t in self.requires if not os.access(t, os.X_OK)]
        if missing:
            for t in missing:
                check(f"{self.name}: {os.path.relpath(t, ROOT)} exists", False, self.hint)
            return True
        try:
            for fn in self.before:
                fn()
        except Exception:  # noqa: BLE001 - reported as the suite's failure
            check(f"{self.name}: set-up", False, traceback.format_exc(), keep_end=True)
            return True
        for name, fn in chosen:
            print(f"--- {self.name}/{name}", flush=True)
            try:
                fn()
            except Exception:  # noqa: BLE001 - one case's crash must not end the others
                check(f"{self.name}/{name}: ran to its end", False, traceback.format_exc(), keep_end=True)
        return True

    def main(self, argv=None):
        """A suite's own script: `[-k PATTERN]... [--list]` and its options."""
        ap = argparse.ArgumentParser(description=sys.modules["__main__"].__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
        ap.add_argument("-k", dest="patterns", action="append", default=[],
                        help="run only the cases whose names match (substring, or a glob)")
        ap.add_argument("--list", action="store_true", help="list the cases and exit")
        for a, kw in self._options:
            ap.add_argument(*a, **kw)
        self.options = ap.parse_args(argv)
        if self.options.list:
            for name, _ in self.cases:
                print(f"{self.name}/{name}")
            return 0
        if not self.run(self.options.patterns):
            print(f"{self.name}: no case matches {self.options.patterns}")
            return 2
        return finish()


def matches(suite, case, patterns):
    """A case matches when there are no patterns or one of them matches its name (with a
    "/" in the pattern: SUITE/NAME), as a glob if it has * ? or [, else as a substring."""
    if not patterns:
        return True
    for p in patterns:
        name = f"{suite}/{case}" if "/" in p else case
        if fnmatch.fnmatchcase(name, p) if any(c in p for c in "*?[") else p in name:
            return True
    return False


def once(fn):
    """fn's first result (or exception) for every later call: a build several cases need
    is done by the first of them that runs."""
    memo = {}

    @functools.wraps(fn)
    def wrapper():
        if "value" not in memo and "error" not in memo:
            try:
                memo["value"] = fn()
            except Exception as e:  # noqa: BLE001 - re-raised to each caller
                memo["error"] = e
        if "error" in memo:
            raise memo["error"]
        return memo["value"]
    return wrapper


def scratch(prefix):
    """A temporary directory removed when the process ends."""
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, True)
    return d


# --- running programs ---------------------------------------------------------------------

def run(cmd, cwd=None, env=None, timeout=600):
    """Runs a host command with the test's environment plus env, no stdin, output captured."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, errors="replace")


def shell_status(returncode):
    """An exit status as a shell (and `eremit run`) shows it: a native process killed by
    SIGABRT reports -6, a shell 134."""
    return 128 - returncode if returncode < 0 else returncode


def run_bytes(cmd, timeout, env=None):
    """(shell status, stdout, stderr) of a program, output compared byte for byte (no
    newline translation); a hang is status 124, a result rather than an exception."""
    e = dict(os.environ)
    e.update(env or {})
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=e)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout} s"
    return shell_status(p.returncode), p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def env_options(env):
    """`eremit run` options giving the guest these environment variables."""
    return [x for k, v in (env or {}).items() for x in ("--env", f"{k}={v}")]


def eremit(image, args=(), opts=(), cpus=None, env=None, cwd=None, guest_timeout=120, timeout=None):
    """Boots image with `eremit run --timeout guest_timeout OPTS [--cpus N] [--env K=V]...
    image ARGS` (a host timeout of guest_timeout + 30 s unless given):
    (exit code, stdout, stderr, seconds)."""
    cmd = [EREMIT, "run", "--timeout", str(guest_timeout), *opts]
    cmd += (["--cpus", str(cpus)] if cpus else []) + env_options(env)
    start = time.monotonic()
    p = run([*cmd, image, *args], cwd=cwd, timeout=timeout or guest_timeout + 30)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def native(exe, args=(), env=None, timeout=120):
    """Runs the native build: (shell status, stdout, stderr), text as eremit() gives it."""
    p = run([exe, *args], env=env, timeout=timeout)
    return shell_status(p.returncode), p.stdout, p.stderr


def ensure_curl(also=()):
    """curl (and the programs named in `also`), installed by scripts/ensure-deps.sh when
    missing."""
    if shutil.which("curl") and all(shutil.which(p) for p in also):
        return
    # scripts/ensure-deps.sh is the one place that installs packages (curl among them).
    subprocess.run([os.path.join(ROOT, "scripts", "ensure-deps.sh")], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Guest:
    """An `eremit run` in the background, its output lines collected."""

    def __init__(self, image, args=(), opts=(), timeout=240):
        cmd = [EREMIT, "run", "--timeout", str(timeout), *opts, image, *args]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out, self.err = [], []
        for pipe, keep in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(pipe, keep), daemon=True).start()

    @staticmethod
    def _pump(pipe, keep):
        for raw in pipe:
            keep.append(raw.decode(errors="replace"))

    def _find(self, text, stderr):
        for line in self.out + (self.err if stderr else []):
            if text in line:
                return line
        return None

    def wait_for(self, text, timeout=90, stderr=False):
        """The first output line containing text (stdout's, also stderr's with stderr), once
        it comes; None if the guest ends or the time runs out first."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            line = self._find(text, stderr)
            if line is not None:
                return line
            if self.proc.poll() is not None:
                time.sleep(0.2)
                return self._find(text, stderr)
            time.sleep(0.05)
        return None

    def qemu_pid(self):
        try:
            out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
            return int(out.split()[0])
        except (IndexError, ValueError):
            return None

    def idle_cpu_percent(self, seconds):
        """The share of a host CPU QEMU used over `seconds` (after a second to settle), or
        None when its process is not found."""
        pid = self.qemu_pid()
        if not pid:
            return None

        def ticks():
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])
        time.sleep(1)
        t0, w0 = ticks(), time.monotonic()
        time.sleep(seconds)
        return (ticks() - t0) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - w0) * 100

    def kill(self):
        self.proc.kill()
        return self.finish()

    def finish(self, timeout=60):
        """Waits for the end (kills it after timeout): (exit code, stdout, stderr)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        time.sleep(0.2)
        return self.proc.returncode, "".join(self.out), "".join(self.err)


def start_server(name, image, args=(), opts=(), ready="listening", wait=90, timeout=240,
                 stderr=False):
    """A server guest in the background (Guest), checked (as `name`) to print `ready`
    within `wait` s; None, with the guest ended, if it does not."""
    g = Guest(image, args, opts, timeout)
    up = g.wait_for(ready, wait, stderr) is not None
    check(name, up, ("".join(g.out) + "".join(g.err))[-2000:])
    if not up:
        g.kill()
        return None
    return g


# --- servers on the host ------------------------------------------------------------------

def serve_echo(c):
    """Echoes until the client shuts down, then closes."""
    c.settimeout(120)
    while True:
        data = c.recv(65536)
        if not data:
            break
        c.sendall(data)


def serve_commands(c):
    """One command line: `GET N` sends N bytes of pattern(N), `SILENT` answers nothing
    for 5 s, `ECHO` echoes until the client shuts down; then shuts down its side."""
    c.settimeout(60)
    f = c.makefile("rb")
    line = f.readline().decode().strip()
    if line.startswith("GET "):
        c.sendall(pattern(int(line.split()[1])))
    elif line == "SILENT":
        time.sleep(5)
    elif line == "ECHO":
        while True:
            data = f.read1(65536)
            if not data:
                break
            c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)


def serve_ok(c):
    """Answers the first bytes (up to 100) with "ok:" + them."""
    c.settimeout(20)
    c.sendall(b"ok:" + c.recv(100))


class HostServers:
    """On 127.0.0.1 (which QEMU's user network shows the guest as 10.0.2.2): a TCP server
    handling each connection with `handler` (serve_echo, serve_commands, serve_ok) in a
    thread of its own, a UDP server answering "pong:" + each datagram, and a port where
    nobody listens."""

    def __init__(self, handler=serve_echo):
        self.handler = handler
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(64)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp_port = self.udp.getsockname()[1]
        self.closed_port = free_port()
        self.stop = False
        threading.Thread(target=self._accept, daemon=True).start()
        threading.Thread(target=self._udp, daemon=True).start()

    def _accept(self):
        self.tcp.settimeout(0.5)
        while not self.stop:
            try:
                c, _ = self.tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        try:
            self.handler(c)
        except OSError:
            pass
        finally:
            c.close()

    def _udp(self):
        self.udp.settimeout(0.5)
        while not self.stop:
            try:
                data, addr = self.udp.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            self.udp.sendto(b"pong:" + data, addr)

    def close(self):
        self.stop = True
        self.tcp.close()
        self.udp.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --- test data and ports ------------------------------------------------------------------

def pattern(n, offset=0):
    """n bytes of test data, byte i being (offset + i) % 251: the period is a prime, so a
    chunk of a transfer lost, repeated or moved does not compare equal."""
    block = bytes(i % 251 for i in range(251))
    start = offset % 251
    return (block * ((n + start) // 251 + 2))[start:start + n]


def tap_namespace(ns, host_cidr, label):
    """Makes network namespace `ns` with loopback up and a tap device etap0 holding
    `host_cidr` (the host's side; a guest on the tap takes another address of its net).
    A failing step is a failed check `label: a namespace with a tap device`; returns
    whether all went. The caller deletes the namespace (`ip netns del`)."""
    inside = ["ip", "netns", "exec", ns]
    for cmd in (["ip", "netns", "add", ns], inside + ["ip", "link", "set", "lo", "up"],
                inside + ["ip", "tuntap", "add", "dev", "etap0", "mode", "tap"],
                inside + ["ip", "addr", "add", host_cidr, "dev", "etap0"],
                inside + ["ip", "link", "set", "etap0", "up"]):
        p = run(cmd, timeout=30)
        if p.returncode != 0:
            check(f"{label}: a namespace with a tap device", False, f"{cmd}: {p.stderr}")
            return False
    return True


def free_port(kind=socket.SOCK_STREAM):
    """A port on 127.0.0.1 that is free now (TCP, or UDP with SOCK_DGRAM): for a host
    server or a forwarding set up next, or as a port where nobody listens."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def relink(build_dir):
    """CMake does not know that images depend on the sysroot's libraries (libc.a, the
    kernel, libstdc++.a, ...): removing the previous images makes the build link them
    again with the current toolchain (objects are reused)."""
    if not os.path.isdir(build_dir):
        return
    for name in os.listdir(build_dir):
        path = os.path.join(build_dir, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            with open(path, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    os.remove(path)
