//! The clock's hardware on aarch64: the generic timer's virtual counter (`CNTVCT_EL0`,
//! read by `cpu::rdtsc`) at the frequency `CNTFRQ_EL0` states, and the wall clock from
//! the PL031 RTC the device tree names. What is made of them is `crate::clock`'s.

/// The counter's name in the boot log.
pub const COUNTER: &str = "generic timer";

/// The counter's frequency in kHz; the `tsc_khz=` option is x86-64's (the counter here
/// states its own frequency).
pub fn counter_khz(_khz_from_cmdline: Option<u64>) -> Option<u64> {
    let hz: u64;
    // SAFETY: reading CNTFRQ_EL0 has no side effects.
    unsafe { core::arch::asm!("mrs {}, cntfrq_el0", out(reg) hz, options(nomem, nostack)) };
    Some(hz / 1000).filter(|&khz| khz != 0)
}

/// The counter now.
pub fn ticks() -> u64 {
    super::cpu::rdtsc()
}

/// The counter at the kernel's first instruction.
pub fn boot_ticks() -> u64 {
    super::entry::entry_ticks()
}

/// The PL031's seconds since the epoch; `None` when the device tree has no PL031.
pub fn wall_clock_secs() -> Option<i64> {
    let rtc = super::board::rtc();
    // SAFETY: the device tree's PL031's data register (seconds since the epoch), in the
    // mapped device window (`board::read` checked); reading it has no side effects.
    (rtc != 0).then(|| unsafe { (rtc as *const u32).read_volatile() } as i64)
}
