#!/usr/bin/env python3
"""GCC run-test conformance: GCC 12's own run tests (libstdc++, gfortran.dg, libgomp) built
with the host's compilers and with x86_64-hermit-*, run natively and in Eremit.

The testsuites come from the gcc-12-source tarball (the same sources our libstdc++,
libgfortran and libgomp are built from) and are unpacked once into ~/.cache/eremit.
DejaGnu is not used: each test's dg- directives are read here (dg-do run and its target
selector, dg-options, dg-additional-options, dg-add-options, dg-require-*, dg-skip-if,
dg-shouldfail, dg-additional-sources, dg-set-target-env-var, dg-timeout-factor) and tests
needing what a unikernel cannot have (fork/exec, signals, shared libraries, named locales,
host data files, ...) or an effective target this script does not know are left out.

From the remaining candidates, every suite takes an evenly spaced sample by sorted path
(deterministic, spread over the whole tree).  A test passes when it compiles and exits 0
(for dg-shouldfail: exits non-zero); dg-output patterns are not checked.

Usage: tests/conformance.py [--per-suite N] [--jobs J] [--report FILE] [--only SUBSTR]
Writes build/conformance/report.md and report.json (every test's outcome)."""

import argparse
import concurrent.futures
import fcntl
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import BIN, EREMIT, ROOT  # noqa: E402

OUT = os.path.join(ROOT, "build", "conformance")
TARBALL = "/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz"
TOP = "gcc-12.2.0"
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "eremit")
MEMBERS = ["libstdc++-v3/testsuite", "gcc/testsuite/gfortran.dg", "libgomp/testsuite"]

FORTRAN_EXT = (".f", ".F", ".f90", ".F90", ".f95", ".F95", ".f03", ".F03", ".f08", ".F08")

# Suite -> (directories under the source tree, file suffixes, recursive?).  gfortran.dg's
# subdirectories have their own .exp drivers and flags (coarray, lto, vect, ...), so only
# the top level is used, as gfortran.dg/dg.exp does.
SUITES = {
    "libstdc++": [("libstdc++-v3/testsuite", (".cc",), True)],
    "gfortran": [("gcc/testsuite/gfortran.dg", FORTRAN_EXT, False)],
    "libgomp": [("libgomp/testsuite/libgomp.c", (".c",), True),
                ("libgomp/testsuite/libgomp.c++", (".C", ".cc"), True),
                ("libgomp/testsuite/libgomp.fortran", FORTRAN_EXT, True),
                ("libgomp/testsuite/libgomp.c-c++-common", (".c",), True)],
}
# libstdc++ directories that are not conformance tests of the library as shipped.
LIBSTDCXX_SKIP_DIRS = ("abi/", "libstdc++-prettyprinters/", "libstdc++-xmethods/", "performance/",
                       "util/", "data/", "lib/", "config/", "libstdc++-abi/", "libstdc++-dg/")

# Default sample sizes: sized for `make conformance` to take well under 30 minutes on a
# 2-core machine under TCG (measured: ~0.5-0.75 s of wall time per test with 3 jobs: an Eremit
# run waits on QEMU's boot and timers more than it computes, so one job more than cores).
DEFAULT_PER_SUITE = {"libstdc++": 700, "gfortran": 650, "libgomp": 400}

TIMEOUT_NATIVE = 30
TIMEOUT_EREMIT = 45


# --- unpacking ---------------------------------------------------------------------------

def source_tree():
    """The testsuites, unpacked once; the stamp names the tarball's size and mtime so a
    different tarball unpacks again.  Unpacked into a temporary directory and renamed, so
    an interrupted run never leaves a half tree behind."""
    st = os.stat(TARBALL)
    key = f"{st.st_size}-{int(st.st_mtime)}"
    dest = os.path.join(CACHE, "gcc-12-testsuite")
    stamp = os.path.join(dest, ".stamp")
    if os.path.exists(stamp) and open(stamp).read() == key:
        return os.path.join(dest, TOP)
    os.makedirs(CACHE, exist_ok=True)
    tmp = dest + f".tmp{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    # GNU tar with xz is several times faster than tarfile on this 80 MB archive.
    p = subprocess.run(["tar", "-xJf", TARBALL, "-C", tmp, "--wildcards"]
                       + [f"{TOP}/{m}/*" for m in MEMBERS], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"conformance: unpacking {TARBALL} failed: {p.stderr[-2000:]}")
    open(os.path.join(tmp, ".stamp"), "w").write(key)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)
    return os.path.join(dest, TOP)


