//! One mounted volume as a FUSE client: the operations the descriptor layer needs, each
//! one synchronous request over a `Channel` (the virtio-fs device in the kernel, a fake
//! daemon in tests), and path resolution inside the volume.
//!
//! Paths are resolved here, component by component with LOOKUP, so the guest decides
//! where they lead: `..` at the volume's root stays there, and a symbolic link's target
//! is resolved inside the volume (an absolute target from the volume's root), so no path
//! leads outside it. Every node id a reply hands out is one lookup reference the daemon
//! keeps; `Node` gives it back (FORGET) when dropped.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use super::proto::{self, Attr, Entry, FileLock, Opcode, RequestArgs, SetAttr, StatFs};
use crate::abi::errno::{
    EBUSY, EEXIST, EINVAL, EIO, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EROFS, Errno,
};
use crate::abi::{S_IFDIR, S_IFMT, stat, timespec};

/// `S_IFLNK` (not in hermit-abi).
pub const S_IFLNK: u32 = 0o12_0000;
/// Symbolic links followed in one resolution before `ELOOP` (Linux's limit).
const MAX_SYMLINKS: u32 = 40;
/// Lookup references given back in one BATCH_FORGET (each is one host file descriptor
/// virtiofsd keeps open until then).
const FORGET_BATCH: usize = 32;
/// Longest name of one component.
const NAME_MAX: usize = 255;
/// The largest READ/WRITE this kernel sends, whatever the daemon allows (bounds the
/// bounce buffers).
const MAX_IO: usize = 1024 * 1024;

/// The lock owner of every record lock the guest takes (one process); FLUSH on close
/// names it so the host drops the process's locks on that file, as Linux does.
pub const PROCESS_LOCK_OWNER: u64 = 1;

/// How requests reach the daemon.
pub trait Channel: Send + Sync {
    /// Sends `request` and waits for its reply, at most `reply_len` bytes (out-header
    /// included); returns the bytes the daemon wrote. `EIO` when the device is gone.
    fn call(&self, request: Vec<u8>, reply_len: usize) -> Result<Vec<u8>, Errno>;
    /// Sends a request that has no reply (FORGET).
    fn send(&self, request: Vec<u8>);

    /// As `call`, with the reply's out-header in the returned bytes (`header_len` of
    /// them) and the rest of the reply written straight into `data` (READ into the
    /// application's buffer, no copy): returns the header and the bytes written in all.
    fn call_into(
        &self,
        request: Vec<u8>,
        header_len: usize,
        data: &mut [u8],
    ) -> Result<(Vec<u8>, usize), Errno> {
        let reply = self.call(request, header_len + data.len())?;
        let n = reply.len().saturating_sub(header_len).min(data.len());
        data[..n].copy_from_slice(&reply[header_len..header_len + n]);
        Ok((reply[..header_len.min(reply.len())].to_vec(), reply.len()))
    }
}

pub struct Volume {
    chan: Arc<dyn Channel>,
    pub read_only: bool,
    /// `st_dev` of everything on the volume.
    pub dev: u64,
    /// READ and WRITE sizes (from INIT's `max_write`, bounded by `MAX_IO`).
    io_size: usize,
    unique: AtomicU64,
    /// Node ids whose lookup reference goes back with the next BATCH_FORGET.
    forgets: hermit_sync::SpinMutex<Vec<u64>>,
}

/// A node of the volume, looked up: its id is given back to the daemon when dropped.
pub struct Node {
    vol: Arc<Volume>,
    pub id: u64,
}

impl Node {
    pub fn volume(&self) -> &Arc<Volume> {
        &self.vol
    }

