//! `futex_wait` and `futex_wake`: blocking on a word and waking its waiters, with the
//! waiters queued in `futexes::FutexQueues`.

use core::sync::atomic::{AtomicU32, Ordering};

use super::scheduler::{block, locked, make_ready, waiting_slot};
use super::slots::Slot;
use super::task::{State, WakeReason};
use crate::abi::errno;

// `futex_wait` answers 0 or a positive errno code.
const EAGAIN: i32 = errno::EAGAIN.code();
const ETIMEDOUT: i32 = errno::ETIMEDOUT.code();

/// Waits while `*addr == expected`, until woken or `deadline` (TSC). Returns 0 or an errno.
pub fn futex_wait(addr: &AtomicU32, expected: u32, deadline: Option<u64>) -> i32 {
    let mut mismatch = false;
    let reason = block(|s, me| {
        if addr.load(Ordering::SeqCst) != expected {
            mismatch = true;
            return;
        }
        let slot = waiting_slot(me);
        s.futexes.wait(slot, addr as *const AtomicU32 as usize);
        if let Some(d) = deadline {
            s.timers.arm(slot, d);
        }
        me.state = State::Blocked;
    });
    if mismatch {
        EAGAIN
    } else if reason == WakeReason::TimedOut {
        ETIMEDOUT
    } else {
        0
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
