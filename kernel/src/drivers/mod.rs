//! Device drivers: PCI and virtio (the network device); the I/O APIC is the
//! architecture's (`arch::ioapic`). The bus and ring logic also builds for the host,
//! where unit tests and Miri check it.

pub mod pci;
pub mod virtio;

#[cfg(all(target_os = "none", feature = "net"))]
mod net_device;
#[cfg(all(target_os = "none", feature = "net"))]
pub use net_device::{NetDevice, open_net};

/// Work the drivers leave until a CPU runs out of tasks or takes an interrupt (the idle
/// loop and the interrupt path call this): a transmit notification held back while the
/// application was serving a batch (virtio/net_tx_notify.rs). Takes no lock.
#[cfg(target_os = "none")]
pub fn flush_held_notifications() {
    #[cfg(feature = "net")]
    virtio::net_tx_notify::flush();
}
