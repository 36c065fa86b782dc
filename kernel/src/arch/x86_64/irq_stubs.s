// Interrupt entry. The gates use an IST stack because application code may keep data in
// the 128-byte red zone below its stack pointer, which an interrupt frame pushed onto the
// task's own stack would overwrite. The stub then moves the frame (and itself) onto the
// interrupted stack below the red zone, so the handler may switch tasks and the IST stack
// is free again at once.
// Copies the five words the CPU pushed (rip, cs, rflags, rsp, ss) from [src + soff] to
// [dst + doff], through rax.
.macro copy_iret_frame src, soff, dst, doff
.irp word, 0, 8, 16, 24, 32
    mov rax, [\src + \soff + \word]
    mov [\dst + \doff + \word], rax
.endr
.endm

.section .text.eremit_irq, "ax"
.global eremit_irq_timer
eremit_irq_timer:
    push rax
    push rbx
    push 0x20
    jmp eremit_irq_common
.global eremit_irq_wakeup
eremit_irq_wakeup:
    push rax
    push rbx
    push 0xf0
    jmp eremit_irq_common
.global eremit_irq_spurious
eremit_irq_spurious:
    iretq
eremit_irq_common:
    // IST: [rsp] vector, +8 rbx, +16 rax, +24 rip, +32 cs, +40 rflags, +48 rsp, +56 ss
    mov rbx, [rsp + 48]
    sub rbx, 128
    and rbx, -16
    copy_iret_frame rsp, 24, rbx, -40
    mov rax, [rsp + 8]
    mov [rbx - 48], rax
    mov rax, [rsp + 16]
    mov [rbx - 56], rax
    mov rax, [rsp]
    mov [rbx - 64], rax
    lea rsp, [rbx - 64]
    push rcx
    push rdx
    push rsi
    push rdi
    push r8
    push r9
    push r10
    push r11
    mov rdi, [rsp + 64]
    mov rsi, [rsp + 88]
    cld
    call eremit_irq
    // Back on the interrupted task (maybe after other tasks ran): a signal for it may
    // send the return through the signal trampoline (signal_entry.rs). The frame from
    // rip to ss is 11 words up.
    lea rdi, [rsp + 88]
    call eremit_irq_signal_check
    test al, al
    jz 1f
    // Redirect: a copy of the frame, just below this stub's (interrupts are off, so
    // nothing else uses the stack there; rsp - 48 is 16-byte aligned), is what the
    // trampoline returns through; the frame itself now enters the trampoline there,
    // interrupts on and the direction flag clear.
    copy_iret_frame rsp, 88, rsp, -48
    lea rax, [rip + eremit_signal_trampoline]
    mov [rsp + 88], rax
    mov qword ptr [rsp + 104], 0x202
    lea rax, [rsp - 48]
    mov [rsp + 112], rax
1:
    pop r11
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    add rsp, 8
    pop rax
    pop rbx
    iretq

// Device interrupts (vectors 0x30-0x37, handed out by irq::register_device).
.section .text.eremit_irq, "ax"
.global eremit_irq_device_stubs
.balign 16
eremit_irq_device_stubs:
.irp vec, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37
    .balign 16
    push rax
    push rbx
    push \vec
    jmp eremit_irq_common
.endr
