#!/usr/bin/env python3
"""C++, Fortran and OpenMP tests: GCC's target libraries (libstdc++, libgfortran, libgomp)
as Eremit programs use them, and the CMake support for those languages.

- examples-cxx and examples-fortran are built with cmake/hermit-toolchain.cmake and
  natively (host g++/gfortran); every program boots in Eremit (2 vCPUs) and its stdout,
  exit code and (where deterministic) stderr equal the native run's: iostreams and stdio
  interleaved, the "C" locale, the STL, new/delete, exceptions and RTTI (across threads,
  futures), static and thread_local destructors, a thread pool, std::chrono,
  std::filesystem on /tmp, Fortran file I/O and intrinsics, arguments, environment, clocks;
- abnormal ends map to the same exit codes as on Linux: an exception escaping main (and a
  throw through noexcept) -> std::terminate -> abort() -> 134, which natively is death by
  SIGABRT (a shell's 128 + 6); Fortran `STOP n` -> n; `ERROR STOP` -> 1, `ERROR STOP n` -> n;
- OpenMP reductions in C, C++ and Fortran: correct results, and omp_get_max_threads() is
  OMP_NUM_THREADS when set (--env) and the number of vCPUs (--cpus 1, 2) otherwise;
- a CMake project outside the repository enables C, CXX and Fortran, finds Threads and
  OpenMP for all three, runs try_run in Eremit, builds a Fortran module library and runs
  its tests with ctest.

Ends with 'N passed, N failed'."""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import CXX, EREMIT, ROOT, TOOLCHAIN_FILE, Suite, check, once, run  # noqa: E402

PROJECTS = {
    "cxx": (os.path.join(ROOT, "examples-cxx"), os.path.join(ROOT, "build", "examples-cxx")),
    "fortran": (os.path.join(ROOT, "examples-fortran"), os.path.join(ROOT, "build", "examples-fortran")),
}


suite = Suite("cxx", requires=[EREMIT, CXX])


def eremit(image, args=(), cpus=2, env=None):
    return testlib.eremit(image, args, cpus=cpus, env=env, guest_timeout=120, timeout=150)


def native(exe, args=(), env=None):
    # The native program's environment is the test's own minus OMP_* (they would change
    # the team size), plus env.
    e = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    e.update(env or {})
    p = subprocess.run([exe, *args], env=e, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       timeout=120, errors="replace")
    return testlib.shell_status(p.returncode), p.stdout, p.stderr


# --- building -----------------------------------------------------------------------------


def ctest_examples(dirs):
    """The examples' own add_test lists, through CMAKE_CROSSCOMPILING_EMULATOR (eremit
    run): expected failures (STOP 42, ERROR STOP, an escaping exception) included."""
    for proj in PROJECTS:
        d = dirs.get((proj, "hermit"))
        if d:
            p = run(["ctest", "--output-on-failure", "-j2"], cwd=d)
            n = re.search(r"tests passed, \d+ tests failed out of (\d+)", p.stdout)
            check(f"examples-{proj}: ctest in Eremit ({n.group(1) if n else '?'} tests)", p.returncode == 0 and n,
                  p.stdout[-3000:])


