#!/usr/bin/env python3
"""Real C projects, unmodified, built as their users build them, natively and for Eremit;
each program runs natively and in Eremit and its stdout, stderr and exit code must be the
same.

The sources come from crates.io crates that bundle them (fetched with `cargo fetch` into
~/.cargo/registry; a crate that cannot be fetched skips its project with a message):

- SQLite (crate sqlite3-src: the amalgamation sqlite3.c and the shell, shell.c):
  `cc -O2 -DSQLITE_THREADSAFE=1 shell.c sqlite3.c -lpthread -lm`, then the shell with an
  on-disk database in /tmp: SQL batches and dot-commands given as arguments (stdin is not
  connected in Eremit), reopening the file, CSV import/export, .read/.output files, WAL
  (its -shm index is a MAP_SHARED file mapping), ATTACH, VACUUM, .backup, an error;
- zlib (crate libz-sys: src/zlib, the C files only): libz.a compiled and archived with the
  toolchain's gcc and ar, as zlib's Makefile does, and tests/projects/zlib/zcheck.c
  (gzip files in /tmp at several levels and strategies, gunzip, gzprintf/gzgets/gzseek,
  streams, checksums); and zlib-ng (same crate, src/zlib-ng) configured and built with
  its own CMakeLists through cmake/hermit-toolchain.cmake (ZLIB_COMPAT), with zcheck too;
- Lua 5.4 (crate lua-src: the library; it has no lua.c): a tiny CMakeLists.txt written
  outside the repository, as a user would, building the library and
  tests/projects/lua/luarun.c (a stand-alone interpreter) through the toolchain file;
  ctest runs it in Eremit; tests/projects/lua/check.lua (tables, string.format with
  floats, os.time/os.clock/os.date, io on /tmp, pcall/error, coroutines, GC) via -e;
- LevelDB 1.22 (crate leveldb-sys: deps/leveldb-1.22), C++: configured and built with its
  own CMakeLists through cmake/hermit-toolchain.cmake (LEVELDB_BUILD_TESTS and
  LEVELDB_BUILD_BENCHMARKS on) and natively; its ctest suite (30 test programs, the
  C API's c_test and env_posix_test among them: none needs fork) runs in Eremit through
  the toolchain file's emulator and natively, and every program's exit status, the tests
  it ran and its "==== PASSED N tests" must be the same; then db_bench (a short --num)
  runs both ways, which must run the same benchmarks and find every key;
- tests/projects/threads/pcsync.c: producer/consumer over semaphores with
  sem_timedwait, CLOCK_MONOTONIC/CLOCK_REALTIME (and raw, coarse, boot-time, CPU-time)
  deltas, nanosleep accuracy (booleans), condition variables, barriers, keys,
  sched_* calls; on 1 and 2 vCPUs;
- tests/projects/threads/c11threads.c: the same with C11's <threads.h>;
- tests/projects/mmap/mapcheck.c: MAP_SHARED file mappings (what SQLite's WAL needs).

The same cases built for aarch64 (aarch64-hermit-gcc, cmake/hermit-toolchain.cmake with
-DHERMIT_ARCH=aarch64) are the suite projects-aarch64 (`tests/run.py --arch aarch64
projects`), compared with the same native x86_64 builds.

Sources and builds are cached in build/projects, so a second run only links and runs.
Ends with 'N passed, N failed'."""

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import BIN, EREMIT, ROOT, TOOLCHAIN, TOOLCHAIN_FILE, Suite, check, once  # noqa: E402

PROJECTS = os.path.join(ROOT, "tests", "projects")
OUT = os.path.join(ROOT, "build", "projects")

# Crate, version: the sources.  Pinned, so that the outputs compared stay the same.
CRATES = {"sqlite3-src": "0.7.1", "libz-sys": "1.1.31", "lua-src": "551.1.0", "leveldb-sys": "2.0.9"}



class Target:
    """The Eremit side of the comparison on one architecture: its compilers, sysroot and
    CMake options, and where its builds go (build/projects/NAME/DIR); the native side is
    always the host's gcc (x86_64, glibc)."""

    def __init__(self, arch, dirname, simd):
        self.arch = arch
        self.dir = dirname
        self.cc = os.path.join(BIN, f"{arch}-hermit-gcc")
        self.ar = os.path.join(BIN, f"{arch}-hermit-ar")
        self.sysroot = os.path.join(TOOLCHAIN, f"{arch}-hermit")
        # x86_64 is the toolchain file's default; naming it would change the configured
        # builds' keys (cmake_build) and rebuild them from scratch once.
        self.cmake = [f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN_FILE}"] + ([] if arch == "x86_64" else [f"-DHERMIT_ARCH={arch}"])
        self.simd = simd  # what zlib-ng's runtime CPU detection picks from


X86_64 = Target("x86_64", "hermit", "SSE/AVX")
AARCH64 = Target("aarch64", "hermit-aarch64", "NEON/CRC32")

timings = []  # (what, seconds)


def skip(what, why):
    print(f"skip  {what}: {why}", flush=True)


