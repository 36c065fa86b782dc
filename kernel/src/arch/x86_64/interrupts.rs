//! Interrupt control on the running CPU: the interrupt flag, and halting until the next
//! interrupt.

pub fn are_enabled() -> bool {
    x86_64::instructions::interrupts::are_enabled()
}

pub fn disable() {
    x86_64::instructions::interrupts::disable();
}

pub fn enable() {
    x86_64::instructions::interrupts::enable();
}

/// Enables interrupts and halts until one arrives, with no window between the two in
/// which an interrupt could be taken and the halt then wait for the next one. Returns
/// with interrupts enabled, after the interrupt's handler ran.
pub fn enable_and_wait() {
    // SAFETY: STI takes effect after HLT starts, so no interrupt is missed between.
    unsafe { core::arch::asm!("sti; hlt", options(nomem, nostack)) };
}
