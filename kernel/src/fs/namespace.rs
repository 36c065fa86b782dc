//! Operations on names: opening (and creating) files, making and removing directories,
//! unlinking, renaming, truncating and checking access by path. Errors and their order
//! follow Linux, so C and Rust code sees what it would see there. Fixed nodes (`/dev`
//! and its devices, `Node::fixed`) are neither removed nor renamed (`EPERM`), and a
//! fixed directory gets no new names (`EACCES`, what Linux tells a user who may not
//! write there).

use super::cell::FileCell;
use super::dir::{Dir, OwnedName};
use super::lookup::MAX_LINKS;
use super::node::{Body, Node};
use super::path::{self, Component};
use super::{Errno, Fs, Ino, ROOT};
use crate::abi::errno::{
    EACCES, EBUSY, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, ENOTEMPTY, EPERM,
};
use crate::abi::{F_OK, R_OK, W_OK, X_OK};

/// What `open` is asked to do (decoded from the `O_*` flags by the descriptor layer).
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenHow {
    /// `O_CREAT`.
    pub create: bool,
    /// `O_EXCL`.
    pub exclusive: bool,
    /// `O_TRUNC`.
    pub truncate: bool,
    /// `O_DIRECTORY`.
    pub directory: bool,
    /// `O_NOFOLLOW`: a symbolic link as the last component is `ELOOP`.
    pub nofollow: bool,
    /// Opened for writing (`O_WRONLY` or `O_RDWR`).
    pub write: bool,
}

impl Fs {
    /// Opens `path`: returns its inode with a reference taken (drop it with `release`).
    /// With `create`, a missing file is made with `perm` (less the umask).
    pub fn open(&mut self, path: &[u8], how: OpenHow, perm: u32) -> Result<Ino, Errno> {
        self.open_at(self.cwd, path, how, perm, &mut 0)
    }

    /// `open` of `path` relative to `base`, having followed `links` symbolic links: a
    /// link as the last component is followed (its target opened, or created if
    /// missing and `how.create`, as Linux does), unless `how.nofollow` (`ELOOP`).
    fn open_at(
        &mut self,
        base: Ino,
        path: &[u8],
        how: OpenHow,
        perm: u32,
        links: &mut u32,
    ) -> Result<Ino, Errno> {
        let split = path::split(path)?;
        let dir = self.walk_dirs_at(base, &split, links)?;
        let found = match split.last {
            None => Ok(ROOT),
            Some(Component::Name(_)) if how.create && split.trailing_slash => {
                return Err(EISDIR);
            }
            Some(c) => self.step(dir, c),
        };
        let ino = match (found, split.last) {
            (Err(ENOENT), Some(Component::Name(name))) if how.create => {
                self.check_alive(dir)?;
                let body = Body::File(FileCell::new()?);
                self.create(dir, name, body, perm)?
            }
            (Err(e), _) => return Err(e),
            (Ok(ino), _) => {
                let node = self.node(ino)?;
                if how.create && how.exclusive {
                    return Err(EEXIST);
                }
                if let Some(target) = node.link_target() {
                    if how.nofollow {
                        return Err(ELOOP);
                    }
                    *links += 1;
                    if *links > MAX_LINKS {
                        return Err(ELOOP);
                    }
                    let target = target.to_vec();
                    return self.open_at(dir, &target, how, perm, links);
                }
                if how.create && node.is_dir() {
                    return Err(EISDIR);
                }
                if (how.directory || split.trailing_slash) && !node.is_dir() {
                    return Err(ENOTDIR);
                }
                if node.is_dir() && (how.write || how.truncate) {
                    return Err(EISDIR);
                }
                let generated = node.generated.is_some();
                let is_file = node.file().is_some();
                if generated {
                    // /proc files: read-only for root too (Linux's answer is EACCES).
                    if how.write || how.truncate {
                        return Err(EACCES);
                    }
                    self.refresh_generated(ino)?;
                }
                // Linux ignores O_TRUNC on a device (`> /dev/null` in a shell).
                if how.truncate && is_file {
                    self.set_len(ino, 0)?;
                }
                ino
            }
        };
        self.acquire(ino)?;
        Ok(ino)
    }

