//! Either transport behind one type, for drivers that run on both machines: finding a
//! device by its virtio ID on PCI (q35) or in microvm's virtio-mmio slots, with its
//! interrupt routed to a vector of the boot CPU.

use super::Transport;
use super::mmio::{self, MmioTransport};
use super::queue::Addresses;

pub enum AnyTransport {
    Mmio(MmioTransport),
    #[cfg(feature = "pci")]
    Pci(super::pci::PciTransport),
}

macro_rules! delegate {
    ($self:ident, $t:ident => $e:expr) => {
        match $self {
            AnyTransport::Mmio($t) => $e,
            #[cfg(feature = "pci")]
            AnyTransport::Pci($t) => $e,
        }
    };
}

impl Transport for AnyTransport {
    fn device_features(&self) -> u64 {
        delegate!(self, t => t.device_features())
    }
    fn set_driver_features(&self, f: u64) {
        delegate!(self, t => t.set_driver_features(f))
    }
    fn status(&self) -> u8 {
        delegate!(self, t => t.status())
    }
    fn set_status(&self, s: u8) {
        delegate!(self, t => t.set_status(s))
    }
    fn queue_max_size(&self, i: u16) -> u16 {
        delegate!(self, t => t.queue_max_size(i))
    }
    fn setup_queue(&self, i: u16, size: u16, a: Addresses) -> Result<(), &'static str> {
        delegate!(self, t => t.setup_queue(i, size, a))
    }
    fn doorbell(&self, i: u16) -> super::doorbell::Doorbell {
        delegate!(self, t => t.doorbell(i))
    }
    fn config_read8(&self, o: usize) -> u8 {
        delegate!(self, t => t.config_read8(o))
    }
    fn config_generation(&self) -> u32 {
        delegate!(self, t => t.config_generation())
    }
}

/// A device found: its transport, and the MMIO window whose interrupt status the
/// handler must acknowledge (`None` for MSI-X, which needs no acknowledgement).
pub struct Found {
    pub transport: AnyTransport,
    pub ack_base: Option<u64>,
}

/// Whether a PCI host bridge answers (q35); microvm has no PCI.
pub fn pci_present() -> bool {
    use crate::drivers::pci::{ConfigSpace, Location, PortConfig, VENDOR_ID};
    let host = PortConfig(Location {
        bus: 0,
        device: 0,
        function: 0,
    });
    host.read32(VENDOR_ID) as u16 != 0xffff
}

/// Which of several devices of one type a driver wants (e.g. the console of standard
/// input or the one of the signal channel), told by what the device offers.
pub type Accept = fn(&dyn Transport) -> bool;

#[cfg(feature = "pci")]
fn find_pci(device_id: u32, vector: u8, accept: Accept) -> Option<Found> {
    use super::pci::{PciTransport, VENDOR_VIRTIO, virtio_device_id};
    use crate::drivers::pci::{PortConfig, enumerate};
    let mut candidates = alloc::vec::Vec::new();
    enumerate(PortConfig, |f| {
        if f.vendor == VENDOR_VIRTIO && virtio_device_id(f.device) == Some(device_id) {
            candidates.push(f.location);
        }
    });
    // Opened without a vector to look at it: its interrupts are routed only once chosen.
    let loc = candidates
        .into_iter()
        .find(|&loc| PciTransport::open(loc, None).is_ok_and(|t| accept(&t)))?;
    match PciTransport::open(loc, Some(vector)) {
        Ok(t) => {
            crate::klog!(
                "eremit: virtio device {device_id} on PCI {:02x}:{:02x}.{}, MSI-X vector {vector:#x}",
                loc.bus,
                loc.device,
                loc.function
            );
            Some(Found {
                transport: AnyTransport::Pci(t),
                ack_base: None,
            })
        }
        Err(e) => {
            crate::klog!("eremit: virtio device {device_id} on PCI: {e}");
            None
        }
    }
}

#[cfg(not(feature = "pci"))]
fn find_pci(_: u32, _: u8, _: Accept) -> Option<Found> {
    crate::klog!("eremit: PCI present but the kernel was built without the `pci` feature");
    None
}

/// The first virtio-mmio transport holding `device_id` that `accept` takes; its interrupt
/// lines (`mmio::transports`) are all routed to `vector`, level-triggered, as for the
/// network device.
fn find_mmio(device_id: u32, vector: u8, accept: Accept) -> Option<Found> {
    for slot in mmio::transports() {
        let base = slot.base;
        match mmio::probe(base) {
            Some((id, transport)) if id == device_id && accept(&transport) => {
                let apic = crate::arch::apic::id();
                let routed = slot
                    .gsis()
                    .iter()
                    .filter(|&&g| crate::arch::ioapic::route(g, vector, true, apic))
                    .count();
                crate::klog!(
                    "eremit: virtio device {device_id} at {base:#x} (slot {}), vector {vector:#x}, {routed} pins routed",
                    slot.index
                );
                return Some(Found {
                    transport: AnyTransport::Mmio(transport),
                    ack_base: Some(base),
                });
            }
            _ => {}
        }
    }
    None
}

/// Finds the first device with virtio ID `device_id` on this machine, its interrupts
/// delivered as `vector`.
pub fn find(device_id: u32, vector: u8) -> Option<Found> {
    find_where(device_id, vector, |_| true)
}

/// Finds the first device with virtio ID `device_id` that `accept` takes.
pub fn find_where(device_id: u32, vector: u8, accept: Accept) -> Option<Found> {
    if pci_present() {
        find_pci(device_id, vector, accept)
    } else {
        find_mmio(device_id, vector, accept)
    }
}
