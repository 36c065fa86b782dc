//! Time, the same on every architecture: monotonic time since boot, the wall clock, and
//! the counter values that scheduler deadlines are kept in.
//!
//! The architecture (`arch::clock`) names its counter, reads it and says its frequency
//! and the wall clock at boot; the arithmetic is `counter.rs`'s, tested on the host.

mod counter;

pub use counter::CounterClock;

#[cfg(target_os = "none")]
pub use self::kernel::*;

#[cfg(target_os = "none")]
mod kernel {
    use super::CounterClock;
    use crate::arch::clock as arch;

    /// 1 GHz until `init` knows better.
    static CLOCK: CounterClock = CounterClock::new(1_000_000);

    /// Reads the counter's frequency (`khz_from_cmdline`, the runner's `tsc_khz=`, where
    /// the architecture takes it) and the wall clock. Called once, on the boot CPU, before
    /// the other CPUs start.
    pub fn init(khz_from_cmdline: Option<u64>) {
        let khz = arch::counter_khz(khz_from_cmdline).unwrap_or_else(|| {
            crate::kreport!(
                "eremit: warning: {} frequency unknown; assuming 1 GHz",
                arch::COUNTER
            );
            0
        });
        let wall = arch::wall_clock_secs();
        CLOCK.start(khz, arch::boot_ticks(), arch::ticks(), wall);
        if wall.is_none() {
            crate::klog!("eremit: no RTC; wall-clock time starts at the epoch");
        }
        crate::klog!(
            "eremit: {} {} kHz, wall clock {} s",
            arch::COUNTER,
            CLOCK.khz(),
            CLOCK.boot_epoch_secs()
        );
    }

    /// The counter's frequency in kHz.
    pub fn counter_khz() -> u64 {
        CLOCK.khz()
    }

    pub fn ticks_to_ns(ticks: u64) -> u64 {
        CLOCK.ticks_to_ns(ticks)
    }

    pub fn ns_to_ticks(ns: u64) -> u64 {
        CLOCK.ns_to_ticks(ns)
    }

    /// Nanoseconds since the kernel's first instruction.
    pub fn uptime_ns() -> u64 {
        CLOCK.uptime_ns(arch::ticks())
    }

    /// Nanoseconds since the Unix epoch.
    pub fn realtime_ns() -> i128 {
        CLOCK.realtime_ns(arch::ticks())
    }

    /// The counter value `ns` nanoseconds from now.
    pub fn deadline_after_ns(ns: u64) -> u64 {
        CLOCK.deadline_after_ns(arch::ticks(), ns)
    }

    /// The counter value at `ns` nanoseconds after boot (CLOCK_MONOTONIC).
    pub fn ticks_at_uptime_ns(ns: u64) -> u64 {
        CLOCK.ticks_at_uptime_ns(ns)
    }

    /// The counter value when CLOCK_REALTIME reads `ns`.
    pub fn ticks_at_realtime_ns(ns: i128) -> u64 {
        CLOCK.ticks_at_realtime_ns(ns)
    }
}
