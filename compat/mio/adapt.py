#!/usr/bin/env python3
"""Fixes a lost wake-up in a pristine mio 1.x source tree (from crates.io), in place.

mio builds for hermit unchanged and uses its poll(2) selector there (Linux uses epoll).
In that selector a registration change (`modify_fds`: register, reregister, deregister)
interrupts a concurrent `select` by writing the selector's eventfd, then drains it with
`ack_and_reset`. An eventfd read takes every write at once, so a `Waker::wake` made just
before (its token is pending, its write already in the counter) is drained with it: the
next `select` polls with no timeout and the woken thread sleeps on. tokio hits this at
shutdown, when one worker deregisters sockets while the runtime unparks another: with 2
vCPUs about one exit in ten hung, the second worker never unparked.

The edit: after draining, a pending wake-up token re-arms the eventfd, so the next
`select` returns at once and reports it. Replaced exactly once, or the script stops.

Usage: adapt.py MIO_DIR
"""

import os
import sys

FILE = "src/sys/unix/selector/poll.rs"
OLD = """        if sent_notification {
            self.notify_waker.ack_and_reset();
        }
"""
NEW = """        if sent_notification {
            self.notify_waker.ack_and_reset();
            // (Eremit, compat/mio) The drain above also took the write of a Waker::wake
            // made just before ours: re-arm for its pending token, or it is lost.
            if self.pending_wake_token.lock().unwrap().is_some() {
                let _ = self.notify_waker.wake();
            }
        }
"""


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: adapt.py MIO_DIR")
    path = os.path.join(sys.argv[1], FILE)
    with open(path) as f:
        text = f.read()
    if text.count(OLD) != 1:
        sys.exit(f"mio adapt: {FILE}: expected text not found once; review this mio version")
    with open(path, "w") as f:
        f.write(text.replace(OLD, NEW))


if __name__ == "__main__":
    main()
