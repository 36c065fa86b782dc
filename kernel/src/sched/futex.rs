//! `futex_wait` and `futex_wake`: blocking on a word and waking its waiters, with the
//! waiters queued in `futexes::FutexQueues`.

use core::sync::atomic::{AtomicU32, Ordering};

use super::scheduler::{block, locked, make_ready, waiting_slot};
use super::slots::Slot;
use super::task::{State, WakeReason};
use crate::abi::errno::{EAGAIN, ETIMEDOUT, Errno};

/// Waits while `*addr == expected`, until woken or `deadline` (TSC). `EAGAIN`: the word
/// differed at once; `ETIMEDOUT`: the deadline passed first.
pub fn futex_wait(addr: &AtomicU32, expected: u32, deadline: Option<u64>) -> Result<(), Errno> {
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
        Err(EAGAIN)
    } else if reason == WakeReason::TimedOut {
        Err(ETIMEDOUT)
    } else {
        Ok(())
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
