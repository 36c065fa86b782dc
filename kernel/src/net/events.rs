//! One counter for "something a blocked call may wait for has happened": data arrived
//! on a socket, a connection was accepted, an eventfd was written... Waiters read the
//! counter, check their condition and sleep until it changes (a futex on it), so a
//! change between the check and the sleep is never missed. Wake-ups are broadcast:
//! there are few waiters in a unikernel, and each rechecks cheaply.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::abi::errno::{EINTR, ETIMEDOUT, Errno};

static EVENTS: AtomicU32 = AtomicU32::new(0);
/// Tasks between `current` and the end of `wait`; `signal` skips the wake-up (a
/// scheduler lock round trip) when there are none.
static WAITERS: AtomicU32 = AtomicU32::new(0);

/// The counter's value, to pass to `wait` after checking the condition.
pub fn current() -> u32 {
    EVENTS.load(Ordering::SeqCst)
}

/// Something changed: wake every waiter.
pub fn signal() {
    EVENTS.fetch_add(1, Ordering::SeqCst);
    if WAITERS.load(Ordering::SeqCst) != 0 {
        crate::sched::futex_wake(&EVENTS as *const AtomicU32 as usize, usize::MAX);
    }
}

/// Sleeps until the counter differs from `seen` or the TSC reaches `deadline`; first
/// sends what socket calls deferred (net/deferred_egress.rs), which may be what the
/// waiter waits for the answer to.
/// Returns false on timeout.
pub fn wait(seen: u32, deadline: Option<u64>) -> bool {
    #[cfg(feature = "net")]
    crate::net::flush_deferred_egress();
    WAITERS.fetch_add(1, Ordering::SeqCst);
    let r = crate::sched::futex_wait(&EVENTS, seen, deadline);
    WAITERS.fetch_sub(1, Ordering::SeqCst);
    r != Err(ETIMEDOUT)
}

/// `wait` that a signal for the task ends too (`signal.rs`): Ok(false) on timeout,
/// `EINTR` when interrupted. For the calls Linux interrupts (read, accept, poll...).
pub fn wait_interruptible(seen: u32, deadline: Option<u64>) -> Result<bool, Errno> {
    #[cfg(feature = "net")]
    crate::net::flush_deferred_egress();
    WAITERS.fetch_add(1, Ordering::SeqCst);
    let r = crate::sched::futex_wait_interruptible(&EVENTS, seen, deadline);
    WAITERS.fetch_sub(1, Ordering::SeqCst);
    match r {
        Err(ETIMEDOUT) => Ok(false),
        Err(EINTR) => Err(EINTR),
        _ => Ok(true),
    }
}
