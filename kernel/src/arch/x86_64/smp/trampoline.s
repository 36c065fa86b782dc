// The code an application processor runs after its start-up IPI: real mode at CS:0 with
// CS = the page's address >> 4, then 32-bit protected mode, then long mode on the kernel's
// page tables, then the Rust entry on the AP's own stack. It is data in the image and only
// ever runs from the copy in low memory, so it addresses everything relative to the copy:
// DS = CS in real mode, EBP = the copy's linear address afterwards. Absolute addresses are
// in the Params block (trampoline.rs) that the boot CPU writes after the code; the named
// operands are that block's field offsets.
    .pushsection .rodata.eremit_ap_trampoline, "a"
    .p2align 4
    .global eremit_ap_trampoline_start
eremit_ap_trampoline_start:
    .code16
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    movzwl %ax, %ebp
    shll $4, %ebp

    // Find this CPU's slot by its initial APIC ID (CPUID.1:EBX[31:24]).
    movl $1, %eax
    cpuid
    shrl $24, %ebx
    xorl %esi, %esi
.Lap_scan:
    cmpl (.Lap_params + {count}), %esi
    jae .Lap_unknown
    cmpb %bl, (.Lap_params + {apic_ids})(%si)
    je .Lap_found
    incl %esi
    jmp .Lap_scan
.Lap_unknown:
    // Not asked to start: stay parked (interrupts are off).
    hlt
    jmp .Lap_unknown

.Lap_found:
    movb $1, (.Lap_params + {started})(%si)
    lgdtl (.Lap_params + {gdtr})
    // Protected mode. CR0 is set whole: after INIT it has caching disabled (CD, NW).
    movl $1, %eax
    movl %eax, %cr0
    ljmpl *(.Lap_params + {far32})

    .code32
    .global eremit_ap_trampoline_pm32
eremit_ap_trampoline_pm32:
    movl ${data}, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    // PAE, the kernel's tables, EFER.LME|NXE (the tables use NX bits), then paging with
    // write protection, as on the boot CPU; cpu::init sets the rest.
    movl $0x20, %eax
    movl %eax, %cr4
    movl (.Lap_params + {cr3})(%ebp), %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx
    rdmsr
    orl $0x900, %eax
    wrmsr
    movl $0x80010001, %eax
    movl %eax, %cr0
    ljmpl *(.Lap_params + {far64})(%ebp)

    .code64
    .global eremit_ap_trampoline_lm64
eremit_ap_trampoline_lm64:
    movl ${data}, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    // The upper halves are undefined after the mode switch: zero-extend.
    movl %ebp, %ebp
    movl %esi, %esi
    movq (.Lap_params + {stacks})(%rbp,%rsi,8), %rsp
    leal 1(%rsi), %edi
    movq %rsp, %rsi
    movq (.Lap_params + {entry})(%rbp), %rax
    xorl %ebp, %ebp
    callq *%rax
    ud2

    .p2align 3
    .global eremit_ap_trampoline_end
eremit_ap_trampoline_end:
    .set .Lap_params, eremit_ap_trampoline_end - eremit_ap_trampoline_start
    .popsection