def run(cmd, cwd=None, env=None, timeout=900, clean_env=False, argv0=None):
    """Like testlib's run, plus what the native runs need: the environment Eremit gives a
    program, HOME=/ and env (clean_env), another argv[0] than the executable's path
    (argv0); 15 minutes by default."""
    e = {"HOME": "/"} if clean_env else dict(os.environ)
    e.update(env or {})
    exe = None
    if argv0 is not None:
        exe, cmd = cmd[0], [argv0, *cmd[1:]]
    return subprocess.run(cmd, executable=exe, cwd=cwd, env=e, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, text=True,
                          errors="replace")


def timed(what, fn, *args, **kwargs):
    start = time.monotonic()
    r = fn(*args, **kwargs)
    timings.append((what, time.monotonic() - start))
    return r


# --- sources ----------------------------------------------------------------------------

def fetch():
    """{crate: source directory} of the crates that could be fetched."""
    work = os.path.join(OUT, "fetch")
    os.makedirs(os.path.join(work, "src"), exist_ok=True)
    deps = "".join(f'{name} = "={version}"\n' for name, version in CRATES.items())
    manifest = ('[package]\nname = "eremit-projects-fetch"\nversion = "0.0.0"\nedition = "2021"\n'
                'publish = false\n\n[dependencies]\n' + deps + "\n[workspace]\n")
    path = os.path.join(work, "Cargo.toml")
    if not os.path.exists(path) or open(path).read() != manifest:
        open(path, "w").write(manifest)
    if not os.path.exists(os.path.join(work, "src", "main.rs")):
        open(os.path.join(work, "src", "main.rs"), "w").write("fn main() {}\n")
    env = {"CARGO_TARGET_DIR": os.path.join(work, "target")}
    meta = None
    for offline in (True, False):  # the registry cache first, then crates.io
        p = run(["cargo", "metadata", "--format-version", "1"] + (["--offline"] if offline else []),
                cwd=work, env=env, timeout=600)
        if p.returncode == 0:
            meta = json.loads(p.stdout)
            p = run(["cargo", "fetch"] + (["--offline"] if offline else []), cwd=work, env=env, timeout=600)
            if p.returncode == 0:
                break
            meta = None
    if meta is None:
        # One at a time, so that one missing crate does not hide the others.
        found = {}
        for name, version in CRATES.items():
            one = os.path.join(OUT, "fetch-" + name)
            os.makedirs(os.path.join(one, "src"), exist_ok=True)
            open(os.path.join(one, "Cargo.toml"), "w").write(
                manifest.split("[dependencies]")[0] + f'[dependencies]\n{name} = "={version}"\n\n[workspace]\n')
            open(os.path.join(one, "src", "main.rs"), "w").write("fn main() {}\n")
            p = run(["cargo", "metadata", "--format-version", "1"], cwd=one, env=env, timeout=600)
            if p.returncode == 0:
                for pkg in json.loads(p.stdout)["packages"]:
                    if pkg["name"] == name and os.path.exists(pkg["manifest_path"]):
                        found[name] = os.path.dirname(pkg["manifest_path"])
            if name not in found:
                print(f"      cargo could not fetch {name} {version}: {p.stderr.strip()[-300:]}")
        return found
    found = {}
    for pkg in meta["packages"]:
        if pkg["name"] in CRATES and os.path.exists(pkg["manifest_path"]):
            found[pkg["name"]] = os.path.dirname(pkg["manifest_path"])
    return found


# --- building (cached) -------------------------------------------------------------------

def toolchain_key(target):
    """Changes when the sysroot's headers change (objects must be recompiled)."""
    try:
        return open(os.path.join(target.sysroot, ".headers")).read().strip()
    except OSError:
        return "?"


def stamped(target, key, build):
    """Runs build() unless TARGET exists and was built with the same KEY."""
    stamp = target + ".stamp"
    key = hashlib.sha256(json.dumps(key).encode()).hexdigest()
    if os.path.exists(target) and os.path.exists(stamp) and open(stamp).read() == key:
        return True, ""
    ok, log = build()
    if ok:
        open(stamp, "w").write(key)
    return ok, log


def compile_objects(cc, sources, objdir, flags, key):
    os.makedirs(objdir, exist_ok=True)
    objs, todo = [], []
    for src in sources:
        obj = os.path.join(objdir, os.path.basename(src)[:-2] + ".o")
        objs.append(obj)
        stamp_key = [cc, flags, src, os.path.getmtime(src), key]
        digest = hashlib.sha256(json.dumps(stamp_key).encode()).hexdigest()
        if not (os.path.exists(obj) and os.path.exists(obj + ".stamp") and open(obj + ".stamp").read() == digest):
            todo.append((src, obj, digest))
    # Two at a time: the machine has two cores.
    log = ""
    for i in range(0, len(todo), 2):
        procs = [(subprocess.Popen([cc, *flags, "-c", src, "-o", obj], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True), obj, digest)
                 for src, obj, digest in todo[i:i + 2]]
        for p, obj, digest in procs:
            out = p.communicate()[0]
            if p.returncode != 0:
                return None, out
            log += out
            open(obj + ".stamp", "w").write(digest)
    return objs, log


