//! TLB shootdown: after a page is unmapped (a new guard page), other vCPUs may still
//! hold its old translation. The initiator bumps a generation number and sends every
//! other vCPU the wake-up IPI; each vCPU flushes its TLB when it sees a newer generation
//! on its next interrupt, and the initiator waits until all have.

use core::sync::atomic::{AtomicU64, Ordering};

const MAX_CPUS: usize = crate::sched::MAX_CPUS;

static GENERATION: AtomicU64 = AtomicU64::new(0);
static SEEN: [AtomicU64; MAX_CPUS] = [const { AtomicU64::new(0) }; MAX_CPUS];

fn flush_local() {
    crate::arch::mmu::flush_all();
}

/// Called on every timer and wake-up interrupt of `cpu`.
pub fn on_interrupt(cpu: usize) {
    let g = GENERATION.load(Ordering::Acquire);
    if SEEN[cpu].load(Ordering::Relaxed) < g {
        flush_local();
        SEEN[cpu].store(g, Ordering::Release);
    }
}

/// Makes every online vCPU drop stale translations. Call with interrupts enabled and no
/// spinlock held: the other vCPUs must be able to take the interrupt.
pub fn shootdown(me: usize) {
    #[cfg(feature = "smp")]
    {
        use crate::arch::smp;
        if smp::online_cpus() <= 1 {
            return;
        }
        let g = GENERATION.fetch_add(1, Ordering::AcqRel) + 1;
        flush_local();
        SEEN[me].store(g, Ordering::Release);
        let others = (0..MAX_CPUS).filter(|&c| c != me && smp::is_online(c));
        for cpu in others.clone() {
            crate::arch::timer::send_wakeup(cpu);
        }
        // Under TCG on a busy host a vCPU's thread can go unscheduled for a good part of
        // a second: wait (sending the interrupt again every 100 ms) before giving up.
        let deadline = crate::clock::deadline_after_ns(5_000_000_000);
        for cpu in others {
            let mut resend = crate::clock::deadline_after_ns(100_000_000);
            while SEEN[cpu].load(Ordering::Acquire) < g {
                let now = crate::arch::cpu::rdtsc();
                if now > deadline {
                    crate::kreport!("eremit: warning: vCPU {cpu} did not confirm a TLB flush");
                    break;
                }
                if now > resend {
                    crate::arch::timer::send_wakeup(cpu);
                    resend = crate::clock::deadline_after_ns(100_000_000);
                }
                core::hint::spin_loop();
            }
        }
    }
    #[cfg(not(feature = "smp"))]
    let _ = me;
}
