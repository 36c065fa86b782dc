//! The GICv2 (`virt,gic-version=2`): the distributor and each CPU's memory-mapped CPU
//! interface (its frame shared by all CPUs, banked per CPU). CPU interface numbers follow
//! the CPUs' on `virt`, up to 8.

use core::sync::atomic::{AtomicU64, Ordering};

use super::gic::{self, VIRTUAL_TIMER, WAKEUP_SGI, dist, read, write};

const GICD_SGIR: u64 = 0xf00;
const GICD_ITARGETSR: u64 = 0x800;
const GICC_CTLR: u64 = 0x000;
const GICC_PMR: u64 = 0x004;
const GICC_IAR: u64 = 0x00c;
const GICC_EOIR: u64 = 0x010;

static GICD: AtomicU64 = AtomicU64::new(0);
static GICC: AtomicU64 = AtomicU64::new(0);

fn gicd() -> u64 {
    GICD.load(Ordering::Relaxed)
}

fn gicc() -> u64 {
    GICC.load(Ordering::Relaxed)
}

/// The distributor on, and the boot CPU's interface.
pub fn init(distributor: u64, cpu_interface: u64) {
    GICD.store(distributor, Ordering::Relaxed);
    GICC.store(cpu_interface, Ordering::Relaxed);
    write(gicd(), dist::CTLR, 1);
    init_cpu();
}

/// This CPU's banked private interrupts (the timer's, the wake-up SGI) and its interface,
/// every priority let through.
pub fn init_cpu() {
    gic::set_priority(gicd(), VIRTUAL_TIMER);
    write(
        gicd(),
        dist::ISENABLER,
        (1 << VIRTUAL_TIMER) | (1 << WAKEUP_SGI),
    );
    write(gicc(), GICC_PMR, 0xff);
    write(gicc(), GICC_CTLR, 1);
}

/// SPI `id` to CPU interface `cpu` (0-7; one target byte per interrupt).
pub fn enable_spi(id: u32, level: bool, cpu: u32) {
    let word = GICD_ITARGETSR + id as u64 / 4 * 4;
    let shift = (id % 4) * 8;
    let targets = read(gicd(), word) & !(0xff << shift) | ((1 << (cpu % 8)) << shift);
    write(gicd(), word, targets);
    gic::configure_spi(gicd(), id, level);
}

/// SGI `sgi` to CPU interface `cpu` (its bit in the distributor's target list).
pub fn send_sgi(cpu: usize, sgi: u32) {
    if cpu < 8 {
        write(gicd(), GICD_SGIR, (1 << (16 + cpu)) | sgi);
    }
}

/// The raw `GICC_IAR` (the id in bits 0-9, an SGI's source CPU above).
pub fn acknowledge() -> u32 {
    read(gicc(), GICC_IAR)
}

pub fn end(iar: u32) {
    write(gicc(), GICC_EOIR, iar);
}
