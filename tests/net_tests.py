#!/usr/bin/env python3
"""Network tests: boots examples-rust/httpd with `eremit run --net user --forward` and
talks to it with curl and Python sockets (a small page, a 4 MiB body checked byte for
byte, 20 concurrent requests, keep-alive), on microvm (virtio-mmio) and q35 (virtio-pci);
runs tests/apps/net-client in the guest against servers on the host (QEMU user
networking: the host is 10.0.2.2), which fetches 1 MiB and checks socket behaviour.
The passt case does the same with `--net passt` (the passt daemon, when installed).
Prints measurements (requests/s, MB/s, idle host CPU of a networked guest) and ends with
'N passed, N failed'. All traffic stays on this machine (loopback and QEMU's user
network)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import (APPS, EREMIT, EXAMPLES_RUST, HERMIT_BUILD, HERMIT_TARGET, Guest, HostServers,  # noqa: E402
                     Suite, check, ensure_curl, skip, start_server, free_port, measure, once, pattern, run, serve_commands)

HTTPD = os.path.join(EXAMPLES_RUST, "target", HERMIT_TARGET, "release", "httpd")
NET_CLIENT = os.path.join(APPS, "target", HERMIT_TARGET, "release", "net-client")
BIG = 4 << 20

suite = Suite("net", requires=[EREMIT], hint="run `make toolchain` first")


@once
def build():
    ensure_curl()
    print("net-tests: building examples-rust/httpd and tests/apps/net-client", flush=True)
    for cmd, cwd in ((["cargo", "build", "--release", "-q", "-p", "httpd"], EXAMPLES_RUST),
                     (HERMIT_BUILD + ["-q", "-p", "net-client"], APPS)):
        p = run(cmd, cwd=cwd, timeout=3600)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-4000:]}")


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


def curl_page_and_big(who, page_check, port, measure_label):
    """curl's GET / (httpd's page, status 200) and GET /big (4 MiB, intact, timed) from the
    httpd guest forwarded at `port`; `who` prefixes the checks' names."""
    p = curl(f"http://127.0.0.1:{port}/")
    text = p.stdout.decode(errors="replace")
    page, _, status_line = text.rpartition("\n")
    check(f"{who}: {page_check}",
          p.returncode == 0 and status_line.split()[:1] == ["200"] and "Hello from Eremit!" in page,
          text + p.stderr.decode(errors="replace"))
    big_path = f"/tmp/eremit-net-big-{os.getpid()}"
    p = curl(f"http://127.0.0.1:{port}/big", out=big_path)
    body = open(big_path, "rb").read() if os.path.exists(big_path) else b""
    if os.path.exists(big_path):
        os.unlink(big_path)
    code_time = p.stdout.decode().split()  # "200 0.05" (the body went to the file)
    ok = p.returncode == 0 and code_time[:1] == ["200"] and body == pattern(BIG)
    check(f"{who}: curl /big: 4 MiB intact", ok,
          f"curl exit {p.returncode}, {p.stdout!r}, {len(body)} bytes, {p.stderr!r}")
    if ok:
        secs = float(code_time[1])
        measure(f"{measure_label}: 4 MiB over HTTP (guest -> host) in {secs * 1000:.0f} ms: "
                f"{BIG / secs / 1e6:.1f} MB/s")


def httpd_suite(machine, cpus=1, full=True):
    build()
    port = free_port()
    label = f"{machine}" + (f", {cpus} vCPUs" if cpus > 1 else "")
    g = start_server(f"httpd on {label}: starts and listens", HTTPD, ready="listening on",
                     opts=["--net", "user", "--forward", f"tcp:{port}:8080", "--machine", machine,
                           "--cpus", str(cpus)])
    if g is None:
        return

    curl_page_and_big(f"httpd on {label}", "curl / answers 200 with the page", port, label)

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
        share = g.idle_cpu_percent(5)
        if share is not None:
            check(f"httpd on {label}: idle guest uses < 5% of a host CPU", share < 5, f"{share:.1f}%")
            measure(f"{label}: idle host CPU of the waiting guest: {share:.2f}%")

    status, _, body = http_get(port, "/quit")
    code, out, err = g.finish()
    check(f"httpd on {label}: /quit ends the program with exit code 0",
          status.startswith("HTTP/1.1 200") and code == 0, f"exit {code}\n{err[-2000:]}")


