//! The FUSE wire format (the kernel-to-daemon protocol virtio-fs carries), written from
//! the protocol's description: every request is an in-header and the opcode's
//! arguments; every reply an out-header (its `error` a negated errno) and the opcode's
//! result. Little-endian, fixed layouts; plain byte encoding here, no I/O.

use alloc::vec::Vec;

use crate::abi::errno::{EIO, Errno};

/// Protocol version this kernel speaks (7.31: what QEMU 7.2's virtiofsd knows well).
pub const MAJOR: u32 = 7;
pub const MINOR: u32 = 31;

/// The node id of the shared directory's root.
pub const ROOT_ID: u64 = 1;

pub const IN_HEADER_LEN: usize = 40;
pub const OUT_HEADER_LEN: usize = 16;
/// `fuse_attr`.
pub const ATTR_LEN: usize = 88;
/// `fuse_entry_out`: node id, generation, two validities, then the attributes.
pub const ENTRY_OUT_LEN: usize = 40 + ATTR_LEN;
/// `fuse_attr_out`.
pub const ATTR_OUT_LEN: usize = 16 + ATTR_LEN;
/// `fuse_open_out`.
pub const OPEN_OUT_LEN: usize = 16;
/// `fuse_init_out` as of 7.31 (shorter replies are accepted).
pub const INIT_OUT_LEN: usize = 64;
/// `fuse_kstatfs` in `fuse_statfs_out`.
pub const STATFS_OUT_LEN: usize = 80;
/// `fuse_lk_out`.
pub const LK_OUT_LEN: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Opcode {
    Lookup = 1,
    Forget = 2,
    Getattr = 3,
    Setattr = 4,
    Readlink = 5,
    Symlink = 6,
    Mkdir = 9,
    Unlink = 10,
    Rmdir = 11,
    Rename = 12,
    Link = 13,
    Open = 14,
    Read = 15,
    Write = 16,
    Statfs = 17,
    Release = 18,
    Fsync = 20,
    Flush = 25,
    Init = 26,
    Opendir = 27,
    Readdir = 28,
    Releasedir = 29,
    Fsyncdir = 30,
    Getlk = 31,
    Setlk = 32,
    Setlkw = 33,
    Access = 34,
    Create = 35,
    BatchForget = 42,
    Lseek = 46,
}

/// `fuse_init` flags this kernel asks for.
pub const INIT_POSIX_LOCKS: u32 = 1 << 1;
pub const INIT_FLOCK_LOCKS: u32 = 1 << 10;
pub const INIT_BIG_WRITES: u32 = 1 << 5;

/// `fuse_setattr_in.valid` bits.
pub const FATTR_MODE: u32 = 1 << 0;
pub const FATTR_UID: u32 = 1 << 1;
pub const FATTR_GID: u32 = 1 << 2;
pub const FATTR_SIZE: u32 = 1 << 3;
pub const FATTR_ATIME: u32 = 1 << 4;
pub const FATTR_MTIME: u32 = 1 << 5;
pub const FATTR_FH: u32 = 1 << 6;
pub const FATTR_ATIME_NOW: u32 = 1 << 7;
pub const FATTR_MTIME_NOW: u32 = 1 << 8;

/// `fuse_getattr_in.getattr_flags`: `fh` is valid.
pub const GETATTR_FH: u32 = 1;
/// `fuse_fsync_in.fsync_flags`: data only.
pub const FSYNC_FDATASYNC: u32 = 1;
/// `fuse_lk_in.lk_flags`: a `flock` lock, not a record lock.
pub const LK_FLOCK: u32 = 1;

/// Appends little-endian fields to a request.
struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A name with its NUL.
    fn name(&mut self, name: &[u8]) -> &mut Self {
        self.0.extend_from_slice(name);
        self.0.push(0);
        self
    }
}

/// A whole request: the in-header (its length filled in) and `args`. `unique` tells
/// replies apart; uid/gid/pid are 0 (the application is root, one process).
pub fn request(
    opcode: Opcode,
    unique: u64,
    node: u64,
    args: impl FnOnce(&mut RequestArgs),
) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(IN_HEADER_LEN + 64));
    w.u32(0).u32(opcode as u32).u64(unique).u64(node);
    w.u32(0).u32(0).u32(0).u32(0);
    let mut a = RequestArgs(w);
    args(&mut a);
    let mut bytes = a.0.0;
    let len = bytes.len() as u32;
    bytes[0..4].copy_from_slice(&len.to_le_bytes());
    bytes
}

