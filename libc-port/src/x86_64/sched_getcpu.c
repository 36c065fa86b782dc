/* sched_getcpu on x86-64. */

#include <sched.h>

/* The vCPU this thread runs on: its initial APIC id (CPUID leaf 1), which QEMU numbers
 * 0, 1, ... like the kernel's processors. */
int sched_getcpu(void)
{
    unsigned a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (int)(b >> 24);
}
