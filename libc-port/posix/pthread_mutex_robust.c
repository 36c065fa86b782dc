/* Robust mutexes: when the thread holding one ends, the mutex is not left locked for
 * ever; the next thread to lock it gets it with EOWNERDEAD and must either repair the
 * data it protects and call pthread_mutex_consistent, or unlock it, after which every
 * lock fails with ENOTRECOVERABLE (POSIX; glibc's behaviour).
 *
 * Linux finds the mutexes of a dead thread through a list in the mutexes themselves
 * (set_robust_list); here the object has no room for links (it has the size of
 * Eremit's pthread_mutex_t), so each thread keeps an array of the robust mutexes it
 * holds, which thread_finish releases.  Robust mutexes always track their owner, even
 * of the normal kind, and take this slower path; other mutexes are untouched. */

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "futex.h"
#include "mutex.h"
#include "objects.h"
#include "sysabi.h"
#include "thread.h"

/* Records M among the mutexes SELF holds; 0, or ENOMEM when the array cannot grow
 * (the lock is then refused: an unrecorded mutex would stay locked if SELF ended). */
static int held_add(struct thread *self, struct mutex_impl *m)
{
	if (self->robust_count == self->robust_cap) {
		uint32_t cap = self->robust_cap ? 2 * self->robust_cap : 8;
		struct mutex_impl **grown = (struct mutex_impl **)sys_alloc_zeroed(
			cap * sizeof *grown, _Alignof(struct mutex_impl *));
		if (!grown)
			return ENOMEM;
		if (self->robust_held) {
			memcpy(grown, self->robust_held, self->robust_count * sizeof *grown);
			sys_dealloc((uint8_t *)self->robust_held,
				    self->robust_cap * sizeof *grown, _Alignof(struct mutex_impl *));
		}
		self->robust_held = grown;
		self->robust_cap = cap;
	}
	self->robust_held[self->robust_count++] = m;
	return 0;
}

static void held_remove(struct thread *self, struct mutex_impl *m)
{
	for (uint32_t i = self->robust_count; i-- > 0;) {
		if (self->robust_held[i] == m) {
			self->robust_held[i] = self->robust_held[--self->robust_count];
			return;
		}
	}
}

/* The word is ours: take ownership, or give it back if the mutex became unusable. */
static int take(struct mutex_impl *m, struct thread *self)
{
	uint32_t state = LOAD(&m->robust);
	if (state == MUTEX_NOT_RECOVERABLE || held_add(self, m) != 0) {
		lock_word_release(&m->lock);
		return state == MUTEX_NOT_RECOVERABLE ? ENOTRECOVERABLE : EAGAIN;
	}
	__atomic_store_n(&m->owner, self->id, __ATOMIC_RELAXED);
	m->count = 0;
	return state == MUTEX_OWNER_DIED ? EOWNERDEAD : 0;
}

int robust_lock(struct mutex_impl *m, const struct timespec *abstime, int only_try)
{
	if (LOAD(&m->robust) == MUTEX_NOT_RECOVERABLE)
		return ENOTRECOVERABLE;
	struct thread *self = thread_self();
	if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == self->id) {
		uint32_t base = MUTEX_KIND_BASE(m->kind);
		if (base == MUTEX_KIND_RECURSIVE) {
			if (m->count == UINT32_MAX)
				return EAGAIN;
			m->count++;
			return 0;
		}
		/* glibc: an error-checking one says EDEADLK to lock and trylock; relocking a
		 * normal one would deadlock, which is reported instead. */
		return only_try && base == MUTEX_KIND_NORMAL ? EBUSY : EDEADLK;
	}
	if (!lock_word_try(&m->lock)) {
		if (only_try)
			return EBUSY;
		int err = lock_word_acquire_by(&m->lock, abstime);
		if (err)
			return err;
	}
	return take(m, self);
}

int robust_unlock(struct mutex_impl *m)
{
	struct thread *self = thread_self();
	if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != self->id)
		return EPERM;
	if (m->count) {
		m->count--;
		return 0;
	}
	/* Unlocked while still inconsistent: nobody repaired the protected state. */
	if (LOAD(&m->robust) == MUTEX_OWNER_DIED)
		STORE(&m->robust, MUTEX_NOT_RECOVERABLE);
	held_remove(self, m);
	__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
	lock_word_release(&m->lock);
	return 0;
}

void robust_release_for_wait(struct mutex_impl *m)
{
	held_remove(thread_self(), m);
}

void robust_reacquire_after_wait(struct mutex_impl *m)
{
	/* The wait already holds the word; if the array cannot grow the mutex simply is
	 * not released should this thread end while holding it. */
	(void)held_add(thread_self(), m);
}

void robust_owner_exited(struct thread *t)
{
	for (uint32_t i = 0; i < t->robust_count; i++) {
		struct mutex_impl *m = t->robust_held[i];
		STORE(&m->robust, MUTEX_OWNER_DIED);
		m->count = 0;
		__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
		lock_word_release(&m->lock);
	}
	if (t->robust_held)
		sys_dealloc((uint8_t *)t->robust_held, t->robust_cap * sizeof *t->robust_held,
			    _Alignof(struct mutex_impl *));
	t->robust_held = 0;
	t->robust_count = t->robust_cap = 0;
}

int pthread_mutex_consistent(pthread_mutex_t *mutex)
{
	struct mutex_impl *m = MUTEX(mutex);
	if (!(m->kind & MUTEX_KIND_ROBUST) || LOAD(&m->robust) != MUTEX_OWNER_DIED ||
	    __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != thread_self()->id)
		return EINVAL;
	STORE(&m->robust, MUTEX_CONSISTENT);
	return 0;
}

int pthread_mutexattr_setrobust(pthread_mutexattr_t *attr, int robustness)
{
	if (robustness == PTHREAD_MUTEX_STALLED)
		ATTR_WORD(attr) &= ~MUTEXATTR_ROBUST;
	else if (robustness == PTHREAD_MUTEX_ROBUST)
		ATTR_WORD(attr) |= MUTEXATTR_ROBUST;
	else
		return EINVAL;
	return 0;
}

int pthread_mutexattr_getrobust(const pthread_mutexattr_t *attr, int *robustness)
{
	*robustness = CATTR_WORD(attr) & MUTEXATTR_ROBUST ? PTHREAD_MUTEX_ROBUST
							  : PTHREAD_MUTEX_STALLED;
	return 0;
}
