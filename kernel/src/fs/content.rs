//! Reading and writing by inode: file contents (for open files) and directory listings
//! (for `getdents64`). Reads set the access time, writes the modification time.

use alloc::sync::Arc;

use super::cell::FileCell;
use super::dirent::{self, Entry};
use super::{Errno, Fs, Ino};
use crate::abi::errno::{EINVAL, EISDIR, ENOTDIR};

impl Fs {
    /// Reads from `offset`; 0 at or past the end.
    pub fn read(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let now = self.now();
        let node = self.node_mut(ino)?;
        let n = node.file().ok_or(EISDIR)?.read_at(offset, buf);
        node.atime = now;
        Ok(n)
    }

    /// Writes at `offset` (see `FileData::write_at` for short writes).
    pub fn write(&mut self, ino: Ino, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        let now = self.now();
        let node = self.node_mut(ino)?;
        let n = node.file().ok_or(EISDIR)?.write_at(offset, data)?;
        if n > 0 {
            node.modified(now);
        }
        Ok(n)
    }

    /// The contents of file `ino`, for an open file to read and write under their own
    /// lock (`cell`), without the filesystem's; it then sets the times (`accessed`,
    /// `modified`).
    pub fn contents(&self, ino: Ino) -> Result<Arc<FileCell>, Errno> {
        Ok(self.node(ino)?.file().ok_or(EISDIR)?.clone())
    }

    /// `ino`'s contents were read: the access time.
    pub fn accessed(&mut self, ino: Ino) -> Result<(), Errno> {
        let now = self.now();
        self.node_mut(ino)?.atime = now;
        Ok(())
    }

    /// `ino`'s contents changed: the modification and change times.
    pub fn modified(&mut self, ino: Ino) -> Result<(), Errno> {
        let now = self.now();
        self.node_mut(ino)?.modified(now);
        Ok(())
    }

    /// Size of the file `ino`.
    pub fn size(&self, ino: Ino) -> Result<u64, Errno> {
        Ok(self.node(ino)?.file().ok_or(EISDIR)?.len())
    }

    pub fn set_len(&mut self, ino: Ino, len: u64) -> Result<(), Errno> {
        let now = self.now();
        let node = self.node_mut(ino)?;
        node.file().ok_or(EISDIR)?.set_len(len)?;
        node.modified(now);
        Ok(())
    }

