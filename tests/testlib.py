"""What the test scripts share: ok/FAIL lines, running a host command, the closing
'N passed, N failed' line (the line CI reads), and for the network tests measurements,
test data and free host ports."""

import os
import socket
import subprocess

results = []
measurements = []


def check(name, cond, detail="", keep_end=False):
    """Records one assertion and prints it; on failure also the detail, cut at 6000 chars
    (enough for every caller's detail): its start, or with keep_end its end (where a
    build's error is)."""
    results.append(bool(cond))
    print(("ok    " if cond else "FAIL  ") + name, flush=True)
    if not cond and detail:
        text = str(detail).strip().replace("\n", "\n      ")
        print("      " + (text[-6000:] if keep_end else text[:6000]), flush=True)


def run(cmd, cwd=None, env=None, timeout=600):
    """Runs a host command with the test's environment plus env, no stdin, output captured."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, errors="replace")


def measure(text):
    """Prints a measurement under the current check and keeps it for the summary the
    script prints before its closing line (numbers, not assertions: never counted)."""
    measurements.append(text)
    print("      " + text, flush=True)


def pattern(n, offset=0):
    """n bytes of test data, byte i being (offset + i) % 251: the period is a prime, so a
    chunk of a transfer lost, repeated or moved does not compare equal."""
    block = bytes(i % 251 for i in range(251))
    start = offset % 251
    return (block * ((n + start) // 251 + 2))[start:start + n]


def free_port(kind=socket.SOCK_STREAM):
    """A port on 127.0.0.1 that is free now (TCP, or UDP with SOCK_DGRAM): for a host
    server or a forwarding set up next, or as a port where nobody listens."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def finish():
    """Prints the closing line; the exit code: 1 when a check failed."""
    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
