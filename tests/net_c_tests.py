#!/usr/bin/env python3
"""Network tests of the C library (libc-port's sockets: socket.c, inet.c, netdb.c,
poll.c, select.c and their headers):

- the application headers have Linux's (glibc's) values and struct layouts (checked
  against the host's glibc headers; the kernel's side is the generated
  include/hermit/syscall-prefixed.h, checked by tests/c_tests.py and `make test-abi`);
- tests/net-c/net_checks.c, built with x86_64-hermit-gcc and with the host's gcc, runs in
  Eremit and natively against the same servers on the host (TCP echo, UDP, a closed
  port): same output (text forms of addresses, getaddrinfo results and errors, options,
  errno values, poll/select, MSG_PEEK/MSG_WAITALL/MSG_DONTWAIT, FIONBIO/FIONREAD, UDP);
- examples-c/echo: echo-server boots with `eremit run --net user --forward
  tcp:HOSTPORT:7777`, three concurrent connections from Python each send 1 MiB and get it
  back intact, and the server exits with 0 after the three have closed (microvm, and q35
  with 2 vCPUs); echo-client in Eremit connects out to a Python echo server on the host
  (10.0.2.2 in QEMU's user network) and checks 1 MiB;
- on tap devices in namespaces made for the test (root): echo-client over IPv4 and IPv6
  with checksum offload and the host's large TCP segments (64 KiB, put together from
  several receive buffers);
- udp-forward: `--forward udp:HOSTPORT:7001` to tests/net-c/udp_echo.c, five datagrams
  from the host answered in order, with `--net user` and (when installed) `--net passt`;
- closing connections (tests/net_c_close.py): close-tap, close-unread, crossed-fins.
- what serving costs the host (tests/net_c_costs.py): timer-armings, msi-per-burst.

All traffic stays on this machine (loopback, QEMU's user network, passt, namespaces). Ends with
'N passed, N failed'."""

import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import net_c_close  # noqa: E402
import net_c_costs  # noqa: E402
from testlib import (BIN, CC, EREMIT, ROOT, TOOLCHAIN_FILE, HostServers, Suite, check,  # noqa: E402
                     ensure_curl, free_port, measure, once, pattern, run, skip, start_server, tap_namespace)

EXAMPLES = os.path.join(ROOT, "examples-c")
OUT = os.path.join(ROOT, "build", "net-c")
EXAMPLES_OUT = os.path.join(ROOT, "build", "examples-c", "hermit")
CHECKS_SRC = os.path.join(ROOT, "tests", "net-c", "net_checks.c")
MIB = 1 << 20

suite = Suite("net-c", requires=[CC, EREMIT])


# --- headers and ABI -------------------------------------------------------------------

# Names whose values must be Linux's (glibc's headers on this host are the reference).
LINUX_CONSTANTS = """
AF_UNSPEC AF_UNIX AF_INET AF_INET6 PF_INET SOCK_STREAM SOCK_DGRAM SOCK_RAW SOCK_SEQPACKET
SOCK_NONBLOCK SOCK_CLOEXEC SOL_SOCKET SO_DEBUG SO_REUSEADDR SO_TYPE SO_ERROR SO_DONTROUTE
SO_BROADCAST SO_SNDBUF SO_RCVBUF SO_KEEPALIVE SO_OOBINLINE SO_LINGER SO_REUSEPORT SO_RCVLOWAT
SO_SNDLOWAT SO_RCVTIMEO SO_SNDTIMEO SO_ACCEPTCONN SO_PROTOCOL SO_DOMAIN SOMAXCONN
MSG_OOB MSG_PEEK MSG_DONTROUTE MSG_CTRUNC MSG_TRUNC MSG_DONTWAIT MSG_EOR MSG_WAITALL
MSG_NOSIGNAL MSG_MORE SHUT_RD SHUT_WR SHUT_RDWR SCM_RIGHTS
IPPROTO_IP IPPROTO_ICMP IPPROTO_TCP IPPROTO_UDP IPPROTO_IPV6 IPPROTO_RAW INADDR_ANY
INADDR_LOOPBACK INADDR_BROADCAST INADDR_NONE INET_ADDRSTRLEN INET6_ADDRSTRLEN IP_TOS IP_TTL
IP_MULTICAST_IF IP_MULTICAST_TTL IP_MULTICAST_LOOP IP_ADD_MEMBERSHIP IP_DROP_MEMBERSHIP IPV6_V6ONLY
TCP_NODELAY TCP_MAXSEG TCP_KEEPIDLE TCP_KEEPINTVL TCP_KEEPCNT SOL_TCP
AI_PASSIVE AI_CANONNAME AI_NUMERICHOST AI_V4MAPPED AI_ALL AI_ADDRCONFIG AI_NUMERICSERV
EAI_BADFLAGS EAI_NONAME EAI_AGAIN EAI_FAIL EAI_FAMILY EAI_SOCKTYPE EAI_SERVICE EAI_MEMORY
EAI_SYSTEM EAI_OVERFLOW NI_MAXHOST NI_MAXSERV NI_NUMERICHOST NI_NUMERICSERV NI_NOFQDN
NI_NAMEREQD NI_DGRAM HOST_NOT_FOUND TRY_AGAIN NO_RECOVERY NO_DATA
POLLIN POLLPRI POLLOUT POLLERR POLLHUP POLLNVAL POLLRDNORM POLLRDBAND POLLWRNORM POLLWRBAND
POLLRDHUP FIONBIO FIONREAD FD_SETSIZE
""".split()

