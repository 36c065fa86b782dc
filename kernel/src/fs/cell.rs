//! A regular file's contents behind a lock of their own, shared (`Arc`) by the inode and
//! the open files: reading and writing one file locks only that file, so two files are
//! written in parallel on two CPUs. The filesystem's lock may be held while taking a
//! file's (never the other way round), which keeps the two free of deadlock.

use alloc::sync::Arc;

use super::data::FileData;
use super::{Errno, Lock};
use crate::abi::errno::ENOMEM;

pub struct FileCell {
    data: Lock<FileData>,
}

impl FileCell {
    /// An empty file's contents; `ENOMEM` without memory for them.
    pub fn new() -> Result<Arc<FileCell>, Errno> {
        Arc::try_new(FileCell {
            data: Lock::new(FileData::new()),
        })
        .map_err(|_| ENOMEM)
    }

    pub fn len(&self) -> u64 {
        self.data.lock().len()
    }

    pub fn stored_bytes(&self) -> u64 {
        self.data.lock().stored_bytes()
    }

    /// See `FileData::read_at`.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> usize {
        self.data.lock().read_at(offset, buf)
    }

    /// See `FileData::write_at`.
    pub fn write_at(&self, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        self.data.lock().write_at(offset, data)
    }

    /// Writes at the end (`O_APPEND`), the end found and written under one lock so
    /// that two appenders never write over each other. Where it wrote, and how much.
    pub fn append(&self, data: &[u8]) -> Result<(u64, usize), Errno> {
        let mut file = self.data.lock();
        let at = file.len();
        Ok((at, file.write_at(at, data)?))
    }

    /// See `FileData::set_len`.
    pub fn set_len(&self, len: u64) -> Result<(), Errno> {
        self.data.lock().set_len(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_writes_appends() {
        let c = FileCell::new().unwrap();
        assert_eq!(c.write_at(2, b"cd"), Ok(2));
        assert_eq!(c.len(), 4);
        assert_eq!(c.append(b"ef"), Ok((4, 2)));
        let mut buf = [9; 8];
        assert_eq!(c.read_at(0, &mut buf), 6);
        assert_eq!(&buf[..6], b"\0\0cdef");
        c.set_len(1).unwrap();
        assert_eq!(c.len(), 1);
        assert!(c.stored_bytes() >= 1);
    }
}
