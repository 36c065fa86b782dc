//! Interrupts from the GIC (`gic`): the timer's, the wake-up SGI's, and devices'. A
//! device's handler gets a vector (`register_device`), and its line (an SPI) is routed to
//! that vector by `ioapic::route`; `dispatch` maps the interrupt id back.

use core::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use super::gic;

/// Device vectors are 0x30.., as on x86-64 (the number only links a line to a handler).
const DEVICE_VECTOR_BASE: u8 = 0x30;
const DEVICE_VECTORS: usize = 8;
static DEVICE_HANDLERS: [AtomicUsize; DEVICE_VECTORS] =
    [const { AtomicUsize::new(0) }; DEVICE_VECTORS];
/// The vector each interrupt id is routed to (0: none), for ids below `gic::MAX_ID`.
static ROUTES: [AtomicU8; gic::MAX_ID as usize] =
    [const { AtomicU8::new(0) }; gic::MAX_ID as usize];

/// A vector for `handler`; `None` when all are taken.
pub fn register_device(handler: fn()) -> Option<u8> {
    for (i, slot) in DEVICE_HANDLERS.iter().enumerate() {
        if slot
            .compare_exchange(0, handler as usize, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return Some(DEVICE_VECTOR_BASE + i as u8);
        }
    }
    None
}

/// Sends interrupt `id` to `vector`'s handler (`ioapic::route`).
pub fn set_route(id: u32, vector: u8) {
    if let Some(r) = ROUTES.get(id as usize) {
        r.store(vector, Ordering::Release);
    }
}

fn run_device_handler(id: u32) {
    let vector = ROUTES
        .get(id as usize)
        .map_or(0, |r| r.load(Ordering::Acquire));
    let Some(i) = vector.checked_sub(DEVICE_VECTOR_BASE) else {
        return;
    };
    let h = DEVICE_HANDLERS
        .get(i as usize)
        .map_or(0, |h| h.load(Ordering::Acquire));
    if h != 0 {
        // SAFETY: only `register_device` stores into DEVICE_HANDLERS, and it stores
        // `fn()` pointers.
        let handler: fn() = unsafe { core::mem::transmute::<usize, fn()>(h) };
        handler();
    }
}

/// An IRQ (from the exception vectors, interrupts masked): acknowledges it at the GIC,
/// runs a device's handler, ends it, and lets the scheduler run (which may switch tasks
/// before returning), as x86-64 does after its timer, wake-up and device interrupts. The
/// one-shot timer is stopped first. `interrupted`: the address the IRQ interrupted (the
/// profile's sample, profile.rs).
pub fn dispatch(interrupted: u64) {
    let Some(iar) = gic::acknowledge() else {
        return;
    };
    let id = iar & 0x3ff;
    let timer_fired = id == gic::VIRTUAL_TIMER;
    match id {
        gic::VIRTUAL_TIMER => {
            crate::profile::sample(interrupted);
            super::apic_timer::stop()
        }
        gic::WAKEUP_SGI => {}
        _ => run_device_handler(id),
    }
    gic::end(iar);
    crate::sched::after_interrupt(timer_fired);
}

/// Interrupt handlers: the vectors are installed by the entry; nothing else to do.
pub fn init() {}