LINUX_LAYOUTS = {
    "struct sockaddr": ["sa_family", "sa_data"],
    "struct sockaddr_in": ["sin_family", "sin_port", "sin_addr", "sin_zero"],
    "struct sockaddr_in6": ["sin6_family", "sin6_port", "sin6_flowinfo", "sin6_addr", "sin6_scope_id"],
    "struct sockaddr_storage": ["ss_family"],
    "struct sockaddr_un": ["sun_family", "sun_path"],
    "struct in_addr": ["s_addr"],
    "struct in6_addr": ["s6_addr"],
    "struct linger": ["l_onoff", "l_linger"],
    "struct msghdr": ["msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control",
                      "msg_controllen", "msg_flags"],
    "struct cmsghdr": ["cmsg_len", "cmsg_level", "cmsg_type"],
    "struct addrinfo": ["ai_flags", "ai_family", "ai_socktype", "ai_protocol", "ai_addrlen",
                        "ai_addr", "ai_canonname", "ai_next"],
    "struct hostent": ["h_name", "h_aliases", "h_addrtype", "h_length", "h_addr_list"],
    "struct servent": ["s_name", "s_aliases", "s_port", "s_proto"],
    "struct protoent": ["p_name", "p_aliases", "p_proto"],
    "struct pollfd": ["fd", "events", "revents"],
    "fd_set": [],
    "socklen_t": [],
    "sa_family_t": [],
    "in_port_t": [],
    "in_addr_t": [],
    "nfds_t": [],
}

INCLUDES = """#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
"""