# --- dg directives -----------------------------------------------------------------------

def tcl_words(text):
    """Splits a Tcl list: words separated by blanks, {braced} and "quoted" words kept whole
    (outer braces/quotes removed)."""
    words, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            words.append(text[i + 1:j - 1])
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            words.append(text[i + 1:j])
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            words.append(text[i:j])
            i = j
    return words


def directives(src):
    """Every `{ dg-NAME args }` in the file, in order, as (NAME, [words])."""
    out = []
    for m in re.finditer(r"\{\s*dg-([A-Za-z0-9_-]+)", src):
        depth, j = 1, m.start() + 1
        while j < len(src) and depth and src[j] != "\n":
            depth += {"{": 1, "}": -1}.get(src[j], 0)
            j += 1
        if depth:
            continue
        out.append((m.group(1), tcl_words(src[m.end():j - 1])))
    return out


class Unknown(Exception):
    """An effective target or option this script cannot decide: the test is left out."""


TRIPLES = ("x86_64-pc-linux-gnu", "x86_64-pc-hermit")

# Effective targets true for both the host and Eremit (x86_64, static, threads, TLS,
# libquadmath, IEEE floats); false ones are properties neither build has or Eremit lacks.
ET_TRUE = {
    "hosted", "cxx11_abi", "cxx11-abi", "std_allocator_new", "ieee_floats", "lp64",
    "size32plus", "pthread", "gthreads", "tls", "tls_runtime", "tls_native", "fortran_large_real",
    "fortran_real_16", "fortran_large_int", "fortran_integer_16", "fortran_real_10",
    "fortran_real_c_float128", "fortran_largest_fp_has_sqrt", "stdint_types", "sse2",
    "sse2_runtime", "sse", "x86", "natural_alignment_32", "natural_alignment_64", "int32plus",
    "longdouble128", "large_long_double", "fd_truncate", "static_libgfortran", "fopenmp",
    "fenv", "fenv_exceptions", "random_device", "c", "c++", "nonpic", "alloca",
    "stdint", "libatomic_available", "ptr32plus", "fstack_protector", "c99_runtime",
    "__float128",
}
ET_FALSE = {
    "ia32", "ilp32", "x32", "lto", "tbb_backend", "net_ts_ip", "stacktrace", "dfp",
    "run_expensive_tests", "offload_device", "offload_device_nonshared_as",
    "offload_device_shared_as", "offload_device_intel_mic", "offload_target_nvptx",
    "offload_target_amdgcn", "offload_target_any", "openacc_cuda", "openacc_cublas",
    "openacc_cudart", "openacc_nvidia_accel_selected", "openacc_radeon_accel_selected",
    "openacc_host_selected", "avx_runtime", "avx2_runtime", "avx512f_runtime", "avx", "avx2",
    "avx512f", "vect_simd_clones", "vect_double", "vect_intdouble_cvt", "fpic", "pie",
    "shared", "dlopen", "fork", "signal", "named_sections", "issignaling", "libgomp_plugin",
    "gcc_jit", "tzdb", "can_compile_stdexec", "simulator", "lax_strtofp", "dummy_wcsftime",
    "broken_cplxf_arg", "newlib_broken_long_double_io", "newlib", "arm_eabi",
}

CXX_STDS = {"98": 98, "03": 98, "0x": 11, "11": 11, "1y": 14, "14": 14, "1z": 17, "17": 17,
            "2a": 20, "20": 20, "2b": 23, "23": 23}


def cxx_std(opts, default=17):
    std = default
    for o in opts:
        m = re.match(r"-std=(?:gnu|c)\+\+(\w+)$", o)
        if m and m.group(1) in CXX_STDS:
            std = CXX_STDS[m.group(1)]
    return std


def effective_target(name, triple, std):
    if "*" in name or "?" in name or re.match(r"^[^-\s]+-[^-\s]+-[^\s]+$", name):
        return fnmatch.fnmatch(triple, name)
    m = re.match(r"^c\+\+(\w\w)(_only|_down)?$", name)
    if m and m.group(1) in CXX_STDS:
        n = CXX_STDS[m.group(1)]
        if std is None:
            return False
        return {None: std >= n, "_only": std == n, "_down": std <= n}[m.group(2)]
    if name in ET_TRUE:
        return True
    if name in ET_FALSE:
        return False
    raise Unknown(f"effective target {name}")


