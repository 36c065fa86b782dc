//! Device drivers: PCI, the I/O APIC and virtio (the network device). The bus and ring
//! logic also builds for the host, where unit tests and Miri check it.

#[cfg(target_os = "none")]
pub mod ioapic;
pub mod pci;
pub mod virtio;

#[cfg(all(target_os = "none", feature = "net"))]
mod net_device;
#[cfg(all(target_os = "none", feature = "net"))]
pub use net_device::{NetDevice, open_net};
