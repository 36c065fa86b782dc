// One stub per CPU exception: vectors without a CPU-pushed error code push a dummy 0, so every frame has the same layout (see ExceptionFrame in idt.rs).
.section .text.eremit_exceptions, "ax"

eremit_exc_0:
    push 0
    push 0
    jmp eremit_exc_common
eremit_exc_1:
    push 0
    push 1
    jmp eremit_exc_common
eremit_exc_2:
    push 0
    push 2
    jmp eremit_exc_common
eremit_exc_3:
    push 0
    push 3
    jmp eremit_exc_common
eremit_exc_4:
    push 0
    push 4
    jmp eremit_exc_common
eremit_exc_5:
    push 0
    push 5
    jmp eremit_exc_common
eremit_exc_6:
    push 0
    push 6
    jmp eremit_exc_common
eremit_exc_7:
    push 0
    push 7
    jmp eremit_exc_common
eremit_exc_8:
    push 8
    jmp eremit_exc_common
eremit_exc_9:
    push 0
    push 9
    jmp eremit_exc_common
eremit_exc_10:
    push 10
    jmp eremit_exc_common
eremit_exc_11:
    push 11
    jmp eremit_exc_common
eremit_exc_12:
    push 12
    jmp eremit_exc_common
eremit_exc_13:
    push 13
    jmp eremit_exc_common
eremit_exc_14:
    push 14
    jmp eremit_exc_common
eremit_exc_15:
    push 0
    push 15
    jmp eremit_exc_common
eremit_exc_16:
    push 0
    push 16
    jmp eremit_exc_common
eremit_exc_17:
    push 17
    jmp eremit_exc_common
eremit_exc_18:
    push 0
    push 18
    jmp eremit_exc_common
eremit_exc_19:
    push 0
    push 19
    jmp eremit_exc_common
eremit_exc_20:
    push 0
    push 20
    jmp eremit_exc_common
eremit_exc_21:
    push 21
    jmp eremit_exc_common
eremit_exc_22:
    push 0
    push 22
    jmp eremit_exc_common
eremit_exc_23:
    push 0
    push 23
    jmp eremit_exc_common
eremit_exc_24:
    push 0
    push 24
    jmp eremit_exc_common
eremit_exc_25:
    push 0
    push 25
    jmp eremit_exc_common
eremit_exc_26:
    push 0
    push 26
    jmp eremit_exc_common
eremit_exc_27:
    push 0
    push 27
    jmp eremit_exc_common
eremit_exc_28:
    push 0
    push 28
    jmp eremit_exc_common
eremit_exc_29:
    push 29
    jmp eremit_exc_common
eremit_exc_30:
    push 30
    jmp eremit_exc_common
eremit_exc_31:
    push 0
    push 31
    jmp eremit_exc_common
eremit_exc_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp
    cld
    call eremit_exception
    // Handled (a page fault sent to the program's handler): resume as the frame says.
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16
    iretq
.section .data.rel.ro.eremit_exceptions, "aw"
.p2align 3
.global eremit_exception_stub_table
eremit_exception_stub_table:
    .quad eremit_exc_0
    .quad eremit_exc_1
    .quad eremit_exc_2
    .quad eremit_exc_3
    .quad eremit_exc_4
    .quad eremit_exc_5
    .quad eremit_exc_6
    .quad eremit_exc_7
    .quad eremit_exc_8
    .quad eremit_exc_9
    .quad eremit_exc_10
    .quad eremit_exc_11
    .quad eremit_exc_12
    .quad eremit_exc_13
    .quad eremit_exc_14
    .quad eremit_exc_15
    .quad eremit_exc_16
    .quad eremit_exc_17
    .quad eremit_exc_18
    .quad eremit_exc_19
    .quad eremit_exc_20
    .quad eremit_exc_21
    .quad eremit_exc_22
    .quad eremit_exc_23
    .quad eremit_exc_24
    .quad eremit_exc_25
    .quad eremit_exc_26
    .quad eremit_exc_27
    .quad eremit_exc_28
    .quad eremit_exc_29
    .quad eremit_exc_30
    .quad eremit_exc_31