    /// Adds a new node named `name` to `dir`.
    pub(super) fn create(
        &mut self,
        dir: Ino,
        name: &[u8],
        body: Body,
        perm: u32,
    ) -> Result<Ino, Errno> {
        if self.node(dir)?.fixed {
            return Err(EACCES);
        }
        let name = OwnedName::new(name)?;
        let now = self.now();
        let is_dir = matches!(body, Body::Dir(_));
        let ino = self.add_node(Node::new(body, perm & !self.umask, now))?;
        let parent = self.node_mut(dir)?;
        let Some(entries) = parent.dir_mut() else {
            return Err(ENOTDIR);
        };
        if let Err(e) = entries.insert(name, ino) {
            self.nodes.remove(ino as usize - 1);
            return Err(e);
        }
        parent.modified(now);
        if is_dir {
            parent.nlink += 1;
        }
        Ok(ino)
    }

    pub fn mkdir(&mut self, path: &[u8], perm: u32) -> Result<(), Errno> {
        let split = path::split(path)?;
        let dir = self.walk_dirs(&split)?;
        let Some(Component::Name(name)) = split.last else {
            return Err(EEXIST); // "/", "." and ".." all exist
        };
        match self.step(dir, Component::Name(name)) {
            Ok(_) => return Err(EEXIST),
            Err(ENOENT) => {}
            Err(e) => return Err(e),
        }
        self.check_alive(dir)?;
        self.create(dir, name, Body::Dir(Dir::new(dir)), perm)?;
        Ok(())
    }

    /// Removes the name of a file (`EISDIR` for a directory, as Linux).
    pub fn unlink(&mut self, path: &[u8]) -> Result<(), Errno> {
        let split = path::split(path)?;
        let dir = self.walk_dirs(&split)?;
        let Some(Component::Name(name)) = split.last else {
            return Err(EISDIR);
        };
        let ino = self.step(dir, Component::Name(name))?;
        if self.node(ino)?.is_dir() {
            return Err(EISDIR);
        }
        if split.trailing_slash {
            return Err(ENOTDIR);
        }
        if self.node(ino)?.fixed {
            return Err(EPERM);
        }
        self.detach(dir, name, ino)
    }

    pub fn rmdir(&mut self, path: &[u8]) -> Result<(), Errno> {
        let split = path::split(path)?;
        let dir = self.walk_dirs(&split)?;
        let name = match split.last {
            None => return Err(EBUSY),
            Some(Component::Dot) => return Err(EINVAL),
            Some(Component::DotDot) => return Err(ENOTEMPTY),
            Some(Component::Name(name)) => name,
        };
        let ino = self.step(dir, Component::Name(name))?;
        let node = self.node(ino)?;
        match node.dir() {
            None => Err(ENOTDIR),
            Some(_) if node.fixed => Err(EPERM),
            Some(d) if !d.is_empty() => Err(ENOTEMPTY),
            Some(_) => self.detach(dir, name, ino),
        }
    }

    /// Removes entry `name` (naming `ino`) from `dir`; frees `ino` unless it is open.
    fn detach(&mut self, dir: Ino, name: &[u8], ino: Ino) -> Result<(), Errno> {
        let now = self.now();
        let parent = self.node_mut(dir)?;
        if let Some(d) = parent.dir_mut() {
            d.remove(name);
        }
        parent.modified(now);
        self.unlinked(dir, ino, now)
    }

    /// `ino` lost a name (it was in `dir`): a directory's only one, or one of a
    /// file's hard links.
    fn unlinked(&mut self, dir: Ino, ino: Ino, now: crate::abi::timespec) -> Result<(), Errno> {
        let node = self.node_mut(ino)?;
        node.nlink = if node.is_dir() {
            0
        } else {
            node.nlink.saturating_sub(1)
        };
        node.ctime = now;
        let was_dir = node.dir().is_some();
        if let Some(d) = node.dir_mut() {
            d.clear();
        }
        if was_dir {
            // Its `..` no longer links the parent.
            let parent = self.node_mut(dir)?;
            parent.nlink = parent.nlink.saturating_sub(1);
        }
        self.free_if_unused(ino);
        Ok(())
    }

