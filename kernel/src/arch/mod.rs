//! x86-64: boot, CPU setup, exceptions, time and the hand-over to the application.
//! Only `fw_cfg` and `smp::trampoline` hold logic that also builds (and is tested) on the
//! host.
#[cfg(target_os = "none")]
pub mod apic;
#[cfg(target_os = "none")]
pub mod apic_timer;
#[cfg(target_os = "none")]
pub mod boot;
#[cfg(target_os = "none")]
pub mod clock;
#[cfg(target_os = "none")]
pub mod cpu;
#[cfg(target_os = "none")]
pub mod crash;
#[cfg(target_os = "none")]
pub mod exit;
pub mod fw_cfg;
#[cfg(target_os = "none")]
pub mod gdt;
#[cfg(target_os = "none")]
pub mod idt;
#[cfg(target_os = "none")]
pub mod irq;
#[cfg(target_os = "none")]
pub mod pvh;
pub mod smp;
#[cfg(target_os = "none")]
pub mod stacks;
#[cfg(target_os = "none")]
pub mod start;
#[cfg(target_os = "none")]
pub mod tls;

#[cfg(target_os = "none")]
#[unsafe(no_mangle)]
extern "C" fn eremit_kernel_boot(start_info: u64) -> ! {
    start::boot(start_info)
}

#[cfg(target_os = "none")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    crate::kreport!("\neremit: kernel panic: {info}");
    crash::backtrace(0, crash::current_rbp(), crash::current_rsp());
    exit::exit_vm(134)
}
