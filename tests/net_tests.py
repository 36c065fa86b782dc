#!/usr/bin/env python3
"""Network tests: boots examples-rust/httpd with `eremit run --net user --forward` and
talks to it with curl and Python sockets (a small page, a 4 MiB body checked byte for
byte, 20 concurrent requests, keep-alive), on microvm (virtio-mmio) and q35 (virtio-pci);
runs tests/apps/net-client in the guest against servers on the host (QEMU user
networking: the host is 10.0.2.2), which fetches 1 MiB and checks socket behaviour.
Prints measurements (requests/s, MB/s, idle host CPU of a networked guest) and ends with
'N passed, N failed'. All traffic stays on this machine (loopback and QEMU's user
network)."""

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EREMIT = os.path.join(ROOT, "build", "toolchain", "bin", "eremit")
EXAMPLES = os.path.join(ROOT, "examples-rust")
APPS = os.path.join(ROOT, "tests", "apps")
HTTPD = os.path.join(EXAMPLES, "target", "x86_64-unknown-hermit", "release", "httpd")
NET_CLIENT = os.path.join(APPS, "target", "x86_64-unknown-hermit", "release", "net-client")
HERMIT_BUILD = ["cargo", "build", "--release", "-q", "-Zbuild-std=std,panic_abort",
                "-Zbuild-std-features=compiler-builtins-mem", "--target", "x86_64-unknown-hermit"]
BIG = 4 << 20

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, finish, free_port, measure, measurements, pattern  # noqa: E402


def ensure_curl():
    if shutil.which("curl"):
        return
    print("net-tests: installing curl", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "curl"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def build():
    print("net-tests: building examples-rust/httpd and tests/apps/net-client", flush=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "httpd"], cwd=EXAMPLES, check=True)
    subprocess.run(HERMIT_BUILD + ["-p", "net-client"], cwd=APPS, check=True)