    /// Renames `old` to `new`, replacing what `new` names if the types allow: a file
    /// replaces a file, a directory an empty directory. Nothing changes on failure.
    pub fn rename(&mut self, old: &[u8], new: &[u8]) -> Result<(), Errno> {
        let os = path::split(old)?;
        let ns = path::split(new)?;
        let odir = self.walk_dirs(&os)?;
        let ndir = self.walk_dirs(&ns)?;
        let (Some(Component::Name(oname)), Some(Component::Name(nname))) = (os.last, ns.last)
        else {
            return Err(EBUSY); // "/", "." or ".." on either side
        };
        let ino = self.step(odir, Component::Name(oname))?;
        let is_dir = self.node(ino)?.is_dir();
        if !is_dir && (os.trailing_slash || ns.trailing_slash) {
            return Err(ENOTDIR);
        }
        self.check_alive(ndir)?;
        if is_dir && self.is_within(ndir, ino)? {
            return Err(EINVAL); // a directory cannot move into itself
        }
        let target = match self.step(ndir, Component::Name(nname)) {
            Ok(t) => Some(t),
            Err(ENOENT) => None,
            Err(e) => return Err(e),
        };
        if target == Some(ino) {
            return Ok(());
        }
        if self.node(ino)?.fixed {
            return Err(EPERM);
        }
        match target {
            Some(t) if self.node(t)?.fixed => return Err(EPERM),
            None if self.node(ndir)?.fixed => return Err(EACCES),
            _ => {}
        }
        let mut name = None;
        if let Some(t) = target {
            match (is_dir, self.node(t)?.dir()) {
                (true, None) => return Err(ENOTDIR),
                (false, Some(_)) => return Err(EISDIR),
                (true, Some(d)) if !d.is_empty() => return Err(ENOTEMPTY),
                _ => {}
            }
        } else {
            // Allocate before changing anything, so the insertion below cannot fail.
            name = Some(OwnedName::new(nname)?);
            self.node_mut(ndir)?
                .dir_mut()
                .ok_or(ENOTDIR)?
                .reserve_one()?;
        }

        let now = self.now();
        let from = self.node_mut(odir)?;
        from.dir_mut().ok_or(ENOTDIR)?.remove(oname);
        from.modified(now);
        let to = self.node_mut(ndir)?;
        let entries = to.dir_mut().ok_or(ENOTDIR)?;
        match name {
            Some(name) => entries.insert(name, ino)?,
            None => {
                entries.replace(nname, ino);
            }
        }
        to.modified(now);
        if let Some(t) = target {
            self.unlinked(ndir, t, now)?;
        }
        let moved = self.node_mut(ino)?;
        moved.ctime = now;
        if is_dir && odir != ndir {
            // Its `..` now links the new parent.
            if let Some(d) = moved.dir_mut() {
                d.parent = ndir;
            }
            self.node_mut(odir)?.nlink -= 1;
            self.node_mut(ndir)?.nlink += 1;
        }
        Ok(())
    }

    /// Whether directory `dir` is `ancestor` or below it.
    fn is_within(&self, mut dir: Ino, ancestor: Ino) -> Result<bool, Errno> {
        loop {
            if dir == ancestor {
                return Ok(true);
            }
            if dir == ROOT {
                return Ok(false);
            }
            dir = self.node(dir)?.dir().ok_or(ENOTDIR)?.parent;
        }
    }

    /// Sets the size of the file `path` names.
    pub fn truncate(&mut self, path: &[u8], len: u64) -> Result<(), Errno> {
        let ino = self.lookup(path)?;
        match self.node(ino)?.body {
            Body::Dir(_) => Err(EISDIR),
            // Only regular files have a size to set (Linux's error for anything else).
            Body::Device(_) => Err(EINVAL),
            // Not reached: `lookup` followed the link.
            Body::Symlink(_) => Err(EINVAL),
            Body::File(_) if self.node(ino)?.generated.is_some() => Err(EACCES),
            Body::File(_) => self.set_len(ino, len),
        }
    }

