//! A kernel panic: the message and a backtrace on the kernel log and stderr, then the VM
//! ends with the exit code a shell shows for SIGABRT.

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    crate::kreport!("\neremit: kernel panic: {info}");
    crate::arch::crash::backtrace_here();
    crate::arch::exit::exit_vm(134)
}
