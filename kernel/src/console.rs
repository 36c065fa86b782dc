//! The three output channels the runner reads: the application's stdout, its stderr and
//! the kernel log (written only with `verbose`, except for crash reports and the exit
//! record). Which device carries each is the architecture's (`arch::serial`); this module
//! orders and formats what goes out.

use crate::arch::serial;
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, Ordering};
use hermit_sync::InterruptSpinMutex;

static VERBOSE: AtomicBool = AtomicBool::new(false);
/// Serialises output so lines from different CPUs do not interleave mid-write.
static LOCK: InterruptSpinMutex<()> = InterruptSpinMutex::new(());

pub fn init(verbose: bool) {
    serial::init();
    VERBOSE.store(verbose, Ordering::Relaxed);
}

pub fn set_verbose(verbose: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
}

pub fn write_stdout(bytes: &[u8]) {
    let _g = LOCK.lock();
    serial::write_stdout(bytes);
}

pub fn write_stderr(bytes: &[u8]) {
    let _g = LOCK.lock();
    serial::write_stderr(bytes);
}

fn write_log_raw(bytes: &[u8]) {
    serial::write_log(bytes);
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
        serial::write_stderr(b);
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
