#!/usr/bin/env python3
"""Network benchmarks: Eremit against a Linux guest under the same QEMU options
(`make bench-net` runs them on QEMU's user network and then on tap devices; `python3
benches/drivers/netbench.py [--quick] [--net-mode user,tap]` alone; benches/drivers/bench.py
runs them as its network section). Writes build/bench/results-net.md and results-net.json.

Both guests run the same servers, one per boot, on q35 with virtio-net-pci (modern),
512 MiB, 1 vCPU, the accelerator of the run, booted with QEMU's -kernel: Eremit's image
itself; for Linux Debian's kernel (/boot/vmlinuz-*, from the linux-image-amd64 package)
with an initramfs built here (busybox-static, the virtio modules of that kernel, an /init
that configures eth0 and execs the server the kernel command line names). The servers:
  netserver   benches/net/netserver.c: streams both ways and 1-byte ping-pong;
  httpserver  benches/net/httpserver.c: keep-alive HTTP, one thread, poll();
  httpd       examples-rust/httpd: keep-alive HTTP on std::net, a thread per connection.
The C servers are built with x86_64-hermit-gcc for Eremit and the host's `gcc -static`
for Linux; httpd with cargo for x86_64-unknown-hermit and rustc for
x86_64-unknown-linux-gnu (static).

Network, in order of preference:
  tap   a network namespace created for the run (`ip netns add`), one tap device per
        guest inside it (`ip tuntap`), the host side 10.77.N.1/24, the guest 10.77.N.2
        (static: Eremit's ip=/gateway= kernel options, `ip addr` in Linux's /init); QEMU
        and the client run inside the namespace (`ip netns exec`). Needs root.
  user  QEMU's user network (slirp) with a forwarded port per guest (hostfwd on
        127.0.0.1), the guest 10.0.2.15. Slirp copies every byte through the QEMU
        process and caps throughput for both guests alike.
Only this machine's own loopback and namespaces carry traffic.

Measurements, round-robin between the guests (booted together, idle while another is
measured), medians of --runs rounds after a warm-up:
  * keep-alive HTTP: `wrk -t1 -cN` with N = 1, 8, 32 against each HTTP server (req/s);
  * short connections: the same with `-H 'Connection: close'` against the C server (one
    request per connection; the server answers and closes, wrk closes too);
  * throughput host -> guest: 64 MiB sent to netserver, which counts and answers the
    count (timed from connect to the answer);
  * throughput guest -> host: the server sends 64 MiB;
  * latency: 1-byte request/response round trips on one connection (TCP_NODELAY both
    sides), 2000 per run: the median and the 99th percentile of each run;
  * boot to listening: from QEMU's start to the server's "listening" line;
  * idle host CPU: each idle guest's QEMU process, over 10 s.
--quick: one round, 3 s per wrk measurement, 16 MiB streams, 500 round trips.
--baseline-toolchain DIR: the C servers built with DIR/bin/x86_64-hermit-gcc run as a
third guest ("Eremit before") in the same rounds.
The stream and latency client is Python on the host; its own cost is the same for all.
"""

import argparse
import glob
import json
import lzma
import os
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

from benchlib import EREMIT, HERMIT_CC, OUT, ROOT  # noqa: E402

WORK = os.path.join(OUT, "net")
SERVER_SRC = os.path.join(ROOT, "benches", "net", "netserver.c")
PORT = 7777
THROUGHPUT_BYTES = 64 << 20
ROUND_TRIPS = 2000
BOOT_TIMEOUT = 180
GUESTS = ("eremit", "linux")
# With --baseline-toolchain, a third guest: Eremit's C servers built with another
# toolchain (the kernel before a change), for before/after figures in the same run.
ALL_GUESTS = GUESTS + ("before",)
GUEST_NAMES = {"eremit": "Eremit", "linux": "Linux guest", "before": "Eremit before"}
# The virtio-net stack of Debian's kernel, as modules (virtio_pci and virtio_net are =m).
LINUX_MODULES = ["virtio_pci", "virtio_net"]
MAC = "52:54:00:12:34:56"


class NetSkip(Exception):
    """The network benchmarks cannot run here; the message says why."""


def progress(text):
    print(f"netbench: {text}", file=sys.stderr, flush=True)


def run(cmd, timeout=600, check=True, **kw):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       errors="replace", timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise NetSkip(f"{' '.join(cmd)} failed (exit {p.returncode}): "
                      f"{(p.stdout + p.stderr).strip()[-800:]}")
    return p


# --- the client (also run as `netbench.py client ...` inside the namespace) -------------

def client_connect(host, port, timeout=60):
    end = time.monotonic() + timeout
    while True:
        try:
            s = socket.create_connection((host, port), timeout=30)
            return s
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


