/* Mutex kinds and their error numbers, trylock, timedlock, and mutual exclusion under
 * contention. */

#include <pthread.h>
#include <stdint.h>

#include "check.h"

#define THREADS 4
#define ROUNDS 100000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *increment(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		EXPECT(pthread_mutex_lock(&counter_lock), 0);
		counter++;
		EXPECT(pthread_mutex_unlock(&counter_lock), 0);
	}
	return 0;
}

static pthread_mutex_t *shared;

static void *unlock_other(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_mutex_unlock(shared);
}

static void *trylock_other(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_mutex_trylock(shared);
}

static int in_thread(void *(*fn)(void *), pthread_mutex_t *m)
{
	pthread_t t;
	void *r;
	shared = m;
	EXPECT(pthread_create(&t, 0, fn, 0), 0);
	EXPECT(pthread_join(t, &r), 0);
	return (int)(intptr_t)r;
}

static void init_kind(pthread_mutex_t *m, int kind)
{
	pthread_mutexattr_t a;
	int got;
	EXPECT(pthread_mutexattr_init(&a), 0);
	EXPECT(pthread_mutexattr_settype(&a, kind), 0);
	EXPECT(pthread_mutexattr_gettype(&a, &got), 0);
	CHECK(got == kind);
	EXPECT(pthread_mutex_init(m, &a), 0);
	EXPECT(pthread_mutexattr_destroy(&a), 0);
}

int main(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		EXPECT(pthread_create(&t[i], 0, increment, 0), 0);
	for (int i = 0; i < THREADS; i++)
		EXPECT(pthread_join(t[i], 0), 0);
	printf("contended counter: %ld\n", counter);

	pthread_mutex_t m;
	EXPECT(pthread_mutex_init(&m, 0), 0);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(in_thread(trylock_other, &m), EBUSY);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_trylock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_destroy(&m), 0);
	printf("normal: trylock EBUSY when held elsewhere\n");

	init_kind(&m, PTHREAD_MUTEX_RECURSIVE);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_trylock(&m), 0);
	EXPECT(in_thread(trylock_other, &m), EBUSY);
	EXPECT(in_thread(unlock_other, &m), EPERM);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(in_thread(trylock_other, &m), EBUSY);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), EPERM);
	EXPECT(pthread_mutex_destroy(&m), 0);
	printf("recursive: depth 3, EPERM for non-owner and unlocked\n");

	init_kind(&m, PTHREAD_MUTEX_ERRORCHECK);
	EXPECT(pthread_mutex_lock(&m), 0);
	EXPECT(pthread_mutex_lock(&m), EDEADLK);
	EXPECT(pthread_mutex_trylock(&m), EBUSY);
	EXPECT(in_thread(unlock_other, &m), EPERM);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_unlock(&m), EPERM);
	EXPECT(pthread_mutex_destroy(&m), 0);
	printf("errorcheck: EDEADLK on relock, EPERM on foreign and double unlock\n");

	/* timedlock: immediate when free, ETIMEDOUT after the deadline when held. */
	EXPECT(pthread_mutex_init(&m, 0), 0);
	struct timespec d = deadline_in_ms(CLOCK_REALTIME, 1000);
	EXPECT(pthread_mutex_timedlock(&m, &d), 0);
	shared = &m;
	long long start = now_ns(CLOCK_MONOTONIC);
	d = deadline_in_ms(CLOCK_REALTIME, 200);
	EXPECT(pthread_mutex_timedlock(&m, &d), ETIMEDOUT); /* normal kind: waits for itself */
	CHECK_WAITED(start, 200);
	struct timespec bad = {0, 1000000000L};
	EXPECT(pthread_mutex_timedlock(&m, &bad), EINVAL);
	struct timespec past = {0, 0};
	EXPECT(pthread_mutex_timedlock(&m, &past), ETIMEDOUT);
	EXPECT(pthread_mutex_unlock(&m), 0);
	EXPECT(pthread_mutex_timedlock(&m, &past), 0); /* free: the deadline is not looked at */
	EXPECT(pthread_mutex_unlock(&m), 0);
	printf("timedlock: ok, ETIMEDOUT after 200 ms, EINVAL for a bad deadline\n");

	init_kind(&m, PTHREAD_MUTEX_ERRORCHECK);
	EXPECT(pthread_mutex_lock(&m), 0);
	d = deadline_in_ms(CLOCK_REALTIME, 100);
	EXPECT(pthread_mutex_timedlock(&m, &d), EDEADLK);
	EXPECT(pthread_mutex_unlock(&m), 0);
	printf("errorcheck timedlock: EDEADLK\n");

	pthread_mutexattr_t a;
	int v;
	EXPECT(pthread_mutexattr_init(&a), 0);
	EXPECT(pthread_mutexattr_gettype(&a, &v), 0);
	CHECK(v == PTHREAD_MUTEX_DEFAULT);
	EXPECT(pthread_mutexattr_settype(&a, 99), EINVAL);
	EXPECT(pthread_mutexattr_getpshared(&a, &v), 0);
	CHECK(v == PTHREAD_PROCESS_PRIVATE);
	EXPECT(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
	EXPECT(pthread_mutexattr_getpshared(&a, &v), 0);
	CHECK(v == PTHREAD_PROCESS_SHARED);
	EXPECT(pthread_mutexattr_destroy(&a), 0);
	printf("mutex attributes ok\n");
	return 0;
}
