"""Building what the network benchmark (netbench.py) boots: the servers for both guests
(x86_64-hermit-gcc and `gcc -static`; examples-rust/httpd with cargo and rustc), the
Linux guest's initramfs (busybox-static, the virtio modules of Debian's kernel, an /init
that configures eth0 and execs the server), and the C servers of another toolchain for
--baseline-toolchain."""

import glob
import lzma
import os
import re
import shutil
import subprocess
import time

from benchlib import EREMIT, HERMIT_CC, ROOT  # noqa: E402
from netbench_common import (HTTP_SRC, HTTPD_SRC, PORT, SERVER_SRC, WORK, NetSkip, progress,
                             run)

# The virtio-net stack of Debian's kernel, as modules (virtio_pci and virtio_net are =m).
LINUX_MODULES = ["virtio_pci", "virtio_net"]


def install_guest_packages(why):
    """The Linux guest's kernel and busybox through scripts/ensure-deps.sh (the one place
    that installs packages); False when that failed."""
    progress(f"installing {why} (scripts/ensure-deps.sh netbench)")
    p = subprocess.run([os.path.join(ROOT, "scripts", "ensure-deps.sh"), "netbench"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return p.returncode == 0


def find_kernel():
    """Debian's kernel (/boot/vmlinuz-VERSION) with its modules; installs linux-image-amd64
    when there is none (the running system is not touched: the file is only read)."""
    def candidates():
        out = []
        for path in sorted(glob.glob("/boot/vmlinuz-*")):
            version = os.path.basename(path)[len("vmlinuz-"):]
            if os.path.isdir(f"/lib/modules/{version}"):
                out.append((path, version))
        return out
    found = candidates()
    if not found and shutil.which("apt-get") and os.geteuid() == 0:
        install_guest_packages("the Linux guest's kernel")
        found = candidates()
    if not found:
        raise NetSkip("no /boot/vmlinuz-* with /lib/modules (apt-get install linux-image-amd64)")
    return found[-1]


def find_busybox():
    for path in ("/bin/busybox", "/usr/bin/busybox"):
        if os.path.exists(path) and "statically linked" in run(["file", "-L", path], check=False).stdout:
            return path
    if shutil.which("apt-get") and os.geteuid() == 0:
        install_guest_packages("the Linux guest's shell and ip")
        if os.path.exists("/bin/busybox"):
            return "/bin/busybox"
    raise NetSkip("no static busybox (apt-get install busybox-static)")


def module_files(version, names):
    """The .ko files of `names` and what they depend on, dependencies first."""
    base = f"/lib/modules/{version}"
    deps = {}
    with open(os.path.join(base, "modules.dep")) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[mod.strip()] = rest.split()
    by_name = {re.sub(r"\.ko(\.\w+)?$", "", os.path.basename(m)).replace("-", "_"): m for m in deps}
    order = []

    def visit(m):
        for d in deps.get(m, []):
            visit(d)
        if m not in order:
            order.append(m)
    for n in names:
        if n not in by_name:
            raise NetSkip(f"kernel {version} has no module {n} (built in?)")
        visit(by_name[n])
    return [os.path.join(base, m) for m in order]


def read_module(path):
    data = open(path, "rb").read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    if path.endswith(".gz"):
        import gzip
        return gzip.decompress(data)
    return data


def cpio_newc(entries):
    """A newc cpio archive of (name, mode, data) entries (directories: data None)."""
    out = bytearray()

    def pad4():
        while len(out) % 4:
            out.append(0)
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], 1):
        body = data or b""
        nb = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 2 if mode & 0o040000 else 1, 0, len(body), 0, 0, 0, 0, len(nb), 0]
        out += b"070701" + b"".join(b"%08X" % v for v in fields) + nb
        pad4()
        out += body
        pad4()
    return bytes(out)


INIT = r"""#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in MODULES; do /bin/busybox insmod /lib/modules/$m || echo "init: insmod $m failed"; done
prog=netserver
for arg in $(/bin/busybox cat /proc/cmdline); do
    case "$arg" in
        bench_ip=*) ip="${arg#bench_ip=}" ;;
        bench_gw=*) gw="${arg#bench_gw=}" ;;
        bench_prog=*) prog="${arg#bench_prog=}" ;;
    esac
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do /bin/busybox sleep 0.1; i=$((i+1)); done
/bin/busybox ip link set lo up
/bin/busybox ip link set eth0 up
/bin/busybox ip addr add "$ip" dev eth0
/bin/busybox ip route add default via "$gw"
exec /$prog PORT
"""



