//! Page faults the program may handle: a load or store of the program's own code that
//! hits a `PROT_NONE` page, a read-only page or an unmapped address becomes a `SIGSEGV`
//! when the C library registered an entry point (`sys_fault_entry`, which it does while
//! the program has a `SIGSEGV` handler). The faulting task is sent there, on its own
//! stack below the 128-byte red zone, with a record of its registers; the library calls
//! the handler and, if it returns, restores the registers with `iretq`, so the faulting
//! instruction runs again (a handler that `mprotect`s the page makes it succeed). A
//! handler may also leave with `siglongjmp`.
//!
//! Faults in the kernel's own code are never delivered: they are kernel bugs (or a
//! pointer the system-call boundary failed to refuse) and end in the crash report.

use core::sync::atomic::{AtomicU64, Ordering};

use super::idt::ExceptionFrame;

/// The library's entry point (0: none): `fn(record: *mut FaultRecord)`, reached by
/// `iretq` with `rsp` = `rdi` = the record.
static ENTRY: AtomicU64 = AtomicU64::new(0);

/// What the entry point receives, at a 16-byte aligned address on the faulting stack.
/// The first 20 words are the registers in the order the entry's `pop`s and `iretq`
/// restore them (the layout is libc-port/src/fault_entry.S's).
#[repr(C)]
struct FaultRecord {
    gprs: [u64; 15], // r15 .. rax, as ExceptionFrame
    rip: u64,
    cs: u64,
    rflags: u64,
    rsp: u64,
    ss: u64,
    /// The faulting address (CR2): si_addr.
    addr: u64,
    /// SEGV_MAPERR (1) or SEGV_ACCERR (2): si_code.
    code: u64,
    /// The CPU's page-fault error code.
    error_code: u64,
    _pad: u64,
}

const RED_ZONE: u64 = 128;
/// The page-fault error code's "reserved bit set in a page-table entry".
const RESERVED_BIT: u64 = 1 << 3;
const RFLAGS_TF: u64 = 1 << 8;
const RFLAGS_DF: u64 = 1 << 10;
const RFLAGS_AC: u64 = 1 << 18;

/// Registers (or, with 0, unregisters) the entry point the C library's signal code
/// wants faults delivered to. `EFAULT` for an address outside the image's code.
#[unsafe(no_mangle)]
pub extern "C" fn sys_fault_entry(entry: usize) -> i32 {
    if entry != 0 && !crate::mm::paging::is_code(entry as u64) {
        return crate::syscalls::fail(crate::abi::errno::EFAULT);
    }
    ENTRY.store(entry as u64, Ordering::SeqCst);
    0
}

/// Whether `rip` is the kernel's code (or cannot be told apart: a link that does not
/// gather the kernel's text, libc-port/kernel-text.ld, delivers nothing).
fn in_kernel_code(rip: u64) -> bool {
    !super::signal_entry::in_application(rip)
}

/// For a page fault (vector 14) at `cr2`: `true` when it was handled and the frame
/// now leads somewhere to resume (the same instruction after a stale TLB entry, or the
/// library's entry point); `false` for the crash report.
pub fn page_fault(f: &mut ExceptionFrame, cr2: u64) -> bool {
    let write = f.error_code & 2 != 0;
    let exec = f.error_code & 16 != 0;
    // Another CPU gave the page more rights after this CPU cached the old entry (not for
    // a reserved-bit fault, which retrying would only repeat).
    if f.error_code & RESERVED_BIT == 0 && crate::mm::paging::allows(cr2, write, exec) {
        super::mmu::flush_page(cr2);
        return true;
    }
    let entry = ENTRY.load(Ordering::SeqCst);
    if entry == 0 || in_kernel_code(f.rip) {
        return false;
    }
    let code = crate::signals::fault::segv_code(f.error_code & 1 != 0, cr2);
    let size = core::mem::size_of::<FaultRecord>() as u64;
    let Some(at) = crate::signals::fault::record_slot(f.rsp, RED_ZONE, size) else {
        return false;
    };
    let record = FaultRecord {
        gprs: [
            f.r15, f.r14, f.r13, f.r12, f.r11, f.r10, f.r9, f.r8, f.rbp, f.rdi, f.rsi, f.rdx,
            f.rcx, f.rbx, f.rax,
        ],
        rip: f.rip,
        cs: f.cs,
        rflags: f.rflags,
        rsp: f.rsp,
        ss: f.ss,
        addr: cr2,
        code,
        error_code: f.error_code,
        _pad: 0,
    };
    // SAFETY: [at, at + size) lies below the faulting stack pointer's red zone, in memory
    // checked just above to be the program's, mapped and writable; the faulting code does
    // not use memory below its red zone.
    unsafe { core::ptr::write(at as *mut FaultRecord, record) };
    f.rip = entry;
    f.rsp = at;
    f.rdi = at;
    f.rflags &= !(RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
    true
}
