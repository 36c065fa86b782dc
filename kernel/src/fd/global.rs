//! The VM's one `Files` (descriptor table and filesystem), made on first use, behind a
//! spinlock that keeps interrupts off while held: calls come from tasks on any CPU, and
//! a task preempted while holding it would stall the others.

use hermit_sync::InterruptSpinMutex;

use super::Files;
use crate::fs::Errno;

static FILES: InterruptSpinMutex<Option<Files>> = InterruptSpinMutex::new(None);

fn clock() -> i128 {
    crate::arch::clock::realtime_ns()
}

/// Runs `f` on the VM's `Files`, creating it (with `/` and `/tmp`) the first time.
/// Sockets and eventfds whose last descriptor `f` closed are freed after the lock is
/// released (closing a socket takes the network stack's lock).
pub fn with<R>(f: impl FnOnce(&mut Files) -> Result<R, Errno>) -> Result<R, Errno> {
    let mut guard = FILES.lock();
    let files = match &mut *guard {
        Some(files) => files,
        empty => empty.insert(Files::new(clock)?),
    };
    let r = f(files);
    let released = files.take_released();
    drop(guard);
    for object in released {
        crate::net::release(object);
    }
    r
}
