#!/usr/bin/env python3
"""The net-c suite's cases about closing connections (tests/net_c_tests.py adds them):

- close-tap: tests/net-c/close_first.c, a server closing first, in Eremit on a tap
  device and natively, whose client closes after the end of file and must see its FIN
  acknowledged (the host's retransmission count);
- close-unread: what a program sent just before a close() that discards the socket's
  queues (a TCP reset over unread data, a UDP socket with a datagram unread) still
  arrives, in Eremit and natively;
- crossed-fins: wrk's short connections against benches/net/httpserver.c, the guest's
  frames recorded by QEMU: no FIN of the server's goes out twice when the client's
  crossed it."""

import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_c_httpserver import build_httpserver, quit_server, start_wrapped, wrk_requests  # noqa: E402
from testlib import (CC, EREMIT, ROOT, check, free_port, gap, measure, run, skip,  # noqa: E402
                     start_server, tap_namespace)

OUT = os.path.join(ROOT, "build", "net-c")


# The client of close-tap, run inside the test's namespace: COUNT connections one after
# another, each sending a request line and reading to the end of file before closing;
# prints the answers that were "ok" and the segments the host retransmitted meanwhile
# (/proc/net/snmp of the namespace: only this test's traffic), counted a second after
# the last close, when a FIN nobody acknowledged has been sent again.
CLOSE_CLIENT = r"""
import socket, sys, time
def retrans():
    lines = [l.split() for l in open("/proc/net/snmp") if l.startswith("Tcp:")]
    return int(lines[1][lines[0].index("RetransSegs")])
host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
end = time.monotonic() + 60
while True:
    try:
        socket.create_connection((host, port), timeout=10).close()
        break
    except OSError:
        if time.monotonic() > end:
            raise
        time.sleep(0.2)
before = retrans()
ok = 0
for i in range(count - 1):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b"hi\n")
    data = b""
    while True:
        d = s.recv(64)
        if not d:
            break
        data += d
    ok += data == b"ok\n"
    s.close()
time.sleep(1)
print(ok, retrans() - before)
"""


def build_both(source, name):
    """tests/net-c/SOURCE built with x86_64-hermit-gcc and the host's gcc (checked):
    (image, native program), or None."""
    src = os.path.join(ROOT, "tests", "net-c", source)
    image, native = os.path.join(OUT, name), os.path.join(OUT, name + "-native")
    os.makedirs(OUT, exist_ok=True)
    for cc, out in ((CC, image), ("gcc", native)):
        p = run([cc, "-O2", "-Wall", "-Wextra", "-Werror", src, "-o", out])
        check(f"{source} builds with {os.path.basename(cc)}", p.returncode == 0, p.stderr)
        if p.returncode != 0:
            return None
    return image, native


def close_tap():
    """A server that closes first (tests/net-c/close_first.c), in Eremit on a tap device
    and natively on the host's side of it: its client closes after reading the end of
    file, so its FIN reaches a connection the server closed, and waits in LAST-ACK for
    the ACK. Linux acknowledges it; Eremit freed such a connection before the ACK went
    out, and the client sent its FIN again (a retransmission per connection). The host's
    own count of retransmissions in the namespace tells."""
    import shutil
    import subprocess
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun") or not shutil.which("ip"):
        skip("net-c/close-tap", "needs root, /dev/net/tun and ip (a namespace with a tap device)")
        return
    built = build_both("close_first.c", "close-first")
    if not built:
        return
    image, native = built
    count = 100
    ns = f"eremit-test-close-{os.getpid()}"
    inside = ["ip", "netns", "exec", ns]
    try:
        if not tap_namespace(ns, "10.79.1.1/24", "close-tap"):
            return
        results = {}
        for who, server_cmd, addr in (
                ("natively", inside + [native, "10.79.1.1", "7781", str(count)], "10.79.1.1"),
                ("in Eremit", inside + [EREMIT, "run", "--machine", "q35", "--timeout", "180",
                                        "--net", "tap:etap0", "--ip", "10.79.1.2/24", "--gateway",
                                        "10.79.1.1", image, "0.0.0.0", "7781", str(count)],
                 "10.79.1.2")):
            server = subprocess.Popen(server_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, errors="replace")
            try:
                c = run(inside + [sys.executable, "-c", CLOSE_CLIENT, addr, "7781", str(count)],
                        timeout=240)
                out, err = server.communicate(timeout=120)
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
            answered, retrans = (c.stdout.split() + ["?", "?"])[:2]
            results[who] = retrans
            check(f"close-tap: {count - 1} connections closed by the server {who}, each answered, "
                  f"exit 0", c.returncode == 0 and answered == str(count - 1) and server.returncode == 0
                  and f"served {count}" in out,
                  f"client exit {c.returncode}: {c.stdout} {c.stderr[-1500:]}\nserver exit "
                  f"{server.returncode}: {out[-500:]} {err[-1500:]}")
            # Linux: 0; Eremit before the fix: one per connection. A loaded host may
            # delay an ACK past the client's loss probe now and then.
            check(f"close-tap: the client's FINs acknowledged {who} (host retransmissions "
                  f"<= {count // 10}: {retrans})", retrans.isdigit() and int(retrans) <= count // 10,
                  c.stdout + c.stderr[-1500:])
        measure("close-tap: host retransmissions over " + ", ".join(
            f"{count - 1} connections {who}: {r}" for who, r in results.items()))
    finally:
        run(["ip", "netns", "del", ns], timeout=30)

