/* Thread-specific data: per-thread values, destructors at thread exit (also through
 * pthread_exit), repeated destructor rounds while values are set again, key deletion. */

#include <limits.h> /* PTHREAD_DESTRUCTOR_ITERATIONS on glibc */
#include <pthread.h>
#include <stdint.h>

#include "check.h"

static pthread_key_t key, sticky;
static unsigned destroyed, sticky_rounds;
static uintptr_t destroyed_sum;

static void destroy(void *value)
{
	__atomic_fetch_add(&destroyed, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&destroyed_sum, (uintptr_t)value, __ATOMIC_SEQ_CST);
}

/* Sets its value again every time: destructors run again, up to
 * PTHREAD_DESTRUCTOR_ITERATIONS rounds in all. */
static void destroy_sticky(void *value)
{
	__atomic_fetch_add(&sticky_rounds, 1, __ATOMIC_SEQ_CST);
	pthread_setspecific(sticky, value);
}

static void *worker(void *arg)
{
	CHECK(pthread_getspecific(key) == 0);
	EXPECT(pthread_setspecific(key, arg), 0);
	sched_yield();
	CHECK(pthread_getspecific(key) == arg);
	if ((uintptr_t)arg % 2)
		pthread_exit(0); /* destructors also run on pthread_exit */
	return 0;
}

static void *sticky_worker(void *arg)
{
	EXPECT(pthread_setspecific(sticky, arg), 0);
	return 0;
}

static void *null_value(void *arg)
{
	(void)arg;
	EXPECT(pthread_setspecific(key, 0), 0); /* a NULL value: no destructor call */
	return 0;
}

int main(void)
{
	EXPECT(pthread_key_create(&key, destroy), 0);
	EXPECT(pthread_setspecific(key, (void *)1000), 0);
	pthread_t t[10];
	for (uintptr_t i = 0; i < 10; i++)
		EXPECT(pthread_create(&t[i], 0, worker, (void *)(i + 1)), 0);
	for (int i = 0; i < 10; i++)
		EXPECT(pthread_join(t[i], 0), 0);
	CHECK(pthread_getspecific(key) == (void *)1000);
	printf("destructors: %u calls, values sum %lu\n", destroyed, (unsigned long)destroyed_sum);

	EXPECT(pthread_create(&t[0], 0, null_value, 0), 0);
	EXPECT(pthread_join(t[0], 0), 0);
	printf("after a NULL value: %u calls\n", destroyed);

	EXPECT(pthread_key_create(&sticky, destroy_sticky), 0);
	EXPECT(pthread_create(&t[0], 0, sticky_worker, (void *)1), 0);
	EXPECT(pthread_join(t[0], 0), 0);
	printf("value set again in its destructor: %u rounds (PTHREAD_DESTRUCTOR_ITERATIONS %d)\n",
	       sticky_rounds, PTHREAD_DESTRUCTOR_ITERATIONS);

	/* A deleted key takes no values. */
	EXPECT(pthread_key_delete(key), 0);
	EXPECT(pthread_setspecific(key, (void *)1), EINVAL);
	EXPECT(pthread_key_delete(sticky), 0);
	printf("deleted key: setspecific EINVAL\n");

	/* Many keys, each with its own value. */
	pthread_key_t keys[64];
	for (uintptr_t i = 0; i < 64; i++) {
		EXPECT(pthread_key_create(&keys[i], 0), 0);
		EXPECT(pthread_setspecific(keys[i], (void *)(i + 1)), 0);
	}
	for (uintptr_t i = 0; i < 64; i++) {
		CHECK(pthread_getspecific(keys[i]) == (void *)(i + 1));
		EXPECT(pthread_key_delete(keys[i]), 0);
	}
	printf("64 keys ok\n");
	return 0;
}
