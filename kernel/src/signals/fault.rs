//! The architecture-free part of delivering a memory fault to the program's SIGSEGV
//! handler (arch/*/fault_delivery.rs write the register record and redirect the frame):
//! the si_code, and where on the faulting task's stack the record may go.

/// si_code for a fault at `addr`: SEGV_ACCERR when the page is there but the access was
/// not allowed (`denied`: the CPU said so, or the page is mapped), else SEGV_MAPERR.
pub fn segv_code(denied: bool, addr: u64) -> u64 {
    const SEGV_MAPERR: u64 = 1;
    const SEGV_ACCERR: u64 = 2;
    if denied || crate::syscalls::memory::is_mapped_page(addr as usize) {
        SEGV_ACCERR
    } else {
        SEGV_MAPERR
    }
}

/// The 16-byte aligned address for a record of `size` bytes below `sp`, leaving
/// `reserved` bytes under `sp` alone (x86-64's red zone); `None` unless all of it lies
/// in memory the program may write (the system-call boundary's rule: never the kernel's
/// statics or page tables, never a missing page): an overflowed stack (its guard page)
/// or a stack pointer gone astray ends in the crash report, as on Linux without an
/// alternate signal stack.
pub fn record_slot(sp: u64, reserved: u64, size: u64) -> Option<u64> {
    let at = sp
        .checked_sub(reserved + size)
        .map(|a| a & !15)
        .filter(|&a| a >= crate::mm::user_map::LOW_LIMIT)?;
    crate::syscalls::uaccess::check_write(at as *mut u8, (sp - at) as usize).ok()?;
    Some(at)
}
