#!/usr/bin/env python3
"""Checks that there is one C view of the kernel's ABI (part of `make test-abi`).

- include/hermit/syscall-prefixed.h, which the C library includes, says what
  include/hermit/syscall.h says under hermit_*/HERMIT_* names: compiled together with the
  host's gcc, every constant has the same value and every structure and typedef the same
  size, alignment and field offsets;
- libc-port mirrors none of it: no `sys_*` prototype, no `struct hermit_*` definition and
  no constant (LINUX_*, HERMIT_*, KERNEL_*) named after one the kernel's header defines;
- the Linux values libc-port names itself (LINUX_E*, for codes the kernel never returns)
  are Linux's, and every Linux errno has a name (HERMIT_E* from the kernel, or LINUX_E*).

Both headers come from scripts/gen-header.sh (scripts/check-header.sh checks they are
current). Exits 0 with a closing line `c-view-check: ...`, 1 on any mismatch.
"""

import errno
import glob
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = os.path.join(REPO, "include")
PLAIN = os.path.join(INCLUDE, "hermit", "syscall.h")
PREFIXED = os.path.join(INCLUDE, "hermit", "syscall-prefixed.h")
LIBC = os.path.join(REPO, "libc-port")
# Linux's aliases: EWOULDBLOCK is EAGAIN, EDEADLOCK EDEADLK, ENOTSUP EOPNOTSUPP.
ALIASES = ("EWOULDBLOCK", "EDEADLOCK", "ENOTSUP")


def without_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)


def header_items(text):
    """(constants, {struct: [fields]}, typedefs) that a cbindgen header defines."""
    text = without_comments(text)
    consts = re.findall(r"^#define (\w+) ", text, re.M)
    structs = {}
    for name, body in re.findall(r"^struct (\w+) \{(.*?)^\};", text, re.M | re.S):
        structs[name] = re.findall(r"(\w+)(?:\[\d+\])?;", body)
    typedefs = re.findall(r"^typedef .*?\b(\w+);", text, re.M)
    return consts, structs, typedefs


def prefixed_matches_plain(failures):
    consts, structs, typedefs = header_items(open(PLAIN).read())
    # The functions are declared by both with differently named types: the plain header's
    # are renamed away here (the two headers come from one cbindgen run's input).
    functions = sorted(set(re.findall(r"\b(sys_\w+)\(", without_comments(open(PLAIN).read()))))
    lines = ["#include <hermit/syscall-prefixed.h>"]
    lines += [f"#define {f} plain_{f}" for f in functions]
    lines.append("#include <hermit/syscall.h>")
    for c in consts:
        if c != "HERMIT_SYSCALL_H":
            lines.append(f'_Static_assert(({c}) == (HERMIT_{c}), "{c}");')
    for s, fields in structs.items():
        lines.append(f'_Static_assert(sizeof(struct {s}) == sizeof(struct hermit_{s}), "{s} size");')
        lines.append(f'_Static_assert(_Alignof(struct {s}) == _Alignof(struct hermit_{s}), "{s} align");')
        for f in fields:
            lines.append(f"_Static_assert(__builtin_offsetof(struct {s}, {f}) == "
                         f'__builtin_offsetof(struct hermit_{s}, {f}), "{s}.{f}");')
    for t in typedefs:
        lines.append(f'_Static_assert(sizeof({t}) == sizeof(hermit_{t}), "{t}");')
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "c_view.c")
        open(src, "w").write("\n".join(lines) + "\n")
        p = subprocess.run(["gcc", "-std=gnu11", "-fsyntax-only", "-Werror", "-I", INCLUDE, src],
                           capture_output=True, text=True)
    if p.returncode != 0:
        failures.append("syscall-prefixed.h differs from syscall.h:\n" + p.stderr)
    return len(consts), len(structs), len(typedefs)


def libc_mirrors_nothing(failures):
    kernel_consts, kernel_structs, _ = header_items(open(PLAIN).read())
    kernel_consts = set(kernel_consts)
    sources = sorted(glob.glob(os.path.join(LIBC, "**", "*.[ch]"), recursive=True))
    for path in sources:
        rel = os.path.relpath(path, REPO)
        text = without_comments(open(path, errors="replace").read())
        for m in re.finditer(r"^[A-Za-z_][\w \t*]*?\bsys_\w+\s*\([^;{]*\)\s*(?:__attribute__\(\([^;]*\)\))?\s*;",
                             text, re.M):
            failures.append(f"{rel}: declares {m.group(0).split('(')[0].split()[-1].lstrip('*')} "
                            "(the kernel's header does)")
        for m in re.finditer(r"\bstruct (hermit_\w+)\s*\{", text):
            failures.append(f"{rel}: defines struct {m.group(1)} (the kernel's header does)")
        for prefix, name in re.findall(r"^\s*#\s*define (LINUX|HERMIT|KERNEL)_(\w+)", text, re.M):
            if name in kernel_consts:
                failures.append(f"{rel}: defines {prefix}_{name}; use HERMIT_{name} (the kernel's header)")
    return len(sources)


def linux_values(failures):
    kernel = {n: int(v) for n, v in re.findall(r"^#define (E[A-Z0-9]+) (\d+)$", open(PLAIN).read(), re.M)}
    ours = {n: int(v) for n, v in re.findall(r"^#define LINUX_(E\w+) (\d+)",
                                              open(os.path.join(LIBC, "src", "hermit-abi.h")).read(), re.M)}
    for name, value in list(kernel.items()) + list(ours.items()):
        if hasattr(errno, name) and getattr(errno, name) != value:
            failures.append(f"{name} is {value}, Linux's is {getattr(errno, name)}")
    unnamed = [n for n in errno.errorcode.values() if n not in kernel and n not in ours and n not in ALIASES]
    if unnamed:
        failures.append("Linux errno values without a HERMIT_ or LINUX_ name: " + ", ".join(sorted(unnamed)))
    return len(kernel), len(ours)


def main():
    failures = []
    consts, structs, typedefs = prefixed_matches_plain(failures)
    sources = libc_mirrors_nothing(failures)
    kernel_errnos, linux_errnos = linux_values(failures)
    for f in failures:
        print(f"c-view-check: FAIL {f}")
    if failures:
        print(f"c-view-check: {len(failures)} problem(s)")
        return 1
    print(f"c-view-check: syscall-prefixed.h matches syscall.h ({consts} constants, {structs} structs, "
          f"{typedefs} typedefs); {sources} libc-port files mirror none of it; errno: "
          f"{kernel_errnos} from the kernel, {linux_errnos} Linux-only, all Linux's values")
    return 0


if __name__ == "__main__":
    sys.exit(main())
