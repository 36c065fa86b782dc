//! Function names for code addresses, from an ELF64 image's `.symtab` and the
//! string table it links to. The image is linked at its run address, so symbol
//! values are used as they are.
//!
//! A symbol covers `[value, value + size)` when it has a size; a `FUNC` or
//! `NOTYPE` symbol without one (an assembly label) covers everything up to the
//! next symbol or the end of its section. Only symbols in executable sections
//! are kept.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use crate::elf::{self, SHT_SYMTAB, Section, u16_at, u32_at, u64_at};

const SYM_SIZE: usize = 24;
const SHF_EXECINSTR: u64 = 0x4;
const STT_NOTYPE: u8 = 0;
const STT_FUNC: u8 = 2;
const STB_LOCAL: u8 = 0;
/// Section indices from here up are reserved (`SHN_LORESERVE`).
const SHN_LORESERVE: u16 = 0xff00;
/// How many symbols starting at or below an address are tried, nearest first.
const LOOKBACK: usize = 16;

/// One covered address range.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u64,
    end: u64,
    /// Offset of the NUL-terminated name in the string table.
    name: usize,
    /// Among symbols at the same address, the higher wins.
    rank: u8,
}

/// The symbols of one image, sorted for lookup.
#[derive(Debug)]
pub struct SymbolTable {
    entries: Vec<Entry>,
    strings: Vec<u8>,
}

/// The symbol an address falls into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol<'a> {
    /// The raw (mangled) name.
    pub name: &'a [u8],
    /// Its start address.
    pub start: u64,
}

impl Symbol<'_> {
    /// The name for people: Rust names demangled without their hash, other
    /// names as they are.
    pub fn display_name(&self) -> String {
        let raw = String::from_utf8_lossy(self.name);
        format!("{:#}", rustc_demangle::demangle(&raw))
    }
}

impl SymbolTable {
    /// Loads the symbols of the image at `path`; `Ok(None)` when it has no
    /// `.symtab` (a stripped image).
    pub fn load(path: &Path) -> io::Result<Option<SymbolTable>> {
        Self::read(&mut BufReader::new(File::open(path)?))
    }

    /// Reads the symbols of the ELF64 file in `r`; `Ok(None)` when it has no
    /// `.symtab`.
    pub fn read<R: Read + Seek>(r: &mut R) -> io::Result<Option<SymbolTable>> {
        let header = elf::header(r)?;
        let sections = elf::sections(r, &header)?;
        let Some(symtab) = sections.iter().find(|s| s.kind == SHT_SYMTAB) else {
            return Ok(None);
        };
        let strtab = sections
            .get(symtab.link as usize)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad string table link"))?;
        let symbols = elf::read_at(r, symtab.offset, symtab.size, "symbol table")?;
        let strings = elf::read_at(r, strtab.offset, strtab.size, "string table")?;
        let entries = build_entries(&symbols, &strings, &sections);
        Ok(Some(SymbolTable { entries, strings }))
    }

    /// The symbol that `addr` falls into, if any.
    pub fn lookup(&self, addr: u64) -> Option<Symbol<'_>> {
        let below = self.entries.partition_point(|e| e.start <= addr);
        self.entries[..below]
            .iter()
            .rev()
            .take(LOOKBACK)
            .find(|e| addr < e.end)
            .map(|e| self.symbol(e))
    }

    fn symbol(&self, e: &Entry) -> Symbol<'_> {
        let rest = &self.strings[e.name..];
        let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        Symbol {
            name: &rest[..len],
            start: e.start,
        }
    }

    /// A table of sized functions `(name, start, size)`, for tests elsewhere.
    #[cfg(test)]
    pub(crate) fn from_functions(functions: &[(&str, u64, u64)]) -> SymbolTable {
        let mut strings = vec![0u8];
        let mut entries = Vec::new();
        for &(name, start, size) in functions {
            entries.push(Entry {
                start,
                end: start + size,
                name: strings.len(),
                rank: 7,
            });
            strings.extend_from_slice(name.as_bytes());
            strings.push(0);
        }
        entries.sort_by_key(|e| e.start);
        SymbolTable { entries, strings }
    }

    /// Every kept symbol, in address order.
    #[cfg(test)]
    fn symbols(&self) -> impl Iterator<Item = Symbol<'_>> {
        self.entries.iter().map(|e| self.symbol(e))
    }
}