def client(host, port, what, amount):
    """One measurement against a netserver; returns a dict."""
    if what == "in":
        chunk = b"x" * (1 << 20)
        start = time.perf_counter()
        s = client_connect(host, port)
        s.sendall(b"S")
        left = amount
        while left > 0:
            n = min(left, len(chunk))
            s.sendall(chunk[:n] if n < len(chunk) else chunk)
            left -= n
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while len(answer) < 8:
            b = s.recv(8 - len(answer))
            if not b:
                break
            answer += b
        secs = time.perf_counter() - start
        s.close()
        got = struct.unpack("<Q", answer)[0] if len(answer) == 8 else -1
        if got != amount:
            raise RuntimeError(f"the server counted {got} bytes of {amount}")
        return {"seconds": secs, "bytes": amount}
    if what == "out":
        start = time.perf_counter()
        s = client_connect(host, port)
        s.sendall(b"G" + struct.pack("<Q", amount))
        got = 0
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            got += len(b)
        secs = time.perf_counter() - start
        s.close()
        if got != amount:
            raise RuntimeError(f"received {got} bytes of {amount}")
        return {"seconds": secs, "bytes": amount}
    if what == "rtt":
        s = client_connect(host, port)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(b"E")
        times = []
        for i in range(amount + 50):
            t0 = time.perf_counter_ns()
            s.sendall(b"p")
            if s.recv(1) != b"p":
                raise RuntimeError("echo lost")
            if i >= 50:  # the first 50 warm up
                times.append((time.perf_counter_ns() - t0) / 1000.0)
        s.close()
        times.sort()
        return {"median_us": statistics.median(times),
                "p99_us": times[min(len(times) - 1, int(len(times) * 0.99))],
                "round_trips": len(times)}
    if what == "quit":
        s = client_connect(host, port, timeout=5)
        s.sendall(b"Q")
        s.close()
        return {}
    raise ValueError(what)


# --- builds --------------------------------------------------------------------------------

def install_guest_packages(why):
    """The Linux guest's kernel and busybox through scripts/ensure-deps.sh (the one place
    that installs packages); False when that failed."""
    progress(f"installing {why} (scripts/ensure-deps.sh netbench)")
    p = subprocess.run([os.path.join(ROOT, "scripts", "ensure-deps.sh"), "netbench"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return p.returncode == 0


def find_kernel():
    """Debian's kernel (/boot/vmlinuz-VERSION) with its modules; installs linux-image-amd64
    when there is none (the running system is not touched: the file is only read)."""
    def candidates():
        out = []
        for path in sorted(glob.glob("/boot/vmlinuz-*")):
            version = os.path.basename(path)[len("vmlinuz-"):]
            if os.path.isdir(f"/lib/modules/{version}"):
                out.append((path, version))
        return out
    found = candidates()
    if not found and shutil.which("apt-get") and os.geteuid() == 0:
        install_guest_packages("the Linux guest's kernel")
        found = candidates()
    if not found:
        raise NetSkip("no /boot/vmlinuz-* with /lib/modules (apt-get install linux-image-amd64)")
    return found[-1]


def find_busybox():
    for path in ("/bin/busybox", "/usr/bin/busybox"):
        if os.path.exists(path) and "statically linked" in run(["file", "-L", path], check=False).stdout:
            return path
    if shutil.which("apt-get") and os.geteuid() == 0:
        install_guest_packages("the Linux guest's shell and ip")
        if os.path.exists("/bin/busybox"):
            return "/bin/busybox"
    raise NetSkip("no static busybox (apt-get install busybox-static)")


def module_files(version, names):
    """The .ko files of `names` and what they depend on, dependencies first."""
    base = f"/lib/modules/{version}"
    deps = {}
    with open(os.path.join(base, "modules.dep")) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[mod.strip()] = rest.split()
    by_name = {re.sub(r"\.ko(\.\w+)?$", "", os.path.basename(m)).replace("-", "_"): m for m in deps}
    order = []

    def visit(m):
        for d in deps.get(m, []):
            visit(d)
        if m not in order:
            order.append(m)
    for n in names:
        if n not in by_name:
            raise NetSkip(f"kernel {version} has no module {n} (built in?)")
        visit(by_name[n])
    return [os.path.join(base, m) for m in order]


def read_module(path):
    data = open(path, "rb").read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    if path.endswith(".gz"):
        import gzip
        return gzip.decompress(data)
    return data


def cpio_newc(entries):
    """A newc cpio archive of (name, mode, data) entries (directories: data None)."""
    out = bytearray()

    def pad4():
        while len(out) % 4:
            out.append(0)
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], 1):
        body = data or b""
        nb = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 2 if mode & 0o040000 else 1, 0, len(body), 0, 0, 0, 0, len(nb), 0]
        out += b"070701" + b"".join(b"%08X" % v for v in fields) + nb
        pad4()
        out += body
        pad4()
    return bytes(out)


