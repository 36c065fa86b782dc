//! What every open directory shares, in memory or on a host volume: data calls fail
//! with `EISDIR`, and `lseek` moves an entry position by `SEEK_SET`/`SEEK_CUR` only
//! (Linux's tmpfs refuses `SEEK_END` on a directory too).

use crate::abi::errno::EINVAL;
use crate::abi::{SEEK_CUR, SEEK_SET};
use crate::fs::Errno;

/// The entry position `lseek(fd, offset, whence)` asks for, from the current one.
pub fn seek_entries(current: u64, offset: i64, whence: i32) -> Result<u64, Errno> {
    let base = match whence {
        SEEK_SET => 0,
        SEEK_CUR => i64::try_from(current).map_err(|_| EINVAL)?,
        _ => return Err(EINVAL),
    };
    let new = base.checked_add(offset).filter(|&p| p >= 0).ok_or(EINVAL)?;
    Ok(new as u64)
}

/// `read`, `write`, `pread` and `pwrite` of a `FileObject` that is a directory: all
/// `EISDIR`. Expands inside the `impl FileObject` block.
macro_rules! directory_data_calls {
    () => {
        fn read(
            &self,
            _buf: &mut [u8],
            _flags: crate::fd::object::IoFlags,
        ) -> Result<usize, crate::fs::Errno> {
            Err(crate::abi::errno::EISDIR)
        }

        fn write(
            &self,
            _data: &[u8],
            _flags: crate::fd::object::IoFlags,
        ) -> Result<usize, crate::fs::Errno> {
            Err(crate::abi::errno::EISDIR)
        }

        fn pread(&self, _buf: &mut [u8], _offset: u64) -> Result<usize, crate::fs::Errno> {
            Err(crate::abi::errno::EISDIR)
        }

        fn pwrite(
            &self,
            _data: &[u8],
            _offset: u64,
            _flags: crate::fd::object::IoFlags,
        ) -> Result<usize, crate::fs::Errno> {
            Err(crate::abi::errno::EISDIR)
        }
    };
}
pub(crate) use directory_data_calls;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::SEEK_END;

    #[test]
    fn seeks_by_entries_from_start_or_current() {
        assert_eq!(seek_entries(5, 3, SEEK_SET), Ok(3));
        assert_eq!(seek_entries(5, 3, SEEK_CUR), Ok(8));
        assert_eq!(seek_entries(5, -5, SEEK_CUR), Ok(0));
    }

    #[test]
    fn refuses_end_negative_and_overflow() {
        assert_eq!(seek_entries(5, 0, SEEK_END), Err(EINVAL));
        assert_eq!(seek_entries(5, -6, SEEK_CUR), Err(EINVAL));
        assert_eq!(seek_entries(u64::MAX, 0, SEEK_CUR), Err(EINVAL));
        assert_eq!(seek_entries(1, i64::MAX, SEEK_CUR), Err(EINVAL));
    }
}
