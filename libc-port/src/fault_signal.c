/* Memory faults as SIGSEGV, the part every architecture shares (docs/signals.md,
 * "Faults"): registering the entry with the kernel while SIGSEGV has a handler, and
 * running the handler. Each architecture's src/ARCH/fault.c has the entry itself
 * (__eremit_fault_entry: save the state the handler may change, call
 * __eremit_fault_dispatch with the kernel's register record, put everything back). */

#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "port.h"

int __eremit_signal_fault(int sig, siginfo_t *info); /* signal.c */
void __eremit_fault_entry(void);                      /* ARCH/fault.c */
void __eremit_fault_deliver(uint64_t addr, uint64_t code);

/* Runs the program's SIGSEGV handler for a fault at `addr` (`code`: SEGV_ACCERR or
 * SEGV_MAPERR). When the signal cannot be delivered (blocked, or the action reset), the
 * entry is unregistered: the instruction faults again and the kernel ends the program. */
void __eremit_fault_deliver(uint64_t addr, uint64_t code)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGSEGV;
    info.si_code = (int)code;
    info.si_addr = (void *)(uintptr_t)addr;
    if (__eremit_signal_fault(SIGSEGV, &info) != 0)
        sys_fault_entry(0);
}

/* signal.c calls this whenever an action changes: the kernel delivers faults only while
 * SIGSEGV has a handler. */
void __eremit_fault_action_changed(int sig, const struct sigaction *act)
{
    if (sig != SIGSEGV)
        return;
    int handled = act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN;
    sys_fault_entry(handled ? (size_t)(uintptr_t)__eremit_fault_entry : 0);
}
