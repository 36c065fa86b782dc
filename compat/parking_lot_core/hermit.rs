//! parking_lot_core's thread parker for target_os = "hermit" (written for Eremit,
//! compat/parking_lot_core/hermit.rs; installed as src/thread_parker/hermit.rs by
//! adapt.py). MIT OR Apache-2.0, as parking_lot_core.
//!
//! Without it parking_lot_core falls back to its spin-lock parker on hermit, so every
//! parked thread (an idle tokio worker with tokio's `parking_lot` feature, part of
//! `full`) keeps a vCPU busy: measured 97% of a host CPU for an idle two-worker server.
//! Here a parked thread sleeps in the kernel's futex (`sys_futex_wait`/`sys_futex_wake`,
//! through the libc crate's hermit bindings) until unparked or its deadline passes.

use core::ptr;
use core::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::Instant;

/// `futex` is 1 while the thread is parked (or about to park), 0 once unparked.
pub struct ThreadParker {
    futex: AtomicU32,
}

impl super::ThreadParkerT for ThreadParker {
    type UnparkHandle = UnparkHandle;

    const IS_CHEAP_TO_CONSTRUCT: bool = true;

    #[inline]
    fn new() -> ThreadParker {
        ThreadParker {
            futex: AtomicU32::new(0),
        }
    }

    #[inline]
    unsafe fn prepare_park(&self) {
        self.futex.store(1, Ordering::Relaxed);
    }

    #[inline]
    unsafe fn timed_out(&self) -> bool {
        self.futex.load(Ordering::Relaxed) != 0
    }

    #[inline]
    unsafe fn park(&self) {
        while self.futex.load(Ordering::Acquire) != 0 {
            self.futex_wait(None);
        }
    }

    #[inline]
    unsafe fn park_until(&self, timeout: Instant) -> bool {
        while self.futex.load(Ordering::Acquire) != 0 {
            let now = Instant::now();
            if timeout <= now {
                return false;
            }
            let left = timeout - now;
            let ts = libc::timespec {
                tv_sec: left.as_secs().min(i64::MAX as u64) as libc::time_t,
                tv_nsec: left.subsec_nanos() as _,
            };
            self.futex_wait(Some(ts));
        }
        true
    }

    #[inline]
    unsafe fn unpark_lock(&self) -> UnparkHandle {
        // The queue lock is held and the futex is only a word: nothing else to lock.
        UnparkHandle { futex: &self.futex }
    }
}

impl ThreadParker {
    /// Sleeps while the futex is 1, at most `relative` long. Wake-ups, timeouts and a
    /// changed value all return; the callers loop on the value.
    #[inline]
    fn futex_wait(&self, relative: Option<libc::timespec>) {
        let timeout = relative
            .as_ref()
            .map_or(ptr::null(), |ts| ts as *const libc::timespec);
        let flags = if relative.is_some() {
            libc::FUTEX_RELATIVE_TIMEOUT
        } else {
            0
        };
        // SAFETY: the futex word lives as long as self; the timespec outlives the call.
        let r = unsafe { libc::futex_wait(self.futex.as_ptr(), 1, timeout, flags) };
        // 0 (woken), -EAGAIN (no longer 1), -ETIMEDOUT or -EINTR: all mean "look again".
        debug_assert!(
            r == 0 || r == -libc::EAGAIN || r == -libc::ETIMEDOUT || r == -libc::EINTR,
            "futex_wait: {r}"
        );
    }
}

pub struct UnparkHandle {
    futex: *const AtomicU32,
}

impl super::UnparkHandleT for UnparkHandle {
    #[inline]
    unsafe fn unpark(self) {
        // The parked thread may return and free its ThreadData as soon as it sees 0, so
        // the wake-up below uses the address only as the futex's key (the kernel never
        // dereferences it), as parking_lot's Linux parker does.
        // SAFETY: the word is alive until the store (unpark_lock's contract).
        unsafe { (*self.futex).store(0, Ordering::Release) };
        // SAFETY: as above: the address is only a key.
        unsafe { libc::futex_wake(self.futex as *mut u32, 1) };
    }
}

#[inline]
pub fn thread_yield() {
    thread::yield_now();
}