def flavors(target):
    """(flavor, its directory's name, cc, ar, key of its objects) of both builds."""
    return (("native", "native", "gcc", "ar", "native"),
            ("hermit", target.dir, target.cc, target.ar, toolchain_key(target)))


# --- running and comparing ----------------------------------------------------------------

def eremit(image, args, cpus=1, env=None, cwd=None):
    return testlib.eremit(image, args, cpus=cpus, env=env, cwd=cwd, guest_timeout=400, timeout=500)


def native(exe, args, env=None, argv0=None, cwd=None):
    start = time.monotonic()
    p = run([exe, *args], env=env, clean_env=True, argv0=argv0, cwd=cwd)
    return testlib.shell_status(p.returncode), p.stdout, p.stderr, time.monotonic() - start


def same_as_native(label, hermit_image, native_exe, args=(), cpus=1, env=None, clean=(), argv0=None):
    """Runs both (natively first, after removing the host files in CLEAN) and compares."""
    remove(clean)
    ncode, nout, nerr, nsecs = native(native_exe, list(args), env=env, argv0=argv0)
    remove(clean)
    cwd = None
    image = hermit_image
    if argv0 is not None:  # the same argv[0] in both: the image's name, run from its directory
        cwd, image = os.path.dirname(hermit_image), os.path.basename(hermit_image)
    code, out, err, secs = eremit(image, list(args), cpus=cpus, env=env, cwd=cwd)
    timings.append((f"run {label}: eremit / native", (secs, nsecs)))
    check(f"{label}: stdout equals native ({secs:.1f} s in Eremit, {nsecs:.2f} s natively)", out == nout,
          diff(nout, out) + (f"\neremit stderr:\n{err[-1500:]}" if err != nerr else ""))
    check(f"{label}: stderr equals native", err == nerr, diff(nerr, err))
    check(f"{label}: exit code {ncode} as native", code == ncode, f"eremit exit code {code}\n{err[-1500:]}")
    return code, out, err


def remove(patterns):
    for pattern in patterns:
        for f in glob.glob(pattern):
            if os.path.isfile(f):
                os.remove(f)


def diff(expected, got):
    import difflib
    lines = list(difflib.unified_diff(expected.splitlines(), got.splitlines(), "native", "eremit", lineterm="", n=1))
    return "\n".join(lines[:60])


# --- SQLite -------------------------------------------------------------------------------

DB = "/tmp/eremit-sqlite.db"
SQLITE_ARGS = [
    DB,
    "create table t(id integer primary key, name text not null, x real, b blob); create index t_name on t(name);"
    " insert into t(name, x, b) values ('alpha', 1.5, x'00ff10'), ('beta', 2.25, zeroblob(4)), ('gamma', -3.125, null);"
    " with recursive c(n) as (select 1 union all select n + 1 from c where n < 3000)"
    " insert into t(name, x) select 'row' || n, n * 0.25 from c;",
    ".open " + DB,
    "select count(*), sum(x), avg(x), min(name), max(name), total(length(b)) from t;"
    " select id, name, x, hex(b), typeof(b) from t where id <= 4;",
    ".headers on",
    ".mode box",
    "select name, printf('%.3f|%e|%g|%8.2f', x, x * 1e6, x / 7, -x) as f from t where id in (1, 2, 3, 1000) order by id;",
    ".mode line",
    "select 10 / 3, 10 / 3.0, 1e308 * 10, -1e308 * 10, cast('12abc' as integer), round(2.5), round(-2.5),"
    " 0.1 + 0.2, 1 / 0, 9223372036854775807 + 1.0, 1e-300 * 1e-300, upper('mixed Case'), substr('hello', 2, 3);",
    ".mode json",
    "select id, name, x from t where id < 3;",
    ".mode csv",
    ".headers off",
    ".output /tmp/eremit-sqlite.csv",
    "select id, name, x from t where id % 500 = 0;",
    ".output stdout",
    "create table imported(id integer, name text, x real);",
    ".import /tmp/eremit-sqlite.csv imported",
    ".mode list",
    "select count(*), sum(id), group_concat(name, ' '), sum(x) from imported;",
    ".output /tmp/eremit-sqlite.sql",
    ".print \"select 'read back', 6 * 7;\"",
    ".output stdout",
    ".read /tmp/eremit-sqlite.sql",
    "begin; update t set x = x + 1 where name like 'row1%'; savepoint s; delete from t; rollback to s; release s;"
    " rollback; select count(*), total(x) from t;",
    "pragma journal_mode = wal; insert into t(name, x) values ('in wal', 0); select count(*) from t;"
    " pragma wal_checkpoint(truncate); pragma journal_mode = delete;",
    "attach '/tmp/eremit-sqlite-2.db' as o; create table o.u as select * from t where id % 100 = 0;"
    " select count(*), sum(x) from o.u; detach o;",
    "delete from t where id % 2 = 0; vacuum; pragma integrity_check; pragma page_count; pragma freelist_count;",
    ".tables",
    ".schema",
    ".indexes",
    ".dump imported",
    ".backup /tmp/eremit-sqlite-3.db",
    ".open /tmp/eremit-sqlite-3.db",
    "select count(*), sum(id) from t;",
    "select date('2024-02-28', '+1 day'), datetime(1700000000, 'unixepoch'), strftime('%j %w', '2024-12-31'),"
    " julianday('2000-01-01'), json_object('a', 1, 'b', json_array(1, 2.5, 'x')),"
    " json_extract('{\"k\": [1, 2, 3]}', '$.k[2]');",
    "select * from no_such_table;",
    "select 'not reached: the shell stops at the first error';",
]
SQLITE_CLEAN = ["/tmp/eremit-sqlite*"]


