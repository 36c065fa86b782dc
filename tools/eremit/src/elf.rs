//! The runner's one ELF reader: the file header, the program and section header
//! tables of a little-endian ELF64 file, and bytes at an offset. `image` (can QEMU
//! boot it, where do its segments end) and `symbols` (names for addresses in a crash
//! report) read images through it.
//!
//! Sizes and counts come from the file, which may be anything: every read is bounded
//! ([`MAX_READ`]) and a short one is an error, never a panic.

use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};

pub const EI_CLASS: usize = 4;
pub const EI_DATA: usize = 5;
pub const ELFCLASS64: u8 = 2;
pub const ELFDATA2LSB: u8 = 1;
pub const EM_X86_64: u16 = 62;
pub const EM_AARCH64: u16 = 183;
pub const EHDR_SIZE: usize = 64;
pub const PHDR_SIZE: usize = 56;
pub const SHDR_SIZE: usize = 64;
pub const PT_LOAD: u32 = 1;
pub const PT_NOTE: u32 = 4;
pub const SHT_SYMTAB: u32 = 2;
/// Largest single read (a table, a segment): 1 GiB.
pub const MAX_READ: u64 = 1 << 30;
/// Largest number of program headers looked at.
const MAX_PHDRS: u16 = 1024;
/// Largest section header table read (sections).
const MAX_SECTIONS: u64 = 1 << 20;

/// Why a file could not be read as ELF64.
#[derive(Debug)]
pub enum ElfError {
    /// Reading the file failed.
    Io(io::Error),
    /// The file is not what it should be; the text says how.
    Malformed(String),
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElfError::Io(e) => write!(f, "{e}"),
            ElfError::Malformed(why) => f.write_str(why),
        }
    }
}

impl From<ElfError> for io::Error {
    fn from(e: ElfError) -> io::Error {
        match e {
            ElfError::Io(e) => e,
            ElfError::Malformed(why) => io::Error::new(io::ErrorKind::InvalidData, why),
        }
    }
}

fn malformed<T>(why: impl Into<String>) -> Result<T, ElfError> {
    Err(ElfError::Malformed(why.into()))
}

pub fn u16_at(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

pub fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().expect("4 bytes"))
}

pub fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().expect("8 bytes"))
}

/// Reads exactly `len` bytes at `offset`; more than [`MAX_READ`] or a file that ends
/// first is malformed (`what` names the part in the message). The buffer grows with
/// what is read, so a huge `len` from a short file allocates nothing much.
pub fn read_at<R: Read + Seek>(
    r: &mut R,
    offset: u64,
    len: u64,
    what: &str,
) -> Result<Vec<u8>, ElfError> {
    if len > MAX_READ {
        return malformed(format!("{what} too large ({len} bytes)"));
    }
    r.seek(SeekFrom::Start(offset)).map_err(ElfError::Io)?;
    let mut buf = Vec::new();
    r.take(len).read_to_end(&mut buf).map_err(ElfError::Io)?;
    if buf.len() as u64 != len {
        return malformed(format!("file is truncated ({what})"));
    }
    Ok(buf)
}

/// The fields of the ELF64 file header that the runner uses.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub machine: u16,
    pub phoff: u64,
    pub phentsize: u16,
    pub phnum: u16,
    pub shoff: u64,
    pub shentsize: u16,
    pub shnum: u16,
}

/// Reads and checks the file header: an ELF file, 64-bit, little-endian (any machine).
pub fn header<R: Read + Seek>(r: &mut R) -> Result<Header, ElfError> {
    r.seek(SeekFrom::Start(0)).map_err(ElfError::Io)?;
    let mut ehdr = Vec::new();
    r.take(EHDR_SIZE as u64)
        .read_to_end(&mut ehdr)
        .map_err(ElfError::Io)?;
    if ehdr.len() < 4 || &ehdr[..4] != b"\x7fELF" {
        return malformed("not an ELF file");
    }
    if ehdr.len() < EHDR_SIZE || ehdr[EI_CLASS] != ELFCLASS64 {
        return malformed("not a 64-bit ELF file");
    }
    if ehdr[EI_DATA] != ELFDATA2LSB {
        return malformed("not a little-endian ELF file");
    }
    Ok(Header {
        machine: u16_at(&ehdr, 18),
        phoff: u64_at(&ehdr, 32),
        shoff: u64_at(&ehdr, 40),
        phentsize: u16_at(&ehdr, 54),
        phnum: u16_at(&ehdr, 56),
        shentsize: u16_at(&ehdr, 58),
        shnum: u16_at(&ehdr, 60),
    })
}

/// A program header (segment), the fields the runner uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub kind: u32,
    pub offset: u64,
    pub paddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub align: u64,
}

/// The program header table (at most 1024 entries); a file without one is malformed.
pub fn segments<R: Read + Seek>(r: &mut R, h: &Header) -> Result<Vec<Segment>, ElfError> {
    if h.phnum == 0 || h.phoff == 0 {
        return malformed("no program headers");
    }
    if usize::from(h.phentsize) < PHDR_SIZE {
        return malformed("bad program header size");
    }
    let count = u64::from(h.phnum.min(MAX_PHDRS));
    let table = read_at(
        r,
        h.phoff,
        u64::from(h.phentsize) * count,
        "program headers",
    )?;
    Ok(table
        .chunks_exact(usize::from(h.phentsize))
        .map(|p| Segment {
            kind: u32_at(p, 0),
            offset: u64_at(p, 8),
            paddr: u64_at(p, 24),
            filesz: u64_at(p, 32),
            memsz: u64_at(p, 40),
            align: u64_at(p, 48),
        })
        .collect())
}

