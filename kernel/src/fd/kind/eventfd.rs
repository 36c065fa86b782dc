//! eventfd: a 64-bit counter that `write` adds to and `read` takes (all of it, or one
//! in semaphore mode), blocking while it is zero. Waiters sleep on the readiness
//! counter (`net::events`), like sockets, so `poll` covers both. A reader blocked on
//! one keeps it alive (the call holds the open file) if the descriptor is closed
//! meanwhile.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::abi::errno::{EAGAIN, EINVAL};
use crate::abi::net::{POLLIN, POLLOUT};
use crate::abi::stat;
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::Errno;
use crate::net::events;

pub struct EventFd {
    count: AtomicU64,
    semaphore: bool,
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
    fn take(&self, buf: &mut [u8], nonblocking: bool) -> Result<usize, Errno> {
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
            events::wait_interruptible(seen, None)?;
        }
    }

    /// Adds the 8-byte value in `buf`, blocking while it would overflow.
    fn add(&self, buf: &[u8], nonblocking: bool) -> Result<usize, Errno> {
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
            events::wait_interruptible(seen, None)?;
        }
    }
}

impl FileObject for EventFd {
    fn read(&self, buf: &mut [u8], flags: IoFlags) -> Result<usize, Errno> {
        self.take(buf, flags.nonblocking)
    }

    fn write(&self, data: &[u8], flags: IoFlags) -> Result<usize, Errno> {
        self.add(data, flags.nonblocking)
    }

    fn readiness(&self) -> i16 {
        let c = self.count.load(Ordering::Acquire);
        (if c > 0 { POLLIN } else { 0 }) | (if c < MAX { POLLOUT } else { 0 })
    }

    /// Linux shows an anonymous inode with no type bits.
    fn stat(&self) -> Result<stat, Errno> {
        Ok(stat {
            st_mode: 0o600,
            st_nlink: 1,
            st_blksize: 4096,
            ..Default::default()
        })
    }
}