class Guest:
    """An `eremit run` in the background, its stdout lines collected."""

    def __init__(self, image, args=(), opts=(), timeout=240):
        cmd = [EREMIT, "run", "--timeout", str(timeout), *opts, image, *args]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.lines = queue.Queue()
        self.out = []
        self.err = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.out, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.err, False), daemon=True).start()

    def _pump(self, pipe, keep, to_queue):
        for raw in pipe:
            line = raw.decode(errors="replace")
            keep.append(line)
            if to_queue:
                self.lines.put(line)

    def wait_line(self, needle, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    return None
                continue
            if needle in line:
                return line
        return None

    def qemu_pid(self):
        try:
            out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
            return int(out.split()[0])
        except (IndexError, ValueError):
            return None

    def finish(self, timeout=60):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        time.sleep(0.1)
        return self.proc.returncode, "".join(self.out), "".join(self.err)


def http_get(port, path, keep_alive=False, timeout=30):
    """One request on a new connection with Python sockets: (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        conn = "keep-alive" if keep_alive else "close"
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: eremit\r\nConnection: {conn}\r\n\r\n".encode())
        return read_response(s.makefile("rb"))


def read_response(f):
    status = f.readline().decode().strip()
    headers = {}
    while True:
        line = f.readline().decode().strip()
        if not line:
            break
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    body = f.read(int(headers.get("content-length", "0")))
    return status, headers, body


def curl(url, out=None, timeout=60):
    cmd = ["curl", "-s", "-S", "-m", str(timeout), "-o", out or "-", "-w", "\n%{http_code} %{time_total}", url]
    p = subprocess.run(cmd, capture_output=True, timeout=timeout + 10)
    return p


def httpd_suite(machine, cpus=1, full=True):
    port = free_port()
    label = f"{machine}" + (f", {cpus} vCPUs" if cpus > 1 else "")
    g = Guest(HTTPD, opts=["--net", "user", "--forward", f"tcp:{port}:8080", "--machine", machine,
                           "--cpus", str(cpus)])
    up = g.wait_line("listening on", timeout=90)
    check(f"httpd on {label}: starts and listens", up is not None, "".join(g.err)[-2000:])
    if up is None:
        g.proc.kill()
        g.finish()
        return

    p = curl(f"http://127.0.0.1:{port}/")
    text = p.stdout.decode(errors="replace")
    page, _, status_line = text.rpartition("\n")
    check(f"httpd on {label}: curl / answers 200 with the page",
          p.returncode == 0 and status_line.split()[:1] == ["200"] and "Hello from Eremit!" in page,
          text + p.stderr.decode(errors="replace"))

    big_path = f"/tmp/eremit-net-big-{os.getpid()}"
    p = curl(f"http://127.0.0.1:{port}/big", out=big_path)
    body = open(big_path, "rb").read() if os.path.exists(big_path) else b""
    if os.path.exists(big_path):
        os.unlink(big_path)
    code_time = p.stdout.decode().split()  # "200 0.05" (the body went to the file)
    ok = p.returncode == 0 and code_time[:1] == ["200"] and body == pattern(BIG)
    check(f"httpd on {label}: curl /big: 4 MiB intact", ok,
          f"curl exit {p.returncode}, {p.stdout!r}, {len(body)} bytes, {p.stderr!r}")
    if ok:
        secs = float(code_time[1])
        measure(f"{label}: 4 MiB over HTTP (guest -> host) in {secs * 1000:.0f} ms: {BIG / secs / 1e6:.1f} MB/s")

    status, headers, body = http_get(port, "/nowhere")
    check(f"httpd on {label}: Python socket, unknown path gives 404", status.startswith("HTTP/1.1 404"), status)

    # 20 requests at once, each on its own connection.
    procs = [subprocess.Popen(["curl", "-s", "-m", "60", "-o", "/dev/null", "-w", "%{http_code}",
                               f"http://127.0.0.1:{port}/"], stdout=subprocess.PIPE) for _ in range(20)]
    start = time.monotonic()
    codes = [p.communicate(timeout=90)[0].decode() for p in procs]
    secs = time.monotonic() - start
    check(f"httpd on {label}: 20 concurrent requests all answered 200", codes == ["200"] * 20, codes)
    # QEMU's user network listens for forwarded connections with a backlog of 1: when
    # the host drops a SYN, the client retries after a second.
    measure(f"{label}: 20 concurrent curl requests answered in {secs * 1000:.0f} ms")

    if full:
        # Sequential requests, a new connection each, and keep-alive on one connection.
        n = 200
        start = time.monotonic()
        ok = all(http_get(port, "/")[0].startswith("HTTP/1.1 200") for _ in range(n))
        secs = time.monotonic() - start
        check(f"httpd on {label}: {n} sequential requests (new connection each)", ok)
        measure(f"{label}: {n / secs:.0f} requests/s, one connection per request (Python client)")

        n = 1000
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            f = s.makefile("rb")
            start = time.monotonic()
            good = 0
            for _ in range(n):
                s.sendall(b"GET / HTTP/1.1\r\nHost: eremit\r\n\r\n")
                status, _, body = read_response(f)
                good += status.startswith("HTTP/1.1 200") and b"Eremit" in body
            secs = time.monotonic() - start
        check(f"httpd on {label}: {n} keep-alive requests on one connection", good == n, f"{good} good")
        measure(f"{label}: {n / secs:.0f} requests/s on one keep-alive connection")

        # Idle: a networked guest waiting for connections must not spin.
        pid = g.qemu_pid()
        if pid:
            def cpu_ticks():
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                return int(fields[11]) + int(fields[12])
            time.sleep(1)
            t0, w0 = cpu_ticks(), time.monotonic()
            time.sleep(5)
            t1, w1 = cpu_ticks(), time.monotonic()
            share = (t1 - t0) / os.sysconf("SC_CLK_TCK") / (w1 - w0) * 100
            check(f"httpd on {label}: idle guest uses < 5% of a host CPU", share < 5, f"{share:.1f}%")
            measure(f"{label}: idle host CPU of the waiting guest: {share:.2f}%")

    status, _, body = http_get(port, "/quit")
    code, out, err = g.finish()
    check(f"httpd on {label}: /quit ends the program with exit code 0",
          status.startswith("HTTP/1.1 200") and code == 0, f"exit {code}\n{err[-2000:]}")


class HostServer:
    """TCP and UDP servers on 127.0.0.1 for the guest (which reaches them at 10.0.2.2)."""

    def __init__(self):
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(64)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp_port = self.udp.getsockname()[1]
        self.closed_port = free_port()
        self.stop = False
        threading.Thread(target=self._accept, daemon=True).start()
        threading.Thread(target=self._udp, daemon=True).start()

    def _accept(self):
        self.tcp.settimeout(0.5)
        while not self.stop:
            try:
                c, _ = self.tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        try:
            c.settimeout(60)
            f = c.makefile("rb")
            line = f.readline().decode().strip()
            if line.startswith("GET "):
                c.sendall(pattern(int(line.split()[1])))
            elif line == "SILENT":
                time.sleep(5)
            elif line == "ECHO":
                while True:
                    data = f.read1(65536)
                    if not data:
                        break
                    c.sendall(data)
            c.shutdown(socket.SHUT_WR)
            c.recv(1)
        except OSError:
            pass
        finally:
            c.close()

    def _udp(self):
        self.udp.settimeout(0.5)
        while not self.stop:
            try:
                data, addr = self.udp.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            self.udp.sendto(b"pong:" + data, addr)

    def close(self):
        self.stop = True
        self.tcp.close()
        self.udp.close()


def client_suite():
    server = HostServer()
    try:
        for machine in ("microvm", "q35"):
            g = Guest(NET_CLIENT, args=["fetch", "10.0.2.2", str(server.port), str(1 << 20)],
                      opts=["--net", "user", "--machine", machine], timeout=120)
            code, out, err = g.finish(timeout=150)
            check(f"net-client on {machine}: fetches 1 MiB from a host server, intact",
                  code == 0 and "fetch ok 1048576 bytes" in out, f"exit {code}\n{out}\n{err[-2000:]}")
            for line in out.splitlines():
                if line.startswith("fetch ok"):
                    measure(f"{machine}: guest downloads 1 MiB (host -> guest): {line[len('fetch ok '):]}")

        g = Guest(NET_CLIENT, args=["checks", "10.0.2.2", str(server.port), str(server.udp_port),
                                    str(server.closed_port)], opts=["--net", "user", "--cpus", "2"], timeout=120)
        code, out, err = g.finish(timeout=150)
        lines = [l for l in out.splitlines() if l.startswith(("ok ", "FAIL "))]
        for l in lines:
            name = l.split(":", 1)[0][3:] if l.startswith("ok ") else l[5:].split(":", 1)[0]
            check(f"net-client checks: {name}", l.startswith("ok "), l)
        check("net-client checks: all ran, exit code 0", code == 0 and len(lines) >= 11,
              f"exit {code}, {len(lines)} checks\n{out}\n{err[-2000:]}")
    finally:
        server.close()


def no_network():
    # Without --net the kernel boots as before and sockets report it.
    g = Guest(NET_CLIENT, args=["fetch", "10.0.2.2", "1", "1"], opts=["--net", "none"], timeout=60)
    code, out, err = g.finish(timeout=90)
    check("without --net: connect fails cleanly (no hang, no crash)",
          code == 1 and "fetch FAILED: connect:" in out, f"exit {code}\n{out}\n{err[-1000:]}")


def main():
    ensure_curl()
    build()
    httpd_suite("microvm")
    httpd_suite("q35", full=False)
    httpd_suite("microvm", cpus=2, full=False)
    client_suite()
    no_network()
    if measurements:
        print("\nmeasurements:")
        for m in measurements:
            print("  " + m)
    print()
    sys.exit(finish())


if __name__ == "__main__":
    main()
