//! A regular file on a volume (host directory over virtio-fs), open: the daemon's file
//! handle, the node it was opened on and the position `read` and `write` move. Data
//! goes to and from the host in requests of at most the volume's I/O size; nothing is
//! cached in the guest, so the host sees every write when it returns and `fsync` makes
//! it durable.

use hermit_sync::SpinMutex;

use crate::abi::errno::{EINVAL, ENOSYS, ENXIO, Errno};
use crate::abi::{SEEK_CUR, SEEK_END, SEEK_SET, stat};
use crate::fd::kind::regular::{SEEK_DATA, SEEK_HOLE};
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::fuse::proto::{self, SetAttr};
use crate::fs::fuse::volume::Node;
use crate::fs::fuse::{self as fuse};

pub struct HostFile {
    node: Node,
    fh: u64,
    /// The position; held through a read or write, like the in-memory file's.
    offset: SpinMutex<u64>,
}

impl HostFile {
    pub fn new(node: Node, fh: u64) -> HostFile {
        HostFile {
            node,
            fh,
            offset: SpinMutex::new(0),
        }
    }

    fn size(&self) -> Result<u64, Errno> {
        let vol = self.node.volume();
        Ok(vol.getattr(self.node.id, Some(self.fh))?.size)
    }

    /// Reads at `at` until `buf` is full or the file ends.
    fn read_at(&self, at: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let vol = self.node.volume();
        let mut done = 0;
        while done < buf.len() {
            let want = (buf.len() - done).min(vol.io_size());
            let pos = at.checked_add(done as u64).ok_or(EINVAL)?;
            // Straight into the caller's buffer (the application's, for read(2)).
            let n = vol.read_into(self.node.id, self.fh, pos, &mut buf[done..done + want])?;
            done += n;
            if n < want {
                break;
            }
        }
        Ok(done)
    }

    /// Writes all of `data` at `at` (the host appends when the file was opened with
    /// `O_APPEND`).
    fn write_at(&self, at: u64, data: &[u8]) -> Result<usize, Errno> {
        let vol = self.node.volume();
        vol.check_writable()?;
        let mut done = 0;
        while done < data.len() {
            let pos = at.checked_add(done as u64).ok_or(EINVAL)?;
            let n = match vol.write(self.node.id, self.fh, pos, &data[done..]) {
                Ok(0) => break,
                Ok(n) => n,
                // What was written counts, as a short write.
                Err(_) if done > 0 => break,
                Err(e) => return Err(e),
            };
            done += n;
        }
        Ok(done)
    }

    /// A write at the end: where it landed and how much.
    fn append(&self, data: &[u8]) -> Result<(u64, usize), Errno> {
        let at = self.size()?;
        let n = self.write_at(at, data)?;
        Ok((at, n))
    }
}

impl FileObject for HostFile {
    fn read(&self, buf: &mut [u8], _flags: IoFlags) -> Result<usize, Errno> {
        let mut offset = fuse::lock(&self.offset);
        let n = self.read_at(*offset, buf)?;
        *offset += n as u64;
        Ok(n)
    }

    fn write(&self, data: &[u8], flags: IoFlags) -> Result<usize, Errno> {
        let mut offset = fuse::lock(&self.offset);
        let (at, n) = if flags.append {
            self.append(data)?
        } else {
            (*offset, self.write_at(*offset, data)?)
        };
        *offset = at + n as u64;
        Ok(n)
    }

    fn pread(&self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        self.read_at(offset, buf)
    }

    fn pwrite(&self, data: &[u8], offset: u64, flags: IoFlags) -> Result<usize, Errno> {
        if flags.append {
            return self.append(data).map(|(_, n)| n);
        }
        self.write_at(offset, data)
    }

    fn seek(&self, offset: i64, whence: i32) -> Result<i64, Errno> {
        let mut pos = fuse::lock(&self.offset);
        let base = match whence {
            SEEK_SET => 0,
            SEEK_CUR => *pos as i64,
            SEEK_END => self.size()? as i64,
            SEEK_DATA | SEEK_HOLE => {
                if offset < 0 {
                    return Err(ENXIO);
                }
                let vol = self.node.volume();
                let found = match vol.lseek(self.node.id, self.fh, offset as u64, whence as u32) {
                    Ok(at) => at,
                    // A daemon without LSEEK: the whole file is data, as Linux says
                    // of a file system that does not track holes.
                    Err(ENOSYS) => {
                        let size = self.size()?;
                        if offset as u64 >= size {
                            return Err(ENXIO);
                        }
                        if whence == SEEK_DATA {
                            offset as u64
                        } else {
                            size
                        }
                    }
                    Err(e) => return Err(e),
                };
                *pos = found;
                return Ok(found as i64);
            }
            _ => return Err(EINVAL),
        };
        let new = base.checked_add(offset).filter(|&p| p >= 0).ok_or(EINVAL)?;
        *pos = new as u64;
        Ok(new)
    }

    fn stat(&self) -> Result<stat, Errno> {
        let vol = self.node.volume();
        Ok(vol.stat(&vol.getattr(self.node.id, Some(self.fh))?))
    }

    fn truncate(&self, len: u64) -> Result<(), Errno> {
        let s = SetAttr {
            valid: proto::FATTR_SIZE,
            fh: Some(self.fh),
            size: len,
            ..Default::default()
        };
        self.node.volume().setattr(self.node.id, &s).map(|_| ())
    }

    fn sync(&self, datasync: bool) -> Result<(), Errno> {
        let vol = self.node.volume();
        vol.fsync(self.node.id, self.fh, datasync, false)
    }

    fn set_attr(&self, s: &SetAttr) -> Result<(), Errno> {
        let mut s = *s;
        s.fh = Some(self.fh);
        self.node.volume().setattr(self.node.id, &s).map(|_| ())
    }

    fn volume_node(&self) -> Option<(&Node, u64)> {
        Some((&self.node, self.fh))
    }
}

impl Drop for HostFile {
    fn drop(&mut self) {
        let vol = self.node.volume();
        // Closing any descriptor of a file drops the process's record locks on it.
        let _ = vol.flush(self.node.id, self.fh);
        vol.release(self.node.id, self.fh, false);
    }
}
