//! Time from the generic timer's virtual counter (`CNTVCT_EL0`, at `CNTFRQ_EL0` Hz; the
//! unit of scheduler deadlines, as the TSC is on x86-64) and the wall clock from the
//! PL031 RTC read once at boot.

use core::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use super::cpu::rdtsc;

static KHZ: AtomicU64 = AtomicU64::new(62_500);
static BOOT_TICKS: AtomicU64 = AtomicU64::new(0);
static BOOT_EPOCH_SECS: AtomicI64 = AtomicI64::new(0);

fn counter_hz() -> u64 {
    let hz: u64;
    // SAFETY: reading CNTFRQ_EL0 has no side effects.
    unsafe { core::arch::asm!("mrs {}, cntfrq_el0", out(reg) hz, options(nomem, nostack)) };
    hz
}

/// `khz_from_cmdline` (the `tsc_khz=` option) is x86's; the counter states its frequency.
pub fn init(_khz_from_cmdline: Option<u64>) {
    let khz = counter_hz() / 1000;
    if khz != 0 {
        KHZ.store(khz, Ordering::Relaxed);
    }
    BOOT_TICKS.store(super::entry::entry_ticks(), Ordering::Relaxed);
    let rtc = super::board::rtc();
    // SAFETY: the device tree's PL031's data register (seconds since the epoch), in the
    // mapped device window (`board::read` checked); reading it has no side effects.
    let secs = (rtc != 0).then(|| unsafe { (rtc as *const u32).read_volatile() } as i64);
    let secs = secs.unwrap_or(0);
    BOOT_EPOCH_SECS.store(
        secs - (uptime_ns() / 1_000_000_000) as i64,
        Ordering::Relaxed,
    );
    crate::klog!(
        "eremit: generic timer {} kHz, wall clock {} s",
        KHZ.load(Ordering::Relaxed),
        secs
    );
}

pub fn tsc_khz() -> u64 {
    KHZ.load(Ordering::Relaxed)
}

pub fn ticks_to_ns(ticks: u64) -> u64 {
    (ticks as u128 * 1_000_000 / tsc_khz() as u128) as u64
}

pub fn ns_to_ticks(ns: u64) -> u64 {
    (ns as u128 * tsc_khz() as u128 / 1_000_000) as u64
}

pub fn uptime_ns() -> u64 {
    ticks_to_ns(rdtsc().saturating_sub(BOOT_TICKS.load(Ordering::Relaxed)))
}

pub fn realtime_ns() -> i128 {
    BOOT_EPOCH_SECS.load(Ordering::Relaxed) as i128 * 1_000_000_000 + uptime_ns() as i128
}

pub fn deadline_after_ns(ns: u64) -> u64 {
    rdtsc().saturating_add(ns_to_ticks(ns))
}

pub fn tsc_at_uptime_ns(ns: u64) -> u64 {
    BOOT_TICKS
        .load(Ordering::Relaxed)
        .saturating_add(ns_to_ticks(ns))
}

pub fn tsc_at_realtime_ns(ns: i128) -> u64 {
    let since_boot = ns - BOOT_EPOCH_SECS.load(Ordering::Relaxed) as i128 * 1_000_000_000;
    tsc_at_uptime_ns(since_boot.clamp(0, u64::MAX as i128) as u64)
}
