/* Condition variables: a bounded buffer with several producers and consumers, broadcast
 * to many waiters, timed waits on CLOCK_REALTIME and CLOCK_MONOTONIC, waits with a
 * recursive mutex, EPERM for an error-checking mutex not held. */

#include <pthread.h>
#include <stdint.h>

#include "check.h"

#define SLOTS 8
#define ITEMS 20000
#define PRODUCERS 2
#define CONSUMERS 3

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static long buffer[SLOTS];
static int head, count, producers_left = PRODUCERS;

static void *produce(void *arg)
{
	long base = (long)(intptr_t)arg * ITEMS;
	for (long i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&lock);
		while (count == SLOTS)
			pthread_cond_wait(&not_full, &lock);
		buffer[(head + count++) % SLOTS] = base + i;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	if (--producers_left == 0)
		pthread_cond_broadcast(&not_empty);
	pthread_mutex_unlock(&lock);
	return 0;
}

static void *consume(void *arg)
{
	long long *sum = arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (count == 0 && producers_left)
			pthread_cond_wait(&not_empty, &lock);
		if (count == 0) {
			pthread_mutex_unlock(&lock);
			return 0;
		}
		*sum += buffer[head];
		head = (head + 1) % SLOTS;
		count--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&lock);
	}
}

static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int started, released, woken;

static void *wait_go(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	started++;
	pthread_cond_broadcast(&not_empty); /* "I am waiting" for main */
	while (!released)
		pthread_cond_wait(&go, &lock);
	woken++;
	pthread_mutex_unlock(&lock);
	return 0;
}

int main(void)
{
	pthread_t p[PRODUCERS], c[CONSUMERS];
	long long sums[CONSUMERS] = {0};
	for (int i = 0; i < CONSUMERS; i++)
		EXPECT(pthread_create(&c[i], 0, consume, &sums[i]), 0);
	for (int i = 0; i < PRODUCERS; i++)
		EXPECT(pthread_create(&p[i], 0, produce, (void *)(intptr_t)i), 0);
	long long total = 0;
	for (int i = 0; i < PRODUCERS; i++)
		EXPECT(pthread_join(p[i], 0), 0);
	for (int i = 0; i < CONSUMERS; i++) {
		EXPECT(pthread_join(c[i], 0), 0);
		total += sums[i];
	}
	printf("producer/consumer: %d items, sum %lld\n", PRODUCERS * ITEMS, total);

	/* Broadcast releases every waiter. */
	enum { WAITERS = 10 };
	pthread_t w[WAITERS];
	for (int i = 0; i < WAITERS; i++)
		EXPECT(pthread_create(&w[i], 0, wait_go, 0), 0);
	pthread_mutex_lock(&lock);
	while (started < WAITERS)
		pthread_cond_wait(&not_empty, &lock);
	released = 1;
	EXPECT(pthread_cond_broadcast(&go), 0);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < WAITERS; i++)
		EXPECT(pthread_join(w[i], 0), 0);
	printf("broadcast woke %d of %d waiters\n", woken, WAITERS);

	/* Timed waits on both clocks. */
	pthread_cond_t cv;
	pthread_condattr_t ca;
	clockid_t clock;
	EXPECT(pthread_condattr_init(&ca), 0);
	EXPECT(pthread_condattr_getclock(&ca, &clock), 0);
	CHECK(clock == CLOCK_REALTIME);
	EXPECT(pthread_cond_init(&cv, &ca), 0);
	pthread_mutex_lock(&lock);
	long long start = now_ns(CLOCK_MONOTONIC);
	struct timespec d = deadline_in_ms(CLOCK_REALTIME, 150);
	int rc;
	while ((rc = pthread_cond_timedwait(&cv, &lock, &d)) == 0)
		;
	EXPECT(rc, ETIMEDOUT);
	CHECK_WAITED(start, 150);
	EXPECT(pthread_cond_destroy(&cv), 0);

	EXPECT(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	EXPECT(pthread_condattr_getclock(&ca, &clock), 0);
	CHECK(clock == CLOCK_MONOTONIC);
	EXPECT(pthread_cond_init(&cv, &ca), 0);
	start = now_ns(CLOCK_MONOTONIC);
	d = deadline_in_ms(CLOCK_MONOTONIC, 150);
	while ((rc = pthread_cond_timedwait(&cv, &lock, &d)) == 0)
		;
	EXPECT(rc, ETIMEDOUT);
	CHECK_WAITED(start, 150);
	struct timespec bad = {0, -1};
	EXPECT(pthread_cond_timedwait(&cv, &lock, &bad), EINVAL);
	pthread_mutex_unlock(&lock);
	EXPECT(pthread_cond_destroy(&cv), 0);
	EXPECT(pthread_condattr_setclock(&ca, 12345), EINVAL);
	EXPECT(pthread_condattr_destroy(&ca), 0);
	printf("timedwait: ETIMEDOUT after 150 ms on CLOCK_REALTIME and CLOCK_MONOTONIC\n");

	/* Signal and broadcast with nobody waiting are no-ops. */
	EXPECT(pthread_cond_init(&cv, 0), 0);
	EXPECT(pthread_cond_signal(&cv), 0);
	EXPECT(pthread_cond_broadcast(&cv), 0);

	/* A recursive mutex is held again, by the waiter, after the wait. */
	pthread_mutex_t rm;
	pthread_mutexattr_t ma;
	EXPECT(pthread_mutexattr_init(&ma), 0);
	EXPECT(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE), 0);
	EXPECT(pthread_mutex_init(&rm, &ma), 0);
	EXPECT(pthread_mutex_lock(&rm), 0);
	d = deadline_in_ms(CLOCK_REALTIME, 10);
	EXPECT(pthread_cond_timedwait(&cv, &rm, &d), ETIMEDOUT);
	EXPECT(pthread_mutex_unlock(&rm), 0);
	EXPECT(pthread_mutex_unlock(&rm), EPERM);
	EXPECT(pthread_mutex_destroy(&rm), 0);
	printf("wait with a recursive mutex: held again afterwards\n");

	EXPECT(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK), 0);
	EXPECT(pthread_mutex_init(&rm, &ma), 0);
	d = deadline_in_ms(CLOCK_REALTIME, 10);
	EXPECT(pthread_cond_timedwait(&cv, &rm, &d), EPERM);
	EXPECT(pthread_cond_wait(&cv, &rm), EPERM);
	EXPECT(pthread_mutex_destroy(&rm), 0);
	printf("wait with an error-checking mutex not held: EPERM\n");
	EXPECT(pthread_mutexattr_destroy(&ma), 0);
	EXPECT(pthread_cond_destroy(&cv), 0);
	return 0;
}
