/* The process: exit, ids, sysconf, uname, entropy, and the process
 * management calls a unikernel cannot offer (fork, exec, wait). */

#include <errno.h>
#include <limits.h>
#include <reent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "port.h"

void _exit(int status)
{
    sys_exit(status);
}

/* The pid never changes (no fork), so it is asked of the kernel once: under TCG every
 * call and return costs a translation-cache lookup, and getpid is what programs call in
 * hot paths (loggers, lock owners, benchmarks of "a trivial system call"). */
pid_t getpid(void)
{
    static pid_t pid;
    pid_t p = __atomic_load_n(&pid, __ATOMIC_RELAXED);
    if (__builtin_expect(p == 0, 0)) {
        p = sys_getpid();
        __atomic_store_n(&pid, p, __ATOMIC_RELAXED);
    }
    return p;
}

pid_t getppid(void)
{
    return 0;
}

uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }
int issetugid(void) { return 0; }
/* No set-user-ID programs here: the secure variant is getenv (newlib declares it). */
char *secure_getenv(const char *name) { return getenv(name); }
pid_t getpgrp(void) { return sys_getpid(); }
pid_t getsid(pid_t pid) { (void)pid; return sys_getpid(); }

int setuid(uid_t uid) { return uid == 0 ? 0 : __hermit_fail(EPERM); }
int seteuid(uid_t uid) { return setuid(uid); }
int setgid(gid_t gid) { return gid == 0 ? 0 : __hermit_fail(EPERM); }
int setegid(gid_t gid) { return setgid(gid); }
int setpgid(pid_t pid, pid_t pgid) { (void)pid; (void)pgid; return 0; }
pid_t setsid(void) { return __hermit_fail(EPERM); }

pid_t fork(void) { return __hermit_fail(ENOSYS); }
pid_t vfork(void) { return __hermit_fail(ENOSYS); }

int _execve(const char *path, char *const argv[], char *const envp[])
{
    (void)path;
    (void)argv;
    (void)envp;
    return __hermit_fail(ENOSYS);
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
    return _execve(file, argv, envp);
}

/* There is no shell to run a command with: system(NULL) says so (0), and a command
 * fails with ENOSYS.  (newlib's system() answers 1 for a "unix" target, then fails to
 * fork.) */
int _system_r(struct _reent *r, const char *command)
{
    if (command == NULL)
        return 0;
    r->_errno = ENOSYS;
    return -1;
}

int system(const char *command)
{
    return _system_r(_REENT, command);
}

pid_t wait(int *status)
{
    (void)status;
    return __hermit_fail(ECHILD);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    (void)pid;
    (void)status;
    (void)options;
    return __hermit_fail(ECHILD);
}

/* The heap is the kernel's (malloc), there is no program break to move. */
void *sbrk(ptrdiff_t increment)
{
    (void)increment;
    errno = ENOMEM;
    return (void *)-1;
}

int getpagesize(void)
{
    return sys_getpagesize();
}

long sysconf(int name)
{
    switch (name) {
    case _SC_PAGESIZE:
        return sys_getpagesize();
    case _SC_NPROCESSORS_ONLN:
        return (long)sys_available_parallelism();
    case _SC_NPROCESSORS_CONF:
        return (long)sys_get_processor_count();
    case _SC_CLK_TCK:
        return CLOCKS_PER_SEC;
    case _SC_ARG_MAX:
        return 2097152;
    case _SC_CHILD_MAX:
        return 0;
    case _SC_OPEN_MAX:
        return 1024;
    case _SC_NGROUPS_MAX:
        return 0;
    case _SC_LINE_MAX:
        return 2048;
    case _SC_HOST_NAME_MAX:
        return 64;
    case _SC_LOGIN_NAME_MAX:
        return 256;
    case _SC_TTY_NAME_MAX:
        return 32;
    case _SC_IOV_MAX:
        return 1024;
    case _SC_SYMLOOP_MAX:
        return 40;
    case _SC_GETPW_R_SIZE_MAX:
    case _SC_GETGR_R_SIZE_MAX:
        return 1024;
    case _SC_THREAD_STACK_MIN:
        return 16384;
    case _SC_THREAD_KEYS_MAX:
        return 1024;
    case _SC_THREAD_DESTRUCTOR_ITERATIONS:
        return 4;
    case _SC_ATEXIT_MAX:
        return 32;
    case _SC_SEM_VALUE_MAX:
        return 0x7fffffff;
    case _SC_VERSION:
        return 200809L;
    case _SC_THREADS:
    case _SC_THREAD_SAFE_FUNCTIONS:
    case _SC_THREAD_ATTR_STACKSIZE:
    case _SC_TIMEOUTS:
    case _SC_TIMERS:
    case _SC_MONOTONIC_CLOCK:
    case _SC_CLOCK_SELECTION:
    case _SC_SEMAPHORES:
    case _SC_READER_WRITER_LOCKS:
    case _SC_BARRIERS:
    case _SC_SPIN_LOCKS:
    case _SC_FSYNC:
    case _SC_REGEXP:
        return 200809L;
    case _SC_PHYS_PAGES:
    case _SC_AVPHYS_PAGES:
    case _SC_LEVEL1_DCACHE_LINESIZE:
    case _SC_LEVEL1_ICACHE_LINESIZE:
    case _SC_LEVEL2_CACHE_LINESIZE:
    case _SC_LEVEL3_CACHE_LINESIZE:
    default:
        /* No limit or not known; unknown names are EINVAL. */
        if (name < 0 || name > _SC_POSIX_26_VERSION)
            errno = EINVAL;
        return -1;
    }
}