suite.add("httpd-microvm", httpd_suite, "microvm")
suite.add("httpd-q35", httpd_suite, "q35", full=False)
suite.add("httpd-microvm-2cpus", httpd_suite, "microvm", cpus=2, full=False)


@suite.case("client-fetch")
def client_fetch():
    build()
    with HostServers(serve_commands) as server:
        for machine in ("microvm", "q35"):
            g = Guest(NET_CLIENT, args=["fetch", "10.0.2.2", str(server.port), str(1 << 20)],
                      opts=["--net", "user", "--machine", machine], timeout=120)
            code, out, err = g.finish(timeout=150)
            check(f"net-client on {machine}: fetches 1 MiB from a host server, intact",
                  code == 0 and "fetch ok 1048576 bytes" in out, f"exit {code}\n{out}\n{err[-2000:]}")
            for line in out.splitlines():
                if line.startswith("fetch ok"):
                    measure(f"{machine}: guest downloads 1 MiB (host -> guest): {line[len('fetch ok '):]}")


@suite.case("client-checks")
def client_checks():
    build()
    with HostServers(serve_commands) as server:
        g = Guest(NET_CLIENT, args=["checks", "10.0.2.2", str(server.port), str(server.udp_port),
                                    str(server.closed_port)], opts=["--net", "user", "--cpus", "2"], timeout=120)
        code, out, err = g.finish(timeout=150)
        lines = [l for l in out.splitlines() if l.startswith(("ok ", "FAIL "))]
        for l in lines:
            name = l.split(":", 1)[0][3:] if l.startswith("ok ") else l[5:].split(":", 1)[0]
            check(f"net-client checks: {name}", l.startswith("ok "), l)
        check("net-client checks: all ran, exit code 0", code == 0 and len(lines) >= 11,
              f"exit {code}, {len(lines)} checks\n{out}\n{err[-2000:]}")


@suite.case("no-network")
def no_network():
    build()
    # Without --net the kernel boots as before and sockets report it.
    g = Guest(NET_CLIENT, args=["fetch", "10.0.2.2", "1", "1"], opts=["--net", "none"], timeout=60)
    code, out, err = g.finish(timeout=90)
    check("without --net: connect fails cleanly (no hang, no crash)",
          code == 1 and "fetch FAILED: connect:" in out, f"exit {code}\n{out}\n{err[-1000:]}")


# --- --net passt: the passt daemon instead of QEMU's built-in user network -----------------

def host_address():
    """(address/prefix, gateway) of the host's interface with the IPv4 default route, as
    passt hands them to the guest by DHCP; None when there is no default route."""
    route = subprocess.run(["ip", "-4", "route", "show", "default"], capture_output=True, text=True).stdout.split()
    if "via" not in route or "dev" not in route:
        return None
    gateway, dev = route[route.index("via") + 1], route[route.index("dev") + 1]
    addr = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", dev], capture_output=True, text=True).stdout.split()
    return (addr[addr.index("inet") + 1], gateway) if "inet" in addr else None


def passt_left_behind(g):
    """What an ended `eremit run --net passt` left: its socket directory, passt processes."""
    d = os.path.join(tempfile.gettempdir(), f"eremit-passt-{g.proc.pid}")
    left = [d] if os.path.exists(d) else []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if d in cmdline:
            left.append(f"process {pid}: {cmdline}")
    return left