def sqlite(target, src):
    dirs = {}
    for flavor, where, cc, _, key in flavors(target):
        d = os.path.join(OUT, "sqlite", where)
        flags = ["-O2", "-DSQLITE_THREADSAFE=1"]
        start = time.monotonic()
        objs, log = compile_objects(cc, [os.path.join(src, "shell.c"), os.path.join(src, "sqlite3.c")],
                                    d, flags, key)
        if objs is not None:
            p = run([cc, "-O2", *objs, "-lpthread", "-lm", "-o", os.path.join(d, "sqlite3")])
            log, ok = log + p.stdout + p.stderr, p.returncode == 0
        else:
            ok = False
        secs = time.monotonic() - start
        timings.append((f"build sqlite ({where})", secs))
        check(f"SQLite {version_of(src)}: cc -O2 -DSQLITE_THREADSAFE=1 shell.c sqlite3.c -lpthread -lm ({where}, {secs:.0f} s)",
              ok, log[-3000:])
        if not ok:
            return
        dirs[flavor] = d
    h, n = os.path.join(dirs["hermit"], "sqlite3"), os.path.join(dirs["native"], "sqlite3")
    same_as_native("sqlite3 -version", h, n, ["-version"])
    same_as_native("sqlite3 DB with stdin at its end: not interactive, no output", h, n, [DB], clean=SQLITE_CLEAN)
    same_as_native("sqlite3 -csv -header :memory:", h, n, ["-csv", "-header", ":memory:", "select 1 as a, 'x,y' as b, 2.5 as c"])
    code, out, _ = same_as_native("sqlite3 on /tmp/eremit-sqlite.db (reopened, WAL, CSV, .read, ATTACH, VACUUM, .backup)",
                                  h, n, SQLITE_ARGS, clean=SQLITE_CLEAN)
    check("... the rows written came back after reopening, the database is intact, the backup complete",
          out.startswith("3003|") and "\nok\n" in out and "\n1502|2256004\n" in out, out[-1500:])
    same_as_native("sqlite3 on 2 vCPUs", h, n, SQLITE_ARGS, cpus=2, clean=SQLITE_CLEAN)
    remove(SQLITE_CLEAN)


def version_of(src):
    try:
        for line in open(os.path.join(src, "sqlite3.h")):
            if line.startswith("#define SQLITE_VERSION "):
                return line.split('"')[1]
    except OSError:
        pass
    return "?"


# --- zlib ---------------------------------------------------------------------------------

ZCHECK_CLEAN = ["/tmp/zcheck.*", "/tmp/lines.gz", "/tmp/plain.txt"]


def zlib(target, crate):
    src = os.path.join(crate, "src", "zlib")
    if not os.path.exists(os.path.join(src, "zlib.h")):
        skip("zlib", f"no zlib sources in {crate}")
        return
    zcheck = os.path.join(PROJECTS, "zlib", "zcheck.c")
    built = {}
    for flavor, where, cc, ar, key in flavors(target):
        d = os.path.join(OUT, "zlib", where)
        start = time.monotonic()
        # zlib's Makefile: CFLAGS -O3 -D_LARGEFILE64_SOURCE=1 -DHAVE_HIDDEN, then ar rc.
        objs, log = compile_objects(cc, sorted(glob.glob(os.path.join(src, "*.c"))), os.path.join(d, "obj"),
                                    ["-O3", "-D_LARGEFILE64_SOURCE=1", "-DHAVE_HIDDEN"], key)
        ok = objs is not None
        if ok:
            lib = os.path.join(d, "libz.a")
            if os.path.exists(lib):
                os.remove(lib)
            p = run([ar, "rcs", lib, *objs])
            q = run([cc, "-O2", "-Wall", "-Wextra", "-I", src, zcheck, "-L", d, "-lz", "-o", os.path.join(d, "zcheck")]) \
                if p.returncode == 0 else p
            ok = p.returncode == 0 and q.returncode == 0
            log += p.stderr + q.stdout + q.stderr
        secs = time.monotonic() - start
        timings.append((f"build zlib ({where})", secs))
        check(f"zlib {zlib_version(src)}: libz.a with {os.path.basename(cc)} and {os.path.basename(ar)}, zcheck linked -lz ({where}, {secs:.0f} s)",
              ok, log[-3000:])
        if not ok:
            return
        built[flavor] = os.path.join(d, "zcheck")
    _, out, _ = same_as_native("zlib: zcheck (gzip/gunzip files in /tmp, streams)", built["hermit"], built["native"],
                               clean=ZCHECK_CLEAN)
    check("... every round trip gave back its input", "zcheck: all round trips ok" in out, out[-1500:])
    zlib_ng(target, os.path.join(crate, "src", "zlib-ng"), zcheck)
    remove(ZCHECK_CLEAN)


