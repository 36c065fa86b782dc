#!/usr/bin/env python3
"""Hermit's own examples and benchmarks on Eremit (docs/hermit-compat.md).

    scripts/hermit-compat.py HERMIT_RS_CHECKOUT [--scratch DIR] [--only NAME,...]
                             [--no-build] [--no-run]

Copies nothing into this repository: it clones the given hermit-rs checkout into a
scratch directory (default ~/.cache/eremit/hermit-compat-rs), makes the switch a Hermit
user makes (the `hermit` crate is Eremit's, the workspace's tokio/socket2 patches point
at `make compat-crates` output), builds each program one at a time into one target
directory and runs it under `eremit run`, driving servers from the host on 127.0.0.1.
Not part of `make test`: it needs a hermit-rs checkout and takes a while under TCG.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EREMIT = ROOT / "build/toolchain/bin/eremit"
COMPAT = ROOT / "build/compat"

# Per program: extra cargo arguments, extra environment and its own target directory.
# hermit-wasm loads its module from /root, Hermit's virtio-fs mount point: its own `fs`
# feature turns virtio-fs on (as hermit-rs's CI builds it). rftrace-example records only
# functions compiled with mcount calls: `-Zinstrument-mcount` as rftrace's README says;
# those flags reach std too (-Zbuild-std), so it gets a target directory of its own and
# does not invalidate the other programs' std.
BUILD_ARGS = {"hermit-wasm": ["--features", "fs"]}
BUILD_ENV = {"rftrace-example": {"RUSTFLAGS": "-Zinstrument-mcount"}}
OWN_TARGET = {"rftrace-example": "target-rftrace"}

# Programs left unbuilt, with the reason the table shows (none since hermit-wasm builds).
SKIP_BUILD = {}


def sh(cmd, **kw):
    print("+", " ".join(map(str, cmd)) if isinstance(cmd, list) else cmd, flush=True)
    return subprocess.run(cmd, **kw)


def prepare(src: Path, scratch: Path):
    if not scratch.exists():
        sh(["git", "clone", "-q", str(src), str(scratch)], check=True)
    ws = scratch / "Cargo.toml"
    text = ws.read_text()
    if "build/compat/tokio" not in text:
        text = re.sub(r'^socket2 = \{ git = .*$', f'socket2 = {{ path = "{COMPAT}/socket2" }}', text, flags=re.M)
        text = re.sub(r'^tokio = \{ git = .*$',
                      f'tokio = {{ path = "{COMPAT}/tokio" }}\n'
                      f'mio = {{ path = "{COMPAT}/mio" }}\n'
                      f'parking_lot_core = {{ path = "{COMPAT}/parking_lot_core" }}', text, flags=re.M)
        text += ('\n# Eremit: hermit/ is a link to <eremit>/hermit, whose manifest inherits these\n'
                 '[workspace.package]\nedition = "2024"\nlicense = "MIT OR Apache-2.0"\n')
        ws.write_text(text)
    herm = scratch / "hermit"
    if not herm.is_symlink():
        shutil.rmtree(herm)
        herm.symlink_to(ROOT / "hermit")
    # hermit-rs's Cargo.lock pins a mio that the patch does not replace ("patch was not
    # used in the crate graph"): do what cargo advises.
    with open(COMPAT / "mio/Cargo.toml", "rb") as f:
        mio = tomllib.load(f)["package"]["version"]
    with open(scratch / "Cargo.lock", "rb") as f:
        locked = [p["version"] for p in tomllib.load(f).get("package", []) if p["name"] == "mio"]
    env = dict(os.environ, RUSTUP_TOOLCHAIN=os.environ.get("RUSTUP_TOOLCHAIN", "nightly"))
    for v in locked:
        if v != mio:
            sh(["cargo", "update", "-p", f"mio@{v}", "--precise", mio], cwd=scratch, env=env, check=True)


def target_dir(scratch: Path, name: str) -> Path:
    return scratch / OWN_TARGET.get(name, "target")


def image(scratch: Path, name: str) -> Path:
    return target_dir(scratch, name) / "x86_64-unknown-hermit/release" / name


def build(scratch: Path, name: str, log: Path):
    load = os.getloadavg()[0]
    cmd = ["cargo", "build", "-p", name, "--target", "x86_64-unknown-hermit",
           "-Zbuild-std=std,panic_abort", "-Zbuild-std-features=compiler-builtins-mem", "--release",
           *BUILD_ARGS.get(name, [])]
    if load > 4:
        cmd[2:2] = ["-j", "1"]
    env = dict(os.environ, RUSTUP_TOOLCHAIN=os.environ.get("RUSTUP_TOOLCHAIN", "nightly"),
               CARGO_TARGET_DIR=str(target_dir(scratch, name)), **BUILD_ENV.get(name, {}))
    t = time.time()
    with open(log, "w") as f:
        # hermit-wasm (wasmtime + cranelift) takes about an hour on a busy 2-CPU host.
        r = sh(cmd, cwd=scratch, env=env, stdout=f, stderr=subprocess.STDOUT, timeout=7200)
    err = ""
    if r.returncode:
        for line in log.read_text().splitlines():
            if line.startswith("error"):
                err = line
                break
    return r.returncode == 0, time.time() - t, err


def run(image, *args, opts=(), stdin=subprocess.DEVNULL, timeout=120):
    cmd = [str(EREMIT), "run", "--timeout", str(timeout), *opts, str(image), *args]
    r = sh(cmd, stdin=stdin if not isinstance(stdin, bytes) else None,
           input=stdin if isinstance(stdin, bytes) else None, capture_output=True, timeout=timeout + 30)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


class Server:
    """eremit run in the background, with forwards; stopped by its pid."""

    def __init__(self, image, *args, opts=(), timeout=120):
        self.cmd = [str(EREMIT), "run", "--timeout", str(timeout), *opts, str(image), *args]
        print("+", " ".join(self.cmd), "&", flush=True)
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(4)

    def finish(self, wait=15):
        try:
            out, err = self.p.communicate(timeout=wait)
        except subprocess.TimeoutExpired:
            self.p.terminate()
            out, err = self.p.communicate()
        return self.p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def tcp(port, chunks, read_first=0, pause=0.5):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    got = s.recv(read_first) if read_first else b""
    for c in chunks:
        s.sendall(c)
        time.sleep(pause)
    s.close()
    return got


def udp(port, msgs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    out = []
    for m in msgs:
        s.sendto(m, ("127.0.0.1", port))
        out.append(s.recvfrom(70000)[0])
    return out


def curl(*args):
    r = subprocess.run(["curl", "-s", "-m", "20", "-w", " [%{http_code}]", *args], capture_output=True)
    return r.stdout.decode(errors="replace")


def bench_figures(text):
    return "; ".join(f"{g + '/' if g else ''}{n}: {float(v):.4g} {u}" for n, u, v, g in
                     re.findall(r'name: (.*)\nunit: (.*)\nvalue: (.*)\nplot_group: ?(.*)\n', text))


def tail(s, n=3):
    """The panic message if there is one, else the last n lines (without backtraces)."""
    m = re.search(r"panicked at .*\n.*", s)
    if m:
        return m.group(0).replace("\n", " ")
    lines = [l for l in s.strip().splitlines() if not l.lstrip().startswith("#") and "backtrace" not in l]
    return " | ".join(lines[-n:])


NET = ["--net", "user"]


def stub_dns():
    """A DNS server on 127.0.0.1:53 answering A with 192.0.2.7 and AAAA with 2001:db8::7
    for any name, until its socket is closed."""
    import threading
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 53))
    # A thread blocked in recvfrom would keep the port bound after close().
    s.settimeout(0.5)

    def serve():
        while True:
            try:
                q, peer = s.recvfrom(512)
            except socket.timeout:
                continue
            except OSError:
                return
            i = 12
            while i < len(q) and q[i]:
                i += q[i] + 1
            qtype = int.from_bytes(q[i + 1:i + 3], "big")
            data = {1: socket.inet_aton("192.0.2.7"),
                    28: socket.inet_pton(socket.AF_INET6, "2001:db8::7")}.get(qtype)
            if data is None:
                continue
            answer = (b"\xc0\x0c" + qtype.to_bytes(2, "big") + b"\x00\x01" + (60).to_bytes(4, "big")
                      + len(data).to_bytes(2, "big") + data)
            s.sendto(q[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + q[12:i + 5] + answer, peer)

    threading.Thread(target=serve, daemon=True).start()
    return s


def host_tree(d: Path) -> Path:
    """A small host directory for the programs that read Hermit's /root volume."""
    shutil.rmtree(d, ignore_errors=True)
    (d / "sub").mkdir(parents=True)
    (d / "index.html").write_text("<html><body>Hello from the host's directory</body></html>\n")
    (d / "hello.txt").write_text("Hello from the host\n")
    (d / "sub" / "inner.txt").write_text("inside a subdirectory\n")
    os.symlink("hello.txt", d / "link.txt")
    return d


