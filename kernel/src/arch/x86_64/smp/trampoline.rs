//! The parameters of the application-processor trampoline (`trampoline.s`).
//!
//! An AP starts in real mode at a page below 1 MiB (the start-up IPI's vector). The boot
//! CPU copies the trampoline's code there and writes a `Params` block right after it:
//! a GDT for the mode switches, the far pointers into the 32- and 64-bit parts (absolute
//! addresses are only known once the copy's address is), CR3, the Rust entry, and one slot
//! per AP (APIC ID, stack top, a "started" flag). Each AP finds its slot by its APIC ID,
//! so all of them can start at once. The assembly reads the fields at the offsets of this
//! struct (passed to it as constants), so the layout is defined here only.

use core::mem::{offset_of, size_of};

/// xAPIC IDs are 8 bits and 0xff is the broadcast address: at most 255 CPUs.

pub const MAX_CPUS: usize = 255;
pub const MAX_APS: usize = MAX_CPUS - 1;
pub const PAGE: usize = 4096;

/// Selectors of the trampoline's GDT.
pub const CODE32: u16 = 0x08;
pub const DATA: u16 = 0x10;
pub const CODE64: u16 = 0x18;
const GDT: [u64; 4] = [
    0,
    0x00cf_9a00_0000_ffff, // 32-bit code, flat
    0x00cf_9200_0000_ffff, // data, flat
    0x00af_9a00_0000_ffff, // 64-bit code
];

/// An `m16:32` operand of an indirect far jump.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FarPointer {
    pub offset: u32,
    pub selector: u16,
    pub pad: u16,
}

/// The block after the trampoline's code. Every byte is a field (no implicit padding),
/// so the block can be copied as plain data.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Params {
    pub gdt: [u64; 4],
    /// `lgdt` operand: limit, then the 32-bit base as two halves.
    pub gdtr: [u16; 4],
    pub far32: FarPointer,
    pub far64: FarPointer,
    /// `extern "C" fn(cpu: usize, stack_top: u64) -> !`, called on the AP's stack.
    pub entry: u64,
    /// Physical address of the kernel's PML4 (loaded in 32-bit mode, so below 4 GiB).
    pub cr3: u32,
    /// Slots in use.
    pub count: u32,
    pub apic_ids: [u8; MAX_APS],
    /// Set to 1 by the AP as soon as it has found its slot (still in real mode).
    pub started: [u8; MAX_APS],
    pub pad: [u8; 4],
    pub stacks: [u64; MAX_APS],
}

const _: () = assert!(offset_of!(Params, stacks) % 8 == 0);
const _: () = assert!(
    size_of::<Params>() == offset_of!(Params, stacks) + 8 * MAX_APS,
    "no padding after the last field"
);
const _: () = assert!(offset_of!(Params, started) + MAX_APS + 4 == offset_of!(Params, stacks));

/// Field offsets for the assembly.
pub mod offsets {
    use super::Params;
    use core::mem::offset_of;
    pub const GDTR: usize = offset_of!(Params, gdtr);
    pub const FAR32: usize = offset_of!(Params, far32);
    pub const FAR64: usize = offset_of!(Params, far64);
    pub const ENTRY: usize = offset_of!(Params, entry);
    pub const CR3: usize = offset_of!(Params, cr3);
    pub const COUNT: usize = offset_of!(Params, count);
    pub const APIC_IDS: usize = offset_of!(Params, apic_ids);
    pub const STARTED: usize = offset_of!(Params, started);
    pub const STACKS: usize = offset_of!(Params, stacks);
}

/// Where the trampoline's pieces are, in bytes from its first instruction.
#[derive(Debug, Clone, Copy)]
pub struct CodeLayout {
    /// Length of the code; the `Params` block starts here.
    pub len: usize,
    /// The 32-bit protected-mode part.
    pub pm32: usize,
    /// The 64-bit part.
    pub lm64: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// The page is not page-aligned, is page 0, or is not below 1 MiB.
    Misplaced,
    /// Code and parameters do not fit in one page.
    TooLarge,
    TooManyAps,
    /// The page tables are not below 4 GiB.
    TablesTooHigh,
}

/// The start-up IPI's vector for a trampoline at `base`: real mode starts at
/// `vector << 12`.
pub fn sipi_vector(base: u64) -> Result<u8, Error> {
    if !base.is_multiple_of(PAGE as u64) || base == 0 || base >= 1 << 20 {
        return Err(Error::Misplaced);
    }
    Ok((base >> 12) as u8)
}

impl Params {
    /// The block for a trampoline copied to `base`, with no AP slots yet.
    pub fn new(base: u64, code: &CodeLayout, cr3: u64, entry: u64) -> Result<Self, Error> {
        sipi_vector(base)?;
        if !code.len.is_multiple_of(8) || code.len + size_of::<Self>() > PAGE {
            return Err(Error::TooLarge);
        }
        let cr3 = u32::try_from(cr3).map_err(|_| Error::TablesTooHigh)?;
        // Below 1 MiB (checked above), so all these fit in 32 bits.
        let at = |offset: usize| (base + offset as u64) as u32;
        let gdt_base = at(code.len + offset_of!(Params, gdt));
        Ok(Self {
            gdt: GDT,
            gdtr: [
                (size_of::<[u64; 4]>() - 1) as u16,
                gdt_base as u16,
                (gdt_base >> 16) as u16,
                0,
            ],
            far32: FarPointer {
                offset: at(code.pm32),
                selector: CODE32,
                pad: 0,
            },
            far64: FarPointer {
                offset: at(code.lm64),
                selector: CODE64,
                pad: 0,
            },
            entry,
            cr3,
            count: 0,
            apic_ids: [0; MAX_APS],
            started: [0; MAX_APS],
            pad: [0; 4],
            stacks: [0; MAX_APS],
        })
    }

