//! aarch64 (QEMU's `virt` machine): everything specific to the processor and the
//! platform, with the same names `arch/mod.rs` re-exports from `x86_64/`. The state of
//! the port (what works, what is left) is in docs/architecture.md.

pub mod abi_stubs;
pub mod apic;
pub mod apic_timer;
pub mod board;
pub mod clock;
pub mod cpu;
pub mod crash;
pub mod el2;
pub mod entry;
pub mod exceptions;
pub mod exit;
pub mod fault_delivery;
pub mod fpu;
pub mod gic;
pub mod gic_v2;
pub mod gic_v3;
pub mod interrupts;
pub mod ioapic;
pub mod irq;
pub mod mmu;
pub mod percpu;
pub mod platform;
pub mod port;
pub mod psci;
pub mod serial;
pub mod smp;
pub mod switch;
pub mod tls;
pub mod translation;
