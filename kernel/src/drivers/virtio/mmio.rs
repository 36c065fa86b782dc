//! The virtio-mmio transport, version 2 (virtio 1.x, 4.2): a page of registers per
//! device. QEMU's microvm has eight such slots at 0xFEB00000 + n*0x200 and fills them
//! from the top (the first device on the command line sits in slot 7); `virt`'s are in
//! its device tree.

use super::Transport;
use super::doorbell::Doorbell;
use super::queue::Addresses;

pub const MAGIC: u32 = 0x7472_6976; // "virt"

const REG_MAGIC: usize = 0x000;
const REG_VERSION: usize = 0x004;
const REG_DEVICE_ID: usize = 0x008;
const REG_DEVICE_FEATURES: usize = 0x010;
const REG_DEVICE_FEATURES_SEL: usize = 0x014;
const REG_DRIVER_FEATURES: usize = 0x020;
const REG_DRIVER_FEATURES_SEL: usize = 0x024;
const REG_QUEUE_SEL: usize = 0x030;
const REG_QUEUE_NUM_MAX: usize = 0x034;
const REG_QUEUE_NUM: usize = 0x038;
const REG_QUEUE_READY: usize = 0x044;
const REG_QUEUE_NOTIFY: usize = 0x050;
const REG_INTERRUPT_STATUS: usize = 0x060;
const REG_INTERRUPT_ACK: usize = 0x064;
const REG_STATUS: usize = 0x070;
const REG_QUEUE_DESC: usize = 0x080;
const REG_QUEUE_DRIVER: usize = 0x090;
const REG_QUEUE_DEVICE: usize = 0x0a0;
const REG_CONFIG_GENERATION: usize = 0x0fc;
const REG_CONFIG: usize = 0x100;

/// microvm's transports on x86-64: eight slots from here, 0x200 apart (aarch64's `virt`
/// has its own, from the device tree: `transports`).
#[cfg(not(target_arch = "aarch64"))]
const MICROVM_BASE: u64 = 0xfeb0_0000;
#[cfg(not(target_arch = "aarch64"))]
const MICROVM_SLOTS: usize = 8;
pub const TRANSPORT_STRIDE: u64 = 0x200;

/// A virtio-mmio transport of the machine: its position among them, its register window,
/// and the interrupt lines (GSIs, as `arch::ioapic::route` names them) its interrupt may
/// arrive on.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    pub index: usize,
    pub base: u64,
    gsis: [u32; 2],
    gsi_count: usize,
}

impl Slot {
    pub fn gsis(&self) -> &[u32] {
        &self.gsis[..self.gsi_count]
    }
}

/// microvm's transports: slot n's pins are GSI 5+n without ACPI (how the runner starts
/// microvm; checked against QEMU 7.2, where only that pin fires) and 16+n with ACPI.
/// Both are routed: nothing else is wired to the other one on microvm, so it never rises.
#[cfg(not(target_arch = "aarch64"))]
pub fn transports() -> impl Iterator<Item = Slot> {
    (0..MICROVM_SLOTS).map(|n| Slot {
        index: n,
        base: MICROVM_BASE + n as u64 * TRANSPORT_STRIDE,
        gsis: [5 + n as u32, 16 + n as u32],
        gsi_count: 2,
    })
}

/// `virt`'s transports as the device tree lists them (`reg` and the SPI of
/// `interrupts`), by address.
#[cfg(target_arch = "aarch64")]
pub fn transports() -> impl Iterator<Item = Slot> {
    (0..)
        .map_while(crate::arch::platform::virtio_mmio)
        .enumerate()
        .map(|(index, (base, spi))| Slot {
            index,
            base,
            gsis: [spi, 0],
            gsi_count: 1,
        })
}

/// One device's register window (mapped uncached).
pub struct MmioTransport {
    base: u64,
}

impl MmioTransport {
    fn read(&self, reg: usize) -> u32 {
        // SAFETY: `base` is a mapped virtio-mmio window (see `probe`); registers are
        // 32-bit and naturally aligned.
        unsafe { ((self.base + reg as u64) as *const u32).read_volatile() }
    }

