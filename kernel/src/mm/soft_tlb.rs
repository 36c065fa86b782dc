//! Sizing QEMU's software TLB when the guest runs under TCG.
//!
//! TCG translates guest memory accesses through a direct-mapped software TLB per vCPU
//! that starts with 256 entries (1 MiB of 4 KiB pages). QEMU grows it only when the guest
//! flushes its TLB: at a full flush it doubles the table if more than 70% of it was in
//! use. A Linux guest flushes at every context switch, so its table adapts within
//! milliseconds; this kernel has one address space and never flushes, so without help
//! the table stays at 256 entries and any program touching more than 1 MiB pays a
//! software page walk (about 100 ns) on most accesses: a heap of a few MiB ran 3x slower
//! than the same binary under user-mode QEMU.
//!
//! So at boot, and only under TCG (CPUID's hypervisor signature "TCGTCGTCGTCG"), each
//! vCPU reads one byte from 3/4 of the pages of a 2^k-page window and reloads CR3, for k
//! from 8 up to TARGET_BITS: QEMU doubles the table at each step. The window is virtual
//! only (2 MiB pages that all show the same RAM), so the reads cost QEMU no host page
//! faults: about 100 ns per page, 1.3 ms per vCPU for 16384 entries (64 MiB). Measured
//! under TCG: malloc/free of 16 B-4 KiB went from 171/202 to 60/75 ticks, a 2 M-entry
//! std::unordered_map from 2.0 s to 0.4 s. Nothing here makes QEMU shrink the table
//! again (that happens only at a full flush after 100 ms below 30% use).

use hermit_sync::SpinMutex;

use crate::arch::cpu::cpuid;

/// log2 of the table size to reach: 16384 entries cover 64 MiB.
const TARGET_BITS: u32 = 14;
/// QEMU's initial table: 2^8 entries.
const INITIAL_BITS: u32 = 8;
const PAGE: u64 = 4096;

/// Whether the vCPU is QEMU's TCG, from the hypervisor CPUID leaf's vendor signature.
pub fn under_tcg() -> bool {
    let (_, _, ecx1, _) = cpuid(1, 0);
    if ecx1 & (1 << 31) == 0 {
        return false;
    }
    let (_, b, c, d) = cpuid(0x4000_0000, 0);
    let mut sig = [0u8; 12];
    sig[0..4].copy_from_slice(&b.to_le_bytes());
    sig[4..8].copy_from_slice(&c.to_le_bytes());
    sig[8..12].copy_from_slice(&d.to_le_bytes());
    &sig == b"TCGTCGTCGTCG"
}

/// Where the window of pages `grow` reads lies while it runs: unused virtual addresses
/// (RAM is identity-mapped far below), all showing the 2 MiB of RAM at ALIAS_PHYS.
const WINDOW: u64 = 0x7000_0000_0000;
/// The first 2 MiB holding the image: RAM the host has touched already, so reading it
/// costs QEMU no host page faults.
const ALIAS_PHYS: u64 = 0x20_0000;

/// How many vCPUs are growing their TLB through the window (application processors start
/// at the same time): the first maps it, the last unmaps it.
static WINDOW_USERS: SpinMutex<u32> = SpinMutex::new(0);

/// Grows this vCPU's software TLB (see the module comment); call once per vCPU, after
/// the heap exists. Does nothing outside TCG.
pub fn grow() {
    if !under_tcg() {
        return;
    }
    let len = PAGE << TARGET_BITS;
    {
        let mut users = WINDOW_USERS.lock();
        if *users == 0 {
            super::paging::map_alias_window(WINDOW, len, ALIAS_PHYS);
        }
        *users += 1;
    }
    let t0 = crate::arch::cpu::rdtsc();
    for bits in INITIAL_BITS..TARGET_BITS {
        // QEMU doubles the table when more than 70% of it was used: fill 3/4.
        let pages = (1u64 << bits) * 3 / 4;
        for i in 0..pages {
            // SAFETY: the window is mapped readable until unmapped below; a volatile read
            // of one byte changes nothing.
            unsafe { core::ptr::read_volatile((WINDOW + i * PAGE) as *const u8) };
        }
        reload_cr3();
    }
    // No stray pointer may read the window later: the last vCPU using it unmaps it. Each
    // vCPU drops its own translations of it (a flush this soon after the last resize
    // never shrinks the table); the others never touched it.
    {
        let mut users = WINDOW_USERS.lock();
        *users -= 1;
        if *users == 0 {
            super::paging::unmap_alias_window(WINDOW, len);
        }
    }
    reload_cr3();
    crate::klog!(
        "eremit: TCG: software TLB grown to {} entries in {} us",
        1u32 << TARGET_BITS,
        crate::arch::clock::ticks_to_ns(crate::arch::cpu::rdtsc() - t0) / 1000
    );
}

fn reload_cr3() {
    // SAFETY: reloading CR3 with its own value only drops non-global TLB entries.
    unsafe {
        core::arch::asm!("mov {t}, cr3", "mov cr3, {t}", t = out(reg) _, options(nostack));
    }
}
