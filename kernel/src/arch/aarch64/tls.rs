//! Thread-local storage on aarch64: ELF TLS variant I, a 16-byte thread control block
//! (two words the ABI reserves; left zero) at the thread pointer, which is `TPIDR_EL0`.
//! The block itself is `crate::tls`'s.

use crate::tls::Variant;

pub const VARIANT: Variant = Variant::I { tcb_size: 16 };

/// Nothing is written into the control block (GCC's stack protector on aarch64 reads a
/// global guard, not the TCB).
pub fn control_block(_tp: u64) -> [(usize, u64); 0] {
    []
}

/// Makes `tp` the running task's thread pointer.
pub fn activate(tp: u64) {
    // SAFETY: writing TPIDR_EL0 only changes where this CPU's TLS accesses go.
    unsafe { core::arch::asm!("msr tpidr_el0, {}", in(reg) tp, options(nomem, nostack)) };
}
