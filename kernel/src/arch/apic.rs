//! The local APIC, enabled at boot (timers and IPIs build on it).

use x86_64::registers::model_specific::Msr;

const APIC_BASE_MSR: u32 = 0x1b;
const SPURIOUS_VECTOR: u32 = 0xff;

/// Vectors the legacy PICs are moved to; only their spurious IRQ 7/15 can still arrive.
pub const PIC_VECTOR_BASE: u8 = 0xe0;

/// Moves the legacy 8259 PICs away from the exception vectors and masks every line. On
/// q35 the firmware leaves them at vectors 8-15, where the PIT's tick would look like a
/// double fault once interrupts are enabled; the local APIC timer replaces them.
fn mask_legacy_pic() {
    use x86_64::instructions::port::Port;
    let init = [
        (0x20, 0x11),
        (0xa0, 0x11),
        (0x21, PIC_VECTOR_BASE),
        (0xa1, PIC_VECTOR_BASE + 8),
        (0x21, 4),
        (0xa1, 2),
        (0x21, 1),
        (0xa1, 1),
        (0x21, 0xff),
        (0xa1, 0xff),
    ];
    for (port, value) in init {
        // SAFETY: the 8259 initialisation sequence and mask registers; on a machine
        // without PICs (microvm) the writes go nowhere.
        unsafe { Port::<u8>::new(port).write(value) };
    }
}

pub fn init() {
    mask_legacy_pic();
    if super::cpu::cpuid(1, 0).3 & (1 << 9) == 0 {
        crate::klog!("eremit: no local APIC");
        return;
    }
    let mut msr = Msr::new(APIC_BASE_MSR);
    // SAFETY: enabling the APIC (global enable bit) at its architectural base, which the
    // page tables map uncached.
    unsafe {
        let base = msr.read();
        msr.write(base | (1 << 11));
        let mmio = (base & 0xffff_f000) as *mut u32;
        // Spurious-interrupt vector register: software enable.
        mmio.byte_add(0xf0).write_volatile(0x100 | SPURIOUS_VECTOR);
    }
}