/// A section header, the fields the runner uses.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub kind: u32,
    pub flags: u64,
    pub addr: u64,
    pub offset: u64,
    pub size: u64,
    pub link: u32,
}

fn parse_section(b: &[u8]) -> Section {
    Section {
        kind: u32_at(b, 4),
        flags: u64_at(b, 8),
        addr: u64_at(b, 16),
        offset: u64_at(b, 24),
        size: u64_at(b, 32),
        link: u32_at(b, 40),
    }
}

/// The section header table; empty when the file has none.
pub fn sections<R: Read + Seek>(r: &mut R, h: &Header) -> Result<Vec<Section>, ElfError> {
    if h.shoff == 0 {
        return Ok(Vec::new());
    }
    let entsize = u64::from(h.shentsize);
    if entsize < SHDR_SIZE as u64 {
        return malformed("bad section header size");
    }
    let mut count = u64::from(h.shnum);
    if count == 0 {
        // More sections than fit in `e_shnum`: the count is in section 0.
        let first = read_at(r, h.shoff, SHDR_SIZE as u64, "section headers")?;
        count = parse_section(&first).size;
    }
    if count > MAX_SECTIONS {
        return malformed("too many sections");
    }
    let table = read_at(r, h.shoff, count * entsize, "section headers")?;
    Ok(table
        .chunks_exact(entsize as usize)
        .map(parse_section)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn ehdr(class: u8, data: u8) -> Vec<u8> {
        let mut v = vec![0u8; EHDR_SIZE];
        v[..4].copy_from_slice(b"\x7fELF");
        v[EI_CLASS] = class;
        v[EI_DATA] = data;
        v
    }

    fn why<T: fmt::Debug>(r: Result<T, ElfError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn header_checks() {
        let read = |b: &[u8]| header(&mut Cursor::new(b.to_vec()));
        assert!(why(read(b"")).contains("not an ELF"));
        assert!(why(read(b"MZ\x90\x00 not elf")).contains("not an ELF"));
        assert!(why(read(b"\x7fELF\x02\x01")).contains("64-bit"));
        assert!(why(read(&ehdr(1, ELFDATA2LSB))).contains("64-bit"));
        assert!(why(read(&ehdr(ELFCLASS64, 2))).contains("little-endian"));
        let mut v = ehdr(ELFCLASS64, ELFDATA2LSB);
        v[18..20].copy_from_slice(&EM_X86_64.to_le_bytes());
        v[40..48].copy_from_slice(&0x1234u64.to_le_bytes());
        v[60..62].copy_from_slice(&7u16.to_le_bytes());
        let h = read(&v).unwrap();
        assert_eq!((h.machine, h.shoff, h.shnum), (EM_X86_64, 0x1234, 7));
    }

    #[test]
    fn read_at_is_bounded_and_exact() {
        let mut c = Cursor::new(vec![1u8, 2, 3, 4]);
        assert_eq!(read_at(&mut c, 1, 2, "x").unwrap(), vec![2, 3]);
        assert!(why(read_at(&mut c, 2, 8, "table")).contains("truncated (table)"));
        assert!(why(read_at(&mut c, 0, u64::MAX, "table")).contains("too large"));
        assert!(why(read_at(&mut c, u64::MAX, 1, "table")).contains("truncated"));
    }

    #[test]
    fn tables_from_garbage_sizes() {
        let mut v = ehdr(ELFCLASS64, ELFDATA2LSB);
        let h = |v: &[u8]| header(&mut Cursor::new(v.to_vec())).unwrap();
        assert!(why(segments(&mut Cursor::new(v.clone()), &h(&v))).contains("no program headers"));
        assert!(
            sections(&mut Cursor::new(v.clone()), &h(&v))
                .unwrap()
                .is_empty()
        );
        // Tables far beyond the end of the file, with the largest counts.
        v[32..40].copy_from_slice(&u64::MAX.to_le_bytes());
        v[54..56].copy_from_slice(&u16::MAX.to_le_bytes());
        v[56..58].copy_from_slice(&u16::MAX.to_le_bytes());
        v[40..48].copy_from_slice(&(1u64 << 62).to_le_bytes());
        v[58..60].copy_from_slice(&u16::MAX.to_le_bytes());
        v[60..62].copy_from_slice(&u16::MAX.to_le_bytes());
        assert!(segments(&mut Cursor::new(v.clone()), &h(&v)).is_err());
        assert!(sections(&mut Cursor::new(v.clone()), &h(&v)).is_err());
        // Entries smaller than the format's.
        v[54..56].copy_from_slice(&8u16.to_le_bytes());
        v[58..60].copy_from_slice(&8u16.to_le_bytes());
        assert!(why(segments(&mut Cursor::new(v.clone()), &h(&v))).contains("size"));
        assert!(why(sections(&mut Cursor::new(v.clone()), &h(&v))).contains("size"));
    }
}
