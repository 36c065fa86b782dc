#!/usr/bin/env python3
"""OCI image tests (issue 18): `eremit pkg` packs an Eremit image as an OCI image archive.
The archive's layout is checked here byte by byte (every blob under its digest, the layer
holding the image unchanged at /eremit/image, the same input giving the same bytes); then
the tools people use read it: `podman load` and `podman image inspect` (in a store of its
own, so nothing else's images are touched), `skopeo inspect oci-archive:`. Bad input
ends with a clear error, exit 125 (or 2 for usage errors) and no archive. No container
runtime is needed. Ends with 'N passed, N failed'."""

import gzip
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import CC, EREMIT, ROOT, TESTS, Suite, check, once, run, scratch  # noqa: E402

SRC = os.path.join(TESTS, "pkg", "args_env.c")
IMAGE_PATH = "eremit/image"
# The image's settings and what `podman image inspect` must show for them.
ARGS = ["one", "two words", "--flag"]
ENV = [("GREETING", "hello there"), ("EMPTY", ""), ("EQ", "a=b")]
PORTS = ["8080", "53/udp", "443/tcp"]
EXPOSED = {"8080/tcp": {}, "53/udp": {}, "443/tcp": {}}
LABELS = {"org.eremit.cpus": "2", "org.eremit.memory": "64M", "org.eremit.image": "/eremit/image"}

suite = Suite("pkg", requires=[CC, EREMIT])
workdir = once(lambda: scratch("pkg-tests-"))


@suite.setup
def tools():
    """podman and skopeo (scripts/ensure-deps.sh oci installs them)."""
    if not (shutil.which("podman") and shutil.which("skopeo")):
        subprocess.run([os.path.join(ROOT, "scripts", "ensure-deps.sh"), "oci"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    missing = [t for t in ("podman", "skopeo") if not shutil.which(t)]
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)} (scripts/ensure-deps.sh oci)")


@once
def image():
    """tests/pkg/args_env.c built for Eremit."""
    out = os.path.join(workdir(), "args_env")
    p = run([CC, "-O2", "-Wall", SRC, "-o", out])
    if p.returncode != 0:
        raise RuntimeError(f"x86_64-hermit-gcc failed:\n{p.stderr[-3000:]}")
    return out


def pkg(*args):
    """`eremit pkg ARGS`: the completed process."""
    return run([EREMIT, "pkg", *args], timeout=120)


def full_options(output, tag="eremit-pkg-test:v1"):
    opts = ["--cpus", "2", "--memory", "64M"]
    opts += [x for k, v in ENV for x in ("--env", f"{k}={v}")]
    opts += [x for p in PORTS for x in ("--port", p)]
    return [*opts, "-t", tag, "-o", output, image(), *ARGS]


@once
def archive():
    """The archive of the image with every option, written once."""
    out = os.path.join(workdir(), "full.tar")
    p = pkg(*full_options(out))
    if p.returncode != 0:
        raise RuntimeError(f"eremit pkg failed ({p.returncode}):\n{p.stderr}")
    return out


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def members(path):
    """name -> bytes (None for a directory) of a tar file."""
    out = {}
    with tarfile.open(path) as t:
        for m in t.getmembers():
            out[m.name.rstrip("/")] = t.extractfile(m).read() if m.isfile() else None
    return out


@suite.case("layout")
def layout():
    files = members(archive())
    check("oci-layout says version 1.0.0", json.loads(files["oci-layout"]) == {"imageLayoutVersion": "1.0.0"})
    blobs = {k.split("/")[-1]: v for k, v in files.items() if k.startswith("blobs/sha256/") and v is not None}
    check("every blob is stored under its sha256", all(sha256(v) == "sha256:" + k for k, v in blobs.items()),
          sorted(blobs))
    check("three blobs: manifest, config, layer", len(blobs) == 3, sorted(blobs))

    def blob(desc):
        data = blobs[desc["digest"].split(":", 1)[1]]
        check(f"{desc['mediaType']}: size as its descriptor says", len(data) == desc["size"])
        return data

    index = json.loads(files["index.json"])
    desc = index["manifests"][0]
    check("index: one manifest, named by org.opencontainers.image.ref.name",
          len(index["manifests"]) == 1
          and desc["annotations"]["org.opencontainers.image.ref.name"] == "eremit-pkg-test:v1", index)
    manifest = json.loads(blob(desc))
    check("manifest: eremit annotations", manifest.get("annotations") == LABELS, manifest.get("annotations"))
    config = json.loads(blob(manifest["config"]))
    layers = manifest["layers"]
    check("manifest: one gzip'd layer",
          [l["mediaType"] for l in layers] == ["application/vnd.oci.image.layer.v1.tar+gzip"], layers)
    raw = gzip.decompress(blob(layers[0]))
    check("config: the layer's diff ID is its uncompressed digest", config["rootfs"]["diff_ids"] == [sha256(raw)])
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        entry = t.getmember(IMAGE_PATH)
        data = t.extractfile(entry).read()
        names = t.getnames()
    with open(image(), "rb") as f:
        original = f.read()
    check("layer: only eremit/ and eremit/image", names == ["eremit", IMAGE_PATH], names)
    check("layer: the image unchanged at /eremit/image", data == original)
    check("layer: the image is executable, owned by root, time 0",
          entry.mode == 0o755 and entry.uid == 0 and entry.gid == 0 and entry.mtime == 0,
          f"mode {entry.mode:o} uid {entry.uid} gid {entry.gid} mtime {entry.mtime}")


