//! Clocks and sleeping.

use super::{fail, uaccess};
use crate::abi::errno::EINVAL;
use crate::abi::{CLOCK_MONOTONIC, CLOCK_REALTIME, clockid_t, timespec};
use crate::arch::clock;

fn to_timespec(ns: i128) -> timespec {
    timespec {
        tv_sec: ns.div_euclid(1_000_000_000) as i64,
        tv_nsec: ns.rem_euclid(1_000_000_000) as i32,
    }
}

/// # Safety
/// `tp` must be valid for writing a `timespec`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_clock_gettime(clockid: clockid_t, tp: *mut timespec) -> i32 {
    // As Linux: a bad clock is EINVAL whatever `tp` is.
    let ns = match clockid {
        CLOCK_REALTIME => clock::realtime_ns(),
        CLOCK_MONOTONIC => clock::uptime_ns() as i128,
        _ => return fail(EINVAL),
    };
    uaccess::write(tp, to_timespec(ns)).map_or_else(fail, |()| 0)
}

/// Sleeps `ns` nanoseconds; other tasks run meanwhile.
pub(crate) fn wait_ns(ns: u64) {
    crate::sched::sleep_until(clock::deadline_after_ns(ns));
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_usleep(usecs: u64) {
    wait_ns(usecs.saturating_mul(1000));
}

/// # Safety
/// `req` must be valid for reading a `timespec`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_nanosleep(req: *const timespec) -> i32 {
    let t = match uaccess::read(req) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return fail(EINVAL);
    }
    let ns = (t.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(t.tv_nsec as u64);
    // A signal for the task ends it early (EINTR), as on Linux; the C library works out
    // the time left. `sys_usleep` (Rust's std) is not interrupted.
    match crate::sched::sleep_until_interruptible(clock::deadline_after_ns(ns)) {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}
