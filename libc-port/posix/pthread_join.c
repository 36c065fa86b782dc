/* pthread_join and pthread_detach: both claim a thread, under the registry lock so the
 * block cannot be freed meanwhile, by setting a bit in its state word; whoever ends up
 * responsible reaps it (pthread_reap.c). */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "thread.h"

/* Sets `bit` in the state of thread `id` if neither a joiner nor a detach has claimed it.
 * Returns 0 with the block and the state before the change, or the POSIX error. */
static int claim(pthread_t id, uint32_t bit, struct thread **out, uint32_t *before)
{
	registry_lock();
	struct thread *t = registry_find((uint64_t)id);
	if (!t) {
		registry_unlock();
		return ESRCH;
	}
	uint32_t s = LOAD(&t->state);
	do {
		if (s & (TS_DETACHED | TS_JOINING)) {
			registry_unlock();
			return EINVAL;
		}
	} while (!CAS(&t->state, &s, s | bit));
	registry_unlock();
	*out = t;
	*before = s;
	return 0;
}

int pthread_join(pthread_t thread, void **retval)
{
	struct thread *self = thread_self();
	if ((uint64_t)thread == self->id)
		return EDEADLK;
	cancel_point(self);
	struct thread *t;
	uint32_t s;
	int err = claim(thread, TS_JOINING, &t, &s);
	if (err)
		return err;
	while (!(s & TS_EXITED)) {
		cancel_sleep_begin(self, &t->state);
		if (cancel_requested(self)) {
			/* POSIX: a cancelled joiner leaves the target joinable. */
			__atomic_fetch_and(&t->state, ~TS_JOINING, __ATOMIC_SEQ_CST);
			cancel_sleep_end(self);
			cancel_point(self);
		}
		futex_wait(&t->state, s);
		cancel_sleep_end(self);
		s = LOAD(&t->state);
	}
	if (retval)
		*retval = t->retval;
	thread_reap(t);
	reap_detached();
	return 0;
}

int pthread_detach(pthread_t thread)
{
	struct thread *t;
	uint32_t before;
	int err = claim(thread, TS_DETACHED, &t, &before);
	if (err)
		return err;
	/* Already exited: it found nobody responsible and left its reaping to us. */
	if (before & TS_EXITED)
		thread_reap(t);
	return 0;
}
