//! What a descriptor refers to: an object of some kind (a regular file, a directory, a
//! device, the console, a socket, an eventfd...) behind one trait, `FileObject`, and the
//! open file description (`OpenFile`) that descriptors made by `dup` share: the object,
//! the access mode and the status flags. Each kind is one module (`fd::kind`,
//! `net::socket_file`); the calls on descriptors only ever go through the trait, so a
//! new kind is one new module and no `match` anywhere else.
//!
//! An object's I/O runs with no descriptor-table lock held: a slow console, a blocking
//! socket or a large file copy never holds up other descriptors. An object is freed
//! (its `Drop`: the inode released, the socket closed) when the last descriptor and the
//! last call using it let go of it.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicI32, Ordering};

use super::flags::{Access, STATUS_FLAGS};
use crate::abi::errno::{EBADF, EINVAL, ENOTDIR, ENOTTY, ESPIPE};
use crate::abi::net::{POLLIN, POLLOUT};
use crate::abi::{O_APPEND, O_NONBLOCK, stat};
use crate::fs::Errno;

/// How a read or write goes, from the open file's status flags and the call's flags
/// (`recv`'s `MSG_PEEK`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IoFlags {
    /// `O_NONBLOCK`: `EAGAIN` instead of waiting.
    pub nonblocking: bool,
    /// `O_APPEND`: writes go to the end of a file.
    pub append: bool,
    /// `MSG_PEEK`: the data read stays to be read again.
    pub peek: bool,
}

/// The operations on an open object. Defaults are what Linux answers for an object that
/// does not have the operation; a kind overrides what it supports.
pub trait FileObject: Send + Sync {
    /// Reads at the object's position (if it has one), moving it.
    fn read(&self, buf: &mut [u8], flags: IoFlags) -> Result<usize, Errno>;

    /// Writes at the object's position (or where `flags` say), moving it.
    fn write(&self, data: &[u8], flags: IoFlags) -> Result<usize, Errno>;

    /// `pread`: reads at `offset`, the position unchanged.
    fn pread(&self, _buf: &mut [u8], _offset: u64) -> Result<usize, Errno> {
        Err(ESPIPE)
    }

    /// `pwrite`: writes at `offset` (at the end with `flags.append`, as Linux).
    fn pwrite(&self, _data: &[u8], _offset: u64, _flags: IoFlags) -> Result<usize, Errno> {
        Err(ESPIPE)
    }

    /// `lseek`: the new position.
    fn seek(&self, _offset: i64, _whence: i32) -> Result<i64, Errno> {
        Err(ESPIPE)
    }

    /// `POLLIN`/`POLLOUT`/`POLLHUP`/`POLLERR` as `poll` reports them now. Files,
    /// directories and devices never block.
    fn readiness(&self) -> i16 {
        POLLIN | POLLOUT
    }

    fn stat(&self) -> Result<stat, Errno>;

    /// `isatty`: whether this is a terminal. Only a console stream can be, when the
    /// runner's own stream is one (`tty=` kernel option).
    fn is_terminal(&self) -> bool {
        false
    }

    /// `ioctl` requests other than `FIONBIO` (which is the open file's): none is known
    /// unless a kind says so (no terminal control: a terminal is the runner's).
    fn ioctl(&self, _cmd: i32, _arg: usize) -> Result<i32, Errno> {
        Err(ENOTTY)
    }

    /// `getdents64` (see `Fs::getdents`).
    fn getdents(&self, _buf: &mut [u8]) -> Result<usize, Errno> {
        Err(ENOTDIR)
    }

    /// `ftruncate` (the open file checked the access mode).
    fn truncate(&self, _len: u64) -> Result<(), Errno> {
        Err(EINVAL)
    }

    /// `fsync`/`fdatasync`: data in memory needs nothing; a file on a volume is made
    /// durable on the host.
    fn sync(&self, _datasync: bool) -> Result<(), Errno> {
        Ok(())
    }

