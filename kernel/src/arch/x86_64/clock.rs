//! Time: the TSC gives monotonic time, the RTC the wall-clock time at boot.
//!
//! The TSC's rate comes from the command line (`tsc_khz=`, measured on the host by the
//! runner: under TCG and KVM the guest TSC runs at the host's rate), else from CPUID.

use core::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use x86_64::instructions::port::Port;

use super::cpu::{cpuid, rdtsc};
use crate::civil_time::{from_bcd, unix_seconds};

static TSC_KHZ: AtomicU64 = AtomicU64::new(1_000_000);
static BOOT_TSC: AtomicU64 = AtomicU64::new(0);
static BOOT_EPOCH_SECS: AtomicI64 = AtomicI64::new(0);

/// TSC kHz from CPUID leaves 0x15/0x16 or the hypervisor timing leaf, if reported.
fn tsc_khz_from_cpuid() -> Option<u64> {
    let max = cpuid(0, 0).0;
    if max >= 0x15 {
        let (den, num, crystal_hz, _) = cpuid(0x15, 0);
        if den != 0 && num != 0 && crystal_hz != 0 {
            return Some(crystal_hz as u64 * num as u64 / den as u64 / 1000);
        }
    }
    let hv_max = cpuid(0x4000_0000, 0).0;
    if (0x4000_0010..0x5000_0000).contains(&hv_max) {
        let khz = cpuid(0x4000_0010, 0).0;
        if khz != 0 {
            return Some(khz as u64);
        }
    }
    if max >= 0x16 {
        let mhz = cpuid(0x16, 0).0 & 0xffff;
        if mhz != 0 {
            return Some(mhz as u64 * 1000);
        }
    }
    None
}

pub fn init(khz_from_cmdline: Option<u64>) {
    let khz = khz_from_cmdline.or_else(tsc_khz_from_cpuid);
    match khz {
        Some(k) => TSC_KHZ.store(k, Ordering::Relaxed),
        None => crate::kreport!(
            "eremit: warning: TSC frequency unknown (no tsc_khz= option, no CPUID leaf); assuming 1 GHz"
        ),
    }
    BOOT_TSC.store(super::entry::entry_tsc(), Ordering::Relaxed);
    match read_rtc() {
        Some(secs) => BOOT_EPOCH_SECS.store(
            secs - (uptime_ns() / 1_000_000_000) as i64,
            Ordering::Relaxed,
        ),
        None => crate::klog!("eremit: no RTC; wall-clock time starts at the epoch"),
    }
    crate::klog!(
        "eremit: TSC {} kHz, wall clock {} s",
        TSC_KHZ.load(Ordering::Relaxed),
        BOOT_EPOCH_SECS.load(Ordering::Relaxed)
    );
}

pub fn tsc_khz() -> u64 {
    TSC_KHZ.load(Ordering::Relaxed)
}

/// Converts TSC ticks to nanoseconds.
pub fn ticks_to_ns(ticks: u64) -> u64 {
    (ticks as u128 * 1_000_000 / tsc_khz() as u128) as u64
}

pub fn ns_to_ticks(ns: u64) -> u64 {
    (ns as u128 * tsc_khz() as u128 / 1_000_000) as u64
}

/// Nanoseconds since the kernel's first instruction.
pub fn uptime_ns() -> u64 {
    ticks_to_ns(rdtsc().saturating_sub(BOOT_TSC.load(Ordering::Relaxed)))
}

/// Nanoseconds since the Unix epoch.
pub fn realtime_ns() -> i128 {
    BOOT_EPOCH_SECS.load(Ordering::Relaxed) as i128 * 1_000_000_000 + uptime_ns() as i128
}

fn cmos(reg: u8) -> u8 {
    // SAFETY: CMOS index/data ports; bit 7 of the index keeps NMIs enabled as they were.
    unsafe {
        Port::<u8>::new(0x70).write(reg);
        Port::<u8>::new(0x71).read()
    }
}

/// Reads the RTC (UTC in QEMU) as seconds since the epoch; `None` without an RTC.
fn read_rtc() -> Option<i64> {
    if cmos(0x0b) == 0xff {
        return None;
    }
    let read = || {
        let mut spins = 0u32;
        while cmos(0x0a) & 0x80 != 0 && spins < 1_000_000 {
            spins += 1;
            core::hint::spin_loop();
        }
        [
            cmos(0x00),
            cmos(0x02),
            cmos(0x04),
            cmos(0x07),
            cmos(0x08),
            cmos(0x09),
            cmos(0x32),
        ]
    };
    // Read until two reads agree, so an update in between cannot tear the value.
    let mut a = read();
    for _ in 0..5 {
        let b = read();
        if a == b {
            break;
        }
        a = b;
    }
    let status_b = cmos(0x0b);
    let bcd = status_b & 0x04 == 0;
    let conv = |v: u8| if bcd { from_bcd(v) } else { v as u32 };
    let pm = a[2] & 0x80 != 0;
    let mut hour = conv(a[2] & 0x7f);
    if status_b & 0x02 == 0 {
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    let century = match conv(a[6]) {
        c @ 19..=21 => c as i64,
        _ => 20,
    };
    unix_seconds(
        century * 100 + conv(a[5]) as i64,
        conv(a[4]),
        conv(a[3]),
        hour,
        conv(a[1]),
        conv(a[0]),
    )
}

/// The TSC value `ns` nanoseconds from now.
pub fn deadline_after_ns(ns: u64) -> u64 {
    rdtsc().saturating_add(ns_to_ticks(ns))
}

/// The TSC value at `ns` nanoseconds after boot (CLOCK_MONOTONIC).
pub fn tsc_at_uptime_ns(ns: u64) -> u64 {
    BOOT_TSC
        .load(Ordering::Relaxed)
        .saturating_add(ns_to_ticks(ns))
}

/// The TSC value when CLOCK_REALTIME reads `ns`.
pub fn tsc_at_realtime_ns(ns: i128) -> u64 {
    let since_boot = ns - BOOT_EPOCH_SECS.load(Ordering::Relaxed) as i128 * 1_000_000_000;
    tsc_at_uptime_ns(since_boot.clamp(0, u64::MAX as i128) as u64)
}
