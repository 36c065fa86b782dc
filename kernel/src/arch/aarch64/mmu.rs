//! The kernel's page tables as `mm::paging` sees them. On aarch64 the tables in use are
//! still the boot tables (`translation`, built from the image's own segments):
//! `mm::paging` keeps its x86-64-format tables as the record of what is mapped (system
//! call checks, backtraces) and `load_root` does not load them, so changes it makes
//! (guard pages, `mprotect`) do not reach the hardware yet (docs/architecture.md).

use core::arch::asm;

/// # Safety
/// None on aarch64 (the root is not loaded); kept `unsafe` as the interface is.
pub unsafe fn load_root(_root: u64) {}

pub fn flush_page(addr: u64) {
    // SAFETY: invalidating a TLB entry only costs a later walk.
    unsafe {
        asm!("dsb ishst", "tlbi vaae1is, {}", "dsb ish", "isb", in(reg) addr >> 12, options(nostack))
    };
}

pub fn flush_all() {
    // SAFETY: invalidating the TLB only costs later walks.
    unsafe {
        asm!(
            "dsb ishst",
            "tlbi vmalle1is",
            "dsb ish",
            "isb",
            options(nostack)
        )
    };
}