    /// Another reference (the root is never forgotten; others are looked up again by
    /// the caller, so this only exists for the root).
    fn root(vol: &Arc<Volume>) -> Node {
        Node {
            vol: vol.clone(),
            id: proto::ROOT_ID,
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if self.id != proto::ROOT_ID {
            self.vol.forget(self.id);
        }
    }
}

/// A path inside a volume split at its last component.
pub struct Parent {
    pub dir: Node,
    /// A plain name (not `.` or `..`), at most `NAME_MAX` bytes.
    pub name: Vec<u8>,
}

/// `true` when `mode` is a directory.
pub fn is_dir(mode: u32) -> bool {
    mode & S_IFMT == S_IFDIR
}

pub fn is_symlink(mode: u32) -> bool {
    mode & S_IFMT == S_IFLNK
}

impl Volume {
    /// Starts the FUSE session (INIT) over `chan`.
    pub fn new(chan: Arc<dyn Channel>, read_only: bool, dev: u64) -> Result<Arc<Volume>, Errno> {
        let mut v = Volume {
            chan,
            read_only,
            dev,
            io_size: 4096,
            unique: AtomicU64::new(1),
            forgets: hermit_sync::SpinMutex::new(Vec::new()),
        };
        let flags = proto::INIT_POSIX_LOCKS | proto::INIT_FLOCK_LOCKS | proto::INIT_BIG_WRITES;
        let reply = v.call(Opcode::Init, 0, |a| a.init(flags), proto::INIT_OUT_LEN)?;
        let init = proto::init_out(&reply)?;
        v.io_size = (init.max_write as usize).clamp(4096, MAX_IO);
        Ok(Arc::new(v))
    }

    /// Gives back one lookup reference of `node`, batched (the daemon keeps the node
    /// meanwhile, which only costs it a descriptor).
    fn forget(&self, node: u64) {
        let batch = {
            let mut pending = super::lock(&self.forgets);
            pending.push(node);
            if pending.len() < FORGET_BATCH {
                return;
            }
            core::mem::take(&mut *pending)
        };
        let req = proto::request(Opcode::BatchForget, self.next_unique(), 0, |a| {
            a.batch_forget(&batch)
        });
        self.chan.send(req);
    }

    /// Sends the pending FORGETs now.
    pub fn flush_forgets(&self) {
        let batch = core::mem::take(&mut *super::lock(&self.forgets));
        if !batch.is_empty() {
            let req = proto::request(Opcode::BatchForget, self.next_unique(), 0, |a| {
                a.batch_forget(&batch)
            });
            self.chan.send(req);
        }
    }

    fn next_unique(&self) -> u64 {
        self.unique.fetch_add(1, Ordering::Relaxed)
    }

    /// The largest READ or WRITE (callers split larger transfers).
    pub fn io_size(&self) -> usize {
        self.io_size
    }

    /// One request: its payload, or the daemon's error.
    fn call(
        &self,
        op: Opcode,
        node: u64,
        args: impl FnOnce(&mut RequestArgs),
        reply_payload: usize,
    ) -> Result<Vec<u8>, Errno> {
        let unique = self.next_unique();
        let req = proto::request(op, unique, node, args);
        let mut reply = self.chan.call(req, proto::OUT_HEADER_LEN + reply_payload)?;
        let len = proto::reply(&reply, unique)?.len();
        reply.drain(..proto::OUT_HEADER_LEN);
        reply.truncate(len);
        Ok(reply)
    }

    /// `EROFS` on a read-only volume.
    pub fn check_writable(&self) -> Result<(), Errno> {
        if self.read_only { Err(EROFS) } else { Ok(()) }
    }

    fn node(self: &Arc<Self>, e: &Entry) -> Node {
        Node {
            vol: self.clone(),
            id: e.node,
        }
    }

    pub fn lookup(self: &Arc<Self>, dir: u64, name: &[u8]) -> Result<(Node, Attr), Errno> {
        if name.len() > NAME_MAX {
            return Err(ENAMETOOLONG);
        }
        let r = self.call(Opcode::Lookup, dir, |a| a.name(name), proto::ENTRY_OUT_LEN)?;
        let e = proto::entry(&r)?;
        Ok((self.node(&e), e.attr))
    }

