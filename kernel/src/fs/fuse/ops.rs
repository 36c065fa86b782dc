//! The calls on paths, on a volume: what `open`, `stat`, `mkdir`, `unlink`, `rename`
//! and the rest do when their path routes into a volume (`mounts::route`), with
//! Linux's errors. Changes on a read-only volume are `EROFS`, checked before the
//! daemon is asked anything that could change the host.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::proto::{self, Attr, SetAttr};
use super::volume::{self, Node, Volume, is_dir, is_symlink};
use crate::abi::errno::{
    EACCES, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, EPERM, EROFS, Errno,
};
use crate::abi::{O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_TRUNC, stat};

/// Linux's `O_NOFOLLOW` (not in hermit-abi).
pub const O_NOFOLLOW: i32 = 0o400000;
const O_ACCMODE: i32 = 0o3;

/// What `open` found or made.
pub enum Opened {
    File { node: Node, attr: Attr, fh: u64 },
    Dir { node: Node, fh: u64 },
}

/// `open` of `path` in `vol` with `flags` (the access mode already checked valid).
pub fn open(vol: &Arc<Volume>, path: &[u8], flags: i32, mode: u32) -> Result<Opened, Errno> {
    open_following(vol, path, flags, mode, 0)
}

/// The path a symbolic link at `path` with `target` leads to, inside the volume.
fn link_target_path(path: &[u8], target: &[u8]) -> Vec<u8> {
    if target.first() == Some(&b'/') {
        return target.to_vec();
    }
    let mut end = path.len();
    while end > 0 && path[end - 1] == b'/' {
        end -= 1;
    }
    let dir = match path[..end].iter().rposition(|&b| b == b'/') {
        Some(i) => &path[..i + 1],
        None => &b""[..],
    };
    let mut out = dir.to_vec();
    out.extend_from_slice(target);
    out
}

/// `open`, `links` symbolic links into an `O_CREAT` that may create a link's target.
fn open_following(
    vol: &Arc<Volume>,
    path: &[u8],
    flags: i32,
    mode: u32,
    links: u32,
) -> Result<Opened, Errno> {
    let writes = flags & O_ACCMODE != 0;
    let follow = flags & O_NOFOLLOW == 0;
    let existing = if flags & O_CREAT != 0 {
        let parent = vol.parent(path, volume::AT_ROOT_CREATE).or_else(|e| {
            // `open("/vol", O_CREAT)` on the root: it exists.
            if e == EEXIST && flags & O_EXCL == 0 {
                Err(EISDIR)
            } else {
                Err(e)
            }
        })?;
        // O_EXCL: the host's create says EEXIST itself (it does not follow a link
        // there either), one request less per new file.
        let looked = if flags & O_EXCL != 0 && vol.check_writable().is_ok() {
            Err(ENOENT)
        } else {
            vol.lookup(parent.dir.id, &parent.name)
        };
        match looked {
            Ok(found) => {
                if flags & O_EXCL != 0 {
                    return Err(EEXIST);
                }
                if is_symlink(found.1.mode) {
                    if !follow {
                        return Err(ELOOP);
                    }
                    if links >= 40 {
                        return Err(ELOOP);
                    }
                    // Through the link, creating its target if it is missing (Linux).
                    let target = vol.readlink(found.0.id)?;
                    drop(found);
                    let next = link_target_path(path, &target);
                    return open_following(vol, &next, flags & !O_EXCL, mode, links + 1);
                } else {
                    found
                }
            }
            Err(ENOENT) => {
                if path.last() == Some(&b'/') {
                    return Err(EISDIR);
                }
                vol.check_writable()?;
                // The host opens the new file for reading and writing whatever the
                // access mode: the descriptor enforces the mode.
                let host_flags = (flags & (O_APPEND | O_EXCL)) as u32 | 2;
                let (node, attr, fh) = vol.create(
                    parent.dir.id,
                    &parent.name,
                    host_flags,
                    mode & 0o7777 & !0o022,
                )?;
                return Ok(Opened::File { node, attr, fh });
            }
            Err(e) => return Err(e),
        }
    } else {
        let found = vol.resolve(path, follow)?;
        if !follow && is_symlink(found.1.mode) {
            return Err(ELOOP);
        }
        found
    };
    let (node, attr) = existing;
    if is_dir(attr.mode) {
        if writes {
            return Err(EISDIR);
        }
        let fh = vol.open(node.id, 0, true)?;
        return Ok(Opened::Dir { node, fh });
    }
    if flags & O_DIRECTORY != 0 {
        return Err(ENOTDIR);
    }
    if writes || flags & O_TRUNC != 0 {
        vol.check_writable()?;
    }
    // Read-write on the host whenever the volume allows it, so the same handle serves
    // every descriptor mode; O_TRUNC and O_APPEND go through.
    let acc = if vol.read_only { 0 } else { 2 };
    // Linux truncates with O_RDONLY | O_TRUNC too.
    let trunc = flags & O_TRUNC;
    let host_flags = (acc | (flags & O_APPEND) | trunc) as u32;
    let fh = match vol.open(node.id, host_flags, false) {
        // A file the daemon may not write (another owner, a read-only host mount),
        // opened for reading only: read-only on the host is enough.
        Err(EACCES | EPERM | EROFS) if !writes && trunc == 0 && acc != 0 => {
            vol.open(node.id, (flags & O_APPEND) as u32, false)?
        }
        r => r?,
    };
    let attr = if trunc != 0 {
        vol.getattr(node.id, Some(fh))?
    } else {
        attr
    };
    Ok(Opened::File { node, attr, fh })
}

