#!/usr/bin/env python3
"""Volume tests (issue 16): host directories in the guest over virtio-fs
(`eremit run --volume HOSTDIR:GUESTDIR[:ro]`). The C programs in tests/volume run in
Eremit on a volume and natively on a copy of the same host directory, output and exit
status compared (or against a .expected file where native Linux would leave the
directory); the files they write are checked on the host after the VM is gone. Ends with
'N passed, N failed'."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import (APPS, CC, EREMIT, HERMIT_BUILD, HERMIT_TARGET, TESTS, Suite, check,  # noqa: E402
                     once, run, run_bytes, scratch)

SRC = os.path.join(TESTS, "volume")
CFLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wno-unused-result"]
HELLO = "hello from the host\n"

suite = Suite("volume", requires=[CC, EREMIT, "/usr/lib/qemu/virtiofsd"])
workdir = once(lambda: scratch("volume-tests-"))


@once
def built():
    """name -> (eremit image, native executable) for every program in tests/volume."""
    out = {}
    for src in sorted(os.listdir(SRC)):
        if not src.endswith(".c"):
            continue
        name = src[:-2]
        exe, nat = (os.path.join(workdir(), f"{kind}-{name}") for kind in ("eremit", "native"))
        for cc, dst in ((CC, exe), ("gcc", nat)):
            p = run([cc, *CFLAGS, os.path.join(SRC, src), "-o", dst])
            if p.returncode != 0:
                raise RuntimeError(f"{cc} {src} failed:\n{p.stderr[-3000:]}")
        out[name] = (exe, nat)
    return out


def fresh_dir(label):
    """A new host directory with hello.txt and link -> hello.txt."""
    d = os.path.join(workdir(), f"{label}-{random.randrange(1 << 30):x}")
    os.makedirs(d)
    with open(os.path.join(d, "hello.txt"), "w") as f:
        f.write(HELLO)
    os.symlink("hello.txt", os.path.join(d, "link"))
    return d


def guest(prog, volumes, args=(), machine="microvm", timeout=120):
    """(exit status, stdout, stderr) of tests/volume/PROG in Eremit with `volumes`
    (HOSTDIR:GUESTDIR[:ro] strings)."""
    opts = [x for v in volumes for x in ("--volume", v)]
    cmd = [EREMIT, "run", "--machine", machine, "--timeout", str(timeout), *opts, built()[prog][0], *args]
    return run_bytes(cmd, timeout + 30)


def native(prog, args=()):
    return run_bytes([built()[prog][1], *args], 120)


def posix(machine):
    host_n, host_g = fresh_dir("native"), fresh_dir("guest")
    ncode, nout, nerr = native("posix", [host_n])
    code, out, err = guest("posix", [f"{host_g}:/data"], ["/data"], machine=machine)
    check(f"posix on {machine}: output as natively", out == nout,
          f"eremit:\n{out}\nnative:\n{nout}\nstderr:\n{err[-3000:]}")
    check(f"posix on {machine}: exit status {ncode} as natively", code == ncode, f"eremit {code}\n{err[-3000:]}")
    # What the guest left behind is on the host, as the native run left it.
    check(f"posix on {machine}: the host directory as natively afterwards",
          sorted(os.listdir(host_g)) == sorted(os.listdir(host_n)),
          f"{sorted(os.listdir(host_g))} vs {sorted(os.listdir(host_n))}")


suite.add("posix-microvm", posix, "microvm")
suite.add("posix-q35", posix, "q35")


@suite.case("links-attrs")
def links_attrs():
    host_n, host_g = fresh_dir("la-native"), fresh_dir("la-guest")
    ncode, nout, _ = native("links_attrs", [host_n])
    code, out, err = guest("links_attrs", [f"{host_g}:/data"], ["/data"])
    check("links-attrs: symlink, readlink, link, chmod, utimensat, statvfs, locks as natively", out == nout,
          f"eremit:\n{out}\nnative:\n{nout}\nstderr:\n{err[-3000:]}")
    check("links-attrs: exit status as natively", code == ncode, f"{code}\n{err[-2000:]}")
    st = os.stat(os.path.join(host_g, "hello.txt"))
    check("links-attrs: the mode the guest set is the host's", st.st_mode & 0o777 == 0o640, oct(st.st_mode))
    check("links-attrs: the guest's symlink is on the host",
          os.path.islink(os.path.join(host_g, "dangling")) and os.readlink(os.path.join(host_g, "dangling")) == "nowhere")


@suite.case("cwd-race")
def cwd_race():
    """chdir between the volume and the in-memory tree on one thread, relative-path calls
    on three others, on 2 vCPUs (a lock-order deadlock hung every CPU here)."""
    host_n, host_g = fresh_dir("cwd-native"), fresh_dir("cwd-guest")
    ncode, nout, _ = native("cwd_race", [host_n, "/tmp"])
    cmd = [EREMIT, "run", "--cpus", "2", "--timeout", "120", "--volume", f"{host_g}:/data",
           built()["cwd_race"][0], "/data", "/tmp"]
    code, out, err = run_bytes(cmd, 150)
    check("cwd-race: every call returned, as natively", out == nout and code == ncode,
          f"exit {code} (native {ncode})\neremit:\n{out}\nnative:\n{nout}\nstderr:\n{err[-2000:]}")


@suite.case("mmap")
def mapped():
    host_n, host_g = fresh_dir("mmap-native"), fresh_dir("mmap-guest")
    ncode, nout, _ = native("mapped", [host_n])
    code, out, err = guest("mapped", [f"{host_g}:/data"], ["/data"])
    check("mmap: MAP_PRIVATE and MAP_SHARED+msync of a volume file as natively", out == nout and code == ncode,
          f"eremit ({code}):\n{out}\nnative ({ncode}):\n{nout}\nstderr:\n{err[-3000:]}")
    with open(os.path.join(host_g, "map.bin"), "rb") as f:
        data = f.read()
    check("mmap: the shared mapping's writes are in the host's file",
          data[:15] == b"shared page one" and data[4096:4111] == b"shared page two" and data[100:105] == b"after"
          and data[4296:4303] == b"at exit",
          repr(data[:32]))


HOLD = """import fcntl, sys, time
f = open(sys.argv[1], 'r+'); fcntl.lockf(f, fcntl.LOCK_EX, 100, 0)
g = open(sys.argv[2], 'r+'); fcntl.flock(g, fcntl.LOCK_EX)
print('held', flush=True); time.sleep(300)"""


@suite.case("host-locks")
def host_locks():
    d = fresh_dir("locks")
    for name in ("rec.db", "fl.db"):
        with open(os.path.join(d, name), "w") as f:
            f.write("x" * 1000)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, os.path.join(d, "rec.db"), os.path.join(d, "fl.db")],
                              stdout=subprocess.PIPE, text=True)
    try:
        held = holder.stdout.readline() == "held\n"
        code, out, err = guest("hostlocks", [f"{d}:/data"])
    finally:
        holder.kill()
        holder.wait()
    want = expected("hostlocks")
    check("host-locks: the host's record locks and flock hold in the guest", held and out == want and code == 0,
          f"{code}\n{out}\nwanted:\n{want}\n{err[-2000:]}")


def expected(name):
    with open(os.path.join(SRC, name + ".expected")) as f:
        return f.read()


@suite.case("confined")
def confined():
    d = fresh_dir("confined")
    os.mkdir(os.path.join(d, "sub"))
    for name, target in (("abs", "/etc"), ("root", "/"), ("up", "../../.."), ("subup", "sub/../../.."),
                         ("loop", "loop")):
        os.symlink(target, os.path.join(d, name))
    code, out, err = guest("confined", [f"{d}:/data"], ["/data"])
    want = expected("confined")
    check("confined: every path stays in the volume", out == want, f"eremit:\n{out}\nwanted:\n{want}\n{err[-2000:]}")
    check("confined: exit status 0", code == 0, f"{code}\n{err[-2000:]}")


@suite.case("read-only")
def read_only():
    d = fresh_dir("ro")
    os.mkdir(os.path.join(d, "sub"))
    before = sorted(os.listdir(d))
    code, out, err = guest("readonly", [f"{d}:/ro:ro"], ["/ro"])
    want = expected("readonly")
    check("read-only: every change EROFS, reading works", out == want, f"eremit:\n{out}\nwanted:\n{want}\n{err[-2000:]}")
    check("read-only: exit status 0", code == 0, f"{code}")
    with open(os.path.join(d, "hello.txt")) as f:
        check("read-only: the host's files unchanged", sorted(os.listdir(d)) == before and f.read() == HELLO,
              f"{sorted(os.listdir(d))}")


@suite.case("tree-1000")
def tree():
    d = os.path.join(workdir(), "tree")
    rng = random.Random(16)
    for i in range(1000):
        sub = os.path.join(d, f"dir{i % 10}", f"sub{i % 3}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"file-{i:04}.bin"), "wb") as f:
            f.write(rng.randbytes(rng.choice([0, 1, 100, 4095, 4096, 4097, 70000])))
    ncode, nout, _ = native("tree", [d])
    code, out, err = guest("tree", [f"{d}:/data:ro"], ["/data"], timeout=180)
    check("tree-1000: native run lists 1000 files", nout.endswith("1000 files\n"), nout[-200:])
    check("tree-1000: the guest reads the same names, sizes and contents", out == nout,
          f"eremit (last lines):\n{out[-1500:]}\nnative:\n{nout[-500:]}\n{err[-2000:]}")


@suite.case("dir-100000")
def big_directory():
    d = os.path.join(workdir(), "big-dir")
    os.makedirs(d, exist_ok=True)
    for i in range(100_000):
        open(os.path.join(d, f"entry-{i:06}"), "w").close()
    ncode, nout, _ = native("count", [d])
    code, out, err = guest("count", [f"{d}:/data:ro"], ["/data"], timeout=300)
    check("dir-100000: readdir of 100,000 entries as natively",
          out == nout and nout.startswith("100000 entries") and code == 0, f"{code}\n{out}\n{nout}\n{err[-2000:]}")


@suite.case("two-volumes")
def two_volumes():
    a, b = fresh_dir("a"), fresh_dir("b")
    data = bytes(random.Random(2).randbytes(100_000))
    with open(os.path.join(a, "in.txt"), "wb") as f:
        f.write(data)
    code, out, err = guest("two", [f"{a}:/a", f"{b}:/b"], machine="q35")
    want = "copied 100000 bytes, fsync 0\nrename across volumes: EXDEV\nrename to the in-memory fs: EXDEV\n"
    check("two-volumes: copy between volumes, EXDEV across", out == want and code == 0,
          f"{code}\n{out}\n{err[-2000:]}")
    path = os.path.join(b, "out.txt")
    got = open(path, "rb").read() if os.path.exists(path) else b""
    check("two-volumes: the copy is on the host after the VM exits", got == data, f"{len(got)} bytes")


@suite.case("bad-input")
def bad_input():
    d = fresh_dir("bad")
    f = os.path.join(d, "hello.txt")
    cases = [
        ("a missing directory", [f"{d}/missing:/data"]),
        ("a relative GUESTDIR", [f"{d}:data"]),
        ("a file as HOSTDIR", [f"{f}:/data"]),
        ("the same GUESTDIR twice", [f"{d}:/data", f"{d}:/data"]),
        ("a GUESTDIR inside another", [f"{d}:/data", f"{d}:/data/x"]),
        ("GUESTDIR /", [f"{d}:/"]),
        ("a bad mode", [f"{d}:/data:rx"]),
    ]
    for label, volumes in cases:
        code, out, err = guest("two", volumes, timeout=30)
        lines = err.strip().splitlines()
        check(f"bad-input: {label}: exit 125 with one eremit: line",
              code == 125 and len(lines) == 1 and lines[0].startswith("eremit: "), f"{code}\n{err}")
    code, out, err = run_bytes([EREMIT, "run", "--volume", f"{d}:/data", built()["two"][0]], 60,
                               env={"EREMIT_VIRTIOFSD": "/nonexistent/virtiofsd"})
    check("bad-input: no virtiofsd: exit 125 with one eremit: line",
          code == 125 and err.count("\n") == 1 and err.startswith("eremit: "), f"{code}\n{err}")


def children(pid):
    """Every descendant process id of pid."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


