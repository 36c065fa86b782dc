//! `futex_wait` and `futex_wake`: blocking on a word and waking its waiters, with the
//! waiters queued in `futexes::FutexQueues`.

use core::sync::atomic::{AtomicU32, Ordering};

use super::scheduler::{block, locked, make_ready, waiting_slot};
use super::slots::Slot;
use super::task::{State, WakeReason};
use crate::abi::errno::{EAGAIN, EINTR, ETIMEDOUT, Errno};

/// Waits while `*addr == expected`, until woken or `deadline` (TSC). `EAGAIN`: the word
/// differed at once; `ETIMEDOUT`: the deadline passed first.
pub fn futex_wait(addr: &AtomicU32, expected: u32, deadline: Option<u64>) -> Result<(), Errno> {
    wait(addr, expected, deadline, false)
}

/// `futex_wait` that a signal for the task also ends (`EINTR`), at once if one is
/// pending already (`signal.rs`).
pub fn futex_wait_interruptible(
    addr: &AtomicU32,
    expected: u32,
    deadline: Option<u64>,
) -> Result<(), Errno> {
    wait(addr, expected, deadline, true)
}

fn wait(
    addr: &AtomicU32,
    expected: u32,
    deadline: Option<u64>,
    interruptible: bool,
) -> Result<(), Errno> {
    let mut early = None;
    let reason = block(|s, me| {
        // Checked under the scheduler's lock, which `signal::notify` takes too: a
        // signal posted before this point is seen here, one after it wakes the task.
        if interruptible && me.signal_pending.load(Ordering::Relaxed) {
            early = Some(EINTR);
            return;
        }
        if addr.load(Ordering::SeqCst) != expected {
            early = Some(EAGAIN);
            return;
        }
        let slot = waiting_slot(me);
        s.futexes.wait(slot, addr as *const AtomicU32 as usize);
        if let Some(d) = deadline {
            s.timers.arm(slot, d);
        }
        me.interruptible = interruptible;
        me.state = State::Blocked;
    });
    if let Some(e) = early {
        return Err(e);
    }
    match reason {
        WakeReason::Woken => Ok(()),
        WakeReason::TimedOut => Err(ETIMEDOUT),
        WakeReason::Interrupted => Err(EINTR),
    }
}

/// Wakes up to `count` waiters of `addr`; returns how many.
pub fn futex_wake(addr: usize, count: usize) -> usize {
    locked(|s, cpu| {
        // In batches on the stack: waking allocates nothing.
        let mut batch = [Slot::default(); 32];
        let mut woken = 0;
        while woken < count {
            let want = (count - woken).min(batch.len());
            let n = s.futexes.wake(addr, &mut batch[..want]);
            for &slot in &batch[..n] {
                make_ready(s, cpu, slot, WakeReason::Woken);
            }
            woken += n;
            if n < want {
                break;
            }
        }
        woken
    })
}
