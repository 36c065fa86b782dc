//! Paths that lead into a volume (a host directory over virtio-fs, `fs::fuse`): the
//! path calls in `fs` ask `route` first and, when it answers, do their work with
//! `fs::fuse::ops` instead of the in-memory filesystem.

use alloc::sync::Arc;
use alloc::vec::Vec;

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

/// Where `path` leads: `None` for the in-memory tree, else the volume (or why it
/// cannot be used: `EIO` for a volume whose device did not start). Relative paths start
/// at the current directory, which is in the in-memory tree (a mount point at most).
pub fn route(path: &[u8]) -> Option<Result<OnVolume, Errno>> {
    if !table::any() {
        return None;
    }
    if path.first() == Some(&b'/') {
        return table::route(path);
    }
    let mut abs = alloc::vec![0u8; PATH_MAX];
    let cwd_len = match global::fs().and_then(|fs| fs.lock().getcwd(&mut abs)) {
        Ok(n) => n - 1, // without its NUL
        Err(_) => return None,
    };
    abs.truncate(cwd_len);
    abs.push(b'/');
    abs.extend_from_slice(path);
    if abs.len() >= PATH_MAX {
        return Some(Err(ENAMETOOLONG));
    }
    table::route(&abs)
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
