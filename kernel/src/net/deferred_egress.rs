//! Egress deferred while the application serves a batch.
//!
//! After a socket call the stack normally moves packets at once (`Stack::after_call`):
//! every socket is asked what it has to send, then when it next needs the stack, two
//! walks of the whole socket set per call. Profiling the keep-alive HTTP benchmark
//! (profile.rs) showed them as the kernel's largest cost once several connections are
//! busy. When more work is visibly waiting (frames in the receive ring, unread data on
//! a socket) the application is about to make more calls, so such a call only marks the
//! egress as owed; it happens at the first of:
//!   * a call with nothing waiting (the batch's last), or the `MAX_RUN`th call in a
//!     row that deferred;
//!   * a task about to sleep on network readiness (`events::wait`), before it sleeps;
//!   * a `close` (`Stack::send_deferred`), which may discard a socket's queue: a UDP
//!     socket's datagrams, or a TCP socket's unsent data when unread data makes it reset;
//!   * a task about to sleep on anything else (`sched::block`), or a timer or device
//!     interrupt: the network task is woken to do it, so a program that computes
//!     without another call waits at most its time slice.
//!
//! Only with one CPU online (`Stack::after_call`): the gain was measured there, and a CI
//! run of the tokio server on two vCPUs was 10x slower once with it.
//!
//! The owed flag is only set under the stack's lock and cleared by any poll of the
//! stack (which sends for every socket), so one flag serves all CPUs.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Calls in a row that may defer before one must send: bounds the delay when the work
/// that looks waiting is never taken (data on a socket nobody reads).
pub const MAX_RUN: u32 = 32;

pub struct Deferral {
    owed: AtomicBool,
    run: AtomicU32,
}

impl Deferral {
    pub const fn new() -> Deferral {
        Deferral {
            owed: AtomicBool::new(false),
            run: AtomicU32::new(0),
        }
    }

    /// A call while more work waits: true when its egress may wait (now owed), false
    /// when this call must send (the run reached `MAX_RUN`).
    pub fn defer(&self) -> bool {
        if self.run.fetch_add(1, Ordering::Relaxed) + 1 >= MAX_RUN {
            return false;
        }
        self.owed.store(true, Ordering::Release);
        true
    }

    /// The stack was polled (everything every socket had was sent): nothing owed.
    pub fn sent(&self) {
        self.run.store(0, Ordering::Relaxed);
        self.owed.store(false, Ordering::Release);
    }

    /// Takes the owed egress: true when one was owed (the caller then sends).
    pub fn take(&self) -> bool {
        self.owed.load(Ordering::Acquire) && self.owed.swap(false, Ordering::AcqRel)
    }
}

impl Default for Deferral {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owed_until_taken_or_sent() {
        let d = Deferral::new();
        assert!(!d.take());
        assert!(d.defer());
        assert!(d.take());
        assert!(!d.take());
        assert!(d.defer());
        d.sent();
        assert!(!d.take());
    }

    #[test]
    fn a_long_run_must_send() {
        let d = Deferral::new();
        for _ in 1..MAX_RUN {
            assert!(d.defer());
        }
        assert!(!d.defer());
        d.sent();
        assert!(d.defer());
    }
}