    /// Packs the entries of directory `ino` from position `*pos` into `buf` as
    /// `dirent64` records and advances `*pos`; returns the bytes used, 0 at the end.
    /// Position `i` is the `i`-th entry in name order.
    ///
    /// All remaining entries are returned at once, or `EINVAL` (nothing consumed) if
    /// `buf` cannot hold them all: Rust's std (hermit) reads a directory with one call
    /// and retries with a doubled buffer on `EINVAL`, so a partial listing would
    /// silently lose entries. For the same reason there are no `.` and `..` entries:
    /// std would pass them on to the application (it filters them only on Unix), and
    /// code walking a tree would recurse into them.
    pub fn getdents(&mut self, ino: Ino, pos: &mut u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let now = self.now();
        let dir = self.node(ino)?.dir().ok_or(ENOTDIR)?;
        let count = dir.len() as u64;
        let entry = |p: u64| -> Result<Entry, Errno> {
            let (name, child) = dir.entry(p as usize).ok_or(EINVAL)?;
            Ok(Entry {
                ino: child,
                next: p as i64 + 1,
                d_type: self.node(child)?.d_type(),
                name,
            })
        };
        let start = *pos;
        let mut need = 0;
        for p in start..count {
            need += dirent::reclen(entry(p)?.name.len());
        }
        if need > buf.len() {
            return Err(EINVAL);
        }
        let mut used = 0;
        for p in start..count {
            used += dirent::put(&mut buf[used..], &entry(p)?).ok_or(EINVAL)?;
        }
        *pos = count.max(start);
        self.node_mut(ino)?.atime = now;
        Ok(used)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::new_fs;
    use super::*;
    use crate::abi::{DT_DIR, DT_REG};
    use crate::fs::OpenHow;

    /// (ino, next, type, name) of each record in `buf`.
    fn parse(buf: &[u8]) -> Vec<(u64, i64, u8, String)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < buf.len() {
            let rec = &buf[at..];
            let len = u16::from_ne_bytes([rec[16], rec[17]]) as usize;
            assert_eq!(len % 8, 0);
            let name = &rec[19..len];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap()];
            out.push((
                u64::from_ne_bytes(rec[0..8].try_into().unwrap()),
                i64::from_ne_bytes(rec[8..16].try_into().unwrap()),
                rec[18],
                String::from_utf8(name.to_vec()).unwrap(),
            ));
            at += len;
        }
        out
    }

    #[test]
    fn lists_entries_in_order() {
        let mut fs = new_fs();
        fs.mkdir(b"/tmp/d", 0o777).unwrap();
        fs.mkdir(b"/tmp/d/sub", 0o777).unwrap();
        let how = OpenHow {
            create: true,
            write: true,
            ..Default::default()
        };
        let f = fs.open(b"/tmp/d/file", how, 0o644).unwrap();
        fs.release(f);
        let d = fs.lookup(b"/tmp/d").unwrap();
        let sub = fs.lookup(b"/tmp/d/sub").unwrap();
        let mut pos = 0;
        let mut buf = [0u8; 256];
        let n = fs.getdents(d, &mut pos, &mut buf).unwrap();
        assert_eq!(
            parse(&buf[..n]),
            [
                (f, 1, DT_REG, "file".into()),
                (sub, 2, DT_DIR, "sub".into())
            ]
        );
        assert_eq!(n, 24 * 2);
        assert_eq!(pos, 2);
        assert_eq!(fs.getdents(d, &mut pos, &mut buf), Ok(0));
        // From a position (as after lseek to a d_off).
        let mut pos = 1;
        let n = fs.getdents(d, &mut pos, &mut buf).unwrap();
        assert_eq!(parse(&buf[..n]), [(sub, 2, DT_DIR, "sub".into())]);
        // Past the end (entries were removed since).
        let mut pos = 7;
        assert_eq!(fs.getdents(d, &mut pos, &mut buf), Ok(0));
        assert_eq!(pos, 7);
    }

    #[test]
    fn too_small_a_buffer_is_einval_and_consumes_nothing() {
        let mut fs = new_fs();
        fs.mkdir(b"/tmp/d", 0o777).unwrap();
        let root = crate::fs::ROOT;
        let mut pos = 0;
        // "dev", "proc" and "tmp": 24 bytes each.
        let mut buf = [0u8; 71];
        assert_eq!(fs.getdents(root, &mut pos, &mut buf), Err(EINVAL));
        assert_eq!(pos, 0);
        let mut buf = [0u8; 72];
        assert_eq!(fs.getdents(root, &mut pos, &mut buf), Ok(72));
        assert_eq!(parse(&buf)[0].3, "dev");
        assert_eq!(parse(&buf)[1].3, "proc");
        assert_eq!(parse(&buf)[2].3, "tmp");
        // Not everything fits: nothing is returned.
        let mut buf = [0u8; 24];
        let tmp = fs.lookup(b"/tmp").unwrap();
        fs.mkdir(b"/tmp/e", 0o777).unwrap();
        let mut pos = 0;
        assert_eq!(fs.getdents(tmp, &mut pos, &mut buf), Err(EINVAL));
        let mut buf = [0u8; 48];
        assert_eq!(fs.getdents(tmp, &mut pos, &mut buf), Ok(48));
    }

    #[test]
    fn many_entries() {
        let mut fs = new_fs();
        let how = OpenHow {
            create: true,
            write: true,
            ..Default::default()
        };
        for i in 0..100 {
            let name = format!("/tmp/file{i:03}");
            let f = fs.open(name.as_bytes(), how, 0o644).unwrap();
            fs.release(f);
        }
        let tmp = fs.lookup(b"/tmp").unwrap();
        let mut buf = vec![0u8; 4096];
        let mut pos = 0;
        let n = fs.getdents(tmp, &mut pos, &mut buf).unwrap();
        let names: Vec<String> = parse(&buf[..n]).into_iter().map(|e| e.3).collect();
        assert_eq!(names.len(), 100);
        assert_eq!(names[0], "file000");
        assert_eq!(names[99], "file099");
    }

    #[test]
    fn contents_and_times() {
        let mut fs = new_fs();
        let how = OpenHow {
            create: true,
            write: true,
            ..Default::default()
        };
        let f = fs.open(b"/tmp/f", how, 0o644).unwrap();
        let before = fs.stat_ino(f).unwrap();
        assert_eq!(fs.write(f, 3, b"abc"), Ok(3));
        let after = fs.stat_ino(f).unwrap();
        assert!(
            after.st_mtim.tv_sec * 1_000_000_000 + after.st_mtim.tv_nsec as i64
                > before.st_mtim.tv_sec * 1_000_000_000 + before.st_mtim.tv_nsec as i64
        );
        assert_eq!(fs.size(f), Ok(6));
        let mut buf = [9u8; 6];
        assert_eq!(fs.read(f, 0, &mut buf), Ok(6));
        assert_eq!(&buf, b"\0\0\0abc");
        fs.set_len(f, 1).unwrap();
        assert_eq!(fs.size(f), Ok(1));
        let tmp = fs.lookup(b"/tmp").unwrap();
        assert_eq!(fs.read(tmp, 0, &mut buf), Err(EISDIR));
        assert_eq!(fs.write(tmp, 0, b"x"), Err(EISDIR));
        assert_eq!(fs.getdents(f, &mut 0, &mut buf), Err(ENOTDIR));
        fs.release(f);
    }
}