def eval_expr(words, triple, std):
    """A DejaGnu target expression: names, `!`, `&&`, `||` and {sub-expressions}; names
    side by side form a list (any may match)."""
    toks = []
    for w in words:
        if w.strip() and w != w.strip() or " " in w.strip():
            toks.append(("group", tcl_words(w)))
        else:
            toks.append(("name", w))
    pos = 0

    def atom():
        nonlocal pos
        kind, v = toks[pos]
        pos += 1
        if kind == "name" and v == "!":
            return not atom()
        if kind == "group":
            return eval_expr(v, triple, std)
        return effective_target(v, triple, std)

    def conj():
        nonlocal pos
        v = atom()
        while pos < len(toks) and toks[pos] == ("name", "&&"):
            pos += 1
            v = atom() and v
        return v

    def disj():
        nonlocal pos
        v = conj()
        while pos < len(toks):
            if toks[pos] == ("name", "||"):
                pos += 1
            v = conj() or v
        return v

    return disj() if toks else True


def selector(words, std):
    """A directive's trailing selector, `target EXPR [xfail EXPR]` or `xfail EXPR`:
    (target true for both the host and Eremit?, xfail true for either?)."""
    if not words:
        return True, False
    if len(words) == 1:
        words = tcl_words(words[0])
    parts, cur = {}, None
    for w in words:
        if w in ("target", "xfail") and cur != w:
            cur = w
            parts[cur] = []
        elif cur:
            parts[cur].append(w)

    def ev(ws, quant):
        if len(ws) == 1 and (" " in ws[0].strip() or ws[0].strip() != ws[0]):
            ws = tcl_words(ws[0])
        return quant(eval_expr(ws, t, std) for t in TRIPLES)

    target = ev(parts["target"], all) if "target" in parts else True
    xfail = ev(parts["xfail"], any) if "xfail" in parts else False
    return target, xfail


# dg-require-* of libstdc++'s testsuite that both the host and Eremit satisfy.
REQUIRE_OK = {"cstdint", "gthreads", "gthreads-timed", "string-conversions", "fileio", "c-std",
              "time", "cmath", "little-endian", "atomic-builtins", "thread-fence", "binary-io",
              "normal-mode", "sched-yield", "sleep", "swprintf", "nprocs", "filesystem-ts",
              "visibility", "cxa-atexit", "alias", "weak", "effective-target-list"}
# ... and those a unikernel (or this harness) cannot satisfy.
REQUIRE_NO = {"debug-mode", "parallel-mode", "profile-mode", "sharedlib", "iconv", "dfp",
              "fork", "dlopen", "linker-plugin", "static-libstdcxx", "host-local", "dot",
              "ifunc", "mkfifo", "profiling"}

# Options that make the test something else than a run test of the shipped libraries.
BAD_OPTIONS = re.compile(r"^(-flto.*|-m32|-mx32|-fopenacc.*|-shared|-fpic|-fPIC|-pie|-fprofile.*|"
                         r"-fsanitize.*|-fcoarray=lib|-fsplit-stack|-ftest-coverage|-fdump-ada.*)$")

ADD_OPTIONS = {"no_pch": [], "ieee": [], "tls": [], "libatomic": [], "__float128": [],
               "using-deprecated": ["-U_GLIBCXX_USE_DEPRECATED", "-D_GLIBCXX_USE_DEPRECATED=1"],
               "c99_runtime": [], "bind_pic_locally": []}

# Things in the source that the unikernel cannot provide, whatever the directives say.
UNAVAILABLE = [
    (re.compile(r"\b(fork|vfork|execv[pe]?|execl[pe]?|posix_spawn|popen|dlopen|sigaction|"
                r"setrlimit|getrlimit)\s*\("), "needs processes, signals, dlopen or rlimits"),
    (re.compile(r"\bsignal\s*\(\s*SIG"), "needs signals"),
    (re.compile(r"\bcall\s+(execute_command_line|system)\b|\bcall\s+signal\b", re.I),
     "needs a shell or signals"),
]