def build_initramfs(path, busybox, servers, version):
    mods = module_files(version, LINUX_MODULES)
    entries = [("dev", 0o040755, None), ("proc", 0o040755, None), ("sys", 0o040755, None),
               ("bin", 0o040755, None), ("lib", 0o040755, None), ("lib/modules", 0o040755, None),
               ("bin/busybox", 0o100755, open(busybox, "rb").read())]
    for name, server in servers.items():
        entries.append((name, 0o100755, open(server, "rb").read()))
    names = []
    for m in mods:
        name = re.sub(r"\.(xz|zst|gz)$", "", os.path.basename(m))
        names.append(name)
        entries.append((f"lib/modules/{name}", 0o100644, read_module(m)))
    init = INIT.replace("MODULES", " ".join(names)).replace("PORT", str(PORT))
    entries.append(("init", 0o100755, init.encode()))
    with open(path, "wb") as f:
        f.write(cpio_newc(entries))
    return names


def build_rust_httpd():
    """examples-rust/httpd for both guests: the Eremit image with cargo (the examples'
    workspace builds for x86_64-unknown-hermit), the Linux binary with rustc alone
    (the same source; its only dependency, the hermit crate, is for Eremit only),
    statically linked like the C servers."""
    linux = os.path.join(WORK, "httpd-linux")
    run(["cargo", "build", "--release", "-p", "httpd"], timeout=1800,
        cwd=os.path.join(ROOT, "examples-rust"))
    eremit = os.path.join(ROOT, "examples-rust", "target", "x86_64-unknown-hermit", "release", "httpd")
    run(["rustc", "--edition", "2024", "-O", "-C", "panic=abort", "-C", "target-feature=+crt-static",
         "--target", "x86_64-unknown-linux-gnu", HTTPD_SRC, "-o", linux],
        timeout=600, cwd=os.path.join(ROOT, "examples-rust"))
    return eremit, linux


def tsc_khz(accel, image):
    """The TSC rate the runner passes to Eremit (it measures it once and caches it): read
    from its --verbose lines, then the guest (a server that would wait for clients) ends."""
    p = subprocess.Popen([EREMIT, "run", "--verbose", "--accel", accel, image, "1"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, errors="replace")
    found = None
    try:
        end = time.monotonic() + 120
        for line in p.stderr:
            m = re.search(r"tsc_khz=(\d+)", line)
            if m:
                found = int(m.group(1))
                break
            if time.monotonic() > end:
                break
    finally:
        p.kill()
        p.wait()
    return found


def build_baseline(toolchain):
    """The C servers built with another toolchain's x86_64-hermit-gcc (its kernel)."""
    cc = os.path.join(toolchain, "bin", "x86_64-hermit-gcc")
    if not os.path.exists(cc):
        raise NetSkip(f"no {cc}")
    out = {}
    for name, src in (("netserver", SERVER_SRC), ("httpserver", HTTP_SRC)):
        out[name] = os.path.join(WORK, f"{name}-before")
        run([cc, "-O2", "-Wall", "-Wextra", src, "-o", out[name]])
    return out


def build(accel):
    """The servers for both guests, the initramfs, the kernel; raises NetSkip with a reason."""
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(HERMIT_CC) or not os.path.exists(EREMIT):
        raise NetSkip("build/toolchain is missing (make toolchain-c)")
    qemu = os.environ.get("EREMIT_QEMU", "qemu-system-x86_64")
    if not shutil.which(qemu):
        raise NetSkip(f"{qemu} is missing")
    eremit, linux = {}, {}
    for name, src in (("netserver", SERVER_SRC), ("httpserver", HTTP_SRC)):
        eremit[name] = os.path.join(WORK, f"{name}-eremit")
        linux[name] = os.path.join(WORK, f"{name}-linux")
        run([HERMIT_CC, "-O2", "-Wall", "-Wextra", src, "-o", eremit[name]])
        p = run(["gcc", "-O2", "-static", "-Wall", "-Wextra", src, "-o", linux[name]], check=False)
        if p.returncode != 0:
            raise NetSkip(f"gcc -static failed (glibc's static libraries: libc6-dev): {p.stderr[-500:]}")
    eremit["httpd"], linux["httpd"] = build_rust_httpd()
    kernel, version = find_kernel()
    busybox = find_busybox()
    initrd = os.path.join(WORK, "initramfs-linux.cpio")
    modules = build_initramfs(initrd, busybox, linux, version)
    # The TSC rate the runner passes to Eremit (it caches it).
    tsc = tsc_khz(accel, eremit["netserver"])
    return {"qemu": qemu, "eremit": eremit, "linux": linux,
            "kernel": kernel, "kernel_version": version, "initrd": initrd, "modules": modules,
            "busybox": busybox, "tsc_khz": tsc}