/// Picks the code symbols out of a raw symbol table and works out the range
/// each covers. The result is sorted by start, then rank.
fn build_entries(symbols: &[u8], strings: &[u8], sections: &[Section]) -> Vec<Entry> {
    // (entry, end of its section) for symbols without a size, whose end comes later.
    let mut kept: Vec<(Entry, Option<u64>)> = Vec::new();
    for sym in symbols.chunks_exact(SYM_SIZE).skip(1) {
        let name = u32_at(sym, 0) as usize;
        let info = sym[4];
        let shndx = u16_at(sym, 6);
        let value = u64_at(sym, 8);
        let size = u64_at(sym, 16);
        let (kind, binding) = (info & 0xf, info >> 4);
        if kind != STT_FUNC && kind != STT_NOTYPE {
            continue;
        }
        if name == 0 || name >= strings.len() || strings[name] == 0 {
            continue;
        }
        if shndx == 0 || shndx >= SHN_LORESERVE {
            continue;
        }
        let Some(section) = sections.get(usize::from(shndx)) else {
            continue;
        };
        if section.flags & SHF_EXECINSTR == 0 {
            continue;
        }
        let rank = (u8::from(size > 0) << 2)
            | (u8::from(kind == STT_FUNC) << 1)
            | u8::from(binding != STB_LOCAL);
        let section_end = section.addr.saturating_add(section.size);
        if size > 0 {
            let end = value.saturating_add(size);
            kept.push((
                Entry {
                    start: value,
                    end,
                    name,
                    rank,
                },
                None,
            ));
        } else if value >= section.addr && value < section_end {
            let entry = Entry {
                start: value,
                end: value,
                name,
                rank,
            };
            kept.push((entry, Some(section_end)));
        }
    }
    kept.sort_by_key(|(e, _)| (e.start, e.rank));
    let starts: Vec<u64> = kept.iter().map(|(e, _)| e.start).collect();
    kept.into_iter()
        .map(|(mut e, section_end)| {
            if let Some(section_end) = section_end {
                let next = starts.partition_point(|&s| s <= e.start);
                e.end = starts
                    .get(next)
                    .map_or(section_end, |&s| s.min(section_end));
            }
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::{EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, SHDR_SIZE};
    use std::io::Cursor;
    use std::process::Command;

    const TEXT: u64 = 0x20_0000;
    const TEXT_SIZE: u64 = 0x1000;
    const DATA: u64 = 0x30_0000;

    /// A symbol for `elf`: name, type, binding, section index, value, size.
    type Sym<'a> = (&'a str, u8, u8, u16, u64, u64);

    /// A minimal ELF64 file: sections NULL, .text (executable), .data,
    /// .symtab, .strtab; `with_symtab` false leaves the last two out.
    fn elf(syms: &[Sym], with_symtab: bool) -> Vec<u8> {
        let mut strtab = vec![0u8];
        let mut symtab = vec![0u8; SYM_SIZE];
        for &(name, kind, binding, shndx, value, size) in syms {
            let name_off = strtab.len() as u32;
            strtab.extend_from_slice(name.as_bytes());
            strtab.push(0);
            symtab.extend_from_slice(&name_off.to_le_bytes());
            symtab.push((binding << 4) | kind);
            symtab.push(0);
            symtab.extend_from_slice(&shndx.to_le_bytes());
            symtab.extend_from_slice(&value.to_le_bytes());
            symtab.extend_from_slice(&size.to_le_bytes());
        }
        let symtab_off = EHDR_SIZE as u64;
        let strtab_off = symtab_off + symtab.len() as u64;
        let shoff = strtab_off + strtab.len() as u64;
        let shnum: u16 = if with_symtab { 5 } else { 3 };

        let mut out = vec![0u8; EHDR_SIZE];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = ELFCLASS64;
        out[5] = ELFDATA2LSB;
        out[6] = 1;
        out[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
        out[0x3a..0x3c].copy_from_slice(&(SHDR_SIZE as u16).to_le_bytes());
        out[0x3c..0x3e].copy_from_slice(&shnum.to_le_bytes());
        out.extend_from_slice(&symtab);
        out.extend_from_slice(&strtab);
        let mut shdr = |kind: u32, flags: u64, addr: u64, offset: u64, size: u64, link: u32| {
            let mut h = [0u8; SHDR_SIZE];
            h[4..8].copy_from_slice(&kind.to_le_bytes());
            h[8..16].copy_from_slice(&flags.to_le_bytes());
            h[16..24].copy_from_slice(&addr.to_le_bytes());
            h[24..32].copy_from_slice(&offset.to_le_bytes());
            h[32..40].copy_from_slice(&size.to_le_bytes());
            h[40..44].copy_from_slice(&link.to_le_bytes());
            out.extend_from_slice(&h);
        };
        shdr(0, 0, 0, 0, 0, 0);
        shdr(1, 0x6, TEXT, 0, TEXT_SIZE, 0);
        shdr(1, 0x3, DATA, 0, 0x100, 0);
        if with_symtab {
            shdr(SHT_SYMTAB, 0, 0, symtab_off, symtab.len() as u64, 4);
            shdr(3, 0, 0, strtab_off, strtab.len() as u64, 0);
        }
        out
    }

    fn table(syms: &[Sym]) -> SymbolTable {
        SymbolTable::read(&mut Cursor::new(elf(syms, true)))
            .expect("valid ELF")
            .expect("has a symbol table")
    }

    fn name_at(t: &SymbolTable, addr: u64) -> Option<(String, u64)> {
        t.lookup(addr)
            .map(|s| (String::from_utf8_lossy(s.name).into_owned(), addr - s.start))
    }

    fn at(name: &str, off: u64) -> Option<(String, u64)> {
        Some((name.to_string(), off))
    }

    #[test]
    fn sized_functions() {
        let t = table(&[
            ("first", STT_FUNC, 1, 1, TEXT + 0x10, 0x20),
            ("second", STT_FUNC, 0, 1, TEXT + 0x40, 0x10),
        ]);
        assert_eq!(name_at(&t, TEXT + 0x10), at("first", 0));
        assert_eq!(name_at(&t, TEXT + 0x2f), at("first", 0x1f));
        assert_eq!(name_at(&t, TEXT + 0x30), None, "padding between functions");
        assert_eq!(name_at(&t, TEXT + 0x45), at("second", 5));
        assert_eq!(name_at(&t, TEXT + 0x50), None);
        assert_eq!(name_at(&t, TEXT), None);
        assert_eq!(name_at(&t, 0), None);
        assert_eq!(name_at(&t, u64::MAX), None);
    }

    #[test]
    fn unsized_labels_reach_the_next_symbol_or_section_end() {
        let t = table(&[
            ("entry", STT_NOTYPE, 1, 1, TEXT, 0),
            ("sized", STT_FUNC, 1, 1, TEXT + 0x100, 0x10),
            ("tail", STT_FUNC, 0, 1, TEXT + 0x200, 0),
            ("_etext", STT_NOTYPE, 1, 1, TEXT + TEXT_SIZE, 0),
        ]);
        assert_eq!(name_at(&t, TEXT + 0xff), at("entry", 0xff));
        assert_eq!(name_at(&t, TEXT + 0x100), at("sized", 0));
        assert_eq!(name_at(&t, TEXT + 0x110), None);
        assert_eq!(name_at(&t, TEXT + TEXT_SIZE - 1), at("tail", 0xdff));
        assert_eq!(name_at(&t, TEXT + TEXT_SIZE), None);
    }

    #[test]
    fn skips_data_objects_and_special_sections() {
        let t = table(&[
            ("in_data", STT_NOTYPE, 1, 2, DATA, 0),
            ("object", 1, 1, 1, TEXT, 0x100),
            ("absolute", STT_FUNC, 1, 0xfff1, TEXT, 0x100),
            ("undefined", STT_FUNC, 1, 0, TEXT, 0x100),
            ("section", 3, 0, 1, TEXT, 0),
        ]);
        assert_eq!(name_at(&t, TEXT + 1), None);
        assert_eq!(name_at(&t, DATA + 1), None);
        assert_eq!(t.symbols().count(), 0);
    }

    #[test]
    fn prefers_sized_global_functions_at_one_address() {
        let t = table(&[
            ("label", STT_NOTYPE, 0, 1, TEXT, 0),
            ("local_alias", STT_FUNC, 0, 1, TEXT, 0x10),
            ("global", STT_FUNC, 1, 1, TEXT, 0x10),
        ]);
        assert_eq!(name_at(&t, TEXT + 4), at("global", 4));
    }

    #[test]
    fn stripped_and_broken_files() {
        let stripped = elf(&[("f", STT_FUNC, 1, 1, TEXT, 1)], false);
        assert!(
            SymbolTable::read(&mut Cursor::new(stripped))
                .unwrap()
                .is_none()
        );
        assert!(SymbolTable::read(&mut Cursor::new(b"\x7fELF".to_vec())).is_err());
        assert!(SymbolTable::read(&mut Cursor::new(vec![0u8; 128])).is_err());
        let mut truncated = elf(&[("f", STT_FUNC, 1, 1, TEXT, 1)], true);
        truncated.truncate(EHDR_SIZE + 10);
        assert!(SymbolTable::read(&mut Cursor::new(truncated)).is_err());
    }

    #[test]
    fn display_names() {
        let rust = Symbol {
            name: b"_ZN5fault4main17h0123456789abcdefE",
            start: 0,
        };
        assert_eq!(rust.display_name(), "fault::main");
        let c = Symbol {
            name: b"memcpy",
            start: 0,
        };
        assert_eq!(c.display_name(), "memcpy");
    }

    #[inline(never)]
    fn marker_for_own_binary() -> u64 {
        std::hint::black_box(42)
    }

    #[test]
    fn own_binary() {
        assert_eq!(marker_for_own_binary(), 42);
        let exe = std::env::current_exe().unwrap();
        let Some(t) = SymbolTable::load(&exe).unwrap() else {
            eprintln!("test binary is stripped; skipped");
            return;
        };
        let marker = t
            .symbols()
            .find(|s| {
                s.display_name()
                    .ends_with("symbols::tests::marker_for_own_binary")
            })
            .expect("marker function in .symtab");
        let inside = t.lookup(marker.start + 1).expect("covered");
        assert_eq!(inside.name, marker.name);
    }

    /// Links a tiny static C program with the system compiler, if there is one.
    fn link_c(dir: &Path, extra: &[&str]) -> Option<std::path::PathBuf> {
        let src = dir.join("t.c");
        std::fs::write(
            &src,
            "void alpha(void) { __asm__ volatile(\"nop; nop; nop; nop\"); }\n\
             void beta(void) { alpha(); alpha(); }\n\
             __asm__(\".text\\n.globl gamma\\ngamma:\\n nop\\n nop\\n ret\\n\");\n",
        )
        .ok()?;
        let out = dir.join("t");
        let status = Command::new("cc")
            .args([
                "-O1",
                "-nostdlib",
                "-static",
                "-no-pie",
                "-Wl,-e,beta",
                "-o",
            ])
            .arg(&out)
            .arg(&src)
            .args(extra)
            .status()
            .ok()?;
        status.success().then_some(out)
    }

    #[test]
    fn linked_c_program() {
        let dir = std::env::temp_dir().join(format!("eremit-symbols-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let Some(exe) = link_c(&dir, &[]) else {
            eprintln!("no working cc; skipped");
            let _ = std::fs::remove_dir_all(&dir);
            return;
        };
        let t = SymbolTable::load(&exe).unwrap().expect("symbols");
        let start = |name: &str| {
            t.symbols()
                .find(|s| s.name == name.as_bytes())
                .unwrap_or_else(|| panic!("{name} in .symtab"))
                .start
        };
        for name in ["alpha", "beta", "gamma"] {
            let sym = t.lookup(start(name) + 1).expect("covered");
            assert_eq!(sym.display_name(), name);
        }
        let stripped = link_c(&dir, &["-s"]).expect("stripped build");
        assert!(SymbolTable::load(&stripped).unwrap().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
