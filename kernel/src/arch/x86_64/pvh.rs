//! The PVH boot information QEMU leaves in memory (`struct hvm_start_info`).

use crate::mm::regions::Range;

const MAGIC: u32 = 0x336e_c578;
const RAM: u32 = 1;
pub const MAX_RAM_RANGES: usize = 32;

#[repr(C)]
struct StartInfo {
    magic: u32,
    version: u32,
    flags: u32,
    nr_modules: u32,
    modlist_paddr: u64,
    cmdline_paddr: u64,
    rsdp_paddr: u64,
    memmap_paddr: u64,
    memmap_entries: u32,
    reserved: u32,
}

#[repr(C)]
struct MemmapEntry {
    addr: u64,
    size: u64,
    kind: u32,
    reserved: u32,
}

/// What the kernel takes from the boot information.
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

/// Reads the start info at `addr`; `Err` explains what is wrong with it.
///
/// # Safety
/// `addr` must be the address QEMU passed in `ebx`, identity-mapped.
pub unsafe fn read(addr: u64) -> Result<BootInfo, &'static str> {
    if addr == 0 {
        return Err("no PVH start info (was the image started with qemu -kernel?)");
    }
    // SAFETY: the caller guarantees addr points at the start info.
    let info = unsafe { &*(addr as *const StartInfo) };
    if info.magic != MAGIC {
        return Err("bad PVH start info magic");
    }
    if info.version < 1 || info.memmap_paddr == 0 || info.memmap_entries == 0 {
        return Err("the PVH start info carries no memory map (QEMU too old?)");
    }
    let mut boot = BootInfo {
        cmdline: "",
        ram: [Range::new(0, 0); MAX_RAM_RANGES],
        ram_count: 0,
    };
    if info.cmdline_paddr != 0 {
        // SAFETY: QEMU stores a NUL-terminated command line at cmdline_paddr.
        let c =
            unsafe { core::ffi::CStr::from_ptr(info.cmdline_paddr as *const core::ffi::c_char) };
        boot.cmdline = c
            .to_str()
            .map_err(|_| "the kernel command line is not UTF-8")?;
    }
    for i in 0..info.memmap_entries as usize {
        // SAFETY: the memory map holds memmap_entries entries.
        let e = unsafe { &*((info.memmap_paddr as *const MemmapEntry).add(i)) };
        if e.kind == RAM && e.size > 0 && boot.ram_count < MAX_RAM_RANGES {
            boot.ram[boot.ram_count] = Range::new(e.addr, e.addr + e.size);
            boot.ram_count += 1;
        }
    }
    Ok(boot)
}
