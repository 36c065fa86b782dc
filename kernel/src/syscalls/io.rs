//! Calls on file descriptors: reading, writing, seeking, duplicating, closing, status
//! and control. The descriptor table and the open files are `crate::fd`'s: each call
//! takes the open file out of the table and works on its object (`fd::FileObject`),
//! whatever its kind, after the table's lock is released.
//!
//! Beyond hermit-abi, for the C library: `sys_dup2`, `sys_pread`, `sys_pwrite`,
//! `sys_ftruncate`, `sys_fsync`, `sys_isatty`.

use core::ffi::c_void;

use super::uaccess;
use super::{fail, size_or_errno, status};
use crate::abi::errno::{EINVAL, Errno};
use crate::abi::{FIONBIO, IOV_MAX, iovec, stat};
use crate::fd::global;

/// Linux's `FIONBIO` (`0x5421`), which a C library built with Linux's headers passes;
/// hermit-abi's is the BSD encoding (`FIONBIO`).
const FIONBIO_LINUX: i32 = 0x5421;

fn write_fd(fd: i32, bytes: &[u8]) -> Result<usize, Errno> {
    global::get(fd)?.write(bytes)
}

fn read_fd(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    global::get(fd)?.read(buf, false)
}

/// Writes up to `len` bytes from `buf`: as Linux, the bytes before the first one that
/// is not the application's (`uaccess`); `-EFAULT` if the first one is not, or the
/// range wraps.
///
/// # Safety
/// `buf` must be valid for `len` bytes (bad pointers are refused with `-EFAULT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_write(fd: i32, buf: *const u8, len: usize) -> isize {
    // SAFETY: the caller passes its buffer, checked by uaccess.
    let r = unsafe { uaccess::bytes_prefix(buf, len) }.and_then(|b| write_fd(fd, b));
    size_or_errno(r)
}

/// Reads up to `len` bytes into `buf`, at most as many as the application's writable
/// memory from `buf` on holds (Linux's short read); `-EFAULT` if `buf` is not writable
/// or `buf + len` wraps (`read(fd, buf, SIZE_MAX)`).
///
/// # Safety
/// `buf` must be valid for writing `len` bytes (bad pointers are refused with `-EFAULT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_read(fd: i32, buf: *mut u8, len: usize) -> isize {
    // SAFETY: the caller passes its buffer, checked by uaccess.
    let r = unsafe { uaccess::bytes_prefix_mut(buf, len) }.and_then(|b| read_fd(fd, b));
    size_or_errno(r)
}

/// The `iovcnt` entries at `iov`, checked.
///
/// # Safety
/// As `uaccess::array`.
unsafe fn iovecs<'a>(iov: *const iovec, iovcnt: usize) -> Result<&'a [iovec], Errno> {
    if iovcnt > IOV_MAX {
        return Err(EINVAL);
    }
    // SAFETY: the caller's array, checked by uaccess.
    unsafe { uaccess::array(iov, iovcnt) }
}

/// Runs `op` on each buffer in turn until one fails or comes up short, as a sequence of
/// reads or writes (so not atomic across buffers). The total, or the first error if
/// nothing was transferred.
fn each_buffer(iov: &[iovec], mut op: impl FnMut(&iovec) -> Result<usize, Errno>) -> isize {
    let mut total = 0usize;
    for v in iov {
        match op(v) {
            Ok(n) => {
                total += n;
                if n < v.iov_len {
                    break;
                }
            }
            Err(e) if total == 0 => return fail(e) as isize,
            Err(_) => break,
        }
    }
    total as isize
}

/// # Safety
/// `iov` must point at `iovcnt` entries describing valid buffers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_writev(fd: i32, iov: *const iovec, iovcnt: usize) -> isize {
    // SAFETY: the caller passes its array.
    match unsafe { iovecs(iov, iovcnt) } {
        Ok(iov) => each_buffer(iov, |v| {
            // SAFETY: the caller passes its buffers; each is checked by uaccess.
            let bytes = unsafe { uaccess::bytes_prefix(v.iov_base as *const u8, v.iov_len) }?;
            write_fd(fd, bytes)
        }),
        Err(e) => fail(e) as isize,
    }
}

/// # Safety
/// `iov` must point at `iovcnt` entries describing valid, writable buffers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_readv(fd: i32, iov: *const iovec, iovcnt: usize) -> isize {
    // SAFETY: the caller passes its array.
    match unsafe { iovecs(iov, iovcnt) } {
        Ok(iov) => each_buffer(iov, |v| {
            // SAFETY: the caller passes its buffers; each is checked by uaccess.
            let buf = unsafe { uaccess::bytes_prefix_mut(v.iov_base as *mut u8, v.iov_len) }?;
            read_fd(fd, buf)
        }),
        Err(e) => fail(e) as isize,
    }
}

