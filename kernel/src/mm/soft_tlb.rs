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
//! So, only under TCG (CPUID's hypervisor signature "TCGTCGTCGTCG"), a vCPU reads one
//! byte from 3/4 of the pages of a 2^k-page window and reloads CR3, for k from 8 up to
//! its target: QEMU doubles the table at each step. The window is virtual only (2 MiB
//! pages that all show the same RAM), so the reads cost QEMU no host page faults, about
//! 100 ns per page. Each vCPU grows its table to 4096 entries (16 MiB) when it starts
//! (0.3 ms), and to 65536 (256 MiB) at its first timer interrupt after 20 ms of uptime
//! (about 4 ms more, which short programs never pay; QEMU's table is direct-mapped, so
//! one much larger than the working set also avoids most conflicts). Measured under TCG:
//! malloc/free of 16 B-4 KiB went from 171/202 to 60/75 ticks, the std::unordered_map
//! part of benches/cxx-fortran (20 MB of nodes) from 2.0 s to 0.34 s. Nothing here makes
//! QEMU shrink the table again (that happens only at a full flush after 100 ms below 30%
//! use).

use core::sync::atomic::{AtomicU8, Ordering};

use hermit_sync::SpinMutex;

use crate::arch::cpu::cpuid;
use crate::sched::MAX_CPUS;

/// log2 of the table each vCPU grows to when it starts: 4096 entries (16 MiB), about
/// 0.3 ms.
const BOOT_BITS: u32 = 12;
/// log2 of the table a vCPU grows to at its first timer interrupt after LATE_AFTER_NS of
/// uptime: 65536 entries (256 MiB), about 4 ms more, which a program that ends sooner
/// (a hello world) does not pay.
const FULL_BITS: u32 = 16;
const LATE_AFTER_NS: u64 = 20_000_000;
/// QEMU's initial table: 2^8 entries.
const INITIAL_BITS: u32 = 8;
const PAGE: u64 = 4096;

/// Whether the vCPUs are TCG's: 0 not asked yet, 1 yes, 2 no (CPUID is slow under KVM,
/// so it is asked once).
static TCG: AtomicU8 = AtomicU8::new(0);
/// log2 of each vCPU's table as grown so far (0: not yet).
static REACHED: [AtomicU8; MAX_CPUS] = [const { AtomicU8::new(0) }; MAX_CPUS];

fn tcg() -> bool {
    match TCG.load(Ordering::Relaxed) {
        0 => {
            let yes = under_tcg();
            TCG.store(if yes { 1 } else { 2 }, Ordering::Relaxed);
            yes
        }
        v => v == 1,
    }
}

/// Whether the vCPU is QEMU's TCG, from the hypervisor CPUID leaf's vendor signature.
fn under_tcg() -> bool {
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

/// Grows the software TLB of vCPU `cpu` (this one) to its start size; call once per
/// vCPU with interrupts off, after the heap exists. Does nothing outside TCG.
pub fn grow_at_start(cpu: usize) {
    grow(cpu, BOOT_BITS);
}

/// Called on every timer interrupt of vCPU `cpu` (interrupts off): the first one after
/// LATE_AFTER_NS of uptime grows the table to its full size.
pub fn on_timer(cpu: usize) {
    if REACHED[cpu].load(Ordering::Relaxed) < FULL_BITS as u8
        && crate::clock::uptime_ns() >= LATE_AFTER_NS
    {
        grow(cpu, FULL_BITS);
    }
}

/// Doubles the table from what it reached up to 2^`target` entries (see the module
/// comment).
fn grow(cpu: usize, target: u32) {
    if !tcg() {
        REACHED[cpu].store(FULL_BITS as u8, Ordering::Relaxed);
        return;
    }
    let from = (REACHED[cpu].load(Ordering::Relaxed) as u32).max(INITIAL_BITS);
    if from >= target {
        return;
    }
    {
        let mut users = WINDOW_USERS.lock();
        if *users == 0 {
            super::paging::map_alias_window(WINDOW, PAGE << FULL_BITS, ALIAS_PHYS);
        }
        *users += 1;
    }
    let t0 = crate::arch::cpu::rdtsc();
    for bits in from..target {
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
            super::paging::unmap_alias_window(WINDOW, PAGE << FULL_BITS);
        }
    }
    reload_cr3();
    REACHED[cpu].store(target as u8, Ordering::Relaxed);
    crate::klog!(
        "eremit: TCG: vCPU {cpu}'s software TLB grown to {} entries in {} us",
        1u32 << target,
        crate::clock::ticks_to_ns(crate::arch::cpu::rdtsc() - t0) / 1000
    );
}

fn reload_cr3() {
    crate::arch::mmu::flush_all();
}
