//! eventfd: a 64-bit counter that `write` adds to and `read` takes (all of it, or one
//! in semaphore mode), blocking while it is zero. Waiters sleep on the readiness
//! counter, like sockets, so `poll` covers both.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};
use hermit_sync::InterruptSpinMutex;

use super::events;
use crate::abi::errno::{EAGAIN, EINVAL, ENOMEM};
use crate::abi::net::{POLLIN, POLLOUT};

pub struct EventFd {
    count: AtomicU64,
    semaphore: bool,
}

/// The eventfds by id (what a descriptor's `Object::EventFd` holds). A reader blocked
/// on one keeps it alive through its `Arc` if the descriptor is closed meanwhile.
static TABLE: InterruptSpinMutex<Vec<Option<Arc<EventFd>>>> = InterruptSpinMutex::new(Vec::new());

/// A new eventfd's id; ENOMEM when there is no memory for it.
pub fn create(initial: u64, semaphore: bool) -> Result<u32, i32> {
    let e = Some(Arc::try_new(EventFd::new(initial, semaphore)).map_err(|_| ENOMEM)?);
    let mut t = TABLE.lock();
    match t.iter().position(Option::is_none) {
        Some(i) => {
            t[i] = e;
            Ok(i as u32)
        }
        None => {
            t.try_reserve(1).map_err(|_| ENOMEM)?;
            t.push(e);
            Ok((t.len() - 1) as u32)
        }
    }
}

pub fn get(id: u32) -> Option<Arc<EventFd>> {
    TABLE.lock().get(id as usize)?.clone()
}

pub fn release(id: u32) {
    if let Some(slot) = TABLE.lock().get_mut(id as usize) {
        *slot = None;
    }
}

/// The largest value the counter holds (2^64 - 2).
const MAX: u64 = u64::MAX - 1;

impl EventFd {
    pub fn new(initial: u64, semaphore: bool) -> EventFd {
        EventFd {
            count: AtomicU64::new(initial),
            semaphore,
        }
    }

    /// Takes the counter (or 1 of it) into `buf` (8 bytes at least).
    pub fn read(&self, buf: &mut [u8], nonblocking: bool) -> Result<usize, i32> {
        if buf.len() < 8 {
            return Err(EINVAL);
        }
        loop {
            let seen = events::current();
            let taken = self
                .count
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |c| match c {
                    0 => None,
                    c if self.semaphore => Some(c - 1),
                    _ => Some(0),
                });
            if let Ok(c) = taken {
                let v = if self.semaphore { 1 } else { c };
                buf[..8].copy_from_slice(&v.to_ne_bytes());
                events::signal();
                return Ok(8);
            }
            if nonblocking {
                return Err(EAGAIN);
            }
            events::wait(seen, None);
        }
    }

    /// Adds the 8-byte value in `buf`, blocking while it would overflow.
    pub fn write(&self, buf: &[u8], nonblocking: bool) -> Result<usize, i32> {
        let Some(bytes) = buf.get(..8) else {
            return Err(EINVAL);
        };
        let v = u64::from_ne_bytes(bytes.try_into().unwrap());
        if v == u64::MAX {
            return Err(EINVAL);
        }
        loop {
            let seen = events::current();
            let added = self
                .count
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |c| {
                    (c <= MAX - v).then_some(c + v)
                });
            if added.is_ok() {
                events::signal();
                return Ok(8);
            }
            if nonblocking {
                return Err(EAGAIN);
            }
            events::wait(seen, None);
        }
    }

    pub fn readiness(&self) -> i16 {
        let c = self.count.load(Ordering::Acquire);
        (if c > 0 { POLLIN } else { 0 }) | (if c < MAX { POLLOUT } else { 0 })
    }
}
