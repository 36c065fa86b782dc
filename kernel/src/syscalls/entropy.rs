//! Random bytes from the CPU's RDRAND/RDSEED: `sys_read_entropy`, and `fill` for the
//! devices `/dev/random` and `/dev/urandom`, which give the same bytes.

use super::fail;
use super::uaccess;
use crate::abi::errno::{EINVAL, EIO};
use crate::arch::cpu::hardware_random;

/// Fills `buf` with random bytes: all of it, or as many as the CPU gave before it
/// stopped (`EIO` if it gave none, so a caller never takes zeros for randomness).
pub(super) fn fill(buf: &mut [u8]) -> Result<usize, i32> {
    let mut done = 0;
    for chunk in buf.chunks_mut(8) {
        let Some(r) = hardware_random() else {
            return if done > 0 { Ok(done) } else { Err(EIO) };
        };
        chunk.copy_from_slice(&r.to_ne_bytes()[..chunk.len()]);
        done += chunk.len();
    }
    Ok(done)
}

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
