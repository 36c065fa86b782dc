#!/usr/bin/env python3
"""OCI runtime tests (issue 18): podman (Debian's 4.3) runs Eremit images through
build/toolchain/bin/eremit-runtime (`podman --runtime`), never crun or runc. Images are
packed by `eremit pkg` (the Eremit image at /eremit/image) and loaded with `podman load`. Checked: arguments,
environment, output and exit status against the same program built natively; `podman
logs` and `inspect`; stdin with -i; a published port (-p) and the container's address
reaching a server in the guest, container to container; `podman stop` (SIGTERM to the
program, 143) within seconds; `podman kill`, `rm -f` and a killed QEMU leaving no QEMU,
virtiofsd or tap behind; volumes and resources; the runtime's own command line on a
hand-made bundle (create/state/start/kill/delete, pid file); bad input (no image, not
bootable, terminal without console socket, QEMU missing): a clear error, also in
--log as JSON, and no state left. podman's default rlimits are refused by the sandbox
here: CONTAINERS_CONF names a containers.conf with `default_ulimits = []`. Ends with
'N passed, N failed'."""

import atexit
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import BIN, CC, EREMIT, TESTS, Suite, check, once, run, scratch  # noqa: E402

RUNTIME = os.path.join(BIN, "eremit-runtime")
SRC = os.path.join(TESTS, "oci")
PODMAN = shutil.which("podman") or "/usr/bin/podman"
PREFIX = f"eremit-oci-{random.randrange(1 << 24):06x}"

suite = Suite("oci", requires=[CC, RUNTIME, PODMAN], hint="run `make toolchain-c` (podman: scripts/ensure-deps.sh oci)")
workdir = once(lambda: scratch("oci-tests-"))


def podman_env():
    conf = os.path.join(workdir(), "containers.conf")
    if not os.path.exists(conf):
        with open(conf, "w") as f:
            f.write("[containers]\ndefault_ulimits = []\n")
    return {"CONTAINERS_CONF": conf}


