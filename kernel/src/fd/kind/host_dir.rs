//! A directory on a volume, open: the daemon's directory handle and, for `getdents64`,
//! a listing read whole (READDIR page by page) when reading starts at position 0, so
//! the kernel can hand out all remaining entries at once as the in-memory directory
//! does (`sys_getdents64`). `.` and `..` are left out like there (the C library adds
//! them).

use alloc::vec::Vec;
use hermit_sync::SpinMutex;

use crate::abi::errno::{EINVAL, Errno};
use crate::abi::stat;
use crate::fd::kind::directory_common::{directory_data_calls, seek_entries};
use crate::fd::object::FileObject;
use crate::fs::dirent::{self, Entry};
use crate::fs::fuse::proto::{self, SetAttr};
use crate::fs::fuse::volume::Node;
use crate::fs::fuse::{self as fuse};

/// One entry of a listing: inode number, type, name.
type Listed = (u64, u8, Vec<u8>);

struct State {
    pos: u64,
    listing: Option<Vec<Listed>>,
}

pub struct HostDir {
    node: Node,
    fh: u64,
    state: SpinMutex<State>,
}

impl HostDir {
    pub fn new(node: Node, fh: u64) -> HostDir {
        HostDir {
            node,
            fh,
            state: SpinMutex::new(State {
                pos: 0,
                listing: None,
            }),
        }
    }

    /// Every entry, READDIR page after page.
    fn list(&self) -> Result<Vec<Listed>, Errno> {
        let vol = self.node.volume();
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let page = vol.readdir(self.node.id, self.fh, offset)?;
            if page.is_empty() {
                return Ok(out);
            }
            let before = offset;
            for e in proto::dirents(&page) {
                let e = e?;
                offset = e.off;
                if e.name != b"." && e.name != b".." {
                    out.try_reserve(1).map_err(|_| crate::abi::errno::ENOMEM)?;
                    out.push((e.ino, e.kind as u8, e.name.to_vec()));
                }
            }
            if offset == before {
                return Ok(out);
            }
        }
    }
}

impl FileObject for HostDir {
    directory_data_calls!();

    /// By entries, `SEEK_SET` and `SEEK_CUR`; back to 0 reads the directory afresh.
    fn seek(&self, offset: i64, whence: i32) -> Result<i64, Errno> {
        let mut st = fuse::lock(&self.state);
        let new = seek_entries(st.pos, offset, whence)?;
        st.pos = new;
        if new == 0 {
            st.listing = None;
        }
        Ok(new as i64)
    }

    fn stat(&self) -> Result<stat, Errno> {
        let vol = self.node.volume();
        Ok(vol.stat(&vol.getattr(self.node.id, None)?))
    }

    /// All remaining entries, or `EINVAL` (nothing consumed) if `buf` cannot hold
    /// them, as the in-memory directory.
    fn getdents(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        let mut st = fuse::lock(&self.state);
        if st.listing.is_none() {
            st.listing = Some(self.list()?);
        }
        let pos = st.pos as usize;
        let listing = st.listing.as_deref().unwrap_or(&[]);
        let rest = listing.get(pos..).unwrap_or(&[]);
        let mut used = 0;
        for (i, (ino, kind, name)) in rest.iter().enumerate() {
            let e = Entry {
                ino: *ino,
                next: (pos + i + 1) as i64,
                d_type: *kind,
                name,
            };
            used += dirent::put(&mut buf[used..], &e).ok_or(EINVAL)?;
        }
        st.pos = (pos + rest.len()) as u64;
        Ok(used)
    }

    fn sync(&self, datasync: bool) -> Result<(), Errno> {
        let vol = self.node.volume();
        vol.fsync(self.node.id, self.fh, datasync, true)
    }

    fn volume_node(&self) -> Option<(&Node, u64)> {
        Some((&self.node, self.fh))
    }

    fn set_attr(&self, s: &SetAttr) -> Result<(), Errno> {
        self.node.volume().setattr(self.node.id, s).map(|_| ())
    }
}

impl Drop for HostDir {
    fn drop(&mut self) {
        self.node.volume().release(self.node.id, self.fh, true);
    }
}
