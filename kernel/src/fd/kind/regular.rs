//! A regular file of the in-memory filesystem, open: its inode (kept alive while open,
//! even unlinked), its contents and the position `read` and `write` move. Data is
//! copied under the file's own lock (`fs::cell`), not the filesystem's, so two files
//! are read and written in parallel; the filesystem is locked only to set the times.

use hermit_sync::SpinMutex;

use crate::abi::errno::{EINVAL, ENXIO};
use crate::abi::{SEEK_CUR, SEEK_END, SEEK_SET, stat};
use crate::fd::object::{FileObject, IoFlags};
use alloc::sync::Arc;

use crate::fs::cell::FileCell;
use crate::fs::{Errno, Ino, SharedFs};

/// Linux's `SEEK_DATA` and `SEEK_HOLE` (not in hermit-abi).
pub const SEEK_DATA: i32 = 3;
pub const SEEK_HOLE: i32 = 4;

pub struct Regular {
    fs: SharedFs,
    /// Acquired by the opener (`Fs::open`), released on drop.
    ino: Ino,
    contents: Arc<FileCell>,
    /// The position; a read or write holds it throughout, so two threads sharing the
    /// open file never read the same bytes or write over each other.
    offset: SpinMutex<u64>,
}

impl Regular {
    /// Takes over the reference `Fs::open` acquired on `ino`, a regular file with
    /// `contents` (`Fs::contents`).
    pub fn new(fs: SharedFs, ino: Ino, contents: Arc<FileCell>) -> Regular {
        Regular {
            fs,
            ino,
            contents,
            offset: SpinMutex::new(0),
        }
    }

    /// Writes at the end with `O_APPEND`, else at `at`: where it wrote, and how much.
    fn write_at(&self, at: u64, data: &[u8], flags: IoFlags) -> Result<(u64, usize), Errno> {
        let (at, n) = if flags.append {
            self.contents.append(data)?
        } else {
            (at, self.contents.write_at(at, data)?)
        };
        if n > 0 {
            self.fs.lock().modified(self.ino)?;
        }
        Ok((at, n))
    }

    fn read_at(&self, at: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let n = self.contents.read_at(at, buf);
        self.fs.lock().accessed(self.ino)?;
        Ok(n)
    }
}

impl FileObject for Regular {
    fn read(&self, buf: &mut [u8], _flags: IoFlags) -> Result<usize, Errno> {
        let mut offset = self.offset.lock();
        let n = self.read_at(*offset, buf)?;
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
        self.read_at(offset, buf)
    }

    fn pwrite(&self, data: &[u8], offset: u64, flags: IoFlags) -> Result<usize, Errno> {
        self.write_at(offset, data, flags).map(|(_, n)| n)
    }

    fn seek(&self, offset: i64, whence: i32) -> Result<i64, Errno> {
        let mut pos = self.offset.lock();
        let base = match whence {
            SEEK_SET => 0,
            SEEK_CUR => *pos as i64,
            SEEK_END => self.contents.len() as i64,
            // The whole file is data (holes are not tracked for this): data is where
            // the offset is, the next hole at the end.
            SEEK_DATA | SEEK_HOLE => {
                let size = self.contents.len() as i64;
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
        self.contents.set_len(len)?;
        self.fs.lock().modified(self.ino)
    }

    /// `fchmod`, `futimens`: the inode's mode and times.
    fn set_attr(&self, s: &crate::fs::fuse::proto::SetAttr) -> Result<(), Errno> {
        self.fs.lock().set_attr(self.ino, s)
    }
}

impl Drop for Regular {
    fn drop(&mut self) {
        self.fs.lock().release(self.ino);
    }
}
