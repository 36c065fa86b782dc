//! Thread-local storage on x86-64: ELF TLS variant II, a 64-byte thread control block
//! with a self pointer at 0 and GCC's stack-protector canary at 0x28 (`%fs:0x28`), and
//! the thread pointer in FS. The block itself is `crate::tls`'s.

use x86_64::VirtAddr;
use x86_64::registers::model_specific::FsBase;

use crate::tls::Variant;

pub const VARIANT: Variant = Variant::II { tcb_size: 64 };

/// Offset of the stack-protector canary from the thread pointer.
const CANARY: usize = 0x28;

/// The control block's words: the self pointer the ABI requires, and a random canary
/// whose low byte is zero (a string overflow then stops at it).
pub fn control_block(tp: u64) -> [(usize, u64); 2] {
    let canary =
        super::cpu::hardware_random().unwrap_or(tp.rotate_left(17) ^ 0x5eed_cafe_f00d_d00d);
    [(0, tp), (CANARY, canary & !0xff)]
}

/// Makes `tp` the current thread pointer.
pub fn activate(tp: u64) {
    FsBase::write(VirtAddr::new(tp));
}
