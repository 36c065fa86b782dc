//! Crash reports: vector, address, registers and a frame-pointer backtrace, on stderr and
//! in the kernel log; then the VM exits with the code a Linux shell would show for the
//! matching signal (139 for SIGSEGV, ...), so a crash is never silent and never hangs.

use core::sync::atomic::{AtomicBool, Ordering};

use super::idt::ExceptionFrame;
use crate::kreport;

static REPORTING: AtomicBool = AtomicBool::new(false);

const NAMES: [&str; 32] = [
    "divide error (#DE)",
    "debug (#DB)",
    "non-maskable interrupt",
    "breakpoint (#BP)",
    "overflow (#OF)",
    "bound range exceeded (#BR)",
    "invalid opcode (#UD)",
    "device not available (#NM)",
    "double fault (#DF)",
    "coprocessor segment overrun",
    "invalid TSS (#TS)",
    "segment not present (#NP)",
    "stack-segment fault (#SS)",
    "general protection fault (#GP)",
    "page fault (#PF)",
    "reserved",
    "x87 floating-point error (#MF)",
    "alignment check (#AC)",
    "machine check (#MC)",
    "SIMD floating-point error (#XM)",
    "virtualization exception (#VE)",
    "control protection (#CP)",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection (#HV)",
    "VMM communication (#VC)",
    "security exception (#SX)",
    "reserved",
];

/// Exit code for a fatal exception: 128 + the signal Linux would deliver.
fn exit_code(vector: u64) -> i32 {
    match vector {
        0 | 16 | 19 => 128 + 8, // SIGFPE
        6 => 128 + 4,           // SIGILL
        3 | 1 => 128 + 5,       // SIGTRAP
        17 => 128 + 7,          // SIGBUS
        _ => 128 + 11,          // SIGSEGV
    }
}

fn page_fault_cause(code: u64) -> &'static str {
    match (code & 1 != 0, code & 2 != 0, code & 16 != 0) {
        (_, _, true) => "executing a non-executable page",
        (false, true, _) => "writing an unmapped address",
        (false, false, _) => "reading an unmapped address",
        (true, true, _) => "writing a read-only page",
        (true, false, _) => "reading a protected page",
    }
}

pub fn exception(f: &ExceptionFrame) -> ! {
    if REPORTING.swap(true, Ordering::SeqCst) {
        // A fault while reporting: do not risk another one.
        super::exit::exit_vm(exit_code(f.vector));
    }
    let name = NAMES.get(f.vector as usize).copied().unwrap_or("interrupt");
    kreport!(
        "\neremit: fatal exception: {name}, vector {}, error code {:#x}",
        f.vector,
        f.error_code
    );
    kreport!(
        "  rip {:#018x}  rsp {:#018x}  rflags {:#010x}  cs {:#x}",
        f.rip,
        f.rsp,
        f.rflags,
        f.cs
    );
    if f.vector == 14 {
        let cr2 = x86_64::registers::control::Cr2::read_raw();
        kreport!(
            "  fault address (cr2) {cr2:#018x}: {}",
            page_fault_cause(f.error_code)
        );
        if let Some(task) = crate::mm::stacks::guard_owner(cr2) {
            kreport!("  this is the guard page below the stack of {task}: stack overflow");
        } else if cr2 < 4096 {
            kreport!("  (a null pointer dereference)");
        }
    }
    kreport!(
        "  rax {:#018x}  rbx {:#018x}  rcx {:#018x}",
        f.rax,
        f.rbx,
        f.rcx
    );
    kreport!(
        "  rdx {:#018x}  rsi {:#018x}  rdi {:#018x}",
        f.rdx,
        f.rsi,
        f.rdi
    );
    kreport!(
        "  rbp {:#018x}  r8  {:#018x}  r9  {:#018x}",
        f.rbp,
        f.r8,
        f.r9
    );
    kreport!(
        "  r10 {:#018x}  r11 {:#018x}  r12 {:#018x}",
        f.r10,
        f.r11,
        f.r12
    );
    kreport!(
        "  r13 {:#018x}  r14 {:#018x}  r15 {:#018x}",
        f.r13,
        f.r14,
        f.r15
    );
    backtrace(f.rip, f.rbp, f.rsp);
    let code = exit_code(f.vector);
    kreport!("eremit: the application was stopped (exit code {code})");
    super::exit::exit_vm(code)
}