@suite.case("headers")
def headers_check():
    """The values and layouts of libc-port's headers equal glibc's: a host program prints
    glibc's, which become static assertions compiled with x86_64-hermit-gcc (-Wall
    -Wextra -Werror, also as C++ and with -std=c99)."""
    with tempfile.TemporaryDirectory() as tmp:
        lines = [INCLUDES, "int main(void) {"]
        for c in LINUX_CONSTANTS:
            lines.append(f'  printf("{c} %lld\\n", (long long)({c}));')
        for t, fields in LINUX_LAYOUTS.items():
            key = t.replace(" ", "_")
            lines.append(f'  printf("sizeof_{key} %zu\\n", sizeof({t}));')
            lines.append(f'  printf("alignof_{key} %zu\\n", _Alignof({t}));')
            for f in fields:
                lines.append(f'  printf("offsetof_{key}_{f} %zu\\n", __builtin_offsetof({t}, {f}));')
                lines.append(f'  printf("sizeof_{key}_{f} %zu\\n", sizeof((({t} *)0)->{f}));')
        lines.append("  return 0;\n}")
        src = os.path.join(tmp, "values.c")
        open(src, "w").write("\n".join(lines) + "\n")
        p = run(["gcc", "-std=gnu11", src, "-o", os.path.join(tmp, "values")])
        if p.returncode != 0:
            check("glibc's values (host gcc)", False, p.stderr)
            return
        values = dict(l.split() for l in run([os.path.join(tmp, "values")]).stdout.splitlines())
        asserts = [INCLUDES]
        for c in LINUX_CONSTANTS:
            asserts.append(f'_Static_assert((long long)({c}) == {values[c]}LL, "{c} is {values[c]} on Linux");')
        for t, fields in LINUX_LAYOUTS.items():
            key = t.replace(" ", "_")
            asserts.append(f'_Static_assert(sizeof({t}) == {values["sizeof_" + key]}, "sizeof {t}");')
            asserts.append(f'_Static_assert(_Alignof({t}) == {values["alignof_" + key]}, "alignof {t}");')
            for f in fields:
                asserts.append(f'_Static_assert(__builtin_offsetof({t}, {f}) == '
                               f'{values[f"offsetof_{key}_{f}"]}, "offsetof {t}.{f}");')
                asserts.append(f'_Static_assert(sizeof((({t} *)0)->{f}) == '
                               f'{values[f"sizeof_{key}_{f}"]}, "sizeof {t}.{f}");')
        src = os.path.join(tmp, "asserts.c")
        open(src, "w").write("\n".join(asserts) + "\nint main(void) { return 0; }\n")
        p = run([CC, "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-c", src, "-o", os.path.join(tmp, "a.o")])
        check(f"socket headers: {len(LINUX_CONSTANTS)} constants and {len(LINUX_LAYOUTS)} types "
              "have glibc's values and layouts", p.returncode == 0, p.stderr)
        # Every header alone, strict C99 and C++.
        errs = []
        for h in ["sys/socket.h", "netinet/in.h", "netinet/tcp.h", "arpa/inet.h", "netdb.h",
                  "poll.h", "sys/poll.h", "sys/select.h", "sys/un.h", "sys/ioctl.h"]:
            for lang, extra in (("c99", ["-std=c99", "-x", "c"]), ("c++", ["-x", "c++", "-std=c++17"])):
                one = os.path.join(tmp, "one.c")
                open(one, "w").write(f"#include <{h}>\nint eremit_unused;\n")
                cc = CC if lang == "c99" else os.path.join(BIN, "x86_64-hermit-g++")
                p = run([cc, *extra, "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", one,
                         "-o", os.path.join(tmp, "one.o")])
                if p.returncode != 0:
                    errs.append(f"{h} ({lang}): {p.stderr.strip()[:800]}")
        check("every socket header compiles on its own (C99 -pedantic, C++17)", not errs, "\n".join(errs))


# --- builds ------------------------------------------------------------------------------