@suite.case("passt")
def passt_net():
    build()
    ensure_curl(also=["passt"])
    if shutil.which("passt") is None:
        skip("net/passt", "passt is not installed (apt-get install passt; scripts/ensure-deps.sh)")
        return
    host = host_address()
    if host is None:
        skip("net/passt", "the host has no IPv4 default route (passt takes its address from it)")
        return
    cidr, gateway = host
    with HostServers(serve_commands) as server:
        for machine in ("microvm", "q35"):
            # passt maps connections to the gateway address to the host's loopback.
            g = Guest(NET_CLIENT, args=["fetch", gateway, str(server.port), str(1 << 20)],
                      opts=["--net", "passt", "--machine", machine, "-v"], timeout=120)
            code, out, err = g.finish(timeout=150)
            check(f"--net passt on {machine}: net-client fetches 1 MiB from a host server, intact",
                  code == 0 and "fetch ok 1048576 bytes" in out, f"exit {code}\n{out}\n{err[-2000:]}")
            lease = f"eremit: network: {cidr}, gateway {gateway}"
            check(f"--net passt on {machine}: DHCP gives the guest the host's address and gateway ({cidr}, {gateway})",
                  lease in err, "\n".join(l for l in err.splitlines() if "network" in l)[-2000:])
            for line in out.splitlines():
                if line.startswith("fetch ok"):
                    measure(f"--net passt, {machine}: guest downloads 1 MiB (host -> guest): {line[len('fetch ok '):]}")
            left = passt_left_behind(g)
            check(f"--net passt on {machine}: passt and its socket are gone after the guest", not left, left)

    for machine in ("microvm", "q35"):
        port = free_port()
        g = start_server(f"--net passt on {machine}: httpd starts and listens", HTTPD, ready="listening on",
                         opts=["--net", "passt", "--forward", f"tcp:{port}:8080", "--machine", machine])
        if g is None:
            continue
        curl_page_and_big(f"--net passt on {machine}",
                          f"--forward tcp:{port}:8080, curl / answers 200 with the page", port,
                          f"--net passt, {machine}")
        status, _, _ = http_get(port, "/quit")
        code, out, err = g.finish()
        check(f"--net passt on {machine}: /quit ends the program with exit code 0",
              status.startswith("HTTP/1.1 200") and code == 0, f"exit {code}\n{err[-2000:]}")
        left = passt_left_behind(g)
        check(f"--net passt on {machine}: passt and its socket are gone after the guest", not left, left)

    # The timeout (124) ends passt with the VM as well.
    g = Guest(HTTPD, opts=["--net", "passt", "--forward", f"tcp:{free_port()}:8080"], timeout=3)
    code, out, err = g.finish(timeout=60)
    left = passt_left_behind(g)
    check("--net passt: --timeout ends with 124 and leaves no passt or socket behind",
          code == 124 and not left, f"exit {code}, left {left}\n{err[-1000:]}")

    # A forwarded host port that is taken: passt itself would start and leave it
    # unforwarded without a word, so the runner refuses (125, like QEMU's user network).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        g = Guest(HTTPD, opts=["--net", "passt", "--forward", f"tcp:{port}:8080"], timeout=60)
        code, out, err = g.finish(timeout=60)
    left = passt_left_behind(g)
    check(f"--net passt: a host port in use (--forward tcp:{port}:8080) is exit 125 naming it, nothing left",
          code == 125 and f"host TCP port {port} is already in use" in err and not out and not left,
          f"exit {code}, left {left}\n{out[-500:]}\n{err[-1000:]}")

    # A missing passt is the runner's error (125), named, before anything starts.
    env = dict(os.environ, EREMIT_PASST="/nonexistent/passt")
    p = subprocess.run([EREMIT, "run", "--net", "passt", HTTPD], capture_output=True, text=True, env=env, timeout=60)
    check("--net passt without passt: exit 125 and a message naming it",
          p.returncode == 125 and "passt" in p.stderr, f"exit {p.returncode}: {p.stderr[-500:]}")


if __name__ == "__main__":
    sys.exit(suite.main())
