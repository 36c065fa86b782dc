//! The boot information from the device tree (with the devices: `board`), and PSCI (the
//! firmware interface QEMU implements for powering off and starting CPUs).

use crate::fdt::{self, Fdt};
use crate::mm::regions::Range;

pub const MAX_RAM_RANGES: usize = 32;

/// What the kernel's start needs from the boot: the command line and the RAM ranges.
pub struct BootInfo {
    pub cmdline: &'static str,
    pub ram: [Range; MAX_RAM_RANGES],
    pub ram_count: usize,
}

impl BootInfo {
    pub fn ram(&self) -> &[Range] {
        &self.ram[..self.ram_count]
    }
}

/// Reads the device tree at `addr`.
///
/// # Safety
/// `addr` must be mapped memory that stays untouched for the rest of the run (the start
/// of RAM, below the image, is never given to the heap).
pub unsafe fn read_boot_info(addr: u64) -> Result<BootInfo, &'static str> {
    // SAFETY: the caller guarantees addr is mapped; 8 bytes hold the magic and size.
    let head = unsafe { core::slice::from_raw_parts(addr as *const u8, 8) };
    let size = fdt::total_size(head).ok_or("no device tree at the start of RAM")?;
    if size > 2 << 20 {
        return Err("the device tree is larger than the 2 MiB below the image");
    }
    // SAFETY: the tree's own size, inside the 2 MiB below the image.
    let blob: &'static [u8] = unsafe { core::slice::from_raw_parts(addr as *const u8, size) };
    let tree = Fdt::parse(blob)?;
    let mut info = BootInfo {
        cmdline: tree.bootargs()?,
        ram: [Range::new(0, 0); MAX_RAM_RANGES],
        ram_count: 0,
    };
    info.ram_count = tree.memory(&mut info.ram)?;
    // PSCI first: a fatal error about the devices still powers off through it.
    super::psci::read(&tree)?;
    super::board::read(&tree)?;
    // RAM beyond what the boot tables map is left out.
    let mapped_end = super::entry::BOOT_MAPPED_END;
    for r in &mut info.ram[..info.ram_count] {
        *r = Range::new(r.start.min(mapped_end), r.end.min(mapped_end));
    }
    Ok(info)
}

/// PSCI SYSTEM_OFF, which ends QEMU; returns only without PSCI.
pub fn psci_system_off() {
    super::psci::call(super::psci::SYSTEM_OFF, 0, 0, 0);
}