def zlib_version(src):
    for line in open(os.path.join(src, "zlib.h")):
        if line.startswith("#define ZLIB_VERSION "):
            return line.split('"')[1]
    return "?"


def cmake_build(label, source, build, extra, key):
    """Configures (once per KEY) and builds a CMake project; returns (ok, log)."""
    stamp = os.path.join(build, ".eremit-projects-key")
    digest = hashlib.sha256(json.dumps([source, extra, key]).encode()).hexdigest()
    log = ""
    if not (os.path.exists(stamp) and open(stamp).read() == digest):
        shutil.rmtree(build, ignore_errors=True)
        p = run(["cmake", "-S", source, "-B", build, "-DCMAKE_BUILD_TYPE=Release", *extra])
        log += p.stdout + p.stderr
        if p.returncode != 0:
            return False, log
        open(stamp, "w").write(digest)
    p = run(["cmake", "--build", build, "-j2"])
    return p.returncode == 0, log + p.stdout + p.stderr


def zlib_ng(target, src, zcheck):
    if not os.path.exists(os.path.join(src, "CMakeLists.txt")):
        skip("zlib-ng", f"no CMakeLists.txt in {src}")
        return
    built = {}
    opts = ["-DZLIB_COMPAT=ON", "-DZLIB_ENABLE_TESTS=OFF", "-DWITH_GTEST=OFF", "-DBUILD_SHARED_LIBS=OFF"]
    for flavor, where, cc, _, key in flavors(target):
        d = os.path.join(OUT, "zlib-ng", where)
        extra = opts + (target.cmake if flavor == "hermit" else [])
        start = time.monotonic()
        ok, log = cmake_build("zlib-ng", src, d, extra, key)
        if ok:
            p = run([cc, "-O2", "-I", d, zcheck, os.path.join(d, "libz.a"), "-o", os.path.join(d, "zcheck")])
            ok, log = p.returncode == 0, log + p.stderr
        secs = time.monotonic() - start
        timings.append((f"build zlib-ng ({where})", secs))
        how = "with cmake/hermit-toolchain.cmake" if flavor == "hermit" else "natively"
        check(f"zlib-ng: its CMakeLists.txt configures and builds {how} (ZLIB_COMPAT, {secs:.0f} s)", ok, log[-3000:])
        if not ok:
            return
        built[flavor] = os.path.join(d, "zcheck")
    _, out, _ = same_as_native(f"zlib-ng: zcheck (runtime CPU detection: {target.simd} paths)", built["hermit"],
                               built["native"], clean=ZCHECK_CLEAN)
    check("... every round trip gave back its input", "zcheck: all round trips ok" in out, out[-1500:])


# --- Lua ----------------------------------------------------------------------------------

LUA_CMAKE = """\
# A user's CMakeLists.txt for Lua (written by tests/projects_tests.py outside the repository).
cmake_minimum_required(VERSION 3.13)
project(luarun C)
set(LUA_DIR "{lua_dir}")
file(GLOB LUA_SOURCES "${{LUA_DIR}}/*.c")
add_library(lua STATIC ${{LUA_SOURCES}})
target_include_directories(lua PUBLIC "${{LUA_DIR}}")
target_compile_definitions(lua PUBLIC LUA_USE_LINUX)
find_library(MATH_LIBRARY m)
target_link_libraries(lua PUBLIC ${{MATH_LIBRARY}} ${{CMAKE_DL_LIBS}})
add_executable(luarun "{luarun}")
target_link_libraries(luarun lua)
enable_testing()
add_test(NAME lua-version COMMAND luarun -v)
set_tests_properties(lua-version PROPERTIES PASS_REGULAR_EXPRESSION "^Lua 5\\\\.4")
add_test(NAME lua-arith COMMAND luarun -e "print(string.format('%.2f', 2 ^ 0.5), 7 // 2)")
set_tests_properties(lua-arith PROPERTIES PASS_REGULAR_EXPRESSION "^1\\\\.41\t3")
"""


