//! The in-memory filesystem: a tree of directories and regular files rooted at `/`,
//! with `/tmp`, `/dev` (the character devices `null`, `zero`, `full`, `random` and
//! `urandom`: `device`) and `/proc` (`version`, `cpuinfo`, `meminfo`: `procfs`) made when
//! it is created. File contents live in memory (`data`),
//! sized by what the heap can give; running out is `ENOMEM`, never a panic.
//!
//! `Fs` is plain data with `&mut self` operations and Linux's error semantics; it knows
//! nothing of descriptors, locks or the CPU, so all of it is tested on the host (and
//! under Miri). The descriptor layer (`crate::fd`) shares the one `Fs` (`SharedFs`)
//! with the open files, which lock it for each operation; the clock comes in as a function so tests can use their own.
//!
//! Symbolic and hard links (`links`, followed by `lookup`); modes are stored and
//! changed (`attrs`), the umask applied at creation; no ownership (everything is
//! root's), no permission checks beyond what root sees on Linux.

// Safe code only: application memory and hardware are reached through safe APIs
// (`syscalls::uaccess`, `drivers`, `abi::addrinfo_list`).
#![deny(unsafe_code)]

mod attrs;
pub mod cell;
mod content;
mod cwd;
mod data;
pub mod device;
mod dir;
pub(crate) mod dirent;
pub mod fuse;
mod links;
mod lookup;
mod namespace;
mod node;
pub mod path;
mod procfs;
pub mod slab;

use crate::abi::errno::{EIO, ENOENT};
use crate::abi::timespec;
use dir::Dir;
use node::{Body, Node};
use slab::Slab;

pub use data::MAX_SIZE;
pub use device::Device;
pub use namespace::OpenHow;

/// A positive errno value (`crate::abi::errno`).
pub use crate::abi::errno::Errno;

/// The locks of the filesystem (the one `Fs`, and each file's contents, `cell`). In the
/// kernel they are `SleepLock`s: interrupts stay on while one is held, so copying a large
/// file's data holds off neither the timer nor the devices, and a task that finds one
/// held sleeps instead of spinning on a holder that may have been preempted. So they
/// must not be taken by an interrupt handler, an idle task, or under an interrupt-off
/// spinlock (the descriptor table's: `fd::global::open` opens outside it). The
/// filesystem's lock may be held while a file's is taken, never the other way round.
/// On the host (tests, Miri) they are plain spinlocks.
#[cfg(target_os = "none")]
pub type Lock<T> = crate::sched::SleepLock<T>;
#[cfg(not(target_os = "none"))]
pub type Lock<T> = hermit_sync::SpinMutex<T>;
pub type FsLock = Lock<Fs>;
/// The filesystem as the descriptor table and the open files share it.
pub type SharedFs = alloc::sync::Arc<FsLock>;
/// An inode number.
pub type Ino = u64;
/// Wall-clock time in nanoseconds since the epoch.
pub type Clock = fn() -> i128;

/// The root directory's inode number.
pub const ROOT: Ino = 1;
/// The umask at boot (Linux's default): applied to the mode of every file, directory
/// and link created, until `umask` changes it.
pub const UMASK: u32 = 0o022;

pub struct Fs {
    /// Inode `n` is slot `n - 1`.
    nodes: Slab<Node>,
    /// The current directory (holds a reference, so it outlives its removal).
    cwd: Ino,
    clock: Clock,
    /// The process's file mode creation mask (`umask`).
    umask: u32,
}

impl Fs {
    /// A filesystem holding `/`, `/tmp` and `/dev` with its devices.
    pub fn new(clock: Clock) -> Result<Fs, Errno> {
        let mut fs = Fs {
            nodes: Slab::new(),
            cwd: ROOT,
            clock,
            umask: UMASK,
        };
        let now = fs.now();
        let root = fs
            .nodes
            .insert(Node::new(Body::Dir(Dir::new(ROOT)), 0o755, now))?;
        debug_assert_eq!(root as Ino + 1, ROOT);
        fs.node_mut(ROOT)?.refs = 1; // the current directory
        fs.mkdir(b"/tmp", 0o777)?;
        // World-writable and sticky, as /tmp is on Linux (the umask does not apply).
        let tmp = fs.lookup(b"/tmp")?;
        fs.node_mut(tmp)?.perm = 0o1777;
        fs.make_dev()?;
        fs.make_proc()?;
        Ok(fs)
    }

    fn now(&self) -> timespec {
        let ns = (self.clock)();
        timespec {
            tv_sec: ns.div_euclid(1_000_000_000) as i64,
            tv_nsec: ns.rem_euclid(1_000_000_000) as i32,
        }
    }