class Test:
    def __init__(self, suite, root, rel, lang):
        self.suite, self.root, self.rel, self.lang = suite, root, rel, lang
        self.path = os.path.join(root, rel)
        self.opts, self.extra_sources, self.env = [], [], {}
        self.shouldfail, self.timeout_factor = False, 1.0
        self.skip = None

    @property
    def name(self):
        return f"{self.suite}/{self.rel.split('testsuite/', 1)[-1]}"


def default_options(t):
    if t.suite == "libstdc++":
        return ["-O2", "-D_GLIBCXX_ASSERT", "-D_GNU_SOURCE", "-fmessage-length=0", "-std=gnu++17"]
    if t.suite == "gfortran":
        return ["-pedantic-errors"]
    return ["-O2"]


def always_options(t, tree):
    """Options dg-options does not replace (the .exp files' ALWAYS_* flags)."""
    if t.suite == "libstdc++":
        return ["-I", os.path.join(tree, "libstdc++-v3/testsuite/util")]
    return ["-fopenmp"] if t.suite == "libgomp" else []


def parse_test(t, tree, data_files):
    try:
        src = open(t.path, errors="replace").read()
    except OSError as e:
        t.skip = str(e)
        return t
    try:
        _parse(t, src, tree, data_files)
    except Unknown as e:
        t.skip = str(e)
    except (IndexError, ValueError) as e:
        t.skip = f"unparsed directive ({e})"
    return t


def _parse(t, src, tree, data_files):
    ds = directives(src)
    run = [w for n, w in ds if n == "do" and w and w[0] == "run"]
    if not run:
        t.skip = "not a run test"
        return
    # Options first: the C++ standard they select decides c++NN selectors.
    dg_opts = None
    extra = []
    for n, w in ds:
        if n in ("options", "additional-options") and w:
            if selector(w[1:], None)[0]:
                opts = w[0].split()
                if n == "options":
                    dg_opts = opts
                else:
                    extra += opts
    opts = (default_options(t) if dg_opts is None else dg_opts) + extra
    if t.suite == "libstdc++" and dg_opts is not None and not any(o.startswith("-std=") for o in dg_opts):
        opts = ["-std=gnu++17"] + opts
    if t.suite == "libstdc++" and dg_opts is not None:
        opts = ["-O2", "-D_GLIBCXX_ASSERT", "-D_GNU_SOURCE"] + opts
    std = cxx_std(opts) if t.lang == "c++" else None
    if t.lang == "c++" and t.suite == "libgomp":
        std = cxx_std(opts, default=17)

    for n, w in ds:
        if n == "do":
            continue
        if n.startswith("require-"):
            what = n[len("require-"):]
            if what == "effective-target":
                if not all(effective_target(w[0], tr, std) for tr in TRIPLES):
                    t.skip = f"requires {w[0]}"
                    return
            elif what == "namedlocale":
                if w and w[0] not in ("", "C", "POSIX"):
                    t.skip = f"named locale {w[0]}"
                    return
            elif what in REQUIRE_NO:
                t.skip = f"requires {what}"
                return
            elif what not in REQUIRE_OK:
                raise Unknown(f"dg-require-{what}")
        elif n == "add-options":
            for o in w:
                if o not in ADD_OPTIONS:
                    raise Unknown(f"dg-add-options {o}")
                opts += ADD_OPTIONS[o]
        elif n == "skip-if":
            sel = w[1] if len(w) > 1 else "*-*-*"
            if all(eval_expr(tcl_words(sel), tr, std) for tr in TRIPLES) or \
                    any(eval_expr(tcl_words(sel), tr, std) for tr in TRIPLES):
                inc = tcl_words(w[2]) if len(w) > 2 else ["*"]
                exc = tcl_words(w[3]) if len(w) > 3 else []
                if any(p == "*" or p in opts for p in inc) and not any(p in opts for p in exc):
                    t.skip = "dg-skip-if"
                    return
        elif n == "xfail-run-if":
            sel = w[1] if len(w) > 1 else "*-*-*"
            if any(eval_expr(tcl_words(sel), tr, std) for tr in TRIPLES):
                t.skip = "expected to fail (dg-xfail-run-if)"
                return
        elif n == "shouldfail":
            if len(w) < 2 or selector(w[1:], std)[0]:
                t.shouldfail = True
        elif n == "additional-sources":
            for f in " ".join(w[:1]).split():
                t.extra_sources.append(os.path.normpath(os.path.join(os.path.dirname(t.path), f)))
        elif n in ("compile-aux-modules", "additional-files", "extra-files"):
            t.skip = "needs auxiliary files"
            return
        elif n == "set-target-env-var":
            t.env[w[0]] = w[1]
        elif n in ("timeout-factor",):
            t.timeout_factor = float(w[0])
        elif n == "timeout":
            t.timeout_factor = max(1.0, float(w[0]) / TIMEOUT_NATIVE)

    ok, xfail = selector(run[0][1:], std)
    if not ok:
        t.skip = "dg-do run target selector"
        return
    if xfail:
        t.skip = "expected to fail (xfail)"
        return
    for o in opts:
        if BAD_OPTIONS.match(o):
            t.skip = f"option {o}"
            return
    for rx, why in UNAVAILABLE:
        if rx.search(src):
            t.skip = why
            return
    # Eremit's file system is the image's own: files from the testsuite's data directory
    # are not there.
    if t.suite == "libstdc++":
        for f in data_files:
            if f in src:
                t.skip = f"reads testsuite data file {f}"
                return
    # gfortran-dg-runtest puts a torture level (-O0 ... -Os; here -O2) before the test's
    # options, so a test's own -O wins.
    pre = ["-O2"] if t.suite == "gfortran" else []
    t.opts = pre + [o for o in opts if not o.startswith("-foffload")] + always_options(t, tree)


