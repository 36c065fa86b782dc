//! A sampling profiler for the kernel and the application (`profile=HZ` kernel option):
//! every CPU's timer also fires HZ times a second, and each timer interrupt counts the address
//! it interrupted. At exit the counts go to the kernel log as `eremit: profile ADDR N`
//! lines, which benches/drivers/profile_report.py turns into functions.
//!
//! Why in the guest: under TCG the host's profilers see translated code, not the guest's
//! addresses, and stopping the VM to read its registers only lands where the vCPU waits
//! for QEMU's lock (MMIO), not where its time goes.

use core::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering};

/// Distinct addresses kept; samples of addresses beyond it are counted as `lost`.
pub const SLOTS: usize = 4096;

/// Open-addressed counts of interrupted addresses, filled from interrupt handlers on any
/// CPU without a lock: a slot's address is claimed once with compare-exchange, then only
/// its count changes.
pub struct Histogram {
    addrs: [AtomicU64; SLOTS],
    counts: [AtomicU32; SLOTS],
    lost: AtomicU64,
}

impl Histogram {
    pub const fn new() -> Histogram {
        Histogram {
            addrs: [const { AtomicU64::new(0) }; SLOTS],
            counts: [const { AtomicU32::new(0) }; SLOTS],
            lost: AtomicU64::new(0),
        }
    }

    /// Counts one sample at `addr` (0 is not an address and is ignored).
    pub fn add(&self, addr: u64) {
        if addr == 0 {
            return;
        }
        // Instructions of one hot loop are close together: mix the bits so they spread.
        let start = (addr.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 52) as usize % SLOTS;
        for i in 0..SLOTS {
            let slot = (start + i) % SLOTS;
            let held = match self.addrs[slot].compare_exchange(
                0,
                addr,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => addr,
                Err(other) => other,
            };
            if held == addr {
                self.counts[slot].fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        self.lost.fetch_add(1, Ordering::Relaxed);
    }

    /// Every (address, count) with a count, in slot order.
    pub fn entries(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        (0..SLOTS).filter_map(|i| {
            let a = self.addrs[i].load(Ordering::Acquire);
            let n = self.counts[i].load(Ordering::Relaxed);
            (a != 0 && n != 0).then_some((a, n))
        })
    }

    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

/// The sampling period in nanoseconds, 0 when not profiling.
static PERIOD_NS: AtomicU64 = AtomicU64::new(0);

/// Allocated when profiling starts: the table is 48 KiB that a run without the option
/// should not carry.
static TABLE: AtomicPtr<Histogram> = AtomicPtr::new(core::ptr::null_mut());

/// Starts sampling `hz` times a second on every CPU (kept between 100 and 100,000).
#[cfg(target_os = "none")]
pub fn start(hz: u32) {
    let layout = core::alloc::Layout::new::<Histogram>();
    // SAFETY: the layout is not zero-sized. Zeroed memory is an empty `Histogram` (all
    // atomics 0); allocated directly rather than built on the boot stack and moved.
    let table = unsafe { alloc::alloc::alloc_zeroed(layout) };
    if table.is_null() {
        crate::kreport!("eremit: warning: no memory for the profile; not profiling");
        return;
    }
    TABLE.store(table.cast::<Histogram>(), Ordering::Release);
    PERIOD_NS.store(
        1_000_000_000 / hz.clamp(100, 100_000) as u64,
        Ordering::Release,
    );
}

/// The sampling period when profiling: the scheduler arms every CPU's timer at least
/// this often.
pub fn period_ns() -> Option<u64> {
    match PERIOD_NS.load(Ordering::Relaxed) {
        0 => None,
        p => Some(p),
    }
}

fn table() -> Option<&'static Histogram> {
    // SAFETY: null, or set once by `start` to a zeroed (valid, empty) table never freed.
    unsafe { TABLE.load(Ordering::Acquire).as_ref() }
}

/// Called by every timer interrupt with the address it interrupted.
pub fn sample(addr: u64) {
    if let Some(t) = table() {
        t.add(addr);
    }
}

/// The counts for the kernel log at exit, one line per address.
#[cfg(target_os = "none")]
pub fn report() {
    let Some(t) = table() else { return };
    let total: u64 = t.entries().map(|(_, n)| n as u64).sum();
    crate::klog!(
        "eremit: profile: {total} samples, {} not kept (table full), every {} ns",
        t.lost(),
        PERIOD_NS.load(Ordering::Relaxed)
    );
    for (addr, n) in t.entries() {
        crate::klog!("eremit: profile {addr:#x} {n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn counts_each_address() {
        let h = Histogram::new();
        for a in [0x1000u64, 0x2000, 0x1000, 0x1000, 0] {
            h.add(a);
        }
        let mut e: Vec<_> = h.entries().collect();
        e.sort();
        assert_eq!(e, [(0x1000, 3), (0x2000, 1)]);
        assert_eq!(h.lost(), 0);
    }

    #[test]
    fn a_full_table_counts_what_it_cannot_keep() {
        let h = alloc::boxed::Box::new(Histogram::new());
        for a in 1..=(SLOTS as u64 + 5) {
            h.add(a * 16);
        }
        h.add(16);
        assert_eq!(h.entries().count(), SLOTS);
        assert_eq!(h.lost(), 5);
        assert_eq!(h.entries().find(|&(a, _)| a == 16), Some((16, 2)));
    }
}
