#!/usr/bin/env python3
"""C tests: the C toolchain (build/toolchain/bin/x86_64-hermit-gcc, the CMake toolchain
file) and the C library (libc-port, newlib, the POSIX layer).

- libc-port's view of the ABI is the generated include/hermit/syscall-prefixed.h (the same
  layouts and constants as include/hermit/syscall.h; nothing in libc-port mirrors it) and
  the Linux errno values it names itself are Linux's (tests/c_view_check.py, in the abi suite);
- examples-c is built with the toolchain file (and natively with the host's gcc), each
  program boots in Eremit and its stdout, stderr and exit code equal the native run's;
- bad input fails with the right errno (bad fd: EBADF, missing file: ENOENT, unlocking an
  unlocked error-checking mutex: EPERM, ...);
- the compiler driver: -c, -E, several files, -O2 -g, static libraries, -lm -lpthread,
  the image's layout; a copy of the toolchain elsewhere still works (relocatable);
- a CMake project outside the repository configures, runs try_run and ctest in Eremit.

Ends with 'N passed, N failed'."""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import (BIN, CC, EREMIT, ROOT, TOOLCHAIN_FILE, Suite, check, native, once, run,  # noqa: E402
                     scratch)
import testlib  # noqa: E402

EXAMPLES = os.path.join(ROOT, "examples-c")
OUT = os.path.join(ROOT, "build", "examples-c")

suite = Suite("c", requires=[CC, EREMIT])


def eremit(image, args=(), opts=(), cpus=None, env=None):
    return testlib.eremit(image, args, opts, cpus=cpus, env=env, guest_timeout=120, timeout=150)


# --- examples-c, in Eremit and natively ---------------------------------------------------


