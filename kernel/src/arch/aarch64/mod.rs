//! aarch64 (QEMU's `virt` machine): everything specific to the processor and the
//! platform, with the same names `arch/mod.rs` re-exports from `x86_64/`. The state of
//! the port (what works, what is left) is in docs/architecture.md.

pub mod abi_stubs;
pub mod apic;
pub mod apic_timer;
pub mod clock;
pub mod cpu;
pub mod crash;
pub mod entry;
pub mod exceptions;
pub mod exit;
pub mod fpu;
pub mod gic;
pub mod interrupts;
pub mod ioapic;
pub mod irq;
pub mod mmu;
pub mod percpu;
pub mod platform;
pub mod port;
pub mod serial;
pub mod smp;
pub mod switch;
pub mod tls;
pub mod translation;

/// Where QEMU's `virt` machine puts its devices (fixed by the board; the device tree
/// says the same).
pub mod board {
    /// The GICv2's distributor and CPU interface.
    pub const GICD: u64 = 0x0800_0000;
    pub const GICC: u64 = 0x0801_0000;
    /// The PL011 UART.
    pub const UART: u64 = 0x0900_0000;
    /// The PL031 real-time clock.
    pub const RTC: u64 = 0x0901_0000;
    /// Start of RAM; QEMU puts the device tree here for an ELF kernel.
    pub const RAM_START: u64 = 0x4000_0000;
    /// The device window the boot tables map uncached: GIC, UART, RTC, fw_cfg, GPIO,
    /// virtio-mmio (0x0800_0000-0x0a00_4000 on `virt`).
    pub const DEVICES: (u64, u64) = (0x0800_0000, 0x1000_0000);
}
