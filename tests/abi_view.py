"""libc-port's own view of the kernel's ABI (libc-port/src/hermit-abi.h, hermit-net.h)
checked against the kernel's generated header, include/hermit/syscall.h: the c and
net-c suites check one view each."""

import os
import re
import tempfile

from testlib import ROOT, run

SRC = os.path.join(ROOT, "libc-port", "src")


def check_view(view, macro, prefix, structs, extra_defines=()):
    """Compiles, with the host's gcc, one file including the kernel's header and the view
    libc-port/src/VIEW: first its types alone (under MACRO_ONLY_TYPES), asserting that
    each pair in structs ({kernel's struct: (the view's, [fields])}) has the same size and
    field offsets and sizes and that each constant PREFIXNAME the kernel also defines as
    NAME has its value; then its prototypes again (MACRO_CHECK) with the kernel's types
    (extra_defines rename what would clash): a conflicting type does not compile.
    Returns (gcc's CompletedProcess, the constants shared, the view's constants the
    kernel lacks)."""
    ours = open(os.path.join(SRC, view)).read()
    header = open(os.path.join(ROOT, "include", "hermit", "syscall.h")).read()
    lines = ['#include "hermit/syscall.h"', f"#define {macro}_ONLY_TYPES", f'#include "{view}"']
    for theirs, (mine, fields) in structs.items():
        lines.append(f"_Static_assert(sizeof(struct {theirs}) == sizeof(struct {mine}), \"{theirs} size\");")
        for f in fields:
            lines.append(
                f"_Static_assert(__builtin_offsetof(struct {theirs}, {f}) == __builtin_offsetof(struct {mine}, {f})"
                f" && sizeof(((struct {theirs} *)0)->{f}) == sizeof(((struct {mine} *)0)->{f}), \"{theirs}.{f}\");")
    consts = re.findall(rf"#define {prefix}([A-Z0-9_]+) ", ours)
    shared = [c for c in consts if re.search(rf"#define {c} ", header)]
    for c in shared:
        lines.append(f"_Static_assert({c} == {prefix}{c}, \"{c}\");")
    lines += [f"#undef EREMIT_LIBC_{macro}_H", f"#undef {macro}_ONLY_TYPES", f"#define {macro}_CHECK"]
    lines += [f"#define {mine} {theirs}" for theirs, (mine, _) in structs.items()]
    lines += [*extra_defines, f'#include "{view}"']
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "abi_view.c")
        open(src, "w").write("\n".join(lines) + "\n")
        p = run(["gcc", "-std=gnu11", "-fsyntax-only", "-Werror", "-I", os.path.join(ROOT, "include"),
                 "-I", SRC, src])
    return p, shared, [c for c in consts if c not in shared]