@suite.case("deterministic")
def deterministic():
    """The same input gives the same archive, whatever the time, file name or directory."""
    first = archive()
    copy_dir = os.path.join(workdir(), "elsewhere")
    os.makedirs(copy_dir, exist_ok=True)
    moved = os.path.join(copy_dir, "other-name")
    shutil.copy(image(), moved)
    os.utime(moved, (1_000_000_000, 1_000_000_000))
    second = os.path.join(copy_dir, "again.tar")
    opts = full_options(second)
    opts[opts.index(image())] = moved
    p = pkg(*opts)
    with open(first, "rb") as a, open(second, "rb") as b:
        same = p.returncode == 0 and a.read() == b.read()
    check("same input, another time and place: the same bytes", same, p.stderr)
    # The summary line names the image ID, which podman shows as the image's Id.
    ids = [w for w in p.stdout.split() if w.startswith("sha256:")]
    check("eremit pkg prints the image ID and manifest digest", len(ids) == 2, p.stdout)
    p = pkg(*full_options(os.path.join(copy_dir, "different.tar"), tag="eremit-pkg-test:v2"))
    check("another tag: another archive", p.returncode == 0
          and open(os.path.join(copy_dir, "different.tar"), "rb").read() != open(first, "rb").read())


def podman(*args, timeout=300):
    """podman in a store of its own under the test's directory, with a containers.conf that
    asks for no rlimits (this sandbox refuses setrlimit)."""
    base = os.path.join(workdir(), "podman")
    conf = os.path.join(base, "containers.conf")
    if not os.path.exists(conf):
        os.makedirs(base, exist_ok=True)
        with open(conf, "w") as f:
            f.write("[containers]\ndefault_ulimits = []\n")
    cmd = ["podman", "--root", os.path.join(base, "root"), "--runroot", os.path.join(base, "run"), *args]
    return run(cmd, env={"CONTAINERS_CONF": conf}, timeout=timeout)


@suite.case("podman")
def podman_load():
    p = podman("load", "-i", archive())
    check("podman load accepts the archive", p.returncode == 0
          and "localhost/eremit-pkg-test:v1" in p.stdout, p.stdout + p.stderr)
    p = podman("image", "inspect", "localhost/eremit-pkg-test:v1")
    check("podman image inspect finds it", p.returncode == 0, p.stderr)
    if p.returncode != 0:
        return
    info = json.loads(p.stdout)[0]
    cfg = info["Config"]
    check("podman: Entrypoint /eremit/image", cfg.get("Entrypoint") == ["/eremit/image"], cfg)
    check("podman: Cmd is the arguments", cfg.get("Cmd") == ARGS, cfg)
    check("podman: Env", cfg.get("Env") == [f"{k}={v}" for k, v in ENV], cfg)
    check("podman: ExposedPorts", cfg.get("ExposedPorts") == EXPOSED, cfg)
    check("podman: labels", cfg.get("Labels") == LABELS, cfg)
    check("podman: annotations (passed on to the runtime's config.json)", info.get("Annotations") == LABELS,
          info.get("Annotations"))
    check("podman: linux/amd64", (info["Os"], info["Architecture"]) == ("linux", "amd64"))
    with open(archive(), "rb") as f:
        config_digest = None
        for name, data in members(archive()).items():
            if data is not None and name.startswith("blobs/") and b'"rootfs"' in data:
                config_digest = name.split("/")[-1]
    check("podman: the image ID is the config's digest", info["Id"] == config_digest, info["Id"])
    podman("rmi", "localhost/eremit-pkg-test:v1")
    # A name without a registry: podman's localhost/ convention, as for `podman build -t`.
    out = os.path.join(workdir(), "plain.tar")
    p = pkg("-t", "plainname", "-o", out, image())
    p = podman("load", "-i", out) if p.returncode == 0 else p
    check("a plain name loads as localhost/NAME:latest", "localhost/plainname:latest" in p.stdout,
          p.stdout + p.stderr)
    podman("rmi", "localhost/plainname:latest")