    pub fn getattr(&self, node: u64, fh: Option<u64>) -> Result<Attr, Errno> {
        let r = self.call(
            Opcode::Getattr,
            node,
            |a| a.getattr(fh),
            proto::ATTR_OUT_LEN,
        )?;
        proto::attr_out(&r)
    }

    pub fn setattr(&self, node: u64, s: &SetAttr) -> Result<Attr, Errno> {
        self.check_writable()?;
        let r = self.call(Opcode::Setattr, node, |a| a.setattr(s), proto::ATTR_OUT_LEN)?;
        proto::attr_out(&r)
    }

    pub fn readlink(&self, node: u64) -> Result<Vec<u8>, Errno> {
        self.call(Opcode::Readlink, node, |_| {}, 4096)
    }

    /// Walks `path` (relative to the top of `stack`, or to the volume's root if it
    /// starts with `/`), pushing each directory reached; `..` pops (never the root).
    /// The last component is pushed too, followed if it is a link and `follow`.
    fn walk(
        self: &Arc<Self>,
        stack: &mut Vec<(Node, Attr)>,
        path: &[u8],
        follow: bool,
        links: &mut u32,
    ) -> Result<(), Errno> {
        if path.first() == Some(&b'/') {
            stack.truncate(1);
        }
        let comps: Vec<&[u8]> = path
            .split(|&b| b == b'/')
            .filter(|c| !c.is_empty())
            .collect();
        for (i, &c) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let top = stack.last().ok_or(EIO)?;
            if !is_dir(top.1.mode) {
                return Err(ENOTDIR);
            }
            match c {
                b"." => {}
                b".." => {
                    if stack.len() > 1 {
                        stack.pop();
                    }
                }
                name => {
                    let (node, attr) = self.lookup(top.0.id, name)?;
                    if is_symlink(attr.mode) && (!last || follow) {
                        *links += 1;
                        if *links > MAX_SYMLINKS {
                            return Err(ELOOP);
                        }
                        let target = self.readlink(node.id)?;
                        drop(node);
                        if target.is_empty() {
                            return Err(ENOENT);
                        }
                        self.walk(stack, &target, true, links)?;
                    } else {
                        stack.push((node, attr));
                    }
                }
            }
        }
        Ok(())
    }

    /// The root's attributes, starting a resolution.
    /// The root is a directory: its attributes are only asked for when the path ends
    /// there (`resolve`), saving a request on every path.
    fn start(self: &Arc<Self>) -> Vec<(Node, Attr)> {
        let attr = Attr {
            mode: S_IFDIR,
            ..Attr::default()
        };
        let mut stack = Vec::new();
        stack.push((Node::root(self), attr));
        stack
    }

    /// What `path` (inside the volume) names, the last link followed if `follow`. A
    /// trailing `/` requires a directory.
    pub fn resolve(self: &Arc<Self>, path: &[u8], follow: bool) -> Result<(Node, Attr), Errno> {
        let trailing = path.last() == Some(&b'/');
        let mut stack = self.start();
        let mut links = 0;
        self.walk(&mut stack, path, follow || trailing, &mut links)?;
        let at_root = stack.len() == 1;
        let (node, mut attr) = stack.pop().ok_or(EIO)?;
        if at_root {
            attr = self.getattr(proto::ROOT_ID, None)?;
        }
        if trailing && !is_dir(attr.mode) {
            return Err(ENOTDIR);
        }
        Ok((node, attr))
    }

