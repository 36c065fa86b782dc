/* Clocks and sleeping.  The ABI's struct timespec has 32-bit nanoseconds. */

#include <errno.h>
#include <sched.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "port.h"

int __hermit_timespec_to_abi(struct hermit_timespec *h, const struct timespec *ts)
{
    if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
        return -1;
    h->tv_sec = ts->tv_sec;
    h->tv_nsec = (int32_t)ts->tv_nsec;
    return 0;
}

/* The kernel's clock for a C clock id (newlib's values, not Linux's): the CPU-time clocks
 * count since boot (one process, no accounting), which is what they measure for a
 * single-threaded program; the raw, coarse and boot-time variants of Linux are the
 * kernel's clocks themselves (the TSC is not slewed, the guest never suspends). */
static int abi_clock(clockid_t clk)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
        return HERMIT_CLOCK_REALTIME;
    case CLOCK_MONOTONIC:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
        return HERMIT_CLOCK_MONOTONIC;
    default:
        return -1;
    }
}

/* The process's CPU-time clock (there is one process). */
int clock_getcpuclockid(pid_t pid, clockid_t *clock_id)
{
    if (pid != 0 && pid != sys_getpid())
        return ESRCH;
    *clock_id = CLOCK_PROCESS_CPUTIME_ID;
    return 0;
}

int clock_gettime(clockid_t clk, struct timespec *tp)
{
    int id = abi_clock(clk);
    if (id < 0)
        return __hermit_fail(EINVAL);
    struct hermit_timespec h;
    int32_t r = sys_clock_gettime(id, &h);
    if (r < 0)
        return (int)__hermit_ret(r);
    if (!__eremit_user_ok(tp, sizeof *tp, 1))
        return __hermit_fail(EFAULT);
    tp->tv_sec = h.tv_sec;
    tp->tv_nsec = h.tv_nsec;
    return 0;
}

int clock_getres(clockid_t clk, struct timespec *res)
{
    if (abi_clock(clk) < 0)
        return __hermit_fail(EINVAL);
    if (res != NULL) {
        res->tv_sec = 0;
        res->tv_nsec = 1;
    }
    return 0;
}

int clock_settime(clockid_t clk, const struct timespec *tp)
{
    (void)clk;
    (void)tp;
    return __hermit_fail(EPERM);
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return -1;
    if (tv != NULL) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return 0;
}

/* clock() is times()'s user time, in CLOCKS_PER_SEC. */
clock_t times(struct tms *buf)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        return (clock_t)-1;
    clock_t ticks = (clock_t)ts.tv_sec * CLOCKS_PER_SEC +
                    (clock_t)ts.tv_nsec / (1000000000L / CLOCKS_PER_SEC);
    if (buf != NULL) {
        buf->tms_utime = ticks;
        buf->tms_stime = 0;
        buf->tms_cutime = 0;
        buf->tms_cstime = 0;
    }
    return ticks;
}

static int64_t monotonic_now_ns(void)
{
    struct hermit_timespec t;
    if (sys_clock_gettime(HERMIT_CLOCK_MONOTONIC, &t) != 0)
        return 0;
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A signal posted to the thread ends the kernel's sleep (-EINTR): the handlers run, and
 * nanosleep fails with EINTR and the time left in *rem (never restarted, as on Linux),
 * unless no handler ran (then it sleeps the rest). */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
    struct hermit_timespec h;
    if (!__eremit_user_ok(req, sizeof *req, 0))
        return __hermit_fail(EFAULT);
    if (req->tv_sec < 0 || __hermit_timespec_to_abi(&h, req) < 0)
        return __hermit_fail(EINVAL);
    int64_t end = monotonic_now_ns() + (int64_t)h.tv_sec * 1000000000LL + h.tv_nsec;
    int32_t r;
    while ((r = sys_nanosleep(&h)) == -HERMIT_EINTR) {
        int again = __eremit_signal_interrupted(0);
        int64_t left = end - monotonic_now_ns();
        if (left < 0)
            left = 0;
        if (!again) {
            if (rem != NULL) {
                rem->tv_sec = (time_t)(left / 1000000000LL);
                rem->tv_nsec = (long)(left % 1000000000LL);
            }
            return __hermit_fail(EINTR);
        }
        h.tv_sec = left / 1000000000LL;
        h.tv_nsec = (int32_t)(left % 1000000000LL);
    }
    if (r < 0)
        return (int)__hermit_ret(r);
    if (rem != NULL) {
        rem->tv_sec = 0;
        rem->tv_nsec = 0;
    }
    return 0;
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
    if (!__eremit_user_ok(req, sizeof *req, 0))
        return EFAULT;
    struct timespec rel = *req;
    if (abi_clock(clk) < 0)
        return EINVAL;
    if (flags & TIMER_ABSTIME) {
        struct timespec now;
        clock_gettime(clk, &now);
        rel.tv_sec = req->tv_sec - now.tv_sec;
        rel.tv_nsec = req->tv_nsec - now.tv_nsec;
        if (rel.tv_nsec < 0) {
            rel.tv_nsec += 1000000000L;
            rel.tv_sec--;
        }
        if (rel.tv_sec < 0)
            return 0;
        rem = NULL;
    }
    int saved = errno;
    int r = nanosleep(&rel, rem) < 0 ? errno : 0;
    errno = saved;
    return r;
}

int sched_yield(void)
{
    sys_yield();
    return 0;
}

int timespec_get(struct timespec *ts, int base)
{
    if (base != 1 /* TIME_UTC */ || clock_gettime(CLOCK_REALTIME, ts) < 0)
        return 0;
    return base;
}
