//! Device interrupts. The GIC driver is not written yet (docs/architecture.md), so no
//! device gets an interrupt: `register_device` says so and drivers poll or do without.

/// No interrupt vector is available until the GIC driver exists.
pub fn register_device(_handler: fn()) -> Option<u8> {
    None
}

/// An IRQ while none is enabled at the GIC (there is no GIC driver yet): nothing to do.
pub fn dispatch() {}

/// Interrupt handlers: the vectors are installed by the entry; nothing else yet.
pub fn init() {}
