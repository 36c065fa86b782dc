//! The exception vectors (`VBAR_EL1`): every entry saves the general registers and the
//! exception's syndrome into a `Frame`, the FP/SIMD registers (v0-v31, FPCR, FPSR) below
//! it, and calls `eremit_exception`; when that returns, everything is restored from the
//! frame (the stack pointer too) and `eret` resumes. The kernel is compiled with the
//! vector registers (the target has NEON), so its handlers may use any of them, which the
//! interrupted code still needs (x86-64's kernel is built without SSE instead).
//! Interrupts go to `irq::dispatch` on the interrupted stack. Synchronous exceptions run
//! on a stack of the CPU's own (`CRASH_STACKS`): a stack overflow leaves the stack
//! pointer in the guard page, where no frame can be pushed. A memory fault of the
//! application's may be delivered as `SIGSEGV` (`fault_delivery`: the frame is rewritten
//! and returned through); everything else is fatal and becomes a crash report
//! (`crash::exception`).

use core::arch::global_asm;

/// What the vector code saves, in this order (`FRAME_SIZE` bytes).
#[repr(C)]
pub struct Frame {
    pub x: [u64; 31],
    /// The stack pointer before the exception (restored from here).
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

// The frame is 36 words = 288 bytes, a multiple of 16 as the stack pointer requires; the
// FP/SIMD area below it 528 (FPCR and FPSR, then q0-q31). Each vector saves x0 and x1 and
// the interrupted stack pointer (word 31), and puts its number in x1; the common code
// does the rest, in one loop per register file. A synchronous exception at EL1 switches
// to this CPU's crash stack first, keeping x0 in SP_EL0 and the old stack pointer in
// TPIDRRO_EL0 meanwhile (neither is used otherwise: the kernel and the application run on
// SP_EL1, the thread pointer is TPIDR_EL0). The stack pointer is restored last, from the
// frame: the interrupted one, or where a delivered fault goes (interrupts stay masked
// until `eret`, so nothing writes below it meanwhile).
global_asm!(
    r#"
    .macro EREMIT_VECTOR kind
    .p2align 7
    sub sp, sp, #288
    stp x0, x1, [sp, #0]
    add x0, sp, #288
    str x0, [sp, #248]
    mov x1, #\kind
    b eremit_exception_common
    .endm

    .macro EREMIT_SYNC_VECTOR kind
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
    mrs x0, tpidrro_el0
    str x0, [sp, #248]
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
    EREMIT_SYNC_VECTOR 4
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
    .irp n, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    str x\n, [sp, #(8 * \n)]
    .endr
    mrs x2, elr_el1
    mrs x3, spsr_el1
    stp x2, x3, [sp, #256]
    mrs x2, esr_el1
    mrs x3, far_el1
    stp x2, x3, [sp, #272]
    mov x0, sp
    sub sp, sp, #528
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    str q\n, [sp, #(16 + 16 * \n)]
    .endr
    mrs x2, fpcr
    mrs x3, fpsr
    stp x2, x3, [sp, #0]
    bl eremit_exception
    ldp x2, x3, [sp, #0]
    msr fpcr, x2
    msr fpsr, x3
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ldr q\n, [sp, #(16 + 16 * \n)]
    .endr
    add sp, sp, #528
    ldp x2, x3, [sp, #256]
    msr elr_el1, x2
    msr spsr_el1, x3
    .irp n, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    ldr x\n, [sp, #(8 * \n)]
    .endr
    mov x0, sp
    ldr x1, [x0, #248]
    mov sp, x1
    ldp x0, x1, [x0, #0]
    eret
    "#
);

/// Which of the 16 vectors was taken: 4 groups (current EL with SP_EL0, current EL with
/// SP_ELx, lower EL AArch64, lower EL AArch32) of synchronous, IRQ, FIQ, SError.
const IRQ_CURRENT_SPX: u64 = 5;

const SYNC_CURRENT_SPX: u64 = 4;

/// Every exception: interrupts dispatched, a fault the application handles delivered
/// (the frame now leads to its entry point); anything else ends in the crash report.
#[unsafe(no_mangle)]
extern "C" fn eremit_exception(frame: &mut Frame, kind: u64) {
    match kind {
        IRQ_CURRENT_SPX => super::irq::dispatch(frame.elr),
        SYNC_CURRENT_SPX if super::fault_delivery::abort(frame) => {}
        _ => super::crash::exception(frame, kind),
    }
}
