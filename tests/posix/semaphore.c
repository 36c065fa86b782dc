/* Unnamed semaphores: counting, trywait/EAGAIN, timedwait timeouts and EINVAL, a
 * ping-pong between two threads, many posters and waiters. */

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#include "check.h"

#define PINGS 5000

static sem_t ping, pong;

static void *ponger(void *arg)
{
	(void)arg;
	for (int i = 0; i < PINGS; i++) {
		CHECK(sem_wait(&ping) == 0);
		CHECK(sem_post(&pong) == 0);
	}
	return 0;
}

static sem_t items;
static unsigned taken;

static void *taker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		CHECK(sem_wait(&items) == 0);
		__atomic_fetch_add(&taken, 1, __ATOMIC_SEQ_CST);
	}
	return 0;
}

static void *poster(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		CHECK(sem_post(&items) == 0);
	return 0;
}

int main(void)
{
	sem_t s;
	int v;
	CHECK(sem_init(&s, 0, 2) == 0);
	CHECK(sem_getvalue(&s, &v) == 0 && v == 2);
	CHECK(sem_trywait(&s) == 0);
	CHECK(sem_wait(&s) == 0);
	errno = 0;
	CHECK(sem_trywait(&s) == -1 && errno == EAGAIN);
	CHECK(sem_post(&s) == 0);
	CHECK(sem_getvalue(&s, &v) == 0 && v == 1);
	CHECK(sem_trywait(&s) == 0);
	printf("count 2: two takes, then trywait EAGAIN\n");

	long long start = now_ns(CLOCK_MONOTONIC);
	struct timespec d = deadline_in_ms(CLOCK_REALTIME, 150);
	errno = 0;
	CHECK(sem_timedwait(&s, &d) == -1 && errno == ETIMEDOUT);
	CHECK_WAITED(start, 150);
	struct timespec bad = {0, 1000000000L};
	errno = 0;
	CHECK(sem_timedwait(&s, &bad) == -1 && errno == EINVAL);
	CHECK(sem_destroy(&s) == 0);
	printf("timedwait: ETIMEDOUT after 150 ms, EINVAL for a bad deadline\n");

	CHECK(sem_init(&ping, 0, 0) == 0);
	CHECK(sem_init(&pong, 0, 0) == 0);
	pthread_t t[8];
	EXPECT(pthread_create(&t[0], 0, ponger, 0), 0);
	for (int i = 0; i < PINGS; i++) {
		CHECK(sem_post(&ping) == 0);
		CHECK(sem_wait(&pong) == 0);
	}
	EXPECT(pthread_join(t[0], 0), 0);
	printf("ping-pong: %d round trips\n", PINGS);

	CHECK(sem_init(&items, 0, 0) == 0);
	for (int i = 0; i < 4; i++)
		EXPECT(pthread_create(&t[i], 0, taker, 0), 0);
	for (int i = 4; i < 8; i++)
		EXPECT(pthread_create(&t[i], 0, poster, 0), 0);
	for (int i = 0; i < 8; i++)
		EXPECT(pthread_join(t[i], 0), 0);
	CHECK(sem_getvalue(&items, &v) == 0);
	printf("4 posters, 4 takers: %u taken, %d left\n", taken, v);
	CHECK(sem_destroy(&items) == 0);
	CHECK(sem_destroy(&ping) == 0);
	CHECK(sem_destroy(&pong) == 0);
	return 0;
}
