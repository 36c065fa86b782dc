/* The null guest for `benches/drivers/bench.py`: the smallest PVH image QEMU can boot with
   `-kernel`. It reports exit status 0 on the kernel log port (0xe9, the record
   `eremit run` waits for) and then leaves through isa-debug-exit (port 0xf4), so the
   same image measures both QEMU's own start-up and quit cost (bare QEMU, exit code
   (0 << 1) | 1 = 1) and the runner's overhead (`eremit run`, exit code 0).
   QEMU enters it in 32-bit protected mode with paging off. */

        .section .note.Xen, "a", @note
        .balign 4
        .long 4, 8, 18          /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .quad _start

        .text
        .code32
        .globl _start
_start:
        cli
        movl $record, %esi
        movw $0xe9, %dx         /* isa-debugcon: the kernel log channel */
1:      lodsb
        testb %al, %al
        jz 2f
        outb %al, %dx
        jmp 1b
2:      movw $0xf4, %dx         /* isa-debug-exit: QEMU exits with (value << 1) | 1 */
        xorl %eax, %eax
        outl %eax, %dx
3:      hlt
        jmp 3b

        .section .rodata
record: .asciz "@@EREMIT-EXIT 0@@\n"
