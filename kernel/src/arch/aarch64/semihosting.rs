//! Arm semihosting (`HLT #0xF000`), as QEMU serves it with `-semihosting-config
//! enable=on,target=native,chardev=...`: the kernel log's channel and the exit code.
//! Used for the console, the exit, and opening the one host file the runner hands QEMU
//! for the application's stderr (`open_append`, `write_handle`).
//!
//! With `target=native`, semihosting lets any code at EL1 (the application too) open
//! host files with QEMU's rights; docs/architecture.md lists replacing it by virtio
//! consoles among what is left.

use core::arch::asm;

const SYS_OPEN: u64 = 0x01;
const SYS_WRITE: u64 = 0x05;
const SYS_WRITE0: u64 = 0x04;
/// SYS_OPEN's mode for "a" (append).
const MODE_APPEND: u64 = 8;
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

/// Opens the host file `path` (no NUL) for appending; its handle, or `None`.
pub fn open_append(path: &[u8]) -> Option<u64> {
    let mut name = [0u8; 64];
    if path.len() >= name.len() {
        return None;
    }
    name[..path.len()].copy_from_slice(path);
    let block = [name.as_ptr() as u64, MODE_APPEND, path.len() as u64];
    // SAFETY: the block is (NUL-terminated name, mode, name length).
    let handle = unsafe { call(SYS_OPEN, block.as_ptr() as u64) };
    (handle as i64 >= 0).then_some(handle)
}

/// Writes all of `bytes` to an open handle; false if the host refused.
pub fn write_handle(handle: u64, bytes: &[u8]) -> bool {
    let block = [handle, bytes.as_ptr() as u64, bytes.len() as u64];
    // SAFETY: the block is (handle, buffer, length); the buffer is readable.
    let not_written = unsafe { call(SYS_WRITE, block.as_ptr() as u64) };
    not_written == 0
}

/// Ends the VM; QEMU exits with `code`.
pub fn exit(code: i32) {
    let block = [APPLICATION_EXIT, code as u32 as u64];
    // SAFETY: the parameter block is two words, reason and subcode.
    unsafe { call(SYS_EXIT, block.as_ptr() as u64) };
}
