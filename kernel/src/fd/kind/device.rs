//! A character device of `/dev`, open: what it does (`fs::Device`) and its inode, kept
//! alive while open. Its I/O needs no lock: filling a large buffer with random bytes is
//! slow under TCG and holds up nobody.

use crate::abi::stat;
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::{Device, Errno, Ino, SharedFs};

/// Fills a buffer with random bytes: how many (fewer if the source ran dry part way),
/// an error if it gave none.
pub type Random = fn(&mut [u8]) -> Result<usize, Errno>;

pub struct DeviceFile {
    fs: SharedFs,
    ino: Ino,
    device: Device,
    random: Random,
}

impl DeviceFile {
    /// Takes over the reference `Fs::open` acquired on `ino`.
    pub fn new(fs: SharedFs, ino: Ino, device: Device, random: Random) -> DeviceFile {
        DeviceFile {
            fs,
            ino,
            device,
            random,
        }
    }

    pub fn device(&self) -> Device {
        self.device
    }
}

impl FileObject for DeviceFile {
    fn read(&self, buf: &mut [u8], _flags: IoFlags) -> Result<usize, Errno> {
        self.device.read(buf, self.random)
    }

    fn write(&self, data: &[u8], _flags: IoFlags) -> Result<usize, Errno> {
        self.device.write(data)
    }

    /// A device has no position: `pread` is `read`.
    fn pread(&self, buf: &mut [u8], _offset: u64) -> Result<usize, Errno> {
        self.device.read(buf, self.random)
    }

    fn pwrite(&self, data: &[u8], _offset: u64, _flags: IoFlags) -> Result<usize, Errno> {
        self.device.write(data)
    }

    /// Any seek succeeds and lands at 0, as on /dev/null and /dev/zero in Linux.
    fn seek(&self, _offset: i64, _whence: i32) -> Result<i64, Errno> {
        Ok(0)
    }

    fn stat(&self) -> Result<stat, Errno> {
        self.fs.lock().stat_ino(self.ino)
    }

    /// `fchmod`, `futimens`: the inode's mode and times.
    fn set_attr(&self, s: &crate::fs::fuse::proto::SetAttr) -> Result<(), Errno> {
        self.fs.lock().set_attr(self.ino, s)
    }
}

impl Drop for DeviceFile {
    fn drop(&mut self) {
        self.fs.lock().release(self.ino);
    }
}
