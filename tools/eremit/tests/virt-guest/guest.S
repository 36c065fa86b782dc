/* A tiny aarch64 guest for eremit's virt smoke test (tests/virt_smoke.rs; not an
   Eremit kernel): it stands in for the kernel side of the runner's contract on
   QEMU's `virt`, where the PL011 carries the three channels as one stream (the
   kernel's console_mux.rs: 0xff N selects channel N, 1 stdout, 2 stderr, 3 log;
   0xff 0xff is one 0xff byte) and PSCI SYSTEM_OFF ends the VM. QEMU enters it at
   EL1 with the MMU off.
   MODE (set with `as --defsym MODE=N`):
   0 = stdout and stderr interleaved, one stdout byte 0xff, an exit record on
       stdout (not the log: it must not count), the kernel log with exit record 3
       followed by more log, then SYSTEM_OFF
   1 = text on stdout, then spin forever (timeout)
   2 = text on stdout, then SYSTEM_OFF without an exit record
   3 = a crash report's exit: text on stderr, exit record 139, then SYSTEM_OFF */

        .equ UART_DR, 0x09000000
        .equ PSCI_SYSTEM_OFF, 0x84000008

        .text
        .globl _start
_start:
        msr daifset, #0xf
.if MODE == 0
        adr x1, stream0
.endif
.if MODE == 1
        adr x1, stream1
        bl puts
1:      b 1b
.endif
.if MODE == 2
        adr x1, stream2
.endif
.if MODE == 3
        adr x1, stream3
.endif
        bl puts
        ldr x0, =PSCI_SYSTEM_OFF
        hvc #0
2:      wfi
        b 2b

/* Writes the NUL-terminated bytes at x1 to the PL011. */
puts:   ldr x2, =UART_DR
3:      ldrb w0, [x1], #1
        cbz w0, 4f
        str w0, [x2]
        b 3b
4:      ret

        .section .rodata
stream0:
        .byte 0xff, 3
        .ascii "kernel: booting\n"
        .byte 0xff, 1
        .ascii "hello "
        .byte 0xff, 2
        .ascii "oops "
        .byte 0xff, 1
        .ascii "from the guest "
        .byte 0xff, 0xff
        .ascii "\n@@EREMIT-EXIT 9@@\n"
        .byte 0xff, 2
        .ascii "on stderr\n"
        .byte 0xff, 3
        .ascii "@@EREMIT-EXIT 3@@\nkernel: after the record\n"
        .byte 0
stream1:
        .byte 0xff, 1
        .asciz "spinning\n"
stream2:
        .byte 0xff, 1
        .asciz "hello from the guest\n"
stream3:
        .byte 0xff, 2
        .ascii "fatal exception: data abort\n"
        .byte 0xff, 3
        .ascii "fatal exception: data abort\n@@EREMIT-EXIT 139@@\n"
        .byte 0