    /// Whether another slot can be added.
    pub fn has_room(&self) -> Result<(), Error> {
        if (self.count as usize) < MAX_APS {
            Ok(())
        } else {
            Err(Error::TooManyAps)
        }
    }

    /// Adds a slot: the AP with APIC ID `apic_id` will run on the stack below
    /// `stack_top` as CPU `slot + 1`. Returns the slot. Panics when full (`has_room`).
    pub fn add_ap(&mut self, apic_id: u8, stack_top: u64) -> usize {
        let slot = self.count as usize;
        self.apic_ids[slot] = apic_id;
        self.stacks[slot] = stack_top;
        self.count += 1;
        slot
    }

    /// The APIC IDs of the slots in use.
    pub fn apic_ids(&self) -> &[u8] {
        &self.apic_ids[..self.count as usize]
    }
}

/// Offset from the trampoline's start of slot `slot`'s "started" flag.
pub fn started_offset(code: &CodeLayout, slot: usize) -> usize {
    code.len + offsets::STARTED + slot
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: CodeLayout = CodeLayout {
        len: 0xa0,
        pm32: 0x40,
        lm64: 0x70,
    };

    fn params(n: usize) -> Params {
        let mut p = Params::new(0x8000, &CODE, 0x23_4000, 0x20_1234).unwrap();
        for i in 0..n {
            let slot = p.add_ap(i as u8 + 1, 0x100_0000 * (i as u64 + 1));
            assert_eq!(slot, i);
        }
        p
    }

    #[test]
    fn addresses_are_patched_for_the_copy() {
        let p = params(3);
        let gdt_base = 0x8000 + 0xa0 + offset_of!(Params, gdt) as u32;
        assert_eq!(p.gdtr[0], 31);
        assert_eq!(p.gdtr[1] as u32 | (p.gdtr[2] as u32) << 16, gdt_base);
        assert_eq!(
            p.far32,
            FarPointer {
                offset: 0x8040,
                selector: CODE32,
                pad: 0
            }
        );
        assert_eq!(
            p.far64,
            FarPointer {
                offset: 0x8070,
                selector: CODE64,
                pad: 0
            }
        );
        assert_eq!(p.gdt[(CODE64 / 8) as usize] >> 53 & 1, 1, "long-mode code");
        assert_eq!(p.gdt[(DATA / 8) as usize] >> 40 & 0xff, 0x92);
        assert_eq!((p.cr3, p.entry, p.count), (0x23_4000, 0x20_1234, 3));
        assert_eq!(p.apic_ids(), &[1, 2, 3]);
        assert_eq!(p.apic_ids[3], 0);
        assert_eq!(&p.stacks[..3], &[0x100_0000, 0x200_0000, 0x300_0000]);
        assert!(p.started.iter().all(|&s| s == 0));
    }

    #[test]
    fn the_lgdt_operand_is_limit_then_base() {
        // lgdt reads a 16-bit limit at +0 and the base at +2, which the u16 halves match.
        assert_eq!(offsets::GDTR % 2, 0);
        assert_eq!(offsets::FAR32 % 4, 0);
        assert_eq!(offsets::STACKS % 8, 0);
        assert_eq!(started_offset(&CODE, 2), 0xa0 + offsets::STARTED + 2);
    }

    #[test]
    fn fits_a_page_with_room_for_the_code() {
        assert!(
            size_of::<Params>() + 1024 <= PAGE,
            "{}",
            size_of::<Params>()
        );
    }

    #[test]
    fn rejects_what_cannot_work() {
        let err = |base, code: &CodeLayout, cr3| Params::new(base, code, cr3, 0).err();
        assert_eq!(err(0x8000, &CODE, 0x1000), None);
        assert_eq!(err(0x8100, &CODE, 0x1000), Some(Error::Misplaced));
        assert_eq!(err(0, &CODE, 0x1000), Some(Error::Misplaced));
        assert_eq!(err(0x10_0000, &CODE, 0x1000), Some(Error::Misplaced));
        assert_eq!(err(0x8000, &CODE, 1 << 32), Some(Error::TablesTooHigh));
        let big = CodeLayout { len: 2048, ..CODE };
        assert_eq!(err(0x8000, &big, 0x1000), Some(Error::TooLarge));
        let odd = CodeLayout { len: 0xa4, ..CODE };
        assert_eq!(err(0x8000, &odd, 0x1000), Some(Error::TooLarge));
        assert_eq!(params(MAX_APS - 1).has_room(), Ok(()));
        assert_eq!(params(MAX_APS).has_room(), Err(Error::TooManyAps));
    }

    #[test]
    fn sipi_vector_is_the_page_number() {
        assert_eq!(sipi_vector(0x8000), Ok(0x08));
        assert_eq!(sipi_vector(0x9f000), Ok(0x9f));
    }
}
