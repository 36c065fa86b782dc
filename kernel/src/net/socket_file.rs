//! A socket as a descriptor's object: `read`/`write` (and `recv`/`send`, which are
//! reads and writes with flags) go to the socket in the network stack (`socket`), which
//! is closed when the last descriptor and call let go of it.

use crate::abi::stat;
use crate::fd::object::{FileObject, IoFlags};
use crate::fs::Errno;
use crate::net::socket::{self, SocketId};

/// The socket file type (hermit-abi's `S_IFSOCK`).
const S_IFSOCK: u32 = 0o14_0000;

pub struct SocketFile(SocketId);

impl SocketFile {
    /// Takes over `id` (closed on drop).
    pub fn new(id: SocketId) -> SocketFile {
        SocketFile(id)
    }
}

impl FileObject for SocketFile {
    fn read(&self, buf: &mut [u8], flags: IoFlags) -> Result<usize, Errno> {
        socket::recv(self.0, buf, flags.peek, flags.nonblocking).map(|(n, _)| n)
    }

    fn write(&self, data: &[u8], flags: IoFlags) -> Result<usize, Errno> {
        socket::send(self.0, data, None, flags.nonblocking)
    }

    fn readiness(&self) -> i16 {
        socket::readiness(self.0)
    }

    fn stat(&self) -> Result<stat, Errno> {
        Ok(stat {
            st_mode: S_IFSOCK | 0o777,
            st_nlink: 1,
            st_blksize: 4096,
            ..Default::default()
        })
    }

    fn socket_id(&self) -> Option<u32> {
        Some(self.0)
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        socket::close(self.0);
    }
}
