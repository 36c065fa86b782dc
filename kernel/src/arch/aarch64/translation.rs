//! The boot CPU's translation tables, built before the MMU is on: RAM identity-mapped
//! read-write and never executable, the image page by page with its segments'
//! permissions (write xor execute, and `SCTLR_EL1.WXN` makes any writable page
//! non-executable in hardware too), the board's device window uncached, and nothing
//! else: the first 128 MiB (page 0 with it) fault.
//!
//! 4 KiB granule, 39-bit addresses (`T0SZ` 25): the walk starts at level 1, whose entries
//! cover 1 GiB each. The tables are static (`.bss`), so they need no allocator and exist
//! before anything else.

use core::arch::asm;

use super::board::{DEVICES, RAM_START};
use crate::elf::{PF_W, PF_X, PT_LOAD, ProgramHeaders};
use crate::mm::descriptor::{
    ACCESSED, ATTR_NORMAL, INNER_SHAREABLE, PXN, READ_ONLY, TABLE_OR_PAGE, UXN, VALID,
};

/// RAM mapped from `RAM_START`; more is left out (and not given to the heap).
pub const MAX_RAM: u64 = 4 << 30;

const PAGE: u64 = 4096;
/// TCR_EL1 but for T0SZ: walks cacheable and inner-shareable, 4 KiB granule, no TTBR1
/// walks (EPD1), 40-bit physical addresses.
pub const TCR_WALKS: u64 = (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2 << 32);

const BLOCK: u64 = 2 << 20;
const GIB: u64 = 1 << 30;
/// Level-3 tables for the image: 2 MiB each, so images up to 32 MiB.
const IMAGE_L3: usize = 16;

// The descriptor bits are `mm::descriptor`'s (level 1-2: TABLE_OR_PAGE marks a table, not
// a block; level 3: a page); `AttrIndx` 0 is MAIR attribute 0, Device-nGnRnE.
const ATTR_DEVICE: u64 = 0 << 2;

const RAM_FLAGS: u64 = ATTR_NORMAL | INNER_SHAREABLE | ACCESSED | PXN | UXN;
const DEVICE_FLAGS: u64 = ATTR_DEVICE | ACCESSED | PXN | UXN;

#[repr(C, align(4096))]
struct Table([u64; 512]);

/// Level 1; the level-2 tables of GiB 0 (devices) and of RAM; level 3 for the image.
struct Tables {
    l1: Table,
    devices: Table,
    ram: [Table; (MAX_RAM / GIB) as usize],
    image: [Table; IMAGE_L3],
}

#[unsafe(link_section = ".bss.eremit_boot_tables")]
static mut TABLES: Tables = Tables {
    l1: Table([0; 512]),
    devices: Table([0; 512]),
    ram: [const { Table([0; 512]) }; (MAX_RAM / GIB) as usize],
    image: [const { Table([0; 512]) }; IMAGE_L3],
};

unsafe extern "C" {
    static __ehdr_start: u8;
}

/// The flags of an image page, from the permissions of the segment that holds it.
fn image_page_flags(headers: &ProgramHeaders<'_>, page: u64) -> u64 {
    let seg = headers.iter().filter(|s| s.kind == PT_LOAD).find(|s| {
        s.vaddr / PAGE * PAGE <= page && page < (s.vaddr + s.memsz).next_multiple_of(PAGE)
    });
    match seg {
        Some(s) if s.flags & PF_X != 0 => {
            ATTR_NORMAL | INNER_SHAREABLE | ACCESSED | READ_ONLY | UXN
        }
        Some(s) if s.flags & PF_W != 0 => RAM_FLAGS,
        Some(_) => RAM_FLAGS | READ_ONLY,
        None => RAM_FLAGS,
    }
}