INIT = r"""#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in MODULES; do /bin/busybox insmod /lib/modules/$m || echo "init: insmod $m failed"; done
prog=netserver
for arg in $(/bin/busybox cat /proc/cmdline); do
    case "$arg" in
        bench_ip=*) ip="${arg#bench_ip=}" ;;
        bench_gw=*) gw="${arg#bench_gw=}" ;;
        bench_prog=*) prog="${arg#bench_prog=}" ;;
    esac
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do /bin/busybox sleep 0.1; i=$((i+1)); done
/bin/busybox ip link set lo up
/bin/busybox ip link set eth0 up
/bin/busybox ip addr add "$ip" dev eth0
/bin/busybox ip route add default via "$gw"
exec /$prog PORT
"""

# The programs a guest can run (one per boot): the stream/latency server and the two
# HTTP servers. Each prints a line containing "listening" once it accepts connections.
PROGRAMS = ("netserver", "httpserver", "httpd")
PROGRAM_TITLES = {"httpserver": "C poll() server", "httpd": "Rust std server"}
HTTP_SRC = os.path.join(ROOT, "benches", "net", "httpserver.c")
HTTPD_SRC = os.path.join(ROOT, "examples-rust", "httpd", "src", "main.rs")


def build_initramfs(path, busybox, servers, version):
    mods = module_files(version, LINUX_MODULES)
    entries = [("dev", 0o040755, None), ("proc", 0o040755, None), ("sys", 0o040755, None),
               ("bin", 0o040755, None), ("lib", 0o040755, None), ("lib/modules", 0o040755, None),
               ("bin/busybox", 0o100755, open(busybox, "rb").read())]
    for name, server in servers.items():
        entries.append((name, 0o100755, open(server, "rb").read()))
    names = []
    for m in mods:
        name = re.sub(r"\.(xz|zst|gz)$", "", os.path.basename(m))
        names.append(name)
        entries.append((f"lib/modules/{name}", 0o100644, read_module(m)))
    init = INIT.replace("MODULES", " ".join(names)).replace("PORT", str(PORT))
    entries.append(("init", 0o100755, init.encode()))
    with open(path, "wb") as f:
        f.write(cpio_newc(entries))
    return names


def build_rust_httpd():
    """examples-rust/httpd for both guests: the Eremit image with cargo (the examples'
    workspace builds for x86_64-unknown-hermit), the Linux binary with rustc alone
    (the same source; its only dependency, the hermit crate, is for Eremit only),
    statically linked like the C servers."""
    linux = os.path.join(WORK, "httpd-linux")
    run(["cargo", "build", "--release", "-p", "httpd"], timeout=1800,
        cwd=os.path.join(ROOT, "examples-rust"))
    eremit = os.path.join(ROOT, "examples-rust", "target", "x86_64-unknown-hermit", "release", "httpd")
    run(["rustc", "--edition", "2024", "-O", "-C", "panic=abort", "-C", "target-feature=+crt-static",
         "--target", "x86_64-unknown-linux-gnu", HTTPD_SRC, "-o", linux],
        timeout=600, cwd=os.path.join(ROOT, "examples-rust"))
    return eremit, linux


