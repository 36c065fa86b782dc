//! Random bytes from the CPU's RDRAND/RDSEED, for `sys_read_entropy` and the devices
//! `/dev/random` and `/dev/urandom`, which give the same bytes.

use crate::abi::errno::EIO;
use crate::fs::Errno;

/// Fills `buf` with random bytes: all of it, or as many as the CPU gave before it
/// stopped (`EIO` if it gave none, so a caller never takes zeros for randomness).
pub fn fill(buf: &mut [u8]) -> Result<usize, Errno> {
    let mut done = 0;
    for chunk in buf.chunks_mut(8) {
        let Some(r) = crate::arch::cpu::hardware_random() else {
            return if done > 0 { Ok(done) } else { Err(EIO) };
        };
        chunk.copy_from_slice(&r.to_ne_bytes()[..chunk.len()]);
        done += chunk.len();
    }
    Ok(done)
}
