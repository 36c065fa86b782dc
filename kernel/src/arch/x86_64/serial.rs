//! The PC's output devices for the console (`crate::console`): the application's stdout
//! on COM1, its stderr on COM2 (COM1 when absent) and the kernel log on QEMU's debug
//! console at 0xe9.

use super::port;
use core::sync::atomic::{AtomicBool, AtomicU16, Ordering};

const COM1: u16 = 0x3f8;
const COM2: u16 = 0x2f8;
const DEBUGCON: u16 = 0xe9;

static STDERR_PORT: AtomicU16 = AtomicU16::new(COM1);
static HAS_DEBUGCON: AtomicBool = AtomicBool::new(false);

fn outb(port: u16, value: u8) {
    // SAFETY: the ports written here are the UARTs and the debug console, whose writes
    // have no effect beyond emitting a byte or configuring the UART.
    unsafe { port::write_u8(port, value) }
}
fn inb(port: u16) -> u8 {
    // SAFETY: reading UART registers or the debug console has no side effects we rely on.
    unsafe { port::read_u8(port) }
}

/// A 16550 is there when its scratch register keeps what was written.
fn uart_present(base: u16) -> bool {
    outb(base + 7, 0x5a);
    inb(base + 7) == 0x5a
}

fn uart_init(base: u16) {
    outb(base + 1, 0x00); // no interrupts
    outb(base + 3, 0x80); // divisor latch
    outb(base, 0x01); // 115200 baud
    outb(base + 1, 0x00);
    outb(base + 3, 0x03); // 8N1
    outb(base + 2, 0xc7); // FIFOs on and cleared
    outb(base + 4, 0x03);
}

/// Writes through the 16-byte FIFO, waiting while it is full: QEMU holds the FIFO when
/// the reader (the runner) is slow, so nothing is lost.
fn uart_write(base: u16, bytes: &[u8]) {
    for chunk in bytes.chunks(16) {
        while inb(base + 5) & 0x20 == 0 {
            core::hint::spin_loop();
        }
        for &b in chunk {
            outb(base, b);
        }
    }
}

pub fn init() {
    uart_init(COM1);
    if uart_present(COM2) {
        uart_init(COM2);
        STDERR_PORT.store(COM2, Ordering::Relaxed);
    }
    HAS_DEBUGCON.store(inb(DEBUGCON) == 0xe9, Ordering::Relaxed);
}

pub fn write_stdout(bytes: &[u8]) {
    uart_write(COM1, bytes);
}

pub fn write_stderr(bytes: &[u8]) {
    uart_write(STDERR_PORT.load(Ordering::Relaxed), bytes);
}

pub fn write_log(bytes: &[u8]) {
    if HAS_DEBUGCON.load(Ordering::Relaxed) {
        for &b in bytes {
            outb(DEBUGCON, b);
        }
    }
}
