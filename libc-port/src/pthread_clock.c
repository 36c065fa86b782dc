/* glibc's pthread_*_clock* functions, which libstdc++'s <mutex>, <condition_variable> and
 * <shared_mutex> call: a deadline on CLOCK_MONOTONIC becomes the same distance from now
 * on CLOCK_REALTIME for the POSIX layer's timed functions. */

#include <errno.h>
#include <pthread.h>
#include <time.h>

static int realtime_deadline(clockid_t clock, const struct timespec *abstime, struct timespec *out)
{
    if (clock == CLOCK_REALTIME) {
        *out = *abstime;
        return 0;
    }
    if (clock != CLOCK_MONOTONIC || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
        return EINVAL;
    struct timespec mono, real;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    long long ns = (long long)(abstime->tv_sec - mono.tv_sec) * 1000000000LL +
                   (abstime->tv_nsec - mono.tv_nsec) + real.tv_nsec;
    out->tv_sec = real.tv_sec + ns / 1000000000LL;
    out->tv_nsec = ns % 1000000000LL;
    if (out->tv_nsec < 0) {
        out->tv_nsec += 1000000000L;
        out->tv_sec--;
    }
    return 0;
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                           const struct timespec *abstime)
{
    struct timespec rt;
    int e = realtime_deadline(clock, abstime, &rt);
    return e ? e : pthread_cond_timedwait(cond, mutex, &rt);
}

int pthread_mutex_clocklock(pthread_mutex_t *mutex, clockid_t clock, const struct timespec *abstime)
{
    struct timespec rt;
    int e = realtime_deadline(clock, abstime, &rt);
    return e ? e : pthread_mutex_timedlock(mutex, &rt);
}

int pthread_rwlock_clockrdlock(pthread_rwlock_t *rwlock, clockid_t clock, const struct timespec *abstime)
{
    struct timespec rt;
    int e = realtime_deadline(clock, abstime, &rt);
    return e ? e : pthread_rwlock_timedrdlock(rwlock, &rt);
}

int pthread_rwlock_clockwrlock(pthread_rwlock_t *rwlock, clockid_t clock, const struct timespec *abstime)
{
    struct timespec rt;
    int e = realtime_deadline(clock, abstime, &rt);
    return e ? e : pthread_rwlock_timedwrlock(rwlock, &rt);
}
