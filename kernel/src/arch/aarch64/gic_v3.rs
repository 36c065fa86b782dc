//! The GICv3 (`virt,gic-version=3`, the runner's default): the distributor, one
//! redistributor per CPU (found by its affinity in the tree's redistributor region) for the
//! private interrupts, and the CPU interface in system registers (`ICC_*_EL1`); SGIs are
//! sent with `ICC_SGI1R_EL1`. Every interrupt is in group 1 (IRQ at EL1: QEMU's `virt`
//! runs no secure firmware, so the GIC has a single security state).

use core::arch::asm;
use core::sync::atomic::{AtomicU64, Ordering};

use super::gic::{self, MAX_ID, VIRTUAL_TIMER, WAKEUP_SGI, dist, read, write};

const GICD_CTLR_RWP: u32 = 1 << 31;
/// Affinity routing, group 1 and group 0 enabled (the single-security-state view; Linux
/// writes the same bits).
const GICD_CTLR_ENABLE: u32 = (1 << 4) | (1 << 1) | 1;
const GICD_IROUTER: u64 = 0x6000;

const GICR_TYPER: u64 = 0x08;
const GICR_WAKER: u64 = 0x14;
const GICR_WAKER_PROCESSOR_SLEEP: u32 = 1 << 1;
const GICR_WAKER_CHILDREN_ASLEEP: u32 = 1 << 2;
const GICR_TYPER_LAST: u64 = 1 << 4;
const GICR_TYPER_VLPIS: u64 = 1 << 1;
/// A redistributor's frames: RD and SGI, 64 KiB each (two more with virtual LPIs).
const GICR_FRAME: u64 = 0x1_0000;
/// How many polls of a "pending write" bit before giving up (QEMU clears it at once).
const POLLS: u32 = 1_000_000;

static GICD: AtomicU64 = AtomicU64::new(0);
static GICR: AtomicU64 = AtomicU64::new(0);
static GICR_SIZE: AtomicU64 = AtomicU64::new(0);

fn gicd() -> u64 {
    GICD.load(Ordering::Relaxed)
}

fn wait_while(base: u64, reg: u64, bits: u32) {
    for _ in 0..POLLS {
        if read(base, reg) & bits == 0 {
            return;
        }
        core::hint::spin_loop();
    }
    crate::klog!("eremit: GICv3 register {reg:#x} at {base:#x} stays busy");
}

/// The distributor (affinity routing on, the device SPIs in group 1), then the boot
/// CPU's redistributor and interface.
pub fn init(distributor: u64, redistributors: u64, size: u64) {
    GICD.store(distributor, Ordering::Relaxed);
    GICR.store(redistributors, Ordering::Relaxed);
    GICR_SIZE.store(size, Ordering::Relaxed);
    write(gicd(), dist::CTLR, 0);
    wait_while(gicd(), dist::CTLR, GICD_CTLR_RWP);
    for word in 1..MAX_ID as u64 / 32 {
        write(gicd(), dist::IGROUPR + 4 * word, !0);
    }
    write(gicd(), dist::CTLR, GICD_CTLR_ENABLE);
    wait_while(gicd(), dist::CTLR, GICD_CTLR_RWP);
    init_cpu();
}

/// This CPU's affinity as a redistributor's `GICR_TYPER` states it (Aff3.Aff2.Aff1.Aff0).
fn this_affinity() -> u64 {
    let mpidr: u64;
    // SAFETY: reading MPIDR_EL1 has no side effects.
    unsafe { asm!("mrs {}, mpidr_el1", out(reg) mpidr, options(nomem, nostack)) };
    (mpidr & 0xff_ffff) | ((mpidr >> 32) & 0xff) << 24
}

/// This CPU's redistributor (its RD frame), walking the region.
fn this_redistributor() -> Option<u64> {
    let (start, size) = (
        GICR.load(Ordering::Relaxed),
        GICR_SIZE.load(Ordering::Relaxed),
    );
    let want = this_affinity();
    let mut rd = start;
    while rd + 2 * GICR_FRAME <= start + size {
        // SAFETY: GICR_TYPER of a redistributor inside the tree's region (mapped device
        // memory, `board::read`); reading it has no side effects.
        let typer = unsafe { ((rd + GICR_TYPER) as *const u64).read_volatile() };
        if typer >> 32 == want {
            return Some(rd);
        }
        if typer & GICR_TYPER_LAST != 0 {
            break;
        }
        rd += if typer & GICR_TYPER_VLPIS != 0 { 4 } else { 2 } * GICR_FRAME;
    }
    None
}

