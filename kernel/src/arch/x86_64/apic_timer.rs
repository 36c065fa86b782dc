//! The local APIC's one-shot timer (per CPU), end-of-interrupt and the wake-up IPI.
//!
//! QEMU's APIC timer (TCG and KVM alike) counts at 1 GHz with divide-by-1, so the
//! initial count is the delay in nanoseconds.

const APIC_BASE: u64 = 0xfee0_0000;
const REG_EOI: u64 = 0xb0;
const REG_ICR_LOW: u64 = 0x300;
const REG_ICR_HIGH: u64 = 0x310;
const REG_LVT_TIMER: u64 = 0x320;
const REG_INITIAL_COUNT: u64 = 0x380;
// Not written: `init_cpu` has no caller (none since the scheduler's timer rework), so the
// divide register keeps its reset value. Kept, unused, until that is looked at.
#[allow(dead_code)]
const REG_DIVIDE: u64 = 0x3e0;

pub const TIMER_VECTOR: u8 = 0x20;
pub const WAKEUP_VECTOR: u8 = 0xf0;

fn write(reg: u64, value: u32) {
    // SAFETY: the xAPIC registers are mapped uncached at their architectural address
    // (mm::paging maps them); writes only affect this CPU's APIC.
    unsafe { ((APIC_BASE + reg) as *mut u32).write_volatile(value) }
}

fn read(reg: u64) -> u32 {
    // SAFETY: as in `write`.
    unsafe { ((APIC_BASE + reg) as *const u32).read_volatile() }
}

/// Interrupts this CPU once after `ns` nanoseconds (clamped to ~4.3 s; the scheduler
/// re-arms for longer waits).
pub fn oneshot_ns(ns: u64) {
    // Rewritten each time: with the LVT set only once, timer interrupts were observed
    // to stop arriving under QEMU (a spinning task then starved a sleeping one).
    write(REG_LVT_TIMER, TIMER_VECTOR as u32);
    write(REG_INITIAL_COUNT, ns.clamp(1, u32::MAX as u64) as u32);
}

/// One-shot mode, divide by 1, on the timer vector. Call once per CPU.
#[allow(dead_code)]
pub fn init_cpu() {
    write(REG_DIVIDE, 0b1011);
    write(REG_LVT_TIMER, TIMER_VECTOR as u32);
}

#[allow(dead_code)]
pub fn stop() {
    write(REG_INITIAL_COUNT, 0);
}

pub fn eoi() {
    write(REG_EOI, 0);
}

/// Sends the wake-up interrupt to CPU `cpu`.
pub fn send_wakeup(cpu: usize) {
    #[cfg(feature = "smp")]
    let apic_id = super::smp::apic_id(cpu).unwrap_or(cpu as u32);
    #[cfg(not(feature = "smp"))]
    let apic_id = cpu as u32;
    while read(REG_ICR_LOW) & (1 << 12) != 0 {
        core::hint::spin_loop();
    }
    write(REG_ICR_HIGH, apic_id << 24);
    write(REG_ICR_LOW, WAKEUP_VECTOR as u32);
}