/// The arguments after the in-header, opcode by opcode.
pub struct RequestArgs(Writer);

impl RequestArgs {
    pub fn init(&mut self, flags: u32) {
        self.0.u32(MAJOR).u32(MINOR).u32(0).u32(flags);
    }
    /// LOOKUP, UNLINK, RMDIR.
    pub fn name(&mut self, name: &[u8]) {
        self.0.name(name);
    }
    pub fn forget(&mut self, nlookup: u64) {
        self.0.u64(nlookup);
    }
    /// BATCH_FORGET: one lookup reference of each node.
    pub fn batch_forget(&mut self, nodes: &[u64]) {
        self.0.u32(nodes.len() as u32).u32(0);
        for &n in nodes {
            self.0.u64(n).u64(1);
        }
    }
    pub fn getattr(&mut self, fh: Option<u64>) {
        let flags = if fh.is_some() { GETATTR_FH } else { 0 };
        self.0.u32(flags).u32(0).u64(fh.unwrap_or(0));
    }
    pub fn setattr(&mut self, s: &SetAttr) {
        let (valid, fh) = match s.fh {
            Some(fh) => (s.valid | FATTR_FH, fh),
            None => (s.valid, 0),
        };
        self.0.u32(valid).u32(0).u64(fh).u64(s.size).u64(0);
        self.0.u64(s.atime.0 as u64).u64(s.mtime.0 as u64).u64(0);
        self.0.u32(s.atime.1).u32(s.mtime.1).u32(0).u32(s.mode);
        self.0.u32(0).u32(s.uid).u32(s.gid).u32(0);
    }
    /// OPEN and OPENDIR: the open(2) flags.
    pub fn open(&mut self, flags: u32) {
        self.0.u32(flags).u32(0);
    }
    pub fn create(&mut self, flags: u32, mode: u32, name: &[u8]) {
        self.0.u32(flags).u32(mode).u32(0).u32(0).name(name);
    }
    pub fn mkdir(&mut self, mode: u32, name: &[u8]) {
        self.0.u32(mode).u32(0).name(name);
    }
    /// READ and READDIR.
    pub fn read(&mut self, fh: u64, offset: u64, size: u32) {
        self.0
            .u64(fh)
            .u64(offset)
            .u32(size)
            .u32(0)
            .u64(0)
            .u32(0)
            .u32(0);
    }
    pub fn write(&mut self, fh: u64, offset: u64, data: &[u8]) {
        self.0.u64(fh).u64(offset).u32(data.len() as u32).u32(0);
        self.0.u64(0).u32(0).u32(0);
        self.0.0.extend_from_slice(data);
    }
    /// RELEASE and RELEASEDIR.
    pub fn release(&mut self, fh: u64, flags: u32) {
        self.0.u64(fh).u32(flags).u32(0).u64(0);
    }
    pub fn flush(&mut self, fh: u64, lock_owner: u64) {
        self.0.u64(fh).u32(0).u32(0).u64(lock_owner);
    }
    /// FSYNC and FSYNCDIR.
    pub fn fsync(&mut self, fh: u64, datasync: bool) {
        let flags = if datasync { FSYNC_FDATASYNC } else { 0 };
        self.0.u64(fh).u32(flags).u32(0);
    }
    pub fn rename(&mut self, new_dir: u64, old: &[u8], new: &[u8]) {
        self.0.u64(new_dir).name(old).name(new);
    }
    pub fn link(&mut self, old_node: u64, new: &[u8]) {
        self.0.u64(old_node).name(new);
    }
    /// SYMLINK: the new name, then the target.
    pub fn symlink(&mut self, name: &[u8], target: &[u8]) {
        self.0.name(name).name(target);
    }
    pub fn access(&mut self, mask: u32) {
        self.0.u32(mask).u32(0);
    }
    pub fn lseek(&mut self, fh: u64, offset: u64, whence: u32) {
        self.0.u64(fh).u64(offset).u32(whence).u32(0);
    }
    /// GETLK, SETLK, SETLKW.
    pub fn lock(&mut self, fh: u64, owner: u64, lk: &FileLock, flock: bool) {
        self.0.u64(fh).u64(owner);
        self.0.u64(lk.start).u64(lk.end).u32(lk.kind).u32(lk.pid);
        self.0.u32(if flock { LK_FLOCK } else { 0 }).u32(0);
    }
}

