//! Tar entries that depend on nothing but their path and content: owner root, mode as
//! given, modification time 0, ustar format. The same files therefore always make the
//! same archive, byte for byte, and so the same OCI digests (`layout`).

use std::io::{self, Write};

use tar::{Builder, EntryType, Header};

/// Mode of the directories written.
pub const DIR_MODE: u32 = 0o755;

fn header(path: &str, kind: EntryType, mode: u32, size: u64) -> io::Result<Header> {
    let mut h = Header::new_ustar();
    h.set_path(path)?;
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_username("root")?;
    h.set_groupname("root")?;
    h.set_mtime(0);
    h.set_size(size);
    h.set_cksum();
    Ok(h)
}

/// Appends a directory `path` (written with a trailing `/`).
pub fn dir<W: Write>(tar: &mut Builder<W>, path: &str) -> io::Result<()> {
    let path = format!("{}/", path.trim_end_matches('/'));
    tar.append(
        &header(&path, EntryType::Directory, DIR_MODE, 0)?,
        io::empty(),
    )
}

/// Appends a regular file `path` holding `data`.
pub fn file<W: Write>(tar: &mut Builder<W>, path: &str, mode: u32, data: &[u8]) -> io::Result<()> {
    let h = header(path, EntryType::Regular, mode, data.len() as u64)?;
    tar.append(&h, data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn archive() -> Vec<u8> {
        let mut tar = Builder::new(Vec::new());
        dir(&mut tar, "eremit").unwrap();
        file(&mut tar, "eremit/image", 0o755, b"\x7fELF...").unwrap();
        tar.into_inner().unwrap()
    }

    #[test]
    fn entries_read_back_with_fixed_metadata() {
        let bytes = archive();
        let mut read = tar::Archive::new(&bytes[..]);
        let mut seen = Vec::new();
        for entry in read.entries().unwrap() {
            let mut entry = entry.unwrap();
            let h = entry.header().clone();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            assert_eq!(h.mtime().unwrap(), 0);
            assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0));
            assert_eq!(h.mode().unwrap(), 0o755);
            seen.push((
                h.path().unwrap().to_string_lossy().into_owned(),
                h.entry_type(),
                data,
            ));
        }
        assert_eq!(
            seen,
            vec![
                ("eremit/".to_string(), EntryType::Directory, vec![]),
                (
                    "eremit/image".to_string(),
                    EntryType::Regular,
                    b"\x7fELF...".to_vec()
                ),
            ]
        );
    }

    #[test]
    fn same_input_same_bytes() {
        assert_eq!(archive(), archive());
        // Header blocks, a 512-byte data block, two zero blocks at the end.
        assert_eq!(archive().len(), 512 * 5);
    }
}
