//! The I/O APIC at its standard address (mapped by mm::paging at boot): routes a
//! device's interrupt line (GSI) to a vector on a CPU. microvm wires its virtio-mmio
//! transports to it; q35 devices use MSI-X instead.

use hermit_sync::InterruptSpinMutex;

const BASE: u64 = 0xfec0_0000;
const REG_VERSION: u32 = 0x01;
const REG_REDIRECTION: u32 = 0x10;

const TRIGGER_LEVEL: u32 = 1 << 15;
const MASKED: u32 = 1 << 16;

/// The index/data register pair is one shared resource.
static LOCK: InterruptSpinMutex<()> = InterruptSpinMutex::new(());

fn read(reg: u32) -> u32 {
    // SAFETY: IOREGSEL/IOWIN of the I/O APIC page, mapped uncached; LOCK is held.
    unsafe {
        (BASE as *mut u32).write_volatile(reg);
        ((BASE + 0x10) as *const u32).read_volatile()
    }
}

fn write(reg: u32, value: u32) {
    // SAFETY: as in `read`.
    unsafe {
        (BASE as *mut u32).write_volatile(reg);
        ((BASE + 0x10) as *mut u32).write_volatile(value);
    }
}

/// Number of input pins; 0 when no I/O APIC answers (all ones from an empty bus).
pub fn pins() -> u32 {
    let _g = LOCK.lock();
    let v = read(REG_VERSION);
    if v == u32::MAX {
        0
    } else {
        ((v >> 16) & 0xff) + 1
    }
}

/// Delivers pin `gsi` as `vector` to the CPU with APIC ID `apic_id`: fixed delivery,
/// physical destination, active high, level- or edge-triggered. Returns false when the
/// pin does not exist.
pub fn route(gsi: u32, vector: u8, level: bool, apic_id: u32) -> bool {
    if gsi >= pins() {
        return false;
    }
    let _g = LOCK.lock();
    let reg = REG_REDIRECTION + 2 * gsi;
    // Masked while the halves are inconsistent.
    write(reg, MASKED);
    write(reg + 1, apic_id << 24);
    write(reg, vector as u32 | if level { TRIGGER_LEVEL } else { 0 });
    true
}
