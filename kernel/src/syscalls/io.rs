//! I/O on the standard streams. stdout and stderr go to the runner; stdin is not
//! connected, so reading it gives end-of-file.

use core::sync::atomic::{AtomicU8, Ordering};

use super::{check_buffer, fail};
use crate::abi::errno::{EBADF, EINVAL, ENOSYS, ESPIPE};
use crate::abi::{S_IFCHR, iovec, stat};
use crate::console;

/// Bit n set: fd n (0..=2) is open.
static OPEN_STDIO: AtomicU8 = AtomicU8::new(0b111);

fn is_open(fd: i32) -> bool {
    (0..=2).contains(&fd) && OPEN_STDIO.load(Ordering::Relaxed) & (1 << fd) != 0
}

fn write_fd(fd: i32, bytes: &[u8]) -> Result<usize, i32> {
    if !is_open(fd) {
        return Err(EBADF);
    }
    match fd {
        1 => console::write_stdout(bytes),
        2 => console::write_stderr(bytes),
        _ => return Err(EBADF), // stdin is read-only
    }
    Ok(bytes.len())
}

/// # Safety
/// `buf` must be valid for `len` bytes (null and out-of-RAM pointers are rejected).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_write(fd: i32, buf: *const u8, len: usize) -> isize {
    if let Err(e) = check_buffer(buf, len) {
        return fail(e) as isize;
    }
    if len == 0 {
        return if is_open(fd) { 0 } else { fail(EBADF) as isize };
    }
    // SAFETY: checked above; the caller owns the buffer.
    let bytes = unsafe { core::slice::from_raw_parts(buf, len) };
    match write_fd(fd, bytes) {
        Ok(n) => n as isize,
        Err(e) => fail(e) as isize,
    }
}

/// # Safety
/// `iov` must point at `iovcnt` entries describing valid buffers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_writev(fd: i32, iov: *const iovec, iovcnt: usize) -> isize {
    if iovcnt > 1024 {
        return fail(EINVAL) as isize;
    }
    if let Err(e) = check_buffer(iov as *const u8, iovcnt * core::mem::size_of::<iovec>()) {
        return fail(e) as isize;
    }
    let mut total = 0isize;
    for i in 0..iovcnt {
        // SAFETY: the array was checked above.
        let v = unsafe { *iov.add(i) };
        // SAFETY: sys_write checks each buffer itself.
        let n = unsafe { sys_write(fd, v.iov_base as *const u8, v.iov_len) };
        if n < 0 {
            return if total > 0 { total } else { n };
        }
        total += n;
    }
    total
}

/// # Safety
/// `buf` must be valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_read(fd: i32, buf: *mut u8, len: usize) -> isize {
    if let Err(e) = check_buffer(buf, len) {
        return fail(e) as isize;
    }
    match fd {
        0 if is_open(0) => 0,
        1 | 2 if is_open(fd) => fail(EBADF) as isize,
        _ => fail(EBADF) as isize,
    }
}

/// # Safety
/// `iov` must point at `iovcnt` entries describing valid buffers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_readv(fd: i32, iov: *const iovec, iovcnt: usize) -> isize {
    if let Err(e) = check_buffer(iov as *const u8, iovcnt * core::mem::size_of::<iovec>()) {
        return fail(e) as isize;
    }
    // SAFETY: stdin is at end-of-file: no buffer is written.
    unsafe { sys_read(fd, core::ptr::null_mut(), 0) }
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_close(fd: i32) -> i32 {
    if !is_open(fd) {
        return fail(EBADF);
    }
    OPEN_STDIO.fetch_and(!(1 << fd), Ordering::Relaxed);
    0
}

/// # Safety
/// `st` must be valid for writing a `stat`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_fstat(fd: i32, st: *mut stat) -> i32 {
    if let Err(e) = check_buffer(st as *const u8, core::mem::size_of::<stat>()) {
        return fail(e);
    }
    if !is_open(fd) {
        return fail(EBADF);
    }
    let s = stat {
        st_mode: S_IFCHR | 0o620,
        st_nlink: 1,
        st_blksize: 1024,
        st_rdev: fd as u64,
        ..Default::default()
    };
    // SAFETY: checked above.
    unsafe { st.write(s) };
    0
}

#[unsafe(no_mangle)]
pub extern "C" fn sys_lseek(fd: i32, _offset: isize, _whence: i32) -> isize {
    if !is_open(fd) {
        return fail(EBADF) as isize;
    }
    fail(ESPIPE) as isize
}

/// Duplicating descriptors needs the file-descriptor table (newlib issue).
#[unsafe(no_mangle)]
pub extern "C" fn sys_dup(fd: i32) -> i32 {
    if !is_open(fd) {
        return fail(EBADF);
    }
    fail(ENOSYS)
}
