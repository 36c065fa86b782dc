//! Symbolic and hard links: `sys_symlink`, `sys_readlink`, `sys_link` (Eremit extensions
//! for the C library), on volumes (host directories) and in the in-memory filesystem
//! (`fs::links`). A link never spans the two (`-EXDEV`).

use alloc::sync::Arc;
use core::ffi::c_char;

use super::volume;
use super::{fail, size_or_errno, status, uaccess};
use crate::abi::errno::{EINVAL, ENAMETOOLONG, EXDEV, Errno};
use crate::fd::global;
use crate::fs::fuse::ops;
use crate::fs::path::PATH_MAX;

/// # Safety
/// As `uaccess::c_string`.
unsafe fn c_path<'a>(p: *const c_char) -> Result<&'a [u8], Errno> {
    // SAFETY: the caller's string, checked by uaccess.
    unsafe { uaccess::c_string(p, PATH_MAX, ENAMETOOLONG) }
}

/// Copies `target` to the application's `buf` (truncated to `size`, no NUL): its length.
///
/// # Safety
/// `buf` must be valid for writing `size` bytes (checked by uaccess).
unsafe fn copy_out(target: &[u8], buf: *mut u8, size: usize) -> Result<usize, Errno> {
    let n = target.len().min(size);
    // SAFETY: the caller's buffer, checked by uaccess.
    let out = unsafe { uaccess::bytes_mut(buf, n) }?;
    out.copy_from_slice(&target[..n]);
    Ok(n)
}

/// Makes `linkpath` a symbolic link holding `target` (any bytes; resolved when used,
/// inside the volume or the in-memory filesystem). `-EEXIST`, `-ENOENT`, `-EROFS`.
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
            None => global::fs()?
                .lock()
                .symlink(target, &volume::memory_path(path)),
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
                let fs = global::fs()?;
                let fs = fs.lock();
                let target = fs.readlink(&volume::memory_path(path))?;
                // SAFETY: as below.
                return unsafe { copy_out(target, buf, size) };
            }
        };
        // SAFETY: the caller's buffer.
        unsafe { copy_out(&target, buf, size) }
    });
    size_or_errno(r)
}

/// Gives the file `oldpath` the second name `newpath` (same volume, or both in the
/// in-memory filesystem): `-EXDEV` between them, `-EEXIST`, `-EPERM` for a directory.
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
            (None, None) => global::fs()?
                .lock()
                .link(&volume::memory_path(old), &volume::memory_path(new)),
            _ => Err(EXDEV),
        }
    });
    match r {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}
