//! Hardware interrupts: the APIC timer (scheduler ticks and deadlines), the wake-up
//! IPI that gets a halted CPU to look at the run queue, and device interrupts (a few
//! vectors that drivers claim with `register_device`).

use core::arch::global_asm;
use core::sync::atomic::{AtomicUsize, Ordering};

use super::apic_timer::{self, TIMER_VECTOR, WAKEUP_VECTOR};

global_asm!(include_str!("irq_stubs.s"));

unsafe extern "C" {
    static eremit_irq_timer: u8;
    static eremit_irq_wakeup: u8;
    static eremit_irq_spurious: u8;
    /// DEVICE_VECTORS stubs, 16 bytes apart (irq_stubs.s).
    static eremit_irq_device_stubs: u8;
}

/// Vectors for devices, above the exceptions and the timer.
const DEVICE_VECTOR_BASE: u8 = 0x30;
const DEVICE_VECTORS: usize = 8;
/// Handler of each device vector, as a `fn()` address (0: free).
static DEVICE_HANDLERS: [AtomicUsize; DEVICE_VECTORS] =
    [const { AtomicUsize::new(0) }; DEVICE_VECTORS];

/// Claims a free device vector and runs `handler` for each interrupt on it (with
/// interrupts off, on the CPU that took it; it must be short and must not block).
/// After the handler the local APIC gets its end-of-interrupt and the scheduler may
/// switch to a task the handler woke. Returns the vector, or `None` when all are taken.
pub fn register_device(handler: fn()) -> Option<u8> {
    for (i, slot) in DEVICE_HANDLERS.iter().enumerate() {
        if slot
            .compare_exchange(0, handler as usize, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            let vector = DEVICE_VECTOR_BASE + i as u8;
            let stub = core::ptr::addr_of!(eremit_irq_device_stubs) as u64 + 16 * i as u64;
            set_gate(vector, stub, IST_IRQ);
            return Some(vector);
        }
    }
    None
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
extern "C" fn eremit_irq(vector: u64, interrupted: u64) {
    match vector as u8 {
        TIMER_VECTOR | WAKEUP_VECTOR => {
            // The timer's interrupts alone: they come at the profile's rate whatever the
            // CPU does; a device's come when the CPU is mostly idle.
            if vector as u8 == TIMER_VECTOR {
                crate::profile::sample(interrupted);
            }
            apic_timer::eoi();
            crate::sched::after_interrupt(vector as u8 == TIMER_VECTOR)
        }
        v if (DEVICE_VECTOR_BASE..DEVICE_VECTOR_BASE + DEVICE_VECTORS as u8).contains(&v) => {
            let h = DEVICE_HANDLERS[(v - DEVICE_VECTOR_BASE) as usize].load(Ordering::Acquire);
            if h != 0 {
                // SAFETY: only `register_device` stores into the table, and it stores
                // `fn()` pointers.
                let handler: fn() = unsafe { core::mem::transmute::<usize, fn()>(h) };
                handler();
            }
            // After the handler: a level-triggered line the handler acknowledged at the
            // device is low again, so the I/O APIC does not deliver it a second time.
            apic_timer::eoi();
            // The handler usually woke a task (the network task, at a higher priority
            // than applications): run it now rather than at the next tick.
            crate::sched::after_interrupt(false)
        }
        _ => apic_timer::eoi(),
    }
}
