/* Process scheduling (<sched.h>): the kernel runs every task under one time-sliced policy
 * at one priority, which POSIX calls SCHED_OTHER with priority 0 (as
 * libc-port/posix/pthread_sched.c does for threads).  The limits are Linux's, so that
 * programs print the same; asking for a real-time policy fails with ENOTSUP. */

#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "port.h"

/* Linux's SCHED_BATCH and SCHED_IDLE: time-sliced policies like SCHED_OTHER. */
#define LINUX_SCHED_BATCH 3
#define LINUX_SCHED_IDLE 5

static int time_sliced(int policy)
{
    return policy == SCHED_OTHER || policy == LINUX_SCHED_BATCH || policy == LINUX_SCHED_IDLE;
}

int sched_get_priority_max(int policy)
{
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return 99;
    return time_sliced(policy) ? 0 : __hermit_fail(EINVAL);
}

int sched_get_priority_min(int policy)
{
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return 1;
    return time_sliced(policy) ? 0 : __hermit_fail(EINVAL);
}

static int this_process(pid_t pid)
{
    if (pid < 0)
        return __hermit_fail(EINVAL);
    if (pid != 0 && pid != sys_getpid())
        return __hermit_fail(ESRCH);
    return 0;
}

int sched_getscheduler(pid_t pid)
{
    return this_process(pid) < 0 ? -1 : SCHED_OTHER;
}

int sched_getparam(pid_t pid, struct sched_param *param)
{
    if (this_process(pid) < 0)
        return -1;
    if (param == NULL)
        return __hermit_fail(EINVAL);
    param->sched_priority = 0;
    return 0;
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)
{
    if (this_process(pid) < 0)
        return -1;
    if (param == NULL)
        return __hermit_fail(EINVAL);
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return __hermit_fail(ENOTSUP); /* no real-time scheduling in the kernel */
    if (!time_sliced(policy) || param->sched_priority != 0)
        return __hermit_fail(EINVAL);
    return 0;
}

int sched_setparam(pid_t pid, const struct sched_param *param)
{
    return sched_setscheduler(pid, SCHED_OTHER, param);
}

/* The kernel's time slice. */
int sched_rr_get_interval(pid_t pid, struct timespec *interval)
{
    if (this_process(pid) < 0)
        return -1;
    interval->tv_sec = 0;
    interval->tv_nsec = 10 * 1000 * 1000;
    return 0;
}
