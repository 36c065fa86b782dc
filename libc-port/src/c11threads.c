/* C11 threads (<threads.h>) on the POSIX threads of libc-port/posix, with glibc's mapping
 * of error numbers to thrd_* results. */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>
#include <time.h>

#include "port.h"

_Static_assert(ONCE_FLAG_INIT == PTHREAD_ONCE_INIT, "once_flag");
_Static_assert(TSS_DTOR_ITERATIONS == PTHREAD_DESTRUCTOR_ITERATIONS, "tss");

static int result(int err)
{
    switch (err) {
    case 0:
        return thrd_success;
    case EBUSY:
        return thrd_busy;
    case ETIMEDOUT:
        return thrd_timedout;
    case ENOMEM:
    case EAGAIN:
        return thrd_nomem;
    default:
        return thrd_error;
    }
}

struct start {
    thrd_start_t func;
    void *arg;
};

static void *trampoline(void *p)
{
    struct start s = *(struct start *)p;
    free(p);
    return (void *)(intptr_t)s.func(s.arg);
}

int thrd_create(thrd_t *thr, thrd_start_t func, void *arg)
{
    struct start *s = malloc(sizeof *s);
    if (s == NULL)
        return thrd_nomem;
    s->func = func;
    s->arg = arg;
    int err = pthread_create(thr, NULL, trampoline, s);
    if (err != 0)
        free(s);
    return result(err);
}

thrd_t thrd_current(void)
{
    return pthread_self();
}

int thrd_detach(thrd_t thr)
{
    return result(pthread_detach(thr));
}

int thrd_equal(thrd_t a, thrd_t b)
{
    return pthread_equal(a, b);
}

_Noreturn void thrd_exit(int res)
{
    pthread_exit((void *)(intptr_t)res);
}

int thrd_join(thrd_t thr, int *res)
{
    void *value;
    int err = pthread_join(thr, &value);
    if (err == 0 && res != NULL)
        *res = (int)(intptr_t)value;
    return result(err);
}

/* 0, -1 when interrupted by a signal, another negative value on an error (C11). */
int thrd_sleep(const struct timespec *duration, struct timespec *remaining)
{
    int saved = errno;
    int r = nanosleep(duration, remaining);
    int e = errno;
    errno = saved;
    return r == 0 ? 0 : (e == EINTR ? -1 : -2);
}

void thrd_yield(void)
{
    sched_yield();
}

int mtx_init(mtx_t *mtx, int type)
{
    int base = type & ~mtx_recursive;
    if (base != mtx_plain && base != mtx_timed && base != (mtx_plain | mtx_timed))
        return thrd_error;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, (type & mtx_recursive) ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_NORMAL);
    int err = pthread_mutex_init(mtx, &attr);
    pthread_mutexattr_destroy(&attr);
    return result(err);
}

void mtx_destroy(mtx_t *mtx)
{
    pthread_mutex_destroy(mtx);
}

int mtx_lock(mtx_t *mtx)
{
    return result(pthread_mutex_lock(mtx));
}

int mtx_trylock(mtx_t *mtx)
{
    return result(pthread_mutex_trylock(mtx));
}

int mtx_timedlock(mtx_t *restrict mtx, const struct timespec *restrict abs)
{
    return result(pthread_mutex_timedlock(mtx, abs));
}

int mtx_unlock(mtx_t *mtx)
{
    return result(pthread_mutex_unlock(mtx));
}

int cnd_init(cnd_t *cond)
{
    return result(pthread_cond_init(cond, NULL));
}

void cnd_destroy(cnd_t *cond)
{
    pthread_cond_destroy(cond);
}

int cnd_signal(cnd_t *cond)
{
    return result(pthread_cond_signal(cond));
}

int cnd_broadcast(cnd_t *cond)
{
    return result(pthread_cond_broadcast(cond));
}

int cnd_wait(cnd_t *cond, mtx_t *mtx)
{
    return result(pthread_cond_wait(cond, mtx));
}

/* ABS is a TIME_UTC (CLOCK_REALTIME) time, the default clock of a condition variable. */
int cnd_timedwait(cnd_t *restrict cond, mtx_t *restrict mtx, const struct timespec *restrict abs)
{
    return result(pthread_cond_timedwait(cond, mtx, abs));
}

int tss_create(tss_t *key, tss_dtor_t dtor)
{
    return result(pthread_key_create(key, dtor));
}

void tss_delete(tss_t key)
{
    pthread_key_delete(key);
}

void *tss_get(tss_t key)
{
    return pthread_getspecific(key);
}

int tss_set(tss_t key, void *value)
{
    return result(pthread_setspecific(key, value));
}

void call_once(once_flag *flag, void (*func)(void))
{
    pthread_once(flag, func);
}
