//! System calls whose whole body is a few instructions of the ABI itself, written as
//! naked functions (the other calls are in `syscalls/`).

/// The one process of the VM: its pid is 1.
// Naked, so that the kernel's frame pointers (kept for backtraces) add no push and pop to
// the cheapest system call: under TCG each is a software-TLB lookup.
#[unsafe(no_mangle)]
#[unsafe(naked)]
pub extern "C" fn sys_getpid() -> i32 {
    core::arch::naked_asm!("mov eax, 1", "ret")
}
