//! The entry: QEMU (`-M virt -kernel IMAGE`, an ELF) starts the boot CPU at `_start` with
//! the MMU off, at EL1 (or EL2 with `virtualization=on`, which it leaves for EL1: `el2`).
//! It sets up the boot stack, turns on FP/SIMD (Rust code uses the vector registers),
//! installs the exception vectors and calls `eremit_kernel_boot`, which turns the MMU on
//! (`translation`), reads the device tree and hands over to the kernel's start,
//! `crate::boot`.

use core::arch::global_asm;

/// The boot tables map RAM from its start up to here (`translation::MAX_RAM`); the early
/// heap must fit below it.
pub const BOOT_MAPPED_END: u64 = super::board::RAM_START + super::translation::MAX_RAM;
/// The fixed devices the kernel's page tables map uncached: virt's device window.
pub const MMIO_WINDOWS: &[(u64, u64)] = &[super::board::DEVICES];

global_asm!(
    r#"
    .section .bss.eremit_boot, "aw", @nobits
    .p2align 12
    .global eremit_boot_stack_bottom
    eremit_boot_stack_bottom: .skip 65536
    eremit_boot_stack_top:

    .section .data.eremit_boot, "aw"
    .p2align 3
    .global eremit_boot_ticks
    eremit_boot_ticks: .quad 0
    .global eremit_entry_el
    eremit_entry_el: .quad 0

    .section .text.eremit_boot, "ax"
    .global _start
    _start:
    mrs x9, CurrentEL
    lsr x9, x9, #2
    adrp x10, eremit_entry_el
    str x9, [x10, :lo12:eremit_entry_el]
    bl eremit_leave_el2
    msr daifset, #0xf
    mov x19, x0
    adrp x9, eremit_boot_stack_top
    add x9, x9, :lo12:eremit_boot_stack_top
    mov sp, x9
    // FP/SIMD at EL1 and EL0 without trapping (CPACR_EL1.FPEN).
    mov x9, #(3 << 20)
    msr cpacr_el1, x9
    isb
    mrs x9, cntvct_el0
    adrp x10, eremit_boot_ticks
    str x9, [x10, :lo12:eremit_boot_ticks]
    adrp x9, eremit_vectors
    add x9, x9, :lo12:eremit_vectors
    msr vbar_el1, x9
    isb
    mov x0, x19
    mov x29, xzr
    mov x30, xzr
    bl eremit_kernel_boot
    2:
    wfi
    b 2b
    "#
);

unsafe extern "C" {
    static eremit_boot_ticks: u64;
    static eremit_entry_el: u64;
}

/// Logs the exception level QEMU started the boot CPU at (1, or 2 with
/// `virtualization=on`); called once the log is on (`verbose` is known).
pub fn log_entry_level() {
    // SAFETY: written once by the entry code before any Rust runs, read-only afterwards.
    match unsafe { core::ptr::addr_of!(eremit_entry_el).read_volatile() } {
        2 => crate::klog!("eremit: started at EL2, running at EL1"),
        el => crate::klog!("eremit: started at EL{el}"),
    }
}

/// The counter value at the kernel's first instructions.
pub fn entry_ticks() -> u64 {
    // SAFETY: written once by the entry code before any Rust runs, read-only afterwards.
    unsafe { core::ptr::addr_of!(eremit_boot_ticks).read_volatile() }
}

/// The first Rust code: the MMU, the device tree (its devices too), the console, then the
/// kernel's start.
#[unsafe(no_mangle)]
extern "C" fn eremit_kernel_boot(dtb: u64) -> ! {
    // SAFETY: called once, on the boot CPU, with the MMU off and nothing else running.
    unsafe { super::translation::enable() };
    // QEMU leaves x0 zero for an ELF kernel and puts the tree at the start of RAM.
    let dtb = if dtb != 0 {
        dtb
    } else {
        super::board::RAM_START
    };
    // SAFETY: `dtb` is RAM the boot tables map (the start of RAM); `read` checks the
    // magic and bounds before using what is there.
    let info = unsafe { super::platform::read_boot_info(dtb) };
    // The console's UART is the tree's: it starts once the tree is read.
    crate::console::init(false);
    let info = info.unwrap_or_else(|e| crate::boot::fatal(e));
    crate::boot::kernel_main(info)
}
