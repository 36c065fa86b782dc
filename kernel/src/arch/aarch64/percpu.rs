//! Per-CPU data: its address in `TPIDR_EL1`, which the application (at the same level,
//! but using `TPIDR_EL0` for its thread pointer) does not touch.

use core::arch::asm;

/// # Safety
/// `data` must stay valid for as long as this CPU runs.
pub unsafe fn set_base(data: *mut u8) {
    // SAFETY: writing TPIDR_EL1 only changes what `base` returns.
    unsafe { asm!("msr tpidr_el1, {}", in(reg) data, options(nostack)) };
}

#[inline(always)]
pub fn base() -> *mut u8 {
    let p: *mut u8;
    // SAFETY: reading TPIDR_EL1 has no side effects.
    unsafe { asm!("mrs {}, tpidr_el1", out(reg) p, options(nomem, nostack, preserves_flags)) };
    p
}

/// The word at `offset` in this CPU's data.
///
/// # Safety
/// `set_base` must have been called, and `offset` must be inside the data.
#[inline(always)]
pub unsafe fn read_word(offset: usize) -> u64 {
    // SAFETY: the caller guarantees the base is set and the offset is in bounds.
    unsafe { (base().add(offset) as *const u64).read_volatile() }
}