def tsc_khz(accel, image):
    """The TSC rate the runner passes to Eremit (it measures it once and caches it): read
    from its --verbose lines, then the guest (a server that would wait for clients) ends."""
    p = subprocess.Popen([EREMIT, "run", "--verbose", "--accel", accel, image, "1"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, errors="replace")
    found = None
    try:
        end = time.monotonic() + 120
        for line in p.stderr:
            m = re.search(r"tsc_khz=(\d+)", line)
            if m:
                found = int(m.group(1))
                break
            if time.monotonic() > end:
                break
    finally:
        p.kill()
        p.wait()
    return found


def build_baseline(toolchain):
    """The C servers built with another toolchain's x86_64-hermit-gcc (its kernel)."""
    cc = os.path.join(toolchain, "bin", "x86_64-hermit-gcc")
    if not os.path.exists(cc):
        raise NetSkip(f"no {cc}")
    out = {}
    for name, src in (("netserver", SERVER_SRC), ("httpserver", HTTP_SRC)):
        out[name] = os.path.join(WORK, f"{name}-before")
        run([cc, "-O2", "-Wall", "-Wextra", src, "-o", out[name]])
    return out


def build(accel):
    """The servers for both guests, the initramfs, the kernel; raises NetSkip with a reason."""
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(HERMIT_CC) or not os.path.exists(EREMIT):
        raise NetSkip("build/toolchain is missing (make toolchain-c)")
    qemu = os.environ.get("EREMIT_QEMU", "qemu-system-x86_64")
    if not shutil.which(qemu):
        raise NetSkip(f"{qemu} is missing")
    eremit, linux = {}, {}
    for name, src in (("netserver", SERVER_SRC), ("httpserver", HTTP_SRC)):
        eremit[name] = os.path.join(WORK, f"{name}-eremit")
        linux[name] = os.path.join(WORK, f"{name}-linux")
        run([HERMIT_CC, "-O2", "-Wall", "-Wextra", src, "-o", eremit[name]])
        p = run(["gcc", "-O2", "-static", "-Wall", "-Wextra", src, "-o", linux[name]], check=False)
        if p.returncode != 0:
            raise NetSkip(f"gcc -static failed (glibc's static libraries: libc6-dev): {p.stderr[-500:]}")
    eremit["httpd"], linux["httpd"] = build_rust_httpd()
    kernel, version = find_kernel()
    busybox = find_busybox()
    initrd = os.path.join(WORK, "initramfs-linux.cpio")
    modules = build_initramfs(initrd, busybox, linux, version)
    # The TSC rate the runner passes to Eremit (it caches it).
    tsc = tsc_khz(accel, eremit["netserver"])
    return {"qemu": qemu, "eremit": eremit, "linux": linux,
            "kernel": kernel, "kernel_version": version, "initrd": initrd, "modules": modules,
            "busybox": busybox, "tsc_khz": tsc}


# --- network set-up --------------------------------------------------------------------------

class Network:
    """Where the guests are and how to reach them: a namespace with taps, or user mode."""

    def __init__(self, mode):
        self.mode = mode
        self.ns = None
        self.note = ""
        if mode in ("auto", "tap"):
            try:
                self._tap()
                self.mode = "tap"
                return
            except NetSkip as e:
                if mode == "tap":
                    raise
                self.note = f"tap networking could not be set up ({e}); fell back to QEMU's user network"
                self.cleanup()
        self.mode = "user"
        self.ports = {g: self._free_port() for g in ALL_GUESTS}

    @staticmethod
    def _free_port():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def _tap(self):
        if os.geteuid() != 0:
            raise NetSkip("not root")
        if not shutil.which("ip"):
            raise NetSkip("no `ip` (iproute2)")
        if not os.path.exists("/dev/net/tun"):
            raise NetSkip("no /dev/net/tun")
        # Namespaces left by runs that were killed (their process is gone).
        for line in run(["ip", "netns", "list"], check=False).stdout.splitlines():
            m = re.match(r"eremit-bench-(\d+)\b", line)
            if m and not os.path.exists(f"/proc/{m.group(1)}"):
                subprocess.run(["ip", "netns", "del", m.group(0)], capture_output=True)
        self.ns = f"eremit-bench-{os.getpid()}"
        run(["ip", "netns", "add", self.ns])
        ex = ["ip", "netns", "exec", self.ns]
        run(ex + ["ip", "link", "set", "lo", "up"])
        for i, g in enumerate(ALL_GUESTS):
            tap = f"ebtap{i}"
            run(ex + ["ip", "tuntap", "add", "dev", tap, "mode", "tap"])
            run(ex + ["ip", "addr", "add", f"10.77.{i}.1/24", "dev", tap])
            run(ex + ["ip", "link", "set", tap, "up"])

    def prefix(self):
        """The command prefix that runs QEMU and the client where the guests are."""
        return ["ip", "netns", "exec", self.ns] if self.mode == "tap" else []

    def netdev(self, guest):
        i = ALL_GUESTS.index(guest)
        if self.mode == "tap":
            return f"tap,id=net0,ifname=ebtap{i},script=no,downscript=no"
        return f"user,id=net0,hostfwd=tcp:127.0.0.1:{self.ports[guest]}-:{PORT}"

    def guest_ip(self, guest):
        i = ALL_GUESTS.index(guest)
        return (f"10.77.{i}.2", 24, f"10.77.{i}.1") if self.mode == "tap" else ("10.0.2.15", 24, "10.0.2.2")

    def target(self, guest):
        """(host, port) the client connects to."""
        if self.mode == "tap":
            return self.guest_ip(guest)[0], PORT
        return "127.0.0.1", self.ports[guest]

    def describe(self):
        if self.mode == "tap":
            return ("tap: a network namespace made for the run, one tap device per guest "
                    "(host side 10.77.N.1/24, guest 10.77.N.2, static addresses), QEMU and the "
                    "client inside the namespace")
        return ("QEMU user network (slirp), the client on 127.0.0.1 through a forwarded port "
                "per guest (hostfwd); the guest 10.0.2.15")

    def cleanup(self):
        if self.ns:
            subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)
            self.ns = None


