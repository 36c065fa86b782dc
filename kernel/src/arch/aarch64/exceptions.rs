//! The exception vectors (`VBAR_EL1`): every entry saves the general registers and the
//! exception's syndrome into a `Frame` on the current stack and calls
//! `eremit_exception`. Interrupts go to `irq::dispatch` and return; everything else is
//! fatal and becomes a crash report (`crash::exception`).

use core::arch::global_asm;

/// What the vector code saves, in this order (`FRAME_SIZE` bytes).
#[repr(C)]
pub struct Frame {
    pub x: [u64; 31],
    /// The stack pointer before the exception.
    pub sp: u64,
    pub elr: u64,
    pub spsr: u64,
    pub esr: u64,
    pub far: u64,
}

// 36 words = 288 bytes, a multiple of 16 as the stack pointer requires.
global_asm!(
    r#"
    .macro EREMIT_VECTOR kind
    .p2align 7
    sub sp, sp, #288
    stp x0, x1, [sp, #0]
    mov x1, #\kind
    b eremit_exception_common
    .endm

    .section .text.eremit_vectors, "ax"
    .p2align 11
    .global eremit_vectors
    eremit_vectors:
    EREMIT_VECTOR 0
    EREMIT_VECTOR 1
    EREMIT_VECTOR 2
    EREMIT_VECTOR 3
    EREMIT_VECTOR 4
    EREMIT_VECTOR 5
    EREMIT_VECTOR 6
    EREMIT_VECTOR 7
    EREMIT_VECTOR 8
    EREMIT_VECTOR 9
    EREMIT_VECTOR 10
    EREMIT_VECTOR 11
    EREMIT_VECTOR 12
    EREMIT_VECTOR 13
    EREMIT_VECTOR 14
    EREMIT_VECTOR 15

    eremit_exception_common:
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    add x2, sp, #288
    stp x30, x2, [sp, #240]
    mrs x2, elr_el1
    mrs x3, spsr_el1
    stp x2, x3, [sp, #256]
    mrs x2, esr_el1
    mrs x3, far_el1
    stp x2, x3, [sp, #272]
    mov x0, sp
    bl eremit_exception
    ldp x2, x3, [sp, #256]
    msr elr_el1, x2
    msr spsr_el1, x3
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    ldr x30, [sp, #240]
    add sp, sp, #288
    eret
    "#
);

/// Which of the 16 vectors was taken: 4 groups (current EL with SP_EL0, current EL with
/// SP_ELx, lower EL AArch64, lower EL AArch32) of synchronous, IRQ, FIQ, SError.
const IRQ_CURRENT_SPX: u64 = 5;

#[unsafe(no_mangle)]
extern "C" fn eremit_exception(frame: &mut Frame, kind: u64) {
    if kind == IRQ_CURRENT_SPX {
        super::irq::dispatch();
        return;
    }
    super::crash::exception(frame, kind)
}
