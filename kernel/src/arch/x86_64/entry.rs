//! The PVH entry: QEMU (`-kernel IMAGE`) jumps here in 32-bit protected mode with paging
//! off and `ebx` pointing at the `hvm_start_info`. The code maps the first GiB, enters
//! long mode and calls `eremit_kernel_boot`, which sets up this CPU (features, GDT, IDT),
//! reads the boot information and hands over to the kernel's start, `crate::boot`. The
//! image is a static PIE, so the 32-bit code addresses everything relative to its own
//! position instead of absolutely.

use core::arch::global_asm;

// The note QEMU looks for (XEN_ELFNOTE_PHYS32_ENTRY). It carries a 64-bit address, which
// in a PIE is a relocation the linker applies (--apply-dynamic-relocs); a writable section
// keeps that legal without text relocations.
global_asm!(
    r#"
    .section .note.Xen, "aw", @note
    .p2align 2
    .long 4
    .long 8
    .long 18
    .asciz "Xen"
    .p2align 2
    .quad eremit_pvh_entry
    "#
);

global_asm!(
    r#"
    .section .bss.eremit_boot, "aw", @nobits
    .p2align 12
    eremit_boot_pml4: .skip 4096
    eremit_boot_pdpt: .skip 4096
    eremit_boot_pd: .skip 4096
    .global eremit_boot_stack_bottom
    eremit_boot_stack_bottom: .skip 65536
    eremit_boot_stack_top:

    .section .data.eremit_boot, "aw"
    .p2align 4
    eremit_boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
    eremit_boot_gdt_end:
    .p2align 3
    eremit_boot_gdtr:
    .word eremit_boot_gdt_end - eremit_boot_gdt - 1
    .long 0
    .long 0
    .global eremit_boot_tsc
    eremit_boot_tsc: .quad 0

    .section .text.eremit_boot, "ax"
    .code32
    .global eremit_pvh_entry
    eremit_pvh_entry:
    cli
    cld
    movl %ebx, %esi
    call .Lboot_base
    .Lboot_base:
    popl %ebp
    rdtsc
    movl %eax, (eremit_boot_tsc - .Lboot_base)(%ebp)
    movl %edx, (eremit_boot_tsc + 4 - .Lboot_base)(%ebp)
    leal (eremit_boot_stack_top - .Lboot_base)(%ebp), %esp

    leal (eremit_boot_pdpt - .Lboot_base)(%ebp), %eax
    orl $3, %eax
    movl %eax, (eremit_boot_pml4 - .Lboot_base)(%ebp)
    leal (eremit_boot_pd - .Lboot_base)(%ebp), %eax
    orl $3, %eax
    movl %eax, (eremit_boot_pdpt - .Lboot_base)(%ebp)
    leal (eremit_boot_pd - .Lboot_base)(%ebp), %edi
    movl $0x83, %eax
    xorl %ecx, %ecx
    .Lboot_fill:
    movl %eax, (%edi,%ecx,8)
    movl $0, 4(%edi,%ecx,8)
    addl $0x200000, %eax
    incl %ecx
    cmpl $512, %ecx
    jne .Lboot_fill

    movl %cr4, %eax
    orl $0x20, %eax
    movl %eax, %cr4
    leal (eremit_boot_pml4 - .Lboot_base)(%ebp), %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx
    rdmsr
    orl $0x900, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80010001, %eax
    movl %eax, %cr0

    leal (eremit_boot_gdt - .Lboot_base)(%ebp), %eax
    movl %eax, (eremit_boot_gdtr + 2 - .Lboot_base)(%ebp)
    lgdt (eremit_boot_gdtr - .Lboot_base)(%ebp)
    pushl $0x08
    leal (eremit_boot64 - .Lboot_base)(%ebp), %eax
    pushl %eax
    lret

    .code64
    eremit_boot64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    movl %esi, %edi
    leaq eremit_boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call eremit_kernel_boot
    ud2

    .global _start
    _start:
    jmp eremit_boot64
    "#,
    options(att_syntax)
);

/// The boot page tables map the first GiB; the early heap must fit below it.
pub const BOOT_MAPPED_END: u64 = 1 << 30;
/// The fixed devices the kernel's page tables map uncached: the local APIC and the I/O
/// APIC, a page each.
pub const MMIO_WINDOWS: &[(u64, u64)] = &[(0xfee0_0000, 0xfee0_1000), (0xfec0_0000, 0xfec0_1000)];

unsafe extern "C" {
    static eremit_boot_tsc: u64;
    #[allow(dead_code)]
    static eremit_boot_stack_bottom: u8;
}

/// The TSC value at the very first instruction of the kernel.
pub fn entry_tsc() -> u64 {
    // SAFETY: written once by the entry code before any Rust runs, read-only afterwards.
    unsafe { core::ptr::addr_of!(eremit_boot_tsc).read_volatile() }
}

/// Lowest address of the boot stack (for the crash report's stack bounds; unused so far).
#[allow(dead_code)]
pub fn boot_stack_bottom() -> u64 {
    core::ptr::addr_of!(eremit_boot_stack_bottom) as u64
}

/// The first Rust code: the CPU and the boot information, then the kernel's start.
#[unsafe(no_mangle)]
extern "C" fn eremit_kernel_boot(start_info: u64) -> ! {
    super::cpu::init();
    crate::console::init(false);
    super::gdt::init();
    super::idt::init();
    // SAFETY: start_info is what QEMU passed in ebx; the boot tables map low memory.
    let info = unsafe { super::pvh::read(start_info) }.unwrap_or_else(|e| crate::boot::fatal(e));
    crate::boot::kernel_main(info)
}
