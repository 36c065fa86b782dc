//! Random bytes from the CPU's RDRAND/RDSEED.

use super::{check_buffer, fail};
use crate::abi::errno::{EINVAL, EIO};
use crate::arch::cpu::hardware_random;

/// Fills `buf` with `len` random bytes; `flags` must be 0.
///
/// # Safety
/// `buf` must be valid for writing `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_read_entropy(buf: *mut u8, len: usize, flags: u32) -> isize {
    if flags != 0 {
        return fail(EINVAL) as isize;
    }
    if let Err(e) = check_buffer(buf, len) {
        return fail(e) as isize;
    }
    let mut done = 0;
    while done < len {
        let Some(r) = hardware_random() else {
            return if done > 0 {
                done as isize
            } else {
                fail(EIO) as isize
            };
        };
        let n = (len - done).min(8);
        // SAFETY: buf is valid for len bytes (checked) and done + n <= len.
        unsafe { core::ptr::copy_nonoverlapping(r.to_ne_bytes().as_ptr(), buf.add(done), n) };
        done += n;
    }
    len as isize
}
