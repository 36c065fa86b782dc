/* Threads creating, joining and detaching threads concurrently, with keys set in every
 * thread: exercises the thread table, reaping and key destructors under contention. */

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#include "check.h"

#define WORKERS 8
#define CHILDREN 150

static pthread_key_t key;
static sem_t detached_done;
static unsigned ran, destroyed;

static void destroy(void *v)
{
	(void)v;
	__atomic_fetch_add(&destroyed, 1, __ATOMIC_SEQ_CST);
}

static void *child(void *arg)
{
	EXPECT(pthread_setspecific(key, arg), 0);
	__atomic_fetch_add(&ran, 1, __ATOMIC_SEQ_CST);
	if ((uintptr_t)arg & 1)
		sem_post(&detached_done);
	return arg;
}

static void *worker(void *arg)
{
	uintptr_t base = (uintptr_t)arg * 1000;
	pthread_attr_t detached;
	EXPECT(pthread_attr_init(&detached), 0);
	EXPECT(pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED), 0);
	EXPECT(pthread_setspecific(key, arg), 0);
	for (uintptr_t i = 0; i < CHILDREN; i++) {
		uintptr_t v = (base + i) * 2 + (i % 3 == 0); /* odd: detached */
		pthread_t t;
		if (v & 1) {
			EXPECT(pthread_create(&t, &detached, child, (void *)v), 0);
		} else {
			void *r;
			EXPECT(pthread_create(&t, 0, child, (void *)v), 0);
			if (i % 5 == 0)
				sched_yield();
			EXPECT(pthread_join(t, &r), 0);
			CHECK(r == (void *)v);
		}
	}
	EXPECT(pthread_attr_destroy(&detached), 0);
	return 0;
}

int main(void)
{
	EXPECT(pthread_key_create(&key, destroy), 0);
	CHECK(sem_init(&detached_done, 0, 0) == 0);
	pthread_t w[WORKERS];
	for (uintptr_t i = 0; i < WORKERS; i++)
		EXPECT(pthread_create(&w[i], 0, worker, (void *)(i + 1)), 0);
	for (int i = 0; i < WORKERS; i++)
		EXPECT(pthread_join(w[i], 0), 0);
	unsigned detached = 0;
	for (int i = 0; i < CHILDREN; i++)
		detached += i % 3 == 0;
	for (unsigned i = 0; i < detached * WORKERS; i++)
		CHECK(sem_wait(&detached_done) == 0);
	printf("%d workers started %u threads (%u detached)\n", WORKERS, ran,
	       detached * WORKERS);
	/* Detached children may still be running their destructors: wait for them. */
	while (__atomic_load_n(&destroyed, __ATOMIC_SEQ_CST) < ran + WORKERS)
		sched_yield();
	printf("key destructors ran %u times\n", destroyed);
	return 0;
}
