//! Packing directory entries for `getdents64` as Linux's `linux_dirent64` (hermit-abi's
//! `dirent64`): inode number, the offset of the next entry, the record length, the
//! type, and the NUL-terminated name, each record padded to 8 bytes.

/// Offset of `d_name` in a record (after d_ino, d_off, d_reclen, d_type).
const NAME_OFFSET: usize = 8 + 8 + 2 + 1;

/// Length of the record for a name of `name_len` bytes.
pub fn reclen(name_len: usize) -> usize {
    (NAME_OFFSET + name_len + 1).next_multiple_of(8)
}

/// One entry to pack.
pub struct Entry<'a> {
    pub ino: u64,
    /// Position of the entry after this one (`lseek` there to continue after it).
    pub next: i64,
    pub d_type: u8,
    pub name: &'a [u8],
}

/// Writes `e` at the start of `buf`; returns the record length, or `None` (nothing
/// written) if it does not fit.
pub fn put(buf: &mut [u8], e: &Entry) -> Option<usize> {
    let len = reclen(e.name.len());
    let rec = buf.get_mut(..len)?;
    rec[0..8].copy_from_slice(&e.ino.to_ne_bytes());
    rec[8..16].copy_from_slice(&e.next.to_ne_bytes());
    rec[16..18].copy_from_slice(&(len as u16).to_ne_bytes());
    rec[18] = e.d_type;
    rec[NAME_OFFSET..NAME_OFFSET + e.name.len()].copy_from_slice(e.name);
    // The NUL and the padding.
    rec[NAME_OFFSET + e.name.len()..].fill(0);
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::dirent64;
    use core::mem::offset_of;

    #[test]
    fn layout_matches_dirent64() {
        assert_eq!(offset_of!(dirent64, d_ino), 0);
        assert_eq!(offset_of!(dirent64, d_off), 8);
        assert_eq!(offset_of!(dirent64, d_reclen), 16);
        assert_eq!(offset_of!(dirent64, d_type), 18);
        assert_eq!(offset_of!(dirent64, d_name), NAME_OFFSET);
        assert_eq!(reclen(1), 24);
        assert_eq!(reclen(4), 24);
        assert_eq!(reclen(5), 32);
        assert_eq!(reclen(255), 280);
    }

    #[test]
    fn packs_a_record() {
        let mut buf = [0xffu8; 40];
        let e = Entry {
            ino: 0x0102_0304_0506_0708,
            next: 3,
            d_type: 8,
            name: b"hello",
        };
        assert_eq!(put(&mut buf, &e), Some(32));
        assert_eq!(u64::from_ne_bytes(buf[0..8].try_into().unwrap()), e.ino);
        assert_eq!(i64::from_ne_bytes(buf[8..16].try_into().unwrap()), 3);
        assert_eq!(u16::from_ne_bytes(buf[16..18].try_into().unwrap()), 32);
        assert_eq!(buf[18], 8);
        assert_eq!(&buf[19..25], b"hello\0");
        assert!(buf[25..32].iter().all(|&b| b == 0));
        assert!(buf[32..].iter().all(|&b| b == 0xff));
        assert_eq!(put(&mut buf[..31], &e), None);
    }
}
