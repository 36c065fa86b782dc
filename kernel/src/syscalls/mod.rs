//! The hermit system-call ABI: every function `hermit-abi` 0.5 declares, exported with
//! C linkage. Functions return a negative errno on failure and also set the calling
//! task's errno (`sys_get_errno`). Calls not implemented yet return `-ENOSYS`; README's
//! table lists them.

use crate::abi::errno::Errno;

mod abi_check;
mod attrs;
mod entropy;
mod eventfd;
mod fs;
mod io;
mod links;
mod locks;
pub(crate) mod memory;
mod net;
mod pipe;
mod poll;
mod process;
mod signals;
pub(crate) mod system;
mod tasks;
mod time;
pub(crate) mod uaccess;
mod unsupported;
mod volume;

/// Records `e` as the calling task's errno.
pub(crate) fn set_errno(e: Errno) {
    crate::sched::set_errno(e.code());
}

pub(crate) fn errno() -> i32 {
    crate::sched::errno()
}

/// `-e` as the return value of a call that failed with `e`, recording errno: the one
/// place where a typed `Errno` becomes the ABI's integer.
pub(crate) fn fail(e: Errno) -> i32 {
    set_errno(e);
    negated(e)
}

/// `e` as the ABI returns it: negated.
pub(crate) fn negated(e: Errno) -> i32 {
    -e.code()
}

/// The result of a call returning a size, as the ABI returns it.
pub(crate) fn size_or_errno(r: Result<usize, Errno>) -> isize {
    match r {
        Ok(n) => n as isize,
        Err(e) => fail(e) as isize,
    }
}

/// 0 or the negated errno.
pub(crate) fn status(r: Result<(), Errno>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}
