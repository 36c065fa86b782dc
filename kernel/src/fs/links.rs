//! Symbolic and hard links: `symlink`, `readlink`, `link`. A symbolic link is a node
//! holding a path (`Body::Symlink`), followed when a path is resolved (`lookup`); a
//! hard link is one more directory entry naming the same inode (`Node::nlink` counts
//! them; the inode lives until the last name is gone and it is no longer open).
//! Errors and their order follow Linux.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::node::Body;
use super::path::{self, Component};
use super::{Errno, Fs};
use crate::abi::errno::{EACCES, EEXIST, EINVAL, ENOENT, ENOMEM, EPERM};

/// Mode bits of every symbolic link (Linux ignores them and reports 0777).
const LINK_PERM: u32 = 0o777;

/// `bytes` in a box of its own, or `ENOMEM`.
pub(super) fn owned(bytes: &[u8]) -> Result<Box<[u8]>, Errno> {
    let mut v = Vec::new();
    v.try_reserve_exact(bytes.len()).map_err(|_| ENOMEM)?;
    v.extend_from_slice(bytes);
    Ok(v.into_boxed_slice())
}

impl Fs {
    /// Makes `linkpath` a symbolic link holding `target` (not checked: a link may dangle).
    pub fn symlink(&mut self, target: &[u8], linkpath: &[u8]) -> Result<(), Errno> {
        if target.is_empty() {
            return Err(ENOENT);
        }
        // A target longer than a path could never be followed: Linux refuses it too.
        path::split(target).map(|_| ())?;
        let split = path::split(linkpath)?;
        let dir = self.walk_dirs(&split)?;
        let Some(Component::Name(name)) = split.last else {
            return Err(EEXIST); // "/", "." and ".."
        };
        match self.step(dir, Component::Name(name)) {
            Ok(_) => return Err(EEXIST),
            Err(ENOENT) => {}
            Err(e) => return Err(e),
        }
        self.check_alive(dir)?;
        let ino = self.create(dir, name, Body::Symlink(owned(target)?), LINK_PERM)?;
        // `create` applied the umask; a link's mode is always 0777.
        self.node_mut(ino)?.perm = LINK_PERM;
        Ok(())
    }

    /// The target of the symbolic link `path` (`EINVAL` if it is not one).
    pub fn readlink(&self, path: &[u8]) -> Result<&[u8], Errno> {
        let ino = self.lookup_nofollow(path)?;
        self.node(ino)?.link_target().ok_or(EINVAL)
    }

