//! Checks that an image is bootable: an ELF64 x86-64 file with a PVH entry note (a
//! `PT_NOTE` segment holding a "Xen" note of type `XEN_ELFNOTE_PHYS32_ENTRY`), which is
//! what QEMU needs to boot it directly, or an ELF64 aarch64 file (QEMU's `virt` starts
//! it at its entry); which architecture it is; and where its loaded segments end (the
//! guest's RAM must hold them).

use std::io::{Read, Seek};

use crate::elf::{self, EM_AARCH64, EM_X86_64, ElfError, PT_LOAD, PT_NOTE, Segment, u32_at};

/// `XEN_ELFNOTE_PHYS32_ENTRY`: the 32-bit PVH entry point.
pub const XEN_ELFNOTE_PHYS32_ENTRY: u32 = 18;
/// Largest note segment that is read; real ones are a few hundred bytes.
const MAX_NOTE_SEGMENT: u64 = 1 << 20;

/// Why an image cannot be booted: it could not be read (`Io`), or it was read and is
/// not a bootable image (`Malformed`, the text says why).
pub type ImageError = ElfError;

fn not_bootable<T>(why: impl Into<String>) -> Result<T, ImageError> {
    Err(ElfError::Malformed(why.into()))
}

/// The architecture an image is built for, from its ELF header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Aarch64,
}

impl Arch {
    /// Where the machine's RAM starts (`virt` puts it at 1 GiB).
    pub fn ram_base(self) -> u64 {
        match self {
            Arch::X86_64 => 0,
            Arch::Aarch64 => 1 << 30,
        }
    }
}

/// The architecture of the image at `path` from its ELF header alone; x86-64 when it
/// cannot be read or is neither (`check` then says why it does not boot).
pub fn peek_arch(path: &str) -> Arch {
    let header = std::fs::File::open(path)
        .ok()
        .and_then(|mut f| elf::header(&mut f).ok());
    match header {
        Some(h) if h.machine == EM_AARCH64 => Arch::Aarch64,
        _ => Arch::X86_64,
    }
}

/// Checks the image read from `r` and says which architecture it is for: an x86-64
/// image must carry a PVH entry note; an aarch64 one is booted at its ELF entry.
pub fn check<R: Read + Seek>(r: &mut R) -> Result<Arch, ImageError> {
    let header = elf::header(r)?;
    match header.machine {
        EM_X86_64 => check_pvh(r).map(|()| Arch::X86_64),
        EM_AARCH64 => Ok(Arch::Aarch64),
        other => not_bootable(format!(
            "ELF machine is {other}, neither x86-64 nor aarch64"
        )),
    }
}

/// Checks the image read from `r`; `Ok(())` if it carries a PVH entry note.
pub fn check_pvh<R: Read + Seek>(r: &mut R) -> Result<(), ImageError> {
    let header = elf::header(r)?;
    if header.machine != EM_X86_64 {
        return not_bootable(format!("ELF machine is {}, not x86-64", header.machine));
    }
    for segment in elf::segments(r, &header)? {
        if segment.kind != PT_NOTE {
            continue;
        }
        let len = segment.filesz.min(MAX_NOTE_SEGMENT);
        let notes = elf::read_at(r, segment.offset, len, "note segment")?;
        if has_pvh_note(&notes, segment.align) {
            return Ok(());
        }
    }
    not_bootable("no PVH entry note (Xen note of type 18)")
}

/// The physical address where the image's loaded segments end (QEMU loads each
/// `PT_LOAD` segment at its physical address): the guest's RAM must reach beyond it.
pub fn load_end<R: Read + Seek>(r: &mut R) -> Result<u64, ImageError> {
    Ok(program_headers(r)?
        .iter()
        .filter(|s| s.kind == PT_LOAD)
        .map(|s| s.paddr.saturating_add(s.memsz))
        .max()
        .unwrap_or(0))
}

/// The segments of an ELF64 x86-64 or aarch64 image.
fn program_headers<R: Read + Seek>(r: &mut R) -> Result<Vec<Segment>, ImageError> {
    let header = elf::header(r)?;
    if header.machine != EM_X86_64 && header.machine != EM_AARCH64 {
        return not_bootable(format!(
            "ELF machine is {}, neither x86-64 nor aarch64",
            header.machine
        ));
    }
    elf::segments(r, &header)
}

