//! Path resolution: walking a path through the tree from `/` or the current directory.
//! `..` follows the directory's parent link (the root's parent is itself), so
//! `file/..` fails with `ENOTDIR` as on Linux rather than being simplified away.
//!
//! Symbolic links are followed as Linux does: always in the middle of a path, at its
//! end unless the call says not to (`lstat`, `readlink`, `unlink`, `O_NOFOLLOW`, ...).
//! A relative target is resolved from the directory holding the link, and `..` after
//! a followed link is the parent of where the link led (not of the link). More than
//! `MAX_LINKS` links followed in one resolution is `ELOOP`. Links stay inside the
//! in-memory filesystem: a target naming a volume's mount point is not routed there.

use super::path::{self, Component, Split};
use super::{Errno, Fs, Ino, ROOT};
use crate::abi::errno::{ELOOP, ENOENT, ENOTDIR};

/// Links one resolution may follow (Linux's `MAXSYMLINKS`).
pub const MAX_LINKS: u32 = 40;

impl Fs {
    /// Follows one component from `dir` (not following a link it names).
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

    /// Where `ino` (found in directory `dir`) leads: itself, or if it is a symbolic
    /// link, what its target resolves to from `dir`. `links` counts the links followed
    /// in the whole resolution.
    pub(super) fn follow(&self, dir: Ino, ino: Ino, links: &mut u32) -> Result<Ino, Errno> {
        let Some(target) = self.node(ino)?.link_target() else {
            return Ok(ino);
        };
        *links += 1;
        if *links > MAX_LINKS {
            return Err(ELOOP);
        }
        self.resolve_at(dir, target, true, links)
    }

    /// The directory holding the last component of `split`, following links on the
    /// way; relative paths start at `base`.
    pub(super) fn walk_dirs_at(
        &self,
        base: Ino,
        split: &Split,
        links: &mut u32,
    ) -> Result<Ino, Errno> {
        let mut at = if split.absolute { ROOT } else { base };
        for c in path::walk(split.dirs) {
            let next = self.step(at, c)?;
            at = self.follow(at, next, links)?;
        }
        if self.node(at)?.is_dir() {
            Ok(at)
        } else {
            Err(ENOTDIR)
        }
    }

    /// The directory holding the last component of `split` (relative paths start at
    /// the current directory).
    pub(super) fn walk_dirs(&self, split: &Split) -> Result<Ino, Errno> {
        self.walk_dirs_at(self.cwd, split, &mut 0)
    }

    /// Resolves `path` from `base`; a link as the last component is followed if
    /// `follow_last` (or the path ends in `/`, as on Linux).
    pub(super) fn resolve_at(
        &self,
        base: Ino,
        path: &[u8],
        follow_last: bool,
        links: &mut u32,
    ) -> Result<Ino, Errno> {
        let split = path::split(path)?;
        let dir = self.walk_dirs_at(base, &split, links)?;
        let ino = match split.last {
            None => ROOT,
            Some(c) => self.step(dir, c)?,
        };
        let ino = if follow_last || split.trailing_slash {
            self.follow(dir, ino, links)?
        } else {
            ino
        };
        if split.trailing_slash && !self.node(ino)?.is_dir() {
            return Err(ENOTDIR);
        }
        Ok(ino)
    }

    /// The inode `path` names, following symbolic links.
    pub fn lookup(&self, path: &[u8]) -> Result<Ino, Errno> {
        self.resolve_at(self.cwd, path, true, &mut 0)
    }

    /// The inode `path` names; a symbolic link as the last component is the link.
    pub fn lookup_nofollow(&self, path: &[u8]) -> Result<Ino, Errno> {
        self.resolve_at(self.cwd, path, false, &mut 0)
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
        fs.open(b"/tmp/f", super::super::tests::CREATE, 0o644)
            .unwrap();
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
}
