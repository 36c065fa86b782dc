//! FP/SIMD state per task: v0-v31, FPCR and FPSR (528 bytes).

use alloc::alloc::{Layout, alloc_zeroed, dealloc};
use core::arch::asm;

const AREA: usize = 32 * 16 + 16;

/// Nothing to detect: every aarch64 CPU with FP/SIMD has the same register file.
pub fn init_fpu() {}

pub struct FpuState {
    area: *mut u8,
}

// SAFETY: the area is owned by its task and only touched on the CPU running it.
unsafe impl Send for FpuState {}

impl FpuState {
    fn layout() -> Layout {
        Layout::from_size_align(AREA, 16).unwrap()
    }

    /// A fresh state: all registers zero, FPCR 0 (round to nearest, no traps).
    pub fn new() -> Option<Self> {
        // SAFETY: the layout has non-zero size.
        let area = unsafe { alloc_zeroed(Self::layout()) };
        (!area.is_null()).then_some(Self { area })
    }

    pub fn save(&mut self) {
        // SAFETY: the area holds 528 bytes, 16-byte aligned.
        unsafe {
            asm!(
                "stp q0, q1, [{a}, #0]",
                "stp q2, q3, [{a}, #32]",
                "stp q4, q5, [{a}, #64]",
                "stp q6, q7, [{a}, #96]",
                "stp q8, q9, [{a}, #128]",
                "stp q10, q11, [{a}, #160]",
                "stp q12, q13, [{a}, #192]",
                "stp q14, q15, [{a}, #224]",
                "stp q16, q17, [{a}, #256]",
                "stp q18, q19, [{a}, #288]",
                "stp q20, q21, [{a}, #320]",
                "stp q22, q23, [{a}, #352]",
                "stp q24, q25, [{a}, #384]",
                "stp q26, q27, [{a}, #416]",
                "stp q28, q29, [{a}, #448]",
                "stp q30, q31, [{a}, #480]",
                "mrs {t}, fpcr",
                "str {t}, [{a}, #512]",
                "mrs {t}, fpsr",
                "str {t}, [{a}, #520]",
                a = in(reg) self.area,
                t = out(reg) _,
                options(nostack)
            )
        };
    }

    /// Saves only the control state (FPCR, FPSR): the registers of a task that left
    /// through a call are dead (all are caller-saved at a call but d8-d15, which the
    /// context switch keeps).
    pub fn save_control(&mut self) {
        // SAFETY: the area holds 528 bytes.
        unsafe {
            asm!(
                "mrs {t}, fpcr",
                "str {t}, [{a}, #512]",
                "mrs {t}, fpsr",
                "str {t}, [{a}, #520]",
                a = in(reg) self.area,
                t = out(reg) _,
                options(nostack)
            )
        };
    }

    /// Loads the saved registers. v8-v15 are declared clobbered, so the compiler keeps
    /// the caller's d8-d15 around the call; the task's own low halves come back from the
    /// context switch's frame. A task preempted mid-computation gets all of v0-v31 back
    /// from its interrupt frame (`exceptions`), so the upper halves are not lost.
    pub fn restore(&self) {
        // SAFETY: the area holds a state written by `new` or `save`.
        unsafe {
            asm!(
                "ldp q0, q1, [{a}, #0]",
                "ldp q2, q3, [{a}, #32]",
                "ldp q4, q5, [{a}, #64]",
                "ldp q6, q7, [{a}, #96]",
                "ldp q8, q9, [{a}, #128]",
                "ldp q10, q11, [{a}, #160]",
                "ldp q12, q13, [{a}, #192]",
                "ldp q14, q15, [{a}, #224]",
                "ldp q16, q17, [{a}, #256]",
                "ldp q18, q19, [{a}, #288]",
                "ldp q20, q21, [{a}, #320]",
                "ldp q22, q23, [{a}, #352]",
                "ldp q24, q25, [{a}, #384]",
                "ldp q26, q27, [{a}, #416]",
                "ldp q28, q29, [{a}, #448]",
                "ldp q30, q31, [{a}, #480]",
                "ldr {t}, [{a}, #512]",
                "msr fpcr, {t}",
                "ldr {t}, [{a}, #520]",
                "msr fpsr, {t}",
                a = in(reg) self.area,
                t = out(reg) _,
                out("v0") _, out("v1") _, out("v2") _, out("v3") _,
                out("v4") _, out("v5") _, out("v6") _, out("v7") _,
                out("v8") _, out("v9") _, out("v10") _, out("v11") _,
                out("v12") _, out("v13") _, out("v14") _, out("v15") _,
                out("v16") _, out("v17") _, out("v18") _, out("v19") _,
                out("v20") _, out("v21") _, out("v22") _, out("v23") _,
                out("v24") _, out("v25") _, out("v26") _, out("v27") _,
                out("v28") _, out("v29") _, out("v30") _, out("v31") _,
                options(nostack)
            )
        };
    }
}

impl Drop for FpuState {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with the same layout.
        unsafe { dealloc(self.area, Self::layout()) };
    }
}