def lua(target, crate):
    dirs = sorted(glob.glob(os.path.join(crate, "lua-5.4*")))
    if not dirs:
        skip("Lua", f"no lua-5.4 sources in {crate}")
        return
    lua_dir = dirs[-1]
    version = os.path.basename(lua_dir)
    # The project lives outside the repository, as a user's would.
    source = os.path.join(tempfile.gettempdir(), "eremit-lua-project")
    os.makedirs(source, exist_ok=True)
    text = LUA_CMAKE.format(lua_dir=lua_dir, luarun=os.path.join(PROJECTS, "lua", "luarun.c"))
    path = os.path.join(source, "CMakeLists.txt")
    if not os.path.exists(path) or open(path).read() != text:
        open(path, "w").write(text)
    built = {}
    for flavor, where, _, _, key in flavors(target):
        d = os.path.join(OUT, "lua", where)
        extra = target.cmake if flavor == "hermit" else []
        start = time.monotonic()
        if os.path.exists(os.path.join(d, "luarun")):
            os.remove(os.path.join(d, "luarun"))  # relinked: the C library may have changed
        ok, log = cmake_build("lua", source, d, extra, key)
        secs = time.monotonic() - start
        timings.append((f"build lua ({where})", secs))
        how = "through cmake/hermit-toolchain.cmake" if flavor == "hermit" else "natively"
        check(f"Lua ({version}): a CMakeLists.txt outside the repository builds {how} ({secs:.0f} s)", ok, log[-3000:])
        if not ok:
            return
        built[flavor] = os.path.join(d, "luarun")
    start = time.monotonic()
    p = run(["ctest", "--output-on-failure"], cwd=os.path.dirname(built["hermit"]))
    timings.append(("ctest lua (hermit)", time.monotonic() - start))
    check("Lua: ctest runs luarun in Eremit (2 tests)", p.returncode == 0 and "0 tests failed out of 2" in p.stdout,
          p.stdout[-2000:])

    script_lines = []
    for line in open(os.path.join(PROJECTS, "lua", "check.lua")):
        line = line.strip()
        if line and not line.startswith("--"):
            script_lines.append(line)
    script = " ".join(script_lines)  # the kernel command line carries no newlines
    h, n = built["hermit"], built["native"]
    clean = ["/tmp/lua_check*"]
    _, out, _ = same_as_native("Lua: check.lua (tables, formats, os.time/clock, io on /tmp, pcall/error)", h, n,
                               ["-e", script], env={"LUA_CHECK": "yes"}, clean=clean, argv0="luarun")
    check("... ran to its end", out.rstrip().endswith("true\ttrue"), out[-800:])
    same_as_native("Lua: -v", h, n, ["-v"], argv0="luarun")
    same_as_native("Lua: a runtime error (message and traceback on stderr, exit 1)", h, n,
                   ["-e", "local function f() error('boom') end f()"], argv0="luarun")
    same_as_native("Lua: os.exit(7) after output on both streams", h, n,
                   ["-e", "io.write('out ') io.stderr:write('err') print(string.format('%g', 1/3)) os.exit(7)"],
                   argv0="luarun")
    remove(clean)


# --- LevelDB (C++) --------------------------------------------------------------------------

LEVELDB_OPTS = ["-DLEVELDB_BUILD_TESTS=ON", "-DLEVELDB_BUILD_BENCHMARKS=ON",
                # Benchmarks against other databases are built only when their library is
                # found: the host may have SQLite, whose db_bench_sqlite3.cc does not compile
                # with GCC 12 (a missing <ctime>).  Neither is LevelDB.
                "-DHAVE_SQLITE3=OFF", "-DHAVE_KYOTOCABINET=OFF"]
LEVELDB_BENCH_NUM = 50000


def sysroot_libs_key(target):
    """Changes when a library that images link changes (CMake relinks only for its own)."""
    key = []
    for lib in ("libc.a", "libhermit.a", "libstdc++.a", "libm.a"):
        f = os.path.join(target.sysroot, "lib", lib)
        key.append([lib, os.path.getmtime(f), os.path.getsize(f)] if os.path.exists(f) else [lib])
    return key


def ctest_results(output):
    """{test: (status, [tests it ran], the N of "==== PASSED N tests")} from `ctest -V`."""
    import re
    names = {}
    ran, passed, status = {}, {}, {}
    for line in output.splitlines():
        m = re.match(r"\s*\d+/\d+ Test\s+#(\d+): (\S+) \.+\**\s*(\S.*?)\s+[\d.]+ sec", line)
        if m:
            names[m.group(1)] = m.group(2)
            status[m.group(2)] = m.group(3)
            continue
        m = re.match(r"(\d+): (={3,4}) Test (\S+)", line)
        if m:
            ran.setdefault(m.group(1), []).append(m.group(3))
            continue
        m = re.match(r"(\d+): ==== PASSED (\d+) tests", line)
        if m:
            passed[m.group(1)] = int(m.group(2))
        elif re.match(r"(\d+): PASS$", line):  # c_test
            passed[line.split(":")[0]] = len(ran.get(line.split(":")[0], []))
    return {name: (status[name], ran.get(num, []), passed.get(num)) for num, name in names.items()}


