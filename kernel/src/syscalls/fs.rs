//! Calls on paths: opening, status, directories, removing, renaming, the current
//! directory; and `sys_getdents64` for listing an open directory. Paths are
//! NUL-terminated, at most `PATH_MAX` (4096) bytes with the NUL; relative ones start at
//! the current directory (`/` at boot).
//!
//! Beyond hermit-abi, for the C library: `sys_rename`, `sys_truncate`, `sys_access`,
//! `sys_getcwd`, `sys_chdir`.

use core::ffi::c_char;

use super::uaccess;
use super::volume;
use super::{fail, status};
use crate::abi::errno::EXDEV;
use crate::abi::errno::{EFAULT, EINVAL, ENAMETOOLONG, Errno};
use crate::abi::{O_DIRECTORY, O_RDONLY, dirent64, stat};
use crate::fd::global;
use crate::fs::fuse::ops;
use crate::fs::fuse::volume::Volume;
use crate::fs::path::PATH_MAX;
use alloc::sync::Arc;

/// The NUL-terminated path at `p`, without its NUL: `EFAULT` for a pointer that is not
/// the application's (`uaccess`), `ENAMETOOLONG` if there is no NUL within `PATH_MAX`
/// bytes.
///
/// # Safety
/// If the checks pass, the caller guarantees `p` is its string.
unsafe fn c_path<'a>(p: *const c_char) -> Result<&'a [u8], Errno> {
    // SAFETY: the caller's string, checked by uaccess.
    unsafe { uaccess::c_string(p, PATH_MAX, ENAMETOOLONG) }
}

/// Runs `on_volume` if the path `p` leads into a volume, else `in_memory` on the
/// in-memory filesystem (locked).
///
/// # Safety
/// As `c_path`.
unsafe fn with_path_or_volume<R>(
    p: *const c_char,
    on_volume: impl FnOnce(&Arc<Volume>, &[u8]) -> Result<R, Errno>,
    in_memory: impl FnOnce(&mut crate::fs::Fs, &[u8]) -> Result<R, Errno>,
) -> Result<R, Errno> {
    // SAFETY: the caller passes its string.
    let path = unsafe { c_path(p) }?;
    if let Some(on) = volume::route(path) {
        let (vol, rest) = on?;
        return on_volume(&vol, &rest);
    }
    let path = volume::memory_path(path);
    let fs = global::fs()?;
    let mut fs = fs.lock();
    in_memory(&mut fs, &path)
}

/// Writes `st` to the application's `out` (`EFAULT` if it may not), as Linux does
/// after the lookup: a missing file is `ENOENT` whatever `out` is.
fn put_stat(out: *mut stat, st: Result<stat, Errno>) -> i32 {
    status(st.and_then(|s| uaccess::write(out, s)))
}

/// # Safety
/// `name` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_open(name: *const c_char, flags: i32, mode: i32) -> i32 {
    // SAFETY: the caller passes its string.
    let path = unsafe { c_path(name) };
    path.and_then(|path| match volume::route(path) {
        Some(on) => volume::open(on?, flags, mode as u32),
        None => global::open(&volume::memory_path(path), flags, mode as u32),
    })
    .unwrap_or_else(fail)
}

/// # Safety
/// `name` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_opendir(name: *const c_char) -> i32 {
    // SAFETY: as sys_open.
    unsafe { sys_open(name, O_RDONLY | O_DIRECTORY, 0) }
}

/// # Safety
/// `name` must be a NUL-terminated string and `st` valid for writing a `stat`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_stat(name: *const c_char, st: *mut stat) -> i32 {
    // SAFETY: the caller passes its string, checked by uaccess.
    put_stat(st, unsafe {
        with_path_or_volume(name, |v, p| ops::stat(v, p, true), |f, path| f.stat(path))
    })
}

/// As `sys_stat`, not following a last symbolic link.
///
/// # Safety
/// As `sys_stat`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_lstat(name: *const c_char, st: *mut stat) -> i32 {
    // SAFETY: the caller passes its string, checked by uaccess.
    put_stat(st, unsafe {
        with_path_or_volume(name, |v, p| ops::stat(v, p, false), |f, path| f.lstat(path))
    })
}

/// # Safety
/// `name` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_mkdir(name: *const i8, mode: u32) -> i32 {
    // SAFETY: the caller passes its string.
    status(unsafe {
        with_path_or_volume(
            name.cast(),
            |v, p| ops::mkdir(v, p, mode),
            |f, path| f.mkdir(path, mode),
        )
    })
}

/// Removes a file's name; `-EISDIR` for a directory (as Linux).
///
/// # Safety
/// `name` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_unlink(name: *const c_char) -> i32 {
    // SAFETY: the caller passes its string.
    status(unsafe {
        with_path_or_volume(
            name,
            |v, p| ops::remove(v, p, false),
            |f, path| f.unlink(path),
        )
    })
}

/// # Safety
/// `name` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_rmdir(name: *const c_char) -> i32 {
    // SAFETY: the caller passes its string.
    status(unsafe {
        with_path_or_volume(
            name,
            |v, p| ops::remove(v, p, true),
            |f, path| f.rmdir(path),
        )
    })
}

