//! The hermit system-call ABI: every function `hermit-abi` 0.5 declares, exported with
//! C linkage. Functions return a negative errno on failure and also set the calling
//! task's errno (`sys_get_errno`). Calls not implemented yet return `-ENOSYS`; README's
//! table lists them.

mod abi_check;
mod entropy;
mod fs;
mod io;
mod memory;
mod net;
mod process;
mod system;
mod tasks;
mod time;
mod unsupported;

use crate::abi::errno::{EFAULT, EINVAL};

/// Records `e` as the calling task's errno.
pub(crate) fn set_errno(e: i32) {
    *crate::sched::errno_slot() = e;
}

pub(crate) fn errno() -> i32 {
    *crate::sched::errno_slot()
}

/// `-e` as the return value of a call that failed with `e`, recording errno.
pub(crate) fn fail(e: i32) -> i32 {
    set_errno(e);
    -e
}

/// Checks a buffer handed in by the application: not null, not wrapping, inside RAM.
pub(crate) fn check_buffer(ptr: *const u8, len: usize) -> Result<(), i32> {
    if len == 0 {
        return Ok(());
    }
    if ptr.is_null() || (ptr as u64) < 4096 {
        return Err(EFAULT);
    }
    if len > isize::MAX as usize {
        return Err(EINVAL);
    }
    match (ptr as u64).checked_add(len as u64) {
        Some(end) if end <= crate::mm::paging::ram_end() => Ok(()),
        _ => Err(EFAULT),
    }
}