def leveldb(target, crate):
    dirs = sorted(glob.glob(os.path.join(crate, "deps", "leveldb-*")))
    if not dirs or not os.path.exists(os.path.join(dirs[-1], "CMakeLists.txt")):
        skip("LevelDB", f"no deps/leveldb-*/CMakeLists.txt in {crate}")
        return
    src = dirs[-1]
    version = os.path.basename(src)
    built = {}
    for flavor, where, _, _, key in flavors(target):
        d = os.path.join(OUT, "leveldb", where)
        extra = LEVELDB_OPTS + (target.cmake if flavor == "hermit" else [])
        start = time.monotonic()
        # Relinked when the toolchain's libraries changed: CMake only knows its own.
        libs = os.path.join(d, ".eremit-libs")
        libs_key = json.dumps(sysroot_libs_key(target) if flavor == "hermit" else [])
        if os.path.isdir(d) and (not os.path.exists(libs) or open(libs).read() != libs_key):
            for f in glob.glob(os.path.join(d, "*_test")) + glob.glob(os.path.join(d, "db_bench")):
                os.remove(f)
        ok, log = cmake_build("leveldb", src, d, extra, key)
        if ok:
            open(libs, "w").write(libs_key)
        secs = time.monotonic() - start
        timings.append((f"build leveldb ({where})", secs))
        how = "with cmake/hermit-toolchain.cmake" if flavor == "hermit" else "natively"
        check(f"LevelDB ({version}, C++): its CMakeLists.txt configures and builds {how}"
              f" (tests and benchmarks, {secs:.0f} s)", ok, log[-3000:])
        if not ok:
            return
        built[flavor] = d

    # ctest: through CMAKE_CROSSCOMPILING_EMULATOR (`eremit run`) for the hermit build; the
    # native run keeps its databases in a directory of its own (Eremit's are in the VM's
    # memory).  One after the other: a few tests (DBTest.HiddenValuesAreRemoved) race
    # LevelDB's background compaction and fail now and then on a loaded machine, natively
    # too, so a program that failed is run once more before the verdict.
    def ctest(flavor, env=None):
        start = time.monotonic()
        cmd = ["ctest", "-V", "--timeout", "600"]
        out = run(cmd, cwd=built[flavor], env=env, timeout=2400).stdout
        res = ctest_results(out)
        failed = [t for t, (st, _, _) in res.items() if st != "Passed"]
        if failed:
            print(f"      {flavor}: ran again after failing once: {' '.join(failed)}", flush=True)
            again = run(cmd + ["--rerun-failed"], cwd=built[flavor], env=env, timeout=2400).stdout
            res.update(ctest_results(again))
            out += again
        return res, out, time.monotonic() - start

    tmp = tempfile.mkdtemp(prefix="eremit-leveldb-")
    try:
        n, nout, nsecs = ctest("native", env={"TEST_TMPDIR": tmp})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    h, hout, hsecs = ctest("hermit")
    timings.append(("ctest leveldb: eremit / native", (hsecs, nsecs)))
    npassed = sum(1 for st, _, _ in n.values() if st == "Passed")
    hpassed = sum(1 for st, _, _ in h.values() if st == "Passed")
    ncases = sum(c or 0 for _, _, c in n.values())
    hcases = sum(c or 0 for _, _, c in h.values())
    check(f"LevelDB: ctest runs its {len(n)} test programs in Eremit: {hpassed} passed"
          f" ({hcases} tests), natively {npassed} passed ({ncases} tests); {hsecs:.0f} s / {nsecs:.0f} s",
          len(n) >= 30 and h.keys() == n.keys() and hpassed == npassed == len(n),
          "\n".join(f"{t}: eremit {h.get(t, ('missing',))[0]}, native {n.get(t, ('missing',))[0]}"
                    for t in sorted(set(h) | set(n)) if h.get(t, ('?',))[0] != "Passed")
          + "\n" + hout[-2500:])
    differ = [t for t in n if t in h and h[t] != n[t]]
    check("... every test program ran the same tests and passed the same number as natively",
          not differ and hcases == ncases > 0,
          "\n".join(f"{t}: eremit {h[t]}\n      native {n[t]}" for t in differ[:5]))

    # db_bench, briefly: the same benchmarks, every key found, exit code 0 both ways.
    args = [f"--num={LEVELDB_BENCH_NUM}"]
    tmp = tempfile.mkdtemp(prefix="eremit-leveldb-bench-")
    try:
        ncode, nout, nerr, nsecs = native(os.path.join(built["native"], "db_bench"), args,
                                          env={"TEST_TMPDIR": tmp})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    code, out, err, secs = eremit(os.path.join(built["hermit"], "db_bench"), args)
    timings.append((f"run db_bench --num={LEVELDB_BENCH_NUM}: eremit / native", (secs, nsecs)))

    def figures(text):
        rows = []
        for line in text.replace("\r", "\n").splitlines():
            if " : " in line and "micros/op" in line:
                name, rest = line.split(" : ", 1)
                rows.append((name.strip(), rest.strip()))
        return rows

    hrows, nrows = figures(out + err), figures(nout + nerr)
    check(f"LevelDB: db_bench {' '.join(args)} exits {ncode} as natively ({secs:.1f} s in Eremit, {nsecs:.1f} s natively)",
          code == ncode == 0, f"eremit exit code {code}, native {ncode}\n{err[-1500:]}")
    found = f"({LEVELDB_BENCH_NUM} of {LEVELDB_BENCH_NUM} found)"
    check("... it ran the same benchmarks, and every read found its key",
          [r[0] for r in hrows] == [r[0] for r in nrows] and len(hrows) >= 10
          and all(found in r[1] for r in hrows if r[0] == "readrandom")
          and [r[1] for r in hrows].count(found) == [r[1] for r in nrows].count(found),
          diff("\n".join(f"{a} {b}" for a, b in nrows), "\n".join(f"{a} {b}" for a, b in hrows)))
    print("      db_bench (micros/op)            eremit       native")
    def micros(x):
        try:
            return float(x.split("micros/op")[0].split()[-1])
        except (ValueError, IndexError):
            return float("nan")

    # Row by row: db_bench runs some benchmarks (readrandom, readseq) more than once.
    for (name, rest), (_, nrest) in zip(hrows, nrows):
        print(f"      {name:<24} {micros(rest):12.3f} {micros(nrest):12.3f}")