def close_unread_client(tcp_port, udp_port):
    """The host's side of close_unread.c: (what the TCP connection brought before its end,
    the UDP answer or None)."""
    got = b""
    with socket.create_connection(("127.0.0.1", tcp_port), timeout=60) as c:
        c.sendall(b"ab")
        try:
            while True:
                data = c.recv(4096)
                if not data:
                    break
                got += data
        except ConnectionResetError:
            pass  # the reset after the answer (Linux; QEMU's network closes instead)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(10)
        u.sendto(b"first", ("127.0.0.1", udp_port))
        u.sendto(b"second", ("127.0.0.1", udp_port))
        try:
            answer = u.recvfrom(4096)[0]
        except socket.timeout:
            answer = None
    return got, answer


def close_unread():
    """Data sent just before a close() that discards the socket's queues still goes out:
    a TCP answer followed by a close with unread data (a reset), and a UDP answer followed
    by closing the socket with a datagram unread. Unread data is what makes Eremit defer
    its sending (deferred_egress.rs); the close sends what is owed first. Natively and in
    Eremit behind --forward (Redis' 'Protocol desync' test lost its error reply so)."""
    import subprocess
    built = build_both("close_unread.c", "close-unread")
    if not built:
        return
    image, native = built
    tcp_port, udp_port = free_port(), free_port(socket.SOCK_DGRAM)
    server = subprocess.Popen([native, str(tcp_port), str(udp_port)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        results = {"natively": close_unread_client(tcp_port, udp_port)}
        out, err = server.communicate(timeout=60)
        check("close-unread natively: exit 0", server.returncode == 0, f"{server.returncode} {err}")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    tcp_port, udp_port = free_port(), free_port(socket.SOCK_DGRAM)
    g = start_server("close-unread in Eremit: starts", image, ["7101", "7102"],
                     ["--net", "user", "--forward", f"tcp:{tcp_port}:7101",
                      "--forward", f"udp:{udp_port}:7102"])
    if g is None:
        return
    results["in Eremit"] = close_unread_client(tcp_port, udp_port)
    code, out, err = g.finish(timeout=60)
    check("close-unread in Eremit: exit 0 after both", code == 0 and "udp closed" in out,
          f"exit {code}\n{out}\n{err[-2000:]}")
    for who, (tcp, udp) in results.items():
        check(f"close-unread {who}: the TCP answer sent before a resetting close arrives",
              tcp == b"reply\n", repr(tcp))
        check(f"close-unread {who}: the UDP answer sent before closing the socket arrives",
              udp == b"udp reply", repr(udp))


PCAP_TCP = r"""
import struct, sys, collections
def frames(path):
    f = open(path, "rb"); f.read(24)
    while True:
        h = f.read(16)
        if len(h) < 16:
            return
        d = f.read(struct.unpack("<IIII", h)[2])
        if len(d) < 54 or d[12:14] != b"\x08\x00" or d[23] != 6:
            continue
        t = 14 + (d[14] & 15) * 4
        sp, dp, seq = struct.unpack("!HHI", d[t:t + 8])
        yield d[26:30] == bytes([10, 0, 2, 15]), sp, dp, seq, d[t + 13]
fins = collections.Counter()
for guest, sp, dp, seq, flags in frames(sys.argv[1]):
    if flags & 1:
        fins[(guest, sp if guest else dp, seq)] += 1
crossed = sum(1 for (guest, port, seq), n in fins.items() if not guest and n > 1)
again = sum(1 for (guest, port, seq), n in fins.items() if guest and n > 1)
print(crossed, again)
"""


def crossed_fins():
    """Short connections whose FINs cross (wrk -H 'Connection: close' closes once it has
    the answer, the server closes after answering): QEMU's user network acknowledges the
    server's FIN only inside a retransmission of its own, which smoltcp reads as a
    keep-alive. The guest's
    frames, recorded by QEMU (filter-dump through an EREMIT_QEMU wrapper), must show no
    FIN of the server's sent twice (before the fix, one crossing in ten waited a second
    for its FIN's retransmission, holding its socket)."""
    image = build_httpserver("crossed-fins")
    if image is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "guest.pcap")
        port = free_port()
        g = start_wrapped("crossed-fins", "frames recorded", image,
                          [f"-object filter-dump,id=dump0,netdev=net0,file={pcap}"],
                          ["--net", "user", "--forward", f"tcp:{port}:8080"], tmp)
        if g is None:
            return
        count = wrk_requests("crossed-fins", "short connections", port, 4, 100,
                             ["Connection: close"])
        # A FIN left unacknowledged goes out again after a second.
        time.sleep(1.5)
        quit_server(g, "crossed-fins", port)
        r = run([sys.executable, "-c", PCAP_TCP, pcap])
        crossed, again = (r.stdout.split() + ["?", "?"])[:2]
        measure(f"crossed-fins: {count} connections, the client's FIN sent twice in {crossed}, "
                f"the server's in {again}")
        # The crossing is a race (2-4 in about 6,500 connections here, one in ten beside
        # another busy guest): a run without one has not exercised the case, which is
        # said, not failed.
        if crossed == "0":
            gap("crossed-fins", f"no FINs crossed in {count} connections: the check below "
                "had nothing to see")
        check(f"crossed-fins: no FIN of the server's sent twice ({again})", again == "0",
              r.stdout + r.stderr)


def add_to(suite):
    """Adds the cases to the net-c suite."""
    suite.add("close-tap", close_tap)
    suite.add("close-unread", close_unread)
    suite.add("crossed-fins", crossed_fins)
