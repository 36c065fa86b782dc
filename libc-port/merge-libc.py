#!/usr/bin/env python3
"""Makes the sysroot's libc.a: newlib's libc.a without the members whose functions
libc-port provides, plus libc-port's objects (and the POSIX layer's).

Our objects must not define a symbol twice (libc-port/src against libc-port/posix).
A newlib member is dropped when it defines a global symbol that one of our objects
defines too (e.g. newlib's misc/lock.o, which holds the default no-op locks). Dropping it
must not lose anything else: if the member defines a symbol we do not provide, that is an
error, listed by name.

Usage: merge-libc.py NEWLIB_LIBC OUT OBJ...
Environment: NM, AR: the architecture's binutils (default: the host's nm, ar).
"""

import os
import shutil
import subprocess
import sys
import tempfile

DEFINED = set("TDBRVWGSCiu")
NM = os.environ.get("NM", "nm")
AR = os.environ.get("AR", "ar")


def defined_globals(path):
    """{member: set(symbols)} of the global symbols each member of an archive (or each
    object) defines."""
    out = subprocess.run([NM, "-A", "-g", "--defined-only", path], capture_output=True,
                         text=True, check=True).stdout
    members = {}
    for line in out.splitlines():
        loc, _, rest = line.partition(" ")
        parts = rest.split()
        if len(parts) < 2 or parts[-2] not in DEFINED:
            continue
        # "archive.a:member.o:ADDRESS" or "object.o:ADDRESS"
        member = loc.rsplit(":", 1)[0].split(":")[-1]
        members.setdefault(member, set()).add(parts[-1])
    return members


def main():
    newlib, out, objs = sys.argv[1], sys.argv[2], sys.argv[3:]
    ours = {}
    clashes = []
    for o in objs:
        for syms in defined_globals(o).values():
            for s in syms:
                if s in ours:
                    clashes.append(f"{s} ({os.path.basename(ours[s])} and {os.path.basename(o)})")
                ours[s] = o
    if clashes:
        sys.exit("merge-libc: defined twice by libc-port's objects:\n  " + "\n  ".join(clashes))
    ours = set(ours)
    drop = []
    problems = []
    for member, syms in sorted(defined_globals(newlib).items()):
        if syms & ours:
            drop.append(member)
            lost = sorted(syms - ours)
            if lost:
                problems.append(f"{member}: replacing {sorted(syms & ours)} would lose {lost}")
    if problems:
        sys.exit("merge-libc: newlib members only partly replaced:\n  " + "\n  ".join(problems))
    with tempfile.TemporaryDirectory() as tmp:
        lib = os.path.join(tmp, "libc.a")
        shutil.copyfile(newlib, lib)
        if drop:
            subprocess.run([AR, "d", lib, *drop], check=True)
        subprocess.run([AR, "rs", lib, *objs], check=True)
        shutil.move(lib, out)
    print(f"libc.a: newlib minus {len(drop)} replaced members ({', '.join(m.replace('lib_a-', '') for m in drop)}) "
          f"plus {len(objs)} objects of libc-port")


if __name__ == "__main__":
    main()
