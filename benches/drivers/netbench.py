#!/usr/bin/env python3
"""Network benchmarks: Eremit against a Linux guest under the same QEMU options
(`make bench-net` runs them on QEMU's user network and then on tap devices; `python3
benches/drivers/netbench.py [--quick] [--net-mode user,tap]` alone; benches/drivers/bench.py
runs them as its network section). Writes build/bench/results-net.md and results-net.json.

Both guests run the same servers, one per boot, on q35 with virtio-net-pci (modern),
512 MiB, 1 vCPU, the accelerator of the run, booted with QEMU's -kernel: Eremit's image
itself; for Linux Debian's kernel (/boot/vmlinuz-*, from the linux-image-amd64 package)
with an initramfs built here (busybox-static, the virtio modules of that kernel, an /init
that configures eth0 and execs the server the kernel command line names). The servers:
  netserver   benches/net/netserver.c: streams both ways and 1-byte ping-pong;
  httpserver  benches/net/httpserver.c: keep-alive HTTP, one thread, poll();
  httpd       examples-rust/httpd: keep-alive HTTP on std::net, a thread per connection.
The C servers are built with x86_64-hermit-gcc for Eremit and the host's `gcc -static`
for Linux; httpd with cargo for x86_64-unknown-hermit and rustc for
x86_64-unknown-linux-gnu (static).

Network, in order of preference:
  tap   a network namespace created for the run (`ip netns add`), one tap device per
        guest inside it (`ip tuntap`), the host side 10.77.N.1/24, the guest 10.77.N.2
        (static: Eremit's ip=/gateway= kernel options, `ip addr` in Linux's /init); QEMU
        and the client run inside the namespace (`ip netns exec`). Needs root.
  user  QEMU's user network (slirp) with a forwarded port per guest (hostfwd on
        127.0.0.1), the guest 10.0.2.15. Slirp copies every byte through the QEMU
        process and caps throughput for both guests alike. As root QEMU and the client
        run in a namespace made for the run here too, so that the client's TIME-WAIT
        sockets (capped as on tap) are not the host's.
Only this machine's own loopback and namespaces carry traffic.

Measurements, round-robin between the guests (booted together, idle while another is
measured; their order reversed every other round), medians of --runs rounds (5) after a
warm-up:
  * keep-alive HTTP: `wrk -t1 -cN` with N = 1, 8, 32 against each HTTP server (req/s);
  * short connections: the same with `-H 'Connection: close'` against the C server (one
    request per connection; the server answers and closes, wrk closes too);
  * throughput host -> guest: 64 MiB sent to netserver, which counts and answers the
    count (timed from connect to the answer);
  * throughput guest -> host: the server sends 64 MiB;
  * latency: 1-byte request/response round trips on one connection (TCP_NODELAY both
    sides), 2000 per run: the median and the 99th percentile of each run;
  * boot to listening: from QEMU's start to the server's "listening" line;
  * idle host CPU: each idle guest's QEMU process, over 10 s.
--quick: one round, 3 s per wrk measurement, 16 MiB streams, 500 round trips.
--baseline-toolchain DIR: the C servers built with DIR/bin/x86_64-hermit-gcc run as a
third guest ("Eremit before") in the same rounds.
The stream and latency client is Python on the host; its own cost is the same for all.

Files: this one runs the rounds; netbench_build.py builds the servers and the Linux
guest's initramfs, netbench_guests.py sets up the network and boots the guests,
netbench_clients.py holds the clients (wrk and the Python one), netbench_report.py writes
the table; netbench_common.py is what they share.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from benchlib import OUT  # noqa: E402
from netbench_build import build, build_baseline
from netbench_clients import measure_once, wrk_once
from netbench_common import ALL_GUESTS, GUEST_NAMES, GUESTS, PROGRAM_TITLES, NetSkip, progress
from netbench_guests import GuestVM, Network, idle_cpu
from netbench_report import HTTP_CONNS, report

THROUGHPUT_BYTES = 64 << 20
ROUND_TRIPS = 2000


# Sizes of one run: the full benchmark and --quick.
FULL = {"runs": 5, "wrk_seconds": 5, "stream_bytes": THROUGHPUT_BYTES, "round_trips": ROUND_TRIPS,
        "idle_seconds": 10}
QUICK = {"runs": 1, "wrk_seconds": 3, "stream_bytes": 16 << 20, "round_trips": 500,
         "idle_seconds": 5}


def boot_pair(art, net, accel, prog, guests):
    vms = [GuestVM(g, art, net, accel, prog) for g in guests if prog in art.get(g, {prog: 1})]
    try:
        for vm in vms:
            vm.wait_ready()
            progress(f"{GUEST_NAMES[vm.guest]} ({prog}) listening after {vm.boot_s:.2f} s")
    except BaseException:
        for vm in vms:
            vm.stop()
        raise
    return vms


def close_measures(net, size):
    """Short connections: `wrk -H 'Connection: close'` against the C server, one request
    per connection (connect, GET, the server's answer and FIN), with HTTP_CONNS clients;
    round_robin's (key, function) pairs."""
    def close(conns):
        def fn(g, warm_up):
            secs = 2 if warm_up else size["wrk_seconds"]
            return {f"close_c{conns}_rps": wrk_once(net, g, conns, secs, ("Connection: close",))}
        return fn
    return [(f"close{c}", close(c)) for c in HTTP_CONNS]


def round_robin(runs, measures, samples, errors, guests):
    """`runs` rounds after a warm-up; in each, every measure for every guest in turn, the
    guests' order reversed every other round (a host whose load drifts during a round
    then favours neither guest)."""
    for i in range(runs + 1):
        order = guests if i % 2 == 0 else guests[::-1]
        for key, fn in measures:
            for g in order:
                if (g, key) in errors:
                    continue
                try:
                    value = fn(g, warm_up=i == 0)
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                    errors[(g, key)] = str(e)
                    progress(f"{GUEST_NAMES[g]} failed: {e}")
                    continue
                if i > 0:
                    for k, v in value.items():
                        samples[g].setdefault(k, []).append(v)


def run_benchmarks(runs=3, accel="tcg", mode="auto", quick=False, baseline=None):
    """Returns a result dict: {"ok": True, ...} or {"ok": False, "reason": ...}.
    `baseline`: a toolchain directory whose C servers run as a third guest."""
    size = dict(QUICK if quick else FULL)
    size["runs"] = runs if runs else size["runs"]
    started = time.monotonic()
    net = None
    vms = []
    try:
        progress("building the servers for both guests and the Linux guest's initramfs")
        art = build(accel)
        guests = GUESTS
        if baseline:
            art["before"] = build_baseline(baseline)
            guests = ALL_GUESTS
        net = Network(mode)
        if net.note:
            progress(net.note)
        samples = {g: {} for g in guests}
        errors = {}
        boot = {}
        idle = {}
        progress(f"network: {net.mode}; streams and latency (netserver), {size['runs']} runs")
        vms = boot_pair(art, net, accel, "netserver", guests)
        boot = {vm.guest: vm.boot_s for vm in vms}
        idle = idle_cpu(vms, size["idle_seconds"])
        progress("idle host CPU: " + ", ".join(f"{GUEST_NAMES[g]} {v:.1f}%" for g, v in idle.items()))

        def stream(g, warm_up):
            n = size["stream_bytes"] // (4 if warm_up else 1)
            a = measure_once(net, g, "in", n)
            b = measure_once(net, g, "out", n)
            c = measure_once(net, g, "rtt", size["round_trips"])
            return {"in_MBps": a["bytes"] / a["seconds"] / 1e6,
                    "out_MBps": b["bytes"] / b["seconds"] / 1e6,
                    "rtt_median_us": c["median_us"], "rtt_p99_us": c["p99_us"]}
        round_robin(size["runs"], [("stream", stream)], samples, errors,
                    [vm.guest for vm in vms])
        for vm in vms:
            try:
                measure_once(net, vm.guest, "quit", 0)
            except Exception:
                pass
            vm.stop()
        if shutil.which("wrk") is None:
            errors[("all", "http")] = "no wrk on the host (apt-get install wrk)"
        else:
            for prog in ("httpserver", "httpd"):
                progress(f"keep-alive HTTP, {PROGRAM_TITLES[prog]}: wrk with "
                         f"{', '.join(map(str, HTTP_CONNS))} connections, {size['runs']} runs")
                vms = boot_pair(art, net, accel, prog, guests)

                def http(conns, prog=prog):
                    def fn(g, warm_up):
                        secs = 2 if warm_up else size["wrk_seconds"]
                        return {f"{prog}_c{conns}_rps": wrk_once(net, g, conns, secs)}
                    return fn
                measures = [(f"{prog}{c}", http(c)) for c in HTTP_CONNS]
                if prog == "httpserver":
                    measures += close_measures(net, size)
                round_robin(size["runs"], measures, samples, errors, [vm.guest for vm in vms])
                for vm in vms:
                    vm.stop()
        if all(not samples[g] for g in guests):
            raise NetSkip("both guests failed: " + "; ".join(errors.values()))
        return {
            "ok": True, "mode": net.mode, "network": net.describe(), "note": net.note,
            "accel": accel, "runs": size["runs"], "quick": quick,
            "throughput_bytes": size["stream_bytes"], "round_trips": size["round_trips"],
            "wrk_seconds": size["wrk_seconds"], "idle_seconds": size["idle_seconds"],
            "kernel": art["kernel"], "kernel_version": art["kernel_version"],
            "linux_modules": art["modules"],
            "boot_to_listening_s": boot, "idle_cpu_percent": idle,
            "samples": samples, "errors": {f"{g}/{k}": v for (g, k), v in errors.items()},
            "baseline": baseline,
            "image_bytes": {"eremit": os.path.getsize(art["eremit"]["netserver"]),
                            "linux_kernel": os.path.getsize(art["kernel"]),
                            "linux_initramfs": os.path.getsize(art["initrd"])},
            "seconds": time.monotonic() - started,
        }
    except NetSkip as e:
        return {"ok": False, "mode": mode, "reason": str(e)}
    except Exception as e:  # an optional section must not end the whole benchmark run
        return {"ok": False, "mode": mode, "reason": f"{type(e).__name__}: {e}"}
    finally:
        for vm in vms:
            vm.stop()
        if net:
            net.cleanup()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=0, help="runs per guest (default 5, --quick 1)")
    ap.add_argument("--quick", action="store_true",
                    help="one run, 3 s per wrk measurement, 16 MiB streams (a few minutes)")
    ap.add_argument("--accel", choices=("tcg", "kvm"), default="tcg")
    ap.add_argument("--baseline-toolchain", metavar="DIR",
                    help="also run the C servers built with DIR/bin/x86_64-hermit-gcc (another "
                         "worktree's build/toolchain: the kernel before a change) as a third "
                         "guest, for before/after figures in the same rounds")
    ap.add_argument("--net-mode", default="auto",
                    help="comma-separated: tap (a namespace with tap devices; root), user "
                         "(slirp), auto: tap, else user (default)")
    args = ap.parse_args()
    modes = args.net_mode.split(",")
    for m in modes:
        if m not in ("auto", "tap", "user"):
            ap.error(f"unknown network mode {m}")
    results = [run_benchmarks(args.runs, args.accel, m, args.quick, args.baseline_toolchain)
               for m in modes]
    text = "# Eremit network benchmarks\n" + "".join(report(r) for r in results)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results-net.md"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "results-net.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    sys.stdout.write(text)
    return 0 if all(r.get("ok") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
