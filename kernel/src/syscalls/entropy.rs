//! `sys_read_entropy`: random bytes from the CPU (`crate::entropy`).

use super::fail;
use super::uaccess;
use crate::abi::errno::EINVAL;
use crate::entropy::fill;

/// Fills `buf` with `len` random bytes; `flags` must be 0.
///
/// # Safety
/// `buf` must be valid for writing `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_read_entropy(buf: *mut u8, len: usize, flags: u32) -> isize {
    if flags != 0 {
        return fail(EINVAL) as isize;
    }
    // SAFETY: the caller passes its buffer, checked by uaccess (as getrandom on Linux,
    // the writable start of it is filled).
    match unsafe { uaccess::bytes_prefix_mut(buf, len) }.and_then(fill) {
        Ok(n) => n as isize,
        Err(e) => fail(e) as isize,
    }
}