/// Prints a backtrace: the frame-pointer chain from `rbp` where the code keeps one,
/// else a scan of the stack from `rsp` for return addresses (values that point into the
/// image's code just after a call instruction). Every read is checked against the page
/// tables first, so a corrupted stack ends the walk instead of faulting.
pub fn backtrace(rip: u64, rbp: u64, rsp: u64) {
    kreport!(
        "  backtrace (symbolised by `eremit run`; build with -Cforce-frame-pointers=yes for exact traces):"
    );
    let mut depth = 0;
    if rip != 0 {
        kreport!("    #{depth:<2} {rip:#018x}");
        depth += 1;
    }
    let chained = walk_frame_pointers(rbp, &mut depth);
    if chained < 2 {
        scan_stack(rsp, &mut depth);
    }
}

fn read_u64(addr: u64) -> Option<u64> {
    // SAFETY: the 8 bytes at addr were checked to be mapped.
    (addr % 8 == 0 && crate::mm::paging::is_mapped(addr, 8))
        .then(|| unsafe { *(addr as *const u64) })
}

fn walk_frame_pointers(mut rbp: u64, depth: &mut usize) -> usize {
    let mut found = 0;
    while *depth < 64 {
        let (Some(next), Some(ret)) = (read_u64(rbp), rbp.checked_add(8).and_then(read_u64)) else {
            break;
        };
        if !crate::mm::paging::is_code(ret) {
            break;
        }
        kreport!("    #{:<2} {ret:#018x}", *depth);
        *depth += 1;
        found += 1;
        if next <= rbp {
            break;
        }
        rbp = next;
    }
    found
}

/// Whether the instruction before `ret` is a call (direct, or indirect through a
/// register or memory operand), so that `ret` is a plausible return address.
fn follows_call(ret: u64) -> bool {
    let byte = |back: u64| -> Option<u8> {
        let a = ret.checked_sub(back)?;
        // SAFETY: the byte lies in the image's code, which is mapped and readable.
        crate::mm::paging::is_code(a).then(|| unsafe { *(a as *const u8) })
    };
    let indirect =
        |back: u64| byte(back) == Some(0xff) && byte(back - 1).is_some_and(|m| m & 0x38 == 0x10);
    byte(5) == Some(0xe8) || indirect(2) || indirect(3) || indirect(6) || indirect(7)
}

fn scan_stack(rsp: u64, depth: &mut usize) {
    let mut shown = 0;
    let mut addr = rsp & !7;
    for _ in 0..4096 {
        let Some(value) = read_u64(addr) else { break };
        if crate::mm::paging::is_code(value) && follows_call(value) {
            kreport!("    #{:<2} {value:#018x}  (stack scan)", *depth);
            *depth += 1;
            shown += 1;
            if shown == 24 {
                break;
            }
        }
        addr += 8;
    }
}

/// A backtrace from the caller's frame (a panic, `abort()`).
#[inline(always)]
pub fn backtrace_here() {
    backtrace(0, current_rbp(), current_rsp());
}

/// The current stack pointer.
#[inline(always)]
pub fn current_rsp() -> u64 {
    let rsp: u64;
    // SAFETY: reading RSP has no side effects.
    unsafe { core::arch::asm!("mov {}, rsp", out(reg) rsp, options(nomem, nostack)) };
    rsp
}

/// The current frame pointer, to start a backtrace from Rust code.
#[inline(always)]
pub fn current_rbp() -> u64 {
    let rbp: u64;
    // SAFETY: reading RBP has no side effects.
    unsafe { core::arch::asm!("mov {}, rbp", out(reg) rbp, options(nomem, nostack)) };
    rbp
}
