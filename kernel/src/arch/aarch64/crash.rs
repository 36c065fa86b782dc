//! Crash reports: a fatal exception's cause (from `ESR_EL1`), the fault address, the
//! registers and a backtrace, then the exit code 128 + the signal Linux would send.

use core::sync::atomic::{AtomicBool, Ordering};

use super::exceptions::Frame;
use crate::kreport;

static REPORTING: AtomicBool = AtomicBool::new(false);

const SIGILL: i32 = 4;
const SIGTRAP: i32 = 5;
const SIGBUS: i32 = 7;
const SIGFPE: i32 = 8;
const SIGSEGV: i32 = 11;

/// The exception class (`ESR_EL1.EC`): its name and the signal Linux sends for it.
fn class(ec: u64) -> (&'static str, i32) {
    match ec {
        0x00 => ("unknown reason (undefined instruction)", SIGILL),
        0x01 => ("WFI/WFE trapped", SIGILL),
        0x07 => ("FP/SIMD access trapped", SIGILL),
        0x0e => ("illegal execution state", SIGILL),
        0x15 => ("SVC instruction", SIGILL),
        0x18 => ("system register access trapped", SIGILL),
        0x20 | 0x21 => ("instruction abort", SIGSEGV),
        0x22 => ("PC alignment fault", SIGBUS),
        0x24 | 0x25 => ("data abort", SIGSEGV),
        0x26 => ("SP alignment fault", SIGBUS),
        0x28 | 0x2c => ("floating-point exception", SIGFPE),
        0x2f => ("SError", SIGBUS),
        0x30..=0x35 => ("debug exception", SIGTRAP),
        0x3c => ("BRK instruction", SIGTRAP),
        _ => ("exception", SIGSEGV),
    }
}

/// A data or instruction abort's cause, from its fault status code (`ESR.ISS.DFSC`).
fn abort_cause(ec: u64, iss: u64) -> &'static str {
    let write = ec & !1 == 0x24 && iss & (1 << 6) != 0;
    let fetch = ec & !1 == 0x20;
    match (iss & 0x3f) >> 2 {
        0b0001 if fetch => "executing an unmapped address",
        0b0001 if write => "writing an unmapped address",
        0b0001 => "reading an unmapped address",
        0b0011 if fetch => "executing a non-executable page",
        0b0011 if write => "writing a read-only page",
        0b0011 => "reading a protected page",
        0b0010 => "access flag fault",
        0b1000 => "alignment fault",
        _ => "other fault",
    }
}

pub fn exception(f: &Frame, kind: u64) -> ! {
    let ec = f.esr >> 26;
    let (name, signal) = class(ec);
    let code = 128 + signal;
    if REPORTING.swap(true, Ordering::SeqCst) {
        // A fault while reporting: do not risk another one.
        super::exit::exit_vm(code);
    }
    kreport!(
        "\neremit: fatal exception: {name}, ESR {:#x} (class {ec:#x}), vector {kind}",
        f.esr
    );
    kreport!(
        "  pc  {:#018x}  sp  {:#018x}  pstate {:#010x}",
        f.elr,
        f.sp,
        f.spsr
    );
    if matches!(ec, 0x20 | 0x21 | 0x24 | 0x25) {
        kreport!(
            "  fault address (far) {:#018x}: {}",
            f.far,
            abort_cause(ec, f.esr & 0x1ff_ffff)
        );
        if let Some(task) = crate::mm::stacks::guard_owner(f.far) {
            kreport!("  this is the guard page below the stack of {task}: stack overflow");
        } else if f.far < 4096 {
            kreport!("  (a null pointer dereference)");
        }
    }
    for row in f.x.chunks(3).enumerate() {
        let (i, regs) = row;
        let mut line = [0u8; 96];
        let mut w = Line(&mut line, 0);
        for (j, v) in regs.iter().enumerate() {
            let _ = core::fmt::write(&mut w, format_args!("  x{:<2} {v:#018x}", i * 3 + j));
        }
        let len = w.1;
        kreport!("{}", core::str::from_utf8(&line[..len]).unwrap_or(""));
    }
    backtrace(f.elr, f.x[29]);
    kreport!("eremit: the application was stopped (exit code {code})");
    super::exit::exit_vm(code)
}

/// A fixed buffer to format one line of registers into, without the heap (which a
/// crash may have broken).
struct Line<'a>(&'a mut [u8], usize);
impl core::fmt::Write for Line<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = (self.1 + s.len()).min(self.0.len());
        self.0[self.1..end].copy_from_slice(&s.as_bytes()[..end - self.1]);
        self.1 = end;
        Ok(())
    }
}

fn read_u64(addr: u64) -> Option<u64> {
    // SAFETY: the 8 bytes at addr were checked to be mapped.
    (addr % 8 == 0 && crate::mm::paging::is_mapped(addr, 8))
        .then(|| unsafe { *(addr as *const u64) })
}

/// Prints a backtrace: `pc`, then the chain of frame records (`x29` points at the
/// caller's `x29` and the return address), each read checked against the page tables.
pub fn backtrace(pc: u64, mut fp: u64) {
    kreport!("  backtrace (symbolised by `eremit run`):");
    let mut depth = 0;
    if pc != 0 {
        kreport!("    #{depth:<2} {pc:#018x}");
        depth += 1;
    }
    while depth < 64 {
        let (Some(next), Some(ret)) = (read_u64(fp), fp.checked_add(8).and_then(read_u64)) else {
            break;
        };
        if !crate::mm::paging::is_code(ret) {
            break;
        }
        kreport!("    #{depth:<2} {ret:#018x}");
        depth += 1;
        if next <= fp {
            break;
        }
        fp = next;
    }
}

/// A backtrace from the caller's frame (a panic, `abort()`).
#[inline(always)]
pub fn backtrace_here() {
    let fp: u64;
    // SAFETY: reading x29 has no side effects.
    unsafe { core::arch::asm!("mov {}, x29", out(reg) fp, options(nomem, nostack)) };
    backtrace(0, fp)
}
