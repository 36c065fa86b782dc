//! The current directory: where relative paths start. One for the whole VM (one
//! process). It holds a reference on its directory, so removing that directory leaves
//! it valid but empty (as on Linux: nothing can be created in it, `getcwd` fails).

use alloc::vec::Vec;

use super::{Errno, Fs, ROOT};
use crate::abi::errno::{ENOENT, ENOMEM, ENOTDIR, ERANGE};

impl Fs {
    pub fn chdir(&mut self, path: &[u8]) -> Result<(), Errno> {
        let ino = self.lookup(path)?;
        if !self.node(ino)?.is_dir() {
            return Err(ENOTDIR);
        }
        self.acquire(ino)?;
        let old = core::mem::replace(&mut self.cwd, ino);
        self.release(old);
        Ok(())
    }

    /// Writes the absolute path of the current directory, NUL-terminated, to `buf`;
    /// returns its length with the NUL. `ERANGE` if `buf` is too small, `ENOENT` if the
    /// directory was removed.
    pub fn getcwd(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        // The directories from the current one up to (not including) the root.
        let mut chain = Vec::new();
        let mut at = self.cwd;
        while at != ROOT {
            let node = self.node(at)?;
            if node.nlink == 0 {
                return Err(ENOENT);
            }
            chain.try_reserve(1).map_err(|_| ENOMEM)?;
            chain.push(at);
            at = node.dir().ok_or(ENOTDIR)?.parent;
        }
        let mut len = 0;
        let mut put = |bytes: &[u8]| -> Result<(), Errno> {
            let dst = buf.get_mut(len..len + bytes.len()).ok_or(ERANGE)?;
            dst.copy_from_slice(bytes);
            len += bytes.len();
            Ok(())
        };
        if chain.is_empty() {
            put(b"/")?;
        }
        let mut parent = ROOT;
        for &dir in chain.iter().rev() {
            let parent_dir = self.node(parent)?.dir().ok_or(ENOTDIR)?;
            put(b"/")?;
            put(parent_dir.name_of(dir).ok_or(ENOENT)?)?;
            parent = dir;
        }
        put(b"\0")?;
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{BOOT_NODES, new_fs};
    use super::*;

    fn cwd(fs: &Fs) -> String {
        let mut buf = [0u8; 64];
        let n = fs.getcwd(&mut buf).unwrap();
        assert_eq!(buf[n - 1], 0);
        String::from_utf8(buf[..n - 1].to_vec()).unwrap()
    }

    #[test]
    fn relative_paths_follow_chdir() {
        let mut fs = new_fs();
        assert_eq!(cwd(&fs), "/");
        fs.mkdir(b"/tmp/a", 0o777).unwrap();
        fs.mkdir(b"tmp/a/b", 0o777).unwrap();
        fs.chdir(b"tmp/a").unwrap();
        assert_eq!(cwd(&fs), "/tmp/a");
        assert_eq!(fs.lookup(b"b"), fs.lookup(b"/tmp/a/b"));
        fs.chdir(b"b/../..").unwrap();
        assert_eq!(cwd(&fs), "/tmp");
        assert_eq!(fs.chdir(b"nope"), Err(ENOENT));
        let f = fs.open(b"file", Default::default(), 0);
        assert_eq!(f, Err(ENOENT));
        assert_eq!(cwd(&fs), "/tmp");
    }

    #[test]
    fn chdir_to_a_file_fails() {
        let mut fs = new_fs();
        let how = crate::fs::OpenHow {
            create: true,
            write: true,
            ..Default::default()
        };
        let ino = fs.open(b"/tmp/f", how, 0o644).unwrap();
        fs.release(ino);
        assert_eq!(fs.chdir(b"/tmp/f"), Err(ENOTDIR));
    }

    #[test]
    fn getcwd_errors() {
        let mut fs = new_fs();
        fs.mkdir(b"/tmp/abc", 0o777).unwrap();
        fs.chdir(b"/tmp/abc").unwrap();
        let mut small = [0u8; 8];
        assert_eq!(fs.getcwd(&mut small), Err(ERANGE));
        let mut exact = [0u8; 9];
        assert_eq!(fs.getcwd(&mut exact), Ok(9));
        fs.rmdir(b"/tmp/abc").unwrap();
        assert_eq!(fs.getcwd(&mut [0u8; 64]), Err(ENOENT));
        // The removed directory stays alive while it is the current one.
        assert_eq!(fs.node_count(), BOOT_NODES + 1);
        fs.chdir(b"/").unwrap();
        assert_eq!(fs.node_count(), BOOT_NODES);
    }
}
