/* sched_getcpu on AArch64. */

#include <sched.h>

/* The vCPU this thread runs on: MPIDR_EL1's Aff0, which QEMU's virt numbers 0, 1, ... like
 * the kernel's processors (kernel/src/arch/aarch64/smp.rs starts CPU n as Aff0 = n, up to
 * GICv2's 8). The register is readable because the program runs at EL1 with the kernel
 * it is linked with; at EL0 this read would trap, so a kernel that moved programs there
 * must change this file too. */
int sched_getcpu(void)
{
    unsigned long mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    return (int)(mpidr & 0xff);
}
