//! Path resolution: walking a path through the tree from `/` or the current directory.
//! `..` follows the directory's parent link (the root's parent is itself), so
//! `file/..` fails with `ENOTDIR` as on Linux rather than being simplified away.

use super::path::{self, Component, Split};
use super::{Errno, Fs, Ino, ROOT};
use crate::abi::errno::{ENOENT, ENOTDIR};

impl Fs {
    /// Follows one component from `dir`.
    pub(super) fn step(&self, dir: Ino, c: Component) -> Result<Ino, Errno> {
        let node = self.node(dir)?;
        let d = node.dir().ok_or(ENOTDIR)?;
        match c {
            Component::Dot => Ok(dir),
            // A removed directory has no parent any more.
            Component::DotDot if node.nlink == 0 => Err(ENOENT),
            Component::DotDot => Ok(d.parent),
            Component::Name(name) => d.get(name).ok_or(ENOENT),
        }
    }

    /// Walks everything before the last component; returns the directory the last
    /// component is to be found (or made) in.
    pub(super) fn walk_dirs(&self, split: &Split) -> Result<Ino, Errno> {
        let mut at = if split.absolute { ROOT } else { self.cwd };
        for c in path::walk(split.dirs) {
            at = self.step(at, c)?;
        }
        if self.node(at)?.is_dir() {
            Ok(at)
        } else {
            Err(ENOTDIR)
        }
    }

    /// The inode `path` names.
    pub fn lookup(&self, path: &[u8]) -> Result<Ino, Errno> {
        let split = path::split(path)?;
        let dir = self.walk_dirs(&split)?;
        let ino = match split.last {
            None => ROOT,
            Some(c) => self.step(dir, c)?,
        };
        if split.trailing_slash && !self.node(ino)?.is_dir() {
            return Err(ENOTDIR);
        }
        Ok(ino)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::new_fs;
    use super::*;
    use crate::abi::errno::ENAMETOOLONG;

    #[test]
    fn resolves_dots_and_slashes() {
        let mut fs = new_fs();
        fs.mkdir(b"/tmp/a", 0o755).unwrap();
        fs.mkdir(b"/tmp/a/b", 0o755).unwrap();
        let b = fs.lookup(b"/tmp/a/b").unwrap();
        for p in [
            &b"//tmp///a/./b"[..],
            b"/tmp/a/b/",
            b"/tmp/a/b/.",
            b"/../../tmp/a/b",
            b"/tmp/a/b/../b",
            b"tmp/a/b",
            b"./tmp/a/b//",
        ] {
            assert_eq!(fs.lookup(p), Ok(b), "{}", String::from_utf8_lossy(p));
        }
        assert_eq!(fs.lookup(b"/tmp/a/b/.."), fs.lookup(b"/tmp/a"));
        assert_eq!(fs.lookup(b"/"), Ok(ROOT));
        assert_eq!(fs.lookup(b".."), Ok(ROOT));
    }

    #[test]
    fn errors() {
        let mut fs = new_fs();
        fs.open(b"/tmp/f", OPEN_CREATE, 0o644).unwrap();
        assert_eq!(fs.lookup(b""), Err(ENOENT));
        assert_eq!(fs.lookup(b"/nope"), Err(ENOENT));
        assert_eq!(fs.lookup(b"/nope/x"), Err(ENOENT));
        assert_eq!(fs.lookup(b"/tmp/f/x"), Err(ENOTDIR));
        assert_eq!(fs.lookup(b"/tmp/f/"), Err(ENOTDIR));
        assert_eq!(fs.lookup(b"/tmp/f/."), Err(ENOTDIR));
        assert_eq!(fs.lookup(b"/tmp/f/.."), Err(ENOTDIR));
        let long = vec![b'x'; 256];
        assert_eq!(fs.lookup(&long), Err(ENAMETOOLONG));
    }

    const OPEN_CREATE: crate::fs::OpenHow = crate::fs::OpenHow {
        create: true,
        exclusive: false,
        truncate: false,
        directory: false,
        write: true,
    };
}