/// Builds the tables and turns the MMU and the caches on.
///
/// # Safety
/// Once, on the boot CPU, with the MMU off and the image identity-placed where it was
/// linked.
pub unsafe fn enable() {
    // SAFETY: single-threaded boot; nothing else refers to the tables yet.
    let t = unsafe { &mut *core::ptr::addr_of_mut!(TABLES) };
    let start = core::ptr::addr_of!(__ehdr_start);
    // SAFETY: the ELF header and the program headers are at the start of the image.
    let headers = unsafe {
        let head = core::slice::from_raw_parts(start, 64);
        let len = ProgramHeaders::header_len(head).unwrap_or(64);
        ProgramHeaders::parse(core::slice::from_raw_parts(start, len))
    };
    let Ok(headers) = headers else {
        super::exit::exit_vm(125)
    };
    let image_start = start as u64 / BLOCK * BLOCK;
    let image_end = headers
        .iter()
        .filter(|s| s.kind == PT_LOAD)
        .map(|s| s.vaddr + s.memsz)
        .max()
        .unwrap_or(image_start)
        .next_multiple_of(BLOCK);

    // GiB 0: only the device window.
    t.l1.0[0] = t.devices.0.as_ptr() as u64 | VALID | TABLE_OR_PAGE;
    let mut a = DEVICES.0;
    while a < DEVICES.1 {
        t.devices.0[(a / BLOCK) as usize] = a | DEVICE_FLAGS | VALID;
        a += BLOCK;
    }
    // RAM: 2 MiB blocks, the image's in pages.
    let mut next_l3 = 0;
    for (g, l2) in t.ram.iter_mut().enumerate() {
        let base = RAM_START + g as u64 * GIB;
        t.l1.0[(base / GIB) as usize] = l2.0.as_ptr() as u64 | VALID | TABLE_OR_PAGE;
        for (i, e) in l2.0.iter_mut().enumerate() {
            let block = base + i as u64 * BLOCK;
            if block >= image_start && block < image_end && next_l3 < IMAGE_L3 {
                let l3 = &mut t.image[next_l3];
                next_l3 += 1;
                for (j, p) in l3.0.iter_mut().enumerate() {
                    let page = block + j as u64 * PAGE;
                    *p = page | image_page_flags(&headers, page) | VALID | TABLE_OR_PAGE;
                }
                *e = l3.0.as_ptr() as u64 | VALID | TABLE_OR_PAGE;
            } else {
                *e = block | RAM_FLAGS | VALID;
            }
        }
    }
    if (image_end - image_start) / BLOCK > IMAGE_L3 as u64 {
        // The image's tail would stay non-executable RAM: refuse to run half-mapped.
        super::exit::exit_vm(125);
    }

    // SAFETY: the tables are complete.
    unsafe { load(t.l1.0.as_ptr() as u64) }
}

/// Turns the MMU on with the tables the boot CPU built (another CPU's start).
///
/// # Safety
/// After `enable` on the boot CPU, on a CPU with the MMU off.
pub unsafe fn enable_secondary() {
    // SAFETY: the tables were built by `enable` and are never changed; only their
    // address is read.
    let root = unsafe { core::ptr::addr_of!(TABLES.l1) } as u64;
    // SAFETY: as the caller guarantees.
    unsafe { load(root) }
}

/// Loads `root` and the memory attributes and turns translation and the caches on.
///
/// # Safety
/// `root` must be the complete boot tables, which map the running code at its address.
unsafe fn load(root: u64) {
    // MAIR: attribute 0 Device-nGnRnE, 1 Normal write-back.
    let mair: u64 = 0xff << 8;
    // TCR: T0SZ 25 (three levels from level 1), and `TCR_WALKS`.
    let tcr: u64 = 25 | TCR_WALKS;
    // SAFETY: the tables map the code running now at its own address (identity), so
    // turning translation on continues at the next instruction; M, C, I, WXN on, the
    // alignment check (A) off as the compiler expects unaligned accesses to work.
    unsafe {
        asm!(
            "msr mair_el1, {mair}",
            "msr tcr_el1, {tcr}",
            "msr ttbr0_el1, {root}",
            "dsb ish",
            "isb",
            "tlbi vmalle1",
            "dsb ish",
            "isb",
            "mrs {s}, sctlr_el1",
            "orr {s}, {s}, {on}",
            "bic {s}, {s}, #2",
            "msr sctlr_el1, {s}",
            "isb",
            mair = in(reg) mair,
            tcr = in(reg) tcr,
            root = in(reg) root,
            on = in(reg) (1u64 << 0) | (1 << 2) | (1 << 12) | (1 << 19),
            s = out(reg) _,
            options(nostack)
        );
    }
}
