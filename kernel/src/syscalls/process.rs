//! Ending the application.

use crate::arch::{crash, exit};
use crate::kreport;

unsafe extern "C" {
    /// Defined by the C library when a program links it (libc-port/src/reent.c): flushes
    /// C stdio, so output is not lost when Rust's std ends the program with `sys_exit`
    /// instead of C's `exit()`. A weak reference: null in pure Rust programs.
    #[linkage = "extern_weak"]
    static __eremit_exit_hook: Option<unsafe extern "C" fn(i32)>;
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_exit(status: i32) -> ! {
    // SAFETY: reading a weak symbol's address; the hook, when linked, is the C library's
    // run-once flush, safe to call from any thread.
    if let Some(hook) = unsafe { __eremit_exit_hook } {
        // SAFETY: as above.
        unsafe { hook(status) };
    }
    #[cfg(feature = "net")]
    crate::net::drain(2_000_000_000);
    crate::klog!("eremit: application exited with status {status}");
    crate::profile::report();
    if crate::console::verbose() {
        let (free, total) = crate::mm::heap::HEAP.usage();
        let st = crate::sched::stats();
        crate::klog!(
            "eremit: heap in use at exit: {} bytes; {} tasks alive; {} context switches; {} timer armings; CPUs halted {} ms of {} ms",
            total - free,
            st.live_tasks,
            st.switches,
            st.timer_arms,
            st.halted_ns / 1_000_000,
            crate::clock::uptime_ns() / 1_000_000
        );
    }
    exit::exit_vm(status)
}

/// `abort()`, also the end of a panicking Rust program: a backtrace, then the exit code
/// a shell shows for SIGABRT (134).
#[unsafe(no_mangle)]
pub extern "C" fn sys_abort() -> ! {
    kreport!("eremit: the application aborted");
    crash::backtrace_here();
    exit::exit_vm(134)
}

/// `getpid`, a naked function in the architecture's code (the VM's one process is 1).
pub use crate::arch::abi_stubs::sys_getpid;
