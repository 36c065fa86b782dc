//! Leaving the VM with the application's exit code.

use x86_64::instructions::port::Port;

/// Reports `code` to the runner and powers the VM off through QEMU's `isa-debug-exit`.
/// Without that device, a triple fault ends QEMU (`-no-reboot`) instead of hanging.
pub fn exit_vm(code: i32) -> ! {
    crate::console::exit_record(code);
    // SAFETY: port 0xf4 is QEMU's isa-debug-exit; writing it stops the VM. Elsewhere the
    // write goes nowhere.
    unsafe { Port::<u32>::new(0xf4).write((code & 0x7f) as u32) };
    triple_fault()
}

fn triple_fault() -> ! {
    #[repr(C, packed)]
    struct EmptyIdt {
        limit: u16,
        base: u64,
    }
    let idt = EmptyIdt { limit: 0, base: 0 };
    // SAFETY: loading an empty IDT and raising an exception is meant to reset the CPU,
    // which QEMU turns into an exit under -no-reboot.
    unsafe { core::arch::asm!("lidt [{}]", "int3", in(reg) &idt, options(noreturn)) }
}