/// Reads at `offset` without moving the file position.
/// Returns the bytes read (0 at end of file), or `-EINVAL` (negative `offset`),
/// `-EBADF` (not open for reading), `-ESPIPE` (console), `-EISDIR`, `-EFAULT`.
///
/// # Safety
/// `buf` must be valid for writing `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_pread(fd: i32, buf: *mut u8, len: usize, offset: i64) -> isize {
    // SAFETY: the caller passes its buffer, checked by uaccess.
    let r = unsafe { uaccess::bytes_prefix_mut(buf, len) }
        .and_then(|b| global::get(fd)?.pread(b, offset));
    size_or_errno(r)
}

/// Writes at `offset` without moving the file position (at the end of the file if it
/// was opened with `O_APPEND`, as Linux does). Returns the bytes written, or the errors
/// of `sys_pread` (`-EBADF` if not open for writing), `-ENOMEM`, `-EFBIG`.
///
/// # Safety
/// `buf` must be valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_pwrite(fd: i32, buf: *const u8, len: usize, offset: i64) -> isize {
    // SAFETY: the caller passes its buffer, checked by uaccess.
    let r =
        unsafe { uaccess::bytes_prefix(buf, len) }.and_then(|b| global::get(fd)?.pwrite(b, offset));
    size_or_errno(r)
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_lseek(fd: i32, offset: isize, whence: i32) -> isize {
    match global::get(fd).and_then(|f| f.object().seek(offset as i64, whence)) {
        Ok(pos) => pos as isize,
        Err(e) => fail(e) as isize,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_close(fd: i32) -> i32 {
    status(global::close(fd))
}

/// The lowest free descriptor, sharing `fd`'s open file (position and flags).
#[unsafe(no_mangle)]
pub extern "C" fn sys_dup(fd: i32) -> i32 {
    global::with(|f| f.dup(fd)).unwrap_or_else(fail)
}

/// Makes descriptor `newfd` refer to `oldfd`'s open file, closing what `newfd` was
/// first. Returns `newfd`; `-EBADF` if `oldfd` is not open or `newfd` is not in
/// 0..1024. `oldfd == newfd` returns `newfd` and changes nothing.
#[unsafe(no_mangle)]
pub extern "C" fn sys_dup2(oldfd: i32, newfd: i32) -> i32 {
    global::dup2(oldfd, newfd).unwrap_or_else(fail)
}

/// # Safety
/// `st` must be valid for writing a `stat`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_fstat(fd: i32, st: *mut stat) -> i32 {
    // As Linux: a bad descriptor is EBADF whatever `st` is.
    let st_now = global::get(fd).and_then(|f| f.object().stat());
    status(st_now.and_then(|s| uaccess::write(st, s)))
}

/// `F_DUPFD`, `F_DUPFD_CLOEXEC`, `F_GETFD`, `F_SETFD`, `F_GETFL`, `F_SETFL`; other
/// commands fail with `-EINVAL`.
#[unsafe(no_mangle)]
pub extern "C" fn sys_fcntl(fd: i32, cmd: i32, arg: i32) -> i32 {
    global::with(|f| f.fcntl(fd, cmd, arg)).unwrap_or_else(fail)
}

/// `FIONBIO` (`*argp != 0` sets `O_NONBLOCK`, 0 clears it); any other request goes to
/// the object, which fails it with `-ENOTTY` unless its kind knows it (there are no
/// terminals).
///
/// # Safety
/// For `FIONBIO`, `argp` must point at an `i32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_ioctl(s: i32, cmd: i32, argp: *mut c_void) -> i32 {
    let r = global::get(s).and_then(|file| {
        if cmd == FIONBIO || cmd == FIONBIO_LINUX {
            let on = uaccess::read(argp as *const i32)?;
            file.set_nonblocking(on != 0);
            Ok(0)
        } else {
            file.object().ioctl(cmd, argp as usize)
        }
    });
    r.unwrap_or_else(fail)
}

/// Sets the size of the file open on `fd` (for writing): shrinking drops the data past
/// `len`, growing adds zeros. `-EINVAL` for a negative `len` or a descriptor that is
/// not a file open for writing, `-EBADF`, `-EFBIG`.
#[unsafe(no_mangle)]
pub extern "C" fn sys_ftruncate(fd: i32, len: i64) -> i32 {
    status(global::get(fd).and_then(|f| f.truncate(len)))
}

/// Makes the file's data durable: nothing to do in memory (0 for any open
/// descriptor); a file on a volume is synced on the host (FUSE FSYNC) before this
/// returns. `-EBADF` for a descriptor that is not open, `-EIO` if the host failed.
#[unsafe(no_mangle)]
pub extern "C" fn sys_fsync(fd: i32) -> i32 {
    status(global::get(fd).and_then(|f| f.object().sync(false)))
}

/// 1 for a console stream whose end at the runner is a terminal (the `tty=` kernel
/// option), 0 for any other open descriptor, `-EBADF` otherwise.
#[unsafe(no_mangle)]
pub extern "C" fn sys_isatty(fd: i32) -> i32 {
    global::with(|f| f.isatty(fd)).map_or_else(fail, i32::from)
}
