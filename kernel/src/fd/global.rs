//! The VM's one `Files` (descriptor table and filesystem), made at boot (`init`), behind a
//! spinlock that keeps interrupts off while held: calls come from tasks on any CPU, and
//! a task preempted while holding it would stall the others.

use hermit_sync::InterruptSpinMutex;

use super::Files;
use crate::fs::Errno;

static FILES: InterruptSpinMutex<Option<Files>> = InterruptSpinMutex::new(None);

fn clock() -> i128 {
    crate::arch::clock::realtime_ns()
}

/// Creates the VM's `Files` (the console on descriptors 0-2, `/`, `/tmp`, `/dev`) at boot,
/// so writing to the console never needs memory: a program that ran the heap dry can
/// still print why (its own message, or Rust's "memory allocation of N bytes failed").
pub fn init() -> Result<(), Errno> {
    let mut guard = FILES.lock();
    if guard.is_none() {
        *guard = Some(Files::new(clock)?);
    }
    Ok(())
}

/// Runs `f` on the VM's `Files` (creating it if `init` has not run, as in early boot).
/// Sockets and eventfds whose last descriptor `f` closed are freed after the lock is
/// released (closing a socket takes the network stack's lock).
pub fn with<R>(f: impl FnOnce(&mut Files) -> Result<R, Errno>) -> Result<R, Errno> {
    let mut guard = FILES.lock();
    let files = match &mut *guard {
        Some(files) => files,
        empty => empty.insert(Files::new(clock)?),
    };
    let r = f(files);
    // One call releases at most one object.
    let released = files.take_released();
    debug_assert!(files.take_released().is_none());
    drop(guard);
    if let Some(object) = released {
        crate::net::release(object);
    }
    r
}