    /// Gives what `old` names (not following a last link, as Linux's `link`) the new
    /// name `new`. Directories cannot get a second name (`EPERM`), nor can the fixed
    /// devices of `/dev`.
    pub fn link(&mut self, old: &[u8], new: &[u8]) -> Result<(), Errno> {
        let ino = self.lookup_nofollow(old)?;
        let split = path::split(new)?;
        let dir = self.walk_dirs(&split)?;
        let Some(Component::Name(name)) = split.last else {
            return Err(EEXIST);
        };
        match self.step(dir, Component::Name(name)) {
            Ok(_) => return Err(EEXIST),
            Err(ENOENT) => {}
            Err(e) => return Err(e),
        }
        let node = self.node(ino)?;
        if node.is_dir() {
            return Err(EPERM);
        }
        if node.fixed {
            return Err(EPERM);
        }
        if node.nlink == 0 {
            return Err(ENOENT); // removed while open: no name to add to
        }
        if split.trailing_slash {
            return Err(ENOENT); // "new/" names a directory that does not exist
        }
        self.check_alive(dir)?;
        if self.node(dir)?.fixed {
            return Err(EACCES);
        }
        let owned_name = super::dir::OwnedName::new(name)?;
        let now = self.now();
        let parent = self.node_mut(dir)?;
        parent
            .dir_mut()
            .ok_or(crate::abi::errno::ENOTDIR)?
            .insert(owned_name, ino)?;
        parent.modified(now);
        let node = self.node_mut(ino)?;
        node.nlink += 1;
        node.ctime = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{CREATE, READ, new_fs};
    use super::*;
    use crate::abi::errno::{ELOOP, ENOTDIR};
    use crate::abi::{S_IFLNK, S_IFMT, S_IFREG};
    use crate::fs::OpenHow;

    #[test]
    fn symlink_is_followed_except_at_the_end_when_asked() {
        let mut fs = new_fs();
        let f = fs.open(b"/tmp/f", CREATE, 0o644).unwrap();
        fs.release(f);
        fs.symlink(b"f", b"/tmp/l").unwrap();
        assert_eq!(fs.lookup(b"/tmp/l"), Ok(f));
        assert_ne!(fs.lookup_nofollow(b"/tmp/l"), Ok(f));
        let st = fs.stat(b"/tmp/l").unwrap();
        assert_eq!(st.st_mode & S_IFMT, S_IFREG);
        let l = fs.lstat(b"/tmp/l").unwrap();
        assert_eq!(l.st_mode, S_IFLNK | 0o777);
        assert_eq!(l.st_size, 1);
        assert_eq!(fs.readlink(b"/tmp/l"), Ok(&b"f"[..]));
        assert_eq!(fs.readlink(b"/tmp/f"), Err(EINVAL));
        assert_eq!(fs.readlink(b"/tmp/none"), Err(ENOENT));
        assert_eq!(fs.symlink(b"x", b"/tmp/l"), Err(EEXIST));
        assert_eq!(fs.symlink(b"", b"/tmp/e"), Err(ENOENT));
        // O_NOFOLLOW
        let nf = OpenHow {
            nofollow: true,
            ..READ
        };
        assert_eq!(fs.open(b"/tmp/l", nf, 0), Err(ELOOP));
        let o = fs.open(b"/tmp/l", READ, 0).unwrap();
        assert_eq!(o, f);
        fs.release(o);
        // Removing the link leaves the file.
        fs.unlink(b"/tmp/l").unwrap();
        assert_eq!(fs.lookup(b"/tmp/f"), Ok(f));
    }

    #[test]
    fn directories_through_links_and_dotdot() {
        let mut fs = new_fs();
        fs.mkdir(b"/tmp/a", 0o755).unwrap();
        fs.mkdir(b"/tmp/a/b", 0o755).unwrap();
        fs.symlink(b"/tmp/a/b", b"/tmp/lb").unwrap();
        fs.symlink(b"a/b", b"/tmp/rel").unwrap();
        let b = fs.lookup(b"/tmp/a/b").unwrap();
        assert_eq!(fs.lookup(b"/tmp/lb/"), Ok(b));
        assert_eq!(fs.lookup(b"/tmp/rel"), Ok(b));
        // `..` after a link is the parent of where it led.
        assert_eq!(fs.lookup(b"/tmp/lb/.."), fs.lookup(b"/tmp/a"));
        let f = fs.open(b"/tmp/lb/f", CREATE, 0o644).unwrap();
        fs.release(f);
        assert_eq!(fs.lookup(b"/tmp/a/b/f"), Ok(f));
        assert_eq!(fs.rmdir(b"/tmp/lb"), Err(ENOTDIR));
        // A dangling link: followed, it is missing; created through by O_CREAT.
        fs.symlink(b"/tmp/a/new", b"/tmp/dang").unwrap();
        assert_eq!(fs.stat(b"/tmp/dang").err(), Some(ENOENT));
        assert!(fs.lstat(b"/tmp/dang").is_ok());
        let n = fs.open(b"/tmp/dang", CREATE, 0o644).unwrap();
        fs.release(n);
        assert_eq!(fs.lookup(b"/tmp/a/new"), Ok(n));
        // A file in the middle of a path through a link.
        fs.symlink(b"/tmp/a/new", b"/tmp/lf").unwrap();
        assert_eq!(fs.lookup(b"/tmp/lf/x"), Err(ENOTDIR));
    }

    #[test]
    fn loops_are_eloop() {
        let mut fs = new_fs();
        fs.symlink(b"/tmp/l2", b"/tmp/l1").unwrap();
        fs.symlink(b"/tmp/l1", b"/tmp/l2").unwrap();
        fs.symlink(b"self", b"/tmp/self").unwrap();
        assert_eq!(fs.lookup(b"/tmp/l1"), Err(ELOOP));
        assert_eq!(fs.lookup(b"/tmp/self/x"), Err(ELOOP));
        assert_eq!(fs.open(b"/tmp/l1", CREATE, 0o644), Err(ELOOP));
        assert!(fs.lookup_nofollow(b"/tmp/l1").is_ok());
        // A chain of 40 links resolves, 41 do not.
        fs.mkdir(b"/tmp/c", 0o755).unwrap();
        let mut name = alloc::vec::Vec::new();
        for i in 0..41u32 {
            let target = alloc::format!("/tmp/c/{}", i + 1);
            name.clear();
            name.extend_from_slice(alloc::format!("/tmp/c/{i}").as_bytes());
            fs.symlink(target.as_bytes(), &name).unwrap();
        }
        fs.mkdir(b"/tmp/c/41", 0o755).unwrap();
        assert!(fs.lookup(b"/tmp/c/1").is_ok());
        assert_eq!(fs.lookup(b"/tmp/c/0"), Err(ELOOP));
    }

    #[test]
    fn hard_links_share_the_inode_until_the_last_name_goes() {
        let mut fs = new_fs();
        let f = fs.open(b"/tmp/f", CREATE, 0o644).unwrap();
        fs.release(f);
        fs.link(b"/tmp/f", b"/tmp/g").unwrap();
        assert_eq!(fs.lookup(b"/tmp/g"), Ok(f));
        assert_eq!(fs.stat(b"/tmp/f").unwrap().st_nlink, 2);
        assert_eq!(fs.link(b"/tmp/f", b"/tmp/g"), Err(EEXIST));
        assert_eq!(fs.link(b"/tmp", b"/tmp/d"), Err(EPERM));
        assert_eq!(fs.link(b"/tmp/none", b"/tmp/x"), Err(ENOENT));
        assert_eq!(fs.link(b"/dev/null", b"/tmp/n"), Err(EPERM));
        let nodes = fs.node_count();
        fs.unlink(b"/tmp/f").unwrap();
        assert_eq!(fs.stat(b"/tmp/g").unwrap().st_nlink, 1);
        assert_eq!(fs.node_count(), nodes);
        // Renaming one name onto the other is a no-op, as on Linux.
        fs.link(b"/tmp/g", b"/tmp/h").unwrap();
        fs.rename(b"/tmp/g", b"/tmp/h").unwrap();
        assert_eq!(fs.stat(b"/tmp/g").unwrap().st_nlink, 2);
        fs.unlink(b"/tmp/g").unwrap();
        fs.unlink(b"/tmp/h").unwrap();
        assert_eq!(fs.node_count(), nodes - 1);
        // A link to a symbolic link is a link to the link.
        fs.symlink(b"/tmp", b"/tmp/s").unwrap();
        fs.link(b"/tmp/s", b"/tmp/s2").unwrap();
        assert_eq!(fs.readlink(b"/tmp/s2"), Ok(&b"/tmp"[..]));
    }
}
