/* Memory faults as SIGSEGV (docs/signals.md, "Faults"): while the program has a SIGSEGV
 * handler, the kernel sends a task whose load or store faults (a PROT_NONE or read-only
 * page, an unmapped address) to __eremit_fault_entry below, on the task's own stack
 * under the red zone, with a record of its registers (kernel/src/arch/x86_64/
 * fault_delivery.rs). The entry saves the SSE state, runs the handler with a siginfo_t
 * (SEGV_ACCERR or SEGV_MAPERR, si_addr the faulting address), and if the handler
 * returns puts every register back with iretq: the faulting instruction runs again. A
 * handler may siglongjmp out instead.
 *
 * When the signal cannot be delivered (SIGSEGV blocked, as inside its own handler
 * without SA_NODEFER, or the action reset by SA_RESETHAND), the entry unregisters itself
 * and returns: the instruction faults again and the kernel writes the crash report and
 * ends the program with 139, as without a handler (Linux kills the process then too). */

#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "port.h"

/* The kernel's record, as fault_delivery.rs writes it (16-byte aligned): the general
 * registers r15..rax, then the iretq frame, then what the siginfo_t says. */
struct fault_record {
    uint64_t gprs[15];
    uint64_t rip, cs, rflags, rsp, ss;
    uint64_t addr, code, error_code, pad;
};

_Static_assert(sizeof(struct fault_record) == 192, "the kernel's FaultRecord");

void __eremit_fault_deliver(uint64_t addr, uint64_t code); /* ../fault_signal.c */

/* Called by the entry with the record; returns to resume the faulting instruction. */
void __eremit_fault_dispatch(struct fault_record *r) { __eremit_fault_deliver(r->addr, r->code); }

/* rsp = rdi = the record on entry. 512 bytes of fxsave area keep the interrupted code's
 * SSE registers and MXCSR from the handler; the call is made with rsp 16-byte aligned. */
__asm__(".text\n"
        ".globl __eremit_fault_entry\n"
        ".type __eremit_fault_entry, @function\n"
        "__eremit_fault_entry:\n"
        "\tmov %rdi, %rbx\n"
        "\tsub $512, %rsp\n"
        "\tfxsave64 (%rsp)\n"
        "\tcall __eremit_fault_dispatch\n"
        "\tfxrstor64 (%rsp)\n"
        "\tmov %rbx, %rsp\n"
        "\tpop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %r11\n\tpop %r10\n"
        "\tpop %r9\n\tpop %r8\n\tpop %rbp\n\tpop %rdi\n\tpop %rsi\n\tpop %rdx\n"
        "\tpop %rcx\n\tpop %rbx\n\tpop %rax\n"
        "\tiretq\n"
        ".size __eremit_fault_entry, . - __eremit_fault_entry\n");