/// What SETATTR changes (`valid` says which fields count).
#[derive(Clone, Copy, Debug, Default)]
pub struct SetAttr {
    pub valid: u32,
    pub fh: Option<u64>,
    pub size: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Seconds and nanoseconds.
    pub atime: (i64, u32),
    pub mtime: (i64, u32),
}

/// A record lock as FUSE carries it: `end` inclusive (`u64::MAX`: to the end of the
/// file), `kind` Linux's `F_RDLCK`/`F_WRLCK`/`F_UNLCK`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileLock {
    pub start: u64,
    pub end: u64,
    pub kind: u32,
    pub pid: u32,
}

/// Reads little-endian fields of a reply, `EIO` when it is short (a daemon bug or a
/// reply that does not belong).
struct Reader<'a>(&'a [u8], usize);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], Errno> {
        let bytes = self.0.get(self.1..self.1 + N).ok_or(EIO)?;
        self.1 += N;
        Ok(bytes.try_into().map_err(|_| EIO)?)
    }
    fn u16(&mut self) -> Result<u16, Errno> {
        Ok(u16::from_le_bytes(self.take()?))
    }
    fn u32(&mut self) -> Result<u32, Errno> {
        Ok(u32::from_le_bytes(self.take()?))
    }
    fn u64(&mut self) -> Result<u64, Errno> {
        Ok(u64::from_le_bytes(self.take()?))
    }
}

/// The out-header: the reply's payload, or the daemon's error. `unique` must match.
pub fn reply(bytes: &[u8], unique: u64) -> Result<&[u8], Errno> {
    let len = reply_len(bytes, unique, bytes.len())?;
    Ok(&bytes[OUT_HEADER_LEN..len])
}

/// The out-header at the start of `header`, of a reply of which `received` bytes (header
/// included) arrived, possibly in other buffers: the reply's whole length, or the
/// daemon's error.
pub fn reply_len(header: &[u8], unique: u64, received: usize) -> Result<usize, Errno> {
    let mut r = Reader(header, 0);
    let len = r.u32()? as usize;
    let error = r.u32()? as i32;
    let got_unique = r.u64()?;
    if got_unique != unique || len < OUT_HEADER_LEN || len > received {
        return Err(EIO);
    }
    if error != 0 {
        // A negated errno; one this kernel has no name for is reported as EIO.
        return Err(error
            .checked_neg()
            .and_then(Errno::from_code)
            .unwrap_or(EIO));
    }
    Ok(len)
}

/// `fuse_attr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attr {
    pub ino: u64,
    pub size: u64,
    pub blocks: u64,
    pub atime: (u64, u32),
    pub mtime: (u64, u32),
    pub ctime: (u64, u32),
    pub mode: u32,
    pub nlink: u32,
    pub uid: u32,
    pub gid: u32,
    pub rdev: u32,
    pub blksize: u32,
}

fn attr(r: &mut Reader) -> Result<Attr, Errno> {
    let (ino, size, blocks) = (r.u64()?, r.u64()?, r.u64()?);
    let (atime, mtime, ctime) = (r.u64()?, r.u64()?, r.u64()?);
    let (an, mn, cn) = (r.u32()?, r.u32()?, r.u32()?);
    let (mode, nlink, uid, gid, rdev, blksize) =
        (r.u32()?, r.u32()?, r.u32()?, r.u32()?, r.u32()?, r.u32()?);
    r.u32()?;
    Ok(Attr {
        ino,
        size,
        blocks,
        atime: (atime, an),
        mtime: (mtime, mn),
        ctime: (ctime, cn),
        mode,
        nlink,
        uid,
        gid,
        rdev,
        blksize,
    })
}

