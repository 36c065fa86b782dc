/* A tiny PVH guest for eremit's smoke test (not an Eremit kernel): it stands
   in for the kernel side of the runner's contract. QEMU enters it in 32-bit
   protected mode with paging off and %ebx pointing at hvm_start_info.
   MODE (set with `as --defsym MODE=N`):
   0 = text on COM1 (stdout) and COM2 (stderr), kernel log with exit record 3
   1 = text on COM1, then spin forever (timeout)
   2 = echo the kernel command line to COM1, exit record 0
   3 = text on COM1, power off without an exit record */

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
        movl %ebx, %edi         /* hvm_start_info */
.if MODE == 0
        movl $out, %esi
        movw $0x3f8, %dx
        call puts
        movl $err, %esi
        movw $0x2f8, %dx
        call puts
        movl $log, %esi
        movw $0xe9, %dx
        call puts
.endif
.if MODE == 1
        movl $spin, %esi
        movw $0x3f8, %dx
        call puts
1:      jmp 1b
.endif
.if MODE == 2
        movl 24(%edi), %esi     /* cmdline_paddr, low half */
        movw $0x3f8, %dx
        call puts
        movl $nl, %esi
        call puts
        movl $rec0, %esi
        movw $0xe9, %dx
        call puts
.endif
.if MODE == 3
        movl $out, %esi
        movw $0x3f8, %dx
        call puts
.endif
        movw $0xf4, %dx         /* isa-debug-exit */
        movl $1, %eax
        outl %eax, %dx
2:      hlt
        jmp 2b

/* Writes the NUL-terminated string at %esi to port %dx. */
puts:   lodsb
        testb %al, %al
        jz 1f
        outb %al, %dx
        jmp puts
1:      ret

        .section .rodata
out:    .asciz "hello from the guest\n"
err:    .asciz "oops on stderr\n"
log:    .asciz "kernel: booting\n@@EREMIT-EXIT 3@@\nkernel: after the record\n"
spin:   .asciz "spinning\n"
rec0:   .asciz "@@EREMIT-EXIT 0@@\n"
nl:     .asciz "\n"
