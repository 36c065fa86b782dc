//! A regular file of the in-memory filesystem, open: its inode (kept alive while open,
//! even unlinked) and the position `read` and `write` move.

use hermit_sync::SpinMutex;

use crate::abi::errno::{EINVAL, ENXIO};
use crate::abi::{SEEK_CUR, SEEK_END, SEEK_SET, stat};
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::{Errno, Ino, SharedFs};

/// Linux's `SEEK_DATA` and `SEEK_HOLE` (not in hermit-abi).
pub const SEEK_DATA: i32 = 3;
pub const SEEK_HOLE: i32 = 4;

pub struct Regular {
    fs: SharedFs,
    /// Acquired by the opener (`Fs::open`), released on drop.
    ino: Ino,
    /// The position; a read or write holds it throughout, so two threads sharing the
    /// open file never read the same bytes or write over each other.
    offset: SpinMutex<u64>,
}

impl Regular {
    /// Takes over the reference `Fs::open` acquired on `ino`.
    pub fn new(fs: SharedFs, ino: Ino) -> Regular {
        Regular {
            fs,
            ino,
            offset: SpinMutex::new(0),
        }
    }

    /// Where a write goes: the end with `O_APPEND`, else `at`.
    fn write_at(&self, at: u64, data: &[u8], flags: IoFlags) -> Result<(u64, usize), Errno> {
        let mut fs = self.fs.lock();
        let at = if flags.append { fs.size(self.ino)? } else { at };
        let n = fs.write(self.ino, at, data)?;
        Ok((at, n))
    }
}

impl FileObject for Regular {
    fn read(&self, buf: &mut [u8], _flags: IoFlags) -> Result<usize, Errno> {
        let mut offset = self.offset.lock();
        let n = self.fs.lock().read(self.ino, *offset, buf)?;
        *offset += n as u64;
        Ok(n)
    }

    fn write(&self, data: &[u8], flags: IoFlags) -> Result<usize, Errno> {
        let mut offset = self.offset.lock();
        let (at, n) = self.write_at(*offset, data, flags)?;
        *offset = at + n as u64;
        Ok(n)
    }

    fn pread(&self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        self.fs.lock().read(self.ino, offset, buf)
    }

    fn pwrite(&self, data: &[u8], offset: u64, flags: IoFlags) -> Result<usize, Errno> {
        self.write_at(offset, data, flags).map(|(_, n)| n)
    }

    fn seek(&self, offset: i64, whence: i32) -> Result<i64, Errno> {
        let mut pos = self.offset.lock();
        let base = match whence {
            SEEK_SET => 0,
            SEEK_CUR => *pos as i64,
            SEEK_END => self.fs.lock().size(self.ino)? as i64,
            // The whole file is data (holes are not tracked for this): data is where
            // the offset is, the next hole at the end.
            SEEK_DATA | SEEK_HOLE => {
                let size = self.fs.lock().size(self.ino)? as i64;
                if offset < 0 || offset >= size {
                    return Err(ENXIO);
                }
                *pos = if whence == SEEK_DATA { offset } else { size } as u64;
                return Ok(*pos as i64);
            }
            _ => return Err(EINVAL),
        };
        let new = base.checked_add(offset).filter(|&p| p >= 0).ok_or(EINVAL)?;
        *pos = new as u64;
        Ok(new)
    }

    fn stat(&self) -> Result<stat, Errno> {
        self.fs.lock().stat_ino(self.ino)
    }

    fn truncate(&self, len: u64) -> Result<(), Errno> {
        self.fs.lock().set_len(self.ino, len)
    }
}

impl Drop for Regular {
    fn drop(&mut self) {
        self.fs.lock().release(self.ino);
    }
}