def candidates(tree, suite):
    """(Test, ...) for every file of the suite, sorted by path; t.skip says why unused."""
    data_dir = os.path.join(tree, "libstdc++-v3/testsuite/data")
    data_files = sorted(os.listdir(data_dir)) if os.path.isdir(data_dir) else []
    tests = []
    for sub, exts, recursive in SUITES[suite]:
        base = os.path.join(tree, sub)
        for dirpath, dirnames, files in os.walk(base):
            dirnames.sort()
            if not recursive:
                dirnames[:] = []
            for f in sorted(files):
                if not f.endswith(exts):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f), tree)
                if suite == "libstdc++":
                    inner = os.path.relpath(os.path.join(dirpath, f), base)
                    if inner.startswith(LIBSTDCXX_SKIP_DIRS):
                        continue
                lang = "fortran" if f.endswith(FORTRAN_EXT) else ("c" if f.endswith(".c") else "c++")
                tests.append(Test(suite, tree, rel, lang))
    tests.sort(key=lambda t: t.rel)
    return [parse_test(t, tree, data_files) for t in tests]


def sample(tests, n):
    """n tests evenly spaced over the sorted list (the middle of each of n equal strides):
    deterministic and spread over every directory."""
    ok = [t for t in tests if t.skip is None]
    if n >= len(ok):
        return ok
    return [ok[(2 * i + 1) * len(ok) // (2 * n)] for i in range(n)]


def wait_for_toolchain():
    """Waits while scripts/build-toolchain.sh rebuilds the toolchain (it holds this lock
    exclusively); the lock is not kept, so a rebuild started later is not held up."""
    path = os.path.join(ROOT, "build", ".toolchain.lock")
    if os.path.exists(path):
        with open(path) as f:
            fcntl.flock(f, fcntl.LOCK_SH)
            fcntl.flock(f, fcntl.LOCK_UN)


# --- building and running ----------------------------------------------------------------

_libtest_lock = threading.Lock()
_libtest_built = {}


def libtestcxx(tree, flavour):
    """libstdc++'s testsuite support library (testsuite_hooks.cc & co.; `libtestc++.a` in
    the real testsuite), once per flavour and run (the sysroot may have changed since)."""
    d = os.path.join(OUT, "libtestc++", flavour)
    lib = os.path.join(d, "libtestc++.a")
    with _libtest_lock:
        if flavour in _libtest_built:
            return lib
        # Rebuilt in place: the archive is replaced by a rename, so a link that is
        # reading the previous one still sees a whole file.
        os.makedirs(d, exist_ok=True)
        util = os.path.join(tree, "libstdc++-v3/testsuite/util")
        cxx = "g++" if flavour == "native" else os.path.join(BIN, "x86_64-hermit-g++")
        ar = "ar" if flavour == "native" else os.path.join(BIN, "x86_64-hermit-ar")
        objs = []
        for f in ("testsuite_hooks.cc", "testsuite_allocator.cc", "testsuite_character.cc"):
            o = os.path.join(d, f.replace(".cc", ".o"))
            p = subprocess.run([cxx, "-std=gnu++17", "-O2", "-D_GNU_SOURCE", "-I", util, "-c",
                                os.path.join(util, f), "-o", o], capture_output=True, text=True)
            if p.returncode != 0:
                raise SystemExit(f"conformance: building libtestc++ ({flavour}) failed:\n{p.stderr[-3000:]}")
            objs.append(o)
        subprocess.run([ar, "rcs", lib + ".tmp", *objs], check=True)
        os.rename(lib + ".tmp", lib)
        _libtest_built[flavour] = True
        return lib


def compiler(t, flavour):
    lang = t.lang
    # A C++ test with extra Fortran sources (or the reverse) links with the driver of
    # the main file; gfortran links C sources fine and g++ needs nothing else.
    base = {"c": "gcc", "c++": "g++", "fortran": "gfortran"}[lang]
    return base if flavour == "native" else os.path.join(BIN, f"x86_64-hermit-{base}")


def run_cmd(cmd, cwd, timeout, env=None):
    e = dict(os.environ)
    e.update(env or {})
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, stdin=subprocess.DEVNULL,
                           timeout=timeout)
        out = (p.stdout + p.stderr).decode(errors="replace")
        rc = p.returncode
    except subprocess.TimeoutExpired as x:
        out = ((x.stdout or b"") + (x.stderr or b"")).decode(errors="replace")
        rc = 124
    return rc, out, time.monotonic() - start


def first_lines(text, n=4):
    lines = [l.rstrip() for l in text.splitlines() if l.strip()]
    return "\n".join(l[:200] for l in lines[:n])


def build_and_run(t, tree, flavour, keep=False):
    """{'compiled', 'rc', 'passed', 'reason', 'secs'} for one flavour."""
    d = os.path.join(OUT, "work", flavour, re.sub(r"[^A-Za-z0-9_.+-]", "_", t.name))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    exe = os.path.join(d, "a.out")
    extra = []
    if t.suite == "libstdc++":
        extra = [libtestcxx(tree, flavour)]
    # The test's directory is on the include path (Fortran INCLUDE, #include "...") and
    # modules go to the per-test directory (cwd).
    # -l options go after the sources, or a static link finds nothing to resolve yet.
    libs = [o for o in t.opts if o.startswith("-l")]
    opts = [o for o in t.opts if not o.startswith("-l")]
    cmd = [compiler(t, flavour), *opts, "-I", os.path.dirname(t.path), t.path, *t.extra_sources,
           *extra, *libs, "-o", exe]
    if t.lang == "fortran" or any(s.endswith(FORTRAN_EXT) for s in t.extra_sources):
        cmd[1:1] = ["-J", d] if t.lang == "fortran" else []
    if t.lang == "c" and any(s.endswith(FORTRAN_EXT) for s in t.extra_sources):
        cmd += ["-lgfortran"] if flavour == "native" else []
    if t.lang in ("c", "c++") and t.suite == "libgomp":
        cmd += ["-lm"]
    rc, out, secs = run_cmd(cmd, d, 300)
    res = {"compiled": rc == 0, "rc": None, "passed": False, "secs": round(secs, 2)}
    if rc != 0:
        # The diagnostics, not the "In function ..." context around them.
        key = [l for l in out.splitlines() if re.search(r"error|undefined reference|multiple definition", l)]
        res["reason"] = "compile: " + first_lines("\n".join(key) or out).replace(os.path.dirname(t.path) + "/", "")
        if not keep:
            shutil.rmtree(d, ignore_errors=True)
        return res
    timeout = (TIMEOUT_NATIVE if flavour == "native" else TIMEOUT_EREMIT) * t.timeout_factor
    timeout = min(timeout, 150)
    if flavour == "native":
        rc, out, rsecs = run_cmd([exe], d, timeout, t.env)
        if rc < 0:
            rc = 128 - rc
    else:
        cpus = "2" if t.suite == "libgomp" or "-pthread" in t.opts else "1"
        envs = [x for k, v in t.env.items() for x in ("--env", f"{k}={v}")]
        rc, out, rsecs = run_cmd([EREMIT, "run", "--cpus", cpus, "--timeout", str(int(timeout)),
                                  *envs, exe], d, timeout + 60)
    res["rc"] = rc
    res["secs"] = round(secs + rsecs, 2)
    res["run_secs"] = round(rsecs, 2)
    res["passed"] = (rc != 0 and rc != 124) if t.shouldfail else rc == 0
    if not res["passed"]:
        what = "timeout" if rc == 124 else f"exit {rc}"
        res["reason"] = f"run: {what}" + ("\n" + first_lines(out, 6) if out.strip() else "")
    if not keep or res["passed"]:
        shutil.rmtree(d, ignore_errors=True)
    return res


def toolchain_state():
    """What changes when scripts/build-toolchain.sh reinstalls the sysroot (mtimes of the
    libraries, presence of the C++ headers), and whether a rebuild holds the lock now."""
    lib = os.path.join(ROOT, "build", "toolchain", "x86_64-hermit", "lib")
    stamp = []
    for f in ("libc.a", "libstdc++.a", "libgfortran.a", "libgomp.a", "libhermit.a"):
        try:
            stamp.append(os.stat(os.path.join(lib, f)).st_mtime_ns)
        except OSError:
            stamp.append(None)
    stamp.append(os.path.isdir(os.path.join(lib, "..", "include", "c++")))
    busy = False
    path = os.path.join(ROOT, "build", ".toolchain.lock")
    if os.path.exists(path):
        with open(path) as f:
            try:
                fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(f, fcntl.LOCK_UN)
            except BlockingIOError:
                busy = True
    return stamp, busy


def run_test(t, tree, keep=False):
    # The toolchain is shared with other work in the same tree: a test that overlapped a
    # rebuild of the sysroot is run again once the rebuild is over, so its result says
    # something about Eremit and not about a half-installed library.
    for _ in range(3):
        wait_for_toolchain()
        before, _busy = toolchain_state()
        res = {"name": t.name, "suite": t.suite, "shouldfail": t.shouldfail, "opts": t.opts,
               "native": build_and_run(t, tree, "native", keep),
               "eremit": build_and_run(t, tree, "eremit", keep)}
        after, busy = toolchain_state()
        if after == before and not busy:
            break
        with _libtest_lock:
            _libtest_built.pop("eremit", None)
    return res


def select(tree, per_suite, only=None, suites=None):
    chosen, stats = [], {}
    for suite in (suites or SUITES):
        cands = candidates(tree, suite)
        n = per_suite[suite] if isinstance(per_suite, dict) else per_suite
        picked = sample(cands, n)
        if only:
            picked = [t for t in cands if t.skip is None and only in t.name]
        stats[suite] = {"files": len(cands), "run_tests": sum(1 for t in cands if t.skip != "not a run test"),
                        "eligible": sum(1 for t in cands if t.skip is None)}
        chosen += picked
    return chosen, stats


def run_all(tree, tests, jobs, progress=True, keep=False):
    results = []
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        futs = {ex.submit(run_test, t, tree, keep): t for t in tests}
        for i, f in enumerate(concurrent.futures.as_completed(futs), 1):
            r = f.result()
            results.append(r)
            if progress:
                n, e = r["native"]["passed"], r["eremit"]["passed"]
                tag = "pass" if n and e else ("EREMIT-ONLY FAIL" if n else ("native-only fail" if e else "both fail"))
                print(f"[{i}/{len(tests)} {time.monotonic() - start:5.0f}s] {tag:17} {r['name']}", flush=True)
    results.sort(key=lambda r: r["name"])
    return results


def summarize(results):
    by = {}
    for r in results:
        s = by.setdefault(r["suite"], {"selected": 0, "native": 0, "eremit": 0, "both": 0,
                                       "eremit_only_fail": [], "native_only_fail": []})
        s["selected"] += 1
        n, e = r["native"]["passed"], r["eremit"]["passed"]
        s["native"] += n
        s["eremit"] += e
        s["both"] += n and e
        if n and not e:
            s["eremit_only_fail"].append(r)
        if e and not n:
            s["native_only_fail"].append(r)
    return by


def ratio(s):
    return s["eremit"] / s["native"] if s["native"] else 0.0


def write_report(results, stats, path, elapsed, per_suite):
    by = summarize(results)
    tot = {k: sum(by[s][k] for s in by) for k in ("selected", "native", "eremit", "both")}
    L = ["# GCC run-test conformance of Eremit", "",
         f"GCC 12.2 testsuites ({TARBALL}); generated by `tests/conformance.py` in "
         f"{elapsed / 60:.1f} minutes. Pass: compiles and exits 0 (dg-shouldfail: non-zero).", "",
         "| Suite | run tests | eligible | selected | native passes | Eremit passes | Eremit/native |",
         "|---|---|---|---|---|---|---|"]
    for s in by:
        st = stats.get(s, {})
        L.append(f"| {s} | {st.get('run_tests', '')} | {st.get('eligible', '')} | {by[s]['selected']} | "
                 f"{by[s]['native']} | {by[s]['eremit']} | {100 * ratio(by[s]):.1f}% |")
    L.append(f"| all | | | {tot['selected']} | {tot['native']} | {tot['eremit']} | "
             f"{100 * (tot['eremit'] / tot['native'] if tot['native'] else 0):.1f}% |")
    L += ["", "Eligible: `dg-do run` tests not left out for what neither a unikernel nor this "
          "harness provides (see the script's docstring); selected: an evenly spaced sample by path.", ""]
    for s in by:
        L.append(f"## {s}: Eremit failures that pass natively ({len(by[s]['eremit_only_fail'])})")
        L.append("")
        for r in by[s]["eremit_only_fail"]:
            reason = r["eremit"].get("reason", "").replace("\n", "\n      ")
            opts = " ".join(o for i, o in enumerate(r["opts"]) if o != "-I" and r["opts"][i - 1] != "-I")
            L.append(f"- `{r['name']}` (`{opts}`)\n\n      {reason}\n")
        if by[s]["native_only_fail"]:
            L.append(f"Pass in Eremit only: " + ", ".join(f"`{r['name']}`" for r in by[s]["native_only_fail"]))
        L.append("")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write("\n".join(L) + "\n")
    return by


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-suite", type=int, help="tests per suite (default: %s)" % DEFAULT_PER_SUITE)
    ap.add_argument("--jobs", type=int, default=(os.cpu_count() or 1) + 1)
    ap.add_argument("--only", help="every eligible test whose name contains this")
    ap.add_argument("--suite", action="append", choices=list(SUITES))
    ap.add_argument("--report", help="default: build/conformance/report.md (report-partial.md "
                    "with --only, --suite or --per-suite)")
    ap.add_argument("--keep", action="store_true", help="keep failing tests' build directories")
    ap.add_argument("--list", action="store_true", help="print the selection and skip reasons only")
    a = ap.parse_args()
    for tool in (EREMIT, os.path.join(BIN, "x86_64-hermit-g++")):
        if not os.path.exists(tool):
            print(f"conformance: {tool} is missing; run `make toolchain-c` first")
            return 1
    partial = a.only or a.suite or a.per_suite
    a.report = a.report or os.path.join(OUT, "report-partial.md" if partial else "report.md")
    wait_for_toolchain()
    tree = source_tree()
    per_suite = a.per_suite or DEFAULT_PER_SUITE
    tests, stats = select(tree, per_suite, a.only, a.suite)
    if a.list:
        for s in stats:
            print(s, stats[s])
        for t in tests:
            print(t.name, " ".join(t.opts))
        return 0
    elig = ", ".join(f"{s} {st['eligible']} eligible" for s, st in stats.items())
    print(f"conformance: {len(tests)} tests ({elig})", flush=True)
    start = time.monotonic()
    results = run_all(tree, tests, a.jobs, keep=a.keep)
    elapsed = time.monotonic() - start
    json.dump(results, open(os.path.splitext(a.report)[0] + ".json", "w"), indent=1)
    by = write_report(results, stats, a.report, elapsed, per_suite)
    for s, v in by.items():
        print(f"{s:10} selected {v['selected']:4}  native {v['native']:4}  eremit {v['eremit']:4}  "
              f"ratio {100 * ratio(v):5.1f}%  eremit-only failures {len(v['eremit_only_fail'])}")
    print(f"report: {a.report} ({elapsed / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
