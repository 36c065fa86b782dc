/* Mutexes: a three-state futex word (futex.h), plus an owner id and a depth for the
 * recursive and error-checking kinds. The normal kind never looks at the owner, so its
 * uncontended lock/unlock is one atomic instruction each. */

#include <errno.h>
#include <pthread.h>

#include "futex.h"
#include "mutex.h"
#include "objects.h"
#include "thread.h"

/* The owner field is only ever equal to the caller's id if the caller wrote it (it is
 * cleared before release), so unsynchronised reads are enough to ask "do I own it?". */
static uint64_t owner_of(const struct mutex_impl *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
}

static void set_owner(struct mutex_impl *m, uint64_t id)
{
	__atomic_store_n(&m->owner, id, __ATOMIC_RELAXED);
}

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
	struct mutex_impl *m = MUTEX(mutex);
	*m = (struct mutex_impl){0};
	if (attr) {
		m->kind = CATTR_WORD(attr) & MUTEXATTR_KIND_MASK;
		if (CATTR_WORD(attr) & MUTEXATTR_ROBUST)
			m->kind |= MUTEX_KIND_ROBUST;
	}
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *mutex)
{
	return LOAD(&MUTEX(mutex)->lock) ? EBUSY : 0;
}

/* Common path of lock and timedlock; `d` NULL waits forever. */
static int lock_until(struct mutex_impl *m, const struct timespec *abstime)
{
	uint32_t kind = m->kind;
	if (kind == MUTEX_KIND_NORMAL && lock_word_try(&m->lock))
		return 0;
	if (kind & MUTEX_KIND_ROBUST)
		return robust_lock(m, abstime, 0);
	uint64_t self = 0;
	if (kind != MUTEX_KIND_NORMAL) {
		self = thread_self()->id;
		if (owner_of(m) == self) {
			if (kind == MUTEX_KIND_ERRORCHECK)
				return EDEADLK;
			if (m->count == UINT32_MAX)
				return EAGAIN;
			m->count++;
			return 0;
		}
	}
	if (!lock_word_try(&m->lock)) {
		int err = lock_word_acquire_by(&m->lock, abstime);
		if (err)
			return err;
	}
	if (kind != MUTEX_KIND_NORMAL) {
		set_owner(m, self);
		m->count = 0;
	}
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *mutex)
{
	return lock_until(MUTEX(mutex), 0);
}

int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *abstime)
{
	return lock_until(MUTEX(mutex), abstime);
}

int pthread_mutex_trylock(pthread_mutex_t *mutex)
{
	struct mutex_impl *m = MUTEX(mutex);
	uint32_t kind = m->kind;
	if (kind == MUTEX_KIND_NORMAL)
		return lock_word_try(&m->lock) ? 0 : EBUSY;
	if (kind & MUTEX_KIND_ROBUST)
		return robust_lock(m, 0, 1);
	uint64_t self = thread_self()->id;
	if (owner_of(m) == self) {
		if (kind == MUTEX_KIND_ERRORCHECK)
			return EBUSY;
		if (m->count == UINT32_MAX)
			return EAGAIN;
		m->count++;
		return 0;
	}
	if (!lock_word_try(&m->lock))
		return EBUSY;
	set_owner(m, self);
	m->count = 0;
	return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *mutex)
{
	struct mutex_impl *m = MUTEX(mutex);
	if (m->kind & MUTEX_KIND_ROBUST)
		return robust_unlock(m);
	if (m->kind != MUTEX_KIND_NORMAL) {
		if (owner_of(m) != thread_self()->id)
			return EPERM;
		if (m->count) {
			m->count--;
			return 0;
		}
		set_owner(m, 0);
	}
	lock_word_release(&m->lock);
	return 0;
}

int mutex_release_for_wait(struct mutex_impl *m, uint32_t *depth)
{
	*depth = 0;
	if (m->kind != MUTEX_KIND_NORMAL) {
		if (owner_of(m) != thread_self()->id)
			return EPERM;
		if (m->kind & MUTEX_KIND_ROBUST)
			robust_release_for_wait(m);
		*depth = m->count;
		m->count = 0;
		set_owner(m, 0);
	}
	lock_word_release(&m->lock);
	return 0;
}

void mutex_reacquire_after_wait(struct mutex_impl *m, uint32_t depth)
{
	lock_word_acquire(&m->lock);
	if (m->kind != MUTEX_KIND_NORMAL) {
		set_owner(m, thread_self()->id);
		m->count = depth;
		if (m->kind & MUTEX_KIND_ROBUST)
			robust_reacquire_after_wait(m);
	}
}
