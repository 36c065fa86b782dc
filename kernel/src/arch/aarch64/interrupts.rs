//! Interrupt masking on the running CPU (`DAIF.I`).

use core::arch::asm;

pub fn are_enabled() -> bool {
    let daif: u64;
    // SAFETY: reading DAIF has no side effects.
    unsafe { asm!("mrs {}, daif", out(reg) daif, options(nomem, nostack)) };
    daif & (1 << 7) == 0
}

pub fn disable() {
    // SAFETY: masking IRQs on this CPU; the compiler may not move memory accesses across.
    unsafe { asm!("msr daifset, #2", options(nostack)) };
}

pub fn enable() {
    // SAFETY: unmasking IRQs; handlers are installed before anything enables them.
    unsafe { asm!("msr daifclr, #2", options(nostack)) };
}

/// Waits for an interrupt and takes it. WFI wakes on a pending interrupt even while
/// masked, so waiting first and unmasking after loses no wake-up.
pub fn enable_and_wait() {
    // SAFETY: as `enable`; WFI only waits.
    unsafe { asm!("wfi", "msr daifclr, #2", options(nostack)) };
}
