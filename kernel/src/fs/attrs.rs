//! Changing a node's attributes: its mode (`chmod`, `fchmod`), its access and
//! modification times (`utimensat`, `futimens`), and the umask that new nodes get.
//! The mode is stored and reported by `stat`; as for root on Linux, it does not keep
//! anyone from reading or writing (only `access(X_OK)` looks at the execute bits).

use super::fuse::proto::SetAttr;
use super::fuse::proto::{FATTR_ATIME, FATTR_ATIME_NOW, FATTR_MODE, FATTR_MTIME, FATTR_MTIME_NOW};
use super::{Errno, Fs, Ino};
use crate::abi::errno::EPERM;
use crate::abi::timespec;

impl Fs {
    /// Applies the mode and times of `s` to `ino` (other fields are not the in-memory
    /// filesystem's: there is no owner, and sizes change through `truncate`).
    pub fn set_attr(&mut self, ino: Ino, s: &SetAttr) -> Result<(), Errno> {
        let now = self.now();
        let node = self.node_mut(ino)?;
        if s.valid & FATTR_MODE != 0 {
            // A symbolic link's mode is always 0777 (Linux has no lchmod).
            if node.link_target().is_some() {
                return Err(EPERM);
            }
            node.perm = s.mode & 0o7777;
        }
        let at = |(sec, nsec): (i64, u32), is_now: bool| {
            if is_now {
                now
            } else {
                timespec {
                    tv_sec: sec,
                    tv_nsec: nsec as i32,
                }
            }
        };
        if s.valid & FATTR_ATIME != 0 {
            node.atime = at(s.atime, s.valid & FATTR_ATIME_NOW != 0);
        }
        if s.valid & FATTR_MTIME != 0 {
            node.mtime = at(s.mtime, s.valid & FATTR_MTIME_NOW != 0);
        }
        if s.valid & (FATTR_MODE | FATTR_ATIME | FATTR_MTIME) != 0 {
            node.ctime = now;
        }
        Ok(())
    }

    /// `set_attr` on what `path` names (following a last symbolic link unless
    /// `nofollow`).
    pub fn set_attr_path(&mut self, path: &[u8], nofollow: bool, s: &SetAttr) -> Result<(), Errno> {
        let ino = if nofollow {
            self.lookup_nofollow(path)?
        } else {
            self.lookup(path)?
        };
        self.set_attr(ino, s)
    }

    /// Sets the file mode creation mask, returning the previous one.
    pub fn set_umask(&mut self, mask: u32) -> u32 {
        core::mem::replace(&mut self.umask, mask & 0o777)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{CREATE, new_fs};
    use super::*;
    use crate::abi::{S_IFDIR, S_IFREG};

    fn mode(m: u32) -> SetAttr {
        SetAttr {
            valid: FATTR_MODE,
            mode: m,
            ..Default::default()
        }
    }

    #[test]
    fn chmod_is_stored_and_reported() {
        let mut fs = new_fs();
        let f = fs.open(b"/tmp/f", CREATE, 0o644).unwrap();
        fs.set_attr(f, &mode(0o100600)).unwrap();
        assert_eq!(fs.stat(b"/tmp/f").unwrap().st_mode, S_IFREG | 0o600);
        fs.set_attr_path(b"/tmp/f", false, &mode(0o4755)).unwrap();
        assert_eq!(fs.stat(b"/tmp/f").unwrap().st_mode, S_IFREG | 0o4755);
        // access() as root: only the execute bits matter.
        assert_eq!(fs.access(b"/tmp/f", crate::abi::X_OK), Ok(()));
        fs.set_attr_path(b"/tmp/f", false, &mode(0)).unwrap();
        assert_eq!(
            fs.access(b"/tmp/f", crate::abi::R_OK | crate::abi::W_OK),
            Ok(())
        );
        assert_eq!(
            fs.access(b"/tmp/f", crate::abi::X_OK),
            Err(crate::abi::errno::EACCES)
        );
        fs.release(f);
        // Through a link: the target changes.
        fs.symlink(b"f", b"/tmp/l").unwrap();
        fs.set_attr_path(b"/tmp/l", false, &mode(0o640)).unwrap();
        assert_eq!(fs.stat(b"/tmp/f").unwrap().st_mode, S_IFREG | 0o640);
        assert_eq!(fs.set_attr_path(b"/tmp/l", true, &mode(0o600)), Err(EPERM));
    }

    #[test]
    fn umask_applies_at_creation() {
        let mut fs = new_fs();
        assert_eq!(fs.set_umask(0o077), 0o022);
        fs.mkdir(b"/tmp/d", 0o777).unwrap();
        assert_eq!(fs.stat(b"/tmp/d").unwrap().st_mode, S_IFDIR | 0o700);
        let f = fs.open(b"/tmp/f", CREATE, 0o666).unwrap();
        fs.release(f);
        assert_eq!(fs.stat(b"/tmp/f").unwrap().st_mode, S_IFREG | 0o600);
        assert_eq!(fs.set_umask(0o7022), 0o077);
        assert_eq!(fs.set_umask(0), 0o022);
    }

    #[test]
    fn times_are_set() {
        let mut fs = new_fs();
        let f = fs.open(b"/tmp/f", CREATE, 0o644).unwrap();
        fs.release(f);
        let s = SetAttr {
            valid: FATTR_ATIME | FATTR_MTIME,
            atime: (100, 5),
            mtime: (200, 6),
            ..Default::default()
        };
        fs.set_attr_path(b"/tmp/f", false, &s).unwrap();
        let st = fs.stat(b"/tmp/f").unwrap();
        assert_eq!((st.st_atim.tv_sec, st.st_atim.tv_nsec), (100, 5));
        assert_eq!((st.st_mtim.tv_sec, st.st_mtim.tv_nsec), (200, 6));
        assert!(st.st_ctim.tv_sec > 1_600_000_000);
    }
}
