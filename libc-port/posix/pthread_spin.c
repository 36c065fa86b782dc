/* Spin locks: a test-and-test-and-set word. Threads are preemptible kernel tasks, so a
 * holder can be descheduled while others spin; after a while the spinner yields its CPU
 * instead of burning the rest of its time slice. */

#include <errno.h>
#include <pthread.h>

#include "futex.h"

#define SPINS_BEFORE_YIELD 1000

int pthread_spin_init(pthread_spinlock_t *lock, int pshared)
{
	(void)pshared; /* one process per VM */
	STORE((uint32_t *)lock, 0);
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *lock)
{
	(void)lock;
	return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *lock)
{
	return SWAP((uint32_t *)lock, 1) ? EBUSY : 0;
}

int pthread_spin_lock(pthread_spinlock_t *lock)
{
	uint32_t *word = (uint32_t *)lock;
	unsigned spins = 0;
	while (SWAP(word, 1)) {
		/* Wait with plain reads so the cache line is not bounced by writes. */
		while (__atomic_load_n(word, __ATOMIC_RELAXED)) {
			if (++spins == SPINS_BEFORE_YIELD) {
				spins = 0;
				sys_yield();
			} else {
				cpu_relax();
			}
		}
	}
	return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *lock)
{
	__atomic_store_n((uint32_t *)lock, 0, __ATOMIC_RELEASE);
	return 0;
}