def podman(*args, timeout=120, input=None):
    """podman with eremit-runtime: (status, stdout, stderr)."""
    env = dict(os.environ)
    env.update(podman_env())
    try:
        p = subprocess.run([PODMAN, "--runtime", RUNTIME, *args], env=env, capture_output=True, text=True,
                           input=input, stdin=None if input is not None else subprocess.DEVNULL,
                           timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return 124, "", f"podman {' '.join(args)} timed out after {timeout} s"
    return p.returncode, p.stdout, p.stderr


def name(label):
    return f"{PREFIX}-{label}"


@once
def images():
    """label -> podman image name: echoargs and serve packed by `eremit pkg` (an archive
    loaded by podman), echoargs packed by it with --cpus 2 and an environment, and a
    native program at /eremit/image (not bootable: a Containerfile, since `eremit pkg`
    refuses it)."""
    out = {}
    for prog in ("echoargs", "serve"):
        exe = os.path.join(workdir(), prog)
        p = run([CC, "-O2", "-Wall", os.path.join(SRC, prog + ".c"), "-o", exe])
        if p.returncode != 0:
            raise RuntimeError(f"{CC} {prog}.c failed:\n{p.stderr[-3000:]}")
        out[prog] = exe
    native = os.path.join(workdir(), "native-echoargs")
    p = run(["gcc", "-O2", "-static", os.path.join(SRC, "echoargs.c"), "-o", native])
    if p.returncode != 0:
        raise RuntimeError(f"gcc echoargs.c failed:\n{p.stderr[-3000:]}")
    atexit.register(remove_containers)
    tags = {}
    packed = [("echoargs", out["echoargs"], []), ("serve", out["serve"], []),
              ("sized", out["echoargs"], ["--cpus", "2", "--memory", "64M", "--env", "GREETING=packed"])]
    for label, exe, opts in packed:
        tag = f"localhost/eremit-oci-{label}:latest"
        archive = os.path.join(workdir(), f"{label}.tar")
        p = run([EREMIT, "pkg", *opts, "-t", tag, "-o", archive, exe])
        if p.returncode != 0:
            raise RuntimeError(f"eremit pkg {label} failed:\n{p.stderr[-3000:]}")
        code, _, err = podman("load", "-q", "-i", archive)
        if code != 0:
            raise RuntimeError(f"podman load {label} failed:\n{err[-3000:]}")
        tags[label] = tag
    ctx = os.path.join(workdir(), "ctx-native")
    os.makedirs(ctx, exist_ok=True)
    shutil.copy(native, os.path.join(ctx, "image"))
    with open(os.path.join(ctx, "Containerfile"), "w") as f:
        f.write('FROM scratch\nCOPY image /eremit/image\nENTRYPOINT ["/eremit/image"]\n')
    tags["native"] = "localhost/eremit-oci-native:latest"
    code, _, err = podman("build", "-q", "-t", tags["native"], ctx)
    if code != 0:
        raise RuntimeError(f"podman build native failed:\n{err[-3000:]}")
    return {"tags": tags, "native": native}


def remove_containers():
    """Whatever a failed case left of this run's containers, then the images (the next
    run builds them again: a rebuilt tag would leave the old image dangling)."""
    names = podman("ps", "-aq", "--filter", f"name={PREFIX}")[1].split()
    if names:
        podman("rm", "-f", *names)
    podman("rmi", *[f"localhost/eremit-oci-{label}" for label in ("echoargs", "serve", "sized", "native")])


# Marks of this suite's VMs in QEMU's and virtiofsd's command lines: the containers'
# rootfs (QEMU's -kernel is in it), and the scratch directory (bundles, volumes). Other
# users of podman on the host have other ones.
MARKS = []


def track(container):
    """Remembers a container's rootfs while it is mounted, for `leftovers`."""
    merged = inspect(container, "{{.GraphDriver.Data.MergedDir}}")
    if merged:
        MARKS.append(merged)


def leftovers():
    """QEMU and virtiofsd processes of this suite's containers."""
    marks = [workdir(), *MARKS]
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if ("qemu-system" in cmd or "virtiofsd" in cmd) and any(m in cmd for m in marks):
            found.append(f"{pid}: {cmd[:160]}")
    return found


def wait_for(cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def nothing_left(what, netns=None):
    gone = wait_for(lambda: not leftovers(), 10)
    check(f"{what}: no QEMU or virtiofsd left", gone, "\n".join(leftovers()))
    if netns:
        tap = os.path.exists(netns) and run(["ip", "netns", "exec", os.path.basename(netns),
                                             "ip", "link", "show", "eremit0"]).returncode == 0
        check(f"{what}: no tap left", not tap, netns)
    code, out, _ = podman("ps", "-a", "--filter", f"name={PREFIX}", "--format", "{{.Names}}")
    return out


def inspect(container, fmt):
    return podman("inspect", "-f", fmt, container)[1].strip()


def connect(addr, port, timeout=5):
    try:
        with socket.create_connection((addr, port), timeout=timeout) as s:
            s.settimeout(timeout)
            return s.recv(100).decode(errors="replace")
    except OSError as e:
        return f"error: {e}"


def start_server(label, *opts):
    """A detached serve container, once it listens: its name."""
    c = name(label)
    opts = list(opts)
    args = opts[opts.index("--") + 1:] if "--" in opts else []
    opts = opts[:opts.index("--")] if "--" in opts else opts
    code, _, err = podman("run", "-d", "--name", c, *opts, images()["tags"]["serve"], *args)
    check(f"{label}: podman run -d starts the server", code == 0, err)
    track(c)
    up = wait_for(lambda: "listening on 8080" in podman("logs", c)[1], 60)
    check(f"{label}: the server listens (podman logs)", up, podman("logs", c))
    return c


@suite.case("args-env-exit")
def args_env_exit():
    args = ["exit=7", "two words", "ünïcode"]
    code, out, err = podman("run", "--rm", "-e", "GREETING=hi there", images()["tags"]["echoargs"], *args)
    n = subprocess.run([images()["native"], *args], env={"GREETING": "hi there"}, capture_output=True, text=True)
    check("run: stdout as natively (arguments, environment)", out == n.stdout, f"eremit:\n{out}\nnative:\n{n.stdout}\n{err}")
    check("run: stderr holds the program's stderr", "to stderr" in err, err)
    check(f"run: exit status {n.returncode} as natively", code == n.returncode, f"{code}\n{err}")
    code, out, err = podman("run", "--rm", images()["tags"]["echoargs"])
    check("run: no arguments, exit 0", code == 0 and out == "GREETING=(unset)\n", f"{code}\n{out}\n{err}")
    code, out, err = podman("run", "--rm", images()["tags"]["echoargs"], "argv0")
    check("run: argv[0] is the path inside the container", code == 0 and out == "/eremit/image\n",
          f"{code}\n{out}\n{err}")
    code, out, err = podman("run", "--rm", "-t", images()["tags"]["echoargs"], "exit=4", "t")
    # One terminal for stdout and stderr, which leave the VM by separate ports: the
    # stderr line may land anywhere in the stdout text.
    check("run -t: output through the console socket's terminal, exit status",
          code == 4 and "to stderr\n" in out and out.replace("to stderr\n", "", 1) ==
          "arg1=exit=4\narg2=t\nGREETING=(unset)\n", f"{code}\n{out!r}\n{err}")
    for flag, want in (("-t", "tty=111"), ("-i", "tty=000")):
        code, out, err = podman("run", "--rm", flag, images()["tags"]["echoargs"], "tty", input="")
        check(f"run {flag}: the program's isatty(0, 1, 2) as in a native container: {want}", out.strip() == want,
              f"{code}\n{out!r}\n{err}")


@suite.case("logs-inspect")
def logs_inspect():
    c = name("logs")
    code, _, err = podman("run", "-d", "--name", c, images()["tags"]["echoargs"], "exit=3", "x")
    check("detached run starts", code == 0, err)
    track(c)
    code, out, _ = podman("wait", c)
    check("podman wait returns the program's status 3", out.strip() == "3", out)
    _, logs, logerr = podman("logs", c)
    check("podman logs shows stdout and stderr", "arg2=x" in logs and "to stderr" in logs + logerr,
          logs + logerr)
    check("podman inspect: ExitCode 3, exited", inspect(c, "{{.State.ExitCode}} {{.State.Status}}") == "3 exited",
          inspect(c, "{{.State.ExitCode}} {{.State.Status}}"))
    podman("rm", c)
    nothing_left("logs")


@suite.case("stdin")
def stdin():
    text = "line one\nline two\n" * 100
    code, out, err = podman("run", "--rm", "-i", images()["tags"]["echoargs"], "cat", input=text)
    check("run -i: stdin reaches the program", code == 0 and out == text, f"{code}\n{out[:300]}\n{err}")


@suite.case("network-stop")
def network_stop():
    port = random.randrange(20000, 30000)
    c = start_server("net", "-p", f"{port}:8080")
    got = connect("127.0.0.1", port)
    check("-p: a published port reaches the server in the guest", got == "hello from the guest\n", got)
    addr = inspect(c, "{{.NetworkSettings.IPAddress}}")
    got = connect(addr, 8080)
    check(f"the container's address ({addr}) is the guest's", got == "hello from the guest\n", got)
    code, out, err = podman("run", "--rm", images()["tags"]["serve"], "fetch", addr)
    check("another container reaches the guest by its address", code == 0 and out == "hello from the guest\n",
          f"{code}\n{out}\n{err}")
    netns = inspect(c, "{{.NetworkSettings.SandboxKey}}")
    t0 = time.time()
    code, _, err = podman("stop", "-t", "10", c, timeout=60)
    took = time.time() - t0
    check(f"podman stop ends it within 5 s (SIGTERM to the program; {took:.1f} s)", code == 0 and took < 5, err)
    status = inspect(c, "{{.State.ExitCode}}")
    check("after stop: exit status 143 (SIGTERM, no handler)", status == "143", status)
    podman("rm", c)
    nothing_left("stop", netns)

    c = start_server("grace", "--", "ignore-term")
    t0 = time.time()
    code, _, err = podman("stop", "-t", "2", c, timeout=60)
    took = time.time() - t0
    check(f"podman stop -t 2 of a program ignoring SIGTERM: SIGKILL after the grace period ({took:.1f} s)",
          code == 0 and 2 <= took < 8, err)
    status = inspect(c, "{{.State.ExitCode}}")
    check("after stop past the grace period: exit status 137", status == "137", status)
    podman("rm", c)
    nothing_left("stop -t 2")


@suite.case("kill-rm-crash")
def kill_rm_crash():
    shared = os.path.join(workdir(), "kill-volume")
    os.makedirs(shared, exist_ok=True)
    c = start_server("kill", "-v", f"{shared}:/data")
    netns = inspect(c, "{{.NetworkSettings.SandboxKey}}")
    daemons = [p for p in leftovers() if "virtiofsd" in p]
    check("kill: the volume's virtiofsd runs", len(daemons) >= 1, leftovers())
    sockets = f"/tmp/eremit-vfs-{inspect(c, '{{.State.Pid}}')}"
    check("kill: the volume's socket directory exists", os.path.isdir(sockets), sockets)
    podman("kill", c)
    podman("wait", c, timeout=30)
    status = inspect(c, "{{.State.ExitCode}}")
    check("podman kill: exit status 137", status == "137", status)
    podman("rm", c)
    nothing_left("kill", netns)
    check("kill: the volume's socket directory is removed", not os.path.exists(sockets), sockets)

    c = start_server("rmf")
    netns = inspect(c, "{{.NetworkSettings.SandboxKey}}")
    code, _, err = podman("rm", "-f", c)
    check("podman rm -f removes a running container", code == 0, err)
    nothing_left("rm -f", netns)

    c = start_server("crash")
    qemus = [p.split(":")[0] for p in leftovers()]
    check("crash: one QEMU runs the container", len(qemus) == 1, qemus)
    for pid in qemus:
        os.kill(int(pid), 9)
    code, out, _ = podman("wait", c, timeout=30)
    check("crash: a killed QEMU ends the container with status 125", code == 0 and out.strip() == "125", out)
    logs = podman("logs", c)
    check("crash: the runner's error is in podman logs", "the guest stopped without reporting" in logs[1] + logs[2],
          logs)
    code, _, err = podman("rm", c)
    check("crash: the container is removed", code == 0, err)
    nothing_left("crash")


@suite.case("volume-resources")
def volume_resources():
    d = os.path.join(workdir(), "shared")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "note.txt"), "w") as f:
        f.write("from the host\n")
    code, out, err = podman("run", "--rm", "-v", f"{d}:/data:ro", images()["tags"]["echoargs"], "read",
                            "/data/note.txt")
    check("-v: a host directory is a volume of the VM", code == 0 and out == "from the host\n", f"{code}\n{out}\n{err}")
    code, out, err = podman("run", "--rm", "--cpus", "2", "--memory", "192m", images()["tags"]["echoargs"], "cpus")
    check("--cpus 2: two vCPUs", code == 0 and out == "cpus=2\n", f"{code}\n{out}\n{err}")
    code, out, err = podman("run", "--rm", images()["tags"]["sized"], "cpus")
    check("eremit pkg --cpus 2: the image's annotation gives two vCPUs", code == 0 and out == "cpus=2\n",
          f"{code}\n{out}\n{err}")
    code, out, err = podman("run", "--rm", images()["tags"]["sized"])
    check("eremit pkg --env: the image's environment", code == 0 and out == "GREETING=packed\n",
          f"{code}\n{out}\n{err}")
    code, out, err = podman("run", "--rm", "--cpus", "1", images()["tags"]["sized"], "cpus")
    check("--cpus 1 wins over the image's 2 vCPUs", code == 0 and out == "cpus=1\n", f"{code}\n{out}\n{err}")
    code, out, err = podman("run", "--rm", "--annotation", "org.eremit.cpus=2", images()["tags"]["echoargs"], "cpus")
    check("annotation org.eremit.cpus=2 (eremit pkg's): two vCPUs", code == 0 and out == "cpus=2\n",
          f"{code}\n{out}\n{err}")
    code, out, err = podman("run", "--rm", "--annotation", "org.eremit.memory=lots", images()["tags"]["echoargs"])
    check("a bad org.eremit.memory annotation: refused, named", code != 0 and "org.eremit.memory" in err,
          f"{code}\n{err}")
    code, out, err = podman("run", "--rm", "--memory", "32m", images()["tags"]["echoargs"])
    check("--memory below QEMU's overhead: refused with a clear error", code != 0 and "too small" in err,
          f"{code}\n{err}")
    nothing_left("volume")


