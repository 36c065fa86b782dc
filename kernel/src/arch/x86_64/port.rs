//! I/O ports (the serial ports, the debug console, PCI configuration mechanism #1, the
//! CMOS clock, fw_cfg). Every access is `unsafe`: what a port does depends on the device
//! behind it, and the caller answers for that.

use x86_64::instructions::port::Port;

/// Reads a byte from `port`.
///
/// # Safety
/// Reading the port must have no effect the caller did not intend.
pub unsafe fn read_u8(port: u16) -> u8 {
    // SAFETY: the caller's contract.
    unsafe { Port::<u8>::new(port).read() }
}

/// Writes a byte to `port`.
///
/// # Safety
/// Writing the port must have no effect the caller did not intend.
pub unsafe fn write_u8(port: u16, value: u8) {
    // SAFETY: the caller's contract.
    unsafe { Port::<u8>::new(port).write(value) }
}

/// Writes a 16-bit word to `port`.
///
/// # Safety
/// As for `write_u8`.
pub unsafe fn write_u16(port: u16, value: u16) {
    // SAFETY: the caller's contract.
    unsafe { Port::<u16>::new(port).write(value) }
}

/// Reads a 32-bit word from `port`.
///
/// # Safety
/// As for `read_u8`.
pub unsafe fn read_u32(port: u16) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { Port::<u32>::new(port).read() }
}

/// Writes a 32-bit word to `port`.
///
/// # Safety
/// As for `write_u8`.
pub unsafe fn write_u32(port: u16, value: u32) {
    // SAFETY: the caller's contract.
    unsafe { Port::<u32>::new(port).write(value) }
}
