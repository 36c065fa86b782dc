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
        if let Some(task) = crate::arch::stacks::guard_owner(cr2) {
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
    backtrace(f.rip, f.rbp);
    let code = exit_code(f.vector);
    kreport!("eremit: the application was stopped (exit code {code})");
    super::exit::exit_vm(code)
}

/// Walks the frame-pointer chain from `rbp`. Frames are trusted only while they lie in
/// mapped memory, grow upwards and return into the image's code, so a corrupted chain
/// ends the walk instead of faulting.
pub fn backtrace(rip: u64, mut rbp: u64) {
    kreport!(
        "  backtrace (symbolised by `eremit run`; build with -Cforce-frame-pointers=yes for full traces):"
    );
    kreport!("    #0  {rip:#018x}");
    for depth in 1..64 {
        if rbp % 8 != 0 || !crate::mm::paging::is_mapped(rbp, 16) {
            break;
        }
        // SAFETY: [rbp, rbp+16) was checked to be mapped and aligned above.
        let (next, ret) = unsafe { (*(rbp as *const u64), *((rbp + 8) as *const u64)) };
        if !crate::mm::paging::is_code(ret) {
            break;
        }
        kreport!("    #{depth:<2} {ret:#018x}");
        if next <= rbp {
            break;
        }
        rbp = next;
    }
}

/// The current frame pointer, to start a backtrace from Rust code.
#[inline(always)]
pub fn current_rbp() -> u64 {
    let rbp: u64;
    // SAFETY: reading RBP has no side effects.
    unsafe { core::arch::asm!("mov {}, rbp", out(reg) rbp, options(nomem, nostack)) };
    rbp
}
