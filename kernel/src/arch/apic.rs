//! The local APIC, enabled at boot (timers and IPIs build on it).

use x86_64::registers::model_specific::Msr;

const APIC_BASE_MSR: u32 = 0x1b;
const SPURIOUS_VECTOR: u32 = 0xff;

pub fn init() {
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
