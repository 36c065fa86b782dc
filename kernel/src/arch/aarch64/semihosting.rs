//! Arm semihosting (`HLT #0xF000`), as QEMU serves it with `-semihosting-config
//! enable=on,target=native,chardev=...`: the kernel log's channel and the exit code.
//! Only the console and exit operations are used; nothing here opens host files.

use core::arch::asm;

const SYS_WRITE0: u64 = 0x04;
const SYS_EXIT: u64 = 0x18;
/// `ADP_Stopped_ApplicationExit`: with a subcode, QEMU exits with that status.
const APPLICATION_EXIT: u64 = 0x20026;

/// One semihosting call.
///
/// # Safety
/// `param` must be what operation `op` expects (a pointer to its parameter block).
unsafe fn call(op: u64, param: u64) -> u64 {
    let ret: u64;
    // SAFETY: the caller passes a valid operation and parameter; QEMU handles the HLT.
    unsafe {
        asm!("hlt #0xf000", inout("x0") op => ret, in("x1") param, options(nostack));
    }
    ret
}

/// Writes `bytes` to the semihosting console (NUL bytes are left out: the operation
/// takes C strings).
pub fn write(bytes: &[u8]) {
    let mut buf = [0u8; 128];
    let mut n = 0;
    for &b in bytes.iter().filter(|&&b| b != 0) {
        buf[n] = b;
        n += 1;
        if n == buf.len() - 1 {
            buf[n] = 0;
            // SAFETY: buf is NUL-terminated.
            unsafe { call(SYS_WRITE0, buf.as_ptr() as u64) };
            n = 0;
        }
    }
    if n > 0 {
        buf[n] = 0;
        // SAFETY: buf is NUL-terminated.
        unsafe { call(SYS_WRITE0, buf.as_ptr() as u64) };
    }
}

/// Ends the VM; QEMU exits with `code`.
pub fn exit(code: i32) {
    let block = [APPLICATION_EXIT, code as u32 as u64];
    // SAFETY: the parameter block is two words, reason and subcode.
    unsafe { call(SYS_EXIT, block.as_ptr() as u64) };
}
