//! Paths that lead into a volume (a host directory over virtio-fs, `fs::fuse`): the
//! path calls in `fs` ask `route` first and, when it answers, do their work with
//! `fs::fuse::ops` instead of the in-memory filesystem.

use alloc::borrow::Cow;
use alloc::sync::Arc;
use alloc::vec::Vec;
use hermit_sync::SpinMutex;

use crate::abi::errno::{ENAMETOOLONG, Errno};
use crate::fd::files::{new_object, new_open_file};
use crate::fd::flags;
use crate::fd::global;
use crate::fd::kind::host_dir::HostDir;
use crate::fd::kind::host_file::HostFile;
use crate::fs::fuse::ops::{self, Opened};
use crate::fs::fuse::table;
use crate::fs::fuse::volume::Volume;
use crate::fs::path::PATH_MAX;

/// A volume and the path inside it.
pub type OnVolume = (Arc<Volume>, Vec<u8>);

/// The current directory when it is on a volume: its absolute path (the in-memory
/// filesystem keeps the current directory otherwise).
static VOLUME_CWD: SpinMutex<Option<Vec<u8>>> = SpinMutex::new(None);

/// The current directory on a volume, copied: VOLUME_CWD is a spin lock and stays a leaf,
/// never held while another lock is taken. (Holding it across the in-memory filesystem's
/// sleeping lock, which callers of `memory_path` hold while taking this one, deadlocked
/// every CPU: the fuzzer's path calls, seed 1.)
fn volume_cwd() -> Option<Vec<u8>> {
    VOLUME_CWD.lock().clone()
}

/// `path` appended to the directory `base`.
fn joined(mut base: Vec<u8>, path: &[u8]) -> Result<Vec<u8>, Errno> {
    base.push(b'/');
    base.extend_from_slice(path);
    if base.len() >= PATH_MAX {
        return Err(ENAMETOOLONG);
    }
    Ok(base)
}

/// `path` made absolute against the current directory (volume or in-memory). Takes the
/// in-memory filesystem's lock: callers must not hold it.
fn absolute(path: &[u8]) -> Result<Vec<u8>, Errno> {
    let base = match volume_cwd() {
        Some(cwd) => cwd,
        None => {
            let mut buf = alloc::vec![0u8; PATH_MAX];
            let n = global::fs()?.lock().getcwd(&mut buf)?;
            buf.truncate(n - 1); // without its NUL
            buf
        }
    };
    joined(base, path)
}

/// Where `path` leads: `None` for the in-memory tree, else the volume (or why it
/// cannot be used: `EIO` for a volume whose device did not start). Relative paths start
/// at the current directory.
pub fn route(path: &[u8]) -> Option<Result<OnVolume, Errno>> {
    if !table::any() {
        return None;
    }
    if path.first() == Some(&b'/') {
        return table::route(path);
    }
    match absolute(path) {
        Ok(abs) => table::route(&abs),
        Err(e) => Some(Err(e)),
    }
}

/// The path to give the in-memory filesystem for a `path` that `route` left there: as
/// it is, unless the current directory is on a volume (then made absolute). Takes no
/// lock but VOLUME_CWD, so callers may hold the in-memory filesystem's.
pub fn memory_path(path: &[u8]) -> Cow<'_, [u8]> {
    if path.first() != Some(&b'/') {
        if let Some(Ok(abs)) = volume_cwd().map(|cwd| joined(cwd, path)) {
            return Cow::Owned(abs);
        }
    }
    Cow::Borrowed(path)
}

/// `chdir`: into a directory of a volume (remembered here), or in the in-memory tree.
pub fn chdir(path: &[u8]) -> Result<(), Errno> {
    if let Some(on) = route(path) {
        let (vol, rest) = on?;
        let (_, attr) = vol.resolve(&rest, true)?;
        if !crate::fs::fuse::volume::is_dir(attr.mode) {
            return Err(crate::abi::errno::ENOTDIR);
        }
        let abs = if path.first() == Some(&b'/') {
            path.to_vec()
        } else {
            absolute(path)?
        };
        let (mount, inside) = table::mount_point(&abs).ok_or(crate::abi::errno::EIO)?;
        let mut cwd = mount;
        for c in clamped(inside) {
            cwd.push(b'/');
            cwd.extend_from_slice(c);
        }
        *VOLUME_CWD.lock() = Some(cwd);
        return Ok(());
    }
    let target = memory_path(path).into_owned();
    global::fs()?.lock().chdir(&target)?;
    *VOLUME_CWD.lock() = None;
    Ok(())
}

/// The components of a path inside a volume, `.` and `..` applied, `..` at the top
/// staying there (as the volume resolves it).
fn clamped(path: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = Vec::new();
    for c in path.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                out.pop();
            }
            name => out.push(name),
        }
    }
    out
}

/// `getcwd` when the current directory is on a volume: its path with a NUL in `buf`.
pub fn getcwd(buf: &mut [u8]) -> Option<Result<usize, Errno>> {
    let cwd = volume_cwd()?;
    if buf.len() < cwd.len() + 1 {
        return Some(Err(crate::abi::errno::ERANGE));
    }
    buf[..cwd.len()].copy_from_slice(&cwd);
    buf[cwd.len()] = 0;
    Some(Ok(cwd.len() + 1))
}

/// `open` on a volume: the new descriptor.
pub fn open(v: OnVolume, flags: i32, mode: u32) -> Result<i32, Errno> {
    let f = flags::decode(flags)?;
    let (vol, path) = v;
    let object = match ops::open(&vol, &path, flags, mode)? {
        Opened::File { node, fh, .. } => new_object(HostFile::new(node, fh))?,
        Opened::Dir { node, fh } => new_object(HostDir::new(node, fh))?,
    };
    let file = new_open_file(object, f.access, f.status)?;
    global::install(file, f.cloexec)
}
