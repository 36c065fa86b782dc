/* A tiny PVH guest for eremit's smoke test (not an Eremit kernel): it stands
   in for the kernel side of the runner's contract. QEMU enters it in 32-bit
   protected mode with paging off and %ebx pointing at hvm_start_info.
   MODE (set with `as --defsym MODE=N`):
   0 = text on COM1 (stdout) and COM2 (stderr), kernel log with exit record 3
   1 = text on COM1, then spin forever (timeout)
   2 = echo the kernel command line to COM1, exit record 0
   3 = text on COM1, power off without an exit record
   4 = a crash-report backtrace with this image's addresses on COM2 and in
       the kernel log, exit record 139
   5 = the null guest of `make bench` (benches/drivers/bench.py): exit record 0
       and nothing else, so it measures QEMU's own start-up and quit cost
   Every mode but 1 then leaves through isa-debug-exit: QEMU exits with 3. */

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
.if MODE == 4
        movw $0x2f8, %dx
        call backtrace
        movw $0xe9, %dx
        call backtrace
        movl $rec139, %esi
        call puts
.endif
.if MODE == 5
        movl $rec0, %esi
        movw $0xe9, %dx
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

.if MODE == 4
/* Writes backtrace frame lines to port %dx: #0 inside `puts`, #1 a return
   address just past the end of `backtrace` (so at the start of `puthex`),
   #2 an address outside the image. */
backtrace:
        movl $bt0, %esi
        call puts
        movl $puts + 2, %eax
        call puthex
        movl $bt1, %esi
        call puts
        movl $puthex, %eax
        call puthex
        movl $bt2, %esi
        call puts
        ret

/* Writes %eax as 16 lowercase hex digits to port %dx. */
puthex: movl %eax, %ebx
        movl $zeros, %esi
        call puts
        movl $8, %ecx
1:      roll $4, %ebx
        movl %ebx, %eax
        andl $0xf, %eax
        movb hexdigits(%eax), %al
        outb %al, %dx
        loop 1b
        ret
.endif

        .section .rodata
out:    .asciz "hello from the guest\n"
err:    .asciz "oops on stderr\n"
log:    .asciz "kernel: booting\n@@EREMIT-EXIT 3@@\nkernel: after the record\n"
spin:   .asciz "spinning\n"
rec0:   .asciz "@@EREMIT-EXIT 0@@\n"
nl:     .asciz "\n"
.if MODE == 4
bt0:    .ascii "fatal: page fault\n"
        .ascii "  backtrace (symbolised by `eremit run`):\n"
        .asciz "    #0  0x"
bt1:    .asciz "\n    #1  0x"
bt2:    .asciz "  (stack scan)\n    #2  0x00000000deadbeef\nafter\n"
zeros:  .asciz "00000000"
hexdigits: .ascii "0123456789abcdef"
rec139: .asciz "@@EREMIT-EXIT 139@@\n"
.endif