# --- guests -----------------------------------------------------------------------------------

class GuestVM:
    def __init__(self, guest, art, net, accel, prog="netserver"):
        self.guest = guest
        self.prog = prog
        self.log = os.path.join(WORK, f"{guest}-{prog}-{net.mode}-console.log")
        open(self.log, "w").close()
        ip, plen, gw = net.guest_ip(guest)
        if guest in ("eremit", "before"):
            opts = (f"tsc_khz={art['tsc_khz']} " if art["tsc_khz"] else "") + f"ip={ip}/{plen} gateway={gw}"
            kernel = ["-kernel", art[guest][prog], "-append", f"{opts} -- {prog} {PORT}"]
        else:
            kernel = ["-kernel", art["kernel"], "-initrd", art["initrd"], "-append",
                      f"console=ttyS0 quiet panic=-1 bench_ip={ip}/{plen} bench_gw={gw} bench_prog={prog}"]
        accel_opts = ["-accel", "kvm", "-cpu", "host"] if accel == "kvm" else ["-accel", "tcg", "-cpu", "max"]
        # The same options for both guests (those of `eremit run --machine q35`), with the
        # console (COM1) in a file.
        self.cmd = net.prefix() + [
            art["qemu"], *kernel, "-m", "512M", "-smp", "1", "-nodefaults", "-no-user-config",
            "-display", "none", "-no-reboot", "-M", "q35", *accel_opts,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-chardev", f"file,id=eout,path={self.log}", "-serial", "chardev:eout",
            "-chardev", "null,id=eerr", "-device", "isa-serial,chardev=eerr,iobase=0x2f8,irq=3",
            "-chardev", "null,id=elog", "-device", "isa-debugcon,chardev=elog,iobase=0xe9",
            "-netdev", net.netdev(guest),
            "-device", f"virtio-net-pci,netdev=net0,disable-legacy=on,mac={MAC}",
        ]
        self.start = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.boot_s = None

    def console(self):
        try:
            return open(self.log, errors="replace").read()
        except OSError:
            return ""

    def wait_ready(self):
        end = self.start + BOOT_TIMEOUT
        while time.monotonic() < end:
            if f"{self.prog}: listening" in self.console():
                self.boot_s = time.monotonic() - self.start
                return
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace")
                raise NetSkip(f"the {GUEST_NAMES[self.guest]} ended before listening (exit "
                              f"{self.proc.returncode}): {out[-500:]} {self.console()[-1500:]}")
            time.sleep(0.05)
        raise NetSkip(f"the {GUEST_NAMES[self.guest]} did not listen within {BOOT_TIMEOUT} s: "
                      f"{self.console()[-1500:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def measure_once(net, guest, what, amount):
    host, port = net.target(guest)
    cmd = net.prefix() + [sys.executable, os.path.abspath(__file__), "client", host, str(port),
                          what, str(amount)]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"{GUEST_NAMES[guest]}, {what}: {p.stderr.strip()[-600:]}")
    return json.loads(p.stdout)


def wrk_once(net, guest, conns, seconds, headers=()):
    """Requests per second of keep-alive GET / with `conns` connections (one wrk thread:
    the guests, not the client, are the bottleneck under TCG); `headers`: wrk -H values."""
    host, port = net.target(guest)
    cmd = net.prefix() + ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s",
                          *(a for h in headers for a in ("-H", h)), f"http://{host}:{port}/"]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=seconds + 60)
    m = re.search(r"Requests/sec:\s*([\d.]+)", p.stdout)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"{GUEST_NAMES[guest]}, wrk -c{conns}: {(p.stdout + p.stderr).strip()[-600:]}")
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", p.stdout)
    if bad and int(bad.group(1)):
        raise RuntimeError(f"{GUEST_NAMES[guest]}, wrk -c{conns}: {bad.group(1)} bad answers")
    return float(m.group(1))


def host_cpu_seconds(pid):
    """User and system CPU time of a process (and its reaped children: none here)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(vms, seconds):
    """Host CPU (% of one core) each idle guest's QEMU process uses over `seconds`."""
    pids = {vm.guest: qemu_pid(vm) for vm in vms}
    before = {g: host_cpu_seconds(p) for g, p in pids.items()}
    time.sleep(seconds)
    return {g: 100.0 * (host_cpu_seconds(p) - before[g]) / seconds for g, p in pids.items()}


def qemu_pid(vm):
    """QEMU's process: the VM's own, or under `ip netns exec` (which execs) the same."""
    return vm.proc.pid


