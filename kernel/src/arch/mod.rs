//! x86-64: boot, CPU setup, exceptions, time and the hand-over to the application.
pub mod apic;
pub mod apic_timer;
pub mod boot;
pub mod clock;
pub mod cpu;
pub mod crash;
pub mod exit;
pub mod gdt;
pub mod idt;
pub mod irq;
pub mod pvh;
pub mod stacks;
pub mod start;
pub mod tls;

#[unsafe(no_mangle)]
extern "C" fn eremit_kernel_boot(start_info: u64) -> ! {
    start::boot(start_info)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    crate::kreport!("\neremit: kernel panic: {info}");
    crash::backtrace(0, crash::current_rbp(), crash::current_rsp());
    exit::exit_vm(134)
}
