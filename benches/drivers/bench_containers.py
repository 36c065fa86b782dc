#!/usr/bin/env python3
"""Containers: `podman run --rm` of a hello program as an Eremit image (packed by `eremit
pkg`, run by eremit-runtime) versus the same program built natively and static in a
`FROM scratch` image run by runc, in the same run, alternating rounds; `eremit run` of
the same image without podman is the third column (what the container machinery adds).
Every run must print the program's line and exit 0.

Needs podman, runc (scripts/ensure-deps.sh oci), the C toolchain (`make
toolchain-c`) and build/toolchain/bin/eremit-runtime (or --runtime PATH); without the
runtime it says so and exits 0, measuring nothing. Podman runs in a store of its own
under build/bench/containers, with a containers.conf asking for no rlimits (the sandbox
refuses setrlimit). Writes a Markdown table to stdout and build/bench/results-containers.md,
every sample to build/bench/results-containers.json; progress goes to stderr."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (EREMIT, HERMIT_CC, OUT, ROOT, BenchError, main_exit,  # noqa: E402
                      make_progress, publish_table, round_robin, run_checked, run_matching,
                      rel, short_meta, summaries)

SRC = os.path.join(ROOT, "benches", "containers", "hello.c")
WORK = os.path.join(OUT, "containers")
RUNTIME = os.path.join(ROOT, "build", "toolchain", "bin", "eremit-runtime")
LINE = re.compile(r"^hello from a container$", re.M)
EREMIT_TAG = "localhost/eremit-bench-hello:latest"
NATIVE_TAG = "localhost/native-bench-hello:latest"

progress = make_progress("bench-containers")


def podman_base():
    """podman with the benchmark's own store and containers.conf."""
    conf = os.path.join(WORK, "containers.conf")
    with open(conf, "w") as f:
        f.write("[containers]\ndefault_ulimits = []\n")
    os.environ["CONTAINERS_CONF"] = conf
    return ["podman", "--root", os.path.join(WORK, "root"), "--runroot", os.path.join(WORK, "run")]


def build(podman):
    """Both images in podman's store."""
    native, image = os.path.join(WORK, "hello.native"), os.path.join(WORK, "hello.eremit")
    run_checked("gcc -static", ["gcc", "-O2", "-static", SRC, "-o", native])
    run_checked("x86_64-hermit-gcc", [HERMIT_CC, "-O2", SRC, "-o", image])
    archive = os.path.join(WORK, "hello-eremit.tar")
    run_checked("eremit pkg", [EREMIT, "pkg", "-t", EREMIT_TAG, "-o", archive, image])
    run_checked("podman load", [*podman, "load", "-i", archive])
    context = os.path.join(WORK, "native-context")
    os.makedirs(context, exist_ok=True)
    shutil.copy(native, os.path.join(context, "hello"))
    with open(os.path.join(context, "Containerfile"), "w") as f:
        f.write('FROM scratch\nCOPY hello /hello\nENTRYPOINT ["/hello"]\n')
    run_checked("podman build (native)", [*podman, "build", "-q", "-t", NATIVE_TAG, context])
    return image


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    ap.add_argument("--runtime", default=RUNTIME, help="eremit-runtime (default build/toolchain/bin/)")
    args = ap.parse_args()
    started = time.monotonic()
    runtime = os.path.abspath(args.runtime)
    if not os.access(runtime, os.X_OK):
        progress(f"skipped: no eremit-runtime at {rel(runtime)} (it comes with the "
                 "OCI runtime's branch; --runtime PATH to use another)")
        return 0
    if not (shutil.which("podman") and shutil.which("runc")):
        subprocess.run([os.path.join(ROOT, "scripts", "ensure-deps.sh"), "oci"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    for tool in ("podman", "runc", "gcc"):
        if not shutil.which(tool):
            raise BenchError(f"missing {tool} (scripts/ensure-deps.sh oci installs it)")
    os.makedirs(WORK, exist_ok=True)
    podman = podman_base()
    progress("building hello static and for Eremit; eremit pkg, podman load, podman build")
    image = build(podman)
    configs = {
        "native_runc": [*podman, "run", "--rm", "--runtime", shutil.which("runc"), NATIVE_TAG],
        "eremit_runtime": [*podman, "run", "--rm", "--runtime", runtime, EREMIT_TAG],
        "eremit_run": [EREMIT, "run", "--timeout", "300", image],
    }

    def run_one(name, cmd, number, tag):
        r, _ = run_matching(cmd, 600, LINE)
        return {"wall": r.wall}

    samples, _ = round_robin(configs, args.runs, run_one, progress, warmup=1)
    stats = summaries(samples, ("wall",))
    native = stats["native_runc"]["wall"]["median"]
    labels = {"native_runc": "podman run --rm --runtime runc, native static hello (FROM scratch)",
              "eremit_runtime": "podman run --rm --runtime eremit-runtime, Eremit hello (eremit pkg)",
              "eremit_run": "eremit run, the same Eremit image (no podman)"}
    rows = []
    for name, st in stats.items():
        w = st["wall"]
        rows.append([labels[name], f"{w['median']:.2f} s ({w['min']:.2f}-{w['max']:.2f})",
                     "1.00" if name == "native_runc" else f"{w['median'] / native:.2f}"])
    version = subprocess.run([runtime, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    podman_version = subprocess.run(["podman", "--version"], capture_output=True, text=True).stdout.strip()
    publish_table(
        "containers", "Containers: podman run --rm of hello",
        short_meta(args.runs, runtime=rel(runtime), runtime_version=version,
                   podman=podman_version),
        f"TCG; {podman_version}, {rel(runtime)} ({version}).",
        ["command", "wall time, start to exit", "vs runc"], rows,
        "Each run printed the program's line and exited 0; one warm-up round first. The "
        "containers' wall time includes podman's own work (storage, network namespace, "
        "conmon) as well as the runtime's; the Eremit rows include booting the VM under TCG.",
        stats, samples, progress, started)
    return 0


if __name__ == "__main__":
    main_exit(main, "bench-containers")
