#!/usr/bin/env python3
"""Hermit applications switch over unchanged (issue 14): applications written as Hermit's
template writes them (`hermit = "0.13"`, Hermit's feature names), in a directory outside
the repository, built with `[patch.crates-io] hermit = { path = "<eremit>/hermit" }` alone
and booted with `eremit run`. Ends with 'N passed, N failed'."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import EREMIT, ROOT, HostServers, Suite, check, run, serve_ok  # noqa: E402

CACHE = os.environ.get("EREMIT_CACHE_DIR") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "eremit")
# The apps live outside the repository (inside it cargo would take them for members of
# Eremit's workspace), as a user's would.
WORK = os.path.join(CACHE, "hermit-compat")
# One target directory for every app here: std for the hermit target is built once.
TARGET = os.path.join(WORK, "target")

suite = Suite("hermit-compat", requires=[EREMIT], hint="run `make toolchain` first")

# Every feature name of Hermit's `hermit` crate 0.13 (its Cargo.toml).
HERMIT_013_FEATURES = """
common-os libc log-max_level_off log-max_level_error log-max_level_warn log-max_level_info
log-max_level_debug log-max_level_trace log-release_max_level_off log-release_max_level_error
log-release_max_level_warn log-release_max_level_info log-release_max_level_debug
log-release_max_level_trace smoltcp-auto-icmp-echo-reply mman newlib pvh loader uhyve
initramfs acpi fsgsbase pci pci-ids semihosting smp tcp udp dhcpv4 dns net-trace
write-pcap-file virtio-net rtl8139 gem-net virtio-console virtio-fs virtio-rng virtio-vsock
vga idle-poll alloc-stats instrument-mcount kernel-stack randomize-layout shell strace
document-features net virtio warn-prebuilt console fs fuse mmap nostd trace vsock
""".split()
UNSERVED = ["uhyve", "vsock", "virtio-vsock", "fuse", "initramfs", "net-trace",
            "write-pcap-file", "semihosting", "shell", "vga", "instrument-mcount"]

MAIN_RS = """\
#[cfg(target_os = "hermit")]
use hermit as _;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("hello from a Hermit app: {}", args.join(" "));
    std::process::exit(args.len() as i32);
}
"""


NET_MAIN_RS = """\
#[cfg(target_os = "hermit")]
use hermit as _;
use std::io::{Read, Write};

// Connects to the host (QEMU's user network: 10.0.2.2) on the port given, says hello and
// prints the reply and the address the guest used.
fn main() {
    let port: u16 = std::env::args().nth(1).unwrap().parse().unwrap();
    let mut s = std::net::TcpStream::connect(("10.0.2.2", port)).expect("connect");
    s.write_all(b"hello").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    println!("reply {reply} from {}", s.local_addr().unwrap().ip());
}
"""


ALL_FOUR_MAIN_RS = """\
#[cfg(target_os = "hermit")]
use hermit as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};