int getentropy(void *buf, size_t len)
{
    if (len > 256)
        return __hermit_fail(EIO);
    uint8_t *p = buf;
    while (len > 0) {
        ptrdiff_t n = sys_read_entropy(p, len, 0);
        if (n < 0)
            return (int)__hermit_ret(n);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
    if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return __hermit_fail(EINVAL);
    uint8_t *p = buf;
    size_t done = 0;
    while (done < len) {
        ptrdiff_t n = sys_read_entropy(p + done, len - done, 0);
        if (n < 0)
            return done > 0 ? (ssize_t)done : __hermit_ret(n);
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/* One process: RUSAGE_SELF, RUSAGE_THREAD and RUSAGE_CHILDREN (none: all zero) are
 * valid.  The kernel keeps no per-task CPU accounting, so the user time is the time
 * since boot (what a program that never sleeps uses), the system time and every other
 * field 0 (no page faults, no context-switch counts are kept). */
int getrusage(int who, struct rusage *usage)
{
    if (who != RUSAGE_SELF && who != RUSAGE_THREAD && who != RUSAGE_CHILDREN)
        return __hermit_fail(EINVAL);
    if (!__eremit_user_ok(usage, sizeof *usage, 1))
        return __hermit_fail(EFAULT);
    memset(usage, 0, sizeof *usage);
    if (who == RUSAGE_CHILDREN)
        return 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    usage->ru_utime.tv_sec = ts.tv_sec;
    usage->ru_utime.tv_usec = ts.tv_nsec / 1000;
    return 0;
}

/* Limits: what the kernel enforces is fixed (its descriptor table has 1024 slots, the main
 * thread's stack is 8 MiB); the rest is bounded only by the VM's memory, as "unlimited".
 * Lowering a limit is accepted and remembered, so that programs that raise or lower
 * RLIMIT_NOFILE and read it back see what they set; nothing can go above the kernel's. */
#define EREMIT_NOFILE 1024UL
#define EREMIT_MAIN_STACK (8UL << 20)

static struct rlimit limits[RLIMIT_NLIMITS];
static int limits_set[RLIMIT_NLIMITS];

static struct rlimit default_limit(int resource)
{
    struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
    if (resource == RLIMIT_NOFILE)
        r.rlim_cur = r.rlim_max = EREMIT_NOFILE;
    else if (resource == RLIMIT_STACK)
        r.rlim_cur = EREMIT_MAIN_STACK;
    else if (resource == RLIMIT_CORE)
        r.rlim_cur = r.rlim_max = 0; /* a crash writes a report, never a core file */
    return r;
}

int getrlimit(int resource, struct rlimit *rlim)
{
    if (resource < 0 || resource >= RLIMIT_NLIMITS)
        return __hermit_fail(EINVAL);
    if (rlim == NULL)
        return __hermit_fail(EFAULT);
    *rlim = __atomic_load_n(&limits_set[resource], __ATOMIC_ACQUIRE) ? limits[resource]
                                                                      : default_limit(resource);
    return 0;
}

int setrlimit(int resource, const struct rlimit *rlim)
{
    if (resource < 0 || resource >= RLIMIT_NLIMITS)
        return __hermit_fail(EINVAL);
    if (rlim == NULL)
        return __hermit_fail(EFAULT);
    struct rlimit cur;
    getrlimit(resource, &cur);
    if (rlim->rlim_cur > rlim->rlim_max)
        return __hermit_fail(EINVAL);
    if (rlim->rlim_max > cur.rlim_max)
        return __hermit_fail(EPERM);
    limits[resource] = *rlim;
    __atomic_store_n(&limits_set[resource], 1, __ATOMIC_RELEASE);
    return 0;
}

int prlimit(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old_limit)
{
    if (pid != 0 && pid != getpid())
        return __hermit_fail(ESRCH);
    struct rlimit old;
    if (getrlimit(resource, &old) != 0)
        return -1;
    if (new_limit != NULL && setrlimit(resource, new_limit) != 0)
        return -1;
    if (old_limit != NULL)
        *old_limit = old;
    return 0;
}

/* One process, one user, and the scheduler has no nice levels: every priority is 0. */
int getpriority(int which, id_t who)
{
    if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
        return __hermit_fail(EINVAL);
    (void)who;
    errno = 0;
    return 0;
}

int setpriority(int which, id_t who, int prio)
{
    if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
        return __hermit_fail(EINVAL);
    (void)who;
    return prio < 0 ? __hermit_fail(EACCES) : 0;
}
