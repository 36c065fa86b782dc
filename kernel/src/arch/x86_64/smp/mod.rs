//! Multiprocessing: bringing up the other CPUs (application processors, APs) at boot.
//!
//! The boot CPU learns the CPU count from QEMU's fw_cfg and the APs' APIC IDs from the
//! CPU topology, prepares a stack and GDT/TSS per AP, copies the real-mode trampoline
//! below 1 MiB and sends every AP INIT and START-UP at once; each AP finds its slot by
//! APIC ID, enters long mode on the kernel's page tables and reports itself online. The `smp` feature enables this; without it the
//! kernel stays on one CPU.

pub mod topology;
pub mod trampoline;

#[cfg(target_os = "none")]
mod bringup;

#[cfg(all(target_os = "none", feature = "smp"))]
pub use bringup::apic_id;
#[cfg(target_os = "none")]
pub use bringup::{is_online, online_cpus, start_aps};
