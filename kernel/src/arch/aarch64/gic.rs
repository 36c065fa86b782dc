//! The interrupt controller: the GICv3 (`gic_v3`, what the runner asks `virt` for) or the
//! GICv2 (`gic_v2`, `EREMIT_GIC_VERSION=2`), whichever the device tree names
//! (`board::read`). Both enable the virtual timer's interrupt and the wake-up SGI on every
//! CPU, route device SPIs, and acknowledge and end each interrupt for `irq::dispatch`.

use super::board::{self, GicVersion};
use super::{gic_v2, gic_v3};

/// The virtual timer's private interrupt.
pub const VIRTUAL_TIMER: u32 = 27;
/// The software-generated interrupt that wakes another CPU (`timer::send_wakeup`).
pub const WAKEUP_SGI: u32 = 0;
/// Interrupt ids the kernel routes stay below this (virt's SPIs for devices are 32..96).
pub const MAX_ID: u32 = 128;
/// Interrupt ids from 1020 up are special (1023: nothing pending).
pub const SPURIOUS_FROM: u32 = 1020;
/// The priority every enabled interrupt gets (all are let through: `PMR` 0xff).
pub const PRIORITY: u8 = 0x80;

fn version() -> GicVersion {
    // `board::read` succeeded before the kernel's start (it fails without a GIC).
    board::gic().0.unwrap_or(GicVersion::V2)
}

/// Turns the distributor and this CPU's interface on (the boot CPU, once).
pub fn init() {
    let (v, dist, other, size) = board::gic();
    match v {
        Some(GicVersion::V3) => gic_v3::init(dist, other, size),
        _ => gic_v2::init(dist, other),
    }
    // The platform's first log lines (the log is on from here): the devices, the level
    // the boot CPU started at.
    board::log();
    super::entry::log_entry_level();
}

/// This CPU's part: its private interrupts and its CPU interface.
pub fn init_cpu() {
    match version() {
        GicVersion::V3 => gic_v3::init_cpu(),
        GicVersion::V2 => gic_v2::init_cpu(),
    }
}

/// Enables shared interrupt `id`, level-triggered or edge, delivered to the CPU whose
/// affinity (`apic::id`, `MPIDR_EL1`'s) is `cpu`.
pub fn enable_spi(id: u32, level: bool, cpu: u32) {
    match version() {
        GicVersion::V3 => gic_v3::enable_spi(id, level, cpu),
        GicVersion::V2 => gic_v2::enable_spi(id, level, cpu),
    }
}

/// Sends the wake-up SGI to `cpu` (on `virt`, CPU n's affinity is n: `smp`).
pub fn send_wakeup(cpu: usize) {
    match version() {
        GicVersion::V3 => gic_v3::send_sgi(cpu, WAKEUP_SGI),
        GicVersion::V2 => gic_v2::send_sgi(cpu, WAKEUP_SGI),
    }
}

/// The pending interrupt, acknowledged (its id in the low 10 bits); `None` when nothing
/// is pending.
pub fn acknowledge() -> Option<u32> {
    // v2's id is bits 0-9 (an SGI's source CPU above), v3's bits 0-23.
    let (iar, id) = match version() {
        GicVersion::V3 => {
            let iar = gic_v3::acknowledge();
            (iar, iar & 0x00ff_ffff)
        }
        GicVersion::V2 => {
            let iar = gic_v2::acknowledge();
            (iar, iar & 0x3ff)
        }
    };
    (id < SPURIOUS_FROM).then_some(iar)
}

/// Ends the interrupt `acknowledge` returned.
pub fn end(iar: u32) {
    match version() {
        GicVersion::V3 => gic_v3::end(iar),
        GicVersion::V2 => gic_v2::end(iar),
    }
}

/// The distributor's registers both versions share (offsets from its base).
pub mod dist {
    pub const CTLR: u64 = 0x000;
    pub const IGROUPR: u64 = 0x080;
    pub const ISENABLER: u64 = 0x100;
    pub const IPRIORITYR: u64 = 0x400;
    pub const ICFGR: u64 = 0xc00;
}

pub fn write(base: u64, reg: u64, value: u32) {
    // SAFETY: a GIC register (the tree's frames, in the mapped device window:
    // `board::read`); the values written are the configuration the callers intend.
    unsafe { ((base + reg) as *mut u32).write_volatile(value) }
}

pub fn read(base: u64, reg: u64) -> u32 {
    // SAFETY: as in `write`; reading an acknowledge register acknowledges, which
    // `acknowledge` intends.
    unsafe { ((base + reg) as *const u32).read_volatile() }
}

/// Sets the priority byte of interrupt `id` in the priority registers at `base`
/// (the distributor's, or a GICv3 redistributor's for private interrupts).
pub fn set_priority(base: u64, id: u32) {
    let word = dist::IPRIORITYR + (id as u64 / 4) * 4;
    let shift = (id % 4) * 8;
    write(
        base,
        word,
        read(base, word) & !(0xff << shift) | ((PRIORITY as u32) << shift),
    );
}

/// Configures SPI `id` as level-triggered or edge (two bits per interrupt: 0b10 edge,
/// 0b00 level), at a middle priority, and enables it at the distributor `dist`.
pub fn configure_spi(dist: u64, id: u32, level: bool) {
    set_priority(dist, id);
    let word = dist::ICFGR + id as u64 / 16 * 4;
    let shift = (id % 16) * 2;
    let edge = if level { 0 } else { 0b10 };
    write(
        dist,
        word,
        read(dist, word) & !(0b11 << shift) | (edge << shift),
    );
    write(dist, dist::ISENABLER + id as u64 / 32 * 4, 1 << (id % 32));
}