def bundle(label, process, image_from=None):
    """A bundle directory: rootfs/eremit/image (a copy of image_from) and config.json."""
    b = os.path.join(workdir(), f"bundle-{label}")
    os.makedirs(os.path.join(b, "rootfs", "eremit"), exist_ok=True)
    if image_from:
        shutil.copy(image_from, os.path.join(b, "rootfs", "eremit", "image"))
    config = {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": process,
              "linux": {"namespaces": [{"type": "mount"}]}}
    with open(os.path.join(b, "config.json"), "w") as f:
        json.dump(config, f)
    return b


def runtime(root, *args, env=None, timeout=60):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([RUNTIME, "--root", root, *args], capture_output=True, text=True, env=e,
                          stdin=subprocess.DEVNULL, timeout=timeout)


@suite.case("runtime-cli")
def runtime_cli():
    images()
    root = os.path.join(workdir(), "state")
    v = runtime(root, "--version")
    check("--version names the runtime and the spec", v.returncode == 0 and "eremit-runtime" in v.stdout
          and "spec: 1.0" in v.stdout, v.stdout + v.stderr)
    f = runtime(root, "features")
    check("features is JSON with ociVersionMax", f.returncode == 0 and "ociVersionMax" in json.loads(f.stdout), f.stdout)
    echo = os.path.join(workdir(), "echoargs")
    b = bundle("ok", {"args": ["/eremit/image", "exit=5"], "env": ["GREETING=bundle"], "cwd": "/"}, echo)
    pidfile = os.path.join(b, "pid")
    out = os.path.join(workdir(), "out.txt")
    # The supervisor keeps create's stdout and stderr (the container's): files, not pipes
    # that would stay open after create returns.
    errs = os.path.join(workdir(), "err.txt")
    with open(out, "w") as o, open(errs, "w") as e:
        p = subprocess.run([RUNTIME, "--root", root, "create", "--bundle", b, "--pid-file", pidfile, "c1"],
                           stdout=o, stderr=e, stdin=subprocess.DEVNULL, timeout=60)
    check("create succeeds", p.returncode == 0, open(errs).read())
    st = json.loads(runtime(root, "state", "c1").stdout or "{}")
    pid = int(open(pidfile).read()) if os.path.exists(pidfile) else -1
    check("state: created, the pid file's pid", st.get("status") == "created" and st.get("pid") == pid and pid > 0, st)
    s = runtime(root, "start", "c1")
    check("start succeeds", s.returncode == 0, s.stderr)
    # The supervisor is not our child: wait for it to end by its pid.
    ended = wait_for(lambda: json.loads(runtime(root, "state", "c1").stdout or "{}").get("status") == "stopped", 60)
    check("state: stopped after the program ended", ended)
    check("the program's output went to create's stdout", open(out).read() == "arg1=exit=5\nGREETING=bundle\n",
          open(out).read())
    d = runtime(root, "delete", "c1")
    check("delete removes the state", d.returncode == 0 and not os.path.exists(os.path.join(root, "c1")), d.stderr)
    s = runtime(root, "state", "c1")
    check("state of a deleted container: an error", s.returncode != 0 and "does not exist" in s.stderr, s.stderr)

    # kill and delete --force of a created, then of a running container.
    b2 = bundle("serve", {"args": ["/eremit/image"], "cwd": "/"}, os.path.join(workdir(), "serve"))
    with open(os.devnull, "w") as null:
        p = subprocess.run([RUNTIME, "--root", root, "create", "--bundle", b2, "c2"], stdout=null,
                           stderr=null, stdin=subprocess.DEVNULL, timeout=60)
    check("create of a server", p.returncode == 0)
    runtime(root, "start", "c2")
    check("state: running", json.loads(runtime(root, "state", "c2").stdout or "{}").get("status") == "running")
    d = runtime(root, "delete", "c2")
    check("delete of a running container without --force: refused", d.returncode != 0, d.stderr)
    k = runtime(root, "kill", "c2", "KILL")
    check("kill KILL", k.returncode == 0, k.stderr)
    check("state: stopped after kill",
          wait_for(lambda: json.loads(runtime(root, "state", "c2").stdout or "{}").get("status") == "stopped", 10))
    d = runtime(root, "delete", "c2")
    check("delete after kill", d.returncode == 0, d.stderr)
    nothing_left("runtime kill")

    # A terminal through --console-socket, as conmon asks for it: the master arrives over
    # the socket, the program's output comes out of it, and a Ctrl-C typed into it is
    # SIGINT to the program (no handler: 130).
    b3 = bundle("tty", {"args": ["/eremit/image"], "terminal": True, "cwd": "/"}, os.path.join(workdir(), "serve"))
    sock_path = os.path.join(workdir(), "console.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(1)
    listener.settimeout(30)
    pidfile = os.path.join(b3, "pid")
    with open(os.devnull, "w") as null:
        p = subprocess.Popen([RUNTIME, "--root", root, "create", "--bundle", b3, "--console-socket", sock_path,
                              "--pid-file", pidfile, "c3"], stdout=null, stderr=null, stdin=subprocess.DEVNULL)
        conn, _ = listener.accept()
        _, fds, _, _ = socket.recv_fds(conn, 1, 1)
        p.wait(timeout=60)
    check("console socket: create sends one descriptor", p.returncode == 0 and len(fds) == 1, fds)
    if len(fds) != 1:
        return
    master = fds[0]
    check("console socket: it is a terminal's master", os.isatty(master))
    runtime(root, "start", "c3")
    seen = b""
    deadline = time.time() + 60
    # Until the whole line: the terminal may hand it over in more than one read.
    while b"listening on 8080\r\n" not in seen and time.time() < deadline:
        seen += os.read(master, 1024)
    check("console socket: the program's output comes out of the terminal", b"listening on 8080\r\n" in seen, seen)
    pid = int(open(pidfile).read())
    os.write(master, b"\x03")
    ended = wait_for(lambda: json.loads(runtime(root, "state", "c3").stdout or "{}").get("status") == "stopped", 30)
    check("console socket: Ctrl-C on the terminal ends the program (SIGINT)", ended)
    os.close(master)
    runtime(root, "delete", "--force", "c3")
    check("console socket: the supervisor is gone", not os.path.exists(f"/proc/{pid}") or
          open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z")
    nothing_left("console socket")


def refused(label, b, expect, env=None):
    """create must fail with `expect` on stderr and in the JSON log, and leave no state."""
    root = os.path.join(workdir(), f"state-{label}")
    log = os.path.join(workdir(), f"log-{label}.json")
    p = runtime(root, "--log", log, "--log-format", "json", "create", "--bundle", b, "bad", env=env)
    check(f"{label}: create fails with a clear error", p.returncode != 0 and expect in p.stderr, p.stderr)
    lines = open(log).read().splitlines() if os.path.exists(log) else []
    entry = json.loads(lines[-1]) if lines else {}
    check(f"{label}: the error is in --log as JSON", entry.get("level") == "error" and expect in entry.get("msg", ""),
          lines)
    s = runtime(root, "state", "bad")
    check(f"{label}: no state left", s.returncode != 0 and not os.path.exists(os.path.join(root, "bad")), s.stdout)


@suite.case("bad-input")
def bad_input():
    tags = images()["tags"]
    code, _, err = podman("run", "--rm", tags["native"])
    check("podman: a native program as the image: refused",
          code != 0 and "not a bootable Eremit image" in err, f"{code}\n{err}")
    code, _, err = podman("run", "--rm", "--entrypoint", "/nowhere/image", tags["echoargs"])
    check("podman: a missing args[0]: refused", code != 0 and "/nowhere/image" in err, f"{code}\n{err}")
    echo = os.path.join(workdir(), "echoargs")
    refused("missing", bundle("missing", {"args": ["/eremit/none"], "cwd": "/"}), "cannot open the image")
    refused("native", bundle("native", {"args": ["/eremit/image"], "cwd": "/"}, images()["native"]),
            "not a bootable Eremit image")
    refused("terminal", bundle("terminal", {"args": ["/eremit/image"], "terminal": True, "cwd": "/"}, echo),
            "no --console-socket")
    refused("noqemu", bundle("noqemu", {"args": ["/eremit/image"], "cwd": "/"}, echo), "qemu-system-x86_64 not found",
            env={"EREMIT_QEMU": "/nonexistent/qemu"})
    refused("empty", bundle("empty", {"args": [], "cwd": "/"}), "process.args is empty")
    nothing_left("bad input")


if __name__ == "__main__":
    sys.exit(suite.main())
