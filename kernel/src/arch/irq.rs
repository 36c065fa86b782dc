//! Hardware interrupts: the APIC timer (scheduler ticks and deadlines) and the wake-up
//! IPI that gets a halted CPU to look at the run queue.

use core::arch::global_asm;

use super::apic_timer::{self, TIMER_VECTOR, WAKEUP_VECTOR};

global_asm!(include_str!("irq_stubs.s"));

unsafe extern "C" {
    static eremit_irq_timer: u8;
    static eremit_irq_wakeup: u8;
    static eremit_irq_spurious: u8;
}

/// IST slot of interrupt gates (see irq_stubs.s for why they need one).
const IST_IRQ: u8 = super::gdt::IST_IRQ as u8;
const SPURIOUS_VECTOR: u8 = 0xff;

/// Writes an interrupt gate into the IDT currently loaded on this CPU (the IDT is shared
/// by all CPUs, so once is enough).
fn set_gate(vector: u8, handler: u64, ist: u8) {
    #[repr(C, packed)]
    struct Idtr {
        limit: u16,
        base: u64,
    }
    let mut idtr = Idtr { limit: 0, base: 0 };
    let cs: u16;
    // SAFETY: SIDT and reading CS have no side effects.
    unsafe {
        core::arch::asm!("sidt [{}]", in(reg) &mut idtr, options(nostack));
        core::arch::asm!("mov {:x}, cs", out(reg) cs, options(nomem, nostack));
    }
    let gate: [u32; 4] = [
        (handler as u32 & 0xffff) | ((cs as u32) << 16),
        (ist as u32) | (0x8e << 8) | (handler as u32 & 0xffff_0000),
        (handler >> 32) as u32,
        0,
    ];
    let base = idtr.base;
    // SAFETY: the loaded IDT has 256 gates; this overwrites one whole 16-byte gate.
    unsafe { core::ptr::write_volatile((base + vector as u64 * 16) as *mut [u32; 4], gate) };
}

pub fn init() {
    set_gate(
        TIMER_VECTOR,
        core::ptr::addr_of!(eremit_irq_timer) as u64,
        IST_IRQ,
    );
    set_gate(
        WAKEUP_VECTOR,
        core::ptr::addr_of!(eremit_irq_wakeup) as u64,
        IST_IRQ,
    );
    let spurious = core::ptr::addr_of!(eremit_irq_spurious) as u64;
    set_gate(SPURIOUS_VECTOR, spurious, IST_IRQ);
    // Spurious IRQ 7 and 15 of the (masked) legacy PICs.
    set_gate(super::apic::PIC_VECTOR_BASE + 7, spurious, IST_IRQ);
    set_gate(super::apic::PIC_VECTOR_BASE + 15, spurious, IST_IRQ);
}

#[unsafe(no_mangle)]
extern "C" fn eremit_irq(vector: u64) {
    apic_timer::eoi();
    match vector as u8 {
        TIMER_VECTOR | WAKEUP_VECTOR => crate::sched::timer_interrupt(),
        _ => {}
    }
}
