"""Where the network benchmark's guests run (netbench.py): the network (a namespace with
tap devices, or QEMU's user network), the QEMU process of each guest with the same options
for both, and the host CPU an idle guest's QEMU uses."""

import os
import re
import shutil
import socket
import subprocess
import time

from netbench_common import (ALL_GUESTS, BOOT_TIMEOUT, GUEST_NAMES, MAC, PORT, WORK, NetSkip,
                             run)

# TIME-WAIT sockets the client's namespace keeps (see Network._namespace).
TIME_WAIT_BUCKETS = 1024


class Network:
    """Where the guests are and how to reach them: a namespace with taps, or user mode."""

    def __init__(self, mode):
        self.mode = mode
        self.ns = None
        self.note = ""
        if mode in ("auto", "tap"):
            try:
                self._tap()
                self.mode = "tap"
                return
            except NetSkip as e:
                if mode == "tap":
                    raise
                self.note = f"tap networking could not be set up ({e}); fell back to QEMU's user network"
                self.cleanup()
        self.mode = "user"
        self.ports = {g: self._free_port() for g in ALL_GUESTS}
        # QEMU and the client in a namespace of their own here too, when one can be made:
        # the client's TIME-WAIT sockets are then the run's, not the host's (see
        # _namespace); otherwise in the host's.
        try:
            self._namespace()
        except NetSkip as e:
            self.cleanup()
            note = f"the user network runs in the host's namespace ({e})"
            self.note = f"{self.note}; {note}" if self.note else note

    @staticmethod
    def _free_port():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def _tap(self):
        if not os.path.exists("/dev/net/tun"):
            raise NetSkip("no /dev/net/tun")
        self._namespace()
        ex = ["ip", "netns", "exec", self.ns]
        for i, g in enumerate(ALL_GUESTS):
            tap = f"ebtap{i}"
            run(ex + ["ip", "tuntap", "add", "dev", tap, "mode", "tap"])
            run(ex + ["ip", "addr", "add", f"10.77.{i}.1/24", "dev", tap])
            run(ex + ["ip", "link", "set", tap, "up"])

    def _namespace(self):
        """A network namespace for the run (self.ns) with its loopback up."""
        if os.geteuid() != 0:
            raise NetSkip("not root")
        if not shutil.which("ip"):
            raise NetSkip("no `ip` (iproute2)")
        # Namespaces left by runs that were killed (their process is gone).
        for line in run(["ip", "netns", "list"], check=False).stdout.splitlines():
            m = re.match(r"eremit-bench-(\d+)\b", line)
            if m and not os.path.exists(f"/proc/{m.group(1)}"):
                subprocess.run(["ip", "netns", "del", m.group(0)], capture_output=True)
        self.ns = f"eremit-bench-{os.getpid()}"
        run(["ip", "netns", "add", self.ns])
        ex = ["ip", "netns", "exec", self.ns]
        run(ex + ["ip", "link", "set", "lo", "up"])
        # wrk closes first (it has read the answer before the server's FIN arrives), so
        # each `Connection: close` request leaves a TIME-WAIT socket on the client for
        # 60 s. At a few thousand requests per second they took all 28,232 ephemeral
        # ports of the namespace (ss counted 28,337), and every measurement after that
        # waited for a free port: the "collapse at 8+ clients" on tap, for whichever
        # guest ran then. Keeping only a few in TIME-WAIT (the kernel drops the rest at
        # once, "TCP: time wait bucket table overflow") frees the ports; the guests do not
        # send TCP timestamps, so tcp_tw_reuse could not reuse them instead.
        run(ex + ["sysctl", "-qw", f"net.ipv4.tcp_max_tw_buckets={TIME_WAIT_BUCKETS}"])

    def prefix(self):
        """The command prefix that runs QEMU and the client where the guests are."""
        return ["ip", "netns", "exec", self.ns] if self.ns else []

    def netdev(self, guest):
        i = ALL_GUESTS.index(guest)
        if self.mode == "tap":
            return f"tap,id=net0,ifname=ebtap{i},script=no,downscript=no"
        return f"user,id=net0,hostfwd=tcp:127.0.0.1:{self.ports[guest]}-:{PORT}"

    def guest_ip(self, guest):
        i = ALL_GUESTS.index(guest)
        return (f"10.77.{i}.2", 24, f"10.77.{i}.1") if self.mode == "tap" else ("10.0.2.15", 24, "10.0.2.2")

    def target(self, guest):
        """(host, port) the client connects to."""
        if self.mode == "tap":
            return self.guest_ip(guest)[0], PORT
        return "127.0.0.1", self.ports[guest]

    def describe(self):
        if self.mode == "tap":
            return ("tap: a network namespace made for the run, one tap device per guest "
                    "(host side 10.77.N.1/24, guest 10.77.N.2, static addresses), QEMU and the "
                    "client inside the namespace")
        where = (" (QEMU and the client in a network namespace made for the run, which keeps "
                 f"at most {TIME_WAIT_BUCKETS:,} TIME-WAIT sockets)") if self.ns else ""
        return ("QEMU user network (slirp), the client on 127.0.0.1 through a forwarded port "
                f"per guest (hostfwd); the guest 10.0.2.15{where}")

    def cleanup(self):
        if self.ns:
            subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)
            self.ns = None


