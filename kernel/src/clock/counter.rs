//! The arithmetic of a clock kept by a free-running counter (the TSC on x86-64, the generic
//! timer's virtual counter on aarch64): counter ticks and nanoseconds each way, the time
//! since boot, the wall-clock time, and the counter values at which deadlines fall.
//!
//! It knows nothing of the processor: the architecture reads the counter and its
//! frequency, and `clock/mod.rs` passes them in, so this logic is tested on the host.

use core::sync::atomic::{AtomicI64, AtomicU64, Ordering};

const NS_PER_SEC: i128 = 1_000_000_000;

/// A counter's frequency, its value at boot and the wall-clock second of boot.
///
/// Atomics, because every CPU reads it while the boot CPU sets it once (`start`); the
/// three fields are only ever written before the other CPUs run.
pub struct CounterClock {
    khz: AtomicU64,
    boot_ticks: AtomicU64,
    boot_epoch_secs: AtomicI64,
}

impl CounterClock {
    /// A clock running at `khz` until `start` says otherwise.
    pub const fn new(khz: u64) -> Self {
        Self {
            khz: AtomicU64::new(khz),
            boot_ticks: AtomicU64::new(0),
            boot_epoch_secs: AtomicI64::new(0),
        }
    }

    /// Sets the frequency (a zero one is ignored: it would divide by zero) and the counter
    /// at boot; with `wall_secs`, the wall clock read when the counter was `now`, the
    /// wall-clock second at boot follows (without one, wall-clock time starts at the
    /// epoch).
    pub fn start(&self, khz: u64, boot_ticks: u64, now: u64, wall_secs: Option<i64>) {
        if khz != 0 {
            self.khz.store(khz, Ordering::Relaxed);
        }
        self.boot_ticks.store(boot_ticks, Ordering::Relaxed);
        let secs_since_boot = (self.uptime_ns(now) / 1_000_000_000) as i64;
        self.boot_epoch_secs.store(
            wall_secs.map_or(0, |s| s.saturating_sub(secs_since_boot)),
            Ordering::Relaxed,
        );
    }

    pub fn khz(&self) -> u64 {
        self.khz.load(Ordering::Relaxed)
    }

    /// The Unix second at which the counter read `boot_ticks`.
    pub fn boot_epoch_secs(&self) -> i64 {
        self.boot_epoch_secs.load(Ordering::Relaxed)
    }

    /// Counter ticks as nanoseconds (saturating: `u64::MAX` ns is 584 years).
    pub fn ticks_to_ns(&self, ticks: u64) -> u64 {
        let ns = ticks as u128 * 1_000_000 / self.khz() as u128;
        ns.min(u64::MAX as u128) as u64
    }

    /// Nanoseconds as counter ticks (saturating).
    pub fn ns_to_ticks(&self, ns: u64) -> u64 {
        let ticks = ns as u128 * self.khz() as u128 / 1_000_000;
        ticks.min(u64::MAX as u128) as u64
    }

    /// Nanoseconds since boot when the counter reads `now` (0 before boot's value).
    pub fn uptime_ns(&self, now: u64) -> u64 {
        self.ticks_to_ns(now.saturating_sub(self.boot_ticks.load(Ordering::Relaxed)))
    }

    /// Nanoseconds since the Unix epoch when the counter reads `now`.
    pub fn realtime_ns(&self, now: u64) -> i128 {
        self.boot_epoch_secs() as i128 * NS_PER_SEC + self.uptime_ns(now) as i128
    }

    /// The counter value `ns` nanoseconds after `now`.
    pub fn deadline_after_ns(&self, now: u64, ns: u64) -> u64 {
        now.saturating_add(self.ns_to_ticks(ns))
    }

    /// The counter value at `ns` nanoseconds after boot (CLOCK_MONOTONIC's deadlines).
    pub fn ticks_at_uptime_ns(&self, ns: u64) -> u64 {
        self.boot_ticks
            .load(Ordering::Relaxed)
            .saturating_add(self.ns_to_ticks(ns))
    }

    /// The counter value when the wall clock reads `ns` (CLOCK_REALTIME's deadlines); a
    /// time before boot is boot.
    pub fn ticks_at_realtime_ns(&self, ns: i128) -> u64 {
        let since_boot = ns.saturating_sub(self.boot_epoch_secs() as i128 * NS_PER_SEC);
        self.ticks_at_uptime_ns(since_boot.clamp(0, u64::MAX as i128) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2.5 GHz counter that read 1000 at boot, started 10 s later with the wall clock at
    /// 1_700_000_010.
    fn clock() -> CounterClock {
        let c = CounterClock::new(1_000_000);
        c.start(2_500_000, 1000, 1000 + 25_000_000_000, Some(1_700_000_010));
        c
    }

    #[test]
    fn converts_both_ways() {
        let c = clock();
        assert_eq!(c.khz(), 2_500_000);
        assert_eq!(c.ticks_to_ns(2_500), 1_000);
        assert_eq!(c.ns_to_ticks(1_000), 2_500);
        assert_eq!(c.ns_to_ticks(c.ticks_to_ns(123_456_789)), 123_456_787);
        // No overflow in the products, and saturation at the ends.
        assert_eq!(c.ns_to_ticks(u64::MAX), u64::MAX);
        assert_eq!(c.ticks_to_ns(u64::MAX), (u64::MAX as u128 * 2 / 5) as u64);
        let slow = CounterClock::new(1);
        assert_eq!(slow.ticks_to_ns(u64::MAX), u64::MAX);
    }

    #[test]
    fn uptime_and_wall_clock() {
        let c = clock();
        assert_eq!(c.boot_epoch_secs(), 1_700_000_000);
        assert_eq!(c.uptime_ns(1000), 0);
        assert_eq!(c.uptime_ns(500), 0, "a counter before boot's value is boot");
        assert_eq!(c.uptime_ns(1000 + 2_500_000_000), 1_000_000_000);
        assert_eq!(
            c.realtime_ns(1000 + 2_500_000_000),
            1_700_000_001 * 1_000_000_000
        );
    }

    #[test]
    fn deadlines() {
        let c = clock();
        assert_eq!(c.deadline_after_ns(5000, 1_000), 7_500);
        assert_eq!(c.deadline_after_ns(u64::MAX - 1, 1_000), u64::MAX);
        assert_eq!(c.ticks_at_uptime_ns(1_000), 1000 + 2_500);
        assert_eq!(
            c.ticks_at_realtime_ns(1_700_000_001 * 1_000_000_000),
            1000 + 2_500_000_000
        );
        assert_eq!(c.ticks_at_realtime_ns(0), 1000, "before boot is boot");
        assert_eq!(c.ticks_at_realtime_ns(i128::MAX), u64::MAX);
        assert_eq!(c.ticks_at_realtime_ns(i128::MIN), 1000);
    }

    #[test]
    fn without_wall_clock_or_frequency() {
        let c = CounterClock::new(62_500);
        c.start(0, 7, 7, None);
        assert_eq!(c.khz(), 62_500, "a zero frequency keeps the default");
        assert_eq!(c.boot_epoch_secs(), 0);
        assert_eq!(c.realtime_ns(7 + 62_500), 1_000_000);
    }
}
