//! The hardware form of page-table entries. `page_table::Mapper` speaks x86-64's entry
//! format (its flags, `PRESENT`, `WRITABLE`, `NO_EXECUTE`, ..., are the kernel's
//! vocabulary for mappings); on aarch64 every entry is written as the VMSAv8-64
//! descriptor with the same meaning and read back into that form. Both layouts have four
//! levels of 512 entries over 4 KiB pages with 2 MiB blocks one level up, so only the
//! entries differ.

use super::page_table::{
    ADDR_MASK, HUGE_PAGE, NO_CACHE, NO_EXECUTE, PRESENT, WRITABLE, WRITE_THROUGH,
};

pub const VALID: u64 = 1;
/// Levels 3-1 (root to page directory): a table, not a block; level 0: a page.
pub const TABLE_OR_PAGE: u64 = 1 << 1;
/// `AttrIndx` 1: normal write-back memory (`MAIR_EL1` attribute 1); 0: Device-nGnRnE.
pub const ATTR_NORMAL: u64 = 1 << 2;
const ATTR_MASK: u64 = 7 << 2;
pub const READ_ONLY: u64 = 1 << 7;
pub const INNER_SHAREABLE: u64 = 3 << 8;
pub const ACCESSED: u64 = 1 << 10;
pub const PXN: u64 = 1 << 53;
pub const UXN: u64 = 1 << 54;

/// Whether an entry at `level` (0: page table ... 3: root) in x86-64 form is a leaf.
fn is_leaf(level: u32, e: u64) -> bool {
    level == 0 || (level == 1 && e & HUGE_PAGE != 0)
}

/// The VMSAv8-64 descriptor for x86-64-form entry `e` at `level`.
pub fn to_vmsa(level: u32, e: u64) -> u64 {
    if e & PRESENT == 0 {
        return 0;
    }
    let addr = e & ADDR_MASK;
    if !is_leaf(level, e) {
        return addr | VALID | TABLE_OR_PAGE;
    }
    let mut d = addr | VALID | ACCESSED;
    if level == 0 {
        d |= TABLE_OR_PAGE;
    }
    if e & NO_CACHE == 0 {
        d |= ATTR_NORMAL | INNER_SHAREABLE;
    }
    if e & WRITABLE == 0 {
        d |= READ_ONLY;
    }
    if e & NO_EXECUTE != 0 {
        d |= PXN | UXN;
    }
    d
}

/// The x86-64-form entry for VMSAv8-64 descriptor `d` at `level` (`to_vmsa` undone).
pub fn from_vmsa(level: u32, d: u64) -> u64 {
    if d & VALID == 0 {
        return 0;
    }
    let addr = d & ADDR_MASK;
    let leaf = level == 0 || d & TABLE_OR_PAGE == 0;
    if !leaf {
        return addr | PRESENT | WRITABLE;
    }
    let mut e = addr | PRESENT;
    if level == 1 {
        e |= HUGE_PAGE;
    }
    if d & ATTR_MASK != ATTR_NORMAL {
        e |= NO_CACHE | WRITE_THROUGH;
    }
    if d & READ_ONLY == 0 {
        e |= WRITABLE;
    }
    if d & (PXN | UXN) != 0 {
        e |= NO_EXECUTE;
    }
    e
}

/// The entry as the running architecture's hardware reads it.
#[cfg(target_arch = "aarch64")]
pub use self::{from_vmsa as decode, to_vmsa as encode};

/// The entry as the running architecture's hardware reads it: x86-64's own form.
#[cfg(not(target_arch = "aarch64"))]
pub fn encode(_level: u32, e: u64) -> u64 {
    e
}
#[cfg(not(target_arch = "aarch64"))]
pub fn decode(_level: u32, e: u64) -> u64 {
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_kind_of_entry() {
        let cases = [
            (3, 0x5000 | PRESENT | WRITABLE), // table
            (1, 0x20_0000 | PRESENT | HUGE_PAGE | WRITABLE | NO_EXECUTE), // RAM block
            (0, 0x4020_1000 | PRESENT),       // code page
            (0, 0x4030_0000 | PRESENT | NO_EXECUTE), // rodata
            (0, 0x4030_1000 | PRESENT | WRITABLE | NO_EXECUTE), // data
            (
                0,
                0x0900_0000 | PRESENT | WRITABLE | NO_EXECUTE | NO_CACHE | WRITE_THROUGH,
            ), // MMIO
            (
                1,
                0x0800_0000
                    | PRESENT
                    | HUGE_PAGE
                    | WRITABLE
                    | NO_EXECUTE
                    | NO_CACHE
                    | WRITE_THROUGH,
            ),
        ];
        for (level, e) in cases {
            assert_eq!(
                from_vmsa(level, to_vmsa(level, e)),
                e,
                "level {level}, {e:#x}"
            );
        }
        assert_eq!(to_vmsa(0, 0), 0);
        assert_eq!(from_vmsa(2, 0), 0);
    }

    #[test]
    fn descriptors_mean_what_the_flags_say() {
        // A table: valid, table bit.
        assert_eq!(to_vmsa(2, 0x7000 | PRESENT | WRITABLE), 0x7000 | 0b11);
        // A 2 MiB block: bit 1 clear, accessed, normal memory.
        let b = to_vmsa(1, 0x4000_0000 | PRESENT | HUGE_PAGE | WRITABLE | NO_EXECUTE);
        assert_eq!(b & 0b11, 0b01);
        assert_ne!(b & ACCESSED, 0);
        assert_eq!(b & ATTR_MASK, ATTR_NORMAL);
        assert_eq!(b & READ_ONLY, 0);
        assert_eq!(b & (PXN | UXN), PXN | UXN);
        // Code: a page, read-only, executable.
        let c = to_vmsa(0, 0x4020_0000 | PRESENT);
        assert_eq!(c & 0b11, 0b11);
        assert_ne!(c & READ_ONLY, 0);
        assert_eq!(c & (PXN | UXN), 0);
        // MMIO: device memory.
        let m = to_vmsa(
            0,
            0x0900_0000 | PRESENT | WRITABLE | NO_CACHE | WRITE_THROUGH,
        );
        assert_eq!(m & ATTR_MASK, 0);
    }
}