pub fn stat(vol: &Arc<Volume>, path: &[u8], follow: bool) -> Result<stat, Errno> {
    let (_, attr) = vol.resolve(path, follow)?;
    Ok(vol.stat(&attr))
}

pub fn mkdir(vol: &Arc<Volume>, path: &[u8], mode: u32) -> Result<(), Errno> {
    let p = vol.parent(path, volume::AT_ROOT_CREATE)?;
    if vol.read_only {
        // Linux: EEXIST wins over EROFS.
        return match vol.lookup(p.dir.id, &p.name) {
            Ok(_) => Err(EEXIST),
            Err(_) => Err(EROFS),
        };
    }
    vol.mkdir(p.dir.id, &p.name, mode & 0o7777 & !0o022)
}

/// `unlink`, or `rmdir` with `dir`.
pub fn remove(vol: &Arc<Volume>, path: &[u8], dir: bool) -> Result<(), Errno> {
    let p = vol.parent(path, volume::AT_ROOT_REMOVE)?;
    // Linux: ENOENT before EROFS. The node stays looked up until the daemon removed
    // it: virtiofsd finds what to remove among the nodes the guest holds.
    let (node, attr) = vol.lookup(p.dir.id, &p.name)?;
    if !dir && is_dir(attr.mode) {
        return Err(EISDIR);
    }
    if dir && !is_dir(attr.mode) {
        return Err(ENOTDIR);
    }
    let r = vol.remove(p.dir.id, &p.name, dir);
    drop(node);
    r
}

pub fn rename(vol: &Arc<Volume>, old: &[u8], new: &[u8]) -> Result<(), Errno> {
    let o = vol.parent(old, volume::AT_ROOT_REMOVE)?;
    let n = vol.parent(new, volume::AT_ROOT_REMOVE)?;
    // Both held while the daemon renames (it looks them up among the guest's nodes).
    let old_node = vol.lookup(o.dir.id, &o.name)?;
    let new_node = match vol.lookup(n.dir.id, &n.name) {
        Ok(found) => Some(found),
        Err(ENOENT) => None,
        Err(e) => return Err(e),
    };
    let r = vol.rename(&o, &n);
    drop((old_node, new_node));
    r
}