# Sizes of one run: the full benchmark and --quick.
FULL = {"runs": 3, "wrk_seconds": 8, "stream_bytes": THROUGHPUT_BYTES, "round_trips": ROUND_TRIPS,
        "idle_seconds": 10}
QUICK = {"runs": 1, "wrk_seconds": 3, "stream_bytes": 16 << 20, "round_trips": 500,
         "idle_seconds": 5}
HTTP_CONNS = (1, 8, 32)


def close_measures(net, size):
    """Short connections: `wrk -H 'Connection: close'` against the C server, one request
    per connection (connect, GET, the server's answer and FIN), with HTTP_CONNS clients;
    round_robin's (key, function) pairs."""
    def close(conns):
        def fn(g, warm_up):
            secs = 1 if warm_up else size["wrk_seconds"]
            return {f"close_c{conns}_rps": wrk_once(net, g, conns, secs, ("Connection: close",))}
        return fn
    return [(f"close{c}", close(c)) for c in HTTP_CONNS]


def boot_pair(art, net, accel, prog, guests):
    vms = [GuestVM(g, art, net, accel, prog) for g in guests if prog in art.get(g, {prog: 1})]
    try:
        for vm in vms:
            vm.wait_ready()
            progress(f"{GUEST_NAMES[vm.guest]} ({prog}) listening after {vm.boot_s:.2f} s")
    except BaseException:
        for vm in vms:
            vm.stop()
        raise
    return vms


def round_robin(runs, measures, samples, errors, guests):
    """`runs` rounds after a warm-up; in each, every measure for every guest in turn."""
    for i in range(runs + 1):
        for key, fn in measures:
            for g in guests:
                if (g, key) in errors:
                    continue
                try:
                    value = fn(g, warm_up=i == 0)
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                    errors[(g, key)] = str(e)
                    progress(f"{GUEST_NAMES[g]} failed: {e}")
                    continue
                if i > 0:
                    for k, v in value.items():
                        samples[g].setdefault(k, []).append(v)


def run_benchmarks(runs=3, accel="tcg", mode="auto", quick=False, baseline=None):
    """Returns a result dict: {"ok": True, ...} or {"ok": False, "reason": ...}.
    `baseline`: a toolchain directory whose C servers run as a third guest."""
    size = dict(QUICK if quick else FULL)
    size["runs"] = runs if runs else size["runs"]
    started = time.monotonic()
    net = None
    vms = []
    try:
        progress("building the servers for both guests and the Linux guest's initramfs")
        art = build(accel)
        guests = GUESTS
        if baseline:
            art["before"] = build_baseline(baseline)
            guests = ALL_GUESTS
        net = Network(mode)
        if net.note:
            progress(net.note)
        samples = {g: {} for g in guests}
        errors = {}
        boot = {}
        idle = {}
        progress(f"network: {net.mode}; streams and latency (netserver), {size['runs']} runs")
        vms = boot_pair(art, net, accel, "netserver", guests)
        boot = {vm.guest: vm.boot_s for vm in vms}
        idle = idle_cpu(vms, size["idle_seconds"])
        progress("idle host CPU: " + ", ".join(f"{GUEST_NAMES[g]} {v:.1f}%" for g, v in idle.items()))

        def stream(g, warm_up):
            n = size["stream_bytes"] // (4 if warm_up else 1)
            a = measure_once(net, g, "in", n)
            b = measure_once(net, g, "out", n)
            c = measure_once(net, g, "rtt", size["round_trips"])
            return {"in_MBps": a["bytes"] / a["seconds"] / 1e6,
                    "out_MBps": b["bytes"] / b["seconds"] / 1e6,
                    "rtt_median_us": c["median_us"], "rtt_p99_us": c["p99_us"]}
        round_robin(size["runs"], [("stream", stream)], samples, errors,
                    [vm.guest for vm in vms])
        for vm in vms:
            try:
                measure_once(net, vm.guest, "quit", 0)
            except Exception:
                pass
            vm.stop()
        if shutil.which("wrk") is None:
            errors[("all", "http")] = "no wrk on the host (apt-get install wrk)"
        else:
            for prog in ("httpserver", "httpd"):
                progress(f"keep-alive HTTP, {PROGRAM_TITLES[prog]}: wrk with "
                         f"{', '.join(map(str, HTTP_CONNS))} connections, {size['runs']} runs")
                vms = boot_pair(art, net, accel, prog, guests)

                def http(conns, prog=prog):
                    def fn(g, warm_up):
                        secs = 1 if warm_up else size["wrk_seconds"]
                        return {f"{prog}_c{conns}_rps": wrk_once(net, g, conns, secs)}
                    return fn
                measures = [(f"{prog}{c}", http(c)) for c in HTTP_CONNS]
                if prog == "httpserver":
                    measures += close_measures(net, size)
                round_robin(size["runs"], measures, samples, errors, [vm.guest for vm in vms])
                for vm in vms:
                    vm.stop()
        if all(not samples[g] for g in guests):
            raise NetSkip("both guests failed: " + "; ".join(errors.values()))
        return {
            "ok": True, "mode": net.mode, "network": net.describe(), "note": net.note,
            "accel": accel, "runs": size["runs"], "quick": quick,
            "throughput_bytes": size["stream_bytes"], "round_trips": size["round_trips"],
            "wrk_seconds": size["wrk_seconds"], "idle_seconds": size["idle_seconds"],
            "kernel": art["kernel"], "kernel_version": art["kernel_version"],
            "linux_modules": art["modules"],
            "boot_to_listening_s": boot, "idle_cpu_percent": idle,
            "samples": samples, "errors": {f"{g}/{k}": v for (g, k), v in errors.items()},
            "baseline": baseline,
            "image_bytes": {"eremit": os.path.getsize(art["eremit"]["netserver"]),
                            "linux_kernel": os.path.getsize(art["kernel"]),
                            "linux_initramfs": os.path.getsize(art["initrd"])},
            "seconds": time.monotonic() - started,
        }
    except NetSkip as e:
        return {"ok": False, "mode": mode, "reason": str(e)}
    except Exception as e:  # an optional section must not end the whole benchmark run
        return {"ok": False, "mode": mode, "reason": f"{type(e).__name__}: {e}"}
    finally:
        for vm in vms:
            vm.stop()
        if net:
            net.cleanup()


