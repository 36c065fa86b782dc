//! A CPU's idle loop: run ready tasks, halt when there are none.

use super::scheduler::{Locked, arm_timer, reschedule};
use crate::arch::interrupts;

/// The idle loop of a CPU (the boot context of each CPU becomes its idle task).
pub fn idle_loop() -> ! {
    loop {
        interrupts::disable();
        let mut g = Locked::lock_interrupts_off();
        reschedule(&mut g, false);
        let (s, cpu) = g.parts();
        s.idle_cpus |= 1 << cpu.cpu;
        arm_timer(s, cpu);
        drop(g);
        // Halts with interrupts on: a task made ready meanwhile sends the wake-up
        // interrupt (make_ready), which ends the halt.
        interrupts::enable_and_wait();
        interrupts::disable();
        let mut g = Locked::lock_interrupts_off();
        let (s, cpu) = g.parts();
        s.idle_cpus &= !(1 << cpu.cpu);
    }
}
