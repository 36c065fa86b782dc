//! The clock's hardware on x86-64: the TSC as the counter, the CMOS RTC as the wall clock
//! at boot. What is made of them is `crate::clock`'s.
//!
//! The TSC's rate comes from the command line (`tsc_khz=`, measured on the host by the
//! runner: under TCG and KVM the guest TSC runs at the host's rate), else from CPUID.

use x86_64::instructions::port::Port;

use super::cpu::cpuid;
use crate::civil_time::{from_bcd, unix_seconds};

/// The counter's name in the boot log.
pub const COUNTER: &str = "TSC";

/// The TSC's frequency in kHz: the runner's measurement, else CPUID's.
pub fn counter_khz(khz_from_cmdline: Option<u64>) -> Option<u64> {
    khz_from_cmdline.or_else(tsc_khz_from_cpuid)
}

/// The counter now.
pub fn ticks() -> u64 {
    super::cpu::rdtsc()
}

/// The TSC at the kernel's first instruction.
pub fn boot_ticks() -> u64 {
    super::entry::entry_tsc()
}

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

fn cmos(reg: u8) -> u8 {
    // SAFETY: CMOS index/data ports; bit 7 of the index keeps NMIs enabled as they were.
    unsafe {
        Port::<u8>::new(0x70).write(reg);
        Port::<u8>::new(0x71).read()
    }
}

/// The wall clock: the CMOS RTC (UTC in QEMU) as seconds since the epoch; `None`
/// without an RTC.
pub fn wall_clock_secs() -> Option<i64> {
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
