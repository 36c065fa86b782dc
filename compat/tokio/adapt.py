#!/usr/bin/env python3
"""Lets a pristine tokio 1.x source tree (from crates.io) build its `net` feature for
target_os = "hermit", in place.

tokio's runtime, timers and I/O driver build for hermit already (mio 1.x has a hermit
backend: poll(2) and an eventfd waker), and its UdpSocket uses `cfg(not(windows))`. What
stops the build is a handful of places that name `unix` (or WASI) where they mean "file
descriptors", plus the libc dependency (used for EINPROGRESS) that only unix and WASI get.
Each place is listed below with the reason, replaced exactly once, and the script stops
if tokio's source does not match (a new tokio version may need a new list). For the
`process` and `signal` features (in `full`), which have Unix and Windows backends only,
it adds ours: process_hermit.rs (no child processes in a unikernel: Unsupported, as std
says) and signal_hermit.rs (ctrl_c() never fires: no signal reaches a unikernel).

Usage: adapt.py TOKIO_DIR
"""

import os
import shutil
import sys

HERMIT = 'target_os = "hermit"'

# (file, old, new, why)
EDITS = [
    ("Cargo.toml",
     "[target.'cfg(target_os = \"wasi\")'.dependencies.libc]",
     "[target.'cfg(any(target_os = \"wasi\", target_os = \"hermit\"))'.dependencies.libc]",
     "TcpSocket::connect compares with libc::EINPROGRESS on every non-Windows target"),
    ("src/macros/cfg.rs",
     '#[cfg(any(all(doc, docsrs), unix, target_os = "wasi"))]',
     f'#[cfg(any(all(doc, docsrs), unix, target_os = "wasi", {HERMIT}))]',
     "cfg_unix_or_wasi! guards TcpSocket's AsFd/FromRawFd impls, which hermit has"),
    ("src/net/tcp/socket.rs",
     '#[cfg(any(unix, target_os = "wasi"))]\ncfg_unix_or_wasi! {',
     f'#[cfg(any(unix, target_os = "wasi", {HERMIT}))]\ncfg_unix_or_wasi! {{',
     "the same impls; from_std_stream (cfg(not(windows))) needs TcpSocket::from_raw_fd"),
    ("src/net/tcp/listener.rs",
     '        #[cfg(target_os = "wasi")]\n        {\n            use std::os::fd::{FromRawFd, IntoRawFd};',
     f'        #[cfg(any(target_os = "wasi", {HERMIT}))]\n        {{\n            use std::os::fd::{{FromRawFd, IntoRawFd}};',
     "TcpListener::into_std has no body for hermit otherwise; std::os::fd is hermit's too"),
    ("src/net/tcp/stream.rs",
     '        #[cfg(target_os = "wasi")]\n        {\n            use std::os::fd::{FromRawFd, IntoRawFd};',
     f'        #[cfg(any(target_os = "wasi", {HERMIT}))]\n        {{\n            use std::os::fd::{{FromRawFd, IntoRawFd}};',
     "TcpStream::into_std, likewise"),
    ("src/net/tcp/listener.rs",
     "#[cfg(unix)]\nmod sys {\n    use super::TcpListener;\n    use std::os::unix::prelude::*;",
     f"#[cfg(any(unix, {HERMIT}))]\nmod sys {{\n    use super::TcpListener;\n"
     "    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};",
     "AsRawFd/AsFd for TcpListener (the same traits, named through std::os::fd)"),
    ("src/net/tcp/stream.rs",
     "#[cfg(unix)]\nmod sys {\n    use super::TcpStream;\n    use std::os::unix::prelude::*;",
     f"#[cfg(any(unix, {HERMIT}))]\nmod sys {{\n    use super::TcpStream;\n"
     "    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};",
     "AsRawFd/AsFd for TcpStream: socket2::SockRef (linger, set_linger) needs AsFd"),
    # tokio's `full` feature: process and signal have Unix and Windows backends only.
    ("src/process/mod.rs",
     '#[path = "windows.rs"]\n#[cfg(windows)]\nmod imp;\n',
     '#[path = "windows.rs"]\n#[cfg(windows)]\nmod imp;\n\n'
     f'#[path = "hermit.rs"]\n#[cfg({HERMIT})]\nmod imp;\n',
     "tokio::process: our process_hermit.rs (no child processes in a unikernel)"),
    ("src/signal/mod.rs",
     "#[cfg(unix)]\npub(crate) mod registry;\n",
     f"#[cfg(unix)]\npub(crate) mod registry;\n\n#[cfg({HERMIT})]\nmod hermit;\n",
     "tokio::signal: our signal_hermit.rs (ctrl_c never fires: no signals reach a unikernel)"),
    ("src/signal/ctrl_c.rs",
     "#[cfg(windows)]\nuse super::windows::{self as os_impl};\n",
     "#[cfg(windows)]\nuse super::windows::{self as os_impl};\n"
     f"#[cfg({HERMIT})]\nuse super::hermit::{{self as os_impl}};\n",
     "ctrl_c() on hermit"),
]

# Our files, copied in as new modules of tokio: (ours, where in tokio).
FILES = [
    ("process_hermit.rs", "src/process/hermit.rs"),
    ("signal_hermit.rs", "src/signal/hermit.rs"),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: adapt.py TOKIO_DIR")
    root = sys.argv[1]
    for name, old, new, why in EDITS:
        path = os.path.join(root, name)
        with open(path) as f:
            text = f.read()
        if new in text:
            sys.exit(f"tokio adapt: {name} is adapted already; start from a pristine copy")
        if text.count(old) != 1:
            sys.exit(f"tokio adapt: {name}: expected text not found once ({why}); "
                     "this tokio version needs the list reviewed")
        with open(path, "w") as f:
            f.write(text.replace(old, new))
    here = os.path.dirname(os.path.abspath(__file__))
    for ours, where in FILES:
        shutil.copy(os.path.join(here, ours), os.path.join(root, where))


if __name__ == "__main__":
    main()
