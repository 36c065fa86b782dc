//! Random bytes for `sys_read_entropy` and the devices `/dev/random` and `/dev/urandom`,
//! which give the same bytes: from the CPU (RDRAND on x86-64, `RNDR` on aarch64), else
//! from a virtio-rng device when the machine has one (an aarch64 core without
//! `FEAT_RNG`), else none: `EIO`, never a made-up value.

use crate::abi::errno::EIO;
use crate::fs::Errno;

/// Fills `buf` with random bytes: all of it, or as many as the sources gave before they
/// stopped (`EIO` if they gave none, so a caller never takes zeros for randomness).
pub fn fill(buf: &mut [u8]) -> Result<usize, Errno> {
    let mut done = 0;
    for chunk in buf.chunks_mut(8) {
        let Some(r) = crate::arch::cpu::hardware_random() else {
            break;
        };
        chunk.copy_from_slice(&r.to_ne_bytes()[..chunk.len()]);
        done += chunk.len();
    }
    if done < buf.len() {
        done += crate::drivers::virtio::rng::fill(&mut buf[done..]);
    }
    if done == 0 && !buf.is_empty() {
        return Err(EIO);
    }
    Ok(done)
}