    fn write(&self, reg: usize, value: u32) {
        // SAFETY: as in `read`; drivers write registers whose effect they intend.
        unsafe { ((self.base + reg as u64) as *mut u32).write_volatile(value) }
    }

    pub fn base(&self) -> u64 {
        self.base
    }

    /// Reads and acknowledges the interrupt causes (bit 0: used buffers, bit 1:
    /// configuration change). The line stays raised until they are acknowledged.
    pub fn ack_interrupt(&self) -> u32 {
        let causes = self.read(REG_INTERRUPT_STATUS);
        if causes != 0 {
            self.write(REG_INTERRUPT_ACK, causes);
        }
        causes
    }
}

/// Acknowledges the interrupt of the transport at `base` (for interrupt handlers, which
/// hold no reference to the driver).
pub fn ack_interrupt_at(base: u64) -> u32 {
    MmioTransport { base }.ack_interrupt()
}

/// Looks at the window at `base`: the device ID and the transport when a modern
/// (version 2) device is there. Maps the window.
pub fn probe(base: u64) -> Option<(u32, MmioTransport)> {
    crate::mm::paging::map_mmio(base, TRANSPORT_STRIDE);
    let t = MmioTransport { base };
    if t.read(REG_MAGIC) != MAGIC {
        return None;
    }
    let id = t.read(REG_DEVICE_ID);
    if id == 0 {
        return None;
    }
    if t.read(REG_VERSION) != 2 {
        crate::klog!("eremit: virtio-mmio device {id} at {base:#x} is legacy (version 1); skipped");
        return None;
    }
    Some((id, t))
}

impl Transport for MmioTransport {
    fn device_features(&self) -> u64 {
        self.write(REG_DEVICE_FEATURES_SEL, 0);
        let low = self.read(REG_DEVICE_FEATURES) as u64;
        self.write(REG_DEVICE_FEATURES_SEL, 1);
        low | (self.read(REG_DEVICE_FEATURES) as u64) << 32
    }

    fn set_driver_features(&self, features: u64) {
        self.write(REG_DRIVER_FEATURES_SEL, 0);
        self.write(REG_DRIVER_FEATURES, features as u32);
        self.write(REG_DRIVER_FEATURES_SEL, 1);
        self.write(REG_DRIVER_FEATURES, (features >> 32) as u32);
    }

    fn status(&self) -> u8 {
        self.read(REG_STATUS) as u8
    }

    fn set_status(&self, status: u8) {
        self.write(REG_STATUS, status as u32);
    }

    fn queue_max_size(&self, index: u16) -> u16 {
        self.write(REG_QUEUE_SEL, index as u32);
        if self.read(REG_QUEUE_READY) != 0 {
            return 0;
        }
        self.read(REG_QUEUE_NUM_MAX).min(u16::MAX as u32) as u16
    }

    fn setup_queue(&self, index: u16, size: u16, a: Addresses) -> Result<(), &'static str> {
        self.write(REG_QUEUE_SEL, index as u32);
        if self.read(REG_QUEUE_NUM_MAX) < size as u32 {
            return Err("queue larger than the device allows");
        }
        self.write(REG_QUEUE_NUM, size as u32);
        for (reg, addr) in [
            (REG_QUEUE_DESC, a.desc),
            (REG_QUEUE_DRIVER, a.driver),
            (REG_QUEUE_DEVICE, a.device),
        ] {
            self.write(reg, addr as u32);
            self.write(reg + 4, (addr >> 32) as u32);
        }
        self.write(REG_QUEUE_READY, 1);
        Ok(())
    }

    fn doorbell(&self, index: u16) -> Doorbell {
        Doorbell::new(self.base + REG_QUEUE_NOTIFY as u64, index, true)
    }

    fn config_read8(&self, offset: usize) -> u8 {
        // SAFETY: the device-specific configuration follows the registers in the same
        // mapped window; byte reads are allowed there.
        unsafe { ((self.base + (REG_CONFIG + offset) as u64) as *const u8).read_volatile() }
    }

    fn config_generation(&self) -> u32 {
        self.read(REG_CONFIG_GENERATION)
    }
}
