#!/usr/bin/env python3
"""Adds a hermit backend to a pristine socket2 0.6 source tree (from crates.io), in place.

socket2 ends with `compile_error!("Socket2 doesn't support the compile target")` on
x86_64-unknown-hermit: its system layer exists for `unix`, `windows` and WASI preview 2
only. Hermit is, for socket2's purposes, what WASI preview 2 is: sockets are file
descriptors (std::os::fd), the socket calls are a small POSIX subset (no sendmsg, no
Unix-domain sockets, no raw sockets, no dup-with-cloexec). So this script

  1. installs our backend, compat/socket2/hermit.rs, as src/sys/hermit.rs and selects it
     for target_os = "hermit" (lib.rs's `mod sys`);
  2. lets hermit take the descriptor-based paths of the generic code, the ones written
     `any(unix, all(target_os = "wasi", not(target_env = "p1")))`;
  3. leaves out on hermit what socket2 leaves out on WASI: every `target_os = "wasi"`
     that remains in socket2's cfg lists is an exclusion (`not(any(..))`), and gets
     `target_os = "hermit"` beside it, except for `tos_v4`/`set_tos_v4` (IP_TOS is in
     the hermit ABI, and tokio calls them); WASI preview 2 in positive lists (keepalive
     interval and retries) stays WASI-only;
  4. gives hermit the `libc` dependency (whose hermit module binds the kernel's sys_*
     socket calls).

The script stops when socket2's source does not look as expected (the `mod sys` and
compile_error! lines, a WASI mention outside a cfg attribute or in a positive list),
rather than produce a half-adapted crate.

Usage: adapt.py SOCKET2_DIR
"""

import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WASI_P2 = 'all(target_os = "wasi", not(target_env = "p1"))'
FD_PLATFORMS = f"any(unix, {WASI_P2})"
HERMIT = 'target_os = "hermit"'


def fail(msg):
    sys.exit(f"socket2 adapt: {msg}")


def rewrite(path, fn):
    with open(path) as f:
        text = f.read()
    new = fn(text)
    with open(path, "w") as f:
        f.write(new)


def select_backend(text):
    # `mod sys` picks sys/unix.rs for the fd platforms: keep hermit out of that one and
    # point it at ours. (Done before the generic rewrite below, which then adds hermit
    # inside the `not(..)`, harmlessly.)
    old = f'#[cfg_attr(\n    {FD_PLATFORMS},\n    path = "sys/unix.rs"\n)]'
    if text.count(old) != 1:
        fail("lib.rs: the `mod sys` path attributes are not where 0.6 has them")
    new = (f'#[cfg_attr(\n    all(not({HERMIT}), {FD_PLATFORMS}),\n    path = "sys/unix.rs"\n)]\n'
           f'#[cfg_attr({HERMIT}, path = "sys/hermit.rs")]')
    text = text.replace(old, new)
    old = f"#[cfg(not(any(windows, unix, {WASI_P2})))]"
    if text.count(old) != 1:
        fail("lib.rs: the compile_error! guard is not where 0.6 has it")
    return text.replace(old, f"#[cfg(not(any(windows, unix, {HERMIT}, {WASI_P2})))]")


# socket2 leaves IP_TOS out on WASI, but the hermit ABI defines it and tokio calls
# tos_v4/set_tos_v4 on every target but a few Unixes: keep them (the kernel answers
# ENOPROTOOPT if it does not serve the option).
KEEP_ON_HERMIT = {"tos_v4", "set_tos_v4"}


def attributes(text):
    """(start, end) of every #[cfg(..)] and #[cfg_attr(..)] attribute."""
    for m in re.finditer(r"#\[cfg(?:_attr)?\(", text):
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        yield m.start(), i + 1


def excluding(attr):
    """Checks that every `target_os = "wasi"` left in attr sits directly in a not(..) or
    not(any(..)): an exclusion, which hermit joins."""
    for m in re.finditer(r'target_os = "wasi"', attr):
        depth, i = 0, m.start() - 1
        while i >= 0:
            depth += {")": 1, "(": -1}.get(attr[i], 0)
            if depth < 0:
                break
            i -= 1
        head = attr[:i].rstrip()
        if not (head.endswith("not") or head.endswith("not(any")):
            return False
    return True


def adapt_attr(attr, item):
    # 2. the descriptor-based paths; protected from step 3 by a placeholder.
    attr = attr.replace(FD_PLATFORMS, f"any(unix, {HERMIT}, @WASI_P2@)")
    # WASI p2 named in positive feature lists (TCP_KEEPINTVL, ...): hermit's ABI has
    # none of those options, so hermit stays out.
    attr = attr.replace(WASI_P2, "@WASI_P2@")
    if item in KEEP_ON_HERMIT:
        return attr.replace("@WASI_P2@", WASI_P2)
    # 3. what is left are exclusions.
    if not excluding(attr):
        fail(f"`target_os = \"wasi\"` outside a not(..) list before `{item}`: {attr}")
    attr = attr.replace('not(target_os = "wasi")', f'not(any(@WASI@, {HERMIT}))')
    attr = attr.replace('target_os = "wasi"', f'@WASI@, {HERMIT}')
    return attr.replace("@WASI@", 'target_os = "wasi"').replace("@WASI_P2@", WASI_P2)


def generic(text):
    out, last = [], 0
    for start, end in attributes(text):
        # The item the attribute applies to: the first `fn name` before its body.
        following = re.split(r"[{;]", text[end:], maxsplit=1)[0]
        fn = re.search(r"\bfn\s+(\w+)", following)
        out.append(text[last:start])
        out.append(adapt_attr(text[start:end], fn.group(1) if fn else None))
        last = end
    out.append(text[last:])
    text = "".join(out)
    # Every mention of WASI must have been in a cfg attribute.
    outside = "".join(text[e0:s1] for (_, e0), (s1, _) in
                      zip([(0, 0)] + list(attributes(text)), list(attributes(text)) + [(len(text), 0)]))
    if 'target_os = "wasi"' in outside:
        fail('`target_os = "wasi"` outside a cfg attribute; review this socket2 version')
    return text


def manifest(text):
    old = "[target.'cfg(any(unix, target_os = \"wasi\"))'.dependencies.libc]"
    if text.count(old) != 1:
        fail("Cargo.toml: no libc dependency for unix/wasi")
    return text.replace(old, "[target.'cfg(any(unix, target_os = \"wasi\", target_os = \"hermit\"))'.dependencies.libc]")


def main():
    if len(sys.argv) != 2:
        fail("usage: adapt.py SOCKET2_DIR")
    root = sys.argv[1]
    src = os.path.join(root, "src")
    if os.path.exists(os.path.join(src, "sys", "hermit.rs")):
        fail(f"{root} is adapted already; start from a pristine copy")
    rewrite(os.path.join(src, "lib.rs"), select_backend)
    for name in ("lib.rs", "socket.rs", "sockaddr.rs", "sockref.rs"):
        rewrite(os.path.join(src, name), generic)
    rewrite(os.path.join(root, "Cargo.toml"), manifest)
    shutil.copy(os.path.join(HERE, "hermit.rs"), os.path.join(src, "sys", "hermit.rs"))


if __name__ == "__main__":
    main()
