//! File attributes and file system statistics (Eremit extensions for the C library):
//! `sys_chmod`, `sys_fchmod`, `sys_utimensat`, `sys_futimens`, `sys_statvfs`,
//! `sys_fstatvfs`. On a volume they reach the host's file (`EROFS` on a read-only one);
//! in the in-memory filesystem they change its own modes and times (`fs::attrs`).
//! `sys_umask` sets the mask the in-memory filesystem applies to new nodes.

use core::ffi::c_char;

use super::volume;
use super::{status, uaccess};
use crate::abi::errno::{EINVAL, ENAMETOOLONG, Errno};
use crate::abi::{
    AT_FDCWD, AT_SYMLINK_NOFOLLOW, ST_RDONLY, UTIME_NOW, UTIME_OMIT, statvfs, timespec,
};
use crate::fd::global;
use crate::fs::fuse::ops;
use crate::fs::fuse::proto::{self, SetAttr};
use crate::fs::fuse::volume::Volume;
use crate::fs::path::{NAME_MAX, PATH_MAX};

/// # Safety
/// As `uaccess::c_string`.
unsafe fn c_path<'a>(p: *const c_char) -> Result<&'a [u8], Errno> {
    // SAFETY: the caller's string, checked by uaccess.
    unsafe { uaccess::c_string(p, PATH_MAX, ENAMETOOLONG) }
}

/// Applies `s` to `path` (following a last link unless `nofollow`).
fn set_path(path: &[u8], nofollow: bool, s: &SetAttr) -> Result<(), Errno> {
    match volume::route(path) {
        Some(on) => {
            let (vol, rest) = on?;
            ops::setattr(&vol, &rest, !nofollow, s)
        }
        None => global::fs()?
            .lock()
            .set_attr_path(&volume::memory_path(path), nofollow, s),
    }
}

/// Sets the file mode creation mask (the low 9 bits of `mask`); returns the previous.
#[unsafe(no_mangle)]
pub extern "C" fn sys_umask(mask: u32) -> i32 {
    match global::fs() {
        Ok(fs) => fs.lock().set_umask(mask) as i32,
        Err(e) => super::fail(e),
    }
}

fn mode_attr(mode: u32) -> SetAttr {
    SetAttr {
        valid: proto::FATTR_MODE,
        mode: mode & 0o7777,
        ..Default::default()
    }
}

/// # Safety
/// `path` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_chmod(path: *const c_char, mode: u32) -> i32 {
    // SAFETY: the caller passes its string.
    status(unsafe { c_path(path) }.and_then(|p| set_path(p, false, &mode_attr(mode))))
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_fchmod(fd: i32, mode: u32) -> i32 {
    status(global::get(fd).and_then(|f| f.object().set_attr(&mode_attr(mode))))
}

/// The SETATTR of `utimensat`'s `times` (null: both now).
fn times_attr(times: *const timespec) -> Result<SetAttr, Errno> {
    let mut s = SetAttr::default();
    let (a, m) = if times.is_null() {
        let now = timespec {
            tv_sec: 0,
            tv_nsec: UTIME_NOW,
        };
        (now, now)
    } else {
        (uaccess::read(times)?, uaccess::read(times.wrapping_add(1))?)
    };
    for (t, set, now, field) in [
        (a, proto::FATTR_ATIME, proto::FATTR_ATIME_NOW, &mut s.atime),
        (m, proto::FATTR_MTIME, proto::FATTR_MTIME_NOW, &mut s.mtime),
    ] {
        match t.tv_nsec {
            UTIME_OMIT => {}
            UTIME_NOW => s.valid |= set | now,
            ns if (0..1_000_000_000).contains(&ns) => {
                s.valid |= set;
                *field = (t.tv_sec, ns as u32);
            }
            _ => return Err(EINVAL),
        }
    }
    Ok(s)
}