    /// The directory holding `path`'s last component, and that name. `at_root` is the
    /// error when there is no plain last name (the volume root, `.`, `..`): `EEXIST` to
    /// create, `EBUSY` to remove or rename.
    pub fn parent(self: &Arc<Self>, path: &[u8], at_root: Errno) -> Result<Parent, Errno> {
        let trimmed = {
            let mut end = path.len();
            while end > 0 && path[end - 1] == b'/' {
                end -= 1;
            }
            &path[..end]
        };
        let (dirs, name) = match trimmed.iter().rposition(|&b| b == b'/') {
            Some(i) => (&trimmed[..i + 1], &trimmed[i + 1..]),
            None => (&b""[..], trimmed),
        };
        if name.is_empty() || name == b"." || name == b".." {
            // Make sure the path exists at all first (ENOENT before EEXIST/EBUSY).
            self.resolve(path, true)?;
            return Err(if name == b"." { EINVAL } else { at_root });
        }
        if name.len() > NAME_MAX {
            return Err(ENAMETOOLONG);
        }
        let mut stack = self.start();
        let mut links = 0;
        self.walk(&mut stack, dirs, true, &mut links)?;
        let (dir, attr) = stack.pop().ok_or(EIO)?;
        if !is_dir(attr.mode) {
            return Err(ENOTDIR);
        }
        Ok(Parent {
            dir,
            name: name.to_vec(),
        })
    }

    pub fn open(&self, node: u64, flags: u32, dir: bool) -> Result<u64, Errno> {
        let op = if dir { Opcode::Opendir } else { Opcode::Open };
        let r = self.call(op, node, |a| a.open(flags), proto::OPEN_OUT_LEN)?;
        proto::open_out(&r)
    }

    pub fn create(
        self: &Arc<Self>,
        dir: u64,
        name: &[u8],
        flags: u32,
        mode: u32,
    ) -> Result<(Node, Attr, u64), Errno> {
        self.check_writable()?;
        let r = self.call(
            Opcode::Create,
            dir,
            |a| a.create(flags, mode, name),
            proto::ENTRY_OUT_LEN + proto::OPEN_OUT_LEN,
        )?;
        let (e, fh) = proto::create_out(&r)?;
        Ok((self.node(&e), e.attr, fh))
    }

    pub fn mkdir(self: &Arc<Self>, dir: u64, name: &[u8], mode: u32) -> Result<(), Errno> {
        self.check_writable()?;
        let r = self.call(
            Opcode::Mkdir,
            dir,
            |a| a.mkdir(mode, name),
            proto::ENTRY_OUT_LEN,
        )?;
        let e = proto::entry(&r)?;
        drop(self.node(&e));
        Ok(())
    }

    pub fn symlink(self: &Arc<Self>, dir: u64, name: &[u8], target: &[u8]) -> Result<(), Errno> {
        self.check_writable()?;
        let r = self.call(
            Opcode::Symlink,
            dir,
            |a| a.symlink(name, target),
            proto::ENTRY_OUT_LEN,
        )?;
        let e = proto::entry(&r)?;
        drop(self.node(&e));
        Ok(())
    }

    pub fn link(self: &Arc<Self>, node: u64, dir: u64, name: &[u8]) -> Result<(), Errno> {
        self.check_writable()?;
        let r = self.call(
            Opcode::Link,
            dir,
            |a| a.link(node, name),
            proto::ENTRY_OUT_LEN,
        )?;
        let e = proto::entry(&r)?;
        drop(self.node(&e));
        Ok(())
    }

    /// UNLINK, or RMDIR with `dir`.
    pub fn remove(&self, parent: u64, name: &[u8], dir: bool) -> Result<(), Errno> {
        self.check_writable()?;
        let op = if dir { Opcode::Rmdir } else { Opcode::Unlink };
        self.call(op, parent, |a| a.name(name), 0).map(|_| ())
    }

    pub fn rename(&self, old: &Parent, new: &Parent) -> Result<(), Errno> {
        self.check_writable()?;
        self.call(
            Opcode::Rename,
            old.dir.id,
            |a| a.rename(new.dir.id, &old.name, &new.name),
            0,
        )
        .map(|_| ())
    }

