"""The network benchmark's clients (netbench.py): streams both ways and 1-byte ping-pong
in Python (this file runs as `netbench_clients.py HOST PORT WHAT AMOUNT` inside the tap
namespace, printing JSON), and wrk for keep-alive HTTP."""

import json
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import time

from netbench_common import GUEST_NAMES


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


def measure_once(net, guest, what, amount):
    host, port = net.target(guest)
    cmd = net.prefix() + [sys.executable, os.path.abspath(__file__), host, str(port), what,
                          str(amount)]
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


if __name__ == "__main__":
    host, port, what, amount = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    print(json.dumps(client(host, port, what, amount)))
