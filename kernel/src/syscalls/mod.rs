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
pub(crate) mod system;
mod tasks;
mod time;
pub(crate) mod uaccess;
mod unsupported;

/// Records `e` as the calling task's errno.
pub(crate) fn set_errno(e: i32) {
    crate::sched::set_errno(e);
}

pub(crate) fn errno() -> i32 {
    crate::sched::errno()
}

/// `-e` as the return value of a call that failed with `e`, recording errno.
pub(crate) fn fail(e: i32) -> i32 {
    set_errno(e);
    -e
}
