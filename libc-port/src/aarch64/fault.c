/* Memory faults as SIGSEGV on AArch64 (docs/signals.md, "Faults"), as on x86-64
 * (x86_64/fault.c): while the program has a SIGSEGV handler, the kernel sends a task
 * whose load, store or instruction fetch faults (a PROT_NONE, read-only or non-executable
 * page, an unmapped address) to __eremit_fault_entry below, on the task's own stack just
 * below its stack pointer, with a record of its registers (kernel/src/arch/aarch64/
 * fault_delivery.rs). The entry saves the FP/SIMD state, runs the handler with a
 * siginfo_t (SEGV_ACCERR or SEGV_MAPERR, si_addr the faulting address), and if the
 * handler returns puts every register back (the program runs at EL1 with the kernel, so
 * it returns as the exception would have: ELR/SPSR and eret): the faulting instruction
 * runs again. A handler may siglongjmp out instead.
 *
 * When the signal cannot be delivered (SIGSEGV blocked, as inside its own handler
 * without SA_NODEFER, or the action reset by SA_RESETHAND), the entry unregisters itself
 * and returns: the instruction faults again and the kernel writes the crash report and
 * ends the program with 139, as without a handler (Linux kills the process then too). */

#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "port.h"

/* The kernel's record, as fault_delivery.rs writes it (16-byte aligned): x0-x30, sp, pc,
 * pstate, then what the siginfo_t says. */
struct fault_record {
    uint64_t x[31];
    uint64_t sp, pc, pstate;
    uint64_t addr, code, esr, pad;
};

_Static_assert(sizeof(struct fault_record) == 304, "the kernel's FaultRecord");

void __eremit_fault_deliver(uint64_t addr, uint64_t code); /* ../fault_signal.c */

/* Called by the entry with the record; returns to resume the faulting instruction. */
void __eremit_fault_dispatch(struct fault_record *r) { __eremit_fault_deliver(r->addr, r->code); }

/* sp = x0 = the record on entry; x19 keeps it across the call (its own value is in the
 * record). 528 bytes keep the interrupted code's FPCR, FPSR and q0-q31 from the handler.
 * The return masks interrupts before ELR_EL1 and SPSR_EL1 are set (an interrupt would
 * overwrite them; eret restores the interrupted code's mask from the record's pstate),
 * puts the stack pointer back, then the registers, x0 (the base) last. */
__asm__(".text\n"
        ".globl __eremit_fault_entry\n"
        ".type __eremit_fault_entry, %function\n"
        "__eremit_fault_entry:\n"
        "\tmov x19, x0\n"
        "\tsub sp, sp, #528\n"
        "\t.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "\tstr q\\n, [sp, #(16 + 16 * \\n)]\n"
        "\t.endr\n"
        "\tmrs x1, fpcr\n"
        "\tmrs x2, fpsr\n"
        "\tstp x1, x2, [sp]\n"
        "\tbl __eremit_fault_dispatch\n"
        "\tldp x1, x2, [sp]\n"
        "\tmsr fpcr, x1\n"
        "\tmsr fpsr, x2\n"
        "\t.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
        "\tldr q\\n, [sp, #(16 + 16 * \\n)]\n"
        "\t.endr\n"
        "\tmov x0, x19\n"
        "\tmsr daifset, #0xf\n"
        "\tldp x1, x2, [x0, #256]\n"
        "\tmsr elr_el1, x1\n"
        "\tmsr spsr_el1, x2\n"
        "\tldr x1, [x0, #248]\n"
        "\tmov sp, x1\n"
        "\t.irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
        "\tldr x\\n, [x0, #(8 * \\n)]\n"
        "\t.endr\n"
        "\tldr x0, [x0]\n"
        "\teret\n"
        ".size __eremit_fault_entry, . - __eremit_fault_entry\n");