    /// `fchmod`, `fchown`, `futimens`: the in-memory filesystem keeps no owners and
    /// sets its own times, so they are accepted; a volume's file passes them on.
    fn set_attr(&self, _s: &crate::fs::fuse::proto::SetAttr) -> Result<(), Errno> {
        Ok(())
    }

    /// The volume node and file handle, if this is a file on a volume: record locks,
    /// `flock` and `fstatvfs` go to the host.
    fn volume_node(&self) -> Option<(&crate::fs::fuse::volume::Node, u64)> {
        None
    }

    /// The network stack's socket, if this is one (the socket calls use it).
    fn socket_id(&self) -> Option<u32> {
        None
    }
}

/// An open file description: what `open`, `socket`, `accept` and `eventfd` make and
/// `dup` shares.
pub struct OpenFile {
    object: Arc<dyn FileObject>,
    access: Access,
    /// `flags::STATUS_FLAGS` bits (`O_APPEND`, `O_NONBLOCK`).
    status: AtomicI32,
}

impl OpenFile {
    pub fn new(object: Arc<dyn FileObject>, access: Access, status: i32) -> OpenFile {
        OpenFile {
            object,
            access,
            status: AtomicI32::new(status & STATUS_FLAGS),
        }
    }

    pub fn object(&self) -> &dyn FileObject {
        &*self.object
    }

    pub fn access(&self) -> Access {
        self.access
    }

    /// The status flags, for `F_GETFL`.
    pub fn status(&self) -> i32 {
        self.status.load(Ordering::Relaxed)
    }

    /// `F_SETFL`: unknown bits are dropped.
    pub fn set_status(&self, status: i32) {
        self.status.store(status & STATUS_FLAGS, Ordering::Relaxed);
    }

    /// `FIONBIO`.
    pub fn set_nonblocking(&self, on: bool) {
        if on {
            self.status.fetch_or(O_NONBLOCK, Ordering::Relaxed);
        } else {
            self.status.fetch_and(!O_NONBLOCK, Ordering::Relaxed);
        }
    }

    pub fn nonblocking(&self) -> bool {
        self.status() & O_NONBLOCK != 0
    }

    /// The flags of a plain read or write; `peek` for `recv(MSG_PEEK)`.
    pub fn io_flags(&self, peek: bool) -> IoFlags {
        let status = self.status();
        IoFlags {
            nonblocking: status & O_NONBLOCK != 0,
            append: status & O_APPEND != 0,
            peek,
        }
    }

    fn readable(&self) -> Result<(), Errno> {
        if self.access.can_read() {
            Ok(())
        } else {
            Err(EBADF)
        }
    }

    fn writable(&self) -> Result<(), Errno> {
        if self.access.can_write() {
            Ok(())
        } else {
            Err(EBADF)
        }
    }

    /// `read`, and `recv` with `peek`.
    pub fn read(&self, buf: &mut [u8], peek: bool) -> Result<usize, Errno> {
        self.readable()?;
        self.object.read(buf, self.io_flags(peek))
    }

    /// `write` and `send`.
    pub fn write(&self, data: &[u8]) -> Result<usize, Errno> {
        self.writable()?;
        self.object.write(data, self.io_flags(false))
    }

    pub fn pread(&self, buf: &mut [u8], offset: i64) -> Result<usize, Errno> {
        let offset = u64::try_from(offset).map_err(|_| EINVAL)?;
        self.readable()?;
        self.object.pread(buf, offset)
    }

    pub fn pwrite(&self, data: &[u8], offset: i64) -> Result<usize, Errno> {
        let offset = u64::try_from(offset).map_err(|_| EINVAL)?;
        self.writable()?;
        self.object.pwrite(data, offset, self.io_flags(false))
    }

    /// `ftruncate`: `EINVAL` unless open for writing, as Linux.
    pub fn truncate(&self, len: i64) -> Result<(), Errno> {
        let len = u64::try_from(len).map_err(|_| EINVAL)?;
        if !self.access.can_write() {
            return Err(EINVAL);
        }
        self.object.truncate(len)
    }
}
