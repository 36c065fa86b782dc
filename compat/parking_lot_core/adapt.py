#!/usr/bin/env python3
"""Gives a pristine parking_lot_core 0.9 source tree (from crates.io) a thread parker for
target_os = "hermit", in place: compat/parking_lot_core/hermit.rs, a futex-based parker
on the kernel's sys_futex_wait/sys_futex_wake. Without it parking_lot_core picks its
spin-lock fallback on hermit and every parked thread keeps a vCPU busy (tokio's `full`
feature includes `parking_lot`: an idle tokio server burned 97% of a host CPU).

The edits (each replaced exactly once, or the script stops):
  - src/thread_parker/mod.rs: a `target_os = "hermit"` branch selecting hermit.rs;
  - Cargo.toml: the libc dependency (its hermit module binds the futex calls) for hermit.

Usage: adapt.py PARKING_LOT_CORE_DIR
"""

import os
import shutil
import sys

EDITS = [
    ("src/thread_parker/mod.rs",
     '    } else if #[cfg(windows)] {\n        #[path = "windows/mod.rs"]',
     '    } else if #[cfg(target_os = "hermit")] {\n        #[path = "hermit.rs"]\n        mod imp;\n'
     '    } else if #[cfg(windows)] {\n        #[path = "windows/mod.rs"]'),
    ("Cargo.toml",
     "[target.\"cfg(unix)\".dependencies.libc]",
     "[target.'cfg(any(unix, target_os = \"hermit\"))'.dependencies.libc]"),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: adapt.py PARKING_LOT_CORE_DIR")
    root = sys.argv[1]
    for name, old, new in EDITS:
        path = os.path.join(root, name)
        with open(path) as f:
            text = f.read()
        if text.count(old) != 1:
            sys.exit(f"parking_lot_core adapt: {name}: expected text not found once; "
                     "this version needs the edits reviewed")
        with open(path, "w") as f:
            f.write(text.replace(old, new))
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(here, "hermit.rs"), os.path.join(root, "src", "thread_parker", "hermit.rs"))


if __name__ == "__main__":
    main()