class GuestVM:
    def __init__(self, guest, art, net, accel, prog="netserver"):
        self.guest = guest
        self.prog = prog
        self.log = os.path.join(WORK, f"{guest}-{prog}-{net.mode}-console.log")
        open(self.log, "w").close()
        ip, plen, gw = net.guest_ip(guest)
        if guest in ("eremit", "before"):
            opts = (f"tsc_khz={art['tsc_khz']} " if art["tsc_khz"] else "") + f"ip={ip}/{plen} gateway={gw}"
            kernel = ["-kernel", art[guest][prog], "-append", f"{opts} -- {prog} {PORT}"]
        else:
            kernel = ["-kernel", art["kernel"], "-initrd", art["initrd"], "-append",
                      f"console=ttyS0 quiet panic=-1 bench_ip={ip}/{plen} bench_gw={gw} bench_prog={prog}"]
        accel_opts = ["-accel", "kvm", "-cpu", "host"] if accel == "kvm" else ["-accel", "tcg", "-cpu", "max"]
        # The same options for both guests (those of `eremit run --machine q35`), with the
        # console (COM1) in a file.
        self.cmd = net.prefix() + [
            art["qemu"], *kernel, "-m", "512M", "-smp", "1", "-nodefaults", "-no-user-config",
            "-display", "none", "-no-reboot", "-M", "q35", *accel_opts,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-chardev", f"file,id=eout,path={self.log}", "-serial", "chardev:eout",
            "-chardev", "null,id=eerr", "-device", "isa-serial,chardev=eerr,iobase=0x2f8,irq=3",
            "-chardev", "null,id=elog", "-device", "isa-debugcon,chardev=elog,iobase=0xe9",
            "-netdev", net.netdev(guest),
            "-device", f"virtio-net-pci,netdev=net0,disable-legacy=on,mac={MAC}",
        ]
        self.start = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.boot_s = None

    def console(self):
        try:
            return open(self.log, errors="replace").read()
        except OSError:
            return ""

    def wait_ready(self):
        end = self.start + BOOT_TIMEOUT
        while time.monotonic() < end:
            if f"{self.prog}: listening" in self.console():
                self.boot_s = time.monotonic() - self.start
                return
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace")
                raise NetSkip(f"the {GUEST_NAMES[self.guest]} ended before listening (exit "
                              f"{self.proc.returncode}): {out[-500:]} {self.console()[-1500:]}")
            time.sleep(0.05)
        raise NetSkip(f"the {GUEST_NAMES[self.guest]} did not listen within {BOOT_TIMEOUT} s: "
                      f"{self.console()[-1500:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def host_cpu_seconds(pid):
    """User and system CPU time of a process (and its reaped children: none here)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(vms, seconds):
    """Host CPU (% of one core) each idle guest's QEMU process uses over `seconds`."""
    pids = {vm.guest: qemu_pid(vm) for vm in vms}
    before = {g: host_cpu_seconds(p) for g, p in pids.items()}
    time.sleep(seconds)
    return {g: 100.0 * (host_cpu_seconds(p) - before[g]) / seconds for g, p in pids.items()}


def qemu_pid(vm):
    """QEMU's process: the VM's own, or under `ip netns exec` (which execs) the same."""
    return vm.proc.pid
