//! The per-CPU data pointer, in GS's base: its first word holds the data's own address,
//! so one GS-relative load finds it, and a field is read with one instruction that a
//! task cannot be moved to another CPU in the middle of.

/// Makes `data` this CPU's per-CPU data.
///
/// # Safety
/// `data` must stay valid for the rest of the run, hold its own address in its first
/// word, and belong to this CPU alone.
pub unsafe fn set_base(data: *mut u8) {
    x86_64::registers::model_specific::GsBase::write(x86_64::VirtAddr::new(data as u64));
}

/// This CPU's per-CPU data (as given to `set_base`).
#[inline(always)]
pub fn base() -> *mut u8 {
    let p: *mut u8;
    // SAFETY: reading GS:[0] only loads a word; `set_base`'s contract makes it the data's
    // address.
    unsafe {
        core::arch::asm!("mov {}, gs:[0]", out(reg) p, options(nostack, readonly, preserves_flags))
    };
    p
}

/// The word at byte `offset` of this CPU's per-CPU data, read in one instruction.
///
/// # Safety
/// `set_base` must have run on this CPU, and `offset` must be the offset of an 8-byte
/// field inside the data.
#[inline(always)]
pub unsafe fn read_word(offset: usize) -> u64 {
    let v: u64;
    // SAFETY: the caller guarantees the field; the load has no other effect.
    unsafe {
        core::arch::asm!("mov {}, gs:[{}]", out(reg) v, in(reg) offset, options(nostack, readonly, preserves_flags))
    };
    v
}