// The four things issue 14's check names, in one program: TCP and UDP over 127.0.0.1 to
// itself, /proc/version, stdin copied to stdout, and the static address the guest has
// (the local address of a connection to the host server through QEMU's gateway).
fn main() {
    let port: u16 = std::env::args().nth(1).unwrap().parse().unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").expect("tcp bind");
    let at = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut c, peer) = listener.accept().expect("accept");
        let mut got = Vec::new();
        c.read_to_end(&mut got).unwrap();
        c.write_all(b"tcp:").unwrap();
        c.write_all(&got).unwrap();
        peer.ip()
    });
    let mut c = TcpStream::connect(at).expect("tcp connect");
    c.write_all(b"ping").unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    c.read_to_string(&mut reply).unwrap();
    let peer = server.join().unwrap();
    println!("loopback tcp: {reply} (peer {peer})");

    let a = UdpSocket::bind("127.0.0.1:0").expect("udp bind");
    let b = UdpSocket::bind("127.0.0.1:0").expect("udp bind");
    a.send_to(b"dgram", b.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 64];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    b.send_to(&buf[..n], from).unwrap();
    let (m, back) = a.recv_from(&mut buf).unwrap();
    println!("loopback udp: {} (from the right socket: {})",
             String::from_utf8_lossy(&buf[..m]), back == b.local_addr().unwrap());

    let version = std::fs::read_to_string("/proc/version").expect("/proc/version");
    println!("/proc/version: {} line(s), starts {:?}", version.lines().count(),
             version.split_whitespace().next().unwrap_or(""));

    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).expect("stdin");
    println!("stdin: {} bytes", input.len());
    std::io::stdout().write_all(&input).unwrap();

    let mut s = TcpStream::connect(("10.0.2.2", port)).expect("connect to the host");
    s.write_all(b"hello").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    println!("host: {reply} from {}", s.local_addr().unwrap().ip());
    std::process::exit(7);
}
"""


def make_app(name, dependency, main_rs=MAIN_RS):
    """A Hermit-template app in WORK/NAME: its own Cargo.toml, nightly toolchain file and
    cargo config, as Hermit's template has them, plus the one [patch.crates-io] line."""
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "src"))
    os.makedirs(os.path.join(d, ".cargo"))
    with open(os.path.join(d, "Cargo.toml"), "w") as f:
        f.write(f"""[package]
name = "{name}"
version = "0.1.0"
edition = "2021"

[target.'cfg(target_os = "hermit")'.dependencies]
{dependency}

[patch.crates-io]
hermit = {{ path = "{os.path.join(ROOT, 'hermit')}" }}
""")
    with open(os.path.join(d, "rust-toolchain.toml"), "w") as f:
        f.write('[toolchain]\nchannel = "nightly"\ncomponents = ["rust-src"]\n')
    with open(os.path.join(d, ".cargo", "config.toml"), "w") as f:
        f.write('[build]\ntarget = "x86_64-unknown-hermit"\n[unstable]\n'
                'build-std = ["std", "panic_abort"]\nbuild-std-features = ["compiler-builtins-mem"]\n')
    with open(os.path.join(d, "src", "main.rs"), "w") as f:
        f.write(main_rs)
    return d


def build_and_boot(name, dependency, want_unserved):
    d = make_app(name, dependency)
    p = run(["cargo", "build", "--release", "--target-dir", TARGET], cwd=d, timeout=1800)
    used = "Patch `hermit" not in p.stderr and "was not used in the crate graph" not in p.stderr
    check(f"{name}: builds against Eremit's crate through [patch.crates-io]",
          p.returncode == 0 and used, p.stderr, keep_end=True)
    if p.returncode != 0:
        return
    image = os.path.join(TARGET, "x86_64-unknown-hermit", "release", name)
    r = run([EREMIT, "run", "--timeout", "90", "--verbose", image, "a", "b"], timeout=150)
    check(f"{name}: boots, prints and exits with its status",
          r.stdout == "hello from a Hermit app: a b\n" and r.returncode == 2,
          f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr[-3000:]}")
    said = [f for f in UNSERVED if f"feature '{f}' is accepted but not served" in r.stderr]
    check(f"{name}: the kernel log names the features not served ({len(want_unserved)})",
          sorted(said) == sorted(want_unserved), f"named: {said}\nwanted: {want_unserved}")


@suite.setup
def work_dir():
    os.makedirs(WORK, exist_ok=True)
    print("hermit-compat-tests: Hermit-template apps outside the repository "
          "(the first build compiles std: minutes)", flush=True)


# The template's dependency line, Eremit's default features.
suite.add("template-app", build_and_boot, "template-app", 'hermit = "0.13"', [])
# One member naming every feature of Hermit's crate used to make cargo refuse all.
suite.add("every-feature-app", build_and_boot, "every-feature-app",
          'hermit = { version = "0.13", default-features = false, features = [%s] }'
          % ", ".join(f'"{f}"' for f in HERMIT_013_FEATURES), UNSERVED)


