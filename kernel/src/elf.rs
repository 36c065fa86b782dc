//! Reads the image's own ELF program headers (the loaded image starts with them), which
//! tell the kernel its segments' permissions and the thread-local storage template.

/// `PT_LOAD`.
pub const PT_LOAD: u32 = 1;
/// `PT_TLS`.
pub const PT_TLS: u32 = 7;
/// The stack's permissions the program needs; PF_X when its code builds trampolines on
/// the stack (GNU C nested functions, Fortran internal procedures passed as arguments).
pub const PT_GNU_STACK: u32 = 0x6474_e551;
/// Segment flags.
pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;

/// One program header, in the fields the kernel uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub kind: u32,
    pub flags: u32,
    pub vaddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub align: u64,
}

/// Why a header is rejected.
#[derive(Debug, PartialEq, Eq)]
pub enum ElfError {
    TooShort,
    BadMagic,
    NotElf64LittleEndian,
    BadProgramHeaders,
}

/// The program headers of an ELF64 little-endian image.
pub struct ProgramHeaders<'a> {
    table: &'a [u8],
    entsize: usize,
}

fn u16_at(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}
fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

impl<'a> ProgramHeaders<'a> {
    /// `image` must start with the ELF header and cover the program header table.
    pub fn parse(image: &'a [u8]) -> Result<Self, ElfError> {
        if image.len() < 64 {
            return Err(ElfError::TooShort);
        }
        if &image[..4] != b"\x7fELF" {
            return Err(ElfError::BadMagic);
        }
        if image[4] != 2 || image[5] != 1 {
            return Err(ElfError::NotElf64LittleEndian);
        }
        let phoff = u64_at(image, 32) as usize;
        let entsize = u16_at(image, 54) as usize;
        let count = u16_at(image, 56) as usize;
        let end = entsize
            .checked_mul(count)
            .and_then(|n| n.checked_add(phoff))
            .ok_or(ElfError::BadProgramHeaders)?;
        if entsize < 56 || end > image.len() {
            return Err(ElfError::BadProgramHeaders);
        }
        Ok(Self {
            table: &image[phoff..end],
            entsize,
        })
    }

    /// The size of the ELF header plus program header table, to read them from memory.
    pub fn header_len(image_start: &[u8]) -> Option<usize> {
        if image_start.len() < 64 {
            return None;
        }
        let phoff = u64_at(image_start, 32) as usize;
        let entsize = u16_at(image_start, 54) as usize;
        let count = u16_at(image_start, 56) as usize;
        phoff.checked_add(entsize.checked_mul(count)?)
    }

    pub fn iter(&self) -> impl Iterator<Item = Segment> + '_ {
        self.table.chunks_exact(self.entsize).map(|p| Segment {
            kind: u32_at(p, 0),
            flags: u32_at(p, 4),
            vaddr: u64_at(p, 16),
            filesz: u64_at(p, 32),
            memsz: u64_at(p, 40),
            align: u64_at(p, 48),
        })
    }

    pub fn tls(&self) -> Option<Segment> {
        self.iter().find(|s| s.kind == PT_TLS)
    }

    /// Whether PT_GNU_STACK asks for an executable stack (no such header: it does not,
    /// as for the linker's default on x86-64).
    pub fn exec_stack(&self) -> bool {
        self.iter()
            .any(|s| s.kind == PT_GNU_STACK && s.flags & PF_X != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn image(phdrs: &[(u32, u32, u64, u64, u64, u64)]) -> Vec<u8> {
        let mut b = vec![0u8; 64];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = 2;
        b[5] = 1;
        b[32..40].copy_from_slice(&64u64.to_le_bytes());
        b[54..56].copy_from_slice(&56u16.to_le_bytes());
        b[56..58].copy_from_slice(&(phdrs.len() as u16).to_le_bytes());
        for &(kind, flags, vaddr, filesz, memsz, align) in phdrs {
            let mut p = vec![0u8; 56];
            p[0..4].copy_from_slice(&kind.to_le_bytes());
            p[4..8].copy_from_slice(&flags.to_le_bytes());
            p[16..24].copy_from_slice(&vaddr.to_le_bytes());
            p[32..40].copy_from_slice(&filesz.to_le_bytes());
            p[40..48].copy_from_slice(&memsz.to_le_bytes());
            p[48..56].copy_from_slice(&align.to_le_bytes());
            b.extend(p);
        }
        b
    }

    #[test]
    fn finds_segments_and_tls() {
        let img = image(&[
            (PT_LOAD, 4, 0x200000, 0x100, 0x100, 0x1000),
            (PT_TLS, 4, 0x201000, 8, 40, 8),
        ]);
        let ph = ProgramHeaders::parse(&img).unwrap();
        assert_eq!(ph.iter().count(), 2);
        assert_eq!(ProgramHeaders::header_len(&img), Some(64 + 112));
        let tls = ph.tls().unwrap();
        assert_eq!((tls.filesz, tls.memsz, tls.align), (8, 40, 8));
    }

    #[test]
    fn exec_stack_only_when_pt_gnu_stack_says_so() {
        let load = (PT_LOAD, 5, 0x200000, 0x100, 0x100, 0x1000);
        let rw = ProgramHeaders::parse(&image(&[load, (PT_GNU_STACK, 6, 0, 0, 0, 16)]))
            .unwrap()
            .exec_stack();
        let rwx = ProgramHeaders::parse(&image(&[load, (PT_GNU_STACK, 7, 0, 0, 0, 16)]))
            .unwrap()
            .exec_stack();
        let none = ProgramHeaders::parse(&image(&[load])).unwrap().exec_stack();
        assert_eq!((rw, rwx, none), (false, true, false));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(
            ProgramHeaders::parse(&[0u8; 10]).err(),
            Some(ElfError::TooShort)
        );
        assert_eq!(
            ProgramHeaders::parse(&[0u8; 64]).err(),
            Some(ElfError::BadMagic)
        );
        let mut img = image(&[(PT_LOAD, 4, 0, 0, 0, 0)]);
        img[56] = 200; // more headers than the buffer holds
        assert_eq!(
            ProgramHeaders::parse(&img).err(),
            Some(ElfError::BadProgramHeaders)
        );
        img[4] = 1;
        assert_eq!(
            ProgramHeaders::parse(&img).err(),
            Some(ElfError::NotElf64LittleEndian)
        );
    }
}
