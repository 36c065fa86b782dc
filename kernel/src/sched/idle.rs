//! A CPU's idle loop: run ready tasks, halt when there are none.

use core::sync::atomic::{AtomicU64, Ordering};

use super::percpu::PerCpu;
use super::scheduler::{Locked, READY, arm_timer, program_timer, reschedule};
use crate::arch::{cpu, interrupts};
use crate::clock;
use crate::mm::heap::{HEAP, QUIET_NS, Quiet};
use crate::mm::stacks;

/// Woken with nothing else to do: once the heap has been quiet for a while, the memory
/// kept for reuse goes back to it (the class cache a batch at a time, looking for tasks
/// to run between batches; then the stacks of ended threads), so that a service at rest
/// keeps no freed blocks scattered through its free memory. Returns whether memory is
/// still kept for reuse (the CPU then wakes up to look again, see `arm_quiet_check`).
fn give_back_when_quiet() -> bool {
    while READY.load(Ordering::Relaxed) == 0 {
        match HEAP.release_when_quiet() {
            Quiet::More => continue,
            Quiet::CacheEmpty => {
                stacks::give_back_cached();
                break;
            }
            Quiet::No => break,
        }
    }
    HEAP.holds_cache() || stacks::any_cached()
}

/// An idle CPU that could give memory back once the heap is quiet wakes up after the
/// heap's quiet window to look (unless its timer goes off sooner): without it, a CPU
/// halted with nothing to wake it would keep the cache through a whole rest.
fn arm_quiet_check(cpu: &mut PerCpu) {
    let now = cpu::rdtsc();
    let d = now + clock::ns_to_ticks(QUIET_NS);
    if cpu.timer_armed > now && cpu.timer_armed <= d {
        return;
    }
    program_timer(cpu, d, QUIET_NS);
}

/// TSC ticks the CPUs spent halted (kernel log: with the run's length, how busy the
/// guest itself was, as against what its hypervisor spent around it).
static HALTED_TICKS: AtomicU64 = AtomicU64::new(0);

/// Nanoseconds the CPUs spent halted so far, all CPUs together.
pub fn halted_ns() -> u64 {
    clock::ticks_to_ns(HALTED_TICKS.load(Ordering::Relaxed))
}

/// The CPU's halt has ended (the interrupt that ended it is being handled, before any
/// task it wakes runs): its length is counted.
pub(super) fn end_halt(cpu: &mut PerCpu) {
    let since = core::mem::take(&mut cpu.halted_since);
    if since != 0 {
        HALTED_TICKS.fetch_add(cpu::rdtsc().saturating_sub(since), Ordering::Relaxed);
    }
}

/// The idle loop of a CPU (the boot context of each CPU becomes its idle task).
pub fn idle_loop() -> ! {
    loop {
        let keeps = give_back_when_quiet();
        interrupts::disable();
        let mut g = Locked::lock_interrupts_off();
        reschedule(&mut g, false);
        let (s, cpu) = g.parts();
        s.idle_cpus |= 1 << cpu.cpu;
        arm_timer(s, cpu);
        if keeps {
            arm_quiet_check(cpu);
        }
        cpu.halted_since = cpu::rdtsc();
        #[cfg(feature = "net")]
        let timer_at = cpu.timer_armed;
        drop(g);
        // Nothing left to run: what the drivers held back for a batch goes out now.
        crate::drivers::flush_held_notifications();
        // A busy network's next frames are watched for rather than waited on.
        #[cfg(feature = "net")]
        {
            use crate::drivers::virtio::net_rx_watch::{self, Watch};
            let limit = if timer_at == 0 { u64::MAX } else { timer_at };
            match net_rx_watch::spin(cpu::rdtsc, limit, || READY.load(Ordering::Relaxed) == 0) {
                Watch::Off => {}
                Watch::Busy => {
                    // The watch's time is counted busy; the halt starts now.
                    let mut g = Locked::lock_interrupts_off();
                    g.parts().1.halted_since = cpu::rdtsc();
                }
                Watch::Ended => {
                    // Not halted after all, and no longer idle: the wake-up below then
                    // needs no interrupt.
                    let mut g = Locked::lock_interrupts_off();
                    let (s, cpu) = g.parts();
                    cpu.halted_since = 0;
                    s.idle_cpus &= !(1 << cpu.cpu);
                    drop(g);
                    net_rx_watch::wake();
                    interrupts::enable();
                    continue;
                }
            }
        }
        // Halts with interrupts on: a task made ready meanwhile sends the wake-up
        // interrupt (make_ready), which ends the halt.
        interrupts::enable_and_wait();
        interrupts::disable();
        let mut g = Locked::lock_interrupts_off();
        let (s, cpu) = g.parts();
        end_halt(cpu);
        s.idle_cpus &= !(1 << cpu.cpu);
    }
}