@suite.case("static-address")
def static_address_suite():
    """A build without `dhcpv4` gets an address with `--net user` alone, from HERMIT_IP
    in its environment, and from `eremit run --ip`."""
    d = make_app("static-net-app",
                 'hermit = { version = "0.13", default-features = false, features = ["tcp", "udp"] }',
                 NET_MAIN_RS)
    p = run(["cargo", "build", "--release", "--target-dir", TARGET], cwd=d, timeout=1800)
    check("static-net-app (no dhcpv4): builds", p.returncode == 0, p.stderr, keep_end=True)
    if p.returncode != 0:
        return
    image = os.path.join(TARGET, "x86_64-unknown-hermit", "release", "static-net-app")
    server = HostServers(serve_ok)
    cases = [
        ("--net user alone", [], "10.0.2.15"),
        ("HERMIT_IP in the environment", ["--env", "HERMIT_IP=10.0.2.20", "--env", "HERMIT_GATEWAY=10.0.2.2"],
         "10.0.2.20"),
        ("--ip and --gateway", ["--ip", "10.0.2.21/24", "--gateway", "10.0.2.2", "--dns", "10.0.2.3"],
         "10.0.2.21"),
    ]
    for label, opts, addr in cases:
        r = run([EREMIT, "run", "--timeout", "60", "--net", "user", *opts, image, str(server.port)],
                timeout=120)
        check(f"static-net-app, {label}: reaches the host as {addr}",
              r.returncode == 0 and r.stdout == f"reply ok:hello from {addr}\n",
              f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr[-2000:]}")
    server.close()


# Feature sets a Hermit user writes (default-features = false): without and with DHCP,
# and Hermit's default set (SMP, PCI, ACPI, FSGSBASE), which also runs on 2 vCPUs on q35.
ALL_FOUR_VARIANTS = [
    ("all-four-tcp-udp", '"tcp", "udp"', []),
    ("all-four-dhcpv4", '"tcp", "udp", "dhcpv4"', []),
    ("all-four-hermit-defaults",
     '"acpi", "dhcpv4", "fsgsbase", "pci", "pci-ids", "smp", "tcp", "udp", "fs"',
     ["--cpus", "2", "--machine", "q35"]),
]


@suite.case("all-four")
def all_four_suite():
    """Issue 14's check: one Hermit-template app uses loopback (TCP and UDP),
    /proc/version, stdin and a static address (HERMIT_* in --env, and --ip/--gateway)."""
    server = HostServers(serve_ok)
    stdin_text = "line one\nline two: äöü\n"
    for name, features, machine in ALL_FOUR_VARIANTS:
        d = make_app(name, f'hermit = {{ version = "0.13", default-features = false, '
                           f'features = [{features}] }}', ALL_FOUR_MAIN_RS)
        p = run(["cargo", "build", "--release", "--target-dir", TARGET], cwd=d, timeout=1800)
        check(f"{name}: builds", p.returncode == 0, p.stderr, keep_end=True)
        if p.returncode != 0:
            continue
        image = os.path.join(TARGET, "x86_64-unknown-hermit", "release", name)
        cases = [
            ("HERMIT_IP/GATEWAY/MASK in --env",
             ["--env", "HERMIT_IP=10.0.2.30", "--env", "HERMIT_GATEWAY=10.0.2.2",
              "--env", "HERMIT_MASK=255.255.255.0"], "10.0.2.30"),
            ("--ip/--gateway", ["--ip", "10.0.2.31/24", "--gateway", "10.0.2.2"], "10.0.2.31"),
        ]
        for label, opts, addr in cases:
            cmd = [EREMIT, "run", "--timeout", "90", "--net", "user", *machine, *opts, image,
                   str(server.port)]
            r = subprocess.run(cmd, input=stdin_text, capture_output=True, text=True,
                               timeout=150, errors="replace")
            want = ("loopback tcp: tcp:ping (peer 127.0.0.1)\n"
                    "loopback udp: dgram (from the right socket: true)\n"
                    '/proc/version: 1 line(s), starts "Eremit"\n'
                    f"stdin: {len(stdin_text.encode())} bytes\n{stdin_text}"
                    f"host: ok:hello from {addr}\n")
            on = f" ({' '.join(machine)})" if machine else ""
            check(f"{name}{on}, {label}: loopback, /proc/version, stdin, "
                  f"{addr}, exit 7",
                  r.returncode == 7 and r.stdout == want,
                  f"exit {r.returncode}\nstdout:\n{r.stdout}\nwanted:\n{want}"
                  f"stderr:\n{r.stderr[-2000:]}")
    server.close()



if __name__ == "__main__":
    sys.exit(suite.main())
