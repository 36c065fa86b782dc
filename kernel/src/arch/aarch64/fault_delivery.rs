//! Memory faults the program may handle, as on x86-64 (`x86_64/fault_delivery.rs`): a
//! load, store or instruction fetch of the program's own code that hits a `PROT_NONE`
//! page, a read-only or non-executable page or an unmapped address becomes a `SIGSEGV`
//! when the C library registered an entry point (`sys_fault_entry`, which it does while
//! the program has a `SIGSEGV` handler). The exception's return is sent there, on the
//! task's own stack just below its stack pointer (AArch64's procedure call standard has
//! no red zone), with a record of its registers; the library calls the handler and, if it
//! returns, restores the registers and `eret`s to the faulting instruction, which runs
//! again (a handler that `mprotect`s the page makes it succeed). A handler may also leave
//! with `siglongjmp`.
//!
//! Faults in the kernel's own code are never delivered: they are kernel bugs (or a
//! pointer the system-call boundary failed to refuse) and end in the crash report.

use core::sync::atomic::{AtomicU64, Ordering};

use super::exceptions::Frame;

/// The library's entry point (0: none): reached by `eret` with `sp` = `x0` = the record.
static ENTRY: AtomicU64 = AtomicU64::new(0);

/// What the entry point receives, at a 16-byte aligned address on the faulting stack (the
/// layout is libc-port/src/aarch64/fault.c's).
#[repr(C)]
struct FaultRecord {
    x: [u64; 31],
    sp: u64,
    pc: u64,
    pstate: u64,
    /// The faulting address (FAR_EL1): si_addr.
    addr: u64,
    /// SEGV_MAPERR (1) or SEGV_ACCERR (2): si_code.
    code: u64,
    /// The exception's syndrome (ESR_EL1).
    esr: u64,
    _pad: u64,
}

/// Exception classes (`ESR_EL1.EC`) of aborts taken from EL1, where the program runs.
const EC_INSTRUCTION_ABORT: u64 = 0x21;
const EC_DATA_ABORT: u64 = 0x25;
/// `ESR.ISS` of a data abort: the access was a write.
const ISS_WNR: u64 = 1 << 6;
/// PSTATE.SS (software step), not carried into the handler.
const PSTATE_SS: u64 = 1 << 21;

/// What kind of fault a status code (`ESR.ISS.xFSC`) says.
#[derive(PartialEq, Eq, Debug)]
enum FaultKind {
    /// No translation (the page is not mapped).
    Translation,
    /// Mapped, but not with this access.
    Permission,
    /// Alignment, access flag, external aborts...: not a page's protection.
    Other,
}

fn kind_of(fsc: u64) -> FaultKind {
    match (fsc & 0x3f) >> 2 {
        0b0001 => FaultKind::Translation,
        0b0011 => FaultKind::Permission,
        _ => FaultKind::Other,
    }
}

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

unsafe extern "C" {
    // The kernel's code, when the link keeps it apart (the C toolchain's link does:
    // libc-port/kernel-text.ld).
    #[linkage = "extern_weak"]
    static __eremit_kernel_text_start: Option<&'static u8>;
    #[linkage = "extern_weak"]
    static __eremit_kernel_text_end: Option<&'static u8>;
}

/// Whether `pc` is the application's code: not the kernel's text. Without the symbols
/// (a link that does not gather the kernel's code) nothing is.
fn in_application(pc: u64) -> bool {
    let addr = |s: Option<&'static u8>| s.map_or(0, |r| r as *const u8 as u64);
    // SAFETY: reading weak symbols' addresses; nothing is dereferenced.
    let (start, end) = unsafe {
        (
            addr(__eremit_kernel_text_start),
            addr(__eremit_kernel_text_end),
        )
    };
    start != 0 && !(start..end).contains(&pc)
}

/// For a synchronous exception: `true` when it was an abort that is now handled and the
/// frame leads somewhere to resume (the same instruction after a stale TLB entry, or the
/// library's entry point); `false` for the crash report.
pub fn abort(f: &mut Frame) -> bool {
    let ec = f.esr >> 26;
    let (write, exec) = match ec {
        EC_DATA_ABORT => (f.esr & ISS_WNR != 0, false),
        EC_INSTRUCTION_ABORT => (false, true),
        _ => return false,
    };
    let kind = kind_of(f.esr);
    if kind == FaultKind::Other {
        return false;
    }
    let addr = f.far;
    // Another CPU gave the page more rights after this CPU cached the old entry.
    if crate::mm::paging::allows(addr, write, exec) {
        super::mmu::flush_page(addr);
        return true;
    }
    let entry = ENTRY.load(Ordering::SeqCst);
    if entry == 0 || !in_application(f.elr) {
        return false;
    }
    let code = crate::signals::fault::segv_code(kind == FaultKind::Permission, addr);
    let size = core::mem::size_of::<FaultRecord>() as u64;
    let Some(at) = crate::signals::fault::record_slot(f.sp, 0, size) else {
        return false;
    };
    let record = FaultRecord {
        x: f.x,
        sp: f.sp,
        pc: f.elr,
        pstate: f.spsr,
        addr,
        code,
        esr: f.esr,
        _pad: 0,
    };
    // SAFETY: [at, at + size) lies below the faulting stack pointer, in memory checked
    // just above to be the program's, mapped and writable; the faulting code does not
    // use memory below its stack pointer.
    unsafe { core::ptr::write(at as *mut FaultRecord, record) };
    f.elr = entry;
    f.sp = at;
    f.x[0] = at;
    f.spsr &= !PSTATE_SS;
    true
}
