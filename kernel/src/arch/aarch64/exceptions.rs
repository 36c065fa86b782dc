//! The exception vectors (`VBAR_EL1`): every entry saves the general registers and the
//! exception's syndrome into a `Frame` and calls `eremit_exception`. Interrupts go to
//! `irq::dispatch` on the interrupted stack and return, the FP/SIMD registers (v0-v31,
//! FPCR, FPSR) saved around it: the kernel is compiled with them (the target has NEON),
//! so its handlers may use any of them, which the interrupted code still needs (x86-64's
//! kernel is built without SSE instead). Everything else is fatal and
//! becomes a crash report (`crash::exception`), on a stack of the CPU's own
//! (`CRASH_STACKS`): a stack overflow leaves the stack pointer in the guard page, where
//! no frame can be pushed.

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

/// Bytes of each CPU's crash stack (`smp::MAX_CPUS` of them, indexed by `MPIDR.Aff0`).
const CRASH_STACK: usize = 16 << 10;
#[repr(C, align(16))]
struct CrashStacks([u8; CRASH_STACK * 8]);
#[unsafe(no_mangle)]
static mut EREMIT_CRASH_STACKS: CrashStacks = CrashStacks([0; CRASH_STACK * 8]);

// 36 words = 288 bytes, a multiple of 16 as the stack pointer requires. A fatal
// (synchronous) exception at EL1 switches to this CPU's crash stack first, keeping x0 in
// SP_EL0 and the old stack pointer in TPIDRRO_EL0 (neither is used otherwise: the
// kernel and the application run on SP_EL1, the thread pointer is TPIDR_EL0).
global_asm!(
    r#"
    .macro EREMIT_VECTOR kind
    .p2align 7
    sub sp, sp, #288
    stp x0, x1, [sp, #0]
    mov x1, #\kind
    b eremit_exception_common
    .endm

    .macro EREMIT_FATAL_VECTOR kind
    .p2align 7
    msr sp_el0, x0
    mov x0, sp
    msr tpidrro_el0, x0
    mrs x0, mpidr_el1
    and x0, x0, #7
    add x0, x0, #1
    lsl x0, x0, #14
    mov sp, x0
    adrp x0, EREMIT_CRASH_STACKS
    add x0, x0, :lo12:EREMIT_CRASH_STACKS
    add sp, sp, x0
    mrs x0, sp_el0
    sub sp, sp, #288
    stp x0, x1, [sp, #0]
    mov x1, #\kind
    b eremit_exception_fatal
    .endm

    .section .text.eremit_vectors, "ax"
    .p2align 11
    .global eremit_vectors
    eremit_vectors:
    EREMIT_VECTOR 0
    EREMIT_VECTOR 1
    EREMIT_VECTOR 2
    EREMIT_VECTOR 3
    EREMIT_FATAL_VECTOR 4
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

    eremit_exception_fatal:
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
    mrs x2, tpidrro_el0
    stp x30, x2, [sp, #240]
    mrs x2, elr_el1
    mrs x3, spsr_el1
    stp x2, x3, [sp, #256]
    mrs x2, esr_el1
    mrs x3, far_el1
    stp x2, x3, [sp, #272]
    mov x0, sp
    bl eremit_exception
    brk #2

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
    sub sp, sp, #528
    stp q0, q1, [sp, #16]
    stp q2, q3, [sp, #48]
    stp q4, q5, [sp, #80]
    stp q6, q7, [sp, #112]
    stp q8, q9, [sp, #144]
    stp q10, q11, [sp, #176]
    stp q12, q13, [sp, #208]
    stp q14, q15, [sp, #240]
    stp q16, q17, [sp, #272]
    stp q18, q19, [sp, #304]
    stp q20, q21, [sp, #336]
    stp q22, q23, [sp, #368]
    stp q24, q25, [sp, #400]
    stp q26, q27, [sp, #432]
    stp q28, q29, [sp, #464]
    stp q30, q31, [sp, #496]
    mrs x2, fpcr
    mrs x3, fpsr
    stp x2, x3, [sp, #0]
    bl eremit_exception
    ldp x2, x3, [sp, #0]
    msr fpcr, x2
    msr fpsr, x3
    ldp q0, q1, [sp, #16]
    ldp q2, q3, [sp, #48]
    ldp q4, q5, [sp, #80]
    ldp q6, q7, [sp, #112]
    ldp q8, q9, [sp, #144]
    ldp q10, q11, [sp, #176]
    ldp q12, q13, [sp, #208]
    ldp q14, q15, [sp, #240]
    ldp q16, q17, [sp, #272]
    ldp q18, q19, [sp, #304]
    ldp q20, q21, [sp, #336]
    ldp q22, q23, [sp, #368]
    ldp q24, q25, [sp, #400]
    ldp q26, q27, [sp, #432]
    ldp q28, q29, [sp, #464]
    ldp q30, q31, [sp, #496]
    add sp, sp, #528
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
