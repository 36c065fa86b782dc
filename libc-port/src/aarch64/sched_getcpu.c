/* sched_getcpu on AArch64: the processor's number is in MPIDR_EL1, which EL0 cannot read
 * (the kernel runs the program at EL1 today, but the ABI makes no promise about it), and
 * the kernel has no call that tells it: -1 with ENOSYS, as Linux's getcpu where it is
 * missing. */

#include <errno.h>
#include <sched.h>

int sched_getcpu(void)
{
    errno = ENOSYS;
    return -1;
}
