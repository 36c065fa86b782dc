#!/usr/bin/env python3
"""What the net-c cases that serve benches/net/httpserver.c share (net_c_close.py's
crossed-fins, net_c_costs.py's timer-armings and msi-per-burst): building it, starting it
under a QEMU wrapped with extra options (EREMIT_QEMU), driving it with wrk, asking it to
quit."""

import os
import re
import shutil
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import CC, ROOT, check, run, skip, start_server  # noqa: E402

OUT = os.path.join(ROOT, "build", "net-c")


def build_httpserver(label):
    """benches/net/httpserver.c built with x86_64-hermit-gcc (checked as `label`'s): the
    image, or None."""
    src = os.path.join(ROOT, "benches", "net", "httpserver.c")
    image = os.path.join(OUT, "httpserver")
    os.makedirs(OUT, exist_ok=True)
    p = run([CC, "-O2", "-I", os.path.dirname(src), src, "-o", image])
    check(f"{label}: benches/net/httpserver.c builds", p.returncode == 0, p.stderr)
    return image if p.returncode == 0 else None


def start_wrapped(label, what, image, qemu_args, opts, tmp):
    """The server started (checked as "`label`: the server starts (`what`)") under a QEMU
    that also gets `qemu_args` (a wrapper script in `tmp`, named by EREMIT_QEMU while the
    runner starts); None (a skip when there is no QEMU to wrap)."""
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        skip(f"net-c/{label}", "no qemu-system-x86_64 on PATH to wrap")
        return None
    wrapper = os.path.join(tmp, "qemu")
    with open(wrapper, "w") as f:
        f.write(f"#!/bin/sh\nexec {qemu} \"$@\" {' '.join(qemu_args)}\n")
    os.chmod(wrapper, 0o755)
    os.environ["EREMIT_QEMU"] = wrapper
    try:
        return start_server(f"{label}: the server starts ({what})", image, ["8080"], opts)
    finally:
        del os.environ["EREMIT_QEMU"]


def wrk_requests(label, what, port, conns, minimum, headers=()):
    """`wrk -t1 -cCONNS -d3s` against the server on `port`: the requests it made, checked
    (as "`label`: wrk's `what` answered") to be over `minimum`, all answered."""
    hdrs = [a for h in headers for a in ("-H", h)]
    w = run(["wrk", "-t1", f"-c{conns}", "-d3s", *hdrs, f"http://127.0.0.1:{port}/"],
            timeout=60)
    m = re.search(r"(\d+) requests in", w.stdout)
    count = int(m.group(1)) if m else 0
    check(f"{label}: wrk's {what} answered", w.returncode == 0 and count > minimum
          and "Non-2xx" not in w.stdout and "Socket errors" not in w.stdout,
          w.stdout + w.stderr)
    return count


def quit_server(g, label, port):
    """Asks the server for /quit and checks that it ends with 0; its stderr."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.sendall(b"GET /quit HTTP/1.1\r\n\r\n")
        c.recv(4096)
    code, out, err = g.finish(timeout=60)
    check(f"{label}: the server quits with 0", code == 0, f"exit {code}\n{err[-2000:]}")
    return err
