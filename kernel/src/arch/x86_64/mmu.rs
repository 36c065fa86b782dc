//! The MMU's registers: which page tables are in use (CR3) and the TLB. The tables'
//! format is built by `mm::page_table`.

use x86_64::registers::control::Cr3;

/// Switches to the page tables at physical address `root`, keeping CR3's flag bits.
///
/// # Safety
/// The new tables must map the running code, its stack and every live datum at the same
/// addresses as the tables they replace.
pub unsafe fn load_root(root: u64) {
    let (_, flags) = Cr3::read_raw();
    // SAFETY: the caller guarantees the tables.
    unsafe { core::arch::asm!("mov cr3, {}", in(reg) root | flags as u64, options(nostack)) };
}

/// Drops this CPU's TLB entry for the page holding `addr`.
pub fn flush_page(addr: u64) {
    // SAFETY: invalidating a TLB entry has no other effect.
    unsafe { core::arch::asm!("invlpg [{}]", in(reg) addr, options(nostack)) };
}

/// Drops every non-global TLB entry of this CPU.
pub fn flush_all() {
    // SAFETY: reloading CR3 with its own value only drops non-global TLB entries.
    unsafe {
        core::arch::asm!("mov {t}, cr3", "mov cr3, {t}", t = out(reg) _, options(nostack));
    }
}
