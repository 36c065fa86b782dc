//! Loading `mm::paging`'s tables (VMSAv8-64 descriptors, `mm::descriptor`) and the TLB.
//! They have four levels (48-bit addresses, `T0SZ` 16), where the boot tables
//! (`translation`) have three. Write xor execute is theirs, page by page, as on x86-64:
//! `SCTLR_EL1.WXN` goes off so that a program's writable and executable mapping works as
//! it does there.

use core::arch::asm;
use core::sync::atomic::{AtomicU64, Ordering};

/// The root loaded by `load_root`, for the CPUs started later (`load_current`).
static ROOT: AtomicU64 = AtomicU64::new(0);

/// Makes `root` (a four-level table of `mm::paging`) this CPU's translation tables.
///
/// # Safety
/// `root` must map the running code, its stack and data at the addresses they have now.
pub unsafe fn load_root(root: u64) {
    ROOT.store(root, Ordering::Release);
    // SAFETY: as the caller guarantees; TCR: T0SZ 16 (four levels), walks cacheable and
    // inner-shareable, 4 KiB granule, no TTBR1 walks, 40-bit physical addresses.
    unsafe { load(root) }
}

/// On a CPU started after `load_root`: the same tables (nothing when none were loaded).
///
/// # Safety
/// As `load_root`; the boot CPU's loaded tables map everything this CPU runs on.
pub unsafe fn load_current() {
    let root = ROOT.load(Ordering::Acquire);
    if root != 0 {
        // SAFETY: as the caller guarantees.
        unsafe { load(root) }
    }
}

/// # Safety
/// As `load_root`.
unsafe fn load(root: u64) {
    let tcr: u64 = 16 | super::translation::TCR_WALKS;
    // SAFETY: the new tables map this code where it is (the caller's promise), so
    // execution continues across the switch; WXN off, as above.
    unsafe {
        asm!(
            "dsb ish",
            "msr ttbr0_el1, {root}",
            "msr tcr_el1, {tcr}",
            "isb",
            "tlbi vmalle1",
            "dsb ish",
            "isb",
            "mrs {s}, sctlr_el1",
            "bic {s}, {s}, #(1 << 19)",
            "msr sctlr_el1, {s}",
            "isb",
            root = in(reg) root,
            tcr = in(reg) tcr,
            s = out(reg) _,
            options(nostack)
        )
    };
}

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
