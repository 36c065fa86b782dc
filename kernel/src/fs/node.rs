//! An inode: what a file, directory, device or symbolic link is, apart from its names
//! (those are entries in directories). Holds the contents, permission bits, link count, times, and
//! how many open files refer to it (an unlinked file lives on until the last one is
//! closed).

use super::Ino;
use super::cell::FileCell;
use super::device::Device;
use super::dir::Dir;
use crate::abi::{
    DT_CHR, DT_DIR, DT_LNK, DT_REG, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG, stat, timespec,
};
use alloc::boxed::Box;
use alloc::sync::Arc;

/// Device number `st_dev` reports for the in-memory filesystem.
pub const FS_DEV: u64 = 1;
/// `st_blksize`: the preferred I/O size.
const BLOCK_SIZE: i64 = 4096;

pub enum Body {
    /// The contents, shared with the open files (`fd::kind::regular`).
    File(Arc<FileCell>),
    Dir(Dir),
    /// A character device (`/dev/null` and the like): no contents of its own.
    Device(Device),
    /// A symbolic link: the path it holds (any bytes, resolved when it is followed).
    Symlink(Box<[u8]>),
}

pub struct Node {
    pub body: Body,
    /// Permission bits (`0o7777`); the type comes from `body`.
    pub perm: u32,
    /// Names that refer to it: for a file, device or link one per hard link, 0 once
    /// the last is removed; for a
    /// directory 2 (its name and its `.`) plus one per subdirectory (their `..`).
    pub nlink: u32,
    /// Open files and the current directory that keep it alive after it is unlinked.
    pub refs: u32,
    /// Made at boot for the system (`/dev` and its devices): it cannot be removed or
    /// renamed, and, a directory, gets no new names.
    pub fixed: bool,
    /// A `/proc` file: its contents are made anew at every open (`procfs`).
    pub generated: Option<super::procfs::ProcFile>,
    pub atime: timespec,
    pub mtime: timespec,
    pub ctime: timespec,
}

impl Node {
    pub fn new(body: Body, perm: u32, now: timespec) -> Self {
        let nlink = match body {
            Body::File(_) | Body::Device(_) | Body::Symlink(_) => 1,
            Body::Dir(_) => 2,
        };
        Node {
            body,
            perm: perm & 0o7777,
            nlink,
            refs: 0,
            fixed: false,
            generated: None,
            atime: now,
            mtime: now,
            ctime: now,
        }
    }

    pub fn is_dir(&self) -> bool {
        matches!(self.body, Body::Dir(_))
    }

    pub fn dir(&self) -> Option<&Dir> {
        match &self.body {
            Body::Dir(d) => Some(d),
            _ => None,
        }
    }

    pub fn dir_mut(&mut self) -> Option<&mut Dir> {
        match &mut self.body {
            Body::Dir(d) => Some(d),
            _ => None,
        }
    }

    /// A symbolic link's target.
    pub fn link_target(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Symlink(t) => Some(t),
            _ => None,
        }
    }

    /// A regular file's contents (locked by their own methods).
    pub fn file(&self) -> Option<&Arc<FileCell>> {
        match &self.body {
            Body::File(f) => Some(f),
            _ => None,
        }
    }

    pub fn d_type(&self) -> u8 {
        match self.body {
            Body::File(_) => DT_REG,
            Body::Dir(_) => DT_DIR,
            Body::Device(_) => DT_CHR,
            Body::Symlink(_) => DT_LNK,
        }
    }

    pub fn mode(&self) -> u32 {
        self.perm
            | match self.body {
                Body::File(_) => S_IFREG,
                Body::Dir(_) => S_IFDIR,
                Body::Device(_) => S_IFCHR,
                Body::Symlink(_) => S_IFLNK,
            }
    }

    /// Contents changed: modification and change time.
    pub fn modified(&mut self, now: timespec) {
        self.mtime = now;
        self.ctime = now;
    }

    pub fn stat(&self, ino: Ino) -> stat {
        let (size, stored, rdev) = match &self.body {
            Body::File(f) => (f.len() as i64, f.stored_bytes() as i64, 0),
            // Linux's tmpfs reports a directory's size from its entries; any stable
            // value will do, so one block.
            Body::Dir(_) => (BLOCK_SIZE, BLOCK_SIZE, 0),
            Body::Device(d) => (0, 0, d.rdev()),
            // As on Linux: the length of the target; tmpfs stores short ones in the inode.
            Body::Symlink(t) => (t.len() as i64, 0, 0),
        };
        stat {
            st_dev: FS_DEV,
            st_ino: ino,
            st_nlink: self.nlink as u64,
            st_mode: self.mode(),
            st_uid: 0,
            st_gid: 0,
            st_rdev: rdev,
            st_size: size,
            st_blksize: BLOCK_SIZE,
            // 512-byte units, as POSIX defines st_blocks.
            st_blocks: (stored + 511) / 512,
            st_atim: self.atime,
            st_mtim: self.mtime,
            st_ctim: self.ctime,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_of_file_and_dir() {
        let t = timespec {
            tv_sec: 5,
            tv_nsec: 6,
        };
        let f = Node::new(Body::File(FileCell::new().unwrap()), 0o100644, t);
        f.file().unwrap().write_at(1000, b"x").unwrap();
        let s = f.stat(7);
        assert_eq!(s.st_mode, S_IFREG | 0o644);
        assert_eq!(
            (s.st_ino, s.st_nlink, s.st_size, s.st_blocks),
            (7, 1, 1001, 2)
        );
        assert_eq!(s.st_mtim, t);
        assert_eq!(f.d_type(), DT_REG);

        let d = Node::new(Body::Dir(Dir::new(1)), 0o755, t);
        let s = d.stat(1);
        assert_eq!(s.st_mode, S_IFDIR | 0o755);
        assert_eq!(s.st_nlink, 2);
        assert_eq!(d.d_type(), DT_DIR);
        assert!(d.dir().is_some() && d.file().is_none());
    }
}
