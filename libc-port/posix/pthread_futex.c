/* Futex waits with POSIX deadlines, and the internal three-state lock (futex.h). */

#include <errno.h>

#include "futex.h"

#define NS_PER_SEC 1000000000LL

__thread int __eremit_signal_defer;

/* Spins before sleeping on a held lock: critical sections are short and other CPUs may
 * release it within a few hundred cycles, which is far cheaper than a sleep/wake pair. */
#define SPIN_TRIES 100

static int64_t clock_now_ns(int clock)
{
	struct hermit_timespec now;
	if (sys_clock_gettime(clock, &now) != 0)
		return 0;
	return now.tv_sec * NS_PER_SEC + now.tv_nsec;
}

int deadline_from_timespec(struct deadline *d, const struct timespec *abstime, int clock)
{
	if (abstime->tv_nsec < 0 || abstime->tv_nsec >= NS_PER_SEC)
		return EINVAL;
	d->clock = clock;
	/* Far-future seconds would overflow the nanosecond count: clamp them, a deadline
	 * centuries away is the same as none in practice. */
	if (abstime->tv_sec > INT64_MAX / NS_PER_SEC - 1)
		d->ns = INT64_MAX;
	else if (abstime->tv_sec < 0)
		d->ns = 0; /* before the epoch: already passed */
	else
		d->ns = (int64_t)abstime->tv_sec * NS_PER_SEC + abstime->tv_nsec;
	return 0;
}

static int wait_until(uint32_t *word, uint32_t expected, const struct deadline *d,
		      uint32_t flags)
{
	struct hermit_timespec rel;
	const struct hermit_timespec *timeout = 0;
	if (d) {
		/* The kernel takes absolute times on the monotonic clock only, so waits on
		 * CLOCK_REALTIME (and, for uniformity, every wait) pass the time left. */
		int64_t left = d->ns - clock_now_ns(d->clock);
		if (left <= 0)
			return ETIMEDOUT;
		rel.tv_sec = left / NS_PER_SEC;
		rel.tv_nsec = (int32_t)(left % NS_PER_SEC);
		timeout = &rel;
	}
	if (d)
		flags |= HERMIT_FUTEX_RELATIVE_TIMEOUT;
	int r = sys_futex_wait(word, expected, timeout, flags);
	if (r == -HERMIT_ETIMEDOUT)
		return ETIMEDOUT;
	/* A signal was posted to this thread: its handlers run here, while it waits. */
	if (r == -HERMIT_EINTR && !__eremit_signal_interrupted(1))
		return EINTR;
	/* Woken, value already changed (EAGAIN), or anything else: the caller re-checks. */
	return 0;
}

int futex_wait_until(uint32_t *word, uint32_t expected, const struct deadline *d)
{
	return wait_until(word, expected, d, 0);
}

int futex_wait_signal_until(uint32_t *word, uint32_t expected, const struct deadline *d)
{
	return wait_until(word, expected, d, HERMIT_FUTEX_INTERRUPTIBLE);
}

int lock_word_acquire_until(uint32_t *word, const struct deadline *d)
{
	for (int i = 0; i < SPIN_TRIES; i++) {
		if (LOAD(word) == 0 && lock_word_try(word))
			return 0;
		cpu_relax();
	}
	/* Mark the lock contended before sleeping so the holder's release wakes someone.
	 * Taking it through the swap also leaves it marked contended, which can cost one
	 * needless wake-up later but never loses one. */
	while (SWAP(word, 2) != 0) {
		if (futex_wait_until(word, 2, d) == ETIMEDOUT)
			return ETIMEDOUT;
	}
	return 0;
}

int lock_word_acquire_by(uint32_t *word, const struct timespec *abstime)
{
	struct deadline d, *dp = 0;
	if (abstime) {
		int err = deadline_from_timespec(&d, abstime, HERMIT_CLOCK_REALTIME);
		if (err)
			return err;
		dp = &d;
	}
	return lock_word_acquire_until(word, dp);
}
