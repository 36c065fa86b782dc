//! Eremit's signal calls (beyond hermit's ABI; docs/signals.md): the C library keeps the
//! signals, the kernel only a "signal pending" flag per task (`sched::signal`).

use super::fail;
use crate::abi::Tid;
use crate::sched::signal;

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
