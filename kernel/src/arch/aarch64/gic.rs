//! The GICv2 of `virt` (`gic-version=2`, which the runner asks for): the distributor and
//! this CPU's interface, the virtual timer's interrupt (PPI 27) enabled, and the
//! acknowledge/end of each interrupt for `irq::dispatch`.

use super::board::{GICC, GICD};

const GICD_CTLR: u64 = 0x000;
const GICD_ISENABLER: u64 = 0x100;
const GICD_IPRIORITYR: u64 = 0x400;
const GICD_SGIR: u64 = 0xf00;
const GICD_ITARGETSR: u64 = 0x800;
const GICD_ICFGR: u64 = 0xc00;
const GICC_CTLR: u64 = 0x000;
const GICC_PMR: u64 = 0x004;
const GICC_IAR: u64 = 0x00c;
const GICC_EOIR: u64 = 0x010;

/// The virtual timer's private interrupt.
pub const VIRTUAL_TIMER: u32 = 27;
/// The software-generated interrupt that wakes another CPU (`timer::send_wakeup`).
pub const WAKEUP_SGI: u32 = 0;
/// Interrupt ids the kernel routes stay below this (virt's SPIs for devices are 32..96).
pub const MAX_ID: u32 = 128;
/// Interrupt ids from 1020 up are special (1023: nothing pending).
const SPURIOUS_FROM: u32 = 1020;

fn write(base: u64, reg: u64, value: u32) {
    // SAFETY: a GIC register in the mapped device window; the values written are the
    // configuration this module intends.
    unsafe { ((base + reg) as *mut u32).write_volatile(value) }
}

fn read(base: u64, reg: u64) -> u32 {
    // SAFETY: as in `write`; reading IAR acknowledges, which `acknowledge` intends.
    unsafe { ((base + reg) as *const u32).read_volatile() }
}

/// Turns the distributor and this CPU's interface on, with the timer's interrupt
/// enabled at a middle priority and every priority let through.
pub fn init() {
    write(GICD, GICD_CTLR, 1);
    init_cpu();
}

/// This CPU's part (banked registers: the private interrupts and the CPU interface).
pub fn init_cpu() {
    // Priority bytes: 4 interrupts a word.
    let word = GICD_IPRIORITYR + (VIRTUAL_TIMER as u64 / 4) * 4;
    let shift = (VIRTUAL_TIMER % 4) * 8;
    let prio = read(GICD, word) & !(0xff << shift) | (0x80 << shift);
    write(GICD, word, prio);
    write(
        GICD,
        GICD_ISENABLER,
        (1 << VIRTUAL_TIMER) | (1 << WAKEUP_SGI),
    );
    write(GICC, GICC_PMR, 0xff);
    write(GICC, GICC_CTLR, 1);
}

/// Enables shared interrupt `id`, level-triggered or edge, delivered to CPU interface
/// `cpu` (0-7).
pub fn enable_spi(id: u32, level: bool, cpu: u32) {
    let id64 = id as u64;
    // One target byte per interrupt.
    let word = GICD_ITARGETSR + id64 / 4 * 4;
    let shift = (id % 4) * 8;
    let targets = read(GICD, word) & !(0xff << shift) | ((1 << (cpu % 8)) << shift);
    write(GICD, word, targets);
    let word = GICD_IPRIORITYR + id64 / 4 * 4;
    write(
        GICD,
        word,
        read(GICD, word) & !(0xff << shift) | (0x80 << shift),
    );
    // Two configuration bits per interrupt: 0b10 edge, 0b00 level.
    let word = GICD_ICFGR + id64 / 16 * 4;
    let shift = (id % 16) * 2;
    let edge = if level { 0 } else { 0b10 };
    write(
        GICD,
        word,
        read(GICD, word) & !(0b11 << shift) | (edge << shift),
    );
    write(GICD, GICD_ISENABLER + id64 / 32 * 4, 1 << (id % 32));
}

/// Sends the wake-up SGI to `cpu` (its bit in the distributor's target list: virt's
/// CPU interface numbers follow the CPUs' up to 8).
pub fn send_wakeup(cpu: usize) {
    if cpu < 8 {
        write(GICD, GICD_SGIR, (1 << (16 + cpu)) | WAKEUP_SGI);
    }
}

/// The pending interrupt's id, acknowledged; `None` when nothing is pending.
pub fn acknowledge() -> Option<u32> {
    let iar = read(GICC, GICC_IAR);
    let id = iar & 0x3ff;
    (id < SPURIOUS_FROM).then_some(iar)
}

/// Ends the interrupt `acknowledge` returned.
pub fn end(iar: u32) {
    write(GICC, GICC_EOIR, iar);
}
