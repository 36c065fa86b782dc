//! Signals from outside the VM (`crate::signals`): Eremit's own calls, which the C
//! library's signal listener uses (libc-port/src/signal_external.c).

use super::{fail, status};

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
