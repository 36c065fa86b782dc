//! `sys_eventfd`: a descriptor for a new eventfd (`fd::kind::eventfd`).

use super::fail;
use crate::abi::O_NONBLOCK;
use crate::abi::errno::EINVAL;
use crate::abi::net::{EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE};
use crate::fd::files::{new_object, new_open_file};
use crate::fd::flags::Access;
use crate::fd::global;
use crate::fd::kind::eventfd::EventFd;

/// An eventfd descriptor; `flags`: EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC.
#[unsafe(no_mangle)]
pub extern "C" fn sys_eventfd(initval: u64, flags: i16) -> i32 {
    if flags & !(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC) != 0 || initval > u32::MAX as u64 {
        return fail(EINVAL);
    }
    let status = if flags & EFD_NONBLOCK != 0 {
        O_NONBLOCK
    } else {
        0
    };
    let r = new_object(EventFd::new(initval, flags & EFD_SEMAPHORE != 0))
        .and_then(|object| new_open_file(object, Access::ReadWrite, status))
        .and_then(|file| global::install(file, flags & EFD_CLOEXEC != 0));
    r.unwrap_or_else(fail)
}