pub fn truncate(vol: &Arc<Volume>, path: &[u8], len: u64) -> Result<(), Errno> {
    let (node, attr) = vol.resolve(path, true)?;
    if is_dir(attr.mode) {
        return Err(EISDIR);
    }
    vol.setattr(
        node.id,
        &SetAttr {
            valid: proto::FATTR_SIZE,
            size: len,
            ..Default::default()
        },
    )
    .map(|_| ())
}

/// `access`: existence, and `W_OK` is `EROFS` on a read-only volume; the rest is the
/// host's answer (the guest is root, the daemon checks as its own user).
pub fn access(vol: &Arc<Volume>, path: &[u8], mode: i32) -> Result<(), Errno> {
    if mode & !7 != 0 {
        return Err(EINVAL);
    }
    let (node, attr) = vol.resolve(path, true)?;
    if mode & 2 != 0 && vol.read_only {
        return Err(EROFS);
    }
    if mode & 1 != 0 && !is_dir(attr.mode) && attr.mode & 0o111 == 0 {
        return Err(EACCES);
    }
    drop(node);
    Ok(())
}

pub fn symlink(vol: &Arc<Volume>, target: &[u8], path: &[u8]) -> Result<(), Errno> {
    let p = vol.parent(path, volume::AT_ROOT_CREATE)?;
    if vol.lookup(p.dir.id, &p.name).is_ok() {
        return Err(EEXIST);
    }
    vol.symlink(p.dir.id, &p.name, target)
}

pub fn readlink(vol: &Arc<Volume>, path: &[u8]) -> Result<Vec<u8>, Errno> {
    let (node, attr) = vol.resolve(path, false)?;
    if !is_symlink(attr.mode) {
        return Err(EINVAL);
    }
    vol.readlink(node.id)
}

pub fn link(vol: &Arc<Volume>, old: &[u8], new: &[u8]) -> Result<(), Errno> {
    let (node, attr) = vol.resolve(old, false)?;
    if is_dir(attr.mode) {
        return Err(EPERM);
    }
    let p = vol.parent(new, volume::AT_ROOT_CREATE)?;
    if vol.lookup(p.dir.id, &p.name).is_ok() {
        return Err(EEXIST);
    }
    vol.link(node.id, p.dir.id, &p.name)
}

/// `chmod` (`Some(mode)`), or the times (`utimensat`), on a path.
pub fn setattr(vol: &Arc<Volume>, path: &[u8], follow: bool, s: &SetAttr) -> Result<(), Errno> {
    let (node, _) = vol.resolve(path, follow)?;
    vol.setattr(node.id, s).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::fuse::fake::FakeDaemon;

    #[test]
    fn link_targets_stay_relative_to_the_link() {
        assert_eq!(link_target_path(b"/a/b/link", b"t"), b"/a/b/t");
        assert_eq!(link_target_path(b"link", b"../t"), b"../t");
        assert_eq!(link_target_path(b"/a/link/", b"/abs"), b"/abs");
    }

    #[test]
    fn read_only_volume_refuses_before_asking() {
        let (vol, d) = FakeDaemon::volume(true);
        d.file(1, b"f", b"data");
        assert_eq!(mkdir(&vol, b"/new", 0o755).err(), Some(EROFS));
        assert_eq!(mkdir(&vol, b"/f", 0o755).err(), Some(EEXIST));
        assert_eq!(remove(&vol, b"/f", false).err(), Some(EROFS));
        assert_eq!(remove(&vol, b"/none", false).err(), Some(ENOENT));
        assert_eq!(access(&vol, b"/f", 2).err(), Some(EROFS));
        assert_eq!(access(&vol, b"/f", 4), Ok(()));
        assert_eq!(stat(&vol, b"/f", true).unwrap().st_size, 4);
        vol.flush_forgets();
        assert_eq!(d.outstanding(), 0);
    }
}
