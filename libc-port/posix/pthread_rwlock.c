/* Read-write locks with writer preference: once a writer waits, new readers queue behind
 * it, so a stream of readers cannot starve writers. The counters are guarded by a small
 * internal lock; readers and writers sleep on separate sequence words so that a release
 * wakes exactly the side that can proceed.
 *
 * POSIX lets a thread take a read lock it already holds again. With writer preference
 * that would deadlock behind a waiting writer, so a thread that holds any read lock
 * (counted in TLS) may pass waiting writers. */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "objects.h"
#include "thread.h"

static __thread unsigned read_locks_held __attribute__((tls_model("initial-exec")));

int pthread_rwlock_init(pthread_rwlock_t *rwlock, const pthread_rwlockattr_t *attr)
{
	(void)attr; /* pshared is the only attribute, and it changes nothing here */
	*RWLOCK(rwlock) = (struct rwlock_impl){0};
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rwlock)
{
	struct rwlock_impl *rw = RWLOCK(rwlock);
	lock_word_acquire(&rw->lock);
	int busy = rw->readers || rw->writer;
	lock_word_release(&rw->lock);
	return busy ? EBUSY : 0;
}

/* Converts the caller's timeout when it first has to sleep (POSIX checks it only then).
 * Returns 0 with *dp set (NULL: no timeout), or EINVAL. */
static int prepare_deadline(const struct timespec *abstime, struct deadline *d,
			    struct deadline **dp)
{
	*dp = 0;
	if (!abstime)
		return 0;
	int err = deadline_from_timespec(d, abstime, HERMIT_CLOCK_REALTIME);
	if (!err)
		*dp = d;
	return err;
}

static int can_read(const struct rwlock_impl *rw)
{
	return !rw->writer && (!rw->writers_waiting || read_locks_held);
}

/* `try`: fail with EBUSY instead of sleeping (also when the caller holds the write lock). */
static int rdlock(struct rwlock_impl *rw, const struct timespec *abstime, int try)
{
	uint64_t self = thread_self()->id;
	struct deadline d, *dp = 0;
	int prepared = 0, result = 0;
	lock_word_acquire(&rw->lock);
	if (rw->writer == self) {
		/* glibc's answers: the try forms report the lock as busy, the others the
		 * deadlock waiting would be. */
		result = try ? EBUSY : EDEADLK;
		goto out;
	}
	while (!can_read(rw)) {
		if (try) {
			result = EBUSY;
			goto out;
		}
		if (!prepared) {
			prepared = 1;
			result = prepare_deadline(abstime, &d, &dp);
			if (result)
				goto out;
		}
		rw->readers_waiting++;
		uint32_t seq = rw->rseq;
		lock_word_release(&rw->lock);
		int r = futex_wait_until(&rw->rseq, seq, dp);
		lock_word_acquire(&rw->lock);
		rw->readers_waiting--;
		if (r == ETIMEDOUT && !can_read(rw)) {
			result = ETIMEDOUT;
			goto out;
		}
	}
	if (rw->readers == UINT32_MAX) {
		result = EAGAIN;
		goto out;
	}
	rw->readers++;
	read_locks_held++;
out:
	lock_word_release(&rw->lock);
	return result;
}

static int wrlock(struct rwlock_impl *rw, const struct timespec *abstime, int try)
{
	uint64_t self = thread_self()->id;
	struct deadline d, *dp = 0;
	int prepared = 0, result = 0, wake_readers = 0;
	lock_word_acquire(&rw->lock);
	if (rw->writer == self) {
		/* glibc's answers: the try forms report the lock as busy, the others the
		 * deadlock waiting would be. */
		result = try ? EBUSY : EDEADLK;
		goto out;
	}
	while (rw->writer || rw->readers) {
		if (try) {
			result = EBUSY;
			goto out;
		}
		if (!prepared) {
			prepared = 1;
			result = prepare_deadline(abstime, &d, &dp);
			if (result)
				goto out;
		}
		rw->writers_waiting++;
		uint32_t seq = rw->wseq;
		lock_word_release(&rw->lock);
		int r = futex_wait_until(&rw->wseq, seq, dp);
		lock_word_acquire(&rw->lock);
		rw->writers_waiting--;
		if (r == ETIMEDOUT && (rw->writer || rw->readers)) {
			/* Readers held back only by this writer's waiting may go now. */
			if (!rw->writer && !rw->writers_waiting && rw->readers_waiting) {
				FETCH_ADD(&rw->rseq, 1);
				wake_readers = 1;
			}
			result = ETIMEDOUT;
			goto out;
		}
	}
	rw->writer = self;
out:
	lock_word_release(&rw->lock);
	if (wake_readers)
		futex_wake(&rw->rseq, WAKE_ALL);
	return result;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rwlock)
{
	return rdlock(RWLOCK(rwlock), 0, 0);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rwlock)
{
	return rdlock(RWLOCK(rwlock), 0, 1);
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t *rwlock, const struct timespec *abstime)
{
	return rdlock(RWLOCK(rwlock), abstime, 0);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rwlock)
{
	return wrlock(RWLOCK(rwlock), 0, 0);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rwlock)
{
	return wrlock(RWLOCK(rwlock), 0, 1);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *rwlock, const struct timespec *abstime)
{
	return wrlock(RWLOCK(rwlock), abstime, 0);
}

int pthread_rwlock_unlock(pthread_rwlock_t *rwlock)
{
	struct rwlock_impl *rw = RWLOCK(rwlock);
	uint64_t self = thread_self()->id;
	lock_word_acquire(&rw->lock);
	if (rw->writer == self) {
		rw->writer = 0;
	} else if (rw->readers && read_locks_held) {
		rw->readers--;
		read_locks_held--;
	} else {
		lock_word_release(&rw->lock);
		return EPERM;
	}
	/* Free now: a waiting writer goes first, else every waiting reader. */
	uint32_t *wake = 0;
	int count = 0;
	if (!rw->writer && !rw->readers) {
		if (rw->writers_waiting) {
			FETCH_ADD(&rw->wseq, 1);
			wake = &rw->wseq;
			count = 1;
		} else if (rw->readers_waiting) {
			FETCH_ADD(&rw->rseq, 1);
			wake = &rw->rseq;
			count = WAKE_ALL;
		}
	}
	lock_word_release(&rw->lock);
	/* Woken outside the internal lock, so the sleeper does not block on it at once. */
	if (wake)
		futex_wake(wake, count);
	return 0;
}
