//! The architecture interface: what the rest of the kernel uses of the processor and the
//! platform, and nothing else. Each group below re-exports a chosen set of functions and
//! types from the implementation compiled in (`imp`), `x86_64/` (PVH under QEMU) or
//! `aarch64/` (QEMU's `virt`), which is private: each provides the same names in a
//! directory of its own (docs/architecture.md).
//!
//! Every `asm!`, `global_asm!`, naked function and use of the `x86_64` crate lives in
//! `arch/` (`kernel/tests/arch_boundary.rs` checks it). Memory-mapped registers need no
//! interface: drivers reach them with `core::ptr::read_volatile`/`write_volatile` on the
//! addresses `mm::paging` maps uncached.
//!
//! The kernel's own start (memory, scheduler, devices, the application) is `crate::boot`,
//! which the architecture's entry calls once the CPU is set up.

#[cfg(target_arch = "x86_64")]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod x86_64;
#[cfg(all(target_arch = "x86_64", target_os = "none"))]
use self::x86_64 as imp;

#[cfg(target_arch = "aarch64")]
mod aarch64;
#[cfg(target_arch = "aarch64")]
use self::aarch64 as imp;

/// CPU identification and features, the cycle counter, the hardware random generator.
#[cfg(target_os = "none")]
pub mod cpu {
    pub use super::imp::cpu::{cpuid, halt_forever, hardware_random, rdtsc};
}

/// The clock's hardware: the counter (its name, value, frequency and value at boot) and
/// the wall clock at boot. Time itself (uptime, wall clock, deadlines) is `crate::clock`.
#[cfg(target_os = "none")]
pub mod clock {
    pub use super::imp::clock::{COUNTER, boot_ticks, counter_khz, ticks, wall_clock_secs};
}

/// Interrupt control on the running CPU.
#[cfg(target_os = "none")]
pub mod interrupts {
    pub use super::imp::interrupts::{are_enabled, disable, enable, enable_and_wait};
}

/// Device interrupts: a vector and handler for a device (`register_device`).
#[cfg(target_os = "none")]
pub mod irq {
    pub use super::imp::irq::register_device;
}

/// The interrupt controllers: this CPU's id as interrupt destinations name it, and the
/// routing of a device's interrupt line.
#[cfg(target_os = "none")]
pub mod apic {
    pub use super::imp::apic::id;
}
#[cfg(target_os = "none")]
pub mod ioapic {
    pub use super::imp::ioapic::route;
}

/// The per-CPU timer (one-shot, for scheduler deadlines and time slices) and the
/// wake-up interrupt that makes a halted CPU look at the run queue.
#[cfg(target_os = "none")]
pub mod timer {
    pub use super::imp::apic_timer::{oneshot_ns, send_wakeup};
}

/// The other CPUs: which are online.
#[cfg(target_os = "none")]
pub mod smp {
    pub use super::imp::smp::{is_online, online_cpus};
}

/// Per-CPU data: one pointer per CPU, set once, read cheaply.
#[cfg(target_os = "none")]
pub mod percpu {
    pub use super::imp::percpu::{base, read_word, set_base};
}

/// Page tables in use and the TLB.
#[cfg(target_os = "none")]
pub mod mmu {
    pub use super::imp::mmu::{flush_all, flush_page, load_root};
}

/// The console's devices: the application's stdout and stderr and the kernel log
/// (`crate::console` orders and formats what goes out).
#[cfg(target_os = "none")]
pub mod serial {
    pub use super::imp::serial::{init, write_log, write_stderr, write_stdout};
}

/// I/O ports.
#[cfg(target_os = "none")]
pub mod port {
    pub use super::imp::port::{read_u8, read_u32, write_u8, write_u16, write_u32};
}

/// Tasks' machine state: the context switch, a new task's first stack frame, FPU/vector
/// registers and the thread pointer (thread-local storage).
#[cfg(target_os = "none")]
pub mod context {
    pub use super::imp::fpu::{FpuState, init_fpu};
    pub use super::imp::switch::{initial_stack, switch_to};
}
/// Thread-local storage: the ELF TLS variant, the thread control block's words, and the
/// thread pointer's register (the block itself is `crate::tls`'s).
#[cfg(target_os = "none")]
pub mod tls {
    pub use super::imp::tls::{VARIANT, activate, control_block};
}

/// Crash reports (backtraces) and leaving the VM with an exit code.
#[cfg(target_os = "none")]
pub mod crash {
    pub use super::imp::crash::backtrace_here;
}
#[cfg(target_os = "none")]
pub mod exit {
    pub use super::imp::exit::exit_vm;
}

/// What the kernel's start (`crate::boot`) asks of the platform, in this order: the boot
/// information, the interrupt controller, interrupt handlers, the other CPUs.
#[cfg(target_os = "none")]
pub mod platform {
    pub use super::imp::apic::init as init_interrupt_controller;
    #[cfg(target_arch = "aarch64")]
    pub use super::imp::board::virtio_mmio;
    pub use super::imp::entry::{BOOT_MAPPED_END, MMIO_WINDOWS};
    pub use super::imp::irq::init as install_interrupt_handlers;
    #[cfg(target_arch = "aarch64")]
    pub use super::imp::platform::BootInfo;
    #[cfg(target_arch = "x86_64")]
    pub use super::imp::pvh::BootInfo;
    pub use super::imp::smp::start_aps as start_secondary_cpus;
}

/// System calls implemented as a few instructions of the ABI (naked functions).
#[cfg(target_os = "none")]
pub mod abi_stubs {
    pub use super::imp::abi_stubs::sys_getpid;
}
