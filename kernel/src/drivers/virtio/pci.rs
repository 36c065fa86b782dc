//! The modern virtio-pci transport (virtio 1.x, 4.1): vendor capabilities point into
//! the function's BARs at the common configuration, the notification area, the ISR
//! byte and the device configuration. Interrupts arrive as one MSI-X message.

use core::cell::Cell;

use super::Transport;
use super::doorbell::Doorbell;
use super::queue::Addresses;
use crate::drivers::pci::{self, Bar, ConfigSpace, Location, PortConfig};

pub const VENDOR_VIRTIO: u16 = 0x1af4;
/// Modern device IDs are 0x1040 + the virtio device ID; transitional ones 0x1000..0x103f.
pub fn virtio_device_id(pci_device: u16) -> Option<u32> {
    match pci_device {
        0x1041..=0x107f => Some((pci_device - 0x1040) as u32),
        0x1000 => Some(super::DEVICE_NET),
        _ => None,
    }
}

const CAP_COMMON: u8 = 1;
const CAP_NOTIFY: u8 = 2;
const CAP_ISR: u8 = 3;
const CAP_DEVICE: u8 = 4;

// Offsets in the common configuration structure.
const DEVICE_FEATURE_SELECT: u64 = 0;
const DEVICE_FEATURE: u64 = 4;
const DRIVER_FEATURE_SELECT: u64 = 8;
const DRIVER_FEATURE: u64 = 12;
const MSIX_CONFIG: u64 = 16;
const DEVICE_STATUS: u64 = 20;
const CONFIG_GENERATION: u64 = 21;
const QUEUE_SELECT: u64 = 22;
const QUEUE_SIZE: u64 = 24;
const QUEUE_MSIX_VECTOR: u64 = 26;
const QUEUE_ENABLE: u64 = 28;
const QUEUE_NOTIFY_OFF: u64 = 30;
const QUEUE_DESC: u64 = 32;
const QUEUE_DRIVER: u64 = 40;
const QUEUE_DEVICE: u64 = 48;

const NO_VECTOR: u16 = 0xffff;
/// Queues whose notification offsets are remembered (virtio-net uses two).
const MAX_QUEUES: usize = 4;

pub struct PciTransport {
    common: u64,
    notify: u64,
    notify_multiplier: u32,
    device: u64,
    /// Each queue's notification offset, read when it is set up.
    notify_off: [Cell<u16>; MAX_QUEUES],
    /// MSI-X table entry the queues signal, if MSI-X is on.
    msix_entry: Option<u16>,
}

// SAFETY: the addresses are MMIO windows valid for the kernel's lifetime; the cells are
// only touched through the driver, which the network stack's lock serialises.
unsafe impl Send for PciTransport {}

fn rd<T>(addr: u64) -> T {
    // SAFETY: callers pass addresses inside a mapped capability window, aligned for T.
    unsafe { (addr as *const T).read_volatile() }
}

fn wr<T>(addr: u64, v: T) {
    // SAFETY: as in `rd`; the register written is one the caller means to change.
    unsafe { (addr as *mut T).write_volatile(v) }
}

/// Where a capability's structure is: its BAR's address plus its offset, mapped.
fn map_cap(cfg: &PortConfig, cap: u8) -> Result<u64, &'static str> {
    let bar_index = cfg.read8(cap + 4);
    let offset = cfg.read32(cap + 8) as u64;
    let length = cfg.read32(cap + 12) as u64;
    match pci::bar(cfg, bar_index) {
        Some(Bar::Memory { addr, .. }) => {
            crate::mm::paging::map_mmio(addr + offset, length.max(1));
            Ok(addr + offset)
        }
        Some(Bar::Io { .. }) => Err("a virtio structure in an I/O BAR"),
        None => Err("a virtio structure in an unassigned BAR"),
    }
}

/// Points MSI-X table entry 0 at `vector` on the boot CPU and enables MSI-X.
fn enable_msix(cfg: &PortConfig, vector: u8) -> Result<u16, &'static str> {
    let msix = pci::msix(cfg).ok_or("no MSI-X capability")?;
    let Some(Bar::Memory { addr, .. }) = pci::bar(cfg, msix.table_bar) else {
        return Err("MSI-X table in an unusable BAR");
    };
    let table = addr + msix.table_offset as u64;
    crate::mm::paging::map_mmio(table, msix.entries as u64 * 16);
    let apic_id = crate::arch::apic::id();
    // Entry 0: address (fixed delivery, physical destination), data (edge, vector),
    // vector control (unmasked).
    wr::<u32>(table, 0xfee0_0000 | (apic_id << 12));
    wr::<u32>(table + 4, 0);
    wr::<u32>(table + 8, vector as u32);
    wr::<u32>(table + 12, 0);
    let control = cfg.read16(msix.cap + 2);
    cfg.write16(
        msix.cap + 2,
        (control | pci::MSIX_ENABLE) & !pci::MSIX_FUNCTION_MASK,
    );
    Ok(0)
}

