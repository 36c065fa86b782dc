//! The kernel's part of signals (docs/signals.md): one "signal pending" flag per task.
//! The C library keeps the signals themselves (actions, masks, pending sets); when it
//! posts one to a thread that may be blocked, it calls `notify`, which sets the flag and
//! ends the thread's interruptible wait (futex waits the library marks so, sleeps,
//! reads of stdin, sockets and eventfds, poll, accept, connect): that call returns
//! EINTR, and the library runs the handlers on its way back to the program. A wait
//! that starts while the flag is set returns EINTR at once, so a signal posted between
//! the library's last look and the wait is never lost. `take_pending` (the library,
//! before it looks at its sets) clears the flag.

use core::sync::atomic::Ordering;

use super::percpu::current_task;
use super::scheduler::{locked, make_ready};
use super::task::{State, WakeReason};
use crate::abi::Tid;
use crate::abi::errno::{ESRCH, Errno};

/// Sets task `tid`'s flag and ends its interruptible wait, if it is in one. `ESRCH`:
/// no such task (or one that ended).
pub fn notify(tid: Tid) -> Result<(), Errno> {
    locked(|s, cpu| {
        let slot = s.ids.slot(tid).ok_or(ESRCH)?;
        let t = s.task_mut(slot).ok_or(ESRCH)?;
        if t.state == State::Finished {
            return Err(ESRCH);
        }
        t.signal_pending.store(true, Ordering::Relaxed);
        if t.state == State::Blocked && t.interruptible {
            make_ready(s, cpu, slot, WakeReason::Interrupted);
        }
        Ok(())
    })
}

/// Whether the running task's flag was set; clears it.
pub fn take_pending() -> bool {
    locked(|_, cpu| {
        // SAFETY: the current task is valid while it runs, and LOCK is held.
        let me = unsafe { &*cpu.current };
        me.signal_pending.swap(false, Ordering::Relaxed)
    })
}

/// Whether a signal was posted to the running task and not looked at yet (the
/// interrupt's return path: `arch::signal_entry`). Leaves the flag set: the library
/// clears it when it delivers, and if it cannot deliver yet (inside its own locks), the
/// next interrupt tries again.
pub fn current_pending() -> bool {
    // SAFETY: the current task is valid while it runs; the flag is atomic.
    unsafe { (*current_task()).signal_pending.load(Ordering::Relaxed) }
}