@suite.case("daemon-killed")
def daemon_killed():
    d = fresh_dir("killed")
    cmd = [EREMIT, "run", "--timeout", "120", "--volume", f"{d}:/data", built()["daemon_gone"][0], "/data/hello.txt"]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = p.stdout.readline()
    daemons = [c for c in children(p.pid) if comm(c) == "virtiofsd"]
    for c in daemons:
        try:
            os.kill(c, signal.SIGKILL)
        except ProcessLookupError:
            pass
    start = time.monotonic()
    try:
        rest, err = p.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        p.kill()
        rest, err = p.communicate()
    secs = time.monotonic() - start
    check("daemon-killed: the program was running", first == "ready\n" and daemons, f"{first!r} {daemons}")
    check("daemon-killed: calls fail with EIO, no hang",
          rest == "stat failed: EIO\nagain: EIO\n" and p.returncode == 0,
          f"{p.returncode} after {secs:.0f} s\n{rest}\n{err[-2000:]}")


@suite.case("sigkill-durability")
def sigkill_durability():
    d = fresh_dir("durable")
    cmd = [EREMIT, "run", "--timeout", "120", "--volume", f"{d}:/data", built()["durable"][0], "/data/log"]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    synced = -1
    deadline = time.monotonic() + 60
    while synced < 30 and time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        synced = int(line)
    qemus = [c for c in children(p.pid) if comm(c).startswith("qemu")]
    for c in qemus:
        os.kill(c, signal.SIGKILL)
    try:
        p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
    with open(os.path.join(d, "log"), "rb") as f:
        data = f.read()
    whole = len(data) // 4096
    intact = all(data[i * 4096:i * 4096 + 16] == b"record %08d\n" % i for i in range(whole))
    check("sigkill-durability: QEMU killed with SIGKILL after fsync'd records",
          qemus and synced >= 30, f"{qemus} synced {synced}")
    check("sigkill-durability: every record fsync returned for is on the host",
          whole >= synced + 1 and intact, f"{whole} whole records on the host, {synced + 1} synced")


