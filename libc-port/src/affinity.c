/* CPU affinity over the VM's vCPUs (sys_get_processor_count: CPUs 0..n-1), with Linux's
 * rules: a set must be a whole number of longs and cover every vCPU (EINVAL otherwise),
 * a new set keeps only vCPUs that exist and must keep one (EINVAL), pid 0 (or the
 * program's pid) is the calling thread, any other pid ESRCH.
 *
 * The kernel's scheduler has no affinity: a set is remembered per thread, and
 * sched_getaffinity returns it, but threads still run on any vCPU. */

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "port.h"

#define LONG_BITS (8 * sizeof(unsigned long))
#define MASK_LONGS (CPU_SETSIZE / LONG_BITS)

static __thread unsigned long thread_mask[MASK_LONGS];
static __thread int thread_mask_set;

static size_t vcpus(void)
{
    size_t n = sys_get_processor_count();
    return n == 0 ? 1 : n > CPU_SETSIZE ? CPU_SETSIZE : n;
}

/* Linux's checks on (pid, size). */
static int check(pid_t pid, size_t size)
{
    if (pid != 0 && pid != getpid())
        return ESRCH;
    if (size % sizeof(unsigned long) != 0 || size * 8 < vcpus())
        return EINVAL;
    return 0;
}

static void all_vcpus(unsigned long *mask)
{
    memset(mask, 0, MASK_LONGS * sizeof *mask);
    for (size_t cpu = 0; cpu < vcpus(); cpu++)
        mask[cpu / LONG_BITS] |= 1UL << (cpu % LONG_BITS);
}

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
    int e = check(pid, size);
    if (e)
        return __hermit_fail(e);
    if (!__eremit_user_ok(set, size, 1))
        return __hermit_fail(EFAULT);
    unsigned long mask[MASK_LONGS];
    if (thread_mask_set)
        memcpy(mask, thread_mask, sizeof mask);
    else
        all_vcpus(mask);
    memset(set, 0, size);
    memcpy(set, mask, size < sizeof mask ? size : sizeof mask);
    return 0;
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
    if (pid != 0 && pid != getpid())
        return __hermit_fail(ESRCH);
    if (!__eremit_user_ok(set, size, 0))
        return __hermit_fail(EFAULT);
    unsigned long online[MASK_LONGS], mask[MASK_LONGS] = {0};
    all_vcpus(online);
    memcpy(mask, set, size < sizeof mask ? size : sizeof mask);
    int any = 0;
    for (size_t i = 0; i < MASK_LONGS; i++) {
        mask[i] &= online[i];
        any |= mask[i] != 0;
    }
    if (!any)
        return __hermit_fail(EINVAL);
    memcpy(thread_mask, mask, sizeof mask);
    thread_mask_set = 1;
    return 0;
}

int __sched_cpucount(size_t size, const cpu_set_t *set)
{
    int n = 0;
    const unsigned long *bits = set->__bits;
    for (size_t i = 0; i < size / sizeof(unsigned long); i++)
        n += __builtin_popcountl(bits[i]);
    return n;
}

cpu_set_t *__sched_cpualloc(size_t count)
{
    return malloc(CPU_ALLOC_SIZE(count));
}

void __sched_cpufree(cpu_set_t *set)
{
    free(set);
}
