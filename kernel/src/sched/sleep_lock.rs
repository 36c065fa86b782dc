//! A lock whose waiters sleep (on a futex) instead of spinning, and which leaves
//! interrupts on while held: for long critical sections that copy application data
//! (the network stack's), where an interrupt-off spinlock would hold off the timer and
//! the devices for the whole copy. Never to be taken by an interrupt handler (it may
//! sleep), nor by an idle task (which never waits).
//!
//! A holder may be preempted; a task that then wants the lock sleeps until the holder
//! lets go, so no CPU spins on a holder that is not running.

use core::sync::atomic::{AtomicU32, Ordering};

use super::futex::{futex_wait, futex_wake};

/// Free.
const UNLOCKED: u32 = 0;
/// Held, nobody sleeping on it.
const LOCKED: u32 = 1;
/// Held, and a task may be sleeping on it: the unlock wakes one.
const CONTENDED: u32 = 2;

pub struct RawSleepLock {
    state: AtomicU32,
}

// SAFETY: `lock` returns only once this task changed the state from UNLOCKED (to LOCKED
// or CONTENDED), `try_lock` only when it did so; `unlock` sets UNLOCKED. So at most one
// holder at a time, with acquire/release ordering on the state.
unsafe impl lock_api::RawMutex for RawSleepLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: RawSleepLock = RawSleepLock {
        state: AtomicU32::new(UNLOCKED),
    };
    type GuardMarker = lock_api::GuardNoSend;

    fn lock(&self) {
        if self.try_lock() {
            return;
        }
        // Marked contended before sleeping, so the holder's unlock wakes a sleeper.
        while self.state.swap(CONTENDED, Ordering::Acquire) != UNLOCKED {
            // Woken, or the state changed before the sleep (EAGAIN): try again.
            let _ = futex_wait(&self.state, CONTENDED, None);
        }
    }

    fn try_lock(&self) -> bool {
        self.state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    unsafe fn unlock(&self) {
        if self.state.swap(UNLOCKED, Ordering::Release) == CONTENDED {
            futex_wake(&self.state as *const AtomicU32 as usize, 1);
        }
    }
}

/// `T` behind a `RawSleepLock`.
pub type SleepLock<T> = lock_api::Mutex<RawSleepLock, T>;
