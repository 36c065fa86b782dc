//! Ending the application.

use crate::arch::{crash, exit};
use crate::kreport;

#[unsafe(no_mangle)]
pub extern "C" fn sys_exit(status: i32) -> ! {
    crate::klog!("eremit: application exited with status {status}");
    if crate::console::verbose() {
        let (free, total) = crate::mm::heap::HEAP.usage();
        let (live, switches) = crate::sched::stats();
        crate::klog!(
            "eremit: heap in use at exit: {} bytes; {live} tasks alive; {switches} context switches",
            total - free
        );
    }
    exit::exit_vm(status)
}

/// `abort()`, also the end of a panicking Rust program: a backtrace, then the exit code
/// a shell shows for SIGABRT (134).
#[unsafe(no_mangle)]
pub extern "C" fn sys_abort() -> ! {
    kreport!("eremit: the application aborted");
    crash::backtrace(0, crash::current_rbp(), crash::current_rsp());
    exit::exit_vm(134)
}

/// The one process of the VM.
#[unsafe(no_mangle)]
pub extern "C" fn sys_getpid() -> i32 {
    1
}