@once
def build_all():
    dirs = {}
    print("cxx-tests: building examples-cxx and examples-fortran with the CMake toolchain file "
          "and natively", flush=True)
    for proj, (src, out) in PROJECTS.items():
        for kind, extra in (("hermit", [f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN_FILE}"]), ("native", [])):
            d = os.path.join(out, kind)
            if kind == "hermit":
                testlib.relink(d)
            p = run(["cmake", "-S", src, "-B", d, *extra])
            if p.returncode == 0:
                p = run(["cmake", "--build", d, "-j2"])
            how = "with the toolchain file" if kind == "hermit" else "natively"
            check(f"examples-{proj}: configure and build {how}", p.returncode == 0,
                  p.stdout[-3000:] + p.stderr[-3000:])
            dirs[proj, kind] = d if p.returncode == 0 else None
    return dirs


def same_as_native(dirs, proj, prog, args=(), env=None, cpus=2, label=None, stderr=True, want_code=None):
    """Runs prog in Eremit and natively; stdout and the exit code must be equal (stderr
    too when it is deterministic).  stderr="abort": the program aborts; Eremit's stderr is
    the native one followed by the runner's crash report ("eremit: the application
    aborted" and a backtrace).  Returns (code, stdout, stderr) of the Eremit run."""
    h, n = dirs.get((proj, "hermit")), dirs.get((proj, "native"))
    label = label or " ".join([prog, *args]) + (f" ({cpus} vCPUs)" if cpus != 2 else "")
    if not h or not n:
        check(f"{label}: built", False, "the build failed")
        return None, "", ""
    code, out, err, secs = eremit(os.path.join(h, prog), args, cpus, env)
    ncode, nout, nerr = native(os.path.join(n, prog), args, env)
    check(f"{label}: stdout equals native ({secs:.1f} s)", out == nout and out,
          f"eremit:\n{out}\nnative:\n{nout}\neremit stderr:\n{err}")
    if stderr == "abort":
        check(f"{label}: stderr is native's, then Eremit's abort report",
              err.startswith(nerr) and err[len(nerr):].startswith("eremit: the application aborted\n"),
              f"eremit:\n{err}\nnative:\n{nerr}")
    elif stderr:
        check(f"{label}: stderr equals native", err == nerr, f"eremit:\n{err}\nnative:\n{nerr}")
    expect = f"exit code {ncode} as native" + (f" (expected {want_code})" if want_code is not None else "")
    check(f"{label}: {expect}", code == ncode and (want_code is None or code == want_code),
          f"eremit exit code {code}, native {ncode}\neremit stderr:\n{err[-1500:]}")
    return code, out, err


def line_with(text, prefix):
    return next((l for l in text.splitlines() if l.startswith(prefix)), "")


# --- C++ ----------------------------------------------------------------------------------


def cxx(dirs):
    _, out, err = same_as_native(dirs, "cxx", "iostreams")
    check("iostreams: cout and printf interleave in program order on one line",
          "cout 1, printf 1\n" in out and "fputs then cout, then endl\nputs\n" in out, out)
    check("iostreams: cerr, stderr and clog interleave", err == "cerr 1, fprintf 2, clog 3\n", err)
    check("iostreams: the \"C\" locale everywhere (global, setlocale, numpunct)",
          "global locale: C, classic: C, equal: 1" in out and "setlocale(LC_ALL, \"C\"): C" in out
          and "decimal_point '.'" in out, out)

    _, out, _ = same_as_native(dirs, "cxx", "stl")
    check("stl: new/delete balanced, bad_alloc for 1<<62 bytes",
          "(balanced: 1)" in out and "1<<62 bytes: bad_alloc" in out and "nothrow new of SIZE_MAX/2: null" in out, out)

    _, out, _ = same_as_native(dirs, "cxx", "exceptions")
    for what in ("after 5 destructors", "exception_ptr from a thread: bottom reached code 7",
                 "future from std::async rethrew: empty", "promise: from promise code 9",
                 "packaged_task: negative", "dynamic_cast<Other&> threw bad_cast"):
        check(f"exceptions: {what}", what in out, out)
    # std::terminate -> abort(): exit code 134 from `eremit run`; natively death by SIGABRT,
    # which native() maps to 128 + 6 = 134 as a shell does.  stderr: libstdc++'s verbose
    # terminate handler's message in both, then Eremit's abort report with a backtrace.
    _, out, err = same_as_native(dirs, "cxx", "exceptions", ["escape"], want_code=134, stderr="abort")
    check("exceptions escape: the terminate message names the exception; the backtrace shows "
          "__cxa_throw from main",
          "terminate called after throwing an instance of 'std::runtime_error'\n  what():  escaped from main\n" in err
          # gcc may move the throw into main's cold part ("main.cold").
          and re.search(r"__cxa_throw\+.*\n.* main(\.cold)?\+", err), err)
    same_as_native(dirs, "cxx", "exceptions", ["noexcept"], want_code=134, stderr="abort")

    _, out, _ = same_as_native(dirs, "cxx", "statics")
    lines = out.splitlines()
    order = ["construct first (statics.cc)", "construct second (statics.cc)", "construct third (statics_other.cc)",
             "main starts; other_value() = 7", "~PerThread(id 1, uses 1)", "~PerThread(id 3, uses 3)",
             "main returns", "~PerThread(id 0, uses 42)", "destroy function-local static",
             "destroy third (statics_other.cc)", "destroy first (statics.cc)"]
    pos = [lines.index(l) if l in lines else -1 for l in order]
    check("statics: constructors before main, thread_local destructors at thread exit and after main, "
          "static destructors in reverse order", -1 not in pos and pos == sorted(pos), out)

    _, out, _ = same_as_native(dirs, "cxx", "threadpool", ["4"])
    check("threadpool: 64 jobs ran once each, results through futures",
          "jobs run: 64, atomic total 17552, at most pool-size" in out
          and "atomic counter 40000, spinlock-protected counter 40000" in out, out)
    same_as_native(dirs, "cxx", "threadpool", ["1"], cpus=1)

    _, out, _ = same_as_native(dirs, "cxx", "chrono")
    # Every flag printed before the duration arithmetic must be 1 (true), except that
    # system_clock is not steady.
    flags = out.split("1h23m")[0].replace("system_clock::is_steady 0", "")
    check("chrono: every clock property holds (no 0 flag)", out and not re.search(r"\b0(,|\n)", flags), out)

    _, out, _ = same_as_native(dirs, "cxx", "filesystem")
    check("filesystem: errors as filesystem_error with the right code",
          "file_size(missing): filesystem_error no_such_file_or_directory" in out
          and "create_directory under a file: filesystem_error not_a_directory" in out
          and "remove_all(root) removed 7 entries, root exists 0" in out, out)


# --- Fortran ------------------------------------------------------------------------------


def fortran(dirs):
    _, out, _ = same_as_native(dirs, "fortran", "matrix")
    check("matrix: file round trips exact (formatted, unformatted, direct)",
          "formatted round trip max error:  0.000E+00" in out
          and "unformatted sequential round trip exact: T" in out and "direct access record 3 exact: T" in out, out)
    same_as_native(dirs, "fortran", "matrix", ["25"])
    _, out, _ = same_as_native(dirs, "fortran", "env-time", ["one", "two words", ""],
                               env={"FORTRAN_GREETING": "hi there"})
    check("env-time: arguments, environment, clock properties",
          "argument 2: [two words] length 9 status 0" in out and "FORTRAN_GREETING = [hi there] length 8" in out
          and " F" not in out.replace("FORTRAN", ""), out)
    _, out, _ = same_as_native(dirs, "fortran", "env-time", label="env-time without arguments or variable")
    check("env-time: an unset variable reports status 1", "unset variable: status 1" in out, out)
    for n in (0, 3, 42):
        same_as_native(dirs, "fortran", "stop-code", [str(n)], want_code=n)
    _, _, err = same_as_native(dirs, "fortran", "error-stop", want_code=1)
    check("error-stop: the message on stderr", "ERROR STOP something went wrong" in err, err)
    same_as_native(dirs, "fortran", "error-stop", ["code"], want_code=7)


# --- OpenMP -------------------------------------------------------------------------------

OMP = (("cxx", "omp-reduce-c"), ("cxx", "omp-reduce-cxx"), ("fortran", "omp-reduce-f"))


def openmp(dirs):
    for proj, prog in OMP:
        # Default: the team has one thread per vCPU.  stdout (the result) must equal the
        # native run's; stderr names the team size, which differs from the host's.
        for cpus in (1, 2):
            _, out, err = same_as_native(dirs, proj, prog, cpus=cpus, stderr=False,
                                         label=f"{prog} ({cpus} vCPUs, default team)")
            check(f"{prog} ({cpus} vCPUs): omp_get_max_threads() = {cpus} = team size",
                  err.strip() == f"max threads {cpus}, team {cpus}", err)
        # OMP_NUM_THREADS wins over the vCPU count, up and down; natively the same.
        for cpus, k in ((2, 3), (2, 1), (1, 2)):
            _, _, err = same_as_native(dirs, proj, prog, cpus=cpus, env={"OMP_NUM_THREADS": str(k)},
                                       label=f"{prog} ({cpus} vCPUs, OMP_NUM_THREADS={k})")
            check(f"{prog} ({cpus} vCPUs, OMP_NUM_THREADS={k}): max threads {k}",
                  err.strip() == f"max threads {k}, team {k}", err)


# --- a CMake project outside the repository -----------------------------------------------

OUTSIDE = {
    "CMakeLists.txt": """cmake_minimum_required(VERSION 3.13)
project(outside C)
enable_language(CXX Fortran)
include(CheckCXXSourceCompiles)
include(CheckFortranSourceRuns)
find_package(Threads REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS C CXX Fortran)
check_cxx_source_compiles("#include <filesystem>\\nint main() { return std::filesystem::exists(\\"/\\") ? 0 : 1; }" HAVE_CXX_FS)
check_fortran_source_runs("program p\\n  stop 0\\nend program p" HAVE_FORTRAN_RUNS SRC_EXT f90)
try_run(RUN_RESULT COMPILE_RESULT ${CMAKE_BINARY_DIR}/tr ${CMAKE_SOURCE_DIR}/tr.cc RUN_OUTPUT_VARIABLE TR_OUT)
message(STATUS "try_run: ${COMPILE_RESULT} ${RUN_RESULT} ${TR_OUT}")
# FindOpenMP (3.25) caches this variable with a stray "CACHE;BOOL;..." in its value.
if(OpenMP_Fortran_HAVE_OMPLIB_MODULE)
  set(OMPLIB TRUE)
endif()
message(STATUS "found: [${Threads_FOUND}] [${OpenMP_C_FOUND}] [${OpenMP_CXX_FOUND}] [${OpenMP_Fortran_FOUND}] "
               "[${OMPLIB}] [${HAVE_CXX_FS}] [${HAVE_FORTRAN_RUNS}] [${CMAKE_SYSTEM_NAME}]")
add_library(kinds STATIC kinds.f90)
add_executable(fapp fapp.f90)
target_link_libraries(fapp kinds OpenMP::OpenMP_Fortran)
add_executable(capp capp.cc)
target_link_libraries(capp Threads::Threads OpenMP::OpenMP_CXX)
enable_testing()
add_test(NAME fapp COMMAND fapp)
set_tests_properties(fapp PROPERTIES PASS_REGULAR_EXPRESSION "area 12.566 threads ${EXPECT_THREADS}")
add_test(NAME capp COMMAND capp 5)
set_tests_properties(capp PROPERTIES PASS_REGULAR_EXPRESSION "squares 55 caught 5")
""",
    "tr.cc": '#include <iostream>\nint main() { std::cout << "from try_run" << std::flush; return 3; }\n',
    "kinds.f90": "module kinds\n  implicit none\n  integer, parameter :: dp = kind(1.0d0)\n"
                 "  real(dp), parameter :: pi = 4 * atan(1.0_dp)\ncontains\n"
                 "  pure real(dp) function area(r)\n    real(dp), intent(in) :: r\n    area = pi * r * r\n"
                 "  end function\nend module kinds\n",
    "fapp.f90": "program fapp\n  use kinds\n  use omp_lib\n  implicit none\n"
                "  print '(a,f0.3,a,i0)', 'area ', area(2.0_dp), ' threads ', omp_get_max_threads()\n"
                "end program fapp\n",
    "capp.cc": '#include <cstdlib>\n#include <future>\n#include <iostream>\n#include <stdexcept>\n'
               'int main(int c, char **v) {\n  int n = std::atoi(v[1]); long s = 0;\n'
               '#pragma omp parallel for reduction(+ : s)\n  for (int i = 1; i <= n; i++) s += i * i;\n'
               '  auto f = std::async(std::launch::async, [n] { if (n) throw std::runtime_error(std::to_string(n));'
               ' return 0; });\n'
               '  try { f.get(); } catch (const std::exception &e) { std::cout << "squares " << s << " caught "'
               ' << e.what() << "\\n"; }\n  return 0; }\n',
}


@suite.case("cmake-outside")
def cmake_outside():
    with tempfile.TemporaryDirectory(prefix="eremit-cmake-cxx-") as tmp:
        for name, text in OUTSIDE.items():
            open(os.path.join(tmp, name), "w").write(text)
        # Default: try_run and ctest boot 1 vCPU.  With EREMIT_RUN_OPTIONS=--cpus;2 they
        # boot 2, which the OpenMP program's team size shows.
        for label, opts, threads in (("", [], 1), (" (EREMIT_RUN_OPTIONS=--cpus;2)", ["-DEREMIT_RUN_OPTIONS=--cpus;2"], 2)):
            outside_build(tmp, label, opts, threads)


def outside_build(tmp, label, opts, threads):
    b = os.path.join(tmp, f"build-{threads}")
    p = run(["cmake", f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN_FILE}", f"-DEXPECT_THREADS={threads}", *opts,
             "-S", tmp, "-B", b])
    log = p.stdout + p.stderr
    check(f"cmake outside the repository{label}: C, CXX, Fortran configure with the toolchain file",
          p.returncode == 0, log[-3000:])
    if p.returncode != 0:
        return
    check("... try_run of a C++ iostream program runs in Eremit (exit 3, output captured)",
          "try_run: TRUE 3 from try_run" in log, log[-2000:])
    check("... Threads and OpenMP (C, CXX, Fortran with omp_lib) found, checks run",
          "found: [TRUE] [TRUE] [TRUE] [TRUE] [TRUE] [1] [1] [Hermit]" in log, log[-2000:])
    p = run(["cmake", "--build", b])
    check("... builds (a Fortran module library, OpenMP C++ and Fortran programs)", p.returncode == 0,
          p.stdout[-2000:] + p.stderr[-2000:])
    if p.returncode == 0:
        p = run(["ctest", "--output-on-failure"], cwd=b)
        check(f"... ctest runs both tests in Eremit (OpenMP team of {threads})", p.returncode == 0,
              p.stdout[-2000:])


def with_examples(fn):
    """A case running fn on the examples built (once, by the first such case)."""
    return lambda: fn(build_all())


suite.add("cxx", with_examples(cxx))
suite.add("fortran", with_examples(fortran))
suite.add("openmp", with_examples(openmp))
suite.add("ctest", with_examples(ctest_examples))
suite.cases.append(suite.cases.pop(0))  # cmake-outside last, as it was


if __name__ == "__main__":
    sys.exit(suite.main())
