"""What every part of the network benchmark (netbench.py) shares: where its files go,
the guests and programs it knows, the port its servers listen on, and how it runs a
command."""

import os
import subprocess
import sys

from benchlib import OUT, ROOT  # noqa: E402

WORK = os.path.join(OUT, "net")
SERVER_SRC = os.path.join(ROOT, "benches", "net", "netserver.c")
PORT = 7777
BOOT_TIMEOUT = 180
GUESTS = ("eremit", "linux")
# With --baseline-toolchain, a third guest: Eremit's C servers built with another
# toolchain (the kernel before a change), for before/after figures in the same run.
ALL_GUESTS = GUESTS + ("before",)
GUEST_NAMES = {"eremit": "Eremit", "linux": "Linux guest", "before": "Eremit before"}
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


# The programs a guest can run (one per boot): the stream/latency server and the two
# HTTP servers. Each prints a line containing "listening" once it accepts connections.
PROGRAMS = ("netserver", "httpserver", "httpd")
PROGRAM_TITLES = {"httpserver": "C poll() server", "httpd": "Rust std server"}
HTTP_SRC = os.path.join(ROOT, "benches", "net", "httpserver.c")
HTTPD_SRC = os.path.join(ROOT, "examples-rust", "httpd", "src", "main.rs")