/// Fills `dirp` with `dirent64` records (lengths multiples of 8, NUL-terminated names),
/// the entries in name order, and returns the bytes used; 0 once everything was read.
/// Returns all remaining entries at once or fails with `-EINVAL` (nothing consumed) if
/// `count` bytes cannot hold them: retry with a larger buffer, as Rust's std does (it
/// reads a directory with one call). There are no `.` and `..` entries (std would hand
/// them to the application). `-ENOTDIR` if `fd` is not a directory. A record's `d_off` is
/// the position after it (for `sys_lseek` with `SEEK_SET`).
///
/// # Safety
/// `dirp` must be valid for writing `count` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_getdents64(fd: i32, dirp: *mut dirent64, count: usize) -> i64 {
    // SAFETY: the caller passes its buffer, checked by uaccess.
    let r = unsafe { uaccess::bytes_mut(dirp as *mut u8, count) }
        .and_then(|buf| global::get(fd)?.object().getdents(buf));
    match r {
        Ok(n) => n as i64,
        Err(e) => fail(e) as i64,
    }
}

/// Renames `oldpath` to `newpath`, replacing `newpath` if it exists: a file may replace
/// a file, a directory an empty directory. Returns 0, or `-ENOENT` (`oldpath` or
/// `newpath`'s directory missing), `-EISDIR` (file onto a directory), `-ENOTDIR`
/// (directory onto a file, or a path component not a directory), `-ENOTEMPTY` (onto a
/// non-empty directory), `-EINVAL` (a directory into itself), `-EBUSY` (`/`, `.` or `..`
/// as either last component), `-ENOMEM`. Renaming a file onto itself does nothing.
///
/// # Safety
/// `oldpath` and `newpath` must be NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_rename(oldpath: *const c_char, newpath: *const c_char) -> i32 {
    // SAFETY: the caller passes its strings.
    let r = unsafe { c_path(newpath) }.and_then(|new| {
        let new_on = volume::route(new).transpose()?;
        // SAFETY: as above.
        unsafe {
            with_path_or_volume(
                oldpath,
                |v, old| match &new_on {
                    Some((nv, new)) if Arc::ptr_eq(v, nv) => ops::rename(v, old, new),
                    _ => Err(EXDEV),
                },
                |f, old| match new_on {
                    Some(_) => Err(EXDEV),
                    None => f.rename(old, &volume::memory_path(new)),
                },
            )
        }
    });
    status(r)
}

/// Sets the size of the file `name` (as `sys_ftruncate`). `-EINVAL` for a negative
/// `len`, `-EISDIR` for a directory, `-ENOENT`, `-EFBIG`.
///
/// # Safety
/// `name` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_truncate(name: *const c_char, len: i64) -> i32 {
    let Ok(len) = u64::try_from(len) else {
        return fail(EINVAL);
    };
    // SAFETY: the caller passes its string.
    status(unsafe {
        with_path_or_volume(
            name,
            |v, p| ops::truncate(v, p, len),
            |f, path| f.truncate(path, len),
        )
    })
}

/// Whether `name` exists and may be accessed with `mode` (`F_OK`, or any of `R_OK`,
/// `W_OK`, `X_OK`): 0, or `-ENOENT`/`-ENOTDIR` if it does not exist, `-EACCES` for
/// `X_OK` on a file without execute bits (everything else is allowed: the application
/// is root), `-EINVAL` for other mode bits.
///
/// # Safety
/// `name` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_access(name: *const c_char, mode: i32) -> i32 {
    // SAFETY: the caller passes its string.
    status(unsafe {
        with_path_or_volume(
            name,
            |v, p| ops::access(v, p, mode),
            |f, path| f.access(path, mode),
        )
    })
}

/// Writes the current directory's absolute path, NUL-terminated, to `buf` (`size`
/// bytes). Returns the length written including the NUL, or `-ERANGE` if `size` is too
/// small, `-EINVAL` if it is 0, `-EFAULT`, `-ENOENT` if the directory was removed.
///
/// # Safety
/// `buf` must be valid for writing `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_getcwd(buf: *mut c_char, size: usize) -> i32 {
    if buf.is_null() {
        return fail(EFAULT);
    }
    if size == 0 {
        return fail(EINVAL);
    }
    // SAFETY: the caller passes its buffer, checked by uaccess; as on Linux, only the
    // bytes the path needs must be writable (getcwd(buf, a size larger than buf) works).
    let r =
        unsafe { uaccess::bytes_prefix_mut(buf as *mut u8, size) }.and_then(
            |b| match volume::getcwd(b) {
                Some(r) => r,
                None => global::fs()?.lock().getcwd(b),
            },
        );
    r.map_or_else(fail, |n| n as i32)
}

/// Changes the current directory (where relative paths start): 0, or `-ENOENT`,
/// `-ENOTDIR`.
///
/// # Safety
/// `name` must be a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_chdir(name: *const c_char) -> i32 {
    // SAFETY: the caller passes its string.
    status(unsafe { c_path(name) }.and_then(volume::chdir))
}
