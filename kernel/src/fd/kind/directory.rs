//! A directory, open (for `getdents64`): its inode, kept alive while open, and the
//! entry position `getdents64` moves and `lseek` sets.

use hermit_sync::SpinMutex;

use crate::abi::stat;
use crate::fd::kind::directory_common::{directory_data_calls, seek_entries};
use crate::fd::object::FileObject;
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
    directory_data_calls!();

    /// Only `SEEK_SET` and `SEEK_CUR`, by entries (Linux's tmpfs refuses `SEEK_END`).
    fn seek(&self, offset: i64, whence: i32) -> Result<i64, Errno> {
        let mut pos = self.pos.lock();
        *pos = seek_entries(*pos, offset, whence)?;
        Ok(*pos as i64)
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