    /// The node `ino`; `EIO` if there is none, which would be a bug here (every inode
    /// number the filesystem hands out stays valid while it is referenced).
    fn node(&self, ino: Ino) -> Result<&Node, Errno> {
        self.nodes.get((ino as usize).wrapping_sub(1)).ok_or(EIO)
    }

    fn node_mut(&mut self, ino: Ino) -> Result<&mut Node, Errno> {
        self.nodes
            .get_mut((ino as usize).wrapping_sub(1))
            .ok_or(EIO)
    }

    fn add_node(&mut self, node: Node) -> Result<Ino, Errno> {
        Ok(self.nodes.insert(node)? as Ino + 1)
    }

    /// Frees `ino` once nothing names or references it.
    fn free_if_unused(&mut self, ino: Ino) {
        if let Ok(n) = self.node(ino)
            && n.nlink == 0
            && n.refs == 0
        {
            self.nodes.remove(ino as usize - 1);
        }
    }

    /// Takes a reference on `ino` (an open file), keeping it alive after it is removed.
    pub fn acquire(&mut self, ino: Ino) -> Result<(), Errno> {
        self.node_mut(ino)?.refs += 1;
        Ok(())
    }

    /// Drops a reference taken by `acquire` or `open`.
    pub fn release(&mut self, ino: Ino) {
        if let Ok(n) = self.node_mut(ino) {
            n.refs = n.refs.saturating_sub(1);
        }
        self.free_if_unused(ino);
    }

    pub fn is_dir(&self, ino: Ino) -> Result<bool, Errno> {
        Ok(self.node(ino)?.is_dir())
    }

    /// `stat` of the inode `ino`.
    pub fn stat_ino(&self, ino: Ino) -> Result<crate::abi::stat, Errno> {
        Ok(self.node(ino)?.stat(ino))
    }

    /// `stat` of what `path` names, following symbolic links.
    pub fn stat(&self, path: &[u8]) -> Result<crate::abi::stat, Errno> {
        self.stat_ino(self.lookup(path)?)
    }

    /// `lstat`: as `stat`, but a symbolic link as the last component is the link.
    pub fn lstat(&self, path: &[u8]) -> Result<crate::abi::stat, Errno> {
        self.stat_ino(self.lookup_nofollow(path)?)
    }

    /// Nodes alive (for tests and diagnostics).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// `ENOENT` if `dir` was removed (nothing can be created in it).
    fn check_alive(&self, dir: Ino) -> Result<(), Errno> {
        if self.node(dir)?.nlink == 0 {
            Err(ENOENT)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use core::sync::atomic::{AtomicI64, Ordering};

    static FAKE_NS: AtomicI64 = AtomicI64::new(1_700_000_000_000_000_000);

    /// A clock that advances one microsecond per reading.
    pub fn fake_clock() -> i128 {
        FAKE_NS.fetch_add(1000, Ordering::Relaxed) as i128
    }

    /// `open` creating the file if need be, for writing.
    pub const CREATE: OpenHow = OpenHow {
        create: true,
        exclusive: false,
        truncate: false,
        directory: false,
        nofollow: false,
        write: true,
    };
    /// `open` of an existing file, for reading.
    pub const READ: OpenHow = OpenHow {
        create: false,
        exclusive: false,
        truncate: false,
        directory: false,
        nofollow: false,
        write: false,
    };

    pub fn new_fs() -> Fs {
        Fs::new(fake_clock).unwrap()
    }

    /// Nodes of a new filesystem: `/`, `/tmp`, `/dev` and its five devices, `/proc` and
    /// its three files.
    pub const BOOT_NODES: usize = 12;
    /// `st_nlink` of `/` in a new filesystem: its name, its `.`, the `..` of `/tmp`, of
    /// `/dev` and of `/proc`.
    pub const ROOT_NLINK: u64 = 5;

    #[test]
    fn starts_with_root_tmp_and_dev() {
        let fs = new_fs();
        let root = fs.stat(b"/").unwrap();
        assert_eq!(root.st_ino, ROOT);
        assert_eq!(root.st_mode, crate::abi::S_IFDIR | 0o755);
        assert_eq!(root.st_nlink, ROOT_NLINK);
        let tmp = fs.stat(b"/tmp").unwrap();
        assert_eq!(tmp.st_mode, crate::abi::S_IFDIR | 0o1777);
        assert_eq!(tmp.st_nlink, 2);
        assert!(tmp.st_mtim.tv_sec > 1_600_000_000);
        assert_eq!(fs.stat(b"/dev").unwrap().st_nlink, 2);
        assert_eq!(fs.node_count(), BOOT_NODES);
    }
}