/// Looks for a "Xen" note of type `XEN_ELFNOTE_PHYS32_ENTRY` in the contents
/// of one note segment. Offsets follow the gABI: the descriptor starts at the
/// note header plus name rounded up to the segment's alignment (8 for an
/// 8-aligned segment, otherwise 4), and so does the next note.
pub fn has_pvh_note(notes: &[u8], segment_align: u64) -> bool {
    let pad = if segment_align == 8 { 8 } else { 4 };
    let round = |n: usize| n.checked_add(pad - 1).map(|n| n & !(pad - 1));
    let mut pos = 0usize;
    while pos + 12 <= notes.len() {
        let namesz = u32_at(notes, pos) as usize;
        let descsz = u32_at(notes, pos + 4) as usize;
        let ntype = u32_at(notes, pos + 8);
        let name_start = pos + 12;
        let Some(name_end) = name_start.checked_add(namesz) else {
            return false;
        };
        if name_end > notes.len() {
            return false;
        }
        let Some(desc_start) = round(name_end) else {
            return false;
        };
        let name = &notes[name_start..name_end];
        let name = name.strip_suffix(b"\0").unwrap_or(name);
        if name == b"Xen" && ntype == XEN_ELFNOTE_PHYS32_ENTRY && descsz >= 4 {
            return desc_start
                .checked_add(4)
                .is_some_and(|end| end <= notes.len());
        }
        let Some(next) = desc_start.checked_add(descsz).and_then(round) else {
            return false;
        };
        pos = next;
    }
    false
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::elf::{EI_CLASS, EI_DATA, ELFDATA2LSB};
    use std::io::Cursor;

    /// One ELF note with 4-byte padding.
    pub fn note(name: &[u8], ntype: u32, desc: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&(name.len() as u32).to_le_bytes());
        v.extend_from_slice(&(desc.len() as u32).to_le_bytes());
        v.extend_from_slice(&ntype.to_le_bytes());
        v.extend_from_slice(name);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v.extend_from_slice(desc);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    /// A minimal ELF64 file: header, one PT_LOAD and one PT_NOTE holding `notes`.
    pub fn elf(class: u8, machine: u16, notes: &[u8]) -> Vec<u8> {
        let phoff = 64u64;
        let phnum = 2u16;
        let note_off = phoff + 56 * u64::from(phnum);
        let mut v = vec![0u8; 64];
        v[..4].copy_from_slice(b"\x7fELF");
        v[EI_CLASS] = class;
        v[EI_DATA] = ELFDATA2LSB;
        v[6] = 1; // EI_VERSION
        v[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        v[18..20].copy_from_slice(&machine.to_le_bytes());
        v[20..24].copy_from_slice(&1u32.to_le_bytes());
        v[24..32].copy_from_slice(&0x100000u64.to_le_bytes()); // e_entry
        v[32..40].copy_from_slice(&phoff.to_le_bytes());
        v[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
        v[54..56].copy_from_slice(&56u16.to_le_bytes());
        v[56..58].copy_from_slice(&phnum.to_le_bytes());
        // PT_LOAD covering nothing in particular.
        let mut load = vec![0u8; 56];
        load[0..4].copy_from_slice(&1u32.to_le_bytes());
        load[48..56].copy_from_slice(&0x1000u64.to_le_bytes());
        v.extend_from_slice(&load);
        let mut pnote = vec![0u8; 56];
        pnote[0..4].copy_from_slice(&PT_NOTE.to_le_bytes());
        pnote[8..16].copy_from_slice(&note_off.to_le_bytes());
        pnote[32..40].copy_from_slice(&(notes.len() as u64).to_le_bytes());
        pnote[40..48].copy_from_slice(&(notes.len() as u64).to_le_bytes());
        pnote[48..56].copy_from_slice(&4u64.to_le_bytes());
        v.extend_from_slice(&pnote);
        v.extend_from_slice(notes);
        v
    }

    fn pvh_note() -> Vec<u8> {
        note(b"Xen\0", 18, &0x100000u64.to_le_bytes())
    }

    fn check(bytes: &[u8]) -> Result<(), String> {
        check_pvh(&mut Cursor::new(bytes)).map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_pvh_image() {
        assert_eq!(check(&elf(2, EM_X86_64, &pvh_note())), Ok(()));
    }

    #[test]
    fn accepts_pvh_note_after_other_notes() {
        let mut notes = note(b"GNU\0", 3, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        notes.extend(note(b"Xen\0", 5, b"xen-3.0\0"));
        notes.extend(note(b"Xen\0", 18, &0x100000u32.to_le_bytes()));
        assert_eq!(check(&elf(2, EM_X86_64, &notes)), Ok(()));
    }

    #[test]
    fn rejects_missing_note() {
        let notes = note(b"GNU\0", 3, &[0; 20]);
        let err = check(&elf(2, EM_X86_64, &notes)).unwrap_err();
        assert!(err.contains("no PVH entry note"), "{err}");
        // Right type, wrong name.
        let notes = note(b"Xenon\0", 18, &[0; 8]);
        assert!(check(&elf(2, EM_X86_64, &notes)).is_err());
        // Right name, wrong type.
        let notes = note(b"Xen\0", 17, &[0; 8]);
        assert!(check(&elf(2, EM_X86_64, &notes)).is_err());
    }

    #[test]
    fn rejects_wrong_class_and_machine() {
        assert!(
            check(&elf(1, EM_X86_64, &pvh_note()))
                .unwrap_err()
                .contains("64-bit")
        );
        assert!(
            check(&elf(2, 183, &pvh_note()))
                .unwrap_err()
                .contains("x86-64")
        );
    }

    #[test]
    fn tells_the_architecture() {
        let arch =
            |bytes: Vec<u8>| super::check(&mut Cursor::new(bytes)).map_err(|e| e.to_string());
        assert_eq!(arch(elf(2, EM_X86_64, &pvh_note())), Ok(Arch::X86_64));
        // aarch64 needs no note: QEMU's virt starts it at its ELF entry.
        assert_eq!(arch(elf(2, EM_AARCH64, &[])), Ok(Arch::Aarch64));
        assert!(arch(elf(2, EM_X86_64, &[])).unwrap_err().contains("PVH"));
        assert!(arch(elf(2, 40, &[])).unwrap_err().contains("neither"));
        assert_eq!(Arch::Aarch64.ram_base(), 1 << 30);
    }

    #[test]
    fn rejects_non_elf_and_truncated() {
        assert!(check(b"").unwrap_err().contains("not an ELF"));
        assert!(
            check(b"#!/bin/sh\necho hi\n")
                .unwrap_err()
                .contains("not an ELF")
        );
        assert!(check(b"\x7fELF\x02\x01").is_err());
        let image = elf(2, EM_X86_64, &pvh_note());
        for cut in [70, 64 + 56 + 10, image.len() - 6] {
            assert!(check(&image[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn load_end_is_the_highest_segment_end() {
        let mut image = elf(2, EM_X86_64, &pvh_note());
        let end = |image: &[u8]| load_end(&mut Cursor::new(image)).unwrap();
        // The helper's PT_LOAD (at offset 64) is empty at address 0; the note is not
        // loaded.
        assert_eq!(end(&image), 0);
        image[64 + 24..64 + 32].copy_from_slice(&0x20_0000u64.to_le_bytes()); // p_paddr
        image[64 + 40..64 + 48].copy_from_slice(&0x8_1234u64.to_le_bytes()); // p_memsz
        assert_eq!(end(&image), 0x28_1234);
        assert!(load_end(&mut Cursor::new(&b"not elf"[..])).is_err());
    }

    #[test]
    fn note_parser_handles_garbage() {
        assert!(!has_pvh_note(&[], 4));
        assert!(!has_pvh_note(&[0xff; 12], 4));
        assert!(!has_pvh_note(&[0xff; 64], 8));
        // Descriptor cut short.
        let mut n = pvh_note();
        n.truncate(16);
        assert!(!has_pvh_note(&n, 4));
    }

    #[test]
    fn note_parser_8_byte_alignment() {
        // A GNU property note (header + "GNU\0" ends on 16, descriptor of
        // 12 bytes padded to 32), then header + "Xen\0" + 8-byte descriptor.
        let mut n = Vec::new();
        n.extend_from_slice(&4u32.to_le_bytes());
        n.extend_from_slice(&12u32.to_le_bytes());
        n.extend_from_slice(&5u32.to_le_bytes());
        n.extend_from_slice(b"GNU\0");
        n.extend_from_slice(&[0xaa; 12]);
        n.extend_from_slice(&[0; 4]); // pad to 32
        n.extend_from_slice(&4u32.to_le_bytes());
        n.extend_from_slice(&8u32.to_le_bytes());
        n.extend_from_slice(&18u32.to_le_bytes());
        n.extend_from_slice(b"Xen\0");
        n.extend_from_slice(&0x100000u64.to_le_bytes());
        assert!(has_pvh_note(&n, 8));
        // With 4-byte padding the same bytes do not line up.
        assert!(!has_pvh_note(&n, 4));
    }
}
