//! Device drivers: PCI and virtio (the network device); the I/O APIC is the
//! architecture's (`arch::ioapic`). The bus and ring logic also builds for the host,
//! where unit tests and Miri check it.

pub mod pci;
pub mod virtio;

#[cfg(all(target_os = "none", feature = "net"))]
mod net_device;
#[cfg(all(target_os = "none", feature = "net"))]
pub use net_device::{NetDevice, open_net};