@once
def build():
    print("net-c-tests: building examples-c (toolchain file) and tests/net-c/net_checks.c", flush=True)
    os.makedirs(OUT, exist_ok=True)
    p = run(["cmake", "-S", EXAMPLES, "-B", EXAMPLES_OUT, f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN_FILE}"])
    if p.returncode == 0:
        p = run(["cmake", "--build", EXAMPLES_OUT, "-j2", "--target", "echo-server", "echo-client"])
    check("examples-c/echo builds with the CMake toolchain file (-Wall -Wextra, no warnings)",
          p.returncode == 0 and "warning" not in p.stdout + p.stderr, p.stdout[-3000:] + p.stderr[-3000:])
    flags = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror", "-pthread"]
    hermit = os.path.join(OUT, "net-checks")
    native = os.path.join(OUT, "net-checks-native")
    p = run([CC, *flags, CHECKS_SRC, "-o", hermit])
    check("net_checks.c builds with x86_64-hermit-gcc -Wall -Wextra -Werror", p.returncode == 0, p.stderr)
    q = run(["gcc", *flags, CHECKS_SRC, "-o", native])
    check("net_checks.c builds natively (host gcc, glibc)", q.returncode == 0, q.stderr)
    return hermit if p.returncode == 0 else None, native if q.returncode == 0 else None


# --- tests -------------------------------------------------------------------------------

@suite.case("checks")
def checks_suite():
    hermit, native = build()
    if not (hermit and native):
        return
    with HostServers() as servers:
        args = [str(servers.port), str(servers.udp_port), str(servers.closed_port)]
        n = run([native, "127.0.0.1", *args], timeout=120)
        check("net-checks natively (glibc): exit 0", n.returncode == 0, n.stdout[-4000:] + n.stderr)
        start = time.monotonic()
        e = run([EREMIT, "run", "--timeout", "120", "--net", "user", hermit, "10.0.2.2", *args],
                timeout=180)
        secs = time.monotonic() - start
        check(f"net-checks in Eremit: exit 0 ({secs:.1f} s)", e.returncode == 0,
              f"exit {e.returncode}\n{e.stdout[-4000:]}\n{e.stderr[-2000:]}")
        if n.stdout != e.stdout:
            import difflib
            diff = "\n".join(difflib.unified_diff(n.stdout.splitlines(), e.stdout.splitlines(),
                                                  "native (glibc)", "Eremit", lineterm="", n=1))
        else:
            diff = ""
        check(f"net-checks: Eremit's output equals native Linux's ({len(n.stdout.splitlines())} lines)",
              n.stdout == e.stdout and n.stdout != "", diff)


def echo_examples():
    """Whether examples-c's echo programs are built (by build())."""
    build()
    return os.path.exists(os.path.join(EXAMPLES_OUT, "echo-server"))


def echo_connection(port, size, result, key):
    """Sends `size` bytes (a pattern) and reads the echo concurrently; stores whether it
    came back intact, and the time."""
    try:
        start = time.monotonic()
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        data = pattern(size, key * 17)
        got = bytearray()

        def reader():
            try:
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    got.extend(b)
            except OSError as e:
                got.extend(f"<{e}>".encode())
        t = threading.Thread(target=reader)
        t.start()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        t.join(90)
        s.close()
        result[key] = (bytes(got) == data, len(got), time.monotonic() - start)
    except OSError as e:
        result[key] = (False, f"error {e}", 0)


def echo_server_suite(machine, cpus):
    if not echo_examples():
        return
    label = machine + (f", {cpus} vCPUs" if cpus > 1 else "")
    image = os.path.join(EXAMPLES_OUT, "echo-server")
    port = free_port()
    g = start_server(f"echo-server on {label}: starts and listens on 7777", image, ["3"],
                     ["--net", "user", "--forward", f"tcp:{port}:7777", "--machine", machine, "--cpus", str(cpus)])
    if g is None:
        return
    res = {}
    start = time.monotonic()
    threads = [threading.Thread(target=echo_connection, args=(port, MIB, res, k)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(150)
    secs = time.monotonic() - start
    ok = len(res) == 3 and all(v[0] for v in res.values())
    check(f"echo-server on {label}: 3 concurrent connections x 1 MiB echoed intact", ok, res)
    code, out, err = g.finish(timeout=60)
    accepted = out.count("accepted ")
    peak = max([int(m) for m in re.findall(r"\((\d+) open\)", out)] or [0])
    check(f"echo-server on {label}: exits with 0 after the 3 connections closed",
          code == 0 and "3 connections served" in out and out.count("after 1048576 bytes") == 3,
          f"exit {code}\n{out}\n{err[-2000:]}")
    if ok:
        measure(f"{label}: 3 x 1 MiB echoed concurrently in {secs * 1000:.0f} ms "
                f"({3 * 2 * MIB / secs / 1e6:.1f} MB/s both directions); {accepted} accepted, "
                f"up to {peak} open at once")


suite.add("echo-server-microvm", echo_server_suite, "microvm", 1)
suite.add("echo-server-q35-2cpus", echo_server_suite, "q35", 2)


@suite.case("echo-client")
def echo_client_suite():
    if not echo_examples():
        return
    with HostServers() as servers:
        image = os.path.join(EXAMPLES_OUT, "echo-client")
        start = time.monotonic()
        p = run([EREMIT, "run", "--timeout", "120", "--net", "user", image, "10.0.2.2",
                 str(servers.port), str(MIB)], timeout=180)
        secs = time.monotonic() - start
        m = re.search(r"echo ok (\d+) bytes in ([\d.]+) s", p.stdout)
        check("echo-client in Eremit: 1 MiB to a Python echo server on the host (10.0.2.2), intact, exit 0",
              p.returncode == 0 and m is not None and m.group(1) == str(MIB),
              f"exit {p.returncode}\n{p.stdout}\n{p.stderr[-2000:]}")
        if m:
            measure(f"echo-client: 1 MiB out and back in {float(m.group(2)) * 1000:.0f} ms "
                    f"(whole run {secs:.1f} s)")
        p = run([EREMIT, "run", "--timeout", "60", "--net", "user", image, "10.0.2.2",
                 str(servers.closed_port), "10"], timeout=90)
        check("echo-client in Eremit: a closed port gives 'Connection refused', exit 1",
              p.returncode == 1 and "Connection refused" in p.stderr, f"exit {p.returncode}\n{p.stderr}")
        p = run([EREMIT, "run", "--timeout", "60", "--net", "user", image, "no.such.name.invalid",
                 "80", "10"], timeout=90)
        check("echo-client in Eremit: an unknown name gives a getaddrinfo error, exit 1",
              p.returncode == 1 and "getaddrinfo" in p.stderr, f"exit {p.returncode}\n{p.stderr}")


# A host echo server for echo-client-tap, run inside the test's namespace.
TAP_ECHO_SERVER = r"""
import socket, sys, threading
l = socket.socket(socket.AF_INET6)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
l.bind((sys.argv[1], int(sys.argv[2])))
l.listen(4)
print("listening", flush=True)
def serve(c):
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
while True:
    c, _ = l.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""


@suite.case("echo-client-tap")
def echo_client_tap():
    """virtio-net on a tap device, where QEMU offers checksum offload: the TCP checksums
    of what the guest sends are the host's to fill in, and it takes the host's verdict on
    what it receives. A wrong checksum either way would stall the stream (the host drops
    what fails its check), so 1 MiB echoed intact checks both. The host also sends the
    echo in TCP segments of up to 64 KiB (large receive), which the guest puts together
    from several receive buffers; the client checks every byte of what comes back."""
    import shutil
    import subprocess
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun") or not shutil.which("ip"):
        skip("net-c/echo-client-tap", "needs root, /dev/net/tun and ip (a namespace with a tap device)")
        return
    if not echo_examples():
        return
    ns = f"eremit-test-tap-{os.getpid()}"
    inside = ["ip", "netns", "exec", ns]
    server = None
    try:
        if not tap_namespace(ns, "10.79.0.1/24", "echo-client-tap"):
            return
        p = run(inside + ["ip", "-6", "addr", "add", "fd79::1/64", "dev", "etap0", "nodad"], timeout=30)
        check("echo-client-tap: an IPv6 address on the host's side of the tap", p.returncode == 0, p.stderr)
        server = subprocess.Popen(inside + [sys.executable, "-c", TAP_ECHO_SERVER, "::", "7777"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        server.stdout.readline()
        image = os.path.join(EXAMPLES_OUT, "echo-client")
        for host, version in (("10.79.0.1", "IPv4"), ("fd79::1", "IPv6")):
            p = run(inside + [EREMIT, "run", "--verbose", "--machine", "q35", "--timeout", "120",
                              "--net", "tap:etap0", "--ip", "10.79.0.2/24", "--gateway", "10.79.0.1",
                              "--ip6", "fd79::2/64", image, host, "7777", str(MIB)], timeout=180)
            check(f"echo-client-tap ({version}): the tap device's checksum offload is taken",
                  "TCP checksums offloaded to the device" in p.stderr, p.stderr[-3000:])
            check(f"echo-client-tap ({version}): 1 MiB to an echo server on the host's side of a tap "
                  "device, intact, exit 0",
                  p.returncode == 0 and f"echo ok {MIB} bytes" in p.stdout,
                  f"exit {p.returncode}\n{p.stdout}\n{p.stderr[-2000:]}")
            # The echo comes back in the host's large TCP segments (GUEST_TSO4/6 with
            # mergeable buffers), each spread over several receive buffers; the pattern
            # check above says they were put together right.
            large = re.search(r"rx frames (\d+) \((\d+) large, (\d+) dropped\)", p.stderr)
            check(f"echo-client-tap ({version}): large received segments negotiated, some taken, none dropped",
                  "received TCP segments up to 64 KiB" in p.stderr and large is not None
                  and int(large.group(2)) > 0 and int(large.group(3)) == 0, p.stderr[-3000:])
            if large:
                measure(f"echo-client-tap ({version}): {large.group(1)} frames received, "
                        f"{large.group(2)} of them large segments")
    finally:
        if server:
            server.kill()
            server.wait()
        run(["ip", "netns", "del", ns], timeout=30)



@suite.case("no-network")
def no_network():
    if not echo_examples():
        return
    # Loopback works without a device (tests/reliability/net_loopback.c); any other
    # address is unreachable.
    image = os.path.join(EXAMPLES_OUT, "echo-client")
    p = run([EREMIT, "run", "--timeout", "60", image, "10.0.2.2", "7", "10"], timeout=90)
    check("echo-client without --net: connect to 10.0.2.2 fails with ENETUNREACH, exit 1",
          p.returncode == 1 and "Network is unreachable" in p.stderr,
          f"exit {p.returncode}\n{p.stderr}")


@suite.case("udp-forward")
def udp_forward_suite():
    """`--forward udp:HOST:GUEST`: datagrams from the host reach a UDP server in the guest
    and its answers come back (QEMU's user networking relays them; then passt's `-u`
    mapping with `--net passt`, when passt is installed)."""
    src = os.path.join(ROOT, "tests", "net-c", "udp_echo.c")
    image = os.path.join(OUT, "udp-echo")
    os.makedirs(OUT, exist_ok=True)
    p = run([CC, "-O2", "-Wall", "-Wextra", "-Werror", src, "-o", image])
    check("udp_echo.c builds", p.returncode == 0, p.stderr)
    if p.returncode != 0:
        return
    udp_echo_through(image, "user", "")
    ensure_curl(also=["passt"])
    if shutil.which("passt") is None:
        skip("net-c/udp-forward --net passt", "passt is not installed (apt-get install passt; scripts/ensure-deps.sh)")
        return
    udp_echo_through(image, "passt", "--net passt: ")


def udp_echo_through(image, net, label):
    """udp-echo behind `--net NET --forward udp:PORT:7001`, five datagrams from the host."""
    port = free_port(socket.SOCK_DGRAM)
    count = 5
    g = start_server(f"{label}udp-echo: starts and binds 7001", image, ["7001", str(count)],
                     ["--net", net, "--forward", f"udp:{port}:7001"])
    if g is None:
        return
    answers = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        for i in range(count):
            msg = f"datagram {i}".encode()
            # UDP may drop one: resend until its answer comes (bounded).
            for _ in range(10):
                s.sendto(msg, ("127.0.0.1", port))
                try:
                    data, _ = s.recvfrom(4096)
                    answers.append(data)
                    break
                except socket.timeout:
                    continue
    want = [f"echo:datagram {i}".encode() for i in range(count)]
    check(f"{label}--forward udp:{port}:7001: {count} datagrams answered in order", answers == want,
          f"got {answers}")
    code, out, err = g.finish(timeout=60)
    check(f"{label}udp-echo: exits 0 after serving them", code == 0 and "served" in out,
          f"exit {code}\n{out}\n{err[-2000:]}")


class StubDns:
    """A DNS server on the host's 127.0.0.1:53 (the guest's 10.0.2.2:53 in QEMU's user
    network) with a few records: stub.eremit.test A 192.0.2.7 and AAAA 2001:db8::7,
    v4only.eremit.test A only; other names do not exist (NXDOMAIN). Port 53 is the one
    DNS port the guest asks, so another test holding it is waited for."""

    RECORDS = {
        ("stub.eremit.test", 1): socket.inet_aton("192.0.2.7"),
        ("stub.eremit.test", 28): socket.inet_pton(socket.AF_INET6, "2001:db8::7"),
        ("v4only.eremit.test", 1): socket.inet_aton("192.0.2.8"),
    }

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.sock.bind(("127.0.0.1", 53))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
        self.asked = []
        # A thread blocked in recvfrom keeps the port bound after close(): it looks at
        # `stopped` twice a second instead.
        self.sock.settimeout(0.5)
        self.stopped = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped:
            try:
                q, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                labels, i = [], 12
                while q[i]:
                    labels.append(q[i + 1:i + 1 + q[i]].decode())
                    i += 1 + q[i]
                name = ".".join(labels).lower()
                qtype = int.from_bytes(q[i + 1:i + 3], "big")
                question = q[12:i + 5]
            except (IndexError, UnicodeDecodeError):
                continue
            self.asked.append((name, qtype))
            known = any(n == name for n, _ in self.RECORDS)
            data = self.RECORDS.get((name, qtype))
            flags = 0x8180 if known else 0x8183
            answer = b""
            if data:
                answer = (b"\xc0\x0c" + qtype.to_bytes(2, "big") + b"\x00\x01" +
                          (60).to_bytes(4, "big") + len(data).to_bytes(2, "big") + data)
            reply = (q[:2] + flags.to_bytes(2, "big") + b"\x00\x01" +
                     (1 if data else 0).to_bytes(2, "big") + b"\x00\x00\x00\x00" + question + answer)
            self.sock.sendto(reply, peer)

    def close(self):
        self.stopped = True
        self.thread.join()
        self.sock.close()


@suite.case("dns")
def dns_suite():
    """sys_getaddrbyname asks for A with a 4-byte buffer and AAAA with a 16-byte one (as
    Hermit does, the dns example of hermit-rs), against the stub server; getaddrinfo's
    families (A and AAAA records)."""
    os.makedirs(OUT, exist_ok=True)
    src = os.path.join(ROOT, "tests", "net-c", "dns_aaaa.c")
    image = os.path.join(OUT, "dns-aaaa")
    p = run([CC, "-O2", "-Wall", "-Wextra", "-Werror", src, "-o", image])
    check("dns_aaaa.c builds", p.returncode == 0, p.stderr)
    if p.returncode != 0:
        return
    try:
        stub = StubDns()
    except OSError as e:
        check("stub DNS server on 127.0.0.1:53", False, str(e))
        return
    try:
        e = run([EREMIT, "run", "--timeout", "120", "--net", "user", "--ip", "10.0.2.15/24",
                 "--gateway", "10.0.2.2", "--dns", "10.0.2.2", image], timeout=180)
    finally:
        stub.close()
    want = ("getaddrbyname(stub.eremit.test, 4) -> 0 192.0.2.7\n"
            "getaddrbyname(stub.eremit.test, 16) -> 0 2001:db8::7\n"
            "getaddrbyname(v4only.eremit.test, 16) -> -2 -\n"
            "getaddrbyname(missing.eremit.test, 16) -> -2 -\n"
            "getaddrbyname(localhost, 16) -> 0 ::1\n"
            "getaddrbyname(stub.eremit.test, 8) -> -22 -\n"
            "getaddrinfo(stub.eremit.test, AF_INET) -> ok 192.0.2.7\n"
            "getaddrinfo(stub.eremit.test, AF_UNSPEC) -> ok 192.0.2.7 2001:db8::7\n"
            "getaddrinfo(stub.eremit.test, AF_INET6) -> ok 2001:db8::7\n"
            "getaddrinfo(v4only.eremit.test, AF_INET6) -> Name or service not known\n"
            "getaddrinfo(v4only.eremit.test, AF_UNSPEC) -> ok 192.0.2.8\n")
    check("dns: getaddrbyname A (4 bytes) and AAAA (16 bytes) from the stub server, "
          "NXDOMAIN and no AAAA give ENOENT, other lengths EINVAL; getaddrinfo gives the A "
          "records, then the AAAA ones (AF_UNSPEC), or only these (AF_INET6)",
          e.returncode == 0 and e.stdout == want,
          f"exit {e.returncode}\nstdout:\n{e.stdout}\nwanted:\n{want}\nasked: {stub.asked}\n"
          f"stderr:\n{e.stderr[-2000:]}")
    check("dns: the 16-byte calls asked for AAAA records",
          ("stub.eremit.test", 28) in stub.asked and ("stub.eremit.test", 1) in stub.asked,
          f"asked: {stub.asked}")



net_c_close.add_to(suite)
net_c_costs.add_to(suite)


if __name__ == "__main__":
    sys.exit(suite.main())
