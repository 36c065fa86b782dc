//! The context switch: the callee-saved registers (x19-x30, d8-d15) and the interrupt
//! mask go on the old task's stack, the stack pointer is swapped, the new task's are
//! popped. A new task's first frame (`initial_stack`) returns into `eremit_task_start`,
//! which calls the scheduler's `eremit_task_entry(entry, arg)`.

use core::arch::global_asm;

// Frame (176 bytes): x19..x30 at 0..96, d8..d15 at 96..160, DAIF at 160.
global_asm!(
    ".section .text.eremit_switch, \"ax\"",
    ".global eremit_switch_to",
    "eremit_switch_to:",
    "sub sp, sp, #176",
    "stp x19, x20, [sp, #0]",
    "stp x21, x22, [sp, #16]",
    "stp x23, x24, [sp, #32]",
    "stp x25, x26, [sp, #48]",
    "stp x27, x28, [sp, #64]",
    "stp x29, x30, [sp, #80]",
    "stp d8, d9, [sp, #96]",
    "stp d10, d11, [sp, #112]",
    "stp d12, d13, [sp, #128]",
    "stp d14, d15, [sp, #144]",
    "mrs x9, daif",
    "str x9, [sp, #160]",
    "mov x9, sp",
    "str x9, [x0]",
    "mov sp, x1",
    "ldr x9, [sp, #160]",
    "msr daif, x9",
    "ldp x19, x20, [sp, #0]",
    "ldp x21, x22, [sp, #16]",
    "ldp x23, x24, [sp, #32]",
    "ldp x25, x26, [sp, #48]",
    "ldp x27, x28, [sp, #64]",
    "ldp x29, x30, [sp, #80]",
    "ldp d8, d9, [sp, #96]",
    "ldp d10, d11, [sp, #112]",
    "ldp d12, d13, [sp, #128]",
    "ldp d14, d15, [sp, #144]",
    "add sp, sp, #176",
    "ret",
    ".global eremit_task_start",
    "eremit_task_start:",
    "mov x0, x19",
    "mov x1, x20",
    "bl eremit_task_entry",
    "brk #1",
);

unsafe extern "C" {
    fn eremit_switch_to(save_sp: *mut u64, next_sp: u64);
    static eremit_task_start: u8;
}

/// Saves the running task's context (its stack pointer into `*save_sp`) and resumes the
/// one whose stack pointer is `next_sp`.
///
/// # Safety
/// `next_sp` must come from `initial_stack` or an earlier `switch_to`, its stack alive.
pub unsafe fn switch_to(save_sp: *mut u64, next_sp: u64) {
    // SAFETY: as the caller guarantees.
    unsafe { eremit_switch_to(save_sp, next_sp) }
}

/// Builds a new task's first frame below `top`; returns its stack pointer.
///
/// # Safety
/// `top` must be the 16-byte-aligned top of a writable stack of at least 176 bytes.
pub unsafe fn initial_stack(top: u64, entry: u64, arg: u64) -> u64 {
    let start = core::ptr::addr_of!(eremit_task_start) as u64;
    let mut frame = [0u64; 22];
    frame[0] = entry; // x19
    frame[1] = arg; // x20
    frame[11] = start; // x30: where the first switch returns to
    frame[20] = 0x3c0; // DAIF: interrupts masked, as the scheduler's lock expects
    let sp = top - (frame.len() as u64) * 8;
    // SAFETY: the frame lies inside the stack the caller provides.
    unsafe { core::ptr::copy_nonoverlapping(frame.as_ptr(), sp as *mut u64, frame.len()) };
    sp
}
