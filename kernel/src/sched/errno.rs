//! errno of the running task (`sys_get_errno`, and every failing system call's record).

use super::percpu::current_task;

/// The running task's errno.
pub fn errno() -> i32 {
    // SAFETY: the current task is the caller's own, valid while it runs; a task's errno
    // is only touched by the task itself.
    unsafe { (*current_task()).errno }
}

/// Sets the running task's errno.
pub fn set_errno(e: i32) {
    // SAFETY: as in `errno`.
    unsafe { (*current_task()).errno = e };
}
