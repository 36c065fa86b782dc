//! Open files ("open file descriptions" in POSIX): what a descriptor refers to, with the
//! state descriptors made by `dup` share: the position, the access mode and the status
//! flags. `FD_CLOEXEC` belongs to the descriptor instead (`table::Slot`).

use super::flags::Access;
use crate::abi::{S_IFCHR, stat};
use crate::fs::{Device, Ino};

/// The console streams on descriptors 0, 1 and 2 when the VM starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// The runner's stdin (`crate::stdin`), at end of file when it gave none.
    Stdin,
    Stdout,
    Stderr,
}

impl Stream {
    /// `stat` of a console stream: a character device, as a terminal or pipe is.
    pub fn stat(self) -> stat {
        stat {
            st_mode: S_IFCHR | 0o620,
            st_nlink: 1,
            st_blksize: 1024,
            st_rdev: self as u64,
            ..Default::default()
        }
    }
}

/// What an open file is. Console, device, socket and eventfd I/O happens outside the
/// descriptor lock (see `files::Route`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Object {
    Console(Stream),
    File(Ino),
    Dir(Ino),
    /// A character device in `/dev`: its inode (kept alive like a file's) and what it
    /// does.
    Device(Ino, Device),
    /// A socket: its id in the network stack (`crate::net::socket`).
    Socket(u32),
    /// An eventfd: its id in `crate::net::eventfd`.
    EventFd(u32),
}

impl Object {
    /// The inode it keeps alive, if any.
    pub fn inode(self) -> Option<Ino> {
        match self {
            Object::File(ino) | Object::Dir(ino) | Object::Device(ino, _) => Some(ino),
            Object::Console(_) | Object::Socket(_) | Object::EventFd(_) => None,
        }
    }
}

#[derive(Debug)]
pub struct OpenFile {
    pub object: Object,
    pub access: Access,
    /// `flags::STATUS_FLAGS` bits (`O_APPEND`, `O_NONBLOCK`).
    pub status: i32,
    /// Byte position in a file; entry position in a directory (see `Fs::getdents`).
    pub offset: u64,
    /// Descriptors referring to it; it is closed when the last one is.
    pub fds: u32,
}

impl OpenFile {
    pub fn new(object: Object, access: Access, status: i32) -> Self {
        OpenFile {
            object,
            access,
            status,
            offset: 0,
            fds: 1,
        }
    }
}
