//! Interrupts: the timer's, from the GIC (`gic`). Devices get none yet (no device
//! driver on aarch64 routes its line: docs/architecture.md), so `register_device` says so
//! and drivers do without.

use super::gic;

/// No device interrupt is routed yet.
pub fn register_device(_handler: fn()) -> Option<u8> {
    None
}

/// An IRQ (from the exception vectors, interrupts masked): acknowledges it at the GIC,
/// ends it, and for the timer (stopped first: a one-shot) and the wake-up SGI lets the
/// scheduler run, which may switch tasks before returning.
pub fn dispatch() {
    let Some(iar) = gic::acknowledge() else {
        return;
    };
    let id = iar & 0x3ff;
    if id == gic::VIRTUAL_TIMER {
        super::apic_timer::stop();
    }
    gic::end(iar);
    if id == gic::VIRTUAL_TIMER || id == gic::WAKEUP_SGI {
        crate::sched::timer_interrupt();
    }
}

/// Interrupt handlers: the vectors are installed by the entry; nothing else to do.
pub fn init() {}
