//! Finding the network device: virtio-net behind modern virtio-pci (q35) or
//! virtio-mmio (microvm), with its interrupt routed to a vector of the boot CPU.

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::virtio::DEVICE_NET;
use super::virtio::mmio;
use super::virtio::net::VirtioNet;
use crate::klog;

/// The transports a network device can sit behind: the one type every virtio driver
/// here uses.
pub use super::virtio::any_transport::AnyTransport as NetTransport;

pub type NetDevice = VirtioNet<NetTransport>;

/// The interrupt handler's view: which MMIO window to acknowledge (0 for MSI-X, which
/// needs none) and whom to tell.
static MMIO_BASE: AtomicU64 = AtomicU64::new(0);
static ON_INTERRUPT: AtomicUsize = AtomicUsize::new(0);

fn interrupt() {
    let base = MMIO_BASE.load(Ordering::Acquire);
    if base != 0 && mmio::ack_interrupt_at(base) == 0 {
        return; // not ours (a shared or spurious line)
    }
    super::virtio::net_counters::INTERRUPTS.add(1);
    let f = ON_INTERRUPT.load(Ordering::Acquire);
    if f != 0 {
        // SAFETY: only `open_net` stores here, and it stores a `fn()`.
        let f: fn() = unsafe { core::mem::transmute::<usize, fn()>(f) };
        f();
    }
}

/// Whether a PCI host bridge answers (q35); microvm has no PCI.
fn pci_present() -> bool {
    use super::pci::{ConfigSpace, Location, PortConfig, VENDOR_ID};
    let host = PortConfig(Location {
        bus: 0,
        device: 0,
        function: 0,
    });
    host.read32(VENDOR_ID) as u16 != 0xffff
}

#[cfg(feature = "pci")]
fn find_pci(vector: u8) -> Option<NetDevice> {
    use super::pci::{PortConfig, enumerate};
    use super::virtio::pci::{PciTransport, VENDOR_VIRTIO, virtio_device_id};
    let mut found = None;
    enumerate(PortConfig, |f| {
        if found.is_none()
            && f.vendor == VENDOR_VIRTIO
            && virtio_device_id(f.device) == Some(DEVICE_NET)
        {
            found = Some(f.location);
        }
    });
    let loc = found?;
    let opened =
        PciTransport::open(loc, Some(vector)).and_then(|t| VirtioNet::new(NetTransport::Pci(t)));
    match opened {
        Ok(dev) => {
            klog!(
                "eremit: virtio-net on PCI {:02x}:{:02x}.{}, MSI-X vector {vector:#x}",
                loc.bus,
                loc.device,
                loc.function
            );
            Some(dev)
        }
        Err(e) => {
            klog!("eremit: virtio-net on PCI: {e}");
            None
        }
    }
}

#[cfg(not(feature = "pci"))]
fn find_pci(_: u8) -> Option<NetDevice> {
    klog!("eremit: PCI present but the kernel was built without the `pci` feature");
    None
}

/// The first virtio-mmio transport with a network device (`mmio::transports`: the
/// machine's, with the interrupt lines each may use, all routed level-triggered).
fn find_mmio(vector: u8) -> Option<NetDevice> {
    for slot in mmio::transports() {
        let base = slot.base;
        let Some((id, transport)) = mmio::probe(base) else {
            continue;
        };
        if id != DEVICE_NET {
            continue;
        }
        let apic = crate::arch::apic::id();
        let gsis = slot.gsis();
        let routed = gsis
            .iter()
            .filter(|&&g| crate::arch::ioapic::route(g, vector, true, apic))
            .count();
        if routed == 0 {
            klog!("eremit: virtio-net at {base:#x}: no interrupt line could be routed");
        }
        MMIO_BASE.store(base, Ordering::Release);
        match VirtioNet::new(NetTransport::Mmio(transport)) {
            Ok(dev) => {
                klog!(
                    "eremit: virtio-net at {base:#x} (virtio-mmio slot {}, GSIs {gsis:?}), vector {vector:#x}",
                    slot.index
                );
                return Some(dev);
            }
            Err(e) => {
                MMIO_BASE.store(0, Ordering::Release);
                klog!("eremit: virtio-net at {base:#x}: {e}");
            }
        }
    }
    None
}

/// Finds and starts the network device; `on_interrupt` runs (in interrupt context)
/// whenever it signals. `None` when the machine has no network device.
pub fn open_net(on_interrupt: fn()) -> Option<NetDevice> {
    ON_INTERRUPT.store(on_interrupt as usize, Ordering::Release);
    super::virtio::net_rx_watch::wake_with(on_interrupt);
    let vector = crate::arch::irq::register_device(interrupt)?;
    if pci_present() {
        find_pci(vector)
    } else {
        find_mmio(vector)
    }
}
