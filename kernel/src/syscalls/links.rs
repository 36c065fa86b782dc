//! Symbolic and hard links: `sys_symlink`, `sys_readlink`, `sys_link` (Eremit extensions
//! for the C library). Only volumes (host directories) have links; the in-memory
//! filesystem has none: `symlink` there is `-ENOSYS`, `link` `-EMLINK` (no name may get
//! a second link), `readlink` `-EINVAL` for an existing path (it is not a link).

use alloc::sync::Arc;
use core::ffi::c_char;

use super::volume;
use super::{fail, size_or_errno, status, uaccess};
use crate::abi::errno::{EINVAL, EMLINK, ENAMETOOLONG, ENOSYS, EXDEV, Errno};
use crate::fd::global;
use crate::fs::fuse::ops;
use crate::fs::path::PATH_MAX;

/// # Safety
/// As `uaccess::c_string`.
unsafe fn c_path<'a>(p: *const c_char) -> Result<&'a [u8], Errno> {
    // SAFETY: the caller's string, checked by uaccess.
    unsafe { uaccess::c_string(p, PATH_MAX, ENAMETOOLONG) }
}

/// Makes `linkpath` a symbolic link holding `target` (any bytes; resolved when used,
/// inside the volume). `-EEXIST`, `-ENOENT`, `-EROFS`, `-ENOSYS` outside volumes.
///
/// # Safety
/// `target` and `linkpath` must be NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_symlink(target: *const c_char, linkpath: *const c_char) -> i32 {
    // SAFETY: the caller passes its strings.
    let r = unsafe { c_path(target) }.and_then(|target| {
        if target.is_empty() {
            return Err(crate::abi::errno::ENOENT);
        }
        // SAFETY: as above.
        let path = unsafe { c_path(linkpath) }?;
        match volume::route(path) {
            Some(on) => {
                let (vol, rest) = on?;
                ops::symlink(&vol, target, &rest)
            }
            None => Err(ENOSYS),
        }
    });
    status(r)
}

/// The target of the symbolic link `path` in `buf` (truncated to `size`, no NUL): its
/// length, or `-EINVAL` if `path` is not a link (or `size` is 0), `-ENOENT`.
///
/// # Safety
/// `path` must be a NUL-terminated string, `buf` valid for writing `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_readlink(path: *const c_char, buf: *mut u8, size: usize) -> isize {
    // SAFETY: the caller passes its string.
    let r = unsafe { c_path(path) }.and_then(|path| {
        if size == 0 {
            return Err(EINVAL);
        }
        let target = match volume::route(path) {
            Some(on) => {
                let (vol, rest) = on?;
                ops::readlink(&vol, &rest)?
            }
            None => {
                global::fs()?.lock().stat(&volume::memory_path(path))?;
                return Err(EINVAL);
            }
        };
        let n = target.len().min(size);
        // SAFETY: the caller's buffer, checked by uaccess.
        let out = unsafe { uaccess::bytes_mut(buf, n) }?;
        out.copy_from_slice(&target[..n]);
        Ok(n)
    });
    size_or_errno(r)
}

/// Gives the file `oldpath` the second name `newpath` (same volume): `-EXDEV` between
/// volumes or to the in-memory filesystem, `-EEXIST`, `-EPERM` for a directory,
/// `-EMLINK` in the in-memory filesystem.
///
/// # Safety
/// `oldpath` and `newpath` must be NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_link(oldpath: *const c_char, newpath: *const c_char) -> i32 {
    // SAFETY: the caller passes its strings.
    let r = unsafe { c_path(oldpath) }.and_then(|old| {
        // SAFETY: as above.
        let new = unsafe { c_path(newpath) }?;
        match (
            volume::route(old).transpose()?,
            volume::route(new).transpose()?,
        ) {
            (Some((v, o)), Some((w, n))) if Arc::ptr_eq(&v, &w) => ops::link(&v, &o, &n),
            (None, None) => {
                global::fs()?.lock().stat(&volume::memory_path(old))?;
                Err(EMLINK)
            }
            _ => Err(EXDEV),
        }
    });
    match r {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}
