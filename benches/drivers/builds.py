"""Builds and tools the benchmark drivers share: the runner (copied to build/toolchain/bin
when `make` has not put it there), the host tools a run needs, and stripped copies of
images for their sizes."""

import os
import shutil

from benchlib import BenchError, EREMIT, OUT, ROOT, make_progress, run_checked

EREMIT_BUILT = os.path.join(ROOT, "target", "debug", "eremit")

progress = make_progress("bench")


def require_tools(qemu):
    missing = [t for t in ("cargo", "rustc", "as", "ld", qemu) if shutil.which(t) is None]
    if shutil.which("strip") is None and shutil.which("objcopy") is None:
        missing.append("strip or objcopy")
    if missing:
        raise BenchError("missing tools: " + ", ".join(missing) +
                         " (scripts/ensure-deps.sh installs them)")


def build_runner():
    run_checked("building the runner (cargo build -p eremit)", ["cargo", "build", "-p", "eremit"])
    if not os.path.exists(EREMIT):
        if not os.path.exists(EREMIT_BUILT):
            raise BenchError(f"the runner was built but {EREMIT_BUILT} does not exist")
        os.makedirs(os.path.dirname(EREMIT), exist_ok=True)
        shutil.copy2(EREMIT_BUILT, EREMIT)
        progress(f"copied {os.path.relpath(EREMIT_BUILT, ROOT)} to {os.path.relpath(EREMIT, ROOT)}")
    elif os.path.exists(EREMIT_BUILT) and os.path.getmtime(EREMIT_BUILT) > os.path.getmtime(EREMIT):
        progress(f"note: {os.path.relpath(EREMIT, ROOT)} is older than "
                 f"{os.path.relpath(EREMIT_BUILT, ROOT)}; using it anyway (run make to refresh)")


def stripped_size(path, name):
    dest = os.path.join(OUT, name)
    if shutil.which("strip"):
        run_checked(f"stripping {path}", ["strip", "-o", dest, path])
    else:
        run_checked(f"stripping {path}", ["objcopy", "--strip-all", path, dest])
    return os.path.getsize(dest)
