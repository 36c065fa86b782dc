/* Barriers: arrivals are counted under a small lock; the last arrival of a round starts
 * the next one by bumping the round number, which the others sleep on. */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "objects.h"

/* Top bit of `leaving`: pthread_barrier_destroy waits for the released threads. */
#define DESTROYING 0x80000000u

int pthread_barrier_init(pthread_barrier_t *barrier, const pthread_barrierattr_t *attr,
			 unsigned count)
{
	(void)attr; /* pshared only */
	if (count == 0)
		return EINVAL;
	*BARRIER(barrier) = (struct barrier_impl){.total = count};
	return 0;
}

/* Released threads may not have run yet when the serial thread destroys (and frees) the
 * barrier, so destroy waits until each has made its last access. */
int pthread_barrier_destroy(pthread_barrier_t *barrier)
{
	struct barrier_impl *b = BARRIER(barrier);
	lock_word_acquire(&b->lock);
	int busy = b->count != 0; /* threads are blocked in the current round */
	lock_word_release(&b->lock);
	if (busy)
		return EBUSY;
	uint32_t w = FETCH_OR(&b->leaving, DESTROYING) | DESTROYING;
	while (w != DESTROYING) {
		futex_wait(&b->leaving, w);
		w = LOAD(&b->leaving);
	}
	return 0;
}

int pthread_barrier_wait(pthread_barrier_t *barrier)
{
	struct barrier_impl *b = BARRIER(barrier);
	lock_word_acquire(&b->lock);
	uint32_t round = b->seq;
	if (++b->count == b->total) {
		b->count = 0;
		FETCH_ADD(&b->seq, 1);
		lock_word_release(&b->lock);
		futex_wake(&b->seq, WAKE_ALL);
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	FETCH_ADD(&b->leaving, 1);
	lock_word_release(&b->lock);
	while (LOAD(&b->seq) == round)
		futex_wait(&b->seq, round);
	/* The last access to the barrier. */
	if (FETCH_SUB(&b->leaving, 1) == (DESTROYING | 1))
		futex_wake(&b->leaving, 1);
	return 0;
}