def drive(name, img, scratch):
    """Runs one program; returns a one-line result."""
    if name == "stdin":
        data = os.urandom(3 << 20)
        rc, out, _ = run(img, stdin=b"hello from the host\n")
        r = subprocess.run([str(EREMIT), "run", "--timeout", "60", str(img)], input=data, capture_output=True)
        return f"exit {rc}, echoed {out!r}; 3 MiB random bytes back intact: {r.stdout == data}"
    if name == "fuse_test":
        # Hermit mounts its virtio-fs volume at /root: a host directory with a file, a
        # subdirectory and a link, mounted there with --volume.
        vol = host_tree(scratch / "fuse_test-root")
        rc, out, err = run(img, opts=["--volume", f"{vol}:/root"], timeout=60)
        return f"exit {rc}: {tail(out + err, 2)}; new_dir removed again: {not (vol / 'new_dir').exists()}"
    if name == "initramfs-test":
        # Its file comes from an initramfs or a virtio-fs volume at /root: here the
        # example's own directory, mounted with --volume.
        vol = scratch / "examples/initramfs-test/initramfs/root"
        rc, out, err = run(img, opts=["--volume", f"{vol}:/root:ro"], timeout=60)
        return f"exit {rc}: {tail(out + err, 2)}"
    if name == "rftrace-example":
        # It dumps a uftrace data directory to /root/tracedir (Hermit's virtio-fs mount):
        # an empty host directory there; then the symbols beside it as its output asks
        # (`nm -n`), and uftrace itself reads the dump back when the host has it.
        vol = scratch / "rftrace-root"
        shutil.rmtree(vol, ignore_errors=True)
        (vol / "tracedir").mkdir(parents=True)
        rc, out, err = run(img, opts=["--volume", f"{vol}:/root"], timeout=120)
        trace = vol / "tracedir"
        files = sorted(f.name for f in trace.iterdir())
        res = f"exit {rc}: {tail(out + err, 1)}; /root/tracedir: {' '.join(files)}"
        if shutil.which("uftrace") and (trace / "info").exists():
            with open(trace / "rftrace-example.sym", "w") as f:
                subprocess.run(["nm", "-n", "--demangle", str(img)], stdout=f, check=True)
            r = subprocess.run(["uftrace", "replay", "-d", str(trace)], capture_output=True, text=True)
            fns = [l.split("|")[-1].strip() for l in r.stdout.splitlines() if "|" in l]
            nested = fns[:3] == ["rftrace_example::f1() {", "rftrace_example::f2() {", "rftrace_example::f3();"]
            res += f"; uftrace replay exit {r.returncode}, f1 > f2 > f3: {nested}: {' '.join(fns[:8])}"
        return res
    if name == "hermit-wasm":
        # Its module is hermit-rs's wasm-test built for wasm32-wasip1 (as its README says),
        # at /root/wasm-test.wasm on a host directory.
        env = {k: v for k, v in os.environ.items() if k != "RUSTUP_TOOLCHAIN"}
        env.update(RUSTUP_TOOLCHAIN="stable", CARGO_TARGET_DIR=str(scratch / "target-wasm32"))
        sh(["cargo", "build", "-p", "wasm-test", "--target", "wasm32-wasip1", "--release"],
           cwd=scratch, env=env, check=True)
        vol = scratch / "hermit-wasm-root"
        shutil.rmtree(vol, ignore_errors=True)
        vol.mkdir()
        shutil.copy(scratch / "target-wasm32/wasm32-wasip1/release/wasm-test.wasm", vol)
        rc, out, err = run(img, "/root/wasm-test.wasm", opts=["--volume", f"{vol}:/root:ro", "--memory", "2G"],
                           timeout=900)
        return f"exit {rc}: {tail(out + err, 4)}"
    if name in ("hello_world", "thread_test", "tokio-minimal", "startup_benchmark",
                "vsock", "loopback"):
        rc, out, err = run(img, timeout=60)
        return f"exit {rc}: {tail(out + err, 2)}"
    if name == "rusty_demo":
        res = []
        for cpus in ("1", "2"):
            rc, out, err = run(img, opts=["--cpus", cpus], timeout=300)
            res.append(f"--cpus {cpus}: exit {rc}, " + " ".join(re.findall(r"Measured time.*|available_parallelism.*|panicked at.*", err)))
        return "; ".join(res)
    if name == "wasm-test":
        rc, out, err = run(img, timeout=600)
        return f"exit {rc}: {tail(out + err, 3)}"
    if name in ("alloc_benchmarks", "micro_benchmarks", "multithreaded_benchmark", "mutex_benchmark"):
        rc, out, err = run(img, opts=["--cpus", "2"], timeout=600)
        return f"exit {rc}: {bench_figures(out)}"
    if name == "dns":
        # This machine has no DNS: a stub on the host's 127.0.0.1:53 (the guest's
        # 10.0.2.2) answers every A query with 192.0.2.7 and every AAAA with 2001:db8::7.
        stub = stub_dns()
        try:
            rc, out, err = run(img, opts=NET + ["--ip", "10.0.2.15/24", "--gateway", "10.0.2.2",
                                                "--dns", "10.0.2.2"], timeout=60)
        finally:
            stub.close()
        return f"exit {rc}: {tail(out + err, 3)}"
    if name == "httpd":
        s = Server(img, opts=NET + ["--forward", "tcp:9975:9975"])
        a = curl("http://127.0.0.1:9975/")
        rc, out, err = s.finish(1)
        return f"GET / -> {a!r}"
    if name == "testtcp":
        s = Server(img, opts=NET + ["--forward", "tcp:9975:9975"])
        tcp(9975, [b"hello\n", b"second line\n"])
        rc, out, err = s.finish()
        return f"exit {rc}: {out!r}"
    if name == "testudp":
        s = Server(img, opts=NET + ["--forward", "udp:9975:9975"])
        ans = udp(9975, [b"hello udp\n", b"exit\n"])
        rc, out, err = s.finish()
        return f"exit {rc}, answers {ans}, guest: {out!r}"
    if name == "mioudp":
        s = Server(img, opts=NET + ["--forward", "udp:9975:9975"])
        ans = udp(9975, [b"hello mio udp\n", b"exit\n"])
        rc, out, err = s.finish()
        return f"exit {rc}, answers {ans}"
    if name == "miotcp":
        s = Server(img, opts=NET + ["--forward", "tcp:9975:9975"])
        w1 = tcp(9975, [b"hello mio\n"], read_first=100)
        tcp(9975, [b"exit\n"], read_first=100, pause=1)
        rc, out, err = s.finish()
        return f"exit {rc}, welcome {w1!r}, guest: {tail(out, 4)}"
    if name == "poll":
        s = Server(img, opts=NET + ["--forward", "tcp:9975:9975", "--forward", "tcp:9976:9976"])
        a = socket.create_connection(("127.0.0.1", 9975), timeout=10)
        b = socket.create_connection(("127.0.0.1", 9976), timeout=10)
        for sock, m in ((a, b"from 9975\n"), (b, b"from 9976\n"), (a, b"exit\n")):
            sock.sendall(m)
            time.sleep(0.5)
        rc, out, err = s.finish()
        return f"exit {rc}: {tail(out, 5)}"
    if name == "axum-example":
        s = Server(img, opts=NET + ["--forward", "tcp:9975:9975"])
        a = curl("http://127.0.0.1:9975/")
        b = curl("http://127.0.0.1:9975/bytes?len=64")
        big = subprocess.run(["curl", "-s", "-m", "30", "http://127.0.0.1:9975/bytes?len=1000000"], capture_output=True).stdout
        s.finish(1)
        return f"GET / -> {a!r}; /bytes?len=64 -> {b!r}; len=1000000 -> {len(big)} bytes"
    if name == "webserver":
        # It serves files from /root: a host directory mounted there with --volume.
        vol = host_tree(scratch / "webserver-root")
        s = Server(img, opts=NET + ["--forward", "tcp:9975:9975", "--volume", f"{vol}:/root"])
        a = curl("http://127.0.0.1:9975/")
        b = curl("-d", "Hello World", "http://127.0.0.1:9975/echo")
        s.finish(1)
        return f"GET / -> {a!r}; POST /echo -> {b!r}"
    if name == "tls":
        s = Server(img, opts=NET + ["--forward", "tcp:9975:9975"], timeout=300)
        time.sleep(4)
        a = curl("--insecure", "https://127.0.0.1:9975/")
        b = curl("--insecure", "-d", "Hello World", "https://127.0.0.1:9975/echo")
        rc, out, err = s.finish(1)
        return f"GET / -> {a!r}; POST /echo -> {b!r}"
    if name == "rust-tcp-io-perf":
        native = scratch / "target/release/rust-tcp-io-perf"
        if not native.exists():
            sh(["cargo", "build", "-p", "rust-tcp-io-perf", "--release"], cwd=scratch, check=True)
        res = []
        for bench, args in (("bw", ["--bytes", "1048576", "--rounds", "100"]),
                            ("latency", ["--bytes", "64", "--rounds", "2000", "--warmup", "10"])):
            srv = subprocess.Popen([str(native), bench, "tcp", "server", "--address", "127.0.0.1", *args],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            time.sleep(1)
            rc, out, err = run(img, bench, "tcp", "client", "--address", "10.0.2.2", *args, opts=NET, timeout=300)
            try:
                sout = srv.communicate(timeout=30)[0].decode(errors="replace")
            except subprocess.TimeoutExpired:
                srv.kill()
                sout = srv.communicate()[0].decode(errors="replace")
            res.append(f"{bench}: guest exit {rc}: {bench_figures(out) or tail(out + err)}; host server: {bench_figures(sout) or tail(sout)}")
        return "; ".join(res)
    return "not driven"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hermit_rs")
    ap.add_argument("--scratch", default=str(Path.home() / ".cache/eremit/hermit-compat-rs"))
    ap.add_argument("--only")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--no-run", action="store_true")
    a = ap.parse_args()
    scratch = Path(a.scratch)
    if not EREMIT.exists():
        sys.exit(f"{EREMIT} missing: run `make toolchain` first")
    if not (COMPAT / "tokio").exists():
        sh(["make", "-C", str(ROOT), "compat-crates"], check=True)
    # uftrace and the rustup targets rftrace-example's and hermit-wasm's builds need.
    subprocess.run([str(ROOT / "scripts/ensure-deps.sh"), "hermit-compat"], check=True)
    prepare(Path(a.hermit_rs), scratch)
    names = sorted(p.name for d in ("examples", "benches") for p in (scratch / d).iterdir() if (p / "Cargo.toml").exists())
    if a.only:
        names = [n for n in names if n in a.only.split(",")]
    logs = scratch / "eremit-logs"
    logs.mkdir(exist_ok=True)
    rows = []
    for n in names:
        if n in SKIP_BUILD:
            rows.append((n, "not built", SKIP_BUILD[n]))
            continue
        if not a.no_build:
            ok, secs, err = build(scratch, n, logs / f"{n}.build")
            if not ok:
                rows.append((n, "no", f"{err} (build log {logs / n}.build)"))
                continue
        if a.no_run:
            rows.append((n, "yes", ""))
            continue
        try:
            res = drive(n, image(scratch, n), scratch)
        except Exception as e:  # a driver failing is a result too
            res = f"driver: {type(e).__name__}: {e}"
        rows.append((n, "yes", res))
        print(f"== {n}: {res}", flush=True)
    print("\n| program | builds | result |\n|---|---|---|")
    for r in rows:
        print("| " + " | ".join(x.replace("|", "/").replace("\n", " ") for x in r) + " |")


if __name__ == "__main__":
    main()
