/* Unnamed semaphores on a futex word holding the count. Posting wakes a sleeper only
 * when the waiter count says there is one, so an uncontended post/wait pair makes no
 * kernel call. The calls never fail with EINTR: no signal interrupts a wait yet (docs/signals.md). */

#include <errno.h>
#include <semaphore.h>

#include "futex.h"
#include "objects.h"
#include "thread.h"

#define VALUE_MAX 0x7fffffffu /* SEM_VALUE_MAX of include/semaphore.h */

static int fail(int err)
{
	errno = err;
	return -1;
}

int sem_init(sem_t *sem, int pshared, unsigned int value)
{
	(void)pshared; /* one process per VM: every semaphore is shared by all threads */
	if (value > VALUE_MAX)
		return fail(EINVAL);
	*SEM(sem) = (struct sem_impl){.value = value};
	return 0;
}

int sem_destroy(sem_t *sem)
{
	return LOAD(&SEM(sem)->waiters) ? fail(EBUSY) : 0;
}

static int try_take(struct sem_impl *s)
{
	uint32_t v = LOAD(&s->value);
	while (v > 0) {
		if (CAS(&s->value, &v, v - 1))
			return 1;
	}
	return 0;
}

int sem_trywait(sem_t *sem)
{
	return try_take(SEM(sem)) ? 0 : fail(EAGAIN);
}

/* sem_wait and sem_timedwait are cancellation points. */
static int wait_until(struct sem_impl *s, const struct timespec *abstime)
{
	struct thread *self = thread_self();
	cancel_point(self);
	if (try_take(s))
		return 0;
	struct deadline d, *dp = 0;
	if (abstime) {
		int err = deadline_from_timespec(&d, abstime, HERMIT_CLOCK_REALTIME);
		if (err)
			return fail(err);
		dp = &d;
	}
	for (;;) {
		/* Counted before sleeping, and the sleep only starts while the count is 0:
		 * a post either sees this waiter or changes the word first. */
		FETCH_ADD(&s->waiters, 1);
		cancel_sleep_begin(self, &s->value);
		int r = 0;
		if (!cancel_requested(self))
			r = futex_wait_signal_until(&s->value, 0, dp);
		cancel_sleep_end(self);
		FETCH_SUB(&s->waiters, 1);
		if (try_take(s))
			return 0;
		cancel_point(self);
		if (r == ETIMEDOUT || r == EINTR)
			return fail(r);
	}
}

int sem_wait(sem_t *sem)
{
	return wait_until(SEM(sem), 0);
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	return wait_until(SEM(sem), abstime);
}

int sem_post(sem_t *sem)
{
	struct sem_impl *s = SEM(sem);
	uint32_t v = LOAD(&s->value);
	do {
		if (v >= VALUE_MAX)
			return fail(EOVERFLOW);
	} while (!CAS(&s->value, &v, v + 1));
	if (LOAD(&s->waiters))
		futex_wake(&s->value, 1);
	return 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
	*value = (int)LOAD(&SEM(sem)->value);
	return 0;
}

sem_t *sem_open(const char *name, int oflag, ...)
{
	(void)name;
	(void)oflag;
	errno = ENOSYS;
	return SEM_FAILED;
}

int sem_close(sem_t *sem)
{
	(void)sem;
	return fail(ENOSYS);
}

int sem_unlink(const char *name)
{
	(void)name;
	return fail(ENOSYS);
}
