//! The local APIC, enabled on every CPU (timers and IPIs build on it). Used in xAPIC
//! mode through its MMIO page, which the page tables map uncached.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use x86_64::registers::model_specific::Msr;

const APIC_BASE_MSR: u32 = 0x1b;
const SPURIOUS_VECTOR: u32 = 0xff;

const REG_ID: usize = 0x20;
const REG_SPURIOUS: usize = 0xf0;
const REG_ICR_LOW: usize = 0x300;
const REG_ICR_HIGH: usize = 0x310;

const ICR_DELIVERY_PENDING: u32 = 1 << 12;
const ICR_INIT: u32 = 0b101 << 8;
const ICR_STARTUP: u32 = 0b110 << 8;
const ICR_ASSERT: u32 = 1 << 14;
const ICR_LEVEL: u32 = 1 << 15;

static PRESENT: AtomicBool = AtomicBool::new(false);
static BASE: AtomicU64 = AtomicU64::new(0xfee0_0000);

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

/// Masks the legacy PICs and enables the boot CPU's local APIC. Call once.
pub fn init() {
    mask_legacy_pic();
    init_local();
}

/// Enables this CPU's local APIC (the boot CPU's through `init`, the others' directly).
pub fn init_local() {
    if super::cpu::cpuid(1, 0).3 & (1 << 9) == 0 {
        crate::klog!("eremit: no local APIC");
        return;
    }
    let mut msr = Msr::new(APIC_BASE_MSR);
    // SAFETY: enabling the APIC (global enable bit) at its architectural base, which the
    // page tables map uncached.
    let base = unsafe {
        let base = msr.read();
        msr.write(base | (1 << 11));
        base & 0xffff_f000
    };
    BASE.store(base, Ordering::Relaxed);
    PRESENT.store(true, Ordering::Release);
    // Spurious-interrupt vector register: software enable.
    write(REG_SPURIOUS, 0x100 | SPURIOUS_VECTOR);
}

/// Whether a local APIC was found (by `init`).
pub fn present() -> bool {
    PRESENT.load(Ordering::Acquire)
}

fn reg(offset: usize) -> *mut u32 {
    (BASE.load(Ordering::Relaxed) + offset as u64) as *mut u32
}

fn read(offset: usize) -> u32 {
    // SAFETY: an APIC register inside the MMIO page mapped uncached by mm::paging.
    unsafe { reg(offset).read_volatile() }
}

fn write(offset: usize, value: u32) {
    // SAFETY: as in `read`; callers write registers whose effects they intend.
    unsafe { reg(offset).write_volatile(value) }
}

/// This CPU's APIC ID.
pub fn id() -> u32 {
    read(REG_ID) >> 24
}

/// Sends an IPI with the ICR's low word `command` to the CPU with APIC ID `dest`.
fn send(dest: u8, command: u32) {
    // The previous IPI must have left before the ICR is rewritten. QEMU delivers at once;
    // the bound keeps a broken APIC from hanging the boot.
    for _ in 0..100_000 {
        if read(REG_ICR_LOW) & ICR_DELIVERY_PENDING == 0 {
            break;
        }
        core::hint::spin_loop();
    }
    write(REG_ICR_HIGH, (dest as u32) << 24);
    write(REG_ICR_LOW, command);
}

/// INIT: resets the CPU into its wait-for-start-up state.
pub fn send_init(dest: u8) {
    send(dest, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
}

/// START-UP: a CPU waiting after INIT starts in real mode at `vector << 12`.
pub fn send_startup(dest: u8, vector: u8) {
    send(dest, ICR_STARTUP | vector as u32);
}