/// `fuse_entry_out`: the node id (one more lookup reference to FORGET) and attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub node: u64,
    pub attr: Attr,
}

pub fn entry(payload: &[u8]) -> Result<Entry, Errno> {
    let mut r = Reader(payload, 0);
    let node = r.u64()?;
    r.u64()?; // generation
    r.u64()?; // entry_valid
    r.u64()?; // attr_valid
    r.u32()?;
    r.u32()?;
    let attr = attr(&mut r)?;
    // Node id 0 is a negative entry (cached "no such name").
    if node == 0 {
        return Err(crate::abi::errno::ENOENT);
    }
    Ok(Entry { node, attr })
}

pub fn attr_out(payload: &[u8]) -> Result<Attr, Errno> {
    let mut r = Reader(payload, 0);
    r.u64()?;
    r.u32()?;
    r.u32()?;
    attr(&mut r)
}

/// `fuse_open_out`: the file handle.
pub fn open_out(payload: &[u8]) -> Result<u64, Errno> {
    Reader(payload, 0).u64()
}

/// CREATE's reply: an entry, then the open handle.
pub fn create_out(payload: &[u8]) -> Result<(Entry, u64), Errno> {
    let e = entry(payload)?;
    let fh = open_out(payload.get(ENTRY_OUT_LEN..).ok_or(EIO)?)?;
    Ok((e, fh))
}

/// What INIT agreed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Init {
    pub minor: u32,
    pub flags: u32,
    pub max_write: u32,
}

pub fn init_out(payload: &[u8]) -> Result<Init, Errno> {
    let mut r = Reader(payload, 0);
    let major = r.u32()?;
    let minor = r.u32()?;
    r.u32()?; // max_readahead
    let flags = r.u32()?;
    r.u16()?;
    r.u16()?;
    let max_write = r.u32()?;
    if major != MAJOR {
        return Err(crate::abi::errno::EPROTONOSUPPORT);
    }
    Ok(Init {
        minor,
        flags,
        max_write,
    })
}

pub fn write_out(payload: &[u8]) -> Result<u32, Errno> {
    Reader(payload, 0).u32()
}

pub fn lseek_out(payload: &[u8]) -> Result<u64, Errno> {
    Reader(payload, 0).u64()
}

pub fn lk_out(payload: &[u8]) -> Result<FileLock, Errno> {
    let mut r = Reader(payload, 0);
    Ok(FileLock {
        start: r.u64()?,
        end: r.u64()?,
        kind: r.u32()?,
        pid: r.u32()?,
    })
}

/// `fuse_kstatfs`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatFs {
    pub blocks: u64,
    pub bfree: u64,
    pub bavail: u64,
    pub files: u64,
    pub ffree: u64,
    pub bsize: u32,
    pub namelen: u32,
    pub frsize: u32,
}

pub fn statfs_out(payload: &[u8]) -> Result<StatFs, Errno> {
    let mut r = Reader(payload, 0);
    Ok(StatFs {
        blocks: r.u64()?,
        bfree: r.u64()?,
        bavail: r.u64()?,
        files: r.u64()?,
        ffree: r.u64()?,
        bsize: r.u32()?,
        namelen: r.u32()?,
        frsize: r.u32()?,
    })
}

/// One `fuse_dirent` of a READDIR reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirEntry<'a> {
    pub ino: u64,
    /// The offset to continue reading after this entry.
    pub off: u64,
    pub kind: u32,
    pub name: &'a [u8],
}