@suite.case("skopeo")
def skopeo():
    for ref in (f"oci-archive:{archive()}", f"oci-archive:{archive()}:eremit-pkg-test:v1"):
        p = run(["skopeo", "inspect", ref], timeout=120)
        ok = p.returncode == 0
        info = json.loads(p.stdout) if ok else {}
        check(f"skopeo inspect {ref.replace(archive(), 'FILE')}: labels, env, linux/amd64",
              ok and info.get("Labels") == LABELS and info.get("Env") == [f"{k}={v}" for k, v in ENV]
              and (info.get("Os"), info.get("Architecture")) == ("linux", "amd64"), p.stdout + p.stderr)
    p = run(["skopeo", "inspect", "--config", f"oci-archive:{archive()}"], timeout=120)
    cfg = json.loads(p.stdout).get("config", {}) if p.returncode == 0 else {}
    check("skopeo inspect --config: Entrypoint and Cmd",
          cfg.get("Entrypoint") == ["/eremit/image"] and cfg.get("Cmd") == ARGS, p.stdout + p.stderr)
    # skopeo copies it into another layout: its digests hold.
    dest = os.path.join(workdir(), "copied")
    p = run(["skopeo", "copy", f"oci-archive:{archive()}", f"oci:{dest}:copy"], timeout=120)
    check("skopeo copy oci-archive: -> oci: succeeds", p.returncode == 0, p.stderr)


# README's "Containers and Kubernetes": the Containerfile that makes the same image as
# `eremit pkg` (`podman build --annotation K=V`... adds the annotations the runtime reads).
CONTAINERFILE = """FROM scratch
COPY args_env /eremit/image
ENTRYPOINT ["/eremit/image"]
CMD ["one", "two words", "--flag"]
ENV GREETING="hello there" EMPTY="" EQ="a=b"
EXPOSE 8080 53/udp 443/tcp
LABEL org.eremit.cpus=2 org.eremit.memory=64M org.eremit.image=/eremit/image
"""


@suite.case("containerfile")
def containerfile():
    """README's FROM scratch + COPY Containerfile, built by podman, says what eremit pkg's
    archive says."""
    context = os.path.join(workdir(), "context")
    os.makedirs(context, exist_ok=True)
    shutil.copy(image(), os.path.join(context, "args_env"))
    with open(os.path.join(context, "Containerfile"), "w") as f:
        f.write(CONTAINERFILE)
    annotations = [x for k, v in LABELS.items() for x in ("--annotation", f"{k}={v}")]
    p = podman("build", "-q", "--no-cache", *annotations, "-t", "eremit-pkg-cf:v1", context)
    check("podman build of the Containerfile", p.returncode == 0, p.stdout + p.stderr)
    p = podman("image", "inspect", "localhost/eremit-pkg-cf:v1")
    if p.returncode != 0:
        check("podman image inspect of the built image", False, p.stderr)
        return
    info = json.loads(p.stdout)[0]
    cfg = info["Config"]
    check("Containerfile: Entrypoint, Cmd, ExposedPorts as eremit pkg's",
          (cfg.get("Entrypoint"), cfg.get("Cmd"), cfg.get("ExposedPorts")) == (["/eremit/image"], ARGS, EXPOSED),
          cfg)
    # podman build adds PATH and its own version label.
    check("Containerfile: Env as eremit pkg's (and podman's PATH)",
          [e for e in cfg.get("Env", []) if not e.startswith("PATH=")] == [f"{k}={v}" for k, v in ENV], cfg)
    labels = {k: v for k, v in cfg.get("Labels", {}).items() if k != "io.buildah.version"}
    check("Containerfile: labels as eremit pkg's", labels == LABELS, cfg.get("Labels"))
    annotations = {k: v for k, v in info.get("Annotations", {}).items() if k.startswith("org.eremit.")}
    check("Containerfile: --annotation gives the annotations", annotations == LABELS, info.get("Annotations"))
    podman("rmi", "localhost/eremit-pkg-cf:v1")