    /// `access`: everything exists for root with read and write access; execute needs
    /// an execute bit on a file.
    pub fn access(&self, path: &[u8], mode: i32) -> Result<(), Errno> {
        if mode & !(F_OK | R_OK | W_OK | X_OK) != 0 {
            return Err(EINVAL);
        }
        let node = self.node(self.lookup(path)?)?;
        if mode & X_OK != 0 && !node.is_dir() && node.perm & 0o111 == 0 {
            return Err(EACCES);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{BOOT_NODES, CREATE, READ, ROOT_NLINK, new_fs};
    use super::*;

    fn touch(fs: &mut Fs, p: &str) -> Ino {
        let ino = fs.open(p.as_bytes(), CREATE, 0o666).unwrap();
        fs.release(ino);
        ino
    }

    fn write(fs: &mut Fs, p: &str, data: &[u8]) {
        let ino = fs.open(p.as_bytes(), CREATE, 0o666).unwrap();
        fs.write(ino, 0, data).unwrap();
        fs.release(ino);
    }

    fn read(fs: &mut Fs, p: &str) -> Vec<u8> {
        let ino = fs.open(p.as_bytes(), READ, 0).unwrap();
        let mut v = vec![0; 100];
        let n = fs.read(ino, 0, &mut v).unwrap();
        v.truncate(n);
        fs.release(ino);
        v
    }

    #[test]
    fn open_creates_with_umask_and_finds_again() {
        let mut fs = new_fs();
        let ino = touch(&mut fs, "/tmp/f");
        let st = fs.stat(b"/tmp/f").unwrap();
        assert_eq!(st.st_ino, ino);
        assert_eq!(st.st_mode, crate::abi::S_IFREG | 0o644);
        assert_eq!(fs.open(b"/tmp/f", READ, 0), Ok(ino));
        fs.release(ino);
        assert_eq!(fs.open(b"/tmp/g", READ, 0), Err(ENOENT));
        assert_eq!(fs.open(b"/none/g", CREATE, 0), Err(ENOENT));
        assert_eq!(fs.open(b"/tmp/f/g", CREATE, 0), Err(ENOTDIR));
    }

    #[test]
    fn open_flag_errors_as_linux() {
        let mut fs = new_fs();
        touch(&mut fs, "/tmp/f");
        let excl = OpenHow {
            exclusive: true,
            ..CREATE
        };
        assert_eq!(fs.open(b"/tmp/f", excl, 0), Err(EEXIST));
        assert_eq!(fs.open(b"/tmp", excl, 0), Err(EEXIST));
        assert_eq!(fs.open(b"/tmp", CREATE, 0), Err(EISDIR));
        assert_eq!(fs.open(b"/", CREATE, 0), Err(EISDIR));
        assert_eq!(fs.open(b"/tmp/new/", CREATE, 0), Err(EISDIR));
        assert_eq!(fs.open(b"/tmp/f/", CREATE, 0), Err(EISDIR));
        assert_eq!(fs.open(b"/tmp/f/", READ, 0), Err(ENOTDIR));
        let dir = OpenHow {
            directory: true,
            nofollow: false,
            ..READ
        };
        assert_eq!(fs.open(b"/tmp/f", dir, 0), Err(ENOTDIR));
        let w = OpenHow {
            write: true,
            ..READ
        };
        assert_eq!(fs.open(b"/tmp", w, 0), Err(EISDIR));
        let t = OpenHow {
            truncate: true,
            ..READ
        };
        assert_eq!(fs.open(b"/tmp", t, 0), Err(EISDIR));
        let d = fs.open(b"/tmp/", dir, 0).unwrap();
        assert!(fs.is_dir(d).unwrap());
        fs.release(d);
    }

    #[test]
    fn truncate_on_open() {
        let mut fs = new_fs();
        write(&mut fs, "/tmp/f", b"hello");
        let t = OpenHow {
            truncate: true,
            ..READ
        };
        let ino = fs.open(b"/tmp/f", t, 0).unwrap();
        assert_eq!(fs.stat_ino(ino).unwrap().st_size, 0);
        fs.release(ino);
    }

    #[test]
    fn mkdir_and_rmdir() {
        let mut fs = new_fs();
        fs.mkdir(b"/tmp/d", 0o777).unwrap();
        let st = fs.stat(b"/tmp/d").unwrap();
        assert_eq!(st.st_mode, crate::abi::S_IFDIR | 0o755);
        assert_eq!(fs.stat(b"/tmp").unwrap().st_nlink, 3);
        assert_eq!(fs.mkdir(b"/tmp/d", 0o777), Err(EEXIST));
        assert_eq!(fs.mkdir(b"/tmp/d/", 0o777), Err(EEXIST));
        assert_eq!(fs.mkdir(b"/", 0o777), Err(EEXIST));
        assert_eq!(fs.mkdir(b"/tmp/.", 0o777), Err(EEXIST));
        assert_eq!(fs.mkdir(b"/tmp/x/y", 0o777), Err(ENOENT));
        fs.mkdir(b"/tmp/d/e/", 0o777).unwrap();
        assert_eq!(fs.rmdir(b"/tmp/d"), Err(ENOTEMPTY));
        assert_eq!(fs.rmdir(b"/tmp/d/e/."), Err(EINVAL));
        assert_eq!(fs.rmdir(b"/tmp/d/e/.."), Err(ENOTEMPTY));
        assert_eq!(fs.rmdir(b"/"), Err(EBUSY));
        touch(&mut fs, "/tmp/d/f");
        assert_eq!(fs.rmdir(b"/tmp/d/f"), Err(ENOTDIR));
        assert_eq!(fs.rmdir(b"/tmp/d/nope"), Err(ENOENT));
        fs.rmdir(b"/tmp/d/e/").unwrap();
        fs.unlink(b"/tmp/d/f").unwrap();
        assert_eq!(fs.stat(b"/tmp/d").unwrap().st_nlink, 2);
        fs.rmdir(b"/tmp/d").unwrap();
        assert_eq!(fs.stat(b"/tmp/d").err(), Some(ENOENT));
        assert_eq!(fs.stat(b"/tmp").unwrap().st_nlink, 2);
        assert_eq!(fs.node_count(), BOOT_NODES);
    }

    #[test]
    fn unlink_rules() {
        let mut fs = new_fs();
        touch(&mut fs, "/tmp/f");
        assert_eq!(fs.unlink(b"/tmp"), Err(EISDIR));
        assert_eq!(fs.unlink(b"/tmp/"), Err(EISDIR));
        assert_eq!(fs.unlink(b"/"), Err(EISDIR));
        assert_eq!(fs.unlink(b"."), Err(EISDIR));
        assert_eq!(fs.unlink(b"/tmp/f/"), Err(ENOTDIR));
        assert_eq!(fs.unlink(b"/tmp/g"), Err(ENOENT));
        fs.unlink(b"/tmp/f").unwrap();
        assert_eq!(fs.unlink(b"/tmp/f"), Err(ENOENT));
        assert_eq!(fs.node_count(), BOOT_NODES);
    }

    #[test]
    fn unlinked_open_file_lives_until_released() {
        let mut fs = new_fs();
        write(&mut fs, "/tmp/f", b"data");
        let ino = fs.open(b"/tmp/f", READ, 0).unwrap();
        fs.unlink(b"/tmp/f").unwrap();
        assert_eq!(fs.stat_ino(ino).unwrap().st_nlink, 0);
        let mut buf = [0u8; 8];
        assert_eq!(fs.read(ino, 0, &mut buf), Ok(4));
        assert_eq!(fs.node_count(), BOOT_NODES + 1);
        fs.release(ino);
        assert_eq!(fs.node_count(), BOOT_NODES);
    }

    #[test]
    fn rename_files() {
        let mut fs = new_fs();
        write(&mut fs, "/tmp/a", b"A");
        write(&mut fs, "/tmp/b", b"B");
        fs.rename(b"/tmp/a", b"/tmp/c").unwrap();
        assert_eq!(fs.stat(b"/tmp/a").err(), Some(ENOENT));
        assert_eq!(read(&mut fs, "/tmp/c"), b"A");
        // Replaces an existing file, which is freed.
        fs.rename(b"/tmp/c", b"/tmp/b").unwrap();
        assert_eq!(read(&mut fs, "/tmp/b"), b"A");
        assert_eq!(fs.node_count(), BOOT_NODES + 1);
        // Onto itself: nothing happens.
        fs.rename(b"/tmp/b", b"/tmp//b").unwrap();
        assert_eq!(read(&mut fs, "/tmp/b"), b"A");
        fs.mkdir(b"/d", 0o777).unwrap();
        fs.rename(b"/tmp/b", b"/d/b").unwrap();
        assert_eq!(read(&mut fs, "/d/b"), b"A");
        assert_eq!(fs.rename(b"/tmp/none", b"/tmp/x"), Err(ENOENT));
        assert_eq!(fs.rename(b"/d/b", b"/none/x"), Err(ENOENT));
        assert_eq!(fs.rename(b"/d/b/", b"/tmp/x"), Err(ENOTDIR));
        assert_eq!(fs.rename(b"/d/b", b"/tmp/x/"), Err(ENOTDIR));
        assert_eq!(fs.rename(b"/d/b", b"/tmp"), Err(EISDIR));
        assert_eq!(fs.rename(b"/d/b", b"/"), Err(EBUSY));
        assert_eq!(fs.rename(b"/d/.", b"/x"), Err(EBUSY));
    }

    #[test]
    fn rename_directories() {
        let mut fs = new_fs();
        fs.mkdir(b"/a", 0o777).unwrap();
        fs.mkdir(b"/a/sub", 0o777).unwrap();
        touch(&mut fs, "/a/sub/f");
        fs.mkdir(b"/b", 0o777).unwrap();
        assert_eq!(fs.stat(b"/").unwrap().st_nlink, ROOT_NLINK + 2);
        // Into an empty directory's place, in another directory.
        fs.rename(b"/a/sub/", b"/tmp/moved").unwrap();
        assert_eq!(fs.stat(b"/a").unwrap().st_nlink, 2);
        assert_eq!(fs.stat(b"/tmp").unwrap().st_nlink, 3);
        assert!(fs.stat(b"/tmp/moved/f").is_ok());
        assert_eq!(fs.lookup(b"/tmp/moved/.."), fs.lookup(b"/tmp"));
        fs.rename(b"/tmp/moved", b"/b").unwrap();
        assert_eq!(fs.stat(b"/tmp").unwrap().st_nlink, 2);
        assert_eq!(fs.stat(b"/").unwrap().st_nlink, ROOT_NLINK + 2);
        assert!(fs.stat(b"/b/f").is_ok());
        // Errors.
        fs.mkdir(b"/b/inner", 0o777).unwrap();
        assert_eq!(fs.rename(b"/b", b"/b/inner/x"), Err(EINVAL));
        assert_eq!(fs.rename(b"/b", b"/b/inner"), Err(EINVAL));
        assert_eq!(fs.rename(b"/a", b"/b"), Err(ENOTEMPTY));
        assert_eq!(fs.rename(b"/a", b"/b/f"), Err(ENOTDIR));
        assert_eq!(fs.rename(b"/b/inner", b"/a"), Ok(()));
        assert_eq!(fs.lookup(b"/a/.."), Ok(ROOT));
        fs.unlink(b"/b/f").unwrap();
        fs.rmdir(b"/b").unwrap();
        fs.rmdir(b"/a").unwrap();
        assert_eq!(fs.node_count(), BOOT_NODES);
        assert_eq!(fs.stat(b"/").unwrap().st_nlink, ROOT_NLINK);
    }

    #[test]
    fn truncate_and_access() {
        let mut fs = new_fs();
        write(&mut fs, "/tmp/f", b"hello");
        fs.truncate(b"/tmp/f", 2).unwrap();
        assert_eq!(read(&mut fs, "/tmp/f"), b"he");
        fs.truncate(b"/tmp/f", 4).unwrap();
        assert_eq!(read(&mut fs, "/tmp/f"), b"he\0\0");
        assert_eq!(fs.truncate(b"/tmp", 0), Err(EISDIR));
        assert_eq!(fs.truncate(b"/tmp/x", 0), Err(ENOENT));
        assert_eq!(fs.access(b"/tmp/f", F_OK), Ok(()));
        assert_eq!(fs.access(b"/tmp/f", R_OK | W_OK), Ok(()));
        assert_eq!(fs.access(b"/tmp/f", X_OK), Err(EACCES));
        assert_eq!(fs.access(b"/tmp", X_OK), Ok(()));
        assert_eq!(fs.access(b"/tmp/x", F_OK), Err(ENOENT));
        assert_eq!(fs.access(b"/tmp/f", 8), Err(EINVAL));
    }

    #[test]
    fn nothing_is_created_in_a_removed_directory() {
        let mut fs = new_fs();
        fs.mkdir(b"/tmp/d", 0o777).unwrap();
        fs.chdir(b"/tmp/d").unwrap();
        fs.rmdir(b"/tmp/d").unwrap();
        assert_eq!(fs.open(b"f", CREATE, 0), Err(ENOENT));
        assert_eq!(fs.mkdir(b"e", 0o777), Err(ENOENT));
        assert_eq!(fs.lookup(b".."), Err(ENOENT));
        assert!(fs.lookup(b".").is_ok());
        fs.chdir(b"/").unwrap();
        assert_eq!(fs.node_count(), BOOT_NODES);
    }
}
