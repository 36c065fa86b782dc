//! `poll`, over every kind of descriptor: each object says what it is ready for
//! (`FileObject::readiness`), and the caller sleeps on the readiness counter
//! (`net::events`) that sockets, eventfds and standard input signal.

use super::{fail, uaccess};
use crate::abi::errno::EINVAL;
use crate::abi::net::POLLNVAL;
use crate::abi::{nfds_t, pollfd};
use crate::fd::global;
use crate::fd::readiness::revents;
use crate::net::events;

/// What `fd` is ready for (POLLIN, POLLOUT, POLLHUP, POLLERR; POLLNVAL when closed).
fn readiness(fd: i32) -> i16 {
    global::get(fd).map_or(POLLNVAL, |f| f.object().readiness())
}

/// Waits until one of the descriptors is ready or `timeout` milliseconds pass (-1:
/// no limit). Returns how many have events.
///
/// # Safety
/// `fds` must point at `nfds` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_poll(fds: *mut pollfd, nfds: nfds_t, timeout: i32) -> i32 {
    if nfds > crate::fd::table::MAX_FDS {
        return fail(EINVAL);
    }
    let bytes = nfds * core::mem::size_of::<pollfd>();
    // SAFETY: the caller's array, checked by uaccess.
    let raw = match unsafe { uaccess::bytes_mut(fds as *mut u8, bytes) } {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let entries = raw.as_mut_ptr() as *mut pollfd;
    let deadline =
        (timeout >= 0).then(|| crate::clock::deadline_after_ns(timeout as u64 * 1_000_000));
    loop {
        let seen = events::current();
        let mut ready = 0;
        for i in 0..nfds {
            // SAFETY: inside the checked array (pollfd is 8 bytes, 4-aligned; read and
            // written unaligned since nothing promises alignment).
            let mut p = unsafe { entries.add(i).read_unaligned() };
            p.revents = 0;
            if p.fd >= 0 {
                p.revents = revents(p.events, readiness(p.fd));
                if p.revents != 0 {
                    ready += 1;
                }
            }
            // SAFETY: as above.
            unsafe { entries.add(i).write_unaligned(p) };
        }
        if ready > 0 || timeout == 0 {
            return ready;
        }
        match events::wait_interruptible(seen, deadline) {
            Ok(true) => {}
            Ok(false) => return 0,
            Err(e) => return fail(e),
        }
    }
}
