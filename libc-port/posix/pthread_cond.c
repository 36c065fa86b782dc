/* Condition variables: a sequence word that every signal/broadcast changes. A waiter
 * reads it while still holding the mutex, releases the mutex and sleeps only while the
 * word is unchanged, so a signal sent after the mutex was released is never missed.
 * Waiters may wake spuriously (POSIX allows it; callers loop on their predicate). */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "mutex.h"
#include "objects.h"
#include "thread.h"

int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr)
{
	struct cond_impl *c = COND(cond);
	*c = (struct cond_impl){0};
	if (attr && (CATTR_WORD(attr) & CONDATTR_MONOTONIC))
		c->flags = COND_MONOTONIC;
	return 0;
}

/* Top bit of `waiters`: pthread_cond_destroy is waiting for the waiters to leave. */
#define DESTROYING 0x80000000u

/* A broadcast may be followed at once by destroy (and free) while the woken threads have
 * not yet run. So destroy wakes any sleeper (a spurious wake-up for it) and waits until
 * every waiter has stopped touching the object; the last one out wakes it. */
int pthread_cond_destroy(pthread_cond_t *cond)
{
	struct cond_impl *c = COND(cond);
	uint32_t w = FETCH_OR(&c->waiters, DESTROYING) | DESTROYING;
	while (w != DESTROYING) {
		FETCH_ADD(&c->seq, 1);
		futex_wake(&c->seq, WAKE_ALL);
		futex_wait(&c->waiters, w);
		w = LOAD(&c->waiters);
	}
	return 0;
}

/* The waiter's last access to the object. */
static void leave(struct cond_impl *c)
{
	if (FETCH_SUB(&c->waiters, 1) == (DESTROYING | 1))
		futex_wake(&c->waiters, 1);
}

/* Unlocks, sleeps, relocks. Acts on cancellation after relocking, as POSIX requires (the
 * cleanup handlers then run with the mutex held). */
static int wait_until(struct cond_impl *c, struct mutex_impl *m, const struct timespec *abstime)
{
	struct deadline d, *dp = 0;
	if (abstime) {
		int clock = c->flags & COND_MONOTONIC ? HERMIT_CLOCK_MONOTONIC
						      : HERMIT_CLOCK_REALTIME;
		int err = deadline_from_timespec(&d, abstime, clock);
		if (err)
			return err;
		dp = &d;
	}
	struct thread *self = thread_self();
	cancel_point(self);

	uint32_t seq = LOAD(&c->seq);
	FETCH_ADD(&c->waiters, 1);
	uint32_t depth;
	int err = mutex_release_for_wait(m, &depth);
	if (err) {
		leave(c);
		return err;
	}
	cancel_sleep_begin(self, &c->seq);
	int result = 0;
	if (!cancel_requested(self))
		result = futex_wait_signal_until(&c->seq, seq, dp);
	/* Interrupted: a spurious wake-up (Linux restarts the wait; the caller's loop
	 * re-checks its predicate either way), never EINTR (POSIX). */
	if (result == EINTR)
		result = 0;
	cancel_sleep_end(self);
	leave(c);
	mutex_reacquire_after_wait(m, depth);
	cancel_point(self);
	return result;
}

int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
	return wait_until(COND(cond), MUTEX(mutex), 0);
}

int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
			   const struct timespec *abstime)
{
	return wait_until(COND(cond), MUTEX(mutex), abstime);
}

int pthread_cond_signal(pthread_cond_t *cond)
{
	struct cond_impl *c = COND(cond);
	/* No waiter: nothing to change, and no kernel call. A waiter counts itself before
	 * it releases the mutex, so a signaller holding the mutex cannot miss it. */
	if (!LOAD(&c->waiters))
		return 0;
	FETCH_ADD(&c->seq, 1);
	futex_wake(&c->seq, 1);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *cond)
{
	struct cond_impl *c = COND(cond);
	if (!LOAD(&c->waiters))
		return 0;
	FETCH_ADD(&c->seq, 1);
	futex_wake(&c->seq, WAKE_ALL);
	return 0;
}
