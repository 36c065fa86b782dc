"""The network benchmark's table (netbench.py): medians of every guest's samples, ratios
Eremit / Linux guest, the notes that say what was measured, in markdown."""

import os
import statistics

from netbench_common import GUEST_NAMES, PROGRAM_TITLES

HTTP_CONNS = (1, 8, 32)


def med(values):
    return statistics.median(values) if values else None


def report(res):
    lines = ["", f"## Network: Eremit against a Linux guest ({res.get('mode', '?')} networking)", ""]
    if not res.get("ok"):
        lines += [f"Skipped: {res.get('reason', 'unknown')}", ""]
        return "\n".join(lines) + "\n"
    s = res["samples"]
    mib = res["throughput_bytes"] >> 20
    lines += [
        f"The same servers in both guests, q35 with virtio-net-pci, 512 MiB, 1 vCPU, "
        f"{res['accel'].upper()}, the same QEMU options; network: {res['network']}. Medians of "
        f"{res['runs']} run{'s' if res['runs'] != 1 else ''} (after a warm-up), the guests "
        f"alternating{' (--quick)' if res.get('quick') else ''}. Ratio = Eremit / Linux guest.",
        "",
    ]
    before = "before" in s
    if lines[-1] == "":
        lines.pop()
    if before:
        lines[-1] += (f" Eremit before: the C servers built with {res['baseline']} (the kernel "
                      "before this branch's changes), run in the same rounds; after/before = "
                      "Eremit / Eremit before.")
        lines += ["", "| metric | Eremit | Linux guest | ratio | better | Eremit before | after/before |",
                  "|---|---|---|---|---|---|---|"]
    else:
        lines += ["", "| metric | Eremit | Linux guest | ratio | better |", "|---|---|---|---|---|"]

    def row(title, key, higher_better, fmt):
        e, l = med(s["eremit"].get(key, [])), med(s["linux"].get(key, []))
        extra = ""
        if before:
            b = med(s["before"].get(key, []))
            extra = (f" {fmt(b)} | {e / b:.2f} |" if b and e is not None else
                     f" {fmt(b) if b is not None else '-'} | - |")
        if e is None or l is None:
            lines.append(f"| {title} | {fmt(e) if e is not None else 'failed'} | "
                         f"{fmt(l) if l is not None else 'failed'} | - | - |{extra}")
            return
        r = e / l if l else float("inf")
        better = ("Eremit" if (r > 1) == higher_better else "Linux guest") if abs(r - 1) > 0.02 else "same"
        factor = r if r >= 1 else 1 / r
        lines.append(f"| {title} | {fmt(e)} | {fmt(l)} | {r:.2f} | {better}"
                     f"{f' ({factor:.1f}x)' if better != 'same' else ''} |{extra}")

    for prog in ("httpserver", "httpd"):
        for c in HTTP_CONNS:
            row(f"HTTP keep-alive, {PROGRAM_TITLES[prog]}, {c} connection{'s' if c > 1 else ''} (req/s)",
                f"{prog}_c{c}_rps", True, lambda v: f"{v:,.0f}")
    for c in HTTP_CONNS:
        row(f"HTTP `Connection: close`, C poll() server, {c} client{'s' if c > 1 else ''} (req/s)",
            f"close_c{c}_rps", True, lambda v: f"{v:,.0f}")
    row(f"TCP stream host -> guest ({mib} MiB)", "in_MBps", True, lambda v: f"{v:.1f} MB/s")
    row(f"TCP stream guest -> host ({mib} MiB)", "out_MBps", True, lambda v: f"{v:.1f} MB/s")
    row(f"request/response latency, 1 byte, median of {res['round_trips']}", "rtt_median_us",
        False, lambda v: f"{v:.0f} us")
    row("request/response latency, 99th percentile", "rtt_p99_us", False, lambda v: f"{v:.0f} us")
    b = res["boot_to_listening_s"]
    if b.get("eremit") and b.get("linux"):
        r = b["eremit"] / b["linux"]
        lines.append(f"| boot to listening (QEMU start to the server's first line) | "
                     f"{b['eremit'] * 1000:.0f} ms | {b['linux'] * 1000:.0f} ms | {r:.2f} | "
                     f"{'Eremit' if r < 1 else 'Linux guest'} ({max(r, 1 / r):.1f}x) |"
                     # The third guest's boot is not timed: its wait starts after the others'.
                     + (" - | - |" if before else ""))
    idle = res.get("idle_cpu_percent", {})
    if idle:
        lines.append(f"| idle guest's QEMU, host CPU over {res['idle_seconds']} s | "
                     f"{idle['eremit']:.1f}% | {idle['linux']:.1f}% | - | - |"
                     + (f" {idle['before']:.1f}% | - |" if before and "before" in idle else
                        (" - | - |" if before else "")))
    im = res["image_bytes"]
    lines += [
        "",
        "Notes:",
        f"- Linux guest: Debian's kernel {res['kernel_version']} ({os.path.basename(res['kernel'])}) "
        f"with an initramfs built by benches/drivers/netbench.py ({im['linux_initramfs']:,} B: "
        f"busybox-static, the modules {', '.join(m[:-3] for m in res['linux_modules'])}, an /init "
        "that configures eth0 and execs the server); the C servers (benches/net/netserver.c, "
        "benches/net/httpserver.c) built with `gcc -O2 -static` for it and x86_64-hermit-gcc for "
        "Eremit; the Rust server (examples-rust/httpd, a thread per connection) with rustc for "
        "x86_64-unknown-linux-gnu (static) and cargo for x86_64-unknown-hermit.",
        f"- HTTP: `wrk -t1 -cN -d{res['wrk_seconds']}s` on the host, GET / (a 33-byte body) on "
        "connections kept alive; `Connection: close`: the same with `-H 'Connection: close'`, a "
        "new connection per request. Streams: timed by a Python client from connect until the "
        "server's count (host -> guest) or the end of the stream (guest -> host); latency: "
        "1-byte ping-pong with TCP_NODELAY both sides.",
    ]
    if res["mode"] == "user":
        lines.append("- User-mode networking: slirp in the QEMU process carries every byte, and "
                     "its costs are in both columns.")
    if res.get("note"):
        lines.append(f"- {res['note']}.")
    if res["accel"] == "tcg":
        lines.append("- Both guests run translated code (TCG): the figures measure the guests' "
                     "network paths under emulation, not what they reach with KVM.")
    for k, err in res.get("errors", {}).items():
        lines.append(f"- {k} failed during the runs: {err}")
    per_run = "; ".join(
        f"{GUEST_NAMES[g]}: " + ", ".join(
            f"{k} " + "/".join(f"{v:.0f}" for v in vals) for k, vals in sorted(s[g].items()))
        for g in s)
    lines.append(f"- Every run: {per_run}.")
    return "\n".join(lines) + "\n"
