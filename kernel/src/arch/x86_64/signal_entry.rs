//! Signal handlers run from an interrupt (docs/signals.md, "When handlers run"):
//! when an interrupt returns to a task that was running application code (not the
//! kernel's: the interrupted instruction is outside the kernel's text) and a signal was
//! posted to it (`sched::signal`), the return goes to `eremit_signal_trampoline`
//! instead, on the task's own stack below the red zone (the interrupt stub,
//! irq_stubs.s, already keeps its frame there). The trampoline saves every
//! register the C ABI lets a call change and the FPU/SSE/AVX state, calls the C
//! library's `__eremit_signal_async` (which runs the handlers), restores them all and
//! returns to the interrupted instruction with `iretq` (flags and stack pointer too).

use core::arch::global_asm;

use super::fpu;

/// What the CPU pushed for the interrupt (and `iretq` pops), lowest address first; the
/// check reads the interrupted instruction's address only.
#[repr(C)]
pub struct IretFrame {
    rip: u64,
}

unsafe extern "C" {
    /// The C library's entry (libc-port/src/signal.c); weak: null in programs without
    /// it (Rust's std), which never get a signal posted.
    #[linkage = "extern_weak"]
    static __eremit_signal_async: Option<unsafe extern "C" fn()>;
    // The kernel's code, when the link keeps it apart (the C toolchain's link does:
    // libc-port/kernel-text.ld).
    #[linkage = "extern_weak"]
    static __eremit_kernel_text_start: Option<&'static u8>;
    #[linkage = "extern_weak"]
    static __eremit_kernel_text_end: Option<&'static u8>;
}

/// Whether `rip` is the application's code: not the kernel's text. Without the
/// symbols (a link that does not gather the kernel's code) nothing is.
pub(crate) fn in_application(rip: u64) -> bool {
    let addr = |s: Option<&'static u8>| s.map_or(0, |r| r as *const u8 as u64);
    // SAFETY: reading weak symbols' addresses; nothing is dereferenced.
    let (start, end) = unsafe {
        (
            addr(__eremit_kernel_text_start),
            addr(__eremit_kernel_text_end),
        )
    };
    start != 0 && !(start..end).contains(&rip)
}

/// Called by the interrupt stub before `iretq` (interrupts off), with the frame it
/// returns through: whether to return into the trampoline instead, because the task was
/// running application code and a signal waits for it. The stub rewrites the frame
/// (irq_stubs.s): this function's own stack frame lies where the copy goes.
#[unsafe(no_mangle)]
extern "C" fn eremit_irq_signal_check(frame: *const IretFrame) -> bool {
    // SAFETY: reading the weak symbol (null when absent).
    if unsafe { __eremit_signal_async }.is_none() {
        return false;
    }
    // SAFETY: the stub passes the frame on this task's stack, which only it uses.
    let rip = unsafe { (*frame).rip };
    in_application(rip) && crate::sched::signal::current_pending()
}

/// Size of the FPU/SSE/AVX save area (the trampoline makes room for it).
#[unsafe(no_mangle)]
extern "C" fn eremit_signal_area_size() -> u64 {
    fpu::area_size() as u64 + 64
}

/// Between the trampoline's saves and restores: the FPU state to `area` (64-aligned,
/// `eremit_signal_area_size` bytes), the library's handlers, the state back.
#[unsafe(no_mangle)]
extern "C" fn eremit_signal_deliver(area: *mut u8) {
    // SAFETY: the trampoline made `area` as `save_to_and_reset` needs it; the kernel's
    // own code uses no FPU/SSE register (soft-float target), so the state saved is the
    // application's.
    unsafe { fpu::save_to_and_reset(area) };
    // SAFETY: checked non-null before the redirect; the library's function takes no
    // argument and returns normally.
    if let Some(hook) = unsafe { __eremit_signal_async } {
        // SAFETY: as above.
        unsafe { hook() };
    }
    // SAFETY: saved above, into the same area.
    unsafe { fpu::restore_from(area) };
}

// The trampoline: entered by `iretq` with [rsp] the interrupted frame (rsp 16-aligned).
// Saves the registers a C call may change (and rbp, its frame pointer), makes a 64-byte
// aligned room for the FPU state, and returns through the saved frame.
global_asm!(
    ".section .text.eremit_signal, \"ax\"",
    ".global eremit_signal_trampoline",
    "eremit_signal_trampoline:",
    "    push rax",
    "    push rcx",
    "    push rdx",
    "    push rsi",
    "    push rdi",
    "    push r8",
    "    push r9",
    "    push r10",
    "    push r11",
    "    push rbp",
    "    mov rbp, rsp",
    "    call eremit_signal_area_size",
    "    sub rsp, rax",
    "    and rsp, -64",
    "    mov rdi, rsp",
    "    call eremit_signal_deliver",
    "    mov rsp, rbp",
    "    pop rbp",
    "    pop r11",
    "    pop r10",
    "    pop r9",
    "    pop r8",
    "    pop rdi",
    "    pop rsi",
    "    pop rdx",
    "    pop rcx",
    "    pop rax",
    "    iretq",
);
