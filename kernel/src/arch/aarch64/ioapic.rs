//! Routing a device's interrupt line (what the I/O APIC does on x86-64): on `virt` a
//! virtio-mmio slot n interrupts on SPI 16+n, which the drivers name "GSI 16+n" as on
//! microvm with ACPI; lines below 16 (microvm's other numbering) are not devices here.

use super::gic;

/// Routes SPI `gsi` to `vector` on the CPU with interface number `cpu` (the boot CPU's
/// 0), level-triggered or edge; false for a line that is not a device's.
pub fn route(gsi: u32, vector: u8, level: bool, cpu: u32) -> bool {
    if !(16..gic::MAX_ID - 32).contains(&gsi) {
        return false;
    }
    let id = gsi + 32;
    super::irq::set_route(id, vector);
    gic::enable_spi(id, level, cpu);
    true
}