def sqlite_source():
    """The SQLite amalgamation of the crate sqlite3-src in cargo's registry (as the
    projects suite uses it), or None."""
    import glob
    found = sorted(glob.glob(os.path.expanduser("~/.cargo/registry/src/*/sqlite3-src-*/source/sqlite3.c")))
    return os.path.dirname(found[-1]) if found else None


@suite.case("sqlite-wal-sigkill")
def sqlite_wal_sigkill():
    import sqlite3
    src = sqlite_source()
    if src is None:
        testlib.skip("sqlite-wal-sigkill", "no sqlite3-src crate in ~/.cargo/registry (make test-projects fetches it)")
        return
    image = os.path.join(workdir(), "eremit-sqlite-wal")
    p = run([CC, "-O2", "-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION", f"-I{src}",
             os.path.join(SRC, "sqlite", "wal.c"), os.path.join(src, "sqlite3.c"), "-lm", "-o", image], timeout=900)
    check("sqlite-wal-sigkill: builds", p.returncode == 0, p.stderr[-3000:])
    if p.returncode != 0:
        return
    d = fresh_dir("sqlite")
    committed = -1
    # Twice: the second boot reopens the database the first left when QEMU was killed.
    for boot, target in ((1, 40), (2, 70)):
        cmd = [EREMIT, "run", "--timeout", "120", "--volume", f"{d}:/data", image, "/data/app.db"]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        deadline = time.monotonic() + 90
        while committed < target and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed = int(line)
        qemus = [c for c in children(proc.pid) if comm(c).startswith("qemu")]
        for c in qemus:
            os.kill(c, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        check(f"sqlite-wal-sigkill: boot {boot}: QEMU killed mid-write after committed transactions",
              qemus and committed >= target, f"committed {committed}\n{err[-2000:]}")
        db = sqlite3.connect(os.path.join(d, "app.db"))
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        count, top = db.execute("SELECT count(*), max(id) FROM t").fetchone()
        db.close()
        check(f"sqlite-wal-sigkill: boot {boot}: the host's SQLite finds the database intact", integrity == "ok",
              integrity)
        check(f"sqlite-wal-sigkill: boot {boot}: every committed transaction is there",
              top is not None and top >= committed and count == top + 1,
              f"count {count} max {top}, committed {committed}")


@suite.case("dir-deleted")
def dir_deleted():
    # The host deletes the shared directory while the program uses it: errors, no hang.
    d = fresh_dir("deleted")
    cmd = [EREMIT, "run", "--timeout", "60", "--volume", f"{d}:/data", built()["daemon_gone"][0], "/data/hello.txt"]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = p.stdout.readline()
    shutil.rmtree(d)
    try:
        rest, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        rest, err = p.communicate()
    check("dir-deleted: calls fail with ENOENT once the host directory is gone, no hang",
          first == "ready\n" and rest == "stat failed: No such file or directory\nagain: other\n"
          and p.returncode == 0, f"{first!r} {p.returncode}\n{rest}\n{err[-2000:]}")


@once
def files_app():
    """tests/apps/files (Rust std) for Eremit and natively."""
    for cmd in (HERMIT_BUILD + ["-q", "-p", "files"], ["cargo", "build", "--release", "-q", "-p", "files"]):
        p = run(cmd, cwd=APPS, timeout=3600)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-4000:]}")
    return (os.path.join(APPS, "target", HERMIT_TARGET, "release", "files"),
            os.path.join(APPS, "target", "release", "files"))


@suite.case("rust-std")
def rust_std():
    # The boot suite's std::fs program (create, write, read, append, seek, sparse files,
    # metadata, listings, renames, removal, error kinds, a 64 MiB file), on a volume.
    image, nat = files_app()
    d, n = fresh_dir("rust"), fresh_dir("rust-native")
    ncode, nout, nerr = run_bytes([nat, os.path.join(n, "base")], 120)
    code, out, err = run_bytes([EREMIT, "run", "--timeout", "180", "--volume", f"{d}:/data", image,
                                "/data/base"], 210)
    check("rust-std: std::fs on a volume: stdout as natively", out == nout,
          f"eremit:\n{out}\nnative:\n{nout}\nstderr:\n{err[-3000:]}")
    check("rust-std: exit status as natively", code == ncode, f"{code} vs {ncode}\n{err[-2000:]}")


if __name__ == "__main__":
    sys.exit(suite.main())
