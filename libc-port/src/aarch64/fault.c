/* Memory faults as SIGSEGV on AArch64: not delivered yet.  On x86-64 the kernel sends a
 * faulting task to the library's entry (x86_64/fault.c); the AArch64 kernel has no such
 * delivery (no sys_fault_entry), so a fault always ends the program with the crash report
 * and exit code 139, as a fault without a handler does on Linux.  signal.c still records
 * a SIGSEGV handler, which runs for raise(SIGSEGV) and kill. */

#include <signal.h>

void __eremit_fault_action_changed(int sig, const struct sigaction *act)
{
    (void)sig;
    (void)act;
}
