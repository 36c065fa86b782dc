//! The console's devices on `virt`: the application's stdout and stderr on the PL011
//! UART (the machine has one), the kernel log and exit record on the semihosting
//! console (`semihosting`), which the runner connects to its log channel.

use super::board::UART;

const DR: u64 = 0x00;
const FR: u64 = 0x18;
const FR_TXFF: u32 = 1 << 5;
const CR: u64 = 0x30;

fn reg(offset: u64) -> *mut u32 {
    (UART + offset) as *mut u32
}

pub fn init() {
    // SAFETY: the PL011's control register, mapped as device memory by the boot tables:
    // UART, transmit and receive on (QEMU needs no baud rate).
    unsafe { reg(CR).write_volatile(0x301) };
}

fn uart_write(bytes: &[u8]) {
    for &b in bytes {
        // SAFETY: PL011 registers in the mapped device window; waiting while the FIFO
        // is full, then writing the data register, only emits the byte.
        unsafe {
            while reg(FR).read_volatile() & FR_TXFF != 0 {
                core::hint::spin_loop();
            }
            reg(DR).write_volatile(b as u32);
        }
    }
}

pub fn write_stdout(bytes: &[u8]) {
    uart_write(bytes);
}

/// Stderr shares the UART with stdout for now (docs/architecture.md).
pub fn write_stderr(bytes: &[u8]) {
    uart_write(bytes);
}

pub fn write_log(bytes: &[u8]) {
    super::semihosting::write(bytes);
}