/// Sets the access and modification times of `path` (`times[0]`, `times[1]`; null for
/// now; `tv_nsec` `UTIME_NOW` or `UTIME_OMIT`). `dirfd` must be `AT_FDCWD` (or the path
/// absolute); `flags` 0 or `AT_SYMLINK_NOFOLLOW`.
///
/// # Safety
/// `path` must be a NUL-terminated string, `times` null or two `timespec`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_utimensat(
    dirfd: i32,
    path: *const c_char,
    times: *const timespec,
    flags: i32,
) -> i32 {
    let r = (|| {
        if flags & !AT_SYMLINK_NOFOLLOW != 0 {
            return Err(EINVAL);
        }
        // SAFETY: the caller passes its string.
        let p = unsafe { c_path(path) }?;
        if dirfd != AT_FDCWD && p.first() != Some(&b'/') {
            return Err(crate::abi::errno::ENOSYS);
        }
        let s = times_attr(times)?;
        if s.valid == 0 {
            return set_path(p, true, &SetAttr::default()).or(Ok(()));
        }
        set_path(p, flags & AT_SYMLINK_NOFOLLOW != 0, &s)
    })();
    status(r)
}

/// `futimens`: as `sys_utimensat` on an open file.
///
/// # Safety
/// `times` must be null or two `timespec`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_futimens(fd: i32, times: *const timespec) -> i32 {
    let r = global::get(fd).and_then(|f| {
        let s = times_attr(times)?;
        if s.valid == 0 {
            return Ok(());
        }
        f.object().set_attr(&s)
    });
    status(r)
}

fn volume_statvfs(vol: &Volume) -> Result<statvfs, Errno> {
    let s = vol.statfs()?;
    Ok(statvfs {
        f_bsize: s.bsize as u64,
        f_frsize: if s.frsize != 0 { s.frsize } else { s.bsize } as u64,
        f_blocks: s.blocks,
        f_bfree: s.bfree,
        f_bavail: s.bavail,
        f_files: s.files,
        f_ffree: s.ffree,
        f_favail: s.ffree,
        f_fsid: vol.dev,
        f_flag: if vol.read_only { ST_RDONLY } else { 0 },
        f_namemax: s.namelen as u64,
    })
}

/// The in-memory filesystem, as Linux's tmpfs reports itself: 4 KiB blocks, the heap's
/// size and free memory.
fn memory_statvfs() -> statvfs {
    let (free, total) = crate::mm::heap::HEAP.usage();
    let blocks = (total / 4096) as u64;
    statvfs {
        f_bsize: 4096,
        f_frsize: 4096,
        f_blocks: blocks,
        f_bfree: (free / 4096) as u64,
        f_bavail: (free / 4096) as u64,
        f_files: blocks,
        f_ffree: (free / 4096) as u64,
        f_favail: (free / 4096) as u64,
        f_fsid: 1,
        f_flag: 0,
        f_namemax: NAME_MAX as u64,
    }
}

/// # Safety
/// `path` must be a NUL-terminated string, `buf` valid for writing a `statvfs`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_statvfs(path: *const c_char, buf: *mut statvfs) -> i32 {
    // SAFETY: the caller passes its string.
    let r = unsafe { c_path(path) }.and_then(|p| match volume::route(p) {
        Some(on) => {
            let (vol, rest) = on?;
            vol.resolve(&rest, true)?;
            volume_statvfs(&vol)
        }
        None => {
            global::fs()?.lock().stat(&volume::memory_path(p))?;
            Ok(memory_statvfs())
        }
    });
    status(r.and_then(|s| uaccess::write(buf, s)))
}

/// # Safety
/// `buf` must be valid for writing a `statvfs`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_fstatvfs(fd: i32, buf: *mut statvfs) -> i32 {
    let r = global::get(fd).and_then(|f| match f.object().volume_node() {
        Some((node, _)) => volume_statvfs(node.volume()),
        None => Ok(memory_statvfs()),
    });
    status(r.and_then(|s| uaccess::write(buf, s)))
}
