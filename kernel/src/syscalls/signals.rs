//! Eremit's signal calls (beyond hermit's ABI; docs/signals.md). The C library keeps the
//! signals; the kernel keeps a "signal pending" flag per task (`sched::signal`), which
//! interrupts blocking calls, and the channel of signals from outside the VM
//! (`crate::signals`), which the library's listener reads (libc-port/src/signal_external.c).

use super::{fail, status};
use crate::abi::Tid;
use crate::sched::signal;

/// From now on the application takes the signals the runner forwards (through
/// `sys_signal_wait_external`) and the kernel no longer ends the program on them.
/// 0, or -ENXIO when the VM has no signal channel (nothing will ever arrive).
#[unsafe(no_mangle)]
pub extern "C" fn sys_signal_subscribe() -> i32 {
    status(crate::signals::subscribe())
}

/// Waits for the next signal from outside and returns its number (SIGHUP, SIGINT,
/// SIGUSR1, SIGUSR2 or SIGTERM); -EINVAL before `sys_signal_subscribe` succeeded.
#[unsafe(no_mangle)]
pub extern "C" fn sys_signal_wait_external() -> i32 {
    match crate::signals::wait() {
        Ok(sig) => sig as i32,
        Err(e) => fail(e),
    }
}

/// Tells task `tid` that the C library posted it a signal: its flag is set and its
/// interruptible wait, if any, returns `-EINTR`. 0, or `-ESRCH` for no such task.
#[unsafe(no_mangle)]
pub extern "C" fn sys_signal_notify(tid: Tid) -> i32 {
    match signal::notify(tid) {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

/// 1 if the calling task's flag was set (a signal was posted to it since the last
/// call), else 0; clears it. The library calls it before looking at its pending sets.
#[unsafe(no_mangle)]
pub extern "C" fn sys_signal_pending() -> i32 {
    signal::take_pending() as i32
}
