//! The processor: the cycle counter (the generic timer's virtual count), the hardware
//! random generator (`RNDR`), halting.

use core::arch::asm;

/// x86's CPUID has no aarch64 counterpart; every leaf reads as absent (zeros).
pub fn cpuid(_leaf: u32, _sub: u32) -> (u32, u32, u32, u32) {
    (0, 0, 0, 0)
}

/// The virtual counter (`CNTVCT_EL0`), the clock's tick.
#[inline(always)]
pub fn rdtsc() -> u64 {
    let t: u64;
    // SAFETY: reading the counter has no side effects; the ISB orders it after what
    // came before, as RDTSC's callers expect.
    unsafe { asm!("isb", "mrs {}, cntvct_el0", out(reg) t, options(nomem, nostack)) };
    t
}

/// 64 random bits from `RNDR` when the CPU has it (`ID_AA64ISAR0_EL1.RNDR`).
pub fn hardware_random() -> Option<u64> {
    let isar0: u64;
    // SAFETY: reading an ID register has no side effects.
    unsafe { asm!("mrs {}, id_aa64isar0_el1", out(reg) isar0, options(nomem, nostack)) };
    if isar0 >> 60 == 0 {
        return None;
    }
    for _ in 0..10 {
        let (value, ok): (u64, u64);
        // SAFETY: RNDR (s3_3_c2_c4_0) exists (checked above); it sets NZCV.Z on failure.
        unsafe {
            asm!(
                "mrs {v}, s3_3_c2_c4_0",
                "cset {ok}, ne",
                v = out(reg) value,
                ok = out(reg) ok,
                options(nomem, nostack)
            )
        };
        if ok != 0 {
            return Some(value);
        }
    }
    None
}

pub fn halt_forever() -> ! {
    loop {
        // SAFETY: masking interrupts and waiting has no other effect.
        unsafe { asm!("msr daifset, #2", "wfi", options(nomem, nostack)) };
    }
}