/// This CPU's redistributor awake with the timer's interrupt and the wake-up SGI enabled
/// (group 1, middle priority), and its system-register interface on, every priority
/// let through.
pub fn init_cpu() {
    let Some(rd) = this_redistributor() else {
        crate::klog!("eremit: GICv3: no redistributor for this CPU: no interrupts here");
        return;
    };
    write(
        rd,
        GICR_WAKER,
        read(rd, GICR_WAKER) & !GICR_WAKER_PROCESSOR_SLEEP,
    );
    wait_while(rd, GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);
    let sgi = rd + GICR_FRAME;
    let private = (1 << VIRTUAL_TIMER) | (1 << WAKEUP_SGI);
    write(sgi, dist::IGROUPR, read(sgi, dist::IGROUPR) | private);
    gic::set_priority(sgi, VIRTUAL_TIMER);
    gic::set_priority(sgi, WAKEUP_SGI);
    write(sgi, dist::ISENABLER, private);
    // SAFETY: the GICv3 CPU interface's registers of this CPU: system-register access on
    // (SRE), priority mask open, no preemption groups, group 1 on. Nothing else changes.
    unsafe {
        asm!(
            "mrs {t}, S3_0_C12_C12_5",
            "orr {t}, {t}, #1",
            "msr S3_0_C12_C12_5, {t}",
            "isb",
            "msr S3_0_C4_C6_0, {pmr}",
            "msr S3_0_C12_C12_3, xzr",
            "msr S3_0_C12_C12_7, {one}",
            "isb",
            t = out(reg) _,
            pmr = in(reg) 0xffu64,
            one = in(reg) 1u64,
            options(nostack)
        )
    };
}

/// SPI `id` routed to the CPU with affinity `cpu` (`apic::id`), configured and enabled.
pub fn enable_spi(id: u32, level: bool, cpu: u32) {
    let router = gicd() + GICD_IROUTER + 8 * id as u64;
    // SAFETY: GICD_IROUTER<id>, a 64-bit register of the distributor (mapped device
    // memory); Aff2.Aff1.Aff0 with the "one CPU" routing mode.
    unsafe { (router as *mut u64).write_volatile((cpu & 0xff_ffff) as u64) };
    gic::configure_spi(gicd(), id, level);
}

/// SGI `sgi` to the CPU numbered `cpu` (on `virt`, Aff0 = cpu for the 8 the kernel starts,
/// Aff1 = cpu / 16 beyond).
pub fn send_sgi(cpu: usize, sgi: u32) {
    let (aff0, aff1) = ((cpu % 16) as u64, (cpu / 16 % 256) as u64);
    let value = (aff1 << 16) | ((sgi as u64 & 0xf) << 24) | (1 << aff0);
    // SAFETY: ICC_SGI1R_EL1 only raises the SGI at the named CPU; the barrier first makes
    // this CPU's memory writes (the run queue) visible to the one woken.
    unsafe { asm!("dsb ish", "msr S3_0_C12_C11_5, {}", "isb", in(reg) value, options(nostack)) };
}

/// `ICC_IAR1_EL1`: the pending group-1 interrupt's id, acknowledged.
pub fn acknowledge() -> u32 {
    let iar: u64;
    // SAFETY: reading IAR1 acknowledges the interrupt, which `irq::dispatch` intends.
    unsafe { asm!("mrs {}, S3_0_C12_C12_0", out(reg) iar, options(nostack)) };
    iar as u32
}

/// `ICC_EOIR1_EL1`: the interrupt ends (priority drop and deactivation).
pub fn end(iar: u32) {
    // SAFETY: ending the interrupt `acknowledge` returned, as the GIC requires.
    unsafe { asm!("msr S3_0_C12_C12_1, {}", in(reg) iar as u64, options(nostack)) };
}