@once
def build_examples():
    hermit_dir = os.path.join(OUT, "hermit")
    native_dir = os.path.join(OUT, "native")
    print("c-tests: building examples-c with the CMake toolchain file and natively", flush=True)
    ok = True
    testlib.relink(hermit_dir)
    for d, extra in ((hermit_dir, [f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN_FILE}"]), (native_dir, [])):
        p = run(["cmake", "-S", EXAMPLES, "-B", d, *extra])
        if p.returncode == 0:
            p = run(["cmake", "--build", d, "-j2"])
        name = "examples-c: configure and build with the toolchain file" if extra else \
            "examples-c: configure and build natively"
        check(name, p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:])
        ok &= p.returncode == 0
    return ok, hermit_dir, native_dir


def same_as_native(hermit_dir, native_dir, prog, args=(), env=None, cpus=1, label=None):
    env = env or {}
    label = label or prog + (f" ({cpus} vCPUs)" if cpus > 1 else "")
    code, out, err, secs = eremit(os.path.join(hermit_dir, prog), args, cpus=cpus, env=env)
    ncode, nout, nerr = native(os.path.join(native_dir, prog), args, env)
    check(f"{label}: stdout equals native ({secs:.1f} s)", out == nout,
          f"eremit:\n{out}\nnative:\n{nout}\neremit stderr:\n{err}")
    check(f"{label}: stderr equals native", err == nerr, f"eremit:\n{err}\nnative:\n{nerr}")
    check(f"{label}: exit code {ncode} as native", code == ncode, f"eremit exit code {code}")
    return out


def example_dirs():
    ok, hermit_dir, native_dir = build_examples()
    return (hermit_dir, native_dir) if ok else None


@suite.case("examples-hello")
def examples_hello():
    dirs = example_dirs()
    if not dirs:
        return
    out = same_as_native(*dirs, "hello")
    check("hello prints Hello", out.startswith("Hello from C on Eremit!"), out)
    same_as_native(*dirs, "hello", ["one", "two words", ""],
                   env={"GREETING": "hi there"}, label="hello with arguments and environment")
    same_as_native(*dirs, "hello", ["exit", "42"], label="hello: exit code of main")


@suite.case("examples-programs")
def examples_programs():
    dirs = example_dirs()
    if not dirs:
        return
    same_as_native(*dirs, "files")
    same_as_native(*dirs, "malloc-stress")
    same_as_native(*dirs, "malloc-stress", cpus=2)
    same_as_native(*dirs, "pthreads")
    same_as_native(*dirs, "pthreads", cpus=2)


@suite.case("examples-bad-input")
def examples_bad_input():
    dirs = example_dirs()
    if not dirs:
        return
    out = same_as_native(*dirs, "bad-input")
    for what, name in (("write to fd 42", "EBADF"), ("open of /no/such/file", "ENOENT"),
                       ("unlock of an unlocked errorcheck mutex", "EPERM")):
        line = next((l for l in out.splitlines() if l.startswith(what)), "")
        check(f"bad input: {what} -> {name}", line.endswith("-> " + name), line or out)


# --- the compiler driver ------------------------------------------------------------------

HELLO = '#include <stdio.h>\nint main(void) { printf("Hello\\n"); return 0; }\n'


@suite.case("driver")
def driver(cc=CC):
    with tempfile.TemporaryDirectory() as tmp:
        def w(name, text):
            open(os.path.join(tmp, name), "w").write(text)

        w("hello.c", HELLO)
        p = run([cc, "hello.c", "-o", "hello"], cwd=tmp)
        check("x86_64-hermit-gcc hello.c -o hello", p.returncode == 0, p.stderr)
        if p.returncode != 0:
            return
        code, out, err, _ = eremit(os.path.join(tmp, "hello"))
        check("eremit run hello: prints Hello, exit 0", code == 0 and out == "Hello\n", f"{code} {out!r} {err}")
        hdr = run(["readelf", "-lhW", os.path.join(tmp, "hello")]).stdout
        check("image: static EXEC, loaded from 0x200000, PVH note, no executable stack",
              "EXEC (Executable file)" in hdr and "0x0000000000200000" in hdr and " NOTE " in hdr
              and "INTERP" not in hdr and "DYNAMIC" not in hdr
              and not re.search(r"GNU_STACK.* RWE ", hdr), hdr)

        # -E, -c, several files, -O2 -g, a static library, -lm -lpthread.
        p = run([cc, "-E", "hello.c"], cwd=tmp)
        check("-E preprocesses with the sysroot's headers",
              p.returncode == 0 and "x86_64-hermit/include/stdio.h" in p.stdout, p.stderr)
        p = subprocess.run([cc, "-x", "c", "-", "-o", "stdin"], input=HELLO, cwd=tmp, capture_output=True, text=True)
        check("-x c - (source on stdin) compiles and links", p.returncode == 0, p.stderr[-1500:])
        p = run([cc, "-dM", "-E", "-x", "c", "/dev/null"], cwd=tmp)
        check("predefined: __hermit__, not __linux__",
              "#define __hermit__ 1" in p.stdout and "__linux__" not in p.stdout, p.stdout[:500])
        w("sq.c", "#include <math.h>\ndouble sq(double x) { return sqrt(x) * sqrt(x); }\n")
        w("lib1.c", "int lib1(int x) { return x + 1; }\n")
        w("main.c", '#include <stdio.h>\n#include <pthread.h>\ndouble sq(double);\nint lib1(int);\n'
                    'static void *t(void *a) { return a; }\n'
                    'int main(void) { pthread_t th; void *r; pthread_create(&th, 0, t, (void *)5);\n'
                    '  pthread_join(th, &r); printf("%.3f %d %ld\\n", sq(2.0), lib1(1), (long)r); return 4; }\n')
        p = run([cc, "-O2", "-g", "-c", "sq.c", "lib1.c"], cwd=tmp)
        check("-O2 -g -c of two files", p.returncode == 0 and os.path.exists(os.path.join(tmp, "sq.o")), p.stderr)
        p = run([os.path.join(BIN, "x86_64-hermit-ar"), "rcs", "libone.a", "lib1.o"], cwd=tmp)
        check("x86_64-hermit-ar makes a static library", p.returncode == 0, p.stderr)
        p = run([cc, "-O2", "-g", "main.c", "sq.o", "-L.", "-lone", "-lm", "-lpthread", "-o", "multi"], cwd=tmp)
        check("link of several objects, a static library, -lm -lpthread", p.returncode == 0, p.stderr)
        if p.returncode == 0:
            code, out, err, _ = eremit(os.path.join(tmp, "multi"))
            check("... runs: 2.000 2 5, exit 4", code == 4 and out == "2.000 2 5\n", f"{code} {out!r} {err}")
        p = run([cc, "hello.c", "-lz", "-o", "nolib"], cwd=tmp)
        check("host libraries stay out: -lz is not found", p.returncode != 0 and "-lz" in p.stderr, p.stderr)

        # Abnormal ends: abort(), a failed assert(), a signal handler, a null pointer.
        w("ends.c", '#include <assert.h>\n#include <signal.h>\n#include <stdio.h>\n#include <stdlib.h>\n'
                    '#include <string.h>\n#include <unistd.h>\nstatic void h(int s) { printf("handler %d\\n", s == SIGUSR1); }\n'
                    'int main(int c, char **v) { setvbuf(stdout, NULL, _IONBF, 0); signal(SIGUSR1, h); raise(SIGUSR1);\n'
                    '  if (!strcmp(v[1], "abort")) abort();\n  if (!strcmp(v[1], "assert")) assert(c == 7);\n'
                    '  if (!strcmp(v[1], "null")) return *(volatile int *)0;\n'
                    '  if (!strncmp(v[1], "kill", 4)) kill(getpid(), atoi(v[1] + 4));\n'
                    '  if (!strncmp(v[1], "raise", 5)) raise(atoi(v[1] + 5));\n  return 0; }\n')
        p = run([cc, "-O1", "ends.c", "-o", "ends"], cwd=tmp)
        q = run(["gcc", "-O1", "ends.c", "-o", "ends-native"], cwd=tmp)
        if p.returncode == 0 and q.returncode == 0:
            # Default actions of signals the program sends itself (docs/signals.md):
            # 128+n for the terminating ones, ignored (exit 0) for SIGCHLD/SIGURG/SIGWINCH.
            defaults = [(f"kill{n}", 128 + n) for n in (1, 2, 12, 14, 15)]  # 10 has the handler
            defaults += [(f"raise{n}", 128 + n) for n in (13, 15)]
            defaults += [(f"raise{n}", 0) for n in (17, 23, 28)]
            for arg, want in [("abort", 134), ("assert", 134), ("null", 139)] + defaults:
                code, out, err, _ = eremit(os.path.join(tmp, "ends"), [arg])
                ncode, nout, _ = native(os.path.join(tmp, "ends-native"), [arg])
                check(f"{arg}: exit {want} as native ({ncode}), the handler ran first",
                      code == want == ncode and out == nout == "handler 1\n", f"{code} {out!r} {err[-800:]}")
        else:
            check("ends.c compiles", False, p.stderr + q.stderr)

        # Trampolines: a GNU C nested function passed as a pointer runs from the stack, so the
        # linker marks the image's stack executable (PT_GNU_STACK RWE) and Eremit honours it;
        # without the mark, code in RAM (heap, stacks) still faults as non-executable.
        w("tramp.c", '#include <stdio.h>\n'
                     'static int apply(int (*f)(int), int x) { return f(x); }\n'
                     'int main(int c, char **v) {\n  (void)v;\n  int k = c + 4;\n'
                     '  int add(int x) { return x + k; }\n'
                     '  printf("%d\\n", apply(add, 10));\n  return 0; }\n')
        p = run([cc, "-O2", "tramp.c", "-o", "tramp"], cwd=tmp)
        q = run([cc, "-O2", "-Wl,-z,noexecstack", "tramp.c", "-o", "tramp-nx"], cwd=tmp)
        check("tramp.c compiles (with and without an executable stack)",
              p.returncode == 0 and q.returncode == 0, p.stderr + q.stderr)
        if p.returncode == 0 and q.returncode == 0:
            code, out, err, _ = eremit(os.path.join(tmp, "tramp"))
            check("nested function through a stack trampoline: prints 15, exit 0",
                  code == 0 and out == "15\n", f"{code} {out!r} {err[-800:]}")
            code, out, err, _ = eremit(os.path.join(tmp, "tramp-nx"))
            check("... linked -z noexecstack: the trampoline faults, non-executable page, exit 139",
                  code == 139 and "executing a non-executable page" in err, f"{code} {out!r} {err[-800:]}")

        # A store to a read-only page (mprotect): without a handler (or with SIGSEGV
        # ignored) the crash report and 139; with an SA_RESETHAND handler, the handler runs
        # once, the store faults again and the default action ends it with 139: as natively.
        w("ro.c", '#include <signal.h>\n#include <stdio.h>\n#include <string.h>\n#include <sys/mman.h>\n'
                  'static void h(int s, siginfo_t *si, void *c) { (void)c; printf("handler %d %d\\n", s, si->si_code); }\n'
                  'int main(int c, char **v) { (void)c; setvbuf(stdout, NULL, _IONBF, 0);\n'
                  '  char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n'
                  '  if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ)) return 2;\n'
                  '  if (!strcmp(v[1], "reset")) { struct sigaction sa; memset(&sa, 0, sizeof sa);\n'
                  '    sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO | SA_RESETHAND; sigaction(SIGSEGV, &sa, NULL); }\n'
                  '  if (!strcmp(v[1], "ignored")) signal(SIGSEGV, SIG_IGN);\n'
                  '  printf("read %d\\n", p[1]); ((volatile char *)p)[1] = 1; printf("not reached\\n"); return 0; }\n')
        p = run([cc, "-O1", "ro.c", "-o", "ro"], cwd=tmp)
        q = run(["gcc", "-O1", "ro.c", "-o", "ro-native"], cwd=tmp)
        check("ro.c compiles", p.returncode == 0 and q.returncode == 0, p.stderr + q.stderr)
        if p.returncode == 0 and q.returncode == 0:
            for arg in ["none", "ignored", "reset"]:
                code, out, err, _ = eremit(os.path.join(tmp, "ro"), [arg])
                ncode, nout, _ = native(os.path.join(tmp, "ro-native"), [arg])
                check(f"write to a read-only page ({arg}): exit {ncode} and {nout!r} as natively, reported",
                      code == ncode == 139 and out == nout and "writing a read-only page" in err,
                      f"{code} {out!r} native {ncode} {nout!r} {err[-800:]}")

        # C++: the language runtime and libstdc++ (containers, strings, threads; examples-cxx and
        # tests/cxx_tests.py cover iostreams, locales, filesystem, futures).
        w("cxx.cc", '#include <cstdio>\n#include <map>\n#include <mutex>\n#include <stdexcept>\n'
                    '#include <string>\n#include <thread>\n#include <vector>\n'
                    'struct B { virtual int f() { return 1; } virtual ~B() {} };\n'
                    'struct D : B { int f() override { return 2; } };\n'
                    'static std::map<std::string, int> counts;\n'
                    'int main() { B *b = new D; int r = b->f(); delete b;\n'
                    '  try { std::vector<int>().at(3); } catch (const std::out_of_range &) { r += 10; }\n'
                    '  std::mutex m; std::vector<std::thread> ts;\n'
                    '  for (int i = 0; i < 4; i++) ts.emplace_back([&m, i] { std::lock_guard<std::mutex> g(m);\n'
                    '    counts["t" + std::to_string(i % 2)] += i; });\n'
                    '  for (auto &t : ts) t.join();\n'
                    '  printf("c++ %d %d %d\\n", r, counts["t0"], counts["t1"]); return 0; }\n')
        p = run([os.path.join(BIN, "x86_64-hermit-g++"), "-O2", "cxx.cc", "-o", "cxx"], cwd=tmp)
        check("x86_64-hermit-g++: classes, exceptions, libstdc++ containers and threads", p.returncode == 0, p.stderr)
        if p.returncode == 0:
            code, out, err, _ = eremit(os.path.join(tmp, "cxx"), opts=["--cpus", "2"])
            check("... runs in Eremit (an exception caught, 4 std::threads)", code == 0 and out == "c++ 12 2 4\n",
                  f"{code} {out!r} {err}")


@once
def installed_copy():
    """A copy of build/toolchain made by `make install`'s script, then moved: None if the
    script failed."""
    keep = scratch("eremit-install-")
    prefix = os.path.join(keep, "prefix")
    p = run([os.path.join(ROOT, "scripts", "install-toolchain.sh"), prefix])
    check("scripts/install-toolchain.sh copies the toolchain", p.returncode == 0, p.stdout + p.stderr)
    if p.returncode != 0:
        return None
    moved = os.path.join(keep, "moved")
    os.rename(prefix, moved)
    return moved


@suite.case("relocatable")
def relocatable():
    """Relocatable: a copy of build/toolchain elsewhere (what `make install` makes)."""
    moved = installed_copy()
    if moved is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        open(os.path.join(tmp, "hello.c"), "w").write(HELLO)
        p = run([os.path.join(moved, "bin", "x86_64-hermit-gcc"), "hello.c", "-o", "hello2"], cwd=tmp)
        code, out, _, _ = eremit(os.path.join(tmp, "hello2")) if p.returncode == 0 else (None, "", "", 0)
        check("the installed toolchain works after moving it (relocatable)",
              p.returncode == 0 and code == 0 and out == "Hello\n", p.stderr)


PROFILED = r"""
#include <stdio.h>
/* A loop the profile must find: its function holds almost every sample. */
__attribute__((noinline)) static double spin(long n)
{
	volatile double x = 0;
	for (long i = 0; i < n; i++)
		x += i * 0.5;
	return x;
}
int main(void) { printf("%.0f\n", spin(20000000)); return 0; }
"""


@suite.case("profile")
def profile():
    profile_checks(CC, "profile")


def profile_checks(cc, label):
    """The kernel's sampling profile (profile=HZ through EREMIT_KERNEL_OPTIONS) of a
    program built with `cc` (also tests/aarch64_c.py's): the log has the counts,
    benches/drivers/profile_report.py names the busy function, and the program's output
    and exit code stay its own."""
    with tempfile.TemporaryDirectory() as tmp:
        open(os.path.join(tmp, "spin.c"), "w").write(PROFILED)
        image = os.path.join(tmp, "spin")
        p = run([cc, "-O1", "-g", "spin.c", "-o", image], cwd=tmp)
        check(f"{label}: the test program builds", p.returncode == 0, p.stderr)
        if p.returncode != 0:
            return
        def profiled(options):
            r = run([EREMIT, "run", "--timeout", "120", "--verbose", image], timeout=150,
                    env={"EREMIT_KERNEL_OPTIONS": options})
            return r.returncode, r.stdout, r.stderr

        code, out, err = profiled("profile=2000")
        check(f"{label}: the program runs as without it (exit 0, its output)",
              code == 0 and out == "99999995000000\n", f"exit {code}, stdout {out!r}")
        m = re.search(r"eremit: profile: (\d+) samples", err)
        check(f"{label}: the kernel log has the sample count", m is not None and int(m.group(1)) > 50,
              err[-2000:])
        log = os.path.join(tmp, "log.txt")
        open(log, "w").write(err)
        r = run([sys.executable, os.path.join(ROOT, "benches", "drivers", "profile_report.py"),
                 image, log, "--top", "3"])
        top = re.search(r"^\s*([\d.]+)%\s+\d+\s+(\S+)", r.stdout, re.M)
        check(f"{label}: the report puts the spinning function first, with most samples",
              r.returncode == 0 and top is not None and top.group(2) == "spin" and float(top.group(1)) > 50,
              r.stdout + r.stderr)
        code, _, err = profiled("profile=abc")
        check(f"{label}: a bad rate is a logged unknown option, no profile",
              code == 0 and "unknown kernel option \"profile=abc\"" in err and "eremit: profile" not in err,
              err[-2000:])


@suite.case("cmake-outside")
def cmake_outside():
    """A project outside the repository: configure checks, try_run and ctest in Eremit;
    once with the repository's toolchain file, once with an installed copy's."""
    files = {
        "CMakeLists.txt": "cmake_minimum_required(VERSION 3.13)\nproject(outside C)\n"
                          "include(CheckFunctionExists)\ninclude(CheckIncludeFile)\n"
                          "check_function_exists(clock_gettime HAVE_CLOCK_GETTIME)\n"
                          "check_function_exists(no_such_function_here HAVE_NO_SUCH)\n"
                          "check_include_file(pthread.h HAVE_PTHREAD_H)\n"
                          "find_package(Threads REQUIRED)\n"
                          "try_run(RUN_RESULT COMPILE_RESULT ${CMAKE_BINARY_DIR}/tr ${CMAKE_SOURCE_DIR}/tr.c\n"
                          "        RUN_OUTPUT_VARIABLE TR_OUT)\n"
                          "message(STATUS \"try_run: ${COMPILE_RESULT} ${RUN_RESULT} ${TR_OUT}\")\n"
                          "message(STATUS \"checks: [${HAVE_CLOCK_GETTIME}] [${HAVE_NO_SUCH}] [${HAVE_PTHREAD_H}] [${CMAKE_SYSTEM_NAME}]\")\n"
                          "add_library(util STATIC util.c)\n"
                          "add_executable(app app.c)\ntarget_link_libraries(app util Threads::Threads)\n"
                          "enable_testing()\nadd_test(NAME app COMMAND app 21)\n"
                          "set_tests_properties(app PROPERTIES PASS_REGULAR_EXPRESSION \"answer 42\")\n",
        "tr.c": '#include <stdio.h>\nint main(void) { printf("from try_run"); return 3; }\n',
        "util.c": "int twice(int x) { return 2 * x; }\n",
        "app.c": '#include <stdio.h>\n#include <stdlib.h>\nint twice(int);\n'
                 'int main(int c, char **v) { printf("answer %d\\n", twice(atoi(v[1]))); return 0; }\n',
    }
    tools = [("repository", TOOLCHAIN_FILE)]
    installed = installed_copy()
    if installed:
        tools.append(("installed copy", os.path.join(installed, "cmake", "hermit-toolchain.cmake")))
    with tempfile.TemporaryDirectory(prefix="eremit-cmake-") as tmp:
        for name, text in files.items():
            open(os.path.join(tmp, name), "w").write(text)
        for label, tc in tools:
            b = os.path.join(tmp, "build-" + label.replace(" ", "-"))
            p = run(["cmake", f"-DCMAKE_TOOLCHAIN_FILE={tc}", "-S", tmp, "-B", b])
            log = p.stdout + p.stderr
            check(f"cmake outside the repository ({label} toolchain file): configures", p.returncode == 0, log[-3000:])
            if p.returncode != 0:
                continue
            check(f"... try_run runs in Eremit (exit 3, output captured)",
                  "try_run: TRUE 3 from try_run" in log, log[-2000:])
            check(f"... configure checks link for real (clock_gettime found, a missing function not)",
                  "checks: [1] [] [1] [Hermit]" in log, log[-2000:])
            p = run(["cmake", "--build", b])
            check(f"... builds", p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:])
            p = run(["ctest", "--output-on-failure"], cwd=b)
            check(f"... ctest runs the test in Eremit", p.returncode == 0, p.stdout[-2000:])


if __name__ == "__main__":
    sys.exit(suite.main())