# --- report -----------------------------------------------------------------------------------

def med(values):
    return statistics.median(values) if values else None


def report(res):
    lines = ["", f"## Network: Eremit against a Linux guest ({res.get('mode', '?')} networking)", ""]
    if not res.get("ok"):
        lines += [f"Skipped: {res.get('reason', 'unknown')}", ""]
        return "\n".join(lines) + "\n"
    s = res["samples"]
    mib = res["throughput_bytes"] >> 20
    lines += [
        f"The same servers in both guests, q35 with virtio-net-pci, 512 MiB, 1 vCPU, "
        f"{res['accel'].upper()}, the same QEMU options; network: {res['network']}. Medians of "
        f"{res['runs']} run{'s' if res['runs'] != 1 else ''} (after a warm-up), the guests "
        f"alternating{' (--quick)' if res.get('quick') else ''}. Ratio = Eremit / Linux guest.",
        "",
    ]
    before = "before" in s
    if lines[-1] == "":
        lines.pop()
    if before:
        lines[-1] += (f" Eremit before: the C servers built with {res['baseline']} (the kernel "
                      "before this branch's changes), run in the same rounds; after/before = "
                      "Eremit / Eremit before.")
        lines += ["", "| metric | Eremit | Linux guest | ratio | better | Eremit before | after/before |",
                  "|---|---|---|---|---|---|---|"]
    else:
        lines += ["", "| metric | Eremit | Linux guest | ratio | better |", "|---|---|---|---|---|"]

    def row(title, key, higher_better, fmt):
        e, l = med(s["eremit"].get(key, [])), med(s["linux"].get(key, []))
        extra = ""
        if before:
            b = med(s["before"].get(key, []))
            extra = (f" {fmt(b)} | {e / b:.2f} |" if b and e is not None else
                     f" {fmt(b) if b is not None else '-'} | - |")
        if e is None or l is None:
            lines.append(f"| {title} | {fmt(e) if e is not None else 'failed'} | "
                         f"{fmt(l) if l is not None else 'failed'} | - | - |{extra}")
            return
        r = e / l if l else float("inf")
        better = ("Eremit" if (r > 1) == higher_better else "Linux guest") if abs(r - 1) > 0.02 else "same"
        factor = r if r >= 1 else 1 / r
        lines.append(f"| {title} | {fmt(e)} | {fmt(l)} | {r:.2f} | {better}"
                     f"{f' ({factor:.1f}x)' if better != 'same' else ''} |{extra}")

    for prog in ("httpserver", "httpd"):
        for c in HTTP_CONNS:
            row(f"HTTP keep-alive, {PROGRAM_TITLES[prog]}, {c} connection{'s' if c > 1 else ''} (req/s)",
                f"{prog}_c{c}_rps", True, lambda v: f"{v:,.0f}")
    for c in HTTP_CONNS:
        row(f"HTTP `Connection: close`, C poll() server, {c} client{'s' if c > 1 else ''} (req/s)",
            f"close_c{c}_rps", True, lambda v: f"{v:,.0f}")
    row(f"TCP stream host -> guest ({mib} MiB)", "in_MBps", True, lambda v: f"{v:.1f} MB/s")
    row(f"TCP stream guest -> host ({mib} MiB)", "out_MBps", True, lambda v: f"{v:.1f} MB/s")
    row(f"request/response latency, 1 byte, median of {res['round_trips']}", "rtt_median_us",
        False, lambda v: f"{v:.0f} us")
    row("request/response latency, 99th percentile", "rtt_p99_us", False, lambda v: f"{v:.0f} us")
    b = res["boot_to_listening_s"]
    if b.get("eremit") and b.get("linux"):
        r = b["eremit"] / b["linux"]
        lines.append(f"| boot to listening (QEMU start to the server's first line) | "
                     f"{b['eremit'] * 1000:.0f} ms | {b['linux'] * 1000:.0f} ms | {r:.2f} | "
                     f"{'Eremit' if r < 1 else 'Linux guest'} ({max(r, 1 / r):.1f}x) |"
                     # The third guest's boot is not timed: its wait starts after the others'.
                     + (" - | - |" if before else ""))
    idle = res.get("idle_cpu_percent", {})
    if idle:
        lines.append(f"| idle guest's QEMU, host CPU over {res['idle_seconds']} s | "
                     f"{idle['eremit']:.1f}% | {idle['linux']:.1f}% | - | - |"
                     + (f" {idle['before']:.1f}% | - |" if before and "before" in idle else
                        (" - | - |" if before else "")))
    im = res["image_bytes"]
    lines += [
        "",
        "Notes:",
        f"- Linux guest: Debian's kernel {res['kernel_version']} ({os.path.basename(res['kernel'])}) "
        f"with an initramfs built by benches/drivers/netbench.py ({im['linux_initramfs']:,} B: "
        f"busybox-static, the modules {', '.join(m[:-3] for m in res['linux_modules'])}, an /init "
        "that configures eth0 and execs the server); the C servers (benches/net/netserver.c, "
        "benches/net/httpserver.c) built with `gcc -O2 -static` for it and x86_64-hermit-gcc for "
        "Eremit; the Rust server (examples-rust/httpd, a thread per connection) with rustc for "
        "x86_64-unknown-linux-gnu (static) and cargo for x86_64-unknown-hermit.",
        f"- HTTP: `wrk -t1 -cN -d{res['wrk_seconds']}s` on the host, GET / (a 33-byte body) on "
        "connections kept alive; `Connection: close`: the same with `-H 'Connection: close'`, a "
        "new connection per request. Streams: timed by a Python client from connect until the "
        "server's count (host -> guest) or the end of the stream (guest -> host); latency: "
        "1-byte ping-pong with TCP_NODELAY both sides.",
    ]
    if res["mode"] == "user":
        lines.append("- User-mode networking: slirp in the QEMU process carries every byte, and "
                     "its costs are in both columns.")
    if res.get("note"):
        lines.append(f"- {res['note']}.")
    if res["accel"] == "tcg":
        lines.append("- Both guests run translated code (TCG): the figures measure the guests' "
                     "network paths under emulation, not what they reach with KVM.")
    for k, err in res.get("errors", {}).items():
        lines.append(f"- {k} failed during the runs: {err}")
    per_run = "; ".join(
        f"{GUEST_NAMES[g]}: " + ", ".join(
            f"{k} " + "/".join(f"{v:.0f}" for v in vals) for k, vals in sorted(s[g].items()))
        for g in s)
    lines.append(f"- Every run: {per_run}.")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "client":
        host, port, what, amount = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
        print(json.dumps(client(host, port, what, amount)))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=0, help="runs per guest (default 3, --quick 1)")
    ap.add_argument("--quick", action="store_true",
                    help="one run, 3 s per wrk measurement, 16 MiB streams (a few minutes)")
    ap.add_argument("--accel", choices=("tcg", "kvm"), default="tcg")
    ap.add_argument("--baseline-toolchain", metavar="DIR",
                    help="also run the C servers built with DIR/bin/x86_64-hermit-gcc (another "
                         "worktree's build/toolchain: the kernel before a change) as a third "
                         "guest, for before/after figures in the same rounds")
    ap.add_argument("--net-mode", default="auto",
                    help="comma-separated: tap (a namespace with tap devices; root), user "
                         "(slirp), auto: tap, else user (default)")
    args = ap.parse_args()
    modes = args.net_mode.split(",")
    for m in modes:
        if m not in ("auto", "tap", "user"):
            ap.error(f"unknown network mode {m}")
    results = [run_benchmarks(args.runs, args.accel, m, args.quick, args.baseline_toolchain)
               for m in modes]
    text = "# Eremit network benchmarks\n" + "".join(report(r) for r in results)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results-net.md"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "results-net.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    sys.stdout.write(text)
    return 0 if all(r.get("ok") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