    /// READ into `buf` (at most the I/O size): the bytes read.
    pub fn read_into(
        &self,
        node: u64,
        fh: u64,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, Errno> {
        let len = buf.len().min(self.io_size);
        let unique = self.next_unique();
        let req = proto::request(Opcode::Read, unique, node, |a| {
            a.read(fh, offset, len as u32)
        });
        let (header, received) =
            self.chan
                .call_into(req, proto::OUT_HEADER_LEN, &mut buf[..len])?;
        let total = proto::reply_len(&header, unique, received)?;
        Ok((total - proto::OUT_HEADER_LEN).min(len))
    }

    pub fn write(&self, node: u64, fh: u64, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        self.check_writable()?;
        let data = &data[..data.len().min(self.io_size)];
        let r = self.call(Opcode::Write, node, |a| a.write(fh, offset, data), 8)?;
        Ok((proto::write_out(&r)? as usize).min(data.len()))
    }

    /// One READDIR page from `offset`.
    pub fn readdir(&self, node: u64, fh: u64, offset: u64) -> Result<Vec<u8>, Errno> {
        let len = self.io_size.min(32 * 1024);
        self.call(
            Opcode::Readdir,
            node,
            |a| a.read(fh, offset, len as u32),
            len,
        )
    }

    pub fn release(&self, node: u64, fh: u64, dir: bool) {
        let op = if dir {
            Opcode::Releasedir
        } else {
            Opcode::Release
        };
        let _ = self.call(op, node, |a| a.release(fh, 0), 0);
    }

    pub fn flush(&self, node: u64, fh: u64) -> Result<(), Errno> {
        self.call(Opcode::Flush, node, |a| a.flush(fh, 0), 0)
            .map(|_| ())
    }

    pub fn fsync(&self, node: u64, fh: u64, datasync: bool, dir: bool) -> Result<(), Errno> {
        let op = if dir { Opcode::Fsyncdir } else { Opcode::Fsync };
        self.call(op, node, |a| a.fsync(fh, datasync), 0)
            .map(|_| ())
    }

    pub fn lseek(&self, node: u64, fh: u64, offset: u64, whence: u32) -> Result<u64, Errno> {
        let r = self.call(Opcode::Lseek, node, |a| a.lseek(fh, offset, whence), 8)?;
        proto::lseek_out(&r)
    }

    pub fn access(&self, node: u64, mask: u32) -> Result<(), Errno> {
        self.call(Opcode::Access, node, |a| a.access(mask), 0)
            .map(|_| ())
    }

    pub fn statfs(&self) -> Result<StatFs, Errno> {
        let r = self.call(
            Opcode::Statfs,
            proto::ROOT_ID,
            |_| {},
            proto::STATFS_OUT_LEN,
        )?;
        proto::statfs_out(&r)
    }

    /// GETLK: the conflicting lock, or `kind` F_UNLCK.
    pub fn getlk(&self, node: u64, fh: u64, owner: u64, lk: &FileLock) -> Result<FileLock, Errno> {
        let r = self.call(
            Opcode::Getlk,
            node,
            |a| a.lock(fh, owner, lk, false),
            proto::LK_OUT_LEN,
        )?;
        proto::lk_out(&r)
    }

    /// SETLK (never SETLKW: the daemon refuses to block; callers retry).
    pub fn setlk(
        &self,
        node: u64,
        fh: u64,
        owner: u64,
        lk: &FileLock,
        flock: bool,
    ) -> Result<(), Errno> {
        self.call(Opcode::Setlk, node, |a| a.lock(fh, owner, lk, flock), 0)
            .map(|_| ())
    }

    /// `stat` of a node with attributes `a`.
    pub fn stat(&self, a: &Attr) -> stat {
        let ts = |(s, ns): (u64, u32)| timespec {
            tv_sec: s as i64,
            tv_nsec: ns as i32,
        };
        stat {
            st_dev: self.dev,
            st_ino: a.ino,
            st_nlink: a.nlink as u64,
            st_mode: a.mode,
            st_uid: a.uid,
            st_gid: a.gid,
            st_rdev: a.rdev as u64,
            st_size: a.size as i64,
            st_blksize: a.blksize as i64,
            st_blocks: a.blocks as i64,
            st_atim: ts(a.atime),
            st_mtim: ts(a.mtime),
            st_ctim: ts(a.ctime),
        }
    }
}

/// The in-memory `EBUSY`/`EEXIST` choices for `parent`, re-exported for callers.
pub const AT_ROOT_CREATE: Errno = EEXIST;
pub const AT_ROOT_REMOVE: Errno = EBUSY;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::fuse::fake::FakeDaemon;

