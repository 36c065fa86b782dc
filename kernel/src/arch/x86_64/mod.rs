//! x86-64 (PVH under QEMU): everything that is specific to the processor and the PC
//! platform. This is the only place in the kernel with `asm!`, `global_asm!`, naked
//! functions or the `x86_64` crate (a host test, `kernel/tests/arch_boundary.rs`, fails
//! otherwise); the rest of the kernel reaches it through the interface in `arch/mod.rs`.
//! Only `fw_cfg` and `smp::trampoline`/`smp::topology` hold logic that also builds (and is
//! tested) on the host.

#[cfg(target_os = "none")]
pub mod abi_stubs;
#[cfg(target_os = "none")]
pub mod apic;
#[cfg(target_os = "none")]
pub mod apic_timer;
#[cfg(target_os = "none")]
pub mod clock;
#[cfg(target_os = "none")]
pub mod cpu;
#[cfg(target_os = "none")]
pub mod crash;
#[cfg(target_os = "none")]
pub mod entry;
#[cfg(target_os = "none")]
pub mod exit;
#[cfg(target_os = "none")]
pub mod fault_delivery;
#[cfg(target_os = "none")]
pub mod fpu;
pub mod fw_cfg;
#[cfg(target_os = "none")]
pub mod gdt;
#[cfg(target_os = "none")]
pub mod idt;
#[cfg(target_os = "none")]
pub mod interrupts;
#[cfg(target_os = "none")]
pub mod ioapic;
#[cfg(target_os = "none")]
pub mod irq;
#[cfg(target_os = "none")]
pub mod mmu;
#[cfg(target_os = "none")]
pub mod percpu;
#[cfg(target_os = "none")]
pub mod port;
#[cfg(target_os = "none")]
pub mod pvh;
#[cfg(target_os = "none")]
pub mod serial;
#[cfg(target_os = "none")]
pub mod signal_entry;
pub mod smp;
#[cfg(target_os = "none")]
pub mod switch;
#[cfg(target_os = "none")]
pub mod tls;
