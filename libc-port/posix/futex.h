/* Waiting on 32-bit words (the kernel's futexes), deadlines, and the small lock that the
 * library's own bookkeeping uses. Every blocking call of the library goes through here,
 * so timeouts and the kernel's errno values are handled in one place. */

#ifndef POSIX_FUTEX_H
#define POSIX_FUTEX_H

#include <stdint.h>
#include <time.h>

#include "sysabi.h"

/* All shared words are accessed with sequentially consistent atomics: the algorithms
 * here are Dekker-like (store my flag, then read yours) and rely on that ordering. */
#define LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define SWAP(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define FETCH_ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
#define FETCH_SUB(p, v) __atomic_fetch_sub((p), (v), __ATOMIC_SEQ_CST)
#define FETCH_OR(p, v) __atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST)
/* Compare-and-swap; on failure *expected receives the current value. */
#define CAS(p, expected, desired)                                                        \
	__atomic_compare_exchange_n((p), (expected), (desired), 0, __ATOMIC_SEQ_CST,      \
				    __ATOMIC_SEQ_CST)

/* Wakes "everyone" on a word. */
#define WAKE_ALL 0x7fffffff

/* Busy-wait hint: lets the sibling hyperthread run and saves power while spinning (x86's
 * pause, AArch64's yield). */
static inline void cpu_relax(void)
{
#if defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__builtin_ia32_pause();
#endif
}

/* A point in time on one kernel clock, or none (wait forever). */
struct deadline {
	int clock; /* HERMIT_CLOCK_* */
	int64_t ns;
};

/* Fills `d` from a POSIX absolute timeout measured on `clock` (HERMIT_CLOCK_*).
 * Returns 0, or EINVAL when tv_nsec is out of range (POSIX asks for that check only
 * when the caller would block, so callers invoke this after their fast path). */
int deadline_from_timespec(struct deadline *d, const struct timespec *abstime, int clock);

/* Sleeps while *word == expected, until woken or `d` passes (d NULL: no limit).
 * Returns 0 when woken, when the value differed, or spuriously (callers always re-check
 * their condition), and ETIMEDOUT once the deadline has passed. */
int futex_wait_until(uint32_t *word, uint32_t expected, const struct deadline *d);

/* futex_wait_until where the program waits (pthread_cond_wait, sem_wait): a signal
 * posted to the thread ends the kernel's wait, its handlers run here, and the result is
 * EINTR if one of them lacked SA_RESTART (else 0: the caller re-checks and waits again).
 * The library's own locks use futex_wait_until, so no handler runs while one is held. */
int futex_wait_signal_until(uint32_t *word, uint32_t expected, const struct deadline *d);

/* signal.c: after a kernel call returned -EINTR, runs the thread's pending handlers;
 * 1 if the call should be made again (no handler ran, or all had SA_RESTART and
 * `restartable`), 0 if it should fail with EINTR. */
int __eremit_signal_interrupted(int restartable);

static inline void futex_wait(uint32_t *word, uint32_t expected)
{
	futex_wait_until(word, expected, 0);
}

static inline void futex_wake(uint32_t *word, int count)
{
	sys_futex_wake(word, count);
}

/* Internal lock: 0 free, 1 held, 2 held with (possible) sleepers; the classic three-state
 * futex mutex, so an uncontended lock/unlock pair makes no kernel call. */
int lock_word_acquire_until(uint32_t *word, const struct deadline *d);
/* The same until CLOCK_REALTIME reaches `abstime` (POSIX timedlock), or for good when it
 * is null; EINVAL for a bad timespec, ETIMEDOUT. */
int lock_word_acquire_by(uint32_t *word, const struct timespec *abstime);

static inline int lock_word_try(uint32_t *word)
{
	uint32_t expected = 0;
	return CAS(word, &expected, 1);
}

static inline void lock_word_acquire(uint32_t *word)
{
	if (!lock_word_try(word))
		lock_word_acquire_until(word, 0);
}

static inline void lock_word_release(uint32_t *word)
{
	if (SWAP(word, 0) == 2)
		futex_wake(word, 1);
}

/* Locks of the library's own that a signal handler's calls may take too (the signal
 * tables, the thread registry, the alarm timer): while this thread holds one, the timer
 * interrupt runs no handler on it (signal.c's __eremit_signal_async waits for the
 * count to drop), so a handler never waits for a lock its own thread holds. */
extern __thread int __eremit_signal_defer;

static inline void internal_lock(uint32_t *word)
{
	__eremit_signal_defer++;
	lock_word_acquire(word);
}

static inline void internal_unlock(uint32_t *word)
{
	lock_word_release(word);
	__eremit_signal_defer--;
}

#endif
