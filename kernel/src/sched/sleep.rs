//! Waiting for a deadline: sleeping, and hermit's block/wakeup protocol with an optional
//! timeout (the deadlines are kept in `timers::Timers`).

use core::sync::atomic::Ordering;

use super::scheduler::{block, locked, waiting_slot, yield_now};
use super::task::{State, WakeReason};
use crate::abi::errno::{EINTR, Errno};
use crate::arch::cpu;

/// Sleeps until the TSC reaches `deadline`.
pub fn sleep_until(deadline: u64) {
    if cpu::rdtsc() >= deadline {
        yield_now();
        return;
    }
    block(|s, me| {
        s.timers.arm(waiting_slot(me), deadline);
        me.state = State::Blocked;
    });
}

/// `sleep_until` that a signal for the task ends early (`EINTR`, at once if one is
/// pending already).
pub fn sleep_until_interruptible(deadline: u64) -> Result<(), Errno> {
    let mut pending = false;
    let reason = block(|s, me| {
        if me.signal_pending.load(Ordering::Relaxed) {
            pending = true;
            return;
        }
        if cpu::rdtsc() >= deadline {
            return;
        }
        s.timers.arm(waiting_slot(me), deadline);
        me.interruptible = true;
        me.state = State::Blocked;
    });
    if pending || reason == WakeReason::Interrupted {
        Err(EINTR)
    } else {
        Ok(())
    }
}

/// Marks the current task blocked (optionally until `deadline`); it leaves the CPU at
/// its next yield unless woken first (hermit's block/wakeup protocol).
pub fn block_current(deadline: Option<u64>) {
    locked(|s, cpu| {
        // SAFETY: the current task is valid.
        let me = unsafe { &mut *cpu.current };
        let slot = waiting_slot(me);
        match deadline {
            Some(d) => s.timers.arm(slot, d),
            None => {
                s.timers.cancel(slot);
            }
        }
        me.state = State::Blocked;
    });
}
