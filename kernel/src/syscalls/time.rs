//! Clocks and sleeping.
//!
//! `CLOCK_MONOTONIC` counts from `MONOTONIC_AT_BOOT_NS`, not from 0: on Linux it is the
//! host's uptime, never near 0 when a program starts, and programs rely on that (a
//! `steady_clock::now() - 1s` in unsigned arithmetic must not wrap). Absolute futex
//! deadlines are on the same clock (`uptime_of_monotonic`).

use super::{fail, uaccess};
use crate::abi::errno::EINVAL;
use crate::abi::{CLOCK_MONOTONIC, CLOCK_REALTIME, clockid_t, timespec};
use crate::clock;

/// `CLOCK_MONOTONIC` at boot: one day, as if the host had been up that long.
pub const MONOTONIC_AT_BOOT_NS: u64 = 86_400 * 1_000_000_000;

/// `CLOCK_MONOTONIC` now, in nanoseconds.
pub fn monotonic_ns() -> u64 {
    clock::uptime_ns() + MONOTONIC_AT_BOOT_NS
}

/// The time since boot at which `CLOCK_MONOTONIC` reads `ns` (0 for a time before
/// boot: already passed).
pub fn uptime_of_monotonic(ns: u64) -> u64 {
    ns.saturating_sub(MONOTONIC_AT_BOOT_NS)
}

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
        CLOCK_MONOTONIC => monotonic_ns() as i128,
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