def leftovers(directory, before):
    return sorted(set(os.listdir(directory)) - before)


def refuses(name, args, code, message, output):
    """eremit pkg ARGS fails with `code`, `message` on stderr, and no OUTPUT nor temporary
    file is left in its directory."""
    directory = os.path.dirname(output)
    before = set(os.listdir(directory)) if os.path.isdir(directory) else set()
    p = pkg(*args)
    check(f"{name}: exit {code}", p.returncode == code, f"exit {p.returncode}\n{p.stderr}")
    check(f"{name}: says why", message in p.stderr and p.stderr.startswith("eremit: "), p.stderr)
    if os.path.isdir(directory):
        check(f"{name}: nothing written", leftovers(directory, before) == [], leftovers(directory, before))


@suite.case("bad-input")
def bad_input():
    d = os.path.join(workdir(), "bad")
    os.makedirs(d, exist_ok=True)
    out = os.path.join(d, "out.tar")
    text = os.path.join(d, "script.sh")
    with open(text, "w") as f:
        f.write("#!/bin/sh\necho hi\n")
    native_elf = shutil.which("true") or "/bin/true"
    # A named pipe stands for any file that is not a regular one (a device, /dev/stdout):
    # it must be left in place, not renamed over.
    fifo = os.path.join(d, "pipe")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    cases = [
        ("missing image", ["-t", "x", "-o", out, os.path.join(d, "nope")], 125, "cannot read image"),
        ("a directory as image", ["-t", "x", "-o", out, d], 125, "cannot read image"),
        ("a script as image", ["-t", "x", "-o", out, text], 125, "is not a bootable Eremit image (not an ELF"),
        ("a Linux program as image", ["-t", "x", "-o", out, native_elf], 125, "no PVH entry note"),
        ("--memory too small", ["--memory", "2M", "-t", "x", "-o", out, image()], 125, "too small"),
        ("--memory too large", ["--memory", "2048G", "-t", "x", "-o", out, image()], 125, "too large"),
        ("output in a missing directory", ["-t", "x", "-o", os.path.join(d, "none", "o.tar"), image()], 125,
         "cannot write"),
        ("output is a directory", ["-t", "x", "-o", d, image()], 125, "cannot write"),
        ("output is a named pipe", ["-t", "x", "-o", fifo, image()], 125, "not a regular file"),
        ("invalid name", ["-t", "Upper/Case", "-o", out, image()], 2, "invalid image name"),
        ("invalid tag", ["-t", "x:-bad", "-o", out, image()], 2, "not a valid tag"),
        ("digest instead of a tag", ["-t", "x@sha256:00", "-o", out, image()], 2, "digest"),
        ("bad port", ["--port", "70000", "-t", "x", "-o", out, image()], 2, "--port"),
        ("bad protocol", ["--port", "80/sctp", "-t", "x", "-o", out, image()], 2, "--port"),
        ("bad --env", ["--env", "NOVALUE", "-t", "x", "-o", out, image()], 2, "--env"),
        ("bad --cpus", ["--cpus", "0", "-t", "x", "-o", out, image()], 2, "--cpus"),
        ("missing -t", ["-o", out, image()], 2, "missing -t"),
        ("missing -o", ["-t", "x", image()], 2, "missing -o"),
        ("missing IMAGE", ["-t", "x", "-o", out], 2, "missing IMAGE"),
        ("a run-only option", ["--net", "user", "-t", "x", "-o", out, image()], 2, "unknown option"),
    ]
    for name, args, code, message in cases:
        refuses(name, args, code, message, out)
    # A failure leaves an existing archive as it was.
    with open(out, "wb") as f:
        f.write(b"previous archive")
    refuses("failure over an existing archive", ["-t", "x", "-o", out, text], 125, "not a bootable", out)
    check("failure over an existing archive: it is unchanged", open(out, "rb").read() == b"previous archive")
    # ... and a success replaces it whole.
    p = pkg("-t", "x", "-o", out, image())
    check("success over an existing archive replaces it", p.returncode == 0 and tarfile.is_tarfile(out)
          and sorted(os.listdir(d)) == ["out.tar", "pipe", "script.sh"], p.stderr + str(os.listdir(d)))
    check("the named pipe is still one", stat.S_ISFIFO(os.lstat(fifo).st_mode))


if __name__ == "__main__":
    sys.exit(suite.main())
