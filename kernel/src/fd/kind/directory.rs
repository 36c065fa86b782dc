//! A directory, open (for `getdents64`): its inode, kept alive while open, and the
//! entry position `getdents64` moves and `lseek` sets.

use hermit_sync::SpinMutex;

use crate::abi::errno::{EINVAL, EISDIR};
use crate::abi::{SEEK_CUR, SEEK_SET, stat};
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::{Errno, Ino, SharedFs};

pub struct Directory {
    fs: SharedFs,
    ino: Ino,
    /// The entry position (see `Fs::getdents`).
    pos: SpinMutex<u64>,
}

impl Directory {
    /// Takes over the reference `Fs::open` acquired on `ino`.
    pub fn new(fs: SharedFs, ino: Ino) -> Directory {
        Directory {
            fs,
            ino,
            pos: SpinMutex::new(0),
        }
    }
}

impl FileObject for Directory {
    fn read(&self, _buf: &mut [u8], _flags: IoFlags) -> Result<usize, Errno> {
        Err(EISDIR)
    }

    fn write(&self, _data: &[u8], _flags: IoFlags) -> Result<usize, Errno> {
        Err(EISDIR)
    }

    fn pread(&self, _buf: &mut [u8], _offset: u64) -> Result<usize, Errno> {
        Err(EISDIR)
    }

    fn pwrite(&self, _data: &[u8], _offset: u64, _flags: IoFlags) -> Result<usize, Errno> {
        Err(EISDIR)
    }

    /// Only `SEEK_SET` and `SEEK_CUR`, by entries (Linux's tmpfs refuses `SEEK_END`).
    fn seek(&self, offset: i64, whence: i32) -> Result<i64, Errno> {
        let mut pos = self.pos.lock();
        let base = match whence {
            SEEK_SET => 0,
            SEEK_CUR => *pos as i64,
            _ => return Err(EINVAL),
        };
        let new = base.checked_add(offset).filter(|&p| p >= 0).ok_or(EINVAL)?;
        *pos = new as u64;
        Ok(new)
    }

    fn stat(&self) -> Result<stat, Errno> {
        self.fs.lock().stat_ino(self.ino)
    }

    /// `fchmod`, `futimens`: the inode's mode and times.
    fn set_attr(&self, s: &crate::fs::fuse::proto::SetAttr) -> Result<(), Errno> {
        self.fs.lock().set_attr(self.ino, s)
    }

    fn getdents(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        let mut pos = self.pos.lock();
        self.fs.lock().getdents(self.ino, &mut pos, buf)
    }
}

impl Drop for Directory {
    fn drop(&mut self) {
        self.fs.lock().release(self.ino);
    }
}
