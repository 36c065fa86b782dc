//! Routing a device's interrupt line (what the I/O APIC does on x86-64): on `virt` the
//! drivers name a device's SPI (the device tree's, `drivers::virtio::mmio::transports`)
//! as its "GSI"; its interrupt id at the GIC is 32 more.

use super::gic;

/// Routes SPI `gsi` to `vector` on the CPU with affinity `cpu` (`apic::id`), level-
/// triggered or edge; false for a line beyond those the kernel routes.
pub fn route(gsi: u32, vector: u8, level: bool, cpu: u32) -> bool {
    if gsi >= gic::MAX_ID - 32 {
        return false;
    }
    let id = gsi + 32;
    super::irq::set_route(id, vector);
    gic::enable_spi(id, level, cpu);
    true
}
