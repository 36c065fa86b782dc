/* newlib's retargetable locks (stdio, atexit, environ, time zone, ...) on kernel futexes.
 *
 * The lock word is 0 (free), 1 (held) or 2 (held, someone may be waiting): a waiter sets
 * 2 and sleeps on the word; the holder wakes one waiter when it releases a word that is 2.
 * Recursive locks also record their owner (the address of a thread-local variable, unique
 * per thread) and a depth. */

#include <stdint.h>
#include <stdlib.h>
#include <sys/lock.h>

#include "port.h"

extern __thread int __eremit_signal_defer; /* posix/pthread_futex.c */

struct __lock {
    uint32_t word;
    uint32_t depth;
    const void *owner;
    int allocated; /* by __retarget_lock_init*, not one of the static locks */
};

/* The static locks newlib names (see newlib's libc/misc/lock.c). */
struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

static __thread char thread_marker;

static inline const void *self(void)
{
    return &thread_marker;
}

/* Also malloc.c's pool lock (port.h). Held, it keeps the timer interrupt from running a
 * signal handler on this thread (__eremit_signal_defer, posix/futex.h): a handler that
 * calls malloc or printf never waits for its own thread's lock. */
void __eremit_word_lock(uint32_t *w)
{
    __eremit_signal_defer++;
    uint32_t c = 0;
    if (__atomic_compare_exchange_n(w, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (c != 2)
        c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        sys_futex_wait(w, 2, NULL, 0);
        c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
    }
}

static int word_trylock(uint32_t *w)
{
    uint32_t c = 0;
    __eremit_signal_defer++;
    if (__atomic_compare_exchange_n(w, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return 1;
    __eremit_signal_defer--;
    return 0;
}

void __eremit_word_unlock(uint32_t *w)
{
    if (__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) == 2)
        sys_futex_wake(w, 1);
    __eremit_signal_defer--;
}

static void init(_LOCK_T *lock)
{
    /* A lock that cannot be allocated stays null, and null locks are no-ops. */
    *lock = calloc(1, sizeof(struct __lock));
    if (*lock != NULL)
        (*lock)->allocated = 1;
}

void __retarget_lock_init(_LOCK_T *lock) { init(lock); }
void __retarget_lock_init_recursive(_LOCK_T *lock) { init(lock); }

void __retarget_lock_close(_LOCK_T lock)
{
    if (lock != NULL && lock->allocated)
        free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
    __retarget_lock_close(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
    if (lock != NULL)
        __eremit_word_lock(&lock->word);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return lock == NULL || word_trylock(&lock->word);
}

void __retarget_lock_release(_LOCK_T lock)
{
    if (lock != NULL)
        __eremit_word_unlock(&lock->word);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    if (lock == NULL)
        return;
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == self()) {
        lock->depth++;
        return;
    }
    __eremit_word_lock(&lock->word);
    __atomic_store_n(&lock->owner, self(), __ATOMIC_RELAXED);
    lock->depth = 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    if (lock == NULL)
        return 1;
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == self()) {
        lock->depth++;
        return 1;
    }
    if (!word_trylock(&lock->word))
        return 0;
    __atomic_store_n(&lock->owner, self(), __ATOMIC_RELAXED);
    lock->depth = 1;
    return 1;
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    if (lock == NULL)
        return;
    if (--lock->depth == 0) {
        __atomic_store_n(&lock->owner, NULL, __ATOMIC_RELAXED);
        __eremit_word_unlock(&lock->word);
    }
}
