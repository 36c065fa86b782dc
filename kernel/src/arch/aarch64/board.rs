//! The machine's devices, from the device tree QEMU's `virt` hands the kernel (`read`,
//! once, on the boot CPU before anything uses them): the GIC (v2 or v3, by its
//! `compatible`), the PL011 UART, the PL031 RTC and the virtio-mmio transports with their
//! interrupts. Only RAM's start (where the tree is) and the device window the boot tables
//! map are fixed by the board; every device must lie in that window.

use core::sync::atomic::{AtomicU8, AtomicU32, AtomicU64, Ordering};

use crate::fdt::{Device, Fdt};

/// Start of RAM; QEMU puts the device tree here for an ELF kernel.
pub const RAM_START: u64 = 0x4000_0000;
/// The device window the boot tables map uncached (GIC, UART, RTC, fw_cfg, GPIO and
/// virtio-mmio are in 0x0800_0000-0x0a00_4000 on `virt`).
pub const DEVICES: (u64, u64) = (0x0800_0000, 0x1000_0000);

/// The most virtio-mmio transports kept (`virt` has 32).
pub const MAX_VIRTIO: usize = 32;

/// Which GIC the machine has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GicVersion {
    V2,
    V3,
}

static GIC_VERSION: AtomicU8 = AtomicU8::new(0);
static GICD: AtomicU64 = AtomicU64::new(0);
/// GICv2: the CPU interface; GICv3: the first redistributor region.
static GIC_CPU_OR_REDIST: AtomicU64 = AtomicU64::new(0);
static GIC_REDIST_SIZE: AtomicU64 = AtomicU64::new(0);
static UART: AtomicU64 = AtomicU64::new(0);
static RTC: AtomicU64 = AtomicU64::new(0);
static VIRTIO_BASE: [AtomicU64; MAX_VIRTIO] = [const { AtomicU64::new(0) }; MAX_VIRTIO];
static VIRTIO_SPI: [AtomicU32; MAX_VIRTIO] = [const { AtomicU32::new(0) }; MAX_VIRTIO];

/// The GIC's version and its register frames: the distributor, and the CPU interface
/// (v2) or the redistributor region's start and size (v3).
pub fn gic() -> (Option<GicVersion>, u64, u64, u64) {
    let version = match GIC_VERSION.load(Ordering::Acquire) {
        2 => Some(GicVersion::V2),
        3 => Some(GicVersion::V3),
        _ => None,
    };
    (
        version,
        GICD.load(Ordering::Relaxed),
        GIC_CPU_OR_REDIST.load(Ordering::Relaxed),
        GIC_REDIST_SIZE.load(Ordering::Relaxed),
    )
}

/// The PL011's registers (0 before `read`, or when the tree has none).
pub fn uart() -> u64 {
    UART.load(Ordering::Relaxed)
}

/// The PL031's registers (0 when the tree has none).
pub fn rtc() -> u64 {
    RTC.load(Ordering::Relaxed)
}

/// The `index`th virtio-mmio transport, by ascending address: its register window and
/// its interrupt's SPI number (the GIC's interrupt id minus 32).
pub fn virtio_mmio(index: usize) -> Option<(u64, u32)> {
    let base = VIRTIO_BASE.get(index)?.load(Ordering::Acquire);
    (base != 0).then(|| (base, VIRTIO_SPI[index].load(Ordering::Relaxed)))
}

/// One line for the kernel log: what `read` found (the console starts after it).
pub fn log() {
    let (v, dist, _, _) = gic();
    let virtio = (0..MAX_VIRTIO).map_while(virtio_mmio).count();
    crate::klog!(
        "eremit: device tree: {:?} GIC (distributor {dist:#x}), PL011 at {:#x}, PL031 at {:#x}, {virtio} virtio-mmio transports",
        v.unwrap_or(GicVersion::V2),
        uart(),
        rtc()
    );
}

fn in_window(base: u64, size: u64) -> bool {
    base >= DEVICES.0 && base.checked_add(size).is_some_and(|end| end <= DEVICES.1)
}

/// A device's first register window, which must lie in the mapped device window.
fn window(d: &Device, index: usize) -> Result<(u64, u64), &'static str> {
    let (base, size) = d
        .reg(index)
        .ok_or("device tree: a device without its `reg`")?;
    if !in_window(base, size) {
        return Err("device tree: a device outside the device window the boot tables map");
    }
    Ok((base, size))
}

/// An SPI's number from a GIC interrupt specifier (type 0 = SPI, number, flags).
fn spi(d: &Device) -> Option<u32> {
    (d.interrupt_cell(0)? == 0).then_some(d.interrupt_cell(1)?)
}

/// Reads the devices of `tree` into the statics above. Errors name what is missing.
pub fn read(tree: &Fdt) -> Result<(), &'static str> {
    let mut err = None;
    let mut virtio: [(u64, u32); MAX_VIRTIO] = [(0, 0); MAX_VIRTIO];
    let mut n_virtio = 0;
    tree.devices(|d| {
        let r = (|| -> Result<(), &'static str> {
            if d.is_compatible("arm,gic-v3") {
                let (dist, _) = window(d, 0)?;
                let (redist, size) = window(d, 1)?;
                GICD.store(dist, Ordering::Relaxed);
                GIC_CPU_OR_REDIST.store(redist, Ordering::Relaxed);
                GIC_REDIST_SIZE.store(size, Ordering::Relaxed);
                GIC_VERSION.store(3, Ordering::Release);
            } else if d.is_compatible("arm,cortex-a15-gic") || d.is_compatible("arm,gic-400") {
                let (dist, _) = window(d, 0)?;
                let (cpu, _) = window(d, 1)?;
                GICD.store(dist, Ordering::Relaxed);
                GIC_CPU_OR_REDIST.store(cpu, Ordering::Relaxed);
                GIC_VERSION.store(2, Ordering::Release);
            } else if d.is_compatible("arm,pl011") && UART.load(Ordering::Relaxed) == 0 {
                UART.store(window(d, 0)?.0, Ordering::Relaxed);
            } else if d.is_compatible("arm,pl031") {
                RTC.store(window(d, 0)?.0, Ordering::Relaxed);
            } else if d.is_compatible("virtio,mmio") && n_virtio < MAX_VIRTIO {
                let spi = spi(d).ok_or("device tree: a virtio-mmio transport without an SPI")?;
                virtio[n_virtio] = (window(d, 0)?.0, spi);
                n_virtio += 1;
            }
            Ok(())
        })();
        if let Err(e) = r {
            err.get_or_insert(e);
        }
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    if GIC_VERSION.load(Ordering::Acquire) == 0 {
        return Err("device tree: no GIC (arm,gic-v3 or arm,cortex-a15-gic)");
    }
    // In address order, as the drivers have always met them.
    let found = &mut virtio[..n_virtio];
    found.sort_unstable_by_key(|&(base, _)| base);
    for (i, &(base, spi)) in found.iter().enumerate() {
        VIRTIO_SPI[i].store(spi, Ordering::Relaxed);
        VIRTIO_BASE[i].store(base, Ordering::Release);
    }
    Ok(())
}