impl PciTransport {
    /// Opens the virtio function at `location`: enables memory decoding and bus
    /// mastering, maps its structures and, given a vector, routes its interrupts there.
    pub fn open(location: Location, vector: Option<u8>) -> Result<PciTransport, &'static str> {
        let cfg = PortConfig(location);
        let command = cfg.read16(pci::COMMAND);
        cfg.write16(
            pci::COMMAND,
            command | pci::COMMAND_MEMORY | pci::COMMAND_BUS_MASTER | pci::COMMAND_INTX_DISABLE,
        );
        let (mut common, mut notify, mut isr, mut device) = (None, None, None, None);
        let mut multiplier = 0;
        for (cap, id) in pci::capabilities(&cfg) {
            if id != pci::CAP_VENDOR {
                continue;
            }
            // The first structure of each type is the one to use (4.1.4).
            let slot = match cfg.read8(cap + 3) {
                CAP_COMMON => &mut common,
                CAP_NOTIFY => {
                    if notify.is_none() {
                        multiplier = cfg.read32(cap + 16);
                    }
                    &mut notify
                }
                CAP_ISR => &mut isr,
                CAP_DEVICE => &mut device,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(map_cap(&cfg, cap)?);
            }
        }
        let (Some(common), Some(notify), Some(_isr)) = (common, notify, isr) else {
            return Err("virtio capabilities missing (not a modern device?)");
        };
        let msix_entry = match vector {
            Some(v) => Some(enable_msix(&cfg, v)?),
            None => None,
        };
        Ok(PciTransport {
            common,
            notify,
            notify_multiplier: multiplier,
            device: device.unwrap_or(0),
            notify_off: Default::default(),
            msix_entry,
        })
    }
}

impl Transport for PciTransport {
    fn device_features(&self) -> u64 {
        wr::<u32>(self.common + DEVICE_FEATURE_SELECT, 0);
        let low = rd::<u32>(self.common + DEVICE_FEATURE) as u64;
        wr::<u32>(self.common + DEVICE_FEATURE_SELECT, 1);
        low | (rd::<u32>(self.common + DEVICE_FEATURE) as u64) << 32
    }

    fn set_driver_features(&self, features: u64) {
        wr::<u32>(self.common + DRIVER_FEATURE_SELECT, 0);
        wr::<u32>(self.common + DRIVER_FEATURE, features as u32);
        wr::<u32>(self.common + DRIVER_FEATURE_SELECT, 1);
        wr::<u32>(self.common + DRIVER_FEATURE, (features >> 32) as u32);
    }

    fn status(&self) -> u8 {
        rd::<u8>(self.common + DEVICE_STATUS)
    }

    fn set_status(&self, status: u8) {
        wr::<u8>(self.common + DEVICE_STATUS, status);
        if status == 0 {
            // Configuration changes need no interrupt.
            wr::<u16>(self.common + MSIX_CONFIG, NO_VECTOR);
        }
    }

    fn queue_max_size(&self, index: u16) -> u16 {
        wr::<u16>(self.common + QUEUE_SELECT, index);
        rd::<u16>(self.common + QUEUE_SIZE)
    }

    fn setup_queue(&self, index: u16, size: u16, a: Addresses) -> Result<(), &'static str> {
        if index as usize >= MAX_QUEUES {
            return Err("queue index out of range");
        }
        wr::<u16>(self.common + QUEUE_SELECT, index);
        let max = rd::<u16>(self.common + QUEUE_SIZE);
        if max < size {
            return Err("queue larger than the device allows");
        }
        wr::<u16>(self.common + QUEUE_SIZE, size);
        if let Some(entry) = self.msix_entry {
            wr::<u16>(self.common + QUEUE_MSIX_VECTOR, entry);
            if rd::<u16>(self.common + QUEUE_MSIX_VECTOR) != entry {
                return Err("the device refused the MSI-X vector");
            }
        }
        for (reg, addr) in [
            (QUEUE_DESC, a.desc),
            (QUEUE_DRIVER, a.driver),
            (QUEUE_DEVICE, a.device),
        ] {
            wr::<u32>(self.common + reg, addr as u32);
            wr::<u32>(self.common + reg + 4, (addr >> 32) as u32);
        }
        self.notify_off[index as usize].set(rd::<u16>(self.common + QUEUE_NOTIFY_OFF));
        wr::<u16>(self.common + QUEUE_ENABLE, 1);
        Ok(())
    }

    fn doorbell(&self, index: u16) -> Doorbell {
        let off = self.notify_off[index as usize % MAX_QUEUES].get() as u64;
        Doorbell::new(
            self.notify + off * self.notify_multiplier as u64,
            index,
            false,
        )
    }

    fn config_read8(&self, offset: usize) -> u8 {
        if self.device == 0 {
            return 0;
        }
        rd::<u8>(self.device + offset as u64)
    }

    fn config_generation(&self) -> u32 {
        rd::<u8>(self.common + CONFIG_GENERATION) as u32
    }
}