    #[test]
    fn resolution_stays_inside() {
        let (vol, d) = FakeDaemon::volume(false);
        d.mkdir(1, b"dir");
        d.file(2, b"f", b"hello");
        d.symlink(1, b"abs", b"/dir/f");
        d.symlink(1, b"up", b"../../dir");
        d.symlink(1, b"loop", b"loop");
        let root = vol.resolve(b"", true).unwrap().1.ino;
        assert_eq!(vol.resolve(b"/..", true).unwrap().1.ino, root);
        assert_eq!(vol.resolve(b"/../../dir/f", true).unwrap().1.size, 5);
        assert_eq!(vol.resolve(b"abs", true).unwrap().1.size, 5);
        assert!(is_symlink(vol.resolve(b"abs", false).unwrap().1.mode));
        assert!(is_dir(vol.resolve(b"up", true).unwrap().1.mode));
        assert_eq!(vol.resolve(b"up/f", true).unwrap().1.size, 5);
        assert_eq!(vol.resolve(b"loop", true).err(), Some(ELOOP));
        assert_eq!(vol.resolve(b"dir/f/x", true).err(), Some(ENOTDIR));
        assert_eq!(vol.resolve(b"dir/f/", true).err(), Some(ENOTDIR));
        assert_eq!(vol.resolve(b"nope", true).err(), Some(ENOENT));
        let p = vol.parent(b"/dir/new", EEXIST).unwrap();
        assert_eq!(p.name, b"new");
        assert_eq!(vol.parent(b"/", EEXIST).err(), Some(EEXIST));
        assert_eq!(vol.parent(b"/dir/..", EBUSY).err(), Some(EBUSY));
        drop(p);
        // Every lookup reference was given back (after the last batch).
        vol.flush_forgets();
        assert_eq!(d.outstanding(), 0);
    }

    #[test]
    fn reads_into_the_callers_buffer() {
        let (vol, d) = FakeDaemon::volume(false);
        let f = d.file(1, b"f", b"hello");
        let mut buf = [0u8; 3];
        assert_eq!(vol.read_into(f, 7, 1, &mut buf), Ok(3));
        assert_eq!(&buf, b"ell");
        assert_eq!(vol.read_into(f, 7, 4, &mut buf), Ok(1));
        assert_eq!(buf[0], b'o');
        assert_eq!(vol.read_into(f, 7, 9, &mut buf), Ok(0));
    }

    #[test]
    fn forgets_go_back_in_batches() {
        let (vol, d) = FakeDaemon::volume(false);
        d.file(1, b"f", b"x");
        for _ in 0..FORGET_BATCH - 1 {
            drop(vol.lookup(1, b"f").unwrap());
        }
        assert_eq!(d.outstanding(), FORGET_BATCH as i64 - 1);
        drop(vol.lookup(1, b"f").unwrap());
        assert_eq!(d.outstanding(), 0);
    }

    #[test]
    fn read_only_refuses_changes() {
        let (vol, d) = FakeDaemon::volume(true);
        d.file(1, b"f", b"x");
        assert_eq!(vol.mkdir(1, b"d", 0o755), Err(EROFS));
        assert_eq!(vol.remove(1, b"f", false), Err(EROFS));
        assert_eq!(vol.create(1, b"n", 0, 0o644).err(), Some(EROFS));
        assert_eq!(vol.write(2, 1, 0, b"x"), Err(EROFS));
        assert_eq!(d.requests_after_init(), 0);
    }
}