/// The entries of a READDIR reply (a malformed tail ends the list with `EIO`).
pub fn dirents(payload: &[u8]) -> impl Iterator<Item = Result<DirEntry<'_>, Errno>> {
    let mut at = 0usize;
    core::iter::from_fn(move || {
        if at >= payload.len() {
            return None;
        }
        let mut r = Reader(payload, at);
        let parsed = (|| {
            let (ino, off, namelen, kind) = (r.u64()?, r.u64()?, r.u32()?, r.u32()?);
            let start = r.1;
            let name = payload
                .get(start..start.checked_add(namelen as usize).ok_or(EIO)?)
                .ok_or(EIO)?;
            Ok((
                DirEntry {
                    ino,
                    off,
                    kind,
                    name,
                },
                (24 + namelen as usize).next_multiple_of(8),
            ))
        })();
        match parsed {
            Ok((e, len)) => {
                at += len;
                Some(Ok(e))
            }
            Err(e) => {
                at = payload.len();
                Some(Err(e))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::errno::{ENOENT, EROFS};
    use alloc::vec;

    fn le32(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }
    fn le64(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn headers_and_arguments() {
        let r = request(Opcode::Lookup, 7, 42, |a| a.name(b"file"));
        assert_eq!(r.len(), IN_HEADER_LEN + 5);
        assert_eq!(le32(&r, 0), r.len() as u32);
        assert_eq!(le32(&r, 4), 1);
        assert_eq!(le64(&r, 8), 7);
        assert_eq!(le64(&r, 16), 42);
        assert_eq!(&r[IN_HEADER_LEN..], b"file\0");
        let init = request(Opcode::Init, 1, 0, |a| a.init(INIT_POSIX_LOCKS));
        assert_eq!(init.len(), IN_HEADER_LEN + 16);
        assert_eq!(le32(&init, IN_HEADER_LEN), 7);
        assert_eq!(le32(&init, IN_HEADER_LEN + 4), MINOR);
        assert_eq!(le32(&init, IN_HEADER_LEN + 12), 2);
        // Fixed argument sizes of the protocol.
        let len = |op, f: &dyn Fn(&mut RequestArgs)| request(op, 1, 1, f).len() - IN_HEADER_LEN;
        assert_eq!(len(Opcode::Read, &|a| a.read(1, 2, 3)), 40);
        assert_eq!(len(Opcode::Write, &|a| a.write(1, 2, b"abc")), 43);
        assert_eq!(
            len(Opcode::Setattr, &|a| a.setattr(&SetAttr::default())),
            88
        );
        assert_eq!(len(Opcode::Release, &|a| a.release(1, 0)), 24);
        assert_eq!(len(Opcode::Flush, &|a| a.flush(1, 0)), 24);
        assert_eq!(len(Opcode::Fsync, &|a| a.fsync(1, true)), 16);
        assert_eq!(len(Opcode::Getattr, &|a| a.getattr(None)), 16);
        assert_eq!(
            len(Opcode::BatchForget, &|a| a.batch_forget(&[1, 2, 3])),
            8 + 3 * 16
        );
        assert_eq!(len(Opcode::Lseek, &|a| a.lseek(1, 2, 3)), 24);
        assert_eq!(
            len(Opcode::Setlk, &|a| a.lock(
                1,
                2,
                &FileLock::default(),
                false
            )),
            48
        );
        assert_eq!(len(Opcode::Create, &|a| a.create(0, 0o644, b"n")), 18);
        assert_eq!(len(Opcode::Rename, &|a| a.rename(1, b"a", b"bc")), 13);
        let w = request(Opcode::Write, 1, 1, |a| a.write(9, 1 << 33, b"xyz"));
        assert_eq!(le64(&w, IN_HEADER_LEN + 8), 1 << 33);
        assert_eq!(le32(&w, IN_HEADER_LEN + 16), 3);
        assert_eq!(&w[IN_HEADER_LEN + 40..], b"xyz");
        let s = request(Opcode::Setattr, 1, 1, |a| {
            a.setattr(&SetAttr {
                valid: FATTR_SIZE,
                fh: Some(5),
                size: 1 << 40,
                ..Default::default()
            })
        });
        assert_eq!(le32(&s, IN_HEADER_LEN), FATTR_SIZE | FATTR_FH);
        assert_eq!(le64(&s, IN_HEADER_LEN + 8), 5);
        assert_eq!(le64(&s, IN_HEADER_LEN + 16), 1 << 40);
    }

    fn out(error: i32, unique: u64, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![];
        v.extend_from_slice(&((OUT_HEADER_LEN + payload.len()) as u32).to_le_bytes());
        v.extend_from_slice(&error.to_le_bytes());
        v.extend_from_slice(&unique.to_le_bytes());
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn replies_and_errors() {
        assert_eq!(reply(&out(0, 3, b"ab"), 3), Ok(&b"ab"[..]));
        assert_eq!(reply(&out(-2, 3, b""), 3), Err(ENOENT));
        assert_eq!(reply(&out(-30, 3, b""), 3), Err(EROFS));
        assert_eq!(reply(&out(-4000, 3, b""), 3), Err(EIO));
        assert_eq!(reply(&out(i32::MIN, 3, b""), 3), Err(EIO));
        assert_eq!(reply(&out(0, 4, b""), 3), Err(EIO));
        assert_eq!(reply(&[1, 2, 3], 3), Err(EIO));
        // A header whose data went to another buffer.
        let mut split = out(0, 5, b"");
        split[0] = 16 + 100;
        assert_eq!(reply_len(&split, 5, 116), Ok(116));
        assert_eq!(reply_len(&split, 5, 115), Err(EIO));
        // A length beyond what was received.
        let mut bad = out(0, 3, b"");
        bad[0] = 200;
        assert_eq!(reply(&bad, 3), Err(EIO));
    }

    fn attr_bytes(ino: u64, size: u64, mode: u32) -> Vec<u8> {
        let mut v = vec![];
        for x in [ino, size, 8, 100, 200, 300] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        for x in [1u32, 2, 3, mode, 1, 1000, 1000, 0, 4096, 0] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v
    }

    #[test]
    fn entries_and_attributes() {
        let a = attr_bytes(77, 5 << 32, 0o100644);
        assert_eq!(a.len(), ATTR_LEN);
        let mut e = vec![];
        for x in [9u64, 0, 1, 1] {
            e.extend_from_slice(&x.to_le_bytes());
        }
        e.extend_from_slice(&[0; 8]);
        e.extend_from_slice(&a);
        assert_eq!(e.len(), ENTRY_OUT_LEN);
        let got = entry(&e).unwrap();
        assert_eq!(got.node, 9);
        assert_eq!(got.attr.ino, 77);
        assert_eq!(got.attr.size, 5 << 32);
        assert_eq!(got.attr.mode, 0o100644);
        assert_eq!(got.attr.mtime, (200, 2));
        assert_eq!(got.attr.blksize, 4096);
        assert_eq!(entry(&e[..100]), Err(EIO));
        let mut negative = e.clone();
        negative[..8].fill(0);
        assert_eq!(entry(&negative), Err(ENOENT));
        let mut with_fh = e.clone();
        with_fh.extend_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(create_out(&with_fh).unwrap().1, 5);
        let mut ao = vec![0; 16];
        ao.extend_from_slice(&a);
        assert_eq!(attr_out(&ao).unwrap().ino, 77);
    }

    #[test]
    fn directory_listing() {
        let mut p = vec![];
        for (ino, name) in [(5u64, &b"a"[..]), (6, b"longer-name")] {
            p.extend_from_slice(&ino.to_le_bytes());
            p.extend_from_slice(&(ino * 10).to_le_bytes());
            p.extend_from_slice(&(name.len() as u32).to_le_bytes());
            p.extend_from_slice(&8u32.to_le_bytes());
            p.extend_from_slice(name);
            while p.len() % 8 != 0 {
                p.push(0);
            }
        }
        let got: Vec<_> = dirents(&p).collect::<Result<_, _>>().unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].name, b"longer-name");
        assert_eq!(got[1].off, 60);
        // A name running past the end.
        let mut cut = p.clone();
        cut.truncate(p.len() - 8);
        let got: Vec<_> = dirents(&cut).collect();
        assert_eq!(got.last(), Some(&Err(EIO)));
    }

    #[test]
    fn init_reply() {
        let mut p = vec![];
        for x in [7u32, 31, 0, INIT_POSIX_LOCKS] {
            p.extend_from_slice(&x.to_le_bytes());
        }
        p.extend_from_slice(&[0; 4]);
        p.extend_from_slice(&(1u32 << 20).to_le_bytes());
        let i = init_out(&p).unwrap();
        assert_eq!(i.max_write, 1 << 20);
        assert_eq!(i.flags, INIT_POSIX_LOCKS);
        p[0] = 8;
        assert!(init_out(&p).is_err());
        assert_eq!(init_out(&p[..8]), Err(EIO));
    }
}
