//! The three output channels the runner reads: the application's stdout (COM1), its
//! stderr (COM2, or COM1 when absent) and the kernel log (QEMU's debug console at 0xe9,
//! written only with `verbose`, except for crash reports and the exit record).

use crate::arch::port;
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use hermit_sync::InterruptSpinMutex;

const COM1: u16 = 0x3f8;
const COM2: u16 = 0x2f8;
const DEBUGCON: u16 = 0xe9;

static STDERR_PORT: AtomicU16 = AtomicU16::new(COM1);
static HAS_DEBUGCON: AtomicBool = AtomicBool::new(false);
static VERBOSE: AtomicBool = AtomicBool::new(false);
/// Serialises output so lines from different CPUs do not interleave mid-write.
static LOCK: InterruptSpinMutex<()> = InterruptSpinMutex::new(());

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

pub fn init(verbose: bool) {
    uart_init(COM1);
    if uart_present(COM2) {
        uart_init(COM2);
        STDERR_PORT.store(COM2, Ordering::Relaxed);
    }
    HAS_DEBUGCON.store(inb(DEBUGCON) == 0xe9, Ordering::Relaxed);
    VERBOSE.store(verbose, Ordering::Relaxed);
}

pub fn set_verbose(verbose: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
}

pub fn write_stdout(bytes: &[u8]) {
    let _g = LOCK.lock();
    uart_write(COM1, bytes);
}

pub fn write_stderr(bytes: &[u8]) {
    let _g = LOCK.lock();
    uart_write(STDERR_PORT.load(Ordering::Relaxed), bytes);
}

fn write_log_raw(bytes: &[u8]) {
    if HAS_DEBUGCON.load(Ordering::Relaxed) {
        for &b in bytes {
            outb(DEBUGCON, b);
        }
    }
}

pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Kernel log line (only with `verbose`).
pub fn log(args: fmt::Arguments) {
    if verbose() {
        let _g = LOCK.lock();
        let _ = Writer(write_log_raw).write_fmt(args);
        write_log_raw(b"\n");
    }
}

/// Crash reports and fatal messages: on stderr and in the log, always. Takes no lock, so
/// that a fault while printing cannot deadlock the report.
pub fn report(args: fmt::Arguments) {
    let mut w = Writer(|b| {
        uart_write(STDERR_PORT.load(Ordering::Relaxed), b);
        write_log_raw(b);
    });
    let _ = w.write_fmt(args);
    let _ = w.write_str("\n");
}

/// The record the runner takes the exit code from.
pub fn exit_record(code: i32) {
    let _ = Writer(write_log_raw).write_fmt(format_args!("\n@@EREMIT-EXIT {code}@@\n"));
}

struct Writer<F: FnMut(&[u8])>(F);
impl<F: FnMut(&[u8])> Write for Writer<F> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        (self.0)(s.as_bytes());
        Ok(())
    }
}

#[macro_export]
macro_rules! klog {
    ($($arg:tt)*) => { $crate::console::log(format_args!($($arg)*)) };
}

#[macro_export]
macro_rules! kreport {
    ($($arg:tt)*) => { $crate::console::report(format_args!($($arg)*)) };
}