# --- programs of our own ------------------------------------------------------------------

def own_program(target, name, rel, libs, runs):
    src = os.path.join(PROJECTS, rel)
    built = {}
    for flavor, where, cc, _, _ in flavors(target):
        d = os.path.join(OUT, name, where)
        os.makedirs(d, exist_ok=True)
        exe = os.path.join(d, name)
        p = run([cc, "-O2", "-Wall", "-Wextra", "-Werror", src, *libs, "-o", exe])
        check(f"{rel}: builds ({where})", p.returncode == 0, p.stderr[-2000:])
        if p.returncode != 0:
            return
        built[flavor] = exe
    for label, args, cpus, clean in runs:
        _, out, _ = same_as_native(label, built["hermit"], built["native"], args, cpus=cpus, clean=clean)
        check(f"... {name}: every check held", f"{name}: all checks held" in out,
              "\n".join(l for l in out.splitlines() if l.endswith("false")) or out[-1000:])


@once
def crates():
    """The crates' source directories, fetched once (cached in ~/.cargo/registry)."""
    os.makedirs(OUT, exist_ok=True)
    print("projects-tests: fetching the sources (cargo fetch, cached in ~/.cargo/registry)", flush=True)
    try:
        found = timed("cargo fetch", fetch)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"      cargo fetch failed: {e}")
        found = {}
    for name, version in CRATES.items():
        if name in found:
            print(f"      {name} {version}: {found[name]}")
    return found


def with_timings(fn, *args):
    """A case: fn(*args), then the build and run times it took."""
    def case():
        os.makedirs(OUT, exist_ok=True)
        first = len(timings)
        fn(*args)
        if len(timings) > first:
            print("      timings:")
        for what, secs in timings[first:]:
            if isinstance(secs, tuple):
                print(f"        {what:<70} {secs[0]:7.2f} s / {secs[1]:.2f} s")
            else:
                print(f"        {what:<70} {secs:7.2f} s")
    return case


def from_crate(target, title, crate, fn, subdir=None):
    """fn(target, the fetched crate's directory (or its subdir)), or a skip line."""
    found = crates()
    if crate not in found:
        skip(title, f"the crate {crate} could not be fetched")
        return
    fn(target, os.path.join(found[crate], subdir) if subdir else found[crate])


def make_suite(name, target):
    """The suite's cases with the Eremit builds for `target`."""
    s = Suite(name, requires=[target.cc, EREMIT])
    s.add("pcsync", with_timings(own_program, target, "pcsync", "threads/pcsync.c", ["-lpthread"],
                                 [("pcsync (threads, semaphores, clocks)", [], 1, []),
                                  ("pcsync on 2 vCPUs", ["50000"], 2, [])]))
    s.add("c11threads", with_timings(own_program, target, "c11threads", "threads/c11threads.c", ["-lpthread"],
                                     [("c11threads (C11 <threads.h>)", [], 1, []),
                                      ("c11threads on 2 vCPUs", [], 2, [])]))
    s.add("mapcheck", with_timings(own_program, target, "mapcheck", "mmap/mapcheck.c", [],
                                   [("mapcheck (MAP_SHARED file mappings)", [], 1, ["/tmp/mapcheck.dat"])]))
    s.add("sqlite", with_timings(from_crate, target, "SQLite", "sqlite3-src", sqlite, "source"))
    s.add("zlib", with_timings(from_crate, target, "zlib", "libz-sys", zlib))
    s.add("lua", with_timings(from_crate, target, "Lua", "lua-src", lua))
    s.add("leveldb", with_timings(from_crate, target, "LevelDB", "leveldb-sys", leveldb))
    return s


suite = make_suite("projects", X86_64)
# The same projects built with aarch64-hermit-gcc (tests/run.py --arch aarch64 projects),
# still against the native x86_64 builds.
aarch64_suite = make_suite("projects-aarch64", AARCH64)


if __name__ == "__main__":
    sys.exit(suite.main())
