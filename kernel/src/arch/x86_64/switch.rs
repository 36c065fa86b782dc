//! The context switch: saving one task's registers on its stack and resuming another's
//! (the FPU/SSE/AVX state is `fpu`'s).

use core::arch::global_asm;

// switch_to(save_rsp: *mut u64, next_rsp: u64): pushes the callee-saved registers and
// RFLAGS (so a task resumes with its own interrupt flag), stores the stack pointer,
// switches to the next task's stack and pops its registers. A new task's stack is laid
// out so that the `ret` lands in eremit_task_start.
global_asm!(
    ".section .text.eremit_switch, \"ax\"",
    ".global eremit_switch_to",
    "eremit_switch_to:",
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "pushfq",
    "mov [rdi], rsp",
    "mov rsp, rsi",
    "popfq",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    // First instructions of a new task: r12 = entry, r13 = argument (set up by
    // initial_stack); the stack is 16-byte aligned here, as before a call.
    ".global eremit_task_start",
    "eremit_task_start:",
    "mov rdi, r12",
    "mov rsi, r13",
    "call eremit_task_entry",
    "ud2",
);

unsafe extern "C" {
    fn eremit_switch_to(save_rsp: *mut u64, next_rsp: u64);
    static eremit_task_start: u8;
}

/// Switches stacks. Returns when some CPU switches back to the saving task.
///
/// # Safety
/// `next_rsp` must be a stack saved by `switch_to` or built by `initial_stack`, not in
/// use elsewhere; interrupts must be off.
pub unsafe fn switch_to(save_rsp: *mut u64, next_rsp: u64) {
    // SAFETY: the caller upholds the contract above.
    unsafe { eremit_switch_to(save_rsp, next_rsp) }
}

/// Prepares a fresh stack whose first switch runs `eremit_task_entry(entry, arg)`.
///
/// # Safety
/// `top` must be the 16-byte aligned top of a mapped, unused stack of at least 128 bytes.
pub unsafe fn initial_stack(top: u64, entry: u64, arg: u64) -> u64 {
    let start = core::ptr::addr_of!(eremit_task_start) as u64;
    // Layout popped by switch_to: rflags, r15, r14, r13, r12, rbx, rbp, return address;
    // after the `ret`, rsp = top, 16-byte aligned as a call site needs.
    let frame: [u64; 8] = [0x2, 0, 0, arg, entry, 0, 0, start];
    let rsp = top - (frame.len() as u64) * 8;
    // SAFETY: the caller guarantees the stack memory below `top`.
    unsafe { core::ptr::copy_nonoverlapping(frame.as_ptr(), rsp as *mut u64, frame.len()) };
    rsp
}
