//! The console's devices on `virt`: the application's stdout on the PL011 UART (the
//! machine has one), its stderr on the runner's stderr pipe, which QEMU inherits as
//! `/dev/fd/4` and semihosting opens (the PL011 too when that fails, as under a QEMU
//! started by hand), the kernel log and exit record on the semihosting console, which
//! the runner connects to its log channel.

use core::sync::atomic::{AtomicU64, Ordering};

use super::semihosting;

/// The runner's stderr channel in QEMU (tools/eremit/src/channels.rs, APP_STDERR_FD).
const STDERR_PATH: &[u8] = b"/dev/fd/4";
/// The semihosting handle of `STDERR_PATH`; `NONE` when not open.
static STDERR: AtomicU64 = AtomicU64::new(NONE);
const NONE: u64 = u64::MAX;

const DR: u64 = 0x00;
const FR: u64 = 0x18;
const FR_TXFF: u32 = 1 << 5;
const CR: u64 = 0x30;

/// A register of the device tree's PL011 (`None` before the tree is read or without one).
fn reg(offset: u64) -> Option<*mut u32> {
    let base = super::board::uart();
    (base != 0).then_some((base + offset) as *mut u32)
}

pub fn init() {
    if let Some(cr) = reg(CR) {
        // SAFETY: the PL011's control register, in the device window the boot tables
        // map as device memory: UART, transmit and receive on (QEMU needs no baud rate).
        unsafe { cr.write_volatile(0x301) };
    }
    if let Some(h) = semihosting::open_append(STDERR_PATH) {
        STDERR.store(h, Ordering::Relaxed);
    }
}

fn uart_write(bytes: &[u8]) {
    let (Some(fr), Some(dr)) = (reg(FR), reg(DR)) else {
        return;
    };
    for &b in bytes {
        // SAFETY: PL011 registers in the mapped device window; waiting while the FIFO
        // is full, then writing the data register, only emits the byte.
        unsafe {
            while fr.read_volatile() & FR_TXFF != 0 {
                core::hint::spin_loop();
            }
            dr.write_volatile(b as u32);
        }
    }
}

pub fn write_stdout(bytes: &[u8]) {
    uart_write(bytes);
}

pub fn write_stderr(bytes: &[u8]) {
    let h = STDERR.load(Ordering::Relaxed);
    if h == NONE || !semihosting::write_handle(h, bytes) {
        uart_write(bytes);
    }
}

pub fn write_log(bytes: &[u8]) {
    super::semihosting::write(bytes);
}
